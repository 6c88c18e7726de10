#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hmap.h"
#include "log.h"
#include "presence.h"
#include "xmalloc.h"

/* By name: agents come and go, and a rebuild walks them all. */
struct pentry {
	char			 name[ENGINE_NAME_MAX];
	struct agent_presence	 p;
};

static const char *
pentry_name(const void *p)
{
	return (((const struct pentry *)p)->name);
}

static struct hmap	presence = { .key = pentry_name };

void
presence_note(const struct engine *e, const char *agent)
{
	struct agent_presence	 p;
	struct pentry		*x;

	if (agent == NULL || *agent == '\0')
		return;
	if (engine_agent_presence(e, agent, &p) != 0) {
		free(hmap_str_del(&presence, agent));
		return;
	}
	if ((x = hmap_str_get(&presence, agent)) == NULL) {
		x = xcalloc(1, sizeof *x);
		snprintf(x->name, sizeof x->name, "%s", agent);
		hmap_str_put(&presence, x);
	}
	x->p = p;
}

size_t
presence_restore(struct engine *e)
{
	struct pentry	*x;
	size_t		 i, n = 0;

	for (i = 0; (x = hmap_next(&presence, &i)) != NULL;)
		if (engine_restore_presence(e, x->name, &x->p) == 0)
			n++;
	return (n);
}

size_t
presence_count(void)
{
	return (presence.n);
}

void
presence_free(void)
{
	hmap_free(&presence, free);
}
