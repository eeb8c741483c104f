/* Helpers shared by the comparators of the language ecosystems (pep440.c,
 * maven.c, golang.c, gem.c, nuget.c, composer.c, hex.c, pub.c, cargo.c,
 * hackage.c). Internal to lib/version. */
#ifndef STRATA_LANGVER_H
#define STRATA_LANGVER_H

#include "version/version.h"

#define ST_VERSION_STR_(x) #x
#define ST_VERSION_STR(x) ST_VERSION_STR_(x)
/* ST_VERSION_MAX_LEN as a string literal, for messages. */
#define ST_VERSION_MAX_LEN_STR ST_VERSION_STR(ST_VERSION_MAX_LEN)

/* The maximum number of separator-delimited components (numbers,
 * identifiers) that a version of ST_VERSION_MAX_LEN bytes can hold: each
 * component but the last takes at least two bytes. */
#define ST_VERSION_MAX_PARTS (ST_VERSION_MAX_LEN / 2 + 1)

static inline bool st_version_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static inline bool st_version_is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline bool st_version_is_alnum(char c)
{
	return st_version_is_digit(c) || st_version_is_alpha(c);
}

/* ASCII lower case, whatever the locale. */
static inline char st_version_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static inline int st_version_sign(int v)
{
	return (v > 0) - (v < 0);
}

/* Checks that V is not NULL and at most ST_VERSION_MAX_LEN bytes long,
 * and sets *LEN to its length. Otherwise sets ERR, naming KIND ("PyPI
 * version", ...), and returns STRATA_EINVAL. */
int st_version_check_input(const char *kind, const char *v, size_t *len,
			   struct strata_error *err);

/* Returns true when S is not empty and holds only ASCII digits. */
bool st_version_all_digits(struct st_slice s);

/* Returns S without its leading zeros; "000" becomes "0" and "" stays "". */
struct st_slice st_version_strip_zeros(struct st_slice s);

/* Compares two digit strings as numbers of any size (leading zeros do not
 * count). Returns -1, 0 or 1. */
int st_version_cmp_digits(struct st_slice a, struct st_slice b);

/* Compares two byte strings as memcmp does, the shorter one first when
 * one is a prefix of the other. Returns -1, 0 or 1. */
int st_version_cmp_bytes(struct st_slice a, struct st_slice b);

/* Like st_version_cmp_bytes with ASCII letters folded to lower case. */
int st_version_cmp_nocase(struct st_slice a, struct st_slice b);

/* Returns true when S equals the lower-case ASCII string LOWER, ignoring
 * the case of S. */
bool st_version_eq_nocase(struct st_slice s, const char *lower);

/* Compares A and B as strict Semantic Versioning 2.0.0 versions (hex.c);
 * with U64_ONLY, numbers beyond 64 bits are invalid. KIND names the
 * ecosystem in messages. Returns 0 or STRATA_EINVAL. */
int st_semver2_compare(const char *kind, bool u64_only, const char *a, const char *b, int *cmp,
		       struct strata_error *err);

/* Copies the LEN bytes of V to DST lower-cased as maven.c describes; each
 * folded letter keeps its UTF-8 length. Returns false when V is not
 * valid UTF-8. */
bool st_maven_lower_case(char *dst, const char *v, size_t len);

/* The ST_MAVEN_SPEC order of maven_spec.c; returns as st_maven_compare. */
int st_maven_spec_compare(const char *a, const char *b, int *cmp, struct strata_error *err);

#endif
