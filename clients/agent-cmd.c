/*
 * agent-cmd.c: the desk's commands, one function each, and their table
 * (name, short form, usage, help, flags, completion). They run as jobs
 * (agent-job.c): each sends its requests and ends with job_done() or
 * job_fail().
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent.h"
#include "fmt.h"
#include "rmap.h"
#include "xmalloc.h"

static int
in_list(char **l, int n, const char *s)
{
	int	i;

	for (i = 0; i < n; i++)
		if (strcmp(l[i], s) == 0)
			return (1);
	return (0);
}

/* Just +OK expected: say so, and done. */
static void
job_ok_say(struct job *j, const redisReply *r)
{
	if (job_error(j, r))
		return;
	term_printf(j->d, "%s\n", j->text);
	desk_refresh_mine(j->d);
	job_done(j, 1);
}

static void
forget_ticket(struct desk *d, uint64_t id)
{
	desk_offer_gone(d, id);
	if (d->current == id) {
		d->current = 0;
		d->current_due = 0;
	}
}

static void
accept_got(struct job *j, const redisReply *r)
{
	struct desk	*d = j->d;
	char		 due[32], left[FMT_DURATION_MAX];

	if (job_error(j, r))
		return;
	tview_read(&j->tv, r);
	d->current_due = j->tv.resolve_due;
	if (j->tv.resolve_due > 0)
		term_printf(d, "Accepted #%llu (%s, %s%s%s): resolve due %s, "
		    "in %s.\n", (unsigned long long)j->ticket, j->tv.queue,
		    tier_color(d, j->tv.tier), j->tv.tier, d->c.reset,
		    fmt_due(j->tv.resolve_due, fmt_now_ms(), due, sizeof due),
		    fmt_duration(j->tv.resolve_due - fmt_now_ms(), left,
		    sizeof left));
	else
		term_printf(d, "Accepted #%llu (%s, %s%s%s).\n",
		    (unsigned long long)j->ticket, j->tv.queue,
		    tier_color(d, j->tv.tier), j->tv.tier, d->c.reset);
	desk_refresh_mine(d);
	job_done(j, 1);
}

static void
accept_done(struct job *j, const redisReply *r)
{
	struct desk	*d = j->d;
	char		 num[24];

	if (job_error(j, r))
		return;
	desk_offer_gone(d, j->ticket);
	d->current = j->ticket;
	snprintf(num, sizeof num, "%llu", (unsigned long long)j->ticket);
	job_call(j, accept_got, "TICKET", "GET", num, NULL);
}

static void
cmd_accept(struct job *j)
{
	char	num[24];

	if (job_ticket(j, num, sizeof num) == 0)
		job_call(j, accept_done, "TICKET", "ACCEPT", num, NULL);
}

static void
ticket_left(struct job *j, const redisReply *r)
{
	if (job_error(j, r))
		return;
	forget_ticket(j->d, j->ticket);
	job_ok_say(j, r);
}

static void
cmd_reject(struct job *j)
{
	char	num[24], *reason;

	if (job_ticket(j, num, sizeof num) != 0)
		return;
	snprintf(j->text, sizeof j->text, "Rejected #%s: back to its queue.",
	    num);
	if (job_nargs(j) == 0) {
		job_call(j, ticket_left, "TICKET", "REJECT", num, NULL);
		return;
	}
	reason = words_join(&j->w, j->arg);
	job_call(j, ticket_left, "TICKET", "REJECT", num, reason, NULL);
	free(reason);
}

static void
cmd_note(struct job *j)
{
	char	num[24], *text;

	if (job_ticket(j, num, sizeof num) != 0)
		return;
	if (job_nargs(j) == 0) {
		job_fail(j, "usage: %s", j->cmd->usage);
		return;
	}
	text = words_join(&j->w, j->arg);
	snprintf(j->text, sizeof j->text, "Note added to #%s.", num);
	job_call(j, job_ok_say, "TICKET", "NOTE", num, text, NULL);
	free(text);
}

