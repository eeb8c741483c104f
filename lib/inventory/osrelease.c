/* The OS cataloger: reads os-release(5) from etc/os-release, following a
 * symlink inside the image, or from usr/lib/os-release. When neither
 * exists, or it has no VERSION_ID, it reads the older release files
 * (etc/alpine-release, etc/lsb-release, etc/redhat-release, ...). For
 * Debian it takes a missing VERSION_CODENAME from the release table. It
 * also notes the signs of a distroless image and of Ubuntu Pro, then
 * classifies the release (distro.c). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "inventory/inventory.h"
#include "inventory/pkg_common.h"
#include "vuln/vuln.h"

/* The same bound as Linux's MAXSYMLINKS for one path lookup. */
#define OS_MAX_SYMLINK_HOPS 40

enum os_file_id {
	OS_ETC_RELEASE,    /* etc/os-release */
	OS_USR_RELEASE,    /* usr/lib/os-release */
	OS_DEBIAN_VERSION, /* etc/debian_version */
	OS_ALPINE_RELEASE,
	OS_LSB_RELEASE,
	OS_CENTOS_RELEASE,
	OS_REDHAT_RELEASE,
	OS_SYSTEM_RELEASE,
	OS_SYSTEM_RELEASE_CPE,
	OS_SUSE_RELEASE,
	OS_FILE_COUNT,
};

static const char *const os_paths[OS_FILE_COUNT] = {
	[OS_ETC_RELEASE] = "etc/os-release",
	[OS_USR_RELEASE] = "usr/lib/os-release",
	[OS_DEBIAN_VERSION] = "etc/debian_version",
	[OS_ALPINE_RELEASE] = "etc/alpine-release",
	[OS_LSB_RELEASE] = "etc/lsb-release",
	[OS_CENTOS_RELEASE] = "etc/centos-release",
	[OS_REDHAT_RELEASE] = "etc/redhat-release",
	[OS_SYSTEM_RELEASE] = "etc/system-release",
	[OS_SYSTEM_RELEASE_CPE] = "etc/system-release-cpe",
	[OS_SUSE_RELEASE] = "etc/SuSE-release",
};

/* Files whose presence alone marks a distroless image or Ubuntu Pro.
 * Their content is not kept. */
#define DPKG_STATUS "var/lib/dpkg/status"
#define DPKG_STATUS_D "var/lib/dpkg/status.d/"
#define RPM_MANIFEST "var/lib/rpmmanifest/container-manifest-2"
#define APT_SOURCES_D "etc/apt/sources.list.d/"
#define UBUNTU_ESM_PREFIX "ubuntu-esm-"

/* rpm database paths, as the rpm cataloger reads them. */
static const char *const rpm_databases[] = {
	"var/lib/rpm/Packages",           "var/lib/rpm/Packages.db",
	"var/lib/rpm/rpmdb.sqlite",       "usr/lib/sysimage/rpm/Packages",
	"usr/lib/sysimage/rpm/Packages.db", "usr/lib/sysimage/rpm/rpmdb.sqlite",
};

/* A captured copy of one of the files above. */
struct os_file {
	bool present;
	int type;          /* enum st_file_type */
	char *link_target; /* symlinks */
	char *data;        /* regular files */
	size_t len;
	size_t layer;
};

struct os_state {
	struct os_file files[OS_FILE_COUNT];
	bool dpkg_status;   /* var/lib/dpkg/status */
	bool dpkg_status_d; /* a file in var/lib/dpkg/status.d/ */
	bool rpm_manifest;  /* CBL-Mariner / Azure Linux distroless package list */
	bool rpm_database;
	bool esm_sources;   /* an enabled Ubuntu ESM apt source */
	bool esm_versions;  /* a "+esm" package version in the dpkg status */
};

/* Debian releases by VERSION_ID (from debian.org/releases). */
static const struct {
	const char *version;
	const char *codename;
} debian_codenames[] = {
	{"6", "squeeze"},  {"7", "wheezy"},    {"8", "jessie"},
	{"9", "stretch"},  {"10", "buster"},   {"11", "bullseye"},
	{"12", "bookworm"}, {"13", "trixie"},  {"14", "forky"},
};

