/*
 * console-screen.c: the wallboard on a terminal, with ncurses. From the
 * top: a title line, the queues, the agents grid, the event feed, and a
 * line for prompts and messages. 80x24 shows it all; taller and wider
 * terminals get more rows, more grid columns and more queue columns.
 * Panes are repainted only when marked dirty (an event or a reply: the
 * tables; the clock tick: the title and the waits and times; a key: the
 * bottom line), and ncurses sends the terminal only the cells that
 * changed. A resize (SIGWINCH) lays everything out again.
 */
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <curses.h>

#include "console.h"
#include "fmt.h"
#include "xmalloc.h"

#define MIN_ROWS	12
#define MIN_COLS	60
#define AGENT_CELL_MIN	40
#define MESSAGE_MS	8000

/* What needs repainting. */
#define D_TITLE		0x01
#define D_QUEUES	0x02
#define D_AGENTS	0x04
#define D_FEED		0x08
#define D_BOTTOM	0x10
#define D_LAYOUT	0x20	/* sizes changed: clear and repaint all */
#define D_ALL		0x3f

struct screen {
	int		rows, cols;
	int		layout[4];	/* q_h, a_h, a_ncols, f_h last drawn */
	int		q_top, q_h;	/* header row included */
	int		a_top, a_h, a_ncols, a_cellw;
	int		f_top, f_h;
	int		scroll[NPANES];
	int		dirty;
	char		msg[256];
	enum ccolor	msg_color;
	attr_t		attr[CC_NCOLORS];
};

static void
screen_colors(struct screen *s, int color)
{
	static const short fg[CC_NCOLORS] = {
		-1, COLOR_GREEN, COLOR_YELLOW, COLOR_RED, -1, COLOR_CYAN,
		COLOR_YELLOW, COLOR_MAGENTA, -1, -1
	};
	int	i;

	for (i = 0; i < CC_NCOLORS; i++)
		s->attr[i] = A_NORMAL;
	if (color && has_colors()) {
		start_color();
		use_default_colors();
		for (i = 1; i < CC_NCOLORS; i++)
			if (fg[i] != -1 && init_pair((short)i, fg[i], -1) == OK)
				s->attr[i] = COLOR_PAIR(i);
	}
	s->attr[CC_DIM] |= A_DIM;
	s->attr[CC_GOLD] |= A_BOLD;
	s->attr[CC_DIAMOND] |= A_BOLD;
	s->attr[CC_BAD] |= A_BOLD;
	s->attr[CC_HEADER] |= A_BOLD;
	s->attr[CC_TITLE] |= A_REVERSE;
}

struct cqueue *
screen_queue(struct console *c, int n)
{
	int	i;

	for (i = 0; i < c->nqueues; i++)
		if (data_queue_visible(c, &c->queues[i]) && n-- == 0)
			return (&c->queues[i]);
	return (NULL);
}

struct cagent *
screen_agent(struct console *c, int n)
{
	int	i;

	for (i = 0; i < c->nagents; i++)
		if (data_agent_visible(c, &c->agents[i]) && n-- == 0)
			return (&c->agents[i]);
	return (NULL);
}

int
screen_count(struct console *c, enum pane p)
{
	int	i, n = 0;

	switch (p) {
	case PANE_QUEUES:
		for (i = 0; i < c->nqueues; i++)
			n += data_queue_visible(c, &c->queues[i]);
		return (n);
	case PANE_AGENTS:
		for (i = 0; i < c->nagents; i++)
			n += data_agent_visible(c, &c->agents[i]);
		return (n);
	default:
		return (data_feed_count(c));
	}
}

int
screen_agent_columns(const struct console *c)
{
	return (c->scr != NULL && c->scr->a_ncols > 0 ? c->scr->a_ncols : 1);
}

/* Queues, agents and feed share the rows between the title and the
 * bottom line: each gets what it needs up to a share, the feed the rest. */
