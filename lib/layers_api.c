/* Public API of the layer analysis: an inventory scan for the image and
 * its packages, then the path pass of lib/image/layers.c. */
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

static int open_image_layer(void *ctx, size_t index, struct st_stream **out,
			    struct strata_error *err)
{
	return st_image_open_layer(ctx, index, out, err);
}

/* Runs the path pass over the layers of the scanned image.
 * NOTE: this reads and inflates every layer a second time after the
 * inventory scan, because the layer walk hands its visitor only the files
 * it requests, never the whole path set. */
static int analyze(struct strata_layers *l, const struct strata_scan_options *opts,
		   struct st_diag *diag, struct strata_error *err)
{
	struct st_image *img = l->scan->image;
	struct st_layers_options lopts = {&opts->limits, diag};
	const char **names = NULL;
	size_t i;
	int rc;

	rc = st_layers_init(&l->analysis, img->layer_count, &opts->limits, err);
	if (rc < 0)
		return rc;
	rc = st_layers_read_history(&l->analysis, st_slice_make(img->config.ptr, img->config.len),
				    img->config_digest ? img->config_digest : "config", &lopts,
				    err);
	if (rc < 0)
		return rc;

	names = st_calloc(img->layer_count ? img->layer_count : 1, sizeof(*names));
	if (names == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory for %zu layer names",
				    img->layer_count);
	for (i = 0; i < img->layer_count; i++)
		names[i] = img->layers[i].digest;
	rc = st_layers_scan(&l->analysis, open_image_layer, img, names, &lopts, err);
	free(names);
	if (rc < 0) {
		if (img->path != NULL && strncmp(err->msg, img->path, strlen(img->path)) != 0)
			st_error_prefix(err, "%s", img->path);
		return rc;
	}

	rc = st_layers_add_packages(&l->analysis, &l->scan->inv, err);
	if (rc < 0)
		return rc;
	st_layers_finish(&l->analysis);
	return 0;
}

STRATA_PUBLIC int strata_layers_analyze(struct strata_layers **out, const char *ref,
					const struct strata_scan_options *opts,
					struct strata_error *err)
{
	struct strata_scan_options scan_opts = *opts;
	struct strata_layers *l = NULL;
	struct st_diag diag = {opts->log ? forward_log : NULL, (void *)(uintptr_t)opts, 0};
	int rc;

	*out = NULL;
	strata_error_clear(err);
	scan_opts.db_path = NULL;
	scan_opts.all_layers = false;
	l = calloc(1, sizeof(*l));
	if (l == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory");

	rc = strata_scan_image(&l->scan, ref, &scan_opts, err);
	if (rc < 0)
		goto out;
	if (l->scan->image->form == ST_FORM_DIR) {
		rc = st_error_set(err, STRATA_EUNSUPPORTED,
				  "%s: a root file system directory has no layers to analyze", ref);
		goto out;
	}
	rc = analyze(l, opts, &diag, err);
	if (rc < 0)
		goto out;
	*out = l;
	l = NULL;

out:
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
