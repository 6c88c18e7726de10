/*
 * The worker threads' half of the cluster: every NATS request that waits
 * for its answer. The lease worker connects and takes or renews the
 * lease; the log worker publishes, fetches and takes over, one job at a
 * time, so the log's last sequence it keeps (c->tail) needs no lock.
 * Nothing here touches what the loop owns: results go back in the job.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* libnats' adapter defines its functions in the header, without
 * prototypes for all of them: included here only, and quietly. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-prototypes"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include <nats/adapters/libevent.h>
#pragma GCC diagnostic pop

#include "cluster_internal.h"
#include "xmalloc.h"

#define CLUSTER_MAX_SERVERS	16
/* A connection lost is retried for ever, this often. */
#define CLUSTER_RECONNECT_WAIT	250
/* Entries a fetch asks for, and how long it waits when there are none:
 * short, so that a takeover queued behind it waits little. */
#define CLUSTER_FETCH_BATCH	256
#define CLUSTER_FETCH_WAIT	200
/* Rounds of "read to the end, append the marker" before a takeover gives
 * up (each lost round is a deposed leader's late append). */
#define CLUSTER_TAKEOVER_ROUNDS	5
/* Empty fetches in a row after which a follower asks whether its
 * consumer still exists: one on a NATS server that died is gone, and
 * fetching from it only ever times out. */
#define CLUSTER_FETCH_CHECK	5
/* An abandoned follower's consumer is dropped by the servers after this. */
#define CLUSTER_CONSUMER_IDLE_NS (30LL * 1000 * 1000 * 1000)
#define NS_PER_MS		(1000LL * 1000)

/*
 * The lease's clock. CLOCK_BOOTTIME goes on while the machine is
 * suspended, as the NATS servers' clocks do; CLOCK_MONOTONIC would
 * stop, and a leader woken from a suspend would think it still leads.
 */
#ifdef CLOCK_BOOTTIME
#define CLUSTER_CLOCK	CLOCK_BOOTTIME
#else
#define CLUSTER_CLOCK	CLOCK_MONOTONIC
#endif

int64_t
cluster_mono_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLUSTER_CLOCK, &ts);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* The reason libnats gives for the last failure on this thread. */
static void
cluster_why(struct cluster_job *job, const char *what, natsStatus s,
    jsErrCode jerr)
{
	const char	*last = nats_GetLastError(NULL);

	if (last == NULL || *last == '\0')
		last = natsStatus_GetText(s);
	if (jerr != 0)
		snprintf(job->why, sizeof job->why, "%s: %s (JetStream "
		    "error %d)", what, last, (int)jerr);
	else
		snprintf(job->why, sizeof job->why, "%s: %s", what, last);
}

static natsStatus
cluster_options(struct cluster *c, struct cluster_job *job)
{
	const struct cluster_config	*cfg = &c->cfg;
	char				 urls[sizeof cfg->nats], *tok, *save;
	const char			*servers[CLUSTER_MAX_SERVERS];
	int				 n = 0, tls;
	natsStatus			 s;

	snprintf(urls, sizeof urls, "%s", cfg->nats);
	for (tok = strtok_r(urls, ", ", &save); tok != NULL &&
	    n < CLUSTER_MAX_SERVERS; tok = strtok_r(NULL, ", ", &save))
		servers[n++] = tok;
	tls = strstr(cfg->nats, "tls://") != NULL || *cfg->tls_ca != '\0' ||
	    *cfg->tls_cert != '\0';
	s = natsOptions_Create(&c->opts);
	if (s == NATS_OK)
		s = natsOptions_SetServers(c->opts, servers, n);
	if (s == NATS_OK)
		s = natsOptions_SetName(c->opts, cfg->node);
	if (s == NATS_OK)
		s = natsOptions_SetMaxReconnect(c->opts, -1);
	if (s == NATS_OK)
		s = natsOptions_SetReconnectWait(c->opts,
		    CLUSTER_RECONNECT_WAIT);
	if (s == NATS_OK)
		s = natsOptions_SetTimeout(c->opts, cfg->lease);
	if (s == NATS_OK && *cfg->credentials != '\0')
		s = natsOptions_SetUserCredentialsFromFiles(c->opts,
		    cfg->credentials, NULL);
	if (s == NATS_OK && tls)
		s = natsOptions_SetSecure(c->opts, true);
	if (s == NATS_OK && *cfg->tls_ca != '\0')
		s = natsOptions_LoadCATrustedCertificates(c->opts,
		    cfg->tls_ca);
	if (s == NATS_OK && *cfg->tls_cert != '\0')
		s = natsOptions_LoadCertificatesChain(c->opts, cfg->tls_cert,
		    cfg->tls_key);
	/* The sockets on the daemon's loop, not on a reader thread. */
	if (s == NATS_OK)
		s = natsOptions_SetEventLoop(c->opts, c->base,
		    natsLibevent_Attach, natsLibevent_Read, natsLibevent_Write,
		    natsLibevent_Detach);
	if (s != NATS_OK)
		cluster_why(job, "NATS options", s, 0);
	return (s);
}