static void
screen_layout(struct console *c)
{
	struct screen	*s = c->scr;
	int		 avail = s->rows - 2, qneed, aneed, nag, fmin = 4;

	s->a_ncols = s->cols / AGENT_CELL_MIN;
	if (s->a_ncols < 1)
		s->a_ncols = 1;
	s->a_cellw = s->cols / s->a_ncols;
	qneed = screen_count(c, PANE_QUEUES) + 1;
	nag = screen_count(c, PANE_AGENTS);
	aneed = (nag + s->a_ncols - 1) / s->a_ncols + 1;
	s->q_h = qneed < avail * 2 / 5 ? qneed : avail * 2 / 5;
	if (s->q_h < 2)
		s->q_h = 2;
	s->a_h = avail - s->q_h - fmin;
	if (aneed < s->a_h)
		s->a_h = aneed;
	if (s->a_h < 2)
		s->a_h = 2;
	s->q_top = 1;
	s->a_top = s->q_top + s->q_h;
	s->f_top = s->a_top + s->a_h;
	s->f_h = s->rows - 1 - s->f_top;
}

static void
put_row(struct screen *s, int y, int x, const struct row *r, int width,
    attr_t extra)
{
	int	i, col = x, pad;

	for (i = 0; i < r->n && col < x + width; i++) {
		const struct cell *cl = &r->c[i];

		if (i > 0) {
			attrset(extra);
			mvaddch(y, col++, ' ');
		}
		pad = cl->width - (int)fmt_width(cl->text);
		if (pad < 0)
			pad = 0;
		attrset(s->attr[cl->color] | extra);
		if (cl->right)
			mvprintw(y, col, "%*s%s", pad, "", cl->text);
		else
			mvprintw(y, col, "%s%*s", cl->text, pad, "");
		col += cl->width;
	}
	attrset(extra);
	while (col < x + width && col < s->cols)
		mvaddch(y, col++, ' ');
	attrset(A_NORMAL);
}

/* Keeps the selection inside the list and on screen. */
static void
screen_follow(struct console *c, enum pane p, int n, int visible, int per_row)
{
	struct screen	*s = c->scr;
	int		 sel_row;

	if (c->sel[p] >= n)
		c->sel[p] = n > 0 ? n - 1 : 0;
	if (c->sel[p] < 0)
		c->sel[p] = 0;
	sel_row = c->sel[p] / per_row;
	if (sel_row < s->scroll[p])
		s->scroll[p] = sel_row;
	if (visible > 0 && sel_row >= s->scroll[p] + visible)
		s->scroll[p] = sel_row - visible + 1;
	if (s->scroll[p] < 0)
		s->scroll[p] = 0;
}

static attr_t
pane_header_attr(const struct console *c, enum pane p)
{
	return (c->focus == p ? A_REVERSE | A_BOLD : A_BOLD);
}

static void
draw_title(struct console *c)
{
	struct screen	*s = c->scr;
	char		 line[512], clock[16];

	snprintf(line, sizeof line, " Hotline  %s@%s  %s  %s%s  target %d%%"
	    "  ? help", c->user, link_where(c->cmd),
	    fmt_clock(fmt_now_ms(), clock, sizeof clock),
	    c->filter[0] ? "queue " : "all queues", c->filter,
	    c->o.sl_target);
	attrset(s->attr[CC_TITLE]);
	mvprintw(0, 0, "%-*.*s", s->cols, s->cols, line);
	if (c->lost_at != 0 || !c->loaded) {
		attrset(s->attr[CC_BAD] | A_REVERSE);
		mvprintw(0, s->cols > 16 ? s->cols - 16 : 0, "%-16s",
		    c->lost_at != 0 ? " DISCONNECTED " : " loading... ");
	}
	attrset(A_NORMAL);
}

