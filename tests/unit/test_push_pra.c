/* test_push_pra.c - the Push Receiver Agent on a fake clock and network:
 * registration, MESSAGE checks and delivery, duplicates, indirection,
 * NOTIFY outside a dialog, OPTIONS. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "push_fake.h"
#include "push_pra.h"
#include "sp_random.h"

#define PEER "10.0.0.5"

typedef struct rec {
    push_pra_event ev[32];
    char reasons[32][96];
    size_t nev;
    unsigned pushes;
    char app[32], ctype[64], body[2048], from[128];
    push_method method;
    unsigned push_answer;      /* what on_push returns */
    uint64_t fetch_id;
    char fetch_url[256];
    uint64_t fetch_max;
} rec;

static rec R;
static pfake *F;
static push_pra *A;

static void on_event(void *ctx, const push_pra_event *ev)
{
    rec *r = ctx;
    if (r->nev < 32) {
        r->ev[r->nev] = *ev;
        snprintf(r->reasons[r->nev], sizeof r->reasons[0], "%.*s", (int)ev->reason.n, ev->reason.p ? ev->reason.p : "");
        r->nev++;
    }
}

static unsigned on_push(void *ctx, const push_delivery *d)
{
    rec *r = ctx;
    r->pushes++;
    r->method = d->method;
    snprintf(r->app, sizeof r->app, "%.*s", (int)d->app.n, d->app.p ? d->app.p : "");
    snprintf(r->ctype, sizeof r->ctype, "%.*s", (int)d->content_type.n, d->content_type.p);
    snprintf(r->body, sizeof r->body, "%.*s", (int)d->body.n, d->body.p);
    snprintf(r->from, sizeof r->from, "%.*s", (int)d->from.n, d->from.p ? d->from.p : "");
    return r->push_answer;
}

static void on_fetch(void *ctx, uint64_t id, sp_str url, uint64_t max)
{
    rec *r = ctx;
    r->fetch_id = id;
    r->fetch_max = max;
    snprintf(r->fetch_url, sizeof r->fetch_url, "%.*s", (int)url.n, url.p);
}

static void timer(void *agent, uint64_t cookie) { push_pra_timer(agent, cookie); }

/* The wall clock the agent reads a MESSAGE's Date against. */
static int64_t wall;
static int64_t wall_clock(void *ctx)
{
    (void)ctx;
    return wall;
}

static const push_pra_event *last_event(push_pra_event_kind k)
{
    for (size_t i = R.nev; i-- > 0;)
        if (R.ev[i].kind == k)
            return &R.ev[i];
    return NULL;
}

/* An agent serving sms.ua and mms.ua, trusting PEER, optionally registering. */
static void make(bool registrar, bool whitelist, bool accept_text)
{
    memset(&R, 0, sizeof R);
    F = pfake_new(push_pra_allow(false).p, "gruu");
    push_pra_config c;
    memset(&c, 0, sizeof c);
    c.aor = SP_LIT("sip:bob@example.com");
    if (registrar)
        c.registrar = SP_LIT("sip:10.0.0.1:5060");
    c.apps[c.napps++] = SP_LIT("sms.ua");
    c.apps[c.napps++] = SP_LIT("mms.ua");
    c.trust[c.ntrust++] = SP_LIT(PEER);
    if (whitelist)
        c.whitelist[c.nwhitelist++] = SP_LIT("sip:psa@example.com");
    if (accept_text)
        c.accept[c.naccept++] = SP_LIT("text/*");
    c.instance = SP_LIT("urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6");
    c.expires = 600;
    c.local = pfake_local();
    c.ctx = &R;
    c.on_event = on_event;
    c.on_push = on_push;
    c.fetch = on_fetch;
    c.wall_s = wall_clock;
    A = push_pra_new(&c, &F->env, NULL);
    ck_assert_ptr_nonnull(A);
    pfake_attach(F, A, push_pra_tu(A), timer);
    push_pra_set_layer(A, F->L);
}

