/*
 * login_load: the client side of bench/login. While --flood threads send
 * bogus logins from one address (--flood-from, default 127.0.0.1), as
 * fast as they can, each on a new connection: connect, "AUTH nosuch<k>
 * wrong", close without waiting for the answer, one user measures its own
 * logins from another address (--login-from, default 127.0.0.2): connect,
 * AUTH --user --password, wait for +OK, close, every --interval-ms, for
 * --duration seconds (no flood with --flood 0: the baseline). The time of
 * a login runs from before connect() to the +OK. It samples the resident
 * memory of --pid at each login.
 *
 * With --info, it logs in once from --login-from and prints INFO stats
 * instead (the flooded address may well be locked by then).
 *
 * Prints one "login <ms>" line per login and a last line
 * "result logins=N ok=K p50_ms= p99_ms= max_ms= flood_attempts=
 *  flood_per_s= flood_errors= rss_first_kb= rss_max_kb=".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "xmalloc.h"

static struct {
	const char	*host;
	int		 port;
	int		 flood;
	const char	*flood_from;
	const char	*login_from;
	const char	*user;
	const char	*password;
	double		 duration;
	int		 interval_ms;
	int		 pid;
	int		 info;
} opt = { "127.0.0.1", 0, 4, "127.0.0.1", "127.0.0.2", NULL, NULL, 5.0,
    100, 0, 0 };

static atomic_int	stop;
static atomic_long	flood_attempts, flood_errors;

static double
now_s(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec + ts.tv_nsec / 1e9);
}

/* A connection to the daemon from source address from; -1 on error. */
static int
dial(const char *from)
{
	struct sockaddr_in	src, dst;
	int			fd, one = 1;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		return (-1);
	memset(&src, 0, sizeof src);
	src.sin_family = AF_INET;
	memset(&dst, 0, sizeof dst);
	dst.sin_family = AF_INET;
	dst.sin_port = htons((uint16_t)opt.port);
	if (inet_pton(AF_INET, from, &src.sin_addr) != 1 ||
	    inet_pton(AF_INET, opt.host, &dst.sin_addr) != 1 ||
	    bind(fd, (struct sockaddr *)&src, sizeof src) != 0 ||
	    connect(fd, (struct sockaddr *)&dst, sizeof dst) != 0) {
		close(fd);
		return (-1);
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	return (fd);
}

static void *
flood_main(void *arg)
{
	char	buf[128];
	long	k = (long)(intptr_t)arg * 100000000L;
	int	fd, n;

	while (!atomic_load(&stop)) {
		if ((fd = dial(opt.flood_from)) < 0) {
			atomic_fetch_add(&flood_errors, 1);
			usleep(1000);
			continue;
		}
		n = snprintf(buf, sizeof buf, "AUTH nosuch%ld wrong\r\n", k++);
		if (write(fd, buf, (size_t)n) != n)
			atomic_fetch_add(&flood_errors, 1);
		else
			atomic_fetch_add(&flood_attempts, 1);
		close(fd);
	}
	return (NULL);
}

static long
rss_kb(int pid)
{
	char	path[64], line[256];
	FILE	*fp;
	long	kb = -1;

	if (pid <= 0)
		return (-1);
	snprintf(path, sizeof path, "/proc/%d/status", pid);
	if ((fp = fopen(path, "r")) == NULL)
		return (-1);
	while (fgets(line, sizeof line, fp) != NULL)
		if (sscanf(line, "VmRSS: %ld", &kb) == 1)
			break;
	fclose(fp);
	return (kb);
}

/* Reads into buf until it holds marker or the peer closes; bytes read. */
static size_t
read_until(int fd, char *buf, size_t cap, const char *marker)
{
	size_t	got = 0;
	ssize_t	n;

	buf[0] = '\0';
	while (got < cap - 1 && strstr(buf, marker) == NULL) {
		if ((n = read(fd, buf + got, cap - 1 - got)) <= 0)
			break;
		got += (size_t)n;
		buf[got] = '\0';
	}
	return (got);
}

static int
send_auth(int fd)
{
	char	req[2048];
	int	n;

	n = snprintf(req, sizeof req, "*3\r\n$4\r\nAUTH\r\n$%zu\r\n%s\r\n"
	    "$%zu\r\n%s\r\n", strlen(opt.user), opt.user,
	    strlen(opt.password), opt.password);
	return (write(fd, req, (size_t)n) == n ? 0 : -1);
}

/* INFO stats, printed as the daemon sends it. */
static int
info(void)
{
	static char	buf[65536];
	struct timeval	tv = { 30, 0 };
	int		fd;

	if ((fd = dial(opt.login_from)) < 0)
		return (1);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	if (send_auth(fd) != 0)
		return (1);
	read_until(fd, buf, sizeof buf, "\r\n");
	if (strncmp(buf, "+OK", 3) != 0 ||
	    write(fd, "INFO stats\r\n", 12) != 12)
		return (1);
	read_until(fd, buf, sizeof buf, "\r\n\r\n");
	fputs(buf, stdout);
	close(fd);
	return (0);
}

/* One login; its time in ms, or -1 if it failed (reason on stderr). */
static double
login(void)
{
	char	rep[256];
	double	t0 = now_s();
	int	fd;

	struct timeval	tv = { 30, 0 };

	if ((fd = dial(opt.login_from)) < 0) {
		fprintf(stderr, "login_load: connect: %s\n", strerror(errno));
		return (-1);
	}
	/* A daemon that never answers is a result, not a hang. */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	if (send_auth(fd) != 0) {
		close(fd);
		return (-1);
	}
	read_until(fd, rep, sizeof rep, "\r\n");
	close(fd);
	if (strncmp(rep, "+OK", 3) != 0) {
		fprintf(stderr, "login_load: AUTH answered %.80s\n", rep);
		return (-1);
	}
	return ((now_s() - t0) * 1000);
}

static int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return (x < y ? -1 : x > y);
}