static void
draw_queues(struct console *c)
{
	struct screen	*s = c->scr;
	struct row	 r;
	struct cqueue	*q;
	int		 n = screen_count(c, PANE_QUEUES), rows = s->q_h - 1, i;

	screen_follow(c, PANE_QUEUES, n, rows, 1);
	view_queue_header(c, &r, s->cols);
	put_row(s, s->q_top, 0, &r, s->cols, pane_header_attr(c, PANE_QUEUES));
	for (i = 0; i < rows; i++) {
		int	k = s->scroll[PANE_QUEUES] + i;

		move(s->q_top + 1 + i, 0);
		clrtoeol();
		if ((q = screen_queue(c, k)) == NULL)
			continue;
		view_queue_row(c, q, &r, s->cols);
		put_row(s, s->q_top + 1 + i, 0, &r, s->cols,
		    c->focus == PANE_QUEUES && k == c->sel[PANE_QUEUES] ?
		    A_REVERSE : A_NORMAL);
	}
}

static void
draw_agents(struct console *c)
{
	struct screen	*s = c->scr;
	struct row	 r;
	struct cagent	*a;
	int		 n = screen_count(c, PANE_AGENTS), rows = s->a_h - 1;
	int		 i, k, col;

	screen_follow(c, PANE_AGENTS, n, rows, s->a_ncols);
	move(s->a_top, 0);
	clrtoeol();
	for (col = 0; col < s->a_ncols; col++) {
		view_agent_header(&r, s->a_cellw - 1);
		put_row(s, s->a_top, col * s->a_cellw, &r, s->a_cellw - 1,
		    pane_header_attr(c, PANE_AGENTS));
	}
	for (i = 0; i < rows; i++) {
		move(s->a_top + 1 + i, 0);
		clrtoeol();
		for (col = 0; col < s->a_ncols; col++) {
			k = (s->scroll[PANE_AGENTS] + i) * s->a_ncols + col;
			if ((a = screen_agent(c, k)) == NULL)
				break;
			view_agent_cell(c, a, &r, s->a_cellw - 1);
			put_row(s, s->a_top + 1 + i, col * s->a_cellw, &r,
			    s->a_cellw - 1, c->focus == PANE_AGENTS &&
			    k == c->sel[PANE_AGENTS] ? A_REVERSE : A_NORMAL);
		}
	}
}

static void
draw_feed(struct console *c)
{
	struct screen		*s = c->scr;
	const struct feed_item	*f;
	struct row		 r;
	char			 head[128];
	int			 n = data_feed_count(c), rows = s->f_h - 1, i, j, k;

	screen_follow(c, PANE_FEED, n, rows, 1);
	snprintf(head, sizeof head, "EVENTS  breaches first, then the newest "
	    "(%d)", n);
	attrset(pane_header_attr(c, PANE_FEED));
	mvprintw(s->f_top, 0, "%-*.*s", s->cols, s->cols, head);
	attrset(A_NORMAL);
	for (i = 0; i < rows; i++) {
		k = s->scroll[PANE_FEED] + i;
		move(s->f_top + 1 + i, 0);
		clrtoeol();
		if ((f = data_feed_item(c, k)) == NULL)
			continue;
		view_feed_line(f, &r, s->cols);
		/* An alarm whose ticket was answered since is history. */
		if (!data_feed_live(c, f))
			for (j = 0; j < r.n; j++)
				r.c[j].color = CC_DIM;
		put_row(s, s->f_top + 1 + i, 0, &r, s->cols,
		    c->focus == PANE_FEED && k == c->sel[PANE_FEED] ?
		    A_REVERSE : A_NORMAL);
	}
}

static void
draw_bottom(struct console *c)
{
	struct screen	*s = c->scr;

	move(s->rows - 1, 0);
	clrtoeol();
	if (keys_prompt_active(c)) {
		keys_draw_prompt(c);
		return;
	}
	if (s->msg[0] != '\0') {
		attrset(s->attr[s->msg_color]);
		mvprintw(s->rows - 1, 0, "%.*s", s->cols, s->msg);
	} else {
		attrset(s->attr[CC_DIM]);
		/* Help and quit first: they fit even when the rest does not. */
		mvprintw(s->rows - 1, 0, "%.*s", s->cols, "? help  q quit  Tab "
		    "pane  t reassign  T tier  p priority  e escalate  b break  "
		    "a ready  f filter");
	}
	attrset(A_NORMAL);
}

