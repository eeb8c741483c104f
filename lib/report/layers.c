/* Reports of `strata layers`: a readable table and JSON, schema
 * "strata-layers/1" (docs/layers.md). Text from the image is hostile, so
 * the table replaces control bytes before they reach a terminal. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "layers_api.h"
#include "report/report.h"

#define LAYERS_SCHEMA_ID "strata-layers/1"

/* Maximum bytes of history text shown in the table; longer text is cut
 * with "~". */
/* Formats BYTES with a decimal unit: "512 B", "1.5 kB", "67.4 MB". */
static const char *human_bytes(uint64_t bytes, char *buf, size_t size)
{
	static const char *const units[] = {"kB", "MB", "GB", "TB", "PB", "EB"};
	double v = (double)bytes;
	size_t u = 0;

	if (bytes < 1000) {
		snprintf(buf, size, "%llu B", (unsigned long long)bytes);
		return buf;
	}
	v /= 1000.0;
	while (v >= 999.95 && u + 1 < ST_ARRAY_LEN(units)) {
		v /= 1000.0;
		u++;
	}
	snprintf(buf, size, "%.1f %s", v, units[u]);
	return buf;
}

static const char *short_digest(const char *digest, char buf[16])
{
	if (digest == NULL)
		return "-";
	if (strncmp(digest, "sha256:", 7) == 0 && strlen(digest) >= 19) {
		memcpy(buf, digest + 7, 12);
		buf[12] = '\0';
		return buf;
	}
	return digest;
}

/* "N (SIZE)" for a count of files and their bytes, or "0". */
static const char *counts_cell(const struct st_file_counts *c, char *buf, size_t size)
{
	char human[32];

	if (c->files == 0 && c->bytes == 0)
		snprintf(buf, size, "0");
	else
		snprintf(buf, size, "%llu (%s)", (unsigned long long)c->files,
			 human_bytes(c->bytes, human, sizeof(human)));
	return buf;
}

/* "+3 ^1 v0 -2" for a layer's package changes, with "~N" when some
 * versions could not be ordered. */
static const char *packages_cell(const struct st_layers *l, const struct st_layer_figures *f,
				 char *buf, size_t size)
{
	size_t n[ST_CHANGE_CHANGED + 1] = {0};
	size_t i;

	for (i = f->change_first; i < f->change_first + f->change_count; i++) {
		int kind = l->changes[i].kind;

		if (kind >= 0 && kind <= ST_CHANGE_CHANGED)
			n[kind]++;
	}
	if (f->change_count == 0)
		snprintf(buf, size, f->packages_unknown ? "?" : "0");
	else if (n[ST_CHANGE_CHANGED] > 0)
		snprintf(buf, size, "+%zu ^%zu v%zu -%zu ~%zu%s", n[ST_CHANGE_ADDED],
			 n[ST_CHANGE_UPGRADED], n[ST_CHANGE_DOWNGRADED], n[ST_CHANGE_REMOVED],
			 n[ST_CHANGE_CHANGED], f->packages_unknown ? " ?" : "");
	else
		snprintf(buf, size, "+%zu ^%zu v%zu -%zu%s", n[ST_CHANGE_ADDED],
			 n[ST_CHANGE_UPGRADED], n[ST_CHANGE_DOWNGRADED], n[ST_CHANGE_REMOVED],
			 f->packages_unknown ? " ?" : "");
	return buf;
}

/* History entries that made no layer, from FROM up to the entry of layer
 * LAYER (or the end), as indented lines. */
static void write_empty_history(const struct st_layers *l, size_t *from, size_t until,
				FILE *out)
{
	for (; *from < until && *from < l->history_count; (*from)++) {
		const struct st_history_item *h = &l->history[*from];

		if (h->layer != SIZE_MAX)
			continue;
		fputs("  -    (no layer)  ", out);
		st_report_put_text(out, h->created_by, ST_REPORT_MAX_TEXT);
		fputc('\n', out);
	}
}

