/* The matcher: looks up each inventory package in the store, decides
 * whether its installed version is affected, and collapses the advisories
 * that name the same vulnerability into one finding per package.
 *
 * Two kinds of affected rows exist (affected.evaluation):
 * - "status" rows (Debian tracker, Alpine secdb): open statuses always match, and "fixed"
 *   matches when the installed version sorts below fixed_version.
 * - "ranges" rows (OSV): the installed version is tested against the
 *   versions list and each ECOSYSTEM or SEMVER range with the schema's
 *   evaluation algorithm. GIT ranges name commits, which an installed
 *   package does not carry, so they never match. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "version/version.h"
#include "vuln/vuln_internal.h"

/* Findings -------------------------------------------------------------- */

void st_findings_init(struct st_findings *f)
{
	memset(f, 0, sizeof(*f));
	st_arena_init(&f->arena);
}

void st_findings_dispose(struct st_findings *f)
{
	free(f->items);
	free(f->unchecked);
	st_arena_dispose(&f->arena);
	memset(f, 0, sizeof(*f));
}

static struct st_finding *findings_push(struct st_findings *f, struct strata_error *err)
{
	struct st_finding *items;
	size_t cap;

	if (f->count == f->cap) {
		cap = f->cap ? f->cap : 16;
		if (f->cap && !st_mul_size(f->cap, 2, &cap)) {
			st_error_set(err, STRATA_ENOMEM, "too many findings");
			return NULL;
		}
		items = st_reallocarray(f->items, cap, sizeof(*items));
		if (items == NULL) {
			st_error_set(err, STRATA_ENOMEM, "out of memory for %zu findings", cap);
			return NULL;
		}
		f->items = items;
		f->cap = cap;
	}
	memset(&f->items[f->count], 0, sizeof(f->items[0]));
	return &f->items[f->count++];
}

static int compare_findings(const void *pa, const void *pb)
{
	const struct st_finding *a = pa;
	const struct st_finding *b = pb;
	int c;

	if (a->severity != b->severity)
		return a->severity > b->severity ? -1 : 1;
	c = strcmp(a->id, b->id);
	if (c != 0)
		return c;
	return (a->package > b->package) - (a->package < b->package);
}

/* OSV range evaluation ---------------------------------------------------- */

int st_range_compare(const char *range_type, const char *ecosystem, const char *a,
		     const char *b, int *cmp, struct strata_error *err)
{
	if (strcmp(range_type, "SEMVER") == 0)
		return st_semver_compare(a, b, cmp, err);
	if (strcmp(range_type, "ECOSYSTEM") != 0)
		return st_error_set(err, STRATA_EUNSUPPORTED, "%s ranges are not evaluated",
				    range_type);
	if (!st_version_is_supported(ecosystem))
		return st_error_set(err, STRATA_EUNSUPPORTED, "no version order for %s", ecosystem);
	return st_version_compare(ecosystem, a, b, cmp, err);
}

struct event_order {
	const char *type;
	const char *ecosystem;
	struct strata_error *err;
};

static bool is_zero(const struct st_range_event *e)
{
	return e->kind == ST_EVENT_INTRODUCED && strcmp(e->version, "0") == 0;
}

static int compare_events(const struct event_order *o, const struct st_range_event *a,
			  const struct st_range_event *b, int *cmp)
{
	bool za = is_zero(a);
	bool zb = is_zero(b);

	if (za || zb) {
		*cmp = za == zb ? 0 : (za ? -1 : 1);
		return 0;
	}
	return st_range_compare(o->type, o->ecosystem, a->version, b->version, cmp, o->err);
}

/* Stable bottom-up merge sort. Unlike qsort, it stays in bounds whatever
 * the comparator returns, and it stops at the first version that does not
 * parse. */
static int sort_events(const struct event_order *o, struct st_range_event *ev, size_t n)
{
	struct st_range_event *tmp;
	size_t width;
	int rc = 0;

	if (n < 2)
		return 0;
	tmp = st_calloc(n, sizeof(*tmp));
	if (tmp == NULL)
		return st_error_set(o->err, STRATA_ENOMEM, "out of memory");
	for (width = 1; width < n && rc == 0; width = width > n / 2 ? n : width * 2) {
		size_t lo;

		for (lo = 0; lo < n && rc == 0; lo += 2 * width) {
			size_t mid = lo + width < n ? lo + width : n;
			size_t hi = mid + width < n ? mid + width : n;
			size_t i = lo, j = mid, k = lo;
			int cmp;

			while (i < mid && j < hi) {
				rc = compare_events(o, &ev[j], &ev[i], &cmp);
				if (rc < 0)
					break;
				tmp[k++] = cmp < 0 ? ev[j++] : ev[i++];
			}
			if (rc < 0)
				break;
			while (i < mid)
				tmp[k++] = ev[i++];
			while (j < hi)
				tmp[k++] = ev[j++];
			memcpy(ev + lo, tmp + lo, (hi - lo) * sizeof(*ev));
			if (hi == n)
				break;
		}
	}
	free(tmp);
	return rc;
}

/* The schema's BeforeLimits: true when the range has no limit events or
 * VERSION sorts below one of them. */
static int before_limits(const struct event_order *o, const char *version,
			 const struct st_range_event *ev, size_t n, bool *before)
{
	bool has_limit = false;
	size_t i;
	int cmp;
	int rc;

	*before = false;
	for (i = 0; i < n; i++) {
		if (ev[i].kind != ST_EVENT_LIMIT)
			continue;
		has_limit = true;
		if (strcmp(ev[i].version, "*") == 0) {
			*before = true;
			return 0;
		}
		rc = st_range_compare(o->type, o->ecosystem, version, ev[i].version, &cmp, o->err);
		if (rc < 0)
			return rc;
		if (cmp < 0) {
			*before = true;
			return 0;
		}
	}
	*before = !has_limit;
	return 0;
}

