/* XML feed reading shared by the OVAL and Amazon importers: detection by
 * root element, a hardened libxml2 text reader, and subtree helpers (see
 * xml_feed.h for the safety rules). */
#include <limits.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include "vuln/xml_feed.h"

/* Prolog ---------------------------------------------------------------- */

static bool is_xml_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Advances *POS past the first END at or after it. */
static bool skip_past(struct st_slice text, size_t *pos, const char *end)
{
	size_t n = strlen(end);

	while (*pos + n <= text.len) {
		if (memcmp(text.ptr + *pos, end, n) == 0) {
			*pos += n;
			return true;
		}
		(*pos)++;
	}
	return false;
}

static bool has_at(struct st_slice text, size_t pos, const char *s)
{
	size_t n = strlen(s);

	return pos <= text.len && text.len - pos >= n && memcmp(text.ptr + pos, s, n) == 0;
}

/* Sets *NAME to the local part (after any "prefix:") of the XML name at
 * POS. */
static void read_name(struct st_slice text, size_t pos, struct st_slice *name)
{
	size_t start = pos;

	while (pos < text.len && !is_xml_space(text.ptr[pos]) && text.ptr[pos] != '>' &&
	       text.ptr[pos] != '/' && text.ptr[pos] != '[')
		pos++;
	*name = st_slice_make(text.ptr + start, pos - start);
	for (pos = name->len; pos > 0; pos--) {
		if (name->ptr[pos - 1] == ':') {
			*name = st_slice_make(name->ptr + pos, name->len - pos);
			break;
		}
	}
}

/* Walks the prolog (XML 1.0 section 2.8: an optional byte order mark and
 * XML declaration, then comments, processing instructions and white
 * space, and at most one document type declaration) up to the root
 * element. Sets *ROOT to the root element's local name, or to the name in
 * the document type declaration when there is one (*DOCTYPE). Returns
 * false for text that is not an XML document in UTF-8. */
static bool scan_prolog(struct st_slice text, struct st_slice *root, bool *doctype)
{
	size_t pos = 0;

	*doctype = false;
	if (has_at(text, 0, "\xef\xbb\xbf"))
		pos = 3;
	for (;;) {
		while (pos < text.len && is_xml_space(text.ptr[pos]))
			pos++;
		if (has_at(text, pos, "<?")) {
			if (!skip_past(text, &pos, "?>"))
				return false;
		} else if (has_at(text, pos, "<!--")) {
			if (!skip_past(text, &pos, "-->"))
				return false;
		} else if (has_at(text, pos, "<!DOCTYPE")) {
			pos += strlen("<!DOCTYPE");
			while (pos < text.len && is_xml_space(text.ptr[pos]))
				pos++;
			*doctype = true;
			read_name(text, pos, root);
			return root->len > 0;
		} else if (pos < text.len && text.ptr[pos] == '<' && pos + 1 < text.len &&
			   text.ptr[pos + 1] != '!' && text.ptr[pos + 1] != '?') {
			read_name(text, pos + 1, root);
			return root->len > 0;
		} else {
			return false;
		}
	}
}

int st_xml_feed_detect(struct st_slice text)
{
	struct st_slice root;
	bool doctype;

	if (!scan_prolog(text, &root, &doctype))
		return ST_FEED_UNKNOWN;
	if (st_slice_eq_cstr(root, "oval_definitions"))
		return ST_FEED_OVAL;
	if (st_slice_eq_cstr(root, "updates"))
		return ST_FEED_UPDATEINFO;
	if (st_slice_eq_cstr(root, "rss"))
		return ST_FEED_ALAS_RSS;
	return ST_FEED_UNKNOWN;
}

/* Reader ---------------------------------------------------------------- */

/* Keeps the first error of the document as one line of text. libxml2 would
 * otherwise print it on stderr, and the library never prints. */
static void record_error(void *ctx, xmlErrorPtr e)
{
	struct st_xml_reader *r = ctx;
	size_t i;

	/* Warnings (a relative namespace URI) do not make a document invalid. */
	if (r->error[0] != '\0' || e == NULL || e->level == XML_ERR_WARNING)
		return;
	r->error_line = e->line;
	snprintf(r->error, sizeof(r->error), "%s", e->message ? e->message : "syntax error");
	for (i = 0; r->error[i] != '\0'; i++) {
		if ((unsigned char)r->error[i] < 0x20)
			r->error[i] = ' ';
	}
	i = strlen(r->error);
	while (i > 0 && r->error[i - 1] == ' ')
		r->error[--i] = '\0';
}

