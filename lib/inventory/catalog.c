/* Runs every registered cataloger over one layer walk. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "image/walk_dir.h"
#include "inventory/binary.h"
#include "inventory/inventory.h"
#include "inventory/lang.h"

/* The OS cataloger comes first: package catalogers read the OS release
 * in their finish step to build purls. */
static const struct st_cataloger *const registry[] = {
	&st_cataloger_os,
	&st_cataloger_dpkg,
	&st_cataloger_apk,
	&st_cataloger_rpm,
	&st_cataloger_npm,
	&st_cataloger_java,
	&st_cataloger_python,
	&st_cataloger_gem,
	&st_cataloger_composer,
	&st_cataloger_dotnet,
	&st_cataloger_cargo_lock,
	/* After the language catalogers: it summarizes any executable that
	 * no other cataloger wants, so a jar with the execute bit stays
	 * java's. */
	&st_cataloger_binary,
	/* Last: it summarizes only the setuid and setgid files that nothing
	 * else reads, and dispatch() hands it every other one too. */
	&st_cataloger_setuid,
};

#define CATALOGER_COUNT ST_ARRAY_LEN(registry)

/* A summary names its owner in one byte (run_summarize). */
_Static_assert(CATALOGER_COUNT <= 255, "too many catalogers for a one-byte summary tag");

/* Symbolic links followed to resolve one anchor: Linux's MAXSYMLINKS. */
#define ANCHOR_MAX_HOPS 40

/* Anchors of all catalogers together: bounded by the registry, not by the
 * image, as are the probes and links derived from them. */
#define ANCHOR_MAX 64
#define PROBE_MAX (2 * ANCHOR_MAX)

/* A symbolic link found in the final view at a directory above an anchor,
 * at a package database file, or on the path that another link leads to. */
struct anchor_link {
	char *path;
	size_t len;
	char *target;
};

/* Paths probed for links on the way to a redirect's target, and links
 * recorded for resolving anchors: one at most at each probe, anchor and
 * such path, so the links never outgrow their array. */
#define CHAIN_PROBE_MAX 256
#define LINK_MAX (PROBE_MAX + ANCHOR_MAX + CHAIN_PROBE_MAX)

/* Walks of the image in all: the first, then one more for each link found
 * further along a path that other links lead to. */
#define CATALOG_MAX_WALKS 4

/* An anchor that a link leads elsewhere: the catalogers read FROM in its
 * place, as if it were TO. Both end in '/' for a directory anchor. */
struct redirect {
	const char *from;
	const char *to;
	size_t owner; /* the anchor's cataloger, an index into the registry */
	bool seen;    /* the later pass found a file there */
};

/* Longest path that a later pass maps for the catalogers. */
#define MAPPED_PATH_MAX 8192

/* Longest path an anchor resolves to, whatever the path_bytes limit. */
#define RESOLVED_PATH_MAX 65536

/* Catalogers' messages of the first pass that the second does not repeat,
 * kept as hashes. */
#define SEEN_MESSAGES_MAX 1024

/* A path that the first pass requests from the walk besides the
 * catalogers' own: a directory above an anchor, where a link would move
 * it, or the /usr twin of an anchor under lib/ and the like. */
struct probe {
	const char *path;
	size_t len;
	bool prefix; /* the files under PATH (a directory anchor's twin) */
	bool twin;
	size_t anchor; /* index into anchors, for a twin */
};

struct catalog_run {
	void *state[CATALOGER_COUNT];
	bool started[CATALOGER_COUNT];
	struct st_catalog_ctx ctx;
	struct st_walk_visitor visitor;
	struct st_arena arena;
	const char *anchors[ANCHOR_MAX];
	size_t anchor_owner[ANCHOR_MAX]; /* index of the cataloger in the registry */
	size_t anchor_count;
	struct probe probes[PROBE_MAX];
	size_t probe_count;
	/* Quick rejection in find_probe: bit N of len_mask is set when an
	 * exact probe is N bytes long, and first_mask has the probes' first
	 * bytes. */
	uint64_t len_mask;
	uint64_t first_mask[4];
	bool prefix_probes; /* some probe is a prefix (under usr/) */
	/* Found by the first pass, and by later passes on CHAIN paths. */
	struct anchor_link links[LINK_MAX];
	size_t link_count;
	size_t new_links; /* recorded by the current later pass */
	bool twin_seen[ANCHOR_MAX];
	bool loop_warned[ANCHOR_MAX];
	/* The later passes, when a redirect is needed. */
	struct redirect redirects[ANCHOR_MAX];
	size_t redirect_count;
	bool second_pass;
	unsigned walks; /* walks of the image so far */
	/* The directories on the way to each redirect's target, and the
	 * target itself: a later pass records the links found there. */
	const char *chain[CHAIN_PROBE_MAX];
	size_t chain_len[CHAIN_PROBE_MAX];
	size_t chain_count;
	/* The catalogers' sink: it passes messages on to OUTER, and in a
	 * later pass drops those that an earlier one already gave. */
	struct st_diag cat_diag;
	struct st_diag *outer;
	uint64_t seen_messages[SEEN_MESSAGES_MAX];
	size_t seen_count;
};

