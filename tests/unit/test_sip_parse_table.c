/* test_sip_parse_table.c - every typed parser and the message splitter over
 * inputs that sit on the edges of their fast paths: host labels and their
 * dashes and dots, addresses against names, numbers at their limits,
 * escapes, quoted strings longer than one step of a span, the "sip:"
 * shortcut, Via parameters of the same length, header names known, nearly
 * known, compact and malformed, Request-URIs with bytes outside VCHAR,
 * names classified by their first word and length, line ends found in the
 * last partial block, quoted strings and parameters read inline,
 * addresses and Via parameters read in one pass, comma lists.
 *
 * Each row holds what the parser must find, or the exact error: offset,
 * status and reason. Inputs end at a guard page. */
#include <stdio.h>
#include <inttypes.h> /* after <stdio.h>, for newlib */
#include <string.h>

#include "sp_decimal.h"

#include "check_main.h"
#include "sip_hdr.h"
#include "sip_msg.h"
#include "sip_test_util.h"

/* Runs one typed parser over s and writes what it found (or its error) to out. */
static void summarize(const char *kind, sp_str s, char *out, size_t cap)
{
    sp_error e = {0};
    int rc = -99;
    char ok[400] = "";
#define SL(x) (int)(x).n, (x).p ? (x).p : ""
    if (!strcmp(kind, "via")) {
        sip_via v;
        if ((rc = (sip_via_parse)(s, &v, &e)) == 0)
            snprintf(ok, sizeof ok, "host=%.*s type=%d port=%d:%u branch=%.*s received=%.*s rport=%s%.*s ttl=%.*s maddr=%.*s",
                     SL(v.host), (int)v.host_type, v.has_port, v.port, SL(v.branch), SL(v.received), v.rport.p ? "+" : "-",
                     SL(v.rport), SL(v.ttl), SL(v.maddr));
    } else if (!strcmp(kind, "addr")) {
        sip_addr a;
        if ((rc = (sip_addr_parse)(s, &a, &e)) == 0)
            snprintf(ok, sizeof ok, "star=%d display=%.*s uri=%.*s scheme=%d user=%.*s host=%.*s type=%d port=%u params=%.*s tag=%.*s",
                     a.star, SL(a.display), SL(a.uri_str), (int)a.uri.scheme, SL(a.uri.user), SL(a.uri.host),
                     (int)a.uri.host_type, a.uri.port, SL(a.params), SL(a.tag));
    } else if (!strcmp(kind, "cseq")) {
        sip_cseq c;
        if ((rc = (sip_cseq_parse)(s, &c, &e)) == 0)
            snprintf(ok, sizeof ok, "seq=%" PRIu32 " method=%.*s", c.seq, SL(c.method));
    } else if (!strcmp(kind, "callid")) {
        sp_str id;
        if ((rc = (sip_callid_parse)(s, &id, &e)) == 0)
            snprintf(ok, sizeof ok, "id=%.*s", SL(id));
    } else if (!strcmp(kind, "media")) {
        sip_media_type m;
        if ((rc = (sip_media_type_parse)(s, &m, &e)) == 0)
            snprintf(ok, sizeof ok, "%.*s/%.*s params=%.*s", SL(m.type), SL(m.subtype), SL(m.params));
    } else if (!strcmp(kind, "uint64") || !strcmp(kind, "uint16")) {
        uint64_t v;
        char dec[SP_U64_DEC_SIZE];
        if ((rc = (sip_uint_parse)(s, kind[4] == '6' ? UINT64_MAX : 65535, &v, &e)) == 0 && sp_u64_dec(dec, v))
            snprintf(ok, sizeof ok, "value=%s", dec);
    } else if (!strcmp(kind, "uri")) {
        sip_uri u;
        if ((rc = (sip_uri_parse)(s, &u, &e)) == 0)
            snprintf(ok, sizeof ok, "scheme=%d %.*s user=%.*s host=%.*s params=%.*s opaque=%.*s", (int)u.scheme,
                     SL(u.scheme_str), SL(u.user), SL(u.host), SL(u.params), SL(u.opaque));
    } else if (!strcmp(kind, "list")) {
        sp_str rest = s, item;
        int k = 0;
        while (k >= 0 && (size_t)k < sizeof ok && sip_list_next(&rest, &item))
            k += snprintf(ok + k, sizeof ok - (size_t)k, "[%.*s]", SL(item));
        rc = 0;
    } else if (!strcmp(kind, "msg")) {
        sip_msg m;
        sip_header h[16];
        if ((rc = (sip_msg_parse)(s.p, s.n, &m, h, 16, NULL, SIP_FRAME_DATAGRAM, &e)) >= 0) {
            int k = snprintf(ok, sizeof ok, "len=%d uri=%.*s n=%lu", rc, SL(m.uri), (unsigned long)m.nheaders);
            for (size_t i = 0; i < m.nheaders && k > 0 && (size_t)k < sizeof ok; i++)
                k += snprintf(ok + k, sizeof ok - (size_t)k, " %u:%.*s", h[i].id, SL(h[i].name));
            rc = 0;
        }
    }
#undef SL
    if (rc == 0)
        snprintf(out, cap, "ok %s", ok);
    else
        snprintf(out, cap, "error %s at %lu (%d): %s", rc == SP_AGAIN ? "SP_AGAIN" : rc == SP_EINVAL ? "SP_EINVAL"
                 : rc == SP_ELIMIT ? "SP_ELIMIT" : "other", (unsigned long)e.offset, e.status, e.reason ? e.reason : "?");
}

typedef struct row {
    const char *kind, *in;
    size_t n;
    const char *want;
} row;

/* sizeof keeps embedded NULs in the input. */
#define ROW(kind, in, want) {kind, in, sizeof(in) - 1, want},

