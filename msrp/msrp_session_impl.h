/* msrp_session_impl.h - private state of MSRP sessions, shared by
 * msrp_endpoint.c (the environment, deferred work, listening, connecting,
 * connections coming and going), msrp_conn.c
 * (framing, binding, responses out), msrp_sender.c (chunks out, responses
 * and REPORTs in), msrp_receiver.c (chunks in, responses and REPORTs out)
 * and msrp_session.c (life cycle, events). */
#ifndef SIPPUSH_MSRP_SESSION_IMPL_H
#define SIPPUSH_MSRP_SESSION_IMPL_H

#include "msrp_build.h"
#include "msrp_frame.h"
#include "msrp_session.h"
#include "msrp_uri.h"

/* Response and REPORT bytes gathered per connection and written once per
 * loop iteration; past this they are written at once. */
#define MSRP_CONN_OUT_FLUSH (32u << 10)
/* Chunk heads and end-lines of one batched write. */
#define MSRP_CONN_HEADS (64u << 10)
/* File content read per batch (pread), and so the most held per connection. */
#define MSRP_CONN_STAGE (256u << 10)
/* Outgoing messages sent at once, chunk by chunk in turn. */
#define MSRP_TX_INTERLEAVE 2
/* Random bytes drawn from the kernel at once for transaction ids. */
#define MSRP_CONN_RANDOM 512

typedef struct msrp_conn msrp_conn;
typedef struct msrp_out msrp_out;
typedef struct msrp_rx msrp_rx;

/* A call deferred until the outermost entry into the endpoint returns
 * (msrp_env.h): embedded in the object it serves. */
typedef struct msrp_defer {
    struct msrp_defer *prev, *next; /* NULL when not queued */
    void (*fn)(void *ctx);
    void *ctx;
} msrp_defer;

/* One sent transaction awaiting its response. */
typedef struct msrp_txn {
    char tid[MSRP_TID_LEN];
    msrp_out *m;           /* NULL: the bodiless first SEND, or a message gone */
    uint64_t start, end;   /* positions it carried (end = start - 1: none) */
    uint64_t sent;
    bool timed;            /* Failure-Report yes: a 200 is due within the timeout */
} msrp_txn;

/* One outgoing message. */
struct msrp_out {
    msrp_out *next;        /* the session's queue */
    msrp_session *s;       /* NULL once the session let go of it */
    uint64_t handle;
    msrp_message m;        /* content_type and message_id point into this struct */
    char ctype[MSRP_CONTENT_TYPE_MAX];
    char mid[MSRP_MESSAGE_ID_MAX];
    char *tmpl;            /* the head lines every chunk repeats: those before
                              Byte-Range, then its total and the lines after it
                              (built once) */
    uint16_t tmpl_before, tmpl_after;
    uint64_t pos;          /* next position to send */
    uint64_t acked;        /* bytes acknowledged by 200 */
    uint64_t clear_to;     /* no seven hyphens start before this position */
    uint32_t inflight;     /* transactions unanswered */
    uint64_t report_due;   /* acks_done: when the success REPORT is late */
    msrp_ranges *reported; /* success REPORT pieces so far (§7.1.2: a receiver may
                              confirm a message in parts); allocated with the
                              first piece that does not cover it alone */
    int refs;              /* writes still referencing m.data */
    bool written;          /* the last chunk went out */
    bool aborting;         /* the next chunk is the '#' one */
    bool acks_done;        /* every chunk acknowledged: waiting for the REPORT */
    bool confirmed;        /* success REPORTs cover the message */
    bool over;             /* finished: outcome below, told once refs is 0 */
    msrp_event_type outcome;
    unsigned status;
    const char *reason;
};

/* One incoming message being reassembled. */
struct msrp_rx {
    msrp_rx *next;
    char mid[MSRP_MESSAGE_ID_MAX];
    uint8_t mid_len;
    uint8_t ctype_len;
    bool success_report;
    msrp_report failure_report;
    char ctype[MSRP_CONTENT_TYPE_MAX];
    msrp_sink sink;
    msrp_reassembly ra;
};

typedef enum msrp_session_state {
    MSRP_S_NEW,      /* no peer yet */
    MSRP_S_STARTED,  /* waiting for its connection */
    MSRP_S_BOUND,
    MSRP_S_CLOSED,   /* failed or freed: no more traffic, no more events */
} msrp_session_state;

struct msrp_session {
    msrp_endpoint *ep;
    msrp_session *ep_next, *ep_prev;
    msrp_conn *conn;
    msrp_session *conn_next;
    msrp_session_state state;
    bool dying;             /* freed: memory released after the dispatch */
    bool first_sent;
    msrp_session_config cfg;
    char accept[MSRP_ACCEPT_MAX];
    char local[MSRP_URI_MAX];
    size_t local_len;
    msrp_uri local_uri;     /* slices of local */
    char peer[MSRP_PATH_MAX];
    size_t peer_len;
    msrp_uri peer_hop;      /* the first URI of the path: where to connect */
    msrp_uri peer_uri;      /* the last: the peer itself */
    /* sending */
    msrp_out *out_head, *out_tail;
    size_t nout;
    uint64_t next_handle;
    unsigned turn;          /* which of the interleaved messages goes next */
    msrp_txn *ring;         /* window entries, allocated while anything is in flight */
    uint32_t ring_head, ring_count;
    uint64_t id;            /* the cookie of its timer */
    uint64_t timer;         /* the env's handle of the armed timer, 0: none */
    uint64_t timer_due;
    msrp_defer pump;        /* sends what answered transactions made room for */
    char *refused;          /* content types refused with 415, NUL-separated */
    size_t refused_len;
    /* receiving */
    msrp_rx *rx;
    size_t nrx;
    char done_mid[MSRP_MESSAGE_ID_MAX]; /* the last message completed: repeats are duplicates */
    uint8_t done_mid_len;
    msrp_defer release;
};

