/* Version ordering for each ecosystem, named by its purl type. */
#ifndef STRATA_VERSION_H
#define STRATA_VERSION_H

#include "util/util.h"

/* Compares versions A and B of ecosystem TYPE ("deb", "npm", ...) and sets
 * *CMP to -1, 0 or 1. Returns STRATA_EINVAL naming the version when A or B
 * is not a valid version of that ecosystem, STRATA_EUNSUPPORTED for an
 * unknown TYPE, and STRATA_ENOMEM when the pypi, maven or gem comparator
 * cannot allocate. */
int st_version_compare(const char *type, const char *a, const char *b, int *cmp,
		       struct strata_error *err);

/* Returns 0 when V is a valid version of TYPE, else as above. */
int st_version_validate(const char *type, const char *v, struct strata_error *err);

/* Returns true when TYPE has a comparator. */
bool st_version_is_supported(const char *type);

/* Ecosystem comparators; each returns 0 or STRATA_EINVAL. */
int st_dpkg_version_compare(const char *a, const char *b, int *cmp, struct strata_error *err);
int st_semver_compare(const char *a, const char *b, int *cmp, struct strata_error *err);

/* Debian versions ------------------------------------------------------- */

/* A Debian version, [epoch:]upstream[-revision] as deb-version(7) defines
 * it. The slices point into the string that was parsed. */
struct st_dpkg_version {
	uint32_t epoch;           /* 0 when absent; at most INT32_MAX */
	struct st_slice upstream; /* once parsed: not empty, starts with a digit */
	struct st_slice revision; /* empty when absent */
};

/* Parses V as dpkg's parseversion() does, with its warnings treated as
 * errors: surrounding blanks are ignored; the epoch is the text before the
 * first ':', the revision the text after the last '-'. Returns 0, or
 * STRATA_EINVAL naming V and the reason. *OUT borrows V. */
int st_dpkg_version_parse(struct st_dpkg_version *out, const char *v,
			  struct strata_error *err);

/* Orders two versions as dpkg does: the epoch numerically, then the
 * upstream part, then the revision. Returns -1, 0 or 1. The parts need not
 * have passed st_dpkg_version_parse. */
int st_dpkg_version_cmp(const struct st_dpkg_version *a, const struct st_dpkg_version *b);

/* npm versions (node-semver) -------------------------------------------- */

/* node-semver's maximum version length in bytes: longer versions, and
 * longer versions inside a range, are invalid. */
#define ST_SEMVER_MAX_LEN 256

/* Flags of the node-semver functions, named after node-semver's options.
 * LOOSE also accepts what node-semver's loose mode accepts: leading '=',
 * 'v' and blanks in any order ("= v1.2.3"), leading zeros ("01.2.3") and
 * a pre-release without its '-' ("1.2.3beta"). INCLUDE_PRERELEASE lets a
 * range match pre-release versions of any release, not only of the
 * releases its comparators name. */
#define ST_SEMVER_LOOSE 0x1u
#define ST_SEMVER_INCLUDE_PRERELEASE 0x2u

/* Returns 0 when V is a valid npm version under FLAGS, else
 * STRATA_EINVAL naming V and the reason. */
int st_semver_validate(const char *v, unsigned flags, struct strata_error *err);

/* Like st_semver_compare, with FLAGS. st_semver_compare accepts what
 * node-semver's default mode accepts: surrounding blanks and one leading
 * 'v'. */
int st_semver_compare_flags(const char *a, const char *b, unsigned flags, int *cmp,
			    struct strata_error *err);

/* Sets *OUT to whether VERSION satisfies the node-semver RANGE (">=1.2.3
 * <2", "^1.2 || ~2.3", "1.x", "1.2.3 - 2", ...), as node-semver's
 * satisfies() decides; semver.c notes the exceptions. Returns
 * STRATA_EINVAL naming RANGE or VERSION when it is invalid, where
 * satisfies() returns false. */
int st_semver_range_satisfies(const char *range, const char *version, unsigned flags,
			      bool *out, struct strata_error *err);

/* Alpine versions (apk-tools) ------------------------------------------- */

