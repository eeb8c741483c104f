/* Layer walk: streams each layer's tar once, lowest layer first, and keeps
 * only the files the visitor wants, so memory follows the captured files
 * and not the size or entry count of the layers.
 *
 * Shadowing, per the OCI image spec (image-spec layer.md, "Changeset over
 * existing files" and "Whiteouts"):
 * - An entry of any type at P replaces what was at P before, in a lower
 *   layer or earlier in the same layer. Two directories merge; any other
 *   pair replaces, so a non-directory entry at P also hides the old P/...
 * - A whiteout marker DIR/.wh.NAME hides DIR/NAME and everything under it,
 *   and DIR/.wh..wh..opq hides everything under DIR. Markers apply only to
 *   lower layers, wherever they sit in their own layer, and are never
 *   files of the view themselves.
 *
 * Captured files live in a treap (view.c) that tags each file with the
 * layer that wrote it: removals for a marker skip the files of the
 * marker's own layer, removals for an ordinary entry do not. */
#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image/walk_internal.h"

/* The opaque whiteout marker. */
#define OPAQUE_MARKER ".wh..wh..opq"

int st_walk_check_budget(struct st_walk *w, uint64_t size, uint64_t extra, const char *path,
			 struct strata_error *err)
{
	uint64_t captured = w->view.data_bytes + extra;
	char quoted[ST_WALK_QUOTE_MAX + 8];

	if (size <= w->limits->cataloged_total_bytes &&
	    captured <= w->limits->cataloged_total_bytes - size)
		return 0;
	st_walk_quote(quoted, sizeof(quoted), path);
	return st_error_set(err, STRATA_ELIMIT,
			    "layer %s: entry '%s': captured files would exceed the cataloged_total_bytes limit of %llu bytes",
			    w->layer_name, quoted,
			    (unsigned long long)w->limits->cataloged_total_bytes);
}

/* Applies the whiteout marker at W->path, whose last component BASE
 * starts with ".wh.". Per image-spec layer.md, a whiteout name is the
 * prefix ".wh." plus the base name to delete, and the one exact name
 * ".wh..wh..opq" is the opaque marker. So a name that merely starts like
 * the opaque marker (".wh..wh..opqX") is a whiteout of ".wh..opqX". No
 * layer can create a file whose name starts with ".wh.", so that
 * whiteout hides nothing, and its marker is dropped like any other. */
static void apply_whiteout(struct st_walk *w, const char *base)
{
	const char *path = w->path.ptr;
	size_t dir_len = base == path ? 0 : (size_t)(base - path) - 1;
	const char *victim = base + ST_WALK_WHITEOUT_PREFIX_LEN;
	size_t victim_len = w->path.len - (size_t)(victim - path);
	char quoted[ST_WALK_QUOTE_MAX + 8];

	if (strcmp(base, OPAQUE_MARKER) == 0) {
		st_view_remove_under(&w->view, path, dir_len, w->layer);
		return;
	}

	/* ".wh.", ".wh.." and ".wh..." would name the directory itself or
	 * its parent: no valid whiteout, so it hides nothing. */
	if (victim_len == 0 || strcmp(victim, ".") == 0 || strcmp(victim, "..") == 0) {
		st_walk_quote(quoted, sizeof(quoted), path);
		st_diag(w->diag, ST_DIAG_WARN,
			"layer %s: ignoring whiteout '%s': it names no file", w->layer_name,
			quoted);
		return;
	}

	/* Build DIR/NAME in place of DIR/.wh.NAME. */
	memmove(w->path.ptr + (victim - path) - ST_WALK_WHITEOUT_PREFIX_LEN, victim,
		victim_len + 1);
	w->path.len -= ST_WALK_WHITEOUT_PREFIX_LEN;
	st_view_remove(&w->view, w->path.ptr, w->path.len, w->layer);
	st_view_remove_under(&w->view, w->path.ptr, w->path.len, w->layer);
}

static struct st_capture *new_capture(struct st_walk *w, struct archive_entry *e,
				      struct strata_error *err)
{
	struct st_capture *c = st_capture_new(w->path.ptr, w->path.len);

