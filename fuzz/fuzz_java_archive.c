/* Fuzzes the Java archive summarizer and the parsers behind it. The first
 * byte selects the target: 0x01 a manifest and 0x02 a pom.properties, in
 * the rest of the input. Any other first byte (a jar starts with "PK")
 * makes the whole input a jar, read through a stream. Its summary is then
 * turned into packages as the cataloger does. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "inventory/inventory.h"
#include "inventory/java_internal.h"

#define FUZZ_MAX_INPUT (1u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_stream {
	struct st_stream base;
	const uint8_t *data;
	size_t len;
	size_t pos;
};

/* Short reads of at most 4 KiB, so that the reader refills its buffer. */
static ssize_t fuzz_read(struct st_stream *s, void *buf, size_t len, struct strata_error *err)
{
	struct fuzz_stream *f = (struct fuzz_stream *)s;
	size_t n = f->len - f->pos;

	if (n > len)
		n = len;
	if (n > 4096)
		n = 4096;
	memcpy(buf, f->data + f->pos, n);
	f->pos += n;
	return (ssize_t)n;
}

static void fuzz_close(struct st_stream *s)
{
}

static void fuzz_text(uint8_t kind, struct st_slice text)
{
	struct st_arena arena;
	struct strata_error err;

	st_arena_init(&arena);
	if (kind == 1) {
		struct st_java_manifest m;

		st_java_manifest_parse(&m, text, &arena, &err);
	} else {
		struct st_java_pom p;

		st_java_pom_parse(&p, text, &arena, &err);
	}
	st_arena_dispose(&arena);
}

/* Summarizes the jar, then checks and catalogs every summary line. */
static void fuzz_jar(const uint8_t *data, size_t size)
{
	struct fuzz_stream fs = {{fuzz_read, fuzz_close, NULL}, data, size, 0};
	struct strata_limits lim;
	struct strata_error err;
	struct st_walk_file meta;
	struct st_inventory inv;
	struct st_catalog_ctx ctx;
	struct st_diag diag = {NULL, NULL, 0};
	struct st_buf summary;
	int rc;

	strata_limits_default(&lim);
	lim.archive_member_bytes = 4u << 20;
	lim.archive_entries = 10000;
	lim.summary_bytes = 64u << 10;
	lim.cataloged_file_bytes = 1u << 20;
	memset(&meta, 0, sizeof(meta));
	meta.path = "app/fuzz-1.0.war";
	meta.path_len = strlen(meta.path);
	meta.size = size;
	meta.type = ST_FILE_REGULAR;
	st_buf_init(&summary, (size_t)lim.summary_bytes);
	rc = st_java_summarize(&meta, &fs.base, &summary, &lim, &diag, &err);
	if (rc < 0 && rc != STRATA_ENOMEM)
		__builtin_trap();
	if (summary.len > lim.summary_bytes)
		__builtin_trap();

	st_inventory_init(&inv);
	diag.warnings = 0;
	ctx.inv = &inv;
	ctx.diag = &diag;
	ctx.limits = &lim;
	meta.data = st_slice_make(summary.ptr, summary.len);
	meta.summarized = true;
	rc = st_cataloger_java.on_final_file(NULL, &meta, &ctx, &err);
	if (rc == 0 && diag.warnings > 0)
		__builtin_trap(); /* the summarizer wrote a line it cannot read back */
	st_inventory_dispose(&inv);
	st_buf_dispose(&summary);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0 || size > FUZZ_MAX_INPUT)
		return 0;
	if (data[0] == 1 || data[0] == 2) {
		fuzz_text(data[0], st_slice_make((const char *)data + 1, size - 1));
		return 0;
	}
	fuzz_jar(data, size);
	return 0;
}
