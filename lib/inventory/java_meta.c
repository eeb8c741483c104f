/* The metadata files inside a Java archive that name its artifact:
 * META-INF/MANIFEST.MF, META-INF/maven/GROUP/ARTIFACT/pom.properties, and
 * the archive's own file name. */
#include <string.h>

#include "inventory/java_internal.h"

/* Splits the next line off *TEXT. A line ends in CRLF, LF or CR, as both
 * the manifest and the properties formats allow. */
static struct st_slice next_line(struct st_slice *text)
{
	struct st_slice line = {text->ptr, 0};
	size_t i = 0;

	while (i < text->len && text->ptr[i] != '\n' && text->ptr[i] != '\r')
		i++;
	line.len = i;
	if (i < text->len && text->ptr[i] == '\r') {
		i++;
		if (i < text->len && text->ptr[i] == '\n')
			i++;
	} else if (i < text->len) {
		i++;
	}
	text->ptr += i;
	text->len -= i;
	return line;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\f';
}

static struct st_slice trim_blanks(struct st_slice s)
{
	while (s.len > 0 && is_blank(s.ptr[0])) {
		s.ptr++;
		s.len--;
	}
	while (s.len > 0 && is_blank(s.ptr[s.len - 1]))
		s.len--;
	return s;
}

static bool slice_eq_nocase(struct st_slice s, const char *c)
{
	size_t n = strlen(c);
	size_t i;

	if (s.len != n)
		return false;
	for (i = 0; i < n; i++) {
		char a = s.ptr[i];
		char b = c[i];

		if (a >= 'A' && a <= 'Z')
			a = (char)(a - 'A' + 'a');
		if (b >= 'A' && b <= 'Z')
			b = (char)(b - 'A' + 'a');
		if (a != b)
			return false;
	}
	return true;
}

/* Manifest ----------------------------------------------------------------- */

/* The attribute names that fill struct st_java_manifest. */
static const char **manifest_slot(struct st_java_manifest *m, struct st_slice name,
				  bool main_section)
{
	static const struct {
		const char *name;
		size_t offset;
	} slots[] = {
		{"Implementation-Title", offsetof(struct st_java_manifest, implementation_title)},
		{"Implementation-Version", offsetof(struct st_java_manifest, implementation_version)},
		{"Implementation-Vendor", offsetof(struct st_java_manifest, implementation_vendor)},
		{"Bundle-SymbolicName", offsetof(struct st_java_manifest, bundle_symbolic_name)},
		{"Bundle-Version", offsetof(struct st_java_manifest, bundle_version)},
		{"Specification-Title", offsetof(struct st_java_manifest, specification_title)},
		{"Specification-Version", offsetof(struct st_java_manifest, specification_version)},
		{"Specification-Vendor", offsetof(struct st_java_manifest, specification_vendor)},
	};
	size_t i;

	/* A license in a per-entry section describes that entry only. */
	if (main_section && slice_eq_nocase(name, "Bundle-License"))
		return &m->bundle_license;
	for (i = 0; i < ST_ARRAY_LEN(slots); i++) {
		if (slice_eq_nocase(name, slots[i].name))
			return (const char **)((char *)m + slots[i].offset);
	}
	return NULL;
}

/* OSGi headers carry directives after the value: "name;singleton:=true". */
static struct st_slice strip_directives(struct st_slice v)
{
	const char *semi = memchr(v.ptr, ';', v.len);

	if (semi != NULL)
		v.len = (size_t)(semi - v.ptr);
	return trim_blanks(v);
}

/* The attribute being read: its slot (NULL when not one we keep) and its
 * value so far, continuation lines included. */
struct manifest_attr {
	const char **slot;
	bool directives;
	struct st_buf value;
};

static int manifest_flush(struct manifest_attr *cur, struct st_arena *arena,
			  struct strata_error *err)
{
	struct st_slice v;

	if (cur->slot == NULL)
		return 0;
	v = trim_blanks(st_slice_make(cur->value.ptr, cur->value.len));
	if (cur->directives)
		v = strip_directives(v);
	if (*cur->slot == NULL && v.len > 0) {
		*cur->slot = st_arena_strndup(arena, v.ptr, v.len);
		if (*cur->slot == NULL)
			return st_error_set(err, STRATA_ENOMEM, "manifest: out of memory");
	}
	cur->slot = NULL;
	return 0;
}

