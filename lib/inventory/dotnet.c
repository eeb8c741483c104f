/* The .NET cataloger: NuGet packages from three kinds of files.
 *   APP.deps.json       the dependency manifest the .NET SDK writes next to
 *                       a built application: "libraries" maps "NAME/VERSION"
 *                       to {"type": "package" | "project" |
 *                       "referenceassembly", ...}; only "package" entries
 *                       are NuGet packages.
 *   packages.lock.json  NuGet's lock file: "dependencies" maps each target
 *                       framework to {NAME: {"type", "resolved", ...}}.
 *   NAME.nuspec         a package's manifest in the NuGet package cache,
 *                       .nuget/packages/NAME/VERSION/NAME.nuspec.
 * purls are pkg:nuget/NAME@VERSION with the name as the package declares
 * it (NuGet compares names without case). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "inventory/lang.h"

/* Warnings per file before the rest of its problems go unreported. */
#define DOTNET_MAX_WARNINGS 20

/* Nesting of XML elements in a nuspec; real ones stay under 6. */
#define NUSPEC_MAX_DEPTH 64

enum dotnet_kind { DOTNET_NONE, DOTNET_DEPS, DOTNET_LOCK, DOTNET_NUSPEC };

/* A nuspec sits in a folder named for its version, inside one named for
 * the package: .../NAME/VERSION/NAME.nuspec (NAME lowercased by NuGet). */
static bool is_cached_nuspec(const char *path, size_t len)
{
	const char *end = path + len - (sizeof(".nuspec") - 1);
	const char *base = memrchr(path, '/', len);
	const char *version_dir;
	const char *name_dir;
	size_t n;

	if (base == NULL)
		return false;
	version_dir = memrchr(path, '/', (size_t)(base - path));
	if (version_dir == NULL || version_dir + 1 == base)
		return false;
	name_dir = memrchr(path, '/', (size_t)(version_dir - path));
	name_dir = name_dir == NULL ? path : name_dir + 1;
	n = (size_t)(end - (base + 1));
	return n > 0 && (size_t)(version_dir - name_dir) == n &&
	       strncasecmp(name_dir, base + 1, n) == 0;
}

static enum dotnet_kind kind_of(const char *path, size_t len)
{
	if (st_lang_ends_with(path, len, ".deps.json") &&
	    !st_lang_basename_is(path, len, ".deps.json"))
		return DOTNET_DEPS;
	if (st_lang_basename_is(path, len, "packages.lock.json"))
		return DOTNET_LOCK;
	if (st_lang_ends_with(path, len, ".nuspec") && is_cached_nuspec(path, len))
		return DOTNET_NUSPEC;
	return DOTNET_NONE;
}

static bool dotnet_wants(const char *path, size_t len)
{
	return kind_of(path, len) != DOTNET_NONE;
}

/* Reports one package NAME VERSION (LICENSE may be empty) to FN. */
static int report(const char *path, struct st_slice name, struct st_slice version,
		  struct st_slice license, st_lang_pkg_fn fn, void *ctx,
		  struct strata_error *err)
{
	struct st_arena arena;
	struct st_package pkg;
	int rc;

	memset(&pkg, 0, sizeof(pkg));
	st_arena_init(&arena);
	pkg.type = "nuget";
	pkg.name = st_arena_strndup(&arena, name.ptr, name.len);
	pkg.version = st_arena_strndup(&arena, version.ptr, version.len);
	pkg.path = path;
	if (license.len > 0)
		pkg.license = st_lang_license_dup(&arena, license);
	if (pkg.name == NULL || pkg.version == NULL || (license.len > 0 && pkg.license == NULL)) {
		rc = st_error_set(err, STRATA_ENOMEM, "%s: out of memory", path);
		goto out;
	}
	pkg.purl = st_purl_build(&arena, "nuget", NULL, pkg.name, pkg.version, NULL, 0);
	if (pkg.purl == NULL) {
		rc = st_error_set(err, STRATA_ENOMEM, "%s: out of memory", path);
		goto out;
	}
	rc = fn(ctx, &pkg, err);

out:
	st_arena_dispose(&arena);
	return rc;
}

static void warn_entry(struct st_diag *diag, unsigned *warnings, const char *path,
		       const char *key, const char *what)
{
	if (++*warnings > DOTNET_MAX_WARNINGS)
		return;
	st_diag(diag, ST_DIAG_WARN, "%s: library \"%.200s\": %s, skipped", path, key, what);
}

static size_t json_max(const struct strata_limits *lim)
{
	return lim->cataloged_file_bytes > SIZE_MAX ? SIZE_MAX
						    : (size_t)lim->cataloged_file_bytes;
}

