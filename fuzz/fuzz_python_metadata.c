/* Fuzzes the Python core metadata (METADATA, PKG-INFO). */
#include "fuzz_lang.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_lang_parser(st_python_parse_metadata, data, size);
}
