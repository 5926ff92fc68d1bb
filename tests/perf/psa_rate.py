#!/usr/bin/env python3
"""The psa's push rate on loopback, with the release build:

    python3 tests/perf/psa_rate.py [--via control|pap] [--seconds S --rate R | --pushes N]
                                   [--window W] [--build DIR] [-- PSA-FLAGS...]

A sipp UAS stands as the core (--proxy) and answers every MESSAGE with 200;
`sippush bench psa` submits the pushes, each to its own user, through the
psa's control socket or its PAP listener: at --rate pushes/s for --seconds,
or a burst of --pushes as fast as it can. Prints one JSON line: pushes
submitted, accepted, refused at submission, delivered and failed, the rate,
and the psa's processor time per push. Through PAP the outcomes are the
psa's pap_result lines, awaited until every accepted push has one. sipp
gets a large socket buffer and -deadcall_wait 0: by default it absorbs,
unanswered, requests of calls it has ended, so a MESSAGE retransmitted after
a lost 200 (the loopback drops datagrams on a busy machine) would never be
answered; with 0 it answers it again, as the UAS's server transaction would
for 32 s (RFC 3261 §17.2.2).
Not part of `make test`: run it by hand on a quiet machine."""
import argparse, json, os, socket, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def free_port(kind=socket.SOCK_DGRAM):
    s = socket.socket(socket.AF_INET, kind)
    s.bind(('127.0.0.1', 0))
    p = s.getsockname()[1]
    s.close()
    return p


def proc_stat(pid):
    """(cpu seconds, resident bytes) of pid."""
    f = open('/proc/%d/stat' % pid).read().rsplit(')', 1)[1].split()
    tick = os.sysconf('SC_CLK_TCK')
    return (int(f[11]) + int(f[12])) / tick, int(f[21]) * os.sysconf('SC_PAGE_SIZE')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--via', choices=('control', 'pap'), default='control')
    ap.add_argument('--seconds', type=int, default=0)
    ap.add_argument('--rate', type=int, default=0)
    ap.add_argument('--pushes', type=int, default=0)
    ap.add_argument('--window', type=int, default=512)
    ap.add_argument('--build', default=os.path.join(ROOT, 'build'))
    ap.add_argument('psa_flags', nargs='*')
    a = ap.parse_args()
    exe = os.path.join(a.build, 'sippush')
    tmp = tempfile.mkdtemp(prefix='sippush-psarate-')
    sport, pport, hport = free_port(), free_port(), free_port(socket.SOCK_STREAM)
    sipp = subprocess.Popen(['sipp', '-sf', os.path.join(ROOT, 'tests', 'sipp', 'uas_message.xml'), '-i', '127.0.0.1',
                             '-p', str(sport), '-nostdin', '-buff_size', '8388608', '-deadcall_wait', '0'], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)  # sipp's socket is bound before the first push
    ctl = os.path.join(tmp, 'psa.sock')
    out = os.path.join(tmp, 'psa.jsonl')
    psa = subprocess.Popen([exe, 'psa', '--listen', 'udp:127.0.0.1:%d' % pport, '--proxy', 'sip:127.0.0.1:%d' % sport,
                            '--control', 'unix:' + ctl, '--control-max-conns', str(max(a.window * 2, 64)),
                            '--pap', 'tcp:127.0.0.1:%d' % hport, '--pap-max-pushes', '1000000',
                            '--http-max-requests', '100000000', '--http-max-conns', str(max(a.window * 2, 64))]
                           + a.psa_flags, stdout=open(out, 'w'), stderr=open(out + '.err', 'w'))
    try:
        end = time.time() + 10
        while time.time() < end and 'http_listening' not in open(out).read():
            time.sleep(0.05)
        cpu0, rss0 = proc_stat(psa.pid)
        where = ['--control', 'unix:' + ctl] if a.via == 'control' else ['--pap', 'tcp:127.0.0.1:%d' % hport]
        load = ['--pushes', str(a.pushes)] if a.pushes else ['--seconds', str(a.seconds), '--rate', str(a.rate)]
        t0 = time.time()
        r = subprocess.run([exe, 'bench', 'psa'] + where + load + ['--window', str(a.window)],
                           capture_output=True, text=True, timeout=a.seconds + 600)
        if r.returncode != 0:
            raise SystemExit('bench failed: ' + r.stderr)
        res = json.loads(r.stdout)
        if a.via == 'pap':  # the outcomes are the psa's
            while time.time() < t0 + a.seconds + 300:
                text = open(out).read()
                done = text.count('"event":"pap_result"')
                if done >= res['accepted']:
                    break
                time.sleep(0.2)
            res['delivered'] = text.count('"state":"delivered"')
            res['failed'] = done - res['delivered']
        res['end_to_end_s'] = round(time.time() - t0, 3)
        cpu1, rss1 = proc_stat(psa.pid)
        res['cpu_us_per_push'] = round((cpu1 - cpu0) * 1e6 / max(res['submitted'], 1), 1)
        res['psa_rss_mb'] = round(rss1 / 1e6, 1)
        if r.stderr:
            res['note'] = r.stderr.strip()[:300]
        print(json.dumps(res))
    finally:
        psa.terminate()
        psa.wait(10)
        sipp.terminate()
        sipp.wait(10)


if __name__ == '__main__':
    main()
