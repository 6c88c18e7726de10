/*
 * hotline-console: the supervisor's live wallboard. Queues with their
 * waiting tickets by tier, oldest wait and service level against target,
 * the agents grid and a live event feed, driven by the `events` channel;
 * keys to reassign, re-tier, re-prioritise and escalate tickets and to
 * move agents between break and ready. --once prints one plain-text
 * snapshot for scripts. See docs/CONSOLE.md and `hotline-console --help`.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clientopt.h"
#include "console.h"

static void
usage(FILE *fp)
{
	fprintf(fp,
"NAME\n"
"     hotline-console - the supervisor's live wallboard for Hotline\n"
"\n"
"SYNOPSIS\n"
"     hotline-console [-h host] [-p port | -s socket] [-u user] [-q queue]\n"
"                     [--sl-target percent] [--sl-amber points]\n"
"                     [--color auto|always|never]\n"
"     hotline-console --once [--width columns] [options above]\n"
"\n"
"DESCRIPTION\n"
"     A full-screen wallboard of the contact-centre floor. Per queue: the\n"
"     tickets waiting, by tier; the oldest wait; the service level today\n"
"     (and over 15 minutes and the hour on wider terminals) coloured\n"
"     against the target; average speed of answer; answered, abandoned and\n"
"     SLA breaches today; agents available. Then the agents grid (status,\n"
"     time in it, the ticket being worked or offered, missed offers) and a\n"
"     live event feed with breaches, escalations and warnings first.\n"
"\n"
"     It fits 80x24 and uses whatever more the terminal has. Everything is\n"
"     live: it subscribes to the daemon's events channel and re-reads a\n"
"     queue or an agent when an event touches it; waits and times tick on\n"
"     the local clock. If the daemon goes away it reconnects with backoff\n"
"     and reads everything again.\n"
"\n"
"     A queue is red when a ticket waiting in it is past its answer SLA,\n"
"     or its service level today is below target by more than the amber\n"
"     band; amber on an SLA warning or a service level below target;\n"
"     green otherwise. The STATE column says the same in words.\n"
"\n"
"KEYS\n"
"     Tab, Shift-Tab   next / previous pane (queues, agents, events)\n"
"     arrows, j, k     move the selection; PgUp, PgDn, Home, End\n"
"     Enter            on a queue: show only that queue (again: all)\n"
"     f, F             next queue as the filter; all queues\n"
"     t                reassign a ticket to an agent or a queue\n"
"     T                change a ticket's tier\n"
"     p                set a ticket's manual priority (-1000..1000)\n"
"     e                escalate a ticket, with a reason\n"
"     b                put an agent on break, with a reason\n"
"     a                make an agent ready\n"
"     Ctrl-L           redraw and read everything again\n"
"     ?, h             help; q quits\n"
"     Ticket actions are prefilled with the selected agent's ticket or the\n"
"     selected event's ticket, agent actions with the selected agent; type\n"
"     over them, Tab completes names, Enter confirms, Esc cancels.\n"
"\n"
"OPTIONS\n"
"     -h, --host host      server address (default 127.0.0.1)\n"
"     -p, --port port      server port (default 7070)\n"
"     -s, --socket path    unix socket instead of TCP\n"
"     -u, --user name      who logs in: a supervisor (default\n"
"                          $HOTLINE_USER, else your login name)\n"
"     -q, --queue name     start with only this queue shown\n"
"     --sl-target percent  the service level target (default 80)\n"
"     --sl-amber points    below target by up to this is amber, more is\n"
"                          red (default 10)\n"
"     --once               print one plain-text snapshot and exit\n"
"     --width columns      --once: the width to lay the tables out for\n"
"                          (default $COLUMNS, else 100)\n"
"     --color when         auto (default), always or never\n"
"     --help               this page\n"
"\n"
"ENVIRONMENT\n"
"     HOTLINE_PASSWORD  the password (otherwise asked for, without echo)\n"
"     HOTLINE_USER      the default user\n"
"     NO_COLOR          no colour unless --color always\n"
"\n"
"EXIT STATUS\n"
"     0 on q (or a snapshot printed); 2 bad usage; 3 cannot connect or log\n"
"     in (--once: or the connection was lost).\n"
"\n"
"SEE ALSO\n"
"     hotline-agent(1), docs/CONSOLE.md, docs/PROTOCOL.md\n");
}

static int
parse_int(const char *opt, const char *s, long min, long max, int *out)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max) {
		fprintf(stderr, "hotline-console: %s: want %ld to %ld, not "
		    "'%s'\n", opt, min, max, s);
		return (-1);
	}
	*out = (int)v;
	return (0);
}

static int
parse_options(struct console *c, int argc, char **argv)
{
	enum { O_ONCE = 1000, O_WIDTH, O_TARGET, O_AMBER, O_COLOR, O_HELP };
	static const struct option opts[] = {
		{ "host", required_argument, NULL, 'h' },
		{ "port", required_argument, NULL, 'p' },
		{ "socket", required_argument, NULL, 's' },
		{ "user", required_argument, NULL, 'u' },
		{ "queue", required_argument, NULL, 'q' },
		{ "once", no_argument, NULL, O_ONCE },
		{ "width", required_argument, NULL, O_WIDTH },
		{ "sl-target", required_argument, NULL, O_TARGET },
		{ "sl-amber", required_argument, NULL, O_AMBER },
		{ "color", required_argument, NULL, O_COLOR },
		{ "colour", required_argument, NULL, O_COLOR },
		{ "help", no_argument, NULL, O_HELP },
		{ NULL, 0, NULL, 0 }
	};
	struct console_opts	*o = &c->o;
	const char		*color = "auto", *cols;
	int			 ch;

	clientopt_defaults(&o->link);
	o->sl_target = 80;
	o->sl_amber = 10;
	o->width = 100;
	if ((cols = getenv("COLUMNS")) != NULL && atoi(cols) >= 60)
		o->width = atoi(cols);
	while ((ch = getopt_long(argc, argv, "h:p:s:u:q:", opts, NULL)) != -1) {
		switch (ch) {
		case 'h':
		case 'p':
		case 's':
		case 'u':
			if (clientopt_link(&o->link, "hotline-console", ch,
			    optarg) != 0)
				return (-1);
			break;
		case 'q': o->filter = optarg; break;
		case O_ONCE: o->once = 1; break;
		case O_WIDTH:
			if (parse_int("--width", optarg, 60, 1000, &o->width) != 0)
				return (-1);
			break;
		case O_TARGET:
			if (parse_int("--sl-target", optarg, 1, 100,
			    &o->sl_target) != 0)
				return (-1);
			break;
		case O_AMBER:
			if (parse_int("--sl-amber", optarg, 0, 100,
			    &o->sl_amber) != 0)
				return (-1);
			break;
		case O_COLOR: color = optarg; break;
		case O_HELP: usage(stdout); exit(0);
		default: return (-1);
		}
	}
	if (optind != argc) {
		fprintf(stderr, "hotline-console: unexpected argument '%s'\n",
		    argv[optind]);
		return (-1);
	}
	if (!o->once && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))) {
		fprintf(stderr, "hotline-console: the wallboard needs a "
		    "terminal (--once prints a snapshot)\n");
		return (-1);
	}
	if (clientopt_color(color, !o->once, &o->color) != 0) {
		fprintf(stderr, "hotline-console: --color: auto, always or "
		    "never, not '%s'\n", color);
		return (-1);
	}
	return (clientopt_finish(&o->link, "hotline-console"));
}

void
console_quit(struct console *c, int code)
{
	if (c->quitting)
		return;
	c->quitting = 1;
	c->exit_code = code;
	event_base_loopexit(c->base, NULL);
}

/* The model changed (console-data.c): what it means for the user. */
static void
console_changed(evutil_socket_t fd, short what, void *arg)
{
	struct console	*c = arg;
	int		 changed = c->changed;

	c->changed = 0;
	if (c->quitting)
		return;
	if (changed & DATA_FATAL) {
		screen_stop(c);
		fprintf(stderr, "hotline-console: %s\n", c->why);
		console_quit(c, 3);
		return;
	}
	if (c->o.once) {
		if (changed & DATA_LOADED)
			console_quit(c, console_print_once(c));
		return;
	}
	if (changed & DATA_LOST)
		screen_message(c, CC_BAD, "%s; reconnecting...", c->why);
	if (changed & (DATA_TABLES | DATA_LOADED))
		screen_dirty(c);
}

int
main(int argc, char **argv)
{
	static struct console	c;
	int			rc;

	if (parse_options(&c, argc, argv) != 0) {
		fprintf(stderr, "(hotline-console --help for the options)\n");
		return (2);
	}
	if (clientopt_password(&c.o.link, "hotline-console") != 0)
		return (3);
	if ((c.base = event_base_new()) == NULL) {
		fprintf(stderr, "hotline-console: event_base_new failed\n");
		return (1);
	}
	data_init(&c);
	if ((c.ev_changed = event_new(c.base, -1, 0, console_changed,
	    &c)) == NULL || sync_start(&c) != 0 ||
	    (!c.o.once && screen_start(&c) != 0)) {
		screen_stop(&c);
		fprintf(stderr, "hotline-console: cannot start\n");
		return (1);
	}
	event_base_dispatch(c.base);
	rc = c.exit_code;
	screen_stop(&c);
	sync_stop(&c);
	data_free(&c);
	event_free(c.ev_changed);
	event_base_free(c.base);
	clientopt_forget_password(&c.o.link);
	link_session_forget(&c.o.session);
	return (rc);
}
