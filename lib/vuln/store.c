/* The vulnerability store: opening the SQLite database, the schema and its
 * migrations, per-source status, and the record writer the importers use.
 * docs/internals/vuln-store.md describes the tables. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "vuln/vuln_internal.h"

/* Each entry brings the schema from version I to I + 1. Never edit an
 * entry that has shipped: append a new one and raise
 * ST_DB_SCHEMA_VERSION. */
static const char *const migrations[] = {
	/* 0 -> 1: the initial schema. */
	"CREATE TABLE source ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  imported_at INTEGER NOT NULL DEFAULT 0"
	");"
	"CREATE TABLE vulnerability ("
	"  id INTEGER PRIMARY KEY,"
	"  source_id INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,"
	"  name TEXT NOT NULL,"
	"  summary TEXT,"
	"  details TEXT,"
	"  published TEXT,"
	"  modified TEXT,"
	"  withdrawn TEXT,"
	"  severity INTEGER NOT NULL DEFAULT 0,"
	"  severity_source TEXT,"
	"  UNIQUE (source_id, name)"
	");"
	"CREATE TABLE alias ("
	"  vuln_id INTEGER NOT NULL REFERENCES vulnerability(id) ON DELETE CASCADE,"
	"  kind TEXT NOT NULL,"
	"  alias TEXT NOT NULL,"
	"  PRIMARY KEY (vuln_id, kind, alias)"
	") WITHOUT ROWID;"
	"CREATE INDEX alias_by_alias ON alias(alias);"
	"CREATE TABLE reference ("
	"  vuln_id INTEGER NOT NULL REFERENCES vulnerability(id) ON DELETE CASCADE,"
	"  seq INTEGER NOT NULL,"
	"  type TEXT,"
	"  url TEXT NOT NULL,"
	"  PRIMARY KEY (vuln_id, seq)"
	") WITHOUT ROWID;"
	"CREATE TABLE affected ("
	"  id INTEGER PRIMARY KEY,"
	"  vuln_id INTEGER NOT NULL REFERENCES vulnerability(id) ON DELETE CASCADE,"
	"  ecosystem TEXT NOT NULL,"
	"  distro TEXT NOT NULL DEFAULT '',"
	"  package TEXT NOT NULL,"
	"  purl TEXT,"
	"  feed_ecosystem TEXT,"
	"  evaluation TEXT NOT NULL CHECK (evaluation IN ('status', 'ranges')),"
	"  status TEXT NOT NULL,"
	"  fixed_version TEXT,"
	"  severity INTEGER,"
	"  severity_source TEXT,"
	"  vendor_severity TEXT"
	");"
	"CREATE INDEX affected_by_package ON affected(ecosystem, distro, package);"
	"CREATE INDEX affected_by_vuln ON affected(vuln_id);"
	"CREATE TABLE score ("
	"  vuln_id INTEGER NOT NULL REFERENCES vulnerability(id) ON DELETE CASCADE,"
	"  affected_id INTEGER REFERENCES affected(id) ON DELETE CASCADE,"
	"  type TEXT NOT NULL,"
	"  score TEXT NOT NULL"
	");"
	"CREATE INDEX score_by_vuln ON score(vuln_id);"
	"CREATE INDEX score_by_affected ON score(affected_id);"
	"CREATE TABLE affected_range ("
	"  id INTEGER PRIMARY KEY,"
	"  affected_id INTEGER NOT NULL REFERENCES affected(id) ON DELETE CASCADE,"
	"  type TEXT NOT NULL,"
	"  repo TEXT"
	");"
	"CREATE INDEX range_by_affected ON affected_range(affected_id);"
	"CREATE TABLE range_event ("
	"  range_id INTEGER NOT NULL REFERENCES affected_range(id) ON DELETE CASCADE,"
	"  seq INTEGER NOT NULL,"
	"  kind TEXT NOT NULL"
	"    CHECK (kind IN ('introduced', 'fixed', 'last_affected', 'limit')),"
	"  version TEXT NOT NULL,"
	"  PRIMARY KEY (range_id, seq)"
	") WITHOUT ROWID;"
	"CREATE TABLE affected_version ("
	"  affected_id INTEGER NOT NULL REFERENCES affected(id) ON DELETE CASCADE,"
	"  version TEXT NOT NULL"
	");"
	"CREATE INDEX version_by_affected ON affected_version(affected_id);",
};

