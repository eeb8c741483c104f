/* Internal interfaces of the vulnerability module: the store handle, the
 * record writer used by the importers, the format detector and the
 * severity mappings. Not installed, not part of the public API. */
#ifndef STRATA_VULN_INTERNAL_H
#define STRATA_VULN_INTERNAL_H

#include <sqlite3.h>

#include "vuln/vuln.h"

struct json_t;

/* Schema version stored in PRAGMA user_version. */
#define ST_DB_SCHEMA_VERSION 1

/* Source names stored in source.name. */
#define ST_SOURCE_DEBIAN "debian-tracker"
#define ST_SOURCE_OSV "osv"
#define ST_SOURCE_ALPINE "alpine-secdb"
#define ST_SOURCE_WOLFI "wolfi-secdb"
#define ST_SOURCE_CHAINGUARD "chainguard-secdb"
#define ST_SOURCE_REDHAT_CSAF "redhat-csaf"
#define ST_SOURCE_REDHAT_VEX "redhat-vex"
#define ST_SOURCE_DEBIAN_DSA "debian-dsa"
#define ST_SOURCE_PHOTON "photon"
#define ST_SOURCE_SUSE_OVAL "suse-oval"
#define ST_SOURCE_ORACLE_OVAL "oracle-oval"
#define ST_SOURCE_MARINER_OVAL "mariner-oval"
#define ST_SOURCE_AZURELINUX_OVAL "azurelinux-oval"
#define ST_SOURCE_AMAZON_UPDATEINFO "amazon-updateinfo"
#define ST_SOURCE_AMAZON_RSS "amazon-alas-rss"

struct st_db {
	sqlite3 *sql;
	char *path;
};

/* Sets ERR from the last SQLite error of DB, naming WHAT and the database
 * path. Returns the strata code (STRATA_ECORRUPT for a damaged or foreign
 * file, STRATA_ENOMEM, else STRATA_EIO). */
int st_db_sql_error(struct st_db *db, int sqlite_rc, const char *what,
		    struct strata_error *err);

/* Runs SQL (one or more statements without parameters). */
int st_db_exec(struct st_db *db, const char *sql, struct strata_error *err);

/* Prepares one statement. The caller finalizes *OUT. */
int st_db_prepare(struct st_db *db, sqlite3_stmt **out, const char *sql,
		  struct strata_error *err);

/* Record writer --------------------------------------------------------- */

/* Prepared statements and state of one st_db_import call. */
struct st_writer {
	struct st_db *db;
	int64_t now;
	sqlite3_stmt *stmt[16];
};

/* One advisory as the importers hand it to the writer. Strings may be
 * NULL except NAME. */
struct st_vuln_record {
	const char *name;      /* advisory id: "GHSA-...", "CVE-..." */
	const char *summary;
	const char *details;
	const char *published;
	const char *modified;
	const char *withdrawn; /* a withdrawn record never matches */
	int severity;          /* enum st_severity */
	const char *severity_source;
};

/* One affected package of an advisory. */
struct st_affected_record {
	const char *ecosystem;     /* purl type, or the lowercased OSV name */
	const char *distro;        /* "debian:bookworm", or "" */
	const char *package;
	const char *purl;
	const char *feed_ecosystem; /* the ecosystem as the feed wrote it */
	bool ranges;               /* versions come from OSV ranges and
				    * versions lists, not from STATUS */
	int status;                /* enum st_vuln_status */
	const char *fixed_version; /* status FIXED only */
	int severity;              /* -1: the advisory's severity applies */
	const char *severity_source;
	const char *vendor_severity; /* raw text, such as Debian's "low**" */
};

int st_writer_init(struct st_writer *w, struct st_db *db, struct strata_error *err);
void st_writer_dispose(struct st_writer *w);

/* Returns the id of source NAME in *OUT, creating the row, and stamps its
 * imported_at with the time of this import. */
int st_writer_source(struct st_writer *w, const char *name, int64_t *out,
		     struct strata_error *err);

