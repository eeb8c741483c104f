/* strata: command-line entry point and subcommand dispatch. */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

static const char usage_text[] =
	"usage: strata <command> [options]\n"
	"\n"
	"commands:\n"
	"  scan IMAGE              inventory an image and report known vulnerabilities\n"
	"  layers IMAGE            show what each layer adds, changes, removes and wastes\n"
	"  db import PATH...       load advisories from vendor and OSV feeds\n"
	"  db status               list the sources in the vulnerability database\n"
	"  vercmp ECOSYSTEM A B    compare two versions: prints <, = or >\n"
	"  version                 print the version\n"
	"\n"
	"Run 'strata COMMAND --help' for the options of a command.\n";

/* Writes "strata: LABEL: MSG" to stderr. Messages quote names from images
 * and feeds, so control bytes (a terminal escape sequence in a file name)
 * are shown as '?'. */
static void put_message(const char *label, const char *msg)
{
	const unsigned char *p = (const unsigned char *)msg;

	fprintf(stderr, "strata: %s: ", label);
	for (; *p != '\0'; p++)
		fputc(*p < 0x20 || *p == 0x7f ? '?' : *p, stderr);
	fputc('\n', stderr);
}

void cli_log(void *ctx, int level, const char *msg)
{
	const struct cli_log *log = ctx;
	static const char *const names[] = {"debug", "info", "warning", "error"};

	if (log != NULL && level < log->min_level)
		return;
	if (level < 0 || level > STRATA_LOG_ERROR)
		level = STRATA_LOG_ERROR;
	put_message(names[level], msg);
}

void cli_error(const struct strata_error *err)
{
	if (err->msg[0] != '\0')
		put_message("error", err->msg);
	else
		fprintf(stderr, "strata: error: %s\n", strata_strerror(err->code));
}

int cli_usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("strata: error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n", stderr);
	return EXIT_USAGE;
}

int cli_apply_limit(struct strata_limits *lim, const char *arg)
{
	struct strata_error err;
	char name[64];
	const char *eq = strchr(arg, '=');
	size_t n;

	if (eq == NULL)
		return cli_usage_error("--limit takes NAME=VALUE, got '%s'", arg);
	n = (size_t)(eq - arg);
	if (n == 0 || n >= sizeof(name))
		return cli_usage_error("--limit: invalid limit name in '%s'", arg);
	memcpy(name, arg, n);
	name[n] = '\0';
	if (strata_limits_set(lim, name, eq + 1, &err) < 0)
		return cli_usage_error("--limit: %s%s", err.msg,
				       err.code == STRATA_ENOTFOUND
					       ? " (the names are listed in docs/LIMITS.md)"
					       : "");
	return 0;
}

/* Finds the file or directory that image reference REF names: REF
 * without its form prefix, then also without a ":TAG" or "@DIGEST"
 * suffix. Stores it in PATH and its status in *ST; returns false when
 * neither path exists. */
static bool stat_image_path(const char *ref, char *path, size_t size, struct stat *st)
{
	static const char *const prefixes[] = {"docker-archive:", "oci-archive:", "oci:", "dir:"};
	char *cut;
	size_t i;

	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		if (strncmp(ref, prefixes[i], strlen(prefixes[i])) == 0) {
			ref += strlen(prefixes[i]);
			break;
		}
	}
	if ((size_t)snprintf(path, size, "%s", ref) >= size)
		return false;
	if (stat(path, st) == 0)
		return true;
	cut = strrchr(path, '@');
	if (cut == NULL || strchr(cut, '/') != NULL)
		cut = strrchr(path, ':');
	if (cut == NULL || strchr(cut, '/') != NULL)
		return false;
	*cut = '\0';
	return stat(path, st) == 0;
}

/* Symbolic links followed to find where a file that does not exist yet
 * would be written. */
#define OUTPUT_LINK_HOPS 8

/* Writes into OUT (PATH_MAX bytes) the absolute path at which writing
 * PATH creates a file that does not exist yet: the links at PATH
 * followed (a link to a missing file is written through), its directory
 * resolved, then its name. Returns false when that cannot be worked out. */
static bool new_file_path(const char *path, char *out)
{
	char cur[PATH_MAX];
	char dir[PATH_MAX];
	char base[PATH_MAX];
	char real[PATH_MAX];
	char target[PATH_MAX];
	int hops;

	if ((size_t)snprintf(cur, sizeof(cur), "%s", path) >= sizeof(cur))
		return false;
	for (hops = 0; hops < OUTPUT_LINK_HOPS; hops++) {
		ssize_t n = readlink(cur, target, sizeof(target) - 1);
		char *slash;

		if (n < 0)
			break;
		target[n] = '\0';
		slash = strrchr(cur, '/');
		if (target[0] == '/' || slash == NULL)
			snprintf(cur, sizeof(cur), "%s", target);
		else if ((size_t)snprintf(slash + 1, sizeof(cur) - (size_t)(slash + 1 - cur), "%s",
					  target) >= sizeof(cur) - (size_t)(slash + 1 - cur))
			return false;
	}
	if ((size_t)snprintf(dir, sizeof(dir), "%s", cur) >= sizeof(dir) ||
	    (size_t)snprintf(base, sizeof(base), "%s", cur) >= sizeof(base) ||
	    realpath(dirname(dir), real) == NULL)
		return false;
	return (size_t)snprintf(out, PATH_MAX, "%s/%s", real, basename(base)) < PATH_MAX;
}

