/* Parsers for the JSON documents of an image. Field names and media types
 * follow the OCI image spec (image-index.md, manifest.md, config.md,
 * image-layout.md, v1.1) and Docker's image manifest v2 schema 2; the
 * docker-archive manifest.json is the array written by `docker save`. */
#include <string.h>

#include <jansson.h>

#include "image/image_int.h"
#include "image/image_json.h"

#define ANNOTATION_REF_NAME "org.opencontainers.image.ref.name"
/* The name under which containerd and Docker with the containerd image
 * store save and load an image of an archive's index.json. */
#define ANNOTATION_IMAGE_NAME "io.containerd.image.name"
#define ANNOTATION_REF_TYPE "vnd.docker.reference.type"
#define ANNOTATION_REF_DIGEST "vnd.docker.reference.digest"

/* Context for one error message: "WHAT: FIELD". */
#define CTX_MAX 192

int st_doc_kind_from_media_type(const char *media_type)
{
	if (media_type == NULL)
		return ST_DOC_UNKNOWN;
	if (strcmp(media_type, ST_MT_OCI_INDEX) == 0 || strcmp(media_type, ST_MT_DOCKER_LIST) == 0)
		return ST_DOC_INDEX;
	if (strcmp(media_type, ST_MT_OCI_MANIFEST) == 0 ||
	    strcmp(media_type, ST_MT_DOCKER_MANIFEST) == 0)
		return ST_DOC_MANIFEST;
	return ST_DOC_UNKNOWN;
}

/* Parses TEXT after checking it against MAX bytes, named LIMIT_NAME in the
 * error, and against lim->json_depth. Repeated keys are rejected. */
static int load(json_t **root, struct st_slice text, uint64_t max, const char *limit_name,
		const struct strata_limits *lim, const char *what, struct strata_error *err)
{
	*root = NULL;
	if (text.len > max)
		return st_error_set(err, STRATA_ELIMIT, "%s: %zu bytes, over the %s limit of %llu",
				    what, text.len, limit_name, (unsigned long long)max);
	return st_json_parse(root, text, text.len, lim->json_depth, ST_JSON_STRICT, what, err);
}

static int no_memory(struct strata_error *err, const char *what)
{
	return st_error_set(err, STRATA_ENOMEM, "%s: out of memory", what);
}

/* Copies the JSON string V into the arena. A string with a NUL byte is
 * rejected because every consumer treats these as C strings. */
static int copy_string(char **out, json_t *v, struct st_arena *a, const char *what,
		       const char *field, struct strata_error *err)
{
	const char *s = json_string_value(v);
	size_t n = json_string_length(v);

	if (memchr(s, '\0', n) != NULL)
		return st_error_set(err, STRATA_ECORRUPT, "%s: %s contains a NUL byte", what, field);
	*out = st_arena_strndup(a, s, n);
	if (*out == NULL)
		return no_memory(err, what);
	return 0;
}

/* Copies string member KEY of OBJ into *OUT. A missing or null member
 * leaves *OUT NULL, and is an error only when REQUIRED. */
static int get_string(char **out, json_t *obj, const char *key, bool required,
		      struct st_arena *a, const char *what, struct strata_error *err)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (v == NULL || json_is_null(v)) {
		if (required)
			return st_error_set(err, STRATA_ECORRUPT, "%s: missing \"%s\"", what, key);
		return 0;
	}
	if (!json_is_string(v))
		return st_error_set(err, STRATA_ECORRUPT, "%s: \"%s\" is not a string", what, key);
	return copy_string(out, v, a, what, key, err);
}

/* Fetches array member KEY of OBJ. A missing or null member gives NULL,
 * and is an error only when REQUIRED. */
static int get_array(json_t **out, json_t *obj, const char *key, bool required,
		     const char *what, struct strata_error *err)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (v == NULL || json_is_null(v)) {
		if (required)
			return st_error_set(err, STRATA_ECORRUPT, "%s: missing \"%s\"", what, key);
		return 0;
	}
	if (!json_is_array(v))
		return st_error_set(err, STRATA_ECORRUPT, "%s: \"%s\" is not an array", what, key);
	*out = v;
	return 0;
}