static void destroy(void)
{
    sip_txn_layer_free(F->L); /* the layer before the agent (push_pra.h) */
    F->L = NULL;
    push_pra_free(A);
    pfake_free(F);
    A = NULL;
    F = NULL;
}

/* A MESSAGE from PEER. */
/* A MESSAGE from host (its Via sent-by too). */
static void message_from(const char *host, const char *branch, const char *callid, const char *extra, const char *ctype,
                         const char *body)
{
    char m[8192];
    snprintf(m, sizeof m,
             "MESSAGE sip:bob@example.com SIP/2.0\r\n"
             "Via: SIP/2.0/UDP %s:5060;branch=%s\r\n"
             "Max-Forwards: 70\r\n"
             "From: <sip:psa@example.com>;tag=p1\r\n"
             "To: <sip:bob@example.com>\r\n"
             "Call-ID: %s\r\n"
             "CSeq: 1 MESSAGE\r\n"
             "%s"
             "Content-Type: %s\r\n"
             "Content-Length: %lu\r\n\r\n%s",
             host, branch, callid, extra, ctype, (unsigned long)strlen(body), body);
    pfake_inject(F, m, host, 5060);
}

static void message(const char *branch, const char *callid, const char *extra, const char *ctype, const char *body)
{
    message_from(PEER, branch, callid, extra, ctype, body);
}

#define PAI "P-Asserted-Identity: <sip:psa@example.com>\r\n"
#define AC(app) "Accept-Contact: *;+g.oma.pusheventapp=\"" app "\";require;explicit\r\n"

static unsigned last_status(void)
{
    long i = pfake_last(F, "SIP/2.0 ");
    ck_assert_int_ge(i, 0);
    return (unsigned)atoi(pfake_msg(F, (size_t)i) + 8);
}

START_TEST(register_with_feature_tags_and_gruu)
{
    make(true, false, false);
    push_pra_start(A);
    long r = pfake_last(F, "REGISTER ");
    ck_assert_int_eq(r, 0);
    const char *m = pfake_msg(F, 0);
    ck_assert_ptr_nonnull(strstr(m, "REGISTER sip:10.0.0.1:5060 SIP/2.0\r\n"));
    ck_assert_ptr_nonnull(strstr(m, ";+sip.instance=\"<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>\""));
    ck_assert_ptr_nonnull(strstr(m, ";+g.oma.pusheventapp=\"sms.ua,mms.ua\""));
    ck_assert_ptr_nonnull(strstr(m, ";methods=\"MESSAGE,NOTIFY,REFER,OPTIONS\""));
    ck_assert_ptr_nonnull(strstr(m, "Require: pref\r\n"));
    ck_assert_ptr_nonnull(strstr(m, "Supported: gruu\r\n"));
    ck_assert_ptr_nonnull(strstr(m, "Expires: 600\r\n"));
    pfake_reply(F, 0, 200,
                "Contact: <sip:bob@10.0.0.9:5060>;pub-gruu=\"sip:bob@example.com;gr=urn:uuid:f81d4fae-7dec-11d0-a765-"
                "00a0c91e6bf6\";temp-gruu=\"sip:tgruu.7hs@example.com;gr\";+sip.instance=\"<urn:uuid:f81d4fae-7dec-"
                "11d0-a765-00a0c91e6bf6>\";expires=300\r\n",
                NULL, NULL);
    const push_pra_event *ev = last_event(PUSH_PRA_EV_REGISTERED);
    ck_assert_ptr_nonnull(ev);
    ck_assert_uint_eq(ev->expires, 300);
    ck_assert_str_eq(push_pra_pub_gruu(A).p, "sip:bob@example.com;gr=urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6");
    ck_assert_str_eq(push_pra_temp_gruu(A).p, "sip:tgruu.7hs@example.com;gr");
    ck_assert_ptr_nonnull(strstr(push_pra_contact(A).p, "<sip:bob@example.com;gr=urn:uuid:"));
    /* the refresh comes at half the granted time, same Call-ID, next CSeq */
    pfake_advance(F, 149000);
    ck_assert_uint_eq(pfake_count(F, "REGISTER "), 1);
    pfake_advance(F, 1100);
    ck_assert_uint_ge(pfake_count(F, "REGISTER "), 2); /* the refresh, and its UDP retransmissions */
    char c1[64], c2[64], s2[64];
    pfake_header(F, 0, "Call-ID", c1, sizeof c1);
    long second = pfake_last(F, "REGISTER ");
    pfake_header(F, (size_t)second, "Call-ID", c2, sizeof c2);
    pfake_header(F, (size_t)second, "CSeq", s2, sizeof s2);
    ck_assert_str_eq(c1, c2);
    ck_assert_str_eq(s2, "2 REGISTER");
    destroy();
}
END_TEST

