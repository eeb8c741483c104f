/* Runs the layer walk: reads the layers (on up to limits->scan_threads
 * worker threads) and merges each layer's result into the image's view in
 * layer order, on the calling thread.
 *
 * A worker reading layer L keeps the captures of L (after L's own
 * shadowing) and a path set of what L hides below it (walk.c). The merge
 * of L removes the lower captures that the set hides, calls the
 * visitor's on_layer_file for L's captures, and inserts them. Removal of a
 * lower capture does not depend on the order of L's entries, so this
 * gives the same view as applying every entry to one view in order.
 *
 * Memory: at most `threads` layers are read or waiting to be merged at
 * once, each holding its captures (within cataloged_total_bytes) and its
 * path set (16 bytes a slot, at most twice entries_per_layer paths, none
 * for the lowest layer).
 *
 * Errors: the first failing layer in layer order wins, whatever the
 * timing: the merge stops at it and cancels the layers after it. The
 * visitor's callbacks run on the calling thread only; wants(),
 * wants_summary() and summarize() run on the workers. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "image/walk_internal.h"

/* Upper bound on worker threads, whatever the value of scan_threads or
 * the core count, because each thread keeps a layer's captures and decoder
 * state. */
#define MAX_THREADS 64

/* The nice value of a worker that reads another layer while the largest
 * one is still being read. Inflating the largest blob is the one step
 * that cannot be split, so it bounds the walk's wall time. With the other
 * workers in the background, it gets a core whenever it can run, and they
 * take the rest. On Linux a nice value belongs to one thread. A worker is
 * put in the background only when it can be brought back, because
 * lowering a nice value needs CAP_SYS_NICE or RLIMIT_NICE. It is brought
 * back as soon as the largest layer has been read, so that it does not
 * lag behind other programs on a busy machine. */
#define BACKGROUND_NICE 19

/* Bytes of messages that one layer's diagnostics keep until its merge;
 * the rest are counted in one line. */
#define LAYER_DIAG_BYTES (64u * 1024)

struct layer_job {
	struct st_walk walk;
	struct st_walk_layer_stats stats;
	struct strata_error err;
	int rc;
	bool started; /* taken by a worker; under run->lock */
	bool done;    /* read by the worker; under run->lock when threaded */
	/* The layer's messages (a level byte, the text and a NUL each),
	 * passed on in layer order when the layer is merged, so that the
	 * log does not depend on which worker ran first. */
	struct st_diag diag;
	struct st_buf messages;
	uint64_t dropped; /* messages over LAYER_DIAG_BYTES */
};

struct walk_run {
	const struct st_walk_options *opts;
	const struct st_walk_visitor *visitor;
	st_layer_opener open;
	void *open_ctx;
	const char *const *names;
	size_t count;
	struct layer_job *jobs;
	struct st_view view; /* the merged view of layers 0 .. merged-1 */

	/* Worker scheduling, under LOCK. */
	pthread_mutex_t lock;
	pthread_cond_t changed;
	const size_t *order; /* the order to start layers in; NULL = index order */
	size_t next;   /* next position in ORDER to consider */
	size_t started; /* layers taken by workers so far */
	size_t merged; /* layers merged so far */
	size_t window; /* layers read or waiting at once, beyond the next to merge */
	_Atomic int cancel;

	/* Background workers, under LOCK (see BACKGROUND_NICE). */
	size_t critical;        /* the largest layer, or COUNT when none */
	bool critical_done;     /* the largest layer has been read */
	pid_t background[MAX_THREADS];
	int background_nice[MAX_THREADS]; /* their earlier nice values */
	size_t background_count;
};

/* The sink of a layer's messages while a worker reads it. */
static void keep_message(void *ctx, int level, const char *msg)
{
	struct layer_job *job = ctx;
	size_t before = job->messages.len;
	size_t len = strlen(msg);
	char byte = (char)level;

	if (before + len + 2 > LAYER_DIAG_BYTES) {
		job->dropped++;
		return;
	}
	/* Out of memory: the partial record is taken back. */
	if (st_buf_append(&job->messages, &byte, 1, NULL) < 0 ||
	    st_buf_append(&job->messages, msg, len + 1, NULL) < 0) {
		job->messages.len = before;
		job->dropped++;
	}
}

/* Passes the messages of JOB to the walk's diagnostics, on the calling
 * thread in layer order. */
static void pass_messages(struct walk_run *run, struct layer_job *job)
{
	size_t pos = 0;

	while (pos < job->messages.len) {
		int level = (unsigned char)job->messages.ptr[pos];
		const char *msg = job->messages.ptr + pos + 1;

		st_diag(run->opts->diag, level, "%s", msg);
		pos += strlen(msg) + 2;
	}
	if (job->dropped > 0)
		st_diag(run->opts->diag, ST_DIAG_WARN, "layer %s: %llu more messages not shown",
			job->walk.layer_name, (unsigned long long)job->dropped);
	st_buf_dispose(&job->messages);
	job->dropped = 0;
}

