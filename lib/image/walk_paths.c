/* The path set of one layer (walk_internal.h): an open-addressing hash
 * table of 128-bit path keys with a few flag bits each.
 *
 * A key is two 64-bit hashes of the normalized path, each seeded from
 * getrandom(2) when the set is made, so an image cannot pick colliding
 * paths in advance. The low five bits of the second hash carry the flags
 * and bit 0 of the first is forced to 1 to tell a used slot from a free
 * one, which leaves 122 hash bits. A lookup falsely matches only when
 * both hashes collide. With N paths in the set and M lookups, the chance
 * of any false match is at most about N * M / 2^122, which is under 2^-69
 * for a layer of 10^7 paths looked up 10^8 times. A false match would
 * hide one lower file from the view.
 *
 * NOTE: the hashes are keyed but are not a cryptographic MAC. An image
 * that could observe the seeds could craft a collision. */
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "image/walk_internal.h"

#define FLAG_BITS 0x1full

/* Initial slot count; the table doubles when 3/4 full. */
#define INITIAL_SLOTS 1024

/* The two hash states of a path being read byte by byte. */
struct path_hash {
	uint64_t a;
	uint64_t b;
};

/* The 64-bit finalizer of MurmurHash3 (public domain): mixes every input
 * bit into every output bit. */
static uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	x ^= x >> 33;
	return x;
}

static void hash_byte(struct path_hash *h, unsigned char c)
{
	/* Two independent multiply-xor chains: FNV-1a's prime for one and
	 * a 64-bit golden-ratio constant for the other. */
	h->a = (h->a ^ c) * 0x100000001b3ull;
	h->b = (h->b + c + 1) * 0x9e3779b97f4a7c15ull;
	h->b ^= h->b >> 29;
}

/* Returns the key of the path hashed so far, LEN bytes long. */
static void hash_key(const struct st_path_set *set, const struct path_hash *h, size_t len,
		     uint64_t key[2])
{
	key[0] = mix64(h->a ^ set->seed[1] ^ len) | 1u;
	key[1] = mix64(h->b + set->seed[0] + len) & ~FLAG_BITS;
}

static void hash_start(const struct st_path_set *set, struct path_hash *h)
{
	h->a = set->seed[0];
	h->b = set->seed[1];
}

void st_path_set_init(struct st_path_set *set, size_t max_count)
{
	memset(set, 0, sizeof(*set));
	set->max_count = max_count;
	if (getrandom(set->seed, sizeof(set->seed), GRND_NONBLOCK) !=
	    (ssize_t)sizeof(set->seed)) {
		set->seed[0] = (uint64_t)(uintptr_t)set ^ (uint64_t)time(NULL);
		set->seed[1] = mix64(set->seed[0] + 1);
	}
}

void st_path_set_dispose(struct st_path_set *set)
{
	free(set->slots);
	set->slots = NULL;
	set->cap = 0;
	set->count = 0;
}

/* Returns the slot of KEY, or the free slot where it would go. */
static uint64_t *find_slot(const struct st_path_set *set, const uint64_t key[2])
{
	size_t mask = set->cap - 1;
	size_t i = (size_t)key[0] & mask;

	for (;;) {
		uint64_t *slot = &set->slots[2 * i];

		if (slot[0] == 0)
			return slot;
		if (slot[0] == key[0] && (slot[1] & ~FLAG_BITS) == key[1])
			return slot;
		i = (i + 1) & mask;
	}
}

static int grow(struct st_path_set *set, struct strata_error *err)
{
	size_t cap = set->cap ? set->cap * 2 : INITIAL_SLOTS;
	uint64_t *old = set->slots;
	size_t old_cap = set->cap;
	size_t i;

	set->slots = st_calloc(cap, 2 * sizeof(uint64_t));
	if (set->slots == NULL) {
		set->slots = old;
		return st_error_set(err, STRATA_ENOMEM,
				    "out of memory for a set of %zu layer paths", cap);
	}
	set->cap = cap;
	for (i = 0; i < old_cap; i++) {
		uint64_t *from = &old[2 * i];
		uint64_t key[2] = {from[0], from[1] & ~FLAG_BITS};
		uint64_t *to;

		if (from[0] == 0)
			continue;
		to = find_slot(set, key);
		to[0] = from[0];
		to[1] = from[1];
	}
	free(old);
	return 0;
}

/* Adds FLAGS to KEY's slot, inserting it if needed. */
static int add_key(struct st_path_set *set, const uint64_t key[2], unsigned flags,
		   struct strata_error *err)
{
	uint64_t *slot;
	int rc;

	if (set->cap == 0 || set->count + 1 > set->cap / 4 * 3) {
		rc = grow(set, err);
		if (rc < 0)
			return rc;
	}
	slot = find_slot(set, key);
	if (slot[0] == 0) {
		if (set->count >= set->max_count)
			return st_error_set(err, STRATA_ELIMIT,
					    "more than %zu distinct paths and parent directories",
					    set->max_count);
		slot[0] = key[0];
		slot[1] = key[1];
		set->count++;
	}
	slot[1] |= flags & FLAG_BITS;
	return 0;
}

int st_path_set_add(struct st_path_set *set, const char *path, size_t len, unsigned flags,
		    struct strata_error *err)
{
	struct path_hash h;
	uint64_t key[2];
	size_t i;
	int rc;

	hash_start(set, &h);
	for (i = 0; i < len; i++) {
		if (path[i] == '/') {
			hash_key(set, &h, i, key);
			rc = add_key(set, key, ST_PATH_PRESENT, err);
			if (rc < 0)
				return rc;
		}
		hash_byte(&h, (unsigned char)path[i]);
	}
	hash_key(set, &h, len, key);
	return add_key(set, key, flags | ST_PATH_PRESENT, err);
}

static unsigned flags_of(const struct st_path_set *set, const uint64_t key[2])
{
	const uint64_t *slot = find_slot(set, key);

	return slot[0] == 0 ? 0 : (unsigned)(slot[1] & FLAG_BITS);
}

unsigned st_path_set_flags(const struct st_path_set *set, const char *path, size_t len)
{
	struct path_hash h;
	uint64_t key[2];
	size_t i;

	if (set->count == 0)
		return 0;
	hash_start(set, &h);
	for (i = 0; i < len; i++)
		hash_byte(&h, (unsigned char)path[i]);
	hash_key(set, &h, len, key);
	return flags_of(set, key);
}

bool st_path_set_hides(const struct st_path_set *set, const char *path, size_t len)
{
	const unsigned hide_under = ST_PATH_NONDIR | ST_PATH_WHITEOUT | ST_PATH_OPAQUE;
	struct path_hash h;
	uint64_t key[2];
	size_t i;

	if (set->count == 0)
		return false;
	hash_start(set, &h);
	for (i = 0; i < len; i++) {
		if (path[i] == '/') {
			hash_key(set, &h, i, key);
			if ((flags_of(set, key) & hide_under) != 0)
				return true;
		}
		hash_byte(&h, (unsigned char)path[i]);
	}
	hash_key(set, &h, len, key);
	return (flags_of(set, key) & (ST_PATH_PRESENT | ST_PATH_WHITEOUT)) != 0;
}
