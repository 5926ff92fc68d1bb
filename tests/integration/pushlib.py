"""Helpers of the push integration tests: free ports, sippush processes whose
JSON lines are read as they come, and a raw UDP SIP peer that plays the other
side (a registrar, a core, a sender or a receiver) so the wire can be seen.
Every wait is bounded; every process started is stopped by the test's own id."""
import atexit, json, os, random, re, select, signal, socket, subprocess, sys, tempfile, time

BUILD = os.environ.get('BUILD', 'build')
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXE = os.path.join(ROOT, BUILD, 'asan', 'sippush') if os.path.exists(os.path.join(ROOT, BUILD, 'asan', 'sippush')) \
    else os.path.join(ROOT, BUILD, 'sippush')
FAST_EXE = os.path.join(ROOT, BUILD, 'sippush')


def free_port(host='127.0.0.1'):
    """A port free for both UDP and TCP on host (127.0.0.1, or ::1)."""
    family = socket.AF_INET6 if ':' in host else socket.AF_INET
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


class Proc:
    """A sippush subcommand with its stdout read line by line as JSON."""
    def __init__(self, args, exe=None):
        self.tmp = tempfile.mkdtemp(prefix='sippush-it-')
        self.out_path = os.path.join(self.tmp, 'out.jsonl')
        self.err_path = os.path.join(self.tmp, 'err.txt')
        env = dict(os.environ, ASAN_OPTIONS='detect_leaks=1')
        self.p = subprocess.Popen([exe or EXE] + args, stdout=open(self.out_path, 'w'), stderr=open(self.err_path, 'w'),
                                  env=env)
        started.append(self)

    def events(self):
        out = []
        for line in open(self.out_path):
            line = line.strip()
            if line.startswith('{'):
                try:
                    out.append(json.loads(line))
                except ValueError:
                    pass
        return out

    def wait_event(self, name, secs=10, pred=lambda e: True, after=0):
        end = time.time() + secs
        while time.time() < end:
            evs = [e for e in self.events()[after:] if e.get('event') == name and pred(e)]
            if evs:
                return evs[0]
            if self.p.poll() is not None:
                break
            time.sleep(0.05)
        return None

    def stderr(self):
        return open(self.err_path).read()

    def stop(self, secs=10):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
            try:
                self.p.wait(secs)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
        return self.p.returncode


def run(args, timeout=60, exe=None):
    r = subprocess.run([exe or EXE] + args, capture_output=True, timeout=timeout)
    lines = [l for l in r.stdout.decode().splitlines() if l.startswith('{')]
    return r.returncode, (json.loads(lines[-1]) if lines else {}), r.stderr.decode()


class Msg:
    """A parsed SIP message: start line, headers (name, value) in order, body."""
    def __init__(self, data):
        text = data.decode('utf-8', 'replace')
        head, _, self.body = text.partition('\r\n\r\n')
        lines = head.split('\r\n')
        self.start = lines[0]
        self.headers = []
        for l in lines[1:]:
            n, _, v = l.partition(':')
            self.headers.append((n.strip(), v.strip()))
        self.raw = text

    @property
    def is_request(self):
        return not self.start.startswith('SIP/2.0')

    @property
    def method(self):
        return self.start.split(' ')[0]

    @property
    def status(self):
        return int(self.start.split(' ')[1]) if not self.is_request else 0

    def get(self, name):
        for n, v in self.headers:
            if n.lower() == name.lower():
                return v
        return None

    def all(self, name):
        return [v for n, v in self.headers if n.lower() == name.lower()]


class Peer:
    """A UDP SIP endpoint driven by the test, on 127.0.0.1 or ::1."""
    def __init__(self, port=None, host='127.0.0.1'):
        self.host = host
        self.s = socket.socket(socket.AF_INET6 if ':' in host else socket.AF_INET, socket.SOCK_DGRAM)
        self.s.bind((host, port or 0))
        self.port = self.s.getsockname()[1]
        self.queue = []

    def send(self, text, port, host=None):
        data = text if isinstance(text, bytes) else text.encode()
        self.s.sendto(data, (host or self.host, port))

    def recv(self, pred=lambda m: True, secs=5):
        """The first message (queued or new) for which pred holds."""
        end = time.time() + secs
        while True:
            for i, (m, addr) in enumerate(self.queue):
                if pred(m):
                    del self.queue[i]
                    return m, addr
            left = end - time.time()
            if left <= 0:
                return None, None
            r, _, _ = select.select([self.s], [], [], left)
            if r:
                data, addr = self.s.recvfrom(65535)
                self.queue.append((Msg(data), addr))

    def request(self, pred, secs=5):
        return self.recv(lambda m: m.is_request and pred(m), secs)

    def response(self, cseq_method, secs=5, final=True):
        return self.recv(lambda m: not m.is_request and (m.get('CSeq') or '').endswith(cseq_method) and
                         (m.status >= 200 or not final), secs)

    def reply(self, req, addr, status, reason='OK', headers='', body='', ctype=None, tag='peer1'):
        """Answers req (RFC 3261 §8.2.6) to where it came from."""
        lines = ['SIP/2.0 %d %s' % (status, reason)]
        for v in req.all('Via'):
            lines.append('Via: ' + v)
        lines.append('From: ' + req.get('From'))
        to = req.get('To')
        if ';tag=' not in to and status > 100:
            to += ';tag=' + tag
        lines.append('To: ' + to)
        lines.append('Call-ID: ' + req.get('Call-ID'))
        lines.append('CSeq: ' + req.get('CSeq'))
        text = '\r\n'.join(lines) + '\r\n' + headers
        if ctype:
            text += 'Content-Type: %s\r\n' % ctype
        text += 'Content-Length: %d\r\n\r\n%s' % (len(body.encode()), body)
        self.send(text, addr[1], addr[0])
        return to

    def close(self):
        self.s.close()


