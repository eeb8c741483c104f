/* The JSON report, schema "strata-scan/1" (docs/json-output.md). */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "scan.h"

#define JSON_SCHEMA_ID "strata-scan/1"

/* Returns a JSON string for S, or null for NULL. Image text need not be
 * UTF-8: invalid bytes become U+FFFD so the document stays valid. */
static json_t *jstr(const char *s)
{
	json_t *v;
	char *fixed;
	size_t i, o = 0, n;

	if (s == NULL)
		return json_null();
	v = json_string(s);
	if (v != NULL)
		return v;
	n = strlen(s);
	fixed = malloc(n * 3 + 1);
	if (fixed == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x80) {
			fixed[o++] = (char)c;
		} else {
			fixed[o++] = (char)0xef;
			fixed[o++] = (char)0xbf;
			fixed[o++] = (char)0xbd;
		}
	}
	fixed[o] = '\0';
	v = json_string(fixed);
	free(fixed);
	return v;
}

/* json_object_set_new that records a failure in *OK instead of returning. */
static void put(json_t *obj, const char *key, json_t *value, bool *ok)
{
	if (value == NULL || json_object_set_new(obj, key, value) != 0)
		*ok = false;
}

/* The attestations or OCI artifacts that describe the image, as an array
 * of {digest, type, subject}. */
static json_t *referrers_json(const struct st_image_referrer *list, size_t count, bool *ok)
{
	json_t *a = json_array();
	size_t i;

	if (a == NULL) {
		*ok = false;
		return NULL;
	}
	for (i = 0; i < count; i++) {
		json_t *o = json_object();

		if (o == NULL || json_array_append_new(a, o) != 0) {
			*ok = false;
			break;
		}
		put(o, "digest", jstr(list[i].digest), ok);
		put(o, "type", jstr(list[i].type), ok);
		put(o, "subject", jstr(list[i].subject), ok);
	}
	return a;
}

static json_t *image_json(const struct strata_scan *scan, bool *ok)
{
	const struct st_image *img = scan->image;
	json_t *o = json_object();
	char platform[256];

	if (o == NULL) {
		*ok = false;
		return NULL;
	}
	snprintf(platform, sizeof(platform), "%s/%s%s%s", img->os ? img->os : "",
		 img->architecture ? img->architecture : "", img->variant ? "/" : "",
		 img->variant ? img->variant : "");
	put(o, "reference", jstr(img->reference), ok);
	put(o, "form", jstr(st_image_form_name(img->form)), ok);
	put(o, "manifest_digest", jstr(img->manifest_digest), ok);
	put(o, "config_digest", jstr(img->config_digest), ok);
	/* A dir: image has no config, so no platform. */
	put(o, "platform", img->os || img->architecture ? jstr(platform) : json_null(), ok);
	put(o, "tag", jstr(img->tag), ok);
	put(o, "attestations", referrers_json(img->attestations, img->attestation_count, ok), ok);
	put(o, "referrers", referrers_json(img->referrers, img->referrer_count, ok), ok);
	return o;
}

static json_t *os_json(const struct st_os *os, bool *ok)
{
	json_t *o;

	if (!os->found)
		return json_null();
	o = json_object();
	if (o == NULL) {
		*ok = false;
		return NULL;
	}
	put(o, "id", jstr(os->id), ok);
	put(o, "id_like", jstr(os->id_like), ok);
	put(o, "version_id", jstr(os->version_id), ok);
	put(o, "version_codename", jstr(os->version_codename), ok);
	put(o, "pretty_name", jstr(os->pretty_name), ok);
	put(o, "path", jstr(os->path), ok);
	put(o, "layer_index", json_integer((json_int_t)os->layer), ok);
	put(o, "family", jstr(os->family), ok);
	put(o, "distro_key", jstr(os->distro_key), ok);
	put(o, "eol_date", jstr(os->eol_date), ok);
	put(o, "esm", json_boolean(os->esm), ok);
	put(o, "distroless", json_boolean(os->distroless), ok);
	return o;
}

