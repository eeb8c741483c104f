/* Tests of distribution classification (distro.c), the legacy release
 * files and distroless and ESM signs of the OS cataloger, kernel package
 * flags, and OS file ownership. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"
#include "inventory/inventory.h"
#include "inventory/pkg_common.h"
#include "inventory/rpm_internal.h"
#include "testlib.h"

struct diag_log {
	unsigned messages;
	char all[8192];
	size_t len;
};

static void log_message(void *ctx, int level, const char *msg)
{
	struct diag_log *log = ctx;
	size_t n = strlen(msg);

	(void)level;
	log->messages++;
	if (log->len + n + 2 > sizeof(log->all))
		return;
	memcpy(log->all + log->len, msg, n);
	log->len += n;
	log->all[log->len++] = '\n';
	log->all[log->len] = '\0';
}

static bool read_data(const char *rel, struct st_buf *b)
{
	struct strata_error err;

	st_buf_init(b, 16u << 20);
	if (st_read_file(st_test_data_path(rel), b, false, &err) < 0) {
		fprintf(stderr, "# %s: %s\n", rel, err.msg);
		return false;
	}
	if (st_buf_putc(b, '\0', NULL) < 0)
		return false;
	b->len--;
	return true;
}

/* Unix time of 00:00 UTC on Y-M-D. */
static int64_t day(int y, int m, int d)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	return (int64_t)timegm(&tm);
}

/* Runs the OS cataloger over FILES (final view) and stores its messages
 * in LOG. */
static int run_os(struct st_inventory *inv, const struct st_walk_file *files, size_t count,
		  struct diag_log *log)
{
	const struct st_cataloger *c = &st_cataloger_os;
	struct strata_limits lim;
	struct st_catalog_ctx ctx;
	struct strata_error err;
	struct st_diag diag = {log_message, log, 0};
	void *state = NULL;
	size_t i;
	int rc;

	memset(log, 0, sizeof(*log));
	strata_limits_default(&lim);
	ctx.inv = inv;
	ctx.diag = &diag;
	ctx.limits = &lim;
	rc = c->init(&state, &err);
	for (i = 0; rc == 0 && i < count; i++) {
		if (c->wants(files[i].path, files[i].path_len))
			rc = c->on_final_file(state, &files[i], &ctx, &err);
	}
	if (rc == 0)
		rc = c->finish(state, &ctx, &err);
	c->free(state);
	return rc;
}

/* Classification of every os-release fixture -------------------------------- */

static const struct {
	const char *file;
	const char *family;
	const char *key; /* NULL: none */
	const char *version_id;
} fixtures[] = {
	{"almalinux/etc/os-release", "almalinux", "almalinux:8", "8.4"},
	{"alpine-3.12/etc/os-release", "alpine", "alpine:v3.12", "3.12.9"},
	{"alpine-3.15/etc/os-release", "alpine", "alpine:v3.15", "3.15.0"},
	{"alpine-3.18/etc/os-release", "alpine", "alpine:v3.18", "3.18.4"},
	{"alpine-3.3/etc/os-release", "alpine", "alpine:v3.3", "3.3.3"},
	{"alpine-3.9/etc/os-release", "alpine", "alpine:v3.9", "3.9.6"},
	{"alpine-edge/etc/os-release", "alpine", "alpine:edge", "3.19_alpha20230901"},
	{"amazon/etc/os-release", "amzn", "amzn:2", "2"},
	{"arch/etc/os-release", "arch", "arch", NULL},
	{"centos/os-release", "centos", "rhel:8", "8"},
	{"debian-10/etc/os-release", "debian", "debian:buster", "10"},
	{"debian-11/etc/os-release", "debian", "debian:bullseye", "11"},
	{"debian-12/etc/os-release", "debian", "debian:bookworm", "12"},
	{"debian-7/etc/os-release", "debian", "debian:wheezy", "7"},
	{"debian-8/etc/os-release", "debian", "debian:jessie", "8"},
	{"debian-9/etc/os-release", "debian", "debian:stretch", "9"},
	{"debian-from-debian_version/etc/os-release", "debian", NULL, NULL},
	{"distroless-debian-10/etc/os-release", "debian", "debian:buster", "10"},
	{"distroless-debian-11/etc/os-release", "debian", "debian:bullseye", "11"},
	{"distroless-debian-9/etc/os-release", "debian", "debian:stretch", "9"},
	{"fedora/os-release", "fedora", "fedora:36", "36"},
	{"mariner/etc/os-release", "mariner", "mariner:1.0", "1.0"},
	{"opensuse-leap/etc/os-release", "opensuse-leap", "opensuse-leap:15.2", "15.2"},
	{"oraclelinux/etc/os-release", "ol", "ol:8", "8.3"},
	{"photon/etc/os-release", "photon", "photon:2.0", "2.0"},
	{"redhat/os-release", "rhel", "rhel:7", "7.3"},
	{"rhel-7/etc/os-release", "rhel", "rhel:7", "7.7"},
	{"rhel-8/etc/os-release", "rhel", "rhel:8", "8.1"},
	{"rhel-9/etc/os-release", "rhel", "rhel:9", "9.0"},
	{"rhel-atomichost-7/etc/os-release", "rhel", "rhel:7", "7.9"},
	{"rockylinux/etc/os-release", "rocky", "rocky:8", "8.4"},
	{"scientific/etc/os-release", "scientific", "rhel:7", "7.5"},
	{"sles/etc/os-release", "sles", "sles:15.2", "15.2"},
	{"trivy/alma.os-release", "almalinux", "almalinux:9", "9.4"},
	{"trivy/azurelinux-3.0.os-release", "azurelinux", "azurelinux:3.0", "3.0"},
	{"trivy/bottlerocket.os-release", "bottlerocket", "bottlerocket", "1.34.0"},
	{"trivy/centos-stream.os-release", "centos", "rhel:8", "8"},
	{"trivy/opensuseleap-15.2.1.os-release", "opensuse-leap", "opensuse-leap:15.2", "15.2.1"},
	{"trivy/opensusetumbleweed.os-release", "opensuse-tumbleweed", "opensuse-tumbleweed",
	 "20220412"},
	{"trivy/oracle.os-release", "ol", "ol:8", "8.10"},
	{"trivy/photon.os-release", "photon", "photon:4.0", "4.0"},
	{"trivy/rocky.os-release", "rocky", "rocky:9", "9.3"},
	{"trivy/slemicro6.0.os-release", "sles", NULL, "6.0"},
	{"ubuntu-14.04/etc/os-release", "ubuntu", "ubuntu:14.04", "14.04"},
	{"ubuntu-16.04/etc/os-release", "ubuntu", "ubuntu:16.04", "16.04"},
	{"ubuntu-18.04/etc/os-release", "ubuntu", "ubuntu:18.04", "18.04"},
	{"ubuntu-20.04/etc/os-release", "ubuntu", "ubuntu:20.04", "20.04"},
	{"ubuntu-22.04/etc/os-release", "ubuntu", "ubuntu:22.04", "22.04"},
	{"ubuntu-23.10/etc/os-release", "ubuntu", "ubuntu:23.10", "23.10"},
	{"ubuntu/etc/os-release", "ubuntu", "ubuntu:20.04", "20.04"},
	{"wolfi/etc/os-release", "wolfi", "wolfi", "20220914"},
};

