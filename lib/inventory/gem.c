/* The RubyGems cataloger: installed gems from the gemspecs that
 * `gem install` writes to GEM_HOME/specifications/NAME-VERSION.gemspec,
 * and the default gems of a Ruby installation under
 * specifications/default/. These files are Ruby code of a fixed shape:
 *
 *   Gem::Specification.new do |s|
 *     s.name = "bundler".freeze
 *     s.version = "2.1.4"
 *     s.licenses = ["MIT".freeze]
 *     ...
 *   end
 *
 * Nothing is evaluated. Each line that starts with an assignment to a
 * field of the block variable is tokenized, and only literal values are
 * taken: string literals ("...", '...', %q{...}), each maybe followed by
 * .freeze, and arrays of them. */
#include <string.h>

#include "inventory/lang.h"

/* Decoded strings of one gemspec, in the parser's arena. */
struct gem_spec {
	const char *name;
	const char *version;
	const char *platform;
	struct st_buf licenses; /* " OR " between them */
};

/* A cursor over one line. */
struct cursor {
	const char *p;
	const char *end;
};

static bool gem_wants(const char *path, size_t len)
{
	static const char ext[] = ".gemspec";
	const char *slash;
	size_t dir_end;

	if (!st_lang_ends_with(path, len, ext))
		return false;
	slash = memrchr(path, '/', len);
	if (slash == NULL)
		return false;
	dir_end = (size_t)(slash - path);
	return st_lang_ends_with(path, dir_end, "specifications") ||
	       st_lang_ends_with(path, dir_end, "specifications/default");
}

static void skip_blanks(struct cursor *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\r'))
		c->p++;
}

static bool is_ident_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9') || ch == '_';
}

static struct st_slice take_ident(struct cursor *c)
{
	const char *start = c->p;

	while (c->p < c->end && is_ident_char(*c->p))
		c->p++;
	return st_slice_make(start, (size_t)(c->p - start));
}

static bool take_literal(struct cursor *c, const char *s)
{
	size_t n = strlen(s);

	if ((size_t)(c->end - c->p) < n || memcmp(c->p, s, n) != 0)
		return false;
	c->p += n;
	return true;
}

