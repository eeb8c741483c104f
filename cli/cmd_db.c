/* strata db: import advisories and show what the database holds. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

static const char db_usage[] =
	"usage: strata db import [--db PATH] [--limit NAME=VALUE] [-q | -v] PATH...\n"
	"       strata db status [--db PATH]\n"
	"\n"
	"import loads every file under each PATH (a file, a directory tree, or a\n"
	"zip archive) in one transaction. Formats, detected from the content:\n"
	"  Debian security tracker JSON, Debian DSA/DLA lists\n"
	"  OSV records, JSON or PyPA YAML, for every ecosystem and distribution\n"
	"  Alpine secdb, Wolfi and Chainguard security JSON\n"
	"  Red Hat CSAF advisories and VEX, Photon CVE JSON\n"
	"  SUSE, Oracle, CBL-Mariner and Azure Linux OVAL XML\n"
	"  Amazon Linux updateinfo.xml and ALAS RSS\n"
	"Inside a directory, only files named like feeds are read: *.json, *.zip,\n"
	"*.xml, *.yaml, *.yml, DSA/list, DLA/list; -v lists the others.\n"
	"Compressed files (.gz, .xz, ...) must be decompressed first. A malformed\n"
	"record is skipped with a warning; any other failure leaves the database\n"
	"as it was.\n"
	"\n"
	"options:\n"
	"  --db PATH           database file (default $XDG_CACHE_HOME/strata/vuln.db)\n"
	"  --limit NAME=VALUE  change a limit on untrusted input (docs/LIMITS.md)\n"
	"  -q, --quiet         print errors only, not the summary\n"
	"  -v, --verbose       also list the files skipped inside directories\n";

enum { OPT_DB = 256, OPT_LIMIT };

static const struct option db_options[] = {
	{"db", required_argument, NULL, OPT_DB},
	{"limit", required_argument, NULL, OPT_LIMIT},
	{"quiet", no_argument, NULL, 'q'},
	{"verbose", no_argument, NULL, 'v'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

/* Prints the counts of an import: records stored, files read, and the
 * malformed records and the files of no known format that were skipped. */
static void print_import_summary(const struct strata_import_result *result)
{
	printf("imported %llu record%s from %llu file%s", (unsigned long long)result->records,
	       result->records == 1 ? "" : "s", (unsigned long long)result->files,
	       result->files == 1 ? "" : "s");
	if (result->skipped > 0)
		printf("; skipped %llu malformed record%s", (unsigned long long)result->skipped,
		       result->skipped == 1 ? "" : "s");
	if (result->skipped_files > 0)
		printf("; skipped %llu file%s of no known format",
		       (unsigned long long)result->skipped_files,
		       result->skipped_files == 1 ? "" : "s");
	putchar('\n');
}

static int db_import(struct strata_db *db, const struct strata_scan_options *opts,
		     int count, char **paths, bool quiet)
{
	struct strata_import_result result;
	struct strata_error err;

	if (count == 0)
		return cli_usage_error("db import needs at least one PATH");
	if (strata_db_import(db, (const char *const *)paths, (size_t)count, opts, &result,
			     &err) < 0) {
		cli_error(&err);
		return EXIT_SCAN_ERROR;
	}
	/* An import step that brings nothing in is a broken feed download,
	 * not a success for a CI pipeline to go on from. */
	if (result.files == 0) {
		fprintf(stderr, "strata: error: no advisory files found under %s%s", paths[0],
			count > 1 ? " and the other paths" : "");
		if (result.skipped_files > 0)
			fprintf(stderr, ": %llu file%s of no known format",
				(unsigned long long)result.skipped_files,
				result.skipped_files == 1 ? "" : "s");
		fputs(" (inside a directory or zip archive, only files named like a feed are "
		      "read; see 'strata db --help')\n",
		      stderr);
		return EXIT_SCAN_ERROR;
	}
	if (result.records == 0) {
		fprintf(stderr, "strata: error: no records imported from %llu file%s\n",
			(unsigned long long)result.files, result.files == 1 ? "" : "s");
		return EXIT_SCAN_ERROR;
	}
	if (!quiet)
		print_import_summary(&result);
	return EXIT_CLEAN;
}

