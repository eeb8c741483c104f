/* Public API: scans, accessors, reports, database and version entry
 * points, each a thin layer over the internal stages. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "scan.h"
#include "version/version.h"

STRATA_PUBLIC void strata_scan_options_init(struct strata_scan_options *opts)
{
	memset(opts, 0, sizeof(*opts));
	strata_limits_default(&opts->limits);
}

static void forward_log(void *ctx, int level, const char *msg)
{
	const struct strata_scan_options *opts = ctx;
	int public_level = STRATA_LOG_DEBUG;

	if (level == ST_DIAG_INFO)
		public_level = STRATA_LOG_INFO;
	else if (level == ST_DIAG_WARN)
		public_level = STRATA_LOG_WARN;
	else if (level == ST_DIAG_ERROR)
		public_level = STRATA_LOG_ERROR;
	opts->log(opts->log_ctx, public_level, msg);
}

static void diag_from_options(struct st_diag *diag, const struct strata_scan_options *opts)
{
	diag->fn = opts->log ? forward_log : NULL;
	diag->ctx = (void *)(uintptr_t)opts;
	diag->warnings = 0;
}

static int count_source(void *ctx, const struct st_db_source *src)
{
	size_t *count = ctx;

	(void)src;
	(*count)++;
	return 0;
}

/* Matches the inventory against the database at PATH, opened read-only.
 * A database without any source is an error: matching against it would
 * report a clean image that was never checked. */
static int scan_match(struct strata_scan *scan, const char *path, struct st_diag *diag,
		      struct strata_error *err)
{
	struct st_db *db = NULL;
	size_t sources = 0;
	int rc;

	rc = st_db_open(&db, path, false, err);
	if (rc < 0) {
		st_error_prefix(err, "vulnerability database");
		return rc;
	}
	rc = st_db_status(db, count_source, &sources, err);
	if (rc == 0 && sources == 0)
		rc = st_error_set(err, STRATA_ENOTFOUND,
				  "vulnerability database %s has no advisories; run 'strata db "
				  "import PATH...' first",
				  path);
	if (rc < 0) {
		st_db_close(db);
		return rc;
	}
	rc = st_match_inventory(db, &scan->inv, &scan->findings, diag, err);
	st_db_close(db);
	if (rc < 0)
		return rc;
	scan->matched = true;
	return 0;
}

/* Logs what each layer held and the size of the inventory. */
static void log_layers(const struct strata_scan *scan, struct st_diag *diag)
{
	size_t i;

	for (i = 0; i < scan->image->layer_count; i++) {
		const struct st_walk_layer_stats *st = &scan->layer_stats[i];

		st_diag(diag, ST_DIAG_INFO, "layer %zu %s: %llu entries, %llu bytes uncompressed", i,
			scan->image->layers[i].digest ? scan->image->layers[i].digest : "-",
			(unsigned long long)st->entries, (unsigned long long)st->uncompressed_bytes);
	}
	st_diag(diag, ST_DIAG_INFO, "inventory: %zu packages", scan->inv.count);
}

STRATA_PUBLIC int strata_scan_image(struct strata_scan **out, const char *ref,
				    const struct strata_scan_options *opts,
				    struct strata_error *err)
{
	return st_scan_image_observed(out, ref, opts, NULL, NULL, err);
}