/* transfer [#id] queue Q | agent A | NAME (a queue or an agent) */
static void
cmd_transfer(struct job *j)
{
	struct desk	*d = j->d;
	const char	*kind, *name;
	char		 num[24];

	if (job_ticket(j, num, sizeof num) != 0)
		return;
	if (job_nargs(j) == 2 && (strcasecmp(j->w.argv[j->arg], "queue") == 0 ||
	    strcasecmp(j->w.argv[j->arg], "agent") == 0)) {
		kind = strcasecmp(j->w.argv[j->arg], "queue") == 0 ? "QUEUE" :
		    "AGENT";
		name = j->w.argv[j->arg + 1];
	} else if (job_nargs(j) == 1) {
		name = j->w.argv[j->arg];
		if (in_list(d->queues, d->nqueues, name))
			kind = "QUEUE";
		else if (in_list(d->agents, d->nagents, name))
			kind = "AGENT";
		else {
			job_fail(j, "'%s' is neither a queue nor an agent I know "
			    "(say queue %s or agent %s)", name, name, name);
			return;
		}
	} else {
		job_fail(j, "usage: %s", j->cmd->usage);
		return;
	}
	snprintf(j->text, sizeof j->text, "Transferred #%s to %s %s.", num,
	    *kind == 'Q' ? "queue" : "agent", name);
	job_call(j, ticket_left, "TICKET", "TRANSFER", num, kind, name, NULL);
}

/* "+30m", "+2h", "14:30" (the next time it is 14:30), or Unix ms. */
static int
parse_until(const char *s, int64_t *out)
{
	char		*end;
	long long	 v;
	int		 hh, mm;
	time_t		 now = time(NULL);
	struct tm	 tm;

	if (s[0] == '+') {
		v = strtoll(s + 1, &end, 10);
		if (end == s + 1 || v <= 0)
			return (-1);
		switch (*end) {
		case 's': v *= 1000; break;
		case 'm': case '\0': v *= 60 * 1000; break;
		case 'h': v *= 3600 * 1000; break;
		case 'd': v *= 86400 * 1000; break;
		default: return (-1);
		}
		if (*end != '\0' && end[1] != '\0')
			return (-1);
		*out = fmt_now_ms() + v;
		return (0);
	}
	if (sscanf(s, "%d:%d", &hh, &mm) == 2 && strlen(s) <= 5 &&
	    hh >= 0 && hh < 24 && mm >= 0 && mm < 60) {
		localtime_r(&now, &tm);
		tm.tm_hour = hh;
		tm.tm_min = mm;
		tm.tm_sec = 0;
		tm.tm_isdst = -1;
		*out = (int64_t)mktime(&tm) * 1000;
		if (*out <= fmt_now_ms())
			*out += 86400 * 1000;
		return (0);
	}
	if (words_is_number(s) && strlen(s) >= 12) {
		*out = strtoll(s, NULL, 10);
		return (0);
	}
	return (-1);
}

static void
cmd_pending(struct job *j)
{
	char	num[24], until[24], when[16];
	int64_t	ms;

	if (job_ticket(j, num, sizeof num) != 0)
		return;
	if (job_nargs(j) == 0) {
		snprintf(j->text, sizeof j->text, "#%s is pending: its resolve "
		    "clock is paused until you resume it.", num);
		job_call(j, job_ok_say, "TICKET", "PENDING", num, NULL);
		return;
	}
	if (job_nargs(j) != 2 || strcasecmp(j->w.argv[j->arg], "until") != 0 ||
	    parse_until(j->w.argv[j->arg + 1], &ms) != 0) {
		job_fail(j, "usage: %s (+30m, +2h, 14:30 or Unix ms)",
		    j->cmd->usage);
		return;
	}
	snprintf(until, sizeof until, "%lld", (long long)ms);
	snprintf(j->text, sizeof j->text, "#%s is pending until %s; it "
	    "resumes by itself then.", num, fmt_clock(ms, when, sizeof when));
	job_call(j, job_ok_say, "TICKET", "PENDING", num, "UNTIL", until, NULL);
}

