/* Rust crates: the dependency list that cargo-auditable embeds in an ELF
 * section named ".dep-v0" (zlib-compressed JSON:
 * {"packages":[{"name","version","source","kind","dependencies","root"}]}),
 * and Cargo.lock files shipped with a crate's sources.
 *
 * Sections that are not loaded sit after the loadable segments, and the
 * section header table sits at the end of the file. So the scan keeps
 * the bytes from the end of the last PT_LOAD segment to the end of the
 * file (at most ST_BIN_TAIL_MAX) and reads the sections from them once
 * the stream ends.
 *
 * NOTE: only ELF is read. cargo-auditable also writes its section into
 * PE and Mach-O files, which are not checked. The section reader was
 * tested on crafted ELF files only: no cargo-auditable binary was
 * available. */
/* next_in of z_stream is then a pointer to const. */
#define ZLIB_CONST
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "inventory/binary.h"
#include "inventory/lang.h"

#define DEP_SECTION ".dep-v0"
#define SHN_XINDEX 0xffffu

void st_bin_rust_start(struct st_bin_scan *scan)
{
	const struct st_bin_elf *elf = &scan->elf;
	uint64_t tail;

	st_buf_init(&scan->rust.tail.buf, 0);
	/* Go's linker writes the section headers near the start, among the
	 * loaded bytes: such a file has no section to find in its tail. */
	if (!elf->valid || elf->shoff == 0 || elf->shnum == 0 || elf->load_end >= scan->size ||
	    elf->shoff < elf->load_end)
		return;
	tail = scan->size - elf->load_end;
	if (tail > ST_BIN_TAIL_MAX) {
		st_diag(scan->diag, ST_DIAG_DEBUG,
			"%.*s: not checked for a cargo-auditable section: %llu bytes follow the loadable segments",
			(int)scan->path_len, scan->path, (unsigned long long)tail);
		return;
	}
	scan->rust.wanted = true;
	st_bin_capture_begin(&scan->rust.tail, elf->load_end, (size_t)tail);
}

void st_bin_rust_dispose(struct st_bin_rust *rust)
{
	st_bin_capture_dispose(&rust->tail);
}

int st_bin_rust_feed(struct st_bin_scan *scan, const struct st_bin_window *w,
		     struct strata_error *err)
{
	if (!scan->rust.wanted)
		return 0;
	return st_bin_capture_feed(&scan->rust.tail, w->data, w->len, w->off, err);
}

/* One section header. */
struct section {
	uint32_t name;
	uint64_t offset;
	uint64_t size;
};

/* Reads section header I from the tail; false when it lies outside. */
static bool read_section(const struct st_bin_scan *scan, uint32_t i, struct section *s)
{
	const struct st_bin_elf *elf = &scan->elf;
	const struct st_buf *tail = &scan->rust.tail.buf;
	uint64_t base = elf->load_end;
	size_t need = elf->is64 ? 64 : 40;
	uint64_t at;
	const unsigned char *p;
	bool be = elf->big_endian;

	if (elf->shentsize < need || elf->shoff < base)
		return false;
	at = elf->shoff - base;
	/* shentsize and i are 16-bit: the product cannot overflow. */
	if (at > tail->len || (uint64_t)i * elf->shentsize > tail->len - at ||
	    need > tail->len - at - (uint64_t)i * elf->shentsize)
		return false;
	p = (const unsigned char *)tail->ptr + at + (uint64_t)i * elf->shentsize;
	s->name = (uint32_t)st_bin_read_uint(p, 4, be);
	if (elf->is64) {
		s->offset = st_bin_read_uint(p + 24, 8, be);
		s->size = st_bin_read_uint(p + 32, 8, be);
	} else {
		s->offset = st_bin_read_uint(p + 16, 4, be);
		s->size = st_bin_read_uint(p + 20, 4, be);
	}
	return true;
}

/* The bytes of section S, when they all lie in the tail. */
static bool section_bytes(const struct st_bin_scan *scan, const struct section *s,
			  struct st_slice *out)
{
	const struct st_buf *tail = &scan->rust.tail.buf;
	uint64_t base = scan->elf.load_end;

