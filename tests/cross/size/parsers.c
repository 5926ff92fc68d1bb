/* parsers.c - what `make size` links for "parsers_text": the three parsers
 * as a transaction layer and an MSRP session read a message (the start
 * line and headers, then Via, From/To, Call-ID, CSeq, Content-Type and
 * Contact; an SDP offer's streams; MSRP frames with their Byte-Range and
 * paths), through the parse benchmark's readers (tools/parse_*.c). */
#include "cli.h"

int main(void);

int main(void)
{
    return (int)(bench_parse_sip("", 0) + bench_parse_sdp("", 0) + bench_parse_msrp("", 0));
}
