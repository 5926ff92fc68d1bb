/* test_push_pra_sub.c - the receiver's subscriptions: the ua-profile
 * SUBSCRIBE, pushes by NOTIFY in its dialog, termination, and the
 * subscription a REFER asks for with its sipfrag NOTIFYs. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "push_fake.h"
#include "push_invite_receiver.h"
#include "push_pra.h"
#include "push_subc.h"
#include "sip_stateless.h"

#define PSA "10.0.0.5"
#define PAI "P-Asserted-Identity: <sip:psa@example.com>\r\n"

static pfake *F;
static push_pra *A;
static unsigned pushes, subscribed, ended;
static char body[256], app[32];

static void on_event(void *ctx, const push_pra_event *ev)
{
    (void)ctx;
    subscribed += ev->kind == PUSH_PRA_EV_SUBSCRIBED;
    ended += ev->kind == PUSH_PRA_EV_SUB_ENDED;
}

static unsigned on_push(void *ctx, const push_delivery *d)
{
    (void)ctx;
    pushes++;
    snprintf(body, sizeof body, "%.*s", (int)d->body.n, d->body.p);
    snprintf(app, sizeof app, "%.*s", (int)d->app.n, d->app.p ? d->app.p : "");
    return 0;
}

static void timer(void *agent, uint64_t cookie) { push_pra_timer(agent, cookie); }

static void (*tweak)(push_pra_config *c);

static void make(bool subscribe)
{
    pushes = subscribed = ended = 0;
    F = pfake_new(push_pra_allow(false).p, "gruu");
    push_pra_config c;
    memset(&c, 0, sizeof c);
    c.aor = SP_LIT("sip:bob@example.com");
    c.apps[c.napps++] = SP_LIT("wml.ua");
    c.trust[c.ntrust++] = SP_LIT(PSA);
    if (subscribe)
        c.subscribe = SP_LIT("sip:psa@" PSA ":5060");
    c.vendor = SP_LIT("acme");
    c.model = SP_LIT("pc100");
    c.version = SP_LIT("1.0");
    c.expires = 3600;
    c.local = pfake_local();
    c.on_event = on_event;
    c.on_push = on_push;
    if (tweak)
        tweak(&c);
    tweak = NULL;
    A = push_pra_new(&c, &F->env, NULL);
    ck_assert_ptr_nonnull(A);
    pfake_attach(F, A, push_pra_tu(A), timer);
    push_pra_set_layer(A, F->L);
    push_pra_start(A);
}

static void destroy(void)
{
    sip_txn_layer_free(F->L); /* the layer before the agent (push_pra.h) */
    F->L = NULL;
    push_pra_free(A);
    pfake_free(F);
}

static unsigned last_status(void)
{
    long i = pfake_last(F, "SIP/2.0 ");
    ck_assert_int_ge(i, 0);
    return (unsigned)atoi(pfake_msg(F, (size_t)i) + 8);
}

/* The To tag pfake_reply gives its answer to message n. */
static const char *reply_tag(size_t n)
{
    static char tag[SIP_TAG_SIZE];
    sip_header hdrs[64];
    sip_msg m;
    const char *buf = pfake_msg(F, n);
    sip_msg_parse(buf, strlen(buf), &m, hdrs, 64, NULL, SIP_FRAME_DATAGRAM, NULL);
    sip_stateless_tag(&m, tag);
    return tag;
}

static const char *notifier_tag = "ps9921";

/* A NOTIFY in the dialog of the SUBSCRIBE sent as message n, its body of type ctype. */
static void notify_ct(size_t n, const char *branch, unsigned cseq, const char *state, const char *ctype, const char *b)
{
    char from_tag[64] = "", callid[64], from[128], m[4096];
    pfake_header(F, n, "Call-ID", callid, sizeof callid);
    pfake_header(F, n, "From", from, sizeof from);
    snprintf(from_tag, sizeof from_tag, "%s", strstr(from, "tag=") + 4);
    snprintf(m, sizeof m,
             "NOTIFY sip:bob@10.0.0.9:5060 SIP/2.0\r\nVia: SIP/2.0/UDP " PSA ":5060;branch=%s\r\nMax-Forwards: 70\r\n"
             "From: <sip:psa@example.com>;tag=%s\r\nTo: <sip:bob@example.com>;tag=%s\r\nCall-ID: %s\r\n"
             "CSeq: %u NOTIFY\r\nContact: <sip:psa@" PSA ":5060>\r\n"
             "Event: ua-profile;profile-type=oma-app;event-app-id=\"wml.ua\"\r\nSubscription-State: %s\r\n" PAI
             "%s%s%sContent-Length: %lu\r\n\r\n%s",
             branch, notifier_tag, from_tag, callid, cseq, state, *b ? "Content-Type: " : "", *b ? ctype : "",
             *b ? "\r\n" : "", (unsigned long)strlen(b), b);
    pfake_inject(F, m, PSA, 5060);
}