ST_TEST(classify_osrelease_fixtures)
{
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(fixtures); i++) {
		char rel[256];
		struct st_buf text;
		struct st_arena arena;
		struct st_os os;
		struct strata_error err;

		snprintf(rel, sizeof(rel), "osrelease/%s", fixtures[i].file);
		ST_CHECK(read_data(rel, &text));
		st_arena_init(&arena);
		memset(&os, 0, sizeof(os));
		ST_CHECK_INT(st_osrelease_parse(&os, st_slice_make(text.ptr, text.len), &arena, &err),
			     0);
		(void)st_os_classify(&os, &arena, day(2020, 1, 1), &err);
		ST_CHECK_STR(os.family, fixtures[i].family);
		if (fixtures[i].key != NULL)
			ST_CHECK_STR(os.distro_key, fixtures[i].key);
		else
			ST_CHECK(os.distro_key == NULL);
		if (fixtures[i].version_id != NULL)
			ST_CHECK_STR(os.version_id, fixtures[i].version_id);
		else
			ST_CHECK(os.version_id == NULL);
		ST_CHECK(os.pretty_name != NULL);
		st_arena_dispose(&arena);
		st_buf_dispose(&text);
	}
	return ST_TEST_PASS;
}

/* Builds an st_os from os-release TEXT and classifies it at NOW. */
static int classify_text(const char *text, bool esm, int64_t now, struct st_os *os,
			 struct st_arena *arena, struct strata_error *err)
{
	int rc;

	memset(os, 0, sizeof(*os));
	rc = st_osrelease_parse(os, st_slice_cstr(text), arena, err);
	if (rc < 0)
		return rc;
	os->esm = esm;
	return st_os_classify(os, arena, now, err);
}

