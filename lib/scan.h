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

/* Called by st_scan_image_observed once the image is open, before its
 * layers are read: may set *OBSERVER to hooks that see every tar entry. */
typedef int (*st_scan_prepare)(void *ctx, struct st_image *img,
			       const struct st_walk_observer **observer, struct strata_error *err);

/* strata_scan_image with PREPARE (may be NULL); `strata layers` uses it
 * to analyze the layers in the scan's own walk. */
int st_scan_image_observed(struct strata_scan **out, const char *ref,
			   const struct strata_scan_options *opts, st_scan_prepare prepare,
			   void *prepare_ctx, struct strata_error *err);

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