int st_osv_range_affects(const char *range_type, const char *ecosystem, const char *version,
			 struct st_range_event *events, size_t count, bool *affected,
			 const char **fixed, struct strata_error *err)
{
	struct event_order order = {range_type, ecosystem, err};
	bool before;
	size_t n = 0;
	size_t i;
	int cmp;
	int rc;

	*affected = false;
	*fixed = NULL;
	rc = before_limits(&order, version, events, count, &before);
	if (rc < 0 || !before)
		return rc;

	/* The limits have been applied, so the walk uses the other events only. */
	for (i = 0; i < count; i++) {
		if (events[i].kind != ST_EVENT_LIMIT)
			events[n++] = events[i];
	}
	rc = sort_events(&order, events, n);
	if (rc < 0)
		return rc;

	for (i = 0; i < n; i++) {
		const struct st_range_event *e = &events[i];

		if (is_zero(e)) {
			*affected = true;
			continue;
		}
		rc = st_range_compare(range_type, ecosystem, version, e->version, &cmp, err);
		if (rc < 0)
			return rc;
		if (e->kind == ST_EVENT_INTRODUCED && cmp >= 0)
			*affected = true;
		else if (e->kind == ST_EVENT_FIXED && cmp >= 0)
			*affected = false;
		else if (e->kind == ST_EVENT_LAST_AFFECTED && cmp > 0)
			*affected = false;
	}
	if (!*affected)
		return 0;

	/* The events are sorted: the first fix above VERSION is the lowest. */
	for (i = 0; i < n; i++) {
		if (events[i].kind != ST_EVENT_FIXED)
			continue;
		rc = st_range_compare(range_type, ecosystem, events[i].version, version, &cmp, err);
		if (rc < 0)
			return rc;
		if (cmp > 0) {
			*fixed = events[i].version;
			break;
		}
	}
	return 0;
}

/* Matcher state ------------------------------------------------------------ */

enum match_stmt {
	Q_ROWS,
	Q_RANGES,
	Q_EVENTS,
	Q_VERSION,
	Q_ALIASES,
	Q_URL,
	Q_COVERED,
	Q_COUNT,
};

static const char *const match_sql[] = {
	[Q_ROWS] = "SELECT a.id, a.evaluation, a.status, a.fixed_version, a.severity,"
		   " a.severity_source, a.distro, v.id, v.name, v.summary, v.severity,"
		   " v.severity_source, s.name"
		   " FROM affected a JOIN vulnerability v ON v.id = a.vuln_id"
		   " JOIN source s ON s.id = v.source_id"
		   " WHERE a.ecosystem = ?1 AND a.distro = ?2 AND a.package = ?3"
		   " AND v.withdrawn IS NULL"
		   " ORDER BY s.name, v.name, a.id",
	[Q_RANGES] = "SELECT id, type FROM affected_range WHERE affected_id = ?1 ORDER BY id",
	[Q_EVENTS] = "SELECT kind, version FROM range_event WHERE range_id = ?1 ORDER BY seq",
	[Q_VERSION] = "SELECT 1 FROM affected_version WHERE affected_id = ?1 AND version = ?2"
		      " LIMIT 1",
	[Q_ALIASES] = "SELECT alias FROM alias WHERE vuln_id = ?1 AND kind = 'alias'"
		      " ORDER BY alias",
	[Q_URL] = "SELECT url FROM reference WHERE vuln_id = ?1 ORDER BY seq LIMIT 1",
	[Q_COVERED] = "SELECT 1 FROM affected WHERE ecosystem = ?1 AND distro = ?2 LIMIT 1",
};

_Static_assert(ST_ARRAY_LEN(match_sql) == Q_COUNT, "one statement per query");

/* One advisory that matched one package, before aliases collapse. */
struct candidate {
	int64_t vuln;
	const char *name;
	const char **ids; /* NAME and its aliases */
	size_t id_count;
	const char *source;
	const char *summary;
	const char *fixed;
	int status;
	int severity;
	const char *severity_source;
	bool distro_row; /* from an affected row of a distribution release */
	size_t parent;   /* union-find link: candidates sharing an id */
};

/* The package being matched, as the store keys it. */
struct lookup {
	size_t index;
	const struct st_package *pkg;
	const char *ecosystem;
	const char *version; /* the installed version (deb: the binary's) */
};

struct matcher {
	struct st_db *db;
	struct st_diag *diag;
	sqlite3_stmt *stmt[Q_COUNT];
	struct st_arena scratch; /* per package, reset between packages */
	struct candidate *cand;
	size_t count;
	size_t cap;
	struct st_range_event *events;
	size_t event_cap;
};

static const char *column_text(sqlite3_stmt *stmt, int col)
{
	return (const char *)sqlite3_column_text(stmt, col);
}

/* Copies column COL into the scratch arena (NULL stays NULL). Sets *OOM
 * when the copy fails. */
static const char *scratch_text(struct matcher *m, sqlite3_stmt *stmt, int col, bool *oom)
{
	const char *s = column_text(stmt, col);
	char *copy;

	if (s == NULL)
		return NULL;
	copy = st_arena_strndup(&m->scratch, s, (size_t)sqlite3_column_bytes(stmt, col));
	if (copy == NULL)
		*oom = true;
	return copy;
}

static int step_error(struct matcher *m, int rc, const char *what, struct strata_error *err)
{
	return st_db_sql_error(m->db, rc, what, err);
}

/* Loads the events of range RANGE_ID into m->events. */
static int load_events(struct matcher *m, int64_t range_id, size_t *count,
		       struct strata_error *err)
{
	sqlite3_stmt *stmt = m->stmt[Q_EVENTS];
	bool oom = false;
	size_t n = 0;
	int rc;

	*count = 0;
	sqlite3_reset(stmt);
	sqlite3_bind_int64(stmt, 1, range_id);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *kind = column_text(stmt, 0);
		struct st_range_event *e;

