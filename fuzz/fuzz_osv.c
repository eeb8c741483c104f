/* Fuzzes the OSV record importer and, through the records it stores, the
 * range evaluation of the matcher. The input is one OSV JSON record. */
#include "fuzz_vuln.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_import(data, size, st_import_osv);
	return 0;
}
