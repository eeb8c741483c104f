/* Layer walk: reads each layer's tar once and keeps only the files the
 * visitor wants, so memory follows the captured files and not the size or
 * entry count of the layers. This file reads one layer; walk_merge.c runs
 * the layers, on several threads when allowed, and merges their results
 * into the image's view in layer order.
 *
 * Shadowing, per the OCI image spec (image-spec layer.md, "Changeset over
 * existing files" and "Whiteouts"):
 * - An entry of any type at P replaces what was at P before, in a lower
 *   layer or earlier in the same layer. Two directories merge; any other
 *   pair replaces, so a non-directory entry at P also hides the old P/...
 * - An entry at P makes every ancestor of P a directory, as a container
 *   runtime shows it, so a file or symlink at an ancestor (lower, or
 *   earlier in the same layer) is hidden even without a directory entry.
 * - A whiteout marker DIR/.wh.NAME hides DIR/NAME and everything under it,
 *   and DIR/.wh..wh..opq hides everything under DIR, as does a directory
 *   entry with the overlayfs xattr trusted.overlay.opaque (or
 *   user.overlay.opaque) set to "y". Markers apply only to lower layers,
 *   wherever they sit in their own layer, and are never files of the view
 *   themselves.
 *
 * A layer's reading applies the rules among its own entries to its own
 * captures, and records in a path set (walk_paths.c) what can hide lower
 * captures: the paths it wrote with their types, whiteouts and opaque
 * directories. */
#include <archive.h>
#include <archive_entry.h>
#include <stdatomic.h>
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

/* Records the whiteout marker at W->path, whose last component BASE
 * starts with ".wh.", in the layer's path set. Per image-spec layer.md, a
 * whiteout name is the prefix ".wh." plus the base name to delete, and
 * the one exact name ".wh..wh..opq" is the opaque marker. So a name that
 * merely starts like the opaque marker (".wh..wh..opqX") is a whiteout of
 * ".wh..opqX". No layer can create a file whose name starts with ".wh.",
 * so that whiteout hides nothing, and its marker is dropped like any
 * other. Markers never touch the layer's own captures. */
static int apply_whiteout(struct st_walk *w, const char *base, struct strata_error *err)
{
	const char *path = w->path.ptr;
	size_t dir_len = base == path ? 0 : (size_t)(base - path) - 1;
	const char *victim = base + ST_WALK_WHITEOUT_PREFIX_LEN;
	size_t victim_len = w->path.len - (size_t)(victim - path);
	char quoted[ST_WALK_QUOTE_MAX + 8];
	int rc;

	if (strcmp(base, OPAQUE_MARKER) == 0) {
		if (!w->record_paths)
			return 0;
		if (dir_len == 0) {
			w->opaque_root = true;
			return 0;
		}
		rc = st_path_set_add(&w->paths, path, dir_len, ST_PATH_OPAQUE, err);
		return rc < 0 ? st_error_prefix(err, "layer %s", w->layer_name) : 0;
	}

	/* ".wh.", ".wh.." and ".wh..." would name the directory itself or
	 * its parent: no valid whiteout, so it hides nothing. */
	if (victim_len == 0 || strcmp(victim, ".") == 0 || strcmp(victim, "..") == 0) {
		st_walk_quote(quoted, sizeof(quoted), path);
		st_diag(w->diag, ST_DIAG_WARN,
			"layer %s: ignoring whiteout '%s': it names no file", w->layer_name,
			quoted);
		return 0;
	}
	if (!w->record_paths)
		return 0;

	/* Build DIR/NAME in place of DIR/.wh.NAME. */
	memmove(w->path.ptr + (victim - path) - ST_WALK_WHITEOUT_PREFIX_LEN, victim,
		victim_len + 1);
	w->path.len -= ST_WALK_WHITEOUT_PREFIX_LEN;
	rc = st_path_set_add(&w->paths, w->path.ptr, w->path.len, ST_PATH_WHITEOUT, err);
	return rc < 0 ? st_error_prefix(err, "layer %s", w->layer_name) : 0;
}

void st_walk_insert(struct st_walk *w, struct st_capture *c)
{
	st_view_insert(&w->view, c);
	w->last_parent_valid = false;
}