	if (c == NULL) {
		st_error_set(err, STRATA_ENOMEM, "out of memory for a captured file");
		return NULL;
	}
	c->layer = w->layer;
	c->entry = w->entry;
	c->mode = (unsigned)archive_entry_mode(e) & 07777u;
	return c;
}

static int capture_regular(struct st_walk *w, struct st_walk_tar *t, struct archive_entry *e,
			   uint64_t max_bytes, struct strata_error *err)
{
	char quoted[ST_WALK_QUOTE_MAX + 8];
	struct st_capture *c = NULL;
	char *data = NULL;
	int64_t size = archive_entry_size(e);
	int rc;

	st_walk_quote(quoted, sizeof(quoted), w->path.ptr);
	if (size < 0)
		return st_error_set(err, STRATA_ECORRUPT, "layer %s: entry '%s': negative size",
				    w->layer_name, quoted);
	if ((uint64_t)size > max_bytes) {
		st_diag(w->diag, ST_DIAG_WARN,
			"layer %s: skipping '%s': its %lld bytes exceed the %llu-byte limit for a cataloged file",
			w->layer_name, quoted, (long long)size, (unsigned long long)max_bytes);
		return 0;
	}
	rc = st_walk_check_budget(w, (uint64_t)size, 0, w->path.ptr, err);
	if (rc < 0)
		return rc;
	rc = st_walk_tar_read_data(t, &data, (uint64_t)size, err);
	if (rc < 0) {
		if (!t->failed)
			st_error_prefix(err, "layer %s: entry '%s'", w->layer_name, quoted);
		return rc;
	}
	c = new_capture(w, e, err);
	if (c == NULL) {
		free(data);
		return STRATA_ENOMEM;
	}
	c->type = ST_FILE_REGULAR;
	c->data = data;
	c->data_len = (size_t)size;
	c->size = (uint64_t)size;
	st_view_insert(&w->view, c);
	return 0;
}

static int capture_symlink(struct st_walk *w, struct archive_entry *e,
			   struct strata_error *err)
{
	const char *target = st_walk_entry_symlink(e);
	char quoted[ST_WALK_QUOTE_MAX + 8];
	struct st_capture *c;
	size_t len;

	if (target == NULL)
		target = "";
	len = strlen(target);
	if (len > w->limits->path_bytes) {
		st_walk_quote(quoted, sizeof(quoted), w->path.ptr);
		return st_error_set(err, STRATA_ELIMIT,
				    "layer %s: entry '%s': symlink target is longer than the path_bytes limit of %u bytes",
				    w->layer_name, quoted, w->limits->path_bytes);
	}
	c = new_capture(w, e, err);
	if (c == NULL)
		return STRATA_ENOMEM;
	c->type = ST_FILE_SYMLINK;
	c->link_target = st_strndup(target, len);
	if (c->link_target == NULL) {
		st_capture_free(c);
		return st_error_set(err, STRATA_ENOMEM, "out of memory for a symlink target");
	}
	c->size = len;
	st_view_insert(&w->view, c);
	return 0;
}

enum link_fill {
	LINK_LATER,   /* a later pass over the layer must find the target */
	LINK_FILLED,
	LINK_SKIPPED, /* the target is over the size cap: warned */
};

/* Fills C, a hard link to W->link, from the target's capture when the same
 * layer wrote the target earlier: a copy of it, or for a chain the
 * target's own pending link. Returns an enum link_fill or a negative
 * error. */
static int link_from_view(struct st_walk *w, struct st_capture *c, uint64_t max_bytes,
			  struct strata_error *err)
{
	struct st_capture *target = st_view_find(&w->view, w->link.ptr, w->link.len);
	char quoted[ST_WALK_QUOTE_MAX + 8];
	int rc;

