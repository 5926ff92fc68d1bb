#!/usr/bin/env python3
"""The session-mode push figures: time from the INVITE to the success REPORT
of a 1 KiB push over loopback (median of N), the rate of a 100 MiB push
with the receiver checking its SHA-1 before confirming, directly and through
Kamailio as the SIP/IP Core (MSRP always direct), and a file pushed from
disk to disk (`send FILE` to `recv --out DIR`), with both processes' peak
memory.

usage (from the project's root, after make):
  tests/perf/invite_figures.py [--build DIR] [--count N] [--mib M] [--chunk-size BYTES] [--no-kamailio]

Prints one JSON line per figure. The time is the sender's own "ms" (INVITE
sent to the content confirmed), so process start-up is not in it.
"sha1_checked" is what was observed: the SHA-1 the receiver reported (and,
disk to disk, the file it wrote) against the one of the file sent. On the
wire, every INVITE is paired with the success REPORT that follows it to the
MSRP port its offer named; "wire_unmatched" counts those without one (the
median is over the pairs only, and says so); "wire_invites" is how many
INVITEs the capture saw, which a loaded machine can make fewer than sent."""
import argparse, hashlib, json, os, random, shutil, signal, socket, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'integration'))
from pushlib import wait_sip  # noqa: E402  (a server is ready once it answers an OPTIONS)


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


def wait_line(path, word, secs=10):
    end = time.time() + secs
    while time.time() < end:
        if os.path.exists(path) and word in open(path).read():
            return True
        time.sleep(0.05)
    return False


def stop(p):
    """SIGTERM, then SIGKILL if it has not ended within 5 s."""
    p.send_signal(signal.SIGTERM)
    try:
        p.wait(5)
    except subprocess.TimeoutExpired:
        p.kill()


def sha1_file(path):
    h = hashlib.sha1()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(1 << 20), b''):
            h.update(block)
    return h.hexdigest()


def peak_rss_kb(pid):
    """VmHWM of a running process (its peak resident set), in KiB."""
    for line in open('/proc/%d/status' % pid):
        if line.startswith('VmHWM:'):
            return int(line.split()[1])
    return None


def run_measured(args):
    """Runs args to the end: (stdout, peak resident set in KiB), reaped with wait4."""
    p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = p.stdout.read()  # to EOF: the process has ended or closed it
    _, status, usage = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    return out, usage.ru_maxrss


def pushes(path, since=0):
    """The push events recv printed (after the first 'since')."""
    evs = [json.loads(l) for l in open(path) if l.startswith('{')]
    return [e for e in evs if e.get('event') == 'push'][since:]


def wire_latencies(pcap, port):
    """INVITE (arriving at the receiver) to the success REPORT (leaving for the
    sender's MSRP port named in that INVITE's a=path), from the capture's
    microsecond timestamps. Returns (latencies, unmatched INVITEs)."""
    def fields(filt, *f):
        args = ['tshark', '-r', pcap, '-d', 'udp.port==%d,sip' % port, '-Y', filt, '-T', 'fields']
        for x in f:
            args += ['-e', x]
        r = subprocess.run(args, capture_output=True, timeout=120)
        if r.returncode != 0:  # a failing tshark is not "no packets"
            raise SystemExit('tshark -Y %s: exit %d %s' % (filt, r.returncode, r.stderr.decode(errors='replace')[-200:]))
        return [l.split('\t') for l in r.stdout.decode().splitlines() if l.strip()]
    invites = fields('udp.dstport==%d && sip.Method == "INVITE" && !sip.To contains "tag="' % port,
                     'frame.time_epoch', 'sdp.media_attr')
    reports = fields('tcp.payload contains "REPORT" && tcp.payload contains "Status: 000 200 OK"',
                     'frame.time_epoch', 'tcp.dstport')
    out, unmatched = [], 0
    for t0, attrs in invites:
        mport = [a for a in attrs.split(',') if a.startswith('path:msrp://')]
        p = mport[0].split(':')[3].split('/')[0] if mport else None
        later = [float(t) for t, dport in reports if dport == p and float(t) >= float(t0)]
        if later:
            out.append(min(later) - float(t0))
        else:
            unmatched += 1
    return out, unmatched


