/* Tests for lib/util: slices, capped buffers, arenas, errors, JSON bounds,
 * limits and SHA-256. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "util/util.h"

ST_TEST(slice_split_and_trim)
{
	struct st_slice s = st_slice_cstr("  a:b::c  ");
	struct st_slice head;

	s = st_slice_trim(s);
	ST_CHECK(st_slice_eq_cstr(s, "a:b::c"));
	st_slice_split(&s, ':', &head);
	ST_CHECK(st_slice_eq_cstr(head, "a"));
	st_slice_split(&s, ':', &head);
	ST_CHECK(st_slice_eq_cstr(head, "b"));
	st_slice_split(&s, ':', &head);
	ST_CHECK(st_slice_eq_cstr(head, ""));
	st_slice_split(&s, ':', &head);
	ST_CHECK(st_slice_eq_cstr(head, "c"));
	ST_CHECK_INT(s.len, 0);
	return ST_TEST_PASS;
}

ST_TEST(slice_to_u64_rejects_overflow)
{
	uint64_t v = 0;

	ST_CHECK(st_slice_to_u64(st_slice_cstr("18446744073709551615"), &v));
	ST_CHECK(v == UINT64_MAX);
	ST_CHECK(!st_slice_to_u64(st_slice_cstr("18446744073709551616"), &v));
	ST_CHECK(!st_slice_to_u64(st_slice_cstr(""), &v));
	ST_CHECK(!st_slice_to_u64(st_slice_cstr("12a"), &v));
	ST_CHECK(!st_slice_to_u64(st_slice_cstr("-1"), &v));
	return ST_TEST_PASS;
}

ST_TEST(buf_stops_at_max)
{
	struct strata_error err;
	struct st_buf b;

	st_buf_init(&b, 10);
	ST_CHECK_INT(st_buf_append(&b, "0123456789", 10, &err), 0);
	ST_CHECK_INT(st_buf_append(&b, "x", 1, &err), STRATA_ELIMIT);
	ST_CHECK_INT(b.len, 10);
	ST_CHECK(memcmp(b.ptr, "0123456789", 10) == 0);
	ST_CHECK(b.ptr[10] == '\0');
	st_buf_dispose(&b);
	return ST_TEST_PASS;
}

ST_TEST(buf_printf_appends)
{
	struct strata_error err;
	struct st_buf b;

	st_buf_init(&b, 1024);
	ST_CHECK_INT(st_buf_printf(&b, &err, "%s-%d", "a", 42), 0);
	ST_CHECK_INT(st_buf_printf(&b, &err, "/%03d", 7), 0);
	ST_CHECK_STR(st_buf_cstr(&b, &err), "a-42/007");
	st_buf_dispose(&b);
	return ST_TEST_PASS;
}

ST_TEST(arena_keeps_strings_and_large_blocks)
{
	struct st_arena a;
	char *small[1000];
	char *big;
	size_t i;

	st_arena_init(&a);
	for (i = 0; i < 1000; i++) {
		small[i] = st_arena_printf(&a, "item-%zu", i);
		ST_CHECK(small[i] != NULL);
	}
	big = st_arena_alloc(&a, 1 << 20);
	ST_CHECK(big != NULL);
	memset(big, 'x', 1 << 20);
	ST_CHECK_STR(small[0], "item-0");
	ST_CHECK_STR(small[999], "item-999");
	ST_CHECK_STR(st_arena_strndup(&a, "abcdef", 3), "abc");
	ST_CHECK(st_arena_alloc(&a, SIZE_MAX) == NULL);
	st_arena_dispose(&a);
	return ST_TEST_PASS;
}

ST_TEST(error_prefix_keeps_code_and_detail)
{
	struct strata_error err;

	ST_CHECK_INT(st_error_set(&err, STRATA_ECORRUPT, "bad %s", "thing"), STRATA_ECORRUPT);
	st_error_prefix(&err, "layer %d", 2);
	ST_CHECK_STR(err.msg, "layer 2: bad thing");
	ST_CHECK_INT(err.code, STRATA_ECORRUPT);
	ST_CHECK_STR(strata_strerror(STRATA_ELIMIT), "limit exceeded");
	ST_CHECK_STR(strata_strerror(-99), "unknown error");
	return ST_TEST_PASS;
}

ST_TEST(error_prefix_truncates_long_messages)
{
	struct strata_error err;
	char longname[800];

	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	st_error_set(&err, STRATA_ENOTFOUND, "%s", longname);
	st_error_prefix(&err, "context");
	ST_CHECK(strncmp(err.msg, "context: nnn", 12) == 0);
	ST_CHECK_INT(strlen(err.msg), STRATA_ERROR_MSG_MAX - 1);
	return ST_TEST_PASS;
}

ST_TEST(json_depth_limit)
{
	struct strata_error err;
	json_t *root = NULL;
	char deep[20001];

	memset(deep, '[', 10000);
	memset(deep + 10000, ']', 10000);
	deep[20000] = '\0';
	ST_CHECK_INT(st_json_parse(&root, st_slice_cstr(deep), 1 << 20, 128, 0, "deep.json", &err),
		     STRATA_ELIMIT);
	ST_CHECK(strstr(err.msg, "deep.json") != NULL);
	ST_CHECK(root == NULL);
	/* Brackets inside strings do not count. */
	ST_CHECK_INT(st_json_depth(st_slice_cstr("{\"a\":\"[[[[\\\"[[\"}"), 2), 1);
	return ST_TEST_PASS;
}