int st_xml_open(struct st_xml_reader *r, struct st_slice text, const char *name,
		const struct strata_limits *lim, struct strata_error *err)
{
	/* No XML_PARSE_NOENT (entity substitution), XML_PARSE_DTDLOAD,
	 * XML_PARSE_DTDATTR or XML_PARSE_HUGE: libxml2 keeps its own depth
	 * and text size limits, and never reads anything outside TEXT. */
	const int options = XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_NOBLANKS |
			    XML_PARSE_NOWARNING | XML_PARSE_NOERROR;
	struct st_slice root;
	bool doctype;

	memset(r, 0, sizeof(*r));
	r->name = name;
	r->max_depth = lim->json_depth;
	if (text.len > lim->feed_file_bytes || text.len > INT_MAX)
		return st_error_set(err, STRATA_ELIMIT, "%s: %zu bytes, over feed_file_bytes (%llu)",
				    name, text.len, (unsigned long long)lim->feed_file_bytes);
	if (!scan_prolog(text, &root, &doctype))
		return st_error_set(err, STRATA_ECORRUPT, "%s: not an XML document in UTF-8", name);
	if (doctype)
		return st_error_set(err, STRATA_EUNSUPPORTED,
				    "%s: document type declaration rejected: feeds need no DTD, "
				    "and entities are not expanded", name);

	xmlInitParser();
	/* The encoding is fixed to UTF-8 so that libxml2 reads the bytes that
	 * scan_prolog checked. NOTE: a feed in another encoding fails. */
	r->reader = xmlReaderForMemory(text.ptr, (int)text.len, NULL, "UTF-8", options);
	if (r->reader == NULL)
		return st_error_set(err, STRATA_ENOMEM, "%s: cannot create an XML reader", name);
	xmlTextReaderSetStructuredErrorHandler(r->reader, record_error, r);
	return 0;
}

void st_xml_close(struct st_xml_reader *r)
{
	if (r->reader != NULL)
		xmlFreeTextReader(r->reader);
	r->reader = NULL;
}

static int syntax_error(struct st_xml_reader *r, struct strata_error *err)
{
	if (r->error[0] == '\0')
		return st_error_set(err, STRATA_ECORRUPT, "%s: invalid XML", r->name);
	return st_error_set(err, STRATA_ECORRUPT, "%s: invalid XML at line %d: %s", r->name,
			    r->error_line, r->error);
}

int st_xml_read(struct st_xml_reader *r, bool skip, struct strata_error *err)
{
	int rc;
	int depth;

	rc = skip ? xmlTextReaderNext(r->reader) : xmlTextReaderRead(r->reader);
	if (rc < 0 || r->error[0] != '\0')
		return syntax_error(r, err);
	if (rc == 0)
		return 0;
	/* scan_prolog rejects these; this guards against any disagreement. */
	if (xmlTextReaderNodeType(r->reader) == XML_READER_TYPE_DOCUMENT_TYPE)
		return st_error_set(err, STRATA_EUNSUPPORTED,
				    "%s: document type declaration rejected", r->name);
	depth = xmlTextReaderDepth(r->reader);
	if (depth < 0 || (unsigned)depth > r->max_depth)
		return st_error_set(err, STRATA_ELIMIT, "%s: elements nested deeper than %u "
				    "(json_depth)", r->name, r->max_depth);
	return 1;
}

bool st_xml_at(struct st_xml_reader *r, int depth, const char *name)
{
	const xmlChar *local;

	if (xmlTextReaderNodeType(r->reader) != XML_READER_TYPE_ELEMENT ||
	    xmlTextReaderDepth(r->reader) != depth)
		return false;
	local = xmlTextReaderConstLocalName(r->reader);
	return local != NULL && strcmp((const char *)local, name) == 0;
}

/* Returns the number of element levels below N, stopping at LIMIT + 1. */
static unsigned subtree_depth(const xmlNode *n, unsigned limit)
{
	unsigned max = 0;
	const xmlNode *c;

	if (limit == 0)
		return 1;
	for (c = n->children; c != NULL; c = c->next) {
		unsigned d;

		if (c->type != XML_ELEMENT_NODE)
			continue;
		d = 1 + subtree_depth(c, limit - 1);
		if (d > max)
			max = d;
		if (max > limit)
			break;
	}
	return max;
}

