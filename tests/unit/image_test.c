/* Image source tests. The images under tests/data/images come from
 * make-images.sh, which also writes expected.json: the digests, sizes and
 * history of the good images (computed with Python's hashlib), and for
 * each broken image the object its error message must name. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <jansson.h>

#include "harness.h"
#include "image/image.h"
#include "image/image_int.h"
#include "image/image_json.h"

/* Helpers ------------------------------------------------------------- */

static char ref_buf[4096];

/* Builds PREFIX + the data path of REL + SUFFIX. */
static const char *data_ref(const char *prefix, const char *rel, const char *suffix)
{
	snprintf(ref_buf, sizeof(ref_buf), "%s%s%s", prefix, st_test_data_path(rel), suffix);
	return ref_buf;
}

static struct strata_limits default_limits(void)
{
	struct strata_limits lim;

	strata_limits_default(&lim);
	return lim;
}

static int open_image(struct st_image **img, const char *ref, const struct strata_limits *lim,
		      const char *platform, struct strata_error *err)
{
	struct st_image_options opts = {.platform = platform, .limits = lim, .diag = NULL};

	strata_error_clear(err);
	return st_image_open(img, ref, &opts, err);
}

/* Reads layer I to the end; *BYTES receives the uncompressed length. */
static int drain_layer(struct st_image *img, size_t i, uint64_t *bytes, struct strata_error *err)
{
	static char buf[65536];
	struct st_stream *s = NULL;
	int rc;

	*bytes = 0;
	rc = st_image_open_layer(img, i, &s, err);
	if (rc < 0)
		return rc;
	for (;;) {
		ssize_t n = st_stream_read(s, buf, sizeof(buf), err);

		if (n <= 0) {
			rc = (int)n;
			break;
		}
		*bytes += (uint64_t)n;
	}
	st_stream_close(s);
	return rc;
}

/* Reads every layer; returns the first error, with *FAILED its index. */
static int drain_all(struct st_image *img, size_t *failed, struct strata_error *err)
{
	uint64_t bytes;
	size_t i;
	int rc;

	for (i = 0; i < img->layer_count; i++) {
		rc = drain_layer(img, i, &bytes, err);
		if (rc < 0) {
			*failed = i;
			return rc;
		}
	}
	return 0;
}

static json_t *expected_root(void)
{
	static json_t *root;
	json_error_t jerr;

	if (root == NULL)
		root = json_load_file(st_test_data_path("images/expected.json"), 0, &jerr);
	return root;
}

static json_t *expected(const char *section, const char *key)
{
	json_t *root = expected_root();

	return root == NULL ? NULL : json_object_get(json_object_get(root, section), key);
}

static const char *jstr(json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

/* Compares a string that may be NULL with one that may be JSON null. */
static bool same_opt(const char *have, const char *want, const char *what)
{
	if ((have == NULL && want == NULL) ||
	    (have != NULL && want != NULL && strcmp(have, want) == 0))
		return true;
	fprintf(stderr, "# %s is \"%s\", expected \"%s\"\n", what, have ? have : "(null)",
		want ? want : "(null)");
	return false;
}

static bool msg_has(const struct strata_error *err, const char *part)
{
	if (part != NULL && strstr(err->msg, part) != NULL)
		return true;
	fprintf(stderr, "# message \"%s\" lacks \"%s\"\n", err->msg, part ? part : "(null)");
	return false;
}

static const char *compression_name(int c)
{
	switch (c) {
	case ST_COMPRESSION_NONE:
		return "none";
	case ST_COMPRESSION_GZIP:
		return "gzip";
	case ST_COMPRESSION_ZSTD:
		return "zstd";
	default:
		return "?";
	}
}

static int check_layer(const struct st_layer_info *l, json_t *want)
{
	ST_CHECK_STR(l->digest, jstr(want, "digest"));
	ST_CHECK_STR(l->diff_id, jstr(want, "diff_id"));
	ST_CHECK(same_opt(l->media_type, jstr(want, "media_type"), "media_type"));
	ST_CHECK_INT(l->size, json_integer_value(json_object_get(want, "size")));
	ST_CHECK_INT(l->size_known, json_is_true(json_object_get(want, "size_known")));
	ST_CHECK_STR(compression_name(l->compression), jstr(want, "compression"));
	ST_CHECK(same_opt(l->created_by, jstr(want, "created_by"), "created_by"));
	ST_CHECK(l->created != NULL);
	return ST_TEST_PASS;
}

/* Checks IMG against expected.json's entry KEY, then reads every layer
 * and checks the facts that reading measures. */
static int check_image(struct st_image *img, const char *key)
{
	char hex[ST_SHA256_HEX_LEN + 1];
	struct strata_error err;
	json_t *want = expected("images", key);
	json_t *layers = json_object_get(want, "layers");
	uint64_t bytes;
	size_t i;

	ST_CHECK(want != NULL);
	ST_CHECK_STR(st_image_form_name(img->form), jstr(want, "form"));
	ST_CHECK(same_opt(img->tag, jstr(want, "tag"), "tag"));
	ST_CHECK_STR(img->config_digest, jstr(want, "config_digest"));
	ST_CHECK(same_opt(img->manifest_digest, jstr(want, "manifest_digest"), "manifest_digest"));
	ST_CHECK_STR(img->os, jstr(want, "os"));
	ST_CHECK_STR(img->architecture, jstr(want, "architecture"));
	ST_CHECK(same_opt(img->variant, jstr(want, "variant"), "variant"));
	st_sha256_hex(img->config.ptr, img->config.len, hex);
	ST_CHECK_STR(hex, img->config_digest + 7);

	ST_CHECK_INT(img->layer_count, json_array_size(layers));
	for (i = 0; i < img->layer_count; i++) {
		if (check_layer(&img->layers[i], json_array_get(layers, i)) != ST_TEST_PASS)
			return ST_TEST_FAIL;
	}
	for (i = 0; i < img->layer_count; i++) {
		strata_error_clear(&err);
		ST_CHECK_INT(drain_layer(img, i, &bytes, &err), 0);
		ST_CHECK(bytes > 0);
		if (check_layer(&img->layers[i], json_array_get(layers, i)) != ST_TEST_PASS)
			return ST_TEST_FAIL;
	}
	return ST_TEST_PASS;
}

/* Opens REF and checks it against expected.json's entry KEY. */
static int check_ref(const char *ref, const char *platform, const char *key, int form)
{
	struct strata_limits lim = default_limits();
	struct strata_error err;
	struct st_image *img = NULL;
	int rc;

	rc = open_image(&img, ref, &lim, platform, &err);
	if (rc != 0)
		fprintf(stderr, "# %s: %s\n", ref, err.msg);
	ST_CHECK_INT(rc, 0);
	ST_CHECK_INT(img->form, form);
	rc = check_image(img, key);
	st_image_free(img);
	return rc;
}

/* Good images ---------------------------------------------------------- */

ST_TEST(image_docker_classic)
{
	return check_ref(data_ref("", "images/docker-classic.tar", ""), NULL, "docker-classic.tar",
			 ST_FORM_DOCKER_ARCHIVE);
}

ST_TEST(image_docker_classic_prefixed)
{
	return check_ref(data_ref("docker-archive:", "images/docker-classic.tar", ""), NULL,
			 "docker-classic.tar", ST_FORM_DOCKER_ARCHIVE);
}

ST_TEST(image_docker_select_by_tag_and_index)
{
	struct strata_limits lim = default_limits();
	const char *suffixes[] = {":strata/test:second", ":@1"};
	struct strata_error err;
	struct st_image *img = NULL;
	size_t failed = 0;
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(suffixes); i++) {
		const char *ref = data_ref("docker-archive:", "images/docker-classic.tar", suffixes[i]);

		ST_CHECK_INT(open_image(&img, ref, &lim, NULL, &err), 0);
		ST_CHECK_STR(img->tag, "strata/test:second");
		ST_CHECK_INT(img->layer_count, 1);
		ST_CHECK_INT(drain_all(img, &failed, &err), 0);
		st_image_free(img);
	}
	ST_CHECK_INT(open_image(&img, data_ref("docker-archive:", "images/docker-classic.tar", ":@2"),
				&lim, NULL, &err),
		     STRATA_ENOTFOUND);
	ST_CHECK(msg_has(&err, "no image @2"));
	ST_CHECK_INT(open_image(&img,
				data_ref("docker-archive:", "images/docker-classic.tar", ":nope:1"),
				&lim, NULL, &err),
		     STRATA_ENOTFOUND);
	ST_CHECK(msg_has(&err, "'nope:1'"));
	ST_CHECK(msg_has(&err, "; tags: strata/test:classic, strata/test:second"));
	/* Without a tag, a name means NAME:latest, as in docker; a name
	 * with another tag does not match by prefix. */
	ST_CHECK_INT(open_image(&img, data_ref("docker-archive:", "images/docker-oci.tar",
					       ":strata/test"),
				&lim, NULL, &err),
		     0);
	ST_CHECK_STR(img->tag, "strata/test:latest");
	st_image_free(img);
	ST_CHECK_INT(open_image(&img, data_ref("docker-archive:", "images/docker-classic.tar",
					       ":strata/test"),
				&lim, NULL, &err),
		     STRATA_ENOTFOUND);
	ST_CHECK_INT(open_image(&img, data_ref("docker-archive:", "images/docker-oci.tar",
					       ":strata/test:lat"),
				&lim, NULL, &err),
		     STRATA_ENOTFOUND);
	ST_CHECK_INT(open_image(&img, data_ref("docker-archive:", "images/docker-classic.tar", ":@x"),
				&lim, NULL, &err),
		     STRATA_EINVAL);
	return ST_TEST_PASS;
}

struct diag_capture {
	char last[512];
	unsigned count;
};

static void capture_diag(void *ctx, int level, const char *msg)
{
	struct diag_capture *c = ctx;

	if (level >= ST_DIAG_WARN) {
		c->count++;
		snprintf(c->last, sizeof(c->last), "%s", msg);
	}
}

/* Without a selector, the first image of manifest.json is taken, with a
 * warning that names the count. */
ST_TEST(image_docker_first_image_warns)
{
	struct strata_limits lim = default_limits();
	struct diag_capture seen = {.count = 0};
	struct st_diag diag = {.fn = capture_diag, .ctx = &seen, .warnings = 0};
	struct st_image_options opts = {.platform = NULL, .limits = &lim, .diag = &diag};
	struct strata_error err;
	struct st_image *img = NULL;

	ST_CHECK_INT(st_image_open(&img, data_ref("", "images/docker-classic.tar", ""), &opts, &err),
		     0);
	ST_CHECK_STR(img->tag, "strata/test:classic");
	ST_CHECK_INT(seen.count, 1);
	ST_CHECK(strstr(seen.last, "manifest.json lists 2 images; using the first") != NULL);
	st_image_free(img);
	return ST_TEST_PASS;
}

/* An archive whose index.json lists an image that manifest.json does not
 * (containerd imports it too) is read with a warning that names the
 * image and how to scan it. */
ST_TEST(image_docker_oci_extra_image_warns)
{
	static const struct {
		const char *rel;
		unsigned warnings;
		const char *part; /* in the last warning */
	} cases[] = {
		{"images/docker-oci-extra.tar", 1, "for the image named docker.io/strata/other:1"},
		/* The scanned image one index below index.json: the warning
		 * names the other image, never the index above the scanned one. */
		{"images/docker-oci-extra-nested.tar", 1,
		 "for the image named docker.io/strata/other:1"},
		/* An image listed twice in manifest.json counts once, and is no
		 * choice between images. */
		{"images/docker-oci-extra-twice.tar", 1, "index.json lists 2 images and manifest.json 1"},
		/* Of three images in index.json, manifest.json lists two: the
		 * warning names the third. The first of two images is read. */
		{"images/docker-oci-extra-three.tar", 2,
		 "for the image named docker.io/strata/third:1, which manifest.json does not list"},
		/* Without oci-layout, or with nothing extra, there is no warning. */
		{"images/docker-oci-extra-nolayout.tar", 0, NULL},
		{"images/docker-oci.tar", 0, NULL},
	};
	struct strata_limits lim = default_limits();
	struct diag_capture seen;
	struct st_diag diag = {.fn = capture_diag, .ctx = &seen, .warnings = 0};
	struct st_image_options opts = {.platform = NULL, .limits = &lim, .diag = &diag};
	struct strata_error err;
	struct st_image *img = NULL;
	size_t i;

	ST_CHECK_INT(check_ref(data_ref("", "images/docker-oci-extra.tar", ""), NULL,
			       "docker-oci-extra.tar", ST_FORM_DOCKER_ARCHIVE),
		     ST_TEST_PASS);
	for (i = 0; i < ST_ARRAY_LEN(cases); i++) {
		seen.count = 0;
		ST_CHECK_INT(st_image_open(&img, data_ref("", cases[i].rel, ""), &opts, &err), 0);
		st_image_free(img);
		ST_CHECK_INT(seen.count, cases[i].warnings);
		ST_CHECK(cases[i].part == NULL || strstr(seen.last, cases[i].part) != NULL);
	}
	return ST_TEST_PASS;
}

