/* Fuzz target for opening an image tar. The input is written to a memory
 * file and opened by its /proc path, so that the form is detected
 * (docker-archive or oci-archive) and manifest.json or index.json, the
 * manifest and the config are read through the store. Every layer is then
 * read to the end with its digests checked: for inputs of odd length
 * through the layer pipeline (every compressed layer, borrowed), else in
 * line. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "image/image.h"
#include "image/image_int.h"

/* The seeds are 10-40 KiB tars; larger inputs only add members. */
#define MAX_INPUT (1024 * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void drain(struct st_image *img)
{
	static char buf[64 * 1024];
	struct strata_error err;
	size_t i;

	for (i = 0; i < img->layer_count; i++) {
		struct st_stream *s = NULL;

		const void *lent;

		if (st_image_open_layer(img, i, &s, &err) < 0)
			continue;
		if (s->borrow != NULL) {
			while (s->borrow(s, &lent, &err) > 0)
				;
		} else {
			while (st_stream_read(s, buf, sizeof(buf), &err) > 0)
				;
		}
		st_stream_close(s);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strata_limits lim;
	struct strata_error err;
	struct st_image_options opts = {.limits = &lim};
	struct st_image *img = NULL;
	char ref[64];
	int fd;

	if (size > MAX_INPUT)
		return 0;
	strata_limits_default(&lim);
	st_layer_set_hash_thread_min(size % 2 != 0 ? 0 : 16u << 20);
	lim.layers = 16;
	lim.layer_bytes = 16u << 20;
	fd = memfd_create("fuzz-image", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) == (ssize_t)size) {
		snprintf(ref, sizeof(ref), "/proc/self/fd/%d", fd);
		if (st_image_open(&img, ref, &opts, &err) == 0)
			drain(img);
		st_image_free(img);
	}
	close(fd);
	return 0;
}
