"""Every command over IPv6 loopback ([::1]) exactly as over 127.0.0.1, each
scenario run over both: recv without --aor (the default AoR from the listen
address, bracketed) registering with a raw registrar, --trust in its
bracketed, bare and "localhost" forms, rport and received; a raw sender's
MESSAGE and INVITE/MSRP (Record-Route echoed, MSRP over [::1]) with
recv --count 1 finishing the session first (the SEND's 200 and the REPORT
out, the BYE answered, or recv's own BYE after --linger); send to recv by
MESSAGE and INVITE/MSRP; psa to recv through its binding; send --refer
against a raw receiver (every NOTIFY answered, the outcome printed) and
against recv."""
import hashlib, os, socket, sys, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pushlib import *


def bracket(host):
    return '[%s]' % host if ':' in host else host


def family(host):
    return socket.AF_INET6 if ':' in host else socket.AF_INET


def via_params(via):
    return dict((p.split('=', 1) + [''])[:2] for p in via.split(';')[1:])


# --- recv without --aor: REGISTER, --trust forms, rport/received -----------------------------

def receiver(host, trust, trusted):
    core = Peer(host=host)
    port = free_port(host)
    H = bracket(host)
    tag = 'trust %s over %s:' % (trust, H)
    recv = Proc(['recv', '--listen', 'udp:%s:%d' % (H, port), '--registrar', 'sip:%s:%d' % (H, core.port),
                 '--app', 'x.ua', '--trust', trust, '--out', 'none', '--expires', '600'])
    try:
        ev = recv.wait_event('listening')
        check(ev is not None and ev['listen'] == ['udp:%s:%d' % (H, port)], '%s listening on %s' % (tag, ev))
        reg, addr = core.request(lambda m: m.method == 'REGISTER')
        aor = 'sip:recv@%s:%d' % (H, port)
        check(reg is not None and reg.start == 'REGISTER sip:%s:%d SIP/2.0' % (H, core.port), '%s REGISTER' % tag)
        check(reg.get('To') == '<%s>' % aor and reg.get('From').startswith('<%s>;tag=' % aor),
              '%s default AoR %s (%s)' % (tag, aor, reg.get('To')))
        check(reg.get('Via').startswith('SIP/2.0/UDP %s:%d;' % (H, port)), '%s Via sent-by %s:%d' % (tag, H, port))
        check(reg.get('Contact').startswith('<sip:recv@%s:%d>' % (H, port)), '%s Contact %s' % (tag, reg.get('Contact')))
        check(addr[0] == host and addr[1] == port, '%s sent from the listener' % tag)
        core.reply(reg, addr, 200, headers='Contact: %s;expires=600\r\nExpires: 600\r\n' % reg.get('Contact'))
        check(recv.wait_event('registered') is not None, '%s registered' % tag)
        # sent-by names port 9: the answer must still reach the source port (RFC 3581 rport)
        msg = request('MESSAGE', aor, 9, 'm-%d@x' % core.port, host=host, from_='<sip:alice@example.com>;tag=m1',
                      extra='P-Asserted-Identity: <sip:alice@example.com>\r\n'
                            'Accept-Contact: *;+g.oma.pusheventapp="x.ua";require;explicit\r\n',
                      body='over ' + host, ctype='text/plain')
        core.send(msg, port)
        r, _ = core.response('MESSAGE')
        check(r is not None, '%s the answer came back to the source port (rport)' % tag)
        v = via_params(r.get('Via'))
        check(v.get('rport') == str(core.port) and v.get('received') == host,
              '%s rport=%d;received=%s (%s)' % (tag, core.port, host, r.get('Via')))
        if trusted:
            check(r.status == 200, '%s MESSAGE from a trusted peer 200 (%d)' % (tag, r.status))
            ev = recv.wait_event('push')
            check(ev is not None and ev['from'] == 'sip:alice@example.com', '%s the asserted identity believed' % tag)
        else:
            check(r.status == 403 and 'untrusted' in r.start, '%s MESSAGE from an untrusted peer 403 (%s)' % (tag, r.start))
            check(not any(e.get('event') == 'push' for e in recv.events()), '%s nothing delivered' % tag)
    finally:
        recv.stop()
        core.close()


