#!/usr/bin/env python3
"""The psa's registrar store on loopback, with the release build:

    python3 tests/perf/psa_store.py [--kind bindings|subscriptions] [--count N] [--rate R] [--build DIR]

sipp, standing as the core, sends N third-party REGISTERs at up to R/s,
each for its own user (one contact with an instance, an application and
the methods tag); then, to a fresh psa, the same N REGISTERs for only 1000
users (refreshes). The psa's resident memory is read once the REGISTERs'
server transactions have gone (timer J, 32 s over UDP); the difference
between the two runs is what the N bindings hold (the transaction table's
peak, which the allocator keeps, is the same in both), printed per binding
with the REGISTER rate. --kind subscriptions does the same with ua-profile
SUBSCRIBEs (each enrolment NOTIFY answered 200): N users subscribing once,
against N SUBSCRIBEs from 1000 users, who keep 16 each
(--max-subscriptions-per-identity) and are refused the rest.
Not part of `make test`: run it by hand on a quiet machine."""
import argparse, json, os, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'integration'))
from pushlib import free_port  # noqa: E402


def rss(pid):
    for line in open('/proc/%d/status' % pid):
        if line.startswith('VmRSS:'):
            return int(line.split()[1]) * 1024
    return 0


SCENARIO = {'bindings': 'register_third_party.xml', 'subscriptions': 'subscribe_ua_profile.xml'}
LIMIT = {'bindings': '--max-bindings', 'subscriptions': '--max-subscriptions'}


def one_run(a, users, tmp):
    """(requests per second, resident bytes after timer J, sipp's exit code)."""
    inf = os.path.join(tmp, 'users-%d.csv' % users)
    with open(inf, 'w') as f:
        f.write('SEQUENTIAL\n')
        for k in range(users):
            f.write('u%d;%012d\n' % (k, k))
    port = free_port()
    psa = subprocess.Popen([os.path.join(a.build, 'sippush'), 'psa', '--listen', 'udp:127.0.0.1:%d' % port,
                            LIMIT[a.kind], str(max(a.count, 1024))],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(0.5)
        t0 = time.time()
        r = subprocess.run(['sipp', '-sf', os.path.join(ROOT, 'tests', 'sipp', SCENARIO[a.kind]),
                            '127.0.0.1:%d' % port, '-i', '127.0.0.1', '-p', str(free_port()), '-m', str(a.count),
                            '-r', str(a.rate), '-l', '100000', '-inf', inf, '-nostdin', '-recv_timeout', '35000'],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=3600)
        secs = time.time() - t0
        time.sleep(34)  # the REGISTERs' server transactions end (timer J)
        return a.count / secs, rss(psa.pid), r.returncode
    finally:
        psa.terminate()
        psa.wait(10)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--kind', choices=('bindings', 'subscriptions'), default='bindings')
    ap.add_argument('--count', type=int, default=100000)
    ap.add_argument('--rate', type=int, default=20000)
    ap.add_argument('--build', default=os.path.join(ROOT, 'build'))
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix='sippush-psastore-')
    rate, full, rc_full = one_run(a, a.count, tmp)
    _, few, rc_few = one_run(a, 1000, tmp)
    kept_few = 1000 if a.kind == 'bindings' else 16000
    print(json.dumps({'bench': 'psa_store', 'kind': a.kind, 'count': a.count, 'requests_per_s': round(rate),
                      'sipp_exit': [rc_full, rc_few], 'rss_all': full, 'rss_1000_users': few,
                      'bytes_each': round((full - few) / (a.count - kept_few))}))


if __name__ == '__main__':
    main()
