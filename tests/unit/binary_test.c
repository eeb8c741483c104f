/* Tests for the executables cataloger. st_bin_summarize reads in-memory
 * files in odd-sized pieces, so that patterns cross chunk borders. The
 * cases cover Go build information in both formats, cargo-auditable
 * sections, ELF header checks, the classifier on byte snippets of real
 * Debian binaries, and whole scans through st_catalog_layers. */
#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "harness.h"
#include "testlib.h"
#include "inventory/binary.h"
#include "inventory/inventory.h"

/* Helpers ------------------------------------------------------------------ */

struct diag_log {
	unsigned warnings;
	char all[8192];
	size_t len;
};

static void log_message(void *ctx, int level, const char *msg)
{
	struct diag_log *log = ctx;
	size_t n = strlen(msg);

	if (level < ST_DIAG_WARN)
		return;
	log->warnings++;
	if (log->len + n + 2 > sizeof(log->all))
		return;
	memcpy(log->all + log->len, msg, n);
	log->len += n;
	log->all[log->len++] = '\n';
	log->all[log->len] = '\0';
}

static void diag_init(struct st_diag *d, struct diag_log *log)
{
	memset(log, 0, sizeof(*log));
	memset(d, 0, sizeof(*d));
	d->fn = log_message;
	d->ctx = log;
}

/* A stream over memory that returns at most PIECE bytes per read. */
struct mem_stream {
	struct st_stream base;
	const unsigned char *data;
	size_t len;
	size_t pos;
	size_t piece;
	bool owned;
};

static ssize_t mem_read(struct st_stream *s, void *buf, size_t len, struct strata_error *err)
{
	struct mem_stream *m = (struct mem_stream *)s;
	size_t n = m->len - m->pos;

	if (n > len)
		n = len;
	if (m->piece > 0 && n > m->piece)
		n = m->piece;
	memcpy(buf, m->data + m->pos, n);
	m->pos += n;
	return (ssize_t)n;
}

static void mem_close(struct st_stream *s)
{
	struct mem_stream *m = (struct mem_stream *)s;

	if (m->owned) {
		free((void *)(uintptr_t)m->data);
		free(m);
	}
}

static void mem_init(struct mem_stream *m, const void *data, size_t len, size_t piece)
{
	memset(m, 0, sizeof(*m));
	m->base.read = mem_read;
	m->base.close = mem_close;
	m->data = data;
	m->len = len;
	m->piece = piece;
}

static struct st_walk_file meta_for(const char *path, size_t size, unsigned mode)
{
	struct st_walk_file f;

	memset(&f, 0, sizeof(f));
	f.path = path;
	f.path_len = strlen(path);
	f.type = ST_FILE_REGULAR;
	f.data = st_slice_make("", 0);
	f.size = size;
	f.mode = mode;
	return f;
}

/* Summarizes DATA as the file PATH read PIECE bytes at a time into OUT
 * (NUL-terminated); returns st_bin_summarize's code. */
static int summarize(const void *data, size_t len, const char *path, size_t piece,
		     struct st_buf *out, struct diag_log *log)
{
	struct st_walk_file meta = meta_for(path, len, 0755);
	struct strata_limits lim;
	struct mem_stream m;
	struct st_diag d;
	struct strata_error err;
	int rc;

	strata_limits_default(&lim);
	diag_init(&d, log);
	mem_init(&m, data, len, piece);
	st_buf_init(out, (size_t)lim.summary_bytes);
	rc = st_bin_summarize(&meta, &m.base, out, &lim, &d, &err);
	st_buf_cstr(out, NULL);
	if (out->ptr == NULL)
		st_buf_append(out, "", 0, NULL);
	return rc;
}

static bool has_line(const struct st_buf *b, const char *line)
{
	size_t n = strlen(line);
	const char *p = b->ptr;

	while (p != NULL && (p = strstr(p, line)) != NULL) {
		if ((p == b->ptr || p[-1] == '\n') && p[n] == '\n')
			return true;
		p += n;
	}
	return false;
}

static const unsigned char info_start[16] = {0x30, 0x77, 0xaf, 0x0c, 0x92, 0x74, 0x08, 0x02,
					     0x41, 0xe1, 0xc1, 0x07, 0xe6, 0xd6, 0x18, 0xe6};
static const unsigned char info_end[16] = {0xf9, 0x32, 0x43, 0x31, 0x86, 0x18, 0x20, 0x72,
					   0x00, 0x82, 0x42, 0x10, 0x41, 0x16, 0xd8, 0xf2};

/* Module information as go1.19.8 wrote it for a program with a local
 * replacement (text of `go version -m`), plus a module replacement. */
static const char modinfo_text[] =
	"path\texample.net/app\n"
	"mod\texample.net/app\t(devel)\t\n"
	"dep\texample.com/moda\tv1.2.3\n"
	"=>\t../moda\t(devel)\t\n"
	"dep\tgolang.org/x/text\tv0.0.0-20200101000000-abcdef123456\th1:abc=\n"
	"=>\tgithub.com/fork/text\tv0.3.8\th1:def=\n"
	"dep\tgithub.com/pkg/errors\tv0.9.1\th1:xyz=\n"
	"build\t-compiler=gc\n"
	"build\tGOOS=linux\n";

/* Writes the module information with its sentinels at P; returns its length. */
static size_t put_modinfo(unsigned char *p, const char *text)
{
	size_t n = strlen(text);

	memcpy(p, info_start, 16);
	memcpy(p + 16, text, n);
	memcpy(p + 16 + n, info_end, 16);
	return n + 32;
}

