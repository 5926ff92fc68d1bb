#!/usr/bin/env python3
"""The receiver's session-mode push (INVITE + MSRP) against a sender played
by this test over real loopback sockets (SIP over UDP, MSRP over TCP, the
test the passive end as RFC 4975 and RFC 6135 describe, `recv` the active
one), and against `sippush send`:

- one size limit (the 64 MiB default of --max-size): an offer of 10^15
  bytes, and one of the limit + 1, get 488 with a=max-size in the capability
  SDP (RFC 5547 §8.5); the limit itself is taken; a stream that outgrows its
  offered size is stopped with 413 (RFC 4975 §10.5) and nothing is kept;
- a message/cpim stream into --out costs a bounded memory (peak RSS of recv,
  measured), its content stored as it comes;
- a 200 never ACKed: BYE at Timer H (64*T1, RFC 3261 §13.3.1.4), the slot
  freed; --max-sessions at its boundary (486 with Retry-After past it);
- the same file-transfer-id, name and SHA-1 offered again: 200s, a success
  REPORT, a `duplicate` line, one file;
- names with '/' keep their unique prefix; a 10,000-byte name gets 488;
- file-selector type parameters (RFC 5547 §5) from `send`'s offer to the
  push line, and from an offer alone;
- kill -9 in the middle of a transfer: the temporary file is removed at the
  next start, an unrelated hidden file is kept.
Every wait is bounded; every process started is stopped by its own id."""
import atexit, hashlib, os, random, re, signal, socket, string, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pushlib
from pushlib import check

TRUST = 'P-Asserted-Identity: <sip:psa@127.0.0.1>\r\n'


def ident(n=16):
    return ''.join(random.choice(string.ascii_letters + string.digits) for _ in range(n))


def colon_hex(digest):
    return ':'.join('%02X' % b for b in digest)