static void
cmd_resume(struct job *j)
{
	char	num[24];

	if (job_ticket(j, num, sizeof num) != 0)
		return;
	snprintf(j->text, sizeof j->text, "#%s is active again.", num);
	j->d->current = j->ticket;
	job_call(j, job_ok_say, "TICKET", "RESUME", num, NULL);
}

static void
resolved(struct job *j, const redisReply *r)
{
	if (job_error(j, r))
		return;
	j->d->current_due = 0;
	job_ok_say(j, r);
}

static void
cmd_resolve(struct job *j)
{
	char	num[24], *disp;

	if (job_ticket(j, num, sizeof num) != 0)
		return;
	if (job_nargs(j) == 0) {
		snprintf(j->text, sizeof j->text, "Resolved #%s.", num);
		job_call(j, resolved, "TICKET", "RESOLVE", num, NULL);
		return;
	}
	disp = words_join(&j->w, j->arg);
	snprintf(j->text, sizeof j->text, "Resolved #%s (%s).", num, disp);
	job_call(j, resolved, "TICKET", "RESOLVE", num, "DISPOSITION", disp,
	    NULL);
	free(disp);
}

static void
cmd_close(struct job *j)
{
	char	num[24];

	if (job_ticket(j, num, sizeof num) != 0)
		return;
	snprintf(j->text, sizeof j->text, "Closed #%s.", num);
	job_call(j, ticket_left, "TICKET", "CLOSE", num, NULL);
}

static void
cmd_ready(struct job *j)
{
	j->d->want = PRESENCE_READY;
	snprintf(j->text, sizeof j->text, "Ready for offers.");
	job_call(j, job_ok_say, "AGENT", "READY", NULL);
}

static void
cmd_break(struct job *j)
{
	struct desk	*d = j->d;
	char		*reason;

	reason = words_join(&j->w, 1);
	if (*reason == '\0') {
		free(reason);
		reason = xstrdup("break");
	}
	d->want = PRESENCE_BREAK;
	snprintf(d->reason, sizeof d->reason, "%s", reason);
	snprintf(j->text, sizeof j->text, "On break (%s): no offers until you "
	    "type ready.", reason);
	job_call(j, job_ok_say, "AGENT", "BREAK", reason, NULL);
	free(reason);
}

static void
logged_out(struct job *j, const redisReply *r)
{
	struct desk	*d = j->d;
	int		 ok = reply_error(r) == NULL;

	if (!ok)
		term_error(d, "logout: %s", reply_error(r));
	else if (d->o.interactive)
		term_printf(d, "Logged out.\n");
	desk_quit(d, ok && !d->failed ? 0 : 1);
	job_done(j, ok);
}

static void
cmd_logout(struct job *j)
{
	struct desk	*d = j->d;

	if (!d->is_agent || !link_is_up(d->cmd)) {
		desk_quit(d, d->failed ? 1 : 0);
		job_done(j, 1);
		return;
	}
	d->want = PRESENCE_OFFLINE;
	job_call(j, logged_out, "AGENT", "LOGOUT", NULL);
}

/* Digits and phone punctuation only: a phone number to look up. */
static int
looks_like_phone(const char *s)
{
	int	digits = 0;

	for (; *s != '\0'; s++) {
		if (isdigit((unsigned char)*s))
			digits++;
		else if (strchr("+ -().", *s) == NULL)
			return (0);
	}
	return (digits >= 3);
}

static void	customer_lookup(struct job *, job_fn *);

static void
created(struct job *j, const redisReply *r)
{
	if (job_error(j, r))
		return;
	if (j->tv.customer[0] != '\0')
		term_printf(j->d, "Created ticket #%lld in %s for %s (%s, %s).\n",
		    (long long)reply_int(r, 0), j->w.argv[2], j->tv.customer,
		    j->text, j->tv.tier);
	else
		term_printf(j->d, "Created ticket #%lld in %s for new customer "
		    "%s.\n", (long long)reply_int(r, 0), j->w.argv[2], j->text);
	job_done(j, 1);
}

