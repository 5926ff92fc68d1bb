#!/usr/bin/env python3
"""Seeds for the agent harnesses (fuzz_push_pra, fuzz_push_psa) from the wire
traffic of the integration tests.

  fuzz/wire_seeds.py pra|psa TEST.py RULE OUTDIR

runs the integration test with dumpcap on the loopback interface, picks
the agent's SIP port by RULE ("src:METHOD" or "dst:METHOD": the source or
destination port of the first such request) and writes, in the harnesses'
record format (fuzz/agent_world.h), what the peers said to that agent:
their requests as R steps, their answers to its requests as A steps, MSRP
frames as M steps (K for plain 200s to its SENDs), pushes the sender made
on its own as P/F/O steps; the values the agent made (branch, Call-ID,
tags, MSRP URIs) become stand-ins so the harness's agent, which makes its
own, is answered in kind. One seed per Call-ID of the peer, one for the
whole conversation. Needs build/sippush (BUILD) and root for dumpcap."""
import os, re, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DELIM = '\n%%\n'
AGENT = '\x01AGENT\x01'
SENT_KEPT = 8  # W_SENT


def capture(test):
    pcap = os.path.join(tempfile.mkdtemp(prefix='wire-seeds-'), 'lo.pcapng')
    dc = subprocess.Popen(['dumpcap', '-q', '-i', 'lo', '-f', 'udp or tcp', '-w', pcap],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.5)  # dumpcap gives no readiness signal on stdout with -q
    env = dict(os.environ, BUILD=os.environ.get('BUILD', 'build'))
    subprocess.run([sys.executable, test], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    dc.terminate()
    dc.wait()
    out = subprocess.run(['tshark', '-r', pcap, '-T', 'fields', '-E', 'separator=\t', '-e', 'udp.srcport',
                          '-e', 'udp.dstport', '-e', 'tcp.srcport', '-e', 'tcp.dstport', '-e', 'udp.payload',
                          '-e', 'tcp.payload'], capture_output=True, text=True, check=True).stdout
    frames = []
    for line in out.splitlines():
        f = line.split('\t')
        f += [''] * (6 - len(f))
        if f[4]:
            frames.append(('udp', int(f[0]), int(f[1]), bytes.fromhex(f[4].replace(':', '')).decode('latin-1')))
        elif f[5]:
            frames.append(('tcp', int(f[2]), int(f[3]), bytes.fromhex(f[5].replace(':', '')).decode('latin-1')))
    return frames


def header(msg, name):
    m = re.search(r'\r\n(?i:%s):[ \t]*([^\r\n]*)' % re.escape(name), msg.split('\r\n\r\n', 1)[0])
    return m.group(1) if m else ''


def tag(value):
    m = re.search(r';tag=([^;>\s,]+)', value)
    return m.group(1) if m else ''


def body(msg):
    return msg.split('\r\n\r\n', 1)[1] if '\r\n\r\n' in msg else ''


def paths(sdp):
    return [p.split()[-1] for p in re.findall(r'a=path:([^\r\n]+)', sdp)]


def agents(frames, rule):
    """Every SIP port that is the source (or destination) of such a request."""
    how, method = rule.split(':')
    found = []
    for tp, src, dst, data in frames:
        if tp == 'udp' and data.startswith(method + ' '):
            port = src if how == 'src' else dst
            if port not in found:
                found.append(port)
    return found


def convert(frames, harness, agent):
    steps = []      # (call-id, text)
    sent = []       # the agent's requests, newest last
    last = {}       # stand-ins: branch, call_id, from_tag, resp_tag, our_tags, msrp_local, msrp_peer
    our_tags = {}
    session = [None]    # the Call-ID of the last INVITE: MSRP steps belong to it
    prev_tcp = [False]  # the last frame was the peer's MSRP

    def msrp_port(key):
        m = re.match(r'msrp://[^/]*:(\d+)/', last.get(key, ''))
        return int(m.group(1)) if m else -1

    def addresses(text):
        text = text.replace('[::1]', '127.0.0.1').replace('IP6 ::1', 'IP4 127.0.0.1')
        text = text.replace('127.0.0.1:%d' % agent, AGENT)
        text = re.sub(r'127\.0\.0\.1:\d+', '127.0.0.2:5070', text)
        text = text.replace('127.0.0.1', '127.0.0.2')
        return text.replace(AGENT, '127.0.0.1:5060')

    def stand_ins(text, sip=True):
        for key, token in (('msrp_local', '@L'), ('msrp_peer', '@P')):
            if last.get(key):
                text = text.replace(last[key], token)
        if sip:
            for key, token in (('branch', '@b'), ('call_id', '@c'), ('from_tag', '@f'), ('resp_tag', '@t')):
                if last.get(key):
                    text = text.replace(last[key], token)
            for t in our_tags:
                text = text.replace('tag=' + t, 'tag=@T')
        return text

    def lengths(text):
        return re.sub(r'\r\n(?i:Content-Length|l):[ \t]*\d+', '\r\nContent-Length: @#', text)

    def push_step(msg):
        """The call that made the sender send msg on its own, or None."""
        m = msg.split(' ', 1)[0]
        to = re.sub(r'[<>]', '', header(msg, 'To').split(';')[0]).strip().split(' ')[-1]
        app = re.search(r'pusheventapp="([^"]+)"', header(msg, 'Accept-Contact'))
        app = app.group(1) if app else ''
        to = addresses(to)
        if m == 'MESSAGE' or (m == 'NOTIFY' and body(msg) and 'reginfo' not in header(msg, 'Content-Type')):
            return 'P%d0 %s %s\n%s\n%s' % (1 if m == 'MESSAGE' else 2, to, app, header(msg, 'Content-Type'), body(msg))
        if m == 'INVITE' and not tag(header(msg, 'To')):
            return 'P30 %s %s\ntext/plain\npush content over MSRP' % (to, app)
        if m == 'REFER':
            return 'F%s %s' % (to, app)
        if m == 'OPTIONS':
            return 'O%s' % to
        return None

    for tp, src, dst, data in frames:
        if tp == 'tcp':
            peer_conn = (src == msrp_port('msrp_peer') or dst == msrp_port('msrp_local'))
            agent_conn = (dst == msrp_port('msrp_peer') or src == msrp_port('msrp_local'))
            if agent_conn and not peer_conn:  # what the agent sent: the ids the peer names
                for tid, meth in re.findall(r'(?:^|\n)MSRP (\S+) (SEND|REPORT)\r\n', data):
                    last['msrp_tid'] = tid
                mid = re.findall(r'\r\nMessage-ID: (\S+)', data)
                if mid:
                    last['msrp_mid'] = mid[-1]
                prev_tcp[0] = False
                continue
            if not peer_conn:
                continue
            if re.match(r'MSRP \S+ 200 OK\r\n', data):
                steps.append((session[0], 'K200'))
                prev_tcp[0] = False
                continue
            text = stand_ins(data, sip=False)
            for key, token in (('msrp_tid', '@I'), ('msrp_mid', '@M')):
                if last.get(key):
                    text = text.replace(last[key], token)
            if prev_tcp[0] and steps and steps[-1][1].startswith('M'):
                steps[-1] = (steps[-1][0], steps[-1][1] + text)  # a frame cut across segments
            else:
                steps.append((session[0], 'M' + text))
            prev_tcp[0] = True
            continue
        prev_tcp[0] = False
        if data.startswith('INVITE ') and (src == agent or dst == agent):
            session[0] = header(data, 'Call-ID')
        if src == agent:  # what the agent sent: remember what the peer will name
            is_req = not data.startswith('SIP/2.0 ')
            for p in paths(body(data)):
                last['msrp_local'] = p
            if is_req:
                if harness == 'psa':
                    ps = push_step(data)
                    if ps:
                        steps.append((header(data, 'Call-ID'), ps))
                sent.append(data)
                if header(data, 'Event') == 'reg' and not any(t == 'C1' for _, t in steps):
                    steps.insert(0, (None, 'C1'))  # a sender following a reg event
                via = re.search(r'branch=([^;,\s]+)', header(data, 'Via'))
                last['branch'] = via.group(1) if via else ''
                last['call_id'] = header(data, 'Call-ID')
                last['from_tag'] = tag(header(data, 'From'))
            else:
                last['resp_tag'] = tag(header(data, 'To'))
            continue
        if dst != agent:
            continue
        for p in paths(body(data)):
            last['msrp_peer'] = p
        cid = header(data, 'Call-ID')
        if data.startswith('SIP/2.0 '):
            cseq = header(data, 'CSeq')
            k = next((i for i in range(1, min(len(sent), SENT_KEPT) + 1)
                      if header(sent[-i], 'Call-ID') == cid and header(sent[-i], 'CSeq') == cseq), None)
            if k is None:
                continue
            status = data.split(' ', 2)[1]
            head, _, b = data.partition('\r\n\r\n')
            keep = [l for l in head.split('\r\n')[1:] if l.split(':', 1)[0].strip().lower() not in
                    ('via', 'v', 'from', 'f', 'to', 't', 'call-id', 'i', 'cseq', 'content-length', 'l')]
            t = tag(header(data, 'To'))
            if t:
                our_tags[t] = True
            extra = ''.join(l + '\r\n' for l in keep)
            if b:
                extra += '\r\n' + b
            text = 'A%s%s' % (status, '' if k == 1 else ' %d' % k)
            if extra:
                text += '\n' + stand_ins(addresses(stand_ins(extra, sip=False)))
            steps.append((cid, text))
        else:
            steps.append((cid, 'R' + lengths(stand_ins(addresses(stand_ins(data, sip=False))))))
    return steps


SEED_MAX = 256 * 1024  # a larger one slows the fuzzer more than it teaches it


def write(path, steps):
    text = DELIM.join(steps)
    if len(text) > SEED_MAX:
        return 0
    with open(path, 'w', newline='') as f:
        f.write(text)
    return 1


def main():
    if len(sys.argv) != 5:
        raise SystemExit(__doc__)
    harness, test, rule, outdir = sys.argv[1:]
    frames = capture(test)
    os.makedirs(outdir, exist_ok=True)
    base = os.path.splitext(os.path.basename(test))[0].replace('test_', '')
    total = 0
    found = agents(frames, rule)
    if not found:
        raise SystemExit('%s: no agent found by %s' % (test, rule))
    for n, agent in enumerate(found):
        steps = convert(frames, harness, agent)
        if harness == 'pra' and steps and not steps[0][1].startswith('A'):
            # a receiver that registers nowhere and subscribes to nobody
            steps.insert(0, (None, 'C3'))
        total += seeds(steps, outdir, '%s_%d' % (base, n))
    print('%s: %d agents, %d seeds' % (test, len(found), total))


def seeds(steps, outdir, base):
    written = 0
    # what comes first (up to the answer to the agent's first request: its
    # registration) starts every seed, so the agent is where the rest expects it
    first_a = next((i for i, s in enumerate(steps) if s[1].startswith('A')), -1)
    prefix = steps[:first_a + 1] if first_a >= 0 and steps[first_a][0] == steps[0][0] else []
    if steps and steps[0][1].startswith('C'):
        prefix = steps[:1]
    written += write(os.path.join(outdir, 'wire_%s_all' % base), [t for _, t in steps])
    cids = []
    for cid, _ in steps:
        if cid and cid not in cids:
            cids.append(cid)
    for i, cid in enumerate(cids):
        mine = [t for _, t in prefix] + [t for j, (c, t) in enumerate(steps) if c == cid and j >= len(prefix)]
        if len(cids) > 1:
            written += write(os.path.join(outdir, 'wire_%s_%02d' % (base, i)), mine)
    return written


if __name__ == '__main__':
    main()