/* The stream: bound if it exists, else created (file storage). */
static natsStatus
cluster_stream(struct cluster *c, struct cluster_job *job)
{
	jsStreamConfig	 sc;
	jsStreamInfo	*si = NULL;
	jsErrCode	 jerr = 0;
	const char	*subjects[1] = { c->subject };
	natsStatus	 s;

	s = js_GetStreamInfo(&si, c->js, c->stream, NULL, &jerr);
	if (s == NATS_NOT_FOUND || jerr == JSStreamNotFoundErr) {
		jsStreamConfig_Init(&sc);
		sc.Name = c->stream;
		sc.Subjects = subjects;
		sc.SubjectsLen = 1;
		sc.Storage = js_FileStorage;
		sc.Replicas = c->cfg.replicas;
		jerr = 0;
		s = js_AddStream(&si, c->js, &sc, NULL, &jerr);
		/* Another node made it between the two calls. */
		if (s != NATS_OK && jerr == JSStreamNameExistErr)
			s = js_GetStreamInfo(&si, c->js, c->stream, NULL,
			    &jerr);
	}
	if (s != NATS_OK) {
		cluster_why(job, c->stream, s, jerr);
		return (s);
	}
	if (si->Config->Replicas != c->cfg.replicas)
		snprintf(job->why, sizeof job->why, "stream %s has %lld "
		    "replicas, not %d", c->stream,
		    (long long)si->Config->Replicas, c->cfg.replicas);
	jsStreamInfo_Destroy(si);
	return (NATS_OK);
}

/* The lease's bucket: its entries live `lease` (a TTL in nanoseconds). */
static natsStatus
cluster_bucket(struct cluster *c, struct cluster_job *job)
{
	kvConfig	kc;
	natsStatus	s;

	s = js_KeyValue(&c->kv, c->js, c->bucket);
	if (s == NATS_NOT_FOUND) {
		kvConfig_Init(&kc);
		kc.Bucket = c->bucket;
		kc.History = 1;
		kc.TTL = c->cfg.lease * NS_PER_MS;
		kc.Replicas = c->cfg.replicas;
		kc.StorageType = js_FileStorage;
		s = js_CreateKeyValue(&c->kv, c->js, &kc);
	}
	if (s != NATS_OK)
		cluster_why(job, c->bucket, s, 0);
	return (s);
}

static void
cluster_setup(struct cluster *c, struct cluster_job *job)
{
	jsOptions	jo;
	natsStatus	s;

	if (c->opts == NULL && cluster_options(c, job) != NATS_OK)
		return;
	if (c->nc == NULL) {
		s = natsConnection_Connect(&c->nc, c->opts);
		if (s != NATS_OK) {
			c->nc = NULL;
			cluster_why(job, "connect", s, 0);
			return;
		}
	}
	if (c->js == NULL) {
		/* A request waits at most a lease: an answer later than that
		 * is useless to the lease, and a publish that slow fails. */
		jsOptions_Init(&jo);
		jo.Wait = c->cfg.lease;
		s = natsConnection_JetStream(&c->js, c->nc, &jo);
		if (s != NATS_OK) {
			c->js = NULL;
			cluster_why(job, "JetStream", s, 0);
			return;
		}
	}
	if (cluster_stream(c, job) != NATS_OK)
		return;
	if (c->kv == NULL && cluster_bucket(c, job) != NATS_OK)
		return;
	job->ok = 1;
}