/* Builds a Go >= 1.18 file of SIZE bytes with the header at HEADER_AT. */
static unsigned char *make_inline_go(size_t size, size_t header_at, const char *version,
				     const char *text)
{
	unsigned char *f = calloc(1, size);
	unsigned char mod[4096];
	size_t mod_len = put_modinfo(mod, text);
	size_t p = header_at;

	if (f == NULL)
		abort();
	memcpy(f + p, "\xff Go buildinf:", 14);
	f[p + 14] = 8;
	f[p + 15] = 2;
	p += 32;
	p += st_put_uvarint(f + p, strlen(version));
	memcpy(f + p, version, strlen(version));
	p += strlen(version);
	p += st_put_uvarint(f + p, mod_len);
	memcpy(f + p, mod, mod_len);
	return f;
}

/* Writes a little-endian ELF-64 header with one PT_LOAD segment mapping
 * file offset 0 at VADDR for LOAD_SIZE bytes. */
static void put_elf64(unsigned char *f, uint64_t vaddr, uint64_t load_size, uint64_t shoff,
		      uint16_t shnum, uint16_t shstrndx)
{
	unsigned char *ph = f + 64;
	size_t i;

	memcpy(f, "\177ELF", 4);
	f[4] = 2;
	f[5] = 1;
	f[6] = 1;
	for (i = 0; i < 8; i++) {
		f[32 + i] = (unsigned char)((uint64_t)64 >> (8 * i)); /* e_phoff */
		f[40 + i] = (unsigned char)(shoff >> (8 * i));
	}
	f[54] = 56;
	f[56] = 1;
	f[58] = 64;
	f[60] = (unsigned char)shnum;
	f[61] = (unsigned char)(shnum >> 8);
	f[62] = (unsigned char)shstrndx;
	f[63] = (unsigned char)(shstrndx >> 8);
	ph[0] = 1; /* PT_LOAD */
	for (i = 0; i < 8; i++) {
		ph[16 + i] = (unsigned char)(vaddr >> (8 * i));
		ph[32 + i] = (unsigned char)(load_size >> (8 * i));
		ph[40 + i] = (unsigned char)(load_size >> (8 * i));
	}
}

