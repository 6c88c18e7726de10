/*
 * http.c: monitoring over HTTP with libevent's evhttp, on the loop's own
 * event_base and thread: GET /metrics, /healthz, /readyz. Requests are
 * small and bounded (headers, body, time), answered in one callback from
 * memory, so a scrape never waits on anything and never stalls the loop.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>

#include "http.h"
#include "journal.h"
#include "log.h"
#include "metrics.h"
#include "server.h"
#include "store.h"

#define HTTP_MAX_HEADERS	8192	/* bytes of request line and headers */
#define HTTP_MAX_BODY		1024	/* GET needs none */
#define HTTP_TIMEOUT		10	/* s: a client that stalls is dropped */

static struct evhttp		*http;
static struct evconnlistener	*http_listener;
static struct event		*http_retry;
static int			 http_bound_port;

int
http_port(void)
{
	return (http_bound_port);
}

/* Ready: recovered, not stopping, the last commit went through, and the
 * database file still writable. Otherwise why, for the 503 body. */
static int
http_ready(char *why, size_t len)
{
	const struct journal_stats	*js = journal_stats(server.journal);

	if (!server.ready) {
		snprintf(why, len, "recovery not finished");
		return (0);
	}
	if (server.shutdown) {
		snprintf(why, len, "shutting down");
		return (0);
	}
	if (js->last_failed) {
		snprintf(why, len, "last commit failed: %s", js->last_error);
		return (0);
	}
	if (access(store_path(server.store), W_OK) != 0) {
		snprintf(why, len, "database %s not writable: %s",
		    store_path(server.store), strerror(errno));
		return (0);
	}
	return (1);
}

static void
http_metrics(struct evhttp_request *req, struct evbuffer *body)
{
	struct buf	b;

	buf_init(&b);
	metrics_prometheus(&b);
	evbuffer_add(body, b.data, b.len);
	buf_free(&b);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "text/plain; version=0.0.4; charset=utf-8");
}

static void
http_request_cb(struct evhttp_request *req, void *arg)
{
	const struct evhttp_uri	*uri = evhttp_request_get_evhttp_uri(req);
	const char		*path = uri != NULL ? evhttp_uri_get_path(uri) :
				    NULL;
	enum evhttp_cmd_type	 m = evhttp_request_get_command(req);
	struct evkeyvalq	*out = evhttp_request_get_output_headers(req);
	struct evbuffer		*body;
	char			 why[512];
	int			 code = HTTP_OK;
	const char		*reason = "OK";

	if ((body = evbuffer_new()) == NULL) {
		evhttp_send_error(req, HTTP_INTERNAL, NULL);
		return;
	}
	if (path == NULL || (strcmp(path, "/metrics") != 0 &&
	    strcmp(path, "/healthz") != 0 && strcmp(path, "/readyz") != 0)) {
		code = HTTP_NOTFOUND;
		reason = "Not Found";
		evbuffer_add_printf(body, "not found; try /metrics, /healthz "
		    "or /readyz\n");
	} else if (m != EVHTTP_REQ_GET && m != EVHTTP_REQ_HEAD) {
		code = 405;
		reason = "Method Not Allowed";
		evhttp_add_header(out, "Allow", "GET, HEAD");
		evbuffer_add_printf(body, "method not allowed; use GET\n");
	} else if (strcmp(path, "/metrics") == 0)
		http_metrics(req, body);
	else if (strcmp(path, "/healthz") == 0)
		evbuffer_add_printf(body, "ok\n");
	else if (http_ready(why, sizeof why))
		evbuffer_add_printf(body, "ready\n");
	else {
		code = HTTP_SERVUNAVAIL;
		reason = "Service Unavailable";
		evbuffer_add_printf(body, "not ready: %s\n", why);
	}
	if (evhttp_find_header(out, "Content-Type") == NULL)
		evhttp_add_header(out, "Content-Type",
		    "text/plain; charset=utf-8");
	evhttp_add_header(out, "Cache-Control", "no-store");
	evhttp_send_reply(req, code, reason, body);
	evbuffer_free(body);
}