# --- a raw INVITE/MSRP sender against recv --count 1 ------------------------------------------

class MsrpReader:
    def __init__(self, conn):
        self.c = conn
        self.buf = b''

    def frame(self, secs=10):
        """The next whole MSRP frame: (first line, headers dict, body)."""
        end = time.time() + secs
        while True:
            head_end = self.buf.find(b'\r\n')
            if head_end > 0:
                first = self.buf[:head_end].decode()
                tid = first.split(' ')[1]
                for flag in b'$+#':
                    marker = b'-------' + tid.encode() + bytes([flag]) + b'\r\n'
                    at = self.buf.find(marker)
                    if at >= 0:
                        raw, self.buf = self.buf[:at], self.buf[at + len(marker):]
                        head, _, body = raw.partition(b'\r\n\r\n')
                        hdrs = {}
                        for line in head.decode().split('\r\n')[1:]:
                            n, _, val = line.partition(':')
                            hdrs[n.strip()] = val.strip()
                        return first, hdrs, body[:-2] if body.endswith(b'\r\n') else body
            left = end - time.time()
            if left <= 0:
                check(False, 'an MSRP frame within %d s (have %r)' % (secs, self.buf))
            self.c.settimeout(left)
            data = self.c.recv(65536)
            if not data:
                check(False, 'the MSRP connection closed before a whole frame (have %r)' % self.buf)
            self.buf += data