static void notify(size_t n, const char *branch, unsigned cseq, const char *state, const char *b)
{
    notify_ct(n, branch, cseq, state, "text/plain", b);
}

START_TEST(subscribe_ua_profile_and_notify_push)
{
    make(true);
    long s = pfake_last(F, "SUBSCRIBE ");
    ck_assert_int_ge(s, 0);
    const char *m = pfake_msg(F, (size_t)s);
    ck_assert_ptr_nonnull(strstr(m, "SUBSCRIBE sip:psa@" PSA ":5060 SIP/2.0\r\n"));
    ck_assert_ptr_nonnull(
        strstr(m, "Event: ua-profile;profile-type=oma-app;event-app-id=\"wml.ua\";vendor=\"acme\";model=\"pc100\";"
                  "version=\"1.0\"\r\n"));
    /* seed 002 §7.1.1, §7.2.1: every push method served, MESSAGE included */
    ck_assert_ptr_nonnull(strstr(m, "Accept-Contact: *;+g.oma.pusheventapp=\"wml.ua\";methods=\"MESSAGE,NOTIFY\"\r\n"));
    ck_assert_ptr_nonnull(strstr(m, "P-Asserted-Identity: <sip:bob@example.com>\r\n"));
    ck_assert_ptr_nonnull(strstr(m, "Expires: 3600\r\n"));
    pfake_reply(F, (size_t)s, 200, "Expires: 1200\r\nContact: <sip:psa@" PSA ":5060>\r\n", NULL, NULL);
    ck_assert_uint_eq(subscribed, 1);
    notifier_tag = reply_tag((size_t)s);
    /* the enrolment confirmation carries no content: no push */
    notify((size_t)s, "z9hG4bKn1", 1, "active;expires=1200", "");
    ck_assert_uint_eq(last_status(), 200);
    ck_assert_uint_eq(pushes, 0);
    notify((size_t)s, "z9hG4bKn2", 2, "active;expires=1190", "You have 4 new emails");
    ck_assert_uint_eq(last_status(), 200);
    ck_assert_uint_eq(pushes, 1);
    ck_assert_str_eq(body, "You have 4 new emails");
    ck_assert_str_eq(app, "wml.ua");
    /* the refresh comes at half of what the NOTIFY said */
    pfake_advance(F, 594000);
    ck_assert_uint_eq(pfake_count(F, "SUBSCRIBE "), 1);
    pfake_advance(F, 1100);
    ck_assert_uint_ge(pfake_count(F, "SUBSCRIBE "), 2);
    long r = pfake_last(F, "SUBSCRIBE ");
    char cseq[32];
    pfake_header(F, (size_t)r, "CSeq", cseq, sizeof cseq);
    ck_assert_str_eq(cseq, "2 SUBSCRIBE");
    pfake_reply(F, (size_t)r, 200, "Expires: 1200\r\n", NULL, NULL);
    /* the notifier ends it for good */
    notify((size_t)s, "z9hG4bKn3", 3, "terminated;reason=noresource", "");
    ck_assert_uint_eq(last_status(), 200);
    ck_assert_uint_eq(ended, 1);
    /* the dialog is gone: a later NOTIFY is outside any */
    notify((size_t)s, "z9hG4bKn4", 4, "active", "late");
    ck_assert_uint_eq(last_status(), 481);
    ck_assert_uint_eq(pushes, 1);
    destroy();
}
END_TEST

START_TEST(notify_before_the_2xx_makes_the_dialog)
{
    make(true);
    notifier_tag = "ps9921";
    long s = pfake_last(F, "SUBSCRIBE ");
    notify((size_t)s, "z9hG4bKe1", 1, "active;expires=600", "early push");
    ck_assert_uint_eq(last_status(), 200);
    ck_assert_uint_eq(pushes, 1);
    ck_assert_uint_eq(subscribed, 1);
    destroy();
}
END_TEST

