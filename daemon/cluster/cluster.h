/*
 * cluster.h: the NATS JetStream edge of a cluster of hotlined (issue 15,
 * docs/CLUSTER.md). One stream, hotline.<name>.log, replicated on the NATS
 * servers, is the log of record; a key in a KV bucket whose entries live
 * `lease` is the leader's lease. This module takes, renews and loses the
 * lease, publishes the leader's batches fenced by the log's last sequence,
 * and hands a follower the log's entries in order. It knows nothing of
 * what a batch holds: the journal will give it bytes and apply bytes.
 *
 * Everything here is called on the loop's thread and every callback runs
 * there. The NATS connection's sockets are on the same libevent loop
 * (libnats' adapter); the requests that wait for an answer (the lease,
 * publishes, fetches) run on two worker threads, as a request made on the
 * loop's thread would wait for a reply only that thread can read.
 */
#ifndef HOTLINE_CLUSTER_H
#define HOTLINE_CLUSTER_H

#include <stddef.h>
#include <stdint.h>

struct cluster;
struct cluster_config;
struct event_base;

enum cluster_role {
	CLUSTER_FOLLOWER,	/* applies the log; refuses writes */
	CLUSTER_CANDIDATE,	/* holds the lease, catching up the log */
	CLUSTER_LEADER		/* holds the lease, its marker is in the log */
};

/*
 * A publish's end: ok, the batch is in the log at seq (a quorum of NATS
 * servers holds it); or not, with why. fenced: the log's sequence check
 * refused it, so another node leads: this node has stepped down.
 */
typedef void	(*cluster_ack_cb)(void *arg, int ok, uint64_t seq, int fenced,
		    const char *why);
/* An entry of the log, in order, on a follower (and on a candidate
 * catching up): the bytes a leader published at seq. */
typedef void	(*cluster_apply_cb)(void *arg, uint64_t seq, const void *,
		    size_t);
/* The role changed; leader is the leading node's advertise address when
 * known ("" otherwise). */
typedef void	(*cluster_role_cb)(void *arg, enum cluster_role,
		    const char *leader);

/*
 * Once per process, before the loop's event_base is made: the adapter
 * wakes the loop from the worker threads, which needs libevent's locks.
 */
int		 cluster_init_threads(char *err, size_t errlen);
/*
 * Starts connecting (in the background: the node is a follower until it
 * takes the lease); applied is the last log sequence already applied
 * (0: none), from which a follower resumes.
 */
struct cluster	*cluster_open(const struct cluster_config *,
		    struct event_base *, uint64_t applied, char *err,
		    size_t errlen);
enum cluster_role cluster_role(const struct cluster *);
/* The leader's advertise address, "" while unknown. */
const char	*cluster_leader(const struct cluster *);
/* The last log sequence applied or acknowledged here. */
uint64_t	 cluster_applied(const struct cluster *);
/*
 * The leader's batch goes to the log, after every batch published before
 * it; cb says how it ended. -1 (cb not called) when this node does not
 * lead.
 */
int		 cluster_publish_batch(struct cluster *, const void *,
		    size_t, cluster_ack_cb, void *arg, char *err,
		    size_t errlen);
void		 cluster_on_apply(struct cluster *, cluster_apply_cb,
		    void *arg);
void		 cluster_on_role(struct cluster *, cluster_role_cb, void *arg);
/* Publishes not yet acknowledged end with ok = 0. */
void		 cluster_close(struct cluster *);

/*
 * Tests only (tests/cluster/): this node stops renewing its lease and
 * stops watching its clock, so it goes on believing it leads while
 * another takes over: its next publish meets the log's sequence fence.
 */
void		 cluster_test_depose(struct cluster *);

#endif
