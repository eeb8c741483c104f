/* Summaries: a regular file that the visitor does not capture whole can be
 * read as a stream by its summarize() hook, straight from the tar entry,
 * and the walk keeps the summary in place of the content. A summarized
 * file then takes part in shadowing, whiteouts and the visitor's
 * on_layer_file and on_final_file exactly like a captured one, with
 * f->summarized set. */
#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>
#include <string.h>

#include "image/walk_internal.h"

/* The content of one tar entry as a stream. It ends at the entry's end,
 * so a summarizer cannot read into the next entry, and it is valid only
 * during the summarize() call. */
struct entry_stream {
	struct st_stream base;
	struct st_walk_tar *tar;
	uint64_t left;     /* content bytes not yet read */
	uint64_t size;
	bool failed;       /* the layer itself is damaged: ERROR has why */
	struct strata_error error;
};

static ssize_t entry_read(struct st_stream *base, void *buf, size_t len,
			  struct strata_error *err)
{
	struct entry_stream *s = (struct entry_stream *)base;
	ssize_t n;

	if (s->failed) {
		if (err != NULL)
			*err = s->error;
		return s->error.code;
	}
	if (s->left == 0 || len == 0)
		return 0;
	if (len > s->left)
		len = (size_t)s->left;
	n = st_walk_tar_read_some(s->tar, buf, len, &s->error);
	if (n == 0)
		n = st_error_set(&s->error, STRATA_ECORRUPT, "content ends after %llu of %llu bytes",
				 (unsigned long long)(s->size - s->left),
				 (unsigned long long)s->size);
	if (n < 0) {
		s->failed = true;
		if (err != NULL)
			*err = s->error;
		return n;
	}
	s->left -= (uint64_t)n;
	return n;
}

/* The walk owns the entry: closing the stream is a no-op. */
static void entry_close(struct st_stream *base)
{
	(void)base;
}

/* Captures SUMMARY (taken) as the content of W->path. */
static int keep_summary(struct st_walk *w, struct archive_entry *e, struct st_buf *summary,
			uint64_t size, struct strata_error *err)
{
	struct st_capture *c;
	int rc;

	rc = st_walk_check_budget(w, summary->len, 0, w->path.ptr, err);
	if (rc < 0)
		return rc;
	c = st_walk_new_capture(w, e, err);
	if (c == NULL)
		return STRATA_ENOMEM;
	c->type = ST_FILE_REGULAR;
	c->summarized = true;
	c->size = size;
	c->data = summary->ptr;
	c->data_len = summary->len;
	summary->ptr = NULL;
	summary->len = 0;
	summary->cap = 0;
	st_walk_insert(w, c);
	return 0;
}

int st_walk_judge_summary(const struct st_walk_summary_source *src, const char *path, int rc,
			  const struct strata_error *summary_err, const struct st_buf *summary,
			  struct strata_error *err)
{
	char quoted[ST_WALK_QUOTE_MAX + 8];

	st_walk_quote(quoted, sizeof(quoted), path);
	if (rc == STRATA_ENOMEM) {
		if (err != NULL)
			*err = *summary_err;
		return st_error_prefix(err, "%s %s: summarizing '%s'", src->kind, src->name,
				       quoted);
	}
	if (rc == STRATA_ELIMIT) {
		st_diag(src->diag, ST_DIAG_WARN,
			"%s %s: summary of '%s' cut at %zu bytes: over the summary_bytes limit of %llu bytes",
			src->kind, src->name, quoted, summary->len,
			(unsigned long long)src->limits->summary_bytes);
		return 1;
	}
	if (rc < 0) {
		st_diag(src->diag, ST_DIAG_WARN, "%s %s: skipping '%s': cannot summarize it: %s",
			src->kind, src->name, quoted, summary_err->msg);
		return 0;
	}
	return 1;
}

/* Turns what summarize() returned (RC, ERR) into the walk's outcome: the
 * layer's own error stops the walk, and the rest is as in
 * st_walk_judge_summary. Returns 1 to keep the summary, 0 to drop it, or
 * an error. */
static int judge_summary(struct st_walk *w, struct entry_stream *content, int rc,
			 const struct strata_error *summary_err, const struct st_buf *summary,
			 struct strata_error *err)
{
	struct st_walk_summary_source src = {"layer", w->layer_name, w->limits, w->diag};
	char quoted[ST_WALK_QUOTE_MAX + 8];