static const row rows[] = {
    ROW("via", "SIP/2.0/UDP a-b.example.com;branch=z9hG4bK1",
        "ok host=a-b.example.com type=1 port=0:0 branch=z9hG4bK1 received= rport=- ttl= maddr=")
    ROW("via", "SIP/2.0/UDP -a.example.com;branch=z9hG4bK1",
        "error SP_EINVAL at 12 (400): malformed host name")
    ROW("via", "SIP/2.0/UDP a-.example.com",
        "error SP_EINVAL at 12 (400): malformed host name")
    ROW("via", "SIP/2.0/UDP a.-b.com",
        "error SP_EINVAL at 12 (400): malformed host name")
    ROW("via", "SIP/2.0/UDP a.b-.com",
        "error SP_EINVAL at 12 (400): malformed host name")
    ROW("via", "SIP/2.0/UDP a..com",
        "error SP_EINVAL at 12 (400): malformed host name")
    ROW("via", "SIP/2.0/UDP example.com.",
        "ok host=example.com. type=1 port=0:0 branch= received= rport=- ttl= maddr=")
    ROW("via", "SIP/2.0/UDP example.com..",
        "error SP_EINVAL at 12 (400): malformed host name")
    ROW("via", "SIP/2.0/UDP .example.com",
        "error SP_EINVAL at 12 (400): malformed host name")
    ROW("via", "SIP/2.0/UDP 1example.com",
        "ok host=1example.com type=1 port=0:0 branch= received= rport=- ttl= maddr=")
    ROW("via", "SIP/2.0/UDP example.1com",
        "error SP_EINVAL at 12 (400): malformed host name")
    ROW("via", "SIP/2.0/UDP example.-com",
        "error SP_EINVAL at 12 (400): malformed host name")
    ROW("via", "SIP/2.0/UDP example.com-",
        "error SP_EINVAL at 12 (400): malformed host name")
    ROW("via", "SIP/2.0/UDP 255.255.255.255:65535",
        "ok host=255.255.255.255 type=2 port=1:65535 branch= received= rport=- ttl= maddr=")
    ROW("via", "SIP/2.0/UDP 256.1.1.1",
        "error SP_EINVAL at 12 (400): malformed IPv4 address")
    ROW("via", "SIP/2.0/UDP 1.2.3",
        "error SP_EINVAL at 12 (400): malformed IPv4 address")
    ROW("via", "SIP/2.0/UDP 1.2.3.4.",
        "error SP_EINVAL at 12 (400): malformed IPv4 address")
    ROW("via", "SIP/2.0/UDP 0255.1.1.1",
        "error SP_EINVAL at 12 (400): malformed IPv4 address")
    ROW("via", "SIP/2.0/UDP 1.2.3.4a",
        "error SP_EINVAL at 12 (400): malformed host name")
    ROW("via", "SIP/2.0/UDP 1.2.3.a",
        "ok host=1.2.3.a type=1 port=0:0 branch= received= rport=- ttl= maddr=")
    ROW("via", "SIP/2.0/UDP 1-2.3.4.5",
        "error SP_EINVAL at 12 (400): malformed host name")
    ROW("via", "SIP/2.0/UDP h:65536",
        "error SP_EINVAL at 14 (400): number out of range")
    ROW("via", "SIP/2.0/UDP h:0065535",
        "ok host=h type=1 port=1:65535 branch= received= rport=- ttl= maddr=")
    ROW("via", "SIP/2.0/UDP h;ttl=255;rport=65535",
        "ok host=h type=1 port=0:0 branch= received= rport=+65535 ttl=255 maddr=")
    ROW("via", "SIP/2.0/UDP h;ttl=256",
        "error SP_EINVAL at 14 (400): malformed Via parameter")
    ROW("via", "SIP/2.0/UDP h;ttl=0255",
        "error SP_EINVAL at 14 (400): malformed Via parameter")
    ROW("via", "SIP/2.0/UDP h;rport=65536",
        "error SP_EINVAL at 14 (400): malformed Via parameter")
    ROW("via", "SIP/2.0/UDP h;received=10.0.0.9;branch=z9hG4bKx",
        "ok host=h type=1 port=0:0 branch=z9hG4bKx received=10.0.0.9 rport=- ttl= maddr=")
    ROW("via", "SIP/2.0/UDP h;received=2001:db8::9",
        "ok host=h type=1 port=0:0 branch= received=2001:db8::9 rport=- ttl= maddr=")
    ROW("via", "SIP/2.0/UDP h;received=host.example.com",
        "error SP_EINVAL at 14 (400): malformed Via parameter")
    ROW("via", "SIP/2.0/UDP h;received=1.2.3.256",
        "error SP_EINVAL at 14 (400): malformed Via parameter")
    ROW("via", "SIP/2.0/UDP h;maddr=host.example.com;maddr=a",
        "error SP_EINVAL at 37 (400): duplicate Via parameter")
    ROW("via", "SIP/2.0/UDP h;branc=x;branchx=y;BRANCH=z",
        "ok host=h type=1 port=0:0 branch=z received= rport=- ttl= maddr=")
    ROW("via", "SIP/2.0/UDP h;branch=\"q\"",
        "error SP_EINVAL at 14 (400): malformed Via parameter")
    ROW("via", "SIP/2.0/UDP h;RPORT;Received=1.2.3.4;TTL=1;MADDR=1.2.3.4",
        "ok host=h type=1 port=0:0 branch= received=1.2.3.4 rport=+ ttl=1 maddr=1.2.3.4")
    ROW("addr", "\"Bob\" <sip:bob@example.com>;tag=456248",
        "ok star=0 display=\"Bob\" uri=sip:bob@example.com scheme=0 user=bob host=example.com type=1 port=0 params=tag=456248 tag=456248")
    ROW("addr", "\"a \\\" b\" <SIP:bob@example.com>;TAG=1",
        "ok star=0 display=\"a \\\" b\" uri=SIP:bob@example.com scheme=0 user=bob host=example.com type=1 port=0 params=TAG=1 tag=1")
    ROW("addr", "\"a\\\\",
        "error SP_EINVAL at 0 (400): unterminated quoted string")
    ROW("addr", "\"abc",
        "error SP_EINVAL at 0 (400): unterminated quoted string")
    ROW("addr", "\"abcdefgh\x01""\" <sip:a@b>",
        "error SP_EINVAL at 9 (400): control character in quoted string")
    ROW("addr", "\"abcdefgh\\\r\" <sip:a@b>",
        "error SP_EINVAL at 10 (400): CR or LF escaped in quoted string")
    ROW("addr", "<sips:bob@example.com>",
        "ok star=0 display= uri=sips:bob@example.com scheme=1 user=bob host=example.com type=1 port=0 params= tag=")
    ROW("addr", "<sipx:bob@example.com>",
        "ok star=0 display= uri=sipx:bob@example.com scheme=3 user= host= type=0 port=0 params= tag=")
    ROW("addr", "<sip:>",
        "error SP_EINVAL at 5 (400): expected host")
    ROW("addr", "<sip:a>",
        "ok star=0 display= uri=sip:a scheme=0 user= host=a type=1 port=0 params= tag=")
    ROW("addr", "<sip:%41lice@example.com;transport=tcp?subject=x>",
        "ok star=0 display= uri=sip:%41lice@example.com;transport=tcp?subject=x scheme=0 user=%41lice host=example.com type=1 port=0 params= tag=")
    ROW("addr", "<sip:%4lice@example.com>",
        "error SP_EINVAL at 5 (400): malformed %-escape")
    ROW("addr", "<sip:alice@example.com;p=%4>",
        "error SP_EINVAL at 25 (400): malformed %-escape")
    ROW("addr", "<sip:alice@example.com;p=%41%4>",
        "error SP_EINVAL at 28 (400): malformed %-escape")
    ROW("addr", "<sip:alice:pw%2@example.com>",
        "error SP_EINVAL at 13 (400): malformed %-escape")
    ROW("addr", "<tel:+1-555-123>;tag=a",
        "ok star=0 display= uri=tel:+1-555-123 scheme=2 user=+1-555-123 host= type=0 port=0 params=tag=a tag=a")
    ROW("addr", "<tel:1234;phone-context=example.com>",
        "ok star=0 display= uri=tel:1234;phone-context=example.com scheme=2 user=1234 host= type=0 port=0 params= tag=")
    ROW("addr", "<mailto:a@b>",
        "ok star=0 display= uri=mailto:a@b scheme=3 user= host= type=0 port=0 params= tag=")
    ROW("addr", "sip:bob@example.com;tag=1;tag=2",
        "error SP_EINVAL at 26 (400): duplicate tag")
    ROW("addr", "sip:bob@example.com;tag=\"x\"",
        "error SP_EINVAL at 20 (400): tag is not a token")
    ROW("addr", "Bob Smith <sip:bob@[2001:db8::1]:5060>",
        "ok star=0 display=Bob Smith uri=sip:bob@[2001:db8::1]:5060 scheme=0 user=bob host=[2001:db8::1] type=3 port=5060 params= tag=")
    ROW("addr", "<sip:bob@[2001:db8::1>",
        "error SP_EINVAL at 9 (400): malformed IPv6 reference")
    ROW("addr", "<sip:bob@exa_mple.com>",
        "error SP_EINVAL at 12 (400): unexpected character in URI")
    ROW("addr", "<sip:bob@example.com:65536>",
        "error SP_EINVAL at 21 (400): number out of range")
    ROW("addr", "*",
        "ok star=1 display= uri= scheme=0 user= host= type=0 port=0 params= tag=")
    ROW("addr", "<sip:bob@example.com>;+sip.instance=\"<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>\";expires=3600",
        "ok star=0 display= uri=sip:bob@example.com scheme=0 user=bob host=example.com type=1 port=0 params=+sip.instance=\"<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>\";expires=3600 tag=")
    ROW("addr", "<sip:bob@example.com>;p=\"abcdefghijklmnop\\\"qrs\"",
        "ok star=0 display= uri=sip:bob@example.com scheme=0 user=bob host=example.com type=1 port=0 params=p=\"abcdefghijklmnop\\\"qrs\" tag=")
    ROW("cseq", "2147483647 INVITE",
        "ok seq=2147483647 method=INVITE")
    ROW("cseq", "2147483648 INVITE",
        "error SP_EINVAL at 0 (400): number out of range")
    ROW("cseq", "00000000000000000001 ACK",
        "ok seq=1 method=ACK")
    ROW("callid", "843817637684230@998sdasdh09",
        "ok id=843817637684230@998sdasdh09")
    ROW("callid", "abc@@def",
        "error SP_EINVAL at 4 (400): expected word after '@' in Call-ID")
    ROW("media", "application/sdp;charset=\"utf-8\";x",
        "ok application/sdp params=charset=\"utf-8\";x")
    ROW("media", "text/plain ; charset = UTF-8",
        "ok text/plain params=charset = UTF-8")
    ROW("uint64", "18446744073709551615",
        "ok value=18446744073709551615")
    ROW("uint64", "18446744073709551616",
        "error SP_EINVAL at 0 (400): number out of range")
    ROW("uint16", "65535",
        "ok value=65535")
    ROW("uint16", "65536",
        "error SP_EINVAL at 0 (400): number out of range")
    ROW("uri", "sip:a@b",
        "ok scheme=0 sip user=a host=b params= opaque=")
    ROW("uri", "SIP:a@b",
        "ok scheme=0 SIP user=a host=b params= opaque=")
    ROW("uri", "sip:",
        "error SP_EINVAL at 4 (400): expected host")
    ROW("uri", "sip:a",
        "ok scheme=0 sip user= host=a params= opaque=")
    ROW("uri", "Sip:a@b.c;lr",
        "ok scheme=0 Sip user=a host=b.c params=lr opaque=")
    ROW("uri", "sips:a@b",
        "ok scheme=1 sips user=a host=b params= opaque=")
    ROW("uri", "sip+x:a",
        "ok scheme=3 sip+x user= host= params= opaque=a")
    ROW("uri", "s:",
        "error SP_EINVAL at 2 (400): empty URI after scheme")
    ROW("msg", "INVITE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nCALL-ID: x\r\ncontent-LENGTH : 0\r\n\r\n",
        "ok len=94 uri=sip:a@b n=3 47:Via 7:CALL-ID 11:content-LENGTH")
    ROW("msg", "OPTIONS sip:a@b SIP/2.0\r\nVi@a: x\r\n\r\n",
        "error SP_EINVAL at 27 (400): bad character in header name")
    ROW("msg", "OPTIONS sip:a@b SIP/2.0\r\nCall ID: x\r\n\r\n",
        "error SP_EINVAL at 30 (400): header name has no colon")
    ROW("msg", "OPTIONS sip:a@b SIP/2.0\r\nVia\xc3"": x\r\n\r\n",
        "error SP_EINVAL at 28 (400): bad character in header name")
    ROW("msg", "OPTIONS sip:a@b SIP/2.0\r\nContact",
        "error SP_AGAIN at 0 (0): ?")
    ROW("msg", "OPTIONS sip:a@b SIP/2.0\r\nContact-Me-Please-Now",
        "error SP_AGAIN at 0 (0): ?")
    ROW("msg", "OPTIONS sip:a@b SIP/2.0\r\nTo\t: <sip:a@b>\r\n\r\n",
        "ok len=43 uri=sip:a@b n=1 44:To")
    ROW("msg", "OPTIONS sip:a@b SIP/2.0\r\nX-Via: 1\r\nCseq2: 1\r\nContacts: x\r\nCall-IX: y\r\nP-Asserted-Identit: y\r\np-asserted-SERVICE: z\r\nProxy-Authenticate: Digest a=b\r\n\r\n",
        "ok len=150 uri=sip:a@b n=7 0:X-Via 0:Cseq2 0:Contacts 0:Call-IX 0:P-Asserted-Identit 24:p-asserted-SERVICE 27:Proxy-Authenticate")
    ROW("msg", "OPTIONS sip:a@b SIP/2.0\r\nv: SIP/2.0/UDP h\r\nI: x\r\nl: 0\r\nM: <sip:a@b>\r\nz: 1\r\n\r\n",
        "ok len=77 uri=sip:a@b n=5 47:v 7:I 11:l 8:M 0:z")
    ROW("msg", "OPTIONS sip:a@b SIP/2.0\r\n@: x\r\n\r\n",
        "error SP_EINVAL at 25 (400): bad character in header name")
    ROW("msg", "OPTIONS sip:a\x7f""@b SIP/2.0\r\n\r\n",
        "error SP_EINVAL at 13 (400): bad character in Request-URI")
    ROW("msg", "OPTIONS sip:\xc3""\xa9""@b SIP/2.0\r\n\r\n",
        "error SP_EINVAL at 12 (400): bad character in Request-URI")
    ROW("msg", "OPTIONS sip:alice@a-very-long-host.example.com;transport=tcp\tSIP/2.0\r\n\r\n",
        "error SP_EINVAL at 60 (400): bad character in Request-URI")
    ROW("msg", "OPTIONS sip:alice@a-very-long-host.example.com;transport=tcp SIP/2.0\r\nContent-Disposition: session\r\nwww-authenticate: Digest realm=x\r\nSUBSCRIPTION-STATE: active\r\nRequest-Disposition: proxy\r\n\r\n",
        "ok len=192 uri=sip:alice@a-very-long-host.example.com;transport=tcp n=4 9:Content-Disposition 48:www-authenticate 41:SUBSCRIPTION-STATE 34:Request-Disposition")
    ROW("msg", "OPTIONS sip:a@b SIP/2.0\r\n: x\r\n\r\n",
        "error SP_EINVAL at 25 (400): empty header name")
    ROW("msg", "OPTIONS sip:a@b SIP/2.0\r\nVia\r\n\r\n",
        "error SP_EINVAL at 28 (400): header name has no colon")
    ROW("msg", "OPTIONS sip:a@b SIP/2.0\r\nFrom\x00"": x\r\n\r\n",
        "error SP_EINVAL at 29 (400): NUL byte in header section")
    ROW("msg", "OPTIONS sip:a@b SIP/2.0\r\nFrom\x7f"": x\r\n\r\n",
        "error SP_EINVAL at 29 (400): bad character in header name")
    ROW("msg", "OPTIONS sip:a@b SIP/2.0\r\nContent-Lengthy: 1\r\nContent-Length\r\n : 0\r\n\r\n",
        "error SP_EINVAL at 59 (400): header name has no colon")
    /* the userinfo spanned straight to its '@', the search for it otherwise */
    ROW("uri", "sip:a:pw@h",
        "ok scheme=0 sip user=a host=h params= opaque=")
    ROW("uri", "sip:a:@h",
        "ok scheme=0 sip user=a host=h params= opaque=")
    ROW("uri", "sip::pw@h",
        "error SP_EINVAL at 4 (400): empty user in URI")
    ROW("uri", "sip:@h",
        "error SP_EINVAL at 4 (400): empty user in URI")
    ROW("uri", "sip:a%4",
        "error SP_EINVAL at 5 (400): unexpected character in URI")
    ROW("uri", "sip:a%4@h",
        "error SP_EINVAL at 5 (400): malformed %-escape")
    ROW("uri", "sip:a%41@h",
        "ok scheme=0 sip user=a%41 host=h params= opaque=")
    ROW("uri", "sip:a;b?c@h.example.com",
        "ok scheme=0 sip user=a;b?c host=h.example.com params= opaque=")
    ROW("uri", "sip:h?x=@",
        "error SP_EINVAL at 9 (400): expected host")
    ROW("uri", "sip:a@b@c",
        "error SP_EINVAL at 7 (400): unexpected character in URI")
    ROW("uri", "sip:a:b:c@h",
        "error SP_EINVAL at 7 (400): bad character in URI userinfo")
    ROW("uri", "sip:h.example.com:5060;lr",
        "ok scheme=0 sip user= host=h.example.com params=lr opaque=")
    ROW("addr", "<sip:a:pw@h>;tAg=1;taG=2",
        "error SP_EINVAL at 19 (400): duplicate tag")
    ROW("addr", "<sip:bob:%4@h>",
        "error SP_EINVAL at 9 (400): malformed %-escape")
    /* "SIP/2.0/" read at once, other spellings walked; IPv4 in one pass */
    ROW("via", "SIP/2.0/",
        "error SP_EINVAL at 8 (400): expected Via transport")
    ROW("via", "SIP/2.0/ UDP h",
        "ok host=h type=1 port=0:0 branch= received= rport=- ttl= maddr=")
    ROW("via", "SIP/2.0/\r\n TCP h;Branch=z9hG4bKx;TTL=1",
        "ok host=h type=1 port=0:0 branch=z9hG4bKx received= rport=- ttl=1 maddr=")
    ROW("via", "sip/2.0/UDP h",
        "ok host=h type=1 port=0:0 branch= received= rport=- ttl= maddr=")
    ROW("via", "  SIP/2.0/TCP h",
        "ok host=h type=1 port=0:0 branch= received= rport=- ttl= maddr=")
    ROW("via", "SIP/2.0 /UDP h",
        "ok host=h type=1 port=0:0 branch= received= rport=- ttl= maddr=")
    ROW("via", "SIP/2.0/UDP 01.002.3.4",
        "ok host=01.002.3.4 type=2 port=0:0 branch= received= rport=- ttl= maddr=")
    ROW("via", "SIP/2.0/UDP 1.2.3.4.5",
        "error SP_EINVAL at 12 (400): malformed IPv4 address")
    ROW("via", "SIP/2.0/UDP 1..2.3",
        "error SP_EINVAL at 12 (400): malformed IPv4 address")
    ROW("via", "SIP/2.0/UDP 1.2.3.0255",
        "error SP_EINVAL at 12 (400): malformed IPv4 address")
    ROW("via", "SIP/2.0/UDP 255.255.255.256",
        "error SP_EINVAL at 12 (400): malformed IPv4 address")
    ROW("via", "SIP/2.0/UDP h;received=::ffff:1.2.3.4",
        "ok host=h type=1 port=0:0 branch= received=::ffff:1.2.3.4 rport=- ttl= maddr=")
    ROW("via", "SIP/2.0/UDP h;received=::ffff:1.2.3.256",
        "error SP_EINVAL at 14 (400): malformed Via parameter")
    /* names classified from the load that found their end: 16 bytes and
     * more, nearly known, any case, compact at the end of the input; values
     * whose control characters sit in that load */
    ROW("msg", "OPTIONS sip:a@b SIP/2.0\r\nWWW-Authenticate: x\r\nContent-Encoding: y\r\nP-Called-Party-ID: <sip:a@b>\r\nContent-Length: 0\r\n\r\n",
        "ok len=118 uri=sip:a@b n=4 48:WWW-Authenticate 10:Content-Encoding 25:P-Called-Party-ID 11:Content-Length")
    ROW("msg", "OPTIONS sip:a@b SIP/2.0\r\nContent-Lengt: 0\r\nContent-Length: 0\r\nContent-Lengthx: 0\r\n\r\n",
        "ok len=84 uri=sip:a@b n=3 0:Content-Lengt 11:Content-Length 0:Content-Lengthx")
    ROW("msg", "OPTIONS sip:a@b SIP/2.0\r\nMax-Forwards:70\r\nTo:  <sip:a@b>\r\nCSeq:\t 1 OPTIONS\r\nl:0\r\n\r\n",
        "ok len=83 uri=sip:a@b n=4 20:Max-Forwards 44:To 13:CSeq 11:l")
    ROW("msg", "OPTIONS sip:a@b SIP/2.0\r\nTo: a\x01""b\r\n\r\n",
        "error SP_EINVAL at 30 (400): control character in header value")
    ROW("msg", "OPTIONS sip:a@b SIP/2.0\r\nTo:\tx\ty\r\nFrom: x\r\n\r\n",
        "ok len=45 uri=sip:a@b n=2 44:To 17:From")
    ROW("msg", "OPTIONS sip:a@b SIP/2.0\r\nSubject: a long value with a\ttab after sixteen bytes\r\n\r\n",
        "ok len=81 uri=sip:a@b n=1 40:Subject")
    ROW("msg", "OPTIONS sip:a@b SIP/2.0\r\nVIA: x\r\nfRoM: y\r\nCALL-id: z\r\n\r\n",
        "ok len=56 uri=sip:a@b n=3 47:VIA 17:fRoM 7:CALL-id")
    ROW("msg", "OPTIONS sip:a@b SIP/2.0\r\nTo: x\r\nl: 0\r\n\r\n",
        "ok len=40 uri=sip:a@b n=2 44:To 11:l")
    ROW("msg", "OPTIONS sip:a@b SIP/2.0\r\nCall-ID\x7f: x\r\n\r\n",
        "error SP_EINVAL at 32 (400): bad character in header name")
    ROW("msg", "OPTIONS sip:a@b SIP/2.0\r\nCall-ID : x\r\n  y\r\n\r\n",
        "ok len=45 uri=sip:a@b n=1 7:Call-ID")
    /* the usual header line read straight through, and the lines it leaves
     * to the general reading: a colon at the 16th byte and past it, empty
     * and padded values, bare LF, CR alone, DEL, the header limit */
    ROW("msg", "OPTIONS sip:a@b SIP/2.0\r\nAccept-Encoding:gzip\r\nAccept-Encodingx: y\r\nX-Fifteen-Bytes: z\r\n\r\n",
        "ok len=90 uri=sip:a@b n=3 3:Accept-Encoding 0:Accept-Encodingx 0:X-Fifteen-Bytes")
    ROW("msg", "OPTIONS sip:a@b SIP/2.0\r\nSubject:\r\nSubject: \r\nSubject: x \t\r\nSubject:  \t y\r\n\r\n",
        "ok len=77 uri=sip:a@b n=4 40:Subject 40:Subject 40:Subject 40:Subject")
    ROW("msg", "OPTIONS sip:a@b SIP/2.0\r\nSubject: bare line feed\nTo: <sip:a@b>\n\n",
        "ok len=64 uri=sip:a@b n=2 40:Subject 44:To")
    ROW("msg", "OPTIONS sip:a@b SIP/2.0\r\nSubject: a\rb and more text\r\n\r\n",
        "error SP_EINVAL at 35 (400): control character in header value")
    ROW("msg", "OPTIONS sip:a@b SIP/2.0\r\nSubject: abcdefghijklmnopqrstuvwxyz\x7f\r\n\r\n",
        "error SP_EINVAL at 60 (400): control character in header value")
    ROW("msg", "OPTIONS sip:a@b SIP/2.0\r\nSubject: abcdefghijklmnopqrstuvwxyz",
        "error SP_AGAIN at 0 (0): ?")
    ROW("msg", "OPTIONS sip:a@b SIP/2.0\r\nSubject: abcdefghijklmnopqrstuvwxyz\r",
        "error SP_AGAIN at 0 (0): ?")
    ROW("msg", "OPTIONS sip:a@b SIP/2.0\r\nSubject:abcdef\r\nX(y): z and a long value\r\nX-y : z and a long value\r\n\r\n",
        "error SP_EINVAL at 42 (400): bad character in header name")
    ROW("msg", "OPTIONS sip:a@b SIP/2.0\r\nSubject: a\r\n b folded onto a second line\r\nTo: <sip:a@b> and some\r\n\r\n",
        "ok len=93 uri=sip:a@b n=2 40:Subject 44:To")
    ROW("msg", "OPTIONS sip:a@b SIP/2.0\r\na: 1\r\nb: 2\r\nc: 3\r\nd: 4\r\ne: 5\r\nf: 6\r\ng: 7\r\nh: 8\r\ni: 9\r\nj: 10\r\nk: 11\r\nl: 0\r\nm: <sip:a@b>\r\nn: 14\r\no: 15\r\np: 16\r\nq: 17\r\n\r\n",
        "error SP_ELIMIT at 134 (513): too many header lines")
    ROW("msg", "OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h\r\nVia: SIP/2.0/UDP i\r\nv: SIP/2.0/UDP j\r\nCall-ID: 123456789@x\r\n\r\n",
        "ok len=107 uri=sip:a@b n=4 47:Via 47:Via 47:v 7:Call-ID")
    /* hosts judged from the masks of up to 32 bytes: the last 16 bytes of
     * the input shifted into place, 30, 31 and 33 characters, addresses part
     * by part */
    ROW("via", "SIP/2.0/UDP abcdefghij.example.com",
        "ok host=abcdefghij.example.com type=1 port=0:0 branch= received= rport=- ttl= maddr=")
    ROW("via", "SIP/2.0/UDP abcdefghijklmnopqr.example.com",
        "ok host=abcdefghijklmnopqr.example.com type=1 port=0:0 branch= received= rport=- ttl= maddr=")
    ROW("via", "SIP/2.0/UDP abcdefghijklmnopqrs.example.com;branch=z9hG4bKx",
        "ok host=abcdefghijklmnopqrs.example.com type=1 port=0:0 branch=z9hG4bKx received= rport=- ttl= maddr=")
    ROW("via", "SIP/2.0/UDP abcdefghijklmnopqrst.example.com-",
        "error SP_EINVAL at 12 (400): malformed host name")
    ROW("via", "SIP/2.0/UDP abcdefghijklmnopq.example.com-",
        "error SP_EINVAL at 12 (400): malformed host name")
    ROW("via", "SIP/2.0/UDP 249.1.1.1", "ok host=249.1.1.1 type=2 port=0:0 branch= received= rport=- ttl= maddr=")
    ROW("via", "SIP/2.0/UDP 1.260.1.1", "error SP_EINVAL at 12 (400): malformed IPv4 address")
    ROW("via", "SIP/2.0/UDP 1.1.199.1", "ok host=1.1.199.1 type=2 port=0:0 branch= received= rport=- ttl= maddr=")
    ROW("via", "SIP/2.0/UDP 1.1.1.300", "error SP_EINVAL at 12 (400): malformed IPv4 address")
    ROW("via", "SIP/2.0/UDP 1.1.1.256", "error SP_EINVAL at 12 (400): malformed IPv4 address")
    ROW("via", "SIP/2.0/UDP 1234.1.1.1", "error SP_EINVAL at 12 (400): malformed IPv4 address")
    ROW("via", "SIP/2.0/UDP .1.1.1", "error SP_EINVAL at 12 (400): malformed IPv4 address")
    ROW("via", "SIP/2.0/UDP 1.1.1.1.", "error SP_EINVAL at 12 (400): malformed IPv4 address")
    ROW("via", "SIP/2.0/UDP 1.1.1", "error SP_EINVAL at 12 (400): malformed IPv4 address")
    ROW("via", "SIP/2.0/UDP 1.1.1.", "error SP_EINVAL at 12 (400): malformed IPv4 address")
    ROW("via", "SIP/2.0/UDP 1.1.1.-", "error SP_EINVAL at 12 (400): malformed host name")
    ROW("via", "SIP/2.0/UDP 1.1.1.a", "ok host=1.1.1.a type=1 port=0:0 branch= received= rport=- ttl= maddr=")
    ROW("via", "SIP/2.0/UDP 1.1.1.1a", "error SP_EINVAL at 12 (400): malformed host name")
    ROW("via", "SIP/2.0/UDP 1.1.1.1-", "error SP_EINVAL at 12 (400): malformed host name")
    ROW("via", "SIP/2.0/UDP 1.2.3.4:5060;received=1.2.3.4", "ok host=1.2.3.4 type=2 port=1:5060 branch= received=1.2.3.4 rport=- ttl= maddr=")
    ROW("via", "SIP/2.0/UDP a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p", "ok host=a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p type=1 port=0:0 branch= received= rport=- ttl= maddr=")
    ROW("via", "SIP/2.0/UDP a-.b", "error SP_EINVAL at 12 (400): malformed host name")
    ROW("via", "SIP/2.0/UDP a.-b", "error SP_EINVAL at 12 (400): malformed host name")
    ROW("via", "SIP/2.0/UDP -a.b", "error SP_EINVAL at 12 (400): malformed host name")
    ROW("via", "SIP/2.0/UDP a..b", "error SP_EINVAL at 12 (400): malformed host name")
    ROW("via", "SIP/2.0/UDP example.com.", "ok host=example.com. type=1 port=0:0 branch= received= rport=- ttl= maddr=")
    ROW("via", "SIP/2.0/UDP example.com..", "error SP_EINVAL at 12 (400): malformed host name")
    ROW("via", "SIP/2.0/UDP example.4com.", "error SP_EINVAL at 12 (400): malformed host name")
    ROW("via", "SIP/2.0/UDP example.com_", "error SP_EINVAL at 23 (400): unexpected character after Via sent-by")
    ROW("via", "SIP/2.0/UDP 9", "error SP_EINVAL at 12 (400): malformed IPv4 address")
    ROW("via", "SIP/2.0/UDP ;branch=x", "error SP_EINVAL at 12 (400): expected host")
    ROW("addr", "<sip:user@abcdefghijk.example.com>", "ok star=0 display= uri=sip:user@abcdefghijk.example.com scheme=0 user=user host=abcdefghijk.example.com type=1 port=0 params= tag=")
    ROW("addr", "<sip:user@1.2.3.4:5060;transport=tcp>", "ok star=0 display= uri=sip:user@1.2.3.4:5060;transport=tcp scheme=0 user=user host=1.2.3.4 type=2 port=5060 params= tag=")
    ROW("addr", "<sip:user@256.2.3.4;lr>", "error SP_EINVAL at 10 (400): malformed IPv4 address")
    ROW("uri", "sip:h.example.com", "ok scheme=0 sip user= host=h.example.com params= opaque=")
    ROW("uri", "sip:1.2.3.4", "ok scheme=0 sip user= host=1.2.3.4 params= opaque=")
    /* names ending in the second 16 bytes of their line, known, nearly
     * known and unknown, and a colon at the 33rd byte left to the general
     * reading */
    ROW("msg", "OPTIONS sip:a@b SIP/2.0\r\nWWW-Authenticate: x\r\nP-Called-Party-ID: <sip:a@b>\r\nSubscription-State: active\r\nP-ASSERTED-IDENTITY: <sip:a@b>\r\n\r\n",
        "ok len=138 uri=sip:a@b n=4 48:WWW-Authenticate 25:P-Called-Party-ID 41:Subscription-State 23:P-ASSERTED-IDENTITY")
    ROW("msg", "OPTIONS sip:a@b SIP/2.0\r\nP-Asserted-Identitx: y\r\nContent-Dispositions: y\r\nP-Asserted-Identity-: y\r\nX-A-Header-Name-Of-31-Bytes-AB: z\r\n\r\n",
        "ok len=136 uri=sip:a@b n=4 0:P-Asserted-Identitx 0:Content-Dispositions 0:P-Asserted-Identity- 0:X-A-Header-Name-Of-31-Bytes-AB")
    ROW("msg", "OPTIONS sip:a@b SIP/2.0\r\nX-A-Header-Name-Of-32-Bytes-ABC: z\r\nX-A-Header-Name-Of-33-Bytes-ABCD: z\r\n\r\n",
        "ok len=100 uri=sip:a@b n=2 0:X-A-Header-Name-Of-32-Bytes-ABC 0:X-A-Header-Name-Of-33-Bytes-ABCD")
    ROW("msg", "OPTIONS sip:a@b SIP/2.0\r\nX-Long-Header-Name(x): y and more\r\n\r\n",
        "error SP_EINVAL at 43 (400): bad character in header name")
    ROW("msg", "OPTIONS sip:a@b SIP/2.0\r\nX-Long-Header-Name : y and more\r\n\r\n",
        "ok len=60 uri=sip:a@b n=1 0:X-Long-Header-Name")
    ROW("msg", "OPTIONS sip:a@b SIP/2.0\r\nSubscription-State",
        "error SP_AGAIN at 0 (0): ?")
    ROW("msg", "OPTIONS sip:a@b SIP/2.0\r\nSubscription-State: active;expires=60",
        "error SP_AGAIN at 0 (0): ?")
    /* names of eight and nine bytes (one word and a bit of the next) */
    ROW("msg", "OPTIONS sip:a@b SIP/2.0\r\nIdentity: x\r\nIDENTITZ: x\r\nSupported: y\r\nSupporteb: y\r\nREFER-TO: <sip:a@b>\r\nTimestamP: 1\r\n\r\n",
        "ok len=116 uri=sip:a@b n=6 18:Identity 0:IDENTITZ 42:Supported 0:Supporteb 31:REFER-TO 43:TimestamP")
    ROW("msg", "OPTIONS sip:a@b SIP/2.0\r\nAccept: */*\r\nAccepT-Contact: *\r\nmin-se: 90\r\nMin-Expires: 60\r\nRetry-After: 5\r\nUser-Agent: u\r\n\r\n",
        "ok len=119 uri=sip:a@b n=6 1:Accept 2:AccepT-Contact 22:min-se 21:Min-Expires 36:Retry-After 46:User-Agent")
    /* the one SP after the colon: names of 12 to 14 bytes, values starting
     * with a stop, padded values */
    ROW("msg", "OPTIONS sip:a@b SIP/2.0\r\nContent-Type: x\r\nAuthorization: y\r\nContent-Length: 0\r\nAccept-Contact: *\r\n\r\n",
        "ok len=100 uri=sip:a@b n=4 12:Content-Type 6:Authorization 11:Content-Length 2:Accept-Contact")
    ROW("msg", "OPTIONS sip:a@b SIP/2.0\r\nTo: :x and a long value\r\nFrom: \x80""x and a long value\r\nCall-ID: \t x and more\r\nCSeq:  1 OPTIONS\r\n\r\n",
        "ok len=120 uri=sip:a@b n=4 44:To 17:From 7:Call-ID 13:CSeq")
    ROW("msg", "OPTIONS sip:a@b SIP/2.0\r\nTo: \r\nFrom:  \r\nSubject: x   \r\n\r\n",
        "ok len=57 uri=sip:a@b n=3 44:To 17:From 40:Subject")
    /* a value's end in the last, partial block, re-read from the input's
     * end; control characters there */
    ROW("msg", "OPTIONS sip:a@b SIP/2.0\r\nSubject: abcdefghijklmnopqrstuvwxyz0123\r\n\r\n",
        "ok len=68 uri=sip:a@b n=1 40:Subject")
    ROW("msg", "OPTIONS sip:a@b SIP/2.0\r\nSubject: abcdefghijklmnopqrstuvwxyz0123\r\n",
        "error SP_AGAIN at 0 (0): ?")
    ROW("msg", "OPTIONS sip:a@b SIP/2.0\r\nSubject: abcdefghijklmnopqrstuvwxyz01\x01""3\r\n\r\n",
        "error SP_EINVAL at 62 (400): control character in header value")
    ROW("msg", "OPTIONS sip:a@b SIP/2.0\r\nSubject: abcdefghijklmnopqrstuvwxyz01\x7f""3\r\n\r\n",
        "error SP_EINVAL at 62 (400): control character in header value")
    ROW("msg", "OPTIONS sip:a@b SIP/2.0\r\nSubject: abcdefghijklmnopqrstuvwxyz0123\n\n",
        "ok len=66 uri=sip:a@b n=1 40:Subject")
    ROW("msg", "OPTIONS sip:a@b SIP/2.0\r\nSubject: abcdefghijklmnopqrstuvwxyz0123\r\r\n\r\n",
        "error SP_EINVAL at 64 (400): control character in header value")
    ROW("msg", "OPTIONS sip:a@b SIP/2.0\r\nSubject: abcdefghijklmnopqrstuvwxyz0123\r\n folded\r\n\r\n",
        "ok len=77 uri=sip:a@b n=1 40:Subject")
    ROW("msg", "OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 18446744073709551615\r\n\r\n",
        "error SP_EINVAL at 41 (400): Content-Length larger than the message")
    ROW("msg", "OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 18446744073709551616\r\n\r\n",
        "error SP_EINVAL at 41 (400): Content-Length overflows")
    ROW("msg", "OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 1844674407370955162\r\n\r\n",
        "error SP_EINVAL at 41 (400): Content-Length larger than the message")
    /* quoted strings spanned sixteen bytes a step: escapes, LWS, control
     * characters and the closing quote past the first step and in the tail */
    ROW("addr", "\"Alice Wonderland Smith\" <sip:a@b>",
        "ok star=0 display=\"Alice Wonderland Smith\" uri=sip:a@b scheme=0 user=a host=b type=1 port=0 params= tag=")
    ROW("addr", "\"Alice \\\"the\\\" Wonderland\" <sip:a@b>;tag=1",
        "ok star=0 display=\"Alice \\\"the\\\" Wonderland\" uri=sip:a@b scheme=0 user=a host=b type=1 port=0 params=tag=1 tag=1")
    ROW("addr", "\"Alice\tWonderland\r\n Smith\" <sip:a@b>",
        "ok star=0 display=\"Alice\tWonderland\r\n Smith\" uri=sip:a@b scheme=0 user=a host=b type=1 port=0 params= tag=")
    ROW("addr", "\"Alice Wonderland Smit\x01""h\" <sip:a@b>",
        "error SP_EINVAL at 22 (400): control character in quoted string")
    ROW("addr", "\"Alice Wonderland Smith\x7f""\" <sip:a@b>",
        "error SP_EINVAL at 23 (400): control character in quoted string")
    ROW("addr", "\"Alice Wonderland Smith <sip:a@b>",
        "error SP_EINVAL at 0 (400): unterminated quoted string")
    ROW("addr", "\"Alice Wonderland Smith \\",
        "error SP_EINVAL at 0 (400): unterminated quoted string")
    ROW("addr", "<sip:a@b>;p=\"0123456789abcdef\"",
        "ok star=0 display= uri=sip:a@b scheme=0 user=a host=b type=1 port=0 params=p=\"0123456789abcdef\" tag=")
    ROW("addr", "<sip:a@b>;p=\"0123456789abcde\\\"\"",
        "ok star=0 display= uri=sip:a@b scheme=0 user=a host=b type=1 port=0 params=p=\"0123456789abcde\\\"\" tag=")
    ROW("addr", "\"\xc3""\xa9""\xc3""\xa9"" non-ASCII display name\" <sip:a@b>",
        "ok star=0 display=\"\xc3""\xa9""\xc3""\xa9"" non-ASCII display name\" uri=sip:a@b scheme=0 user=a host=b type=1 port=0 params= tag=")
    /* parameters read inline, and those left to the general reading */
    ROW("addr", "<sip:a@b>;tag=1;lr;x=y",
        "ok star=0 display= uri=sip:a@b scheme=0 user=a host=b type=1 port=0 params=tag=1;lr;x=y tag=1")
    ROW("addr", "<sip:a@b>; tag=1",
        "ok star=0 display= uri=sip:a@b scheme=0 user=a host=b type=1 port=0 params=tag=1 tag=1")
    ROW("addr", "<sip:a@b>;tag =1",
        "ok star=0 display= uri=sip:a@b scheme=0 user=a host=b type=1 port=0 params=tag =1 tag=1")
    ROW("addr", "<sip:a@b>;tag= 1",
        "ok star=0 display= uri=sip:a@b scheme=0 user=a host=b type=1 port=0 params=tag= 1 tag=1")
    ROW("addr", "<sip:a@b>;tag=a:b",
        "error SP_EINVAL at 10 (400): tag is not a token")
    ROW("addr", "<sip:a@b>;tag=",
        "error SP_EINVAL at 14 (400): expected parameter value")
    ROW("addr", "<sip:a@b>;tag",
        "error SP_EINVAL at 10 (400): tag is not a token")
    ROW("addr", "<sip:a@b>;tag=1;",
        "error SP_EINVAL at 16 (400): expected parameter name")
    ROW("addr", "<sip:a@b>;=x",
        "error SP_EINVAL at 10 (400): expected parameter name")
    ROW("addr", "<sip:a@b>;tag=1 ;x",
        "ok star=0 display= uri=sip:a@b scheme=0 user=a host=b type=1 port=0 params=tag=1 ;x tag=1")
    ROW("addr", "<sip:a@b>;x=[::1];tag=2",
        "ok star=0 display= uri=sip:a@b scheme=0 user=a host=b type=1 port=0 params=x=[::1];tag=2 tag=2")
    ROW("via", "SIP/2.0/UDP h;branch=z9hG4bKabc;rport;received=1.2.3.4",
        "ok host=h type=1 port=0:0 branch=z9hG4bKabc received=1.2.3.4 rport=+ ttl= maddr=")
    ROW("via", "SIP/2.0/UDP h;branch=z9hG4bK:abc",
        "error SP_EINVAL at 14 (400): malformed Via parameter")
    ROW("via", "SIP/2.0/UDP h;branch= z9hG4bK",
        "ok host=h type=1 port=0:0 branch=z9hG4bK received= rport=- ttl= maddr=")
    ROW("via", "SIP/2.0/UDP h;branch;rport=",
        "error SP_EINVAL at 14 (400): malformed Via parameter")
    ROW("via", "SIP/2.0/UDP h;branch=1;;rport",
        "error SP_EINVAL at 23 (400): expected parameter name")
    ROW("via", "SIP/2.0/UDP h;x=\"a;b\";branch=2",
        "ok host=h type=1 port=0:0 branch=2 received= rport=- ttl= maddr=")
    ROW("media", "text/plain;charset=UTF-8;q",
        "ok text/plain params=charset=UTF-8;q")
    ROW("media", "text/plain;charset=;q",
        "error SP_EINVAL at 19 (400): expected parameter value")
    ROW("media", "text/plain;charset=UTF-8;",
        "error SP_EINVAL at 25 (400): expected parameter name")    /* addresses read in one pass, the URI up to its '>', and the shapes
     * left to the general reading; Via parameters read inline, IPv4
     * 'received' values; hosts ending inside and right after the first
     * 16 bytes */
    ROW("addr", "<sip:bob@example.com>;tag=abc;tag=def",
        "error SP_EINVAL at 30 (400): duplicate tag")
    ROW("addr", "<sip:bob@example.com>;TAG=x;Tag=y",
        "error SP_EINVAL at 28 (400): duplicate tag")
    ROW("addr", "<sip:bob@example.com>;tag=\"x\"",
        "error SP_EINVAL at 22 (400): tag is not a token")
    ROW("addr", "<sip:bob@example.com;transport=tcp>;+sip.instance=\"<urn:uuid:x>\";reg-id=1",
        "ok star=0 display= uri=sip:bob@example.com;transport=tcp scheme=0 user=bob host=example.com type=1 port=0 params=+sip.instance=\"<urn:uuid:x>\";reg-id=1 tag=")
    ROW("addr", "<sip:bob@example.com>;+sip.instance=\"<urn:uuid:x>\" ;reg-id=1",
        "ok star=0 display= uri=sip:bob@example.com scheme=0 user=bob host=example.com type=1 port=0 params=+sip.instance=\"<urn:uuid:x>\" ;reg-id=1 tag=")
    ROW("addr", "<sip:host.example.com:5060>",
        "ok star=0 display= uri=sip:host.example.com:5060 scheme=0 user= host=host.example.com type=1 port=5060 params= tag=")
    ROW("addr", "<sip:host.example.com:5060;lr>;tag=1",
        "ok star=0 display= uri=sip:host.example.com:5060;lr scheme=0 user= host=host.example.com type=1 port=5060 params=tag=1 tag=1")
    ROW("addr", "<sip:user:pw@host>;tag=1",
        "ok star=0 display= uri=sip:user:pw@host scheme=0 user=user host=host type=1 port=0 params=tag=1 tag=1")
    ROW("addr", "<sip:host:5060@x>",
        "ok star=0 display= uri=sip:host:5060@x scheme=0 user=host host=x type=1 port=0 params= tag=")
    ROW("addr", "<sip:bob@example.com?subject=x>;tag=1",
        "ok star=0 display= uri=sip:bob@example.com?subject=x scheme=0 user=bob host=example.com type=1 port=0 params=tag=1 tag=1")
    ROW("addr", "<sip:bob@example.com> ;tag=1",
        "ok star=0 display= uri=sip:bob@example.com scheme=0 user=bob host=example.com type=1 port=0 params=tag=1 tag=1")
    ROW("addr", "\"Bob\"<sip:bob@example.com>",
        "ok star=0 display=\"Bob\" uri=sip:bob@example.com scheme=0 user=bob host=example.com type=1 port=0 params= tag=")
    ROW("addr", "\"Bob\" \t <sip:bob@example.com>;tag=1",
        "ok star=0 display=\"Bob\" uri=sip:bob@example.com scheme=0 user=bob host=example.com type=1 port=0 params=tag=1 tag=1")
    ROW("addr", "\"Bob\" <sip:bob@example.com>;tag=1 ",
        "ok star=0 display=\"Bob\" uri=sip:bob@example.com scheme=0 user=bob host=example.com type=1 port=0 params=tag=1 tag=1")
    ROW("addr", "\"Bob\" sip:bob@example.com",
        "error SP_EINVAL at 6 (400): expected '<' or a URI")
    ROW("addr", "<sip:bob@example.com>;x=[::1];tag=a.b-c!",
        "ok star=0 display= uri=sip:bob@example.com scheme=0 user=bob host=example.com type=1 port=0 params=x=[::1];tag=a.b-c! tag=a.b-c!")
    ROW("addr", "<sip:bob@example.com>;tag=a.b:c",
        "error SP_EINVAL at 22 (400): tag is not a token")
    ROW("addr", "<sip:bob@example.com>;tag=a\"b\"",
        "error SP_EINVAL at 27 (400): expected ';' between parameters")
    ROW("addr", "<sip:bob@exa mple.com>",
        "error SP_EINVAL at 12 (400): unexpected character in URI")
    ROW("addr", "<sip:bob@example.com",
        "error SP_EINVAL at 0 (400): missing '>'")
    ROW("addr", "<sip:bob@example.com>>",
        "error SP_EINVAL at 21 (400): unexpected character after address")
    ROW("addr", "<sip:b>ob@example.com>",
        "error SP_EINVAL at 7 (400): unexpected character after address")
    ROW("addr", "<SIP:bob@[2001:db8::1]:5060;lr>;tag=9",
        "ok star=0 display= uri=SIP:bob@[2001:db8::1]:5060;lr scheme=0 user=bob host=[2001:db8::1] type=3 port=5060 params=tag=9 tag=9")
    ROW("addr", "<sip:%41b@example.com>;tag=1",
        "ok star=0 display= uri=sip:%41b@example.com scheme=0 user=%41b host=example.com type=1 port=0 params=tag=1 tag=1")
    ROW("addr", "<sip:bob@example.com;p=%4>",
        "error SP_EINVAL at 23 (400): malformed %-escape")
    ROW("addr", "<sip:bob@example.com;p>;tag=1",
        "ok star=0 display= uri=sip:bob@example.com;p scheme=0 user=bob host=example.com type=1 port=0 params=tag=1 tag=1")
    ROW("addr", "<sip:bob@example.com;=x>",
        "error SP_EINVAL at 21 (400): empty URI parameter name")
    ROW("addr", "<sip:bob@example.com:65536>",
        "error SP_EINVAL at 21 (400): number out of range")
    ROW("addr", "<sip:bob@example.com:>",
        "error SP_EINVAL at 21 (400): expected a number")
    ROW("addr", "<sip:bob@example.com>;tag=1;lr;",
        "error SP_EINVAL at 31 (400): expected parameter name")
    ROW("addr", "<sip:bob@example.com>;tag=1;=x",
        "error SP_EINVAL at 28 (400): expected parameter name")
    ROW("addr", "<sip:@example.com>",
        "error SP_EINVAL at 5 (400): empty user in URI")
    ROW("addr", "<sip:bob@>",
        "error SP_EINVAL at 9 (400): expected host")
    ROW("addr", "<sip:>",
        "error SP_EINVAL at 5 (400): expected host")
    ROW("addr", "<sips:bob@example.com>;tag=1",
        "ok star=0 display= uri=sips:bob@example.com scheme=1 user=bob host=example.com type=1 port=0 params=tag=1 tag=1")
    ROW("addr", "<sip:bob@abcdefghijklmnopqrstuvwxyz.example.com>;tag=1",
        "ok star=0 display= uri=sip:bob@abcdefghijklmnopqrstuvwxyz.example.com scheme=0 user=bob host=abcdefghijklmnopqrstuvwxyz.example.com type=1 port=0 params=tag=1 tag=1")
    ROW("addr", "<sip:bob@abcdefghijklmnop>",
        "ok star=0 display= uri=sip:bob@abcdefghijklmnop scheme=0 user=bob host=abcdefghijklmnop type=1 port=0 params= tag=")
    ROW("addr", "<sip:bob@abcdefghijklmno->",
        "error SP_EINVAL at 9 (400): malformed host name")
    ROW("via", "SIP/2.0/UDP h;branch=z9hG4bK1;branch=z9hG4bK2",
        "error SP_EINVAL at 30 (400): duplicate Via parameter")
    ROW("via", "SIP/2.0/UDP h;branch=z9hG4bK1 ;rport",
        "ok host=h type=1 port=0:0 branch=z9hG4bK1 received= rport=+ ttl= maddr=")
    ROW("via", "SIP/2.0/UDP h;received=192.0.2.4;rport=5060",
        "ok host=h type=1 port=0:0 branch= received=192.0.2.4 rport=+5060 ttl= maddr=")
    ROW("via", "SIP/2.0/UDP h;received=1.2.3.4.5",
        "error SP_EINVAL at 14 (400): malformed Via parameter")
    ROW("via", "SIP/2.0/UDP h;received=01.2.3.4",
        "ok host=h type=1 port=0:0 branch= received=01.2.3.4 rport=- ttl= maddr=")
    ROW("via", "SIP/2.0/UDP h;received=1.2.3.4;received=1.2.3.4",
        "error SP_EINVAL at 31 (400): duplicate Via parameter")
    ROW("via", "SIP/2.0/UDP h;received=1.2.3.4x",
        "error SP_EINVAL at 14 (400): malformed Via parameter")
    ROW("via", "SIP/2.0/UDP h;ttl=1;ttl=2",
        "error SP_EINVAL at 20 (400): duplicate Via parameter")
    ROW("via", "SIP/2.0/UDP h;branch=a.b;maddr=224.2.0.1",
        "ok host=h type=1 port=0:0 branch=a.b received= rport=- ttl= maddr=224.2.0.1")
    ROW("via", "SIP/2.0/UDP h;rport=5060x",
        "error SP_EINVAL at 14 (400): malformed Via parameter")
    ROW("via", "SIP/2.0/UDP h;branch==x",
        "error SP_EINVAL at 21 (400): expected parameter value")
    ROW("via", "SIP/2.0/UDP h;branch=x=y",
        "error SP_EINVAL at 22 (400): expected ';' between Via parameters")
    ROW("via", "SIP/2.0/UDP h;branch=",
        "error SP_EINVAL at 21 (400): expected parameter value")
    ROW("via", "SIP/2.0/UDP h;branch",
        "error SP_EINVAL at 14 (400): malformed Via parameter")
    ROW("via", "SIP/2.0/UDP abcdefghijklmno;branch=x",
        "ok host=abcdefghijklmno type=1 port=0:0 branch=x received= rport=- ttl= maddr=")
    ROW("via", "SIP/2.0/UDP abcdefghijklmnop;branch=x",
        "ok host=abcdefghijklmnop type=1 port=0:0 branch=x received= rport=- ttl= maddr=")
    ROW("via", "SIP/2.0/UDP abcdefghijklmno-;branch=x",
        "error SP_EINVAL at 12 (400): malformed host name")
    ROW("via", "SIP/2.0/UDP 192.0.2.4:5060;branch=z9hG4bKnashds7;rport",
        "ok host=192.0.2.4 type=2 port=1:5060 branch=z9hG4bKnashds7 received= rport=+ ttl= maddr=")    /* comma lists: separators, quoted strings and escapes found sixteen
     * bytes a step, and in the tail */
    ROW("list", "<sip:a@b>;p=\"0123456789,abcdef,ghij\", <sip:c@d>",
        "ok [<sip:a@b>;p=\"0123456789,abcdef,ghij\"][<sip:c@d>]")
    ROW("list", "<sip:a@b>;p=\"0123456789abcdef\\\",ghij\",<sip:c@d>",
        "ok [<sip:a@b>;p=\"0123456789abcdef\\\",ghij\"][<sip:c@d>]")
    ROW("list", "<sip:a@b;x=0123456789,abcdef>;q=1 , ,<sip:c@d>",
        "ok [<sip:a@b;x=0123456789,abcdef>;q=1][<sip:c@d>]")
    ROW("list", "\"unterminated, quoted string past sixteen bytes",
        "ok [\"unterminated, quoted string past sixteen bytes]")
    ROW("list", "\"ends with a backslash past sixteen bytes\\",
        "ok [\"ends with a backslash past sixteen bytes\\]")
    ROW("list", "abcdefghijklmnopqrstuvwxyz0123456789,next",
        "ok [abcdefghijklmnopqrstuvwxyz0123456789][next]")
    ROW("list", "<sip:a@b,c",
        "ok [<sip:a@b,c]")
};

