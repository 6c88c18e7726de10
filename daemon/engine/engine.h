/*
 * engine.h: Hotline's domain core. Tickets, queues, agents, customers and
 * VIP-tier routing with routing ladders, as plain C with no I/O: commands
 * and the current time go in, state changes and events come out. The daemon
 * journals the events, persists the snapshots and drives the timers.
 */
#ifndef HOTLINE_ENGINE_H
#define HOTLINE_ENGINE_H

#include <stddef.h>
#include <stdint.h>

typedef int64_t hl_ms;			/* milliseconds since the Unix epoch */
/* Durations in hl_ms. */
#define HL_SECOND	1000LL
#define HL_MINUTE	(60 * HL_SECOND)
#define HL_HOUR		(60 * HL_MINUTE)
#define HL_DAY		(24 * HL_HOUR)

#define ENGINE_NAME_MAX		64	/* queue, tier, agent, group, customer id */
#define ENGINE_MAX_STEPS	8	/* routing ladder steps per tier */
#define ENGINE_MAX_GROUPS	8	/* groups per agent */
#define ENGINE_MAX_SKILLS	32	/* skills per agent */
#define ENGINE_MAX_SLA_STEPS	8	/* escalation steps per policy */
#define ENGINE_MAX_TIERS	16
#define ENGINE_MAX_FOLLOWUPS	8	/* [followup NAME] rules */
#define ENGINE_MAX_DISPOSITIONS	8	/* per follow-up rule and list */

/* Roles are bits so a command row can allow any set of them. */
enum role {
	ROLE_AGENT = 0x1,
	ROLE_SUPERVISOR = 0x2,
	ROLE_INTEGRATION = 0x4,
	ROLE_ADMIN = 0x8
};
#define ROLE_ANY	(ROLE_AGENT | ROLE_SUPERVISOR | ROLE_INTEGRATION | ROLE_ADMIN)
#define ROLE_FLOOR	(ROLE_AGENT | ROLE_SUPERVISOR | ROLE_ADMIN)
#define ROLE_MANAGE	(ROLE_SUPERVISOR | ROLE_ADMIN)

enum ticket_state {
	TICKET_QUEUED,
	TICKET_OFFERED,
	TICKET_ACTIVE,
	TICKET_PENDING,
	TICKET_RESOLVED,
	TICKET_CLOSED,
	TICKET_ABANDONED,
	TICKET_SCHEDULED	/* a follow-up waiting for its time */
};

enum agent_status {
	AGENT_OFFLINE,
	AGENT_AVAILABLE,
	AGENT_BUSY,
	AGENT_WRAPUP,
	AGENT_BREAK
};

/*
 * Whether the person behind an agent is there, apart from its status: a
 * desk connected, the last one closed within the reconnect grace
 * (detached: status and offer kept, no new offers), or nobody (absent:
 * never connected since start, logged out at the end of the grace, or
 * offline when the last desk closed). The daemon says which connections
 * come and go; the engine keeps the grace.
 */
enum agent_conn {
	AGENT_ABSENT,
	AGENT_CONNECTED,
	AGENT_DETACHED
};

enum strategy {
	STRATEGY_LONGEST_IDLE,
	STRATEGY_LEAST_BUSY,
	STRATEGY_ROUND_ROBIN,
	STRATEGY_TOP_SKILL,
	STRATEGY_RANDOM
};

/*
 * Ladder steps widen the eligible agents: at step k every agent of steps
 * 0..k may take the ticket. The last step lasts until the ticket is served.
 */
enum step_kind {
	STEP_MANAGER,		/* the customer's account manager */
	STEP_GROUP,		/* members of group (any queue skill) */
	STEP_SKILLED		/* any agent with a skill for the queue */
};

/*
 * A step may apply only to some tickets (customer insight): a step whose
 * condition is false is skipped, as one nobody can serve is, and its
 * agents are not eligible through it. The last step has no condition.
 */
enum step_cond {
	STEP_ALWAYS,
	STEP_IF_REPEAT,		/* the ticket is a repeat contact */
	STEP_IF_COMPLAINTS	/* the customer has >= cond_min complaints */
};

struct ladder_step {
	enum step_kind	kind;
	char		group[ENGINE_NAME_MAX];	/* STEP_GROUP only */
	hl_ms		duration;		/* ignored on the last step */
	enum step_cond	cond;
	int		cond_min;		/* STEP_IF_COMPLAINTS */
};

struct tier_def {
	char			name[ENGINE_NAME_MAX];
	int			base_priority;
	int			nsteps;
	struct ladder_step	steps[ENGINE_MAX_STEPS];
};

