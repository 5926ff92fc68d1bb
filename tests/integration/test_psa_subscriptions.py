"""The psa as notifier against raw-socket subscribers (RFC 6665 §4.2.2): a
subscription whose NOTIFY is answered 408 or 481, never answered (Timer F), or
cannot be delivered (the subscriber's port is closed) ends without a NOTIFY
terminated, and a push by NOTIFY to it afterwards fails with 481; a refusal
that concerns one NOTIFY (503 with Retry-After) keeps it. One identity holds at
most --max-subscriptions-per-identity subscriptions (403 past it), and the
table holds --max-subscriptions (503 with Retry-After past it)."""
import os, socket, sys, tempfile, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pushlib import Peer, Proc, check, free_port, request, run

port = free_port()
sock = os.path.join(tempfile.mkdtemp(prefix='sippush-psasub-'), 'psa.sock')
psa = Proc(['psa', '--listen', 'udp:127.0.0.1:%d' % port, '--control', 'unix:' + sock, '--identity',
            'sip:psa@127.0.0.1:%d' % port, '--max-subscriptions', '6', '--max-subscriptions-per-identity', '2'])
peers = []
EVENT = 'ua-profile;profile-type=oma-app;event-app-id="mms.ua"'


def subscribe(peer, user, call_id, contact_port=None):
    """A SUBSCRIBE from peer for user (its P-Asserted-Identity); the answer."""
    peer.send(request('SUBSCRIBE', 'sip:psa@127.0.0.1:%d' % port, peer.port, call_id,
                      from_='<sip:%s@127.0.0.1>;tag=%s' % (user, call_id.split('@')[0]),
                      extra='P-Asserted-Identity: <sip:%s@127.0.0.1>\r\nEvent: %s\r\nExpires: 600\r\n'
                            'Contact: <sip:%s@127.0.0.1:%d>\r\n' % (user, EVENT, user, contact_port or peer.port)),
              port)
    r, _ = peer.recv(lambda m: not m.is_request and m.get('Call-ID') == call_id)
    return r


def enrolment(peer, call_id):
    return peer.request(lambda m: m.method == 'NOTIFY' and m.get('Call-ID') == call_id)


def ended(user, secs=5):
    return psa.wait_event('subscription_ended', secs, lambda e: e['aor'] == 'sip:%s@127.0.0.1' % user)


def push_to(user):
    f = os.path.join(psa.tmp, 'p.txt')
    open(f, 'w').write('pushed')
    return run(['send', '--psa', 'unix:' + sock, '--to', 'sip:%s@127.0.0.1' % user, '--method', 'notify',
                '--app', 'mms.ua', '--type', 'text/plain', f])


def no_terminated(peer, call_id):
    n, _ = peer.request(lambda m: m.method == 'NOTIFY' and m.get('Call-ID') == call_id and
                        'terminated' in (m.get('Subscription-State') or ''), secs=1)
    return n is None


