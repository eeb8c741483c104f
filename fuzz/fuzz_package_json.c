/* Fuzzes the package.json parser with the npm purl builder behind it. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "inventory/inventory.h"

#define FUZZ_MAX_INPUT (256u * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strata_limits lim;
	struct strata_error err;
	struct st_package pkg;
	struct st_arena arena;
	int rc;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	strata_limits_default(&lim);
	lim.json_depth = 32;
	st_arena_init(&arena);
	rc = st_npm_parse_package_json(&pkg, st_slice_make((const char *)data, size),
				       "node_modules/x/package.json", &lim, &arena, &err);
	if (rc == 0 && (pkg.name == NULL || pkg.version == NULL || pkg.purl == NULL ||
			strncmp(pkg.purl, "pkg:npm/", 8) != 0))
		__builtin_trap();
	st_arena_dispose(&arena);
	return 0;
}
