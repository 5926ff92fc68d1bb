/* test_push_psa.c - the Push Sender Agent on a fake clock and network:
 * registrations (direct and third party), the ua-profile notifier and its
 * refusals, MESSAGE and NOTIFY pushes read through Appendix Q, the
 * page-mode bound, INVITE not yet available, REFER, OPTIONS and
 * reachability, and the reg event. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "msrp_tp.h"
#include "push_fake.h"
#include "msrp_session.h"
#include "push_invite.h"
#include "push_psa.h"
#include "sip_stateless.h"
#include "sp_random.h"
#include "tp_loop.h"

#define CORE "10.0.0.1"
#define UE "10.0.0.4"

static pfake *F;
static push_psa *P;
static push_psa_result res;
static unsigned results, registered, unregistered, subscribed, sub_ended, regstate;
static size_t last_count;
static char last_reason[96];

static void on_event(void *ctx, const push_psa_event *ev)
{
    (void)ctx;
    registered += ev->kind == PUSH_PSA_EV_REGISTERED;
    unregistered += ev->kind == PUSH_PSA_EV_UNREGISTERED;
    subscribed += ev->kind == PUSH_PSA_EV_SUBSCRIBED;
    sub_ended += ev->kind == PUSH_PSA_EV_SUB_ENDED;
    if (ev->kind == PUSH_PSA_EV_REGSTATE) {
        regstate++;
        last_count = ev->count;
    }
    if (ev->reason.p)
        snprintf(last_reason, sizeof last_reason, "%.*s", (int)ev->reason.n, ev->reason.p);
}

static void on_done(void *ctx, const push_psa_result *r)
{
    (void)ctx;
    res = *r;
    results++;
}

static void timer(void *agent, uint64_t cookie) { push_psa_timer(agent, cookie); }

static void (*tweak)(push_psa_config *c);
static uint32_t fake_txns; /* the layer's table for the next make(); 0: its default */

static void make(bool watch)
{
    results = registered = unregistered = subscribed = sub_ended = regstate = 0;
    memset(&res, 0, sizeof res);
    F = pfake_new_sized(push_psa_allow().p, PUSH_PSA_SUPPORTED, fake_txns);
    fake_txns = 0;
    push_psa_config c;
    memset(&c, 0, sizeof c);
    c.identity = SP_LIT("sip:psa@example.com");
    c.trust[c.ntrust++] = SP_LIT(CORE);
    c.trust[c.ntrust++] = SP_LIT(UE);
    if (watch) {
        c.watch[c.nwatch++] = SP_LIT("sip:bob@example.com");
        c.proxy = SP_LIT("sip:" CORE ":5060");
    }
    c.local = pfake_local();
    c.on_event = on_event;
    if (tweak)
        tweak(&c);
    tweak = NULL;
    P = push_psa_new(&c, &F->env, NULL);
    ck_assert_ptr_nonnull(P);
    pfake_attach(F, P, push_psa_tu(P), timer);
    push_psa_set_layer(P, F->L);
    push_psa_start(P);
}

/* A session-mode sender on the fake network: its MSRP endpoint is made
 * but its loop never runs (only the SIP side is looked at). */
static tp_loop *inv_loop;
static msrp_endpoint *inv_ep;
static push_invite_ctx inv;

static void with_invite(push_psa_config *c)
{
    inv_loop = tp_loop_new();
    ck_assert_int_eq(msrp_endpoint_new(inv_loop, NULL, &inv_ep), 0);
    memset(&inv, 0, sizeof inv);
    inv.env = F->env;
    inv.sip = F->L;
    inv.msrp = inv_ep;
    inv.msrp_host = "10.0.0.9";
    inv.msrp_port = 2855;
    inv.local = pfake_local();
    inv.tp = SIP_TP_UDP;
    inv.user = SP_LIT("psa");
    c->invite = &inv;
    c->icsi = SP_LIT("urn:urn-7:3gpp-service.ims.icsi.oma.push");
}

static void destroy(void)
{
    sip_txn_layer_free(F->L); /* the layer before the agent (push_psa.h) */
    F->L = NULL;
    push_psa_free(P);
    pfake_free(F);
    if (inv_loop) {
        msrp_endpoint_free(inv_ep);
        tp_loop_run_once(inv_loop, 0); /* what the endpoint left to the loop */
        tp_loop_free(inv_loop);
        inv_loop = NULL;
    }
}

static unsigned last_status(void)
{
    long i = pfake_last(F, "SIP/2.0 ");
    ck_assert_int_ge(i, 0);
    return (unsigned)atoi(pfake_msg(F, (size_t)i) + 8);
}

static void reg(const char *from_host, const char *branch, const char *from, const char *contact, unsigned expires)
{
    char m[2048];
    snprintf(m, sizeof m,
             "REGISTER sip:psa.example.com SIP/2.0\r\nVia: SIP/2.0/UDP %s:5060;branch=%s\r\nMax-Forwards: 70\r\n"
             "To: \"Bob\" <sip:bob@example.com>\r\nFrom: <%s>;tag=456249\r\nCall-ID: r-%s@x\r\nCSeq: 1 REGISTER\r\n"
             "Supported: gruu\r\nRequire: pref\r\nContact: %s\r\nExpires: %u\r\nContent-Length: 0\r\n\r\n",
             from_host, branch, from, branch, contact, expires);
    pfake_inject(F, m, from_host, 5060);
}

#define UE_CONTACT                                                                                                     \
    "<sip:bob@" UE ":5060>;+sip.instance=\"<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>\";+g.oma.pusheventapp=\"mms.ua\"" \
    ";methods=\"MESSAGE,NOTIFY\""

START_TEST(register_direct_and_third_party)
{
    make(false);
    reg(UE, "z9hG4bKg1", "sip:bob@example.com", UE_CONTACT, 7200);
    ck_assert_uint_eq(last_status(), 200);
    const char *m = pfake_msg(F, (size_t)pfake_last(F, "SIP/2.0 200"));
    ck_assert_ptr_nonnull(strstr(m, "Contact: <sip:bob@" UE ":5060>;expires=7200"));
    ck_assert_ptr_nonnull(strstr(m, ";pub-gruu=\"sip:bob@example.com;gr=urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6\""));
    ck_assert_uint_eq(registered, 1);
    ck_assert_uint_eq(push_psa_bindings(P, SP_LIT("sip:bob@example.com")), 1);
    /* seed 001 B.1: the core's third-party REGISTER, its own Contact */
    reg(CORE, "z9hG4bKg2", "sip:registrar.example.com", "<sip:registrar.example.com>", 7200);
    ck_assert_uint_eq(last_status(), 200);
    ck_assert_uint_eq(push_psa_bindings(P, SP_LIT("sip:bob@example.com")), 2);
    /* an untrusted peer is refused */
    reg("10.6.6.6", "z9hG4bKg3", "sip:bob@example.com", "<sip:bob@10.6.6.6>", 60);
    ck_assert_uint_eq(last_status(), 403);
    ck_assert_uint_eq(push_psa_bindings(P, SP_LIT("sip:bob@example.com")), 2);
    /* de-registration of everything; an INVITE must wait now (seed 000 §8.2.5.1) */
    ck_assert(push_psa_may_invite(P, SP_LIT("sip:bob@example.com")));
    reg(UE, "z9hG4bKg4", "sip:bob@example.com", "*", 0);
    ck_assert_uint_eq(last_status(), 200);
    ck_assert_uint_eq(push_psa_bindings(P, SP_LIT("sip:bob@example.com")), 0);
    ck_assert(!push_psa_may_invite(P, SP_LIT("sip:bob@example.com")));
    ck_assert_uint_eq(unregistered, 2);
    /* an OPTIONS answered makes it reachable again */
    ck_assert_int_eq(push_psa_options(P, SP_LIT("sip:bob@example.com"), NULL, NULL), 0);
    long o = pfake_last(F, "OPTIONS ");
    ck_assert_int_ge(o, 0);
    pfake_reply(F, (size_t)o, 200, "Allow: MESSAGE, NOTIFY\r\n", NULL, NULL);
    ck_assert(push_psa_may_invite(P, SP_LIT("sip:bob@example.com")));
    destroy();
}
END_TEST

START_TEST(bindings_expire)
{
    make(false);
    reg(UE, "z9hG4bKx1", "sip:bob@example.com", UE_CONTACT, 60);
    ck_assert_uint_eq(push_psa_bindings(P, SP_LIT("sip:bob@example.com")), 1);
    pfake_advance(F, 61000);
    ck_assert_uint_eq(push_psa_bindings(P, SP_LIT("sip:bob@example.com")), 0);
    destroy();
}
END_TEST

/* A REGISTER from the UE with these Contact lines (none: a query). */
static void reg_lines(const char *branch, const char *contact_lines)
{
    char m[2048];
    snprintf(m, sizeof m,
             "REGISTER sip:psa.example.com SIP/2.0\r\nVia: SIP/2.0/UDP " UE ":5060;branch=%s\r\nMax-Forwards: 70\r\n"
             "To: <sip:bob@example.com>\r\nFrom: <sip:bob@example.com>;tag=456249\r\nCall-ID: r-%s@x\r\n"
             "CSeq: 1 REGISTER\r\n%sExpires: 3600\r\nContent-Length: 0\r\n\r\n",
             branch, branch, contact_lines);
    pfake_inject(F, m, UE, 5060);
}

/* Whether the last 200 lists a binding of this contact URI. */
static bool bound_in_last_200(const char *contact)
{
    char want[128];
    snprintf(want, sizeof want, "Contact: <%s>;expires=", contact);
    long i = pfake_last(F, "SIP/2.0 200");
    return i >= 0 && strstr(pfake_msg(F, (size_t)i), want) != NULL;
}

/* The last REGISTER was answered 200, binds in and not out, and bob has n bindings. */
static void check_applied(const char *in, const char *out, size_t n)
{
    ck_assert_uint_eq(last_status(), 200);
    ck_assert(bound_in_last_200(in));
    ck_assert(!bound_in_last_200(out));
    ck_assert_uint_eq(push_psa_bindings(P, SP_LIT("sip:bob@example.com")), n);
}