ST_TEST(classify_eol_by_scan_date)
{
	static const struct {
		const char *text;
		bool esm;
		int y, m, d;
		const char *eol; /* NULL: not past */
	} cases[] = {
		/* Debian 10 LTS ended on 2024-06-30: that day still counts. */
		{"ID=debian\nVERSION_ID=10\n", false, 2024, 6, 30, NULL},
		{"ID=debian\nVERSION_ID=10\n", false, 2024, 7, 1, "2024-06-30"},
		{"ID=debian\nVERSION_ID=12\n", false, 2026, 12, 4, NULL},
		/* Ubuntu 18.04: standard support ended, ESM still runs. */
		{"ID=ubuntu\nVERSION_ID=18.04\n", false, 2026, 12, 4, "2023-05-31"},
		{"ID=ubuntu\nVERSION_ID=18.04\n", true, 2026, 12, 4, NULL},
		{"ID=ubuntu\nVERSION_ID=16.04\n", true, 2026, 12, 4, "2026-04-02"},
		{"ID=alpine\nVERSION_ID=3.18.4\n", false, 2025, 5, 10, "2025-05-09"},
		{"ID=alpine\nVERSION_ID=3.18.4\n", false, 2025, 5, 9, NULL},
		{"ID=rhel\nVERSION_ID=7.9\n", false, 2026, 1, 1, "2024-06-30"},
		{"ID=amzn\nVERSION_ID=2018.03\n", false, 2024, 1, 1, "2023-12-31"},
		{"ID=centos\nVERSION_ID=8\nPRETTY_NAME=\"CentOS Stream 8\"\n", false, 2024, 6, 1,
		 "2024-05-31"},
		{"ID=centos\nVERSION_ID=8\nPRETTY_NAME=\"CentOS Linux 8\"\n", false, 2022, 1, 1,
		 "2021-12-31"},
		{"ID=sle-micro\nVERSION_ID=5.5\n", false, 2025, 1, 1, "2024-12-31"},
		/* Rolling releases never reach an end of life. */
		{"ID=wolfi\n", false, 2030, 1, 1, NULL},
		{"ID=alpine\nVERSION_ID=3.19_alpha20230901\nPRETTY_NAME=\"Alpine Linux edge\"\n",
		 false, 2030, 1, 1, NULL},
	};
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(cases); i++) {
		struct st_arena arena;
		struct st_os os;
		struct strata_error err;

		st_arena_init(&arena);
		ST_CHECK_INT(classify_text(cases[i].text, cases[i].esm,
					   day(cases[i].y, cases[i].m, cases[i].d), &os, &arena,
					   &err),
			     0);
		if (cases[i].eol != NULL)
			ST_CHECK_STR(os.eol_date, cases[i].eol);
		else
			ST_CHECK(os.eol_date == NULL);
		st_arena_dispose(&arena);
	}
	return ST_TEST_PASS;
}

ST_TEST(classify_unknown_reports_why)
{
	static const struct {
		const char *text;
		const char *family; /* NULL: unknown */
		const char *key;
		const char *message;
	} cases[] = {
		{"ID=linuxmint\nID_LIKE=\"ubuntu debian\"\nVERSION_ID=21.1\n", "ubuntu", NULL,
		 "unknown distribution linuxmint, like ubuntu"},
		{"ID=plan9\n", NULL, NULL, "unknown distribution plan9"},
		{"ID=debian\nVERSION_ID=99\n", "debian", NULL, "debian release 99 is not recognized"},
		{"ID=ubuntu\nVERSION_ID=30.04\n", "ubuntu", "ubuntu:30.04",
		 "ubuntu 30.04 is not in the end-of-life table"},
		{"ID=rhel\n", "rhel", NULL, "rhel release (no VERSION_ID) is not recognized"},
		{"ID=rhel\nVERSION_ID=abc\n", "rhel", NULL, "not recognized"},
		{"ID=alpine\nVERSION_ID=99999999999.1\n", "alpine", NULL, "not recognized"},
		{"PRETTY_NAME=x\n", NULL, NULL, "no os-release ID"},
	};
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(cases); i++) {
		struct st_arena arena;
		struct st_os os;
		struct strata_error err;

		st_arena_init(&arena);
		ST_CHECK_INT(classify_text(cases[i].text, false, day(2024, 1, 1), &os, &arena, &err),
			     STRATA_ENOTFOUND);
		if (strstr(err.msg, cases[i].message) == NULL)
			fprintf(stderr, "# message \"%s\"\n", err.msg);
		ST_CHECK(strstr(err.msg, cases[i].message) != NULL);
		if (cases[i].family != NULL)
			ST_CHECK_STR(os.family, cases[i].family);
		else
			ST_CHECK(os.family == NULL);
		if (cases[i].key != NULL)
			ST_CHECK_STR(os.distro_key, cases[i].key);
		else
			ST_CHECK(os.distro_key == NULL);
		ST_CHECK(os.eol_date == NULL);
		st_arena_dispose(&arena);
	}
	return ST_TEST_PASS;
}

/* Legacy release files through the OS cataloger ------------------------------ */

