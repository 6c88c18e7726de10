/*
 * agent-script.c: the desk without a terminal. Statements come from
 * --exec (all at once) or stdin (read as it arrives, a regular file all
 * at once: libevent cannot watch one), one line a statement, run one
 * at a time.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent.h"
#include "words.h"
#include "xmalloc.h"

static int	 script_eof;
static char	*script_partial;

/* Script input: every complete line is a statement. */
static void
script_lines(struct desk *d, const char *buf, size_t n)
{
	size_t	 old = script_partial != NULL ? strlen(script_partial) : 0;
	char	*all, *p, *nl;

	all = xmalloc(old + n + 1);
	if (old > 0)
		memcpy(all, script_partial, old);
	memcpy(all + old, buf, n);
	all[old + n] = '\0';
	free(script_partial);
	script_partial = NULL;
	for (p = all; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		*nl = '\0';
		desk_submit(d, p);
	}
	if (*p != '\0')
		script_partial = xstrdup(p);
	free(all);
}

static void
script_finish(struct desk *d)
{
	char	*last = script_partial;

	script_partial = NULL;
	script_eof = 1;
	if (last != NULL) {
		desk_submit(d, last);
		free(last);
	}
	desk_run_next(d);
}

static void
script_read(evutil_socket_t fd, short what, void *arg)
{
	struct desk	*d = arg;
	char		 buf[4096];
	ssize_t		 n;

	n = read(fd, buf, sizeof buf);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		if (n < 0)
			term_error(d, "reading stdin: %s", strerror(errno));
		event_del(d->ev_stdin);
		script_finish(d);
		return;
	}
	script_lines(d, buf, (size_t)n);
}

int
term_script_done(const struct desk *d)
{
	return (script_eof);
}

int
script_start(struct desk *d)
{
	struct words	 st;
	struct stat	 sb;
	char		 err[128], buf[65536];
	size_t		 n;
	int		 i;

	if (d->o.exec != NULL) {
		if (words_statements(d->o.exec, &st, err, sizeof err) != 0) {
			term_error(d, "--exec: %s", err);
			return (-1);
		}
		for (i = 0; i < st.argc; i++)
			desk_submit(d, st.argv[i]);
		words_free(&st);
		script_eof = 1;
		return (0);
	}
	/* libevent cannot watch a regular file: read it all now. */
	if (fstat(STDIN_FILENO, &sb) == 0 && S_ISREG(sb.st_mode)) {
		while ((n = fread(buf, 1, sizeof buf, stdin)) > 0)
			script_lines(d, buf, n);
		script_finish(d);
		return (0);
	}
	d->ev_stdin = event_new(d->base, STDIN_FILENO, EV_READ | EV_PERSIST,
	    script_read, d);
	if (d->ev_stdin == NULL || event_add(d->ev_stdin, NULL) != 0)
		return (-1);
	return (0);
}

void
script_stop(void)
{
	free(script_partial);
	script_partial = NULL;
}
