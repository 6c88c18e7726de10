/*
 * journal.c: the batch of one loop iteration, as the engine emits it: its
 * events with their strings in one arena, the rows they touch, the final
 * rows of tickets that left memory, users and sessions to write
 * (journal-commit.c writes it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "journal.h"
#include "journal_internal.h"
#include "json.h"
#include "log.h"
#include "store.h"
#include "xmalloc.h"

static void *
journal_grow(void *p, size_t *cap, size_t need, size_t size)
{
	size_t	n = *cap;

	if (need <= n)
		return (p);
	n = n == 0 ? 64 : n;
	while (n < need)
		n *= 2;
	p = xreallocarray(p, n, size);
	*cap = n;
	return (p);
}

struct journal *
journal_new(void)
{
	struct journal	*j;

	j = xcalloc(1, sizeof *j);
	buf_init(&j->arena);
	return (j);
}

static void
journal_free_row(struct ticket *t)
{
	int	k;

	free(t->subject);
	free(t->disposition);
	for (k = 0; k < t->nattrs; k++) {
		free(t->attrs[k].key);
		free(t->attrs[k].value);
	}
	free(t->attrs);
}

static void
journal_free_final(struct journal *j)
{
	size_t	i;

	for (i = 0; i < j->nfinal; i++)
		journal_free_row(&j->final[i]);
	j->nfinal = 0;
}

void
journal_free(struct journal *j)
{
	if (j == NULL)
		return;
	journal_free_final(j);
	journal_free(j->backlog);
	buf_free(&j->arena);
	free(j->events);
	free(j->users);
	free(j->sessions);
	free(j->tickets);
	free(j->created);
	free(j->customers);
	free(j->agents);
	free(j->final);
	free(j);
}

void
journal_set_listener(struct journal *j,
    void (*fn)(const struct engine_event *, void *), void *arg)
{
	j->listener = fn;
	j->listener_arg = arg;
}

void
journal_set_publisher(struct journal *j,
    void (*fn)(int64_t, const struct engine_event *, void *), void *arg)
{
	j->publisher = fn;
	j->publisher_arg = arg;
}

void
journal_set_settled(struct journal *j,
    void (*fn)(const struct engine_event *, void *), void *arg)
{
	j->settled = fn;
	j->settled_arg = arg;
}

static size_t
journal_str(struct journal *j, const char *s)
{
	size_t	off;

	if (s == NULL)
		return (NOSTR);
	off = j->arena.len;
	buf_add(&j->arena, s, strlen(s) + 1);
	return (off);
}

static char *
journal_strdup(const char *s)
{
	return (xstrdup(s != NULL ? s : ""));
}

/*
 * A ticket that left memory (closed, abandoned; or rated when closed):
 * its event hands over its last state, copied now. A later one of the
 * batch replaces it (unless it is that copy, changed in place by a
 * TICKET RATE that found it with journal_final_ticket).
 */
static void
journal_keep_final(struct journal *j, const struct ticket *t)
{
	struct ticket	*f;
	int		 k;

	if ((f = journal_final_ticket(j, t->id)) == t)
		return;
	if (f != NULL)
		journal_free_row(f);
	else {
		j->final = journal_grow(j->final, &j->cfinal, j->nfinal + 1,
		    sizeof *j->final);
		f = &j->final[j->nfinal++];
	}
	*f = *t;
	f->priv = NULL;
	f->subject = journal_strdup(t->subject);
	f->disposition = journal_strdup(t->disposition);
	f->attrs = NULL;
	if (t->nattrs > 0) {
		f->attrs = xcalloc((size_t)t->nattrs, sizeof *f->attrs);
		for (k = 0; k < t->nattrs; k++) {
			f->attrs[k].key = journal_strdup(t->attrs[k].key);
			f->attrs[k].value = journal_strdup(t->attrs[k].value);
		}
	}
}

struct ticket *
journal_final_ticket(struct journal *j, uint64_t id)
{
	size_t	i;

	for (i = 0; i < j->nfinal; i++)
		if (j->final[i].id == id)
			return (&j->final[i]);
	return (NULL);
}

/*
 * The event says which rows it touches (engine.h, EVF_*) and hands over
 * the last row of a ticket that leaves memory: the journal reads the
 * event only. The rows still in memory are written as they are at the
 * commit (journal_write_rows), once each.
 */
