/* Tests of the setuid collector (lib/inventory/setuid.c), through its
 * cataloger callbacks. tests/cli/hostile_test.sh scans a real image with
 * setuid files across two layers. */
#include <string.h>

#include "harness.h"
#include "inventory/inventory.h"
#include "testlib.h"

/* Selection is by mode alone: setuid or setgid, any path and size. */
ST_TEST(setuid_selects_by_mode)
{
	static const struct {
		unsigned mode;
		bool wanted;
	} cases[] = {
		{04755, true}, {02755, true}, {06711, true}, {04000, true},
		{0755, false}, {01777, false}, {0644, false}, {0, false},
	};
	const struct st_cataloger *c = &st_cataloger_setuid;
	size_t i;

	ST_CHECK(!c->wants("usr/bin/su", 10));
	for (i = 0; i < ST_ARRAY_LEN(cases); i++)
		ST_CHECK(c->wants_summary("usr/bin/su", 10, 1u << 30, cases[i].mode) ==
			 cases[i].wanted);
	return ST_TEST_PASS;
}

/* The summary is empty and the content is never read. */
ST_TEST(setuid_summary_is_empty)
{
	const struct st_cataloger *c = &st_cataloger_setuid;
	struct st_walk_file meta = st_test_walk_file("usr/bin/su", "", 0);
	struct strata_limits lim;
	struct strata_error err;
	struct st_buf out;

	strata_limits_default(&lim);
	st_buf_init(&out, 16);
	/* A NULL stream would crash a summarizer that reads. */
	ST_CHECK_INT(c->summarize(&meta, NULL, &out, &lim, NULL, &err), 0);
	ST_CHECK_INT(out.len, 0);
	st_buf_dispose(&out);
	return ST_TEST_PASS;
}

/* Final files are recorded in order with path, mode and layer; files that
 * lost the bit (a plain file at the same path) are not. */
ST_TEST(setuid_records_final_files)
{
	const struct st_cataloger *c = &st_cataloger_setuid;
	struct st_inventory inv;
	struct strata_limits lim;
	struct strata_error err;
	struct st_catalog_ctx ctx;
	struct st_walk_file f;
	char name[32];
	void *state = NULL;
	size_t i;

	st_inventory_init(&inv);
	strata_limits_default(&lim);
	ctx.inv = &inv;
	ctx.diag = NULL;
	ctx.limits = &lim;
	ST_CHECK_INT(c->init(&state, &err), 0);
	/* Forty files make the list grow past its first allocation. */
	for (i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "usr/bin/s%02zu", i);
		f = st_test_walk_file(name, "", i % 3);
		f.summarized = true;
		f.mode = i % 2 == 0 ? 04755 : 02711;
		ST_CHECK_INT(c->on_final_file(state, &f, &ctx, &err), 0);
	}
	f = st_test_walk_file("usr/bin/plain", "x", 0);
	f.mode = 0755;
	ST_CHECK_INT(c->on_final_file(state, &f, &ctx, &err), 0);
	ST_CHECK_INT(c->finish(state, &ctx, &err), 0);
	c->free(state);

	ST_CHECK_INT(inv.setuid_count, 40);
	ST_CHECK_STR(inv.setuid[0].path, "usr/bin/s00");
	ST_CHECK_INT(inv.setuid[0].mode, 04755);
	ST_CHECK_STR(inv.setuid[39].path, "usr/bin/s39");
	ST_CHECK_INT(inv.setuid[39].mode, 02711);
	ST_CHECK_INT(inv.setuid[39].layer, 0);
	ST_CHECK_INT(inv.setuid[20].layer, 2);
	st_inventory_dispose(&inv);
	return ST_TEST_PASS;
}

/* Without setuid files the inventory keeps no list. */
ST_TEST(setuid_none_found)
{
	const struct st_cataloger *c = &st_cataloger_setuid;
	struct st_inventory inv;
	struct strata_limits lim;
	struct strata_error err;
	struct st_catalog_ctx ctx = {.inv = &inv, .limits = &lim};
	void *state = NULL;

	st_inventory_init(&inv);
	strata_limits_default(&lim);
	ST_CHECK_INT(c->init(&state, &err), 0);
	ST_CHECK_INT(c->finish(state, &ctx, &err), 0);
	c->free(state);
	c->free(NULL);
	ST_CHECK(inv.setuid == NULL);
	ST_CHECK_INT(inv.setuid_count, 0);
	st_inventory_dispose(&inv);
	return ST_TEST_PASS;
}