START_TEST(instance_compared_exactly)
{
    make(true, false, false);
    push_pra_start(A);
    /* an upper-case instance is another device's: its GRUU is not ours */
    pfake_reply(F, 0, 200,
                "Contact: <sip:bob@10.0.0.9:5060>;pub-gruu=\"sip:bob@example.com;gr=x\";+sip.instance=\"<urn:uuid:"
                "F81D4FAE-7DEC-11D0-A765-00A0C91E6BF6>\";expires=300\r\nExpires: 100\r\n",
                NULL, NULL);
    ck_assert_ptr_null(push_pra_pub_gruu(A).p);
    ck_assert_uint_eq(last_event(PUSH_PRA_EV_REGISTERED)->expires, 100);
    destroy();
}
END_TEST

START_TEST(register_420_pref_retried_without_it)
{
    make(true, false, false);
    push_pra_start(A);
    pfake_reply(F, 0, 420, "Unsupported: pref\r\n", NULL, NULL);
    long r = pfake_last(F, "REGISTER ");
    ck_assert_int_gt(r, 0);
    ck_assert_ptr_null(strstr(pfake_msg(F, (size_t)r), "Require: pref"));
    pfake_reply(F, (size_t)r, 200, NULL, NULL, NULL);
    ck_assert_ptr_nonnull(last_event(PUSH_PRA_EV_REGISTERED));
    destroy();
}
END_TEST

START_TEST(register_digest_then_deregister)
{
    memset(&R, 0, sizeof R);
    make(true, false, false);
    push_pra_free(A);
    static sip_credentials creds = {.username = SP_LIT("bob"), .password = SP_LIT("secret")};
    push_pra_config c;
    memset(&c, 0, sizeof c);
    c.aor = SP_LIT("sip:bob@example.com");
    c.registrar = SP_LIT("sip:10.0.0.1:5060");
    c.trust[c.ntrust++] = SP_LIT(PEER);
    c.local = pfake_local();
    c.creds = &creds;
    c.ncreds = 1;
    c.ctx = &R;
    c.on_event = on_event;
    A = push_pra_new(&c, &F->env, NULL);
    pfake_attach(F, A, push_pra_tu(A), timer);
    push_pra_set_layer(A, F->L);
    push_pra_start(A);
    pfake_reply(F, 0, 401, "WWW-Authenticate: Digest realm=\"example.com\", nonce=\"abc\", qop=\"auth\"\r\n", NULL,
                NULL);
    long r = pfake_last(F, "REGISTER ");
    ck_assert_int_gt(r, 0);
    ck_assert_ptr_nonnull(strstr(pfake_msg(F, (size_t)r), "Authorization: Digest username=\"bob\""));
    pfake_reply(F, (size_t)r, 200, NULL, NULL, NULL);
    ck_assert_uint_eq(last_event(PUSH_PRA_EV_REGISTERED)->expires, PUSH_PRA_EXPIRES_DEFAULT);
    push_pra_stop(A);
    r = pfake_last(F, "REGISTER ");
    ck_assert_ptr_nonnull(strstr(pfake_msg(F, (size_t)r), "Expires: 0\r\n"));
    ck_assert_ptr_null(last_event(PUSH_PRA_EV_STOPPED));
    pfake_reply(F, (size_t)r, 200, NULL, NULL, NULL);
    ck_assert_ptr_nonnull(last_event(PUSH_PRA_EV_UNREGISTERED));
    ck_assert_ptr_nonnull(last_event(PUSH_PRA_EV_STOPPED));
    ck_assert(pfake_logged(F, "registration: unregistering -> unregistered"));
    destroy();
}
END_TEST

