/* Feed import: walks the given paths (files, directory trees, zip archives
 * of OSV records), detects each document's format from its content (JSON,
 * XML or text), and hands it to that format's importer, all in one
 * transaction. */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vuln/vuln_internal.h"

/* Top-level JSON members ----------------------------------------------- */

static bool is_json_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void skip_space(struct st_json_members *it)
{
	while (it->pos < it->text.len && is_json_space(it->text.ptr[it->pos]))
		it->pos++;
}

static int syntax_error(struct st_json_members *it, const char *what, struct strata_error *err)
{
	it->done = true;
	return st_error_set(err, STRATA_ECORRUPT, "invalid JSON at byte %zu: %s", it->pos, what);
}

/* Advances past the string that starts at the opening quote at pos. */
static bool skip_string(struct st_json_members *it)
{
	size_t i = it->pos + 1;

	while (i < it->text.len) {
		char c = it->text.ptr[i];

		if (c == '\\') {
			i += 2;
			continue;
		}
		if (c == '"') {
			it->pos = i + 1;
			return true;
		}
		i++;
	}
	return false;
}

/* Advances past one value. Brackets are only counted here, because jansson checks
 * the value itself when the caller parses it. */
static bool skip_value(struct st_json_members *it)
{
	size_t depth = 0;
	char c;

	if (it->pos >= it->text.len)
		return false;
	c = it->text.ptr[it->pos];
	if (c == '"')
		return skip_string(it);
	if (c != '{' && c != '[') {
		while (it->pos < it->text.len) {
			c = it->text.ptr[it->pos];
			if (c == ',' || c == '}' || c == ']' || is_json_space(c))
				break;
			it->pos++;
		}
		return true;
	}
	while (it->pos < it->text.len) {
		c = it->text.ptr[it->pos];
		if (c == '"') {
			if (!skip_string(it))
				return false;
			continue;
		}
		if (c == '{' || c == '[') {
			depth++;
		} else if (c == '}' || c == ']') {
			depth--;
			if (depth == 0) {
				it->pos++;
				return true;
			}
		}
		it->pos++;
	}
	return false;
}

void st_json_members_init(struct st_json_members *it, struct st_slice text)
{
	it->text = text;
	it->pos = 0;
	it->started = false;
	it->done = false;
}

/* Checks that only white space follows the closing brace. */
static int finish_members(struct st_json_members *it, struct strata_error *err)
{
	it->pos++;
	skip_space(it);
	if (it->pos != it->text.len)
		return syntax_error(it, "data after the top-level object", err);
	it->done = true;
	return 0;
}

int st_json_members_next(struct st_json_members *it, struct st_slice *key,
			 struct st_slice *value, struct strata_error *err)
{
	size_t start;

	if (it->done)
		return 0;
	skip_space(it);
	if (!it->started) {
		/* A UTF-8 byte order mark is not JSON, but some tools write it. */
		if (it->text.len - it->pos >= 3 &&
		    memcmp(it->text.ptr + it->pos, "\xef\xbb\xbf", 3) == 0)
			it->pos += 3;
		skip_space(it);
		if (it->pos >= it->text.len || it->text.ptr[it->pos] != '{')
			return syntax_error(it, "expected '{'", err);
		it->pos++;
		it->started = true;
		skip_space(it);
		if (it->pos < it->text.len && it->text.ptr[it->pos] == '}')
			return finish_members(it, err);
	} else {
		if (it->pos >= it->text.len)
			return syntax_error(it, "unexpected end of data", err);
		if (it->text.ptr[it->pos] == '}')
			return finish_members(it, err);
		if (it->text.ptr[it->pos] != ',')
			return syntax_error(it, "expected ',' or '}'", err);
		it->pos++;
		skip_space(it);
	}

