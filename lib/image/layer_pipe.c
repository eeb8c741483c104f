/* The layer pipeline: a large compressed blob is read, inflated and hashed
 * on three threads of its own. The thread that inflates, the one step that
 * cannot be split, then does nothing else, and the tar walk that borrows
 * the output (st_stream.borrow) runs beside it:
 *
 *   reader:   reads the blob into the input ring and hashes it (digest)
 *   inflater: decodes the input ring into the output ring, applying the
 *             layer_bytes and compression_ratio limits
 *   hasher:   hashes the output ring (diff_id)
 *   caller:   borrows each output slot in turn
 *
 * An output slot is reused once both the hasher and the caller are done
 * with it, an input slot once the inflater has taken all of its bytes.
 * Nothing is copied between the stages. Memory: PIPE_SLOTS slots of
 * PIPE_SLOT_BYTES in each ring (4 MiB a layer).
 *
 * The first failure of a stage (a read error, a damaged blob, a limit) is
 * kept, and every stage stops. The caller gets that error from its next
 * call. When the caller closes the stream early, the stages stop too. */
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "image/image_int.h"
#include "image/inflate.h"

#define PIPE_SLOTS 8
#define PIPE_SLOT_BYTES (256u * 1024)
/* A waiting hasher is woken once this many output slots are ready, and a
 * waiting caller once PIPE_CALLER_WAKE are (either at the end or with the
 * ring full), which keeps thread switches few. */
#define PIPE_HASH_WAKE 4
#define PIPE_CALLER_WAKE 2

enum { CONSUMER_HASHER, CONSUMER_CALLER };
enum { STAGE_READER, STAGE_INFLATER, STAGE_HASHER, STAGE_CALLER };

/* A ring of slots. HEAD counts the slots produced; DONE[c] the slots that
 * consumer c has finished (an input ring has one consumer). */
struct ring {
	unsigned char *slots;
	size_t len[PIPE_SLOTS];
	uint64_t head;
	uint64_t done[2];
	unsigned consumers;
	bool ended; /* the producer has produced its last slot */
};

struct pipe_stream {
	struct st_stream base;
	struct st_stream *blob;
	struct st_layer_info *layer;
	const struct st_layer_source *src;
	const struct strata_limits *lim;
	struct st_sha256 blob_hash;
	struct st_sha256 diff_hash;
	struct st_inflate dec;

	/* Each stage waits on its own condition with its flag set, and is
	 * signalled only when it waits and what it waits for has come. */
	pthread_mutex_t lock;
	pthread_cond_t cond[4];
	bool waits[4];
	struct ring in;
	struct ring out;
	bool stop;                 /* a stage failed or the caller closed */
	int failure;               /* the first failure, or 0 */
	struct strata_error error; /* its detail */

	pthread_t threads[3];
	size_t started;
	bool joined;

	uint64_t blob_bytes; /* read so far (reader) */
	uint64_t out_bytes;  /* produced so far (inflater) */
	bool lent;           /* the caller has output slot DONE[caller] */
	int status;          /* 0 reading, 1 ended, or the sticky error */
	struct strata_error status_error;

	/* read() of a caller that does not borrow: the rest of a borrowed slot */
	const unsigned char *rest;
	size_t rest_len;
};

static size_t ring_free(const struct ring *r)
{
	uint64_t oldest = r->done[0];

	if (r->consumers == 2 && r->done[1] < oldest)
		oldest = r->done[1];
	return PIPE_SLOTS - (size_t)(r->head - oldest);
}

static unsigned char *ring_slot(const struct ring *r, uint64_t n)
{
	return r->slots + (size_t)(n % PIPE_SLOTS) * PIPE_SLOT_BYTES;
}

/* Waits as STAGE; under LOCK. */
static void wait_as(struct pipe_stream *p, int stage)
{
	p->waits[stage] = true;
	pthread_cond_wait(&p->cond[stage], &p->lock);
	p->waits[stage] = false;
}

/* Wakes STAGE when it waits; under LOCK. */
static void wake(struct pipe_stream *p, int stage)
{
	if (p->waits[stage]) {
		p->waits[stage] = false;
		pthread_cond_signal(&p->cond[stage]);
	}
}

/* Records the first failure and stops every stage; under LOCK. */
static void fail_locked(struct pipe_stream *p, int rc, const struct strata_error *err)
{
	int i;

	if (p->failure == 0) {
		p->failure = rc;
		p->error = *err;
	}
	p->stop = true;
	for (i = 0; i < 4; i++)
		wake(p, i);
}

static void fail(struct pipe_stream *p, int rc, const struct strata_error *err)
{
	pthread_mutex_lock(&p->lock);
	fail_locked(p, rc, err);
	pthread_mutex_unlock(&p->lock);
}