def raw_invite(host, hang_up):
    core = Peer(host=host)
    port = free_port(host)
    H = bracket(host)
    tag = 'INVITE/MSRP over %s (%s):' % (H, 'sender hangs up' if hang_up else '--linger 1, recv hangs up')
    inbox = tempfile.mkdtemp(prefix='sippush-v6-')
    args = ['recv', '--listen', 'udp:%s:%d' % (H, port), '--app', 'x.ua', '--out', inbox, '--count', '1']
    recv = Proc(args + ([] if hang_up else ['--linger', '1']))
    lst = socket.socket(family(host), socket.SOCK_STREAM)
    lst.bind((host, 0))
    lst.listen(1)
    mport = lst.getsockname()[1]
    try:
        check(recv.wait_event('listening') is not None, '%s recv listening' % tag)
        body = b'session-mode push over ' + host.encode()
        sha = hashlib.sha1(body).hexdigest()
        hexcolon = ':'.join(sha[i:i + 2] for i in range(0, 40, 2)).upper()
        ip = 'IP6' if ':' in host else 'IP4'
        our_path = 'msrp://%s:%d/s1;tcp' % (H, mport)
        sdp = ('v=0\r\no=- 1 1 IN %s %s\r\ns=-\r\nc=IN %s %s\r\nt=0 0\r\nm=message %d TCP/MSRP *\r\n'
               'a=setup:passive\r\na=sendonly\r\na=accept-types:text/plain\r\na=path:%s\r\n'
               'a=file-transfer-id:ft%d\r\na=file-selector:name:"hello.txt" type:text/plain size:%d hash:sha-1:%s\r\n'
               ) % (ip, host, ip, host, mport, our_path, mport, len(body), hexcolon)
        rr = '<sip:%s:%d;lr>' % (H, core.port)
        call_id = 'inv-%d@x' % mport
        invite = request('INVITE', 'sip:bob@%s:%d' % (H, port), core.port, call_id, host=host,
                         from_='<sip:psa@example.com>;tag=i1', to='<sip:bob@%s:%d>' % (H, port),
                         extra='Contact: <sip:psa@%s:%d>\r\nRecord-Route: %s\r\n'
                               'P-Asserted-Identity: <sip:psa@example.com>\r\n'
                               'Accept-Contact: *;+g.oma.pusheventapp="x.ua";require;explicit\r\n' % (H, core.port, rr),
                         body=sdp, ctype='application/sdp')
        core.send(invite, port)
        ok, addr = core.response('INVITE', secs=10)
        check(ok is not None and ok.status == 200, '%s 200 to the INVITE (%s)' % (tag, ok and ok.start))
        check(ok.all('Record-Route') == [rr], '%s the 200 echoes the Record-Route (%s)' % (tag, ok.all('Record-Route')))
        contact = ok.get('Contact').split('<', 1)[1].split('>', 1)[0]
        check(contact.split(';')[0].endswith('%s:%d' % (H, port)), '%s Contact on %s:%d (%s)' % (tag, H, port, contact))
        check('c=IN %s %s' % (ip, host) in ok.body and 'msrp://%s:' % H in ok.body, '%s the answer is on %s' % (tag, H))
        their_path = [l[7:] for l in ok.body.split('\r\n') if l.startswith('a=path:')][0]
        to_hdr = ok.get('To')
        ack = ('ACK %s SIP/2.0\r\nVia: SIP/2.0/UDP %s:%d;branch=z9hG4bKack%d;rport\r\nMax-Forwards: 70\r\n'
               'From: <sip:psa@example.com>;tag=i1\r\nTo: %s\r\nCall-ID: %s\r\nCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n'
               ) % (contact, H, core.port, mport, to_hdr, call_id)
        core.send(ack, port)
        lst.settimeout(10)
        conn, _ = lst.accept()
        rd = MsrpReader(conn)
        send = ('MSRP tx1send SEND\r\nTo-Path: %s\r\nFrom-Path: %s\r\nMessage-ID: msg1\r\nSuccess-Report: yes\r\n'
                'Byte-Range: 1-%d/%d\r\nContent-Type: text/plain\r\n\r\n' % (their_path, our_path, len(body), len(body))
                ).encode() + body + b'\r\n-------tx1send$\r\n'
        conn.sendall(send)
        got_200 = got_report = False
        while not (got_200 and got_report):
            first, hdrs, _ = rd.frame()
            if first.endswith(' SEND'):  # an empty SEND binding the connection: answer it
                t = first.split(' ')[1]
                conn.sendall(('MSRP %s 200 OK\r\nTo-Path: %s\r\nFrom-Path: %s\r\n-------%s$\r\n' % (
                    t, hdrs.get('From-Path'), our_path, t)).encode())
            elif first == 'MSRP tx1send 200 OK':
                got_200 = True
            elif first.endswith(' REPORT'):
                check(hdrs.get('Status') == '000 200 OK' and hdrs.get('Message-ID') == 'msg1',
                      '%s success REPORT (%s)' % (tag, hdrs))
                got_report = True
        check(got_200 and got_report, '%s the SEND answered 200 and confirmed by a REPORT before exit' % tag)
        ev = recv.wait_event('push')
        check(ev is not None and ev['sha1'] == sha and ev['method'] == 'INVITE', '%s delivered intact' % tag)
        if hang_up:
            time.sleep(0.5)  # time to exit, were it exiting before the session ends
            check(recv.p.poll() is None, '%s recv waits for the session to end' % tag)
            bye = ('BYE %s SIP/2.0\r\nVia: SIP/2.0/UDP %s:%d;branch=z9hG4bKbye%d;rport\r\nMax-Forwards: 70\r\n'
                   'From: <sip:psa@example.com>;tag=i1\r\nTo: %s\r\nCall-ID: %s\r\nCSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n'
                   ) % (contact, H, core.port, mport, to_hdr, call_id)
            core.send(bye, port)
            r, _ = core.response('BYE')
            check(r is not None and r.status == 200, '%s the BYE answered 200 before exit' % tag)
        else:
            # our route set: the BYE comes through the Record-Route hop (ourselves), over the same family
            b, baddr = core.request(lambda m: m.method == 'BYE', secs=15)
            check(b is not None and b.get('Call-ID') == call_id, '%s recv ends the session with a BYE' % tag)
            check(b.get('Via').startswith('SIP/2.0/UDP %s:%d;' % (H, port)), '%s BYE Via sent-by %s:%d' % (tag, H, port))
            core.reply(b, baddr, 200)
        try:
            recv.p.wait(15)
        except subprocess.TimeoutExpired:
            check(False, '%s recv exits after the session (%s)' % (tag, recv.stderr()[-2000:]))
        check(recv.p.returncode == 0, '%s recv exits 0 after the session' % tag)
        conn.close()
    finally:
        recv.stop()
        lst.close()
        core.close()