	if (target == NULL || target->layer != w->layer)
		return LINK_LATER;
	if (target->hardlink != NULL) {
		c->hardlink = st_strndup(target->hardlink, strlen(target->hardlink));
		c->link_entry = target->link_entry;
		if (c->hardlink == NULL)
			return st_error_set(err, STRATA_ENOMEM, "out of memory");
		return LINK_FILLED;
	}
	c->mode = target->mode;
	c->type = target->type;
	c->size = target->size;
	if (target->type == ST_FILE_SYMLINK) {
		c->link_target = st_strndup(target->link_target, strlen(target->link_target));
		if (c->link_target == NULL)
			return st_error_set(err, STRATA_ENOMEM, "out of memory");
		return LINK_FILLED;
	}
	if (target->size > max_bytes) {
		st_walk_quote(quoted, sizeof(quoted), w->path.ptr);
		st_diag(w->diag, ST_DIAG_WARN,
			"layer %s: skipping '%s': its %llu bytes exceed the %llu-byte limit for a cataloged file",
			w->layer_name, quoted, (unsigned long long)target->size,
			(unsigned long long)max_bytes);
		return LINK_SKIPPED;
	}
	rc = st_walk_check_budget(w, target->data_len, 0, w->path.ptr, err);
	if (rc < 0)
		return rc;
	if (target->data_len != 0) {
		c->data = malloc(target->data_len);
		if (c->data == NULL)
			return st_error_set(err, STRATA_ENOMEM, "out of memory for %zu bytes",
					    target->data_len);
		memcpy(c->data, target->data, target->data_len);
	}
	c->data_len = target->data_len;
	return LINK_FILLED;
}

/* Captures the wanted hard link at W->path. Its content is that of the
 * entry it names, which must come earlier in the same layer: copied now
 * when that entry was captured, else found by st_walk_resolve_links. */
static int capture_hardlink(struct st_walk *w, struct archive_entry *e, uint64_t max_bytes,
			    struct strata_error *err)
{
	char quoted[ST_WALK_QUOTE_MAX + 8];
	struct strata_error link_err;
	struct st_capture *c = NULL;
	int rc;

	strata_error_clear(&link_err);
	rc = st_walk_name_set(&w->link, st_walk_entry_hardlink(e), w->limits, &link_err);
	if (rc < 0 || w->link.len == 0) {
		if (rc == STRATA_ENOMEM)
			return st_error_set(err, rc, "%s", link_err.msg);
		st_walk_quote(quoted, sizeof(quoted), w->path.ptr);
		st_diag(w->diag, ST_DIAG_WARN,
			"layer %s: skipping hard link '%s': its target is outside the layer (%s)",
			w->layer_name, quoted, rc < 0 ? link_err.msg : "the root");
		return 0;
	}
	c = new_capture(w, e, err);
	if (c == NULL)
		return STRATA_ENOMEM;
	c->type = ST_FILE_REGULAR;
	c->max_bytes = max_bytes;
	rc = link_from_view(w, c, max_bytes, err);
	if (rc == LINK_LATER) {
		c->hardlink = st_strndup(w->link.ptr, w->link.len);
		c->link_entry = w->entry;
		if (c->hardlink == NULL)
			rc = st_error_set(err, STRATA_ENOMEM, "out of memory");
	}
	if (rc < 0 || rc == LINK_SKIPPED) {
		st_capture_free(c);
		return rc < 0 ? rc : 0;
	}
	if (c->hardlink != NULL)
		w->pending_links++;
	st_view_insert(&w->view, c);
	return 0;
}

/* Asks the visitor about the file at W->path and captures it if wanted. */
static int capture(struct st_walk *w, struct st_walk_tar *t, struct archive_entry *e, int kind,
		   struct strata_error *err)
{
	const struct st_walk_visitor *v = w->visitor;
	uint64_t max_bytes = w->limits->cataloged_file_bytes;
	uint64_t requested = max_bytes;

	if (v->wants == NULL || !v->wants(v->ctx, w->path.ptr, w->path.len, &requested))
		return 0;
	if (requested < max_bytes)
		max_bytes = requested;
	switch (kind) {
	case ST_KIND_SYMLINK:
		return capture_symlink(w, e, err);
	case ST_KIND_HARDLINK:
		return capture_hardlink(w, e, max_bytes, err);
	default:
		return capture_regular(w, t, e, max_bytes, err);
	}
}

