/*
 * agent-term.c: the desk's terminal. Interactively, GNU readline in its
 * callback mode shares the libevent loop with the links: line editing,
 * history, tab completion, and a prompt that carries the live state
 * ("[alice available] offer #12 DIAMOND answer 0:14 >"), redrawn each
 * second while an SLA counts down. Whatever arrives meanwhile is printed
 * above the prompt, and the half-typed line is put back. Without a
 * terminal, statements come from --exec or stdin, one at a time.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <readline/readline.h>
#include <readline/history.h>

#include "agent.h"
#include "fmt.h"

#define TERM_HISTORY_MAX	1000
#define TERM_PROMPT_MAX		512

static struct desk	*term_desk;	/* readline's callbacks take no argument */
static int		 term_active;	/* readline owns the line */
/*
 * Inside the line handler readline has moved past the line typed and will
 * show a fresh prompt when it returns: output then is plain, and redrawing
 * the old line would only duplicate it.
 */
static int		 in_handler;
static int		 script_eof;
static char		*script_partial;
static char		 prompt_shown[TERM_PROMPT_MAX];

static void
term_put(const char *text)
{
	fputs(text, stdout);
	fflush(stdout);
}

void
term_write(struct desk *d, const char *text)
{
	if (!term_active || in_handler) {
		term_put(text);
		return;
	}
	rl_clear_visible_line();
	term_put(text);
	rl_on_new_line();
	rl_redisplay();
}

static char *
term_vformat(const char *fmt, va_list ap)
{
	char	*s;

	return (vasprintf(&s, fmt, ap) < 0 ? NULL : s);
}

void
term_printf(struct desk *d, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	s = term_vformat(fmt, ap);
	va_end(ap);
	if (s != NULL)
		term_write(d, s);
	free(s);
}

void
term_error(struct desk *d, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	s = term_vformat(fmt, ap);
	va_end(ap);
	if (s == NULL)
		return;
	if (d->o.interactive)
		term_printf(d, "%serror:%s %s\n", d->c.red, d->c.reset, s);
	else {
		fflush(stdout);
		fprintf(stderr, "hotline-agent: %s\n", s);
	}
	free(s);
}

/* Readline counts prompt columns: escapes go between \001 and \002. */
static int
prompt_add(char *p, size_t len, size_t at, const char *esc, const char *text)
{
	int	n;

	if (*esc != '\0')
		n = snprintf(p + at, len - at, "\001%s\002%s", esc, text);
	else
		n = snprintf(p + at, len - at, "%s", text);
	return (n > 0 && (size_t)n < len - at ? n : 0);
}

static const char *
status_color(const struct desk *d, const char *st)
{
	if (strcmp(st, "available") == 0)
		return (d->c.green);
	if (strcmp(st, "busy") == 0)
		return (d->c.cyan);
	if (strcmp(st, "wrapup") == 0 || strncmp(st, "break", 5) == 0)
		return (d->c.yellow);
	return (d->c.red);
}

