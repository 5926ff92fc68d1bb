#!/usr/bin/env python3
"""How fast `sippush recv` answers MESSAGE pushes from sipp over UDP on
loopback, against Kamailio answering MESSAGE statelessly in the same run.

    python3 tests/perf/recv_message_rate.py [--calls N] [--rate R] [--build DIR]

Prints one line per run: the target, messages answered 200, failures and the
rate. Runs: Kamailio stateless (the baseline), recv --out none with a body
and feature-tag routing, the same with 10 % of sipp's packets lost, and recv
behind Kamailio as registrar and proxy. Not part of `make test`; it takes
about a minute and uses both cores while it runs."""
import argparse, os, re, shutil, signal, socket, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(('127.0.0.1', 0))
    p = s.getsockname()[1]
    s.close()
    return p


def sipp(scenario, target, calls, rate, extra=()):
    """Runs sipp to the end; returns (successful, failed, seconds)."""
    tmp = tempfile.mkdtemp(prefix='sipp-perf-')
    start = time.time()
    r = subprocess.run(['sipp', '-sf', os.path.join(ROOT, 'tests', 'sipp', scenario), '-m', str(calls), '-r', str(rate),
                        '-l', '2000', '-i', '127.0.0.1', '-p', str(free_port()), target, '-nostdin', '-timeout', '120s']
                       + list(extra), capture_output=True, cwd=tmp, timeout=300)
    secs = time.time() - start
    out = r.stdout.decode(errors='replace')
    ok = re.findall(r'Successful call\s+\|\s+\d+\s+\|\s+(\d+)', out)
    bad = re.findall(r'Failed call\s+\|\s+\d+\s+\|\s+(\d+)', out)
    shutil.rmtree(tmp, ignore_errors=True)
    return int(ok[-1]) if ok else 0, int(bad[-1]) if bad else calls, secs


def report(name, res):
    ok, bad, secs = res
    print('%-44s %7d ok %6d failed %8.0f /s' % (name, ok, bad, ok / secs if secs else 0))
    sys.stdout.flush()
    return ok / secs if secs else 0


def stop(p):
    if p.poll() is None:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--calls', type=int, default=200000)
    ap.add_argument('--rate', type=int, default=60000, help='what sipp is asked for (it is the limit)')
    ap.add_argument('--build', default='build')
    a = ap.parse_args()
    exe = os.path.join(ROOT, a.build, 'sippush')
    run = tempfile.mkdtemp(prefix='recv-perf-')
    procs = []
    try:
        kport = free_port()
        # the stateless baseline shared with tests/perf/compare-kamailio.sh
        cfg = open(os.path.join(ROOT, 'tests', 'kamailio', 'stateless.cfg')).read()
        cfg = cfg.replace('LISTEN', '127.0.0.1:%d' % kport).replace('CHILDREN', '2')
        open(os.path.join(run, 'stateless.cfg'), 'w').write(cfg)
        kam = subprocess.Popen(['kamailio', '-f', os.path.join(run, 'stateless.cfg'), '-P',
                                os.path.join(run, 'k1.pid'), '-Y', run, '-DD', '-E'],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        procs.append(kam)
        time.sleep(1)
        base = report('kamailio, stateless 200', sipp('message_push.xml', '127.0.0.1:%d' % kport, a.calls, a.rate))
        stop(kam)

        rport = free_port()
        recv = subprocess.Popen([exe, 'recv', '--listen', 'udp:127.0.0.1:%d' % rport, '--app', 'sms.ua', '--app',
                                 'mms.ua', '--out', 'none'], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        procs.append(recv)
        time.sleep(0.5)
        mine = report('sippush recv --out none', sipp('message_push.xml', '127.0.0.1:%d' % rport, a.calls, a.rate))
        report('sippush recv --out none, 10% loss',
               sipp('message_push.xml', '127.0.0.1:%d' % rport, a.calls // 4, a.rate // 4, ['-lost', '10']))
        stop(recv)
        print('ratio recv / kamailio stateless: %.2f' % (mine / base if base else 0))

        cport = free_port()
        # -m: shared memory (MB) for the transactions of a proxy at this rate
        core = subprocess.Popen(['kamailio', '-f', os.path.join(ROOT, 'tests', 'kamailio', 'core.cfg'), '-P',
                                 os.path.join(run, 'k2.pid'), '-Y', run, '-DD', '-E', '-m', '4096',
                                 '-l', 'udp:127.0.0.1:%d' % cport],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        procs.append(core)
        time.sleep(1)
        rport = free_port()
        recv = subprocess.Popen([exe, 'recv', '--listen', 'udp:127.0.0.1:%d' % rport, '--aor', 'sip:bob@push.test',
                                 '--registrar', 'sip:127.0.0.1:%d' % cport, '--app', 'mms.ua', '--out', 'none',
                                 '--trust', '127.0.0.1'], stdout=open(os.path.join(run, 'recv.jsonl'), 'w'),
                                stderr=subprocess.DEVNULL)
        procs.append(recv)
        for _ in range(100):
            if '"registered"' in open(os.path.join(run, 'recv.jsonl')).read():
                break
            time.sleep(0.1)
        report('sippush recv behind kamailio (registrar+proxy)',
               sipp('message_push_core.xml', '127.0.0.1:%d' % cport, a.calls // 2, a.rate))
    finally:
        for p in procs:
            if p.poll() is None and p.args[0] == 'kamailio':
                os.killpg(p.pid, signal.SIGTERM)  # the main process and the children it forked
                p.wait(10)
            else:
                stop(p)
        shutil.rmtree(run, ignore_errors=True)


if __name__ == '__main__':
    main()
