"""The receiver (sippush recv) on loopback against a raw-socket peer playing
the registrar, the core and the sender: seed 001 B.1 (registration with the
push feature tags, GRUU, de-registration), B.2 (MESSAGE through the core), a
subscription with a NOTIFY push, a REFER-triggered subscription, and every
refusal, each checked on the wire and in what the application received."""
import re
import hashlib, os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pushlib import *

INSTANCE = 'urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6'
core = Peer()
port = free_port()
inbox = tempfile.mkdtemp(prefix='sippush-inbox-')
recv = Proc(['recv', '--listen', 'udp:127.0.0.1:%d' % port, '--aor', 'sip:bob@example.com', '--app', 'sms.ua',
             '--app', 'mms.ua', '--accept', 'text/plain', '--accept', 'application/vnd.oma.push',
             '--registrar', 'sip:127.0.0.1:%d' % core.port, '--subscribe', 'sip:psa@127.0.0.1:%d' % core.port,
             '--instance', INSTANCE, '--expires', '600', '--out', inbox])
try:
    check(recv.wait_event('listening') is not None, 'recv listening')

    # --- B.1 registration ----------------------------------------------------------
    reg, addr = core.request(lambda m: m.method == 'REGISTER')
    check(reg is not None, 'REGISTER reaches the registrar')
    contact = reg.get('Contact')
    check('+sip.instance="<%s>"' % INSTANCE in contact, 'Contact: +sip.instance in angle brackets and quotes')
    check('+g.oma.pusheventapp="sms.ua,mms.ua"' in contact, 'Contact: +g.oma.pusheventapp lists the applications')
    check('methods="INVITE,ACK,BYE,CANCEL,MESSAGE,NOTIFY,REFER,OPTIONS"' in contact, 'Contact: methods feature tag (seed 002 §7.3.1: INVITE disclosed)')
    check(reg.get('Require') == 'pref', 'Require: pref (seed 002 §8.2)')
    check('gruu' in (reg.get('Supported') or ''), 'Supported: gruu')
    check(reg.get('Expires') == '600', 'Expires asked')
    gruu = 'sip:bob@example.com;gr=' + INSTANCE
    core.reply(reg, addr, 200, headers='Contact: <sip:bob@127.0.0.1:%d>;pub-gruu="%s";temp-gruu="sip:tgruu.7hs@example.com;gr"'
               ';+sip.instance="<%s>";expires=300\r\n' % (port, gruu, INSTANCE), tag='reg1')
    check(recv.wait_event('registered', 5, lambda e: e.get('expires') == 300) is not None, 'registered, expires 300')

    # --- the subscription (after registration: the GRUU is the Contact) ---------------
    sub, saddr = core.request(lambda m: m.method == 'SUBSCRIBE', secs=5)
    check(sub is not None, 'SUBSCRIBE sent')
    check(sub.get('Event').startswith('ua-profile;profile-type=oma-app;event-app-id="sms.ua"'), 'Event: ua-profile oma-app')
    check('vendor=' in sub.get('Event') and 'model=' in sub.get('Event') and 'version=' in sub.get('Event'),
          'Event carries vendor, model and version (no dev-cap)')
    check('+g.oma.pusheventapp="sms.ua"' in sub.get('Accept-Contact'), 'SUBSCRIBE Accept-Contact names the app')
    check(sub.get('P-Asserted-Identity') == '<sip:bob@example.com>', 'SUBSCRIBE asserts the AoR with no core between')
    check(sub.get('Contact') == '<%s>' % gruu, 'SUBSCRIBE Contact is the public GRUU (RFC 5627)')
    to = core.reply(sub, saddr, 200, headers='Expires: 600\r\nContact: <sip:psa@127.0.0.1:%d>\r\n' % core.port, tag='ps1')
    check(recv.wait_event('subscribed', 5) is not None, 'subscribed')
    subtag = tag_of(sub.get('From'))
    note = ('NOTIFY sip:bob@127.0.0.1:%d SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bKnt1\r\nMax-Forwards: 70\r\n'
            'From: <sip:psa@127.0.0.1:%d>;tag=ps1\r\nTo: %s\r\nCall-ID: %s\r\nCSeq: 1 NOTIFY\r\n'
            'Contact: <sip:psa@127.0.0.1:%d>\r\nEvent: ua-profile;profile-type=oma-app;event-app-id="sms.ua"\r\n'
            'Subscription-State: active;expires=590\r\nP-Asserted-Identity: <sip:psa@example.com>\r\n'
            'Content-Type: text/plain\r\nContent-Length: 11\r\n\r\nnotify push') % (
                port, core.port, core.port, sub.get('From'), sub.get('Call-ID'), core.port)
    core.send(note, port)
    r, _ = core.response('NOTIFY')
    check(r is not None and r.status == 200, 'NOTIFY push answered 200')
    ev = recv.wait_event('push', 5, lambda e: e.get('method') == 'NOTIFY')
    check(ev is not None and ev['app'] == 'sms.ua' and ev['sha1'] == hashlib.sha1(b'notify push').hexdigest() and
          open(ev['file'], 'rb').read() == b'notify push', 'NOTIFY push delivered to sms.ua, file intact')

    # --- B.2 MESSAGE through the core ------------------------------------------------------
    body = '<si><indication href="http://www.example.com/1">You have 4 new emails</indication></si>'
    msg = ('MESSAGE %s SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK123dsghds\r\n'
           'Via: SIP/2.0/TCP psa.example.com;branch=z9hG4bK776sgdkse;received=192.0.2.4\r\nMax-Forwards: 69\r\n'
           'P-Asserted-Identity: <sip:psa@example.com>\r\nP-Called-Party-ID: <%s>\r\n'
           'From: <sip:psa@example.com>;tag=49583\r\nTo: <sip:bob@example.com>\r\nSupported: gruu\r\n'
           'Accept-Contact: *;+g.3gpp.icsi_ref="urn%%3Aurn-7%%3A3gpp-service.ims.icsi.oma.push";'
           '+g.oma.pusheventapp="mms.ua";require;explicit\r\nCall-ID: 723459815768908@998sdasdh09\r\nCSeq: 1 MESSAGE\r\n'
           'Content-Type: application/vnd.oma.push\r\nContent-Length: %d\r\n\r\n%s') % (gruu, core.port, gruu, len(body), body)
    core.send(msg, port)
    r, _ = core.response('MESSAGE')
    check(r is not None and r.status == 200, 'B.2 MESSAGE answered 200')
    check(len(r.all('Via')) == 2, '200 keeps both Vias')
    ev = recv.wait_event('push', 5, lambda e: e.get('method') == 'MESSAGE')
    check(ev is not None and ev['app'] == 'mms.ua' and ev['from'] == 'sip:psa@example.com' and
          ev['content_type'] == 'application/vnd.oma.push' and open(ev['file']).read() == body,
          'B.2 push delivered to mms.ua with its content')
    n_push = len([e for e in recv.events() if e.get('event') == 'push'])
    core.send(msg.replace('z9hG4bK123dsghds', 'z9hG4bK123other'), port)
    r, _ = core.response('MESSAGE')
    check(r is not None and r.status == 200, 'a duplicate on another branch is answered 200')
    check(barrier(core, port), 'recv answers an OPTIONS after the duplicate')
    check(len([e for e in recv.events() if e.get('event') == 'push']) == n_push, 'the duplicate is not delivered again')

    # --- REFER-triggered subscription (seed 002 §7.2.3.2) ---------------------------------
    refer = request('REFER', 'sip:bob@127.0.0.1:%d' % port, core.port, 'refer1@x', extra=
                    'P-Asserted-Identity: <sip:psa@example.com>\r\nContact: <sip:psa@127.0.0.1:%d>\r\n'
                    'Refer-To: <sip:psa@127.0.0.1:%d;method=SUBSCRIBE?Event=ua-profile%%3Bprofile-type%%3Doma-app%%3B'
                    'event-app-id%%3D%%22mms.ua%%22&Accept-Contact=*%%3B%%2Bg.oma.pusheventapp%%3D%%22mms.ua%%22>\r\n'
                    'Event: refer\r\n' % (core.port, core.port), from_='<sip:psa@example.com>;tag=rf1',
                    to='<sip:bob@example.com>')
    core.send(refer, port)
    r, _ = core.response('REFER')
    check(r is not None and r.status == 202, 'REFER accepted with 202')
    n1, naddr = core.request(lambda m: m.method == 'NOTIFY')
    check(n1 is not None and n1.get('Event') == 'refer' and n1.body.startswith('SIP/2.0 100') and
          n1.get('Content-Type') == 'message/sipfrag;version=2.0', 'first NOTIFY: sipfrag 100 Trying')
    core.reply(n1, naddr, 200)
    s2, s2addr = core.request(lambda m: m.method == 'SUBSCRIBE' and 'mms.ua' in (m.get('Event') or ''))
    check(s2 is not None and s2.start == 'SUBSCRIBE sip:psa@127.0.0.1:%d SIP/2.0' % core.port,
          'the referred SUBSCRIBE goes to the Refer-To URI, without method and headers')
    check(s2.get('Accept-Contact') == '*;+g.oma.pusheventapp="mms.ua"', 'with the referred Accept-Contact')
    core.reply(s2, s2addr, 200, headers='Expires: 600\r\nContact: <sip:psa@127.0.0.1:%d>\r\n' % core.port, tag='ps2')
    check(barrier(core, port), 'recv answers an OPTIONS after the 200 to SUBSCRIBE')
    n2, naddr = core.request(lambda m: m.method == 'NOTIFY' and 'terminated' in (m.get('Subscription-State') or ''), 0)
    check(n2 is None, 'no result before the first NOTIFY of the new subscription (seed 002 §7.2.3.2)')
    contact = re.search(r'<([^>]+)>', s2.get('Contact')).group(1)
    first = request('NOTIFY', contact, core.port, s2.get('Call-ID'), from_='<sip:psa@example.com>;tag=ps2',
                    to=s2.get('From'), extra='Contact: <sip:psa@127.0.0.1:%d>\r\nEvent: %s\r\n'
                    'Subscription-State: active;expires=600\r\n' % (core.port, s2.get('Event')), branch='z9hG4bKua1')
    core.send(first, port)
    r, _ = core.response('NOTIFY')
    check(r is not None and r.status == 200, 'first NOTIFY of the referred subscription answered 200')
    n2, naddr = core.request(lambda m: m.method == 'NOTIFY' and 'terminated' in (m.get('Subscription-State') or ''))
    check(n2 is not None and n2.get('Subscription-State') == 'terminated;reason=noresource' and
          n2.body.startswith('SIP/2.0 200'), 'last NOTIFY: sipfrag 200, terminated;reason=noresource')
    core.reply(n2, naddr, 200)

    # --- refusals ------------------------------------------------------------------------------
    def refused(name, text, status):
        core.send(text, port)
        r, _ = core.recv(lambda m: not m.is_request and m.status >= 200 and m.get('Call-ID') == name + '@x')
        check(r is not None and r.status == status, '%s refused with %d' % (name, status))
        check(recv.wait_event('rejected', 5, lambda e: e.get('status') == status) is not None,
              '%s reported as rejected' % name)
        return r
    pai = 'P-Asserted-Identity: <sip:psa@example.com>\r\n'
    refused('nopai', request('MESSAGE', 'sip:bob@example.com', core.port, 'nopai@x', body='x', ctype='text/plain'), 403)
    r = refused('badtype', request('MESSAGE', 'sip:bob@example.com', core.port, 'badtype@x', extra=pai, body='x',
                                   ctype='image/png'), 415)
    check('text/plain' in (r.get('Accept') or ''), '415 carries Accept')
    refused('noapp', request('MESSAGE', 'sip:bob@example.com', core.port, 'noapp@x', body='x', ctype='text/plain',
                             extra=pai + 'Accept-Contact: *;+g.oma.pusheventapp="wml.ua";require;explicit\r\n'), 404)
    refused('big', request('MESSAGE', 'sip:bob@example.com', core.port, 'big@x', extra=pai, body='b' * 1301,
                           ctype='text/plain'), 413)
    core.send(request('MESSAGE', 'sip:bob@example.com', core.port, 'fits@x', extra=pai, body='f' * 1300,
                      ctype='text/plain'), port)
    r, _ = core.recv(lambda m: not m.is_request and m.get('Call-ID') == 'fits@x')
    check(r is not None and r.status == 200, '1300 bytes accepted')
    refused('outside', request('NOTIFY', 'sip:bob@example.com', core.port, 'outside@x', to='<sip:bob@example.com>;tag=zz',
                               extra=pai + 'Event: ua-profile\r\nSubscription-State: active\r\n', body='x',
                               ctype='text/plain'), 481)

    # --- shutdown: de-registration and un-subscription ---------------------------------------------
    recv.p.send_signal(signal.SIGTERM)
    dereg, daddr = core.request(lambda m: m.method == 'REGISTER' and m.get('Expires') == '0')
    check(dereg is not None, 'SIGTERM sends REGISTER with Expires: 0')
    core.reply(dereg, daddr, 200)
    check(recv.p.wait(10) == 0, 'recv exits 0 after de-registering')
finally:
    recv.stop()
    core.close()