static void put_u64(unsigned char *p, uint64_t v)
{
	size_t i;

	for (i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* Go build information ------------------------------------------------------ */

ST_TEST(go_modinfo_records)
{
	struct st_buf out;
	size_t bad = 99;

	st_buf_init(&out, 1u << 20);
	ST_CHECK_INT(st_go_modinfo_summarize(st_slice_cstr(modinfo_text), &out, &bad, NULL), 0);
	st_buf_cstr(&out, NULL);
	ST_CHECK_INT(bad, 0);
	ST_CHECK(has_line(&out, "go-main\texample.net/app\t(devel)"));
	ST_CHECK(has_line(&out, "go-dep\texample.com/moda\t(devel)\texample.com/moda\tv1.2.3"));
	ST_CHECK(has_line(&out, "go-dep\tgithub.com/fork/text\tv0.3.8\tgolang.org/x/text\t"
				"v0.0.0-20200101000000-abcdef123456"));
	ST_CHECK(has_line(&out, "go-dep\tgithub.com/pkg/errors\tv0.9.1"));
	ST_CHECK(strstr(out.ptr, "build") == NULL);
	st_buf_dispose(&out);
	return ST_TEST_PASS;
}

ST_TEST(go_modinfo_malformed_lines)
{
	static const char text[] =
		"=>\torphan\tv1.0.0\n"          /* nothing to replace */
		"dep\n"                         /* no path */
		"what\tever\tv1\n"              /* unknown line */
		"dep\tok.example/x\tv1.0.0\n"
		"=>\t\tv2\n"                    /* empty replacement */
		"dep\tbad\x01path\tv1.0.0\n";   /* control byte */
	struct st_buf out;
	size_t bad = 0;

	st_buf_init(&out, 1u << 20);
	ST_CHECK_INT(st_go_modinfo_summarize(st_slice_cstr(text), &out, &bad, NULL), 0);
	st_buf_cstr(&out, NULL);
	ST_CHECK_INT(bad, 5);
	ST_CHECK(has_line(&out, "go-dep\tok.example/x\tv1.0.0"));
	ST_CHECK(strstr(out.ptr, "bad") == NULL);
	st_buf_dispose(&out);
	return ST_TEST_PASS;
}

ST_TEST(go_inline_across_chunk_border)
{
	static const size_t pieces[] = {1, 7, 4093, 65536, 0};
	/* The magic starts 16 bytes before the first 64 KiB border. */
	size_t size = 3 * 65536;
	unsigned char *f = make_inline_go(size, 65536 - 16, "go1.22.1", modinfo_text);
	struct diag_log log;
	struct st_buf out;
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(pieces); i++) {
		ST_CHECK_INT(summarize(f, size, "usr/bin/app", pieces[i], &out, &log), 0);
		ST_CHECK(has_line(&out, "go-version\tgo1.22.1"));
		ST_CHECK(has_line(&out, "go-main\texample.net/app\t(devel)"));
		ST_CHECK(has_line(&out, "go-dep\tgithub.com/pkg/errors\tv0.9.1"));
		ST_CHECK_INT(log.warnings, 0);
		st_buf_dispose(&out);
	}
	free(f);
	return ST_TEST_PASS;
}

ST_TEST(go_unaligned_or_bad_header_ignored)
{
	static const unsigned char sizes[] = {0, 3, 9};
	size_t size = 8192;
	unsigned char *f;
	struct diag_log log;
	struct st_buf out;
	size_t i;

	/* Unaligned: the magic as a string literal in a program's data. */
	f = make_inline_go(size, 1001, "go1.22.1", modinfo_text);
	ST_CHECK_INT(summarize(f, size, "usr/bin/app", 0, &out, &log), 0);
	ST_CHECK(strstr(out.ptr, "go-version") == NULL);
	ST_CHECK(strstr(out.ptr, "go-dep") == NULL);
	st_buf_dispose(&out);
	free(f);

	for (i = 0; i < ST_ARRAY_LEN(sizes); i++) {
		f = make_inline_go(size, 1024, "go1.22.1", modinfo_text);
		f[1024 + 14] = sizes[i];
		ST_CHECK_INT(summarize(f, size, "usr/bin/app", 0, &out, &log), 0);
		ST_CHECK(strstr(out.ptr, "go-") == NULL);
		st_buf_dispose(&out);
		free(f);
	}
	return ST_TEST_PASS;
}

/* A copy of the magic at an unaligned offset, as a string literal of a
 * program leaves one, comes before the real header: the aligned search
 * skips it and finds the header, whatever the read sizes. */
ST_TEST(go_header_after_unaligned_magic)
{
	static const size_t pieces[] = {0, 1, 7, 4096};
	size_t size = 8192;
	unsigned char *f = make_inline_go(size, 2048, "go1.22.1", modinfo_text);
	struct diag_log log;
	struct st_buf out;
	size_t i;

	memcpy(f + 1001, "\xff Go buildinf:", 14);
	memcpy(f + 1500, "\xff Go buildinf:", 14);
	for (i = 0; i < ST_ARRAY_LEN(pieces); i++) {
		ST_CHECK_INT(summarize(f, size, "usr/bin/app", pieces[i], &out, &log), 0);
		ST_CHECK(has_line(&out, "go-version\tgo1.22.1"));
		ST_CHECK(has_line(&out, "go-dep\tgithub.com/pkg/errors\tv0.9.1"));
		st_buf_dispose(&out);
	}
	free(f);
	return ST_TEST_PASS;
}

ST_TEST(go_huge_varint_is_damage)
{
	size_t size = 8192;
	unsigned char *f = make_inline_go(size, 1024, "go1.22.1", modinfo_text);
	struct diag_log log;
	struct st_buf out;

	/* A version length of 2^63 + ..., then one past the 64-bit range. */
	memset(f + 1024 + 32, 0xff, 9);
	f[1024 + 32 + 9] = 0x01;
	ST_CHECK_INT(summarize(f, size, "usr/bin/app", 0, &out, &log), 0);
	ST_CHECK(strstr(out.ptr, "go-version") == NULL);
	ST_CHECK_INT(log.warnings, 1);
	ST_CHECK(strstr(log.all, "usr/bin/app: damaged Go build information") != NULL);
	st_buf_dispose(&out);

	memset(f + 1024 + 32, 0xff, 10);
	f[1024 + 32 + 10] = 0x7f;
	ST_CHECK_INT(summarize(f, size, "usr/bin/app", 0, &out, &log), 0);
	ST_CHECK_INT(log.warnings, 1);
	st_buf_dispose(&out);
	free(f);
	return ST_TEST_PASS;
}

ST_TEST(go_truncated_strings)
{
	size_t header_at = 1024;
	size_t size = header_at + 32 + 1 + 8 + 20; /* modinfo cut short */
	unsigned char *f = make_inline_go(8192, header_at, "go1.22.1", modinfo_text);
	struct diag_log log;
	struct st_buf out;

	ST_CHECK_INT(summarize(f, size, "usr/bin/cut", 3, &out, &log), 0);
	ST_CHECK(strstr(out.ptr, "go-") == NULL);
	ST_CHECK_INT(log.warnings, 1);
	ST_CHECK(strstr(log.all, "usr/bin/cut") != NULL);
	st_buf_dispose(&out);

	/* Cut inside the header itself. */
	ST_CHECK_INT(summarize(f, header_at + 20, "usr/bin/cut", 0, &out, &log), 0);
	ST_CHECK(strstr(out.ptr, "go-") == NULL);
	st_buf_dispose(&out);
	free(f);
	return ST_TEST_PASS;
}

/* An ELF file with a Go < 1.18 header at HEADER_AT whose version string
 * header sits 0x100 bytes later and whose bytes sit at VERSION_AT. */
static unsigned char *make_old_go(size_t size, size_t header_at, size_t version_at)
{
	unsigned char *f = calloc(1, size);
	uint64_t vaddr = 0x400000;
	size_t strhdr = header_at + 0x100;

	if (f == NULL)
		abort();
	put_elf64(f, vaddr, size, 0, 0, 0);
	memcpy(f + header_at, "\xff Go buildinf:", 14);
	f[header_at + 14] = 8;
	f[header_at + 15] = 0;
	put_u64(f + header_at + 16, vaddr + strhdr);
	put_u64(f + header_at + 24, vaddr + header_at + 0x500);
	put_u64(f + strhdr, vaddr + version_at);
	put_u64(f + strhdr + 8, 8);
	memcpy(f + version_at, "go1.16.9", 8);
	put_modinfo(f + header_at + 0x600, modinfo_text);
	return f;
}

ST_TEST(go_old_format_version_after_header)
{
	size_t size = 0x2000;
	unsigned char *f = make_old_go(size, 0x400, 0x600);
	struct diag_log log;
	struct st_buf out;

	ST_CHECK_INT(summarize(f, size, "usr/bin/old", 5, &out, &log), 0);
	ST_CHECK(has_line(&out, "go-version\tgo1.16.9"));
	ST_CHECK(has_line(&out, "go-dep\tgithub.com/pkg/errors\tv0.9.1"));
	ST_CHECK_INT(log.warnings, 0);
	st_buf_dispose(&out);
	free(f);
	return ST_TEST_PASS;
}

/* The version bytes come before the header, in an earlier chunk: the
 * stream has passed them, so the version is left out. Within the same
 * chunk they are still found. */
ST_TEST(go_old_format_version_before_header)
{
	size_t size = 0x30000;
	unsigned char *f = make_old_go(size, 0x20000, 0x100);
	struct diag_log log;
	struct st_buf out;

	ST_CHECK_INT(summarize(f, size, "usr/bin/old", 0, &out, &log), 0);
	ST_CHECK(strstr(out.ptr, "go-version") == NULL);
	ST_CHECK(has_line(&out, "go-main\texample.net/app\t(devel)"));
	ST_CHECK_INT(log.warnings, 0);
	st_buf_dispose(&out);
	free(f);

	f = make_old_go(size, 0x400, 0x100);
	ST_CHECK_INT(summarize(f, size, "usr/bin/old", 0, &out, &log), 0);
	ST_CHECK(has_line(&out, "go-version\tgo1.16.9"));
	st_buf_dispose(&out);

	/* The version string header points outside every segment. */
	put_u64(f + 0x500, 0x10);
	ST_CHECK_INT(summarize(f, size, "usr/bin/old", 0, &out, &log), 0);
	ST_CHECK(strstr(out.ptr, "go-version") == NULL);
	ST_CHECK_INT(log.warnings, 1);
	st_buf_dispose(&out);
	free(f);
	return ST_TEST_PASS;
}

ST_TEST(go_old_format_modinfo_without_end)
{
	size_t size = 0x2000;
	unsigned char *f = make_old_go(size, 0x400, 0x600);
	struct diag_log log;
	struct st_buf out;
	unsigned char *end = memmem(f, size, info_end, 16);

	ST_CHECK(end != NULL);
	memset(end, 'x', 16);
	ST_CHECK_INT(summarize(f, size, "usr/bin/old", 0, &out, &log), 0);
	ST_CHECK(has_line(&out, "go-version\tgo1.16.9"));
	ST_CHECK(strstr(out.ptr, "go-dep") == NULL);
	ST_CHECK_INT(log.warnings, 1);
	st_buf_dispose(&out);
	free(f);
	return ST_TEST_PASS;
}

/* ELF headers ------------------------------------------------------------------ */

ST_TEST(elf_header_checks)
{
	unsigned char f[256];
	struct st_bin_elf elf;
	struct strata_error err;
	uint64_t off;

	memset(f, 0, sizeof(f));
	put_elf64(f, 0x400000, 200, 0, 0, 0);
	ST_CHECK_INT(st_bin_elf_parse(&elf, f, sizeof(f), 256, &err), 0);
	ST_CHECK(elf.is64 && !elf.big_endian);
	ST_CHECK_INT(elf.load_end, 200);
	ST_CHECK(st_bin_elf_offset(&elf, 0x400010, 8, &off));
	ST_CHECK_INT(off, 0x10);
	ST_CHECK(!st_bin_elf_offset(&elf, 0x400000 + 196, 8, &off));
	ST_CHECK(!st_bin_elf_offset(&elf, 0x3fffff, 1, &off));

	/* The segment runs past the end of the file. */
	ST_CHECK_INT(st_bin_elf_parse(&elf, f, sizeof(f), 100, &err), STRATA_ECORRUPT);
	/* The program headers lie past the bytes given. */
	ST_CHECK_INT(st_bin_elf_parse(&elf, f, 100, 256, &err), STRATA_ECORRUPT);
	/* Too small a program header entry. */
	f[54] = 8;
	ST_CHECK_INT(st_bin_elf_parse(&elf, f, sizeof(f), 256, &err), STRATA_ECORRUPT);
	f[54] = 56;
	/* Unknown class, then no ELF at all. */
	f[4] = 3;
	ST_CHECK_INT(st_bin_elf_parse(&elf, f, sizeof(f), 256, &err), STRATA_ECORRUPT);
	ST_CHECK_INT(st_bin_elf_parse(&elf, (const unsigned char *)"#!/bin/sh\n", 10, 10, &err),
		     STRATA_EUNSUPPORTED);
	return ST_TEST_PASS;
}

/* Rust ------------------------------------------------------------------------- */

static const char audit_json[] =
	"{\"packages\":["
	"{\"name\":\"app\",\"version\":\"0.1.0\",\"source\":\"local\",\"dependencies\":[1,2],"
	"\"root\":true},"
	"{\"name\":\"serde\",\"version\":\"1.0.190\",\"source\":\"crates.io\"},"
	"{\"name\":\"cc\",\"version\":\"1.0.83\",\"source\":\"crates.io\",\"kind\":\"build\"},"
	"{\"name\":\"no-version\"}"
	"]}";

/* Builds an ELF-64 file: 0x1000 loadable bytes, then the compressed
 * JSON as .dep-v0, .shstrtab and three section headers. */
static unsigned char *make_rust(const char *json, size_t *size_out)
{
	static const char strtab[] = "\0.shstrtab\0.dep-v0\0";
	unsigned char z[4096];
	uLongf zlen = sizeof(z);
	size_t load = 0x1000;
	size_t dep_at = load;
	size_t str_at;
	size_t sh_at;
	size_t size;
	unsigned char *f;
	unsigned char *sh;

	if (compress(z, &zlen, (const Bytef *)json, strlen(json)) != Z_OK)
		abort();
	str_at = dep_at + zlen;
	sh_at = (str_at + sizeof(strtab) + 7) & ~(size_t)7;
	size = sh_at + 3 * 64;
	f = calloc(1, size);
	if (f == NULL)
		abort();
	put_elf64(f, 0x400000, load, sh_at, 3, 1);
	memcpy(f + dep_at, z, zlen);
	memcpy(f + str_at, strtab, sizeof(strtab));
	sh = f + sh_at + 64;     /* section 1: .shstrtab */
	sh[0] = 1;
	put_u64(sh + 24, str_at);
	put_u64(sh + 32, sizeof(strtab));
	sh = f + sh_at + 128;    /* section 2: .dep-v0 */
	sh[0] = 11;
	put_u64(sh + 24, dep_at);
	put_u64(sh + 32, zlen);
	*size_out = size;
	return f;
}

ST_TEST(rust_dep_section)
{
	size_t size;
	unsigned char *f = make_rust(audit_json, &size);
	struct diag_log log;
	struct st_buf out;

	ST_CHECK_INT(summarize(f, size, "usr/bin/rusty", 13, &out, &log), 0);
	ST_CHECK(has_line(&out, "cargo\tapp\t0.1.0\truntime\tlocal"));
	ST_CHECK(has_line(&out, "cargo\tserde\t1.0.190\truntime\tcrates.io"));
	ST_CHECK(has_line(&out, "cargo\tcc\t1.0.83\tbuild\tcrates.io"));
	ST_CHECK(strstr(out.ptr, "no-version") == NULL);
	ST_CHECK_INT(log.warnings, 0);
	st_buf_dispose(&out);
	free(f);
	return ST_TEST_PASS;
}

ST_TEST(rust_hostile_sections)
{
	size_t size;
	unsigned char *f = make_rust(audit_json, &size);
	struct diag_log log;
	struct st_buf out;
	size_t sh_at = size - 3 * 64;

	/* shnum huge: the headers would run past the end of the file. */
	f[60] = 0xff;
	f[61] = 0xfe;
	ST_CHECK_INT(summarize(f, size, "usr/bin/rusty", 0, &out, &log), 0);
	ST_CHECK(strstr(out.ptr, "cargo") == NULL);
	ST_CHECK_INT(log.warnings, 1);
	ST_CHECK(strstr(log.all, "usr/bin/rusty: damaged ELF section headers") != NULL);
	st_buf_dispose(&out);
	f[60] = 3;
	f[61] = 0;

	/* The .dep-v0 section's offset lies past the end. */
	put_u64(f + sh_at + 128 + 24, 1u << 30);
	ST_CHECK_INT(summarize(f, size, "usr/bin/rusty", 0, &out, &log), 0);
	ST_CHECK(strstr(out.ptr, "cargo") == NULL);
	ST_CHECK_INT(log.warnings, 1);
	st_buf_dispose(&out);
	put_u64(f + sh_at + 128 + 24, 0x1000);

	/* Damaged zlib data. */
	f[0x1000 + 4] ^= 0xff;
	f[0x1000 + 5] ^= 0xff;
	ST_CHECK_INT(summarize(f, size, "usr/bin/rusty", 0, &out, &log), 0);
	ST_CHECK(strstr(out.ptr, "cargo") == NULL);
	ST_CHECK_INT(log.warnings, 1);
	ST_CHECK(strstr(log.all, ".dep-v0") != NULL);
	st_buf_dispose(&out);
	free(f);

	/* Valid zlib, invalid JSON. */
	f = make_rust("{\"packages\":[", &size);
	ST_CHECK_INT(summarize(f, size, "usr/bin/rusty", 0, &out, &log), 0);
	ST_CHECK_INT(log.warnings, 1);
	st_buf_dispose(&out);
	free(f);
	return ST_TEST_PASS;
}

ST_TEST(cargo_lock_packages)
{
	static const char text[] =
		"# This file is automatically @generated by Cargo.\n"
		"version = 3\n\n"
		"[[package]]\nname = \"app\"\nversion = \"0.1.0\"\ndependencies = [\n \"serde\",\n]\n\n"
		"[[package]]\nname = \"serde\"\nversion = \"1.0.190\"\n"
		"source = \"registry+https://github.com/rust-lang/crates.io-index\"\n"
		"checksum = \"abc\"\n\n"
		"[[package]]\nname = \"broken\"\n\n"
		"[metadata]\nname = \"not-a-package\"\nversion = \"9\"\n";
	struct st_inventory inv;
	struct diag_log log;
	struct st_diag d;
	struct st_catalog_ctx ctx;
	struct strata_limits lim;
	struct st_walk_file f = st_test_walk_file("src/app/Cargo.lock", text, 2);
	struct strata_error err;
	const struct st_package *p;

	strata_limits_default(&lim);
	st_inventory_init(&inv);
	diag_init(&d, &log);
	ctx.inv = &inv;
	ctx.diag = &d;
	ctx.limits = &lim;
	ST_CHECK(st_cataloger_cargo_lock.wants(f.path, f.path_len));
	ST_CHECK(!st_cataloger_cargo_lock.wants("src/Cargo.lock.bak", 18));
	ST_CHECK_INT(st_cataloger_cargo_lock.on_final_file(NULL, &f, &ctx, &err), 0);
	ST_CHECK_INT(inv.count, 2);
	p = st_test_find_package(&inv, "cargo", "serde");
	ST_CHECK(p != NULL);
	ST_CHECK_STR(p->version, "1.0.190");
	ST_CHECK_STR(p->purl, "pkg:cargo/serde@1.0.190");
	ST_CHECK_INT(p->layer, 2);
	ST_CHECK_INT(log.warnings, 1);
	ST_CHECK(strstr(log.all, "src/app/Cargo.lock: line") != NULL);
	st_inventory_dispose(&inv);
	return ST_TEST_PASS;
}

/* Counts the packages of INV with TYPE, NAME and VERSION. */
static size_t count_packages(const struct st_inventory *inv, const char *type,
			     const char *name, const char *version)
{
	size_t n = 0;
	size_t i;

	for (i = 0; i < inv->count; i++) {
		const struct st_package *p = &inv->packages[i];

		if (strcmp(p->type, type) == 0 && strcmp(p->name, name) == 0 &&
		    strcmp(p->version, version) == 0)
			n++;
	}
	return n;
}

/* Copies the quoted value of a `KEY = "VALUE"` line into OUT. */
static bool toml_value(const char *line, size_t len, const char *key, char *out, size_t cap)
{
	size_t k = strlen(key);
	const char *q;
	const char *end;

	if (len < k + 5 || strncmp(line, key, k) != 0 || strncmp(line + k, " = \"", 4) != 0)
		return false;
	q = line + k + 4;
	end = memchr(q, '"', len - k - 4);
	if (end == NULL || (size_t)(end - q) >= cap)
		return false;
	memcpy(out, q, (size_t)(end - q));
	out[end - q] = '\0';
	return true;
}

/* The real Cargo.lock fixtures: every [[package]] with a name and a version,
 * as read here line by line, is in the inventory exactly once per entry. */
ST_TEST(cargo_lock_fixtures)
{
	static const char *const files[] = {
		"pkgdb/lang/rust/syft-image-audit-Cargo.lock",
		"pkgdb/lang/rust/trivy-cargo-happy/Cargo.lock",
	};
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(files); i++) {
		struct st_inventory inv;
		struct diag_log log;
		struct st_diag d;
		struct st_catalog_ctx ctx;
		struct strata_limits lim;
		struct strata_error err;
		struct st_buf text;
		struct st_walk_file f;
		char name[128] = "";
		char version[128] = "";
		size_t expected = 0;
		size_t pos = 0;

		st_buf_init(&text, 1u << 20);
		ST_CHECK(st_read_file(st_test_data_path(files[i]), &text, false, NULL) == 0);
		ST_CHECK(st_buf_putc(&text, '\0', NULL) == 0);
		strata_limits_default(&lim);
		st_inventory_init(&inv);
		diag_init(&d, &log);
		ctx.inv = &inv;
		ctx.diag = &d;
		ctx.limits = &lim;
		f = st_test_walk_file("app/Cargo.lock", text.ptr, 0);
		f.data.len = text.len - 1;
		ST_CHECK_INT(st_cataloger_cargo_lock.on_final_file(NULL, &f, &ctx, &err), 0);
		ST_CHECK_INT(log.warnings, 0);

		/* Each package block ends at the next [[package]] or table. */
		while (pos <= text.len - 1) {
			const char *line = text.ptr + pos;
			const char *nl = memchr(line, '\n', text.len - 1 - pos);
			size_t len = nl ? (size_t)(nl - line) : text.len - 1 - pos;
			bool block_end = len > 0 && line[0] == '[';

			if (block_end || nl == NULL) {
				if (!block_end) {
					toml_value(line, len, "name", name, sizeof(name));
					toml_value(line, len, "version", version, sizeof(version));
				}
				if (name[0] != '\0' && version[0] != '\0') {
					expected++;
					if (count_packages(&inv, "cargo", name, version) == 0)
						fprintf(stderr, "# %s: missing %s %s\n", files[i], name,
							version);
					ST_CHECK(count_packages(&inv, "cargo", name, version) >= 1);
				}
				name[0] = '\0';
				version[0] = '\0';
			} else {
				toml_value(line, len, "name", name, sizeof(name));
				toml_value(line, len, "version", version, sizeof(version));
			}
			if (nl == NULL)
				break;
			pos += len + 1;
		}
		ST_CHECK(expected >= 10);
		ST_CHECK_INT(inv.count, expected);
		st_inventory_dispose(&inv);
		st_buf_dispose(&text);
	}
	return ST_TEST_PASS;
}

