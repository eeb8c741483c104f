/* Fuzzes the os-release parser, and the OS cataloger with the input's
 * first line as the target of an etc/os-release symlink and the rest as
 * usr/lib/os-release and etc/debian_version. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "inventory/inventory.h"

#define FUZZ_MAX_INPUT (64u * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct st_walk_file make_file(const char *path, struct st_slice data)
{
	struct st_walk_file f;

	memset(&f, 0, sizeof(f));
	f.path = path;
	f.path_len = strlen(path);
	f.type = ST_FILE_REGULAR;
	f.data = data;
	return f;
}

static void run_cataloger(struct st_slice text)
{
	const struct st_cataloger *c = &st_cataloger_os;
	struct st_walk_file files[3];
	struct strata_limits lim;
	struct st_catalog_ctx ctx;
	struct st_inventory inv;
	struct strata_error err;
	struct st_slice rest = text;
	struct st_slice first;
	char *target;
	void *state = NULL;
	size_t i;
	int rc;

	st_slice_split(&rest, '\n', &first);
	target = st_strndup(first.ptr, first.len);
	if (target == NULL)
		return;
	strata_limits_default(&lim);
	st_inventory_init(&inv);
	ctx.inv = &inv;
	ctx.diag = NULL;
	ctx.limits = &lim;
	files[0] = make_file("etc/os-release", st_slice_make(NULL, 0));
	files[0].type = ST_FILE_SYMLINK;
	files[0].link_target = target;
	files[1] = make_file("usr/lib/os-release", rest);
	files[2] = make_file("etc/debian_version", rest);

	rc = c->init(&state, &err);
	for (i = 0; rc == 0 && i < 3; i++)
		rc = c->on_final_file(state, &files[i], &ctx, &err);
	if (rc == 0)
		c->finish(state, &ctx, &err);
	c->free(state);
	st_inventory_dispose(&inv);
	free(target);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct st_slice text = st_slice_make((const char *)data, size);
	struct strata_error err;
	struct st_arena arena;
	struct st_os os;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	st_arena_init(&arena);
	memset(&os, 0, sizeof(os));
	if (st_osrelease_parse(&os, text, &arena, &err) == 0 && os.id != NULL &&
	    strlen(os.id) > size)
		__builtin_trap();
	st_arena_dispose(&arena);
	run_cataloger(text);
	return 0;
}
