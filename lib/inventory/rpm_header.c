/* rpm header blobs as the rpm database stores them. The layout is the
 * header structure of rpm's docs/manual/format_header.md without its
 * 8-byte magic. A big-endian entry count IL and data size DL come first,
 * then IL index entries of 16 bytes (tag, type, offset into the data
 * store, count), then DL bytes of data. */
#include <stdlib.h>
#include <string.h>

#include "inventory/rpm_internal.h"

#define INDEX_ENTRY_SIZE 16
#define PREAMBLE_SIZE 8

/* Entry types (rpmTagType_e in rpm's include/rpm/rpmtag.h). */
enum {
	TYPE_NULL = 0,
	TYPE_CHAR = 1,
	TYPE_INT8 = 2,
	TYPE_INT16 = 3,
	TYPE_INT32 = 4,
	TYPE_INT64 = 5,
	TYPE_STRING = 6,
	TYPE_BIN = 7,
	TYPE_STRING_ARRAY = 8,
	TYPE_I18NSTRING = 9,
	TYPE_MAX = TYPE_I18NSTRING,
};

/* The tags strata reads (rpmTag_e in rpm's include/rpm/rpmtag.h). */
enum {
	TAG_NAME = 1000,
	TAG_VERSION = 1001,
	TAG_RELEASE = 1002,
	TAG_EPOCH = 1003,
	TAG_VENDOR = 1011,
	TAG_LICENSE = 1014,
	TAG_ARCH = 1022,
	TAG_OLDFILENAMES = 1027,
	TAG_SOURCERPM = 1044,
	TAG_DIRINDEXES = 1116,
	TAG_BASENAMES = 1117,
	TAG_DIRNAMES = 1118,
	TAG_MODULARITYLABEL = 5096,
};

struct entry {
	uint32_t tag;
	uint32_t type;
	uint32_t offset;
	uint32_t count;
};

struct header {
	struct st_slice store;
	const unsigned char *index;
	uint32_t entries;
};

static struct entry read_entry(const struct header *h, uint32_t i)
{
	const unsigned char *p = h->index + (size_t)i * INDEX_ENTRY_SIZE;
	struct entry e;

	e.tag = st_be32(p);
	e.type = st_be32(p + 4);
	e.offset = st_be32(p + 8);
	e.count = st_be32(p + 12);
	return e;
}

static size_t type_size(uint32_t type)
{
	switch (type) {
	case TYPE_INT16:
		return 2;
	case TYPE_INT32:
		return 4;
	case TYPE_INT64:
		return 8;
	case TYPE_CHAR:
	case TYPE_INT8:
	case TYPE_BIN:
		return 1;
	default:
		return 0; /* NULL and the string types: no fixed size */
	}
}

/* The checks every entry gets, in O(1): a known type, an offset inside
 * the data store aligned for its type, and fixed-size data that fits. */
static int check_entry(const struct header *h, const struct entry *e, uint32_t i,
		       struct strata_error *err)
{
	size_t size = type_size(e->type);
	size_t len;
	size_t end;

	if (e->type > TYPE_MAX)
		return st_error_set(err, STRATA_ECORRUPT, "entry %u (tag %u) has unknown type %u",
				    i, e->tag, e->type);
	if (e->type == TYPE_NULL)
		return 0;
	if (e->count == 0)
		return st_error_set(err, STRATA_ECORRUPT, "entry %u (tag %u) has count 0", i,
				    e->tag);
	if (e->offset >= h->store.len)
		return st_error_set(err, STRATA_ECORRUPT,
				    "entry %u (tag %u) offset %u is outside the %zu-byte data store",
				    i, e->tag, e->offset, h->store.len);
	if (size > 1 && e->offset % size != 0)
		return st_error_set(err, STRATA_ECORRUPT, "entry %u (tag %u) offset %u is misaligned",
				    i, e->tag, e->offset);
	if (size == 0)
		return 0;
	if (!st_mul_size(size, e->count, &len) || !st_add_size(e->offset, len, &end) ||
	    end > h->store.len)
		return st_error_set(err, STRATA_ECORRUPT,
				    "entry %u (tag %u) data runs past the data store", i, e->tag);
	return 0;
}

/* Measures COUNT NUL-terminated strings from OFFSET; false when the store
 * ends first. */
static bool measure_strings(const struct header *h, uint32_t offset, uint32_t count,
			    size_t *len)
{
	size_t pos = offset;
	uint32_t n;

	for (n = 0; n < count; n++) {
		const char *nul = memchr(h->store.ptr + pos, '\0', h->store.len - pos);

		if (nul == NULL)
			return false;
		pos = (size_t)(nul - h->store.ptr) + 1;
	}
	*len = pos - offset;
	return true;
}