/* Classifier --------------------------------------------------------------- */

struct snippet_case {
	const char *file;   /* tests/data/binary/NAME */
	const char *path;   /* the name it is scanned under */
	const char *record; /* expected, or NULL for none */
};

static const struct snippet_case snippets[] = {
	{"python3.11.bin", "usr/bin/python3.11", "class\tpython\t3.11.2"},
	{"python3.11.bin", "usr/lib/libpython3.11.so.1.0", "class\tlibpython\t3.11.2"},
	{"python3.11.bin", "usr/bin/python3.12", NULL},
	{"perl.bin", "usr/bin/perl", "class\tperl\t5.36.0"},
	{"node.bin", "usr/local/bin/node", "class\tnode\t20.20.2"},
	{"bash.bin", "bin/bash", "class\tbash\t5.2.15"},
	{"busybox.bin", "bin/busybox", "class\tbusybox\t1.35.0"},
	{"nginx.bin", "usr/sbin/nginx", "class\tnginx\t1.22.1"},
	{"apache2.bin", "usr/sbin/apache2", "class\thttpd\t2.4.71"},
	{"postgres.bin", "usr/lib/postgresql/15/bin/postgres", "class\tpostgresql\t15.20"},
	{"mariadbd.bin", "usr/sbin/mariadbd", "class\tmariadb\t10.11.19"},
	{"haproxy.bin", "usr/sbin/haproxy", "class\thaproxy\t2.6.12-1+deb12u4"},
	{"php8.2.bin", "usr/bin/php8.2", "class\tphp\t8.2.36"},
	{"libruby.bin", "usr/lib/libruby-3.1.so.3.1.2", "class\truby\t3.1.2"},
	{"libc.bin", "lib/x86_64-linux-gnu/libc.so.6", "class\tglibc\t2.36"},
	{"musl.bin", "lib/ld-musl-x86_64.so.1", "class\tmusl\t1.2.3"},
	{"curl.bin", "usr/bin/curl", "class\tcurl\t7.88.1"},
	{"libcurl.bin", "usr/lib/libcurl.so.4.8.0", "class\tlibcurl\t7.88.1"},
	{"libcrypto.bin", "usr/lib/libcrypto.so.3", "class\topenssl\t3.0.19"},
	{"libjvm.bin", "usr/lib/jvm/lib/server/libjvm.so", "class\topenjdk\t17.0.21.1+2-1-deb12u1-Debian"},
	{"java.bin", "usr/lib/jvm/bin/java", "class\tjava\t17.0.21.1+2-1-deb12u1-Debian"},
	{"redis.bin", "usr/bin/redis-server", "class\tredis\t7.0.15"},
	/* A rule applies only under its own file names. */
	{"bash.bin", "usr/bin/zsh", NULL},
	{"nginx.bin", "usr/bin/bash", NULL},
};