START_TEST(refer_triggers_subscription_and_sipfrag_notifies)
{
    make(false);
    pfake_inject(F,
                 "REFER sip:bob@10.0.0.9 SIP/2.0\r\nVia: SIP/2.0/UDP " PSA ":5060;branch=z9hG4bKref0913k\r\n"
                 "Max-Forwards: 70\r\n" PAI "From: <sip:psa@example.com>;tag=rf3310\r\nTo: \"Bob\" <sip:bob@example.com>\r\n"
                 "Call-ID: 88a01c7734fe@psa.example.com\r\nCSeq: 1 REFER\r\nContact: <sip:psa@" PSA ":5060>\r\n"
                 "Refer-To: <sip:psa@" PSA ":5060;method=SUBSCRIBE?Event=ua-profile%3Bprofile-type%3Doma-app%3Bevent-app-"
                 "id%3D%22wml.ua%22&Accept-Contact=*%3B%2Bg.oma.pusheventapp%3D%22wml.ua%22&Expires=1800>\r\n"
                 "Referred-By: <sip:psa@example.com>\r\nEvent: refer\r\nContent-Length: 0\r\n\r\n",
                 PSA, 5060);
    ck_assert_int_ge(pfake_last(F, "SIP/2.0 202"), 0);
    long n1 = pfake_last(F, "NOTIFY ");
    ck_assert_int_ge(n1, 0);
    const char *m = pfake_msg(F, (size_t)n1);
    ck_assert_ptr_nonnull(strstr(m, "Event: refer\r\n"));
    ck_assert_ptr_nonnull(strstr(m, "Subscription-State: active;expires=60\r\n"));
    ck_assert_ptr_nonnull(strstr(m, "Content-Type: message/sipfrag;version=2.0\r\n"));
    ck_assert_ptr_nonnull(strstr(m, "\r\n\r\nSIP/2.0 100 Trying\r\n"));
    long s = pfake_last(F, "SUBSCRIBE ");
    ck_assert_int_ge(s, 0);
    m = pfake_msg(F, (size_t)s);
    ck_assert_ptr_nonnull(strstr(m, "SUBSCRIBE sip:psa@" PSA ":5060 SIP/2.0\r\n"));
    ck_assert_ptr_nonnull(strstr(m, "Event: ua-profile;profile-type=oma-app;event-app-id=\"wml.ua\"\r\n"));
    ck_assert_ptr_nonnull(strstr(m, "Accept-Contact: *;+g.oma.pusheventapp=\"wml.ua\"\r\n"));
    ck_assert_ptr_nonnull(strstr(m, "Expires: 1800\r\n"));
    pfake_reply(F, (size_t)s, 200, "Expires: 1800\r\nContact: <sip:psa@" PSA ":5060>\r\n", NULL, NULL);
    ck_assert_uint_eq(subscribed, 1);
    /* seed 002 §7.2.3.2 step 3: the result waits for the first NOTIFY of the new dialog */
    ck_assert_int_eq(pfake_last(F, "NOTIFY "), n1);
    notifier_tag = reply_tag((size_t)s);
    notify((size_t)s, "z9hG4bKrn1", 1, "active;expires=1800", "");
    long n2 = pfake_last(F, "NOTIFY ");
    ck_assert_int_gt(n2, n1);
    m = pfake_msg(F, (size_t)n2);
    ck_assert_ptr_nonnull(strstr(m, "Event: refer\r\n"));
    ck_assert_ptr_nonnull(strstr(m, "Subscription-State: terminated;reason=noresource\r\n"));
    ck_assert_ptr_nonnull(strstr(m, "\r\n\r\nSIP/2.0 200 OK\r\n"));
    /* once only: a second NOTIFY of the new dialog says nothing more */
    notify((size_t)s, "z9hG4bKrn2", 2, "active;expires=1790", "");
    ck_assert_int_eq(pfake_last(F, "NOTIFY "), n2);
    destroy();
}
END_TEST

START_TEST(accepted_subscription_without_notify_fails_at_timer_n)
{
    make(true);
    long s = pfake_last(F, "SUBSCRIBE ");
    pfake_reply(F, (size_t)s, 200, "Expires: 1200\r\nContact: <sip:psa@" PSA ":5060>\r\n", NULL, NULL);
    ck_assert_uint_eq(subscribed, 1);
    notifier_tag = reply_tag((size_t)s);
    /* RFC 6665 §4.1.2.4: no NOTIFY within Timer N (64*T1) after the 2xx */
    pfake_advance(F, PUSH_SUBC_TIMER_N_MS - 100);
    ck_assert_uint_eq(ended, 0);
    pfake_advance(F, 200);
    ck_assert_uint_eq(ended, 1);
    /* its dialog is gone */
    notify((size_t)s, "z9hG4bKtn1", 1, "active;expires=1200", "too late");
    ck_assert_uint_eq(last_status(), 481);
    ck_assert_uint_eq(pushes, 0);
    /* and the receiver subscribes again later */
    ck_assert_uint_eq(pfake_count(F, "SUBSCRIBE "), 1);
    pfake_advance(F, PUSH_SUBC_RETRY_MS + 100);
    ck_assert_uint_eq(pfake_count(F, "SUBSCRIBE "), 2);
    destroy();
}
END_TEST

