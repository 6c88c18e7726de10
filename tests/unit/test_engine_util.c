/*
 * test_engine_util.c: fixtures for the engine tests (see test_engine.h):
 * the standard configuration, an event recorder that also keeps the
 * snapshot store the daemon would, and recovery from it. The invariant
 * checker is in test_engine_inv.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_engine.h"

const struct actor	SUP = { "sue", ROLE_SUPERVISOR };
const struct actor	ADMIN = { "root", ROLE_ADMIN };
const struct actor	INTEG = { "pbx", ROLE_INTEGRATION };

static void
fx_tier(struct tier_def *t, const char *name, int base)
{
	memset(t, 0, sizeof *t);
	snprintf(t->name, sizeof t->name, "%s", name);
	t->base_priority = base;
}

static void
fx_queue(struct queue_def *q, const char *name, hl_ms wrapup, int max_missed)
{
	memset(q, 0, sizeof *q);
	snprintf(q->name, sizeof q->name, "%s", name);
	q->strategy = STRATEGY_LONGEST_IDLE;
	q->wrapup = wrapup;
	q->offer_timeout = OFFER_MS;
	q->max_missed = max_missed;
}

struct fx *
fx_new(void)
{
	struct fx	*fx = calloc(1, sizeof *fx);

	assert_non_null(fx);
	fx_tier(&fx->tiers[0], T_STD, 0);
	fx->tiers[0].nsteps = 1;
	fx->tiers[0].steps[0].kind = STEP_SKILLED;
	fx_tier(&fx->tiers[1], T_SILVER, 100);
	fx->tiers[1].nsteps = 1;
	fx->tiers[1].steps[0].kind = STEP_SKILLED;
	fx_tier(&fx->tiers[2], T_GOLD, 200);
	fx->tiers[2].nsteps = 2;
	fx->tiers[2].steps[0].kind = STEP_MANAGER;
	fx->tiers[2].steps[0].duration = 10000;
	fx->tiers[2].steps[1].kind = STEP_SKILLED;
	fx_tier(&fx->tiers[3], T_DIAMOND, 300);
	fx->tiers[3].nsteps = 3;
	fx->tiers[3].steps[0].kind = STEP_MANAGER;
	fx->tiers[3].steps[0].duration = 20000;
	fx->tiers[3].steps[1].kind = STEP_GROUP;
	snprintf(fx->tiers[3].steps[1].group, ENGINE_NAME_MAX, "vip");
	fx->tiers[3].steps[1].duration = 30000;
	fx->tiers[3].steps[2].kind = STEP_SKILLED;
	fx_queue(&fx->queues[0], "billing", 0, 3);
	fx_queue(&fx->queues[1], "tech", 5000, 0);
	fx_queue(&fx->queues[2], "sales", 0, 2);
	fx->cfg.tiers = fx->tiers;
	fx->cfg.ntiers = 4;
	fx->cfg.queues = fx->queues;
	fx->cfg.nqueues = 3;
	fx->cfg.reject_cooldown = COOL_MS;
	fx->cfg.seed = 42;
	fx->cfg.slas = fx->slas;
	fx->cfg.calendars = fx->cals;
	fx->cfg.followups = fx->followups;
	snprintf(fx->complaints, sizeof fx->complaints, "sales");
	fx->cfg.complaints_queue = fx->complaints;
	fx->cfg.repeat_window = 3600000;
	fx->now = 1000000;
	return (fx);
}

void
fx_start(struct fx *fx)
{
	fx->e = engine_new(&fx->cfg, fx_emit, fx);
	assert_non_null(fx->e);
}

static void
snap_ticket_free(struct ticket *t)
{
	int	i;

	free(t->subject);
	free(t->disposition);
	for (i = 0; i < t->nattrs; i++) {
		free(t->attrs[i].key);
		free(t->attrs[i].value);
	}
	free(t->attrs);
}

static void
snap_customer_free(struct customer *c)
{
	int	i;

	free(c->name);
	free(c->phone);
	for (i = 0; i < c->nattrs; i++) {
		free(c->attrs[i].key);
		free(c->attrs[i].value);
	}
	free(c->attrs);
}

static struct attr *
snap_attrs(const struct attr *v, int n)
{
	struct attr	*c;
	int		 i;

	if (n == 0)
		return (NULL);
	c = calloc((size_t)n, sizeof *c);
	for (i = 0; i < n; i++) {
		c[i].key = strdup(v[i].key);
		c[i].value = strdup(v[i].value);
	}
	return (c);
}

void
fx_clear(struct fx *fx)
{
	size_t	i;

	for (i = 0; i < fx->nev; i++)
		free(fx->ev[i].data);
	fx->nev = 0;
}

/* cmocka's setup and teardown of a started fixture. */
int
fx_setup(void **state)
{
	struct fx	*fx = fx_new();

	fx_start(fx);
	*state = fx;
	return (0);
}