struct queue_def {
	char		name[ENGINE_NAME_MAX];
	enum strategy	strategy;
	hl_ms		wrapup;			/* after resolve; 0 = none */
	hl_ms		offer_timeout;		/* > 0 */
	int		max_missed;		/* missed offers in a row -> break */
	char		overflow[ENGINE_NAME_MAX];	/* "" = none */
	char		calendar[ENGINE_NAME_MAX];	/* "" = 24/7 */
	int		answer_business;	/* answer clock in business time */
};

/*
 * SLA clocks. answer: created -> accepted, wall time (business time if the
 * queue says so). resolve: created -> resolved, business time of the
 * queue's calendar, stopped while the ticket is pending.
 */
enum sla_clock {
	SLA_ANSWER,
	SLA_RESOLVE
};

/* Escalation actions, as bits of sla_step.actions. */
#define SLA_NOTIFY	0x1	/* ticket.escalated on the sla channel */
#define SLA_BOOST	0x2	/* priority + boost, waiting tickets reorder */
#define SLA_OVERFLOW	0x4	/* move to the overflow queue */
#define SLA_PAGE	0x8	/* ticket.escalated naming the account manager */

/* A step fires once per ticket, at percent% of its clock's target, or
 * (percent == 0) when its clock has run for `after`. */
struct sla_step {
	enum sla_clock	clock;
	int		percent;
	hl_ms		after;
	int		actions;
	int		boost;
	char		overflow[ENGINE_NAME_MAX];
};

/* The policy of a tier, or of a tier in one queue (queue != ""). */
struct sla_policy {
	char		tier[ENGINE_NAME_MAX];
	char		queue[ENGINE_NAME_MAX];	/* "" = every queue */
	hl_ms		answer;			/* 0 = no target */
	hl_ms		resolve;		/* 0 = no target */
	int		warning;		/* percent of target, 1-100 */
	int		nsteps;
	struct sla_step	steps[ENGINE_MAX_SLA_STEPS];
};

/*
 * Satisfaction follow-up: after TICKET RESOLVE, a ticket whose tier is in
 * tiers, or whose customer's segment is in segments, gets a follow-up
 * ticket (channel callback) in queue, scheduled delay after the resolve.
 * Dispositions filter: only those listed (none listed: any), never those
 * in skip (compared without case). The first rule that matches wins.
 */
struct followup_rule {
	char		name[ENGINE_NAME_MAX];
	char		tiers[ENGINE_MAX_TIERS][ENGINE_NAME_MAX];
	int		ntiers;
	unsigned	segments;		/* 1 << enum segment */
	char		only[ENGINE_MAX_DISPOSITIONS][ENGINE_NAME_MAX];
	int		nonly;
	char		skip[ENGINE_MAX_DISPOSITIONS][ENGINE_NAME_MAX];
	int		nskip;
	char		queue[ENGINE_NAME_MAX];
	hl_ms		delay;
	char		subject[128];
	int		priority;		/* manual bump, -1000..1000 */
};

struct calendar;

/* Tiers are ordered lowest first: tiers[0] is standard. */
struct engine_config {
	const struct tier_def	*tiers;
	int			 ntiers;
	const struct queue_def	*queues;
	int			 nqueues;
	hl_ms			 reject_cooldown; /* same agent not re-offered */
	uint64_t		 seed;		  /* for STRATEGY_RANDOM */
	/* Calendars are copied; their zone arrays are borrowed and must
	 * outlive the engine (or the next engine_reconfigure). */
	const struct calendar	*calendars;
	int			 ncalendars;
	const struct sla_policy	*slas;
	int			 nslas;
	hl_ms			 short_abandon;	  /* not counted against SL */
	const struct followup_rule *followups;
	int			 nfollowups;
	/* Customer insight: a ticket opened within repeat_window of the
	 * customer's previous one is a repeat contact (0: never); tickets
	 * that enter complaints_queue count as complaints (NULL or "": none). */
	hl_ms			 repeat_window;
	const char		*complaints_queue;
};

struct attr {
	char	*key;
	char	*value;
};

