"""SIP over TCP against `sippush recv`, from raw sockets: RFC 3261 §18.3
framing (no Content-Length: 400 and nothing delivered; a Content-Length past
the size limit, a message or a header section over 64 KiB: 513 and the
close), the connection slots (a flood from one address cannot lock out a
client from another; the per-host limit at its boundary) and the timeouts
(a peer that only sends keep-alives, or trickles a message, is closed), over
IPv4 and IPv6."""
import os, select, socket, sys, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pushlib import *

MSG_TIMEOUT_MS = 1500
IDLE_MS = 3000


def message(host, port, branch, body='hello', content_length=None, extra=''):
    """A MESSAGE over TCP from host; content_length: None for the body's
    length, False for none at all, or the value to write."""
    host = '[%s]' % host if ':' in host else host
    text = ('MESSAGE sip:recv@%s SIP/2.0\r\nVia: SIP/2.0/TCP %s:5999;branch=z9hG4bK%s\r\nMax-Forwards: 70\r\n'
            'From: <sip:psa@example.com>;tag=f%s\r\nTo: <sip:recv@example.com>\r\nCall-ID: %s@test\r\n'
            'CSeq: 1 MESSAGE\r\nP-Asserted-Identity: <sip:psa@example.com>\r\nContent-Type: text/plain\r\n%s') % (
                host, host, branch, branch, branch, extra)
    if content_length is None:
        content_length = len(body.encode())
    if content_length is not False:
        text += 'Content-Length: %d\r\n' % content_length
    return (text + '\r\n' + body).encode()


def readable(s, secs):
    """Whether s has something to read (or an end) within secs; poll, not
    select: the flood's descriptors go past FD_SETSIZE."""
    p = select.poll()
    p.register(s, select.POLLIN)
    return bool(p.poll(max(0, secs) * 1000))


def connect(family, addr, source=None):
    s = socket.socket(family, socket.SOCK_STREAM)
    if source:
        s.bind((source, 0))
    s.connect(addr)
    return s


def read_answer(s, secs=5):
    """Bytes up to the end of the first response's header section (b'' if none)."""
    data = b''
    end = time.time() + secs
    while b'\r\n\r\n' not in data and time.time() < end:
        if not readable(s, end - time.time()):
            break
        try:
            chunk = s.recv(65536)
        except ConnectionResetError:
            break
        if not chunk:
            break
        data += chunk
    return data


def closed_by_peer(s, secs=10):
    """True when the other side ends the connection (FIN or reset) within secs;
    whatever else arrives first is read and dropped."""
    end = time.time() + secs
    while time.time() < end:
        if not readable(s, end - time.time()):
            return False
        try:
            if not s.recv(65536):
                return True
        except (ConnectionResetError, BrokenPipeError):
            return True
    return False


def status_of(answer):
    parts = answer.split(b' ', 2)
    return int(parts[1]) if len(parts) > 1 and answer.startswith(b'SIP/2.0 ') else 0


def pushes(recv):
    return len([e for e in recv.events() if e.get('event') == 'push'])


