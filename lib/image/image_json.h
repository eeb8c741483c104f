/* Internal: parsers for the JSON documents of an image (OCI index and
 * manifest, Docker manifest list and v2 schema 2 manifest, image config,
 * docker-archive manifest.json, oci-layout). Each parser takes a slice of
 * untrusted bytes, applies the byte and depth limits, and copies the fields
 * strata uses into structs whose strings live in a caller-supplied arena.
 * Failures: STRATA_ECORRUPT (malformed), STRATA_ELIMIT, STRATA_EUNSUPPORTED
 * (a valid document strata cannot use), STRATA_ENOMEM. */
#ifndef STRATA_IMAGE_JSON_H
#define STRATA_IMAGE_JSON_H

#include <stdbool.h>
#include <stdint.h>

#include "util/util.h"

#define ST_MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define ST_MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define ST_MT_OCI_CONFIG "application/vnd.oci.image.config.v1+json"
#define ST_MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define ST_MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define ST_MT_DOCKER_CONFIG "application/vnd.docker.container.image.v1+json"

/* The kind of a manifest-like document, from its media type or keys. */
enum st_doc_kind {
	ST_DOC_UNKNOWN,  /* no media type, or one of another kind of artifact */
	ST_DOC_INDEX,    /* OCI index or Docker manifest list */
	ST_DOC_MANIFEST, /* OCI image manifest or Docker v2 schema 2 manifest */
};

/* A content descriptor: an entry of an index or of a manifest. */
struct st_descriptor {
	char *media_type; /* may be NULL */
	char *digest;     /* validated "sha256:<64 hex>" */
	uint64_t size;
	bool has_size;
	char *os;           /* platform, for index entries; may be NULL */
	char *architecture; /* may be NULL */
	char *variant;      /* may be NULL */
	char *ref_name;     /* org.opencontainers.image.ref.name; may be NULL */
	char *image_name;   /* io.containerd.image.name; may be NULL */
	bool attestation;   /* vnd.docker.reference.type: attestation-manifest */
	/* vnd.docker.reference.digest: the manifest an attestation describes,
	 * kept only when it is a valid sha256 digest; may be NULL. */
	char *subject;
	char *artifact_type; /* OCI 1.1 "artifactType"; may be NULL */
	/* Not an image: artifact_type is set, or its manifest was read and
	 * found to be an artifact (then artifact_type names its type). */
	bool artifact;
	char **urls;         /* "urls" of a foreign layer; url_count of them */
	size_t url_count;
};

struct st_index {
	char *media_type; /* the document's own mediaType; may be NULL */
	struct st_descriptor *manifests;
	size_t count;
};

struct st_manifest {
	char *media_type; /* the document's own mediaType; may be NULL */
	struct st_descriptor config;
	struct st_descriptor *layers;
	size_t layer_count;
	char *artifact_type; /* OCI 1.1 "artifactType"; may be NULL */
	char *subject;       /* digest of the OCI 1.1 "subject"; may be NULL */
	/* An OCI 1.1 artifact (signature, SBOM, Helm chart) rather than an
	 * image: it has an artifactType or a subject, or its config media
	 * type is not an image config. */
	bool artifact;
};

/* A history entry that made a layer (empty_layer false or absent). */
struct st_history_entry {
	char *created;    /* may be NULL */
	char *created_by; /* may be NULL */
};

struct st_config {
	char *os;
	char *architecture;
	char *variant; /* may be NULL */
	char **diff_ids;
	size_t diff_id_count;
	/* The entries that made a layer, in order, so that history[i]
	 * describes layer i; at most layers + 1 of them are kept. */
	struct st_history_entry *history;
	size_t history_count;
};

/* One entry of a docker-archive manifest.json. Paths are as stored. */
/* One entry of "LayerSources": the descriptor of a foreign layer (a
 * Windows base layer that registries serve from its urls), keyed by the
 * layer's diff_id. Docker writes it; go-containerregistry's tarballs may
 * leave that layer's file out. */
struct st_docker_source {
	char *diff_id; /* validated "sha256:<64 hex>" */
	struct st_descriptor desc;
};

struct st_docker_entry {
	char *config;
	char **repo_tags;
	size_t repo_tag_count;
	char **layers;
	size_t layer_count;
	struct st_docker_source *sources;
	size_t source_count;
};

struct st_docker_manifest {
	struct st_docker_entry *entries;
	size_t count;
};

/* Maps a media type to a document kind; NULL gives ST_DOC_UNKNOWN. */
int st_doc_kind_from_media_type(const char *media_type);

/* Returns the kind of document TEXT is, from its mediaType field or, when
 * that is absent, from its keys ("manifests" or "config"). WHAT names the
 * blob in errors. Checks the same limits as the parsers below. */
int st_image_json_kind(int *kind, struct st_slice text, const struct strata_limits *lim,
		       const char *what, struct strata_error *err);

/* Checks a digest string from a document: STRATA_EUNSUPPORTED for a well
 * formed digest of another algorithm, STRATA_ECORRUPT for anything else
 * that is not "sha256:<64 lowercase hex>". WHAT names the field. */
int st_image_check_digest(const char *digest, const char *what, struct strata_error *err);

/* Parses an OCI index or Docker manifest list (at most lim->manifest_bytes). */
int st_image_parse_index(struct st_index *out, struct st_slice text,
			 const struct strata_limits *lim, struct st_arena *arena,
			 const char *what, struct strata_error *err);

/* Parses an OCI image manifest or Docker v2 schema 2 manifest (at most
 * lim->manifest_bytes); rejects more than lim->layers layers. An artifact
 * parses too, with out->artifact set: see st_manifest_check_image. */
int st_image_parse_manifest(struct st_manifest *out, struct st_slice text,
			    const struct strata_limits *lim, struct st_arena *arena,
			    const char *what, struct strata_error *err);

/* Returns the type of artifact M is: its artifactType, else its config
 * media type, else "unknown". */
const char *st_manifest_artifact_type(const struct st_manifest *m);

/* Returns 0 for an image manifest, and STRATA_EUNSUPPORTED naming the
 * artifact type for an artifact. WHAT names the manifest. */
int st_manifest_check_image(const struct st_manifest *m, const char *what,
			    struct strata_error *err);

/* Parses an image config (at most lim->config_bytes); rejects more than
 * lim->layers diff_ids. */
int st_image_parse_config(struct st_config *out, struct st_slice text,
			  const struct strata_limits *lim, struct st_arena *arena,
			  const char *what, struct strata_error *err);

/* Parses a docker-archive manifest.json (at most lim->manifest_bytes);
 * rejects an entry with more than lim->layers layers. */
int st_image_parse_docker_manifest(struct st_docker_manifest *out, struct st_slice text,
				   const struct strata_limits *lim, struct st_arena *arena,
				   const char *what, struct strata_error *err);

/* Parses an oci-layout file and checks that its imageLayoutVersion is 1.x. */
int st_image_parse_layout(struct st_slice text, const struct strata_limits *lim,
			  const char *what, struct strata_error *err);

#endif