/* What is persisted of a ticket and shown by TICKET GET. */
struct ticket {
	uint64_t		id;
	enum ticket_state	state;
	char			queue[ENGINE_NAME_MAX];
	char			customer[ENGINE_NAME_MAX];
	char			tier[ENGINE_NAME_MAX];
	char			channel[16];
	char			*subject;		/* never NULL */
	char			*disposition;		/* never NULL */
	char			creator[ENGINE_NAME_MAX];
	char			agent[ENGINE_NAME_MAX];	/* offered/owner, or "" */
	char			target[ENGINE_NAME_MAX];	/* TRANSFER AGENT */
	int			priority;		/* manual bump */
	int			boost;			/* escalation boosts */
	int			step;			/* ladder step in force */
	hl_ms			created;
	hl_ms			enqueued;		/* FIFO key */
	hl_ms			updated;
	hl_ms			step_started;
	hl_ms			offered_at;
	hl_ms			accepted_at;
	hl_ms			resolved_at;
	hl_ms			pending_until;		/* 0 = none */
	/* SLA: dues are 0 when there is no target; resolve_due is 0 while
	 * pending (the clock is stopped). resolve_used is the business time
	 * counted up to clock_mark; paused the wall time spent pending. */
	hl_ms			answer_due;
	hl_ms			resolve_due;
	hl_ms			resolve_used;
	hl_ms			clock_mark;
	hl_ms			paused;
	uint32_t		sla_fired;	/* SLA_FIRED_* | step bits << 8 */
	int			escalations;	/* steps fired + by hand */
	/* Follow-ups: a follow-up names the ticket it follows up, that one
	 * names its follow-up. A follow-up is SCHEDULED until its `created`
	 * (its due time), when it joins its queue and its clocks start. */
	uint64_t		followup_of;
	uint64_t		followup;
	/* Insight: the customer's complaint count when the ticket last
	 * entered a queue (what ladder conditions see); whether it was a
	 * repeat contact when opened; whether it entered the complaints
	 * queue (counted once). */
	int			complaints;
	uint8_t			repeat_contact;
	uint8_t			complaint;
	/* Handle time: the holder's active time since its ACCEPT, pending
	 * spells left out. While active it holds that time minus the start
	 * of the running spell, so it needs no second field. */
	hl_ms			work;
	struct attr		*attrs;
	int			nattrs;
	int			csat;		/* TICKET RATE score, 0 = none */
	struct ticket_private	*priv;			/* engine use only */
};

/* Handle time so far (the holder's active time, pending left out). */
#define TICKET_WORK(t, now)	((t)->state == TICKET_ACTIVE ? \
				    (t)->work + (now) : (t)->work)
#define CSAT_MIN	1
#define CSAT_MAX	5
#define CSAT_COMMENT_MAX	4096

#define SLA_FIRED_ANSWER_WARNING	0x1
#define SLA_FIRED_ANSWER_BREACH		0x2
#define SLA_FIRED_RESOLVE_WARNING	0x4
#define SLA_FIRED_RESOLVE_BREACH	0x8
#define SLA_FIRED_STEP(i)		(0x100u << (i))

#define ENGINE_SKILL_MIN	1
#define ENGINE_SKILL_MAX	5
struct skill {
	char	queue[ENGINE_NAME_MAX];
	int	level;		/* ENGINE_SKILL_MIN to ENGINE_SKILL_MAX */
};

/* An agent's definition (persisted with the user) and live state. */
struct agent {
	char			name[ENGINE_NAME_MAX];
	int			role;
	struct skill		skills[ENGINE_MAX_SKILLS];
	int			nskills;
	char			groups[ENGINE_MAX_GROUPS][ENGINE_NAME_MAX];
	int			ngroups;
	int			capacity;		/* >= 1 */

	enum agent_status	status;
	char			reason[ENGINE_NAME_MAX];	/* break reason */
	hl_ms			status_since;
	hl_ms			idle_since;		/* longest-idle key */
	uint64_t		offer;			/* outstanding offer or 0 */
	int			active;			/* tickets accepted, not done */
	int			missed;			/* missed offers in a row */
	uint64_t		handled;		/* resolved since start */
	uint64_t		offered_total;
	enum agent_conn		conn;
	hl_ms			conn_since;		/* of conn */
	hl_ms			grace_until;		/* detached only */
	struct agent_private	*priv;
};

enum segment {
	SEGMENT_INDIVIDUAL,
	SEGMENT_FAMILY,
	SEGMENT_ENTERPRISE
};

struct customer {
	char		id[ENGINE_NAME_MAX];
	char		*name;			/* never NULL */
	char		*phone;			/* never NULL */
	char		tier[ENGINE_NAME_MAX];
	enum segment	segment;
	char		manager[ENGINE_NAME_MAX];	/* "" = none */
	struct attr	*attrs;
	int		nattrs;
	hl_ms		created;
	hl_ms		updated;
	/* Insight (not in the customer row: rebuilt from the tickets at
	 * recovery, engine_restore_complaints / engine_restore_contact). */
	int		complaints;	/* tickets that entered complaints */
	hl_ms		last_contact;	/* latest ticket opened, 0: none */
	uint8_t		last_repeat;	/* ... and it was a repeat contact */
};

/*
 * What reports count: the plain, non-personal figures of an outcome,
 * attached to the event that records it (REPORT, and the service level
 * of QUEUE STATS after a restart, are computed from these, never from the
 * encrypted event data). Times are the event's.
 */