	if (it->pos >= it->text.len || it->text.ptr[it->pos] != '"')
		return syntax_error(it, "expected a member name", err);
	start = it->pos + 1;
	if (!skip_string(it))
		return syntax_error(it, "unterminated string", err);
	*key = st_slice_make(it->text.ptr + start, it->pos - 1 - start);
	skip_space(it);
	if (it->pos >= it->text.len || it->text.ptr[it->pos] != ':')
		return syntax_error(it, "expected ':'", err);
	it->pos++;
	skip_space(it);
	start = it->pos;
	if (!skip_value(it) || it->pos == start)
		return syntax_error(it, "truncated value", err);
	*value = st_slice_make(it->text.ptr + start, it->pos - start);
	return 1;
}

int st_json_value_string(const struct json_t *value, const char **out)
{
	const char *s;

	*out = NULL;
	if (value == NULL || json_is_null(value))
		return 0;
	if (!json_is_string(value))
		return -1;
	s = json_string_value(value);
	/* jansson accepts "\u0000" (JSON_ALLOW_NUL), and such a string would be
	 * cut short everywhere it is used as a C string. */
	if (strlen(s) != json_string_length(value))
		return -1;
	*out = s;
	return 1;
}

int st_json_member_string(const struct json_t *obj, const char *key, const char **out)
{
	return st_json_value_string(json_object_get(obj, key), out);
}

static bool is_control(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

bool st_feed_name_ok(const char *s)
{
	size_t i;

	if (s == NULL || s[0] == '\0')
		return false;
	for (i = 0; s[i] != '\0'; i++) {
		if (i == ST_FEED_NAME_MAX || is_control((unsigned char)s[i]))
			return false;
	}
	return true;
}

char *st_feed_display_name(struct st_arena *arena, const char *s)
{
	char *d = st_arena_strdup(arena, s);
	size_t i;

	for (i = 0; d != NULL && d[i] != '\0'; i++) {
		if (is_control((unsigned char)d[i]))
			d[i] = '?';
	}
	return d;
}

/* Format detection -------------------------------------------------------- */

/* OSV top-level fields whose values are never objects. */
static bool is_osv_field(struct st_slice key)
{
	static const char *const fields[] = {
		"id",      "modified", "published",  "schema_version", "aliases",
		"related", "upstream", "withdrawn",  "summary",        "details",
		"severity", "affected", "references", "credits",
	};
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(fields); i++) {
		if (st_slice_eq_cstr(key, fields[i]))
			return true;
	}
	return false;
}

/* True when VALUE (one top-level member) looks like a tracker package: an
 * object whose members are objects with a "releases" member. */
static bool is_tracker_package(struct st_slice value, const struct strata_limits *lim)
{
	json_t *pkg = NULL;
	const char *cve;
	json_t *entry;
	bool found = false;

	if (st_json_parse(&pkg, value, value.len, lim->json_depth, 0, "package", NULL) < 0)
		return false;
	if (json_is_object(pkg)) {
		json_object_foreach(pkg, cve, entry) {
			if (json_is_object(entry) && json_object_get(entry, "releases") != NULL) {
				found = true;
				break;
			}
		}
	}
	json_decref(pkg);
	return found;
}