/* The frame being received on a connection. */
typedef struct msrp_frame_state {
    bool is_request, is_send, has_body;
    bool discard;          /* body bytes go nowhere */
    bool responded;        /* an error response went out early */
    bool success_report;
    msrp_report failure_report;
    char tid[MSRP_TID_MAX];
    uint8_t tid_len;
    msrp_session *s;
    msrp_rx *rx;
    uint64_t pos;          /* position of the next body byte */
    char reply_to[MSRP_URI_MAX]; /* the first From-Path URI: a SEND's response goes there */
    uint16_t reply_to_len;
} msrp_frame_state;

struct msrp_conn {
    msrp_endpoint *ep;
    msrp_conn *next, *prev;
    uint64_t handle;        /* the env's, 0 once closed */
    bool open;
    bool broken;            /* a write failed mid-frame: closed after the dispatch */
    bool ending;            /* closed once the queue is written, after the dispatch */
    /* where an outgoing connection goes (§5.4: reused for the same host and port) */
    char host[MSRP_URI_MAX];
    uint16_t host_len, port;
    msrp_session *sessions; /* bound here */
    msrp_parser parser;
    msrp_frame_state f;
    msrp_response_tmpl resp; /* the lines of the last paths answered */
    /* responses and REPORTs waiting for the end of the dispatch */
    char *out;
    size_t out_len, out_cap;
    msrp_defer flush;
    /* transaction ids */
    uint8_t rnd[MSRP_CONN_RANDOM];
    size_t rnd_pos;
    /* the batch being built by the sender */
    char *heads;
    char *stage;
};

struct msrp_endpoint {
    msrp_env env;
    msrp_session *sessions;
    msrp_conn *conns;
    unsigned depth;         /* entries in progress (msrp_env.h: re-entrancy) */
    msrp_defer deferred;    /* the queue's head */
    uint64_t next_id;
};

/* msrp_endpoint.c */
int msrp_endpoint_connect(msrp_endpoint *ep, msrp_session *s);
/* Every entry from outside (the environment's events, the API) is
 * bracketed by these; leaving the outermost runs the deferred calls. */
void msrp_endpoint_enter(msrp_endpoint *ep);
void msrp_endpoint_leave(msrp_endpoint *ep);
void msrp_defer_init(msrp_defer *d, void (*fn)(void *ctx), void *ctx);
void msrp_defer_queue(msrp_endpoint *ep, msrp_defer *d);
void msrp_defer_cancel(msrp_defer *d);
static inline uint64_t msrp_endpoint_now(const msrp_endpoint *ep) { return ep->env.now_ms(ep->env.ctx); }
/* Closes the connection through the environment and fails its sessions;
 * mc is freed. Never from inside the connection's own dispatch: that sets
 * broken or ending, and the deferred flush closes. */
void msrp_conn_close(msrp_conn *mc, msrp_close_how how);

/* msrp_conn.c */
void msrp_conn_bind(msrp_conn *mc, msrp_session *s);
void msrp_conn_unbind(msrp_conn *mc, msrp_session *s);
/* Appends bytes to the connection's pending output (flushed after the
 * dispatch). */
void msrp_conn_queue(msrp_conn *mc, const char *p, size_t n);
/* Writes the pending output now; closes a broken connection. */
void msrp_conn_flush(msrp_conn *mc);
void msrp_conn_on_flush(void *ctx);
/* A fresh transaction id. */
void msrp_conn_tid(msrp_conn *mc, char tid[MSRP_TID_LEN]);
/* Sends a response to the request being received. */
void msrp_conn_respond(msrp_conn *mc, unsigned status, const char *comment, sp_str from_path);
/* The connection failed: every session on it fails. */
void msrp_conn_lost(msrp_conn *mc, unsigned status, const char *reason);

/* msrp_sender.c */
void msrp_sender_pump(msrp_session *s);
/* Pumps once the current dispatch is over, so the responses of one read
 * batch free the window together and one write carries the chunks. */
void msrp_sender_pump_later(msrp_session *s);
void msrp_sender_on_response(msrp_session *s, size_t slot, unsigned status);
/* The ring slot holding tid, or (size_t)-1. */
size_t msrp_sender_find(const msrp_session *s, sp_str tid);
void msrp_sender_on_report(msrp_session *s, const msrp_head *h);
/* Every message fails (status 0 for a lost connection). */
void msrp_sender_fail_all(msrp_session *s, unsigned status, const char *reason);
void msrp_sender_init(msrp_session *s);
void msrp_sender_free(msrp_session *s);

/* msrp_receiver.c */
/* A SEND head for session s; sets up mc->f. */
void msrp_receiver_on_send(msrp_conn *mc, msrp_session *s, const msrp_head *h);
void msrp_receiver_on_body(msrp_conn *mc, sp_str body);
void msrp_receiver_on_end(msrp_conn *mc, char flag);
/* Discards (or keeps) every partial message. */
void msrp_receiver_drop_all(msrp_session *s);

/* msrp_session.c */
void msrp_session_emit(msrp_session *s, msrp_event_info *ev);
/* The session failed: fails what it holds, then MSRP_EV_CLOSED. */
void msrp_session_fail(msrp_session *s, unsigned status, const char *reason);
/* Whether the session is still usable after an event. */
static inline bool msrp_session_live(const msrp_session *s) { return s->state != MSRP_S_CLOSED; }

#endif
