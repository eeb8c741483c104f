/* Tests for the language-package catalogers (Python, RubyGems, Composer,
 * .NET and the npm lock files): each parser on the fixtures under
 * tests/data/pkgdb/lang and on bad input, and each cataloger through
 * st_catalog_layers over in-memory layers, so that layer attribution and
 * whiteouts are covered. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "testlib.h"
#include "inventory/inventory.h"
#include "inventory/lang.h"

/* Helpers ------------------------------------------------------------------ */

/* Captures the diagnostics sent to a sink. */
struct diag_log {
	unsigned warnings;
	char all[16384];
	size_t len;
};

static void log_message(void *ctx, int level, const char *msg)
{
	struct diag_log *log = ctx;
	size_t n = strlen(msg);

	if (level >= ST_DIAG_WARN)
		log->warnings++;
	if (log->len + n + 2 > sizeof(log->all))
		return;
	memcpy(log->all + log->len, msg, n);
	log->len += n;
	log->all[log->len++] = '\n';
	log->all[log->len] = '\0';
}

static void diag_init(struct st_diag *d, struct diag_log *log)
{
	memset(log, 0, sizeof(*log));
	d->fn = log_message;
	d->ctx = log;
	d->warnings = 0;
}

/* Returns tests/data/REL as a NUL-terminated malloc'd string, or NULL. */
static char *read_fixture(const char *rel)
{
	struct strata_error err;
	struct st_buf b;

	st_buf_init(&b, 4u << 20);
	if (st_read_file(st_test_data_path(rel), &b, false, &err) < 0 ||
	    st_buf_cstr(&b, &err) == NULL) {
		fprintf(stderr, "# cannot read %s: %s\n", rel, err.msg);
		st_buf_dispose(&b);
		return NULL;
	}
	return b.ptr;
}

/* One package as a test expects it. */
struct expect {
	const char *type;
	const char *name;
	const char *version;
	const char *purl;
	const char *license; /* NULL: none */
	const char *path;
	size_t layer;
	unsigned flags;
	const char *found_by;
};

static const struct st_package *find_exact(const struct st_inventory *inv, const char *type,
					   const char *name, const char *version,
					   const char *path)
{
	size_t i;

	for (i = 0; i < inv->count; i++) {
		const struct st_package *p = &inv->packages[i];

		if (strcmp(p->type, type) == 0 && strcmp(p->name, name) == 0 &&
		    strcmp(p->version, version) == 0 && strcmp(p->path, path) == 0)
			return p;
	}
	return NULL;
}

static bool same_nullable(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* Checks that INV contains exactly the COUNT packages of WANT. */
static int check_inventory(const struct st_inventory *inv, const struct expect *want,
			   size_t count)
{
	size_t i;

	for (i = 0; i < count; i++) {
		const struct expect *w = &want[i];
		const struct st_package *p = find_exact(inv, w->type, w->name, w->version, w->path);

		if (p == NULL) {
			fprintf(stderr, "# missing %s %s %s at %s\n", w->type, w->name, w->version,
				w->path);
			return ST_TEST_FAIL;
		}
		ST_CHECK_STR(p->purl, w->purl);
		if (!same_nullable(p->license, w->license)) {
			fprintf(stderr, "# %s: license \"%s\", expected \"%s\"\n", w->name,
				p->license ? p->license : "(null)",
				w->license ? w->license : "(null)");
			return ST_TEST_FAIL;
		}
		ST_CHECK_INT(p->layer, w->layer);
		ST_CHECK_INT(p->flags, w->flags);
		ST_CHECK_STR(p->found_by, w->found_by);
	}
	if (inv->count != count) {
		for (i = 0; i < inv->count; i++)
			fprintf(stderr, "# got %s %s %s at %s\n", inv->packages[i].type,
				inv->packages[i].name, inv->packages[i].version,
				inv->packages[i].path);
	}
	ST_CHECK_INT(inv->count, count);
	return ST_TEST_PASS;
}

/* Catalogs LAYERS (COUNT of them) into INV with the default limits. */
static int catalog(struct st_test_layers *layers, size_t count, struct st_inventory *inv,
		   struct diag_log *log)
{
	struct strata_limits lim;
	struct st_walk_options opts;
	struct strata_error err;
	struct st_diag diag;
	int rc;

	strata_limits_default(&lim);
	diag_init(&diag, log);
	opts.limits = &lim;
	opts.diag = &diag;
	st_inventory_init(inv);
	strata_error_clear(&err);
	rc = st_catalog_layers(count, st_test_open_layer, layers, NULL, inv, &opts, NULL, &err);
	if (rc != 0)
		fprintf(stderr, "# catalog: %s\n", err.msg);
	return rc;
}

/* Collects what a parser reports, for the bad-input tests. */
struct collected {
	size_t count;
	char names[8][64];
	char licenses[8][128];
	unsigned flags[8];
};

static int collect(void *ctx, const struct st_package *pkg, struct strata_error *err)
{
	struct collected *c = ctx;

	if (pkg->name == NULL || pkg->version == NULL || pkg->purl == NULL || pkg->type == NULL)
		return st_error_set(err, STRATA_EINTERNAL, "package without name, version or purl");
	if (c->count < 8) {
		snprintf(c->names[c->count], sizeof(c->names[0]), "%s", pkg->name);
		snprintf(c->licenses[c->count], sizeof(c->licenses[0]), "%s",
			 pkg->license ? pkg->license : "");
		c->flags[c->count] = pkg->flags;
	}
	c->count++;
	return 0;
}

static int parse(st_lang_parse_fn fn, const char *text, size_t len, struct collected *c,
		 struct diag_log *log)
{
	struct strata_limits lim;
	struct strata_error err;
	struct st_diag diag;
	int rc;

	strata_limits_default(&lim);
	lim.json_depth = 32;
	diag_init(&diag, log);
	memset(c, 0, sizeof(*c));
	strata_error_clear(&err);
	rc = fn(st_slice_make(text, len), "test/file", &lim, &diag, collect, c, &err);
	if (rc == STRATA_ECORRUPT || rc == STRATA_ELIMIT)
		ST_CHECK(strstr(err.msg, "test/file") != NULL);
	return rc;
}

static int parse_cstr(st_lang_parse_fn fn, const char *text, struct collected *c,
		      struct diag_log *log)
{
	return parse(fn, text, strlen(text), c, log);
}

/* Returns a malloc'd string: PREFIX, N copies of FILL, then SUFFIX. */
static char *make_huge(const char *prefix, char fill, size_t n, const char *suffix)
{
	size_t p = strlen(prefix);
	size_t s = strlen(suffix);
	char *out = malloc(p + n + s + 1);

	if (out == NULL)
		abort();
	memcpy(out, prefix, p);
	memset(out + p, fill, n);
	memcpy(out + p + n, suffix, s + 1);
	return out;
}

/* Bytes that no parser should take for anything. */
static const char garbage[] = "\x00\xff\xfe<\x01{[\"\x7f\x80\xc3\x28%q{\n\n\x00Name: \x00";

/* Runs FN over GARBAGE, every prefix of TEXT, and TEXT with each byte
 * flipped in turn. No run may crash or report a package without a name. */
static int survive_mutations(st_lang_parse_fn fn, const char *text)
{
	size_t len = strlen(text);
	struct collected c;
	struct diag_log log;
	char *copy = malloc(len + 1);
	size_t i;
	int rc;

	if (copy == NULL)
		abort();
	rc = parse(fn, garbage, sizeof(garbage) - 1, &c, &log);
	ST_CHECK(rc == STRATA_ECORRUPT || rc == 0);
	for (i = 0; i <= len; i++) {
		rc = parse(fn, text, i, &c, &log);
		ST_CHECK(rc == 0 || rc == STRATA_ECORRUPT);
	}
	for (i = 0; i < len; i++) {
		memcpy(copy, text, len + 1);
		copy[i] = (char)(copy[i] ^ 0x5a);
		rc = parse(fn, copy, len, &c, &log);
		ST_CHECK(rc == 0 || rc == STRATA_ECORRUPT);
	}
	free(copy);
	return ST_TEST_PASS;
}

/* Python ------------------------------------------------------------------- */

#define SITE "usr/lib/python3.11/site-packages/"

ST_TEST(python_fixtures_through_layers)
{
	char *pygments = read_fixture("pkgdb/lang/python/syft-malformed-record.dist-info/METADATA");
	char *licfile = read_fixture(
		"pkgdb/lang/python/syft-with-license-file-declared.dist-info/METADATA");
	char *flask = read_fixture("pkgdb/lang/python/trivy-Flask-2.0.0.dist-info/METADATA");
	char *distlib = read_fixture("pkgdb/lang/python/trivy-distlib-0.3.1.dist-info/METADATA");
	char *egg = read_fixture("pkgdb/lang/python/trivy-distlib-0.3.1.egg-info/PKG-INFO");
	char *setuptools =
		read_fixture("pkgdb/lang/python/trivy-setuptools-51.3.3.dist-info/METADATA");
	char *typing =
		read_fixture("pkgdb/lang/python/trivy-typing_extensions-4.4.0.dist-info/METADATA");
	const struct st_test_tar_entry layer0[] = {
		{SITE "Pygments-2.6.1.dist-info/METADATA", pygments, NULL},
		{SITE "Pygments-2.6.1.dist-info/RECORD", "x,,\n", NULL},
		{SITE "Flask-2.0.0.dist-info/METADATA", flask, NULL},
		{SITE "distlib-0.3.1.dist-info/METADATA", distlib, NULL},
		{SITE "setuptools-51.3.3.dist-info/METADATA", "Name: setuptools\nVersion: 1\n",
		 NULL},
		{SITE "typing_extensions-4.4.0.dist-info/METADATA", typing, NULL},
		{"opt/app/PKG-INFO", "Name: not-installed\nVersion: 1\n", NULL},
	};
	const struct st_test_tar_entry layer1[] = {
		{SITE ".wh.Flask-2.0.0.dist-info", "", NULL},
		{SITE "setuptools-51.3.3.dist-info/METADATA", setuptools, NULL},
		{"usr/lib/python3/dist-packages/distlib-0.3.1.egg-info/PKG-INFO", egg, NULL},
		{"usr/lib/python3/dist-packages/six-1.16.0.egg-info",
		 "Metadata-Version: 1.1\nName: six\nVersion: 1.16.0\nLicense: MIT\n", NULL},
		{"usr/lib/python3/dist-packages/Zope.Interface-5.0.egg/EGG-INFO/PKG-INFO",
		 "Name: Zope.Interface\r\nVersion: 5.0\r\nLicense: ZPL 2.1\r\n", NULL},
		{"srv/licfile.dist-info/METADATA", licfile, NULL},
		{"srv/broken.dist-info/METADATA", "Name: broken\n", NULL},
	};
	static const struct expect want[] = {
		{"pypi", "Pygments", "2.6.1", "pkg:pypi/pygments@2.6.1", "BSD License",
		 SITE "Pygments-2.6.1.dist-info/METADATA", 0, 0, "python"},
		{"pypi", "distlib", "0.3.1", "pkg:pypi/distlib@0.3.1", "Python license",
		 SITE "distlib-0.3.1.dist-info/METADATA", 0, 0, "python"},
		{"pypi", "setuptools", "51.3.3", "pkg:pypi/setuptools@51.3.3", "MIT License",
		 SITE "setuptools-51.3.3.dist-info/METADATA", 1, 0, "python"},
		{"pypi", "typing_extensions", "4.4.0", "pkg:pypi/typing-extensions@4.4.0", NULL,
		 SITE "typing_extensions-4.4.0.dist-info/METADATA", 0, 0, "python"},
		{"pypi", "distlib", "0.3.1", "pkg:pypi/distlib@0.3.1", "Python license",
		 "usr/lib/python3/dist-packages/distlib-0.3.1.egg-info/PKG-INFO", 1, 0, "python"},
		{"pypi", "six", "1.16.0", "pkg:pypi/six@1.16.0", "MIT",
		 "usr/lib/python3/dist-packages/six-1.16.0.egg-info", 1, 0, "python"},
		{"pypi", "Zope.Interface", "5.0", "pkg:pypi/zope-interface@5.0", "ZPL 2.1",
		 "usr/lib/python3/dist-packages/Zope.Interface-5.0.egg/EGG-INFO/PKG-INFO", 1, 0,
		 "python"},
		{"pypi", "Pygments", "2.6.1", "pkg:pypi/pygments@2.6.1", "BSD License",
		 "srv/licfile.dist-info/METADATA", 1, 0, "python"},
	};
	struct st_test_layers tl = {{layer0, layer1}, {ST_ARRAY_LEN(layer0), ST_ARRAY_LEN(layer1)}};
	struct st_inventory inv;
	struct diag_log log;
	int rc;

	ST_CHECK(pygments && licfile && flask && distlib && egg && setuptools && typing);
	ST_CHECK_INT(catalog(&tl, 2, &inv, &log), 0);
	rc = check_inventory(&inv, want, ST_ARRAY_LEN(want));
	ST_CHECK_INT(rc, ST_TEST_PASS);
	ST_CHECK_INT(log.warnings, 1);
	ST_CHECK(strstr(log.all, "srv/broken.dist-info/METADATA") != NULL);
	st_inventory_dispose(&inv);
	free(pygments);
	free(licfile);
	free(flask);
	free(distlib);
	free(egg);
	free(setuptools);
	free(typing);
	return ST_TEST_PASS;
}

/* A Python distribution that a Debian package installed is reported once,
 * as part of that package. python3-yaml's file list (dpkg's .list, taken
 * from Debian 12) names the dist-info directory. So the pypi package read
 * from its METADATA is marked ST_PKG_OS_OWNED through the ownership that
 * the dpkg cataloger records. RECORD is not needed for this, because dpkg
 * lists the dist-info files themselves. */
#define DEB_INFO "pkgdb/dpkg/debian12-info/"
#define DIST "usr/lib/python3/dist-packages/"

ST_TEST(python_dist_info_owned_by_deb)
{
	char *status = read_fixture(DEB_INFO "python3-yaml.status");
	char *list = read_fixture(DEB_INFO "python3-yaml.list");
	char *metadata = read_fixture(DEB_INFO "PyYAML-6.0.dist-info/METADATA");
	char *record = read_fixture(DEB_INFO "PyYAML-6.0.dist-info/RECORD");
	const struct st_test_tar_entry layer0[] = {
		{"var/lib/dpkg/status", status, NULL},
		{"var/lib/dpkg/info/python3-yaml.list", list, NULL},
		{DIST "PyYAML-6.0.dist-info/METADATA", metadata, NULL},
		{DIST "PyYAML-6.0.dist-info/RECORD", record, NULL},
	};
	/* pip installs its own copy under /usr/local, which no OS package
	 * owns. */
	const struct st_test_tar_entry layer1[] = {
		{"usr/local/lib/python3.11/dist-packages/PyYAML-6.0.1.dist-info/METADATA",
		 "Metadata-Version: 2.1\nName: PyYAML\nVersion: 6.0.1\n", NULL},
	};
	struct st_test_layers tl = {{layer0, layer1}, {ST_ARRAY_LEN(layer0), ST_ARRAY_LEN(layer1)}};
	const struct st_package *p;
	struct st_inventory inv;
	struct diag_log log;

	ST_CHECK(status && list && metadata && record);
	ST_CHECK_INT(catalog(&tl, 2, &inv, &log), 0);
	ST_CHECK_INT(log.warnings, 0);
	ST_CHECK_INT(inv.count, 3);

	p = st_test_find_package(&inv, "deb", "python3-yaml");
	ST_CHECK(p != NULL);
	ST_CHECK_STR(p->version, "6.0-3+b2");
	ST_CHECK_INT(p->flags & ST_PKG_OS_OWNED, 0);

	p = find_exact(&inv, "pypi", "PyYAML", "6.0", DIST "PyYAML-6.0.dist-info/METADATA");
	ST_CHECK(p != NULL);
	ST_CHECK_INT(p->flags, ST_PKG_OS_OWNED);
	ST_CHECK_STR(p->owner, "deb:python3-yaml");
	ST_CHECK_STR(p->found_by, "python");

	p = find_exact(&inv, "pypi", "PyYAML", "6.0.1",
		       "usr/local/lib/python3.11/dist-packages/PyYAML-6.0.1.dist-info/METADATA");
	ST_CHECK(p != NULL);
	ST_CHECK_INT(p->flags, 0);
	ST_CHECK(p->owner == NULL);
	st_inventory_dispose(&inv);
	free(status);
	free(list);
	free(metadata);
	free(record);
	return ST_TEST_PASS;
}

/* `pip install --upgrade --break-system-packages PyYAML` over the Debian
 * package removes the dist-info that dpkg lists and writes a new one: the
 * new version is pip's, so it is reported on its own even though dpkg's
 * list still names the old directory. */
ST_TEST(python_pip_upgrade_over_deb_not_owned)
{
	char *status = read_fixture(DEB_INFO "python3-yaml.status");
	char *list = read_fixture(DEB_INFO "python3-yaml.list");
	char *metadata = read_fixture(DEB_INFO "PyYAML-6.0.dist-info/METADATA");
	const struct st_test_tar_entry layer0[] = {
		{"var/lib/dpkg/status", status, NULL},
		{"var/lib/dpkg/info/python3-yaml.list", list, NULL},
		{DIST "PyYAML-6.0.dist-info/METADATA", metadata, NULL},
	};
	const struct st_test_tar_entry layer1[] = {
		{DIST ".wh.PyYAML-6.0.dist-info", "", NULL},
		{DIST "PyYAML-6.0.1.dist-info/METADATA",
		 "Metadata-Version: 2.1\nName: PyYAML\nVersion: 6.0.1\n", NULL},
	};
	struct st_test_layers tl = {{layer0, layer1}, {ST_ARRAY_LEN(layer0), ST_ARRAY_LEN(layer1)}};
	const struct st_package *p;
	struct st_inventory inv;
	struct diag_log log;

	ST_CHECK(status && list && metadata);
	ST_CHECK_INT(catalog(&tl, 2, &inv, &log), 0);
	ST_CHECK_INT(inv.count, 2);
	p = st_test_find_package(&inv, "pypi", "PyYAML");
	ST_CHECK(p != NULL);
	ST_CHECK_STR(p->version, "6.0.1");
	ST_CHECK_INT(p->layer, 1);
	ST_CHECK_INT(p->flags, 0);
	st_inventory_dispose(&inv);
	free(status);
	free(list);
	free(metadata);
	return ST_TEST_PASS;
}

ST_TEST(python_flask_fixture_fields)
{
	char *flask = read_fixture("pkgdb/lang/python/trivy-Flask-2.0.0.dist-info/METADATA");
	struct collected c;
	struct diag_log log;

	ST_CHECK(flask != NULL);
	ST_CHECK_INT(parse_cstr(st_python_parse_metadata, flask, &c, &log), 0);
	ST_CHECK_INT(c.count, 1);
	ST_CHECK_STR(c.names[0], "Flask");
	ST_CHECK_STR(c.licenses[0], "BSD-3-Clause");
	free(flask);
	return ST_TEST_PASS;
}

ST_TEST(python_license_precedence)
{
	static const struct {
		const char *text;
		const char *license;
	} cases[] = {
		/* License-Expression (PEP 639) wins over everything. */
		{"Name: a\nVersion: 1\nLicense: BSD\nLicense-Expression: MIT OR Apache-2.0\n",
		 "MIT OR Apache-2.0"},
		/* "UNKNOWN" is setuptools' placeholder, not a license. */
		{"Name: a\nVersion: 1\nLicense: UNKNOWN\n"
		 "Classifier: License :: OSI Approved :: MIT License\n",
		 "MIT License"},
		/* A License running over lines is often the whole text. */
		{"Name: a\nVersion: 1\nLicense: Copyright (c) 2020 Someone\n"
		 "        Permission is hereby granted\n"
		 "Classifier: License :: OSI Approved :: Apache Software License\n"
		 "Classifier: License :: Public Domain\n",
		 "Apache Software License, Public Domain"},
		{"Name: a\nVersion: 1\nLicense: Copyright (c) 2020 Someone\n"
		 "\tPermission is hereby granted\n",
		 "Copyright (c) 2020 Someone"},
		{"Name: a\nVersion: 1\nClassifier: License :: OSI Approved\n", ""},
		/* Headers end at the blank line: the body is not read. */
		{"Name: a\nVersion: 1\n\nLicense: GPL\n", ""},
		/* Header names are case-insensitive. */
		{"name: a\nVERSION: 1\nlicense: ISC\n", "ISC"},
	};
	struct collected c;
	struct diag_log log;
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(cases); i++) {
		ST_CHECK_INT(parse_cstr(st_python_parse_metadata, cases[i].text, &c, &log), 0);
		ST_CHECK_INT(c.count, 1);
		ST_CHECK_STR(c.licenses[0], cases[i].license);
	}
	return ST_TEST_PASS;
}