static json_t *layers_json(const struct strata_scan *scan, bool *ok)
{
	const struct st_image *img = scan->image;
	json_t *a = json_array();
	size_t i;

	if (a == NULL) {
		*ok = false;
		return NULL;
	}
	for (i = 0; i < img->layer_count; i++) {
		const struct st_layer_info *l = &img->layers[i];
		const struct st_walk_layer_stats *st = &scan->layer_stats[i];
		json_t *o = json_object();

		if (o == NULL || json_array_append_new(a, o) != 0) {
			*ok = false;
			break;
		}
		put(o, "index", json_integer((json_int_t)i), ok);
		put(o, "digest", jstr(l->digest), ok);
		put(o, "diff_id", jstr(l->diff_id), ok);
		put(o, "media_type", jstr(l->media_type), ok);
		put(o, "size", json_integer((json_int_t)l->size), ok);
		put(o, "uncompressed_size", json_integer((json_int_t)st->uncompressed_bytes), ok);
		put(o, "entries", json_integer((json_int_t)st->entries), ok);
		put(o, "created_by", jstr(l->created_by), ok);
		put(o, "created", jstr(l->created), ok);
		put(o, "foreign", json_boolean(l->foreign), ok);
		put(o, "skipped", json_boolean(l->missing), ok);
	}
	return a;
}

/* The setuid and setgid files of the final image, mode in octal. */
static json_t *setuid_json(const struct st_inventory *inv, bool *ok)
{
	json_t *a = json_array();
	size_t i;

	if (a == NULL) {
		*ok = false;
		return NULL;
	}
	for (i = 0; i < inv->setuid_count; i++) {
		const struct st_file_note *n = &inv->setuid[i];
		json_t *o = json_object();
		char mode[8];

		if (o == NULL || json_array_append_new(a, o) != 0) {
			*ok = false;
			break;
		}
		snprintf(mode, sizeof(mode), "%04o", n->mode & 07777u);
		put(o, "path", jstr(n->path), ok);
		put(o, "mode", json_string(mode), ok);
		put(o, "layer_index", json_integer((json_int_t)n->layer), ok);
	}
	return a;
}

/* The names of the ST_PKG_* bits in FLAGS, as a JSON array. */
static json_t *flags_json(unsigned flags, bool *ok)
{
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = {
		{ST_PKG_KERNEL_HEADERS, "kernel"},
		{ST_PKG_GLOBAL, "global"},
		{ST_PKG_OS_OWNED, "os-owned"},
		{ST_PKG_REMOVED, "removed"},
		{ST_PKG_DEV, "dev"},
		{ST_PKG_UNVERSIONED, "unversioned"},
	};
	json_t *a = json_array();
	size_t i;

	if (a == NULL) {
		*ok = false;
		return NULL;
	}
	for (i = 0; i < ST_ARRAY_LEN(names); i++) {
		if ((flags & names[i].bit) && json_array_append_new(a, json_string(names[i].name)) != 0)
			*ok = false;
	}
	return a;
}

static json_t *package_json(const struct strata_scan *scan, size_t index, bool *ok)
{
	const struct st_package *p = &scan->inv.packages[index];
	json_t *o = json_object();
	const char *layer_digest = NULL;

	if (o == NULL) {
		*ok = false;
		return NULL;
	}
	if (p->layer < scan->image->layer_count)
		layer_digest = scan->image->layers[p->layer].digest;
	put(o, "index", json_integer((json_int_t)index), ok);
	put(o, "type", jstr(p->type), ok);
	put(o, "name", jstr(p->name), ok);
	put(o, "version", jstr(p->version), ok);
	put(o, "arch", jstr(p->arch), ok);
	put(o, "source_name", jstr(p->source_name), ok);
	put(o, "source_version", jstr(p->source_version), ok);
	put(o, "license", jstr(p->license), ok);
	put(o, "purl", jstr(p->purl), ok);
	put(o, "path", jstr(p->path), ok);
	put(o, "layer_index", json_integer((json_int_t)p->layer), ok);
	put(o, "layer_digest", jstr(layer_digest), ok);
	put(o, "found_by", jstr(p->found_by), ok);
	put(o, "flags", flags_json(p->flags, ok), ok);
	put(o, "owner", jstr(p->owner), ok);
	if (p->flags & ST_PKG_REMOVED)
		put(o, "removed_in", json_integer((json_int_t)p->removed_in), ok);
	return o;
}

/* Splits the comma-separated alias list into a JSON array. */
static json_t *aliases_json(const char *aliases, bool *ok)
{
	json_t *a = json_array();
	struct st_slice rest = st_slice_cstr(aliases);

	if (a == NULL) {
		*ok = false;
		return NULL;
	}
	while (rest.len > 0) {
		struct st_slice one;

		st_slice_split(&rest, ',', &one);
		one = st_slice_trim(one);
		if (one.len == 0)
			continue;
		if (json_array_append_new(a, json_stringn(one.ptr, one.len)) != 0)
			*ok = false;
	}
	return a;
}