		if (n == m->event_cap) {
			size_t cap = m->event_cap ? m->event_cap * 2 : 16;
			struct st_range_event *p = st_reallocarray(m->events, cap, sizeof(*p));

			if (p == NULL)
				return st_error_set(err, STRATA_ENOMEM, "out of memory");
			m->events = p;
			m->event_cap = cap;
		}
		e = &m->events[n];
		e->version = scratch_text(m, stmt, 1, &oom);
		if (oom)
			return st_error_set(err, STRATA_ENOMEM, "out of memory");
		if (kind == NULL || e->version == NULL)
			continue;
		if (strcmp(kind, "introduced") == 0)
			e->kind = ST_EVENT_INTRODUCED;
		else if (strcmp(kind, "fixed") == 0)
			e->kind = ST_EVENT_FIXED;
		else if (strcmp(kind, "last_affected") == 0)
			e->kind = ST_EVENT_LAST_AFFECTED;
		else
			e->kind = ST_EVENT_LIMIT;
		n++;
	}
	if (rc != SQLITE_DONE)
		return step_error(m, rc, "cannot read range events", err);
	*count = n;
	return 0;
}

/* Keeps the lower of two fixed versions in *BEST. */
static void keep_lowest_fix(const char *type, const char *ecosystem, const char *fix,
			    const char **best)
{
	int cmp;

	if (fix == NULL)
		return;
	if (*best == NULL ||
	    (st_range_compare(type, ecosystem, fix, *best, &cmp, NULL) == 0 && cmp < 0))
		*best = fix;
}

/* Evaluates one range of an OSV row. A range whose versions do not parse
 * is reported and does not match. */
static int eval_range(struct matcher *m, const struct lookup *l, const char *advisory,
		      int64_t range_id, const char *type, size_t index, bool *hit,
		      const char **fixed, struct strata_error *err)
{
	struct strata_error why = {0};
	const char *range_fix;
	bool affected;
	size_t n;
	int rc;

	rc = load_events(m, range_id, &n, err);
	if (rc < 0)
		return rc;
	rc = st_osv_range_affects(type, l->ecosystem, l->version, m->events, n, &affected,
				  &range_fix, &why);
	if (rc == STRATA_ENOMEM)
		return st_error_set(err, rc, "%s", why.msg);
	if (rc == STRATA_EUNSUPPORTED) {
		st_diag(m->diag, ST_DIAG_DEBUG, "%s %s: %s range %zu: %s", l->pkg->name, l->version,
			advisory, index, why.msg);
		return 0;
	}
	if (rc < 0) {
		st_diag(m->diag, ST_DIAG_WARN, "%s %s: %s range %zu not matched: %s", l->pkg->name,
			l->version, advisory, index, why.msg);
		return 0;
	}
	if (affected) {
		*hit = true;
		keep_lowest_fix(type, l->ecosystem, range_fix, fixed);
	}
	return 0;
}

/* Tests an OSV row: the versions list, then every range. */
static int eval_ranges(struct matcher *m, const struct lookup *l, int64_t affected_id,
		       const char *advisory, bool *hit, const char **fixed,
		       struct strata_error *err)
{
	sqlite3_stmt *ranges = m->stmt[Q_RANGES];
	sqlite3_stmt *versions = m->stmt[Q_VERSION];
	size_t index = 0;
	int rc;

	*hit = false;
	*fixed = NULL;
	sqlite3_reset(versions);
	sqlite3_bind_int64(versions, 1, affected_id);
	sqlite3_bind_text(versions, 2, l->version, -1, SQLITE_STATIC);
	rc = sqlite3_step(versions);
	if (rc == SQLITE_ROW)
		*hit = true;
	else if (rc != SQLITE_DONE)
		return step_error(m, rc, "cannot read affected versions", err);

	sqlite3_reset(ranges);
	sqlite3_bind_int64(ranges, 1, affected_id);
	while ((rc = sqlite3_step(ranges)) == SQLITE_ROW) {
		const char *type;
		bool oom = false;

		index++;
		type = scratch_text(m, ranges, 1, &oom);
		if (oom)
			return st_error_set(err, STRATA_ENOMEM, "out of memory");
		if (type == NULL || strcmp(type, "GIT") == 0)
			continue;
		rc = eval_range(m, l, advisory, sqlite3_column_int64(ranges, 0), type, index, hit,
				fixed, err);
		if (rc < 0)
			return rc;
	}
	if (rc != SQLITE_DONE)
		return step_error(m, rc, "cannot read ranges", err);
	return 0;
}

/* Tests a status row (Debian tracker). The installed binary version is
 * compared with the fixed source version, as Debian's own tools do: a
 * binary built from a source package carries that source's version unless
 * it was rebuilt with a binNMU suffix, which sorts above it. */
static int eval_status(struct matcher *m, const struct lookup *l, const char *advisory,
		       int status, const char *fixed_version, bool *hit, const char **fixed)
{
	struct strata_error why = {0};
	int cmp;

	*hit = false;
	*fixed = NULL;
	if (status == ST_STATUS_NOT_AFFECTED)
		return 0;
	if (status != ST_STATUS_FIXED) {
		*hit = true;
		return 0;
	}
	if (fixed_version == NULL || strcmp(fixed_version, "0") == 0)
		return 0;
	if (st_version_compare(l->ecosystem, l->version, fixed_version, &cmp, &why) < 0) {
		st_diag(m->diag, ST_DIAG_WARN, "%s %s: %s not matched: %s", l->pkg->name,
			l->version, advisory, why.msg);
		return 0;
	}
	if (cmp < 0) {
		*hit = true;
		*fixed = fixed_version;
	}
	return 0;
}

/* Candidates ---------------------------------------------------------------- */

static struct candidate *candidate_push(struct matcher *m, struct strata_error *err)
{
	if (m->count == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 16;
		struct candidate *p = st_reallocarray(m->cand, cap, sizeof(*p));

		if (p == NULL) {
			st_error_set(err, STRATA_ENOMEM, "out of memory");
			return NULL;
		}
		m->cand = p;
		m->cap = cap;
	}
	memset(&m->cand[m->count], 0, sizeof(m->cand[0]));
	m->cand[m->count].parent = m->count;
	return &m->cand[m->count++];
}

