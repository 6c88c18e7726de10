/*
 * agent-desk.c: the desk's connections and live data. Two links to
 * hotlined, both logged in as the agent: one for commands, one
 * subscribed to agent.<name>, where every offer, status change, page and
 * SLA alarm about this agent arrives. On (re)connection the login
 * sequence restores the presence the person chose (ready, or the break
 * they were on), shows an outstanding offer and the tickets still held.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "fmt.h"
#include "rmap.h"
#include "xmalloc.h"

struct offer_req {
	struct desk	*d;
	uint64_t	 id;
	struct job	*job;		/* a `wait` to finish, or NULL */
	struct tview	 tv;
};

static void	desk_login_done(redisAsyncContext *, void *, void *);

static int
status_is_ready(const char *s)
{
	return (strcmp(s, "available") == 0 || strcmp(s, "busy") == 0 ||
	    strcmp(s, "wrapup") == 0);
}

void
desk_set_names(char ***list, int *n, const redisReply *r, const char *field)
{
	char	**l;
	size_t	  i;
	int	  k = 0;

	if (r == NULL || r->type != REDIS_REPLY_ARRAY)
		return;
	l = xcalloc(r->elements + 1, sizeof *l);
	for (i = 0; i < r->elements; i++) {
		const char *s = rmap_str(r->element[i], field);

		if (*s != '\0')
			l[k++] = xstrdup(s);
	}
	for (i = 0; i < (size_t)*n; i++)
		free((*list)[i]);
	free(*list);
	*list = l;
	*n = k;
}

static void	status_reply(redisAsyncContext *, void *, void *);

/*
 * The offer (and card) is on screen: the prompt counts down its SLA. An
 * offer makes us busy, which no event says (agent.status said available
 * just before, on a ready by a supervisor or at login): the prompt shows
 * what AGENT STATUS says.
 */
static void
desk_offer_on_screen(struct desk *d, const struct tview *tv,
    const redisReply *cust)
{
	if (d->is_agent)
		link_call(d->cmd, status_reply, d, "AGENT", "STATUS", NULL);
	if (d->offer_shown != tv->id) {
		show_offer(d, tv, cust);
		if (d->o.bell && d->o.interactive)
			term_write(d, "\a");
	}
	d->offer = *tv;
	d->offer_shown = tv->id;
	d->current = tv->id;
	d->current_due = 0;
	term_prompt(d);
}

static void
offer_customer(redisAsyncContext *ac, void *reply, void *arg)
{
	struct offer_req	*q = arg;
	const redisReply	*r = reply;

	if (r != NULL && !q->d->quitting)
		desk_offer_on_screen(q->d, &q->tv,
		    r->type == REDIS_REPLY_ARRAY ? r : NULL);
	if (q->job != NULL) {
		if (r == NULL)
			job_fail(q->job, "connection lost");
		else
			job_done(q->job, 1);
	}
	free(q);
}

/* With the ticket in hand, its customer; the card shows both. */
static void
offer_fetch_customer(struct offer_req *q)
{
	struct desk	*d = q->d;

	if (link_call(d->cmd, offer_customer, q, "CUSTOMER", "GET",
	    q->tv.customer, NULL) != 0) {
		if (q->job != NULL)
			job_fail(q->job, "connection lost");
		free(q);
	}
}

static void
offer_ticket(redisAsyncContext *ac, void *reply, void *arg)
{
	struct offer_req	*q = arg;
	const redisReply	*r = reply;

	if (r == NULL || q->d->quitting || r->type != REDIS_REPLY_ARRAY) {
		free(q);
		return;
	}
	tview_read(&q->tv, r);
	/* Gone already (timed out, taken back): nothing to show. */
	if (strcmp(q->tv.state, "offered") != 0 ||
	    strcmp(q->tv.agent, q->d->user) != 0) {
		free(q);
		return;
	}
	offer_fetch_customer(q);
}

void
desk_show_offer(struct desk *d, uint64_t id)
{
	struct offer_req	*q;
	char			 num[24];

	if (id == 0 || (d->offer.id == id && d->offer_shown == id))
		return;
	q = xcalloc(1, sizeof *q);
	q->d = d;
	q->id = id;
	snprintf(num, sizeof num, "%llu", (unsigned long long)id);
	if (link_call(d->cmd, offer_ticket, q, "TICKET", "GET", num,
	    NULL) != 0)
		free(q);
}

void
desk_offer_gone(struct desk *d, uint64_t id)
{
	if (d->offer.id == id)
		d->offer.id = 0;
	if (d->offer_shown == id)
		d->offer_shown = 0;
}

