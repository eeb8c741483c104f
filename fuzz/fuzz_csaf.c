/* Fuzzes the Red Hat CSAF advisory and VEX importer and, through the rows it
 * stores, the matcher. The input is one CSAF JSON document. */
#include "fuzz_vuln.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_import(data, size, st_import_csaf);
	return 0;
}