/* Reads the aliases of C's advisory into C->ids, after its own name. */
static int load_ids(struct matcher *m, struct candidate *c, struct strata_error *err)
{
	sqlite3_stmt *stmt = m->stmt[Q_ALIASES];
	size_t cap = 4;
	bool oom = false;
	int rc;

	c->ids = st_arena_alloc(&m->scratch, cap * sizeof(*c->ids));
	if (c->ids == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory");
	c->ids[0] = c->name;
	c->id_count = 1;
	sqlite3_reset(stmt);
	sqlite3_bind_int64(stmt, 1, c->vuln);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (c->id_count == cap) {
			const char **grown = st_arena_alloc(&m->scratch, 2 * cap * sizeof(*grown));

			if (grown == NULL)
				return st_error_set(err, STRATA_ENOMEM, "out of memory");
			memcpy(grown, c->ids, cap * sizeof(*grown));
			c->ids = grown;
			cap *= 2;
		}
		c->ids[c->id_count] = scratch_text(m, stmt, 0, &oom);
		if (oom)
			return st_error_set(err, STRATA_ENOMEM, "out of memory");
		if (c->ids[c->id_count] != NULL)
			c->id_count++;
	}
	if (rc != SQLITE_DONE)
		return step_error(m, rc, "cannot read aliases", err);
	return 0;
}

/* Turns the current Q_ROWS row into a candidate when it matches. */
static int eval_row(struct matcher *m, const struct lookup *l, struct strata_error *err)
{
	sqlite3_stmt *row = m->stmt[Q_ROWS];
	const char *advisory = column_text(row, 8);
	const char *evaluation = column_text(row, 1);
	const char *distro = column_text(row, 6);
	struct candidate *c;
	const char *fixed = NULL;
	bool oom = false;
	bool hit = false;
	int status;
	int rc;

	if (advisory == NULL || evaluation == NULL)
		return 0;
	status = st_vuln_status_parse(column_text(row, 2));
	if (status < 0)
		return 0;
	advisory = scratch_text(m, row, 8, &oom);
	if (oom)
		return st_error_set(err, STRATA_ENOMEM, "out of memory");
	if (strcmp(evaluation, "ranges") == 0) {
		rc = eval_ranges(m, l, sqlite3_column_int64(row, 0), advisory, &hit, &fixed, err);
		if (rc < 0)
			return rc;
	} else {
		eval_status(m, l, advisory, status, scratch_text(m, row, 3, &oom), &hit, &fixed);
		if (oom)
			return st_error_set(err, STRATA_ENOMEM, "out of memory");
	}
	if (!hit)
		return 0;

	c = candidate_push(m, err);
	if (c == NULL)
		return STRATA_ENOMEM;
	c->vuln = sqlite3_column_int64(row, 7);
	c->name = advisory;
	/* "fixed" always comes with the fix: a ranges row is stored as
	 * affected and becomes fixed when the matched range names a fix. */
	c->status = status == ST_STATUS_FIXED ? ST_STATUS_AFFECTED : status;
	if (fixed != NULL)
		c->status = ST_STATUS_FIXED;
	c->fixed = fixed;
	c->distro_row = distro != NULL && distro[0] != '\0';
	c->summary = scratch_text(m, row, 9, &oom);
	c->source = scratch_text(m, row, 12, &oom);
	/* A per-package severity (Debian urgency, OSV ecosystem_specific)
	 * overrides the advisory's. */
	if (sqlite3_column_type(row, 4) != SQLITE_NULL) {
		c->severity = sqlite3_column_int(row, 4);
		c->severity_source = scratch_text(m, row, 5, &oom);
	} else {
		c->severity = sqlite3_column_int(row, 10);
		c->severity_source = scratch_text(m, row, 11, &oom);
	}
	if (c->severity < ST_SEVERITY_UNKNOWN || c->severity > ST_SEVERITY_CRITICAL)
		c->severity = ST_SEVERITY_UNKNOWN;
	if (oom)
		return st_error_set(err, STRATA_ENOMEM, "out of memory");
	return load_ids(m, c, err);
}

/* Collapsing aliases -------------------------------------------------------- */

static size_t find_root(struct candidate *cand, size_t i)
{
	while (cand[i].parent != i) {
		cand[i].parent = cand[cand[i].parent].parent;
		i = cand[i].parent;
	}
	return i;
}

static uint64_t hash_id(const char *s)
{
	uint64_t h = 14695981039346656037ull;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ull;
	}
	return h;
}

/* Links candidates that share any id, through an open-addressing table
 * from id to the first candidate that named it, so that a package with
 * thousands of advisories (the Linux kernel) does not compare every pair. */
static int link_shared_ids(struct matcher *m, struct strata_error *err)
{
	const char **keys = NULL;
	size_t *owner = NULL;
	size_t total = 0;
	size_t slots = 16;
	size_t i, j;

	for (i = 0; i < m->count; i++)
		total += m->cand[i].id_count;
	while (slots < 2 * total)
		slots *= 2;
	keys = st_calloc(slots, sizeof(*keys));
	owner = st_calloc(slots, sizeof(*owner));
	if (keys == NULL || owner == NULL) {
		free(keys);
		free(owner);
		return st_error_set(err, STRATA_ENOMEM, "out of memory");
	}
	for (i = 0; i < m->count; i++) {
		for (j = 0; j < m->cand[i].id_count; j++) {
			const char *id = m->cand[i].ids[j];
			size_t s = (size_t)hash_id(id) & (slots - 1);

			while (keys[s] != NULL && strcmp(keys[s], id) != 0)
				s = (s + 1) & (slots - 1);
			if (keys[s] == NULL) {
				keys[s] = id;
				owner[s] = i;
			} else {
				m->cand[find_root(m->cand, i)].parent = find_root(m->cand, owner[s]);
			}
		}
	}
	free(keys);
	free(owner);
	return 0;
}

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Picks the finding's id from the group's sorted ids: a CVE, else a GHSA,
 * else the primary advisory's own name. */
static const char *preferred_id(const char **ids, size_t n, const char *fallback)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strncmp(ids[i], "CVE-", 4) == 0)
			return ids[i];
	}
	for (i = 0; i < n; i++) {
		if (strncmp(ids[i], "GHSA-", 5) == 0)
			return ids[i];
	}
	return fallback;
}

