/* The java cataloger: one maven package per artifact found in a Java
 * archive (jar, war, ear, par, jpi, hpi, sar, kar), nested archives
 * included. The walk streams each archive through st_java_summarize and
 * keeps only its summary, which on_final_file turns into packages. */
#include <string.h>

#include "inventory/java_internal.h"

/* Archives are never captured whole: they are summarized instead. */
static bool java_wants(const char *path, size_t len)
{
	return false;
}

static bool java_wants_summary(const char *path, size_t len, uint64_t size, unsigned mode)
{
	return st_java_is_archive_name(path, len);
}

static int java_summarize(const struct st_walk_file *meta, struct st_stream *content,
			  struct st_buf *out, const struct strata_limits *limits,
			  struct st_diag *diag, struct strata_error *err)
{
	return st_java_summarize(meta, content, out, limits, diag, err);
}

int st_java_summary_next(struct st_slice *rest, struct st_java_artifact *out)
{
	struct st_slice line;
	struct st_slice *fields[] = {&out->method, &out->location, &out->group,
				     &out->artifact, &out->version, &out->license};
	size_t tabs = 0;
	size_t i;

	if (rest->len == 0)
		return 0;
	st_slice_split(rest, '\n', &line);
	for (i = 0; i < line.len; i++)
		tabs += line.ptr[i] == '\t';
	if (tabs != ST_ARRAY_LEN(fields) - 1)
		return -1;
	for (i = 0; i < ST_ARRAY_LEN(fields); i++)
		st_slice_split(&line, '\t', fields[i]);
	if (out->artifact.len == 0 || out->version.len == 0)
		return -1;
	return 1;
}

/* Adds the package of artifact A, found in the file F describes. */
static int add_artifact(const struct st_walk_file *f, const struct st_java_artifact *a,
			struct st_catalog_ctx *ctx, struct st_arena *scratch,
			struct strata_error *err)
{
	struct st_package pkg;
	char *group = NULL;
	char *artifact;

	memset(&pkg, 0, sizeof(pkg));
	artifact = st_arena_strndup(scratch, a->artifact.ptr, a->artifact.len);
	if (a->group.len > 0) {
		group = st_arena_strndup(scratch, a->group.ptr, a->group.len);
		pkg.name = st_arena_printf(scratch, "%.*s:%.*s", (int)a->group.len, a->group.ptr,
					   (int)a->artifact.len, a->artifact.ptr);
	} else {
		pkg.name = artifact;
	}
	pkg.type = "maven";
	pkg.version = st_arena_strndup(scratch, a->version.ptr, a->version.len);
	if (a->location.len > 0)
		pkg.path = st_arena_printf(scratch, "%.*s%c%.*s", (int)f->path_len, f->path,
					   ST_JAVA_LOCATION_SEP, (int)a->location.len,
					   a->location.ptr);
	else
		pkg.path = st_arena_strndup(scratch, f->path, f->path_len);
	if (a->license.len > 0)
		pkg.license = st_arena_strndup(scratch, a->license.ptr, a->license.len);
	if (artifact == NULL || pkg.name == NULL || pkg.version == NULL || pkg.path == NULL ||
	    (a->group.len > 0 && group == NULL) || (a->license.len > 0 && pkg.license == NULL))
		return st_error_set(err, STRATA_ENOMEM, "out of memory");
	pkg.purl = st_purl_build(scratch, "maven", group, artifact, pkg.version, NULL, 0);
	if (pkg.purl == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory");
	pkg.layer = f->layer;
	pkg.found_by = "java";
	return st_inventory_add(ctx->inv, &pkg, err);
}

static int java_on_final_file(void *state, const struct st_walk_file *f,
			      struct st_catalog_ctx *ctx, struct strata_error *err)
{
	struct st_slice rest = f->data;
	struct st_java_artifact a;
	struct st_arena scratch;
	int rc = 0;
	int next;

	if (f->type != ST_FILE_REGULAR || !f->summarized)
		return 0;
	st_arena_init(&scratch);
	while (rc == 0) {
		next = st_java_summary_next(&rest, &a);
		if (next == 0)
			break;
		if (next < 0) {
			st_diag(ctx->diag, ST_DIAG_WARN, "%.*s: malformed java summary line, skipped",
				(int)f->path_len, f->path);
			continue;
		}
		rc = add_artifact(f, &a, ctx, &scratch, err);
	}
	st_arena_dispose(&scratch);
	return rc;
}

static int java_init(void **state, struct strata_error *err)
{
	*state = NULL;
	return 0;
}

static int java_finish(void *state, struct st_catalog_ctx *ctx, struct strata_error *err)
{
	return 0;
}

static void java_free(void *state)
{
}

const struct st_cataloger st_cataloger_java = {
	.name = "java",
	.wants = java_wants,
	.init = java_init,
	.on_final_file = java_on_final_file,
	.finish = java_finish,
	.free = java_free,
	.wants_summary = java_wants_summary,
	.summarize = java_summarize,
};