enum fact_kind {
	FACT_ANSWERED,		/* first ACCEPT: value answer ms, flag in target */
	FACT_ABANDONED,		/* never answered: value wait ms since created */
	FACT_SHORT_ABANDONED,	/* the same within the short-abandon time */
	FACT_HANDLED,		/* RESOLVE: value the holder's handle ms */
	FACT_TRANSFERRED,	/* value the handle ms of the holder it left */
	FACT_ESCALATED,		/* flag 1 when by hand */
	FACT_ANSWER_BREACH,
	FACT_RESOLVE_BREACH,
	FACT_MISSED,		/* an offer timed out at agent */
	FACT_REJECTED,		/* an offer rejected by agent */
	FACT_RATED,		/* value the CSAT score */
	FACT_STATUS,		/* agent was in detail from since to the time */
	FACT_NKINDS
};

struct engine_fact {
	enum fact_kind	 kind;
	const char	*queue;		/* "" for FACT_STATUS */
	const char	*tier;
	const char	*agent;		/* "" when not about one */
	hl_ms		 value;
	int		 flag;
	hl_ms		 since;		/* FACT_STATUS: start of the spell */
	const char	*detail;	/* "ready", "wrapup", "break:<reason>" */
};

/*
 * What an event touches, so that its readers need not look anything up
 * (the journal, the store and the publisher read the event only):
 */
#define EVF_TICKET_NEW	 0x01	/* a ticket is created: its row is inserted */
#define EVF_TICKET_ROW	 0x02	/* the ticket's row changes */
#define EVF_CUSTOMER_ROW 0x04	/* the customer's row changes */
#define EVF_USER_ROW	 0x08	/* the agent's definition in its user row */
#define EVF_TICKET_FINAL 0x10	/* the ticket has left memory: row is its
				   last state, for the journal to keep */
#define EVF_SLA		 0x20	/* published on the sla channel too */

#define EVF_T		EVF_TICKET_ROW	/* every ticket event: `updated` */

/*
 * Every event type, in one table: its enum value, its name on the wire
 * and in the journal (stable: stored in the events table), and the EVF_*
 * flags every event of that type has. Adding an event is adding a row.
 * The last rows are the daemon's own (users, audit, reload), which the
 * engine never emits.
 */
#define ENGINE_EVENT_TYPES(X)						\
	X(EV_TICKET_CREATED,	"ticket.created",	EVF_T | EVF_TICKET_NEW)	\
	X(EV_TICKET_QUEUED,	"ticket.queued",	EVF_T)		\
	X(EV_TICKET_OFFERED,	"ticket.offered",	EVF_T)		\
	X(EV_TICKET_ACCEPTED,	"ticket.accepted",	EVF_T)		\
	X(EV_TICKET_REJECTED,	"ticket.rejected",	EVF_T)		\
	X(EV_TICKET_OFFER_TIMEOUT, "ticket.offer_timeout", EVF_T)	\
	X(EV_TICKET_NOTE,	"ticket.note",		EVF_T)		\
	X(EV_TICKET_TRANSFERRED, "ticket.transferred",	EVF_T)		\
	X(EV_TICKET_PENDING,	"ticket.pending",	EVF_T)		\
	X(EV_TICKET_RESUMED,	"ticket.resumed",	EVF_T)		\
	X(EV_TICKET_RESOLVED,	"ticket.resolved",	EVF_T)		\
	X(EV_TICKET_CLOSED,	"ticket.closed",	EVF_T | EVF_TICKET_FINAL) \
	X(EV_TICKET_ABANDONED,	"ticket.abandoned",	EVF_T | EVF_TICKET_FINAL) \
	X(EV_TICKET_TIER_CHANGED, "ticket.tier_changed", EVF_T)		\
	X(EV_TICKET_PRIORITY_CHANGED, "ticket.priority_changed", EVF_T)	\
	X(EV_TICKET_RATED,	"ticket.rated",		EVF_T)		\
	X(EV_TICKET_ESCALATED,	"ticket.escalated",	EVF_T | EVF_SLA) \
	X(EV_TICKET_SLA_CHANGED, "ticket.sla_changed",	EVF_T)		\
	X(EV_TICKET_STEP,	"ticket.step",		EVF_T)		\
	X(EV_TICKET_FOLLOWUP_SCHEDULED, "ticket.followup_scheduled", EVF_T) \
	X(EV_TICKET_FOLLOWUP_SKIPPED, "ticket.followup_skipped", EVF_T)	\
	X(EV_SLA_WARNING,	"sla.warning",		EVF_T | EVF_SLA) \
	X(EV_SLA_BREACH,	"sla.breach",		EVF_T | EVF_SLA) \
	X(EV_AGENT_ADDED,	"agent.added",		EVF_USER_ROW)	\
	X(EV_AGENT_UPDATED,	"agent.updated",	EVF_USER_ROW)	\
	X(EV_AGENT_DELETED,	"agent.deleted",	EVF_USER_ROW)	\
	X(EV_AGENT_STATUS,	"agent.status",		0)		\
	X(EV_AGENT_ATTACHED,	"agent.attached",	0)		\
	X(EV_AGENT_DETACHED,	"agent.detached",	0)		\
	X(EV_AGENT_REATTACHED,	"agent.reattached",	0)		\
	X(EV_AGENT_ABSENT,	"agent.absent",		0)		\
	X(EV_CUSTOMER_UPDATED,	"customer.updated",	EVF_CUSTOMER_ROW) \
	X(EV_USER_ADDED,	"user.added",		0)		\
	X(EV_USER_UPDATED,	"user.updated",		0)		\
	X(EV_USER_PASSWORD,	"user.password",	0)		\
	X(EV_USER_DELETED,	"user.deleted",		0)		\
	X(EV_AUDIT_LOGIN,	"audit.login",		0)		\
	X(EV_AUDIT_LOGIN_FAILED, "audit.login_failed",	0)		\
	X(EV_AUDIT_COMMAND,	"audit.command",	0)		\
	X(EV_CONFIG_RELOADED,	"config.reloaded",	0)

