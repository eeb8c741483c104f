/* strata scan: inventory an image and report known vulnerabilities. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli.h"

static const char scan_usage[] =
	"usage: strata scan [options] IMAGE\n"
	"\n"
	"IMAGE is a docker-archive tarball ('docker save'), an OCI image layout\n"
	"directory or a tar of one; the form is detected, or given by a prefix:\n"
	"docker-archive:PATH[:TAG|:@INDEX], oci:PATH[:TAG|@DIGEST],\n"
	"oci-archive:PATH[:TAG|@DIGEST].\n"
	"dir:PATH scans a root filesystem directory, without following its links.\n"
	"'-' reads a docker-archive or oci-archive tar from standard input.\n"
	"\n"
	"options:\n"
	"  --platform OS/ARCH[/VARIANT]  image to pick from a multi-platform index\n"
	"                                (default linux/amd64)\n"
	"  --db PATH             vulnerability database (default\n"
	"                        $XDG_CACHE_HOME/strata/vuln.db)\n"
	"  --no-vuln             inventory only: do not match vulnerabilities\n"
	"  --format table|json   report format (default table)\n"
	"  -o, --output FILE     write the report to FILE instead of stdout\n"
	"  --severity LIST       show only these severities, comma-separated:\n"
	"                        CRITICAL,HIGH,MEDIUM,LOW,NEGLIGIBLE,UNKNOWN\n"
	"  --ignore-unfixed      hide findings that have no fixed version\n"
	"  --status LIST         show only findings with these statuses, comma-separated:\n"
	"                        fixed,affected,will-not-fix,fix-deferred,end-of-life\n"
	"  --show-owned          also list language packages that an OS package owns\n"
	"  --layers squashed|all squashed (default): the packages of the final file\n"
	"                        system; all: also the OS packages that a later layer\n"
	"                        removed, marked as removed and never matched\n"
	"  --exit-code N         exit with N (1 to 125, not 2 or 3) when findings\n"
	"                        remain after the filters; without it, findings do\n"
	"                        not change the exit code. Exit 3 when the database\n"
	"                        has no advisories for some of the packages (they\n"
	"                        were not checked)\n"
	"  --limit NAME=VALUE    change a limit on untrusted input (docs/LIMITS.md)\n"
	"  -q, --quiet           print errors only, no warnings\n"
	"  -v, --verbose         print progress messages too\n"
	"\n"
	"exit codes: 0 clean, N (--exit-code) findings, 2 usage, 3 scan error or\n"
	"(with --exit-code) packages left unchecked\n";

enum {
	OPT_PLATFORM = 256,
	OPT_DB,
	OPT_NO_VULN,
	OPT_FORMAT,
	OPT_SEVERITY,
	OPT_IGNORE_UNFIXED,
	OPT_STATUS,
	OPT_SHOW_OWNED,
	OPT_EXIT_CODE,
	OPT_LIMIT,
	OPT_LAYERS,
};

static const struct option scan_options[] = {
	{"platform", required_argument, NULL, OPT_PLATFORM},
	{"db", required_argument, NULL, OPT_DB},
	{"no-vuln", no_argument, NULL, OPT_NO_VULN},
	{"format", required_argument, NULL, OPT_FORMAT},
	{"output", required_argument, NULL, 'o'},
	{"severity", required_argument, NULL, OPT_SEVERITY},
	{"ignore-unfixed", no_argument, NULL, OPT_IGNORE_UNFIXED},
	{"status", required_argument, NULL, OPT_STATUS},
	{"show-owned", no_argument, NULL, OPT_SHOW_OWNED},
	{"exit-code", required_argument, NULL, OPT_EXIT_CODE},
	{"limit", required_argument, NULL, OPT_LIMIT},
	{"layers", required_argument, NULL, OPT_LAYERS},
	{"quiet", no_argument, NULL, 'q'},
	{"verbose", no_argument, NULL, 'v'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

/* Parses "HIGH,CRITICAL" into severity bits. */
static int parse_severities(const char *list, unsigned *out)
{
	char word[32];
	const char *p = list;

	*out = 0;
	while (*p != '\0') {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		int idx;

		if (n == 0 || n >= sizeof(word))
			return cli_usage_error("--severity: invalid list '%s'", list);
		memcpy(word, p, n);
		word[n] = '\0';
		idx = strata_severity_index(word);
		if (idx < 0)
			return cli_usage_error("--severity: unknown severity '%s' (expected "
					       "CRITICAL, HIGH, MEDIUM, LOW, NEGLIGIBLE or UNKNOWN)",
					       word);
		*out |= STRATA_SEVERITY_BIT((unsigned)idx);
		p += n;
		/* "HIGH," names an empty item: likely a cut-off list. */
		if (*p == ',' && *++p == '\0')
			return cli_usage_error("--severity: invalid list '%s'", list);
	}
	if (*out == 0)
		return cli_usage_error("--severity: empty list");
	return 0;
}

