/* Fuzz target for the layer analysis of `strata layers` (st_layers_scan):
 * the input is one tar layer, or two layers split at the first
 * FUZZ_LAYER_SEPARATOR, and the first bytes up to a NUL also serve as the image
 * config whose history is read. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "image/layers.h"
#include "fuzz_tar_layers.h"

/* Inputs beyond this size are ignored. */
#define MAX_INPUT (1u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_layers layers;
	struct strata_limits lim;
	struct strata_error err;
	struct st_layers l;
	struct st_layers_options opts = {&lim, NULL};
	const char *text = (const char *)data;
	const char *nul;

	if (size > MAX_INPUT)
		return 0;
	fuzz_layer_limits(&lim);
	lim.entries_per_layer = 20000;
	/* No worker threads: the same walk, and faster runs. */
	lim.scan_threads = 1;

	fuzz_split_layers(&layers, data, size);
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