	if (content->failed) {
		st_walk_quote(quoted, sizeof(quoted), w->path.ptr);
		if (err != NULL)
			*err = content->error;
		if (!content->tar->failed)
			st_error_prefix(err, "layer %s: entry '%s'", w->layer_name, quoted);
		return content->error.code;
	}
	return st_walk_judge_summary(&src, w->path.ptr, rc, summary_err, summary, err);
}

int st_walk_summarize(struct st_walk *w, struct st_walk_tar *t, struct archive_entry *e,
		      struct strata_error *err)
{
	const struct st_walk_visitor *v = w->visitor;
	struct entry_stream content;
	struct st_walk_file meta;
	struct strata_error summary_err;
	struct st_buf summary;
	int64_t size = archive_entry_size(e);
	unsigned mode = (unsigned)archive_entry_mode(e) & 07777u;
	char quoted[ST_WALK_QUOTE_MAX + 8];
	int rc;

	if (size < 0) {
		st_walk_quote(quoted, sizeof(quoted), w->path.ptr);
		return st_error_set(err, STRATA_ECORRUPT, "layer %s: entry '%s': negative size",
				    w->layer_name, quoted);
	}
	if (!v->wants_summary(v->ctx, w->path.ptr, w->path.len, (uint64_t)size, mode))
		return 0;

	memset(&content, 0, sizeof(content));
	content.base.read = entry_read;
	content.base.close = entry_close;
	content.tar = t;
	content.left = (uint64_t)size;
	content.size = (uint64_t)size;
	memset(&meta, 0, sizeof(meta));
	meta.path = w->path.ptr;
	meta.path_len = w->path.len;
	meta.type = ST_FILE_REGULAR;
	meta.data = st_slice_make("", 0);
	meta.size = (uint64_t)size;
	meta.mode = mode;
	meta.layer = w->layer;
	st_buf_init(&summary, (size_t)w->limits->summary_bytes);
	strata_error_clear(&summary_err);

	rc = v->summarize(v->ctx, &meta, &content.base, &summary, w->diag, &summary_err);
	rc = judge_summary(w, &content, rc, &summary_err, &summary, err);
	if (rc == 1)
		rc = keep_summary(w, e, &summary, (uint64_t)size, err);

	/* libarchive skips what the summarizer left unread when the next
	 * header is read. */
	st_buf_dispose(&summary);
	return rc;
}

int st_walk_summarize_link(struct st_walk *w, struct archive_entry *e,
			   struct strata_error *err)
{
	const struct st_walk_visitor *v = w->visitor;
	struct st_capture *target;
	struct st_capture *c;
	struct strata_error ignored;
	int rc;

	/* NOTE: only a link to a file that this layer summarized gets a
	 * summary. A link whose target was not summarized (wants_summary
	 * returned false for its path) would need one more pass over the layer. */
	strata_error_clear(&ignored);
	rc = st_walk_name_set(&w->link, st_walk_entry_hardlink(e), w->limits, &ignored);
	if (rc == STRATA_ENOMEM)
		return st_error_set(err, rc, "%s", ignored.msg);
	if (rc < 0 || w->link.len == 0)
		return 0;
	target = st_view_find(&w->view, w->link.ptr, w->link.len);
	if (target == NULL || !target->summarized || target->layer != w->layer)
		return 0;
	if (!v->wants_summary(v->ctx, w->path.ptr, w->path.len, target->size, target->mode))
		return 0;
	rc = st_walk_check_budget(w, target->data_len, 0, w->path.ptr, err);
	if (rc < 0)
		return rc;
	c = st_walk_new_capture(w, e, err);
	if (c == NULL)
		return STRATA_ENOMEM;
	c->type = ST_FILE_REGULAR;
	c->summarized = true;
	c->size = target->size;
	c->mode = target->mode;
	if (target->data_len != 0) {
		c->data = malloc(target->data_len);
		if (c->data == NULL) {
			st_capture_free(c);
			return st_error_set(err, STRATA_ENOMEM, "out of memory for %zu bytes",
					    target->data_len);
		}
		memcpy(c->data, target->data, target->data_len);
	}
	c->data_len = target->data_len;
	st_walk_insert(w, c);
	return 0;
}