/* `wait`: AGENT NEXT answered with the ticket map of our offer. */
void
desk_offer_from_next(struct job *j, const redisReply *r)
{
	struct offer_req	*q;

	q = xcalloc(1, sizeof *q);
	q->d = j->d;
	q->job = j;
	tview_read(&q->tv, r);
	q->id = q->tv.id;
	offer_fetch_customer(q);
}

static void
mine_reply(redisAsyncContext *ac, void *reply, void *arg)
{
	struct desk		*d = arg;
	const redisReply	*r = reply;
	size_t			 i;

	if (r == NULL || r->type != REDIS_REPLY_ARRAY)
		return;
	d->nmine = 0;
	for (i = 0; i < r->elements && d->nmine < 64; i++)
		d->mine[d->nmine++] = (uint64_t)rmap_int(r->element[i], "id", 0);
}

static void
status_reply(redisAsyncContext *ac, void *reply, void *arg)
{
	struct desk		*d = arg;
	const redisReply	*r = reply;

	if (r == NULL || r->type != REDIS_REPLY_ARRAY)
		return;
	snprintf(d->status, sizeof d->status, "%s", rmap_str(r, "status"));
	term_prompt(d);
}

/* After a change to our tickets: what we hold, and our status (busy,
 * wrapup...), which the daemon derives rather than announces. */
void
desk_refresh_mine(struct desk *d)
{
	link_call(d->cmd, mine_reply, d, "TICKET", "LIST", "AGENT", d->user,
	    NULL);
	if (d->is_agent)
		link_call(d->cmd, status_reply, d, "AGENT", "STATUS", NULL);
}

static void
login_held(redisAsyncContext *ac, void *reply, void *arg)
{
	struct desk		*d = arg;
	const redisReply	*r = reply;
	const char		*title;

	if (r == NULL || r->type != REDIS_REPLY_ARRAY)
		return;
	mine_reply(ac, reply, arg);
	if (r->elements == 0)
		return;
	/* One ticket in hand: it is what commands act on. */
	if (d->current == 0 && d->offer.id == 0 && r->elements == 1 &&
	    strcmp(rmap_str(r->element[0], "state"), "active") == 0) {
		d->current = (uint64_t)rmap_int(r->element[0], "id", 0);
		d->current_due = rmap_int(r->element[0], "resolve_due", 0);
		term_prompt(d);
	}
	title = link_generation(d->cmd) > 1 ? "You still hold" : "You hold";
	if (d->o.interactive)
		show_ticket_list(d, title, r, 1);
}

static void
login_status(redisAsyncContext *ac, void *reply, void *arg)
{
	struct desk		*d = arg;
	const redisReply	*r = reply;

	if (r == NULL || r->type != REDIS_REPLY_ARRAY)
		return;
	snprintf(d->status, sizeof d->status, "%s", rmap_str(r, "status"));
	if (rmap_int(r, "offer", 0) > 0)
		desk_show_offer(d, (uint64_t)rmap_int(r, "offer", 0));
}

static void
login_presence(redisAsyncContext *ac, void *reply, void *arg)
{
	struct desk	*d = arg;
	const char	*err = reply_error(reply);

	if (err != NULL)
		term_error(d, "cannot restore your status: %s", err);
}

static void
login_queues(redisAsyncContext *ac, void *reply, void *arg)
{
	struct desk	*d = arg;

	const redisReply	*r = reply;

	desk_set_names(&d->queues, &d->nqueues, r, "queue");
	if (r != NULL && r->type == REDIS_REPLY_ARRAY && r->elements > 0)
		d->ntiers = rmap_tiers(r->element[0], d->tiers, 8);
}

static void
login_agents(redisAsyncContext *ac, void *reply, void *arg)
{
	struct desk	*d = arg;

	desk_set_names(&d->agents, &d->nagents, reply, "name");
}

/* COMMAND: "TICKET ACCEPT"-style names, for `raw` completion. */
static void
login_commands(redisAsyncContext *ac, void *reply, void *arg)
{
	struct desk		*d = arg;
	const redisReply	*r = reply;
	char			**l;
	size_t			 i;
	int			 k = 0;

	if (r == NULL || r->type != REDIS_REPLY_ARRAY)
		return;
	l = xcalloc(r->elements + 1, sizeof *l);
	for (i = 0; i < r->elements; i++) {
		const redisReply *c = r->element[i];

		if (c->type == REDIS_REPLY_ARRAY && c->elements > 0 &&
		    c->element[0]->type == REDIS_REPLY_STRING)
			l[k++] = xstrdup(c->element[0]->str);
	}
	for (i = 0; i < (size_t)d->ncommands; i++)
		free(d->commands[i]);
	free(d->commands);
	d->commands = l;
	d->ncommands = k;
}