# --- send to recv, psa to recv -------------------------------------------------------------------

def send_and_psa(host):
    H = bracket(host)
    tmp = tempfile.mkdtemp(prefix='sippush-v6-')
    port, pport = free_port(host), free_port(host)
    tag = 'over %s:' % H
    data = os.urandom(200000)
    big = os.path.join(tmp, 'big.bin')
    open(big, 'wb').write(data)
    small = os.path.join(tmp, 'note.txt')
    open(small, 'w').write('hello over ' + host)
    sock = os.path.join(tmp, 'psa.sock')
    psa = Proc(['psa', '--listen', 'udp:%s:%d' % (H, pport), '--control', 'unix:' + sock])
    recv = None
    try:
        check(psa.wait_event('listening') is not None, '%s psa listening' % tag)
        # an AoR nothing resolves: the psa reaches recv only through the binding it registered
        recv = Proc(['recv', '--listen', 'udp:%s:%d' % (H, port), '--aor', 'sip:bob@push.invalid', '--app', 'x.ua',
                     '--registrar', 'sip:%s:%d' % (H, pport), '--out', os.path.join(tmp, 'inbox')])
        check(recv.wait_event('listening') is not None, '%s recv listening' % tag)
        check(recv.wait_event('registered') is not None, '%s recv registered with the psa' % tag)
        ev = psa.wait_event('registered')
        check(ev is not None and ('@%s:%d' % (H, port)) in ev.get('contact', ''), '%s the binding is %s' % (tag, ev))
        n = 0
        for how in (['--to', 'sip:bob@%s:%d' % (H, port)], ['--control', 'unix:' + sock, '--to', 'sip:bob@push.invalid']):
            via = 'send' if how[0] == '--to' else 'psa'
            for f, method in ((small, 'message'), (big, 'invite')):
                rc, res, err = run(['send'] + how + ['--method', method, '--app', 'x.ua', f])
                check(rc == 0 and res.get('event') == 'delivered', '%s %s by %s delivered (%s %s)' % (tag, via, method, res, err))
                n += 1
                end = time.time() + 10
                while len([e for e in recv.events() if e.get('event') == 'push']) < n and time.time() < end:
                    time.sleep(0.05)
            pushes = [e for e in recv.events() if e.get('event') == 'push']
            check(len(pushes) == n, '%s %d pushes arrived' % (tag, n))
            check(pushes[-1]['sha1'] == hashlib.sha1(data).hexdigest(), '%s %s INVITE/MSRP intact' % (tag, via))
            check(pushes[-2]['content_type'] == 'text/plain', '%s note.txt went as text/plain' % tag)
            if via == 'send':
                check(pushes[-1]['from'].startswith('sip:psa@%s:' % H), '%s send identifies as sip:psa@%s:P' % (tag, H))
    finally:
        if recv:
            recv.stop()
        psa.stop()


# --- send --refer -------------------------------------------------------------------------------------

def sipfrag_notify(refer, to_hdr, seq, frag, state, host, peer_port):
    H = bracket(host)
    return ('NOTIFY %s SIP/2.0\r\nVia: SIP/2.0/UDP %s:%d;branch=z9hG4bKnt%d%s;rport\r\nMax-Forwards: 70\r\n'
            'From: %s\r\nTo: %s\r\nCall-ID: %s\r\nCSeq: %d NOTIFY\r\nContact: <sip:bob@%s:%d>\r\nEvent: refer\r\n'
            'Subscription-State: %s\r\nContent-Type: message/sipfrag;version=2.0\r\nContent-Length: %d\r\n\r\n%s'
            ) % (refer.get('Contact').strip('<>').split(';')[0] if refer.get('Contact') else refer.start.split(' ')[1],
                 H, peer_port, seq, refer.get('Call-ID').split('@')[0][:8], to_hdr, refer.get('From'),
                 refer.get('Call-ID'), seq, H, peer_port, state, len(frag), frag)


