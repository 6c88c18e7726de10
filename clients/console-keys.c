/*
 * console-keys.c: the wallboard's keys. Moving around (Tab between panes,
 * arrows within), filtering by queue, the help overlay, and the actions a
 * supervisor takes on the floor: reassign a ticket, change its tier or
 * priority, escalate it, put an agent on break or make them ready. An
 * action asks its questions on the bottom line, prefilled from what is
 * selected (the agent's ticket, the event's ticket), then sends one
 * command; its answer comes back as a message on the same line.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "console.h"
#include "rmap.h"
#include "words.h"
#include "xmalloc.h"

#define KEY_CTRL(x)	((x) & 0x1f)
#define KEY_ESCAPE	27

struct action {
	struct console	*c;
	char		 done[400];
};

static const char *
action_name(int key)
{
	switch (key) {
	case 't': return ("Reassign");
	case 'T': return ("Re-tier");
	case 'p': return ("Priority of");
	case 'e': return ("Escalate");
	case 'b': return ("Break for");
	case 'a': return ("Ready for");
	default: return ("?");
	}
}

int
keys_prompt_active(const struct console *c)
{
	return (c->prompt.active);
}

void
keys_draw_prompt(struct console *c)
{
	int	rows, cols, len;

	getmaxyx(stdscr, rows, cols);
	attrset(A_BOLD);
	mvprintw(rows - 1, 0, "%.*s", cols, c->prompt.label);
	attrset(A_NORMAL);
	len = (int)strlen(c->prompt.label);
	if (len < cols)
		mvprintw(rows - 1, len, "%.*s", cols - len, c->prompt.buf);
	curs_set(1);
}

static void
prompt_set(struct console *c, const char *label, const char *prefill)
{
	struct prompt	*p = &c->prompt;

	p->active = 1;
	snprintf(p->label, sizeof p->label, "%s", label);
	snprintf(p->buf, sizeof p->buf, "%s", prefill);
	p->len = strlen(p->buf);
	screen_dirty_part(c, SCREEN_BOTTOM);
}

static void
prompt_end(struct console *c)
{
	memset(&c->prompt, 0, sizeof c->prompt);
	curs_set(0);
	screen_dirty_part(c, SCREEN_BOTTOM);
}

static void
action_reply(redisAsyncContext *ac, void *reply, void *arg)
{
	struct action		*a = arg;
	const redisReply	*r = reply;

	if (r == NULL)
		screen_message(a->c, CC_BAD, "%s: connection lost", a->done);
	else if (r->type == REDIS_REPLY_ERROR)
		screen_message(a->c, CC_BAD, "Refused: %s", r->str);
	else
		screen_message(a->c, CC_GOOD, "%s", a->done);
	free(a);
}

static struct action *
action_new(struct console *c, const char *done)
{
	struct action	*a;

	a = xcalloc(1, sizeof *a);
	a->c = c;
	snprintf(a->done, sizeof a->done, "%s", done);
	return (a);
}

/* Sends argv with its result message; says so if not connected. */
static void
action_send(struct console *c, const char *done, const char *a0,
    const char *a1, const char *a2, const char *a3, const char *a4,
    const char *a5)
{
	struct action	*a;

	if ((a = action_new(c, done)) == NULL)
		return;
	if (sync_call(c, action_reply, a, a0, a1, a2, a3, a4, a5, NULL) != 0) {
		screen_message(c, CC_BAD, "Not connected: try again in a moment");
		free(a);
	}
}

/* The ticket an action starts from: the selected agent's or event's. */
static void
default_ticket(struct console *c, char *buf, size_t len)
{
	const struct feed_item	*f;
	struct cagent		*a;

	buf[0] = '\0';
	if (c->focus == PANE_AGENTS &&
	    (a = screen_agent(c, c->sel[PANE_AGENTS])) != NULL) {
		if (a->ticket != 0)
			snprintf(buf, len, "%llu", (unsigned long long)a->ticket);
		else if (a->offer != 0)
			snprintf(buf, len, "%lld", (long long)a->offer);
	} else if (c->focus == PANE_FEED &&
	    (f = data_feed_item(c, c->sel[PANE_FEED])) != NULL && f->ticket != 0)
		snprintf(buf, len, "%llu", (unsigned long long)f->ticket);
}

