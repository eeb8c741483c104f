/* OCI image layout (directory or tar): oci-layout, index.json, then the
 * chain of indexes down to one image manifest, its config and its layer
 * blobs, each read from blobs/sha256/<hex> and checked against its
 * descriptor. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "image/image_int.h"
#include "image/image_json.h"

/* Indexes followed below index.json before a manifest must appear. Real
 * images use one (a multi-platform index under index.json). */
#define MAX_INDEX_DEPTH 4

#define DEFAULT_PLATFORM "linux/amd64"

/* Room for the list of platforms or tags in a "not found" message. */

/* Manifests picked from an index, read, and found to be artifacts before
 * an image turns up. Each costs one blob read (one pass over a tar). */
#define MAX_SKIPPED_ARTIFACTS 64

/* The indexes read on the way to the image manifest: index.json and the
 * nested ones. Their attestation and artifact entries are reported. */
struct resolution {
	struct st_index levels[MAX_INDEX_DEPTH + 1];
	const char *digests[MAX_INDEX_DEPTH + 1]; /* of each level; [0] is NULL */
	size_t level_count;
	unsigned skipped; /* artifacts read and passed over */
};

struct platform {
	const char *os;
	const char *architecture;
	const char *variant; /* may be NULL */
	bool requested; /* given by the caller, not the default */
};

/* Other spellings of the Go architecture names of image configs, mapped
 * as containerd's platform normalization maps them. */
static const struct {
	const char *alias;
	const char *arch;
	const char *variant; /* set by the alias, or NULL */
} arch_aliases[] = {
	{"x86_64", "amd64", NULL}, {"x86-64", "amd64", NULL}, {"aarch64", "arm64", NULL},
	{"i386", "386", NULL},     {"armhf", "arm", "v7"},    {"armel", "arm", "v6"},
};

static void lower(char *s)
{
	for (; *s != '\0'; s++)
		*s = (char)tolower((unsigned char)*s);
}

static int parse_platform(struct platform *p, const char *text, struct st_arena *a,
			  struct strata_error *err)
{
	char *copy = st_arena_strdup(a, text != NULL ? text : DEFAULT_PLATFORM);
	char *slash;
	size_t i;

