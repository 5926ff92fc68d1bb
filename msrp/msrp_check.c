/* msrp_check.c - value checks of a parsed head (RFC 4975 §7.1.2, §9). */
#include "msrp_frame.h"
#include "msrp_uri.h"

static int at_value(const msrp_head *h, msrp_hdr_id id, int rc, sp_error *err)
{
    if (rc < 0 && err)
        err->offset += (size_t)h->offset + h->headers[h->first[id] - 1].value.off;
    return rc;
}

int msrp_head_check(const msrp_head *h, sp_error *err)
{
    static const msrp_hdr_id paths[] = {MSRP_H_TO_PATH, MSRP_H_FROM_PATH, MSRP_H_USE_PATH};
    for (size_t k = 0; k < sizeof paths / sizeof paths[0]; k++) {
        sp_str v = msrp_head_get(h, paths[k]);
        if (sp_str_present(v)) {
            int rc = msrp_path_parse(v, NULL, 0, err);
            if (rc < 0)
                return at_value(h, paths[k], rc, err);
        }
    }
    sp_str mid = msrp_head_get(h, MSRP_H_MESSAGE_ID);
    if (sp_str_present(mid) && !msrp_ident_valid(mid))
        return at_value(h, MSRP_H_MESSAGE_ID, sp_fail(err, SP_EINVAL, 0, 400, "Message-ID is not an ident"), err);
    sp_str br = msrp_head_get(h, MSRP_H_BYTE_RANGE);
    msrp_range range;
    if (sp_str_present(br)) {
        int rc = msrp_range_parse(br, &range, err);
        if (rc < 0)
            return at_value(h, MSRP_H_BYTE_RANGE, rc, err);
    }
    msrp_report rep;
    sp_str sr = msrp_head_get(h, MSRP_H_SUCCESS_REPORT), fr = msrp_head_get(h, MSRP_H_FAILURE_REPORT);
    if (sp_str_present(sr) && msrp_success_report_parse(sr, &rep, err) < 0)
        return at_value(h, MSRP_H_SUCCESS_REPORT, SP_EINVAL, err);
    if (sp_str_present(fr) && msrp_failure_report_parse(fr, &rep, err) < 0)
        return at_value(h, MSRP_H_FAILURE_REPORT, SP_EINVAL, err);
    sp_str st = msrp_head_get(h, MSRP_H_STATUS);
    msrp_status status;
    if (sp_str_present(st) && msrp_status_parse(st, &status, err) < 0)
        return at_value(h, MSRP_H_STATUS, SP_EINVAL, err);
    if (h->is_request && h->method.len == 6 && !memcmp(h->base + h->method.off, "REPORT", 6)) {
        /* RFC 4975 §7.1.2 */
        size_t end = (size_t)h->offset + h->length;
        if (!sp_str_present(st))
            return sp_fail(err, SP_EINVAL, end, 400, "REPORT without Status");
        if (!sp_str_present(mid))
            return sp_fail(err, SP_EINVAL, end, 400, "REPORT without Message-ID");
        if (sp_str_present(sr) || sp_str_present(fr)) {
            msrp_hdr_id id = sp_str_present(sr) ? MSRP_H_SUCCESS_REPORT : MSRP_H_FAILURE_REPORT;
            size_t at = (size_t)h->offset + h->headers[h->first[id] - 1].name.off;
            return sp_fail(err, SP_EINVAL, at, 400, "REPORT with Success-Report or Failure-Report");
        }
    }
    return 0;
}