/* Returns true when the directory that would contain PATH exists. */
static bool parent_exists(const char *path)
{
	char dir[4096];
	struct stat st;
	char *slash;

	if ((size_t)snprintf(dir, sizeof(dir), "%s", path) >= sizeof(dir))
		return false;
	slash = strrchr(dir, '/');
	if (slash == NULL)
		return true; /* the working directory */
	if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	return stat(dir, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Removes a database file (and its rollback journal) that this command
 * created. */
static void remove_new_db(const char *path)
{
	char journal[4096];

	unlink(path);
	if ((size_t)snprintf(journal, sizeof(journal), "%s-journal", path) < sizeof(journal))
		unlink(journal);
}

int cmd_db(int argc, char **argv)
{
	struct strata_scan_options opts;
	struct strata_db *db = NULL;
	struct strata_error err;
	struct cli_log log = {STRATA_LOG_WARN};
	const char *path = NULL;
	char default_path[4096];
	const char *verb;
	bool existed;
	bool import;
	bool quiet = false;
	int opt;
	int rc;

	strata_scan_options_init(&opts);
	opts.log = cli_log;
	opts.log_ctx = &log;
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fputs(db_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : EXIT_CLEAN;
	}
	verb = argv[1];
	if (strcmp(verb, "import") == 0)
		import = true;
	else if (strcmp(verb, "status") == 0)
		import = false;
	else
		return cli_usage_error("unknown db command '%s' (expected import or status)", verb);

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc - 1, argv + 1, ":qvh", db_options, NULL)) != -1) {
		switch (opt) {
		case OPT_DB:
			if (optarg[0] == '\0')
				return cli_usage_error("--db needs a file path, not an empty string");
			path = optarg;
			break;
		case OPT_LIMIT:
			rc = cli_apply_limit(&opts.limits, optarg);
			if (rc != 0)
				return rc;
			break;
		case 'q':
			log.min_level = STRATA_LOG_ERROR;
			quiet = true;
			break;
		case 'v':
			log.min_level = STRATA_LOG_INFO;
			quiet = false;
			break;
		case 'h':
			fputs(db_usage, stdout);
			return EXIT_CLEAN;
		case ':':
			/* getopt runs over ARGV + 1, so ARGV[OPTIND] is the
			 * option it just read. */
			return cli_usage_error("option '%s' needs a value; see 'strata db --help'",
					       argv[optind]);
		default:
			return cli_usage_error("unknown option '%s'; see 'strata db --help'",
					       argv[optind]);
		}
	}
	if (path == NULL) {
		if (strata_db_default_path(default_path, sizeof(default_path), &err) < 0) {
			cli_error(&err);
			return EXIT_USAGE;
		}
		path = default_path;
	}
	if (!import && optind != argc - 1)
		return cli_usage_error("db status takes no arguments");

	/* Only the default location is created with its directory: a --db
	 * path whose directory is missing is most likely a typo, for status
	 * too. */
	if (path != default_path && !parent_exists(path)) {
		fprintf(stderr, "strata: error: --db %s: its directory does not exist\n", path);
		return EXIT_USAGE;
	}
	existed = access(path, F_OK) == 0;
	if (strata_db_open(&db, path, import, &err) < 0) {
		if (!import && err.code == STRATA_ENOTFOUND)
			fprintf(stderr, "strata: error: %s; run 'strata db import PATH...' to "
					"create it\n",
				err.msg);
		else
			cli_error(&err);
		/* A --db that names a directory is the caller's mistake. */
		return err.code == STRATA_EINVAL ? EXIT_USAGE : EXIT_SCAN_ERROR;
	}
	if (import) {
		rc = db_import(db, &opts, argc - 1 - optind, argv + 1 + optind, quiet);
		if (rc != EXIT_CLEAN && !existed) {
			/* Leave no empty database behind that a later scan would
			 * take for a checked one. */
			strata_db_close(db);
			remove_new_db(path);
			return rc;
		}
	} else {
		printf("database: %s\n", path);
		rc = EXIT_CLEAN;
		if (strata_db_write_status(db, stdout, &err) < 0) {
			cli_error(&err);
			rc = EXIT_SCAN_ERROR;
		}
	}
	strata_db_close(db);
	return rc;
}
