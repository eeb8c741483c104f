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
 *   packages.config     the package list of a .NET Framework project
 *                       (NuGet 2 style): <packages><package id version
 *                       [developmentDependency]/>; the packages themselves
 *                       sit in the solution's packages/ folder, which is
 *                       not read.
 * purls are pkg:nuget/NAME@VERSION with the name as the package declares
 * it (NuGet compares names without case). */
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "inventory/lang.h"

/* Warnings per file before the rest of its problems go unreported. */
#define DOTNET_MAX_WARNINGS 20

enum dotnet_kind { DOTNET_NONE, DOTNET_DEPS, DOTNET_LOCK, DOTNET_NUSPEC, DOTNET_CONFIG };

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
	if (st_lang_basename_is(path, len, "packages.config"))
		return DOTNET_CONFIG;
	return DOTNET_NONE;
}

static bool dotnet_wants(const char *path, size_t len)
{
	return kind_of(path, len) != DOTNET_NONE;
}

/* Reports one package NAME VERSION (LICENSE may be empty) to FN. */
static int report(const char *path, struct st_slice name, struct st_slice version,
		  struct st_slice license, unsigned flags, st_lang_pkg_fn fn, void *ctx,
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
	pkg.flags = flags;
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
		rc = report(path, name, rest, st_slice_make(NULL, 0), 0, fn, ctx, err);
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
		rc = report(path, list[i].name, list[i].version, st_slice_make(NULL, 0), 0, fn,
			    ctx, err);
		if (rc < 0)
			goto out;
	}

out:
	free(list);
	json_decref(root);
	return rc;
}

/* XML --------------------------------------------------------------------- */

/* Whether TEXT has a document type declaration before its root element
 * (XML 1.0 section 2.8: only the XML declaration, comments, processing
 * instructions and white space may come first). Because such documents
 * are rejected before libxml2 parses them, no entity can be declared,
 * and only the five predefined entities and character references
 * remain. */
static bool has_doctype(struct st_slice text)
{
	size_t pos = 0;

	for (;;) {
		const char *lt = memchr(text.ptr + pos, '<', text.len - pos);
		struct st_slice rest;
		const char *close;

		if (lt == NULL)
			return false;
		pos = (size_t)(lt - text.ptr);
		rest = st_slice_make(lt, text.len - pos);
		if (st_slice_starts_with(rest, "<!DOCTYPE"))
			return true;
		if (st_slice_starts_with(rest, "<?"))
			close = memmem(rest.ptr, rest.len, "?>", 2);
		else if (st_slice_starts_with(rest, "<!--"))
			close = memmem(rest.ptr, rest.len, "-->", 3);
		else
			return false; /* the root element */
		if (close == NULL)
			return false;
		pos = (size_t)(close - text.ptr) + 2;
	}
}

/* Parses TEXT read from PATH into *OUT (free with xmlFreeDoc). libxml2
 * gets no option that loads a DTD, substitutes entities or reaches the
 * network (XML_PARSE_NOENT, XML_PARSE_DTDLOAD, XML_PARSE_HUGE stay off),
 * and keeps its own nesting limit of 256 elements. */
