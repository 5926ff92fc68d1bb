/* fuzz_reginfo.c - fuzz harness: reginfo+xml documents through the reader, every
 * value through the entity decoder, and the binding table through two
 * documents cut from the input (a full one, then the rest as an update). */
#include <stdint.h>
#include <string.h>

#include "push_reginfo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static push_binding rows[4];

static void apply(push_regtab *t, const char *buf, size_t len)
{
    push_reginfo_reg regs[4];
    push_reginfo_contact contacts[8];
    push_reginfo_param params[8];
    push_reginfo ri = {0, false, regs, 0, 4, contacts, 0, 8, params, 0, 8};
    sp_error err;
    if (push_reginfo_parse(buf, len, &ri, NULL, &err) < 0)
        return;
    char out[256];
    for (size_t i = 0; i < ri.ncontacts; i++)
        (void)push_xml_decode(contacts[i].uri, out, sizeof out);
    for (size_t i = 0; i < ri.nparams; i++)
        (void)push_xml_decode(params[i].value, out, sizeof out);
    (void)push_regtab_apply(t, &ri, &err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *buf = (const char *)data;
    push_regtab t;
    push_regtab_init(&t, rows, sizeof rows / sizeof rows[0]);
    /* A NUL byte splits two documents; without one, the input is applied twice. */
    const char *nul = memchr(buf, '\0', size);
    size_t first = nul ? (size_t)(nul - buf) : size;
    apply(&t, buf, first);
    if (nul)
        apply(&t, nul + 1, size - first - 1);
    else
        apply(&t, buf, size);
    size_t it = 0;
    while (push_regtab_next(&t, SP_LIT("sip:bob@example.com"), &it))
        ;
    return 0;
}