	memset(p, 0, sizeof(*p));
	p->requested = text != NULL;
	if (copy == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory");
	lower(copy);
	p->os = copy;
	slash = strchr(copy, '/');
	if (slash != NULL) {
		*slash = '\0';
		p->architecture = slash + 1;
		slash = strchr(slash + 1, '/');
	}
	if (slash != NULL) {
		*slash = '\0';
		p->variant = slash + 1;
	}
	if (p->os[0] == '\0' || p->architecture == NULL || p->architecture[0] == '\0' ||
	    (p->variant != NULL && (p->variant[0] == '\0' || strchr(p->variant, '/') != NULL)))
		return st_error_set(err, STRATA_EINVAL,
				    "invalid platform '%s': expected os/arch[/variant]", text);
	for (i = 0; i < ST_ARRAY_LEN(arch_aliases); i++) {
		if (strcmp(p->architecture, arch_aliases[i].alias) != 0)
			continue;
		p->architecture = arch_aliases[i].arch;
		if (p->variant == NULL && arch_aliases[i].variant != NULL)
			p->variant = arch_aliases[i].variant;
		break;
	}
	return 0;
}

/* The variant that an image of ARCH without one has: amd64 v1, arm64 v8,
 * 32-bit arm v7 (containerd's defaults), else none. */
static const char *default_variant(const char *arch)
{
	if (strcmp(arch, "amd64") == 0)
		return "v1";
	if (strcmp(arch, "arm64") == 0)
		return "v8";
	if (strcmp(arch, "arm") == 0)
		return "v7";
	return NULL;
}

/* The level N of a variant "vN", "VN" or "N" of one digit, or 0. */
static unsigned variant_level(const char *v)
{
	if (v != NULL && (v[0] == 'v' || v[0] == 'V'))
		v++;
	if (v == NULL || v[0] < '1' || v[0] > '9' || v[1] != '\0')
		return 0;
	return (unsigned)(v[0] - '0');
}

/* Scores of platform_score: an exact variant beats a compatible one,
 * whose level (1 to 9) is its score, and the default platform takes any
 * variant of its architecture last. */
#define PLATFORM_EXACT 100u
#define PLATFORM_ANY_VARIANT 10u
#define PLATFORM_DEFAULT_FALLBACK 1u

/* How WANT, a variant of ARCH, fits an image of variant HAVE: as
 * containerd's platforms.Only decides, an amd64 v3 machine runs v1 to v3
 * images and an arm v7 one v5 to v7 images, the closest level first. */
static unsigned variant_score(const char *arch, const char *have, const char *want)
{
	unsigned h;
	unsigned w;

	if (want == NULL)
		return have == NULL ? PLATFORM_EXACT : PLATFORM_ANY_VARIANT;
	if (have == NULL)
		return 0;
	if (strcasecmp(have, want) == 0)
		return PLATFORM_EXACT;
	h = variant_level(have);
	w = variant_level(want);
	if (h == 0 || w == 0 || h > w)
		return 0;
	if (h == w)
		return PLATFORM_EXACT;
	if (strcmp(arch, "amd64") == 0 || (strcmp(arch, "arm") == 0 && h >= 5))
		return h;
	return 0;
}

/* How well an image for OS/ARCH with variant VARIANT (NULL or "" when it
 * names none) fits the platform P: 0 when it does not run there, else
 * higher for a better fit. A missing variant, on either side, is the
 * architecture's default one. Without a --platform, an image of any
 * variant of the architecture is taken when none fits better. */
static unsigned platform_score(const char *os, const char *arch, const char *variant,
			       const struct platform *p)
{
	const char *want = p->variant != NULL ? p->variant : default_variant(p->architecture);
	unsigned score;

	if (os == NULL || arch == NULL || strcasecmp(os, p->os) != 0 ||
	    strcasecmp(arch, p->architecture) != 0)
		return 0;
	if (variant == NULL || variant[0] == '\0')
		variant = default_variant(p->architecture);
	score = variant_score(p->architecture, variant, want);
	if (score == 0 && !p->requested)
		return PLATFORM_DEFAULT_FALLBACK;
	return score;
}

/* True for an index entry that may be an image: not an attestation or an
 * artifact, not a platform "unknown", and a manifest or index media type
 * when one is set. */
static bool is_candidate(const struct st_descriptor *d)
{
	if (d->attestation || d->artifact || (d->os != NULL && strcmp(d->os, "unknown") == 0))
		return false;
	return d->media_type == NULL || st_doc_kind_from_media_type(d->media_type) != ST_DOC_UNKNOWN;
}

static void list_platforms(char *buf, const struct st_descriptor *list, size_t count)
{
	char one[3 * ST_QUOTE_MAX];
	size_t i;

	buf[0] = '\0';
	for (i = 0; i < count; i++) {
		const struct st_descriptor *d = &list[i];

		if (!is_candidate(d))
			continue;
		if (d->os == NULL || d->architecture == NULL)
			snprintf(one, sizeof(one), "(no platform)");
		else
			snprintf(one, sizeof(one), "%.80s/%.80s%s%.80s", d->os, d->architecture,
				 d->variant != NULL && d->variant[0] != '\0' ? "/" : "",
				 d->variant != NULL ? d->variant : "");
		st_image_add_choice(buf, one);
	}
}

/* Fails for an index of COUNT entries that lists no image, saying what it
 * lists instead: an artifact (named by the type of the first) or a
 * BuildKit attestation is no image to scan. WHAT names the index. */
static int no_image(const struct st_descriptor *list, size_t count, const char *what,
		    struct strata_error *err)
{
	char type[ST_QUOTE_MAX];
	char parts[2][ST_QUOTE_MAX + 64];
	size_t artifacts = 0;
	size_t attestations = 0;
	size_t i;

