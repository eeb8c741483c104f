/* Importer for the Debian security tracker's JSON export
 * (https://security-tracker.debian.org/tracker/data/json):
 *
 *   { "<source package>": { "<CVE or TEMP id>": {
 *       "description": "...", "scope": "...", "debianbug": 123,
 *       "releases": { "<codename>": {
 *           "status": "open" | "resolved" | "undetermined",
 *           "fixed_version": "1.2-3", "urgency": "low**",
 *           "nodsa": "...", "nodsa_reason": "postponed" | "ignored", ...
 *       } } } } }
 *
 * Each (package, id) entry becomes affected rows with distro
 * "debian:<codename>" under one advisory per id. The file is walked one
 * package at a time, so only the package being imported is a JSON tree. */
#include <jansson.h>
#include <string.h>

#include "vuln/vuln_internal.h"

#define TRACKER_URL "https://security-tracker.debian.org/tracker/"
#define BUG_URL "https://bugs.debian.org/"

/* An entry that cannot be read: the reason goes into WHY and the entry is
 * skipped. */
#define MALFORMED 1

/* Strips the "**" that marks an urgency taken from NVD. */
static bool urgency_is(const char *urgency, const char *word)
{
	size_t n = strlen(word);

	if (urgency == NULL || strncmp(urgency, word, n) != 0)
		return false;
	while (urgency[n] == '*')
		n++;
	return urgency[n] == '\0';
}

/* Maps a tracker status to enum st_vuln_status. "undetermined" means the
 * security team has not yet checked whether the release is affected: it
 * is reported as affected rather than hidden. */
static int map_status(const char *status, const char *fixed, const char *urgency,
		      const char *nodsa_reason, int *out)
{
	if (strcmp(status, "resolved") == 0) {
		if (fixed == NULL)
			return -1;
		/* Version "0": the release never had the vulnerable code. */
		*out = strcmp(fixed, "0") == 0 ? ST_STATUS_NOT_AFFECTED : ST_STATUS_FIXED;
		return 0;
	}
	if (strcmp(status, "open") != 0 && strcmp(status, "undetermined") != 0)
		return -1;
	if (urgency_is(urgency, "end-of-life"))
		*out = ST_STATUS_END_OF_LIFE;
	else if (nodsa_reason != NULL && strcmp(nodsa_reason, "ignored") == 0)
		*out = ST_STATUS_WILL_NOT_FIX;
	else if (nodsa_reason != NULL && strcmp(nodsa_reason, "postponed") == 0)
		*out = ST_STATUS_FIX_DEFERRED;
	else
		*out = ST_STATUS_AFFECTED;
	return 0;
}

static int import_release(struct st_import_ctx *ctx, int64_t vuln, const char *package,
			  const char *codename, const json_t *rel, struct st_buf *distro,
			  struct strata_error *why, struct strata_error *err)
{
	struct st_affected_record a = {0};
	const char *status;
	const char *fixed;
	const char *urgency;
	const char *nodsa_reason;
	int rc;

	if (!st_feed_name_ok(codename))
		return st_error_set(why, MALFORMED, "a release name is empty, too long or has "
				    "control characters");
	if (!json_is_object(rel))
		return st_error_set(why, MALFORMED, "release '%s' is not an object", codename);
	if (st_json_member_string(rel, "status", &status) != 1 ||
	    st_json_member_string(rel, "fixed_version", &fixed) < 0 ||
	    st_json_member_string(rel, "urgency", &urgency) < 0 ||
	    st_json_member_string(rel, "nodsa_reason", &nodsa_reason) < 0)
		return st_error_set(why, MALFORMED,
				    "release %s: missing status or a field that is not a string",
				    codename);
	if (fixed != NULL && !st_feed_name_ok(fixed))
		return st_error_set(why, MALFORMED, "release %s: invalid fixed_version", codename);
	if (map_status(status, fixed, urgency, nodsa_reason, &a.status) < 0)
		return st_error_set(why, MALFORMED, "release %s: status '%s'%s", codename,
				    st_feed_name_ok(status) ? status : "(unprintable)",
				    strcmp(status, "resolved") == 0 ? " without fixed_version"
								    : " is unknown");

