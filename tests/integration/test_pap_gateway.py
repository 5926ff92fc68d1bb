"""The PAP gateway's decisions, with a raw SIP peer as the core (--proxy)
so the wire can be seen: content sent by reference to a receiver that
registered without INVITE, served on --http at a URL of at least 96 random
bits until its expiration and 404 after (--pap-indirect-ttl-s);
deliver-after-timestamp holding a push (pending, then cancelled by
cancel-message, never sent); deliver-before-timestamp passed (expired, not
sent); several addresses each with its own outcome; progress-notes-requested
(a note per address and stage in the push-response); a PLMN address mapped
with --pap-domain; an address that cannot be read (2002); a body that is
not a PAP document (badmessage-response, 400); ccq-message answered from
the registration and the receiver's OPTIONS answer, and a push of a type
that answer did not list refused (2005) before anything is sent; --pap-path; and
--pap-max-pushes at its boundary (the next push 4001)."""
import os, re, sys, time, urllib.request, urllib.error
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pushlib import Peer, check, free_port, request
from paplib import Http, control_doc, post, push_message, start_psa

procs = []


def iso(t):
    return time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(t))


def code(r):
    m = re.search(rb'code="(\d+)"', r[2]) if r else None
    return int(m.group(1)) if m else None


try:
    core = Peer()
    hport = free_port()
    MAX = 12
    psa, sport, pport = start_psa(procs, '--proxy', 'sip:127.0.0.1:%d' % core.port, '--http', 'tcp:127.0.0.1:%d' % hport,
                                  '--pap-indirect-ttl-s', '2', '--pap-path', '/gw', '--pap-domain', 'push.test',
                                  '--pap-max-pushes', str(MAX))
    c = Http('127.0.0.1', pport)
    held = 0

    def push(pid, addrs, content=b'hello', ctype='text/plain', **kw):
        global held
        ct, body = push_message(pid, addrs, content, ctype, app='x-wap-application:wml.ua', **kw)
        c.send(post('/gw', body, ct))
        r = c.response()
        if code(r) == 1001:
            held += 1
        return r

    def answer_messages(status=200, n=1, secs=10):
        got = []
        for _ in range(n):
            m, addr = core.request(lambda m: m.method == 'MESSAGE', secs)
            if m is None:
                break
            core.reply(m, addr, status, 'OK' if status == 200 else 'Busy Here')
            got.append(m)
        return got

    # --pap-path
    ct, body = push_message('p0@x', ['WAPPUSH=sip:a%40push.test/TYPE=USER@ppg'], b'x', 'text/plain')
    c.send(post('/pap', body, ct))
    r = c.response()
    check(r is not None and r[0] == 404, '--pap-path /gw: /pap is 404')

    # indirection: dave registered with MESSAGE only
    ue = Peer()
    ue.send(request('REGISTER', 'sip:127.0.0.1:%d' % sport, ue.port, 'reg-dave@x', from_='<sip:dave@push.test>;tag=d1',
                    to='<sip:dave@push.test>',
                    extra='Contact: <sip:dave@127.0.0.1:%d>;+g.oma.pusheventapp="wml.ua";methods="MESSAGE"\r\n'
                          'Expires: 600\r\n' % ue.port), sport)
    r, _ = ue.response('REGISTER')
    check(r is not None and r.status == 200, 'dave registered with MESSAGE only')
    data = bytes(range(256)) * 12  # 3072 bytes: over the page-mode limit
    r = push('ind-1@x', ['WAPPUSH=sip:dave%40push.test/TYPE=USER@ppg'], data, 'application/vnd.wap.wbxml')
    check(code(r) == 1001 and r[0] == 202, 'a 3 KB push to dave: 1001 (HTTP 202)')
    m, addr = core.request(lambda m: m.method == 'MESSAGE', 10)
    check(m is not None and (m.get('Content-Type') or '').startswith('message/external-body'),
          'dave gets a MESSAGE with a message/external-body')
    core.reply(m, addr, 200)
    url = re.search(r'URL="([^"]+)"', m.get('Content-Type')).group(1)
    token = url.rsplit('/', 1)[1]
    check(url.startswith('http://127.0.0.1:%d/c/' % hport) and re.fullmatch(r'[A-Za-z0-9]{22,}', token) is not None,
          'the URL is on --http with a token of %d alphanumerics (>= 96 bits)' % len(token))
    check('application/vnd.wap.wbxml' in m.body and 'size=%d' % len(data) in m.get('Content-Type'),
          'the phantom body names the type, the parameters the size')
    got = urllib.request.urlopen(url, timeout=5).read()
    check(got == data, 'GET of the URL: the content, intact')
    exp = re.search(r'expiration="([^"]+)"', m.get('Content-Type')).group(1)
    left = time.mktime(time.strptime(exp, '%a, %d %b %Y %H:%M:%S GMT')) - time.mktime(time.gmtime())
    time.sleep(max(0, left) + 1.1)
    try:
        urllib.request.urlopen(url, timeout=5)
        status = 200
    except urllib.error.HTTPError as e:
        status = e.code
    check(status == 404, 'after its expiration (%s): 404' % exp)
    ev = psa.wait_event('pap_result', 5, lambda e: e['push_id'] == 'ind-1@x')
    check(ev is not None and ev['state'] == 'delivered' and ev['indirect'] == url, 'psa: delivered by reference')

    # ccq-message: answered from dave's registration; an address the psa does not know: 3008
    def ccq(qid, address):
        doc = ('<?xml version="1.0"?>\n<!DOCTYPE pap PUBLIC "-//WAPFORUM//DTD PAP 1.0//EN" '
               '"http://www.wapforum.org/DTD/pap_1.0.dtd">\n<pap><ccq-message query-id="%s">'
               '<address address-value="%s"/></ccq-message></pap>' % (qid, address))
        c.send(post('/gw', doc, 'application/xml'))
        return c.response()
    r = ccq('q1', 'WAPPUSH=sip:dave%40push.test/TYPE=USER@ppg')
    check(r is not None and r[0] == 200 and r[1].get('content-type', '').startswith('multipart/related') and
          b'ccq-response' in r[2] and b'Methods: MESSAGE' in r[2] and b'INVITE' not in r[2],
          'ccq-message: the capabilities dave registered (MESSAGE, no INVITE)')
    r = ccq('q2', 'WAPPUSH=sip:nobody%40push.test/TYPE=USER@ppg')
    check(r is not None and code(r) == 3008, 'ccq-message for an unknown receiver: 3008')
    # each ccq asks the receiver (OPTIONS); what dave answers is kept
    for _ in range(2):
        m, addr = core.request(lambda m: m.method == 'OPTIONS', 10)
        check(m is not None, 'the ccq sends an OPTIONS to the receiver')
        if 'dave' in m.start:
            core.reply(m, addr, 200, headers='Accept: text/plain, application/vnd.wap.sic;q=0.5, image/*\r\n'
                                              'Allow: MESSAGE, OPTIONS\r\n')
        else:
            core.reply(m, addr, 404, 'Not Found')
    check(psa.wait_event('receiver_caps', 5, lambda e: e['aor'] == 'sip:dave@push.test' and e['status'] == 200)
          is not None, 'psa: dave\'s OPTIONS answer kept')
    r = ccq('q3', 'WAPPUSH=sip:dave%40push.test/TYPE=USER@ppg')
    check(r is not None and b'Accept: text/plain, application/vnd.wap.sic;q=0.5, image/*' in r[2],
          'the next ccq names the types dave takes')
    m, addr = core.request(lambda m: m.method == 'OPTIONS', 10)
    core.reply(m, addr, 200, headers='Accept: text/plain, application/vnd.wap.sic;q=0.5, image/*\r\n')
    # seed 002 §7.1.2 step 3: a type dave does not take is refused before anything is sent
    r = push('mismatch-1@x', ['WAPPUSH=sip:dave%40push.test/TYPE=USER@ppg'], b'\x03\x01', 'application/vnd.wap.wbxml')
    check(code(r) == 2005, 'a push of a type dave does not take: 2005, nothing sent')
    r = push('match-1@x', ['WAPPUSH=sip:dave%40push.test/TYPE=USER@ppg'], b'<png>', 'image/png')
    check(code(r) == 1001, 'a type within his image/*: 1001')
    got = answer_messages(200, 1)
    check(len(got) == 1 and 'image/png' in (got[0].get('Content-Type') or ''), 'and that one is sent')

    # deliver-after: held, pending, cancelled, never sent
    r = push('hold-1@x', ['WAPPUSH=sip:eve%40push.test/TYPE=USER@ppg'],
             extra_attrs=' deliver-after-timestamp="%s"' % iso(time.time() + 60))
    check(code(r) == 1001, 'a push held to deliver-after-timestamp: 1001')
    c.send(post('/gw', control_doc('statusquery-message', 'hold-1@x'), 'application/xml'))
    r = c.response()
    check(r is not None and b'pending' in r[2], 'status query: pending')
    c.send(post('/gw', control_doc('cancel-message', 'hold-1@x'), 'application/xml'))
    r = c.response()
    check(r is not None and r[0] == 200, 'cancel-message answered')
    ev = psa.wait_event('pap_result', 5, lambda e: e['push_id'] == 'hold-1@x')
    check(ev is not None and ev['state'] == 'cancelled', 'the held push is cancelled')
    c.send(post('/gw', control_doc('statusquery-message', 'hold-1@x'), 'application/xml'))
    r = c.response()
    check(r is not None and b'cancelled' in r[2], 'status query: cancelled')

    # deliver-before passed: expired, not sent
    r = push('late-1@x', ['WAPPUSH=sip:eve%40push.test/TYPE=USER@ppg'],
             extra_attrs=' deliver-before-timestamp="%s"' % iso(time.time() - 60))
    ev = psa.wait_event('pap_result', 5, lambda e: e['push_id'] == 'late-1@x')
    check(code(r) == 1001 and ev is not None and ev['state'] == 'expired', 'deliver-before passed: expired')

    # two addresses, two outcomes; the PLMN one through --pap-domain
    r = push('two-1@x', ['WAPPUSH=sip:fred%40push.test/TYPE=USER@ppg', 'WAPPUSH=+447700900123/TYPE=PLMN@ppg'])
    check(code(r) == 1001, 'two addresses: 1001')
    seen = {}
    for _ in range(2):
        m, addr = core.request(lambda m: m.method == 'MESSAGE', 10)
        check(m is not None, 'a MESSAGE for each address')
        ruri = m.start.split(' ')[1]
        seen[ruri] = m
        core.reply(m, addr, 200 if 'fred' in ruri else 486, 'OK' if 'fred' in ruri else 'Busy Here')
    check('sip:+447700900123@push.test;user=phone' in seen, 'the PLMN address as sip:+N@DOMAIN;user=phone (%s)'
          % list(seen))
    check(not any('late-1' in m.raw or 'eve@' in m.start for m in seen.values()), 'the held and expired pushes were never sent')
    time.sleep(0.3)
    evs = [e for e in psa.events() if e.get('event') == 'pap_result' and e['push_id'] == 'two-1@x']
    states = sorted((e['address'], e['state']) for e in evs)
    check(len(evs) == 2 and dict(states).get('sip:fred@push.test') == 'delivered' and
          dict(states).get('sip:+447700900123@push.test;user=phone') == 'undeliverable',
          'each address its own outcome: %s' % states)

    # progress-notes-requested="true": per address "accepted", then the stage it is at; none when not asked
    def notes(r):
        return re.findall(rb'<progress-note stage="([^"]+)" note="([^"]+)"', r[2]) if r else []
    r = push('notes-1@x', ['WAPPUSH=sip:hal%40push.test/TYPE=USER@ppg', 'WAPPUSH=+447700900124/TYPE=PLMN@ppg'],
             extra_attrs=' progress-notes-requested="true"')
    n1 = notes(r)
    check(code(r) == 1001 and n1 == [(b'accepted', b'WAPPUSH=sip:hal%40push.test/TYPE=USER@ppg'),
                                     (b'sent', b'WAPPUSH=sip:hal%40push.test/TYPE=USER@ppg'),
                                     (b'accepted', b'WAPPUSH=+447700900124/TYPE=PLMN@ppg'),
                                     (b'sent', b'WAPPUSH=+447700900124/TYPE=PLMN@ppg')],
          'progress notes: each address accepted, then sent (%s)' % n1)
    check(r is not None and re.search(rb'<progress-note[^>]* time="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"', r[2])
          is not None and r[2].index(b'<progress-note') < r[2].index(b'<response-result'),
          'each note has its time, and the notes come before the response-result')
    got = answer_messages(200, 2)
    check(len(got) == 2, 'and both are sent')
    r = push('notes-2@x', ['WAPPUSH=sip:hal%40push.test/TYPE=USER@ppg'],
             extra_attrs=' progress-notes-requested="true" deliver-before-timestamp="%s"' % iso(time.time() - 60))
    check([st for st, _ in notes(r)] == [b'accepted', b'expired'], 'deliver-before passed: accepted, expired (%s)'
          % notes(r))
    r = push('notes-3@x', ['WAPPUSH=sip:hal%40push.test/TYPE=USER@ppg'],
             extra_attrs=' progress-notes-requested="true" deliver-after-timestamp="%s"' % iso(time.time() + 600))
    check([st for st, _ in notes(r)] == [b'accepted', b'held'], 'deliver-after ahead: accepted, held (%s)' % notes(r))
    r = push('notes-4@x', ['WAPPUSH=sip:hal%40push.test/TYPE=USER@ppg'], extra_attrs=' progress-notes-requested="false"')
    check(code(r) == 1001 and b'progress-note' not in r[2], 'progress-notes-requested="false": no progress-note')
    answer_messages(200, 1)
    r = push('notes-5@x', ['WAPPUSH=sip:hal%40push.test/TYPE=USER@ppg', 'WAPPUSH=nonsense/TYPE=USER@ppg'],
             extra_attrs=' progress-notes-requested="true"')
    check(code(r) == 2002 and b'progress-note' not in r[2], 'a push refused (2002): no progress-note, nothing accepted')

    # an address that cannot be read; a body that is not PAP
    r = push('bad-1@x', ['WAPPUSH=nonsense/TYPE=USER@ppg'])
    check(code(r) == 2002, 'an address that maps to no URI: 2002')
    c.send(post('/gw', b'this is not xml', 'application/xml'))
    r = c.response()
    check(r is not None and r[0] == 400 and b'badmessage-response' in r[2], 'not a PAP document: badmessage-response, 400')

    # --pap-max-pushes: pushes held or remembered; the one past it 4001
    n = 0
    while held < MAX and n < 50:
        n += 1
        r = push('fill-%d@x' % n, ['WAPPUSH=sip:gil%40push.test/TYPE=USER@ppg'],
                 extra_attrs=' deliver-after-timestamp="%s"' % iso(time.time() + 600))
        check(code(r) == 1001, 'push %d of %d held' % (held, MAX))
    r = push('fill-over@x', ['WAPPUSH=sip:gil%40push.test/TYPE=USER@ppg'])
    check(code(r) == 4001, '--pap-max-pushes %d: the next push 4001' % MAX)
    c.close()
    check(psa.stop() == 0, 'psa exits 0')
finally:
    for p in procs:
        p.stop()
