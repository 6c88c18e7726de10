/*
 * names.c: the words of the protocol for states, statuses, strategies,
 * segments, roles, channels, fact kinds and event types. Parsing is
 * case-insensitive, as protocol keywords are (event types excepted);
 * names are always lower case.
 */
#include <string.h>
#include <strings.h>

#include "engine.h"

static const char *const ticket_states[] = {
	"queued", "offered", "active", "pending", "resolved", "closed",
	"abandoned", "scheduled"
};
static const char *const agent_statuses[] = {
	"offline", "available", "busy", "wrapup", "break"
};
static const char *const agent_conns[] = {
	"absent", "connected", "detached"
};
static const char *const strategies[] = {
	"longest-idle", "least-busy", "round-robin", "top-skill", "random"
};
static const char *const segments[] = {
	"individual", "family", "enterprise"
};
static const char *const channels[] = {
	"voice", "callback", "email", "chat"
};
/* As stored in the journal's facts table: keep them stable. */
static const char *const fact_kinds[] = {
	"answered", "abandoned", "short_abandoned", "handled", "transferred",
	"escalated", "answer_breach", "resolve_breach", "missed", "rejected",
	"rated", "status"
};
_Static_assert(sizeof fact_kinds / sizeof fact_kinds[0] == FACT_NKINDS,
    "a name for every fact kind");

#define NITEMS(a)	((int)(sizeof (a) / sizeof (a)[0]))

static const char *
names_get(const char *const *names, int n, int i)
{
	if (i < 0 || i >= n)
		return ("unknown");
	return (names[i]);
}

static int
names_find(const char *const *names, int n, const char *s)
{
	int	i;

	if (s == NULL)
		return (-1);
	for (i = 0; i < n; i++) {
		if (strcasecmp(names[i], s) == 0)
			return (i);
	}
	return (-1);
}

const char *
ticket_state_name(enum ticket_state s)
{
	return (names_get(ticket_states, NITEMS(ticket_states), (int)s));
}

int
ticket_state_parse(const char *s, enum ticket_state *out)
{
	int	i;

	if ((i = names_find(ticket_states, NITEMS(ticket_states), s)) < 0)
		return (-1);
	*out = (enum ticket_state)i;
	return (0);
}

const char *
agent_status_name(enum agent_status s)
{
	return (names_get(agent_statuses, NITEMS(agent_statuses), (int)s));
}

const char *
agent_conn_name(enum agent_conn c)
{
	return (names_get(agent_conns, NITEMS(agent_conns), (int)c));
}

const char *
strategy_name(enum strategy s)
{
	return (names_get(strategies, NITEMS(strategies), (int)s));
}

int
strategy_parse(const char *s, enum strategy *out)
{
	int	i;

	if ((i = names_find(strategies, NITEMS(strategies), s)) < 0)
		return (-1);
	*out = (enum strategy)i;
	return (0);
}

const char *
segment_name(enum segment s)
{
	return (names_get(segments, NITEMS(segments), (int)s));
}

int
segment_parse(const char *s, enum segment *out)
{
	int	i;

	if ((i = names_find(segments, NITEMS(segments), s)) < 0)
		return (-1);
	*out = (enum segment)i;
	return (0);
}

/* One ROLE_* bit; a set of several bits has no single name. */
const char *
role_name(int role)
{
	switch (role) {
	case ROLE_AGENT:
		return ("agent");
	case ROLE_SUPERVISOR:
		return ("supervisor");
	case ROLE_INTEGRATION:
		return ("integration");
	case ROLE_ADMIN:
		return ("admin");
	}
	return ("unknown");
}

int
role_parse(const char *s)
{
	static const int	 bits[] = {
		ROLE_AGENT, ROLE_SUPERVISOR, ROLE_INTEGRATION, ROLE_ADMIN
	};
	int			 i;

	for (i = 0; i < NITEMS(bits); i++) {
		if (s != NULL && strcasecmp(s, role_name(bits[i])) == 0)
			return (bits[i]);
	}
	return (0);
}

/* Returns 1 for voice, callback, email and chat (any case), else 0. */
int
engine_valid_channel(const char *s)
{
	return (names_find(channels, NITEMS(channels), s) >= 0);
}

const char *
fact_kind_name(enum fact_kind k)
{
	return (names_get(fact_kinds, NITEMS(fact_kinds), (int)k));
}

int
fact_kind_parse(const char *s, enum fact_kind *out)
{
	int	i;

	if ((i = names_find(fact_kinds, NITEMS(fact_kinds), s)) < 0)
		return (-1);
	*out = (enum fact_kind)i;
	return (0);
}

static const struct {
	const char	*name;
	unsigned	 flags;
} event_types[] = {
#define ENGINE_EVENT_ROW(e, name, flags)	[e] = { name, flags },
	ENGINE_EVENT_TYPES(ENGINE_EVENT_ROW)
#undef ENGINE_EVENT_ROW
};
_Static_assert(sizeof event_types / sizeof event_types[0] == EV_NTYPES,
    "a row for every event type");

const char *
event_type_name(enum event_type k)
{
	if ((int)k < 0 || k >= EV_NTYPES)
		return ("unknown");
	return (event_types[k].name);
}

/* Exact: the names are stored and compared as written. */
enum event_type
event_type_parse(const char *s)
{
	int	i;

	for (i = 0; s != NULL && i < EV_NTYPES; i++)
		if (strcmp(event_types[i].name, s) == 0)
			return ((enum event_type)i);
	return (EV_UNKNOWN);
}

unsigned
event_type_flags(enum event_type k)
{
	if ((int)k < 0 || k >= EV_NTYPES)
		return (0);
	return (event_types[k].flags);
}

void
engine_event_init(struct engine_event *ev, enum event_type k, hl_ms time,
    const char *actor)
{
	memset(ev, 0, sizeof *ev);
	ev->time = time;
	ev->kind = k;
	ev->type = event_type_name(k);
	ev->flags = event_type_flags(k);
	ev->actor = actor;
	ev->data = "{}";
}