ST_TEST(image_docker_diffid_names)
{
	return check_ref(data_ref("", "images/docker-diffid.tar", ""), NULL, "docker-diffid.tar",
			 ST_FORM_DOCKER_ARCHIVE);
}

ST_TEST(image_docker_oci_shape)
{
	return check_ref(data_ref("", "images/docker-oci.tar", ""), NULL, "docker-oci.tar",
			 ST_FORM_DOCKER_ARCHIVE);
}

/* docker save with the containerd image store: the manifest is found
 * one index below index.json, past a platform whose blobs the archive
 * lacks, and the image's BuildKit attestation is reported. */
ST_TEST(image_docker_oci_attested)
{
	struct strata_limits lim = default_limits();
	struct strata_error err;
	struct st_image *img = NULL;
	int result = ST_TEST_FAIL;

	ST_CHECK_INT(check_ref(data_ref("", "images/docker-oci-attested.tar", ""), NULL,
			       "docker-oci-attested.tar", ST_FORM_DOCKER_ARCHIVE),
		     ST_TEST_PASS);
	if (open_image(&img, data_ref("", "images/docker-oci-attested.tar", ""), &lim, NULL,
		       &err) != 0) {
		fprintf(stderr, "# %s\n", err.msg);
		goto out;
	}
	if (img->manifest_digest == NULL || img->attestation_count != 1 ||
	    img->referrer_count != 0)
		goto out;
	if (strcmp(img->attestations[0].digest, "sha256:"
						"5555555555555555555555555555555555555555555555555555555555555555") != 0 ||
	    strcmp(img->attestations[0].type, "attestation-manifest") != 0 ||
	    img->attestations[0].subject == NULL ||
	    strcmp(img->attestations[0].subject, img->manifest_digest) != 0)
		goto out;
	result = ST_TEST_PASS;

out:
	st_image_free(img);
	return result;
}

/* A Docker 25 archive is also an oci-archive: the same layers through
 * index.json, now with the stored size known from the manifest. */
ST_TEST(image_docker_oci_as_oci_archive)
{
	struct strata_limits lim = default_limits();
	struct strata_error err;
	struct st_image *img = NULL;
	json_t *want = expected("images", "docker-oci.tar");
	json_t *layers = json_object_get(want, "layers");
	size_t failed = 0;
	size_t i;

	ST_CHECK_INT(open_image(&img, data_ref("oci-archive:", "images/docker-oci.tar", ":latest"),
				&lim, NULL, &err),
		     0);
	ST_CHECK_INT(img->form, ST_FORM_OCI_ARCHIVE);
	ST_CHECK_STR(img->tag, "latest");
	ST_CHECK(img->manifest_digest != NULL);
	ST_CHECK_STR(img->config_digest, jstr(want, "config_digest"));
	ST_CHECK_INT(img->layer_count, 2);
	for (i = 0; i < img->layer_count; i++) {
		ST_CHECK_STR(img->layers[i].digest, jstr(json_array_get(layers, i), "digest"));
		ST_CHECK(img->layers[i].size_known);
		ST_CHECK_STR(img->layers[i].media_type, "application/vnd.oci.image.layer.v1.tar");
	}
	ST_CHECK_INT(drain_all(img, &failed, &err), 0);
	st_image_free(img);
	return ST_TEST_PASS;
}

/* A layer is read by the compression of its bytes when its media type
 * names another: an uncompressed tar labelled gzip, and gzip labelled tar. */
ST_TEST(image_oci_mislabelled)
{
	return check_ref(data_ref("", "images/oci-mislabelled", ""), NULL, "oci-mislabelled",
			 ST_FORM_OCI_DIR);
}

/* Regression: a plain tar layer whose first entry name starts with the
 * bytes 1f 8b was read as gzip. Its valid tar header wins. */
ST_TEST(image_tar_named_like_gzip)
{
	ST_CHECK_INT(check_ref(data_ref("", "images/oci-gzip-named", ""), NULL, "oci-gzip-named",
			       ST_FORM_OCI_DIR),
		     ST_TEST_PASS);
	return check_ref(data_ref("", "images/docker-gzip-named.tar", ""), NULL,
			 "docker-gzip-named.tar", ST_FORM_DOCKER_ARCHIVE);
}

/* Regression: an image listed twice under one tag was refused as two
 * images that only a digest could tell apart. */
ST_TEST(image_oci_repeated_entry)
{
	ST_CHECK_INT(check_ref(data_ref("oci:", "images/oci-repeated", ":v1"), NULL,
			       "oci-repeated", ST_FORM_OCI_DIR),
		     ST_TEST_PASS);
	return check_ref(data_ref("", "images/oci-repeated", ""), "linux/arm64", "oci-repeated",
			 ST_FORM_OCI_DIR);
}

ST_TEST(image_oci_dir)
{
	return check_ref(data_ref("", "images/oci-dir", ""), NULL, "oci-dir", ST_FORM_OCI_DIR);
}

ST_TEST(image_oci_dir_by_tag)
{
	return check_ref(data_ref("oci:", "images/oci-dir", ":v1"), NULL, "oci-dir",
			 ST_FORM_OCI_DIR);
}

ST_TEST(image_oci_dir_by_digest)
{
	char suffix[128];
	json_t *want = expected("images", "oci-dir");

	ST_CHECK(want != NULL);
	snprintf(suffix, sizeof(suffix), "@%s", jstr(want, "manifest_digest"));
	ST_CHECK_INT(check_ref(data_ref("oci:", "images/oci-dir", suffix), NULL, "oci-dir",
			       ST_FORM_OCI_DIR),
		     ST_TEST_PASS);
	snprintf(suffix, sizeof(suffix), ":@%s", jstr(want, "manifest_digest"));
	return check_ref(data_ref("oci:", "images/oci-dir", suffix), NULL, "oci-dir",
			 ST_FORM_OCI_DIR);
}

ST_TEST(image_oci_dir_unknown_tag)
{
	struct strata_limits lim = default_limits();
	struct strata_error err;
	struct st_image *img = NULL;
	char suffix[128];

	ST_CHECK_INT(open_image(&img, data_ref("oci:", "images/oci-dir", ":v2"), &lim, NULL, &err),
		     STRATA_ENOTFOUND);
	ST_CHECK(msg_has(&err, "no image tagged 'v2'; tags: v1"));
	snprintf(suffix, sizeof(suffix), "@sha256:%064d", 0);
	ST_CHECK_INT(open_image(&img, data_ref("oci:", "images/oci-dir", suffix), &lim, NULL, &err),
		     STRATA_ENOTFOUND);
	ST_CHECK(msg_has(&err, "no manifest sha256:000"));
	ST_CHECK_INT(open_image(&img, data_ref("oci:", "images/oci-dir", "@sha256:12"), &lim, NULL,
				&err),
		     STRATA_EINVAL);
	return ST_TEST_PASS;
}

ST_TEST(image_oci_archive)
{
	ST_CHECK_INT(check_ref(data_ref("", "images/oci.tar", ""), NULL, "oci.tar",
			       ST_FORM_OCI_ARCHIVE),
		     ST_TEST_PASS);
	return check_ref(data_ref("oci-archive:", "images/oci.tar", ":v1"), NULL, "oci.tar",
			 ST_FORM_OCI_ARCHIVE);
}

ST_TEST(image_multi_platform_default)
{
	return check_ref(data_ref("", "images/oci-multi", ""), NULL, "oci-multi:amd64",
			 ST_FORM_OCI_DIR);
}

ST_TEST(image_multi_platform_arm64)
{
	ST_CHECK_INT(check_ref(data_ref("", "images/oci-multi", ""), "linux/arm64",
			       "oci-multi:arm64", ST_FORM_OCI_DIR),
		     ST_TEST_PASS);
	ST_CHECK_INT(check_ref(data_ref("oci:", "images/oci-multi", ":multi"), "linux/arm64/v8",
			       "oci-multi:arm64", ST_FORM_OCI_DIR),
		     ST_TEST_PASS);
	return check_ref(data_ref("", "images/oci-multi", ""), "linux/amd64", "oci-multi:amd64",
			 ST_FORM_OCI_DIR);
}

/* A platform is matched as containerd matches one: without regard to
 * case, with the other tools' names of an architecture, and an amd64 v2
 * machine runs an amd64 image that names no variant (v1). */
ST_TEST(image_platform_spellings)
{
	static const char *const amd64[] = {"Linux/AMD64", "linux/amd64/v2", "linux/x86_64",
					    "linux/amd64/v1"};
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(amd64); i++)
		ST_CHECK_INT(check_ref(data_ref("", "images/oci-multi", ""), amd64[i],
				       "oci-multi:amd64", ST_FORM_OCI_DIR),
			     ST_TEST_PASS);
	return check_ref(data_ref("", "images/oci-multi", ""), "linux/aarch64", "oci-multi:arm64",
			 ST_FORM_OCI_DIR);
}

ST_TEST(image_multi_platform_missing)
{
	struct strata_limits lim = default_limits();
	struct strata_error err;
	struct st_image *img = NULL;

	ST_CHECK_INT(open_image(&img, data_ref("", "images/oci-multi", ""), &lim, "linux/s390x",
				&err),
		     STRATA_ENOTFOUND);
	ST_CHECK(msg_has(&err, "no image for platform linux/s390x"));
	ST_CHECK(msg_has(&err, "available: linux/amd64, linux/arm64/v8"));
	ST_CHECK(strstr(err.msg, "unknown") == NULL);
	ST_CHECK_INT(open_image(&img, data_ref("", "images/oci-multi", ""), &lim, "linux/arm64/v7",
				&err),
		     STRATA_ENOTFOUND);
	return ST_TEST_PASS;
}

/* A one-image layout whose index entry has no platform: the config must
 * match the platform the caller names. */
ST_TEST(image_single_platform_checked)
{
	struct strata_limits lim = default_limits();
	struct strata_error err;
	struct st_image *img = NULL;

	ST_CHECK_INT(open_image(&img, data_ref("", "images/oci-dir", ""), &lim, "linux/arm64", &err),
		     STRATA_ENOTFOUND);
	ST_CHECK(msg_has(&err, "the image is for linux/amd64, not linux/arm64"));
	ST_CHECK_INT(open_image(&img, data_ref("", "images/oci-dir", ""), &lim, "linux/amd64", &err),
		     0);
	st_image_free(img);
	return ST_TEST_PASS;
}

ST_TEST(image_docker_platform_checked)
{
	struct strata_limits lim = default_limits();
	struct strata_error err;
	struct st_image *img = NULL;

	ST_CHECK_INT(open_image(&img, data_ref("", "images/docker-classic.tar", ""), &lim,
				"linux/arm64", &err),
		     STRATA_ENOTFOUND);
	ST_CHECK(msg_has(&err, "the image is for linux/amd64, not linux/arm64"));
	ST_CHECK_INT(open_image(&img, data_ref("", "images/docker-classic.tar", ""), &lim,
				"linux/amd64", &err),
		     0);
	st_image_free(img);
	return ST_TEST_PASS;
}

ST_TEST(image_invalid_platform)
{
	static const char *const bad[] = {"linux", "linux/", "/amd64", "linux/arm/", "a/b/c/d"};
	struct strata_limits lim = default_limits();
	struct strata_error err;
	struct st_image *img = NULL;
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(bad); i++) {
		ST_CHECK_INT(open_image(&img, data_ref("", "images/oci-multi", ""), &lim, bad[i], &err),
			     STRATA_EINVAL);
		ST_CHECK(msg_has(&err, "invalid platform"));
	}
	return ST_TEST_PASS;
}

ST_TEST(image_single_entry_needs_no_platform)
{
	return check_ref(data_ref("", "images/oci-arm64-only", ""), NULL, "oci-arm64-only",
			 ST_FORM_OCI_DIR);
}

