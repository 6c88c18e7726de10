/*
 * clientopt.h: what hotline-agent and hotline-console ask for the same
 * way: where the daemon is (-h/-p/-s), who logs in (-u, $HOTLINE_USER,
 * the login name), the password ($HOTLINE_PASSWORD, else a prompt on the
 * terminal without echo), and whether to use colour.
 */
#ifndef HOTLINE_CLIENT_CLIENTOPT_H
#define HOTLINE_CLIENT_CLIENTOPT_H

#include "link.h"

#define CLIENTOPT_PASSWORD_MAX	256

void	clientopt_defaults(struct link_opts *);
/* One of -h -p -s -u with its argument; -1 after printing why not. */
int	clientopt_link(struct link_opts *, const char *prog, int opt,
	    const char *arg);
/* After parsing: a user must be known. */
int	clientopt_finish(struct link_opts *, const char *prog);
/* auto|always|never -> on; auto is on for a terminal without $NO_COLOR. */
int	clientopt_color(const char *when, int tty, int *on);
/* $HOTLINE_PASSWORD, or asked on /dev/tty without echo. */
int	clientopt_password(struct link_opts *, const char *prog);
/* Wipes a password that was typed. */
void	clientopt_forget_password(struct link_opts *);

#endif
