#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <unistd.h>

#include <sodium.h>
#include <event2/event.h>

#include "hasher.h"
#include "log.h"

struct hash_item {
	struct hash_job		*job;
	TAILQ_ENTRY(hash_item)	 entry;
};
TAILQ_HEAD(hash_queue, hash_item);

static struct {
	pthread_t		 thread;
	pthread_mutex_t		 lock;
	pthread_cond_t		 wake;
	struct hash_queue	 todo;
	int			 stop;
	int			 running;
	int			 pipe[2];	/* worker -> loop: finished jobs */
	struct event		*ev;
	size_t			 pending;
} hasher;

struct hash_job *
hasher_job_new(void)
{
	struct hash_job	*job;

	if ((job = calloc(1, sizeof *job)) == NULL)
		fatalx("out of memory");
	return (job);
}

static void *
hasher_main(void *arg)
{
	struct hash_item	*it;
	struct hash_job		*job;
	ssize_t			 n;

	pthread_mutex_lock(&hasher.lock);
	for (;;) {
		while (!hasher.stop && TAILQ_EMPTY(&hasher.todo))
			pthread_cond_wait(&hasher.wake, &hasher.lock);
		if (hasher.stop)
			break;
		it = TAILQ_FIRST(&hasher.todo);
		TAILQ_REMOVE(&hasher.todo, it, entry);
		pthread_mutex_unlock(&hasher.lock);
		job = it->job;
		free(it);
		job->ok = auth_verify(job->hash[0] != '\0' ? job->hash : NULL,
		    job->password);
		sodium_memzero(job->password, sizeof job->password);
		do
			n = write(hasher.pipe[1], &job, sizeof job);
		while (n < 0 && errno == EINTR);
		if (n != (ssize_t)sizeof job)
			fatalx("hasher: cannot hand a result back");
		pthread_mutex_lock(&hasher.lock);
	}
	pthread_mutex_unlock(&hasher.lock);
	return (NULL);
}

/* On the loop thread: finish every job the worker is done with. */
static void
hasher_done_cb(evutil_socket_t fd, short what, void *arg)
{
	struct hash_job	*job;
	ssize_t		 n;

	while ((n = read(fd, &job, sizeof job)) == (ssize_t)sizeof job) {
		hasher.pending--;
		job->done(job);
		free(job);
	}
}

int
hasher_start(struct event_base *base)
{
	TAILQ_INIT(&hasher.todo);
	if (pipe2(hasher.pipe, O_CLOEXEC) != 0)
		return (-1);
	/* Pointer-sized writes are atomic on a pipe; only the read side
	 * needs to be non-blocking. */
	evutil_make_socket_nonblocking(hasher.pipe[0]);
	pthread_mutex_init(&hasher.lock, NULL);
	pthread_cond_init(&hasher.wake, NULL);
	hasher.ev = event_new(base, hasher.pipe[0], EV_READ | EV_PERSIST,
	    hasher_done_cb, NULL);
	if (hasher.ev == NULL || event_add(hasher.ev, NULL) != 0)
		return (-1);
	if (pthread_create(&hasher.thread, NULL, hasher_main, NULL) != 0)
		return (-1);
	hasher.running = 1;
	return (0);
}

void
hasher_submit(struct hash_job *job)
{
	struct hash_item	*it;

	if ((it = calloc(1, sizeof *it)) == NULL)
		fatalx("out of memory");
	it->job = job;
	hasher.pending++;
	pthread_mutex_lock(&hasher.lock);
	TAILQ_INSERT_TAIL(&hasher.todo, it, entry);
	pthread_cond_signal(&hasher.wake);
	pthread_mutex_unlock(&hasher.lock);
}

size_t
hasher_pending(void)
{
	return (hasher.pending);
}

/* Jobs still queued or in the pipe are dropped: their clients are gone. */
void
hasher_stop(void)
{
	struct hash_item	*it;
	struct hash_job		*job;

	if (!hasher.running)
		return;
	pthread_mutex_lock(&hasher.lock);
	hasher.stop = 1;
	pthread_cond_signal(&hasher.wake);
	pthread_mutex_unlock(&hasher.lock);
	pthread_join(hasher.thread, NULL);
	while ((it = TAILQ_FIRST(&hasher.todo)) != NULL) {
		TAILQ_REMOVE(&hasher.todo, it, entry);
		free(it->job);
		free(it);
	}
	while (read(hasher.pipe[0], &job, sizeof job) == (ssize_t)sizeof job)
		free(job);
	event_free(hasher.ev);
	close(hasher.pipe[0]);
	close(hasher.pipe[1]);
	pthread_mutex_destroy(&hasher.lock);
	pthread_cond_destroy(&hasher.wake);
	hasher.running = 0;
}