START_TEST(message_delivered_once)
{
    make(false, false, false);
    message("z9hG4bKm1", "c1@x", PAI AC("mms.ua"), "text/plain", "You have 4 new emails");
    ck_assert_uint_eq(last_status(), 200);
    ck_assert_uint_eq(R.pushes, 1);
    ck_assert_str_eq(R.app, "mms.ua");
    ck_assert_str_eq(R.body, "You have 4 new emails");
    ck_assert_str_eq(R.from, "sip:psa@example.com");
    ck_assert_int_eq(R.method, PUSH_METHOD_MESSAGE);
    ck_assert_uint_eq(sip_txn_count(F->L), 0); /* answered without a transaction (RFC 3261 §8.2.7) */
    /* the same request again on another branch: answered, not delivered again */
    message("z9hG4bKm2", "c1@x", PAI AC("mms.ua"), "text/plain", "You have 4 new emails");
    ck_assert_uint_eq(last_status(), 200);
    ck_assert_uint_eq(R.pushes, 1);
    ck_assert_uint_eq(pfake_count(F, "SIP/2.0 200"), 2);
    /* a retransmission on the same branch is absorbed by the transaction */
    message("z9hG4bKm1", "c1@x", PAI AC("mms.ua"), "text/plain", "You have 4 new emails");
    ck_assert_uint_eq(R.pushes, 1);
    /* no application named: the first served */
    message("z9hG4bKm3", "c2@x", PAI, "text/plain", "x");
    ck_assert_str_eq(R.app, "sms.ua");
    destroy();
}
END_TEST

/* The sender is checked before the duplicate table: a request refused
 * from an untrusted host leaves nothing there for a trusted one with the
 * same Call-ID, From tag and CSeq. */
START_TEST(untrusted_refusals_plant_no_duplicate)
{
    make(false, false, false);
    message_from("10.6.6.6", "z9hG4bKu1", "same@x", PAI, "text/plain", "x");
    ck_assert_uint_eq(last_status(), 403);
    /* a refusal for want of an identity plants nothing either */
    message("z9hG4bKu2", "same@x", "", "text/plain", "x");
    ck_assert_uint_eq(last_status(), 403);
    message("z9hG4bKu3", "same@x", PAI, "text/plain", "x");
    ck_assert_uint_eq(last_status(), 200);
    ck_assert_uint_eq(R.pushes, 1);
    /* the trusted, answered one is remembered */
    message("z9hG4bKu4", "same@x", PAI, "text/plain", "x");
    ck_assert_uint_eq(last_status(), 200);
    ck_assert_uint_eq(R.pushes, 1);
    destroy();
}
END_TEST

static int no_randomness(void *ctx, void *buf, size_t n)
{
    (void)ctx, (void)buf, (void)n;
    return -1;
}

/* A receiver given no instance makes a random one, and without randomness
 * does not start (a fixed one would make every such receiver the same). */
START_TEST(no_instance_without_randomness)
{
    push_env env = {0};
    push_pra_config c;
    memset(&c, 0, sizeof c);
    c.aor = SP_LIT("sip:bob@example.com");
    c.local = pfake_local();
    const char *why = NULL;
    push_pra *a = push_pra_new(&c, &env, &why);
    ck_assert_ptr_nonnull(a);
    push_pra_free(a);
    sp_random_set_source(no_randomness, NULL);
    a = push_pra_new(&c, &env, &why);
    sp_random_set_source(NULL, NULL);
    ck_assert_ptr_null(a);
    ck_assert_str_eq(why, "no randomness for an instance id");
}
END_TEST

