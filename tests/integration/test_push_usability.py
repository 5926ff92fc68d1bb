"""What a new user meets first: send names --app when a push by INVITE or
REFER needs it; a file goes with the type its name says (an explicit --type
wins, an unknown extension stays application/octet-stream), seen on the wire
by a raw receiver; send --control is --psa; the psa refuses a SUBSCRIBE whose
Event names no event-app-id (a misspelt "appids=") with 400 and a reason
that says so, whole; a push that finds no subscription says so in a whole
sentence; the bounds of --linger, --refer-timeout and --trust at their edge."""
import os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pushlib import *


def needs_app():
    tmp = tempfile.mkdtemp(prefix='sippush-use-')
    f = os.path.join(tmp, 'note.txt')
    open(f, 'w').write('hello')
    for extra in (['--method', 'invite', f], ['--refer']):
        rc, res, err = run(['send', '--to', 'sip:bob@127.0.0.1:9'] + extra)
        check(rc == 2 and '--app' in err and not res, 'send %s without --app: usage error naming --app (%r)' % (
            extra[0], err.strip()))


def types_on_the_wire():
    ue = Peer()
    tmp = tempfile.mkdtemp(prefix='sippush-use-')
    cases = [('note.txt', [], 'text/plain'), ('page.HTML', [], 'text/html'), ('logo.png', [], 'image/png'),
             ('data.json', [], 'application/json'), ('blob.bin', [], 'application/octet-stream'),
             ('README', [], 'application/octet-stream'), ('note.txt', ['--type', 'text/x-mine'], 'text/x-mine'),
             ('-', ['--name', 'from-stdin.xml'], 'application/xml')]
    try:
        for name, extra, want in cases:
            path = os.path.join(tmp, name) if name != '-' else '-'
            if name != '-':
                open(path, 'w').write('content of ' + name)
            p = subprocess.Popen([EXE, 'send', '--to', 'sip:bob@127.0.0.1:%d' % ue.port] + extra + [path],
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            if name == '-':
                p.stdin.write(b'<x/>')
            p.stdin.close()
            m, addr = ue.request(lambda m: m.method == 'MESSAGE')
            check(m is not None, '%s %s: a MESSAGE' % (name, extra))
            ue.reply(m, addr, 200)
            p.wait(20)
            check(p.returncode == 0, '%s %s: delivered' % (name, extra))
            check(m.get('Content-Type') == want, '%s %s: Content-Type %s (%s)' % (name, extra, want, m.get('Content-Type')))
    finally:
        ue.close()


def psa_refusals():
    ue = Peer()
    port = free_port()
    sock = os.path.join(tempfile.mkdtemp(prefix='sippush-use-'), 'psa.sock')
    psa = Proc(['psa', '--listen', 'udp:127.0.0.1:%d' % port, '--control', 'unix:' + sock])
    try:
        check(psa.wait_event('listening') is not None, 'psa listening')
        for i, ev in enumerate(('ua-profile;profile-type=oma-app;appids="mms.ua"', 'ua-profile;profile-type=oma-app')):
            ue.send(request('SUBSCRIBE', 'sip:psa@127.0.0.1:%d' % port, ue.port, 'sub%d@x' % i,
                            from_='<sip:dave@127.0.0.1>;tag=d%d' % i,
                            extra='Contact: <sip:dave@127.0.0.1:%d>\r\nEvent: %s\r\nExpires: 600\r\n'
                                  'P-Asserted-Identity: <sip:dave@127.0.0.1>\r\n' % (ue.port, ev)), port)
            r, _ = ue.response('SUBSCRIBE')
            check(r is not None and r.start == 'SIP/2.0 400 Event Has No event-app-id',
                  'Event: %s refused 400 with the whole reason (%s)' % (ev, r and r.start))
        # the lines reach stdout at the end of the psa's loop iteration: wait for both
        rejected = lambda: [e for e in psa.events() if e.get('event') == 'rejected' and e.get('method') == 'SUBSCRIBE']
        end = time.time() + 5
        while len(rejected()) < 2 and time.time() < end:
            time.sleep(0.05)
        rej = rejected()
        check(len(rej) == 2 and all(e['reason'] == 'Event Has No event-app-id' for e in rej), 'psa prints both refusals (%s)' % psa.events())
        check(not any(e.get('event') == 'subscribed' for e in psa.events()), 'no subscription kept')
        # --control is --psa: the same socket, and the reason comes whole
        f = os.path.join(os.path.dirname(sock), 'n.txt')
        open(f, 'w').write('x')
        for opt in ('--control', '--psa'):
            rc, res, err = run(['send', opt, 'unix:' + sock, '--to', 'sip:dave@127.0.0.1', '--method', 'notify',
                                '--app', 'mms.ua', f])
            check(rc == 1 and res.get('status') == 481 and
                  res.get('reason') == 'no subscription of the recipient to carry the NOTIFY',
                  'send %s: the psa answers, the reason whole (%s)' % (opt, res))
    finally:
        psa.stop()
        ue.close()


def limits():
    """The new bounds at their edge: --linger and --refer-timeout up to 3600 s, 16 --trust
    addresses (localhost counts two); one more is a usage error."""
    def starts(args, what):
        port = free_port()
        p = Proc(['recv', '--listen', 'udp:127.0.0.1:%d' % port, '--out', 'none'] + args)
        try:
            check(p.wait_event('listening') is not None, what)
        finally:
            p.stop()

    def refused(args, what, word):
        rc, res, err = run(args)
        check(rc == 2 and word in err, '%s (%r)' % (what, err.strip().splitlines()[:1]))

    starts(['--count', '1', '--linger', '3600'], '--linger 3600 accepted')
    refused(['recv', '--count', '1', '--linger', '3601'], '--linger 3601 refused', 'usage')
    refused(['send', '--refer', '--to', 'sip:bob@127.0.0.1:9', '--app', 'x.ua', '--refer-timeout', '3601'],
            '--refer-timeout 3601 refused', 'usage')
    sixteen = []
    for i in range(14):
        sixteen += ['--trust', '10.0.0.%d' % (i + 1)]
    starts(sixteen + ['--trust', 'localhost'], '16 --trust addresses accepted (localhost is two)')
    refused(['recv'] + sixteen + ['--trust', 'localhost', '--trust', '[2001:db8::1]'], '17 --trust addresses refused',
            'more than 16')
    refused(['recv', '--trust', 'no-such-host.invalid'], '--trust naming nothing refused', 'does not resolve')


def main():
    limits()
    needs_app()
    types_on_the_wire()
    psa_refusals()
    return 0


if __name__ == '__main__':
    sys.exit(main())