def framing(recv, family, host, port):
    tag = 'v6' if family == socket.AF_INET6 else 'v4'
    addr = (host, port)
    # a well framed MESSAGE reaches the agent: the baseline the refusals compare with
    before = pushes(recv)
    s = connect(family, addr)
    s.sendall(message(host, port, 'ok' + tag))
    a = read_answer(s)
    if family == socket.AF_INET:
        check(status_of(a) == 200, '%s: MESSAGE with Content-Length over TCP answered 200' % tag)
    else:
        # the agent's answer, whichever: 403 where --trust does not match ::1
        check(status_of(a) in (200, 403), '%s: MESSAGE with Content-Length over TCP answered by the agent (%d)' % (
            tag, status_of(a)))
    if status_of(a) == 200:
        end = time.time() + 5
        while pushes(recv) == before and time.time() < end:
            time.sleep(0.05)
        check(pushes(recv) == before + 1, '%s: and delivered' % tag)
    before = pushes(recv)
    s.close()

    # §18.3: no Content-Length on a stream
    before = pushes(recv)
    s = connect(family, addr)
    s.sendall(message(host, port, 'nocl' + tag, body='', content_length=False))
    a = read_answer(s)
    check(status_of(a) == 400 and b'Content-Length' in a.split(b'\r\n')[0],
          '%s: MESSAGE without Content-Length answered 400 saying why: %r' % (tag, a.split(b'\r\n')[0]))
    check(closed_by_peer(s), '%s: and the connection closed' % tag)
    s.close()
    time.sleep(0.3)  # a push would have been printed by now
    check(pushes(recv) == before, '%s: and nothing delivered' % tag)

    # a Content-Length of 10^9: 513 before the body, then the close
    s = connect(family, addr)
    s.sendall(message(host, port, 'huge' + tag, body='the start of a body', content_length=10 ** 9))
    a = read_answer(s)
    check(status_of(a) == 513, '%s: Content-Length 10^9 answered 513' % tag)
    check(closed_by_peer(s), '%s: and the connection closed' % tag)
    s.close()

    # a whole message just over 64 KiB: 513, then the close
    body = 'x' * (64 * 1024)
    s = connect(family, addr)
    try:
        s.sendall(message(host, port, 'big' + tag, body=body))
    except (ConnectionResetError, BrokenPipeError):
        pass  # the answer was sent before the reset; it is read below
    a = read_answer(s)
    check(status_of(a) == 513, '%s: a message over 64 KiB answered 513' % tag)
    check(a == b'' or closed_by_peer(s), '%s: and the connection closed' % tag)
    s.close()

    # a header section over 64 KiB, the Via first: 513, then the close
    filler = ''.join('X-Filler-%d: %s\r\n' % (i, 'f' * 60) for i in range(1100))
    s = connect(family, addr)
    try:
        s.sendall(message(host, port, 'longhead' + tag, extra=filler))
    except (ConnectionResetError, BrokenPipeError):
        pass
    a = read_answer(s)
    check(status_of(a) == 513, '%s: a header section over 64 KiB answered 513' % tag)
    check(closed_by_peer(s), '%s: and the connection closed' % tag)
    s.close()
    check(pushes(recv) == before, '%s: none of the refused ones delivered' % tag)


def keepalive_and_trickle(family, host, port):
    tag = 'v6' if family == socket.AF_INET6 else 'v4'
    addr = (host, port)
    # RFC 5626 §4.4.1 pings get pongs but hold no connection past the idle time
    s = connect(family, addr)
    s.sendall(message(host, port, 'beforeping' + tag))
    check(status_of(read_answer(s)) == 200, '%s: a message, then only keep-alives' % tag)
    t0 = time.time()
    pongs = 0
    closed = False
    while time.time() - t0 < IDLE_MS / 1000.0 + 10:
        try:
            s.sendall(b'\r\n\r\n')
        except (ConnectionResetError, BrokenPipeError):
            closed = True
            break
        sent = time.time()
        if readable(s, 0.5):
            try:
                got = s.recv(100)
            except ConnectionResetError:
                got = b''
            if not got:
                closed = True
                break
            pongs += got.count(b'\r\n')
            time.sleep(max(0, 0.5 - (time.time() - sent)))  # one ping each 0.5 s
    lasted = time.time() - t0
    check(pongs >= 2, '%s: each ping answered with a pong (%d)' % (tag, pongs))
    check(closed and lasted >= IDLE_MS / 1000.0 - 0.2,
          '%s: closed after the idle time though pings kept coming (%.1f s)' % (tag, lasted))
    s.close()

    # a message trickled a byte every 0.25 s: closed at the message timeout from its first byte
    s = connect(family, addr)
    text = message(host, port, 'trickle' + tag)
    t0 = time.time()
    closed = False
    for i in range(len(text)):
        try:
            s.sendall(text[i:i + 1])
        except (ConnectionResetError, BrokenPipeError):
            closed = True
            break
        if readable(s, 0.25):
            try:
                got = s.recv(100)
            except ConnectionResetError:
                got = b''
            if not got:
                closed = True
                break
        if time.time() - t0 > MSG_TIMEOUT_MS / 1000.0 + 10:
            break
    lasted = time.time() - t0
    check(closed and lasted >= MSG_TIMEOUT_MS / 1000.0 - 0.2,
          '%s: a trickling peer is closed at the message timeout (%.1f s, stall timeout never reached)' % (tag, lasted))
    s.close()


