/* Fuzzes the Photon OS CVE file importer and, through the rows it
 * stores, the matcher. The input is one cve_data_photonX.Y.json array. */
#include "fuzz_vuln.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_import(data, size, st_import_photon);
	return 0;
}
