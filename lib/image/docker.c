/* docker-archive: the tar written by `docker save` and by skopeo. Its
 * manifest.json names the config and the layer members of each image by
 * path. Up to Docker 24, and in skopeo 1.9, these are "<hex>.json" and
 * uncompressed "<id>/layer.tar" or "<diff_id>.tar" members. Since Docker
 * 25 they are "blobs/sha256/<hex>" of an OCI layout in the same tar. */
#include <stdio.h>
#include <string.h>

#include "image/image_int.h"
#include "image/image_json.h"

static bool is_hex64(const char *s)
{
	size_t i;

	for (i = 0; i < ST_SHA256_HEX_LEN; i++) {
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	}
	return true;
}

/* Finds the digest that NAME claims for its content: "blobs/sha256/<hex>",
 * or "<hex>" + SUFFIX at the top of the archive. Writes "sha256:<hex>". */
static bool digest_from_name(char out[ST_SHA256_HEX_LEN + 8], const char *name,
			     const char *suffix)
{
	const char *hex = NULL;

	if (strncmp(name, "blobs/sha256/", 13) == 0 && strlen(name) == 13 + ST_SHA256_HEX_LEN)
		hex = name + 13;
	else if (strlen(name) == ST_SHA256_HEX_LEN + strlen(suffix) &&
		 strcmp(name + ST_SHA256_HEX_LEN, suffix) == 0)
		hex = name;
	if (hex == NULL || !is_hex64(hex))
		return false;
	snprintf(out, ST_SHA256_HEX_LEN + 8, "sha256:%.64s", hex);
	return true;
}

/* Picks the image of manifest.json named by SELECTOR: "@N" (from 0), an
 * entry of RepoTags, or the first image when SELECTOR is NULL. */
/* True when SELECTOR names the RepoTags entry TAG: the same string, or
 * SELECTOR without a tag and TAG with ":latest". */
static bool tag_matches(const char *tag, const char *selector)
{
	static const char latest[] = ":latest";
	const char *slash = strrchr(selector, '/');
	size_t n = strlen(selector);

	if (strcmp(tag, selector) == 0)
		return true;
	if (strchr(slash != NULL ? slash : selector, ':') != NULL)
		return false;
	return strncmp(tag, selector, n) == 0 && strcmp(tag + n, latest) == 0;
}

/* Counts the images that manifest.json DM lists: its entries with
 * distinct configs. */
static size_t count_listed(const struct st_docker_manifest *dm)
{
	size_t n = 0;
	size_t i;
	size_t j;

	for (i = 0; i < dm->count; i++) {
		for (j = 0; j < i; j++) {
			if (strcmp(dm->entries[j].config, dm->entries[i].config) == 0)
				break;
		}
		n += j == i;
	}
	return n;
}

static int select_image(const struct st_docker_entry **out, const struct st_docker_manifest *dm,
			const char *selector, struct st_image *img, struct strata_error *err)
{
	char shown[ST_QUOTE_MAX];
	char tags[ST_CHOICES_MAX];
	uint64_t n;
	size_t i;
	size_t j;

	if (selector == NULL) {
		size_t images = count_listed(dm);

		if (images > 1)
			st_diag(st_image_impl(img)->diag, ST_DIAG_WARN,
				"%s: manifest.json lists %zu images; using the first (pick one "
				"with docker-archive:%s:TAG or :@INDEX)",
				img->path, images, st_image_ref_path(img));
		*out = &dm->entries[0];
		return 0;
	}
	st_image_quote(shown, sizeof(shown), selector);
	if (selector[0] == '@') {
		if (!st_slice_to_u64(st_slice_cstr(selector + 1), &n))
			return st_error_set(err, STRATA_EINVAL, "invalid image index '%s'", shown);
		if (n >= dm->count)
			return st_error_set(err, STRATA_ENOTFOUND,
					    "%s: manifest.json has no image %s (%zu image%s)",
					    img->path, shown, dm->count, dm->count == 1 ? "" : "s");
		*out = &dm->entries[n];
		return 0;
	}
	/* NOTE: the name must equal a RepoTags entry as stored, such as
	 * "docker.io/library/busybox:latest", apart from the tag ":latest",
	 * which a name without a tag takes as docker does. Short registry
	 * and library names are not expanded. */
	for (i = 0; i < dm->count; i++) {
		for (j = 0; j < dm->entries[i].repo_tag_count; j++) {
			if (tag_matches(dm->entries[i].repo_tags[j], selector)) {
				*out = &dm->entries[i];
				return 0;
			}
		}
	}
	tags[0] = '\0';
	for (i = 0; i < dm->count; i++)
		for (j = 0; j < dm->entries[i].repo_tag_count; j++)
			st_image_add_choice(tags, dm->entries[i].repo_tags[j]);
	return st_error_set(err, STRATA_ENOTFOUND,
			    "%s: manifest.json has no image tagged '%s'; tags: %s", img->path,
			    shown, tags[0] != '\0' ? tags : "(none)");
}

