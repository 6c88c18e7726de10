/*
 * audit.h: who did what from where. Logins (good and bad) and every
 * change made by a supervisor or an admin become audit.* events in the
 * journal, with the actor, the source address and the time.
 */
#ifndef HOTLINE_AUDIT_H
#define HOTLINE_AUDIT_H

struct conn;
struct cmd_args;

void	audit_login(struct conn *, const char *user, int ok,
	    const char *why);
/* After a write command by a supervisor or admin; ok: it succeeded. */
void	audit_command(struct conn *, const struct cmd_args *, int ok);

#endif
