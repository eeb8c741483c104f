/* Cargo (crates.io) versions: Semantic Versioning 2.0.0 as the semver
 * crate parses it, which also limits numbers to 64 bits. The order is
 * SemVer precedence (hex.c).
 *
 * NOTE: the semver crate's Ord also orders build metadata, so that no two
 * distinct versions are equal. strata ignores build metadata, as SemVer
 * precedence and OSV's SEMVER ranges do. */
#include "version/langver.h"

int st_cargo_compare(const char *a, const char *b, int *cmp, struct strata_error *err)
{
	return st_semver2_compare("Cargo version", true, a, b, cmp, err);
}

int st_cargo_validate(const char *v, struct strata_error *err)
{
	int cmp;

	return st_cargo_compare(v, v, &cmp, err);
}