int
fx_teardown(void **state)
{
	fx_free(*state);
	return (0);
}

void
fx_free(struct fx *fx)
{
	size_t	i;

	if (fx == NULL)
		return;
	engine_free(fx->e);
	fx_clear(fx);
	free(fx->ev);
	for (i = 0; i < fx->nst; i++)
		snap_ticket_free(&fx->st[i]);
	free(fx->st);
	for (i = 0; i < fx->nsc; i++)
		snap_customer_free(&fx->sc[i]);
	free(fx->sc);
	free(fx->sa);
	free(fx->hist);
	free(fx->cool);
	free(fx);
}

/* What the store's ticket rows keep for the insight rebuild. */
static void
fx_history(struct fx *fx, const struct ticket *t)
{
	struct fx_hist	*h;
	size_t		 i;

	for (i = 0; i < fx->nhist && fx->hist[i].id != t->id; i++)
		;
	if (i == fx->nhist) {
		fx->hist = realloc(fx->hist, (fx->nhist + 1) *
		    sizeof *fx->hist);
		assert_non_null(fx->hist);
		fx->nhist++;
	}
	h = &fx->hist[i];
	h->id = t->id;
	snprintf(h->customer, sizeof h->customer, "%s", t->customer);
	h->created = t->created;
	h->followup_of = t->followup_of;
	h->repeat = t->repeat_contact != 0;
	h->complaint = t->complaint != 0;
}

/* The store's view: the latest snapshot of whatever an event names. */
static void
fx_snapshot(struct fx *fx, const struct engine_event *ev)
{
	const struct ticket	*t;
	const struct customer	*c;
	const struct agent	*a;
	size_t			 i;

	if (ev->ticket != 0) {
		for (i = 0; i < fx->nst && fx->st[i].id != ev->ticket; i++)
			;
		t = engine_ticket_get(fx->e, ev->ticket);
		/* A closed ticket is rated from its stored row, not memory. */
		if (t == NULL && strcmp(ev->type, "ticket.rated") == 0)
			return;
		assert_non_null(t);
		fx_history(fx, t);
		if (i < fx->nst)
			snap_ticket_free(&fx->st[i]);
		if (t->state == TICKET_CLOSED || t->state == TICKET_ABANDONED) {
			if (i < fx->nst)
				fx->st[i] = fx->st[--fx->nst];
		} else {
			if (i == fx->nst) {
				fx->st = realloc(fx->st, (fx->nst + 1) *
				    sizeof *fx->st);
				fx->nst++;
			}
			fx->st[i] = *t;
			fx->st[i].subject = strdup(t->subject);
			fx->st[i].disposition = strdup(t->disposition);
			fx->st[i].attrs = snap_attrs(t->attrs, t->nattrs);
			fx->st[i].priv = NULL;
		}
	}
	if (ev->customer != NULL) {
		c = engine_customer_get(fx->e, ev->customer);
		assert_non_null(c);
		for (i = 0; i < fx->nsc && strcmp(fx->sc[i].id, c->id); i++)
			;
		if (i == fx->nsc) {
			fx->sc = realloc(fx->sc, (fx->nsc + 1) * sizeof *fx->sc);
			fx->nsc++;
		} else
			snap_customer_free(&fx->sc[i]);
		fx->sc[i] = *c;
		fx->sc[i].name = strdup(c->name);
		fx->sc[i].phone = strdup(c->phone);
		fx->sc[i].attrs = snap_attrs(c->attrs, c->nattrs);
	}
	if (ev->agent != NULL && strncmp(ev->type, "agent.", 6) == 0) {
		for (i = 0; i < fx->nsa && strcmp(fx->sa[i].name, ev->agent);
		    i++)
			;
		if ((a = engine_agent_get(fx->e, ev->agent)) == NULL) {
			assert_string_equal(ev->type, "agent.deleted");
			if (i < fx->nsa)
				fx->sa[i] = fx->sa[--fx->nsa];
			return;
		}
		if (i == fx->nsa) {
			fx->sa = realloc(fx->sa, (fx->nsa + 1) * sizeof *fx->sa);
			fx->nsa++;
		}
		fx->sa[i] = *a;
		fx->sa[i].priv = NULL;
	}
}

