/*
 * agent-job.c: how the desk runs commands. Each line becomes a job; jobs
 * run one at a time, in order, so a script reads like what a person
 * would type. A job is a chain of requests on the command link, each
 * reply handed to the next step; it ends with job_done() or job_fail(),
 * which sets the exit status of a script and, unless --keep-going, stops
 * it.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "rmap.h"
#include "xmalloc.h"

#define JOB_MAX_ARGS	64

static void
job_free(struct job *j)
{
	words_free(&j->w);
	free(j->line);
	free(j);
}

void
job_done(struct job *j, int ok)
{
	struct desk	*d = j->d;

	if (!ok)
		d->failed = 1;
	if (TAILQ_FIRST(&d->jobs) == j) {
		TAILQ_REMOVE(&d->jobs, j, entry);
		d->running = 0;
	}
	job_free(j);
	if (d->quitting)
		return;
	if (!ok && !d->o.interactive && !d->o.keep_going) {
		desk_quit(d, 1);
		return;
	}
	term_prompt(d);
	desk_run_next(d);
}

void
job_fail(struct job *j, const char *fmt, ...)
{
	va_list	ap;
	char	msg[1024];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (!j->d->quitting)
		term_error(j->d, "%s: %s", j->w.argc > 0 ? j->w.argv[0] : "",
		    msg);
	job_done(j, 0);
}

int
job_error(struct job *j, const redisReply *r)
{
	const char	*err = reply_error(r);

	if (err == NULL)
		return (0);
	job_fail(j, "%s", err);
	return (1);
}

static void
job_reply(redisAsyncContext *ac, void *reply, void *arg)
{
	struct job	*j = arg;
	job_fn		*fn = j->next;

	if (reply == NULL) {
		job_fail(j, "connection lost before the reply");
		return;
	}
	j->next = NULL;
	fn(j, reply);
}

int
job_callv(struct job *j, job_fn *fn, int argc, const char **argv)
{
	j->next = fn;
	if (link_command(j->d->cmd, job_reply, j, argc, argv) != 0) {
		job_fail(j, "not connected to %s", link_where(j->d->cmd));
		return (-1);
	}
	return (0);
}

int
job_call(struct job *j, job_fn *fn, ...)
{
	const char	*argv[JOB_MAX_ARGS];
	va_list		 ap;
	int		 argc;

	va_start(ap, fn);
	argc = link_words(argv, JOB_MAX_ARGS, ap);
	va_end(ap);
	return (job_callv(j, fn, argc, argv));
}

/* The ticket a command names ("#12"), else the one on the desk. */
int
job_ticket(struct job *j, char *num, size_t len)
{
	if (j->ticket == 0) {
		job_fail(j, "no ticket on the desk: name one, as in %s #12",
		    j->cmd->name);
		return (-1);
	}
	snprintf(num, len, "%llu", (unsigned long long)j->ticket);
	return (0);
}

static void
job_parse_ticket(struct job *j)
{
	const char	*a = j->w.argc > 1 ? j->w.argv[1] : "";

	j->arg = 1;
	if (a[0] == '#' && words_is_number(a + 1)) {
		j->ticket = strtoull(a + 1, NULL, 10);
		j->arg = 2;
	} else if (!(j->cmd->flags & CMD_FREE_TEXT) && words_is_number(a)) {
		j->ticket = strtoull(a, NULL, 10);
		j->arg = 2;
	} else
		j->ticket = j->d->offer.id != 0 ? j->d->offer.id :
		    j->d->current;
}

int
job_nargs(const struct job *j)
{
	return (j->w.argc - j->arg);
}

static void
job_start(struct job *j)
{
	struct desk	*d = j->d;
	char		 err[128];

	if (words_split(j->line, &j->w, err, sizeof err) != 0) {
		term_error(d, "%s: %s", j->line, err);
		job_done(j, 0);
		return;
	}
	if (j->w.argc == 0) {
		job_done(j, 1);
		return;
	}
	if ((j->cmd = desk_cmd_find(j->w.argv[0])) == NULL) {
		job_fail(j, "no such command (type help)");
		return;
	}
	if ((j->cmd->flags & CMD_AGENT) && !d->is_agent) {
		job_fail(j, "%s is not an agent: this desk only opens tickets",
		    d->user);
		return;
	}
	if (j->cmd->flags & CMD_TICKET)
		job_parse_ticket(j);
	j->cmd->run(j);
}

static int
job_is_local(const struct job *j)
{
	const struct desk_cmd	*c;
	char			 first[32];
	size_t			 n = strcspn(j->line, " \t");

	if (n >= sizeof first)
		return (0);
	memcpy(first, j->line, n);
	first[n] = '\0';
	return ((c = desk_cmd_find(first)) != NULL && (c->flags & CMD_LOCAL));
}

void
desk_submit(struct desk *d, const char *line)
{
	struct job	*j;

	while (*line == ' ' || *line == '\t')
		line++;
	/* Blank lines and # comments in scripts. */
	if (*line == '\0' || (*line == '#' && !isdigit((unsigned char)line[1])))
		return;
	j = xcalloc(1, sizeof *j);
	j->line = xstrdup(line);
	j->d = d;
	TAILQ_INSERT_TAIL(&d->jobs, j, entry);
	desk_run_next(d);
}

void
desk_drop_jobs(struct desk *d)
{
	struct job	*j;

	while ((j = TAILQ_FIRST(&d->jobs)) != NULL) {
		TAILQ_REMOVE(&d->jobs, j, entry);
		job_free(j);
	}
	d->running = 0;
}

void
desk_run_next(struct desk *d)
{
	struct job	*j;

	if (d->dispatching)
		return;
	d->dispatching = 1;
	while (!d->running && !d->quitting &&
	    (j = TAILQ_FIRST(&d->jobs)) != NULL) {
		/* Before login only local commands (help) may run. */
		if (!d->logged_in && !job_is_local(j))
			break;
		d->running = 1;
		job_start(j);
	}
	d->dispatching = 0;
	if (!d->o.interactive && d->logged_in && !d->running &&
	    !d->quitting && TAILQ_EMPTY(&d->jobs) && term_script_done(d))
		desk_quit(d, d->failed ? 1 : 0);
}