static double
quantile(const double *v, int n, double q)
{
	int	i;

	if (n == 0)
		return (0);
	i = (int)(q * n + 0.999999) - 1;
	if (i < 0)
		i = 0;
	if (i >= n)
		i = n - 1;
	return (v[i]);
}

static void
usage(void)
{
	fprintf(stderr, "usage: login_load --port P --user U --password PW "
	    "[--flood T] [--duration S] [--info]\n"
	    "                  [--interval-ms MS] [--pid PID] "
	    "[--flood-from ADDR] [--login-from ADDR]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "port", required_argument, NULL, 'p' },
		{ "flood", required_argument, NULL, 'f' },
		{ "flood-from", required_argument, NULL, 'F' },
		{ "login-from", required_argument, NULL, 'L' },
		{ "user", required_argument, NULL, 'u' },
		{ "password", required_argument, NULL, 'w' },
		{ "duration", required_argument, NULL, 'd' },
		{ "interval-ms", required_argument, NULL, 'i' },
		{ "pid", required_argument, NULL, 'P' },
		{ "info", no_argument, NULL, 'I' },
		{ NULL, 0, NULL, 0 }
	};
	pthread_t	*threads;
	double		*lat, t_flood, t_start, t_end, ms;
	int		 ch, i, n = 0, ok = 0, cap;
	long		 rss, rss_first = -1, rss_max = -1;

	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'p': opt.port = atoi(optarg); break;
		case 'f': opt.flood = atoi(optarg); break;
		case 'F': opt.flood_from = optarg; break;
		case 'L': opt.login_from = optarg; break;
		case 'u': opt.user = optarg; break;
		case 'w': opt.password = optarg; break;
		case 'd': opt.duration = atof(optarg); break;
		case 'i': opt.interval_ms = atoi(optarg); break;
		case 'P': opt.pid = atoi(optarg); break;
		case 'I': opt.info = 1; break;
		default: usage();
		}
	}
	if (opt.port <= 0 || opt.user == NULL || opt.password == NULL ||
	    opt.flood < 0 || opt.duration <= 0 || opt.interval_ms < 0)
		usage();
	if (opt.info)
		return (info());
	cap = (int)(opt.duration * 1000 / (opt.interval_ms + 1)) + 16;
	lat = xcalloc((size_t)cap, sizeof *lat);
	threads = xcalloc((size_t)opt.flood + 1, sizeof *threads);
	t_flood = now_s();
	for (i = 0; i < opt.flood; i++)
		if (pthread_create(&threads[i], NULL, flood_main,
		    (void *)(intptr_t)i) != 0)
			return (1);
	/* Let the flood build up before the first measure. */
	if (opt.flood > 0)
		usleep(300 * 1000);
	t_start = now_s();
	t_end = t_start + opt.duration;
	while (now_s() < t_end && n < cap) {
		ms = login();
		if ((rss = rss_kb(opt.pid)) > 0) {
			if (rss_first < 0)
				rss_first = rss;
			if (rss > rss_max)
				rss_max = rss;
		}
		if (ms >= 0) {
			printf("login %.3f\n", ms);
			lat[ok++] = ms;
		}
		n++;
		usleep((useconds_t)opt.interval_ms * 1000);
	}
	t_end = now_s();
	atomic_store(&stop, 1);
	for (i = 0; i < opt.flood; i++)
		pthread_join(threads[i], NULL);
	qsort(lat, (size_t)ok, sizeof *lat, cmp_double);
	printf("result logins=%d ok=%d p50_ms=%.1f p99_ms=%.1f max_ms=%.1f "
	    "flood_attempts=%ld flood_per_s=%.0f flood_errors=%ld "
	    "rss_first_kb=%ld rss_max_kb=%ld\n", n, ok,
	    quantile(lat, ok, 0.50), quantile(lat, ok, 0.99),
	    ok > 0 ? lat[ok - 1] : 0, atomic_load(&flood_attempts),
	    atomic_load(&flood_attempts) / (t_end - t_flood),
	    atomic_load(&flood_errors), rss_first, rss_max);
	free(lat);
	free(threads);
	return (ok == n && n > 0 ? 0 : 1);
}
