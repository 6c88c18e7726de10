/*
 * The loop's half of the cluster: the role, the lease's clock, the order
 * of the log's jobs and every callback. The requests themselves run on
 * two workers (cluster-nats.c): the lease worker (connect, take, renew)
 * and the log worker (fetch, take over, publish), so a slow publish never
 * delays a renewal.
 *
 * Roles: a follower tries to take the lease at every tick (it succeeds
 * once the holder's entry has lapsed) and meanwhile fetches the log. A
 * node that takes it is a candidate: it reads the log to its end and
 * appends a marker there, fenced by that end; then it leads. A leader
 * renews at every tick, a third of the lease, and steps down when a
 * renewal finds another revision, when its own clock says the lease ran
 * out (minus a margin), or when the log's fence refuses a publish.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <event2/thread.h>

#include "cluster_internal.h"
#include "log.h"
#include "worker.h"
#include "xmalloc.h"

/* The leader stops acting this fraction of the lease before it ends by
 * its own clock: room for the servers' clocks running faster than its. */
#define CLUSTER_LEASE_MARGIN_DIV	10
#define CLUSTER_TICKS_PER_LEASE		3
/* A log job that failed (NATS unreachable) is tried again after this. */
#define CLUSTER_RETRY_MS		250
/* How long cluster_close waits for libnats' threads to end. */
#define CLUSTER_CLOSE_WAIT_MS		2000

static const char *cluster_role_names[] = { "follower", "candidate",
    "leader" };

static void	cluster_follow(struct cluster *);

int
cluster_init_threads(char *err, size_t errlen)
{
	if (evthread_use_pthreads() != 0) {
		snprintf(err, errlen, "libevent has no thread locks");
		return (-1);
	}
	return (0);
}

static struct cluster_job *
cluster_job_new(struct cluster *c, enum cluster_job_kind kind)
{
	struct cluster_job	*job = xcalloc(1, sizeof *job);

	job->c = c;
	job->kind = kind;
	return (job);
}

static void
cluster_job_free(struct cluster_job *job)
{
	cluster_job_clear(job);
	free(job->data);
	free(job);
}

/* A failure said once while it lasts (NATS down fails every tick). */
static void
cluster_warn(struct cluster *c, const char *why)
{
	if (strcmp(why, c->last_warn) == 0)
		return;
	snprintf(c->last_warn, sizeof c->last_warn, "%s", why);
	log_warnx("cluster %s: %s", c->cfg.name, why);
}

static void
cluster_set_role(struct cluster *c, enum cluster_role role)
{
	if (c->role == role)
		return;
	log_info("cluster %s: node %s is now %s (leader %s)", c->cfg.name,
	    c->cfg.node, cluster_role_names[role],
	    *c->leader != '\0' ? c->leader : "unknown");
	c->role = role;
	if (c->role_cb != NULL)
		c->role_cb(c->role_arg, role, c->leader);
}

static void
cluster_step_down(struct cluster *c, const char *why)
{
	if (c->role == CLUSTER_FOLLOWER)
		return;
	log_warnx("cluster %s: node %s steps down: %s", c->cfg.name,
	    c->cfg.node, why);
	atomic_store(&c->lease_until, 0);
	c->rev = 0;
	if (strcmp(c->leader, c->cfg.advertise) == 0)
		*c->leader = '\0';
	cluster_set_role(c, CLUSTER_FOLLOWER);
	cluster_follow(c);
}

/* The entries of a fetch or a takeover, in order, each once. */
static void
cluster_apply(struct cluster *c, struct cluster_job *job)
{
	const char	*v;
	int		 i;

	for (i = 0; i < job->nmsgs; i++) {
		if (job->seqs[i] <= c->applied)
			continue;	/* redelivered, or our own */
		c->applied = job->seqs[i];
		if (natsMsgHeader_Get(job->msgs[i], CLUSTER_HDR_ADVERTISE,
		    &v) == NATS_OK) {
			/* A takeover's marker: who leads from here. */
			if (strcmp(c->leader, v) != 0 &&
			    c->role == CLUSTER_FOLLOWER) {
				snprintf(c->leader, sizeof c->leader, "%s", v);
				if (c->role_cb != NULL)
					c->role_cb(c->role_arg, c->role,
					    c->leader);
			}
			continue;
		}
		if (c->apply_cb != NULL)
			c->apply_cb(c->apply_arg, job->seqs[i],
			    natsMsg_GetData(job->msgs[i]),
			    (size_t)natsMsg_GetDataLength(job->msgs[i]));
	}
}