xmlNode *st_xml_expand(struct st_xml_reader *r, struct strata_error *err)
{
	xmlNode *n = xmlTextReaderExpand(r->reader);
	int depth = xmlTextReaderDepth(r->reader);
	unsigned room;

	if (n == NULL || r->error[0] != '\0') {
		syntax_error(r, err);
		return NULL;
	}
	/* The reader checked the depth of the nodes it stepped on, but not of
	 * the subtree it just built. The walk is bounded by libxml2's own
	 * nesting limit (256 levels without XML_PARSE_HUGE). */
	room = depth < 0 || (unsigned)depth > r->max_depth ? 0 : r->max_depth - (unsigned)depth;
	if (subtree_depth(n, room) > room) {
		st_error_set(err, STRATA_ELIMIT, "%s: elements nested deeper than %u (json_depth)",
			     r->name, r->max_depth);
		return NULL;
	}
	return n;
}

/* Subtrees -------------------------------------------------------------- */

bool st_xml_is(const xmlNode *n, const char *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE && n->name != NULL &&
	       strcmp((const char *)n->name, name) == 0;
}

xmlNode *st_xml_next_element(xmlNode *n)
{
	for (n = n->next; n != NULL; n = n->next) {
		if (n->type == XML_ELEMENT_NODE)
			return n;
	}
	return NULL;
}

xmlNode *st_xml_first_element(xmlNode *n)
{
	xmlNode *c;

	for (c = n->children; c != NULL; c = c->next) {
		if (c->type == XML_ELEMENT_NODE)
			return c;
	}
	return NULL;
}

xmlNode *st_xml_child(xmlNode *n, const char *name)
{
	xmlNode *c;

	if (n == NULL)
		return NULL;
	for (c = st_xml_first_element(n); c != NULL; c = st_xml_next_element(c)) {
		if (st_xml_is(c, name))
			return c;
	}
	return NULL;
}

/* Copies VALUE (from libxml2, freed here) into S, trimmed when TRIM. */
static const char *keep(struct st_xml_strings *s, xmlChar *value, bool trim)
{
	struct st_slice text;
	const char *copy;

	if (value == NULL)
		return NULL;
	text = st_slice_cstr((const char *)value);
	if (trim)
		text = st_slice_trim(text);
	copy = st_arena_strndup(&s->arena, text.ptr, text.len);
	xmlFree(value);
	if (copy == NULL)
		s->oom = true;
	return copy;
}

const char *st_xml_attr(struct st_xml_strings *s, const xmlNode *n, const char *name)
{
	if (n == NULL || xmlHasProp(n, (const xmlChar *)name) == NULL)
		return NULL;
	return keep(s, xmlGetProp(n, (const xmlChar *)name), false);
}

const char *st_xml_text(struct st_xml_strings *s, const xmlNode *n)
{
	if (n == NULL)
		return NULL;
	return keep(s, xmlNodeGetContent(n), true);
}

/* Vendor words ------------------------------------------------------------ */

int st_xml_vendor_severity(const char *word)
{
	static const struct {
		const char *word;
		int severity;
	} words[] = {
		{"critical", ST_SEVERITY_CRITICAL},  {"important", ST_SEVERITY_HIGH},
		{"high", ST_SEVERITY_HIGH},          {"moderate", ST_SEVERITY_MEDIUM},
		{"medium", ST_SEVERITY_MEDIUM},      {"low", ST_SEVERITY_LOW},
		{"negligible", ST_SEVERITY_NEGLIGIBLE},
	};
	size_t i;

	if (word == NULL)
		return ST_SEVERITY_UNKNOWN;
	for (i = 0; i < ST_ARRAY_LEN(words); i++) {
		if (strcasecmp(word, words[i].word) == 0)
			return words[i].severity;
	}
	return ST_SEVERITY_UNKNOWN;
}

static size_t count_digits(const char *s)
{
	size_t n = 0;

	while (s[n] >= '0' && s[n] <= '9')
		n++;
	return n;
}

const char *st_xml_find_cve(struct st_xml_strings *strings, const char *s)
{
	const char *p;
	size_t year;
	size_t seq;
	char *copy;

	for (p = s ? strstr(s, "CVE-") : NULL; p != NULL; p = strstr(p + 1, "CVE-")) {
		year = count_digits(p + 4);
		if (year != 4 || p[8] != '-')
			continue;
		seq = count_digits(p + 9);
		if (seq < 4 || seq > 19)
			continue;
		copy = st_arena_strndup(&strings->arena, p, 9 + seq);
		if (copy == NULL)
			strings->oom = true;
		return copy;
	}
	return NULL;
}