START_TEST(first_notify_in_time_keeps_the_refresh_schedule)
{
    make(true);
    long s = pfake_last(F, "SUBSCRIBE ");
    pfake_reply(F, (size_t)s, 200, "Expires: 1200\r\nContact: <sip:psa@" PSA ":5060>\r\n", NULL, NULL);
    notifier_tag = reply_tag((size_t)s);
    pfake_advance(F, 20000);
    notify((size_t)s, "z9hG4bKtn2", 1, "active;expires=1200", "");
    ck_assert_uint_eq(last_status(), 200);
    pfake_advance(F, PUSH_SUBC_TIMER_N_MS);
    ck_assert_uint_eq(ended, 0);
    /* the refresh still comes at half the granted time from the 2xx */
    pfake_advance(F, 600000 - 20000 - PUSH_SUBC_TIMER_N_MS - 1000);
    ck_assert_uint_eq(pfake_count(F, "SUBSCRIBE "), 1);
    pfake_advance(F, 2000);
    ck_assert_uint_ge(pfake_count(F, "SUBSCRIBE "), 2);
    destroy();
}
END_TEST

#define REFER_OK(branch, callid, pai)                                                                                  \
    "REFER sip:bob@10.0.0.9 SIP/2.0\r\nVia: SIP/2.0/UDP " PSA ":5060;branch=" branch "\r\nMax-Forwards: 70\r\n" pai      \
    "From: <sip:psa@example.com>;tag=rf3310\r\nTo: <sip:bob@example.com>\r\nCall-ID: " callid "\r\nCSeq: 1 REFER\r\n"  \
    "Contact: <sip:psa@" PSA ":5060>\r\nRefer-To: <sip:psa@" PSA ":5060;method=SUBSCRIBE?Event=ua-profile%3Bprofile-"    \
    "type%3Doma-app%3Bevent-app-id%3D%22wml.ua%22>\r\nEvent: refer\r\nContent-Length: 0\r\n\r\n"

START_TEST(refer_subscribe_refused_is_reported_at_once)
{
    make(false);
    pfake_inject(F, REFER_OK("z9hG4bKrf9", "rf9@x", PAI), PSA, 5060);
    long n1 = pfake_last(F, "NOTIFY ");
    long s = pfake_last(F, "SUBSCRIBE ");
    ck_assert_int_ge(s, 0);
    /* with no Accept-Contact in Refer-To, the SUBSCRIBE discloses our push methods */
    ck_assert_ptr_nonnull(
        strstr(pfake_msg(F, (size_t)s), "Accept-Contact: *;+g.oma.pusheventapp=\"wml.ua\";methods=\"MESSAGE,NOTIFY\"\r\n"));
    /* refused: no NOTIFY will come, the failure is reported now */
    pfake_reply(F, (size_t)s, 403, NULL, NULL, NULL);
    long n2 = pfake_last(F, "NOTIFY ");
    ck_assert_int_gt(n2, n1);
    const char *m = pfake_msg(F, (size_t)n2);
    ck_assert_ptr_nonnull(strstr(m, "Subscription-State: terminated;reason=noresource\r\n"));
    ck_assert_ptr_nonnull(strstr(m, "\r\n\r\nSIP/2.0 403 Forbidden\r\n"));
    destroy();
}
END_TEST