class Offerer:
    """A Push Sender Agent written from RFC 3261, RFC 4975 and RFC 5547: an
    INVITE with one file-transfer stream, passive, then SENDs on the
    connection the receiver opens."""

    def __init__(self, recv_port):
        self.recv_port = recv_port
        self.sip = pushlib.Peer()
        self.lsock = socket.socket()
        self.lsock.bind(('127.0.0.1', 0))
        self.lsock.listen(4)
        self.mport = self.lsock.getsockname()[1]
        self.msess = ident()
        self.path = 'msrp://127.0.0.1:%d/%s;tcp' % (self.mport, self.msess)
        self.conn = None
        self.buf = b''
        self.cseq = 1

    def sdp(self, tid, name, ctype, size, sha1):
        return ('v=0\r\no=peer 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n'
                'm=message %d TCP/MSRP *\r\na=setup:passive\r\na=sendonly\r\n'
                'a=accept-types:message/cpim text/plain application/octet-stream\r\na=path:%s\r\n'
                'a=file-transfer-id:%s\r\na=file-selector:name:"%s" type:%s size:%d hash:sha-1:%s\r\n') % (
                    self.mport, self.path, tid, name, ctype, size, colon_hex(sha1))

    def invite(self, body, secs=10):
        """Sends an INVITE; returns its final response."""
        self.call_id = ident() + '@peer'
        self.from_tag = ident(8)
        self.branch = 'z9hG4bK' + ident()
        ruri = 'sip:recv@127.0.0.1:%d' % self.recv_port
        self.ruri = ruri
        text = pushlib.request('INVITE', ruri, self.sip.port, self.call_id, cseq=self.cseq,
                               from_='<sip:psa@127.0.0.1>;tag=' + self.from_tag, branch=self.branch,
                               extra=TRUST + 'Contact: <sip:psa@127.0.0.1:%d>\r\n' % self.sip.port, body=body,
                               ctype='application/sdp')
        self.sip.send(text, self.recv_port)
        resp, _ = self.sip.response('INVITE', secs)
        self.final = resp
        return resp

    def in_dialog(self, method, cseq, branch=None):
        to = self.final.get('To')
        return pushlib.request(method, self.ruri, self.sip.port, self.call_id, cseq=cseq,
                               from_='<sip:psa@127.0.0.1>;tag=' + self.from_tag, to=to,
                               branch=branch or 'z9hG4bK' + ident())

    def ack(self):
        self.sip.send(self.in_dialog('ACK', self.cseq), self.recv_port)

    def bye(self):
        self.cseq += 1
        self.sip.send(self.in_dialog('BYE', self.cseq), self.recv_port)
        return self.sip.response('BYE', 5)[0]

    def answer_path(self):
        m = re.search(r'a=path:(\S+)', self.final.body)
        return m.group(1) if m else None

    # --- MSRP -------------------------------------------------------------
    def accept(self, secs=10):
        """The receiver's connection and its first (bodiless) SEND, answered 200."""
        self.lsock.settimeout(secs)
        self.conn, _ = self.lsock.accept()
        self.conn.settimeout(secs)
        first = self.frame()
        self.theirs = self.answer_path()
        if first and first['method'] == 'SEND':
            self.respond(first, 200, 'OK')
        return first

    def frame(self):
        """The next MSRP frame from the receiver (none of its frames has a body here)."""
        while True:
            m = re.match(rb'MSRP (\S+) ([^\r]*)\r\n', self.buf)
            if m:
                end = re.search(rb'\r\n-------' + re.escape(m.group(1)) + rb'([$+#])\r\n', self.buf)
                if end:
                    raw = self.buf[:end.end()].decode('utf-8', 'replace')
                    self.buf = self.buf[end.end():]
                    tid, rest = m.group(1).decode(), m.group(2).decode()
                    f = {'tid': tid, 'raw': raw, 'method': None, 'status': None}
                    if rest[:3].isdigit():
                        f['status'] = int(rest[:3])
                    else:
                        f['method'] = rest
                    for line in raw.split('\r\n')[1:]:
                        n, _, v = line.partition(':')
                        f[n.strip().lower()] = v.strip()
                    return f
            try:
                data = self.conn.recv(65536)
            except socket.timeout:
                return None
            if not data:
                return None
            self.buf += data

    def respond(self, req, status, comment):
        self.conn.sendall(('MSRP %s %d %s\r\nTo-Path: %s\r\nFrom-Path: %s\r\n-------%s$\r\n' % (
            req['tid'], status, comment, req['from-path'], self.path, req['tid'])).encode())

    def send_chunk(self, mid, ctype, data, start, total, flag='$', report=True):
        tid = ident(10)
        end = start + len(data) - 1
        head = ('MSRP %s SEND\r\nTo-Path: %s\r\nFrom-Path: %s\r\nMessage-ID: %s\r\nSuccess-Report: %s\r\n'
                'Byte-Range: %d-%d/%s\r\nContent-Type: %s\r\n\r\n') % (
                    tid, self.theirs, self.path, mid, 'yes' if report else 'no', start, end, total, ctype)
        self.conn.sendall(head.encode() + data + ('\r\n-------%s%s\r\n' % (tid, flag)).encode())
        return tid

    def transfer(self, ctype, data, chunk=256 * 1024):
        """Sends a whole message, one chunk at a time; the chunks' statuses and the REPORT."""
        mid = ident(12)
        statuses, report = [], None
        for at in range(0, len(data), chunk):
            piece = data[at:at + chunk]
            tid = self.send_chunk(mid, ctype, piece, at + 1, len(data), '$' if at + chunk >= len(data) else '+')
            while True:
                f = self.frame()
                if f is None:
                    return statuses, report
                if f['status'] is not None and f['tid'] == tid:
                    statuses.append(f['status'])
                    break
                if f['method'] == 'REPORT':
                    report = f
        while report is None:
            f = self.frame()
            if f is None:
                break
            if f['method'] == 'REPORT':
                report = f
        return statuses, report

    def close(self):
        if self.conn:
            self.conn.close()
        self.lsock.close()
        self.sip.close()


started = []


@atexit.register
def stop_all():
    for r in started:
        r.stop()


def start_recv(args, exe=None):
    port = pushlib.free_port()
    r = pushlib.Proc(['recv', '--listen', 'udp:127.0.0.1:%d' % port, '--app', 'a'] + args, exe=exe)
    started.append(r)
    check(r.wait_event('listening') is not None, 'recv listens (%s)' % ' '.join(args))
    return r, port


def files(d, hidden=False):
    return sorted(n for n in os.listdir(d) if hidden or not n.startswith('.'))


