#!/usr/bin/env python3
"""Runs the conformance sets through `sippush parse`.

usage: run.py SIPPUSH DIR

DIR/<kind>/valid/NAME.<kind>   must parse: exit 0, one JSON object on stdout.
DIR/<kind>/invalid/NAME.<kind> must be refused: exit 1, empty stdout, one
                               line 'error: OFFSET: REASON' on stderr.
NAME.stream.sip is parsed with --stream.
NAME.expect (beside the input, optional) is a JSON object of dotted paths
into the output and the values they must hold, e.g.
  {"method": "INVITE", "via.0.branch": "z9hG4bK1", "headers.2.0": "To"}
For an invalid input it may hold "offset" (exact) and "reason" (a substring).
"""
import json
import os
import subprocess
import sys

KINDS = ('sip', 'sdp', 'msrp', 'pap')


def lookup(obj, path):
    for part in path.split('.'):
        if isinstance(obj, list):
            obj = obj[int(part)]
        else:
            obj = obj[part]
    return obj


def check_one(exe, kind, path, valid):
    args = [exe, 'parse', kind]
    if path.endswith('.stream.sip'):
        args.append('--stream')
    args.append(path)
    r = subprocess.run(args, capture_output=True, timeout=30)
    expect_path = path[:path.rfind('.')] + '.expect'
    if path.endswith('.stream.sip'):
        expect_path = path[:-len('.stream.sip')] + '.expect'
    expect = json.load(open(expect_path)) if os.path.exists(expect_path) else {}
    err = r.stderr.decode(errors='replace')
    if valid:
        if r.returncode != 0:
            return 'exit %d: %s' % (r.returncode, err.strip()[:200])
        try:
            out = json.loads(r.stdout)
        except ValueError as e:
            return 'stdout is not JSON: %s' % e
        for key, want in expect.items():
            try:
                got = lookup(out, key)
            except (KeyError, IndexError, ValueError, TypeError):
                return '%s: missing' % key
            if got != want:
                return '%s: got %r, want %r' % (key, got, want)
        return None
    if r.returncode != 1:
        return 'exit %d (want 1), stdout %r' % (r.returncode, r.stdout[:100])
    if r.stdout:
        return 'stdout not empty'
    lines = err.strip().split('\n')
    if len(lines) != 1 or not lines[0].startswith('error: '):
        return 'stderr is not one "error: OFFSET: REASON" line: %r' % err[:200]
    head = lines[0][len('error: '):]
    off, _, reason = head.partition(': ')
    if not off.isdigit() or not reason:
        return 'stderr is not "error: OFFSET: REASON": %r' % lines[0]
    if 'offset' in expect and int(off) != expect['offset']:
        return 'offset %s, want %d (%s)' % (off, expect['offset'], reason)
    if 'reason' in expect and expect['reason'].lower() not in reason.lower():
        return 'reason %r does not mention %r' % (reason, expect['reason'])
    return None


def main():
    exe, top = sys.argv[1], sys.argv[2]
    passed = failed = 0
    for kind in KINDS:
        for verdict in ('valid', 'invalid'):
            folder = os.path.join(top, kind, verdict)
            if not os.path.isdir(folder):
                continue
            for name in sorted(os.listdir(folder)):
                if not name.endswith('.' + kind):
                    continue
                problem = check_one(exe, kind, os.path.join(folder, name), verdict == 'valid')
                if problem:
                    failed += 1
                    print('FAIL %s/%s/%s: %s' % (kind, verdict, name, problem))
                else:
                    passed += 1
    print('conformance: %d passed, %d failed' % (passed, failed))
    return 1 if failed or not passed else 0


if __name__ == '__main__':
    sys.exit(main())
