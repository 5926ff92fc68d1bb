/* Embedding the SIP parser: cc example.c $(pkg-config --cflags --libs sippush) */
#include <stdio.h>
#include <sippush/sip.h>

int main(void)
{
    static const char buf[] = "MESSAGE sip:bob@example.com SIP/2.0\r\n"
                              "Call-ID: a84b4c76e66710@pc33.example.com\r\n"
                              "Content-Length: 2\r\n\r\nhi";
    sip_header hdrs[32];
    sip_msg msg;
    sp_error err;
    if (sip_msg_parse(buf, sizeof buf - 1, &msg, hdrs, 32, NULL, SIP_FRAME_DATAGRAM, &err) < 0)
        return fprintf(stderr, "error: %zu: %s\n", err.offset, err.reason), 1;
    const sip_header *id = sip_msg_find(&msg, SIP_H_CALL_ID);
    printf("%.*s %.*s\n", (int)msg.method.n, msg.method.p, id ? (int)id->value.n : 0, id ? id->value.p : "");
    return 0;
}
