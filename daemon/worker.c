#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <unistd.h>

#include <event2/event.h>

#include "log.h"
#include "worker.h"
#include "xmalloc.h"

struct worker_item {
	void			*job;
	TAILQ_ENTRY(worker_item) entry;
};
TAILQ_HEAD(worker_queue, worker_item);

struct worker {
	pthread_t		*threads;
	int			 nthreads;
	pthread_mutex_t		 lock;
	pthread_cond_t		 wake;
	struct worker_queue	 todo;
	int			 stop;
	int			 pipe[2];	/* thread -> loop: finished jobs */
	struct event		*ev;
	void			(*run)(void *);
	void			(*done)(void *);
};

static void *
worker_main(void *arg)
{
	struct worker		*w = arg;
	struct worker_item	*it;
	void			*job;
	ssize_t			 n;

	pthread_mutex_lock(&w->lock);
	for (;;) {
		while (!w->stop && TAILQ_EMPTY(&w->todo))
			pthread_cond_wait(&w->wake, &w->lock);
		if (w->stop)
			break;
		it = TAILQ_FIRST(&w->todo);
		TAILQ_REMOVE(&w->todo, it, entry);
		pthread_mutex_unlock(&w->lock);
		job = it->job;
		free(it);
		w->run(job);
		do
			n = write(w->pipe[1], &job, sizeof job);
		while (n < 0 && errno == EINTR);
		if (n != (ssize_t)sizeof job)
			fatalx("worker: cannot hand a result back");
		pthread_mutex_lock(&w->lock);
	}
	pthread_mutex_unlock(&w->lock);
	return (NULL);
}

/* On the loop thread: finish every job the thread is done with. */
static void
worker_done_cb(evutil_socket_t fd, short what, void *arg)
{
	struct worker	*w = arg;
	void		*job;

	while (read(fd, &job, sizeof job) == (ssize_t)sizeof job)
		w->done(job);
}

struct worker *
worker_start(struct event_base *base, void (*run)(void *),
    void (*done)(void *), char *err, size_t errlen)
{
	return (worker_start_pool(base, 1, run, done, err, errlen));
}

struct worker *
worker_start_pool(struct event_base *base, int nthreads, void (*run)(void *),
    void (*done)(void *), char *err, size_t errlen)
{
	struct worker	*w;
	int		 i;

	w = xcalloc(1, sizeof *w);
	TAILQ_INIT(&w->todo);
	w->run = run;
	w->done = done;
	if (pipe2(w->pipe, O_CLOEXEC) != 0) {
		snprintf(err, errlen, "worker: pipe: %s", strerror(errno));
		free(w);
		return (NULL);
	}
	/* Pointer-sized writes are atomic on a pipe; only the read side
	 * needs to be non-blocking. */
	evutil_make_socket_nonblocking(w->pipe[0]);
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->wake, NULL);
	w->ev = event_new(base, w->pipe[0], EV_READ | EV_PERSIST,
	    worker_done_cb, w);
	if (w->ev == NULL || event_add(w->ev, NULL) != 0)
		fatalx("cannot watch a worker's pipe");
	if (nthreads < 1)
		nthreads = 1;
	w->threads = xcalloc((size_t)nthreads, sizeof *w->threads);
	for (i = 0; i < nthreads; i++) {
		if (pthread_create(&w->threads[i], NULL, worker_main, w) != 0)
			fatalx("cannot start a worker thread");
		w->nthreads++;
	}
	return (w);
}

void
worker_submit(struct worker *w, void *job)
{
	struct worker_item	*it;

	it = xcalloc(1, sizeof *it);
	it->job = job;
	pthread_mutex_lock(&w->lock);
	TAILQ_INSERT_TAIL(&w->todo, it, entry);
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
}

void
worker_stop(struct worker *w, void (*drop)(void *))
{
	struct worker_item	*it;
	void			*job;
	int			 i;

	if (w == NULL)
		return;
	pthread_mutex_lock(&w->lock);
	w->stop = 1;
	pthread_cond_broadcast(&w->wake);
	pthread_mutex_unlock(&w->lock);
	for (i = 0; i < w->nthreads; i++)
		pthread_join(w->threads[i], NULL);
	free(w->threads);
	while ((it = TAILQ_FIRST(&w->todo)) != NULL) {
		TAILQ_REMOVE(&w->todo, it, entry);
		drop(it->job);
		free(it);
	}
	while (read(w->pipe[0], &job, sizeof job) == (ssize_t)sizeof job)
		drop(job);
	event_free(w->ev);
	close(w->pipe[0]);
	close(w->pipe[1]);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->wake);
	free(w);
}