	type[0] = '\0';
	for (i = 0; i < count; i++) {
		if (list[i].attestation) {
			attestations++;
		} else if (list[i].artifact) {
			if (artifacts++ == 0 && list[i].artifact_type != NULL)
				st_image_quote(type, sizeof(type), list[i].artifact_type);
		}
	}
	if (artifacts == 0 && attestations == 0)
		return st_error_set(err, STRATA_ENOTFOUND, "%s: lists no image", what);
	parts[0][0] = parts[1][0] = '\0';
	if (artifacts > 0 && type[0] == '\0')
		snprintf(parts[0], sizeof(parts[0]), "%zu artifact%s", artifacts,
			 artifacts == 1 ? "" : "s");
	else if (artifacts > 0)
		snprintf(parts[0], sizeof(parts[0]), "%zu artifact%s (%s%s)", artifacts,
			 artifacts == 1 ? "" : "s", type, artifacts == 1 ? "" : ", ...");
	if (attestations > 0)
		snprintf(parts[1], sizeof(parts[1]), "%s%zu attestation%s",
			 artifacts > 0 ? " and " : "", attestations, attestations == 1 ? "" : "s");
	return st_error_set(err, STRATA_ENOTFOUND,
			    "%s: lists no image, only %s%s, which strata does not scan", what,
			    parts[0], parts[1]);
}

/* Picks the image of an index: its only candidate entry, or the entry
 * that fits platform P best, the first of those that fit alike. WHAT
 * names the index in errors. */
static int select_entry(const struct st_descriptor **out, const struct st_descriptor *list,
			size_t count, const struct platform *p, const char *what,
			struct strata_error *err)
{
	char choices[ST_CHOICES_MAX];
	const struct st_descriptor *only = NULL;
	size_t candidates = 0;
	size_t with_platform = 0;
	unsigned best = 0;
	size_t i;