_Static_assert(ST_ARRAY_LEN(migrations) == ST_DB_SCHEMA_VERSION,
	       "one migration per schema version");

int st_db_sql_error(struct st_db *db, int sqlite_rc, const char *what,
		    struct strata_error *err)
{
	const char *msg = db->sql ? sqlite3_errmsg(db->sql) : sqlite3_errstr(sqlite_rc);
	int code = STRATA_EIO;

	switch (sqlite_rc & 0xff) {
	case SQLITE_NOMEM:
		code = STRATA_ENOMEM;
		break;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		code = STRATA_ECORRUPT;
		break;
	case SQLITE_TOOBIG:
		code = STRATA_ELIMIT;
		break;
	default:
		break;
	}
	return st_error_set(err, code, "%s: %s: %s", db->path, what, msg);
}

int st_db_exec(struct st_db *db, const char *sql, struct strata_error *err)
{
	int rc = sqlite3_exec(db->sql, sql, NULL, NULL, NULL);

	if (rc != SQLITE_OK)
		return st_db_sql_error(db, rc, "cannot run statement", err);
	return 0;
}

int st_db_prepare(struct st_db *db, sqlite3_stmt **out, const char *sql,
		  struct strata_error *err)
{
	int rc = sqlite3_prepare_v2(db->sql, sql, -1, out, NULL);

	if (rc != SQLITE_OK)
		return st_db_sql_error(db, rc, "cannot prepare statement", err);
	return 0;
}

/* Reads one integer from a statement without parameters. */
static int query_int(struct st_db *db, const char *sql, int64_t *out, struct strata_error *err)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	rc = st_db_prepare(db, &stmt, sql, err);
	if (rc < 0)
		return rc;
	rc = sqlite3_step(stmt);
	if (rc != SQLITE_ROW) {
		rc = st_db_sql_error(db, rc, "cannot read the schema version", err);
		goto out;
	}
	*out = sqlite3_column_int64(stmt, 0);
	rc = 0;

out:
	sqlite3_finalize(stmt);
	return rc;
}

/* Checks, for a read-only open, that the schema is the current one. An
 * older schema is not migrated here because that would change the file. */
static int check_schema(struct st_db *db, struct strata_error *err)
{
	int64_t version;
	int64_t tables;
	int rc;

	rc = query_int(db, "PRAGMA user_version", &version, err);
	if (rc < 0)
		return rc;
	if (version == ST_DB_SCHEMA_VERSION)
		return 0;
	if (version > ST_DB_SCHEMA_VERSION || version < 0)
		return st_error_set(err, STRATA_EUNSUPPORTED,
				    "%s: schema version %lld is newer than this strata reads (%d)",
				    db->path, (long long)version, ST_DB_SCHEMA_VERSION);
	if (version > 0)
		return st_error_set(err, STRATA_EUNSUPPORTED,
				    "%s: schema version %lld is older than this strata reads "
				    "(%d); run 'strata db import PATH...' to upgrade it",
				    db->path, (long long)version, ST_DB_SCHEMA_VERSION);
	rc = query_int(db, "SELECT count(*) FROM sqlite_master", &tables, err);
	if (rc < 0)
		return rc;
	if (tables > 0)
		return st_error_set(err, STRATA_EUNSUPPORTED,
				    "%s: not a strata vulnerability database", db->path);
	return st_error_set(err, STRATA_EUNSUPPORTED,
			    "%s: empty file, not a strata vulnerability database; run "
			    "'strata db import PATH...' to create one",
			    db->path);
}

/* Applies the migrations from the stored user_version up to the current
 * one, in one transaction. */
