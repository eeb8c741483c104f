/* Importer for one OSV record (OSV schema 1.x, https://ossf.github.io/osv-schema/).
 *
 * The record is stored as written: aliases, references, severity vectors,
 * and each affected package with its ECOSYSTEM and SEMVER ranges and its
 * versions list. The matcher evaluates the ranges later. GIT ranges name
 * commits, which an image does not record, so they are counted and not
 * stored. A record whose structure cannot be read (no id, an event with no
 * or several kinds, a value of the wrong type) is skipped with a warning.
 * Ranges that are readable but odd (no introduced event, a fix that sorts
 * below its introduction) are kept, warned about, and evaluated by the
 * schema's algorithm. osv_yaml.c feeds the YAML form of the same records
 * through st_import_osv_tree. */
#include <ctype.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "version/version.h"
#include "vuln/cvss.h"
#include "vuln/vuln_internal.h"

#define MALFORMED 1

/* OSV ecosystem names (the part before any ':') and their purl types.
 * DISTRO is set for ecosystems whose suffix names a distribution release:
 * it is the first part of the distro key (lib/inventory/inventory.h,
 * st_os_classify, lists the keys). Other suffixes (Maven's or Packagist's
 * repository URL) are not used. */
struct ecosystem_map {
	const char *osv;
	const char *type;
	const char *distro;
};

static const struct ecosystem_map ecosystems[] = {
	{"npm", "npm", NULL},
	{"PyPI", "pypi", NULL},
	{"Go", "golang", NULL},
	{"crates.io", "cargo", NULL},
	{"Maven", "maven", NULL},
	{"RubyGems", "gem", NULL},
	{"NuGet", "nuget", NULL},
	{"Packagist", "composer", NULL},
	{"Hex", "hex", NULL},
	{"Pub", "pub", NULL},
	{"Hackage", "hackage", NULL},
	{"CRAN", "cran", NULL},
	{"ConanCenter", "conan", NULL},
	{"SwiftURL", "swift", NULL},
	{"Debian", "deb", "debian"},
	{"Ubuntu", "deb", "ubuntu"},
	{"Alpine", "apk", "alpine"},
	{"Wolfi", "apk", "wolfi"},
	{"Chainguard", "apk", "chainguard"},
	{"AlmaLinux", "rpm", "almalinux"},
	{"Rocky Linux", "rpm", "rocky"},
	{"Red Hat", "rpm", "rhel"},
	{"openSUSE", "rpm", "opensuse"},
	{"SUSE", "rpm", "suse"},
	{"Mageia", "rpm", "mageia"},
	{"Photon OS", "rpm", "photon"},
	{"openEuler", "rpm", "openeuler"},
};

static char *lower_copy(struct st_arena *arena, const char *s, size_t n)
{
	char *d = st_arena_strndup(arena, s, n);
	size_t i;

	if (d == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		d[i] = (char)tolower((unsigned char)d[i]);
	return d;
}

static bool is_release_number(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || !isdigit((unsigned char)s[0]))
		return false;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]) && s[i] != '.')
			return false;
	}
	return true;
}

/* "Pro:22.04:LTS" gives "ubuntu-pro:22.04", "22.04:LTS" "ubuntu:22.04" and
 * "Pro:FIPS-updates:22.04:LTS" "ubuntu-pro-fips-updates:22.04": the
 * release number is the key, other words (except LTS) name the channel. */
static const char *ubuntu_distro(struct st_arena *arena, const char *release)
{
	struct st_buf key;
	struct strata_error err;
	const char *number = NULL;
	size_t number_len = 0;
	const char *p = release;
	char *out = NULL;

	st_buf_init(&key, 256);
	if (st_buf_append(&key, "ubuntu", 6, &err) < 0)
		goto out;
	while (*p != '\0') {
		size_t n = strcspn(p, ":");

		if (is_release_number(p, n)) {
			number = p;
			number_len = n;
		} else if (n > 0 && !(n == 3 && strncasecmp(p, "LTS", 3) == 0)) {
			if (st_buf_append(&key, "-", 1, &err) < 0 ||
			    st_buf_append(&key, p, n, &err) < 0)
				goto out;
		}
		p += n;
		if (*p == ':')
			p++;
	}
	if (number == NULL) {
		/* No release number: keep the suffix whole, so that nothing
		 * matches it by accident. */
		key.len = 0;
		if (st_buf_printf(&key, &err, "ubuntu:%s", release) < 0)
			goto out;
	} else if (st_buf_append(&key, ":", 1, &err) < 0 ||
		   st_buf_append(&key, number, number_len, &err) < 0) {
		goto out;
	}
	out = lower_copy(arena, key.ptr, key.len);

out:
	st_buf_dispose(&key);
	return out;
}

