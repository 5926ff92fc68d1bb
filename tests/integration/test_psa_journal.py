"""psa --state DIR across kill -9: pushes accepted on the control socket
("Reply: accepted") are journaled before they are answered; the psa is
killed while they are pending (half reached the receiver and their 200 was
lost, half never reached it: a middlebox on the proxy path drops them),
restarted on the same folder with a torn record appended to the journal
(a power cut mid-write), and every accepted push reaches `sippush recv`
exactly once: the repeats carry the first Call-ID, From tag and CSeq, so
the receiver answers them from its duplicate table without delivering
them again. A third start finds nothing live (the ENDs were journaled).
Then a receiver registered at another psa (no proxy) is reached through
its binding after that psa was killed and started again, without
registering again. Last, "Reply: accepted" without --state."""
import hashlib, json, os, signal, socket, sys, tempfile, threading, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pushlib import Proc, check, free_port

N = 40  # pushes: the even ones reach the receiver before the crash, the odd ones do not
tmp = tempfile.mkdtemp(prefix='sippush-journal-')
state = os.path.join(tmp, 'state')
control = os.path.join(tmp, 'psa.sock')  # the first psa's
procs = []


class Middlebox:
    """A stateless hop between the psa (its --proxy) and the receiver: adds
    its Via to requests, takes it off responses. Until `heal`, a MESSAGE
    whose body ends in an odd digit is dropped, and every response too."""
    def __init__(self, rport):
        self.s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.s.bind(('127.0.0.1', 0))
        self.port = self.s.getsockname()[1]
        self.rport = rport
        self.healed = False
        self.n = 0
        self.stop = False
        self.t = threading.Thread(target=self.run, daemon=True)
        self.t.start()

    def run(self):
        self.s.settimeout(0.2)
        while not self.stop:
            try:
                data, src = self.s.recvfrom(65536)
            except socket.timeout:
                continue
            head, _, body = data.partition(b'\r\n\r\n')
            lines = head.split(b'\r\n')
            if lines[0].startswith(b'SIP/2.0'):
                if not self.healed:
                    continue
                vias = [i for i, l in enumerate(lines) if l.lower().startswith(b'via:')]
                if len(vias) < 2:
                    continue
                del lines[vias[0]]
                sent_by = lines[vias[1] - 1].split(None, 2)[2].split(b';')[0].decode()
                host, port = sent_by.rsplit(':', 1)
                self.s.sendto(b'\r\n'.join(lines) + b'\r\n\r\n' + body, (host, int(port)))
                continue
            if body.startswith(b'unwanted'):
                if self.healed:  # the receiver's side refuses it for good
                    self.s.sendto(self.refusal(lines), src)
                continue
            if not self.healed and body[-1:] in b'13579':
                continue
            self.n += 1
            lines.insert(1, b'Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bKmb%d' % (self.port, self.n))
            self.s.sendto(b'\r\n'.join(lines) + b'\r\n\r\n' + body, ('127.0.0.1', self.rport))


    @staticmethod
    def refusal(lines):
        keep = [l for l in lines[1:] if l.split(b':')[0].lower() in (b'via', b'from', b'to', b'call-id', b'cseq')]
        return b'\r\n'.join([b'SIP/2.0 404 Not Found'] + keep + [b'Content-Length: 0']) + b'\r\n\r\n'


def start_psa(mb, *extra):
    p = Proc(['psa', '--listen', 'udp:127.0.0.1:%d' % free_port(), '--control', 'unix:' + control,
              '--proxy', 'sip:127.0.0.1:%d;lr' % mb.port, '--state', state] + list(extra))
    procs.append(p)
    return p


def push_accepted(i, body):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(control)
    s.sendall(('PUSH SIPPUSH-CONTROL/1\nTo: sip:bob%d@127.0.0.1:%d\nMethod: message\nReply: accepted\n'
               'Content-Type: text/plain\nContent-Length: %d\n\n%s' % (i, rport, len(body), body)).encode())
    data = b''
    s.settimeout(10)
    while True:
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
    s.close()
    return json.loads(data.decode()) if data.strip() else None


def wait_for(what, secs=20):
    end = time.time() + secs
    while time.time() < end:
        v = what()
        if v:
            return v
        time.sleep(0.05)
    return what()


