"""Kannel's test_ppg (kannel-extras) as the push initiator of the psa's PAP
gateway (--pap), over loopback:
- an SI push (text/vnd.wap.si, X-WAP-Application-Id http://www.wiral.com:wml.ua)
  to a `sippush recv` registered at the psa arrives by MESSAGE with its
  application and type, and the result notification POSTed to
  ppg-notify-requested-to says 1000 delivered (retried while that server
  is down at first);
- a 5,000-byte WML push arrives by INVITE/MSRP, its Last-Modified part
  header as the offer's a=file-date; with delivery-method="confirmed" the
  SEND asks for the success REPORT, which comes back;
- to a receiver whose registration names MESSAGE but not INVITE, the same
  WML push arrives by indirection: a message/external-body whose URL the
  psa serves itself (at least 96 random bits in it), fetched by the recv;
  an unknown token gets 404;
- to a receiver subscribed for the application, the SI push goes by NOTIFY;
- a push to a user the SIP side answers 404 ends undeliverable with the
  code of the status table, in the result notification and a status query;
- the SI push through Kamailio as the SIP/IP Core (recv registered there,
  the psa pushing to the AoR through --proxy)."""
import hashlib, os, re, shutil, signal, subprocess, sys, tempfile, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pushlib import Peer, Proc, check, free_port, request
from paplib import Http, Initiator, control_doc, post, push_message, start_psa

TEST_PPG = '/usr/lib/kannel/test/test_ppg'
SI = open('/usr/lib/kannel/test/si.txt', 'rb').read()
tmp = tempfile.mkdtemp(prefix='sippush-pap-')
procs = []
captures = []  # tshark processes, stopped at the end whatever happens


def pap_doc(push_id, address, notify_to=None, method='unconfirmed'):
    nt = '\n  ppg-notify-requested-to="%s"' % notify_to if notify_to else ''
    return ('<?xml version="1.0"?>\n<!DOCTYPE pap PUBLIC "-//WAPFORUM//DTD PAP//EN"\n'
            '          "http://www.wapforum.org/DTD/pap_1.0.dtd">\n<pap>\n'
            '  <push-message push-id="%s"%s\n  progress-notes-requested="false">\n'
            '    <address address-value="%s"></address>\n'
            '    <quality-of-service priority="low" delivery-method="%s"></quality-of-service>\n'
            '  </push-message>\n</pap>\n' % (push_id, nt, address, method))


def test_ppg(url, content, qualifier, doc, extra=()):
    """Runs test_ppg once; its output (it prints the psa's answer)."""
    cf = os.path.join(tmp, 'content-%s' % qualifier)
    pf = os.path.join(tmp, 'pap.xml')
    open(cf, 'wb').write(content)
    open(pf, 'w').write(doc)
    r = subprocess.run([TEST_PPG, '-c', qualifier, '-a', 'ua'] + list(extra) + [url, cf, pf], capture_output=True,
                       timeout=60)
    return (r.stdout + r.stderr).decode('latin-1')


def user(aor):
    """WAPPUSH=<sip URI with its @ as %40>/TYPE=USER@ppg (the form test_ppg's documents carry)."""
    return 'WAPPUSH=%s/TYPE=USER@ppg.example.com' % aor.replace('@', '%40')


def code_in(body):
    m = re.search(r'code="(\d+)"', body)
    return int(m.group(1)) if m else None


