/* Fuzz target for the layer analysis of `strata layers` (st_layers_scan):
 * the input is one tar layer, or two layers split at the first
 * LAYER_SEPARATOR, and the first bytes up to a NUL also serve as the image
 * config whose history is read. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "image/layers.h"

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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_layers layers;
	struct strata_limits lim;
	struct strata_error err;
	struct st_layers l;
	struct st_layers_options opts = {&lim, NULL};
	const char *text = (const char *)data;
	const char *sep;
	const char *nul;

	if (size > MAX_INPUT)
		return 0;
	strata_limits_default(&lim);
	lim.cataloged_file_bytes = 256u << 10;
	lim.path_bytes = 1024;
	lim.path_depth = 64;
	lim.entries_per_layer = 20000;
	/* No worker threads: the same walk, and faster runs. */
	lim.scan_threads = 1;

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
	if (st_layers_init(&l, layers.count, &lim, &err) == 0) {
		nul = memchr(text, '\0', size);
		st_layers_read_history(&l, st_slice_make(text, nul ? (size_t)(nul - text) : size),
				       "config", &opts, &err);
		if (st_layers_scan(&l, fuzz_open, &layers, NULL, &opts, &err) == 0)
			st_layers_finish(&l);
	}
	st_layers_dispose(&l);
	return 0;
}
