/* Fuzzes the yarn.lock parser (yarn 1 and yarn 2 and later) with a fixed
 * project manifest, so the dependency walk runs too. */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "inventory/lang.h"

#define FUZZ_MAX_INPUT (256u * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int check_entry(void *ctx, const struct st_npm_lock_entry *e, struct strata_error *err)
{
	(void)ctx;
	(void)err;
	if (e->install_path != NULL || e->name == NULL || e->version == NULL)
		__builtin_trap();
	if (strlen(e->name) > ST_LANG_MAX_NAME || strlen(e->version) > ST_LANG_MAX_VERSION)
		__builtin_trap();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char manifest[] =
		"{\"dependencies\": {\"a\": \"^1.0.0\", \"debug\": \"4.3.4\"},"
		" \"devDependencies\": {\"b\": \"^2.0.0\", \"is-number\": \"7.0.0\"}}";
	struct strata_limits lim;
	struct strata_error err;
	json_t *project;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	project = json_loads(manifest, 0, NULL);
	if (project == NULL)
		return 0;
	strata_limits_default(&lim);
	lim.json_depth = 32;
	st_yarn_parse_lock(st_slice_make((const char *)data, size), "fuzz/yarn.lock", project,
			   &lim, NULL, check_entry, NULL, &err);
	json_decref(project);
	return 0;
}
