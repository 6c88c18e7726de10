/*
 * agent-show.c: what the desk prints. Offers and tickets with their
 * customer card (who they are, their tier and manager, what is open and
 * what happened before, repeat contacts and complaints when the daemon
 * reports them), ticket lists, histories, and raw replies. Everything is
 * built in a memory stream and written once, so it lands above the
 * prompt in one piece.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "fmt.h"
#include "rmap.h"

#define CARD_RECENT	5	/* past tickets on an offer's card */

static void
copy_field(char *dst, size_t len, const redisReply *r, const char *field)
{
	char	num[32];

	snprintf(dst, len, "%s", rmap_text(r, field, num, sizeof num));
}

/* Fields another branch of the daemon may add: repeat*, complaint*. */
static int
is_insight(const char *key)
{
	return (strncmp(key, "repeat", 6) == 0 ||
	    strncmp(key, "complaint", 9) == 0);
}

/* "repeat_contact"=1 -> "repeat contact"; complaints=2 -> "2 complaints". */
static void
insight_text(const redisReply *map, char *out, size_t len)
{
	size_t	i, used = 0;
	char	num[32], key[64], *p;

	out[0] = '\0';
	if (map == NULL || map->type != REDIS_REPLY_ARRAY)
		return;
	for (i = 0; i + 1 < map->elements; i += 2) {
		const redisReply *k = map->element[i], *v = map->element[i + 1];
		const char	 *val;

		if (k->type != REDIS_REPLY_STRING || !is_insight(k->str))
			continue;
		val = reply_text(v, num, sizeof num);
		if (*val == '\0' || strcmp(val, "0") == 0 ||
		    strcmp(val, "no") == 0 || strcmp(val, "false") == 0)
			continue;
		snprintf(key, sizeof key, "%s", k->str);
		for (p = key; *p != '\0'; p++)
			if (*p == '_' || *p == '.')
				*p = ' ';
		if (used < len)
			used += (size_t)snprintf(out + used, len - used, "%s",
			    used > 0 ? ", " : "");
		if (used >= len)
			break;
		if (strcmp(val, "1") == 0 || strcmp(val, "yes") == 0 ||
		    strcmp(val, "true") == 0)
			used += (size_t)snprintf(out + used, len - used, "%s", key);
		else if (words_is_number(val))
			used += (size_t)snprintf(out + used, len - used, "%s %s",
			    val, key);
		else
			used += (size_t)snprintf(out + used, len - used, "%s %s",
			    key, val);
		if (used >= len)
			break;
	}
}

/* The ticket's attributes (attr.<key>, value): "order=A-5521, vip=1". */
static void
attrs_text(const redisReply *map, char *out, size_t len)
{
	size_t	i, used = 0;
	char	num[32];

	out[0] = '\0';
	if (map == NULL || map->type != REDIS_REPLY_ARRAY)
		return;
	for (i = 0; i + 1 < map->elements && used < len; i += 2) {
		const redisReply *k = map->element[i];

		if (k->type != REDIS_REPLY_STRING ||
		    strncmp(k->str, "attr.", 5) != 0)
			continue;
		used += (size_t)snprintf(out + used, len - used, "%s%s=%s",
		    used > 0 ? ", " : "", k->str + 5,
		    reply_text(map->element[i + 1], num, sizeof num));
	}
}

