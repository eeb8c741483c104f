/* Runs every registered cataloger over one layer walk. */
#include <stdint.h>
#include <string.h>

#include "image/walk_dir.h"
#include "inventory/binary.h"
#include "inventory/inventory.h"
#include "inventory/lang.h"

/* The OS cataloger comes first: package catalogers read the OS release
 * in their finish step to build purls. */
static const struct st_cataloger *const registry[] = {
	&st_cataloger_os,
	&st_cataloger_dpkg,
	&st_cataloger_apk,
	&st_cataloger_rpm,
	&st_cataloger_npm,
	&st_cataloger_java,
	&st_cataloger_python,
	&st_cataloger_gem,
	&st_cataloger_composer,
	&st_cataloger_dotnet,
	&st_cataloger_cargo_lock,
	/* After the language catalogers: it summarizes any executable that
	 * no other cataloger wants, so a jar with the execute bit stays
	 * java's. */
	&st_cataloger_binary,
	/* Last: it summarizes only the setuid and setgid files that nothing
	 * else reads, and dispatch() hands it every other one too. */
	&st_cataloger_setuid,
};

#define CATALOGER_COUNT ST_ARRAY_LEN(registry)

/* A summary names its owner in one byte (run_summarize). */
_Static_assert(CATALOGER_COUNT <= 255, "too many catalogers for a one-byte summary tag");

struct catalog_run {
	void *state[CATALOGER_COUNT];
	bool started[CATALOGER_COUNT];
	struct st_catalog_ctx ctx;
	struct st_walk_visitor visitor;
};

static bool run_wants(void *ctx, const char *path, size_t len, uint64_t *max_bytes)
{
	size_t i;

	for (i = 0; i < CATALOGER_COUNT; i++) {
		if (registry[i]->wants(path, len))
			return true;
	}
	return false;
}

/* Returns the index of the first cataloger in registry order that wants
 * to summarize the file, or CATALOGER_COUNT. wants_summary is a pure
 * function of its arguments, so the walk's question and summarize()'s
 * lookup agree, on any thread. */
static size_t summary_owner(const char *path, size_t len, uint64_t size, unsigned mode)
{
	size_t i;

	for (i = 0; i < CATALOGER_COUNT; i++) {
		const struct st_cataloger *c = registry[i];

		if (c->wants_summary != NULL && c->summarize != NULL &&
		    c->wants_summary(path, len, size, mode))
			return i;
	}
	return CATALOGER_COUNT;
}

static bool run_wants_summary(void *ctx, const char *path, size_t len, uint64_t size,
			      unsigned mode)
{
	return summary_owner(path, len, size, mode) < CATALOGER_COUNT;
}

/* Summaries start with one byte, the owner's index in the registry, so
 * that only the owner later sees the file. The tag does not count
 * against summary_bytes. */
static int run_summarize(void *ctx, const struct st_walk_file *meta, struct st_stream *content,
			 struct st_buf *out, struct st_diag *diag, struct strata_error *err)
{
	struct catalog_run *run = ctx;
	size_t owner = summary_owner(meta->path, meta->path_len, meta->size, meta->mode);
	const struct st_cataloger *c;
	int rc;

	if (owner >= CATALOGER_COUNT)
		return st_error_set(err, STRATA_EINTERNAL, "no cataloger summarizes %s",
				    meta->path);
	c = registry[owner];
	if (out->max < SIZE_MAX)
		out->max++;
	rc = st_buf_putc(out, (char)owner, err);
	if (rc < 0)
		return rc;
	rc = c->summarize(meta, content, out, run->ctx.limits, diag, err);
	if (rc < 0)
		return st_error_prefix(err, "%s cataloger", c->name);
	return 0;
}

/* Hands the summarized file F only to the cataloger named by its tag. */
static int dispatch_summary(struct catalog_run *run, const struct st_walk_file *f, bool final,
			    struct strata_error *err)
{
	const struct st_cataloger *c;
	struct st_walk_file g;
	size_t owner;
	int (*fn)(void *, const struct st_walk_file *, struct st_catalog_ctx *,
		  struct strata_error *);
	int rc;

	if (f->data.len == 0)
		return 0;
	owner = (unsigned char)f->data.ptr[0];
	if (owner >= CATALOGER_COUNT)
		return st_error_set(err, STRATA_EINTERNAL, "summary of %s has no owner", f->path);
	c = registry[owner];
	fn = final ? c->on_final_file : c->on_layer_file;
	if (fn == NULL)
		return 0;
	g = *f;
	g.data = st_slice_make(f->data.ptr + 1, f->data.len - 1);
	rc = fn(run->state[owner], &g, &run->ctx, err);
	if (rc < 0)
		return st_error_prefix(err, "%s cataloger", c->name);
	return 0;
}

/* Returns the index of the setuid collector in the registry. */
static size_t setuid_index(void)
{
	size_t i;

	for (i = 0; i < CATALOGER_COUNT; i++) {
		if (registry[i] == &st_cataloger_setuid)
			break;
	}
	return i;
}

/* Hands a final setuid or setgid file to the setuid collector when
 * another cataloger reads it (a setuid Go binary, a captured file), so
 * the list of such files is complete whichever cataloger reads the content. */
static int note_setuid(struct catalog_run *run, const struct st_walk_file *f,
		       struct strata_error *err)
{
	size_t idx = setuid_index();
	size_t owner = CATALOGER_COUNT;
	int rc;