/* Reader ----------------------------------------------------------------- */

static void *reader_main(void *arg)
{
	struct pipe_stream *p = arg;
	struct strata_error err;

	strata_error_clear(&err);
	for (;;) {
		unsigned char *slot;
		ssize_t n;

		pthread_mutex_lock(&p->lock);
		while (!p->stop && ring_free(&p->in) == 0)
			wait_as(p, STAGE_READER);
		if (p->stop) {
			pthread_mutex_unlock(&p->lock);
			return NULL;
		}
		slot = ring_slot(&p->in, p->in.head);
		pthread_mutex_unlock(&p->lock);

		n = st_stream_read(p->blob, slot, PIPE_SLOT_BYTES, &err);
		if (n < 0) {
			st_error_prefix(&err, "layer %s", p->layer->digest);
			fail(p, (int)n, &err);
			return NULL;
		}
		if (n > 0) {
			p->blob_bytes += (uint64_t)n;
			if (p->layer->size_known && p->blob_bytes > p->layer->size) {
				int rc = st_error_set(&err, STRATA_ECORRUPT,
						      "layer %s: blob is longer than the %llu bytes in its descriptor",
						      p->layer->digest,
						      (unsigned long long)p->layer->size);

				fail(p, rc, &err);
				return NULL;
			}
			st_sha256_update(&p->blob_hash, slot, (size_t)n);
		}

		pthread_mutex_lock(&p->lock);
		if (n == 0) {
			p->in.ended = true;
		} else {
			p->in.len[p->in.head % PIPE_SLOTS] = (size_t)n;
			p->in.head++;
		}
		wake(p, STAGE_INFLATER);
		pthread_mutex_unlock(&p->lock);
		if (n == 0)
			return NULL;
	}
}

/* Inflater --------------------------------------------------------------- */

struct inflater {
	struct pipe_stream *p;
	unsigned char *out; /* the output slot being filled, or NULL */
	size_t fill;
	bool has_input;     /* input slot DONE[0] is being decoded */
	bool input_ended;   /* the reader has ended and every slot was taken */
	uint64_t input_bytes; /* input bytes handed to the decoder */
};

/* Gives the decoder the next input slot, releasing the one it finished.
 * Returns false when the pipeline stops. */
static bool next_input(struct inflater *f)
{
	struct pipe_stream *p = f->p;
	bool go;

	pthread_mutex_lock(&p->lock);
	if (f->has_input) {
		p->in.done[0]++;
		f->has_input = false;
		/* The reader waits with the ring full; half of it free gives
		 * it a run of reads per wake-up. */
		if (ring_free(&p->in) >= PIPE_SLOTS / 2)
			wake(p, STAGE_READER);
	}
	while (!p->stop && p->in.done[0] == p->in.head && !p->in.ended)
		wait_as(p, STAGE_INFLATER);
	go = !p->stop;
	if (go && p->in.done[0] < p->in.head) {
		p->dec.next_in = ring_slot(&p->in, p->in.done[0]);
		p->dec.avail_in = p->in.len[p->in.done[0] % PIPE_SLOTS];
		f->input_bytes += p->dec.avail_in;
		f->has_input = true;
	} else if (go) {
		f->input_ended = true;
	}
	pthread_mutex_unlock(&p->lock);
	return go;
}

/* Waits for a free output slot. Returns false when the pipeline stops. */
static bool next_output(struct inflater *f)
{
	struct pipe_stream *p = f->p;
	bool go;

	pthread_mutex_lock(&p->lock);
	while (!p->stop && ring_free(&p->out) == 0)
		wait_as(p, STAGE_INFLATER);
	go = !p->stop;
	if (go) {
		f->out = ring_slot(&p->out, p->out.head);
		f->fill = 0;
	}
	pthread_mutex_unlock(&p->lock);
	return go;
}

/* Publishes the output slot being filled; LAST marks the end. */
static void publish_output(struct inflater *f, bool last)
{
	struct pipe_stream *p = f->p;
	bool full;

	pthread_mutex_lock(&p->lock);
	if (f->fill > 0) {
		p->out.len[p->out.head % PIPE_SLOTS] = f->fill;
		p->out.head++;
	}
	p->out.ended = last;
	f->out = NULL;
	f->fill = 0;
	full = ring_free(&p->out) == 0;
	if (last || full || p->out.head - p->out.done[CONSUMER_HASHER] >= PIPE_HASH_WAKE)
		wake(p, STAGE_HASHER);
	if (last || full || p->out.head - p->out.done[CONSUMER_CALLER] >= PIPE_CALLER_WAKE)
		wake(p, STAGE_CALLER);
	pthread_mutex_unlock(&p->lock);
}

