/* XML reading shared by the OVAL and Amazon importers: a libxml2 text
 * reader set up for hostile feeds, and small helpers over the subtree of
 * one record (an OVAL definition, an updateinfo update, an RSS item).
 *
 * The reader never loads a DTD, never substitutes or fetches entities and
 * never uses the network. A document with a document type declaration is
 * rejected before libxml2 parses it, so no entity can be declared. Only the
 * five predefined entities and character references remain.
 * Only one record's subtree exists as a tree at a time, because the text
 * reader frees the nodes it has moved past. */
#ifndef STRATA_VULN_XML_FEED_H
#define STRATA_VULN_XML_FEED_H

#include <libxml/tree.h>
#include <libxml/xmlreader.h>

#include "vuln/vuln_internal.h"

/* A streaming reader over one document held in memory. */
struct st_xml_reader {
	xmlTextReaderPtr reader;
	const char *name;   /* the file, for messages */
	unsigned max_depth; /* element nesting bound (limits json_depth) */
	char error[160];    /* first libxml2 error, one line */
	int error_line;
};

/* Opens a reader on TEXT, which must stay valid until st_xml_close. NAME
 * labels messages. Fails with STRATA_EUNSUPPORTED for a document with a
 * document type declaration, STRATA_ELIMIT over feed_file_bytes, and
 * STRATA_ECORRUPT for text that does not start like an XML document. */
int st_xml_open(struct st_xml_reader *r, struct st_slice text, const char *name,
		const struct strata_limits *lim, struct strata_error *err);
void st_xml_close(struct st_xml_reader *r);

/* Moves to the next node in document order, or with SKIP past the subtree
 * of the current node. Returns 1 on a node, 0 at the end of the document,
 * or STRATA_ECORRUPT naming the line of a syntax error (a truncated
 * document included) and STRATA_ELIMIT for nesting over max_depth. */
int st_xml_read(struct st_xml_reader *r, bool skip, struct strata_error *err);

/* Returns true when the reader is on the start tag of element NAME (local
 * name, any namespace) at DEPTH (the root element is at depth 0). */
bool st_xml_at(struct st_xml_reader *r, int depth, const char *name);

/* Builds the subtree of the current element and returns it. The tree
 * belongs to the reader and is freed once the reader moves past it.
 * Returns NULL with ERR set on a syntax error inside the subtree. */
xmlNode *st_xml_expand(struct st_xml_reader *r, struct strata_error *err);

/* Strings copied out of a subtree. A failed copy sets OOM and returns
 * NULL, so that a caller checks OOM once per record. */
struct st_xml_strings {
	struct st_arena arena;
	bool oom;
};

/* Returns true when N is an element with local name NAME. */
bool st_xml_is(const xmlNode *n, const char *name);
/* First element child of N named NAME, or NULL. */
xmlNode *st_xml_child(xmlNode *n, const char *name);
/* The element sibling after N (any name), or NULL. */
xmlNode *st_xml_next_element(xmlNode *n);
/* First element child of N (any name), or NULL. */
xmlNode *st_xml_first_element(xmlNode *n);

/* Attribute NAME of N copied into S, or NULL when absent. */
const char *st_xml_attr(struct st_xml_strings *s, const xmlNode *n, const char *name);
/* Text content of N with leading and trailing white space removed, in S;
 * NULL when N is NULL. */
const char *st_xml_text(struct st_xml_strings *s, const xmlNode *n);

/* Maps a vendor's severity word, in any case: "critical" CRITICAL,
 * "important" or "high" HIGH, "moderate" or "medium" MEDIUM, "low" LOW,
 * "negligible" NEGLIGIBLE, anything else UNKNOWN. */
int st_xml_vendor_severity(const char *word);

/* Returns the first CVE id ("CVE-" 4 digits "-" 4 or more digits) in S,
 * copied into STRINGS, or NULL when S names none. */
const char *st_xml_find_cve(struct st_xml_strings *strings, const char *s);

#endif
