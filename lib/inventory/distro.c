/* Distribution classification: turns the os-release fields into a family,
 * the key that distro advisories are stored under, and an end-of-life
 * verdict for the scan date. */
#include <string.h>
#include <time.h>

#include "inventory/inventory.h"

/* st_debian_codename lives in osrelease.c. */
const char *st_debian_codename(const char *version_id);

/* The rule that turns VERSION_ID into the release part of a key. */
enum release_form {
	REL_NONE,        /* rolling: the key has no release ("wolfi") */
	REL_MAJOR,       /* "9.4" gives "9" */
	REL_MAJOR_MINOR, /* "15.2.1" gives "15.2"; "15" gives "15.0" */
	REL_WHOLE,       /* VERSION_ID as it is ("22.04") */
	REL_DEBIAN,      /* the codename */
	REL_ALPINE,      /* "v3.18", or "edge" for a development snapshot */
	REL_AMAZON,      /* "1" (2018.03 and older AMIs), "2", "2023" */
	REL_SLE_MICRO,   /* SLE Micro 5.N is built from SLES 15 SP N */
};

/* One os-release ID that strata recognizes. KEY_PREFIX names the advisory
 * source (CentOS and Scientific Linux use RHEL's advisories); NULL means
 * no key. EOL_NAME names the release in the end-of-life table. */
struct distro {
	const char *id;
	const char *family;
	const char *key_prefix;
	enum release_form form;
	const char *eol_name;
};

static const struct distro distros[] = {
	{"alpine", ST_FAMILY_ALPINE, "alpine", REL_ALPINE, "alpine"},
	{"wolfi", ST_FAMILY_WOLFI, "wolfi", REL_NONE, NULL},
	{"chainguard", ST_FAMILY_CHAINGUARD, "chainguard", REL_NONE, NULL},
	{"debian", ST_FAMILY_DEBIAN, "debian", REL_DEBIAN, "debian"},
	{"ubuntu", ST_FAMILY_UBUNTU, "ubuntu", REL_WHOLE, "ubuntu"},
	{"rhel", ST_FAMILY_RHEL, "rhel", REL_MAJOR, "rhel"},
	{"centos", ST_FAMILY_CENTOS, "rhel", REL_MAJOR, "centos"},
	{"scientific", ST_FAMILY_SCIENTIFIC, "rhel", REL_MAJOR, "scientific"},
	{"rocky", ST_FAMILY_ROCKY, "rocky", REL_MAJOR, "rocky"},
	{"almalinux", ST_FAMILY_ALMALINUX, "almalinux", REL_MAJOR, "almalinux"},
	{"ol", ST_FAMILY_ORACLE, "ol", REL_MAJOR, "ol"},
	{"fedora", ST_FAMILY_FEDORA, "fedora", REL_MAJOR, "fedora"},
	{"amzn", ST_FAMILY_AMAZON, "amzn", REL_AMAZON, "amzn"},
	{"sles", ST_FAMILY_SLES, "sles", REL_MAJOR_MINOR, "sles"},
	{"sle-micro", ST_FAMILY_SLES, "sles", REL_SLE_MICRO, "sles"},
	/* NOTE: SUSE Linux Micro 6 is built from SUSE Linux Framework One,
	 * not from an SLES service pack, so it gets no key here. */
	{"sl-micro", ST_FAMILY_SLES, NULL, REL_MAJOR_MINOR, "sl-micro"},
	{"opensuse-leap", ST_FAMILY_OPENSUSE_LEAP, "opensuse-leap", REL_MAJOR_MINOR,
	 "opensuse-leap"},
	/* Leap 42.x and older openSUSE releases use the plain ID. */
	{"opensuse", ST_FAMILY_OPENSUSE_LEAP, "opensuse-leap", REL_MAJOR_MINOR, "opensuse-leap"},
	{"opensuse-tumbleweed", ST_FAMILY_OPENSUSE_TUMBLEWEED, "opensuse-tumbleweed", REL_NONE,
	 NULL},
	{"mariner", ST_FAMILY_MARINER, "mariner", REL_MAJOR_MINOR, "mariner"},
	{"azurelinux", ST_FAMILY_AZURELINUX, "azurelinux", REL_MAJOR_MINOR, "azurelinux"},
	{"photon", ST_FAMILY_PHOTON, "photon", REL_MAJOR_MINOR, "photon"},
	{"bottlerocket", ST_FAMILY_BOTTLEROCKET, "bottlerocket", REL_NONE, NULL},
	{"arch", ST_FAMILY_ARCH, "arch", REL_NONE, NULL},
};