START_TEST(refer_subscribe_without_notify_is_reported_at_timer_n)
{
    make(false);
    pfake_inject(F, REFER_OK("z9hG4bKrf8", "rf8@x", PAI), PSA, 5060);
    long s = pfake_last(F, "SUBSCRIBE ");
    ck_assert_int_ge(s, 0);
    pfake_reply(F, (size_t)s, 200, "Expires: 1800\r\nContact: <sip:psa@" PSA ":5060>\r\n", NULL, NULL);
    pfake_advance(F, PUSH_SUBC_TIMER_N_MS - 100);
    /* only the "100 Trying" NOTIFY (and its retransmissions) so far */
    ck_assert_ptr_nonnull(strstr(pfake_msg(F, (size_t)pfake_last(F, "NOTIFY ")), "SIP/2.0 100 Trying\r\n"));
    /* the SUBSCRIBE's answer is told when the subscription is given up */
    pfake_advance(F, 200);
    const char *m = pfake_msg(F, (size_t)pfake_last(F, "NOTIFY "));
    ck_assert_ptr_nonnull(strstr(m, "Subscription-State: terminated;reason=noresource\r\n"));
    ck_assert_ptr_nonnull(strstr(m, "\r\n\r\nSIP/2.0 200 OK\r\n"));
    destroy();
}
END_TEST

static void whitelist_psa(push_pra_config *c)
{
    c->whitelist[c->nwhitelist++] = SP_LIT("sip:psa@example.com");
    c->trust[c->ntrust++] = SP_LIT("10.0.0.7");
}

START_TEST(refer_sender_checks)
{
    /* seed 004 §4.2.3.2 step 1: the checks of §7 apply to REFER as to MESSAGE */
    tweak = whitelist_psa;
    make(false);
    pfake_inject(F, REFER_OK("z9hG4bKsc1", "sc1@x", ""), PSA, 5060);
    ck_assert_uint_eq(last_status(), 403); /* no P-Asserted-Identity */
    pfake_inject(F, REFER_OK("z9hG4bKsc2", "sc2@x", PAI), "10.6.6.6", 5060);
    ck_assert_uint_eq(last_status(), 403); /* from an untrusted peer */
    pfake_inject(F, REFER_OK("z9hG4bKsc3", "sc3@x", "P-Asserted-Identity: <sip:evil@example.com>\r\n"), "10.0.0.7",
                 5060);
    ck_assert_uint_eq(last_status(), 403); /* off the whitelist */
    ck_assert_int_lt(pfake_last(F, "SUBSCRIBE "), 0);
    ck_assert_int_lt(pfake_last(F, "NOTIFY "), 0);
    pfake_inject(F, REFER_OK("z9hG4bKsc4", "sc4@x", PAI), "10.0.0.7", 5060);
    ck_assert_int_ge(pfake_last(F, "SIP/2.0 202"), 0);
    ck_assert_int_ge(pfake_last(F, "SUBSCRIBE "), 0);
    destroy();
}
END_TEST

START_TEST(refer_refusals)
{
    make(false);
    /* only SUBSCRIBE may be referred */
    pfake_inject(F,
                 "REFER sip:bob@10.0.0.9 SIP/2.0\r\nVia: SIP/2.0/UDP " PSA ":5060;branch=z9hG4bKrf1\r\n"
                 "Max-Forwards: 70\r\n" PAI "From: <sip:psa@example.com>;tag=a\r\nTo: <sip:bob@example.com>\r\n"
                 "Call-ID: rf1@x\r\nCSeq: 1 REFER\r\nContact: <sip:psa@" PSA ">\r\n"
                 "Refer-To: <sip:psa@" PSA ";method=INVITE>\r\nContent-Length: 0\r\n\r\n",
                 PSA, 5060);
    ck_assert_uint_eq(last_status(), 403);
    /* an application we do not serve */
    pfake_inject(F,
                 "REFER sip:bob@10.0.0.9 SIP/2.0\r\nVia: SIP/2.0/UDP " PSA ":5060;branch=z9hG4bKrf2\r\n"
                 "Max-Forwards: 70\r\n" PAI "From: <sip:psa@example.com>;tag=a\r\nTo: <sip:bob@example.com>\r\n"
                 "Call-ID: rf2@x\r\nCSeq: 1 REFER\r\nContact: <sip:psa@" PSA ">\r\n"
                 "Refer-To: <sip:psa@" PSA ";method=SUBSCRIBE?Event=ua-profile%3Bprofile-type%3Doma-app&Accept-Contact="
                 "*%3B%2Bg.oma.pusheventapp%3D%22sms.ua%22>\r\nContent-Length: 0\r\n\r\n",
                 PSA, 5060);
    ck_assert_uint_eq(last_status(), 404);
    /* two Refer-To */
    pfake_inject(F,
                 "REFER sip:bob@10.0.0.9 SIP/2.0\r\nVia: SIP/2.0/UDP " PSA ":5060;branch=z9hG4bKrf3\r\n"
                 "Max-Forwards: 70\r\n" PAI "From: <sip:psa@example.com>;tag=a\r\nTo: <sip:bob@example.com>\r\n"
                 "Call-ID: rf3@x\r\nCSeq: 1 REFER\r\nContact: <sip:psa@" PSA ">\r\n"
                 "Refer-To: <sip:a@b;method=SUBSCRIBE>\r\nRefer-To: <sip:c@d;method=SUBSCRIBE>\r\nContent-Length: 0\r\n\r\n",
                 PSA, 5060);
    ck_assert_uint_eq(last_status(), 400);
    ck_assert_int_lt(pfake_last(F, "SUBSCRIBE "), 0);
    destroy();
}
END_TEST