/* A header line: NAME ':' VALUE, NAME made of letters, digits, '-', '_'. */
static bool manifest_header(struct st_slice line, struct st_slice *name, struct st_slice *value)
{
	size_t i = 0;

	while (i < line.len) {
		char c = line.ptr[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_'))
			break;
		i++;
	}
	if (i == 0 || i >= line.len || line.ptr[i] != ':')
		return false;
	*name = st_slice_make(line.ptr, i);
	*value = st_slice_make(line.ptr + i + 1, line.len - i - 1);
	return true;
}

int st_java_manifest_parse(struct st_java_manifest *m, struct st_slice text,
			   struct st_arena *arena, struct strata_error *err)
{
	struct manifest_attr cur = {NULL, false, {NULL, 0, 0, 0}};
	bool main_section = true;
	int rc = 0;

	memset(m, 0, sizeof(*m));
	st_buf_init(&cur.value, text.len + 1);
	while (text.len > 0 && rc == 0) {
		struct st_slice line = next_line(&text);
		struct st_slice name;
		struct st_slice value;

		if (line.len > 0 && line.ptr[0] == ' ') {
			if (cur.slot != NULL)
				rc = st_buf_append(&cur.value, line.ptr + 1, line.len - 1, err);
			continue;
		}
		rc = manifest_flush(&cur, arena, err);
		if (rc < 0)
			break;
		if (line.len == 0) {
			main_section = false;
			continue;
		}
		if (!manifest_header(line, &name, &value))
			continue;
		cur.slot = manifest_slot(m, name, main_section);
		cur.directives = slice_eq_nocase(name, "Bundle-SymbolicName");
		cur.value.len = 0;
		if (cur.slot != NULL)
			rc = st_buf_append(&cur.value, value.ptr, value.len, err);
	}
	if (rc == 0)
		rc = manifest_flush(&cur, arena, err);
	st_buf_dispose(&cur.value);
	return rc;
}

/* pom.properties ------------------------------------------------------------ */

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Appends the UTF-8 form of code unit CP. Surrogates are not paired up:
 * coordinates are ASCII in practice, so a lone one becomes U+FFFD. */
static int put_utf8(struct st_buf *b, unsigned cp, struct strata_error *err)
{
	char u[3];
	size_t n;

	if (cp >= 0xd800 && cp <= 0xdfff)
		cp = 0xfffd;
	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	}
	return st_buf_append(b, u, n, err);
}

/* Appends S to B with the escapes of java.util.Properties.load resolved:
 * \t \n \r \f, \uXXXX, and a backslash before any other character stands
 * for that character. A malformed \u sequence is kept as it is. */
static int unescape(struct st_buf *b, struct st_slice s, struct strata_error *err)
{
	size_t i = 0;
	int rc = 0;

	while (i < s.len && rc == 0) {
		char c = s.ptr[i++];

		if (c != '\\' || i == s.len) {
			rc = st_buf_putc(b, c, err);
			continue;
		}
		c = s.ptr[i++];
		if (c == 'u' && s.len - i >= 4 && hex_digit(s.ptr[i]) >= 0 &&
		    hex_digit(s.ptr[i + 1]) >= 0 && hex_digit(s.ptr[i + 2]) >= 0 &&
		    hex_digit(s.ptr[i + 3]) >= 0) {
			unsigned cp = (unsigned)(hex_digit(s.ptr[i]) << 12 |
						 hex_digit(s.ptr[i + 1]) << 8 |
						 hex_digit(s.ptr[i + 2]) << 4 | hex_digit(s.ptr[i + 3]));

			rc = put_utf8(b, cp, err);
			i += 4;
			continue;
		}
		if (c == 't')
			c = '\t';
		else if (c == 'n')
			c = '\n';
		else if (c == 'r')
			c = '\r';
		else if (c == 'f')
			c = '\f';
		rc = st_buf_putc(b, c, err);
	}
	return rc;
}

/* Whether LINE ends in an odd number of backslashes, which continues it
 * on the next line. */
static bool continues(struct st_slice line)
{
	size_t n = 0;

	while (n < line.len && line.ptr[line.len - 1 - n] == '\\')
		n++;
	return n % 2 == 1;
}

/* Reads the next logical line of TEXT into B, raw (escapes unresolved):
 * continuation lines are joined without their backslash and leading
 * blanks. Comment and blank lines are skipped. Returns false at the end. */