#define BOB_A "sip:bob@10.0.0.5"
#define BOB_B "sip:bob@10.0.0.6"
#define BOB_C "sip:bob@10.0.0.7"
#define BOB_D "sip:bob@10.0.0.8"

/* RFC 3261 §10.3 step 7: the bindings change only if every Contact can be
 * applied; one bad Contact after good ones leaves them as they were. */
START_TEST(register_with_a_bad_contact_changes_no_binding)
{
    make(false);
    reg_lines("z9hG4bKa1", "Contact: <" BOB_A ">\r\n");
    ck_assert_uint_eq(last_status(), 200);
    ck_assert_uint_eq(registered, 1);
    const char *bad[] = {
        /* an addition and a removal, then an expires that is no number */
        "Contact: <" BOB_B ">;expires=60, <" BOB_A ">;expires=0, <" BOB_C ">;expires=soon\r\n",
        /* the same across Contact lines, the last one not an address */
        "Contact: <" BOB_B ">;expires=60\r\nContact: <" BOB_A ">;expires=0\r\nContact: <sip:bob@10.0.0.9\r\n",
        /* "*" among other Contacts (§10.3 step 6) */
        "Contact: <" BOB_A ">;expires=0, *\r\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char branch[32];
        snprintf(branch, sizeof branch, "z9hG4bKb%zu", i);
        reg_lines(branch, bad[i]);
        ck_assert_uint_eq(last_status(), 400);
        ck_assert_uint_eq(push_psa_bindings(P, SP_LIT("sip:bob@example.com")), 1);
        ck_assert_uint_eq(registered, 1);
        ck_assert_uint_eq(unregistered, 0);
    }
    reg_lines("z9hG4bKa2", ""); /* a query: the bindings as they are */
    check_applied(BOB_A, BOB_B, 1);
    /* the same Contacts without the bad one are applied */
    reg_lines("z9hG4bKa3", "Contact: <" BOB_B ">;expires=60, <" BOB_A ">;expires=0\r\n");
    check_applied(BOB_B, BOB_A, 1);
    destroy();
}
END_TEST

static void three_bindings(push_psa_config *c) { c->max_bindings = 3; }

/* The bindings limit counts the whole REGISTER: one whose last Contact
 * would pass it is refused with 503 and binds none of the others. */
START_TEST(bindings_limit_refuses_the_whole_register)
{
    tweak = three_bindings;
    make(false);
    reg_lines("z9hG4bKl1", "Contact: <" BOB_A ">\r\n");
    ck_assert_uint_eq(last_status(), 200);
    /* 1 + 3 > 3: refused whole */
    reg_lines("z9hG4bKl2", "Contact: <" BOB_B ">, <" BOB_C ">\r\nContact: <" BOB_D ">\r\n");
    ck_assert_uint_eq(last_status(), 503);
    ck_assert_uint_eq(push_psa_bindings(P, SP_LIT("sip:bob@example.com")), 1);
    ck_assert_uint_eq(registered, 1);
    /* 1 + 2 = 3: the limit is taken */
    reg_lines("z9hG4bKl3", "Contact: <" BOB_B ">, <" BOB_C ">\r\n");
    ck_assert_uint_eq(last_status(), 200);
    ck_assert_uint_eq(push_psa_bindings(P, SP_LIT("sip:bob@example.com")), 3);
    /* a refresh of a bound contact needs no room */
    reg_lines("z9hG4bKl4", "Contact: <" BOB_A ">;expires=120, <" BOB_B ">\r\n");
    ck_assert_uint_eq(last_status(), 200);
    /* the limit + 1 is refused, the refreshes beside it too */
    reg_lines("z9hG4bKl5", "Contact: <" BOB_A ">;expires=600, <" BOB_D ">\r\n");
    ck_assert_uint_eq(last_status(), 503);
    ck_assert_uint_eq(push_psa_bindings(P, SP_LIT("sip:bob@example.com")), 3);
    reg_lines("z9hG4bKl6", "");
    check_applied(BOB_A, BOB_D, 3);
    ck_assert(strstr(pfake_msg(F, (size_t)pfake_last(F, "SIP/2.0 200")), "Contact: <" BOB_A ">;expires=120\r\n"));
    /* a removal frees its slot for an addition of the same REGISTER */
    reg_lines("z9hG4bKl7", "Contact: <" BOB_D ">, <" BOB_C ">;expires=0\r\n");
    check_applied(BOB_D, BOB_C, 3);
    destroy();
}
END_TEST

/* The methods of a user's bindings are read within the table the agent was
 * made with, whatever its size. */
START_TEST(receiver_caps_within_a_small_table)
{
    tweak = three_bindings;
    make(false);
    reg_lines("z9hG4bKrc1", "Contact: <" BOB_A ">;methods=\"MESSAGE\"\r\n");
    ck_assert_uint_eq(last_status(), 200);
    push_caps c = push_psa_receiver_caps(P, SP_LIT("sip:bob@example.com"));
    ck_assert(c.known && c.message && !c.invite);
    ck_assert(!push_psa_receiver_caps(P, SP_LIT("sip:carol@example.com")).known);
    destroy();
}
END_TEST

/* The push applications a user's bindings registered: each value once,
 * newest binding first. */
START_TEST(receiver_apps_of_the_bindings)
{
    make(false);
    char apps[64];
    ck_assert_uint_eq(push_psa_receiver_apps(P, SP_LIT("sip:bob@example.com"), apps, sizeof apps), 0);
    ck_assert_str_eq(apps, "");
    reg_lines("z9hG4bKra1", "Contact: <" BOB_A ">;+g.oma.pusheventapp=\"wml.ua\", <" BOB_B
                            ">;+g.oma.pusheventapp=\"wml.ua\", <" BOB_C ">;+g.oma.pusheventapp=\"mms.ua\"\r\n");
    ck_assert_uint_eq(last_status(), 200);
    ck_assert_uint_eq(push_psa_receiver_apps(P, SP_LIT("sip:bob@example.com"), apps, sizeof apps),
                      strlen("mms.ua, wml.ua"));
    ck_assert_str_eq(apps, "mms.ua, wml.ua");
    /* a value that does not fit is left out, the rest stays whole */
    char small[12];
    ck_assert_uint_eq(push_psa_receiver_apps(P, SP_LIT("sip:bob@example.com"), small, sizeof small), 6);
    ck_assert_str_eq(small, "mms.ua");
    ck_assert_uint_eq(push_psa_receiver_apps(P, SP_LIT("sip:carol@example.com"), apps, sizeof apps), 0);
    destroy();
}
END_TEST

static void subscribe(const char *branch, const char *callid, const char *event, const char *pai, unsigned expires)
{
    char m[2048];
    snprintf(m, sizeof m,
             "SUBSCRIBE sip:psa@example.com SIP/2.0\r\nVia: SIP/2.0/UDP " CORE ":5060;branch=%s\r\nMax-Forwards: 70\r\n"
             "%sFrom: \"Bob\" <sip:bob@example.com>;tag=sb77a1\r\nTo: <sip:psa@example.com>\r\nCall-ID: %s\r\n"
             "CSeq: 1 SUBSCRIBE\r\nContact: <sip:bob@" UE ":5060>\r\nEvent: %s\r\nExpires: %u\r\nContent-Length: 0\r\n\r\n",
             branch, pai, callid, event, expires);
    pfake_inject(F, m, CORE, 5060);
}

#define SUB_PAI "P-Asserted-Identity: <sip:bob@example.com>\r\n"
#define UA_EVENT "ua-profile;profile-type=oma-app;event-app-id=\"mms.ua\";vendor=\"acme\";model=\"pc100\";version=\"1.0\""

START_TEST(subscription_refusals)
{
    make(false);
    subscribe("z9hG4bKs1", "s1@x", "presence", SUB_PAI, 600);
    ck_assert_uint_eq(last_status(), 489);
    char ae[64];
    ck_assert(pfake_header(F, (size_t)pfake_last(F, "SIP/2.0 "), "Allow-Events", ae, sizeof ae));
    ck_assert_str_eq(ae, "ua-profile");
    subscribe("z9hG4bKs2", "s2@x", "ua-profile;profile-type=device", SUB_PAI, 600);
    ck_assert_uint_eq(last_status(), 489);
    subscribe("z9hG4bKs3", "s3@x", UA_EVENT, "", 600);
    ck_assert_uint_eq(last_status(), 403);
    ck_assert_str_eq(last_reason, "P-Asserted-Identity missing");
    /* the application under another name ("appids=", RFC 6080 has no such
     * parameter) or not at all: the subscription would carry nothing */
    const char *unnamed[] = {"ua-profile;profile-type=oma-app;appids=\"mms.ua\"", "ua-profile;profile-type=oma-app",
                             "ua-profile;profile-type=oma-app;event-app-id=\"\""};
    for (size_t i = 0; i < sizeof unnamed / sizeof unnamed[0]; i++) {
        char branch[32], callid[32];
        snprintf(branch, sizeof branch, "z9hG4bKapp%zu", i);
        snprintf(callid, sizeof callid, "app%zu@x", i);
        subscribe(branch, callid, unnamed[i], SUB_PAI, 600);
        ck_assert_uint_eq(last_status(), 400);
        ck_assert_ptr_nonnull(strstr(pfake_msg(F, (size_t)pfake_last(F, "SIP/2.0 ")),
                                     "SIP/2.0 400 Event Has No event-app-id\r\n"));
        ck_assert_str_eq(last_reason, "Event Has No event-app-id");
    }
    ck_assert_uint_eq(subscribed, 0);
    ck_assert_uint_eq(push_psa_subscriptions(P, SP_LIT("sip:bob@example.com"), SP_STR_NULL), 0);
    destroy();
}
END_TEST

/* Seed 002 §6.1 (3), §7.2.1.1: the device the ua-profile Event names is
 * kept with the subscription, the newest one's given. */