void
tview_read(struct tview *tv, const redisReply *r)
{
	memset(tv, 0, sizeof *tv);
	tv->id = (uint64_t)rmap_int(r, "id", 0);
	copy_field(tv->state, sizeof tv->state, r, "state");
	copy_field(tv->queue, sizeof tv->queue, r, "queue");
	copy_field(tv->tier, sizeof tv->tier, r, "tier");
	copy_field(tv->channel, sizeof tv->channel, r, "channel");
	copy_field(tv->customer, sizeof tv->customer, r, "customer");
	copy_field(tv->subject, sizeof tv->subject, r, "subject");
	copy_field(tv->agent, sizeof tv->agent, r, "agent");
	copy_field(tv->disposition, sizeof tv->disposition, r, "disposition");
	copy_field(tv->answer_sla, sizeof tv->answer_sla, r, "answer_sla");
	copy_field(tv->resolve_sla, sizeof tv->resolve_sla, r, "resolve_sla");
	insight_text(r, tv->insight, sizeof tv->insight);
	attrs_text(r, tv->attrs, sizeof tv->attrs);
	tv->priority = rmap_int(r, "priority", 0);
	tv->escalations = rmap_int(r, "escalations", 0);
	tv->wait_ms = rmap_int(r, "wait_ms", 0);
	tv->created = rmap_int(r, "created", 0);
	tv->accepted_at = rmap_int(r, "accepted_at", 0);
	tv->answer_target_ms = rmap_int(r, "answer_target_ms", 0);
	tv->answer_left_ms = rmap_int(r, "answer_left_ms", 0);
	tv->resolve_due = rmap_int(r, "resolve_due", 0);
	tv->resolve_left_ms = rmap_int(r, "resolve_left_ms", 0);
	tv->pending_until = rmap_int(r, "pending_until", 0);
	tv->fetched = fmt_mono_ms();
}

const char *
tier_color(const struct desk *d, const char *tier)
{
	switch (tier_level((char (*)[RMAP_TIER_MAX])d->tiers, d->ntiers,
	    tier)) {
	case 2:
		return (d->c.magenta);
	case 1:
		return (d->c.yellow);
	default:
		return ("");
	}
}

/* The top tiers stand out even without colour: in capitals. */
static void
put_tier(FILE *fp, const struct desk *d, const char *tier)
{
	const char	*p;

	if (tier_level((char (*)[RMAP_TIER_MAX])d->tiers, d->ntiers,
	    tier) == 0) {
		fputs(tier, fp);
		return;
	}
	fprintf(fp, "%s%s", d->c.bold, tier_color(d, tier));
	for (p = tier; *p != '\0'; p++)
		fputc(toupper((unsigned char)*p), fp);
	fputs(d->c.reset, fp);
}

static void
put_sla(FILE *fp, const struct desk *d, const char *state)
{
	const char	*col = strcmp(state, "breached") == 0 ? d->c.red :
	    strcmp(state, "warning") == 0 ? d->c.yellow : d->c.green;

	fprintf(fp, "%s%s%s", col, *state ? state : "-", d->c.reset);
}

/*
 * One line of a ticket list: "#12    active    billing     14:05  subject
 * [disposition]", the tier too in lists of your own tickets, the subject
 * cut to what is left of the terminal's width after indent columns.
 */
static void
put_ticket_line(FILE *fp, const struct desk *d, const redisReply *t,
    int indent, int with_tier)
{
	char		 fit[DESK_TEXT_MAX], when[16], disp[DESK_NAME_MAX + 64];
	const char	*tier = rmap_str(t, "tier");
	int		 used, room, pad = 9 - (int)fmt_width(tier);

	fmt_when(rmap_int(t, "created", 0), fmt_now_ms(), when, sizeof when);
	used = fprintf(fp, "#%-5lld %-9s %-11s ", (long long)rmap_int(t, "id", 0),
	    rmap_str(t, "state"), fmt_fit(rmap_str(t, "queue"), 11, fit,
	    sizeof fit));
	if (with_tier) {
		put_tier(fp, d, tier);
		used += fprintf(fp, "%*s", pad > 0 ? pad : 0, "") +
		    (int)fmt_width(tier);
	}
	used += fprintf(fp, " %-10s ", when);
	/* The outcome, and what the daemon says of the contact (when it does:
	 * repeat contacts, follow-ups of an earlier ticket). */
	disp[0] = '\0';
	if (*rmap_str(t, "disposition") != '\0')
		snprintf(disp, sizeof disp, " [%s]", rmap_str(t, "disposition"));
	if (rmap_int(t, "repeat_contact", 0) > 0)
		snprintf(disp + strlen(disp), sizeof disp - strlen(disp),
		    " [repeat]");
	if (rmap_int(t, "followup_of", 0) > 0)
		snprintf(disp + strlen(disp), sizeof disp - strlen(disp),
		    " [follow-up #%lld]", (long long)rmap_int(t, "followup_of",
		    0));
	room = d->cols - indent - used - (int)fmt_width(disp);
	fprintf(fp, "%s%s\n", fmt_fit(rmap_str(t, "subject"),
	    (size_t)(room > 6 ? room : 6), fit, sizeof fit), disp);
}