ST_TEST(legacy_release_files_alone)
{
	static const struct {
		const char *path;
		const char *content; /* NULL: the fixture FIXTURE */
		const char *fixture;
		const char *id, *version_id, *key;
	} cases[] = {
		{"etc/alpine-release", "3.18.4\n", NULL, "alpine", "3.18.4", "alpine:v3.18"},
		{"etc/alpine-release", "3.19_alpha20230901\n", NULL, "alpine", "3.19_alpha20230901",
		 "alpine:edge"},
		{"etc/lsb-release", NULL, "ubuntu-10.04/etc/lsb-release", "ubuntu", "10.04",
		 "ubuntu:10.04"},
		{"etc/lsb-release", NULL, "ubuntu-22.04/etc/lsb-release", "ubuntu", "22.04",
		 "ubuntu:22.04"},
		{"etc/redhat-release", NULL, "centos-5/etc/redhat-release", "centos", "5.7", "rhel:5"},
		{"etc/redhat-release", NULL, "rhel-8/etc/redhat-release", "rhel", "8.1", "rhel:8"},
		{"etc/redhat-release", NULL, "rhel-atomichost-7/etc/redhat-release", "rhel", "7.9",
		 "rhel:7"},
		{"etc/centos-release", "CentOS Linux release 7.9.2009 (Core)\n", NULL, "centos",
		 "7.9.2009", "rhel:7"},
		{"etc/centos-release", "CentOS Stream release 8\n", NULL, "centos", "8", "rhel:8"},
		{"etc/system-release", "Amazon Linux release 2 (Karoo)\n", NULL, "amzn", "2",
		 "amzn:2"},
		{"etc/system-release", "Amazon Linux AMI release 2018.03\n", NULL, "amzn", "2018.03",
		 "amzn:1"},
		{"etc/system-release", "Amazon Linux release 2023 (Amazon Linux)\n", NULL, "amzn",
		 "2023", "amzn:2023"},
		{"etc/redhat-release", "Rocky Linux release 9.3 (Blue Onyx)\n", NULL, "rocky", "9.3",
		 "rocky:9"},
		{"etc/redhat-release", "Oracle Linux Server release 7.9\n", NULL, "ol", "7.9", "ol:7"},
		{"etc/system-release-cpe", NULL, "centos-6/etc/system-release-cpe", "centos", "6",
		 "rhel:6"},
		{"etc/system-release-cpe", "cpe:2.3:o:amazon:amazon_linux:2\n", NULL, "amzn", "2",
		 "amzn:2"},
		{"etc/SuSE-release",
		 "SUSE Linux Enterprise Server 12 (x86_64)\nVERSION = 12\nPATCHLEVEL = 3\n", NULL,
		 "sles", "12.3", "sles:12.3"},
		{"etc/SuSE-release", "openSUSE 42.3 (x86_64)\nVERSION = 42.3\nCODENAME = Malachite\n",
		 NULL, "opensuse", "42.3", "opensuse-leap:42.3"},
		{"etc/debian_version", NULL, "debian-from-debian_version/etc/debian_version", "debian",
		 "10", "debian:buster"},
		{"etc/debian_version", "bookworm/sid\n", NULL, "debian", NULL, "debian:bookworm"},
	};
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(cases); i++) {
		struct st_buf data;
		struct st_walk_file file;
		struct st_inventory inv;
		struct diag_log log;

		st_buf_init(&data, 1024);
		if (cases[i].content == NULL) {
			char rel[256];

			snprintf(rel, sizeof(rel), "osrelease/%s", cases[i].fixture);
			ST_CHECK(read_data(rel, &data));
		}
		file = st_test_walk_file(cases[i].path, cases[i].content ? cases[i].content : data.ptr,
					 2);
		st_inventory_init(&inv);
		ST_CHECK_INT(run_os(&inv, &file, 1, &log), 0);
		ST_CHECK(inv.os.found);
		ST_CHECK_STR(inv.os.id, cases[i].id);
		if (cases[i].version_id)
			ST_CHECK_STR(inv.os.version_id, cases[i].version_id);
		else
			ST_CHECK(inv.os.version_id == NULL);
		ST_CHECK_STR(inv.os.distro_key, cases[i].key);
		ST_CHECK_STR(inv.os.path, cases[i].path);
		ST_CHECK_INT(inv.os.layer, 2);
		st_inventory_dispose(&inv);
		st_buf_dispose(&data);
	}
	return ST_TEST_PASS;
}

ST_TEST(legacy_files_rejected_forms)
{
	static const struct {
		const char *path;
		const char *content;
	} cases[] = {
		{"etc/alpine-release", "edge\n"},
		{"etc/alpine-release", ""},
		{"etc/redhat-release", "Red Hat Enterprise Linux\n"},
		{"etc/redhat-release", "Foo Linux release 1.0\n"},
		{"etc/redhat-release", "CentOS release x\n"},
		{"etc/system-release-cpe", "cpe:/o:unknown:linux:6\n"},
		{"etc/system-release-cpe", "cpe:/o\n"},
		{"etc/SuSE-release", "SUSE Linux Enterprise Server 12\n"},
		{"etc/lsb-release", "DISTRIB_RELEASE=1\n"},
		{"etc/redhat-release", "CentOS release 5\x01 (Final)\n"},
	};
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(cases); i++) {
		struct st_walk_file file = st_test_walk_file(cases[i].path, cases[i].content, 0);
		struct st_inventory inv;
		struct diag_log log;

		st_inventory_init(&inv);
		ST_CHECK_INT(run_os(&inv, &file, 1, &log), 0);
		if (inv.os.found)
			fprintf(stderr, "# %s: \"%s\" gave %s\n", cases[i].path, cases[i].content,
				inv.os.id);
		ST_CHECK(!inv.os.found);
		st_inventory_dispose(&inv);
	}
	return ST_TEST_PASS;
}

