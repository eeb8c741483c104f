/* yarn's lock file, yarn.lock (classic.yarnpkg.com "yarn.lock",
 * yarnpkg.com "Lockfile"). The npm cataloger reads it only for what it
 * states about packages found installed under node_modules: a lock never
 * adds a package. Two formats share the file name:
 *   yarn 1 ("classic"): a YAML-like text of its own. An unindented header
 *     lists the descriptors ("name@range", quoted when needed, separated
 *     by ", ") that resolve to one entry, and ends with ':'. Indented by
 *     2: `version "1.2.3"`, `resolved "URL"`, `integrity sha512-...` and
 *     the blocks `dependencies:` and `optionalDependencies:`, whose lines,
 *     indented by 4, are `name "range"`.
 *   yarn 2 and later ("berry"): YAML with a "__metadata" key. Each other
 *     key lists descriptors whose ranges carry a protocol
 *     ("debug@npm:^4.3.4"); the entry has "version", "resolution"
 *     ("debug@npm:4.3.4") and "dependencies" (name: "npm:range").
 * Neither format marks development dependencies, so the dev flag is
 * computed: the dependency graph is walked from the project's
 * package.json, and an entry is dev when devDependencies reach it and
 * dependencies and optionalDependencies do not. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "inventory/lang.h"
#include "util/util.h"

/* Bits of struct yarn_graph.marks. */
#define MARK_PROD 1u
#define MARK_DEV 2u

/* One lock entry of the graph. */
struct yarn_node {
	json_t *entry;
	char *name_version; /* "name@version", malloc'd */
	size_t name_len;
};

struct yarn_graph {
	const char *path;
	struct st_diag *diag;
	struct yarn_node *nodes;
	size_t count;
	json_t *by_descriptor; /* "name@range" -> node index */
	unsigned char *marks;
	size_t *queue;         /* node indexes */
	unsigned *depth;       /* depth of each queued node */
	bool depth_warned;
};

/* yarn 1 ------------------------------------------------------------------- */

/* The text of a value that may be in double quotes. Escapes are kept. */
static struct st_slice unquote(struct st_slice s)
{
	s = st_slice_trim(s);
	if (s.len >= 2 && s.ptr[0] == '"' && s.ptr[s.len - 1] == '"')
		return st_slice_make(s.ptr + 1, s.len - 2);
	return s;
}

static size_t indent_of(struct st_slice line)
{
	size_t n = 0;

	while (n < line.len && line.ptr[n] == ' ')
		n++;
	return n;
}

/* Sets KEY (from K) to the string V on OBJ. */
static int set_text(json_t *obj, struct st_slice k, struct st_slice v)
{
	char *key = strndup(k.ptr, k.len);
	json_t *value = json_stringn_nocheck(v.ptr, v.len);
	int rc = -1;

	if (key != NULL && value != NULL)
		rc = json_object_set_new_nocheck(obj, key, value);
	else
		json_decref(value);
	free(key);
	return rc;
}

/* Splits LINE at its first blank into *KEY and *VALUE (unquoted). */
static bool split_field(struct st_slice line, struct st_slice *key, struct st_slice *value)
{
	const char *sp = memchr(line.ptr, ' ', line.len);

	if (sp == NULL)
		return false;
	*key = unquote(st_slice_make(line.ptr, (size_t)(sp - line.ptr)));
	*value = unquote(st_slice_make(sp + 1, line.len - (size_t)(sp - line.ptr) - 1));
	return key->len > 0;
}

/* Converts a yarn 1 lock into the shape of a berry lock: an object keyed
 * by the header line, each entry an object of strings and of the
 * dependency blocks. */
static int classic_to_json(json_t **out, struct st_slice text, const char *path,
			   struct strata_error *err)
{
	json_t *root = json_object();
	json_t *entry = NULL;
	json_t *block = NULL;
	size_t lineno = 0;
	size_t entries = 0;
	int rc = 0;

