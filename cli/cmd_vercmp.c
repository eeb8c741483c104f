/* strata vercmp: show how an ecosystem orders two versions. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char vercmp_usage[] =
	"usage: strata vercmp ECOSYSTEM A B\n"
	"\n"
	"Prints '<', '=' or '>' as A sorts before, equal to or after B in the\n"
	"ordering of ECOSYSTEM, named by its purl type: deb, npm, apk, rpm, pypi,\n"
	"maven, golang, gem, nuget, composer, hex, pub, cargo, hackage.\n";

int cmd_vercmp(int argc, char **argv)
{
	struct strata_error err;
	int cmp = 0;

	if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		fputs(vercmp_usage, stdout);
		return EXIT_CLEAN;
	}
	if (argc != 4)
		return cli_usage_error("vercmp takes ECOSYSTEM A B, got %d argument%s; see "
				       "'strata vercmp --help'",
				       argc - 1, argc == 2 ? "" : "s");
	if (strata_version_compare(argv[1], argv[2], argv[3], &cmp, &err) < 0) {
		if (err.code == STRATA_EUNSUPPORTED)
			return cli_usage_error("%s; 'strata vercmp --help' lists the ecosystems",
					       err.msg);
		cli_error(&err);
		return err.code == STRATA_EUNSUPPORTED || err.code == STRATA_EINVAL ? EXIT_USAGE
										   : EXIT_SCAN_ERROR;
	}
	if (cmp < 0)
		puts("<");
	else if (cmp > 0)
		puts(">");
	else
		puts("=");
	return EXIT_CLEAN;
}