ST_TEST(legacy_fills_missing_version_only)
{
	struct st_walk_file files[3];
	struct st_inventory inv;
	struct diag_log log;

	/* os-release without VERSION_ID takes it from its own family's file. */
	files[0] = st_test_walk_file("etc/os-release", "ID=\"centos\"\nPRETTY_NAME=\"CentOS\"\n", 1);
	files[1] = st_test_walk_file("etc/centos-release", "CentOS Linux release 7.9.2009\n", 0);
	files[2] = st_test_walk_file("etc/lsb-release", "DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=22.04\n",
				     0);
	st_inventory_init(&inv);
	ST_CHECK_INT(run_os(&inv, files, 2, &log), 0);
	ST_CHECK_STR(inv.os.version_id, "7.9.2009");
	ST_CHECK_STR(inv.os.pretty_name, "CentOS");
	ST_CHECK_STR(inv.os.path, "etc/os-release");
	ST_CHECK_STR(inv.os.distro_key, "rhel:7");
	st_inventory_dispose(&inv);

	/* Another distribution's file does not override os-release. */
	files[1] = files[2];
	st_inventory_init(&inv);
	ST_CHECK_INT(run_os(&inv, files, 2, &log), 0);
	ST_CHECK_STR(inv.os.id, "centos");
	ST_CHECK(inv.os.version_id == NULL);
	ST_CHECK(strstr(log.all, "centos release (no VERSION_ID) is not recognized") != NULL);
	st_inventory_dispose(&inv);

	/* A symlinked redhat-release, as CentOS ships it. */
	files[0] = st_test_walk_file("etc/centos-release", "CentOS release 6.10 (Final)\n", 0);
	files[1] = st_test_walk_file("etc/redhat-release", "", 0);
	files[1].type = ST_FILE_SYMLINK;
	files[1].link_target = "centos-release";
	st_inventory_init(&inv);
	ST_CHECK_INT(run_os(&inv, files, 2, &log), 0);
	ST_CHECK_STR(inv.os.distro_key, "rhel:6");
	st_inventory_dispose(&inv);
	return ST_TEST_PASS;
}

/* Distroless and ESM --------------------------------------------------------- */

ST_TEST(distroless_from_package_databases)
{
	static const char debian11[] = "ID=debian\nVERSION_ID=11\nPRETTY_NAME=Distroless\n";
	static const char mariner[] = "ID=mariner\nVERSION_ID=2.0\n";
	static const struct {
		const char *release;
		const char *paths[2];
		bool distroless;
	} cases[] = {
		{debian11, {"var/lib/dpkg/status.d/libc6", NULL}, true},
		{debian11, {"var/lib/dpkg/status.d/libc6", "var/lib/dpkg/status"}, false},
		{debian11, {"var/lib/dpkg/status", NULL}, false},
		{mariner, {"var/lib/rpmmanifest/container-manifest-2", NULL}, true},
		{mariner,
		 {"var/lib/rpmmanifest/container-manifest-2", "var/lib/rpm/rpmdb.sqlite"},
		 false},
		{mariner, {NULL, NULL}, false},
	};
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(cases); i++) {
		struct st_walk_file files[3];
		struct st_inventory inv;
		struct diag_log log;
		size_t n = 1;
		size_t j;

		files[0] = st_test_walk_file("etc/os-release", cases[i].release, 0);
		for (j = 0; j < 2; j++) {
			if (cases[i].paths[j] != NULL)
				files[n++] = st_test_walk_file(cases[i].paths[j], "x", 0);
		}
		st_inventory_init(&inv);
		ST_CHECK_INT(run_os(&inv, files, n, &log), 0);
		ST_CHECK(inv.os.distroless == cases[i].distroless);
		st_inventory_dispose(&inv);
	}
	return ST_TEST_PASS;
}

ST_TEST(ubuntu_esm_detection)
{
	static const char release[] = "ID=ubuntu\nVERSION_ID=\"18.04\"\n";
	static const struct {
		const char *path;
		const char *content;
		bool esm;
	} cases[] = {
		{"etc/apt/sources.list.d/ubuntu-esm-infra.list",
		 "deb https://esm.ubuntu.com/infra/ubuntu bionic-infra-security main\n", true},
		{"etc/apt/sources.list.d/ubuntu-esm-apps.sources",
		 "Types: deb\nURIs: https://esm.ubuntu.com/apps/ubuntu\n", true},
		{"etc/apt/sources.list.d/ubuntu-esm-infra.list",
		 "# deb https://esm.ubuntu.com/infra/ubuntu bionic-infra-security main\n", false},
		{"etc/apt/sources.list.d/other.list", "deb https://esm.ubuntu.com/infra/ubuntu x\n",
		 false},
		{"var/lib/dpkg/status",
		 "Package: libx\nStatus: install ok installed\nVersion: 1.0-1ubuntu0.1+esm2\n", true},
		{"var/lib/dpkg/status",
		 "Package: libx\nStatus: install ok installed\nVersion: 1.0-1ubuntu0.1\n"
		 "Description: not +esm\n",
		 false},
	};
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(cases); i++) {
		struct st_walk_file files[2];
		struct st_inventory inv;
		struct diag_log log;

		files[0] = st_test_walk_file("etc/os-release", release, 0);
		files[1] = st_test_walk_file(cases[i].path, cases[i].content, 0);
		st_inventory_init(&inv);
		ST_CHECK_INT(run_os(&inv, files, 2, &log), 0);
		ST_CHECK(inv.os.esm == cases[i].esm);
		ST_CHECK_STR(inv.os.distro_key, "ubuntu:18.04");
		st_inventory_dispose(&inv);
	}
	return ST_TEST_PASS;
}