START_TEST(subscription_keeps_the_device_profile)
{
    make(false);
    push_psa_profile pr;
    ck_assert(!push_psa_receiver_profile(P, SP_LIT("sip:bob@example.com"), &pr));
    subscribe("z9hG4bKdp1", "dp1@x", UA_EVENT, SUB_PAI, 600);
    ck_assert_uint_eq(last_status(), 200);
    ck_assert(push_psa_receiver_profile(P, SP_LIT("sip:bob@example.com"), &pr));
    ck_assert_str_eq(pr.vendor, "acme");
    ck_assert_str_eq(pr.model, "pc100");
    ck_assert_str_eq(pr.version, "1.0");
    ck_assert_str_eq(pr.dev_cap, "");
    subscribe("z9hG4bKdp2", "dp2@x",
              "ua-profile;profile-type=oma-app;event-app-id=\"wml.ua\";dev-cap=\"http://uaprof.example.com/p.xml\"",
              SUB_PAI, 600);
    ck_assert_uint_eq(last_status(), 200);
    ck_assert(push_psa_receiver_profile(P, SP_LIT("sip:bob@example.com"), &pr));
    ck_assert_str_eq(pr.dev_cap, "http://uaprof.example.com/p.xml");
    ck_assert_str_eq(pr.vendor, "");
    /* a vendor longer than its field is not kept; the subscription stands */
    char ev[256], vendor[PUSH_PSA_DEVICE_FIELD_MAX + 1];
    memset(vendor, 'v', PUSH_PSA_DEVICE_FIELD_MAX);
    vendor[PUSH_PSA_DEVICE_FIELD_MAX] = '\0';
    snprintf(ev, sizeof ev, "ua-profile;profile-type=oma-app;event-app-id=\"a.ua\";vendor=\"%s\"", vendor);
    subscribe("z9hG4bKdp3", "dp3@x", ev, "P-Asserted-Identity: <sip:carol@example.com>\r\n", 600);
    ck_assert_uint_eq(last_status(), 200);
    ck_assert(!push_psa_receiver_profile(P, SP_LIT("sip:carol@example.com"), &pr));
    vendor[PUSH_PSA_DEVICE_FIELD_MAX - 1] = '\0';
    snprintf(ev, sizeof ev, "ua-profile;profile-type=oma-app;event-app-id=\"b.ua\";vendor=\"%s\"", vendor);
    subscribe("z9hG4bKdp4", "dp4@x", ev, "P-Asserted-Identity: <sip:carol@example.com>\r\n", 600);
    ck_assert_uint_eq(last_status(), 200);
    ck_assert(push_psa_receiver_profile(P, SP_LIT("sip:carol@example.com"), &pr));
    ck_assert_str_eq(pr.vendor, vendor);
    destroy();
}
END_TEST

START_TEST(subscription_notify_push_and_expiry)
{
    make(false);
    subscribe("z9hG4bKs4", "s4@x", UA_EVENT, SUB_PAI, 600);
    ck_assert_uint_eq(last_status(), 200);
    ck_assert_uint_eq(subscribed, 1);
    long n = pfake_last(F, "NOTIFY ");
    ck_assert_int_ge(n, 0);
    const char *m = pfake_msg(F, (size_t)n);
    ck_assert_ptr_nonnull(strstr(m, "NOTIFY sip:bob@" UE ":5060 SIP/2.0\r\n"));
    ck_assert_ptr_nonnull(strstr(m, "Event: ua-profile;profile-type=oma-app;event-app-id=\"mms.ua\"\r\n"));
    ck_assert_ptr_nonnull(strstr(m, "Subscription-State: active;expires=600\r\n"));
    pfake_reply(F, (size_t)n, 200, NULL, NULL, NULL);
    ck_assert_uint_eq(push_psa_subscriptions(P, SP_LIT("sip:bob@example.com"), SP_LIT("mms.ua")), 1);
    /* a push by NOTIFY in it */
    push_psa_push p = {.ask = PUSH_ASK_NOTIFY, .to = SP_LIT("sip:bob@example.com"), .app = SP_LIT("mms.ua"),
                       .content_type = SP_LIT("text/plain"), .body = SP_LIT("hello")};
    push_psa_result now;
    ck_assert_int_eq(push_psa_send(P, &p, on_done, NULL, &now), 0);
    n = pfake_last(F, "NOTIFY ");
    m = pfake_msg(F, (size_t)n);
    ck_assert_ptr_nonnull(strstr(m, "P-Asserted-Identity: <sip:psa@example.com>\r\n"));
    ck_assert_ptr_nonnull(strstr(m, "Content-Type: text/plain\r\n"));
    ck_assert_ptr_nonnull(strstr(m, "\r\n\r\nhello"));
    ck_assert_uint_eq(results, 0);
    pfake_reply(F, (size_t)n, 200, NULL, NULL, NULL);
    ck_assert_uint_eq(results, 1);
    ck_assert(res.delivered);
    ck_assert_int_eq(res.method, PUSH_METHOD_NOTIFY);
    /* for another application there is no subscription */
    p.app = SP_LIT("sms.ua");
    ck_assert_int_eq(push_psa_send(P, &p, on_done, NULL, &now), 1);
    ck_assert_uint_eq(now.status, 481);
    /* expiry: NOTIFY terminated;reason=timeout */
    pfake_advance(F, 601000);
    n = pfake_last(F, "NOTIFY ");
    ck_assert_ptr_nonnull(strstr(pfake_msg(F, (size_t)n), "Subscription-State: terminated;reason=timeout\r\n"));
    ck_assert_uint_eq(sub_ended, 1);
    ck_assert_uint_eq(push_psa_subscriptions(P, SP_LIT("sip:bob@example.com"), SP_LIT("")), 0);
    destroy();
}
END_TEST

/* RFC 6665 §4.2.1.1: the notifier may shorten the Expires asked for, never
 * lengthen it; the 200 and the NOTIFY say what was granted, and the
 * subscription ends when the granted time is up. */
static void short_subscriptions(push_psa_config *c) { c->max_sub_expires = 900; }

static unsigned granted(void)
{
    char e[16];
    ck_assert_uint_eq(last_status(), 200);
    ck_assert(pfake_header(F, (size_t)pfake_last(F, "SIP/2.0 "), "Expires", e, sizeof e));
    return (unsigned)atoi(e);
}

START_TEST(granted_expires_is_capped)
{
    tweak = short_subscriptions;
    make(false);
    subscribe("z9hG4bKc1", "c1@x", UA_EVENT, SUB_PAI, 900); /* at the cap: as asked */
    ck_assert_uint_eq(granted(), 900);
    ck_assert_ptr_nonnull(strstr(pfake_msg(F, (size_t)pfake_last(F, "NOTIFY ")), "Subscription-State: active;expires=900\r\n"));
    pfake_reply(F, (size_t)pfake_last(F, "NOTIFY "), 200, NULL, NULL, NULL);
    subscribe("z9hG4bKc2", "c2@x", UA_EVENT, SUB_PAI, 901); /* one past it: capped */
    ck_assert_uint_eq(granted(), 900);
    ck_assert_ptr_nonnull(strstr(pfake_msg(F, (size_t)pfake_last(F, "NOTIFY ")), "Subscription-State: active;expires=900\r\n"));
    pfake_reply(F, (size_t)pfake_last(F, "NOTIFY "), 200, NULL, NULL, NULL);
    subscribe("z9hG4bKc3", "c3@x", UA_EVENT, SUB_PAI, 60); /* shorter: as asked */
    ck_assert_uint_eq(granted(), 60);
    pfake_reply(F, (size_t)pfake_last(F, "NOTIFY "), 200, NULL, NULL, NULL);
    ck_assert_uint_eq(push_psa_subscriptions(P, SP_LIT("sip:bob@example.com"), SP_LIT("mms.ua")), 3);
    pfake_advance(F, 61000);
    ck_assert_uint_eq(sub_ended, 1);
    /* the capped one ends at 900 s, not at the 901 asked */
    pfake_advance(F, 899000 - 61000);
    ck_assert_uint_eq(push_psa_subscriptions(P, SP_LIT("sip:bob@example.com"), SP_LIT("mms.ua")), 2);
    pfake_advance(F, 1001);
    ck_assert_uint_eq(sub_ended, 3);
    ck_assert_uint_eq(push_psa_subscriptions(P, SP_LIT("sip:bob@example.com"), SP_LIT("")), 0);
    destroy();
    /* the default cap */
    make(false);
    subscribe("z9hG4bKc4", "c4@x", UA_EVENT, SUB_PAI, PUSH_PSA_SUB_EXPIRES_DEFAULT);
    ck_assert_uint_eq(granted(), PUSH_PSA_SUB_EXPIRES_DEFAULT);
    subscribe("z9hG4bKc5", "c5@x", UA_EVENT, SUB_PAI, PUSH_PSA_SUB_EXPIRES_DEFAULT + 1);
    ck_assert_uint_eq(granted(), PUSH_PSA_SUB_EXPIRES_DEFAULT);
    destroy();
}
END_TEST

START_TEST(notify_481_ends_the_subscription)
{
    make(false);
    subscribe("z9hG4bKs5", "s5@x", UA_EVENT, SUB_PAI, 600);
    push_psa_push p = {.ask = PUSH_ASK_AUTO, .to = SP_LIT("sip:bob@example.com"), .app = SP_LIT("mms.ua"),
                       .content_type = SP_LIT("text/plain"), .body = SP_LIT("x")};
    /* auto with a subscription and no registration saying otherwise: MESSAGE first */
    push_psa_result now;
    ck_assert_int_eq(push_psa_send(P, &p, on_done, NULL, &now), 0);
    ck_assert_int_ge(pfake_last(F, "MESSAGE "), 0);
    p.ask = PUSH_ASK_NOTIFY;
    ck_assert_int_eq(push_psa_send(P, &p, on_done, NULL, &now), 0);
    pfake_reply(F, (size_t)pfake_last(F, "NOTIFY "), 481, NULL, NULL, NULL);
    ck_assert(!res.delivered);
    ck_assert_uint_eq(res.status, 481);
    ck_assert_uint_eq(push_psa_subscriptions(P, SP_LIT("sip:bob@example.com"), SP_LIT("")), 0);
    ck_assert_str_eq(last_reason, "NOTIFY answered 481");
    /* the next push through it finds no subscription */
    ck_assert_int_eq(push_psa_send(P, &p, on_done, NULL, &now), 1);
    ck_assert_uint_eq(now.status, 481);
    destroy();
}
END_TEST

