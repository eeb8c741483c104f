/* Image source: parses a reference, detects the form of the image on disk,
 * and hands over to the docker-archive or OCI loader. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "image/image_int.h"
#include "image/image_json.h"

/* The parts of a reference, see st_image_open. */
struct reference {
	int form;
	bool prefixed;
	char *path;
	char *tag;      /* oci, oci-archive: ":TAG" */
	char *digest;   /* oci, oci-archive: "@sha256:..." */
	char *selector; /* docker-archive: what follows the path's ':' */
};

struct prefix {
	const char *text;
	int form;
};

/* The transports of skopeo and containers/image that name local files. */
static const struct prefix prefixes[] = {
	{"docker-archive:", ST_FORM_DOCKER_ARCHIVE},
	{"oci-archive:", ST_FORM_OCI_ARCHIVE},
	{"oci:", ST_FORM_OCI_DIR},
};

const char *st_image_form_name(int form)
{
	switch (form) {
	case ST_FORM_DOCKER_ARCHIVE:
		return "docker-archive";
	case ST_FORM_OCI_DIR:
		return "oci";
	case ST_FORM_OCI_ARCHIVE:
		return "oci-archive";
	default:
		return "unknown";
	}
}

void *st_arena_array(struct st_arena *a, size_t n, size_t size)
{
	size_t total;
	void *p;

	if (!st_mul_size(n, size, &total))
		return NULL;
	p = st_arena_alloc(a, total);
	if (p != NULL)
		memset(p, 0, total);
	return p;
}

static char *arena_slice(struct st_arena *a, const char *s, size_t n)
{
	return st_arena_strndup(a, s, n);
}

/* Splits "PATH[:TAG|@sha256:DIGEST]" after an oci prefix. As in skopeo,
 * the path ends at its first ':', so a path with ':' needs no prefix. A
 * digest may also follow a ':' ("PATH:@sha256:..."). */
static int split_oci(struct reference *r, char *rest, struct st_arena *a,
		     struct strata_error *err)
{
	char *at = strrchr(rest, '@');
	char *colon;
	size_t path_len;

	if (at != NULL && strncmp(at + 1, "sha256:", 7) == 0) {
		if (!st_digest_is_valid(at + 1))
			return st_error_set(err, STRATA_EINVAL, "invalid digest in reference '%s'",
					    rest);
		path_len = (size_t)(at - rest);
		if (path_len > 0 && rest[path_len - 1] == ':')
			path_len--;
		r->digest = at + 1;
		r->path = arena_slice(a, rest, path_len);
		return 0;
	}
	colon = strchr(rest, ':');
	if (colon == NULL) {
		r->path = rest;
		return 0;
	}
	if (colon[1] == '\0')
		return st_error_set(err, STRATA_EINVAL, "empty tag in reference '%s'", rest);
	r->tag = colon + 1;
	r->path = arena_slice(a, rest, (size_t)(colon - rest));
	return 0;
}

static int parse_reference(struct reference *r, char *ref, struct st_arena *a,
			   struct strata_error *err)
{
	char *rest = NULL;
	char *colon;
	size_t i;
	int rc = 0;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < ST_ARRAY_LEN(prefixes); i++) {
		size_t n = strlen(prefixes[i].text);

		if (strncmp(ref, prefixes[i].text, n) == 0) {
			r->form = prefixes[i].form;
			r->prefixed = true;
			rest = ref + n;
			break;
		}
	}
	if (!r->prefixed) {
		r->path = ref;
		return 0;
	}
	if (r->form == ST_FORM_DOCKER_ARCHIVE) {
		colon = strchr(rest, ':');
		r->path = colon == NULL ? rest : arena_slice(a, rest, (size_t)(colon - rest));
		if (colon != NULL && colon[1] == '\0')
			return st_error_set(err, STRATA_EINVAL, "empty image name in reference '%s'",
					    ref);
		if (colon != NULL)
			r->selector = colon + 1;
	} else {
		rc = split_oci(r, rest, a, err);
	}
	if (rc == 0 && r->path == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory");
	if (rc == 0 && r->path[0] == '\0')
		return st_error_set(err, STRATA_EINVAL, "missing path in reference '%s'", ref);
	return rc;
}

/* Tells a docker-archive from an oci-archive by the members of the tar.
 * manifest.json marks a docker-archive, even one that also contains an OCI
 * layout (docker save since Docker 25). */
static int detect_archive(int *form, struct st_store *s, struct st_arena *a,
			  struct strata_error *err)
{
	struct st_member m[] = {
		{.name = "manifest.json"},
		{.name = "index.json"},
		{.name = "oci-layout"},
	};
	int rc = st_store_find(s, m, ST_ARRAY_LEN(m), a, err);

	if (rc < 0)
		return rc;
	if (m[0].found)
		*form = ST_FORM_DOCKER_ARCHIVE;
	else if (m[1].found || m[2].found)
		*form = ST_FORM_OCI_ARCHIVE;
	else
		return st_error_set(err, STRATA_EUNSUPPORTED,
				    "%s: not a docker-archive or oci-archive, the tar has no "
				    "manifest.json or index.json",
				    s->path);
	return 0;
}