static bool is_alg_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '.' ||
	       c == '_' || c == '-';
}

static bool is_encoded_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '=' || c == '_' || c == '-';
}

/* True for "ALGORITHM:ENCODED" in the character sets of the OCI digest
 * grammar (descriptor.md), without checking the algorithm's length rules. */
static bool is_digest_shaped(const char *d)
{
	const char *colon = strchr(d, ':');
	const char *p;

	if (colon == NULL || colon == d || colon[1] == '\0')
		return false;
	for (p = d; p < colon; p++) {
		if (!is_alg_char(*p))
			return false;
	}
	for (p = colon + 1; *p != '\0'; p++) {
		if (!is_encoded_char(*p))
			return false;
	}
	return true;
}

int st_image_check_digest(const char *digest, const char *what, struct strata_error *err)
{
	char shown[ST_QUOTE_MAX];

	if (st_digest_is_valid(digest))
		return 0;
	st_image_quote(shown, sizeof(shown), digest);
	if (strncmp(digest, "sha256:", 7) != 0 && is_digest_shaped(digest))
		return st_error_set(err, STRATA_EUNSUPPORTED,
				    "%s: digest '%s' uses an algorithm other than sha256", what,
				    shown);
	return st_error_set(err, STRATA_ECORRUPT, "%s: invalid digest '%s'", what, shown);
}

static int get_digest(char **out, json_t *obj, struct st_arena *a, const char *what,
		      struct strata_error *err)
{
	int rc = get_string(out, obj, "digest", true, a, what, err);

	if (rc < 0)
		return rc;
	return st_image_check_digest(*out, what, err);
}

/* Reads "size": a non-negative integer when present. */
static int get_size(struct st_descriptor *d, json_t *obj, const char *what,
		    struct strata_error *err)
{
	json_t *v = json_object_get(obj, "size");

	if (v == NULL)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return st_error_set(err, STRATA_ECORRUPT, "%s: \"size\" is not a non-negative integer",
				    what);
	d->size = (uint64_t)json_integer_value(v);
	d->has_size = true;
	return 0;
}

static int parse_platform(struct st_descriptor *d, json_t *obj, struct st_arena *a,
			  const char *what, struct strata_error *err)
{
	json_t *p = json_object_get(obj, "platform");
	int rc;

	if (p == NULL || json_is_null(p))
		return 0;
	if (!json_is_object(p))
		return st_error_set(err, STRATA_ECORRUPT, "%s: \"platform\" is not an object", what);
	rc = get_string(&d->os, p, "os", false, a, what, err);
	if (rc < 0)
		return rc;
	rc = get_string(&d->architecture, p, "architecture", false, a, what, err);
	if (rc < 0)
		return rc;
	return get_string(&d->variant, p, "variant", false, a, what, err);
}

static int parse_annotations(struct st_descriptor *d, json_t *obj, struct st_arena *a,
			     const char *what, struct strata_error *err)
{
	json_t *an = json_object_get(obj, "annotations");
	char *ref_type = NULL;
	int rc;

	if (an == NULL || json_is_null(an))
		return 0;
	if (!json_is_object(an))
		return st_error_set(err, STRATA_ECORRUPT, "%s: \"annotations\" is not an object",
				    what);
	rc = get_string(&d->ref_name, an, ANNOTATION_REF_NAME, false, a, what, err);
	if (rc < 0)
		return rc;
	rc = get_string(&d->image_name, an, ANNOTATION_IMAGE_NAME, false, a, what, err);
	if (rc < 0)
		return rc;
	rc = get_string(&ref_type, an, ANNOTATION_REF_TYPE, false, a, what, err);
	if (rc < 0)
		return rc;
	/* BuildKit lists provenance and SBOM attestations next to the images
	 * of an index, with platform unknown/unknown and this annotation. */
	d->attestation = ref_type != NULL && strcmp(ref_type, "attestation-manifest") == 0;
	rc = get_string(&d->subject, an, ANNOTATION_REF_DIGEST, false, a, what, err);
	if (rc < 0)
		return rc;
	/* The subject only selects which attestations to report, so an
	 * invalid one is dropped rather than failing the image. */
	if (d->subject != NULL && !st_digest_is_valid(d->subject))
		d->subject = NULL;
	return 0;
}

