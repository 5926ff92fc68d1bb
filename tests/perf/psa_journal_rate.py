#!/usr/bin/env python3
"""Accepted pushes per second with the journal on: `sippush psa --state DIR`
takes PUSH requests with "Reply: accepted" on its control socket from
CONNS connections at once (each answered only after the group commit's
fdatasync that covers it), delivering MESSAGEs to a sipp UAS answering 200.
The client is tests/perf/control_flood.c (built here with cc). One JSON
line: pushes, accepted, refused, seconds, accepted_per_s, the psa's
processor time (and per push: the rate one free core would sustain is
1e6 / psa_cpu_us_per_push), the journal's size, and how many of the accepted were then delivered or failed (strace
-c -e fdatasync on the psa counts the group commits).
Not part of `make test`:  tests/perf/psa_journal_rate.py [BUILD]
Environment: PUSHES (default 20000), CONNS (default 64), STATE (a folder on
the disk to measure; default a temporary one)."""
import json, os, selectors, shutil, socket, subprocess, sys, tempfile, time

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
build = sys.argv[1] if len(sys.argv) > 1 else 'build'
exe = os.path.join(build, 'sippush')
pushes = int(os.environ.get('PUSHES', 20000))
conns = int(os.environ.get('CONNS', 64))
tmp = tempfile.mkdtemp(prefix='sippush-jrate-')
state = os.environ.get('STATE') or os.path.join(tmp, 'state')
control = os.path.join(tmp, 'psa.sock')


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(('127.0.0.1', 0))
    p = s.getsockname()[1]
    s.close()
    return p


uport, pport = free_port(), free_port()
uas = subprocess.Popen(['sipp', '-sf', os.path.join(root, 'tests/sipp/uas_message.xml'), '-i', '127.0.0.1',
                        '-p', str(uport), '-nostdin'],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
psa = subprocess.Popen([exe, 'psa', '--listen', 'udp:127.0.0.1:%d' % pport, '--control', 'unix:' + control,
                        '--control-max-conns', str(conns * 2), '--state', state],
                       stdout=open(os.path.join(tmp, 'psa.out'), 'w'), stderr=open(os.path.join(tmp, 'psa.err'), 'w'))
try:
    end = time.time() + 10
    while not os.path.exists(control) and time.time() < end:
        time.sleep(0.05)

    flood = os.path.join(tmp, 'control_flood')
    subprocess.run(['cc', '-O2', '-o', flood, os.path.join(os.path.dirname(os.path.abspath(__file__)), 'control_flood.c')],
                   check=True)
    r = subprocess.run([flood, control, str(pushes), str(conns), '127.0.0.1:%d' % uport], capture_output=True,
                       text=True, check=True)
    got = json.loads(r.stdout)
    ended = []
    end = time.time() + 60  # the outcomes (not part of the rate): how many of the accepted were delivered
    while time.time() < end and len(ended) < got['accepted']:
        time.sleep(0.5)
        ended = [l for l in open(os.path.join(tmp, 'psa.out')) if '"push_ended"' in l]
    got['delivered'] = sum('"delivered":true' in l for l in ended)
    got['failed'] = len(ended) - got['delivered']
    f = open('/proc/%d/stat' % psa.pid).read().rsplit(')', 1)[1].split()
    cpu = (int(f[11]) + int(f[12])) / os.sysconf('SC_CLK_TCK')  # utime + stime
    print(json.dumps(dict(got, bench='psa_journal', conns=conns, psa_cpu_s=cpu,
                          psa_cpu_us_per_push=round(cpu * 1e6 / pushes, 1),
                          journal_bytes=os.path.getsize(os.path.join(state, 'journal')))))
finally:
    psa.terminate()
    psa.wait()
    uas.terminate()
    uas.wait()
    shutil.rmtree(tmp, ignore_errors=True)
