/* Image source: parses a reference, detects the form of the image on disk,
 * and hands over to the docker-archive or OCI loader. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
	bool from_stdin; /* the path "-" of a tar form */
};


/* Bytes copied from standard input to the spool file per read. */
#define SPOOL_CHUNK_BYTES (64 * 1024)

/* Maximum length of the spool directory's path. */
#define SPOOL_PATH_MAX 4096

struct prefix {
	const char *text;
	int form;
};

/* The transports of skopeo and containers/image that name local files. */
static const struct prefix prefixes[] = {
	{"docker-archive:", ST_FORM_DOCKER_ARCHIVE},
	{"oci-archive:", ST_FORM_OCI_ARCHIVE},
	{"oci:", ST_FORM_OCI_DIR},
	{"dir:", ST_FORM_DIR},
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
	case ST_FORM_DIR:
		return "dir";
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
		r->from_stdin = strcmp(ref, "-") == 0;
		return 0;
	}
	if (r->form == ST_FORM_DIR) {
		/* A root filesystem path takes no tag: ':' belongs to it. */
		r->path = rest;
	} else if (r->form == ST_FORM_DOCKER_ARCHIVE) {
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
	if (rc == 0 && r->form != ST_FORM_OCI_DIR && r->form != ST_FORM_DIR)
		r->from_stdin = strcmp(r->path, "-") == 0;
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

/* Standard input ------------------------------------------------------- */

/* Writes the spool directory's parent, the cache directory
 * ($XDG_CACHE_HOME, or $HOME/.cache), into BUF. */
static int cache_dir(char *buf, size_t size, struct strata_error *err)
{
	const char *cache = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	int n;

	if (cache != NULL && cache[0] == '/')
		n = snprintf(buf, size, "%s", cache);
	else if (home != NULL && home[0] == '/')
		n = snprintf(buf, size, "%s/.cache", home);
	else
		return st_error_set(err, STRATA_ENOTFOUND,
				    "cannot spool standard input: neither XDG_CACHE_HOME nor HOME is set");
	if (n < 0 || (size_t)n >= size)
		return st_error_set(err, STRATA_ELIMIT, "cache directory path too long");
	return 0;
}

/* Creates (mode 0700) and opens directory NAME below DIRFD, without
 * following a symbolic link; PATH names it in messages. */
static int open_private_dir(int dirfd, const char *name, const char *path,
			    struct strata_error *err)
{
	int fd;

	if (mkdirat(dirfd, name, 0700) < 0 && errno != EEXIST)
		return st_error_sys(err, STRATA_EIO, "cannot create %s", path);
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	/* O_NOFOLLOW with O_DIRECTORY fails on a symlink with ENOTDIR. */
	if (errno == ENOTDIR || errno == ELOOP) {
		struct stat st;

		if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
			return st_error_set(err, STRATA_EIO,
					    "%s is a symbolic link, which strata does not follow "
					    "for its private spool; make it a directory",
					    path);
	}
	return st_error_sys(err, STRATA_EIO, "cannot open %s", path);
}

/* Opens $CACHE/strata/tmp, creating what is missing, and checks that it
 * belongs to the current user and is closed to others. PATH receives its
 * path. */
static int open_spool_dir(char path[SPOOL_PATH_MAX], struct strata_error *err)
{
	struct stat st;
	size_t len;
	int cache_fd = -1;
	int strata_fd = -1;
	int fd = -1;
	int rc;

	rc = cache_dir(path, SPOOL_PATH_MAX - sizeof("/strata/tmp/stdin-XXXXXX"), err);
	if (rc < 0)
		return rc;
	/* The cache root itself ($HOME/.cache) may be missing. */
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return st_error_sys(err, STRATA_EIO, "cannot create %s", path);
	cache_fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cache_fd < 0)
		return st_error_sys(err, STRATA_EIO, "cannot open %s", path);
	len = strlen(path);
	memcpy(path + len, "/strata", sizeof("/strata"));
	strata_fd = open_private_dir(cache_fd, "strata", path, err);
	if (strata_fd < 0) {
		rc = strata_fd;
		goto out;
	}
	memcpy(path + len, "/strata/tmp", sizeof("/strata/tmp"));
	fd = open_private_dir(strata_fd, "tmp", path, err);
	if (fd < 0) {
		rc = fd;
		goto out;
	}
	if (fstat(fd, &st) < 0) {
		rc = st_error_sys(err, STRATA_EIO, "cannot stat %s", path);
		goto out;
	}
	if (st.st_uid != geteuid() || (st.st_mode & 077) != 0) {
		rc = st_error_set(err, STRATA_EIO,
				  "%s is not private: it must belong to the current user with mode 0700",
				  path);
		goto out;
	}
	rc = fd;
	fd = -1;

out:
	if (fd >= 0)
		close(fd);
	if (strata_fd >= 0)
		close(strata_fd);
	close(cache_fd);
	return rc;
}

