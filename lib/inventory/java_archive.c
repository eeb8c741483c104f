/* Reads a Java archive as a zip stream and reduces it to the list of
 * artifacts it contains, nested archives included (a jar in a war in an
 * ear). Nothing is extracted: the outer archive is read once through
 * libarchive's streaming zip reader, and each nested archive is read into
 * memory and searched from there. */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "inventory/java_internal.h"

/* Bytes pulled from the content stream per read. */
#define SOURCE_CHUNK (64u * 1024)
/* Bytes decompressed per archive_read_data call. */
#define DATA_CHUNK (16u * 1024)

/* The content stream as a libarchive client. */
struct stream_source {
	struct st_stream *stream;
	char *buf;
	struct strata_error err;
	int rc; /* the stream's error, which stops the scan */
};

/* One scan of an outer file and everything nested in it. */
struct scan {
	const struct strata_limits *lim;
	struct st_diag *diag;
	struct st_buf *out;
	struct stream_source *source;
	uint64_t entries;  /* archive entries read, all levels */
	uint64_t nested_bytes; /* bytes of nested archives held in memory */
	size_t dropped;    /* artifacts left out of the summary */
	bool entry_limit_warned;
};

/* One archive being read: the outer file or a nested one. */
struct level {
	struct archive *archive;
	struct st_arena arena;    /* strings of this level */
	const char *location;     /* path inside the outer file; "" for it */
	const char *label;        /* outer path and location, for messages */
	struct st_slice base;     /* file name of this archive */
	uint64_t size;            /* compressed bytes of this archive */
	uint64_t inflated;        /* bytes decompressed from its members */
	unsigned depth;           /* 0 for the outer file */
	bool stop;                /* damaged or over a limit: read no more */
	bool damaged;             /* a fatal read error, as in a truncated file */
	bool any_entry;           /* at least one entry was read */
	bool has_manifest;
	struct st_java_manifest manifest;
	struct st_java_pom *poms;
	size_t pom_count;
	size_t pom_cap;
};

static int scan_level(struct scan *sc, struct level *lv, struct strata_error *err);

static int oom(struct strata_error *err, const struct level *lv)
{
	return st_error_set(err, STRATA_ENOMEM, "%s: out of memory", lv->label);
}

static la_ssize_t source_read(struct archive *a, void *ctx, const void **out)
{
	struct stream_source *src = ctx;
	ssize_t n;

	n = st_stream_read(src->stream, src->buf, SOURCE_CHUNK, &src->err);
	if (n < 0) {
		src->rc = (int)n;
		archive_set_error(a, EIO, "%s", src->err.msg);
		return -1;
	}
	*out = src->buf;
	return n;
}

/* The error that stops the scan after a failed libarchive call: the
 * content stream's own error, if it failed, else none. */
static int source_failure(const struct scan *sc, struct strata_error *err)
{
	if (sc->source == NULL || sc->source->rc >= 0)
		return 0;
	if (err != NULL)
		*err = sc->source->err;
	return sc->source->rc;
}

static const char *archive_message(struct archive *a)
{
	const char *msg = archive_error_string(a);

	return msg != NULL ? msg : "unknown error";
}

/* Whether the decompressed bytes of LV's members exceed
 * lim->compression_ratio times the archive's own size.
 * NOTE: only the members read here count (manifests, pom.properties,
 * nested archives). libarchive still inflates a skipped deflated member
 * that has a data descriptor to find its end, which costs time but no
 * memory. */
static bool over_ratio(const struct scan *sc, const struct level *lv)
{
	uint64_t budget;

	if (__builtin_mul_overflow(lv->size, (uint64_t)sc->lim->compression_ratio, &budget))
		return false;
	return lv->inflated > budget;
}

/* Reads the data of the current entry NAME of LV into B, at most CAP
 * bytes; LIMIT names CAP in warnings. Returns 1 when B contains the member,
 * 0 when it was skipped with a warning, or a negative code. */
static int read_member(struct scan *sc, struct level *lv, struct archive_entry *e,
		       const char *name, uint64_t cap, const char *limit, struct st_buf *b,
		       struct strata_error *err)
{
	char *chunk = NULL;
	int rc = 1;

