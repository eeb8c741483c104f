/* Java archives (jar, war, ear and their kin): the parsers behind the java
 * cataloger, shared with its tests and fuzz target. Internal to
 * lib/inventory. */
#ifndef STRATA_INVENTORY_JAVA_INTERNAL_H
#define STRATA_INVENTORY_JAVA_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "inventory/inventory.h"

/* Separator between the outer file's path and each nested archive's path
 * inside its parent, in package paths, summaries and messages:
 * "srv/app.war:WEB-INF/lib/outer.jar:log4j-core.jar". */
#define ST_JAVA_LOCATION_SEP ':'

/* Longest group, artifact, version or license kept from one archive.
 * Longer values are garbage in practice and are dropped. */
#define ST_JAVA_FIELD_MAX 1024

/* The attributes of META-INF/MANIFEST.MF that identify an artifact.
 * Strings live in the arena given to the parser; NULL when absent. */
struct st_java_manifest {
	const char *implementation_title;
	const char *implementation_version;
	const char *implementation_vendor;
	const char *bundle_symbolic_name; /* without ";singleton:=true" and other directives */
	const char *bundle_version;
	const char *bundle_license;       /* main section only */
	const char *specification_title;
	const char *specification_version;
	const char *specification_vendor;
};

/* Parses manifest TEXT (JAR File Specification, "Manifest Specification"):
 * "Name: value" lines ended by CRLF, LF or CR, a line starting with one
 * space continues the previous value, and blank lines separate the main
 * section from per-entry sections. Attribute names match without regard
 * to case. The first value of each attribute wins, so the main section
 * goes before per-entry sections. Malformed lines are ignored, as the
 * manifest only serves as a hint. Returns 0 or STRATA_ENOMEM. */
int st_java_manifest_parse(struct st_java_manifest *m, struct st_slice text,
			   struct st_arena *arena, struct strata_error *err);

/* The coordinates in a META-INF/maven/GROUP/ARTIFACT/pom.properties. */
struct st_java_pom {
	const char *group_id;    /* NULL when absent */
	const char *artifact_id;
	const char *version;
};

/* Parses pom.properties TEXT in the java.util.Properties format: '#' and
 * '!' comments, "key=value", "key:value" or "key value", backslash escapes
 * (\uXXXX included) and continuation lines. Values lose their leading and
 * trailing blanks. Returns 0 or STRATA_ENOMEM. */
int st_java_pom_parse(struct st_java_pom *p, struct st_slice text, struct st_arena *arena,
		      struct strata_error *err);

/* Splits the base name of an archive without its extension, such as
 * "log4j-core-2.19.0", at the first '-' followed by a digit into *NAME
 * ("log4j-core") and *VERSION ("2.19.0"). Returns false, with *NAME the
 * whole STEM and *VERSION empty, when there is no such '-'. */
bool st_java_split_filename(struct st_slice stem, struct st_slice *name,
			    struct st_slice *version);

/* Returns true when NAME ends in an archive extension this cataloger reads:
 * .jar, .war, .ear, .par, .jpi, .hpi, .sar or .kar, in any case. */
bool st_java_is_archive_name(const char *name, size_t len);

/* Reads the zip archive CONTENT, the file META describes, as a stream and
 * appends one line per artifact found to OUT, in the summary format below,
 * at most LIM->summary_bytes in all. Nested archives are read into memory
 * and searched to LIM->archive_depth. A damaged archive, outer or nested,
 * is a warning on DIAG naming it and the rest goes on. Returns 0, or a
 * negative code (STRATA_ENOMEM, or CONTENT's read error) that must stop
 * the scan. */
int st_java_summarize(const struct st_walk_file *meta, struct st_stream *content,
		      struct st_buf *out, const struct strata_limits *lim, struct st_diag *diag,
		      struct strata_error *err);

/* One artifact of a summary. The slices point into the summary. */
struct st_java_artifact {
	struct st_slice method;   /* "pom", "manifest" or "filename" */
	struct st_slice location; /* nested path, ':'-separated, empty for the file itself */
	struct st_slice group;    /* may be empty */
	struct st_slice artifact;
	struct st_slice version;
	struct st_slice license;  /* may be empty */
};

/* Summary format: one line per artifact, six fields separated by tabs,
 * METHOD LOCATION GROUP ARTIFACT VERSION LICENSE, each free of control
 * characters. Sets *OUT to the next line of *REST and advances *REST.
 * Returns 1 for an artifact, 0 at the end, or -1 for a malformed line,
 * which is consumed. */
int st_java_summary_next(struct st_slice *rest, struct st_java_artifact *out);

#endif