START_TEST(table_row)
{
    const row *r = &rows[_i];
    char got[600];
    summarize(r->kind, sp_str_make(guard_copy(r->in, r->n), r->n), got, sizeof got);
    ck_assert_msg(strcmp(got, r->want) == 0, "row %d (%s): got \"%s\", wanted \"%s\"", _i, r->kind, got, r->want);
}
END_TEST

/* Every prefix of every message row either parses or fails cleanly, and a
 * prefix never parses into more than the whole did. */
START_TEST(table_prefixes)
{
    for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++) {
        if (strcmp(rows[k].kind, "msg"))
            continue;
        for (size_t len = 0; len <= rows[k].n; len++) {
            char got[600];
            summarize("msg", sp_str_make(guard_copy(rows[k].in, len), len), got, sizeof got);
            ck_assert(strncmp(got, "ok ", 3) == 0 || strncmp(got, "error ", 6) == 0);
        }
    }
}
END_TEST

/* Every known name, as written, upper-case and with its last letter
 * doubled or dropped, split from a message: the splitter's word-and-length
 * classification agrees with sip_hdr_id_of() on each, and only the first
 * two forms are the name. */
START_TEST(table_every_name)
{
    for (int id = 1; id < SIP_H__COUNT; id++) {
        const char *name = sip_hdr_name((sip_hdr_id)id);
        size_t n = strlen(name);
        for (int form = 0; form < 4; form++) {
            char line[64], msg[160];
            size_t k = 0;
            for (size_t i = 0; i < n; i++)
                line[k++] = form == 1 && name[i] >= 'a' && name[i] <= 'z' ? (char)(name[i] - 32) : name[i];
            if (form == 2)
                line[k++] = name[n - 1];
            if (form == 3)
                k--;
            int len = snprintf(msg, sizeof msg, "OPTIONS sip:a@b SIP/2.0\r\n%.*s: 0\r\n\r\n", (int)k, line);
            sip_msg m;
            sip_header h[4];
            sp_error e;
            ck_assert_int_eq(sip_msg_parse(guard_copy(msg, (size_t)len), (size_t)len, &m, h, 4, NULL, SIP_FRAME_DATAGRAM, &e), len);
            ck_assert_uint_eq(m.nheaders, 1);
            ck_assert_uint_eq(h[0].id, sip_hdr_id_of(sp_str_make(line, k)));
            if (form < 2)
                ck_assert_uint_eq(h[0].id, (unsigned)id);
            else if (k > 1) /* "T" is To's compact form */
                ck_assert_uint_ne(h[0].id, (unsigned)id);
        }
    }
}
END_TEST

static Suite *sip_parse_table_suite(void)
{
    Suite *s = suite_create("sip_parse_table");
    TCase *tc = tcase_create("rows");
    tcase_add_loop_test(tc, table_row, 0, (int)(sizeof rows / sizeof rows[0]));
    tcase_add_test(tc, table_prefixes);
    tcase_add_test(tc, table_every_name);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(sip_parse_table_suite)