def size_limit(tmp):
    out = os.path.join(tmp, 'limit')
    r, port = start_recv(['--out', out])
    limit = 64 * 1024 * 1024
    for size, want in ((10 ** 15, 488), (limit + 1, 488), (limit, 200)):
        o = Offerer(port)
        resp = o.invite(o.sdp(ident(), 'big.bin', 'application/octet-stream', size, b'\0' * 20))
        check(resp is not None and resp.status == want, 'offer of %d bytes: %d (got %s)' % (
            size, want, resp.status if resp else None))
        if want == 488:
            check('m=message 0 TCP/MSRP' in resp.body and 'a=max-size:%d' % limit in resp.body,
                  'the 488 for %d bytes says a=max-size:%d (RFC 5547 §8.5)' % (size, limit))
            check((resp.get('Content-Type') or '') == 'application/sdp', 'the 488 body is SDP')
        else:
            check('a=max-size:%d' % limit in resp.body, 'the answer states a=max-size:%d' % limit)
            o.ack()
            check(o.bye() is not None, 'BYE answered')
        o.close()
    check(r.wait_event('rejected', pred=lambda e: e.get('status') == 488) is not None, 'recv prints the 488')
    big = os.path.join(tmp, 'over-limit.bin')
    with open(big, 'wb') as f:
        f.truncate(limit + 1)
    rc, res, err = pushlib.run(['send', '--to', 'sip:recv@127.0.0.1:%d' % port, '--method', 'invite', '--app', 'a', big],
                               exe=pushlib.FAST_EXE)
    check(rc == 1 and res.get('status') == 488 and res.get('retry') is False,
          '`send` of the limit + 1 to a default recv: failed, 488, no retry (%s)' % res)
    os.unlink(big)

    # a stream that outgrows its offer: stopped with 413 at the first byte past it
    for total in ('1100', '*'):
        o = Offerer(port)
        data = os.urandom(1100)
        resp = o.invite(o.sdp(ident(), 'grow.bin', 'application/octet-stream', 1000, hashlib.sha1(data[:1000]).digest()))
        check(resp is not None and resp.status == 200, 'offer of 1000 bytes taken')
        o.ack()
        o.accept()
        tid = o.send_chunk(ident(12), 'application/octet-stream', data, 1, total)
        f = o.frame()
        while f is not None and f['tid'] != tid:
            f = o.frame()
        check(f is not None and f['status'] == 413, '1100 bytes of a 1000-byte offer (total %s): 413' % total)
        check(o.bye() is not None, 'BYE answered')
        o.close()
    ev = r.wait_event('rejected', pred=lambda e: e.get('status') == 413)
    check(ev is not None and 'offered size' in ev.get('reason', ''), 'recv prints the 413: %s' % ev)
    check(not any(e['event'] == 'push' for e in r.events()), 'nothing delivered')
    check(files(out, hidden=True) == [], 'nothing kept in --out')
    check(r.stop() == 0, 'recv stops cleanly')


def peak_rss_kib(pid):
    for line in open('/proc/%d/status' % pid):
        if line.startswith('VmHWM:'):
            return int(line.split()[1])
    return None


def cpim_memory(tmp):
    """48 MiB of content in a CPIM envelope, with --out: recv's peak RSS must
    not grow with the content (memory would hold 48 MiB, twice with the copy)."""
    out = os.path.join(tmp, 'cpim')
    r, port = start_recv(['--out', out], exe=pushlib.FAST_EXE)
    before = peak_rss_kib(r.p.pid)
    content = os.urandom(48 * 1024 * 1024)
    env = ('From: <sip:psa@127.0.0.1>\r\nTo: <sip:recv@127.0.0.1>\r\nDateTime: 2026-01-01T00:00:00Z\r\n\r\n'
           'Content-Type: application/octet-stream\r\n\r\n').encode() + content
    o = Offerer(port)
    resp = o.invite(o.sdp(ident(), 'wrapped.bin', 'message/cpim', len(env), hashlib.sha1(env).digest()))
    check(resp is not None and resp.status == 200, 'CPIM offer of %d bytes taken' % len(env))
    o.ack()
    o.accept()
    statuses, report = o.transfer('message/cpim', env)
    check(statuses and all(s == 200 for s in statuses), 'every chunk 200 (%d chunks)' % len(statuses))
    check(report is not None and (report.get('status') or '').startswith('000 200'), 'success REPORT')
    ev = r.wait_event('push')
    sha = hashlib.sha1(content).hexdigest()
    check(ev is not None and ev['sha1'] == sha and ev['size'] == len(content) and
          ev['content_type'] == 'application/octet-stream', 'the content inside the envelope delivered: %s' % (
              {k: ev[k] for k in ('size', 'content_type', 'file')} if ev else None))
    check(ev is not None and hashlib.sha1(open(ev['file'], 'rb').read()).hexdigest() == sha, 'stored intact')
    after = peak_rss_kib(r.p.pid)
    grown = after - before
    print('     peak RSS of recv: %d KiB before, %d KiB after 48 MiB' % (before, after))
    check(grown < 16 * 1024, 'peak RSS grew by %d KiB < 16 MiB for 48 MiB of CPIM content' % grown)
    o.bye()
    o.close()
    check(r.stop() == 0, 'recv stops cleanly')