static void
customer_card(FILE *fp, struct desk *d, const redisReply *c)
{
	const redisReply	*open = rmap_get(c, "open_tickets");
	const redisReply	*recent = rmap_get(c, "recent_tickets");
	char			 insight[DESK_TEXT_MAX], num[32];
	const char		*name = rmap_str(c, "name");
	size_t			 i, shown;
	int			 attrs = 0;

	fprintf(fp, "%s--- Customer%s %s%s%s (%s)  ", d->c.dim, d->c.reset,
	    d->c.bold, *name ? name : "(no name)", d->c.reset,
	    rmap_str(c, "id"));
	put_tier(fp, d, rmap_str(c, "tier"));
	fprintf(fp, "  %s", rmap_str(c, "segment"));
	if (*rmap_str(c, "manager") != '\0')
		fprintf(fp, "  manager %s", rmap_str(c, "manager"));
	fputc('\n', fp);
	if (*rmap_str(c, "phone") != '\0')
		fprintf(fp, "    Phone     %s\n", rmap_str(c, "phone"));
	insight_text(c, insight, sizeof insight);
	if (*insight != '\0')
		fprintf(fp, "    Insight   %s%s%s\n", d->c.yellow, insight,
		    d->c.reset);
	for (i = 0; i + 1 < c->elements; i += 2) {
		const redisReply *k = c->element[i];

		if (k->type != REDIS_REPLY_STRING ||
		    strncmp(k->str, "attr.", 5) != 0)
			continue;
		fprintf(fp, "%s%s=%s", attrs++ == 0 ? "    Details   " : ", ",
		    k->str + 5, reply_text(c->element[i + 1], num, sizeof num));
	}
	if (attrs > 0)
		fputc('\n', fp);
	if (open != NULL && open->type == REDIS_REPLY_ARRAY)
		for (i = 0; i < open->elements; i++) {
			fprintf(fp, "    %s", i == 0 ? "Open      " : "          ");
			put_ticket_line(fp, d, open->element[i], 14, 0);
		}
	if (recent == NULL || recent->type != REDIS_REPLY_ARRAY ||
	    recent->elements == 0) {
		fprintf(fp, "    Recent    none%s\n", open != NULL &&
		    open->type == REDIS_REPLY_ARRAY && open->elements > 1 ? "" :
		    ": a first contact");
		return;
	}
	shown = recent->elements < CARD_RECENT ? recent->elements : CARD_RECENT;
	for (i = 0; i < shown; i++) {
		fprintf(fp, "    %s", i == 0 ? "Recent    " : "          ");
		put_ticket_line(fp, d, recent->element[i], 14, 0);
	}
	if (recent->elements > shown)
		fprintf(fp, "              ... %zu more (customer %s)\n",
		    recent->elements - shown, rmap_str(c, "id"));
}

static FILE *
show_open(char **buf, size_t *len)
{
	*buf = NULL;
	*len = 0;
	return (open_memstream(buf, len));
}

/* The stream's buffer is only final once it is closed. */
static void
show_close(struct desk *d, FILE *fp, char **buf)
{
	fclose(fp);
	if (*buf != NULL)
		term_write(d, *buf);
	free(*buf);
}

void
show_customer(struct desk *d, const redisReply *cust)
{
	char	*buf;
	size_t	 len;
	FILE	*fp;

	if ((fp = show_open(&buf, &len)) == NULL)
		return;
	customer_card(fp, d, cust);
	show_close(d, fp, &buf);
}