/*
 * The lease's current holder ("node advertise") and revision: 1, 0 when
 * nobody holds it, -1 when NATS did not answer. mine: the value is this
 * node's, as when a write went through but its answer was lost.
 */
static int
cluster_holder(struct cluster *c, struct cluster_job *job)
{
	kvEntry		*e = NULL;
	const char	*v, *sp;
	natsStatus	 s;

	s = kvStore_Get(&e, c->kv, CLUSTER_LEASE_KEY);
	if (s == NATS_NOT_FOUND)
		return (0);
	if (s != NATS_OK) {
		cluster_why(job, "lease", s, 0);
		return (-1);
	}
	v = kvEntry_ValueString(e);
	job->mine = v != NULL && strcmp(v, c->lease_value) == 0;
	if (v != NULL && (sp = strchr(v, ' ')) != NULL)
		snprintf(job->holder, sizeof job->holder, "%s", sp + 1);
	job->seq = kvEntry_Revision(e);
	kvEntry_Destroy(e);
	return (1);
}

void
cluster_lease_run(void *arg)
{
	struct cluster_job	*job = arg;
	struct cluster		*c = job->c;
	uint64_t		 rev = 0, held;
	natsStatus		 s;

	job->sent = cluster_mono_ms();
	switch (job->kind) {
	case CLUSTER_JOB_SETUP:
		cluster_setup(c, job);
		break;
	case CLUSTER_JOB_TAKE:
		s = kvStore_CreateString(&rev, c->kv, CLUSTER_LEASE_KEY,
		    c->lease_value);
		if (s == NATS_OK) {
			job->ok = 1;
			job->seq = rev;
			break;
		}
		/* Held by someone: say by whom. By this node, if the entry
		 * was written and only the answer lost: taken, then. */
		cluster_why(job, "lease", s, 0);
		if (cluster_holder(c, job) == 1 && job->mine)
			job->ok = 1;
		break;
	case CLUSTER_JOB_RENEW:
		held = job->seq;
		s = kvStore_UpdateString(&rev, c->kv, CLUSTER_LEASE_KEY,
		    c->lease_value, held);
		if (s == NATS_OK) {
			job->ok = 1;
			job->seq = rev;
			break;
		}
		cluster_why(job, "lease renewal", s, 0);
		/* The revision moved (or the key lapsed): another node has
		 * it, or may take it; a timeout leaves it to the clock. */
		switch (cluster_holder(c, job)) {
		case 0:
			job->lost = 1;
			break;
		case 1:
			/* Our own write whose answer was lost renewed it. */
			if (job->mine)
				job->ok = 1;
			else
				job->lost = job->seq != held;
			break;
		}
		break;
	default:
		break;
	}
}

static void
cluster_keep(struct cluster_job *job, natsMsg *m, uint64_t seq)
{
	if (job->nmsgs == job->msgs_cap) {
		job->msgs_cap = job->msgs_cap == 0 ? CLUSTER_FETCH_BATCH :
		    job->msgs_cap * 2;
		job->msgs = xreallocarray(job->msgs, (size_t)job->msgs_cap,
		    sizeof *job->msgs);
		job->seqs = xreallocarray(job->seqs, (size_t)job->msgs_cap,
		    sizeof *job->seqs);
	}
	job->seqs[job->nmsgs] = seq;
	job->msgs[job->nmsgs++] = m;
}

/* The follower's consumer goes (the servers drop an ephemeral one when
 * asked, or after its idle threshold when they cannot be). */
static void
cluster_drop_sub(struct cluster *c)
{
	if (c->sub == NULL)
		return;
	natsSubscription_Unsubscribe(c->sub);
	natsSubscription_Destroy(c->sub);
	c->sub = NULL;
	c->idle_fetches = 0;
}

/* The stream sequence of an entry read through the consumer. */
static uint64_t
cluster_msg_seq(natsMsg *m)
{
	jsMsgMetaData	*meta = NULL;
	uint64_t	 seq = 0;

	if (natsMsg_GetMetaData(&meta, m) == NATS_OK) {
		seq = meta->Sequence.Stream;
		jsMsgMetaData_Destroy(meta);
	}
	return (seq);
}

