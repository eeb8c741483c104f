/* The rpm cataloger: installed packages from rpm's database in any of its
 * three formats (Berkeley DB, SQLite, NDB), read without librpm. Each
 * package is attributed to the layer that introduced its current version,
 * by following the database across layers as the dpkg cataloger follows
 * the dpkg status file. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inventory/pkg_common.h"
#include "inventory/rpm_internal.h"

/* rpm's database directories (%_dbpath): the historical one and the one
 * of rpm 4.16 and later. */
static const char *const db_dirs[] = {"var/lib/rpm/", "usr/lib/sysimage/rpm/"};

/* Database files, by preference when one directory has several: a newer
 * format left next to an older one is the result of a conversion. */
static const char *const db_files[] = {"rpmdb.sqlite", "Packages.db", "Packages"};

/* The package list of CBL-Mariner and Azure Linux distroless images,
 * which have no rpm database (rpm_manifest.c). It is used only when the
 * image has no readable database. */
static const char manifest_path[] = "var/lib/rpmmanifest/container-manifest-2";

#define DB_FILES (ST_ARRAY_LEN(db_dirs) * ST_ARRAY_LEN(db_files))
/* The database paths and, last, the manifest. */
#define DB_PATHS (DB_FILES + 1)
#define MANIFEST_INDEX DB_FILES

/* Returns the index of PATH among the database paths, or -1. */
static int db_path_index(const char *path, size_t len)
{
	size_t d;
	size_t f;

	if (len == sizeof(manifest_path) - 1 && memcmp(path, manifest_path, len) == 0)
		return (int)MANIFEST_INDEX;

	for (d = 0; d < ST_ARRAY_LEN(db_dirs); d++) {
		size_t dir_len = strlen(db_dirs[d]);

		if (len <= dir_len || memcmp(path, db_dirs[d], dir_len) != 0)
			continue;
		for (f = 0; f < ST_ARRAY_LEN(db_files); f++) {
			if (len - dir_len == strlen(db_files[f]) &&
			    memcmp(path + dir_len, db_files[f], len - dir_len) == 0)
				return (int)(d * ST_ARRAY_LEN(db_files) + f);
		}
	}
	return -1;
}