	if (s->offset < base || s->offset - base > tail->len ||
	    s->size > tail->len - (s->offset - base))
		return false;
	*out = st_slice_make(tail->ptr + (s->offset - base), (size_t)s->size);
	return true;
}

static bool section_name_is(struct st_slice strtab, uint32_t name, const char *want)
{
	size_t n = strlen(want);

	return name < strtab.len && strtab.len - name > n &&
	       memcmp(strtab.ptr + name, want, n) == 0 && strtab.ptr[name + n] == '\0';
}

/* Finds the .dep-v0 section in the tail. Returns 1 and its bytes, 0 when
 * there is none, or -1 when the section headers are damaged. */
static int find_dep_section(const struct st_bin_scan *scan, struct st_slice *out)
{
	const struct st_bin_elf *elf = &scan->elf;
	struct section strs;
	struct section s;
	struct st_slice strtab;
	uint32_t i;

	if (elf->shstrndx == 0 || elf->shstrndx == SHN_XINDEX || elf->shstrndx >= elf->shnum)
		return 0;
	/* The whole table must lie in the file, not only the entries read. */
	if (!read_section(scan, elf->shnum - 1, &s))
		return -1;
	if (!read_section(scan, elf->shstrndx, &strs) || !section_bytes(scan, &strs, &strtab))
		return -1;
	for (i = 1; i < elf->shnum; i++) {
		if (!read_section(scan, i, &s))
			return -1;
		if (!section_name_is(strtab, s.name, DEP_SECTION))
			continue;
		if (!section_bytes(scan, &s, out))
			return -1;
		return 1;
	}
	return 0;
}

/* Inflates the zlib stream IN into OUT, at most MAX bytes. Returns 0,
 * STRATA_ECORRUPT, STRATA_ELIMIT or STRATA_ENOMEM. */
static int inflate_bounded(struct st_slice in, size_t max, struct st_buf *out,
			   struct strata_error *err)
{
	unsigned char chunk[16384];
	z_stream z;
	int zrc = Z_OK;
	int rc = 0;

	memset(&z, 0, sizeof(z));
	if (inflateInit(&z) != Z_OK)
		return st_error_set(err, STRATA_ENOMEM, "cannot start zlib");
	st_buf_init(out, max);
	z.next_in = (const Bytef *)in.ptr;
	while (rc == 0 && zrc != Z_STREAM_END) {
		size_t left = in.len - (size_t)((const char *)z.next_in - in.ptr);

		z.avail_in = left > UINT32_MAX ? UINT32_MAX : (uInt)left;
		z.next_out = chunk;
		z.avail_out = sizeof(chunk);
		zrc = inflate(&z, Z_NO_FLUSH);
		if (zrc != Z_OK && zrc != Z_STREAM_END) {
			rc = st_error_set(err, STRATA_ECORRUPT, "invalid zlib data: %s",
					  z.msg != NULL ? z.msg : "truncated");
			break;
		}
		rc = st_buf_append(out, chunk, sizeof(chunk) - z.avail_out, err);
		if (zrc == Z_OK && z.avail_in == 0 && z.avail_out != 0 && rc == 0)
			rc = st_error_set(err, STRATA_ECORRUPT, "zlib data cut short");
	}
	inflateEnd(&z);
	return rc;
}

int st_bin_rust_finish(struct st_bin_scan *scan, struct st_buf *out, struct strata_error *err)
{
	struct strata_error why;
	struct st_slice dep;
	struct st_buf json;
	uint64_t max;
	int found;
	int rc;

	if (!scan->rust.wanted || !st_bin_capture_full(&scan->rust.tail))
		return 0;
	found = find_dep_section(scan, &dep);
	if (found < 0)
		st_diag(scan->diag, ST_DIAG_WARN, "%.*s: damaged ELF section headers",
			(int)scan->path_len, scan->path);
	if (found <= 0)
		return 0;

	/* Bound the inflated JSON by the compression ratio and by what one
	 * cataloged file may hold. */
	max = scan->limits->cataloged_file_bytes;
	if (dep.len < max / (scan->limits->compression_ratio ? scan->limits->compression_ratio : 1))
		max = (uint64_t)dep.len * scan->limits->compression_ratio;
	if (max > SIZE_MAX)
		max = SIZE_MAX;
	strata_error_clear(&why);
	rc = inflate_bounded(dep, (size_t)max, &json, &why);
	if (rc == 0) {
		/* Only the summary itself can be over a limit here. */
		rc = st_cargo_audit_summarize(st_slice_make(json.ptr, json.len), scan->path,
					      scan->limits, out, err);
		st_buf_dispose(&json);
		if (rc != STRATA_ECORRUPT)
			return rc;
		why = *err;
	}
	st_buf_dispose(&json);
	if (rc == STRATA_ENOMEM) {
		*err = why;
		return rc;
	}
	st_diag(scan->diag, ST_DIAG_WARN, "%.*s: unreadable %s section: %s",
		(int)scan->path_len, scan->path, DEP_SECTION, why.msg);
	return 0;
}