	*out = NULL;
	for (i = 0; i < count; i++) {
		if (!is_candidate(&list[i]))
			continue;
		/* An entry repeated with the same digest is the same image. */
		if (only != NULL && strcmp(only->digest, list[i].digest) == 0 &&
		    candidates == 1)
			continue;
		candidates++;
		only = &list[i];
		if (list[i].os != NULL && list[i].architecture != NULL)
			with_platform++;
	}
	if (candidates == 0)
		return no_image(list, count, what, err);
	if (candidates == 1 && (!p->requested || only->os == NULL || only->architecture == NULL ||
				platform_score(only->os, only->architecture, only->variant, p) > 0)) {
		*out = only;
		return 0;
	}
	for (i = 0; i < count; i++) {
		const struct st_descriptor *d = &list[i];
		unsigned score;

		if (!is_candidate(d))
			continue;
		score = platform_score(d->os, d->architecture, d->variant, p);
		if (score > best) {
			best = score;
			*out = d;
		}
	}
	if (*out != NULL)
		return 0;
	/* NOTE: nested indexes without a platform are not searched for
	 * one, as containerd would. */
	if (with_platform == 0)
		return st_error_set(err, STRATA_EINVAL,
				    "%s: lists %zu images; select one with :TAG or @sha256:DIGEST",
				    what, candidates);
	list_platforms(choices, list, count);
	return st_error_set(err, STRATA_ENOTFOUND, "%s: no image for platform %s/%s%s%s; available: %s",
			    what, p->os, p->architecture, p->variant != NULL ? "/" : "",
			    p->variant != NULL ? p->variant : "", choices);
}

/* Picks the entries of index.json tagged TAG, then one of them. */
static int select_tagged(const struct st_descriptor **out, const struct st_index *index,
			 const char *tag, const struct platform *p, struct st_arena *a,
			 const char *what, struct strata_error *err)
{
	char choices[ST_CHOICES_MAX];
	char shown[ST_QUOTE_MAX];
	struct st_descriptor *tagged;
	size_t n = 0;
	size_t i;

	if (index->count == 0)
		return st_error_set(err, STRATA_ENOTFOUND, "%s: lists no image", what);
	tagged = st_arena_array(a, index->count, sizeof(*tagged));
	if (tagged == NULL)
		return st_error_set(err, STRATA_ENOMEM, "%s: out of memory", what);
	choices[0] = '\0';
	for (i = 0; i < index->count; i++) {
		const struct st_descriptor *d = &index->manifests[i];

		if (d->ref_name != NULL && strcmp(d->ref_name, tag) == 0)
			tagged[n++] = *d;
		else if (d->ref_name != NULL)
			st_image_add_choice(choices, d->ref_name);
	}
	st_image_quote(shown, sizeof(shown), tag);
	if (n > 0) {
		int rc = select_entry(out, tagged, n, p, what, err);
		size_t images = 0;

		if (rc != STRATA_EINVAL)
			return rc;
		/* Several images share the tag and have no platform, so only a
		 * digest can select one. The list names each image once. */
		choices[0] = '\0';
		for (i = 0; i < n; i++) {
			size_t j;

			if (!is_candidate(&tagged[i]))
				continue;
			for (j = 0; j < i; j++) {
				if (is_candidate(&tagged[j]) &&
				    strcmp(tagged[j].digest, tagged[i].digest) == 0)
					break;
			}
			if (j < i)
				continue;
			images++;
			st_image_add_choice(choices, tagged[i].digest);
		}
		return st_error_set(err, STRATA_EINVAL,
				    "%s: %zu images are tagged '%s'; select one with @sha256:DIGEST: %s",
				    what, images, shown, choices);
	}
	return st_error_set(err, STRATA_ENOTFOUND, "%s: no image tagged '%s'; tags: %s", what,
			    shown, choices[0] != '\0' ? choices : "(none)");
}

/* Selects the entry of index.json named by the reference: its digest, its
 * tag, or else the platform. The result points into INDEX or the arena. */
static int select_top(const struct st_descriptor **out, const struct st_index *index,
		      const char *tag, const char *digest, const struct platform *p,
		      struct st_arena *a, const char *what, struct strata_error *err)
{
	size_t i;

	if (digest != NULL) {
		for (i = 0; i < index->count; i++) {
			if (strcmp(index->manifests[i].digest, digest) == 0) {
				*out = &index->manifests[i];
				return 0;
			}
		}
		return st_error_set(err, STRATA_ENOTFOUND, "%s: no manifest %s", what, digest);
	}
	if (tag != NULL)
		return select_tagged(out, index, tag, p, a, what, err);
	return select_entry(out, index->manifests, index->count, p, what, err);
}

/* Reads the blob of D and sets *KIND to index or manifest. The media type
 * of D and the blob's own media type must agree. */
static int read_document(int *kind, struct st_buf *blob, struct st_image *img,
			 const struct st_descriptor *d, struct strata_error *err)
{
	struct st_image_impl *impl = st_image_impl(img);
	int want = st_doc_kind_from_media_type(d->media_type);
	const char *noun = want == ST_DOC_INDEX ? "index" : "manifest";
	char what[160];
	int rc;

	snprintf(what, sizeof(what), "%s: %s %s", img->path, noun, d->digest);
	rc = st_store_read_blob(&impl->store, d, impl->limits.manifest_bytes, "manifest_bytes",
				noun, blob, err);
	if (rc < 0)
		return rc;
	rc = st_image_json_kind(kind, st_slice_make(blob->ptr, blob->len), &impl->limits, what,
				err);
	if (rc < 0)
		return rc;
	if (*kind != ST_DOC_UNKNOWN && want != ST_DOC_UNKNOWN && *kind != want)
		return st_error_set(err, STRATA_ECORRUPT,
				    "%s: the blob's media type differs from its descriptor's", what);
	if (*kind == ST_DOC_UNKNOWN)
		*kind = want;
	if (*kind == ST_DOC_UNKNOWN)
		return st_error_set(err, STRATA_EUNSUPPORTED,
				    "%s: neither an image manifest nor an image index", what);
	return 0;
}

/* Marks every entry of INDEX with DIGEST as the artifact that M is, so
 * that the next selection passes over it and the report lists it. */
static int mark_artifact(struct st_index *index, const char *digest, const struct st_manifest *m,
			 struct st_arena *arena, struct strata_error *err)
{
	char *type = st_arena_strdup(arena, st_manifest_artifact_type(m));
	size_t i;