static void read_job(struct walk_run *run, size_t index)
{
	struct layer_job *job = &run->jobs[index];
	struct st_walk *w = &job->walk;

	w->limits = run->opts->limits;
	job->diag.fn = keep_message;
	job->diag.ctx = job;
	st_buf_init(&job->messages, LAYER_DIAG_BYTES);
	w->diag = run->opts->diag != NULL ? &job->diag : NULL;
	w->visitor = run->visitor;
	w->open = run->open;
	w->open_ctx = run->open_ctx;
	w->layer = index;
	w->record_paths = index > 0;
	w->cancel = &run->cancel;
	st_view_init(&w->view);
	if (run->names != NULL && run->names[index] != NULL) {
		w->layer_name = run->names[index];
	} else {
		snprintf(w->layer_index, sizeof(w->layer_index), "%zu", index);
		w->layer_name = w->layer_index;
	}
	strata_error_clear(&job->err);
	job->rc = st_walk_read_layer(w, &job->stats, &job->err);
}

/* Picks the next layer for a worker, under RUN->lock, or returns COUNT
 * when none may start now. The next layer to merge may always start, so
 * the merge never waits for a layer that no worker took. Any other starts
 * only while fewer than WINDOW layers are read or waiting, in RUN->order
 * (largest first, so that the longest layer does not start last). */
static size_t pick_layer(struct walk_run *run)
{
	size_t index;

	if (run->merged < run->count && !run->jobs[run->merged].started)
		return run->merged;
	if (run->started - run->merged >= run->window)
		return run->count;
	while (run->next < run->count) {
		index = run->order != NULL ? run->order[run->next] : run->next;
		if (!run->jobs[index].started)
			return index;
		run->next++;
	}
	return run->count;
}

/* Puts the calling worker in the background while it reads layer INDEX,
 * when that is not the largest layer, the largest is still being read,
 * and the worker's nice value can be restored afterwards. Under
 * RUN->lock. */
static void enter_background(struct walk_run *run, size_t index)
{
	pid_t tid = gettid();
	int before;
	size_t i;

	if (run->critical_done || index == run->critical || run->critical == run->count)
		return;
	for (i = 0; i < run->background_count; i++)
		if (run->background[i] == tid)
			return;
	if (run->background_count == MAX_THREADS)
		return;
	errno = 0;
	before = getpriority(PRIO_PROCESS, (id_t)tid);
	if (errno != 0 || before >= BACKGROUND_NICE)
		return;
	/* Probe: one step up and back down shows whether the way back is
	 * allowed. When it is not, the worker keeps a nice value one above
	 * its own, which is harmless, and stays in the foreground. */
	if (setpriority(PRIO_PROCESS, (id_t)tid, before + 1) != 0)
		return;
	if (setpriority(PRIO_PROCESS, (id_t)tid, before) != 0)
		return;
	if (setpriority(PRIO_PROCESS, (id_t)tid, BACKGROUND_NICE) != 0)
		return;
	run->background[run->background_count] = tid;
	run->background_nice[run->background_count] = before;
	run->background_count++;
}

/* Brings the calling worker back before it ends, so that no thread id
 * that may be reused stays in the list. Under RUN->lock. */
static void leave_background_self(struct walk_run *run)
{
	pid_t tid = gettid();
	size_t i;

	for (i = 0; i < run->background_count; i++) {
		if (run->background[i] != tid)
			continue;
		(void)setpriority(PRIO_PROCESS, (id_t)tid, run->background_nice[i]);
		run->background_count--;
		run->background[i] = run->background[run->background_count];
		run->background_nice[i] = run->background_nice[run->background_count];
		return;
	}
}

/* Brings every background worker back once the largest layer has been
 * read. Under RUN->lock. The threads of a layer pipeline (layer_pipe.c)
 * that a background worker started keep its nice value until that layer
 * ends. */
static void leave_background(struct walk_run *run)
{
	size_t i;

	run->critical_done = true;
	for (i = 0; i < run->background_count; i++)
		(void)setpriority(PRIO_PROCESS, (id_t)run->background[i], run->background_nice[i]);
	run->background_count = 0;
}

static void *worker_main(void *arg)
{
	struct walk_run *run = arg;

	for (;;) {
		size_t index = 0;

		pthread_mutex_lock(&run->lock);
		while (!atomic_load(&run->cancel) && run->started < run->count &&
		       (index = pick_layer(run)) == run->count)
			pthread_cond_wait(&run->changed, &run->lock);
		if (atomic_load(&run->cancel) || run->started >= run->count) {
			leave_background_self(run);
			pthread_mutex_unlock(&run->lock);
			return NULL;
		}
		run->jobs[index].started = true;
		run->started++;
		enter_background(run, index);
		pthread_mutex_unlock(&run->lock);

		read_job(run, index);

		pthread_mutex_lock(&run->lock);
		if (index == run->critical)
			leave_background(run);
		run->jobs[index].done = true;
		pthread_cond_broadcast(&run->changed);
		pthread_mutex_unlock(&run->lock);
	}
}