/* Returns 0 when V is a valid apk version as apk-tools 3 defines it
 * (NUMBER{.NUMBER}[a-z]{_SUFFIX[NUMBER]}[~HEX][-rNUMBER]), else
 * STRATA_EINVAL naming V and the reason. */
int st_apk_version_validate(const char *v, struct strata_error *err);

/* Orders two valid apk versions as apk-tools does; returns 0 or
 * STRATA_EINVAL naming the first invalid one. */
int st_apk_version_compare(const char *a, const char *b, int *cmp, struct strata_error *err);

/* Returns -1, 0 or 1: A against B token by token, as apk-tools orders
 * any two strings, valid or not. An invalid part sorts below any valid
 * part in its place except a pre-release suffix. With FUZZY, A equals B
 * when B is a prefix of A in whole tokens, as in apk's "~" dependencies
 * ("3.6.1" ~ "3.6"). */
int st_apk_version_order(struct st_slice a, struct st_slice b, bool fuzzy);

/* rpm versions ------------------------------------------------------------ */

/* An rpm version, [EPOCH:]VERSION[-RELEASE] as rpm-version(7) defines it,
 * split as rpm's parseEVR() does: the epoch is a run of digits before the
 * first ':', the release the text after the last '-'. The slices point
 * into the string that was parsed. */
struct st_rpm_version {
	struct st_slice epoch;   /* digits; "0" when absent or empty */
	struct st_slice version; /* not empty once parsed */
	struct st_slice release; /* empty when absent */
	bool has_epoch;
	bool has_release;        /* "1.0-" has an empty release, "1.0" none */
};

/* Parses V into *OUT (which borrows V). Returns 0, or STRATA_EINVAL naming
 * V when it is empty, has an empty version or contains blanks or control
 * bytes. */
int st_rpm_version_parse(struct st_rpm_version *out, const char *v,
			 struct strata_error *err);

/* Orders two versions as rpm's rpmverCmp() does: the epoch numerically
 * (absent = 0), then the version and the release with rpmvercmp(); a
 * missing release sorts before any release. Returns -1, 0 or 1. */
int st_rpm_version_cmp(const struct st_rpm_version *a, const struct st_rpm_version *b);

/* rpm's rpmvercmp() on one part (a version or a release): returns -1, 0
 * or 1. Any bytes are accepted. */
int st_rpmvercmp(struct st_slice a, struct st_slice b);

/* Returns 0 when V is a valid rpm version, else as st_rpm_version_parse. */
int st_rpm_version_validate(const char *v, struct strata_error *err);

/* The rpm comparator: parses A and B, then st_rpm_version_cmp. */
int st_rpm_version_compare(const char *a, const char *b, int *cmp, struct strata_error *err);

/* Language ecosystems (pypi, maven, golang, gem, nuget, composer, hex, pub,
 * cargo, hackage) ---------------------------------------------------------- */

/* The maximum length in bytes of a version of these ecosystems: longer
 * versions are invalid. Maven's ComparableVersion has the same limit (in
 * UTF-16 units); real versions stay far below it. */
#define ST_VERSION_MAX_LEN 256

/* Each comparator below sets *CMP to -1, 0 or 1 and returns 0, or
 * STRATA_EINVAL naming the invalid version. Those of PyPI, Maven and
 * RubyGems allocate their parsed versions (about 50 KiB at most) and may
 * also return STRATA_ENOMEM. Each validator returns as its comparator.
 * pep440.c, maven.c, ... state the rules and the known differences from
 * the reference implementations. */

/* PyPI: PEP 440 as pypa/packaging's Version implements it. */
int st_pep440_compare(const char *a, const char *b, int *cmp, struct strata_error *err);
int st_pep440_validate(const char *v, struct strata_error *err);

/* With ST_PEP440_LEGACY, a non-PEP 440 string is no error: it sorts before
 * every PEP 440 version, and among such strings as packaging's
 * LegacyVersion (before packaging 22) sorted them. Also returns
 * STRATA_ENOMEM. */
#define ST_PEP440_LEGACY 0x1u
int st_pep440_compare_flags(const char *a, const char *b, unsigned flags, int *cmp,
			    struct strata_error *err);

