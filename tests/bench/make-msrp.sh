#!/usr/bin/env bash
# Writes the MSRP bench corpora, deterministically:
#   tests/bench/msrp-64k/msrp/*.msrp  streams of SENDs with 64 KiB bodies
#   tests/bench/msrp-2k/msrp/*.msrp   one message in 2 KiB chunks ('+' flags, a final '$')
# Bodies are lines of 76 base64-like characters (CRLF-ended), so the end-line
# search meets a CR every 78 bytes, as in text payloads.
#   usage: tests/bench/make-msrp.sh [OUTDIR]   (default: tests/bench)
set -eu
out=${1:-$(dirname "$0")}
python3 - "$out" <<'PY'
import os, sys
out = sys.argv[1]
alphabet = b'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
state = 0x2545F4914F6CDD1D
def rand():
    global state
    state ^= (state << 13) & 0xFFFFFFFFFFFFFFFF
    state ^= state >> 7
    state ^= (state << 17) & 0xFFFFFFFFFFFFFFFF
    return state
def body(n):
    b = bytearray()
    while len(b) < n:
        if len(b) % 78 == 76:
            b += b'\r\n'
        else:
            b.append(alphabet[rand() % 64])
    return bytes(b[:n])
def tid(k):
    return b'bt%06dQ' % k
def send(t, mid, start, data, total, flag):
    end = start + len(data) - 1
    head = (b'MSRP ' + t + b' SEND\r\n'
            b'To-Path: msrp://192.0.2.4:20000/jshA7weztas;tcp\r\n'
            b'From-Path: msrp://198.51.100.7:7654/a3cd20b8ae7f;tcp\r\n'
            b'Message-ID: ' + mid + b'\r\n'
            b'Success-Report: yes\r\n'
            b'Byte-Range: %d-%d/%d\r\n' % (start, end, total) +
            b'Content-Type: application/octet-stream\r\n\r\n')
    return head + data + b'\r\n-------' + t + flag + b'\r\n'
def write(folder, name, data):
    d = os.path.join(out, folder, 'msrp')
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)
k = 0
for s in range(4):
    stream = b''
    for m in range(4):
        data = body(65536)
        k += 1
        stream += send(tid(k), b'm64k%04d' % k, 1, data, 65536, b'$')
    write('msrp-64k', '%02d_sends_64k.msrp' % s, stream)
total = 2048 * 256
data = body(total)
stream = b''
for c in range(256):
    k += 1
    flag = b'$' if c == 255 else b'+'
    stream += send(tid(k), b'm2kchunked', c * 2048 + 1, data[c * 2048:(c + 1) * 2048], total, flag)
write('msrp-2k', '01_chunks_2k.msrp', stream)
PY