void st_rpmdb_warn(struct st_rpmdb_reader *r, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	r->warnings++;
	if (r->warnings > ST_RPMDB_MAX_WARNINGS + 1)
		return;
	if (r->warnings == ST_RPMDB_MAX_WARNINGS + 1) {
		st_diag(r->diag, ST_DIAG_WARN, "%s: more than %d problems, the rest not reported",
			r->path, ST_RPMDB_MAX_WARNINGS);
		return;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	st_diag(r->diag, ST_DIAG_WARN, "%s: %s", r->path, msg);
}

enum st_rpmdb_format st_rpmdb_detect(struct st_slice db)
{
	const unsigned char *p = (const unsigned char *)db.ptr;

	if (db.len >= 16 && memcmp(p, "SQLite format 3", 16) == 0)
		return ST_RPMDB_SQLITE;
	if (db.len >= 4 && memcmp(p, "RpmP", 4) == 0)
		return ST_RPMDB_NDB;
	if (db.len >= 16 && (st_le32(p + 12) == 0x00061561u || st_be32(p + 12) == 0x00061561u))
		return ST_RPMDB_BDB;
	return ST_RPMDB_UNKNOWN;
}

/* Header to package ----------------------------------------------------- */

struct parse_ctx {
	struct st_rpmdb_reader reader;
	struct st_buf scratch; /* the strings of one package */
	struct st_buf files;   /* the file paths of one package */
	int (*fn)(void *ctx, const struct st_rpm_package *pkg, struct strata_error *err);
	void *ctx;
};

/* A name, version, release or architecture: not empty, no blanks or
 * control bytes (and so no NUL). */
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

/* Free text such as a license: no control bytes. */
static bool is_text(struct st_slice s)
{
	size_t i;

	for (i = 0; i < s.len; i++) {
		unsigned char c = (unsigned char)s.ptr[i];

		if (c < 0x20 || c == 0x7f)
			return false;
	}
	return true;
}

static bool slice_ends_with(struct st_slice s, const char *suffix)
{
	size_t n = strlen(suffix);

	return s.len >= n && memcmp(s.ptr + s.len - n, suffix, n) == 0;
}

/* Splits SOURCERPM, "NAME-VERSION-RELEASE.src.rpm" (".nosrc.rpm" for a
 * source package without sources), into NAME and VERSION-RELEASE. Returns
 * false when it has another form.
 * NOTE: the file name has no epoch, so source_version has none either,
 * even when the binary package has one. */
bool st_rpm_split_sourcerpm(struct st_slice srpm, struct st_slice *name, struct st_slice *vr)
{
	size_t dashes = 0;
	size_t i;

	if (slice_ends_with(srpm, ".src.rpm"))
		srpm.len -= strlen(".src.rpm");
	else if (slice_ends_with(srpm, ".nosrc.rpm"))
		srpm.len -= strlen(".nosrc.rpm");
	else
		return false;
	if (!is_token(srpm))
		return false;
	for (i = srpm.len; i > 0; i--) {
		if (srpm.ptr[i - 1] != '-')
			continue;
		dashes++;
		if (dashes == 2)
			break;
	}
	if (dashes != 2 || i < 2 || i == srpm.len || srpm.ptr[srpm.len - 1] == '-')
		return false;
	*name = st_slice_make(srpm.ptr, i - 1);
	*vr = st_slice_make(srpm.ptr + i, srpm.len - i);
	return vr->ptr[0] != '-';
}

/* Appends S and a NUL to the scratch buffer and returns its offset. */
static int put_string(struct st_buf *b, struct st_slice s, size_t *off, struct strata_error *err)
{
	int rc;

	*off = b->len;
	rc = st_buf_append(b, s.ptr, s.len, err);
	if (rc == 0)
		rc = st_buf_putc(b, '\0', err);
	return rc;
}

static int put_number(struct st_buf *b, uint32_t n, size_t *off, struct strata_error *err)
{
	int rc;

	*off = b->len;
	rc = st_buf_printf(b, err, "%u", n);
	if (rc == 0)
		rc = st_buf_putc(b, '\0', err);
	return rc;
}

/* Checks the identity fields of H; warns and returns false when the
 * header cannot be a package. */
static bool header_is_package(struct parse_ctx *p, uint32_t record, const struct st_rpm_header *h)
{
	if (!is_token(h->name) || !is_token(h->version) || !is_token(h->release)) {
		st_rpmdb_warn(&p->reader,
			      "record %u: header without a valid name, version and release, skipped",
			      record);
		return false;
	}
	/* The version string is split again at its last '-'. */
	if (memchr(h->version.ptr, '-', h->version.len) != NULL ||
	    memchr(h->release.ptr, '-', h->release.len) != NULL) {
		st_rpmdb_warn(&p->reader,
			      "record %u: package %.*s has a '-' in its version or release, skipped",
			      record, (int)h->name.len, h->name.ptr);
		return false;
	}
	if (h->arch.len > 0 && !is_token(h->arch)) {
		st_rpmdb_warn(&p->reader, "record %u: package %.*s has an invalid architecture, skipped",
			      record, (int)h->name.len, h->name.ptr);
		return false;
	}
	if (!h->files_valid)
		st_rpmdb_warn(&p->reader, "record %u: package %.*s has an inconsistent file list",
			      record, (int)h->name.len, h->name.ptr);
	return true;
}

enum part {
	P_NAME,
	P_VR,
	P_VERSION,
	P_ARCH,
	P_SRC_NAME,
	P_SRC_VR,
	P_LICENSE,
	P_VENDOR,
	P_MODULE,
	P_PATH,
	P_EPOCH,
	P_COUNT
};

/* Lays the strings of one package out in the scratch buffer. */
static int layout(struct parse_ctx *p, const struct st_rpm_header *h, size_t *off,
		  bool *present, struct strata_error *err)
{
	struct st_buf *b = &p->scratch;
	struct st_slice part[P_COUNT];
	int i;
	int rc;

	memset(part, 0, sizeof(part));
	memset(present, 0, sizeof(bool) * P_COUNT);
	part[P_NAME] = h->name;
	part[P_ARCH] = h->arch;
	part[P_LICENSE] = is_text(h->license) ? h->license : st_slice_make("", 0);
	part[P_VENDOR] = is_text(h->vendor) ? h->vendor : st_slice_make("", 0);
	part[P_MODULE] = is_token(h->modularity_label) ? h->modularity_label : st_slice_make("", 0);
	part[P_PATH] = st_slice_cstr(p->reader.path);
	if (!st_rpm_split_sourcerpm(h->sourcerpm, &part[P_SRC_NAME], &part[P_SRC_VR])) {
		part[P_SRC_NAME].len = 0;
		part[P_SRC_VR].len = 0;
	}

	b->len = 0;
	for (i = 0; i < P_COUNT; i++) {
		if (i == P_VR || i == P_VERSION || i == P_EPOCH)
			continue;
		present[i] = part[i].len > 0;
		rc = put_string(b, part[i], &off[i], err);
		if (rc < 0)
			return rc;
	}
	/* VERSION-RELEASE, then [EPOCH:]VERSION-RELEASE. */
	off[P_VR] = b->len;
	rc = st_buf_printf(b, err, "%.*s-%.*s", (int)h->version.len, h->version.ptr,
			   (int)h->release.len, h->release.ptr);
	if (rc == 0)
		rc = st_buf_putc(b, '\0', err);
	if (rc == 0 && h->has_epoch)
		rc = put_number(b, h->epoch, &off[P_EPOCH], err);
	off[P_VERSION] = b->len;
	if (rc == 0 && h->has_epoch)
		rc = st_buf_printf(b, err, "%u:", h->epoch);
	if (rc == 0)
		rc = st_buf_printf(b, err, "%.*s-%.*s", (int)h->version.len, h->version.ptr,
				   (int)h->release.len, h->release.ptr);
	if (rc == 0)
		rc = st_buf_putc(b, '\0', err);
	present[P_EPOCH] = h->has_epoch;
	present[P_VR] = true;
	present[P_VERSION] = true;
	return rc;
}

static int append_file(void *ctx, struct st_slice dir, struct st_slice base)
{
	struct st_buf *b = ctx;
	int rc;

	rc = st_buf_append(b, dir.ptr, dir.len, NULL);
	if (rc == 0)
		rc = st_buf_append(b, base.ptr, base.len, NULL);
	if (rc == 0)
		rc = st_buf_putc(b, '\0', NULL);
	return rc;
}

/* Lays out the file paths of H in p->files. Returns false, with a
 * warning, when they do not fit its cap (or memory runs out), because
 * the package itself is still worth reporting. */
static bool layout_files(struct parse_ctx *p, uint32_t record, const struct st_rpm_header *h)
{
	struct strata_error why;

	p->files.len = 0;
	if (!h->files_valid || h->file_count == 0)
		return false;
	if (st_rpm_header_each_file(h, append_file, &p->files, &why) < 0) {
		st_rpmdb_warn(&p->reader,
			      "record %u: package %.*s: file list over %zu bytes or out of memory, "
			      "its files are not recorded", record, (int)h->name.len, h->name.ptr,
			      p->files.max);
		return false;
	}
	return true;
}

/* Turns one header into a package for the callback. */
static int emit(struct parse_ctx *p, uint32_t record, const struct st_rpm_header *h,
		struct strata_error *err)
{
	size_t off[P_COUNT];
	bool present[P_COUNT];
	struct st_rpm_package pkg;
	int rc;

	/* The buffer may move while it grows: offsets first, pointers after. */
	rc = layout(p, h, off, present, err);
	if (rc < 0)
		return rc;
#define PART(i) (present[i] ? p->scratch.ptr + off[i] : NULL)
	memset(&pkg, 0, sizeof(pkg));
	pkg.pkg.type = "rpm";
	pkg.pkg.name = PART(P_NAME);
	pkg.pkg.version = PART(P_VERSION);
	pkg.pkg.arch = PART(P_ARCH);
	pkg.pkg.source_name = PART(P_SRC_NAME);
	pkg.pkg.source_version = PART(P_SRC_VR);
	pkg.pkg.license = PART(P_LICENSE);
	pkg.pkg.path = PART(P_PATH);
	pkg.epoch = PART(P_EPOCH);
	pkg.version_release = PART(P_VR);
	pkg.vendor = PART(P_VENDOR);
	pkg.modularity_label = PART(P_MODULE);
#undef PART
	pkg.file_count = h->file_count;
	pkg.files_valid = h->files_valid;
	if (layout_files(p, record, h))
		pkg.files = p->files.ptr;
	return p->fn(p->ctx, &pkg, err);
}

static int on_record(void *ctx, uint32_t record, struct st_slice blob, struct strata_error *err)
{
	struct parse_ctx *p = ctx;
	struct st_rpm_header h;
	struct strata_error why;

	if (st_rpm_header_parse(&h, blob, &why) < 0) {
		st_rpmdb_warn(&p->reader, "record %u: invalid header, skipped: %s", record, why.msg);
		return 0;
	}
	if (!header_is_package(p, record, &h))
		return 0;
	return emit(p, record, &h, err);
}

int st_rpmdb_parse(struct st_slice db, const char *path, const struct strata_limits *lim,
		   struct st_diag *diag,
		   int (*fn)(void *ctx, const struct st_rpm_package *pkg, struct strata_error *err),
		   void *ctx, struct strata_error *err)
{
	struct parse_ctx p;
	int rc;

	if (db.len > lim->cataloged_file_bytes)
		return st_error_set(err, STRATA_ELIMIT,
				    "%s: %zu bytes is over the limit cataloged_file_bytes (%llu)",
				    path, db.len, (unsigned long long)lim->cataloged_file_bytes);
	memset(&p, 0, sizeof(p));
	p.reader.path = path;
	p.reader.diag = diag;
	p.reader.fn = on_record;
	p.reader.ctx = &p;
	p.fn = fn;
	p.ctx = ctx;
	/* A package's strings come from one header, which is part of DB. */
	st_buf_init(&p.scratch, db.len + strlen(path) + 64);
	/* Every file repeats its directory, so the list may outgrow the
	 * header; the limit on cataloged files bounds it. */
	st_buf_init(&p.files, lim->cataloged_file_bytes > SIZE_MAX ? SIZE_MAX
				: (size_t)lim->cataloged_file_bytes);

	switch (st_rpmdb_detect(db)) {
	case ST_RPMDB_BDB:
		rc = st_rpmdb_read_bdb(&p.reader, db, err);
		break;
	case ST_RPMDB_SQLITE:
		rc = st_rpmdb_read_sqlite(&p.reader, db, err);
		break;
	case ST_RPMDB_NDB:
		rc = st_rpmdb_read_ndb(&p.reader, db, err);
		break;
	default:
		rc = st_error_set(err, STRATA_EUNSUPPORTED, "not an rpm database");
		break;
	}
	st_buf_dispose(&p.scratch);
	st_buf_dispose(&p.files);
	if (rc == STRATA_ECORRUPT || rc == STRATA_EUNSUPPORTED)
		st_error_prefix(err, "%s", path);
	return rc;
}

/* The cataloger ------------------------------------------------------------ */

/* A package of a database in the final view, waiting for the OS release
 * to build its purl. */
struct pending {
	struct st_package pkg;
	const char *epoch;
	const char *version_release;
	const char *files; /* as in st_rpm_package, or NULL */
	size_t file_count;
};

/* One database path in the final view. */
struct final_db {
	bool found;
	bool readable;
	size_t layer;
	const char *path;
	struct pending *items;
	size_t count;
	size_t cap;
};

struct rpm_state {
	/* Each database path as of the last layer that wrote it, keyed by
	 * name, architecture and version. */
	struct st_pkg_history history[DB_PATHS];
	struct final_db final[DB_PATHS];
	struct st_arena arena; /* strings of the final packages */
};

struct collect_ctx {
	struct rpm_state *st;
	struct st_pkg_history *next; /* on_layer_file */
	struct final_db *db;         /* on_final_file */
	size_t layer;
};

static int collect_history(void *ctx, const struct st_rpm_package *pkg,
			   struct strata_error *err)
{
	struct collect_ctx *c = ctx;

	return st_pkg_history_add(c->next, &pkg->pkg, c->layer, err);
}

/* Reads the database or manifest at INDEX among the database paths. */
static int parse_package_list(int index, struct st_slice data, const char *path,
			      const struct strata_limits *lim, struct st_diag *diag,
			      int (*fn)(void *ctx, const struct st_rpm_package *pkg,
					struct strata_error *err),
			      void *ctx, struct strata_error *err)
{
	if (index == (int)MANIFEST_INDEX)
		return st_rpm_manifest_parse(data, path, lim, diag, fn, ctx, err);
	return st_rpmdb_parse(data, path, lim, diag, fn, ctx, err);
}

/* A database that cannot be read at all is reported, not fatal. */
static bool is_database_error(int rc)
{
	return rc == STRATA_ECORRUPT || rc == STRATA_EUNSUPPORTED || rc == STRATA_ELIMIT;
}

/* Called for each layer that wrote a database file: a package keeps the
 * layer of the previous version of the file when the file already had it,
 * and gets this layer otherwise. */
static int rpm_on_layer_file(void *state, const struct st_walk_file *f,
			     struct st_catalog_ctx *ctx, struct strata_error *err)
{
	struct rpm_state *st = state;
	int index = db_path_index(f->path, f->path_len);
	struct st_pkg_history next;
	struct collect_ctx c = {.st = st, .next = &next, .layer = f->layer};
	char *path = NULL;
	int rc;

	if (index < 0 || f->type != ST_FILE_REGULAR)
		return 0;
	st_pkg_history_init(&next, ST_PKG_KEY_NAME_ARCH_VERSION, "rpm");
	/* A layer that removed the database dropped all of its packages. */
	if (f->removed) {
		st_pkg_history_update(st->history, DB_PATHS, (size_t)index, &next, f->layer);
		rc = 0;
		goto out;
	}
	path = st_strndup(f->path, f->path_len);
	if (path == NULL) {
		rc = st_error_set(err, STRATA_ENOMEM, "out of memory");
		goto out;
	}

	/* Problems are reported once, when the final file is read. */
	rc = parse_package_list(index, f->data, path, ctx->limits, NULL, collect_history, &c,
				err);
	if (is_database_error(rc))
		rc = 0;
	if (rc < 0)
		goto out;
	/* Every database path is searched so that a package keeps its layer
	 * when a later layer converts the database to another format (rpmdb
	 * --rebuilddb). */
	st_pkg_history_update(st->history, DB_PATHS, (size_t)index, &next, f->layer);

out:
	st_pkg_history_dispose(&next);
	free(path);
	return rc;
}

/* Keeps the file list of PKG for file ownership, in arena A. */
static int copy_files(struct pending *out, const struct st_rpm_package *pkg,
		      struct st_arena *a, struct strata_error *err)
{
	const char *end = pkg->files;
	char *copy;
	size_t i;

	if (pkg->files == NULL)
		return 0;
	for (i = 0; i < pkg->file_count; i++)
		end += strlen(end) + 1;
	copy = st_arena_alloc(a, (size_t)(end - pkg->files));
	if (copy == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory for the files of %s",
				    pkg->pkg.name);
	memcpy(copy, pkg->files, (size_t)(end - pkg->files));
	out->files = copy;
	out->file_count = pkg->file_count;
	return 0;
}

/* Records the files of P as owned by "rpm:NAME". */
static int own_files(struct st_inventory *inv, const struct pending *p, struct strata_error *err)
{
	const char *path = p->files;
	char *owner;
	size_t i;
	int rc = 0;

	if (path == NULL)
		return 0;
	owner = st_arena_printf(&inv->arena, "rpm:%s", p->pkg.name);
	if (owner == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory for package %s", p->pkg.name);
	for (i = 0; i < p->file_count && rc == 0; i++) {
		size_t len = strlen(path);

		rc = st_inventory_own_file(inv, path, len, owner, err);
		path += len + 1;
	}
	return rc;
}

/* NOTE: struct st_package has no place for the vendor or the modularity
 * label, so the inventory does not carry them. */
static int collect_final(void *ctx, const struct st_rpm_package *pkg, struct strata_error *err)
{
	struct collect_ctx *c = ctx;
	struct final_db *db = c->db;
	struct st_arena *a = &c->st->arena;
	const struct st_package *in = &pkg->pkg;
	struct pending *out;
	int rc;

	rc = st_pkg_array_grow((void **)&db->items, &db->cap, db->count, sizeof(*db->items), "rpm",
			       err);
	if (rc < 0)
		return rc;
	out = &db->items[db->count];
	memset(out, 0, sizeof(*out));
	out->pkg.type = "rpm";
	out->pkg.found_by = "rpm";
	out->pkg.flags = st_pkg_kernel_flags("rpm", in->name);
	out->pkg.name = st_arena_strdup(a, in->name);
	out->pkg.version = st_arena_strdup(a, in->version);
	out->pkg.arch = st_arena_strdup(a, in->arch);
	out->pkg.source_name = st_arena_strdup(a, in->source_name);
	out->pkg.source_version = st_arena_strdup(a, in->source_version);
	out->pkg.license = st_arena_strdup(a, in->license);
	out->pkg.path = db->path;
	out->pkg.layer = c->layer;
	out->epoch = st_arena_strdup(a, pkg->epoch);
	out->version_release = st_arena_strdup(a, pkg->version_release);
	if (out->pkg.name == NULL || out->pkg.version == NULL || out->version_release == NULL ||
	    (in->arch && out->pkg.arch == NULL) ||
	    (in->source_name && out->pkg.source_name == NULL) ||
	    (in->source_version && out->pkg.source_version == NULL) ||
	    (in->license && out->pkg.license == NULL) || (pkg->epoch && out->epoch == NULL))
		return st_error_set(err, STRATA_ENOMEM, "out of memory for package %s", in->name);
	rc = copy_files(out, pkg, a, err);
	if (rc < 0)
		return rc;
	db->count++;
	return 0;
}

static bool rpm_wants(const char *path, size_t len)
{
	return db_path_index(path, len) >= 0;
}

static int rpm_on_final_file(void *state, const struct st_walk_file *f,
			     struct st_catalog_ctx *ctx, struct strata_error *err)
{
	struct rpm_state *st = state;
	int index = db_path_index(f->path, f->path_len);
	struct collect_ctx c = {.st = st, .layer = f->layer};
	struct final_db *db;
	int rc;

	if (index < 0 || f->type != ST_FILE_REGULAR)
		return 0;
	db = &st->final[index];
	c.db = db;
	db->path = st_arena_strndup(&st->arena, f->path, f->path_len);
	if (db->path == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory");
	db->found = true;
	db->layer = f->layer;
	rc = parse_package_list(index, f->data, db->path, ctx->limits, ctx->diag, collect_final,
				&c, err);
	if (is_database_error(rc)) {
		st_diag(ctx->diag, ST_DIAG_WARN, "%s", err->msg);
		return 0;
	}
	if (rc < 0)
		return rc;
	db->readable = true;
	return 0;
}

/* Picks the database rpm used last: the readable one that the latest
 * layer wrote, by file preference (db_files) on a tie. Without any, the
 * distroless manifest when it is readable. Returns -1 when there is
 * neither. */
static int choose_database(const struct rpm_state *st)
{
	int best = -1;
	size_t f;
	size_t d;

	for (f = 0; f < ST_ARRAY_LEN(db_files); f++) {
		for (d = 0; d < ST_ARRAY_LEN(db_dirs); d++) {
			size_t i = d * ST_ARRAY_LEN(db_files) + f;

			if (!st->final[i].readable)
				continue;
			if (best < 0 || st->final[i].layer > st->final[best].layer)
				best = (int)i;
		}
	}
	if (best < 0 && st->final[MANIFEST_INDEX].readable)
		best = (int)MANIFEST_INDEX;
	return best;
}

/* pkg:rpm/ID/NAME@VERSION-RELEASE?arch=ARCH&distro=ID-VERSION_ID&epoch=E,
 * as the purl specification's rpm type and its examples have it: the
 * vendor (the os-release ID) is lowercased, the name keeps its case, and
 * the epoch is a qualifier. Without an OS release the namespace and
 * distro are left out. */
static int rpm_build_purl(struct pending *p, const struct st_os *os, struct st_arena *a,
			  struct strata_error *err)
{
	const char *vendor;
	const char *distro;
	const char *q[6];
	int rc;

	rc = st_pkg_os_qualifiers(&vendor, &distro, os, NULL, &p->pkg, a, err);
	if (rc < 0)
		return rc;
	q[0] = "arch";
	q[1] = p->pkg.arch;
	q[2] = "epoch";
	q[3] = p->epoch;
	q[4] = "distro";
	q[5] = distro;
	p->pkg.purl = st_purl_build(a, "rpm", vendor, p->pkg.name, p->version_release, q, 3);
	if (p->pkg.purl == NULL)
		goto nomem;
	return 0;

nomem:
	return st_error_set(err, STRATA_ENOMEM, "out of memory for package %s", p->pkg.name);
}

static int rpm_finish(void *state, struct st_catalog_ctx *ctx, struct strata_error *err)
{
	struct rpm_state *st = state;
	int chosen = choose_database(st);
	struct final_db *db;
	size_t i;
	int rc;

	if (chosen < 0)
		return 0;
	db = &st->final[chosen];
	for (i = 0; i < DB_FILES; i++) {
		if (st->final[i].found && (int)i != chosen)
			st_diag(ctx->diag, ST_DIAG_WARN,
				"%s: not used: %s is the rpm database that the image last wrote",
				st->final[i].path, db->path);
	}
	for (i = 0; i < db->count; i++) {
		struct pending *p = &db->items[i];

		p->pkg.layer = st_pkg_history_layer(&st->history[chosen], &p->pkg, p->pkg.layer);
		rc = rpm_build_purl(p, &ctx->inv->os, &st->arena, err);
		if (rc < 0)
			return rc;
		rc = st_inventory_add(ctx->inv, &p->pkg, err);
		if (rc == 0)
			rc = own_files(ctx->inv, p, err);
		if (rc < 0)
			return rc;
	}
	/* With the scan option all_layers: packages a later layer removed.
	 * NOTE: they have no purl, because the history keeps [EPOCH:]VERSION
	 * but not the header fields rpm_build_purl needs. */
	return st_pkg_history_add_removed(&st->history[chosen], "rpm", db->path, "rpm", NULL,
					  ctx, &st->arena, err);
}

static int rpm_init(void **state, struct strata_error *err)
{
	struct rpm_state *st = calloc(1, sizeof(*st));
	size_t i;

	*state = st;
	if (st == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory");
	st_arena_init(&st->arena);
	for (i = 0; i < DB_PATHS; i++)
		st_pkg_history_init(&st->history[i], ST_PKG_KEY_NAME_ARCH_VERSION, "rpm");
	return 0;
}

static void rpm_free(void *state)
{
	struct rpm_state *st = state;
	size_t i;

	if (st == NULL)
		return;
	for (i = 0; i < DB_PATHS; i++) {
		st_pkg_history_dispose(&st->history[i]);
		free(st->final[i].items);
	}
	st_arena_dispose(&st->arena);
	free(st);
}

static const char *rpm_anchor(size_t i)
{
	return i < ST_ARRAY_LEN(db_dirs) ? db_dirs[i] : NULL;
}

const struct st_cataloger st_cataloger_rpm = {
	.name = "rpm",
	.wants = rpm_wants,
	.anchor = rpm_anchor,
	.init = rpm_init,
	.on_layer_file = rpm_on_layer_file,
	.on_final_file = rpm_on_final_file,
	.finish = rpm_finish,
	.free = rpm_free,
};