	if (type == NULL)
		return st_error_set(err, STRATA_ENOMEM, "manifest %s: out of memory", digest);
	for (i = 0; i < index->count; i++) {
		struct st_descriptor *e = &index->manifests[i];

		if (strcmp(e->digest, digest) != 0)
			continue;
		e->artifact = true;
		if (e->artifact_type == NULL)
			e->artifact_type = type;
		if (e->subject == NULL)
			e->subject = m->subject;
	}
	return 0;
}

/* Rejects D, picked by digest from index.json, when its descriptor marks
 * it as an artifact. */
static int check_requested(const struct st_descriptor *d, const char *what,
			   struct strata_error *err)
{
	char shown[ST_QUOTE_MAX];

	if (!d->artifact)
		return 0;
	st_image_quote(shown, sizeof(shown), d->artifact_type);
	return st_error_set(err, STRATA_EUNSUPPORTED,
			    "%s: manifest %s is an artifact of type '%s', not a container image",
			    what, d->digest, shown);
}

/* Selects an entry at level R->level_count - 1: index.json by TAG, DIGEST
 * or platform, a nested index by platform. */
static int select_level(const struct st_descriptor **d, struct resolution *r, const char *tag,
			const char *digest, const struct platform *p, struct st_image *img,
			const char *what, struct strata_error *err)
{
	struct st_index *index = &r->levels[r->level_count - 1];
	int rc;

	if (r->level_count > 1)
		return select_entry(d, index->manifests, index->count, p, what, err);
	rc = select_top(d, index, tag, digest, p, &st_image_impl(img)->arena, what, err);
	if (rc == 0 && digest != NULL)
		rc = check_requested(*d, what, err);
	return rc;
}

/* Follows indexes from index.json (R->levels[0]) down to an image manifest
 * and parses it. An artifact picked by platform or tag is passed over and
 * the selection repeated; one requested by DIGEST is an error. *TOP is
 * the entry of index.json that led to the image. */
static int resolve_manifest(struct st_manifest *m, const struct st_descriptor **top,
			    struct resolution *r, const char *tag, const char *digest,
			    const struct platform *p, struct st_image *img,
			    struct strata_error *err)
{
	struct st_image_impl *impl = st_image_impl(img);
	const struct st_descriptor *d = NULL;
	struct st_buf blob;
	char what[160];
	int kind = ST_DOC_UNKNOWN;
	int rc = 0;