static bool next_logical_line(struct st_slice *text, struct st_buf *b, int *rc,
			      struct strata_error *err)
{
	struct st_slice line;

	b->len = 0;
	do {
		if (text->len == 0)
			return false;
		line = trim_blanks(next_line(text));
	} while (line.len == 0 || line.ptr[0] == '#' || line.ptr[0] == '!');

	while (continues(line)) {
		*rc = st_buf_append(b, line.ptr, line.len - 1, err);
		if (*rc < 0 || text->len == 0)
			return *rc == 0;
		line = trim_blanks(next_line(text));
	}
	*rc = st_buf_append(b, line.ptr, line.len, err);
	return true;
}

/* Splits a raw logical line into its key and value: the key ends at the
 * first unescaped '=', ':' or blank; then blanks, one optional '=' or ':'
 * and more blanks separate it from the value. */
static void split_property(struct st_slice line, struct st_slice *key, struct st_slice *value)
{
	size_t i = 0;

	while (i < line.len) {
		char c = line.ptr[i];

		if (c == '\\' && i + 1 < line.len) {
			i += 2;
			continue;
		}
		if (c == '=' || c == ':' || is_blank(c))
			break;
		i++;
	}
	*key = st_slice_make(line.ptr, i);
	while (i < line.len && is_blank(line.ptr[i]))
		i++;
	if (i < line.len && (line.ptr[i] == '=' || line.ptr[i] == ':'))
		i++;
	*value = st_slice_make(line.ptr + i, line.len - i);
}

static int set_property(const char **dst, struct st_slice raw, struct st_arena *arena,
			struct strata_error *err)
{
	struct st_buf v;
	struct st_slice s;
	int rc;

	st_buf_init(&v, raw.len * 3 + 1);
	rc = unescape(&v, raw, err);
	s = trim_blanks(st_slice_make(v.ptr, v.len));
	if (rc == 0 && s.len > 0) {
		*dst = st_arena_strndup(arena, s.ptr, s.len);
		if (*dst == NULL)
			rc = st_error_set(err, STRATA_ENOMEM, "pom.properties: out of memory");
	}
	st_buf_dispose(&v);
	return rc;
}

int st_java_pom_parse(struct st_java_pom *p, struct st_slice text, struct st_arena *arena,
		      struct strata_error *err)
{
	struct st_buf line;
	int rc = 0;

	memset(p, 0, sizeof(*p));
	st_buf_init(&line, text.len + 1);
	while (rc == 0 && next_logical_line(&text, &line, &rc, err)) {
		struct st_slice key;
		struct st_slice value;
		const char **dst = NULL;

		split_property(st_slice_make(line.ptr, line.len), &key, &value);
		/* The keys Maven writes need no unescaping, so they are
		 * compared raw. As in Properties.load, the last value wins. */
		if (st_slice_eq_cstr(key, "groupId"))
			dst = &p->group_id;
		else if (st_slice_eq_cstr(key, "artifactId"))
			dst = &p->artifact_id;
		else if (st_slice_eq_cstr(key, "version"))
			dst = &p->version;
		if (dst != NULL)
			rc = set_property(dst, value, arena, err);
	}
	st_buf_dispose(&line);
	return rc;
}

/* File names ----------------------------------------------------------------- */

bool st_java_split_filename(struct st_slice stem, struct st_slice *name,
			    struct st_slice *version)
{
	size_t i;

	*name = stem;
	*version = st_slice_make(stem.ptr + stem.len, 0);
	for (i = 1; i + 1 < stem.len; i++) {
		if (stem.ptr[i] == '-' && stem.ptr[i + 1] >= '0' && stem.ptr[i + 1] <= '9') {
			*name = st_slice_make(stem.ptr, i);
			*version = st_slice_make(stem.ptr + i + 1, stem.len - i - 1);
			return true;
		}
	}
	return false;
}

bool st_java_is_archive_name(const char *name, size_t len)
{
	static const char *const exts[] = {".jar", ".war", ".ear", ".par",
					   ".jpi", ".hpi", ".sar", ".kar"};
	size_t i;

	if (len < 5)
		return false;
	for (i = 0; i < ST_ARRAY_LEN(exts); i++) {
		if (slice_eq_nocase(st_slice_make(name + len - 4, 4), exts[i]))
			return true;
	}
	return false;
}