static void file_from_capture(struct st_walk_file *f, const struct st_capture *c)
{
	memset(f, 0, sizeof(*f));
	f->path = c->path;
	f->path_len = c->path_len;
	f->type = c->type;
	f->link_target = c->link_target;
	f->data = st_slice_make(c->data != NULL ? c->data : "", c->data_len);
	f->size = c->size;
	f->mode = c->mode;
	f->layer = c->layer;
	f->summarized = c->summarized;
}

struct visit {
	const struct st_walk_visitor *visitor;
	int (*fn)(void *ctx, const struct st_walk_file *f, struct strata_error *err);
	struct strata_error *err;
};

static int visit_capture(struct st_capture *c, void *ctx)
{
	struct visit *v = ctx;
	struct st_walk_file f;
	int rc;

	file_from_capture(&f, c);
	rc = v->fn(v->visitor->ctx, &f, v->err);
	return rc < 0 ? rc : 0;
}

static bool is_hidden(const struct st_capture *c, void *ctx)
{
	return st_path_set_hides(ctx, c->path, c->path_len);
}

struct removal {
	struct st_walk *walk; /* the layer being merged */
	struct visit *visit;
};

/* Tells the visitor about lower capture C when the layer being merged
 * removes it without writing the path itself. */
static int visit_removed(struct st_capture *c, void *ctx)
{
	struct removal *rm = ctx;
	struct st_walk *w = rm->walk;
	struct st_walk_file f;
	int rc;

	if (!w->opaque_root && !st_path_set_hides(&w->paths, c->path, c->path_len))
		return 0;
	/* A path the layer writes again is replaced, not removed, even when
	 * the new version was not captured (over its size cap). */
	if (st_view_find(&w->view, c->path, c->path_len) != NULL ||
	    (st_path_set_flags(&w->paths, c->path, c->path_len) & ST_PATH_FILE) != 0)
		return 0;
	memset(&f, 0, sizeof(f));
	f.path = c->path;
	f.path_len = c->path_len;
	f.type = c->type;
	f.data = st_slice_make("", 0);
	f.layer = w->layer;
	f.removed = true;
	rc = rm->visit->fn(rm->visit->visitor->ctx, &f, rm->visit->err);
	return rc < 0 ? rc : 0;
}

/* Merges the layer that JOB read into RUN->view. */
static int merge_job(struct walk_run *run, struct layer_job *job, struct strata_error *err)
{
	const struct strata_limits *lim = run->opts->limits;
	struct st_walk *w = &job->walk;
	struct visit visit = {run->visitor, run->visitor->on_layer_file, err};
	int rc;

	/* The lowest layer removes nothing; without a path set (opaque root
	 * aside) a layer hides nothing either. */
	if (visit.fn != NULL && run->view.count != 0 && (w->opaque_root || w->record_paths)) {
		struct removal rm = {w, &visit};

		rc = st_view_foreach(&run->view, visit_removed, &rm);
		if (rc < 0)
			return rc;
	}
	if (w->opaque_root)
		st_view_remove_under(&run->view, "", 0, w->layer);
	else if (w->record_paths && run->view.count != 0)
		st_view_remove_if(&run->view, is_hidden, &w->paths);
	if (visit.fn != NULL) {
		rc = st_view_foreach(&w->view, visit_capture, &visit);
		if (rc < 0)
			return rc;
	}
	if (run->visitor->observer != NULL && run->visitor->observer->on_layer_end != NULL) {
		const struct st_walk_observer *o = run->visitor->observer;

		rc = o->on_layer_end(o->ctx, w->layer, &w->view, err);
		if (rc < 0)
			return rc;
	}
	st_view_move_all(&run->view, &w->view);
	if (run->view.data_bytes > lim->cataloged_total_bytes)
		return st_error_set(err, STRATA_ELIMIT,
				    "layer %s: captured files would exceed the cataloged_total_bytes limit of %llu bytes",
				    w->layer_name, (unsigned long long)lim->cataloged_total_bytes);
	return 0;
}

static size_t thread_count(const struct strata_limits *lim, size_t layers)
{
	long online;
	size_t n = lim->scan_threads;

	if (n == 0) {
		online = sysconf(_SC_NPROCESSORS_ONLN);
		n = online > 0 ? (size_t)online : 1;
	}
	if (n > MAX_THREADS)
		n = MAX_THREADS;
	if (n > layers)
		n = layers;
	return n != 0 ? n : 1;
}