/* "Linux Enterprise Server 15 SP5" gives "sles:15.5" and "Linux
 * Enterprise Server 12" "sles:12.0", the keys of st_os_classify; other
 * SUSE products keep their name. */
static const char *suse_distro(struct st_arena *arena, const char *release)
{
	static const char sles[] = "Linux Enterprise Server ";
	const char *p = release + strlen(sles);
	size_t major;
	size_t sp = 0;

	if (strncmp(release, sles, strlen(sles)) != 0)
		return NULL;
	major = strspn(p, "0123456789");
	if (major == 0)
		return NULL;
	if (p[major] == '\0')
		return st_arena_printf(arena, "sles:%.*s.0", (int)major, p);
	if (strncmp(p + major, " SP", 3) == 0)
		sp = strspn(p + major + 3, "0123456789");
	if (sp == 0 || p[major + 3 + sp] != '\0')
		return NULL;
	return st_arena_printf(arena, "sles:%.*s.%.*s", (int)major, p, (int)sp, p + major + 3);
}

/* Builds the distro key of ecosystem E with suffix RELEASE. */
static const char *distro_key(struct st_arena *arena, const struct ecosystem_map *e,
			      const char *release)
{
	const char *key = NULL;

	/* "Debian:12" names the release by number, but the store and the
	 * matcher use codenames, as os-release and the tracker do. */
	if (strcmp(e->distro, "debian") == 0 && st_debian_codename(release) != NULL)
		release = st_debian_codename(release);
	if (strcmp(e->distro, "ubuntu") == 0)
		return ubuntu_distro(arena, release);
	if (strcmp(e->distro, "suse") == 0)
		key = suse_distro(arena, release);
	/* "Red Hat:enterprise_linux:9::appstream" is RHEL 9. */
	if (strcmp(e->distro, "rhel") == 0 && strncmp(release, "enterprise_linux:", 17) == 0)
		key = st_arena_printf(arena, "rhel:%.*s", (int)strspn(release + 17, "0123456789"),
				      release + 17);
	if (strcmp(e->distro, "opensuse") == 0 && strncmp(release, "Leap ", 5) == 0)
		key = st_arena_printf(arena, "opensuse-leap:%s", release + 5);
	if (strcmp(e->distro, "opensuse") == 0 && strcmp(release, "Tumbleweed") == 0)
		key = "opensuse-tumbleweed";
	if (key == NULL)
		key = st_arena_printf(arena, "%s:%s", e->distro, release);
	if (key == NULL)
		return NULL;
	return lower_copy(arena, key, strlen(key));
}

bool st_osv_ecosystem_map(const char *osv, struct st_arena *arena, const char **type,
			  const char **distro)
{
	const char *colon = strchr(osv, ':');
	size_t base = colon ? (size_t)(colon - osv) : strlen(osv);
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(ecosystems); i++) {
		const struct ecosystem_map *e = &ecosystems[i];

		if (strlen(e->osv) != base || strncmp(e->osv, osv, base) != 0)
			continue;
		*type = e->type;
		*distro = "";
		if (e->distro == NULL)
			return true;
		if (colon == NULL) {
			*distro = e->distro;
			return true;
		}
		*distro = distro_key(arena, e, colon + 1);
		return *distro != NULL;
	}
	/* Unknown ecosystems are kept, lowercased, for later matchers. */
	*type = lower_copy(arena, osv, strlen(osv));
	*distro = "";
	return *type != NULL;
}

/* One record being imported. */
struct osv_record {
	struct st_import_ctx *ctx;
	const char *id;
	int64_t vuln;
	struct st_arena arena; /* mapped ecosystem names */
	struct strata_error why; /* the reason a record is malformed */
};