def no_ack_and_slots(tmp):
    r, port = start_recv(['--out', 'none', '--max-sessions', '2'])
    sdp = lambda o: o.sdp(ident(), 'a.txt', 'text/plain', 5, hashlib.sha1(b'hello').digest())
    silent = Offerer(port)
    t0 = time.time()
    resp = silent.invite(sdp(silent))
    check(resp is not None and resp.status == 200, 'first INVITE: 200 (never ACKed)')
    second = Offerer(port)
    resp = second.invite(sdp(second))
    check(resp is not None and resp.status == 200, 'second INVITE: 200 (the limit, 2, is taken)')
    second.ack()
    third = Offerer(port)
    resp = third.invite(sdp(third))
    check(resp is not None and resp.status == 486 and resp.get('Retry-After'),
          'third INVITE past --max-sessions 2: 486 with Retry-After (got %s)' % (resp.status if resp else None))
    third.close()
    bye, addr = silent.sip.request(lambda m: m.method == 'BYE', 45)
    waited = time.time() - t0
    check(bye is not None, 'the unACKed session ends with a BYE (RFC 3261 §13.3.1.4)')
    check(waited >= 30, 'the BYE comes at Timer H, 64*T1 = 32 s (after %.1f s)' % waited)
    check(bye is not None and bye.get('Call-ID') == silent.call_id, 'the BYE names the unACKed dialog')
    if bye:
        silent.sip.reply(bye, addr, 200, 'OK', tag=pushlib.tag_of(bye.get('To')) or 'x')
    silent.close()
    fourth = Offerer(port)
    resp = fourth.invite(sdp(fourth))
    check(resp is not None and resp.status == 200, 'its slot is free again: 200')
    fourth.ack()
    fourth.bye()
    fourth.close()
    second.bye()
    second.close()
    check(r.wait_event('rejected', pred=lambda e: e.get('status') == 408) is not None, 'recv prints the lost ACK')
    check(r.stop() == 0, 'recv stops cleanly')