/* Finds the last entry with TAG: rpm lets later ("dribble") entries
 * replace earlier region entries of the same tag. */
static bool find_tag(const struct header *h, uint32_t tag, struct entry *out)
{
	bool found = false;
	uint32_t i;

	for (i = 0; i < h->entries; i++) {
		struct entry e = read_entry(h, i);

		if (e.tag == tag) {
			*out = e;
			found = true;
		}
	}
	return found;
}

/* Reads the text field TAG: a STRING, or the first string of an
 * I18NSTRING (translated fields). An absent tag leaves *OUT empty. */
static int get_text(const struct header *h, uint32_t tag, struct st_slice *out,
		    struct strata_error *err)
{
	struct entry e;
	size_t len;

	*out = st_slice_make("", 0);
	if (!find_tag(h, tag, &e))
		return 0;
	if (e.type != TYPE_STRING && e.type != TYPE_I18NSTRING)
		return st_error_set(err, STRATA_ECORRUPT, "tag %u has type %u, not a string", tag,
				    e.type);
	if (e.type == TYPE_STRING && e.count != 1)
		return st_error_set(err, STRATA_ECORRUPT, "string tag %u has count %u", tag,
				    e.count);
	if (!measure_strings(h, e.offset, 1, &len))
		return st_error_set(err, STRATA_ECORRUPT, "string tag %u is not NUL-terminated",
				    tag);
	*out = st_slice_make(h->store.ptr + e.offset, len - 1);
	return 0;
}

static int get_epoch(const struct header *h, struct st_rpm_header *out,
		     struct strata_error *err)
{
	struct entry e;

	if (!find_tag(h, TAG_EPOCH, &e))
		return 0;
	if (e.type != TYPE_INT32)
		return st_error_set(err, STRATA_ECORRUPT, "epoch tag has type %u, not int32",
				    e.type);
	out->epoch = st_be32((const unsigned char *)h->store.ptr + e.offset);
	out->has_epoch = true;
	return 0;
}

/* Reads the STRING_ARRAY TAG; *COUNT is 0 when it is absent. */
static int get_array(const struct header *h, uint32_t tag, struct st_slice *out,
		     size_t *count, struct strata_error *err)
{
	struct entry e;
	size_t len;

	*out = st_slice_make("", 0);
	*count = 0;
	if (!find_tag(h, tag, &e))
		return 0;
	if (e.type != TYPE_STRING_ARRAY)
		return st_error_set(err, STRATA_ECORRUPT, "tag %u has type %u, not a string array",
				    tag, e.type);
	if (!measure_strings(h, e.offset, e.count, &len))
		return st_error_set(err, STRATA_ECORRUPT,
				    "string array tag %u runs past the data store", tag);
	*out = st_slice_make(h->store.ptr + e.offset, len);
	*count = e.count;
	return 0;
}

/* Checks that every directory index names one of DIR_COUNT directories. */
static bool dir_indexes_valid(struct st_slice indexes, size_t count, size_t dir_count)
{
	size_t i;

	for (i = 0; i < count; i++) {
		if (st_be32((const unsigned char *)indexes.ptr + i * 4) >= dir_count)
			return false;
	}
	return true;
}

/* The file list is BASENAMES with a directory for each (DIRINDEXES into
 * DIRNAMES), or the OLDFILENAMES of headers from before rpm 4.0. A list
 * whose parts disagree leaves files_valid false but is no header error:
 * the package is still known. */
static int get_files(const struct header *h, struct st_rpm_header *out,
		     struct strata_error *err)
{
	struct entry e;
	size_t count;
	int rc;

	rc = get_array(h, TAG_BASENAMES, &out->basenames, &count, err);
	if (rc == 0)
		rc = get_array(h, TAG_DIRNAMES, &out->dirnames, &out->dir_count, err);
	if (rc < 0)
		return rc;
	if (count == 0) {
		rc = get_array(h, TAG_OLDFILENAMES, &out->basenames, &count, err);
		if (rc < 0)
			return rc;
		out->old_filenames = count > 0;
		out->file_count = count;
		out->files_valid = true;
		return 0;
	}
	if (!find_tag(h, TAG_DIRINDEXES, &e) || e.type != TYPE_INT32 || e.count != count ||
	    out->dir_count == 0)
		return 0;
	out->dirindexes = st_slice_make(h->store.ptr + e.offset, (size_t)e.count * 4);
	if (!dir_indexes_valid(out->dirindexes, count, out->dir_count))
		return 0;
	out->file_count = count;
	out->files_valid = true;
	return 0;
}

