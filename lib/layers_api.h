/* The internal form of a layer analysis, shared by lib/layers_api.c and
 * its reporters in lib/report/layers.c. */
#ifndef STRATA_LAYERS_API_H
#define STRATA_LAYERS_API_H

#include <strata/strata.h>

#include "image/layers.h"
#include "scan.h"

struct strata_layers {
	struct strata_scan *scan; /* the image and its inventory */
	struct st_layers analysis;
};

int st_report_layers_table(const struct strata_layers *layers, FILE *out,
			   struct strata_error *err);

int st_report_layers_json(const struct strata_layers *layers, FILE *out,
			  struct strata_error *err);

#endif
