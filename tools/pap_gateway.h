/* pap_gateway.h - the PSA as a push gateway: PAP requests (push_pap.h) taken
 * over HTTP (http_server.h) become pushes of the PSA (push_psa.h), one
 * delivery per address, and their outcomes go back as PAP result codes and
 * message states: in status-query answers and in a resultnotification-
 * message POSTed to ppg-notify-requested-to when the push has ended.
 *
 * A push's state is held from its push-message until every delivery has
 * ended, then remembered (for 2007 and status queries) for remember_s;
 * at most max_pushes are held or remembered at once (one more: 4001).
 * deliver-after-timestamp holds the deliveries until then on a timer;
 * deliver-before-timestamp expires those not started by then. Content
 * sent by reference (a receiver that takes MESSAGE but not INVITE, content
 * over the page-mode limit) is served from the gateway's content store.
 *
 * Ownership: the caller owns the gateway, the PSA, the loop and the server;
 * free the gateway after the PSA (the PSA's pending results come back
 * through it). One thread. */
#ifndef SIPPUSH_PAP_GATEWAY_H
#define SIPPUSH_PAP_GATEWAY_H

#include <stddef.h>
#include <stdint.h>

#include "content_store.h"
#include "http_server.h"
#include "push_psa.h"
#include "sp_json_impl.h"

#define PAP_GATEWAY_MAX_PUSHES_DEFAULT 1024u
#define PAP_GATEWAY_REMEMBER_S_DEFAULT 3600u
#define PAP_GATEWAY_MAX_ADDRESSES 64      /* address elements of one push-message; more: 3005 */
#define PAP_GATEWAY_INDIRECT_TTL_S 3600u  /* expiration of content sent by reference (--pap-indirect-ttl-s) */

typedef struct pap_gateway pap_gateway;

typedef struct pap_gateway_config {
    tp_loop *loop;
    push_psa *psa;
    json_out *out;            /* the psa's JSON lines */
    const char *path;         /* --pap-path; "/pap" */
    const char *domain;       /* --pap-domain: PLMN addresses become sip:+N@DOMAIN;user=phone; NULL: tel: */
    size_t max_pushes;        /* --pap-max-pushes */
    uint32_t remember_s;      /* --pap-remember-s */
    push_content_store *store; /* where that content is kept */
    uint32_t indirect_ttl_s;  /* its expiration, from the sending; PAP_GATEWAY_INDIRECT_TTL_S */
} pap_gateway_config;

pap_gateway *pap_gateway_new(const pap_gateway_config *cfg);
void pap_gateway_free(pap_gateway *g);
/* http://HOST:PORT, where receivers fetch content sent by reference (the
 * listener serving the content store); copied. */
void pap_gateway_set_base_url(pap_gateway *g, const char *url);

/* The HTTP handler of the PAP listener (and of --http): PAP on cfg.path,
 * the content store's GETs, 404 for the rest. ctx is the gateway. */
void pap_gateway_http(void *ctx, http_exchange *x, const push_http_req *req, sp_str body);

/* Pushes held now (pending or remembered). */
size_t pap_gateway_count(const pap_gateway *g);

#endif
