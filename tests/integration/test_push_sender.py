"""The sender (sippush psa and send) on loopback against a raw-socket peer:
seed 001 B.1 third-party REGISTER, the ua-profile notifier (200, enrolment
NOTIFY, push by NOTIFY from `send --psa`, expiry), its refusals (489, 403),
a MESSAGE push and its Appendix Q outcome, and the reg event (RFC 3680):
registration, expiry and de-registration followed through NOTIFYs."""
import os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pushlib import *

ue = Peer()
port = free_port()
sock = os.path.join(tempfile.mkdtemp(prefix='sippush-psa-'), 'psa.sock')
psa = Proc(['psa', '--listen', 'udp:127.0.0.1:%d' % port, '--control', 'unix:' + sock, '--identity',
            'sip:psa@127.0.0.1:%d' % port, '--watch', 'sip:carol@127.0.0.1', '--proxy', 'sip:127.0.0.1:%d' % ue.port])
try:
    check(psa.wait_event('listening') is not None, 'psa listening')

    # --- reg event: the psa subscribes through the core (the peer here) ---------------------
    sub, saddr = ue.request(lambda m: m.method == 'SUBSCRIBE' and m.get('Event') == 'reg')
    check(sub is not None and sub.start == 'SUBSCRIBE sip:carol@127.0.0.1 SIP/2.0', 'reg SUBSCRIBE to the AoR')
    check(sub.get('Accept') == 'application/reginfo+xml', 'Accept: application/reginfo+xml')
    check(sub.get('Route') == '<sip:127.0.0.1:%d;lr>' % ue.port, 'through the core (Route)')
    ue.reply(sub, saddr, 200, headers='Expires: 3600\r\nContact: <sip:127.0.0.1:%d>\r\n' % ue.port, tag='regsrv')
    seq = [1]

    def reginfo(version, state, reg_state, cstate, event, expires=''):
        xml = ('<?xml version="1.0"?>\n<reginfo xmlns="urn:ietf:params:xml:ns:reginfo" version="%d" state="%s">'
               '<registration aor="sip:carol@127.0.0.1" id="a7" state="%s"><contact id="76" state="%s" event="%s"%s>'
               '<uri>sip:carol@127.0.0.1:5999</uri></contact></registration></reginfo>') % (
                   version, state, reg_state, cstate, event, expires)
        n = ('NOTIFY sip:psa@127.0.0.1:%d SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bKrg%d\r\n'
             'Max-Forwards: 70\r\nFrom: <sip:carol@127.0.0.1>;tag=regsrv\r\nTo: %s\r\nCall-ID: %s\r\nCSeq: %d NOTIFY\r\n'
             'Contact: <sip:127.0.0.1:%d>\r\nEvent: reg\r\nSubscription-State: active;expires=3600\r\n'
             'Content-Type: application/reginfo+xml\r\nContent-Length: %d\r\n\r\n%s') % (
                 port, ue.port, seq[0], sub.get('From'), sub.get('Call-ID'), seq[0], ue.port, len(xml), xml)
        seq[0] += 1
        ue.send(n, port)
        r, _ = ue.response('NOTIFY')
        return r
    before = len(psa.events())
    r = reginfo(0, 'full', 'active', 'active', 'registered', ' expires="3600"')
    check(r is not None and r.status == 200, 'full reginfo accepted')
    check(psa.wait_event('regstate', 5, lambda e: e['contacts'] == 1, before) is not None, 'carol has 1 binding')
    before = len(psa.events())
    reginfo(1, 'partial', 'terminated', 'terminated', 'expired')
    check(psa.wait_event('regstate', 5, lambda e: e['contacts'] == 0, before) is not None, 'expiry: 0 bindings')
    before = len(psa.events())
    reginfo(2, 'partial', 'active', 'active', 'registered', ' expires="600"')
    check(psa.wait_event('regstate', 5, lambda e: e['contacts'] == 1, before) is not None, 'registered again: 1')
    before = len(psa.events())
    reginfo(3, 'partial', 'terminated', 'terminated', 'unregistered')
    check(psa.wait_event('regstate', 5, lambda e: e['contacts'] == 0, before) is not None, 'de-registration: 0')

    # --- B.1 step 3: the core's third-party REGISTER ----------------------------------------
    reg = request('REGISTER', 'sip:psa@127.0.0.1:%d' % port, ue.port, 'tpr@x', from_='<sip:registrar.example.com>;tag=456249',
                  to='"Bob" <sip:bob@example.com>', extra='Contact: <sip:registrar.example.com>\r\nExpires: 7200\r\n')
    ue.send(reg, port)
    r, _ = ue.response('REGISTER')
    check(r is not None and r.status == 200, 'third-party REGISTER answered 200')
    check(any('sip:registrar.example.com' in c and 'expires=7200' in c for c in r.all('Contact')), '200 lists the binding')
    check(psa.wait_event('registered', 5, lambda e: e['aor'] == 'sip:bob@example.com') is not None, 'psa: registered')

    # --- the notifier ------------------------------------------------------------------------
    ev_ok = 'ua-profile;profile-type=oma-app;event-app-id="mms.ua";vendor="acme";model="pc100";version="1.0"'
    pai = 'P-Asserted-Identity: <sip:dave@127.0.0.1>\r\n'

    def subscribe(call_id, event, extra, expires):
        ue.send(request('SUBSCRIBE', 'sip:psa@127.0.0.1:%d' % port, ue.port, call_id, from_='<sip:dave@127.0.0.1>;tag=d1',
                        extra=extra + 'Event: %s\r\nExpires: %d\r\nContact: <sip:dave@127.0.0.1:%d>\r\n' % (
                            event, expires, ue.port)), port)
        r, _ = ue.recv(lambda m: not m.is_request and m.get('Call-ID') == call_id)
        return r
    r = subscribe('bad1@x', 'presence', pai, 600)
    check(r is not None and r.status == 489 and r.get('Allow-Events') == 'ua-profile', 'unknown package: 489 Bad Event')
    r = subscribe('bad2@x', ev_ok, '', 600)
    check(r is not None and r.status == 403, 'no P-Asserted-Identity: 403')
    check(psa.wait_event('rejected', 5, lambda e: e['status'] == 403) is not None, 'psa reports the refusal')
    r = subscribe('good@x', ev_ok, pai, 600)
    check(r is not None and r.status == 200 and r.get('Expires') == '600', 'SUBSCRIBE accepted, 200 Expires 600')
    n, naddr = ue.request(lambda m: m.method == 'NOTIFY' and m.get('Call-ID') == 'good@x')
    check(n is not None and n.get('Subscription-State') == 'active;expires=600' and
          n.get('Event') == 'ua-profile;profile-type=oma-app;event-app-id="mms.ua"', 'enrolment confirmation NOTIFY')
    ue.reply(n, naddr, 200)
    check(psa.wait_event('subscribed', 5, lambda e: e['app'] == 'mms.ua') is not None, 'psa: subscribed')

    # a push by NOTIFY handed over the control socket
    f = os.path.join(psa.tmp, 'n.txt')
    open(f, 'w').write('notified content')
    import threading
    box = {}
    t = threading.Thread(target=lambda: box.update(r=run(['send', '--psa', 'unix:' + sock, '--to', 'sip:dave@127.0.0.1',
                                                          '--method', 'notify', '--app', 'mms.ua', '--type', 'text/plain',
                                                          '--header', 'Content-Language: en', '--header',
                                                          'X-Wap-Application-Id: x', f])))
    t.start()
    n, naddr = ue.request(lambda m: m.method == 'NOTIFY' and m.body == 'notified content')
    check(n is not None and n.get('P-Asserted-Identity') == '<sip:psa@127.0.0.1:%d>' % port, 'NOTIFY push asserts the psa')
    check(n.get('Content-Language') == 'en' and n.get('X-Wap-Application-Id') is None,
          'push headers mapped (Content-Language kept, X-Wap dropped)')
    ue.reply(n, naddr, 200)
    t.join(30)
    rc, res, _ = box['r']
    check(rc == 0 and res.get('event') == 'delivered' and res.get('method') == 'NOTIFY', 'send --psa: delivered by NOTIFY')

    # a MESSAGE push refused by the receiver: Appendix Q says retry for 486
    t = threading.Thread(target=lambda: box.update(r=run(['send', '--psa', 'unix:' + sock, '--to',
                                                          'sip:dave@127.0.0.1:%d' % ue.port, '--method', 'message',
                                                          '--app', 'mms.ua', '--type', 'text/plain', f])))
    t.start()
    m, maddr = ue.request(lambda m: m.method == 'MESSAGE')
    check(m is not None and '+g.oma.pusheventapp="mms.ua";require;explicit' in m.get('Accept-Contact'),
          'MESSAGE Accept-Contact with the application')
    ue.reply(m, maddr, 486, 'Busy Here')
    t.join(30)
    rc, res, _ = box['r']
    check(rc == 1 and res.get('status') == 486 and res.get('retry') is True, '486: failed, retry true')

    # expiry of a short subscription: NOTIFY terminated;reason=timeout
    r = subscribe('short@x', ev_ok, pai, 2)
    check(r is not None and r.status == 200, 'short subscription accepted')
    n, naddr = ue.request(lambda m: m.method == 'NOTIFY' and m.get('Call-ID') == 'short@x')
    ue.reply(n, naddr, 200)
    n, naddr = ue.request(lambda m: m.method == 'NOTIFY' and m.get('Call-ID') == 'short@x', secs=5)
    check(n is not None and n.get('Subscription-State') == 'terminated;reason=timeout', 'expiry: terminated;reason=timeout')
    ue.reply(n, naddr, 200)
finally:
    rc = psa.stop()
    ue.close()
check(rc == 0, 'psa exits 0 on SIGTERM')