enum event_type {
#define ENGINE_EVENT_ENUM(e, name, flags)	e,
	ENGINE_EVENT_TYPES(ENGINE_EVENT_ENUM)
#undef ENGINE_EVENT_ENUM
	EV_NTYPES,
	EV_UNKNOWN = EV_NTYPES	/* a stored name no longer in the table */
};

/*
 * Every state change is one event. data is a JSON object text (never NULL,
 * at least "{}"). The pointers are valid only during the callback.
 * ticket = 0, queue and row NULL and agent/customer = NULL when not about
 * one. fact is NULL when the event counts for nothing in reports. Events
 * read back from the store carry neither flags, queue, row nor fact.
 */
struct engine_event {
	hl_ms		 time;
	enum event_type	 kind;
	const char	*type;		/* its name: event_type_name(kind) */
	unsigned	 flags;		/* EVF_*: the type's, and per event */
	uint64_t	 ticket;
	const char	*queue;		/* the ticket's queue after the event */
	const char	*agent;
	const char	*customer;
	const char	*actor;
	const char	*data;
	const struct engine_fact *fact;
	/* The ticket's row after the event. With EVF_TICKET_FINAL it is the
	 * last it will have (closed, abandoned, or a closed ticket rated
	 * from its stored row): whoever persists must copy it now. */
	const struct ticket *row;
};

typedef void (*engine_emit_fn)(void *arg, const struct engine_event *);

/* Who is asking: ownership rules depend on it. */
struct actor {
	const char	*name;
	int		 role;		/* one ROLE_* bit */
};

/*
 * Results; the reason is written into the caller's err buffer of errlen
 * bytes (ENGINE_ERRMAX holds any; err NULL with errlen 0: not wanted).
 */
enum engine_result {
	ENGINE_OK = 0,
	ENGINE_ERR = -1,		/* bad argument: -ERR */
	ENGINE_NOTFOUND = -2,		/* -NOTFOUND */
	ENGINE_BADSTATE = -3,		/* -BADSTATE */
	ENGINE_NOPERM = -4		/* -NOPERM */
};
#define ENGINE_ERRMAX	256

struct ticket_create {
	const char	*queue;
	const char	*customer;
	const char	*tier;		/* NULL: the customer's tier */
	const char	*subject;	/* NULL: "" */
	const char	*channel;	/* NULL: "voice" */
	int		 priority;
	const struct attr *attrs;
	int		 nattrs;
};

/* Fields of CUSTOMER SET; NULL leaves a field unchanged. */
struct customer_update {
	const char	*name;
	const char	*phone;
	const char	*tier;
	const char	*segment;
	const char	*manager;	/* "" clears */
	const struct attr *attrs;
	int		 nattrs;
};

/* Fields of AGENT ADD / AGENT SET; nskills/ngroups < 0 leaves unchanged. */
struct agent_update {
	int			 role;		/* 0 leaves unchanged */
	const struct skill	*skills;
	int			 nskills;
	const char		(*groups)[ENGINE_NAME_MAX];
	int			 ngroups;
	int			 capacity;	/* 0 leaves unchanged */
};

struct engine;

struct engine	*engine_new(const struct engine_config *, engine_emit_fn,
		    void *arg);
void		 engine_free(struct engine *);
/* Replace tiers and queues; queues in use that vanished are kept. */
int		 engine_reconfigure(struct engine *, const struct engine_config *,
		    char *err, size_t errlen);