/* deps.json ---------------------------------------------------------------- */

int st_dotnet_parse_deps(struct st_slice text, const char *path,
			 const struct strata_limits *lim, struct st_diag *diag,
			 st_lang_pkg_fn fn, void *ctx, struct strata_error *err)
{
	json_t *root = NULL;
	json_t *libraries;
	json_t *lib;
	const char *key;
	unsigned warnings = 0;
	int rc;

	rc = st_json_parse(&root, text, json_max(lim), lim->json_depth, 0, path, err);
	if (rc < 0)
		return rc;
	libraries = json_object_get(root, "libraries");
	if (!json_is_object(libraries)) {
		rc = st_error_set(err, STRATA_ECORRUPT, "%s: no \"libraries\" object", path);
		goto out;
	}
	json_object_foreach(libraries, key, lib) {
		struct st_slice type;
		struct st_slice rest = st_slice_cstr(key);
		struct st_slice name;

		/* Projects are the application's own assemblies and reference
		 * assemblies come with the SDK: neither is a NuGet package. */
		if (!st_lang_json_text(json_object_get(lib, "type"), &type) ||
		    !st_slice_eq_cstr(type, "package"))
			continue;
		st_slice_split(&rest, '/', &name);
		if (!st_lang_is_token(name, ST_LANG_MAX_NAME) ||
		    !st_lang_is_token(rest, ST_LANG_MAX_VERSION) ||
		    memchr(rest.ptr, '/', rest.len) != NULL) {
			warn_entry(diag, &warnings, path, key, "not NAME/VERSION");
			continue;
		}
		rc = report(path, name, rest, st_slice_make(NULL, 0), fn, ctx, err);
		if (rc < 0)
			goto out;
	}

out:
	json_decref(root);
	return rc;
}

/* packages.lock.json -------------------------------------------------------- */

struct name_version {
	struct st_slice name;
	struct st_slice version;
};

static int compare_slices(struct st_slice a, struct st_slice b)
{
	size_t n = a.len < b.len ? a.len : b.len;
	int c = memcmp(a.ptr, b.ptr, n);

	if (c != 0)
		return c;
	return (a.len > b.len) - (a.len < b.len);
}

static int compare_entries(const void *pa, const void *pb)
{
	const struct name_version *a = pa;
	const struct name_version *b = pb;
	int c = compare_slices(a->name, b->name);

	return c != 0 ? c : compare_slices(a->version, b->version);
}

/* Appends the packages of one target framework's map FW to *LIST. */
static int collect_framework(json_t *fw, const char *path, struct st_diag *diag,
			     unsigned *warnings, struct name_version **list, size_t *count,
			     size_t *cap, struct strata_error *err)
{
	const char *key;
	json_t *dep;

	json_object_foreach(fw, key, dep) {
		struct st_slice type;
		struct st_slice version;

		/* A "Project" entry is another project of the same solution. */
		if (st_lang_json_text(json_object_get(dep, "type"), &type) &&
		    st_slice_eq_cstr(type, "Project"))
			continue;
		if (!st_lang_is_token(st_slice_cstr(key), ST_LANG_MAX_NAME) ||
		    !st_lang_json_text(json_object_get(dep, "resolved"), &version) ||
		    !st_lang_is_token(version, ST_LANG_MAX_VERSION)) {
			warn_entry(diag, warnings, path, key, "no valid \"resolved\" version");
			continue;
		}
		if (*count == *cap) {
			size_t ncap = *cap ? *cap * 2 : 32;
			struct name_version *grown = st_reallocarray(*list, ncap, sizeof(**list));

			if (grown == NULL)
				return st_error_set(err, STRATA_ENOMEM, "%s: out of memory", path);
			*list = grown;
			*cap = ncap;
		}
		(*list)[*count].name = st_slice_cstr(key);
		(*list)[*count].version = version;
		(*count)++;
	}
	return 0;
}

