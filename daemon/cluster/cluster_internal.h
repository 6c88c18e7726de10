/*
 * cluster_internal.h: what cluster.c (the loop's side: roles, the lease's
 * clock, callbacks) and cluster-nats.c (the worker threads' side: the NATS
 * requests that wait for an answer) share.
 */
#ifndef HOTLINE_CLUSTER_INTERNAL_H
#define HOTLINE_CLUSTER_INTERNAL_H

#include <stdatomic.h>
#include <stdint.h>

#include <nats/nats.h>

#include "cluster.h"
#include "config.h"

#define CLUSTER_WHY_MAX		256
/* The lease's key in the bucket. */
#define CLUSTER_LEASE_KEY	"leader"
/* Headers of a log entry: a takeover's marker carries the node's name and
 * address; a batch carries neither. */
#define CLUSTER_HDR_TERM	"Hotline-Term"
#define CLUSTER_HDR_ADVERTISE	"Hotline-Advertise"

enum cluster_job_kind {
	CLUSTER_JOB_SETUP,	/* connect, bind or create stream and bucket */
	CLUSTER_JOB_TAKE,	/* create the lease key, else read its holder */
	CLUSTER_JOB_RENEW,	/* update it at the revision held */
	CLUSTER_JOB_FETCH,	/* a follower's next entries */
	CLUSTER_JOB_TAKEOVER,	/* read to the log's end, append a marker */
	CLUSTER_JOB_PUBLISH	/* a leader's batch, fenced */
};

struct cluster_job {
	enum cluster_job_kind	 kind;
	struct cluster		*c;
	int64_t			 sent;	/* monotonic ms the request left */
	int			 ok;
	int			 fenced; /* a sequence check refused it */
	int			 lost;	/* RENEW: another revision holds it */
	int			 mine;	/* the key's value is this node's */
	uint64_t		 seq;	/* in: rev held / from; out: rev, seq */
	char			 why[CLUSTER_WHY_MAX];
	char			 holder[sizeof(((struct cluster_config *)0)
				    ->advertise)];

	/* FETCH and TAKEOVER: the entries read, in order */
	natsMsg			**msgs;
	uint64_t		*seqs;		/* their stream sequences */
	int			 nmsgs;
	int			 msgs_cap;

	/* PUBLISH */
	void			*data;
	size_t			 len;
	cluster_ack_cb		 cb;
	void			*arg;
};

struct cluster {
	struct event_base	*base;
	struct cluster_config	 cfg;
	char			 stream[CLUSTER_NAME_MAX + 16];
	char			 subject[CLUSTER_NAME_MAX + 16];
	char			 bucket[CLUSTER_NAME_MAX + 16];
	char			 lease_value[CLUSTER_NAME_MAX +
				    sizeof(((struct cluster_config *)0)
				    ->advertise) + 2];

	/* Set by the SETUP job, then read by every job (the worker's pipe
	 * orders the write before them). */
	natsOptions		*opts;
	natsConnection		*nc;
	jsCtx			*js;
	kvStore			*kv;
	/* The log worker's own: the follower's pull subscription and the
	 * log's last sequence as this leader knows it. */
	natsSubscription	*sub;
	int			 idle_fetches;	/* empty, in a row */
	uint64_t		 tail;

	/* The loop's */
	struct worker		*lease_worker;
	struct worker		*log_worker;
	struct event		*tick;		/* the lease, every third */
	struct event		*retry;		/* log jobs, after errors */
	int			 ready;		/* SETUP done */
	int			 lease_busy;	/* a TAKE or RENEW running */
	int			 fetch_busy;	/* a FETCH or TAKEOVER */
	_Atomic int		 deposed;	/* cluster_test_depose() */
	enum cluster_role	 role;
	char			 leader[sizeof(((struct cluster_config *)0)
				    ->advertise)];
	uint64_t		 rev;		/* the lease's, while held */
	uint64_t		 applied;
	char			 last_warn[CLUSTER_WHY_MAX];	/* said once */
	cluster_apply_cb	 apply_cb;
	void			*apply_arg;
	cluster_role_cb		 role_cb;
	void			*role_arg;
	/* Monotonic ms until which this node may act as the leader: written
	 * on the loop, read by the log worker before each publish. */
	_Atomic int64_t		 lease_until;
};

int64_t	cluster_mono_ms(void);
/* The worker threads' halves of the jobs (cluster-nats.c). */
void	cluster_lease_run(void *job);
void	cluster_log_run(void *job);
/* Frees what the NATS side of a job holds (its entries). */
void	cluster_job_clear(struct cluster_job *);
/* Closes the connection and what hangs on it. */
void	cluster_nats_close(struct cluster *);

#endif
