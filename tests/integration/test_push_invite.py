#!/usr/bin/env python3
"""Session-mode push (INVITE + MSRP) between `sippush send` and `sippush recv`
over loopback, the flow of seed 000 §8.3.7.2 and seed 001 B.3: directly, and
through Kamailio as a record-routing SIP/IP Core with MSRP direct between the
agents. Each run is captured with tshark; the SIP messages and SDP lines the
seeds require are asserted on the wire, no packet may be malformed or carry
an expert warning, and the content arrives intact with its REPORT. Also: the
1300-byte boundary of --method auto on both sides, failures with their
delivery status, a 256 MiB push.

Bounded in time; own free ports; every process it starts is stopped."""
import hashlib, json, os, random, shutil, signal, socket, subprocess, sys, tempfile, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pushlib import start_capture, wait_sip

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get('BUILD', 'build')
EXE = os.path.join(ROOT, BUILD, 'sippush')
KAMCFG = os.path.join(ROOT, 'tests', 'kamailio', 'invite-proxy.cfg')
procs = []
failures = []


def check(cond, what):
    print(('ok   ' if cond else 'FAIL ') + what)
    if not cond:
        failures.append(what)


def free_port():
    while True:
        port = random.randint(20000, 60000)
        u, t = socket.socket(socket.AF_INET, socket.SOCK_DGRAM), socket.socket()
        try:
            u.bind(('127.0.0.1', port)); t.bind(('127.0.0.1', port))
            return port
        except OSError:
            continue
        finally:
            u.close(); t.close()


class Proc:
    def __init__(self, args, out, exe=True):
        self.out = out
        self.p = subprocess.Popen(([EXE] if exe else []) + args, stdout=open(out, 'w'), stderr=open(out + '.err', 'w'))
        procs.append(self)

    def events(self):
        try:
            return [json.loads(l) for l in open(self.out) if l.strip().startswith('{')]
        except ValueError:
            return []

    def wait_event(self, name, secs=15, pred=lambda e: True):
        end = time.time() + secs
        while time.time() < end:
            for e in self.events():
                if e.get('event') == name and pred(e):
                    return e
            if self.p.poll() is not None:
                return None
            time.sleep(0.05)
        return None

    def stop(self):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
            try:
                self.p.wait(5)
            except subprocess.TimeoutExpired:
                self.p.kill(); self.p.wait()


def send(args, timeout=120):
    r = subprocess.run([EXE, 'send'] + args, capture_output=True, timeout=timeout)
    try:
        return r.returncode, json.loads(r.stdout.decode().strip().splitlines()[-1])
    except (ValueError, IndexError):
        return r.returncode, {'stderr': r.stderr.decode(errors='replace')[-300:]}


class Capture:
    """tshark on the loopback interface, written to a pcap and read back. Other tests may
    run beside this one: what is read back is filtered down to this test's own ports."""

    def __init__(self, path, bpf):
        self.path = path
        self.p, live = start_capture(path, bpf)
        procs.append(self)
        check(live, 'the capture on lo is live')

    def stop(self):
        if self.p.poll() is None:
            time.sleep(0.3)
            self.p.send_signal(signal.SIGINT)
            try:
                self.p.wait(10)
            except subprocess.TimeoutExpired:
                self.p.kill(); self.p.wait()

    def fields(self, decode, filt, *fields):
        args = ['tshark', '-r', self.path, '-Y', filt, '-T', 'fields', '-E', 'separator=|', '-E', 'occurrence=a']
        for d in decode:
            args += ['-d', d]
        for f in fields:
            args += ['-e', f]
        r = subprocess.run(args, capture_output=True, timeout=60)
        if r.returncode != 0:  # a failing tshark prints nothing: not "no rows"
            check(False, 'tshark -Y %s: exit %d %s' % (filt, r.returncode, r.stderr.decode(errors='replace')[-200:]))
        return [l for l in r.stdout.decode(errors='replace').splitlines() if l.strip()]


def msrp_ports(sdp_rows):
    """The MSRP ports that the a=path lines in rows of Capture.fields name."""
    ports = set()
    for row in sdp_rows:
        for part in row.split(','):
            if part.startswith('path:msrp://'):
                ports.add(int(part.split(':')[3].split('/')[0]))
    ports.discard(9)
    return ports


