/*
 * hasher.h: Argon2id off the loop. Checking or making a password hash
 * costs tens of milliseconds and 64 MiB by design; done on the loop
 * thread, every AUTH would stall every client. A pool of worker threads
 * (one per core) does it and hands the result back to the loop.
 *
 * Jobs wait on the loop thread, not in the workers' queue: a worker is
 * handed a job only when it is free. So a job whose client left is dropped
 * before it is hashed, the waiting jobs are bounded (beyond the bound the
 * caller answers -BUSY), and they are served round-robin by source (the
 * client's address, or its user once logged in), one source holding at
 * most all threads but one: a flood from one address waits behind
 * itself, not in front of everybody else. A supervisor's or an
 * administrator's login goes first (hash_job.priority): a floor of desks
 * logging in at the start of a shift queues thousands of checks, and the
 * people who run the floor must not wait behind all of them.
 */
#ifndef HOTLINE_HASHER_H
#define HOTLINE_HASHER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>

#include "auth.h"
#include "engine.h"

enum hash_op {
	HASH_VERIFY,	/* password against hash: AUTH */
	HASH_MAKE,	/* a hash of newpass: AGENT ADD, AGENT PASSWD */
	HASH_CHANGE	/* password (OLD) against hash, then hash newpass */
};

struct event_base;
struct hasher_source;

struct hash_job {
	enum hash_op	 op;
	char		 hash[AUTH_HASH_MAX];	/* "" : unknown user */
	char		 password[AUTH_PASSWORD_MAX];
	size_t		 passwordlen;
	char		 newpass[AUTH_PASSWORD_MAX];
	size_t		 newpasslen;
	char		 out[AUTH_HASH_MAX];	/* HASH_MAKE, HASH_CHANGE */
	int		 ok;	/* password matched (VERIFY, CHANGE); hashed */
	int		 dropped;	/* never run: its client left first */
	/*
	 * Called once on the loop thread, whatever happened; the job is freed
	 * after it returns. arg is NULL if the requester left (then dropped
	 * says whether the job was run at all).
	 */
	void		(*done)(struct hash_job *);
	void		*arg;

	/* What the requester needs back. */
	char		 user[ENGINE_NAME_MAX];
	char		 host[128];
	int		 role;
	int		 demo;		/* the new password is the demo one */
	/*
	 * Served before every other job (a known supervisor's or admin's
	 * AUTH); such jobs still hold at most all threads but one while
	 * others wait, so guesses at an admin's password cannot starve the
	 * floor either.
	 */
	int		 priority;
	void		*ctx;		/* the requester's; free()d with the job */

	/* The hasher's. */
	char		 source[ENGINE_NAME_MAX + 8];
	int		 running;
	struct hasher_source	*src;
	TAILQ_ENTRY(hash_job)	 entry;
};

struct hasher_stats {
	int		threads;
	size_t		queued;		/* waiting for a free thread */
	size_t		running;
	uint64_t	done;		/* run to the end */
	uint64_t	dropped;	/* dropped unrun: their clients left */
	uint64_t	busy;		/* refused: the queue was full */
};

/* nthreads 0: one per core, at most HASHER_MAX_AUTO_THREADS. */
#define HASHER_MAX_AUTO_THREADS	8
int	hasher_start(struct event_base *, int nthreads);
/* Most jobs waiting, in all and per source (0: no bound). */
void	hasher_configure(size_t queue_max, size_t per_source_max);
void	hasher_stop(void);
struct hash_job *hasher_job_new(enum hash_op);
/* Take job (its source set), or -1 if the queue is full: the job is then
 * the caller's to free (hasher_job_free), unrun. */
int	hasher_submit(struct hash_job *);
/* The requester is gone: drop the job unrun if it still waits (done is
 * called at once with arg NULL), else let it finish for nobody. */
void	hasher_cancel(struct hash_job *);
void	hasher_job_free(struct hash_job *);
const struct hasher_stats *hasher_stats(void);

#endif
