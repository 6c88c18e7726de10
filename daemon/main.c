/* hotlined: the Hotline contact-centre queueing daemon. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "auth.h"
#include "config.h"
#include "export.h"
#include "log.h"
#include "sdnotify.h"
#include "server.h"
#include "store.h"

/*
 * Two builds of this file, one rule: the hotlined built in the tree
 * (daemon/hotlined, what the README's quick start runs) reads the
 * annotated sample and keeps its data under ./var, both relative to the
 * working directory; the hotlined that make install copies is built with
 * HOTLINE_INSTALLED and the paths configure chose (sysconfdir,
 * localstatedir). Neither guesses where it runs from.
 */
#ifdef HOTLINE_INSTALLED
#define DEFAULT_CONFIG		SYSCONFDIR "/hotline/hotline.conf"
#define DEFAULT_DATA_DIR	LOCALSTATEDIR "/lib/hotline"
#else
#define DEFAULT_CONFIG		"config/hotline.conf"
#define DEFAULT_DATA_DIR	"var"
#endif

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: hotlined [options]\n"
	    "  -c, --config FILE      configuration file (default %s)\n"
	    "  -p, --port N           TCP port (0: pick a free one)\n"
	    "  -s, --unixsocket PATH  unix socket path\n"
	    "  -d, --data-dir DIR     where hotline.db lives (default %s)\n"
	    "  -D, --daemonize        run in the background\n"
	    "  -P, --pidfile FILE     write the process id here\n"
	    "  -l, --log-level LEVEL  error, warn, info or debug\n"
	    "  -t, --check-config     check the configuration and exit\n"
	    "      --hash-password    read a password on stdin, print its hash\n"
	    "      --rotate-key       re-encrypt the data under a new key "
	    "(daemon stopped)\n"
	    "      --export WHAT      CSV of tickets or events to stdout "
	    "(daemon may run)\n"
	    "      --from MS, --to MS the export's range in unix ms "
	    "(default: all)\n"
	    "      --output FILE      write the export there (mode 0600)\n"
	    "      --key FILE         the key file (default "
	    "<data_dir>/hotline.key)\n"
	    "  -v, --version          print the version\n"
	    "  -h, --help             this help\n", DEFAULT_CONFIG,
	    DEFAULT_DATA_DIR);
}

/*
 * For config files: an Argon2id hash of one line read from stdin, every
 * byte of it up to the line end (a NUL inside is part of the password).
 */
static int
hash_password(void)
{
	char		*line = NULL, hash[AUTH_HASH_MAX];
	size_t		 cap = 0, n;
	ssize_t		 got;
	struct termios	 t, saved;
	int		 tty = isatty(STDIN_FILENO), rc = 1;

	if (tty) {
		fprintf(stderr, "password: ");
		tcgetattr(STDIN_FILENO, &saved);
		t = saved;
		t.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSANOW, &t);
	}
	got = getline(&line, &cap, stdin);
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
		fputc('\n', stderr);
	}
	if (got < 0) {
		fprintf(stderr, "hotlined: no password on stdin\n");
		goto out;
	}
	n = (size_t)got;
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		n--;
	if (n == 0)
		fprintf(stderr, "hotlined: empty password\n");
	else if (n > AUTH_PASSWORD_MAX)
		fprintf(stderr, "hotlined: password longer than %d bytes\n",
		    AUTH_PASSWORD_MAX);
	else if (auth_init() != 0 || auth_hash(line, n, hash,
	    sizeof hash) != 0)
		fprintf(stderr, "hotlined: hashing failed\n");
	else {
		printf("%s\n", hash);
		rc = 0;
	}
out:
	if (line != NULL)
		explicit_bzero(line, cap);
	free(line);
	return (rc);
}

/* Offline: the store refuses while a daemon holds the data folder. */
static int
rotate_key(const struct config *cfg)
{
	char	err[STORE_ERRMAX];

	if (store_rotate_key(cfg->data_dir, err) != 0) {
		fprintf(stderr, "hotlined: key rotation failed: %s\n", err);
		return (1);
	}
	printf("%s/hotline.key is a new key and every stored value is "
	    "encrypted with it; back it up now: the old key no longer opens "
	    "this database\n", cfg->data_dir);
	return (0);
}

static int
parse_ms(const char *s, hl_ms *out)
{
	char		*end;
	long long	 v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < 0) {
		fprintf(stderr, "hotlined: bad time '%s' (unix ms)\n", s);
		return (-1);
	}
	*out = v;
	return (0);
}

