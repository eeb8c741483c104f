/* Shared by the fuzz targets whose input is tar layers: one layer, or two
 * split at the first FUZZ_LAYER_SEPARATOR, each read as a stream in
 * odd-sized pieces. Include from one target file only. */
#ifndef STRATA_FUZZ_TAR_LAYERS_H
#define STRATA_FUZZ_TAR_LAYERS_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

static const char FUZZ_LAYER_SEPARATOR[] = "\n--strata-next-layer--\n";

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

/* The limits of these targets: the defaults, with smaller caps on files
 * and paths so that runs stay fast. */
static void fuzz_layer_limits(struct strata_limits *lim)
{
	strata_limits_default(lim);
	lim->cataloged_file_bytes = 256u << 10;
	lim->path_bytes = 1024;
	lim->path_depth = 64;
}

/* Splits the input into LAYERS. */
static void fuzz_split_layers(struct fuzz_layers *layers, const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	const char *sep = memmem(text, size, FUZZ_LAYER_SEPARATOR,
				 sizeof(FUZZ_LAYER_SEPARATOR) - 1);

	memset(layers, 0, sizeof(*layers));
	layers->data[0] = text;
	layers->len[0] = sep != NULL ? (size_t)(sep - text) : size;
	layers->count = 1;
	if (sep != NULL) {
		layers->data[1] = sep + sizeof(FUZZ_LAYER_SEPARATOR) - 1;
		layers->len[1] = size - layers->len[0] - (sizeof(FUZZ_LAYER_SEPARATOR) - 1);
		layers->count = 2;
	}
}

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

/* An st_layer_opener over a struct fuzz_layers. */
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

#endif
