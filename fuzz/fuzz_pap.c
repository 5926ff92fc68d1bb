/* fuzz_pap.c - fuzz harness: a PAP request (first line: the HTTP
 * Content-Type value; the rest: the body) through push_pap_parse, every address
 * and content header through their readers, and the answer built from what
 * was read (push-response, or badmessage-response with the bad fragment),
 * which must always be well-formed XML. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "push_pap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static push_pap_address addrs[8];
static char text[1 << 16];
static char out[1 << 17];

static void check_well_formed(const sp_buf *b)
{
    if (sp_buf_finish(b) < 0)
        return;
    push_xml_limits lim = {sizeof out, 8, 16, true};
    push_xml x;
    push_xml_init(&x, b->p, b->len, &lim);
    push_xml_token t;
    sp_error e;
    do {
        if (push_xml_next(&x, &t, &e) != 0)
            abort(); /* a builder wrote something the reader refuses */
    } while (t.kind != PUSH_XML_END);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *buf = (const char *)data;
    const char *nl = memchr(buf, '\n', size);
    if (!nl || size - (size_t)(nl - buf) - 1 > sizeof text)
        return 0;
    sp_str ct = sp_str_make(buf, (size_t)(nl - buf));
    sp_str body = sp_str_make(nl + 1, size - (size_t)(nl - buf) - 1);
    push_pap_store st = {addrs, sizeof addrs / sizeof addrs[0], text, sizeof text};
    push_pap_limits lim = {4096, 4};
    push_pap_request r;
    push_pap_error err;
    sp_buf b;
    sp_buf_init(&b, out, sizeof out);
    if (push_pap_parse(ct, body, &lim, &st, &r, &err) != 0) {
        push_pap_build_badmessage_response(&b, PUSH_PAP_V2_0, err.code, sp_str_cstr(err.reason), err.fragment);
        check_well_formed(&b);
        return 0;
    }
    char uri[PUSH_PAP_URI_MAX + 1];
    for (size_t i = 0; i < r.n_addr; i++) {
        (void)push_pap_address_to_uri(r.addr[i].value, SP_STR_NULL, uri, sizeof uri);
        (void)push_pap_address_to_uri(r.addr[i].value, SP_LIT("example.com"), uri, sizeof uri);
    }
    sp_str rest = r.content.headers, name, value;
    while (push_pap_header_next(&rest, &name, &value))
        if (push_pap_header_class(name) == PUSH_PAP_HDR_APPLICATION_ID)
            (void)push_pap_application_id(value, uri, sizeof uri);
    push_pap_push_response pr = {r.push_id, r.source_reference, r.ppg_notify_requested_to, r.deliver_after,
                            PUSH_PAP_ACCEPTED, SP_STR_NULL};
    push_pap_build_push_response(&b, r.version, &pr);
    check_well_formed(&b);
    push_pap_result res = {r.n_addr ? r.addr[0].value : SP_STR_NULL, PUSH_PAP_OK, r.desc, PUSH_PAP_STATE_PENDING, r.deliver_before};
    sp_buf_init(&b, out, sizeof out);
    push_pap_build_statusquery_response(&b, r.version, r.push_id, &res, 1);
    check_well_formed(&b);
    return 0;
}
