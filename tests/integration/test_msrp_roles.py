#!/usr/bin/env python3
"""MSRP connection roles (RFC 4975 §5.4, RFC 6135 §4.2) and success REPORTs in
pieces (RFC 4975 §7.1.2), over real loopback sockets, IPv4 and IPv6.

The other end is played here, written from the RFCs: a SIP UA over UDP and an
MSRP endpoint that connects or listens as its a=setup says.
- `sippush recv` as the answerer: an offer active or without a=setup gets a
  passive answer with a real listening address (the test connects and binds
  the connection by its first SEND); actpass and passive get an active answer
  (recv connects); nobody connecting ends the session with BYE.
- `sippush send` (and `psa`) as the offerer, offering passive, active or
  actpass: every answer role that works delivers, the ones that cannot
  (passive to passive, active to active) are refused with BYE and a failed
  line, a receiver that never connects fails the push after
  --msrp-connect-timeout; success REPORTs in pieces confirm the push; every
  chunk acknowledged but no REPORT is a failure without retry.

Bounded in time; own free ports; every process it starts is stopped."""
import hashlib, os, random, re, select, shutil, socket, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pushlib import EXE, Msg, Peer, Proc, tag_of  # noqa: E402

FAMILIES = [(socket.AF_INET, '127.0.0.1'), (socket.AF_INET6, '::1')]
failures = []
procs = []  # every sippush started, stopped at the end whatever happens


def check(cond, what):
    print(('ok   ' if cond else 'FAIL ') + what)
    if not cond:
        failures.append(what)


def bracket(host):
    return '[%s]' % host if ':' in host else host


def free_port(family, host):
    """A port free for UDP and TCP on host."""
    for _ in range(100):
        p = random.randint(20000, 60000)
        try:
            for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
                s = socket.socket(family, kind)
                s.bind((host, p))
                s.close()
            return p
        except OSError:
            continue
    raise RuntimeError('no free port')


def rand_id(n=12):
    return ''.join(random.choice('abcdefghijklmnopqrstuvwxyz0123456789') for _ in range(n))


# --- SIP over UDP -----------------------------------------------------------------

class Sip(Peer):
    """A UDP SIP endpoint of either family (the family follows host)."""

    def __init__(self, host):
        super().__init__(host=host)

    def send(self, text, addr):
        self.s.sendto(text.encode(), addr[:2])

    def recv(self, pred, secs=10):
        return Peer.recv(self, pred, secs)

    def request(self, method, secs=10):
        return self.recv(lambda m: m.is_request and m.method == method, secs)

    def response(self, method, secs=10):
        return self.recv(lambda m: not m.is_request and (m.get('CSeq') or '').endswith(method) and m.status >= 200,
                         secs)

    def reply(self, req, addr, status, reason='OK', headers='', body='', tag='peer1'):
        lines = ['SIP/2.0 %d %s' % (status, reason)] + ['Via: ' + v for v in req.all('Via')]
        to = req.get('To')
        if ';tag=' not in to:
            to += ';tag=' + tag
        lines += ['From: ' + req.get('From'), 'To: ' + to, 'Call-ID: ' + req.get('Call-ID'),
                  'CSeq: ' + req.get('CSeq')]
        text = '\r\n'.join(lines) + '\r\n' + headers
        if body:
            text += 'Content-Type: application/sdp\r\n'
        text += 'Content-Length: %d\r\n\r\n%s' % (len(body.encode()), body)
        self.send(text, addr)

    def close(self):
        self.s.close()


def sdp(host, port, setup, path, direction, extra=''):
    ip = 'IP6' if ':' in host else 'IP4'
    return ('v=0\r\no=peer 1 1 IN %s %s\r\ns=-\r\nc=IN %s %s\r\nt=0 0\r\nm=message %d TCP/MSRP *\r\n%s'
            'a=%s\r\na=accept-types:message/cpim text/plain\r\na=path:%s\r\n%s'
            % (ip, host, ip, host, port, 'a=setup:%s\r\n' % setup if setup else '', direction, path, extra))


def attr(body, name):
    m = re.search(r'^a=%s:(.*?)\r?$' % re.escape(name), body, re.M)
    return m.group(1) if m else None


def mline_port(body):
    m = re.search(r'^m=message (\d+) ', body, re.M)
    return int(m.group(1)) if m else None


