"""The ccq-message answered from what the PSA keeps of a receiver's device
(seed 002 §6.1 (3)): the push application its REGISTER named, the dev-cap link a sippush recv names in its
ua-profile SUBSCRIBE (--dev-cap), and the vendor, model and version a raw
SIP peer names instead; a dev-cap of PUSH_PSA_DEV_CAP_MAX - 1 bytes kept,
one byte more not kept; the profile of an ended subscription no longer
given; over IPv4 and IPv6."""
import os, re, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pushlib import Peer, Proc, check, free_port, request
from paplib import Http, post, start_psa

DEV_CAP_MAX = 512
procs = []


def ccq(c, qid, uri):
    doc = ('<?xml version="1.0"?>\n<!DOCTYPE pap PUBLIC "-//WAPFORUM//DTD PAP 1.0//EN" '
           '"http://www.wapforum.org/DTD/pap_1.0.dtd">\n<pap><ccq-message query-id="%s">'
           '<address address-value="WAPPUSH=%s/TYPE=USER@ppg"/></ccq-message></pap>' % (qid, uri.replace('@', '%40')))
    c.send(post('/pap', doc, 'application/xml'))
    return c.response()


def code(r):
    m = re.search(rb'code="(\d+)"', r[2]) if r else None
    return int(m.group(1)) if m else None


def raw_subscribe(peer, sport, host, user, call_id, params, expires=600):
    h = '[%s]' % host if ':' in host else host
    peer.send(request('SUBSCRIBE', 'sip:psa@%s:%d' % (h, sport), peer.port, call_id,
                      from_='<sip:%s@%s>;tag=%s' % (user, h, call_id.split('@')[0]),
                      extra='P-Asserted-Identity: <sip:%s@%s>\r\nEvent: ua-profile;profile-type=oma-app;'
                            'event-app-id="wml.ua"%s\r\nExpires: %d\r\nContact: <sip:%s@%s:%d>\r\n'
                            % (user, h, params, expires, user, h, peer.port), host=host), sport)
    r, _ = peer.recv(lambda m: not m.is_request and m.get('Call-ID') == call_id)
    return r


def run(host):
    h = '[%s]' % host if ':' in host else host
    psa, sport, pport = start_psa(procs, host=host)
    c = Http(host, pport)
    # from our own receiver: recv --dev-cap in its SUBSCRIBE
    link = 'http://uaprof.example.com/dev/phone-1.xml'
    recv = Proc(['recv', '--listen', 'udp:%s:%d' % (h, free_port(host)), '--aor', 'sip:ann@%s' % h, '--registrar',
                 'sip:%s:%d' % (h, sport), '--subscribe', 'sip:psa@%s:%d' % (h, sport), '--app', 'wml.ua',
                 '--dev-cap', link])
    procs.append(recv)
    check(recv.wait_event('subscribed', 10) is not None, '%s: recv registered and subscribed with --dev-cap' % host)
    r = ccq(c, 'q-ann', 'sip:ann@%s' % h)
    check(r is not None and code(r) == 1000 and r[1].get('content-type', '').startswith('multipart/related') and
          ('Dev-Cap: %s\r\n' % link).encode() in r[2],
          '%s: the ccq-response names the dev-cap link of its SUBSCRIBE' % host)
    check(b'Applications: wml.ua\r\n' in r[2] and b'Methods: ' in r[2],
          '%s: and the push application and methods its REGISTER named' % host)

    # from a raw peer: vendor, model, version instead
    peer = Peer(host=host)
    ans = raw_subscribe(peer, sport, host, 'bea', 'sub-bea@x', ';vendor="Acme";model="P1";version="2.0"')
    check(ans is not None and ans.status == 200, '%s: a SUBSCRIBE naming vendor, model, version: 200' % host)
    r = ccq(c, 'q-bea', 'sip:bea@%s' % h)
    check(r is not None and code(r) == 1000 and b'Vendor: Acme\r\nModel: P1\r\nVersion: 2.0\r\n' in r[2]
          and b'Dev-Cap' not in r[2], '%s: the ccq-response names vendor, model and version' % host)

    # the dev-cap field's boundary: the longest kept, one more not kept (the subscription stands)
    base = 'http://u.example.com/'
    fits = base + 'a' * (DEV_CAP_MAX - 1 - len(base))
    ans = raw_subscribe(peer, sport, host, 'cid', 'sub-cid@x', ';dev-cap="%s"' % fits)
    r = ccq(c, 'q-cid', 'sip:cid@%s' % h)
    check(ans is not None and ans.status == 200 and ('Dev-Cap: %s\r\n' % fits).encode() in r[2],
          '%s: a dev-cap of %d bytes kept' % (host, len(fits)))
    over = fits + 'a'
    ans = raw_subscribe(peer, sport, host, 'dot', 'sub-dot@x', ';dev-cap="%s"' % over)
    r = ccq(c, 'q-dot', 'sip:dot@%s' % h)
    check(ans is not None and ans.status == 200 and code(r) == 3008,
          '%s: a dev-cap of %d bytes not kept: nothing known of dot, 3008' % (host, len(over)))

    # the subscription ended (Expires: 0 in its dialog is a refresh; a new fetch-only one says nothing)
    ans = raw_subscribe(peer, sport, host, 'eve', 'sub-eve@x', ';dev-cap="%s"' % link, expires=0)
    r = ccq(c, 'q-eve', 'sip:eve@%s' % h)
    check(ans is not None and ans.status == 200 and code(r) == 3008,
          '%s: a fetch (Expires: 0) keeps no profile: 3008' % host)
    c.close()
    recv.stop()
    check(psa.stop() == 0, '%s: psa exits 0' % host)


try:
    run('127.0.0.1')
    run('::1')
finally:
    for p in procs:
        p.stop()