/* Kernel packages ------------------------------------------------------------ */

ST_TEST(kernel_package_flags)
{
	static const struct {
		const char *type, *name;
		bool kernel;
	} cases[] = {
		{"deb", "linux-libc-dev", true},       {"deb", "linux-headers-6.1.0-18-amd64", true},
		{"deb", "linux-image-6.1.0-18-amd64", true}, {"deb", "linux-tools-common", false},
		{"deb", "linux-base", false},          {"deb", "libc6", false},
		{"rpm", "kernel", true},               {"rpm", "kernel-headers", true},
		{"rpm", "kernel-devel", true},         {"rpm", "kernel-core", true},
		{"rpm", "kernel-uek-core", true},      {"rpm", "kernel-default-devel", true},
		{"rpm", "kernel-tools", false},        {"rpm", "kernelshark", false},
		{"apk", "linux-headers", true},        {"apk", "linux-lts", true},
		{"apk", "linux-firmware-intel", false}, {"apk", "kernel", false},
		{"npm", "linux-headers", false},       {NULL, "kernel", false},
	};
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(cases); i++) {
		unsigned flags = st_pkg_kernel_flags(cases[i].type, cases[i].name);

		if ((flags == ST_PKG_KERNEL_HEADERS) != cases[i].kernel)
			fprintf(stderr, "# %s %s\n", cases[i].type ? cases[i].type : "(null)",
				cases[i].name);
		ST_CHECK((flags == ST_PKG_KERNEL_HEADERS) == cases[i].kernel);
	}
	return ST_TEST_PASS;
}

/* File ownership ------------------------------------------------------------- */

static const char *owner_of(const struct st_inventory *inv, const char *path)
{
	return st_inventory_file_owner(inv, path, strlen(path));
}

ST_TEST(own_file_set_basics)
{
	struct st_inventory inv;
	struct strata_error err;
	char path[64];
	int i;

	st_inventory_init(&inv);
	ST_CHECK(owner_of(&inv, "usr/bin/x") == NULL);
	ST_CHECK_INT(st_inventory_own_file(&inv, "/usr/bin/x", 10, "deb:a", &err), 0);
	ST_CHECK_INT(st_inventory_own_file(&inv, "usr/bin/x", 9, "deb:b", &err), 0);
	ST_CHECK_INT(st_inventory_own_file(&inv, "./usr/lib/", 10, "rpm:c", &err), 0);
	ST_CHECK_INT(st_inventory_own_file(&inv, "/.", 2, "deb:a", &err), 0);
	ST_CHECK_INT(st_inventory_own_file(&inv, "", 0, "deb:a", &err), 0);
	/* The first owner stays. */
	ST_CHECK_STR(owner_of(&inv, "usr/bin/x"), "deb:a");
	ST_CHECK_STR(owner_of(&inv, "/usr/bin/x"), "deb:a");
	ST_CHECK_STR(owner_of(&inv, "usr/lib"), "rpm:c");
	ST_CHECK(owner_of(&inv, "usr/bin") == NULL);
	ST_CHECK(owner_of(&inv, "usr/bin/") == NULL);
	ST_CHECK(owner_of(&inv, "") == NULL);
	ST_CHECK(owner_of(&inv, "usr/bin/xy") == NULL);

	/* Enough paths to grow the table several times. */
	for (i = 0; i < 5000; i++) {
		int n = snprintf(path, sizeof(path), "usr/share/f%d", i);

		ST_CHECK_INT(st_inventory_own_file(&inv, path, (size_t)n, i % 2 ? "apk:odd" : "apk:even",
						   &err),
			     0);
	}
	for (i = 0; i < 5000; i++) {
		int n = snprintf(path, sizeof(path), "usr/share/f%d", i);

		ST_CHECK_STR(st_inventory_file_owner(&inv, path, (size_t)n),
			     i % 2 ? "apk:odd" : "apk:even");
	}
	ST_CHECK_STR(owner_of(&inv, "usr/bin/x"), "deb:a");
	st_inventory_dispose(&inv);
	return ST_TEST_PASS;
}

static void add_package(struct st_inventory *inv, const char *type, const char *name,
			const char *path)
{
	struct st_package p;
	struct strata_error err;

	memset(&p, 0, sizeof(p));
	p.type = type;
	p.name = name;
	p.version = "1";
	p.path = path;
	if (st_inventory_add(inv, &p, &err) < 0)
		abort();
}