static int migrate(struct st_db *db, struct strata_error *err)
{
	char sql[64];
	int64_t version;
	int64_t tables;
	int rc;

	rc = query_int(db, "PRAGMA user_version", &version, err);
	if (rc < 0)
		return rc;
	if (version == ST_DB_SCHEMA_VERSION)
		return 0;
	if (version > ST_DB_SCHEMA_VERSION || version < 0)
		return st_error_set(err, STRATA_EUNSUPPORTED,
				    "%s: schema version %lld is newer than this strata reads (%d)",
				    db->path, (long long)version, ST_DB_SCHEMA_VERSION);

	rc = st_db_exec(db, "BEGIN IMMEDIATE", err);
	if (rc < 0)
		return rc;
	/* Another process may have migrated while this one waited. */
	rc = query_int(db, "PRAGMA user_version", &version, err);
	if (rc < 0)
		goto out;
	if (version == 0) {
		rc = query_int(db, "SELECT count(*) FROM sqlite_master", &tables, err);
		if (rc < 0)
			goto out;
		if (tables > 0) {
			rc = st_error_set(err, STRATA_EUNSUPPORTED,
					  "%s: not a strata vulnerability database", db->path);
			goto out;
		}
	}
	for (; version < ST_DB_SCHEMA_VERSION; version++) {
		rc = st_db_exec(db, migrations[version], err);
		if (rc < 0)
			goto out;
	}
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", ST_DB_SCHEMA_VERSION);
	rc = st_db_exec(db, sql, err);
	if (rc < 0)
		goto out;
	rc = st_db_exec(db, "COMMIT", err);

out:
	if (rc < 0)
		sqlite3_exec(db->sql, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/* Turns off SQLite features that a tampered database file could use to
 * run SQL in triggers or views on our behalf. */
static int harden(struct st_db *db, struct strata_error *err)
{
	int rc;

	rc = sqlite3_db_config(db->sql, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_db_config(db->sql, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	if (rc != SQLITE_OK)
		return st_db_sql_error(db, rc, "cannot configure", err);
	return 0;
}

/* Checks that this user may create a file in the directory of PATH.
 * Returns 0 (also when PATH is too long to check), or -1 with errno set. */
static int parent_writable(const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	size_t len;

	if (slash == NULL)
		return access(".", W_OK | X_OK);
	len = slash == path ? 1 : (size_t)(slash - path);
	if (len >= sizeof(dir))
		return 0;
	memcpy(dir, path, len);
	dir[len] = '\0';
	return access(dir, W_OK | X_OK);
}

int st_db_open(struct st_db **out, const char *path, bool create, struct strata_error *err)
{
	struct st_db *db = NULL;
	struct stat st;
	int flags = SQLITE_OPEN_READONLY;
	int rc;

	*out = NULL;
	/* Only an import writes: a scan must not create the file or add a
	 * schema to an empty one. */
	if (create)
		flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	if (stat(path, &st) < 0) {
		if (!create || errno != ENOENT)
			return st_error_sys(err, errno == ENOENT ? STRATA_ENOTFOUND : STRATA_EIO,
					    "%s", path);
		/* SQLite reports only "unable to open database file". */
		if (parent_writable(path) < 0)
			return st_error_sys(err, STRATA_EIO, "cannot create %s", path);
	} else if (S_ISDIR(st.st_mode)) {
		return st_error_set(err, STRATA_EINVAL, "%s is a directory, not a database file",
				    path);
	}

	db = calloc(1, sizeof(*db));
	if (db == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory");
	db->path = st_strndup(path, strlen(path));
	if (db->path == NULL) {
		rc = st_error_set(err, STRATA_ENOMEM, "out of memory");
		goto out;
	}
	rc = sqlite3_open_v2(path, &db->sql, flags, NULL);
	if (rc != SQLITE_OK) {
		rc = st_db_sql_error(db, rc, "cannot open", err);
		goto out;
	}
	sqlite3_extended_result_codes(db->sql, 1);
	sqlite3_busy_timeout(db->sql, 10000);
	rc = harden(db, err);
	if (rc < 0)
		goto out;
	/* Temporary storage in memory keeps each record's savepoint journal
	 * (the pages a record changed) out of a file in /var/tmp: an import of
	 * the 6,952 Go and PyPI advisories otherwise wrote it in about
	 * 400,000 small writes. SQLite reads this setting when a transaction
	 * begins, so it is set here rather than by the import. */
	rc = st_db_exec(db, "PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY", err);
	if (rc < 0)
		goto out;
	rc = create ? migrate(db, err) : check_schema(db, err);
	if (rc < 0)
		goto out;

	*out = db;
	db = NULL;

out:
	st_db_close(db);
	return rc;
}

void st_db_close(struct st_db *db)
{
	if (db == NULL)
		return;
	sqlite3_close_v2(db->sql);
	free(db->path);
	free(db);
}

int st_db_coverage(struct st_db *db,
		   int (*fn)(void *ctx, const struct st_db_coverage *c), void *ctx,
		   struct strata_error *err)
{
	/* affected_by_package covers the query: no table scan. */
	static const char sql[] =
		"SELECT ecosystem, distro, count(*), count(DISTINCT package) FROM affected"
		" GROUP BY ecosystem, distro ORDER BY ecosystem, distro";
	sqlite3_stmt *stmt = NULL;
	struct st_db_coverage c;
	int rc;

	rc = st_db_prepare(db, &stmt, sql, err);
	if (rc < 0)
		return rc;
	for (;;) {
		rc = sqlite3_step(stmt);
		if (rc == SQLITE_DONE) {
			rc = 0;
			break;
		}
		if (rc != SQLITE_ROW) {
			rc = st_db_sql_error(db, rc, "cannot read affected packages", err);
			break;
		}
		c.ecosystem = (const char *)sqlite3_column_text(stmt, 0);
		c.distro = (const char *)sqlite3_column_text(stmt, 1);
		if (c.ecosystem == NULL)
			c.ecosystem = "";
		if (c.distro == NULL)
			c.distro = "";
		c.rows = (uint64_t)sqlite3_column_int64(stmt, 2);
		c.packages = (uint64_t)sqlite3_column_int64(stmt, 3);
		rc = fn(ctx, &c);
		if (rc != 0)
			break;
	}
	sqlite3_finalize(stmt);
	return rc;
}

int st_db_status(struct st_db *db,
		 int (*fn)(void *ctx, const struct st_db_source *src), void *ctx,
		 struct strata_error *err)
{
	static const char sql[] =
		"SELECT s.name, s.imported_at,"
		" (SELECT count(*) FROM vulnerability v WHERE v.source_id = s.id),"
		" (SELECT count(*) FROM affected a JOIN vulnerability v ON a.vuln_id = v.id"
		"  WHERE v.source_id = s.id)"
		" FROM source s ORDER BY s.name";
	sqlite3_stmt *stmt = NULL;
	struct st_db_source src;
	int rc;

	rc = st_db_prepare(db, &stmt, sql, err);
	if (rc < 0)
		return rc;
	for (;;) {
		rc = sqlite3_step(stmt);
		if (rc == SQLITE_DONE) {
			rc = 0;
			break;
		}
		if (rc != SQLITE_ROW) {
			rc = st_db_sql_error(db, rc, "cannot read sources", err);
			break;
		}
		src.name = (const char *)sqlite3_column_text(stmt, 0);
		if (src.name == NULL)
			src.name = "";
		src.imported_at = sqlite3_column_int64(stmt, 1);
		src.records = (uint64_t)sqlite3_column_int64(stmt, 2);
		src.affected = (uint64_t)sqlite3_column_int64(stmt, 3);
		rc = fn(ctx, &src);
		if (rc != 0)
			break;
	}
	sqlite3_finalize(stmt);
	return rc;
}

/* Record writer ------------------------------------------------------------ */

enum writer_stmt {
	W_SOURCE_UPSERT,
	W_SOURCE_ID,
	W_FIND_VULN,
	W_IS_NEW,
	W_DELETE_VULN,
	W_INSERT_VULN,
	W_MARK_NEW,
	W_ALIAS,
	W_REFERENCE,
	W_SCORE,
	W_AFFECTED,
	W_RANGE,
	W_EVENT,
	W_VERSION,
	W_COUNT,
};

static const char *const writer_sql[] = {
	[W_SOURCE_UPSERT] = "INSERT INTO source(name, imported_at) VALUES (?1, ?2)"
			    " ON CONFLICT(name) DO UPDATE SET imported_at = excluded.imported_at",
	[W_SOURCE_ID] = "SELECT id FROM source WHERE name = ?1",
	[W_FIND_VULN] = "SELECT id FROM vulnerability WHERE source_id = ?1 AND name = ?2",
	[W_IS_NEW] = "SELECT 1 FROM temp.import_new WHERE id = ?1",
	[W_DELETE_VULN] = "DELETE FROM vulnerability WHERE id = ?1",
	[W_INSERT_VULN] = "INSERT INTO vulnerability(source_id, name, summary, details,"
			  " published, modified, withdrawn, severity, severity_source)"
			  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	/* A record replaced within one import can get the rowid back
	 * that its first version had, which is then already marked. */
	[W_MARK_NEW] = "INSERT OR IGNORE INTO temp.import_new(id) VALUES (?1)",
	[W_ALIAS] = "INSERT OR IGNORE INTO alias(vuln_id, kind, alias) VALUES (?1, ?2, ?3)",
	[W_REFERENCE] = "INSERT INTO reference(vuln_id, seq, type, url) VALUES (?1,"
			" (SELECT coalesce(max(seq) + 1, 0) FROM reference WHERE vuln_id = ?1),"
			" ?2, ?3)",
	[W_SCORE] = "INSERT INTO score(vuln_id, affected_id, type, score) VALUES (?1, ?2, ?3, ?4)",
	[W_AFFECTED] = "INSERT INTO affected(vuln_id, ecosystem, distro, package, purl,"
		       " feed_ecosystem, evaluation, status, fixed_version, severity,"
		       " severity_source, vendor_severity)"
		       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
	[W_RANGE] = "INSERT INTO affected_range(affected_id, type, repo) VALUES (?1, ?2, ?3)",
	[W_EVENT] = "INSERT INTO range_event(range_id, seq, kind, version) VALUES (?1, ?2, ?3, ?4)",
	[W_VERSION] = "INSERT INTO affected_version(affected_id, version) VALUES (?1, ?2)",
};

_Static_assert(ST_ARRAY_LEN(writer_sql) == W_COUNT, "one statement per writer step");
_Static_assert(W_COUNT <= ST_ARRAY_LEN(((struct st_writer *)0)->stmt), "room for statements");

int st_writer_init(struct st_writer *w, struct st_db *db, struct strata_error *err)
{
	size_t i;
	int rc;

	memset(w, 0, sizeof(*w));
	w->db = db;
	w->now = (int64_t)time(NULL);
	/* Records created by this import, so that merge mode can tell a
	 * record to extend from one to replace. The page cache of 64 MiB
	 * (an upper bound, allocated as pages are used) keeps the changes of
	 * a large import in memory until COMMIT. */
	rc = st_db_exec(db,
			"PRAGMA cache_size = -65536;"
			"CREATE TEMP TABLE IF NOT EXISTS import_new(id INTEGER PRIMARY KEY);"
			"DELETE FROM temp.import_new;",
			err);
	if (rc < 0)
		return rc;
	for (i = 0; i < W_COUNT; i++) {
		rc = st_db_prepare(db, &w->stmt[i], writer_sql[i], err);
		if (rc < 0) {
			st_writer_dispose(w);
			return rc;
		}
	}
	return 0;
}

void st_writer_dispose(struct st_writer *w)
{
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(w->stmt); i++) {
		sqlite3_finalize(w->stmt[i]);
		w->stmt[i] = NULL;
	}
}

static void bind_text(sqlite3_stmt *stmt, int col, const char *s)
{
	if (s == NULL)
		sqlite3_bind_null(stmt, col);
	else
		sqlite3_bind_text(stmt, col, s, -1, SQLITE_STATIC);
}

static void bind_id(sqlite3_stmt *stmt, int col, int64_t id)
{
	if (id == 0)
		sqlite3_bind_null(stmt, col);
	else
		sqlite3_bind_int64(stmt, col, id);
}

/* Runs a bound statement that returns no rows, then resets it. */
static int run(struct st_writer *w, enum writer_stmt which, const char *what,
	       struct strata_error *err)
{
	sqlite3_stmt *stmt = w->stmt[which];
	int rc = sqlite3_step(stmt);

	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		rc = st_db_sql_error(w->db, rc, what, err);
	else
		rc = 0;
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
	return rc;
}

/* Runs a bound statement that returns at most one integer in *OUT (0 when
 * it returns no row), then resets it. */
static int run_int(struct st_writer *w, enum writer_stmt which, int64_t *out,
		   const char *what, struct strata_error *err)
{
	sqlite3_stmt *stmt = w->stmt[which];
	int rc = sqlite3_step(stmt);

	*out = 0;
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int64(stmt, 0);
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = 0;
	} else {
		rc = st_db_sql_error(w->db, rc, what, err);
	}
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
	return rc;
}

int st_writer_source(struct st_writer *w, const char *name, int64_t *out,
		     struct strata_error *err)
{
	int rc;

	bind_text(w->stmt[W_SOURCE_UPSERT], 1, name);
	sqlite3_bind_int64(w->stmt[W_SOURCE_UPSERT], 2, w->now);
	rc = run(w, W_SOURCE_UPSERT, "cannot store source", err);
	if (rc < 0)
		return rc;
	bind_text(w->stmt[W_SOURCE_ID], 1, name);
	rc = run_int(w, W_SOURCE_ID, out, "cannot read source", err);
	if (rc == 0 && *out == 0)
		rc = st_error_set(err, STRATA_EINTERNAL, "source %s vanished", name);
	return rc;
}

static int insert_vuln(struct st_writer *w, int64_t source, const struct st_vuln_record *rec,
		       int64_t *rowid, struct strata_error *err)
{
	sqlite3_stmt *stmt = w->stmt[W_INSERT_VULN];
	int rc;

	sqlite3_bind_int64(stmt, 1, source);
	bind_text(stmt, 2, rec->name);
	bind_text(stmt, 3, rec->summary);
	bind_text(stmt, 4, rec->details);
	bind_text(stmt, 5, rec->published);
	bind_text(stmt, 6, rec->modified);
	bind_text(stmt, 7, rec->withdrawn);
	sqlite3_bind_int(stmt, 8, rec->severity);
	bind_text(stmt, 9, rec->severity_source);
	rc = run(w, W_INSERT_VULN, "cannot store advisory", err);
	if (rc < 0)
		return rc;
	*rowid = sqlite3_last_insert_rowid(w->db->sql);
	sqlite3_bind_int64(w->stmt[W_MARK_NEW], 1, *rowid);
	return run(w, W_MARK_NEW, "cannot store advisory", err);
}

int st_writer_vuln(struct st_writer *w, int64_t source, const struct st_vuln_record *rec,
		   bool merge, int64_t *rowid, bool *created, struct strata_error *err)
{
	int64_t old;
	int64_t is_new = 0;
	int rc;

	if (created != NULL)
		*created = false;
	sqlite3_bind_int64(w->stmt[W_FIND_VULN], 1, source);
	bind_text(w->stmt[W_FIND_VULN], 2, rec->name);
	rc = run_int(w, W_FIND_VULN, &old, "cannot look up advisory", err);
	if (rc < 0)
		return rc;

	if (old != 0) {
		sqlite3_bind_int64(w->stmt[W_IS_NEW], 1, old);
		rc = run_int(w, W_IS_NEW, &is_new, "cannot look up advisory", err);
		if (rc < 0)
			return rc;
		if (merge && is_new) {
			*rowid = old;
			return 0;
		}
		/* Children go with it: foreign keys cascade. */
		sqlite3_bind_int64(w->stmt[W_DELETE_VULN], 1, old);
		rc = run(w, W_DELETE_VULN, "cannot replace advisory", err);
		if (rc < 0)
			return rc;
	}
	rc = insert_vuln(w, source, rec, rowid, err);
	if (rc == 0 && created != NULL)
		*created = !is_new;
	return rc;
}

int st_writer_alias(struct st_writer *w, int64_t vuln, const char *kind, const char *alias,
		    struct strata_error *err)
{
	sqlite3_bind_int64(w->stmt[W_ALIAS], 1, vuln);
	bind_text(w->stmt[W_ALIAS], 2, kind);
	bind_text(w->stmt[W_ALIAS], 3, alias);
	return run(w, W_ALIAS, "cannot store alias", err);
}

int st_writer_reference(struct st_writer *w, int64_t vuln, const char *type, const char *url,
			struct strata_error *err)
{
	sqlite3_bind_int64(w->stmt[W_REFERENCE], 1, vuln);
	bind_text(w->stmt[W_REFERENCE], 2, type);
	bind_text(w->stmt[W_REFERENCE], 3, url);
	return run(w, W_REFERENCE, "cannot store reference", err);
}

int st_writer_score(struct st_writer *w, int64_t vuln, int64_t affected, const char *type,
		    const char *score, struct strata_error *err)
{
	sqlite3_bind_int64(w->stmt[W_SCORE], 1, vuln);
	bind_id(w->stmt[W_SCORE], 2, affected);
	bind_text(w->stmt[W_SCORE], 3, type);
	bind_text(w->stmt[W_SCORE], 4, score);
	return run(w, W_SCORE, "cannot store severity score", err);
}

int st_writer_affected(struct st_writer *w, int64_t vuln, const struct st_affected_record *a,
		       int64_t *rowid, struct strata_error *err)
{
	sqlite3_stmt *stmt = w->stmt[W_AFFECTED];
	int rc;

	sqlite3_bind_int64(stmt, 1, vuln);
	bind_text(stmt, 2, a->ecosystem);
	bind_text(stmt, 3, a->distro ? a->distro : "");
	bind_text(stmt, 4, a->package);
	bind_text(stmt, 5, a->purl);
	bind_text(stmt, 6, a->feed_ecosystem);
	bind_text(stmt, 7, a->ranges ? "ranges" : "status");
	bind_text(stmt, 8, st_vuln_status_name(a->status));
	bind_text(stmt, 9, a->fixed_version);
	if (a->severity < 0)
		sqlite3_bind_null(stmt, 10);
	else
		sqlite3_bind_int(stmt, 10, a->severity);
	bind_text(stmt, 11, a->severity_source);
	bind_text(stmt, 12, a->vendor_severity);
	rc = run(w, W_AFFECTED, "cannot store affected package", err);
	if (rc == 0 && rowid != NULL)
		*rowid = sqlite3_last_insert_rowid(w->db->sql);
	return rc;
}

int st_writer_range(struct st_writer *w, int64_t affected, const char *type, const char *repo,
		    int64_t *rowid, struct strata_error *err)
{
	int rc;

	sqlite3_bind_int64(w->stmt[W_RANGE], 1, affected);
	bind_text(w->stmt[W_RANGE], 2, type);
	bind_text(w->stmt[W_RANGE], 3, repo);
	rc = run(w, W_RANGE, "cannot store range", err);
	if (rc == 0)
		*rowid = sqlite3_last_insert_rowid(w->db->sql);
	return rc;
}

int st_writer_event(struct st_writer *w, int64_t range, int64_t seq, const char *kind,
		    const char *version, struct strata_error *err)
{
	sqlite3_bind_int64(w->stmt[W_EVENT], 1, range);
	sqlite3_bind_int64(w->stmt[W_EVENT], 2, seq);
	bind_text(w->stmt[W_EVENT], 3, kind);
	bind_text(w->stmt[W_EVENT], 4, version);
	return run(w, W_EVENT, "cannot store range event", err);
}

int st_writer_version(struct st_writer *w, int64_t affected, const char *version,
		      struct strata_error *err)
{
	sqlite3_bind_int64(w->stmt[W_VERSION], 1, affected);
	bind_text(w->stmt[W_VERSION], 2, version);
	return run(w, W_VERSION, "cannot store affected version", err);
}

int st_writer_savepoint(struct st_writer *w, struct strata_error *err)
{
	return st_db_exec(w->db, "SAVEPOINT record", err);
}

int st_writer_release(struct st_writer *w, struct strata_error *err)
{
	return st_db_exec(w->db, "RELEASE record", err);
}

int st_writer_rollback_record(struct st_writer *w, struct strata_error *err)
{
	return st_db_exec(w->db, "ROLLBACK TO record; RELEASE record", err);
}