struct st_capture *st_walk_new_capture(struct st_walk *w, struct archive_entry *e,
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
	c = st_walk_new_capture(w, e, err);
	if (c == NULL) {
		free(data);
		return STRATA_ENOMEM;
	}
	c->type = ST_FILE_REGULAR;
	c->data = data;
	c->data_len = (size_t)size;
	c->size = (uint64_t)size;
	st_walk_insert(w, c);
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
	c = st_walk_new_capture(w, e, err);
	if (c == NULL)
		return STRATA_ENOMEM;
	c->type = ST_FILE_SYMLINK;
	c->link_target = st_strndup(target, len);
	if (c->link_target == NULL) {
		st_capture_free(c);
		return st_error_set(err, STRATA_ENOMEM, "out of memory for a symlink target");
	}
	c->size = len;
	st_walk_insert(w, c);
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

	/* A summary is not the content: a later pass reads the target. */
	if (target == NULL || target->layer != w->layer || target->summarized)
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
	c = st_walk_new_capture(w, e, err);
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
	st_walk_insert(w, c);
	return 0;
}

/* Asks the visitor about the file at W->path and captures it if wanted. */
static int capture(struct st_walk *w, struct st_walk_tar *t, struct archive_entry *e, int kind,
		   struct strata_error *err)
{
	const struct st_walk_visitor *v = w->visitor;
	uint64_t max_bytes = w->limits->cataloged_file_bytes;
	uint64_t requested = max_bytes;

	if (v->wants == NULL || !v->wants(v->ctx, w->path.ptr, w->path.len, &requested)) {
		if (v->wants_summary == NULL || v->summarize == NULL)
			return 0;
		if (kind == ST_KIND_REGULAR)
			return st_walk_summarize(w, t, e, err);
		if (kind == ST_KIND_HARDLINK)
			return st_walk_summarize_link(w, e, err);
		return 0;
	}
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

/* Returns true when the directory entry E carries the overlayfs opaque
 * xattr: "trusted.overlay.opaque" (or "user.overlay.opaque" for an
 * unprivileged overlay) with the value "y". */
static bool has_opaque_xattr(struct archive_entry *e)
{
	const char *name;
	const void *value;
	size_t size;

	if (archive_entry_xattr_reset(e) == 0)
		return false;
	while (archive_entry_xattr_next(e, &name, &value, &size) == ARCHIVE_OK) {
		if (name == NULL || value == NULL || size != 1 || *(const char *)value != 'y')
			continue;
		if (strcmp(name, "trusted.overlay.opaque") == 0 ||
		    strcmp(name, "user.overlay.opaque") == 0)
			return true;
	}
	return false;
}

static int name_copy(struct st_walk_name *n, const char *s, size_t len,
		     struct strata_error *err)
{
	if (len + 1 > n->cap) {
		char *p = realloc(n->ptr, len + 1);

		if (p == NULL)
			return st_error_set(err, STRATA_ENOMEM, "out of memory for a path");
		n->ptr = p;
		n->cap = len + 1;
	}
	memcpy(n->ptr, s, len);
	n->ptr[len] = '\0';
	n->len = len;
	return 0;
}

/* Removes the captures of this layer at the proper ancestors of W->path,
 * whose last component is BASE: the entry makes them directories. Entries
 * of one directory usually come in a run, so the check is skipped while
 * the parent stays the same and nothing new was captured. */
static int hide_ancestors(struct st_walk *w, const char *base, struct strata_error *err)
{
	const char *path = w->path.ptr;
	size_t parent_len = base == path ? 0 : (size_t)(base - path) - 1;
	size_t i;

	if (w->view.count == 0 || parent_len == 0)
		return 0;
	if (w->last_parent_valid && w->last_parent.len == parent_len &&
	    memcmp(w->last_parent.ptr, path, parent_len) == 0)
		return 0;
	for (i = 0; i < parent_len; i++) {
		if (path[i] == '/')
			st_view_remove(&w->view, path, i, ST_VIEW_ANY_LAYER);
	}
	st_view_remove(&w->view, path, parent_len, ST_VIEW_ANY_LAYER);
	if (name_copy(&w->last_parent, path, parent_len, err) < 0)
		return STRATA_ENOMEM;
	w->last_parent_valid = true;
	return 0;
}

/* Records the ordinary entry at W->path for the merge: what it hides in
 * lower layers. */
static int record_entry_path(struct st_walk *w, struct archive_entry *e, int kind,
			     struct strata_error *err)
{
	unsigned flags = kind == ST_KIND_DIRECTORY ? 0 : ST_PATH_NONDIR;
	int rc;