static void count_entry(struct st_walk_layer_stats *st, struct archive_entry *e, int kind)
{
	if (kind == ST_KIND_REGULAR) {
		int64_t size = archive_entry_size(e);

		st->regular_files++;
		if (size > 0)
			st->content_bytes += (uint64_t)size;
	} else if (kind == ST_KIND_SPECIAL) {
		st->special_files++;
	}
}

static int walk_entry(struct st_walk *w, struct st_walk_tar *t, struct archive_entry *e,
		      struct st_walk_layer_stats *st, struct strata_error *err)
{
	const char *name = st_walk_entry_name(e);
	const char *base;
	int kind = st_walk_entry_kind(e);
	int rc;

	st->entries++;
	if (st->entries > w->limits->entries_per_layer)
		return st_error_set(err, STRATA_ELIMIT,
				    "layer %s: more than the entries_per_layer limit of %llu entries",
				    w->layer_name,
				    (unsigned long long)w->limits->entries_per_layer);
	if (name == NULL)
		return st_error_set(err, STRATA_ECORRUPT, "layer %s: tar entry %llu has no name",
				    w->layer_name, (unsigned long long)w->entry);
	rc = st_walk_name_set(&w->path, name, w->limits, err);
	if (rc < 0)
		return st_error_prefix(err, "layer %s", w->layer_name);
	if (w->path.len == 0)
		return 0; /* the root directory itself */

	base = st_walk_base_name(w->path.ptr);
	if (st_walk_is_whiteout(base)) {
		st->whiteouts++;
		apply_whiteout(w, base);
		return 0;
	}
	count_entry(st, e, kind);

	/* An overlayfs-style whiteout (a 0/0 character device) lands here
	 * as a special file, and hides the lower P like a ".wh." marker.
	 * NOTE: an entry only replaces its own path and subtree. A lower
	 * file at an ancestor of P (lower "a", then "a/b" with no "a/"
	 * entry) stays in the view, and an opaque directory marked only
	 * by the trusted.overlay.opaque xattr hides nothing. */
	st_view_remove(&w->view, w->path.ptr, w->path.len, ST_VIEW_ANY_LAYER);
	if (kind != ST_KIND_DIRECTORY)
		st_view_remove_under(&w->view, w->path.ptr, w->path.len, ST_VIEW_ANY_LAYER);
	if (kind == ST_KIND_DIRECTORY || kind == ST_KIND_SPECIAL)
		return 0;
	return capture(w, t, e, kind, err);
}

/* Reads layer W->layer once, start to end, into the view. */
static int read_layer(struct st_walk *w, struct st_walk_layer_stats *st,
		      struct strata_error *err)
{
	struct st_walk_tar t;
	struct archive_entry *e;
	int rc;

	w->entry = 0;
	w->pending_links = 0;
	rc = st_walk_tar_open(&t, w->open, w->open_ctx, w->layer, err);
	if (rc < 0) {
		/* The opener's and the stream's errors name their blob. */
		if (t.stream != NULL && !t.failed)
			st_error_prefix(err, "layer %s", w->layer_name);
		goto out;
	}
	for (;;) {
		rc = st_walk_tar_next(&t, &e, err);
		if (rc == 0)
			break;
		if (rc < 0) {
			if (!t.failed)
				st_error_prefix(err, "layer %s: tar entry %llu", w->layer_name,
						(unsigned long long)w->entry);
			goto out;
		}
		rc = walk_entry(w, &t, e, st, err);
		if (rc < 0)
			goto out;
		w->entry++;
	}
	rc = st_walk_tar_finish(&t, err);

out:
	st->uncompressed_bytes = t.bytes;
	st_walk_tar_close(&t);
	return rc;
}

static void file_from_capture(struct st_walk_file *f, const struct st_capture *c)
{
	memset(f, 0, sizeof(*f));
	f->path = c->path;
	f->path_len = c->path_len;
	f->type = c->type;
	f->link_target = c->link_target;
	f->data = st_slice_make(c->data != NULL ? c->data : "", c->data_len);
	f->size = c->size;
	f->mode = c->mode;
	f->layer = c->layer;
}