/*
 * Added: validate a configuration without applying it (engine_new returns
 * NULL on what this refuses; this says why). ENGINE_OK or ENGINE_ERR.
 */
int		 engine_check_config(const struct engine_config *, char *err,
		    size_t errlen);

/* Names and parsing shared by the daemon and the engine. */
const char	*ticket_state_name(enum ticket_state);
int		 ticket_state_parse(const char *, enum ticket_state *);
const char	*agent_status_name(enum agent_status);
const char	*agent_conn_name(enum agent_conn);
const char	*strategy_name(enum strategy);
int		 strategy_parse(const char *, enum strategy *);
const char	*segment_name(enum segment);
int		 segment_parse(const char *, enum segment *);
const char	*role_name(int);
int		 role_parse(const char *);	/* ROLE_* bit or 0 */
int		 engine_valid_channel(const char *);
const char	*fact_kind_name(enum fact_kind);
int		 fact_kind_parse(const char *, enum fact_kind *);
const char	*event_type_name(enum event_type);
enum event_type	 event_type_parse(const char *);	/* or EV_UNKNOWN */
unsigned	 event_type_flags(enum event_type);
/* An event outside the engine (users, audit): the type's name and flags,
 * data "{}", nothing else. */
void		 engine_event_init(struct engine_event *, enum event_type,
		    hl_ms time, const char *actor);
int		 engine_has_queue(const struct engine *, const char *);
int		 engine_has_tier(const struct engine *, const char *);
/* Effective priority: tier base + boost + manual priority. */
int		 engine_ticket_priority(const struct engine *,
		    const struct ticket *);
/* Ladder step description such as "manager:alice" or "group:vip". */
#define ENGINE_STEP_MAX	(ENGINE_NAME_MAX + 16)	/* "manager:" and a name */
const char	*engine_ticket_step(const struct engine *, const struct ticket *,
		    char *buf, size_t len);

/* Timers: the daemon arms one timer at engine_next_deadline(). */
hl_ms		 engine_next_deadline(const struct engine *);	/* -1: none */
void		 engine_advance(struct engine *, hl_ms now);

/* Tickets. */
int	engine_ticket_create(struct engine *, hl_ms now, const struct actor *,
	    const struct ticket_create *, uint64_t *id, char *err,
	    size_t errlen);
const struct ticket *engine_ticket_get(const struct engine *, uint64_t id);
int	engine_ticket_accept(struct engine *, hl_ms, const struct actor *,
	    uint64_t, char *err, size_t errlen);
int	engine_ticket_reject(struct engine *, hl_ms, const struct actor *,
	    uint64_t, const char *reason, char *err, size_t errlen);
int	engine_ticket_note(struct engine *, hl_ms, const struct actor *,
	    uint64_t, const char *text, char *err, size_t errlen);
int	engine_ticket_transfer_queue(struct engine *, hl_ms,
	    const struct actor *, uint64_t, const char *queue, char *err,
	    size_t errlen);
int	engine_ticket_transfer_agent(struct engine *, hl_ms,
	    const struct actor *, uint64_t, const char *agent, char *err,
	    size_t errlen);
int	engine_ticket_pending(struct engine *, hl_ms, const struct actor *,
	    uint64_t, hl_ms until, char *err, size_t errlen);
int	engine_ticket_resume(struct engine *, hl_ms, const struct actor *,
	    uint64_t, char *err, size_t errlen);
int	engine_ticket_resolve(struct engine *, hl_ms, const struct actor *,
	    uint64_t, const char *disposition, char *err, size_t errlen);
int	engine_ticket_close(struct engine *, hl_ms, const struct actor *,
	    uint64_t, char *err, size_t errlen);
int	engine_ticket_abandon(struct engine *, hl_ms, const struct actor *,
	    uint64_t, char *err, size_t errlen);
int	engine_ticket_set_tier(struct engine *, hl_ms, const struct actor *,
	    uint64_t, const char *tier, char *err, size_t errlen);
int	engine_ticket_set_priority(struct engine *, hl_ms,
	    const struct actor *, uint64_t, int priority, char *err,
	    size_t errlen);
/*
 * CSAT: a score 1-5 and an optional comment (personal data) for a
 * resolved or closed ticket, once. A closed ticket is no longer in memory:
 * the caller passes its stored row as `stored`, which is updated (csat,
 * updated) for the caller to write back. Integrations (IVR and e-mail
 * surveys), supervisors and admins may rate; an agent only a ticket that
 * another agent handled (the follow-up call), never their own.
 */
int	engine_ticket_rate(struct engine *, hl_ms, const struct actor *,
	    uint64_t, int score, const char *comment, struct ticket *stored,
	    char *err, size_t errlen);