/* `new`: the customer is known (j->text is its id): create. */
static void
new_create(struct job *j, const redisReply *cust)
{
	struct desk	*d = j->d;
	const char	*argv[8];
	char		*subject = NULL;
	int		 argc = 0;

	/* Phones are personal data: never a customer id (see README). */
	if (cust == NULL && looks_like_phone(j->w.argv[1])) {
		job_fail(j, "no customer has the phone %s: give a customer id "
		    "to open a ticket for a new customer", j->w.argv[1]);
		return;
	}
	if (cust != NULL && cust->type == REDIS_REPLY_ARRAY) {
		show_customer(d, cust);
		snprintf(j->tv.customer, sizeof j->tv.customer, "%s",
		    *rmap_str(cust, "name") ? rmap_str(cust, "name") : "-");
		snprintf(j->tv.tier, sizeof j->tv.tier, "%s",
		    rmap_str(cust, "tier"));
	} else
		term_printf(d, "No customer %s yet: the ticket opens a new one "
		    "at the lowest tier.\n", j->text);
	argv[argc++] = "TICKET";
	argv[argc++] = "CREATE";
	argv[argc++] = j->w.argv[2];
	argv[argc++] = j->text;
	if (j->w.argc > 3) {
		subject = words_join(&j->w, 3);
		argv[argc++] = "SUBJECT";
		argv[argc++] = subject;
	}
	job_callv(j, created, argc, argv);
	free(subject);
}

static void
cmd_new(struct job *j)
{
	struct desk	*d = j->d;

	if (j->w.argc < 3) {
		job_fail(j, "usage: %s", j->cmd->usage);
		return;
	}
	if (d->nqueues > 0 && !in_list(d->queues, d->nqueues, j->w.argv[2])) {
		job_fail(j, "no queue '%s' (queues: type queues)", j->w.argv[2]);
		return;
	}
	customer_lookup(j, new_create);
}

/*
 * A phone number or a customer id -> the customer map, handed to then
 * (NULL if nobody), with the id in j->text. Phones go through CUSTOMER
 * FIND PHONE (the daemon's blind index), ids straight to CUSTOMER GET.
 */
static void
lookup_got(struct job *j, const redisReply *r)
{
	if (r->type == REDIS_REPLY_ERROR && strncmp(r->str, "NOTFOUND", 8) == 0)
		r = NULL;
	else if (job_error(j, r))
		return;
	j->then(j, r);
}

static void
lookup_found(struct job *j, const redisReply *r)
{
	if (job_error(j, r))
		return;
	if (r->type == REDIS_REPLY_STRING)
		snprintf(j->text, sizeof j->text, "%s", r->str);
	job_call(j, lookup_got, "CUSTOMER", "GET", j->text, NULL);
}

static void
customer_lookup(struct job *j, job_fn *then)
{
	const char	*who = j->w.argv[1];

	j->then = then;
	snprintf(j->text, sizeof j->text, "%s", who);
	if (looks_like_phone(who))
		job_call(j, lookup_found, "CUSTOMER", "FIND", "PHONE", who, NULL);
	else
		job_call(j, lookup_got, "CUSTOMER", "GET", who, NULL);
}

static void
customer_show(struct job *j, const redisReply *cust)
{
	if (cust == NULL) {
		job_fail(j, "no customer with phone or id %s", j->w.argv[1]);
		return;
	}
	show_customer(j->d, cust);
	job_done(j, 1);
}

static void
cmd_customer(struct job *j)
{
	if (j->w.argc != 2) {
		job_fail(j, "usage: %s", j->cmd->usage);
		return;
	}
	customer_lookup(j, customer_show);
}

static void
show_got_customer(struct job *j, const redisReply *r)
{
	show_ticket(j->d, &j->tv, r->type == REDIS_REPLY_ARRAY ? r : NULL);
	job_done(j, 1);
}

static void
show_got_ticket(struct job *j, const redisReply *r)
{
	if (job_error(j, r))
		return;
	tview_read(&j->tv, r);
	job_call(j, show_got_customer, "CUSTOMER", "GET", j->tv.customer, NULL);
}

static void
cmd_show(struct job *j)
{
	char	num[24];

	if (job_ticket(j, num, sizeof num) == 0)
		job_call(j, show_got_ticket, "TICKET", "GET", num, NULL);
}