const char *st_debian_codename(const char *version_id)
{
	size_t i;

	if (version_id == NULL)
		return NULL;
	for (i = 0; i < ST_ARRAY_LEN(debian_codenames); i++) {
		if (strcmp(debian_codenames[i].version, version_id) == 0)
			return debian_codenames[i].codename;
	}
	return NULL;
}

/* os-release parsing ------------------------------------------------------ */

static bool is_key_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Parses one value into OUT with the shell-style quoting of os-release(5).
 * Single quotes keep everything literally. Inside double quotes a
 * backslash escapes '"', '\\', '$', '`' and a newline, and is kept before
 * any other byte. Outside quotes a backslash escapes the next byte.
 * Quoted pieces may follow one another ("a"'b' is "ab"), and unquoted
 * trailing blanks are dropped. The value ends at an unquoted newline,
 * which *POS is left on. Returns 1, 0 for an unterminated quote, or -1
 * when out of memory. OUT never grows past the length of TEXT. */
static int parse_value(struct st_slice text, size_t *pos, struct st_buf *out)
{
	size_t i = *pos;
	size_t keep = 0; /* length of OUT without trailing unquoted blanks */
	int rc = 0;

	out->len = 0;
	while (i < text.len && text.ptr[i] != '\n' && rc == 0) {
		char c = text.ptr[i++];
		char q;

		if (c == '\'' || c == '"') {
			q = c;
			while (i < text.len && text.ptr[i] != q && rc == 0) {
				c = text.ptr[i++];
				if (q == '"' && c == '\\' && i < text.len) {
					char e = text.ptr[i++];

					if (e == '\n')
						continue;
					if (e != '"' && e != '\\' && e != '$' && e != '`')
						rc = st_buf_putc(out, '\\', NULL);
					c = e;
				}
				if (rc == 0)
					rc = st_buf_putc(out, c, NULL);
			}
			if (i >= text.len)
				return rc < 0 ? -1 : 0;
			i++;
			keep = out->len;
			continue;
		}
		if (c == '\\' && i < text.len) {
			c = text.ptr[i++];
			if (c == '\n')
				continue;
			rc = st_buf_putc(out, c, NULL);
			keep = out->len;
			continue;
		}
		if (c == '\r' && (i == text.len || text.ptr[i] == '\n'))
			continue;
		rc = st_buf_putc(out, c, NULL);
		if (!is_blank(c))
			keep = out->len;
	}
	if (rc < 0)
		return -1;
	out->len = keep;
	*pos = i;
	return 1;
}

/* Printable text only: a control byte in a value is a sign of a corrupt
 * or hostile file, and such values would reach terminals and reports. */