void
show_offer(struct desk *d, const struct tview *tv, const redisReply *cust)
{
	char	*buf, dur[FMT_DURATION_MAX], tgt[FMT_DURATION_MAX];
	size_t	 len;
	FILE	*fp;

	if ((fp = show_open(&buf, &len)) == NULL)
		return;
	fprintf(fp, "\n%s%s=== OFFER #%llu %s %s ", d->c.bold, d->c.reverse,
	    (unsigned long long)tv->id, tv->queue, d->c.reset);
	put_tier(fp, d, tv->tier);
	fprintf(fp, " %s  ", tv->channel);
	if (tv->answer_target_ms > 0 && tv->accepted_at > 0)
		/* Answered already (then transferred): its clock stopped. */
		fprintf(fp, "%sanswered in %s%s of %s, clock stopped",
		    tv->answer_left_ms < 0 ? d->c.yellow : d->c.green,
		    fmt_duration(tv->accepted_at - tv->created, dur,
		    sizeof dur), d->c.reset,
		    fmt_duration(tv->answer_target_ms, tgt, sizeof tgt));
	else if (tv->answer_target_ms > 0 && tv->answer_left_ms >= 0)
		fprintf(fp, "%sanswer within %s%s of %s",
		    strcmp(tv->answer_sla, "warning") == 0 ? d->c.yellow :
		    d->c.green, fmt_duration(tv->answer_left_ms, dur, sizeof dur),
		    d->c.reset, fmt_duration(tv->answer_target_ms, tgt,
		    sizeof tgt));
	else if (tv->answer_target_ms > 0)
		fprintf(fp, "%s%sanswer SLA BREACHED%s %s ago",
		    d->c.bold, d->c.red, d->c.reset,
		    fmt_duration(-tv->answer_left_ms, dur, sizeof dur));
	fprintf(fp, "\n    Subject   %s%s%s\n", d->c.bold,
	    *tv->subject ? tv->subject : "(none)", d->c.reset);
	if (*tv->attrs != '\0')
		fprintf(fp, "    Attrs     %s\n", tv->attrs);
	fprintf(fp, "    Waited    %s   priority %lld",
	    fmt_duration(tv->wait_ms, dur, sizeof dur), (long long)tv->priority);
	if (tv->escalations > 0)
		fprintf(fp, "   %sescalations %lld%s", d->c.red,
		    (long long)tv->escalations, d->c.reset);
	fputc('\n', fp);
	if (*tv->insight != '\0')
		fprintf(fp, "    Ticket    %s%s%s\n", d->c.yellow, tv->insight,
		    d->c.reset);
	if (cust != NULL)
		customer_card(fp, d, cust);
	else
		fprintf(fp, "--- Customer %s: no card on file\n", tv->customer);
	fprintf(fp, "    Type %saccept%s to take it, or %sreject%s [reason].\n",
	    d->c.bold, d->c.reset, d->c.bold, d->c.reset);
	show_close(d, fp, &buf);
}