/* True when severity A (from SOURCE_A) is the better pick than B. */
static bool better_severity(int a, const char *source_a, int b, const char *source_b)
{
	int ra = st_severity_source_rank(source_a);
	int rb = st_severity_source_rank(source_b);

	if ((a == ST_SEVERITY_UNKNOWN) != (b == ST_SEVERITY_UNKNOWN))
		return b == ST_SEVERITY_UNKNOWN;
	if (ra != rb)
		return ra < rb;
	return a > b;
}

/* Builds the comma-separated alias list: every id of the group but ID. */
static const char *join_aliases(struct st_arena *arena, const char **ids, size_t n,
				const char *id)
{
	size_t len = 1;
	size_t i;
	char *out;
	char *p;

	for (i = 0; i < n; i++)
		len += strlen(ids[i]) + 1;
	out = st_arena_alloc(arena, len);
	if (out == NULL)
		return NULL;
	p = out;
	for (i = 0; i < n; i++) {
		size_t k = strlen(ids[i]);

		/* IDS is sorted, so repeats are neighbours. */
		if (strcmp(ids[i], id) == 0 || (i > 0 && strcmp(ids[i], ids[i - 1]) == 0))
			continue;
		if (p != out)
			*p++ = ',';
		memcpy(p, ids[i], k);
		p += k;
	}
	*p = '\0';
	return out;
}

/* Reads the first reference of advisory VULN, the finding's link. */
static int first_url(struct matcher *m, int64_t vuln, const char **url,
		     struct strata_error *err)
{
	sqlite3_stmt *stmt = m->stmt[Q_URL];
	bool oom = false;
	int rc;

	*url = NULL;
	sqlite3_reset(stmt);
	sqlite3_bind_int64(stmt, 1, vuln);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*url = scratch_text(m, stmt, 0, &oom);
	else if (rc != SQLITE_DONE)
		return step_error(m, rc, "cannot read references", err);
	if (oom)
		return st_error_set(err, STRATA_ENOMEM, "out of memory");
	return 0;
}

/* Gathers the ids of the N candidates MEMBERS, sorted. */
static const char **group_ids(struct matcher *m, const size_t *members, size_t n,
			      size_t *count)
{
	const char **ids;
	size_t total = 0;
	size_t k = 0;
	size_t i, j;

	for (i = 0; i < n; i++)
		total += m->cand[members[i]].id_count;
	ids = st_arena_alloc(&m->scratch, (total ? total : 1) * sizeof(*ids));
	if (ids == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		const struct candidate *c = &m->cand[members[i]];

		for (j = 0; j < c->id_count; j++)
			ids[k++] = c->ids[j];
	}
	qsort(ids, k, sizeof(*ids), compare_strings);
	*count = k;
	return ids;
}

/* Merges the N candidates MEMBERS (one group, in query order) into one
 * finding. The primary advisory gives the status, summary, source and
 * link: a distribution row when there is one, else the first by source
 * and name. The fix is the lowest fix any member names. The severity
 * comes from the best ranked source (st_severity_source_rank). */
static int emit_group(struct matcher *m, const struct lookup *l, const size_t *members,
		      size_t n, struct st_findings *out, struct strata_error *err)
{
	const struct candidate *primary = NULL;
	const struct candidate *sev = NULL;
	struct st_finding *f;
	const char **ids;
	const char *id;
	const char *fixed = NULL;
	const char *summary = NULL;
	const char *url;
	size_t id_count;
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		const struct candidate *c = &m->cand[members[i]];

		if (primary == NULL || (c->distro_row && !primary->distro_row))
			primary = c;
		if (sev == NULL || better_severity(c->severity, c->severity_source,
						   sev->severity, sev->severity_source))
			sev = c;
		keep_lowest_fix("ECOSYSTEM", l->ecosystem, c->fixed, &fixed);
	}
	summary = primary->summary;
	for (i = 0; i < n && summary == NULL; i++)
		summary = m->cand[members[i]].summary;
	ids = group_ids(m, members, n, &id_count);
	if (ids == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory");
	id = preferred_id(ids, id_count, primary->name);
	rc = first_url(m, primary->vuln, &url, err);
	if (rc < 0)
		return rc;

	f = findings_push(out, err);
	if (f == NULL)
		return STRATA_ENOMEM;
	f->package = l->index;
	f->id = st_arena_strdup(&out->arena, id);
	f->aliases = join_aliases(&out->arena, ids, id_count, id);
	f->fixed_version = st_arena_strdup(&out->arena, fixed);
	f->status = fixed != NULL ? ST_STATUS_FIXED : primary->status;
	f->severity = sev->severity;
	f->severity_source = st_arena_strdup(&out->arena, sev->severity_source);
	f->summary = st_arena_strdup(&out->arena, summary);
	f->source = st_arena_strdup(&out->arena, primary->source);
	f->url = st_arena_strdup(&out->arena, url);
	if (f->id == NULL || f->aliases == NULL || (fixed && !f->fixed_version) ||
	    (sev->severity_source && !f->severity_source) || (summary && !f->summary) ||
	    (primary->source && !f->source) || (url && !f->url)) {
		out->count--;
		return st_error_set(err, STRATA_ENOMEM, "out of memory");
	}
	return 0;
}

/* Orders candidate indexes by group root, then by query order. */
static int compare_members(const void *pa, const void *pb, void *ctx)
{
	const struct candidate *cand = ctx;
	size_t a = *(const size_t *)pa;
	size_t b = *(const size_t *)pb;

	if (cand[a].parent != cand[b].parent)
		return cand[a].parent < cand[b].parent ? -1 : 1;
	return (a > b) - (a < b);
}

/* Emits one finding per group of candidates that share an id. */
static int emit_groups(struct matcher *m, const struct lookup *l, struct st_findings *out,
		       struct strata_error *err)
{
	size_t *order;
	size_t start;
	size_t i;
	int rc = 0;