/* The index entry names linux/arm64 without a variant, which means v8. */
ST_TEST(image_arm64_variant_defaults_to_v8)
{
	struct strata_limits lim = default_limits();
	struct strata_error err;
	struct st_image *img = NULL;

	ST_CHECK_INT(check_ref(data_ref("", "images/oci-arm64-only", ""), "linux/arm64/v8",
			       "oci-arm64-only", ST_FORM_OCI_DIR),
		     ST_TEST_PASS);
	ST_CHECK_INT(open_image(&img, data_ref("", "images/oci-arm64-only", ""), &lim,
				"linux/arm64/v7", &err),
		     STRATA_ENOTFOUND);
	ST_CHECK(msg_has(&err, "available: linux/arm64"));
	return ST_TEST_PASS;
}

/* A gzip layer.tar in a docker-archive: the stored digest is unknown until
 * the layer has been read, and the digest field is a copy of the diff_id
 * until then. */
ST_TEST(image_docker_gzip_layer_measured)
{
	struct strata_limits lim = default_limits();
	struct strata_error err;
	struct st_image *img = NULL;
	json_t *want = json_array_get(
		json_object_get(expected("images", "docker-gzip.tar"), "layers"), 0);
	uint64_t bytes = 0;

	ST_CHECK(want != NULL);
	ST_CHECK_INT(open_image(&img, data_ref("", "images/docker-gzip.tar", ""), &lim, NULL, &err),
		     0);
	ST_CHECK_INT(img->layer_count, 1);
	ST_CHECK_INT(img->layers[0].compression, ST_COMPRESSION_GZIP);
	ST_CHECK_STR(img->layers[0].digest, img->layers[0].diff_id);
	ST_CHECK_INT(drain_layer(img, 0, &bytes, &err), 0);
	ST_CHECK(check_layer(&img->layers[0], want) == ST_TEST_PASS);
	ST_CHECK(strcmp(img->layers[0].digest, img->layers[0].diff_id) != 0);
	st_image_free(img);
	return ST_TEST_PASS;
}

ST_TEST(image_form_names)
{
	ST_CHECK_STR(st_image_form_name(ST_FORM_DOCKER_ARCHIVE), "docker-archive");
	ST_CHECK_STR(st_image_form_name(ST_FORM_OCI_DIR), "oci");
	ST_CHECK_STR(st_image_form_name(ST_FORM_OCI_ARCHIVE), "oci-archive");
	ST_CHECK_STR(st_image_form_name(42), "unknown");
	st_image_free(NULL);
	return ST_TEST_PASS;
}

/* Broken images -------------------------------------------------------- */

static void lim_manifest_100(struct strata_limits *l)
{
	l->manifest_bytes = 100;
}

static void lim_config_100(struct strata_limits *l)
{
	l->config_bytes = 100;
}

static void lim_layers_2(struct strata_limits *l)
{
	l->layers = 2;
}

static void lim_layers_1(struct strata_limits *l)
{
	l->layers = 1;
}

static void lim_depth_2(struct strata_limits *l)
{
	l->json_depth = 2;
}

static void lim_ratio_100(struct strata_limits *l)
{
	l->compression_ratio = 100;
	l->ratio_min_bytes = 1u << 20;
}

static void lim_ratio_from_1m(struct strata_limits *l)
{
	l->ratio_min_bytes = 1u << 20;
}

static void lim_ratio_2000(struct strata_limits *l)
{
	l->compression_ratio = 2000;
}

static void lim_layer_bytes_1m(struct strata_limits *l)
{
	l->compression_ratio = 2000;
	l->layer_bytes = 1u << 20;
}

struct bad_case {
	const char *prefix;
	const char *rel;   /* under tests/data/images */
	const char *suffix;
	void (*tweak)(struct strata_limits *l);
	int open_code;     /* from st_image_open */
	int read_code;     /* from reading every layer, when the image opens */
	const char *part;  /* the message must contain this */
	bool named;        /* and expected.json's "errors" entry for REL */
};

static const struct bad_case bad_cases[] = {
	{"", "bad-truncated.tar", "", NULL, STRATA_ECORRUPT, 0, "Truncated", true},
	{"", "bad-gzip-truncated", "", NULL, 0, STRATA_ECORRUPT, "invalid gzip stream: truncated",
	 true},
	{"", "bad-gzip-crc", "", NULL, 0, STRATA_ECORRUPT, "incorrect data check", true},
	{"", "bad-digest", "", NULL, 0, STRATA_ECORRUPT, "digest mismatch", true},
	{"", "bad-config-digest", "", NULL, STRATA_ECORRUPT, 0, "config", true},
	{"", "bad-diffid", "", NULL, 0, STRATA_ECORRUPT, "diff_id mismatch", true},
	{"", "bad-diffid.tar", "", NULL, 0, STRATA_ECORRUPT, "diff_id mismatch", true},
	{"", "bad-docker-oci-index.tar", "", NULL, STRATA_ECORRUPT, 0,
	 "cannot check index.json against manifest.json", true},
	{"", "bad-docker-oci-named.tar", "", NULL, STRATA_ECORRUPT, 0,
	 "index.json gives the name strata/test:latest to another image", true},
	{"oci:", "bad-dup-tag", ":v1", NULL, STRATA_EINVAL, 0,
	 "index.json: 2 images are tagged 'v1'; select one with @sha256:DIGEST: ", true},
	{"", "bad-docker-oci-mismatch.tar", "", NULL, STRATA_ECORRUPT, 0,
	 "manifest.json and index.json describe different images: no image manifest in "
	 "index.json (1 read)",
	 true},
	{"", "bad-count", "", NULL, STRATA_ECORRUPT, 0, "1 diff_ids for 2 layers", true},
	{"", "bad-missing-blob", "", NULL, STRATA_ENOTFOUND, 0, "blob not found", true},
	{"", "bad-escape.tar", "", NULL, STRATA_ECORRUPT, 0, "points outside the image", true},
	{"", "bad-link-escape.tar", "", NULL, STRATA_ECORRUPT, 0, "links outside the archive",
	 true},
	{"", "bad-dup-member.tar", "", NULL, STRATA_ECORRUPT, 0, "appears twice", true},
	{"", "bad-missing-member.tar", "", NULL, STRATA_ENOTFOUND, 0, "not found", true},
	{"", "bad-layer-sources.tar", "", NULL, STRATA_ECORRUPT, 0, "manifest.json", true},
	{"", "bad-layer-sources-key.tar", "", NULL, STRATA_ECORRUPT, 0, "LayerSources", true},
	{"", "bad-layer-sources-absent.tar", "", NULL, STRATA_ENOTFOUND, 0, "layer 0", true},
	{"", "bad-layer-sources-no-type.tar", "", NULL, STRATA_ECORRUPT, 0, "has no mediaType",
	 true},
	{"", "bad-json", "", NULL, STRATA_ECORRUPT, 0, "invalid JSON", true},
	{"", "bad-json.tar", "", NULL, STRATA_ECORRUPT, 0, "invalid JSON", true},
	{"", "bad-dupkey", "", NULL, STRATA_ECORRUPT, 0, "duplicate", true},
	{"", "bad-deep", "", NULL, STRATA_ELIMIT, 0, "nested deeper than 128", true},
	{"", "bad-symlink", "", NULL, STRATA_ECORRUPT, 0, "is a symbolic link", true},
	/* 4 MiB of zeros, as in a lastlog file: under ratio_min_bytes. */
	{"", "bad-bomb", "", NULL, 0, 0, NULL, false},
	{"", "bad-bomb", "", lim_ratio_from_1m, 0, STRATA_ELIMIT, "compression_ratio limit of 1000",
	 false},
	{"", "bad-bomb", "", lim_ratio_100, 0, STRATA_ELIMIT, "compression_ratio limit of 100",
	 false},
	{"", "bad-bomb", "", lim_ratio_2000, 0, 0, NULL, false},
	{"", "bad-bomb", "", lim_layer_bytes_1m, 0, STRATA_ELIMIT, "layer_bytes limit", false},
	{"", "zstd-layer", "", NULL, 0, STRATA_ECORRUPT, "invalid zstd stream", true},
	{"", "bad-nested", "", NULL, STRATA_ELIMIT, 0, "indexes nested more than 4 deep", true},
	{"", "bad-size", "", NULL, STRATA_ECORRUPT, 0, "from its descriptor", true},
	{"", "bad-mediatype", "", NULL, STRATA_ECORRUPT, 0, "media type differs", true},
	{"", "bad-schema1", "", NULL, STRATA_EUNSUPPORTED, 0, "schema 1", true},
	{"", "oci-dir", "", lim_manifest_100, STRATA_ELIMIT, 0, "index.json", false},
	{"", "oci-dir", "", lim_manifest_100, STRATA_ELIMIT, 0, "manifest_bytes limit of 100",
	 false},
	{"", "docker-classic.tar", "", lim_manifest_100, STRATA_ELIMIT, 0, "manifest.json", false},
	{"", "oci-dir", "", lim_config_100, STRATA_ELIMIT, 0, "config_bytes limit of 100", false},
	{"", "docker-classic.tar", "", lim_config_100, STRATA_ELIMIT, 0, "config_bytes", false},
	{"", "docker-classic.tar", "", lim_layers_2, STRATA_ELIMIT, 0, "3 layers, over the layers "
	 "limit of 2", false},
	{"", "oci-dir", "", lim_layers_1, STRATA_ELIMIT, 0, "over the layers limit of 1", false},
	{"", "oci-dir", "", lim_depth_2, STRATA_ELIMIT, 0, "nested deeper than 2", false},
	{"", "expected.json", "", NULL, STRATA_EUNSUPPORTED, 0, "not a tar archive", false},
	/* A layer tar, and a gzip tar, which is not read (tar format only). */
	{"", "bad-digest/blobs/sha256/"
	 "98fe33638fe9f0431032481b03a40c7cfa71be8caa0d8964ac69045c5b22d4bb",
	 "", NULL, STRATA_EUNSUPPORTED, 0, "has no manifest.json or index.json", false},
	{"", "bad-bomb/blobs/sha256/"
	 "916e94f3aeba9372c8a0594bea3a5eb1cba5486b943314db8b34a86268660cb6",
	 "", NULL, STRATA_EUNSUPPORTED, 0, "not a tar archive", false},
	{"", "no-such-image", "", NULL, STRATA_ENOTFOUND, 0, "no-such-image", false},
	{"oci:", "oci.tar", "", NULL, STRATA_EINVAL, 0, "not a directory", false},
	{"docker-archive:", "oci-dir", "", NULL, STRATA_EINVAL, 0, "a directory", false},
	{"oci-archive:", "oci-dir", "", NULL, STRATA_EINVAL, 0, "a directory", false},
	{"docker-archive:", "oci.tar", "", NULL, STRATA_ENOTFOUND, 0, "manifest.json not found",
	 false},
	{"oci-archive:", "docker-classic.tar", "", NULL, STRATA_ENOTFOUND, 0,
	 "oci-layout not found", false},
	{"oci:", "", "", NULL, STRATA_ENOTFOUND, 0, "oci-layout not found", false},
};

static int run_bad_case(const struct bad_case *c)
{
	struct strata_limits lim = default_limits();
	struct strata_error err;
	struct st_image *img = NULL;
	char rel[256];
	size_t failed = 0;
	int rc;

	snprintf(rel, sizeof(rel), "images/%s", c->rel);
	if (c->tweak != NULL)
		c->tweak(&lim);
	rc = open_image(&img, data_ref(c->prefix, rel, c->suffix), &lim, NULL, &err);
	ST_CHECK_INT(rc, c->open_code);
	if (rc == 0) {
		rc = drain_all(img, &failed, &err);
		ST_CHECK_INT(rc, c->read_code);
		if (rc < 0) {
			/* The stream repeats its error and names the layer. */
			ST_CHECK(msg_has(&err, img->layers[failed].digest));
		}
		st_image_free(img);
	}
	if (rc == 0)
		return ST_TEST_PASS;
	ST_CHECK(img == NULL || c->open_code == 0);
	ST_CHECK(msg_has(&err, c->part));
	if (c->named) {
		json_t *errors = json_object_get(expected_root(), "errors");
		const char *object = json_string_value(json_object_get(errors, c->rel));

		ST_CHECK(object != NULL);
		ST_CHECK(msg_has(&err, object));
	}
	return ST_TEST_PASS;
}

ST_TEST(image_bad_cases)
{
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(bad_cases); i++) {
		if (run_bad_case(&bad_cases[i]) != ST_TEST_PASS) {
			fprintf(stderr, "# case %zu: %s%s%s\n", i, bad_cases[i].prefix,
				bad_cases[i].rel, bad_cases[i].suffix);
			return ST_TEST_FAIL;
		}
	}
	return ST_TEST_PASS;
}

