/* CVSS vector parsing and scoring (cvss.c): version 2.0, 3.0, 3.1 and 4.0
 * vectors as OSV records carry them in severity[].score. */
#ifndef STRATA_VULN_CVSS_H
#define STRATA_VULN_CVSS_H

#include "util/util.h"

/* Values of *VERSION set by st_cvss_score. */
#define ST_CVSS_V2 20
#define ST_CVSS_V30 30
#define ST_CVSS_V31 31
#define ST_CVSS_V40 40

/* Maximum length in bytes of a vector that st_cvss_score accepts; the
 * longest valid v4.0 vector, with every supplemental metric, is shorter. */
#define ST_CVSS_VECTOR_MAX 512

/* Computes the score of VECTOR in tenths (0 to 100) into *TENTHS and its
 * version into *VERSION.
 *   v2.0 ("AV:N/AC:L/Au:N/C:P/I:P/A:P", optionally in parentheses): the
 *     base equation of the CVSS v2 guide, rounded to one decimal.
 *   v3.0 and v3.1 ("CVSS:3.1/AV:N/..."): the base score, with the Roundup
 *     of each version (v3.1's avoids floating-point artifacts).
 *     Temporal and environmental metrics are checked but not applied.
 *   v4.0 ("CVSS:4.0/AV:N/..."): the MacroVector score of the
 *     specification, which includes the threat and environmental metrics
 *     present (CVSS-B when there are none); supplemental metrics are
 *     checked and ignored.
 * Every mandatory base metric must be present, each metric at most once,
 * with a value the version defines. Returns 0, or STRATA_EINVAL with ERR
 * (may be NULL) naming the problem; the vector itself is not copied into
 * the message. */
int st_cvss_score(const char *vector, int *version, int *tenths, struct strata_error *err);

/* Maps a score in tenths to enum st_severity with the qualitative scale of
 * CVSS v3.1 and v4.0: 0.1-3.9 LOW, 4.0-6.9 MEDIUM, 7.0-8.9 HIGH,
 * 9.0-10.0 CRITICAL. 0.0 ("None") maps to NEGLIGIBLE. A v2 score (VERSION
 * ST_CVSS_V2) uses NVD's v2 scale, which has no CRITICAL: 7.0-10.0 HIGH. */
int st_cvss_severity(int version, int tenths);

#endif
