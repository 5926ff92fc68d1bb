#!/usr/bin/env python3
"""Writes the MSRP conformance set (exact CRLFs) into valid/ and invalid/.

usage: tests/conformance/msrp/gen.py     (rewrites every NAME.msrp and NAME.expect)

Each invalid case names where the error is: a marker substring whose first
occurrence (plus a delta) is the expected offset, and a word of the reason.
"""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
TO = b'msrp://192.0.2.4:20000/jshA7weztas;tcp'
FROM = b'msrp://198.51.100.7:7654/a3cd20b8ae7f;tcp'


def frame(tid, first, headers, body=None, flag=b'$', ctype=b'text/plain'):
    """A request (first = method) or response (first = b'200 OK') frame."""
    out = b'MSRP ' + tid + b' ' + first + b'\r\n'
    out += b'To-Path: ' + TO + b'\r\nFrom-Path: ' + FROM + b'\r\n'
    for h in headers:
        out += h + b'\r\n'
    if body is not None:
        out += b'Content-Type: ' + ctype + b'\r\n\r\n' + body + b'\r\n'
    return out + b'-------' + tid + flag + b'\r\n'


def send(tid, body=None, headers=(), flag=b'$', rng=None):
    hs = [b'Message-ID: m' + tid[:31]]
    if rng:
        hs.append(b'Byte-Range: ' + rng)
    elif body is not None:
        hs.append(b'Byte-Range: 1-%d/%d' % (len(body), len(body)))
    return frame(tid, b'SEND', hs + list(headers), body, flag)


