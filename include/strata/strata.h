/* libstrata: container image inventory and vulnerability matching.
 *
 * A scan opens an image (docker-archive tarball, OCI layout directory or
 * tar), walks its layers once, inventories OS and language packages, and
 * matches them against a local vulnerability database. Results are read
 * through accessors or written as a report. All strings returned by the
 * accessors are owned by the scan and live until strata_scan_free. */
#ifndef STRATA_STRATA_H
#define STRATA_STRATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "error.h"
#include "limits.h"

#ifdef __cplusplus
extern "C" {
#endif

#define STRATA_VERSION "0.1.0"

/* Levels of messages sent to a log callback. */
enum strata_log_level {
	STRATA_LOG_DEBUG,
	STRATA_LOG_INFO,
	STRATA_LOG_WARN,
	STRATA_LOG_ERROR,
};

struct strata_scan_options {
	const char *platform;        /* "os/arch[/variant]"; NULL = linux/amd64 */
	const char *db_path;         /* vulnerability database; NULL = inventory only */
	struct strata_limits limits; /* strata_scan_options_init sets the defaults */
	/* Receives warnings (a corrupt package file, a skipped record) and
	 * progress; may be NULL. The library never prints. */
	void (*log)(void *ctx, int level, const char *msg);
	void *log_ctx;
	/* Also list packages that a lower layer installed and a later layer
	 * removed, marked as removed (`strata scan --layers all`). */
	bool all_layers;
};

/* Fills OPTS with defaults. */
STRATA_PUBLIC void strata_scan_options_init(struct strata_scan_options *opts);

struct strata_scan;

/* Scans the image REF (a path, or "docker-archive:", "oci:" or
 * "oci-archive:" followed by a path; "oci:" and "oci-archive:" take an
 * optional ":TAG" or "@sha256:DIGEST"). On success the caller owns *OUT
 * and frees it with strata_scan_free. Returns STRATA_ENOTFOUND,
 * STRATA_ECORRUPT (naming the blob or file), STRATA_ELIMIT (naming the
 * limit), STRATA_EUNSUPPORTED, STRATA_EIO or STRATA_ENOMEM. */
STRATA_PUBLIC int strata_scan_image(struct strata_scan **out, const char *ref,
				    const struct strata_scan_options *opts,
				    struct strata_error *err);

/* Frees SCAN; NULL is allowed. */
STRATA_PUBLIC void strata_scan_free(struct strata_scan *scan);

/* One layer of the scanned image. */
struct strata_layer {
	const char *digest;     /* blob digest "sha256:..." */
	const char *diff_id;    /* uncompressed digest "sha256:..." */
	const char *media_type; /* NULL for a classic docker-archive */
	uint64_t size;          /* blob bytes */
	const char *created_by; /* from the config history; may be NULL */
};

/* One package of the inventory. */
struct strata_package {
	const char *type;           /* purl type: "deb", "npm" */
	const char *name;
	const char *version;
	const char *arch;           /* may be NULL */
	const char *source_name;    /* may be NULL (same as name) */
	const char *source_version; /* may be NULL (same as version) */
	const char *license;        /* may be NULL */
	const char *purl;
	const char *path;           /* file it was read from, relative to the image root */
	size_t layer;               /* index of the layer that introduced it */
};

/* One vulnerability affecting one package. */
struct strata_finding {
	const char *id;              /* CVE id when known, else the advisory id */
	const char *aliases;         /* other ids, comma-separated; may be "" */
	size_t package;              /* index for strata_scan_get_package */
	const char *fixed_version;   /* NULL when no fix exists */
	const char *status;          /* "fixed", "affected", "will-not-fix", "fix-deferred", "end-of-life" */
	const char *severity;        /* "CRITICAL", "HIGH", "MEDIUM", "LOW", "NEGLIGIBLE", "UNKNOWN" */
	const char *severity_source; /* the field the severity came from */
	const char *summary;         /* may be NULL */
	const char *source;          /* the feed: "debian-tracker", "osv" */
	const char *url;             /* may be NULL */
};

/* A group of packages that the database holds no advisories for, so they
 * were not checked: the OS packages of a release whose vendor feed was
 * not imported, or a language ecosystem without an OSV feed. */
struct strata_unchecked {
	const char *scope; /* "deb packages of debian:bookworm", "npm packages" */
	size_t packages;   /* how many packages of the scan it contains */
};

/* Image facts. Strings may be NULL when the image does not state them. */
struct strata_image_info {
	const char *reference;
	const char *form;            /* "docker-archive", "oci", "oci-archive" */
	const char *manifest_digest;
	const char *config_digest;
	const char *tag;
	const char *os;
	const char *architecture;
	const char *variant;
	const char *distro_id;       /* os-release ID */
	const char *distro_version;  /* os-release VERSION_ID */
	const char *distro_codename; /* os-release VERSION_CODENAME */
	const char *distro_name;     /* os-release PRETTY_NAME */
	size_t layer_count;
};

STRATA_PUBLIC void strata_scan_get_image(const struct strata_scan *scan,
					 struct strata_image_info *out);
STRATA_PUBLIC int strata_scan_get_layer(const struct strata_scan *scan, size_t index,
					struct strata_layer *out);
STRATA_PUBLIC size_t strata_scan_package_count(const struct strata_scan *scan);
STRATA_PUBLIC int strata_scan_get_package(const struct strata_scan *scan, size_t index,
					  struct strata_package *out);
STRATA_PUBLIC size_t strata_scan_finding_count(const struct strata_scan *scan);
STRATA_PUBLIC int strata_scan_get_finding(const struct strata_scan *scan, size_t index,
					  struct strata_finding *out);
/* Whether the scan matched against a vulnerability database. */
STRATA_PUBLIC bool strata_scan_has_vulnerabilities(const struct strata_scan *scan);
/* Returns the number of unchecked scopes (0 when no database was used).
 * A gate that treats a clean scan as a pass should fail when it is not 0. */
STRATA_PUBLIC size_t strata_scan_unchecked_count(const struct strata_scan *scan);
/* Fills OUT with unchecked scope INDEX; its strings live as long as SCAN.
 * Returns STRATA_EINVAL when INDEX is out of range. */
STRATA_PUBLIC int strata_scan_get_unchecked(const struct strata_scan *scan, size_t index,
					    struct strata_unchecked *out);

/* Reports ----------------------------------------------------------------- */

enum strata_format {
	STRATA_FORMAT_TABLE, /* readable text */
	STRATA_FORMAT_JSON,  /* schema "strata-scan/1", see docs/json-output.md */
};

/* Severity bits for strata_report_options.severities. */
#define STRATA_SEVERITY_BIT(sev_index) (1u << (sev_index))
#define STRATA_SEVERITY_ALL 0x3fu

/* Status bits for strata_report_options.statuses. */
#define STRATA_STATUS_FIXED 0x1u        /* a fixed version exists */
#define STRATA_STATUS_AFFECTED 0x2u     /* no fix published yet */
#define STRATA_STATUS_WILL_NOT_FIX 0x4u /* the vendor will not fix it */
#define STRATA_STATUS_FIX_DEFERRED 0x8u /* the vendor postponed the fix */
#define STRATA_STATUS_END_OF_LIFE 0x10u /* the release gets no more fixes */
#define STRATA_STATUS_ALL 0x1fu

struct strata_report_options {
	int format;            /* enum strata_format */
	unsigned severities;   /* bit i set = severity i shown; see strata_severity_index */
	bool ignore_unfixed;   /* hide findings with no fixed version */
	unsigned statuses;     /* STRATA_STATUS_* bits of the findings shown */
	/* Also list language packages whose files an OS package owns; they
	 * are otherwise reported only as part of that OS package. */
	bool show_owned;
};

/* Returns the STRATA_STATUS_* bit of the status NAME ("fixed", "affected",
 * "will-not-fix", "fix-deferred", "end-of-life"), or 0. */
STRATA_PUBLIC unsigned strata_status_bit(const char *name);

STRATA_PUBLIC void strata_report_options_init(struct strata_report_options *opts);

/* Returns the index (0 UNKNOWN, 1 NEGLIGIBLE, 2 LOW, 3 MEDIUM, 4 HIGH,
 * 5 CRITICAL) of the severity NAME, case-insensitive, or -1. */
STRATA_PUBLIC int strata_severity_index(const char *name);

/* Writes the report of SCAN to OUT, after the filters in OPTS; stores the
 * number of findings left by the filters in *SHOWN (may be NULL). */
STRATA_PUBLIC int strata_report_write(const struct strata_scan *scan, FILE *out,
				      const struct strata_report_options *opts,
				      size_t *shown, struct strata_error *err);

/* Layer analysis (`strata layers`) ------------------------------------- */

struct strata_layers;

/* Analyzes each layer of the image REF (forms as for strata_scan_image;
 * a "dir:" root file system has no layers and gives STRATA_EUNSUPPORTED):
 * files added, modified and removed, OS package changes, and the bytes
 * that later layers made useless. opts->db_path and opts->all_layers are
 * ignored. Reads every layer twice (inventory, then file paths), and
 * keeps every distinct path in memory. On success the caller owns *OUT
 * and frees it with strata_layers_free. Errors as strata_scan_image. */
STRATA_PUBLIC int strata_layers_analyze(struct strata_layers **out, const char *ref,
					const struct strata_scan_options *opts,
					struct strata_error *err);

/* Frees LAYERS; NULL is allowed. */
STRATA_PUBLIC void strata_layers_free(struct strata_layers *layers);

/* Figures of one layer. A file is any entry but a directory: regular
 * files, symlinks, hard links, device nodes. Bytes are content bytes as
 * stored in the layer tar (0 for everything but regular files). */
struct strata_layer_figures {
	struct strata_layer layer;   /* digest, diff_id, media type, size, created_by */
	uint64_t uncompressed_size;  /* tar bytes */
	uint64_t entries;            /* tar entries, whiteout markers included */
	uint64_t files_added;        /* paths that were no file in the view below */
	uint64_t bytes_added;
	uint64_t files_modified;     /* paths that were a file in the view below */
	uint64_t bytes_modified;
	uint64_t files_removed;      /* lower files hidden by whiteouts, opaque
				      * directories and replaced parents */
	uint64_t bytes_removed;      /* their sizes */
	uint64_t wasted_bytes;       /* bytes this layer wrote that a later entry
				      * replaced or removed */
	size_t packages_added;       /* OS and language packages */
	size_t packages_upgraded;
	size_t packages_downgraded;
	size_t packages_removed;
	bool packages_unknown;       /* a package database was unreadable */
};

/* Totals over the image. */
struct strata_layers_totals {
	size_t layer_count;
	uint64_t size;              /* blob bytes of every layer */
	uint64_t uncompressed_size; /* tar bytes of every layer */
	uint64_t content_bytes;     /* regular file bytes of every layer */
	uint64_t wasted_bytes;      /* bytes written by one layer and replaced or
				     * removed by a later entry */
	double efficiency;          /* 1 - wasted_bytes / content_bytes (1 when
				     * content_bytes is 0) */
	uint64_t distinct_paths;
};

/* Fills OUT for layer INDEX; STRATA_EINVAL when INDEX is out of range. */
STRATA_PUBLIC int strata_layers_get(const struct strata_layers *layers, size_t index,
				    struct strata_layer_figures *out);

STRATA_PUBLIC void strata_layers_get_totals(const struct strata_layers *layers,
					    struct strata_layers_totals *out);

/* Writes the layer report to OUT as FORMAT (enum strata_format; JSON is
 * schema "strata-layers/1", see docs/layers.md). */
STRATA_PUBLIC int strata_layers_report_write(const struct strata_layers *layers, FILE *out,
					     int format, struct strata_error *err);

/* Vulnerability database ----------------------------------------------- */

struct strata_db;

/* Writes the default database path, $XDG_CACHE_HOME/strata/vuln.db (or
 * $HOME/.cache/strata/vuln.db), into BUF. */
STRATA_PUBLIC int strata_db_default_path(char *buf, size_t size, struct strata_error *err);

/* Opens the database at PATH, creating it (and its directory) when CREATE. */
STRATA_PUBLIC int strata_db_open(struct strata_db **out, const char *path, bool create,
				 struct strata_error *err);
STRATA_PUBLIC void strata_db_close(struct strata_db *db);

struct strata_import_result {
	uint64_t files;         /* feed files read */
	uint64_t records;       /* advisories stored */
	uint64_t skipped;       /* malformed records skipped with a warning */
	uint64_t skipped_files; /* files of no known format found in a directory or
				 * archive, skipped with a warning */
};

/* Imports advisories from PATHS (files, directory trees, zip archives:
 * every format that docs/internals/vuln-store.md lists) in one transaction. */
STRATA_PUBLIC int strata_db_import(struct strata_db *db, const char *const *paths, size_t count,
				   const struct strata_scan_options *opts,
				   struct strata_import_result *result, struct strata_error *err);

/* Writes one line per source (name, records, affected rows, import time)
 * to OUT, then one per ecosystem and release key (affected rows and
 * distinct packages). */
STRATA_PUBLIC int strata_db_write_status(struct strata_db *db, FILE *out,
					 struct strata_error *err);

/* Versions --------------------------------------------------------------- */

/* Compares versions A and B of the ecosystem named by its purl TYPE ("deb",
 * "npm", ...): *CMP is -1, 0 or 1. STRATA_EINVAL names an invalid version;
 * STRATA_EUNSUPPORTED an unknown ecosystem. */
STRATA_PUBLIC int strata_version_compare(const char *type, const char *a, const char *b,
					 int *cmp, struct strata_error *err);

#ifdef __cplusplus
}
#endif

#endif
