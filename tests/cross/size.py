#!/usr/bin/env python3
"""The Cortex-M4 budgets as one JSON line (make size).

usage: size.py LIBDIR PARSERS.map PAGEMODE.map RECEIVER.map IMAGE.log

*_text: bytes of code and read-only data the library (libsippush.a) brings
into each program linked with --gc-sections, from the link maps.
max_frame: the largest stack frame (-fstack-usage, LIBDIR/**/*.su) of a
library function linked into the receiver; max_path: the deepest sum of
frames along a call path of the receiver, from -fcallgraph-info (calls
through function pointers are not in that graph: a lower bound).
heap_peak: the most bytes the library held while receiving a 1 MiB
session-mode push into a sink (the "heap_peak N" line of the test image's
run, tests/cross/session.c); null when the run printed none.
Exits 1 when a figure is over its budget or missing.
"""
import glob
import json
import re
import sys

BUDGETS = {'receiver_text': 96000, 'pagemode_text': 40000, 'parsers_text': 20000,
           'max_frame': 2048, 'max_path': 8192, 'heap_peak': 96 * 1024}
SECTION = re.compile(r'^ (\.(?:text|rodata)[^\s]*)\s*(?:\n\s+)?0x[0-9a-f]+\s+0x([0-9a-f]+)\s+(\S+)', re.M)


def library_sections(map_path):
    """(section name, size) of the library's code and read-only data in the output."""
    text = open(map_path).read()
    text = text[text.find('Linker script and memory map'):]
    return [(m.group(1), int(m.group(2), 16)) for m in SECTION.finditer(text) if 'libsippush.a(' in m.group(3)]


def text_bytes(map_path):
    return sum(size for _, size in library_sections(map_path))


def read_frames(libdir):
    frames = {}
    for su in glob.glob(libdir + '/**/*.su', recursive=True):
        for line in open(su):
            parts = line.rstrip('\n').split('\t')
            if len(parts) >= 2:
                name = parts[0].rsplit(':', 1)[-1]
                frames[name] = max(frames.get(name, 0), int(parts[1]))
    return frames


def read_calls(libdir):
    calls = {}
    for ci in glob.glob(libdir + '/**/*.ci', recursive=True):
        for m in re.finditer(r'edge: \{ sourcename: "([^"]+)" targetname: "([^"]+)"', open(ci).read()):
            calls.setdefault(m.group(1), set()).add(m.group(2))
    return calls


def deepest(frames, calls, linked):
    memo, active = {}, set()

    def depth(f):
        if f in memo:
            return memo[f]
        if f in active:
            return 0  # recursion: the cycle counted once
        active.add(f)
        d = frames.get(f, 0) + max([depth(g) for g in calls.get(f, ()) if g in linked] or [0])
        active.discard(f)
        memo[f] = d
        return d

    return max([depth(f) for f in linked] or [0])


def main():
    libdir, parsers, pagemode, receiver, image_log = sys.argv[1:6]
    heap = re.search(r'heap_peak (\d+)', open(image_log, errors='replace').read())
    linked = {name.split('.', 2)[2] for name, _ in library_sections(receiver) if name.startswith('.text.')}
    frames = read_frames(libdir)
    figures = {
        'receiver_text': text_bytes(receiver),
        'pagemode_text': text_bytes(pagemode),
        'parsers_text': text_bytes(parsers),
        'max_frame': max([frames.get(f, 0) for f in linked] or [0]),
        'max_path': deepest(frames, read_calls(libdir), linked),
        'heap_peak': int(heap.group(1)) if heap else None,
    }
    print(json.dumps(figures))
    over = [k for k, v in figures.items() if v is None or v > BUDGETS[k]]
    if over:
        print('over budget or not measured: ' + ', '.join(over), file=sys.stderr)
        sys.exit(1)


main()