def path_addr(path):
    """(host, port) of an msrp URI, brackets removed."""
    m = re.match(r'msrps?://(\[[^\]]+\]|[^:/]+):(\d+)/', path)
    return m.group(1).strip('[]'), int(m.group(2))


# --- MSRP (RFC 4975 §7.1) --------------------------------------------------------

class Msrp:
    """One MSRP connection: frames written and read."""

    def __init__(self, sock):
        self.s = sock
        self.s.settimeout(10)
        self.buf = b''
        self.pending = []  # frames read while waiting for another

    def _fill(self, deadline):
        left = deadline - time.time()
        if left <= 0:
            raise TimeoutError('no MSRP frame in time')
        self.s.settimeout(left)
        data = self.s.recv(1 << 16)
        if not data:
            raise ConnectionError('MSRP connection closed')
        self.buf += data

    def frame(self, secs=10):
        """The next frame: (kind, tid, method or status, headers dict, body bytes)."""
        if self.pending:
            return self.pending.pop(0)
        deadline = time.time() + secs
        while b'\r\n' not in self.buf:
            self._fill(deadline)
        start = self.buf[:self.buf.index(b'\r\n')].decode()
        parts = start.split(' ')
        tid = parts[1]
        end = re.compile(rb'\r\n-------' + re.escape(tid.encode()) + rb'([$+#])\r\n')
        while True:
            m = end.search(self.buf)
            if m:
                break
            self._fill(deadline)
        frame, self.buf = self.buf[:m.end()], self.buf[m.end():]
        inner = frame[len(start) + 2:m.start() + 2]
        head, sep, body = inner.partition(b'\r\n\r\n')
        if not sep:
            head, body = inner, b''
        else:
            body = body[:-2] if body.endswith(b'\r\n') else body
        hdrs = {}
        for line in head.decode().split('\r\n'):
            if ':' in line:
                n, _, v = line.partition(':')
                hdrs[n.strip().lower()] = v.strip()
        kind = 'request' if not parts[2].isdigit() else 'response'
        return kind, tid, parts[2], hdrs, body

    def response_to(self, tid, secs=10):
        """The response to our request tid (other frames are kept for frame())."""
        kept = []
        try:
            while True:
                f = self.frame(secs)
                if f[0] == 'response' and f[1] == tid:
                    return f
                kept.append(f)
        finally:
            self.pending = kept + self.pending

    def send_raw(self, text):
        self.s.sendall(text if isinstance(text, bytes) else text.encode())

    def respond(self, tid, hdrs, status=200, comment='OK'):
        # §7.2: To-Path is the first From-Path URI, From-Path our own URI
        self.send_raw('MSRP %s %d %s\r\nTo-Path: %s\r\nFrom-Path: %s\r\n-------%s$\r\n'
                      % (tid, status, comment, hdrs['from-path'].split()[0], hdrs['to-path'].split()[-1], tid))

    def send(self, to, frm, mid, start, total, body, ctype='text/plain', report='yes', last=True):
        tid = rand_id(10)
        end = start + len(body) - 1
        head = ('MSRP %s SEND\r\nTo-Path: %s\r\nFrom-Path: %s\r\nMessage-ID: %s\r\nSuccess-Report: %s\r\n'
                'Byte-Range: %d-%d/%d\r\n' % (tid, to, frm, mid, report, start, end, total))
        if body:
            self.send_raw(head.encode() + ('Content-Type: %s\r\n\r\n' % ctype).encode() + body +
                          ('\r\n-------%s%s\r\n' % (tid, '$' if last else '+')).encode())
        else:
            self.send_raw(head + '-------%s$\r\n' % tid)
        return tid

    def report(self, to, frm, mid, start, end, total, status='000 200 OK'):
        tid = rand_id(10)
        self.send_raw('MSRP %s REPORT\r\nTo-Path: %s\r\nFrom-Path: %s\r\nMessage-ID: %s\r\nByte-Range: %d-%d/%d\r\n'
                      'Status: %s\r\n-------%s$\r\n' % (tid, to, frm, mid, start, end, total, status, tid))

    def close(self):
        try:
            self.s.close()
        except OSError:
            pass


