/* Tests for the reporters, on a scan result assembled by hand: filters,
 * column layout, hostile text and the JSON schema. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "report/report.h"
#include "scan.h"

struct fixture {
	struct strata_scan scan;
	struct st_image image;
	struct st_layer_info layers[2];
	struct st_walk_layer_stats stats[2];
};

static void add_package(struct st_inventory *inv, const char *type, const char *name,
			const char *version, size_t layer)
{
	struct strata_error err;
	struct st_package p;

	memset(&p, 0, sizeof(p));
	p.type = type;
	p.name = name;
	p.version = version;
	p.purl = "pkg:test/x@1";
	p.path = "var/lib/dpkg/status";
	p.layer = layer;
	if (st_inventory_add(inv, &p, &err) < 0)
		abort();
}

static void add_finding(struct st_findings *f, const char *id, size_t package,
			const char *fixed, int status, int severity)
{
	struct st_finding *items = st_reallocarray(f->items, f->count + 1, sizeof(*items));

	if (items == NULL)
		abort();
	f->items = items;
	f->cap = f->count + 1;
	memset(&items[f->count], 0, sizeof(items[0]));
	items[f->count].id = id;
	items[f->count].aliases = "GHSA-aaaa-bbbb-cccc, DSA-1-1";
	items[f->count].package = package;
	items[f->count].fixed_version = fixed;
	items[f->count].status = status;
	items[f->count].severity = severity;
	items[f->count].severity_source = "ghsa";
	items[f->count].source = "osv";
	f->count++;
}

static void fixture_init(struct fixture *fx)
{
	memset(fx, 0, sizeof(*fx));
	fx->image.form = ST_FORM_OCI_DIR;
	fx->image.reference = "oci:demo:latest";
	fx->image.config_digest = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
	fx->image.os = "linux";
	fx->image.architecture = "amd64";
	fx->image.layers = fx->layers;
	fx->image.layer_count = 2;
	fx->layers[0].digest = "sha256:aaaaaaaaaaaa0000000000000000000000000000000000000000000000000000";
	fx->layers[0].created_by = "mmdebstrap";
	fx->layers[1].digest = "sha256:bbbbbbbbbbbb0000000000000000000000000000000000000000000000000000";
	fx->layers[1].created_by = "npm ci\x1b[31m";
	fx->scan.image = &fx->image;
	fx->scan.layer_stats = fx->stats;
	fx->scan.matched = true;
	st_inventory_init(&fx->scan.inv);
	st_findings_init(&fx->scan.findings);
	add_package(&fx->scan.inv, "deb", "bash", "5.2.15-2+b2", 0);
	add_package(&fx->scan.inv, "npm", "evil\x1b]0;title\x07pkg", "1.0.0", 1);
	add_package(&fx->scan.inv, "npm", "lodash", "4.17.15", 1);
	add_finding(&fx->scan.findings, "CVE-2021-23337", 2, "4.17.21", ST_STATUS_FIXED,
		    ST_SEVERITY_HIGH);
	add_finding(&fx->scan.findings, "CVE-2099-0001", 1, NULL, ST_STATUS_AFFECTED,
		    ST_SEVERITY_LOW);
}

static void fixture_dispose(struct fixture *fx)
{
	st_inventory_dispose(&fx->scan.inv);
	st_findings_dispose(&fx->scan.findings);
}

/* Runs the reporter into memory; returns a malloc'ed NUL-terminated text. */
static char *render(struct fixture *fx, const struct strata_report_options *opts, size_t *shown)
{
	struct strata_error err;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int rc;

	if (f == NULL)
		return NULL;
	rc = strata_report_write(&fx->scan, f, opts, shown, &err);
	fclose(f);
	if (rc < 0) {
		free(text);
		return NULL;
	}
	return text;
}

