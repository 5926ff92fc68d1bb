/* loop_run.c - see loop_run.h. */
#include "loop_run.h"

#include <stdlib.h>

bool loop_run_until(tp_loop *loop, const bool *flag, int timeout_ms)
{
    tp_ms end = tp_clock_ms() + (tp_ms)timeout_ms;
    while (!*flag) {
        tp_ms now = tp_clock_ms();
        if (now >= end)
            break;
        if (tp_loop_run_once(loop, (int)(end - now)) < 0)
            break;
    }
    return *flag;
}

void loop_run_for(tp_loop *loop, int ms)
{
    bool never = false;
    loop_run_until(loop, &never, ms);
}

int loop_slowdown(void)
{
    const char *m = getenv("CK_TIMEOUT_MULTIPLIER");
    int f = m ? atoi(m) : 1;
    return f > 1 && f <= 100 ? f : 1;
}