struct visit {
	struct st_walk *walk;
	int (*fn)(void *ctx, const struct st_walk_file *f, struct strata_error *err);
	bool this_layer_only;
	struct strata_error *err;
};

static int visit_capture(struct st_capture *c, void *ctx)
{
	struct visit *v = ctx;
	struct st_walk_file f;
	int rc;

	if (v->this_layer_only && c->layer != v->walk->layer)
		return 0;
	file_from_capture(&f, c);
	rc = v->fn(v->walk->visitor->ctx, &f, v->err);
	return rc < 0 ? rc : 0;
}

static int walk_layer(struct st_walk *w, struct st_walk_layer_stats *st,
		      struct strata_error *err)
{
	struct visit visit = {w, w->visitor->on_layer_file, true, err};
	int rc;

	rc = read_layer(w, st, err);
	if (rc < 0)
		return rc;
	if (w->pending_links != 0) {
		rc = st_walk_resolve_links(w, err);
		if (rc < 0)
			return rc;
	}
	if (visit.fn == NULL)
		return 0;
	return st_view_foreach(&w->view, visit_capture, &visit);
}

int st_walk_layers(size_t count, st_layer_opener open, void *open_ctx,
		   const char *const *names, const struct st_walk_visitor *v,
		   const struct st_walk_options *opts, struct st_walk_layer_stats *stats,
		   struct strata_error *err)
{
	struct st_walk w;
	struct st_walk_layer_stats scratch;
	struct visit visit;
	int rc = 0;

	if (open == NULL || v == NULL || opts == NULL || opts->limits == NULL)
		return st_error_set(err, STRATA_EINVAL, "layer walk without an opener, visitor or limits");
	if (count > opts->limits->layers)
		return st_error_set(err, STRATA_ELIMIT,
				    "image has %zu layers, over the layers limit of %u", count,
				    opts->limits->layers);

	memset(&w, 0, sizeof(w));
	w.limits = opts->limits;
	w.diag = opts->diag;
	w.visitor = v;
	w.open = open;
	w.open_ctx = open_ctx;
	st_view_init(&w.view);
	if (stats != NULL)
		memset(stats, 0, count * sizeof(*stats));

	for (w.layer = 0; w.layer < count; w.layer++) {
		struct st_walk_layer_stats *st = stats != NULL ? &stats[w.layer] : &scratch;

		memset(&scratch, 0, sizeof(scratch));
		if (names != NULL && names[w.layer] != NULL) {
			w.layer_name = names[w.layer];
		} else {
			snprintf(w.layer_index, sizeof(w.layer_index), "%zu", w.layer);
			w.layer_name = w.layer_index;
		}
		rc = walk_layer(&w, st, err);
		if (rc < 0)
			goto out;
	}

	visit.walk = &w;
	visit.fn = v->on_final_file;
	visit.this_layer_only = false;
	visit.err = err;
	if (visit.fn != NULL)
		rc = st_view_foreach(&w.view, visit_capture, &visit);

out:
	st_view_dispose(&w.view);
	free(w.path.ptr);
	free(w.link.ptr);
	return rc;
}

static int open_image_layer(void *ctx, size_t index, struct st_stream **out,
			    struct strata_error *err)
{
	return st_image_open_layer(ctx, index, out, err);
}

int st_walk_image(struct st_image *img, const struct st_walk_visitor *v,
		  const struct st_walk_options *opts, struct st_walk_layer_stats *stats,
		  struct strata_error *err)
{
	const char **names;
	size_t i;
	int rc;

	names = st_calloc(img->layer_count ? img->layer_count : 1, sizeof(*names));
	if (names == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory for %zu layer names",
				    img->layer_count);
	for (i = 0; i < img->layer_count; i++)
		names[i] = img->layers[i].digest;
	rc = st_walk_layers(img->layer_count, open_image_layer, img, names, v, opts, stats,
			   err);
	free(names);
	return rc;
}