	st_buf_init(&blob, 0);
	for (;;) {
		const char *level = r->digests[r->level_count - 1];

		st_buf_dispose(&blob);
		if (level == NULL)
			snprintf(what, sizeof(what), "%s: index.json", img->path);
		else
			snprintf(what, sizeof(what), "%s: index %s", img->path, level);
		rc = select_level(&d, r, tag, digest, p, img, what, err);
		if (rc < 0)
			goto out;
		if (r->level_count == 1)
			*top = d;
		rc = read_document(&kind, &blob, img, d, err);
		if (rc < 0)
			goto out;
		snprintf(what, sizeof(what), "%s: %s %s", img->path,
			 kind == ST_DOC_INDEX ? "index" : "manifest", d->digest);
		if (kind == ST_DOC_MANIFEST) {
			rc = st_image_parse_manifest(m, st_slice_make(blob.ptr, blob.len),
						     &impl->limits, &impl->arena, what, err);
			if (rc < 0 || !m->artifact)
				break;
			if (r->level_count == 1 && digest != NULL) {
				rc = st_manifest_check_image(m, what, err);
				goto out;
			}
			if (++r->skipped > MAX_SKIPPED_ARTIFACTS) {
				rc = st_error_set(err, STRATA_ELIMIT,
						  "%s: more than %d artifacts listed before an image",
						  img->path, MAX_SKIPPED_ARTIFACTS);
				goto out;
			}
			rc = mark_artifact(&r->levels[r->level_count - 1], d->digest, m,
					   &impl->arena, err);
			if (rc < 0)
				goto out;
			continue;
		}
		if (r->level_count > MAX_INDEX_DEPTH) {
			rc = st_error_set(err, STRATA_ELIMIT,
					  "%s: indexes nested more than %d deep", what,
					  MAX_INDEX_DEPTH);
			goto out;
		}
		rc = st_image_parse_index(&r->levels[r->level_count],
					  st_slice_make(blob.ptr, blob.len), &impl->limits,
					  &impl->arena, what, err);
		if (rc < 0)
			goto out;
		r->digests[r->level_count] = d->digest;
		r->level_count++;
	}
	if (rc == 0)
		img->manifest_digest = d->digest;

out:
	st_buf_dispose(&blob);
	return rc;
}

/* Referrers --------------------------------------------------------- */

/* Lists the attestations and artifacts of the indexes that led to the
 * image (st_image_list_referrers). */
static int list_referrers(struct st_image *img, const struct resolution *r,
			  struct strata_error *err)
{
	return st_image_list_referrers(img, r->levels, r->level_count, err);
}

/* The error for an image without NAME (oci-layout or index.json), with a
 * hint at the form it may be: a docker-archive when it contains
 * manifest.json, or a root file system when it is a directory. */
static int layout_not_found(struct st_image *img, const char *name, struct strata_error *err)
{
	struct st_image_impl *impl = st_image_impl(img);
	struct st_member docker = {.name = "manifest.json"};
	struct strata_error ignored;

	strata_error_clear(&ignored);
	if (st_store_find(&impl->store, &docker, 1, &impl->arena, &ignored) == 0 && docker.found)
		return st_error_set(err, STRATA_ENOTFOUND,
				    "%s: %s not found, not an OCI image layout; it contains "
				    "manifest.json, so scan it as docker-archive:%s",
				    img->path, name, st_image_ref_path(img));
	if (impl->store.form == ST_FORM_OCI_DIR)
		return st_error_set(err, STRATA_ENOTFOUND,
				    "%s: %s not found, not an OCI image layout (scan a root "
				    "file system with dir:%s)",
				    img->path, name, img->path);
	return st_error_set(err, STRATA_ENOTFOUND, "%s: %s not found, not an OCI image layout",
			    img->path, name);
}

/* Reads oci-layout and index.json, found in one pass over a tar. */
static int read_layout(struct st_index *index, struct st_image *img, struct strata_error *err)
{
	struct st_image_impl *impl = st_image_impl(img);
	struct st_member m[] = {{.name = "oci-layout"}, {.name = "index.json"}};
	struct st_buf text;
	char what[160];
	size_t i;
	int rc;

	st_buf_init(&text, 0);
	rc = st_store_find(&impl->store, m, ST_ARRAY_LEN(m), &impl->arena, err);
	if (rc < 0)
		return rc;
	for (i = 0; i < ST_ARRAY_LEN(m); i++) {
		if (!m[i].found)
			return layout_not_found(img, m[i].name, err);
	}
	rc = st_store_read_member(&impl->store, m[0].resolved, impl->limits.manifest_bytes,
				  "manifest_bytes", &text, err);
	if (rc < 0)
		goto out;
	snprintf(what, sizeof(what), "%s: oci-layout", img->path);
	rc = st_image_parse_layout(st_slice_make(text.ptr, text.len), &impl->limits, what, err);
	if (rc < 0)
		goto out;
	st_buf_dispose(&text);
	rc = st_store_read_member(&impl->store, m[1].resolved, impl->limits.manifest_bytes,
				  "manifest_bytes", &text, err);
	if (rc < 0)
		goto out;
	snprintf(what, sizeof(what), "%s: index.json", img->path);
	rc = st_image_parse_index(index, st_slice_make(text.ptr, text.len), &impl->limits,
				  &impl->arena, what, err);

out:
	st_buf_dispose(&text);
	return rc;
}

int st_image_check_platform(const struct st_image *img, const char *platform,
			    struct strata_error *err)
{
	char have[3 * ST_QUOTE_MAX];
	char shown[ST_QUOTE_MAX];
	struct st_arena a;
	struct platform p;
	int rc;

