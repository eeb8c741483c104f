/* Version comparison by ecosystem: dispatches on the purl type to the
 * ecosystem's comparator (dpkg.c, semver.c). */
#include <string.h>

#include "version/version.h"

/* The maximum number of bytes of a version that an error message quotes. */
#define QUOTE_MAX 80

struct ecosystem {
	const char *type; /* purl type */
	int (*compare)(const char *a, const char *b, int *cmp, struct strata_error *err);
	int (*validate)(const char *v, struct strata_error *err);
};

static int dpkg_validate(const char *v, struct strata_error *err)
{
	struct st_dpkg_version parsed;

	return st_dpkg_version_parse(&parsed, v, err);
}

static int semver_validate(const char *v, struct strata_error *err)
{
	return st_semver_validate(v, 0, err);
}

static const struct ecosystem ecosystems[] = {
	{"deb", st_dpkg_version_compare, dpkg_validate},
	{"npm", st_semver_compare, semver_validate},
	{"apk", st_apk_version_compare, st_apk_version_validate},
	{"rpm", st_rpm_version_compare, st_rpm_version_validate},
	{"pypi", st_pep440_compare, st_pep440_validate},
	{"maven", st_maven_compare, st_maven_validate},
	{"golang", st_golang_compare, st_golang_validate},
	{"gem", st_gem_compare, st_gem_validate},
	{"nuget", st_nuget_compare, st_nuget_validate},
	{"composer", st_composer_compare, st_composer_validate},
	{"hex", st_hex_compare, st_hex_validate},
	{"pub", st_pub_compare, st_pub_validate},
	{"cargo", st_cargo_compare, st_cargo_validate},
	{"hackage", st_hackage_compare, st_hackage_validate},
};

/* Writes V into DST (SIZE bytes) with '"', '\' and bytes outside printable
 * ASCII escaped, and cut after QUOTE_MAX bytes of V with "...". Versions
 * come from images and feeds, so they may hold newlines or terminal
 * escapes that must not reach a one-line message. */
static void quote(char *dst, size_t size, const char *v)
{
	static const char hex[] = "0123456789abcdef";
	size_t out = 0;
	size_t i;

	for (i = 0; v[i] != '\0' && i < QUOTE_MAX; i++) {
		unsigned char c = (unsigned char)v[i];

		if (out + 5 >= size)
			break;
		if (c == '"' || c == '\\') {
			dst[out++] = '\\';
			dst[out++] = (char)c;
		} else if (c >= 0x20 && c < 0x7f) {
			dst[out++] = (char)c;
		} else {
			dst[out++] = '\\';
			dst[out++] = 'x';
			dst[out++] = hex[c >> 4];
			dst[out++] = hex[c & 0xf];
		}
	}
	if (v[i] != '\0' && out + 4 <= size) {
		memcpy(dst + out, "...", 3);
		out += 3;
	}
	dst[out] = '\0';
}

int st_version_invalid(struct strata_error *err, const char *kind, const char *v,
		       const char *reason)
{
	char quoted[QUOTE_MAX * 4 + 4];

	quote(quoted, sizeof(quoted), v);
	return st_error_set(err, STRATA_EINVAL, "invalid %s \"%s\": %s", kind, quoted, reason);
}

/* purl types are case-insensitive: compare them in ASCII, whatever the
 * locale. */
static bool type_eq(const char *type, const char *lower)
{
	for (; *type != '\0' && *lower != '\0'; type++, lower++) {
		char c = *type;

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != *lower)
			return false;
	}
	return *type == *lower;
}

static const struct ecosystem *find_ecosystem(const char *type)
{
	size_t i;

	if (type == NULL)
		return NULL;
	for (i = 0; i < ST_ARRAY_LEN(ecosystems); i++) {
		if (type_eq(type, ecosystems[i].type))
			return &ecosystems[i];
	}
	return NULL;
}

static int unsupported(const char *type, struct strata_error *err)
{
	char quoted[QUOTE_MAX * 4 + 4];

	if (type == NULL)
		return st_error_set(err, STRATA_EINVAL, "missing version type");
	quote(quoted, sizeof(quoted), type);
	return st_error_set(err, STRATA_EUNSUPPORTED,
			    "no version comparator for package type \"%s\"", quoted);
}

bool st_version_is_supported(const char *type)
{
	return find_ecosystem(type) != NULL;
}

int st_version_compare(const char *type, const char *a, const char *b, int *cmp,
		       struct strata_error *err)
{
	const struct ecosystem *eco = find_ecosystem(type);

	if (eco == NULL)
		return unsupported(type, err);
	return eco->compare(a, b, cmp, err);
}

int st_version_validate(const char *type, const char *v, struct strata_error *err)
{
	const struct ecosystem *eco = find_ecosystem(type);

	if (eco == NULL)
		return unsupported(type, err);
	return eco->validate(v, err);
}