START_TEST(message_push_and_outcomes)
{
    make(false);
    push_psa_push p = {.ask = PUSH_ASK_MESSAGE, .to = SP_LIT("sip:bob@" UE ":5060"), .app = SP_LIT("mms.ua"),
                       .content_type = SP_LIT("application/vnd.oma.push"), .body = SP_LIT("push content"),
                       .headers = SP_LIT("Content-Language: en\r\n")};
    push_psa_result now;
    ck_assert_int_eq(push_psa_send(P, &p, on_done, NULL, &now), 0);
    long i = pfake_last(F, "MESSAGE ");
    const char *m = pfake_msg(F, (size_t)i);
    ck_assert_ptr_nonnull(strstr(m, "MESSAGE sip:bob@" UE ":5060 SIP/2.0\r\n"));
    ck_assert_ptr_nonnull(strstr(m, "P-Asserted-Identity: <sip:psa@example.com>\r\n"));
    ck_assert_ptr_nonnull(strstr(m, "Accept-Contact: *;+g.oma.pusheventapp=\"mms.ua\";require;explicit\r\n"));
    ck_assert_ptr_nonnull(strstr(m, "Content-Language: en\r\n"));
    ck_assert_ptr_nonnull(strstr(m, "Content-Type: application/vnd.oma.push\r\n"));
    pfake_reply(F, (size_t)i, 200, NULL, NULL, NULL);
    ck_assert(res.delivered);
    ck_assert_uint_eq(res.bytes, 12);
    /* Appendix Q: 486 may be retried, 404 not, no answer is 408 and may be */
    static const struct {
        unsigned code;
        bool retry;
    } rows[] = {{486, true}, {404, false}, {415, false}, {603, true}};
    for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++) {
        ck_assert_int_eq(push_psa_send(P, &p, on_done, NULL, &now), 0);
        pfake_reply(F, (size_t)pfake_last(F, "MESSAGE "), rows[k].code, NULL, NULL, NULL);
        ck_assert(!res.delivered);
        ck_assert_uint_eq(res.status, rows[k].code);
        ck_assert_int_eq(res.retry, rows[k].retry);
    }
    ck_assert_int_eq(push_psa_send(P, &p, on_done, NULL, &now), 0);
    unsigned before = results;
    pfake_advance(F, 40000);
    ck_assert_uint_eq(results, before + 1);
    ck_assert_uint_eq(res.status, 408);
    ck_assert(res.retry);
    destroy();
}
END_TEST

/* A push sent again (after a restart from the journal) keeps its ids, so
 * the receiver's duplicate table knows it (RFC 3428 §7); held behind
 * another MESSAGE to the same URI, it keeps them too. */
START_TEST(message_push_keeps_given_ids)
{
    make(false);
    push_psa_push first = {.ask = PUSH_ASK_MESSAGE, .to = SP_LIT("sip:bob@" UE ":5060"),
                           .content_type = SP_LIT("text/plain"), .body = SP_LIT("one")};
    push_psa_push again = first;
    again.body = SP_LIT("two");
    again.call_id = SP_LIT("kept-call-id-1");
    again.from_tag = SP_LIT("kepttag");
    again.cseq = 7;
    push_psa_result now;
    ck_assert_int_eq(push_psa_send(P, &first, on_done, NULL, &now), 0);
    long i = pfake_last(F, "MESSAGE ");
    char v[128];
    ck_assert(pfake_header(F, (size_t)i, "Call-ID", v, sizeof v));
    ck_assert_str_ne(v, "kept-call-id-1"); /* none given: fresh ones */
    ck_assert_int_eq(push_psa_send(P, &again, on_done, NULL, &now), 0); /* queued behind the first */
    pfake_reply(F, (size_t)i, 200, NULL, NULL, NULL);
    long k = pfake_last(F, "MESSAGE ");
    ck_assert_int_gt(k, i);
    ck_assert(pfake_header(F, (size_t)k, "Call-ID", v, sizeof v));
    ck_assert_str_eq(v, "kept-call-id-1");
    ck_assert(pfake_header(F, (size_t)k, "CSeq", v, sizeof v));
    ck_assert_str_eq(v, "7 MESSAGE");
    ck_assert(pfake_header(F, (size_t)k, "From", v, sizeof v));
    ck_assert_ptr_nonnull(strstr(v, ";tag=kepttag"));
    destroy();
}
END_TEST

/* A binding made again from the journal is as the REGISTER made it: it
 * counts, expires, and refuses past the limit. */
START_TEST(binding_restore)
{
    tweak = three_bindings;
    make(false);
    sp_str aor = SP_LIT("sip:bob@example.com");
    sp_str params = SP_LIT(";+sip.instance=\"<urn:uuid:00000000-0000-0000-0000-000000000001>\"");
    ck_assert_int_eq(push_psa_binding_restore(P, aor, SP_LIT(BOB_A), params, 600, false, true), 0);
    ck_assert_uint_eq(push_psa_bindings(P, aor), 1);
    ck_assert_uint_eq(registered, 1);
    ck_assert_int_eq(push_psa_binding_restore(P, aor, SP_LIT(BOB_A), params, 0, false, true), SP_EINVAL);
    ck_assert_int_eq(push_psa_binding_restore(P, aor, SP_LIT(BOB_B), SP_STR_NULL, 600, true, false), 0);
    ck_assert_int_eq(push_psa_binding_restore(P, aor, SP_LIT(BOB_C), SP_STR_NULL, 600, true, false), 0);
    ck_assert_uint_eq(push_psa_bindings(P, aor), 3);
    /* the limit (3) is taken; one more is refused, a refresh of one held is not */
    ck_assert_int_eq(push_psa_binding_restore(P, aor, SP_LIT(BOB_D), SP_STR_NULL, 600, true, false), SP_ELIMIT);
    ck_assert_int_eq(push_psa_binding_restore(P, aor, SP_LIT(BOB_B), SP_STR_NULL, 300, true, false), 0);
    ck_assert_uint_eq(push_psa_bindings(P, aor), 3);
    pfake_advance(F, 601 * 1000);
    ck_assert_uint_eq(push_psa_bindings(P, aor), 0);
    destroy();
}
END_TEST

START_TEST(page_mode_bound_and_invite)
{
    make(false);
    char big[1302];
    memset(big, 'a', sizeof big);
    push_psa_push p = {.ask = PUSH_ASK_MESSAGE, .to = SP_LIT("sip:bob@" UE), .content_type = SP_LIT("text/plain"),
                       .body = sp_str_make(big, 1300)};
    push_psa_result now;
    ck_assert_int_eq(push_psa_send(P, &p, on_done, NULL, &now), 0);
    p.body = sp_str_make(big, 1301);
    ck_assert_int_eq(push_psa_send(P, &p, on_done, NULL, &now), 1);
    ck_assert_uint_eq(now.status, 513);
    ck_assert_uint_eq(pfake_count(F, "MESSAGE "), 1);
    /* auto over the bound needs INVITE/MSRP, not available yet */
    p.ask = PUSH_ASK_AUTO;
    ck_assert_int_eq(push_psa_send(P, &p, on_done, NULL, &now), 1);
    ck_assert_int_eq(now.method, PUSH_METHOD_INVITE);
    ck_assert_uint_eq(now.status, 501);
    ck_assert(!now.retry);
    destroy();
}
END_TEST

START_TEST(refer_asks_for_a_subscription)
{
    make(false);
    push_psa_result now;
    ck_assert_int_eq(push_psa_refer(P, SP_LIT("sip:bob@" UE), SP_LIT("wml.ua"), on_done, NULL, &now), 0);
    long i = pfake_last(F, "REFER ");
    const char *m = pfake_msg(F, (size_t)i);
    ck_assert_ptr_nonnull(strstr(m, "Refer-To: <sip:psa@example.com;method=SUBSCRIBE?Event=ua-profile%3Bprofile-type%3D"
                                    "oma-app%3Bevent-app-id%3D%22wml.ua%22&Accept-Contact=*%3B%2Bg.oma.pusheventapp%3D%22"
                                    "wml.ua%22>\r\n"));
    pfake_reply(F, (size_t)i, 202, NULL, NULL, NULL);
    ck_assert(res.delivered);
    ck_assert_uint_eq(res.status, 202);
    destroy();
}
END_TEST

static void reg_notify(size_t n, const char *branch, unsigned cseq, const char *xml)
{
    char callid[64], from[128], m[4096];
    pfake_header(F, n, "Call-ID", callid, sizeof callid);
    pfake_header(F, n, "From", from, sizeof from);
    snprintf(m, sizeof m,
             "NOTIFY sip:psa@10.0.0.9:5060 SIP/2.0\r\nVia: SIP/2.0/UDP " CORE ":5060;branch=%s\r\nMax-Forwards: 70\r\n"
             "From: <sip:bob@example.com>;tag=regsrv\r\nTo: <sip:psa@example.com>;tag=%s\r\nCall-ID: %s\r\n"
             "CSeq: %u NOTIFY\r\nContact: <sip:" CORE ":5060>\r\nEvent: reg\r\nSubscription-State: active;expires=3600\r\n"
             "Content-Type: application/reginfo+xml\r\nContent-Length: %zu\r\n\r\n%s",
             branch, strstr(from, "tag=") + 4, callid, cseq, strlen(xml), xml);
    pfake_inject(F, m, CORE, 5060);
}

