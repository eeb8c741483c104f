/* Fuzzes the NuGet packages.config reader. */
#include "fuzz_lang.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_lang_parser(st_nuget_parse_packages_config, data, size);
}