VALID = [
    ('01_send_whole', send(b'a1b2c3d4', b'hello world', [b'Success-Report: yes']),
     {'frames.0.tid': 'a1b2c3d4', 'frames.0.method': 'SEND', 'frames.0.body_len': 11,
      'frames.0.success_report': 'yes', 'frames.0.failure_report': 'yes', 'frames.0.flag': '$',
      'frames.0.byte_range.end': 11, 'frames.0.content_type': 'text/plain'}),
    ('02_send_bodiless', send(b'keepAl1ve'),
     {'frames.0.body_len': 0, 'frames.0.content_type': None, 'frames.0.byte_range': None}),
    ('03_send_empty_body', send(b'empty000', b''),
     {'frames.0.body_len': 0, 'frames.0.content_type': 'text/plain', 'frames.0.byte_range.end': 0}),
    ('04_send_empty_body_no_crlf',
     b'MSRP e0crlf00 SEND\r\nTo-Path: ' + TO + b'\r\nFrom-Path: ' + FROM +
     b'\r\nMessage-ID: e0e0e0\r\nContent-Type: text/plain\r\n\r\n-------e0crlf00$\r\n',
     {'frames.0.body_len': 0, 'frames.0.message_id': 'e0e0e0'}),
    ('05_send_continued', send(b'cont0001', b'abcd', flag=b'+', rng=b'1-*/8'),
     {'frames.0.flag': '+', 'frames.0.byte_range.end': None, 'frames.0.byte_range.total': 8}),
    ('06_send_aborted', send(b'abrt0001', b'abcd', flag=b'#', rng=b'1-*/*'),
     {'frames.0.flag': '#', 'frames.0.byte_range.total': None}),
    ('07_response_no_comment', frame(b'resp0001', b'200', []),
     {'frames.0.kind': 'response', 'frames.0.status': 200, 'frames.0.comment': None,
      'frames.0.method': None, 'frames.0.success_report': None}),
    ('08_response_comment', frame(b'resp0002', b'481 Session does not exist', []),
     {'frames.0.status': 481, 'frames.0.comment': 'Session does not exist'}),
    ('09_report_success', frame(b'rprt0001', b'REPORT',
                                [b'Message-ID: 4564dpWd', b'Byte-Range: 1-8/8', b'Status: 000 200 OK']),
     {'frames.0.method': 'REPORT', 'frames.0.status_header': '000 200 OK'}),
    ('10_report_failure', frame(b'rprt0002', b'REPORT',
                                [b'Message-ID: 4564dpWd', b'Byte-Range: 1-4/8', b'Status: 000 415']),
     {'frames.0.status_header': '000 415'}),
    ('11_body_other_tid_endline', send(b'tidAAAA1', b'line\r\n-------tidBBBB1$\r\nmore'),
     {'frames.0.body_len': 28}),
    ('12_body_same_tid_no_flag', send(b'tidAAAA2', b'x\r\n-------tidAAAA2!\r\ny'),
     {'frames.0.body_len': 22}),
    ('13_body_endline_mid_line', send(b'tidAAAA3', b'x-------tidAAAA3$\r\ny'),
     {'frames.0.body_len': 20}),
    ('14_stream_send_200_report',
     send(b'strm0001', b'abcdEFGH', [b'Success-Report: yes']) +
     frame(b'strm0001', b'200 OK', []) +
     frame(b'strm0002', b'REPORT', [b'Message-ID: mstrm0001', b'Byte-Range: 1-8/8', b'Status: 000 200 OK']),
     {'frames.0.method': 'SEND', 'frames.1.status': 200, 'frames.2.method': 'REPORT', 'frames.2.tid': 'strm0002'}),
    ('15_chunked_two_sends',
     send(b'dkei38sd', b'abcd', flag=b'+', rng=b'1-*/8') + send(b'dkei38ia', b'EFGH', rng=b'5-8/8'),
     {'frames.1.byte_range.start': 5, 'frames.0.flag': '+', 'frames.1.flag': '$'}),
    ('16_extension_header', send(b'extn0001', b'x', [b'X-Custom: some value']),
     {'frames.0.body_len': 1}),
    ('17_use_path', send(b'usep0001', None, [b'Use-Path: msrps://relay.example.com:2855/x;tcp']),
     {'frames.0.tid': 'usep0001'}),
    ('18_two_uri_to_path',
     b'MSRP rela0001 SEND\r\nTo-Path: msrps://relay.example.com:2855/r1;tcp ' + TO +
     b'\r\nFrom-Path: ' + FROM + b'\r\nMessage-ID: m1234\r\n-------rela0001$\r\n',
     {'frames.0.to_path.0': 'msrps://relay.example.com:2855/r1;tcp', 'frames.0.to_path.1': TO.decode()}),
    ('19_ipv6_msrps',
     b'MSRP ipv60001 SEND\r\nTo-Path: msrps://[2001:db8::1]:2855/s1;tcp\r\nFrom-Path: '
     b'msrps://[::ffff:192.0.2.1]:2856/s2;tcp\r\nMessage-ID: m1234\r\n-------ipv60001$\r\n',
     {'frames.0.from_path.0': 'msrps://[::ffff:192.0.2.1]:2856/s2;tcp'}),
    ('20_hostname_no_port',
     b'MSRP host0001 SEND\r\nTo-Path: msrp://pc.example.com/9di4ea;tcp\r\nFrom-Path: '
     b'msrp://user@psa.example.com:7654;tcp\r\nMessage-ID: m1234\r\n-------host0001$\r\n',
     {'frames.0.to_path.0': 'msrp://pc.example.com/9di4ea;tcp'}),
    ('21_other_mime_headers',
     send(b'mime0001', b'<si/>', [b'Content-ID: <abc@example.com>', b'Content-Description: push',
                                  b'Content-Disposition: render']),
     {'frames.0.body_len': 5}),
    ('22_tid_4_chars', send(b'a2c4', b'x'), {'frames.0.tid': 'a2c4'}),
    ('23_tid_32_chars', send(b'A' * 32, b'x'), {'frames.0.tid': 'A' * 32}),
    ('24_tid_ident_chars', send(b'9.-+%=Zz', b'x'), {'frames.0.tid': '9.-+%=Zz'}),
    ('25_failure_report_partial', send(b'frpt0001', b'x', [b'Failure-Report: partial']),
     {'frames.0.failure_report': 'partial', 'frames.0.success_report': 'no'}),
    ('26_failure_report_no', send(b'frpt0002', b'x', [b'Failure-Report: no', b'Success-Report: no']),
     {'frames.0.failure_report': 'no'}),
    ('27_other_method', frame(b'othr0001', b'NICKNAME', [b'Use-Nickname: "Alice"']),
     {'frames.0.method': 'NICKNAME'}),
    ('28_loose_white_space', send(b'wspc0001', b'x', [b'Success-Report:yes  ', b'X-Empty:']),
     {'frames.0.success_report': 'yes'}),
    ('29_binary_body', send(b'binr0001', bytes(range(256)) + b'\r\n-------\x00\r\n'),
     {'frames.0.body_len': 268}),
    ('30_lower_case_names',
     b'MSRP case0001 SEND\r\nto-path: ' + TO + b'\r\nFROM-PATH: ' + FROM +
     b'\r\nmessage-id: mid00001\r\ncontent-type: text/plain\r\n\r\nab\r\n-------case0001$\r\n',
     {'frames.0.message_id': 'mid00001', 'frames.0.content_type': 'text/plain', 'frames.0.body_len': 2}),
    ('31_uri_parameters',
     b'MSRP parm0001 SEND\r\nTo-Path: msrp://192.0.2.4:20000/s;tcp;foo=bar;baz\r\nFrom-Path: ' + FROM +
     b'\r\n-------parm0001$\r\n',
     {'frames.0.to_path.0': 'msrp://192.0.2.4:20000/s;tcp;foo=bar;baz'}),
    ('32_body_ends_with_cr', send(b'crcr0001', b'abc\r'), {'frames.0.body_len': 4}),
]