/* After an error, further reads return it again instead of data. */
ST_TEST(image_layer_error_is_sticky)
{
	struct strata_limits lim = default_limits();
	struct strata_error err;
	struct st_image *img = NULL;
	struct st_stream *s = NULL;
	char buf[4096];
	ssize_t n;

	ST_CHECK_INT(open_image(&img, data_ref("", "images/bad-gzip-crc", ""), &lim, NULL, &err), 0);
	ST_CHECK_INT(st_image_open_layer(img, 1, &s, &err), 0);
	do {
		n = st_stream_read(s, buf, sizeof(buf), &err);
	} while (n > 0);
	ST_CHECK_INT(n, STRATA_ECORRUPT);
	strata_error_clear(&err);
	ST_CHECK_INT(st_stream_read(s, buf, sizeof(buf), &err), STRATA_ECORRUPT);
	ST_CHECK(msg_has(&err, "incorrect data check"));
	st_stream_close(s);
	ST_CHECK_INT(st_image_open_layer(img, 2, &s, &err), STRATA_EINVAL);
	st_image_free(img);
	return ST_TEST_PASS;
}

/* Every bad case again with every compressed layer going through the
 * layer pipeline (layer_pipe.c), as blobs of 16 MiB and more do: the same
 * errors with the same words, through its read(). */
ST_TEST(image_bad_cases_pipeline)
{
	size_t i;
	int result = ST_TEST_PASS;

	st_layer_set_hash_thread_min(0);
	for (i = 0; i < ST_ARRAY_LEN(bad_cases) && result == ST_TEST_PASS; i++) {
		result = run_bad_case(&bad_cases[i]);
		if (result != ST_TEST_PASS)
			fprintf(stderr, "# case %zu: %s%s%s\n", i, bad_cases[i].prefix,
				bad_cases[i].rel, bad_cases[i].suffix);
	}
	st_layer_set_hash_thread_min(16u << 20);
	return result;
}

/* Reads layer I of IMG to the end by borrowing, or by reads of PIECE
 * bytes when PIECE is not 0, and returns the SHA-256 of what came. */
static int layer_sha(struct st_image *img, size_t i, size_t piece, char hex[ST_SHA256_HEX_LEN + 1],
		     struct strata_error *err)
{
	static char buf[65536];
	struct st_stream *s = NULL;
	struct st_sha256 h;
	int rc;

	rc = st_image_open_layer(img, i, &s, err);
	if (rc < 0)
		return rc;
	if (st_sha256_init(&h, err) < 0) {
		st_stream_close(s);
		return STRATA_ENOMEM;
	}
	for (;;) {
		const void *data = buf;
		ssize_t n;

		if (piece == 0 && s->borrow != NULL)
			n = s->borrow(s, &data, err);
		else
			n = st_stream_read(s, buf, piece != 0 ? piece : sizeof(buf), err);
		if (n <= 0) {
			rc = (int)n;
			break;
		}
		st_sha256_update(&h, data, (size_t)n);
	}
	st_sha256_final(&h, hex);
	st_sha256_dispose(&h);
	st_stream_close(s);
	return rc;
}

/* The pipeline lends the same bytes that the in-line stream reads, whether
 * the caller borrows or reads in odd-sized pieces, and its sticky error
 * comes back on every later call. */
ST_TEST(image_pipeline_same_bytes)
{
	static const char *const images[] = {"images/oci-dir", "images/docker-gzip.tar",
					     "images/zstd-oci"};
	struct strata_limits lim = default_limits();
	struct strata_error err;
	size_t k;
	size_t i;

	for (k = 0; k < ST_ARRAY_LEN(images); k++) {
		struct st_image *img = NULL;

		ST_CHECK_INT(open_image(&img, data_ref("", images[k], ""), &lim, NULL, &err), 0);
		for (i = 0; i < img->layer_count; i++) {
			char inline_hex[ST_SHA256_HEX_LEN + 1];
			char borrow_hex[ST_SHA256_HEX_LEN + 1];
			char read_hex[ST_SHA256_HEX_LEN + 1];

			ST_CHECK_INT(layer_sha(img, i, 0, inline_hex, &err), 0);
			st_layer_set_hash_thread_min(0);
			ST_CHECK_INT(layer_sha(img, i, 0, borrow_hex, &err), 0);
			ST_CHECK_INT(layer_sha(img, i, 777, read_hex, &err), 0);
			st_layer_set_hash_thread_min(16u << 20);
			ST_CHECK_STR(borrow_hex, inline_hex);
			ST_CHECK_STR(read_hex, inline_hex);
			/* The uncompressed content is what the diff_id names. */
			ST_CHECK_STR(inline_hex, img->layers[i].diff_id + 7);
		}
		st_image_free(img);
	}
	return ST_TEST_PASS;
}

ST_TEST(image_pipeline_error_is_sticky)
{
	struct strata_limits lim = default_limits();
	struct strata_error err;
	struct st_image *img = NULL;
	struct st_stream *s = NULL;
	const void *data;
	ssize_t n;

	st_layer_set_hash_thread_min(0);
	ST_CHECK_INT(open_image(&img, data_ref("", "images/bad-gzip-crc", ""), &lim, NULL, &err), 0);
	ST_CHECK_INT(st_image_open_layer(img, 1, &s, &err), 0);
	ST_CHECK(s->borrow != NULL);
	do {
		n = s->borrow(s, &data, &err);
	} while (n > 0);
	ST_CHECK_INT(n, STRATA_ECORRUPT);
	ST_CHECK(msg_has(&err, "incorrect data check"));
	ST_CHECK(msg_has(&err, img->layers[1].digest));
	strata_error_clear(&err);
	ST_CHECK_INT(s->borrow(s, &data, &err), STRATA_ECORRUPT);
	ST_CHECK(msg_has(&err, "incorrect data check"));
	strata_error_clear(&err);
	ST_CHECK_INT(st_stream_read(s, &n, 1, &err), STRATA_ECORRUPT);
	ST_CHECK(msg_has(&err, "incorrect data check"));
	st_stream_close(s);
	st_image_free(img);
	st_layer_set_hash_thread_min(16u << 20);
	return ST_TEST_PASS;
}

/* A caller may close the pipeline at any point: before the first borrow,
 * holding a slot, or after the end. Its threads stop and nothing leaks
 * (the sanitizer build checks). */
ST_TEST(image_pipeline_early_close)
{
	struct strata_limits lim = default_limits();
	struct strata_error err;
	struct st_image *img = NULL;
	int stop;

	st_layer_set_hash_thread_min(0);
	lim.compression_ratio = 100000;
	ST_CHECK_INT(open_image(&img, data_ref("", "images/bad-bomb", ""), &lim, NULL, &err), 0);
	for (stop = 0; stop < 4; stop++) {
		struct st_stream *s = NULL;
		const void *data;
		int i;

		ST_CHECK_INT(st_image_open_layer(img, 0, &s, &err), 0);
		ST_CHECK(s->borrow != NULL);
		for (i = 0; i < stop; i++)
			ST_CHECK(s->borrow(s, &data, &err) > 0);
		st_stream_close(s);
	}
	st_image_free(img);
	st_layer_set_hash_thread_min(16u << 20);
	return ST_TEST_PASS;
}

/* Cutting a docker-archive at any 512-byte boundary gives an error or,
 * past the last member's data, a fully verified image; never a crash. */
ST_TEST(image_truncated_everywhere)
{
	struct strata_limits lim = default_limits();
	struct strata_error err;
	struct st_buf whole;
	char path[64] = "/tmp/strata-image-test-XXXXXX";
	size_t cut;
	int fd;

	st_buf_init(&whole, 1u << 20);
	ST_CHECK_INT(st_read_file(st_test_data_path("images/docker-classic.tar"), &whole, false,
				  NULL),
		     0);
	fd = mkstemp(path);
	ST_CHECK(fd >= 0);
	/* The file stays reachable through /proc until fd is closed. */
	unlink(path);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	for (cut = 0; cut < whole.len; cut += 512) {
		struct st_image *img = NULL;
		size_t failed = 0;
		int rc;

		ST_CHECK(ftruncate(fd, 0) == 0);
		ST_CHECK(pwrite(fd, whole.ptr, cut, 0) == (ssize_t)cut);
		rc = open_image(&img, path, &lim, NULL, &err);
		if (rc == 0) {
			rc = drain_all(img, &failed, &err);
			st_image_free(img);
		}
		if (rc != 0 && rc != STRATA_ECORRUPT && rc != STRATA_ENOTFOUND &&
		    rc != STRATA_EUNSUPPORTED) {
			fprintf(stderr, "# cut at %zu: %d %s\n", cut, rc, err.msg);
			ST_CHECK(false);
		}
	}
	close(fd);
	st_buf_dispose(&whole);
	return ST_TEST_PASS;
}

ST_TEST(image_reference_syntax)
{
	static const char *const bad[] = {"oci:", "docker-archive:", "oci-archive:",
					  "oci:/x:", "docker-archive:/x:", ""};
	struct strata_limits lim = default_limits();
	struct strata_error err;
	struct st_image *img = NULL;
	struct st_image_options opts = {.limits = NULL};
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(bad); i++) {
		ST_CHECK_INT(open_image(&img, bad[i], &lim, NULL, &err), STRATA_EINVAL);
		ST_CHECK(img == NULL);
	}
	ST_CHECK_INT(st_image_open(&img, "x", &opts, &err), STRATA_EINVAL);
	ST_CHECK_INT(st_image_open(&img, "x", NULL, &err), STRATA_EINVAL);
	return ST_TEST_PASS;
}

/* JSON parsers on in-memory documents ---------------------------------- */

#define DIGEST_A "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define DIGEST_B "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

static int parse_config_text(struct st_config *c, struct st_arena *a, const char *text,
			     struct strata_error *err)
{
	struct strata_limits lim = default_limits();

	strata_error_clear(err);
	return st_image_parse_config(c, st_slice_cstr(text), &lim, a, "config", err);
}

ST_TEST(image_config_history_aligned)
{
	const char *text =
		"{\"os\":\"linux\",\"architecture\":\"arm\",\"variant\":\"v7\","
		"\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" DIGEST_A "\",\"" DIGEST_B "\"]},"
		"\"history\":[{\"created_by\":\"empty\",\"empty_layer\":true},"
		"{\"created\":\"t1\",\"created_by\":\"one\"},"
		"{\"created_by\":\"also empty\",\"empty_layer\":true},"
		"{\"created\":\"t2\",\"created_by\":\"two\",\"empty_layer\":false}]}";
	struct strata_error err;
	struct st_arena a;
	struct st_config c;

	st_arena_init(&a);
	ST_CHECK_INT(parse_config_text(&c, &a, text, &err), 0);
	ST_CHECK_STR(c.os, "linux");
	ST_CHECK_STR(c.architecture, "arm");
	ST_CHECK_STR(c.variant, "v7");
	ST_CHECK_INT(c.diff_id_count, 2);
	ST_CHECK_STR(c.diff_ids[1], DIGEST_B);
	ST_CHECK_INT(c.history_count, 2);
	ST_CHECK_STR(c.history[0].created_by, "one");
	ST_CHECK_STR(c.history[0].created, "t1");
	ST_CHECK_STR(c.history[1].created_by, "two");
	st_arena_dispose(&a);
	return ST_TEST_PASS;
}

struct json_case {
	const char *text;
	int code;
	const char *part;
};

