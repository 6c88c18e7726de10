/*
 * customer.c: CUSTOMER SET. A new account manager re-files the customer's
 * waiting tickets (each customer keeps a list of its tickets), so the new
 * manager is offered them at once when free. The event data never holds
 * the name or phone: personal data stays out of the journal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_internal.h"

static int
customer_perm(const struct actor *ac, char *err)
{
	if (ac == NULL || ac->role != ROLE_AGENT)
		return (ENGINE_OK);
	eng_err(err, "agent %s may not change customers", eng_actor(ac));
	return (ENGINE_NOPERM);
}

static int
customer_check(const struct engine *e, const char *id,
    const struct customer_update *u, enum segment *seg, char *err)
{
	int	i;

	if (eng_name_ok(id, "customer id", err) != 0)
		return (-1);
	if (u->tier != NULL && eng_tier_index(e, u->tier) < 0) {
		eng_err(err, "unknown tier %s", u->tier);
		return (-1);
	}
	if (u->segment != NULL && segment_parse(u->segment, seg) != 0) {
		eng_err(err, "unknown segment %s", u->segment);
		return (-1);
	}
	if (u->manager != NULL && *u->manager != '\0' &&
	    eng_name_ok(u->manager, "manager name", err) != 0)
		return (-1);
	if (u->nattrs < 0 || (u->nattrs > 0 && u->attrs == NULL)) {
		eng_err(err, "bad attribute list");
		return (-1);
	}
	for (i = 0; i < u->nattrs; i++) {
		if (eng_name_ok(u->attrs[i].key, "attribute name", err) != 0)
			return (-1);
	}
	return (0);
}

static void
customer_set_str(char **dst, const char *src)
{
	eng_free_str(*dst);
	*dst = eng_strdup(src);
}

/* Attributes merge: a key is set, or removed by an empty value. */
static bool
customer_attr(struct customer *c, const char *key, const char *value)
{
	int	i;

	if (value == NULL)
		value = "";
	for (i = 0; i < c->nattrs; i++) {
		if (strcmp(c->attrs[i].key, key) == 0)
			break;
	}
	if (i < c->nattrs) {
		if (strcmp(c->attrs[i].value, value) == 0)
			return (false);
		if (*value == '\0') {
			eng_free_str(c->attrs[i].key);
			eng_free_str(c->attrs[i].value);
			c->attrs[i] = c->attrs[--c->nattrs];
		} else
			customer_set_str(&c->attrs[i].value, value);
		return (true);
	}
	if (*value == '\0')
		return (false);
	c->attrs = xreallocarray(c->attrs, (size_t)c->nattrs + 1,
	    sizeof *c->attrs);
	c->attrs[c->nattrs].key = eng_strdup(key);
	c->attrs[c->nattrs].value = eng_strdup(value);
	c->nattrs++;
	return (true);
}

/* The customer's waiting tickets, best first, after a manager change. */
static void
customer_route(struct engine *e, struct customer_private *c, hl_ms now)
{
	struct ticket_private	*t, **v;
	size_t			 n = 0;

	for (t = c->tickets; t != NULL; t = t->cnext)
		n++;
	v = xcalloc(n + 1, sizeof *v);
	n = 0;
	for (t = c->tickets; t != NULL; t = t->cnext) {
		if (t->t.state == TICKET_QUEUED)
			v[n++] = t;
	}
	route_tickets(e, v, n, now);
	free(v);
}

int
engine_customer_set(struct engine *e, hl_ms now, const struct actor *ac,
    const char *id, const struct customer_update *u, char *err)
{
	static const struct customer_update	 none;
	struct customer_private			*c;
	struct ticket_private			*t;
	enum segment				 seg = SEGMENT_INDIVIDUAL;
	bool					 created = false, manager;
	bool					 attrs = false;
	int					 rc, i, nchanged = 0;

	eng_clock(e, now);
	if ((rc = customer_perm(ac, err)) != ENGINE_OK)
		return (rc);
	if (u == NULL)
		u = &none;
	if (customer_check(e, id, u, &seg, err) != 0)
		return (ENGINE_ERR);
	if ((c = eng_customer(e, id)) == NULL) {
		c = eng_customer_make(e, id, now);
		created = true;
	}
	ejson_begin(&e->json);
	if (created)
		ejson_bool(&e->json, "created", true);
	ejson_array(&e->json, "changed");
	if (u->name != NULL && strcmp(u->name, c->c.name) != 0) {
		customer_set_str(&c->c.name, u->name);
		ejson_str(&e->json, NULL, "name");
		nchanged++;
	}
	if (u->phone != NULL && strcmp(u->phone, c->c.phone) != 0) {
		customer_set_str(&c->c.phone, u->phone);
		ejson_str(&e->json, NULL, "phone");
		nchanged++;
	}
	if (u->tier != NULL && strcmp(u->tier, c->c.tier) != 0) {
		snprintf(c->c.tier, sizeof c->c.tier, "%s", u->tier);
		ejson_str(&e->json, NULL, "tier");
		nchanged++;
	}
	if (u->segment != NULL && seg != c->c.segment) {
		c->c.segment = seg;
		ejson_str(&e->json, NULL, "segment");
		nchanged++;
	}
	manager = u->manager != NULL && strcmp(u->manager, c->c.manager) != 0;
	if (manager) {
		for (t = c->tickets; t != NULL; t = t->cnext)
			route_unfile(e, t, false);
		snprintf(c->c.manager, sizeof c->c.manager, "%s", u->manager);
		for (t = c->tickets; t != NULL; t = t->cnext) {
			if (t->t.state == TICKET_QUEUED)
				route_file(e, t);
		}
		ejson_str(&e->json, NULL, "manager");
		nchanged++;
	}
	for (i = 0; i < u->nattrs; i++)
		attrs |= customer_attr(&c->c, u->attrs[i].key,
		    u->attrs[i].value);
	if (attrs) {
		ejson_str(&e->json, NULL, "attrs");
		nchanged++;
	}
	ejson_close(&e->json);
	if (!created && nchanged == 0)
		return (ENGINE_OK);	/* nothing changed */
	c->c.updated = now;
	ejson_str(&e->json, "tier", c->c.tier);
	ejson_str(&e->json, "segment", segment_name(c->c.segment));
	ejson_str(&e->json, "manager", c->c.manager);
	eng_emit(e, now, eng_actor(ac), EV_CUSTOMER_UPDATED, NULL, c->c.id,
	    ejson_end(&e->json), NULL);
	if (manager)
		customer_route(e, c, now);
	return (ENGINE_OK);
}