static void
draw_help(struct console *c)
{
	static const char *const lines[] = {
		"Hotline wallboard: keys",
		"",
		"Tab / Shift-Tab  next / previous pane (queues, agents, events)",
		"arrows, j k      select; PgUp PgDn Home End",
		"Enter, f         queues: show only the selected queue",
		"f  F             next queue filter / all queues",
		"t                reassign a ticket to an agent or a queue",
		"T                change a ticket's tier",
		"p                set a ticket's priority (-1000..1000)",
		"e                escalate a ticket (with a reason)",
		"b                put the selected agent on break",
		"a                make the selected agent ready",
		"Ctrl-L           redraw and read everything again",
		"?                this help (any key closes it)",
		"q                quit",
		"",
		"Ticket actions start from the selected agent's ticket or",
		"event; type another id to act on it. Esc cancels a prompt.",
		"Queue colours: red = a waiting ticket is past its answer",
		"SLA, or service level below target - amber band; amber =",
		"a warning or below target; green = on target.",
		"Agents: #12 works ticket 12, #13? is offered 13; MS = missed",
		"offers in a row.",
		NULL
	};
	struct screen	*s = c->scr;
	WINDOW		*w;
	int		 n = 0, width = 0, i, len;

	for (i = 0; lines[i] != NULL; i++) {
		n++;
		if ((len = (int)strlen(lines[i])) > width)
			width = len;
	}
	width += 4;
	n += 2;
	if (width > s->cols)
		width = s->cols;
	if (n > s->rows)
		n = s->rows;
	if ((w = newwin(n, width, (s->rows - n) / 2, (s->cols - width) / 2)) ==
	    NULL)
		return;
	werase(w);
	box(w, 0, 0);
	for (i = 0; lines[i] != NULL && i + 1 < n - 1; i++) {
		if (i == 0)
			wattrset(w, A_BOLD);
		mvwprintw(w, i + 1, 2, "%.*s", width - 4, lines[i]);
		wattrset(w, A_NORMAL);
	}
	wnoutrefresh(w);
	delwin(w);
}

void
screen_draw(struct console *c)
{
	struct screen	*s = c->scr;
	int		 parts;

	if (s == NULL || c->quitting)
		return;
	parts = s->dirty;
	s->dirty = 0;
	getmaxyx(stdscr, s->rows, s->cols);
	if (s->rows < MIN_ROWS || s->cols < MIN_COLS) {
		erase();
		mvprintw(0, 0, "Terminal too small (%dx%d): the wallboard needs "
		    "%dx%d.", s->cols, s->rows, MIN_COLS, MIN_ROWS);
		refresh();
		return;
	}
	screen_layout(c);
	if (s->layout[0] != s->q_h || s->layout[1] != s->a_h ||
	    s->layout[2] != s->a_ncols || s->layout[3] != s->f_h) {
		s->layout[0] = s->q_h;
		s->layout[1] = s->a_h;
		s->layout[2] = s->a_ncols;
		s->layout[3] = s->f_h;
		parts |= D_LAYOUT;
	}
	if (parts & D_LAYOUT) {
		erase();
		parts = D_ALL;
	}
	if (parts & D_TITLE)
		draw_title(c);
	if (parts & D_QUEUES)
		draw_queues(c);
	if (parts & D_AGENTS)
		draw_agents(c);
	if (parts & D_FEED)
		draw_feed(c);
	if (parts & D_BOTTOM)
		draw_bottom(c);
	wnoutrefresh(stdscr);
	if (c->help)
		draw_help(c);
	doupdate();
}

static void
screen_draw_cb(evutil_socket_t fd, short what, void *arg)
{
	screen_draw(arg);
}