/*
 * Up to a batch of entries from `from` on (the consumer is made at the
 * first fetch: ephemeral, acknowledged all at once). 0 with none; -1 on
 * an error, the consumer then dropped to be made again.
 */
static int
cluster_fetch(struct cluster *c, struct cluster_job *job, uint64_t from,
    uint64_t *last)
{
	jsSubOptions	 so;
	jsConsumerInfo	*ci = NULL;
	natsMsgList	 list = { 0 };
	jsErrCode	 jerr = 0;
	natsStatus	 s;
	uint64_t	 seq;
	int		 i;

	if (c->sub == NULL) {
		jsSubOptions_Init(&so);
		so.Stream = c->stream;
		so.Config.DeliverPolicy = js_DeliverByStartSequence;
		so.Config.OptStartSeq = from;
		so.Config.AckPolicy = js_AckAll;
		so.Config.InactiveThreshold = CLUSTER_CONSUMER_IDLE_NS;
		so.Config.Replicas = 1;
		s = js_PullSubscribe(&c->sub, c->js, c->subject, NULL, NULL,
		    &so, &jerr);
		if (s != NATS_OK) {
			c->sub = NULL;
			cluster_why(job, "follow the log", s, jerr);
			return (-1);
		}
	}
	s = natsSubscription_Fetch(&list, c->sub, CLUSTER_FETCH_BATCH,
	    CLUSTER_FETCH_WAIT, &jerr);
	if (s == NATS_TIMEOUT) {
		if (++c->idle_fetches % CLUSTER_FETCH_CHECK != 0)
			return (0);
		/* Gone with its server, or it delivered entries that never
		 * came (a reconnection lost them; redelivered only after
		 * the ack wait): a new one from the same sequence. */
		s = natsSubscription_GetConsumerInfo(&ci, c->sub, NULL, &jerr);
		if (s == NATS_OK && ci->Delivered.Stream < from) {
			jsConsumerInfo_Destroy(ci);
			return (0);
		}
		if (s == NATS_OK)
			snprintf(job->why, sizeof job->why, "the log's "
			    "consumer delivered up to %llu, not received: "
			    "made again",
			    (unsigned long long)ci->Delivered.Stream);
		else
			cluster_why(job, "the log's consumer is gone", s, jerr);
		jsConsumerInfo_Destroy(ci);
		cluster_drop_sub(c);
		return (-1);
	}
	c->idle_fetches = 0;
	if (s != NATS_OK) {
		cluster_why(job, "read the log", s, jerr);
		cluster_drop_sub(c);
		return (-1);
	}
	if (list.Count > 0)
		natsMsg_Ack(list.Msgs[list.Count - 1], NULL);
	for (i = 0; i < list.Count; i++) {
		seq = cluster_msg_seq(list.Msgs[i]);
		if (seq > *last)
			*last = seq;
		cluster_keep(job, list.Msgs[i], seq);
		list.Msgs[i] = NULL;
	}
	natsMsgList_Destroy(&list);
	return (1);
}

/*
 * One entry appended where the log's last sequence is c->tail: the
 * sequence check refuses it if anything was appended since (an empty
 * log: "no entry yet", as ExpectLastSeq 0 checks nothing).
 */
static int
cluster_append(struct cluster *c, struct cluster_job *job, natsMsg *m)
{
	jsPubOptions	 po;
	jsPubAck	*pa = NULL;
	jsErrCode	 jerr = 0;
	natsStatus	 s;

	jsPubOptions_Init(&po);
	po.ExpectStream = c->stream;
	if (c->tail == 0)
		po.ExpectNoMessage = true;
	else
		po.ExpectLastSeq = c->tail;
	s = js_PublishMsg(&pa, c->js, m, &po, &jerr);
	if (s != NATS_OK) {
		job->fenced = jerr == JSStreamWrongLastSequenceErr;
		cluster_why(job, job->fenced ? "fenced: another node leads" :
		    "publish", s, jerr);
		return (-1);
	}
	c->tail = pa->Sequence;
	job->seq = pa->Sequence;
	jsPubAck_Destroy(pa);
	return (0);
}

/*
 * The lease is ours: read the log to its end, then append a marker after
 * that end. Once the marker is in, a deposed leader's publish (fenced
 * by the end it knew) can only fail. A round lost to a late append from
 * the old leader reads that too and tries again.
 */
