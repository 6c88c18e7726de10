/*
 * agent-term.c: the desk's terminal. Interactively, libedit (editline) in
 * its unbuffered mode shares the libevent loop with the links: each key
 * read is one el_gets() call, never a blocking wait for the whole line.
 * It gives line editing (emacs keys, ~/.editrc), history, tab completion,
 * and a prompt that carries the live state ("[alice available] offer #12
 * DIAMOND answer 0:14 >"), redrawn each second while an SLA counts down.
 * Whatever arrives meanwhile is printed above the prompt, and the
 * half-typed line is put back. Tab completes (agent-complete.c). Without
 * a terminal, statements come from --exec or stdin (agent-script.c).
 *
 * The native libedit interface, not its readline emulation: the emulation
 * cannot redraw a line from outside a key press (rl_redisplay pushes a
 * key, rl_on_new_line does nothing) and reads in blocking mode after the
 * first line.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <histedit.h>

#include "agent.h"
#include "fmt.h"
#include "xmalloc.h"

#define TERM_HISTORY_MAX	1000
#define TERM_PROMPT_MAX		512

static struct desk	*term_desk;	/* libedit's callbacks take no argument */
static EditLine		*term_el;
static History		*term_hist;
static int		 term_active;	/* libedit owns the line */
/*
 * While a typed line runs, libedit has moved past it and shows a fresh
 * prompt when the command has been submitted: output then is plain, and
 * redrawing the old line would only duplicate it.
 */
static int		 in_handler;
static char		 prompt_shown[TERM_PROMPT_MAX];

static void
term_put(const char *text)
{
	fputs(text, stdout);
	fflush(stdout);
}

/* Columns text takes: none for UTF-8 continuation bytes, nor for what
 * lies between \001 markers (the prompt's colour escapes). */
size_t
term_width(const char *s, const char *end)
{
	size_t	w = 0;
	int	hidden = 0;

	for (; s < end && *s != '\0'; s++) {
		if (*s == '\001')
			hidden = !hidden;
		else if (!hidden && ((unsigned char)*s & 0xc0) != 0x80)
			w++;
	}
	return (w);
}

int
term_cols(void)
{
	int	cols = 0;

	if (el_get(term_el, EL_GETTC, "co", &cols, NULL) != 0 || cols <= 0)
		cols = 80;
	return (cols);
}

/*
 * Erases the prompt and the line being typed, however many rows they
 * wrap onto, and leaves the cursor where the prompt began: what is
 * printed next takes their place, then term_show() draws them again.
 */
static void
term_hide(void)
{
	const LineInfo	*li = el_line(term_el);
	size_t		 at, rows;

	at = term_width(prompt_shown, prompt_shown + strlen(prompt_shown)) +
	    term_width(li->buffer, li->cursor);
	rows = at / (size_t)term_cols();
	fputs("\r", stdout);
	if (rows > 0)
		printf("\033[%zuA", rows);
	fputs("\033[J", stdout);
}

/* Draws the prompt and the line afresh from the cursor's row. */
static void
term_show(void)
{
	el_set(term_el, EL_REFRESH);
	fflush(stdout);
}

void
term_write(struct desk *d, const char *text)
{
	if (!term_active || in_handler) {
		term_put(text);
		return;
	}
	term_hide();
	term_put(text);
	term_show();
}

void
term_printf(struct desk *d, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	xvasprintf(&s, fmt, ap);
	va_end(ap);
	term_write(d, s);
	free(s);
}

void
term_error(struct desk *d, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	xvasprintf(&s, fmt, ap);
	va_end(ap);
	if (d->o.interactive)
		term_printf(d, "%serror:%s %s\n", d->c.red, d->c.reset, s);
	else {
		fflush(stdout);
		fprintf(stderr, "hotline-agent: %s\n", s);
	}
	free(s);
}

/* libedit counts prompt columns: escapes go between two \001 markers
 * (EL_PROMPT_ESC). */
static int
prompt_add(char *p, size_t len, size_t at, const char *esc, const char *text)
{
	int	n;

	if (*esc != '\0')
		n = snprintf(p + at, len - at, "\001%s\001%s", esc, text);
	else
		n = snprintf(p + at, len - at, "%s", text);
	return (n > 0 && (size_t)n < len - at ? n : 0);
}