int st_nuget_parse_lock(struct st_slice text, const char *path,
			const struct strata_limits *lim, struct st_diag *diag,
			st_lang_pkg_fn fn, void *ctx, struct strata_error *err)
{
	struct name_version *list = NULL;
	size_t count = 0;
	size_t cap = 0;
	unsigned warnings = 0;
	json_t *root = NULL;
	json_t *deps;
	json_t *fw;
	const char *key;
	size_t i;
	int rc;

	rc = st_json_parse(&root, text, json_max(lim), lim->json_depth, 0, path, err);
	if (rc < 0)
		return rc;
	deps = json_object_get(root, "dependencies");
	if (!json_is_object(deps)) {
		rc = st_error_set(err, STRATA_ECORRUPT, "%s: no \"dependencies\" object", path);
		goto out;
	}
	json_object_foreach(deps, key, fw) {
		rc = collect_framework(fw, path, diag, &warnings, &list, &count, &cap, err);
		if (rc < 0)
			goto out;
	}

	/* One package per name and version, however many frameworks list
	 * it. */
	if (count > 1)
		qsort(list, count, sizeof(*list), compare_entries);
	for (i = 0; i < count; i++) {
		if (i > 0 && compare_entries(&list[i - 1], &list[i]) == 0)
			continue;
		rc = report(path, list[i].name, list[i].version, st_slice_make(NULL, 0), fn, ctx,
			    err);
		if (rc < 0)
			goto out;
	}

out:
	free(list);
	json_decref(root);
	return rc;
}

/* nuspec -------------------------------------------------------------------- */

/* A reader for the little XML that a nuspec's <metadata> needs: elements,
 * attributes in quotes, character and predefined entity references,
 * comments, CDATA, processing instructions and a DOCTYPE without an
 * internal subset. Namespace prefixes are dropped from element names.
 * NOTE: no DTD is read, so an entity declared in one is left undecoded;
 * NuGet writes none. */
struct xml_reader {
	struct st_slice text;
	size_t pos;
};

/* The element names from the root down to the current element. */
struct xml_path {
	struct st_slice names[NUSPEC_MAX_DEPTH];
	size_t depth;
};

static const char *find_bytes(const struct xml_reader *x, const char *s)
{
	return memmem(x->text.ptr + x->pos, x->text.len - x->pos, s, strlen(s));
}

/* Moves past the next S; false when there is none. */
static bool skip_past(struct xml_reader *x, const char *s)
{
	const char *hit = find_bytes(x, s);

	if (hit == NULL)
		return false;
	x->pos = (size_t)(hit - x->text.ptr) + strlen(s);
	return true;
}

/* Appends the entity reference at REF (after '&', up to ';') to OUT. */
static bool put_entity(struct st_buf *out, struct st_slice ref)
{
	static const struct {
		const char *name;
		char c;
	} named[] = {{"lt", '<'}, {"gt", '>'}, {"amp", '&'}, {"quot", '"'}, {"apos", '\''}};
	unsigned long cp = 0;
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(named); i++) {
		if (st_slice_eq_cstr(ref, named[i].name))
			return st_buf_putc(out, named[i].c, NULL) == 0;
	}
	if (ref.len < 2 || ref.ptr[0] != '#' || ref.len > 10)
		return false;
	for (i = 1; i < ref.len; i++) {
		char c = ref.ptr[i];
		bool hex = ref.ptr[1] == 'x';

		if (hex && i == 1)
			continue;
		if (c >= '0' && c <= '9')
			cp = cp * (hex ? 16 : 10) + (unsigned long)(c - '0');
		else if (hex && ((c | 0x20) >= 'a' && (c | 0x20) <= 'f'))
			cp = cp * 16 + (unsigned long)((c | 0x20) - 'a' + 10);
		else
			return false;
	}
	/* Only printable ASCII matters for names, versions and SPDX
	 * expressions; anything else becomes '?'. */
	return st_buf_putc(out, cp >= 0x20 && cp < 0x7f ? (char)cp : '?', NULL) == 0;
}

/* Appends character data RAW to OUT with entity references decoded. */
static bool put_text(struct st_buf *out, struct st_slice raw)
{
	size_t i = 0;

	while (i < raw.len) {
		const char *semi;

		if (raw.ptr[i] != '&') {
			if (st_buf_putc(out, raw.ptr[i++], NULL) < 0)
				return false;
			continue;
		}
		semi = memchr(raw.ptr + i, ';', raw.len - i);
		if (semi == NULL ||
		    !put_entity(out, st_slice_make(raw.ptr + i + 1,
						   (size_t)(semi - raw.ptr) - i - 1)))
			return false;
		i = (size_t)(semi - raw.ptr) + 1;
	}
	return true;
}

/* The end of the tag that starts at x->pos ('<'), honouring quoted
 * attribute values; 0 when it never ends. */
static size_t tag_end(const struct xml_reader *x)
{
	char quote = 0;
	size_t i;

	for (i = x->pos + 1; i < x->text.len; i++) {
		char c = x->text.ptr[i];

		if (quote != 0) {
			if (c == quote)
				quote = 0;
		} else if (c == '"' || c == '\'') {
			quote = c;
		} else if (c == '>') {
			return i;
		}
	}
	return 0;
}