def request(method, ruri, port, call_id, cseq=1, from_='<sip:psa@127.0.0.1>;tag=t1', to=None, extra='', body='',
            ctype=None, branch=None, host='127.0.0.1'):
    """A request from a Peer on host:port."""
    text = '%s %s SIP/2.0\r\n' % (method, ruri)
    text += 'Via: SIP/2.0/UDP %s:%d;branch=%s;rport\r\n' % ('[%s]' % host if ':' in host else host, port,
                                                           branch or 'z9hG4bK' + call_id.replace('@', ''))
    text += 'Max-Forwards: 70\r\nFrom: %s\r\nTo: %s\r\nCall-ID: %s\r\nCSeq: %d %s\r\n' % (
        from_, to or '<%s>' % ruri, call_id, cseq, method)
    text += extra
    if ctype:
        text += 'Content-Type: %s\r\n' % ctype
    text += 'Content-Length: %d\r\n\r\n%s' % (len(body.encode()), body)
    return text


def tag_of(value):
    m = re.search(r';tag=([^;>\s]+)', value or '')
    return m.group(1) if m else None


def check(cond, what):
    if not cond:
        print('FAIL: ' + what)
        raise SystemExit(1)
    print('ok   ' + what)


def wait_sip(port, secs=10, host='127.0.0.1'):
    """True once a SIP server answers on UDP port: an OPTIONS with Max-Forwards 0
    gets some answer (483 from a proxy, 200 or 405 from an endpoint), resent
    every 100 ms until then. The readiness signal of a peer that prints none."""
    peer = Peer()
    try:
        end = time.time() + secs
        n = 0
        while time.time() < end:
            n += 1
            text = request('OPTIONS', 'sip:%s:%d' % (host, port), peer.port, 'ready%d-%d@x' % (n, peer.port))
            peer.send(text.replace('Max-Forwards: 70', 'Max-Forwards: 0'), port, host)
            m, _ = peer.recv(lambda m: not m.is_request, 0.1)
            if m is not None:
                return True
        return False
    finally:
        peer.close()


def barrier(peer, port, host='127.0.0.1'):
    """Sends an OPTIONS from peer and waits for its answer: what the agent on
    port sends in reaction to earlier messages has left it by then (one loop,
    handled in order), so an absence checked afterwards is not a guess."""
    call_id = 'barrier-%d@x' % random.randint(0, 1 << 30)
    peer.send(request('OPTIONS', 'sip:%s:%d' % (host, port), peer.port, call_id), port, host)
    m, _ = peer.recv(lambda m: not m.is_request and m.get('Call-ID') == call_id)
    return m is not None


def sanitizer_clean(text):
    """No AddressSanitizer, LeakSanitizer or UBSan report in a process's stderr."""
    return not any(k in text for k in ('ERROR: AddressSanitizer', 'ERROR: LeakSanitizer', 'runtime error:',
                                        'SUMMARY: UndefinedBehaviorSanitizer'))


def start_capture(path, bpf):
    """tshark on lo writing bpf's packets to path, and whether it keeps packets:
    a datagram of its own is in the file (it says "Capturing" before that)."""
    probe_port = free_port()
    probe = b'capture-probe-%d' % probe_port
    # a large capture buffer: on a loaded machine the default one drops packets
    p = subprocess.Popen(['tshark', '-q', '-i', 'lo', '-B', '64', '-f', '(%s) or udp port %d' % (bpf, probe_port),
                          '-w', path], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    deadline, live = time.time() + 30, False
    while not live and time.time() < deadline and p.poll() is None:
        s.sendto(probe, ('127.0.0.1', probe_port))
        time.sleep(0.05)
        try:
            live = probe in open(path, 'rb').read()
        except OSError:
            pass
    s.close()
    return p, live


class Tshark:
    """A capture on the loopback interface into path (tshark -f bpf), ready once
    a datagram of its own is in the file (tshark says "Capturing" before it
    keeps packets); fields() reads it back and a failing tshark fails the test
    instead of reading as no rows."""
    def __init__(self, path, bpf):
        self.path = path
        self.p, live = start_capture(path, bpf)
        check(live, 'tshark captures on lo (%s)' % bpf)

    def close(self):
        if self.p.poll() is None:
            time.sleep(0.3)  # the last datagrams still in the kernel's capture buffer
            self.p.send_signal(signal.SIGINT)
            self.p.wait(10)

    def fields(self, filt, *names, decode=()):
        args = ['tshark', '-r', self.path, '-Y', filt, '-T', 'fields', '-E', 'separator=|', '-E', 'occurrence=f']
        for d in decode:
            args += ['-d', d]
        for f in names:
            args += ['-e', f]
        r = subprocess.run(args, capture_output=True, timeout=60)
        check(r.returncode == 0, 'tshark reads %s%s' % (filt, '' if r.returncode == 0 else ': exit %d %s' % (
            r.returncode, r.stderr.decode(errors='replace')[-200:])))
        return [l.split('|') for l in r.stdout.decode(errors='replace').splitlines() if l.strip()]


started = []  # every Proc, read once more when the test ends


@atexit.register
def no_sanitizer_reports():
    """Whatever a test asserted, a sanitizer report in any agent's stderr fails
    it: each process still running is stopped first (leaks are reported at
    exit), then every stderr is read."""
    bad = []
    for p in started:
        p.stop()
        if not sanitizer_clean(p.stderr()):
            bad.append('%s: %s' % (' '.join(p.p.args[1:3]), p.stderr()[-1500:]))
    if bad:
        print('FAIL: sanitizer report\n' + '\n'.join(bad))
        sys.stdout.flush()
        os._exit(1)