	st_buf_init(b, cap > SIZE_MAX ? SIZE_MAX : (size_t)cap);
	if (archive_entry_size_is_set(e) && (uint64_t)archive_entry_size(e) > cap) {
		st_diag(sc->diag, ST_DIAG_WARN, "%s: %s: %lld bytes, over %s (%llu bytes available), skipped",
			lv->label, name, (long long)archive_entry_size(e), limit,
			(unsigned long long)cap);
		return 0;
	}
	chunk = malloc(DATA_CHUNK);
	if (chunk == NULL)
		return oom(err, lv);
	for (;;) {
		struct strata_error berr;
		la_ssize_t n = archive_read_data(lv->archive, chunk, DATA_CHUNK);

		if (n == 0)
			break;
		if (n < 0) {
			rc = source_failure(sc, err);
			if (rc == 0 && n == ARCHIVE_FATAL)
				st_diag(sc->diag, ST_DIAG_WARN,
					"%s: %s: damaged zip archive (%s), the rest is skipped",
					lv->label, name, archive_message(lv->archive));
			else if (rc == 0)
				st_diag(sc->diag, ST_DIAG_WARN, "%s: %s: read failed (%s), skipped",
					lv->label, name, archive_message(lv->archive));
			if (n == ARCHIVE_FATAL)
				lv->stop = lv->damaged = true;
			break;
		}
		lv->inflated += (uint64_t)n;
		if (over_ratio(sc, lv)) {
			st_diag(sc->diag, ST_DIAG_WARN,
				"%s: %s: members decompress to more than compression_ratio (%u) "
				"times the archive size, archive skipped from here",
				lv->label, name, sc->lim->compression_ratio);
			lv->stop = true;
			rc = 0;
			break;
		}
		rc = st_buf_append(b, chunk, (size_t)n, &berr);
		if (rc == STRATA_ELIMIT) {
			st_diag(sc->diag, ST_DIAG_WARN, "%s: %s: over %s (%llu bytes available), skipped",
				lv->label, name, limit, (unsigned long long)cap);
			rc = 0;
			break;
		}
		if (rc < 0) {
			rc = oom(err, lv);
			break;
		}
		rc = 1;
	}
	free(chunk);
	if (rc <= 0)
		st_buf_dispose(b);
	return rc;
}

static bool name_is_nocase(const char *name, const char *want)
{
	size_t i;

	for (i = 0; name[i] != '\0' && want[i] != '\0'; i++) {
		char a = name[i];

		if (a >= 'a' && a <= 'z')
			a = (char)(a - 'a' + 'A');
		if (a != want[i])
			return false;
	}
	return name[i] == want[i];
}

/* META-INF/maven/GROUP/ARTIFACT/pom.properties: sets *GROUP and *ARTIFACT
 * to the two directory names. */
static bool is_pom_properties(const char *name, struct st_slice *group, struct st_slice *artifact)
{
	static const char prefix[] = "META-INF/maven/";
	static const char suffix[] = "/pom.properties";
	struct st_slice rest = st_slice_cstr(name);

	if (!st_slice_starts_with(rest, prefix) || rest.len < sizeof(prefix) + sizeof(suffix))
		return false;
	if (memcmp(rest.ptr + rest.len - (sizeof(suffix) - 1), suffix, sizeof(suffix) - 1) != 0)
		return false;
	rest.ptr += sizeof(prefix) - 1;
	rest.len -= sizeof(prefix) - 1 + sizeof(suffix) - 1;
	st_slice_split(&rest, '/', group);
	*artifact = rest;
	return group->len > 0 && artifact->len > 0 && memchr(rest.ptr, '/', rest.len) == NULL;
}