/* Places the snippet across the first 64 KiB chunk border, in a file of
 * 160 KiB, so that every pattern is split between two reads. */
ST_TEST(classifier_snippets)
{
	size_t size = 160u << 10;
	unsigned char *f = calloc(1, size);
	struct diag_log log;
	struct st_buf snippet;
	struct st_buf out;
	size_t i;

	ST_CHECK(f != NULL);
	for (i = 0; i < ST_ARRAY_LEN(snippets); i++) {
		char rel[128];
		size_t at;

		snprintf(rel, sizeof(rel), "binary/%s", snippets[i].file);
		st_buf_init(&snippet, 4096);
		ST_CHECK(st_read_file(st_test_data_path(rel), &snippet, false, NULL) == 0);
		memset(f, 'A', size);
		at = 65536 - snippet.len / 2;
		memcpy(f + at, snippet.ptr, snippet.len);
		ST_CHECK_INT(summarize(f, size, snippets[i].path, 4099, &out, &log), 0);
		if (snippets[i].record != NULL && !has_line(&out, snippets[i].record))
			fprintf(stderr, "# %s as %s: got '%s'\n", snippets[i].file, snippets[i].path,
				out.ptr);
		if (snippets[i].record != NULL)
			ST_CHECK(has_line(&out, snippets[i].record));
		else
			ST_CHECK_INT(out.len, 0);
		st_buf_dispose(&out);
		st_buf_dispose(&snippet);
	}
	free(f);
	return ST_TEST_PASS;
}