ST_TEST(table_lists_findings_worst_first)
{
	struct strata_report_options opts;
	struct fixture fx;
	size_t shown = 0;
	char *text;

	fixture_init(&fx);
	strata_report_options_init(&opts);
	text = render(&fx, &opts, &shown);
	ST_CHECK(text != NULL);
	ST_CHECK_INT(shown, 2);
	ST_CHECK(strstr(text, "Packages: 3 (deb 1, npm 2)") != NULL);
	ST_CHECK(strstr(text, "Findings: 2 (HIGH 1, LOW 1)") != NULL);
	ST_CHECK(strstr(text, "CVE-2021-23337") < strstr(text, "CVE-2099-0001"));
	ST_CHECK(strstr(text, "1 bbbbbbbbbbbb") != NULL);
	free(text);
	fixture_dispose(&fx);
	return ST_TEST_PASS;
}

/* Regression: the SEVERITY column was as wide as its heading, so
 * "NEGLIGIBLE" ran into the status ("NEGLIGIBLEwill-not-fix"). */
ST_TEST(table_fits_the_longest_severity)
{
	struct strata_report_options opts;
	struct fixture fx;
	char *text;

	fixture_init(&fx);
	fx.scan.findings.items[1].severity = ST_SEVERITY_NEGLIGIBLE;
	fx.scan.findings.items[1].status = ST_STATUS_WILL_NOT_FIX;
	strata_report_options_init(&opts);
	text = render(&fx, &opts, NULL);
	ST_CHECK(text != NULL);
	ST_CHECK(strstr(text, "NEGLIGIBLE  will-not-fix") != NULL);
	free(text);
	fixture_dispose(&fx);
	return ST_TEST_PASS;
}

ST_TEST(table_replaces_control_bytes)
{
	struct strata_report_options opts;
	struct fixture fx;
	char *text;

	fixture_init(&fx);
	strata_report_options_init(&opts);
	text = render(&fx, &opts, NULL);
	ST_CHECK(text != NULL);
	ST_CHECK(strchr(text, '\x1b') == NULL);
	ST_CHECK(strchr(text, '\x07') == NULL);
	ST_CHECK(strstr(text, "evil?]0;title?pkg") != NULL);
	free(text);
	fixture_dispose(&fx);
	return ST_TEST_PASS;
}

/* A history entry's created_by is cut in the table, as in `strata layers`:
 * a crafted config could carry megabytes of it. */
ST_TEST(table_cuts_long_created_by)
{
	struct strata_report_options opts;
	struct fixture fx;
	char long_text[4096];
	char *text;
	const char *line;

	memset(long_text, 'r', sizeof(long_text) - 1);
	long_text[sizeof(long_text) - 1] = '\0';
	fixture_init(&fx);
	fx.layers[0].created_by = long_text;
	strata_report_options_init(&opts);
	text = render(&fx, &opts, NULL);
	ST_CHECK(text != NULL);
	line = strstr(text, "rrrr");
	ST_CHECK(line != NULL);
	ST_CHECK_INT(strcspn(line, "\n"), ST_REPORT_MAX_TEXT + 1);
	ST_CHECK(line[ST_REPORT_MAX_TEXT] == '~');
	free(text);

	/* Regression: a two-byte character across the cut was split. */
	long_text[ST_REPORT_MAX_TEXT - 1] = (char)0xc3;
	long_text[ST_REPORT_MAX_TEXT] = (char)0xa9;
	text = render(&fx, &opts, NULL);
	ST_CHECK(text != NULL);
	line = strstr(text, "rrrr");
	ST_CHECK(line != NULL);
	ST_CHECK_INT(strcspn(line, "\n"), ST_REPORT_MAX_TEXT);
	ST_CHECK(line[ST_REPORT_MAX_TEXT - 1] == '~');
	free(text);
	fixture_dispose(&fx);
	return ST_TEST_PASS;
}

ST_TEST(table_filters_severity_and_unfixed)
{
	struct strata_report_options opts;
	struct fixture fx;
	size_t shown = 99;
	char *text;

	fixture_init(&fx);
	strata_report_options_init(&opts);
	opts.ignore_unfixed = true;
	text = render(&fx, &opts, &shown);
	ST_CHECK_INT(shown, 1);
	ST_CHECK(strstr(text, "CVE-2099-0001") == NULL);
	free(text);

	opts.ignore_unfixed = false;
	opts.severities = STRATA_SEVERITY_BIT(strata_severity_index("critical"));
	text = render(&fx, &opts, &shown);
	ST_CHECK_INT(shown, 0);
	ST_CHECK(strstr(text, "Findings: 0") != NULL);
	free(text);
	fixture_dispose(&fx);
	return ST_TEST_PASS;
}

