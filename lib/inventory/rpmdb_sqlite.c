/* Reads rpm's SQLite database "rpmdb.sqlite", the default of rpm 4.16 and
 * later (the CBL-Mariner 2.0 test database is one). Its table
 * Packages(hnum INTEGER PRIMARY KEY, blob BLOB) stores one header blob per
 * row, as rpm's lib/backend/sqlite.c creates it.
 *
 * The file and its schema come from the image, so they are handled with
 * care. The file is never written to disk: a private copy is opened in
 * memory with sqlite3_deserialize(), read-only. Views, triggers and
 * untrusted schema functions are disabled, the length of any value is
 * capped and the number of virtual machine steps is bounded. */
#include <limits.h>
#include <sqlite3.h>
#include <string.h>

#include "inventory/rpm_internal.h"

/* The progress handler runs every this many virtual machine steps. */
#define STEPS_PER_CHECK 1000

/* NOTE for docs/LIMITS.md: the query may take 1,000,000 virtual machine
 * steps plus 1 per byte of the database. Past that the read stops with a
 * warning, which bounds the time a crafted schema or file can take. A
 * whole scan of the 3.6 MB CBL-Mariner 2.0 test database (129 rows) takes
 * about 900 steps with sqlite 3.40.1, about 7 per row. */
#define BASE_STEPS 1000000u
#define STEPS_PER_BYTE 1u

/* Byte offsets 18 and 19 of the SQLite file header: the file format
 * write and read versions, 1 for a rollback journal and 2 for WAL. */
#define HEADER_WRITE_VERSION 18
#define HEADER_READ_VERSION 19

struct budget {
	uint64_t checks_left;
};

static int progress(void *ctx)
{
	struct budget *b = ctx;

	if (b->checks_left == 0)
		return 1;
	b->checks_left--;
	return 0;
}

/* Opens a read-only, in-memory copy of FILE in *OUT. */
static int open_copy(sqlite3 **out, struct st_slice file, struct budget *budget,
		     struct strata_error *err)
{
	sqlite3 *db = NULL;
	unsigned char *copy;
	int rc;

	*out = NULL;
	if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_MEMORY,
			    NULL) != SQLITE_OK) {
		sqlite3_close(db);
		return st_error_set(err, STRATA_ENOMEM, "cannot open an in-memory sqlite database");
	}
	sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL);
	sqlite3_limit(db, SQLITE_LIMIT_LENGTH, file.len > INT_MAX ? INT_MAX : (int)file.len);
	sqlite3_progress_handler(db, STEPS_PER_CHECK, progress, budget);

	copy = sqlite3_malloc64(file.len);
	if (copy == NULL) {
		sqlite3_close(db);
		return st_error_set(err, STRATA_ENOMEM, "out of memory for a %zu-byte database copy",
				    file.len);
	}
	memcpy(copy, file.ptr, file.len);
	/* The in-memory file system has no WAL support: read a WAL-mode file
	 * as a rollback-journal one. The pages are the same.
	 * NOTE: pages still in rpmdb.sqlite-wal (a transaction that was not
	 * checkpointed) are not read, so such packages are missed. */
	if (copy[HEADER_WRITE_VERSION] == 2 && copy[HEADER_READ_VERSION] == 2) {
		copy[HEADER_WRITE_VERSION] = 1;
		copy[HEADER_READ_VERSION] = 1;
	}
	/* On failure, sqlite3_deserialize() frees COPY itself. */
	rc = sqlite3_deserialize(db, "main", copy, (sqlite3_int64)file.len,
				 (sqlite3_int64)file.len,
				 SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_READONLY);
	if (rc != SQLITE_OK) {
		sqlite3_close(db);
		return st_error_set(err, STRATA_ENOMEM, "cannot load the database into sqlite");
	}
	*out = db;
	return 0;
}

/* Checks that Packages is a table, so that no view runs a query of the
 * image's choosing. */
static int check_schema(sqlite3 *db, struct strata_error *err)
{
	static const char sql[] = "SELECT type FROM sqlite_master WHERE name = 'Packages'";
	sqlite3_stmt *stmt = NULL;
	const unsigned char *type;
	int rc;

	if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK)
		return st_error_set(err, STRATA_ECORRUPT, "not a readable sqlite database: %s",
				    sqlite3_errmsg(db));
	rc = sqlite3_step(stmt);
	type = rc == SQLITE_ROW ? sqlite3_column_text(stmt, 0) : NULL;
	if (type == NULL || strcmp((const char *)type, "table") != 0)
		rc = st_error_set(err, STRATA_ECORRUPT, "sqlite database has no Packages table");
	else
		rc = 0;
	sqlite3_finalize(stmt);
	return rc;
}

/* Hands one row to the reader; a row that is no header is a warning. */
static int read_row(struct st_rpmdb_reader *r, sqlite3_stmt *stmt, struct strata_error *err)
{
	sqlite3_int64 hnum = sqlite3_column_int64(stmt, 0);
	const void *blob;
	int len;

	if (hnum <= 0 || hnum > UINT32_MAX) {
		st_rpmdb_warn(r, "row with hnum %lld is no header number, skipped", (long long)hnum);
		return 0;
	}
	if (sqlite3_column_type(stmt, 1) != SQLITE_BLOB) {
		st_rpmdb_warn(r, "record %lld: value is not a blob, skipped", (long long)hnum);
		return 0;
	}
	blob = sqlite3_column_blob(stmt, 1);
	len = sqlite3_column_bytes(stmt, 1);
	if (blob == NULL || len <= 0) {
		st_rpmdb_warn(r, "record %lld: empty blob, skipped", (long long)hnum);
		return 0;
	}
	return r->fn(r->ctx, (uint32_t)hnum, st_slice_make(blob, (size_t)len), err);
}

static int read_rows(struct st_rpmdb_reader *r, sqlite3 *db, struct strata_error *err)
{
	static const char sql[] = "SELECT hnum, blob FROM Packages";
	sqlite3_stmt *stmt = NULL;
	unsigned long long rows = 0;
	int rc;

	if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK)
		return st_error_set(err, STRATA_ECORRUPT,
				    "sqlite Packages table cannot be read: %s", sqlite3_errmsg(db));
	for (;;) {
		rc = sqlite3_step(stmt);
		if (rc != SQLITE_ROW)
			break;
		rows++;
		rc = read_row(r, stmt, err);
		if (rc < 0)
			goto out;
	}
	if (rc == SQLITE_INTERRUPT)
		st_rpmdb_warn(r, "reading stopped after %llu rows: the step budget is spent", rows);
	else if (rc != SQLITE_DONE)
		st_rpmdb_warn(r, "reading stopped after %llu rows: %s", rows, sqlite3_errmsg(db));
	rc = 0;

out:
	sqlite3_finalize(stmt);
	return rc;
}

int st_rpmdb_read_sqlite(struct st_rpmdb_reader *r, struct st_slice file,
			 struct strata_error *err)
{
	struct budget budget;
	sqlite3 *db = NULL;
	int rc;

	if (file.len < 100 || memcmp(file.ptr, "SQLite format 3", 16) != 0)
		return st_error_set(err, STRATA_EUNSUPPORTED, "not a sqlite database");
	budget.checks_left = (BASE_STEPS + (uint64_t)file.len * STEPS_PER_BYTE) / STEPS_PER_CHECK;
	rc = open_copy(&db, file, &budget, err);
	if (rc < 0)
		return rc;
	rc = check_schema(db, err);
	if (rc == 0)
		rc = read_rows(r, db, err);
	sqlite3_close(db);
	return rc;
}