static int read_manifest_json(struct st_docker_manifest *dm, struct st_image *img,
			      struct strata_error *err)
{
	struct st_image_impl *impl = st_image_impl(img);
	struct st_member m = {.name = "manifest.json"};
	struct st_buf text;
	char what[160];
	int rc;

	rc = st_store_find(&impl->store, &m, 1, &impl->arena, err);
	if (rc < 0)
		return rc;
	if (!m.found)
		return st_error_set(err, STRATA_ENOTFOUND,
				    "%s: manifest.json not found, not a docker-archive", img->path);
	rc = st_store_read_member(&impl->store, m.resolved, impl->limits.manifest_bytes,
				  "manifest_bytes", &text, err);
	if (rc == 0) {
		snprintf(what, sizeof(what), "%s: manifest.json", img->path);
		rc = st_image_parse_docker_manifest(dm, st_slice_make(text.ptr, text.len),
						    &impl->limits, &impl->arena, what, err);
	}
	st_buf_dispose(&text);
	return rc;
}

/* Looks up the config (member 0) and the layers (1..) of entry E. A
 * missing config is an error here. A missing layer is checked later,
 * once the config gives its diff_id (load_absent_layer). */
static int find_members(struct st_member **out, const struct st_docker_entry *e,
			struct st_image *img, struct strata_error *err)
{
	struct st_image_impl *impl = st_image_impl(img);
	struct st_member *m;
	char what[160];
	char shown[ST_QUOTE_MAX];
	size_t count = e->layer_count + 1;
	size_t i;
	int rc;

	m = st_arena_array(&impl->arena, count, sizeof(*m));
	if (m == NULL)
		return st_error_set(err, STRATA_ENOMEM, "%s: out of memory", img->path);
	snprintf(what, sizeof(what), "%s: manifest.json", img->path);
	for (i = 0; i < count; i++) {
		rc = st_member_name_check(&m[i].name, i == 0 ? e->config : e->layers[i - 1],
					  &impl->limits, &impl->arena, what, err);
		if (rc < 0)
			return rc;
	}
	rc = st_store_find(&impl->store, m, count, &impl->arena, err);
	if (rc < 0)
		return rc;
	if (!m[0].found) {
		st_image_quote(shown, sizeof(shown), m[0].name);
		return st_error_set(err, STRATA_ENOTFOUND, "%s: config '%s' not found", img->path,
				    shown);
	}
	*out = m;
	return 0;
}

static const struct st_docker_source *find_source(const struct st_docker_entry *e,
						  const char *diff_id)
{
	size_t i;

	for (i = 0; i < e->source_count; i++)
		if (strcmp(e->sources[i].diff_id, diff_id) == 0)
			return &e->sources[i];
	return NULL;
}

/* Fills layer I, whose member M is absent, from its LayerSources entry
 * SRC: a foreign layer, which the archive may leave out. Without such an
 * entry, the absent member is an error. */
