/*
 * engine_internal.h: the engine's private structures and the functions its
 * source files share. Nothing here is visible to the daemon.
 */
#ifndef HOTLINE_ENGINE_INTERNAL_H
#define HOTLINE_ENGINE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "calendar.h"
#include "engine.h"
#include "hmap.h"
#include "xmalloc.h"

#define IDX_NONE	UINT32_MAX
/*
 * A waiting ticket sits in one routing heap per ladder step it has reached
 * (slot = step index; slot 0 is the target's heap for TRANSFER AGENT) and
 * while unanswered (queued or offered) in its queue's age heap (oldest
 * first, for QUEUE STATS).
 */
#define SLOT_AGE	ENGINE_MAX_STEPS
#define NSLOTS		(ENGINE_MAX_STEPS + 1)
#define MAX_TIERS	ENGINE_MAX_TIERS	/* queue_stats arrays */
#define PRIORITY_MAX	1000
#define CAPACITY_MAX	1000
/* Cooldown exclusions make an agent look this far down a heap. */
#define WALK_MAX	64

struct ticket_private;
struct agent_private;
struct customer_private;
struct queue;
struct engine;

/*
 * theap.c: indexed binary heap of tickets. Entries carry a copy of the
 * ordering key, so sifting through a million tickets compares within the
 * array instead of chasing a pointer per comparison.
 */
struct theap_ent {
	hl_ms			 enqueued;
	uint64_t		 id;
	struct ticket_private	*t;
	int32_t			 eprio;
	uint32_t		 slot;
};
struct theap {
	struct theap_ent	*v;
	uint32_t		 n;
	uint32_t		 cap;
	bool			 age;		/* oldest first, not routing */
};

void	theap_init(struct theap *, bool age);
void	theap_free(struct theap *);
void	theap_insert(struct theap *, struct ticket_private *, uint32_t slot);
void	theap_remove(struct theap *, struct ticket_private *, uint32_t slot);
void	theap_update(struct theap *, struct ticket_private *, uint32_t slot);
struct ticket_private *theap_top(const struct theap *);
struct ticket_private *theap_find(const struct theap *, int max,
	    int (*ok)(const struct ticket_private *, void *), void *arg);
int	theap_before_route(const struct ticket_private *,
	    const struct ticket_private *);

/* timers.c: min-heap of deadlines, each cancellable through its index. */
enum tmr_kind {
	TMR_STEP,		/* ticket: ladder step ends */
	TMR_OFFER,		/* ticket: offer times out */
	TMR_PENDING,		/* ticket: pending until */
	TMR_COOL,		/* ticket: a reject cooldown ends */
	TMR_WRAPUP,		/* agent: wrap-up ends */
	TMR_SLA,		/* ticket: next SLA threshold (sla.c) */
	TMR_FOLLOWUP,		/* ticket: a scheduled follow-up is due */
	TMR_GRACE		/* agent: its reconnect grace ends */
};
struct tmr_ent {
	hl_ms		 at;
	uint64_t	 seq;
	void		*obj;
	uint32_t	*idxp;
	int		 kind;
};
struct timers {
	struct tmr_ent	*v;
	uint32_t	 n;
	uint32_t	 cap;
	uint64_t	 seq;
};

void	tmr_init(struct timers *);
void	tmr_free(struct timers *);
void	tmr_arm(struct timers *, hl_ms at, int kind, void *obj, uint32_t *idxp);
void	tmr_cancel(struct timers *, uint32_t *idxp);
hl_ms	tmr_next(const struct timers *);
int	tmr_pop_due(struct timers *, hl_ms now, struct tmr_ent *);

/* json.c: a tiny writer for event data objects. */
#define EJSON_DEPTH	8
struct ejson {
	char		*buf;
	size_t		 len;
	size_t		 cap;
	int		 depth;
	char		 closer[EJSON_DEPTH];
	bool		 first[EJSON_DEPTH];
};

void	 ejson_init(struct ejson *);
void	 ejson_free(struct ejson *);
void	 ejson_begin(struct ejson *);
void	 ejson_str(struct ejson *, const char *key, const char *);
void	 ejson_int(struct ejson *, const char *key, int64_t);
void	 ejson_bool(struct ejson *, const char *key, bool);
void	 ejson_object(struct ejson *, const char *key);
void	 ejson_array(struct ejson *, const char *key);
void	 ejson_close(struct ejson *);
const char *ejson_end(struct ejson *);

