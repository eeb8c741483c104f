/* Fuzzes the executables cataloger. The first byte selects the file
 * name (and so the classifier rules) from NAMES, or with its high bit
 * set makes the rest of the input a Cargo.lock. The second byte sets the
 * size of each stream read (1 to 256 bytes, or 64 KiB for 0), so that
 * patterns fall across read borders. The rest is the file, summarized
 * with st_bin_summarize; the summary is then turned into packages as the
 * cataloger does. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "inventory/binary.h"
#include "inventory/inventory.h"

#define FUZZ_MAX_INPUT (1u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const names[] = {
	"usr/bin/app",         "usr/bin/python3.11", "usr/sbin/nginx", "usr/bin/perl",
	"lib/ld-musl-x86_64.so.1", "usr/lib/libcrypto.so.3", "usr/sbin/haproxy", "bin/bash",
};

struct fuzz_stream {
	struct st_stream base;
	const uint8_t *data;
	size_t len;
	size_t pos;
	size_t piece;
};

static ssize_t fuzz_read(struct st_stream *s, void *buf, size_t len, struct strata_error *err)
{
	struct fuzz_stream *f = (struct fuzz_stream *)s;
	size_t n = f->len - f->pos;

	if (n > len)
		n = len;
	if (n > f->piece)
		n = f->piece;
	memcpy(buf, f->data + f->pos, n);
	f->pos += n;
	return (ssize_t)n;
}

static void fuzz_close(struct st_stream *s)
{
}

/* Hands the summary (or Cargo.lock text) in F to CATALOGER's callbacks. */
static void fuzz_catalog(const struct st_cataloger *cataloger, const struct st_walk_file *f,
			 const struct strata_limits *lim)
{
	struct st_inventory inv;
	struct st_diag diag = {0};
	struct st_catalog_ctx ctx = {&inv, &diag, lim};
	struct strata_error err;
	void *state = NULL;

	st_inventory_init(&inv);
	if (cataloger->init(&state, &err) == 0) {
		cataloger->on_final_file(state, f, &ctx, &err);
		cataloger->finish(state, &ctx, &err);
		cataloger->free(state);
	}
	st_inventory_dispose(&inv);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strata_limits lim;
	struct st_diag diag = {0};
	struct strata_error err;
	struct fuzz_stream s;
	struct st_walk_file f;
	struct st_buf out;
	const char *name;

	if (size < 2 || size > FUZZ_MAX_INPUT)
		return 0;
	strata_limits_default(&lim);
	memset(&f, 0, sizeof(f));
	f.type = ST_FILE_REGULAR;
	if (data[0] & 0x80) {
		f.path = "src/Cargo.lock";
		f.path_len = strlen(f.path);
		f.data = st_slice_make((const char *)data + 2, size - 2);
		fuzz_catalog(&st_cataloger_cargo_lock, &f, &lim);
		return 0;
	}

	name = names[data[0] % (sizeof(names) / sizeof(names[0]))];
	memset(&s, 0, sizeof(s));
	s.base.read = fuzz_read;
	s.base.close = fuzz_close;
	s.data = data + 2;
	s.len = size - 2;
	s.piece = data[1] == 0 ? 65536 : data[1];
	f.path = name;
	f.path_len = strlen(name);
	f.size = s.len;
	f.mode = 0755;
	f.data = st_slice_make("", 0);
	st_buf_init(&out, 64u << 10);
	if (st_bin_summarize(&f, &s.base, &out, &lim, &diag, &err) != STRATA_ENOMEM) {
		f.summarized = true;
		f.data = st_slice_make(out.ptr != NULL ? out.ptr : "", out.len);
		fuzz_catalog(&st_cataloger_binary, &f, &lim);
	}
	st_buf_dispose(&out);
	return 0;
}