static int load_absent_layer(struct st_image *img, size_t i, const struct st_member *m,
			     const struct st_docker_source *src, struct strata_error *err)
{
	struct st_layer_info *l = &img->layers[i];
	char shown[ST_QUOTE_MAX];
	int rc;

	if (src == NULL) {
		st_image_quote(shown, sizeof(shown), m->name);
		return st_error_set(err, STRATA_ENOTFOUND, "%s: layer %zu '%s' not found",
				    img->path, i, shown);
	}
	l->digest = src->desc.digest;
	l->size = src->desc.size;
	l->size_known = src->desc.has_size;
	/* The descriptor of an absent layer must name a layer media type. An
	 * error names it by its key, the diff_id. */
	rc = st_layer_set_media_type(l, src->desc.media_type, err);
	if (rc < 0)
		return st_error_prefix(err, "%s: manifest.json: \"LayerSources\" %s", img->path,
				       src->diff_id);
	st_image_impl(img)->sources[i].member = NULL;
	st_image_skip_missing_layer(img, l);
	return 0;
}

/* Reads and parses the config member. Its digest is computed from its
 * bytes and must match the digest in its name, if the name has one. */
static int load_config(struct st_image *img, const struct st_member *m, size_t layer_count,
		       struct strata_error *err)
{
	struct st_image_impl *impl = st_image_impl(img);
	char hex[ST_SHA256_HEX_LEN + 1];
	char claimed[ST_SHA256_HEX_LEN + 8];
	char what[160];
	struct st_config config;
	int rc;

	rc = st_store_read_member(&impl->store, m->resolved, impl->limits.config_bytes,
				  "config_bytes", &img->config, err);
	if (rc < 0)
		return rc;
	st_sha256_hex(img->config.ptr, img->config.len, hex);
	img->config_digest = st_arena_printf(&impl->arena, "sha256:%s", hex);
	if (img->config_digest == NULL)
		return st_error_set(err, STRATA_ENOMEM, "%s: out of memory", img->path);
	if (digest_from_name(claimed, m->resolved, ".json") &&
	    strcmp(claimed, img->config_digest) != 0)
		return st_error_set(err, STRATA_ECORRUPT,
				    "%s: config %s: digest mismatch, content is %s", img->path,
				    claimed, img->config_digest);
	snprintf(what, sizeof(what), "%s: config %s", img->path, img->config_digest);
	rc = st_image_parse_config(&config, st_slice_make(img->config.ptr, img->config.len),
				   &impl->limits, &impl->arena, what, err);
	if (rc < 0)
		return rc;
	return st_image_apply_config(img, &config, layer_count, err);
}

/* Fills layer I from member M. A name of the form "blobs/sha256/<hex>"
 * gives the stored digest, and so does "<hex>.tar" for an uncompressed
 * member, because skopeo names those by their diff_id. Otherwise the
 * digest is measured when the layer is read, and starts as a copy of the
 * diff_id. */
static int load_layer(struct st_image *img, size_t i, const struct st_member *m,
		      struct strata_error *err)
{
	struct st_image_impl *impl = st_image_impl(img);
	struct st_layer_info *l = &img->layers[i];
	char claimed[ST_SHA256_HEX_LEN + 8];
	bool named;

	st_layer_sniff(l, m->magic, m->magic_len);
	named = digest_from_name(claimed, m->resolved, ".tar");
	if (named && strncmp(m->resolved, "blobs/", 6) != 0 && l->compression != ST_COMPRESSION_NONE)
		named = false;
	l->digest = st_arena_strdup(&impl->arena, named ? claimed : l->diff_id);
	if (l->digest == NULL)
		return st_error_set(err, STRATA_ENOMEM, "%s: out of memory", img->path);
	l->size = m->size;
	l->size_known = false;
	impl->sources[i].member = m->resolved;
	impl->sources[i].digest_known = named;
	return 0;
}

/* Reads the index blob D into *OUT. */
static int read_nested_index(struct st_index *out, struct st_image *img,
			     const struct st_descriptor *d, const char *what,
			     struct strata_error *err)
{
	struct st_image_impl *impl = st_image_impl(img);
	struct st_buf blob;
	int rc;

	rc = st_store_read_blob(&impl->store, d, impl->limits.manifest_bytes, "manifest_bytes",
				"index", &blob, err);
	if (rc == 0)
		rc = st_image_parse_index(out, st_slice_make(blob.ptr, blob.len), &impl->limits,
					  &impl->arena, what, err);
	st_buf_dispose(&blob);
	return rc;
}