ST_TEST(image_config_rejects)
{
	static const struct json_case cases[] = {
		{"[]", STRATA_ECORRUPT, "not a JSON object"},
		{"{\"architecture\":\"amd64\"}", STRATA_ECORRUPT, "missing \"os\""},
		{"{\"os\":1,\"architecture\":\"amd64\"}", STRATA_ECORRUPT, "\"os\" is not a string"},
		{"{\"os\":\"li\\u0000nux\",\"architecture\":\"amd64\"}", STRATA_ECORRUPT, "NUL"},
		{"{\"os\":\"linux\",\"architecture\":\"amd64\"}", STRATA_ECORRUPT, "rootfs"},
		{"{\"os\":\"linux\",\"architecture\":\"amd64\",\"rootfs\":{\"type\":\"x\","
		 "\"diff_ids\":[]}}",
		 STRATA_EUNSUPPORTED, "rootfs type"},
		{"{\"os\":\"linux\",\"architecture\":\"amd64\",\"rootfs\":{\"type\":\"layers\","
		 "\"diff_ids\":[\"sha256:ABC\"]}}",
		 STRATA_ECORRUPT, "invalid digest 'sha256:ABC'"},
		{"{\"os\":\"linux\",\"architecture\":\"amd64\",\"rootfs\":{\"type\":\"layers\","
		 "\"diff_ids\":[\"sha512:abcd\"]}}",
		 STRATA_EUNSUPPORTED, "other than sha256"},
		{"{\"os\":\"linux\",\"architecture\":\"amd64\",\"rootfs\":{\"type\":\"layers\","
		 "\"diff_ids\":[1]}}",
		 STRATA_ECORRUPT, "diff_ids[0] is not a string"},
		{"{\"os\":\"linux\",\"architecture\":\"amd64\",\"rootfs\":{\"type\":\"layers\","
		 "\"diff_ids\":[]},\"history\":[{\"empty_layer\":\"yes\"}]}",
		 STRATA_ECORRUPT, "history[0]: \"empty_layer\" is not a boolean"},
		{"{\"os\":\"linux\",\"os\":\"linux\"}", STRATA_ECORRUPT, "duplicate"},
	};
	struct strata_error err;
	struct st_arena a;
	struct st_config c;
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(cases); i++) {
		st_arena_init(&a);
		ST_CHECK_INT(parse_config_text(&c, &a, cases[i].text, &err), cases[i].code);
		ST_CHECK(msg_has(&err, cases[i].part));
		st_arena_dispose(&a);
	}
	return ST_TEST_PASS;
}

ST_TEST(image_manifest_rejects)
{
	static const struct json_case cases[] = {
		{"{\"schemaVersion\":2,\"layers\":[]}", STRATA_ECORRUPT, "missing \"config\""},
		{"{\"schemaVersion\":3,\"config\":{},\"layers\":[]}", STRATA_EUNSUPPORTED,
		 "schemaVersion 3"},
		{"{\"config\":{},\"layers\":[]}", STRATA_ECORRUPT, "missing \"schemaVersion\""},
		{"{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
		 "\"config\":{},\"layers\":[]}",
		 STRATA_EUNSUPPORTED, "is not an image manifest"},
		{"{\"schemaVersion\":2,\"config\":{\"digest\":\"" DIGEST_A "\",\"size\":-1},"
		 "\"layers\":[]}",
		 STRATA_ECORRUPT, "config: \"size\" is not a non-negative integer"},
		{"{\"schemaVersion\":2,\"config\":{\"digest\":\"" DIGEST_A "\"},\"layers\":{}}",
		 STRATA_ECORRUPT, "\"layers\" is not an array"},
		{"{\"schemaVersion\":2,\"config\":{\"digest\":\"" DIGEST_A "\"},"
		 "\"layers\":[{\"digest\":\"" DIGEST_B "\"},{\"digest\":\"sha256:\"}]}",
		 STRATA_ECORRUPT, "layers[1]: invalid digest"},
	};
	struct strata_limits lim = default_limits();
	struct strata_error err;
	struct st_manifest m;
	struct st_arena a;
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(cases); i++) {
		st_arena_init(&a);
		strata_error_clear(&err);
		ST_CHECK_INT(st_image_parse_manifest(&m, st_slice_cstr(cases[i].text), &lim, &a,
						     "manifest", &err),
			     cases[i].code);
		ST_CHECK(msg_has(&err, cases[i].part));
		st_arena_dispose(&a);
	}
	return ST_TEST_PASS;
}

ST_TEST(image_index_platform_fields)
{
	const char *text =
		"{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
		"\"application/vnd.docker.distribution.manifest.v2+json\",\"digest\":\"" DIGEST_A
		"\",\"size\":7,\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\","
		"\"variant\":\"v8\"}},{\"digest\":\"" DIGEST_B "\",\"annotations\":"
		"{\"vnd.docker.reference.type\":\"attestation-manifest\","
		"\"org.opencontainers.image.ref.name\":\"t\"}}]}";
	struct strata_limits lim = default_limits();
	struct strata_error err;
	struct st_index idx;
	struct st_arena a;
	int kind = -1;

	st_arena_init(&a);
	ST_CHECK_INT(st_image_parse_index(&idx, st_slice_cstr(text), &lim, &a, "index", &err), 0);
	ST_CHECK_INT(idx.count, 2);
	ST_CHECK_STR(idx.manifests[0].architecture, "arm64");
	ST_CHECK_STR(idx.manifests[0].variant, "v8");
	ST_CHECK(idx.manifests[0].has_size);
	ST_CHECK_INT(idx.manifests[0].size, 7);
	ST_CHECK(!idx.manifests[0].attestation);
	ST_CHECK(idx.manifests[1].attestation);
	ST_CHECK_STR(idx.manifests[1].ref_name, "t");
	ST_CHECK(!idx.manifests[1].has_size);
	ST_CHECK_INT(st_image_json_kind(&kind, st_slice_cstr(text), &lim, "index", &err), 0);
	ST_CHECK_INT(kind, ST_DOC_INDEX);
	ST_CHECK_INT(st_image_json_kind(&kind, st_slice_cstr("{\"config\":{}}"), &lim, "m", &err), 0);
	ST_CHECK_INT(kind, ST_DOC_MANIFEST);
	ST_CHECK_INT(st_image_json_kind(&kind, st_slice_cstr("{}"), &lim, "m", &err), 0);
	ST_CHECK_INT(kind, ST_DOC_UNKNOWN);
	st_arena_dispose(&a);
	return ST_TEST_PASS;
}

ST_TEST(image_docker_manifest_rejects)
{
	static const struct json_case cases[] = {
		{"{}", STRATA_ECORRUPT, "not a JSON array"},
		{"[]", STRATA_ECORRUPT, "lists no image"},
		{"[{\"Layers\":[]}]", STRATA_ECORRUPT, "image 0: missing \"Config\""},
		{"[{\"Config\":\"c.json\"}]", STRATA_ECORRUPT, "missing \"Layers\""},
		{"[{\"Config\":\"c.json\",\"Layers\":[\"a\",\"b\",\"c\"]}]", STRATA_ELIMIT,
		 "3 layers, over the layers limit of 2"},
		{"[{\"Config\":\"c.json\",\"RepoTags\":[1],\"Layers\":[]}]", STRATA_ECORRUPT,
		 "RepoTags[0] is not a string"},
		/* LayerSources: more entries than layers, a bad descriptor, a
		 * truncated document. */
		{"[{\"Config\":\"c.json\",\"Layers\":[\"a\"],\"LayerSources\":{\"" DIGEST_A
		 "\":{\"digest\":\"" DIGEST_A "\"},\"" DIGEST_B "\":{\"digest\":\"" DIGEST_B
		 "\"}}}]",
		 STRATA_ECORRUPT, "\"LayerSources\" has 2 entries for 1 layers"},
		{"[{\"Config\":\"c.json\",\"Layers\":[\"a\"],\"LayerSources\":{\"" DIGEST_A
		 "\":{\"size\":-1,\"digest\":\"" DIGEST_A "\"}}}]",
		 STRATA_ECORRUPT, "\"size\" is not a non-negative integer"},
		{"[{\"Config\":\"c.json\",\"Layers\":[\"a\"],\"LayerSources\":{\"" DIGEST_A "\":",
		 STRATA_ECORRUPT, "invalid JSON"},
	};
	struct strata_limits lim = default_limits();
	struct strata_error err;
	struct st_docker_manifest dm;
	struct st_arena a;
	size_t i;

	lim.layers = 2;
	for (i = 0; i < ST_ARRAY_LEN(cases); i++) {
		st_arena_init(&a);
		strata_error_clear(&err);
		ST_CHECK_INT(st_image_parse_docker_manifest(&dm, st_slice_cstr(cases[i].text), &lim,
							    &a, "manifest.json", &err),
			     cases[i].code);
		ST_CHECK(msg_has(&err, cases[i].part));
		st_arena_dispose(&a);
	}
	st_arena_init(&a);
	ST_CHECK_INT(st_image_parse_docker_manifest(
			     &dm, st_slice_cstr("[{\"Config\":\"c\",\"RepoTags\":null,\"Layers\":[]}]"),
			     &lim, &a, "manifest.json", &err),
		     0);
	ST_CHECK_INT(dm.entries[0].repo_tag_count, 0);
	st_arena_dispose(&a);
	return ST_TEST_PASS;
}

ST_TEST(image_layout_version)
{
	struct strata_limits lim = default_limits();
	struct strata_error err;

	ST_CHECK_INT(st_image_parse_layout(st_slice_cstr("{\"imageLayoutVersion\":\"1.0.0\"}"), &lim,
					   "oci-layout", &err),
		     0);
	ST_CHECK_INT(st_image_parse_layout(st_slice_cstr("{\"imageLayoutVersion\":\"2.0.0\"}"), &lim,
					   "oci-layout", &err),
		     STRATA_EUNSUPPORTED);
	ST_CHECK_INT(st_image_parse_layout(st_slice_cstr("{}"), &lim, "oci-layout", &err),
		     STRATA_ECORRUPT);
	return ST_TEST_PASS;
}

ST_TEST(image_member_names)
{
	static const struct {
		const char *name;
		const char *normalized; /* NULL: rejected */
	} cases[] = {
		{"abc/layer.tar", "abc/layer.tar"},
		{"./abc.json", "abc.json"},
		{"././blobs/sha256/x", "blobs/sha256/x"},
		{"../x", NULL},
		{"a/../../x", NULL},
		{"a/..", NULL},
		{"/etc/passwd", NULL},
		{"a//b", NULL},
		{"a/./b", NULL},
		{"", NULL},
		{"a/", NULL},
	};
	struct strata_limits lim = default_limits();
	struct strata_error err;
	struct st_arena a;
	const char *out = NULL;
	size_t i;

	st_arena_init(&a);
	for (i = 0; i < ST_ARRAY_LEN(cases); i++) {
		int rc = st_member_name_check(&out, cases[i].name, &lim, &a, "manifest.json", &err);

		if (cases[i].normalized == NULL) {
			ST_CHECK_INT(rc, STRATA_ECORRUPT);
			ST_CHECK(msg_has(&err, "manifest.json: path '"));
		} else {
			ST_CHECK_INT(rc, 0);
			ST_CHECK_STR(out, cases[i].normalized);
		}
	}
	lim.path_bytes = 4;
	ST_CHECK_INT(st_member_name_check(&out, "abcde", &lim, &a, "m", &err), STRATA_ELIMIT);
	st_arena_dispose(&a);
	return ST_TEST_PASS;
}

/* Writes a tar of regular members NAMES[i] with contents DATA[i] to PATH. */
static int write_tar(const char *path, const char *const *names, const char *const *data,
		     size_t count)
{
	struct archive *a = archive_write_new();
	size_t i;
	int rc = 0;

	archive_write_set_format_pax_restricted(a);
	if (archive_write_open_filename(a, path) != ARCHIVE_OK)
		rc = -1;
	for (i = 0; rc == 0 && i < count; i++) {
		struct archive_entry *e = archive_entry_new();

		archive_entry_set_pathname(e, names[i]);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, (la_int64_t)strlen(data[i]));
		if (archive_write_header(a, e) != ARCHIVE_OK ||
		    archive_write_data(a, data[i], strlen(data[i])) < 0)
			rc = -1;
		archive_entry_free(e);
	}
	archive_write_close(a);
	archive_write_free(a);
	return rc;
}

/* Reads member NAME of store S into OUT (NUL-terminated). */
static int read_member(struct st_store *s, const char *name, struct st_buf *out,
		       struct strata_error *err)
{
	struct st_stream *in = NULL;
	uint64_t size = 0;
	int rc = st_store_open_member(s, name, &in, &size, err);

	st_buf_init(out, 1024);
	if (rc == 0)
		rc = st_stream_read_all(in, out, err);
	if (in != NULL)
		st_stream_close(in);
	if (rc == 0 && st_buf_cstr(out, err) == NULL)
		rc = STRATA_ENOMEM;
	return rc;
}

/* A member that st_store_find found is opened at its offset. The test
 * damages the first header after the lookup, which only a full scan reads. */