/* Everything the desk reads at login, pipelined after AGENT STATUS. */
static void
login_who(redisAsyncContext *ac, void *reply, void *arg)
{
	struct desk		*d = arg;
	const redisReply	*r = reply;
	int			 again = link_generation(d->cmd) > 1;

	if (r == NULL)
		return;
	d->is_agent = r->type == REDIS_REPLY_ARRAY;
	if (d->is_agent) {
		snprintf(d->role, sizeof d->role, "%s", rmap_str(r, "role"));
		snprintf(d->status, sizeof d->status, "%s",
		    rmap_str(r, "status"));
		if (!again && !d->o.no_ready && d->o.interactive)
			d->want = PRESENCE_READY;
		if (d->want == PRESENCE_READY && !status_is_ready(d->status))
			link_call(d->cmd, login_presence, d, "AGENT", "READY",
			    NULL);
		else if (d->want == PRESENCE_BREAK &&
		    strncmp(d->status, "break", 5) != 0)
			link_call(d->cmd, login_presence, d, "AGENT", "BREAK",
			    d->reason, NULL);
		link_call(d->cmd, login_status, d, "AGENT", "STATUS", NULL);
	} else
		snprintf(d->role, sizeof d->role, "operator");
	link_call(d->cmd, login_queues, d, "QUEUE", "LIST", NULL);
	link_call(d->cmd, login_agents, d, "AGENT", "LIST", NULL);
	link_call(d->cmd, login_commands, d, "COMMAND", NULL);
	link_call(d->cmd, desk_login_done, d, "PING", NULL);
}

static const char *
presence_text(const struct desk *d)
{
	if (!d->is_agent)
		return ("creating tickets only (not an agent)");
	switch (d->want) {
	case PRESENCE_READY:
		return ("ready for offers");
	case PRESENCE_BREAK:
		return ("on break");
	default:
		return ("not taking offers (type ready)");
	}
}

static void
desk_login_done(redisAsyncContext *ac, void *reply, void *arg)
{
	struct desk	*d = arg;
	char		 dur[FMT_DURATION_MAX];
	int		 again = link_generation(d->cmd) > 1;

	if (reply == NULL)
		return;
	if (again && d->o.interactive)
		term_printf(d, "%sReconnected%s to %s after %s: %s.\n",
		    d->c.green, d->c.reset, link_where(d->cmd),
		    fmt_short(fmt_mono_ms() - d->lost_at, dur, sizeof dur),
		    presence_text(d));
	else if (!again && d->o.interactive)
		term_printf(d, "%s%s%s on %s: %s. Type %shelp%s for the "
		    "commands.\n", d->c.bold, d->user, d->c.reset,
		    link_where(d->cmd), presence_text(d), d->c.bold,
		    d->c.reset);
	d->lost_at = 0;
	d->logged_in = 1;
	link_call(d->cmd, login_held, d, "TICKET", "LIST", "AGENT", d->user,
	    NULL);
	term_prompt(d);
	desk_run_next(d);
}

static void
desk_cmd_up(struct link *l, void *arg)
{
	struct desk	*d = arg;

	link_call(l, login_who, d, "AGENT", "STATUS", NULL);
}

static void
desk_cmd_down(struct link *l, const char *why, int64_t retry_ms, void *arg)
{
	struct desk	*d = arg;

	/* Final (a script's link, a refused password): exit status 3, even
	 * if the command that was waiting already failed the script. */
	if (retry_ms < 0) {
		term_error(d, "%s", why);
		desk_quit(d, 3);
		d->exit_code = 3;
		return;
	}
	if (d->quitting)
		return;
	d->retry_at = fmt_mono_ms() + retry_ms;
	if (d->lost_at == 0) {
		d->lost_at = fmt_mono_ms();
		term_printf(d, "%s%s%s: reconnecting...\n", d->c.yellow, why,
		    d->c.reset);
	}
	d->offer.id = 0;
	d->offer_shown = 0;
	term_prompt(d);
}