static bool value_is_text(const struct st_buf *v)
{
	size_t i;

	for (i = 0; i < v->len; i++) {
		unsigned char c = (unsigned char)v->ptr[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return false;
	}
	return true;
}

/* One shell variable to keep, and where. */
struct var_field {
	const char *key;
	const char **dst;
};

static const char **field_for_key(const struct var_field *fields, size_t count,
				  struct st_slice key)
{
	size_t i;

	for (i = 0; i < count; i++) {
		if (st_slice_eq_cstr(key, fields[i].key))
			return fields[i].dst;
	}
	return NULL;
}

static void skip_line(struct st_slice text, size_t *pos)
{
	const char *nl = memchr(text.ptr + *pos, '\n', text.len - *pos);

	*pos = nl ? (size_t)(nl - text.ptr) + 1 : text.len;
}

/* Parses the KEY=VALUE lines of TEXT (os-release(5) syntax, also that of
 * lsb-release) and stores the values of FIELDS in ARENA. Lines that are
 * not KEY=VALUE, and values with an unterminated quote or a control byte,
 * are ignored, as systemd's parser ignores them. The last assignment of a
 * key wins, as in a shell. */
static int parse_vars(const struct var_field *fields, size_t count, struct st_slice text,
		      struct st_arena *arena, struct strata_error *err)
{
	struct st_buf value;
	size_t pos = 0;
	int rc = 0;

	st_buf_init(&value, text.len + 1);

	while (pos < text.len) {
		struct st_slice key;
		const char **field;
		int parsed;

		while (pos < text.len && is_blank(text.ptr[pos]))
			pos++;
		if (pos >= text.len)
			break;
		if (text.ptr[pos] == '\n' || text.ptr[pos] == '#') {
			skip_line(text, &pos);
			continue;
		}
		key.ptr = text.ptr + pos;
		while (pos < text.len && is_key_char(text.ptr[pos]))
			pos++;
		key.len = (size_t)(text.ptr + pos - key.ptr);
		if (key.len == 0 || pos >= text.len || text.ptr[pos] != '=') {
			skip_line(text, &pos);
			continue;
		}
		pos++;

		parsed = parse_value(text, &pos, &value);
		if (parsed < 0) {
			rc = st_error_set(err, STRATA_ENOMEM, "out of memory for os-release");
			goto out;
		}
		/* An unterminated quote swallows the rest of the file. */
		if (parsed == 0)
			break;
		field = field_for_key(fields, count, key);
		if (field != NULL && value_is_text(&value)) {
			*field = st_arena_strndup(arena, value.ptr ? value.ptr : "", value.len);
			if (*field == NULL) {
				rc = st_error_set(err, STRATA_ENOMEM, "out of memory for os-release");
				goto out;
			}
		}
		skip_line(text, &pos);
	}

out:
	st_buf_dispose(&value);
	return rc;
}

int st_osrelease_parse(struct st_os *os, struct st_slice text, struct st_arena *arena,
		       struct strata_error *err)
{
	const struct var_field fields[] = {
		{"ID", &os->id},
		{"ID_LIKE", &os->id_like},
		{"VERSION_ID", &os->version_id},
		{"VERSION_CODENAME", &os->version_codename},
		{"PRETTY_NAME", &os->pretty_name},
	};
	int rc;

	os->id = os->id_like = os->version_id = NULL;
	os->version_codename = os->pretty_name = NULL;
	rc = parse_vars(fields, ST_ARRAY_LEN(fields), text, arena, err);
	os->found = os->id != NULL || os->version_id != NULL || os->pretty_name != NULL;
	return rc;
}

/* The cataloger ------------------------------------------------------------ */

static int os_file_id(const char *path, size_t len)
{
	int i;

	for (i = 0; i < OS_FILE_COUNT; i++) {
		if (strlen(os_paths[i]) == len && memcmp(os_paths[i], path, len) == 0)
			return i;
	}
	return -1;
}

static bool path_is(const char *path, size_t len, const char *c)
{
	return strlen(c) == len && memcmp(path, c, len) == 0;
}

/* A file directly inside the directory DIR (which ends in '/') whose name
 * starts with PREFIX. */
static bool path_in_dir(const char *path, size_t len, const char *dir, const char *prefix)
{
	size_t d = strlen(dir);
	size_t p = strlen(prefix);

	if (len <= d + p || memcmp(path, dir, d) != 0 || memcmp(path + d, prefix, p) != 0)
		return false;
	return memchr(path + d, '/', len - d) == NULL;
}

static bool is_rpm_database(const char *path, size_t len)
{
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(rpm_databases); i++) {
		if (path_is(path, len, rpm_databases[i]))
			return true;
	}
	return false;
}

static bool is_esm_source(const char *path, size_t len)
{
	return path_in_dir(path, len, APT_SOURCES_D, UBUNTU_ESM_PREFIX);
}

static bool os_wants(const char *path, size_t len)
{
	return os_file_id(path, len) >= 0 || path_is(path, len, DPKG_STATUS) ||
	       path_in_dir(path, len, DPKG_STATUS_D, "") || path_is(path, len, RPM_MANIFEST) ||
	       is_rpm_database(path, len) || is_esm_source(path, len);
}