/* Private state. The public struct comes first, so a pointer converts. */
struct cooldown {
	uint32_t	 n;
	struct {
		uint32_t	uid;
		hl_ms		until;
	}		 e[];
};

struct ticket_private {
	struct ticket		 t;
	struct customer_private	*cust;
	struct ticket_private	*cnext;		/* the customer's tickets */
	struct ticket_private	*cprev;
	struct queue		*q;
	struct cooldown		*cool;		/* agents not re-offered */
	int32_t			 eprio;		/* effective priority */
	int16_t			 tier;		/* index; unknown tier: 0 */
	uint32_t		 hidx[NSLOTS];	/* heap index per slot */
	uint32_t		 tm_step;
	uint32_t		 tm_state;	/* offer, pending or follow-up */
	uint32_t		 tm_cool;
	uint32_t		 tm_sla;
};

struct desk;
struct group;

struct agent_private {
	struct agent		 a;
	uint32_t		 uid;		/* ties and cooldowns */
	enum agent_status	 base;		/* OFFLINE/AVAILABLE/WRAPUP/BREAK */
	/* The spell as the last agent.status left it (facts.c). */
	enum agent_status	 spell;
	char			 spell_reason[ENGINE_NAME_MAX];
	hl_ms			 spell_since;
	struct desk		*desk;
	struct group		*grp[ENGINE_MAX_GROUPS];
	struct queue		*sq[ENGINE_MAX_SKILLS];	/* per skill or NULL */
	uint32_t		 tm_wrapup;
	uint32_t		 tm_grace;
	hl_ms			 offer_until;	/* restore.c, until done */
};

struct customer_private {
	struct customer		 c;
	struct ticket_private	*tickets;
};

/*
 * A desk is a person's routing heap, keyed by name so that tickets can wait
 * for an account manager or transfer target that is not (yet) an agent.
 */
struct desk {
	char			 name[ENGINE_NAME_MAX];
	struct theap		 heap;
	struct agent_private	*agent;
};

struct group {
	char			 name[ENGINE_NAME_MAX];
	struct theap		 heap;
	struct agent_private	**mem;
	int			 nmem;
	int			 cmem;
};

/* slstats.c: service-level counters of one tier in one queue. */
struct sl_ring;

struct qagent {
	struct agent_private	*a;
	int			 level;
};

struct queue {
	struct queue_def	 def;
	bool			 retired;	/* gone from config, has tickets */
	struct theap		 heap;		/* skilled step reached */
	struct theap		 age;		/* unanswered, oldest first */
	struct qagent		*agents;	/* skilled for this queue */
	int			 nagents;
	int			 cagents;
	uint32_t		 rr_last;	/* round-robin: last uid */
	size_t			 nrefs;		/* tickets in memory */
	size_t			 nwaiting;
	size_t			 noffered;
	size_t			 nactive;	/* active and pending */
	size_t			 nscheduled;	/* follow-ups not due yet */
	size_t			 by_tier[MAX_TIERS];
	const struct calendar	*cal;		/* NULL: 24/7 */
	const struct sla_policy	*sla[MAX_TIERS];	/* per tier, or NULL */
	bool			 cal_changed;	/* during a reconfigure */
	struct sl_ring		*sl[MAX_TIERS];	/* per tier, made on use */
};

struct engine {
	bool			 presence_restored;	/* restore.c */
	hl_ms			 restarted_at;	/* presence from rows */
	engine_emit_fn		 emit;
	void			*emit_arg;
	struct tier_def		*tiers;
	int			 ntiers;
	struct queue		**queues;
	int			 nqueues;
	hl_ms			 reject_cooldown;
	uint64_t		 rng;
	struct hmap		 tickets;	/* lib/hmap.h, by id */
	struct hmap		 agents;	/* by name */
	struct hmap		 customers;	/* by id */
	struct hmap		 desks;
	struct hmap		 groups;
	struct timers		 timers;
	hl_ms			 clock;		/* latest time given */
	uint64_t		 next_id;
	uint32_t		 next_uid;
	struct ejson		 json;
	struct agent_private	**scratch;	/* routing candidates */
	size_t			 cscratch;
	struct calendar		*cals;		/* copies; zones borrowed */
	int			 ncals;
	struct sla_policy	*slas;
	int			 nslas;
	hl_ms			 short_abandon;
	struct followup_rule	*followups;	/* copies */
	int			 nfollowups;
	hl_ms			 repeat_window;
	char			 complaints_queue[ENGINE_NAME_MAX];
	/* The detail of the FACT_STATUS being emitted (facts.c). */
	char			 fact_detail[ENGINE_NAME_MAX + 8];
};

