/* test_sip_seeds.c - every SIP message of the seed documents' example flows
 * (tests/seeds/sip, typing slips fixed as its README says) parses, passes
 * the semantic checks and carries the fields the flows show. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "guard.h"
#include "sip_hdr.h"
#include "sip_msg.h"

#define SEED_DIR "tests/seeds/sip/"

static const struct seed {
    const char *file;
    const char *method; /* NULL for a response */
    unsigned status;
    uint32_t cseq;
    const char *call_id;
    unsigned vias;
    size_t body_len;
} seeds[] = {
    {"01_cr000_message_si_from_ppg.sip", "MESSAGE", 0, 1, "723459815768908@998sdasdh09", 1, 316},
    {"02_cr000_message_200_ok.sip", NULL, 200, 1, "723459815768908@998sdasdh09", 2, 0},
    {"03_cr000_invite_msrp_from_ppg.sip", "INVITE", 0, 198456, "390458126334871@998sdasdh09", 1, 463},
    {"04_cr000_invite_msrp_forwarded.sip", "INVITE", 0, 198456, "390458126334871@998sdasdh09", 2, 463},
    {"05_cr000_invite_200_ok_answer.sip", NULL, 200, 198456, "390458126334871@998sdasdh09", 2, 502},
    {"06_cr000_invite_200_ok_forwarded.sip", NULL, 200, 198456, "390458126334871@998sdasdh09", 1, 502},
    {"07_cr000_ack_from_ppg.sip", "ACK", 0, 198456, "390458126334871@998sdasdh09", 1, 0},
    {"08_cr000_ack_forwarded.sip", "ACK", 0, 198456, "390458126334871@998sdasdh09", 2, 0},
    {"09_cr000_bye_from_ppg.sip", "BYE", 0, 198457, "390458126334871@998sdasdh09", 1, 0},
    {"10_cr000_bye_forwarded.sip", "BYE", 0, 198457, "390458126334871@998sdasdh09", 2, 0},
    {"11_cr000_bye_200_ok.sip", NULL, 200, 198457, "390458126334871@998sdasdh09", 2, 0},
    {"12_cr000_bye_200_ok_forwarded.sip", NULL, 200, 198457, "390458126334871@998sdasdh09", 1, 0},
    {"13_cr001_register.sip", "REGISTER", 0, 1826, "843817637684230@998sdasdh09", 1, 0},
    {"14_cr001_register_200_ok_gruu.sip", NULL, 200, 1826, "843817637684230@998sdasdh09", 1, 0},
    {"15_cr001_register_third_party.sip", "REGISTER", 0, 1827, "843817637684230@998sdasdh0a", 1, 0},
    {"16_cr001_register_third_party_200_ok.sip", NULL, 200, 1827, "843817637684230@998sdasdh0a", 1, 0},
    {"17_cr001_message_from_psa.sip", "MESSAGE", 0, 1, "723459815768908@998sdasdh09", 1, 19},
    {"18_cr001_message_forwarded.sip", "MESSAGE", 0, 1, "723459815768908@998sdasdh09", 2, 19},
    {"19_cr001_message_200_ok.sip", NULL, 200, 1, "723459815768908@998sdasdh09", 2, 0},
    {"20_cr001_message_200_ok_forwarded.sip", NULL, 200, 1, "723459815768908@998sdasdh09", 1, 0},
    {"21_cr001_invite_msrp_from_psa.sip", "INVITE", 0, 198456, "390458126334871@998sdasdh09", 1, 426},
    {"22_cr001_invite_msrp_forwarded.sip", "INVITE", 0, 198456, "390458126334871@998sdasdh09", 2, 426},
    {"23_cr001_invite_200_ok_answer.sip", NULL, 200, 198456, "390458126334871@998sdasdh09", 2, 425},
    {"24_cr001_invite_200_ok_forwarded.sip", NULL, 200, 198456, "390458126334871@998sdasdh09", 1, 425},
    {"25_cr001_ack_from_psa.sip", "ACK", 0, 198456, "390458126334871@998sdasdh09", 1, 0},
    {"26_cr001_ack_forwarded.sip", "ACK", 0, 198456, "390458126334871@998sdasdh09", 2, 0},
    {"27_cr001_bye_from_psa.sip", "BYE", 0, 198457, "390458126334871@998sdasdh09", 1, 0},
    {"28_cr001_bye_forwarded.sip", "BYE", 0, 198457, "390458126334871@998sdasdh09", 2, 0},
    {"29_cr001_bye_200_ok.sip", NULL, 200, 198457, "390458126334871@998sdasdh09", 2, 0},
    {"30_cr001_bye_200_ok_forwarded.sip", NULL, 200, 198457, "390458126334871@998sdasdh09", 1, 0},
};

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = malloc(65536);
    *len = buf ? fread(buf, 1, 65536, f) : 0;
    fclose(f);
    return buf;
}

