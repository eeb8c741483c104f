/* Fuzzes the apk version validator and comparator. The input is split at
 * its first NUL or newline into two versions, which are compared both ways
 * and with themselves, strictly and as apk-tools orders any strings.
 * abort() reports a result that is not antisymmetric or not reflexive, or
 * a strict result that disagrees with the validator. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "version/version.h"

/* Longer inputs add nothing that shorter ones do not already cover. */
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

static void check_order(struct st_slice a, struct st_slice b)
{
	int ab = st_apk_version_order(a, b, false);
	int ba = st_apk_version_order(b, a, false);

	if (ab < -1 || ab > 1 || ab != -ba)
		abort();
	if (st_apk_version_order(a, a, false) != 0 || st_apk_version_order(a, a, true) != 0)
		abort();
	/* A fuzzy match is a weaker test: it only adds equality. */
	if (st_apk_version_order(a, b, true) != 0 && st_apk_version_order(a, b, true) != ab)
		abort();
}

static void check_pair(const char *a, const char *b)
{
	struct strata_error err;
	bool valid_a = st_apk_version_validate(a, &err) == 0;
	bool valid_b = st_apk_version_validate(b, &err) == 0;
	int ab = 2;
	int ba = 2;
	int rc_ab;
	int rc_ba;

	check_order(st_slice_cstr(a), st_slice_cstr(b));
	rc_ab = st_version_compare("apk", a, b, &ab, &err);
	if (rc_ab < 0)
		check_error(rc_ab, &err);
	rc_ba = st_version_compare("apk", b, a, &ba, &err);
	if (rc_ba < 0)
		check_error(rc_ba, &err);
	if ((rc_ab == 0) != (valid_a && valid_b) || (rc_ba == 0) != (valid_a && valid_b))
		abort();
	if (!valid_a || !valid_b)
		return;
	if (ab < -1 || ab > 1 || ab != -ba)
		abort();
	if (ab != st_apk_version_order(st_slice_cstr(a), st_slice_cstr(b), false))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char a[MAX_INPUT + 1];
	char b[MAX_INPUT + 1];
	size_t cut;
	size_t rest;

	if (size > MAX_INPUT)
		return 0;
	cut = find_split(data, size);
	rest = cut < size ? size - cut - 1 : 0;
	memcpy(a, data, cut);
	a[cut] = '\0';
	memcpy(b, data + size - rest, rest);
	b[rest] = '\0';
	check_pair(a, b);
	return 0;
}