bool
fx_cooled(const struct fx *fx, const struct ticket *t, const struct agent *a,
    hl_ms now)
{
	size_t	i;

	for (i = 0; i < fx->ncool; i++) {
		if (fx->cool[i].ticket == t->id && fx->cool[i].until > now &&
		    strcmp(fx->cool[i].agent, a->name) == 0)
			return (true);
	}
	return (false);
}

static void
fx_note_cool(struct fx *fx, const struct engine_event *ev)
{
	size_t	i;

	for (i = 0; i < fx->ncool; ) {
		if (fx->cool[i].until < ev->time)
			fx->cool[i] = fx->cool[--fx->ncool];
		else
			i++;
	}
	if (strcmp(ev->type, "ticket.rejected") != 0 &&
	    strcmp(ev->type, "ticket.offer_timeout") != 0 &&
	    (strcmp(ev->type, "ticket.transferred") != 0 ||
	    ev->agent == NULL || strstr(ev->data, "\"from_queue\"") == NULL))
		return;
	if (fx->ncool == fx->ccool) {
		fx->ccool = fx->ccool ? fx->ccool * 2 : 64;
		fx->cool = realloc(fx->cool, fx->ccool * sizeof *fx->cool);
		assert_non_null(fx->cool);
	}
	fx->cool[fx->ncool].ticket = ev->ticket;
	snprintf(fx->cool[fx->ncool].agent, ENGINE_NAME_MAX, "%s", ev->agent);
	fx->cool[fx->ncool].until = ev->time + fx->cfg.reject_cooldown;
	fx->ncool++;
}

struct best {
	struct fx		*fx;
	const struct agent	*a;
	const struct ticket	*offered;
	hl_ms			 now;
};

static void
fx_best_one(const struct ticket *t, void *arg)
{
	struct best		*b = arg;
	const struct ticket	*o = b->offered;
	int			 pt, po;

	/*
	 * A cooldown ending this very millisecond may not have been
	 * processed yet: timers due together fire in the order armed.
	 */
	if (t->state != TICKET_QUEUED ||
	    !engine_check_eligible(b->fx->e, t, b->a) ||
	    fx_cooled(b->fx, t, b->a, b->now - 1))
		return;
	pt = engine_ticket_priority(b->fx->e, t);
	po = engine_ticket_priority(b->fx->e, o);
	if (pt > po || (pt == po && (t->enqueued < o->enqueued ||
	    (t->enqueued == o->enqueued && t->id < o->id))))
		fail_msg("ticket %llu offered to %s while better %llu waits",
		    (unsigned long long)o->id, b->a->name,
		    (unsigned long long)t->id);
}

/* An offer goes to the best waiting ticket the agent may take. */
static void
fx_check_offer(struct fx *fx, const struct engine_event *ev)
{
	struct best	b;

	b.fx = fx;
	b.a = engine_agent_get(fx->e, ev->agent);
	b.offered = engine_ticket_get(fx->e, ev->ticket);
	b.now = ev->time;
	assert_non_null(b.a);
	assert_non_null(b.offered);
	assert_int_equal(b.a->offer, ev->ticket);
	engine_ticket_foreach(fx->e, fx_best_one, &b);
}

static bool
fx_open(const struct ticket *t)
{
	return (t->state == TICKET_QUEUED || t->state == TICKET_OFFERED ||
	    t->state == TICKET_ACTIVE || t->state == TICKET_PENDING);
}

/* Thresholds fire only on open tickets, from a clock that runs. */
static void
fx_check_sla(struct fx *fx, const struct engine_event *ev)
{
	const struct ticket	*t;

	if (strcmp(ev->type, "sla.warning") != 0 &&
	    strcmp(ev->type, "sla.breach") != 0 &&
	    strcmp(ev->type, "ticket.escalated") != 0)
		return;
	t = engine_ticket_get(fx->e, ev->ticket);
	assert_non_null(t);
	assert_true(fx_open(t));
	if (strstr(ev->data, "\"manual\":true") != NULL)
		return;
	assert_string_equal(ev->actor, "system");
	if (strstr(ev->data, "\"clock\":\"answer\"") != NULL)
		assert_true(t->accepted_at == 0 &&
		    (t->state == TICKET_QUEUED || t->state == TICKET_OFFERED));
	else
		assert_true(t->state != TICKET_PENDING);
}