/* End of life per release: the day after which the vendor publishes no
 * more security updates for it. EXTENDED is the end of a paid extension
 * that strata can see in an image (Ubuntu Pro ESM), or NULL. The names
 * are "EOL_NAME:RELEASE" with the release as in the distro key (for
 * Debian, the major version).
 *
 * Sources, as tabulated by endoflife.date (one products page each), which copies
 * each vendor's page:
 *   Debian: end of Debian LTS, wiki.debian.org/DebianReleases and
 *     wiki.debian.org/LTS.
 *   Ubuntu: end of standard security maintenance, and of ESM as EXTENDED,
 *     ubuntu.com/about/release-cycle (wiki.ubuntu.com/Releases).
 *   Alpine: "End of support" of alpinelinux.org/releases.
 *   RHEL: end of Maintenance Support,
 *     access.redhat.com/support/policy/updates/errata.
 *   Oracle Linux: end of Premier Support, Oracle's Linux lifetime
 *     support policy (elsp-lifetime-069338.pdf).
 *   Amazon Linux: end of security support, aws.amazon.com/amazon-linux-2
 *     and the Amazon Linux AMI end-of-life notice.
 *   SLES: end of general support of each service pack,
 *     suse.com/lifecycle.
 * NOTE: the Debian 13, RHEL 10, CentOS, Rocky, AlmaLinux, Fedora,
 * openSUSE Leap, Mariner, Photon and Scientific Linux rows follow the
 * same vendors' lifecycle pages but were not re-checked against them.
 * A release missing here is reported as unknown rather than guessed. */
struct eol_entry {
	const char *name;
	const char *eol;
	const char *extended;
};

