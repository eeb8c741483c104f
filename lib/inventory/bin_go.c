/* Go build information, found by scanning, so that ELF, PE and Mach-O
 * files read alike, stripped or not (format as read by Go 1.19's
 * debug/buildinfo):
 *
 *   - a 32-byte header, 16-byte aligned: the 14-byte magic
 *     "\xff Go buildinf:", the pointer size (4 or 8) and a flags byte
 *     (bit 0: big-endian pointers; bit 1: Go >= 1.18 "inline" format);
 *   - inline format: two strings follow the header, each prefixed by its
 *     length as an unsigned varint: the Go version ("go1.22.1"), then the
 *     module information;
 *   - older format: two pointers follow at offset 16, to the Go string
 *     headers (data pointer, length) of the version and of the module
 *     information.
 *
 * The module information is framed by two 16-byte sentinels
 * (cmd/go/internal/modload's infoStart and infoEnd) and contains
 * tab-separated lines: "path", "mod", "dep", "=>" (replaces the mod or
 * dep line above it) and "build". For the older format, the module
 * information is found by scanning for the start sentinel anywhere in
 * the file, and the version only through the ELF program headers. */
#include <string.h>

#include "inventory/binary.h"

#define GO_HEADER_BYTES 32
#define GO_MAGIC_BYTES 14
#define GO_SENTINEL_BYTES 16
#define GO_FLAG_BIG_ENDIAN 0x1u
#define GO_FLAG_INLINE 0x2u
/* Maximum length of a toolchain version ("go1.22.1 X:boringcrypto" and the
 * like are far shorter). */
#define GO_VERSION_MAX 128

static const unsigned char go_magic[GO_MAGIC_BYTES] = "\xff Go buildinf:";
static const unsigned char info_start[GO_SENTINEL_BYTES] = {
	0x30, 0x77, 0xaf, 0x0c, 0x92, 0x74, 0x08, 0x02,
	0x41, 0xe1, 0xc1, 0x07, 0xe6, 0xd6, 0x18, 0xe6,
};
static const unsigned char info_end[GO_SENTINEL_BYTES] = {
	0xf9, 0x32, 0x43, 0x31, 0x86, 0x18, 0x20, 0x72,
	0x00, 0x82, 0x42, 0x10, 0x41, 0x16, 0xd8, 0xf2,
};

void st_bin_go_init(struct st_bin_go *go)
{
	memset(go, 0, sizeof(*go));
	st_buf_init(&go->strings.buf, 0);
	st_buf_init(&go->modinfo.buf, 0);
	st_buf_init(&go->version_header.buf, 0);
	st_buf_init(&go->version_bytes.buf, 0);
}

void st_bin_go_dispose(struct st_bin_go *go)
{
	st_bin_capture_dispose(&go->strings);
	st_bin_capture_dispose(&go->modinfo);
	st_bin_capture_dispose(&go->version_header);
	st_bin_capture_dispose(&go->version_bytes);
}

static void go_damaged(struct st_bin_scan *scan, const char *why)
{
	if (scan->go.damaged)
		return;
	scan->go.damaged = true;
	st_diag(scan->diag, ST_DIAG_WARN, "%.*s: damaged Go build information: %s",
		(int)scan->path_len, scan->path, why);
}

/* Returns the first position p in [FROM, TO) of W where NEEDLE starts
 * and all of it lies in W, or W->len. */
static size_t find_in_window(const struct st_bin_window *w, size_t from,
			     const unsigned char *needle, size_t n)
{
	size_t end = w->to + n - 1;
	const unsigned char *hit;

	if (end > w->len)
		end = w->len;
	if (from >= w->to || end - from < n)
		return w->len;
	hit = memmem(w->data + from, end - from, needle, n);
	if (hit == NULL || (size_t)(hit - w->data) >= w->to)
		return w->len;
	return (size_t)(hit - w->data);
}

static uint64_t bytes_left(const struct st_bin_scan *scan, uint64_t off)
{
	return off < scan->size ? scan->size - off : 0;
}