/*
 * What every event must carry for the daemon to read it alone: its type
 * from the table with the type's flags, and on every ticket event (and
 * only there) its queue and row, the row final exactly when the ticket
 * has left memory.
 */
static void
fx_check_event(const struct engine_event *ev)
{
	unsigned	want = event_type_flags(ev->kind);
	bool		gone;

	assert_true(ev->kind >= 0 && ev->kind < EV_NTYPES);
	assert_string_equal(ev->type, event_type_name(ev->kind));
	assert_int_equal(event_type_parse(ev->type), ev->kind);
	assert_int_equal(ev->flags & want, want);
	if (ev->kind == EV_TICKET_RATED)
		assert_int_equal(ev->flags & ~(want | EVF_TICKET_FINAL), 0);
	else
		assert_int_equal(ev->flags, want);
	/* The daemon's own events never come from the engine. */
	assert_true(ev->kind < EV_USER_ADDED);
	if (ev->ticket == 0) {
		assert_int_equal(ev->flags & (EVF_TICKET_ROW | EVF_TICKET_NEW |
		    EVF_TICKET_FINAL), 0);
		assert_null(ev->queue);
		assert_null(ev->row);
	} else {
		assert_true(ev->flags & EVF_TICKET_ROW);
		assert_non_null(ev->row);
		assert_non_null(ev->queue);
		assert_true(ev->queue[0] != '\0');
		assert_int_equal(ev->row->id, ev->ticket);
		assert_string_equal(ev->queue, ev->row->queue);
		assert_non_null(ev->customer);
		assert_string_equal(ev->customer, ev->row->customer);
		gone = ev->row->state == TICKET_CLOSED ||
		    ev->row->state == TICKET_ABANDONED;
		assert_int_equal((ev->flags & EVF_TICKET_FINAL) != 0, gone);
	}
	assert_int_equal((ev->flags & EVF_TICKET_NEW) != 0,
	    ev->kind == EV_TICKET_CREATED);
	if (ev->flags & EVF_CUSTOMER_ROW)
		assert_non_null(ev->customer);
	if (ev->flags & EVF_USER_ROW)
		assert_non_null(ev->agent);
	if (ev->fact != NULL && ev->fact->kind == FACT_STATUS)
		assert_true(ev->kind == EV_AGENT_STATUS ||
		    ev->kind == EV_AGENT_DELETED);
	else if (ev->fact != NULL)
		assert_non_null(ev->row);
}

void
fx_emit(void *arg, const struct engine_event *ev)
{
	struct fx	*fx = arg;
	struct tev	*r;

	fx_check_event(ev);
	assert_non_null(ev->type);
	assert_non_null(ev->actor);
	assert_non_null(ev->data);
	assert_true(ev->data[0] == '{');
	assert_true(ev->data[strlen(ev->data) - 1] == '}');
	if (fx->snap)
		fx_snapshot(fx, ev);
	fx_note_cool(fx, ev);
	if (fx->check_offers && strcmp(ev->type, "ticket.offered") == 0)
		fx_check_offer(fx, ev);
	if (fx->check_sla)
		fx_check_sla(fx, ev);
	if (fx->quiet)
		return;
	if (fx->nev == fx->cev) {
		fx->cev = fx->cev != 0 ? fx->cev * 2 : 64;
		fx->ev = realloc(fx->ev, fx->cev * sizeof *fx->ev);
		assert_non_null(fx->ev);
	}
	r = &fx->ev[fx->nev++];
	memset(r, 0, sizeof *r);
	r->time = ev->time;
	r->kind = ev->kind;
	snprintf(r->type, sizeof r->type, "%s", ev->type);
	r->flags = ev->flags;
	r->ticket = ev->ticket;
	snprintf(r->queue, sizeof r->queue, "%s", ev->queue ? ev->queue : "");
	if (ev->row != NULL) {
		r->row = true;
		r->row_state = ev->row->state;
		r->row_csat = ev->row->csat;
	}
	snprintf(r->agent, sizeof r->agent, "%s", ev->agent ? ev->agent : "");
	snprintf(r->customer, sizeof r->customer, "%s",
	    ev->customer ? ev->customer : "");
	snprintf(r->actor, sizeof r->actor, "%s", ev->actor);
	r->data = strdup(ev->data);
	if (ev->fact != NULL) {
		r->fact.set = true;
		r->fact.kind = ev->fact->kind;
		snprintf(r->fact.queue, sizeof r->fact.queue, "%s",
		    ev->fact->queue);
		snprintf(r->fact.tier, sizeof r->fact.tier, "%s",
		    ev->fact->tier);
		snprintf(r->fact.agent, sizeof r->fact.agent, "%s",
		    ev->fact->agent);
		snprintf(r->fact.detail, sizeof r->fact.detail, "%s",
		    ev->fact->detail);
		r->fact.value = ev->fact->value;
		r->fact.since = ev->fact->since;
		r->fact.flag = ev->fact->flag;
	}
}