static const struct eol_entry eol_table[] = {
	{"debian:6", "2016-02-29", NULL},
	{"debian:7", "2018-05-31", NULL},
	{"debian:8", "2020-06-30", NULL},
	{"debian:9", "2022-07-01", NULL},
	{"debian:10", "2024-06-30", NULL},
	{"debian:11", "2026-08-31", NULL},
	{"debian:12", "2028-06-10", NULL},

	{"ubuntu:12.04", "2017-04-28", "2019-04-26"},
	{"ubuntu:14.04", "2019-04-02", "2024-04-02"},
	{"ubuntu:16.04", "2021-04-02", "2026-04-02"},
	{"ubuntu:18.04", "2023-05-31", "2028-04-01"},
	{"ubuntu:18.10", "2019-07-18", NULL},
	{"ubuntu:19.04", "2020-01-23", NULL},
	{"ubuntu:19.10", "2020-07-06", NULL},
	{"ubuntu:20.04", "2025-05-31", "2030-04-02"},
	{"ubuntu:20.10", "2021-07-22", NULL},
	{"ubuntu:21.04", "2022-01-20", NULL},
	{"ubuntu:21.10", "2022-07-14", NULL},
	{"ubuntu:22.04", "2027-04-01", "2032-04-09"},
	{"ubuntu:22.10", "2023-07-20", NULL},
	{"ubuntu:23.04", "2024-01-20", NULL},
	{"ubuntu:23.10", "2024-07-12", NULL},
	{"ubuntu:24.04", "2029-05-31", "2036-05-31"},
	{"ubuntu:24.10", "2025-07-10", NULL},
	{"ubuntu:25.04", "2026-01-17", NULL},
	{"ubuntu:25.10", "2026-07-01", NULL},
	{"ubuntu:26.04", "2031-04-30", "2036-04-30"},

	{"alpine:v3.3", "2017-11-01", NULL},
	{"alpine:v3.4", "2018-05-01", NULL},
	{"alpine:v3.5", "2018-11-01", NULL},
	{"alpine:v3.6", "2019-05-01", NULL},
	{"alpine:v3.7", "2019-11-01", NULL},
	{"alpine:v3.8", "2020-05-01", NULL},
	{"alpine:v3.9", "2020-11-01", NULL},
	{"alpine:v3.10", "2021-05-01", NULL},
	{"alpine:v3.11", "2021-11-01", NULL},
	{"alpine:v3.12", "2022-05-01", NULL},
	{"alpine:v3.13", "2022-11-01", NULL},
	{"alpine:v3.14", "2023-05-01", NULL},
	{"alpine:v3.15", "2023-11-01", NULL},
	{"alpine:v3.16", "2024-05-23", NULL},
	{"alpine:v3.17", "2024-11-22", NULL},
	{"alpine:v3.18", "2025-05-09", NULL},
	{"alpine:v3.19", "2025-11-01", NULL},
	{"alpine:v3.20", "2026-04-01", NULL},
	{"alpine:v3.21", "2026-11-01", NULL},
	{"alpine:v3.22", "2027-05-01", NULL},
	{"alpine:v3.23", "2027-11-01", NULL},

	{"rhel:5", "2017-03-31", NULL},
	{"rhel:6", "2020-11-30", NULL},
	{"rhel:7", "2024-06-30", NULL},
	{"rhel:8", "2029-05-31", NULL},
	{"rhel:9", "2032-05-31", NULL},

	{"ol:6", "2021-03-01", NULL},
	{"ol:7", "2024-12-01", NULL},
	{"ol:8", "2029-07-01", NULL},
	{"ol:9", "2032-06-30", NULL},

	{"amzn:1", "2023-12-31", NULL},
	{"amzn:2", "2025-06-30", NULL},
	{"amzn:2023", "2028-03-15", NULL},

	{"sles:12.3", "2019-06-30", NULL},
	{"sles:12.4", "2020-06-30", NULL},
	{"sles:12.5", "2024-10-31", NULL},
	{"sles:15.0", "2019-12-31", NULL},
	{"sles:15.1", "2021-01-31", NULL},
	{"sles:15.2", "2021-12-31", NULL},
	{"sles:15.3", "2022-12-31", NULL},
	{"sles:15.4", "2023-12-31", NULL},
	{"sles:15.5", "2024-12-31", NULL},

	{"debian:13", "2030-06-30", NULL},
	{"rhel:10", "2035-05-31", NULL},
	{"centos:6", "2020-11-30", NULL},
	{"centos:7", "2024-06-30", NULL},
	{"centos:8", "2021-12-31", NULL},
	{"centos-stream:8", "2024-05-31", NULL},
	{"scientific:6", "2020-11-30", NULL},
	{"scientific:7", "2024-06-30", NULL},
	{"rocky:8", "2029-05-31", NULL},
	{"rocky:9", "2032-05-31", NULL},
	{"almalinux:8", "2029-03-01", NULL},
	{"almalinux:9", "2032-05-31", NULL},
	{"fedora:36", "2023-05-16", NULL},
	{"fedora:37", "2023-12-05", NULL},
	{"fedora:38", "2024-05-21", NULL},
	{"fedora:39", "2024-11-26", NULL},
	{"opensuse-leap:15.2", "2022-01-04", NULL},
	{"opensuse-leap:15.3", "2022-12-31", NULL},
	{"opensuse-leap:15.4", "2023-12-07", NULL},
	{"opensuse-leap:15.5", "2024-12-31", NULL},
	{"mariner:1.0", "2023-07-31", NULL},
	{"mariner:2.0", "2025-07-31", NULL},
	{"photon:1.0", "2022-02-28", NULL},
	{"photon:2.0", "2022-12-31", NULL},
};

static const struct distro *find_distro(const char *id)
{
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(distros); i++) {
		if (strcmp(distros[i].id, id) == 0)
			return &distros[i];
	}
	return NULL;
}

