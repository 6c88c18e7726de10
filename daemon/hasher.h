/*
 * hasher.h: Argon2id off the loop. Verifying a password costs tens of
 * milliseconds and 64 MiB by design; done on the loop thread, every AUTH
 * would stall every client. A worker thread does it and hands the result
 * back to the loop through a pipe.
 */
#ifndef HOTLINE_HASHER_H
#define HOTLINE_HASHER_H

#include <stdint.h>

#include "auth.h"

struct event_base;

struct hash_job {
	char		 hash[AUTH_HASH_MAX];	/* "" : unknown user */
	char		 password[1024];
	int		 ok;			/* result: 1 if it matches */
	/* Called on the loop thread; the job is freed after it returns. */
	void		(*done)(struct hash_job *);
	void		*arg;			/* NULL if the requester left */
	char		 user[64];
	int		 role;
};

int	hasher_start(struct event_base *);
void	hasher_stop(void);
/* Queue a verification; job must come from hasher_job_new(). */
void	hasher_submit(struct hash_job *);
struct hash_job *hasher_job_new(void);
size_t	hasher_pending(void);

#endif