/* Builds the prompt; returns 1 if a countdown is in it. */
static int
prompt_build(struct desk *d, char *p, size_t len)
{
	char	 part[128], dur[FMT_DURATION_MAX];
	size_t	 at = 0;
	int64_t	 left, now = fmt_mono_ms();
	int	 counting = 0;

	p[0] = '\0';
	if (!d->logged_in || d->lost_at != 0) {
		left = d->retry_at - now;
		snprintf(part, sizeof part, "[%s: %s", d->user,
		    d->lost_at == 0 ? "connecting" : "disconnected");
		at += prompt_add(p, len, at, d->c.red, part);
		if (d->lost_at != 0) {
			snprintf(part, sizeof part, ", retry in %llds",
			    (long long)((left > 0 ? left : 0) + 999) / 1000);
			at += prompt_add(p, len, at, "", part);
			counting = 1;
		}
		at += prompt_add(p, len, at, d->c.reset, "] > ");
		return (counting);
	}
	at += prompt_add(p, len, at, "", "[");
	at += prompt_add(p, len, at, d->c.bold, d->user);
	at += prompt_add(p, len, at, d->c.reset, " ");
	at += prompt_add(p, len, at, status_color(d, d->status),
	    d->is_agent ? d->status : "operator");
	at += prompt_add(p, len, at, d->c.reset, "]");
	if (d->offer.id != 0) {
		left = d->offer.answer_left_ms - (now - d->offer.fetched);
		snprintf(part, sizeof part, " offer #%llu ",
		    (unsigned long long)d->offer.id);
		at += prompt_add(p, len, at, d->c.bold, part);
		at += prompt_add(p, len, at, tier_color(d, d->offer.tier),
		    d->offer.tier);
		at += prompt_add(p, len, at, d->c.reset, "");
		if (d->offer.answer_target_ms > 0) {
			snprintf(part, sizeof part, " answer %s",
			    fmt_duration(left, dur, sizeof dur));
			at += prompt_add(p, len, at, left < 0 ? d->c.red :
			    left < d->offer.answer_target_ms / 5 ? d->c.yellow :
			    d->c.green, part);
			at += prompt_add(p, len, at, d->c.reset, "");
			counting = 1;
		}
	} else if (d->current != 0) {
		snprintf(part, sizeof part, " #%llu", (unsigned long long)d->current);
		at += prompt_add(p, len, at, d->c.bold, part);
		at += prompt_add(p, len, at, d->c.reset, "");
		if (d->current_due > 0) {
			left = d->current_due - fmt_now_ms();
			snprintf(part, sizeof part, " resolve %s",
			    fmt_duration(left, dur, sizeof dur));
			at += prompt_add(p, len, at, left < 0 ? d->c.red : "",
			    part);
			at += prompt_add(p, len, at, d->c.reset, "");
			counting = 1;
		}
	}
	prompt_add(p, len, at, "", " > ");
	return (counting);
}

static void
term_tick(evutil_socket_t fd, short what, void *arg)
{
	term_prompt(arg);
}

void
term_prompt(struct desk *d)
{
	char		p[TERM_PROMPT_MAX];
	struct timeval	tv = { 1, 0 };
	int		counting;

	if (!term_active)
		return;
	counting = prompt_build(d, p, sizeof p);
	if (counting && !evtimer_pending(d->tick, NULL))
		evtimer_add(d->tick, &tv);
	else if (!counting && evtimer_pending(d->tick, NULL))
		evtimer_del(d->tick);
	if (strcmp(p, prompt_shown) == 0)
		return;
	snprintf(prompt_shown, sizeof prompt_shown, "%s", p);
	rl_set_prompt(p);
	if (!in_handler)
		rl_redisplay();
}

static void
term_line(char *line)
{
	struct desk	*d = term_desk;
	HIST_ENTRY	*last;

	in_handler = 1;
	if (line == NULL) {
		/* Ctrl-D: leave as logout would. */
		term_put("\n");
		desk_submit(d, "logout");
		in_handler = 0;
		return;
	}
	if (*line != '\0' && ((last = history_get(history_length)) == NULL ||
	    strcmp(last->line, line) != 0))
		add_history(line);
	desk_submit(d, line);
	free(line);
	in_handler = 0;
}

/* Completion: a static list walked by readline's generator protocol. */
static const char	**cmpl_list;
static int		  cmpl_n;
static const char	 *cmpl_prefix = "";

static char *
cmpl_generate(const char *text, int state)
{
	static int	i;
	size_t		plen = strlen(cmpl_prefix), tlen = strlen(text);
	char		*out;

	if (state == 0)
		i = 0;
	while (i < cmpl_n) {
		const char *s = cmpl_list[i++];

		if (tlen < plen || strncmp(text, cmpl_prefix, plen) != 0 ||
		    strncasecmp(s, text + plen, tlen - plen) != 0)
			continue;
		if ((out = malloc(plen + strlen(s) + 1)) == NULL)
			return (NULL);
		strcpy(out, cmpl_prefix);
		strcat(out, s);
		return (out);
	}
	return (NULL);
}

static char **
cmpl_from(const char *text, const char **list, int n, const char *prefix)
{
	cmpl_list = list;
	cmpl_n = n;
	cmpl_prefix = prefix;
	return (rl_completion_matches(text, cmpl_generate));
}

static char **
cmpl_words(const char *text, const char *const *words)
{
	static const char	*list[64];
	int			 n = 0;

	while (words[n] != NULL && n < 64) {
		list[n] = words[n];
		n++;
	}
	return (cmpl_from(text, list, n, ""));
}