ST_TEST(python_name_normalized_in_purl_only)
{
	struct st_inventory inv;
	const struct st_package *p;
	static const struct st_test_tar_entry layer0[] = {
		{"x/A__b.-C-1.0.dist-info/METADATA", "Name: A__b.-C\nVersion: 1.0+local.7\n", NULL},
	};
	struct st_test_layers tl = {{layer0}, {1}};
	struct diag_log log;

	ST_CHECK_INT(catalog(&tl, 1, &inv, &log), 0);
	p = st_test_find_package(&inv, "pypi", "A__b.-C");
	ST_CHECK(p != NULL);
	ST_CHECK_STR(p->version, "1.0+local.7");
	ST_CHECK_STR(p->purl, "pkg:pypi/a-b-c@1.0%2Blocal.7");
	st_inventory_dispose(&inv);
	return ST_TEST_PASS;
}

ST_TEST(python_bad_input)
{
	static const char *const rejected[] = {
		"",
		"Version: 1\n",
		"Name: a\n",
		"Name: a b\nVersion: 1\n",
		"Name: a\n  folded\nVersion: 1\n",
		"Name: a\nVersion: \n",
		"\nName: a\nVersion: 1\n",
		"garbage line\nName: a\nVersion: 1\n",
		"Name: a\x01\nVersion: 1\n",
	};
	struct collected c;
	struct diag_log log;
	char *huge;
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(rejected); i++) {
		ST_CHECK_INT(parse_cstr(st_python_parse_metadata, rejected[i], &c, &log),
			     STRATA_ECORRUPT);
		ST_CHECK_INT(c.count, 0);
	}

	/* A name over ST_LANG_MAX_NAME is rejected; a huge license is cut. */
	huge = make_huge("Name: ", 'n', ST_LANG_MAX_NAME + 1, "\nVersion: 1\n");
	ST_CHECK_INT(parse_cstr(st_python_parse_metadata, huge, &c, &log), STRATA_ECORRUPT);
	free(huge);
	huge = make_huge("Name: a\nVersion: 1\nLicense: ", 'L', 1u << 20, "\n");
	ST_CHECK_INT(parse_cstr(st_python_parse_metadata, huge, &c, &log), 0);
	ST_CHECK_INT(c.count, 1);
	free(huge);
	/* The file size limit. */
	{
		struct strata_limits lim;
		struct strata_error err;

		strata_limits_default(&lim);
		lim.cataloged_file_bytes = 8;
		ST_CHECK_INT(st_python_parse_metadata(st_slice_cstr("Name: a\nVersion: 1\n"), "p",
						      &lim, NULL, collect, &c, &err),
			     STRATA_ELIMIT);
	}
	return survive_mutations(st_python_parse_metadata,
				 "Metadata-Version: 2.1\nName: a\nVersion: 1\nLicense: MIT\n"
				 "Classifier: License :: OSI Approved :: MIT License\n\nbody\n");
}