/* Creates a file in the spool directory DIRFD (at PATH) that no name
 * refers to: O_TMPFILE where the file system supports it, else mkstemp
 * and an immediate unlink, so a crash leaves nothing behind. */
static int create_spool_file(int dirfd, char path[SPOOL_PATH_MAX], struct strata_error *err)
{
	size_t len = strlen(path);
	int fd;

	fd = openat(dirfd, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
	if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
		return st_error_sys(err, STRATA_EIO, "cannot create a file in %s", path);
	/* NOTE: the tests run on file systems with O_TMPFILE, so this
	 * fallback is not exercised by them. */
	memcpy(path + len, "/stdin-XXXXXX", sizeof("/stdin-XXXXXX"));
	fd = mkostemp(path, O_CLOEXEC);
	if (fd < 0)
		return st_error_sys(err, STRATA_EIO, "cannot create %s", path);
	if (unlink(path) < 0) {
		close(fd);
		return st_error_sys(err, STRATA_EIO, "cannot unlink %s", path);
	}
	return fd;
}

/* Checks that the first block from standard input is a tar header, so a
 * stream like /dev/zero fails before it is spooled. Returns 0 or an error. */
static int check_first_block(const unsigned char block[ST_TAR_BLOCK_BYTES],
			     struct strata_error *err)
{
	int kind = st_tar_block_kind(block);

	if (kind == ST_TAR_BLOCK_ZERO)
		return st_error_set(err, STRATA_EUNSUPPORTED,
				    "standard input starts with a tar end-of-archive block, so it "
				    "holds no image; expected an image tar such as 'docker save' writes");
	if (kind == ST_TAR_BLOCK_HEADER)
		return 0;
	return st_error_set(err, STRATA_EUNSUPPORTED,
			    "standard input is not a tar archive: its first block is no tar header; "
			    "expected an image tar such as 'docker save' writes");
}

/* Copies standard input to FD, at most LIMIT bytes. */
static int copy_stdin(int fd, uint64_t limit, const char *path, struct strata_error *err)
{
	unsigned char first[ST_TAR_BLOCK_BYTES];
	char *chunk = malloc(SPOOL_CHUNK_BYTES);
	uint64_t total = 0;
	int rc = 0;

	if (chunk == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory");
	for (;;) {
		ssize_t n = read(STDIN_FILENO, chunk, SPOOL_CHUNK_BYTES);
		ssize_t done = 0;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = st_error_sys(err, STRATA_EIO, "cannot read standard input");
			break;
		}
		if (n == 0)
			break;
		if ((uint64_t)n > limit - total) {
			rc = st_error_set(err, STRATA_ELIMIT,
					  "standard input: over the spool_bytes limit of %llu bytes",
					  (unsigned long long)limit);
			break;
		}
		/* The first block is checked once whole, before it is written. */
		if (total < ST_TAR_BLOCK_BYTES) {
			size_t take = ST_TAR_BLOCK_BYTES - (size_t)total;

			if (take > (size_t)n)
				take = (size_t)n;
			memcpy(first + total, chunk, take);
			if (total + take == ST_TAR_BLOCK_BYTES) {
				rc = check_first_block(first, err);
				if (rc < 0)
					break;
			}
		}
		total += (uint64_t)n;
		while (done < n) {
			ssize_t w = write(fd, chunk + done, (size_t)(n - done));

			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0) {
				rc = st_error_sys(err, STRATA_EIO, "cannot spool standard input to %s",
						  path);
				goto out;
			}
			done += w;
		}
	}
	if (rc == 0 && total == 0)
		rc = st_error_set(err, STRATA_EUNSUPPORTED,
				  "standard input is empty: expected an image tar");

out:
	free(chunk);
	return rc;
}

/* Returns an open file with the tar that standard input carries: standard
 * input itself when it is a regular file, else a private spool copy,
 * because the tar reader needs random access. */