def flood():
    """1,500 idle connections from 127.0.0.1 take at most the per-host limit
    (default 64); a client from 127.0.0.2 is served all along. The receiver
    has every default but --trust (its idle timeout must not thin the flood)."""
    port = free_port()
    recv = Proc(['recv', '--listen', 'tcp:127.0.0.1:%d' % port, '--aor', 'sip:recv@127.0.0.1', '--out', 'none',
                 '--trust', '127.0.0.2'])
    check(recv.wait_event('listening') is not None, 'recv with the default limits listening')
    addr = ('127.0.0.1', port)
    socks = []
    # in batches the listen backlog takes, each batch's handshakes awaited
    for batch in range(15):
        fresh = []
        for i in range(100):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setblocking(False)
            s.connect_ex(addr)
            fresh.append(s)
        p = select.poll()
        for s in fresh:
            p.register(s, select.POLLOUT)
        waiting, end = set(s.fileno() for s in fresh), time.time() + 20
        while waiting and time.time() < end:
            for fd, ev in p.poll(200):
                waiting.discard(fd)
                p.unregister(fd)
        if waiting:
            check(False, 'flood batch %d: every handshake done' % batch)
        socks += fresh
    legit = connect(socket.AF_INET, addr, source='127.0.0.2')
    legit.sendall(message('127.0.0.2', port, 'legit'))
    a = read_answer(legit)
    check(status_of(a) == 200, 'after a flood of 1500 idle connections, a client from 127.0.0.2 is served')
    legit.close()
    # past the limit each was reset at once: what stays open is what the receiver kept
    end = time.time() + 20
    while True:
        kept = 0
        for s in socks:
            try:
                if s.recv(1, socket.MSG_PEEK) != b'':
                    kept += 1  # (nothing is ever sent on them)
            except BlockingIOError:
                kept += 1
            except OSError:
                pass
        if kept <= 64 or time.time() > end:
            break
        time.sleep(0.1)
    check(kept == 64, 'of 1500 idle connections from one address, %d kept (the default per-host limit: 64)' % kept)
    for s in socks:
        s.close()
    check(recv.stop() == 0, 'recv exits 0')


def served(source, port, branch, secs=5):
    """A MESSAGE from source is answered 200, retried while the receiver has
    not yet seen a slot given back."""
    end = time.time() + secs
    while True:
        s = connect(socket.AF_INET, ('127.0.0.1', port), source=source)
        try:
            s.sendall(message(source, port, branch))
            ok = status_of(read_answer(s, 1)) == 200
        except (ConnectionResetError, BrokenPipeError):
            ok = False
        if ok or time.time() > end:
            return s if ok else None
        s.close()
        time.sleep(0.1)