int st_feed_detect(struct st_slice text, const struct strata_limits *lim)
{
	struct st_json_members it;
	struct st_slice key;
	struct st_slice value;
	bool secdb_release = false;
	bool secdb_packages = false;
	bool apk_repository = false;
	int xml_format;

	/* XML documents (OVAL, updateinfo, RSS), identified by their root element. */
	xml_format = st_xml_feed_detect(text);
	if (xml_format != ST_FEED_UNKNOWN)
		return xml_format;
	/* Text and top-level arrays, which the member walk below rejects. */
	if (st_dsa_detect(text))
		return ST_FEED_DEBIAN_DSA;
	if (st_photon_detect(text, lim))
		return ST_FEED_PHOTON;
	st_json_members_init(&it, text);
	while (st_json_members_next(&it, &key, &value, NULL) > 0) {
		/* Alpine secdb: {"distroversion": "v3.10", "packages": [...]} */
		if (st_slice_eq_cstr(key, "distroversion") && value.ptr[0] == '"')
			secdb_release = true;
		if (st_slice_eq_cstr(key, "packages") && value.ptr[0] == '[')
			secdb_packages = true;
		/* Wolfi and Chainguard: the secdb layout without distroversion. */
		if ((st_slice_eq_cstr(key, "apkurl") || st_slice_eq_cstr(key, "urlprefix")) &&
		    value.ptr[0] == '"')
			apk_repository = true;
		if (st_slice_eq_cstr(key, "document") && value.ptr[0] == '{' &&
		    st_csaf_is_document(value, lim))
			return ST_FEED_CSAF;
		if (secdb_release && secdb_packages)
			return ST_FEED_ALPINE_SECDB;
		if (value.ptr[0] == '{') {
			if (is_tracker_package(value, lim))
				return ST_FEED_DEBIAN_TRACKER;
			continue;
		}
		if (is_osv_field(key))
			return ST_FEED_OSV;
	}
	if (apk_repository && secdb_packages && !secdb_release)
		return ST_FEED_SECFIXES;
	return ST_FEED_UNKNOWN;
}

/* Documents ---------------------------------------------------------------- */

/* Returns the name of the compression whose magic number starts TEXT
 * (vendors publish feeds as .gz, .bz2, .xz or .zst files), or NULL. */
static const char *compression_name(struct st_slice text)
{
	static const struct {
		const char *magic;
		size_t len;
		const char *name;
	} formats[] = {
		{"\x1f\x8b", 2, "gzip"},
		{"BZh", 3, "bzip2"},
		{"\xfd" "7zXZ\0", 6, "xz"},
		{"\x28\xb5\x2f\xfd", 4, "zstd"},
	};
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(formats); i++) {
		if (text.len >= formats[i].len &&
		    memcmp(text.ptr, formats[i].magic, formats[i].len) == 0)
			return formats[i].name;
	}
	return NULL;
}

/* Prefixes the error RC of a feed file with the file's name, when the
 * importer did not name it (a failure to store a record). */
static int name_file(const struct st_import_ctx *ctx, int rc, struct strata_error *err)
{
	if (rc < 0 && ctx->name != NULL && strncmp(err->msg, ctx->name, strlen(ctx->name)) != 0)
		st_error_prefix(err, "%s", ctx->name);
	return rc;
}

/* Imports one JSON document. EXPLICIT is set for a path the caller named:
 * a document of unknown format is then an error, while one found in a
 * directory or archive is skipped with a warning. */
static int import_document(struct st_import_ctx *ctx, struct st_slice text, bool explicit,
			   struct strata_error *err)
{
	const char *compression;
	int rc;

	switch (st_feed_detect(text, ctx->limits)) {
	case ST_FEED_DEBIAN_TRACKER:
		rc = st_import_debian(ctx, text, err);
		break;
	case ST_FEED_OSV:
		rc = st_import_osv(ctx, text, err);
		break;
	case ST_FEED_ALPINE_SECDB:
		rc = st_import_alpine(ctx, text, err);
		break;
	case ST_FEED_SECFIXES:
		rc = st_import_secfixes(ctx, text, err);
		break;
	case ST_FEED_CSAF:
		rc = st_import_csaf(ctx, text, err);
		break;
	case ST_FEED_DEBIAN_DSA:
		rc = st_import_dsa(ctx, text, err);
		break;
	case ST_FEED_PHOTON:
		rc = st_import_photon(ctx, text, err);
		break;
	case ST_FEED_OVAL:
		rc = st_import_oval(ctx, text, err);
		break;
	case ST_FEED_UPDATEINFO:
		rc = st_import_updateinfo(ctx, text, err);
		break;
	case ST_FEED_ALAS_RSS:
		rc = st_import_alas_rss(ctx, text, err);
		break;
	default:
		compression = compression_name(text);
		if (compression != NULL && explicit)
			return st_error_set(err, STRATA_EUNSUPPORTED,
					    "%s: compressed with %s; decompress it first", ctx->name,
					    compression);
		if (explicit)
			return st_error_set(err, STRATA_EUNSUPPORTED,
					    "%s: not a feed format strata reads (see 'strata db "
					    "import --help' for the list)",
					    ctx->name);
		st_diag(ctx->diag, ST_DIAG_WARN,
			"%s: %s%s; skipped", ctx->name,
			compression ? "compressed with " : "not a feed format strata reads",
			compression ? compression : "");
		ctx->stats->skipped_files++;
		return 0;
	}
	ctx->stats->files++;
	return name_file(ctx, rc, err);
}

