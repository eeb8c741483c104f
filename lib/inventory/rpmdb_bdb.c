/* Reads rpm's Berkeley DB "Packages" database (CentOS 5 to 8, Amazon
 * Linux 2) without libdb. It is a hash database whose keys are header
 * instance numbers and whose values are header blobs.
 *
 * Page 0 is the hash metadata page, and each bucket is a chain of hash
 * pages. A value too big for a hash page is stored in a chain of overflow
 * pages. Numbers are in the byte order of the machine that wrote the
 * file, which the magic number tells. The offsets below are Berkeley DB's
 * page layout as rpm's read-only reader (lib/backend/bdb_ro.c, rpm 4.16
 * and later) reads it. The database is walked bucket by bucket. */
#include <stdlib.h>
#include <string.h>

#include "inventory/rpm_internal.h"

#define HASH_MAGIC 0x00061561u
#define META_SIZE 512 /* the fields read below fit in 512 bytes */
/* P_OVERHEAD: lsn (8 bytes), pgno, prev_pgno, next_pgno (4 each),
 * entries, hf_offset (2 each), level and type (1 each). */
#define PAGE_HEADER_SIZE 26
#define MIN_PAGE_SIZE 512
#define MAX_PAGE_SIZE 65536
#define SPARES 32 /* NCACHED: split points */

/* Page types (db_page.h). */
enum {
	P_HASH_UNSORTED = 2,
	P_OVERFLOW = 7,
	P_HASHMETA = 8,
	P_HASH = 13,
};

/* Hash item types, the first byte of each item on a hash page. */
enum {
	H_KEYDATA = 1,
	H_DUPLICATE = 2,
	H_OFFPAGE = 3,
	H_OFFDUP = 4,
};

/* An H_OFFPAGE item: type, 3 unused bytes, first overflow page, length. */
#define OFFPAGE_SIZE 12

struct bdb {
	struct st_rpmdb_reader *r;
	const unsigned char *data;
	size_t pagesize;
	uint32_t pages;       /* whole pages in the file */
	uint32_t max_bucket;
	uint32_t spares[SPARES];
	bool swapped;         /* big-endian file */
	unsigned char *seen;  /* hash pages visited, one byte per page */
	struct st_buf value;  /* an overflow value being assembled */
};

static uint32_t get32(const struct bdb *db, const unsigned char *p)
{
	return db->swapped ? st_be32(p) : st_le32(p);
}

