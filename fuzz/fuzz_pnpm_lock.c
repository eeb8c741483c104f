/* Fuzzes the pnpm-lock.yaml parser (lockfile versions 5.x to 9.0). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "inventory/lang.h"

#define FUZZ_MAX_INPUT (256u * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int check_entry(void *ctx, const struct st_npm_lock_entry *e, struct strata_error *err)
{
	if (e->install_path != NULL || e->name == NULL || e->version == NULL)
		__builtin_trap();
	if (strlen(e->name) > ST_LANG_MAX_NAME || strlen(e->version) > ST_LANG_MAX_VERSION)
		__builtin_trap();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strata_limits lim;
	struct strata_error err;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	strata_limits_default(&lim);
	lim.json_depth = 32;
	st_pnpm_parse_lock(st_slice_make((const char *)data, size), "fuzz/pnpm-lock.yaml", &lim,
			   NULL, check_entry, NULL, &err);
	return 0;
}
