/* Test runner: runs every registered test, or those named on the command
 * line, and prints TAP with a closing summary line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define MAX_TESTS 4096

struct test_entry {
	const char *name;
	st_test_fn fn;
};

static struct test_entry tests[MAX_TESTS];
static size_t test_count;

void st_test_register(const char *name, st_test_fn fn)
{
	if (test_count == MAX_TESTS) {
		fprintf(stderr, "too many tests; raise MAX_TESTS\n");
		abort();
	}
	tests[test_count].name = name;
	tests[test_count].fn = fn;
	test_count++;
}

const char *st_test_data_dir(void)
{
	const char *dir = getenv("STRATA_TEST_DATA");

	if (dir != NULL && dir[0] != '\0')
		return dir;
#ifdef STRATA_TEST_DATA_DIR
	return STRATA_TEST_DATA_DIR;
#else
	return "tests/data";
#endif
}

const char *st_test_data_path(const char *rel)
{
	static char path[4096];

	snprintf(path, sizeof(path), "%s/%s", st_test_data_dir(), rel);
	return path;
}

static int by_name(const void *a, const void *b)
{
	const struct test_entry *x = a;
	const struct test_entry *y = b;

	return strcmp(x->name, y->name);
}

static int selected(const char *name, int argc, char **argv)
{
	int i;

	if (argc < 2)
		return 1;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], name) == 0)
			return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	unsigned passed = 0, failed = 0, skipped = 0, n = 0;
	size_t i;

	qsort(tests, test_count, sizeof(tests[0]), by_name);
	for (i = 0; i < test_count; i++) {
		if (selected(tests[i].name, argc, argv))
			n++;
	}
	printf("1..%u\n", n);
	n = 0;
	for (i = 0; i < test_count; i++) {
		int rc;

		if (!selected(tests[i].name, argc, argv))
			continue;
		n++;
		fflush(stdout);
		rc = tests[i].fn();
		fflush(stderr);
		if (rc == ST_TEST_PASS) {
			printf("ok %u - %s\n", n, tests[i].name);
			passed++;
		} else if (rc == ST_TEST_SKIP) {
			printf("ok %u - %s # SKIP\n", n, tests[i].name);
			skipped++;
		} else {
			printf("not ok %u - %s\n", n, tests[i].name);
			failed++;
		}
	}
	printf("%u passed, %u failed, %u skipped\n", passed, failed, skipped);
	return failed ? 1 : 0;
}
