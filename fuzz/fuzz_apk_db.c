/* Fuzzes the apk installed database parser and the apk cataloger: the
 * input is parsed as lib/apk/db/installed with small limits, and its two
 * halves are fed as the database of two layers. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "inventory/inventory.h"

#define FUZZ_MAX_INPUT (256u * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Checks what the parser promises about every package it hands out. */
static int check_package(void *ctx, const struct st_apk_package *apk, struct strata_error *err)
{
	const struct st_package *pkg = &apk->pkg;
	const char *file = apk->files;
	size_t i;

	if (pkg->name[0] == '\0' || pkg->version[0] == '\0' || strchr(pkg->name, ' ') ||
	    strchr(pkg->version, '\n') || (pkg->arch && pkg->arch[0] == '\0') ||
	    (pkg->license && strchr(pkg->license, '\n')))
		__builtin_trap();
	for (i = 0; i < apk->file_count; i++) {
		if (file[0] == '\0' || strchr(file, '\n') != NULL)
			__builtin_trap();
		file += strlen(file) + 1;
	}
	return 0;
}

static void run_cataloger(struct st_slice text, const struct strata_limits *lim)
{
	const struct st_cataloger *c = &st_cataloger_apk;
	struct st_walk_file f;
	struct st_catalog_ctx ctx;
	struct st_inventory inv;
	struct strata_error err;
	void *state = NULL;
	size_t half = text.len / 2;
	int rc;

	st_inventory_init(&inv);
	inv.os.found = true;
	inv.os.id = "alpine";
	inv.os.version_id = "3.18.4";
	ctx.inv = &inv;
	ctx.diag = NULL;
	ctx.limits = lim;
	memset(&f, 0, sizeof(f));
	f.path = "lib/apk/db/installed";
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
	lim.path_bytes = 256;
	st_apk_parse_installed(text, "lib/apk/db/installed", &lim, NULL, check_package, NULL,
			       &err);
	run_cataloger(text, &lim);
	return 0;
}