/* The local name of the element whose tag is TAG (after '<' or '</'). */
static struct st_slice element_name(struct st_slice tag)
{
	size_t n = 0;
	struct st_slice name;
	const char *colon;

	while (n < tag.len && tag.ptr[n] != ' ' && tag.ptr[n] != '\t' && tag.ptr[n] != '\n' &&
	       tag.ptr[n] != '\r' && tag.ptr[n] != '/' && tag.ptr[n] != '>')
		n++;
	name = st_slice_make(tag.ptr, n);
	colon = memchr(name.ptr, ':', name.len);
	if (colon != NULL) {
		name.len -= (size_t)(colon + 1 - name.ptr);
		name.ptr = colon + 1;
	}
	return name;
}

/* The value of attribute ATTR in the start tag TAG, or an empty slice. */
static struct st_slice attribute(struct st_slice tag, const char *attr)
{
	size_t n = strlen(attr);
	size_t i;

	for (i = 0; i + n + 2 < tag.len; i++) {
		const char *p = tag.ptr + i;
		const char *close;
		char q;

		if ((i > 0 && p[-1] != ' ' && p[-1] != '\t' && p[-1] != '\n') ||
		    memcmp(p, attr, n) != 0 || p[n] != '=')
			continue;
		q = p[n + 1];
		if (q != '"' && q != '\'')
			continue;
		close = memchr(p + n + 2, q, tag.len - i - n - 2);
		if (close != NULL)
			return st_slice_make(p + n + 2, (size_t)(close - (p + n + 2)));
	}
	return st_slice_make(NULL, 0);
}

/* The fields read from <package><metadata>. */
struct nuspec {
	struct st_buf id;
	struct st_buf version;
	struct st_buf license;
	bool license_is_expression;
	struct st_buf *capture; /* the field whose text is being read */
};

/* Whether the element at the top of P is package/metadata/NAME. */
static bool in_metadata_field(const struct xml_path *p, const char *name)
{
	return p->depth == 3 && st_slice_eq_cstr(p->names[0], "package") &&
	       st_slice_eq_cstr(p->names[1], "metadata") && st_slice_eq_cstr(p->names[2], name);
}

/* Handles the start tag TAG (between '<' and '>'). Returns false for a
 * document nested too deep. */
static bool start_element(struct nuspec *ns, struct xml_path *p, struct st_slice tag)
{
	bool empty = tag.len > 0 && tag.ptr[tag.len - 1] == '/';
	struct st_slice name = element_name(tag);

	if (p->depth == NUSPEC_MAX_DEPTH)
		return false;
	p->names[p->depth++] = name;
	ns->capture = NULL;
	if (in_metadata_field(p, "id") && ns->id.len == 0)
		ns->capture = &ns->id;
	else if (in_metadata_field(p, "version") && ns->version.len == 0)
		ns->capture = &ns->version;
	else if (in_metadata_field(p, "license") && ns->license.len == 0) {
		ns->capture = &ns->license;
		ns->license_is_expression = st_slice_eq_cstr(attribute(tag, "type"), "expression");
	}
	if (empty) {
		p->depth--;
		ns->capture = NULL;
	}
	return true;
}

/* Reads the markup that starts at x->pos ('<'). Returns false for
 * unterminated or too deeply nested markup. */
static bool read_markup(struct xml_reader *x, struct nuspec *ns, struct xml_path *p)
{
	struct st_slice rest = st_slice_make(x->text.ptr + x->pos, x->text.len - x->pos);
	size_t end;

	if (st_slice_starts_with(rest, "<!--"))
		return skip_past(x, "-->");
	if (st_slice_starts_with(rest, "<![CDATA[")) {
		const char *close;

		x->pos += 9;
		close = find_bytes(x, "]]>");
		if (close == NULL)
			return false;
		if (ns->capture != NULL &&
		    st_buf_append(ns->capture, x->text.ptr + x->pos,
				  (size_t)(close - x->text.ptr) - x->pos, NULL) < 0)
			return false;
		x->pos = (size_t)(close - x->text.ptr) + 3;
		return true;
	}
	if (st_slice_starts_with(rest, "<?"))
		return skip_past(x, "?>");
	end = tag_end(x);
	if (end == 0)
		return false;
	if (rest.len > 1 && rest.ptr[1] == '/') {
		if (p->depth > 0)
			p->depth--;
		ns->capture = NULL;
	} else if (rest.len > 1 && rest.ptr[1] != '!') {
		struct st_slice tag = st_slice_make(x->text.ptr + x->pos + 1, end - x->pos - 1);

		if (!start_element(ns, p, tag))
			return false;
	}
	x->pos = end + 1;
	return true;
}