	if (platform == NULL)
		return 0;
	st_arena_init(&a);
	rc = parse_platform(&p, platform, &a, err);
	if (rc == 0 && platform_score(img->os, img->architecture, img->variant, &p) == 0) {
		snprintf(have, sizeof(have), "%.80s/%.80s%s%.80s", img->os, img->architecture,
			 img->variant != NULL && img->variant[0] != '\0' ? "/" : "",
			 img->variant != NULL ? img->variant : "");
		st_image_quote(shown, sizeof(shown), have);
		rc = st_error_set(err, STRATA_ENOTFOUND, "%s: the image is for %s, not %s",
				  img->path, shown, platform);
	}
	st_arena_dispose(&a);
	return rc;
}

static int load_config(struct st_image *img, const struct st_manifest *m,
		       struct strata_error *err)
{
	struct st_image_impl *impl = st_image_impl(img);
	struct st_config config;
	char what[160];
	int rc;

	img->config_digest = m->config.digest;
	rc = st_store_read_blob(&impl->store, &m->config, impl->limits.config_bytes,
				"config_bytes", "config", &img->config, err);
	if (rc < 0)
		return rc;
	snprintf(what, sizeof(what), "%s: config %s", img->path, m->config.digest);
	rc = st_image_parse_config(&config, st_slice_make(img->config.ptr, img->config.len),
				   &impl->limits, &impl->arena, what, err);
	if (rc < 0)
		return rc;
	return st_image_apply_config(img, &config, m->layer_count, err);
}

/* True for the media types of layers that registries may keep out of an
 * image (Docker's foreign layers of Windows base images, and OCI's
 * non-distributable layers, deprecated in image-spec v1.1). */
static bool is_foreign_media_type(const char *media_type)
{
	static const char docker_foreign[] = "application/vnd.docker.image.rootfs.foreign.diff.tar";
	static const char oci_nondistributable[] =
		"application/vnd.oci.image.layer.nondistributable.v1.tar";

	if (media_type == NULL)
		return false;
	return strncmp(media_type, docker_foreign, sizeof(docker_foreign) - 1) == 0 ||
	       strncmp(media_type, oci_nondistributable, sizeof(oci_nondistributable) - 1) == 0;
}

/* Fills each layer from its descriptor and checks that its blob exists
 * with the size the descriptor gives. A foreign layer may lack its blob. */
/* Makes layer L read by the compression of its blob M's first bytes when
 * its media type names another, as containerd's decompressor picks one. */
static void follow_content(struct st_image *img, struct st_layer_info *l,
			   const struct st_member *m)
{
	static const char *const names[] = {
		[ST_COMPRESSION_NONE] = "an uncompressed tar",
		[ST_COMPRESSION_GZIP] = "gzip",
		[ST_COMPRESSION_ZSTD] = "zstd",
	};
	int content = st_layer_content_compression(m->magic, m->magic_len);
	char shown[ST_QUOTE_MAX];

	if (content < 0 || content == l->compression || l->media_type == NULL)
		return;
	st_image_quote(shown, sizeof(shown), l->media_type);
	st_diag(st_image_impl(img)->diag, ST_DIAG_WARN,
		"%s: layer %s: media type '%s' does not match the blob, which is %s; "
		"reading it as %s",
		img->path, l->digest, shown, names[content], names[content]);
	l->compression = content;
}

static int load_layers(struct st_image *img, const struct st_manifest *m,
		       struct strata_error *err)
{
	struct st_image_impl *impl = st_image_impl(img);
	struct st_member *found = NULL;
	char (*names)[ST_BLOB_NAME_MAX] = NULL;
	size_t i;
	int rc = 0;