/* engine.c */
void	 eng_clock(struct engine *, hl_ms);
void	 eng_set_tiers(struct engine *, const struct engine_config *);
char	*eng_strdup(const char *);
void	 eng_free_str(char *);
extern char eng_empty[];
void	 eng_err(char *err, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
int	 eng_name_ok(const char *, const char *what, char *err);
int	 eng_name_stored_ok(const char *);
const char *eng_actor(const struct actor *);
struct queue *eng_queue(const struct engine *, const char *);
struct queue *eng_queue_make(struct engine *, const struct queue_def *);
void	 eng_queue_unref(struct engine *, struct queue *);
void	 eng_queue_destroy(struct engine *, struct queue *);
struct group *eng_group(struct engine *, const char *, bool create);
struct desk *eng_desk(struct engine *, const char *, bool create);
void	 eng_desk_release(struct engine *, struct desk *);
struct agent_private *eng_agent(const struct engine *, const char *);
struct customer_private *eng_customer(const struct engine *, const char *);
struct ticket_private *eng_ticket(const struct engine *, uint64_t);
int	 eng_tier_index(const struct engine *, const char *);
void	 eng_ticket_tier(struct engine *, struct ticket_private *);
void	 eng_qcount(struct ticket_private *, int delta);
void	 eng_emit_event(struct engine *, hl_ms, const char *actor,
	    enum event_type, const struct ticket *, const char *agent,
	    const char *customer, const char *data,
	    const struct engine_fact *, unsigned flags);
void	 eng_emit(struct engine *, hl_ms, const char *actor, enum event_type,
	    const char *agent, const char *customer, const char *data,
	    const struct engine_fact *);
void	 eng_emit_ticket(struct engine *, hl_ms, const char *actor,
	    enum event_type, struct ticket_private *, const char *agent,
	    const char *data, const struct engine_fact *);
void	 eng_emit_status(struct engine *, hl_ms, const char *actor,
	    struct agent_private *);
void	 eng_attrs_free(struct attr *, int);
int	 eng_attrs_copy(struct attr **, int *, const struct attr *, int);
void	 eng_links_agent(struct engine *, struct agent_private *);
void	 eng_unlink_agent(struct engine *, struct agent_private *);
void	 eng_ticket_destroy(struct engine *, struct ticket_private *);
void	 eng_customer_link(struct customer_private *, struct ticket_private *);
struct customer_private *eng_customer_make(struct engine *, const char *id,
	    hl_ms);

/* route.c */
const struct tier_def *route_tier(const struct engine *,
	    const struct ticket_private *);
void	 route_rekey(struct engine *, struct ticket_private *);
void	 route_file(struct engine *, struct ticket_private *);
void	 route_unfile(struct engine *, struct ticket_private *, bool all);
void	 route_ladder_start(struct engine *, struct ticket_private *, hl_ms);
void	 route_ladder_arm(struct engine *, struct ticket_private *);
void	 route_step_due(struct engine *, struct ticket_private *, hl_ms at,
	    hl_ms now);
bool	 route_agent_free(const struct agent_private *);
bool	 route_agent_open(const struct agent_private *);
void	 route_agent_sync(struct agent_private *, hl_ms);
void	 route_cool_add(struct engine *, struct ticket_private *,
	    const struct agent_private *, hl_ms);
void	 route_cool_clear(struct engine *, struct ticket_private *);
void	 route_cool_due(struct engine *, struct ticket_private *, hl_ms);
void	 route_ticket(struct engine *, struct ticket_private *, hl_ms);
void	 route_tickets(struct engine *, struct ticket_private **, size_t,
	    hl_ms);
void	 route_agent(struct engine *, struct agent_private *, hl_ms);
void	 route_all(struct engine *, hl_ms);
void	 route_unoffer(struct engine *, struct ticket_private *, hl_ms);
bool	 route_step_applies(const struct ticket_private *,
	    const struct ladder_step *);

/* ticket.c */
struct ticket_private *ticket_alloc(struct engine *, struct queue *,
	    struct customer_private *, const char *tier, hl_ms created);
void	 ticket_emit_created(struct engine *, hl_ms, const char *actor,
	    struct ticket_private *);
void	 ticket_emit_queued(struct engine *, hl_ms, const char *actor,
	    struct ticket_private *, const char *reason);
void	 ticket_offer_due(struct engine *, struct ticket_private *, hl_ms);
void	 ticket_pending_due(struct engine *, struct ticket_private *, hl_ms);
void	 ticket_return(struct engine *, struct ticket_private *, hl_ms,
	    const char *actor, const char *reason);
void	 ticket_move(struct engine *, struct ticket_private *, struct queue *,
	    hl_ms, const char *actor, const char *reason);

/* sla.c */
int	 sla_check_config(const struct engine_config *, char *err);
void	 sla_set_config(struct engine *, const struct engine_config *);
void	 sla_queue_bind(struct engine *, struct queue *);
const struct sla_policy *sla_policy(const struct ticket_private *);
void	 sla_start(struct engine *, struct ticket_private *);
void	 sla_state(struct engine *, struct ticket_private *,
	    enum ticket_state from, hl_ms);
const struct engine_fact *sla_accepted(struct engine *,
	    struct ticket_private *, hl_ms, bool first, struct engine_fact *);
const struct engine_fact *sla_abandoned(struct engine *,
	    struct ticket_private *, hl_ms, struct engine_fact *);
void	 sla_bring(struct engine *, struct ticket_private *, hl_ms);
void	 sla_retarget(struct engine *, struct ticket_private *, hl_ms);
void	 sla_check(struct engine *, struct ticket_private *, hl_ms);
void	 sla_due(struct engine *, struct ticket_private *, hl_ms at,
	    hl_ms now);
void	 sla_restore(struct engine *, struct ticket_private *, hl_ms);
void	 sla_reconfigure_begin(struct engine *, const struct engine_config *);
void	 sla_reconfigure_end(struct engine *);
void	 sla_free(struct engine *);
bool	 sla_cal_equal(const struct calendar *, const struct calendar *);

/* slstats.c */
enum sl_what {
	SL_ANSWERED,		/* arg: answer time; in_target */
	SL_ABANDONED,
	SL_SHORT_ABANDONED,
	SL_BREACH,		/* the answer clock */
	SL_RESOLVE_BREACH
};
void	 sl_count(struct engine *, struct ticket_private *, hl_ms at,
	    enum sl_what, hl_ms answer_ms, bool in_target);
void	 sl_count_in(struct engine *, struct queue *, int tier, hl_ms at,
	    enum sl_what, hl_ms answer_ms, bool in_target);
void	 sl_stats(const struct queue *, hl_ms now, struct queue_stats *);
void	 sl_remap(struct engine *);
void	 sl_free(struct queue *);

/* followup.c: satisfaction follow-ups (scheduled tickets). */
int	 followup_check_config(const struct engine_config *, char *err);
void	 followup_set_config(struct engine *, const struct engine_config *);
void	 followup_resolved(struct engine *, struct ticket_private *, hl_ms);
void	 followup_due(struct engine *, struct ticket_private *, hl_ms);
void	 followup_cancel(struct engine *, struct ticket_private *, hl_ms,
	    const char *actor);

/* insight.c: repeat contacts and complaint counts. */
int	 insight_check_config(const struct engine_config *, char *err);
void	 insight_set_config(struct engine *, const struct engine_config *);
void	 insight_opened(struct engine *, struct ticket_private *, hl_ms);
void	 insight_queued(struct engine *, struct ticket_private *);
/* facts.c */
const struct engine_fact *eng_fact(struct engine_fact *, enum fact_kind,
	    const struct ticket *, const char *queue, const char *agent,
	    hl_ms value, int flag);
void	 eng_work(struct ticket_private *, enum ticket_state from, hl_ms);
const struct engine_fact *eng_spell_end(struct engine *,
	    struct agent_private *, hl_ms, struct engine_fact *);

/* agent.c */
struct agent_private *agent_make(struct engine *, const char *, hl_ms);
void	 agent_wrapup_due(struct engine *, struct agent_private *, hl_ms);
void	 agent_grace_due(struct engine *, struct agent_private *, hl_ms);

#endif