	if (kind == ST_KIND_REGULAR || kind == ST_KIND_HARDLINK)
		flags |= ST_PATH_FILE;
	if (!w->record_paths)
		return 0;
	if (kind == ST_KIND_DIRECTORY && has_opaque_xattr(e))
		flags |= ST_PATH_OPAQUE;
	rc = st_path_set_add(&w->paths, w->path.ptr, w->path.len, flags, err);
	if (rc < 0)
		return st_error_prefix(err, "layer %s", w->layer_name);
	return 0;
}

/* Warnings about unsafe entry names given per layer; the rest are only
 * counted, so that a hostile layer cannot flood the output. */
#define NAME_WARNINGS 10

/* Warns about entry NAME: read inside the root (an absolute name), or
 * skipped for REASON when REASON is not NULL. */
static void note_unsafe_name(struct st_walk *w, const char *name,
			     const struct strata_error *reason)
{
	char quoted[ST_WALK_QUOTE_MAX + 8];
	char inside[ST_WALK_QUOTE_MAX + 8];

	w->unsafe_names++;
	if (w->unsafe_names > NAME_WARNINGS)
		return;
	if (reason != NULL) {
		st_diag(w->diag, ST_DIAG_WARN, "layer %s: skipping %s", w->layer_name, reason->msg);
		return;
	}
	st_walk_quote(quoted, sizeof(quoted), name);
	st_walk_quote(inside, sizeof(inside), w->path.ptr);
	st_diag(w->diag, ST_DIAG_WARN,
		"layer %s: entry '%s' has an absolute name; it is read inside the image root as '%s'",
		w->layer_name, quoted, inside);
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
	if (rc == STRATA_ECORRUPT) {
		/* A name that climbs above the root: Docker refuses such a
		 * layer and containerd keeps the entry at the root, so neither
		 * view is sure. The entry is left out, the rest of the layer
		 * is read. */
		note_unsafe_name(w, name, err);
		strata_error_clear(err);
		return 0;
	}
	if (rc < 0)
		return st_error_prefix(err, "layer %s", w->layer_name);
	if (name[0] == '/' && w->path.len != 0)
		note_unsafe_name(w, name, NULL);
	if (w->path.len == 0)
		return 0; /* the root directory itself */
	if (w->visitor->observer != NULL && w->visitor->observer->on_entry != NULL) {
		const struct st_walk_observer *o = w->visitor->observer;

		rc = o->on_entry(o->ctx, w->layer, w->path.ptr, w->path.len, kind, e, err);
		if (rc < 0)
			return rc;
	}

	base = st_walk_base_name(w->path.ptr);
	rc = hide_ancestors(w, base, err);
	if (rc < 0)
		return rc;
	if (st_walk_is_whiteout(base)) {
		st->whiteouts++;
		return apply_whiteout(w, base, err);
	}
	count_entry(st, e, kind);
	rc = record_entry_path(w, e, kind, err);
	if (rc < 0)
		return rc;

	/* An overlayfs-style whiteout (a 0/0 character device) lands here
	 * as a special file, and hides the lower P like a ".wh." marker. */
	st_view_remove(&w->view, w->path.ptr, w->path.len, ST_VIEW_ANY_LAYER);
	if (kind != ST_KIND_DIRECTORY)
		st_view_remove_under(&w->view, w->path.ptr, w->path.len, ST_VIEW_ANY_LAYER);
	if (kind == ST_KIND_DIRECTORY || kind == ST_KIND_SPECIAL)
		return 0;
	return capture(w, t, e, kind, err);
}

static bool is_cancelled(const struct st_walk *w)
{
	return w->cancel != NULL && atomic_load_explicit(w->cancel, memory_order_relaxed) != 0;
}

/* Reads layer W->layer once, start to end. */
static int read_entries(struct st_walk *w, struct st_walk_layer_stats *st,
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
		if (is_cancelled(w)) {
			rc = st_error_set(err, STRATA_EINTERNAL, "layer %s: walk cancelled",
					  w->layer_name);
			goto out;
		}
		rc = st_walk_tar_next(&t, &e, err);
		if (rc == 0)
			break;
		if (rc < 0) {
			/* A header that cannot be read often means that the
			 * entry before it was cut short, so that one is named. */
			if (!t.failed && w->entry > 0 && w->path.len > 0) {
				char quoted[ST_WALK_QUOTE_MAX + 8];

				st_walk_quote(quoted, sizeof(quoted), w->path.ptr);
				st_error_prefix(err, "layer %s: tar entry %llu, after '%s'",
						w->layer_name, (unsigned long long)w->entry, quoted);
			} else if (!t.failed) {
				st_error_prefix(err, "layer %s: tar entry %llu", w->layer_name,
						(unsigned long long)w->entry);
			}
			goto out;
		}
		rc = walk_entry(w, &t, e, st, err);
		if (rc < 0)
			goto out;
		w->entry++;
	}
	rc = st_walk_tar_finish(&t, err);
	/* Tar readers differ here: Go's archive/tar, which Docker and
	 * containerd use, rejects a header after a single zero block. */
	if (rc == 0 && t.ended && t.trailing_at != UINT64_MAX)
		st_diag(w->diag, ST_DIAG_WARN,
			"layer %s: data after the tar's end-of-archive marker, from byte %llu, "
			"is not read; another tar reader may find more entries there",
			w->layer_name, (unsigned long long)t.trailing_at);
	if (rc == 0 && w->unsafe_names > NAME_WARNINGS)
		st_diag(w->diag, ST_DIAG_WARN,
			"layer %s: %llu more entries with absolute names or names above the root",
			w->layer_name, (unsigned long long)(w->unsafe_names - NAME_WARNINGS));

out:
	st->uncompressed_bytes = t.bytes;
	st_walk_tar_close(&t);
	return rc;
}