void
screen_dirty_part(struct console *c, int parts)
{
	if (c->scr == NULL || c->quitting)
		return;
	if (c->scr->dirty == 0)
		event_active(c->ev_draw, EV_TIMEOUT, 0);
	c->scr->dirty |= parts;
}

/* The model changed: every pane may show something new. */
void
screen_dirty(struct console *c)
{
	screen_dirty_part(c, D_ALL & ~D_LAYOUT);
}

void
screen_resize(struct console *c)
{
	struct winsize	ws;

	if (c->scr == NULL)
		return;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
	    ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	getmaxyx(stdscr, c->scr->rows, c->scr->cols);
	clearok(stdscr, TRUE);
	screen_dirty_part(c, D_ALL);
}

static void
message_clear(evutil_socket_t fd, short what, void *arg)
{
	struct console	*c = arg;

	c->scr->msg[0] = '\0';
	screen_dirty_part(c, D_BOTTOM);
}

void
screen_message(struct console *c, enum ccolor color, const char *fmt, ...)
{
	struct timeval	tv = { MESSAGE_MS / 1000, 0 };
	va_list		ap;

	if (c->scr == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(c->scr->msg, sizeof c->scr->msg, fmt, ap);
	va_end(ap);
	c->scr->msg_color = color;
	evtimer_add(c->ev_msg, &tv);
	screen_dirty_part(c, D_BOTTOM);
}

/* The local clock: waits and times in status grow between events. */
static void
screen_tick(evutil_socket_t fd, short what, void *arg)
{
	screen_dirty_part(arg, D_TITLE | D_QUEUES | D_AGENTS);
}

static void
screen_signal(evutil_socket_t sig, short what, void *arg)
{
	struct console	*c = arg;

	if (sig == SIGWINCH)
		screen_resize(c);
	else
		console_quit(c, 0);
}

int
screen_start(struct console *c)
{
	struct timeval	 tv = { 1, 0 };
	struct screen	*s;

	s = xcalloc(1, sizeof *s);
	setlocale(LC_ALL, "");
	if (initscr() == NULL) {
		free(s);
		return (-1);
	}
	c->scr = s;
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	screen_colors(s, c->o.color);
	getmaxyx(stdscr, s->rows, s->cols);
	if ((c->ev_draw = event_new(c->base, -1, 0, screen_draw_cb, c)) == NULL ||
	    (c->ev_tick = event_new(c->base, -1, EV_PERSIST, screen_tick,
	    c)) == NULL ||
	    (c->ev_msg = evtimer_new(c->base, message_clear, c)) == NULL ||
	    (c->ev_stdin = event_new(c->base, STDIN_FILENO,
	    EV_READ | EV_PERSIST, keys_read, c)) == NULL ||
	    (c->ev_sigwinch = evsignal_new(c->base, SIGWINCH, screen_signal,
	    c)) == NULL ||
	    (c->ev_sigterm = evsignal_new(c->base, SIGTERM, screen_signal,
	    c)) == NULL ||
	    (c->ev_sigint = evsignal_new(c->base, SIGINT, screen_signal,
	    c)) == NULL)
		return (-1);
	event_add(c->ev_tick, &tv);
	event_add(c->ev_stdin, NULL);
	evsignal_add(c->ev_sigwinch, NULL);
	evsignal_add(c->ev_sigterm, NULL);
	evsignal_add(c->ev_sigint, NULL);
	screen_dirty_part(c, D_ALL);
	return (0);
}

void
screen_stop(struct console *c)
{
	struct event	**evs[] = { &c->ev_draw, &c->ev_tick, &c->ev_msg,
	    &c->ev_stdin, &c->ev_sigwinch, &c->ev_sigterm, &c->ev_sigint };
	size_t		  i;

	if (c->scr == NULL)
		return;
	endwin();
	for (i = 0; i < sizeof evs / sizeof evs[0]; i++)
		if (*evs[i] != NULL) {
			event_free(*evs[i]);
			*evs[i] = NULL;
		}
	free(c->scr);
	c->scr = NULL;
}