ST_TEST(store_opens_found_member_at_offset)
{
	static const char *const names[] = {"filler", "blobs/sha256/wanted"};
	static const char *const data[] = {"12345", "hello"};
	char path[] = "/tmp/strata-store-XXXXXX";
	struct st_member m = {.name = "blobs/sha256/wanted"};
	struct strata_error err;
	struct st_store store;
	struct st_arena arena;
	struct st_buf out;
	int via;
	int fd = mkstemp(path);

	if (fd < 0)
		return ST_TEST_SKIP;
	close(fd);
	ST_CHECK_INT(write_tar(path, names, data, 2), 0);
	/* By name, then over an open file as for standard input. */
	for (via = 0; via < 2; via++) {
		char junk[512];

		ST_CHECK_INT(write_tar(path, names, data, 2), 0);
		st_arena_init(&arena);
		if (via == 0) {
			ST_CHECK_INT(st_store_open(&store, ST_FORM_DOCKER_ARCHIVE, path, &err), 0);
		} else {
			fd = open(path, O_RDWR | O_CLOEXEC);
			ST_CHECK(fd >= 0);
			ST_CHECK_INT(st_store_open_fd(&store, ST_FORM_DOCKER_ARCHIVE, fd, path,
						      &err),
				     0);
		}
		ST_CHECK_INT(st_store_find(&store, &m, 1, &arena, &err), 0);
		ST_CHECK(m.found);

		memset(junk, 'x', sizeof(junk));
		fd = open(path, O_WRONLY | O_CLOEXEC);
		ST_CHECK(fd >= 0);
		ST_CHECK_INT((int)pwrite(fd, junk, sizeof(junk), 0), (int)sizeof(junk));
		close(fd);

		ST_CHECK_INT(read_member(&store, m.resolved, &out, &err), 0);
		ST_CHECK_STR(out.ptr, "hello");
		st_buf_dispose(&out);
		/* A member never found is looked for from the start, and the
		 * damaged header stops that scan. */
		ST_CHECK(read_member(&store, "filler", &out, &err) < 0);
		ST_CHECK(msg_has(&err, "not a tar archive"));
		st_buf_dispose(&out);
		st_store_dispose(&store);
		st_arena_dispose(&arena);
	}
	unlink(path);
	return ST_TEST_PASS;
}

ST_TEST(image_quote_for_messages)
{
	char out[8];

	st_image_quote(out, sizeof(out), "ab\x1b[2J");
	ST_CHECK_STR(out, "ab?[2J");
	st_image_quote(out, sizeof(out), "abcdefghij");
	ST_CHECK_STR(out, "abcd...");
	st_image_quote(out, sizeof(out), NULL);
	ST_CHECK_STR(out, "");
	return ST_TEST_PASS;
}

/* Real tools --------------------------------------------------------- */

/* Opens REF, reads every layer and returns the layer count, or -1. */
static int open_and_read(const char *ref, struct st_image **out)
{
	struct strata_limits lim = default_limits();
	struct strata_error err;
	size_t failed = 0;
	int rc;

	rc = open_image(out, ref, &lim, NULL, &err);
	if (rc == 0)
		rc = drain_all(*out, &failed, &err);
	if (rc != 0) {
		fprintf(stderr, "# %s: %s\n", ref, err.msg);
		st_image_free(*out);
		*out = NULL;
		return -1;
	}
	return (int)(*out)->layer_count;
}

/* An image built by umoci and converted by skopeo (real-tools.sh) opens
 * in all three forms with the same config and diff_ids. Skipped when the
 * tools are missing or fail; no network is used. */
ST_TEST(image_real_tools)
{
	char dir[] = "/tmp/strata-image-real-XXXXXX";
	char cmd[8192];
	char ref[4200];
	struct st_image *img[3] = {NULL, NULL, NULL};
	static const char *const prefixes[3] = {"oci:", "docker-archive:", "oci-archive:"};
	static const char *const suffixes[3] = {"/oci:t", "/docker.tar", "/oci.tar:t"};
	int status;
	int result = ST_TEST_PASS;
	size_t i;
	size_t j;

	if (mkdtemp(dir) == NULL)
		return ST_TEST_SKIP;
	snprintf(cmd, sizeof(cmd), "bash '%s' '%s' >/dev/null 2>&1",
		 st_test_data_path("images/real-tools.sh"), dir);
	status = system(cmd);
	if (status != 0) {
		fprintf(stderr, "# real-tools.sh exited with status %d; skipping\n", status);
		result = ST_TEST_SKIP;
		goto out;
	}
	for (i = 0; i < 3; i++) {
		snprintf(ref, sizeof(ref), "%s%s%s", prefixes[i], dir, suffixes[i]);
		if (open_and_read(ref, &img[i]) != 2) {
			result = ST_TEST_FAIL;
			goto out;
		}
	}
	if (img[0]->form != ST_FORM_OCI_DIR || img[1]->form != ST_FORM_DOCKER_ARCHIVE ||
	    img[2]->form != ST_FORM_OCI_ARCHIVE) {
		result = ST_TEST_FAIL;
		goto out;
	}
	for (i = 1; i < 3; i++) {
		if (strcmp(img[i]->architecture, img[0]->architecture) != 0 ||
		    img[i]->layer_count != img[0]->layer_count)
			result = ST_TEST_FAIL;
		for (j = 0; j < img[0]->layer_count && result == ST_TEST_PASS; j++) {
			if (strcmp(img[i]->layers[j].diff_id, img[0]->layers[j].diff_id) != 0)
				result = ST_TEST_FAIL;
		}
	}
	/* skopeo stores docker-archive layers uncompressed and the OCI ones
	 * as they were (gzip from umoci). */
	if (img[1]->layers[0].compression != ST_COMPRESSION_NONE ||
	    img[0]->layers[0].compression != ST_COMPRESSION_GZIP ||
	    strcmp(img[1]->layers[0].digest, img[1]->layers[0].diff_id) != 0)
		result = ST_TEST_FAIL;
	if (img[0]->tag == NULL || strcmp(img[0]->tag, "t") != 0 || img[1]->tag == NULL ||
	    strcmp(img[1]->tag, "docker.io/strata/real:t") != 0)
		result = ST_TEST_FAIL;

out:
	for (i = 0; i < 3; i++)
		st_image_free(img[i]);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "# could not remove %s\n", dir);
	return result;
}

/* Artifacts in manifests ---------------------------------------------- */

/* OCI 1.1 marks an artifact by artifactType, by a subject, or by a config
 * media type that is not an image config; each parses and is flagged. */
ST_TEST(image_manifest_artifact_fields)
{
	static const struct {
		const char *text;
		bool artifact;
		const char *type;
		const char *subject;
	} cases[] = {
		{"{\"schemaVersion\":2,\"config\":{\"mediaType\":\"" ST_MT_OCI_CONFIG
		 "\",\"digest\":\"" DIGEST_A "\"},\"layers\":[]}",
		 false, ST_MT_OCI_CONFIG, NULL},
		{"{\"schemaVersion\":2,\"config\":{\"mediaType\":\"application/x-helm\","
		 "\"digest\":\"" DIGEST_A "\"},\"layers\":[]}",
		 true, "application/x-helm", NULL},
		{"{\"schemaVersion\":2,\"artifactType\":\"application/spdx+json\","
		 "\"config\":{\"digest\":\"" DIGEST_A "\"},\"layers\":[]}",
		 true, "application/spdx+json", NULL},
		{"{\"schemaVersion\":2,\"config\":{\"mediaType\":\"" ST_MT_OCI_CONFIG
		 "\",\"digest\":\"" DIGEST_A "\"},\"layers\":[],\"subject\":{\"mediaType\":\""
		 ST_MT_OCI_MANIFEST "\",\"digest\":\"" DIGEST_B "\",\"size\":1}}",
		 true, ST_MT_OCI_CONFIG, DIGEST_B},
	};
	struct strata_limits lim = default_limits();
	struct strata_error err;
	struct st_manifest m;
	struct st_arena a;
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(cases); i++) {
		st_arena_init(&a);
		strata_error_clear(&err);
		ST_CHECK_INT(st_image_parse_manifest(&m, st_slice_cstr(cases[i].text), &lim, &a,
						     "manifest", &err),
			     0);
		ST_CHECK(m.artifact == cases[i].artifact);
		ST_CHECK_STR(st_manifest_artifact_type(&m), cases[i].type);
		ST_CHECK(cases[i].subject == NULL ? m.subject == NULL
						  : strcmp(m.subject, cases[i].subject) == 0);
		ST_CHECK_INT(st_manifest_check_image(&m, "manifest", &err),
			     cases[i].artifact ? STRATA_EUNSUPPORTED : 0);
		if (cases[i].artifact)
			ST_CHECK(msg_has(&err, cases[i].type));
		st_arena_dispose(&a);
	}
	/* A subject must be a descriptor with a valid digest. */
	st_arena_init(&a);
	ST_CHECK_INT(st_image_parse_manifest(&m,
					     st_slice_cstr("{\"schemaVersion\":2,\"config\":{\"digest\":\""
							   DIGEST_A "\"},\"layers\":[],"
							   "\"subject\":{\"digest\":\"x\"}}"),
					     &lim, &a, "manifest", &err),
		     STRATA_ECORRUPT);
	ST_CHECK(msg_has(&err, "subject: invalid digest"));
	st_arena_dispose(&a);
	return ST_TEST_PASS;
}

/* Layouts built in a temporary directory ------------------------------ */

#define MT_LAYER_TAR "application/vnd.oci.image.layer.v1.tar"
#define MT_FOREIGN "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"
#define MT_NONDIST "application/vnd.oci.image.layer.nondistributable.v1.tar"
#define MT_HELM_CONFIG "application/vnd.cncf.helm.config.v1+json"
#define MT_SIG "application/vnd.dev.cosign.artifact.sig.v1+json"

/* "sha256:" + 64 hex digits + NUL. */
#define DIGEST_MAX 72

struct layout {
	char dir[64];
	char empty_tar[DIGEST_MAX]; /* a layer of 1,024 zero bytes */
	char config[DIGEST_MAX];    /* its config: linux/amd64, one diff_id */
	size_t config_len;
};

static int write_at(const char *dir, const char *name, const void *data, size_t len)
{
	char path[512];
	int fd;
	bool ok;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	ok = write(fd, data, len) == (ssize_t)len;
	return close(fd) == 0 && ok ? 0 : -1;
}

/* Stores DATA as a blob of layout L and writes its digest to DIGEST. */
static int put_blob(struct layout *l, const void *data, size_t len, char digest[DIGEST_MAX])
{
	char hex[ST_SHA256_HEX_LEN + 1];
	char name[ST_BLOB_NAME_MAX];

	st_sha256_hex(data, len, hex);
	snprintf(digest, DIGEST_MAX, "sha256:%s", hex);
	st_blob_name(name, digest);
	return write_at(l->dir, name, data, len);
}

static int put_text_blob(struct layout *l, const char *text, char digest[DIGEST_MAX])
{
	return put_blob(l, text, strlen(text), digest);
}

/* Creates an OCI layout with the empty layer and its config; index.json
 * is written by each test. */
static int layout_init(struct layout *l)
{
	static const char zeros[1024];
	char config[512];
	char path[128];

	snprintf(l->dir, sizeof(l->dir), "/tmp/strata-layout-XXXXXX");
	if (mkdtemp(l->dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/blobs", l->dir);
	if (mkdir(path, 0755) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/blobs/sha256", l->dir);
	if (mkdir(path, 0755) < 0)
		return -1;
	if (write_at(l->dir, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}", 30) < 0)
		return -1;
	if (put_blob(l, zeros, sizeof(zeros), l->empty_tar) < 0)
		return -1;
	snprintf(config, sizeof(config),
		 "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
		 "\"diff_ids\":[\"%s\"]}}",
		 l->empty_tar);
	l->config_len = strlen(config);
	return put_text_blob(l, config, l->config);
}

static void layout_remove(struct layout *l)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", l->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "# could not remove %s\n", l->dir);
}

/* Writes an image manifest with the layout's config and one layer
 * descriptor LAYER (JSON text), and returns its digest and size. */
static int put_manifest(struct layout *l, const char *layer, char digest[DIGEST_MAX],
			size_t *size)
{
	char text[2048];

	snprintf(text, sizeof(text),
		 "{\"schemaVersion\":2,\"mediaType\":\"" ST_MT_OCI_MANIFEST "\","
		 "\"config\":{\"mediaType\":\"" ST_MT_OCI_CONFIG "\",\"digest\":\"%s\","
		 "\"size\":%zu},\"layers\":[%s]}",
		 l->config, l->config_len, layer);
	*size = strlen(text);
	return put_text_blob(l, text, digest);
}

/* Writes the usual image: one empty uncompressed layer. */
static int put_image(struct layout *l, char digest[DIGEST_MAX], size_t *size)
{
	char layer[256];

	snprintf(layer, sizeof(layer),
		 "{\"mediaType\":\"" MT_LAYER_TAR "\",\"digest\":\"%s\",\"size\":1024}",
		 l->empty_tar);
	return put_manifest(l, layer, digest, size);
}

/* Writes an artifact manifest: CONFIG_TYPE, optional ARTIFACT_TYPE and
 * SUBJECT (a manifest digest). */
static int put_artifact(struct layout *l, const char *config_type, const char *artifact_type,
			const char *subject, char digest[DIGEST_MAX])
{
	char text[2048];
	char extra[512] = "";
	char config_digest[DIGEST_MAX];

	if (put_text_blob(l, "{}", config_digest) < 0)
		return -1;
	if (artifact_type != NULL)
		snprintf(extra, sizeof(extra), ",\"artifactType\":\"%s\"", artifact_type);
	if (subject != NULL)
		snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra),
			 ",\"subject\":{\"mediaType\":\"" ST_MT_OCI_MANIFEST "\",\"digest\":\"%s\","
			 "\"size\":1}",
			 subject);
	snprintf(text, sizeof(text),
		 "{\"schemaVersion\":2,\"mediaType\":\"" ST_MT_OCI_MANIFEST "\","
		 "\"config\":{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":2},"
		 "\"layers\":[]%s}",
		 config_type, config_digest, extra);
	return put_text_blob(l, text, digest);
}

