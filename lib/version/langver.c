/* Helpers shared by the comparators of the language ecosystems. */
#include <string.h>

#include "version/langver.h"

int st_version_check_input(const char *kind, const char *v, size_t *len,
			   struct strata_error *err)
{
	if (v == NULL)
		return st_error_set(err, STRATA_EINVAL, "missing %s", kind);
	*len = strnlen(v, ST_VERSION_MAX_LEN + 1);
	if (*len > ST_VERSION_MAX_LEN)
		return st_version_invalid(err, kind, v,
					  "longer than " ST_VERSION_MAX_LEN_STR " bytes");
	return 0;
}

bool st_version_all_digits(struct st_slice s)
{
	size_t i;

	if (s.len == 0)
		return false;
	for (i = 0; i < s.len; i++) {
		if (!st_version_is_digit(s.ptr[i]))
			return false;
	}
	return true;
}

struct st_slice st_version_strip_zeros(struct st_slice s)
{
	while (s.len > 1 && s.ptr[0] == '0') {
		s.ptr++;
		s.len--;
	}
	return s;
}

int st_version_cmp_digits(struct st_slice a, struct st_slice b)
{
	int rc;

	a = st_version_strip_zeros(a);
	b = st_version_strip_zeros(b);
	if (a.len == 1 && a.ptr[0] == '0')
		a.len = 0;
	if (b.len == 1 && b.ptr[0] == '0')
		b.len = 0;
	if (a.len != b.len)
		return a.len < b.len ? -1 : 1;
	if (a.len == 0)
		return 0;
	rc = memcmp(a.ptr, b.ptr, a.len);
	return st_version_sign(rc);
}

int st_version_cmp_bytes(struct st_slice a, struct st_slice b)
{
	size_t n = a.len < b.len ? a.len : b.len;
	int rc = n > 0 ? memcmp(a.ptr, b.ptr, n) : 0;

	if (rc != 0)
		return st_version_sign(rc);
	if (a.len != b.len)
		return a.len < b.len ? -1 : 1;
	return 0;
}

int st_version_cmp_nocase(struct st_slice a, struct st_slice b)
{
	size_t n = a.len < b.len ? a.len : b.len;
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char ca = (unsigned char)st_version_lower(a.ptr[i]);
		unsigned char cb = (unsigned char)st_version_lower(b.ptr[i]);

		if (ca != cb)
			return ca < cb ? -1 : 1;
	}
	if (a.len != b.len)
		return a.len < b.len ? -1 : 1;
	return 0;
}

bool st_version_eq_nocase(struct st_slice s, const char *lower)
{
	size_t n = strlen(lower);
	size_t i;

	if (s.len != n)
		return false;
	for (i = 0; i < n; i++) {
		if (st_version_lower(s.ptr[i]) != lower[i])
			return false;
	}
	return true;
}