def figures(exe, tmp, count, mib, chunk, proxy_port):
    port = free_port()
    out = os.path.join(tmp, 'recv-%d.jsonl' % port)
    recv = subprocess.Popen([exe, 'recv', '--listen', 'udp:127.0.0.1:%d' % port, '--aor', 'sip:bob@127.0.0.1',
                             '--app', 'wml.ua', '--out', 'none'], stdout=open(out, 'w'), stderr=subprocess.DEVNULL)
    try:
        if not wait_line(out, 'listening'):
            raise SystemExit('recv did not start')
        via = ['--proxy', 'sip:127.0.0.1:%d;lr' % proxy_port] if proxy_port else []
        base = [exe, 'send', '--to', 'sip:bob@127.0.0.1:%d' % port, '--method', 'invite', '--app', 'wml.ua',
                '--type', 'application/octet-stream', '--confirm'] + via
        small = os.path.join(tmp, 'small.bin')
        open(small, 'wb').write(os.urandom(1024))
        times = []
        pcap = os.path.join(tmp, 'small-%d.pcap' % port)
        cap = subprocess.Popen(['tshark', '-q', '-i', 'lo', '-f', 'udp port %d or tcp' % port, '-w', pcap],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) if shutil.which('tshark') else None
        while cap and b'Capturing' not in cap.stderr.readline():
            pass
        seen = len(pushes(out))
        for _ in range(count):
            r = subprocess.run(base + [small], capture_output=True, timeout=30)
            res = json.loads(r.stdout.decode().splitlines()[-1])
            if res.get('event') != 'delivered':
                raise SystemExit('1 KiB push failed: %s' % res)
            times.append(res['ms'])
        path = 'kamailio' if proxy_port else 'direct'
        want = hashlib.sha1(open(small, 'rb').read()).hexdigest()
        got = pushes(out, seen)
        fig = {'figure': 'invite-1k-latency', 'path': path, 'pushes': count,
               'median_ms': statistics.median(times), 'min_ms': min(times), 'max_ms': max(times),
               'sha1_checked': len(got) == count and all(e.get('sha1') == want for e in got)}
        if cap:
            time.sleep(0.3)
            cap.send_signal(signal.SIGINT)
            cap.wait(10)
            wire, unmatched = wire_latencies(pcap, port)
            fig['wire_invites'] = len(wire) + unmatched  # fewer than 'pushes' when the capture missed some
            fig['wire_pairs'] = len(wire)
            fig['wire_unmatched'] = unmatched
            fig['wire_median_us'] = round(statistics.median(wire) * 1e6) if wire else None
        print(json.dumps(fig))
        large = os.path.join(tmp, 'large.bin')
        with open(large, 'wb') as f:
            block = os.urandom(1 << 20)
            for i in range(mib):
                f.write(block[i:] + block[:i])
        seen = len(pushes(out))
        r = subprocess.run(base + ['--chunk-size', str(chunk), large], capture_output=True, timeout=600)
        res = json.loads(r.stdout.decode().splitlines()[-1])
        if res.get('event') != 'delivered':
            raise SystemExit('large push failed: %s' % res)
        size = mib << 20
        got = pushes(out, seen)
        print(json.dumps({'figure': 'invite-large-rate', 'path': path, 'bytes': size, 'chunk_size': chunk,
                          'ms': res['ms'], 'mb_per_s': round(size / 1e6 / (res['ms'] / 1000.0), 1),
                          'sha1_checked': len(got) == 1 and got[0].get('sha1') == sha1_file(large)}))
        if not proxy_port:
            print(json.dumps(disk_to_disk(exe, tmp, large, chunk)))
        os.unlink(large)
    finally:
        stop(recv)


def disk_to_disk(exe, tmp, src, chunk):
    """`send FILE` to `recv --out DIR` directly: the file read from disk by the
    sender and written to disk by the receiver, compared afterwards."""
    port = free_port()
    inbox = os.path.join(tmp, 'inbox-%d' % port)
    os.makedirs(inbox)
    out = os.path.join(tmp, 'recv-disk-%d.jsonl' % port)
    recv = subprocess.Popen([exe, 'recv', '--listen', 'udp:127.0.0.1:%d' % port, '--aor', 'sip:bob@127.0.0.1',
                             '--app', 'wml.ua', '--out', inbox], stdout=open(out, 'w'), stderr=subprocess.DEVNULL)
    try:
        if not wait_line(out, 'listening'):
            raise SystemExit('recv did not start')
        stdout, send_kb = run_measured([exe, 'send', '--to', 'sip:bob@127.0.0.1:%d' % port, '--method', 'invite',
                                        '--app', 'wml.ua', '--type', 'application/octet-stream', '--confirm',
                                        '--chunk-size', str(chunk), src])
        res = json.loads(stdout.decode().splitlines()[-1])
        if res.get('event') != 'delivered':
            raise SystemExit('disk-to-disk push failed: %s' % res)
        got = pushes(out)
        recv_kb = peak_rss_kb(recv.pid)
        want = sha1_file(src)
        size = os.path.getsize(src)
        return {'figure': 'push-file-disk-to-disk', 'bytes': size, 'chunk_size': chunk, 'ms': res['ms'],
                'mb_per_s': round(size / 1e6 / (res['ms'] / 1000.0), 1),
                'sha1_checked': len(got) == 1 and got[0].get('sha1') == want and sha1_file(got[0]['file']) == want,
                'recv_peak_rss_kb': recv_kb, 'send_peak_rss_kb': send_kb}
    finally:
        stop(recv)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--build', default='build')
    ap.add_argument('--count', type=int, default=100)
    ap.add_argument('--mib', type=int, default=100)
    ap.add_argument('--chunk-size', type=int, default=65536)
    ap.add_argument('--no-kamailio', action='store_true')
    a = ap.parse_args()
    exe = os.path.join(ROOT, a.build, 'sippush')
    tmp = tempfile.mkdtemp(prefix='invite-figures-')
    kam = None
    try:
        figures(exe, tmp, a.count, a.mib, a.chunk_size, None)
        if not a.no_kamailio and shutil.which('kamailio'):
            kport = free_port()
            os.makedirs(os.path.join(tmp, 'kam'))
            kam = subprocess.Popen(['kamailio', '-f', os.path.join(ROOT, 'tests', 'kamailio', 'invite-proxy.cfg'),
                                    '-DD', '-E', '-l', 'udp:127.0.0.1:%d' % kport, '-l', 'tcp:127.0.0.1:%d' % kport,
                                    '-Y', os.path.join(tmp, 'kam'), '-w', tmp],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if not wait_sip(kport):
                raise SystemExit('kamailio does not answer on %d' % kport)
            figures(exe, tmp, a.count, a.mib, a.chunk_size, kport)
    finally:
        if kam:
            stop(kam)
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