def retried_push(tmp):
    out = os.path.join(tmp, 'retry')
    r, port = start_recv(['--out', out])
    tid, data = ident(24), os.urandom(300 * 1024)
    sha = hashlib.sha1(data).digest()
    for attempt in ('first', 'retry'):
        o = Offerer(port)
        resp = o.invite(o.sdp(tid, 'report.pdf', 'application/octet-stream', len(data), sha))
        check(resp is not None and resp.status == 200, '%s: INVITE 200' % attempt)
        o.ack()
        o.accept()
        statuses, report = o.transfer('application/octet-stream', data, chunk=64 * 1024)
        check(len(statuses) == 5 and all(s == 200 for s in statuses), '%s: every chunk 200 %s' % (attempt, statuses))
        check(report is not None and (report.get('status') or '').startswith('000 200'),
              '%s: success REPORT (%s)' % (attempt, report.get('status') if report else None))
        check(o.bye() is not None, '%s: BYE answered' % attempt)
        o.close()
    push = r.wait_event('push')
    dup = r.wait_event('duplicate')
    check(push is not None and push['transfer_id'] == tid, 'the first is a push line')
    check(dup is not None and dup['transfer_id'] == tid and dup['sha1'] == sha.hex() and dup['size'] == len(data),
          'the retry is a duplicate line: %s' % dup)
    check(len([e for e in r.events() if e['event'] == 'push']) == 1, 'delivered once')
    check(files(out, hidden=True) == [os.path.basename(push['file'])], 'stored once: %s' % files(out, hidden=True))
    check(not any(e['event'] == 'rejected' for e in r.events()), 'nothing refused')
    # the same id and name with another content is a new push, stored beside the first
    o = Offerer(port)
    other = os.urandom(1000)
    resp = o.invite(o.sdp(tid, 'report.pdf', 'application/octet-stream', len(other), hashlib.sha1(other).digest()))
    o.ack()
    o.accept()
    statuses, report = o.transfer('application/octet-stream', other)
    o.bye()
    o.close()
    check(statuses == [200] and report is not None and report.get('status', '').startswith('000 200'),
          'same id and name, other content: 200 and a success REPORT')
    new = r.wait_event('push', pred=lambda e: e['sha1'] == hashlib.sha1(other).hexdigest())
    check(new is not None and new['file'] != push['file'] and new['file'].endswith('-report-2.pdf'),
          'a new push under a name of its own: %s' % (new['file'] if new else None))
    check(len([e for e in r.events() if e['event'] == 'duplicate']) == 1, 'still one duplicate line')
    check(r.stop() == 0, 'recv stops cleanly')


def names(tmp):
    out = os.path.join(tmp, 'names')
    r, port = start_recv(['--out', out])
    path = os.path.join(tmp, 'n.txt')
    open(path, 'w').write('named content\n')
    for i in range(2):
        rc, res, err = pushlib.run(['send', '--to', 'sip:recv@127.0.0.1:%d' % port, '--method', 'invite', '--app', 'a',
                                    '--name', 'docs/report.txt', path])
        check(rc == 0 and res.get('event') == 'delivered', 'push %d of docs/report.txt delivered (%s)' % (i + 1, res))
    stored = files(out, hidden=True)
    check(len(stored) == 2 and all(re.fullmatch(r'[A-Za-z0-9]{24}-docs_report\.txt', n) for n in stored),
          'both kept with their unique prefix: %s' % stored)
    # hostile names stay inside --out, visible, bounded
    o = Offerer(port)
    data = b'x' * 10
    resp = o.invite(o.sdp(ident(), '../../.hidden%2F..%2Fescape', 'text/plain', 10, hashlib.sha1(data).digest()))
    o.ack()
    o.accept()
    o.transfer('text/plain', data)
    o.bye()
    o.close()
    ev = r.wait_event('push', pred=lambda e: 'escape' in (e.get('file') or ''))
    check(ev is not None and os.path.dirname(ev['file']) == out and not os.path.basename(ev['file']).startswith('.'),
          'a traversing name is stored inside --out, not hidden: %s' % (ev['file'] if ev else None))
    o = Offerer(port)
    resp = o.invite(o.sdp(ident(), 'n' * 10000, 'text/plain', 10, hashlib.sha1(data).digest()))
    check(resp is not None and 400 <= resp.status < 500, 'a 10,000-byte name: %s (a 4xx)' % (resp.status if resp else None))
    o.close()
    o = Offerer(port)
    resp = o.invite(o.sdp(ident(), 'n' * 1024, 'text/plain', 10, hashlib.sha1(data).digest()))
    check(resp is not None and resp.status == 200, 'a 1024-byte name (the limit): 200')
    o.ack()
    o.bye()
    o.close()
    o = Offerer(port)
    resp = o.invite(o.sdp(ident(), 'n' * 1025, 'text/plain', 10, hashlib.sha1(data).digest()))
    check(resp is not None and resp.status == 488, 'a 1025-byte name: 488')
    o.close()
    check(r.stop() == 0, 'recv stops cleanly')


