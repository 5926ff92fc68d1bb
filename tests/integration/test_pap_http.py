"""The psa's HTTP/1.1 listener (--pap) over real sockets, IPv4 and IPv6:
keep-alive reuse, pipelined requests answered in order, Expect:
100-continue, chunked bodies; and bad input: malformed (400 and close), a
head past its limit (431), a body past --max-request (413 at the head, the
limit itself taken), a request not whole within --http-timeout-ms (408 and
close), a peer that pipelines without reading (closed, the psa still
serving others), --http-max-conns and --http-max-in-flight at their
boundaries."""
import os, socket, sys, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pushlib import check
from paplib import Http, post, start_psa

procs = []


def get(path, host='127.0.0.1', close=False):
    return ('GET %s HTTP/1.1\r\nHost: %s\r\n%s\r\n' % (path, host, 'Connection: close\r\n' if close else '')).encode()


try:
    for host in ('127.0.0.1', '::1'):
        p, _, port = start_psa(procs, '--max-request', '1000', '--http-timeout-ms', '700', '--http-max-conns', '4', '--http-max-requests', '50',
                               host=host)
        fam = 'IPv6' if ':' in host else 'IPv4'
        # keep-alive: several requests on one connection
        c = Http(host, port)
        for i in range(3):
            c.send(get('/nothing-%d' % i))
            r = c.response()
            check(r is not None and r[0] == 404 and r[1].get('connection') != 'close',
                  '%s: request %d on one kept-alive connection: 404, kept open' % (fam, i + 1))
        c.send(get('/pap'))
        r = c.response()
        check(r is not None and r[0] == 405 and r[1].get('allow') == 'POST', '%s: GET /pap: 405 with Allow: POST' % fam)
        c.send(get('/x', close=True))
        r = c.response()
        check(r is not None and r[0] == 404 and r[1].get('connection') == 'close' and c.closed(),
              '%s: Connection: close is answered and honoured' % fam)
        # pipelined: 40 requests in one write, answered in order
        c = Http(host, port)
        c.send(b''.join(get('/pap') if i % 2 else get('/n') for i in range(40)))
        got = [c.response() for _ in range(40)]
        check(all(g is not None for g in got) and [g[0] for g in got] == [405 if i % 2 else 404 for i in range(40)],
              '%s: 40 pipelined requests answered in order' % fam)
        # Expect: 100-continue: the interim answer before the body is sent
        c.send(b'POST /pap HTTP/1.1\r\nHost: h\r\nContent-Type: application/xml\r\nContent-Length: 5\r\n'
               b'Expect: 100-continue\r\n\r\n')
        r = c.response()
        check(r is not None and r[0] == 100, '%s: Expect: 100-continue gets 100 Continue' % fam)
        c.send(b'<pap>')
        r = c.response()
        check(r is not None and r[0] in (200, 202, 400) and r[1].get('content-type') == 'application/xml', '%s: then the document is answered by the PAP layer' % fam)
        # chunked body
        c.send(b'POST /pap HTTP/1.1\r\nHost: h\r\nContent-Type: application/xml\r\nTransfer-Encoding: chunked\r\n\r\n'
               b'3\r\n<pa\r\n2\r\np>\r\n0\r\n\r\n')
        r = c.response()
        check(r is not None and r[0] in (200, 202, 400) and r[1].get('content-type') == 'application/xml', '%s: a chunked body reaches the PAP layer' % fam)
        c.close()
        # the body limit: 1000 taken, 1001 refused at the head
        c = Http(host, port)
        c.send(post('/pap', b'x' * 1000, 'application/xml'))
        r = c.response()
        check(r is not None and r[0] != 413, '%s: a body of --max-request bytes is read' % fam)
        c.send(('POST /pap HTTP/1.1\r\nHost: h\r\nContent-Type: application/xml\r\nContent-Length: 1001\r\n\r\n').encode())
        r = c.response()
        check(r is not None and r[0] == 413 and c.closed(), '%s: Content-Length one over: 413 and close, body unsent' % fam)
        c = Http(host, port)
        c.send(b'POST /pap HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3e8\r\n' + b'y' * 1000 +
               b'\r\n1\r\nz\r\n0\r\n\r\n')
        r = c.response()
        check(r is not None and r[0] == 413 and c.closed(), '%s: a chunked body growing one over: 413 and close' % fam)
        # malformed
        for bad, status, what in ((b'GET / HTTP/1.1\r\n\r\n', 400, 'no Host'),
                                  (b'BAD\x01 / HTTP/1.1\r\nHost: h\r\n\r\n', 400, 'a control byte in the method'),
                                  (b'GET / HTTP/3.0\r\nHost: h\r\n\r\n', 505, 'HTTP/3.0'),
                                  (b'POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n',
                                   400, 'Content-Length with Transfer-Encoding'),
                                  (b'GET / HTTP/1.1\r\nHost: h\r\nX: ' + b'v' * 9000 + b'\r\n\r\n', 431, 'a 9 KB head')):
            c = Http(host, port)
            c.send(bad)
            r = c.response()
            check(r is not None and r[0] == status and c.closed(), '%s: %s: %d and close' % (fam, what, status))
        # slow: part of a head, then nothing
        c = Http(host, port)
        c.send(b'POST /pap HTTP/1.1\r\nHost: h\r\nContent-Le')
        r = c.response(secs=10)
        check(r is not None and r[0] == 408 and c.closed(), '%s: a head not whole in --http-timeout-ms: 408 and close' % fam)
        c = Http(host, port)
        c.send(b'POST /pap HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nabc')
        r = c.response(secs=10)
        check(r is not None and r[0] == 408 and c.closed(), '%s: a body not whole in time: 408 and close' % fam)
        # a peer that pipelines without reading: answered up to --http-max-requests, then closed
        c = Http(host, port)
        c.s.settimeout(20)
        one = get('/nothing')
        sent = 0
        try:
            while sent < 20 * 1024 * 1024:
                c.s.sendall(one * 4096)
                sent += len(one) * 4096
        except (BrokenPipeError, ConnectionResetError, socket.timeout, OSError):
            pass
        n = 0
        while c.response(secs=5) is not None:
            n += 1
        check(n == 50, '%s: pipelining without end: %d answers (--http-max-requests 50), then closed' % (fam, n))
        c.close()
        d = Http(host, port)
        d.send(get('/y'))
        r = d.response()
        check(r is not None and r[0] == 404, '%s: the psa still serves another connection' % fam)
        d.close()
        # --http-max-conns 4: four held open, a fifth reset
        # (the connections closed above may still be lingering: await four free slots)
        end = time.time() + 15
        while True:
            held = []
            try:
                for _ in range(4):
                    held.append(Http(host, port))
                for h in held:
                    h.send(get('/a'))
                ok = all(h.response() is not None for h in held)
            except OSError:
                ok = False
            if ok or time.time() > end:
                break
            for h in held:
                h.close()
            time.sleep(0.2)
        check(ok, '%s: four connections served at once' % fam)
        fifth = None
        try:
            fifth = Http(host, port)
            fifth.send(get('/a'))
            r = fifth.response(secs=5)
        except OSError:
            r = None
        check(r is None, '%s: a fifth connection past --http-max-conns 4 is refused' % fam)
        for h in held + ([fifth] if fifth else []):
            h.close()
        rc = p.stop()
        # with no request limit to speak of, a peer that sends and never reads is closed once
        # the answers back up and its unread requests pass the read-ahead bound
        q, _, port2 = start_psa(procs, '--http-max-requests', '100000000', host=host)
        c = Http(host, port2)
        c.s.settimeout(30)
        sent, closed = 0, False
        try:
            while sent < 500 * 1024 * 1024:
                c.s.sendall(one * 4096)
                sent += len(one) * 4096
        except (BrokenPipeError, ConnectionResetError, socket.timeout, OSError):
            closed = True
        check(closed, '%s: a peer that never reads is closed (after %d MB)' % (fam, sent // (1024 * 1024)))
        c.close()
        # the default --max-request, 16 MiB: that size is taken (100 Continue), one more 413
        e = Http(host, port2)
        e.send(b'POST /pap HTTP/1.1\r\nHost: h\r\nContent-Length: 16777216\r\nExpect: 100-continue\r\n\r\n')
        r = e.response()
        check(r is not None and r[0] == 100, '%s: a 16 MiB body is taken by default (100 Continue)' % fam)
        e.close()
        e = Http(host, port2)
        e.send(b'POST /pap HTTP/1.1\r\nHost: h\r\nContent-Length: 16777217\r\nExpect: 100-continue\r\n\r\n')
        r = e.response()
        check(r is not None and r[0] == 413, '%s: one byte more: 413' % fam)
        e.close()
        d = Http(host, port2)
        d.send(get('/y'))
        r = d.response()
        check(r is not None and r[0] == 404, '%s: the psa still serves another connection' % fam)
        d.close()
        check(q.stop() == 0, '%s: that psa exits 0' % fam)
        # --http-max-in-flight: bodies held across connections (each sized by its Content-Length)
        for limit, second_ok in ((2000, True), (1999, False)):
            q, _, port3 = start_psa(procs, '--max-request', '1000', '--http-max-in-flight', str(limit), host=host)
            a, b = Http(host, port3), Http(host, port3)
            head1000 = b'POST /pap HTTP/1.1\r\nHost: h\r\nContent-Type: application/xml\r\nContent-Length: 1000\r\n\r\n'
            a.send(head1000 + b'x' * 10)
            time.sleep(0.2)  # a's body is held before b's head arrives
            b.send(head1000 + b'y' * 10)
            if second_ok:
                a.send(b'x' * 990)
                b.send(b'y' * 990)
                ra, rb = a.response(), b.response()
                check(ra is not None and rb is not None and ra[0] != 503 and rb[0] != 503,
                      '%s: --http-max-in-flight %d: two 1000-byte bodies at once are read' % (fam, limit))
            else:
                rb = b.response()
                check(rb is not None and rb[0] == 503 and b.closed(),
                      '%s: --http-max-in-flight %d: the second body is refused 503' % (fam, limit))
                a.send(b'x' * 990)
                ra = a.response()
                check(ra is not None and ra[0] != 503, '%s: the first is still read' % fam)
            a.close()
            b.close()
            check(q.stop() == 0, '%s: that psa exits 0' % fam)
        check(rc == 0, '%s: the psa exits 0 (no leak, no sanitizer report)' % fam)
        err = p.stderr()
        check('ERROR: AddressSanitizer' not in err and 'runtime error' not in err, '%s: no sanitizer report' % fam)
finally:
    for p in procs:
        p.stop()