/* Stores REC under SOURCE and sets *ROWID. With MERGE, a record of the
 * same name written earlier in this import is reused and extended, because
 * the Debian tracker lists one CVE under several packages. Otherwise, and
 * for a record from an earlier import, the old record and everything under
 * it is deleted first, so that importing the same feed twice gives the
 * same contents. CREATED (may be NULL) is set unless this import had already
 * written a record of that name, so that it counts each advisory once. */
int st_writer_vuln(struct st_writer *w, int64_t source, const struct st_vuln_record *rec,
		   bool merge, int64_t *rowid, bool *created, struct strata_error *err);

/* Stores an id of VULN. KIND is "alias", "related" or "upstream".
 * Duplicates are ignored. */
int st_writer_alias(struct st_writer *w, int64_t vuln, const char *kind, const char *alias,
		    struct strata_error *err);
int st_writer_reference(struct st_writer *w, int64_t vuln, const char *type, const char *url,
			struct strata_error *err);
/* Stores a severity score or vector (CVSS_V3, CVSS_V4, Ubuntu, ...).
 * AFFECTED is 0 for a record-level score. */
int st_writer_score(struct st_writer *w, int64_t vuln, int64_t affected, const char *type,
		    const char *score, struct strata_error *err);
int st_writer_affected(struct st_writer *w, int64_t vuln, const struct st_affected_record *a,
		       int64_t *rowid, struct strata_error *err);
int st_writer_range(struct st_writer *w, int64_t affected, const char *type, const char *repo,
		    int64_t *rowid, struct strata_error *err);
/* Stores a range event. KIND is "introduced", "fixed", "last_affected" or
 * "limit", and SEQ keeps the feed's order. */
int st_writer_event(struct st_writer *w, int64_t range, int64_t seq, const char *kind,
		    const char *version, struct strata_error *err);
int st_writer_version(struct st_writer *w, int64_t affected, const char *version,
		      struct strata_error *err);

/* Savepoints around one record, so that a malformed record is dropped
 * without touching what the import already wrote. */
int st_writer_savepoint(struct st_writer *w, struct strata_error *err);
int st_writer_release(struct st_writer *w, struct strata_error *err);
int st_writer_rollback_record(struct st_writer *w, struct strata_error *err);

/* Importers ------------------------------------------------------------- */

/* The state an importer receives for one file. */
struct st_import_ctx {
	struct st_writer *writer;
	const struct strata_limits *limits;
	struct st_diag *diag;
	struct st_import_stats *stats;
	const char *name; /* the file, or "archive.zip:entry", for messages */
	uint64_t git_ranges; /* OSV GIT ranges left out since the last note */
};

enum st_feed_format {
	ST_FEED_UNKNOWN,
	ST_FEED_DEBIAN_TRACKER,
	ST_FEED_OSV,
	ST_FEED_ALPINE_SECDB,
	ST_FEED_SECFIXES,     /* Wolfi or Chainguard security.json */
	ST_FEED_CSAF,         /* Red Hat CSAF advisory or VEX */
	ST_FEED_DEBIAN_DSA,   /* Debian DSA/list or DLA/list (text) */
	ST_FEED_PHOTON,       /* Photon OS cve_data_photonX.Y.json */
	ST_FEED_OVAL,         /* OVAL definitions (SUSE, Oracle, Mariner, Azure Linux) */
	ST_FEED_UPDATEINFO,   /* yum updateinfo.xml (Amazon Linux) */
	ST_FEED_ALAS_RSS,     /* Amazon Linux security bulletin RSS */
};

/* Detects the format of a JSON document from its top-level members
 * without parsing all of it. Returns ST_FEED_UNKNOWN for anything else,
 * including text that is not a JSON object. */
int st_feed_detect(struct st_slice text, const struct strata_limits *lim);

/* Imports a whole Debian security tracker JSON document. A malformed
 * CVE entry is skipped with a warning, while a syntax error fails the file. */
int st_import_debian(struct st_import_ctx *ctx, struct st_slice text, struct strata_error *err);