static push_invite_ctx rx_ctx;
static push_invite_rx *rx;

static void session_mode_with_dev_cap(push_pra_config *c)
{
    memset(&rx_ctx, 0, sizeof rx_ctx);
    push_invite_rx_config rc = {0};
    rx = push_invite_rx_new(&rx_ctx, &rc, NULL);
    ck_assert_ptr_nonnull(rx);
    c->invite = rx;
    c->dev_cap = SP_LIT("http://uaprof.example.com/pc100.xml");
}

START_TEST(subscribe_discloses_invite_and_dev_cap)
{
    tweak = session_mode_with_dev_cap;
    make(true);
    long s = pfake_last(F, "SUBSCRIBE ");
    ck_assert_int_ge(s, 0);
    const char *m = pfake_msg(F, (size_t)s);
    /* seed 002 §7.3.1: INVITE disclosed with the other push methods */
    ck_assert_ptr_nonnull(
        strstr(m, "Accept-Contact: *;+g.oma.pusheventapp=\"wml.ua\";methods=\"INVITE,MESSAGE,NOTIFY\"\r\n"));
    /* seed 002 §7.2.1.1 step 5: dev-cap instead of vendor, model and version */
    ck_assert_ptr_nonnull(strstr(m, "Event: ua-profile;profile-type=oma-app;event-app-id=\"wml.ua\";"
                                    "dev-cap=\"http://uaprof.example.com/pc100.xml\"\r\n"));
    ck_assert_ptr_null(strstr(m, "vendor="));
    /* the session-mode methods join Allow, in the order of the method table */
    pfake_inject(F,
                 "OPTIONS sip:bob@10.0.0.9 SIP/2.0\r\nVia: SIP/2.0/UDP " PSA ";branch=z9hG4bKal1\r\nMax-Forwards: 70\r\n"
                 "From: <sip:psa@example.com>;tag=a\r\nTo: <sip:bob@example.com>\r\nCall-ID: al1@x\r\n"
                 "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n",
                 PSA, 5060);
    long o = pfake_last(F, "SIP/2.0 200");
    ck_assert_int_ge(o, 0);
    m = pfake_msg(F, (size_t)o);
    ck_assert_ptr_nonnull(strstr(m, "Allow: MESSAGE, NOTIFY, REFER, OPTIONS, INVITE, ACK, BYE, CANCEL, UPDATE\r\n"));
    ck_assert_ptr_nonnull(strstr(m, "methods=\"INVITE,ACK,BYE,CANCEL,MESSAGE,NOTIFY,REFER,OPTIONS\""));
    ck_assert(sp_str_eq(push_pra_allow(true), SP_LIT(PUSH_PRA_ALLOW_SESSION)));
    destroy();
    push_invite_rx_free(rx);
}
END_TEST

/* Accepts the SUBSCRIBE sent as message n; NOTIFYs then come in its dialog. */
static void accept_sub(long n)
{
    ck_assert_int_ge(n, 0);
    pfake_reply(F, (size_t)n, 200, "Expires: 3600\r\nContact: <sip:psa@" PSA ":5060>\r\n", NULL, NULL);
    notifier_tag = reply_tag((size_t)n);
}

