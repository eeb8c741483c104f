/* The dpkg cataloger: installed Debian packages from var/lib/dpkg/status
 * and from distroless var/lib/dpkg/status.d/NAME files, each package
 * attributed to the layer that introduced its current version. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "inventory/inventory.h"
#include "inventory/pkg_common.h"

#define DPKG_STATUS_PATH "var/lib/dpkg/status"
#define DPKG_STATUS_DIR "var/lib/dpkg/status.d/"

/* Warnings per file before the rest of its problems go unreported, so
 * that a file of garbage cannot flood the diagnostics. */
#define DPKG_MAX_WARNINGS 20

/* Status file parsing --------------------------------------------------- */

/* Status words (the last of the three) under which the package's files are
 * on disk, per dpkg-query(1). */
static const char *const installed_states[] = {
	"installed", "triggers-pending", "triggers-awaiting", "half-configured", "unpacked",
};

enum field_id { F_PACKAGE, F_VERSION, F_ARCH, F_SOURCE, F_STATUS, F_COUNT };

static const char *const field_names[F_COUNT] = {
	[F_PACKAGE] = "Package",
	[F_VERSION] = "Version",
	[F_ARCH] = "Architecture",
	[F_SOURCE] = "Source",
	[F_STATUS] = "Status",
};

struct stanza {
	size_t line;   /* of its first field */
	uint64_t fields;
	struct st_slice value[F_COUNT];
	bool seen[F_COUNT];
	int repeated;  /* a field seen twice, or -1 */
	bool over_limit;
};

struct parser {
	struct st_slice text;
	const char *path;
	const struct strata_limits *lim;
	struct st_diag *diag;
	bool status_d;     /* stanzas without Status count as installed */
	unsigned warnings;
	struct st_buf scratch; /* NUL-terminated strings for one package */
	int (*fn)(void *ctx, const struct st_package *pkg, struct strata_error *err);
	void *ctx;
};