/* Imports one OSV record. A malformed record is skipped with a warning
 * (stats->skipped). Only store failures and limits return an error. */
int st_import_osv(struct st_import_ctx *ctx, struct st_slice text, struct strata_error *err);
/* The same for a record already parsed into ROOT (borrowed). */
int st_import_osv_tree(struct st_import_ctx *ctx, const struct json_t *root,
		       struct strata_error *err);
/* Imports one OSV record written as YAML, as the PyPA advisory database
 * does (osv_yaml.c). Malformed YAML skips the record with a warning. */
int st_import_osv_yaml(struct st_import_ctx *ctx, struct st_slice text,
		       struct strata_error *err);

/* Imports one Alpine secdb document (one release and repository). A
 * malformed package entry is skipped with a warning, while a syntax error
 * fails the file. */
int st_import_alpine(struct st_import_ctx *ctx, struct st_slice text, struct strata_error *err);

/* Imports the "packages" array of a secdb document (secdb.c) under source
 * SOURCE_NAME with affected rows of ecosystem "apk" and DISTRO. A
 * malformed package entry is skipped with a warning. */
int st_secdb_import_packages(struct st_import_ctx *ctx, const char *source_name,
			     const char *distro, const struct json_t *packages,
			     struct strata_error *err);

/* Imports a Wolfi or Chainguard security.json (import_secfixes.c). */
int st_import_secfixes(struct st_import_ctx *ctx, struct st_slice text,
		       struct strata_error *err);

/* Returns true when VALUE, the text of a top-level "document" member, is
 * a CSAF document object (import_csaf.c). */
bool st_csaf_is_document(struct st_slice value, const struct strata_limits *lim);
/* Imports one Red Hat CSAF advisory or CSAF VEX document. */
int st_import_csaf(struct st_import_ctx *ctx, struct st_slice text, struct strata_error *err);

/* Returns true when TEXT is not JSON and its first non-empty line is a
 * DSA or DLA list header (import_dsa.c). */
bool st_dsa_detect(struct st_slice text);
/* Imports a Debian DSA/list or DLA/list file. */
int st_import_dsa(struct st_import_ctx *ctx, struct st_slice text, struct strata_error *err);

/* Returns true when TEXT is a JSON array whose first item has the members
 * of a Photon OS CVE entry (import_photon.c). */
bool st_photon_detect(struct st_slice text, const struct strata_limits *lim);
/* Imports a Photon OS cve_data_photonX.Y.json file. */
int st_import_photon(struct st_import_ctx *ctx, struct st_slice text, struct strata_error *err);

/* Returns ST_FEED_OVAL, ST_FEED_UPDATEINFO or ST_FEED_ALAS_RSS for an XML
 * document by its root element (oval_definitions, updates, rss), else
 * ST_FEED_UNKNOWN (xml_feed.c). Reads only the prolog. */
int st_xml_feed_detect(struct st_slice text);
/* Imports an OVAL definitions document (import_oval.c). A definition that
 * cannot be resolved is skipped with a warning, while invalid XML fails
 * the file. */
int st_import_oval(struct st_import_ctx *ctx, struct st_slice text, struct strata_error *err);
/* Imports an Amazon Linux updateinfo.xml or ALAS RSS feed
 * (import_amazon.c), with the same error rules. */
int st_import_updateinfo(struct st_import_ctx *ctx, struct st_slice text,
			 struct strata_error *err);
int st_import_alas_rss(struct st_import_ctx *ctx, struct st_slice text, struct strata_error *err);

/* Top-level JSON scanning shared by the detector and the Debian importer:
 * walks the members of the outermost object one at a time, so a 100 MB
 * tracker file never becomes one JSON tree. */
struct st_json_members {
	struct st_slice text;
	size_t pos;
	bool started;
	bool done;
};

void st_json_members_init(struct st_json_members *it, struct st_slice text);
/* Sets *KEY (raw, without the quotes and still escaped) and *VALUE (the
 * value's text) for the next member. Returns 1 for a member, 0 after the
 * last one, or STRATA_ECORRUPT with the byte offset of a syntax error. */
