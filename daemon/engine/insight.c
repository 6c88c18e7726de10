/*
 * insight.c: what the contact centre knows of a customer beyond the card:
 * repeat contacts (a ticket opened within repeat_window of the customer's
 * previous one) and complaint counts (tickets that entered the complaints
 * queue, each once). Tickets keep what routing saw (repeat_contact, and
 * complaints when they last entered a queue) so that conditional ladder
 * steps (route.c) decide the same way for as long as a ticket waits.
 * Closed tickets are not in memory: after a restart the store rebuilds
 * the counts from every ticket it keeps (engine_restore_complaints,
 * engine_restore_contact).
 */
#include <stdio.h>
#include <string.h>

#include "engine_internal.h"

#define REPEAT_WINDOW_MAX	(100LL * 365 * 86400 * 1000)

int
insight_check_config(const struct engine_config *cfg, char *err, size_t errlen)
{
	if (cfg->repeat_window < 0 || cfg->repeat_window > REPEAT_WINDOW_MAX) {
		eng_err(err, errlen,
		    "repeat_window out of range (0 to 100 years)");
		return (-1);
	}
	if (cfg->complaints_queue != NULL && *cfg->complaints_queue != '\0' &&
	    eng_name_ok(cfg->complaints_queue, "complaints queue", err,
	    errlen) != 0)
		return (-1);
	return (0);
}

/* A new window or queue applies to tickets opened or queued from now on. */
void
insight_set_config(struct engine *e, const struct engine_config *cfg)
{
	e->repeat_window = cfg->repeat_window;
	snprintf(e->complaints_queue, sizeof e->complaints_queue, "%s",
	    cfg->complaints_queue != NULL ? cfg->complaints_queue : "");
}

/* A customer opened a ticket (follow-ups are ours, not contacts). */
void
insight_opened(struct engine *e, struct ticket_private *t, hl_ms now)
{
	struct customer	*c = &t->cust->c;

	t->t.repeat_contact = e->repeat_window > 0 && c->last_contact != 0 &&
	    now - c->last_contact <= e->repeat_window;
	if (now >= c->last_contact) {
		c->last_contact = now;
		c->last_repeat = t->t.repeat_contact;
	}
}

/*
 * The ticket enters its (new) queue, out of every heap: the complaints
 * queue counts it once, and the ticket takes the customer's count.
 */
void
insight_queued(struct engine *e, struct ticket_private *t)
{
	struct customer	*c = &t->cust->c;

	if (t->t.followup_of == 0 && !t->t.complaint &&
	    e->complaints_queue[0] != '\0' &&
	    strcmp(t->q->def.name, e->complaints_queue) == 0) {
		t->t.complaint = 1;
		c->complaints++;
	}
	t->t.complaints = c->complaints;
}

int
engine_customer_repeat(const struct engine *e, const struct customer *c,
    hl_ms now)
{
	return (e->repeat_window > 0 && c->last_repeat &&
	    now - c->last_contact <= e->repeat_window);
}

hl_ms
engine_repeat_window(const struct engine *e)
{
	return (e->repeat_window);
}

int
engine_restore_complaints(struct engine *e, const char *id, int complaints)
{
	struct customer_private	*c = eng_customer(e, id);

	if (c == NULL || complaints < 0)
		return (-1);
	c->c.complaints = complaints;
	return (0);
}

int
engine_restore_contact(struct engine *e, const char *id, hl_ms created,
    int repeat)
{
	struct customer_private	*c = eng_customer(e, id);

	if (c == NULL)
		return (-1);
	if (created >= c->c.last_contact) {
		c->c.last_contact = created;
		c->c.last_repeat = repeat != 0;
	}
	return (0);
}