static void
desk_event(struct desk *d, const struct evmsg *ev)
{
	const char	*by = ev->actor;
	int		 mine = strcmp(ev->actor, d->user) == 0;
	uint64_t	 id = ev->ticket;
	char		 dur[FMT_DURATION_MAX];

	if (strcmp(ev->type, "ticket.offered") == 0) {
		desk_show_offer(d, id);
		return;
	}
	if (id != 0 && (id == d->offer.id || id == d->offer_shown) &&
	    (strcmp(ev->type, "ticket.offer_timeout") == 0 ||
	    strcmp(ev->type, "ticket.rejected") == 0 ||
	    strcmp(ev->type, "ticket.abandoned") == 0 ||
	    strcmp(ev->type, "ticket.transferred") == 0 ||
	    strcmp(ev->type, "ticket.accepted") == 0)) {
		desk_offer_gone(d, id);
		if (d->current == id && strcmp(ev->type, "ticket.accepted") != 0)
			d->current = 0;
	}
	if (strcmp(ev->type, "ticket.offer_timeout") == 0)
		term_printf(d, "%sOffer #%llu timed out%s: back to its queue "
		    "(missed offers in a row: %lld).\n", d->c.yellow,
		    (unsigned long long)id, d->c.reset,
		    (long long)evmsg_int(ev, "missed", 0));
	else if (strcmp(ev->type, "ticket.abandoned") == 0)
		term_printf(d, "%s#%llu: the caller hung up%s (abandoned after "
		    "%s).\n", d->c.yellow, (unsigned long long)id, d->c.reset,
		    fmt_duration(evmsg_int(ev, "waited", 0), dur, sizeof dur));
	else if (strcmp(ev->type, "ticket.queued") == 0 &&
	    strcmp(evmsg_str(ev, "reason"), "transferred") == 0 && !mine)
		term_printf(d, "%s#%llu was transferred to you%s by %s: it is "
		    "offered when you are free.\n", d->c.cyan,
		    (unsigned long long)id, d->c.reset, by);
	else if (strcmp(ev->type, "ticket.escalated") == 0)
		term_printf(d, "%s%sESCALATION%s #%llu (customer %s): %s%s.\n",
		    d->c.bold, d->c.red, d->c.reset, (unsigned long long)id,
		    ev->customer, json_get_bool(ev->data, "manual", 0) ?
		    "escalated by hand: " : "SLA step ",
		    json_get_bool(ev->data, "manual", 0) ?
		    evmsg_str(ev, "reason") : evmsg_str(ev, "clock"));
	else if (strncmp(ev->type, "sla.", 4) == 0)
		term_printf(d, "%s#%llu %s SLA %s%s (target %s).\n",
		    strcmp(ev->type, "sla.breach") == 0 ? d->c.red :
		    d->c.yellow, (unsigned long long)id,
		    evmsg_str(ev, "clock"), strcmp(ev->type, "sla.breach") == 0 ?
		    "BREACHED" : "warning", d->c.reset,
		    fmt_duration(evmsg_int(ev, "target_ms", 0), dur, sizeof dur));
	else if (strcmp(ev->type, "agent.status") == 0) {
		const char *st = evmsg_str(ev, "status");
		const char *why = evmsg_str(ev, "reason");

		/* As AGENT STATUS words it, so the prompt reads the same
		 * whichever of the two it came from. */
		if (strcmp(st, "break") == 0 && *why != '\0')
			snprintf(d->status, sizeof d->status, "break(%s)", why);
		else
			snprintf(d->status, sizeof d->status, "%s", st);
		/* What someone else decided for us is now what we want. */
		if (!mine && strcmp(by, "system") != 0) {
			if (strcmp(st, "break") == 0)
				d->want = PRESENCE_BREAK;
			else if (status_is_ready(st))
				d->want = PRESENCE_READY;
			else if (strcmp(st, "offline") == 0)
				d->want = PRESENCE_OFFLINE;
			term_printf(d, "%s%s set your status to %s%s%s%s%s.\n",
			    d->c.yellow, by, st, *why ? " (" : "", why,
			    *why ? ")" : "", d->c.reset);
		} else if (!mine && strcmp(st, "break") == 0) {
			d->want = PRESENCE_BREAK;
			term_printf(d, "%sYou were put on break (%s)%s: type "
			    "ready to take offers again.\n", d->c.yellow, why,
			    d->c.reset);
		}
		if (strcmp(st, "break") == 0)
			snprintf(d->reason, sizeof d->reason, "%s", why);
		/* A break or a logout withdraws the offer (no event of its own
		 * reaches us: the ticket is nobody's any more). */
		if (d->offer.id != 0 && (strcmp(st, "break") == 0 ||
		    strcmp(st, "offline") == 0)) {
			term_printf(d, "Offer #%llu went back to its queue.\n",
			    (unsigned long long)d->offer.id);
			if (d->current == d->offer.id)
				d->current = 0;
			desk_offer_gone(d, d->offer.id);
		}
	} else if (!mine && id != 0 && strcmp(ev->type, "ticket.note") == 0)
		term_printf(d, "Note on #%llu by %s: %s\n",
		    (unsigned long long)id, by, evmsg_str(ev, "text"));
	else if (!mine && id != 0 && (strcmp(ev->type, "ticket.transferred") == 0 ||
	    strcmp(ev->type, "ticket.tier_changed") == 0 ||
	    strcmp(ev->type, "ticket.priority_changed") == 0 ||
	    strcmp(ev->type, "ticket.resolved") == 0 ||
	    strcmp(ev->type, "ticket.pending") == 0 ||
	    strcmp(ev->type, "ticket.resumed") == 0 ||
	    strcmp(ev->type, "ticket.accepted") == 0) && strcmp(by, "system") != 0)
		term_printf(d, "#%llu: %s by %s.\n", (unsigned long long)id,
		    ev->type + 7, by);
	/* Gone from our desk: nothing to act on by default any more. */
	if (id != 0 && id == d->current && !mine &&
	    (strcmp(ev->type, "ticket.closed") == 0 ||
	    strcmp(ev->type, "ticket.abandoned") == 0 ||
	    strcmp(ev->type, "ticket.transferred") == 0)) {
		d->current = 0;
		d->current_due = 0;
	}
	if (id != 0 && strcmp(ev->type, "ticket.note") != 0)
		desk_refresh_mine(d);
	term_prompt(d);
}