static const struct eol_entry *find_eol(const char *name)
{
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(eol_table); i++) {
		if (strcmp(eol_table[i].name, name) == 0)
			return &eol_table[i];
	}
	return NULL;
}

/* The first ID_LIKE word that names a known distribution, or NULL. */
static const struct distro *find_like(const char *id_like)
{
	struct st_slice rest = st_slice_cstr(id_like ? id_like : "");

	while (rest.len > 0) {
		struct st_slice word;
		char name[32];
		const struct distro *d;

		st_slice_split(&rest, ' ', &word);
		if (word.len == 0 || word.len >= sizeof(name))
			continue;
		memcpy(name, word.ptr, word.len);
		name[word.len] = '\0';
		d = find_distro(name);
		if (d != NULL)
			return d;
	}
	return NULL;
}

/* The leading run of digits of S, at most 9 of them. */
static size_t digits(const char *s)
{
	size_t n = 0;

	while (n < 10 && s[n] >= '0' && s[n] <= '9')
		n++;
	return n < 10 ? n : 0;
}

/* "MAJOR" of VERSION, or NULL when VERSION does not start with a number. */
static char *major_of(struct st_arena *a, const char *version)
{
	size_t n = digits(version);

	if (n == 0)
		return NULL;
	return st_arena_strndup(a, version, n);
}

/* "MAJOR.MINOR" of VERSION, with ".0" when it has no minor number.
 * VERSION must start with a digit. */
static char *major_minor_of(struct st_arena *a, const char *version)
{
	size_t major = digits(version);
	size_t minor = 0;

	if (version[major] == '.')
		minor = digits(version + major + 1);
	if (minor == 0)
		return st_arena_printf(a, "%.*s.0", (int)major, version);
	return st_arena_strndup(a, version, major + 1 + minor);
}

/* Alpine's development branch: VERSION_ID is a snapshot such as
 * "3.19_alpha20230901" and PRETTY_NAME ends in "edge". */
static bool is_alpine_edge(const struct st_os *os)
{
	const char *pretty = os->pretty_name;
	size_t len = pretty ? strlen(pretty) : 0;

	if (os->version_id != NULL && strstr(os->version_id, "_alpha") != NULL)
		return true;
	return len >= 4 && strcmp(pretty + len - 4, "edge") == 0;
}

/* Amazon Linux AMI (version 1) numbers its releases by date, "2018.03". */
static char *amazon_release(struct st_arena *a, const char *version)
{
	size_t n = digits(version);

	if (n == 4 && version[4] == '.')
		return st_arena_strdup(a, "1");
	return major_of(a, version);
}

/* The release part of the key of D, or NULL when VERSION_ID (or for
 * Debian the codename) does not give one. *ROLLING is set for releases
 * without an end of life. Returns false when out of memory. */
static bool release_of(const struct distro *d, const struct st_os *os, struct st_arena *a,
		       char **out, bool *rolling)
{
	const char *v = os->version_id;
	const char *codename;
	char *r = NULL;

	*out = NULL;
	*rolling = d->form == REL_NONE;
	switch (d->form) {
	case REL_NONE:
		return true;
	case REL_DEBIAN:
		codename = os->version_codename;
		if (codename == NULL || codename[0] == '\0')
			codename = st_debian_codename(os->version_id);
		if (codename == NULL)
			return true;
		r = st_arena_strdup(a, codename);
		break;
	case REL_ALPINE:
		if (is_alpine_edge(os)) {
			*rolling = true;
			r = st_arena_strdup(a, "edge");
			break;
		}
		if (v == NULL || digits(v) == 0)
			return true;
		r = major_minor_of(a, v);
		if (r != NULL)
			r = st_arena_printf(a, "v%s", r);
		break;
	default:
		if (v == NULL || digits(v) == 0)
			return true;
		if (d->form == REL_WHOLE)
			r = st_arena_strdup(a, v);
		else if (d->form == REL_MAJOR)
			r = major_of(a, v);
		else if (d->form == REL_AMAZON)
			r = amazon_release(a, v);
		else
			r = major_minor_of(a, v);
		break;
	}
	*out = r;
	return r != NULL;
}