/* Applies the layer_bytes and compression_ratio limits after N more
 * output bytes. */
static int count_output(struct inflater *f, size_t n, struct strata_error *err)
{
	struct pipe_stream *p = f->p;

	p->out_bytes += n;
	return st_layer_check_output(p->layer, p->lim, f->input_bytes - p->dec.avail_in, p->out_bytes,
				     true, err);
}

static void *inflater_main(void *arg)
{
	struct inflater f;
	struct pipe_stream *p = arg;
	struct strata_error err;
	int rc;

	memset(&f, 0, sizeof(f));
	f.p = p;
	strata_error_clear(&err);
	for (;;) {
		size_t avail_in;
		ssize_t n;

		if (p->dec.avail_in == 0 && !f.input_ended && !next_input(&f))
			return NULL;
		if (f.out == NULL && !next_output(&f))
			return NULL;
		avail_in = p->dec.avail_in;
		n = st_inflate_run(&p->dec, f.out + f.fill, PIPE_SLOT_BYTES - f.fill, &err);
		if (n < 0) {
			fail(p, (int)n, &err);
			return NULL;
		}
		if (n > 0) {
			rc = count_output(&f, (size_t)n, &err);
			if (rc < 0) {
				fail(p, rc, &err);
				return NULL;
			}
			f.fill += (size_t)n;
			if (f.fill == PIPE_SLOT_BYTES)
				publish_output(&f, false);
			continue;
		}
		/* The blob has ended and the decoder wrote nothing with output
		 * room, so it has no output pending: the blob must end at a
		 * member or frame boundary. */
		if (p->dec.avail_in == 0 && f.input_ended) {
			rc = st_inflate_finish(&p->dec, &err);
			if (rc < 0) {
				fail(p, rc, &err);
				return NULL;
			}
			publish_output(&f, true);
			return NULL;
		}
		if (p->dec.avail_in > 0 && p->dec.avail_in == avail_in) {
			rc = st_error_set(&err, STRATA_ECORRUPT,
					  "layer %s: decompression made no progress", p->layer->digest);
			fail(p, rc, &err);
			return NULL;
		}
	}
}

/* Hasher ----------------------------------------------------------------- */

