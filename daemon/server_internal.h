/*
 * server_internal.h: what server.c calls in server-users.c (the users
 * the configuration names, protected mode).
 */
#ifndef HOTLINE_SERVER_INTERNAL_H
#define HOTLINE_SERVER_INTERNAL_H

#include "config.h"

/* The users named in the config exist, with the skills the config gives. */
void	server_sync_users(void);
/* HOTLINE_ADMIN_PASSWORD creates user admin or resets its password. */
void	server_env_admin(void);
/* 0, or -1 with err when protected mode refuses cfg (start or reload). */
int	server_protected_mode(const struct config *, char *err, size_t errlen);

#endif