START_TEST(reg_event_follows_registrations)
{
    make(true);
    long s = pfake_last(F, "SUBSCRIBE ");
    ck_assert_int_ge(s, 0);
    const char *m = pfake_msg(F, (size_t)s);
    ck_assert_ptr_nonnull(strstr(m, "SUBSCRIBE sip:bob@example.com SIP/2.0\r\n"));
    ck_assert_ptr_nonnull(strstr(m, "Route: <sip:" CORE ":5060;lr>\r\n"));
    ck_assert_ptr_nonnull(strstr(m, "Event: reg\r\n"));
    ck_assert_ptr_nonnull(strstr(m, "Accept: application/reginfo+xml\r\n"));
    reg_notify((size_t)s, "z9hG4bKw1", 1,
               "<?xml version=\"1.0\"?><reginfo xmlns=\"urn:ietf:params:xml:ns:reginfo\" version=\"0\" state=\"full\">"
               "<registration aor=\"sip:bob@example.com\" id=\"a7\" state=\"active\">"
               "<contact id=\"76\" state=\"active\" event=\"registered\" expires=\"3600\"><uri>sip:bob@" UE
               "</uri></contact></registration></reginfo>");
    ck_assert_uint_eq(last_status(), 200);
    ck_assert_uint_eq(regstate, 1);
    ck_assert_uint_eq(last_count, 1);
    ck_assert_uint_eq(push_psa_bindings(P, SP_LIT("sip:bob@example.com")), 1);
    reg_notify((size_t)s, "z9hG4bKw2", 2,
               "<?xml version=\"1.0\"?><reginfo xmlns=\"urn:ietf:params:xml:ns:reginfo\" version=\"1\" state=\"partial\">"
               "<registration aor=\"sip:bob@example.com\" id=\"a7\" state=\"terminated\">"
               "<contact id=\"76\" state=\"terminated\" event=\"unregistered\"><uri>sip:bob@" UE
               "</uri></contact></registration></reginfo>");
    ck_assert_uint_eq(last_status(), 200);
    ck_assert_uint_eq(last_count, 0);
    ck_assert_uint_eq(push_psa_bindings(P, SP_LIT("sip:bob@example.com")), 0);
    ck_assert(!push_psa_may_invite(P, SP_LIT("sip:bob@example.com")));
    /* a malformed document is refused and changes nothing */
    reg_notify((size_t)s, "z9hG4bKw3", 3, "<reginfo version=\"2\"");
    ck_assert_uint_eq(last_status(), 400);
    destroy();
}
END_TEST


START_TEST(invite_to_an_unregistered_aor_asks_options_first)
{
    tweak = with_invite;
    make(false);
    reg(UE, "z9hG4bKi1", "sip:bob@example.com", UE_CONTACT, 3600);
    reg(UE, "z9hG4bKi2", "sip:bob@example.com", "*", 0);
    ck_assert(!push_psa_may_invite(P, SP_LIT("sip:bob@example.com")));
    push_psa_push p = {.ask = PUSH_ASK_INVITE, .to = SP_LIT("sip:bob@example.com"),
                       .target = SP_LIT("sip:bob@" UE ":5060"), .app = SP_LIT("mms.ua"),
                       .content_type = SP_LIT("text/plain"), .body = SP_LIT("big news")};
    push_psa_result now;
    /* seed 000 §8.2.5.1: OPTIONS first, no INVITE */
    ck_assert_int_eq(push_psa_send(P, &p, on_done, NULL, &now), 0);
    long o = pfake_last(F, "OPTIONS ");
    ck_assert_int_ge(o, 0);
    ck_assert_ptr_nonnull(strstr(pfake_msg(F, (size_t)o), "OPTIONS sip:bob@" UE ":5060 SIP/2.0\r\n"));
    ck_assert_int_lt(pfake_last(F, "INVITE "), 0);
    /* not answered with a 2xx: the push fails, 480, to be retried */
    pfake_reply(F, (size_t)o, 404, NULL, NULL, NULL);
    ck_assert_uint_eq(results, 1);
    ck_assert(!res.delivered);
    ck_assert_int_eq(res.method, PUSH_METHOD_INVITE);
    ck_assert_uint_eq(res.status, 480);
    ck_assert(res.retry);
    ck_assert_int_lt(pfake_last(F, "INVITE "), 0);
    ck_assert(!push_psa_may_invite(P, SP_LIT("sip:bob@example.com")));
    /* answered 200: reachable again, and the INVITE follows (with the
     * file-transfer-id it was given: a push sent again keeps it, RFC 5547 §8) */
    p.transfer_id = SP_LIT("kepttid42");
    ck_assert_int_eq(push_psa_send(P, &p, on_done, NULL, &now), 0);
    o = pfake_last(F, "OPTIONS ");
    pfake_reply(F, (size_t)o, 200, "Allow: INVITE, MESSAGE\r\n", NULL, NULL);
    ck_assert(push_psa_may_invite(P, SP_LIT("sip:bob@example.com")));
    long i = pfake_last(F, "INVITE ");
    ck_assert_int_gt(i, o);
    const char *m = pfake_msg(F, (size_t)i);
    ck_assert_ptr_nonnull(strstr(m, "INVITE sip:bob@" UE ":5060 SIP/2.0\r\n"));
    /* seed 000 §8.2.5.1 t: the ICSI in the INVITE's Accept-Contact, and P-Asserted-Service */
    ck_assert_ptr_nonnull(strstr(m, "+g.3gpp.icsi_ref=\"urn%3Aurn-7%3A3gpp-service.ims.icsi.oma.push\""));
    ck_assert_ptr_nonnull(strstr(m, "P-Asserted-Service: urn:urn-7:3gpp-service.ims.icsi.oma.push\r\n"));
    /* seed 000 §8.2.5.1 j2: no Last-Modified, the file-date is the push's creation */
    ck_assert_ptr_nonnull(strstr(m, "\r\na=file-date:creation:\""));
    ck_assert_ptr_nonnull(strstr(m, "\r\na=file-transfer-id:kepttid42\r\n"));
    ck_assert_uint_eq(results, 1);
    /* reachable: the next INVITE goes straight away */
    size_t options = pfake_count(F, "OPTIONS ");
    ck_assert_int_eq(push_psa_send(P, &p, on_done, NULL, &now), 0);
    ck_assert_uint_eq(pfake_count(F, "OPTIONS "), options);
    ck_assert_uint_eq(pfake_count(F, "INVITE "), 2);
    destroy();
}
END_TEST

START_TEST(messages_to_one_uri_go_one_at_a_time)
{
    make(false);
    push_psa_push p = {.ask = PUSH_ASK_MESSAGE, .to = SP_LIT("sip:bob@" UE ":5060"),
                       .content_type = SP_LIT("text/plain"), .body = SP_LIT("0")};
    push_psa_result now;
    char bodies[PUSH_PSA_MSG_QUEUE_MAX + 2][12];
    /* one in flight, PUSH_PSA_MSG_QUEUE_MAX waiting: taken */
    for (int k = 0; k <= PUSH_PSA_MSG_QUEUE_MAX; k++) {
        snprintf(bodies[k], sizeof bodies[k], "%d", k);
        p.body = sp_str_cstr(bodies[k]);
        ck_assert_int_eq(push_psa_send(P, &p, on_done, NULL, &now), 0);
    }
    ck_assert_uint_eq(pfake_count(F, "MESSAGE "), 1);
    /* one more: refused at once, may be retried */
    ck_assert_int_eq(push_psa_send(P, &p, on_done, NULL, &now), 1);
    ck_assert_uint_eq(now.status, 503);
    ck_assert(now.retry);
    /* another URI is not held back */
    push_psa_push other = p;
    other.to = SP_LIT("sip:carol@" UE ":5060");
    ck_assert_int_eq(push_psa_send(P, &other, on_done, NULL, &now), 0);
    ck_assert_uint_eq(pfake_count(F, "MESSAGE "), 2);
    /* each answer lets the next one go, in the order given */
    for (int k = 0; k <= PUSH_PSA_MSG_QUEUE_MAX; k++) {
        long i = -1;
        for (size_t n = 0; n < F->nsent; n++)
            if (!strncmp(pfake_msg(F, n), "MESSAGE sip:bob@", 16))
                i = (long)n;
        ck_assert_int_ge(i, 0);
        char tail[16];
        snprintf(tail, sizeof tail, "\r\n\r\n%d", k);
        const char *m = pfake_msg(F, (size_t)i);
        ck_assert_str_eq(m + strlen(m) - strlen(tail), tail);
        unsigned before = results;
        pfake_reply(F, (size_t)i, k == 3 ? 486 : 200, NULL, NULL, NULL);
        ck_assert_uint_eq(results, before + 1);
    }
    ck_assert_uint_eq(pfake_count(F, "MESSAGE sip:bob@"), PUSH_PSA_MSG_QUEUE_MAX + 1);
    destroy();
}
END_TEST

static void on_caps(void *ctx, const push_psa_caps *c) { (void)ctx, (void)c; }

/* Only MESSAGEs wait for each other: one with no Request-URI is not held
 * behind a REFER or OPTIONS (whose ruri is empty), where nothing would
 * ever send it. */
START_TEST(a_message_never_waits_behind_a_refer)
{
    make(false);
    push_psa_result now;
    ck_assert_int_eq(push_psa_refer(P, SP_LIT("sip:bob@" UE), SP_LIT("wml.ua"), on_done, NULL, &now), 0);
    push_psa_push p = {.ask = PUSH_ASK_MESSAGE, .to = SP_LIT(""), .content_type = SP_LIT("text/plain"),
                       .body = SP_LIT("x")};
    ck_assert_int_eq(push_psa_send(P, &p, on_done, NULL, &now), 1);
    ck_assert_uint_eq(now.status, 503);
    ck_assert_uint_eq(results, 0);
    pfake_reply(F, (size_t)pfake_last(F, "REFER "), 202, NULL, NULL, NULL);
    ck_assert_uint_eq(results, 1);
    /* nor behind an OPTIONS query */
    ck_assert_int_eq(push_psa_options(P, SP_LIT("sip:bob@" UE), on_caps, NULL), 0);
    ck_assert_int_eq(push_psa_send(P, &p, on_done, NULL, &now), 1);
    pfake_advance(F, 64000);
    ck_assert_uint_eq(results, 1);
    destroy();
}
END_TEST