static int read_nuspec(struct st_slice text, struct nuspec *ns, const char *path,
		       struct strata_error *err)
{
	struct xml_reader x = {text, 0};
	struct xml_path p;

	p.depth = 0;
	/* A UTF-8 byte order mark, which NuGet writes. */
	if (st_slice_starts_with(text, "\xef\xbb\xbf"))
		x.pos = 3;
	while (x.pos < text.len) {
		const char *lt = memchr(text.ptr + x.pos, '<', text.len - x.pos);
		size_t stop = lt != NULL ? (size_t)(lt - text.ptr) : text.len;

		if (ns->capture != NULL &&
		    !put_text(ns->capture, st_slice_make(text.ptr + x.pos, stop - x.pos)))
			return st_error_set(err, STRATA_ECORRUPT,
					    "%s: invalid text in <%s>", path,
					    ns->capture == &ns->id        ? "id"
					    : ns->capture == &ns->version ? "version"
									  : "license");
		x.pos = stop;
		if (lt == NULL)
			break;
		if (!read_markup(&x, ns, &p))
			return st_error_set(err, STRATA_ECORRUPT,
					    "%s: unterminated or too deeply nested XML at byte %zu",
					    path, x.pos);
	}
	return 0;
}

int st_nuget_parse_nuspec(struct st_slice text, const char *path,
			  const struct strata_limits *lim, struct st_diag *diag,
			  st_lang_pkg_fn fn, void *ctx, struct strata_error *err)
{
	struct st_slice id;
	struct st_slice version;
	struct st_slice license = st_slice_make(NULL, 0);
	struct nuspec ns;
	int rc;

	memset(&ns, 0, sizeof(ns));
	st_buf_init(&ns.id, ST_LANG_MAX_NAME);
	st_buf_init(&ns.version, ST_LANG_MAX_VERSION);
	st_buf_init(&ns.license, ST_LANG_MAX_LICENSE);

	if (text.len > lim->cataloged_file_bytes) {
		rc = st_error_set(err, STRATA_ELIMIT, "%s: over the limit of %llu bytes", path,
				  (unsigned long long)lim->cataloged_file_bytes);
		goto out;
	}
	rc = read_nuspec(text, &ns, path, err);
	if (rc < 0)
		goto out;
	id = st_slice_trim(st_slice_make(ns.id.ptr, ns.id.len));
	version = st_slice_trim(st_slice_make(ns.version.ptr, ns.version.len));
	if (!st_lang_is_token(id, ST_LANG_MAX_NAME)) {
		rc = st_error_set(err, STRATA_ECORRUPT, "%s: no valid <id>", path);
		goto out;
	}
	if (!st_lang_is_token(version, ST_LANG_MAX_VERSION)) {
		rc = st_error_set(err, STRATA_ECORRUPT, "%s: no valid <version>", path);
		goto out;
	}
	/* <license type="file"> names a file in the package, not a license.
	 * NOTE: the older <licenseUrl> is not reported. */
	if (ns.license_is_expression)
		license = st_slice_trim(st_slice_make(ns.license.ptr, ns.license.len));
	rc = report(path, id, version, license, fn, ctx, err);

out:
	st_buf_dispose(&ns.id);
	st_buf_dispose(&ns.version);
	st_buf_dispose(&ns.license);
	return rc;
}

/* The cataloger ------------------------------------------------------------ */

static int dotnet_init(void **state, struct strata_error *err)
{
	*state = NULL;
	return 0;
}

static void dotnet_free(void *state)
{
}

static int dotnet_on_final_file(void *state, const struct st_walk_file *f,
				struct st_catalog_ctx *ctx, struct strata_error *err)
{
	switch (kind_of(f->path, f->path_len)) {
	case DOTNET_DEPS:
		return st_lang_catalog_file(f, ctx, "dotnet", st_dotnet_parse_deps, err);
	case DOTNET_LOCK:
		return st_lang_catalog_file(f, ctx, "dotnet", st_nuget_parse_lock, err);
	case DOTNET_NUSPEC:
		return st_lang_catalog_file(f, ctx, "dotnet", st_nuget_parse_nuspec, err);
	case DOTNET_NONE:
		break;
	}
	return 0;
}

static int dotnet_finish(void *state, struct st_catalog_ctx *ctx, struct strata_error *err)
{
	return 0;
}

const struct st_cataloger st_cataloger_dotnet = {
	.name = "dotnet",
	.wants = dotnet_wants,
	.init = dotnet_init,
	.on_final_file = dotnet_on_final_file,
	.finish = dotnet_finish,
	.free = dotnet_free,
};