ST_TEST(python_wants_paths)
{
	static const struct {
		const char *path;
		bool wanted;
	} cases[] = {
		{"a/x-1.dist-info/METADATA", true},
		{"a/x-1.egg-info/PKG-INFO", true},
		{"a/x-1.egg-info", true},
		{"a/x-1.egg/EGG-INFO/PKG-INFO", true},
		{"a/x-1.dist-info/RECORD", false},
		{"a/PKG-INFO", false},
		{"a/METADATA", false},
		{"a/.egg-info", false},
		{"a/x-1.egg-info/SOURCES.txt", false},
	};
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(cases); i++) {
		bool got = st_cataloger_python.wants(cases[i].path, strlen(cases[i].path));

		if (got != cases[i].wanted)
			fprintf(stderr, "# %s\n", cases[i].path);
		ST_CHECK(got == cases[i].wanted);
	}
	return ST_TEST_PASS;
}

ST_TEST(license_cut_at_character_boundary)
{
	struct st_arena a;
	char *text = make_huge("", 'a', ST_LANG_MAX_LICENSE - 1, "\xc3\xa9\x01tail");
	char *out;

	st_arena_init(&a);
	out = st_lang_license_dup(&a, st_slice_cstr(text));
	ST_CHECK(out != NULL);
	/* The two-byte character at the cut is dropped whole. */
	ST_CHECK_INT(strlen(out), ST_LANG_MAX_LICENSE - 1);
	out = st_lang_license_dup(&a, st_slice_cstr("MIT\x01\nX"));
	ST_CHECK_STR(out, "MIT  X");
	st_arena_dispose(&a);
	free(text);
	return ST_TEST_PASS;
}

/* RubyGems ----------------------------------------------------------------- */

#define GEMS "usr/local/bundle/"
#define DEFAULT_GEMS "usr/lib/ruby/gems/3.1.0/specifications/default/"

ST_TEST(gem_fixtures_through_layers)
{
	char *bundler = read_fixture("pkgdb/lang/ruby/specifications/bundler.gemspec");
	char *formatador = read_fixture("pkgdb/lang/ruby/specifications/formatador.gemspec");
	char *multi = read_fixture("pkgdb/lang/ruby/specifications/multiple_licenses.gemspec");
	const struct st_test_tar_entry layer0[] = {
		{DEFAULT_GEMS "bundler-2.1.4.gemspec", bundler, NULL},
		{GEMS "specifications/formatador-1.1.0.gemspec", formatador, NULL},
		{GEMS "specifications/rake-13.0.gemspec",
		 "Gem::Specification.new do |s|\n  s.name = \"rake\"\n  s.version = \"13.0\"\nend\n",
		 NULL},
		{GEMS "gems/formatador-1.1.0/formatador.gemspec", formatador, NULL},
	};
	const struct st_test_tar_entry layer1[] = {
		{GEMS "specifications/test-unit-3.3.7.gemspec", multi, NULL},
		{GEMS "specifications/.wh.rake-13.0.gemspec", "", NULL},
		{GEMS "specifications/broken-1.gemspec", "s.name = \"broken\"\n", NULL},
	};
	static const struct expect want[] = {
		{"gem", "bundler", "2.1.4", "pkg:gem/bundler@2.1.4", "MIT",
		 DEFAULT_GEMS "bundler-2.1.4.gemspec", 0, 0, "gem"},
		{"gem", "formatador", "1.1.0", "pkg:gem/formatador@1.1.0", "MIT",
		 GEMS "specifications/formatador-1.1.0.gemspec", 0, 0, "gem"},
		{"gem", "test-unit", "3.3.7", "pkg:gem/test-unit@3.3.7", "Ruby OR BSDL OR PSFL",
		 GEMS "specifications/test-unit-3.3.7.gemspec", 1, 0, "gem"},
	};
	struct st_test_layers tl = {{layer0, layer1}, {ST_ARRAY_LEN(layer0), ST_ARRAY_LEN(layer1)}};
	struct st_inventory inv;
	struct diag_log log;

	ST_CHECK(bundler && formatador && multi);
	ST_CHECK_INT(catalog(&tl, 2, &inv, &log), 0);
	ST_CHECK_INT(check_inventory(&inv, want, ST_ARRAY_LEN(want)), ST_TEST_PASS);
	ST_CHECK_INT(log.warnings, 1);
	ST_CHECK(strstr(log.all, GEMS "specifications/broken-1.gemspec") != NULL);
	st_inventory_dispose(&inv);
	free(bundler);
	free(formatador);
	free(multi);
	return ST_TEST_PASS;
}

ST_TEST(gem_literal_forms)
{
	static const struct {
		const char *text;
		const char *name;
		const char *license;
	} cases[] = {
		{"Gem::Specification.new do |spec|\n spec.name = %q{old}\n"
		 " spec.version = %q<1.0>\n spec.license = 'Apache-2.0'\nend\n",
		 "old", "Apache-2.0"},
		{"Gem::Specification.new do |s|\n  s.name = \"caf\\u00E9\".freeze\n"
		 "  s.version = \"1\".freeze\n  s.licenses = [\"MIT\".freeze,\n\"X\"]\nend\n",
		 "caf\xc3\xa9", "MIT"},
		/* Only literals count: an interpolated string is not one. */
		{"Gem::Specification.new { |s|\n s.name = \"a\"\n s.version = \"2\"\n"
		 " s.licenses = [\"#{x}\"]\n s.name = \"second\"\n}\n",
		 "a", ""},
		/* A comparison is not an assignment. */
		{"Gem::Specification.new do |s|\n s.name == \"no\"\n s.name = \"yes\"\n"
		 " s.version = \"3\"\n s.licenses = [%q(A (B) C)]\nend\n",
		 "yes", "A (B) C"},
	};
	struct collected c;
	struct diag_log log;
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(cases); i++) {
		ST_CHECK_INT(parse_cstr(st_gem_parse_gemspec, cases[i].text, &c, &log), 0);
		ST_CHECK_INT(c.count, 1);
		ST_CHECK_STR(c.names[0], cases[i].name);
		ST_CHECK_STR(c.licenses[0], cases[i].license);
	}
	return ST_TEST_PASS;
}

ST_TEST(gem_platform_qualifier)
{
	static const struct st_test_tar_entry layer0[] = {
		{"g/specifications/nokogiri-1.15.0-x86_64-linux.gemspec",
		 "Gem::Specification.new do |s|\n s.name = \"nokogiri\".freeze\n"
		 " s.version = \"1.15.0\"\n s.platform = \"x86_64-linux\".freeze\nend\n", NULL},
		{"g/specifications/json-2.0.gemspec",
		 "Gem::Specification.new do |s|\n s.name = \"json\"\n s.version = \"2.0\"\n"
		 " s.platform = \"ruby\"\nend\n", NULL},
	};
	struct st_test_layers tl = {{layer0}, {ST_ARRAY_LEN(layer0)}};
	struct st_inventory inv;
	struct diag_log log;
	const struct st_package *p;

	ST_CHECK_INT(catalog(&tl, 1, &inv, &log), 0);
	p = st_test_find_package(&inv, "gem", "nokogiri");
	ST_CHECK(p != NULL);
	ST_CHECK_STR(p->purl, "pkg:gem/nokogiri@1.15.0?platform=x86_64-linux");
	p = st_test_find_package(&inv, "gem", "json");
	ST_CHECK(p != NULL);
	ST_CHECK_STR(p->purl, "pkg:gem/json@2.0");
	st_inventory_dispose(&inv);
	return ST_TEST_PASS;
}

ST_TEST(gem_bad_input)
{
	static const char *const rejected[] = {
		"",
		"s.name = \"a\"\ns.version = \"1\"\n",
		"Gem::Specification.new do |s|\n s.version = \"1\"\nend\n",
		"Gem::Specification.new do |s|\n s.name = \"a\"\nend\n",
		"Gem::Specification.new do |s|\n s.name = \"a\n s.version = \"1\"\nend\n",
		"Gem::Specification.new do |s|\n s.name = \"a b\"\n s.version = \"1\"\nend\n",
		"Gem::Specification.new do |s|\n s.name = \"a\\u0000\"\n s.version = \"1\"\nend\n",
		"Gem::Specification.new do |s|\n s.name = \"\\uD800\"\n s.version = \"1\"\nend\n",
		"Gem::Specification.new do |s|\n s.name = x\n s.version = \"1\"\nend\n",
		"Gem::Specification.new do ||\n s.name = \"a\"\n s.version = \"1\"\nend\n",
		"Gem::Specification.new do |s",
	};
	struct collected c;
	struct diag_log log;
	char *huge;
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(rejected); i++) {
		if (parse_cstr(st_gem_parse_gemspec, rejected[i], &c, &log) != STRATA_ECORRUPT)
			fprintf(stderr, "# case %zu\n", i);
		ST_CHECK_INT(parse_cstr(st_gem_parse_gemspec, rejected[i], &c, &log),
			     STRATA_ECORRUPT);
		ST_CHECK_INT(c.count, 0);
	}
	huge = make_huge("Gem::Specification.new do |s|\n s.version = \"1\"\n s.name = \"", 'n',
			 1u << 20, "\"\nend\n");
	ST_CHECK_INT(parse_cstr(st_gem_parse_gemspec, huge, &c, &log), STRATA_ECORRUPT);
	free(huge);
	return survive_mutations(st_gem_parse_gemspec,
				 "Gem::Specification.new do |s|\n  s.name = \"a\".freeze\n"
				 "  s.version = \"1\"\n  s.licenses = [\"MIT\".freeze, %q{X}]\nend\n");
}

/* Composer ----------------------------------------------------------------- */

ST_TEST(composer_fixtures_through_layers)
{
	char *v1 = read_fixture("pkgdb/lang/composer/syft-composer_1/vendor/composer/installed.json");
	char *v2 = read_fixture("pkgdb/lang/composer/syft-composer_2/vendor/composer/installed.json");
	char *happy =
		read_fixture("pkgdb/lang/composer/trivy-happy/vendor/composer/installed.json");
	const struct st_test_tar_entry layer0[] = {
		{"srv/one/vendor/composer/installed.json", v1, NULL},
		{"srv/two/vendor/composer/installed.json", happy, NULL},
		{"srv/gone/vendor/composer/installed.json", happy, NULL},
	};
	const struct st_test_tar_entry layer1[] = {
		{"srv/two/vendor/composer/installed.json", v2, NULL},
		{"srv/three/vendor/composer/installed.json", happy, NULL},
		{"srv/.wh.gone", "", NULL},
		{"srv/bad/vendor/composer/installed.json", "{\"packages\": 7}", NULL},
	};
	static const struct expect want[] = {
		{"composer", "asm89/stack-cors", "1.3.0", "pkg:composer/asm89/stack-cors@1.3.0",
		 "MIT", "srv/one/vendor/composer/installed.json", 0, 0, "composer"},
		{"composer", "behat/mink", "v1.8.1", "pkg:composer/behat/mink@v1.8.1", "MIT",
		 "srv/one/vendor/composer/installed.json", 0, 0, "composer"},
		{"composer", "asm89/stack-cors", "1.3.0", "pkg:composer/asm89/stack-cors@1.3.0",
		 "MIT", "srv/two/vendor/composer/installed.json", 1, 0, "composer"},
		{"composer", "behat/mink", "v1.8.1", "pkg:composer/behat/mink@v1.8.1", "MIT",
		 "srv/two/vendor/composer/installed.json", 1, ST_PKG_DEV, "composer"},
		{"composer", "pear/log", "1.13.3", "pkg:composer/pear/log@1.13.3", "MIT",
		 "srv/three/vendor/composer/installed.json", 1, 0, "composer"},
		{"composer", "pear/pear_exception", "v1.0.2",
		 "pkg:composer/pear/pear_exception@v1.0.2", "BSD-2-Clause",
		 "srv/three/vendor/composer/installed.json", 1, 0, "composer"},
	};
	struct st_test_layers tl = {{layer0, layer1}, {ST_ARRAY_LEN(layer0), ST_ARRAY_LEN(layer1)}};
	struct st_inventory inv;
	struct diag_log log;

	ST_CHECK(v1 && v2 && happy);
	ST_CHECK_INT(catalog(&tl, 2, &inv, &log), 0);
	ST_CHECK_INT(check_inventory(&inv, want, ST_ARRAY_LEN(want)), ST_TEST_PASS);
	ST_CHECK_INT(log.warnings, 1);
	ST_CHECK(strstr(log.all, "srv/bad/vendor/composer/installed.json") != NULL);
	st_inventory_dispose(&inv);
	free(v1);
	free(v2);
	free(happy);
	return ST_TEST_PASS;
}

