/* Fuzzes the CBL-Mariner distroless package list reader
 * (var/lib/rpmmanifest/container-manifest-2). */
#include <stddef.h>
#include <stdint.h>

#include "inventory/rpm_internal.h"

#define FUZZ_MAX_INPUT (256u * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int check_package(void *ctx, const struct st_rpm_package *pkg, struct strata_error *err)
{
	if (pkg->pkg.name == NULL || pkg->pkg.version == NULL || pkg->version_release == NULL)
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
	st_rpm_manifest_parse(st_slice_make((const char *)data, size), "fuzz/manifest", &lim, NULL,
			      check_package, NULL, &err);
	return 0;
}