static uint16_t get16(const struct bdb *db, const unsigned char *p)
{
	return db->swapped ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

/* Returns page PGNO, or NULL with a warning when it is past the end of
 * the file or its header names another page. */
static const unsigned char *get_page(struct bdb *db, uint32_t pgno, const char *what)
{
	const unsigned char *page;

	if (pgno >= db->pages) {
		st_rpmdb_warn(db->r, "%s page %u is past the end of the file (%u pages)", what,
			      pgno, db->pages);
		return NULL;
	}
	page = db->data + (size_t)pgno * db->pagesize;
	if (get32(db, page + 8) != pgno) {
		st_rpmdb_warn(db->r, "%s page %u is marked as page %u", what, pgno,
			      get32(db, page + 8));
		return NULL;
	}
	return page;
}

/* Copies the TOTAL bytes of the overflow chain starting at PGNO into
 * db->value. Every page must be an overflow page holding at least one
 * byte, so a cycle ends once TOTAL bytes are gathered. */
static int read_overflow(struct bdb *db, uint32_t pgno, uint32_t total, uint32_t record,
			 struct strata_error *err)
{
	db->value.len = 0;
	if (total > db->value.max) {
		st_rpmdb_warn(db->r, "record %u: value of %u bytes is larger than the file", record,
			      total);
		return 1;
	}
	while (db->value.len < total) {
		const unsigned char *page = get_page(db, pgno, "overflow");
		size_t len;
		int rc;

		if (page == NULL)
			return 1;
		len = get16(db, page + 22);
		if (page[25] != P_OVERFLOW || len == 0 || len > db->pagesize - PAGE_HEADER_SIZE ||
		    len > total - db->value.len) {
			st_rpmdb_warn(db->r, "record %u: overflow page %u is invalid", record, pgno);
			return 1;
		}
		rc = st_buf_append(&db->value, page + PAGE_HEADER_SIZE, len, err);
		if (rc < 0)
			return rc;
		pgno = get32(db, page + 16);
	}
	return 0;
}

/* Reads the item between START and END of PAGE into *OUT: inline data or
 * an overflow chain (then *OUT points into db->value). Returns 0, 1 with
 * a warning for an item it cannot read, or a negative error. */
static int read_item(struct bdb *db, const unsigned char *page, size_t start, size_t end,
		     uint32_t record, struct st_slice *out, struct strata_error *err)
{
	uint32_t pgno;
	uint32_t total;
	int rc;

	switch (page[start]) {
	case H_KEYDATA:
		*out = st_slice_make((const char *)page + start + 1, end - start - 1);
		return 0;
	case H_OFFPAGE:
		if (end - start < OFFPAGE_SIZE)
			break;
		pgno = get32(db, page + start + 4);
		total = get32(db, page + start + 8);
		rc = read_overflow(db, pgno, total, record, err);
		if (rc != 0)
			return rc;
		*out = st_slice_make(db->value.ptr, db->value.len);
		return 0;
	case H_DUPLICATE:
	case H_OFFDUP:
		st_rpmdb_warn(db->r, "record %u: duplicate values are not used by rpm, skipped",
			      record);
		return 1;
	default:
		break;
	}
	st_rpmdb_warn(db->r, "record %u: item of type %u is invalid", record, page[start]);
	return 1;
}

/* Hands the pair of items I (key) and I + 1 (value) of PAGE to the
 * reader. Items are stored from the end of the page down, so the key
 * ends where the previous item starts and the value ends where the key
 * starts. */
static int read_pair(struct bdb *db, const unsigned char *page, uint32_t pgno, size_t i,
		     size_t entries, struct strata_error *err)
{
	const unsigned char *inp = page + PAGE_HEADER_SIZE;
	size_t low = PAGE_HEADER_SIZE + entries * 2;
	size_t key_end = i == 0 ? db->pagesize : get16(db, inp + 2 * (i - 1));
	size_t key_off = get16(db, inp + 2 * i);
	size_t val_off = get16(db, inp + 2 * (i + 1));
	struct st_slice key;
	struct st_slice value;
	uint32_t record;
	int rc;

	if (val_off < low || key_off <= val_off || key_end <= key_off || key_end > db->pagesize) {
		st_rpmdb_warn(db->r, "hash page %u: item %zu has invalid offsets", pgno, i);
		return 0;
	}
	/* Keys are 4-byte instance numbers, always on the page. */
	if (page[key_off] != H_KEYDATA || key_end - key_off != 5) {
		st_rpmdb_warn(db->r, "hash page %u: item %zu is not a header number", pgno, i);
		return 0;
	}
	key = st_slice_make((const char *)page + key_off + 1, 4);
	record = get32(db, (const unsigned char *)key.ptr);
	/* Instance 0 stores rpm's next free instance number, not a header. */
	if (record == 0)
		return 0;
	rc = read_item(db, page, val_off, key_off, record, &value, err);
	if (rc != 0)
		return rc < 0 ? rc : 0;
	if (value.len == 0) {
		st_rpmdb_warn(db->r, "record %u: empty value, skipped", record);
		return 0;
	}
	return db->r->fn(db->r->ctx, record, value, err);
}

/* Reads every pair on one hash page. */
static int read_hash_page(struct bdb *db, const unsigned char *page, uint32_t pgno,
			  struct strata_error *err)
{
	size_t entries = get16(db, page + 20);
	size_t i;
	int rc;

	if (PAGE_HEADER_SIZE + entries * 2 > db->pagesize) {
		st_rpmdb_warn(db->r, "hash page %u: %zu items do not fit the page", pgno, entries);
		return 0;
	}
	if (entries % 2 != 0)
		st_rpmdb_warn(db->r, "hash page %u: odd item count %zu", pgno, entries);
	for (i = 0; i + 1 < entries; i += 2) {
		rc = read_pair(db, page, pgno, i, entries, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Berkeley DB's BUCKET_TO_PAGE: a bucket's first page is the bucket number
 * plus the spare count of its split point (the bit length of BUCKET). */
static uint32_t bucket_page(const struct bdb *db, uint32_t bucket)
{
	unsigned bits = 0;
	uint32_t b;
	uint32_t page;

	for (b = bucket; b != 0; b >>= 1)
		bits++;
	if (bits >= SPARES || __builtin_add_overflow(bucket, db->spares[bits], &page))
		return UINT32_MAX;
	return page;
}

/* Walks the chain of hash pages of one bucket. */
static int read_bucket(struct bdb *db, uint32_t bucket, struct strata_error *err)
{
	uint32_t pgno = bucket_page(db, bucket);
	int rc;

	if (pgno == 0) {
		st_rpmdb_warn(db->r, "bucket %u starts at the metadata page", bucket);
		return 0;
	}
	while (pgno != 0) {
		const unsigned char *page = get_page(db, pgno, "hash");

		if (page == NULL)
			return 0;
		if (page[25] != P_HASH && page[25] != P_HASH_UNSORTED) {
			st_rpmdb_warn(db->r, "bucket %u: page %u is not a hash page (type %u)",
				      bucket, pgno, page[25]);
			return 0;
		}
		if (db->seen[pgno]) {
			st_rpmdb_warn(db->r, "bucket %u: page %u is reached twice", bucket, pgno);
			return 0;
		}
		db->seen[pgno] = 1;
		rc = read_hash_page(db, page, pgno, err);
		if (rc < 0)
			return rc;
		pgno = get32(db, page + 16);
	}
	return 0;
}

/* Checks the metadata page and fills DB from it. */
static int read_meta(struct bdb *db, struct st_slice file, struct strata_error *err)
{
	const unsigned char *meta = (const unsigned char *)file.ptr;
	uint32_t version;
	uint32_t last_pgno;
	size_t i;

	if (file.len < META_SIZE)
		return st_error_set(err, STRATA_ECORRUPT, "%zu bytes is too short for a berkeley db",
				    file.len);
	if (st_le32(meta + 12) == HASH_MAGIC)
		db->swapped = false;
	else if (st_be32(meta + 12) == HASH_MAGIC)
		db->swapped = true;
	else
		return st_error_set(err, STRATA_EUNSUPPORTED, "not a berkeley db hash database");
	version = get32(db, meta + 16);
	db->pagesize = get32(db, meta + 20);
	if (version < 8 || version > 10)
		return st_error_set(err, STRATA_EUNSUPPORTED, "berkeley db hash version %u",
				    version);
	if (meta[24] != 0)
		return st_error_set(err, STRATA_EUNSUPPORTED, "encrypted berkeley db");
	if (meta[25] != P_HASHMETA)
		return st_error_set(err, STRATA_ECORRUPT, "page 0 is not a hash metadata page");
	if (db->pagesize < MIN_PAGE_SIZE || db->pagesize > MAX_PAGE_SIZE ||
	    (db->pagesize & (db->pagesize - 1)) != 0)
		return st_error_set(err, STRATA_ECORRUPT, "invalid page size %zu", db->pagesize);
	db->pages = (uint32_t)(file.len / db->pagesize);
	last_pgno = get32(db, meta + 32);
	if (last_pgno >= db->pages)
		st_rpmdb_warn(db->r, "the file is truncated: it ends before page %u", last_pgno);
	db->max_bucket = get32(db, meta + 72);
	if (db->max_bucket >= db->pages)
		return st_error_set(err, STRATA_ECORRUPT, "%u buckets do not fit in %u pages",
				    db->max_bucket, db->pages);
	for (i = 0; i < SPARES; i++)
		db->spares[i] = get32(db, meta + 96 + 4 * i);
	return 0;
}

int st_rpmdb_read_bdb(struct st_rpmdb_reader *r, struct st_slice file, struct strata_error *err)
{
	struct bdb db;
	uint32_t bucket;
	int rc;

	memset(&db, 0, sizeof(db));
	db.r = r;
	db.data = (const unsigned char *)file.ptr;
	st_buf_init(&db.value, file.len);
	rc = read_meta(&db, file, err);
	if (rc < 0)
		goto out;
	db.seen = calloc(db.pages, 1);
	if (db.seen == NULL) {
		rc = st_error_set(err, STRATA_ENOMEM, "out of memory for %u pages", db.pages);
		goto out;
	}
	for (bucket = 0; bucket <= db.max_bucket; bucket++) {
		rc = read_bucket(&db, bucket, err);
		if (rc < 0)
			goto out;
	}
	rc = 0;

out:
	free(db.seen);
	st_buf_dispose(&db.value);
	return rc;
}