ST_TEST(table_without_database_says_so)
{
	struct strata_report_options opts;
	struct fixture fx;
	char *text;

	fixture_init(&fx);
	fx.scan.matched = false;
	strata_report_options_init(&opts);
	text = render(&fx, &opts, NULL);
	ST_CHECK(strstr(text, "not checked") != NULL);
	free(text);
	fixture_dispose(&fx);
	return ST_TEST_PASS;
}

/* Regression: with no vulnerability database (strata scan --no-vuln) the
 * table showed only the package counts, never the packages. */
ST_TEST(table_lists_packages_without_database)
{
	static const char expected[] =
		"Findings: not checked (no vulnerability database was used)\n"
		"\n"
		"TYPE  NAME                                              VERSION      LAYER           NOTE\n"
		"deb   bash                                              5.2.15-2+b2  0 aaaaaaaaaaaa  kernel\n"
		"npm   evil?]0;title?pkg                                 1.0.0        1 bbbbbbbbbbbb\n"
		"npm   lodash                                            4.17.15      1 bbbbbbbbbbbb  owned by deb:node-?[2Jlodash, dev\n"
		"npm   left-pad-with-a-name-longer-than-the-column-cap~  -            0 aaaaaaaaaaaa  removed in layer 1, global, unversioned\n";
	struct strata_report_options opts;
	struct fixture fx;
	char *text;

	fixture_init(&fx);
	fx.scan.matched = false;
	fx.scan.inv.packages[0].flags = ST_PKG_KERNEL_HEADERS;
	fx.scan.inv.packages[2].flags = ST_PKG_OS_OWNED | ST_PKG_DEV;
	fx.scan.inv.packages[2].owner = "deb:node-\x1b[2Jlodash";
	add_package(&fx.scan.inv, "npm", "left-pad-with-a-name-longer-than-the-column-cap-of-48",
		    NULL, 0);
	fx.scan.inv.packages[3].flags = ST_PKG_REMOVED | ST_PKG_GLOBAL | ST_PKG_UNVERSIONED;
	fx.scan.inv.packages[3].removed_in = 1;
	strata_report_options_init(&opts);
	opts.show_owned = true;
	text = render(&fx, &opts, NULL);
	ST_CHECK(text != NULL);
	ST_CHECK(strstr(text, "Packages: 4 (deb 1, npm 3), 1 of them removed by a later layer\n") !=
		 NULL);
	if (strstr(text, expected) == NULL)
		fprintf(stderr, "# got:\n%s", text);
	ST_CHECK(strstr(text, expected) != NULL);
	ST_CHECK(strstr(text, "\x1b") == NULL);
	ST_CHECK(strstr(text, "\x07") == NULL);
	free(text);

	/* Without --show-owned the OS-owned package is counted, not listed. */
	opts.show_owned = false;
	text = render(&fx, &opts, NULL);
	ST_CHECK(text != NULL);
	ST_CHECK(strstr(text, "1 more owned by OS packages") != NULL);
	ST_CHECK(strstr(text, "lodash") == NULL);
	ST_CHECK(strstr(text, "\nnpm   evil?]0;title?pkg") != NULL);
	free(text);
	fixture_dispose(&fx);
	return ST_TEST_PASS;
}

/* With a database the table lists findings, not the inventory. */
ST_TEST(table_with_database_lists_no_packages)
{
	struct strata_report_options opts;
	struct fixture fx;
	char *text;

	fixture_init(&fx);
	strata_report_options_init(&opts);
	text = render(&fx, &opts, NULL);
	ST_CHECK(text != NULL);
	ST_CHECK(strstr(text, "TYPE") == NULL);
	ST_CHECK(strstr(text, "\nbash") == NULL);
	ST_CHECK(strstr(text, "\nID ") != NULL);
	free(text);
	fixture_dispose(&fx);
	return ST_TEST_PASS;
}

