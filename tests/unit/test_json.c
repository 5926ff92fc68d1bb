/* test_json.c - the JSON writer: nesting, commas, escaping, numbers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "sp_json_impl.h"

static char out[1024];

/* Runs body against a writer on a memory stream; leaves the text in out. */
#define WITH_JSON(j, body)                                      \
    do {                                                        \
        FILE *f_ = fmemopen(out, sizeof out, "w");              \
        ck_assert_ptr_nonnull(f_);                              \
        json_out j;                                             \
        json_init(&j, f_);                                      \
        body;                                                   \
        fclose(f_);                                             \
    } while (0)

START_TEST(nested_values_get_commas)
{
    WITH_JSON(j, {
        json_object_begin(&j);
        json_kv_str(&j, "a", SP_LIT("x"));
        json_key(&j, "b");
        json_array_begin(&j);
        json_u64(&j, 1);
        json_null(&j);
        json_bool(&j, true);
        json_array_end(&j);
        json_kv_null(&j, "c");
        json_kv_str(&j, "d", SP_STR_NULL);
        json_object_end(&j);
        json_line_end(&j);
    });
    ck_assert_str_eq(out, "{\"a\":\"x\",\"b\":[1,null,true],\"c\":null,\"d\":null}\n");
}
END_TEST

START_TEST(strings_are_escaped)
{
    WITH_JSON(j, json_str(&j, sp_str_make("q\"b\\\n\r\t\x01", 8)));
    ck_assert_str_eq(out, "\"q\\\"b\\\\\\n\\r\\t\\u0001\"");
}
END_TEST

START_TEST(invalid_utf8_becomes_latin1_escape)
{
    /* valid 2-byte sequence kept, lone continuation byte and overlong form escaped */
    WITH_JSON(j, json_str(&j, sp_str_make("\xc3\xa9\x80\xc0\xaf", 5)));
    ck_assert_str_eq(out, "\"\xc3\xa9\\u0080\\u00c0\\u00af\"");
}
END_TEST

START_TEST(numbers)
{
    WITH_JSON(j, {
        json_array_begin(&j);
        json_double(&j, 2000000.0);
        json_double(&j, 0.25);
        json_i64(&j, -5);
        json_array_end(&j);
    });
    ck_assert_str_eq(out, "[2000000,0.2500,-5]");
}
END_TEST

static Suite *json_suite(void)
{
    Suite *s = suite_create("json");
    TCase *tc = tcase_create("writer");
    tcase_add_test(tc, nested_values_get_commas);
    tcase_add_test(tc, strings_are_escaped);
    tcase_add_test(tc, invalid_utf8_becomes_latin1_escape);
    tcase_add_test(tc, numbers);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(json_suite)
