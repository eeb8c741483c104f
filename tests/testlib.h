/* Helpers shared by several unit-test programs: a line reader for the
 * version vector files under tests/data/, in-memory tar layers for
 * st_catalog_layers, and a temporary vulnerability store. Failures are printed to stderr or abort the test
 * program, because only tests call these. */
#ifndef STRATA_TEST_TESTLIB_H
#define STRATA_TEST_TESTLIB_H

#include <stdbool.h>
#include <stddef.h>

#include "image/walk.h"
#include "inventory/inventory.h"
#include "util/util.h"

/* Vector files ------------------------------------------------------------ */

/* A whole data file read into memory and the reader's place in it. */
struct st_test_lines {
	struct st_buf buf;
	size_t pos;
	unsigned lineno;
};

/* Reads tests/data/REL, at most 1 MiB, into L. On failure, prints the error
 * and returns < 0. */
int st_test_lines_open(struct st_test_lines *l, const char *rel);

/* Sets *LINE to the next line without its LF or CRLF. Returns false at the
 * end. */
bool st_test_lines_next(struct st_test_lines *l, struct st_slice *line);

/* Frees the buffer of L. */
void st_test_lines_close(struct st_test_lines *l);

/* Whether LINE is blank or, after blanks, starts with '#' or '//'. */
bool st_test_is_comment(struct st_slice line);

/* Copies S and a NUL into DST of CAP bytes. Returns false when S does not
 * fit. */
bool st_test_copy_field(char *dst, size_t cap, struct st_slice s);

/* In-memory tar layers ---------------------------------------------------- */

/* A member of a test layer. */
struct st_test_tar_entry {
	const char *path;
	const char *data;   /* regular file; NULL for a symlink */
	const char *target; /* symlink */
};

/* Up to four layers, each an array of ENTRIES[i] with COUNTS[i] members. */
struct st_test_layers {
	const struct st_test_tar_entry *entries[4];
	size_t counts[4];
};

/* Layer opener for st_catalog_layers, with a struct st_test_layers as CTX.
 * Writes layer INDEX as a pax archive of at most 1 MiB into a new memory
 * stream, and aborts on any failure. */
int st_test_open_layer(void *ctx, size_t index, struct st_stream **out,
		       struct strata_error *err);

/* Returns a regular-file st_walk_file for PATH with content DATA, written
 * by LAYER; the strings are borrowed. */
struct st_walk_file st_test_walk_file(const char *path, const char *data, size_t layer);

/* Returns the first package of INV with TYPE and NAME, or NULL. */
const struct st_package *st_test_find_package(const struct st_inventory *inv, const char *type,
					      const char *name);

/* Temporary vulnerability store ------------------------------------------ */

struct st_db;

/* A new store in its own temporary directory, with limits at their
 * defaults and a diag sink that appends each message at MIN_LEVEL or above
 * (enum st_diag_level) to LOG, one per line, as long as LOG has room. */
struct st_test_store {
	char dir[64];
	char db_path[128];
	struct st_db *db;
	struct strata_limits lim;
	struct st_diag diag;
	int min_level;
	char log[32768];
	size_t log_len;
};

/* Creates /tmp/strata-TAG-test-XXXXXX and the store in it. Prints the
 * error and returns false on failure. */
bool st_test_store_setup(struct st_test_store *fx, const char *tag, int min_level);

/* Closes the store and removes its directory. */
void st_test_store_teardown(struct st_test_store *fx);

#endif