static int malformed(struct osv_record *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Records why the record is skipped and returns MALFORMED. */
static int malformed(struct osv_record *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->why.msg, sizeof(r->why.msg), fmt, ap);
	va_end(ap);
	r->why.code = MALFORMED;
	return MALFORMED;
}

/* Severity ----------------------------------------------------------------- */

struct severity_pick {
	int severity;
	const char *source;
};

/* Keeps SEV from SOURCE when it is known and SOURCE ranks before the
 * current pick (st_severity_source_rank). */
static void consider(struct severity_pick *p, int sev, const char *source)
{
	if (sev <= ST_SEVERITY_UNKNOWN)
		return;
	if (p->source == NULL ||
	    st_severity_source_rank(source) < st_severity_source_rank(p->source)) {
		p->severity = sev;
		p->source = source;
	}
}

/* Reads OBJ.severity as a severity word (GHSA: CRITICAL, HIGH, MODERATE,
 * LOW). Other types are ignored: the field is database-defined. */
static void consider_word(struct severity_pick *p, const json_t *obj, const char *source)
{
	const char *word;

	if (json_is_object(obj) && st_json_member_string(obj, "severity", &word) == 1)
		consider(p, st_severity_from_word(word), source);
}

/* Picks the Ubuntu priority from a severity[] list, the one entry type
 * that names a level rather than a CVSS vector. */
static void consider_ubuntu(struct severity_pick *p, const json_t *list)
{
	const json_t *item;
	const char *type;
	const char *score;
	size_t i;

	if (!json_is_array(list))
		return;
	json_array_foreach(list, i, item) {
		if (st_json_member_string(item, "type", &type) == 1 &&
		    st_json_member_string(item, "score", &score) == 1 && strcmp(type, "Ubuntu") == 0)
			consider(p, st_severity_from_word(score), "osv:ubuntu");
	}
}

/* A USN record lists the priority of each CVE it fixes under
 * affected[].database_specific.cves_map.cves[].severity. The package
 * gets the highest of them. */
static void consider_usn_cves(struct severity_pick *p, const json_t *database_specific)
{
	const json_t *cves = json_object_get(json_object_get(database_specific, "cves_map"),
					     "cves");
	const json_t *cve;
	struct severity_pick best = {ST_SEVERITY_UNKNOWN, NULL};
	size_t i;

	if (!json_is_array(cves))
		return;
	json_array_foreach(cves, i, cve) {
		struct severity_pick one = {ST_SEVERITY_UNKNOWN, NULL};

		consider_ubuntu(&one, json_object_get(cve, "severity"));
		if (one.source != NULL && one.severity > best.severity)
			best = one;
	}
	if (best.source != NULL)
		consider(p, best.severity, best.source);
}

/* Red Hat rebuilds (AlmaLinux, Rocky Linux) start the summary with Red
 * Hat's rating: "Moderate: avahi security update". */
static void consider_summary(struct severity_pick *p, const char *summary)
{
	static const char *const words[] = {"Low", "Moderate", "Important", "Critical"};
	size_t i;
	size_t n;

	if (summary == NULL)
		return;
	for (i = 0; i < ST_ARRAY_LEN(words); i++) {
		n = strlen(words[i]);
		if (strncmp(summary, words[i], n) == 0 && summary[n] == ':') {
			consider(p, st_severity_from_word(words[i]), "osv:summary");
			return;
		}
	}
}

/* Scores the CVSS vectors of a severity[] list. A vector that does not
 * parse, or whose version does not match its type, is warned about and
 * gives no severity. */
