/* Shared by the feed importer fuzz targets: imports one input into an
 * in-memory store inside a transaction, matches a fixed inventory against
 * it, and rolls everything back, so that each input starts from an empty
 * store. Include from one target file only. */
#ifndef STRATA_FUZZ_VULN_H
#define STRATA_FUZZ_VULN_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vuln/vuln_internal.h"

#define FUZZ_MAX_INPUT (1024u * 1024)

typedef int (*fuzz_importer)(struct st_import_ctx *ctx, struct st_slice text,
			     struct strata_error *err);

/* Packages whose names the seeds use, so that fuzzed ranges and statuses
 * reach the matcher. */
static int fuzz_inventory(struct st_inventory *inv)
{
	static const char *const pkgs[][4] = {
		{"npm", "lodash", "4.17.15", NULL},
		{"npm", "node-fetch", "3.0.5", NULL},
		{"npm", "limit-pkg", "2.1.0", NULL},
		{"npm", "dup-pkg", "1.0.0", NULL},
		{"deb", "libssl3", "3.0.11-1~deb12u2", "openssl"},
		{"deb", "curl", "7.88.1-10+deb12u5", NULL},
		{"deb", "chromium", "98.0.4758.102-1", NULL},
	};
	struct strata_error err;
	size_t i;

	inv->os.id = "debian";
	inv->os.version_id = "12";
	inv->os.version_codename = "bookworm";
	for (i = 0; i < ST_ARRAY_LEN(pkgs); i++) {
		struct st_package p = {0};

		p.type = pkgs[i][0];
		p.name = pkgs[i][1];
		p.version = pkgs[i][2];
		p.source_name = pkgs[i][3];
		if (st_inventory_add(inv, &p, &err) < 0)
			return -1;
	}
	return 0;
}

/* Checks what the matcher promises about every finding. */
static void fuzz_check_findings(const struct st_findings *f, size_t packages)
{
	size_t i;

	for (i = 0; i < f->count; i++) {
		const struct st_finding *x = &f->items[i];

		if (x->id == NULL || x->aliases == NULL || x->package >= packages ||
		    x->status == ST_STATUS_NOT_AFFECTED || x->severity < ST_SEVERITY_UNKNOWN ||
		    x->severity > ST_SEVERITY_CRITICAL ||
		    (x->status == ST_STATUS_FIXED) != (x->fixed_version != NULL))
			__builtin_trap();
		if (i > 0 && f->items[i - 1].severity < x->severity)
			__builtin_trap();
	}
}

static void fuzz_import(const uint8_t *data, size_t size, fuzz_importer import)
{
	static struct st_db *db;
	struct strata_limits lim;
	struct st_import_stats stats = {0};
	struct st_import_ctx ctx;
	struct st_writer writer;
	struct st_inventory inv;
	struct st_findings findings;
	struct strata_error err;
	struct st_slice text;

	if (size > FUZZ_MAX_INPUT)
		return;
	if (db == NULL && st_db_open(&db, ":memory:", true, &err) < 0)
		abort();
	strata_limits_default(&lim);
	lim.json_depth = 32;
	text = st_slice_make((const char *)data, size);
	(void)st_feed_detect(text, &lim);

	if (st_db_exec(db, "BEGIN IMMEDIATE", &err) < 0)
		abort();
	if (st_writer_init(&writer, db, &err) < 0)
		abort();
	ctx.writer = &writer;
	ctx.limits = &lim;
	ctx.diag = NULL;
	ctx.stats = &stats;
	ctx.name = "fuzz.json";
	ctx.git_ranges = 0;
	if (import(&ctx, text, &err) == 0) {
		st_inventory_init(&inv);
		st_findings_init(&findings);
		if (fuzz_inventory(&inv) == 0 &&
		    st_match_inventory(db, &inv, &findings, NULL, &err) == 0)
			fuzz_check_findings(&findings, inv.count);
		st_findings_dispose(&findings);
		st_inventory_dispose(&inv);
	}
	st_writer_dispose(&writer);
	if (st_db_exec(db, "ROLLBACK", &err) < 0)
		abort();
}

#endif