START_TEST(message_refusals)
{
    make(false, true, true);
    message("z9hG4bKr1", "r1@x", AC("mms.ua"), "text/plain", "x");
    ck_assert_uint_eq(last_status(), 403);
    ck_assert_str_eq(R.reasons[R.nev - 1], "P-Asserted-Identity missing");
    ck_assert_uint_eq(R.ev[R.nev - 1].kind, PUSH_PRA_EV_REJECTED);
    ck_assert_uint_eq(R.ev[R.nev - 1].status, 403);
    /* trusted identity, but from an untrusted host */
    message_from("10.6.6.6", "z9hG4bKr2", "r2@x", PAI, "text/plain", "x");
    ck_assert_uint_eq(last_status(), 403);
    ck_assert_str_eq(R.reasons[R.nev - 1], "P-Asserted-Identity from an untrusted peer");
    /* not on the whitelist */
    message("z9hG4bKr3", "r3@x", "P-Asserted-Identity: <sip:spam@example.com>\r\n", "text/plain", "x");
    ck_assert_uint_eq(last_status(), 403);
    ck_assert_str_eq(R.reasons[R.nev - 1], "sender not on the whitelist");
    /* an application we do not serve */
    message("z9hG4bKr4", "r4@x", PAI AC("wml.ua"), "text/plain", "x");
    ck_assert_uint_eq(last_status(), 404);
    /* a type we do not take: 415 with our Accept */
    message("z9hG4bKr5", "r5@x", PAI AC("sms.ua"), "image/png", "x");
    ck_assert_uint_eq(last_status(), 415);
    char acc[128];
    ck_assert(pfake_header(F, (size_t)pfake_last(F, "SIP/2.0 "), "Accept", acc, sizeof acc));
    ck_assert_str_eq(acc, "text/*, message/external-body");
    ck_assert_uint_eq(R.pushes, 0);
    destroy();
}
END_TEST

START_TEST(message_page_mode_bound)
{
    make(false, false, false);
    char body[1302];
    memset(body, 'a', 1300);
    body[1300] = '\0';
    message("z9hG4bKb1", "b1@x", PAI, "text/plain", body);
    ck_assert_uint_eq(last_status(), 200);
    ck_assert_uint_eq(R.pushes, 1);
    body[1300] = 'b';
    body[1301] = '\0';
    message("z9hG4bKb2", "b2@x", PAI, "text/plain", body);
    ck_assert_uint_eq(last_status(), 413);
    ck_assert_uint_eq(R.pushes, 1);
    destroy();
}
END_TEST

START_TEST(message_store_failure_answers_500)
{
    make(false, false, false);
    R.push_answer = 500;
    message("z9hG4bKs1", "s1@x", PAI, "text/plain", "x");
    ck_assert_uint_eq(last_status(), 500);
    destroy();
}
END_TEST

#define EXT_CT "message/external-body;access-type=URL;URL=\"http://10.0.0.7/c\";expiration=\"Tue, 07 Aug 2031 10:13:00 GMT\";size=12"
#define EXT_BODY "Content-Type: text/plain\r\n\r\n"

START_TEST(indirect_content_fetched_then_answered)
{
    make(false, false, true);
    message("z9hG4bKi1", "i1@x", PAI, EXT_CT, EXT_BODY);
    ck_assert_str_eq(R.fetch_url, "http://10.0.0.7/c");
    ck_assert_uint_eq(R.fetch_max, 12);
    ck_assert_int_lt(pfake_last(F, "SIP/2.0 "), 0); /* no answer until the content is here */
    ck_assert_uint_eq(sip_txn_count(F->L), 1);      /* it waits in a transaction */
    /* a duplicate meanwhile is told to come back */
    message("z9hG4bKi2", "i1@x", PAI, EXT_CT, EXT_BODY);
    ck_assert_uint_eq(last_status(), 500);
    push_pra_fetch_done(A, R.fetch_id, 200, SP_LIT("application/octet-stream"), "hello, world", 12);
    ck_assert_uint_eq(last_status(), 200);
    ck_assert_uint_eq(R.pushes, 1);
    ck_assert_str_eq(R.body, "hello, world");
    ck_assert_str_eq(R.ctype, "text/plain"); /* the phantom body's type */
    /* a failed retrieval is a 502 the sender may retry */
    message("z9hG4bKi3", "i3@x", PAI, EXT_CT, EXT_BODY);
    push_pra_fetch_done(A, R.fetch_id, 503, SP_STR_NULL, NULL, 0);
    ck_assert_uint_eq(last_status(), 502);
    ck_assert_uint_eq(R.pushes, 1);
    destroy();
}
END_TEST