START_TEST(resubscribes_as_the_termination_reason_says)
{
    make(true);
    long s = pfake_last(F, "SUBSCRIBE ");
    accept_sub(s);
    /* RFC 6665 §4.1.3: deactivated and timeout: again at once */
    static const char *const at_once[] = {"terminated;reason=deactivated", "terminated;reason=timeout"};
    for (size_t i = 0; i < 2; i++) {
        size_t before = pfake_count(F, "SUBSCRIBE ");
        notify((size_t)s, i ? "z9hG4bKt2" : "z9hG4bKt1", 2, at_once[i], "");
        ck_assert_uint_eq(last_status(), 200);
        ck_assert_uint_eq(pfake_count(F, "SUBSCRIBE "), before + 1);
        s = pfake_last(F, "SUBSCRIBE ");
        char cseq[32];
        pfake_header(F, (size_t)s, "CSeq", cseq, sizeof cseq);
        ck_assert_str_eq(cseq, "1 SUBSCRIBE"); /* a new subscription, not a refresh */
        accept_sub(s);
    }
    /* probation: after its retry-after */
    size_t before = pfake_count(F, "SUBSCRIBE ");
    notify((size_t)s, "z9hG4bKt3", 2, "terminated;reason=probation;retry-after=20", "");
    pfake_advance(F, 19000);
    ck_assert_uint_eq(pfake_count(F, "SUBSCRIBE "), before);
    pfake_advance(F, 1400); /* short of the first retransmission (T1) */
    ck_assert_uint_eq(pfake_count(F, "SUBSCRIBE "), before + 1);
    s = pfake_last(F, "SUBSCRIBE ");
    accept_sub(s);
    /* giveup without retry-after: PUSH_SUBC_RETRY_MS */
    before = pfake_count(F, "SUBSCRIBE ");
    notify((size_t)s, "z9hG4bKt4", 2, "terminated;reason=giveup", "");
    pfake_advance(F, PUSH_SUBC_RETRY_MS - 1000);
    ck_assert_uint_eq(pfake_count(F, "SUBSCRIBE "), before);
    pfake_advance(F, 1400); /* short of the first retransmission (T1) */
    ck_assert_uint_eq(pfake_count(F, "SUBSCRIBE "), before + 1);
    s = pfake_last(F, "SUBSCRIBE ");
    accept_sub(s);
    /* noresource: the end, no new subscription */
    before = pfake_count(F, "SUBSCRIBE ");
    notify((size_t)s, "z9hG4bKt5", 2, "terminated;reason=noresource", "");
    pfake_advance(F, 120000);
    ck_assert_uint_eq(pfake_count(F, "SUBSCRIBE "), before);
    destroy();
}
END_TEST

START_TEST(unsubscribes_on_stop)
{
    make(true);
    long s = pfake_last(F, "SUBSCRIBE ");
    accept_sub(s);
    push_pra_stop(A);
    /* RFC 6665 §4.1.2.3: SUBSCRIBE with Expires: 0 in the dialog */
    long u = pfake_last(F, "SUBSCRIBE ");
    ck_assert_int_gt(u, s);
    char v[128], callid[64], first_callid[64];
    pfake_header(F, (size_t)u, "Expires", v, sizeof v);
    ck_assert_str_eq(v, "0");
    pfake_header(F, (size_t)u, "CSeq", v, sizeof v);
    ck_assert_str_eq(v, "2 SUBSCRIBE");
    pfake_header(F, (size_t)u, "Call-ID", callid, sizeof callid);
    pfake_header(F, (size_t)s, "Call-ID", first_callid, sizeof first_callid);
    ck_assert_str_eq(callid, first_callid);
    pfake_header(F, (size_t)u, "To", v, sizeof v);
    ck_assert_ptr_nonnull(strstr(v, notifier_tag));
    pfake_reply(F, (size_t)u, 200, "Expires: 0\r\n", NULL, NULL);
    /* the final NOTIFY still finds the dialog */
    notify((size_t)s, "z9hG4bKu1", 2, "terminated;reason=timeout", "");
    ck_assert_uint_eq(last_status(), 200);
    ck_assert_uint_eq(pfake_count(F, "SUBSCRIBE "), 2); /* and no new one */
    destroy();
}
END_TEST

/* The Call-ID of every SUBSCRIBE sent is first's: no new subscription. */
static void only_one_subscription(long first)
{
    char callid[64], first_callid[64];
    pfake_header(F, (size_t)first, "Call-ID", first_callid, sizeof first_callid);
    for (size_t i = 0; i < F->nsent; i++)
        if (!strncmp(pfake_msg(F, i), "SUBSCRIBE ", 10)) {
            pfake_header(F, i, "Call-ID", callid, sizeof callid);
            ck_assert_str_eq(callid, first_callid);
        }
}

START_TEST(stop_while_subscribing_never_subscribes_again)
{
    make(true);
    long s = pfake_last(F, "SUBSCRIBE ");
    ck_assert_int_ge(s, 0);
    push_pra_stop(A);
    /* the unanswered SUBSCRIBE times out (408); RFC 6665 §4.1.2.3: we
     * ended the subscription, so no retry follows, however long we wait */
    pfake_advance(F, 5 * 60 * 1000);
    only_one_subscription(s);
    destroy();
}
END_TEST

