/* Importer for Photon OS CVE metadata, one file per release
 * (cve_data_photon4.0.json):
 *
 *   [ { "cve_id": "CVE-2023-38545", "pkg": "curl", "cve_score": 9.8,
 *       "aff_ver": "all versions before 7.88.1-4.ph4 are vulnerable",
 *       "res_ver": "7.88.1-4.ph4", "status": "Fixed" }, ... ]
 *
 * Each entry becomes an affected row of source "photon": ecosystem "rpm",
 * distro "photon:X.Y", the package, and the status with res_ver as the
 * fixed version. Entries of one id share one advisory. The file has no
 * release field, so the release comes from the file name. When the name
 * is not cve_data_photonX.Y.json, the ".phN" tag of the first fixed
 * version gives release N.0, because Photon releases (1.0 to 5.0) all
 * end in .0. */
#include <jansson.h>
#include <string.h>
#include <strings.h>

#include "vuln/vuln_internal.h"

/* An entry that cannot be read: the reason goes into WHY and the entry is
 * skipped. */
#define MALFORMED 1

#define DISTRO_MAX 32

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Sets DISTRO to "photon:X.Y" from a file name ending in
 * "cve_data_photonX.Y.json" (after any directory or archive prefix). */
static bool distro_from_name(const char *path, char distro[DISTRO_MAX])
{
	static const char prefix[] = "cve_data_photon";
	const char *base = path;
	const char *p;
	size_t dots = 0;
	size_t i;
	size_t n;

	for (p = path; *p != '\0'; p++) {
		if (*p == '/' || *p == ':')
			base = p + 1;
	}
	if (strncmp(base, prefix, sizeof(prefix) - 1) != 0)
		return false;
	p = base + sizeof(prefix) - 1;
	n = strlen(p);
	if (n < 8 || n > 16 || strcmp(p + n - 5, ".json") != 0)
		return false;
	n -= 5;
	/* X.Y: digits, one dot, digits. */
	for (i = 0; i < n; i++)
		dots += p[i] == '.';
	if (!is_digit(p[0]) || !is_digit(p[n - 1]) || strspn(p, "0123456789.") < n ||
	    dots != 1)
		return false;
	memcpy(distro, "photon:", 7);
	memcpy(distro + 7, p, n);
	distro[7 + n] = '\0';
	return true;
}

/* Sets DISTRO to "photon:N.0" from the ".phN" release tag of VERSION. */
static bool distro_from_version(const char *version, char distro[DISTRO_MAX])
{
	const char *tag = strstr(version, ".ph");
	size_t digits;

	if (tag == NULL)
		return false;
	tag += 3;
	digits = strspn(tag, "0123456789");
	if (digits == 0 || digits > 3 || tag[0] == '0')
		return false;
	memcpy(distro, "photon:", 7);
	memcpy(distro + 7, tag, digits);
	memcpy(distro + 7 + digits, ".0", 3);
	return true;
}

/* True for res_ver values that name no version. */
static bool no_version(const char *v)
{
	return v == NULL || v[0] == '\0' || strcasecmp(v, "NA") == 0;
}

/* Maps a CVSS base score to a severity with the qualitative scale of CVSS
 * v3.1: 0.1-3.9 LOW, 4.0-6.9 MEDIUM, 7.0-8.9 HIGH, 9.0-10.0 CRITICAL. The
 * feed does not say which CVSS version the score is from. */
static int severity_from_score(double score)
{
	if (score >= 9.0)
		return ST_SEVERITY_CRITICAL;
	if (score >= 7.0)
		return ST_SEVERITY_HIGH;
	if (score >= 4.0)
		return ST_SEVERITY_MEDIUM;
	if (score > 0.0)
		return ST_SEVERITY_LOW;
	return ST_SEVERITY_NEGLIGIBLE;
}

/* Maps the status field. Returns -1 for an unknown status. */
static int map_status(const char *status, const char *res_ver)
{
	if (strcasecmp(status, "Not Affected") == 0)
		return ST_STATUS_NOT_AFFECTED;
	if (strcasecmp(status, "Fixed") == 0)
		return no_version(res_ver) ? -1 : ST_STATUS_FIXED;
	if (strcasecmp(status, "Affected") == 0 || strcasecmp(status, "Vulnerable") == 0)
		return ST_STATUS_AFFECTED;
	return -1;
}

/* Writes ENTRY. Returns MALFORMED with WHY set for an entry to skip. */
static int write_entry(struct st_import_ctx *ctx, int64_t source, const char *distro,
		       const json_t *entry, bool *created, struct strata_error *why,
		       struct strata_error *err)
{
	struct st_vuln_record rec = {0};
	struct st_affected_record a = {0};
	const json_t *score = json_object_get(entry, "cve_score");
	const char *id;
	const char *status;
	const char *res_ver;
	const char *aff_ver;
	char text[32];
	int64_t vuln;
	int64_t row;
	int rc;