START_TEST(message_expires_honoured)
{
    make(false, false, false);
    /* Tue, 01 Jan 2030 00:00:00 GMT */
    const int64_t sent = 1893456000;
    const char *dated = PAI "Date: Tue, 01 Jan 2030 00:00:00 GMT\r\nExpires: 60\r\n";
    /* RFC 3428 §7: Expires counts from the Date; at the last second still in time */
    wall = sent + 60;
    message("z9hG4bKx1", "x1@x", dated, "text/plain", "in time");
    ck_assert_uint_eq(last_status(), 200);
    ck_assert_uint_eq(R.pushes, 1);
    /* one second later it has expired: 410, not delivered */
    wall = sent + 61;
    message("z9hG4bKx2", "x2@x", dated, "text/plain", "too late");
    ck_assert_uint_eq(last_status(), 410);
    ck_assert_ptr_nonnull(strstr(pfake_msg(F, (size_t)pfake_last(F, "SIP/2.0 ")), "SIP/2.0 410 Message Expired\r\n"));
    ck_assert_uint_eq(R.pushes, 1);
    /* without a Date it counts from its arrival: presented at once, in time */
    message("z9hG4bKx3", "x3@x", PAI "Expires: 0\r\n", "text/plain", "now");
    ck_assert_uint_eq(last_status(), 200);
    ck_assert_uint_eq(R.pushes, 2);
    /* malformed Expires or Date */
    message("z9hG4bKx4", "x4@x", PAI "Expires: soon\r\n", "text/plain", "x");
    ck_assert_uint_eq(last_status(), 400);
    message("z9hG4bKx5", "x5@x", PAI "Date: yesterday\r\nExpires: 60\r\n", "text/plain", "x");
    ck_assert_uint_eq(last_status(), 400);
    ck_assert_uint_eq(R.pushes, 2);
    destroy();
}
END_TEST

START_TEST(message_2xx_has_no_body_and_no_contact)
{
    make(false, false, false);
    message("z9hG4bKb1", "b1@x", PAI, "text/plain", "hello");
    long i = pfake_last(F, "SIP/2.0 200");
    ck_assert_int_ge(i, 0);
    const char *m = pfake_msg(F, (size_t)i);
    /* RFC 3428 §7: a 2xx to MESSAGE carries neither */
    ck_assert_ptr_null(strstr(m, "\r\nContact:"));
    ck_assert_ptr_null(strstr(m, "\r\nm:"));
    ck_assert_ptr_null(strstr(m, "\r\nContent-Type:"));
    ck_assert_ptr_nonnull(strstr(m, "\r\nContent-Length: 0\r\n\r\n"));
    ck_assert_str_eq(strstr(m, "\r\n\r\n"), "\r\n\r\n");
    destroy();
}
END_TEST

START_TEST(register_423_retried_with_min_expires)
{
    make(true, false, false);
    push_pra_start(A);
    char v[160];
    /* RFC 3581 §3: our own Via asks for rport */
    ck_assert(pfake_header(F, 0, "Via", v, sizeof v));
    ck_assert_ptr_nonnull(strstr(v, ";rport"));
    pfake_reply(F, 0, 423, "Min-Expires: 1800\r\n", NULL, NULL);
    /* RFC 3261 §10.2.8: again, asking for Min-Expires */
    long r = pfake_last(F, "REGISTER ");
    ck_assert_int_gt(r, 0);
    ck_assert(pfake_header(F, (size_t)r, "Expires", v, sizeof v));
    ck_assert_str_eq(v, "1800");
    ck_assert(pfake_header(F, (size_t)r, "CSeq", v, sizeof v));
    ck_assert_str_eq(v, "2 REGISTER");
    pfake_reply(F, (size_t)r, 200, "Expires: 1800\r\n", NULL, NULL);
    ck_assert_uint_eq(last_event(PUSH_PRA_EV_REGISTERED)->expires, 1800);
    destroy();
}
END_TEST