int st_json_members_next(struct st_json_members *it, struct st_slice *key,
			 struct st_slice *value, struct strata_error *err);

/* Reads member KEY of object OBJ as a string without NUL bytes. Returns
 * 1 and sets *OUT, 0 with *OUT NULL when the member is absent or null, or
 * -1 when it has another type or contains a NUL byte. */
int st_json_member_string(const struct json_t *obj, const char *key, const char **out);
/* The same for a value that is not a member (array items). */
int st_json_value_string(const struct json_t *value, const char **out);

/* Maximum length in bytes of an id, package name, ecosystem, release or
 * version that the importers accept. */
#define ST_FEED_NAME_MAX 1024

/* Returns true when S can serve as an id, name or version and appear in a
 * one-line message: not empty, at most ST_FEED_NAME_MAX bytes, and free
 * of ASCII control characters. */
bool st_feed_name_ok(const char *s);

/* Copies S into ARENA with each ASCII control character replaced by '?',
 * for file and archive entry names shown in messages. NULL on exhaustion. */
char *st_feed_display_name(struct st_arena *arena, const char *s);

/* Severity mappings (severity.c) ---------------------------------------- */

/* Debian urgency ("low", "medium**", "unimportant", ...): HIGH, MEDIUM,
 * LOW, NEGLIGIBLE, else UNKNOWN. */
int st_severity_from_debian(const char *urgency);
/* GHSA database_specific.severity and similar words: CRITICAL, HIGH,
 * MODERATE or MEDIUM, LOW, NEGLIGIBLE, and -1 for anything else. */
int st_severity_from_word(const char *word);
/* Preference of a severity source when findings merge: lower wins. */
int st_severity_source_rank(const char *source);

/* Parses a status name written by st_vuln_status_name (-1 if unknown). */
int st_vuln_status_parse(const char *name);

/* OSV range evaluation (match.c) --------------------------------------- */

enum st_event_kind {
	ST_EVENT_INTRODUCED,
	ST_EVENT_FIXED,
	ST_EVENT_LAST_AFFECTED,
	ST_EVENT_LIMIT,
};

struct st_range_event {
	int kind; /* enum st_event_kind */
	const char *version;
};

/* Compares versions A and B of a range of RANGE_TYPE: "SEMVER" with the
 * SemVer 2.0 order, "ECOSYSTEM" with the order of purl type ECOSYSTEM.
 * Returns STRATA_EUNSUPPORTED for GIT and other range types and for an
 * ecosystem without a comparator, STRATA_EINVAL for an invalid version. */
int st_range_compare(const char *range_type, const char *ecosystem, const char *a,
		     const char *b, int *cmp, struct strata_error *err);

/* Evaluates whether VERSION lies in the range of COUNT EVENTS, with the
 * algorithm of the OSV schema ("Evaluation"). The range applies when
 * VERSION is below one of its limit events, or when it has none. Then the
 * events are sorted by version, ties kept in the feed's order, and walked
 * in order. An introduced event at or below VERSION makes it affected,
 * and a fixed event at or below it or a last_affected event below it makes
 * it unaffected. Introduced "0" sorts first and limit "*" is infinity. Sets
 * *FIXED to the lowest fixed event above VERSION when affected (NULL if
 * none). EVENTS is sorted in place. Returns an error when a version does
 * not parse. */
int st_osv_range_affects(const char *range_type, const char *ecosystem, const char *version,
			 struct st_range_event *events, size_t count, bool *affected,
			 const char **fixed, struct strata_error *err);

/* OSV ecosystems (import_osv.c) ------------------------------------------ */

/* Maps an OSV ecosystem string ("npm", "Debian:12", "Ubuntu:22.04:LTS") to
 * a purl type and a distro ("debian:bookworm", or "") in ARENA. Unknown
 * ecosystems map to their lowercased name with distro "". Returns false on
 * allocation failure. */
bool st_osv_ecosystem_map(const char *osv, struct st_arena *arena, const char **type,
			  const char **distro);

#endif