/* Commands that read and show: the reply goes to the shower in j->then. */
static void
shown(struct job *j, const redisReply *r)
{
	if (job_error(j, r))
		return;
	j->then(j, r);
	job_done(j, 1);
}

static void
history_show(struct job *j, const redisReply *r)
{
	show_history(j->d, j->ticket, r);
}

static void
cmd_history(struct job *j)
{
	char	num[24];

	j->then = history_show;
	if (job_ticket(j, num, sizeof num) == 0)
		job_call(j, shown, "TICKET", "HISTORY", num, NULL);
}

static void
mine_show(struct job *j, const redisReply *r)
{
	show_ticket_list(j->d, "Your tickets", r, 0);
}

static void
cmd_mine(struct job *j)
{
	j->then = mine_show;
	job_call(j, shown, "TICKET", "LIST", "AGENT", j->d->user, NULL);
}

static void
status_show(struct job *j, const redisReply *r)
{
	show_agent_status(j->d, r);
}

static void
cmd_status(struct job *j)
{
	j->then = status_show;
	job_call(j, shown, "AGENT", "STATUS", NULL);
}

static void
queues_show(struct job *j, const redisReply *r)
{
	desk_set_names(&j->d->queues, &j->d->nqueues, r, "queue");
	show_queues(j->d, r);
}

static void
cmd_queues(struct job *j)
{
	j->then = queues_show;
	job_call(j, shown, "QUEUE", "LIST", NULL);
}

static void
wait_got(struct job *j, const redisReply *r)
{
	if (job_error(j, r))
		return;
	if (r->type != REDIS_REPLY_ARRAY) {
		job_fail(j, "no offer within %s s", j->w.argc > 1 ?
		    j->w.argv[1] : "?");
		return;
	}
	j->d->want = PRESENCE_READY;
	desk_offer_from_next(j, r);
}

static void
cmd_wait(struct job *j)
{
	const char	*secs = j->w.argc > 1 ? j->w.argv[1] : "0";

	if (j->w.argc > 2 || !words_is_number(secs)) {
		job_fail(j, "usage: %s", j->cmd->usage);
		return;
	}
	if (j->d->offer.id != 0 && j->d->offer_shown == j->d->offer.id) {
		job_done(j, 1);
		return;
	}
	job_call(j, wait_got, "AGENT", "NEXT", secs, NULL);
}

static void
raw_got(struct job *j, const redisReply *r)
{
	show_reply(j->d, r);
	job_done(j, r->type != REDIS_REPLY_ERROR);
}

static void
cmd_raw(struct job *j)
{
	if (j->w.argc < 2) {
		job_fail(j, "usage: %s", j->cmd->usage);
		return;
	}
	if (strcasecmp(j->w.argv[1], "SUBSCRIBE") == 0 ||
	    strcasecmp(j->w.argv[1], "PSUBSCRIBE") == 0 ||
	    strcasecmp(j->w.argv[1], "QUIT") == 0) {
		job_fail(j, "%s would take over the desk's connection",
		    j->w.argv[1]);
		return;
	}
	job_callv(j, raw_got, j->w.argc - 1, (const char **)j->w.argv + 1);
}

static void
cmd_help(struct job *j)
{
	const struct desk_cmd	*c;
	struct desk		*d = j->d;
	char			*buf = NULL;
	size_t			 len = 0;
	FILE			*fp;

	if ((fp = open_memstream(&buf, &len)) == NULL) {
		job_fail(j, "out of memory");
		return;
	}
	if (j->w.argc > 1) {
		if ((c = desk_cmd_find(j->w.argv[1])) == NULL) {
			fclose(fp);
			free(buf);
			job_fail(j, "no command '%s'", j->w.argv[1]);
			return;
		}
		fprintf(fp, "%s%s%s\n    %s\n", d->c.bold, c->usage, d->c.reset,
		    c->help);
		if (c->alias != NULL)
			fprintf(fp, "    (short: %s)\n", c->alias);
	} else {
		for (c = desk_cmds; c->name != NULL; c++)
			fprintf(fp, "  %s%-36s%s %s\n", d->c.bold, c->usage,
			    d->c.reset, c->help);
		fprintf(fp, "A ticket is named #12 (or 12 where no text "
		    "follows); without one, commands act on\nthe offer or the "
		    "ticket on your desk. Tab completes commands, queues, "
		    "agents and\ntickets; help COMMAND says more.\n");
	}
	fclose(fp);
	term_write(d, buf);
	free(buf);
	job_done(j, 1);
}