ST_TEST(composer_bad_records_skipped)
{
	static const char text[] =
		"[{\"name\": \"a/b\", \"version\": \"1\", \"license\": \"GPL-2.0-only\"},"
		" 7, {\"name\": 3, \"version\": \"1\"}, {\"name\": \"nosplit\", \"version\": \"1\"},"
		" {\"name\": \"a/\", \"version\": \"1\"}, {\"name\": \"c/d\", \"version\": [1]},"
		" {\"name\": \"c/d\", \"version\": \"2\", \"license\": [\"MIT\", 5, \"ISC\"]}]";
	static const char *const rejected[] = {
		"", "{", "7", "{\"packages\": {}}", "{\"packages\": \"x\"}", "\"str\"",
	};
	struct collected c;
	struct diag_log log;
	char *huge;
	size_t i;

	ST_CHECK_INT(parse_cstr(st_composer_parse_installed, text, &c, &log), 0);
	ST_CHECK_INT(c.count, 2);
	ST_CHECK_STR(c.names[0], "a/b");
	ST_CHECK_STR(c.licenses[0], "GPL-2.0-only");
	ST_CHECK_STR(c.names[1], "c/d");
	ST_CHECK_STR(c.licenses[1], "MIT OR ISC");
	ST_CHECK_INT(log.warnings, 5);
	ST_CHECK(strstr(log.all, "test/file: package 1: not an object") != NULL);
	for (i = 0; i < ST_ARRAY_LEN(rejected); i++)
		ST_CHECK_INT(parse_cstr(st_composer_parse_installed, rejected[i], &c, &log),
			     STRATA_ECORRUPT);

	huge = make_huge("[{\"version\": \"1\", \"name\": \"a/", 'n', 1u << 16, "\"}]");
	ST_CHECK_INT(parse_cstr(st_composer_parse_installed, huge, &c, &log), 0);
	ST_CHECK_INT(c.count, 0);
	ST_CHECK_INT(log.warnings, 1);
	free(huge);
	/* Deeper than json_depth (32 in these tests). */
	huge = make_huge("", '[', 64, "");
	ST_CHECK_INT(parse_cstr(st_composer_parse_installed, huge, &c, &log), STRATA_ELIMIT);
	free(huge);
	return survive_mutations(st_composer_parse_installed,
				 "{\"packages\": [{\"name\": \"a/b\", \"version\": \"1\","
				 " \"license\": [\"MIT\"]}], \"dev-package-names\": [\"a/b\"]}");
}

/* .NET --------------------------------------------------------------------- */

#define NUGET_CACHE "root/.nuget/packages/"

ST_TEST(dotnet_fixtures_through_layers)
{
	char *collector = read_fixture("pkgdb/lang/dotnet/trivy-datacollector.deps.json");
	char *myapp = read_fixture("pkgdb/lang/dotnet/syft-MyApp.deps.json");
	char *testlib = read_fixture("pkgdb/lang/dotnet/syft-TestLibrary.deps.json");
	char *lock = read_fixture("pkgdb/lang/nuget/trivy-packages.lock.json");
	char *nuspec = read_fixture("pkgdb/lang/nuget/trivy-newtonsoft.json-12.0.3.nuspec");
	const struct st_test_tar_entry layer0[] = {
		{"app/datacollector.deps.json", collector, NULL},
		{"app/MyApp.deps.json", myapp, NULL},
		{"src/packages.lock.json", lock, NULL},
		{NUGET_CACHE "newtonsoft.json/12.0.3/newtonsoft.json.nuspec", nuspec, NULL},
	};
	const struct st_test_tar_entry layer1[] = {
		{"app/.wh.MyApp.deps.json", "", NULL},
		{"lib/TestLibrary.deps.json", testlib, NULL},
		{"lib/Broken.deps.json", "{\"libraries\": []}", NULL},
		{NUGET_CACHE "other/1.0/newtonsoft.json.nuspec", nuspec, NULL},
	};
	static const struct expect want[] = {
		{"nuget", "Newtonsoft.Json", "9.0.1", "pkg:nuget/Newtonsoft.Json@9.0.1", NULL,
		 "app/datacollector.deps.json", 0, 0, "dotnet"},
		{"nuget", "Newtonsoft.Json", "12.0.3", "pkg:nuget/Newtonsoft.Json@12.0.3", NULL,
		 "src/packages.lock.json", 0, 0, "dotnet"},
		{"nuget", "NuGet.Frameworks", "5.7.0", "pkg:nuget/NuGet.Frameworks@5.7.0", NULL,
		 "src/packages.lock.json", 0, 0, "dotnet"},
		{"nuget", "Newtonsoft.Json", "12.0.3", "pkg:nuget/Newtonsoft.Json@12.0.3", "MIT",
		 NUGET_CACHE "newtonsoft.json/12.0.3/newtonsoft.json.nuspec", 0, 0, "dotnet"},
#define TL(n, v) {"nuget", n, v, "pkg:nuget/" n "@" v, NULL, "lib/TestLibrary.deps.json", 1, 0, "dotnet"}
		TL("AWSSDK.Core", "3.7.10.6"),
		TL("Microsoft.Extensions.DependencyInjection", "6.0.0"),
		TL("Microsoft.Extensions.DependencyInjection.Abstractions", "6.0.0"),
		TL("Microsoft.Extensions.Logging", "6.0.0"),
		TL("Microsoft.Extensions.Logging.Abstractions", "6.0.0"),
		TL("Microsoft.Extensions.Options", "6.0.0"),
		TL("Microsoft.Extensions.Primitives", "6.0.0"),
		TL("Newtonsoft.Json", "13.0.1"),
		TL("Serilog", "2.10.0"),
		TL("Serilog.Sinks.Console", "4.0.1"),
		TL("System.Diagnostics.DiagnosticSource", "6.0.0"),
		TL("System.Runtime.CompilerServices.Unsafe", "6.0.0"),
#undef TL
	};
	struct st_test_layers tl = {{layer0, layer1}, {ST_ARRAY_LEN(layer0), ST_ARRAY_LEN(layer1)}};
	struct st_inventory inv;
	struct diag_log log;

	ST_CHECK(collector && myapp && testlib && lock && nuspec);
	ST_CHECK_INT(catalog(&tl, 2, &inv, &log), 0);
	ST_CHECK_INT(check_inventory(&inv, want, ST_ARRAY_LEN(want)), ST_TEST_PASS);
	ST_CHECK_INT(log.warnings, 1);
	ST_CHECK(strstr(log.all, "lib/Broken.deps.json") != NULL);
	st_inventory_dispose(&inv);
	free(collector);
	free(myapp);
	free(testlib);
	free(lock);
	free(nuspec);
	return ST_TEST_PASS;
}

ST_TEST(dotnet_myapp_fixture_skips_projects)
{
	char *myapp = read_fixture("pkgdb/lang/dotnet/syft-MyApp.deps.json");
	struct collected c;
	struct diag_log log;

	ST_CHECK(myapp != NULL);
	ST_CHECK_INT(parse_cstr(st_dotnet_parse_deps, myapp, &c, &log), 0);
	ST_CHECK_INT(c.count, 1);
	ST_CHECK_STR(c.names[0], "Newtonsoft.Json");
	free(myapp);
	return ST_TEST_PASS;
}

ST_TEST(nuget_lock_dedups_frameworks)
{
	static const char text[] =
		"{\"version\": 1, \"dependencies\": {"
		"\"net6.0\": {\"B\": {\"type\": \"Direct\", \"resolved\": \"1.0\"},"
		"  \"A\": {\"type\": \"Transitive\", \"resolved\": \"2.0\"},"
		"  \"Mine\": {\"type\": \"Project\"}, \"Bad\": {\"type\": \"Direct\"}},"
		"\"net8.0\": {\"A\": {\"type\": \"Transitive\", \"resolved\": \"2.0\"},"
		"  \"A \": {\"resolved\": \"2.0\"}, \"B\": {\"resolved\": \"1.1\"}}}}";
	struct collected c;
	struct diag_log log;

	ST_CHECK_INT(parse_cstr(st_nuget_parse_lock, text, &c, &log), 0);
	ST_CHECK_INT(c.count, 3);
	ST_CHECK_STR(c.names[0], "A");
	ST_CHECK_STR(c.names[1], "B");
	ST_CHECK_STR(c.names[2], "B");
	ST_CHECK_INT(log.warnings, 2);
	ST_CHECK_INT(parse_cstr(st_nuget_parse_lock, "{\"dependencies\": []}", &c, &log),
		     STRATA_ECORRUPT);
	ST_CHECK_INT(parse_cstr(st_nuget_parse_lock, "[]", &c, &log), STRATA_ECORRUPT);
	return survive_mutations(st_nuget_parse_lock,
				 "{\"dependencies\": {\"f\": {\"A\": {\"type\": \"Direct\","
				 " \"resolved\": \"1.0\"}}}}");
}

ST_TEST(nuspec_xml_forms)
{
	static const struct {
		const char *text;
		const char *name;
		const char *license;
	} cases[] = {
		{"<?xml version=\"1.0\"?>\n<!-- <id>no</id> -->\n<package><metadata>"
		 "<id>A&amp;B</id><version><![CDATA[1.0]]></version>"
		 "<license type='expression'>MIT OR Apache-2.0</license></metadata></package>",
		 "A&B", "MIT OR Apache-2.0"},
		{"<n:package xmlns:n=\"x\"><n:metadata a=\"&lt;id&gt;\"><n:id>Ns</n:id>"
		 "<n:version>2</n:version><n:license type=\"file\">LICENSE.txt</n:license>"
		 "</n:metadata></n:package>",
		 "Ns", ""},
		/* Only package/metadata/id counts, and the first one. */
		{"<package><other><id>no</id></other><metadata><dependencies><id>no</id>"
		 "</dependencies><id>&#x59;es</id><id>second</id><version>3</version><license/>"
		 "</metadata></package>",
		 "Yes", ""},
	};
	static const char *const rejected[] = {
		"",
		"<package><metadata><id>a</id></metadata></package>",
		"<package><metadata><version>1</version></metadata></package>",
		"<package><metadata><id>a b</id><version>1</version></metadata></package>",
		"<package><metadata><id>a&bogus;</id><version>1</version></metadata></package>",
		"<package><metadata><id>a</id><version>1</version><!-- open",
		"<package><metadata><id>a</id><version>1<![CDATA[",
		"<package><metadata><id>a</id><version>1</version><x a=\">",
	};
	struct collected c;
	struct diag_log log;
	char *huge;
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(cases); i++) {
		ST_CHECK_INT(parse_cstr(st_nuget_parse_nuspec, cases[i].text, &c, &log), 0);
		ST_CHECK_INT(c.count, 1);
		ST_CHECK_STR(c.names[0], cases[i].name);
		ST_CHECK_STR(c.licenses[0], cases[i].license);
	}
	for (i = 0; i < ST_ARRAY_LEN(rejected); i++) {
		if (parse_cstr(st_nuget_parse_nuspec, rejected[i], &c, &log) != STRATA_ECORRUPT)
			fprintf(stderr, "# case %zu\n", i);
		ST_CHECK_INT(parse_cstr(st_nuget_parse_nuspec, rejected[i], &c, &log),
			     STRATA_ECORRUPT);
	}
	{
		struct st_buf b;

		st_buf_init(&b, 1u << 20);
		for (i = 0; i < 100; i++)
			ST_CHECK_INT(st_buf_append(&b, "<a>", 3, NULL), 0);
		ST_CHECK(st_buf_cstr(&b, NULL) != NULL);
		ST_CHECK_INT(parse_cstr(st_nuget_parse_nuspec, b.ptr, &c, &log), STRATA_ECORRUPT);
		st_buf_dispose(&b);
	}
	huge = make_huge("<package><metadata><version>1</version><id>", 'n', 1u << 16,
			 "</id></metadata></package>");
	ST_CHECK_INT(parse_cstr(st_nuget_parse_nuspec, huge, &c, &log), STRATA_ECORRUPT);
	free(huge);
	return survive_mutations(st_nuget_parse_nuspec,
				 "<package><metadata><id>a</id><version>1</version>"
				 "<license type=\"expression\">MIT</license></metadata></package>");
}

