/* clientopt.c: connection options and the password, for both clients. */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "clientopt.h"

static char	typed[CLIENTOPT_PASSWORD_MAX];

void
clientopt_defaults(struct link_opts *o)
{
	struct passwd	*pw;

	o->host = "127.0.0.1";
	o->port = 7070;
	o->socket = NULL;
	o->user = getenv("HOTLINE_USER");
	if (o->user != NULL && *o->user == '\0')
		o->user = NULL;
	if (o->user == NULL && (pw = getpwuid(getuid())) != NULL)
		o->user = pw->pw_name;
}

int
clientopt_link(struct link_opts *o, const char *prog, int opt,
    const char *arg)
{
	char	*end;
	long	 port;

	switch (opt) {
	case 'h':
		o->host = arg;
		return (0);
	case 's':
		o->socket = arg;
		return (0);
	case 'u':
		o->user = arg;
		return (0);
	case 'p':
		errno = 0;
		port = strtol(arg, &end, 10);
		if (errno != 0 || end == arg || *end != '\0' || port < 1 ||
		    port > 65535) {
			fprintf(stderr, "%s: --port: want 1 to 65535, not "
			    "'%s'\n", prog, arg);
			return (-1);
		}
		o->port = (int)port;
		return (0);
	}
	return (-1);
}

int
clientopt_finish(struct link_opts *o, const char *prog)
{
	if (o->user == NULL || *o->user == '\0') {
		fprintf(stderr, "%s: who logs in? --user NAME or "
		    "HOTLINE_USER\n", prog);
		return (-1);
	}
	/* Names go into channel names and commands: one word. */
	if (strpbrk(o->user, " \t\r\n\"'") != NULL || strlen(o->user) > 60) {
		fprintf(stderr, "%s: --user: a name without spaces or quotes\n",
		    prog);
		return (-1);
	}
	return (0);
}

int
clientopt_color(const char *when, int tty, int *on)
{
	const char	*term = getenv("TERM");

	if (strcmp(when, "always") == 0)
		*on = 1;
	else if (strcmp(when, "never") == 0)
		*on = 0;
	else if (strcmp(when, "auto") == 0)
		*on = tty && getenv("NO_COLOR") == NULL &&
		    (term == NULL || strcmp(term, "dumb") != 0);
	else
		return (-1);
	return (0);
}

int
clientopt_password(struct link_opts *o, const char *prog)
{
	struct termios	 old, quiet;
	FILE		*tty;
	size_t		 n;
	int		 echo_off;

	if ((o->password = getenv("HOTLINE_PASSWORD")) != NULL)
		return (0);
	if ((tty = fopen("/dev/tty", "r+")) == NULL) {
		fprintf(stderr, "%s: no terminal to ask the password of %s on: "
		    "set HOTLINE_PASSWORD\n", prog, o->user);
		return (-1);
	}
	fprintf(tty, "Password for %s: ", o->user);
	fflush(tty);
	echo_off = tcgetattr(fileno(tty), &old) == 0;
	if (echo_off) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		quiet.c_lflag |= ECHONL;
		tcsetattr(fileno(tty), TCSAFLUSH, &quiet);
	}
	if (fgets(typed, sizeof typed, tty) == NULL)
		typed[0] = '\0';
	if (echo_off)
		tcsetattr(fileno(tty), TCSAFLUSH, &old);
	fclose(tty);
	n = strcspn(typed, "\r\n");
	typed[n] = '\0';
	o->password = typed;
	return (0);
}

void
clientopt_forget_password(struct link_opts *o)
{
	explicit_bzero(typed, sizeof typed);
	o->password = NULL;
}