try:
    # --- at the psa: recv registered there ---------------------------------------------
    psa, sport, pport = start_psa(procs, '--listen', 'tcp:127.0.0.1:%d' % free_port())
    url = 'http://127.0.0.1:%d/pap' % pport
    inbox = os.path.join(tmp, 'inbox')
    rport = free_port()
    recv = Proc(['recv', '--listen', 'udp:127.0.0.1:%d' % rport, '--aor', 'sip:bob@127.0.0.1', '--registrar',
                 'sip:127.0.0.1:%d' % sport, '--app', 'wml.ua', '--out', inbox])
    procs.append(recv)
    check(recv.wait_event('registered', 10) is not None, 'recv registered at the psa')

    # the initiator's notification server is down for the first attempt: the psa retries
    ini = Initiator(refuse_first=1)
    out = test_ppg(url, SI, 'si', pap_doc('si-1@pi.example.com', user('sip:bob@127.0.0.1'), ini.url))
    check('1001' in out, 'test_ppg: push-response 1001 (accepted)')
    ev = recv.wait_event('push', 15, lambda e: e['method'] == 'MESSAGE')
    check(ev is not None and ev['app'] == 'wml.ua' and ev['content_type'].startswith('text/vnd.wap.si') and
          ev['sha1'] == hashlib.sha1(SI).hexdigest(), 'SI push: MESSAGE, app wml.ua, text/vnd.wap.si, intact (%s)' % ev)
    check(ini.wait(1, 20), 'result notification POSTed to ppg-notify-requested-to (after one refused attempt)')
    head, body = ini.posts[0]
    check(head.startswith('POST /notify ') and 'resultnotification-message' in body and code_in(body) == 1000 and
          'message-state="delivered"' in body and 'si-1@pi.example.com' in body,
          'resultnotification-message: 1000, delivered, the push-id')
    check(psa.wait_event('pap_notified', 10, lambda e: e['code'] == 1000 and e['status'] == 200) is not None,
          'the initiator\'s resultnotification-response (1000) is read')
    # status query of that push
    c = Http('127.0.0.1', pport)
    c.send(post('/pap', control_doc('statusquery-message', 'si-1@pi.example.com'), 'application/xml'))
    r = c.response()
    check(r is not None and b'message-state="delivered"' in r[2], 'status query: delivered')
    # the same push-id again: 2007
    out = test_ppg(url, SI, 'si', pap_doc('si-1@pi.example.com', user('sip:bob@127.0.0.1')))
    check('2007' in out, 'the same push-id again: 2007')

    # 5,000-byte WML: INVITE/MSRP
    wml = b'<?xml version="1.0"?><wml><card id="a"><p>' + b'x' * 4950 + b'</p></card></wml>'
    wml = wml[:5000] if len(wml) > 5000 else wml + b' ' * (5000 - len(wml))
    # (its Last-Modified part header becomes the offer's a=file-date: seed 000 §8.2.5.1, §8.3.5)
    pcap = os.path.join(tmp, 'invite.pcap')
    cap = subprocess.Popen(['tshark', '-q', '-i', 'lo', '-f', 'udp port %d' % rport, '-w', pcap],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    captures.append(cap)
    end = time.time() + 10
    line = b''
    while time.time() < end and b'Capturing' not in line:  # tshark says so once it listens
        line = cap.stderr.readline()
        if not line and cap.poll() is not None:
            break
    out = test_ppg(url, wml, 'wml', pap_doc('wml-1@pi.example.com', user('sip:bob@127.0.0.1')))
    check('1001' in out, 'WML push accepted')
    ev = recv.wait_event('push', 20, lambda e: e['method'] == 'INVITE')
    check(ev is not None and ev['size'] == 5000 and ev['sha1'] == hashlib.sha1(wml).hexdigest() and
          ev['app'] == 'wml.ua', '5,000-byte WML push: INVITE/MSRP, intact')
    # test_ppg's -S leaves out the empty line after the part headers: this one is ours
    ct, body = push_message('wml-lm@pi.example.com', [user('sip:bob@127.0.0.1')], wml, 'text/vnd.wap.wml',
                            app='http://www.wiral.com:wml.ua',
                            part_headers='Last-Modified: Tue, 31 Jul 2001 10:13:00 GMT\r\nX-Wap-Push-OTA-Version: 1.0\r\n')
    c0 = Http('127.0.0.1', pport)
    c0.send(post('/pap', body, ct))
    r = c0.response()
    c0.close()
    check(r is not None and b'code="1001"' in r[2], 'a WML push with Last-Modified accepted')
    res = psa.wait_event('pap_result', 20, lambda e: e['push_id'] == 'wml-lm@pi.example.com')
    check(res is not None and res['state'] == 'delivered' and res['method'] == 'INVITE',
          'and delivered by INVITE (%s)' % res)
    time.sleep(1.0)  # what the kernel handed tshark is written before it stops
    cap.send_signal(signal.SIGINT)
    cap.wait(10)
    offer = subprocess.run(['tshark', '-r', pcap, '-Y', 'sip.Method == "INVITE" && sdp', '-T', 'fields', '-e',
                            'sdp.media_attr', '-E', 'occurrence=a'], capture_output=True, timeout=60).stdout.decode()
    offers = [o for o in offer.splitlines() if o.strip()]
    check(len(offers) >= 2 and 'file-date:modification:"Tue, 31 Jul 2001 10:13:00 GMT"' in offers[-1] and
          'type:text/vnd.wap.wml' in offers[-1] and 'modification:"Tue, 31 Jul 2001' not in offers[0],
          'the offer: the WML type, and the Last-Modified as a=file-date (%s)' % offers)

    # delivery-method="confirmed": the INVITE push asks for the success report, and it comes
    pcap2 = os.path.join(tmp, 'msrp.pcap')
    cap = subprocess.Popen(['tshark', '-q', '-i', 'lo', '-f', 'tcp', '-w', pcap2], stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE)
    captures.append(cap)
    end = time.time() + 10
    line = b''
    while time.time() < end and b'Capturing' not in line:
        line = cap.stderr.readline()
        if not line and cap.poll() is not None:
            break
    out = test_ppg(url, wml, 'wml', pap_doc('wml-c@pi.example.com', user('sip:bob@127.0.0.1'), method='confirmed'))
    res = psa.wait_event('pap_result', 20, lambda e: e['push_id'] == 'wml-c@pi.example.com')
    check('1001' in out and res is not None and res['state'] == 'delivered' and res['method'] == 'INVITE',
          'a confirmed WML push delivered by INVITE')
    time.sleep(1.0)  # what the kernel handed tshark is written before it stops
    cap.send_signal(signal.SIGINT)
    cap.wait(10)
    def frames(filt):
        return subprocess.run(['tshark', '-r', pcap2, '-Y', filt, '-T', 'fields', '-e', 'frame.number'],
                              capture_output=True, timeout=60).stdout.decode().split()
    check(frames('tcp.payload contains "Success-Report: yes"') and
          frames('tcp.payload contains "REPORT" && tcp.payload contains "Status: 000 200 OK"'),
          'confirmed: the SEND asks Success-Report: yes and the REPORT comes back')

    # a receiver that takes MESSAGE but not INVITE: indirection served by the psa
    cport = free_port()
    inbox2 = os.path.join(tmp, 'inbox2')
    carol = Proc(['recv', '--listen', 'udp:127.0.0.1:%d' % cport, '--aor', 'sip:carol@127.0.0.1', '--app', 'wml.ua',
                  '--out', inbox2])
    procs.append(carol)
    check(carol.wait_event('listening', 10) is not None, 'second recv listening')
    ue = Peer()
    ue.send(request('REGISTER', 'sip:127.0.0.1:%d' % sport, ue.port, 'reg-carol@x', from_='<sip:carol@127.0.0.1>;tag=c1',
                    to='<sip:carol@127.0.0.1>',
                    extra='Contact: <sip:carol@127.0.0.1:%d>;+g.oma.pusheventapp="wml.ua";methods="MESSAGE,NOTIFY"\r\n'
                          'Expires: 600\r\n' % cport), sport)
    r, _ = ue.response('REGISTER')
    check(r is not None and r.status == 200, 'carol registered with methods MESSAGE and NOTIFY only')
    out = test_ppg(url, wml, 'wml', pap_doc('wml-2@pi.example.com', user('sip:carol@127.0.0.1')))
    check('1001' in out, 'WML push to carol accepted')
    ev = carol.wait_event('push', 20)
    check(ev is not None and ev['method'] == 'MESSAGE' and ev['size'] == 5000 and
          ev['sha1'] == hashlib.sha1(wml).hexdigest(), 'carol: by MESSAGE and indirection, fetched intact (%s)' % ev)
    res = psa.wait_event('pap_result', 5, lambda e: e['push_id'] == 'wml-2@pi.example.com')
    check(res is not None and res['state'] == 'delivered', 'psa: the indirect push delivered')
    c.send(b'GET /c/AAAAAAAAAAAAAAAAAAAAAA HTTP/1.1\r\nHost: h\r\n\r\n')
    r = c.response()
    check(r is not None and r[0] == 404, 'an unknown content URL: 404')

    # an unknown user: the SIP side answers 404
    nobody = Peer()
    ini2 = Initiator()
    out = test_ppg(url, SI, 'si', pap_doc('nobody-1@pi.example.com', user('sip:nobody@127.0.0.1:%d' % nobody.port),
                                          ini2.url))
    check('1001' in out, 'push to nobody accepted')
    m, addr = nobody.request(lambda m: m.method == 'MESSAGE', 10)
    check(m is not None, 'the MESSAGE reaches the user\'s address')
    nobody.reply(m, addr, 404, 'Not Found')
    check(ini2.wait(1, 15), 'result notification of the unknown user')
    body = ini2.posts[0][1]
    res = psa.wait_event('pap_result', 5, lambda e: e['push_id'] == 'nobody-1@pi.example.com')
    check(res is not None and res['state'] == 'undeliverable' and res['status'] == 404 and
          'message-state="undeliverable"' in body and code_in(body) == res['code'] and res['code'] != 1000,
          'unknown user: undeliverable, code %s in the notification' % (res and res['code']))
    # a receiver subscribed to the application (ua-profile, oma-app) gets the push by NOTIFY
    erin = Proc(['recv', '--listen', 'udp:127.0.0.1:%d' % free_port(), '--aor', 'sip:erin@127.0.0.1', '--registrar',
                 'sip:127.0.0.1:%d' % sport, '--subscribe', 'sip:psa@127.0.0.1:%d' % sport, '--app', 'wml.ua',
                 '--out', os.path.join(tmp, 'inbox3')])
    procs.append(erin)
    check(erin.wait_event('subscribed', 10) is not None, 'erin registered and subscribed for wml.ua')
    out = test_ppg(url, SI, 'si', pap_doc('si-n@pi.example.com', user('sip:erin@127.0.0.1')))
    ev = erin.wait_event('push', 15)
    check('1001' in out and ev is not None and ev['method'] == 'NOTIFY' and ev['sha1'] == hashlib.sha1(SI).hexdigest(),
          'erin: the SI push by NOTIFY in her subscription')
    c.close()
    check(recv.stop() == 0 and carol.stop() == 0 and erin.stop() == 0, 'receivers exit 0')
    check(psa.stop() == 0, 'psa exits 0')
    ini.close()
    ini2.close()

    # --- through Kamailio as the SIP/IP Core -----------------------------------------------
    kport = free_port()
    kcfg = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'kamailio', 'core.cfg')
    rundir = os.path.join(tmp, 'kam')
    os.makedirs(rundir)
    kam = subprocess.Popen(['kamailio', '-f', kcfg, '-DD', '-E', '-l', 'udp:127.0.0.1:%d' % kport, '-Y', rundir,
                            '-w', rundir], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        core = 'sip:127.0.0.1:%d' % kport
        time.sleep(1.0)
        check(kam.poll() is None, 'kamailio runs')
        psa, sport, pport = start_psa(procs, '--proxy', core)
        kinbox = os.path.join(tmp, 'kinbox')
        recv = Proc(['recv', '--listen', 'udp:127.0.0.1:%d' % free_port(), '--aor', 'sip:bob@push.test',
                     '--registrar', core, '--proxy', core, '--app', 'wml.ua', '--out', kinbox])
        procs.append(recv)
        check(recv.wait_event('registered', 10) is not None, 'recv registered at kamailio')
        out = test_ppg('http://127.0.0.1:%d/pap' % pport, SI, 'si',
                       pap_doc('si-k@pi.example.com', user('sip:bob@push.test')))
        check('1001' in out, 'through the core: accepted')
        ev = recv.wait_event('push', 15)
        check(ev is not None and ev['method'] == 'MESSAGE' and ev['app'] == 'wml.ua' and
              ev['sha1'] == hashlib.sha1(SI).hexdigest(), 'through the core: the SI push by MESSAGE')
        check(recv.stop() == 0 and psa.stop() == 0, 'recv and psa exit 0')
    finally:
        kam.terminate()
        kam.wait(10)
finally:
    for p in procs:
        p.stop()
    for cap in captures:
        if cap.poll() is None:
            cap.send_signal(signal.SIGINT)
            try:
                cap.wait(10)
            except subprocess.TimeoutExpired:
                cap.kill()
                cap.wait()
    shutil.rmtree(tmp, ignore_errors=True)