static void *hasher_main(void *arg)
{
	struct pipe_stream *p = arg;
	uint64_t *done = &p->out.done[CONSUMER_HASHER];

	pthread_mutex_lock(&p->lock);
	for (;;) {
		uint64_t ready = p->out.head - *done;
		const unsigned char *slot;
		size_t len;

		if (p->stop || (ready == 0 && p->out.ended))
			break;
		/* With the ring full because of the hasher, READY is PIPE_SLOTS,
		 * so waiting for PIPE_HASH_WAKE slots never stops the inflater. */
		if (ready < PIPE_HASH_WAKE && !p->out.ended) {
			wait_as(p, STAGE_HASHER);
			continue;
		}
		slot = ring_slot(&p->out, *done);
		len = p->out.len[*done % PIPE_SLOTS];
		pthread_mutex_unlock(&p->lock);

		st_sha256_update(&p->diff_hash, slot, len);

		pthread_mutex_lock(&p->lock);
		(*done)++;
		wake(p, STAGE_INFLATER);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

/* Caller ----------------------------------------------------------------- */

/* Stops the stages and waits for them. */
static void join_stages(struct pipe_stream *p, bool stop)
{
	size_t i;

	if (p->joined)
		return;
	if (stop) {
		int stage;

		pthread_mutex_lock(&p->lock);
		p->stop = true;
		for (stage = 0; stage < 4; stage++)
			wake(p, stage);
		pthread_mutex_unlock(&p->lock);
	}
	for (i = 0; i < p->started; i++)
		pthread_join(p->threads[i], NULL);
	p->joined = true;
}

static ssize_t set_status(struct pipe_stream *p, int rc, const struct strata_error *err,
			  struct strata_error *out)
{
	p->status = rc;
	p->status_error = *err;
	if (out != NULL)
		*out = *err;
	return rc;
}

/* Every stage has ended: checks the digests. */
static ssize_t pipe_end(struct pipe_stream *p, struct strata_error *err)
{
	char blob_hex[ST_SHA256_HEX_LEN + 1];
	char diff_hex[ST_SHA256_HEX_LEN + 1];
	struct strata_error e;
	int rc;

	join_stages(p, false);
	st_sha256_final(&p->blob_hash, blob_hex);
	st_sha256_final(&p->diff_hash, diff_hex);
	strata_error_clear(&e);
	rc = st_layer_check_end(p->layer, p->src, p->blob_bytes, blob_hex, diff_hex, &e);
	if (rc < 0)
		return set_status(p, rc, &e, err);
	p->status = 1;
	return 0;
}

static ssize_t pipe_borrow(struct st_stream *base, const void **data, struct strata_error *err)
{
	struct pipe_stream *p = (struct pipe_stream *)base;
	uint64_t *done = &p->out.done[CONSUMER_CALLER];
	struct strata_error e;
	size_t len;

	*data = NULL;
	if (p->status < 0) {
		if (err != NULL)
			*err = p->status_error;
		return p->status;
	}
	if (p->status == 1)
		return 0;

	pthread_mutex_lock(&p->lock);
	if (p->lent) {
		(*done)++;
		p->lent = false;
		wake(p, STAGE_INFLATER);
	}
	while (!p->stop && *done == p->out.head && !p->out.ended)
		wait_as(p, STAGE_CALLER);
	if (p->failure != 0) {
		e = p->error;
		pthread_mutex_unlock(&p->lock);
		join_stages(p, true);
		return set_status(p, e.code != 0 ? e.code : p->failure, &e, err);
	}
	if (*done == p->out.head) {
		pthread_mutex_unlock(&p->lock);
		return pipe_end(p, err);
	}
	*data = ring_slot(&p->out, *done);
	len = p->out.len[*done % PIPE_SLOTS];
	p->lent = true;
	pthread_mutex_unlock(&p->lock);
	return (ssize_t)len;
}

/* read() for a caller that does not borrow: copies from borrowed slots. */
static ssize_t pipe_read(struct st_stream *base, void *buf, size_t len, struct strata_error *err)
{
	struct pipe_stream *p = (struct pipe_stream *)base;

	if (len == 0)
		return st_error_set(err, STRATA_EINVAL, "layer %s: read of 0 bytes",
				    p->layer->digest);
	if (p->rest_len == 0) {
		const void *data;
		ssize_t n = pipe_borrow(base, &data, err);

		if (n <= 0)
			return n;
		p->rest = data;
		p->rest_len = (size_t)n;
	}
	if (len > p->rest_len)
		len = p->rest_len;
	if (len > SSIZE_MAX)
		len = SSIZE_MAX;
	memcpy(buf, p->rest, len);
	p->rest += len;
	p->rest_len -= len;
	return (ssize_t)len;
}

static void pipe_close(struct st_stream *base)
{
	struct pipe_stream *p = (struct pipe_stream *)base;
	int i;

	join_stages(p, true);
	st_stream_close(p->blob);
	st_sha256_dispose(&p->blob_hash);
	st_sha256_dispose(&p->diff_hash);
	st_inflate_dispose(&p->dec);
	for (i = 0; i < 4; i++)
		pthread_cond_destroy(&p->cond[i]);
	pthread_mutex_destroy(&p->lock);
	free(p->in.slots);
	free(p->out.slots);
	free(p);
}

int st_layer_pipe_open(struct st_layer_info *layer, const struct st_layer_source *src,
		       const struct strata_limits *lim, int decoder, struct st_stream **blob,
		       struct st_stream **out, struct strata_error *err)
{
	void *(*stages[3])(void *) = {inflater_main, hasher_main, reader_main};
	struct pipe_stream *p;
	int rc;
	int i;

	*out = NULL;
	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return 0;
	p->base.read = pipe_read;
	p->base.borrow = pipe_borrow;
	p->base.close = pipe_close;
	p->layer = layer;
	p->src = src;
	p->lim = lim;
	p->in.consumers = 1;
	p->out.consumers = 2;
	pthread_mutex_init(&p->lock, NULL);
	for (i = 0; i < 4; i++)
		pthread_cond_init(&p->cond[i], NULL);
	p->in.slots = malloc((size_t)PIPE_SLOTS * PIPE_SLOT_BYTES);
	p->out.slots = malloc((size_t)PIPE_SLOTS * PIPE_SLOT_BYTES);
	if (p->in.slots == NULL || p->out.slots == NULL)
		goto unavailable;
	rc = st_sha256_init(&p->blob_hash, err);
	if (rc == 0)
		rc = st_sha256_init(&p->diff_hash, err);
	if (rc == 0)
		rc = st_inflate_init(&p->dec, decoder, layer->digest, err);
	if (rc < 0) {
		p->blob = NULL;
		pipe_close(&p->base);
		return rc;
	}
	p->blob = *blob;
	while (p->started < 3 &&
	       pthread_create(&p->threads[p->started], NULL, stages[p->started], p) == 0)
		p->started++;
	if (p->started < 3) {
		p->blob = NULL; /* still the caller's */
		goto unavailable;
	}
	*blob = NULL;
	*out = &p->base;
	return 1;

unavailable:
	/* No memory or threads for a pipeline: the caller reads in line. */
	pipe_close(&p->base);
	return 0;
}