/* Copies the strings of array LIST into *OUT (count *COUNT). */
static int get_string_array(char ***out, size_t *count, json_t *list, struct st_arena *a,
			    const char *what, const char *field, struct strata_error *err)
{
	char ctx[CTX_MAX];
	size_t i;
	int rc;

	*out = NULL;
	*count = json_array_size(list);
	if (*count == 0)
		return 0;
	*out = st_arena_array(a, *count, sizeof(**out));
	if (*out == NULL)
		return no_memory(err, what);
	for (i = 0; i < *count; i++) {
		json_t *v = json_array_get(list, i);

		snprintf(ctx, sizeof(ctx), "%s[%zu]", field, i);
		if (!json_is_string(v))
			return st_error_set(err, STRATA_ECORRUPT, "%s: %s is not a string", what,
					    ctx);
		rc = copy_string(&(*out)[i], v, a, what, ctx, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int parse_urls(struct st_descriptor *d, json_t *obj, struct st_arena *a,
		      const char *what, struct strata_error *err)
{
	json_t *list;
	int rc;

	rc = get_array(&list, obj, "urls", false, what, err);
	if (rc < 0 || list == NULL)
		return rc;
	return get_string_array(&d->urls, &d->url_count, list, a, what, "urls", err);
}

static int parse_descriptor(struct st_descriptor *d, json_t *obj, struct st_arena *a,
			    const char *what, struct strata_error *err)
{
	int rc;

	memset(d, 0, sizeof(*d));
	if (!json_is_object(obj))
		return st_error_set(err, STRATA_ECORRUPT, "%s: descriptor is not an object", what);
	rc = get_string(&d->media_type, obj, "mediaType", false, a, what, err);
	if (rc < 0)
		return rc;
	rc = get_digest(&d->digest, obj, a, what, err);
	if (rc < 0)
		return rc;
	rc = get_size(d, obj, what, err);
	if (rc < 0)
		return rc;
	rc = parse_platform(d, obj, a, what, err);
	if (rc < 0)
		return rc;
	rc = get_string(&d->artifact_type, obj, "artifactType", false, a, what, err);
	if (rc < 0)
		return rc;
	d->artifact = d->artifact_type != NULL;
	rc = parse_urls(d, obj, a, what, err);
	if (rc < 0)
		return rc;
	return parse_annotations(d, obj, a, what, err);
}

/* Checks "schemaVersion": 2. Docker's signed v2 schema 1 is unsupported. */
static int check_schema_version(json_t *root, const char *what, struct strata_error *err)
{
	json_t *v = json_object_get(root, "schemaVersion");

	if (v == NULL)
		return st_error_set(err, STRATA_ECORRUPT, "%s: missing \"schemaVersion\"", what);
	if (!json_is_integer(v))
		return st_error_set(err, STRATA_ECORRUPT, "%s: \"schemaVersion\" is not an integer",
				    what);
	if (json_integer_value(v) == 1)
		return st_error_set(err, STRATA_EUNSUPPORTED,
				    "%s: Docker image manifest v2 schema 1 is not supported", what);
	if (json_integer_value(v) != 2)
		return st_error_set(err, STRATA_EUNSUPPORTED, "%s: schemaVersion %lld is not supported",
				    what, (long long)json_integer_value(v));
	return 0;
}

/* Reads the document's own mediaType and checks that it is of kind WANT. */
static int check_media_type(char **out, json_t *root, int want, struct st_arena *a,
			    const char *what, struct strata_error *err)
{
	char shown[ST_QUOTE_MAX];
	int rc = get_string(out, root, "mediaType", false, a, what, err);

	if (rc < 0 || *out == NULL)
		return rc;
	if (st_doc_kind_from_media_type(*out) == want)
		return 0;
	st_image_quote(shown, sizeof(shown), *out);
	return st_error_set(err, STRATA_EUNSUPPORTED, "%s: media type '%s' is not an image %s", what,
			    shown, want == ST_DOC_INDEX ? "index" : "manifest");
}

int st_image_json_kind(int *kind, struct st_slice text, const struct strata_limits *lim,
		       const char *what, struct strata_error *err)
{
	json_t *root = NULL;
	json_t *mt;
	int rc;

	*kind = ST_DOC_UNKNOWN;
	rc = load(&root, text, lim->manifest_bytes, "manifest_bytes", lim, what, err);
	if (rc < 0)
		return rc;
	if (!json_is_object(root)) {
		rc = st_error_set(err, STRATA_ECORRUPT, "%s: not a JSON object", what);
		goto out;
	}
	mt = json_object_get(root, "mediaType");
	if (mt != NULL && json_is_string(mt))
		*kind = st_doc_kind_from_media_type(json_string_value(mt));
	else if (json_object_get(root, "manifests") != NULL)
		*kind = ST_DOC_INDEX;
	else if (json_object_get(root, "config") != NULL)
		*kind = ST_DOC_MANIFEST;

out:
	json_decref(root);
	return rc;
}

int st_image_parse_index(struct st_index *out, struct st_slice text,
			 const struct strata_limits *lim, struct st_arena *arena,
			 const char *what, struct strata_error *err)
{
	char ctx[CTX_MAX];
	json_t *root = NULL;
	json_t *list;
	size_t i;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = load(&root, text, lim->manifest_bytes, "manifest_bytes", lim, what, err);
	if (rc < 0)
		return rc;
	if (!json_is_object(root)) {
		rc = st_error_set(err, STRATA_ECORRUPT, "%s: not a JSON object", what);
		goto out;
	}
	rc = check_schema_version(root, what, err);
	if (rc < 0)
		goto out;
	rc = check_media_type(&out->media_type, root, ST_DOC_INDEX, arena, what, err);
	if (rc < 0)
		goto out;
	rc = get_array(&list, root, "manifests", true, what, err);
	if (rc < 0)
		goto out;

	out->count = json_array_size(list);
	if (out->count > 0) {
		out->manifests = st_arena_array(arena, out->count, sizeof(*out->manifests));
		if (out->manifests == NULL) {
			rc = no_memory(err, what);
			goto out;
		}
	}
	for (i = 0; i < out->count; i++) {
		snprintf(ctx, sizeof(ctx), "%s: manifests[%zu]", what, i);
		rc = parse_descriptor(&out->manifests[i], json_array_get(list, i), arena, ctx, err);
		if (rc < 0)
			goto out;
	}

out:
	json_decref(root);
	return rc;
}

/* True for a config descriptor whose media type is an image config, or
 * absent: other artifacts (Helm charts, signatures) reuse the manifest
 * format with their own config type. */
static bool is_image_config(const struct st_descriptor *d)
{
	return d->media_type == NULL || strcmp(d->media_type, ST_MT_OCI_CONFIG) == 0 ||
	       strcmp(d->media_type, ST_MT_DOCKER_CONFIG) == 0;
}

const char *st_manifest_artifact_type(const struct st_manifest *m)
{
	if (m->artifact_type != NULL)
		return m->artifact_type;
	if (m->config.media_type != NULL)
		return m->config.media_type;
	return "unknown";
}

int st_manifest_check_image(const struct st_manifest *m, const char *what,
			    struct strata_error *err)
{
	char shown[ST_QUOTE_MAX];

	if (!m->artifact)
		return 0;
	st_image_quote(shown, sizeof(shown), st_manifest_artifact_type(m));
	return st_error_set(err, STRATA_EUNSUPPORTED,
			    "%s: an artifact of type '%s', not a container image", what, shown);
}

/* Reads the OCI 1.1 fields that mark an artifact: artifactType and the
 * subject descriptor (image-spec manifest.md). */
static int parse_artifact_fields(struct st_manifest *out, json_t *root,
				 struct st_arena *arena, const char *what,
				 struct strata_error *err)
{
	struct st_descriptor subject;
	char ctx[CTX_MAX];
	json_t *v;
	int rc;

	rc = get_string(&out->artifact_type, root, "artifactType", false, arena, what, err);
	if (rc < 0)
		return rc;
	v = json_object_get(root, "subject");
	if (v != NULL && !json_is_null(v)) {
		snprintf(ctx, sizeof(ctx), "%s: subject", what);
		rc = parse_descriptor(&subject, v, arena, ctx, err);
		if (rc < 0)
			return rc;
		out->subject = subject.digest;
	}
	out->artifact = out->artifact_type != NULL || out->subject != NULL ||
			!is_image_config(&out->config);
	return 0;
}

static int parse_layer_list(struct st_manifest *out, json_t *list,
			    const struct strata_limits *lim, struct st_arena *arena,
			    const char *what, struct strata_error *err)
{
	char ctx[CTX_MAX];
	size_t i;
	int rc;

	out->layer_count = json_array_size(list);
	if (out->layer_count > lim->layers)
		return st_error_set(err, STRATA_ELIMIT, "%s: %zu layers, over the layers limit of %u",
				    what, out->layer_count, lim->layers);
	if (out->layer_count == 0)
		return 0;
	out->layers = st_arena_array(arena, out->layer_count, sizeof(*out->layers));
	if (out->layers == NULL)
		return no_memory(err, what);
	for (i = 0; i < out->layer_count; i++) {
		snprintf(ctx, sizeof(ctx), "%s: layers[%zu]", what, i);
		rc = parse_descriptor(&out->layers[i], json_array_get(list, i), arena, ctx, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int st_image_parse_manifest(struct st_manifest *out, struct st_slice text,
			    const struct strata_limits *lim, struct st_arena *arena,
			    const char *what, struct strata_error *err)
{
	char ctx[CTX_MAX];
	json_t *root = NULL;
	json_t *list;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = load(&root, text, lim->manifest_bytes, "manifest_bytes", lim, what, err);
	if (rc < 0)
		return rc;
	if (!json_is_object(root)) {
		rc = st_error_set(err, STRATA_ECORRUPT, "%s: not a JSON object", what);
		goto out;
	}
	rc = check_schema_version(root, what, err);
	if (rc < 0)
		goto out;
	rc = check_media_type(&out->media_type, root, ST_DOC_MANIFEST, arena, what, err);
	if (rc < 0)
		goto out;

	snprintf(ctx, sizeof(ctx), "%s: config", what);
	if (json_object_get(root, "config") == NULL) {
		rc = st_error_set(err, STRATA_ECORRUPT, "%s: missing \"config\"", what);
		goto out;
	}
	rc = parse_descriptor(&out->config, json_object_get(root, "config"), arena, ctx, err);
	if (rc < 0)
		goto out;
	rc = parse_artifact_fields(out, root, arena, what, err);
	if (rc < 0)
		goto out;

	rc = get_array(&list, root, "layers", true, what, err);
	if (rc < 0)
		goto out;
	rc = parse_layer_list(out, list, lim, arena, what, err);

out:
	json_decref(root);
	return rc;
}

static int parse_rootfs(struct st_config *out, json_t *root, const struct strata_limits *lim,
			struct st_arena *arena, const char *what, struct strata_error *err)
{
	char ctx[CTX_MAX];
	json_t *rootfs = json_object_get(root, "rootfs");
	json_t *list;
	char *type = NULL;
	size_t i;
	int rc;

	if (rootfs == NULL || !json_is_object(rootfs))
		return st_error_set(err, STRATA_ECORRUPT, "%s: missing \"rootfs\" object", what);
	rc = get_string(&type, rootfs, "type", true, arena, what, err);
	if (rc < 0)
		return rc;
	if (strcmp(type, "layers") != 0)
		return st_error_set(err, STRATA_EUNSUPPORTED, "%s: rootfs type is not \"layers\"",
				    what);
	rc = get_array(&list, rootfs, "diff_ids", true, what, err);
	if (rc < 0)
		return rc;
	if (json_array_size(list) > lim->layers)
		return st_error_set(err, STRATA_ELIMIT,
				    "%s: %zu diff_ids, over the layers limit of %u", what,
				    json_array_size(list), lim->layers);
	rc = get_string_array(&out->diff_ids, &out->diff_id_count, list, arena, what, "diff_ids",
			      err);
	if (rc < 0)
		return rc;
	for (i = 0; i < out->diff_id_count; i++) {
		snprintf(ctx, sizeof(ctx), "%s: diff_ids[%zu]", what, i);
		rc = st_image_check_digest(out->diff_ids[i], ctx, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Keeps the history entries that made a layer, in order, so that entry i
 * describes layer i. At most lim->layers + 1 are kept: enough to tell that
 * the history lists more layers than the image has. */
static int parse_history(struct st_config *out, json_t *root, const struct strata_limits *lim,
			 struct st_arena *arena, const char *what, struct strata_error *err)
{
	char ctx[CTX_MAX];
	json_t *list;
	size_t total;
	size_t keep;
	size_t i;
	int rc;

	rc = get_array(&list, root, "history", false, what, err);
	if (rc < 0 || list == NULL)
		return rc;
	total = json_array_size(list);
	keep = total < (size_t)lim->layers + 1 ? total : (size_t)lim->layers + 1;
	if (keep == 0)
		return 0;
	out->history = st_arena_array(arena, keep, sizeof(*out->history));
	if (out->history == NULL)
		return no_memory(err, what);
	for (i = 0; i < total; i++) {
		json_t *h = json_array_get(list, i);
		json_t *empty;
		struct st_history_entry *e;

		snprintf(ctx, sizeof(ctx), "%s: history[%zu]", what, i);
		if (!json_is_object(h))
			return st_error_set(err, STRATA_ECORRUPT, "%s: not an object", ctx);
		empty = json_object_get(h, "empty_layer");
		if (empty != NULL && !json_is_boolean(empty) && !json_is_null(empty))
			return st_error_set(err, STRATA_ECORRUPT,
					    "%s: \"empty_layer\" is not a boolean", ctx);
		if (empty != NULL && json_is_true(empty))
			continue;
		if (out->history_count == keep)
			break;
		e = &out->history[out->history_count];
		rc = get_string(&e->created, h, "created", false, arena, ctx, err);
		if (rc < 0)
			return rc;
		rc = get_string(&e->created_by, h, "created_by", false, arena, ctx, err);
		if (rc < 0)
			return rc;
		out->history_count++;
	}
	return 0;
}

int st_image_parse_config(struct st_config *out, struct st_slice text,
			  const struct strata_limits *lim, struct st_arena *arena,
			  const char *what, struct strata_error *err)
{
	json_t *root = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = load(&root, text, lim->config_bytes, "config_bytes", lim, what, err);
	if (rc < 0)
		return rc;
	if (!json_is_object(root)) {
		rc = st_error_set(err, STRATA_ECORRUPT, "%s: not a JSON object", what);
		goto out;
	}
	rc = get_string(&out->os, root, "os", true, arena, what, err);
	if (rc < 0)
		goto out;
	rc = get_string(&out->architecture, root, "architecture", true, arena, what, err);
	if (rc < 0)
		goto out;
	rc = get_string(&out->variant, root, "variant", false, arena, what, err);
	if (rc < 0)
		goto out;
	rc = parse_rootfs(out, root, lim, arena, what, err);
	if (rc < 0)
		goto out;
	rc = parse_history(out, root, lim, arena, what, err);

out:
	json_decref(root);
	return rc;
}

/* Reads the optional "LayerSources" object of a manifest.json entry:
 * diff_id -> descriptor. Only a diff_id that one of the entry's layers
 * has can match, so more sources than layers is an error. */
static int parse_layer_sources(struct st_docker_entry *e, json_t *obj, struct st_arena *arena,
			       const char *what, struct strata_error *err)
{
	char ctx[CTX_MAX];
	json_t *map = json_object_get(obj, "LayerSources");
	const char *key;
	json_t *v;
	size_t i = 0;
	int rc;

	if (map == NULL || json_is_null(map))
		return 0;
	if (!json_is_object(map))
		return st_error_set(err, STRATA_ECORRUPT, "%s: \"LayerSources\" is not an object",
				    what);
	if (json_object_size(map) > e->layer_count)
		return st_error_set(err, STRATA_ECORRUPT,
				    "%s: \"LayerSources\" has %zu entries for %zu layers", what,
				    json_object_size(map), e->layer_count);
	if (json_object_size(map) == 0)
		return 0;
	e->sources = st_arena_array(arena, json_object_size(map), sizeof(*e->sources));
	if (e->sources == NULL)
		return no_memory(err, what);
	json_object_foreach(map, key, v) {
		struct st_docker_source *src = &e->sources[i];

		snprintf(ctx, sizeof(ctx), "%.120s: \"LayerSources\"", what);
		rc = st_image_check_digest(key, ctx, err);
		if (rc < 0)
			return rc;
		src->diff_id = st_arena_strdup(arena, key);
		if (src->diff_id == NULL)
			return no_memory(err, what);
		snprintf(ctx, sizeof(ctx), "%.100s: \"LayerSources\" %.71s", what, key);
		rc = parse_descriptor(&src->desc, v, arena, ctx, err);
		if (rc < 0)
			return rc;
		i++;
	}
	e->source_count = i;
	return 0;
}

static int parse_docker_entry(struct st_docker_entry *e, json_t *obj,
			      const struct strata_limits *lim, struct st_arena *arena,
			      const char *what, struct strata_error *err)
{
	json_t *list;
	int rc;

	if (!json_is_object(obj))
		return st_error_set(err, STRATA_ECORRUPT, "%s: not an object", what);
	rc = get_string(&e->config, obj, "Config", true, arena, what, err);
	if (rc < 0)
		return rc;
	rc = get_array(&list, obj, "RepoTags", false, what, err);
	if (rc < 0)
		return rc;
	if (list != NULL) {
		rc = get_string_array(&e->repo_tags, &e->repo_tag_count, list, arena, what,
				      "RepoTags", err);
		if (rc < 0)
			return rc;
	}
	rc = get_array(&list, obj, "Layers", true, what, err);
	if (rc < 0)
		return rc;
	if (json_array_size(list) > lim->layers)
		return st_error_set(err, STRATA_ELIMIT, "%s: %zu layers, over the layers limit of %u",
				    what, json_array_size(list), lim->layers);
	rc = get_string_array(&e->layers, &e->layer_count, list, arena, what, "Layers", err);
	if (rc < 0)
		return rc;
	return parse_layer_sources(e, obj, arena, what, err);
}

int st_image_parse_docker_manifest(struct st_docker_manifest *out, struct st_slice text,
				   const struct strata_limits *lim, struct st_arena *arena,
				   const char *what, struct strata_error *err)
{
	char ctx[CTX_MAX];
	json_t *root = NULL;
	size_t i;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = load(&root, text, lim->manifest_bytes, "manifest_bytes", lim, what, err);
	if (rc < 0)
		return rc;
	if (!json_is_array(root)) {
		rc = st_error_set(err, STRATA_ECORRUPT, "%s: not a JSON array", what);
		goto out;
	}
	out->count = json_array_size(root);
	if (out->count == 0) {
		rc = st_error_set(err, STRATA_ECORRUPT, "%s: lists no image", what);
		goto out;
	}
	out->entries = st_arena_array(arena, out->count, sizeof(*out->entries));
	if (out->entries == NULL) {
		rc = no_memory(err, what);
		goto out;
	}
	for (i = 0; i < out->count; i++) {
		snprintf(ctx, sizeof(ctx), "%s: image %zu", what, i);
		rc = parse_docker_entry(&out->entries[i], json_array_get(root, i), lim, arena, ctx,
					err);
		if (rc < 0)
			goto out;
	}

out:
	json_decref(root);
	return rc;
}

int st_image_parse_layout(struct st_slice text, const struct strata_limits *lim,
			  const char *what, struct strata_error *err)
{
	char shown[ST_QUOTE_MAX];
	json_t *root = NULL;
	json_t *v;
	int rc;

	rc = load(&root, text, lim->manifest_bytes, "manifest_bytes", lim, what, err);
	if (rc < 0)
		return rc;
	v = json_is_object(root) ? json_object_get(root, "imageLayoutVersion") : NULL;
	if (v == NULL || !json_is_string(v)) {
		rc = st_error_set(err, STRATA_ECORRUPT, "%s: missing \"imageLayoutVersion\"", what);
		goto out;
	}
	if (strncmp(json_string_value(v), "1.", 2) != 0) {
		st_image_quote(shown, sizeof(shown), json_string_value(v));
		rc = st_error_set(err, STRATA_EUNSUPPORTED,
				  "%s: image layout version '%s' is not supported", what, shown);
	}

out:
	json_decref(root);
	return rc;
}