START_TEST(gruu_targets_one_terminal)
{
    tweak = with_invite;
    make(false);
    reg(UE, "z9hG4bKr1", "sip:bob@example.com",
        "<sip:bob@" UE ":5060>;+sip.instance=\"<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>\";"
        "+g.oma.pusheventapp=\"mms.ua\";methods=\"INVITE,MESSAGE,NOTIFY\"",
        3600);
    /* a second terminal of the same user, registered later */
    reg(UE, "z9hG4bKr2", "sip:bob@example.com",
        "<sip:bob@10.0.0.8:5070>;+sip.instance=\"<urn:uuid:00000000-0000-0000-0000-000000000002>\"", 3600);
    ck_assert_uint_eq(push_psa_bindings(P, SP_LIT("sip:bob@example.com")), 2);
    /* MESSAGE to the GRUU we issued for the first: Request-URI the GRUU, sent to its contact */
    push_psa_push p = {.ask = PUSH_ASK_MESSAGE, .to = SP_LIT("sip:bob@example.com"),
                       .target = SP_LIT("sip:bob@example.com;gr=urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6"),
                       .app = SP_LIT("mms.ua"), .content_type = SP_LIT("text/plain"), .body = SP_LIT("for the phone")};
    push_psa_result now;
    ck_assert_int_eq(push_psa_send(P, &p, on_done, NULL, &now), 0);
    long i = pfake_last(F, "MESSAGE ");
    ck_assert_ptr_nonnull(strstr(pfake_msg(F, (size_t)i),
                                 "MESSAGE sip:bob@example.com;gr=urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6 SIP/2.0\r\n"));
    ck_assert_ptr_nonnull(strstr(pfake_msg(F, (size_t)i), "To: <sip:bob@example.com>\r\n"));
    ck_assert_str_eq(F->sent[i].to.host, UE);
    ck_assert_uint_eq(F->sent[i].to.port, 5060);
    /* ICSI mode: the MESSAGE carries it too (seed 002 §7.1.2 IMS) */
    ck_assert_ptr_nonnull(strstr(pfake_msg(F, (size_t)i), "P-Asserted-Service: urn:urn-7:3gpp-service.ims.icsi.oma.push\r\n"));
    ck_assert_ptr_nonnull(strstr(pfake_msg(F, (size_t)i),
                                 "Accept-Contact: *;+g.oma.pusheventapp=\"mms.ua\";+g.3gpp.icsi_ref=\"urn%3Aurn-7%3A3gpp-"
                                 "service.ims.icsi.oma.push\";require;explicit\r\n"));
    pfake_reply(F, (size_t)i, 200, NULL, NULL, NULL);
    /* the GRUU of the second terminal reaches the second */
    p.target = SP_LIT("sip:bob@example.com;gr=urn:uuid:00000000-0000-0000-0000-000000000002");
    ck_assert_int_eq(push_psa_send(P, &p, on_done, NULL, &now), 0);
    i = pfake_last(F, "MESSAGE ");
    ck_assert_str_eq(F->sent[i].to.host, "10.0.0.8");
    ck_assert_uint_eq(F->sent[i].to.port, 5070);
    pfake_reply(F, (size_t)i, 200, NULL, NULL, NULL);
    /* seed 002 §7.3.2.1 step 8: an INVITE to a GRUU */
    p.ask = PUSH_ASK_INVITE;
    p.target = SP_LIT("sip:bob@example.com;gr=urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6");
    ck_assert_int_eq(push_psa_send(P, &p, on_done, NULL, &now), 0);
    i = pfake_last(F, "INVITE ");
    ck_assert_ptr_nonnull(strstr(pfake_msg(F, (size_t)i),
                                 "INVITE sip:bob@example.com;gr=urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6 SIP/2.0\r\n"));
    ck_assert_str_eq(F->sent[i].to.host, UE);
    destroy();
}
END_TEST

START_TEST(notify_goes_to_the_subscribers_gruu)
{
    make(false);
    reg(UE, "z9hG4bKg9", "sip:bob@example.com", UE_CONTACT, 3600);
    char m[2048];
    snprintf(m, sizeof m,
             "SUBSCRIBE sip:psa@example.com SIP/2.0\r\nVia: SIP/2.0/UDP " CORE ":5060;branch=z9hG4bKsg\r\n"
             "Max-Forwards: 70\r\n" "P-Asserted-Identity: <sip:bob@example.com>\r\n"
             "From: <sip:bob@example.com>;tag=sg1\r\nTo: <sip:psa@example.com>\r\nCall-ID: sg@x\r\n"
             "CSeq: 1 SUBSCRIBE\r\nContact: <sip:bob@example.com;gr=urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>\r\n"
             "Event: " "ua-profile;profile-type=oma-app;event-app-id=\"mms.ua\"" "\r\nExpires: 600\r\n"
             "Content-Length: 0\r\n\r\n");
    pfake_inject(F, m, CORE, 5060);
    ck_assert_uint_eq(last_status(), 200);
    long n = pfake_last(F, "NOTIFY ");
    ck_assert_ptr_nonnull(strstr(pfake_msg(F, (size_t)n),
                                 "NOTIFY sip:bob@example.com;gr=urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6 SIP/2.0\r\n"));
    ck_assert_str_eq(F->sent[n].to.host, UE); /* routed to the binding of the GRUU we issued */
    destroy();
}
END_TEST

START_TEST(notify_carries_an_indirect_push)
{
    make(false);
    subscribe("z9hG4bKs8", "s8@x", UA_EVENT, SUB_PAI, 600);
    pfake_reply(F, (size_t)pfake_last(F, "NOTIFY "), 200, NULL, NULL, NULL);
    push_psa_push p = {.ask = PUSH_ASK_AUTO, .to = SP_LIT("sip:bob@example.com"), .app = SP_LIT("mms.ua"),
                       .content_type = SP_LIT("message/external-body;access-type=\"URL\";expiration=\"Mon, 24 Jun "
                                              "2030 09:00:00 GMT\";URL=\"http://content.example.com/a.jpg\""),
                       .body = SP_LIT("Content-Type: image/jpeg\r\n\r\n"), .indirect = true};
    push_psa_result now;
    p.ask = PUSH_ASK_NOTIFY;
    ck_assert_int_eq(push_psa_send(P, &p, on_done, NULL, &now), 0);
    long n = pfake_last(F, "NOTIFY ");
    const char *m = pfake_msg(F, (size_t)n);
    /* seed 002 §7.2.2.2 step 4: the reference as the NOTIFY body (RFC 4483) */
    ck_assert_ptr_nonnull(strstr(m, "Content-Type: message/external-body;access-type=\"URL\";"));
    ck_assert_ptr_nonnull(strstr(m, "URL=\"http://content.example.com/a.jpg\"\r\n"));
    ck_assert_ptr_nonnull(strstr(m, "\r\n\r\nContent-Type: image/jpeg\r\n\r\n"));
    ck_assert_ptr_nonnull(strstr(m, "Event: ua-profile;profile-type=oma-app;event-app-id=\"mms.ua\"\r\n"));
    pfake_reply(F, (size_t)n, 200, NULL, NULL, NULL);
    ck_assert(res.delivered);
    ck_assert_int_eq(res.method, PUSH_METHOD_NOTIFY);
    destroy();
}
END_TEST

static void small_tables(push_psa_config *c)
{
    c->max_subs = 6;
    c->max_subs_per_identity = 3;
}

/* A SUBSCRIBE from identity user@example.com, answered and its NOTIFY 200. */
static unsigned subscribe_as(const char *user, unsigned k)
{
    char callid[32], branch[32], pai[96];
    snprintf(callid, sizeof callid, "lim%s%u@x", user, k);
    snprintf(branch, sizeof branch, "z9hG4bKlim%s%u", user, k);
    snprintf(pai, sizeof pai, "P-Asserted-Identity: <sip:%s@example.com>\r\n", user);
    subscribe(branch, callid, UA_EVENT, pai, 600);
    unsigned st = last_status();
    long n = pfake_last(F, "NOTIFY ");
    if (st == 200 && n >= 0)
        pfake_reply(F, (size_t)n, 200, NULL, NULL, NULL);
    F->nsent = 0;
    return st;
}

START_TEST(subscriptions_past_the_limit_get_503)
{
    tweak = small_tables;
    make(false);
    /* two identities fill the table of 6 up to their quota of 3 */
    for (unsigned k = 0; k < 3; k++) {
        ck_assert_uint_eq(subscribe_as("bob", k), 200);
        ck_assert_uint_eq(subscribe_as("carol", k), 200);
    }
    ck_assert_uint_eq(push_psa_subscriptions(P, SP_LIT("sip:bob@example.com"), SP_LIT("")), 3);
    ck_assert_uint_eq(subscribe_as("dave", 0), 503);
    char ra[16];
    subscribe("z9hG4bKlimx", "limx@x", UA_EVENT, "P-Asserted-Identity: <sip:dave@example.com>\r\n", 600);
    ck_assert(pfake_header(F, (size_t)pfake_last(F, "SIP/2.0 "), "Retry-After", ra, sizeof ra));
    ck_assert_str_eq(ra, "60");
    ck_assert_uint_eq(push_psa_subscriptions(P, SP_LIT("sip:dave@example.com"), SP_LIT("")), 0);
    destroy();
}
END_TEST

START_TEST(one_identity_is_capped)
{
    tweak = small_tables;
    make(false);
    for (unsigned k = 0; k < 3; k++)
        ck_assert_uint_eq(subscribe_as("bob", k), 200);
    /* the quota reached: 403 for bob (a port or parameters do not make another identity) */
    subscribe("z9hG4bKq4", "q4@x", UA_EVENT, "P-Asserted-Identity: <sip:bob@example.com:5070;user=phone>\r\n", 600);
    ck_assert_uint_eq(last_status(), 403);
    ck_assert_str_eq(last_reason, "Too Many Subscriptions For This Identity");
    ck_assert_uint_eq(push_psa_subscriptions(P, SP_LIT("sip:bob@example.com"), SP_LIT("")), 3);
    /* others still get in */
    ck_assert_uint_eq(subscribe_as("carol", 0), 200);
    destroy();
    /* at the quota, a refresh in one of the dialogs is no new subscription */
    tweak = small_tables;
    make(false);
    char to[128], m[2048];
    ck_assert_uint_eq(subscribe_as("bob", 0), 200);
    subscribe("z9hG4bKq6", "q6@x", UA_EVENT, SUB_PAI, 600);
    pfake_header(F, (size_t)pfake_last(F, "SIP/2.0 200"), "To", to, sizeof to);
    ck_assert_uint_eq(subscribe_as("bob", 1), 200);
    snprintf(m, sizeof m,
             "SUBSCRIBE sip:psa@10.0.0.9:5060 SIP/2.0\r\nVia: SIP/2.0/UDP " CORE ":5060;branch=z9hG4bKq7\r\n"
             "Max-Forwards: 70\r\n" SUB_PAI "From: \"Bob\" <sip:bob@example.com>;tag=sb77a1\r\nTo: %s\r\n"
             "Call-ID: q6@x\r\nCSeq: 2 SUBSCRIBE\r\nContact: <sip:bob@" UE ":5060>\r\nEvent: " UA_EVENT "\r\n"
             "Expires: 600\r\nContent-Length: 0\r\n\r\n",
             to);
    pfake_inject(F, m, CORE, 5060);
    ck_assert_uint_eq(last_status(), 200);
    ck_assert_uint_eq(push_psa_subscriptions(P, SP_LIT("sip:bob@example.com"), SP_LIT("")), 3);
    destroy();
}
END_TEST