	if (root == NULL)
		return st_error_set(err, STRATA_ENOMEM, "%s: out of memory", path);
	while (text.len > 0 && rc == 0) {
		struct st_slice line;
		struct st_slice key;
		struct st_slice value;
		size_t indent;

		st_slice_split(&text, '\n', &line);
		lineno++;
		if (line.len > 0 && line.ptr[line.len - 1] == '\r')
			line.len--;
		indent = indent_of(line);
		if (indent == line.len || line.ptr[indent] == '#')
			continue;
		line = st_slice_make(line.ptr + indent, line.len - indent);
		if (indent == 0 && line.ptr[line.len - 1] == ':') {
			if (++entries > ST_YAML_MAX_NODES) {
				rc = st_error_set(err, STRATA_ELIMIT, "%s: over %u entries",
						  path, (unsigned)ST_YAML_MAX_NODES);
				break;
			}
			entry = json_object();
			block = NULL;
			key = st_slice_make(line.ptr, line.len - 1);
			if (entry == NULL || json_object_setn_new_nocheck(root, key.ptr, key.len,
									  entry) < 0)
				rc = STRATA_ENOMEM;
		} else if (indent == 2 && entry != NULL && line.ptr[line.len - 1] == ':' &&
			   memchr(line.ptr, ' ', line.len) == NULL) {
			block = json_object();
			if (block == NULL ||
			    json_object_setn_new_nocheck(entry, line.ptr, line.len - 1, block) < 0)
				rc = STRATA_ENOMEM;
		} else if (indent == 2 && entry != NULL && split_field(line, &key, &value)) {
			block = NULL;
			if (set_text(entry, key, value) < 0)
				rc = STRATA_ENOMEM;
		} else if (indent == 4 && block != NULL && split_field(line, &key, &value)) {
			if (set_text(block, key, value) < 0)
				rc = STRATA_ENOMEM;
		} else if (indent > 4 && block != NULL) {
			continue; /* deeper nesting: no field strata reads */
		} else {
			rc = st_error_set(err, STRATA_ECORRUPT, "%s: line %zu: not a yarn lock line",
					  path, lineno);
		}
	}
	if (rc == STRATA_ENOMEM)
		rc = st_error_set(err, rc, "%s: out of memory", path);
	if (rc < 0) {
		json_decref(root);
		return rc;
	}
	*out = root;
	return 0;
}

/* The graph ---------------------------------------------------------------- */

/* The name part of DESCRIPTOR "name@range" ("@scope/name@range"). */
static bool descriptor_name(struct st_slice d, struct st_slice *name, struct st_slice *range)
{
	const char *at;

	if (d.len < 3)
		return false;
	at = memchr(d.ptr + 1, '@', d.len - 1);
	if (at == NULL)
		return false;
	*name = st_slice_make(d.ptr, (size_t)(at - d.ptr));
	*range = st_slice_make(at + 1, d.len - name->len - 1);
	/* A quote left in the name is a header with an unbalanced quote. */
	return memchr(name->ptr, '"', name->len) == NULL;
}

/* The package name of an entry: berry's "resolution", else the first
 * descriptor of KEY, where an alias "alias@npm:real@^1" names "real". */
static struct st_slice entry_name(const char *key, json_t *entry)
{
	struct st_slice s;
	struct st_slice name;
	struct st_slice range;
	struct st_slice first;

	if (st_lang_json_text(json_object_get(entry, "resolution"), &s) &&
	    descriptor_name(s, &name, &range))
		return name;
	s = st_slice_cstr(key);
	st_slice_split(&s, ',', &first);
	first = unquote(first);
	if (!descriptor_name(first, &name, &range))
		return st_slice_make(NULL, 0);
	if (st_slice_starts_with(range, "npm:") &&
	    descriptor_name(st_slice_make(range.ptr + 4, range.len - 4), &first, &s))
		return first;
	return name;
}

/* Adds ENTRY as a node and maps each descriptor of KEY to it. */
static int add_node(struct yarn_graph *g, const char *key, json_t *entry, unsigned *warnings)
{
	struct yarn_node *node = &g->nodes[g->count];
	struct st_slice name = entry_name(key, entry);
	struct st_slice version;
	struct st_slice rest = st_slice_cstr(key);

	if (!st_lang_json_text(json_object_get(entry, "version"), &version) ||
	    !st_lang_is_token(version, ST_LANG_MAX_VERSION) ||
	    !st_lang_is_token(name, ST_LANG_MAX_NAME)) {
		if (++*warnings <= 20)
			st_diag(g->diag, ST_DIAG_WARN,
				"%s: entry \"%.200s\": no valid name and version, skipped", g->path,
				key);
		return 0;
	}
	node->entry = entry;
	node->name_len = name.len;
	node->name_version = malloc(name.len + version.len + 2);
	if (node->name_version == NULL)
		return STRATA_ENOMEM;
	memcpy(node->name_version, name.ptr, name.len);
	node->name_version[name.len] = '@';
	memcpy(node->name_version + name.len + 1, version.ptr, version.len);
	node->name_version[name.len + 1 + version.len] = '\0';
	while (rest.len > 0) {
		struct st_slice d;

		st_slice_split(&rest, ',', &d);
		d = unquote(d);
		if (d.len > 0 && json_object_setn_new_nocheck(g->by_descriptor, d.ptr, d.len,
							      json_integer((json_int_t)g->count)) < 0)
			return STRATA_ENOMEM;
	}
	g->count++;
	return 0;
}