/* libedit's prompt printer mistakes a marker that closes one escape and
 * opens the next ("\001\001") for text: join the two escapes. */
static void
prompt_join_escapes(char *p)
{
	char	*m;

	while ((m = strstr(p, "\001\001")) != NULL)
		memmove(m, m + 2, strlen(m + 2) + 1);
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
		prompt_add(p, len, at, d->c.reset, "] > ");
		prompt_join_escapes(p);
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
		if (d->offer.answer_target_ms > 0 && d->offer.accepted_at > 0)
			/* Answered before a transfer: nothing counts down. */
			at += prompt_add(p, len, at, "", " answered");
		else if (d->offer.answer_target_ms > 0) {
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
	prompt_join_escapes(p);
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
	if (!in_handler)
		term_hide();
	snprintf(prompt_shown, sizeof prompt_shown, "%s", p);
	if (!in_handler)
		term_show();
}

static char *
term_prompt_text(EditLine *el)
{
	return (prompt_shown);
}

/* Leaves the line typed (or dropped) and shows a fresh prompt: libedit
 * starts a new line each time it enters unbuffered mode. */
static void
term_new_line(void)
{
	el_set(term_el, EL_UNBUFFERED, 0);
	el_set(term_el, EL_UNBUFFERED, 1);
}

/* A line typed (NULL: Ctrl-D on an empty line). */
static void
term_line(struct desk *d, char *line)
{
	HistEvent	ev;

	in_handler = 1;
	/* Cooked mode while it runs, as readline did between lines. */
	el_set(term_el, EL_UNBUFFERED, 0);
	if (line == NULL) {
		/* Ctrl-D: leave as logout would. */
		term_put("\n");
		desk_submit(d, "logout");
	} else {
		/* H_SETUNIQUE drops a repeat of the previous line. */
		if (*line != '\0')
			history(term_hist, &ev, H_ENTER, line);
		desk_submit(d, line);
		free(line);
	}
	in_handler = 0;
	if (term_active)
		el_set(term_el, EL_UNBUFFERED, 1);
}

/*
 * One key (or key sequence) typed. el_gets() in unbuffered mode returns
 * the line so far: NULL with count -1 while it is empty, NULL with 0 at
 * end of input, the line with its newline once Enter is pressed, and
 * "\004" for Ctrl-D on an empty line.
 */
static void
term_read(evutil_socket_t fd, short what, void *arg)
{
	struct desk	*d = arg;
	const char	*buf;
	int		 n;

	errno = 0;
	buf = el_gets(term_el, &n);
	if (buf == NULL) {
		if (n == 0 || (n < 0 && errno != 0 && errno != EINTR &&
		    errno != EAGAIN))
			term_line(d, NULL);
		return;
	}
	if (n == 1 && buf[0] == '\004') {
		term_line(d, NULL);
		return;
	}
	if (n < 1 || (buf[n - 1] != '\n' && buf[n - 1] != '\r'))
		return;
	term_line(d, xstrndup(buf, (size_t)n - 1));
}

static void
term_size(struct desk *d)
{
	int	cols;

	el_resize(term_el);
	cols = term_cols();
	d->cols = cols >= 40 ? cols : 80;
}

static void
term_signal(evutil_socket_t sig, short what, void *arg)
{
	struct desk	*d = arg;
	const LineInfo	*li;

	if (sig == SIGWINCH) {
		if (term_active)
			term_size(d);
		return;
	}
	if (sig == SIGINT && term_active) {
		/* Ctrl-C drops the line being typed, as in a shell. */
		li = el_line(term_el);
		if (li->lastchar == li->buffer)
			term_printf(d, "(type logout or press Ctrl-D to leave)\n");
		else {
			term_put("^C\n");
			term_new_line();
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

/* The history file holds one line per entry, oldest first (the format
 * GNU readline wrote, so a desk keeps its history across the change). */
static void
term_history_load(const char *path)
{
	HistEvent	 ev;
	FILE		*fp;
	char		*line = NULL;
	size_t		 cap = 0;

	if ((fp = fopen(path, "r")) == NULL)
		return;
	while (getline(&line, &cap, fp) > 0) {
		line[strcspn(line, "\r\n")] = '\0';
		if (*line != '\0')
			history(term_hist, &ev, H_ENTER, line);
	}
	free(line);
	fclose(fp);
}

static void
term_history_save(struct desk *d, const char *path)
{
	HistEvent	 ev;
	FILE		*fp;
	int		 fd, rv;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) == -1 || (fp = fdopen(fd, "w")) == NULL) {
		if (fd != -1)
			close(fd);
		fprintf(stderr, "hotline-agent: history %s: %s\n", path,
		    strerror(errno));
		return;
	}
	/* H_LAST is the oldest entry, H_PREV walks towards the newest. */
	for (rv = history(term_hist, &ev, H_LAST); rv != -1;
	    rv = history(term_hist, &ev, H_PREV))
		fprintf(fp, "%s\n", ev.str);
	if (fclose(fp) != 0)
		fprintf(stderr, "hotline-agent: history %s: %s\n", path,
		    strerror(errno));
}

int
term_start(struct desk *d)
{
	HistEvent	hev;

	term_desk = d;
	d->cols = 100;
	if (term_signals(d) != 0 ||
	    (d->tick = evtimer_new(d->base, term_tick, d)) == NULL)
		return (-1);
	if (!d->o.interactive)
		return (script_start(d));
	if ((term_el = el_init("hotline-agent", stdin, stdout, stderr)) ==
	    NULL || (term_hist = history_init()) == NULL)
		return (-1);
	history(term_hist, &hev, H_SETSIZE, TERM_HISTORY_MAX);
	history(term_hist, &hev, H_SETUNIQUE, 1);
	if (d->o.history != NULL)
		term_history_load(d->o.history);
	/* Signals come through libevent (term_signals), not libedit. */
	el_set(term_el, EL_SIGNAL, 0);
	el_set(term_el, EL_EDITOR, "emacs");
	el_set(term_el, EL_HIST, history, term_hist);
	el_set(term_el, EL_PROMPT_ESC, term_prompt_text, '\001');
	/* What the completion key reads the desk from. */
	el_set(term_el, EL_CLIENTDATA, d);
	/* The wide form keeps our literals: the narrow one copies them with
	 * wcsdup and libedit never frees the copies (LeakSanitizer). */
	el_wset(term_el, EL_ADDFN, L"hotline-complete",
	    L"complete a command, ticket, queue or name", cmpl_key);
	el_set(term_el, EL_BIND, "^I", "hotline-complete", NULL);
	/* The keys readline users expect beyond libedit's emacs map. */
	el_set(term_el, EL_BIND, "^R", "em-inc-search-prev", NULL);
	el_set(term_el, EL_BIND, "^W", "ed-delete-prev-word", NULL);
	el_set(term_el, EL_BIND, "\\e[1~", "ed-move-to-beg", NULL);
	el_set(term_el, EL_BIND, "\\e[4~", "ed-move-to-end", NULL);
	el_set(term_el, EL_BIND, "\\e[H", "ed-move-to-beg", NULL);
	el_set(term_el, EL_BIND, "\\e[F", "ed-move-to-end", NULL);
	el_set(term_el, EL_BIND, "\\e[3~", "ed-delete-next-char", NULL);
	el_set(term_el, EL_BIND, "\\e[1;5C", "em-next-word", NULL);
	el_set(term_el, EL_BIND, "\\e[1;5D", "ed-prev-word", NULL);
	/* The user's ~/.editrc (or $EDITRC) has the last word. */
	el_source(term_el, NULL);
	prompt_build(d, prompt_shown, sizeof prompt_shown);
	term_active = 1;
	term_size(d);
	/* Raw mode, and the first prompt. */
	el_set(term_el, EL_UNBUFFERED, 1);
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
		/* Leaves raw mode: the terminal is as we found it. */
		el_set(term_el, EL_UNBUFFERED, 0);
		term_put("\n");
		if (d->o.history != NULL)
			term_history_save(d, d->o.history);
	}
	if (term_el != NULL) {
		el_end(term_el);
		term_el = NULL;
	}
	if (term_hist != NULL) {
		history_end(term_hist);
		term_hist = NULL;
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
	script_stop();
}