static void consider_cvss(struct osv_record *r, struct severity_pick *p, const json_t *list)
{
	static const struct {
		const char *type;
		int version_min, version_max;
		const char *source;
	} types[] = {
		{"CVSS_V4", ST_CVSS_V40, ST_CVSS_V40, "osv:cvss_v4"},
		{"CVSS_V3", ST_CVSS_V30, ST_CVSS_V31, "osv:cvss_v3"},
		{"CVSS_V2", ST_CVSS_V2, ST_CVSS_V2, "osv:cvss_v2"},
	};
	struct strata_error why = {0};
	const json_t *item;
	const char *type;
	const char *score;
	int version;
	int tenths;
	size_t i;
	size_t t;

	if (!json_is_array(list))
		return;
	json_array_foreach(list, i, item) {
		if (st_json_member_string(item, "type", &type) != 1 ||
		    st_json_member_string(item, "score", &score) != 1)
			continue;
		for (t = 0; t < ST_ARRAY_LEN(types); t++) {
			if (strcmp(type, types[t].type) == 0)
				break;
		}
		if (t == ST_ARRAY_LEN(types))
			continue;
		if (st_cvss_score(score, &version, &tenths, &why) == 0 &&
		    (version < types[t].version_min || version > types[t].version_max))
			st_error_set(&why, STRATA_EINVAL, "a %s entry holds another CVSS version",
				     type);
		if (why.code != 0) {
			st_diag(r->ctx->diag, ST_DIAG_WARN, "%s: %s: %s (%s); severity left UNKNOWN",
				r->ctx->name, r->id, why.msg,
				st_feed_name_ok(score) ? score : "unprintable");
			why.code = 0;
			continue;
		}
		consider(p, st_cvss_severity(version, tenths), types[t].source);
	}
}

/* Stores the severity[] entries (CVSS vectors and the like) as written. */
static int write_scores(struct osv_record *r, const json_t *list, int64_t affected,
			struct strata_error *err)
{
	const json_t *item;
	const char *type;
	const char *score;
	size_t i;
	int rc;