static json_t *finding_json(const struct strata_scan *scan, const struct st_finding *f, bool *ok)
{
	const struct st_package *p = &scan->inv.packages[f->package];
	json_t *o = json_object();
	json_t *pkg = json_object();

	if (o == NULL || pkg == NULL) {
		json_decref(o);
		json_decref(pkg);
		*ok = false;
		return NULL;
	}
	put(pkg, "type", jstr(p->type), ok);
	put(pkg, "name", jstr(p->name), ok);
	put(pkg, "version", jstr(p->version), ok);
	put(pkg, "purl", jstr(p->purl), ok);
	put(pkg, "index", json_integer((json_int_t)f->package), ok);
	put(pkg, "flags", flags_json(p->flags, ok), ok);
	put(o, "id", jstr(f->id), ok);
	put(o, "aliases", aliases_json(f->aliases, ok), ok);
	put(o, "package", pkg, ok);
	put(o, "installed_version", jstr(p->version), ok);
	put(o, "fixed_version", jstr(f->fixed_version), ok);
	put(o, "status", jstr(st_vuln_status_name(f->status)), ok);
	put(o, "severity", jstr(st_severity_name(f->severity)), ok);
	put(o, "severity_source", jstr(f->severity_source), ok);
	put(o, "summary", jstr(f->summary), ok);
	put(o, "source", jstr(f->source), ok);
	put(o, "url", jstr(f->url), ok);
	put(o, "layer_index", json_integer((json_int_t)p->layer), ok);
	return o;
}

/* The scopes the database had no advisories for; null when no database
 * was used. */
static json_t *unchecked_json(const struct strata_scan *scan, bool *ok)
{
	json_t *list;
	size_t i;

	if (!scan->matched)
		return json_null();
	list = json_array();
	if (list == NULL) {
		*ok = false;
		return NULL;
	}
	for (i = 0; i < scan->findings.unchecked_count; i++) {
		const struct st_unchecked *u = &scan->findings.unchecked[i];
		json_t *o = json_object();

		if (o == NULL || json_array_append_new(list, o) != 0) {
			*ok = false;
			break;
		}
		put(o, "scope", jstr(u->scope), ok);
		put(o, "packages", json_integer((json_int_t)u->packages), ok);
	}
	return list;
}

int st_report_json(const struct strata_scan *scan, FILE *out,
		   const struct strata_report_options *opts, size_t *shown,
		   struct strata_error *err)
{
	json_t *root = json_object();
	json_t *packages = json_array();
	json_t *findings = scan->matched ? json_array() : json_null();
	size_t n_shown = 0;
	bool ok = root != NULL && packages != NULL && findings != NULL;
	size_t i;
	int rc = 0;

	for (i = 0; ok && i < scan->inv.count; i++) {
		json_t *p;

		if (!st_report_package_shown(&scan->inv.packages[i], opts))
			continue;
		p = package_json(scan, i, &ok);

		if (p == NULL || json_array_append_new(packages, p) != 0)
			ok = false;
	}
	for (i = 0; ok && scan->matched && i < scan->findings.count; i++) {
		const struct st_finding *f = &scan->findings.items[i];
		json_t *j;

		if (!st_report_finding_shown(f, opts))
			continue;
		n_shown++;
		j = finding_json(scan, f, &ok);
		if (j == NULL || json_array_append_new(findings, j) != 0)
			ok = false;
	}
	if (ok) {
		put(root, "schema", json_string(JSON_SCHEMA_ID), &ok);
		put(root, "image", image_json(scan, &ok), &ok);
		put(root, "os", os_json(&scan->inv.os, &ok), &ok);
		put(root, "layers", layers_json(scan, &ok), &ok);
		put(root, "setuid_files", setuid_json(&scan->inv, &ok), &ok);
		put(root, "packages", packages, &ok);
		packages = NULL;
		put(root, "vulnerabilities_checked", json_boolean(scan->matched), &ok);
		put(root, "unchecked", unchecked_json(scan, &ok), &ok);
		put(root, "findings", findings, &ok);
		findings = NULL;
	}
	if (!ok) {
		rc = st_error_set(err, STRATA_ENOMEM, "out of memory building the JSON report");
		goto out;
	}
	if (json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0 ||
	    fputc('\n', out) == EOF || fflush(out) != 0) {
		rc = st_error_sys(err, STRATA_EIO, "writing the JSON report failed");
		goto out;
	}
	if (shown != NULL)
		*shown = n_shown;

out:
	json_decref(packages);
	json_decref(findings);
	json_decref(root);
	return rc;
}
