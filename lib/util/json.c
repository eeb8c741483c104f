/* Bounded JSON parsing on top of jansson. */
#include <jansson.h>

#include "util/util.h"

unsigned st_json_depth(struct st_slice text, unsigned max)
{
	unsigned depth = 0;
	unsigned deepest = 0;
	bool in_string = false;
	size_t i;

	for (i = 0; i < text.len; i++) {
		char c = text.ptr[i];

		if (in_string) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = false;
			continue;
		}
		if (c == '"') {
			in_string = true;
		} else if (c == '[' || c == '{') {
			depth++;
			if (depth > max)
				return UINT32_MAX;
			if (depth > deepest)
				deepest = depth;
		} else if ((c == ']' || c == '}') && depth > 0) {
			depth--;
		}
	}
	return deepest;
}

int st_json_parse(struct json_t **out, struct st_slice text, size_t max_bytes,
		  unsigned max_depth, unsigned flags, const char *what,
		  struct strata_error *err)
{
	size_t jflags = JSON_ALLOW_NUL;
	json_error_t jerr;
	json_t *root;

	*out = NULL;
	if (text.len > max_bytes)
		return st_error_set(err, STRATA_ELIMIT, "%s: %zu bytes, over the limit of %zu",
				    what, text.len, max_bytes);
	if (st_json_depth(text, max_depth) == UINT32_MAX)
		return st_error_set(err, STRATA_ELIMIT, "%s: JSON nested deeper than %u levels",
				    what, max_depth);
	if (flags & ST_JSON_STRICT)
		jflags |= JSON_REJECT_DUPLICATES;
	root = json_loadb(text.ptr, text.len, jflags, &jerr);
	if (root == NULL)
		return st_error_set(err, STRATA_ECORRUPT, "%s: invalid JSON at line %d column %d: %s",
				    what, jerr.line, jerr.column, jerr.text);
	*out = root;
	return 0;
}