	if (list == NULL || json_is_null(list))
		return 0;
	if (!json_is_array(list))
		return malformed(r, "%s is not an array", "severity");
	json_array_foreach(list, i, item) {
		if (st_json_member_string(item, "type", &type) != 1 ||
		    st_json_member_string(item, "score", &score) != 1)
			return malformed(r, "%s entry without type and score strings", "severity");
		rc = st_writer_score(r->ctx->writer, r->vuln, affected, type, score, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Ids and references ------------------------------------------------------ */

static int write_ids(struct osv_record *r, const json_t *root, const char *field,
		     struct strata_error *err)
{
	const json_t *list = json_object_get(root, field);
	const json_t *item;
	const char *id;
	size_t i;
	int rc;

	if (list == NULL || json_is_null(list))
		return 0;
	if (!json_is_array(list))
		return malformed(r, "%s is not an array", field);
	json_array_foreach(list, i, item) {
		if (st_json_value_string(item, &id) != 1 || !st_feed_name_ok(id))
			return malformed(r, "%s has an entry that is not a valid id", field);
		if (strcmp(id, r->id) == 0)
			continue;
		/* The alias table calls the "aliases" field's ids "alias". */
		rc = st_writer_alias(r->ctx->writer, r->vuln,
				     strcmp(field, "aliases") == 0 ? "alias" : field, id, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int write_references(struct osv_record *r, const json_t *root, struct strata_error *err)
{
	const json_t *list = json_object_get(root, "references");
	const json_t *item;
	const char *type;
	const char *url;
	size_t i;
	int rc;

	if (list == NULL || json_is_null(list))
		return 0;
	if (!json_is_array(list))
		return malformed(r, "%s is not an array", "references");
	json_array_foreach(list, i, item) {
		if (st_json_member_string(item, "url", &url) != 1 ||
		    st_json_member_string(item, "type", &type) < 0)
			return malformed(r, "%s entry without a url string", "references");
		rc = st_writer_reference(r->ctx->writer, r->vuln, type, url, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Ranges ------------------------------------------------------------------- */

static const char *const event_kinds[] = {
	[ST_EVENT_INTRODUCED] = "introduced",
	[ST_EVENT_FIXED] = "fixed",
	[ST_EVENT_LAST_AFFECTED] = "last_affected",
	[ST_EVENT_LIMIT] = "limit",
};

/* Reads one event: an object with exactly one of the four kinds. */
static int read_event(struct osv_record *r, json_t *ev, struct st_range_event *out)
{
	const char *key;
	const char *version;
	size_t k;

	if (!json_is_object(ev) || json_object_size(ev) != 1)
		return malformed(r, "%s: an event must have exactly one field", "ranges");
	key = json_object_iter_key(json_object_iter(ev));
	for (k = 0; k < ST_ARRAY_LEN(event_kinds); k++) {
		if (strcmp(key, event_kinds[k]) == 0)
			break;
	}
	if (k == ST_ARRAY_LEN(event_kinds))
		return malformed(r, "unknown range event '%s'",
				 st_feed_name_ok(key) ? key : "(unprintable)");
	if (st_json_member_string(ev, key, &version) != 1 || !st_feed_name_ok(version))
		return malformed(r, "range event '%s' without a valid version string", key);
	out->kind = (int)k;
	out->version = version;
	return 0;
}

/* Warns about a range that is readable but unlikely to mean what its
 * author intended. The range is still stored and evaluated by the
 * schema's algorithm. */
static void check_range(struct osv_record *r, const char *package, const char *type,
			const char *ecosystem, const struct st_range_event *ev, size_t n,
			size_t index)
{
	const char *introduced = NULL;
	bool has_introduced = false;
	int cmp;
	size_t i;

	for (i = 0; i < n; i++) {
		if (ev[i].kind == ST_EVENT_INTRODUCED) {
			has_introduced = true;
			introduced = strcmp(ev[i].version, "0") == 0 ? NULL : ev[i].version;
			continue;
		}
		if (introduced == NULL ||
		    (ev[i].kind != ST_EVENT_FIXED && ev[i].kind != ST_EVENT_LAST_AFFECTED))
			continue;
		if (st_range_compare(type, ecosystem, ev[i].version, introduced, &cmp, NULL) == 0 &&
		    cmp < 0)
			st_diag(r->ctx->diag, ST_DIAG_WARN,
				"%s: %s: %s range %zu: %s %s sorts below introduced %s, so "
				"by the OSV algorithm the range starts at %s",
				r->ctx->name, r->id, package, index + 1, event_kinds[ev[i].kind],
				ev[i].version, introduced, introduced);
	}
	if (!has_introduced)
		st_diag(r->ctx->diag, ST_DIAG_WARN,
			"%s: %s: %s range %zu has no introduced event and matches nothing",
			r->ctx->name, r->id, package, index + 1);
}

static int write_range(struct osv_record *r, int64_t affected, const char *package,
		       const char *ecosystem, const json_t *range, size_t index,
		       struct strata_error *err)
{
	struct st_range_event ev[64];
	const json_t *events = json_object_get(range, "events");
	json_t *item;
	const char *type;
	const char *repo;
	int64_t range_id;
	size_t i;
	int rc;

	if (st_json_member_string(range, "type", &type) != 1 || !st_feed_name_ok(type) ||
	    st_json_member_string(range, "repo", &repo) < 0)
		return malformed(r, "%s: a range without a valid type string", "ranges");
	if (!json_is_array(events) || json_array_size(events) == 0)
		return malformed(r, "%s: a range without events", "ranges");
	/* Commit ranges cannot be evaluated against an installed version.
	 * import.c reports how many were left out, once per path. */
	if (strcmp(type, "GIT") == 0) {
		r->ctx->git_ranges++;
		return 0;
	}
	rc = st_writer_range(r->ctx->writer, affected, type, repo, &range_id, err);
	if (rc < 0)
		return rc;
	json_array_foreach(events, i, item) {
		struct st_range_event e;

		rc = read_event(r, item, &e);
		if (rc != 0)
			return rc;
		rc = st_writer_event(r->ctx->writer, range_id, (int64_t)i, event_kinds[e.kind],
				     e.version, err);
		if (rc < 0)
			return rc;
		if (i < ST_ARRAY_LEN(ev))
			ev[i] = e;
	}
	/* The sanity check looks at the first events only, while evaluation uses
	 * them all. */
	i = json_array_size(events);
	check_range(r, package, type, ecosystem, ev, i < ST_ARRAY_LEN(ev) ? i : ST_ARRAY_LEN(ev),
		    index);
	return 0;
}

/* Affected packages ------------------------------------------------------- */

static int write_versions(struct osv_record *r, int64_t affected, const json_t *list,
			  struct strata_error *err)
{
	const json_t *item;
	const char *version;
	size_t i;
	int rc;

	if (list == NULL || json_is_null(list))
		return 0;
	if (!json_is_array(list))
		return malformed(r, "%s is not an array", "versions");
	json_array_foreach(list, i, item) {
		if (st_json_value_string(item, &version) != 1)
			return malformed(r, "%s has an entry that is not a string", "versions");
		rc = st_writer_version(r->ctx->writer, affected, version, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Writes the affected row, then its scores, ranges and versions. */
static int write_affected(struct osv_record *r, const json_t *aff, struct strata_error *err)
{
	struct st_affected_record a = {0};
	struct severity_pick pick = {ST_SEVERITY_UNKNOWN, NULL};
	const json_t *pkg = json_object_get(aff, "package");
	const json_t *ranges = json_object_get(aff, "ranges");
	const json_t *item;
	int64_t rowid;
	size_t i;
	int rc;

	if (!json_is_object(aff))
		return malformed(r, "%s has an entry that is not an object", "affected");
	if (pkg == NULL) {
		/* Allowed for records that describe GIT ranges only. */
		st_diag(r->ctx->diag, ST_DIAG_DEBUG, "%s: %s: affected entry without a package",
			r->ctx->name, r->id);
		return 0;
	}
	if (st_json_member_string(pkg, "ecosystem", &a.feed_ecosystem) != 1 ||
	    st_json_member_string(pkg, "name", &a.package) != 1 ||
	    !st_feed_name_ok(a.feed_ecosystem) || !st_feed_name_ok(a.package) ||
	    st_json_member_string(pkg, "purl", &a.purl) < 0)
		return malformed(r, "%s: package without valid ecosystem and name strings",
				 "affected");
	if (!st_osv_ecosystem_map(a.feed_ecosystem, &r->arena, &a.ecosystem, &a.distro))
		return st_error_set(err, STRATA_ENOMEM, "out of memory");
	if (ranges != NULL && !json_is_null(ranges) && !json_is_array(ranges))
		return malformed(r, "%s: ranges is not an array", "affected");

	consider_word(&pick, json_object_get(aff, "ecosystem_specific"), "osv:ecosystem_specific");
	consider_word(&pick, json_object_get(aff, "database_specific"), "osv:database_specific");
	consider_usn_cves(&pick, json_object_get(aff, "database_specific"));
	consider_ubuntu(&pick, json_object_get(aff, "severity"));
	consider_cvss(r, &pick, json_object_get(aff, "severity"));
	a.ranges = true;
	a.status = ST_STATUS_AFFECTED;
	a.severity = pick.source != NULL ? pick.severity : -1;
	a.severity_source = pick.source;
	rc = st_writer_affected(r->ctx->writer, r->vuln, &a, &rowid, err);
	if (rc != 0)
		return rc;
	rc = write_scores(r, json_object_get(aff, "severity"), rowid, err);
	if (rc != 0)
		return rc;
	json_array_foreach(ranges, i, item) {
		if (!json_is_object(item))
			return malformed(r, "%s: a range that is not an object", "affected");
		rc = write_range(r, rowid, a.package, a.ecosystem, item, i, err);
		if (rc != 0)
			return rc;
	}
	return write_versions(r, rowid, json_object_get(aff, "versions"), err);
}

/* Records ------------------------------------------------------------------ */

/* True when an affected entry names an rpm distribution release, whose
 * summaries carry Red Hat's rating. */
static bool has_rpm_distro(struct osv_record *r, const json_t *affected)
{
	const json_t *aff;
	const char *ecosystem;
	const char *type;
	const char *distro;
	size_t i;

	json_array_foreach(affected, i, aff) {
		if (st_json_member_string(json_object_get(aff, "package"), "ecosystem",
					  &ecosystem) == 1 &&
		    st_osv_ecosystem_map(ecosystem, &r->arena, &type, &distro) &&
		    strcmp(type, "rpm") == 0 && distro[0] != '\0')
			return true;
	}
	return false;
}

static int write_record(struct osv_record *r, const json_t *root, bool *created,
			struct strata_error *err)
{
	struct st_vuln_record rec = {0};
	struct severity_pick pick = {ST_SEVERITY_UNKNOWN, NULL};
	const json_t *affected = json_object_get(root, "affected");
	const json_t *item;
	int64_t source;
	size_t i;
	int rc;

	rec.name = r->id;
	if (st_json_member_string(root, "summary", &rec.summary) < 0 ||
	    st_json_member_string(root, "details", &rec.details) < 0 ||
	    st_json_member_string(root, "published", &rec.published) < 0 ||
	    st_json_member_string(root, "modified", &rec.modified) < 0 ||
	    st_json_member_string(root, "withdrawn", &rec.withdrawn) < 0)
		return malformed(r, "%s: a text field is not a string", "record");
	if (rec.modified == NULL)
		return malformed(r, "no %s timestamp, which the OSV schema requires", "modified");
	if (affected != NULL && !json_is_null(affected) && !json_is_array(affected))
		return malformed(r, "%s is not an array", "affected");
	consider_word(&pick, json_object_get(root, "database_specific"), "osv:database_specific");
	consider_ubuntu(&pick, json_object_get(root, "severity"));
	consider_cvss(r, &pick, json_object_get(root, "severity"));
	if (has_rpm_distro(r, affected))
		consider_summary(&pick, rec.summary);

	rc = st_writer_source(r->ctx->writer, ST_SOURCE_OSV, &source, err);
	if (rc < 0)
		return rc;
	rec.severity = pick.severity;
	rec.severity_source = pick.source;
	rc = st_writer_vuln(r->ctx->writer, source, &rec, false, &r->vuln, created, err);
	if (rc < 0)
		return rc;
	rc = write_scores(r, json_object_get(root, "severity"), 0, err);
	if (rc == 0)
		rc = write_ids(r, root, "aliases", err);
	if (rc == 0)
		rc = write_ids(r, root, "related", err);
	if (rc == 0)
		rc = write_ids(r, root, "upstream", err);
	if (rc == 0)
		rc = write_references(r, root, err);
	if (rc != 0)
		return rc;
	json_array_foreach(affected, i, item) {
		rc = write_affected(r, item, err);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* Skips the current document with a warning. */
static int skip(struct st_import_ctx *ctx, const char *id, const char *why)
{
	st_diag(ctx->diag, ST_DIAG_WARN, "%s: %s: %s; skipped", ctx->name, id ? id : "record",
		why);
	ctx->stats->skipped++;
	return 0;
}

int st_import_osv_tree(struct st_import_ctx *ctx, const json_t *root, struct strata_error *err)
{
	struct osv_record r = {0};
	bool created = false;
	int rc;

	r.ctx = ctx;
	st_arena_init(&r.arena);
	if (!json_is_object(root) || st_json_member_string(root, "id", &r.id) != 1 ||
	    !st_feed_name_ok(r.id)) {
		/* The id is not printed: it may hold control characters. */
		rc = skip(ctx, NULL, "no id string, or one that is empty, too long or has "
				     "control characters");
		goto out;
	}

	rc = st_writer_savepoint(ctx->writer, err);
	if (rc < 0)
		goto out;
	rc = write_record(&r, root, &created, err);
	if (rc == MALFORMED) {
		skip(ctx, r.id, r.why.msg);
		rc = st_writer_rollback_record(ctx->writer, err);
		goto out;
	}
	if (rc < 0)
		goto out;
	rc = st_writer_release(ctx->writer, err);
	if (rc == 0 && created)
		ctx->stats->records++;

out:
	st_arena_dispose(&r.arena);
	return rc;
}

int st_import_osv(struct st_import_ctx *ctx, struct st_slice text, struct strata_error *err)
{
	struct strata_error parse_err = {0};
	json_t *root = NULL;
	int rc;

	rc = st_json_parse(&root, text, text.len, ctx->limits->json_depth, 0, "OSV record",
			   &parse_err);
	if (rc == STRATA_ECORRUPT)
		return skip(ctx, NULL, parse_err.msg);
	if (rc < 0) {
		st_error_set(err, rc, "%s: %s", ctx->name, parse_err.msg);
		return rc;
	}
	rc = st_import_osv_tree(ctx, root, err);
	json_decref(root);
	return rc;
}
