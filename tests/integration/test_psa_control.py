"""The psa's control socket (--control unix:PATH) over the real socket: made
0600 under umask 000 (0660 with --control-group), a regular file at PATH kept
and the psa refusing to start, a stale socket replaced, a live psa's socket
not taken; --control-max-conns, --control-max-buffered and
--control-timeout-ms at their boundaries; an oversized request 413 and a To
that is not a URI 400, both "retry": false, from raw requests and from
`send --psa`."""
import grp, json, os, select, socket, stat, subprocess, sys, tempfile, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pushlib import EXE, Proc, check, free_port, run

tmp = tempfile.mkdtemp(prefix='sippush-ctl-')
procs = []


def start_psa(path, *extra, umask=None):
    port = free_port()
    args = ['psa', '--listen', 'udp:127.0.0.1:%d' % port, '--control', 'unix:' + path] + list(extra)
    if umask is None:
        p = Proc(args)
    else:
        old = os.umask(umask)
        try:
            p = Proc(args)
        finally:
            os.umask(old)
    procs.append(p)
    return p


def connect(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    return s


def answer(s, secs=10):
    """The JSON line the psa wrote on s before closing it (None: closed without one)."""
    data = b''
    end = time.time() + secs
    while time.time() < end:
        r, _, _ = select.select([s], [], [], max(0, end - time.time()))
        if not r:
            break
        try:
            chunk = s.recv(4096)
        except ConnectionResetError:
            break
        if not chunk:
            break
        data += chunk
    s.close()
    line = data.decode().strip()
    return json.loads(line) if line.startswith('{') else None


def head(to='sip:bob@127.0.0.1', clen=0, method='message'):
    return ('PUSH SIPPUSH-CONTROL/1\nTo: %s\nMethod: %s\nContent-Type: text/plain\nContent-Length: %d\n\n'
            % (to, method, clen)).encode()


def sized(total, method='message'):
    """A whole request of exactly total bytes."""
    clen = total - len(head(clen=0, method=method))
    while len(head(clen=clen, method=method)) + clen != total:
        clen = total - len(head(clen=clen, method=method))
    return head(clen=clen, method=method) + b'x' * clen


def mode_of(path):
    return stat.S_IMODE(os.stat(path).st_mode)


try:
    # --- the socket file -------------------------------------------------------------------------
    path = os.path.join(tmp, 'a.sock')
    # --max-request at 256 KiB for the boundaries below (the default, 16 MiB, is the PAP path's: test_pap_http.py)
    a = start_psa(path, '--max-request', str(256 * 1024), umask=0)
    check(a.wait_event('listening') is not None, 'psa listening (umask 000)')
    check(stat.S_ISSOCK(os.stat(path).st_mode) and mode_of(path) == 0o600, 'control socket is 0600 under umask 000')

    # a second psa on the same path: refused, the first keeps its socket and answers
    ino = os.stat(path).st_ino
    rc, _, err = run(['psa', '--listen', 'udp:127.0.0.1:%d' % free_port(), '--control', 'unix:' + path], timeout=30)
    check(rc == 1 and 'another psa' in err, 'a live psa\'s socket is not taken: the second exits 1')
    check(os.stat(path).st_ino == ino, 'the socket file is the first one\'s')
    s = connect(path)
    s.sendall(head(to='not a uri'))
    r = answer(s)
    check(r is not None and r['event'] == 'failed' and r['status'] == 400 and r['retry'] is False,
          'To that is not a URI: 400, retry false')

    # the same through send --psa (and --to a bare word)
    f = os.path.join(tmp, 'small.txt')
    open(f, 'w').write('hi')
    rc, res, _ = run(['send', '--psa', 'unix:' + path, '--to', 'bob', f])
    check(rc == 1 and res.get('status') == 400 and res.get('retry') is False, 'send --psa --to bob: 400, retry false')

    # oversized: the head says it, refused before the body comes
    s = connect(path)
    s.sendall(head(clen=300000))
    r = answer(s)
    check(r is not None and r['status'] == 413 and r['retry'] is False, 'Content-Length past 256 KiB: 413 at once')
    # a head that never ends
    s = connect(path)
    try:
        s.sendall(b'PUSH SIPPUSH-CONTROL/1\nTo: ' + b'x' * 300000)
    except (BrokenPipeError, ConnectionResetError):
        pass
    r = answer(s)
    check(r is not None and r['status'] == 413 and r['retry'] is False, 'a 300 KB header line: 413')
    # the boundary: a request of exactly 256 KiB is read (and fails on its own merits: over 1300 bytes for MESSAGE)
    s = connect(path)
    s.sendall(sized(256 * 1024))
    r = answer(s)
    check(r is not None and r['status'] == 513, 'a request of exactly 256 KiB is taken (513: too big for MESSAGE)')
    s = connect(path)
    try:
        s.sendall(sized(256 * 1024 + 1))
    except (BrokenPipeError, ConnectionResetError):
        pass
    r = answer(s)
    check(r is not None and r['status'] == 413 and r['retry'] is False, 'one byte more: 413')
    # a 300 KB file through send --psa
    big = os.path.join(tmp, 'big.bin')
    open(big, 'wb').write(b'y' * 300000)
    rc, res, _ = run(['send', '--psa', 'unix:' + path, '--to', 'sip:bob@127.0.0.1', big])
    check(rc == 1 and res.get('status') == 413 and res.get('retry') is False, 'send --psa of 300 KB: 413, retry false')
    a.stop()
    check(not os.path.exists(path), 'the psa removes its socket on exit')

    # --- a regular file at PATH is kept ------------------------------------------------------------
    path = os.path.join(tmp, 'file')
    open(path, 'w').write('precious')
    rc, _, err = run(['psa', '--listen', 'udp:127.0.0.1:%d' % free_port(), '--control', 'unix:' + path], timeout=30)
    check(rc == 1 and 'not a socket' in err, 'a regular file at PATH: the psa refuses to start')
    check(open(path).read() == 'precious', 'and the file is untouched')

    # --- a stale socket is replaced ----------------------------------------------------------------
    path = os.path.join(tmp, 'stale.sock')
    dead = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    dead.bind(path)
    dead.close()
    b = start_psa(path, '--control-max-request', '2000')
    check(b.wait_event('listening') is not None, 'a stale socket at PATH: the psa starts')
    s = connect(path)
    s.sendall(head(to='<bad>'))
    check((answer(s) or {}).get('status') == 400, 'and answers on it')
    # --control-max-request at its boundary (a NOTIFY push with no subscription fails at once: 481)
    s = connect(path)
    s.sendall(sized(2000, 'notify'))
    check((answer(s) or {}).get('status') == 481, '--control-max-request 2000: a request of 2000 bytes is taken')
    s = connect(path)
    s.sendall(sized(2001, 'notify'))
    check((answer(s) or {}).get('status') == 413, 'one of 2001: 413')
    b.stop()

    # --- group access ------------------------------------------------------------------------------
    group = grp.getgrgid(1 if os.getuid() == 0 else os.getgid()).gr_name
    path = os.path.join(tmp, 'g.sock')
    g = start_psa(path, '--control-group', group, umask=0)
    check(g.wait_event('listening') is not None, 'psa with --control-group %s' % group)
    st = os.stat(path)
    check(stat.S_IMODE(st.st_mode) == 0o660 and st.st_gid == grp.getgrnam(group).gr_gid,
          '--control-group: 0660 with that group')
    g.stop()

    # --- limits ------------------------------------------------------------------------------------
    path = os.path.join(tmp, 'l.sock')
    lim = start_psa(path, '--control-max-conns', '3', '--control-max-buffered', '8192', '--control-timeout-ms', '400')
    check(lim.wait_event('listening') is not None, 'psa with small control limits')
    held = [connect(path) for _ in range(3)]
    time.sleep(0.1)
    s = connect(path)
    r = answer(s)
    check(r is not None and r['status'] == 503 and r['retry'] is True, 'connection 4 of 3: 503, retry true')
    # the three were taken: each gets its answer (a slow client's 408 here, 400 once it speaks)
    for k, c in enumerate(held):
        c.sendall(head(to='nope'))
        r = answer(c)
        check(r is not None and r['status'] == 400, 'connection %d of 3 was taken' % (k + 1))

    # bytes in flight: one request may hold all 8192, a second then finds no room
    a1 = connect(path)
    a1.sendall(head(clen=6000) + b'z' * 4900)
    time.sleep(0.1)
    b1 = connect(path)
    b1.sendall(b'P')
    r = answer(b1)
    check(r is not None and r['status'] == 503 and r['retry'] is True, 'past --control-max-buffered: 503, retry true')
    a1.sendall(b'z' * (6000 - 4900))
    r = answer(a1)
    check(r is not None and r['status'] == 513, 'the request within the bytes limit completes (513: past MESSAGE size)')

    # a slow client: nothing complete within 400 ms
    s = connect(path)
    s.sendall(b'PUSH SIPPUSH-CONTROL/1\nTo: sip:bob@127.0.0.1\n')
    r = answer(s, secs=10)
    check(r is not None and r['status'] == 408, 'a slow client is timed out with 408')
    # and the psa is fine for the next
    s = connect(path)
    s.sendall(head(to='nope'))
    check((answer(s) or {}).get('status') == 400, 'the next client is served')
    check(lim.stop() == 0, 'psa exits 0')
finally:
    for p in procs:
        p.stop()
