#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "presence.h"
#include "xmalloc.h"

/* Chained by name: agents come and go, and a rebuild walks them all. */
struct pentry {
	char			 name[ENGINE_NAME_MAX];
	struct agent_presence	 p;
	struct pentry		*next;
};

static struct pentry	**presence_v;
static size_t		  presence_cap, presence_n;

static size_t
presence_hash(const char *s)
{
	uint64_t	h = 1469598103934665603ULL;	/* FNV-1a */

	while (*s != '\0')
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return ((size_t)h);
}

static void
presence_grow(void)
{
	struct pentry	**v, *p, *next;
	size_t		  cap = presence_cap ? presence_cap * 2 : 256, i, k;

	v = xcalloc(cap, sizeof *v);
	for (i = 0; i < presence_cap; i++) {
		for (p = presence_v[i]; p != NULL; p = next) {
			next = p->next;
			k = presence_hash(p->name) & (cap - 1);
			p->next = v[k];
			v[k] = p;
		}
	}
	free(presence_v);
	presence_v = v;
	presence_cap = cap;
}

static struct pentry **
presence_find(const char *name)
{
	struct pentry	**pp;

	if (presence_cap == 0)
		presence_grow();
	pp = &presence_v[presence_hash(name) & (presence_cap - 1)];
	while (*pp != NULL && strcmp((*pp)->name, name) != 0)
		pp = &(*pp)->next;
	return (pp);
}

void
presence_note(const struct engine *e, const char *agent)
{
	struct agent_presence	  p;
	struct pentry		**pp, *x;

	if (agent == NULL || *agent == '\0')
		return;
	pp = presence_find(agent);
	if (engine_agent_presence(e, agent, &p) != 0) {
		if ((x = *pp) != NULL) {
			*pp = x->next;
			free(x);
			presence_n--;
		}
		return;
	}
	if ((x = *pp) == NULL) {
		if (presence_n >= presence_cap) {
			presence_grow();
			pp = presence_find(agent);
		}
		x = xcalloc(1, sizeof *x);
		snprintf(x->name, sizeof x->name, "%s", agent);
		x->next = *pp;
		*pp = x;
		presence_n++;
	}
	x->p = p;
}

size_t
presence_restore(struct engine *e)
{
	struct pentry	*x;
	size_t		 i, n = 0;

	for (i = 0; i < presence_cap; i++)
		for (x = presence_v[i]; x != NULL; x = x->next)
			if (engine_restore_presence(e, x->name, &x->p) == 0)
				n++;
	return (n);
}

size_t
presence_count(void)
{
	return (presence_n);
}

void
presence_free(void)
{
	struct pentry	*x, *next;
	size_t		 i;

	for (i = 0; i < presence_cap; i++)
		for (x = presence_v[i]; x != NULL; x = next) {
			next = x->next;
			free(x);
		}
	free(presence_v);
	presence_v = NULL;
	presence_cap = presence_n = 0;
}
