/* Severity and status names, and the mappings from each feed's severity
 * words to enum st_severity. */
#include <string.h>
#include <strings.h>

#include "vuln/vuln_internal.h"

static const char *const severity_names[] = {
	[ST_SEVERITY_UNKNOWN] = "UNKNOWN",
	[ST_SEVERITY_NEGLIGIBLE] = "NEGLIGIBLE",
	[ST_SEVERITY_LOW] = "LOW",
	[ST_SEVERITY_MEDIUM] = "MEDIUM",
	[ST_SEVERITY_HIGH] = "HIGH",
	[ST_SEVERITY_CRITICAL] = "CRITICAL",
};

static const char *const status_names[] = {
	[ST_STATUS_AFFECTED] = "affected",
	[ST_STATUS_FIXED] = "fixed",
	[ST_STATUS_WILL_NOT_FIX] = "will-not-fix",
	[ST_STATUS_FIX_DEFERRED] = "fix-deferred",
	[ST_STATUS_END_OF_LIFE] = "end-of-life",
	[ST_STATUS_NOT_AFFECTED] = "not-affected",
};

const char *st_severity_name(int severity)
{
	if (severity < 0 || (size_t)severity >= ST_ARRAY_LEN(severity_names))
		return "UNKNOWN";
	return severity_names[severity];
}

int st_severity_parse(const char *name)
{
	size_t i;

	if (name == NULL)
		return -1;
	for (i = 0; i < ST_ARRAY_LEN(severity_names); i++) {
		if (strcasecmp(name, severity_names[i]) == 0)
			return (int)i;
	}
	return -1;
}

const char *st_vuln_status_name(int status)
{
	if (status < 0 || (size_t)status >= ST_ARRAY_LEN(status_names))
		return "unknown";
	return status_names[status];
}

int st_vuln_status_parse(const char *name)
{
	size_t i;

	if (name == NULL)
		return -1;
	for (i = 0; i < ST_ARRAY_LEN(status_names); i++) {
		if (strcmp(name, status_names[i]) == 0)
			return (int)i;
	}
	return -1;
}

int st_severity_from_word(const char *word)
{
	int sev;

	if (word == NULL)
		return -1;
	/* GitHub's advisory database writes MODERATE where others write
	 * MEDIUM, and Red Hat's scale (Low, Moderate, Important, Critical)
	 * has Important for HIGH. */
	if (strcasecmp(word, "moderate") == 0)
		return ST_SEVERITY_MEDIUM;
	if (strcasecmp(word, "important") == 0)
		return ST_SEVERITY_HIGH;
	sev = st_severity_parse(word);
	if (sev == ST_SEVERITY_UNKNOWN)
		return -1;
	return sev;
}

int st_severity_from_debian(const char *urgency)
{
	size_t n;

	if (urgency == NULL)
		return ST_SEVERITY_UNKNOWN;
	/* A trailing "**" marks an urgency the tracker took from NVD rather
	 * than set by the security team. The level is the same. */
	n = strlen(urgency);
	while (n > 0 && urgency[n - 1] == '*')
		n--;
	if (n == 4 && strncmp(urgency, "high", n) == 0)
		return ST_SEVERITY_HIGH;
	if (n == 6 && strncmp(urgency, "medium", n) == 0)
		return ST_SEVERITY_MEDIUM;
	if (n == 3 && strncmp(urgency, "low", n) == 0)
		return ST_SEVERITY_LOW;
	if (n == 11 && strncmp(urgency, "unimportant", n) == 0)
		return ST_SEVERITY_NEGLIGIBLE;
	/* "not yet assigned", "end-of-life" and anything new. */
	return ST_SEVERITY_UNKNOWN;
}

/* The order in which merged findings take their severity: the distribution
 * vendors' own ratings of their packages first (a package only ever
 * matches one vendor's rows), then the per-package rating of an OSV
 * record, then the record-level rating (GHSA's). Sources not listed here
 * come next, and a severity that strata
 * computed from a CVSS vector comes last, newest CVSS version first.
 * Documented in docs/internals/vuln-store.md. */
static const char *const source_preference[] = {
	"debian",
	"redhat",
	"suse",
	"oracle",
	"amazon",
	"mariner",
	"azurelinux",
	"photon",
	"osv:ubuntu",
	"osv:summary",
	"osv:ecosystem_specific",
	"osv:database_specific",
};

static const char *const computed_sources[] = {
	"osv:cvss_v4",
	"osv:cvss_v3",
	"osv:cvss_v2",
};

int st_severity_source_rank(const char *source)
{
	const int listed = (int)ST_ARRAY_LEN(source_preference);
	size_t i;

	if (source == NULL)
		return listed + 1 + (int)ST_ARRAY_LEN(computed_sources);
	for (i = 0; i < ST_ARRAY_LEN(source_preference); i++) {
		if (strcmp(source, source_preference[i]) == 0)
			return (int)i;
	}
	for (i = 0; i < ST_ARRAY_LEN(computed_sources); i++) {
		if (strcmp(source, computed_sources[i]) == 0)
			return listed + 1 + (int)i;
	}
	return listed;
}
