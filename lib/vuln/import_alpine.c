/* Importer for the Alpine security database (secdb), one JSON document per
 * release and repository:
 *
 *   { "distroversion": "v3.10", "reponame": "community",
 *     "packages": [ { "pkg": { "name": "<origin package>",
 *         "secfixes": { "<fixed version>": [ "CVE-2019-1234",
 *                                            "CVE-2019-5678 XSA-123" ] }
 *     } } ] }
 *
 * Each id listed under a version is fixed in that version of the origin
 * (source) package on that release. Version "0" means the release was
 * never affected, so it is stored as not affected and never matches. An
 * item may carry further ids after the first, separated by spaces: they
 * are stored as aliases. Each id becomes one advisory of source
 * "alpine-secdb" with an affected row (ecosystem "apk", distro
 * "alpine:v3.10", the origin, status fixed). The package list is read by
 * secdb.c, which the Wolfi and Chainguard importer shares. */
#include <jansson.h>
#include <string.h>

#include "vuln/vuln_internal.h"

/* Returns true for a secdb release name: "v" MAJOR "." MINOR, or "edge". */
static bool release_ok(const char *s)
{
	size_t i = 1;
	size_t digits;

	if (strcmp(s, "edge") == 0)
		return true;
	if (s[0] != 'v')
		return false;
	for (digits = 0; s[i] >= '0' && s[i] <= '9'; i++)
		digits++;
	if (digits == 0 || digits > 4 || s[i] != '.')
		return false;
	for (i++, digits = 0; s[i] >= '0' && s[i] <= '9'; i++)
		digits++;
	return digits > 0 && digits <= 4 && s[i] == '\0';
}

int st_import_alpine(struct st_import_ctx *ctx, struct st_slice text, struct strata_error *err)
{
	json_t *root = NULL;
	const json_t *packages;
	const char *release;
	struct st_buf distro;
	int rc;

	/* Unlike the Debian tracker export, a secdb file covers one release and
	 * repository, so it is parsed as one JSON tree (feed_file_bytes caps
	 * it). */
	st_buf_init(&distro, 64);
	rc = st_json_parse(&root, text, text.len, ctx->limits->json_depth, 0, ctx->name, err);
	if (rc < 0)
		goto out;
	packages = json_object_get(root, "packages");
	if (st_json_member_string(root, "distroversion", &release) != 1 ||
	    !st_feed_name_ok(release) || !release_ok(release) || !json_is_array(packages)) {
		st_diag(ctx->diag, ST_DIAG_WARN,
			"%s: secdb without a distroversion such as \"v3.10\" or without a "
			"packages array; skipped", ctx->name);
		ctx->stats->skipped++;
		goto out;
	}
	rc = st_buf_printf(&distro, err, "alpine:%s", release);
	if (rc < 0)
		goto out;
	rc = st_secdb_import_packages(ctx, ST_SOURCE_ALPINE, distro.ptr, packages, err);

out:
	json_decref(root);
	st_buf_dispose(&distro);
	return rc;
}