/* By hand (supervisor): notify, page the account manager, count it. */
int	engine_ticket_escalate(struct engine *, hl_ms, const struct actor *,
	    uint64_t, const char *reason, char *err, size_t errlen);
/* The SLA policy in force for a ticket (NULL: none), and its clocks now. */
const struct sla_policy *engine_ticket_sla(const struct engine *,
	    const struct ticket *);
hl_ms	engine_ticket_resolve_elapsed(const struct engine *,
	    const struct ticket *, hl_ms now);	/* business ms so far */
/* Calls fn for every ticket held in memory (all not closed/abandoned). */
void	engine_ticket_foreach(const struct engine *,
	    void (*fn)(const struct ticket *, void *), void *arg);
size_t	engine_ticket_count(const struct engine *);

/* Agents. */
int	engine_agent_add(struct engine *, hl_ms, const struct actor *,
	    const char *name, const struct agent_update *, char *err,
	    size_t errlen);
int	engine_agent_update(struct engine *, hl_ms, const struct actor *,
	    const char *name, const struct agent_update *, char *err,
	    size_t errlen);
int	engine_agent_delete(struct engine *, hl_ms, const struct actor *,
	    const char *name, char *err, size_t errlen);
const struct agent *engine_agent_get(const struct engine *, const char *);
int	engine_agent_ready(struct engine *, hl_ms, const struct actor *,
	    const char *name, char *err, size_t errlen);
int	engine_agent_break(struct engine *, hl_ms, const struct actor *,
	    const char *name, const char *reason, char *err, size_t errlen);
int	engine_agent_logout(struct engine *, hl_ms, const struct actor *,
	    const char *name, char *err, size_t errlen);
/*
 * Presence apart from the connection. attach: a desk of the agent
 * authenticated: an absent agent is attached (agent.attached); one within
 * its grace re-attaches (agent.reattached), status and offer as they
 * were, and takes new offers again. detach: the agent's last desk closed;
 * its status, offer and held tickets are kept for grace (agent.detached),
 * then it is logged out as by AGENT LOGOUT and absent (agent.absent).
 * With grace <= 0, or an agent offline with no offer, that happens at
 * once. Each call is a no-op when the agent is already so. 0, or -1 for
 * no such agent.
 */
int	engine_agent_attach(struct engine *, hl_ms, const char *name);
int	engine_agent_detach(struct engine *, hl_ms, const char *name,
	    hl_ms grace);
/* Whether the agent holding a ticket is there (connected or detached
 * within the grace); 1 for a ticket nobody holds or a non-agent. */
int	engine_agent_present(const struct engine *, const char *name);
void	engine_agent_foreach(const struct engine *,
	    void (*fn)(const struct agent *, void *), void *arg);
/*
 * The spell an agent is in, as its last agent.status event left it:
 * AGENT_OFFLINE, AGENT_AVAILABLE (ready: free or busy), AGENT_WRAPUP or
 * AGENT_BREAK (with its reason), and since when. Its FACT_STATUS comes
 * when it ends. -1 for no such agent.
 */
int	engine_agent_spell(const struct engine *, const char *name,
	    enum agent_status *, const char **reason, hl_ms *since);

/* Customers. */
int	engine_customer_set(struct engine *, hl_ms, const struct actor *,
	    const char *id, const struct customer_update *, char *err,
	    size_t errlen);
const struct customer *engine_customer_get(const struct engine *,
	    const char *id);
/* Repeat contact now: the customer's latest ticket was opened within the
 * repeat window of the one before, and is itself within it of now. */
int	engine_customer_repeat(const struct engine *, const struct customer *,
	    hl_ms now);

/* Queues: live statistics for QUEUE LIST / QUEUE STATS. */
/*
 * Service level counters of a window, per tier: answered (accepted),
 * answered within the answer target, abandoned after the short-abandon
 * threshold (short ones apart), answer-clock breaches, and the summed
 * answer times (for ASA). SL = in_target / (answered + abandoned).
 */
struct sl_counts {
	uint64_t	answered;
	uint64_t	in_target;
	uint64_t	abandoned;
	uint64_t	short_abandoned;
	uint64_t	breaches;
	hl_ms		answer_ms;
};

struct queue_stats {
	const char	*name;
	const char	*strategy;
	size_t		 waiting;
	size_t		 waiting_by_tier[ENGINE_MAX_TIERS];	/* tier order */
	hl_ms		 oldest_enqueued;	/* 0 = none waiting */
	size_t		 offered;
	size_t		 active;
	size_t		 scheduled;		/* follow-ups not due yet */
	size_t		 agents_by_status[5];	/* enum agent_status */
	/* Today (the queue calendar's local day), the last 15 min, hour. */
	struct sl_counts sl_today[ENGINE_MAX_TIERS];
	struct sl_counts sl_15m[ENGINE_MAX_TIERS];
	struct sl_counts sl_1h[ENGINE_MAX_TIERS];
	uint64_t	 breaches_today;	/* answer and resolve */
};
/* now: the windows are counted back from it. */
int	engine_queue_stats(const struct engine *, const char *queue,
	    hl_ms now, struct queue_stats *);
