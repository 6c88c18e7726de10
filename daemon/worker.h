/*
 * worker.h: a thread (or a pool of them) that runs slow jobs off the loop
 * and hands each back to the loop through a pipe, so that one client's slow
 * request (a password check, a report over a year) never stalls the
 * others. The loop submits; `run` works on the thread and must touch
 * nothing the loop owns; `done` finishes the job on the loop.
 */
#ifndef HOTLINE_WORKER_H
#define HOTLINE_WORKER_H

#include <stddef.h>

struct event_base;
struct worker;

struct worker	*worker_start(struct event_base *, void (*run)(void *job),
		    void (*done)(void *job), char *err, size_t errlen);
/* The same with nthreads threads taking jobs from one queue: jobs run in
 * parallel and may finish out of order. */
struct worker	*worker_start_pool(struct event_base *, int nthreads,
		    void (*run)(void *job), void (*done)(void *job), char *err,
		    size_t errlen);
void		 worker_submit(struct worker *, void *job);
/* Jobs still queued, or finished and not yet handed back, are given to
 * drop (their clients are gone); a job running is waited for. */
void		 worker_stop(struct worker *, void (*drop)(void *job));

#endif