static void write_layer_rows(const struct strata_layers *layers, FILE *out)
{
	const struct st_layers *l = &layers->analysis;
	const struct st_image *img = layers->scan->image;
	size_t history = 0;
	size_t i;

	fprintf(out, "  %-4s %-12s  %9s  %-18s %-18s %-18s %9s  %-16s %s\n", "#", "DIGEST",
		"SIZE", "ADDED", "MODIFIED", "REMOVED", "WASTED", "PACKAGES", "CREATED BY");
	for (i = 0; i < l->layer_count; i++) {
		const struct st_layer_figures *f = &l->layers[i];
		char digest[16];
		char size[32];
		char added[48];
		char modified[48];
		char removed[48];
		char wasted[32];
		char packages[64];

		write_empty_history(l, &history,
				    f->history_index != SIZE_MAX ? f->history_index : history, out);
		if (f->history_index != SIZE_MAX)
			history = f->history_index + 1;
		fprintf(out, "  %-4zu %-12s  %9s  %-18s %-18s %-18s %9s  %-16s ", i,
			short_digest(img->layers[i].digest, digest),
			human_bytes(img->layers[i].size, size, sizeof(size)),
			counts_cell(&f->added, added, sizeof(added)),
			counts_cell(&f->modified, modified, sizeof(modified)),
			counts_cell(&f->removed, removed, sizeof(removed)),
			human_bytes(f->wasted_bytes, wasted, sizeof(wasted)),
			packages_cell(l, f, packages, sizeof(packages)));
		if (img->layers[i].missing)
			fputs("(foreign layer, blob absent: not read)  ", out);
		st_report_put_text(out, f->created_by, ST_REPORT_MAX_TEXT);
		fputc('\n', out);
	}
	write_empty_history(l, &history, l->history_count, out);
	for (i = 0; i < l->layer_count; i++) {
		if (l->layers[i].packages_unknown) {
			fputs("  ? in PACKAGES: a package database of that layer could not be read "
			      "(a warning said why), so its changes are unknown\n",
			      out);
			break;
		}
	}
}

static void write_change(const struct st_pkg_change *c, FILE *out)
{
	static const char marks[] = {'+', '^', 'v', '-', '~'};
	int kind = c->kind >= 0 && c->kind <= ST_CHANGE_CHANGED ? c->kind : ST_CHANGE_CHANGED;

	fprintf(out, "    %c %s ", marks[kind], c->type);
	st_report_put_text(out, c->name, ST_REPORT_MAX_TEXT);
	fputc(' ', out);
	if (c->old_version != NULL && c->new_version != NULL) {
		st_report_put_text(out, c->old_version, ST_REPORT_MAX_TEXT);
		fputs(" -> ", out);
	}
	st_report_put_text(out, c->new_version != NULL ? c->new_version : c->old_version, ST_REPORT_MAX_TEXT);
	if (c->arch != NULL) {
		fputs(" (", out);
		st_report_put_text(out, c->arch, ST_REPORT_MAX_TEXT);
		fputc(')', out);
	}
	fputc('\n', out);
}

static void write_changes(const struct st_layers *l, FILE *out)
{
	size_t i;
	size_t j;

	if (l->change_count == 0)
		return;
	fputs("\nPackage changes (+ added, ^ upgraded, v downgraded, - removed, ~ other "
	      "version):\n",
	      out);
	for (i = 0; i < l->layer_count; i++) {
		const struct st_layer_figures *f = &l->layers[i];

		if (f->change_count == 0)
			continue;
		fprintf(out, "  layer %zu:\n", i);
		for (j = f->change_first; j < f->change_first + f->change_count; j++)
			write_change(&l->changes[j], out);
	}
}

static void write_totals(const struct strata_layers *layers, FILE *out)
{
	const struct st_layers *l = &layers->analysis;
	struct strata_layers_totals t;
	char a[32];
	char b[32];
	char c[32];
	size_t i;

	strata_layers_get_totals(layers, &t);
	fprintf(out, "\nTotal:      %s in blobs, %s uncompressed, %s of file content, %llu path%s\n",
		human_bytes(t.size, a, sizeof(a)), human_bytes(t.uncompressed_size, b, sizeof(b)),
		human_bytes(t.content_bytes, c, sizeof(c)), (unsigned long long)t.distinct_paths,
		t.distinct_paths == 1 ? "" : "s");
	fprintf(out, "Wasted:     %s (%llu bytes), efficiency %.2f %%\n",
		human_bytes(t.wasted_bytes, a, sizeof(a)), (unsigned long long)t.wasted_bytes,
		t.efficiency * 100.0);
	if (l->wasted_count == 0)
		return;
	fputs("\nLargest wasted paths:\n", out);
	for (i = 0; i < l->wasted_count; i++) {
		fprintf(out, "  %9s  ", human_bytes(l->wasted[i].bytes, a, sizeof(a)));
		st_report_put_text(out, l->wasted[i].path, 4 * ST_REPORT_MAX_TEXT);
		fputc('\n', out);
	}
}