/* Runs the dpkg cataloger's final view over FILES. */
static int run_dpkg(struct st_inventory *inv, const struct st_walk_file *files, size_t count)
{
	const struct st_cataloger *c = &st_cataloger_dpkg;
	struct strata_limits lim;
	struct st_catalog_ctx ctx;
	struct strata_error err;
	struct st_diag diag = {NULL, NULL, 0};
	void *state = NULL;
	size_t i;
	int rc;

	strata_limits_default(&lim);
	ctx.inv = inv;
	ctx.diag = &diag;
	ctx.limits = &lim;
	rc = c->init(&state, &err);
	for (i = 0; rc == 0 && i < count; i++) {
		if (c->wants(files[i].path, files[i].path_len))
			rc = c->on_final_file(state, &files[i], &ctx, &err);
	}
	if (rc == 0)
		rc = c->finish(state, &ctx, &err);
	c->free(state);
	return rc;
}

/* dpkg lists /bin/bash while a merged-/usr image keeps it at usr/bin/bash
 * (and the reverse for files listed under /usr): both names find the
 * owner, and only for the directories that merged /usr links. */
ST_TEST(own_file_merged_usr_alias)
{
	struct st_inventory inv;
	struct strata_error err;

	st_inventory_init(&inv);
	ST_CHECK_INT(st_inventory_own_file(&inv, "bin/bash", 8, "deb:bash", &err), 0);
	ST_CHECK_INT(st_inventory_own_file(&inv, "usr/lib/x86_64-linux-gnu/libz.so.1", 34,
					   "deb:zlib1g", &err),
		     0);
	ST_CHECK_INT(st_inventory_own_file(&inv, "usr/share/doc/x", 15, "deb:x", &err), 0);
	ST_CHECK_STR(st_inventory_file_owner(&inv, "usr/bin/bash", 12), "deb:bash");
	ST_CHECK_STR(st_inventory_file_owner(&inv, "bin/bash", 8), "deb:bash");
	ST_CHECK_STR(st_inventory_file_owner(&inv, "lib/x86_64-linux-gnu/libz.so.1", 30),
		     "deb:zlib1g");
	ST_CHECK(st_inventory_file_owner(&inv, "share/doc/x", 11) == NULL);
	ST_CHECK(st_inventory_file_owner(&inv, "usr/sbin/bash", 13) == NULL);
	ST_CHECK(st_inventory_file_owner(&inv, "usr/binx/bash", 13) == NULL);
	ST_CHECK(st_inventory_file_owner(&inv, "usr/bin/", 8) == NULL);
	st_inventory_dispose(&inv);
	return ST_TEST_PASS;
}

ST_TEST(dpkg_list_marks_python_package_owned)
{
	static const char status[] = "Package: python3-distro\nStatus: install ok installed\n"
				     "Architecture: all\nSource: python-distro\nVersion: 1.8.0-1\n";
	struct st_buf list;
	struct st_walk_file files[2];
	struct st_inventory inv;
	const struct st_package *p;

	ST_CHECK(read_data("pkgdb/dpkg/debian12-info/python3-distro.list", &list));
	files[0] = st_test_walk_file("var/lib/dpkg/info/python3-distro.list", list.ptr, 0);
	files[1] = st_test_walk_file("var/lib/dpkg/status", status, 0);
	st_inventory_init(&inv);
	ST_CHECK_INT(run_dpkg(&inv, files, 2), 0);
	p = st_test_find_package(&inv, "deb", "python3-distro");
	ST_CHECK(p != NULL);
	ST_CHECK_STR(p->found_by, "dpkg");
	ST_CHECK_INT(p->flags, 0);
	ST_CHECK_STR(owner_of(&inv, "usr/lib/python3/dist-packages/distro-1.8.0.dist-info/METADATA"),
		     "deb:python3-distro");

	/* The metadata file itself, a sibling file of the same dist-info,
	 * and a pip install next to it that dpkg does not own. */
	add_package(&inv, "pypi", "distro",
		    "usr/lib/python3/dist-packages/distro-1.8.0.dist-info/METADATA");
	add_package(&inv, "pypi", "distro-sibling",
		    "usr/lib/python3/dist-packages/distro-1.8.0.dist-info/PKG-INFO");
	add_package(&inv, "pypi", "requests",
		    "usr/lib/python3/dist-packages/requests-2.0.dist-info/METADATA");
	add_package(&inv, "pypi", "top-egg", "usr/lib/python3/dist-packages/x.egg-info");
	st_inventory_mark_owned(&inv);

	p = st_test_find_package(&inv, "pypi", "distro");
	ST_CHECK(p != NULL && (p->flags & ST_PKG_OS_OWNED));
	ST_CHECK_STR(p->owner, "deb:python3-distro");
	p = st_test_find_package(&inv, "pypi", "distro-sibling");
	ST_CHECK(p != NULL && (p->flags & ST_PKG_OS_OWNED));
	p = st_test_find_package(&inv, "pypi", "requests");
	ST_CHECK(p != NULL && !(p->flags & ST_PKG_OS_OWNED) && p->owner == NULL);
	p = st_test_find_package(&inv, "pypi", "top-egg");
	ST_CHECK(p != NULL && !(p->flags & ST_PKG_OS_OWNED));
	p = st_test_find_package(&inv, "deb", "python3-distro");
	ST_CHECK(p != NULL && !(p->flags & ST_PKG_OS_OWNED));
	st_inventory_dispose(&inv);
	st_buf_dispose(&list);
	return ST_TEST_PASS;
}

