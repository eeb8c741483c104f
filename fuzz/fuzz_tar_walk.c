/* Fuzz target for the layer walk: the input is one tar layer, or two
 * layers split at the first FUZZ_LAYER_SEPARATOR, walked with a visitor that
 * captures every file except those whose path starts with 'z', which it
 * summarizes instead. An odd first byte reads the layers on two threads. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "image/walk.h"
#include "fuzz_tar_layers.h"

/* Inputs beyond this size are ignored. */
#define MAX_INPUT (1u << 20)

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
	unsigned sum = 0;

	if (size > MAX_INPUT)
		return 0;
	fuzz_layer_limits(&lim);
	lim.cataloged_total_bytes = 2u << 20;
	lim.summary_bytes = 64;
	lim.scan_threads = size > 0 && (data[0] & 1) ? 2 : 1;
	v.ctx = &sum;

	fuzz_split_layers(&layers, data, size);
	st_walk_layers(layers.count, fuzz_open, &layers, NULL, &v, &opts, stats, &err);
	return 0;
}
