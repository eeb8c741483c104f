/* rpm databases: the header blob parser and the readers of the three
 * database formats, shared by the rpm cataloger (rpm.c), its tests and
 * its fuzz targets. Nothing here uses librpm. */
#ifndef STRATA_RPM_INTERNAL_H
#define STRATA_RPM_INTERNAL_H

#include <stdint.h>

#include "inventory/inventory.h"

/* NOTE for docs/LIMITS.md: a header with more index entries, or a larger
 * data store, is rejected as corrupt. Both are rpm's own maximums
 * (HEADER_TAGS_MAX and HEADER_DATA_MAX in rpm's lib/header_internal.h),
 * so no header that rpm can read is rejected. */
#define ST_RPM_HEADER_MAX_ENTRIES 0xffffu
#define ST_RPM_HEADER_MAX_DATA 0x0fffffffu

/* Problems reported per database before the rest go uncounted, so that a
 * database of garbage cannot flood the diagnostics. */
#define ST_RPMDB_MAX_WARNINGS 20

/* Header blobs ------------------------------------------------------------ */

/* The fields strata reads from one rpm header. Text fields point into the
 * blob, are NUL-terminated there and are empty when the tag is absent. */
struct st_rpm_header {
	struct st_slice name;
	struct st_slice version;
	struct st_slice release;
	struct st_slice arch;
	struct st_slice sourcerpm;
	struct st_slice license;
	struct st_slice vendor;
	struct st_slice modularity_label;
	uint32_t epoch;
	bool has_epoch;
	/* Installed files. Only their count is kept; the list is walked on
	 * demand with st_rpm_header_each_file. files_valid is false when
	 * DIRNAMES, BASENAMES and DIRINDEXES do not agree, and then
	 * file_count is 0. */
	size_t file_count;
	bool files_valid;
	struct st_slice basenames;  /* file_count strings, back to back */
	struct st_slice dirnames;   /* dir_count strings, back to back */
	struct st_slice dirindexes; /* file_count big-endian uint32 */
	size_t dir_count;
	bool old_filenames;         /* basenames are whole paths instead */
};

/* Parses BLOB, an rpm header as rpm stores it in its database (without
 * the 8-byte magic that starts a header in a package file): entry count
 * and data size (big-endian int32), the index entries (tag, type, offset,
 * count), then the data store. Every entry is checked against the data
 * store, its type and its alignment; the entries strata reads are checked
 * whole. *OUT borrows BLOB. Returns 0, STRATA_ECORRUPT naming the problem
 * (and the tag), or STRATA_ELIMIT over ST_RPM_HEADER_MAX_ENTRIES or
 * ST_RPM_HEADER_MAX_DATA. */
int st_rpm_header_parse(struct st_rpm_header *out, struct st_slice blob,
			struct strata_error *err);

/* Calls FN with the directory (ending in '/') and the base name of each
 * installed file of H, in header order. With old_filenames, DIR is empty
 * and BASE is the whole path. Stops at FN's first negative return and
 * returns it, or returns STRATA_ENOMEM when the directory table cannot be
 * built. */
int st_rpm_header_each_file(const struct st_rpm_header *h,
			    int (*fn)(void *ctx, struct st_slice dir, struct st_slice base),
			    void *ctx, struct strata_error *err);

/* Database readers --------------------------------------------------------- */

enum st_rpmdb_format {
	ST_RPMDB_UNKNOWN,
	ST_RPMDB_BDB,    /* Berkeley DB hash "Packages" */
	ST_RPMDB_SQLITE, /* "rpmdb.sqlite" */
	ST_RPMDB_NDB,    /* rpm's own "Packages.db" */
};

/* Tells the format of DB from its first bytes. */
enum st_rpmdb_format st_rpmdb_detect(struct st_slice db);

/* The destination of a reader: each record's header blob goes to FN with
 * the record's number in the database (BDB key, SQLite hnum, NDB package
 * index). BLOB is valid during the call only. A negative return from FN
 * stops the reader, which returns it. */
struct st_rpmdb_reader {
	const char *path;    /* names the database in warnings */
	struct st_diag *diag;
	unsigned warnings;
	int (*fn)(void *ctx, uint32_t record, struct st_slice blob, struct strata_error *err);
	void *ctx;
};

/* Sends "PATH: MESSAGE" as a warning, up to ST_RPMDB_MAX_WARNINGS. */
void st_rpmdb_warn(struct st_rpmdb_reader *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Each reader hands every readable record of DB to R->fn. A damaged page,
 * slot or record is a warning naming it, and the reader goes on with the
 * rest. Returns 0, STRATA_ECORRUPT or STRATA_EUNSUPPORTED when DB as a
 * whole cannot be read (its first page or header is bad), or FN's error. */
int st_rpmdb_read_bdb(struct st_rpmdb_reader *r, struct st_slice db, struct strata_error *err);
int st_rpmdb_read_ndb(struct st_rpmdb_reader *r, struct st_slice db, struct strata_error *err);
int st_rpmdb_read_sqlite(struct st_rpmdb_reader *r, struct st_slice db,
			 struct strata_error *err);

/* Splits SRPM, "NAME-VERSION-RELEASE.src.rpm" or ".nosrc.rpm", into
 * NAME and VERSION-RELEASE (slices of SRPM). Returns false for any other
 * form. */
bool st_rpm_split_sourcerpm(struct st_slice srpm, struct st_slice *name,
			    struct st_slice *vr);

/* Parses TEXT, a CBL-Mariner or Azure Linux distroless package list
 * (var/lib/rpmmanifest/container-manifest-2). It has one tab-separated
 * line per package, with the fields that rpm_manifest.c lists. Calls FN
 * for each package as st_rpmdb_parse does. The packages have no file list. A
 * malformed line is a warning naming PATH and the line, and is skipped.
 * Returns 0, FN's error, STRATA_ELIMIT over lim->cataloged_file_bytes, or
 * STRATA_ECORRUPT when TEXT has lines but none is a valid package. */
int st_rpm_manifest_parse(struct st_slice text, const char *path,
			  const struct strata_limits *lim, struct st_diag *diag,
			  int (*fn)(void *ctx, const struct st_rpm_package *pkg,
				    struct strata_error *err),
			  void *ctx, struct strata_error *err);

/* Byte order helpers for the readers. */
static inline uint32_t st_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline uint32_t st_le32(const unsigned char *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

#endif