def messages(recv):
    return [e for e in recv.events() if e.get('event') == 'push' and e.get('method') == 'MESSAGE']


try:
    rport = free_port()
    recv = Proc(['recv', '--listen', 'udp:127.0.0.1:%d' % rport, '--aor', 'sip:bob@127.0.0.1', '--out', 'none'])
    procs.append(recv)
    check(recv.wait_event('listening', 10) is not None, 'recv listening')
    mb = Middlebox(rport)

    psa = start_psa(mb)
    check(psa.wait_event('journal', 10, lambda e: e['live'] == 0 and e['tail'] == 'clean') is not None,
          'a new state folder: an empty journal')
    check(wait_for(lambda: os.path.exists(control), 10), 'control socket up')
    bodies = ['push number %d' % i for i in range(N)]
    answers = [push_accepted(i, b) for i, b in enumerate(bodies)]
    ids = [a.get('id') for a in answers if a and a.get('event') == 'accepted']
    check(len(ids) == N and len(set(ids)) == N, 'all %d pushes accepted, each its own id (%s)' % (N, answers[:2]))
    # and F that will fail: nothing answers them before the crash, a 404 after it
    F = 2
    answers = [push_accepted(N + i, 'unwanted %d' % i) for i in range(F)]
    failing = [a.get('id') for a in answers if a and a.get('event') == 'accepted']
    check(len(failing) == F, 'the %d pushes bound to fail accepted too' % F)
    check(wait_for(lambda: len(messages(recv)) >= N // 2), 'the even pushes reached the receiver before the crash')
    time.sleep(0.3)  # the odd ones are dropped on the way: a moment to be sure none arrives
    check(len(messages(recv)) == N // 2, 'only the even pushes arrived (%d)' % len(messages(recv)))
    ended = [e for e in psa.events() if e.get('event') == 'push_ended']
    check(not ended, 'no push ended before the crash (their answers were lost)')
    psa.p.send_signal(signal.SIGKILL)
    psa.p.wait()

    # a power cut during the next write: the start of a record's head
    with open(os.path.join(state, 'journal'), 'ab') as f:
        f.write(b'\x30\x00\x00\x00\x01')
    mb.healed = True
    os.unlink(control)
    # a small --state-compact-at: the journal is compacted while the ENDs come in
    psa = start_psa(mb, '--state-compact-at', '4096')
    ev = psa.wait_event('journal', 10)
    check(ev is not None and ev['live'] == N + F and ev['accepted'] == N + F and ev['tail'] == 'torn',
          'restart: %d pushes live in the journal, the torn tail seen and dropped (%s)' % (N + F, ev))
    check(wait_for(lambda: len([e for e in psa.events() if e.get('event') == 'push_ended']) >= N + F, 30),
          'every accepted push ended after the restart')
    ended = [e for e in psa.events() if e.get('event') == 'push_ended']
    failed = [e for e in ended if not e['delivered']]
    check(sorted(e['id'] for e in ended) == sorted(ids + failing) and
          sorted(e['id'] for e in failed) == sorted(failing) and all(e['status'] == 404 for e in failed),
          'the same ids: %d delivered, the %d bound to fail reported failed with 404 (%s)' % (N, F, failed))
    time.sleep(0.3)
    got = messages(recv)
    sums = sorted(e['sha1'] for e in got)
    want = sorted(hashlib.sha1(b.encode()).hexdigest() for b in bodies)
    twice = len(sums) - len(set(sums))
    check(sums == want and twice == 0,
          'the receiver got every push exactly once: %d accepted, %d delivered, %d twice' % (N, len(got), twice))
    check(not any(e for e in got if 'unwanted' in str(e)), 'none of the refused pushes was delivered')
    check(mb.n >= N + N // 2, 'the even pushes were sent again (%d MESSAGEs on the path), and not delivered again' % mb.n)
    print('journal across kill -9: accepted %d, delivered %d, reported failed %d, delivered twice %d'
          % (N + F, len(set(sums)), len(failed), twice))

    # the ENDs were journaled: a third start has nothing to send again
    check(psa.stop() == 0, 'the psa stops cleanly')
    psa = start_psa(mb)
    ev = psa.wait_event('journal', 10)
    check(ev is not None and ev['live'] == 0 and ev['tail'] == 'clean' and ev['records'] < N,
          'third start: nothing live, the journal compacted while running (%s)' % ev)
    size = os.path.getsize(os.path.join(state, 'journal'))
    check(size < 100, 'the compacted journal holds only its high-water mark (%d bytes)' % size)
    check(psa.stop() == 0, 'the psa stops cleanly again')
    mb.stop = True

    # --- registrations: a receiver registered, the psa killed and started
    # again on the same port; the receiver does nothing, and a push to its
    # AoR (no proxy: the psa routes by the binding) reaches it
    state2 = os.path.join(tmp, 'state2')
    control2 = os.path.join(tmp, 'psa2.sock')
    sport = free_port()
    psa_args = ['psa', '--listen', 'udp:127.0.0.1:%d' % sport, '--control', 'unix:' + control2, '--state', state2]
    psa2 = Proc(psa_args)
    procs.append(psa2)
    check(psa2.wait_event('listening', 10) is not None, 'second psa listening')
    carol = Proc(['recv', '--listen', 'udp:127.0.0.1:%d' % free_port(), '--aor', 'sip:carol@127.0.0.1',
                  '--registrar', 'sip:127.0.0.1:%d' % sport, '--expires', '600', '--out', 'none'])
    procs.append(carol)
    check(carol.wait_event('registered', 10) is not None, 'carol registered at the psa')
    check(psa2.wait_event('registered', 10, lambda e: 'carol' in e['aor']) is not None, 'the psa has the binding')
    # the BIND's group commit follows the 200 in the same iteration: await it on disk
    check(wait_for(lambda: os.path.getsize(os.path.join(state2, 'journal')) > 0, 10), 'the binding journaled')
    psa2.p.send_signal(signal.SIGKILL)
    psa2.p.wait()
    os.unlink(control2)
    psa2 = Proc(psa_args)
    procs.append(psa2)
    ev = psa2.wait_event('journal_restored', 10)
    check(ev is not None and ev['bindings'] == 1, 'restart: the binding made again from the journal (%s)' % ev)
    check(wait_for(lambda: os.path.exists(control2), 10), 'second control socket up')
    registers = len([e for e in carol.events() if e.get('event') == 'registered'])
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(control2)
    body = 'to carol, routed by the restored binding'
    s.sendall(('PUSH SIPPUSH-CONTROL/1\nTo: sip:carol@127.0.0.1\nMethod: message\nContent-Type: text/plain\n'
               'Content-Length: %d\n\n%s' % (len(body), body)).encode())
    s.settimeout(15)
    data = b''
    while True:
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
    s.close()
    out = json.loads(data.decode())
    check(out.get('event') == 'delivered', 'the push to the AoR delivered through the restored binding (%s)' % out)
    check(carol.wait_event('push', 10, lambda e: e['sha1'] == hashlib.sha1(body.encode()).hexdigest()) is not None,
          'carol got it')
    check(len([e for e in carol.events() if e.get('event') == 'registered']) == registers,
          'carol did not register again')
    check(psa2.stop() == 0, 'the second psa stops cleanly')

    # --- "Reply: accepted" without --state: answered once the push is on its
    # way, the outcome printed with the same id
    control = os.path.join(tmp, 'psa3.sock')
    psa3 = Proc(['psa', '--listen', 'udp:127.0.0.1:%d' % free_port(), '--control', 'unix:' + control])
    procs.append(psa3)
    check(wait_for(lambda: os.path.exists(control), 10), 'third control socket up')
    body = 'accepted without a journal'
    a = push_accepted(99, body)
    check(a is not None and a.get('event') == 'accepted' and a.get('id') == 1, 'answered accepted, id 1 (%s)' % a)
    ev = psa3.wait_event('push_ended', 10)
    check(ev is not None and ev['id'] == 1 and ev['delivered'] and ev['status'] == 200,
          'its outcome printed with the same id (%s)' % ev)
    check(recv.wait_event('push', 10, lambda e: e['sha1'] == hashlib.sha1(body.encode()).hexdigest()) is not None,
          'and delivered')
    check(psa3.stop() == 0, 'the third psa stops cleanly')
finally:
    for p in procs:
        p.stop()