/* An inventory-only scan that found nothing prints no empty table. */
ST_TEST(table_without_packages_has_no_header)
{
	struct strata_report_options opts;
	struct fixture fx;
	char *text;

	fixture_init(&fx);
	fx.scan.matched = false;
	fx.scan.inv.count = 0;
	strata_report_options_init(&opts);
	text = render(&fx, &opts, NULL);
	ST_CHECK(text != NULL);
	ST_CHECK(strstr(text, "Packages: 0\n") != NULL);
	ST_CHECK(strstr(text, "TYPE") == NULL);
	free(text);
	fixture_dispose(&fx);
	return ST_TEST_PASS;
}

ST_TEST(json_report_follows_schema)
{
	struct strata_report_options opts;
	struct fixture fx;
	json_error_t jerr;
	json_t *root, *f0, *pkgs;
	char *text;

	fixture_init(&fx);
	strata_report_options_init(&opts);
	opts.format = STRATA_FORMAT_JSON;
	text = render(&fx, &opts, NULL);
	ST_CHECK(text != NULL);
	root = json_loads(text, 0, &jerr);
	ST_CHECK(root != NULL);
	ST_CHECK_STR(json_string_value(json_object_get(root, "schema")), "strata-scan/1");
	ST_CHECK_STR(json_string_value(json_object_get(json_object_get(root, "image"), "form")),
		     "oci");
	ST_CHECK_STR(json_string_value(json_object_get(json_object_get(root, "image"), "platform")),
		     "linux/amd64");
	pkgs = json_object_get(root, "packages");
	ST_CHECK_INT(json_array_size(pkgs), 3);
	ST_CHECK_INT(json_integer_value(json_object_get(json_array_get(pkgs, 2), "layer_index")), 1);
	ST_CHECK_INT(json_array_size(json_object_get(root, "layers")), 2);
	f0 = json_array_get(json_object_get(root, "findings"), 0);
	ST_CHECK_STR(json_string_value(json_object_get(f0, "id")), "CVE-2021-23337");
	ST_CHECK_STR(json_string_value(json_object_get(f0, "fixed_version")), "4.17.21");
	ST_CHECK_STR(json_string_value(json_object_get(f0, "severity")), "HIGH");
	ST_CHECK_STR(json_string_value(json_object_get(f0, "status")), "fixed");
	ST_CHECK_INT(json_array_size(json_object_get(f0, "aliases")), 2);
	ST_CHECK_STR(json_string_value(json_array_get(json_object_get(f0, "aliases"), 1)),
		     "DSA-1-1");
	json_decref(root);
	free(text);
	fixture_dispose(&fx);
	return ST_TEST_PASS;
}

ST_TEST(json_report_repairs_invalid_utf8)
{
	struct strata_report_options opts;
	struct fixture fx;
	json_error_t jerr;
	json_t *root;
	char *text;

	fixture_init(&fx);
	add_package(&fx.scan.inv, "npm", "bad\xff\xfename", "1.0.0", 0);
	strata_report_options_init(&opts);
	opts.format = STRATA_FORMAT_JSON;
	text = render(&fx, &opts, NULL);
	ST_CHECK(text != NULL);
	root = json_loads(text, 0, &jerr);
	ST_CHECK(root != NULL);
	ST_CHECK_STR(json_string_value(json_object_get(
			     json_array_get(json_object_get(root, "packages"), 3), "name")),
		     "bad\xef\xbf\xbd\xef\xbf\xbdname");
	json_decref(root);
	free(text);
	fixture_dispose(&fx);
	return ST_TEST_PASS;
}

ST_TEST(status_filter_and_bits)
{
	struct strata_report_options opts;
	struct fixture fx;
	size_t shown = 0;
	char *text;

	ST_CHECK_INT(strata_status_bit("fixed"), STRATA_STATUS_FIXED);
	ST_CHECK_INT(strata_status_bit("will-not-fix"), STRATA_STATUS_WILL_NOT_FIX);
	ST_CHECK_INT(strata_status_bit("end-of-life"), STRATA_STATUS_END_OF_LIFE);
	ST_CHECK_INT(strata_status_bit("not-affected"), 0);
	ST_CHECK_INT(strata_status_bit("Fixed"), 0);
	ST_CHECK_INT(strata_status_bit(NULL), 0);

	fixture_init(&fx);
	add_finding(&fx.scan.findings, "CVE-2099-0002", 0, NULL, ST_STATUS_WILL_NOT_FIX,
		    ST_SEVERITY_MEDIUM);
	strata_report_options_init(&opts);
	opts.statuses = STRATA_STATUS_WILL_NOT_FIX | STRATA_STATUS_AFFECTED;
	text = render(&fx, &opts, &shown);
	ST_CHECK(text != NULL);
	ST_CHECK_INT(shown, 2);
	ST_CHECK(strstr(text, "CVE-2099-0002") != NULL);
	ST_CHECK(strstr(text, "will-not-fix") != NULL);
	ST_CHECK(strstr(text, "CVE-2021-23337") == NULL);
	free(text);
	fixture_dispose(&fx);
	return ST_TEST_PASS;
}