def msrp_connect(family, path):
    host, port = path_addr(path)
    s = socket.socket(family, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect((host, port))
    return Msrp(s)


def msrp_listener(family, host):
    s = socket.socket(family, socket.SOCK_STREAM)
    s.bind((host, 0))
    s.listen(4)
    return s


def accept(lsock, secs=10):
    lsock.settimeout(secs)
    try:
        c, _ = lsock.accept()
    except socket.timeout:
        return None
    return Msrp(c)


# --- sippush recv as the answerer ---------------------------------------------------

class RecvSide:
    """A recv on family and a SIP peer that offers to it."""

    def __init__(self, tmp, family, host, extra=()):
        self.family, self.host = family, host
        self.port = free_port(family, host)
        self.inbox = tempfile.mkdtemp(dir=tmp)
        self.recv = Proc(['recv', '--listen', 'udp:%s:%d' % (bracket(host), self.port), '--aor',
                          'sip:bob@%s' % bracket(host), '--app', 'wml.ua', '--trust', host, '--out', self.inbox]
                         + list(extra))
        procs.append(self.recv)
        self.sip = Sip(host)
        self.cseq = 1

    def ready(self):
        return self.recv.wait_event('listening') is not None

    def invite(self, offer):
        self.call_id = rand_id() + '@peer'
        self.cseq = 1
        h = bracket(self.host)
        text = ('INVITE sip:bob@%s:%d SIP/2.0\r\nVia: SIP/2.0/UDP %s:%d;branch=z9hG4bK%s;rport\r\n'
                'Max-Forwards: 70\r\nFrom: <sip:psa@%s>;tag=ptag\r\nTo: <sip:bob@%s>\r\nCall-ID: %s\r\n'
                'CSeq: 1 INVITE\r\nContact: <sip:psa@%s:%d>\r\nP-Asserted-Identity: <sip:psa@%s>\r\n'
                'Accept-Contact: *;+g.oma.pusheventapp="wml.ua";require;explicit\r\n'
                'Content-Type: application/sdp\r\nContent-Length: %d\r\n\r\n%s'
                % (h, self.port, h, self.sip.port, rand_id(), h, h, self.call_id, h, self.sip.port, h,
                   len(offer.encode()), offer))
        self.sip.send(text, (self.host, self.port))
        m, _ = self.sip.response('INVITE')
        if m is not None:
            self.to = m.get('To')
        return m

    def in_dialog(self, method, cseq):
        h = bracket(self.host)
        return ('%s sip:bob@%s:%d SIP/2.0\r\nVia: SIP/2.0/UDP %s:%d;branch=z9hG4bK%s;rport\r\nMax-Forwards: 70\r\n'
                'From: <sip:psa@%s>;tag=ptag\r\nTo: %s\r\nCall-ID: %s\r\nCSeq: %d %s\r\nContent-Length: 0\r\n\r\n'
                % (method, h, self.port, h, self.sip.port, rand_id(), h, self.to, self.call_id, cseq, method))

    def ack(self):
        self.sip.send(self.in_dialog('ACK', 1), (self.host, self.port))

    def bye(self):
        self.sip.send(self.in_dialog('BYE', 2), (self.host, self.port))
        m, _ = self.sip.response('BYE')
        return m

    def stop(self):
        self.recv.stop()
        self.sip.close()


def push_content(ms, to, frm, data, pieces=2):
    """Sends data as a confirmed message in chunks; returns (Message-ID, 200s seen, REPORT headers)."""
    mid = rand_id(16)
    step = (len(data) + pieces - 1) // pieces
    tids = []
    for i in range(0, len(data), step):
        tids.append(ms.send(to, frm, mid, i + 1, len(data), data[i:i + step], last=i + step >= len(data)))
    oks, report = 0, None
    while oks < len(tids) or report is None:
        kind, tid, what, hdrs, _ = ms.frame()
        if kind == 'response' and tid in tids and what == '200':
            oks += 1
        elif kind == 'request' and what == 'REPORT':
            report = hdrs
        elif kind == 'request' and what == 'SEND':
            ms.respond(tid, hdrs)  # recv's own first SEND when it is the active end
    return mid, oks, report


def recv_cases(tmp, family, host):
    fam = 'IPv6' if family == socket.AF_INET6 else 'IPv4'
    side = RecvSide(tmp, family, host, ['--msrp-connect-timeout', '1'])
    check(side.ready(), '%s recv: listening' % fam)
    data = os.urandom(3000) + b'the end'
    sha = hashlib.sha1(data).hexdigest()
    selector = 'a=file-selector:name:"roles.bin" type:text/plain size:%d hash:sha-1:%s\r\n' % (
        len(data), ':'.join('%02X' % b for b in hashlib.sha1(data).digest()))

    # the offerer connects: active, or no a=setup at all (RFC 4975 §5.4)
    for setup in ('active', None):
        what = '%s recv, offer %s' % (fam, 'a=setup:' + setup if setup else 'without a=setup')
        seen = len(side.recv.events())
        ours = 'msrp://%s:9/%s;tcp' % (bracket(host), rand_id())
        ans = side.invite(sdp(host, 9, setup, ours, 'sendonly', 'a=file-transfer-id:%s\r\n%s' % (rand_id(), selector)))
        check(ans is not None and ans.status == 200, '%s: 200' % what)
        if ans is None or ans.status != 200:
            continue
        path = attr(ans.body, 'path')
        phost, pport = path_addr(path)
        check(attr(ans.body, 'setup') == 'passive', '%s: answered a=setup:passive' % what)
        check(phost == host and pport not in (0, 9) and mline_port(ans.body) == pport,
              '%s: the path and m-line name the listener (%s)' % (what, path))
        check(('c=IN %s %s' % ('IP6' if ':' in host else 'IP4', host)) in ans.body, '%s: c= line' % what)
        side.ack()
        # RFC 4975 §5.4: the first request binds the connection; an unknown
        # session id is 481 and does not bind it
        stray = msrp_connect(family, path)
        bad = re.sub(r'/[^/;]+;tcp$', '/nosuchsession0;tcp', path)
        tid = stray.send(bad, ours, rand_id(), 1, 0, b'')
        status = stray.response_to(tid)[2]
        check(status == '481', '%s: a SEND naming no session gets 481' % what)
        stray.close()
        # the right session but another peer's From-Path: 403, and the connection is closed
        stray = msrp_connect(family, path)
        other = re.sub(r'/[^/;]+;tcp$', '/notthepeer0;tcp', ours)
        status = stray.response_to(stray.send(path, other, rand_id(), 1, 0, b''))[2]
        check(status == '403', '%s: a SEND from another From-Path gets 403' % what)
        try:
            closed = stray.s.recv(1) == b''
        except OSError:
            closed = True
        check(closed, '%s: and that connection is closed' % what)
        stray.close()
        ms = msrp_connect(family, path)
        mid, oks, report = push_content(ms, path, ours, data)
        check(oks == 2, '%s: both chunks answered 200' % what)
        check(report is not None and report.get('status') == '000 200 OK' and report.get('message-id') == mid,
              '%s: success REPORT (%s)' % (what, report))
        ev = side.recv.wait_event('push', 10, lambda e: e.get('sha1') == sha, after=seen)
        check(ev is not None and ev.get('method') == 'INVITE', '%s: recv delivered it' % what)
        if ev and ev.get('file'):
            os.unlink(ev['file'])
        bye = side.bye()
        check(bye is not None and bye.status == 200, '%s: BYE answered' % what)
        ms.close()

    # the answerer connects: actpass or passive offers (RFC 6135 §4.2)
    for setup in ('actpass', 'passive'):
        what = '%s recv, offer a=setup:%s' % (fam, setup)
        seen = len(side.recv.events())
        lsock = msrp_listener(family, host)
        ours = 'msrp://%s:%d/%s;tcp' % (bracket(host), lsock.getsockname()[1], rand_id())
        ans = side.invite(sdp(host, lsock.getsockname()[1], setup, ours, 'sendonly',
                              'a=file-transfer-id:%s\r\n%s' % (rand_id(), selector)))
        check(ans is not None and ans.status == 200 and attr(ans.body, 'setup') == 'active' and
              mline_port(ans.body) == 9, '%s: answered a=setup:active, port 9' % what)
        if ans is None or ans.status != 200:
            lsock.close()
            continue
        path = attr(ans.body, 'path')
        side.ack()
        ms = accept(lsock)
        check(ms is not None, '%s: recv connected to our path' % what)
        if ms:
            kind, tid, method, hdrs, body = ms.frame()
            check(kind == 'request' and method == 'SEND' and hdrs.get('to-path') == ours and
                  hdrs.get('from-path') == path, '%s: its first SEND names both paths' % what)
            ms.respond(tid, hdrs)
            mid, oks, report = push_content(ms, path, ours, data)
            check(oks == 2 and report is not None and report.get('status') == '000 200 OK',
                  '%s: content answered and confirmed' % what)
            ms.close()
        ev = side.recv.wait_event('push', 10, lambda e: e.get('sha1') == sha, after=seen)
        check(ev is not None, '%s: recv delivered it' % what)
        side.bye()
        lsock.close()

    # nobody connects: BYE at --msrp-connect-timeout (1 s here)
    what = '%s recv, offer active, nobody connects' % fam
    ours = 'msrp://%s:9/%s;tcp' % (bracket(host), rand_id())
    ans = side.invite(sdp(host, 9, 'active', ours, 'sendonly', 'a=file-transfer-id:%s\r\n%s' % (rand_id(), selector)))
    t0 = time.time()
    check(ans is not None and ans.status == 200, '%s: 200' % what)
    side.ack()
    bye, addr = side.sip.request('BYE', 15)
    check(bye is not None and time.time() - t0 >= 0.9, '%s: recv sends BYE after the timeout' % what)
    if bye is not None:
        side.sip.reply(bye, addr, 200)
        check(bye.get('Call-ID') == side.call_id, '%s: in the session' % what)
    side.stop()


def listen_flags(tmp, family, host):
    """--msrp-listen names the MSRP listener (a wildcard leaves the URIs on the SIP address);
    --msrp-connect-timeout takes 1 to 86400 seconds."""
    fam = 'IPv6' if family == socket.AF_INET6 else 'IPv4'
    any_host = '::' if family == socket.AF_INET6 else '0.0.0.0'
    for where, want_host in ((host, host), (any_host, host)):
        what = '%s recv --msrp-listen %s' % (fam, bracket(where))
        mport = free_port(family, host)
        side = RecvSide(tmp, family, host, ['--msrp-listen', '%s:%d' % (bracket(where), mport),
                                            '--msrp-connect-timeout', '86400'])
        check(side.ready(), '%s: listening' % what)
        ours = 'msrp://%s:9/%s;tcp' % (bracket(host), rand_id())
        ans = side.invite(sdp(host, 9, 'active', ours, 'sendonly', 'a=file-transfer-id:%s\r\n' % rand_id()))
        path = attr(ans.body, 'path') if ans is not None else None
        check(path is not None and path_addr(path) == (want_host, mport), '%s: the path names it (%s)' % (what, path))
        if path:
            side.ack()
            ms = msrp_connect(family, path)
            status = ms.response_to(ms.send(path, ours, rand_id(), 1, 0, b''))[2]
            check(status == '200', '%s: a connection there binds the session' % what)
            ms.close()
            side.bye()
        side.stop()
    for bad in ('0', '86401', 'x'):
        r = subprocess.run([EXE, 'recv', '--listen', 'udp:%s:%d' % (bracket(host), free_port(family, host)),
                            '--msrp-connect-timeout', bad], capture_output=True, timeout=30)
        check(r.returncode == 2, '%s recv --msrp-connect-timeout %s: usage error' % (fam, bad))


# --- sippush send / psa as the offerer -------------------------------------------

class Uas:
    """The answerer of a push: takes the INVITE, answers with a role."""

    def __init__(self, family, host):
        self.family, self.host = family, host
        self.sip = Sip(host)
        self.lsock = None

    def answer(self, setup, listen, secs=15):
        """Answers the INVITE; with listen our path is a listener of ours."""
        inv, addr = self.sip.request('INVITE', secs)
        if inv is None:
            return None
        self.inv, self.inv_addr = inv, addr
        self.offer_path = attr(inv.body, 'path')
        port = 9
        if listen:
            self.lsock = msrp_listener(self.family, self.host)
            port = self.lsock.getsockname()[1]
        self.path = 'msrp://%s:%d/%s;tcp' % (bracket(self.host), port, rand_id())
        body = sdp(self.host, port, setup, self.path, 'recvonly',
                   'a=file-transfer-id:%s\r\n' % attr(inv.body, 'file-transfer-id'))
        self.sip.reply(inv, addr, 200, headers='Contact: <sip:bob@%s:%d>\r\nAllow: INVITE, ACK, BYE\r\n'
                       % (bracket(self.host), self.sip.port), body=body)
        return inv

    def ack(self):
        return self.sip.request('ACK')[0]

    def bye(self, secs=15):
        m, addr = self.sip.request('BYE', secs)
        if m is not None:
            self.sip.reply(m, addr, 200)
        return m

    def close(self):
        self.sip.close()
        if self.lsock:
            self.lsock.close()


def take_content(ms, uas, total, reports, first_from_peer=False):
    """Answers every SEND until total bytes came; then the REPORTs (ranges) asked."""
    got, mid = b'', None
    while len(got) < total:
        kind, tid, what, hdrs, body = ms.frame()
        if kind == 'request' and what == 'SEND':
            ms.respond(tid, hdrs)
            if body:
                mid = hdrs.get('message-id')
                start = int(hdrs['byte-range'].split('-')[0])
                got = got[:start - 1] + body if len(got) >= start - 1 else got
    for a, b in reports:
        ms.report(uas.offer_path, uas.path, mid, a, b, total)
    return got


def send_push(args, family, host, port, data, tmp):
    f = os.path.join(tmp, 'push-%s.txt' % rand_id(6))
    open(f, 'wb').write(data)
    return subprocess.Popen([EXE, 'send', '--to', 'sip:bob@%s:%d' % (bracket(host), port), '--method', 'invite',
                             '--app', 'wml.ua', '--type', 'text/plain'] + args + [f],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def outcome(p, secs=60):
    try:
        out, err = p.communicate(timeout=secs)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
    lines = [l for l in out.decode().splitlines() if l.startswith('{')]
    import json
    return p.returncode, (json.loads(lines[-1]) if lines else {'stderr': err.decode()[-300:]})


def send_cases(tmp, family, host):
    fam = 'IPv6' if family == socket.AF_INET6 else 'IPv4'
    data = b''.join(b'line %05d of the push\n' % i for i in range(600))
    total = len(data)
    # (offered, answered, who connects): 'peer' (answer active), 'sippush' (answer passive or none)
    works = [('passive', 'active', 'peer'), ('passive', None, 'sippush'), ('active', 'passive', 'sippush'),
             ('active', None, 'sippush'), ('actpass', 'active', 'peer'), ('actpass', 'passive', 'sippush')]
    for offered, answered, connects in works:
        what = '%s send, offer %s, answer %s' % (fam, offered, answered or 'without a=setup')
        uas = Uas(family, host)
        p = send_push(['--msrp-setup', offered, '--confirm', '--chunk-size', '4096'], family, host, uas.sip.port,
                      data, tmp)
        inv = uas.answer(answered, listen=connects == 'sippush')
        check(inv is not None, '%s: INVITE came' % what)
        if inv is None:
            p.kill(); p.communicate(); uas.close()
            continue
        check(attr(inv.body, 'setup') == offered, '%s: the offer says a=setup:%s' % (what, offered))
        check((mline_port(inv.body) == 9) == (offered == 'active'), '%s: port 9 only when active' % what)
        check(('c=IN %s %s' % ('IP6' if ':' in host else 'IP4', host)) in inv.body and
              uas.offer_path.startswith('msrp://%s:' % bracket(host)), '%s: c= and path in the family' % what)
        if connects == 'peer':
            # §5.4: the active end connects once it has the answer (here right after
            # sending it, before the ACK) and sends at once; bodiless, it binds
            ms = msrp_connect(family, uas.offer_path)
            tid = ms.send(uas.offer_path, uas.path, rand_id(), 1, 0, b'')
            check(uas.ack() is not None, '%s: ACK' % what)
            status = ms.response_to(tid)[2]
            check(status == '200', '%s: our bodiless SEND bound the session' % what)
        else:
            check(uas.ack() is not None, '%s: ACK' % what)
            ms = accept(uas.lsock)
            check(ms is not None, '%s: sippush connected to our path' % what)
        if ms is None:
            p.kill(); p.communicate(); uas.close()
            continue
        # the REPORT in two pieces, the second first (RFC 4975 §7.1.2)
        got = take_content(ms, uas, total, [(total // 2 + 1, total), (1, total // 2)])
        check(got == data, '%s: content intact' % what)
        check(uas.bye() is not None, '%s: BYE after the REPORT pieces' % what)
        rc, res = outcome(p)
        check(rc == 0 and res.get('event') == 'delivered' and res.get('bytes') == total,
              '%s: delivered (%s)' % (what, res))
        ms.close()
        uas.close()

    # roles that cannot work: refused at once with BYE (RFC 4145 §4.1)
    for offered, answered in (('passive', 'passive'), ('active', 'active')):
        what = '%s send, offer %s, answer %s' % (fam, offered, answered)
        uas = Uas(family, host)
        p = send_push(['--msrp-setup', offered], family, host, uas.sip.port, data, tmp)
        check(uas.answer(answered, listen=answered == 'passive') is not None, '%s: INVITE came' % what)
        check(uas.ack() is not None and uas.bye(5) is not None, '%s: ACK then BYE' % what)
        rc, res = outcome(p)
        check(rc == 1 and res.get('event') == 'failed' and res.get('status') == 488 and res.get('retry') is False,
              '%s: failed 488, no retry (%s)' % (what, res))
        if uas.lsock:
            check(accept(uas.lsock, 0.5) is None, '%s: no connection was made' % what)
        uas.close()

    # the receiver says it connects and never does: --msrp-connect-timeout
    what = '%s send, answer active, nobody connects' % fam
    uas = Uas(family, host)
    t0 = time.time()
    p = send_push(['--msrp-connect-timeout', '1'], family, host, uas.sip.port, data, tmp)
    check(uas.answer('active', listen=False) is not None, '%s: INVITE came' % what)
    check(uas.ack() is not None and uas.bye() is not None, '%s: BYE' % what)
    rc, res = outcome(p)
    check(rc == 1 and res.get('status') == 408 and res.get('retry') is True and time.time() - t0 >= 0.9 and
          res.get('reason') == 'no MSRP connection in time',
          '%s: failed 408 with retry after the timeout (%s)' % (what, res))
    uas.close()

    # every chunk answered 200, the REPORT never complete: probably arrived, no retry
    for reports in ([], [(1, total - 1)]):
        what = '%s send --confirm, REPORT %s, connection closed' % (fam, 'short by a byte' if reports else 'missing')
        uas = Uas(family, host)
        p = send_push(['--confirm'], family, host, uas.sip.port, data, tmp)
        if uas.answer('active', listen=False) is None:
            check(False, '%s: INVITE came' % what)
            p.kill(); p.communicate(); uas.close()
            continue
        uas.ack()
        ms = msrp_connect(family, uas.offer_path)
        ms.response_to(ms.send(uas.offer_path, uas.path, rand_id(), 1, 0, b''))
        take_content(ms, uas, total, reports)
        time.sleep(0.2)
        ms.close()
        uas.bye()
        rc, res = outcome(p)
        check(rc == 1 and res.get('event') == 'failed' and res.get('retry') is False,
              '%s: failed without retry (%s)' % (what, res))
        uas.close()


def psa_case(tmp, family, host):
    """The psa refuses an answer whose role cannot work, as send does."""
    fam = 'IPv6' if family == socket.AF_INET6 else 'IPv4'
    what = '%s psa, offer passive, answer passive' % fam
    sock = os.path.join(tmp, 'psa-%s.sock' % rand_id(4))
    pport = free_port(family, host)
    psa = Proc(['psa', '--listen', 'udp:%s:%d' % (bracket(host), pport), '--control', 'unix:' + sock,
                '--msrp-connect-timeout', '2'])
    procs.append(psa)
    check(psa.wait_event('listening') is not None, '%s: psa listening' % what)
    uas = Uas(family, host)
    f = os.path.join(tmp, 'psa.txt')
    open(f, 'wb').write(b'x' * 2000)
    p = subprocess.Popen([EXE, 'send', '--psa', 'unix:' + sock, '--to', 'sip:bob@%s:%d' % (bracket(host), uas.sip.port),
                          '--method', 'invite', '--app', 'wml.ua', '--type', 'text/plain', f],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    check(uas.answer('passive', listen=True) is not None, '%s: INVITE came' % what)
    check(uas.ack() is not None and uas.bye(5) is not None, '%s: ACK then BYE' % what)
    rc, res = outcome(p)
    check(rc == 1 and res.get('status') == 488 and res.get('retry') is False, '%s: failed 488 (%s)' % (what, res))
    uas.close()
    psa.stop()


def main():
    if not os.access(EXE, os.X_OK):
        print('no %s' % EXE)
        return 1
    # by hand, "4" or "6" runs one family; run.sh runs both
    families = [f for f in FAMILIES if len(sys.argv) < 2 or sys.argv[1] == ('6' if ':' in f[1] else '4')]
    tmp = tempfile.mkdtemp(prefix='msrp-roles-')
    try:
        for family, host in families:
            recv_cases(tmp, family, host)
            listen_flags(tmp, family, host)
            send_cases(tmp, family, host)
            psa_case(tmp, family, host)
    finally:
        for p in procs:
            p.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    print('%d checks failed' % len(failures))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