static size_t feed_cap(const struct strata_limits *lim)
{
	return lim->feed_file_bytes > SIZE_MAX ? SIZE_MAX : (size_t)lim->feed_file_bytes;
}

/* Zip archives ------------------------------------------------------------ */

static bool has_suffix(const char *name, const char *suffix)
{
	size_t n = strlen(name);
	size_t m = strlen(suffix);

	return n >= m && strcasecmp(name + n - m, suffix) == 0;
}

/* OSV records in YAML (the PyPA advisory database) are identified by
 * their file name, because YAML has no signature to detect. */
static bool is_yaml_name(const char *name)
{
	return has_suffix(name, ".yaml") || has_suffix(name, ".yml");
}

static int import_yaml(struct st_import_ctx *ctx, struct st_slice text, struct strata_error *err)
{
	ctx->stats->files++;
	return name_file(ctx, st_import_osv_yaml(ctx, text, err), err);
}

/* Reads the current entry of A into BUF, counting its bytes against
 * *BUDGET (the archive's size times the compression ratio limit). */
static int read_entry(struct archive *a, const char *name, struct st_buf *buf,
		      uint64_t *budget, const struct strata_limits *lim,
		      struct strata_error *err)
{
	char chunk[65536];
	la_ssize_t n;
	int rc;

	buf->len = 0;
	for (;;) {
		n = archive_read_data(a, chunk, sizeof(chunk));
		if (n == 0)
			return 0;
		if (n < 0)
			return st_error_set(err, STRATA_ECORRUPT,
					    "%s: cannot read the entry, the archive is damaged or "
					    "truncated (%s)",
					    name,
					    archive_error_string(a) ? archive_error_string(a)
								    : "no detail");
		if ((uint64_t)n > *budget)
			return st_error_set(err, STRATA_ELIMIT,
					    "%s: archive expands more than %u times its size, over "
					    "the compression_ratio limit",
					    name, lim->compression_ratio);
		*budget -= (uint64_t)n;
		rc = st_buf_append(buf, chunk, (size_t)n, err);
		if (rc < 0)
			return st_error_prefix(err, "%s: entry over feed_file_bytes", name);
	}
}

/* Imports every *.json entry of the zip archive at PATH without
 * extracting it. osv.dev publishes each ecosystem as such an archive. */
static int import_zip(struct st_import_ctx *ctx, const char *path, uint64_t size,
		      struct strata_error *err)
{
	struct archive *a = NULL;
	struct archive_entry *entry;
	struct st_arena names;
	struct st_buf buf;
	uint64_t budget;
	int rc;

	st_arena_init(&names);
	st_buf_init(&buf, feed_cap(ctx->limits));
	if (__builtin_mul_overflow(size, (uint64_t)ctx->limits->compression_ratio, &budget))
		budget = UINT64_MAX;