void
journal_emit(void *arg, const struct engine_event *ev)
{
	struct journal		*j = arg;
	struct jevent		*je;

	j->events = journal_grow(j->events, &j->cevents, j->nevents + 1,
	    sizeof *j->events);
	je = &j->events[j->nevents++];
	je->time = ev->time;
	je->ticket = ev->ticket;
	je->kind = (int)ev->kind;
	je->flags = ev->flags;
	je->queue = journal_str(j, ev->queue);
	je->agent = journal_str(j, ev->agent);
	je->customer = journal_str(j, ev->customer);
	je->actor = journal_str(j, ev->actor);
	je->data = journal_str(j, ev->data != NULL ? ev->data : "{}");
	if ((je->has_fact = ev->fact != NULL)) {
		je->fact.kind = (int)ev->fact->kind;
		je->fact.flag = ev->fact->flag;
		je->fact.value = ev->fact->value;
		je->fact.since = ev->fact->since;
		je->fact.queue = journal_str(j, ev->fact->queue);
		je->fact.tier = journal_str(j, ev->fact->tier);
		je->fact.agent = journal_str(j, ev->fact->agent);
		je->fact.detail = journal_str(j, ev->fact->detail);
	}
	j->count++;

	if (ev->ticket != 0 && (ev->flags & EVF_TICKET_ROW)) {
		j->tickets = journal_grow(j->tickets, &j->ctickets,
		    j->ntickets + 1, sizeof *j->tickets);
		j->tickets[j->ntickets++] = ev->ticket;
		if (ev->flags & EVF_TICKET_NEW) {
			j->created = journal_grow(j->created, &j->ccreated,
			    j->ncreated + 1, sizeof *j->created);
			j->created[j->ncreated++] = ev->ticket;
		}
		if ((ev->flags & EVF_TICKET_FINAL) && ev->row != NULL)
			journal_keep_final(j, ev->row);
	}
	/* Every ticket event names its customer, but only customer events
	 * change the customer's row (a ticket that brings a new customer
	 * emits customer.updated): rewriting it at each ticket transition
	 * cost three seals and a random page of the customers table. */
	if (ev->customer != NULL && *ev->customer != '\0' &&
	    (ev->flags & EVF_CUSTOMER_ROW)) {
		j->customers = journal_grow(j->customers, &j->ccustomers,
		    j->ncustomers + 1, sizeof *j->customers);
		j->customers[j->ncustomers++] = journal_str(j, ev->customer);
	}
	/* An agent's row holds its role, skills, groups and capacity: its
	 * status (agent.status, several per ticket) is not persisted. */
	if (ev->agent != NULL && *ev->agent != '\0' &&
	    (ev->flags & EVF_USER_ROW)) {
		j->agents = journal_grow(j->agents, &j->cagents,
		    j->nagents + 1, sizeof *j->agents);
		j->agents[j->nagents++] = journal_str(j, ev->agent);
	}
	if (j->listener != NULL)
		j->listener(ev, j->listener_arg);
}

static void
journal_user(struct journal *j, const char *name, const char *hash, int role,
    int demo, hl_ms now, int del)
{
	struct juser	*u;

	j->users = journal_grow(j->users, &j->cusers, j->nusers + 1,
	    sizeof *j->users);
	u = &j->users[j->nusers++];
	memset(u, 0, sizeof *u);
	snprintf(u->name, sizeof u->name, "%s", name);
	if (hash != NULL)
		snprintf(u->hash, sizeof u->hash, "%s", hash);
	u->role = role;
	u->demo = demo;
	u->del = del;
	u->now = now;
	j->count++;
}

void
journal_put_user(struct journal *j, const char *name, const char *hash,
    int role, hl_ms now)
{
	journal_user(j, name, hash, role, -1, now, 0);
}

void
journal_put_user_demo(struct journal *j, const char *name, const char *hash,
    int role, int demo, hl_ms now)
{
	journal_user(j, name, hash, role, demo, now, 0);
}

void
journal_del_user(struct journal *j, const char *name)
{
	journal_user(j, name, NULL, 0, -1, 0, 1);
}

static struct jsession *
journal_session(struct journal *j, int op, hl_ms now)
{
	struct jsession	*js;

	j->sessions = journal_grow(j->sessions, &j->csessions,
	    j->nsessions + 1, sizeof *j->sessions);
	js = &j->sessions[j->nsessions++];
	memset(js, 0, sizeof *js);
	js->op = op;
	js->now = now;
	j->count++;
	return (js);
}

void
journal_session_put(struct journal *j, const struct store_session *s)
{
	journal_session(j, JS_PUT, 0)->s = *s;
}

void
journal_session_del(struct journal *j, const char *id)
{
	struct jsession	*js = journal_session(j, JS_DEL, 0);

	snprintf(js->s.id, sizeof js->s.id, "%s", id);
}

void
journal_session_del_user(struct journal *j, const char *user)
{
	struct jsession	*js = journal_session(j, JS_DEL_USER, 0);

	snprintf(js->s.user, sizeof js->s.user, "%s", user);
}

void
journal_session_touch(struct journal *j, const char *id, hl_ms now)
{
	struct jsession	*js = journal_session(j, JS_TOUCH, now);

	snprintf(js->s.id, sizeof js->s.id, "%s", id);
}

void
journal_session_purge(struct journal *j, hl_ms now)
{
	journal_session(j, JS_PURGE, now);
}

uint64_t
journal_count(const struct journal *j)
{
	return (j->count);
}

int
journal_pending(const struct journal *j)
{
	return (j->nevents > 0 || j->nusers > 0 || j->nsessions > 0);
}

void
journal_discard(struct journal *j)
{
	journal_free_final(j);
	buf_reset(&j->arena);
	j->nevents = j->nusers = j->ntickets = j->ncreated = 0;
	j->nsessions = 0;
	j->ncustomers = j->nagents = 0;
}
