/* Hard links of the layer walk. A tar hard-link entry carries no content:
 * it names an earlier entry of the same layer. When a wanted link names an
 * entry that was not captured, the layer is read again to find that
 * entry. If the entry is itself a hard link, the chain continues with one
 * more pass per link, up to MAX_LINK_PASSES. */
#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>
#include <string.h>

#include "image/walk_internal.h"

/* Maximum extra passes over one layer for chains of hard links. Tar
 * writers usually make each link name the first entry of its inode, which
 * carries the content, so such layers need one extra pass. The bound caps the
 * cost of a crafted chain. */
#define MAX_LINK_PASSES 8

enum found {
	FOUND_NONE,      /* no earlier entry with the target's name */
	FOUND_FILE,
	FOUND_SYMLINK,
	FOUND_LINK,      /* another hard link: follow it in the next pass */
	FOUND_OTHER,     /* a directory, device, FIFO or whiteout marker */
	FOUND_TOO_LARGE, /* over the visitor's size cap */
	FOUND_OUTSIDE,   /* a link whose target cannot be in the layer */
};

/* One wanted hard link awaiting content, with what the current pass found
 * for it. */
struct link_request {
	char *path;       /* the link's path in the view */
	size_t path_len;
	char *target;     /* normalized name of the entry to find */
	uint64_t before;  /* that entry must come before this entry index */
	uint64_t max_bytes;
	int found;        /* enum found */
	char *data;       /* FOUND_FILE content */
	size_t data_len;
	uint64_t size;
	unsigned mode;
	char *next;       /* FOUND_SYMLINK target, FOUND_LINK name */
	uint64_t next_entry; /* FOUND_LINK: index of that link entry */
};

struct link_pass {
	struct st_walk *walk;
	struct link_request *req;
	size_t count;
	size_t cap;
	uint64_t pending_bytes; /* data bytes that requests keep outside the view */
};

static void clear_result(struct link_pass *p, struct link_request *r)
{
	p->pending_bytes -= r->data_len;
	free(r->data);
	free(r->next);
	r->data = NULL;
	r->data_len = 0;
	r->next = NULL;
	r->found = FOUND_NONE;
}

static void free_request(struct link_pass *p, struct link_request *r)
{
	clear_result(p, r);
	free(r->path);
	free(r->target);
	r->path = NULL;
	r->target = NULL;
}

static int add_request(struct st_capture *c, void *ctx)
{
	struct link_pass *p = ctx;
	struct link_request *r;

	if (c->layer != p->walk->layer || c->hardlink == NULL)
		return 0;
	if (p->count == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		struct link_request *grown = st_reallocarray(p->req, cap, sizeof(*grown));

		if (grown == NULL)
			return STRATA_ENOMEM;
		p->req = grown;
		p->cap = cap;
	}
	r = &p->req[p->count];
	memset(r, 0, sizeof(*r));
	r->path = st_strndup(c->path, c->path_len);
	r->target = st_strndup(c->hardlink, strlen(c->hardlink));
	if (r->path == NULL || r->target == NULL) {
		free(r->path);
		free(r->target);
		return STRATA_ENOMEM;
	}
	p->count++;
	r->path_len = c->path_len;
	r->before = c->link_entry;
	r->max_bytes = c->max_bytes;
	return 0;
}

static int by_target(const void *a, const void *b)
{
	const struct link_request *x = a;
	const struct link_request *y = b;

	return strcmp(x->target, y->target);
}

/* Sets *LO and *HI to the range of requests whose target is PATH. */
static void find_range(struct link_pass *p, const char *path, size_t *lo, size_t *hi)
{
	size_t a = 0;
	size_t b = p->count;

	while (a < b) {
		size_t mid = a + (b - a) / 2;

		if (strcmp(p->req[mid].target, path) < 0)
			a = mid + 1;
		else
			b = mid;
	}
	*lo = a;
	while (b < p->count && strcmp(p->req[b].target, path) == 0)
		b++;
	*hi = b;
}

static int kind_of_found(struct archive_entry *e, const char *path)
{
	int kind = st_walk_entry_kind(e);

	if (st_walk_is_whiteout(st_walk_base_name(path)))
		return FOUND_OTHER;
	switch (kind) {
	case ST_KIND_REGULAR:
		return FOUND_FILE;
	case ST_KIND_SYMLINK:
		return FOUND_SYMLINK;
	case ST_KIND_HARDLINK:
		return FOUND_LINK;
	default:
		return FOUND_OTHER;
	}
}

