/* Fuzzes the Amazon Linux updateinfo.xml importer and, with the first input
 * byte odd, the ALAS RSS importer. The rest of the input is the document. */
#include "fuzz_vuln.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	fuzz_import(data + 1, size - 1, (data[0] & 1) ? st_import_alas_rss : st_import_updateinfo);
	return 0;
}