static void
cluster_submit_log(struct cluster *c, enum cluster_job_kind kind)
{
	struct cluster_job	*job = cluster_job_new(c, kind);

	job->seq = kind == CLUSTER_JOB_FETCH ? c->applied + 1 : c->applied;
	c->fetch_busy = 1;
	worker_submit(c->log_worker, job);
}

/* The log's next read: a follower fetches, a candidate takes over. */
static void
cluster_follow(struct cluster *c)
{
	if (!c->ready || c->fetch_busy || evtimer_pending(c->retry, NULL))
		return;
	if (c->role == CLUSTER_FOLLOWER)
		cluster_submit_log(c, CLUSTER_JOB_FETCH);
	else if (c->role == CLUSTER_CANDIDATE)
		cluster_submit_log(c, CLUSTER_JOB_TAKEOVER);
}

static void
cluster_retry(evutil_socket_t fd, short what, void *arg)
{
	cluster_follow(arg);
}

static void
cluster_retry_later(struct cluster *c)
{
	struct timeval	tv = { 0, CLUSTER_RETRY_MS * 1000 };

	evtimer_add(c->retry, &tv);
}

static void
cluster_log_done(void *arg)
{
	struct cluster_job	*job = arg;
	struct cluster		*c = job->c;

	switch (job->kind) {
	case CLUSTER_JOB_FETCH:
	case CLUSTER_JOB_TAKEOVER:
		c->fetch_busy = 0;
		cluster_apply(c, job);
		if (job->kind == CLUSTER_JOB_TAKEOVER && job->ok &&
		    c->role == CLUSTER_CANDIDATE) {
			c->applied = job->seq;
			snprintf(c->leader, sizeof c->leader, "%s",
			    c->cfg.advertise);
			cluster_set_role(c, CLUSTER_LEADER);
			break;
		}
		if (!job->ok) {
			cluster_warn(c, job->why);
			cluster_retry_later(c);
			break;
		}
		/* A takeover that ended after the lease was lost: its
		 * marker is in the log, and is not news to this node. */
		if (job->kind == CLUSTER_JOB_TAKEOVER && job->seq > c->applied)
			c->applied = job->seq;
		*c->last_warn = '\0';
		cluster_follow(c);
		break;
	case CLUSTER_JOB_PUBLISH:
		if (job->ok && job->seq > c->applied)
			c->applied = job->seq;
		if (job->fenced)
			cluster_step_down(c, job->why);
		job->cb(job->arg, job->ok, job->seq, job->fenced, job->why);
		break;
	default:
		break;
	}
	cluster_job_free(job);
}

static void
cluster_lease_done(void *arg)
{
	struct cluster_job	*job = arg;
	struct cluster		*c = job->c;
	int64_t			 margin;

	c->lease_busy = 0;
	margin = c->cfg.lease / CLUSTER_LEASE_MARGIN_DIV;
	switch (job->kind) {
	case CLUSTER_JOB_SETUP:
		if (!job->ok) {
			cluster_warn(c, job->why);
			break;
		}
		*c->last_warn = '\0';
		if (*job->why != '\0')
			log_warnx("cluster %s: %s", c->cfg.name, job->why);
		log_info("cluster %s: node %s connected to NATS", c->cfg.name,
		    c->cfg.node);
		c->ready = 1;
		cluster_follow(c);
		event_active(c->tick, EV_TIMEOUT, 0);
		break;
	case CLUSTER_JOB_TAKE:
		if (job->ok) {
			c->rev = job->seq;
			atomic_store(&c->lease_until, job->sent +
			    c->cfg.lease - margin);
			cluster_set_role(c, CLUSTER_CANDIDATE);
			cluster_follow(c);
		} else if (*job->holder != '\0' &&
		    strcmp(job->holder, c->leader) != 0) {
			snprintf(c->leader, sizeof c->leader, "%s",
			    job->holder);
			if (c->role_cb != NULL)
				c->role_cb(c->role_arg, c->role, c->leader);
		} else if (*job->holder == '\0')
			cluster_warn(c, job->why);
		break;
	case CLUSTER_JOB_RENEW:
		if (c->role == CLUSTER_FOLLOWER || c->rev == 0)
			break;		/* stepped down meanwhile */
		if (job->ok) {
			c->rev = job->seq;
			atomic_store(&c->lease_until, job->sent +
			    c->cfg.lease - margin);
		} else if (job->lost)
			cluster_step_down(c, "the lease moved to another node");
		else
			cluster_warn(c, job->why);
		break;
	default:
		break;
	}
	cluster_job_free(job);
}

