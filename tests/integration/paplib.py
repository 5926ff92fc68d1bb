"""Helpers of the PAP gateway tests: a raw HTTP/1.1 client that reads the
gateway's answers off the socket (status, headers, body by Content-Length),
PAP documents (a push-message as multipart/related, cancel, status query),
and a small HTTP server in a thread standing for the push initiator that
receives result notifications. Every wait is bounded."""
import os, re, select, socket, sys, threading, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pushlib import Proc, free_port

PAP10 = '<!DOCTYPE pap PUBLIC "-//WAPFORUM//DTD PAP 1.0//EN" "http://www.wapforum.org/DTD/pap_1.0.dtd">'
PAP20 = ('<!DOCTYPE pap PUBLIC "-//WAPFORUM//DTD PAP 2.0//EN" "http://www.wapforum.org/DTD/pap_2.0.dtd" '
         '[<?wap-pap-ver supported-versions="2.0,1.*"?>]>')


class Http:
    """One TCP connection to the gateway."""
    def __init__(self, host, port):
        fam = socket.AF_INET6 if ':' in host else socket.AF_INET
        self.s = socket.create_connection((host, port), timeout=10) if fam == socket.AF_INET else \
            socket.socket(fam, socket.SOCK_STREAM)
        if fam == socket.AF_INET6:
            self.s.settimeout(10)
            self.s.connect((host, port))
        self.buf = b''

    def send(self, data):
        self.s.sendall(data if isinstance(data, bytes) else data.encode())

    def _fill(self, secs):
        r, _, _ = select.select([self.s], [], [], secs)
        if not r:
            return False
        try:
            chunk = self.s.recv(65536)
        except (ConnectionResetError, OSError):
            chunk = b''
        if not chunk:
            raise EOFError
        self.buf += chunk
        return True

    def response(self, secs=10):
        """(status, {lower-name: value}, body), or None when the peer closed first."""
        end = time.time() + secs
        try:
            while b'\r\n\r\n' not in self.buf:
                if not self._fill(max(0, end - time.time())):
                    return None
            head, _, rest = self.buf.partition(b'\r\n\r\n')
            lines = head.decode('latin-1').split('\r\n')
            status = int(lines[0].split(' ')[1])
            hdrs = {}
            for l in lines[1:]:
                n, _, v = l.partition(':')
                hdrs[n.strip().lower()] = v.strip()
            n = int(hdrs.get('content-length', '0'))
            while len(rest) < n:
                self.buf = head + b'\r\n\r\n' + rest
                if not self._fill(max(0, end - time.time())):
                    return None
                head, _, rest = self.buf.partition(b'\r\n\r\n')
            self.buf = rest[n:]
            return status, hdrs, rest[:n]
        except EOFError:
            return None

    def closed(self, secs=10):
        """True once the gateway has closed (EOF or reset) within secs."""
        end = time.time() + secs
        while time.time() < end:
            try:
                if not self._fill(max(0, end - time.time())):
                    return False
            except EOFError:
                return True
        return False

    def close(self):
        self.s.close()


def post(path, body, ctype, host='127.0.0.1', extra=''):
    data = body if isinstance(body, bytes) else body.encode()
    return ('POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n%s\r\n'
            % (path, host, ctype, len(data), extra)).encode() + data


def push_message(push_id, addresses, content, ctype, app=None, notify_to=None, doctype=PAP10, extra_attrs='',
                 qos='', part_headers='', boundary='asdlfkjiurwghasf'):
    """(Content-Type, body) of a PAP push-message in multipart/related."""
    addr = ''.join('<address address-value="%s"/>' % a for a in addresses)
    nt = ' ppg-notify-requested-to="%s"' % notify_to if notify_to else ''
    ctl = ('<?xml version="1.0"?>\r\n%s\r\n<pap><push-message push-id="%s"%s%s>%s%s</push-message></pap>'
           % (doctype, push_id, nt, extra_attrs, addr, qos))
    data = content if isinstance(content, bytes) else content.encode()
    app_h = 'X-Wap-Application-Id: %s\r\n' % app if app else ''
    body = ('--%s\r\nContent-Type: application/xml\r\n\r\n%s\r\n--%s\r\nContent-Type: %s\r\n%s%s\r\n'
            % (boundary, ctl, boundary, ctype, app_h, part_headers)).encode() + data + \
        ('\r\n--%s--\r\n' % boundary).encode()
    return 'multipart/related; boundary=%s; type="application/xml"' % boundary, body