struct actor
fx_actor(const char *name)
{
	struct actor	a = { name, ROLE_AGENT };

	return (a);
}

/* skills "billing:3,tech:1", groups "vip,night" (NULL for none). */
void
fx_agent(struct fx *fx, const char *name, const char *skills,
    const char *groups, int capacity)
{
	struct skill		 sk[ENGINE_MAX_SKILLS];
	char			 gr[ENGINE_MAX_GROUPS][ENGINE_NAME_MAX];
	struct agent_update	 u;
	char			 buf[512], *p, *w, err[ENGINE_ERRMAX];
	int			 n = 0;

	memset(&u, 0, sizeof u);
	memset(sk, 0, sizeof sk);
	memset(gr, 0, sizeof gr);
	if (skills != NULL) {
		snprintf(buf, sizeof buf, "%s", skills);
		for (p = buf; (w = strsep(&p, ",")) != NULL; n++) {
			char *c = strchr(w, ':');
			*c = '\0';
			snprintf(sk[n].queue, ENGINE_NAME_MAX, "%s", w);
			sk[n].level = atoi(c + 1);
		}
	}
	u.skills = sk;
	u.nskills = n;
	n = 0;
	if (groups != NULL) {
		snprintf(buf, sizeof buf, "%s", groups);
		for (p = buf; (w = strsep(&p, ",")) != NULL; n++)
			snprintf(gr[n], ENGINE_NAME_MAX, "%s", w);
	}
	u.groups = (const char (*)[ENGINE_NAME_MAX])gr;
	u.ngroups = n;
	u.capacity = capacity;
	if (engine_agent_add(fx->e, fx->now, &ADMIN, name, &u, err,
	    sizeof err) != 0)
		fail_msg("agent add %s: %s", name, err);
}

void
fx_ready(struct fx *fx, const char *name)
{
	struct actor	a = fx_actor(name);
	char		err[ENGINE_ERRMAX];

	if (engine_agent_ready(fx->e, fx->now, &a, name, err, sizeof err) != 0)
		fail_msg("ready %s: %s", name, err);
}

uint64_t
fx_create(struct fx *fx, const char *queue, const char *customer,
    const char *tier)
{
	struct ticket_create	tc;
	struct actor		op = fx_actor("operator");
	uint64_t		id = 0;
	char			err[ENGINE_ERRMAX];

	memset(&tc, 0, sizeof tc);
	tc.queue = queue;
	tc.customer = customer;
	tc.tier = tier;
	tc.subject = "help";
	if (engine_ticket_create(fx->e, fx->now, &op, &tc, &id, err,
	    sizeof err) != 0)
		fail_msg("create: %s", err);
	return (id);
}

void
fx_at(struct fx *fx, hl_ms t)
{
	fx->now = t;
	engine_advance(fx->e, t);
}

size_t
fx_count(const struct fx *fx, const char *type, uint64_t ticket)
{
	size_t	i, n = 0;

	for (i = 0; i < fx->nev; i++) {
		if (strcmp(fx->ev[i].type, type) == 0 &&
		    (ticket == 0 || fx->ev[i].ticket == ticket))
			n++;
	}
	return (n);
}

const struct tev *
fx_last(const struct fx *fx, const char *type, uint64_t ticket)
{
	size_t	i;

	for (i = fx->nev; i > 0; i--) {
		if (strcmp(fx->ev[i - 1].type, type) == 0 &&
		    (ticket == 0 || fx->ev[i - 1].ticket == ticket))
			return (&fx->ev[i - 1]);
	}
	return (NULL);
}