/* libxml2 reads the nuspec: no DTD, so no entity of the document's own,
 * and only well-formed XML. */
ST_TEST(nuspec_rejects_dtd_and_bad_xml)
{
	static const char *const rejected[] = {
		/* An entity expansion bomb. */
		"<?xml version=\"1.0\"?>\n<!DOCTYPE package [<!ENTITY a \"aaaaaaaaaa\">"
		"<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>"
		"<package><metadata><id>&b;</id><version>1</version></metadata></package>",
		/* An external entity. */
		"<!-- c --><!DOCTYPE package [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
		"<package><metadata><id>&x;</id><version>1</version></metadata></package>",
		/* A DOCTYPE without a subset is rejected all the same. */
		"<!DOCTYPE package><package><metadata><id>a</id><version>1</version>"
		"</metadata></package>",
		/* '<' in an attribute value is not well-formed. */
		"<package><metadata x=\"<\"><id>a</id><version>1</version></metadata></package>",
		/* Another root element. */
		"<nuspec><metadata><id>a</id><version>1</version></metadata></nuspec>",
		"<package><metadata><id>a</id><version>1</version></metadata></package><x/>",
	};
	struct collected c;
	struct diag_log log;
	struct st_buf b;
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(rejected); i++) {
		if (parse_cstr(st_nuget_parse_nuspec, rejected[i], &c, &log) != STRATA_ECORRUPT)
			fprintf(stderr, "# case %zu\n", i);
		ST_CHECK_INT(parse_cstr(st_nuget_parse_nuspec, rejected[i], &c, &log),
			     STRATA_ECORRUPT);
		ST_CHECK_INT(c.count, 0);
	}

	/* Elements nested past libxml2's limit (256) fail cleanly even when
	 * every one of them is closed. */
	st_buf_init(&b, 1u << 20);
	ST_CHECK_INT(st_buf_append(&b, "<package><metadata><id>a</id><version>1</version>", 50,
				   NULL), 0);
	for (i = 0; i < 5000; i++)
		ST_CHECK_INT(st_buf_append(&b, "<a>", 3, NULL), 0);
	for (i = 0; i < 5000; i++)
		ST_CHECK_INT(st_buf_append(&b, "</a>", 4, NULL), 0);
	ST_CHECK_INT(st_buf_append(&b, "</metadata></package>", 21, NULL), 0);
	ST_CHECK_INT(parse(st_nuget_parse_nuspec, b.ptr, b.len, &c, &log), STRATA_ECORRUPT);
	st_buf_dispose(&b);
	return ST_TEST_PASS;
}

ST_TEST(nuspec_size_limit)
{
	static const char text[] =
		"<package><metadata><id>a</id><version>1</version></metadata></package>";
	struct strata_limits lim;
	struct strata_error err;
	struct collected c;

	strata_limits_default(&lim);
	lim.cataloged_file_bytes = sizeof(text) - 2;
	memset(&c, 0, sizeof(c));
	ST_CHECK_INT(st_nuget_parse_nuspec(st_slice_make(text, sizeof(text) - 1), "n", &lim, NULL,
					   collect, &c, &err),
		     STRATA_ELIMIT);
	ST_CHECK(strstr(err.msg, "n: over the limit") != NULL);
	lim.cataloged_file_bytes = sizeof(text) - 1;
	ST_CHECK_INT(st_nuget_parse_nuspec(st_slice_make(text, sizeof(text) - 1), "n", &lim, NULL,
					   collect, &c, &err),
		     0);
	ST_CHECK_INT(c.count, 1);
	return ST_TEST_PASS;
}

ST_TEST(packages_config_fixture_through_layers)
{
	char *config = read_fixture("pkgdb/lang/nuget/trivy-packages.config");
	const struct st_test_tar_entry layer0[] = {
		{"inetpub/site/packages.config", config, NULL},
		{"inetpub/old/packages.config", config, NULL},
	};
	const struct st_test_tar_entry layer1[] = {
		{"inetpub/old/.wh.packages.config", "", NULL},
		{"src/Tool/packages.config",
		 "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<packages>\r\n"
		 "  <!-- a comment -->\r\n"
		 "  <package id=\"StyleCop.Analyzers\" version=\"1.1.118\""
		 " developmentDependency=\"true\" />\r\n"
		 "  <package id=\"NUnit\" version=\"3.13.3\" developmentDependency=\"false\" />\r\n"
		 "  <package id=\"NoVersion\" />\r\n"
		 "</packages>\r\n", NULL},
		{"src/Broken/packages.config", "<packages><package id=\"a\"", NULL},
		{"src/my-packages.config", "<packages/>", NULL},
	};
	static const struct expect want[] = {
		{"nuget", "Microsoft.AspNet.WebApi", "5.2.2", "pkg:nuget/Microsoft.AspNet.WebApi@5.2.2",
		 NULL, "inetpub/site/packages.config", 0, 0, "dotnet"},
		{"nuget", "Newtonsoft.Json", "6.0.4", "pkg:nuget/Newtonsoft.Json@6.0.4", NULL,
		 "inetpub/site/packages.config", 0, 0, "dotnet"},
		{"nuget", "StyleCop.Analyzers", "1.1.118", "pkg:nuget/StyleCop.Analyzers@1.1.118",
		 NULL, "src/Tool/packages.config", 1, ST_PKG_DEV, "dotnet"},
		{"nuget", "NUnit", "3.13.3", "pkg:nuget/NUnit@3.13.3", NULL,
		 "src/Tool/packages.config", 1, 0, "dotnet"},
	};
	struct st_test_layers tl = {{layer0, layer1}, {ST_ARRAY_LEN(layer0), ST_ARRAY_LEN(layer1)}};
	struct st_inventory inv;
	struct diag_log log;

	ST_CHECK(config != NULL);
	ST_CHECK_INT(catalog(&tl, 2, &inv, &log), 0);
	ST_CHECK_INT(check_inventory(&inv, want, ST_ARRAY_LEN(want)), ST_TEST_PASS);
	ST_CHECK_INT(log.warnings, 2);
	ST_CHECK(strstr(log.all, "src/Tool/packages.config: line 6: <package> without a valid "
			"id and version, skipped") != NULL);
	ST_CHECK(strstr(log.all, "src/Broken/packages.config: invalid XML") != NULL);
	st_inventory_dispose(&inv);
	free(config);
	return ST_TEST_PASS;
}

ST_TEST(packages_config_bad_input)
{
	static const char *const rejected[] = {
		"",
		"<package id=\"a\" version=\"1\"/>",
		("<!DOCTYPE packages [<!ENTITY v \"1\">]><packages><package id=\"a\" version=\"&v;\"/>"
		 "</packages>"),
		"<packages><package id=\"a\" version=\"1\"></packages>",
	};
	struct collected c;
	struct diag_log log;
	char *huge;
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(rejected); i++) {
		if (parse_cstr(st_nuget_parse_packages_config, rejected[i], &c, &log) !=
		    STRATA_ECORRUPT)
			fprintf(stderr, "# case %zu\n", i);
		ST_CHECK_INT(parse_cstr(st_nuget_parse_packages_config, rejected[i], &c, &log),
			     STRATA_ECORRUPT);
	}

	/* Blank, over-long and spaced ids or versions are skipped, the rest
	 * reported; nested <package> elements are not the list's. */
	huge = make_huge("<packages><package id=\"", 'n', 1000,
			 "\" version=\"1\"/><package id=\" \" version=\"1\"/>"
			 "<package id=\"a b\" version=\"1\"/>"
			 "<package id=\"ok\" version=\" 2.0 \"/>"
			 "<x><package id=\"nested\" version=\"1\"/></x></packages>");
	ST_CHECK_INT(parse_cstr(st_nuget_parse_packages_config, huge, &c, &log), 0);
	ST_CHECK_INT(c.count, 1);
	ST_CHECK_STR(c.names[0], "ok");
	ST_CHECK_INT(log.warnings, 3);
	free(huge);
	ST_CHECK_INT(parse_cstr(st_nuget_parse_packages_config, "<packages/>", &c, &log), 0);
	ST_CHECK_INT(c.count, 0);
	return survive_mutations(st_nuget_parse_packages_config,
				 "<packages><package id=\"a\" version=\"1\" "
				 "developmentDependency=\"true\"/></packages>");
}

ST_TEST(dotnet_wants_paths)
{
	static const struct {
		const char *path;
		bool wanted;
	} cases[] = {
		{"app/My.App.deps.json", true},
		{"app/.deps.json", false},
		{"src/packages.lock.json", true},
		{"src/my-packages.lock.json", false},
		{"r/.nuget/packages/newtonsoft.json/12.0.3/newtonsoft.json.nuspec", true},
		{"r/.nuget/packages/NewtonSoft.Json/12.0.3/newtonsoft.json.nuspec", true},
		{"r/.nuget/packages/other/12.0.3/newtonsoft.json.nuspec", false},
		{"newtonsoft.json.nuspec", false},
		{"12.0.3/newtonsoft.json.nuspec", false},
		{"a//a.nuspec", false},
		{"inetpub/site/packages.config", true},
		{"packages.config", true},
		{"src/my-packages.config", false},
		{"src/packages.config.bak", false},
	};
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(cases); i++) {
		bool got = st_cataloger_dotnet.wants(cases[i].path, strlen(cases[i].path));

		if (got != cases[i].wanted)
			fprintf(stderr, "# %s\n", cases[i].path);
		ST_CHECK(got == cases[i].wanted);
	}
	return ST_TEST_PASS;
}

/* npm: global prefixes and lock files --------------------------------------- */

#define HAPPY "pkgdb/lang/npm/trivy-happy/"

ST_TEST(npm_fixture_with_lock_v1)
{
	char *lock = read_fixture(HAPPY "package-lock.json");
	char *babel = read_fixture(HAPPY "node_modules/@babel/parser/package.json");
	char *body = read_fixture(HAPPY "node_modules/body-parser/package.json");
	char *express = read_fixture(HAPPY "node_modules/express/package.json");
	char *debug = read_fixture(HAPPY "node_modules/express/node_modules/debug/package.json");
	char *ms = read_fixture(HAPPY "node_modules/ms/package.json");
	const struct st_test_tar_entry layer0[] = {
		{"app/package-lock.json", lock, NULL},
		{"app/node_modules/@babel/parser/package.json", babel, NULL},
		{"app/node_modules/body-parser/package.json", body, NULL},
		{"app/node_modules/express/package.json", express, NULL},
	};
	const struct st_test_tar_entry layer1[] = {
		{"app/node_modules/express/node_modules/debug/package.json", debug, NULL},
		{"app/node_modules/ms/package.json", ms, NULL},
		{"app/node_modules/.wh.body-parser", "", NULL},
	};
	static const struct expect want[] = {
		{"npm", "@babel/parser", "7.23.6", "pkg:npm/%40babel/parser@7.23.6", "MIT",
		 "app/node_modules/@babel/parser/package.json", 0, 0, "npm"},
		{"npm", "express", "4.16.4", "pkg:npm/express@4.16.4", "MIT",
		 "app/node_modules/express/package.json", 0, 0, "npm"},
		{"npm", "debug", "2.6.9", "pkg:npm/debug@2.6.9", "MIT",
		 "app/node_modules/express/node_modules/debug/package.json", 1, 0, "npm"},
		{"npm", "ms", "2.1.1", "pkg:npm/ms@2.1.1", "MIT", "app/node_modules/ms/package.json",
		 1, 0, "npm"},
	};
	struct st_test_layers tl = {{layer0, layer1}, {ST_ARRAY_LEN(layer0), ST_ARRAY_LEN(layer1)}};
	struct st_inventory inv;
	struct diag_log log;

	ST_CHECK(lock && babel && body && express && debug && ms);
	ST_CHECK_INT(catalog(&tl, 2, &inv, &log), 0);
	/* The lock lists ansi-colors, array-flatten and more that are not
	 * installed: none of them may appear. */
	ST_CHECK_INT(check_inventory(&inv, want, ST_ARRAY_LEN(want)), ST_TEST_PASS);
	ST_CHECK_INT(log.warnings, 0);
	st_inventory_dispose(&inv);
	free(lock);
	free(babel);
	free(body);
	free(express);
	free(debug);
	free(ms);
	return ST_TEST_PASS;
}