static int put_index(struct layout *l, const char *entries)
{
	char text[8192];

	snprintf(text, sizeof(text),
		 "{\"schemaVersion\":2,\"mediaType\":\"" ST_MT_OCI_INDEX "\",\"manifests\":[%s]}",
		 entries);
	return write_at(l->dir, "index.json", text, strlen(text));
}

static const char *layout_ref(const struct layout *l, const char *suffix)
{
	snprintf(ref_buf, sizeof(ref_buf), "oci:%s%s", l->dir, suffix);
	return ref_buf;
}

struct warnings {
	char text[4096];
	unsigned count;
};

static void keep_warning(void *ctx, int level, const char *msg)
{
	struct warnings *w = ctx;
	size_t used = strlen(w->text);

	if (level < ST_DIAG_WARN)
		return;
	w->count++;
	snprintf(w->text + used, sizeof(w->text) - used, "%s\n", msg);
}

static int open_layout(struct st_image **img, const struct layout *l, const char *suffix,
		       struct warnings *w, struct strata_error *err)
{
	struct strata_limits lim = default_limits();
	struct st_diag diag = {.fn = keep_warning, .ctx = w};
	struct st_image_options opts = {.limits = &lim, .diag = &diag};

	memset(w, 0, sizeof(*w));
	strata_error_clear(err);
	return st_image_open(img, layout_ref(l, suffix), &opts, err);
}

/* A BuildKit index: the image, its attestation, an attestation of another
 * platform's image, and an OCI 1.1 signature declared by artifactType.
 * The attestation of this image and the signature are reported; the
 * attestation blobs need not exist. */
ST_TEST(image_attestations_reported)
{
	struct layout l;
	struct st_image *img = NULL;
	struct strata_error err;
	struct warnings w;
	char image[DIGEST_MAX];
	char entries[4096];
	size_t size;
	int result = ST_TEST_FAIL;

	ST_CHECK(layout_init(&l) == 0);
	if (put_image(&l, image, &size) < 0)
		goto out;
	snprintf(entries, sizeof(entries),
		 "{\"mediaType\":\"" ST_MT_OCI_MANIFEST "\",\"digest\":\"%s\",\"size\":%zu,"
		 "\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}},"
		 "{\"mediaType\":\"" ST_MT_OCI_MANIFEST "\",\"digest\":\"" DIGEST_A "\",\"size\":9,"
		 "\"platform\":{\"os\":\"unknown\",\"architecture\":\"unknown\"},"
		 "\"annotations\":{\"vnd.docker.reference.type\":\"attestation-manifest\","
		 "\"vnd.docker.reference.digest\":\"%s\"}},"
		 "{\"mediaType\":\"" ST_MT_OCI_MANIFEST "\",\"digest\":\"" DIGEST_B "\",\"size\":9,"
		 "\"platform\":{\"os\":\"unknown\",\"architecture\":\"unknown\"},"
		 "\"annotations\":{\"vnd.docker.reference.type\":\"attestation-manifest\","
		 "\"vnd.docker.reference.digest\":\"sha256:%064d\"}},"
		 "{\"mediaType\":\"" ST_MT_OCI_MANIFEST "\",\"digest\":\"sha256:%064d\",\"size\":9,"
		 "\"artifactType\":\"" MT_SIG "\"}",
		 image, size, image, 7, 3);
	if (put_index(&l, entries) < 0)
		goto out;
	if (open_layout(&img, &l, "", &w, &err) != 0) {
		fprintf(stderr, "# %s\n", err.msg);
		goto out;
	}
	if (strcmp(img->manifest_digest, image) != 0 || img->attestation_count != 1 ||
	    img->referrer_count != 1)
		goto out;
	if (strcmp(img->attestations[0].digest, DIGEST_A) != 0 ||
	    strcmp(img->attestations[0].type, "attestation-manifest") != 0 ||
	    strcmp(img->attestations[0].subject, image) != 0)
		goto out;
	if (strncmp(img->referrers[0].digest, "sha256:0000", 11) != 0 ||
	    strcmp(img->referrers[0].type, MT_SIG) != 0 || img->referrers[0].subject != NULL)
		goto out;
	result = ST_TEST_PASS;

out:
	st_image_free(img);
	layout_remove(&l);
	return result;
}

/* An artifact listed for the same platform before the image, without
 * artifactType in its descriptor, is read, passed over and reported with
 * the type and subject from its manifest. */
ST_TEST(image_artifact_never_picked)
{
	struct layout l;
	struct st_image *img = NULL;
	struct strata_error err;
	struct warnings w;
	char image[DIGEST_MAX];
	char helm[DIGEST_MAX];
	char entries[4096];
	size_t size;
	int result = ST_TEST_FAIL;

	ST_CHECK(layout_init(&l) == 0);
	if (put_image(&l, image, &size) < 0 ||
	    put_artifact(&l, MT_HELM_CONFIG, NULL, image, helm) < 0)
		goto out;
	snprintf(entries, sizeof(entries),
		 "{\"mediaType\":\"" ST_MT_OCI_MANIFEST "\",\"digest\":\"%s\","
		 "\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}},"
		 "{\"mediaType\":\"" ST_MT_OCI_MANIFEST "\",\"digest\":\"%s\",\"size\":%zu,"
		 "\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}}",
		 helm, image, size);
	if (put_index(&l, entries) < 0)
		goto out;
	if (open_layout(&img, &l, "", &w, &err) != 0) {
		fprintf(stderr, "# %s\n", err.msg);
		goto out;
	}
	if (strcmp(img->manifest_digest, image) != 0 || img->referrer_count != 1 ||
	    img->attestation_count != 0)
		goto out;
	if (strcmp(img->referrers[0].digest, helm) != 0 ||
	    strcmp(img->referrers[0].type, MT_HELM_CONFIG) != 0 ||
	    img->referrers[0].subject == NULL || strcmp(img->referrers[0].subject, image) != 0)
		goto out;
	result = ST_TEST_PASS;

out:
	st_image_free(img);
	layout_remove(&l);
	return result;
}

/* Requesting an artifact by digest fails naming its type, whether its
 * descriptor or only its manifest marks it as one. An index of artifacts
 * alone lists no image. */
ST_TEST(image_artifact_by_digest_rejected)
{
	struct layout l;
	struct st_image *img = NULL;
	struct strata_error err;
	struct warnings w;
	char sbom[DIGEST_MAX];
	char helm[DIGEST_MAX];
	char entries[4096];
	char suffix[DIGEST_MAX + 2];
	int result = ST_TEST_FAIL;

	ST_CHECK(layout_init(&l) == 0);
	if (put_artifact(&l, "application/vnd.oci.empty.v1+json", "application/spdx+json", NULL,
			 sbom) < 0 ||
	    put_artifact(&l, MT_HELM_CONFIG, NULL, NULL, helm) < 0)
		goto out;
	snprintf(entries, sizeof(entries),
		 "{\"mediaType\":\"" ST_MT_OCI_MANIFEST "\",\"digest\":\"%s\","
		 "\"artifactType\":\"application/spdx+json\"},"
		 "{\"mediaType\":\"" ST_MT_OCI_MANIFEST "\",\"digest\":\"%s\"}",
		 sbom, helm);
	if (put_index(&l, entries) < 0)
		goto out;

	snprintf(suffix, sizeof(suffix), "@%s", sbom);
	if (open_layout(&img, &l, suffix, &w, &err) != STRATA_EUNSUPPORTED ||
	    !msg_has(&err, "artifact of type 'application/spdx+json'") || !msg_has(&err, sbom))
		goto out;
	snprintf(suffix, sizeof(suffix), "@%s", helm);
	if (open_layout(&img, &l, suffix, &w, &err) != STRATA_EUNSUPPORTED ||
	    !msg_has(&err, "artifact of type '" MT_HELM_CONFIG "'") || !msg_has(&err, helm))
		goto out;
	/* Without a digest: the SBOM is no candidate, and the Helm chart,
	 * the only one left, is read and passed over. */
	if (open_layout(&img, &l, "", &w, &err) != STRATA_ENOTFOUND ||
	    !msg_has(&err, "lists no image, only 2 artifacts (application/spdx+json, ...), "
			   "which strata does not scan"))
		goto out;
	result = img == NULL ? ST_TEST_PASS : ST_TEST_FAIL;

out:
	st_image_free(img);
	layout_remove(&l);
	return result;
}

/* One platform of an index entry, and a request with the entry it
 * picks. */
struct platform_entry {
	const char *arch;
	const char *variant; /* NULL: none in the index or config */
};

struct platform_case {
	const char *request; /* NULL: no --platform */
	int entry;           /* index into the entries, or -1 for none */
};

/* Writes an index of ENTRIES, each image's config naming its platform as
 * the loader checks, and opens it with each case's request. */
static int check_platform_cases(const struct platform_entry *entries, size_t count,
				const struct platform_case *cases, size_t case_count)
{
	char digests[8][DIGEST_MAX];
	char text[4096] = "";
	struct layout l;
	struct st_image *img = NULL;
	struct strata_error err;
	struct strata_limits lim = default_limits();
	struct st_image_options opts = {.limits = &lim};
	int result = ST_TEST_FAIL;
	size_t i;

	if (count > ST_ARRAY_LEN(digests) || layout_init(&l) < 0)
		return ST_TEST_FAIL;
	for (i = 0; i < count; i++) {
		char config[512];
		char variant[64] = "";
		size_t size;

		if (entries[i].variant != NULL)
			snprintf(variant, sizeof(variant), ",\"variant\":\"%s\"", entries[i].variant);
		snprintf(config, sizeof(config),
			 "{\"architecture\":\"%s\",\"os\":\"linux\"%s,\"rootfs\":{\"type\":"
			 "\"layers\",\"diff_ids\":[\"%s\"]}}",
			 entries[i].arch, variant, l.empty_tar);
		l.config_len = strlen(config);
		if (put_text_blob(&l, config, l.config) < 0 || put_image(&l, digests[i], &size) < 0)
			goto out;
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
			 "%s{\"mediaType\":\"" ST_MT_OCI_MANIFEST "\",\"digest\":\"%s\",\"size\":%zu,"
			 "\"platform\":{\"os\":\"linux\",\"architecture\":\"%s\"%s}}",
			 i > 0 ? "," : "", digests[i], size, entries[i].arch, variant);
	}
	if (put_index(&l, text) < 0)
		goto out;
	for (i = 0; i < case_count; i++) {
		const struct platform_case *c = &cases[i];
		bool picked;
		int rc;

		opts.platform = c->request;
		rc = st_image_open(&img, layout_ref(&l, ""), &opts, &err);
		if (c->entry < 0)
			picked = rc == STRATA_ENOTFOUND;
		else
			picked = rc == 0 && img->manifest_digest != NULL &&
				 strcmp(img->manifest_digest, digests[c->entry]) == 0;
		if (!picked) {
			fprintf(stderr, "# %s: rc %d %s\n", c->request ? c->request : "(default)", rc,
				rc == 0 ? img->manifest_digest : err.msg);
			goto out;
		}
		st_image_free(img);
		img = NULL;
	}
	result = ST_TEST_PASS;

