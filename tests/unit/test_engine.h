/*
 * test_engine.h: fixtures shared by the engine's unit tests. A fixture is
 * an engine on virtual time with a standard configuration and a recorder
 * of every event it emits (and, optionally, of the snapshot each event
 * names, as the daemon's store keeps them).
 */
#ifndef HOTLINE_TEST_ENGINE_H
#define HOTLINE_TEST_ENGINE_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdbool.h>
#include <cmocka.h>

#include "calendar.h"
#include "engine.h"

/* Tiers: standard, silver, gold (manager 10 s), diamond (manager 20 s, vip 30 s). */
#define T_STD		"standard"
#define T_SILVER	"silver"
#define T_GOLD		"gold"
#define T_DIAMOND	"diamond"
#define OFFER_MS	10000		/* every queue's offer timeout */
#define COOL_MS		5000		/* reject cooldown */

/* Rejected, missed or transferred away: not offered to that agent again. */
struct cool {
	uint64_t	 ticket;
	char		 agent[ENGINE_NAME_MAX];
	hl_ms		 until;
};

/* The report fact an event carried, its strings copied. */
struct tfact {
	bool		 set;
	enum fact_kind	 kind;
	char		 queue[ENGINE_NAME_MAX];
	char		 tier[ENGINE_NAME_MAX];
	char		 agent[ENGINE_NAME_MAX];
	char		 detail[ENGINE_NAME_MAX + 8];
	hl_ms		 value;
	hl_ms		 since;
	int		 flag;
};

struct tev {
	hl_ms		 time;
	enum event_type	 kind;
	char		 type[32];
	unsigned	 flags;
	uint64_t	 ticket;
	char		 queue[ENGINE_NAME_MAX];	/* "" when none */
	bool		 row;			/* a row came with it */
	enum ticket_state row_state;
	int		 row_csat;
	char		 agent[ENGINE_NAME_MAX];
	char		 customer[ENGINE_NAME_MAX];
	char		 actor[ENGINE_NAME_MAX];
	char		*data;
	struct tfact	 fact;
};

/* Every ticket the store keeps, closed ones too (insight rebuild). */
struct fx_hist {
	uint64_t	 id;
	char		 customer[ENGINE_NAME_MAX];
	hl_ms		 created;
	uint64_t	 followup_of;
	bool		 repeat;
	bool		 complaint;
};

struct fx {
	struct engine		*e;
	struct tier_def		 tiers[4];
	struct queue_def	 queues[3];
	struct followup_rule	 followups[4];	/* cfg.nfollowups in use */
	char			 complaints[ENGINE_NAME_MAX];
	struct sla_policy	 slas[8];	/* cfg.nslas in use */
	struct calendar		 cals[3];	/* cfg.ncalendars in use */
	struct engine_config	 cfg;
	hl_ms			 now;
	struct tev		*ev;
	size_t			 nev;
	size_t			 cev;
	bool			 quiet;		/* do not record events */
	bool			 check_offers;	/* each offer is the best */
	bool			 check_sla;	/* SLA events on live clocks */
	struct cool		*cool;		/* rejects and misses seen */
	size_t			 ncool;
	size_t			 ccool;

	/* The store, as the daemon keeps it: latest snapshot per event. */
	bool			 snap;
	struct ticket		*st;
	size_t			 nst;
	struct customer		*sc;
	size_t			 nsc;
	struct agent		*sa;
	size_t			 nsa;
	struct fx_hist		*hist;
	size_t			 nhist;

	/* fx_restore as a rebuild: agents' presence taken from this one. */
	struct fx		*presence_of;
	/* fx_restore as a restart with reconnect_grace restart_grace: the
	 * agents' presence rows as this one's agents are now. */
	struct fx		*restart_of;
	hl_ms			 restart_grace;
};

extern const struct actor	 SUP;
extern const struct actor	 ADMIN;
extern const struct actor	 INTEG;

struct fx	*fx_new(void);
void		 fx_start(struct fx *);
void		 fx_free(struct fx *);
int		 fx_setup(void **state);	/* fx_new, fx_start */
int		 fx_teardown(void **state);	/* fx_free */
void		 fx_emit(void *, const struct engine_event *);
struct actor	 fx_actor(const char *name);
void		 fx_agent(struct fx *, const char *name, const char *skills,
		    const char *groups, int capacity);
void		 fx_ready(struct fx *, const char *name);
uint64_t	 fx_create(struct fx *, const char *queue, const char *customer,
		    const char *tier);
void		 fx_at(struct fx *, hl_ms);
void		 fx_clear(struct fx *);
size_t		 fx_count(const struct fx *, const char *type, uint64_t ticket);
const struct tev *fx_last(const struct fx *, const char *type, uint64_t);
uint64_t	 fx_offer(const struct fx *, const char *agent);
enum ticket_state fx_state(const struct fx *, uint64_t);
void		 fx_accept(struct fx *, const char *agent, uint64_t);
void		 fx_finish(struct fx *, const char *agent, uint64_t);
void		 fx_manager(struct fx *, const char *customer, const char *mgr);

/* SLA set-up: fx->slas and fx->cals, before fx_start or a reload. */
struct sla_policy *fx_sla(struct fx *, const char *tier, const char *queue,
		    hl_ms answer, hl_ms resolve, int warning);
void		 fx_sla_step(struct sla_policy *, enum sla_clock, int percent,
		    hl_ms after, int actions, int boost, const char *overflow);
struct calendar	*fx_calendar(struct fx *, const char *name,
		    const struct cal_zone *, const char *days,
		    const char *hours);
void		 fx_hours(struct calendar *, const char *days,
		    const char *hours);
void		 fx_queue_calendar(struct fx *, const char *queue,
		    const char *calendar, int answer_business);

/* The engine's invariants (engine_check_invariants), checked after
 * every step of the randomized tests; a failure fails the test. */
void		 fx_invariants(struct fx *);
/* Cooldowns as the events gave them (rejects, misses, transfers). */
bool		 fx_cooled(const struct fx *, const struct ticket *,
		    const struct agent *, hl_ms);

/* Follow-up rules, before fx_start or a reload: tiers "gold,diamond"
 * (NULL: none), segments as bits. */
struct followup_rule *fx_followup(struct fx *, const char *name,
		    const char *tiers, unsigned segments, const char *queue,
		    hl_ms delay);

/* Snapshot store helpers for recovery. */
struct engine	*fx_restore(struct fx *, hl_ms now, struct fx *into);

extern const struct CMUnitTest	 test_engine_route_tests[];
extern const size_t		 test_engine_route_ntests;
extern const struct CMUnitTest	 test_engine_random_tests[];
extern const size_t		 test_engine_random_ntests;
extern const struct CMUnitTest	 test_engine_sla_tests[];
extern const size_t		 test_engine_sla_ntests;
extern const struct CMUnitTest	 test_engine_followup_tests[];
extern const size_t		 test_engine_followup_ntests;
extern const struct CMUnitTest	 test_engine_facts_tests[];
extern const size_t		 test_engine_facts_ntests;
extern const struct CMUnitTest	 test_engine_presence_tests[];
extern const size_t		 test_engine_presence_ntests;
extern const struct CMUnitTest	 test_engine_inv_tests[];
extern const size_t		 test_engine_inv_ntests;

#endif
