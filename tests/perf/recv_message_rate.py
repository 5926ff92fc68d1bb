#!/usr/bin/env python3
"""How fast `sippush recv` answers MESSAGE pushes from sipp over UDP on
loopback, against Kamailio answering MESSAGE statelessly in the same run.

    python3 tests/perf/recv_message_rate.py [--calls N] [--rate R] [--limit L]
        [--rounds K] [--children "1 2"] [--sockbuf BYTES] [--build DIR]

Prints one line per run: the target, messages answered 200, failures, the
rate and the server's memory when the run ended (proportional set size of
its processes: at that point the receiver's duplicate table, which holds
each request 32 s, has been full for most of the run). The default 4 million
calls run longer than those 32 s at the rates loopback allows, so the rate is
a steady one. Runs, K rounds in turn: Kamailio stateless with each worker count (the
baseline is the best of them), recv --out none with a body and feature-tag
routing; then once each: recv with 10 % of sipp's packets lost, and recv
behind Kamailio as registrar and proxy. Then the medians and the ratio.
--sockbuf is sipp's socket buffer and Kamailio's (recv keeps its own
default): with sipp's 64 KiB default, answers to a window sent in one burst
overflow it and sipp's retransmission cycle, not the server, sets the rate
(see tests/perf/compare-kamailio.sh); 0 keeps the defaults. Not part of
`make test`; it takes a few minutes and uses both cores while it runs."""
import argparse, os, re, shutil, signal, socket, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'integration'))
from pushlib import wait_sip  # noqa: E402  (a server is ready once it answers an OPTIONS)


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(('127.0.0.1', 0))
    p = s.getsockname()[1]
    s.close()
    return p


def sipp(opts, scenario, target, calls, rate, extra=()):
    """Runs sipp to the end; returns (successful, failed, seconds)."""
    tmp = tempfile.mkdtemp(prefix='sipp-perf-')
    buf = ['-buff_size', str(opts.sockbuf)] if opts.sockbuf else []
    start = time.time()
    r = subprocess.run(['sipp', '-sf', os.path.join(ROOT, 'tests', 'sipp', scenario), '-m', str(calls), '-r', str(rate),
                        '-l', str(opts.limit), '-i', '127.0.0.1', '-p', str(free_port()), target, '-nostdin',
                        '-timeout', '300s'] + buf + list(extra), capture_output=True, cwd=tmp, timeout=600)
    secs = time.time() - start
    out = r.stdout.decode(errors='replace')
    ok = re.findall(r'Successful call\s+\|\s+\d+\s+\|\s+(\d+)', out)
    bad = re.findall(r'Failed call\s+\|\s+\d+\s+\|\s+(\d+)', out)
    shutil.rmtree(tmp, ignore_errors=True)
    return int(ok[-1]) if ok else 0, int(bad[-1]) if bad else calls, secs


def cpu_seconds(p):
    """Processor time (user and system) used by p and, for a session leader
    such as Kamailio, by every process of its group."""
    total = 0
    for d in os.listdir('/proc'):
        if not d.isdigit():
            continue
        try:
            f = open('/proc/%s/stat' % d).read().rsplit(')', 1)[1].split()
        except OSError:
            continue
        if int(d) == p.pid or int(f[2]) == p.pid:  # f[2]: the process group
            total += int(f[11]) + int(f[12])
    return total / os.sysconf('SC_CLK_TCK')


def pss_kib(p):
    """Proportional set size of p and of every process of its group (KiB)."""
    total = 0
    for d in os.listdir('/proc'):
        if not d.isdigit():
            continue
        try:
            grp = int(open('/proc/%s/stat' % d).read().rsplit(')', 1)[1].split()[2])
            if int(d) != p.pid and grp != p.pid:
                continue
            total += sum(int(l.split()[1]) for l in open('/proc/%s/smaps_rollup' % d) if l.startswith('Pss:'))
        except (OSError, ValueError, IndexError):
            continue
    return total


def measured(server, *args):
    """sipp(*args) with the server's processor time per answered call and its memory at the end added."""
    c0 = cpu_seconds(server)
    ok, bad, secs = sipp(*args)
    return ok, bad, secs, (cpu_seconds(server) - c0) * 1e6 / ok if ok else 0, pss_kib(server)


def report(name, res):
    ok, bad, secs, cpu, kib = res
    print('%-48s %8d ok %6d failed %8.0f /s %6.2f us cpu/call %8.1f MB' % (
        name, ok, bad, ok / secs if secs else 0, cpu, kib / 1024.0))
    sys.stdout.flush()
    return ok / secs if secs else 0, cpu