ST_TEST(dpkg_status_d_md5sums_owned)
{
	static const char *const dir = "pkgdb/dpkg/syft/distroless-deb/var/lib/dpkg/status.d/";
	struct st_buf status;
	struct st_buf md5;
	struct st_walk_file files[3];
	struct st_inventory inv;
	char rel[256];
	const struct st_package *p;

	snprintf(rel, sizeof(rel), "%slibsqlite3-0", dir);
	ST_CHECK(read_data(rel, &status));
	snprintf(rel, sizeof(rel), "%slibsqlite3-0.md5sums", dir);
	ST_CHECK(read_data(rel, &md5));
	files[0] = st_test_walk_file("var/lib/dpkg/status.d/libsqlite3-0", status.ptr, 0);
	files[1] = st_test_walk_file("var/lib/dpkg/status.d/libsqlite3-0.md5sums", md5.ptr, 0);
	/* A file list for a multi-arch name: the owner drops ":amd64". */
	files[2] = st_test_walk_file("var/lib/dpkg/info/libc6:amd64.list",
				     "/.\n/lib/x86_64-linux-gnu/libc.so.6\n\n/bad\x01path\n", 0);
	st_inventory_init(&inv);
	ST_CHECK_INT(run_dpkg(&inv, files, 3), 0);
	ST_CHECK_INT(inv.count, 1);
	p = st_test_find_package(&inv, "deb", "libsqlite3-0");
	ST_CHECK(p != NULL);
	ST_CHECK_STR(owner_of(&inv, "usr/lib/aarch64-linux-gnu/libsqlite3.so.0.8.6"),
		     "deb:libsqlite3-0");
	ST_CHECK_STR(owner_of(&inv, "usr/share/doc/libsqlite3-0/copyright"),
		     "deb:libsqlite3-0");
	ST_CHECK_STR(owner_of(&inv, "lib/x86_64-linux-gnu/libc.so.6"),
		     "deb:libc6");
	ST_CHECK(owner_of(&inv, "bad\x01path") == NULL);

	ST_CHECK(st_cataloger_dpkg.wants("var/lib/dpkg/info/libc6.list", 28));
	ST_CHECK(!st_cataloger_dpkg.wants("var/lib/dpkg/info/libc6.md5sums", 31));
	ST_CHECK(!st_cataloger_dpkg.wants("var/lib/dpkg/info/.list", 23));
	ST_CHECK(!st_cataloger_dpkg.wants("var/lib/dpkg/info/x/y.list", 26));
	st_inventory_dispose(&inv);
	st_buf_dispose(&status);
	st_buf_dispose(&md5);
	return ST_TEST_PASS;
}

/* The rpm header parser returns the installed file names. */
struct rpm_files_ctx {
	bool found;
	size_t count;
	char first[256];
	char last[256];
};

static int find_bash(void *ctx, const struct st_rpm_package *pkg, struct strata_error *err)
{
	struct rpm_files_ctx *c = ctx;
	const char *p = pkg->files;
	size_t i;

	(void)err;
	if (strcmp(pkg->pkg.name, "bash") != 0)
		return 0;
	c->found = true;
	c->count = pkg->file_count;
	if (p == NULL)
		return 0;
	for (i = 0; i < pkg->file_count; i++) {
		if (i == 0)
			snprintf(c->first, sizeof(c->first), "%s", p);
		if (i + 1 == pkg->file_count)
			snprintf(c->last, sizeof(c->last), "%s", p);
		p += strlen(p) + 1;
	}
	return 0;
}

ST_TEST(rpm_header_file_names)
{
	struct st_buf db;
	struct strata_limits lim;
	struct strata_error err;
	struct rpm_files_ctx c;

	ST_CHECK(read_data("pkgdb/rpm/sqlite/go-rpmdb-cbl-mariner-2.0/rpmdb.sqlite", &db));
	strata_limits_default(&lim);
	memset(&c, 0, sizeof(c));
	ST_CHECK_INT(st_rpmdb_parse(st_slice_make(db.ptr, db.len), "rpmdb.sqlite", &lim, NULL,
				    find_bash, &c, &err),
		     0);
	ST_CHECK(c.found);
	/* As "rpm -ql --dbpath DIR bash" lists them (rpm 4.18, Debian 12). */
	ST_CHECK_INT(c.count, 67);
	ST_CHECK_STR(c.first, "/bin/bash");
	ST_CHECK_STR(c.last, "/usr/share/man/man1/bashbug.1.gz");

	/* A list over the cap is dropped, the package kept. */
	lim.cataloged_file_bytes = db.len;
	memset(&c, 0, sizeof(c));
	ST_CHECK_INT(st_rpmdb_parse(st_slice_make(db.ptr, db.len), "rpmdb.sqlite", &lim, NULL,
				    find_bash, &c, &err),
		     0);
	ST_CHECK(c.found);
	st_buf_dispose(&db);
	return ST_TEST_PASS;
}
