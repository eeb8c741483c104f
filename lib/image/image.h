/* Image source: finds and verifies an image's manifest, config and layer
 * blobs in a docker-archive tarball or an OCI image layout (directory or
 * tar), and opens each layer as a verified, decompressed tar stream. */
#ifndef STRATA_IMAGE_H
#define STRATA_IMAGE_H

#include <stdbool.h>
#include <stdint.h>

#include "util/util.h"

enum st_image_form {
	ST_FORM_DOCKER_ARCHIVE, /* docker save: manifest.json (classic or OCI-in-tar) */
	ST_FORM_OCI_DIR,        /* OCI image layout directory */
	ST_FORM_OCI_ARCHIVE,    /* tar of an OCI image layout */
	ST_FORM_DIR,            /* root filesystem directory on the host: one
				 * layer without a digest, no manifest or config */
};

enum st_compression {
	ST_COMPRESSION_NONE,
	ST_COMPRESSION_GZIP,
	ST_COMPRESSION_ZSTD,
};

struct st_layer_info {
	char *digest;     /* "sha256:..." of the blob as stored */
	char *diff_id;    /* "sha256:..." of the uncompressed tar, from the config */
	char *media_type; /* from the manifest; NULL for classic docker-archive */
	uint64_t size;    /* blob size in bytes (from the manifest, or measured) */
	bool size_known;  /* false when no manifest states the size */
	int compression;  /* enum st_compression, from the media type or sniffed */
	char *created_by; /* history entry aligned with empty_layer; may be NULL */
	char *created;    /* RFC 3339 time of that history entry; may be NULL */
	/* A foreign (Docker) or non-distributable (OCI) layer: registries
	 * may omit its blob, which is then fetched from its urls. */
	bool foreign;
	/* A foreign layer whose blob is absent: its files are not read. */
	bool missing;
	char **urls;      /* the descriptor's urls; url_count of them */
	size_t url_count;
};

/* A manifest listed next to the image that describes it rather than
 * being an image: a BuildKit attestation or an OCI 1.1 artifact such as
 * a signature or an SBOM. Strings are owned by the image. */
struct st_image_referrer {
	const char *digest;  /* "sha256:..." of its manifest */
	const char *type;    /* "attestation-manifest", or the artifact type */
	const char *subject; /* digest of the manifest it describes; may be NULL */
};

struct st_image_options {
	const char *platform;               /* "os/arch[/variant]"; NULL = linux/amd64 */
	const struct strata_limits *limits; /* required */
	struct st_diag *diag;               /* may be NULL */
};

/* One opened image. All strings are owned by the image. */
struct st_image {
	int form;             /* enum st_image_form */
	char *reference;      /* what the user passed, prefix included */
	char *path;           /* the file or directory on disk */
	char *manifest_digest;/* "sha256:..." of the image manifest, or NULL */
	char *config_digest;  /* "sha256:..." of the config blob */
	char *tag;            /* RepoTags[0] or the ref.name annotation; may be NULL */
	char *os;             /* from the config */
	char *architecture;   /* from the config */
	char *variant;        /* from the config; may be NULL */
	struct st_buf config; /* raw config JSON bytes */
	struct st_layer_info *layers;
	size_t layer_count;
	/* Attestations and OCI artifacts of the index that listed the image,
	 * those whose subject is this image or unknown. */
	struct st_image_referrer *attestations;
	size_t attestation_count;
	struct st_image_referrer *referrers;
	size_t referrer_count;
	void *impl;           /* form-specific state */
};

/* Opens REF. REF is a path (the form is detected from the content) or a
 * path with a "docker-archive:", "oci:", "oci-archive:" or "dir:" prefix.
 * "oci:" and "oci-archive:" take an optional ":TAG" or "@sha256:DIGEST"
 * suffix. The path "-" of a tar form (also unprefixed) reads the tar from
 * standard input, spooled to an unlinked file in strata's cache directory
 * (limits->spool_bytes). "dir:PATH" opens a root filesystem directory as a
 * one-layer image without digests: walk it with st_walk_directory, because
 * st_image_open_layer cannot open its layer.
 * Verifies the manifest and config against their digests and limits. An
 * index with several images is resolved with opts->platform. On success
 * the caller owns *OUT and frees it with st_image_free. */
int st_image_open(struct st_image **out, const char *ref,
		  const struct st_image_options *opts, struct strata_error *err);

void st_image_free(struct st_image *img);

/* Opens layer INDEX as a stream of its uncompressed tar bytes. The stream
 * checks the blob's size and digest and the diff_id at the end of the
 * stream. On a mismatch, the read that reaches the end returns
 * STRATA_ECORRUPT naming the blob, so a caller must read to the end (0)
 * before trusting the content. It also enforces limits->layer_bytes and compression_ratio.
 * The caller closes *OUT with st_stream_close before freeing IMG. */
int st_image_open_layer(struct st_image *img, size_t index, struct st_stream **out,
			struct strata_error *err);

/* Returns a short name for FORM: "docker-archive", "oci", "oci-archive",
 * "dir". */
const char *st_image_form_name(int form);

#endif