void
show_ticket(struct desk *d, const struct tview *tv, const redisReply *cust)
{
	char	*buf, dur[FMT_DURATION_MAX], when[32];
	size_t	 len;
	FILE	*fp;

	if ((fp = show_open(&buf, &len)) == NULL)
		return;
	fprintf(fp, "%sTicket #%llu%s  %s  %s  ", d->c.bold,
	    (unsigned long long)tv->id, d->c.reset, tv->state, tv->queue);
	put_tier(fp, d, tv->tier);
	fprintf(fp, "  %s", tv->channel);
	if (*tv->agent != '\0')
		fprintf(fp, "  agent %s", tv->agent);
	fprintf(fp, "\n    Subject   %s\n", *tv->subject ? tv->subject :
	    "(none)");
	if (*tv->attrs != '\0')
		fprintf(fp, "    Attrs     %s\n", tv->attrs);
	fprintf(fp, "    Answer    ");
	put_sla(fp, d, tv->answer_sla);
	if (tv->answer_target_ms > 0)
		fprintf(fp, " (%s%s %s, target %s)", tv->accepted_at > 0 ?
		    "answered, " : "", fmt_duration(tv->answer_left_ms < 0 ?
		    -tv->answer_left_ms : tv->answer_left_ms, dur, sizeof dur),
		    tv->answer_left_ms < 0 ? "over" : "to spare",
		    fmt_duration(tv->answer_target_ms, when, sizeof when));
	fputc('\n', fp);
	fprintf(fp, "    Resolve   ");
	put_sla(fp, d, tv->resolve_sla);
	if (tv->resolve_due > 0)
		fprintf(fp, " (due %s, %s of business time left)",
		    fmt_due(tv->resolve_due, fmt_now_ms(), when, sizeof when),
		    fmt_duration(tv->resolve_left_ms, dur, sizeof dur));
	else if (strcmp(tv->state, "pending") == 0)
		fprintf(fp, " (paused while pending)");
	fputc('\n', fp);
	if (tv->pending_until > 0)
		fprintf(fp, "    Pending   until %s\n", fmt_clock(tv->pending_until,
		    when, sizeof when));
	if (*tv->disposition != '\0')
		fprintf(fp, "    Outcome   %s\n", tv->disposition);
	if (*tv->insight != '\0')
		fprintf(fp, "    Ticket    %s%s%s\n", d->c.yellow, tv->insight,
		    d->c.reset);
	if (cust != NULL)
		customer_card(fp, d, cust);
	show_close(d, fp, &buf);
}

void
show_ticket_list(struct desk *d, const char *title, const redisReply *r,
    int held_only)
{
	char	*buf;
	size_t	 len, i, n = 0;
	FILE	*fp;

	for (i = 0; i < r->elements; i++)
		n += !held_only || strcmp(rmap_str(r->element[i], "state"),
		    "offered") != 0;
	if (held_only && n == 0)
		return;
	if ((fp = show_open(&buf, &len)) == NULL)
		return;
	if (n == 0)
		fprintf(fp, "%s: none.\n", title);
	else
		fprintf(fp, "%s (%zu):\n", title, n);
	for (i = 0; i < r->elements; i++) {
		if (held_only && strcmp(rmap_str(r->element[i], "state"),
		    "offered") == 0)
			continue;
		fprintf(fp, "    ");
		put_ticket_line(fp, d, r->element[i], 4, 1);
	}
	show_close(d, fp, &buf);
}

/* An event's JSON data as "key=value" pairs. */
static void
put_data(FILE *fp, const char *data)
{
	struct json		*root;
	const struct json	*m;
	char			 err[64], buf[16];

	if ((root = json_parse(data, strlen(data), err, sizeof err)) == NULL) {
		fputs(data, fp);
		return;
	}
	for (m = root->child; m != NULL; m = m->next)
		fprintf(fp, "%s%s=%s", m == root->child ? "" : " ", m->key,
		    json_text(m, buf, sizeof buf));
	json_free(root);
}

void
show_history(struct desk *d, uint64_t id, const redisReply *r)
{
	char	*buf, when[16], day[16];
	size_t	 len, i;
	FILE	*fp;

	if ((fp = show_open(&buf, &len)) == NULL)
		return;
	fprintf(fp, "History of #%llu:\n", (unsigned long long)id);
	for (i = 0; i < r->elements; i++) {
		const redisReply *e = r->element[i];
		int64_t		  t = rmap_int(e, "time", 0);

		fprintf(fp, "    %s %s  %-24s %-10s ",
		    fmt_when(t, 0, day, sizeof day),
		    fmt_clock(t, when, sizeof when), rmap_str(e, "type"),
		    rmap_str(e, "actor"));
		put_data(fp, rmap_str(e, "data"));
		fputc('\n', fp);
	}
	show_close(d, fp, &buf);
}