ST_TEST(classifier_skips_go_binaries)
{
	size_t size = 8192;
	unsigned char *f = make_inline_go(size, 1024, "go1.22.1", modinfo_text);
	struct diag_log log;
	struct st_buf out;

	memcpy(f + 4096, "nginx version: nginx/1.25.3\n", 28);
	ST_CHECK_INT(summarize(f, size, "usr/sbin/nginx", 0, &out, &log), 0);
	ST_CHECK(has_line(&out, "go-version\tgo1.22.1"));
	ST_CHECK(strstr(out.ptr, "class") == NULL);
	st_buf_dispose(&out);
	free(f);
	return ST_TEST_PASS;
}

ST_TEST(summary_limit_keeps_whole_records)
{
	size_t size = 8192;
	unsigned char *f = make_inline_go(size, 1024, "go1.22.1", modinfo_text);
	struct st_walk_file meta = meta_for("usr/bin/app", size, 0755);
	struct strata_limits lim;
	struct mem_stream m;
	struct st_diag d;
	struct diag_log log;
	struct st_buf out;
	struct strata_error err;

	strata_limits_default(&lim);
	diag_init(&d, &log);
	mem_init(&m, f, size, 0);
	st_buf_init(&out, 60);
	ST_CHECK_INT(st_bin_summarize(&meta, &m.base, &out, &lim, &d, &err), STRATA_ELIMIT);
	ST_CHECK(out.len > 0 && out.len <= 60);
	ST_CHECK_INT(out.ptr[out.len - 1], '\n');
	st_buf_dispose(&out);

	/* Over binary_bytes: skipped with a warning, nothing read. */
	lim.binary_bytes = 4096;
	mem_init(&m, f, size, 0);
	st_buf_init(&out, 1024);
	ST_CHECK_INT(st_bin_summarize(&meta, &m.base, &out, &lim, &d, &err), 0);
	ST_CHECK_INT(out.len, 0);
	ST_CHECK_INT(m.pos, 0);
	ST_CHECK(strstr(log.all, "binary_bytes") != NULL);
	st_buf_dispose(&out);
	free(f);
	return ST_TEST_PASS;
}