	a = archive_read_new();
	if (a == NULL) {
		rc = st_error_set(err, STRATA_ENOMEM, "out of memory");
		goto out;
	}
	archive_read_support_format_zip(a);
	if (archive_read_open_filename(a, path, 65536) != ARCHIVE_OK) {
		rc = st_error_set(err, STRATA_ECORRUPT, "%s: %s", path, archive_error_string(a));
		goto out;
	}
	for (;;) {
		const char *entry_name;
		const char *saved = ctx->name;

		rc = archive_read_next_header(a, &entry);
		if (rc == ARCHIVE_EOF) {
			rc = 0;
			break;
		}
		if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
			rc = st_error_set(err, STRATA_ECORRUPT, "%s: %s", path,
					  archive_error_string(a));
			goto out;
		}
		entry_name = archive_entry_pathname(entry);
		if (entry_name == NULL || archive_entry_filetype(entry) != AE_IFREG ||
		    (!has_suffix(entry_name, ".json") && !is_yaml_name(entry_name)))
			continue;
		ctx->name = st_arena_printf(&names, "%s:%s", path, entry_name);
		if (ctx->name != NULL)
			ctx->name = st_feed_display_name(&names, ctx->name);
		if (ctx->name == NULL) {
			ctx->name = saved;
			rc = st_error_set(err, STRATA_ENOMEM, "out of memory");
			goto out;
		}
		if (archive_entry_size_is_set(entry) &&
		    (uint64_t)archive_entry_size(entry) > ctx->limits->feed_file_bytes) {
			rc = st_error_set(err, STRATA_ELIMIT,
					  "%s: %lld bytes, over feed_file_bytes (%llu)", ctx->name,
					  (long long)archive_entry_size(entry),
					  (unsigned long long)ctx->limits->feed_file_bytes);
			ctx->name = saved;
			goto out;
		}
		rc = read_entry(a, ctx->name, &buf, &budget, ctx->limits, err);
		if (rc == 0 && is_yaml_name(entry_name))
			rc = import_yaml(ctx, st_slice_make(buf.ptr, buf.len), err);
		else if (rc == 0)
			rc = import_document(ctx, st_slice_make(buf.ptr, buf.len), false, err);
		ctx->name = saved;
		if (rc < 0)
			goto out;
		/* Entry names are needed only while their entry is read. */
		st_arena_dispose(&names);
	}

out:
	if (a != NULL)
		archive_read_free(a);
	st_buf_dispose(&buf);
	st_arena_dispose(&names);
	return rc;
}

/* Files and directories --------------------------------------------------- */

static bool is_zip_magic(const unsigned char *m, size_t n)
{
	/* A local file header, or the end record of an empty archive. */
	return n >= 4 && m[0] == 'P' && m[1] == 'K' &&
	       ((m[2] == 3 && m[3] == 4) || (m[2] == 5 && m[3] == 6));
}

/* Reads up to N leading bytes of PATH into MAGIC. */
static int read_magic(const char *path, unsigned char *magic, size_t n, size_t *got,
		      struct strata_error *err)
{
	ssize_t r;
	int fd;

	*got = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return st_error_sys(err, errno == ENOENT ? STRATA_ENOTFOUND : STRATA_EIO, "%s", path);
	do {
		r = read(fd, magic, n);
	} while (r < 0 && errno == EINTR);
	if (r < 0) {
		int rc = st_error_sys(err, STRATA_EIO, "%s", path);

		close(fd);
		return rc;
	}
	close(fd);
	*got = (size_t)r;
	return 0;
}

static int import_file(struct st_import_ctx *ctx, const char *path, uint64_t size,
		       bool explicit, struct strata_error *err)
{
	unsigned char magic[4];
	struct st_arena names;
	struct st_buf buf;
	size_t got;
	int rc;

	rc = read_magic(path, magic, sizeof(magic), &got, err);
	if (rc < 0)
		return rc;
	if (is_zip_magic(magic, got))
		return import_zip(ctx, path, size, err);

	st_buf_init(&buf, feed_cap(ctx->limits));
	rc = st_read_file(path, &buf, false, err);
	if (rc == STRATA_ELIMIT)
		st_error_set(err, STRATA_ELIMIT, "%s: %llu bytes, over feed_file_bytes (%llu)",
			     path, (unsigned long long)size,
			     (unsigned long long)ctx->limits->feed_file_bytes);
	if (rc == 0) {
		st_arena_init(&names);
		ctx->name = st_feed_display_name(&names, path);
		if (ctx->name == NULL)
			rc = st_error_set(err, STRATA_ENOMEM, "out of memory");
		else if (is_yaml_name(path))
			rc = import_yaml(ctx, st_slice_make(buf.ptr, buf.len), err);
		else
			rc = import_document(ctx, st_slice_make(buf.ptr, buf.len), explicit, err);
		ctx->name = NULL;
		st_arena_dispose(&names);
	}
	st_buf_dispose(&buf);
	return rc;
}

