/* Fuzzes the package-lock.json parser (lockfile versions 1 to 3). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "inventory/lang.h"

#define FUZZ_MAX_INPUT (256u * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int check_entry(void *ctx, const struct st_npm_lock_entry *e, struct strata_error *err)
{
	if (e->install_path == NULL || e->install_path[0] == '\0')
		__builtin_trap();
	if (e->version != NULL && strlen(e->version) > ST_LANG_MAX_VERSION)
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
	st_npm_parse_package_lock(st_slice_make((const char *)data, size), "fuzz/lock", &lim,
				  NULL, check_entry, NULL, &err);
	return 0;
}
