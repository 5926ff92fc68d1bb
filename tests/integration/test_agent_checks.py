"""What the receiver (recv) and the sender (psa, send) answer to requests a
UAS must check (RFC 3261 §8.2) and to hostile peers, over loopback UDP:
the typed checks of every header they read (400 naming the header, an
INVITE with a broken To included), quoted-pairs holding control bytes,
no Max-Forwards, Request-URIs inside '<' '>' and of other schemes (416),
unknown methods (501) and known ones not served (405), a registrar's To;
a refused request from an untrusted host planting nothing in the
duplicate table; responses with a request's branch from another host
changing nothing."""
import os, socket, sys, threading
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pushlib import *


class Forger(Peer):
    """A UDP peer on another loopback address: a host the agents did not talk to."""
    def __init__(self, host='127.0.0.2'):
        self.host = '127.0.0.1'  # where the agents listen (Peer.send's default destination)
        self.s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.s.bind((host, 0))
        self.port = self.s.getsockname()[1]
        self.queue = []


class Peer6(Peer):
    """A UDP peer on [::1]."""
    def __init__(self):
        self.host = '::1'
        self.s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        self.s.bind(('::1', 0))
        self.port = self.s.getsockname()[1]
        self.queue = []


def answer(peer, text, port, call_id, secs=5):
    peer.send(text, port)
    r, _ = peer.recv(lambda m: not m.is_request and m.status >= 200 and m.get('Call-ID') == call_id, secs)
    return r


PAI = 'P-Asserted-Identity: <sip:psa@example.com>\r\n'


def message(port, call_id, ruri='sip:bob@example.com', from_='<sip:psa@example.com>;tag=t1', extra=PAI,
            body='hello', no_max_forwards=False):
    text = request('MESSAGE', ruri, port, call_id, from_=from_, to='<sip:bob@example.com>', extra=extra, body=body,
                   ctype='text/plain')
    return text.replace('Max-Forwards: 70\r\n', '') if no_max_forwards else text


def raw(method, ruri, port, call_id, headers, cseq_method=None):
    return ('%s %s SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK%s;rport\r\nMax-Forwards: 70\r\n%s'
            'Call-ID: %s\r\nCSeq: 1 %s\r\nContent-Length: 0\r\n\r\n') % (
                method, ruri, port, call_id.replace('@', ''), headers, call_id, cseq_method or method)


def uri_and_method_answers(label, aport, not_served, allow_has):
    """What an agent on aport answers to Request-URIs and methods it does not serve."""
    cases = [('OPTIONS', '<sip:b@127.0.0.1>', 400, "Request-URI inside < > gets 400", lambda r: "'<'" in r.start),
             ('OPTIONS', 'tel:+15551234567', 416, 'OPTIONS to a tel: Request-URI gets 416', None),
             ('OPTIONS', 'urn:service:sos', 416, 'OPTIONS to a urn: Request-URI gets 416', None),
             ('FROBNICATE', 'sip:b@127.0.0.1', 501, 'an unknown method gets 501', None),
             (not_served, 'sip:b@127.0.0.1', 405, '%s (known, not served) gets 405 with Allow' % not_served,
              lambda r: allow_has in (r.get('Allow') or ''))]
    for i, (method, ruri, status, what, more) in enumerate(cases):
        cid = '%s-%d@x' % (label, i)
        r = answer(core, raw(method, ruri, core.port, cid, 'From: <sip:a@x>;tag=o\r\nTo: <sip:b@x>\r\n'), aport, cid)
        check(r is not None and r.status == status and (more is None or more(r)),
              '%s: %s (%s)' % (label, what, r.start if r else None))


def pushes(proc):
    return [e for e in proc.events() if e.get('event') == 'push']


def wait_pushes(proc, n, secs=5):
    end = time.time() + secs
    while time.time() < end and len(pushes(proc)) < n:
        time.sleep(0.05)
    return len(pushes(proc))


core = Peer()
forger = Forger()
port = free_port()
inbox = tempfile.mkdtemp(prefix='sippush-inbox-')
recv = Proc(['recv', '--listen', 'udp:127.0.0.1:%d' % port, '--aor', 'sip:bob@example.com', '--app', 'sms.ua',
             '--accept', 'text/plain', '--out', inbox])