START_TEST(a_2xx_after_stop_is_unsubscribed_at_once)
{
    make(true);
    long s = pfake_last(F, "SUBSCRIBE ");
    push_pra_stop(A);
    pfake_reply(F, (size_t)s, 200, "Expires: 600\r\nContact: <sip:psa@" PSA ":5060>\r\n", NULL, NULL);
    /* the notifier made the subscription: it is ended in its dialog */
    long u = pfake_last(F, "SUBSCRIBE ");
    ck_assert_int_gt(u, s);
    char v[128];
    pfake_header(F, (size_t)u, "Expires", v, sizeof v);
    ck_assert_str_eq(v, "0");
    pfake_header(F, (size_t)u, "CSeq", v, sizeof v);
    ck_assert_str_eq(v, "2 SUBSCRIBE");
    pfake_header(F, (size_t)u, "To", v, sizeof v);
    ck_assert_ptr_nonnull(strstr(v, reply_tag((size_t)s)));
    pfake_reply(F, (size_t)u, 200, "Expires: 0\r\n", NULL, NULL);
    pfake_advance(F, 5 * 60 * 1000);
    only_one_subscription(s);
    ck_assert_uint_eq(pfake_count(F, "SUBSCRIBE "), 2);
    destroy();
}
END_TEST

static uint64_t fetch_id;
static char fetch_url[128];
static void on_fetch(void *ctx, uint64_t id, sp_str url, uint64_t max)
{
    (void)ctx;
    (void)max;
    fetch_id = id;
    snprintf(fetch_url, sizeof fetch_url, "%.*s", (int)url.n, url.p);
}

static void with_fetch(push_pra_config *c) { c->fetch = on_fetch; }

START_TEST(notify_with_indirect_content)
{
    tweak = with_fetch;
    make(true);
    fetch_url[0] = '\0';
    long s = pfake_last(F, "SUBSCRIBE ");
    accept_sub(s);
    /* seed 002 §7.2.1.2 c: the reference is fetched, the NOTIFY answered once it is here */
    notify_ct((size_t)s, "z9hG4bKx1", 2, "active;expires=3000",
              "message/external-body;access-type=URL;URL=\"http://10.0.0.7/n\";expiration=\"Tue, 07 Aug 2031 "
              "10:13:00 GMT\";size=5",
              "Content-Type: text/plain\r\n\r\n");
    ck_assert_str_eq(fetch_url, "http://10.0.0.7/n");
    long before = pfake_last(F, "SIP/2.0 ");
    ck_assert_uint_eq(pushes, 0);
    push_pra_fetch_done(A, fetch_id, 200, SP_LIT("text/plain"), "hello", 5);
    ck_assert_int_gt(pfake_last(F, "SIP/2.0 "), before);
    ck_assert_uint_eq(last_status(), 200);
    ck_assert_uint_eq(pushes, 1);
    ck_assert_str_eq(body, "hello");
    ck_assert_str_eq(app, "wml.ua");
    destroy();
}
END_TEST

static Suite *push_pra_sub_suite(void)
{
    Suite *s = suite_create("push_pra_sub");
    TCase *t = tcase_create("subscriptions");
    tcase_add_test(t, subscribe_ua_profile_and_notify_push);
    tcase_add_test(t, notify_before_the_2xx_makes_the_dialog);
    tcase_add_test(t, refer_triggers_subscription_and_sipfrag_notifies);
    tcase_add_test(t, refer_refusals);
    tcase_add_test(t, refer_subscribe_refused_is_reported_at_once);
    tcase_add_test(t, refer_subscribe_without_notify_is_reported_at_timer_n);
    tcase_add_test(t, accepted_subscription_without_notify_fails_at_timer_n);
    tcase_add_test(t, first_notify_in_time_keeps_the_refresh_schedule);
    tcase_add_test(t, refer_sender_checks);
    tcase_add_test(t, subscribe_discloses_invite_and_dev_cap);
    tcase_add_test(t, resubscribes_as_the_termination_reason_says);
    tcase_add_test(t, unsubscribes_on_stop);
    tcase_add_test(t, stop_while_subscribing_never_subscribes_again);
    tcase_add_test(t, a_2xx_after_stop_is_unsubscribed_at_once);
    tcase_add_test(t, notify_with_indirect_content);
    suite_add_tcase(s, t);
    return s;
}

CHECK_MAIN(push_pra_sub_suite)
