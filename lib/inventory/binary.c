/* The executables cataloger: Go modules from Go build information, Rust
 * crates from cargo-auditable's section, and the versions of well-known
 * programs recognized by the classifier. Each executable is read once as
 * a stream by st_bin_summarize (see binary.h), and on_final_file turns
 * the summary into packages. Classifier results wait for finish, which
 * drops those whose file an OS package owns. */
#include <stdlib.h>
#include <string.h>

#include "inventory/binary.h"

#define FOUND_BY "binary"

/* Summaries ---------------------------------------------------------------- */

static bool is_field_text(struct st_slice s)
{
	size_t i;

	if (s.len == 0 || s.len > ST_BIN_MAX_FIELD)
		return false;
	for (i = 0; i < s.len; i++) {
		unsigned char c = (unsigned char)s.ptr[i];

		if (c < 0x20 || c == 0x7f)
			return false;
	}
	return true;
}

int st_bin_record(struct st_buf *out, const struct st_slice *fields, size_t count,
		  struct strata_error *err)
{
	size_t total = 0;
	size_t i;
	int rc;

	for (i = 0; i < count; i++) {
		if (!is_field_text(fields[i]))
			return st_error_set(err, STRATA_ECORRUPT, "invalid summary field");
		total += fields[i].len + 1; /* bounded: count fields of at most 512 bytes */
	}
	if (total > out->max || out->len > out->max - total)
		return st_error_set(err, STRATA_ELIMIT, "summary over %zu bytes", out->max);
	for (i = 0; i < count; i++) {
		rc = st_buf_append(out, fields[i].ptr, fields[i].len, err);
		if (rc == 0)
			rc = st_buf_putc(out, i + 1 < count ? '\t' : '\n', err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int st_bin_record_next(struct st_slice *rest, struct st_slice *fields, size_t max)
{
	struct st_slice line;
	size_t n = 0;

	if (rest->len == 0)
		return 0;
	st_slice_split(rest, '\n', &line);
	while (line.len > 0) {
		if (n == max)
			return -1;
		st_slice_split(&line, '\t', &fields[n++]);
	}
	return (int)n;
}

/* Reads up to LEN bytes, fewer only at the end of the stream. */
static ssize_t read_chunk(struct st_stream *s, unsigned char *buf, size_t len,
			  struct strata_error *err)
{
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		n = st_stream_read(s, buf + got, len - got, err);
		if (n < 0)
			return n;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/* Reads the ELF headers from the first window and starts the detectors
 * that depend on them. */
static void scan_first_window(struct st_bin_scan *scan, const struct st_bin_window *w)
{
	struct strata_error why;
	int rc;

	strata_error_clear(&why);
	rc = st_bin_elf_parse(&scan->elf, w->data, w->len, scan->size, &why);
	if (rc == STRATA_ECORRUPT)
		st_diag(scan->diag, ST_DIAG_WARN, "%.*s: damaged ELF headers: %s",
			(int)scan->path_len, scan->path, why.msg);
	st_bin_rust_start(scan);
}

static int scan_window(struct st_bin_scan *scan, const struct st_bin_window *w,
		       struct strata_error *err)
{
	int rc;

	rc = st_bin_go_feed(scan, w, err);
	if (rc == 0)
		rc = st_bin_rust_feed(scan, w, err);
	if (rc == 0)
		st_bin_classify_feed(scan, w);
	return rc;
}

/* Streams the file through the detectors, ST_BIN_CHUNK bytes at a time.
 * BUF has room for ST_BIN_CHUNK + ST_BIN_LOOKAHEAD bytes. */
static int scan_stream(struct st_bin_scan *scan, struct st_stream *content,
		       unsigned char *buf, struct strata_error *err)
{
	struct st_bin_window w;
	size_t keep = 0;
	uint64_t off = 0;
	uint64_t searched = 0; /* positions before this were searched */
	bool first = true;
	ssize_t n;
	int rc;

	do {
		n = read_chunk(content, buf + keep, ST_BIN_CHUNK, err);
		if (n < 0)
			return (int)n;
		w.data = buf;
		w.len = keep + (size_t)n;
		w.off = off;
		w.eof = (size_t)n < ST_BIN_CHUNK;
		w.from = (size_t)(searched - off);
		w.to = w.len;
		if (!w.eof)
			w.to = w.len > ST_BIN_LOOKAHEAD ? w.len - ST_BIN_LOOKAHEAD : 0;
		if (w.to < w.from)
			w.to = w.from;
		if (first)
			scan_first_window(scan, &w);
		first = false;
		rc = scan_window(scan, &w, err);
		if (rc < 0)
			return rc;
		searched = off + w.to;
		keep = w.len - w.to;
		memmove(buf, buf + w.to, keep);
		off += w.to;
	} while (!w.eof);
	return 0;
}

/* Appends the detectors' records: Go first, and the classifier's only
 * for files without Go build information. */
static int scan_finish(struct st_bin_scan *scan, struct st_buf *out, struct strata_error *err)
{
	int rc;

	rc = st_bin_go_finish(scan, out, err);
	if (rc == 0)
		rc = st_bin_rust_finish(scan, out, err);
	if (rc == 0 && !scan->go.found)
		rc = st_bin_classify_finish(scan, out, err);
	return rc;
}

int st_bin_summarize(const struct st_walk_file *meta, struct st_stream *content,
		     struct st_buf *out, const struct strata_limits *limits,
		     struct st_diag *diag, struct strata_error *err)
{
	struct st_bin_scan scan;
	unsigned char *buf;
	int rc;

	if (meta->size > limits->binary_bytes) {
		st_diag(diag, ST_DIAG_WARN,
			"%.*s: not scanned for build information: %llu bytes, over the binary_bytes limit of %llu",
			(int)meta->path_len, meta->path, (unsigned long long)meta->size,
			(unsigned long long)limits->binary_bytes);
		return 0;
	}
	buf = malloc(ST_BIN_CHUNK + ST_BIN_LOOKAHEAD);
	if (buf == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory reading %.*s",
				    (int)meta->path_len, meta->path);
	memset(&scan, 0, sizeof(scan));
	scan.path = meta->path;
	scan.path_len = meta->path_len;
	scan.size = meta->size;
	scan.limits = limits;
	scan.diag = diag;
	st_bin_go_init(&scan.go);
	st_bin_classify_start(&scan);

	rc = scan_stream(&scan, content, buf, err);
	if (rc == 0)
		rc = scan_finish(&scan, out, err);

	free(buf);
	st_bin_go_dispose(&scan.go);
	st_bin_rust_dispose(&scan.rust);
	return rc;
}

/* The cataloger ---------------------------------------------------------------- */

/* A classifier result, kept until finish can look up the file owners. */
struct class_result {
	const char *path;
	size_t path_len;
	size_t layer;
	const struct st_bin_product *product;
	const char *version;
};

struct binary_state {
	struct st_arena arena;
	struct class_result *results;
	size_t count;
	size_t cap;
};

/* Whether the last component of PATH is NAME.so or NAME.so.N[.N...],
 * or ends in .exe or .dll. */
static bool is_library_or_exe_name(const char *path, size_t len)
{
	const char *base = memrchr(path, '/', len);
	struct st_slice b;
	const char *so;
	size_t i;

	base = base != NULL ? base + 1 : path;
	b = st_slice_make(base, len - (size_t)(base - path));
	if ((b.len > 4 && (memcmp(b.ptr + b.len - 4, ".exe", 4) == 0 ||
			   memcmp(b.ptr + b.len - 4, ".dll", 4) == 0)))
		return true;
	so = memmem(b.ptr, b.len, ".so", 3);
	while (so != NULL) {
		const char *rest = so + 3;
		size_t left = b.len - (size_t)(rest - b.ptr);

		for (i = 0; i < left; i++) {
			if (rest[i] != '.' && (rest[i] < '0' || rest[i] > '9'))
				break;
		}
		if (so > b.ptr && i == left && (left == 0 || rest[0] == '.'))
			return true;
		so = memmem(rest, left, ".so", 3);
	}
	return false;
}

static bool binary_wants(const char *path, size_t len)
{
	return false;
}

/* A pure function of its arguments: it may run on the walk's threads. */
static bool binary_wants_summary(const char *path, size_t len, uint64_t size, unsigned mode)
{
	if (size < ST_BIN_MIN_BYTES)
		return false;
	return (mode & 0111u) != 0 || is_library_or_exe_name(path, len);
}

static int binary_summarize(const struct st_walk_file *meta, struct st_stream *content,
			    struct st_buf *out, const struct strata_limits *limits,
			    struct st_diag *diag, struct strata_error *err)
{
	return st_bin_summarize(meta, content, out, limits, diag, err);
}

static char *dup_slice(struct st_arena *a, struct st_slice s)
{
	return st_arena_strndup(a, s.ptr, s.len);
}

/* The package of a Go module: pkg:golang/NAMESPACE/NAME@VERSION, with
 * the module path split at its last '/'. */
static int add_go_module(const struct st_walk_file *f, struct st_slice *fields, int n,
			 struct st_catalog_ctx *ctx, struct st_arena *scratch,
			 struct strata_error *err)
{
	struct st_package pkg;
	const char *slash;
	char *ns = NULL;
	char *name;

	memset(&pkg, 0, sizeof(pkg));
	pkg.type = "golang";
	pkg.name = dup_slice(scratch, fields[1]);
	pkg.version = dup_slice(scratch, fields[2]);
	if (n == 5) {
		pkg.source_name = dup_slice(scratch, fields[3]);
		pkg.source_version = dup_slice(scratch, fields[4]);
	}
	slash = memrchr(fields[1].ptr, '/', fields[1].len);
	if (slash != NULL)
		ns = st_arena_strndup(scratch, fields[1].ptr, (size_t)(slash - fields[1].ptr));
	name = slash != NULL ? st_arena_strndup(scratch, slash + 1,
						fields[1].len - (size_t)(slash + 1 - fields[1].ptr))
			     : dup_slice(scratch, fields[1]);
	pkg.path = st_arena_strndup(scratch, f->path, f->path_len);
	if (pkg.name == NULL || pkg.version == NULL || pkg.path == NULL || name == NULL ||
	    (slash != NULL && ns == NULL) ||
	    (n == 5 && (pkg.source_name == NULL || pkg.source_version == NULL)))
		return st_error_set(err, STRATA_ENOMEM, "out of memory");
	pkg.purl = st_purl_build(scratch, "golang", ns, name, pkg.version, NULL, 0);
	if (pkg.purl == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory");
	if (strcmp(pkg.version, "(devel)") == 0)
		pkg.flags |= ST_PKG_UNVERSIONED;
	pkg.layer = f->layer;
	pkg.found_by = FOUND_BY;
	return st_inventory_add(ctx->inv, &pkg, err);
}

/* The Go standard library: "go1.22.1" (or "go1.22.1 X:boringcrypto") is
 * stdlib 1.22.1. A development toolchain's version is kept as it is and
 * flagged. */
static int add_go_stdlib(const struct st_walk_file *f, struct st_slice version,
			 struct st_catalog_ctx *ctx, struct st_arena *scratch,
			 struct strata_error *err)
{
	struct st_package pkg;
	struct st_slice v = version;
	struct st_slice rest;

	memset(&pkg, 0, sizeof(pkg));
	if (v.len > 2 && st_slice_starts_with(v, "go") && v.ptr[2] >= '0' && v.ptr[2] <= '9') {
		v = st_slice_make(v.ptr + 2, v.len - 2);
		rest = v;
		st_slice_split(&rest, ' ', &v);
	} else {
		pkg.flags |= ST_PKG_UNVERSIONED;
	}
	pkg.type = "golang";
	pkg.name = "stdlib";
	pkg.version = dup_slice(scratch, v);
	pkg.path = st_arena_strndup(scratch, f->path, f->path_len);
	if (pkg.version == NULL || pkg.path == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory");
	pkg.purl = st_purl_build(scratch, "golang", NULL, "stdlib", pkg.version, NULL, 0);
	if (pkg.purl == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory");
	pkg.layer = f->layer;
	pkg.found_by = FOUND_BY;
	return st_inventory_add(ctx->inv, &pkg, err);
}

static int add_crate(const struct st_walk_file *f, struct st_slice *fields,
		     struct st_catalog_ctx *ctx, struct st_arena *scratch,
		     struct strata_error *err)
{
	struct st_package pkg;

	memset(&pkg, 0, sizeof(pkg));
	pkg.type = "cargo";
	pkg.name = dup_slice(scratch, fields[1]);
	pkg.version = dup_slice(scratch, fields[2]);
	pkg.path = st_arena_strndup(scratch, f->path, f->path_len);
	if (pkg.name == NULL || pkg.version == NULL || pkg.path == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory");
	pkg.purl = st_purl_build(scratch, "cargo", NULL, pkg.name, pkg.version, NULL, 0);
	if (pkg.purl == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory");
	if (st_slice_eq_cstr(fields[3], "build"))
		pkg.flags |= ST_PKG_DEV;
	pkg.layer = f->layer;
	pkg.found_by = FOUND_BY;
	return st_inventory_add(ctx->inv, &pkg, err);
}

static int hold_class_result(struct binary_state *st, const struct st_walk_file *f,
			     struct st_slice *fields, struct st_catalog_ctx *ctx,
			     struct strata_error *err)
{
	const struct st_bin_product *product = st_bin_product_find(fields[1]);
	struct class_result *r;
	void *grown;

	if (product == NULL) {
		st_diag(ctx->diag, ST_DIAG_WARN, "%.*s: unknown classifier rule in the summary",
			(int)f->path_len, f->path);
		return 0;
	}
	if (st->count == st->cap) {
		size_t cap = st->cap ? st->cap * 2 : 16;

		grown = st_reallocarray(st->results, cap, sizeof(*st->results));
		if (grown == NULL)
			return st_error_set(err, STRATA_ENOMEM, "out of memory");
		st->results = grown;
		st->cap = cap;
	}
	r = &st->results[st->count];
	r->path = st_arena_strndup(&st->arena, f->path, f->path_len);
	r->path_len = f->path_len;
	r->layer = f->layer;
	r->product = product;
	r->version = dup_slice(&st->arena, fields[2]);
	if (r->path == NULL || r->version == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory");
	st->count++;
	return 0;
}

/* Turns one summary record into a package (or a held classifier result).
 * Returns 0, 1 for a malformed record, or a fatal error. */
static int take_record(struct binary_state *st, const struct st_walk_file *f,
		       struct st_slice *fields, int n, struct st_catalog_ctx *ctx,
		       struct st_arena *scratch, struct strata_error *err)
{
	if (n == 2 && st_slice_eq_cstr(fields[0], "go-version"))
		return add_go_stdlib(f, fields[1], ctx, scratch, err);
	if ((n == 3 || n == 5) &&
	    (st_slice_eq_cstr(fields[0], "go-main") || st_slice_eq_cstr(fields[0], "go-dep")))
		return add_go_module(f, fields, n, ctx, scratch, err);
	if (n == 5 && st_slice_eq_cstr(fields[0], "cargo"))
		return add_crate(f, fields, ctx, scratch, err);
	if (n == 3 && st_slice_eq_cstr(fields[0], "class"))
		return hold_class_result(st, f, fields, ctx, err);
	return 1;
}

static int binary_on_final_file(void *state, const struct st_walk_file *f,
				struct st_catalog_ctx *ctx, struct strata_error *err)
{
	struct st_slice rest = f->data;
	struct st_slice fields[6];
	struct st_arena scratch;
	int rc = 0;
	int n;

	if (f->type != ST_FILE_REGULAR || !f->summarized)
		return 0;
	st_arena_init(&scratch);
	while (rc >= 0) {
		n = st_bin_record_next(&rest, fields, ST_ARRAY_LEN(fields));
		if (n == 0)
			break;
		rc = n < 0 ? 1 : take_record(state, f, fields, n, ctx, &scratch, err);
		if (rc == 1) {
			st_diag(ctx->diag, ST_DIAG_WARN, "%.*s: malformed binary summary record, skipped",
				(int)f->path_len, f->path);
			rc = 0;
		}
	}
	st_arena_dispose(&scratch);
	return rc;
}

static int add_class_result(const struct class_result *r, struct st_catalog_ctx *ctx,
			    struct st_arena *scratch, struct strata_error *err)
{
	struct st_package pkg;

	memset(&pkg, 0, sizeof(pkg));
	pkg.type = r->product->purl_type;
	pkg.name = r->product->purl_name;
	pkg.version = r->version;
	pkg.path = r->path;
	pkg.purl = st_purl_build(scratch, pkg.type, NULL, pkg.name, pkg.version, NULL, 0);
	if (pkg.purl == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory");
	pkg.layer = r->layer;
	pkg.found_by = FOUND_BY;
	return st_inventory_add(ctx->inv, &pkg, err);
}

/* Reports each classifier result whose file no OS package owns: an
 * owned file is matched through its OS package instead. The OS
 * catalogers record the owners by their own finish, which runs first. */
static int binary_finish(void *state, struct st_catalog_ctx *ctx, struct strata_error *err)
{
	struct binary_state *st = state;
	struct st_arena scratch;
	const char *owner;
	size_t i;
	int rc = 0;

	st_arena_init(&scratch);
	for (i = 0; i < st->count && rc == 0; i++) {
		const struct class_result *r = &st->results[i];

		owner = st_inventory_file_owner(ctx->inv, r->path, r->path_len);
		if (owner != NULL) {
			st_diag(ctx->diag, ST_DIAG_DEBUG, "%s: %s %s not reported: owned by %s",
				r->path, r->product->name, r->version, owner);
			continue;
		}
		rc = add_class_result(r, ctx, &scratch, err);
	}
	st_arena_dispose(&scratch);
	return rc;
}

static int binary_init(void **state, struct strata_error *err)
{
	struct binary_state *st = calloc(1, sizeof(*st));

	if (st == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory");
	st_arena_init(&st->arena);
	*state = st;
	return 0;
}

static void binary_free(void *state)
{
	struct binary_state *st = state;

	if (st == NULL)
		return;
	st_arena_dispose(&st->arena);
	free(st->results);
	free(st);
}

const struct st_cataloger st_cataloger_binary = {
	.name = "binary",
	.wants = binary_wants,
	.init = binary_init,
	.on_final_file = binary_on_final_file,
	.finish = binary_finish,
	.free = binary_free,
	.wants_summary = binary_wants_summary,
	.summarize = binary_summarize,
};