static size_t info_cap(const struct st_bin_scan *scan, uint64_t off)
{
	uint64_t left = bytes_left(scan, off);

	return left < ST_BIN_GO_INFO_MAX ? (size_t)left : ST_BIN_GO_INFO_MAX;
}

/* Starts reading the Go string header at virtual address PTR (older
 * format), when its bytes are still ahead in the stream. */
static void go_lookup_version(struct st_bin_scan *scan, const struct st_bin_window *w)
{
	struct st_bin_go *go = &scan->go;
	uint64_t off;

	/* NOTE: without ELF program headers (PE, Mach-O) the version of a
	 * Go < 1.18 binary is left out; its modules are still reported. */
	if (!scan->elf.valid ||
	    !st_bin_elf_offset(&scan->elf, go->version_ptr, 2 * go->ptr_size, &off) ||
	    off < w->off) {
		go->version_lost = true;
		return;
	}
	st_bin_capture_begin(&go->version_header, off, 2 * go->ptr_size);
}

/* Checks the header candidate at position P of W. */
static bool go_header_at(struct st_bin_scan *scan, const struct st_bin_window *w, size_t p)
{
	struct st_bin_go *go = &scan->go;
	const unsigned char *h = w->data + p;
	uint64_t abs = w->off + p;

	if (abs % 16 != 0 || w->len - p < GO_HEADER_BYTES)
		return false;
	if ((h[14] != 4 && h[14] != 8) || (h[15] & ~(GO_FLAG_BIG_ENDIAN | GO_FLAG_INLINE)) != 0)
		return false;
	go->found = true;
	go->header_off = abs;
	go->ptr_size = h[14];
	go->big_endian = (h[15] & GO_FLAG_BIG_ENDIAN) != 0;
	go->inline_strings = (h[15] & GO_FLAG_INLINE) != 0;
	if (go->inline_strings) {
		st_bin_capture_begin(&go->strings, abs + GO_HEADER_BYTES,
				     info_cap(scan, abs + GO_HEADER_BYTES));
		return true;
	}
	go->version_ptr = st_bin_read_uint(h + 16, go->ptr_size, go->big_endian);
	go_lookup_version(scan, w);
	return true;
}

/* Returns the first position p in [FROM, TO) of W where the magic starts
 * at a file offset that is a multiple of 16, the only place where a
 * header may be, and all of the magic lies in W; or W->len. Comparing
 * one word at every 16th byte is several times cheaper than a search of
 * every byte, and most executables have no header at all. */
static size_t find_magic(const struct st_bin_window *w, size_t from)
{
	uint64_t first;
	size_t p;

	memcpy(&first, go_magic, sizeof(first));
	p = from + (size_t)((16 - (w->off + from) % 16) % 16);
	for (; p < w->to && p < w->len; p += 16) {
		uint64_t v;

		if (w->len - p < GO_MAGIC_BYTES)
			break;
		memcpy(&v, w->data + p, sizeof(v));
		if (v == first && memcmp(w->data + p + sizeof(v), go_magic + sizeof(v),
					 GO_MAGIC_BYTES - sizeof(v)) == 0)
			return p;
	}
	return w->len;
}

static void go_search(struct st_bin_scan *scan, const struct st_bin_window *w)
{
	struct st_bin_go *go = &scan->go;
	size_t p = w->from;

	while (!go->found) {
		p = find_magic(w, p);
		if (p == w->len)
			break;
		if (!go_header_at(scan, w, p))
			p++;
	}
	if (!go->modinfo.active && !go->modinfo_done) {
		p = find_in_window(w, w->from, info_start, GO_SENTINEL_BYTES);
		if (p < w->len)
			st_bin_capture_begin(&go->modinfo, w->off + p, info_cap(scan, w->off + p));
	}
}

/* Reads an unsigned varint (encoding/binary's Uvarint) at *POS of B. */
static int read_uvarint(const struct st_buf *b, size_t *pos, uint64_t *out)
{
	uint64_t v = 0;
	unsigned shift = 0;
	size_t i = *pos;

	for (;;) {
		unsigned char c;

		if (i >= b->len)
			return 0;
		c = (unsigned char)b->ptr[i++];
		if (shift == 63 && c > 1)
			return -1;
		v |= (uint64_t)(c & 0x7f) << shift;
		if ((c & 0x80) == 0)
			break;
		shift += 7;
		if (shift > 63)
			return -1;
	}
	*pos = i;
	*out = v;
	return 1;
}

