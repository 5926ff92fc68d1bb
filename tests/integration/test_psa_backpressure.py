"""The psa under more pushes than it has room for, over real sockets: with a
transaction table of 4 (--max-txns 4), 60 pushes submitted at once to
distinct users and 10 to one user through the control socket are all
delivered to a sipp UAS (over TCP, where a client transaction ends with its
answer, RFC 3261 §17.1.2.2); with a core that never answers, one push in
flight fills the table and, with no room to wait (--max-queued-bytes 1),
the next is refused at submission (503, retry) through the control socket
and through PAP (4001), while with room it waits and is not failed. The new
flags at their boundaries."""
import json, os, select, socket, subprocess, sys, tempfile, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pushlib import ROOT, Proc, check, free_port, run
from paplib import Http, post, push_message

tmp = tempfile.mkdtemp(prefix='sippush-bp-')
procs, others = [], []


def start_psa(sock, proxy, *extra):
    port = free_port()
    p = Proc(['psa', '--listen', 'tcp:127.0.0.1:%d' % port, '--proxy', proxy, '--control', 'unix:' + sock]
             + list(extra))
    procs.append(p)
    check(p.wait_event('listening') is not None, 'the psa listens')
    return p


def push(sock, to, body=b'hello'):
    """A control connection with one MESSAGE push to `to` sent on it."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sock)
    s.sendall(b'PUSH SIPPUSH-CONTROL/1\nTo: %s\nMethod: message\nContent-Type: text/plain\nContent-Length: %d\n\n%s'
              % (to.encode(), len(body), body))
    return s


def answer(s, secs):
    """The outcome line the psa writes on s and closes (None: none within secs)."""
    data, end = b'', time.time() + secs
    while time.time() < end and select.select([s], [], [], max(0, end - time.time()))[0]:
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
    line = data.decode().strip()
    return json.loads(line) if line.startswith('{') else None


try:
    # --- the flags at their boundaries --------------------------------------------------
    for flag, bad in (('--max-txns', '0'), ('--max-txns', '16777217'), ('--max-queued-per-uri', '0'),
                      ('--max-queued-per-uri', '1048577'), ('--max-queued-bytes', '0'), ('--max-txns', 'x')):
        rc, _, _ = run(['psa', '--listen', 'tcp:127.0.0.1:%d' % free_port(), flag, bad], timeout=30)
        check(rc == 2, '%s %s refused as usage' % (flag, bad))
    for flag, good in (('--max-txns', '16777216'), ('--max-queued-per-uri', '1048576'),
                       ('--max-queued-bytes', '1')):
        p = start_psa(os.path.join(tmp, 'b%s.sock' % flag), 'sip:127.0.0.1:9;transport=tcp', flag, good)
        check(p.stop() == 0, '%s %s taken' % (flag, good))

    # --- more pushes than the table holds: all delivered --------------------------------
    sport = free_port()
    sipp = subprocess.Popen(['sipp', '-sf', os.path.join(ROOT, 'tests', 'sipp', 'uas_message.xml'), '-t', 't1',
                             '-i', '127.0.0.1', '-p', str(sport), '-nostdin', '-m', '70'],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    others.append(sipp)
    time.sleep(0.5)
    sock = os.path.join(tmp, 'psa.sock')
    # 70 control connections wait for their outcomes at once: past the default of 64
    psa = start_psa(sock, 'sip:127.0.0.1:%d;transport=tcp' % sport, '--max-txns', '4', '--control-max-conns', '128')
    conns = [push(sock, 'sip:u%d@perf.test' % k) for k in range(60)]
    conns += [push(sock, 'sip:same@perf.test', b'n%d' % k) for k in range(10)]
    results = [answer(c, secs=60) for c in conns]
    delivered = sum(1 for r in results if r and r.get('event') == 'delivered')
    check(delivered == 70, 'all 70 pushes delivered through a table of 4 (got %d: %r)'
          % (delivered, [r for r in results if not r or r.get('event') != 'delivered'][:3]))
    check(psa.stop() == 0, 'psa exits 0')

    # --- no room to wait: refused at submission ---------------------------------------------
    silent = socket.socket()
    silent.bind(('127.0.0.1', 0))
    silent.listen(8)
    core = 'sip:127.0.0.1:%d;transport=tcp' % silent.getsockname()[1]
    pap_port = free_port()
    sock2 = os.path.join(tmp, 'psa2.sock')
    psa = start_psa(sock2, core, '--max-txns', '1', '--max-queued-bytes', '1', '--pap', 'tcp:127.0.0.1:%d' % pap_port)
    check(psa.wait_event('http_listening') is not None, 'the PAP listener is up')
    first = push(sock2, 'sip:a@perf.test')
    time.sleep(0.5)  # on its way: the one transaction is taken, the core never answers
    r = answer(push(sock2, 'sip:b@perf.test'), 10)
    check(r is not None and r['event'] == 'failed' and r['status'] == 503 and r['retry'] is True and
          r['reason'] == 'the push queue is full', 'no room to wait: 503 at submission, retry (%r)' % (r,))
    h = Http('127.0.0.1', pap_port)
    ct, body = push_message('bp-1@test', ['WAPPUSH=sip:c%40perf.test/TYPE=USER@ppg'], 'hi', 'text/plain')
    h.send(post('/pap', body, ct))
    resp = h.response(10)
    check(resp is not None and b'code="4001"' in resp[2] and b'the push queue is full' in resp[2],
          'PAP: refused at submission with 4001 (%r)' % (resp,))
    first.close()
    check(psa.stop() == 0, 'psa exits 0')

    # --- with room, the same push waits: accepted, not failed ---------------------------------
    sock3 = os.path.join(tmp, 'psa3.sock')
    psa = start_psa(sock3, core, '--max-txns', '1')
    first = push(sock3, 'sip:a@perf.test')
    time.sleep(0.5)
    waiting = push(sock3, 'sip:b@perf.test')
    r = answer(waiting, secs=1.5)
    check(r is None, 'with room, the second push waits for the table (no answer yet: %r)' % (r,))
    first.close()
    check(psa.stop() == 0, 'psa exits 0')
    silent.close()
    print('ok test_psa_backpressure')
finally:
    for p in procs:
        p.stop()
    for o in others:
        if o.poll() is None:
            o.terminate()
            o.wait(10)
