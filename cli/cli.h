/* Shared pieces of the strata command line. */
#ifndef STRATA_CLI_H
#define STRATA_CLI_H

#include <stdbool.h>

#include <strata/strata.h>

/* Exit codes; docs in README.md. A findings exit code chosen with
 * --exit-code must differ from the others. */
enum cli_exit {
	EXIT_CLEAN = 0,      /* nothing to report, or findings without --exit-code */
	EXIT_FINDINGS = 1,   /* default value of --exit-code */
	EXIT_USAGE = 2,      /* invalid command line */
	EXIT_SCAN_ERROR = 3, /* unreadable, corrupt or over-limit input; I/O failure */
};

struct cli_log {
	int min_level; /* messages below this level are dropped */
};

/* A strata_scan_options.log callback printing "strata: LEVEL: MSG" on
 * stderr. */
void cli_log(void *ctx, int level, const char *msg);

/* Prints "strata: error: MSG" for ERR on stderr. */
void cli_error(const struct strata_error *err);

/* Prints a formatted usage error and returns EXIT_USAGE. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Applies "--limit NAME=VALUE" to LIM; returns 0 or EXIT_USAGE. */
int cli_apply_limit(struct strata_limits *lim, const char *arg);

/* Checks that a report written to OUTPUT cannot overwrite the image that
 * IMAGE names: the same file, or a file inside an OCI layout directory.
 * Returns EXIT_USAGE with a message when it could, else 0. */
int cli_check_output(const char *output, const char *image);

/* Checks that OUTPUT is not the file PATH, named KIND in the message
 * ("vulnerability database"): the same file, or the same path when
 * neither exists yet. Returns EXIT_USAGE with a message when it is,
 * else 0. */
int cli_check_output_file(const char *output, const char *path, const char *kind);

int cmd_scan(int argc, char **argv);
int cmd_layers(int argc, char **argv);
int cmd_db(int argc, char **argv);
int cmd_vercmp(int argc, char **argv);

#endif