/* Parses "fixed,will-not-fix" into STRATA_STATUS_* bits. */
static int parse_statuses(const char *list, unsigned *out)
{
	char word[32];
	const char *p = list;

	*out = 0;
	while (*p != '\0') {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		unsigned bit;

		if (n == 0 || n >= sizeof(word))
			return cli_usage_error("--status: invalid list '%s'", list);
		memcpy(word, p, n);
		word[n] = '\0';
		bit = strata_status_bit(word);
		if (bit == 0)
			return cli_usage_error("--status: unknown status '%s' (expected fixed, "
					       "affected, will-not-fix, fix-deferred or "
					       "end-of-life)",
					       word);
		*out |= bit;
		p += n;
		/* "HIGH," names an empty item: likely a cut-off list. */
		if (*p == ',' && *++p == '\0')
			return cli_usage_error("--status: invalid list '%s'", list);
	}
	if (*out == 0)
		return cli_usage_error("--status: empty list");
	return 0;
}

static int parse_exit_code(const char *arg, int *out)
{
	int v = 0;
	size_t i;

	for (i = 0; arg[i] != '\0'; i++) {
		if (arg[i] < '0' || arg[i] > '9' || i >= 3)
			break;
		v = v * 10 + (arg[i] - '0');
	}
	/* 0 would make the gate pass whatever it finds. */
	if (i == 0 || arg[i] != '\0' || v < 1 || v > 125)
		return cli_usage_error("--exit-code: '%s' is not a number from 1 to 125", arg);
	if (v == EXIT_USAGE || v == EXIT_SCAN_ERROR)
		return cli_usage_error("--exit-code: %d is reserved (2 means a usage error, 3 a "
				       "scan error)",
				       v);
	*out = v;
	return 0;
}

struct scan_cli {
	struct strata_scan_options opts;
	struct strata_report_options report;
	struct cli_log log;
	const char *output;
	const char *db_path;
	bool no_vuln;
	bool warn_no_db; /* warned once the scan has run */
	int exit_code;
	char default_db[4096];
};

static int parse_args(struct scan_cli *c, int argc, char **argv, const char **image)
{
	int opt;
	int rc;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":o:qvh", scan_options, NULL)) != -1) {
		switch (opt) {
		case OPT_PLATFORM:
			c->opts.platform = optarg;
			break;
		case OPT_DB:
			if (optarg[0] == '\0')
				return cli_usage_error("--db needs a file path, not an empty string");
			c->db_path = optarg;
			break;
		case OPT_NO_VULN:
			c->no_vuln = true;
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "table") == 0)
				c->report.format = STRATA_FORMAT_TABLE;
			else if (strcmp(optarg, "json") == 0)
				c->report.format = STRATA_FORMAT_JSON;
			else
				return cli_usage_error("--format: expected table or json, got '%s'",
						       optarg);
			break;
		case 'o':
			if (optarg[0] == '\0')
				return cli_usage_error("-o: empty file name");
			c->output = optarg;
			break;
		case OPT_SEVERITY:
			rc = parse_severities(optarg, &c->report.severities);
			if (rc != 0)
				return rc;
			break;
		case OPT_IGNORE_UNFIXED:
			c->report.ignore_unfixed = true;
			break;
		case OPT_STATUS:
			rc = parse_statuses(optarg, &c->report.statuses);
			if (rc != 0)
				return rc;
			break;
		case OPT_SHOW_OWNED:
			c->report.show_owned = true;
			break;
		case OPT_EXIT_CODE:
			rc = parse_exit_code(optarg, &c->exit_code);
			if (rc != 0)
				return rc;
			break;
		case OPT_LIMIT:
			rc = cli_apply_limit(&c->opts.limits, optarg);
			if (rc != 0)
				return rc;
			break;
		case OPT_LAYERS:
			if (strcmp(optarg, "all") == 0)
				c->opts.all_layers = true;
			else if (strcmp(optarg, "squashed") == 0)
				c->opts.all_layers = false;
			else
				return cli_usage_error("--layers: expected squashed or all, got '%s'",
						       optarg);
			break;
		case 'q':
			c->log.min_level = STRATA_LOG_ERROR;
			break;
		case 'v':
			c->log.min_level = STRATA_LOG_DEBUG;
			break;
		case 'h':
			fputs(scan_usage, stdout);
			return -1;
		case ':':
			return cli_usage_error("option '%s' needs a value; see 'strata scan --help'",
					       argv[optind - 1]);
		default:
			return cli_usage_error("unknown option '%s'; see 'strata scan --help'",
					       argv[optind - 1]);
		}
	}
	/* A gate that matches nothing would always pass. */
	if (c->no_vuln && c->exit_code != 0)
		return cli_usage_error("--exit-code and --no-vuln contradict each other: "
				       "--no-vuln skips the vulnerability matching that "
				       "--exit-code gates on");
	if (optind + 1 != argc)
		return cli_usage_error("scan takes exactly one IMAGE, got %d; see 'strata scan "
				       "--help'",
				       argc - optind);
	*image = argv[optind];
	return 0;
}