static int os_init(void **state, struct strata_error *err)
{
	*state = calloc(1, sizeof(struct os_state));
	if (*state == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory");
	return 0;
}

static void os_file_clear(struct os_file *f)
{
	free(f->link_target);
	free(f->data);
	memset(f, 0, sizeof(*f));
}

static void os_free(void *state)
{
	struct os_state *st = state;
	int i;

	if (st == NULL)
		return;
	for (i = 0; i < OS_FILE_COUNT; i++)
		os_file_clear(&st->files[i]);
	free(st);
}

/* An apt source list that enables Ubuntu's ESM archive: a line that is no
 * comment and names esm.ubuntu.com, as the Ubuntu Pro client writes into
 * sources.list.d/ubuntu-esm-*.list (one-line format) or .sources
 * (deb822). NOTE: a deb822 "Enabled: no" field is not honoured. */
static bool has_esm_line(struct st_slice text)
{
	static const char host[] = "esm.ubuntu.com";

	while (text.len > 0) {
		struct st_slice line;

		st_slice_split(&text, '\n', &line);
		line = st_slice_trim(line);
		if (line.len == 0 || line.ptr[0] == '#')
			continue;
		if (memmem(line.ptr, line.len, host, sizeof(host) - 1) != NULL)
			return true;
	}
	return false;
}

/* A dpkg "Version:" field with an Ubuntu Pro security update, such as
 * "2.9.10+dfsg-5ubuntu0.20.04.6+esm1". */
static bool has_esm_version(struct st_slice text)
{
	while (text.len > 0) {
		struct st_slice line;

		st_slice_split(&text, '\n', &line);
		if (st_slice_starts_with(line, "Version:") &&
		    memmem(line.ptr, line.len, "+esm", 4) != NULL)
			return true;
	}
	return false;
}

/* Sets the distroless and ESM signs that file F shows. */
static void note_marker(struct os_state *st, const struct st_walk_file *f)
{
	bool regular = f->type == ST_FILE_REGULAR;

	if (path_is(f->path, f->path_len, DPKG_STATUS)) {
		st->dpkg_status = true;
		st->esm_versions = st->esm_versions || (regular && has_esm_version(f->data));
	} else if (path_in_dir(f->path, f->path_len, DPKG_STATUS_D, "")) {
		st->dpkg_status_d = true;
	}
	else if (path_is(f->path, f->path_len, RPM_MANIFEST))
		st->rpm_manifest = true;
	else if (is_rpm_database(f->path, f->path_len))
		st->rpm_database = true;
	else if (is_esm_source(f->path, f->path_len) && regular && has_esm_line(f->data))
		st->esm_sources = true;
}

static int os_on_final_file(void *state, const struct st_walk_file *f,
			    struct st_catalog_ctx *ctx, struct strata_error *err)
{
	struct os_state *st = state;
	int id = os_file_id(f->path, f->path_len);
	struct os_file *dst;

	if (id < 0) {
		note_marker(st, f);
		return 0;
	}
	dst = &st->files[id];
	os_file_clear(dst);
	dst->type = f->type;
	dst->layer = f->layer;
	if (f->type == ST_FILE_SYMLINK) {
		dst->link_target = st_strndup(f->link_target ? f->link_target : "",
					      f->link_target ? strlen(f->link_target) : 0);
		if (dst->link_target == NULL)
			return st_error_set(err, STRATA_ENOMEM, "out of memory for %s", os_paths[id]);
	} else {
		dst->data = st_strndup(f->data.len ? f->data.ptr : "", f->data.len);
		if (dst->data == NULL)
			return st_error_set(err, STRATA_ENOMEM, "out of memory for %s", os_paths[id]);
		dst->len = f->data.len;
	}
	dst->present = true;
	return 0;
}

/* Writes into OUT the path that symlink LINK (an image path) with TARGET
 * points to, inside the image root: an absolute TARGET starts at the
 * root, and ".." at the root stays at the root, as in a chroot. Returns
 * false when the result exceeds MAX bytes. */
static bool join_link(const char *link, const char *target, struct st_buf *out, size_t max)
{
	struct st_slice rest = st_slice_cstr(target);
	struct st_slice comp;
	const char *slash;

	out->len = 0;
	if (target[0] != '/') {
		slash = strrchr(link, '/');
		if (slash != NULL && st_buf_append(out, link, (size_t)(slash - link), NULL) < 0)
			return false;
	}
	while (rest.len > 0) {
		st_slice_split(&rest, '/', &comp);
		if (comp.len == 0 || st_slice_eq_cstr(comp, "."))
			continue;
		if (st_slice_eq_cstr(comp, "..")) {
			while (out->len > 0 && out->ptr[out->len - 1] != '/')
				out->len--;
			if (out->len > 0)
				out->len--;
			continue;
		}
		if (out->len > 0 && st_buf_putc(out, '/', NULL) < 0)
			return false;
		if (st_buf_append(out, comp.ptr, comp.len, NULL) < 0)
			return false;
	}
	return out->len <= max;
}

/* Follows START through captured symlinks to a captured regular file.
 * Returns its id, or -1 when the chain leaves the captured files, loops or
 * is too long. NOTE: only the files this cataloger captures are known, so
 * a link into another path, or through a symlinked directory, is not
 * followed. */
static int os_resolve(struct os_state *st, int start, struct st_catalog_ctx *ctx)
{
	struct st_buf path;
	int id = start;
	int hops;

	st_buf_init(&path, (size_t)ctx->limits->path_bytes + 1);
	for (hops = 0; hops <= OS_MAX_SYMLINK_HOPS; hops++) {
		const struct os_file *f = &st->files[id];

		if (!f->present)
			break;
		if (f->type != ST_FILE_SYMLINK) {
			st_buf_dispose(&path);
			return id;
		}
		if (!join_link(os_paths[id], f->link_target, &path, ctx->limits->path_bytes)) {
			st_diag(ctx->diag, ST_DIAG_WARN, "%s: symlink target is too long",
				os_paths[start]);
			break;
		}
		id = os_file_id(path.ptr ? path.ptr : "", path.len);
		if (id < 0) {
			st_diag(ctx->diag, ST_DIAG_DEBUG,
				"%s: symlink leads to %.*s, which was not captured",
				os_paths[start], (int)path.len, path.ptr ? path.ptr : "");
			break;
		}
	}
	if (hops > OS_MAX_SYMLINK_HOPS)
		st_diag(ctx->diag, ST_DIAG_WARN, "%s: more than %d symlinks, not followed",
			os_paths[start], OS_MAX_SYMLINK_HOPS);
	st_buf_dispose(&path);
	return -1;
}

/* Takes the major release from etc/debian_version ("10.8" gives "10") into
 * *OUT. A testing or unstable system ("trixie/sid") has no number and
 * gets none. */
static int debian_version_major(const struct os_file *f, struct st_arena *arena,
				const char **out, struct strata_error *err)
{
	size_t n = 0;

	if (!f->present || f->type != ST_FILE_REGULAR)
		return 0;
	while (n < f->len && n < 4 && f->data[n] >= '0' && f->data[n] <= '9')
		n++;
	if (n == 0 || (n < f->len && f->data[n] != '.' && f->data[n] != '\n'))
		return 0;
	*out = st_arena_strndup(arena, f->data, n);
	if (*out == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory");
	return 0;
}

/* Debian leaves VERSION_CODENAME out before 9, and old distroless images
 * leave out VERSION_ID too: fill them from etc/debian_version and the
 * release table, which vulnerability matching needs. */
static int os_fill_debian(struct os_state *st, struct st_os *os, struct st_arena *arena,
			  struct strata_error *err)
{
	const char *codename;
	int rc;

	if (os->id == NULL || strcmp(os->id, "debian") != 0)
		return 0;
	if (os->version_id == NULL) {
		rc = debian_version_major(&st->files[OS_DEBIAN_VERSION], arena,
					  &os->version_id, err);
		if (rc < 0)
			return rc;
	}
	if (os->version_codename != NULL)
		return 0;
	codename = st_debian_codename(os->version_id);
	if (codename == NULL)
		return 0;
	os->version_codename = st_arena_strdup(arena, codename);
	if (os->version_codename == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory");
	return 0;
}

/* Legacy release files ----------------------------------------------------- */

/* The first line of F without blanks around it, when F is a regular file
 * whose first line is printable text of at most LEGACY_LINE_MAX bytes. */
#define LEGACY_LINE_MAX 256

static bool first_line(const struct os_file *f, struct st_slice *out)
{
	struct st_slice rest;
	size_t i;

	if (!f->present || f->type != ST_FILE_REGULAR)
		return false;
	rest = st_slice_make(f->data, f->len);
	st_slice_split(&rest, '\n', out);
	*out = st_slice_trim(*out);
	if (out->len == 0 || out->len > LEGACY_LINE_MAX)
		return false;
	for (i = 0; i < out->len; i++) {
		unsigned char c = (unsigned char)out->ptr[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return false;
	}
	return true;
}

static bool dup_into(struct st_arena *a, const char **dst, struct st_slice s)
{
	*dst = st_arena_strndup(a, s.ptr, s.len);
	return *dst != NULL;
}

/* etc/alpine-release: the version alone, "3.18.4" or
 * "3.19_alpha20230901" on edge. */
static bool legacy_alpine(const struct os_file *f, struct st_os *os, struct st_arena *a)
{
	struct st_slice line;

	if (!first_line(f, &line) || line.ptr[0] < '0' || line.ptr[0] > '9')
		return true;
	os->id = "alpine";
	return dup_into(a, &os->version_id, line);
}

/* etc/lsb-release: DISTRIB_ID=Ubuntu, DISTRIB_RELEASE, DISTRIB_CODENAME
 * and DISTRIB_DESCRIPTION, in os-release syntax. */
static int legacy_lsb(const struct os_file *f, struct st_os *os, struct st_arena *a,
		      struct strata_error *err)
{
	const char *distrib_id = NULL;
	const struct var_field fields[] = {
		{"DISTRIB_ID", &distrib_id},
		{"DISTRIB_RELEASE", &os->version_id},
		{"DISTRIB_CODENAME", &os->version_codename},
		{"DISTRIB_DESCRIPTION", &os->pretty_name},
	};
	int rc;

	if (!f->present || f->type != ST_FILE_REGULAR)
		return 0;
	rc = parse_vars(fields, ST_ARRAY_LEN(fields), st_slice_make(f->data, f->len), a, err);
	if (rc < 0 || distrib_id == NULL || distrib_id[0] == '\0')
		return rc;
	os->id = st_pkg_lowercase(a, distrib_id);
	if (os->id == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory for etc/lsb-release");
	return 0;
}

/* "NAME release VERSION (CODENAME)" of etc/redhat-release and its kin,
 * by the start of NAME. Longer prefixes come first. */
static const struct {
	const char *prefix;
	const char *id;
} redhat_names[] = {
	{"Red Hat Enterprise Linux", "rhel"}, {"CentOS", "centos"},
	{"Rocky Linux", "rocky"},            {"AlmaLinux", "almalinux"},
	{"Oracle Linux", "ol"},              {"Fedora", "fedora"},
	{"Amazon Linux", "amzn"},            {"Scientific Linux", "scientific"},
};

static bool legacy_redhat(const struct os_file *f, struct st_os *os, struct st_arena *a)
{
	struct st_slice line;
	struct st_slice version;
	const char *at;
	size_t i;

	if (!first_line(f, &line))
		return true;
	at = memmem(line.ptr, line.len, " release ", 9);
	if (at == NULL)
		return true;
	version.ptr = at + 9;
	version.len = 0;
	while (version.ptr + version.len < line.ptr + line.len &&
	       version.ptr[version.len] != ' ')
		version.len++;
	if (version.len == 0 || version.ptr[0] < '0' || version.ptr[0] > '9')
		return true;
	for (i = 0; i < ST_ARRAY_LEN(redhat_names); i++) {
		if (!st_slice_starts_with(line, redhat_names[i].prefix))
			continue;
		os->id = redhat_names[i].id;
		return dup_into(a, &os->version_id, version) && dup_into(a, &os->pretty_name, line);
	}
	return true;
}

/* etc/system-release-cpe: "cpe:/o:centos:linux:6:GA" (CPE 2.2) or
 * "cpe:2.3:o:amazon:amazon_linux:2" (CPE 2.3), by vendor. */
static bool legacy_cpe(const struct os_file *f, struct st_os *os, struct st_arena *a)
{
	static const struct {
		const char *vendor;
		const char *id;
	} vendors[] = {
		{"centos", "centos"}, {"redhat", "rhel"},     {"amazon", "amzn"},
		{"fedoraproject", "fedora"}, {"rocky", "rocky"}, {"almalinux", "almalinux"},
		{"oracle", "ol"},
	};
	struct st_slice rest;
	struct st_slice part[6];
	size_t n = 0;
	size_t skip;
	size_t i;

	if (!first_line(f, &rest))
		return true;
	while (rest.len > 0 && n < ST_ARRAY_LEN(part))
		st_slice_split(&rest, ':', &part[n++]);
	if (n < 5 || !st_slice_eq_cstr(part[0], "cpe"))
		return true;
	/* cpe:/o:VENDOR:PRODUCT:VERSION or cpe:2.3:o:VENDOR:PRODUCT:VERSION */
	skip = st_slice_eq_cstr(part[1], "2.3") ? 1 : 0;
	if (n < 5 + skip || part[4 + skip].len == 0)
		return true;
	for (i = 0; i < ST_ARRAY_LEN(vendors); i++) {
		if (!st_slice_eq_cstr(part[2 + skip], vendors[i].vendor))
			continue;
		os->id = vendors[i].id;
		return dup_into(a, &os->version_id, part[4 + skip]);
	}
	return true;
}

/* etc/SuSE-release: a name line, then "VERSION = 12" and
 * "PATCHLEVEL = 3" lines. */
static bool legacy_suse(const struct os_file *f, struct st_os *os, struct st_arena *a)
{
	struct st_slice line;
	struct st_slice rest;
	struct st_slice version = {NULL, 0};
	struct st_slice patch = {NULL, 0};
	uint64_t major;
	size_t digits;

	if (!first_line(f, &line))
		return true;
	rest = st_slice_make(f->data, f->len);
	while (rest.len > 0) {
		struct st_slice l;
		struct st_slice key;

		st_slice_split(&rest, '\n', &l);
		st_slice_split(&l, '=', &key);
		key = st_slice_trim(key);
		if (st_slice_eq_cstr(key, "VERSION"))
			version = st_slice_trim(l);
		else if (st_slice_eq_cstr(key, "PATCHLEVEL"))
			patch = st_slice_trim(l);
	}
	if (version.len == 0 || version.len > 16 || patch.len > 4)
		return true;
	if (st_slice_starts_with(line, "SUSE Linux Enterprise Server"))
		os->id = "sles";
	else if (st_slice_starts_with(line, "openSUSE"))
		os->id = "opensuse";
	else
		return true;
	/* openSUSE Leap started at 42.1. Older releases get an ID that
	 * classification does not know, so that they get no Leap key. */
	for (digits = 0; digits < version.len && version.ptr[digits] != '.'; digits++)
		;
	if (strcmp(os->id, "opensuse") == 0 &&
	    (!st_slice_to_u64(st_slice_make(version.ptr, digits), &major) || major < 42))
		os->id = "opensuse-legacy";
	if (patch.len > 0 && !st_slice_eq_cstr(patch, "0"))
		os->version_id = st_arena_printf(a, "%.*s.%.*s", (int)version.len, version.ptr,
						 (int)patch.len, patch.ptr);
	else
		os->version_id = st_arena_strndup(a, version.ptr, version.len);
	return os->version_id != NULL && dup_into(a, &os->pretty_name, line);
}

/* etc/debian_version: "10.8", or "bookworm/sid" on testing and Ubuntu. */
static bool legacy_debian(const struct os_file *f, struct st_os *os, struct st_arena *a)
{
	struct st_slice line;
	size_t n = 0;

	if (!first_line(f, &line))
		return true;
	os->id = "debian";
	while (n < line.len && line.ptr[n] >= 'a' && line.ptr[n] <= 'z')
		n++;
	if (n > 0 && (n == line.len || line.ptr[n] == '/'))
		return dup_into(a, &os->version_codename, st_slice_make(line.ptr, n));
	return debian_version_major(f, a, &os->version_id, NULL) == 0;
}

/* Reads the first legacy release file that names a distribution into OS,
 * by preference: Ubuntu has both lsb-release and debian_version, and
 * CentOS both centos-release and redhat-release. */
static int read_legacy(struct os_state *st, struct st_os *os, struct st_catalog_ctx *ctx,
		       struct strata_error *err)
{
	static const int order[] = {
		OS_ALPINE_RELEASE, OS_LSB_RELEASE, OS_CENTOS_RELEASE, OS_REDHAT_RELEASE,
		OS_SYSTEM_RELEASE, OS_SYSTEM_RELEASE_CPE, OS_SUSE_RELEASE, OS_DEBIAN_VERSION,
	};
	struct st_arena *a = &ctx->inv->arena;
	size_t i;
	int rc = 0;

	for (i = 0; i < ST_ARRAY_LEN(order) && os->id == NULL; i++) {
		int id = st->files[order[i]].present ? os_resolve(st, order[i], ctx) : -1;
		const struct os_file *f;
		bool ok = true;

		if (id < 0)
			continue;
		f = &st->files[id];
		memset(os, 0, sizeof(*os));
		if (order[i] == OS_ALPINE_RELEASE)
			ok = legacy_alpine(f, os, a);
		else if (order[i] == OS_LSB_RELEASE)
			rc = legacy_lsb(f, os, a, err);
		else if (order[i] == OS_SYSTEM_RELEASE_CPE)
			ok = legacy_cpe(f, os, a);
		else if (order[i] == OS_SUSE_RELEASE)
			ok = legacy_suse(f, os, a);
		else if (order[i] == OS_DEBIAN_VERSION)
			ok = legacy_debian(f, os, a);
		else
			ok = legacy_redhat(f, os, a);
		if (!ok)
			return st_error_set(err, STRATA_ENOMEM, "out of memory for %s",
					    os_paths[order[i]]);
		if (rc < 0)
			return rc;
		os->path = os_paths[order[i]];
		os->layer = f->layer;
	}
	os->found = os->id != NULL;
	return 0;
}

/* Reads etc/os-release or usr/lib/os-release into OS. */
static int read_os_release(struct os_state *st, struct st_os *os, struct st_catalog_ctx *ctx,
			   struct strata_error *err)
{
	const struct os_file *f;
	int id;
	int rc;

	id = os_resolve(st, OS_ETC_RELEASE, ctx);
	if (id < 0)
		id = os_resolve(st, OS_USR_RELEASE, ctx);
	if (id < 0)
		return 0;
	f = &st->files[id];

	rc = st_osrelease_parse(os, st_slice_make(f->data, f->len), &ctx->inv->arena, err);
	if (rc < 0)
		return rc;
	os->path = os_paths[id];
	os->layer = f->layer;
	if (!os->found)
		st_diag(ctx->diag, ST_DIAG_WARN, "%s: no ID, VERSION_ID or PRETTY_NAME, ignored",
			os_paths[id]);
	return 0;
}

/* Merges the fields of the legacy release files into OS: everything when
 * there is no os-release, else only the missing VERSION_ID, VERSION_CODENAME
 * and PRETTY_NAME of the same distribution. */
static int merge_legacy(struct os_state *st, struct st_os *os, struct st_catalog_ctx *ctx,
			struct strata_error *err)
{
	struct st_os legacy;
	int rc;

	if (os->found && os->version_id != NULL)
		return 0;
	memset(&legacy, 0, sizeof(legacy));
	rc = read_legacy(st, &legacy, ctx, err);
	if (rc < 0 || !legacy.found)
		return rc;
	if (!os->found) {
		*os = legacy;
		return 0;
	}
	if (os->id == NULL || strcmp(os->id, legacy.id) != 0)
		return 0;
	os->version_id = legacy.version_id;
	if (os->version_codename == NULL)
		os->version_codename = legacy.version_codename;
	if (os->pretty_name == NULL)
		os->pretty_name = legacy.pretty_name;
	return 0;
}

static int os_finish(void *state, struct st_catalog_ctx *ctx, struct strata_error *err)
{
	struct os_state *st = state;
	struct st_os *os = &ctx->inv->os;
	struct strata_error why;
	int rc;

	rc = read_os_release(st, os, ctx, err);
	if (rc == 0)
		rc = merge_legacy(st, os, ctx, err);
	if (rc == 0 && os->found)
		rc = os_fill_debian(st, os, &ctx->inv->arena, err);
	if (rc < 0 || !os->found)
		return rc;

	/* gcr.io/distroless keeps one status.d file per package instead of
	 * the status database; Azure Linux distroless keeps a package list
	 * instead of the rpm database. */
	if ((st->dpkg_status_d && !st->dpkg_status) || (st->rpm_manifest && !st->rpm_database))
		os->distroless = true;
	if (st->esm_sources || st->esm_versions)
		os->esm = true;

	/* NOTE: the scan time is the time of this call; the walk has no
	 * clock of its own. */
	rc = st_os_classify(os, &ctx->inv->arena, (int64_t)time(NULL), &why);
	if (rc == STRATA_ENOTFOUND) {
		st_diag(ctx->diag, ST_DIAG_INFO, "%s: %s", os->path ? os->path : "os release",
			why.msg);
		return 0;
	}
	if (rc < 0 && err != NULL)
		*err = why;
	return rc;
}

static const char *os_anchor(size_t i)
{
	return i < OS_FILE_COUNT ? os_paths[i] : NULL;
}

const struct st_cataloger st_cataloger_os = {
	.name = "os-release",
	.wants = os_wants,
	.anchor = os_anchor,
	.reads_own_links = true,
	.init = os_init,
	.on_final_file = os_on_final_file,
	.finish = os_finish,
	.free = os_free,
};
