/* The OS cataloger: reads os-release(5) from etc/os-release, following a
 * symlink inside the image, or from usr/lib/os-release. For Debian it
 * takes a missing VERSION_ID from etc/debian_version and a missing
 * VERSION_CODENAME from the release table. */
#include <stdlib.h>
#include <string.h>

#include "inventory/inventory.h"
#include "vuln/vuln.h"

/* The same bound as Linux's MAXSYMLINKS for one path lookup. */
#define OS_MAX_SYMLINK_HOPS 40

enum os_file_id {
	OS_ETC_RELEASE,    /* etc/os-release */
	OS_USR_RELEASE,    /* usr/lib/os-release */
	OS_DEBIAN_VERSION, /* etc/debian_version */
	OS_FILE_COUNT,
};

static const char *const os_paths[OS_FILE_COUNT] = {
	[OS_ETC_RELEASE] = "etc/os-release",
	[OS_USR_RELEASE] = "usr/lib/os-release",
	[OS_DEBIAN_VERSION] = "etc/debian_version",
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

static const char **field_for_key(struct st_os *os, struct st_slice key)
{
	if (st_slice_eq_cstr(key, "ID"))
		return &os->id;
	if (st_slice_eq_cstr(key, "ID_LIKE"))
		return &os->id_like;
	if (st_slice_eq_cstr(key, "VERSION_ID"))
		return &os->version_id;
	if (st_slice_eq_cstr(key, "VERSION_CODENAME"))
		return &os->version_codename;
	if (st_slice_eq_cstr(key, "PRETTY_NAME"))
		return &os->pretty_name;
	return NULL;
}

static void skip_line(struct st_slice text, size_t *pos)
{
	const char *nl = memchr(text.ptr + *pos, '\n', text.len - *pos);

	*pos = nl ? (size_t)(nl - text.ptr) + 1 : text.len;
}

/* Lines that are not KEY=VALUE, and values with an unterminated quote or
 * a control byte, are ignored, as systemd's parser ignores them. The last
 * assignment of a key wins, as in a shell. */
int st_osrelease_parse(struct st_os *os, struct st_slice text, struct st_arena *arena,
		       struct strata_error *err)
{
	struct st_buf value;
	size_t pos = 0;
	int rc = 0;

	os->id = os->id_like = os->version_id = NULL;
	os->version_codename = os->pretty_name = NULL;
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
		field = field_for_key(os, key);
		if (field != NULL && value_is_text(&value)) {
			*field = st_arena_strndup(arena, value.ptr ? value.ptr : "", value.len);
			if (*field == NULL) {
				rc = st_error_set(err, STRATA_ENOMEM, "out of memory for os-release");
				goto out;
			}
		}
		skip_line(text, &pos);
	}
	os->found = os->id != NULL || os->version_id != NULL || os->pretty_name != NULL;

out:
	st_buf_dispose(&value);
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

static bool os_wants(const char *path, size_t len)
{
	return os_file_id(path, len) >= 0;
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

static int os_on_final_file(void *state, const struct st_walk_file *f,
			    struct st_catalog_ctx *ctx, struct strata_error *err)
{
	struct os_state *st = state;
	int id = os_file_id(f->path, f->path_len);
	struct os_file *dst;

	if (id < 0)
		return 0;
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

static int os_finish(void *state, struct st_catalog_ctx *ctx, struct strata_error *err)
{
	struct os_state *st = state;
	struct st_os *os = &ctx->inv->os;
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
	if (!os->found) {
		st_diag(ctx->diag, ST_DIAG_WARN, "%s: no ID, VERSION_ID or PRETTY_NAME, ignored",
			os_paths[id]);
		return 0;
	}
	return os_fill_debian(st, os, &ctx->inv->arena, err);
}

const struct st_cataloger st_cataloger_os = {
	.name = "os-release",
	.wants = os_wants,
	.init = os_init,
	.on_final_file = os_on_final_file,
	.finish = os_finish,
	.free = os_free,
};
