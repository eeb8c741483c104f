/* Fuzzes the rpm version parser and comparator. The input is split at its
 * first NUL or newline into two versions, which are compared both ways and
 * with themselves. The raw halves also go through rpmvercmp() as byte
 * slices, NULs included. abort() reports a result that is not
 * antisymmetric or not reflexive, or that disagrees with the parser. */
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

static void check_slices(struct st_slice a, struct st_slice b)
{
	int ab = st_rpmvercmp(a, b);
	int ba = st_rpmvercmp(b, a);

	if (ab < -1 || ab > 1 || ab != -ba)
		abort();
	if (st_rpmvercmp(a, a) != 0 || st_rpmvercmp(b, b) != 0)
		abort();
}

static void check_pair(const char *a, const char *b)
{
	struct st_rpm_version va;
	struct st_rpm_version vb;
	struct strata_error err;
	bool valid_a = st_rpm_version_parse(&va, a, &err) == 0;
	bool valid_b = st_rpm_version_parse(&vb, b, &err) == 0;
	int ab = 2;
	int ba = 2;
	int self = 2;
	int rc_ab;
	int rc_ba;

	rc_ab = st_version_compare("rpm", a, b, &ab, &err);
	if (rc_ab < 0)
		check_error(rc_ab, &err);
	rc_ba = st_version_compare("rpm", b, a, &ba, &err);
	if (rc_ba < 0)
		check_error(rc_ba, &err);
	if ((rc_ab == 0) != (valid_a && valid_b) || (rc_ba == 0) != (valid_a && valid_b))
		abort();
	if (valid_a && (st_version_compare("rpm", a, a, &self, &err) != 0 || self != 0))
		abort();
	if (!valid_a || !valid_b)
		return;
	if (ab < -1 || ab > 1 || ab != -ba)
		abort();
	if (st_rpm_version_cmp(&va, &vb) != ab)
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
	check_slices(st_slice_make((const char *)data, cut),
		     st_slice_make((const char *)data + size - rest, rest));
	memcpy(a, data, cut);
	a[cut] = '\0';
	memcpy(b, data + size - rest, rest);
	b[rest] = '\0';
	check_pair(a, b);
	return 0;
}
