/* Fuzzes the rpm database readers: the input goes through st_rpmdb_parse,
 * which picks the Berkeley DB, SQLite or NDB reader by its first bytes,
 * and then through each reader directly. Every package handed out must
 * have a name, a version with a '-' and no control bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "inventory/rpm_internal.h"

#define FUZZ_MAX_INPUT (256u * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_text(const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20)
			abort();
	}
}

static int check_package(void *ctx, const struct st_rpm_package *pkg, struct strata_error *err)
{
	if (pkg->pkg.name == NULL || pkg->pkg.name[0] == '\0' || pkg->pkg.version == NULL ||
	    strchr(pkg->version_release, '-') == NULL || (pkg->pkg.arch && !pkg->pkg.arch[0]))
		abort();
	check_text(pkg->pkg.name);
	check_text(pkg->pkg.version);
	check_text(pkg->pkg.license);
	check_text(pkg->vendor);
	return 0;
}

static int check_record(void *ctx, uint32_t record, struct st_slice blob,
			struct strata_error *err)
{
	const struct st_slice *input = ctx;

	/* Blobs point into the input, except assembled overflow values. */
	if (blob.len == 0 || blob.len > input->len)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct st_slice input = st_slice_make((const char *)data, size);
	struct st_rpmdb_reader r = {"fuzz", NULL, 0, check_record, &input};
	struct strata_limits lim;
	struct strata_error err;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	strata_limits_default(&lim);
	st_rpmdb_parse(input, "var/lib/rpm/Packages", &lim, NULL, check_package, NULL, &err);
	st_rpmdb_read_bdb(&r, input, &err);
	st_rpmdb_read_ndb(&r, input, &err);
	st_rpmdb_read_sqlite(&r, input, &err);
	return 0;
}