/* Checks whether the inline strings are complete. Returns 1 when they
 * are (the capture then stops), 0 when more bytes are needed, or -1 for
 * a length past the captured bytes' cap. */
static int go_inline_done(struct st_bin_go *go)
{
	const struct st_bin_capture *c = &go->strings;
	size_t pos = 0;
	uint64_t n;
	int i;
	int rc;

	for (i = 0; i < 2; i++) {
		rc = read_uvarint(&c->buf, &pos, &n);
		if (rc <= 0)
			return rc == 0 && c->buf.len < c->want ? 0 : -1;
		if (n > c->want - pos)
			return -1;
		if (n > c->buf.len - pos)
			return 0;
		pos += (size_t)n;
	}
	go->strings.want = pos;
	return 1;
}

/* Looks for the end sentinel in the bytes captured since the last call. */
static void go_modinfo_check(struct st_bin_go *go)
{
	struct st_bin_capture *c = &go->modinfo;
	size_t from = go->modinfo_checked;
	const char *hit;

	if (!c->active || go->modinfo_done)
		return;
	if (from < GO_SENTINEL_BYTES)
		from = GO_SENTINEL_BYTES;
	if (c->buf.len >= from + GO_SENTINEL_BYTES) {
		hit = memmem(c->buf.ptr + from, c->buf.len - from, info_end, GO_SENTINEL_BYTES);
		if (hit != NULL) {
			c->buf.len = (size_t)(hit - c->buf.ptr);
			c->want = c->buf.len;
			go->modinfo_done = true;
			go->modinfo_ended = true;
			return;
		}
		go->modinfo_checked = c->buf.len - GO_SENTINEL_BYTES + 1;
	}
	if (c->missed || c->buf.len == c->want)
		go->modinfo_done = true; /* no end sentinel: reported at the end */
}

/* Older format: the string header is read, so follow its data pointer. */
static void go_version_header_done(struct st_bin_scan *scan, const struct st_bin_window *w)
{
	struct st_bin_go *go = &scan->go;
	const unsigned char *h = (const unsigned char *)go->version_header.buf.ptr;
	uint64_t ptr = st_bin_read_uint(h, go->ptr_size, go->big_endian);
	uint64_t len = st_bin_read_uint(h + go->ptr_size, go->ptr_size, go->big_endian);
	uint64_t off;

	st_bin_capture_dispose(&go->version_header);
	if (len == 0 || len > GO_VERSION_MAX ||
	    !st_bin_elf_offset(&scan->elf, ptr, len, &off)) {
		go_damaged(scan, "the version string pointer is invalid");
		return;
	}
	if (off < w->off) {
		go->version_lost = true;
		return;
	}
	st_bin_capture_begin(&go->version_bytes, off, (size_t)len);
}

static int go_feed_all(struct st_bin_go *go, const struct st_bin_window *w,
		       struct strata_error *err)
{
	struct st_bin_capture *all[] = {&go->strings, &go->modinfo, &go->version_header,
					&go->version_bytes};
	size_t i;
	int rc;

