/* The package list of CBL-Mariner and Azure Linux distroless images,
 * var/lib/rpmmanifest/container-manifest-2. These images ship no rpm
 * database. Instead the image build writes one line per installed
 * package. The fields are tab separated, in the order of the sample in
 * tests/data/pkgdb/rpm/rpmmanifest (a CBL-Mariner 2.0 distroless image):
 *   0 name
 *   1 VERSION-RELEASE
 *   2 install time
 *   3 build time
 *   4 vendor
 *   5 epoch, "(none)" when the package has none
 *   6 size in bytes
 *   7 architecture
 *   8 not read: "0" in most lines of the sample, and no documentation
 *     of it was found
 *   9 source rpm file name
 * A line with fewer than ten fields is skipped with a warning, and extra
 * fields are ignored. */
#include <string.h>

#include "inventory/rpm_internal.h"

enum manifest_field {
	F_NAME = 0,
	F_VERSION_RELEASE = 1,
	F_VENDOR = 4,
	F_EPOCH = 5,
	F_ARCH = 7,
	F_SOURCERPM = 9,
	F_COUNT = 10
};

/* Bytes of one line; a real line is under 300. */
#define MANIFEST_MAX_LINE 4096

static bool is_token(struct st_slice s)
{
	size_t i;

	if (s.len == 0 || s.len > MANIFEST_MAX_LINE)
		return false;
	for (i = 0; i < s.len; i++) {
		unsigned char c = (unsigned char)s.ptr[i];

		if (c <= 0x20 || c == 0x7f)
			return false;
	}
	return true;
}

/* Splits VR, "VERSION-RELEASE", at its last '-'. */
static bool split_version_release(struct st_slice vr, struct st_slice *version,
				  struct st_slice *release)
{
	const char *dash = memrchr(vr.ptr, '-', vr.len);

	if (dash == NULL || dash == vr.ptr || dash == vr.ptr + vr.len - 1)
		return false;
	*version = st_slice_make(vr.ptr, (size_t)(dash - vr.ptr));
	*release = st_slice_make(dash + 1, vr.len - version->len - 1);
	return memchr(version->ptr, '-', version->len) == NULL;
}

/* Reads the epoch field: false when it is neither "(none)" nor a decimal
 * number. *HAS is false for "(none)" and for 0, which rpm compares as no
 * epoch. */
static bool read_epoch(struct st_slice s, uint32_t *epoch, bool *has)
{
	uint64_t n;

	*has = false;
	if (st_slice_eq_cstr(s, "(none)"))
		return true;
	if (!st_slice_to_u64(s, &n) || n > UINT32_MAX)
		return false;
	*epoch = (uint32_t)n;
	*has = n != 0;
	return true;
}

struct manifest_line {
	struct st_slice field[F_COUNT];
	struct st_slice version;
	struct st_slice release;
	uint32_t epoch;
	bool has_epoch;
};

/* Splits LINE into its fields and checks the ones strata reads. Returns
 * NULL, or a description of the problem. */
static const char *read_line(struct st_slice line, struct manifest_line *m)
{
	size_t n = 0;

	memset(m, 0, sizeof(*m));
	while (n < F_COUNT && line.len > 0) {
		st_slice_split(&line, '\t', &m->field[n]);
		n++;
	}
	if (n < F_COUNT)
		return "fewer than 10 tab-separated fields";
	if (!is_token(m->field[F_NAME]))
		return "invalid name";
	if (!is_token(m->field[F_VERSION_RELEASE]) ||
	    !split_version_release(m->field[F_VERSION_RELEASE], &m->version, &m->release))
		return "version-release is not VERSION-RELEASE";
	if (!read_epoch(m->field[F_EPOCH], &m->epoch, &m->has_epoch))
		return "invalid epoch";
	if (m->field[F_ARCH].len > 0 && !is_token(m->field[F_ARCH]))
		return "invalid architecture";
	return NULL;
}

/* Appends S and a NUL to B, keeping the offset of the copy in *OFF. */
static int put(struct st_buf *b, struct st_slice s, size_t *off, struct strata_error *err)
{
	int rc;

	*off = b->len;
	rc = st_buf_append(b, s.ptr, s.len, err);
	if (rc == 0)
		rc = st_buf_putc(b, '\0', err);
	return rc;
}

enum part { P_NAME, P_VR, P_VERSION, P_EPOCH, P_ARCH, P_VENDOR, P_SRC_NAME, P_SRC_VR, P_COUNT };