def sip_session(tmp, tag, via_proxy, size=300 * 1024, chunk=4096):
    """One confirmed INVITE push, captured; the wire checked against the seeds."""
    port = free_port()
    kport = free_port() if via_proxy else None
    inbox = os.path.join(tmp, 'inbox-' + tag)
    os.makedirs(inbox)
    bpf = 'udp port %d or tcp' % port if not via_proxy else 'udp port %d or udp port %d or tcp' % (port, kport)
    cap = Capture(os.path.join(tmp, tag + '.pcap'), bpf)
    kam = None
    if via_proxy:
        os.makedirs(os.path.join(tmp, 'kam-' + tag), exist_ok=True)
        kam = Proc(['kamailio', '-f', KAMCFG, '-DD', '-E', '-l', 'udp:127.0.0.1:%d' % kport,
                    '-l', 'tcp:127.0.0.1:%d' % kport, '-Y', os.path.join(tmp, 'kam-' + tag), '-w', tmp],
                   os.path.join(tmp, 'kam-%s.log' % tag), exe=False)
        check(wait_sip(kport) and kam.p.poll() is None, '%s: kamailio answers' % tag)
    recv = Proc(['recv', '--listen', 'udp:127.0.0.1:%d' % port, '--listen', 'tcp:127.0.0.1:%d' % port,
                 '--aor', 'sip:bob@127.0.0.1', '--app', 'wml.ua', '--out', inbox], os.path.join(tmp, 'recv-%s.jsonl' % tag))
    check(recv.wait_event('listening') is not None, '%s: recv listening' % tag)
    line = b'"The time has come," the Walrus said, "To talk of many things"\r\n'
    data = (line * (size // len(line) + 1))[:size]
    f = os.path.join(tmp, 'walrus-%s.txt' % tag)
    open(f, 'wb').write(data)
    extra = ['--proxy', 'sip:127.0.0.1:%d;lr' % kport] if via_proxy else []
    t0 = time.time()
    rc, res = send(['--to', 'sip:bob@127.0.0.1:%d' % port, '--method', 'invite', '--app', 'wml.ua', '--type',
                    'text/plain', '--confirm', '--chunk-size', str(chunk),
                    '--header', 'Last-Modified: Tue, 31 Jul 2001 10:13:00 GMT',
                    '--header', 'X-Wap-Push-OTA-Version: 1.0', '--header', 'Content-Language: en'] + extra + [f])
    check(rc == 0 and res.get('event') == 'delivered' and res.get('method') == 'INVITE',
          '%s: delivered (%s)' % (tag, res))
    check(res.get('bytes') == size and res.get('chunks') == (size + chunk - 1) // chunk, '%s: bytes and chunks' % tag)
    sha = hashlib.sha1(data).hexdigest()
    ev = recv.wait_event('push', 10, lambda e: e.get('sha1') == sha)
    check(bool(ev) and ev.get('method') == 'INVITE' and ev.get('app') == 'wml.ua' and ev.get('transfer_id'),
          '%s: push event with the app and transfer id' % tag)
    check(bool(ev) and hashlib.sha1(open(ev['file'], 'rb').read()).hexdigest() == sha, '%s: file intact' % tag)
    time.sleep(0.3)
    cap.stop()
    recv.stop()
    if kam:
        kam.stop()
    # --- the wire ---
    sip_ports = [port] + ([kport] if via_proxy else [])
    # an INVITE past 1300 bytes goes over TCP (RFC 3261 §18.1.1): its size moves with the ports
    dec = ['%s.port==%d,sip' % (t, p) for p in sip_ports for t in ('udp', 'tcp')]
    sip_filter = ' or '.join('%s.port==%d' % (t, p) for p in sip_ports for t in ('udp', 'tcp'))
    msgs = cap.fields(dec, 'sip && (%s)' % sip_filter, 'sip.Method', 'sip.Status-Code', 'sip.CSeq.method',
                      'sip.msg_hdr')
    methods = [m.split('|')[0] for m in msgs if m.split('|')[0]]
    statuses = [(m.split('|')[1], m.split('|')[2]) for m in msgs if m.split('|')[1]]
    check('INVITE' in methods and 'ACK' in methods and 'BYE' in methods, '%s: INVITE, ACK, BYE on the wire (%s)' % (tag, methods))
    check(('200', 'INVITE') in statuses and ('200', 'BYE') in statuses, '%s: 200 to INVITE and to BYE' % tag)
    invite = [m for m in msgs if m.startswith('INVITE|')][0]
    for want in ('Supported: timer', 'Session-Expires: 1800;refresher=uac', 'Accept-Contact: *;+g.oma.pusheventapp="wml.ua"',
                 'P-Asserted-Identity:', 'Allow: INVITE'):
        check(want in invite, '%s: INVITE has %s' % (tag, want))
    ok200 = [m for m in msgs if '|200|INVITE|' in m]
    check(bool(ok200) and 'Require: timer' in ok200[0] and 'Session-Expires:' in ok200[0] and 'Allow:' in ok200[0],
          '%s: 200 has Require: timer, Session-Expires, Allow' % tag)
    if via_proxy:
        check(bool(ok200) and 'Record-Route:' in ok200[0], '%s: the proxy record-routed' % tag)
    attrs = cap.fields(dec, 'sdp && (%s)' % sip_filter, 'sip.Method', 'sip.Status-Code', 'sdp.media_attr', 'sdp.media')
    offer = [a for a in attrs if a.startswith('INVITE|')][0]
    answer = [a for a in attrs if a.split('|')[1] == '200'][0]
    for want in ('setup:passive', 'sendonly', 'accept-types:message/cpim', 'path:msrp://', 'file-transfer-id:',
                 'file-selector:', 'type:text/plain', 'size:%d' % size, 'hash:sha-1:',
                 'file-date:modification:"Tue, 31 Jul 2001 10:13:00 GMT"'):
        check(want in offer, '%s: offer has %s' % (tag, want))
    check('X-Wap' not in invite, '%s: X-Wap-Push-OTA-Version dropped' % tag)
    for want in ('setup:active', 'recvonly', 'accept-types:message/cpim *', 'path:msrp://', 'file-transfer-id:',
                 'file-selector:', 'file-date:'):
        check(want in answer, '%s: answer has %s' % (tag, want))
    # seed 002 §7.3.1.1 step 6: the receiver's 200 carries the SDP answer, one accepted MSRP stream per offered one
    media = answer.split('|')[3] if len(answer.split('|')) > 3 else ''
    check(bool(ok200) and 'Content-Type: application/sdp' in ok200[0] and media.startswith('message ') and
          not media.startswith('message 0 ') and media.endswith(' TCP/MSRP *') and media.count('message ') == 1,
          '%s: the 200 carries the SDP answer, the stream accepted (%s)' % (tag, media))
    tid_o = [a for a in offer.split(',') if a.startswith('file-transfer-id:')]
    tid_a = [a for a in answer.split(',') if a.startswith('file-transfer-id:')]
    check(tid_o and tid_o == tid_a, '%s: the same file-transfer-id' % tag)
    # MSRP ports from the SDP paths; decode them as MSRP
    mports = msrp_ports((offer, answer))
    # RFC 6135 §4 / RFC 4145: the active end (the receiver, answering setup:active) opens the one
    # MSRP connection, to the passive sender's a=path port, once the ACK has reached it
    oport = [int(x.split(':')[3].split('/')[0]) for x in offer.split(',') if x.startswith('path:msrp://')]
    syns = cap.fields([], 'tcp.flags.syn == 1 && tcp.flags.ack == 0', 'frame.number', 'tcp.dstport')
    syns = [(int(n), int(d)) for n, d in (r.split('|') for r in syns) if int(d) in mports]
    acks = cap.fields(dec, 'sip.Method == "ACK" && (udp.dstport == %d || tcp.dstport == %d)' % (port, port),
                      'frame.number')
    check(len(oport) == 1 and [d for _, d in syns] == oport, '%s: one connection, to the offer\'s path port %s (%s)'
          % (tag, oport, syns))
    check(bool(syns) and bool(acks) and syns[0][0] > int(acks[0]), '%s: connected after the ACK reached the receiver '
          '(SYN frame %s, ACK frame %s)' % (tag, syns[:1], acks[:1]))
    mdec = dec + ['tcp.port==%d,msrp' % p for p in mports]
    ours = sip_filter + ''.join(' or tcp.port==%d' % p for p in mports)
    # TCP's own sequence analysis (a full window on loopback) is not about the protocols under test
    rows = cap.fields(mdec, '(%s) && (_ws.malformed || _ws.expert.severity >= "warning")' % ours, 'frame.number',
                      '_ws.malformed', '_ws.expert.group', '_ws.expert.message')
    bad = []
    for r in rows:
        num, malformed, groups, msgs = (r.split('|') + ['', '', ''])[:4]
        # group Sequence (PI_SEQUENCE, printed as its value) is TCP's own analysis: D-SACK,
        # suspected retransmissions, lost segments on a loaded machine
        flagged = [m for g, m in zip(groups.split(','), msgs.split(','))
                   if m and g not in ('Sequence', '33554432', '0x02000000') and not m.startswith('TCP ')]
        if malformed or flagged:
            bad.append('%s: %s' % (num, ','.join(flagged)[:80]))
    check(not bad, '%s: no malformed packet, no expert warning (%s)' % (tag, bad[:3]))
    msrp = cap.fields(mdec, 'msrp', 'msrp.method', 'msrp.status.code', 'msrp.success.report', 'msrp.status')
    check(any(m.startswith('SEND|') and '|yes|' in m for m in msrp), '%s: SEND with Success-Report: yes' % tag)
    # tshark decodes only the first MSRP frame of a segment: the REPORT is found in the bytes
    report = cap.fields(mdec, '(%s) && tcp.payload contains "REPORT" && tcp.payload contains "Status: 000 200 OK"'
                        % ours, 'frame.number')
    check(bool(report), '%s: REPORT with Status: 000 200 OK' % tag)
    # seed 000 §8.3.5: a Content-* push header travels on the SEND (MSRP MIME header)
    lang = cap.fields(mdec, '(%s) && tcp.payload contains "SEND" && tcp.payload contains "Content-Language: en"'
                      % ours, 'frame.number')
    check(bool(lang), '%s: SEND carries Content-Language: en' % tag)
    return time.time() - t0


def failures_and_boundaries(tmp):
    port = free_port()
    inbox = os.path.join(tmp, 'inbox-f')
    os.makedirs(inbox)
    recv = Proc(['recv', '--listen', 'udp:127.0.0.1:%d' % port, '--listen', 'tcp:127.0.0.1:%d' % port,
                 '--aor', 'sip:bob@127.0.0.1', '--app', 'wml.ua', '--accept', 'text/plain', '--max-size', '5000',
                 '--out', inbox], os.path.join(tmp, 'recv-f.jsonl'))
    check(recv.wait_event('listening') is not None, 'failures: recv listening')
    to = 'sip:bob@127.0.0.1:%d' % port

    def push(name, data, typ, method='invite', extra=()):
        f = os.path.join(tmp, name)
        open(f, 'wb').write(data)
        return send(['--to', to, '--method', method, '--app', 'wml.ua', '--type', typ] + list(extra) + [f])

    # the 1300-byte page-mode bound, both sides of it
    rc, res = push('a1300.txt', b'a' * 1300, 'text/plain', 'auto')
    check(rc == 0 and res.get('method') == 'MESSAGE', 'auto: 1300 bytes go by MESSAGE')
    rc, res = push('a1301.txt', b'b' * 1301, 'text/plain', 'auto')
    check(rc == 0 and res.get('method') == 'INVITE', 'auto: 1301 bytes go by INVITE')
    # unsupported type: 488, no retry
    rc, res = push('x.png', b'\x89PNG' * 10, 'image/png')
    check(rc == 1 and res.get('status') == 488 and res.get('retry') is False, 'type not taken: 488, no retry (%s)' % res)
    # max-size: the limit passes, one more byte is refused
    rc, res = push('m5000.txt', b'm' * 5000, 'text/plain')
    check(rc == 0, 'max-size: 5000 bytes delivered')
    rc, res = push('m5001.txt', b'n' * 5001, 'text/plain')
    check(rc == 1 and res.get('status') == 488, 'max-size: 5001 bytes refused with 488 (%s)' % res)
    # an application not served: 404, no retry
    f = os.path.join(tmp, 'app.txt')
    open(f, 'wb').write(b'hello')
    rc, res = send(['--to', to, '--method', 'invite', '--app', 'mms.ua', '--type', 'text/plain', f])
    check(rc == 1 and res.get('status') == 404 and res.get('retry') is False, 'unknown app: 404 (%s)' % res)
    # nobody listening: a timeout with retry (the INVITE's timer B is shortened by the sender's own limit)
    dead = free_port()
    rc, res = send(['--to', 'sip:bob@127.0.0.1:%d;transport=tcp' % dead, '--method', 'invite', '--app', 'wml.ua',
                    '--type', 'text/plain', f], timeout=90)
    check(rc == 1 and res.get('event') == 'failed' and res.get('retry') is True, 'no receiver: failed with retry (%s)' % res)
    rejected = [e for e in recv.events() if e.get('event') == 'rejected']
    check(any(e.get('status') == 488 for e in rejected), 'recv printed the 488 refusals')
    recv.stop()


def big(tmp, size):
    port = free_port()
    inbox = os.path.join(tmp, 'inbox-big')
    os.makedirs(inbox)
    recv = Proc(['recv', '--listen', 'udp:127.0.0.1:%d' % port, '--aor', 'sip:bob@127.0.0.1', '--app', 'wml.ua',
                 '--out', inbox, '--max-size', str(size)], os.path.join(tmp, 'recv-big.jsonl'))  # past the 64 MiB default
    check(recv.wait_event('listening') is not None, 'big: recv listening')
    f = os.path.join(tmp, 'big.bin')
    h = hashlib.sha1()
    with open(f, 'wb') as out:
        block = os.urandom(1 << 20)
        for i in range(size >> 20):
            chunk = block[i % 997:] + block[:i % 997]
            h.update(chunk)
            out.write(chunk)
    rc, res = send(['--to', 'sip:bob@127.0.0.1:%d' % port, '--method', 'invite', '--app', 'wml.ua', '--type',
                    'application/octet-stream', '--confirm', '--chunk-size', '65536', f], timeout=300)
    ev = recv.wait_event('push', 60, lambda e: e.get('sha1') == h.hexdigest())
    check(rc == 0 and bool(ev) and ev.get('size') == size, '%d MiB push delivered, hash checked (%s)' % (size >> 20, res))
    if ev:
        check(os.path.getsize(ev['file']) == size, '%d MiB file complete' % (size >> 20))
        os.unlink(ev['file'])
    os.unlink(f)
    recv.stop()


def through_psa(tmp):
    """A running psa sends the session-mode push handed to it over its control socket."""
    port, pport = free_port(), free_port()
    inbox = os.path.join(tmp, 'inbox-psa')
    os.makedirs(inbox)
    recv = Proc(['recv', '--listen', 'udp:127.0.0.1:%d' % port, '--aor', 'sip:bob@127.0.0.1', '--app', 'wml.ua',
                 '--out', inbox], os.path.join(tmp, 'recv-psa.jsonl'))
    sock = os.path.join(tmp, 'psa.sock')
    cap = Capture(os.path.join(tmp, 'psa.pcap'), 'udp port %d or udp port %d or tcp' % (port, pport))
    psa = Proc(['psa', '--listen', 'udp:127.0.0.1:%d' % pport, '--control', 'unix:' + sock], os.path.join(tmp, 'psa.jsonl'))
    check(recv.wait_event('listening') is not None and psa.wait_event('listening') is not None, 'psa: both listening')
    data = os.urandom(100000)
    f = os.path.join(tmp, 'via-psa.bin')
    open(f, 'wb').write(data)
    for method in ('invite', 'auto'):
        rc, res = send(['--psa', 'unix:' + sock, '--to', 'sip:bob@127.0.0.1:%d' % port, '--method', method, '--app',
                        'wml.ua', '--type', 'application/octet-stream', f])
        check(rc == 0 and res.get('method') == 'INVITE' and res.get('chunks', 0) > 1,
              'psa: --method %s goes by INVITE/MSRP (%s)' % (method, res))
    sha = hashlib.sha1(data).hexdigest()
    got = [e for e in recv.events() if e.get('event') == 'push' and e.get('sha1') == sha]
    check(len(got) == 2, 'psa: both pushes arrived intact')
    # --confirm travels over the control socket: Success-Report: yes (absent from the two
    # pushes above), and the REPORT comes back
    rc, res = send(['--psa', 'unix:' + sock, '--to', 'sip:bob@127.0.0.1:%d' % port, '--method', 'invite', '--app',
                    'wml.ua', '--type', 'application/octet-stream', '--confirm', f])
    cap.stop()
    check(rc == 0 and res.get('event') == 'delivered', 'psa: a confirmed push delivered (%s)' % res)
    # only the MSRP connections that this test's SDP named
    sdp = cap.fields(['udp.port==%d,sip' % p for p in (port, pport)],
                     'sdp && (udp.port==%d || udp.port==%d)' % (port, pport), 'sdp.media_attr')
    ours = ' || '.join('tcp.port==%d' % p for p in msrp_ports(sdp)) or 'frame.number == 0'
    asked = cap.fields([], '(%s) && tcp.payload contains "Success-Report: yes"' % ours, 'frame.number')
    report = cap.fields([], '(%s) && tcp.payload contains "REPORT" && tcp.payload contains "Status: 000 200 OK"'
                        % ours, 'frame.number')
    check(bool(asked) and bool(report), 'psa: --confirm asks Success-Report: yes and gets the REPORT')
    recv.stop()
    psa.stop()


def main():
    if not os.access(EXE, os.X_OK):
        print('no %s' % EXE); return 1
    tmp = tempfile.mkdtemp(prefix='push-invite-')
    try:
        sip_session(tmp, 'direct', False)
        if shutil.which('kamailio'):
            sip_session(tmp, 'kamailio', True)
        else:
            check(False, 'kamailio is installed')
        failures_and_boundaries(tmp)
        through_psa(tmp)
        big(tmp, 256 << 20)
    finally:
        for p in procs:
            p.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    print('%d checks failed' % len(failures))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
