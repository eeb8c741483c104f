/* strata: named limits on untrusted input. */
#ifndef STRATA_LIMITS_H
#define STRATA_LIMITS_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Bounds applied to every image, feed and request. The defaults sit far
 * above what real images and feeds reach (see docs/LIMITS.md). A value over
 * a limit fails with STRATA_ELIMIT and a message naming the limit. */
struct strata_limits {
	uint64_t manifest_bytes;        /* manifest, index, manifest.json */
	uint64_t config_bytes;          /* image config JSON */
	uint32_t layers;                /* layers in one image */
	uint64_t entries_per_layer;     /* tar entries in one layer */
	uint32_t path_bytes;            /* one path inside a layer */
	uint32_t path_depth;            /* components in one path */
	uint64_t layer_bytes;           /* decompressed bytes of one layer */
	uint32_t compression_ratio;     /* decompressed / compressed bytes */
	uint32_t json_depth;            /* nesting of arrays and objects */
	uint64_t cataloged_file_bytes;  /* one file handed to a cataloger */
	uint64_t cataloged_total_bytes; /* all files a scan keeps in memory */
	uint64_t feed_file_bytes;       /* one advisory file on import */
	uint64_t status_fields;         /* fields in one dpkg stanza */
	uint64_t spool_bytes;           /* image tar read from standard input */
	uint64_t summary_bytes;         /* what a cataloger keeps of one streamed file */
	uint64_t archive_member_bytes;  /* one nested archive held in memory (jar in a war) */
	uint32_t archive_depth;         /* archives nested inside archives */
	uint64_t archive_entries;       /* entries read from one archive */
	uint64_t binary_bytes;          /* one executable read whole for build info */
	uint32_t scan_threads;          /* layers read at once; 0 = one per core */
	uint64_t ratio_min_bytes;       /* layer output before compression_ratio applies */
};

/* Fills LIM with the defaults. */
STRATA_PUBLIC void strata_limits_default(struct strata_limits *lim);

/* Sets the limit called NAME (the field name above, such as "layers")
 * from the decimal VALUE. Returns STRATA_ENOTFOUND for an unknown name and
 * STRATA_EINVAL for a value that is not a positive integer in range. */
STRATA_PUBLIC int strata_limits_set(struct strata_limits *lim, const char *name,
				    const char *value, struct strata_error *err);

#ifdef __cplusplus
}
#endif

#endif