out:
	st_image_free(img);
	layout_remove(&l);
	return result;
}

/* An index of several variants of a platform: the request picks the
 * exact variant first, then the closest lower level that runs there, as
 * containerd does, and never an arm level below v5. A request without a
 * variant means the architecture's default one (amd64 v1, arm v7, arm64
 * v8). Without --platform, any amd64 variant is taken when none fits. */
ST_TEST(image_platform_variant_preference)
{
	static const struct platform_entry mixed[] = {
		{"amd64", "v3"}, {"amd64", NULL}, {"arm", "v3"}, {"arm", "v5"}, {"arm", "v7"},
		{"arm64", NULL},
	};
	static const struct platform_case mixed_cases[] = {
		{"linux/amd64", 1},    {"linux/amd64/v3", 0}, {"linux/amd64/v2", 1},
		{"linux/amd64/v4", 0}, {"linux/arm/v7", 4},   {"linux/armhf", 4},
		{"linux/arm/v6", 3},   {"linux/arm/v4", -1},  {"linux/arm", 4},
		{"linux/arm64/v8", 5}, {NULL, 1},
	};
	static const struct platform_entry levels[] = {
		{"arm", "v5"}, {"arm", "v6"}, {"amd64", "v3"}, {"amd64", "v2"}, {"arm64", ""},
	};
	static const struct platform_case level_cases[] = {
		{"linux/arm", 1},      {"linux/arm/v5", 0}, {"linux/amd64", -1},
		{"linux/amd64/v2", 3}, {NULL, 2},           {"linux/arm64/v8", 4},
	};
	static const struct platform_entry upper[] = {{"arm", "V5"}, {"arm", "v3"}};
	static const struct platform_case upper_cases[] = {
		{"linux/arm/v7", 0}, {"linux/arm", 0}, {"linux/arm/v4", -1}, {"linux/arm/5", 0},
	};

	ST_CHECK_INT(check_platform_cases(mixed, ST_ARRAY_LEN(mixed), mixed_cases,
					  ST_ARRAY_LEN(mixed_cases)),
		     ST_TEST_PASS);
	ST_CHECK_INT(check_platform_cases(levels, ST_ARRAY_LEN(levels), level_cases,
					  ST_ARRAY_LEN(level_cases)),
		     ST_TEST_PASS);
	return check_platform_cases(upper, ST_ARRAY_LEN(upper), upper_cases,
				    ST_ARRAY_LEN(upper_cases));
}

/* Writes an index.json with the one manifest DIGEST of SIZE bytes. */
static int put_single_index(struct layout *l, const char *digest, size_t size)
{
	char entry[256];

	snprintf(entry, sizeof(entry),
		 "{\"mediaType\":\"" ST_MT_OCI_MANIFEST "\",\"digest\":\"%s\",\"size\":%zu}",
		 digest, size);
	return put_index(l, entry);
}

/* A foreign layer whose blob is absent is flagged missing and named in a
 * warning with its urls; the image opens. Reading it fails cleanly. */
ST_TEST(image_foreign_layer_missing)
{
	static const char absent[] = "sha256:"
		"4444444444444444444444444444444444444444444444444444444444444444";
	struct layout l;
	struct st_image *img = NULL;
	struct st_stream *s = NULL;
	struct strata_error err;
	struct warnings w;
	char manifest[DIGEST_MAX];
	char layers[1024];
	char config[512];
	size_t size;
	char probe[16];
	int result = ST_TEST_FAIL;

	ST_CHECK(layout_init(&l) == 0);
	/* A config for two layers: the empty one and the foreign one. */
	snprintf(config, sizeof(config),
		 "{\"architecture\":\"amd64\",\"os\":\"windows\",\"rootfs\":{\"type\":\"layers\","
		 "\"diff_ids\":[\"%s\",\"%s\"]}}",
		 absent, l.empty_tar);
	l.config_len = strlen(config);
	if (put_text_blob(&l, config, l.config) < 0)
		goto out;
	snprintf(layers, sizeof(layers),
		 "{\"mediaType\":\"" MT_FOREIGN "\",\"digest\":\"%s\",\"size\":5000,"
		 "\"urls\":[\"https://mcr.example/a\",\"https://mcr.example/b\"]},"
		 "{\"mediaType\":\"" MT_LAYER_TAR "\",\"digest\":\"%s\",\"size\":1024}",
		 absent, l.empty_tar);
	if (put_manifest(&l, layers, manifest, &size) < 0 ||
	    put_single_index(&l, manifest, size) < 0)
		goto out;
	if (open_layout(&img, &l, "", &w, &err) != 0) {
		fprintf(stderr, "# %s\n", err.msg);
		goto out;
	}
	if (img->layer_count != 2 || !img->layers[0].foreign || !img->layers[0].missing ||
	    img->layers[1].foreign || img->layers[1].missing)
		goto out;
	if (img->layers[0].url_count != 2 ||
	    strcmp(img->layers[0].urls[1], "https://mcr.example/b") != 0 ||
	    img->layers[0].size != 5000 || img->layers[0].compression != ST_COMPRESSION_GZIP)
		goto out;
	if (w.count != 1 || strstr(w.text, absent) == NULL ||
	    strstr(w.text, "https://mcr.example/a, https://mcr.example/b") == NULL ||
	    strstr(w.text, "foreign layer blob not found") == NULL) {
		fprintf(stderr, "# warnings: %s\n", w.text);
		goto out;
	}
	/* The missing layer reads as an empty stream, so the scan goes on. */
	if (st_image_open_layer(img, 0, &s, &err) != 0 || s == NULL)
		goto out;
	if (st_stream_read(s, probe, sizeof(probe), &err) != 0)
		goto out;
	result = ST_TEST_PASS;

out:
	st_stream_close(s);
	st_image_free(img);
	layout_remove(&l);
	return result;
}

/* A non-distributable layer whose blob is present is read like any
 * layer, and only flagged foreign. A missing blob of an ordinary layer
 * is still an error. */
ST_TEST(image_foreign_layer_present)
{
	struct layout l;
	struct st_image *img = NULL;
	struct strata_error err;
	struct warnings w;
	char manifest[DIGEST_MAX];
	char layer[512];
	uint64_t bytes = 0;
	size_t size;
	int result = ST_TEST_FAIL;

	ST_CHECK(layout_init(&l) == 0);
	snprintf(layer, sizeof(layer),
		 "{\"mediaType\":\"" MT_NONDIST "\",\"digest\":\"%s\",\"size\":1024,"
		 "\"urls\":[\"https://example.com/layer\"]}",
		 l.empty_tar);
	if (put_manifest(&l, layer, manifest, &size) < 0 ||
	    put_single_index(&l, manifest, size) < 0)
		goto out;
	if (open_layout(&img, &l, "", &w, &err) != 0) {
		fprintf(stderr, "# %s\n", err.msg);
		goto out;
	}
	if (!img->layers[0].foreign || img->layers[0].missing || w.count != 0)
		goto out;
	if (drain_layer(img, 0, &bytes, &err) != 0 || bytes != 1024)
		goto out;
	st_image_free(img);
	img = NULL;

	/* The same layer as an ordinary one, with its blob removed. */
	snprintf(layer, sizeof(layer),
		 "{\"mediaType\":\"" MT_LAYER_TAR "\",\"digest\":\"sha256:%064d\",\"size\":1024}",
		 5);
	if (put_manifest(&l, layer, manifest, &size) < 0 ||
	    put_single_index(&l, manifest, size) < 0)
		goto out;
	if (open_layout(&img, &l, "", &w, &err) != STRATA_ENOTFOUND ||
	    !msg_has(&err, "blob not found"))
		goto out;
	result = ST_TEST_PASS;

out:
	st_image_free(img);
	layout_remove(&l);
	return result;
}

/* docker-archives whose manifest.json lists a foreign base layer in
 * LayerSources (make-images.sh). With the layer's file absent, the layer
 * takes the descriptor's digest, size and media type, is flagged missing
 * with a warning that gives its urls, and reads as empty. With the file
 * present, it is read and only flagged foreign. */
ST_TEST(image_docker_layer_sources)
{
	struct strata_limits lim = default_limits();
	struct warnings w;
	struct st_diag diag = {.fn = keep_warning, .ctx = &w};
	struct st_image_options opts = {.limits = &lim, .diag = &diag};
	struct st_image *img = NULL;
	struct strata_error err;
	uint64_t bytes = 0;
	int result = ST_TEST_FAIL;

	memset(&w, 0, sizeof(w));
	strata_error_clear(&err);
	if (st_image_open(&img, data_ref("", "images/docker-foreign.tar", ""), &opts, &err) != 0) {
		fprintf(stderr, "# %s\n", err.msg);
		goto out;
	}
	if (img->layer_count != 2 || !img->layers[0].foreign || !img->layers[0].missing ||
	    img->layers[1].foreign || img->layers[1].missing)
		goto out;
	if (strcmp(img->layers[0].digest, "sha256:"
					   "4444444444444444444444444444444444444444444444444444444444444444") != 0 ||
	    img->layers[0].size != 5000 || img->layers[0].compression != ST_COMPRESSION_GZIP ||
	    img->layers[0].url_count != 2)
		goto out;
	if (w.count != 1 || strstr(w.text, "foreign layer blob not found") == NULL ||
	    strstr(w.text, "https://mcr.example/a, https://mcr.example/b") == NULL) {
		fprintf(stderr, "# warnings: %s\n", w.text);
		goto out;
	}
	if (drain_layer(img, 0, &bytes, &err) != 0 || bytes != 0)
		goto out;
	if (drain_layer(img, 1, &bytes, &err) != 0 || bytes != 10240)
		goto out;
	st_image_free(img);
	img = NULL;

	memset(&w, 0, sizeof(w));
	if (st_image_open(&img, data_ref("", "images/docker-foreign-present.tar", ""), &opts,
			  &err) != 0) {
		fprintf(stderr, "# %s\n", err.msg);
		goto out;
	}
	if (!img->layers[0].foreign || img->layers[0].missing || img->layers[0].url_count != 2 ||
	    img->layers[1].foreign || w.count != 0)
		goto out;
	if (drain_layer(img, 0, &bytes, &err) != 0 || bytes != 10240)
		goto out;
	result = ST_TEST_PASS;

out:
	st_image_free(img);
	return result;
}

/* The layout directory is read without following a symbolic link: not a
 * blob pointing out of the layout, and not blobs/ or blobs/sha256 when
 * they are links. Each is rejected naming the link. */
ST_TEST(image_layout_symlinks_rejected)
{
	static const char *const links[] = {"blob", "blobs/sha256", "blobs"};
	struct layout l;
	struct layout outside;
	struct st_image *img = NULL;
	struct strata_error err;
	struct warnings w;
	char manifest[DIGEST_MAX];
	char path[256];
	char target[256];
	char hex_name[ST_BLOB_NAME_MAX];
	char cmd[300];
	size_t size;
	size_t i;
	int result = ST_TEST_FAIL;

	ST_CHECK(layout_init(&outside) == 0);
	for (i = 0; i < ST_ARRAY_LEN(links); i++) {
		if (layout_init(&l) < 0)
			goto out;
		if (put_image(&l, manifest, &size) < 0 || put_single_index(&l, manifest, size) < 0)
			goto fail;
		/* The same blobs sit in OUTSIDE, where the links point. */
		if (put_image(&outside, manifest, &size) < 0)
			goto fail;
		if (i == 0) {
			st_blob_name(hex_name, l.config);
			snprintf(path, sizeof(path), "%s/%s", l.dir, hex_name);
			snprintf(target, sizeof(target), "%s/%s", outside.dir, hex_name);
		} else {
			snprintf(path, sizeof(path), "%s/%s", l.dir, links[i]);
			snprintf(target, sizeof(target), "%s/%s", outside.dir, links[i]);
			snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
			if (system(cmd) != 0)
				goto fail;
		}
		if (unlink(path) < 0 && errno != ENOENT)
			goto fail;
		if (symlink(target, path) < 0)
			goto fail;
		if (open_layout(&img, &l, "", &w, &err) != STRATA_ECORRUPT ||
		    !msg_has(&err, "is a symbolic link")) {
			fprintf(stderr, "# case %s: %s\n", links[i], err.msg);
			goto fail;
		}
		layout_remove(&l);
	}
	result = ST_TEST_PASS;
	goto out;

fail:
	layout_remove(&l);
out:
	st_image_free(img);
	layout_remove(&outside);
	return result;
}