	order = st_calloc(m->count, sizeof(*order));
	if (order == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory");
	/* Flatten the links so that parent is each candidate's root. */
	for (i = 0; i < m->count; i++) {
		m->cand[i].parent = find_root(m->cand, i);
		order[i] = i;
	}
	qsort_r(order, m->count, sizeof(*order), compare_members, m->cand);
	for (start = 0; start < m->count && rc == 0; start = i) {
		for (i = start + 1; i < m->count; i++) {
			if (m->cand[order[i]].parent != m->cand[order[start]].parent)
				break;
		}
		rc = emit_group(m, l, order + start, i - start, out, err);
	}
	free(order);
	return rc;
}

/* Packages ------------------------------------------------------------------ */

/* Adds the candidates of the rows keyed (ecosystem, DISTRO, NAME). */
static int collect_rows(struct matcher *m, const struct lookup *l, const char *distro,
			const char *name, struct strata_error *err)
{
	sqlite3_stmt *rows = m->stmt[Q_ROWS];
	int rc;

	sqlite3_reset(rows);
	sqlite3_bind_text(rows, 1, l->ecosystem, -1, SQLITE_STATIC);
	sqlite3_bind_text(rows, 2, distro, -1, SQLITE_STATIC);
	sqlite3_bind_text(rows, 3, name, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(rows)) == SQLITE_ROW) {
		rc = eval_row(m, l, err);
		if (rc < 0)
			return rc;
	}
	if (rc != SQLITE_DONE)
		return step_error(m, rc, "cannot read affected packages", err);
	return 0;
}

/* The advisory keys of one OS release and how its vendor names packages. */
struct os_rule {
	const char *type;     /* the package type its package manager installs */
	const char *keys[2];  /* affected.distro values: the release, Ubuntu Pro */
	bool by_source;       /* advisories name source packages only */
	bool eol;             /* the release gets no more fixes */
	bool usable;          /* false: OS packages cannot be matched */
};

/* Matches package L under every key of RULE (or the ecosystem alone when
 * RULE is NULL) and emits one finding per vulnerability. */
static int match_package(struct matcher *m, const struct lookup *l, const struct os_rule *rule,
			 struct st_findings *out, struct strata_error *err)
{
	const struct st_package *p = l->pkg;
	bool has_source = p->source_name != NULL && p->source_name[0] != '\0' &&
			  strcmp(p->source_name, p->name) != 0;
	size_t i, k;
	int rc;

	m->count = 0;
	st_arena_dispose(&m->scratch);
	if (rule == NULL) {
		rc = collect_rows(m, l, "", p->name, err);
		if (rc < 0)
			return rc;
	}
	for (k = 0; rule != NULL && k < ST_ARRAY_LEN(rule->keys); k++) {
		if (rule->keys[k] == NULL)
			continue;
		/* Debian, Ubuntu and Alpine publish by source package. The
		 * rpm vendors publish by binary package, but some feeds
		 * (Photon, a CSAF component) name the source, so both names
		 * are looked up and their advisories merge by id below. */
		if (!rule->by_source || !has_source) {
			rc = collect_rows(m, l, rule->keys[k], p->name, err);
			if (rc < 0)
				return rc;
		}
		if (has_source) {
			rc = collect_rows(m, l, rule->keys[k], p->source_name, err);
			if (rc < 0)
				return rc;
		}
	}
	if (m->count == 0)
		return 0;
	/* On a release past its end of life, an open advisory will not be
	 * fixed by the vendor any more. */
	for (i = 0; rule != NULL && rule->eol && i < m->count; i++) {
		if (m->cand[i].status == ST_STATUS_AFFECTED || m->cand[i].status == ST_STATUS_FIX_DEFERRED)
			m->cand[i].status = ST_STATUS_END_OF_LIFE;
	}

	rc = link_shared_ids(m, err);
	if (rc < 0)
		return rc;
	return emit_groups(m, l, out, err);
}

/* Returns the Debian codename of OS, or NULL. Used when the OS was not
 * classified (st_os_classify left distro_key unset). */
static const char *debian_codename(const struct st_os *os)
{
	const char *codename = os->version_codename;

	if (codename == NULL || codename[0] == '\0')
		codename = st_debian_codename(os->version_id);
	return codename;
}

/* Writes the secdb release of OS ("alpine:v3.10" for VERSION_ID
 * "3.10.4") into DISTRO. Returns false when VERSION_ID contains none. */
static bool alpine_release(const struct st_os *os, char *distro, size_t size)
{
	const char *v = os->version_id;
	size_t major = 0;
	size_t minor = 0;
	size_t i = 0;

	if (v == NULL)
		return false;
	while (major < 5 && v[i] >= '0' && v[i] <= '9') {
		major++;
		i++;
	}
	if (v[i] == '.') {
		i++;
		while (minor < 5 && v[i] >= '0' && v[i] <= '9') {
			minor++;
			i++;
		}
	}
	if (major == 0 || major == 5 || minor == 0 || minor == 5 ||
	    (v[i] != '\0' && v[i] != '.' && v[i] != '_'))
		return false;
	return (size_t)snprintf(distro, size, "alpine:v%.*s", (int)(major + 1 + minor), v) < size;
}

/* The native package type of each family that st_os_classify names, and
 * whether its advisories name source packages. */
static const struct {
	const char *family;
	const char *type;
	bool by_source;
} family_types[] = {
	{"debian", "deb", true},      {"ubuntu", "deb", true},
	{"alpine", "apk", true},      {"wolfi", "apk", true},
	{"chainguard", "apk", true},  {"rhel", "rpm", false},
	{"centos", "rpm", false},     {"almalinux", "rpm", false},
	{"rocky", "rpm", false},      {"ol", "rpm", false},
	{"fedora", "rpm", false},     {"amzn", "rpm", false},
	{"sles", "rpm", false},       {"opensuse", "rpm", false},
	{"opensuse-leap", "rpm", false}, {"opensuse-tumbleweed", "rpm", false},
	{"mariner", "rpm", false},    {"azurelinux", "rpm", false},
	{"photon", "rpm", false},     {"scientific", "rpm", false},
};

/* Works out RULE for the scanned OS: its native package type and the
 * advisory keys its packages are matched under, vendor first. */
