/* test_push_filetype.c - the media type of a content from its file name:
 * the table's unambiguous extensions, case, folders, and the names that
 * say nothing (no extension, a hidden file, an unknown extension). */
#include <string.h>

#include "check_main.h"
#include "guard.h"
#include "push_filetype.h"

static const char *type_of(const char *name)
{
    static char out[64];
    sp_str t = push_filetype_of(sp_str_make(guard_str(name), strlen(name)));
    if (!t.p)
        return NULL;
    memcpy(out, t.p, t.n);
    out[t.n] = '\0';
    return out;
}

START_TEST(known_extensions)
{
    ck_assert_str_eq(type_of("notes.txt"), "text/plain");
    ck_assert_str_eq(type_of("NOTES.TXT"), "text/plain");
    ck_assert_str_eq(type_of("index.html"), "text/html");
    ck_assert_str_eq(type_of("page.htm"), "text/html");
    ck_assert_str_eq(type_of("data.xml"), "application/xml");
    ck_assert_str_eq(type_of("data.json"), "application/json");
    ck_assert_str_eq(type_of("logo.png"), "image/png");
    ck_assert_str_eq(type_of("photo.JPG"), "image/jpeg");
    ck_assert_str_eq(type_of("photo.jpeg"), "image/jpeg");
    ck_assert_str_eq(type_of("anim.gif"), "image/gif");
    ck_assert_str_eq(type_of("report.pdf"), "application/pdf");
    ck_assert_str_eq(type_of("deck.wml"), "text/vnd.wap.wml");
    ck_assert_str_eq(type_of("archive.tar.gz"), "application/gzip"); /* the last extension */
}
END_TEST

START_TEST(names_that_say_nothing)
{
    ck_assert_ptr_null(type_of(""));
    ck_assert_ptr_null(type_of("README"));
    ck_assert_ptr_null(type_of(".txt"));          /* a hidden file, not an extension */
    ck_assert_ptr_null(type_of("docs/.txt"));
    ck_assert_ptr_null(type_of("file."));
    ck_assert_ptr_null(type_of("blob.bin"));
    ck_assert_ptr_null(type_of("movie.ogg"));     /* audio/ogg or video/ogg: the sender says */
    ck_assert_ptr_null(type_of("dir.txt/plain"));  /* folders are no part of the name */
    ck_assert_str_eq(type_of("dir.d/notes.txt"), "text/plain");
    ck_assert_ptr_null(type_of("notes.txtx"));
}
END_TEST

static Suite *push_filetype_suite(void)
{
    Suite *s = suite_create("push_filetype");
    TCase *tc = tcase_create("filetype");
    tcase_add_test(tc, known_extensions);
    tcase_add_test(tc, names_that_say_nothing);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(push_filetype_suite)