#define PJ(n, v) "{\"name\": \"" n "\", \"version\": \"" v "\"}"

ST_TEST(npm_lock_sets_dev_flags)
{
	static const struct st_test_tar_entry layer0[] = {
		/* Version 3: "packages" keyed by install path. */
		{"p3/package-lock.json",
		 "{\"lockfileVersion\": 3, \"packages\": {\"\": {\"name\": \"p3\"},"
		 " \"node_modules/jest\": {\"version\": \"29.0.0\", \"dev\": true},"
		 " \"node_modules/lodash\": {\"version\": \"4.17.21\"},"
		 " \"node_modules/lodash/node_modules/tap\": {\"version\": \"1.0.0\", \"dev\": true},"
		 " \"node_modules/old\": {\"version\": \"1.0.0\", \"dev\": true},"
		 " \"node_modules/ghost\": {\"version\": \"1.0.0\", \"dev\": true}}}", NULL},
		{"p3/node_modules/jest/package.json", PJ("jest", "29.0.0"), NULL},
		{"p3/node_modules/lodash/package.json", PJ("lodash", "4.17.21"), NULL},
		{"p3/node_modules/lodash/node_modules/tap/package.json", PJ("tap", "1.0.0"), NULL},
		/* The lock is stale here: another version is installed. */
		{"p3/node_modules/old/package.json", PJ("old", "2.0.0"), NULL},
		/* Version 1: the nested "dependencies" tree. */
		{"p1/package-lock.json",
		 "{\"lockfileVersion\": 1, \"dependencies\": {"
		 " \"mocha\": {\"version\": \"10.0.0\", \"dev\": true, \"dependencies\": {"
		 "  \"ms\": {\"version\": \"2.1.3\", \"dev\": true}}},"
		 " \"@scope/x\": {\"version\": \"1.0.0\"}}}", NULL},
		{"p1/node_modules/mocha/package.json", PJ("mocha", "10.0.0"), NULL},
		{"p1/node_modules/mocha/node_modules/ms/package.json", PJ("ms", "2.1.3"), NULL},
		{"p1/node_modules/@scope/x/package.json", PJ("@scope/x", "1.0.0"), NULL},
	};
	static const struct st_test_tar_entry layer1[] = {
		/* The hidden lock wins over package-lock.json of its project. */
		{"p3/node_modules/.package-lock.json",
		 "{\"lockfileVersion\": 3, \"packages\": {"
		 " \"node_modules/lodash\": {\"version\": \"4.17.21\", \"dev\": true}}}", NULL},
		{"p1/node_modules/broken/package-lock.json", "{", NULL},
		{"bad/package-lock.json", "[1, 2]", NULL},
	};
	struct st_test_layers tl = {{layer0, layer1}, {ST_ARRAY_LEN(layer0), ST_ARRAY_LEN(layer1)}};
	static const struct {
		const char *name;
		unsigned flags;
	} want[] = {
		{"jest", ST_PKG_DEV}, {"lodash", ST_PKG_DEV}, {"tap", ST_PKG_DEV}, {"old", 0},
		{"mocha", ST_PKG_DEV}, {"ms", ST_PKG_DEV}, {"@scope/x", 0},
	};
	struct st_inventory inv;
	struct diag_log log;
	size_t i;

	ST_CHECK_INT(catalog(&tl, 2, &inv, &log), 0);
	ST_CHECK_INT(inv.count, ST_ARRAY_LEN(want));
	for (i = 0; i < ST_ARRAY_LEN(want); i++) {
		const struct st_package *p = st_test_find_package(&inv, "npm", want[i].name);

		ST_CHECK(p != NULL);
		if (p->flags != want[i].flags)
			fprintf(stderr, "# %s\n", want[i].name);
		ST_CHECK_INT(p->flags, want[i].flags);
	}
	ST_CHECK(st_test_find_package(&inv, "npm", "ghost") == NULL);
	/* A lock inside node_modules is not a project's: it is not read. */
	ST_CHECK(strstr(log.all, "p1/node_modules/broken") == NULL);
	ST_CHECK(strstr(log.all, "bad/package-lock.json") != NULL);
	ST_CHECK_INT(log.warnings, 1);
	st_inventory_dispose(&inv);
	return ST_TEST_PASS;
}

ST_TEST(npm_global_prefixes)
{
	static const struct st_test_tar_entry layer0[] = {
		{"usr/lib/node_modules/npm/package.json", PJ("npm", "9.0.0"), NULL},
		{"usr/lib/node_modules/npm/node_modules/abbrev/package.json", PJ("abbrev", "1.0.0"),
		 NULL},
		{"usr/local/lib/node_modules/corepack/package.json", PJ("corepack", "0.20.0"), NULL},
		{"opt/yarn/lib/node_modules/yarn/package.json", PJ("yarn", "1.22.0"), NULL},
		{"root/.nvm/versions/node/v20.0.0/lib/node_modules/pnpm/package.json",
		 PJ("pnpm", "8.0.0"), NULL},
		{"usr/src/app/node_modules/local/package.json", PJ("local", "1.0.0"), NULL},
		{"opt/a/b/lib/node_modules/deep/package.json", PJ("deep", "1.0.0"), NULL},
		{"srv/lib/node_modules/srv/package.json", PJ("srv", "1.0.0"), NULL},
		{"node_modules/top/package.json", PJ("top", "1.0.0"), NULL},
	};
	struct st_test_layers tl = {{layer0}, {ST_ARRAY_LEN(layer0)}};
	static const struct {
		const char *name;
		unsigned flags;
	} want[] = {
		{"npm", ST_PKG_GLOBAL}, {"abbrev", ST_PKG_GLOBAL}, {"corepack", ST_PKG_GLOBAL},
		{"yarn", ST_PKG_GLOBAL}, {"pnpm", ST_PKG_GLOBAL}, {"local", 0}, {"deep", 0},
		{"srv", 0}, {"top", 0},
	};
	struct st_inventory inv;
	struct diag_log log;
	size_t i;

	ST_CHECK_INT(catalog(&tl, 1, &inv, &log), 0);
	ST_CHECK_INT(inv.count, ST_ARRAY_LEN(want));
	for (i = 0; i < ST_ARRAY_LEN(want); i++) {
		const struct st_package *p = st_test_find_package(&inv, "npm", want[i].name);

		ST_CHECK(p != NULL);
		if (p->flags != want[i].flags)
			fprintf(stderr, "# %s\n", want[i].name);
		ST_CHECK_INT(p->flags, want[i].flags);
		ST_CHECK_STR(p->found_by, "npm");
	}
	st_inventory_dispose(&inv);
	return ST_TEST_PASS;
}

static int count_entry(void *ctx, const struct st_npm_lock_entry *e, struct strata_error *err)
{
	size_t *n = ctx;

	if (e->install_path == NULL || e->install_path[0] == '\0')
		return st_error_set(err, STRATA_EINTERNAL, "entry without install path");
	(*n)++;
	return 0;
}

static int parse_lock(const char *text, size_t len, size_t *n)
{
	struct strata_limits lim;
	struct strata_error err;

	strata_limits_default(&lim);
	lim.json_depth = 32;
	*n = 0;
	return st_npm_parse_package_lock(st_slice_make(text, len), "lock", &lim, NULL,
					 count_entry, n, &err);
}

ST_TEST(npm_lock_bad_input)
{
	static const char good[] =
		"{\"lockfileVersion\": 1, \"dependencies\": {\"a\": {\"version\": \"1\","
		" \"dependencies\": {\"b\": {\"version\": 2, \"dev\": \"yes\"}}}, \"c d\": {},"
		" \"e\": 5}}";
	char *copy;
	char *huge;
	size_t n;
	size_t i;
	int rc;

	ST_CHECK_INT(parse_lock(good, strlen(good), &n), 0);
	ST_CHECK_INT(n, 2);
	ST_CHECK_INT(parse_lock("{\"lockfileVersion\": 3}", 22, &n), 0);
	ST_CHECK_INT(n, 0);
	ST_CHECK_INT(parse_lock("[]", 2, &n), STRATA_ECORRUPT);
	ST_CHECK_INT(parse_lock("{", 1, &n), STRATA_ECORRUPT);
	ST_CHECK_INT(parse_lock(garbage, sizeof(garbage) - 1, &n), STRATA_ECORRUPT);
	/* A v1 tree deeper than the path limit allows is cut, not followed. */
	{
		struct st_buf b;

		st_buf_init(&b, 1u << 20);
		ST_CHECK_INT(st_buf_append(&b, "{\"dependencies\": ", 17, NULL), 0);
		for (i = 0; i < 14; i++)
			ST_CHECK_INT(st_buf_printf(&b, NULL, "{\"%0300zu\": {\"dependencies\": ", i),
				     0);
		ST_CHECK_INT(st_buf_append(&b, "{}", 2, NULL), 0);
		for (i = 0; i < 14; i++)
			ST_CHECK_INT(st_buf_append(&b, "}}", 2, NULL), 0);
		ST_CHECK_INT(st_buf_append(&b, "}", 1, NULL), 0);
		ST_CHECK_INT(parse_lock(b.ptr, b.len, &n), 0);
		/* 4096 bytes hold 13 levels of 314 bytes each. */
		ST_CHECK_INT(n, 13);
		st_buf_dispose(&b);
	}
	huge = make_huge("{\"packages\": {\"node_modules/", 'n', 1u << 16,
			 "\": {\"version\": \"1\"}}}");
	ST_CHECK_INT(parse_lock(huge, strlen(huge), &n), 0);
	ST_CHECK_INT(n, 1);
	free(huge);
	copy = strdup(good);
	ST_CHECK(copy != NULL);
	for (i = 0; i < strlen(good); i++) {
		memcpy(copy, good, sizeof(good));
		copy[i] = (char)(copy[i] ^ 0x5a);
		rc = parse_lock(copy, strlen(good), &n);
		ST_CHECK(rc == 0 || rc == STRATA_ECORRUPT);
	}
	free(copy);
	return ST_TEST_PASS;
}

/* pnpm ---------------------------------------------------------------------- */

#define PNPM "pkgdb/lang/npm/pnpm8-sample/"
#define PNPM_STORE "node_modules/.pnpm/"

/* A project installed by pnpm 8.15.9 (lockfile 6.0): packages live in
 * node_modules/.pnpm/NAME@VERSION/node_modules/NAME, and the lock's
 * "dev: true" marks the two development dependencies. */