static int import_path(struct st_import_ctx *ctx, const char *path, bool explicit,
		       uint32_t depth, struct strata_error *err);

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lists the entries of directory PATH, sorted by name, so that imports
 * are repeatable whatever order the file system returns. */
static int list_dir(const char *path, char ***out, size_t *count, struct strata_error *err)
{
	struct dirent *de;
	char **names = NULL;
	size_t n = 0;
	size_t cap = 0;
	DIR *dir;
	int rc = 0;

	dir = opendir(path);
	if (dir == NULL)
		return st_error_sys(err, STRATA_EIO, "%s", path);
	for (;;) {
		errno = 0;
		de = readdir(dir);
		if (de == NULL)
			break;
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (n == cap) {
			size_t grown = cap ? cap * 2 : 64;
			char **p = st_reallocarray(names, grown, sizeof(*names));

			if (p == NULL) {
				rc = st_error_set(err, STRATA_ENOMEM, "out of memory");
				goto out;
			}
			names = p;
			cap = grown;
		}
		names[n] = st_strndup(de->d_name, strlen(de->d_name));
		if (names[n] == NULL) {
			rc = st_error_set(err, STRATA_ENOMEM, "out of memory");
			goto out;
		}
		n++;
	}
	if (errno != 0)
		rc = st_error_sys(err, STRATA_EIO, "%s", path);

out:
	closedir(dir);
	if (rc < 0) {
		while (n > 0)
			free(names[--n]);
		free(names);
		return rc;
	}
	if (n > 1)
		qsort(names, n, sizeof(*names), compare_names);
	*out = names;
	*count = n;
	return 0;
}

static int import_dir(struct st_import_ctx *ctx, const char *path, uint32_t depth,
		      struct strata_error *err)
{
	struct st_buf child;
	char **names = NULL;
	size_t count = 0;
	size_t i;
	int rc;

	if (depth >= ctx->limits->path_depth)
		return st_error_set(err, STRATA_ELIMIT, "%s: directories nested deeper than %u",
				    path, ctx->limits->path_depth);
	rc = list_dir(path, &names, &count, err);
	if (rc < 0)
		return rc;
	st_buf_init(&child, ctx->limits->path_bytes);
	for (i = 0; i < count && rc == 0; i++) {
		child.len = 0;
		rc = st_buf_printf(&child, err, "%s/%s", path, names[i]);
		if (rc < 0) {
			st_error_prefix(err, "%s/%s: path over path_bytes", path, names[i]);
			break;
		}
		rc = import_path(ctx, child.ptr, false, depth + 1, err);
	}
	st_buf_dispose(&child);
	for (i = 0; i < count; i++)
		free(names[i]);
	free(names);
	return rc;
}

/* Imports PATH: the caller's paths are followed if they are symbolic
 * links. Inside directories, a link to a file is read (mirrors link feed
 * files under other names), while a link to a directory is skipped so that
 * a tree cannot lead the walk elsewhere or around in a loop. */