static int hex_value(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Appends code point CP as UTF-8; false for a surrogate or a value past
 * U+10FFFF. */
static bool put_utf8(struct st_buf *b, unsigned long cp)
{
	char u[4];
	size_t n;

	if (cp == 0 || (cp >= 0xd800 && cp <= 0xdfff))
		return false;
	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else if (cp <= 0x10ffff) {
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	} else {
		return false;
	}
	return st_buf_append(b, u, n, NULL) == 0;
}

/* Decodes the escape after a backslash in a double-quoted string: \uXXXX,
 * \u{X...}, \xHH, \n, \t, \r and \s, and any other byte as itself. \e,
 * octal and control escapes never occur in the fields read here and are
 * taken as the byte after the backslash. A NUL is rejected. */
static bool take_escape(struct cursor *c, struct st_buf *out)
{
	static const char from[] = "ntrs";
	static const char to[] = "\n\t\r ";
	unsigned long cp = 0;
	const char *hit;
	char ch;
	int i;

	if (c->p >= c->end)
		return false;
	ch = *c->p++;
	if (ch == 'u' && c->p < c->end && *c->p == '{') {
		c->p++;
		for (i = 0; c->p < c->end && hex_value(*c->p) >= 0 && i < 6; i++)
			cp = cp * 16 + (unsigned long)hex_value(*c->p++);
		return i > 0 && take_literal(c, "}") && put_utf8(out, cp);
	}
	if (ch == 'u' || ch == 'x') {
		int digits = ch == 'u' ? 4 : 2;

		for (i = 0; i < digits; i++) {
			if (c->p >= c->end || hex_value(*c->p) < 0)
				return false;
			cp = cp * 16 + (unsigned long)hex_value(*c->p++);
		}
		return put_utf8(out, cp);
	}
	hit = memchr(from, ch, sizeof(from) - 1);
	if (hit != NULL)
		ch = to[hit - from];
	return st_buf_putc(out, ch, NULL) == 0;
}

/* Reads a string literal into OUT: "..." (escapes, no interpolation),
 * '...' (only \\ and \' escaped), or %q / %Q / % with a bracket pair or
 * any other punctuation as delimiters. Returns false when C is not at a
 * complete literal of that kind. */
static bool take_string(struct cursor *c, struct st_buf *out)
{
	char open;
	char close;
	bool escapes;
	int depth = 0;

	out->len = 0;
	if (c->p >= c->end)
		return false;
	if (*c->p == '"' || *c->p == '\'') {
		open = close = *c->p++;
		escapes = open == '"';
	} else if (take_literal(c, "%q") || take_literal(c, "%Q") || take_literal(c, "%")) {
		escapes = c->p[-1] == 'Q' || c->p[-1] == '%';
		if (c->p >= c->end)
			return false;
		open = *c->p++;
		close = open;
		if (open == '{')
			close = '}';
		else if (open == '(')
			close = ')';
		else if (open == '<')
			close = '>';
		else if (open == '[')
			close = ']';
		if (is_ident_char(open) || open == ' ')
			return false;
	} else {
		return false;
	}

	while (c->p < c->end) {
		char ch = *c->p++;

		if (ch == '\\' && c->p < c->end) {
			if (escapes) {
				if (!take_escape(c, out))
					return false;
				continue;
			}
			if (*c->p == close || *c->p == '\\')
				ch = *c->p++;
		} else if (ch == close && depth == 0) {
			return true;
		} else if (ch == close) {
			depth--;
		} else if (ch == open && open != close) {
			depth++;
		} else if (escapes && ch == '#' && c->p < c->end && *c->p == '{') {
			/* "#{...}" interpolation: not a literal value. */
			return false;
		}
		if (st_buf_putc(out, ch, NULL) < 0)
			return false;
	}
	return false;
}

/* A string literal with an optional ".freeze". */
static bool take_value(struct cursor *c, struct st_buf *out)
{
	if (!take_string(c, out))
		return false;
	take_literal(c, ".freeze");
	return true;
}

static const char *arena_copy(struct st_arena *a, const struct st_buf *b)
{
	return st_arena_strndup(a, b->ptr != NULL ? b->ptr : "", b->len);
}

/* s.licenses = ["MIT".freeze, "Ruby".freeze], or a lone string. */
static void take_licenses(struct cursor *c, struct gem_spec *spec, struct st_buf *tmp)
{
	spec->licenses.len = 0;
	if (!take_literal(c, "[")) {
		if (take_value(c, tmp) && tmp->len > 0)
			st_buf_append(&spec->licenses, tmp->ptr, tmp->len, NULL);
		return;
	}
	for (;;) {
		skip_blanks(c);
		if (!take_value(c, tmp))
			return;
		if (tmp->len > 0) {
			if (spec->licenses.len > 0)
				st_buf_append(&spec->licenses, " OR ", 4, NULL);
			/* Past the buffer's cap the list is cut. */
			st_buf_append(&spec->licenses, tmp->ptr, tmp->len, NULL);
		}
		skip_blanks(c);
		if (!take_literal(c, ","))
			return;
	}
}

/* Reads one "VAR.FIELD = VALUE" line. Returns -1 when out of memory. */
static int take_assignment(struct cursor *c, struct st_slice var, struct gem_spec *spec,
			   struct st_arena *a, struct st_buf *tmp)
{
	struct st_slice field;
	const char **dst = NULL;

	skip_blanks(c);
	if ((size_t)(c->end - c->p) <= var.len || memcmp(c->p, var.ptr, var.len) != 0 ||
	    c->p[var.len] != '.')
		return 0;
	c->p += var.len + 1;
	field = take_ident(c);
	skip_blanks(c);
	if (!take_literal(c, "=") || (c->p < c->end && (*c->p == '=' || *c->p == '~')))
		return 0;
	skip_blanks(c);

	if (st_slice_eq_cstr(field, "licenses") || st_slice_eq_cstr(field, "license")) {
		take_licenses(c, spec, tmp);
		return 0;
	}
	if (st_slice_eq_cstr(field, "name"))
		dst = &spec->name;
	else if (st_slice_eq_cstr(field, "version"))
		dst = &spec->version;
	else if (st_slice_eq_cstr(field, "platform"))
		dst = &spec->platform;
	if (dst == NULL || *dst != NULL || !take_value(c, tmp))
		return 0;
	*dst = arena_copy(a, tmp);
	return *dst != NULL ? 0 : -1;
}

/* Finds "Gem::Specification.new do |VAR|" (or "{ |VAR|") and sets *VAR
 * and *BODY to the text after it. */
static bool find_block(struct st_slice text, struct st_slice *var, struct st_slice *body)
{
	static const char head[] = "Gem::Specification.new";
	const char *hit = memmem(text.ptr, text.len, head, sizeof(head) - 1);
	struct cursor c;

	if (hit == NULL)
		return false;
	c.p = hit + sizeof(head) - 1;
	c.end = text.ptr + text.len;
	skip_blanks(&c);
	if (!take_literal(&c, "do") && !take_literal(&c, "{"))
		return false;
	skip_blanks(&c);
	if (!take_literal(&c, "|"))
		return false;
	skip_blanks(&c);
	*var = take_ident(&c);
	skip_blanks(&c);
	if (var->len == 0 || !take_literal(&c, "|"))
		return false;
	*body = st_slice_make(c.p, (size_t)(c.end - c.p));
	return true;
}

static int read_spec(struct st_slice text, struct gem_spec *spec, struct st_arena *a,
		     struct st_buf *tmp, bool *found)
{
	struct st_slice var;
	struct st_slice rest;
	struct st_slice line;
	int rc;

	*found = find_block(text, &var, &rest);
	if (!*found)
		return 0;
	while (rest.len > 0) {
		struct cursor c;

		st_slice_split(&rest, '\n', &line);
		c.p = line.ptr;
		c.end = line.ptr + line.len;
		rc = take_assignment(&c, var, spec, a, tmp);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int st_gem_parse_gemspec(struct st_slice text, const char *path,
			 const struct strata_limits *lim, struct st_diag *diag,
			 st_lang_pkg_fn fn, void *ctx, struct strata_error *err)
{
	const char *qualifiers[2] = {"platform", NULL};
	struct gem_spec spec;
	struct st_arena arena;
	struct st_package pkg;
	struct st_buf tmp;
	bool found;
	int rc;

	memset(&spec, 0, sizeof(spec));
	memset(&pkg, 0, sizeof(pkg));
	st_arena_init(&arena);
	st_buf_init(&tmp, ST_LANG_MAX_LICENSE);
	st_buf_init(&spec.licenses, ST_LANG_MAX_LICENSE);

	if (lim != NULL && text.len > lim->cataloged_file_bytes) {
		rc = st_error_set(err, STRATA_ELIMIT, "%s: over the limit of %llu bytes", path,
				  (unsigned long long)lim->cataloged_file_bytes);
		goto out;
	}
	rc = read_spec(text, &spec, &arena, &tmp, &found);
	if (rc < 0) {
		rc = st_error_set(err, STRATA_ENOMEM, "%s: out of memory", path);
		goto out;
	}
	if (!found) {
		rc = st_error_set(err, STRATA_ECORRUPT, "%s: no Gem::Specification block", path);
		goto out;
	}
	if (spec.name == NULL || !st_lang_is_token(st_slice_cstr(spec.name), ST_LANG_MAX_NAME)) {
		rc = st_error_set(err, STRATA_ECORRUPT, "%s: no valid name", path);
		goto out;
	}
	if (spec.version == NULL ||
	    !st_lang_is_token(st_slice_cstr(spec.version), ST_LANG_MAX_VERSION)) {
		rc = st_error_set(err, STRATA_ECORRUPT, "%s: no valid version", path);
		goto out;
	}

	pkg.type = "gem";
	pkg.name = spec.name;
	pkg.version = spec.version;
	pkg.path = path;
	if (spec.licenses.len > 0) {
		pkg.license = st_lang_license_dup(&arena, st_slice_make(spec.licenses.ptr,
									spec.licenses.len));
		if (pkg.license == NULL) {
			rc = st_error_set(err, STRATA_ENOMEM, "%s: out of memory", path);
			goto out;
		}
	}
	/* The gem purl type names a platform other than the default "ruby"
	 * in a qualifier. */
	if (spec.platform != NULL && strcmp(spec.platform, "ruby") != 0 &&
	    st_lang_is_token(st_slice_cstr(spec.platform), ST_LANG_MAX_VERSION))
		qualifiers[1] = spec.platform;
	pkg.purl = st_purl_build(&arena, "gem", NULL, pkg.name, pkg.version, qualifiers, 1);
	if (pkg.purl == NULL) {
		rc = st_error_set(err, STRATA_ENOMEM, "%s: out of memory", path);
		goto out;
	}
	rc = fn(ctx, &pkg, err);

out:
	st_buf_dispose(&tmp);
	st_buf_dispose(&spec.licenses);
	st_arena_dispose(&arena);
	return rc;
}

/* The cataloger ------------------------------------------------------------ */

static int gem_init(void **state, struct strata_error *err)
{
	*state = NULL;
	return 0;
}

static void gem_free(void *state)
{
}

static int gem_on_final_file(void *state, const struct st_walk_file *f,
			     struct st_catalog_ctx *ctx, struct strata_error *err)
{
	if (!gem_wants(f->path, f->path_len))
		return 0;
	return st_lang_catalog_file(f, ctx, "gem", st_gem_parse_gemspec, err);
}

static int gem_finish(void *state, struct st_catalog_ctx *ctx, struct strata_error *err)
{
	return 0;
}

const struct st_cataloger st_cataloger_gem = {
	.name = "gem",
	.wants = gem_wants,
	.init = gem_init,
	.on_final_file = gem_on_final_file,
	.finish = gem_finish,
	.free = gem_free,
};