	distro->len = 0;
	rc = st_buf_printf(distro, err, "debian:%s", codename);
	if (rc < 0)
		return rc;
	a.ecosystem = "deb";
	a.distro = distro->ptr;
	a.package = package;
	a.fixed_version = a.status == ST_STATUS_FIXED ? fixed : NULL;
	a.severity = st_severity_from_debian(urgency);
	a.severity_source = "debian";
	a.vendor_severity = urgency;
	return st_writer_affected(ctx->writer, vuln, &a, NULL, err);
}

/* Adds the tracker page (the finding's link) and the Debian bug. */
static int add_references(struct st_import_ctx *ctx, int64_t vuln, const char *id,
			  const json_t *entry, struct st_buf *url, struct strata_error *err)
{
	const json_t *bug = json_object_get(entry, "debianbug");
	int rc;

	url->len = 0;
	rc = st_buf_printf(url, err, TRACKER_URL "%s", id);
	if (rc == 0)
		rc = st_writer_reference(ctx->writer, vuln, "ADVISORY", url->ptr, err);
	if (rc < 0 || !json_is_integer(bug) || json_integer_value(bug) <= 0)
		return rc;
	url->len = 0;
	rc = st_buf_printf(url, err, BUG_URL "%lld", (long long)json_integer_value(bug));
	if (rc == 0)
		rc = st_writer_reference(ctx->writer, vuln, "REPORT", url->ptr, err);
	return rc;
}

/* Writes one (package, id) entry. Returns MALFORMED with WHY set for an
 * entry to skip. */