/* Looks in INDEX for the manifest whose config is the one loaded and sets
 * img->manifest_digest to it. Returns 1 when found, 0 when not, or an
 * error. Adds to *IMAGES the image manifests that it read. */
static int match_manifest(struct st_image *img, const struct st_index *index, const char *what,
			  size_t *images, struct strata_error *err)
{
	struct st_image_impl *impl = st_image_impl(img);
	size_t i;

	for (i = 0; i < index->count; i++) {
		const struct st_descriptor *d = &index->manifests[i];
		struct st_manifest manifest;
		struct st_buf blob;
		int rc;

		if (d->attestation || d->artifact ||
		    st_doc_kind_from_media_type(d->media_type) != ST_DOC_MANIFEST)
			continue;
		rc = st_store_read_blob(&impl->store, d, impl->limits.manifest_bytes,
					"manifest_bytes", "manifest", &blob, err);
		if (rc == 0)
			rc = st_image_parse_manifest(&manifest, st_slice_make(blob.ptr, blob.len),
						     &impl->limits, &impl->arena, what, err);
		st_buf_dispose(&blob);
		/* An archive may list platforms whose blobs it does not hold. */
		if (rc == STRATA_ENOTFOUND) {
			strata_error_clear(err);
			continue;
		}
		if (rc < 0)
			return rc;
		(*images)++;
		if (strcmp(manifest.config.digest, img->config_digest) == 0) {
			img->manifest_digest = d->digest;
			return 1;
		}
	}
	return 0;
}

/* Writes into OUT (CAP bytes) the full form of image reference REF, as
 * Docker reads it. Returns false when it does not fit. A first component
 * without '.', ':' or "localhost" is a path on Docker Hub ("docker.io",
 * also for "index.docker.io"). A Hub name without '/' is under library/.
 * A missing tag is ":latest". */
static bool full_reference(const char *ref, char *out, size_t cap)
{
	const char *slash = strchr(ref, '/');
	const char *rest = ref;
	const char *last;
	size_t domain_len = 0;
	const char *domain = "docker.io";
	bool library;
	bool tagged;
	int n;

	if (slash != NULL) {
		size_t first = (size_t)(slash - ref);

		if (memchr(ref, '.', first) != NULL || memchr(ref, ':', first) != NULL ||
		    (first == 9 && memcmp(ref, "localhost", 9) == 0)) {
			domain = ref;
			domain_len = first;
			rest = slash + 1;
		}
	}
	if (domain_len == 0)
		domain_len = strlen(domain);
	if (domain_len == 15 && memcmp(domain, "index.docker.io", 15) == 0) {
		domain = "docker.io";
		domain_len = 9;
	}
	library = domain_len == 9 && memcmp(domain, "docker.io", 9) == 0 &&
		  strchr(rest, '/') == NULL;
	last = strrchr(rest, '/');
	last = last != NULL ? last + 1 : rest;
	tagged = strchr(last, ':') != NULL || strchr(last, '@') != NULL;
	n = snprintf(out, cap, "%.*s/%s%s%s", (int)domain_len, domain, library ? "library/" : "",
		     rest, tagged ? "" : ":latest");
	return n > 0 && (size_t)n < cap;
}

/* Whether NAME, an io.containerd.image.name, is the image that a load
 * tags TAG (a RepoTags entry), both taken in full form. */
static bool names_tag(const char *name, const char *tag)
{
	char a[512];
	char b[512];

	if (!full_reference(name, a, sizeof(a)) || !full_reference(tag, b, sizeof(b)))
		return strcmp(name, tag) == 0;
	return strcmp(a, b) == 0;
}

/* Checks the entries of index.json (TOP) that name one of TAGS: each must
 * be, or hold for some platform, the image loaded from manifest.json. A
 * load by containerd tags that entry, so another image there would run
 * under the name this scan reports. Returns 0, 1 with the mismatch in
 * *MISMATCH, or an error reading the entries in *ERR. */
static int check_named_entries(struct st_image *img, const struct st_index *top,
			       char *const *tags, size_t tag_count, struct strata_error *err,
			       struct strata_error *mismatch)
{
	char what[160];
	size_t i;
	size_t t;
	int rc;

