/* Importer for the Wolfi and Chainguard security databases
 * (security.json), which use the Alpine secdb layout without a release:
 *
 *   { "apkurl": "{{urlprefix}}/{{reponame}}/{{arch}}/{{pkg.name}}-{{pkg.ver}}.apk",
 *     "archs": ["x86_64"], "reponame": "os",
 *     "urlprefix": "https://packages.wolfi.dev",
 *     "packages": [ { "pkg": { "name": ..., "secfixes": { ... } } } ] }
 *
 * Both are rolling distributions, so the distro key is the whole
 * distribution: "wolfi" or "chainguard". Which one a file describes is read
 * from its own fields (see classify), and the package list is read by
 * secdb.c exactly as for Alpine. */
#include <jansson.h>
#include <string.h>
#include <strings.h>

#include "vuln/vuln_internal.h"

enum secfixes_distro { DISTRO_UNKNOWN, DISTRO_WOLFI, DISTRO_CHAINGUARD, DISTRO_CONFLICT };

/* Returns true when the host of URL (after "http://" or "https://") is
 * DOMAIN or one of its subdomains. */
static bool host_in_domain(const char *url, const char *domain)
{
	const char *host;
	size_t len;
	size_t dlen = strlen(domain);

	if (strncmp(url, "https://", 8) == 0)
		host = url + 8;
	else if (strncmp(url, "http://", 7) == 0)
		host = url + 7;
	else
		return false;
	len = strcspn(host, "/:?#");
	if (len < dlen || strncasecmp(host + len - dlen, domain, dlen) != 0)
		return false;
	return len == dlen || host[len - dlen - 1] == '.';
}

/* Tells Wolfi from Chainguard. The two files differ only in these fields:
 * Wolfi publishes from packages.wolfi.dev with reponame "os", Chainguard
 * from a host under cgr.dev with reponame "chainguard". A file that names
 * neither, or both, is not guessed at. */
static int classify(const json_t *root)
{
	const char *urlprefix = NULL;
	const char *reponame = NULL;
	bool wolfi = false;
	bool chainguard = false;

	if (st_json_member_string(root, "urlprefix", &urlprefix) == 1) {
		wolfi = host_in_domain(urlprefix, "wolfi.dev");
		chainguard = host_in_domain(urlprefix, "cgr.dev");
	}
	if (st_json_member_string(root, "reponame", &reponame) == 1 &&
	    strcmp(reponame, "chainguard") == 0)
		chainguard = true;
	if (wolfi && chainguard)
		return DISTRO_CONFLICT;
	if (wolfi)
		return DISTRO_WOLFI;
	return chainguard ? DISTRO_CHAINGUARD : DISTRO_UNKNOWN;
}

int st_import_secfixes(struct st_import_ctx *ctx, struct st_slice text,
		       struct strata_error *err)
{
	json_t *root = NULL;
	const json_t *packages;
	int distro;
	int rc;

	rc = st_json_parse(&root, text, text.len, ctx->limits->json_depth, 0, ctx->name, err);
	if (rc < 0)
		return rc;
	packages = json_object_get(root, "packages");
	if (!json_is_array(packages)) {
		st_diag(ctx->diag, ST_DIAG_WARN, "%s: security.json without a packages array; "
			"skipped", ctx->name);
		ctx->stats->skipped++;
		goto out;
	}
	distro = classify(root);
	if (distro == DISTRO_UNKNOWN || distro == DISTRO_CONFLICT) {
		st_diag(ctx->diag, ST_DIAG_WARN,
			"%s: cannot tell Wolfi from Chainguard: urlprefix and reponame %s; "
			"skipped", ctx->name,
			distro == DISTRO_UNKNOWN ? "name neither" : "name both");
		ctx->stats->skipped++;
		goto out;
	}
	if (distro == DISTRO_WOLFI)
		rc = st_secdb_import_packages(ctx, ST_SOURCE_WOLFI, "wolfi", packages, err);
	else
		rc = st_secdb_import_packages(ctx, ST_SOURCE_CHAINGUARD, "chainguard", packages,
					      err);

out:
	json_decref(root);
	return rc;
}