int st_report_layers_table(const struct strata_layers *layers, FILE *out,
			   struct strata_error *err)
{
	const struct st_image *img = layers->scan->image;

	fputs("Image:    ", out);
	st_report_put_text(out, img->reference, 4 * ST_REPORT_MAX_TEXT);
	fprintf(out, " (%s)\n", st_image_form_name(img->form));
	fputs("Config:   ", out);
	st_report_put_text(out, img->config_digest, ST_REPORT_MAX_TEXT);
	fprintf(out, "\nLayers:   %zu\n\n", img->layer_count);
	write_layer_rows(layers, out);
	write_changes(&layers->analysis, out);
	write_totals(layers, out);
	if (fflush(out) != 0 || ferror(out))
		return st_error_sys(err, STRATA_EIO, "writing the layer report failed");
	return 0;
}

/* JSON ----------------------------------------------------------------------- */


static json_t *juint(uint64_t v)
{
	/* json_int_t is signed 64-bit: sizes past 2^63 do not occur. */
	return json_integer(v > (uint64_t)INT64_MAX ? INT64_MAX : (json_int_t)v);
}

static json_t *jindex(size_t v)
{
	return v == SIZE_MAX ? json_null() : juint(v);
}

static json_t *counts_json(const struct st_file_counts *c, bool *ok)
{
	json_t *o = json_object();

	if (o == NULL) {
		*ok = false;
		return NULL;
	}
	st_report_put(o, "count", juint(c->files), ok);
	st_report_put(o, "bytes", juint(c->bytes), ok);
	return o;
}

static json_t *change_json(const struct st_pkg_change *c, bool *ok)
{
	json_t *o = json_object();

	if (o == NULL) {
		*ok = false;
		return NULL;
	}
	st_report_put(o, "change", st_report_jstr(st_change_kind_name(c->kind)), ok);
	st_report_put(o, "type", st_report_jstr(c->type), ok);
	st_report_put(o, "name", st_report_jstr(c->name), ok);
	st_report_put(o, "arch", st_report_jstr(c->arch), ok);
	st_report_put(o, "version", st_report_jstr(c->new_version), ok);
	st_report_put(o, "previous_version", st_report_jstr(c->old_version), ok);
	return o;
}

static json_t *layer_json(const struct strata_layers *layers, size_t i, bool *ok)
{
	const struct st_layers *l = &layers->analysis;
	const struct st_layer_figures *f = &l->layers[i];
	const struct st_layer_info *info = &layers->scan->image->layers[i];
	json_t *o = json_object();
	json_t *files = json_object();
	json_t *changes = json_array();
	size_t j;

	if (o == NULL || files == NULL || changes == NULL) {
		json_decref(o);
		json_decref(files);
		json_decref(changes);
		*ok = false;
		return NULL;
	}
	st_report_put(files, "added", counts_json(&f->added, ok), ok);
	st_report_put(files, "modified", counts_json(&f->modified, ok), ok);
	st_report_put(files, "removed", counts_json(&f->removed, ok), ok);
	for (j = f->change_first; j < f->change_first + f->change_count; j++) {
		if (json_array_append_new(changes, change_json(&l->changes[j], ok)) != 0)
			*ok = false;
	}
	st_report_put(o, "index", juint(i), ok);
	st_report_put(o, "digest", st_report_jstr(info->digest), ok);
	st_report_put(o, "diff_id", st_report_jstr(info->diff_id), ok);
	st_report_put(o, "media_type", st_report_jstr(info->media_type), ok);
	st_report_put(o, "size", juint(info->size), ok);
	st_report_put(o, "foreign", json_boolean(info->foreign), ok);
	st_report_put(o, "skipped", json_boolean(info->missing), ok);
	st_report_put(o, "uncompressed_size", juint(f->uncompressed_bytes), ok);
	st_report_put(o, "entries", juint(f->entries), ok);
	st_report_put(o, "history_index", jindex(f->history_index), ok);
	st_report_put(o, "created_by", st_report_jstr(f->created_by), ok);
	st_report_put(o, "created", st_report_jstr(f->created), ok);
	st_report_put(o, "content_bytes", juint(f->content_bytes), ok);
	st_report_put(o, "files", files, ok);
	st_report_put(o, "wasted_bytes", juint(f->wasted_bytes), ok);
	st_report_put(o, "packages_unknown", json_boolean(f->packages_unknown), ok);
	st_report_put(o, "packages", changes, ok);
	return o;
}

