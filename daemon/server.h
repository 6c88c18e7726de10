/*
 * server.h: the daemon's one instance: the event loop, listeners, the
 * engine, the store and the journal that ties them, and the counters INFO
 * shows. One thread owns all of it.
 */
#ifndef HOTLINE_SERVER_H
#define HOTLINE_SERVER_H

#include <stdint.h>
#include <sys/queue.h>

#include "config.h"
#include "engine.h"

struct conn;
struct sockaddr_storage;
TAILQ_HEAD(conn_list, conn);

struct server_stats {
	uint64_t	connections_received;
	uint64_t	connections_rejected;	/* max_clients */
	uint64_t	commands_processed;
	uint64_t	protocol_errors;
	uint64_t	output_limit_disconnects;
	uint64_t	idle_disconnects;
	uint64_t	auth_failures;
	uint64_t	accept_pauses;		/* EMFILE */
	uint64_t	engine_rebuilds;	/* after failed commits */
	uint64_t	unauth_rejected;	/* max_unauth_per_addr */
	uint64_t	auth_timeouts;
	uint64_t	request_timeouts;
	uint64_t	http_rejected;		/* HTTP on the RESP port */
	uint64_t	subscribe_refused;	/* bad name, max_subscriptions */
};

struct server {
	struct event_base	*base;
	struct config		 cfg;
	char			 config_path[1024];
	struct engine		*engine;
	struct store		*store;
	struct journal		*journal;
	struct pubsub		*pubsub;

	struct evconnlistener	*tcp;
	struct evconnlistener	*unix_listener;
	int			 bound_port;
	struct event		*accept_retry;
	struct event		*engine_timer;
	struct event		*commit_retry;	/* after failed commits */
	hl_ms			 engine_timer_at;
	struct event		*sig_term, *sig_int, *sig_hup;

	struct conn_list	 conns;
	struct conn_list	 flush;		/* conns with replies to send */
	struct conn_list	 resume;	/* unblocked, commands to run */
	struct conn_list	 dead;		/* to free at the safe point */
	size_t			 nconns;
	uint64_t		 next_conn_id;

	int			 shutdown;
	int			 ready;		/* recovered, listening */
	hl_ms			 test_clock;	/* HOTLINE_TEST_CLOCK; 0: off */
	hl_ms			 started;
	struct server_stats	 stats;
};

extern struct server server;

/* Wall-clock ms, or the test clock (HOTLINE_TEST_CLOCK, DEBUG CLOCK). */
hl_ms	server_now(void);
/* The test clock moves to now (never back): due timers fire. */
int	server_set_clock(hl_ms now);
int	server_init(const char *config_path, const struct config *);
void	server_run(void);
/*
 * The end of one loop iteration (what server_run does after each):
 * commit the batch, send the replies, run the unblocked. Public for the
 * command fuzzer (tests/fuzz/fuzz_cmd.c), which drives the loop itself.
 */
void	server_after_iteration(void);
void	server_finish(void);
/* Re-read the configuration file; on error keep the old one. */
int	server_reload(char *err, size_t);
/* Re-arm the engine timer after anything that may change its deadline. */
void	server_arm_timer(void);
/*
 * A new password for name (AGENT ADD, AGENT PASSWD): 1 if it is the
 * sample file's demo one, 0 if not, -1 with err when protected mode
 * refuses it (the demo password while listening on a public address).
 */
int	server_password_demo(const char *name, const char *pw, size_t len,
	    char *err, size_t errlen);
/* Rebuild the engine from the store after a failed commit. */
void	server_rebuild_engine(void);
/* Try the commit again in a second (commits are failing). */
void	server_arm_retry(void);
/* A numeric IPv4 or IPv6 address and port; 0, or -1 if not numeric. */
int	server_sockaddr(const char *host, int port, struct sockaddr_storage *,
	    int *len);

#endif
