/* Importer for the Debian security tracker's advisory lists,
 * data/DSA/list (Debian Security Advisories) and data/DLA/list (Debian LTS
 * Advisories), a text format:
 *
 *   [31 Jul 2025] DSA-5970-1 sope - security update
 *   	{CVE-2025-53603}
 *   	[bookworm] - sope 5.8.0-1+deb12u1
 *   	NOTE: free text
 *
 * Each header line starts one advisory of source "debian-dsa", named by
 * its id and published on the date given. The ids in braces become
 * aliases. Each "[codename] - package version" line becomes an affected
 * row with ecosystem "deb", distro "debian:codename", the source package,
 * and status fixed with that version. A version in angle brackets is a status
 * instead (see map_tag). Indented lines are read with any leading blanks,
 * because copies of the list use tabs or spaces. */
#include <string.h>

#include "vuln/vuln_internal.h"

#define DSA_TRACKER_URL "https://security-tracker.debian.org/tracker/"

/* An advisory that cannot be read: the reason goes into WHY and the
 * advisory is skipped. */
#define MALFORMED 1

/* Maximum length of a release codename ("bookworm"). */
#define CODENAME_MAX 32

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Parses "[DD Mon YYYY] " at the start of LINE into DATE ("YYYY-MM-DD")
 * and advances LINE past it. */
static bool parse_date(struct st_slice *line, char date[11])
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	const char *p = line->ptr;
	size_t m;

	if (line->len < 15 || p[0] != '[' || !is_digit(p[1]) || !is_digit(p[2]) ||
	    p[3] != ' ' || p[7] != ' ' || !is_digit(p[8]) || !is_digit(p[9]) ||
	    !is_digit(p[10]) || !is_digit(p[11]) || p[12] != ']' || p[13] != ' ')
		return false;
	for (m = 0; m < 12; m++) {
		if (memcmp(p + 4, months + 3 * m, 3) == 0)
			break;
	}
	if (m == 12 || p[1] > '3' || (p[1] == '0' && p[2] == '0') || (p[1] == '3' && p[2] > '1'))
		return false;
	memcpy(date, p + 8, 4);
	date[4] = '-';
	date[5] = (char)('0' + (m + 1) / 10);
	date[6] = (char)('0' + (m + 1) % 10);
	date[7] = '-';
	date[8] = p[1];
	date[9] = p[2];
	date[10] = '\0';
	line->ptr += 14;
	line->len -= 14;
	return true;
}

/* Checks that ID is "DSA-" or "DLA-" followed by digits and an optional
 * "-" and digits (DSA-141, DSA-2819-1). */
static bool id_ok(struct st_slice id)
{
	size_t i = 4;
	size_t digits = 0;

	if (id.len < 5 || (memcmp(id.ptr, "DSA-", 4) != 0 && memcmp(id.ptr, "DLA-", 4) != 0))
		return false;
	while (i < id.len && is_digit(id.ptr[i]) && digits < 9) {
		i++;
		digits++;
	}
	if (digits == 0)
		return false;
	if (i == id.len)
		return true;
	if (id.ptr[i++] != '-')
		return false;
	for (digits = 0; i < id.len && is_digit(id.ptr[i]) && digits < 9; i++)
		digits++;
	return digits > 0 && i == id.len;
}

/* Splits off the next blank-separated token of S. */
static struct st_slice next_token(struct st_slice *s)
{
	struct st_slice tok;

	while (s->len > 0 && is_blank(s->ptr[0])) {
		s->ptr++;
		s->len--;
	}
	tok.ptr = s->ptr;
	tok.len = 0;
	while (tok.len < s->len && !is_blank(s->ptr[tok.len]))
		tok.len++;
	s->ptr += tok.len;
	s->len -= tok.len;
	return tok;
}

/* Parses a header line into its date, id and the text after the id. */
static bool parse_header(struct st_slice line, char date[11], struct st_slice *id,
			 struct st_slice *rest)
{
	if (!parse_date(&line, date))
		return false;
	*id = next_token(&line);
	*rest = st_slice_trim(line);
	return id_ok(*id);
}

bool st_dsa_detect(struct st_slice text)
{
	struct st_slice line;
	struct st_slice id;
	struct st_slice rest;
	char date[11];

	while (text.len > 0) {
		st_slice_split(&text, '\n', &line);
		line = st_slice_trim(line);
		if (line.len == 0)
			continue;
		return parse_header(line, date, &id, &rest);
	}
	return false;
}