static int parse_xml(xmlDoc **out, struct st_slice text, const char *path,
		     const struct strata_limits *lim, struct strata_error *err)
{
	const int options = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
			    XML_PARSE_NOCDATA;
	xmlParserCtxt *ctxt;
	xmlDoc *doc;
	const xmlError *e;

	*out = NULL;
	if (text.len > lim->cataloged_file_bytes || text.len > INT_MAX)
		return st_error_set(err, STRATA_ELIMIT, "%s: over the limit of %llu bytes", path,
				    (unsigned long long)lim->cataloged_file_bytes);
	if (has_doctype(text))
		return st_error_set(err, STRATA_ECORRUPT,
				    "%s: document type declaration rejected", path);
	xmlInitParser();
	ctxt = xmlNewParserCtxt();
	if (ctxt == NULL)
		return st_error_set(err, STRATA_ENOMEM, "%s: out of memory", path);
	/* libxml2 asserts nothing about an empty buffer, but wants a pointer. */
	doc = xmlCtxtReadMemory(ctxt, text.ptr != NULL ? text.ptr : "", (int)text.len, NULL,
				"UTF-8", options);
	e = xmlCtxtGetLastError(ctxt);
	if (doc == NULL || !ctxt->wellFormed || doc->intSubset != NULL) {
		int line = e != NULL ? e->line : 0;
		struct st_slice trimmed;
		char msg[128];
		size_t i;

		snprintf(msg, sizeof(msg), "%s",
			 e != NULL && e->message != NULL ? e->message : "not well-formed");
		for (i = 0; msg[i] != '\0'; i++) {
			if ((unsigned char)msg[i] < 0x20)
				msg[i] = ' ';
		}
		trimmed = st_slice_trim(st_slice_cstr(msg));
		xmlFreeDoc(doc);
		xmlFreeParserCtxt(ctxt);
		return st_error_set(err, STRATA_ECORRUPT, "%s: invalid XML at line %d: %.*s", path,
				    line, (int)trimmed.len, trimmed.ptr);
	}
	xmlFreeParserCtxt(ctxt);
	*out = doc;
	return 0;
}

static bool is_element(const xmlNode *n, const char *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE &&
	       strcmp((const char *)n->name, name) == 0;
}

/* The first child element of N named NAME (local name), or NULL. */
static xmlNode *child_element(const xmlNode *n, const char *name)
{
	xmlNode *c;

	for (c = n != NULL ? n->children : NULL; c != NULL; c = c->next) {
		if (is_element(c, name))
			return c;
	}
	return NULL;
}

/* Copies the text of N (entity references decoded), trimmed, into B.
 * Returns false when it is over B's cap or memory runs out. */
static bool copy_text(struct st_buf *b, const xmlNode *n)
{
	xmlChar *v;
	struct st_slice s;
	bool ok;

	if (n == NULL)
		return true;
	v = xmlNodeGetContent(n);
	if (v == NULL)
		return true;
	s = st_slice_trim(st_slice_cstr((const char *)v));
	ok = st_buf_append(b, s.ptr, s.len, NULL) == 0;
	xmlFree(v);
	return ok;
}

/* Copies attribute NAME of N into B; false when it is absent or over B's
 * cap. */
static bool copy_attribute(struct st_buf *b, const xmlNode *n, const char *name)
{
	xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
	bool ok;

	if (v == NULL)
		return false;
	ok = st_buf_append(b, v, strlen((const char *)v), NULL) == 0;
	xmlFree(v);
	return ok;
}

/* nuspec -------------------------------------------------------------------- */

int st_nuget_parse_nuspec(struct st_slice text, const char *path,
			  const struct strata_limits *lim, struct st_diag *diag,
			  st_lang_pkg_fn fn, void *ctx, struct strata_error *err)
{
	struct st_buf id, version, license, type;
	struct st_slice license_text = st_slice_make(NULL, 0);
	xmlDoc *doc = NULL;
	xmlNode *root;
	xmlNode *metadata;
	xmlNode *license_node;
	int rc;

	st_buf_init(&id, ST_LANG_MAX_NAME);
	st_buf_init(&version, ST_LANG_MAX_VERSION);
	st_buf_init(&license, ST_LANG_MAX_LICENSE);
	st_buf_init(&type, 32);

	rc = parse_xml(&doc, text, path, lim, err);
	if (rc < 0)
		goto out;
	root = xmlDocGetRootElement(doc);
	metadata = is_element(root, "package") ? child_element(root, "metadata") : NULL;
	license_node = child_element(metadata, "license");
	if (!copy_text(&id, child_element(metadata, "id")) ||
	    !st_lang_is_token(st_slice_make(id.ptr, id.len), ST_LANG_MAX_NAME)) {
		rc = st_error_set(err, STRATA_ECORRUPT, "%s: no valid <id>", path);
		goto out;
	}
	if (!copy_text(&version, child_element(metadata, "version")) ||
	    !st_lang_is_token(st_slice_make(version.ptr, version.len), ST_LANG_MAX_VERSION)) {
		rc = st_error_set(err, STRATA_ECORRUPT, "%s: no valid <version>", path);
		goto out;
	}
	/* <license type="file"> names a file in the package, not a license.
	 * A license over ST_LANG_MAX_LICENSE bytes is left out.
	 * NOTE: the older <licenseUrl> is not reported. */
	if (license_node != NULL && copy_attribute(&type, license_node, "type") &&
	    st_slice_eq_cstr(st_slice_make(type.ptr, type.len), "expression") &&
	    copy_text(&license, license_node))
		license_text = st_slice_make(license.ptr, license.len);
	rc = report(path, st_slice_make(id.ptr, id.len), st_slice_make(version.ptr, version.len),
		    license_text, 0, fn, ctx, err);

out:
	xmlFreeDoc(doc);
	st_buf_dispose(&id);
	st_buf_dispose(&version);
	st_buf_dispose(&license);
	st_buf_dispose(&type);
	return rc;
}