/* "queue NAME", "agent NAME", or a bare name of a queue or an agent. */
static void
reassign(struct console *c, const char *ticket, const char *to)
{
	char		 done[400], word[16], name[CON_NAME_MAX];
	const char	*kind = NULL;

	if (sscanf(to, "%15s %63s", word, name) == 2 &&
	    (strcasecmp(word, "queue") == 0 || strcasecmp(word, "agent") == 0))
		kind = strcasecmp(word, "queue") == 0 ? "QUEUE" : "AGENT";
	else {
		snprintf(name, sizeof name, "%.*s", (int)sizeof name - 1, to);
		if (data_queue_index(c, name) >= 0)
			kind = "QUEUE";
		else if (data_agent(c, name) != NULL)
			kind = "AGENT";
	}
	if (kind == NULL) {
		screen_message(c, CC_BAD, "'%s' is neither a queue nor an agent",
		    to);
		return;
	}
	snprintf(done, sizeof done, "Ticket #%s reassigned to %s %s.", ticket,
	    *kind == 'Q' ? "queue" : "agent", name);
	action_send(c, done, "TICKET", "TRANSFER", ticket, kind, name, NULL);
}

static int
is_ticket_id(const char *s)
{
	return (words_is_number(*s == '#' ? s + 1 : s));
}

/* Enter in a prompt: the next question, or the command. */
static void
prompt_submit(struct console *c)
{
	struct prompt	*p = &c->prompt;
	char		 label[160], done[400], ticket[24], value[128];
	int		 key = p->action;

	snprintf(value, sizeof value, "%s", p->buf);
	if (p->step == 0 && (key == 'b' || key == 'a')) {
		if (data_agent(c, value) == NULL) {
			prompt_end(c);
			screen_message(c, CC_BAD, "No agent '%s'", value);
			return;
		}
		if (key == 'a') {
			prompt_end(c);
			snprintf(done, sizeof done, "%s is ready.", value);
			action_send(c, done, "AGENT", "READY", "FOR", value,
			    NULL, NULL);
			return;
		}
		snprintf(p->agent, sizeof p->agent, "%.*s", (int)sizeof p->agent - 1,
		    value);
		snprintf(label, sizeof label, "Break for %s, reason: ", value);
		p->step = 1;
		prompt_set(c, label, "");
		return;
	}
	if (p->step == 1 && key == 'b') {
		snprintf(done, sizeof done, "%s is on break%s%s.", p->agent,
		    *value ? ": " : "", value);
		snprintf(label, sizeof label, "%s", p->agent);
		prompt_end(c);
		if (*value != '\0')
			action_send(c, done, "AGENT", "BREAK", value, "FOR",
			    label, NULL);
		else
			action_send(c, done, "AGENT", "BREAK", "FOR", label,
			    NULL, NULL);
		return;
	}
	if (p->step == 0) {
		if (!is_ticket_id(value)) {
			prompt_end(c);
			screen_message(c, CC_BAD, "A ticket id, such as 12");
			return;
		}
		p->ticket = strtoull(value + (*value == '#'), NULL, 10);
		p->step = 1;
		snprintf(label, sizeof label, "%s #%llu %s", action_name(key),
		    (unsigned long long)p->ticket,
		    key == 't' ? "to (agent or queue): " :
		    key == 'T' ? "to tier: " : key == 'p' ?
		    "(-1000..1000): " : "because: ");
		prompt_set(c, label, "");
		return;
	}
	snprintf(ticket, sizeof ticket, "%llu", (unsigned long long)p->ticket);
	prompt_end(c);
	switch (key) {
	case 't':
		reassign(c, ticket, value);
		break;
	case 'T':
		snprintf(done, sizeof done, "Ticket #%s is now %s.", ticket,
		    value);
		action_send(c, done, "TICKET", "SET", ticket, "TIER", value,
		    NULL);
		break;
	case 'p':
		snprintf(done, sizeof done, "Ticket #%s has priority %s.",
		    ticket, value);
		action_send(c, done, "TICKET", "SET", ticket, "PRIORITY",
		    value, NULL);
		break;
	case 'e':
		snprintf(done, sizeof done, "Ticket #%s escalated.", ticket);
		if (*value != '\0')
			action_send(c, done, "TICKET", "ESCALATE", ticket, value,
			    NULL, NULL);
		else
			action_send(c, done, "TICKET", "ESCALATE", ticket, NULL,
			    NULL, NULL);
		break;
	}
}