/* Maps a bracketed version ("<not-affected>") to a status, or -1. */
static int map_tag(struct st_slice tag)
{
	static const struct {
		const char *tag;
		int status;
	} tags[] = {
		{"<not-affected>", ST_STATUS_NOT_AFFECTED},
		{"<end-of-life>", ST_STATUS_END_OF_LIFE},
		{"<unfixed>", ST_STATUS_AFFECTED},
		{"<ignored>", ST_STATUS_WILL_NOT_FIX},
		{"<no-dsa>", ST_STATUS_WILL_NOT_FIX},
		{"<postponed>", ST_STATUS_FIX_DEFERRED},
	};
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(tags); i++) {
		if (st_slice_eq_cstr(tag, tags[i].tag))
			return tags[i].status;
	}
	return -1;
}

/* Copies S into BUF as a C string that st_feed_name_ok accepts. */
static bool copy_name(char *buf, size_t size, struct st_slice s)
{
	if (s.len == 0 || s.len >= size)
		return false;
	memcpy(buf, s.ptr, s.len);
	buf[s.len] = '\0';
	return strlen(buf) == s.len && st_feed_name_ok(buf);
}

/* Writes the row of one "[codename] - package version" line. */
static int write_release(struct st_import_ctx *ctx, int64_t vuln, struct st_slice line,
			 struct strata_error *why, struct strata_error *err)
{
	struct st_affected_record a = {0};
	char codename[CODENAME_MAX + 1];
	char distro[CODENAME_MAX + 8];
	char package[ST_FEED_NAME_MAX + 1];
	char version[ST_FEED_NAME_MAX + 1];
	struct st_slice rel;
	struct st_slice tok;
	size_t i;

	st_slice_split(&line, ']', &rel);
	if (rel.len < 2 || rel.len > CODENAME_MAX + 1 || line.len == 0)
		return st_error_set(why, MALFORMED, "invalid release line");
	for (i = 1; i < rel.len; i++) {
		if (rel.ptr[i] < 'a' || rel.ptr[i] > 'z')
			return st_error_set(why, MALFORMED, "invalid release codename");
	}
	memcpy(codename, rel.ptr + 1, rel.len - 1);
	codename[rel.len - 1] = '\0';
	tok = next_token(&line);
	if (!st_slice_eq_cstr(tok, "-"))
		return st_error_set(why, MALFORMED, "release %s: expected ' - ' after the "
				    "codename", codename);
	if (!copy_name(package, sizeof(package), next_token(&line)))
		return st_error_set(why, MALFORMED, "release %s: invalid package name",
				    codename);
	tok = next_token(&line);
	if (tok.len > 0 && tok.ptr[0] == '<') {
		a.status = map_tag(tok);
		if (a.status < 0)
			return st_error_set(why, MALFORMED, "release %s: unknown status for %s",
					    codename, package);
	} else {
		if (!copy_name(version, sizeof(version), tok))
			return st_error_set(why, MALFORMED, "release %s: invalid version for %s",
					    codename, package);
		a.status = ST_STATUS_FIXED;
		a.fixed_version = version;
	}

	memcpy(distro, "debian:", 7);
	memcpy(distro + 7, codename, strlen(codename) + 1);
	a.ecosystem = "deb";
	a.distro = distro;
	a.package = package;
	a.severity = -1;
	return st_writer_affected(ctx->writer, vuln, &a, NULL, err);
}

/* Stores each id of "{CVE-1 CVE-2}" as an alias. */
static int write_aliases(struct st_import_ctx *ctx, int64_t vuln, struct st_slice line,
			 struct strata_error *why, struct strata_error *err)
{
	char alias[ST_FEED_NAME_MAX + 1];
	struct st_slice tok;
	int rc;

	if (line.ptr[line.len - 1] != '}')
		return st_error_set(why, MALFORMED, "unterminated '{' list of ids");
	line.ptr++;
	line.len -= 2;
	for (;;) {
		tok = next_token(&line);
		if (tok.len == 0)
			return 0;
		if (!copy_name(alias, sizeof(alias), tok))
			return st_error_set(why, MALFORMED, "an id in '{...}' is too long or has "
					    "control characters");
		rc = st_writer_alias(ctx->writer, vuln, "alias", alias, err);
		if (rc < 0)
			return rc;
	}
}

/* Writes one advisory: HEADER and the indented lines of BODY. */
static int write_advisory(struct st_import_ctx *ctx, int64_t source, const char *id,
			  const char *date, struct st_slice rest, struct st_slice body,
			  bool *created, struct st_buf *scratch, struct strata_error *why,
			  struct strata_error *err)
{
	struct st_vuln_record rec = {0};
	struct st_slice line;
	int64_t vuln;
	int rc;