void
show_agent_status(struct desk *d, const redisReply *r)
{
	char		 dur[FMT_DURATION_MAX];
	const char	*reason = rmap_str(r, "reason");

	/* "break(lunch)" already says why. */
	if (strchr(rmap_str(r, "status"), '(') != NULL)
		reason = "";
	term_printf(d, "%s%s%s: %s%s%s%s for %s; offer %s%lld; active %lld of "
	    "%lld; handled %lld; missed in a row %lld\n    skills %s%s%s\n",
	    d->c.bold, rmap_str(r, "name"), d->c.reset, rmap_str(r, "status"),
	    *reason ? " (" : "", reason, *reason ? ")" : "",
	    fmt_duration(rmap_int(r, "status_ms", 0), dur, sizeof dur),
	    rmap_int(r, "offer", 0) ? "#" : "", (long long)rmap_int(r, "offer", 0),
	    (long long)rmap_int(r, "active", 0),
	    (long long)rmap_int(r, "capacity", 1),
	    (long long)rmap_int(r, "handled", 0),
	    (long long)rmap_int(r, "missed", 0), rmap_str(r, "skills"),
	    *rmap_str(r, "groups") ? "; groups " : "", rmap_str(r, "groups"));
}

void
show_queues(struct desk *d, const redisReply *r)
{
	char	*buf, dur[FMT_DURATION_MAX], sl[16];
	size_t	 len, i;
	FILE	*fp;

	if ((fp = show_open(&buf, &len)) == NULL)
		return;
	fprintf(fp, "%-14s %7s %9s %8s %6s %9s\n", "queue", "waiting",
	    "oldest", "SL today", "ASA", "available");
	for (i = 0; i < r->elements; i++) {
		const redisReply *q = r->element[i];

		snprintf(sl, sizeof sl, "%s%s", rmap_str(q, "sl_today"),
		    strcmp(rmap_str(q, "sl_today"), "-") != 0 ? "%" : "");
		fprintf(fp, "%-14s %7lld %9s %8s %5llds %9lld\n",
		    rmap_str(q, "queue"), (long long)rmap_int(q, "waiting", 0),
		    fmt_duration(rmap_int(q, "oldest_wait_ms", 0), dur,
		    sizeof dur), sl,
		    (long long)(rmap_int(q, "asa_today_ms", 0) / 1000),
		    (long long)rmap_int(q, "agents.available", 0));
	}
	show_close(d, fp, &buf);
}

static void
put_reply(FILE *fp, const redisReply *r, int indent)
{
	size_t	i;

	switch (r->type) {
	case REDIS_REPLY_STATUS:
		fprintf(fp, "%s\n", r->str);
		break;
	case REDIS_REPLY_ERROR:
		fprintf(fp, "(error) %s\n", r->str);
		break;
	case REDIS_REPLY_INTEGER:
		fprintf(fp, "(integer) %lld\n", (long long)r->integer);
		break;
	case REDIS_REPLY_NIL:
		fprintf(fp, "(nil)\n");
		break;
	case REDIS_REPLY_STRING:
		fprintf(fp, "\"%s\"\n", r->str);
		break;
	case REDIS_REPLY_ARRAY:
		if (r->elements == 0)
			fprintf(fp, "(empty array)\n");
		for (i = 0; i < r->elements; i++) {
			if (i > 0)
				fprintf(fp, "%*s", indent, "");
			fprintf(fp, "%zu) ", i + 1);
			put_reply(fp, r->element[i], indent +
			    (int)snprintf(NULL, 0, "%zu) ", i + 1));
		}
		break;
	default:
		fprintf(fp, "(reply type %d)\n", r->type);
	}
}

void
show_reply(struct desk *d, const redisReply *r)
{
	char	*buf;
	size_t	 len;
	FILE	*fp;

	if ((fp = show_open(&buf, &len)) == NULL)
		return;
	put_reply(fp, r, 0);
	show_close(d, fp, &buf);
}
