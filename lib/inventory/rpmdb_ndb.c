/* Reads rpm's own NDB "Packages.db" (SUSE; the SLE 15 SP3 BCI test
 * database is one), whose layout is set by rpm's lib/backend/ndb/rpmpkg.c.
 * All numbers are little-endian, and blocks are 16 bytes.
 *
 * The file starts with a 32-byte header: magic "RpmP", version 0,
 * generation, slot page count and next package index. The header shares
 * the first of the 4096-byte slot pages, which are arrays of 16-byte
 * slots: magic "Slot", package index, block offset and block count. A
 * block offset of 0 marks a free slot. The blocks of a slot hold one
 * blob: a head (magic "BlbS", package index, time stamp, length), the
 * header blob, zero padding, and a tail (the Adler-32 of everything
 * before it, length, magic "BlbE"). */
#include <string.h>
#include <zlib.h>

#include "inventory/rpm_internal.h"

#define MAGIC(a, b, c, d)                                                      \
	((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | (uint32_t)(d) << 24)

#define DB_MAGIC MAGIC('R', 'p', 'm', 'P')
#define SLOT_MAGIC MAGIC('S', 'l', 'o', 't')
#define BLOB_HEAD_MAGIC MAGIC('B', 'l', 'b', 'S')
#define BLOB_TAIL_MAGIC MAGIC('B', 'l', 'b', 'E')

#define DB_HEADER_SIZE 32
#define SLOT_SIZE 16
#define BLOCK_SIZE 16
#define SLOT_PAGE_SIZE 4096
#define BLOB_HEAD_SIZE 16
#define BLOB_TAIL_SIZE 12

struct ndb {
	struct st_rpmdb_reader *r;
	const unsigned char *data;
	size_t len;
	uint64_t first_block; /* blocks before it hold the slot pages */
};

/* Checks one blob's head, tail and checksum; sets *BLOB to the header. */
static bool check_blob(struct ndb *db, uint32_t slot, uint32_t pkgidx, uint64_t offset,
		       uint64_t size, struct st_slice *blob)
{
	const unsigned char *head = db->data + offset;
	const unsigned char *tail = head + size - BLOB_TAIL_SIZE;
	uint64_t len = st_le32(head + 12);
	uLong adler;

	if (st_le32(head) != BLOB_HEAD_MAGIC || st_le32(head + 4) != pkgidx) {
		st_rpmdb_warn(db->r, "record %u: slot %u does not point at its blob", pkgidx, slot);
		return false;
	}
	if ((BLOB_HEAD_SIZE + len + BLOB_TAIL_SIZE + BLOCK_SIZE - 1) / BLOCK_SIZE !=
	    size / BLOCK_SIZE) {
		st_rpmdb_warn(db->r, "record %u: blob length %llu does not match its %llu blocks",
			      pkgidx, (unsigned long long)len,
			      (unsigned long long)(size / BLOCK_SIZE));
		return false;
	}
	if (st_le32(tail + 4) != len || st_le32(tail + 8) != BLOB_TAIL_MAGIC) {
		st_rpmdb_warn(db->r, "record %u: blob tail is damaged", pkgidx);
		return false;
	}
	adler = adler32_z(adler32(0L, Z_NULL, 0), head, (size_t)(size - BLOB_TAIL_SIZE));
	if (adler != st_le32(tail)) {
		st_rpmdb_warn(db->r, "record %u: blob checksum mismatch", pkgidx);
		return false;
	}
	*blob = st_slice_make((const char *)head + BLOB_HEAD_SIZE, (size_t)len);
	return true;
}

/* Reads the slot at OFFSET and hands its blob to the reader. */
static int read_slot(struct ndb *db, uint32_t slot, size_t offset, struct strata_error *err)
{
	const unsigned char *p = db->data + offset;
	uint32_t pkgidx = st_le32(p + 4);
	uint64_t blkoff = st_le32(p + 8);
	uint64_t blkcnt = st_le32(p + 12);
	struct st_slice blob;

	if (st_le32(p) != SLOT_MAGIC) {
		st_rpmdb_warn(db->r, "slot %u has a bad magic number", slot);
		return 0;
	}
	if (blkoff == 0)
		return 0;
	if (pkgidx == 0 || blkcnt == 0 || blkoff < db->first_block ||
	    (blkoff + blkcnt) * BLOCK_SIZE > db->len ||
	    blkcnt * BLOCK_SIZE < BLOB_HEAD_SIZE + BLOB_TAIL_SIZE) {
		st_rpmdb_warn(db->r, "slot %u (record %u) points outside the file", slot, pkgidx);
		return 0;
	}
	/* blkoff + blkcnt fit in 33 bits, so these products cannot wrap. */
	if (!check_blob(db, slot, pkgidx, blkoff * BLOCK_SIZE, blkcnt * BLOCK_SIZE, &blob))
		return 0;
	return db->r->fn(db->r->ctx, pkgidx, blob, err);
}

int st_rpmdb_read_ndb(struct st_rpmdb_reader *r, struct st_slice file, struct strata_error *err)
{
	const unsigned char *p = (const unsigned char *)file.ptr;
	struct ndb db = {.r = r, .data = p, .len = file.len};
	uint64_t slot_pages;
	size_t offset;
	uint32_t slot;
	int rc;

	if (file.len < DB_HEADER_SIZE || st_le32(p) != DB_MAGIC)
		return st_error_set(err, STRATA_EUNSUPPORTED, "not an rpm ndb database");
	if (st_le32(p + 4) != 0)
		return st_error_set(err, STRATA_EUNSUPPORTED, "rpm ndb version %u", st_le32(p + 4));
	slot_pages = st_le32(p + 12);
	if (slot_pages == 0)
		return st_error_set(err, STRATA_ECORRUPT, "ndb database without slot pages");
	if (slot_pages * SLOT_PAGE_SIZE > file.len) {
		st_rpmdb_warn(r, "the file is truncated inside its %llu slot pages",
			      (unsigned long long)slot_pages);
		slot_pages = file.len / SLOT_PAGE_SIZE;
	}
	db.first_block = st_le32(p + 12) * (uint64_t)(SLOT_PAGE_SIZE / BLOCK_SIZE);

	slot = DB_HEADER_SIZE / SLOT_SIZE;
	for (offset = DB_HEADER_SIZE; offset + SLOT_SIZE <= slot_pages * SLOT_PAGE_SIZE;
	     offset += SLOT_SIZE, slot++) {
		rc = read_slot(&db, slot, offset, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}
