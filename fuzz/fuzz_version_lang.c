/* Fuzzes the comparators of the language ecosystems (pep440.c, maven.c,
 * maven_spec.c, golang.c, gem.c, nuget.c, composer.c, hex.c, pub.c,
 * cargo.c, hackage.c). The first input byte selects the comparator. The
 * rest is split at NULs or newlines into up to three strings A, B and C.
 * A and B are compared both ways and each with itself, and A is
 * normalized where the ecosystem has a normal form. When C is present,
 * the order of A, B and C must be transitive. abort() reports a result
 * that is not antisymmetric, reflexive or transitive, a comparison that
 * disagrees with validation, an error message that is not one line, or a
 * normal form that does not compare equal to its input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "version/version.h"

/* Versions longer than ST_VERSION_MAX_LEN are rejected early; a little
 * more exercises that check. */
#define MAX_INPUT (2 * ST_VERSION_MAX_LEN + 8)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef int (*compare_fn)(const char *a, const char *b, int *cmp, struct strata_error *err);

static int pypi_legacy(const char *a, const char *b, int *cmp, struct strata_error *err)
{
	return st_pep440_compare_flags(a, b, ST_PEP440_LEGACY, cmp, err);
}

static int maven_spec(const char *a, const char *b, int *cmp, struct strata_error *err)
{
	return st_maven_compare_flags(a, b, ST_MAVEN_SPEC, cmp, err);
}

static int gosemver(const char *a, const char *b, int *cmp, struct strata_error *err)
{
	(void)err;
	*cmp = st_gosemver_cmp(a, b);
	return 0;
}

static const compare_fn comparators[] = {
	st_pep440_compare, pypi_legacy,	    st_maven_compare, maven_spec,
	st_golang_compare, gosemver,	    st_gem_compare,   st_nuget_compare,
	st_composer_compare, st_hex_compare, st_pub_compare,  st_cargo_compare,
	st_hackage_compare,
};

/* Copies the bytes of DATA up to the first NUL or newline into DST as a
 * string and advances DATA past that separator. */
static void take_string(char *dst, const uint8_t **data, size_t *size)
{
	size_t i;

	for (i = 0; i < *size; i++) {
		if ((*data)[i] == '\0' || (*data)[i] == '\n')
			break;
	}
	memcpy(dst, *data, i);
	dst[i] = '\0';
	if (i < *size)
		i++;
	*data += i;
	*size -= i;
}

/* A <= B <= C implies A <= C, with A == C only when A == B == C; the
 * same holds for >=. */
static void check_transitive(compare_fn fn, const char *a, const char *b, const char *c,
			     int ab)
{
	struct strata_error err;
	int bc = 2;
	int ac = 2;

	if (fn(b, c, &bc, &err) != 0 || fn(a, c, &ac, &err) != 0)
		return;
	if (ab == 0 && bc == 0 && ac != 0)
		abort();
	if (ab <= 0 && bc <= 0 && !(ab == 0 && bc == 0) && ac != -1)
		abort();
	if (ab >= 0 && bc >= 0 && !(ab == 0 && bc == 0) && ac != 1)
		abort();
}

static void check_error(int rc, const struct strata_error *err)
{
	if (rc != STRATA_EINVAL || strchr(err->msg, '\n') != NULL)
		abort();
}

/* Returns the order of A and B, or 2 when one is invalid. */
static int check_compare(compare_fn fn, const char *a, const char *b)
{
	struct strata_error err;
	int aa = 2;
	int bb = 2;
	int ab = 2;
	int ba = 2;
	int rc_a = fn(a, a, &aa, &err);
	int rc_b;
	int rc_ab;
	int rc_ba;

	if (rc_a < 0)
		check_error(rc_a, &err);
	rc_b = fn(b, b, &bb, &err);
	if (rc_b < 0)
		check_error(rc_b, &err);
	if ((rc_a == 0 && aa != 0) || (rc_b == 0 && bb != 0))
		abort();
	rc_ab = fn(a, b, &ab, &err);
	if (rc_ab < 0)
		check_error(rc_ab, &err);
	rc_ba = fn(b, a, &ba, &err);
	if (rc_ba < 0)
		check_error(rc_ba, &err);
	if ((rc_ab == 0) != (rc_a == 0 && rc_b == 0) || (rc_ba == 0) != (rc_ab == 0))
		abort();
	if (rc_ab < 0)
		return 2;
	if (ab < -1 || ab > 1 || ab != -ba)
		abort();
	return ab;
}

/* The normal form of a valid version must be valid and equal to it. */
static void check_normal_form(const char *v, compare_fn fn,
			      int (*normalize)(struct st_buf *, const char *,
					       struct strata_error *))
{
	struct strata_error err;
	struct st_buf out;
	int cmp = 2;
	int rc;

	st_buf_init(&out, 4 * MAX_INPUT);
	rc = normalize(&out, v, &err);
	if (rc < 0) {
		check_error(rc, &err);
	} else if (out.len <= ST_VERSION_MAX_LEN &&
		   (fn(v, out.ptr, &cmp, &err) != 0 || cmp != 0)) {
		abort();
	}
	st_buf_dispose(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char a[MAX_INPUT + 1];
	char b[MAX_INPUT + 1];
	char c[MAX_INPUT + 1];
	compare_fn fn;
	bool has_c;
	int ab;

	if (size < 1 || size > MAX_INPUT + 1)
		return 0;
	fn = comparators[data[0] % (sizeof(comparators) / sizeof(comparators[0]))];
	data++;
	size--;
	take_string(a, &data, &size);
	take_string(b, &data, &size);
	has_c = size > 0;
	take_string(c, &data, &size);

	ab = check_compare(fn, a, b);
	/* osv-scalibr's reading of the POM specification is not transitive
	 * (maven_spec.c), nor is version_compare() with "#", which equals
	 * any number: "1.#" == "1.1" and "1.#" == "1.2" */
	if (has_c && ab != 2 && fn != maven_spec &&
	    !(fn == st_composer_compare &&
	      (strchr(a, '#') != NULL || strchr(b, '#') != NULL || strchr(c, '#') != NULL)))
		check_transitive(fn, a, b, c, ab);
	if (fn == st_pep440_compare)
		check_normal_form(a, fn, st_pep440_normalize);
	if (fn == st_golang_compare)
		check_normal_form(a, fn, st_golang_canonical);
	return 0;
}
