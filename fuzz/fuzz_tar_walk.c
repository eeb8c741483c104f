/* Fuzz target for the layer walk: the input is one tar layer, or two
 * layers split at the first LAYER_SEPARATOR, walked with a visitor that
 * captures every file except those whose path starts with 'z', which it
 * summarizes instead. An odd first byte reads the layers on two threads. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "image/walk.h"

/* Inputs beyond this size are ignored. */
#define MAX_INPUT (1u << 20)

static const char LAYER_SEPARATOR[] = "\n--strata-next-layer--\n";

struct fuzz_layers {
	const char *data[2];
	size_t len[2];
	size_t count;
};

struct fuzz_stream {
	struct st_stream base;
	const char *data;
	size_t len;
	size_t pos;
};

static ssize_t fuzz_read(struct st_stream *s, void *buf, size_t len, struct strata_error *err)
{
	struct fuzz_stream *f = (struct fuzz_stream *)s;
	size_t n = f->len - f->pos;

	/* Odd-sized reads exercise the reader's buffering. */
	if (n > len)
		n = len;
	if (n > 4093)
		n = 4093;
	memcpy(buf, f->data + f->pos, n);
	f->pos += n;
	return (ssize_t)n;
}

static void fuzz_close(struct st_stream *s)
{
	free(s);
}

static int fuzz_open(void *ctx, size_t index, struct st_stream **out, struct strata_error *err)
{
	struct fuzz_layers *layers = ctx;
	struct fuzz_stream *f;

	if (index >= layers->count)
		return st_error_set(err, STRATA_EINVAL, "no layer %zu", index);
	f = calloc(1, sizeof(*f));
	if (f == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory");
	f->base.read = fuzz_read;
	f->base.close = fuzz_close;
	f->data = layers->data[index];
	f->len = layers->len[index];
	*out = &f->base;
	return 0;
}

static bool wants_all(void *ctx, const char *path, size_t len, uint64_t *max_bytes)
{
	/* Lower the cap for one path shape, to cover the skip. */
	if (len > 0 && path[0] == 's')
		*max_bytes = 16;
	return len == 0 || path[0] != 'z';
}

static bool wants_summary(void *ctx, const char *path, size_t len, uint64_t size,
			  unsigned mode)
{
	return true;
}

/* Reads the content in small pieces and keeps a byte sum of it. A path
 * starting with "ze" stops reading early, to cover the skip of the rest. */
static int summarize(void *ctx, const struct st_walk_file *meta, struct st_stream *content,
		     struct st_buf *out, struct st_diag *diag, struct strata_error *err)
{
	unsigned char chunk[7];
	unsigned sum = 0;
	ssize_t n;
	size_t i;

	while ((n = st_stream_read(content, chunk, sizeof(chunk), err)) > 0) {
		for (i = 0; i < (size_t)n; i++)
			sum += chunk[i];
		if (meta->path_len > 1 && meta->path[1] == 'e')
			break;
	}
	if (n < 0)
		return (int)n;
	return st_buf_append(out, &sum, sizeof(sum), err);
}

/* Reads every byte handed over, so a bad pointer or length shows up. */
static int touch_file(void *ctx, const struct st_walk_file *f, struct strata_error *err)
{
	unsigned *sum = ctx;
	size_t i;

	for (i = 0; i < f->data.len; i++)
		*sum += (unsigned char)f->data.ptr[i];
	for (i = 0; i < f->path_len; i++)
		*sum += (unsigned char)f->path[i];
	if (f->link_target != NULL)
		*sum += (unsigned)strlen(f->link_target);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_layers layers;
	struct strata_limits lim;
	struct strata_error err;
	struct st_walk_layer_stats stats[2];
	struct st_walk_options opts = {&lim, NULL};
	struct st_walk_visitor v = {
		.wants = wants_all,
		.on_layer_file = touch_file,
		.on_final_file = touch_file,
		.wants_summary = wants_summary,
		.summarize = summarize,
	};
	const char *text = (const char *)data;
	const char *sep;
	unsigned sum = 0;

	if (size > MAX_INPUT)
		return 0;
	strata_limits_default(&lim);
	lim.cataloged_file_bytes = 256u << 10;
	lim.cataloged_total_bytes = 2u << 20;
	lim.path_bytes = 1024;
	lim.path_depth = 64;
	lim.summary_bytes = 64;
	lim.scan_threads = size > 0 && (data[0] & 1) ? 2 : 1;
	v.ctx = &sum;

	memset(&layers, 0, sizeof(layers));
	sep = memmem(text, size, LAYER_SEPARATOR, sizeof(LAYER_SEPARATOR) - 1);
	layers.data[0] = text;
	layers.len[0] = sep != NULL ? (size_t)(sep - text) : size;
	layers.count = 1;
	if (sep != NULL) {
		layers.data[1] = sep + sizeof(LAYER_SEPARATOR) - 1;
		layers.len[1] = size - layers.len[0] - (sizeof(LAYER_SEPARATOR) - 1);
		layers.count = 2;
	}
	st_walk_layers(layers.count, fuzz_open, &layers, NULL, &v, &opts, stats, &err);
	return 0;
}
