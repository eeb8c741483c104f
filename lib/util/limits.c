/* Defaults and parsing for struct strata_limits. */
#include <stddef.h>
#include <string.h>

#include "util/util.h"

STRATA_PUBLIC void strata_limits_default(struct strata_limits *lim)
{
	lim->manifest_bytes = 4u << 20;
	lim->config_bytes = 8u << 20;
	lim->layers = 1000;
	lim->entries_per_layer = 10u * 1000 * 1000;
	lim->path_bytes = 4096;
	lim->path_depth = 256;
	lim->layer_bytes = 64ull << 30;
	lim->compression_ratio = 1000;
	lim->json_depth = 128;
	lim->cataloged_file_bytes = 64u << 20;
	lim->cataloged_total_bytes = 1ull << 30;
	lim->feed_file_bytes = 512u << 20;
	lim->status_fields = 10000;
	lim->spool_bytes = 64ull << 30;
	lim->summary_bytes = 1u << 20;
	lim->archive_member_bytes = 64u << 20;
	lim->archive_depth = 8;
	lim->archive_entries = 1000u * 1000;
	lim->binary_bytes = 256u << 20;
	lim->scan_threads = 0;
	/* A high UID makes a lastlog file of zeros, (UID + 1) * 292 bytes,
	 * which deflate stores at about 1:1030: 1 GiB covers UIDs up to
	 * 3.6 million. */
	lim->ratio_min_bytes = 1ull << 30;
}

struct limit_field {
	const char *name;
	size_t offset;
	size_t size;
};

#define LIMIT_FIELD(f) {#f, offsetof(struct strata_limits, f), sizeof(((struct strata_limits *)0)->f)}

static const struct limit_field limit_fields[] = {
	LIMIT_FIELD(manifest_bytes),
	LIMIT_FIELD(config_bytes),
	LIMIT_FIELD(layers),
	LIMIT_FIELD(entries_per_layer),
	LIMIT_FIELD(path_bytes),
	LIMIT_FIELD(path_depth),
	LIMIT_FIELD(layer_bytes),
	LIMIT_FIELD(compression_ratio),
	LIMIT_FIELD(json_depth),
	LIMIT_FIELD(cataloged_file_bytes),
	LIMIT_FIELD(cataloged_total_bytes),
	LIMIT_FIELD(feed_file_bytes),
	LIMIT_FIELD(status_fields),
	LIMIT_FIELD(spool_bytes),
	LIMIT_FIELD(summary_bytes),
	LIMIT_FIELD(archive_member_bytes),
	LIMIT_FIELD(archive_depth),
	LIMIT_FIELD(archive_entries),
	LIMIT_FIELD(binary_bytes),
	LIMIT_FIELD(scan_threads),
	LIMIT_FIELD(ratio_min_bytes),
};

STRATA_PUBLIC int strata_limits_set(struct strata_limits *lim, const char *name,
				    const char *value, struct strata_error *err)
{
	const struct limit_field *f = NULL;
	char *base;
	uint64_t v;
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(limit_fields) && f == NULL; i++) {
		if (strcmp(limit_fields[i].name, name) == 0)
			f = &limit_fields[i];
	}
	if (f == NULL)
		return st_error_set(err, STRATA_ENOTFOUND, "unknown limit '%s'", name);
	/* scan_threads=0 is its default: one thread per online core. Any
	 * other limit of 0 would refuse every image. */
	if (value[0] != '\0' && strspn(value, "0123456789") == strlen(value) &&
	    !st_slice_to_u64(st_slice_cstr(value), &v))
		return st_error_set(err, STRATA_EINVAL, "limit %s: '%s' is too large (at most %llu)",
				    name, value, (unsigned long long)UINT64_MAX);
	if (!st_slice_to_u64(st_slice_cstr(value), &v) ||
	    (v == 0 && strcmp(name, "scan_threads") != 0))
		return st_error_set(err, STRATA_EINVAL,
				    "limit %s: '%s' is not a positive integer", name, value);
	base = (char *)lim + f->offset;
	if (f->size == sizeof(uint32_t)) {
		uint32_t v32;

		if (v > UINT32_MAX)
			return st_error_set(err, STRATA_EINVAL,
					    "limit %s: '%s' is too large (at most %u)", name, value,
					    UINT32_MAX);
		v32 = (uint32_t)v;
		memcpy(base, &v32, sizeof(v32));
	} else {
		memcpy(base, &v, sizeof(v));
	}
	return 0;
}