def stop(p):
    if p.poll() is None:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def kamailio(run, name, args):
    """Starts Kamailio in a session of its own (it forks workers)."""
    return subprocess.Popen(['kamailio', '-P', os.path.join(run, name + '.pid'), '-Y', run, '-DD', '-E'] + args,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def stop_kamailio(p):
    if p.poll() is None:
        os.killpg(p.pid, signal.SIGTERM)  # the main process and the children it forked
        p.wait(10)


def start_recv(exe, procs):
    """`recv --out none` serving two applications on a free port; returns (process, port)."""
    port = free_port()
    p = subprocess.Popen([exe, 'recv', '--listen', 'udp:127.0.0.1:%d' % port, '--app', 'sms.ua', '--app', 'mms.ua',
                          '--out', 'none'], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    procs.append(p)
    if not wait_sip(port):
        raise SystemExit('recv does not answer on %d' % port)
    return p, port


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--calls', type=int, default=4000000)
    ap.add_argument('--rate', type=int, default=200000, help='what sipp is asked for (it is the limit)')
    ap.add_argument('--limit', type=int, default=1000, help='calls sipp keeps open at once')
    ap.add_argument('--rounds', type=int, default=1)
    ap.add_argument('--children', default='1 2', help='Kamailio UDP worker counts to try')
    ap.add_argument('--sockbuf', type=int, default=4 << 20)
    ap.add_argument('--build', default='build')
    a = ap.parse_args()
    exe = os.path.join(ROOT, a.build, 'sippush')
    kbuf = ['-b', str(a.sockbuf)] if a.sockbuf else []
    run = tempfile.mkdtemp(prefix='recv-perf-')
    procs = []
    stateless, mine, failed = {}, [], 0
    try:
        for _ in range(a.rounds):
            for ch in a.children.split():
                kport = free_port()
                # the stateless baseline shared with tests/perf/compare-kamailio.sh
                cfg = open(os.path.join(ROOT, 'tests', 'kamailio', 'stateless.cfg')).read()
                cfg = cfg.replace('LISTEN', '127.0.0.1:%d' % kport).replace('CHILDREN', ch)
                open(os.path.join(run, 'stateless.cfg'), 'w').write(cfg)
                kam = kamailio(run, 'k1', ['-f', os.path.join(run, 'stateless.cfg')] + kbuf)
                procs.append(kam)
                if not wait_sip(kport):
                    raise SystemExit('kamailio does not answer on %d' % kport)
                stateless.setdefault(ch, []).append(report('kamailio, stateless 200, %s children' % ch,
                                                           measured(kam, a, 'message_push.xml',
                                                                    '127.0.0.1:%d' % kport, a.calls, a.rate)))
                stop_kamailio(kam)

            recv, rport = start_recv(exe, procs)
            res = measured(recv, a, 'message_push.xml', '127.0.0.1:%d' % rport, a.calls, a.rate)
            failed += res[1]
            mine.append(report('sippush recv --out none', res))
            stop(recv)

        recv, rport = start_recv(exe, procs)
        # each lost packet holds a window slot for 500 ms or more: far fewer calls
        res = measured(recv, a, 'message_push.xml', '127.0.0.1:%d' % rport, a.calls // 20, a.rate, ['-lost', '10'])
        failed += res[1]
        report('sippush recv --out none, 10% loss', res)
        stop(recv)

        cport = free_port()
        # -m: shared memory (MB) for the transactions of a proxy at this rate
        core = kamailio(run, 'k2', ['-f', os.path.join(ROOT, 'tests', 'kamailio', 'core.cfg'), '-m', '4096',
                                    '-l', 'udp:127.0.0.1:%d' % cport] + kbuf)
        procs.append(core)
        if not wait_sip(cport):
            raise SystemExit('kamailio (core) does not answer on %d' % cport)
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
        res = measured(recv, a, 'message_push_core.xml', '127.0.0.1:%d' % cport, a.calls // 20, a.rate)
        failed += res[1]
        report('sippush recv behind kamailio (registrar+proxy)', res)

        med = lambda runs, i: statistics.median(r[i] for r in runs)
        medians = {ch: med(r, 0) for ch, r in stateless.items()}
        best = max(medians, key=medians.get)
        ours, our_cpu, their_cpu = med(mine, 0), med(mine, 1), med(stateless[best], 1)
        print('medians over %d rounds: %s; recv %.0f /s, %.2f us cpu/call' % (
            a.rounds, ', '.join('kamailio %s children %.0f /s, %.2f us cpu/call' % (c, r, med(stateless[c], 1))
                                for c, r in medians.items()), ours, our_cpu))
        print('ratio recv / kamailio stateless (%s children): %.2f; its cpu per call / ours: %.2f' % (
            best, ours / medians[best] if medians[best] else 0, their_cpu / our_cpu if our_cpu else 0))
    finally:
        for p in procs:
            if p.args[0] == 'kamailio':
                stop_kamailio(p)
            else:
                stop(p)
        shutil.rmtree(run, ignore_errors=True)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
