/* Fuzzes the .NET deps.json parser. */
#include "fuzz_lang.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_lang_parser(st_dotnet_parse_deps, data, size);
}