static bool same_string(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* Adds P to LV's artifacts unless it has no version or is there already.
 * A missing group or artifact comes from the directory names. */
static int add_pom(struct level *lv, struct st_java_pom *p, struct st_slice group,
		   struct st_slice artifact, struct strata_error *err)
{
	size_t i;

	if (p->group_id == NULL)
		p->group_id = st_arena_strndup(&lv->arena, group.ptr, group.len);
	if (p->artifact_id == NULL)
		p->artifact_id = st_arena_strndup(&lv->arena, artifact.ptr, artifact.len);
	if (p->group_id == NULL || p->artifact_id == NULL)
		return oom(err, lv);
	if (p->version == NULL)
		return 0;
	for (i = 0; i < lv->pom_count; i++) {
		const struct st_java_pom *q = &lv->poms[i];

		if (same_string(q->group_id, p->group_id) &&
		    same_string(q->artifact_id, p->artifact_id) && same_string(q->version, p->version))
			return 0;
	}
	if (lv->pom_count == lv->pom_cap) {
		size_t cap = lv->pom_cap ? lv->pom_cap * 2 : 4;
		struct st_java_pom *grown = st_reallocarray(lv->poms, cap, sizeof(*grown));

		if (grown == NULL)
			return oom(err, lv);
		lv->poms = grown;
		lv->pom_cap = cap;
	}
	lv->poms[lv->pom_count++] = *p;
	return 0;
}

static int visit_pom(struct scan *sc, struct level *lv, struct archive_entry *e,
		     const char *name, struct st_slice group, struct st_slice artifact,
		     struct strata_error *err)
{
	struct st_java_pom pom;
	struct st_buf text;
	int rc;

	rc = read_member(sc, lv, e, name, sc->lim->cataloged_file_bytes, "cataloged_file_bytes",
			 &text, err);
	if (rc <= 0)
		return rc;
	rc = st_java_pom_parse(&pom, st_slice_make(text.ptr, text.len), &lv->arena, err);
	if (rc == 0)
		rc = add_pom(lv, &pom, group, artifact, err);
	st_buf_dispose(&text);
	return rc;
}

static int visit_manifest(struct scan *sc, struct level *lv, struct archive_entry *e,
			  const char *name, struct strata_error *err)
{
	struct st_buf text;
	int rc;

	if (lv->has_manifest)
		return 0;
	rc = read_member(sc, lv, e, name, sc->lim->cataloged_file_bytes, "cataloged_file_bytes",
			 &text, err);
	if (rc <= 0)
		return rc;
	rc = st_java_manifest_parse(&lv->manifest, st_slice_make(text.ptr, text.len), &lv->arena,
				    err);
	lv->has_manifest = rc == 0;
	st_buf_dispose(&text);
	return rc;
}

/* Copies NAME into A with control characters replaced by '?', because a
 * location ends up in tab-separated summary lines and in messages. */
static char *clean_copy(struct st_arena *a, const char *prefix, const char *name)
{
	char *s;
	size_t i;

	if (prefix[0] != '\0')
		s = st_arena_printf(a, "%s%c%s", prefix, ST_JAVA_LOCATION_SEP, name);
	else
		s = st_arena_strdup(a, name);
	for (i = 0; s != NULL && s[i] != '\0'; i++) {
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			s[i] = '?';
	}
	return s;
}

static struct st_slice base_name(const char *path, size_t len)
{
	size_t start = len;

	while (start > 0 && path[start - 1] != '/')
		start--;
	return st_slice_make(path + start, len - start);
}

/* Reads the nested archive NAME of PARENT from memory and searches it. */
static int visit_nested(struct scan *sc, struct level *parent, struct archive_entry *e,
			const char *name, struct strata_error *err)
{
	struct level child;
	struct st_buf data;
	char *label;
	int rc;

	if (parent->depth >= sc->lim->archive_depth) {
		st_diag(sc->diag, ST_DIAG_WARN,
			"%s: %s: archive nested deeper than archive_depth (%u), skipped",
			parent->label, name, sc->lim->archive_depth);
		return 0;
	}
	rc = read_member(sc, parent, e, name, sc->lim->archive_member_bytes - sc->nested_bytes,
			 "archive_member_bytes", &data, err);
	if (rc <= 0)
		return rc;

	memset(&child, 0, sizeof(child));
	st_arena_init(&child.arena);
	child.depth = parent->depth + 1;
	child.size = data.len;
	child.location = clean_copy(&child.arena, parent->location, name);
	label = child.location == NULL ? NULL : st_arena_printf(&child.arena, "%s%c%s",
								 parent->label, ST_JAVA_LOCATION_SEP,
								 name);
	if (label == NULL) {
		rc = oom(err, parent);
		goto out;
	}
	child.label = clean_copy(&child.arena, "", label);
	if (child.label == NULL) {
		rc = oom(err, parent);
		goto out;
	}
	child.base = base_name(child.location, strlen(child.location));
	if (data.len == 0) {
		st_diag(sc->diag, ST_DIAG_WARN, "%s: empty archive, skipped", child.label);
		goto out;
	}

	child.archive = archive_read_new();
	if (child.archive == NULL) {
		rc = oom(err, parent);
		goto out;
	}
	/* Both zip readers: the seekable one reads the central directory, and
	 * the streaming one still reads a member whose directory is lost. */
	archive_read_support_format_zip(child.archive);
	if (archive_read_open_memory(child.archive, data.ptr, data.len) != ARCHIVE_OK) {
		st_diag(sc->diag, ST_DIAG_WARN, "%s: not a readable zip archive (%s), skipped",
			child.label, archive_message(child.archive));
		goto out;
	}
	sc->nested_bytes += data.len;
	rc = scan_level(sc, &child, err);
	sc->nested_bytes -= data.len;

out:
	if (child.archive != NULL)
		archive_read_free(child.archive);
	free(child.poms);
	st_arena_dispose(&child.arena);
	st_buf_dispose(&data);
	return rc;
}

static int visit_entry(struct scan *sc, struct level *lv, struct archive_entry *e,
		       struct strata_error *err)
{
	const char *name = archive_entry_pathname(e);
	struct st_slice group;
	struct st_slice artifact;

	if (name == NULL || archive_entry_filetype(e) != AE_IFREG)
		return 0;
	if (name_is_nocase(name, "META-INF/MANIFEST.MF"))
		return visit_manifest(sc, lv, e, name, err);
	if (is_pom_properties(name, &group, &artifact))
		return visit_pom(sc, lv, e, name, group, artifact, err);
	if (st_java_is_archive_name(name, strlen(name)))
		return visit_nested(sc, lv, e, name, err);
	return 0;
}

/* Summary lines ---------------------------------------------------------- */

/* A field fit for a summary line: no control characters, not too long. */
static bool field_ok(struct st_slice s)
{
	size_t i;

	if (s.len > ST_JAVA_FIELD_MAX)
		return false;
	for (i = 0; i < s.len; i++) {
		if ((unsigned char)s.ptr[i] < 0x20 || s.ptr[i] == 0x7f)
			return false;
	}
	return true;
}

static struct st_slice opt_slice(const char *s)
{
	return s != NULL ? st_slice_cstr(s) : st_slice_make("", 0);
}

/* Appends one summary line, or counts it as dropped when the summary
 * would exceed lim->summary_bytes. An artifact whose name or version is
 * unusable is left out; an unusable group or license is cleared. */
static int emit(struct scan *sc, const struct level *lv, const char *method,
		struct st_slice group, struct st_slice artifact, struct st_slice version,
		struct st_slice license, struct strata_error *err)
{
	struct st_buf line;
	struct strata_error berr;
	int rc;

	if (artifact.len == 0 || version.len == 0 || !field_ok(artifact) || !field_ok(version)) {
		st_diag(sc->diag, ST_DIAG_DEBUG, "%s: artifact without a usable name or version",
			lv->label);
		return 0;
	}
	if (!field_ok(group))
		group.len = 0;
	if (!field_ok(license))
		license.len = 0;

	st_buf_init(&line, SIZE_MAX);
	rc = st_buf_printf(&line, &berr, "%s\t%s\t%.*s\t%.*s\t%.*s\t%.*s\n", method, lv->location,
			   (int)group.len, group.ptr, (int)artifact.len, artifact.ptr,
			   (int)version.len, version.ptr, (int)license.len, license.ptr);
	if (rc < 0) {
		st_buf_dispose(&line);
		return oom(err, lv);
	}
	if (sc->out->len + line.len > sc->lim->summary_bytes) {
		sc->dropped++;
		rc = 0;
	} else {
		rc = st_buf_append(sc->out, line.ptr, line.len, &berr);
		if (rc == STRATA_ELIMIT) {
			sc->dropped++;
			rc = 0;
		} else if (rc < 0) {
			rc = oom(err, lv);
		}
	}
	st_buf_dispose(&line);
	return rc;
}

/* A title fit to serve as a name: one word, as "jackson-databind" is and
 * "Apache Commons Codec" is not. */
static bool is_word(const char *s)
{
	return s != NULL && s[0] != '\0' && strpbrk(s, " \t") == NULL;
}

static struct st_slice file_stem(const struct level *lv)
{
	struct st_slice stem = lv->base;

	if (st_java_is_archive_name(stem.ptr, stem.len))
		stem.len -= 4;
	return stem;
}

/* Whether the manifest license of LV belongs to pom artifact P: always
 * when LV holds one artifact, else (a shaded jar) only for the artifact
 * the file name or Bundle-SymbolicName names. */
static bool license_applies(const struct level *lv, const struct st_java_pom *p)
{
	const char *bsn = lv->manifest.bundle_symbolic_name;
	struct st_slice name;
	struct st_slice version;
	size_t glen;

	if (lv->pom_count == 1)
		return true;
	st_java_split_filename(file_stem(lv), &name, &version);
	if (st_slice_eq_cstr(name, p->artifact_id))
		return true;
	if (bsn == NULL)
		return false;
	if (strcmp(bsn, p->artifact_id) == 0)
		return true;
	glen = strlen(p->group_id);
	return strncmp(bsn, p->group_id, glen) == 0 && bsn[glen] == '.' &&
	       strcmp(bsn + glen + 1, p->artifact_id) == 0;
}

/* Without pom.properties: the name and version from the manifest and the
 * file name, as docs/catalogers.md describes. */
static int emit_identified(struct scan *sc, const struct level *lv, struct strata_error *err)
{
	const struct st_java_manifest *m = &lv->manifest;
	const char *from_manifest = NULL;
	struct st_slice fname;
	struct st_slice fversion;
	struct st_slice name;
	struct st_slice version = {"", 0};
	bool versioned;

	versioned = st_java_split_filename(file_stem(lv), &fname, &fversion);
	if (m->implementation_version != NULL)
		from_manifest = m->implementation_version;
	else if (m->bundle_version != NULL)
		from_manifest = m->bundle_version;
	else if (!versioned)
		from_manifest = m->specification_version;
	if (from_manifest != NULL)
		version = st_slice_cstr(from_manifest);
	else if (versioned)
		version = fversion;

	/* By Maven's convention, "NAME-VERSION.jar" names the artifactId. */
	if (versioned) {
		name = fname;
	} else if (m->bundle_symbolic_name != NULL) {
		name = st_slice_cstr(m->bundle_symbolic_name);
		from_manifest = m->bundle_symbolic_name;
	} else if (is_word(m->implementation_title)) {
		name = st_slice_cstr(m->implementation_title);
		from_manifest = m->implementation_title;
	} else {
		name = fname;
	}
	/* The name of a damaged file is no evidence that it holds an artifact. */
	if (from_manifest == NULL && lv->damaged)
		return 0;
	return emit(sc, lv, from_manifest != NULL ? "manifest" : "filename", st_slice_make("", 0),
		    name, version, opt_slice(m->bundle_license), err);
}

static int emit_artifacts(struct scan *sc, const struct level *lv, struct strata_error *err)
{
	size_t i;
	int rc;

	if (lv->pom_count == 0)
		return emit_identified(sc, lv, err);
	for (i = 0; i < lv->pom_count; i++) {
		const struct st_java_pom *p = &lv->poms[i];
		struct st_slice license = {"", 0};

		if (license_applies(lv, p))
			license = opt_slice(lv->manifest.bundle_license);
		rc = emit(sc, lv, "pom", st_slice_cstr(p->group_id), st_slice_cstr(p->artifact_id),
			  st_slice_cstr(p->version), license, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Reading one archive ------------------------------------------------------ */

/* Counts one more entry read; false once that passes lim->archive_entries. */
static bool count_entry(struct scan *sc, const struct level *lv)
{
	if (sc->entries < sc->lim->archive_entries) {
		sc->entries++;
		return true;
	}
	if (!sc->entry_limit_warned)
		st_diag(sc->diag, ST_DIAG_WARN,
			"%s: more than archive_entries (%llu) entries, the rest is skipped",
			lv->label, (unsigned long long)sc->lim->archive_entries);
	sc->entry_limit_warned = true;
	return false;
}

/* Reads every entry of LV, then adds its artifacts to the summary, unless
 * not even one entry could be read. */
static int scan_level(struct scan *sc, struct level *lv, struct strata_error *err)
{
	struct archive_entry *e;
	int rc = 0;

	while (!lv->stop) {
		int r = archive_read_next_header(lv->archive, &e);

		if (r == ARCHIVE_EOF || !count_entry(sc, lv))
			break;
		if (r < ARCHIVE_WARN) {
			rc = source_failure(sc, err);
			if (rc < 0)
				return rc;
			st_diag(sc->diag, ST_DIAG_WARN, "%s: %s (%s)%s", lv->label,
				lv->any_entry ? "damaged zip archive" : "not a readable zip archive",
				archive_message(lv->archive),
				lv->any_entry ? ", the rest is skipped" : ", skipped");
			if (r == ARCHIVE_FATAL) {
				lv->damaged = true;
				break;
			}
			continue;
		}
		lv->any_entry = true;
		rc = visit_entry(sc, lv, e, err);
		if (rc < 0)
			return rc;
	}
	if (!lv->any_entry)
		return 0;
	return emit_artifacts(sc, lv, err);
}

int st_java_summarize(const struct st_walk_file *meta, struct st_stream *content,
		      struct st_buf *out, const struct strata_limits *lim, struct st_diag *diag,
		      struct strata_error *err)
{
	struct stream_source source = {content, NULL, {0}, 0};
	struct scan sc = {lim, diag, out, &source, 0, 0, 0, false};
	struct level lv;
	int rc = 0;

	memset(&lv, 0, sizeof(lv));
	st_arena_init(&lv.arena);
	lv.location = "";
	lv.size = meta->size;
	lv.label = st_arena_strndup(&lv.arena, meta->path, meta->path_len);
	if (lv.label == NULL) {
		rc = st_error_set(err, STRATA_ENOMEM, "java archive: out of memory");
		goto out;
	}
	lv.base = base_name(lv.label, strlen(lv.label));
	if (meta->size == 0) {
		st_diag(diag, ST_DIAG_WARN, "%s: empty archive, skipped", lv.label);
		goto out;
	}

	source.buf = malloc(SOURCE_CHUNK);
	lv.archive = archive_read_new();
	if (source.buf == NULL || lv.archive == NULL) {
		rc = oom(err, &lv);
		goto out;
	}
	/* NOTE: the streaming reader needs the zip to start with a local
	 * header, so a jar behind a launcher script (Spring Boot "fully
	 * executable" jars) is reported as unreadable when it is the outer
	 * file. Nested archives are read with the central directory. */
	archive_read_support_format_zip_streamable(lv.archive);
	if (archive_read_open(lv.archive, &source, NULL, source_read, NULL) != ARCHIVE_OK) {
		rc = source_failure(&sc, err);
		if (rc == 0)
			st_diag(diag, ST_DIAG_WARN, "%s: not a readable zip archive (%s), skipped",
				lv.label, archive_message(lv.archive));
		goto out;
	}
	rc = scan_level(&sc, &lv, err);
	if (rc == 0 && sc.dropped > 0)
		st_diag(diag, ST_DIAG_WARN, "%s: summary_bytes (%llu) reached, %zu artifacts left out",
			lv.label, (unsigned long long)lim->summary_bytes, sc.dropped);

out:
	if (lv.archive != NULL)
		archive_read_free(lv.archive);
	free(lv.poms);
	free(source.buf);
	st_arena_dispose(&lv.arena);
	return rc;
}
