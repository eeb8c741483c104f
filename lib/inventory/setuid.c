/* The setuid collector: records each regular file of the final image that
 * has the setuid or setgid bit, with its mode and layer, so that reports
 * can list them. It reads no content. It uses the summarize hooks because
 * they are the walk's only selection by mode: the summary is empty. */
#include <stdlib.h>
#include <string.h>

#include "inventory/inventory.h"

#define SETUID_BITS 06000u

struct setuid_state {
	struct st_file_note *notes;
	size_t count;
	size_t cap;
};

/* No file is wanted whole: wants_summary selects by mode. */
static bool setuid_wants(const char *path, size_t len)
{
	(void)path;
	(void)len;
	return false;
}

/* A pure function of its arguments: the walk may call it on any thread.
 * Registered last, this collector summarizes only the setuid files that
 * no other cataloger reads; catalog.c hands it the others at the end. */
static bool setuid_wants_summary(const char *path, size_t len, uint64_t size, unsigned mode)
{
	(void)path;
	(void)len;
	(void)size;
	return (mode & SETUID_BITS) != 0;
}

static int setuid_summarize(const struct st_walk_file *meta, struct st_stream *content,
			    struct st_buf *out, const struct strata_limits *limits,
			    struct st_diag *diag, struct strata_error *err)
{
	(void)meta;
	(void)content;
	(void)out;
	(void)limits;
	(void)diag;
	(void)err;
	return 0;
}

static int setuid_init(void **state, struct strata_error *err)
{
	*state = calloc(1, sizeof(struct setuid_state));
	if (*state == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory");
	return 0;
}

static int setuid_on_final_file(void *state, const struct st_walk_file *f,
				struct st_catalog_ctx *ctx, struct strata_error *err)
{
	struct setuid_state *s = state;
	struct st_file_note *note;

	if (f->type != ST_FILE_REGULAR || (f->mode & SETUID_BITS) == 0)
		return 0;
	if (s->count == s->cap) {
		size_t cap = s->cap == 0 ? 16 : s->cap;
		struct st_file_note *grown;

		if (s->cap != 0 && !st_mul_size(cap, 2, &cap))
			return st_error_set(err, STRATA_ENOMEM, "too many setuid files");
		grown = st_reallocarray(s->notes, cap, sizeof(*grown));
		if (grown == NULL)
			return st_error_set(err, STRATA_ENOMEM, "out of memory for %zu setuid files",
					    cap);
		s->notes = grown;
		s->cap = cap;
	}
	note = &s->notes[s->count];
	note->path = st_arena_strndup(&ctx->inv->arena, f->path, f->path_len);
	if (note->path == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory for %s", f->path);
	note->mode = f->mode;
	note->layer = f->layer;
	s->count++;
	return 0;
}

/* Moves the notes into the inventory's arena. */
static int setuid_finish(void *state, struct st_catalog_ctx *ctx, struct strata_error *err)
{
	struct setuid_state *s = state;
	struct st_file_note *notes;
	size_t bytes;

	if (s->count == 0)
		return 0;
	if (!st_mul_size(s->count, sizeof(*notes), &bytes))
		return st_error_set(err, STRATA_ENOMEM, "too many setuid files");
	notes = st_arena_alloc(&ctx->inv->arena, bytes);
	if (notes == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory for %zu setuid files",
				    s->count);
	memcpy(notes, s->notes, bytes);
	ctx->inv->setuid = notes;
	ctx->inv->setuid_count = s->count;
	return 0;
}

static void setuid_free(void *state)
{
	struct setuid_state *s = state;

	if (s == NULL)
		return;
	free(s->notes);
	free(s);
}

const struct st_cataloger st_cataloger_setuid = {
	.name = "setuid",
	.wants = setuid_wants,
	.init = setuid_init,
	.on_final_file = setuid_on_final_file,
	.finish = setuid_finish,
	.free = setuid_free,
	.wants_summary = setuid_wants_summary,
	.summarize = setuid_summarize,
};