	for (i = 0; i < top->count; i++) {
		const struct st_descriptor *d = &top->manifests[i];
		struct st_index nested;
		size_t images = 0;

		for (t = 0; t < tag_count; t++) {
			if (d->image_name != NULL && names_tag(d->image_name, tags[t]))
				break;
		}
		if (t == tag_count)
			continue;
		snprintf(what, sizeof(what), "%s: index.json entry %.71s", img->path, d->digest);
		if (st_doc_kind_from_media_type(d->media_type) == ST_DOC_INDEX) {
			rc = read_nested_index(&nested, img, d, what, err);
			if (rc == 0)
				rc = match_manifest(img, &nested, what, &images, err);
		} else {
			struct st_descriptor plain = *d;
			struct st_index one = {.manifests = &plain, .count = 1};

			/* The name decides here, not an attestation annotation. */
			plain.attestation = false;
			plain.artifact = false;
			rc = match_manifest(img, &one, what, &images, err);
		}
		if (rc == STRATA_ENOTFOUND) {
			strata_error_clear(err);
			continue;
		}
		if (rc < 0)
			return rc;
		if (rc == 0 && images > 0) {
			st_error_set(mismatch, STRATA_ECORRUPT,
				     "%s: index.json gives the name %s to another image than the "
				     "one with config %s that manifest.json tags so, and containerd "
				     "loads the archive from index.json; scan oci-archive:%s to read "
				     "it",
				     img->path, tags[t], img->config_digest, img->path);
			return 1;
		}
	}
	return 0;
}

/* Whether manifest.json DM lists the image whose config has digest
 * CONFIG: Docker names a config file by its digest, HEX.json or
 * blobs/sha256/HEX. */
static bool lists_config(const struct st_docker_manifest *dm, const char *config)
{
	const char *hex = config + strlen("sha256:");
	size_t i;

	for (i = 0; i < dm->count; i++) {
		const char *name = strrchr(dm->entries[i].config, '/');

		name = name != NULL ? name + 1 : dm->entries[i].config;
		if (strncmp(name, hex, ST_SHA256_HEX_LEN) == 0 &&
		    (name[ST_SHA256_HEX_LEN] == '\0' || strcmp(name + ST_SHA256_HEX_LEN, ".json") == 0))
			return true;
	}
	return false;
}

/* Whether manifest D of index.json is an image that DM lists. A manifest
 * that cannot be read counts as listed: there is nothing to suggest. */
static bool manifest_listed(struct st_image *img, const struct st_descriptor *d,
			    const struct st_docker_manifest *dm)
{
	struct st_image_impl *impl = st_image_impl(img);
	struct st_manifest manifest;
	struct strata_error err;
	struct st_buf blob;
	int rc;

	strata_error_clear(&err);
	rc = st_store_read_blob(&impl->store, d, impl->limits.manifest_bytes, "manifest_bytes",
				"manifest", &blob, &err);
	if (rc == 0)
		rc = st_image_parse_manifest(&manifest, st_slice_make(blob.ptr, blob.len),
					     &impl->limits, &impl->arena, "index.json entry", &err);
	st_buf_dispose(&blob);
	return rc < 0 || lists_config(dm, manifest.config.digest);
}

/* Whether entry D of index.json contains only images that DM lists: it is
 * such a manifest, or an index whose manifests all are. */
static bool entry_listed(struct st_image *img, const struct st_descriptor *d,
			 const struct st_docker_manifest *dm)
{
	struct st_index nested;
	struct strata_error err;
	size_t i;

	if (st_doc_kind_from_media_type(d->media_type) == ST_DOC_MANIFEST)
		return manifest_listed(img, d, dm);
	strata_error_clear(&err);
	if (read_nested_index(&nested, img, d, "index.json entry", &err) < 0)
		return true;
	for (i = 0; i < nested.count; i++) {
		const struct st_descriptor *m = &nested.manifests[i];

		if (m->attestation || m->artifact ||
		    st_doc_kind_from_media_type(m->media_type) != ST_DOC_MANIFEST)
			continue;
		if (!manifest_listed(img, m, dm))
			return false;
	}
	return true;
}