ST_TEST(wants_summary_selection)
{
	const struct st_cataloger *c = &st_cataloger_binary;

	ST_CHECK(c->wants_summary("usr/bin/app", 11, 4096, 0755));
	ST_CHECK(c->wants_summary("usr/bin/app", 11, 512, 0100));
	ST_CHECK(!c->wants_summary("usr/bin/app", 11, 511, 0755));
	ST_CHECK(!c->wants_summary("etc/passwd", 10, 4096, 0644));
	ST_CHECK(c->wants_summary("usr/lib/libssl.so.3", 19, 4096, 0644));
	ST_CHECK(c->wants_summary("usr/lib/libz.so", 15, 4096, 0644));
	ST_CHECK(c->wants_summary("usr/lib/libz.so.1.2.13", 22, 4096, 0644));
	ST_CHECK(c->wants_summary("app/Tool.exe", 12, 4096, 0644));
	ST_CHECK(c->wants_summary("app/Lib.dll", 11, 4096, 0644));
	ST_CHECK(!c->wants_summary("usr/lib/libz.sox", 16, 4096, 0644));
	ST_CHECK(!c->wants_summary("usr/lib/libz.so.1a", 18, 4096, 0644));
	ST_CHECK(!c->wants_summary("usr/lib/.so", 11, 4096, 0644));
	ST_CHECK(!c->wants("usr/bin/app", 11));
	return ST_TEST_PASS;
}

/* Whole scans ---------------------------------------------------------------- */

struct bin_entry {
	const char *path;
	const void *data;
	size_t len;
	unsigned mode;
};

struct bin_layers {
	const struct bin_entry *entries;
	size_t count;
};