int cli_check_output_file(const char *output, const char *path, const char *kind)
{
	char a[PATH_MAX];
	char b[PATH_MAX];
	struct stat in;
	struct stat out;
	bool in_exists;
	bool out_exists;
	bool same;

	if (output == NULL || path == NULL)
		return 0;
	in_exists = stat(path, &in) == 0;
	out_exists = stat(output, &out) == 0;
	if (in_exists && out_exists)
		same = out.st_dev == in.st_dev && out.st_ino == in.st_ino;
	else if (!in_exists && !out_exists && new_file_path(path, a) && new_file_path(output, b))
		same = strcmp(a, b) == 0;
	else
		/* Paths too long to resolve are compared as given. */
		same = !in_exists && !out_exists && strcmp(path, output) == 0;
	if (same)
		return cli_usage_error("-o %s is the %s %s itself; write the report elsewhere",
				       output, kind, path);
	return 0;
}

int cli_check_output(const char *output, const char *image)
{
	char image_path[PATH_MAX];
	char image_real[PATH_MAX];
	char parent[PATH_MAX];
	char parent_real[PATH_MAX];
	struct stat in;
	struct stat out;
	size_t n;

	if (output == NULL || image == NULL || strcmp(image, "-") == 0 ||
	    !stat_image_path(image, image_path, sizeof(image_path), &in))
		return 0;
	if (!S_ISDIR(in.st_mode)) {
		if (stat(output, &out) == 0 && out.st_dev == in.st_dev && out.st_ino == in.st_ino)
			return cli_usage_error("-o %s is the image %s itself; write the report "
					       "elsewhere",
					       output, image);
		return 0;
	}
	/* An OCI layout directory: the report may not go anywhere inside it.
	 * A root file system (dir:) may be the host's own, whose reports
	 * rightly go inside it. */
	if ((size_t)snprintf(parent, sizeof(parent), "%s/oci-layout", image_path) >= sizeof(parent) ||
	    stat(parent, &out) != 0)
		return 0;
	if ((size_t)snprintf(parent, sizeof(parent), "%s", output) >= sizeof(parent) ||
	    realpath(dirname(parent), parent_real) == NULL ||
	    realpath(image_path, image_real) == NULL)
		return 0;
	n = strlen(image_real);
	if (strncmp(parent_real, image_real, n) == 0 &&
	    (parent_real[n] == '\0' || parent_real[n] == '/'))
		return cli_usage_error("-o %s is inside the OCI layout of the image %s; write "
				       "the report elsewhere",
				       output, image);
	return 0;
}

static int run_command(int argc, char **argv)
{
	const char *cmd;

	if (argc < 2) {
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
	cmd = argv[1];
	if (strcmp(cmd, "scan") == 0)
		return cmd_scan(argc - 1, argv + 1);
	if (strcmp(cmd, "layers") == 0)
		return cmd_layers(argc - 1, argv + 1);
	if (strcmp(cmd, "db") == 0)
		return cmd_db(argc - 1, argv + 1);
	if (strcmp(cmd, "vercmp") == 0)
		return cmd_vercmp(argc - 1, argv + 1);
	if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
		printf("strata %s\n", STRATA_VERSION);
		return EXIT_CLEAN;
	}
	if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
		fputs(usage_text, stdout);
		return EXIT_CLEAN;
	}
	fputs(usage_text, stderr);
	return cli_usage_error("unknown command '%s'", cmd);
}

int main(int argc, char **argv)
{
	int rc = run_command(argc, argv);
	int flushed = fflush(stdout);

	/* A script reads the output of db status or vercmp, so output that
	 * did not reach it (a full disk, a closed pipe) fails the command.
	 * The report writers print their own error and return
	 * EXIT_SCAN_ERROR. */
	if ((flushed != 0 || ferror(stdout)) && rc != EXIT_SCAN_ERROR) {
		if (flushed != 0)
			fprintf(stderr, "strata: error: writing to standard output failed: %s\n",
				strerror(errno));
		else
			fputs("strata: error: writing to standard output failed\n", stderr);
		rc = EXIT_SCAN_ERROR;
	}
	return rc;
}