static json_t *history_json(const struct st_layers *l, bool *ok)
{
	json_t *a = json_array();
	size_t i;

	if (a == NULL) {
		*ok = false;
		return NULL;
	}
	for (i = 0; i < l->history_count; i++) {
		const struct st_history_item *h = &l->history[i];
		json_t *o = json_object();

		if (o == NULL || json_array_append_new(a, o) != 0) {
			*ok = false;
			break;
		}
		st_report_put(o, "index", juint(i), ok);
		st_report_put(o, "created_by", st_report_jstr(h->created_by), ok);
		st_report_put(o, "created", st_report_jstr(h->created), ok);
		st_report_put(o, "empty_layer", json_boolean(h->empty_layer), ok);
		st_report_put(o, "layer_index", jindex(h->layer), ok);
	}
	return a;
}

static json_t *totals_json(const struct strata_layers *layers, bool *ok)
{
	struct strata_layers_totals t;
	json_t *o = json_object();

	if (o == NULL) {
		*ok = false;
		return NULL;
	}
	strata_layers_get_totals(layers, &t);
	st_report_put(o, "layer_count", juint(t.layer_count), ok);
	st_report_put(o, "size", juint(t.size), ok);
	st_report_put(o, "uncompressed_size", juint(t.uncompressed_size), ok);
	st_report_put(o, "content_bytes", juint(t.content_bytes), ok);
	st_report_put(o, "wasted_bytes", juint(t.wasted_bytes), ok);
	st_report_put(o, "efficiency", json_real(t.efficiency), ok);
	st_report_put(o, "distinct_paths", juint(t.distinct_paths), ok);
	return o;
}

static json_t *wasted_json(const struct st_layers *l, bool *ok)
{
	json_t *a = json_array();
	size_t i;

	if (a == NULL) {
		*ok = false;
		return NULL;
	}
	for (i = 0; i < l->wasted_count; i++) {
		json_t *o = json_object();

		if (o == NULL || json_array_append_new(a, o) != 0) {
			*ok = false;
			break;
		}
		st_report_put(o, "path", st_report_jstr(l->wasted[i].path), ok);
		st_report_put(o, "bytes", juint(l->wasted[i].bytes), ok);
	}
	return a;
}

static json_t *image_json(const struct st_image *img, bool *ok)
{
	json_t *o = json_object();

	if (o == NULL) {
		*ok = false;
		return NULL;
	}
	st_report_put(o, "reference", st_report_jstr(img->reference), ok);
	st_report_put(o, "form", st_report_jstr(st_image_form_name(img->form)), ok);
	st_report_put(o, "manifest_digest", st_report_jstr(img->manifest_digest), ok);
	st_report_put(o, "config_digest", st_report_jstr(img->config_digest), ok);
	st_report_put(o, "tag", st_report_jstr(img->tag), ok);
	return o;
}

int st_report_layers_json(const struct strata_layers *layers, FILE *out,
			  struct strata_error *err)
{
	const struct st_layers *l = &layers->analysis;
	json_t *root = json_object();
	json_t *list = json_array();
	bool ok = root != NULL && list != NULL;
	size_t i;
	int rc = 0;

	for (i = 0; ok && i < l->layer_count; i++) {
		if (json_array_append_new(list, layer_json(layers, i, &ok)) != 0)
			ok = false;
	}
	if (ok) {
		st_report_put(root, "schema", json_string(LAYERS_SCHEMA_ID), &ok);
		st_report_put(root, "image", image_json(layers->scan->image, &ok), &ok);
		st_report_put(root, "layers", list, &ok);
		list = NULL;
		st_report_put(root, "history", history_json(l, &ok), &ok);
		st_report_put(root, "totals", totals_json(layers, &ok), &ok);
		st_report_put(root, "wasted_paths", wasted_json(l, &ok), &ok);
	}
	if (!ok) {
		rc = st_error_set(err, STRATA_ENOMEM, "out of memory building the JSON layer report");
		goto out;
	}
	if (json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0 ||
	    fputc('\n', out) == EOF || fflush(out) != 0) {
		rc = st_error_sys(err, STRATA_EIO, "writing the JSON layer report failed");
		goto out;
	}

out:
	json_decref(list);
	json_decref(root);
	return rc;
}