/* Tickets on the desk, as "#12". */
static char **
cmpl_tickets(struct desk *d, const char *text)
{
	static char	 nums[65][24];
	static const char *list[65];
	int		 i, n = 0;

	if (d->offer.id != 0) {
		snprintf(nums[n], sizeof nums[n], "%llu",
		    (unsigned long long)d->offer.id);
		list[n] = nums[n];
		n++;
	}
	for (i = 0; i < d->nmine && n < 65; i++) {
		snprintf(nums[n], sizeof nums[n], "%llu",
		    (unsigned long long)d->mine[i]);
		list[n] = nums[n];
		n++;
	}
	return (cmpl_from(text, list, n, "#"));
}

/* The distinct first words of the protocol commands, or the second
 * words of those starting with first. */
static char **
cmpl_protocol(struct desk *d, const char *text, const char *first)
{
	static const char	*list[256];
	static char		 words[256][32];
	int			 i, k, n = 0;

	for (i = 0; i < d->ncommands && n < 256; i++) {
		const char	*c = d->commands[i], *sp = strchr(c, ' ');
		size_t		 fl = sp != NULL ? (size_t)(sp - c) : strlen(c);

		if (first == NULL)
			snprintf(words[n], sizeof words[n], "%.*s", (int)fl, c);
		else if (sp != NULL && strlen(first) == fl &&
		    strncasecmp(c, first, fl) == 0)
			snprintf(words[n], sizeof words[n], "%s", sp + 1);
		else
			continue;
		for (k = 0; k < n; k++)
			if (strcmp(words[k], words[n]) == 0)
				break;
		if (k == n) {
			list[n] = words[n];
			n++;
		}
	}
	return (cmpl_from(text, list, n, ""));
}

static char **
term_complete(const char *text, int start, int end)
{
	static const char *const transfer[] = { "queue", "agent", NULL };
	static const char *const breaks[] = { "lunch", "training", "meeting",
	    "coaching", "personal", NULL };
	static const char *const until[] = { "until", NULL };
	static const char	*names[64];
	struct desk		*d = term_desk;
	const struct desk_cmd	*c;
	struct words		 w;
	char			 err[64], *head, **m = NULL;
	const char		*spec, *prev;
	int			 argi, n = 0;

	rl_attempted_completion_over = 1;
	if ((head = strndup(rl_line_buffer, (size_t)start)) == NULL ||
	    words_split(head, &w, err, sizeof err) != 0) {
		free(head);
		return (NULL);
	}
	free(head);
	if (w.argc == 0) {
		for (c = desk_cmds; c->name != NULL && n < 64; c++)
			names[n++] = c->name;
		words_free(&w);
		return (cmpl_from(text, names, n, ""));
	}
	if ((c = desk_cmd_find(w.argv[0])) == NULL) {
		words_free(&w);
		return (NULL);
	}
	argi = w.argc;		/* the word being completed, 1-based */
	if ((c->flags & CMD_TICKET) && (text[0] == '#' ||
	    (argi == 1 && !(c->flags & CMD_FREE_TEXT) && text[0] >= '0' &&
	    text[0] <= '9'))) {
		words_free(&w);
		return (cmpl_tickets(d, text));
	}
	if ((c->flags & CMD_TICKET) && w.argc > 1 && (w.argv[1][0] == '#' ||
	    (w.argv[1][0] >= '0' && w.argv[1][0] <= '9')))
		argi--;
	prev = w.argv[w.argc - 1];
	spec = c->complete;
	if (argi >= 1 && (size_t)argi <= strlen(spec)) switch (spec[argi - 1]) {
	case 'Q':
		m = cmpl_from(text, (const char **)d->queues, d->nqueues, "");
		break;
	case 'X':
		if (argi == 1)
			m = cmpl_words(text, transfer);
		break;
	case 'B':
		m = cmpl_words(text, breaks);
		break;
	case 'U':
		m = cmpl_words(text, until);
		break;
	case 'C':
		for (c = desk_cmds; c->name != NULL && n < 64; c++)
			names[n++] = c->name;
		m = cmpl_from(text, names, n, "");
		break;
	case 'R':
		m = cmpl_protocol(d, text, NULL);
		break;
	}
	/* After transfer's queue/agent, names; after raw's first word, its
	 * subcommands. */
	if (m == NULL && argi == 2 && spec[0] == 'X')
		m = strcasecmp(prev, "queue") == 0 ? cmpl_from(text,
		    (const char **)d->queues, d->nqueues, "") :
		    strcasecmp(prev, "agent") == 0 ? cmpl_from(text,
		    (const char **)d->agents, d->nagents, "") : NULL;
	else if (m == NULL && argi == 2 && spec[0] == 'R')
		m = cmpl_protocol(d, text, prev);
	words_free(&w);
	return (m);
}

