/* Fuzzes the npm version parser, comparator and range matcher. The input
 * is split at its first NUL or newline into two strings A and B. A and B
 * are compared as versions both ways and with themselves, in the default
 * and the loose mode; A is also matched as a range against B in every
 * mode. abort() reports a result that is not antisymmetric or not
 * reflexive, or a single-version range that disagrees with the
 * comparator. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "version/version.h"

/* node-semver versions are at most 256 bytes; ranges this long already
 * hold many comparators. */
#define MAX_INPUT 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t find_split(const uint8_t *data, size_t size)
{
	size_t i;

	for (i = 0; i < size; i++) {
		if (data[i] == '\0' || data[i] == '\n')
			break;
	}
	return i;
}

static void check_error(int rc, const struct strata_error *err)
{
	if (rc != STRATA_EINVAL || strchr(err->msg, '\n') != NULL)
		abort();
}

static void check_reflexive(const char *v, unsigned flags)
{
	struct strata_error err;
	int cmp = 2;

	if (st_semver_compare_flags(v, v, flags, &cmp, &err) != 0 || cmp != 0)
		abort();
}

/* Returns the order of A and B, or 2 when one is invalid. */
static int check_compare(const char *a, const char *b, unsigned flags)
{
	struct strata_error err;
	bool valid_a = st_semver_validate(a, flags, &err) == 0;
	bool valid_b = st_semver_validate(b, flags, &err) == 0;
	int ab = 2;
	int ba = 2;
	int rc_ab;
	int rc_ba;

	rc_ab = st_semver_compare_flags(a, b, flags, &ab, &err);
	if (rc_ab < 0)
		check_error(rc_ab, &err);
	rc_ba = st_semver_compare_flags(b, a, flags, &ba, &err);
	if (rc_ba < 0)
		check_error(rc_ba, &err);
	if ((rc_ab == 0) != (valid_a && valid_b) || (rc_ba == 0) != (valid_a && valid_b))
		abort();
	if (valid_a)
		check_reflexive(a, flags);
	if (valid_b)
		check_reflexive(b, flags);
	if (!valid_a || !valid_b)
		return 2;
	if (ab < -1 || ab > 1 || ab != -ba)
		abort();
	return ab;
}

/* A valid version used as a range (default mode) matches only the
 * versions equal to it, pre-release or not. */
static void check_range(const char *range, const char *version, int order)
{
	static const unsigned modes[] = {
		0,
		ST_SEMVER_LOOSE,
		ST_SEMVER_INCLUDE_PRERELEASE,
		ST_SEMVER_LOOSE | ST_SEMVER_INCLUDE_PRERELEASE,
	};
	struct strata_error err;
	size_t i;

	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		bool out = true;
		int rc = st_semver_range_satisfies(range, version, modes[i], &out, &err);

		if (rc < 0) {
			check_error(rc, &err);
			if (out)
				abort();
		}
		if (order != 2 && (modes[i] & ST_SEMVER_LOOSE) == 0 &&
		    (rc != 0 || out != (order == 0)))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char a[MAX_INPUT + 1];
	char b[MAX_INPUT + 1];
	size_t cut;
	size_t rest;
	int order;

	if (size > MAX_INPUT)
		return 0;
	cut = find_split(data, size);
	rest = cut < size ? size - cut - 1 : 0;
	memcpy(a, data, cut);
	a[cut] = '\0';
	memcpy(b, data + size - rest, rest);
	b[rest] = '\0';
	order = check_compare(a, b, 0);
	check_compare(a, b, ST_SEMVER_LOOSE);
	check_range(a, b, order);
	return 0;
}