static void parser_warn(struct parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void parser_warn(struct parser *p, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	p->warnings++;
	if (p->warnings > DPKG_MAX_WARNINGS + 1)
		return;
	if (p->warnings == DPKG_MAX_WARNINGS + 1) {
		st_diag(p->diag, ST_DIAG_WARN, "%s: more than %d problems, the rest not reported",
			p->path, DPKG_MAX_WARNINGS);
		return;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	st_diag(p->diag, ST_DIAG_WARN, "%s: %s", p->path, msg);
}

static bool slice_eq_nocase(struct st_slice s, const char *c)
{
	size_t n = strlen(c);

	return s.len == n && strncasecmp(s.ptr, c, n) == 0;
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

		if (c <= 0x20 || c == 0x7f)
			return false;
	}
	return true;
}

static bool status_is_installed(struct st_slice status)
{
	struct st_slice t = st_slice_trim(status);
	struct st_slice word;
	size_t start = t.len;
	size_t i;

	while (start > 0 && t.ptr[start - 1] != ' ' && t.ptr[start - 1] != '\t')
		start--;
	word = st_slice_make(t.ptr + start, t.len - start);
	for (i = 0; i < ST_ARRAY_LEN(installed_states); i++) {
		if (st_slice_eq_cstr(word, installed_states[i]))
			return true;
	}
	return false;
}

/* Splits "Source: NAME (VERSION)" into its parts; VERSION may be absent. */
static void split_source(struct st_slice source, struct st_slice *name, struct st_slice *version)
{
	size_t i = 0;
	struct st_slice rest;

	source = st_slice_trim(source);
	while (i < source.len && source.ptr[i] != ' ' && source.ptr[i] != '\t' &&
	       source.ptr[i] != '(')
		i++;
	*name = st_slice_make(source.ptr, i);
	rest = st_slice_trim(st_slice_make(source.ptr + i, source.len - i));
	version->ptr = NULL;
	version->len = 0;
	if (rest.len >= 2 && rest.ptr[0] == '(' && rest.ptr[rest.len - 1] == ')')
		*version = st_slice_trim(st_slice_make(rest.ptr + 1, rest.len - 2));
}

/* Hands one valid, installed stanza to the callback, with its strings
 * NUL-terminated in the scratch buffer. */
static int emit(struct parser *p, const struct stanza *s, struct strata_error *err)
{
	enum { S_NAME, S_VERSION, S_ARCH, S_SRC_NAME, S_SRC_VERSION, S_PATH, S_COUNT };
	struct st_slice part[S_COUNT];
	size_t off[S_COUNT];
	struct st_package pkg;
	int i;
	int rc;

	memset(part, 0, sizeof(part));
	if (s->seen[F_SOURCE])
		split_source(s->value[F_SOURCE], &part[S_SRC_NAME], &part[S_SRC_VERSION]);
	if (!is_token(part[S_SRC_VERSION]))
		part[S_SRC_VERSION].len = 0;
	if (!is_token(part[S_SRC_NAME])) {
		part[S_SRC_NAME].len = 0;
		part[S_SRC_VERSION].len = 0;
	}
	part[S_NAME] = s->value[F_PACKAGE];
	part[S_VERSION] = s->value[F_VERSION];
	part[S_ARCH] = s->value[F_ARCH];
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

	memset(&pkg, 0, sizeof(pkg));
	pkg.type = "deb";
	pkg.name = p->scratch.ptr + off[S_NAME];
	pkg.version = p->scratch.ptr + off[S_VERSION];
	pkg.arch = part[S_ARCH].len ? p->scratch.ptr + off[S_ARCH] : NULL;
	pkg.source_name = part[S_SRC_NAME].len ? p->scratch.ptr + off[S_SRC_NAME] : NULL;
	pkg.source_version = part[S_SRC_VERSION].len ? p->scratch.ptr + off[S_SRC_VERSION] : NULL;
	pkg.path = p->scratch.ptr + off[S_PATH];
	return p->fn(p->ctx, &pkg, err);
}

/* Checks a finished stanza and emits it when it is an installed package. */
static int end_stanza(struct parser *p, const struct stanza *s, struct strata_error *err)
{
	if (s->over_limit) {
		parser_warn(p, "line %zu: stanza has more than %llu fields (limit status_fields), skipped",
			    s->line, (unsigned long long)p->lim->status_fields);
		return 0;
	}
	if (s->repeated >= 0) {
		parser_warn(p, "line %zu: stanza repeats the %s field, skipped", s->line,
			    field_names[s->repeated]);
		return 0;
	}
	if (!is_token(s->value[F_PACKAGE])) {
		parser_warn(p, "line %zu: stanza without a valid Package field, skipped", s->line);
		return 0;
	}
	if (!is_token(s->value[F_VERSION])) {
		parser_warn(p, "line %zu: package %.*s has no valid Version field, skipped", s->line,
			    (int)s->value[F_PACKAGE].len, s->value[F_PACKAGE].ptr);
		return 0;
	}
	if (s->value[F_ARCH].len > 0 && !is_token(s->value[F_ARCH])) {
		parser_warn(p, "line %zu: package %.*s has an invalid Architecture field, skipped",
			    s->line, (int)s->value[F_PACKAGE].len, s->value[F_PACKAGE].ptr);
		return 0;
	}
	if (s->seen[F_STATUS] ? !status_is_installed(s->value[F_STATUS]) : !p->status_d)
		return 0;
	return emit(p, s, err);
}

/* Records one "Name: value" line of stanza S. */
static void add_field(struct parser *p, struct stanza *s, struct st_slice line, size_t line_no)
{
	const char *colon = memchr(line.ptr, ':', line.len);
	struct st_slice name;
	struct st_slice value;
	int i;

	if (s->over_limit)
		return;
	s->fields++;
	if (s->fields > p->lim->status_fields) {
		s->over_limit = true;
		return;
	}
	if (colon == NULL) {
		parser_warn(p, "line %zu: no ':' in field line, ignored", line_no);
		return;
	}
	name = st_slice_trim(st_slice_make(line.ptr, (size_t)(colon - line.ptr)));
	value = st_slice_trim(st_slice_make(colon + 1, line.len - (size_t)(colon - line.ptr) - 1));
	for (i = 0; i < F_COUNT; i++) {
		if (!slice_eq_nocase(name, field_names[i]))
			continue;
		if (s->seen[i] && s->repeated < 0)
			s->repeated = i;
		s->seen[i] = true;
		s->value[i] = value;
		return;
	}
}

/* RFC 822-like stanzas as dpkg writes them (deb822(5)): "Name: value"
 * lines, continuation lines starting with a space or tab, and empty lines
 * between stanzas. A CR before a newline is dropped. */
static int parse(struct parser *p, struct strata_error *err)
{
	struct st_slice rest = p->text;
	struct stanza s;
	bool in_stanza = false;
	size_t line_no = 0;
	int rc;

	while (rest.len > 0) {
		struct st_slice line;

		st_slice_split(&rest, '\n', &line);
		line_no++;
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
		if (line.ptr[0] == ' ' || line.ptr[0] == '\t') {
			/* Continuation lines (Description, Conffiles) carry
			 * nothing this parser keeps. */
			if (!in_stanza && st_slice_trim(line).len > 0)
				parser_warn(p, "line %zu: continuation line outside a stanza, ignored",
					    line_no);
			continue;
		}
		if (!in_stanza) {
			memset(&s, 0, sizeof(s));
			s.line = line_no;
			s.repeated = -1;
			in_stanza = true;
		}
		add_field(p, &s, line, line_no);
	}
	if (in_stanza)
		return end_stanza(p, &s, err);
	return 0;
}

/* True when PATH is a file directly inside a status.d directory. */
static bool path_in_status_d(const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t dir_len;

	if (slash == NULL)
		return false;
	dir_len = (size_t)(slash - path);
	if (dir_len == strlen("status.d"))
		return memcmp(path, "status.d", dir_len) == 0;
	return dir_len > strlen("status.d") && memcmp(slash - 9, "/status.d", 9) == 0;
}

int st_dpkg_parse_status(struct st_slice text, const char *path,
			 const struct strata_limits *lim, struct st_diag *diag,
			 int (*fn)(void *ctx, const struct st_package *pkg,
				   struct strata_error *err),
			 void *ctx, struct strata_error *err)
{
	struct parser p;
	int rc;

	memset(&p, 0, sizeof(p));
	p.text = text;
	p.path = path;
	p.lim = lim;
	p.diag = diag;
	p.status_d = path_in_status_d(path);
	p.fn = fn;
	p.ctx = ctx;
	st_buf_init(&p.scratch, text.len + strlen(path) + 16);

	rc = parse(&p, err);
	st_buf_dispose(&p.scratch);
	return rc;
}

/* The cataloger ------------------------------------------------------------ */

struct dpkg_state {
	/* The status file as of the last layer that wrote it, keyed by
	 * package name and architecture. */
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
	struct dpkg_state *st;
	struct st_pkg_history *next;
	size_t layer;
	bool from_status_d;
};

static int collect_history(void *ctx, const struct st_package *pkg, struct strata_error *err)
{
	struct collect_ctx *c = ctx;

	return st_pkg_history_add(c->next, pkg, c->layer, err);
}

/* Called for each layer that wrote var/lib/dpkg/status: a package keeps
 * the layer of the previous status file when its version is unchanged,
 * and gets this layer otherwise. A layer that removed the file
 * (f->removed, empty data) lists no package. */
static int dpkg_on_layer_file(void *state, const struct st_walk_file *f,
			      struct st_catalog_ctx *ctx, struct strata_error *err)
{
	struct dpkg_state *st = state;
	struct st_pkg_history next;
	struct collect_ctx c = {.st = st, .next = &next, .layer = f->layer};
	char *path = NULL;
	int rc;

	if (f->type != ST_FILE_REGULAR || f->path_len != strlen(DPKG_STATUS_PATH) ||
	    memcmp(f->path, DPKG_STATUS_PATH, f->path_len) != 0)
		return 0;
	st_pkg_history_init(&next, ST_PKG_KEY_NAME_ARCH, "dpkg");
	path = st_strndup(f->path, f->path_len);
	if (path == NULL) {
		rc = st_error_set(err, STRATA_ENOMEM, "out of memory");
		goto out;
	}

	/* Problems are reported once, when the final file is parsed. */
	rc = st_dpkg_parse_status(f->data, path, ctx->limits, NULL, collect_history, &c, err);
	if (rc < 0)
		goto out;
	st_pkg_history_update(&st->history, 1, 0, &next, f->layer);

out:
	st_pkg_history_dispose(&next);
	free(path);
	return rc;
}

static int collect_final(void *ctx, const struct st_package *pkg, struct strata_error *err)
{
	struct collect_ctx *c = ctx;
	struct dpkg_state *st = c->st;
	struct st_arena *a = &st->arena;
	struct st_package *out;
	int rc;

	rc = st_pkg_array_grow((void **)&st->pending, &st->cap, st->count, sizeof(*st->pending),
			       "dpkg", err);
	if (rc < 0)
		return rc;
	out = &st->pending[st->count];
	memset(out, 0, sizeof(*out));
	/* NOTE: license stays NULL: the status file has no license field, and
	 * usr/share/doc/NAME/copyright is not read. */
	out->type = "deb";
	out->found_by = "dpkg";
	out->flags = st_pkg_kernel_flags("deb", pkg->name);
	out->name = st_arena_strdup(a, pkg->name);
	out->version = st_arena_strdup(a, pkg->version);
	out->arch = st_arena_strdup(a, pkg->arch);
	out->source_name = st_arena_strdup(a, pkg->source_name);
	out->source_version = st_arena_strdup(a, pkg->source_version);
	out->path = st_arena_strdup(a, pkg->path);
	if (out->name == NULL || out->version == NULL || out->path == NULL ||
	    (pkg->arch && out->arch == NULL) ||
	    (pkg->source_name && out->source_name == NULL) ||
	    (pkg->source_version && out->source_version == NULL))
		return st_error_set(err, STRATA_ENOMEM, "out of memory for package %s", pkg->name);

	out->layer = c->layer;
	if (!c->from_status_d)
		out->layer = st_pkg_history_layer(&st->history, pkg, c->layer);
	st->count++;
	return 0;
}

static bool is_status_d_file(const char *path, size_t len)
{
	size_t dir = strlen(DPKG_STATUS_DIR);
	const char *name = path + dir;
	size_t name_len = len - dir;
	static const char md5sums[] = ".md5sums";

	if (len <= dir || memcmp(path, DPKG_STATUS_DIR, dir) != 0)
		return false;
	if (memchr(name, '/', name_len) != NULL)
		return false;
	/* Distroless writes NAME and NAME.md5sums; hidden names are editor
	 * or tool leftovers, not package records. */
	if (name[0] == '.')
		return false;
	return !(name_len >= sizeof(md5sums) - 1 &&
		 memcmp(name + name_len - (sizeof(md5sums) - 1), md5sums, sizeof(md5sums) - 1) == 0);
}

/* File lists ---------------------------------------------------------------- */

#define DPKG_INFO_DIR "var/lib/dpkg/info/"

/* The package name of a file list, or an empty slice when PATH is no file list:
 * info/NAME.list or info/NAME:ARCH.list (a Multi-Arch: same package), and
 * status.d/NAME.md5sums of distroless images. */
static struct st_slice file_list_package(const char *path, size_t len)
{
	struct st_slice none = st_slice_make(path, 0);
	struct st_slice p = st_slice_make(path, len);
	struct st_slice name;
	const char *colon;

	if (st_slice_starts_with(p, DPKG_INFO_DIR) && len > strlen(DPKG_INFO_DIR) + 5 &&
	    memcmp(path + len - 5, ".list", 5) == 0)
		name = st_slice_make(path + strlen(DPKG_INFO_DIR), len - strlen(DPKG_INFO_DIR) - 5);
	else if (st_slice_starts_with(p, DPKG_STATUS_DIR) && len > strlen(DPKG_STATUS_DIR) + 8 &&
		 memcmp(path + len - 8, ".md5sums", 8) == 0)
		name = st_slice_make(path + strlen(DPKG_STATUS_DIR),
				     len - strlen(DPKG_STATUS_DIR) - 8);
	else
		return none;
	if (memchr(name.ptr, '/', name.len) != NULL || name.ptr[0] == '.')
		return none;
	colon = memchr(name.ptr, ':', name.len);
	if (colon != NULL)
		name.len = (size_t)(colon - name.ptr);
	return name.len > 0 && name.len <= 255 ? name : none;
}

/* Records the files of one package: a .list file has one absolute path a
 * line ("/." first), an .md5sums file "MD5SUM  PATH" lines with PATH
 * relative to the root. Lines over path_bytes or with control bytes are
 * skipped. */
static int own_file_list(const struct st_walk_file *f, struct st_slice package,
			 struct st_catalog_ctx *ctx, struct strata_error *err)
{
	struct st_slice rest = f->data;
	bool md5sums = f->path_len > 8 && memcmp(f->path + f->path_len - 8, ".md5sums", 8) == 0;
	char owner[4 + 256];
	int rc;

	snprintf(owner, sizeof(owner), "deb:%.*s", (int)package.len, package.ptr);
	while (rest.len > 0) {
		struct st_slice line;
		size_t i;

		st_slice_split(&rest, '\n', &line);
		if (md5sums) {
			const char *sep = memchr(line.ptr, ' ', line.len);

			if (sep == NULL)
				continue;
			line = st_slice_trim(st_slice_make(sep, line.len - (size_t)(sep - line.ptr)));
		}
		if (line.len == 0 || line.len > ctx->limits->path_bytes)
			continue;
		for (i = 0; i < line.len && (unsigned char)line.ptr[i] >= 0x20; i++)
			;
		if (i < line.len)
			continue;
		rc = st_inventory_own_file(ctx->inv, line.ptr, line.len, owner, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static bool dpkg_wants(const char *path, size_t len)
{
	if (len == strlen(DPKG_STATUS_PATH) && memcmp(path, DPKG_STATUS_PATH, len) == 0)
		return true;
	return is_status_d_file(path, len) || file_list_package(path, len).len > 0;
}

static int dpkg_on_final_file(void *state, const struct st_walk_file *f,
			      struct st_catalog_ctx *ctx, struct strata_error *err)
{
	struct collect_ctx c = {.st = state, .layer = f->layer};
	struct st_slice package;
	char *path;
	int rc;

	if (f->type != ST_FILE_REGULAR || !dpkg_wants(f->path, f->path_len))
		return 0;
	package = file_list_package(f->path, f->path_len);
	if (package.len > 0)
		return own_file_list(f, package, ctx, err);
	c.from_status_d = is_status_d_file(f->path, f->path_len);
	path = st_arena_strndup(&c.st->arena, f->path, f->path_len);
	if (path == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory");
	rc = st_dpkg_parse_status(f->data, path, ctx->limits, ctx->diag, collect_final, &c, err);
	return rc;
}

/* pkg:deb/ID/NAME@VERSION?arch=ARCH&distro=ID-VERSION_ID&upstream=SRC[@V],
 * the form syft writes; without an OS release the vendor is "debian" and
 * distro is left out. The purl spec wants vendor and name lowercased. */
static int dpkg_build_purl(struct st_package *pkg, const struct st_os *os, struct st_arena *a,
			   struct strata_error *err)
{
	const char *vendor;
	const char *distro;
	const char *upstream = pkg->source_name;
	const char *name;
	const char *q[6];
	int rc;

	rc = st_pkg_os_qualifiers(&vendor, &distro, os, "debian", pkg, a, err);
	if (rc < 0)
		return rc;
	if (pkg->source_name != NULL && pkg->source_version != NULL) {
		upstream = st_arena_printf(a, "%s@%s", pkg->source_name, pkg->source_version);
		if (upstream == NULL)
			goto nomem;
	}
	name = st_pkg_lowercase(a, pkg->name);
	if (name == NULL)
		goto nomem;

	q[0] = "arch";
	q[1] = pkg->arch;
	q[2] = "distro";
	q[3] = distro;
	q[4] = "upstream";
	q[5] = upstream;
	pkg->purl = st_purl_build(a, "deb", vendor, name, pkg->version, q, 3);
	if (pkg->purl == NULL)
		goto nomem;
	return 0;

nomem:
	return st_error_set(err, STRATA_ENOMEM, "out of memory for package %s", pkg->name);
}

static int dpkg_finish(void *state, struct st_catalog_ctx *ctx, struct strata_error *err)
{
	struct dpkg_state *st = state;
	size_t i;
	int rc;

	for (i = 0; i < st->count; i++) {
		rc = dpkg_build_purl(&st->pending[i], &ctx->inv->os, &st->arena, err);
		if (rc < 0)
			return rc;
		rc = st_inventory_add(ctx->inv, &st->pending[i], err);
		if (rc < 0)
			return rc;
	}
	/* With the scan option all_layers: packages a later layer removed. */
	return st_pkg_history_add_removed(&st->history, "deb", DPKG_STATUS_PATH, "dpkg",
					  dpkg_build_purl, ctx, &st->arena, err);
}

static int dpkg_init(void **state, struct strata_error *err)
{
	struct dpkg_state *st = calloc(1, sizeof(*st));

	*state = st;
	if (st == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory");
	st_arena_init(&st->arena);
	st_pkg_history_init(&st->history, ST_PKG_KEY_NAME_ARCH, "dpkg");
	return 0;
}

static void dpkg_free(void *state)
{
	struct dpkg_state *st = state;

	if (st == NULL)
		return;
	st_pkg_history_dispose(&st->history);
	st_arena_dispose(&st->arena);
	free(st->pending);
	free(st);
}

static const char *dpkg_anchor(size_t i)
{
	static const char *const anchors[] = {DPKG_STATUS_PATH, DPKG_STATUS_DIR, DPKG_INFO_DIR};

	return i < ST_ARRAY_LEN(anchors) ? anchors[i] : NULL;
}

const struct st_cataloger st_cataloger_dpkg = {
	.name = "dpkg",
	.wants = dpkg_wants,
	.anchor = dpkg_anchor,
	.init = dpkg_init,
	.on_layer_file = dpkg_on_layer_file,
	.on_final_file = dpkg_on_final_file,
	.finish = dpkg_finish,
	.free = dpkg_free,
};