/* Checks the preamble and the size, and locates the index and the store. */
static int open_header(struct header *h, struct st_slice blob, struct strata_error *err)
{
	const unsigned char *p = (const unsigned char *)blob.ptr;
	uint32_t il;
	uint32_t dl;
	size_t index_len;
	size_t total;

	if (blob.len < PREAMBLE_SIZE)
		return st_error_set(err, STRATA_ECORRUPT, "header of %zu bytes is truncated",
				    blob.len);
	il = st_be32(p);
	dl = st_be32(p + 4);
	if (il == 0)
		return st_error_set(err, STRATA_ECORRUPT, "header has no index entries");
	if (il > ST_RPM_HEADER_MAX_ENTRIES)
		return st_error_set(err, STRATA_ELIMIT,
				    "header has %u index entries, over the maximum of %u", il,
				    ST_RPM_HEADER_MAX_ENTRIES);
	if (dl > ST_RPM_HEADER_MAX_DATA)
		return st_error_set(err, STRATA_ELIMIT,
				    "header data store of %u bytes is over the maximum of %u", dl,
				    ST_RPM_HEADER_MAX_DATA);
	index_len = (size_t)il * INDEX_ENTRY_SIZE;
	total = PREAMBLE_SIZE + index_len + dl;
	if (blob.len != total)
		return st_error_set(err, STRATA_ECORRUPT,
				    "header is %zu bytes but its index and data store make %zu",
				    blob.len, total);
	h->index = p + PREAMBLE_SIZE;
	h->entries = il;
	h->store = st_slice_make(blob.ptr + PREAMBLE_SIZE + index_len, dl);
	return 0;
}

int st_rpm_header_parse(struct st_rpm_header *out, struct st_slice blob,
			struct strata_error *err)
{
	static const struct {
		uint32_t tag;
		size_t field;
	} text_tags[] = {
		{TAG_NAME, offsetof(struct st_rpm_header, name)},
		{TAG_VERSION, offsetof(struct st_rpm_header, version)},
		{TAG_RELEASE, offsetof(struct st_rpm_header, release)},
		{TAG_ARCH, offsetof(struct st_rpm_header, arch)},
		{TAG_SOURCERPM, offsetof(struct st_rpm_header, sourcerpm)},
		{TAG_LICENSE, offsetof(struct st_rpm_header, license)},
		{TAG_VENDOR, offsetof(struct st_rpm_header, vendor)},
		{TAG_MODULARITYLABEL, offsetof(struct st_rpm_header, modularity_label)},
	};
	struct header h = {{NULL, 0}, NULL, 0};
	uint32_t i;
	size_t t;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = open_header(&h, blob, err);
	if (rc < 0)
		return rc;
	for (i = 0; i < h.entries; i++) {
		struct entry e = read_entry(&h, i);

		rc = check_entry(&h, &e, i, err);
		if (rc < 0)
			return rc;
	}
	for (t = 0; t < ST_ARRAY_LEN(text_tags); t++) {
		struct st_slice *field = (struct st_slice *)((char *)out + text_tags[t].field);

		rc = get_text(&h, text_tags[t].tag, field, err);
		if (rc < 0)
			return rc;
	}
	rc = get_epoch(&h, out, err);
	if (rc < 0)
		return rc;
	return get_files(&h, out, err);
}

/* Splits the back-to-back strings of ARRAY into TABLE (COUNT slices). */
static void split_strings(struct st_slice array, struct st_slice *table, size_t count)
{
	size_t pos = 0;
	size_t i;

	for (i = 0; i < count; i++) {
		size_t len = strlen(array.ptr + pos);

		table[i] = st_slice_make(array.ptr + pos, len);
		pos += len + 1;
	}
}

int st_rpm_header_each_file(const struct st_rpm_header *h,
			    int (*fn)(void *ctx, struct st_slice dir, struct st_slice base),
			    void *ctx, struct strata_error *err)
{
	struct st_slice *dirs = NULL;
	struct st_slice empty = st_slice_make("", 0);
	size_t pos = 0;
	size_t i;
	int rc = 0;

	if (!h->files_valid || h->file_count == 0)
		return 0;
	if (!h->old_filenames) {
		dirs = st_calloc(h->dir_count, sizeof(*dirs));
		if (dirs == NULL)
			return st_error_set(err, STRATA_ENOMEM,
					    "out of memory for %zu directory names", h->dir_count);
		split_strings(h->dirnames, dirs, h->dir_count);
	}
	for (i = 0; i < h->file_count && rc >= 0; i++) {
		size_t len = strlen(h->basenames.ptr + pos);
		struct st_slice base = st_slice_make(h->basenames.ptr + pos, len);
		struct st_slice dir = empty;

		if (dirs != NULL)
			dir = dirs[st_be32((const unsigned char *)h->dirindexes.ptr + i * 4)];
		pos += len + 1;
		rc = fn(ctx, dir, base);
	}
	free(dirs);
	return rc;
}
