/* Fuzzes the Debian DSA/DLA list importer and, through the rows it
 * stores, the matcher. The input is a DSA/list or DLA/list text file. */
#include "fuzz_vuln.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_import(data, size, st_import_dsa);
	return 0;
}