/* The end-of-life table name of the release: Debian is listed by major
 * version, CentOS Stream apart from CentOS Linux, and SLE Micro by the
 * SLES service pack it is built from. */
static char *eol_name(const struct distro *d, const struct st_os *os, const char *release,
		      struct st_arena *a)
{
	const char *name = d->eol_name;

	if (d->form == REL_DEBIAN) {
		/* Testing and unstable have a codename but no number. */
		if (os->version_id == NULL || digits(os->version_id) == 0)
			return st_arena_printf(a, "debian:%s", release);
		return st_arena_printf(a, "debian:%.*s", (int)digits(os->version_id),
				       os->version_id);
	}
	if (strcmp(d->id, "centos") == 0 && os->pretty_name != NULL &&
	    strstr(os->pretty_name, "Stream") != NULL)
		name = "centos-stream";
	return st_arena_printf(a, "%s:%s", name, release);
}

/* SLE Micro 5.N is built from SLES 15 SP N: "5.5" gives "15.5". */
static char *sle_micro_release(struct st_arena *a, const char *version)
{
	char *mm = version && digits(version) ? major_minor_of(a, version) : NULL;

	if (mm == NULL || mm[0] != '5' || mm[1] != '.')
		return NULL;
	return st_arena_printf(a, "15.%s", mm + 2);
}

/* Formats NOW (Unix seconds) as "YYYY-MM-DD" in UTC. */
static bool format_day(int64_t now, char out[11])
{
	time_t t = (time_t)now;
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL || tm.tm_year + 1900 > 9999 || tm.tm_year + 1900 < 1000)
		return false;
	return strftime(out, 11, "%Y-%m-%d", &tm) == 10;
}

static int nomem(struct strata_error *err)
{
	return st_error_set(err, STRATA_ENOMEM, "out of memory for the os release");
}

int st_os_classify(struct st_os *os, struct st_arena *arena, int64_t now,
		   struct strata_error *err)
{
	const struct distro *d;
	const struct eol_entry *e;
	char *release = NULL;
	char *name;
	char today[11];
	bool rolling;
	const char *end;

	os->family = NULL;
	os->distro_key = NULL;
	os->eol_date = NULL;
	if (!os->found || os->id == NULL)
		return st_error_set(err, STRATA_ENOTFOUND, "no os-release ID: distribution unknown");

	d = find_distro(os->id);
	if (d == NULL) {
		d = find_like(os->id_like);
		if (d != NULL)
			os->family = d->family;
		return st_error_set(err, STRATA_ENOTFOUND,
				    "unknown distribution %s%s%s: no advisory key", os->id,
				    d ? ", like " : "", d ? d->id : "");
	}
	os->family = d->family;

	if (d->form == REL_SLE_MICRO) {
		release = sle_micro_release(arena, os->version_id);
		rolling = false;
	} else if (!release_of(d, os, arena, &release, &rolling)) {
		return nomem(err);
	}
	if (d->key_prefix != NULL && (release != NULL || d->form == REL_NONE)) {
		os->distro_key = release ? st_arena_printf(arena, "%s:%s", d->key_prefix, release)
					 : d->key_prefix;
		if (os->distro_key == NULL)
			return nomem(err);
	}
	if (rolling)
		return 0;
	if (release == NULL)
		return st_error_set(err, STRATA_ENOTFOUND, "%s release %s is not recognized",
				    os->id, os->version_id ? os->version_id : "(no VERSION_ID)");

	name = eol_name(d, os, release, arena);
	if (name == NULL)
		return nomem(err);
	e = find_eol(name);
	if (e == NULL)
		return st_error_set(err, STRATA_ENOTFOUND,
				    "%s %s is not in the end-of-life table", os->id,
				    os->version_id ? os->version_id : release);
	end = os->esm && e->extended != NULL ? e->extended : e->eol;
	if (format_day(now, today) && strcmp(today, end) > 0)
		os->eol_date = end;
	return 0;
}
