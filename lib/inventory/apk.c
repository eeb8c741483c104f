/* The apk cataloger: installed Alpine (and Wolfi, Chainguard) packages
 * from lib/apk/db/installed, each attributed to the layer that introduced
 * its current version. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inventory/inventory.h"
#include "inventory/pkg_common.h"
#include "version/version.h"

#define APK_INSTALLED_PATH "lib/apk/db/installed"

/* Warnings per file before the rest of its problems go unreported, so
 * that a file of garbage cannot flood the diagnostics. */
#define APK_MAX_WARNINGS 20

/* Database parsing ---------------------------------------------------------- */

/* apk-tools writes the installed database as one stanza per package,
 * stanzas separated by an empty line, each line a one-letter key, ':'
 * and the value, with no continuation lines. The fields kept here: */
enum field_id { F_NAME, F_VERSION, F_ARCH, F_ORIGIN, F_LICENSE, F_COUNT };

static const char field_keys[F_COUNT] = {
	[F_NAME] = 'P', [F_VERSION] = 'V', [F_ARCH] = 'A', [F_ORIGIN] = 'o', [F_LICENSE] = 'L',
};

/* Besides these, F: names a directory and each R: after it a file of that
 * directory that the package owns. The other keys (C: checksum, D:
 * dependencies, p: provides, m: maintainer, t: build time, c: commit, a:,
 * M: and Z: file attributes, ...) are not kept. */

struct stanza {
	size_t line;         /* of its first line */
	uint64_t lines;
	uint64_t fields;     /* lines in KEY:VALUE form */
	struct st_slice value[F_COUNT];
	bool seen[F_COUNT];
	int repeated;        /* a field seen twice, or -1 */
	struct st_slice dir; /* the last F: value */
	bool has_dir;
	size_t file_count;
	bool files_cut;      /* an R: line past the line limit was dropped */
};

struct parser {
	const char *path;
	const struct strata_limits *lim;
	struct st_diag *diag;
	unsigned warnings;
	struct st_buf files;   /* the current stanza's file paths */
	struct st_buf scratch; /* NUL-terminated strings for one package */
	int (*fn)(void *ctx, const struct st_apk_package *pkg, struct strata_error *err);
	void *ctx;
};