uint64_t
fx_offer(const struct fx *fx, const char *agent)
{
	const struct agent	*a = engine_agent_get(fx->e, agent);

	assert_non_null(a);
	return (a->offer);
}

enum ticket_state
fx_state(const struct fx *fx, uint64_t id)
{
	const struct ticket	*t = engine_ticket_get(fx->e, id);

	if (t == NULL)
		return (TICKET_CLOSED);
	return (t->state);
}

void
fx_accept(struct fx *fx, const char *agent, uint64_t id)
{
	struct actor	a = fx_actor(agent);
	char		err[ENGINE_ERRMAX];

	if (engine_ticket_accept(fx->e, fx->now, &a, id, err, sizeof err) != 0)
		fail_msg("accept %llu by %s: %s", (unsigned long long)id,
		    agent, err);
}

/* Accept (if offered), resolve and close. */
void
fx_finish(struct fx *fx, const char *agent, uint64_t id)
{
	struct actor	a = fx_actor(agent);
	char		err[ENGINE_ERRMAX];

	if (fx_state(fx, id) == TICKET_OFFERED)
		fx_accept(fx, agent, id);
	if (engine_ticket_resolve(fx->e, fx->now, &a, id, "done", err,
	    sizeof err) != 0 ||
	    engine_ticket_close(fx->e, fx->now, &a, id, err, sizeof err) != 0)
		fail_msg("finish %llu by %s: %s", (unsigned long long)id,
		    agent, err);
}

void
fx_manager(struct fx *fx, const char *customer, const char *mgr)
{
	struct customer_update	u;
	char			err[ENGINE_ERRMAX];

	memset(&u, 0, sizeof u);
	u.manager = mgr;
	if (engine_customer_set(fx->e, fx->now, &INTEG, customer, &u, err,
	    sizeof err) != 0)
		fail_msg("customer %s: %s", customer, err);
}

struct followup_rule *
fx_followup(struct fx *fx, const char *name, const char *tiers,
    unsigned segments, const char *queue, hl_ms delay)
{
	struct followup_rule	*r = &fx->followups[fx->cfg.nfollowups++];
	char			 buf[256], *p, *w;

	memset(r, 0, sizeof *r);
	snprintf(r->name, sizeof r->name, "%s", name);
	if (tiers != NULL) {
		snprintf(buf, sizeof buf, "%s", tiers);
		for (p = buf; (w = strsep(&p, ",")) != NULL; )
			snprintf(r->tiers[r->ntiers++], ENGINE_NAME_MAX, "%s",
			    w);
	}
	r->segments = segments;
	snprintf(r->queue, sizeof r->queue, "%s", queue);
	r->delay = delay;
	return (r);
}

/* SLA policies and calendars, set before fx_start or a reconfigure. */
struct sla_policy *
fx_sla(struct fx *fx, const char *tier, const char *queue, hl_ms answer,
    hl_ms resolve, int warning)
{
	struct sla_policy	*p = &fx->slas[fx->cfg.nslas++];

	memset(p, 0, sizeof *p);
	snprintf(p->tier, sizeof p->tier, "%s", tier);
	snprintf(p->queue, sizeof p->queue, "%s", queue);
	p->answer = answer;
	p->resolve = resolve;
	p->warning = warning;
	return (p);
}

void
fx_sla_step(struct sla_policy *p, enum sla_clock c, int percent, hl_ms after,
    int actions, int boost, const char *overflow)
{
	struct sla_step	*s = &p->steps[p->nsteps++];

	memset(s, 0, sizeof *s);
	s->clock = c;
	s->percent = percent;
	s->after = after;
	s->actions = actions;
	s->boost = boost;
	snprintf(s->overflow, sizeof s->overflow, "%s",
	    overflow != NULL ? overflow : "");
}

void
fx_hours(struct calendar *c, const char *days, const char *spec)
{
	struct cal_span	spans[CAL_MAX_SPANS];
	unsigned	mask;
	char		err[CAL_ERRMAX];
	int		n;

	assert_int_equal(cal_parse_days(days, &mask, err, sizeof err), 0);
	assert_int_equal(cal_parse_hours(spec, spans, CAL_MAX_SPANS, &n, err,
	    sizeof err), 0);
	cal_set_hours(c, mask, spans, n);
}

struct calendar *
fx_calendar(struct fx *fx, const char *name, const struct cal_zone *z,
    const char *days, const char *spec)
{
	struct calendar	*c = &fx->cals[fx->cfg.ncalendars++];

	cal_init(c, name);
	cal_set_zone(c, z);
	if (days != NULL)
		fx_hours(c, days, spec);
	return (c);
}