def crash_leftovers(tmp):
    out = os.path.join(tmp, 'crash')
    os.makedirs(out)
    for keep in ('.keep', '.sippush-notours', 'plain.txt'):
        open(os.path.join(out, keep), 'w').write('mine\n')
    r, port = start_recv(['--out', out], exe=pushlib.FAST_EXE)
    o = Offerer(port)
    data = os.urandom(2 * 1024 * 1024)
    resp = o.invite(o.sdp(ident(), 'cut.bin', 'application/octet-stream', len(data), hashlib.sha1(data).digest()))
    o.ack()
    o.accept()
    tid = o.send_chunk(ident(12), 'application/octet-stream', data[:1024 * 1024], 1, len(data), flag='+')
    f = o.frame()
    check(f is not None and f['status'] == 200, 'half the content sent')
    temps = [n for n in os.listdir(out) if re.fullmatch(r'\.sippush-%d-[A-Za-z0-9]{6}' % r.p.pid, n)]
    check(len(temps) == 1, 'a temporary file while receiving: %s' % temps)
    r.p.send_signal(signal.SIGKILL)
    r.p.wait()
    o.close()
    check(all(os.path.exists(os.path.join(out, t)) for t in temps), 'kill -9 leaves it behind')
    r2, _ = start_recv(['--out', out])
    check(not any(os.path.exists(os.path.join(out, t)) for t in temps), 'removed at the next start')
    check(sorted(os.listdir(out)) == ['.keep', '.sippush-notours', 'plain.txt'], 'nothing else touched: %s' %
          sorted(os.listdir(out)))
    check(r2.stop() == 0, 'recv stops cleanly')


def type_parameters(tmp):
    """RFC 5547 §5: type:text/plain;charset="UTF-8" keeps its parameters from
    `send` through the offer to the push line, and from the offer alone when
    a sender's MSRP Content-Type leaves them off."""
    path = os.path.join(tmp, 't.txt')
    open(path, 'w').write('caf\u00e9\n')
    # the offer on the wire, to a peer that refuses it
    peer = pushlib.Peer()
    s = subprocess.Popen([pushlib.EXE, 'send', '--to', 'sip:r@127.0.0.1:%d' % peer.port, '--method', 'invite',
                          '--app', 'a', '--type', 'text/plain; charset=UTF-8', '--name', 'docs/t.txt', path],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    inv, addr = peer.request(lambda m: m.method == 'INVITE', 10)
    check(inv is not None and 'name:"docs%2Ft.txt" type:text/plain;charset="UTF-8" ' in inv.body,
          'the offer quotes the parameter and percent-encodes the name: %s' % (
              re.search(r'a=file-selector:[^\r]*', inv.body).group(0) if inv else None))
    if inv:
        peer.reply(inv, addr, 488, 'Not Acceptable Here')
    s.communicate(timeout=20)
    peer.close()
    out = os.path.join(tmp, 'types')
    r, port = start_recv(['--out', out])
    rc, res, err = pushlib.run(['send', '--to', 'sip:recv@127.0.0.1:%d' % port, '--method', 'invite', '--app', 'a',
                                '--type', 'text/plain;charset=UTF-8', path])
    ev = r.wait_event('push')
    check(rc == 0 and ev is not None and ev['content_type'] == 'text/plain;charset=UTF-8',
          'send -> recv: the push line keeps the parameters (%s)' % (ev['content_type'] if ev else res))
    o = Offerer(port)
    data = b'plain text'
    resp = o.invite(o.sdp(ident(), 'p.txt', 'text/plain;charset="ISO-8859-1";format="flowed"', len(data),
                          hashlib.sha1(data).digest()))
    check(resp is not None and resp.status == 200 and 'type:text/plain;charset="ISO-8859-1";format="flowed"' in resp.body,
          'the answer mirrors the type with its parameters (RFC 5547 §8.3.1)')
    o.ack()
    o.accept()
    o.transfer('text/plain', data)
    o.bye()
    o.close()
    ev = r.wait_event('push', pred=lambda e: e['size'] == len(data))
    check(ev is not None and ev['content_type'] == 'text/plain;charset=ISO-8859-1;format=flowed',
          'parameters only in the offer reach the push line (%s)' % (ev['content_type'] if ev else None))
    check(r.stop() == 0, 'recv stops cleanly')


def main():
    tmp = tempfile.mkdtemp(prefix='sippush-rxs-')
    for part in (size_limit, retried_push, names, type_parameters, crash_leftovers, cpim_memory, no_ack_and_slots):
        if len(sys.argv) > 1 and part.__name__ not in sys.argv[1:]:
            continue
        print('--- ' + part.__name__)
        part(tmp)
    print('all passed')


if __name__ == '__main__':
    main()