static void
http_accept_retry(evutil_socket_t fd, short what, void *arg)
{
	if (http_listener != NULL)
		evconnlistener_enable(http_listener);
}

/* Out of descriptors: stop accepting for a second instead of spinning. */
static void
http_accept_error(struct evconnlistener *l, void *arg)
{
	struct timeval	tv = { 1, 0 };
	int		err = EVUTIL_SOCKET_ERROR();

	log_warnx("http accept: %s; pausing accepts for 1 s",
	    evutil_socket_error_to_string(err));
	server.stats.accept_pauses++;
	evconnlistener_disable(l);
	evtimer_add(http_retry, &tv);
}

/* Tests and scripts that asked for port 0 learn the port here. */
static void
http_write_port(void)
{
	char	 path[600];
	FILE	*fp;

	snprintf(path, sizeof path, "%s/hotline.http_port",
	    server.cfg.data_dir);
	if ((fp = fopen(path, "w")) != NULL) {
		fprintf(fp, "%d\n", http_bound_port);
		fclose(fp);
	}
}

int
http_start(char *err, size_t errlen)
{
	const struct config	*cfg = &server.cfg;
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof ss;
	int			 sslen;

	if (!cfg->http_enabled)
		return (0);
	if (server_sockaddr(cfg->http_bind, cfg->http_port, &ss, &sslen) != 0) {
		snprintf(err, errlen, "bad [http] bind address '%s' (a numeric "
		    "IPv4 or IPv6 address)", cfg->http_bind);
		return (-1);
	}
	http_listener = evconnlistener_new_bind(server.base, NULL, NULL,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_EXEC,
	    128, (struct sockaddr *)&ss, sslen);
	/* Monitoring is not worth refusing calls for: a port taken by
	 * someone else is said loudly, and the daemon serves without it. */
	if (http_listener == NULL) {
		log_warnx("cannot listen for HTTP on %s port %d: %s; running "
		    "without /metrics, /healthz and /readyz (set [http] port, "
		    "or enabled = no)", cfg->http_bind, cfg->http_port,
		    strerror(errno));
		return (0);
	}
	if ((http = evhttp_new(server.base)) == NULL ||
	    evhttp_bind_listener(http, http_listener) == NULL) {
		snprintf(err, errlen, "cannot start the HTTP server");
		if (http != NULL)
			evhttp_free(http);
		else
			evconnlistener_free(http_listener);
		http = NULL;
		http_listener = NULL;
		return (-1);
	}
	/* Every method reaches the callback, which answers 405 itself. */
	evhttp_set_allowed_methods(http, EVHTTP_REQ_GET | EVHTTP_REQ_POST |
	    EVHTTP_REQ_HEAD | EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
	    EVHTTP_REQ_OPTIONS | EVHTTP_REQ_TRACE | EVHTTP_REQ_CONNECT |
	    EVHTTP_REQ_PATCH);
	evhttp_set_max_headers_size(http, HTTP_MAX_HEADERS);
	evhttp_set_max_body_size(http, HTTP_MAX_BODY);
	evhttp_set_timeout(http, HTTP_TIMEOUT);
	evhttp_set_gencb(http, http_request_cb, NULL);
	http_retry = evtimer_new(server.base, http_accept_retry, NULL);
	evconnlistener_set_error_cb(http_listener, http_accept_error);

	getsockname(evconnlistener_get_fd(http_listener),
	    (struct sockaddr *)&ss, &len);
	http_bound_port = ntohs(ss.ss_family == AF_INET6 ?
	    ((struct sockaddr_in6 *)&ss)->sin6_port :
	    ((struct sockaddr_in *)&ss)->sin_port);
	log_info("HTTP (/metrics, /healthz, /readyz) on %s port %d",
	    cfg->http_bind, http_bound_port);
	http_write_port();
	return (0);
}

void
http_stop(void)
{
	if (http != NULL)
		evhttp_free(http);	/* its listener and connections too */
	if (http_retry != NULL)
		event_free(http_retry);
	http = NULL;
	http_listener = NULL;
	http_retry = NULL;
	http_bound_port = 0;
}