	if (m->layer_count == 0)
		return 0;
	found = st_arena_array(&impl->arena, m->layer_count, sizeof(*found));
	names = st_arena_array(&impl->arena, m->layer_count, sizeof(*names));
	if (found == NULL || names == NULL)
		return st_error_set(err, STRATA_ENOMEM, "%s: out of memory", img->path);
	for (i = 0; i < m->layer_count; i++) {
		st_blob_name(names[i], m->layers[i].digest);
		found[i].name = names[i];
	}
	rc = st_store_find(&impl->store, found, m->layer_count, &impl->arena, err);
	if (rc < 0)
		return rc;

	for (i = 0; i < m->layer_count; i++) {
		const struct st_descriptor *d = &m->layers[i];
		struct st_layer_info *l = &img->layers[i];

		l->digest = d->digest;
		l->media_type = d->media_type;
		l->size = d->size;
		l->size_known = d->has_size;
		l->foreign = is_foreign_media_type(d->media_type);
		l->urls = d->urls;
		l->url_count = d->url_count;
		if (!found[i].found && l->foreign) {
			rc = st_layer_set_media_type(l, d->media_type, err);
			if (rc < 0)
				return st_error_prefix(err, "%s", img->path);
			st_image_skip_missing_layer(img, l);
			continue;
		}
		if (!found[i].found)
			return st_error_set(err, STRATA_ENOTFOUND, "%s: layer %s: blob not found",
					    img->path, d->digest);
		if (d->has_size && found[i].size != d->size)
			return st_error_set(err, STRATA_ECORRUPT,
					    "%s: layer %s: blob is %llu bytes, expected %llu from its descriptor",
					    img->path, d->digest, (unsigned long long)found[i].size,
					    (unsigned long long)d->size);
		if (d->media_type != NULL)
			rc = st_layer_set_media_type(l, d->media_type, err);
		else
			st_layer_sniff(l, found[i].magic, found[i].magic_len);
		if (rc < 0)
			return st_error_prefix(err, "%s", img->path);
		follow_content(img, l, &found[i]);
		impl->sources[i].member = found[i].resolved;
		impl->sources[i].digest_known = true;
	}
	return 0;
}

int st_oci_load(struct st_image *img, const char *tag, const char *digest,
		const char *platform, struct strata_error *err)
{
	struct st_image_impl *impl = st_image_impl(img);
	const struct st_descriptor *top = NULL;
	struct st_manifest manifest;
	struct resolution *r = NULL;
	struct platform p;
	int rc;

	rc = parse_platform(&p, platform, &impl->arena, err);
	if (rc < 0)
		return rc;
	r = st_arena_array(&impl->arena, 1, sizeof(*r));
	if (r == NULL)
		return st_error_set(err, STRATA_ENOMEM, "%s: out of memory", img->path);
	rc = read_layout(&r->levels[0], img, err);
	if (rc < 0)
		return rc;
	r->level_count = 1;

	rc = resolve_manifest(&manifest, &top, r, tag, digest, &p, img, err);
	if (rc < 0)
		return rc;
	img->tag = top->ref_name != NULL ? top->ref_name : st_arena_strdup(&impl->arena, tag);
	rc = list_referrers(img, r, err);
	if (rc < 0)
		return rc;
	rc = load_config(img, &manifest, err);
	if (rc < 0)
		return rc;
	return load_layers(img, &manifest, err);
}
