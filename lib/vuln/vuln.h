/* Vulnerability store (SQLite), feed importers and the matcher. */
#ifndef STRATA_VULN_H
#define STRATA_VULN_H

#include <stdbool.h>
#include <stdint.h>

#include "inventory/inventory.h"
#include "util/util.h"

/* Status of a package version with respect to one vulnerability. */
enum st_vuln_status {
	ST_STATUS_AFFECTED,     /* affected, no fix published */
	ST_STATUS_FIXED,        /* affected, fixed in a later version */
	ST_STATUS_WILL_NOT_FIX, /* the vendor will not fix it */
	ST_STATUS_FIX_DEFERRED, /* the vendor postponed the fix */
	ST_STATUS_END_OF_LIFE,  /* the release no longer gets fixes */
	ST_STATUS_NOT_AFFECTED, /* never a finding */
};

/* Normalized severity; higher is worse. */
enum st_severity {
	ST_SEVERITY_UNKNOWN,
	ST_SEVERITY_NEGLIGIBLE,
	ST_SEVERITY_LOW,
	ST_SEVERITY_MEDIUM,
	ST_SEVERITY_HIGH,
	ST_SEVERITY_CRITICAL,
};

const char *st_severity_name(int severity);       /* "CRITICAL", ... */
int st_severity_parse(const char *name);          /* case-insensitive; -1 if unknown */
const char *st_vuln_status_name(int status);      /* "fixed", "affected", ... */

struct st_db;

/* Opens the database at PATH. With CREATE (db import) it is opened
 * read-write, created when missing and its schema brought up to date.
 * Without CREATE (scan, db status) it is opened read-only and never
 * created or changed: a missing file is STRATA_ENOTFOUND, and an empty
 * file, a foreign database or another schema version is
 * STRATA_EUNSUPPORTED. The caller frees *OUT with st_db_close. */
int st_db_open(struct st_db **out, const char *path, bool create, struct strata_error *err);
void st_db_close(struct st_db *db);

struct st_import_stats {
	uint64_t files;         /* feed files read */
	uint64_t records;       /* advisories stored */
	uint64_t skipped;       /* malformed records skipped with a warning */
	uint64_t skipped_files; /* files of no known format, skipped with a warning */
};

/* Imports every file under PATHS (files, directory trees, zip archives of
 * OSV records) in one transaction: on any failure nothing changes. The
 * format of each file is detected from its content (st_feed_detect and
 * the XML and text detectors; the list is in docs/internals/vuln-store.md).
 * A malformed record is skipped with a warning naming the file and record. */
int st_db_import(struct st_db *db, const char *const *paths, size_t count,
		 const struct strata_limits *lim, struct st_diag *diag,
		 struct st_import_stats *stats, struct strata_error *err);

struct st_db_source {
	const char *name;     /* "debian-tracker", "osv" */
	uint64_t records;     /* advisories from that source */
	uint64_t affected;    /* affected-package rows from that source */
	int64_t imported_at;  /* Unix time of the last import */
};

/* Calls FN for each source in the database, in name order. */
int st_db_status(struct st_db *db,
		 int (*fn)(void *ctx, const struct st_db_source *src), void *ctx,
		 struct strata_error *err);

/* The affected-package rows of one ecosystem and release key. */
struct st_db_coverage {
	const char *ecosystem; /* purl type: "deb", "npm" */
	const char *distro;    /* release key ("debian:bookworm"), "" for none */
	uint64_t rows;         /* affected-package rows */
	uint64_t packages;     /* distinct package names among them */
};

/* Calls FN for each (ecosystem, release key) that has affected-package
 * rows, in that order. */
int st_db_coverage(struct st_db *db,
		   int (*fn)(void *ctx, const struct st_db_coverage *c), void *ctx,
		   struct strata_error *err);

/* One vulnerability affecting one package. Strings live in the arena of
 * the st_findings that contains it. */
struct st_finding {
	const char *id;              /* preferred id: CVE, else GHSA, else the record's */
	const char *aliases;         /* other ids, comma-separated, sorted; may be "" */
	size_t package;              /* index into the inventory's packages */
	const char *fixed_version;   /* NULL when there is no fix */
	int status;                  /* enum st_vuln_status, never NOT_AFFECTED */
	int severity;                /* enum st_severity */
	const char *severity_source; /* which field gave the severity */
	const char *summary;         /* may be NULL */
	const char *source;          /* feed the match came from */
	const char *url;             /* first reference; may be NULL */
};

/* A group of inventory packages that the database has no advisories for
 * at all, so that matching them could find nothing. */
struct st_unchecked {
	const char *scope;  /* "deb packages of debian:bookworm", "npm packages" */
	size_t packages;    /* packages in the scope that were to be matched */
};

struct st_findings {
	struct st_arena arena;
	struct st_finding *items;
	size_t count;
	size_t cap;
	struct st_unchecked *unchecked; /* the OS scope, then by first package */
	size_t unchecked_count;
};

void st_findings_init(struct st_findings *f);
void st_findings_dispose(struct st_findings *f);

/* Matches every package in INV against DB and appends findings: deb
 * packages by source name and the OS release codename against distro
 * records, apk packages on Alpine by origin and release (vMAJOR.MINOR)
 * against secdb and OSV Alpine records, other packages by ecosystem and
 * name against OSV ranges.
 * Aliases collapse into one finding per vulnerability and package.
 * Findings come out sorted by severity (worst first), id, package.
 * Each scope (the OS packages under their release key, each language
 * ecosystem) that the database holds no affected rows for is appended to
 * out->unchecked and logged once as a warning. */
int st_match_inventory(struct st_db *db, const struct st_inventory *inv,
		       struct st_findings *out, struct st_diag *diag,
		       struct strata_error *err);

/* Maps a Debian VERSION_ID ("12") to its codename ("bookworm"); NULL if
 * unknown. */
const char *st_debian_codename(const char *version_id);

#endif