void
fx_queue_calendar(struct fx *fx, const char *queue, const char *calendar,
    int answer_business)
{
	int	i;

	for (i = 0; i < fx->cfg.nqueues; i++) {
		if (strcmp(fx->queues[i].name, queue) == 0) {
			snprintf(fx->queues[i].calendar, ENGINE_NAME_MAX, "%s",
			    calendar);
			fx->queues[i].answer_business = answer_business;
		}
	}
}

/* As store_load_insight: complaint tickets counted per customer, and
 * tickets opened since the window began, oldest first. */
static void
fx_restore_insight(const struct fx *fx, hl_ms now, struct fx *into)
{
	size_t	i, k;
	int	n;

	for (i = 0; i < fx->nsc; i++) {
		for (n = 0, k = 0; k < fx->nhist; k++)
			n += fx->hist[k].complaint &&
			    strcmp(fx->hist[k].customer, fx->sc[i].id) == 0;
		if (n > 0)
			assert_int_equal(engine_restore_complaints(into->e,
			    fx->sc[i].id, n), 0);
	}
	for (k = 0; k < fx->nhist; k++) {
		if (fx->hist[k].followup_of == 0 &&
		    fx->hist[k].created >= now - fx->cfg.repeat_window)
			assert_int_equal(engine_restore_contact(into->e,
			    fx->hist[k].customer, fx->hist[k].created,
			    fx->hist[k].repeat), 0);
	}
}

static void
fx_copy_presence(const struct agent *a, void *arg)
{
	struct fx		*into = arg;
	struct agent_presence	 p;

	assert_int_equal(engine_agent_presence(into->presence_of->e, a->name,
	    &p), 0);
	assert_int_equal(engine_restore_presence(into->e, a->name, &p), 0);
}

/* An agent's presence row, as the commit wrote it, read at a restart. */
static void
fx_restart_presence(const struct agent *a, void *arg)
{
	struct fx		*into = arg;
	struct agent_presence	 p;

	assert_int_equal(engine_agent_presence(into->restart_of->e, a->name,
	    &p), 0);
	(void)engine_restore_presence_restart(into->e, into->now, a->name, &p,
	    into->restart_grace);
}

/* A new engine from the store's snapshots, as the daemon restarts (or
 * rebuilds after a failed commit, with into->presence_of). */
struct engine *
fx_restore(struct fx *fx, hl_ms now, struct fx *into)
{
	size_t	i;

	memcpy(into->tiers, fx->tiers, sizeof into->tiers);
	memcpy(into->queues, fx->queues, sizeof into->queues);
	memcpy(into->slas, fx->slas, sizeof into->slas);
	memcpy(into->cals, fx->cals, sizeof into->cals);
	into->cfg.reject_cooldown = fx->cfg.reject_cooldown;
	into->cfg.seed = fx->cfg.seed;
	into->cfg.nslas = fx->cfg.nslas;
	into->cfg.ncalendars = fx->cfg.ncalendars;
	into->cfg.short_abandon = fx->cfg.short_abandon;
	memcpy(into->followups, fx->followups, sizeof into->followups);
	into->cfg.nfollowups = fx->cfg.nfollowups;
	into->cfg.repeat_window = fx->cfg.repeat_window;
	memcpy(into->complaints, fx->complaints, sizeof into->complaints);
	into->e = engine_new(&into->cfg, fx_emit, into);
	assert_non_null(into->e);
	for (i = 0; i < fx->nsa; i++)
		assert_int_equal(engine_restore_agent(into->e, &fx->sa[i]), 0);
	for (i = 0; i < fx->nsc; i++)
		assert_int_equal(engine_restore_customer(into->e, &fx->sc[i]),
		    0);
	for (i = 0; i < fx->nst; i++)
		assert_int_equal(engine_restore_ticket(into->e, &fx->st[i]), 0);
	fx_restore_insight(fx, now, into);
	engine_set_next_id(into->e, engine_next_id(fx->e));
	into->now = now;
	if (into->presence_of != NULL)
		engine_agent_foreach(into->presence_of->e, fx_copy_presence,
		    into);
	else if (into->restart_of != NULL)
		engine_agent_foreach(into->restart_of->e, fx_restart_presence,
		    into);
	engine_restore_done(into->e, now);
	return (into->e);
}
