/* Pieces shared by the reporters (json.c, table.c, layers.c). */
#ifndef STRATA_REPORT_H
#define STRATA_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Bytes of free text from an image (a history entry's created_by) that a
 * table line shows before it is cut. */
#define ST_REPORT_MAX_TEXT 100

struct json_t;

/* Returns a JSON string for S, or null for NULL (a new reference, or NULL
 * when out of memory). Text from images need not be UTF-8: each byte
 * outside ASCII of a string that is not valid UTF-8 becomes U+FFFD, so
 * the document stays valid. */
struct json_t *st_report_jstr(const char *s);

/* json_object_set_new that records a failure in *OK instead of returning
 * it; a NULL VALUE is a failure too. */
void st_report_put(struct json_t *obj, const char *key, struct json_t *value, bool *ok);

/* Writes S ("-" for NULL) with control bytes shown as '?', cut with '~'
 * after MAX bytes. */
void st_report_put_text(FILE *out, const char *s, size_t max);

#endif
