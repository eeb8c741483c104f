/* Fuzzes the YAML form of OSV records: the libyaml-to-JSON conversion
 * with its alias, depth and node limits, then the OSV importer and the
 * matcher on what it stored. The input is one YAML document. */
#include "fuzz_vuln.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_import(data, size, st_import_osv_yaml);
	return 0;
}