int st_scan_image_observed(struct strata_scan **out, const char *ref,
			   const struct strata_scan_options *opts, st_scan_prepare prepare,
			   void *prepare_ctx, struct strata_error *err)
{
	const struct st_walk_observer *observer = NULL;
	struct st_image_options image_opts;
	struct st_walk_options walk_opts;
	struct strata_scan *scan = NULL;
	struct st_diag diag;
	int rc;

	*out = NULL;
	strata_error_clear(err);
	diag_from_options(&diag, opts);
	scan = calloc(1, sizeof(*scan));
	if (scan == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory");
	st_inventory_init(&scan->inv);
	scan->inv.list_removed = opts->all_layers;
	st_findings_init(&scan->findings);

	image_opts.platform = opts->platform;
	image_opts.limits = &opts->limits;
	image_opts.diag = &diag;
	rc = st_image_open(&scan->image, ref, &image_opts, err);
	if (rc < 0)
		goto out;
	st_diag(&diag, ST_DIAG_INFO, "opened %s: %s, %zu layers, config %s", ref,
		st_image_form_name(scan->image->form), scan->image->layer_count,
		scan->image->config_digest ? scan->image->config_digest : "-");

	scan->layer_stats = st_calloc(scan->image->layer_count ? scan->image->layer_count : 1,
				      sizeof(*scan->layer_stats));
	if (scan->layer_stats == NULL) {
		rc = st_error_set(err, STRATA_ENOMEM, "out of memory");
		goto out;
	}
	if (prepare != NULL) {
		rc = prepare(prepare_ctx, scan->image, &observer, err);
		if (rc < 0)
			goto out;
	}
	walk_opts.limits = &opts->limits;
	walk_opts.diag = &diag;
	rc = st_catalog_image_observed(scan->image, &scan->inv, &walk_opts, observer,
				       scan->layer_stats, err);
	if (rc < 0)
		goto out;
	log_layers(scan, &diag);

	if (opts->db_path != NULL) {
		rc = scan_match(scan, opts->db_path, &diag, err);
		if (rc < 0)
			goto out;
		st_diag(&diag, ST_DIAG_INFO, "matched against %s: %zu findings", opts->db_path,
			scan->findings.count);
	}
	scan->warnings = diag.warnings;
	*out = scan;
	scan = NULL;

out:
	strata_scan_free(scan);
	return rc;
}

STRATA_PUBLIC void strata_scan_free(struct strata_scan *scan)
{
	if (scan == NULL)
		return;
	st_findings_dispose(&scan->findings);
	st_inventory_dispose(&scan->inv);
	free(scan->layer_stats);
	st_image_free(scan->image);
	free(scan);
}

STRATA_PUBLIC void strata_scan_get_image(const struct strata_scan *scan,
					 struct strata_image_info *out)
{
	const struct st_image *img = scan->image;
	const struct st_os *os = &scan->inv.os;

	memset(out, 0, sizeof(*out));
	out->reference = img->reference;
	out->form = st_image_form_name(img->form);
	out->manifest_digest = img->manifest_digest;
	out->config_digest = img->config_digest;
	out->tag = img->tag;
	out->os = img->os;
	out->architecture = img->architecture;
	out->variant = img->variant;
	out->distro_id = os->id;
	out->distro_version = os->version_id;
	out->distro_codename = os->version_codename;
	out->distro_name = os->pretty_name;
	out->layer_count = img->layer_count;
}

STRATA_PUBLIC int strata_scan_get_layer(const struct strata_scan *scan, size_t index,
					struct strata_layer *out)
{
	const struct st_layer_info *l;

	if (index >= scan->image->layer_count)
		return STRATA_EINVAL;
	l = &scan->image->layers[index];
	out->digest = l->digest;
	out->diff_id = l->diff_id;
	out->media_type = l->media_type;
	out->size = l->size;
	out->created_by = l->created_by;
	return 0;
}

STRATA_PUBLIC size_t strata_scan_package_count(const struct strata_scan *scan)
{
	return scan->inv.count;
}

STRATA_PUBLIC int strata_scan_get_package(const struct strata_scan *scan, size_t index,
					  struct strata_package *out)
{
	const struct st_package *p;

	if (index >= scan->inv.count)
		return STRATA_EINVAL;
	p = &scan->inv.packages[index];
	out->type = p->type;
	out->name = p->name;
	out->version = p->version;
	out->arch = p->arch;
	out->source_name = p->source_name;
	out->source_version = p->source_version;
	out->license = p->license;
	out->purl = p->purl;
	out->path = p->path;
	out->layer = p->layer;
	return 0;
}

STRATA_PUBLIC size_t strata_scan_finding_count(const struct strata_scan *scan)
{
	return scan->findings.count;
}

STRATA_PUBLIC int strata_scan_get_finding(const struct strata_scan *scan, size_t index,
					  struct strata_finding *out)
{
	const struct st_finding *f;

	if (index >= scan->findings.count)
		return STRATA_EINVAL;
	f = &scan->findings.items[index];
	out->id = f->id;
	out->aliases = f->aliases;
	out->package = f->package;
	out->fixed_version = f->fixed_version;
	out->status = st_vuln_status_name(f->status);
	out->severity = st_severity_name(f->severity);
	out->severity_source = f->severity_source;
	out->summary = f->summary;
	out->source = f->source;
	out->url = f->url;
	return 0;
}

STRATA_PUBLIC bool strata_scan_has_vulnerabilities(const struct strata_scan *scan)
{
	return scan->matched;
}

STRATA_PUBLIC size_t strata_scan_unchecked_count(const struct strata_scan *scan)
{
	return scan->findings.unchecked_count;
}

STRATA_PUBLIC int strata_scan_get_unchecked(const struct strata_scan *scan, size_t index,
					    struct strata_unchecked *out)
{
	const struct st_unchecked *u;

	if (index >= scan->findings.unchecked_count)
		return STRATA_EINVAL;
	u = &scan->findings.unchecked[index];
	out->scope = u->scope;
	out->packages = u->packages;
	return 0;
}

STRATA_PUBLIC void strata_report_options_init(struct strata_report_options *opts)
{
	opts->format = STRATA_FORMAT_TABLE;
	opts->severities = STRATA_SEVERITY_ALL;
	opts->ignore_unfixed = false;
	opts->statuses = STRATA_STATUS_ALL;
	opts->show_owned = false;
}

STRATA_PUBLIC unsigned strata_status_bit(const char *name)
{
	static const struct {
		int status;
		unsigned bit;
	} bits[] = {
		{ST_STATUS_FIXED, STRATA_STATUS_FIXED},
		{ST_STATUS_AFFECTED, STRATA_STATUS_AFFECTED},
		{ST_STATUS_WILL_NOT_FIX, STRATA_STATUS_WILL_NOT_FIX},
		{ST_STATUS_FIX_DEFERRED, STRATA_STATUS_FIX_DEFERRED},
		{ST_STATUS_END_OF_LIFE, STRATA_STATUS_END_OF_LIFE},
	};
	size_t i;

	for (i = 0; name != NULL && i < ST_ARRAY_LEN(bits); i++) {
		if (strcmp(st_vuln_status_name(bits[i].status), name) == 0)
			return bits[i].bit;
	}
	return 0;
}

STRATA_PUBLIC int strata_severity_index(const char *name)
{
	return st_severity_parse(name);
}

bool st_report_finding_shown(const struct st_finding *f,
			     const struct strata_report_options *opts)
{
	if (f->severity < 0 || f->severity > ST_SEVERITY_CRITICAL)
		return false;
	if (!(opts->severities & STRATA_SEVERITY_BIT((unsigned)f->severity)))
		return false;
	if (opts->ignore_unfixed && f->fixed_version == NULL)
		return false;
	if (!(opts->statuses & strata_status_bit(st_vuln_status_name(f->status))))
		return false;
	return true;
}

bool st_report_package_shown(const struct st_package *p,
			     const struct strata_report_options *opts)
{
	return !(p->flags & ST_PKG_OS_OWNED) || opts->show_owned;
}

STRATA_PUBLIC int strata_report_write(const struct strata_scan *scan, FILE *out,
				      const struct strata_report_options *opts,
				      size_t *shown, struct strata_error *err)
{
	if (opts->format == STRATA_FORMAT_JSON)
		return st_report_json(scan, out, opts, shown, err);
	if (opts->format == STRATA_FORMAT_TABLE)
		return st_report_table(scan, out, opts, shown, err);
	return st_error_set(err, STRATA_EINVAL, "unknown report format %d", opts->format);
}

/* Database ---------------------------------------------------------------- */

struct strata_db {
	struct st_db *db;
};

STRATA_PUBLIC int strata_db_default_path(char *buf, size_t size, struct strata_error *err)
{
	const char *cache = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	int n;

	if (cache != NULL && cache[0] == '/')
		n = snprintf(buf, size, "%s/strata/vuln.db", cache);
	else if (home != NULL && home[0] == '/')
		n = snprintf(buf, size, "%s/.cache/strata/vuln.db", home);
	else
		return st_error_set(err, STRATA_ENOTFOUND,
				    "neither XDG_CACHE_HOME nor HOME is set; pass --db PATH");
	if (n < 0 || (size_t)n >= size)
		return st_error_set(err, STRATA_ELIMIT, "database path too long");
	return 0;
}

/* Creates the parent directory of PATH (one level, mode 0700) when missing. */
static int make_parent_dir(const char *path, struct strata_error *err)
{
	char dir[4096];
	char *slash;
	size_t n = strlen(path);

	if (n >= sizeof(dir))
		return st_error_set(err, STRATA_ELIMIT, "database path too long");
	memcpy(dir, path, n + 1);
	slash = strrchr(dir, '/');
	if (slash == NULL || slash == dir)
		return 0;
	*slash = '\0';
	if (mkdir(dir, 0700) == 0 || errno == EEXIST)
		return 0;
	if (errno == ENOENT) {
		/* The cache root itself may be missing ($HOME/.cache). */
		char *up = strrchr(dir, '/');

		if (up != NULL && up != dir) {
			*up = '\0';
			if (mkdir(dir, 0700) < 0 && errno != EEXIST)
				return st_error_sys(err, STRATA_EIO, "cannot create %s", dir);
			*up = '/';
			if (mkdir(dir, 0700) == 0 || errno == EEXIST)
				return 0;
		}
	}
	return st_error_sys(err, STRATA_EIO, "cannot create %s", dir);
}

STRATA_PUBLIC int strata_db_open(struct strata_db **out, const char *path, bool create,
				 struct strata_error *err)
{
	struct strata_db *db;
	int rc;

	*out = NULL;
	strata_error_clear(err);
	if (create) {
		rc = make_parent_dir(path, err);
		if (rc < 0)
			return rc;
	}
	db = calloc(1, sizeof(*db));
	if (db == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory");
	rc = st_db_open(&db->db, path, create, err);
	if (rc < 0) {
		free(db);
		return rc;
	}
	*out = db;
	return 0;
}

STRATA_PUBLIC void strata_db_close(struct strata_db *db)
{
	if (db == NULL)
		return;
	st_db_close(db->db);
	free(db);
}

STRATA_PUBLIC int strata_db_import(struct strata_db *db, const char *const *paths, size_t count,
				   const struct strata_scan_options *opts,
				   struct strata_import_result *result, struct strata_error *err)
{
	struct st_import_stats stats = {0};
	struct st_diag diag;
	int rc;

	strata_error_clear(err);
	diag_from_options(&diag, opts);
	rc = st_db_import(db->db, paths, count, &opts->limits, &diag, &stats, err);
	if (result != NULL) {
		result->files = stats.files;
		result->records = stats.records;
		result->skipped = stats.skipped;
		result->skipped_files = stats.skipped_files;
	}
	return rc;
}

/* Formats the age of a Unix time as "5m", "3h" or "2d". */
static void format_age(int64_t then, char *buf, size_t size)
{
	int64_t age = (int64_t)time(NULL) - then;

	if (age < 0)
		age = 0;
	if (age < 3600)
		snprintf(buf, size, "%lldm", (long long)(age / 60));
	else if (age < 86400 * 2)
		snprintf(buf, size, "%lldh", (long long)(age / 3600));
	else
		snprintf(buf, size, "%lldd", (long long)(age / 86400));
}

static int print_source(void *ctx, const struct st_db_source *src)
{
	FILE *out = ctx;
	char when[64] = "never";
	char age[32] = "-";
	time_t t = (time_t)src->imported_at;
	struct tm tm;

	if (src->imported_at > 0 && gmtime_r(&t, &tm) != NULL) {
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
		format_age(src->imported_at, age, sizeof(age));
	}
	fprintf(out, "%-16s %10llu %-7s %10llu affected %-4s  imported %s (%s ago)\n",
		src->name, (unsigned long long)src->records,
		src->records == 1 ? "record" : "records", (unsigned long long)src->affected,
		src->affected == 1 ? "row" : "rows", when, age);
	return 0;
}

static int print_coverage(void *ctx, const struct st_db_coverage *c)
{
	FILE *out = ctx;

	fprintf(out, "  %-10s %-28s %10llu %-4s %10llu %s\n", c->ecosystem,
		c->distro[0] != '\0' ? c->distro : "(any release)", (unsigned long long)c->rows,
		c->rows == 1 ? "row" : "rows", (unsigned long long)c->packages,
		c->packages == 1 ? "package" : "packages");
	return 0;
}

STRATA_PUBLIC int strata_db_write_status(struct strata_db *db, FILE *out,
					 struct strata_error *err)
{
	size_t sources = 0;
	int rc;

	strata_error_clear(err);
	rc = st_db_status(db->db, count_source, &sources, err);
	if (rc < 0)
		return rc;
	if (sources == 0) {
		fputs("no sources; run 'strata db import PATH...' to load advisories\n", out);
		return 0;
	}
	rc = st_db_status(db->db, print_source, out, err);
	if (rc < 0)
		return rc;
	/* A scan checks an OS package only against its release's rows, so
	 * this is what tells a thin database from a full one. */
	fputs("\ncoverage by ecosystem and release:\n", out);
	return st_db_coverage(db->db, print_coverage, out, err);
}

STRATA_PUBLIC int strata_version_compare(const char *type, const char *a, const char *b,
					 int *cmp, struct strata_error *err)
{
	strata_error_clear(err);
	return st_version_compare(type, a, b, cmp, err);
}
