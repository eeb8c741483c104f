/* Fuzzes the Wolfi and Chainguard security.json importer and, through the rows it
 * stores, the matcher. The input is one security.json document. */
#include "fuzz_vuln.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_import(data, size, st_import_secfixes);
	return 0;
}