/* Tab in a prompt: the next name that starts with what is typed. */
static void
prompt_complete(struct console *c)
{
	struct prompt	*p = &c->prompt;
	const char	*cands[512];
	int		 n = 0, i, start = -1;
	static char	 typed[128];

	if (p->step == 0 && (p->action == 'b' || p->action == 'a')) {
		for (i = 0; i < c->nagents && n < 512; i++)
			cands[n++] = c->agents[i].name;
	} else if (p->step == 1 && p->action == 'T') {
		for (i = 0; i < c->ntiers && n < 512; i++)
			cands[n++] = c->tiers[i];
	} else if (p->step == 1 && p->action == 't') {
		for (i = 0; i < c->nagents && n < 512; i++)
			cands[n++] = c->agents[i].name;
		for (i = 0; i < c->nqueues && n < 512; i++)
			cands[n++] = c->queues[i].name;
	}
	/* Remember what was typed; repeated Tabs cycle through matches. */
	for (i = 0; i < n; i++)
		if (strcmp(cands[i], p->buf) == 0)
			start = i;
	if (start < 0)
		snprintf(typed, sizeof typed, "%s", p->buf);
	for (i = 1; i <= n; i++) {
		const char *s = cands[(start + i + n) % n];

		if (strncasecmp(s, typed, strlen(typed)) == 0) {
			snprintf(p->buf, sizeof p->buf, "%s", s);
			p->len = strlen(p->buf);
			break;
		}
	}
	screen_dirty_part(c, SCREEN_BOTTOM);
}

static void
prompt_key(struct console *c, int ch)
{
	struct prompt	*p = &c->prompt;

	switch (ch) {
	case KEY_ESCAPE:
		prompt_end(c);
		return;
	case '\n':
	case '\r':
	case KEY_ENTER:
		prompt_submit(c);
		return;
	case '\t':
		prompt_complete(c);
		return;
	case KEY_BACKSPACE:
	case 127:
	case 8:
		/* Drop one character, all its UTF-8 bytes. */
		while (p->len > 0 &&
		    ((unsigned char)p->buf[--p->len] & 0xc0) == 0x80)
			;
		p->buf[p->len] = '\0';
		break;
	case KEY_CTRL('u'):
		p->len = 0;
		p->buf[0] = '\0';
		break;
	default:
		if (ch < 0x20 || ch > 0xff || p->len + 1 >= sizeof p->buf)
			return;
		p->buf[p->len++] = (char)ch;
		p->buf[p->len] = '\0';
	}
	screen_dirty_part(c, SCREEN_BOTTOM);
}

static void
start_action(struct console *c, int key)
{
	char		 prefill[CON_NAME_MAX], label[160];
	struct cagent	*a;

	memset(&c->prompt, 0, sizeof c->prompt);
	c->prompt.action = key;
	if (key == 'b' || key == 'a') {
		a = screen_agent(c, c->sel[PANE_AGENTS]);
		snprintf(prefill, sizeof prefill, "%s", a != NULL ? a->name : "");
		snprintf(label, sizeof label, "%s agent: ", action_name(key));
	} else {
		default_ticket(c, prefill, sizeof prefill);
		snprintf(label, sizeof label, "%s ticket #", action_name(key));
	}
	prompt_set(c, label, prefill);
}

