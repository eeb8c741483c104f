/* pnpm's lock file, pnpm-lock.yaml (pnpm.io, "pnpm-lock.yaml"). The npm
 * cataloger reads it only for what it states about packages found
 * installed under node_modules: a lock never adds a package.
 * "packages" maps a package key to its entry; the key's form depends on
 * lockfileVersion:
 *   5.x   /NAME/VERSION, /@SCOPE/NAME/VERSION, with peer dependencies
 *         appended as _PEER@VERSION
 *   6.0   /NAME@VERSION, /@SCOPE/NAME@VERSION, peers as (PEER@VERSION)
 *   9.0   NAME@VERSION without the leading '/'
 * Entries of packages not from the registry (tarballs, git) carry "name"
 * and "version" fields, which win over the key. Versions 5 and 6 mark a
 * package that only development dependencies need with "dev: true";
 * version 9 dropped that field, so its entries are never dev. */
#include <jansson.h>
#include <string.h>

#include "inventory/lang.h"
#include "util/util.h"

/* Splits KEY into NAME and VERSION. V5 selects the 5.x key form. */
static bool split_key(struct st_slice key, bool v5, struct st_slice *name,
		      struct st_slice *version)
{
	const char *sep;
	size_t from;

	if (key.len > 0 && key.ptr[0] == '/') {
		key.ptr++;
		key.len--;
	}
	if (key.len < 3)
		return false;
	/* A scoped name contains a '/' of its own. */
	from = 1;
	if (key.ptr[0] == '@') {
		const char *slash = memchr(key.ptr, '/', key.len);

		if (slash == NULL)
			return false;
		from = (size_t)(slash - key.ptr) + 1;
	}
	sep = memchr(key.ptr + from, v5 ? '/' : '@', key.len - from);
	if (sep == NULL)
		return false;
	*name = st_slice_make(key.ptr, (size_t)(sep - key.ptr));
	*version = st_slice_make(sep + 1, key.len - name->len - 1);
	/* Peer dependency suffixes: "_peer@1" (5.x) or "(peer@1)" (6.0 on). */
	sep = memchr(version->ptr, v5 ? '_' : '(', version->len);
	if (sep != NULL)
		version->len = (size_t)(sep - version->ptr);
	return name->len > 0 && version->len > 0;
}

/* A field of ENTRY that is a name or version, or an empty slice. */
static struct st_slice token_field(json_t *entry, const char *field, size_t max)
{
	struct st_slice s;

	if (!st_lang_json_text(json_object_get(entry, field), &s) || !st_lang_is_token(s, max))
		return st_slice_make(NULL, 0);
	return s;
}

int st_pnpm_parse_lock(struct st_slice text, const char *path,
		       const struct strata_limits *lim, struct st_diag *diag,
		       st_npm_lock_fn fn, void *ctx, struct strata_error *err)
{
	struct strata_error why;
	struct st_slice lock_version;
	json_t *root = NULL;
	json_t *packages;
	json_t *entry;
	const char *key;
	unsigned warnings = 0;
	bool v5;
	int rc;

	if (text.len > lim->cataloged_file_bytes)
		return st_error_set(err, STRATA_ELIMIT, "%s: over the limit of %llu bytes", path,
				    (unsigned long long)lim->cataloged_file_bytes);
	rc = st_yaml_to_json(&root, text, lim, &why);
	if (rc == STRATA_ENOMEM)
		return st_error_set(err, rc, "%s: out of memory", path);
	if (rc < 0)
		return st_error_set(err, rc, "%s: %s", path, why.msg);
	if (!json_is_object(root) ||
	    !st_lang_json_text(json_object_get(root, "lockfileVersion"), &lock_version)) {
		rc = st_error_set(err, STRATA_ECORRUPT, "%s: not a pnpm lock file", path);
		goto out;
	}
	v5 = st_slice_starts_with(lock_version, "5");
	packages = json_object_get(root, "packages");
	json_object_foreach(packages, key, entry) {
		struct st_npm_lock_entry e;
		struct st_slice name;
		struct st_slice version;
		struct st_slice explicit_name;
		struct st_slice explicit_version;
		char name_buf[ST_LANG_MAX_NAME + 1];
		char version_buf[ST_LANG_MAX_VERSION + 1];

		if (!json_is_object(entry))
			continue;
		explicit_name = token_field(entry, "name", ST_LANG_MAX_NAME);
		explicit_version = token_field(entry, "version", ST_LANG_MAX_VERSION);
		if (!split_key(st_slice_cstr(key), v5, &name, &version)) {
			name = st_slice_make(NULL, 0);
			version = st_slice_make(NULL, 0);
		}
		if (explicit_name.len > 0)
			name = explicit_name;
		if (explicit_version.len > 0)
			version = explicit_version;
		if (!st_lang_is_token(name, ST_LANG_MAX_NAME) ||
		    !st_lang_is_token(version, ST_LANG_MAX_VERSION)) {
			if (++warnings <= 20)
				st_diag(diag, ST_DIAG_WARN,
					"%s: package \"%.200s\": no valid name and version, skipped",
					path, key);
			continue;
		}
		memcpy(name_buf, name.ptr, name.len);
		name_buf[name.len] = '\0';
		memcpy(version_buf, version.ptr, version.len);
		version_buf[version.len] = '\0';
		memset(&e, 0, sizeof(e));
		e.name = name_buf;
		e.version = version_buf;
		e.dev = json_is_true(json_object_get(entry, "dev"));
		rc = fn(ctx, &e, err);
		if (rc < 0)
			goto out;
	}
	rc = 0;

out:
	json_decref(root);
	return rc;
}
