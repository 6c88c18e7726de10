/*
 * http.h: the HTTP listener for monitoring, on the loop's event_base:
 * GET /metrics (Prometheus text format), GET /healthz (the process
 * serves) and GET /readyz (recovered and the journal writable).
 */
#ifndef HOTLINE_HTTP_H
#define HOTLINE_HTTP_H

#include <stddef.h>

/*
 * Listen on [http] bind/port unless disabled: 0, or -1 with err for an
 * address that is not numeric. A port that cannot be bound (taken) is
 * logged and the daemon runs without HTTP: monitoring is not worth
 * refusing calls for.
 */
int	http_start(char *err, size_t);
void	http_stop(void);
/* The port bound (the system's pick for port 0); 0 when not listening. */
int	http_port(void);

#endif