static int import_path(struct st_import_ctx *ctx, const char *path, bool explicit,
		       uint32_t depth, struct strata_error *err)
{
	struct stat st;
	int rc;

	rc = explicit ? stat(path, &st) : lstat(path, &st);
	if (rc < 0)
		return st_error_sys(err, errno == ENOENT ? STRATA_ENOTFOUND : STRATA_EIO, "%s", path);
	if (S_ISLNK(st.st_mode)) {
		if (stat(path, &st) < 0 && errno == ELOOP) {
			st_diag(ctx->diag, ST_DIAG_WARN,
				"%s: symbolic link that loops or passes through too many links; skipped",
				path);
			return 0;
		}
		if (stat(path, &st) < 0) {
			st_diag(ctx->diag, ST_DIAG_WARN, "%s: symbolic link to nothing (%s); skipped",
				path, strerror(errno));
			return 0;
		}
		if (!S_ISREG(st.st_mode)) {
			st_diag(ctx->diag, ST_DIAG_INFO,
				"%s: symbolic link to a directory or special file; skipped, name "
				"it on the command line to import it",
				path);
			return 0;
		}
	}
	if (S_ISDIR(st.st_mode))
		return import_dir(ctx, path, depth, err);
	if (!S_ISREG(st.st_mode)) {
		if (explicit)
			return st_error_set(err, STRATA_EINVAL,
					    "%s: not a regular file or directory", path);
		st_diag(ctx->diag, ST_DIAG_INFO, "%s: not a regular file; skipped", path);
		return 0;
	}
	/* Inside a directory, only names that feeds use are read: a vendor
	 * mirror also contains READMEs, signatures and indexes. Debian's lists
	 * are files named "list" in DSA/ and DLA/ (its security tracker's
	 * data/ directory). */
	if (!explicit && !has_suffix(path, ".json") && !has_suffix(path, ".zip") &&
	    !is_yaml_name(path) && !has_suffix(path, ".xml") && !has_suffix(path, "/DSA/list") &&
	    !has_suffix(path, "/DLA/list")) {
		st_diag(ctx->diag, ST_DIAG_INFO,
			"%s: not named like a feed (*.json, *.zip, *.xml, *.yaml, DSA/list, "
			"DLA/list); skipped, name it on the command line to import it",
			path);
		return 0;
	}
	return import_file(ctx, path, (uint64_t)st.st_size, explicit, err);
}

int st_db_import(struct st_db *db, const char *const *paths, size_t count,
		 const struct strata_limits *lim, struct st_diag *diag,
		 struct st_import_stats *stats, struct strata_error *err)
{
	struct st_import_ctx ctx;
	struct st_writer writer;
	bool writer_ready = false;
	size_t i;
	int rc;

	memset(stats, 0, sizeof(*stats));
	if (count == 0)
		return st_error_set(err, STRATA_EINVAL, "no feed files to import");

	/* NOTE: an advisory that a newer copy of a feed no longer lists stays
	 * in the store, because records are only ever replaced by id. */

	/* IMMEDIATE takes the write lock now, so that a concurrent import
	 * waits (busy timeout) instead of failing at its first write. */
	rc = st_db_exec(db, "BEGIN IMMEDIATE", err);
	if (rc < 0)
		return rc;
	rc = st_writer_init(&writer, db, err);
	if (rc < 0)
		goto out;
	writer_ready = true;

	ctx.writer = &writer;
	ctx.limits = lim;
	ctx.diag = diag;
	ctx.stats = stats;
	ctx.name = NULL;
	ctx.git_ranges = 0;
	for (i = 0; i < count; i++) {
		rc = import_path(&ctx, paths[i], true, 0, err);
		if (rc < 0)
			goto out;
		if (ctx.git_ranges > 0)
			st_diag(diag, ST_DIAG_INFO,
				"%s: %llu OSV ranges of type GIT left out: commit ranges "
				"cannot be matched against installed versions",
				paths[i], (unsigned long long)ctx.git_ranges);
		ctx.git_ranges = 0;
	}
	st_writer_dispose(&writer);
	writer_ready = false;
	rc = st_db_exec(db, "COMMIT", err);

out:
	if (writer_ready)
		st_writer_dispose(&writer);
	if (rc < 0) {
		/* Nothing of this import stays: the database keeps what the
		 * previous import committed. */
		sqlite3_exec(db->sql, "ROLLBACK", NULL, NULL, NULL);
		memset(stats, 0, sizeof(*stats));
	}
	return rc;
}
