#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "hasher.h"
#include "log.h"
#include "worker.h"
#include "xmalloc.h"

TAILQ_HEAD(hash_job_list, hash_job);

/* One source's waiting jobs; on its ring while it has any. */
struct hasher_source {
	char				 key[ENGINE_NAME_MAX + 8];
	struct hash_job_list		 jobs;
	size_t				 n;
	int				 priority;	/* on the first ring */
	TAILQ_ENTRY(hasher_source)	 ring;
};
TAILQ_HEAD(hasher_ring, hasher_source);

static struct worker		*hasher;
static struct hasher_ring	 hasher_ring = TAILQ_HEAD_INITIALIZER(hasher_ring);
/* Sources of priority jobs (hash_job.priority), served first. */
static struct hasher_ring	 hasher_prio = TAILQ_HEAD_INITIALIZER(hasher_prio);
static struct hash_job_list	 hasher_running = TAILQ_HEAD_INITIALIZER(hasher_running);
static struct hasher_stats	 stats;
static size_t			 queue_max = 1024, source_max = 256;

struct hash_job *
hasher_job_new(enum hash_op op)
{
	struct hash_job	*job;

	job = xcalloc(1, sizeof *job);
	job->op = op;
	return (job);
}

void
hasher_job_free(struct hash_job *job)
{
	sodium_memzero(job->password, sizeof job->password);
	sodium_memzero(job->newpass, sizeof job->newpass);
	free(job->ctx);
	free(job);
}

/* On a worker thread: touches the job only. */
static void
hasher_run(void *arg)
{
	struct hash_job	*job = arg;

	switch (job->op) {
	case HASH_VERIFY:
		job->ok = auth_verify(job->hash, job->password,
		    job->passwordlen);
		break;
	case HASH_CHANGE:
		job->ok = auth_verify(job->hash, job->password,
		    job->passwordlen);
		if (job->ok && auth_hash(job->newpass, job->newpasslen,
		    job->out, sizeof job->out) != 0)
			job->out[0] = '\0';
		break;
	case HASH_MAKE:
		job->ok = auth_hash(job->newpass, job->newpasslen, job->out,
		    sizeof job->out) == 0;
		break;
	}
	sodium_memzero(job->password, sizeof job->password);
	sodium_memzero(job->newpass, sizeof job->newpass);
}

/*
 * How many threads one source may hold at once: all but one when there
 * are several, so that a login from anywhere else finds a thread free
 * even while one address floods (and the flood gets less CPU).
 */
static int
hasher_may_run(const struct hasher_source *src)
{
	struct hash_job	*job;
	int		 n = 0, prio = 0;
	int		 cap = stats.threads > 1 ? stats.threads - 1 : 1;

	TAILQ_FOREACH(job, &hasher_running, entry) {
		if (strcmp(job->source, src->key) == 0 && ++n >= cap)
			return (0);
		prio += job->priority;
	}
	/* Priority jobs all together leave a thread to the others. */
	if (src->priority && prio >= cap && !TAILQ_EMPTY(&hasher_ring))
		return (0);
	return (1);
}

static struct hasher_ring *
hasher_ring_of(const struct hasher_source *src)
{
	return (src->priority ? &hasher_prio : &hasher_ring);
}

/* The next source whose turn it is: priority ones first. */
static struct hasher_source *
hasher_next(void)
{
	struct hasher_source	*src;

	TAILQ_FOREACH(src, &hasher_prio, ring)
		if (hasher_may_run(src))
			return (src);
	TAILQ_FOREACH(src, &hasher_ring, ring)
		if (hasher_may_run(src))
			return (src);
	return (NULL);
}