/* Records in R the regular file entry E, whose content is DATA. */
static int found_file(struct link_pass *p, struct link_request *r, struct archive_entry *e,
		      const char *data, uint64_t size, struct strata_error *err)
{
	int rc;

	r->size = size;
	r->mode = (unsigned)archive_entry_mode(e) & 07777u;
	if (size > r->max_bytes) {
		r->found = FOUND_TOO_LARGE;
		return 0;
	}
	rc = st_walk_check_budget(p->walk, size, p->pending_bytes, r->path, err);
	if (rc < 0)
		return rc;
	if (size != 0) {
		r->data = malloc((size_t)size);
		if (r->data == NULL)
			return st_error_set(err, STRATA_ENOMEM, "out of memory for %llu bytes",
					    (unsigned long long)size);
		memcpy(r->data, data, (size_t)size);
	}
	r->data_len = (size_t)size;
	p->pending_bytes += size;
	r->found = FOUND_FILE;
	return 0;
}

/* Records in R the symlink or hard-link entry E found at index INDEX. */
static int found_link(struct link_pass *p, struct link_request *r, struct archive_entry *e,
		      int found, uint64_t index, struct strata_error *err)
{
	struct st_walk *w = p->walk;
	char quoted[ST_WALK_QUOTE_MAX + 8];
	struct strata_error ignored;
	const char *next;
	int rc;

	r->mode = (unsigned)archive_entry_mode(e) & 07777u;
	if (found == FOUND_SYMLINK) {
		next = st_walk_entry_symlink(e);
		if (next == NULL)
			next = "";
		if (strlen(next) > w->limits->path_bytes) {
			st_walk_quote(quoted, sizeof(quoted), w->path.ptr);
			return st_error_set(err, STRATA_ELIMIT,
					    "layer %s: entry '%s': symlink target is longer than the path_bytes limit of %u bytes",
					    w->layer_name, quoted, w->limits->path_bytes);
		}
		r->size = strlen(next);
	} else {
		rc = st_walk_name_set(&w->link, st_walk_entry_hardlink(e), w->limits, &ignored);
		if (rc < 0 || w->link.len == 0) {
			r->found = FOUND_OUTSIDE;
			return 0;
		}
		next = w->link.ptr;
		r->next_entry = index;
	}
	r->next = st_strndup(next, strlen(next));
	if (r->next == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory");
	r->found = found;
	return 0;
}

/* Records entry E, at index INDEX, for each request of [LO, HI) that it
 * can serve: those whose link comes after it. */
static int record_entry(struct link_pass *p, struct st_walk_tar *t, struct archive_entry *e,
			uint64_t index, size_t lo, size_t hi, struct strata_error *err)
{
	struct st_walk *w = p->walk;
	int found = kind_of_found(e, w->path.ptr);
	int64_t size = archive_entry_size(e);
	char *data = NULL;
	bool any = false;
	bool need_data = false;
	size_t i;
	int rc = 0;

	if (size < 0)
		size = 0;
	for (i = lo; i < hi; i++) {
		if (index >= p->req[i].before)
			continue;
		any = true;
		if (found == FOUND_FILE && (uint64_t)size <= p->req[i].max_bytes)
			need_data = true;
	}
	if (!any)
		return 0;
	if (need_data) {
		rc = st_walk_check_budget(w, (uint64_t)size, p->pending_bytes, w->path.ptr,
					  err);
		if (rc < 0)
			return rc;
		rc = st_walk_tar_read_data(t, &data, (uint64_t)size, err);
		if (rc < 0) {
			if (!t->failed)
				st_error_prefix(err, "layer %s: hard link target", w->layer_name);
			return rc;
		}
	}

	for (i = lo; i < hi && rc == 0; i++) {
		struct link_request *r = &p->req[i];

		if (index >= r->before)
			continue;
		/* A later entry of the same name, still before the link,
		 * replaces what an earlier one gave. */
		clear_result(p, r);
		if (found == FOUND_FILE)
			rc = found_file(p, r, e, data, (uint64_t)size, err);
		else if (found == FOUND_SYMLINK || found == FOUND_LINK)
			rc = found_link(p, r, e, found, index, err);
		else
			r->found = found;
	}
	free(data);
	return rc;
}

/* Reads the layer once and records, for each request, the last entry
 * named like its target that comes before the link. */
static int scan_layer(struct link_pass *p, struct strata_error *err)
{
	struct st_walk *w = p->walk;
	struct st_walk_tar t;
	struct archive_entry *e;
	uint64_t index;
	int rc;

	rc = st_walk_tar_open(&t, w->open, w->open_ctx, w->layer, err);
	if (rc < 0) {
		if (t.stream != NULL && !t.failed)
			st_error_prefix(err, "layer %s", w->layer_name);
		goto out;
	}
	for (index = 0;; index++) {
		const char *name;
		size_t lo;
		size_t hi;

		rc = st_walk_tar_next(&t, &e, err);
		if (rc == 0)
			break;
		if (rc < 0) {
			if (!t.failed)
				st_error_prefix(err, "layer %s: tar entry %llu", w->layer_name,
						(unsigned long long)index);
			goto out;
		}
		name = st_walk_entry_name(e);
		if (name == NULL)
			continue;
		rc = st_walk_name_set(&w->path, name, w->limits, err);
		if (rc == STRATA_ECORRUPT) {
			/* Left out by the first pass, which warned about it. */
			strata_error_clear(err);
			continue;
		}
		if (rc < 0) {
			st_error_prefix(err, "layer %s", w->layer_name);
			goto out;
		}
		find_range(p, w->path.ptr, &lo, &hi);
		if (lo == hi)
			continue;
		rc = record_entry(p, &t, e, index, lo, hi, err);
		if (rc < 0)
			goto out;
	}
	rc = st_walk_tar_finish(&t, err);

out:
	st_walk_tar_close(&t);
	return rc;
}

static void drop_link(struct link_pass *p, struct link_request *r, const char *reason)
{
	struct st_walk *w = p->walk;
	char path[ST_WALK_QUOTE_MAX + 8];
	char target[ST_WALK_QUOTE_MAX + 8];

	st_walk_quote(path, sizeof(path), r->path);
	st_walk_quote(target, sizeof(target), r->target);
	st_diag(w->diag, ST_DIAG_WARN, "layer %s: skipping hard link '%s' to '%s': %s",
		w->layer_name, path, target, reason);
	st_view_remove(&w->view, r->path, r->path_len, ST_VIEW_ANY_LAYER);
}

/* Moves the result of R into its capture. */
static void fill_capture(struct link_pass *p, struct link_request *r)
{
	struct st_walk *w = p->walk;
	struct st_capture *c = st_view_find(&w->view, r->path, r->path_len);

	if (c == NULL)
		return;
	free(c->hardlink);
	c->hardlink = NULL;
	c->mode = r->mode;
	c->size = r->size;
	if (r->found == FOUND_SYMLINK) {
		c->type = ST_FILE_SYMLINK;
		c->link_target = r->next;
		r->next = NULL;
		return;
	}
	c->type = ST_FILE_REGULAR;
	c->data = r->data;
	c->data_len = r->data_len;
	w->view.data_bytes += r->data_len;
	p->pending_bytes -= r->data_len;
	r->data = NULL;
	r->data_len = 0;
}

/* Applies the results of a pass. Requests that found another hard link
 * stay, aimed at that link's target, for the next pass. */
static void settle(struct link_pass *p, bool last_pass)
{
	size_t remaining = 0;
	size_t i;

	for (i = 0; i < p->count; i++) {
		struct link_request *r = &p->req[i];

		switch (r->found) {
		case FOUND_FILE:
		case FOUND_SYMLINK:
			fill_capture(p, r);
			break;
		case FOUND_LINK:
			if (last_pass) {
				drop_link(p, r, "chain of hard links too long");
				break;
			}
			free(r->target);
			r->target = r->next;
			r->next = NULL;
			r->before = r->next_entry;
			r->found = FOUND_NONE;
			p->req[remaining++] = *r;
			continue;
		case FOUND_OTHER:
			drop_link(p, r, "target is not a regular file or symlink");
			break;
		case FOUND_TOO_LARGE:
			drop_link(p, r, "target exceeds the size limit for a cataloged file");
			break;
		case FOUND_OUTSIDE:
			drop_link(p, r, "target links outside the layer");
			break;
		default:
			drop_link(p, r, "target is not an earlier entry of the layer");
			break;
		}
		free_request(p, r);
	}
	p->count = remaining;
}

int st_walk_resolve_links(struct st_walk *w, struct strata_error *err)
{
	struct link_pass p;
	unsigned pass;
	size_t i;
	int rc;

	memset(&p, 0, sizeof(p));
	p.walk = w;
	rc = st_view_foreach(&w->view, add_request, &p);
	if (rc < 0) {
		st_error_set(err, rc, "out of memory for hard-link requests");
		goto out;
	}
	for (pass = 0; p.count > 0; pass++) {
		qsort(p.req, p.count, sizeof(*p.req), by_target);
		rc = scan_layer(&p, err);
		if (rc < 0)
			goto out;
		settle(&p, pass + 1 == MAX_LINK_PASSES);
	}
	w->pending_links = 0;

out:
	for (i = 0; i < p.count; i++)
		free_request(&p, &p.req[i]);
	free(p.req);
	return rc;
}
