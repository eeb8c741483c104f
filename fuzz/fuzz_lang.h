/* Shared by the language-package parser fuzz targets: runs one parser
 * over the input with small limits and traps when it reports a package
 * without a type, name, version or purl. Include from one target file
 * only. */
#ifndef STRATA_FUZZ_LANG_H
#define STRATA_FUZZ_LANG_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "inventory/lang.h"

#define FUZZ_MAX_INPUT (256u * 1024)

static int fuzz_check_package(void *ctx, const struct st_package *pkg,
			      struct strata_error *err)
{
	if (pkg->type == NULL || pkg->name == NULL || pkg->version == NULL ||
	    pkg->purl == NULL || strncmp(pkg->purl, "pkg:", 4) != 0)
		__builtin_trap();
	if (pkg->license != NULL && strlen(pkg->license) > ST_LANG_MAX_LICENSE)
		__builtin_trap();
	return 0;
}

static int fuzz_lang_parser(st_lang_parse_fn parse, const uint8_t *data, size_t size)
{
	struct strata_limits lim;
	struct strata_error err;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	strata_limits_default(&lim);
	lim.json_depth = 32;
	parse(st_slice_make((const char *)data, size), "fuzz/input", &lim, NULL,
	      fuzz_check_package, NULL, &err);
	return 0;
}

#endif