static void os_rule_init(struct os_rule *rule, const struct st_os *os, char *buf,
			 size_t size, char *pro, size_t pro_size, struct st_diag *diag)
{
	const char *family = os->family ? os->family : os->id;
	const char *key = os->distro_key;
	size_t i;

	memset(rule, 0, sizeof(*rule));
	if (family == NULL) {
		st_diag(diag, ST_DIAG_WARN,
			"OS packages not matched: the distribution is unknown");
		return;
	}
	for (i = 0; i < ST_ARRAY_LEN(family_types); i++) {
		if (strcmp(family, family_types[i].family) == 0) {
			rule->type = family_types[i].type;
			rule->by_source = family_types[i].by_source;
			break;
		}
	}
	if (key == NULL && strcmp(family, "debian") == 0) {
		const char *codename = debian_codename(os);

		if (codename != NULL &&
		    (size_t)snprintf(buf, size, "debian:%s", codename) < size)
			key = buf;
	} else if (key == NULL && strcmp(family, "alpine") == 0) {
		if (alpine_release(os, buf, size))
			key = buf;
	}
	if (rule->type == NULL || key == NULL) {
		st_diag(diag, ST_DIAG_WARN,
			"OS packages not matched: no advisory release known for %s %s",
			family, os->version_id ? os->version_id : "(no VERSION_ID)");
		return;
	}
	rule->keys[0] = key;
	/* Ubuntu Pro (ESM) fixes reach only images that carry ESM packages. */
	if (os->esm && strncmp(key, "ubuntu:", 7) == 0 &&
	    (size_t)snprintf(pro, pro_size, "ubuntu-pro:%s", key + 7) < pro_size)
		rule->keys[1] = pro;
	rule->eol = os->eol_date != NULL;
	rule->usable = true;
}

static bool is_os_type(const char *type)
{
	return strcmp(type, "deb") == 0 || strcmp(type, "apk") == 0 || strcmp(type, "rpm") == 0;
}

/* Coverage -------------------------------------------------------------- */

/* Returns true when package P takes part in matching at all. */
static bool is_matchable(const struct st_package *p)
{
	if (p->type == NULL || p->name == NULL || p->version == NULL)
		return false;
	/* A removed package is history, and one that an OS package owns is
	 * matched through that package's advisories. */
	if (p->flags & (ST_PKG_REMOVED | ST_PKG_OS_OWNED))
		return false;
	/* "(devel)" and a development toolchain's version name no release,
	 * so no range contains them. */
	return (p->flags & ST_PKG_UNVERSIONED) == 0;
}

/* Stores in *FOUND whether the store contains any affected row keyed
 * (ECOSYSTEM, DISTRO). The affected_by_package index serves the query
 * without a table scan. */