const struct desk_cmd desk_cmds[] = {
	{ "accept", "a", "accept [#id]",
	  "take the ticket offered to you", CMD_TICKET | CMD_AGENT,
	  cmd_accept, "" },
	{ "reject", NULL, "reject [#id] [reason]",
	  "pass on the offer: it goes back to its place in the queue",
	  CMD_TICKET | CMD_FREE_TEXT | CMD_AGENT, cmd_reject, "" },
	{ "note", "n", "note [#id] text",
	  "add a note to the ticket's history", CMD_TICKET | CMD_FREE_TEXT,
	  cmd_note, "" },
	{ "transfer", "t", "transfer [#id] queue Q | agent A",
	  "hand the ticket to another queue or agent", CMD_TICKET,
	  cmd_transfer, "X" },
	{ "pending", "p", "pending [#id] [until +30m|HH:MM]",
	  "wait on the customer: the resolve clock stops", CMD_TICKET,
	  cmd_pending, "U" },
	{ "resume", NULL, "resume [#id]",
	  "back to work on a pending ticket", CMD_TICKET, cmd_resume, "" },
	{ "resolve", "done", "resolve [#id] [disposition]",
	  "the customer's issue is settled", CMD_TICKET, cmd_resolve, "D" },
	{ "close", NULL, "close [#id]",
	  "close a resolved ticket", CMD_TICKET, cmd_close, "" },
	{ "ready", NULL, "ready",
	  "take offers (ends a break or the wrap-up)", CMD_AGENT, cmd_ready,
	  "" },
	{ "break", NULL, "break [reason]",
	  "no offers until ready (lunch, training...)", CMD_AGENT, cmd_break,
	  "B" },
	{ "new", NULL, "new PHONE|CUSTOMER QUEUE [subject]",
	  "open a ticket for a caller, found by phone or id", 0, cmd_new,
	  "-Q" },
	{ "customer", "c", "customer PHONE|CUSTOMER",
	  "the customer's card: tier, manager, open and past tickets", 0,
	  cmd_customer, "" },
	{ "show", NULL, "show [#id]",
	  "a ticket in full, with its customer", CMD_TICKET, cmd_show, "" },
	{ "history", NULL, "history [#id]",
	  "everything that happened to a ticket", CMD_TICKET, cmd_history,
	  "" },
	{ "mine", NULL, "mine",
	  "the tickets you hold", 0, cmd_mine, "" },
	{ "status", NULL, "status",
	  "your status, offer and counters", CMD_AGENT, cmd_status, "" },
	{ "queues", NULL, "queues",
	  "waiting tickets and service level per queue", 0, cmd_queues, "" },
	{ "wait", "w", "wait [seconds]",
	  "wait for an offer (0: forever); scripts use it before accept",
	  CMD_AGENT, cmd_wait, "" },
	{ "raw", NULL, "raw COMMAND [args]",
	  "send any protocol command and print the reply", 0, cmd_raw, "R" },
	{ "logout", "quit", "logout",
	  "log out and leave (also quit, exit, Ctrl-D)", 0, cmd_logout, "" },
	{ "help", "?", "help [command]",
	  "this list, or one command in detail", CMD_LOCAL, cmd_help, "C" },
	{ NULL, NULL, NULL, NULL, 0, NULL, NULL }
};

const struct desk_cmd *
desk_cmd_find(const char *name)
{
	const struct desk_cmd	*c;

	if (strcasecmp(name, "exit") == 0)
		name = "logout";
	for (c = desk_cmds; c->name != NULL; c++)
		if (strcasecmp(c->name, name) == 0 ||
		    (c->alias != NULL && strcasecmp(c->alias, name) == 0))
			return (c);
	return (NULL);
}

