/*
 * guard.h: what keeps hostile or broken clients from holding connection
 * slots: a cap on unauthenticated connections per source address, a
 * deadline to authenticate (auth_timeout), a deadline to finish a started
 * request (request_timeout), and closing connections that speak HTTP to
 * the RESP port. docs/OPERATIONS.md ("Security") lists them for operators.
 */
#ifndef HOTLINE_GUARD_H
#define HOTLINE_GUARD_H

#include <stddef.h>

struct conn;
struct cmd_args;

/* A new connection, addr and flags set: 0, or -1 if its address already
 * has max_unauth_per_addr unauthenticated connections (then the caller
 * refuses it with GUARD_FULL). Counts the connection as unauthenticated. */
int	guard_admit(struct conn *);
#define GUARD_FULL \
	"-ERR too many unauthenticated connections from your address\r\n"
/* The connection's events exist: arm its auth_timeout. */
void	guard_start(struct conn *);
/* AUTH succeeded: no deadline to log in, no longer counted. */
void	guard_login(struct conn *);
/* After its commands ran: a partial command left in the input must be
 * completed within request_timeout of its first byte. */
void	guard_request(struct conn *);
/* Closing: uncount it and stop its timers (conn_kill). */
void	guard_close(struct conn *);
/* Freeing it (conn_free_dead). */
void	guard_free(struct conn *);
/* An unknown command: 1 if it is HTTP (the connection is then closed and
 * logged, as Redis does with POST and Host:), else 0. */
int	guard_http(struct conn *, const struct cmd_args *);
/* Unauthenticated connections now (INFO clients). */
size_t	guard_unauth_count(void);

#endif