static void
write_pidfile(const char *path)
{
	FILE	*fp;

	if (*path == '\0')
		return;
	if ((fp = fopen(path, "w")) == NULL)
		fatal("pidfile %s", path);
	fprintf(fp, "%d\n", (int)getpid());
	fclose(fp);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "port", required_argument, NULL, 'p' },
		{ "unixsocket", required_argument, NULL, 's' },
		{ "data-dir", required_argument, NULL, 'd' },
		{ "daemonize", no_argument, NULL, 'D' },
		{ "pidfile", required_argument, NULL, 'P' },
		{ "log-level", required_argument, NULL, 'l' },
		{ "check-config", no_argument, NULL, 't' },
		{ "hash-password", no_argument, NULL, 'H' },
		{ "rotate-key", no_argument, NULL, 'R' },
		{ "export", required_argument, NULL, 'E' },
		{ "from", required_argument, NULL, 'F' },
		{ "to", required_argument, NULL, 'T' },
		{ "output", required_argument, NULL, 'O' },
		{ "key", required_argument, NULL, 'K' },
		{ "version", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static struct config	 cfg;
	const char		*path = DEFAULT_CONFIG;
	const char		*port = NULL, *sock = NULL, *dir = NULL;
	const char		*pidfile = NULL, *level = NULL;
	char			 err[CONFIG_ERRMAX], *end;
	int			 ch, daemonize = 0, check = 0, rotate = 0;
	int			 path_given = 0;
	long			 v = 0;
	struct export_opts	 ex = { NULL, 0, INT64_MAX, NULL, NULL, NULL };

	while ((ch = getopt_long(argc, argv, "c:p:s:d:DP:l:tvh", opts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c': path = optarg; path_given = 1; break;
		case 'p': port = optarg; break;
		case 's': sock = optarg; break;
		case 'd': dir = optarg; break;
		case 'D': daemonize = 1; break;
		case 'P': pidfile = optarg; break;
		case 'l': level = optarg; break;
		case 't': check = 1; break;
		case 'H': return (hash_password());
		case 'R': rotate = 1; break;
		case 'E': ex.what = optarg; break;
		case 'F':
		case 'T':
			if (parse_ms(optarg, ch == 'F' ? &ex.from : &ex.to) != 0)
				return (2);
			break;
		case 'O': ex.output = optarg; break;
		case 'K': ex.key_file = optarg; break;
		case 'v': printf("hotlined %s\n", PACKAGE_VERSION); return (0);
		case 'h': usage(stdout); return (0);
		default: usage(stderr); return (2);
		}
	}
	if (optind != argc) {
		usage(stderr);
		return (2);
	}

	if (port != NULL) {
		errno = 0;
		v = strtol(port, &end, 10);
		if (*port == '\0' || *end != '\0' || errno != 0 || v < 0 ||
		    v > 65535) {
			fprintf(stderr, "hotlined: bad port '%s'\n", port);
			return (2);
		}
	}
	/* An export reads only the data folder (and its key): with
	 * --data-dir and no --config, no configuration file is needed, so
	 * it runs anywhere, on a copy of the folder too. */
	if (ex.what != NULL && dir != NULL && !path_given) {
		ex.data_dir = dir;
		return (export_run(&ex));
	}
	config_defaults(&cfg);
	snprintf(cfg.data_dir, sizeof cfg.data_dir, "%s", DEFAULT_DATA_DIR);
	if (config_load(&cfg, path, err, sizeof err) != 0) {
		fprintf(stderr, "hotlined: %s\n", err);
		if (ex.what != NULL && !path_given)
			fprintf(stderr, "hotlined: --export needs only the data "
			    "folder: give it with --data-dir DIR\n");
		return (1);
	}
	/* Command-line flags override the file. */
	if (port != NULL)
		cfg.port = (int)v;
	if (sock != NULL)
		snprintf(cfg.unixsocket, sizeof cfg.unixsocket, "%s", sock);
	if (dir != NULL)
		snprintf(cfg.data_dir, sizeof cfg.data_dir, "%s", dir);
	if (pidfile != NULL)
		snprintf(cfg.pidfile, sizeof cfg.pidfile, "%s", pidfile);
	if (daemonize)
		cfg.daemonize = 1;
	if (level != NULL && log_level_parse(level, &cfg.log_level) != 0) {
		fprintf(stderr, "hotlined: bad log level '%s'\n", level);
		return (2);
	}
	/* The cluster's pieces exist (daemon/cluster/) but the journal does
	 * not replicate through them yet: running one node while the file
	 * asks for a cluster would mislead, so say so and stop. */
	if (cfg.cluster.enabled) {
		fprintf(stderr, "hotlined: %s: [cluster] is not served yet: "
		    "hotlined runs as one node only (docs/CLUSTER.md)\n", path);
		return (1);
	}
	if (check) {
		printf("%s: OK (%d tiers, %d queues, %d users)\n", path,
		    cfg.ntiers, cfg.nqueues, cfg.nusers);
		return (0);
	}
	if (rotate)
		return (rotate_key(&cfg));
	if (ex.what != NULL) {
		ex.data_dir = cfg.data_dir;
		return (export_run(&ex));
	}

	log_init(cfg.log_level, cfg.log_file);
	log_libevent();
	if (cfg.daemonize && daemon(1, 0) != 0)
		fatal("daemon");
	log_info("hotlined %s starting (config %s, data %s, durability %s)",
	    PACKAGE_VERSION, path, cfg.data_dir,
	    cfg.durability == DURABILITY_FULL ? "full" : "normal");
	if (server_init(path, &cfg) != 0)
		return (1);
	write_pidfile(cfg.pidfile);
	/* Under systemd (Type=notify): listening, recovered, serving. */
	if (sdnotify("READY=1") != 0)
		log_warn("sd_notify READY");
	server_run();
	(void)sdnotify("STOPPING=1");
	server_finish();
	if (cfg.pidfile[0] != '\0')
		unlink(cfg.pidfile);
	return (0);
}