def per_host_boundary():
    """--tcp-max-per-host 5: five connections from one address are each served, a sixth is reset."""
    port = free_port()
    recv = Proc(['recv', '--listen', 'tcp:127.0.0.1:%d' % port, '--aor', 'sip:recv@127.0.0.1', '--out', 'none',
                 '--tcp-max-per-host', '5', '--trust', '127.0.0.1', '--trust', '127.0.0.2'])
    try:
        check(recv.wait_event('listening') is not None, 'recv --tcp-max-per-host 5 listening')
        addr = ('127.0.0.1', port)
        five = [connect(socket.AF_INET, addr) for _ in range(5)]
        for i, s in enumerate(five):
            s.sendall(message('127.0.0.1', port, 'slot%d' % i))
        check(all(status_of(read_answer(s)) == 200 for s in five), 'five connections from one address, each served')
        sixth = connect(socket.AF_INET, addr)
        try:
            sixth.sendall(message('127.0.0.1', port, 'slot6'))
        except (ConnectionResetError, BrokenPipeError):
            pass
        a = read_answer(sixth)
        check(a == b'' and closed_by_peer(sixth, 5), 'the sixth is reset with no answer')
        other = connect(socket.AF_INET, addr, source='127.0.0.2')
        other.sendall(message('127.0.0.2', port, 'other'))
        check(status_of(read_answer(other)) == 200, 'another address is still served')
        five[0].close()
        again = served('127.0.0.1', port, 'again')
        check(again is not None, 'a closed connection gives its slot back')
        for s in five + [sixth, other, again]:
            s.close()
    finally:
        recv.stop()
    code, _, err = run(['recv', '--tcp-max-per-host', '0'])
    check(code == 2, '--tcp-max-per-host 0 is a usage error')


def total_boundary(cmd):
    """--tcp-max-conns 3 (recv or psa): three connections from three addresses are
    kept, a fourth from a fourth address is reset."""
    port = free_port()
    p = Proc([cmd, '--listen', 'tcp:127.0.0.1:%d' % port, '--tcp-max-conns', '3', '--tcp-max-per-host', '2'])
    try:
        check(p.wait_event('listening') is not None, '%s --tcp-max-conns 3 --tcp-max-per-host 2 listening' % cmd)
        addr = ('127.0.0.1', port)
        kept = [connect(socket.AF_INET, addr, source='127.0.0.%d' % (i + 1)) for i in range(3)]
        fourth = connect(socket.AF_INET, addr, source='127.0.0.4')
        check(closed_by_peer(fourth, 5), '%s: the fourth connection is reset' % cmd)
        check(not any(closed_by_peer(s, 0.3) for s in kept), '%s: the three are kept' % cmd)
        kept[0].close()
        end, taken = time.time() + 5, None
        while taken is None and time.time() < end:
            s = connect(socket.AF_INET, addr, source='127.0.0.9')
            if closed_by_peer(s, 0.3):
                s.close()
            else:
                taken = s
        extra = connect(socket.AF_INET, addr, source='127.0.0.10')
        check(taken is not None and closed_by_peer(extra, 5), '%s: a freed slot is taken again, and only one' % cmd)
        again = [taken, extra]
        for s in kept + [fourth] + again:
            s.close()
    finally:
        check(p.stop() == 0, '%s exits 0' % cmd)


def receiver(listen, aor):
    port = free_port()
    args = ['recv', '--listen', 'tcp:%s:%d' % (listen, port), '--aor', aor, '--out', 'none',
            '--tcp-msg-timeout', str(MSG_TIMEOUT_MS), '--tcp-idle-timeout', str(IDLE_MS),
            '--trust', '127.0.0.1', '--trust', '127.0.0.2', '--trust', '::1']
    return Proc(args), port


recv4, port4 = receiver('127.0.0.1', 'sip:recv@127.0.0.1')
recv6, port6 = receiver('[::1]', 'sip:recv@[::1]')
try:
    check(recv4.wait_event('listening') is not None, 'recv listening on TCP over IPv4')
    check(recv6.wait_event('listening') is not None, 'recv listening on TCP over IPv6')
    framing(recv4, socket.AF_INET, '127.0.0.1', port4)
    framing(recv6, socket.AF_INET6, '::1', port6)
    keepalive_and_trickle(socket.AF_INET, '127.0.0.1', port4)
    keepalive_and_trickle(socket.AF_INET6, '::1', port6)
finally:
    check(recv4.stop() == 0, 'recv (IPv4) exits 0')
    check(recv6.stop() == 0, 'recv (IPv6) exits 0')
flood()
per_host_boundary()
total_boundary('recv')
total_boundary('psa')
