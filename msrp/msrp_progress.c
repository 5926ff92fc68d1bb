/* msrp_progress.c - see msrp_progress.h. */
#include "msrp_progress.h"

#include "msrp_session_impl.h"

uint64_t msrp_session_acked(const msrp_session *s, uint64_t msg)
{
    for (const msrp_out *o = s->out_head; o; o = o->next)
        if (o->handle == msg)
            return o->acked;
    return 0;
}