/* Returns the node that NAME@RANGE resolves to, or -1 when the lock has
 * none. A range without a protocol is also tried as berry's "npm:RANGE". */
static long long find_node(const struct yarn_graph *g, const char *name, const char *range)
{
	char key[ST_LANG_MAX_NAME + ST_LANG_MAX_VERSION + 8];
	size_t nlen = strlen(name);
	size_t rlen = strlen(range);
	json_t *v;

	if (nlen > ST_LANG_MAX_NAME || rlen > ST_LANG_MAX_VERSION)
		return -1;
	memcpy(key, name, nlen);
	key[nlen] = '@';
	memcpy(key + nlen + 1, range, rlen + 1);
	v = json_object_get(g->by_descriptor, key);
	if (v == NULL) {
		memcpy(key + nlen + 1, "npm:", 4);
		memcpy(key + nlen + 5, range, rlen + 1);
		v = json_object_get(g->by_descriptor, key);
	}
	return json_is_integer(v) ? (long long)json_integer_value(v) : -1;
}

/* Queues the nodes that the ranges of DEPS (name: range) resolve to and
 * that lack MARK. */
static void queue_deps(struct yarn_graph *g, json_t *deps, unsigned mark, unsigned depth,
		       size_t *tail)
{
	const char *name;
	json_t *range;

	json_object_foreach(deps, name, range) {
		long long i;

		if (!json_is_string(range))
			continue;
		i = find_node(g, name, json_string_value(range));
		if (i < 0 || (g->marks[i] & mark) != 0)
			continue;
		g->marks[i] |= (unsigned char)mark;
		g->queue[*tail] = (size_t)i;
		g->depth[*tail] = depth;
		(*tail)++;
	}
}

/* Marks with MARK every node reachable from the PROJECT fields named in
 * FIELDS. Each node is queued at most once per mark, so the queue never
 * contains more than g->count nodes. Nodes at MAX_DEPTH are marked but their
 * dependencies are not followed. */
static void walk_from(struct yarn_graph *g, json_t *project, const char *const *fields,
		      unsigned mark, unsigned max_depth)
{
	size_t head = 0;
	size_t tail = 0;

	for (; *fields != NULL; fields++)
		queue_deps(g, json_object_get(project, *fields), mark, 1, &tail);
	while (head < tail) {
		size_t i = g->queue[head];
		unsigned depth = g->depth[head];

		head++;
		if (depth >= max_depth) {
			if (!g->depth_warned)
				st_diag(g->diag, ST_DIAG_WARN,
					"%s: dependency chain deeper than %u, not followed",
					g->path, max_depth);
			g->depth_warned = true;
			continue;
		}
		queue_deps(g, json_object_get(g->nodes[i].entry, "dependencies"), mark,
			   depth + 1, &tail);
		queue_deps(g, json_object_get(g->nodes[i].entry, "optionalDependencies"), mark,
			   depth + 1, &tail);
	}
}

/* Calls FN once per name and version. A name and version is dev when
 * every entry of it is dev, because yarn installs one copy for all. */
static int emit(struct yarn_graph *g, bool have_project, st_npm_lock_fn fn, void *ctx,
		struct strata_error *err)
{
	json_t *prod = json_object();
	char name[ST_LANG_MAX_NAME + 1];
	size_t i;
	int rc = 0;

