/* Fuzzes the OVAL importer (criteria resolution, product and release
 * mapping, the hardened XML reader) and, through the rows it stores, the
 * matcher. The input is one OVAL definitions document. */
#include "fuzz_vuln.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_import(data, size, st_import_oval);
	return 0;
}