/* Warns when index.json (TOP) lists an image that manifest.json (DM) does
 * not: containerd imports every image of index.json with the archive,
 * while this scan reads one image of manifest.json, and docker-archive:
 * reaches only those, so the other would run unscanned. SCANNED is the
 * digest of TOP's entry that contains the scanned image (its manifest, or
 * the index above it), or NULL. Repeated entries count once. */
static void note_unlisted_images(struct st_image *img, const struct st_index *top,
				 const struct st_docker_manifest *dm, const char *scanned)
{
	struct st_image_impl *impl = st_image_impl(img);
	const struct st_descriptor *other = NULL;
	size_t listed = count_listed(dm);
	char name[ST_QUOTE_MAX];
	char how[1280];
	size_t images = 0;
	size_t i;
	size_t j;

	for (i = 0; i < top->count; i++) {
		const struct st_descriptor *d = &top->manifests[i];
		int kind = st_doc_kind_from_media_type(d->media_type);

		if (d->attestation || d->artifact || (kind != ST_DOC_MANIFEST && kind != ST_DOC_INDEX))
			continue;
		for (j = 0; j < i; j++) {
			if (strcmp(top->manifests[j].digest, d->digest) == 0)
				break;
		}
		if (j < i)
			continue;
		images++;
		if (other == NULL && (scanned == NULL || strcmp(d->digest, scanned) != 0) &&
		    !entry_listed(img, d, dm))
			other = d;
	}
	if (other == NULL)
		return;
	name[0] = '\0';
	if (other->image_name != NULL || other->ref_name != NULL)
		st_image_quote(name, sizeof(name),
			       other->image_name != NULL ? other->image_name : other->ref_name);
	/* An archive read from standard input has no path to name. */
	if (impl->store.fd >= 0)
		snprintf(how, sizeof(how), "save the archive to a file and scan oci-archive:FILE@%s",
			 other->digest);
	else
		snprintf(how, sizeof(how), "scan oci-archive:%.1024s@%s", img->path, other->digest);
	st_diag(impl->diag, ST_DIAG_WARN,
		"%s: index.json lists %zu images and manifest.json %zu; containerd loads all of "
		"them from index.json, and this scan reads one (%s for the image%s%s, which "
		"manifest.json does not list)",
		img->path, images, listed, how, name[0] != '\0' ? " named " : "", name);
}

/* Docker 25+ archives also hold an OCI index.json. Its entries are the
 * images' manifests or, for an image with several platforms or with
 * BuildKit attestations, an index of them. Finds the manifest whose
 * config is the one loaded, in index.json or one index below it, so the
 * report can name the image by its manifest digest, and lists the
 * attestations and artifacts of the index where it was found.
 *
 * containerd loads such an archive from index.json when it has an
 * oci-layout file, so index.json must describe the same image. These are
 * errors: an index whose images all have another config, an entry named
 * with one of TAGS that is another image, and (with oci-layout) an
 * index.json that cannot be read. Without oci-layout, an unreadable index only leaves
 * manifest_digest NULL, with a debug message. An image in index.json that
 * manifest.json (DM) does not list gives a warning. */