/* f: the next queue as the filter (all, then each queue in turn). */
static void
filter_next(struct console *c, int step)
{
	int	i = c->filter[0] ? data_queue_index(c, c->filter) : -1;

	if (c->nqueues == 0)
		return;
	i += step;
	if (i >= c->nqueues || i < -1)
		i = -1;
	snprintf(c->filter, sizeof c->filter, "%s", i >= 0 ?
	    c->queues[i].name : "");
	c->sel[PANE_AGENTS] = c->sel[PANE_FEED] = 0;
	screen_dirty(c);
}

static void
select_move(struct console *c, int delta)
{
	int	n = screen_count(c, c->focus);

	c->sel[c->focus] += delta;
	if (c->sel[c->focus] >= n)
		c->sel[c->focus] = n - 1;
	if (c->sel[c->focus] < 0)
		c->sel[c->focus] = 0;
	screen_dirty(c);
}

static void
key_normal(struct console *c, int ch)
{
	int		 step = c->focus == PANE_AGENTS ? screen_agent_columns(c) : 1;
	struct cqueue	*q;

	switch (ch) {
	case 'q':
	case 'Q':
		console_quit(c, 0);
		break;
	case '?':
	case 'h':
		c->help = 1;
		screen_dirty_part(c, SCREEN_ALL);
		break;
	case '\t':
		c->focus = (enum pane)((c->focus + 1) % NPANES);
		screen_dirty(c);
		break;
	case KEY_BTAB:
		c->focus = (enum pane)((c->focus + NPANES - 1) % NPANES);
		screen_dirty(c);
		break;
	case KEY_UP:
	case 'k':
		select_move(c, -step);
		break;
	case KEY_DOWN:
	case 'j':
		select_move(c, step);
		break;
	case KEY_LEFT:
		select_move(c, -1);
		break;
	case KEY_RIGHT:
		select_move(c, 1);
		break;
	case KEY_PPAGE:
		select_move(c, -10 * step);
		break;
	case KEY_NPAGE:
		select_move(c, 10 * step);
		break;
	case KEY_HOME:
		select_move(c, -1000000);
		break;
	case KEY_END:
		select_move(c, 1000000);
		break;
	case '\n':
	case '\r':
	case KEY_ENTER:
		if (c->focus != PANE_QUEUES ||
		    (q = screen_queue(c, c->sel[PANE_QUEUES])) == NULL)
			break;
		snprintf(c->filter, sizeof c->filter, "%s",
		    strcmp(c->filter, q->name) == 0 ? "" : q->name);
		c->sel[PANE_QUEUES] = 0;
		screen_dirty(c);
		break;
	case 'f':
		filter_next(c, 1);
		break;
	case 'F':
		c->filter[0] = '\0';
		screen_dirty(c);
		break;
	case 't':
	case 'T':
	case 'p':
	case 'e':
	case 'b':
	case 'a':
		start_action(c, ch);
		break;
	case KEY_CTRL('l'):
		clearok(stdscr, TRUE);
		sync_snapshot(c);
		screen_dirty_part(c, SCREEN_ALL);
		break;
	case KEY_RESIZE:
		/* ncurses resized already (our SIGWINCH handler asked it). */
		screen_dirty_part(c, SCREEN_ALL);
		break;
	}
}

void
keys_read(evutil_socket_t fd, short what, void *arg)
{
	struct console	*c = arg;
	int		 ch;

	while (!c->quitting && (ch = getch()) != ERR) {
		if (c->prompt.active)
			prompt_key(c, ch);
		else if (c->help) {
			c->help = 0;
			screen_dirty_part(c, SCREEN_ALL);
		} else
			key_normal(c, ch);
	}
}