def refer_raw(host, final, state='terminated;reason=noresource'):
    """The test plays the receiver: 202, a NOTIFY 100 Trying, then the final one (or none)."""
    ue = Peer(host=host)
    H = bracket(host)
    tag = 'send --refer over %s, %s:' % (H, final or 'no final NOTIFY')
    args = ['send', '--refer', '--to', 'sip:bob@%s:%d' % (H, ue.port), '--app', 'x.ua']
    if not final:
        args += ['--refer-timeout', '1']
    p = subprocess.Popen([EXE] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        refer, addr = ue.request(lambda m: m.method == 'REFER')
        check(refer is not None and refer.get('Event') == 'refer', '%s REFER' % tag)
        check(refer.get('Via').startswith('SIP/2.0/UDP %s:' % H), '%s Via sent-by on %s' % (tag, H))
        check('event-app-id%3D%22x.ua%22' in refer.get('Refer-To'), '%s Refer-To names the application' % tag)
        to_hdr = ue.reply(refer, addr, 202, 'Accepted', tag='rcv1',
                          headers='Contact: <sip:bob@%s:%d>\r\n' % (H, ue.port))
        ue.send(sipfrag_notify(refer, to_hdr, 1, 'SIP/2.0 100 Trying\r\n', 'active;expires=60', host, ue.port), addr[1])
        r, _ = ue.response('NOTIFY')
        check(r is not None and r.status == 200, '%s the first NOTIFY answered 200' % tag)
        check(p.poll() is None, '%s send still waits after the 202 and a 100 Trying' % tag)
        if final:
            ue.send(sipfrag_notify(refer, to_hdr, 2, 'SIP/2.0 %s\r\n' % final, state, host, ue.port), addr[1])
            r, _ = ue.response('NOTIFY')
            check(r is not None and r.status == 200, '%s the final NOTIFY answered 200' % tag)
        out, err = p.communicate(timeout=20)
        res = json.loads(out.decode().strip().splitlines()[-1])
        return p.returncode, res, err.decode()
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        ue.close()


def refers(host):
    H = bracket(host)
    rc, res, _ = refer_raw(host, '200 OK')
    check(rc == 0 and res == dict(res, event='delivered', method='REFER', status=202, referral=200),
          'refer over %s: delivered, referral 200 (%s)' % (H, res))
    rc, res, _ = refer_raw(host, '489 Bad Event')
    check(rc == 1 and res.get('event') == 'failed' and res.get('status') == 489 and res.get('referral') == 489 and
          res.get('retry') is False, 'refer over %s: the SUBSCRIBE refused, failed 489 (%s)' % (H, res))
    rc, res, _ = refer_raw(host, None)
    check(rc == 1 and res.get('status') == 408 and res.get('referral') is None and 'reason' in res,
          'refer over %s: no final NOTIFY within --refer-timeout, failed 408, referral null (%s)' % (H, res))
    # and against recv itself: it subscribes back to the sender, which accepts (this host is trusted)
    port = free_port(host)
    recv = Proc(['recv', '--listen', 'udp:%s:%d' % (H, port), '--app', 'x.ua', '--out', 'none'])
    try:
        check(recv.wait_event('listening') is not None, 'refer over %s: recv listening' % H)
        rc, res, err = run(['send', '--refer', '--to', 'sip:bob@%s:%d' % (H, port), '--app', 'x.ua'], timeout=90)
        check(rc == 0 and res.get('referral') == 200, 'refer over %s: recv subscribed, outcome 200 (%s %s)' % (H, res, err))
        check(recv.wait_event('subscribed') is not None, 'refer over %s: recv printed subscribed' % H)
    finally:
        recv.stop()


def main():
    for host in ('127.0.0.1', '::1'):
        forms = [('127.0.0.1', True), ('localhost', True)] if host == '127.0.0.1' else \
            [('[::1]', True), ('::1', True), ('localhost', True), ('127.0.0.1', False)]
        for trust, trusted in forms:
            receiver(host, trust, trusted)
        raw_invite(host, True)
        raw_invite(host, False)
        send_and_psa(host)
        refers(host)
    return 0


if __name__ == '__main__':
    sys.exit(main())
