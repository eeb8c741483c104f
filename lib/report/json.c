/* The JSON report, schema "strata-scan/1" (docs/json-output.md). */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "report/report.h"
#include "scan.h"

#define JSON_SCHEMA_ID "strata-scan/1"

json_t *st_report_jstr(const char *s)
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

void st_report_put(json_t *obj, const char *key, json_t *value, bool *ok)
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
		st_report_put(o, "digest", st_report_jstr(list[i].digest), ok);
		st_report_put(o, "type", st_report_jstr(list[i].type), ok);
		st_report_put(o, "subject", st_report_jstr(list[i].subject), ok);
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
	st_report_put(o, "reference", st_report_jstr(img->reference), ok);
	st_report_put(o, "form", st_report_jstr(st_image_form_name(img->form)), ok);
	st_report_put(o, "manifest_digest", st_report_jstr(img->manifest_digest), ok);
	st_report_put(o, "config_digest", st_report_jstr(img->config_digest), ok);
	/* A dir: image has no config, so no platform. */
	st_report_put(o, "platform",
		      img->os || img->architecture ? st_report_jstr(platform) : json_null(), ok);
	st_report_put(o, "tag", st_report_jstr(img->tag), ok);
	st_report_put(o, "attestations",
		      referrers_json(img->attestations, img->attestation_count, ok), ok);
	st_report_put(o, "referrers", referrers_json(img->referrers, img->referrer_count, ok), ok);
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
	st_report_put(o, "id", st_report_jstr(os->id), ok);
	st_report_put(o, "id_like", st_report_jstr(os->id_like), ok);
	st_report_put(o, "version_id", st_report_jstr(os->version_id), ok);
	st_report_put(o, "version_codename", st_report_jstr(os->version_codename), ok);
	st_report_put(o, "pretty_name", st_report_jstr(os->pretty_name), ok);
	st_report_put(o, "path", st_report_jstr(os->path), ok);
	st_report_put(o, "layer_index", json_integer((json_int_t)os->layer), ok);
	st_report_put(o, "family", st_report_jstr(os->family), ok);
	st_report_put(o, "distro_key", st_report_jstr(os->distro_key), ok);
	st_report_put(o, "eol_date", st_report_jstr(os->eol_date), ok);
	st_report_put(o, "esm", json_boolean(os->esm), ok);
	st_report_put(o, "distroless", json_boolean(os->distroless), ok);
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
		st_report_put(o, "index", json_integer((json_int_t)i), ok);
		st_report_put(o, "digest", st_report_jstr(l->digest), ok);
		st_report_put(o, "diff_id", st_report_jstr(l->diff_id), ok);
		st_report_put(o, "media_type", st_report_jstr(l->media_type), ok);
		st_report_put(o, "size", json_integer((json_int_t)l->size), ok);
		st_report_put(o, "uncompressed_size",
			      json_integer((json_int_t)st->uncompressed_bytes), ok);
		st_report_put(o, "entries", json_integer((json_int_t)st->entries), ok);
		st_report_put(o, "created_by", st_report_jstr(l->created_by), ok);
		st_report_put(o, "created", st_report_jstr(l->created), ok);
		st_report_put(o, "foreign", json_boolean(l->foreign), ok);
		st_report_put(o, "skipped", json_boolean(l->missing), ok);
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
		st_report_put(o, "path", st_report_jstr(n->path), ok);
		st_report_put(o, "mode", json_string(mode), ok);
		st_report_put(o, "layer_index", json_integer((json_int_t)n->layer), ok);
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
	st_report_put(o, "index", json_integer((json_int_t)index), ok);
	st_report_put(o, "type", st_report_jstr(p->type), ok);
	st_report_put(o, "name", st_report_jstr(p->name), ok);
	st_report_put(o, "version", st_report_jstr(p->version), ok);
	st_report_put(o, "arch", st_report_jstr(p->arch), ok);
	st_report_put(o, "source_name", st_report_jstr(p->source_name), ok);
	st_report_put(o, "source_version", st_report_jstr(p->source_version), ok);
	st_report_put(o, "license", st_report_jstr(p->license), ok);
	st_report_put(o, "purl", st_report_jstr(p->purl), ok);
	st_report_put(o, "path", st_report_jstr(p->path), ok);
	st_report_put(o, "layer_index", json_integer((json_int_t)p->layer), ok);
	st_report_put(o, "layer_digest", st_report_jstr(layer_digest), ok);
	st_report_put(o, "found_by", st_report_jstr(p->found_by), ok);
	st_report_put(o, "flags", flags_json(p->flags, ok), ok);
	st_report_put(o, "owner", st_report_jstr(p->owner), ok);
	if (p->flags & ST_PKG_REMOVED)
		st_report_put(o, "removed_in", json_integer((json_int_t)p->removed_in), ok);
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
	st_report_put(pkg, "type", st_report_jstr(p->type), ok);
	st_report_put(pkg, "name", st_report_jstr(p->name), ok);
	st_report_put(pkg, "version", st_report_jstr(p->version), ok);
	st_report_put(pkg, "purl", st_report_jstr(p->purl), ok);
	st_report_put(pkg, "index", json_integer((json_int_t)f->package), ok);
	st_report_put(pkg, "flags", flags_json(p->flags, ok), ok);
	st_report_put(o, "id", st_report_jstr(f->id), ok);
	st_report_put(o, "aliases", aliases_json(f->aliases, ok), ok);
	st_report_put(o, "package", pkg, ok);
	st_report_put(o, "installed_version", st_report_jstr(p->version), ok);
	st_report_put(o, "fixed_version", st_report_jstr(f->fixed_version), ok);
	st_report_put(o, "status", st_report_jstr(st_vuln_status_name(f->status)), ok);
	st_report_put(o, "severity", st_report_jstr(st_severity_name(f->severity)), ok);
	st_report_put(o, "severity_source", st_report_jstr(f->severity_source), ok);
	st_report_put(o, "summary", st_report_jstr(f->summary), ok);
	st_report_put(o, "source", st_report_jstr(f->source), ok);
	st_report_put(o, "url", st_report_jstr(f->url), ok);
	st_report_put(o, "layer_index", json_integer((json_int_t)p->layer), ok);
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
		st_report_put(o, "scope", st_report_jstr(u->scope), ok);
		st_report_put(o, "packages", json_integer((json_int_t)u->packages), ok);
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
		st_report_put(root, "schema", json_string(JSON_SCHEMA_ID), &ok);
		st_report_put(root, "image", image_json(scan, &ok), &ok);
		st_report_put(root, "os", os_json(&scan->inv.os, &ok), &ok);
		st_report_put(root, "layers", layers_json(scan, &ok), &ok);
		st_report_put(root, "setuid_files", setuid_json(&scan->inv, &ok), &ok);
		st_report_put(root, "packages", packages, &ok);
		packages = NULL;
		st_report_put(root, "vulnerabilities_checked", json_boolean(scan->matched), &ok);
		st_report_put(root, "unchecked", unchecked_json(scan, &ok), &ok);
		st_report_put(root, "findings", findings, &ok);
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
