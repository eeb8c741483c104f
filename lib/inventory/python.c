/* The Python cataloger: installed distributions from their core metadata
 * (packaging.python.org, "Core metadata specifications"), read from
 *   NAME-VERSION.dist-info/METADATA   (wheels, pip)
 *   NAME-VERSION.egg-info/PKG-INFO    (setuptools egg-info directories)
 *   NAME-VERSION.egg/EGG-INFO/PKG-INFO (eggs installed as directories)
 *   NAME-VERSION.egg-info             (one file, from distutils)
 * The metadata is a block of RFC 822 style headers, where a line that
 * starts with a blank continues the header above it; a blank line ends the
 * headers and the description body follows. */
#include <string.h>
#include <strings.h>

#include "inventory/lang.h"

/* The headers read; every other one is skipped. */
enum py_field {
	PY_OTHER,
	PY_NAME,
	PY_VERSION,
	PY_LICENSE,
	PY_LICENSE_EXPRESSION,
	PY_CLASSIFIER,
};

struct py_meta {
	struct st_slice name;
	struct st_slice version;
	bool has_name;
	bool has_version;
	bool bad_name;              /* Name or Version folded over lines */
	struct st_slice license_expr; /* License-Expression (PEP 639) */
	struct st_slice license;    /* first line of License */
	bool license_multiline;     /* License went on over continuation lines */
	struct st_buf classifiers;  /* license classifiers, ", " between them */
};

static bool py_wants(const char *path, size_t len)
{
	if (st_lang_ends_with(path, len, ".dist-info/METADATA") ||
	    st_lang_ends_with(path, len, ".egg-info/PKG-INFO") ||
	    st_lang_ends_with(path, len, ".egg/EGG-INFO/PKG-INFO"))
		return true;
	/* A single-file .egg-info: directories never reach a cataloger. */
	return st_lang_ends_with(path, len, ".egg-info") && !st_lang_basename_is(path, len, ".egg-info");
}

/* Splits the next line off *REST, without its LF or CRLF. */
static struct st_slice next_line(struct st_slice *rest)
{
	struct st_slice line;

	st_slice_split(rest, '\n', &line);
	if (line.len > 0 && line.ptr[line.len - 1] == '\r')
		line.len--;
	return line;
}

static enum py_field field_of(struct st_slice key)
{
	static const struct {
		const char *key;
		enum py_field field;
	} known[] = {
		{"name", PY_NAME},
		{"version", PY_VERSION},
		{"license", PY_LICENSE},
		{"license-expression", PY_LICENSE_EXPRESSION},
		{"classifier", PY_CLASSIFIER},
	};
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(known); i++) {
		if (key.len == strlen(known[i].key) &&
		    strncasecmp(key.ptr, known[i].key, key.len) == 0)
			return known[i].field;
	}
	return PY_OTHER;
}

/* Header names are printable ASCII without ':' or blanks (RFC 822). */
static bool is_header_name(struct st_slice key)
{
	size_t i;

	if (key.len == 0)
		return false;
	for (i = 0; i < key.len; i++) {
		unsigned char c = (unsigned char)key.ptr[i];

		if (c <= 0x20 || c >= 0x7f)
			return false;
	}
	return true;
}

/* Adds the last part of a "License :: OSI Approved :: MIT License"
 * classifier to the list. "License :: OSI Approved" alone names no
 * license. */
static int add_classifier(struct py_meta *m, struct st_slice value)
{
	static const char prefix[] = "License ::";
	struct st_slice last = value;
	size_t i;
	int rc = 0;

	if (!st_slice_starts_with(value, prefix))
		return 0;
	for (i = 0; i + 1 < value.len; i++) {
		if (value.ptr[i] == ':' && value.ptr[i + 1] == ':')
			last = st_slice_make(value.ptr + i + 2, value.len - i - 2);
	}
	last = st_slice_trim(last);
	if (last.len == 0 || st_slice_eq_cstr(last, "OSI Approved"))
		return 0;
	if (m->classifiers.len > 0)
		rc = st_buf_append(&m->classifiers, ", ", 2, NULL);
	if (rc == 0)
		rc = st_buf_append(&m->classifiers, last.ptr, last.len, NULL);
	/* A list over its cap keeps the classifiers that fit. */
	return rc == STRATA_ELIMIT ? 0 : rc;
}

/* Stores the first line VALUE of header FIELD. Repeated Name, Version and
 * License headers keep the first. */
static int take_header(struct py_meta *m, enum py_field field, struct st_slice value)
{
	switch (field) {
	case PY_NAME:
		if (!m->has_name)
			m->name = value;
		m->has_name = true;
		break;
	case PY_VERSION:
		if (!m->has_version)
			m->version = value;
		m->has_version = true;
		break;
	case PY_LICENSE:
		if (m->license.ptr == NULL)
			m->license = value;
		break;
	case PY_LICENSE_EXPRESSION:
		if (m->license_expr.ptr == NULL)
			m->license_expr = value;
		break;
	case PY_CLASSIFIER:
		return add_classifier(m, value);
	case PY_OTHER:
		break;
	}
	return 0;
}

/* Reads the header block of TEXT into M. Parsing stops at the blank line
 * before the body, or at a line that is neither a header nor a
 * continuation (Python's email parser also ends the headers there). */