LONG = b'X-Pad: ' + b'p' * 16400


def bad(name, data, reason, marker, delta=0):
    """marker None: the error is at the end of the input."""
    return (name, data, reason, len(data) if marker is None else data.index(marker) + delta)


INVALID = [
    bad('01_lower_case_msrp', b'msrp abcd1234 SEND\r\n', 'start line', b'msrp'),
    bad('02_tid_too_short', send(b'abc'), 'shorter', b'abc'),
    bad('03_tid_too_long', send(b'B' * 33), 'longer', b'B' * 33, 32),
    bad('04_tid_bad_first', send(b'.abcd'), 'start with', b'.abcd'),
    bad('05_no_to_path', b'MSRP notp0001 SEND\r\nFrom-Path: ' + FROM + b'\r\n-------notp0001$\r\n',
        'To-Path', b'-------'),
    bad('06_no_from_path', b'MSRP nofp0001 SEND\r\nTo-Path: ' + TO + b'\r\n-------nofp0001$\r\n',
        'From-Path', b'-------'),
    bad('07_duplicate_byte_range', send(b'dupl0001', b'x', [b'Byte-Range: 1-1/1']), 'duplicate',
        b'Byte-Range: 1-1/1\r\nContent'),
    bad('08_bare_lf', b'MSRP bare0001 SEND\r\nTo-Path: ' + TO + b'\n', 'CRLF', b'tcp\n', 3),
    bad('09_truncated', send(b'trnc0001', b'abcdef')[:-3], 'truncated', None),
    bad('10_endline_other_tid', b'MSRP wtid0001 SEND\r\nTo-Path: ' + TO + b'\r\nFrom-Path: ' + FROM +
        b'\r\n-------wtid0002$\r\n', 'end-line', b'-------'),
    bad('11_response_with_body', frame(b'rbdy0001', b'200 OK', [], b'oops'), 'response with a body',
        b'\r\n\r\n', 2),
    bad('12_body_without_content_type', b'MSRP noct0001 SEND\r\nTo-Path: ' + TO + b'\r\nFrom-Path: ' + FROM +
        b'\r\n\r\nbody\r\n-------noct0001$\r\n', 'Content-Type', b'\r\n\r\n', 2),
    bad('13_range_start_zero', send(b'rng00001', b'x', rng=b'0-1/1'), 'start', b'0-1/1'),
    bad('14_range_end_before_start', send(b'rng00002', b'x', rng=b'5-3/9'), 'before', b'5-3/9', 2),
    bad('15_range_overflow', send(b'rng00003', b'x', rng=b'1-18446744073709551616/*'), 'number',
        b'1-18446744073709551616', 21),
    bad('16_success_report_maybe', send(b'srpt0001', b'x', [b'Success-Report: maybe']), 'Success-Report',
        b'maybe'),
    bad('17_failure_report_bad', send(b'frpt0003', b'x', [b'Failure-Report: sometimes']), 'Failure-Report',
        b'sometimes'),
    bad('18_status_bad_namespace', frame(b'stat0001', b'REPORT', [b'Message-ID: mid00001', b'Status: 00 200']),
        'namespace', b'00 200'),
    bad('19_uri_bad_scheme', b'MSRP uri00001 SEND\r\nTo-Path: http://192.0.2.4:80/x;tcp\r\nFrom-Path: ' + FROM +
        b'\r\n-------uri00001$\r\n', 'scheme', b'http'),
    bad('20_uri_no_transport', b'MSRP uri00002 SEND\r\nTo-Path: msrp://192.0.2.4:80/x\r\nFrom-Path: ' + FROM +
        b'\r\n-------uri00002$\r\n', 'transport', b'/x\r\n', 2),
    bad('21_uri_ipv4_without_port', b'MSRP uri00003 SEND\r\nTo-Path: msrp://192.0.2.4/x;tcp\r\nFrom-Path: ' +
        FROM + b'\r\n-------uri00003$\r\n', 'port', b'/x;tcp'),
    bad('22_status_code_two_digits', b'MSRP code0001 20 OK\r\n', '3 digits', b' 20 OK', 3),
    bad('23_endline_flag_junk', send(b'flgj0001', b'ab\r\n-------flgj0001$X\r\n'), 'CRLF',
        b'$X', 1),
    bad('24_response_flag_plus', frame(b'rflg0001', b'200 OK', [], flag=b'+'), "'$'", b'+\r\n'),
    bad('25_control_char_in_value', send(b'ctrl0001', None, [b'X-Bad: a\x01b']), 'control', b'\x01'),
    bad('26_report_without_status', frame(b'rpns0001', b'REPORT', [b'Message-ID: mid00001']), 'Status',
        b'-------'),
    bad('27_junk_between_frames', send(b'junk0001', b'x') + b'\r\n' + send(b'junk0002', b'y'), 'start line',
        b'\r\nMSRP junk0002', 0),
    bad('28_nonsend_body_too_large', frame(b'big00001', b'REPORT', [b'Message-ID: mid00001', b'Status: 000 200'],
                                           b'z' * 10241), 'too large', b'z' * 10241, 10240),
    bad('29_head_too_long', send(b'long0001', b'x', [LONG]), 'too long', b'MSRP', 16384),
    bad('30_response_lower_method', frame(b'lowm0001', b'Send', []), 'upper-case', b'Send', 1),
]


def write(folder, name, data, expect):
    d = os.path.join(HERE, folder)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name + '.msrp'), 'wb') as f:
        f.write(data)
    with open(os.path.join(d, name + '.expect'), 'w') as f:
        json.dump(expect, f, indent=1, sort_keys=True)
        f.write('\n')


def main():
    for name, data, expect in VALID:
        write('valid', name, data, expect)
    for name, data, reason, offset in INVALID:
        write('invalid', name, data, {'offset': offset, 'reason': reason})


if __name__ == '__main__':
    main()