ST_TEST(pnpm_fixture_sets_dev_flags)
{
	static const char *const files[] = {
		"pnpm-lock.yaml",
		PNPM_STORE "debug@4.3.4/node_modules/debug/package.json",
		PNPM_STORE "@types+ms@0.7.34/node_modules/@types/ms/package.json",
		PNPM_STORE "ms@2.1.3/node_modules/ms/package.json",
		PNPM_STORE "ms@2.1.2/node_modules/ms/package.json",
		PNPM_STORE "is-number@7.0.0/node_modules/is-number/package.json",
	};
	static const struct {
		const char *name;
		const char *version;
		unsigned flags;
	} want[] = {
		{"debug", "4.3.4", 0},       {"@types/ms", "0.7.34", ST_PKG_DEV},
		{"ms", "2.1.3", 0},          {"ms", "2.1.2", 0},
		{"is-number", "7.0.0", ST_PKG_DEV},
	};
	char *text[ST_ARRAY_LEN(files)];
	char paths[ST_ARRAY_LEN(files)][160];
	struct st_test_tar_entry layer0[ST_ARRAY_LEN(files)];
	struct st_test_layers tl;
	struct st_inventory inv;
	struct diag_log log;
	size_t i;
	size_t j;

	for (i = 0; i < ST_ARRAY_LEN(files); i++) {
		char rel[200];

		snprintf(rel, sizeof(rel), PNPM "%s", files[i]);
		snprintf(paths[i], sizeof(paths[i]), "srv/app/%s", files[i]);
		text[i] = read_fixture(rel);
		ST_CHECK(text[i] != NULL);
		layer0[i].path = paths[i];
		layer0[i].data = text[i];
		layer0[i].target = NULL;
	}
	memset(&tl, 0, sizeof(tl));
	tl.entries[0] = layer0;
	tl.counts[0] = ST_ARRAY_LEN(layer0);
	ST_CHECK_INT(catalog(&tl, 1, &inv, &log), 0);
	ST_CHECK_INT(log.warnings, 0);
	ST_CHECK_INT(inv.count, ST_ARRAY_LEN(want));
	for (i = 0; i < ST_ARRAY_LEN(want); i++) {
		const struct st_package *p = NULL;

		for (j = 0; j < inv.count; j++) {
			if (strcmp(inv.packages[j].name, want[i].name) == 0 &&
			    strcmp(inv.packages[j].version, want[i].version) == 0)
				p = &inv.packages[j];
		}
		ST_CHECK(p != NULL);
		if (p->flags != want[i].flags)
			fprintf(stderr, "# %s %s\n", want[i].name, want[i].version);
		ST_CHECK_INT(p->flags, want[i].flags);
	}
	st_inventory_dispose(&inv);
	for (i = 0; i < ST_ARRAY_LEN(files); i++)
		free(text[i]);
	return ST_TEST_PASS;
}

struct lock_seen {
	size_t count;
	char entries[8][80];
};

static int keep_entry(void *ctx, const struct st_npm_lock_entry *e, struct strata_error *err)
{
	struct lock_seen *s = ctx;

	if (e->name == NULL || e->version == NULL || e->install_path != NULL)
		return st_error_set(err, STRATA_EINTERNAL, "entry without name or version");
	if (s->count < 8)
		snprintf(s->entries[s->count], sizeof(s->entries[0]), "%s %s%s", e->name,
			 e->version, e->dev ? " dev" : "");
	s->count++;
	return 0;
}

static int parse_pnpm(const char *text, size_t len, struct lock_seen *s, struct diag_log *log)
{
	struct strata_limits lim;
	struct strata_error err;
	struct st_diag diag;
	int rc;

	strata_limits_default(&lim);
	lim.json_depth = 16;
	diag_init(&diag, log);
	memset(s, 0, sizeof(*s));
	strata_error_clear(&err);
	rc = st_pnpm_parse_lock(st_slice_make(text, len), "pnpm-lock.yaml", &lim, &diag,
				keep_entry, s, &err);
	if (rc < 0 && strstr(err.msg, "pnpm-lock.yaml") == NULL)
		fprintf(stderr, "# error without the path: %s\n", err.msg);
	return rc;
}

/* Key forms of lockfile versions 5.4, 6.0 and 9.0, and peer suffixes. */
ST_TEST(pnpm_lock_key_forms)
{
	static const char v5[] =
		"lockfileVersion: 5.4\npackages:\n"
		"  /ms/2.1.3:\n    resolution: {integrity: x}\n    dev: false\n"
		"  /@babel/core/7.0.0_supports-color@8.0.0:\n    dev: true\n"
		"  /tarball/1.0.0:\n    name: real-name\n    version: 2.0.0\n    dev: true\n";
	static const char v6[] =
		"lockfileVersion: '6.0'\npackages:\n"
		"  /@types/ms@0.7.34:\n    dev: true\n"
		"  /react-dom@18.2.0(react@18.2.0):\n    dev: true\n"
		"  /ms@2.1.3:\n    dev: false\n";
	static const char v9[] =
		"lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies: {}\n"
		"packages:\n  ms@2.1.3:\n    resolution: {integrity: x}\n"
		"  '@scope/a@1.0.0':\n    resolution: {integrity: y}\n"
		"snapshots:\n  ms@2.1.3: {}\n";
	struct lock_seen s;
	struct diag_log log;

	ST_CHECK_INT(parse_pnpm(v5, strlen(v5), &s, &log), 0);
	ST_CHECK_INT(s.count, 3);
	ST_CHECK_STR(s.entries[0], "ms 2.1.3");
	ST_CHECK_STR(s.entries[1], "@babel/core 7.0.0 dev");
	ST_CHECK_STR(s.entries[2], "real-name 2.0.0 dev");

	ST_CHECK_INT(parse_pnpm(v6, strlen(v6), &s, &log), 0);
	ST_CHECK_INT(s.count, 3);
	ST_CHECK_STR(s.entries[0], "@types/ms 0.7.34 dev");
	ST_CHECK_STR(s.entries[1], "react-dom 18.2.0 dev");
	ST_CHECK_STR(s.entries[2], "ms 2.1.3");

	ST_CHECK_INT(parse_pnpm(v9, strlen(v9), &s, &log), 0);
	ST_CHECK_INT(s.count, 2);
	ST_CHECK_STR(s.entries[0], "ms 2.1.3");
	ST_CHECK_STR(s.entries[1], "@scope/a 1.0.0");
	ST_CHECK_INT(log.warnings, 0);
	return ST_TEST_PASS;
}

ST_TEST(pnpm_lock_bad_input)
{
	static const char *const corrupt[] = {
		"",
		"[1, 2]\n",
		"packages: {}\n",
		"lockfileVersion: '6.0'\npackages:\n  /a@1: [\n",
		/* An alias could multiply the document: rejected. */
		"lockfileVersion: '6.0'\nx: &a {dev: true}\npackages:\n  /a@1: *a\n",
		"\x00\xff\xfe",
	};
	static const char skipped[] =
		"lockfileVersion: '6.0'\npackages:\n"
		"  /nover:\n    dev: true\n"
		"  /@scope@1.0.0:\n    dev: true\n"
		"  '/a b@1':\n    dev: true\n"
		"  /x@:\n    dev: true\n"
		"  /list@1: [1]\n"
		"  /ok@1.0.0:\n    dev: true\n";
	struct lock_seen s;
	struct diag_log log;
	struct strata_limits lim;
	struct strata_error err;
	struct st_buf deep;
	size_t i;
	int rc;

	for (i = 0; i < ST_ARRAY_LEN(corrupt); i++) {
		rc = parse_pnpm(corrupt[i], i == 5 ? 3 : strlen(corrupt[i]), &s, &log);
		if (rc != STRATA_ECORRUPT)
			fprintf(stderr, "# case %zu: %d\n", i, rc);
		ST_CHECK_INT(rc, STRATA_ECORRUPT);
		ST_CHECK_INT(s.count, 0);
	}

	ST_CHECK_INT(parse_pnpm(skipped, strlen(skipped), &s, &log), 0);
	ST_CHECK_INT(s.count, 1);
	ST_CHECK_STR(s.entries[0], "ok 1.0.0 dev");
	ST_CHECK_INT(log.warnings, 4);
	ST_CHECK(strstr(log.all, "package \"/nover\": no valid name and version") != NULL);

	/* Nesting over json_depth (16 in parse_pnpm). */
	st_buf_init(&deep, 1u << 16);
	ST_CHECK_INT(st_buf_append(&deep, "lockfileVersion: '6.0'\npackages: ", 33, NULL), 0);
	for (i = 0; i < 40; i++)
		ST_CHECK_INT(st_buf_append(&deep, "[", 1, NULL), 0);
	for (i = 0; i < 40; i++)
		ST_CHECK_INT(st_buf_append(&deep, "]", 1, NULL), 0);
	ST_CHECK_INT(parse_pnpm(deep.ptr, deep.len, &s, &log), STRATA_ELIMIT);
	st_buf_dispose(&deep);

	strata_limits_default(&lim);
	lim.cataloged_file_bytes = 10;
	ST_CHECK_INT(st_pnpm_parse_lock(st_slice_make(skipped, strlen(skipped)), "p", &lim, NULL,
					keep_entry, &s, &err),
		     STRATA_ELIMIT);

	/* Every prefix and every flipped byte of a valid lock. */
	for (i = 0; i <= strlen(skipped); i++) {
		rc = parse_pnpm(skipped, i, &s, &log);
		ST_CHECK(rc == 0 || rc == STRATA_ECORRUPT);
	}
	{
		char copy[sizeof(skipped)];

		for (i = 0; i < strlen(skipped); i++) {
			memcpy(copy, skipped, sizeof(skipped));
			copy[i] = (char)(copy[i] ^ 0x5a);
			rc = parse_pnpm(copy, strlen(skipped), &s, &log);
			ST_CHECK(rc == 0 || rc == STRATA_ECORRUPT);
		}
	}
	return ST_TEST_PASS;
}

/* A lock inside node_modules is a dependency's, not the project's. */
ST_TEST(pnpm_lock_paths_wanted)
{
	ST_CHECK(st_cataloger_npm.wants("app/pnpm-lock.yaml", 18));
	ST_CHECK(st_cataloger_npm.wants("pnpm-lock.yaml", 14));
	ST_CHECK(!st_cataloger_npm.wants("app/node_modules/x/pnpm-lock.yaml", 34));
	ST_CHECK(!st_cataloger_npm.wants("app/my-pnpm-lock.yaml", 21));
	ST_CHECK(!st_cataloger_npm.wants("app/pnpm-lock.yml", 17));
	return ST_TEST_PASS;
}

/* yarn ---------------------------------------------------------------------- */

/* Catalogs the yarn sample project SAMPLE (under pkgdb/lang/npm/) as
 * srv/app in one layer, plus EXTRA (may be NULL) as srv/app/yarn.lock in
 * place of the sample's lock, and checks the dev flag of each package. */
static int check_yarn_sample(const char *sample, const char *extra_lock)
{
	static const char *const files[] = {
		"yarn.lock",
		"package.json",
		"node_modules/debug/package.json",
		"node_modules/debug/node_modules/ms/package.json",
		"node_modules/ms/package.json",
		"node_modules/is-number/package.json",
	};
	static const struct {
		const char *name;
		const char *version;
		unsigned flags;
	} want[] = {
		{"debug", "4.3.4", 0},
		{"ms", "2.1.2", 0},
		{"ms", "2.1.3", 0},
		{"is-number", "7.0.0", ST_PKG_DEV},
	};
	char *text[ST_ARRAY_LEN(files)];
	char paths[ST_ARRAY_LEN(files)][160];
	struct st_test_tar_entry layer0[ST_ARRAY_LEN(files)];
	struct st_test_layers tl;
	struct st_inventory inv;
	struct diag_log log;
	size_t i;
	size_t j;

	for (i = 0; i < ST_ARRAY_LEN(files); i++) {
		char rel[200];

		snprintf(rel, sizeof(rel), "pkgdb/lang/npm/%s/%s", sample, files[i]);
		snprintf(paths[i], sizeof(paths[i]), "srv/app/%s", files[i]);
		text[i] = read_fixture(rel);
		ST_CHECK(text[i] != NULL);
		layer0[i].path = paths[i];
		layer0[i].data = i == 0 && extra_lock != NULL ? extra_lock : text[i];
		layer0[i].target = NULL;
	}
	memset(&tl, 0, sizeof(tl));
	tl.entries[0] = layer0;
	tl.counts[0] = ST_ARRAY_LEN(layer0);
	ST_CHECK_INT(catalog(&tl, 1, &inv, &log), 0);
	if (extra_lock == NULL)
		ST_CHECK_INT(log.warnings, 0);
	ST_CHECK_INT(inv.count, ST_ARRAY_LEN(want));
	for (i = 0; i < ST_ARRAY_LEN(want); i++) {
		const struct st_package *p = NULL;

		for (j = 0; j < inv.count; j++) {
			if (strcmp(inv.packages[j].name, want[i].name) == 0 &&
			    strcmp(inv.packages[j].version, want[i].version) == 0)
				p = &inv.packages[j];
		}
		ST_CHECK(p != NULL);
		if (p->flags != want[i].flags)
			fprintf(stderr, "# %s %s %s\n", sample, want[i].name, want[i].version);
		ST_CHECK_INT(p->flags, want[i].flags);
	}
	st_inventory_dispose(&inv);
	for (i = 0; i < ST_ARRAY_LEN(files); i++)
		free(text[i]);
	return ST_TEST_PASS;
}