/* Waits until layer INDEX has been read by a worker. */
static void wait_for(struct walk_run *run, size_t index)
{
	pthread_mutex_lock(&run->lock);
	while (!run->jobs[index].done)
		pthread_cond_wait(&run->changed, &run->lock);
	pthread_mutex_unlock(&run->lock);
}

static void mark_merged(struct walk_run *run, size_t merged)
{
	pthread_mutex_lock(&run->lock);
	run->merged = merged;
	pthread_cond_broadcast(&run->changed);
	pthread_mutex_unlock(&run->lock);
}

/* Reads and merges every layer. THREADS is the count of workers started,
 * and with none each layer is read here, just before its merge. */
static int merge_layers(struct walk_run *run, size_t threads,
			struct st_walk_layer_stats *stats, struct strata_error *err)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < run->count; i++) {
		struct layer_job *job = &run->jobs[i];

		if (threads == 0)
			read_job(run, i);
		else
			wait_for(run, i);
		if (stats != NULL)
			stats[i] = job->stats;
		pass_messages(run, job);
		if (job->rc < 0) {
			if (err != NULL)
				*err = job->err;
			return job->rc;
		}
		rc = merge_job(run, job, err);
		st_walk_dispose(&job->walk);
		if (threads != 0)
			mark_merged(run, i + 1);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static size_t start_workers(struct walk_run *run, pthread_t *tids, size_t want)
{
	size_t started = 0;

	while (started < want && pthread_create(&tids[started], NULL, worker_main, run) == 0)
		started++;
	return started;
}

static void stop_workers(struct walk_run *run, pthread_t *tids, size_t started)
{
	size_t i;

	pthread_mutex_lock(&run->lock);
	atomic_store(&run->cancel, 1);
	pthread_cond_broadcast(&run->changed);
	pthread_mutex_unlock(&run->lock);
	for (i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
}

int st_walk_layers(size_t count, st_layer_opener open, void *open_ctx,
		   const char *const *names, const struct st_walk_visitor *v,
		   const struct st_walk_options *opts, struct st_walk_layer_stats *stats,
		   struct strata_error *err)
{
	return st_walk_layers_ordered(count, open, open_ctx, names, NULL, v, opts, stats, err);
}

int st_walk_layers_ordered(size_t count, st_layer_opener open, void *open_ctx,
			   const char *const *names, const size_t *order,
			   const struct st_walk_visitor *v, const struct st_walk_options *opts,
			   struct st_walk_layer_stats *stats, struct strata_error *err)
{
	pthread_t tids[MAX_THREADS];
	struct walk_run run;
	struct visit visit;
	size_t threads;
	size_t started = 0;
	size_t i;
	int rc;

	if (open == NULL || v == NULL || opts == NULL || opts->limits == NULL)
		return st_error_set(err, STRATA_EINVAL, "layer walk without an opener, visitor or limits");
	if (count > opts->limits->layers)
		return st_error_set(err, STRATA_ELIMIT,
				    "image has %zu layers, over the layers limit of %u", count,
				    opts->limits->layers);

	memset(&run, 0, sizeof(run));
	run.opts = opts;
	run.visitor = v;
	run.open = open;
	run.open_ctx = open_ctx;
	run.names = names;
	run.order = order;
	run.count = count;
	st_view_init(&run.view);
	if (stats != NULL)
		memset(stats, 0, count * sizeof(*stats));
	run.jobs = st_calloc(count != 0 ? count : 1, sizeof(*run.jobs));
	if (run.jobs == NULL)
		return st_error_set(err, STRATA_ENOMEM, "out of memory for %zu layers", count);
	pthread_mutex_init(&run.lock, NULL);
	pthread_cond_init(&run.changed, NULL);

	/* With one thread, each layer is read on the calling thread just
	 * before its merge, and no worker starts. */
	threads = thread_count(opts->limits, count);
	run.window = threads;
	run.critical = threads > 1 && order != NULL ? order[0] : count;
	if (threads > 1)
		started = start_workers(&run, tids, threads);
	rc = merge_layers(&run, started, stats, err);
	if (started != 0)
		stop_workers(&run, tids, started);

	visit.visitor = v;
	visit.fn = v->on_final_file;
	visit.err = err;
	if (rc == 0 && visit.fn != NULL)
		rc = st_view_foreach(&run.view, visit_capture, &visit);

	for (i = 0; i < count; i++) {
		st_walk_dispose(&run.jobs[i].walk);
		st_buf_dispose(&run.jobs[i].messages);
	}
	free(run.jobs);
	st_view_dispose(&run.view);
	pthread_cond_destroy(&run.changed);
	pthread_mutex_destroy(&run.lock);
	return rc;
}