/* Chooses the database: --db (must exist), else the default path when it
 * exists, else none with a warning. */
static int choose_db(struct scan_cli *c)
{
	struct strata_error err;

	if (c->no_vuln)
		return 0;
	if (c->db_path != NULL) {
		if (access(c->db_path, R_OK) != 0) {
			fprintf(stderr, "strata: error: vulnerability database %s: %s\n",
				c->db_path, strerror(errno));
			return EXIT_SCAN_ERROR;
		}
		c->opts.db_path = c->db_path;
		return 0;
	}
	if (strata_db_default_path(c->default_db, sizeof(c->default_db), &err) == 0 &&
	    access(c->default_db, R_OK) == 0) {
		c->opts.db_path = c->default_db;
		return 0;
	}
	/* A gate must not pass because nothing was checked. */
	if (c->exit_code != 0) {
		fprintf(stderr, "strata: error: --exit-code needs a vulnerability database and "
				"none was found at %s; run 'strata db import PATH...' or pass "
				"--db PATH\n",
			c->default_db[0] ? c->default_db : "the default path");
		return EXIT_SCAN_ERROR;
	}
	/* Printed after the scan, so that a usage error found while opening
	 * the image (an invalid --platform) comes alone. */
	c->warn_no_db = c->log.min_level <= STRATA_LOG_WARN;
	return 0;
}

/* Prints one error per scope of SCAN that was not checked because the
 * database has no advisories for it; returns how many scopes hold
 * packages. */
static size_t report_unchecked(const struct strata_scan *scan)
{
	struct strata_unchecked u;
	size_t failed = 0;
	size_t i;

	for (i = 0; i < strata_scan_unchecked_count(scan); i++) {
		if (strata_scan_get_unchecked(scan, i, &u) < 0 || u.packages == 0)
			continue;
		fprintf(stderr, "strata: error: --exit-code: the %s (%zu) were not checked "
				"because the database has no advisories for them; import their "
				"feed, since a gate never passes unchecked\n",
			u.scope, u.packages);
		failed++;
	}
	return failed;
}

int cmd_scan(int argc, char **argv)
{
	struct strata_scan *scan = NULL;
	struct strata_error err;
	struct scan_cli c;
	const char *image = NULL;
	FILE *out = stdout;
	size_t shown = 0;
	size_t unchecked;
	int rc;

	memset(&c, 0, sizeof(c));
	strata_scan_options_init(&c.opts);
	strata_report_options_init(&c.report);
	c.log.min_level = STRATA_LOG_WARN;
	c.opts.log = cli_log;
	c.opts.log_ctx = &c.log;

	rc = parse_args(&c, argc, argv, &image);
	if (rc != 0)
		return rc < 0 ? EXIT_CLEAN : rc;
	rc = choose_db(&c);
	if (rc != 0)
		return rc;
	rc = cli_check_output(c.output, image);
	if (rc != 0)
		return rc;
	/* Also with --no-vuln: the database a later scan reads must not be
	 * lost to a report, nor its default path taken by one. */
	rc = cli_check_output_file(c.output, c.db_path, "vulnerability database");
	if (rc == 0 && c.db_path == NULL && c.output != NULL &&
	    strata_db_default_path(c.default_db, sizeof(c.default_db), &err) == 0)
		rc = cli_check_output_file(c.output, c.default_db, "vulnerability database");
	if (rc != 0)
		return rc;

	if (strata_scan_image(&scan, image, &c.opts, &err) < 0) {
		cli_error(&err);
		/* An invalid --platform or reference is the caller's mistake. */
		return err.code == STRATA_EINVAL ? EXIT_USAGE : EXIT_SCAN_ERROR;
	}
	if (c.warn_no_db)
		fputs("strata: warning: no vulnerability database (run 'strata db import' or "
		      "pass --db); reporting packages only\n",
		      stderr);
	if (c.output != NULL) {
		out = fopen(c.output, "w");
		if (out == NULL) {
			fprintf(stderr, "strata: error: cannot write %s: %s\n", c.output,
				strerror(errno));
			strata_scan_free(scan);
			return EXIT_SCAN_ERROR;
		}
	}
	rc = strata_report_write(scan, out, &c.report, &shown, &err);
	if (out != stdout && fclose(out) != 0 && rc == 0) {
		fprintf(stderr, "strata: error: cannot write %s: %s\n", c.output, strerror(errno));
		rc = -1;
		err.msg[0] = '\0';
	}
	unchecked = c.exit_code != 0 && rc == 0 ? report_unchecked(scan) : 0;
	strata_scan_free(scan);
	if (rc < 0) {
		if (err.msg[0] != '\0')
			cli_error(&err);
		return EXIT_SCAN_ERROR;
	}
	if (unchecked > 0)
		return EXIT_SCAN_ERROR;
	if (shown > 0 && c.exit_code != 0)
		return c.exit_code;
	return EXIT_CLEAN;
}