int st_walk_read_layer(struct st_walk *w, struct st_walk_layer_stats *st,
		       struct strata_error *err)
{
	int rc;

	if (w->diag == NULL)
		w->diag = &w->null_diag;
	if (w->record_paths) {
		size_t max = (size_t)w->limits->entries_per_layer;

		/* Each entry adds itself and its ancestors. Real layers list
		 * those directories as entries too, so twice the entry limit
		 * leaves room for directories that appear only as ancestors. */
		st_path_set_init(&w->paths, max > SIZE_MAX / 2 ? SIZE_MAX : max * 2);
	}
	rc = read_entries(w, st, err);
	if (rc < 0)
		return rc;
	if (w->pending_links != 0)
		return st_walk_resolve_links(w, err);
	return 0;
}

void st_walk_dispose(struct st_walk *w)
{
	st_view_dispose(&w->view);
	st_path_set_dispose(&w->paths);
	free(w->path.ptr);
	free(w->link.ptr);
	free(w->last_parent.ptr);
	w->path.ptr = NULL;
	w->link.ptr = NULL;
	w->last_parent.ptr = NULL;
}

static int open_image_layer(void *ctx, size_t index, struct st_stream **out,
			    struct strata_error *err)
{
	return st_image_open_layer(ctx, index, out, err);
}

/* Orders layer indexes by blob size, largest first, then by index. */
static int compare_layer_size(const void *pa, const void *pb, void *ctx)
{
	const struct st_image *img = ctx;
	size_t a = *(const size_t *)pa;
	size_t b = *(const size_t *)pb;
	uint64_t sa = img->layers[a].size;
	uint64_t sb = img->layers[b].size;

	if (sa != sb)
		return sa > sb ? -1 : 1;
	return (a > b) - (a < b);
}

int st_walk_image(struct st_image *img, const struct st_walk_visitor *v,
		  const struct st_walk_options *opts, struct st_walk_layer_stats *stats,
		  struct strata_error *err)
{
	size_t *order;
	const char **names;
	size_t i;
	int rc;

	names = st_calloc(img->layer_count ? img->layer_count : 1, sizeof(*names));
	if (names == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory for %zu layer names",
				    img->layer_count);
	for (i = 0; i < img->layer_count; i++)
		names[i] = img->layers[i].digest;
	order = st_calloc(img->layer_count ? img->layer_count : 1, sizeof(*order));
	if (order == NULL) {
		free(names);
		return st_error_set(err, STRATA_ENOMEM, "out of memory for %zu layers",
				    img->layer_count);
	}
	for (i = 0; i < img->layer_count; i++)
		order[i] = i;
	/* Largest blob first: on a few cores, the layer that takes longest
	 * to inflate then overlaps the others instead of following them. */
	qsort_r(order, img->layer_count, sizeof(*order), compare_layer_size, img);
	rc = st_walk_layers_ordered(img->layer_count, open_image_layer, img, names, order, v,
				   opts, stats, err);
	free(order);
	free(names);
	/* Layer errors name the layer; in the log of a pipeline that scans
	 * several images, the image is needed too. */
	if (rc < 0 && err != NULL && img->path != NULL &&
	    strncmp(err->msg, img->path, strlen(img->path)) != 0)
		st_error_prefix(err, "%s", img->path);
	return rc;
}
