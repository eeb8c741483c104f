/* Fuzzes the dpkg status parser and the dpkg cataloger: the input is
 * parsed as a status file and as a status.d file, and its two halves are
 * fed as the status file of two layers. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "inventory/inventory.h"

#define FUZZ_MAX_INPUT (256u * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Checks what the parser promises about every package it hands out. */
static int check_package(void *ctx, const struct st_package *pkg, struct strata_error *err)
{
	if (pkg->name[0] == '\0' || pkg->version[0] == '\0' || strchr(pkg->name, ' ') ||
	    strchr(pkg->version, '\n') || (pkg->arch && pkg->arch[0] == '\0'))
		__builtin_trap();
	return 0;
}

static void run_cataloger(struct st_slice text, const struct strata_limits *lim)
{
	const struct st_cataloger *c = &st_cataloger_dpkg;
	struct st_walk_file f;
	struct st_catalog_ctx ctx;
	struct st_inventory inv;
	struct strata_error err;
	void *state = NULL;
	size_t half = text.len / 2;
	int rc;

	st_inventory_init(&inv);
	inv.os.found = true;
	inv.os.id = "debian";
	inv.os.version_id = "12";
	ctx.inv = &inv;
	ctx.diag = NULL;
	ctx.limits = lim;
	memset(&f, 0, sizeof(f));
	f.path = "var/lib/dpkg/status";
	f.path_len = strlen(f.path);
	f.type = ST_FILE_REGULAR;

	rc = c->init(&state, &err);
	if (rc == 0) {
		f.data = st_slice_make(text.ptr, half);
		rc = c->on_layer_file(state, &f, &ctx, &err);
	}
	if (rc == 0) {
		f.data = st_slice_make(text.ptr + half, text.len - half);
		f.layer = 1;
		rc = c->on_layer_file(state, &f, &ctx, &err);
	}
	if (rc == 0)
		rc = c->on_final_file(state, &f, &ctx, &err);
	if (rc == 0)
		rc = c->finish(state, &ctx, &err);
	c->free(state);
	st_inventory_dispose(&inv);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strata_limits lim;
	struct strata_error err;
	struct st_slice text = st_slice_make((const char *)data, size);

	if (size > FUZZ_MAX_INPUT)
		return 0;
	strata_limits_default(&lim);
	lim.status_fields = 64;
	st_dpkg_parse_status(text, "var/lib/dpkg/status", &lim, NULL, check_package, NULL, &err);
	st_dpkg_parse_status(text, "var/lib/dpkg/status.d/x", &lim, NULL, check_package, NULL,
			     &err);
	run_cataloger(text, &lim);
	return 0;
}