	if (prod == NULL)
		return st_error_set(err, STRATA_ENOMEM, "%s: out of memory", g->path);
	for (i = 0; i < g->count && rc == 0; i++) {
		if (g->marks[i] != MARK_DEV &&
		    json_object_set_new_nocheck(prod, g->nodes[i].name_version, json_true()) < 0)
			rc = st_error_set(err, STRATA_ENOMEM, "%s: out of memory", g->path);
	}
	for (i = 0; i < g->count && rc == 0; i++) {
		struct yarn_node *n = &g->nodes[i];
		struct st_npm_lock_entry e;

		memcpy(name, n->name_version, n->name_len);
		name[n->name_len] = '\0';
		memset(&e, 0, sizeof(e));
		e.name = name;
		e.version = n->name_version + n->name_len + 1;
		e.dev = have_project && json_object_get(prod, n->name_version) == NULL;
		rc = fn(ctx, &e, err);
	}
	json_decref(prod);
	return rc;
}

static int build_and_walk(struct yarn_graph *g, json_t *root, json_t *project,
			  const struct strata_limits *lim, st_npm_lock_fn fn, void *ctx,
			  struct strata_error *err)
{
	static const char *const prod_fields[] = {"dependencies", "optionalDependencies", NULL};
	static const char *const dev_fields[] = {"devDependencies", NULL};
	size_t n = json_object_size(root);
	unsigned warnings = 0;
	const char *key;
	json_t *entry;
	int rc;

	if (n > ST_YAML_MAX_NODES)
		return st_error_set(err, STRATA_ELIMIT, "%s: over %u entries", g->path,
				    (unsigned)ST_YAML_MAX_NODES);
	g->nodes = calloc(n + 1, sizeof(*g->nodes));
	g->marks = calloc(n + 1, 1);
	g->queue = calloc(n + 1, sizeof(*g->queue));
	g->depth = calloc(n + 1, sizeof(*g->depth));
	g->by_descriptor = json_object();
	if (g->nodes == NULL || g->marks == NULL || g->queue == NULL || g->depth == NULL ||
	    g->by_descriptor == NULL)
		return st_error_set(err, STRATA_ENOMEM, "%s: out of memory", g->path);
	json_object_foreach(root, key, entry) {
		if (!json_is_object(entry) || strcmp(key, "__metadata") == 0)
			continue;
		rc = add_node(g, key, entry, &warnings);
		if (rc < 0)
			return st_error_set(err, rc, "%s: out of memory", g->path);
	}
	/* NOTE: the walk's depth bound reuses lim->json_depth (128 by
	 * default) because no limit of its own exists. */
	if (json_is_object(project)) {
		walk_from(g, project, prod_fields, MARK_PROD, lim->json_depth);
		walk_from(g, project, dev_fields, MARK_DEV, lim->json_depth);
	}
	return emit(g, json_is_object(project), fn, ctx, err);
}

int st_yarn_parse_lock(struct st_slice text, const char *path, struct json_t *project,
		       const struct strata_limits *lim, struct st_diag *diag,
		       st_npm_lock_fn fn, void *ctx, struct strata_error *err)
{
	struct yarn_graph g;
	struct strata_error why;
	json_t *root = NULL;
	int rc;

	memset(&g, 0, sizeof(g));
	g.path = path;
	g.diag = diag;
	if (text.len > lim->cataloged_file_bytes)
		return st_error_set(err, STRATA_ELIMIT, "%s: over the limit of %llu bytes", path,
				    (unsigned long long)lim->cataloged_file_bytes);
	if (memmem(text.ptr, text.len, "__metadata:", 11) != NULL) {
		rc = st_yaml_to_json(&root, text, lim, &why);
		if (rc == STRATA_ENOMEM)
			return st_error_set(err, rc, "%s: out of memory", path);
		if (rc < 0)
			return st_error_set(err, rc, "%s: %s", path, why.msg);
		if (!json_is_object(root) || !json_is_object(json_object_get(root, "__metadata"))) {
			rc = st_error_set(err, STRATA_ECORRUPT, "%s: not a yarn lock file", path);
			goto out;
		}
	} else {
		rc = classic_to_json(&root, text, path, err);
		if (rc < 0)
			return rc;
	}
	rc = build_and_walk(&g, root, project, lim, fn, ctx, err);

out:
	for (size_t i = 0; i < g.count; i++)
		free(g.nodes[i].name_version);
	free(g.nodes);
	free(g.marks);
	free(g.queue);
	free(g.depth);
	json_decref(g.by_descriptor);
	json_decref(root);
	return rc;
}
