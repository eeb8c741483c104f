/* Minimal unit-test harness: ST_TEST functions register themselves, the
 * runner prints TAP lines and a closing "N passed, N failed" line. */
#ifndef STRATA_TEST_HARNESS_H
#define STRATA_TEST_HARNESS_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define ST_TEST_PASS 0
#define ST_TEST_FAIL 1
#define ST_TEST_SKIP 77

typedef int (*st_test_fn)(void);

void st_test_register(const char *name, st_test_fn fn);

/* Directory of the repository's tests/data, set from the environment
 * (STRATA_TEST_DATA) or the build definition. */
const char *st_test_data_dir(void);

/* Builds "DATA_DIR/REL" into a static buffer (one at a time). */
const char *st_test_data_path(const char *rel);

#define ST_TEST(name)                                                          \
	static int name(void);                                                 \
	__attribute__((constructor)) static void name##_register(void)        \
	{                                                                      \
		st_test_register(#name, name);                                 \
	}                                                                      \
	static int name(void)

#define ST_CHECK(cond)                                                         \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "# %s:%d: check failed: %s\n",         \
				__FILE__, __LINE__, #cond);                    \
			return ST_TEST_FAIL;                                   \
		}                                                              \
	} while (0)

#define ST_CHECK_INT(a, b)                                                     \
	do {                                                                   \
		long long st_a_ = (long long)(a), st_b_ = (long long)(b);      \
		if (st_a_ != st_b_) {                                          \
			fprintf(stderr, "# %s:%d: %s == %lld, expected %s == %lld\n", \
				__FILE__, __LINE__, #a, st_a_, #b, st_b_);     \
			return ST_TEST_FAIL;                                   \
		}                                                              \
	} while (0)

#define ST_CHECK_STR(a, b)                                                     \
	do {                                                                   \
		const char *st_a_ = (a), *st_b_ = (b);                         \
		if (st_a_ == NULL || st_b_ == NULL || strcmp(st_a_, st_b_) != 0) { \
			fprintf(stderr, "# %s:%d: %s == \"%s\", expected \"%s\"\n", \
				__FILE__, __LINE__, #a, st_a_ ? st_a_ : "(null)", \
				st_b_ ? st_b_ : "(null)");                     \
			return ST_TEST_FAIL;                                   \
		}                                                              \
	} while (0)

#endif