ST_TEST(owned_packages_hidden_unless_asked)
{
	struct strata_report_options opts;
	struct fixture fx;
	json_error_t jerr;
	json_t *root, *pkgs, *flags;
	char *text;

	fixture_init(&fx);
	fx.scan.inv.packages[2].flags = ST_PKG_OS_OWNED;
	fx.scan.inv.packages[2].owner = "deb:node-lodash";
	fx.scan.inv.packages[0].flags = ST_PKG_KERNEL_HEADERS;
	fx.scan.inv.os.found = true;
	fx.scan.inv.os.id = "debian";
	fx.scan.inv.os.family = "debian";
	fx.scan.inv.os.distro_key = "debian:buster";
	fx.scan.inv.os.eol_date = "2024-06-30";
	strata_report_options_init(&opts);
	opts.format = STRATA_FORMAT_JSON;
	text = render(&fx, &opts, NULL);
	ST_CHECK(text != NULL);
	root = json_loads(text, 0, &jerr);
	ST_CHECK(root != NULL);
	pkgs = json_object_get(root, "packages");
	ST_CHECK_INT(json_array_size(pkgs), 2);
	/* Indexes stay those of the full inventory. */
	ST_CHECK_INT(json_integer_value(json_object_get(json_array_get(pkgs, 1), "index")), 1);
	flags = json_object_get(json_array_get(pkgs, 0), "flags");
	ST_CHECK_INT(json_array_size(flags), 1);
	ST_CHECK_STR(json_string_value(json_array_get(flags, 0)), "kernel");
	ST_CHECK_STR(json_string_value(json_object_get(json_object_get(root, "os"), "eol_date")),
		     "2024-06-30");
	ST_CHECK_STR(json_string_value(json_object_get(json_object_get(root, "os"), "distro_key")),
		     "debian:buster");
	json_decref(root);
	free(text);

	opts.show_owned = true;
	text = render(&fx, &opts, NULL);
	ST_CHECK(text != NULL);
	root = json_loads(text, 0, &jerr);
	ST_CHECK(root != NULL);
	pkgs = json_object_get(root, "packages");
	ST_CHECK_INT(json_array_size(pkgs), 3);
	ST_CHECK_STR(json_string_value(json_object_get(json_array_get(pkgs, 2), "owner")),
		     "deb:node-lodash");
	ST_CHECK_STR(json_string_value(json_array_get(
			     json_object_get(json_array_get(pkgs, 2), "flags"), 0)),
		     "os-owned");
	json_decref(root);
	free(text);

	/* The table counts the listed packages and names the hidden ones,
	 * and marks a kernel package's finding. */
	opts.format = STRATA_FORMAT_TABLE;
	opts.show_owned = false;
	add_finding(&fx.scan.findings, "CVE-2099-0003", 0, NULL, ST_STATUS_END_OF_LIFE,
		    ST_SEVERITY_HIGH);
	text = render(&fx, &opts, NULL);
	ST_CHECK(text != NULL);
	ST_CHECK(strstr(text, "Packages: 2 (deb 1, npm 1); 1 more owned by OS packages") != NULL);
	ST_CHECK(strstr(text, "(end of life since 2024-06-30)") != NULL);
	ST_CHECK(strstr(text, "[kernel]\n") != NULL);
	ST_CHECK(strstr(text, "end-of-life") != NULL);
	free(text);
	fixture_dispose(&fx);
	return ST_TEST_PASS;
}