static int open_bin_layer(void *ctx, size_t index, struct st_stream **out,
			  struct strata_error *err)
{
	const struct bin_layers *bl = ctx;
	size_t cap = 4u << 20;
	struct mem_stream *m = calloc(1, sizeof(*m));
	unsigned char *buf = malloc(cap);
	struct archive *a = archive_write_new();
	size_t used = 0;
	size_t i;

	if (m == NULL || buf == NULL || a == NULL)
		abort();
	archive_write_set_format_pax_restricted(a);
	archive_write_set_bytes_in_last_block(a, 1);
	if (archive_write_open_memory(a, buf, cap, &used) != ARCHIVE_OK)
		abort();
	for (i = 0; i < bl->count; i++) {
		struct archive_entry *ae = archive_entry_new();

		archive_entry_set_pathname(ae, bl->entries[i].path);
		archive_entry_set_perm(ae, bl->entries[i].mode);
		archive_entry_set_filetype(ae, AE_IFREG);
		archive_entry_set_size(ae, (la_int64_t)bl->entries[i].len);
		if (archive_write_header(a, ae) != ARCHIVE_OK)
			abort();
		archive_write_data(a, bl->entries[i].data, bl->entries[i].len);
		archive_entry_free(ae);
	}
	archive_write_close(a);
	archive_write_free(a);
	mem_init(m, buf, used, 3000);
	m->owned = true;
	*out = &m->base;
	return 0;
}

ST_TEST(catalog_layers_binaries)
{
	size_t go_size = 100000;
	unsigned char *go = make_inline_go(go_size, 65536 - 32, "go1.22.1 X:boringcrypto",
					   modinfo_text);
	size_t rust_size;
	unsigned char *rust = make_rust(audit_json, &rust_size);
	unsigned char nginx[1024];
	unsigned char owned_curl[1024];
	struct bin_entry entries[] = {
		{"usr/bin/app", go, go_size, 0755},
		{"usr/bin/rusty", rust, rust_size, 0755},
		/* Setuid: still read for its version, and still listed. */
		{"usr/sbin/nginx", nginx, sizeof(nginx), 04755},
		{"usr/bin/curl", owned_curl, sizeof(owned_curl), 0755},
	};
	struct bin_layers bl = {entries, ST_ARRAY_LEN(entries)};
	struct strata_limits lim;
	struct st_walk_options opts;
	struct st_inventory inv;
	struct diag_log log;
	struct st_diag d;
	struct strata_error err;
	const struct st_package *p;

	memset(nginx, 0, sizeof(nginx));
	memcpy(nginx + 500, "nginx version: nginx/1.25.3\n", 28);
	memset(owned_curl, 0, sizeof(owned_curl));
	memcpy(owned_curl + 100, "curl 8.5.0 (x86_64-pc-linux-gnu)", 32);
	strata_limits_default(&lim);
	diag_init(&d, &log);
	opts.limits = &lim;
	opts.diag = &d;
	st_inventory_init(&inv);
	/* As if an OS package had installed usr/bin/curl. */
	ST_CHECK_INT(st_inventory_own_file(&inv, "usr/bin/curl", 12, "deb:curl", &err), 0);

	ST_CHECK_INT(st_catalog_layers(1, open_bin_layer, &bl, NULL, &inv, &opts, NULL, &err), 0);

	p = st_test_find_package(&inv, "golang", "stdlib");
	ST_CHECK(p != NULL);
	ST_CHECK_STR(p->version, "1.22.1");
	ST_CHECK_STR(p->purl, "pkg:golang/stdlib@1.22.1");
	ST_CHECK_STR(p->path, "usr/bin/app");
	ST_CHECK_STR(p->found_by, "binary");
	p = st_test_find_package(&inv, "golang", "example.net/app");
	ST_CHECK(p != NULL);
	ST_CHECK_STR(p->version, "(devel)");
	ST_CHECK(p->flags & ST_PKG_UNVERSIONED);
	p = st_test_find_package(&inv, "golang", "github.com/fork/text");
	ST_CHECK(p != NULL);
	ST_CHECK_STR(p->purl, "pkg:golang/github.com/fork/text@v0.3.8");
	ST_CHECK_STR(p->source_name, "golang.org/x/text");
	ST_CHECK_STR(p->source_version, "v0.0.0-20200101000000-abcdef123456");
	ST_CHECK(!(p->flags & ST_PKG_UNVERSIONED));
	p = st_test_find_package(&inv, "golang", "example.com/moda");
	ST_CHECK(p != NULL);
	ST_CHECK_STR(p->version, "(devel)");
	ST_CHECK_STR(p->source_version, "v1.2.3");

	p = st_test_find_package(&inv, "cargo", "cc");
	ST_CHECK(p != NULL);
	ST_CHECK(p->flags & ST_PKG_DEV);
	ST_CHECK_STR(p->purl, "pkg:cargo/cc@1.0.83");
	p = st_test_find_package(&inv, "cargo", "serde");
	ST_CHECK(p != NULL && !(p->flags & ST_PKG_DEV));

	p = st_test_find_package(&inv, "generic", "nginx");
	ST_CHECK(p != NULL);
	ST_CHECK_STR(p->version, "1.25.3");
	ST_CHECK_STR(p->purl, "pkg:generic/nginx@1.25.3");
	ST_CHECK_STR(p->path, "usr/sbin/nginx");
	ST_CHECK_INT(inv.setuid_count, 1);
	ST_CHECK_STR(inv.setuid[0].path, "usr/sbin/nginx");
	ST_CHECK_INT(inv.setuid[0].mode & 07777, 04755);
	/* usr/bin/curl belongs to an OS package: not reported on its own. */
	ST_CHECK(st_test_find_package(&inv, "generic", "curl") == NULL);
	ST_CHECK_INT(log.warnings, 0);

	st_inventory_dispose(&inv);
	free(go);
	free(rust);
	return ST_TEST_PASS;
}
