#!/usr/bin/env python3
"""Figures of the psa's PAP gateway on loopback, with the release build:

    python3 tests/perf/pap_figures.py [--pushes N] [--held N] [--build DIR]

1. push-messages accepted per second over one HTTP keep-alive connection
   and over 16 at once (each push to its own user, so no MESSAGE waits
   behind another to the same URI), delivered by MESSAGE to a sipp UAS
   standing as the core (--proxy); pushes delivered end to end per second
   (until the last pap_result) and the psa's processor time per push;
2. memory per queued push: the psa's resident size before and after N
   pushes held by a deliver-after-timestamp an hour away.
Not part of `make test`: run it by hand on a quiet machine."""
import argparse, os, re, socket, subprocess, sys, tempfile, threading, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'integration'))
from paplib import Http, post, push_message  # noqa: E402


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    p = s.getsockname()[1]
    s.close()
    return p


def proc_stat(pid):
    """(cpu seconds, resident bytes) of pid."""
    f = open('/proc/%d/stat' % pid).read().rsplit(')', 1)[1].split()
    tick = os.sysconf('SC_CLK_TCK')
    rss = int(f[21]) * os.sysconf('SC_PAGE_SIZE')
    return (int(f[11]) + int(f[12])) / tick, rss


def start_psa(exe, tmp, proxy):
    sip, pap = free_port(), free_port()
    out = open(os.path.join(tmp, 'psa-%d.jsonl' % pap), 'w')
    args = [exe, 'psa', '--listen', 'udp:127.0.0.1:%d' % sip, '--pap', 'tcp:127.0.0.1:%d' % pap,
            '--pap-max-pushes', '1000000', '--http-max-requests', '100000000']
    if proxy:
        args += ['--proxy', 'sip:127.0.0.1:%d' % proxy]
    p = subprocess.Popen(args, stdout=out, stderr=subprocess.DEVNULL)
    end = time.time() + 10
    while time.time() < end:
        if 'http_listening' in open(out.name).read():
            return p, pap, out.name
        time.sleep(0.05)
    raise SystemExit('the psa did not start')


def results(path):
    return open(path).read().count('"event":"pap_result"')


def run_pushes(port, conns, per_conn, tag, extra=''):
    def worker(k):
        c = Http('127.0.0.1', port)
        for i in range(per_conn):
            ct, body = push_message('%s-%d-%d@perf' % (tag, k, i), ['WAPPUSH=sip:u%d-%d%%40perf.test/TYPE=USER@ppg' % (k, i)],
                                    b'You have 4 new emails', 'text/plain', app='x-wap-application:wml.ua',
                                    extra_attrs=extra)
            c.send(post('/pap', body, ct))
            r = c.response(30)
            if r is None or b'code="1001"' not in r[2]:
                raise SystemExit('push refused: %r' % (r,))
        c.close()
    ts = [threading.Thread(target=worker, args=(k,)) for k in range(conns)]
    t0 = time.time()
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return time.time() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--pushes', type=int, default=2000)
    ap.add_argument('--held', type=int, default=5000)
    ap.add_argument('--build', default=os.path.join(ROOT, 'build'))
    a = ap.parse_args()
    exe = os.path.join(a.build, 'sippush')
    tmp = tempfile.mkdtemp(prefix='sippush-papperf-')
    sport = free_port()
    sipp = subprocess.Popen(['sipp', '-sf', os.path.join(ROOT, 'tests', 'sipp', 'uas_message.xml'), '-i', '127.0.0.1',
                             '-p', str(sport), '-nostdin', '-m', '1000000'], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    try:
        for conns in (1, 16):
            psa, port, out = start_psa(exe, tmp, sport)
            cpu0, _ = proc_stat(psa.pid)
            per = a.pushes // conns
            t0 = time.time()
            secs = run_pushes(port, conns, per, 'c%d' % conns)
            n = per * conns
            while results(out) < n and time.time() < t0 + 120:
                time.sleep(0.01)
            e2e = time.time() - t0  # from the first push-message to the last outcome
            cpu1, _ = proc_stat(psa.pid)
            delivered = open(out).read().count('"state":"delivered"')
            print('{"bench":"pap","connections":%d,"pushes":%d,"accepted_per_s":%.0f,"delivered":%d,'
                  '"delivered_per_s":%.0f,"cpu_us_per_push":%.0f}' % (conns, n, n / secs, delivered,
                                                                     delivered / e2e, (cpu1 - cpu0) * 1e6 / n))
            psa.terminate()
            psa.wait(10)
        psa, port, out = start_psa(exe, tmp, None)
        time.sleep(0.3)
        _, rss0 = proc_stat(psa.pid)
        later = time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(time.time() + 3600))
        run_pushes(port, 4, a.held // 4, 'held', ' deliver-after-timestamp="%s"' % later)
        _, rss1 = proc_stat(psa.pid)
        print('{"bench":"pap_held","pushes":%d,"rss_before":%d,"rss_after":%d,"bytes_per_push":%.0f}'
              % (a.held, rss0, rss1, (rss1 - rss0) / a.held))
        psa.terminate()
        psa.wait(10)
    finally:
        sipp.terminate()
        sipp.wait(10)


if __name__ == '__main__':
    main()
