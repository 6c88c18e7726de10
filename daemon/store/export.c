#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "export.h"
#include "store.h"

static const char	*export_ticket_header[] = {
	"id", "state", "queue", "customer", "tier", "channel", "subject",
	"disposition", "creator", "agent", "priority", "boost", "created",
	"enqueued", "updated", "offered_at", "accepted_at", "resolved_at",
	"answer_due", "resolve_due", "resolve_used_ms", "paused_ms",
	"escalations", "handle_ms", "csat", "attrs", NULL
};

static const char	*export_event_header[] = {
	"seq", "time", "type", "ticket", "agent", "customer", "actor", "data",
	NULL
};

/* RFC 4180: quoted when it holds a comma, a quote or a line break. */
static void
export_field(FILE *fp, const char *v, int last)
{
	const char	*p;

	if (v == NULL)
		v = "";
	if (strpbrk(v, ",\"\r\n") == NULL)
		fputs(v, fp);
	else {
		fputc('"', fp);
		for (p = v; *p != '\0'; p++) {
			if (*p == '"')
				fputc('"', fp);
			fputc(*p, fp);
		}
		fputc('"', fp);
	}
	fputs(last ? "\r\n" : ",", fp);
}

static void
export_int(FILE *fp, long long v, int last)
{
	fprintf(fp, "%lld%s", v, last ? "\r\n" : ",");
}

static void
export_header(FILE *fp, const char **names)
{
	int	i;

	for (i = 0; names[i] != NULL; i++)
		export_field(fp, names[i], names[i + 1] == NULL);
}

static hl_ms
export_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((hl_ms)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

static int
export_ticket(const struct ticket *t, void *arg)
{
	FILE		*fp = arg;
	struct buf	 attrs;

	export_int(fp, (long long)t->id, 0);
	export_field(fp, ticket_state_name(t->state), 0);
	export_field(fp, t->queue, 0);
	export_field(fp, t->customer, 0);
	export_field(fp, t->tier, 0);
	export_field(fp, t->channel, 0);
	export_field(fp, t->subject, 0);
	export_field(fp, t->disposition, 0);
	export_field(fp, t->creator, 0);
	export_field(fp, t->agent, 0);
	export_int(fp, t->priority, 0);
	export_int(fp, t->boost, 0);
	export_int(fp, t->created, 0);
	export_int(fp, t->enqueued, 0);
	export_int(fp, t->updated, 0);
	export_int(fp, t->offered_at, 0);
	export_int(fp, t->accepted_at, 0);
	export_int(fp, t->resolved_at, 0);
	export_int(fp, t->answer_due, 0);
	export_int(fp, t->resolve_due, 0);
	export_int(fp, t->resolve_used, 0);
	export_int(fp, t->paused, 0);
	export_int(fp, t->escalations, 0);
	export_int(fp, TICKET_WORK(t, export_now()), 0);
	export_int(fp, t->csat, 0);
	buf_init(&attrs);
	export_field(fp, store_attrs_json(&attrs, t->attrs, t->nattrs), 1);
	buf_free(&attrs);
	return (ferror(fp) ? -1 : 0);
}

static int
export_event(int64_t seq, const struct engine_event *ev, void *arg)
{
	FILE	*fp = arg;

	export_int(fp, (long long)seq, 0);
	export_int(fp, ev->time, 0);
	export_field(fp, ev->type, 0);
	if (ev->ticket != 0)
		export_int(fp, (long long)ev->ticket, 0);
	else
		export_field(fp, "", 0);
	export_field(fp, ev->agent, 0);
	export_field(fp, ev->customer, 0);
	export_field(fp, ev->actor, 0);
	export_field(fp, ev->data, 1);
	return (ferror(fp) ? -1 : 0);
}

/* The file holds personal data in clear: made 0600, like the key. */
static FILE *
export_open(const char *path)
{
	int	fd;
	FILE	*fp;

	if (path == NULL || strcmp(path, "-") == 0)
		return (stdout);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) < 0)
		return (NULL);
	if ((fp = fdopen(fd, "w")) == NULL)
		close(fd);
	return (fp);
}

int
export_run(const struct export_opts *o)
{
	struct store	*st;
	FILE		*fp;
	char		 err[STORE_ERRMAX];
	uint64_t	 skipped = 0;
	int		 rc, tickets = strcmp(o->what, "tickets") == 0;

	if (!tickets && strcmp(o->what, "events") != 0) {
		fprintf(stderr, "hotlined: --export takes tickets or events, "
		    "not '%s'\n", o->what);
		return (1);
	}
	if (o->from >= o->to) {
		fprintf(stderr, "hotlined: --from (%lld) must be before --to "
		    "(%lld)\n", (long long)o->from, (long long)o->to);
		return (1);
	}
	if ((st = store_open_readonly(o->data_dir, o->key_file, err)) ==
	    NULL) {
		fprintf(stderr, "hotlined: export: %s\n", err);
		return (1);
	}
	if ((fp = export_open(o->output)) == NULL) {
		fprintf(stderr, "hotlined: export: %s: %s\n", o->output,
		    strerror(errno));
		store_close(st);
		return (1);
	}
	export_header(fp, tickets ? export_ticket_header :
	    export_event_header);
	rc = tickets ? store_export_tickets(st, o->from, o->to, export_ticket,
	    fp, &skipped, err) : store_export_events(st, o->from, o->to,
	    export_event, fp, &skipped, err);
	if (fflush(fp) != 0 && rc == 0) {
		snprintf(err, sizeof err, "%s", strerror(errno));
		rc = -1;
	}
	if (fp != stdout && fclose(fp) != 0 && rc == 0) {
		snprintf(err, sizeof err, "%s", strerror(errno));
		rc = -1;
	}
	store_close(st);
	if (rc != 0) {
		fprintf(stderr, "hotlined: export: %s\n", err);
		return (1);
	}
	/* The rows that could be read are out; the status says some were
	 * not, so that a script does not take the file for complete. */
	if (skipped > 0) {
		fprintf(stderr, "hotlined: export: skipped %llu unreadable %s "
		    "(tampered or corrupt; each is named above): the export "
		    "is incomplete\n", (unsigned long long)skipped, skipped == 1 ?
		    (tickets ? "ticket" : "event") : (tickets ? "tickets" :
		    "events"));
		return (1);
	}
	return (0);
}