static bool slice_is(sp_str s, const char *want)
{
    return s.p && sp_str_eq(s, sp_str_cstr(want));
}

START_TEST(seed_message_parses_and_checks)
{
    const struct seed *s = &seeds[_i];
    size_t len;
    char path[256];
    snprintf(path, sizeof path, SEED_DIR "%s", s->file);
    char *raw = read_all(path, &len);
    ck_assert_msg(raw != NULL, "cannot read %s", path);
    const char *in = guard_copy(raw, len);
    free(raw);

    sip_msg msg;
    sip_header hdrs[64];
    sp_error err = {0, NULL, 0};
    int rc = sip_msg_parse(in, len, &msg, hdrs, 64, NULL, SIP_FRAME_DATAGRAM, &err);
    ck_assert_msg(rc == (int)len, "%s: rc %d at %zu: %s", s->file, rc, err.offset, err.reason);
    ck_assert_msg(sip_msg_check(&msg, in, &err) == 0, "%s: check: %zu: %s", s->file, err.offset, err.reason);
    /* the same bytes framed as a stream give the same message */
    sip_msg again;
    sip_header hdrs2[64];
    ck_assert_int_eq(sip_msg_parse(in, len, &again, hdrs2, 64, NULL, SIP_FRAME_STREAM, &err), (int)len);
    ck_assert_uint_eq(again.nheaders, msg.nheaders);

    if (s->method) {
        ck_assert(msg.is_request);
        ck_assert_msg(slice_is(msg.method, s->method), "%s: method", s->file);
    } else {
        ck_assert(!msg.is_request);
        ck_assert_uint_eq(msg.status, s->status);
    }
    ck_assert(msg.has_content_length);
    ck_assert_uint_eq(msg.content_length, s->body_len);
    ck_assert_uint_eq(msg.body.n, s->body_len);

    sip_cseq cseq;
    ck_assert_int_eq(sip_cseq_parse(sip_msg_find(&msg, SIP_H_CSEQ)->value, &cseq, &err), 0);
    ck_assert_uint_eq(cseq.seq, s->cseq);
    sp_str callid;
    ck_assert_int_eq(sip_callid_parse(sip_msg_find(&msg, SIP_H_CALL_ID)->value, &callid, &err), 0);
    ck_assert_msg(slice_is(callid, s->call_id), "%s: Call-ID", s->file);

    ck_assert_uint_eq(msg.count[SIP_H_VIA], s->vias);
    for (const sip_header *h = sip_msg_find(&msg, SIP_H_VIA); h; h = sip_msg_find_next(&msg, h)) {
        sip_via via;
        ck_assert_msg(sip_via_parse(h->value, &via, &err) == 0, "%s: Via: %s", s->file, err.reason);
        ck_assert(via.branch.n > 7 && memcmp(via.branch.p, "z9hG4bK", 7) == 0);
    }
    sip_addr from, to;
    ck_assert_int_eq(sip_addr_parse(sip_msg_find(&msg, SIP_H_FROM)->value, &from, &err), 0);
    ck_assert_int_eq(sip_addr_parse(sip_msg_find(&msg, SIP_H_TO)->value, &to, &err), 0);
    ck_assert_msg(from.tag.n > 0, "%s: From has a tag", s->file);
    /* responses and in-dialog requests carry the To tag, dialog-creating ones do not */
    bool in_dialog = !s->method || !strcmp(s->method, "ACK") || !strcmp(s->method, "BYE");
    bool registration = s->method ? !strcmp(s->method, "REGISTER") : cseq.method.n == 8;
    if (!registration)
        ck_assert_msg((to.tag.n > 0) == in_dialog, "%s: To tag", s->file);
}
END_TEST

static Suite *sip_seeds_suite(void)
{
    Suite *s = suite_create("sip_seeds");
    TCase *tc = tcase_create("flows");
    tcase_add_loop_test(tc, seed_message_parses_and_checks, 0, (int)(sizeof seeds / sizeof seeds[0]));
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(sip_seeds_suite)
