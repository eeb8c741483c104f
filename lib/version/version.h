/* Version ordering for each ecosystem, named by its purl type. */
#ifndef STRATA_VERSION_H
#define STRATA_VERSION_H

#include "util/util.h"

/* Compares versions A and B of ecosystem TYPE ("deb", "npm", ...) and sets
 * *CMP to -1, 0 or 1. Returns STRATA_EINVAL naming the version when A or B
 * is not a valid version of that ecosystem, and STRATA_EUNSUPPORTED for
 * an unknown TYPE. */
int st_version_compare(const char *type, const char *a, const char *b, int *cmp,
		       struct strata_error *err);

/* Returns 0 when V is a valid version of TYPE, else as above. */
int st_version_validate(const char *type, const char *v, struct strata_error *err);

/* Returns true when TYPE has a comparator. */
bool st_version_is_supported(const char *type);

/* Ecosystem comparators; each returns 0 or STRATA_EINVAL. */
int st_dpkg_version_compare(const char *a, const char *b, int *cmp, struct strata_error *err);
int st_semver_compare(const char *a, const char *b, int *cmp, struct strata_error *err);

#endif