static int find_manifest_digest(struct st_image *img, char *const *tags, size_t tag_count,
				const struct st_docker_manifest *dm, struct strata_error *out)
{
	const char *scanned = NULL; /* the entry of index.json that contains it */
	struct st_image_impl *impl = st_image_impl(img);
	struct st_member m[] = {{.name = "index.json"}, {.name = "oci-layout"}};
	struct strata_error err;
	struct st_index top;
	struct st_index nested;
	const struct st_index *found = NULL;
	struct st_buf text;
	char what[160];
	size_t images = 0;
	size_t i;
	int rc;

	strata_error_clear(&err);
	st_buf_init(&text, 0);
	if (st_store_find(&impl->store, m, ST_ARRAY_LEN(m), &impl->arena, &err) < 0 ||
	    !m[0].found)
		return 0;
	snprintf(what, sizeof(what), "%s: index.json", img->path);
	if (st_store_read_member(&impl->store, m[0].resolved, impl->limits.manifest_bytes,
				 "manifest_bytes", &text, &err) < 0 ||
	    st_image_parse_index(&top, st_slice_make(text.ptr, text.len), &impl->limits,
				 &impl->arena, what, &err) < 0)
		goto out;
	rc = match_manifest(img, &top, what, &images, &err);
	if (rc > 0) {
		found = &top;
		scanned = img->manifest_digest;
	}
	for (i = 0; rc == 0 && i < top.count; i++) {
		const struct st_descriptor *d = &top.manifests[i];

		if (st_doc_kind_from_media_type(d->media_type) != ST_DOC_INDEX)
			continue;
		snprintf(what, sizeof(what), "%s: index %.71s", img->path, d->digest);
		rc = read_nested_index(&nested, img, d, what, &err);
		/* An archive may leave out the blobs of other platforms. */
		if (rc == STRATA_ENOTFOUND) {
			strata_error_clear(&err);
			rc = 0;
			continue;
		}
		if (rc == 0)
			rc = match_manifest(img, &nested, what, &images, &err);
		if (rc > 0) {
			found = &nested;
			scanned = d->digest;
		}
	}
	if (rc >= 0)
		rc = check_named_entries(img, &top, tags, tag_count, &err, out);
	/* Without oci-layout, containerd does not load index.json. */
	if (rc == 0 && m[1].found)
		note_unlisted_images(img, &top, dm, scanned);
	if (rc == 1) {
		st_buf_dispose(&text);
		return out->code;
	}
	if (rc >= 0 && found != NULL) {
		struct strata_error ignored;

		strata_error_clear(&ignored);
		if (st_image_list_referrers(img, found, 1, &ignored) < 0) {
			img->attestations = NULL;
			img->attestation_count = 0;
			img->referrers = NULL;
			img->referrer_count = 0;
		}
	}

out:
	st_buf_dispose(&text);
	if (err.msg[0] != '\0' && m[1].found) {
		size_t n = strlen(img->path);
		/* The message already starts with the path. */
		const char *reason = strncmp(err.msg, img->path, n) == 0 && err.msg[n] == ':'
					     ? err.msg + n + 2
					     : err.msg;

		return st_error_set(out, err.code != 0 ? err.code : STRATA_ECORRUPT,
				    "%s: cannot check index.json against manifest.json, and "
				    "containerd loads the archive from index.json: %s",
				    img->path, reason);
	}
	if (err.msg[0] != '\0') {
		st_diag(impl->diag, ST_DIAG_DEBUG, "%s: index.json not used for the manifest digest "
			"and attestations: %s", img->path, err.msg);
		return 0;
	}
	if (found == NULL && images > 0)
		return st_error_set(out, STRATA_ECORRUPT,
				    "%s: manifest.json and index.json describe different images: "
				    "no image manifest in index.json (%zu read) has config %s, "
				    "and containerd loads the archive from index.json; scan "
				    "oci-archive:%s to read those images",
				    img->path, images, img->config_digest, img->path);
	return 0;
}

int st_docker_load(struct st_image *img, const char *selector, struct strata_error *err)
{
	struct st_docker_manifest dm;
	const struct st_docker_entry *e = NULL;
	struct st_member *m = NULL;
	size_t i;
	int rc;

	rc = read_manifest_json(&dm, img, err);
	if (rc < 0)
		return rc;
	rc = select_image(&e, &dm, selector, img, err);
	if (rc < 0)
		return rc;
	if (e->repo_tag_count > 0)
		img->tag = e->repo_tags[0];

	rc = find_members(&m, e, img, err);
	if (rc < 0)
		return rc;
	rc = load_config(img, &m[0], e->layer_count, err);
	if (rc < 0)
		return rc;
	for (i = 0; i < e->layer_count; i++) {
		const struct st_docker_source *src = find_source(e, img->layers[i].diff_id);

		/* Docker lists only foreign layers in LayerSources. */
		if (src != NULL) {
			img->layers[i].foreign = true;
			img->layers[i].urls = src->desc.urls;
			img->layers[i].url_count = src->desc.url_count;
		}
		if (m[i + 1].found)
			rc = load_layer(img, i, &m[i + 1], err);
		else
			rc = load_absent_layer(img, i, &m[i + 1], src, err);
		if (rc < 0)
			return rc;
	}
	return find_manifest_digest(img, e->repo_tags, e->repo_tag_count, &dm, err);
}