static void
desk_message(redisAsyncContext *ac, void *reply, void *arg)
{
	struct desk	*d = arg;
	struct evmsg	 ev;
	char		 err[128];

	if (d->quitting)
		return;
	switch (evmsg_reply(&ev, reply, err, sizeof err)) {
	case EVMSG_EVENT:
		desk_event(d, &ev);
		evmsg_clear(&ev);
		break;
	case EVMSG_SUBSCRIBED:
		/* An offer made while the events link was down (a daemon
		 * restart) was published to nobody: ask for it now that
		 * nothing more can be missed. */
		if (d->logged_in && d->is_agent && link_is_up(d->cmd))
			link_call(d->cmd, login_status, d, "AGENT", "STATUS",
			    NULL);
		break;
	case EVMSG_BAD:
		term_error(d, "unreadable event: %s", err);
		break;
	default:
		break;
	}
}

static void
desk_sub_up(struct link *l, void *arg)
{
	struct desk	*d = arg;
	char		 chan[DESK_NAME_MAX + 8];

	snprintf(chan, sizeof chan, "agent.%s", d->user);
	link_call(l, desk_message, d, "SUBSCRIBE", chan, NULL);
}

static void
desk_sub_down(struct link *l, const char *why, int64_t retry_ms, void *arg)
{
	struct desk	*d = arg;

	/* The command link reports losses; a final failure ends the desk. */
	if (retry_ms < 0 && !d->quitting) {
		term_error(d, "%s", why);
		desk_quit(d, 3);
	}
}

int
desk_start(struct desk *d)
{
	static const struct link_cbs cmd_cbs = { desk_cmd_up, desk_cmd_down };
	static const struct link_cbs sub_cbs = { desk_sub_up, desk_sub_down };

	TAILQ_INIT(&d->jobs);
	d->user = d->o.link.user;
	d->o.link.reconnect = d->o.interactive;
	d->o.link.session = &d->o.session;
	if ((d->cmd = link_new(d->base, &d->o.link, "commands", &cmd_cbs,
	    d)) == NULL ||
	    (d->sub = link_new(d->base, &d->o.link, "events", &sub_cbs,
	    d)) == NULL)
		return (-1);
	link_start(d->cmd);
	link_start(d->sub);
	return (0);
}

void
desk_quit(struct desk *d, int code)
{
	if (d->quitting)
		return;
	d->quitting = 1;
	d->exit_code = code;
	event_base_loopexit(d->base, NULL);
}

void
desk_stop(struct desk *d)
{
	int	i;

	d->quitting = 1;
	link_free(d->cmd);
	link_free(d->sub);
	d->cmd = d->sub = NULL;
	desk_drop_jobs(d);
	for (i = 0; i < d->nqueues; i++)
		free(d->queues[i]);
	for (i = 0; i < d->nagents; i++)
		free(d->agents[i]);
	for (i = 0; i < d->ncommands; i++)
		free(d->commands[i]);
	free(d->queues);
	free(d->agents);
	free(d->commands);
}