	if (!json_is_object(entry))
		return st_error_set(why, MALFORMED, "not an object");
	if (st_json_member_string(entry, "cve_id", &id) != 1 || !st_feed_name_ok(id))
		return st_error_set(why, MALFORMED, "no valid cve_id");
	if (st_json_member_string(entry, "pkg", &a.package) != 1 || !st_feed_name_ok(a.package))
		return st_error_set(why, MALFORMED, "%s: no valid pkg", id);
	if (st_json_member_string(entry, "status", &status) != 1 ||
	    st_json_member_string(entry, "res_ver", &res_ver) < 0 ||
	    st_json_member_string(entry, "aff_ver", &aff_ver) < 0 ||
	    (score != NULL && !json_is_null(score) && !json_is_number(score)))
		return st_error_set(why, MALFORMED, "%s in %s: missing status or a field of "
				    "the wrong type", id, a.package);
	a.status = map_status(status, res_ver);
	if (a.status < 0)
		return st_error_set(why, MALFORMED, "%s in %s: status '%s'%s", id, a.package,
				    st_feed_name_ok(status) ? status : "(unprintable)",
				    strcasecmp(status, "Fixed") == 0 ? " without res_ver"
								     : " is unknown");
	if (a.status == ST_STATUS_FIXED) {
		if (!st_feed_name_ok(res_ver) || strchr(res_ver, ' ') != NULL)
			return st_error_set(why, MALFORMED, "%s in %s: invalid res_ver", id,
					    a.package);
		a.fixed_version = res_ver;
	}
	/* NOTE: aff_ver is free text ("all versions before X are
	 * vulnerable") that repeats res_ver, so only res_ver is used. */

	rec.name = id;
	rec.severity = ST_SEVERITY_UNKNOWN;
	/* Merging: the file lists one CVE once per package. NOTE: as for
	 * Alpine, importing another release's file later replaces the record,
	 * so import the files of all releases in use in one call. */
	rc = st_writer_vuln(ctx->writer, source, &rec, true, &vuln, created, err);
	if (rc < 0)
		return rc;

	a.ecosystem = "rpm";
	a.distro = distro;
	a.severity = -1;
	if (json_is_number(score)) {
		double value = json_number_value(score);

		if (!(value >= 0.0 && value <= 10.0))
			return st_error_set(why, MALFORMED, "%s in %s: cve_score out of range",
					    id, a.package);
		a.severity = severity_from_score(value);
		a.severity_source = "photon";
		snprintf(text, sizeof(text), "%.1f", value);
		a.vendor_severity = text;
	}
	rc = st_writer_affected(ctx->writer, vuln, &a, &row, err);
	if (rc == 0 && a.vendor_severity != NULL)
		rc = st_writer_score(ctx->writer, vuln, row, "Photon", text, err);
	return rc;
}

static int import_entry(struct st_import_ctx *ctx, int64_t source, const char *distro,
			size_t index, const json_t *entry, struct strata_error *err)
{
	struct strata_error why = {0};
	bool created = false;
	int rc;

	rc = st_writer_savepoint(ctx->writer, err);
	if (rc < 0)
		return rc;
	rc = write_entry(ctx, source, distro, entry, &created, &why, err);
	if (rc < 0)
		return rc;
	if (rc == MALFORMED) {
		st_diag(ctx->diag, ST_DIAG_WARN, "%s: entry %zu: %s; skipped", ctx->name, index,
			why.msg);
		ctx->stats->skipped++;
		return st_writer_rollback_record(ctx->writer, err);
	}
	rc = st_writer_release(ctx->writer, err);
	if (rc == 0 && created)
		ctx->stats->records++;
	return rc;
}

/* Finds the release of the file: see the file comment. */
static bool find_distro(const char *name, const json_t *entries, char distro[DISTRO_MAX])
{
	const json_t *entry;
	const char *res_ver;
	const char *status;
	size_t i;

	if (distro_from_name(name, distro))
		return true;
	json_array_foreach(entries, i, entry) {
		if (st_json_member_string(entry, "status", &status) == 1 &&
		    strcasecmp(status, "Fixed") == 0 &&
		    st_json_member_string(entry, "res_ver", &res_ver) == 1 &&
		    !no_version(res_ver))
			return distro_from_version(res_ver, distro);
	}
	return false;
}

bool st_photon_detect(struct st_slice text, const struct strata_limits *lim)
{
	struct st_json_members it;
	struct st_slice key;
	struct st_slice value;
	bool cve_id = false;
	bool res_ver = false;
	size_t i = 0;

	(void)lim;
	while (i < text.len && (text.ptr[i] == ' ' || text.ptr[i] == '\t' ||
				text.ptr[i] == '\n' || text.ptr[i] == '\r'))
		i++;
	if (i == text.len || text.ptr[i] != '[')
		return false;
	for (i++; i < text.len && (text.ptr[i] == ' ' || text.ptr[i] == '\t' ||
				   text.ptr[i] == '\n' || text.ptr[i] == '\r');
	     i++)
		;
	/* Only the first item's members are read: the walk stops at its end
	 * with a syntax error about the data after it, which is expected. */
	st_json_members_init(&it, st_slice_make(text.ptr + i, text.len - i));
	while (st_json_members_next(&it, &key, &value, NULL) > 0) {
		if (st_slice_eq_cstr(key, "cve_id"))
			cve_id = true;
		if (st_slice_eq_cstr(key, "res_ver"))
			res_ver = true;
	}
	return cve_id && res_ver;
}

int st_import_photon(struct st_import_ctx *ctx, struct st_slice text, struct strata_error *err)
{
	json_t *root = NULL;
	const json_t *entry;
	char distro[DISTRO_MAX];
	int64_t source;
	size_t i;
	int rc;

	rc = st_json_parse(&root, text, text.len, ctx->limits->json_depth, 0, ctx->name, err);
	if (rc < 0)
		return rc;
	if (!json_is_array(root) || !find_distro(ctx->name, root, distro)) {
		st_diag(ctx->diag, ST_DIAG_WARN,
			"%s: Photon file without a release: name it cve_data_photonX.Y.json; "
			"skipped", ctx->name);
		ctx->stats->skipped++;
		goto out;
	}
	rc = st_writer_source(ctx->writer, ST_SOURCE_PHOTON, &source, err);
	if (rc < 0)
		goto out;
	json_array_foreach(root, i, entry) {
		rc = import_entry(ctx, source, distro, i, entry, err);
		if (rc < 0)
			break;
	}

out:
	json_decref(root);
	return rc;
}