/* A subscription whose enrolment NOTIFY gets the outcome given by fail. */
static void enrolment_outcome(unsigned status, const char *headers, bool timeout, bool tperr, bool ends)
{
    make(false);
    F->fail_sends = tperr;
    subscribe("z9hG4bKe1", "e1@x", UA_EVENT, SUB_PAI, 600);
    ck_assert_uint_eq(last_status(), 200);
    ck_assert_uint_eq(subscribed, 1);
    long n = pfake_last(F, "NOTIFY ");
    ck_assert_int_ge(n, 0);
    size_t notifies = pfake_count(F, "NOTIFY ");
    if (timeout || tperr)
        pfake_advance(F, 33000); /* Timer F is 64*T1 */
    else
        pfake_reply(F, (size_t)n, status, headers, NULL, NULL);
    F->fail_sends = false;
    ck_assert_uint_eq(sub_ended, ends);
    ck_assert_uint_eq(push_psa_subscriptions(P, SP_LIT("sip:bob@example.com"), SP_LIT("")), !ends);
    if (ends) {
        /* §4.2.2: no NOTIFY terminated follows a NOTIFY failure */
        for (size_t i = 0; i < F->nsent; i++)
            ck_assert_ptr_null(strstr(pfake_msg(F, i), "Subscription-State: terminated"));
        ck_assert_ptr_nonnull(strstr(last_reason, "NOTIFY"));
    }
    /* a push through the subscription afterwards */
    push_psa_push p = {.ask = PUSH_ASK_NOTIFY, .to = SP_LIT("sip:bob@example.com"), .app = SP_LIT("mms.ua"),
                       .content_type = SP_LIT("text/plain"), .body = SP_LIT("x")};
    push_psa_result now;
    int rc = push_psa_send(P, &p, on_done, NULL, &now);
    if (ends) {
        ck_assert_int_eq(rc, 1);
        ck_assert_uint_eq(now.status, 481);
        ck_assert(!now.retry);
    } else {
        ck_assert_int_eq(rc, 0);
        ck_assert_int_gt((long)pfake_count(F, "NOTIFY "), (long)notifies);
    }
    destroy();
}

START_TEST(enrolment_notify_failures_end_the_subscription)
{
    enrolment_outcome(408, NULL, false, false, true);
    ck_assert_str_eq(last_reason, "NOTIFY answered 408");
    enrolment_outcome(481, NULL, false, false, true);
    enrolment_outcome(404, NULL, false, false, true);
    enrolment_outcome(489, NULL, false, false, true);
    enrolment_outcome(604, NULL, false, false, true);
    enrolment_outcome(0, NULL, true, false, true); /* never answered: Timer F */
    ck_assert_str_eq(last_reason, "NOTIFY timed out");
    enrolment_outcome(0, NULL, false, true, true); /* the transport refused it */
    ck_assert_str_eq(last_reason, "NOTIFY transport error");
}
END_TEST

START_TEST(other_notify_refusals_keep_the_subscription)
{
    /* transaction-only failures: the subscriber is there */
    enrolment_outcome(503, "Retry-After: 5\r\n", false, false, false);
    enrolment_outcome(503, NULL, false, false, false);
    enrolment_outcome(500, NULL, false, false, false);
    enrolment_outcome(403, NULL, false, false, false);
    enrolment_outcome(401, NULL, false, false, false);
    enrolment_outcome(603, NULL, false, false, false);
}
END_TEST

START_TEST(push_notify_timeout_ends_the_subscription)
{
    make(false);
    ck_assert_uint_eq(subscribe_as("bob", 0), 200);
    push_psa_push p = {.ask = PUSH_ASK_NOTIFY, .to = SP_LIT("sip:bob@example.com"), .app = SP_LIT("mms.ua"),
                       .content_type = SP_LIT("text/plain"), .body = SP_LIT("x")};
    push_psa_result now;
    ck_assert_int_eq(push_psa_send(P, &p, on_done, NULL, &now), 0);
    pfake_advance(F, 33000);
    ck_assert_uint_eq(results, 1);
    ck_assert(!res.delivered);
    ck_assert_uint_eq(res.status, 408);
    ck_assert_uint_eq(sub_ended, 1);
    ck_assert_str_eq(last_reason, "NOTIFY timed out");
    ck_assert_int_eq(push_psa_send(P, &p, on_done, NULL, &now), 1);
    ck_assert_uint_eq(now.status, 481);
    destroy();
}
END_TEST

START_TEST(expires_zero_at_the_notifier)
{
    make(false);
    /* RFC 6665 §4.2.1.4: a fetch gets its 200 and one final NOTIFY, nothing is kept */
    subscribe("z9hG4bKf1", "f1@x", UA_EVENT, SUB_PAI, 0);
    ck_assert_uint_eq(last_status(), 200);
    long n = pfake_last(F, "NOTIFY ");
    ck_assert_int_ge(n, 0);
    ck_assert_ptr_nonnull(strstr(pfake_msg(F, (size_t)n), "Subscription-State: terminated;reason=timeout\r\n"));
    ck_assert_uint_eq(push_psa_subscriptions(P, SP_LIT("sip:bob@example.com"), SP_LIT("")), 0);
    /* an un-subscription in the dialog */
    subscribe("z9hG4bKf2", "f2@x", UA_EVENT, SUB_PAI, 600);
    long n1 = pfake_last(F, "NOTIFY ");
    ck_assert_uint_eq(push_psa_subscriptions(P, SP_LIT("sip:bob@example.com"), SP_LIT("")), 1);
    char to[128], m[2048];
    pfake_header(F, (size_t)pfake_last(F, "SIP/2.0 200"), "To", to, sizeof to);
    snprintf(m, sizeof m,
             "SUBSCRIBE sip:psa@10.0.0.9:5060 SIP/2.0\r\nVia: SIP/2.0/UDP " CORE ":5060;branch=z9hG4bKf3\r\n"
             "Max-Forwards: 70\r\n" SUB_PAI "From: \"Bob\" <sip:bob@example.com>;tag=sb77a1\r\nTo: %s\r\n"
             "Call-ID: f2@x\r\nCSeq: 2 SUBSCRIBE\r\nContact: <sip:bob@" UE ":5060>\r\nEvent: " UA_EVENT "\r\n"
             "Expires: 0\r\nContent-Length: 0\r\n\r\n",
             to);
    pfake_inject(F, m, CORE, 5060);
    ck_assert_uint_eq(last_status(), 200);
    char e[16];
    ck_assert(pfake_header(F, (size_t)pfake_last(F, "SIP/2.0 200"), "Expires", e, sizeof e));
    ck_assert_str_eq(e, "0");
    long n2 = pfake_last(F, "NOTIFY ");
    ck_assert_int_gt(n2, n1);
    ck_assert_ptr_nonnull(strstr(pfake_msg(F, (size_t)n2), "Subscription-State: terminated;reason=timeout\r\n"));
    ck_assert_uint_eq(push_psa_subscriptions(P, SP_LIT("sip:bob@example.com"), SP_LIT("")), 0);
    destroy();
}
END_TEST

START_TEST(own_via_asks_rport)
{
    make(false);
    push_psa_push p = {.ask = PUSH_ASK_MESSAGE, .to = SP_LIT("sip:bob@" UE ":5060"),
                       .content_type = SP_LIT("text/plain"), .body = SP_LIT("x")};
    push_psa_result now;
    ck_assert_int_eq(push_psa_send(P, &p, on_done, NULL, &now), 0);
    char via[160];
    ck_assert(pfake_header(F, (size_t)pfake_last(F, "MESSAGE "), "Via", via, sizeof via));
    /* RFC 3581 §3: an empty rport asks the server to say the source port */
    ck_assert_ptr_nonnull(strstr(via, "SIP/2.0/UDP 10.0.0.9:5060;"));
    ck_assert_ptr_nonnull(strstr(via, ";rport"));
    ck_assert_ptr_null(strstr(via, ";rport="));
    destroy();
}
END_TEST

static int no_randomness(void *ctx, void *buf, size_t n)
{
    (void)ctx, (void)buf, (void)n;
    return -1;
}

/* Branches, tags and Call-IDs carry 64 bits or more from the CSPRNG; when
 * it fails the push fails at once and nothing goes out (no counter stands in). */
START_TEST(ids_come_from_the_csprng_or_the_push_fails)
{
    make(false);
    push_psa_push p = {.ask = PUSH_ASK_MESSAGE, .to = SP_LIT("sip:bob@" UE ":5060"),
                       .content_type = SP_LIT("text/plain"), .body = SP_LIT("x")};
    push_psa_result now;
    ck_assert_int_eq(push_psa_send(P, &p, on_done, NULL, &now), 0);
    char via[160], from[160], callid[80];
    long i = pfake_last(F, "MESSAGE ");
    ck_assert(pfake_header(F, (size_t)i, "Via", via, sizeof via) && pfake_header(F, (size_t)i, "From", from, sizeof from) &&
              pfake_header(F, (size_t)i, "Call-ID", callid, sizeof callid));
    const char *b = strstr(via, "branch=z9hG4bK"), *t = strstr(from, ";tag=");
    ck_assert(b && strspn(b + 14, "0123456789abcdef") == 16);                         /* 64 bits */
    ck_assert(t && strspn(t + 5, SP_RANDOM_ALNUM) >= 11);                             /* 65+ bits */
    ck_assert_uint_ge(strspn(callid, SP_RANDOM_ALNUM), 11);
    pfake_reply(F, (size_t)i, 200, NULL, NULL, NULL);
    size_t sent = F->nsent;
    sp_random_set_source(no_randomness, NULL);
    int rc = push_psa_send(P, &p, on_done, NULL, &now);
    sp_random_set_source(NULL, NULL);
    ck_assert_int_eq(rc, 1);
    ck_assert(!now.delivered);
    ck_assert_uint_eq(now.status, 503);
    ck_assert_uint_eq(F->nsent, sent);
    /* randomness back: pushes go again */
    ck_assert_int_eq(push_psa_send(P, &p, on_done, NULL, &now), 0);
    ck_assert_uint_eq(F->nsent, sent + 1);
    destroy();
}
END_TEST

