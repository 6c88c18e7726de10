/*
 * hotline-agent: the agent's desk. Logs in, goes ready, shows each offer
 * with the customer's card and a live SLA countdown, and takes commands
 * typed with line editing, or a script from --exec or stdin. See
 * docs/AGENT.md and `hotline-agent --help`.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "agent.h"
#include "clientopt.h"

static void
usage(FILE *fp)
{
	const struct desk_cmd	*c;

	fprintf(fp,
"NAME\n"
"     hotline-agent - the agent's desk for the Hotline contact centre\n"
"\n"
"SYNOPSIS\n"
"     hotline-agent [-h host] [-p port | -s socket] [-u user] [--no-ready]\n"
"                   [-e \"command; command...\"] [--keep-going]\n"
"                   [--color auto|always|never] [--no-bell]\n"
"                   [--history file | --no-history]\n"
"\n"
"DESCRIPTION\n"
"     Logs in to hotlined as an agent, goes ready and shows every offer as\n"
"     it arrives: the ticket, its queue and tier (gold and diamond stand\n"
"     out), the customer's card (name, tier, segment, account manager, open\n"
"     and recent tickets with their outcome, repeat contacts and complaints\n"
"     when the daemon reports them) and the answer SLA counting down in the\n"
"     prompt. Commands are typed with line editing, history (Up/Down,\n"
"     Ctrl-R) and Tab completion of commands, queues, agents and tickets.\n"
"\n"
"     Offers, status changes made by a supervisor, pages for your\n"
"     customers and SLA alarms arrive live (SUBSCRIBE agent.<you>). If the\n"
"     daemon goes away the desk reconnects with backoff, logs in again,\n"
"     restores your status (ready, or the break you were on) and lists\n"
"     the tickets you still hold.\n"
"\n"
"     Without a terminal, or with --exec, the desk runs a script: the\n"
"     statements of --exec (separated by ;) or the lines of stdin, one\n"
"     after the other, each waiting for its answer; # starts a comment.\n"
"     A script does not go ready by itself: say ready (or wait).\n"
"\n"
"OPTIONS\n"
"     -h, --host host      server address (default 127.0.0.1)\n"
"     -p, --port port      server port (default 7070)\n"
"     -s, --socket path    unix socket instead of TCP\n"
"     -u, --user name      who logs in (default $HOTLINE_USER, else your\n"
"                          login name)\n"
"     -e, --exec script    run these statements and exit\n"
"     --no-ready           do not go ready at login (a front-line operator\n"
"                          who only opens tickets with new)\n"
"     --keep-going         scripts: run the remaining statements after an\n"
"                          error (the exit status still says 1)\n"
"     --color when         auto (default: on a terminal, unless $NO_COLOR),\n"
"                          always or never\n"
"     --no-bell            no terminal bell on a new offer\n"
"     --history file       line history (default ~/.hotline_agent_history)\n"
"     --no-history         keep no history file\n"
"     --help               this page\n"
"\n"
"COMMANDS\n");
	for (c = desk_cmds; c->name != NULL; c++)
		fprintf(fp, "     %-36s %s\n", c->usage, c->help);
	fprintf(fp,
"     A ticket is named #12 (or 12 where no text follows); without one,\n"
"     commands act on the offer or the ticket on the desk. Short forms: a\n"
"     (accept), n (note), t (transfer), p (pending), done (resolve),\n"
"     c (customer), w (wait), quit and exit (logout), ? (help).\n"
"\n"
"ENVIRONMENT\n"
"     HOTLINE_PASSWORD  the password (otherwise asked for, without echo,\n"
"                       on the terminal)\n"
"     HOTLINE_USER      the default user\n"
"     NO_COLOR          no colour unless --color always\n"
"\n"
"EXIT STATUS\n"
"     0 all went well; 1 a command failed; 2 bad usage; 3 cannot connect or\n"
"     log in (or the connection was lost during a script); 128+N killed by\n"
"     signal N.\n"
"\n"
"EXAMPLES\n"
"     hotline-agent -u alice\n"
"     HOTLINE_PASSWORD=... hotline-agent -u alice -e 'ready; wait 60; accept;\n"
"         note \"called back\"; resolve refunded; close'\n"
"     hotline-agent -u op1 --no-ready -e 'new +33612345678 billing card refused'\n"
"\n"
"SEE ALSO\n"
"     hotline-console(1), docs/AGENT.md, docs/PROTOCOL.md\n");
}

static void
desk_colors_set(struct desk_colors *c, int on)
{
	c->reset = on ? "\033[0m" : "";
	c->bold = on ? "\033[1m" : "";
	c->dim = on ? "\033[2m" : "";
	c->red = on ? "\033[31m" : "";
	c->green = on ? "\033[32m" : "";
	c->yellow = on ? "\033[33m" : "";
	c->blue = on ? "\033[34m" : "";
	c->magenta = on ? "\033[35m" : "";
	c->cyan = on ? "\033[36m" : "";
	c->reverse = on ? "\033[7m" : "";
}

static int
parse_options(struct desk *d, int argc, char **argv)
{
	enum { O_NO_READY = 1000, O_KEEP_GOING, O_COLOR, O_NO_BELL, O_HISTORY,
	    O_NO_HISTORY, O_HELP };
	static const struct option opts[] = {
		{ "host", required_argument, NULL, 'h' },
		{ "port", required_argument, NULL, 'p' },
		{ "socket", required_argument, NULL, 's' },
		{ "user", required_argument, NULL, 'u' },
		{ "exec", required_argument, NULL, 'e' },
		{ "no-ready", no_argument, NULL, O_NO_READY },
		{ "keep-going", no_argument, NULL, O_KEEP_GOING },
		{ "color", required_argument, NULL, O_COLOR },
		{ "colour", required_argument, NULL, O_COLOR },
		{ "no-bell", no_argument, NULL, O_NO_BELL },
		{ "history", required_argument, NULL, O_HISTORY },
		{ "no-history", no_argument, NULL, O_NO_HISTORY },
		{ "help", no_argument, NULL, O_HELP },
		{ NULL, 0, NULL, 0 }
	};
	struct desk_opts	*o = &d->o;
	static char		 history[1024];
	const char		*color = "auto", *home;
	int			 ch, no_history = 0;

	clientopt_defaults(&o->link);
	o->bell = 1;
	while ((ch = getopt_long(argc, argv, "h:p:s:u:e:", opts, NULL)) != -1) {
		switch (ch) {
		case 'h':
		case 'p':
		case 's':
		case 'u':
			if (clientopt_link(&o->link, "hotline-agent", ch,
			    optarg) != 0)
				return (-1);
			break;
		case 'e': o->exec = optarg; break;
		case O_NO_READY: o->no_ready = 1; break;
		case O_KEEP_GOING: o->keep_going = 1; break;
		case O_COLOR: color = optarg; break;
		case O_NO_BELL: o->bell = 0; break;
		case O_HISTORY: o->history = optarg; break;
		case O_NO_HISTORY: no_history = 1; break;
		case O_HELP: usage(stdout); exit(0);
		default: return (-1);
		}
	}
	if (optind != argc) {
		fprintf(stderr, "hotline-agent: unexpected argument '%s'\n",
		    argv[optind]);
		return (-1);
	}
	o->interactive = o->exec == NULL && isatty(STDIN_FILENO) &&
	    isatty(STDOUT_FILENO);
	if (clientopt_color(color, o->interactive, &o->color) != 0) {
		fprintf(stderr, "hotline-agent: --color: auto, always or "
		    "never, not '%s'\n", color);
		return (-1);
	}
	if (no_history || !o->interactive)
		o->history = NULL;
	else if (o->history == NULL && (home = getenv("HOME")) != NULL &&
	    *home != '\0') {
		snprintf(history, sizeof history, "%s/.hotline_agent_history",
		    home);
		o->history = history;
	}
	return (clientopt_finish(&o->link, "hotline-agent"));
}

int
main(int argc, char **argv)
{
	static struct desk	d;
	int			rc;

	if (parse_options(&d, argc, argv) != 0) {
		fprintf(stderr, "(hotline-agent --help for the options)\n");
		return (2);
	}
	desk_colors_set(&d.c, d.o.color);
	if (clientopt_password(&d.o.link, "hotline-agent") != 0)
		return (3);
	if ((d.base = event_base_new()) == NULL) {
		fprintf(stderr, "hotline-agent: event_base_new failed\n");
		return (1);
	}
	if (desk_start(&d) != 0 || term_start(&d) != 0) {
		fprintf(stderr, "hotline-agent: cannot start: out of memory\n");
		return (1);
	}
	event_base_dispatch(d.base);
	rc = d.exit_code;
	term_stop(&d);
	desk_stop(&d);
	event_base_free(d.base);
	clientopt_forget_password(&d.o.link);
	link_session_forget(&d.o.session);
	fflush(stdout);
	return (rc);
}
