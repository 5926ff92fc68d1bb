/* msrp_hdr.h - MSRP header names and typed header values (RFC 4975 §9).
 *
 * Typed parsers take a header value (as the frame parser hands it out, white
 * space around it removed) and return 0, or SP_EINVAL with err->offset the
 * offset inside the value and status 400. */
#ifndef SIPPUSH_MSRP_HDR_H
#define SIPPUSH_MSRP_HDR_H

#include "sp_export.h"

#include <stdbool.h>
#include <stdint.h>

#include "sp_error.h"
#include "sp_str.h"

typedef enum msrp_hdr_id {
    MSRP_H_OTHER = 0,
    MSRP_H_TO_PATH,
    MSRP_H_FROM_PATH,
    MSRP_H_USE_PATH,
    MSRP_H_MESSAGE_ID,
    MSRP_H_BYTE_RANGE,
    MSRP_H_SUCCESS_REPORT,
    MSRP_H_FAILURE_REPORT,
    MSRP_H_STATUS,
    MSRP_H_CONTENT_TYPE,
    MSRP_H_CONTENT_ID,
    MSRP_H_CONTENT_DESCRIPTION,
    MSRP_H_CONTENT_DISPOSITION,
    MSRP_H__COUNT
} msrp_hdr_id;

/* The id of a header name (ASCII case-insensitive, as ABNF literals are). */
SP_API msrp_hdr_id msrp_hdr_id_of(sp_str name);
/* The canonical name of an id; NULL for MSRP_H_OTHER. */
SP_API const char *msrp_hdr_name(msrp_hdr_id id);

/* ident = ALPHANUM 3*31ident-char: transaction ids and Message-IDs. */
SP_API bool msrp_ident_valid(sp_str s);

/* Byte-Range: range-start "-" range-end "/" total. start >= 1; end is a
 * number >= start - 1 (start - 1: an empty range) or "*"; total is a number
 * or "*", and a numeric total bounds a numeric end. Numbers up to
 * UINT64_MAX, overflow refused. */
typedef struct msrp_range {
    uint64_t start;
    uint64_t end;      /* valid when !end_star */
    uint64_t total;    /* valid when !total_star */
    bool end_star;
    bool total_star;
} msrp_range;

SP_API int msrp_range_parse(sp_str value, msrp_range *r, sp_error *err);

/* Status: namespace SP status-code [SP comment] (RFC 4975 §9, namespace
 * "000" for the codes of RFC 4975). */
typedef struct msrp_status {
    unsigned ns;    /* 0..999 */
    unsigned code;  /* 0..999 */
    sp_str comment; /* absent (p NULL) when there is none */
} msrp_status;

SP_API int msrp_status_parse(sp_str value, msrp_status *s, sp_error *err);

/* Success-Report (yes, no) and Failure-Report (yes, no, partial). */
typedef enum msrp_report {
    MSRP_REPORT_NO = 0,
    MSRP_REPORT_YES,
    MSRP_REPORT_PARTIAL,
} msrp_report;

/* value absent (p NULL) yields the RFC default: Success-Report "no"
 * (§7.1.3), Failure-Report "yes" (§7.1.4). */
SP_API int msrp_success_report_parse(sp_str value, msrp_report *r, sp_error *err);
SP_API int msrp_failure_report_parse(sp_str value, msrp_report *r, sp_error *err);
SP_API const char *msrp_report_name(msrp_report r);

#endif
