/* Fuzzes the Debian security tracker importer (its streaming walk of the
 * top-level object included) and the status matching of what it stores.
 * The input is one tracker JSON document. */
#include "fuzz_vuln.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_import(data, size, st_import_debian);
	return 0;
}