static void
term_read(evutil_socket_t fd, short what, void *arg)
{
	rl_callback_read_char();
}

/* Script input: every complete line is a statement. */
static void
script_lines(struct desk *d, const char *buf, size_t n)
{
	size_t	 old = script_partial != NULL ? strlen(script_partial) : 0;
	char	*all, *p, *nl;

	if ((all = malloc(old + n + 1)) == NULL)
		return;
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
		script_partial = strdup(p);
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

static void
term_size(struct desk *d)
{
	int	rows, cols;

	rl_resize_terminal();
	rl_get_screen_size(&rows, &cols);
	d->cols = cols >= 40 ? cols : 80;
}

static void
term_signal(evutil_socket_t sig, short what, void *arg)
{
	struct desk	*d = arg;

	if (sig == SIGWINCH) {
		if (term_active)
			term_size(d);
		return;
	}
	if (sig == SIGINT && term_active) {
		/* Ctrl-C drops the line being typed, as in a shell. */
		if (rl_end == 0)
			term_printf(d, "(type logout or press Ctrl-D to leave)\n");
		else {
			rl_replace_line("", 0);
			term_put("^C\n");
			rl_on_new_line();
			rl_redisplay();
		}
		return;
	}
	desk_quit(d, 128 + (int)sig);
}

static int
term_signals(struct desk *d)
{
	signal(SIGPIPE, SIG_IGN);
	d->ev_sigint = evsignal_new(d->base, SIGINT, term_signal, d);
	d->ev_sigterm = evsignal_new(d->base, SIGTERM, term_signal, d);
	d->ev_sighup = evsignal_new(d->base, SIGHUP, term_signal, d);
	d->ev_sigwinch = evsignal_new(d->base, SIGWINCH, term_signal, d);
	if (d->ev_sigint == NULL || d->ev_sigterm == NULL ||
	    d->ev_sighup == NULL || d->ev_sigwinch == NULL)
		return (-1);
	evsignal_add(d->ev_sigint, NULL);
	evsignal_add(d->ev_sigterm, NULL);
	evsignal_add(d->ev_sighup, NULL);
	evsignal_add(d->ev_sigwinch, NULL);
	return (0);
}

static int
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

int
term_start(struct desk *d)
{
	term_desk = d;
	d->cols = 100;
	if (term_signals(d) != 0 ||
	    (d->tick = evtimer_new(d->base, term_tick, d)) == NULL)
		return (-1);
	if (!d->o.interactive)
		return (script_start(d));
	rl_readline_name = "hotline-agent";
	rl_catch_signals = 0;
	rl_catch_sigwinch = 0;
	rl_attempted_completion_function = term_complete;
	rl_completer_word_break_characters = " \t";
	using_history();
	stifle_history(TERM_HISTORY_MAX);
	if (d->o.history != NULL)
		read_history(d->o.history);
	prompt_build(d, prompt_shown, sizeof prompt_shown);
	rl_callback_handler_install(prompt_shown, term_line);
	term_active = 1;
	term_size(d);
	d->ev_stdin = event_new(d->base, STDIN_FILENO, EV_READ | EV_PERSIST,
	    term_read, d);
	if (d->ev_stdin == NULL || event_add(d->ev_stdin, NULL) != 0)
		return (-1);
	return (0);
}

void
term_stop(struct desk *d)
{
	if (term_active) {
		term_active = 0;
		rl_callback_handler_remove();
		term_put("\n");
		if (d->o.history != NULL)
			write_history(d->o.history);
	}
	if (d->ev_stdin != NULL)
		event_free(d->ev_stdin);
	if (d->tick != NULL)
		event_free(d->tick);
	if (d->ev_sigint != NULL)
		event_free(d->ev_sigint);
	if (d->ev_sigterm != NULL)
		event_free(d->ev_sigterm);
	if (d->ev_sighup != NULL)
		event_free(d->ev_sighup);
	if (d->ev_sigwinch != NULL)
		event_free(d->ev_sigwinch);
	free(script_partial);
	script_partial = NULL;
}