/* Whether PATH is ANCHOR's path, or a file under it for a directory
 * anchor. */
static bool matches_anchor(const char *anchor, const char *path, size_t len)
{
	size_t n = strlen(anchor);

	if (n > 0 && anchor[n - 1] == '/')
		return len > n && memcmp(path, anchor, n) == 0;
	return len == n && memcmp(path, anchor, n) == 0;
}

static int add_probe(struct catalog_run *run, const char *path, size_t len, bool twin,
		     size_t anchor, struct strata_error *err)
{
	struct probe *p;
	size_t i;

	for (i = 0; i < run->probe_count; i++) {
		if (run->probes[i].len == len && !run->probes[i].twin && !twin &&
		    memcmp(run->probes[i].path, path, len) == 0)
			return 0;
	}
	if (run->probe_count == PROBE_MAX)
		return st_error_set(err, STRATA_EINTERNAL, "catalog: more than %d probes",
				    PROBE_MAX);
	p = &run->probes[run->probe_count];
	p->path = st_arena_strndup(&run->arena, path, len);
	if (p->path == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory");
	p->prefix = len > 0 && path[len - 1] == '/';
	p->len = len;
	p->twin = twin;
	p->anchor = anchor;
	if (!p->prefix && len >= 64)
		return st_error_set(err, STRATA_EINTERNAL, "catalog: probe %s is too long", p->path);
	if (p->prefix)
		run->prefix_probes = true;
	else
		run->len_mask |= UINT64_C(1) << len;
	run->first_mask[(unsigned char)path[0] >> 6] |= UINT64_C(1) << ((unsigned char)path[0] & 63);
	run->probe_count++;
	return 0;
}

/* Collects the registry's anchors and the probes derived from them. */
static int collect_anchors(struct catalog_run *run, struct strata_error *err)
{
	size_t i;
	size_t k;
	int rc;

	for (i = 0; i < CATALOGER_COUNT; i++) {
		const char *a;
		size_t n;

		if (registry[i]->anchor == NULL)
			continue;
		for (n = 0; (a = registry[i]->anchor(n)) != NULL; n++) {
			if (run->anchor_count == ANCHOR_MAX)
				return st_error_set(err, STRATA_EINTERNAL,
						    "catalog: more than %d anchors", ANCHOR_MAX);
			run->anchor_owner[run->anchor_count] = i;
			run->anchors[run->anchor_count++] = a;
		}
	}
	for (k = 0; k < run->anchor_count; k++) {
		const char *a = run->anchors[k];
		size_t len = strlen(a);
		size_t j;

		/* Each directory above A, and A's own directory without '/'. */
		for (j = 1; j < len; j++) {
			if (a[j] != '/')
				continue;
			rc = add_probe(run, a, j, false, k, err);
			if (rc < 0)
				return rc;
		}
		for (j = 0; j < ST_MERGED_USR_DIR_COUNT; j++) {
			char *twin;

			if (strncmp(a, st_merged_usr_dirs[j], strlen(st_merged_usr_dirs[j])) != 0)
				continue;
			twin = st_arena_printf(&run->arena, "usr/%s", a);
			if (twin == NULL)
				return st_error_set(err, STRATA_ENOMEM, "out of memory");
			rc = add_probe(run, twin, strlen(twin), true, k, err);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

/* Returns the probe that PATH is, or NULL. Called for every tar entry, so
 * it rejects most paths by their first byte and length alone. */
static const struct probe *find_probe(const struct catalog_run *run, const char *path,
				      size_t len)
{
	unsigned char first = len > 0 ? (unsigned char)path[0] : 0;
	bool exact_len = len < 64 && ((run->len_mask >> len) & 1) != 0;
	size_t i;

	if (len == 0 || ((run->first_mask[first >> 6] >> (first & 63)) & 1) == 0)
		return NULL;
	if (!exact_len && !(run->prefix_probes && len > 4 && memcmp(path, "usr/", 4) == 0))
		return NULL;
	for (i = 0; i < run->probe_count; i++) {
		const struct probe *p = &run->probes[i];

		if (p->prefix ? (len > p->len && memcmp(path, p->path, p->len) == 0)
			      : (len == p->len && memcmp(path, p->path, len) == 0))
			return p;
	}
	return NULL;
}

/* Whether PATH is on the way to a redirect's target (a later pass). */
static bool is_chain_probe(const struct catalog_run *run, const char *path, size_t len)
{
	size_t i;

	for (i = 0; i < run->chain_count; i++) {
		if (run->chain_len[i] == len && memcmp(run->chain[i], path, len) == 0)
			return true;
	}
	return false;
}

/* Whether PATH is an anchor, or a file under a directory anchor. */
static bool is_anchor_path(const struct catalog_run *run, const char *path, size_t len)
{
	size_t k;

	for (k = 0; k < run->anchor_count; k++) {
		if (matches_anchor(run->anchors[k], path, len))
			return true;
	}
	return false;
}

/* Returns the redirect whose FROM leads to PATH, or NULL. A path that is
 * itself an anchor's is never taken for another. */
static struct redirect *find_redirect(struct catalog_run *run, const char *path, size_t len)
{
	size_t i;

	if (is_anchor_path(run, path, len))
		return NULL;
	for (i = 0; i < run->redirect_count; i++) {
		if (matches_anchor(run->redirects[i].from, path, len))
			return &run->redirects[i];
	}
	return NULL;
}

/* Writes into OUT (CAP bytes) the name under which the catalogers see
 * PATH, which redirect R leads to. Returns its length, or 0 when it does
 * not fit. */
static size_t map_path(const struct redirect *r, const char *path, size_t len, char *out,
		       size_t cap)
{
	size_t from = strlen(r->from);
	size_t to = strlen(r->to);

	if (from > len || to + (len - from) + 1 > cap)
		return 0;
	memcpy(out, r->to, to);
	memcpy(out + to, path + from, len - from);
	out[to + len - from] = '\0';
	return to + len - from;
}

/* Whether PATH is an anchor that a redirect replaces. */
static bool is_redirected(const struct catalog_run *run, const char *path, size_t len)
{
	size_t i;

	for (i = 0; i < run->redirect_count; i++) {
		if (matches_anchor(run->redirects[i].to, path, len))
			return true;
	}
	return false;
}

/* Whether the cataloger at index I takes part in the second pass: the
 * catalogers that declare anchors read their files again. */
static bool in_second_pass(size_t i)
{
	return registry[i]->anchor != NULL;
}

static bool run_wants(void *ctx, const char *path, size_t len, uint64_t *max_bytes)
{
	struct catalog_run *run = ctx;
	size_t i;

	if (run->second_pass) {
		const struct redirect *r = find_redirect(run, path, len);

		/* Only what a cataloger reads under the mapped name: a link to
		 * a large tree must not capture the tree. */
		if (r != NULL) {
			char mapped[MAPPED_PATH_MAX];
			size_t n = map_path(r, path, len, mapped, sizeof(mapped));

			for (i = 0; n > 0 && i < CATALOGER_COUNT; i++) {
				if (in_second_pass(i) && registry[i]->wants(mapped, n))
					return true;
			}
		} else if (!is_redirected(run, path, len)) {
			for (i = 0; i < CATALOGER_COUNT; i++) {
				if (in_second_pass(i) && registry[i]->wants(path, len))
					return true;
			}
		}
		/* A path on the way to a redirect's target is wanted for the
		 * link that may be there, never for its content. */
		if (is_chain_probe(run, path, len)) {
			*max_bytes = 0;
			return true;
		}
		return false;
	}
	for (i = 0; i < CATALOGER_COUNT; i++) {
		if (registry[i]->wants(path, len))
			return true;
	}
	return find_probe(run, path, len) != NULL;
}

/* Returns the index of the first cataloger in registry order that wants
 * to summarize the file, or CATALOGER_COUNT. wants_summary is a pure
 * function of its arguments, so the walk's question and summarize()'s
 * lookup agree, on any thread. */
static size_t summary_owner(const char *path, size_t len, uint64_t size, unsigned mode)
{
	size_t i;

	for (i = 0; i < CATALOGER_COUNT; i++) {
		const struct st_cataloger *c = registry[i];

		if (c->wants_summary != NULL && c->summarize != NULL &&
		    c->wants_summary(path, len, size, mode))
			return i;
	}
	return CATALOGER_COUNT;
}

static bool run_wants_summary(void *ctx, const char *path, size_t len, uint64_t size,
			      unsigned mode)
{
	return summary_owner(path, len, size, mode) < CATALOGER_COUNT;
}

/* Summaries start with one byte, the owner's index in the registry, so
 * that only the owner later sees the file. The tag does not count
 * against summary_bytes. */
static int run_summarize(void *ctx, const struct st_walk_file *meta, struct st_stream *content,
			 struct st_buf *out, struct st_diag *diag, struct strata_error *err)
{
	struct catalog_run *run = ctx;
	size_t owner = summary_owner(meta->path, meta->path_len, meta->size, meta->mode);
	const struct st_cataloger *c;
	int rc;

	if (owner >= CATALOGER_COUNT)
		return st_error_set(err, STRATA_EINTERNAL, "no cataloger summarizes %s",
				    meta->path);
	c = registry[owner];
	if (out->max < SIZE_MAX)
		out->max++;
	rc = st_buf_putc(out, (char)owner, err);
	if (rc < 0)
		return rc;
	rc = c->summarize(meta, content, out, run->ctx.limits, diag, err);
	if (rc < 0)
		return st_error_prefix(err, "%s cataloger", c->name);
	return 0;
}

/* Hands the summarized file F only to the cataloger named by its tag. */
static int dispatch_summary(struct catalog_run *run, const struct st_walk_file *f, bool final,
			    struct strata_error *err)
{
	const struct st_cataloger *c;
	struct st_walk_file g;
	size_t owner;
	int (*fn)(void *, const struct st_walk_file *, struct st_catalog_ctx *,
		  struct strata_error *);
	int rc;

	if (f->data.len == 0)
		return 0;
	owner = (unsigned char)f->data.ptr[0];
	if (owner >= CATALOGER_COUNT)
		return st_error_set(err, STRATA_EINTERNAL, "summary of %s has no owner", f->path);
	c = registry[owner];
	fn = final ? c->on_final_file : c->on_layer_file;
	if (fn == NULL)
		return 0;
	g = *f;
	g.data = st_slice_make(f->data.ptr + 1, f->data.len - 1);
	rc = fn(run->state[owner], &g, &run->ctx, err);
	if (rc < 0)
		return st_error_prefix(err, "%s cataloger", c->name);
	return 0;
}

/* Returns the index of the setuid collector in the registry. */
static size_t setuid_index(void)
{
	size_t i;

	for (i = 0; i < CATALOGER_COUNT; i++) {
		if (registry[i] == &st_cataloger_setuid)
			break;
	}
	return i;
}

/* Hands a final setuid or setgid file to the setuid collector when
 * another cataloger reads it (a setuid Go binary, a captured file), so
 * the list of such files is complete whichever cataloger reads the content. */
static int note_setuid(struct catalog_run *run, const struct st_walk_file *f,
		       struct strata_error *err)
{
	size_t idx = setuid_index();
	size_t owner = CATALOGER_COUNT;
	int rc;

	if (f->type != ST_FILE_REGULAR || (f->mode & 06000u) == 0 || idx == CATALOGER_COUNT)
		return 0;
	if (f->summarized && f->data.len > 0)
		owner = (unsigned char)f->data.ptr[0];
	if (owner == idx)
		return 0;
	rc = registry[idx]->on_final_file(run->state[idx], f, &run->ctx, err);
	if (rc < 0)
		return st_error_prefix(err, "%s cataloger", registry[idx]->name);
	return 0;
}

/* Whether PATH is a file anchor whose cataloger leaves a link there to
 * the catalog step (a package database that is itself a link).
 * NOTE: os-release follows its own links only among the release files it
 * reads, so etc/os-release -> /srv/osr leaves the OS unknown. */
static bool is_linked_file_anchor(const struct catalog_run *run, const char *path, size_t len)
{
	size_t k;

	for (k = 0; k < run->anchor_count; k++) {
		const char *a = run->anchors[k];

		if (!registry[run->anchor_owner[k]]->reads_own_links && strlen(a) == len &&
		    memcmp(a, path, len) == 0)
			return true;
	}
	return false;
}

/* Returns the recorded link at PATH (LEN bytes), or NULL. */
static const struct anchor_link *find_link(const struct catalog_run *run, const char *path,
					   size_t len)
{
	size_t i;

	for (i = 0; i < run->link_count; i++) {
		if (run->links[i].len == len && memcmp(run->links[i].path, path, len) == 0)
			return &run->links[i];
	}
	return NULL;
}

/* Records the final symbolic link F, once. Returns 1 when it is new. */
static int record_link(struct catalog_run *run, const struct st_walk_file *f,
		       struct strata_error *err)
{
	struct anchor_link *l;

	if (f->type != ST_FILE_SYMLINK || f->link_target == NULL ||
	    find_link(run, f->path, f->path_len) != NULL)
		return 0;
	if (run->link_count == LINK_MAX)
		return 0;
	l = &run->links[run->link_count];
	l->path = st_arena_strndup(&run->arena, f->path, f->path_len);
	l->len = f->path_len;
	l->target = st_arena_strndup(&run->arena, f->link_target, strlen(f->link_target));
	if (l->path == NULL || l->target == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory");
	run->link_count++;
	return 1;
}

/* First pass: records a final link at a directory above an anchor, or at
 * a file anchor that is left to this step, and notes that an anchor's
 * /usr twin exists. */
static int note_anchor_paths(struct catalog_run *run, const struct st_walk_file *f,
			     struct strata_error *err)
{
	const struct probe *p = find_probe(run, f->path, f->path_len);
	int rc;

	if (p != NULL && p->twin) {
		run->twin_seen[p->anchor] = true;
		return 0;
	}
	if (p == NULL && !is_linked_file_anchor(run, f->path, f->path_len))
		return 0;
	rc = record_link(run, f, err);
	return rc < 0 ? rc : 0;
}

/* Second pass: hands F to the catalogers that declare anchors, under the
 * anchor's name when F is what a redirect leads to. */
static int dispatch_second(struct catalog_run *run, const struct st_walk_file *f, bool final,
			   struct strata_error *err)
{
	struct redirect *r = find_redirect(run, f->path, f->path_len);
	struct st_walk_file g = *f;
	size_t i;
	int rc;

	if (final && is_chain_probe(run, f->path, f->path_len)) {
		rc = record_link(run, f, err);
		if (rc < 0)
			return rc;
		run->new_links += (size_t)rc;
	}
	if (r != NULL) {
		char buf[MAPPED_PATH_MAX];
		size_t n = map_path(r, f->path, f->path_len, buf, sizeof(buf));
		char *mapped = n > 0 ? st_arena_strndup(&run->arena, buf, n) : NULL;

		if (n == 0)
			return 0;
		if (mapped == NULL)
			return st_error_set(err, STRATA_ENOMEM, "out of memory");
		/* Only a regular file counts as found: a link there is left
		 * to the next walk. */
		if (final && f->type == ST_FILE_REGULAR)
			r->seen = true;
		g.path = mapped;
		g.path_len = n;
	}
	for (i = 0; i < CATALOGER_COUNT; i++) {
		const struct st_cataloger *c = registry[i];
		int (*fn)(void *, const struct st_walk_file *, struct st_catalog_ctx *,
			  struct strata_error *) = final ? c->on_final_file : c->on_layer_file;

		if (!in_second_pass(i) || fn == NULL || !c->wants(g.path, g.path_len))
			continue;
		rc = fn(run->state[i], &g, &run->ctx, err);
		if (rc < 0)
			return st_error_prefix(err, "%s cataloger", c->name);
	}
	return 0;
}

static int dispatch(struct catalog_run *run, const struct st_walk_file *f, bool final,
		    struct strata_error *err)
{
	size_t i;
	int rc;

	if (run->second_pass)
		return dispatch_second(run, f, final, err);
	if (final) {
		rc = note_anchor_paths(run, f, err);
		if (rc < 0)
			return rc;
		rc = note_setuid(run, f, err);
		if (rc < 0)
			return rc;
	}
	if (f->summarized)
		return dispatch_summary(run, f, final, err);
	for (i = 0; i < CATALOGER_COUNT; i++) {
		const struct st_cataloger *c = registry[i];
		int (*fn)(void *, const struct st_walk_file *, struct st_catalog_ctx *,
			  struct strata_error *) = final ? c->on_final_file : c->on_layer_file;

		if (fn == NULL || !c->wants(f->path, f->path_len))
			continue;
		rc = fn(run->state[i], f, &run->ctx, err);
		if (rc < 0)
			return st_error_prefix(err, "%s cataloger", c->name);
	}
	return 0;
}

static int run_on_layer_file(void *ctx, const struct st_walk_file *f, struct strata_error *err)
{
	return dispatch(ctx, f, false, err);
}

static int run_on_final_file(void *ctx, const struct st_walk_file *f, struct strata_error *err)
{
	return dispatch(ctx, f, true, err);
}

static void run_free(struct catalog_run *run)
{
	size_t i;

	for (i = 0; i < CATALOGER_COUNT; i++) {
		if (run->started[i])
			registry[i]->free(run->state[i]);
		run->started[i] = false;
		run->state[i] = NULL;
	}
	st_arena_dispose(&run->arena);
}

/* The catalogers' sink. st_diag calls it with its lock held, so the
 * message hashes need no lock of their own. */
static void catalog_diag(void *ctx, int level, const char *msg)
{
	struct catalog_run *run = ctx;
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */
	const unsigned char *p;
	size_t i;

	for (p = (const unsigned char *)msg; *p != '\0'; p++)
		h = (h ^ *p) * 0x100000001b3ull;
	if (run->second_pass) {
		for (i = 0; i < run->seen_count; i++) {
			if (run->seen_messages[i] == h)
				return;
		}
	}
	if (run->seen_count < SEEN_MESSAGES_MAX)
		run->seen_messages[run->seen_count++] = h;
	if (run->outer == NULL)
		return;
	if (level >= ST_DIAG_WARN)
		run->outer->warnings++;
	if (run->outer->fn != NULL)
		run->outer->fn(run->outer->ctx, level, msg);
}

/* Anchors and links -------------------------------------------------------- */

/* Resolves ANCHOR through the links recorded above it, inside the image
 * root: an absolute target starts again at the root, and ".." stops there,
 * as in a chroot. Returns the path (in the run's arena, ending in '/' when
 * ANCHOR does), ANCHOR itself when no link applies, or NULL after
 * ANCHOR_MAX_HOPS links or past PATH_BYTES.
 * Only the links recorded so far are known: one on the way to a target is
 * recorded by the walk that reads there, and followed by the next one
 * (run_walks). */
static const char *resolve_anchor(struct catalog_run *run, const char *anchor,
				  size_t path_bytes)
{
	size_t anchor_len = strlen(anchor);
	bool dir = anchor_len > 0 && anchor[anchor_len - 1] == '/';

	/* An anchor is never over the limit itself, however low it is set,
	 * and the buffer below does not grow with a limit set very high. */
	if (path_bytes < anchor_len)
		path_bytes = anchor_len;
	if (path_bytes > RESOLVED_PATH_MAX)
		path_bytes = RESOLVED_PATH_MAX;
	const char *todo = st_arena_strndup(&run->arena, anchor, anchor_len - (dir ? 1 : 0));
	char *done = st_arena_alloc(&run->arena, path_bytes + 1);
	size_t done_len = 0;
	unsigned hops = 0;

	if (todo == NULL || done == NULL)
		return NULL;
	done[0] = '\0';
	while (*todo != '\0') {
		const char *slash = strchr(todo, '/');
		size_t n = slash != NULL ? (size_t)(slash - todo) : strlen(todo);
		const char *name = todo;
		const struct anchor_link *l;
		size_t parent_len;
		size_t cand_len;

		todo = slash != NULL ? slash + 1 : todo + n;
		if (n == 0 || (n == 1 && name[0] == '.'))
			continue;
		if (n == 2 && name[0] == '.' && name[1] == '.') {
			while (done_len > 0 && done[done_len - 1] != '/')
				done_len--;
			if (done_len > 0)
				done_len--;
			done[done_len] = '\0';
			continue;
		}
		parent_len = done_len;
		cand_len = done_len + (done_len > 0 ? 1 : 0) + n;
		if (cand_len > path_bytes)
			return NULL;
		if (done_len > 0)
			done[done_len++] = '/';
		memcpy(done + done_len, name, n);
		done[cand_len] = '\0';
		l = find_link(run, done, cand_len);
		if (l == NULL) {
			done_len = cand_len;
			continue;
		}
		if (++hops > ANCHOR_MAX_HOPS || strlen(l->target) + strlen(todo) + 1 > path_bytes)
			return NULL;
		/* A relative target continues from the link's directory, an
		 * absolute one from the root. */
		done_len = l->target[0] == '/' ? 0 : parent_len;
		done[done_len] = '\0';
		todo = st_arena_printf(&run->arena, "%s/%s", l->target, todo);
		if (todo == NULL)
			return NULL;
	}
	if (hops == 0)
		return anchor;
	if (done_len + 1 > path_bytes)
		return NULL;
	if (dir)
		done[done_len++] = '/';
	done[done_len] = '\0';
	return done;
}

/* Whether the directory PATH (ending in '/') contains an anchor: reading
 * it under another name would take that anchor's own files away. */
static bool above_any_anchor(const struct catalog_run *run, const char *path)
{
	size_t len = strlen(path);
	size_t k;

	if (len == 0 || path[len - 1] != '/')
		return false;
	for (k = 0; k < run->anchor_count; k++) {
		if (strncmp(run->anchors[k], path, len) == 0)
			return true;
	}
	return false;
}

/* Whether anchor K has a /usr twin probe. */
static bool has_twin(const struct catalog_run *run, size_t k)
{
	size_t i;

	for (i = 0; i < run->probe_count; i++) {
		if (run->probes[i].twin && run->probes[i].anchor == k)
			return true;
	}
	return false;
}

/* Adds the LEN-byte path P to the paths that a later pass probes for
 * links, once. Past CHAIN_PROBE_MAX paths, the rest are not probed. */
static void add_chain_probe(struct catalog_run *run, const char *p, size_t len)
{
	if (len == 0 || is_chain_probe(run, p, len) || run->chain_count == CHAIN_PROBE_MAX)
		return;
	run->chain[run->chain_count] = p;
	run->chain_len[run->chain_count++] = len;
}

/* After a pass: records a redirect for each anchor that the image's links
 * lead to a path no cataloger read, and the paths on the way to each,
 * where a later pass looks for more links. Returns their count. */
static int plan_redirects(struct catalog_run *run)
{
	size_t path_bytes = run->ctx.limits->path_bytes;
	size_t k;

	run->redirect_count = 0;
	if (run->link_count == 0)
		return 0;
	for (k = 0; k < run->anchor_count; k++) {
		const char *a = run->anchors[k];
		const char *r = resolve_anchor(run, a, path_bytes);
		struct redirect *d;
		size_t len;
		size_t j;

		if (r == NULL) {
			if (!run->loop_warned[k])
				st_diag(run->ctx.diag, ST_DIAG_WARN,
					"%s: not read: the symbolic links above it loop or lead "
					"past the path_bytes limit",
					a);
			run->loop_warned[k] = true;
			continue;
		}
		/* No link applied, or the catalogers read R anyway: it is an
		 * anchor's path, or a directory that contains anchors. */
		if (r == a || is_anchor_path(run, r, strlen(r)) || above_any_anchor(run, r))
			continue;
		/* A merged-/usr image links lib to usr/lib: the twin of an
		 * anchor there is read only when the first pass saw it. */
		if (has_twin(run, k) && !run->twin_seen[k] && strncmp(r, "usr/", 4) == 0 &&
		    strcmp(r + 4, a) == 0)
			continue;
		d = &run->redirects[run->redirect_count++];
		d->from = r;
		d->to = a;
		d->owner = run->anchor_owner[k];
		d->seen = false;
		len = strlen(r);
		if (len > 0 && r[len - 1] == '/')
			len--;
		for (j = 1; j < len; j++) {
			if (r[j] == '/')
				add_chain_probe(run, r, j);
		}
		add_chain_probe(run, r, len);
	}
	return (int)run->redirect_count;
}

/* Whether two plans, A and B with their counts, hold the same redirects. */
static bool same_plan(const struct redirect *a, size_t a_count, const struct redirect *b,
		      size_t b_count)
{
	size_t i;

	if (a_count != b_count)
		return false;
	for (i = 0; i < a_count; i++) {
		if (a[i].to != b[i].to || strcmp(a[i].from, b[i].from) != 0)
			return false;
	}
	return true;
}

/* After the last pass: warns with the first path where a redirect found
 * files and the count of the others that did (DIR: a root filesystem, not
 * layers), and records the first such package database in the inventory. */
static void announce_redirects(struct catalog_run *run, bool dir)
{
	const struct redirect *first = NULL;
	char more[64] = "";
	size_t others = 0;
	size_t i;

	for (i = 0; i < run->redirect_count; i++) {
		if (!run->redirects[i].seen)
			continue;
		if (first == NULL)
			first = &run->redirects[i];
		else
			others++;
	}
	if (first == NULL)
		return;
	/* Only package databases count: release files take no part in the
	 * package changes of strata layers. */
	for (i = 0; i < run->redirect_count; i++) {
		const struct redirect *r = &run->redirects[i];

		if (r->seen && registry[r->owner] != &st_cataloger_os) {
			run->ctx.inv->moved_anchor = r->to;
			break;
		}
	}
	if (others > 0)
		snprintf(more, sizeof(more), ", with %zu other such path%s", others,
			 others == 1 ? "" : "s");
	st_diag(run->outer, ST_DIAG_WARN,
		"%s is reached through symbolic links in the image as %s%s; %s read %u times "
		"for the package and release files there",
		first->to, first->from, more, dir ? "the directory was" : "the layers were",
		run->walks);
}

/* After the last pass, when the walk limit cut the plan short: warns,
 * for each cataloger, when none of its redirects found a file, since a
 * link further along was not followed. Without the cut, a redirect that
 * found nothing means the image has no such file, as most images lack
 * most anchors. */
static void report_unseen(struct catalog_run *run)
{
	size_t i;
	size_t j;

	for (i = 0; i < run->redirect_count; i++) {
		const struct redirect *r = &run->redirects[i];
		bool seen = false;
		bool first = true;

		for (j = 0; j < run->redirect_count; j++) {
			if (run->redirects[j].owner != r->owner)
				continue;
			seen = seen || run->redirects[j].seen;
			first = first && j >= i;
		}
		if (!seen && first)
			st_diag(run->outer, ST_DIAG_WARN,
				"%s: the symbolic links above it lead to %s, where the image has no "
				"file for the %s cataloger; links further along that path are not "
				"followed after %d walks of the image",
				r->to, r->from, registry[r->owner]->name, CATALOG_MAX_WALKS);
	}
}

/* Starts the second pass: the catalogers that declare anchors begin again,
 * and only they see the files of the walk, with each redirect's files
 * under its anchor's name. */
static int begin_second_pass(struct catalog_run *run, struct strata_error *err)
{
	size_t i;
	int rc;

	for (i = 0; i < CATALOGER_COUNT; i++) {
		if (!in_second_pass(i))
			continue;
		registry[i]->free(run->state[i]);
		run->started[i] = false;
		run->state[i] = NULL;
		rc = registry[i]->init(&run->state[i], err);
		if (rc < 0)
			return st_error_prefix(err, "%s cataloger", registry[i]->name);
		run->started[i] = true;
	}
	run->second_pass = true;
	run->visitor.wants_summary = NULL;
	run->visitor.summarize = NULL;
	run->visitor.observer = NULL;
	return 0;
}

static int run_begin(struct catalog_run *run, struct st_inventory *inv,
		     const struct st_walk_options *opts, struct strata_error *err)
{
	size_t i;
	int rc;

	memset(run, 0, sizeof(*run));
	st_arena_init(&run->arena);
	if (opts == NULL || opts->limits == NULL)
		return st_error_set(err, STRATA_EINVAL, "catalog: walk options without limits");
	rc = collect_anchors(run, err);
	if (rc < 0) {
		st_arena_dispose(&run->arena);
		return rc;
	}
	run->ctx.inv = inv;
	run->outer = opts->diag;
	run->cat_diag.fn = catalog_diag;
	run->cat_diag.ctx = run;
	run->ctx.diag = opts->diag != NULL ? &run->cat_diag : NULL;
	run->ctx.limits = opts->limits;
	run->visitor.wants = run_wants;
	run->visitor.on_layer_file = run_on_layer_file;
	run->visitor.on_final_file = run_on_final_file;
	run->visitor.wants_summary = run_wants_summary;
	run->visitor.summarize = run_summarize;
	run->visitor.ctx = run;

	for (i = 0; i < CATALOGER_COUNT; i++) {
		rc = registry[i]->init(&run->state[i], err);
		if (rc < 0) {
			run_free(run);
			return st_error_prefix(err, "%s cataloger", registry[i]->name);
		}
		run->started[i] = true;
	}
	return 0;
}

/* After the walk (whose result is RC): finishes every cataloger in
 * registry order, frees them and sorts the inventory. */
static int run_end(struct catalog_run *run, int rc, struct strata_error *err)
{
	size_t i;

	for (i = 0; i < CATALOGER_COUNT && rc >= 0; i++) {
		rc = registry[i]->finish(run->state[i], &run->ctx, err);
		if (rc < 0)
			st_error_prefix(err, "%s cataloger", registry[i]->name);
	}
	run_free(run);
	if (rc >= 0) {
		st_inventory_mark_owned(run->ctx.inv);
		st_inventory_sort(run->ctx.inv);
	}
	return rc < 0 ? rc : 0;
}

/* Walks the root filesystem directory of a "dir:" image, its one
 * pseudo-layer, and records the bytes of its regular files as the layer's
 * size and uncompressed size, which no manifest states. */
static int walk_root_dir(struct st_image *img, const struct st_walk_visitor *v,
			 const struct st_walk_options *opts, struct st_walk_layer_stats *stats,
			 struct strata_error *err)
{
	struct st_walk_layer_stats scratch;
	struct st_walk_layer_stats *st = stats != NULL ? stats : &scratch;
	int rc;

	rc = st_walk_directory(img->path, v, opts, st, err);
	/* A directory has no tar or compression, so both sizes are the
	 * bytes of its regular files. */
	st->uncompressed_bytes = st->content_bytes;
	if (rc == 0 && img->layer_count == 1)
		img->layers[0].size = st->content_bytes;
	return rc;
}

int st_catalog_image(struct st_image *img, struct st_inventory *inv,
		     const struct st_walk_options *opts, struct st_walk_layer_stats *stats,
		     struct strata_error *err)
{
	return st_catalog_image_observed(img, inv, opts, NULL, stats, err);
}

/* The target of a pass: an image, or layers opened one by one. */
struct walk_target {
	struct st_image *img; /* NULL for layers */
	size_t count;
	st_layer_opener open;
	void *open_ctx;
	const char *const *names;
};

/* Walks T once. Only the first walk (FIRST) fills STATS and the size of a
 * root filesystem's pseudo-layer. */
static int walk_target(struct catalog_run *run, const struct walk_target *t, bool first,
		       const struct st_walk_options *opts, struct st_walk_layer_stats *stats,
		       struct strata_error *err)
{
	if (t->img == NULL)
		return st_walk_layers(t->count, t->open, t->open_ctx, t->names, &run->visitor,
				      opts, stats, err);
	if (t->img->form == ST_FORM_DIR && first)
		return walk_root_dir(t->img, &run->visitor, opts, stats, err);
	if (t->img->form == ST_FORM_DIR)
		return st_walk_directory(t->img->path, &run->visitor, opts, stats, err);
	return st_walk_image(t->img, &run->visitor, opts, stats, err);
}

/* Walks T, then again for the catalogers that declare anchors while the
 * image's links lead their anchors elsewhere: each later walk may find
 * links further along those paths, which lead to another plan and walk,
 * up to CATALOG_MAX_WALKS in all. Finishes the catalogers.
 * NOTE: a later walk maps every layer through the links of the final
 * view. A database that a layer moved behind a link is read as if it had
 * always been there, so its packages get the layers that wrote the new
 * files, and `--layers all` shows no removal across the move. */
static int run_walks(struct catalog_run *run, const struct walk_target *t,
		     const struct st_walk_options *opts, struct st_walk_layer_stats *stats,
		     struct strata_error *err)
{
	struct redirect prev[ANCHOR_MAX];
	struct st_walk_options quiet;
	size_t prev_count;
	bool cut = false;
	int rc;

	rc = walk_target(run, t, true, opts, stats, err);
	run->walks = 1;
	if (rc < 0 || plan_redirects(run) == 0)
		return run_end(run, rc, err);
	/* The first pass already reported the walk's warnings. */
	quiet = *opts;
	quiet.diag = NULL;
	for (;;) {
		run->new_links = 0;
		rc = begin_second_pass(run, err);
		if (rc == 0)
			rc = walk_target(run, t, false, &quiet, NULL, err);
		run->walks++;
		if (rc < 0 || run->new_links == 0)
			break;
		prev_count = run->redirect_count;
		memcpy(prev, run->redirects, prev_count * sizeof(prev[0]));
		if (plan_redirects(run) == 0)
			break;
		/* With no walk left, the catalogers keep what this one read,
		 * under the plan that it followed. */
		if (same_plan(prev, prev_count, run->redirects, run->redirect_count) ||
		    run->walks == CATALOG_MAX_WALKS) {
			cut = run->walks == CATALOG_MAX_WALKS;
			memcpy(run->redirects, prev, prev_count * sizeof(prev[0]));
			run->redirect_count = prev_count;
			break;
		}
	}
	if (rc == 0 && run->redirect_count > 0) {
		announce_redirects(run, t->img != NULL && t->img->form == ST_FORM_DIR);
		if (cut)
			report_unseen(run);
	}
	return run_end(run, rc, err);
}

int st_catalog_image_observed(struct st_image *img, struct st_inventory *inv,
			      const struct st_walk_options *opts,
			      const struct st_walk_observer *observer,
			      struct st_walk_layer_stats *stats, struct strata_error *err)
{
	struct walk_target t = {.img = img};
	struct catalog_run run;
	int rc;

	rc = run_begin(&run, inv, opts, err);
	if (rc < 0)
		return rc;
	run.visitor.observer = observer;
	return run_walks(&run, &t, opts, stats, err);
}

int st_catalog_layers(size_t count, st_layer_opener open, void *open_ctx,
		      const char *const *names, struct st_inventory *inv,
		      const struct st_walk_options *opts, struct st_walk_layer_stats *stats,
		      struct strata_error *err)
{
	struct walk_target t = {
		.count = count, .open = open, .open_ctx = open_ctx, .names = names};
	struct catalog_run run;
	int rc;

	rc = run_begin(&run, inv, opts, err);
	if (rc < 0)
		return rc;
	return run_walks(&run, &t, opts, stats, err);
}
