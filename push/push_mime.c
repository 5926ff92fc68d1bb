/* push_mime.c - see push_mime_impl.h. */
#include "push_mime_impl.h"

static bool is_ctl_or_space(unsigned char c) { return c <= 0x20 || c == 0x7f; }

size_t push_mime_header_line(sp_str b, size_t i, sp_str *name, sp_str *value)
{
    size_t start = i, colon = 0;
    for (;;) {
        const char *lf = memchr(b.p + i, '\n', b.n - i);
        size_t end = lf ? (size_t)(lf - b.p) : b.n;
        if (memchr(b.p + i, '\0', end - i))
            return 0;
        if (!colon) {
            const char *c = memchr(b.p + start, ':', end - start);
            if (!c || c == b.p + start)
                return 0;
            colon = (size_t)(c - b.p);
        }
        i = lf ? end + 1 : end;
        if (i >= b.n || (b.p[i] != ' ' && b.p[i] != '\t'))
            break;
    }
    *name = sp_str_make(b.p + start, colon - start);
    *value = sp_str_trim(sp_str_make(b.p + colon + 1, i - colon - 1));
    for (size_t k = 0; k < name->n; k++)
        if (is_ctl_or_space((unsigned char)name->p[k]))
            return 0;
    return i;
}

bool push_mime_blank_line(sp_str b, size_t i, size_t *after)
{
    if (i < b.n && b.p[i] == '\n') {
        *after = i + 1;
        return true;
    }
    if (i + 1 < b.n && b.p[i] == '\r' && b.p[i + 1] == '\n') {
        *after = i + 2;
        return true;
    }
    return false;
}
