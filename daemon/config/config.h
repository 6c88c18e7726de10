/*
 * config.h: hotline.conf, an INI file: [server], [http], [limits],
 * [routing], [insight], [retention], [tier NAME] (lowest first),
 * [queue NAME], [followup NAME], [user NAME] and [cluster] sections.
 */
#ifndef HOTLINE_CONFIG_H
#define HOTLINE_CONFIG_H

#include <stddef.h>

#include "calendar.h"
#include "engine.h"
#include "log.h"
#include "tzfile.h"

#define CONFIG_MAX_TIERS	16
#define CONFIG_MAX_QUEUES	256
#define CONFIG_MAX_USERS	256
#define CONFIG_MAX_CALENDARS	32
#define CONFIG_MAX_SLAS		128
#define CONFIG_ERRMAX		512

enum durability {
	DURABILITY_NORMAL,	/* WAL, synchronous=NORMAL: survives a process crash */
	DURABILITY_FULL		/* WAL, synchronous=FULL: survives power loss */
};

/* A user defined in the config file: created at start if absent. */
struct config_user {
	char			name[ENGINE_NAME_MAX];
	int			role;
	char			password_hash[256];
	struct skill		skills[ENGINE_MAX_SKILLS];
	int			nskills;
	char			groups[ENGINE_MAX_GROUPS][ENGINE_NAME_MAX];
	int			ngroups;
	int			capacity;
};

/*
 * [cluster]: replication through NATS JetStream (daemon/cluster/,
 * docs/CLUSTER.md). Names go into NATS subjects, stream and bucket names:
 * letters, digits, '-' and '_' only.
 */
#define CLUSTER_NAME_MAX	64
struct cluster_config {
	int			enabled;	/* the file has [cluster] */
	char			nats[1024];	/* URLs, comma-separated */
	char			name[CLUSTER_NAME_MAX];	/* the cluster */
	char			node[CLUSTER_NAME_MAX];	/* this node */
	char			advertise[256];	/* host:port for clients */
	hl_ms			lease;		/* the leader's lease */
	int			replicas;	/* of the stream and bucket */
	char			credentials[512];	/* NATS .creds file */
	char			tls_ca[512];
	char			tls_cert[512];
	char			tls_key[512];
};

struct config {
	char			path[1024];

	/* [server] */
	char			bind[256];
	int			port;		/* 0: no TCP listener */
	char			unixsocket[512];	/* "": none */
	char			data_dir[512];
	enum durability		durability;
	enum log_level		log_level;
	char			log_file[512];
	char			pidfile[512];
	int			daemonize;
	int			protected_mode;	/* refuse open unsafe setups */

	/* [http]: /metrics, /healthz, /readyz (daemon/net/http.c) */
	int			http_enabled;
	char			http_bind[256];
	int			http_port;	/* 0: the system picks one */

	/* [auth]: password guesses (daemon/security/throttle.c) and the hashing
	 * threads (daemon/security/hasher.c) */
	hl_ms			auth_fail_delay;
	hl_ms			auth_fail_delay_max;
	int			auth_lock_after;	/* per (address, user) */
	int			auth_address_lock_after;	/* per address */
	hl_ms			auth_lock_time;
	int			auth_hash_threads;	/* 0: one per core */
	size_t			auth_hash_queue;	/* jobs waiting */
	size_t			auth_hash_queue_per_address;
	/* session tokens (daemon/security/session.h): SESSION NEW's default lifetime
	 * and the longest it grants (the default is cut to it) */
	hl_ms			session_ttl;
	hl_ms			session_ttl_max;

	/* [limits] */
	size_t			max_clients;
	size_t			max_inline;
	size_t			max_args;
	size_t			max_bulk;
	size_t			output_limit;	/* bytes queued per connection */
	size_t			pubsub_output_limit;
	hl_ms			idle_timeout;	/* 0: never */
	hl_ms			request_timeout; /* a started command; 0: none */
	hl_ms			auth_timeout;	/* AUTH after connect; 0: none */
	size_t			max_unauth_per_addr;	/* 0: no cap */
	size_t			max_subscriptions;	/* per connection */
	size_t			preauth_max_bytes;	/* a command before AUTH */
	size_t			preauth_max_args;

	/* [routing] */
	hl_ms			reject_cooldown;
	hl_ms			short_abandon;	/* not counted against SL */

	/* [agents] */
	hl_ms			reconnect_grace; /* 0: logout at once */

	/* [insight] */
	hl_ms			repeat_window;	/* 0: no repeat contacts */
	char			complaints_queue[ENGINE_NAME_MAX];
	int			complaints_queue_set;	/* given in the file */
	/* [followup NAME], in file order (the first match wins) */
	struct followup_rule	followups[ENGINE_MAX_FOLLOWUPS];
	int			nfollowups;
	/* [retention]: closed tickets pruned (daemon/store/retention.c) */
	hl_ms			retention_keep;		/* 0: keep all */
	int			retention_batch;	/* tickets per batch */
	hl_ms			retention_interval;

	struct tier_def		tiers[CONFIG_MAX_TIERS];
	int			ntiers;
	struct queue_def	queues[CONFIG_MAX_QUEUES];
	int			nqueues;
	struct config_user	users[CONFIG_MAX_USERS];
	int			nusers;

	/* [calendar NAME]: zones[i] is calendars[i]'s time zone, owned here
	 * (config_free) and borrowed by the calendar and the engine. */
	struct calendar		calendars[CONFIG_MAX_CALENDARS];
	struct tzfile_zone	zones[CONFIG_MAX_CALENDARS];
	int			ncalendars;
	/* [sla TIER] and [sla TIER QUEUE] */
	struct sla_policy	slas[CONFIG_MAX_SLAS];
	unsigned		sla_set[CONFIG_MAX_SLAS];	/* SLA_SET_* */
	int			nslas;

	struct cluster_config	cluster;
};

/* Fields an [sla T Q] section gave; the others come from [sla T]. */
#define SLA_SET_ANSWER	0x1
#define SLA_SET_RESOLVE	0x2
#define SLA_SET_WARNING	0x4
#define SLA_SET_STEPS	0x8

void	config_defaults(struct config *);
/* Free what a loaded configuration owns (time zones); cfg stays valid
 * only for scalar use afterwards. */
void	config_free(struct config *);
/* Parse path into cfg (after defaults); on error "file:line: reason". */
int	config_load(struct config *, const char *path, char *err, size_t);
int	config_load_string(struct config *, const char *name, const char *text,
	    char *err, size_t);
void	config_engine(const struct config *, struct engine_config *);

/* Value parsers shared with the command handlers. */
int	config_parse_duration(const char *, hl_ms *);	/* 250ms 20s 5m 1h */
int	config_parse_size(const char *, size_t *);	/* 64kb 1mb 1gb */
int	config_parse_bool(const char *, int *);
int	config_parse_skills(const char *, struct skill *, int max, int *n);
/* "a, b, c": names (groups, tiers, dispositions); -1 on a bad or surplus one. */
int	config_parse_groups(const char *, char (*)[ENGINE_NAME_MAX], int max,
	    int *n);
int	config_parse_ladder(const char *, struct ladder_step *, int max,
	    int *n, char *err, size_t);
/* "answer 50% notify", "resolve 2h boost 50, page", "answer 150% overflow q" */
int	config_parse_sla_step(const char *, struct sla_step *, char *err,
	    size_t);

#endif