static int has_advisories(struct matcher *m, const char *ecosystem, const char *distro,
			  bool *found, struct strata_error *err)
{
	sqlite3_stmt *stmt = m->stmt[Q_COVERED];
	int rc;

	sqlite3_reset(stmt);
	sqlite3_bind_text(stmt, 1, ecosystem, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, distro, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return step_error(m, rc, "cannot read affected packages", err);
	*found = rc == SQLITE_ROW;
	return 0;
}

/* Appends the scope SCOPE of COUNT packages to out->unchecked. */
static int add_unchecked(struct st_findings *out, const char *scope, size_t count,
			 struct strata_error *err)
{
	struct st_unchecked *list;
	size_t n;

	if (!st_add_size(out->unchecked_count, 1, &n))
		return st_error_set(err, STRATA_ENOMEM, "too many unchecked scopes");
	list = st_reallocarray(out->unchecked, n, sizeof(*list));
	if (list == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory");
	out->unchecked = list;
	list[out->unchecked_count].scope = st_arena_strdup(&out->arena, scope);
	list[out->unchecked_count].packages = count;
	if (list[out->unchecked_count].scope == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory");
	out->unchecked_count = n;
	return 0;
}

/* Checks the OS scope: the packages of RULE's type under its release
 * keys. Ubuntu Pro rows alone count as coverage, because they are keyed
 * by the same release. */
static int check_os_coverage(struct matcher *m, const struct st_inventory *inv,
			     const struct os_rule *rule, struct st_findings *out,
			     struct strata_error *err)
{
	char scope[192];
	bool found = false;
	size_t count = 0;
	size_t i;
	int rc;

	for (i = 0; i < inv->count; i++) {
		const struct st_package *p = &inv->packages[i];

		if (is_matchable(p) && strcmp(p->type, rule->type) == 0)
			count++;
	}
	for (i = 0; count > 0 && !found && i < ST_ARRAY_LEN(rule->keys); i++) {
		if (rule->keys[i] == NULL)
			continue;
		rc = has_advisories(m, rule->type, rule->keys[i], &found, err);
		if (rc < 0)
			return rc;
	}
	if (count == 0 || found)
		return 0;
	snprintf(scope, sizeof(scope), "%.16s packages of %.128s", rule->type, rule->keys[0]);
	st_diag(m->diag, ST_DIAG_WARN,
		"the database has no advisories for %s: its %zu %s package%s not checked; "
		"import that vendor's feed",
		rule->keys[0], count, rule->type, count == 1 ? " was" : "s were");
	return add_unchecked(out, scope, count, err);
}

/* One language ecosystem of the inventory and its matchable packages. */
struct ecosystem_count {
	const char *type;
	size_t packages;
};

/* Counts the matchable packages of each language ecosystem of INV into
 * *OUT (in order of first appearance), which the caller frees. */
static int count_ecosystems(const struct st_inventory *inv, struct ecosystem_count **out,
			    size_t *count, struct strata_error *err)
{
	struct ecosystem_count *list = NULL;
	size_t n = 0;
	size_t i, j;

	*out = NULL;
	*count = 0;
	for (i = 0; i < inv->count; i++) {
		const struct st_package *p = &inv->packages[i];
		struct ecosystem_count *grown;

		if (!is_matchable(p) || is_os_type(p->type))
			continue;
		/* NOTE: binaries that the classifier names (type "generic")
		 * have no advisory feed in the store yet (that takes NVD CPE
		 * matching), so they are not counted as an unchecked scope
		 * that would fail every gate on an image holding one. */
		if (strcmp(p->type, "generic") == 0)
			continue;
		/* Catalogers set a small fixed set of types, so a linear
		 * search stays short. */
		for (j = 0; j < n && strcmp(list[j].type, p->type) != 0; j++)
			;
		if (j < n) {
			list[j].packages++;
			continue;
		}
		grown = st_reallocarray(list, n + 1, sizeof(*list));
		if (grown == NULL) {
			free(list);
			return st_error_set(err, STRATA_ENOMEM, "out of memory");
		}
		list = grown;
		list[n].type = p->type;
		list[n].packages = 1;
		n++;
	}
	*out = list;
	*count = n;
	return 0;
}

/* Checks one language ecosystem, keyed (TYPE, ''), as match_package
 * looks its packages up. */
static int check_ecosystem_coverage(struct matcher *m, const struct ecosystem_count *e,
				    struct st_findings *out, struct strata_error *err)
{
	char scope[96];
	bool found = false;
	int rc;

	rc = has_advisories(m, e->type, "", &found, err);
	if (rc < 0 || found)
		return rc;
	snprintf(scope, sizeof(scope), "%.64s packages", e->type);
	st_diag(m->diag, ST_DIAG_WARN,
		"the database has no %.64s advisories: %zu %.64s package%s not checked; "
		"import an OSV feed for that ecosystem",
		e->type, e->packages, e->type, e->packages == 1 ? " was" : "s were");
	return add_unchecked(out, scope, e->packages, err);
}

/* Records the OS packages of INV as unchecked, one scope per package
 * type, when no advisory release is known for the image (an unknown
 * distribution, no os-release, or no VERSION_ID): no store can check
 * them, and os_rule_init has logged why. */
static int check_os_unknown(const struct st_inventory *inv, struct st_findings *out,
			    struct strata_error *err)
{
	static const char *const types[] = {"deb", "apk", "rpm"};
	char scope[96];
	size_t t;
	size_t i;
	int rc;

	for (t = 0; t < ST_ARRAY_LEN(types); t++) {
		size_t count = 0;

		for (i = 0; i < inv->count; i++) {
			const struct st_package *p = &inv->packages[i];

			if (is_matchable(p) && strcmp(p->type, types[t]) == 0)
				count++;
		}
		if (count == 0)
			continue;
		snprintf(scope, sizeof(scope), "%s packages of an unknown release", types[t]);
		rc = add_unchecked(out, scope, count, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Records in out->unchecked each scope of INV that the store has no
 * advisories for: the OS packages (all of them when RULE names no
 * advisory release), then each language ecosystem. */
static int check_coverage(struct matcher *m, const struct st_inventory *inv,
			  const struct os_rule *rule, struct st_findings *out,
			  struct strata_error *err)
{
	struct ecosystem_count *ecosystems = NULL;
	size_t count = 0;
	size_t i;
	int rc;

	if (rule != NULL) {
		rc = rule->usable ? check_os_coverage(m, inv, rule, out, err)
				  : check_os_unknown(inv, out, err);
		if (rc < 0)
			return rc;
	}
	rc = count_ecosystems(inv, &ecosystems, &count, err);
	for (i = 0; rc == 0 && i < count; i++)
		rc = check_ecosystem_coverage(m, &ecosystems[i], out, err);
	free(ecosystems);
	return rc;
}

/* Matching ------------------------------------------------------------- */

/* Works out the OS rule when INV contains a matchable OS package, and logs
 * why OS packages cannot be matched. Returns NULL when it contains none. */
static const struct os_rule *os_rule_for(struct os_rule *rule, const struct st_inventory *inv,
					 char *key, size_t key_size, char *pro, size_t pro_size,
					 struct st_diag *diag)
{
	size_t i;

	for (i = 0; i < inv->count; i++) {
		const struct st_package *p = &inv->packages[i];

		if (is_matchable(p) && is_os_type(p->type)) {
			os_rule_init(rule, &inv->os, key, key_size, pro, pro_size, diag);
			return rule;
		}
	}
	return NULL;
}

static int match_all(struct matcher *m, const struct st_inventory *inv,
		     struct st_findings *out, struct strata_error *err)
{
	const struct os_rule *rule;
	struct os_rule storage;
	char key[128];
	char pro[128];
	size_t i;
	int rc;

	rule = os_rule_for(&storage, inv, key, sizeof(key), pro, sizeof(pro), m->diag);
	rc = check_coverage(m, inv, rule, out, err);
	if (rc < 0)
		return rc;

	for (i = 0; i < inv->count; i++) {
		const struct st_package *p = &inv->packages[i];
		struct lookup l = {i, p, p->type, p->version};

		if (!is_matchable(p))
			continue;
		if (!is_os_type(p->type)) {
			rc = match_package(m, &l, NULL, out, err);
			if (rc < 0)
				return rc;
			continue;
		}
		/* Vendor first: a package that the distribution's package
		 * manager installed is matched only against that
		 * distribution's advisories for its release, never against
		 * upstream ranges. */
		if (rule == NULL || !rule->usable)
			continue;
		if (strcmp(p->type, rule->type) != 0) {
			st_diag(m->diag, ST_DIAG_INFO,
				"%s %s: a %s package on %s is not matched", p->name, p->version,
				p->type, rule->keys[0]);
			continue;
		}
		rc = match_package(m, &l, rule, out, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int st_match_inventory(struct st_db *db, const struct st_inventory *inv,
		       struct st_findings *out, struct st_diag *diag,
		       struct strata_error *err)
{
	struct matcher m;
	size_t i;
	int rc = 0;

	memset(&m, 0, sizeof(m));
	m.db = db;
	m.diag = diag;
	st_arena_init(&m.scratch);
	for (i = 0; i < Q_COUNT && rc == 0; i++)
		rc = st_db_prepare(db, &m.stmt[i], match_sql[i], err);
	if (rc == 0)
		rc = match_all(&m, inv, out, err);
	if (rc == 0 && out->count > 1)
		qsort(out->items, out->count, sizeof(*out->items), compare_findings);

	for (i = 0; i < Q_COUNT; i++)
		sqlite3_finalize(m.stmt[i]);
	st_arena_dispose(&m.scratch);
	free(m.cand);
	free(m.events);
	return rc;
}