/* A third of the lease: renew it, or try to take it, or set up again. */
static void
cluster_tick(evutil_socket_t fd, short what, void *arg)
{
	struct cluster		*c = arg;
	struct cluster_job	*job;

	if (atomic_load(&c->deposed))
		return;
	if (c->role != CLUSTER_FOLLOWER &&
	    cluster_mono_ms() >= atomic_load(&c->lease_until))
		cluster_step_down(c, "the lease ran out before it was renewed");
	if (c->lease_busy)
		return;
	if (!c->ready)
		job = cluster_job_new(c, CLUSTER_JOB_SETUP);
	else if (c->role == CLUSTER_FOLLOWER)
		job = cluster_job_new(c, CLUSTER_JOB_TAKE);
	else {
		job = cluster_job_new(c, CLUSTER_JOB_RENEW);
		job->seq = c->rev;
	}
	c->lease_busy = 1;
	worker_submit(c->lease_worker, job);
}

struct cluster *
cluster_open(const struct cluster_config *cfg, struct event_base *base,
    uint64_t applied, char *err, size_t errlen)
{
	struct cluster	*c = xcalloc(1, sizeof *c);
	struct timeval	 tv;
	int64_t		 every = cfg->lease / CLUSTER_TICKS_PER_LEASE;

	c->base = base;
	c->cfg = *cfg;
	c->applied = applied;
	c->role = CLUSTER_FOLLOWER;
	snprintf(c->stream, sizeof c->stream, "HOTLINE_%s", cfg->name);
	snprintf(c->subject, sizeof c->subject, "hotline.%s.log", cfg->name);
	snprintf(c->bucket, sizeof c->bucket, "hotline_%s", cfg->name);
	snprintf(c->lease_value, sizeof c->lease_value, "%s %s", cfg->node,
	    cfg->advertise);
	c->lease_worker = worker_start(base, cluster_lease_run,
	    cluster_lease_done, err, errlen);
	if (c->lease_worker != NULL)
		c->log_worker = worker_start(base, cluster_log_run,
		    cluster_log_done, err, errlen);
	if (c->log_worker == NULL) {
		cluster_close(c);
		return (NULL);
	}
	c->tick = event_new(base, -1, EV_PERSIST, cluster_tick, c);
	c->retry = evtimer_new(base, cluster_retry, c);
	tv.tv_sec = every / 1000;
	tv.tv_usec = (every % 1000) * 1000;
	if (c->tick == NULL || c->retry == NULL ||
	    event_add(c->tick, &tv) != 0) {
		snprintf(err, errlen, "cluster: cannot start its timers");
		cluster_close(c);
		return (NULL);
	}
	/* Connecting waits on the network: on the lease worker too. */
	event_active(c->tick, EV_TIMEOUT, 0);
	return (c);
}

enum cluster_role
cluster_role(const struct cluster *c)
{
	return (c->role);
}

const char *
cluster_leader(const struct cluster *c)
{
	return (c->leader);
}

uint64_t
cluster_applied(const struct cluster *c)
{
	return (c->applied);
}

int
cluster_publish_batch(struct cluster *c, const void *data, size_t len,
    cluster_ack_cb cb, void *arg, char *err, size_t errlen)
{
	struct cluster_job	*job;

	if (c->role != CLUSTER_LEADER) {
		snprintf(err, errlen, "not the leader (leader is %s)",
		    *c->leader != '\0' ? c->leader : "unknown");
		return (-1);
	}
	job = cluster_job_new(c, CLUSTER_JOB_PUBLISH);
	job->data = xmemdup(data, len);
	job->len = len;
	job->cb = cb;
	job->arg = arg;
	worker_submit(c->log_worker, job);
	return (0);
}

void
cluster_on_apply(struct cluster *c, cluster_apply_cb cb, void *arg)
{
	c->apply_cb = cb;
	c->apply_arg = arg;
}

void
cluster_on_role(struct cluster *c, cluster_role_cb cb, void *arg)
{
	c->role_cb = cb;
	c->role_arg = arg;
}

void
cluster_test_depose(struct cluster *c)
{
	atomic_store(&c->deposed, 1);
}

/* A job the workers never handed back: a publish still says how it
 * ended (in the log if it ran and succeeded). */
static void
cluster_drop(void *arg)
{
	struct cluster_job	*job = arg;

	if (job->kind == CLUSTER_JOB_PUBLISH)
		job->cb(job->arg, job->ok, job->seq, job->fenced,
		    job->sent != 0 ? job->why : "the cluster is closing");
	cluster_job_free(job);
}

void
cluster_close(struct cluster *c)
{
	if (c == NULL)
		return;
	if (c->tick != NULL)
		event_free(c->tick);
	if (c->retry != NULL)
		event_free(c->retry);
	worker_stop(c->lease_worker, cluster_drop);
	worker_stop(c->log_worker, cluster_drop);
	cluster_nats_close(c);
	free(c);
	nats_CloseAndWait(CLUSTER_CLOSE_WAIT_MS);
}