/* Appends the normalized form of V (packaging's str(Version(V)):
 * "1.0-R5" -> "1.0.post5") to OUT. Returns 0, STRATA_EINVAL, or an error
 * of st_buf_append. */
int st_pep440_normalize(struct st_buf *out, const char *v, struct strata_error *err);

/* Maven: org.apache.maven.artifact.versioning.ComparableVersion. */
int st_maven_compare(const char *a, const char *b, int *cmp, struct strata_error *err);
int st_maven_validate(const char *v, struct strata_error *err);

/* With ST_MAVEN_SPEC, orders as the POM reference's version order
 * specification reads, as OSV.dev evaluates the Maven ranges of OSV
 * records; maven_spec.c lists where the two orders differ. Also returns
 * STRATA_ENOMEM. */
#define ST_MAVEN_SPEC 0x1u
int st_maven_compare_flags(const char *a, const char *b, unsigned flags, int *cmp,
			   struct strata_error *err);

/* Go modules and the Go toolchain: module versions ("v1.2.3",
 * "v2.0.0+incompatible", pseudo-versions), also without the 'v' as OSV
 * writes them, and toolchain versions ("go1.21.3", "1.21rc2"). */
int st_golang_compare(const char *a, const char *b, int *cmp, struct strata_error *err);
int st_golang_validate(const char *v, struct strata_error *err);

/* Appends golang.org/x/mod/semver's Canonical(V) to OUT ("v1.2" ->
 * "v1.2.0", "v1.2.3+meta" -> "v1.2.3"); a version without 'v' or a
 * toolchain version is first written as the module version it stands for
 * ("go1.21rc2" -> "v1.21.0-rc.2"). Returns 0, STRATA_EINVAL, or an error
 * of st_buf_append. */
int st_golang_canonical(struct st_buf *out, const char *v, struct strata_error *err);

/* golang.org/x/mod/semver's Compare: like st_golang_compare on module
 * versions with 'v', except that an invalid version (any other string,
 * NULL included) is no error but sorts before every valid one and equal
 * to every invalid one. Returns -1, 0 or 1. */
int st_gosemver_cmp(const char *a, const char *b);

/* RubyGems: Gem::Version. */
int st_gem_compare(const char *a, const char *b, int *cmp, struct strata_error *err);
int st_gem_validate(const char *v, struct strata_error *err);

/* NuGet: NuGet.Versioning's NuGetVersion and its default comparer. */
int st_nuget_compare(const char *a, const char *b, int *cmp, struct strata_error *err);
int st_nuget_validate(const char *v, struct strata_error *err);

/* Composer (Packagist): PHP's version_compare() after a leading 'v'. */
int st_composer_compare(const char *a, const char *b, int *cmp, struct strata_error *err);
int st_composer_validate(const char *v, struct strata_error *err);

/* Hex: Elixir's Version (Semantic Versioning 2.0.0). */
int st_hex_compare(const char *a, const char *b, int *cmp, struct strata_error *err);
int st_hex_validate(const char *v, struct strata_error *err);

/* Pub: Dart's pub_semver Version. */
int st_pub_compare(const char *a, const char *b, int *cmp, struct strata_error *err);
int st_pub_validate(const char *v, struct strata_error *err);

/* Cargo (crates.io): Semantic Versioning 2.0.0 as the semver crate parses
 * it. */
int st_cargo_compare(const char *a, const char *b, int *cmp, struct strata_error *err);
int st_cargo_validate(const char *v, struct strata_error *err);

/* Hackage: Cabal's Data.Version, dot-separated numbers. */
int st_hackage_compare(const char *a, const char *b, int *cmp, struct strata_error *err);
int st_hackage_validate(const char *v, struct strata_error *err);

/* Internal: shared by the comparators ----------------------------------- */

/* Sets ERR to STRATA_EINVAL with "invalid KIND \"V\": REASON", V escaped
 * and shortened to keep the message on one line. Returns STRATA_EINVAL. */
int st_version_invalid(struct strata_error *err, const char *kind, const char *v,
		       const char *reason);

#endif