/* packages.config ------------------------------------------------------------ */

int st_nuget_parse_packages_config(struct st_slice text, const char *path,
				   const struct strata_limits *lim, struct st_diag *diag,
				   st_lang_pkg_fn fn, void *ctx, struct strata_error *err)
{
	struct st_buf id, version, dev;
	unsigned warnings = 0;
	xmlDoc *doc = NULL;
	xmlNode *root;
	xmlNode *n;
	int rc;

	st_buf_init(&id, ST_LANG_MAX_NAME);
	st_buf_init(&version, ST_LANG_MAX_VERSION);
	st_buf_init(&dev, 16);

	rc = parse_xml(&doc, text, path, lim, err);
	if (rc < 0)
		goto out;
	root = xmlDocGetRootElement(doc);
	if (!is_element(root, "packages")) {
		rc = st_error_set(err, STRATA_ECORRUPT, "%s: root element is not <packages>", path);
		goto out;
	}
	for (n = root->children; n != NULL; n = n->next) {
		struct st_slice name;
		struct st_slice ver;
		unsigned flags = 0;

		if (!is_element(n, "package"))
			continue;
		id.len = 0;
		version.len = 0;
		dev.len = 0;
		name = st_slice_make(id.ptr, 0);
		ver = st_slice_make(version.ptr, 0);
		if (copy_attribute(&id, n, "id"))
			name = st_slice_trim(st_slice_make(id.ptr, id.len));
		if (copy_attribute(&version, n, "version"))
			ver = st_slice_trim(st_slice_make(version.ptr, version.len));
		if (!st_lang_is_token(name, ST_LANG_MAX_NAME) ||
		    !st_lang_is_token(ver, ST_LANG_MAX_VERSION)) {
			if (++warnings <= DOTNET_MAX_WARNINGS)
				st_diag(diag, ST_DIAG_WARN,
					"%s: line %ld: <package> without a valid id and version, "
					"skipped", path, (long)xmlGetLineNo(n));
			continue;
		}
		/* NuGet writes developmentDependency="true" for packages that
		 * only the build uses. */
		if (copy_attribute(&dev, n, "developmentDependency") &&
		    st_slice_eq_cstr(st_slice_trim(st_slice_make(dev.ptr, dev.len)), "true"))
			flags |= ST_PKG_DEV;
		rc = report(path, name, ver, st_slice_make(NULL, 0), flags, fn, ctx, err);
		if (rc < 0)
			goto out;
	}

out:
	xmlFreeDoc(doc);
	st_buf_dispose(&id);
	st_buf_dispose(&version);
	st_buf_dispose(&dev);
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
	case DOTNET_CONFIG:
		return st_lang_catalog_file(f, ctx, "dotnet", st_nuget_parse_packages_config, err);
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
