#include <stdlib.h>

#include <sodium.h>

#include "hasher.h"
#include "log.h"
#include "worker.h"

static struct worker	*hasher;
static size_t		 hasher_jobs;	/* queued or running */

struct hash_job *
hasher_job_new(void)
{
	struct hash_job	*job;

	if ((job = calloc(1, sizeof *job)) == NULL)
		fatalx("out of memory");
	return (job);
}

/* On the worker thread. */
static void
hasher_run(void *arg)
{
	struct hash_job	*job = arg;

	job->ok = auth_verify(job->hash[0] != '\0' ? job->hash : NULL,
	    job->password);
	sodium_memzero(job->password, sizeof job->password);
}

/* On the loop thread. */
static void
hasher_done(void *arg)
{
	struct hash_job	*job = arg;

	hasher_jobs--;
	job->done(job);
	free(job);
}

int
hasher_start(struct event_base *base)
{
	char	err[256];

	if ((hasher = worker_start(base, hasher_run, hasher_done, err,
	    sizeof err)) == NULL) {
		log_warnx("%s", err);
		return (-1);
	}
	return (0);
}

void
hasher_submit(struct hash_job *job)
{
	hasher_jobs++;
	worker_submit(hasher, job);
}

size_t
hasher_pending(void)
{
	return (hasher_jobs);
}

static void
hasher_drop(void *arg)
{
	struct hash_job	*job = arg;

	sodium_memzero(job->password, sizeof job->password);
	free(job);
}

/* Jobs still queued or handed back are dropped: their clients are gone. */
void
hasher_stop(void)
{
	worker_stop(hasher, hasher_drop);
	hasher = NULL;
	hasher_jobs = 0;
}