/* cargo-auditable JSON ------------------------------------------------------- */

static struct st_slice json_text_or(json_t *v, const char *fallback)
{
	struct st_slice s;

	if (v != NULL && st_lang_json_text(v, &s) && s.len > 0)
		return s;
	return st_slice_cstr(fallback);
}

int st_cargo_audit_summarize(struct st_slice json, const char *path,
			     const struct strata_limits *limits, struct st_buf *out,
			     struct strata_error *err)
{
	json_t *root = NULL;
	json_t *packages;
	json_t *p;
	size_t i;
	int rc;

	rc = st_json_parse(&root, json, json.len + 1, limits->json_depth, 0, DEP_SECTION, err);
	if (rc == STRATA_ENOMEM)
		return rc;
	if (rc < 0) {
		/* A depth limit too makes this one section unreadable. */
		if (err != NULL)
			err->code = STRATA_ECORRUPT;
		return STRATA_ECORRUPT;
	}
	packages = json_object_get(root, "packages");
	if (!json_is_array(packages)) {
		rc = st_error_set(err, STRATA_ECORRUPT, "%s of %s: no \"packages\" array",
				  DEP_SECTION, path);
		goto out;
	}
	json_array_foreach(packages, i, p) {
		struct st_slice f[5];

		f[0] = st_slice_cstr("cargo");
		if (!st_lang_json_text(json_object_get(p, "name"), &f[1]) ||
		    !st_lang_json_text(json_object_get(p, "version"), &f[2]))
			continue;
		f[3] = json_text_or(json_object_get(p, "kind"), "runtime");
		f[4] = json_text_or(json_object_get(p, "source"), "unknown");
		rc = st_bin_record(out, f, 5, err);
		if (rc == STRATA_ECORRUPT)
			rc = 0; /* a name or version no package can have */
		if (rc < 0)
			goto out;
	}
	rc = 0;

out:
	json_decref(root);
	return rc;
}

/* Cargo.lock ------------------------------------------------------------------ */

struct lock_package {
	struct st_slice name;
	struct st_slice version;
	size_t line;
	bool open;
};

/* Reads the value of KEY = "VALUE" in LINE. */
static bool toml_string(struct st_slice line, const char *key, struct st_slice *value)
{
	struct st_slice k;
	struct st_slice v = line;

	st_slice_split(&v, '=', &k);
	if (!st_slice_eq_cstr(st_slice_trim(k), key))
		return false;
	v = st_slice_trim(v);
	if (v.len < 2 || v.ptr[0] != '"' || v.ptr[v.len - 1] != '"')
		return false;
	*value = st_slice_make(v.ptr + 1, v.len - 2);
	return memchr(value->ptr, '\\', value->len) == NULL && memchr(value->ptr, '"', value->len) == NULL;
}

static int lock_emit(struct lock_package *lp, const char *path, struct st_diag *diag,
		     int (*fn)(void *, const struct st_package *, struct strata_error *),
		     void *ctx, struct strata_error *err)
{
	struct st_package pkg;
	char *name;
	char *version;
	int rc;

	if (!lp->open)
		return 0;
	lp->open = false;
	if (!st_lang_is_token(lp->name, ST_LANG_MAX_NAME) ||
	    !st_lang_is_token(lp->version, ST_LANG_MAX_VERSION)) {
		st_diag(diag, ST_DIAG_WARN, "%s: line %zu: package without a valid name and version",
			path, lp->line);
		return 0;
	}
	name = st_strndup(lp->name.ptr, lp->name.len);
	version = st_strndup(lp->version.ptr, lp->version.len);
	if (name == NULL || version == NULL) {
		free(name);
		free(version);
		return st_error_set(err, STRATA_ENOMEM, "out of memory");
	}
	memset(&pkg, 0, sizeof(pkg));
	pkg.type = "cargo";
	pkg.name = name;
	pkg.version = version;
	pkg.path = path;
	rc = fn(ctx, &pkg, err);
	free(name);
	free(version);
	return rc;
}