	if (f->type != ST_FILE_REGULAR || (f->mode & 06000u) == 0 || idx == CATALOGER_COUNT)
		return 0;
	if (f->summarized && f->data.len > 0)
		owner = (unsigned char)f->data.ptr[0];
	if (owner == idx)
		return 0;
	rc = registry[idx]->on_final_file(run->state[idx], f, &run->ctx, err);
	if (rc < 0)
		return st_error_prefix(err, "%s cataloger", registry[idx]->name);
	return 0;
}

static int dispatch(struct catalog_run *run, const struct st_walk_file *f, bool final,
		    struct strata_error *err)
{
	size_t i;
	int rc;

	if (final) {
		rc = note_setuid(run, f, err);
		if (rc < 0)
			return rc;
	}
	if (f->summarized)
		return dispatch_summary(run, f, final, err);
	for (i = 0; i < CATALOGER_COUNT; i++) {
		const struct st_cataloger *c = registry[i];
		int (*fn)(void *, const struct st_walk_file *, struct st_catalog_ctx *,
			  struct strata_error *) = final ? c->on_final_file : c->on_layer_file;

		if (fn == NULL || !c->wants(f->path, f->path_len))
			continue;
		rc = fn(run->state[i], f, &run->ctx, err);
		if (rc < 0)
			return st_error_prefix(err, "%s cataloger", c->name);
	}
	return 0;
}

static int run_on_layer_file(void *ctx, const struct st_walk_file *f, struct strata_error *err)
{
	return dispatch(ctx, f, false, err);
}

static int run_on_final_file(void *ctx, const struct st_walk_file *f, struct strata_error *err)
{
	return dispatch(ctx, f, true, err);
}

static void run_free(struct catalog_run *run)
{
	size_t i;

	for (i = 0; i < CATALOGER_COUNT; i++) {
		if (run->started[i])
			registry[i]->free(run->state[i]);
		run->started[i] = false;
		run->state[i] = NULL;
	}
}

static int run_begin(struct catalog_run *run, struct st_inventory *inv,
		     const struct st_walk_options *opts, struct strata_error *err)
{
	size_t i;
	int rc;

	memset(run, 0, sizeof(*run));
	if (opts == NULL || opts->limits == NULL)
		return st_error_set(err, STRATA_EINVAL, "catalog: walk options without limits");
	run->ctx.inv = inv;
	run->ctx.diag = opts->diag;
	run->ctx.limits = opts->limits;
	run->visitor.wants = run_wants;
	run->visitor.on_layer_file = run_on_layer_file;
	run->visitor.on_final_file = run_on_final_file;
	run->visitor.wants_summary = run_wants_summary;
	run->visitor.summarize = run_summarize;
	run->visitor.ctx = run;

	for (i = 0; i < CATALOGER_COUNT; i++) {
		rc = registry[i]->init(&run->state[i], err);
		if (rc < 0) {
			run_free(run);
			return st_error_prefix(err, "%s cataloger", registry[i]->name);
		}
		run->started[i] = true;
	}
	return 0;
}

/* After the walk (whose result is RC): finishes every cataloger in
 * registry order, frees them and sorts the inventory. */
static int run_end(struct catalog_run *run, int rc, struct strata_error *err)
{
	size_t i;

	for (i = 0; i < CATALOGER_COUNT && rc >= 0; i++) {
		rc = registry[i]->finish(run->state[i], &run->ctx, err);
		if (rc < 0)
			st_error_prefix(err, "%s cataloger", registry[i]->name);
	}
	run_free(run);
	if (rc >= 0) {
		st_inventory_mark_owned(run->ctx.inv);
		st_inventory_sort(run->ctx.inv);
	}
	return rc < 0 ? rc : 0;
}

/* Walks the root filesystem directory of a "dir:" image, its one
 * pseudo-layer, and records the bytes of its regular files as the layer's
 * size, which no manifest states. */
static int walk_root_dir(struct st_image *img, const struct st_walk_visitor *v,
			 const struct st_walk_options *opts, struct st_walk_layer_stats *stats,
			 struct strata_error *err)
{
	struct st_walk_layer_stats scratch;
	struct st_walk_layer_stats *st = stats != NULL ? stats : &scratch;
	int rc;

	rc = st_walk_directory(img->path, v, opts, st, err);
	if (rc == 0 && img->layer_count == 1)
		img->layers[0].size = st->content_bytes;
	return rc;
}

int st_catalog_image(struct st_image *img, struct st_inventory *inv,
		     const struct st_walk_options *opts, struct st_walk_layer_stats *stats,
		     struct strata_error *err)
{
	return st_catalog_image_observed(img, inv, opts, NULL, stats, err);
}

int st_catalog_image_observed(struct st_image *img, struct st_inventory *inv,
			      const struct st_walk_options *opts,
			      const struct st_walk_observer *observer,
			      struct st_walk_layer_stats *stats, struct strata_error *err)
{
	struct catalog_run run;
	int rc;

	rc = run_begin(&run, inv, opts, err);
	if (rc < 0)
		return rc;
	run.visitor.observer = observer;
	if (img->form == ST_FORM_DIR)
		rc = walk_root_dir(img, &run.visitor, opts, stats, err);
	else
		rc = st_walk_image(img, &run.visitor, opts, stats, err);
	return run_end(&run, rc, err);
}

int st_catalog_layers(size_t count, st_layer_opener open, void *open_ctx,
		      const char *const *names, struct st_inventory *inv,
		      const struct st_walk_options *opts, struct st_walk_layer_stats *stats,
		      struct strata_error *err)
{
	struct catalog_run run;
	int rc;

	rc = run_begin(&run, inv, opts, err);
	if (rc < 0)
		return rc;
	rc = st_walk_layers(count, open, open_ctx, names, &run.visitor, opts, stats, err);
	return run_end(&run, rc, err);
}
