/* OSV records written as YAML, as the PyPA advisory database stores them
 * (the *.yaml files under vulns/). Each document becomes the JSON tree
 * that the same record in JSON would give, and the OSV importer reads
 * that tree. The YAML reading itself is st_yaml_to_json (lib/util/yaml.c). */
#include <jansson.h>

#include "vuln/vuln_internal.h"

int st_import_osv_yaml(struct st_import_ctx *ctx, struct st_slice text, struct strata_error *err)
{
	struct strata_error parse_err = {0};
	json_t *root = NULL;
	int rc;

	rc = st_yaml_to_json(&root, text, ctx->limits, &parse_err);
	if (rc == STRATA_ECORRUPT) {
		st_diag(ctx->diag, ST_DIAG_WARN, "%s: record: %s; skipped", ctx->name,
			parse_err.msg);
		ctx->stats->skipped++;
		return 0;
	}
	if (rc < 0)
		return st_error_set(err, rc, "%s: %s", ctx->name, parse_err.msg);
	rc = st_import_osv_tree(ctx, root, err);
	json_decref(root);
	return rc;
}
