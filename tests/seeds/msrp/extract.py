#!/usr/bin/env python3
"""Extracts the MSRP frames of OMA seed 000 §8.3.7.2 into NN_name.msrp files.

usage: tests/seeds/msrp/extract.py SEED_000_TEXT   (see README.md for the fixes made)
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def frames(lines):
    """Yields the raw lines of each frame, from its start line (not the captions
    "MSRP ... as sent to ...") to its end-line."""
    cur = None
    for line in lines:
        if line.startswith('MSRP ') and ' as sent to ' not in line and cur is None:
            cur = [line]
        elif cur is not None:
            cur.append(line)
            if line.startswith('-------'):
                yield cur
                cur = None


def rebuild(raw):
    """Header lines without the blank lines between them, '<CRLF>' as the blank
    line, body lines without the doubled blank lines, the end-line without the
    stray space."""
    head, body, in_body = [], [], False
    for line in raw[:-1]:
        if line.strip() == '<CRLF>' or (head and head[-1].startswith('Content-Type') and not in_body):
            in_body = True
            if line.strip() in ('', '<CRLF>'):
                continue
        if in_body:
            if line.strip():
                body.append(line)
        elif line.strip():
            head.append(line)
    end = raw[-1].replace('------- ', '-------')
    return head, body, end


def main():
    text = open(sys.argv[1], encoding='utf-8').read().split('\n')
    start = next(i for i, l in enumerate(text) if l.startswith('8.3.7.2'))
    built = [rebuild(f) for f in frames(text[start:])]
    bodies = [b'\r\n'.join(l.encode() for l in body) for _, body, _ in built]
    total = sum(len(b) for b in bodies)
    sizes = iter([len(b) for b in bodies if b])
    names = ['01_send_chunk1', '02_response_200', '03_send_chunk2', '04_response_200', '05_report']
    at = 1
    for name, (head, body, end), data in zip(names, built, bodies):
        out = []
        for h in head:
            if h.startswith('Byte-Range:'):
                if body:
                    n = next(sizes)
                    h = 'Byte-Range: %d-%d/%d' % (at, at + n - 1, total)
                    at += n
                else:
                    h = 'Byte-Range: 1-%d/%d' % (total, total)
            out.append(h.encode())
        frame = b'\r\n'.join(out) + b'\r\n'
        if body:
            frame += b'\r\n' + data + b'\r\n'
        frame += end.encode() + b'\r\n'
        with open(os.path.join(HERE, name + '.msrp'), 'wb') as f:
            f.write(frame)
        print(name, len(data), head[-1] if head else '')


if __name__ == '__main__':
    main()