void	engine_queue_foreach(const struct engine *,
	    void (*fn)(const char *name, void *), void *arg);
const char *engine_tier_name(const struct engine *, int index);
int	 engine_tier_count(const struct engine *);

/*
 * Recovery: load what the store holds, without emitting events, then
 * finish. Offered tickets return to their queue at their original place
 * unless their agent's presence came back holding them; active and
 * pending ones stay with their agent; agents start offline unless their
 * presence is put back (engine_restore_presence[_restart]).
 */
int	engine_restore_ticket(struct engine *, const struct ticket *);
int	engine_restore_customer(struct engine *, const struct customer *);
int	engine_restore_agent(struct engine *, const struct agent *);
void	engine_restore_done(struct engine *, hl_ms now);
/*
 * What an agent has beyond its definition: status, break reason, spell,
 * wrap-up, the offer it holds and its counters since start. The daemon
 * keeps it, as of its last commit, to rebuild the engine after a failed
 * one exactly as it was, and stores it in the agent's row for a restart.
 * engine_restore_presence puts it back after the agents are restored and
 * before engine_restore_done, which then keeps the agent's offer (with
 * its deadline) instead of returning the ticket to its queue. 0, or -1
 * for no such agent.
 */
struct agent_presence {
	enum agent_status	base;		/* OFFLINE/AVAILABLE/WRAPUP/BREAK */
	enum agent_status	status;		/* as shown */
	char			reason[ENGINE_NAME_MAX];
	hl_ms			status_since;
	hl_ms			idle_since;
	hl_ms			wrapup_until;	/* 0: no wrap-up running */
	uint64_t		offer;
	int			missed;
	uint64_t		handled;
	uint64_t		offered_total;
	enum agent_status	spell;
	char			spell_reason[ENGINE_NAME_MAX];
	hl_ms			spell_since;
	enum agent_conn		conn;
	hl_ms			conn_since;
	hl_ms			grace_until;	/* detached: the grace's end */
	hl_ms			offer_until;	/* the offer's timeout; 0: the
						 * queue's from offered_at */
};
int	engine_agent_presence(const struct engine *, const char *name,
	    struct agent_presence *);
int	engine_restore_presence(struct engine *, const char *name,
	    const struct agent_presence *);
/*
 * After a restart: an agent's presence as its row last stored it (conn,
 * conn_since and grace_until ignored) comes back detached, with a grace
 * of grace from now; an offer it held is kept with a fresh offer timeout
 * from now; engine_restore_done emits agent.detached (reason "restart").
 * -1 (the agent stays offline) for grace <= 0, an offline agent with no
 * offer, or no such agent.
 */
int	engine_restore_presence_restart(struct engine *, hl_ms now,
	    const char *name, const struct agent_presence *, hl_ms grace);
/*
 * Customer insight comes from every ticket the store keeps, closed ones
 * included (they are not in memory): the number of complaint tickets,
 * and the latest ticket each customer opened within the repeat window
 * (the latest call per customer wins). 0, or -1 for an unknown customer.
 */
int	engine_restore_complaints(struct engine *, const char *customer,
	    int complaints);
int	engine_restore_contact(struct engine *, const char *customer,
	    hl_ms created, int repeat);
hl_ms	engine_repeat_window(const struct engine *);
/* Recount a service-level outcome of the past (a journaled fact of kind
 * ANSWERED, ABANDONED, SHORT_ABANDONED or *_BREACH), oldest first, into
 * QUEUE STATS' windows. Facts of queues no longer configured are dropped. */
void	engine_restore_sl(struct engine *, hl_ms at, const char *queue,
	    const char *tier, enum fact_kind, hl_ms value, int flag);
/* Ids are never reused: the next id is above every id ever issued. */
void	engine_set_next_id(struct engine *, uint64_t);
uint64_t engine_next_id(const struct engine *);

/*
 * The engine's invariants (check.c), for the unit tests, the command
 * fuzzer and debugging: 0, or -1 with the first one broken in err. now:
 * the time last given to the engine. It walks every ticket for every
 * agent: not for each command in production.
 */
int	engine_check_invariants(const struct engine *, hl_ms now, char *err,
	    size_t errlen);
/* Whether agent a may take ticket t at its step, read from the tier's
 * ladder (not from the routing heaps); cooldowns and status aside. */
int	engine_check_eligible(const struct engine *, const struct ticket *,
	    const struct agent *);

#endif
