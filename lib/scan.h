/* The internal form of a scan result, shared by lib/strata.c and the
 * reporters. */
#ifndef STRATA_SCAN_H
#define STRATA_SCAN_H

#include <strata/strata.h>

#include "image/image.h"
#include "image/walk.h"
#include "inventory/inventory.h"
#include "vuln/vuln.h"

struct strata_scan {
	struct st_image *image;
	struct st_inventory inv;
	struct st_findings findings;
	struct st_walk_layer_stats *layer_stats; /* image->layer_count entries */
	bool matched;                            /* a database was consulted */
	unsigned warnings;                       /* diagnostics at WARN and above */
};

/* Returns true when finding F passes the filters of OPTS. */
bool st_report_finding_shown(const struct st_finding *f,
			     const struct strata_report_options *opts);

/* Returns true when package P is listed under OPTS: a language package
 * that an OS package owns only with opts->show_owned. */
bool st_report_package_shown(const struct st_package *p,
			     const struct strata_report_options *opts);

int st_report_table(const struct strata_scan *scan, FILE *out,
		    const struct strata_report_options *opts, size_t *shown,
		    struct strata_error *err);

int st_report_json(const struct strata_scan *scan, FILE *out,
		   const struct strata_report_options *opts, size_t *shown,
		   struct strata_error *err);

#endif