static int open_stdin_file(const struct strata_limits *lim, struct strata_error *err)
{
	char path[SPOOL_PATH_MAX];
	struct stat st;
	int dirfd;
	int fd;
	int rc;

	if (isatty(STDIN_FILENO))
		return st_error_set(err, STRATA_EINVAL,
				    "standard input is a terminal; pipe an image tar into it, such as 'docker save IMAGE | strata scan -'");
	if (fstat(STDIN_FILENO, &st) == 0 && S_ISREG(st.st_mode)) {
		fd = fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 0);
		if (fd < 0)
			return st_error_sys(err, STRATA_EIO, "cannot duplicate standard input");
		return fd;
	}
	dirfd = open_spool_dir(path, err);
	if (dirfd < 0 && strncmp(err->msg, "cannot spool", 12) != 0)
		st_error_prefix(err, "cannot spool standard input into the cache directory "
				"(XDG_CACHE_HOME, or HOME/.cache)");
	if (dirfd < 0)
		return dirfd;
	fd = create_spool_file(dirfd, path, err);
	close(dirfd);
	if (fd < 0)
		return fd;
	rc = copy_stdin(fd, lim->spool_bytes, path, err);
	if (rc < 0) {
		close(fd);
		return rc;
	}
	return fd;
}

/* Opens the store over the tar on standard input. */
static int open_stdin(struct st_image *img, struct reference *r, struct strata_error *err)
{
	struct st_image_impl *impl = st_image_impl(img);
	int fd;
	int rc;

	img->path = st_arena_strdup(&impl->arena, ST_STDIN_NAME);
	if (img->path == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory");
	if (!r->prefixed)
		r->form = ST_FORM_DOCKER_ARCHIVE;
	fd = open_stdin_file(&impl->limits, err);
	if (fd < 0)
		return fd;
	rc = st_store_open_fd(&impl->store, r->form, fd, img->path, err);
	if (rc < 0 || r->prefixed)
		return rc;
	rc = detect_archive(&r->form, &impl->store, &impl->arena, err);
	impl->store.form = r->form;
	return rc;
}

/* Root filesystem directories ----------------------------------------- */

/* Opens the root filesystem directory of a "dir:" reference as an image
 * of one layer without digest, manifest or config. */
static int open_dir(struct st_image *img, const struct reference *r, struct strata_error *err)
{
	struct st_image_impl *impl = st_image_impl(img);
	struct stat st;
	int rc;

	if (stat(r->path, &st) < 0)
		return st_error_sys(err, errno == ENOENT ? STRATA_ENOTFOUND : STRATA_EIO, "%s",
				    r->path);
	if (!S_ISDIR(st.st_mode))
		return st_error_set(err, STRATA_EINVAL,
				    "%s: not a directory, the dir: prefix names a root filesystem directory",
				    r->path);
	rc = st_store_open(&impl->store, ST_FORM_DIR, img->path, err);
	if (rc < 0)
		return rc;
	img->layers = st_arena_array(&impl->arena, 1, sizeof(*img->layers));
	impl->sources = st_arena_array(&impl->arena, 1, sizeof(*impl->sources));
	if (img->layers == NULL || impl->sources == NULL)
		return st_error_set(err, STRATA_ENOMEM, "%s: out of memory", img->path);
	img->layer_count = 1;
	return 0;
}

/* Opens the store for R, detecting the form when R has no prefix. */
static int open_store(struct st_image *img, struct reference *r, struct strata_error *err)
{
	struct st_image_impl *impl = st_image_impl(img);
	struct stat st;
	bool is_dir;
	int rc;

	if (r->form == ST_FORM_DIR)
		return open_dir(img, r, err);
	if (r->from_stdin)
		return open_stdin(img, r, err);
	if (r->form == ST_FORM_OCI_DIR && strcmp(r->path, "-") == 0)
		return st_error_set(err, STRATA_EINVAL,
				    "oci:- names a layout directory, which standard input cannot carry; use oci-archive:- for a tar");

	if (stat(r->path, &st) < 0) {
		const char *after = r->selector != NULL ? r->selector : r->tag;
		char whole[PATH_MAX];

		if (errno != ENOENT)
			return st_error_sys(err, STRATA_EIO, "%s", r->path);
		/* The path ends at its first ':', so a file whose name
		 * contains one is not found by its whole name. */
		if (after != NULL &&
		    (size_t)snprintf(whole, sizeof(whole), "%s:%s", r->path, after) < sizeof(whole) &&
		    stat(whole, &st) == 0)
			return st_error_set(err, STRATA_ENOTFOUND,
					    "%s: not found; the reference ends its path at the first "
					    "':' and reads '%s' as the image within, so name %s "
					    "through a path without ':' (a symbolic link)",
					    r->path, after, whole);
		return st_error_sys(err, STRATA_ENOTFOUND, "%s", r->path);
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

const char *st_image_ref_path(const struct st_image *img)
{
	return strcmp(img->path, ST_STDIN_NAME) == 0 ? "-" : img->path;
}

void st_image_add_choice(char *buf, const char *text)
{
	size_t used = strlen(buf);
	char shown[ST_QUOTE_MAX];

	st_image_quote(shown, sizeof(shown), text);
	if (used + strlen(shown) + 6 >= ST_CHOICES_MAX) {
		if (used + 4 < ST_CHOICES_MAX && (used < 3 || strcmp(buf + used - 3, "...") != 0))
			memcpy(buf + used, "...", 4);
		return;
	}
	snprintf(buf + used, ST_CHOICES_MAX - used, "%s%s", used > 0 ? ", " : "", shown);
}

void st_image_skip_missing_layer(struct st_image *img, struct st_layer_info *l)
{
	char urls[ST_CHOICES_MAX];
	size_t i;

	urls[0] = '\0';
	for (i = 0; i < l->url_count; i++)
		st_image_add_choice(urls, l->urls[i]);
	l->missing = true;
	st_diag(st_image_impl(img)->diag, ST_DIAG_WARN,
		"%s: layer %s: foreign layer blob not found, its files are not scanned; urls: %s",
		img->path, l->digest, urls[0] != '\0' ? urls : "(none)");
}

/* True when entry D describes the image: its subject is the image's
 * manifest or unknown. */
static bool describes_image(const struct st_descriptor *d, const struct st_image *img)
{
	return d->subject == NULL || strcmp(d->subject, img->manifest_digest) == 0;
}

static bool is_attestation(const struct st_descriptor *d)
{
	return d->attestation;
}

static bool is_artifact(const struct st_descriptor *d)
{
	return !d->attestation && d->artifact;
}

/* Copies the entries of the LEVEL_COUNT indexes LEVELS that KEEP selects
 * and that describe IMG into *OUT (arena), with TYPE or, when NULL, the
 * artifact type. */
static int collect(struct st_image_referrer **out, size_t *count, const struct st_index *levels,
		   size_t level_count,
		   bool (*keep)(const struct st_descriptor *), const char *type,
		   struct st_image *img, struct strata_error *err)
{
	struct st_image_impl *impl = st_image_impl(img);
	size_t total = 0;
	size_t level;
	size_t i;

	*out = NULL;
	*count = 0;
	for (level = 0; level < level_count; level++) {
		for (i = 0; i < levels[level].count; i++) {
			const struct st_descriptor *d = &levels[level].manifests[i];

			if (keep(d) && describes_image(d, img))
				total++;
		}
	}
	if (total == 0)
		return 0;
	*out = st_arena_array(&impl->arena, total, sizeof(**out));
	if (*out == NULL)
		return st_error_set(err, STRATA_ENOMEM, "%s: out of memory", img->path);
	for (level = 0; level < level_count; level++) {
		for (i = 0; i < levels[level].count; i++) {
			const struct st_descriptor *d = &levels[level].manifests[i];
			struct st_image_referrer *ref = &(*out)[*count];

			if (!keep(d) || !describes_image(d, img))
				continue;
			ref->digest = d->digest;
			ref->type = type != NULL ? type : d->artifact_type;
			ref->subject = d->subject;
			(*count)++;
		}
	}
	return 0;
}

int st_image_list_referrers(struct st_image *img, const struct st_index *levels,
			    size_t level_count, struct strata_error *err)
{
	int rc;

	rc = collect(&img->attestations, &img->attestation_count, levels, level_count,
		     is_attestation, "attestation-manifest", img, err);
	if (rc < 0)
		return rc;
	return collect(&img->referrers, &img->referrer_count, levels, level_count, is_artifact,
		       NULL, img, err);
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
	impl->store.fd = -1;
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
	if (ref == NULL || ref[0] == '\0')
		return st_error_set(err, STRATA_EINVAL,
				    "the image reference is empty; name an image tar, an OCI "
				    "layout or dir:PATH");
	if (opts == NULL || opts->limits == NULL)
		return st_error_set(err, STRATA_EINVAL, "image options without limits");
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
	if (r.form == ST_FORM_DIR) {
		/* NOTE: a root filesystem has no config, so --platform is not
		 * checked against it. */
		*out = img;
		return 0;
	}

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