static int read_headers(struct py_meta *m, struct st_slice text)
{
	enum py_field current = PY_OTHER;
	struct st_slice rest = text;
	int rc;

	while (rest.len > 0) {
		struct st_slice line = next_line(&rest);
		struct st_slice key;

		if (line.len == 0)
			break;
		if (line.ptr[0] == ' ' || line.ptr[0] == '\t') {
			if (st_slice_trim(line).len == 0)
				continue;
			if (current == PY_NAME || current == PY_VERSION)
				m->bad_name = true;
			else if (current == PY_LICENSE)
				m->license_multiline = true;
			continue;
		}
		if (memchr(line.ptr, ':', line.len) == NULL)
			break;
		st_slice_split(&line, ':', &key);
		if (!is_header_name(key))
			break;
		current = field_of(key);
		rc = take_header(m, current, st_slice_trim(line));
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* The license to report: License-Expression, else a one-line License
 * other than "UNKNOWN", else the license classifiers, else the first line
 * of a License that runs over several lines (often the whole license
 * text). NOTE: several classifiers are joined with ", " because the
 * metadata does not say whether they apply together or as a choice. */
static struct st_slice pick_license(const struct py_meta *m)
{
	bool known = m->license.len > 0 && !st_slice_eq_cstr(m->license, "UNKNOWN");

	if (m->license_expr.len > 0)
		return m->license_expr;
	if (known && !m->license_multiline)
		return m->license;
	if (m->classifiers.len > 0)
		return st_slice_make(m->classifiers.ptr, m->classifiers.len);
	if (known)
		return m->license;
	return st_slice_make(NULL, 0);
}

/* The PEP 503 normalized name: lowercase, with each run of '-', '_' and
 * '.' replaced by one '-'. The pypi purl type wants this form. */
static char *normalize_name(struct st_arena *a, struct st_slice name)
{
	char *out = st_arena_alloc(a, name.len + 1);
	size_t n = 0;
	size_t i;

	if (out == NULL)
		return NULL;
	for (i = 0; i < name.len; i++) {
		char c = name.ptr[i];

		if (c == '-' || c == '_' || c == '.') {
			if (n == 0 || out[n - 1] != '-')
				out[n++] = '-';
			continue;
		}
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		out[n++] = c;
	}
	out[n] = '\0';
	return out;
}

int st_python_parse_metadata(struct st_slice text, const char *path,
			     const struct strata_limits *lim, struct st_diag *diag,
			     st_lang_pkg_fn fn, void *ctx, struct strata_error *err)
{
	struct st_arena arena;
	struct st_package pkg;
	struct py_meta m;
	struct st_slice license;
	int rc;

	memset(&m, 0, sizeof(m));
	memset(&pkg, 0, sizeof(pkg));
	st_arena_init(&arena);
	st_buf_init(&m.classifiers, ST_LANG_MAX_LICENSE);

	if (lim != NULL && text.len > lim->cataloged_file_bytes) {
		rc = st_error_set(err, STRATA_ELIMIT, "%s: over the limit of %llu bytes", path,
				  (unsigned long long)lim->cataloged_file_bytes);
		goto out;
	}
	rc = read_headers(&m, text);
	if (rc < 0) {
		rc = st_error_set(err, STRATA_ENOMEM, "%s: out of memory", path);
		goto out;
	}
	if (m.bad_name || !st_lang_is_token(m.name, ST_LANG_MAX_NAME)) {
		rc = st_error_set(err, STRATA_ECORRUPT, "%s: no valid Name header", path);
		goto out;
	}
	if (!st_lang_is_token(m.version, ST_LANG_MAX_VERSION)) {
		rc = st_error_set(err, STRATA_ECORRUPT, "%s: no valid Version header", path);
		goto out;
	}

	pkg.type = "pypi";
	pkg.name = st_arena_strndup(&arena, m.name.ptr, m.name.len);
	pkg.version = st_arena_strndup(&arena, m.version.ptr, m.version.len);
	pkg.path = path;
	license = pick_license(&m);
	if (license.len > 0)
		pkg.license = st_lang_license_dup(&arena, license);
	if (pkg.name == NULL || pkg.version == NULL || (license.len > 0 && pkg.license == NULL)) {
		rc = st_error_set(err, STRATA_ENOMEM, "%s: out of memory", path);
		goto out;
	}
	pkg.purl = st_purl_build(&arena, "pypi", NULL, normalize_name(&arena, m.name),
				 pkg.version, NULL, 0);
	if (pkg.purl == NULL) {
		rc = st_error_set(err, STRATA_ENOMEM, "%s: out of memory", path);
		goto out;
	}
	rc = fn(ctx, &pkg, err);

out:
	st_buf_dispose(&m.classifiers);
	st_arena_dispose(&arena);
	return rc;
}

/* The cataloger ------------------------------------------------------------ */

static int py_init(void **state, struct strata_error *err)
{
	*state = NULL;
	return 0;
}

static void py_free(void *state)
{
}

/* NOTE: RECORD, the list of files a distribution installed, is not read,
 * so files of a distribution are not attributed to it. A distribution
 * that an OS package installed is still recognized, because dpkg, rpm and
 * apk list its dist-info or egg-info files, and st_inventory_mark_owned
 * matches the directory of the metadata file against them. */
static int py_on_final_file(void *state, const struct st_walk_file *f,
			    struct st_catalog_ctx *ctx, struct strata_error *err)
{
	if (!py_wants(f->path, f->path_len))
		return 0;
	return st_lang_catalog_file(f, ctx, "python", st_python_parse_metadata, err);
}

static int py_finish(void *state, struct st_catalog_ctx *ctx, struct strata_error *err)
{
	return 0;
}

const struct st_cataloger st_cataloger_python = {
	.name = "python",
	.wants = py_wants,
	.init = py_init,
	.on_final_file = py_on_final_file,
	.finish = py_finish,
	.free = py_free,
};