def control_doc(element, push_id, addresses=(), doctype=PAP10):
    addr = ''.join('<address address-value="%s"/>' % a for a in addresses)
    return '<?xml version="1.0"?>\n%s\n<pap><%s push-id="%s">%s</%s></pap>' % (doctype, element, push_id, addr,
                                                                              element)


class Initiator:
    """An HTTP server (a thread) taking POSTs: each is recorded and answered
    200 with a resultnotification-response naming code 1000."""
    def __init__(self, host='127.0.0.1', refuse_first=0):
        self.s = socket.socket(socket.AF_INET6 if ':' in host else socket.AF_INET, socket.SOCK_STREAM)
        self.s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.s.bind((host, 0))
        self.s.listen(16)
        self.port = self.s.getsockname()[1]
        self.url = 'http://%s:%d/notify' % ('[%s]' % host if ':' in host else host, self.port)
        self.posts = []
        self.refuse_first = refuse_first
        self.stop = False
        self.t = threading.Thread(target=self._run, daemon=True)
        self.t.start()

    def _run(self):
        while not self.stop:
            r, _, _ = select.select([self.s], [], [], 0.2)
            if not r:
                continue
            c, _ = self.s.accept()
            if self.refuse_first > 0:
                self.refuse_first -= 1
                c.close()  # down for this attempt
                continue
            c.settimeout(5)
            data = b''
            try:
                while b'\r\n\r\n' not in data:
                    data += c.recv(65536)
                head, _, body = data.partition(b'\r\n\r\n')
                n = 0
                for l in head.decode('latin-1').split('\r\n'):
                    if l.lower().startswith('content-length:'):
                        n = int(l.split(':')[1])
                while len(body) < n:
                    body += c.recv(65536)
                self.posts.append((head.decode('latin-1'), body.decode('utf-8', 'replace')))
                text = body.decode('utf-8', 'replace')
                m = re.search(r'push-id="([^"]*)"', text)
                a = re.search(r'address-value="([^"]*)"', text)
                # PAP 1.0 §9.8: code on the element, the address the notification named
                doc = ('<?xml version="1.0"?>\n' + PAP10 + '\n<pap><resultnotification-response push-id="%s" '
                       'code="1000" desc="OK"><address address-value="%s"/></resultnotification-response></pap>'
                       % (m.group(1) if m else 'x', a.group(1) if a else 'WAPPUSH=+1/TYPE=PLMN@x'))
                c.sendall(('HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Length: %d\r\n'
                           'Connection: close\r\n\r\n%s' % (len(doc), doc)).encode())
            except (OSError, ValueError):
                pass
            c.close()

    def wait(self, n=1, secs=15):
        end = time.time() + secs
        while time.time() < end and len(self.posts) < n:
            time.sleep(0.05)
        return len(self.posts) >= n

    def close(self):
        self.stop = True
        self.t.join(2)
        self.s.close()


def start_psa(procs, *extra, host='127.0.0.1'):
    """A psa with a PAP listener; returns (proc, sip port, pap port) once it listens."""
    sip = free_port(host)
    pap = free_port(host)
    h = '[%s]' % host if ':' in host else host
    p = Proc(['psa', '--listen', 'udp:%s:%d' % (h, sip), '--pap', 'tcp:%s:%d' % (h, pap)] + list(extra))
    procs.append(p)
    if not p.wait_event('http_listening', 15):
        raise SystemExit('FAIL: the psa did not listen: ' + p.stderr())
    return p, sip, pap
