/* strata layers: what each layer of an image adds, changes and wastes. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char layers_usage[] =
	"usage: strata layers [options] IMAGE\n"
	"\n"
	"Shows, for each layer of IMAGE, the history entry that created it, the\n"
	"files it added, modified and removed (count and content bytes), the OS\n"
	"packages it added, upgraded, downgraded or removed, and the language\n"
	"packages whose final version it added. Totals: wasted bytes (content\n"
	"that a later layer overwrote or removed), the efficiency score\n"
	"(1 - wasted / all content bytes) and the paths that waste the most.\n"
	"IMAGE takes the forms of 'strata scan' except dir:PATH.\n"
	"\n"
	"options:\n"
	"  --platform OS/ARCH[/VARIANT]  image to pick from a multi-platform index\n"
	"                                (default linux/amd64)\n"
	"  --format table|json   report format (default table; json is schema\n"
	"                        strata-layers/1, see docs/layers.md)\n"
	"  -o, --output FILE     write the report to FILE instead of stdout\n"
	"  --limit NAME=VALUE    change a limit on untrusted input (docs/LIMITS.md)\n"
	"  -q, --quiet           print errors only, no warnings\n"
	"  -v, --verbose         print progress messages too\n"
	"\n"
	"exit codes: 0 done, 2 usage, 3 error reading the image\n";

enum {
	OPT_PLATFORM = 256,
	OPT_FORMAT,
	OPT_LIMIT,
};

static const struct option layers_options[] = {
	{"platform", required_argument, NULL, OPT_PLATFORM},
	{"format", required_argument, NULL, OPT_FORMAT},
	{"output", required_argument, NULL, 'o'},
	{"limit", required_argument, NULL, OPT_LIMIT},
	{"quiet", no_argument, NULL, 'q'},
	{"verbose", no_argument, NULL, 'v'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

struct layers_cli {
	struct strata_scan_options opts;
	struct cli_log log;
	int format;
	const char *output;
};

/* Returns 0, -1 after --help, or an exit code. */
static int parse_args(struct layers_cli *c, int argc, char **argv, const char **image)
{
	int opt;
	int rc;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":o:qvh", layers_options, NULL)) != -1) {
		switch (opt) {
		case OPT_PLATFORM:
			c->opts.platform = optarg;
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "table") == 0)
				c->format = STRATA_FORMAT_TABLE;
			else if (strcmp(optarg, "json") == 0)
				c->format = STRATA_FORMAT_JSON;
			else
				return cli_usage_error("--format: expected table or json, got '%s'",
						       optarg);
			break;
		case 'o':
			if (optarg[0] == '\0')
				return cli_usage_error("-o: empty file name");
			c->output = optarg;
			break;
		case OPT_LIMIT:
			rc = cli_apply_limit(&c->opts.limits, optarg);
			if (rc != 0)
				return rc;
			break;
		case 'q':
			c->log.min_level = STRATA_LOG_ERROR;
			break;
		case 'v':
			c->log.min_level = STRATA_LOG_DEBUG;
			break;
		case 'h':
			fputs(layers_usage, stdout);
			return -1;
		case ':':
			return cli_usage_error("option '%s' needs a value; see 'strata layers --help'",
					       argv[optind - 1]);
		default:
			return cli_usage_error("unknown option '%s'; see 'strata layers --help'",
					       argv[optind - 1]);
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("layers takes exactly one IMAGE, got %d; see 'strata layers "
				       "--help'",
				       argc - optind);
	*image = argv[optind];
	return 0;
}

int cmd_layers(int argc, char **argv)
{
	struct strata_layers *layers = NULL;
	struct strata_error err;
	struct layers_cli c;
	const char *image = NULL;
	FILE *out = stdout;
	int rc;

	memset(&c, 0, sizeof(c));
	strata_scan_options_init(&c.opts);
	c.format = STRATA_FORMAT_TABLE;
	c.log.min_level = STRATA_LOG_WARN;
	c.opts.log = cli_log;
	c.opts.log_ctx = &c.log;

	rc = parse_args(&c, argc, argv, &image);
	if (rc != 0)
		return rc < 0 ? EXIT_CLEAN : rc;
	rc = cli_check_output(c.output, image);
	if (rc != 0)
		return rc;

	if (strata_layers_analyze(&layers, image, &c.opts, &err) < 0) {
		cli_error(&err);
		return err.code == STRATA_EINVAL ? EXIT_USAGE : EXIT_SCAN_ERROR;
	}
	if (c.output != NULL) {
		out = fopen(c.output, "w");
		if (out == NULL) {
			fprintf(stderr, "strata: error: cannot write %s: %s\n", c.output,
				strerror(errno));
			strata_layers_free(layers);
			return EXIT_SCAN_ERROR;
		}
	}
	rc = strata_layers_report_write(layers, out, c.format, &err);
	if (out != stdout && fclose(out) != 0 && rc == 0) {
		fprintf(stderr, "strata: error: cannot write %s: %s\n", c.output, strerror(errno));
		rc = -1;
		err.msg[0] = '\0';
	}
	strata_layers_free(layers);
	if (rc < 0) {
		if (err.msg[0] != '\0')
			cli_error(&err);
		return EXIT_SCAN_ERROR;
	}
	return EXIT_CLEAN;
}