/* Hand waiting jobs to free threads, one source after the other. */
static void
hasher_pump(void)
{
	struct hasher_source	*src;
	struct hash_job		*job;

	while (stats.running < (size_t)stats.threads) {
		if ((src = hasher_next()) == NULL)
			return;
		job = TAILQ_FIRST(&src->jobs);
		TAILQ_REMOVE(&src->jobs, job, entry);
		TAILQ_REMOVE(hasher_ring_of(src), src, ring);
		if (--src->n > 0)
			TAILQ_INSERT_TAIL(hasher_ring_of(src), src, ring);
		else
			free(src);
		job->src = NULL;
		job->running = 1;
		TAILQ_INSERT_TAIL(&hasher_running, job, entry);
		stats.queued--;
		stats.running++;
		worker_submit(hasher, job);
	}
}

/* On the loop thread. */
static void
hasher_done(void *arg)
{
	struct hash_job	*job = arg;

	TAILQ_REMOVE(&hasher_running, job, entry);
	stats.running--;
	stats.done++;
	job->done(job);
	hasher_job_free(job);
	hasher_pump();
}

static int
hasher_ncpu(void)
{
	long	n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		return (1);
	return (n > HASHER_MAX_AUTO_THREADS ? HASHER_MAX_AUTO_THREADS :
	    (int)n);
}

int
hasher_start(struct event_base *base, int nthreads)
{
	char	err[256];

	if (nthreads <= 0)
		nthreads = hasher_ncpu();
	if ((hasher = worker_start_pool(base, nthreads, hasher_run,
	    hasher_done, err, sizeof err)) == NULL) {
		log_warnx("%s", err);
		return (-1);
	}
	stats.threads = nthreads;
	log_debug("password hashing on %d threads", nthreads);
	return (0);
}

void
hasher_configure(size_t qmax, size_t smax)
{
	queue_max = qmax;
	source_max = smax;
}

int
hasher_submit(struct hash_job *job)
{
	struct hasher_source	*src;
	struct hasher_ring	*ring = job->priority ? &hasher_prio :
				    &hasher_ring;

	TAILQ_FOREACH(src, ring, ring)
		if (strcmp(src->key, job->source) == 0)
			break;
	if ((queue_max > 0 && stats.queued >= queue_max) ||
	    (source_max > 0 && src != NULL && src->n >= source_max)) {
		stats.busy++;
		return (-1);
	}
	if (src == NULL) {
		src = xcalloc(1, sizeof *src);
		memcpy(src->key, job->source, sizeof src->key);
		src->priority = job->priority;
		TAILQ_INIT(&src->jobs);
		TAILQ_INSERT_TAIL(ring, src, ring);
	}
	TAILQ_INSERT_TAIL(&src->jobs, job, entry);
	src->n++;
	job->src = src;
	stats.queued++;
	hasher_pump();
	return (0);
}

void
hasher_cancel(struct hash_job *job)
{
	struct hasher_source	*src = job->src;

	job->arg = NULL;
	if (job->running)
		return;		/* hasher_done calls done for nobody */
	TAILQ_REMOVE(&src->jobs, job, entry);
	if (--src->n == 0) {
		TAILQ_REMOVE(hasher_ring_of(src), src, ring);
		free(src);
	}
	stats.queued--;
	stats.dropped++;
	job->dropped = 1;
	job->done(job);
	hasher_job_free(job);
}

const struct hasher_stats *
hasher_stats(void)
{
	return (&stats);
}

static void
hasher_drop(void *arg)
{
	hasher_job_free(arg);
}

/* At exit: waiting, running and finished jobs go; their clients are gone. */
void
hasher_stop(void)
{
	struct hasher_ring	*rings[] = { &hasher_prio, &hasher_ring };
	struct hasher_source	*src;
	struct hash_job		*job;
	size_t			 i;

	for (i = 0; i < sizeof rings / sizeof rings[0]; i++) {
		while ((src = TAILQ_FIRST(rings[i])) != NULL) {
			while ((job = TAILQ_FIRST(&src->jobs)) != NULL) {
				TAILQ_REMOVE(&src->jobs, job, entry);
				hasher_job_free(job);
			}
			TAILQ_REMOVE(rings[i], src, ring);
			free(src);
		}
	}
	worker_stop(hasher, hasher_drop);
	TAILQ_INIT(&hasher_running);
	hasher = NULL;
	memset(&stats, 0, sizeof stats);
}
