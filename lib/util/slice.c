/* Non-owning byte slices. */
#include <string.h>

#include "util/util.h"

struct st_slice st_slice_cstr(const char *s)
{
	return st_slice_make(s, s ? strlen(s) : 0);
}

bool st_slice_eq_cstr(struct st_slice s, const char *c)
{
	size_t n = strlen(c);

	return s.len == n && (n == 0 || memcmp(s.ptr, c, n) == 0);
}

bool st_slice_starts_with(struct st_slice s, const char *prefix)
{
	size_t n = strlen(prefix);

	return s.len >= n && memcmp(s.ptr, prefix, n) == 0;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

struct st_slice st_slice_trim(struct st_slice s)
{
	while (s.len > 0 && is_space(s.ptr[0])) {
		s.ptr++;
		s.len--;
	}
	while (s.len > 0 && is_space(s.ptr[s.len - 1]))
		s.len--;
	return s;
}

void st_slice_split(struct st_slice *s, char sep, struct st_slice *head)
{
	const char *p = s->len ? memchr(s->ptr, sep, s->len) : NULL;

	if (p == NULL) {
		*head = *s;
		s->ptr += s->len;
		s->len = 0;
		return;
	}
	head->ptr = s->ptr;
	head->len = (size_t)(p - s->ptr);
	s->len -= head->len + 1;
	s->ptr = p + 1;
}

bool st_slice_to_u64(struct st_slice s, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (s.len == 0)
		return false;
	for (i = 0; i < s.len; i++) {
		unsigned d;

		if (s.ptr[i] < '0' || s.ptr[i] > '9')
			return false;
		d = (unsigned)(s.ptr[i] - '0');
		if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, d, &v))
			return false;
	}
	*out = v;
	return true;
}