/* Lays out the package strings of M in B and calls FN. */
static int emit(const struct manifest_line *m, const char *path, struct st_buf *b,
		int (*fn)(void *ctx, const struct st_rpm_package *pkg, struct strata_error *err),
		void *ctx, struct strata_error *err)
{
	struct st_slice src_name = {0};
	struct st_slice src_vr = {0};
	struct st_rpm_package pkg;
	size_t off[P_COUNT] = {0};
	bool has_source = st_rpm_split_sourcerpm(m->field[F_SOURCERPM], &src_name, &src_vr);
	int rc;

	/* The buffer may move while it grows: offsets first, pointers after. */
	b->len = 0;
	rc = put(b, m->field[F_NAME], &off[P_NAME], err);
	if (rc == 0)
		rc = put(b, m->field[F_VERSION_RELEASE], &off[P_VR], err);
	off[P_VERSION] = b->len;
	if (rc == 0 && m->has_epoch)
		rc = st_buf_printf(b, err, "%u:", m->epoch);
	if (rc == 0)
		rc = st_buf_append(b, m->field[F_VERSION_RELEASE].ptr,
				   m->field[F_VERSION_RELEASE].len, err);
	if (rc == 0)
		rc = st_buf_putc(b, '\0', err);
	off[P_EPOCH] = b->len;
	if (rc == 0)
		rc = st_buf_printf(b, err, "%u", m->epoch);
	if (rc == 0)
		rc = st_buf_putc(b, '\0', err);
	if (rc == 0)
		rc = put(b, m->field[F_ARCH], &off[P_ARCH], err);
	if (rc == 0)
		rc = put(b, m->field[F_VENDOR], &off[P_VENDOR], err);
	if (rc == 0)
		rc = put(b, src_name, &off[P_SRC_NAME], err);
	if (rc == 0)
		rc = put(b, src_vr, &off[P_SRC_VR], err);
	if (rc < 0)
		return rc;

	memset(&pkg, 0, sizeof(pkg));
	pkg.pkg.type = "rpm";
	pkg.pkg.name = b->ptr + off[P_NAME];
	pkg.pkg.version = b->ptr + off[P_VERSION];
	pkg.pkg.arch = m->field[F_ARCH].len > 0 ? b->ptr + off[P_ARCH] : NULL;
	pkg.pkg.source_name = has_source ? b->ptr + off[P_SRC_NAME] : NULL;
	pkg.pkg.source_version = has_source ? b->ptr + off[P_SRC_VR] : NULL;
	pkg.pkg.path = path;
	pkg.epoch = m->has_epoch ? b->ptr + off[P_EPOCH] : NULL;
	pkg.version_release = b->ptr + off[P_VR];
	pkg.vendor = m->field[F_VENDOR].len > 0 ? b->ptr + off[P_VENDOR] : NULL;
	/* The manifest lists no files, so file ownership stays unknown. */
	pkg.files_valid = false;
	return fn(ctx, &pkg, err);
}

int st_rpm_manifest_parse(struct st_slice text, const char *path,
			  const struct strata_limits *lim, struct st_diag *diag,
			  int (*fn)(void *ctx, const struct st_rpm_package *pkg,
				    struct strata_error *err),
			  void *ctx, struct strata_error *err)
{
	struct st_rpmdb_reader warn = {.path = path, .diag = diag};
	struct manifest_line m;
	struct st_buf b;
	size_t line_no = 0;
	size_t packages = 0;
	int rc = 0;

	if (text.len > lim->cataloged_file_bytes)
		return st_error_set(err, STRATA_ELIMIT,
				    "%s: %zu bytes is over the limit cataloged_file_bytes (%llu)",
				    path, text.len, (unsigned long long)lim->cataloged_file_bytes);
	/* Each line's strings are a copy of parts of that line. */
	st_buf_init(&b, 2 * MANIFEST_MAX_LINE + 64);
	while (text.len > 0 && rc == 0) {
		struct st_slice line;
		const char *problem;

		st_slice_split(&text, '\n', &line);
		line_no++;
		if (line.len > 0 && line.ptr[line.len - 1] == '\r')
			line.len--;
		if (line.len == 0)
			continue;
		if (line.len > MANIFEST_MAX_LINE) {
			st_rpmdb_warn(&warn, "line %zu: over %d bytes, skipped", line_no,
				      MANIFEST_MAX_LINE);
			continue;
		}
		problem = read_line(line, &m);
		if (problem != NULL) {
			st_rpmdb_warn(&warn, "line %zu: %s, skipped", line_no, problem);
			continue;
		}
		rc = emit(&m, path, &b, fn, ctx, err);
		packages++;
	}
	st_buf_dispose(&b);
	if (rc == 0 && packages == 0 && warn.warnings > 0)
		rc = st_error_set(err, STRATA_ECORRUPT, "%s: no valid package line", path);
	return rc;
}