static void parser_warn(struct parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void parser_warn(struct parser *p, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	p->warnings++;
	if (p->warnings > APK_MAX_WARNINGS + 1)
		return;
	if (p->warnings == APK_MAX_WARNINGS + 1) {
		st_diag(p->diag, ST_DIAG_WARN, "%s: more than %d problems, the rest not reported",
			p->path, APK_MAX_WARNINGS);
		return;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	st_diag(p->diag, ST_DIAG_WARN, "%s: %s", p->path, msg);
}

static bool is_control(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

/* A package name, version or architecture: non-empty, no blanks or
 * control bytes (and so no NUL, which would cut the C string short). */
static bool is_token(struct st_slice s)
{
	size_t i;

	if (s.len == 0)
		return false;
	for (i = 0; i < s.len; i++) {
		unsigned char c = (unsigned char)s.ptr[i];

		if (c == ' ' || is_control(c))
			return false;
	}
	return true;
}

static bool has_control(struct st_slice s)
{
	size_t i;

	for (i = 0; i < s.len; i++) {
		if (is_control((unsigned char)s.ptr[i]))
			return true;
	}
	return false;
}

/* The length of NAME to quote with "%.*s": a message has room for 512
 * bytes, and an int cannot hold every size_t. */
static int shown(struct st_slice name)
{
	return name.len > 200 ? 200 : (int)name.len;
}

/* Records R: NAME as the path DIR/NAME, where DIR is the last F: value. */
static int add_file(struct parser *p, struct stanza *s, struct st_slice name, size_t line_no,
		    struct strata_error *err)
{
	size_t len;
	int rc;

	if (s->lines > p->lim->status_fields) {
		s->files_cut = true;
		return 0;
	}
	if (!s->has_dir) {
		parser_warn(p, "line %zu: R: line before any F: line, ignored", line_no);
		return 0;
	}
	if (name.len == 0 || has_control(name) || has_control(s->dir)) {
		parser_warn(p, "line %zu: invalid file name, ignored", line_no);
		return 0;
	}
	if (!st_add_size(s->dir.len, name.len + 1, &len) || len > p->lim->path_bytes) {
		parser_warn(p, "line %zu: file path longer than %u bytes (limit path_bytes), ignored",
			    line_no, (unsigned)p->lim->path_bytes);
		return 0;
	}

	rc = 0;
	if (s->dir.len > 0) {
		rc = st_buf_append(&p->files, s->dir.ptr, s->dir.len, err);
		if (rc == 0)
			rc = st_buf_putc(&p->files, '/', err);
	}
	if (rc == 0)
		rc = st_buf_append(&p->files, name.ptr, name.len, err);
	if (rc == 0)
		rc = st_buf_putc(&p->files, '\0', err);
	if (rc < 0)
		return rc;
	s->file_count++;
	return 0;
}

/* Records one line of stanza S. */
static int add_line(struct parser *p, struct stanza *s, struct st_slice line, size_t line_no,
		    struct strata_error *err)
{
	struct st_slice value;
	int i;

	s->lines++;
	if (line.len < 2 || line.ptr[1] != ':') {
		parser_warn(p, "line %zu: not a KEY:VALUE line, ignored", line_no);
		return 0;
	}
	s->fields++;
	value = st_slice_make(line.ptr + 2, line.len - 2);
	if (line.ptr[0] == 'F') {
		s->dir = value;
		s->has_dir = true;
		return 0;
	}
	if (line.ptr[0] == 'R')
		return add_file(p, s, value, line_no, err);
	for (i = 0; i < F_COUNT; i++) {
		if (line.ptr[0] != field_keys[i])
			continue;
		if (s->seen[i] && s->repeated < 0)
			s->repeated = i;
		s->seen[i] = true;
		s->value[i] = value;
		break;
	}
	return 0;
}

/* Hands one valid stanza to the callback, with its strings NUL-terminated
 * in the scratch buffer. ORIGIN and LICENSE may be empty (absent). */
static int emit(struct parser *p, const struct stanza *s, struct st_slice origin,
		struct st_slice license, struct strata_error *err)
{
	enum { S_NAME, S_VERSION, S_ARCH, S_ORIGIN, S_LICENSE, S_PATH, S_COUNT };
	struct st_slice part[S_COUNT];
	size_t off[S_COUNT];
	struct st_apk_package out;
	struct st_package *pkg = &out.pkg;
	struct strata_error verr;
	int i;
	int rc;

	part[S_NAME] = s->value[F_NAME];
	part[S_VERSION] = s->value[F_VERSION];
	part[S_ARCH] = s->value[F_ARCH];
	part[S_ORIGIN] = origin;
	part[S_LICENSE] = license;
	part[S_PATH] = st_slice_cstr(p->path);

	p->scratch.len = 0;
	for (i = 0; i < S_COUNT; i++) {
		off[i] = p->scratch.len;
		rc = st_buf_append(&p->scratch, part[i].ptr, part[i].len, err);
		if (rc == 0)
			rc = st_buf_putc(&p->scratch, '\0', err);
		if (rc < 0)
			return rc;
	}

	memset(&out, 0, sizeof(out));
	pkg->type = "apk";
	pkg->name = p->scratch.ptr + off[S_NAME];
	pkg->version = p->scratch.ptr + off[S_VERSION];
	pkg->arch = part[S_ARCH].len ? p->scratch.ptr + off[S_ARCH] : NULL;
	pkg->source_name = part[S_ORIGIN].len ? p->scratch.ptr + off[S_ORIGIN] : NULL;
	pkg->license = part[S_LICENSE].len ? p->scratch.ptr + off[S_LICENSE] : NULL;
	pkg->path = p->scratch.ptr + off[S_PATH];
	out.files = p->files.len ? p->files.ptr : "";
	out.file_count = s->file_count;
	out.files_complete = !s->files_cut;

	/* apk-tools rejects such a version when it builds or installs a
	 * package, so apk did not write this stanza. The package is kept,
	 * but its version cannot be ordered against advisories. */
	if (st_apk_version_validate(pkg->version, &verr) < 0)
		parser_warn(p, "line %zu: package %s: %s", s->line, pkg->name, verr.msg);
	return p->fn(p->ctx, &out, err);
}

/* Checks a finished stanza and emits it when it names a package. Fields
 * that only describe the package (o:, L:) are dropped when invalid, and
 * the package is kept. */
static int end_stanza(struct parser *p, const struct stanza *s, struct strata_error *err)
{
	struct st_slice name = s->value[F_NAME];
	struct st_slice origin = s->value[F_ORIGIN];
	struct st_slice license = s->value[F_LICENSE];

	/* A stanza of malformed lines only: they were reported already. */
	if (s->fields == 0)
		return 0;
	if (s->repeated >= 0) {
		parser_warn(p, "line %zu: stanza repeats the %c: field, skipped", s->line,
			    field_keys[s->repeated]);
		return 0;
	}
	if (!is_token(name)) {
		parser_warn(p, "line %zu: stanza without a valid P: (package name) line, skipped",
			    s->line);
		return 0;
	}
	if (!is_token(s->value[F_VERSION])) {
		parser_warn(p, "line %zu: package %.*s has no valid V: (version) line, skipped",
			    s->line, shown(name), name.ptr);
		return 0;
	}
	if (s->seen[F_ARCH] && !is_token(s->value[F_ARCH])) {
		parser_warn(p, "line %zu: package %.*s has an invalid A: (architecture) line, skipped",
			    s->line, shown(name), name.ptr);
		return 0;
	}

	if (s->seen[F_ORIGIN] && !is_token(origin)) {
		parser_warn(p, "line %zu: package %.*s has an invalid o: (origin) line, ignored",
			    s->line, shown(name), name.ptr);
		origin.len = 0;
	}
	if (has_control(license)) {
		parser_warn(p, "line %zu: package %.*s has control bytes in its L: (license) line, "
			       "ignored", s->line, shown(name), name.ptr);
		license.len = 0;
	}
	if (s->files_cut)
		parser_warn(p, "line %zu: package %.*s has more than %llu lines (limit "
			       "status_fields), its file list is incomplete", s->line,
			    shown(name), name.ptr, (unsigned long long)p->lim->status_fields);
	return emit(p, s, origin, license, err);
}

static void begin_stanza(struct parser *p, struct stanza *s, size_t line_no)
{
	memset(s, 0, sizeof(*s));
	s->line = line_no;
	s->repeated = -1;
	p->files.len = 0;
}

static int parse(struct parser *p, struct st_slice text, struct strata_error *err)
{
	struct st_slice rest = text;
	struct stanza s;
	bool in_stanza = false;
	size_t line_no = 0;
	int rc;

	while (rest.len > 0) {
		struct st_slice line;

		st_slice_split(&rest, '\n', &line);
		line_no++;
		/* apk writes LF; a CR before it is dropped. */
		if (line.len > 0 && line.ptr[line.len - 1] == '\r')
			line.len--;

		if (line.len == 0) {
			if (in_stanza) {
				rc = end_stanza(p, &s, err);
				if (rc < 0)
					return rc;
			}
			in_stanza = false;
			continue;
		}
		if (!in_stanza) {
			begin_stanza(p, &s, line_no);
			in_stanza = true;
		}
		rc = add_line(p, &s, line, line_no, err);
		if (rc < 0)
			return rc;
	}
	if (in_stanza)
		return end_stanza(p, &s, err);
	return 0;
}

/* The file list of one stanza contains at most status_fields paths of
 * at most path_bytes bytes and a NUL each. */
static size_t files_max(const struct strata_limits *lim)
{
	size_t per_path = (size_t)lim->path_bytes + 1;
	size_t max;

	if (lim->status_fields > SIZE_MAX || !st_mul_size((size_t)lim->status_fields, per_path, &max))
		return SIZE_MAX;
	return max;
}

int st_apk_parse_installed(struct st_slice text, const char *path,
			   const struct strata_limits *lim, struct st_diag *diag,
			   int (*fn)(void *ctx, const struct st_apk_package *pkg,
				     struct strata_error *err),
			   void *ctx, struct strata_error *err)
{
	struct parser p;
	size_t scratch_max;
	int rc;

	if (text.len > lim->cataloged_file_bytes)
		return st_error_set(err, STRATA_ELIMIT,
				    "%s: %zu bytes, over %llu (limit cataloged_file_bytes)", path,
				    text.len, (unsigned long long)lim->cataloged_file_bytes);
	if (!st_add_size(text.len, strlen(path) + 16, &scratch_max))
		return st_error_set(err, STRATA_ELIMIT, "%s: too large", path);

	memset(&p, 0, sizeof(p));
	p.path = path;
	p.lim = lim;
	p.diag = diag;
	p.fn = fn;
	p.ctx = ctx;
	st_buf_init(&p.scratch, scratch_max);
	st_buf_init(&p.files, files_max(lim));

	rc = parse(&p, text, err);
	st_buf_dispose(&p.scratch);
	st_buf_dispose(&p.files);
	return rc;
}

/* The cataloger ------------------------------------------------------------ */

struct apk_state {
	/* The database as of the last layer that wrote it, keyed by package
	 * name: apk installs one package per name. */
	struct st_pkg_history history;
	/* Packages of the final view, waiting for the OS release to build
	 * their purls; strings in ARENA. */
	struct st_arena arena;
	struct st_package *pending;
	size_t count;
	size_t cap;
};

/* Context of the collecting callbacks. */
struct collect_ctx {
	struct apk_state *st;
	struct st_pkg_history *next;
	size_t layer;
	struct st_inventory *inv; /* on_final_file: records the owned files */
};

static int collect_history(void *ctx, const struct st_apk_package *apk, struct strata_error *err)
{
	struct collect_ctx *c = ctx;

	return st_pkg_history_add(c->next, &apk->pkg, c->layer, err);
}

static bool is_installed_db(const char *path, size_t len)
{
	return len == strlen(APK_INSTALLED_PATH) && memcmp(path, APK_INSTALLED_PATH, len) == 0;
}

static bool apk_wants(const char *path, size_t len)
{
	return is_installed_db(path, len);
}

/* Called for each layer that wrote lib/apk/db/installed: a package keeps
 * the layer of the previous database when its version is unchanged, and
 * gets this layer otherwise. A layer that removed the file (f->removed,
 * empty data) lists no package. */
static int apk_on_layer_file(void *state, const struct st_walk_file *f,
			     struct st_catalog_ctx *ctx, struct strata_error *err)
{
	struct apk_state *st = state;
	struct st_pkg_history next;
	struct collect_ctx c = {.st = st, .next = &next, .layer = f->layer};
	struct strata_error perr;
	int rc;

	if (f->type != ST_FILE_REGULAR || !is_installed_db(f->path, f->path_len))
		return 0;
	st_pkg_history_init(&next, ST_PKG_KEY_NAME, "apk");

	/* Problems are reported once, when the final file is parsed. */
	rc = st_apk_parse_installed(f->data, APK_INSTALLED_PATH, ctx->limits, NULL,
				    collect_history, &c, &perr);
	if (rc == STRATA_ELIMIT) {
		rc = 0;
		goto out;
	}
	if (rc < 0) {
		if (err != NULL)
			*err = perr;
		goto out;
	}
	st_pkg_history_update(&st->history, 1, 0, &next, f->layer);

out:
	st_pkg_history_dispose(&next);
	return rc;
}

/* Records the files of APK as owned by "apk:NAME". */
static int own_files(struct st_inventory *inv, const struct st_apk_package *apk,
		     struct strata_error *err)
{
	const char *p = apk->files;
	char *owner;
	size_t i;
	int rc;

	if (inv == NULL || apk->file_count == 0)
		return 0;
	owner = malloc(strlen(apk->pkg.name) + 5);
	if (owner == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory for package %s",
				    apk->pkg.name);
	memcpy(owner, "apk:", 4);
	memcpy(owner + 4, apk->pkg.name, strlen(apk->pkg.name) + 1);
	for (i = 0, rc = 0; i < apk->file_count && rc == 0; i++) {
		size_t len = strlen(p);

		rc = st_inventory_own_file(inv, p, len, owner, err);
		p += len + 1;
	}
	free(owner);
	return rc;
}

static int collect_final(void *ctx, const struct st_apk_package *apk, struct strata_error *err)
{
	struct collect_ctx *c = ctx;
	struct apk_state *st = c->st;
	const struct st_package *pkg = &apk->pkg;
	struct st_arena *a = &st->arena;
	struct st_package *out;
	int rc;

	rc = st_pkg_array_grow((void **)&st->pending, &st->cap, st->count, sizeof(*st->pending),
			       "apk", err);
	if (rc < 0)
		return rc;
	out = &st->pending[st->count];
	memset(out, 0, sizeof(*out));
	out->type = "apk";
	out->found_by = "apk";
	out->flags = st_pkg_kernel_flags("apk", pkg->name);
	out->name = st_arena_strdup(a, pkg->name);
	out->version = st_arena_strdup(a, pkg->version);
	out->arch = st_arena_strdup(a, pkg->arch);
	out->source_name = st_arena_strdup(a, pkg->source_name);
	out->license = st_arena_strdup(a, pkg->license);
	out->path = st_arena_strdup(a, pkg->path);
	if (out->name == NULL || out->version == NULL || out->path == NULL ||
	    (pkg->arch && out->arch == NULL) ||
	    (pkg->source_name && out->source_name == NULL) ||
	    (pkg->license && out->license == NULL))
		return st_error_set(err, STRATA_ENOMEM, "out of memory for package %s", pkg->name);

	out->layer = st_pkg_history_layer(&st->history, pkg, c->layer);
	st->count++;
	return own_files(c->inv, apk, err);
}

static int apk_on_final_file(void *state, const struct st_walk_file *f,
			     struct st_catalog_ctx *ctx, struct strata_error *err)
{
	struct collect_ctx c = {.st = state, .layer = f->layer, .inv = ctx->inv};
	struct strata_error perr;
	int rc;

	if (f->type != ST_FILE_REGULAR || !is_installed_db(f->path, f->path_len))
		return 0;
	strata_error_clear(&perr);
	rc = st_apk_parse_installed(f->data, APK_INSTALLED_PATH, ctx->limits, ctx->diag,
				    collect_final, &c, &perr);
	if (rc == STRATA_ELIMIT) {
		st_diag(ctx->diag, ST_DIAG_WARN, "%s, skipped", perr.msg);
		return 0;
	}
	if (rc < 0 && err != NULL)
		*err = perr;
	return rc;
}

/* pkg:apk/ID/NAME@VERSION?arch=ARCH&distro=ID-VERSION_ID. The namespace
 * is the OS release's ID (alpine, wolfi, chainguard). Without an OS
 * release it is "alpine" and distro is left out. The purl spec's apk type
 * wants namespace and name lowercased. */
static int apk_build_purl(struct st_package *pkg, const struct st_os *os, struct st_arena *a,
			  struct strata_error *err)
{
	const char *vendor;
	const char *distro;
	const char *name;
	const char *q[4];
	int rc;

	rc = st_pkg_os_qualifiers(&vendor, &distro, os, "alpine", pkg, a, err);
	if (rc < 0)
		return rc;
	name = st_pkg_lowercase(a, pkg->name);
	if (name == NULL)
		goto nomem;

	q[0] = "arch";
	q[1] = pkg->arch;
	q[2] = "distro";
	q[3] = distro;
	pkg->purl = st_purl_build(a, "apk", vendor, name, pkg->version, q, 2);
	if (pkg->purl == NULL)
		goto nomem;
	return 0;

nomem:
	return st_error_set(err, STRATA_ENOMEM, "out of memory for package %s", pkg->name);
}

static int apk_finish(void *state, struct st_catalog_ctx *ctx, struct strata_error *err)
{
	struct apk_state *st = state;
	size_t i;
	int rc;

	for (i = 0; i < st->count; i++) {
		rc = apk_build_purl(&st->pending[i], &ctx->inv->os, &st->arena, err);
		if (rc < 0)
			return rc;
		rc = st_inventory_add(ctx->inv, &st->pending[i], err);
		if (rc < 0)
			return rc;
	}
	/* With the scan option all_layers: packages a later layer removed. */
	return st_pkg_history_add_removed(&st->history, "apk", APK_INSTALLED_PATH, "apk",
					  apk_build_purl, ctx, &st->arena, err);
}

static int apk_init(void **state, struct strata_error *err)
{
	struct apk_state *st = calloc(1, sizeof(*st));

	*state = st;
	if (st == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory");
	st_arena_init(&st->arena);
	st_pkg_history_init(&st->history, ST_PKG_KEY_NAME, "apk");
	return 0;
}

static void apk_free(void *state)
{
	struct apk_state *st = state;

	if (st == NULL)
		return;
	st_pkg_history_dispose(&st->history);
	st_arena_dispose(&st->arena);
	free(st->pending);
	free(st);
}

static const char *apk_anchor(size_t i)
{
	return i == 0 ? APK_INSTALLED_PATH : NULL;
}

const struct st_cataloger st_cataloger_apk = {
	.name = "apk",
	.wants = apk_wants,
	.anchor = apk_anchor,
	.init = apk_init,
	.on_layer_file = apk_on_layer_file,
	.on_final_file = apk_on_final_file,
	.finish = apk_finish,
	.free = apk_free,
};