	for (i = 0; i < ST_ARRAY_LEN(all); i++) {
		rc = st_bin_capture_feed(all[i], w->data, w->len, w->off, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int st_bin_go_feed(struct st_bin_scan *scan, const struct st_bin_window *w,
		   struct strata_error *err)
{
	struct st_bin_go *go = &scan->go;
	int rc;

	go_search(scan, w);
	rc = go_feed_all(go, w, err);
	if (rc < 0)
		return rc;
	if (go->strings.active && go->strings.want > 0 && go_inline_done(go) < 0) {
		go_damaged(scan, "a string length runs past the end of the file");
		st_bin_capture_dispose(&go->strings);
	}
	go_modinfo_check(go);
	if (st_bin_capture_full(&go->version_header)) {
		go_version_header_done(scan, w);
		rc = go_feed_all(go, w, err);
	}
	if (go->version_header.missed || go->version_bytes.missed)
		go->version_lost = true;
	return rc;
}

/* Output ----------------------------------------------------------------- */

/* Splits the inline strings into VERSION and MODINFO. */
static bool go_inline_strings(const struct st_bin_go *go, struct st_slice *version,
			      struct st_slice *modinfo)
{
	const struct st_buf *b = &go->strings.buf;
	struct st_slice *parts[] = {version, modinfo};
	size_t pos = 0;
	uint64_t n;
	size_t i;

	for (i = 0; i < 2; i++) {
		if (read_uvarint(b, &pos, &n) <= 0 || n > b->len - pos)
			return false;
		*parts[i] = st_slice_make(b->ptr + pos, (size_t)n);
		pos += (size_t)n;
	}
	return true;
}

/* Strips the sentinels around module information as debug/buildinfo
 * does: only text of at least 33 bytes whose last line ends before the
 * end sentinel counts. */
static struct st_slice strip_sentinels(struct st_slice mod)
{
	if (mod.len < 2 * GO_SENTINEL_BYTES + 1 ||
	    mod.ptr[mod.len - GO_SENTINEL_BYTES - 1] != '\n')
		return st_slice_make(mod.ptr, 0);
	return st_slice_make(mod.ptr + GO_SENTINEL_BYTES, mod.len - 2 * GO_SENTINEL_BYTES);
}

static int go_put_version(struct st_bin_scan *scan, struct st_slice version,
			  struct st_buf *out, struct strata_error *err)
{
	struct st_slice fields[2] = {st_slice_cstr("go-version"), version};
	int rc;

	if (version.len == 0)
		return 0;
	if (version.len > GO_VERSION_MAX) {
		go_damaged(scan, "the Go version is too long");
		return 0;
	}
	rc = st_bin_record(out, fields, 2, err);
	if (rc == STRATA_ECORRUPT) {
		go_damaged(scan, "the Go version holds control bytes");
		return 0;
	}
	return rc;
}

/* The module information of the older format: the captured bytes from
 * the start sentinel to the end sentinel. */
static struct st_slice go_scanned_modinfo(struct st_bin_scan *scan)
{
	const struct st_buf *b = &scan->go.modinfo.buf;

	if (!scan->go.modinfo_ended) {
		go_damaged(scan, "the module information has no end sentinel");
		return st_slice_make("", 0);
	}
	return st_slice_make(b->ptr + GO_SENTINEL_BYTES, b->len - GO_SENTINEL_BYTES);
}

int st_bin_go_finish(struct st_bin_scan *scan, struct st_buf *out, struct strata_error *err)
{
	struct st_bin_go *go = &scan->go;
	struct st_slice version = {"", 0};
	struct st_slice modinfo = {"", 0};
	size_t bad = 0;
	int rc;

	if (!go->found)
		return 0;
	if (go->inline_strings) {
		if (!go_inline_strings(go, &version, &modinfo)) {
			go_damaged(scan, "the version and module strings are cut short");
			return 0;
		}
		modinfo = strip_sentinels(modinfo);
	} else {
		if (st_bin_capture_full(&go->version_bytes))
			version = st_slice_make(go->version_bytes.buf.ptr, go->version_bytes.buf.len);
		else if (go->version_lost)
			st_diag(scan->diag, ST_DIAG_DEBUG,
				"%.*s: Go version left out: it precedes the build information header",
				(int)scan->path_len, scan->path);
		if (go->modinfo_done)
			modinfo = go_scanned_modinfo(scan);
	}

	rc = go_put_version(scan, version, out, err);
	if (rc < 0)
		return rc;
	rc = st_go_modinfo_summarize(modinfo, out, &bad, err);
	if (rc < 0)
		return rc;
	if (bad > 0)
		st_diag(scan->diag, ST_DIAG_WARN, "%.*s: %zu malformed Go module lines skipped",
			(int)scan->path_len, scan->path, bad);
	return 0;
}

/* Module information text --------------------------------------------------- */

/* One mod or dep line, held until the next line shows whether "=>"
 * replaces it. */
struct go_module {
	const char *kind; /* "go-main" or "go-dep"; NULL when none is held */
	struct st_slice path;
	struct st_slice version;
	struct st_slice new_path;
	struct st_slice new_version;
	bool replaced;
};

static bool is_local_dir(struct st_slice path)
{
	return st_slice_starts_with(path, "./") || st_slice_starts_with(path, "../") ||
	       st_slice_starts_with(path, "/") || st_slice_eq_cstr(path, ".") ||
	       st_slice_eq_cstr(path, "..");
}

/* Writes the held module M and clears it. A module replaced by a local
 * directory keeps its path (a directory is no module identity) and the
 * version "(devel)"; another replacement is reported as the module that
 * replaced it. Either way the required path and version follow. */
static int go_put_module(struct go_module *m, struct st_buf *out, size_t *bad,
			 struct strata_error *err)
{
	struct st_slice fields[5];
	size_t n = 3;
	int rc;

	if (m->kind == NULL)
		return 0;
	fields[0] = st_slice_cstr(m->kind);
	fields[1] = m->path;
	fields[2] = m->version.len > 0 ? m->version : st_slice_cstr("(devel)");
	if (m->replaced) {
		if (!is_local_dir(m->new_path)) {
			fields[1] = m->new_path;
			fields[2] = m->new_version.len > 0 ? m->new_version
							   : st_slice_cstr("(devel)");
		} else {
			fields[2] = st_slice_cstr("(devel)");
		}
		fields[3] = m->path;
		fields[4] = m->version.len > 0 ? m->version : st_slice_cstr("(devel)");
		n = 5;
	}
	m->kind = NULL;
	rc = st_bin_record(out, fields, n, err);
	if (rc == STRATA_ECORRUPT) {
		(*bad)++;
		return 0;
	}
	return rc;
}

/* Splits LINE into at most MAX tab-separated fields; returns the count. */
static size_t split_tabs(struct st_slice line, struct st_slice *fields, size_t max)
{
	size_t n = 0;

	while (n < max) {
		st_slice_split(&line, '\t', &fields[n++]);
		if (line.len == 0)
			break;
	}
	return n;
}

static bool valid_path(struct st_slice s)
{
	return s.len > 0 && s.len <= ST_BIN_MAX_FIELD;
}

int st_go_modinfo_summarize(struct st_slice text, struct st_buf *out, size_t *bad_lines,
			    struct strata_error *err)
{
	struct go_module held = {0};
	struct st_slice line;
	struct st_slice f[4];
	size_t n;
	int rc;

	*bad_lines = 0;
	while (text.len > 0) {
		st_slice_split(&text, '\n', &line);
		if (line.len == 0)
			continue;
		n = split_tabs(line, f, ST_ARRAY_LEN(f));
		if (st_slice_eq_cstr(f[0], "path") || st_slice_eq_cstr(f[0], "build") ||
		    st_slice_eq_cstr(f[0], "go"))
			continue;
		if (st_slice_eq_cstr(f[0], "=>")) {
			if (held.kind == NULL || held.replaced || n < 2 || !valid_path(f[1])) {
				(*bad_lines)++;
				continue;
			}
			held.replaced = true;
			held.new_path = f[1];
			held.new_version = n > 2 ? f[2] : st_slice_make("", 0);
			continue;
		}
		rc = go_put_module(&held, out, bad_lines, err);
		if (rc < 0)
			return rc;
		if ((!st_slice_eq_cstr(f[0], "mod") && !st_slice_eq_cstr(f[0], "dep")) || n < 2 ||
		    !valid_path(f[1])) {
			(*bad_lines)++;
			continue;
		}
		memset(&held, 0, sizeof(held));
		held.kind = st_slice_eq_cstr(f[0], "mod") ? "go-main" : "go-dep";
		held.path = f[1];
		held.version = n > 2 ? f[2] : st_slice_make("", 0);
	}
	return go_put_module(&held, out, bad_lines, err);
}
