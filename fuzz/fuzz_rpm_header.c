/* Fuzzes the rpm header blob parser: the input is one header as the rpm
 * database stores it. A header that parses must have every field it
 * reports inside the input and NUL-terminated there, and a file list that
 * walks exactly file_count files. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "inventory/rpm_internal.h"

#define FUZZ_MAX_INPUT (256u * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct bounds {
	const char *start;
	size_t size;
	size_t files;
};

static void check_inside(const struct bounds *b, struct st_slice s, bool terminated)
{
	if (s.len == 0)
		return;
	if (s.ptr < b->start || s.ptr + s.len > b->start + b->size)
		abort();
	if (terminated && (s.ptr + s.len == b->start + b->size || s.ptr[s.len] != '\0'))
		abort();
}

static int count_file(void *ctx, struct st_slice dir, struct st_slice base)
{
	struct bounds *b = ctx;

	check_inside(b, dir, true);
	check_inside(b, base, true);
	b->files++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bounds b = {(const char *)data, size, 0};
	struct st_rpm_header h;
	struct strata_error err;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	if (st_rpm_header_parse(&h, st_slice_make((const char *)data, size), &err) < 0) {
		if (strchr(err.msg, '\n') != NULL)
			abort();
		return 0;
	}
	check_inside(&b, h.name, true);
	check_inside(&b, h.version, true);
	check_inside(&b, h.release, true);
	check_inside(&b, h.arch, true);
	check_inside(&b, h.sourcerpm, true);
	check_inside(&b, h.license, true);
	check_inside(&b, h.vendor, true);
	check_inside(&b, h.modularity_label, true);
	if (!h.files_valid && h.file_count != 0)
		abort();
	if (st_rpm_header_each_file(&h, count_file, &b, &err) == 0 && b.files != h.file_count)
		abort();
	return 0;
}