static void
cluster_takeover(struct cluster *c, struct cluster_job *job)
{
	jsStreamInfo	*si = NULL;
	jsErrCode	 jerr = 0;
	natsMsg		*m = NULL;
	natsStatus	 s;
	uint64_t	 end, last = job->seq;
	int		 round, rc, idle = 0;

	for (round = 0; round < CLUSTER_TAKEOVER_ROUNDS; round++) {
		s = js_GetStreamInfo(&si, c->js, c->stream, NULL, &jerr);
		if (s != NATS_OK) {
			cluster_why(job, c->stream, s, jerr);
			return;
		}
		end = si->State.LastSeq;
		jsStreamInfo_Destroy(si);
		/* The end must come within a lease, or the lease is gone. */
		while (last < end) {
			if ((rc = cluster_fetch(c, job, last + 1, &last)) < 0)
				return;
			if (rc == 0 && ++idle * CLUSTER_FETCH_WAIT >
			    c->cfg.lease) {
				snprintf(job->why, sizeof job->why, "the log's "
				    "end (%llu) did not come within a lease",
				    (unsigned long long)end);
				return;
			}
		}
		c->tail = last;
		if (natsMsg_Create(&m, c->subject, NULL, NULL, 0) != NATS_OK ||
		    natsMsgHeader_Set(m, CLUSTER_HDR_TERM, c->cfg.node) !=
		    NATS_OK || natsMsgHeader_Set(m, CLUSTER_HDR_ADVERTISE,
		    c->cfg.advertise) != NATS_OK) {
			natsMsg_Destroy(m);
			cluster_why(job, "marker", NATS_NO_MEMORY, 0);
			return;
		}
		rc = cluster_append(c, job, m);
		natsMsg_Destroy(m);
		if (rc == 0) {
			job->ok = 1;
			break;
		}
		if (!job->fenced)
			return;
		job->fenced = 0;
	}
	/* The leader reads nothing back: the consumer goes. */
	cluster_drop_sub(c);
}

void
cluster_log_run(void *arg)
{
	struct cluster_job	*job = arg;
	struct cluster		*c = job->c;
	natsMsg			*m = NULL;
	uint64_t		 last;

	job->sent = cluster_mono_ms();
	switch (job->kind) {
	case CLUSTER_JOB_FETCH:
		last = job->seq - 1;
		job->ok = cluster_fetch(c, job, job->seq, &last) >= 0;
		break;
	case CLUSTER_JOB_TAKEOVER:
		cluster_takeover(c, job);
		break;
	case CLUSTER_JOB_PUBLISH:
		/* The lease's clock, checked as late as can be: a node
		 * stopped past its lease publishes nothing on waking. */
		if (!atomic_load(&c->deposed) &&
		    job->sent >= atomic_load(&c->lease_until)) {
			snprintf(job->why, sizeof job->why, "the lease has "
			    "run out: not the leader");
			break;
		}
		if (natsMsg_Create(&m, c->subject, NULL, job->data,
		    (int)job->len) != NATS_OK) {
			cluster_why(job, "publish", NATS_NO_MEMORY, 0);
			break;
		}
		job->ok = cluster_append(c, job, m) == 0;
		natsMsg_Destroy(m);
		break;
	default:
		break;
	}
}

void
cluster_job_clear(struct cluster_job *job)
{
	int	i;

	for (i = 0; i < job->nmsgs; i++)
		natsMsg_Destroy(job->msgs[i]);
	free(job->msgs);
	free(job->seqs);
	job->msgs = NULL;
	job->seqs = NULL;
	job->nmsgs = job->msgs_cap = 0;
}

void
cluster_nats_close(struct cluster *c)
{
	if (c->sub != NULL)
		natsSubscription_Destroy(c->sub);
	if (c->kv != NULL)
		kvStore_Destroy(c->kv);
	if (c->js != NULL)
		jsCtx_Destroy(c->js);
	if (c->nc != NULL) {
		natsConnection_Close(c->nc);
		natsConnection_Destroy(c->nc);
	}
	if (c->opts != NULL)
		natsOptions_Destroy(c->opts);
	c->sub = NULL;
	c->kv = NULL;
	c->js = NULL;
	c->nc = NULL;
	c->opts = NULL;
}