ST_TEST(json_size_limit_and_syntax_errors)
{
	struct strata_error err;
	json_t *root = NULL;

	ST_CHECK_INT(st_json_parse(&root, st_slice_cstr("{\"a\": 1}"), 4, 8, 0, "m.json", &err),
		     STRATA_ELIMIT);
	ST_CHECK_INT(st_json_parse(&root, st_slice_cstr("{\"a\": "), 100, 8, 0, "m.json", &err),
		     STRATA_ECORRUPT);
	ST_CHECK(strstr(err.msg, "m.json") != NULL);
	return ST_TEST_PASS;
}

ST_TEST(json_strict_rejects_repeated_keys)
{
	struct strata_error err;
	json_t *root = NULL;
	struct st_slice dup = st_slice_cstr("{\"a\": 1, \"a\": 2}");

	ST_CHECK_INT(st_json_parse(&root, dup, 100, 8, ST_JSON_STRICT, "x", &err),
		     STRATA_ECORRUPT);
	ST_CHECK_INT(st_json_parse(&root, dup, 100, 8, 0, "x", &err), 0);
	ST_CHECK(root != NULL);
	json_decref(root);
	return ST_TEST_PASS;
}

ST_TEST(limits_set_by_name)
{
	struct strata_limits lim;
	struct strata_error err;

	strata_limits_default(&lim);
	ST_CHECK_INT(strata_limits_set(&lim, "layers", "5", &err), 0);
	ST_CHECK_INT(lim.layers, 5);
	ST_CHECK_INT(strata_limits_set(&lim, "layer_bytes", "123456789012", &err), 0);
	ST_CHECK(lim.layer_bytes == 123456789012ull);
	ST_CHECK_INT(strata_limits_set(&lim, "layers", "4294967296", &err), STRATA_EINVAL);
	ST_CHECK_INT(strata_limits_set(&lim, "layers", "0", &err), STRATA_EINVAL);
	ST_CHECK_INT(strata_limits_set(&lim, "scan_threads", "2", &err), 0);
	ST_CHECK_INT(strata_limits_set(&lim, "scan_threads", "0", &err), 0);
	ST_CHECK_INT(lim.scan_threads, 0);
	ST_CHECK_INT(strata_limits_set(&lim, "layers", "x", &err), STRATA_EINVAL);
	ST_CHECK_INT(strata_limits_set(&lim, "layer_bytes", "18446744073709551616", &err),
		     STRATA_EINVAL);
	ST_CHECK(strstr(err.msg, "is too large") != NULL);
	ST_CHECK_INT(strata_limits_set(&lim, "nosuch", "1", &err), STRATA_ENOTFOUND);
	ST_CHECK_INT(strata_limits_set(&lim, "nosuch", "x", &err), STRATA_ENOTFOUND);
	ST_CHECK(strstr(err.msg, "nosuch") != NULL);
	return ST_TEST_PASS;
}

ST_TEST(sha256_known_vectors)
{
	struct strata_error err;
	struct st_sha256 h;
	char hex[ST_SHA256_HEX_LEN + 1];

	st_sha256_hex("abc", 3, hex);
	ST_CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	ST_CHECK_INT(st_sha256_init(&h, &err), 0);
	st_sha256_update(&h, "a", 1);
	st_sha256_update(&h, "bc", 2);
	st_sha256_final(&h, hex);
	ST_CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	return ST_TEST_PASS;
}

ST_TEST(digest_validation)
{
	ST_CHECK(st_digest_is_valid(
		"sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
	ST_CHECK(!st_digest_is_valid(
		"sha256:BA7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
	ST_CHECK(!st_digest_is_valid("sha256:../../etc/passwd"));
	ST_CHECK(!st_digest_is_valid(
		"sha512:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
	ST_CHECK(!st_digest_is_valid(
		"sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad0"));
	ST_CHECK(!st_digest_is_valid(NULL));
	return ST_TEST_PASS;
}