try:
    check(psa.wait_event('listening') is not None, 'psa listening')

    # a subscriber that never answers: Timer F runs while the rest goes on
    silent = Peer()
    peers.append(silent)
    check(subscribe(silent, 'sam', 'silent@x').status == 200, 'silent subscriber: 200')
    n, _ = enrolment(silent, 'silent@x')
    check(n is not None, 'silent subscriber: enrolment NOTIFY sent (and never answered)')
    silent_since = time.time()

    for status in (408, 481):
        user = 'u%d' % status
        p = Peer()
        peers.append(p)
        cid = 's%d@x' % status
        check(subscribe(p, user, cid).status == 200, '%s: subscribed' % user)
        n, naddr = enrolment(p, cid)
        p.reply(n, naddr, status, 'Request Timeout' if status == 408 else 'Call/Transaction Does Not Exist')
        e = ended(user)
        check(e is not None and e['reason'] == 'NOTIFY answered %d' % status,
              'NOTIFY answered %d: subscription_ended' % status)
        check(no_terminated(p, cid), 'NOTIFY answered %d: no NOTIFY terminated follows' % status)
        rc, res, _ = push_to(user)
        check(rc == 1 and res.get('event') == 'failed' and res.get('status') == 481 and res.get('retry') is False,
              'a push by NOTIFY to it afterwards: failed 481, no retry')

    # a push NOTIFY answered 481: the push fails with it, and the next finds nothing
    p = Peer()
    peers.append(p)
    check(subscribe(p, 'pia', 'pia@x').status == 200, 'pia: subscribed')
    n, naddr = enrolment(p, 'pia@x')
    p.reply(n, naddr, 200)
    check(psa.wait_event('subscribed', 5, lambda e: e['aor'] == 'sip:pia@127.0.0.1') is not None, 'pia: subscribed line')
    import threading
    box = {}
    t = threading.Thread(target=lambda: box.update(r=push_to('pia')))
    t.start()
    n, naddr = p.request(lambda m: m.method == 'NOTIFY' and m.body == 'pushed')
    check(n is not None, 'the push NOTIFY arrives')
    p.reply(n, naddr, 481, 'Call/Transaction Does Not Exist')
    t.join(30)
    rc, res, _ = box['r']
    check(rc == 1 and res.get('status') == 481, 'the push answered 481 fails with 481')
    check(ended('pia') is not None, 'and ends the subscription')
    rc, res, _ = push_to('pia')
    check(rc == 1 and res.get('status') == 481 and 'no subscription' in res.get('reason', ''),
          'the next push: no subscription')

    # 503 with Retry-After concerns that NOTIFY only
    p = Peer()
    peers.append(p)
    check(subscribe(p, 'ray', 'ray@x').status == 200, 'ray: subscribed')
    n, naddr = enrolment(p, 'ray@x')
    p.reply(n, naddr, 503, 'Service Unavailable', headers='Retry-After: 5\r\n')
    box = {}
    t = threading.Thread(target=lambda: box.update(r=push_to('ray')))
    t.start()
    n, naddr = p.request(lambda m: m.method == 'NOTIFY' and m.body == 'pushed')
    check(n is not None, '503 with Retry-After: the subscription stays, the next push goes in it')
    p.reply(n, naddr, 200)
    t.join(30)
    check(box['r'][0] == 0, 'and is delivered')

    # a subscriber whose port is closed: the transport fails
    gone = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    gone.bind(('127.0.0.1', 0))
    gone_port = gone.getsockname()[1]
    gone.close()
    p = Peer()
    peers.append(p)
    check(subscribe(p, 'gus', 'gus@x', contact_port=gone_port).status == 200, 'gus: subscribed, contact on a closed port')
    e = ended('gus', 10)
    check(e is not None and e['reason'] == 'NOTIFY transport error',
          'unreachable subscriber (ICMP port unreachable): subscription_ended')
    check(push_to('gus')[1].get('status') == 481, 'a push to it: 481')

    # the silent one: Timer F (64*T1 = 32 s) ends it
    e = ended('sam', max(1, 40 - (time.time() - silent_since)))
    check(e is not None and e['reason'] == 'NOTIFY timed out', 'never answered: subscription_ended at Timer F')
    check(push_to('sam')[1].get('status') == 481, 'a push to it: 481')

    # --- quotas: 2 per identity, 6 in all (ray holds one) ---------------------------------------
    q = Peer()
    peers.append(q)
    for k in range(2):
        r = subscribe(q, 'quinn', 'q%d@x' % k)
        check(r.status == 200, 'quinn subscription %d of 2: 200' % (k + 1))
        n, naddr = enrolment(q, 'q%d@x' % k)
        q.reply(n, naddr, 200)
    r = subscribe(q, 'quinn', 'q2@x')
    check(r.status == 403 and 'Identity' in r.start, 'quinn subscription 3: 403 (%s)' % r.start)
    for k, user in enumerate(('v1', 'v2', 'v3')):
        r = subscribe(q, user, 'v%d@x' % k)
        check(r.status == 200, '%s: 200 (%d of 6 in the table)' % (user, 4 + k))
        n, naddr = enrolment(q, 'v%d@x' % k)
        q.reply(n, naddr, 200)
    r = subscribe(q, 'w1', 'w1@x')
    check(r.status == 503 and r.get('Retry-After') == '60', 'the 7th: 503 with Retry-After')
finally:
    rc = psa.stop()
    for p in peers:
        p.close()
check(rc == 0, 'psa exits 0 on SIGTERM')