static int write_entry(struct st_import_ctx *ctx, int64_t source, const char *package,
		       const char *id, const json_t *entry, struct st_buf *scratch,
		       bool *created, struct strata_error *why, struct strata_error *err)
{
	struct st_vuln_record rec = {0};
	json_t *releases;
	const json_t *rel;
	const char *codename;
	int64_t vuln;
	int rc;

	if (!json_is_object(entry))
		return st_error_set(why, MALFORMED, "entry is not an object");
	releases = json_object_get(entry, "releases");
	/* The tracker writes an entry without releases as an empty array. */
	if (!json_is_object(releases) && !(json_is_array(releases) && json_array_size(releases) == 0))
		return st_error_set(why, MALFORMED, "no releases object");
	if (st_json_member_string(entry, "description", &rec.summary) < 0)
		return st_error_set(why, MALFORMED, "description is not a string");

	rec.name = id;
	rec.severity = ST_SEVERITY_UNKNOWN;
	rc = st_writer_vuln(ctx->writer, source, &rec, true, &vuln, created, err);
	if (rc < 0)
		return rc;
	if (*created) {
		rc = add_references(ctx, vuln, id, entry, scratch, err);
		if (rc < 0)
			return rc;
	}
	json_object_foreach(releases, codename, rel) {
		rc = import_release(ctx, vuln, package, codename, rel, scratch, why, err);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static int import_entry(struct st_import_ctx *ctx, int64_t source, const char *package,
			const char *id, const json_t *entry, struct st_buf *scratch,
			struct strata_error *err)
{
	struct strata_error why = {0};
	bool created = false;
	int rc;

	rc = st_writer_savepoint(ctx->writer, err);
	if (rc < 0)
		return rc;
	rc = write_entry(ctx, source, package, id, entry, scratch, &created, &why, err);
	if (rc < 0)
		return rc;
	if (rc == MALFORMED) {
		st_diag(ctx->diag, ST_DIAG_WARN, "%s: %s in package %s: %s; skipped", ctx->name,
			id, package, why.msg);
		ctx->stats->skipped++;
		return st_writer_rollback_record(ctx->writer, err);
	}
	rc = st_writer_release(ctx->writer, err);
	if (rc == 0 && created)
		ctx->stats->records++;
	return rc;
}

/* Decodes a member name as written in the file (escapes included) into
 * BUF. Returns 1, 0 for a name that is empty or not a valid string, or a
 * negative code. */
static int decode_key(struct st_slice raw, struct st_buf *buf, struct strata_error *err)
{
	const char *s;
	json_t *str;
	int rc;

	/* RAW sits between the quotes, which the decoder needs to see. */
	str = json_loadb(raw.ptr - 1, raw.len + 2, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
	if (st_json_value_string(str, &s) != 1 || !st_feed_name_ok(s)) {
		json_decref(str);
		return 0;
	}
	buf->len = 0;
	rc = st_buf_append(buf, s, strlen(s), err);
	json_decref(str);
	if (rc == 0 && st_buf_cstr(buf, err) == NULL)
		rc = STRATA_ENOMEM;
	return rc < 0 ? rc : 1;
}

static int import_package(struct st_import_ctx *ctx, int64_t source, const char *package,
			  struct st_slice value, struct st_buf *scratch, struct strata_error *err)
{
	json_t *pkg = NULL;
	const char *id;
	json_t *entry;
	int rc;

	rc = st_json_parse(&pkg, value, value.len, ctx->limits->json_depth, 0, package, err);
	if (rc < 0)
		return st_error_prefix(err, "%s", ctx->name);
	if (!json_is_object(pkg)) {
		st_diag(ctx->diag, ST_DIAG_WARN, "%s: package %s is not an object; skipped",
			ctx->name, package);
		ctx->stats->skipped++;
		json_decref(pkg);
		return 0;
	}
	json_object_foreach(pkg, id, entry) {
		if (!st_feed_name_ok(id)) {
			st_diag(ctx->diag, ST_DIAG_WARN,
				"%s: package %s: an entry id is empty, too long or has control "
				"characters; skipped", ctx->name, package);
			ctx->stats->skipped++;
			continue;
		}
		rc = import_entry(ctx, source, package, id, entry, scratch, err);
		if (rc < 0)
			break;
	}
	json_decref(pkg);
	return rc;
}

int st_import_debian(struct st_import_ctx *ctx, struct st_slice text, struct strata_error *err)
{
	struct st_json_members it;
	struct st_slice key;
	struct st_slice value;
	struct st_buf name;
	struct st_buf scratch;
	int64_t source;
	int rc;

	/* NOTE: the whole file is in memory (the full tracker export is over
	 * 100 MB), and only its JSON tree is built package by package. */
	if (st_json_depth(text, ctx->limits->json_depth) == UINT32_MAX)
		return st_error_set(err, STRATA_ELIMIT, "%s: JSON nested deeper than %u levels",
				    ctx->name, ctx->limits->json_depth);
	rc = st_writer_source(ctx->writer, ST_SOURCE_DEBIAN, &source, err);
	if (rc < 0)
		return rc;

	/* Names and URLs are built from the file's strings, so the file's
	 * size bounds them. */
	st_buf_init(&name, text.len + 1);
	st_buf_init(&scratch, text.len + sizeof(TRACKER_URL) + 32);
	st_json_members_init(&it, text);
	for (;;) {
		rc = st_json_members_next(&it, &key, &value, err);
		if (rc <= 0) {
			if (rc < 0)
				st_error_prefix(err, "%s", ctx->name);
			break;
		}
		rc = decode_key(key, &name, err);
		if (rc < 0)
			break;
		if (rc == 0 || value.ptr[0] != '{') {
			st_diag(ctx->diag, ST_DIAG_WARN,
				"%s: member at byte %zu is not a named package object; skipped",
				ctx->name, (size_t)(key.ptr - text.ptr));
			ctx->stats->skipped++;
			continue;
		}
		rc = import_package(ctx, source, name.ptr, value, &scratch, err);
		if (rc < 0)
			break;
	}
	st_buf_dispose(&name);
	st_buf_dispose(&scratch);
	return rc;
}