START_TEST(notify_outside_dialog_481)
{
    make(false, false, false);
    pfake_inject(F,
                 "NOTIFY sip:bob@10.0.0.9 SIP/2.0\r\nVia: SIP/2.0/UDP " PEER ";branch=z9hG4bKn1\r\nMax-Forwards: 70\r\n"
                 "From: <sip:psa@example.com>;tag=a\r\nTo: <sip:bob@example.com>;tag=nope\r\nCall-ID: n1@x\r\n"
                 "CSeq: 1 NOTIFY\r\nEvent: ua-profile\r\nSubscription-State: active\r\n" PAI
                 "Content-Type: text/plain\r\nContent-Length: 1\r\n\r\nx",
                 PEER, 5060);
    ck_assert_uint_eq(last_status(), 481);
    ck_assert_uint_eq(R.pushes, 0);
    destroy();
}
END_TEST

START_TEST(options_tell_capabilities)
{
    make(false, false, true);
    pfake_inject(F,
                 "OPTIONS sip:bob@10.0.0.9 SIP/2.0\r\nVia: SIP/2.0/UDP " PEER ";branch=z9hG4bKo1\r\nMax-Forwards: 70\r\n"
                 "From: <sip:psa@example.com>;tag=a\r\nTo: <sip:bob@example.com>\r\nCall-ID: o1@x\r\n"
                 "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n",
                 PEER, 5060);
    long i = pfake_last(F, "SIP/2.0 200");
    ck_assert_int_ge(i, 0);
    const char *m = pfake_msg(F, (size_t)i);
    ck_assert_ptr_nonnull(strstr(m, "Allow: MESSAGE, NOTIFY, REFER, OPTIONS\r\n"));
    ck_assert_ptr_nonnull(strstr(m, "Accept: text/*, message/external-body\r\n"));
    ck_assert_ptr_nonnull(strstr(m, "+g.oma.pusheventapp=\"sms.ua,mms.ua\""));
    ck_assert_ptr_nonnull(strstr(m, "methods=\"MESSAGE,NOTIFY,REFER,OPTIONS\""));
    /* a method we do not take gets 405 with our Allow (from the layer) */
    pfake_inject(F,
                 "INFO sip:bob@10.0.0.9 SIP/2.0\r\nVia: SIP/2.0/UDP " PEER ";branch=z9hG4bKo2\r\nMax-Forwards: 70\r\n"
                 "From: <sip:psa@example.com>;tag=a\r\nTo: <sip:bob@example.com>\r\nCall-ID: o2@x\r\n"
                 "CSeq: 1 INFO\r\nContent-Length: 0\r\n\r\n",
                 PEER, 5060);
    ck_assert_uint_eq(last_status(), 405);
    destroy();
}
END_TEST

static Suite *push_pra_suite(void)
{
    Suite *s = suite_create("push_pra");
    TCase *t = tcase_create("pra");
    tcase_add_test(t, register_with_feature_tags_and_gruu);
    tcase_add_test(t, instance_compared_exactly);
    tcase_add_test(t, register_420_pref_retried_without_it);
    tcase_add_test(t, register_digest_then_deregister);
    tcase_add_test(t, message_delivered_once);
    tcase_add_test(t, message_refusals);
    tcase_add_test(t, untrusted_refusals_plant_no_duplicate);
    tcase_add_test(t, no_instance_without_randomness);
    tcase_add_test(t, message_page_mode_bound);
    tcase_add_test(t, message_store_failure_answers_500);
    tcase_add_test(t, indirect_content_fetched_then_answered);
    tcase_add_test(t, notify_outside_dialog_481);
    tcase_add_test(t, message_expires_honoured);
    tcase_add_test(t, message_2xx_has_no_body_and_no_contact);
    tcase_add_test(t, register_423_retried_with_min_expires);
    tcase_add_test(t, options_tell_capabilities);
    suite_add_tcase(s, t);
    return s;
}

CHECK_MAIN(push_pra_suite)
