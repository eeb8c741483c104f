/* Fuzz target for the catalog step over tar layers (st_catalog_layers):
 * every cataloger, the resolution of symbolic links above the package
 * databases and the later walks that it may start. The input is one tar
 * layer, or two split at the first FUZZ_LAYER_SEPARATOR. The first byte
 * picks one or two threads and whether removed packages are listed. Traps
 * on a package without a type, name or layer inside the image. */
#include <stdint.h>
#include <string.h>

#include "inventory/inventory.h"
#include "fuzz_tar_layers.h"

/* Inputs beyond this size are ignored. */
#define MAX_INPUT (1u << 20)

static void count_message(void *ctx, int level, const char *msg)
{
	size_t *bytes = ctx;

	*bytes += strlen(msg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_layers layers;
	struct strata_limits lim;
	struct strata_error err;
	struct st_inventory inv;
	struct st_walk_options opts;
	size_t message_bytes = 0;
	struct st_diag diag = {count_message, &message_bytes, 0};
	size_t i;

	if (size > MAX_INPUT)
		return 0;
	fuzz_layer_limits(&lim);
	lim.cataloged_total_bytes = 2u << 20;
	lim.summary_bytes = 4096;
	lim.entries_per_layer = 20000;
	lim.scan_threads = size > 0 && (data[0] & 1) ? 2 : 1;
	opts.limits = &lim;
	opts.diag = &diag;

	fuzz_split_layers(&layers, data, size);
	st_inventory_init(&inv);
	inv.list_removed = size > 0 && (data[0] & 2);
	strata_error_clear(&err);
	if (st_catalog_layers(layers.count, fuzz_open, &layers, NULL, &inv, &opts, NULL, &err) ==
	    0) {
		for (i = 0; i < inv.count; i++) {
			const struct st_package *p = &inv.packages[i];

			if (p->type == NULL || p->name == NULL || p->layer >= layers.count)
				__builtin_trap();
		}
	}
	st_inventory_dispose(&inv);
	return 0;
}