/* Projects installed by yarn 1.22.22 and yarn 4.18.1 (node-modules
 * linker): dependencies debug 4.3.4 (which pulls ms 2.1.2) and ms 2.1.3,
 * devDependency is-number 7.0.0. */
ST_TEST(yarn1_fixture_sets_dev_flags)
{
	return check_yarn_sample("yarn1-sample", NULL);
}

ST_TEST(yarn4_fixture_sets_dev_flags)
{
	return check_yarn_sample("yarn4-sample", NULL);
}

/* Lock entries that are not installed (here a dev-only "ghost") add no
 * package, and a lock that is not valid leaves the flags unset with a
 * warning naming it. */
ST_TEST(yarn_lock_never_adds_packages)
{
	static const char ghost[] =
		"debug@4.3.4:\n  version \"4.3.4\"\n  dependencies:\n    ms \"2.1.2\"\n"
		"ms@2.1.2:\n  version \"2.1.2\"\nms@2.1.3:\n  version \"2.1.3\"\n"
		"is-number@7.0.0:\n  version \"7.0.0\"\n  dependencies:\n    ghost \"^1\"\n"
		"ghost@^1:\n  version \"1.0.0\"\n";

	return check_yarn_sample("yarn1-sample", ghost);
}

ST_TEST(yarn_lock_corrupt_warns_in_catalog)
{
	static const char *const bad[] = {
		"not a lock\n",
		"__metadata:\n  version: 8\n\"a@npm:1\": [unclosed\n",
		"__metadata: 3\n",
		"a@1:\n      version \"1\"\n",
	};
	struct st_test_tar_entry layer0[2];
	struct st_test_layers tl;
	struct st_inventory inv;
	struct diag_log log;
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(bad); i++) {
		layer0[0].path = "srv/app/yarn.lock";
		layer0[0].data = bad[i];
		layer0[0].target = NULL;
		layer0[1].path = "srv/app/node_modules/a/package.json";
		layer0[1].data = "{\"name\": \"a\", \"version\": \"1.0.0\"}";
		layer0[1].target = NULL;
		memset(&tl, 0, sizeof(tl));
		tl.entries[0] = layer0;
		tl.counts[0] = ST_ARRAY_LEN(layer0);
		ST_CHECK_INT(catalog(&tl, 1, &inv, &log), 0);
		ST_CHECK_INT(log.warnings, 1);
		ST_CHECK(strstr(log.all, "srv/app/yarn.lock") != NULL);
		ST_CHECK_INT(inv.count, 1);
		ST_CHECK_INT(inv.packages[0].flags, 0);
		st_inventory_dispose(&inv);
	}
	return ST_TEST_PASS;
}

ST_TEST(yarn_lock_paths_wanted)
{
	ST_CHECK(st_cataloger_npm.wants("app/yarn.lock", 13));
	ST_CHECK(st_cataloger_npm.wants("yarn.lock", 9));
	ST_CHECK(st_cataloger_npm.wants("app/package.json", 16));
	ST_CHECK(!st_cataloger_npm.wants("app/node_modules/x/yarn.lock", 28));
	ST_CHECK(!st_cataloger_npm.wants("app/my-yarn.lock", 16));
	return ST_TEST_PASS;
}

/* Runs st_yarn_parse_lock with PROJECT_JSON (NULL for none) and a JSON
 * depth of 16, the depth limit of the walk too. */
static int parse_yarn(const char *text, size_t len, const char *project_json,
		      struct lock_seen *s, struct diag_log *log)
{
	struct strata_limits lim;
	struct strata_error err;
	struct st_diag diag;
	json_t *project = NULL;
	int rc;

	strata_limits_default(&lim);
	lim.json_depth = 16;
	diag_init(&diag, log);
	memset(s, 0, sizeof(*s));
	strata_error_clear(&err);
	if (project_json != NULL)
		project = json_loads(project_json, 0, NULL);
	rc = st_yarn_parse_lock(st_slice_make(text, len), "yarn.lock", project, &lim, &diag,
				keep_entry, s, &err);
	if (rc < 0 && strstr(err.msg, "yarn.lock") == NULL)
		fprintf(stderr, "# error without the path: %s\n", err.msg);
	json_decref(project);
	return rc;
}

/* A package both sides reach is not dev; cycles end; an unreached entry
 * is not dev; berry's "npm:" protocol is added to a bare range. */
ST_TEST(yarn_lock_dev_reachability)
{
	static const char classic[] =
		"# yarn lockfile v1\n\n"
		"\"a@^1.0.0\", a@^1.1.0:\n  version \"1.2.0\"\n  dependencies:\n    c \"~3\"\n\n"
		"b@^2.0.0:\n  version \"2.0.1\"\n  optionalDependencies:\n    c \"~3\"\n"
		"    d \"4\"\n\n"
		"c@~3:\n  version \"3.0.0\"\n  dependencies:\n    b \"^2.0.0\"\n\n"
		"d@4:\n  version \"4.0.0\"\n\n"
		"stale@1:\n  version \"1.0.0\"\n";
	static const char berry[] =
		"__metadata:\n  version: 8\n\n"
		"\"x@npm:^1.0.0\":\n  version: 1.0.0\n  resolution: \"x@npm:1.0.0\"\n"
		"  dependencies:\n    y: \"npm:^2.0.0\"\n\n"
		"\"y@npm:^2.0.0\":\n  version: 2.0.0\n  resolution: \"y@npm:2.0.0\"\n\n"
		"\"@s/z@npm:3.0.0\":\n  version: 3.0.0\n  resolution: \"@s/z@npm:3.0.0\"\n";
	struct lock_seen s;
	struct diag_log log;

	ST_CHECK_INT(parse_yarn(classic, strlen(classic),
				"{\"dependencies\": {\"a\": \"^1.1.0\"},"
				" \"devDependencies\": {\"b\": \"^2.0.0\"}}",
				&s, &log),
		     0);
	ST_CHECK_INT(s.count, 5);
	ST_CHECK_STR(s.entries[0], "a 1.2.0");
	ST_CHECK_STR(s.entries[1], "b 2.0.1");
	ST_CHECK_STR(s.entries[2], "c 3.0.0");
	ST_CHECK_STR(s.entries[3], "d 4.0.0");
	ST_CHECK_STR(s.entries[4], "stale 1.0.0");
	ST_CHECK_INT(log.warnings, 0);

	ST_CHECK_INT(parse_yarn(classic, strlen(classic),
				"{\"devDependencies\": {\"b\": \"^2.0.0\"}}", &s, &log),
		     0);
	ST_CHECK_STR(s.entries[1], "b 2.0.1 dev");
	ST_CHECK_STR(s.entries[2], "c 3.0.0 dev");
	ST_CHECK_STR(s.entries[3], "d 4.0.0 dev");
	ST_CHECK_STR(s.entries[0], "a 1.2.0");

	/* Without a project nothing is dev. */
	ST_CHECK_INT(parse_yarn(classic, strlen(classic), NULL, &s, &log), 0);
	ST_CHECK_STR(s.entries[3], "d 4.0.0");

	ST_CHECK_INT(parse_yarn(berry, strlen(berry),
				"{\"dependencies\": {\"@s/z\": \"3.0.0\"},"
				" \"devDependencies\": {\"x\": \"^1.0.0\"}}",
				&s, &log),
		     0);
	ST_CHECK_INT(s.count, 3);
	ST_CHECK_STR(s.entries[0], "x 1.0.0 dev");
	ST_CHECK_STR(s.entries[1], "y 2.0.0 dev");
	ST_CHECK_STR(s.entries[2], "@s/z 3.0.0");
	return ST_TEST_PASS;
}

/* A dev chain longer than the depth limit (16) stops with one warning;
 * the entries past it stay unmarked and so are not dev. */
ST_TEST(yarn_lock_depth_limit)
{
	struct st_buf lock;
	struct lock_seen s;
	struct diag_log log;
	int i;

	st_buf_init(&lock, SIZE_MAX);
	for (i = 0; i < 40; i++)
		ST_CHECK(st_buf_printf(&lock, NULL, "p%d@1:\n  version \"1.0.0\"\n"
					     "  dependencies:\n    p%d \"1\"\n",
				       i, i + 1) == 0);
	ST_CHECK_INT(parse_yarn(lock.ptr, lock.len, "{\"devDependencies\": {\"p0\": \"1\"}}", &s,
				&log),
		     0);
	ST_CHECK_INT(s.count, 40);
	ST_CHECK_STR(s.entries[0], "p0 1.0.0 dev");
	ST_CHECK_INT(log.warnings, 1);
	ST_CHECK(strstr(log.all, "yarn.lock") != NULL);
	st_buf_dispose(&lock);
	return ST_TEST_PASS;
}

ST_TEST(yarn_lock_bad_input)
{
	static const char *const corrupt[] = {
		"garbage without colon\n",
		"  version \"1\"\n",
		"__metadata:\n  - [\n",
		"__metadata:\n  a: &x 1\n  b: *x\n",
		"[1, 2]\n__metadata:\n",
	};
	static const char skipped[] =
		"a@1:\n  version \"1.0.0\"\nb@1:\n  resolved \"x\"\n\"@bad:\n  version \"1\"\n";
	char *sample;
	struct lock_seen s;
	struct diag_log log;
	struct strata_limits lim;
	struct strata_error err;
	size_t len;
	size_t i;
	int rc;

	for (i = 0; i < ST_ARRAY_LEN(corrupt); i++) {
		rc = parse_yarn(corrupt[i], strlen(corrupt[i]), NULL, &s, &log);
		if (rc != STRATA_ECORRUPT)
			fprintf(stderr, "# case %zu\n", i);
		ST_CHECK_INT(rc, STRATA_ECORRUPT);
	}

	/* Entries without a version or name: one warning each, skipped. */
	ST_CHECK_INT(parse_yarn(skipped, strlen(skipped), NULL, &s, &log), 0);
	ST_CHECK_INT(s.count, 1);
	ST_CHECK_INT(log.warnings, 2);

	/* Over cataloged_file_bytes. */
	strata_limits_default(&lim);
	lim.cataloged_file_bytes = 8;
	ST_CHECK_INT(st_yarn_parse_lock(st_slice_make(skipped, strlen(skipped)), "yarn.lock", NULL,
					&lim, NULL, keep_entry, &s, &err),
		     STRATA_ELIMIT);
	ST_CHECK(strstr(err.msg, "yarn.lock") != NULL);

	/* Every truncation of both real locks: no crash, no invalid entry. */
	for (int v = 0; v < 2; v++) {
		sample = read_fixture(v == 0 ? "pkgdb/lang/npm/yarn1-sample/yarn.lock"
					     : "pkgdb/lang/npm/yarn4-sample/yarn.lock");
		ST_CHECK(sample != NULL);
		len = strlen(sample);
		for (i = 0; i < len; i++) {
			rc = parse_yarn(sample, i, "{\"devDependencies\": {\"ms\": \"2.1.3\"}}", &s,
					&log);
			ST_CHECK(rc == 0 || rc == STRATA_ECORRUPT || rc == STRATA_ELIMIT);
		}
		free(sample);
	}
	return ST_TEST_PASS;
}