/* Opens the store for R, detecting the form when R has no prefix. */
static int open_store(struct st_image *img, struct reference *r, struct strata_error *err)
{
	struct st_image_impl *impl = st_image_impl(img);
	struct stat st;
	bool is_dir;
	int rc;

	if (stat(r->path, &st) < 0) {
		if (errno == ENOENT)
			return st_error_sys(err, STRATA_ENOTFOUND, "%s", r->path);
		return st_error_sys(err, STRATA_EIO, "%s", r->path);
	}
	is_dir = S_ISDIR(st.st_mode);
	if (!is_dir && !S_ISREG(st.st_mode))
		return st_error_set(err, STRATA_EINVAL, "%s: not a file or a directory", r->path);
	if (!r->prefixed)
		r->form = is_dir ? ST_FORM_OCI_DIR : ST_FORM_OCI_ARCHIVE;
	if (r->form == ST_FORM_OCI_DIR && !is_dir)
		return st_error_set(err, STRATA_EINVAL,
				    "%s: not a directory, expected an OCI image layout", r->path);
	if (r->form != ST_FORM_OCI_DIR && is_dir)
		return st_error_set(err, STRATA_EINVAL,
				    "%s: a directory, but the %s: prefix names a tar file", r->path,
				    st_image_form_name(r->form));

	rc = st_store_open(&impl->store, r->form, img->path, err);
	if (rc < 0 || r->prefixed || is_dir)
		return rc;
	rc = detect_archive(&r->form, &impl->store, &impl->arena, err);
	impl->store.form = r->form;
	return rc;
}

int st_image_apply_config(struct st_image *img, const struct st_config *c, size_t layer_count,
			  struct strata_error *err)
{
	struct st_image_impl *impl = st_image_impl(img);
	size_t i;

	if (c->diff_id_count != layer_count)
		return st_error_set(err, STRATA_ECORRUPT,
				    "%s: config %s lists %zu diff_ids for %zu layers", img->path,
				    img->config_digest, c->diff_id_count, layer_count);
	img->os = c->os;
	img->architecture = c->architecture;
	img->variant = c->variant;
	if (layer_count == 0)
		return 0;
	img->layers = st_arena_array(&impl->arena, layer_count, sizeof(*img->layers));
	impl->sources = st_arena_array(&impl->arena, layer_count, sizeof(*impl->sources));
	if (img->layers == NULL || impl->sources == NULL)
		return st_error_set(err, STRATA_ENOMEM, "%s: out of memory", img->path);
	img->layer_count = layer_count;
	for (i = 0; i < layer_count; i++) {
		img->layers[i].diff_id = c->diff_ids[i];
		if (i < c->history_count) {
			img->layers[i].created_by = c->history[i].created_by;
			img->layers[i].created = c->history[i].created;
		}
	}
	if (c->history_count > layer_count)
		st_diag(impl->diag, ST_DIAG_WARN,
			"%s: config %s: history describes more than the %zu layers of the image, "
			"created_by is matched in order",
			img->path, img->config_digest, layer_count);
	else if (c->history_count != 0 && c->history_count < layer_count)
		st_diag(impl->diag, ST_DIAG_WARN,
			"%s: config %s: history describes %zu of the %zu layers, the others have "
			"no created_by",
			img->path, img->config_digest, c->history_count, layer_count);
	return 0;
}

void st_image_free(struct st_image *img)
{
	struct st_image_impl *impl;

	if (img == NULL)
		return;
	impl = st_image_impl(img);
	st_buf_dispose(&img->config);
	if (impl != NULL) {
		st_store_dispose(&impl->store);
		st_arena_dispose(&impl->arena);
		free(impl);
	}
	free(img);
}

static int image_new(struct st_image **out, const char *ref, const struct st_image_options *opts,
		     struct strata_error *err)
{
	struct st_image_impl *impl;
	struct st_image *img;

	*out = NULL;
	img = calloc(1, sizeof(*img));
	impl = calloc(1, sizeof(*impl));
	if (img == NULL || impl == NULL) {
		free(img);
		free(impl);
		return st_error_set(err, STRATA_ENOMEM, "%s: out of memory", ref);
	}
	st_arena_init(&impl->arena);
	st_buf_init(&img->config, 0);
	impl->store.dirfd = -1;
	impl->limits = *opts->limits;
	impl->diag = opts->diag;
	img->impl = impl;
	img->reference = st_arena_strdup(&impl->arena, ref);
	if (img->reference == NULL) {
		st_image_free(img);
		return st_error_set(err, STRATA_ENOMEM, "%s: out of memory", ref);
	}
	*out = img;
	return 0;
}

int st_image_open(struct st_image **out, const char *ref, const struct st_image_options *opts,
		  struct strata_error *err)
{
	struct st_image *img = NULL;
	struct reference r;
	int rc;

	*out = NULL;
	if (ref == NULL || ref[0] == '\0' || opts == NULL || opts->limits == NULL)
		return st_error_set(err, STRATA_EINVAL, "image reference or limits missing");
	rc = image_new(&img, ref, opts, err);
	if (rc < 0)
		return rc;
	rc = parse_reference(&r, img->reference, &st_image_impl(img)->arena, err);
	if (rc < 0)
		goto out;
	img->path = r.path;
	rc = open_store(img, &r, err);
	if (rc < 0)
		goto out;
	img->form = r.form;

	if (r.form == ST_FORM_DOCKER_ARCHIVE)
		rc = st_docker_load(img, r.selector, err);
	else
		rc = st_oci_load(img, r.tag, r.digest, opts->platform, err);
	if (rc < 0)
		goto out;
	/* An index picks by platform; the config has the final word, also
	 * for a docker-archive and an index entry without a platform. */
	rc = st_image_check_platform(img, opts->platform, err);
	if (rc < 0)
		goto out;
	*out = img;
	img = NULL;

out:
	st_image_free(img);
	return rc;
}
