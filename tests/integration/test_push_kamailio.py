"""The seed flows through a real SIP/IP Core: Kamailio (tests/kamailio/core.cfg)
on loopback as registrar and proxy, on a port of this test. The receiver
registers there and subscribes to the psa through it; the sender pushes by
MESSAGE to the AoR through the core, by NOTIFY in the subscription (whose
dialog the core record-routes), and asks for a subscription with REFER."""
import hashlib, os, shutil, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pushlib import *

if not shutil.which('kamailio'):
    print('kamailio is not installed (make test-deps installs it)')
    raise SystemExit(1)
CFG = os.path.join(ROOT, 'tests', 'kamailio', 'core.cfg')
kport, rport, pport = free_port(), free_port(), free_port()
rundir = tempfile.mkdtemp(prefix='sippush-kam-')
klog = open(os.path.join(rundir, 'kamailio.log'), 'w')
# -D: stay in the foreground, one process; -E: log to stderr; our own pid file and run dir
kam = subprocess.Popen(['kamailio', '-f', CFG, '-P', os.path.join(rundir, 'k.pid'), '-Y', rundir, '-D', '-E',
                        '-l', 'udp:127.0.0.1:%d' % kport], stdout=klog, stderr=klog)
core = 'sip:127.0.0.1:%d' % kport
sock = os.path.join(rundir, 'psa.sock')
procs = []
cap = Tshark(os.path.join(rundir, 'core.pcap'), 'udp port %d' % kport)
try:
    check(wait_sip(kport) and kam.poll() is None, 'kamailio answers on 127.0.0.1:%d' % kport)
    psa = Proc(['psa', '--verbose', '--listen', 'udp:127.0.0.1:%d' % pport, '--control', 'unix:' + sock, '--proxy', core])
    procs.append(psa)
    check(psa.wait_event('listening') is not None, 'psa listening')
    inbox = os.path.join(rundir, 'inbox')
    recv = Proc(['recv', '--listen', 'udp:127.0.0.1:%d' % rport, '--aor', 'sip:bob@push.test', '--registrar', core,
                 '--proxy', core, '--app', 'mms.ua', '--subscribe', 'sip:psa@127.0.0.1:%d' % pport, '--out', inbox])
    procs.append(recv)
    check(recv.wait_event('registered', 10) is not None, 'recv registered at the core')
    check(recv.wait_event('subscribed', 10) is not None, 'recv subscribed to the psa through the core')
    check(psa.wait_event('subscribed', 5, lambda e: e['app'] == 'mms.ua') is not None,
          'psa: subscription with the identity the core asserted')

    f = os.path.join(rundir, 'm.txt')
    open(f, 'wb').write(b'You have 4 new emails')
    rc, res, err = run(['send', '--to', 'sip:bob@push.test', '--proxy', core, '--app', 'mms.ua', '--type', 'text/plain', f])
    check(rc == 0 and res.get('event') == 'delivered' and res.get('method') == 'MESSAGE', 'MESSAGE to the AoR through the core')
    ev = recv.wait_event('push', 5, lambda e: e['method'] == 'MESSAGE')
    check(ev is not None and ev['sha1'] == hashlib.sha1(b'You have 4 new emails').hexdigest(), 'pushed content intact')

    open(f, 'wb').write(b'by notify')
    rc, res, err = run(['send', '--psa', 'unix:' + sock, '--to', 'sip:bob@push.test', '--method', 'notify', '--app',
                        'mms.ua', '--type', 'text/plain', f])
    check(rc == 0 and res.get("method") == "NOTIFY", "NOTIFY push in the subscription, through the core")
    check(recv.wait_event('push', 5, lambda e: e['method'] == 'NOTIFY') is not None, 'NOTIFY push delivered')
    # seed 002 §7.2.2.2 step 5 on the wire: the push NOTIFY leaves the psa for the core on the route the
    # core recorded, and the core hands it to the receiver, in the dialog of the receiver's SUBSCRIBE
    cap.close()
    dec = ['udp.port==%d,sip' % p for p in (kport, rport, pport)]
    sub = cap.fields('sip.Method == "SUBSCRIBE" && udp.srcport == %d' % rport, 'sip.Call-ID', 'sip.from.tag', decode=dec)
    pushes = cap.fields('sip.Method == "NOTIFY" && sip.Content-Type contains "text/plain"', 'udp.srcport', 'udp.dstport',
                        'sip.Call-ID', 'sip.to.tag', 'sip.Route', decode=dec)
    legs = [(int(r[0]), int(r[1])) for r in pushes]
    check(legs == [(pport, kport), (kport, rport)], 'the NOTIFY push goes psa -> core -> recv (%s)' % legs)
    check(bool(sub) and all(r[2:4] == sub[0][:2] for r in pushes),
          'the NOTIFY push is in the subscription\'s dialog (Call-ID, the subscriber\'s tag: %s vs %s)' % (pushes, sub[:1]))
    check(bool(pushes) and '127.0.0.1:%d' % kport in pushes[0][4], 'the psa routes it by the core\'s Record-Route')

    rc, res, err = run(['send', '--to', 'sip:nobody@push.test', '--proxy', core, '--type', 'text/plain', f])
    check(rc == 1 and res.get('status') == 404 and res.get('retry') is False, 'unknown user: 404 from the core, no retry')

    rc, res, err = run(['send', '--psa', 'unix:' + sock, '--refer', '--to', 'sip:bob@push.test', '--app', 'mms.ua'])
    check(rc == 0 and res.get('status') == 202, 'REFER through the core accepted')
    check(psa.wait_event('referred', 10, lambda e: e['status'] == 200) is not None, 'the referred SUBSCRIBE succeeded')
    check(recv.stop() == 0, 'recv de-registers and exits 0')
    check(sanitizer_clean(recv.stderr()), 'recv: no sanitizer report')
    rc, res, err = run(['send', '--to', 'sip:bob@push.test', '--proxy', core, '--type', 'text/plain', f])
    check(rc == 1 and res.get('status') in (404, 480), 'after de-registration the core has no contact')
    check(psa.stop() == 0, 'psa exits 0 on SIGTERM')
    check(sanitizer_clean(psa.stderr()), 'psa: no sanitizer report')
finally:
    cap.close()
    for p in procs:
        p.stop()
    if kam.poll() is None:
        kam.terminate()
        try:
            kam.wait(5)
        except subprocess.TimeoutExpired:
            kam.kill()
    klog.close()