psa = None
try:
    check(recv.wait_event('listening') is not None, 'recv listening')
    cp = core.port

    # --- RFC 3261 §8.2: a UAS does not refuse a request without Max-Forwards ---------------
    r = answer(core, message(cp, 'nomf@x', no_max_forwards=True), port, 'nomf@x')
    check(r is not None and r.status == 200, 'recv: MESSAGE without Max-Forwards answered 200')
    check(recv.wait_event('push', 5, lambda e: e.get('size') == 5) is not None, 'recv: and delivered')

    # --- §25.1: a quoted-pair may hold any byte but CR and LF ------------------------------
    r = answer(core, message(cp, 'qp@x', from_='"P\\\x00S\\\x07A\\\x7f" <sip:psa@example.com>;tag=q1'), port, 'qp@x')
    check(r is not None and r.status == 200, 'recv: display name with \\NUL \\BEL \\DEL answered 200')
    r = answer(core, message(cp, 'ctl@x', from_='"P\x07SA" <sip:psa@example.com>;tag=q2'), port, 'ctl@x')
    check(r is not None and r.status == 400 and 'control character' in r.start,
          'recv: a raw BEL in the display name gets 400 (%s)' % (r.start if r else None))

    # --- typed checks: 400 naming the header ---------------------------------------------
    n_push = len(pushes(recv))
    for name, frm, extra, want in [
            ('badfrom', '<sip:psa@example.com:99999>;tag=f', PAI, 'From'),
            ('badcontact', '<sip:psa@example.com>;tag=f', PAI + 'Contact: <sip:psa@example.com\r\n', 'Contact'),
            ('badvia2', '<sip:psa@example.com>;tag=f', PAI + 'Via: SIP/2.0/UDP\r\n', 'Via')]:
        r = answer(core, message(cp, name + '@x', from_=frm, extra=extra), port, name + '@x')
        check(r is not None and r.status == 400 and want in r.start,
              'recv: malformed %s gets 400 naming it (%s)' % (want, r.start if r else None))
    inv = raw('INVITE', 'sip:bob@127.0.0.1:%d' % port, cp, 'badto@x',
              'From: <sip:psa@example.com>;tag=i1\r\nTo: <sip:bob@example.com;tag=x\r\n' + PAI)
    r = answer(core, inv, port, 'badto@x')
    check(r is not None and r.status == 400 and r.start.startswith('SIP/2.0 400 To'),
          'recv: INVITE whose To does not parse gets 400, not 481 (%s)' % (r.start if r else None))
    time.sleep(0.2)
    check(len(pushes(recv)) == n_push, 'recv: nothing of those delivered')

    # --- Request-URI: no brackets (§25.1), other schemes 416 (§8.2.2.1); methods (§8.2.1) ------
    r = answer(core, message(cp, 'tel@x', ruri='tel:+15551234567'), port, 'tel@x')
    check(r is not None and r.status == 416, 'recv: MESSAGE to a tel: Request-URI gets 416')
    uri_and_method_answers('recv', port, 'REGISTER', 'MESSAGE')

    # --- the duplicate table takes only trusted requests -------------------------------------
    n_push = len(pushes(recv))
    poison = message(forger.port, 'dup@x', from_='<sip:psa@example.com>;tag=same').replace(
        '127.0.0.1:%d' % forger.port, '127.0.0.2:%d' % forger.port)
    r = answer(forger, poison, port, 'dup@x')
    check(r is not None and r.status == 403, 'recv: MESSAGE from the untrusted 127.0.0.2 refused 403')
    r = answer(core, message(cp, 'dup@x', from_='<sip:psa@example.com>;tag=same'), port, 'dup@x')
    check(r is not None and r.status == 200, 'recv: the same keys from the trusted host answered 200')
    check(wait_pushes(recv, n_push + 1) == n_push + 1, 'recv: and delivered, not answered from the refusal')
    r = answer(core, message(cp, 'dup@x', from_='<sip:psa@example.com>;tag=same').replace('z9hG4bKdupx', 'z9hG4bKdup2'),
               port, 'dup@x')
    time.sleep(0.2)
    check(r is not None and r.status == 200 and len(pushes(recv)) == n_push + 1,
          'recv: a trusted copy on another branch is a duplicate (200, not delivered again)')

    # --- the sender: psa as registrar and notifier ---------------------------------------
    pport = free_port()
    sock = os.path.join(tempfile.mkdtemp(prefix='sippush-psa-'), 'psa.sock')
    psa = Proc(['psa', '--listen', 'udp:127.0.0.1:%d' % pport, '--control', 'unix:' + sock, '--identity',
                'sip:psa@127.0.0.1:%d' % pport])
    check(psa.wait_event('listening') is not None, 'psa listening')
    reg = raw('REGISTER', 'sip:127.0.0.1', cp, 'ptel@x', 'From: <tel:+15551234567>;tag=r\r\nTo: <tel:+15551234567>\r\n'
              'Contact: <sip:u@127.0.0.1:5999>\r\n')
    r = answer(core, reg, pport, 'ptel@x')
    check(r is not None and r.status == 400 and 'SIPS URI' in r.start, 'psa: REGISTER whose To is a tel: URI gets 400')
    reg = raw('REGISTER', 'sip:127.0.0.1', cp, 'pnomf@x', 'From: <sip:u@example.com>;tag=r\r\nTo: <sip:u@example.com>\r\n'
              'Contact: <sip:u@127.0.0.1:5999>\r\n').replace('Max-Forwards: 70\r\n', '')
    r = answer(core, reg, pport, 'pnomf@x')
    check(r is not None and r.status == 200, 'psa: REGISTER without Max-Forwards answered 200')
    reg = raw('REGISTER', 'sip:127.0.0.1', cp, 'pbadc@x', 'From: <sip:u@example.com>;tag=r\r\nTo: <sip:u@example.com>\r\n'
              'Contact: <sip:u@127.0.0.1:5999;transport=udp\r\n')
    r = answer(core, reg, pport, 'pbadc@x')
    check(r is not None and r.status == 400 and r.start.startswith('SIP/2.0 400 Contact'),
          'psa: REGISTER with a malformed Contact gets 400 naming it (%s)' % (r.start if r else None))
    uri_and_method_answers('psa', pport, 'MESSAGE', 'REGISTER')

    # --- a response with the request's branch from another host changes nothing ----------
    seen = set()

    def forged_then_real(args, label, ue, fake, host='127.0.0.1'):
        f = os.path.join(psa.tmp, 'p.txt')
        open(f, 'w').write('push')
        box = {}
        target = 'sip:dave@%s:%d' % ('[%s]' % host if ':' in host else host, ue.port)
        ue.queue = []  # retransmissions of an earlier push are not this one
        t = threading.Thread(target=lambda: box.update(r=run(args + ['--to', target, '--method', 'message', '--app',
                                                                     'sms.ua', '--type', 'text/plain', f])))
        t.start()
        m, maddr = ue.request(lambda m: m.method == 'MESSAGE' and m.get('Call-ID') not in seen, secs=10)
        seen.add(m.get('Call-ID') if m else None)
        check(m is not None, '%s: MESSAGE reaches the receiver' % label)
        # the forger knows the branch (it saw the request) and answers first, from elsewhere
        text = 'SIP/2.0 200 OK\r\n' + ''.join('Via: %s\r\n' % v for v in m.all('Via')) + \
            'From: %s\r\nTo: %s;tag=forged\r\nCall-ID: %s\r\nCSeq: %s\r\nContent-Length: 0\r\n\r\n' % (
                m.get('From'), m.get('To'), m.get('Call-ID'), m.get('CSeq'))
        fake.send(text, maddr[1], maddr[0])
        time.sleep(0.5)
        check(t.is_alive(), '%s: the forged 200 is not an outcome' % label)
        ue.reply(m, maddr, 486, 'Busy Here')
        t.join(30)
        rc, res, _ = box['r']
        check(rc == 1 and res.get('event') == 'failed' and res.get('status') == 486,
              '%s: the real 486 is the outcome, not "delivered" (%r)' % (label, res))
    forged_then_real(['send', '--psa', 'unix:' + sock], 'psa, forger on 127.0.0.2', core, forger)
    forged_then_real(['send'], 'send, forger on 127.0.0.2', core, forger)
    same_host = Forger('127.0.0.1')
    forged_then_real(['send'], 'send, forger on another port of 127.0.0.1', core, same_host)
    same_host.close()

    # over IPv6: the psa on [::1], the forger on another port of [::1] (RFC 3581 §4: address and port)
    psa.stop()
    ue6, fake6 = Peer6(), Peer6()
    sock6 = sock + '6'
    psa = Proc(['psa', '--listen', 'udp:[::1]:%d' % pport, '--control', 'unix:' + sock6, '--identity',
                'sip:psa@[::1]:%d' % pport])
    check(psa.wait_event('listening') is not None, 'psa listening on [::1]')
    forged_then_real(['send', '--psa', 'unix:' + sock6], 'psa over IPv6', ue6, fake6, '::1')
    ue6.close()
    fake6.close()
finally:
    rc = recv.stop()
    prc = psa.stop() if psa else 0
    core.close()
    forger.close()
check(rc == 0 and prc == 0, 'recv and psa exit 0 on SIGTERM')