/* --- back-pressure: pushes wait for room, refused only at submission ------------- */

static int push_to(const char *user, const char *body, push_psa_result *now)
{
    char to[64];
    snprintf(to, sizeof to, "sip:%s@" UE ":5060", user);
    push_psa_push p = {.ask = PUSH_ASK_MESSAGE, .to = sp_str_cstr(to), .content_type = SP_LIT("text/plain"),
                       .body = sp_str_cstr(body)};
    return push_psa_send(P, &p, on_done, NULL, now);
}

/* The body of sent message n. */
static const char *body_of(size_t n)
{
    const char *m = pfake_msg(F, n), *b = strstr(m, "\r\n\r\n");
    return b ? b + 4 : "";
}

/* Answers with 200 every MESSAGE sent from index *from on. */
static void answer_messages(size_t *from)
{
    for (; *from < F->nsent; (*from)++)
        if (!strncmp(pfake_msg(F, *from), "MESSAGE ", 8))
            pfake_reply(F, *from, 200, NULL, NULL, NULL);
}

START_TEST(a_full_transaction_table_makes_pushes_wait_not_fail)
{
    fake_txns = 4;
    make(false);
    push_psa_result now;
    char users[10][16], bodies[10][16];
    for (int k = 0; k < 10; k++) {
        snprintf(users[k], sizeof users[k], "u%d", k);
        snprintf(bodies[k], sizeof bodies[k], "%d", k);
        ck_assert_int_eq(push_to(users[k], bodies[k], &now), 0); /* accepted, all of them */
    }
    /* four transactions: four out, six waiting */
    ck_assert_uint_eq(pfake_count(F, "MESSAGE "), 4);
    uint64_t bytes = 0;
    ck_assert_uint_eq(push_psa_queued(P, &bytes), 6);
    ck_assert_uint_gt(bytes, 0);
    size_t answered = 0;
    answer_messages(&answered);
    ck_assert_uint_eq(results, 4);
    ck_assert(res.delivered);
    /* answered, but their transactions hold the table until timer K */
    ck_assert_uint_eq(pfake_count(F, "MESSAGE "), 4);
    ck_assert_uint_eq(push_psa_queued(P, NULL), 6);
    pfake_advance(F, 5001);
    /* as each ended, the next waiting went, in the order given */
    ck_assert_uint_eq(pfake_count(F, "MESSAGE "), 8);
    ck_assert_uint_eq(push_psa_queued(P, NULL), 2);
    for (size_t n = 0, k = 0; n < F->nsent; n++)
        if (!strncmp(pfake_msg(F, n), "MESSAGE ", 8))
            ck_assert_str_eq(body_of(n), bodies[k++]);
    answer_messages(&answered);
    pfake_advance(F, 5001);
    answer_messages(&answered);
    ck_assert_uint_eq(pfake_count(F, "MESSAGE "), 10);
    ck_assert_uint_eq(results, 10);
    ck_assert(res.delivered);
    ck_assert_uint_eq(push_psa_queued(P, &bytes), 0);
    ck_assert_uint_eq(bytes, 0);
    destroy();
}
END_TEST

START_TEST(a_uri_turn_waits_behind_those_waiting_for_room)
{
    fake_txns = 1;
    make(false);
    push_psa_result now;
    ck_assert_int_eq(push_to("bob", "a", &now), 0);   /* out */
    ck_assert_int_eq(push_to("bob", "b", &now), 0);   /* behind a, its URI's turn */
    ck_assert_int_eq(push_to("carol", "c", &now), 0); /* no room */
    ck_assert_uint_eq(pfake_count(F, "MESSAGE "), 1);
    ck_assert_uint_eq(push_psa_queued(P, NULL), 2);
    size_t answered = 0;
    answer_messages(&answered);
    /* b's turn came while c waited for room: c goes first */
    pfake_advance(F, 5001);
    ck_assert_uint_eq(pfake_count(F, "MESSAGE "), 2);
    ck_assert_str_eq(body_of((size_t)pfake_last(F, "MESSAGE ")), "c");
    answer_messages(&answered);
    pfake_advance(F, 5001);
    ck_assert_str_eq(body_of((size_t)pfake_last(F, "MESSAGE ")), "b");
    answer_messages(&answered);
    ck_assert_uint_eq(results, 3);
    ck_assert_uint_eq(push_psa_queued(P, NULL), 0);
    destroy();
}
END_TEST

static uint64_t queue_bytes;
static void with_queue_bytes(push_psa_config *c) { c->max_queued_bytes = queue_bytes; }

START_TEST(a_full_queue_refuses_at_submission)
{
    /* what one waiting push holds */
    fake_txns = 1;
    make(false);
    push_psa_result now;
    ck_assert_int_eq(push_to("u0", "x", &now), 0);
    ck_assert_int_eq(push_to("u1", "x", &now), 0);
    uint64_t one = 0;
    ck_assert_uint_eq(push_psa_queued(P, &one), 1);
    destroy();
    /* room for two: the second taken (the limit), the third refused at once */
    queue_bytes = 2 * one;
    tweak = with_queue_bytes;
    fake_txns = 1;
    make(false);
    ck_assert_int_eq(push_to("u0", "x", &now), 0);
    ck_assert_int_eq(push_to("u1", "x", &now), 0);
    ck_assert_int_eq(push_to("u2", "x", &now), 0);
    ck_assert_int_eq(push_to("u3", "x", &now), 1);
    ck_assert_uint_eq(now.status, 503);
    ck_assert(now.retry);
    ck_assert_str_eq(now.reason, "the push queue is full");
    ck_assert_uint_eq(results, 0); /* refused, not accepted and failed */
    ck_assert_uint_eq(push_psa_queued(P, NULL), 2);
    /* a push behind a URI's turn counts against the same memory */
    ck_assert_int_eq(push_to("u0", "x", &now), 1);
    ck_assert_str_eq(now.reason, "the push queue is full");
    /* the accepted ones all go */
    size_t answered = 0;
    for (int i = 0; i < 3; i++) {
        answer_messages(&answered);
        pfake_advance(F, 5001);
    }
    ck_assert_uint_eq(results, 3);
    ck_assert(res.delivered);
    destroy();
}
END_TEST

static void two_per_uri(push_psa_config *c) { c->max_queued_per_uri = 2; }

START_TEST(max_queued_per_uri_at_the_boundary)
{
    tweak = two_per_uri;
    make(false);
    push_psa_result now;
    /* one in flight and two waiting: taken; a third waiting: refused */
    for (int k = 0; k < 3; k++)
        ck_assert_int_eq(push_to("bob", "x", &now), 0);
    ck_assert_int_eq(push_to("bob", "x", &now), 1);
    ck_assert_uint_eq(now.status, 503);
    ck_assert(now.retry);
    ck_assert_str_eq(now.reason, "too many MESSAGEs waiting for this recipient");
    ck_assert_uint_eq(push_psa_queued(P, NULL), 2);
    destroy();
}
END_TEST

static Suite *push_psa_suite(void)
{
    Suite *s = suite_create("push_psa");
    TCase *t = tcase_create("psa");
    tcase_add_test(t, register_direct_and_third_party);
    tcase_add_test(t, bindings_expire);
    tcase_add_test(t, register_with_a_bad_contact_changes_no_binding);
    tcase_add_test(t, bindings_limit_refuses_the_whole_register);
    tcase_add_test(t, subscription_refusals);
    tcase_add_test(t, receiver_caps_within_a_small_table);
    tcase_add_test(t, receiver_apps_of_the_bindings);
    tcase_add_test(t, subscription_keeps_the_device_profile);
    tcase_add_test(t, subscription_notify_push_and_expiry);
    tcase_add_test(t, granted_expires_is_capped);
    tcase_add_test(t, notify_481_ends_the_subscription);
    tcase_add_test(t, message_push_and_outcomes);
    tcase_add_test(t, message_push_keeps_given_ids);
    tcase_add_test(t, binding_restore);
    tcase_add_test(t, page_mode_bound_and_invite);
    tcase_add_test(t, refer_asks_for_a_subscription);
    tcase_add_test(t, reg_event_follows_registrations);
    tcase_add_test(t, invite_to_an_unregistered_aor_asks_options_first);
    tcase_add_test(t, messages_to_one_uri_go_one_at_a_time);
    tcase_add_test(t, a_message_never_waits_behind_a_refer);
    tcase_add_test(t, gruu_targets_one_terminal);
    tcase_add_test(t, notify_goes_to_the_subscribers_gruu);
    tcase_add_test(t, notify_carries_an_indirect_push);
    tcase_add_test(t, subscriptions_past_the_limit_get_503);
    tcase_add_test(t, one_identity_is_capped);
    tcase_add_test(t, enrolment_notify_failures_end_the_subscription);
    tcase_add_test(t, other_notify_refusals_keep_the_subscription);
    tcase_add_test(t, push_notify_timeout_ends_the_subscription);
    tcase_add_test(t, expires_zero_at_the_notifier);
    tcase_add_test(t, own_via_asks_rport);
    tcase_add_test(t, ids_come_from_the_csprng_or_the_push_fails);
    tcase_add_test(t, a_full_transaction_table_makes_pushes_wait_not_fail);
    tcase_add_test(t, a_uri_turn_waits_behind_those_waiting_for_room);
    tcase_add_test(t, a_full_queue_refuses_at_submission);
    tcase_add_test(t, max_queued_per_uri_at_the_boundary);
    suite_add_tcase(s, t);
    return s;
}

CHECK_MAIN(push_psa_suite)