int st_cargo_lock_parse(struct st_slice text, const char *path,
			const struct strata_limits *lim, struct st_diag *diag,
			int (*fn)(void *ctx, const struct st_package *pkg,
				  struct strata_error *err),
			void *ctx, struct strata_error *err)
{
	struct lock_package lp = {0};
	struct st_slice line;
	struct st_slice value;
	size_t n = 0;
	int rc;

	if (text.len > lim->cataloged_file_bytes)
		return st_error_set(err, STRATA_ELIMIT, "%s: over the cataloged_file_bytes limit",
				    path);
	while (text.len > 0) {
		st_slice_split(&text, '\n', &line);
		n++;
		line = st_slice_trim(line);
		if (line.len > 0 && line.ptr[0] == '[') {
			rc = lock_emit(&lp, path, diag, fn, ctx, err);
			if (rc < 0)
				return rc;
			if (st_slice_eq_cstr(line, "[[package]]")) {
				memset(&lp, 0, sizeof(lp));
				lp.open = true;
				lp.line = n;
			}
			continue;
		}
		if (!lp.open)
			continue;
		if (toml_string(line, "name", &value))
			lp.name = value;
		else if (toml_string(line, "version", &value))
			lp.version = value;
	}
	return lock_emit(&lp, path, diag, fn, ctx, err);
}

/* The Cargo.lock cataloger -------------------------------------------------- */

struct lock_ctx {
	struct st_catalog_ctx *cat;
	const struct st_walk_file *f;
};

static int lock_add(void *ctx, const struct st_package *pkg, struct strata_error *err)
{
	struct lock_ctx *lc = ctx;
	struct st_package p = *pkg;
	struct st_arena scratch;
	int rc;

	st_arena_init(&scratch);
	p.purl = st_purl_build(&scratch, "cargo", NULL, p.name, p.version, NULL, 0);
	if (p.purl == NULL) {
		st_arena_dispose(&scratch);
		return st_error_set(err, STRATA_ENOMEM, "out of memory");
	}
	p.layer = lc->f->layer;
	p.found_by = "cargo-lock";
	rc = st_inventory_add(lc->cat->inv, &p, err);
	st_arena_dispose(&scratch);
	return rc;
}

static bool lock_wants(const char *path, size_t len)
{
	return st_lang_basename_is(path, len, "Cargo.lock");
}

static int lock_on_final_file(void *state, const struct st_walk_file *f,
			      struct st_catalog_ctx *ctx, struct strata_error *err)
{
	struct lock_ctx lc = {ctx, f};
	struct strata_error why;
	char *path;
	int rc;

	if (f->type != ST_FILE_REGULAR || f->summarized)
		return 0;
	path = st_strndup(f->path, f->path_len);
	if (path == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory");
	strata_error_clear(&why);
	rc = st_cargo_lock_parse(f->data, path, ctx->limits, ctx->diag, lock_add, &lc, &why);
	free(path);
	if (rc == STRATA_ENOMEM) {
		*err = why;
		return rc;
	}
	if (rc < 0)
		st_diag(ctx->diag, ST_DIAG_WARN, "%s", why.msg);
	return 0;
}

static int lock_init(void **state, struct strata_error *err)
{
	*state = NULL;
	return 0;
}

static int lock_finish(void *state, struct st_catalog_ctx *ctx, struct strata_error *err)
{
	return 0;
}

static void lock_free(void *state)
{
}

const struct st_cataloger st_cataloger_cargo_lock = {
	.name = "cargo-lock",
	.wants = lock_wants,
	.init = lock_init,
	.on_final_file = lock_on_final_file,
	.finish = lock_finish,
	.free = lock_free,
};