	scratch->len = 0;
	rc = st_buf_append(scratch, rest.ptr, rest.len, err);
	if (rc < 0)
		return rc;
	rec.summary = st_buf_cstr(scratch, err);
	if (rec.summary == NULL)
		return STRATA_ENOMEM;
	if (strlen(rec.summary) != rest.len)
		return st_error_set(why, MALFORMED, "NUL byte in the header");
	rec.name = id;
	rec.published = date;
	rec.severity = ST_SEVERITY_UNKNOWN;
	/* NOTE: a list that names one id twice keeps only the last entry,
	 * because a record replaces the one of the same id. */
	rc = st_writer_vuln(ctx->writer, source, &rec, false, &vuln, created, err);
	if (rc < 0)
		return rc;
	scratch->len = 0;
	rc = st_buf_printf(scratch, err, DSA_TRACKER_URL "%s", id);
	if (rc == 0)
		rc = st_writer_reference(ctx->writer, vuln, "ADVISORY", scratch->ptr, err);
	if (rc < 0)
		return rc;

	while (body.len > 0) {
		st_slice_split(&body, '\n', &line);
		line = st_slice_trim(line);
		if (line.len == 0 || st_slice_starts_with(line, "NOTE:"))
			continue;
		if (line.ptr[0] == '{')
			rc = write_aliases(ctx, vuln, line, why, err);
		else if (line.ptr[0] == '[')
			rc = write_release(ctx, vuln, line, why, err);
		else
			rc = st_error_set(why, MALFORMED, "unexpected line");
		if (rc != 0)
			return rc;
	}
	return 0;
}

static int import_advisory(struct st_import_ctx *ctx, int64_t source, struct st_slice header,
			   struct st_slice body, size_t lineno, struct st_buf *scratch,
			   struct strata_error *err)
{
	struct strata_error why = {0};
	struct st_slice id;
	struct st_slice rest;
	char date[11];
	char name[32];
	bool created = false;
	int rc;

	if (!parse_header(header, date, &id, &rest)) {
		st_diag(ctx->diag, ST_DIAG_WARN, "%s: line %zu: not a '[DD Mon YYYY] DSA-N' "
			"header; advisory skipped", ctx->name, lineno);
		ctx->stats->skipped++;
		return 0;
	}
	memcpy(name, id.ptr, id.len); /* id_ok allows at most 23 bytes */
	name[id.len] = '\0';

	rc = st_writer_savepoint(ctx->writer, err);
	if (rc < 0)
		return rc;
	rc = write_advisory(ctx, source, name, date, rest, body, &created, scratch, &why, err);
	if (rc < 0)
		return rc;
	if (rc == MALFORMED) {
		st_diag(ctx->diag, ST_DIAG_WARN, "%s: line %zu: %s: %s; skipped", ctx->name,
			lineno, name, why.msg);
		ctx->stats->skipped++;
		return st_writer_rollback_record(ctx->writer, err);
	}
	rc = st_writer_release(ctx->writer, err);
	if (rc == 0 && created)
		ctx->stats->records++;
	return rc;
}

int st_import_dsa(struct st_import_ctx *ctx, struct st_slice text, struct strata_error *err)
{
	struct st_slice rest = text;
	struct st_slice line;
	struct st_slice header = {0};
	struct st_slice body = {0};
	struct st_buf scratch;
	size_t lineno = 0;
	size_t header_line = 0;
	bool in_advisory = false;
	int64_t source;
	int rc;

	rc = st_writer_source(ctx->writer, ST_SOURCE_DEBIAN_DSA, &source, err);
	if (rc < 0)
		return rc;
	/* Summaries and URLs come from one line of the file. */
	st_buf_init(&scratch, text.len + sizeof(DSA_TRACKER_URL) + 1);
	for (;;) {
		bool end = rest.len == 0;
		const char *start = rest.ptr;

		if (!end) {
			st_slice_split(&rest, '\n', &line);
			lineno++;
		}
		/* An advisory ends at the next line that starts in column 0. */
		if (!end && (line.len == 0 || is_blank(line.ptr[0]) || line.ptr[0] == '\r')) {
			if (!in_advisory && st_slice_trim(line).len > 0) {
				st_diag(ctx->diag, ST_DIAG_WARN, "%s: line %zu: indented line "
					"outside an advisory; skipped", ctx->name, lineno);
				ctx->stats->skipped++;
			}
			if (in_advisory)
				body.len = (size_t)(line.ptr + line.len - body.ptr);
			continue;
		}
		if (in_advisory) {
			rc = import_advisory(ctx, source, header, body, header_line, &scratch, err);
			if (rc < 0)
				break;
		}
		if (end)
			break;
		in_advisory = true;
		header = st_slice_trim(line);
		header_line = lineno;
		body = st_slice_make(start + line.len, 0);
	}
	st_buf_dispose(&scratch);
	return rc;
}
