/* Public API of the layer analysis: an inventory scan for the image and
 * its packages, whose layer walk also runs the path pass of
 * lib/image/layers.c, so that each layer is read once. */
#include <stdlib.h>
#include <string.h>

#include "layers_api.h"

static void forward_log(void *ctx, int level, const char *msg)
{
	const struct strata_scan_options *opts = ctx;
	int public_level = STRATA_LOG_DEBUG;

	if (level == ST_DIAG_INFO)
		public_level = STRATA_LOG_INFO;
	else if (level == ST_DIAG_WARN)
		public_level = STRATA_LOG_WARN;
	else if (level == ST_DIAG_ERROR)
		public_level = STRATA_LOG_ERROR;
	opts->log(opts->log_ctx, public_level, msg);
}

/* The state that prepare_layers sets up, kept for the whole scan. */
struct analysis_setup {
	struct strata_layers *layers;
	const char *ref;
	struct st_layers_options lopts;
	const char **names;
	struct st_layers_observer *observer;
};

/* Once the image is open: reads its history and sets up the layer
 * analysis as an observer of the scan's walk, so that each layer is read
 * only once. */
static int prepare_layers(void *ctx, struct st_image *img, const struct st_walk_observer **out,
			  struct strata_error *err)
{
	struct analysis_setup *a = ctx;
	struct st_layers *analysis = &a->layers->analysis;
	size_t i;
	int rc;

	/* The caller asked for layers of a form that has none. */
	if (img->form == ST_FORM_DIR)
		return st_error_set(err, STRATA_EINVAL,
				    "%s: a root file system directory has no layers to analyze",
				    a->ref);
	rc = st_layers_init(analysis, img->layer_count, a->lopts.limits, err);
	if (rc < 0)
		return rc;
	rc = st_layers_read_history(analysis, st_slice_make(img->config.ptr, img->config.len),
				    img->config_digest ? img->config_digest : "config", &a->lopts,
				    err);
	if (rc < 0)
		return rc;
	a->names = st_calloc(img->layer_count ? img->layer_count : 1, sizeof(*a->names));
	if (a->names == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory for %zu layer names",
				    img->layer_count);
	for (i = 0; i < img->layer_count; i++)
		a->names[i] = img->layers[i].digest;
	rc = st_layers_observer_new(&a->observer, analysis, a->names, &a->lopts, err);
	if (rc < 0)
		return rc;
	*out = st_layers_observer_hooks(a->observer);
	return 0;
}

STRATA_PUBLIC int strata_layers_analyze(struct strata_layers **out, const char *ref,
					const struct strata_scan_options *opts,
					struct strata_error *err)
{
	struct strata_scan_options scan_opts = *opts;
	struct strata_layers *l = NULL;
	struct st_diag diag = {opts->log ? forward_log : NULL, (void *)(uintptr_t)opts, 0};
	struct analysis_setup setup;
	int rc;

	*out = NULL;
	strata_error_clear(err);
	scan_opts.db_path = NULL;
	scan_opts.all_layers = false;
	l = calloc(1, sizeof(*l));
	if (l == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory");

	memset(&setup, 0, sizeof(setup));
	setup.layers = l;
	setup.ref = ref;
	setup.lopts.limits = &opts->limits;
	setup.lopts.diag = &diag;
	rc = st_scan_image_observed(&l->scan, ref, &scan_opts, prepare_layers, &setup, err);
	if (rc == 0)
		rc = st_layers_observer_finish(setup.observer, l->scan->layer_stats, err);
	if (rc == 0)
		rc = st_layers_add_packages(&l->analysis, &l->scan->inv, err);
	if (rc < 0)
		goto out;
	/* NOTE: the per-layer package changes come from the databases at
	 * their usual paths only. */
	if (l->scan->inv.moved_anchor != NULL)
		st_diag(&diag, ST_DIAG_WARN,
			"%s is reached through symbolic links, so the package changes of each "
			"layer leave out what it holds; 'strata scan' lists those packages",
			l->scan->inv.moved_anchor);
	st_layers_finish(&l->analysis);
	*out = l;
	l = NULL;

out:
	st_layers_observer_free(setup.observer);
	free(setup.names);
	strata_layers_free(l);
	return rc;
}

STRATA_PUBLIC void strata_layers_free(struct strata_layers *layers)
{
	if (layers == NULL)
		return;
	st_layers_dispose(&layers->analysis);
	strata_scan_free(layers->scan);
	free(layers);
}

static void count_changes(const struct st_layers *l, const struct st_layer_figures *f,
			  struct strata_layer_figures *out)
{
	size_t i;

	for (i = f->change_first; i < f->change_first + f->change_count; i++) {
		switch (l->changes[i].kind) {
		case ST_CHANGE_ADDED:
			out->packages_added++;
			break;
		case ST_CHANGE_UPGRADED:
			out->packages_upgraded++;
			break;
		case ST_CHANGE_DOWNGRADED:
			out->packages_downgraded++;
			break;
		case ST_CHANGE_REMOVED:
			out->packages_removed++;
			break;
		default:
			/* Versions the ecosystem cannot order: counted as upgrades. */
			out->packages_upgraded++;
			break;
		}
	}
}

STRATA_PUBLIC int strata_layers_get(const struct strata_layers *layers, size_t index,
				    struct strata_layer_figures *out)
{
	const struct st_layers *l = &layers->analysis;
	const struct st_layer_figures *f;
	int rc;

	memset(out, 0, sizeof(*out));
	if (index >= l->layer_count)
		return STRATA_EINVAL;
	rc = strata_scan_get_layer(layers->scan, index, &out->layer);
	if (rc < 0)
		return rc;
	f = &l->layers[index];
	out->layer.created_by = f->created_by;
	out->uncompressed_size = f->uncompressed_bytes;
	out->entries = f->entries;
	out->files_added = f->added.files;
	out->bytes_added = f->added.bytes;
	out->files_modified = f->modified.files;
	out->bytes_modified = f->modified.bytes;
	out->files_removed = f->removed.files;
	out->bytes_removed = f->removed.bytes;
	out->wasted_bytes = f->wasted_bytes;
	out->packages_unknown = f->packages_unknown;
	count_changes(l, f, out);
	return 0;
}

STRATA_PUBLIC void strata_layers_get_totals(const struct strata_layers *layers,
					    struct strata_layers_totals *out)
{
	const struct st_layers *l = &layers->analysis;
	const struct st_image *img = layers->scan->image;
	size_t i;

	memset(out, 0, sizeof(*out));
	out->layer_count = l->layer_count;
	for (i = 0; i < l->layer_count; i++) {
		out->size += img->layers[i].size;
		out->uncompressed_size += l->layers[i].uncompressed_bytes;
	}
	out->content_bytes = l->content_bytes;
	out->wasted_bytes = l->wasted_bytes;
	out->efficiency = st_layers_efficiency(l);
	out->distinct_paths = l->distinct_paths;
}

STRATA_PUBLIC int strata_layers_report_write(const struct strata_layers *layers, FILE *out,
					     int format, struct strata_error *err)
{
	strata_error_clear(err);
	if (format == STRATA_FORMAT_JSON)
		return st_report_layers_json(layers, out, err);
	if (format == STRATA_FORMAT_TABLE)
		return st_report_layers_table(layers, out, err);
	return st_error_set(err, STRATA_EINVAL, "unknown report format %d", format);
}
