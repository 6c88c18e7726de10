/*
 * metrics.h: the daemon's figures, read live at the moment they are asked
 * for: the Prometheus text exposition (format 0.0.4) that GET /metrics
 * serves, and the INFO sections commandstats and metrics.
 */
#ifndef HOTLINE_METRICS_H
#define HOTLINE_METRICS_H

#include "buf.h"

/* Append the whole exposition (HELP, TYPE and samples of every family). */
void	metrics_prometheus(struct buf *);
/* INFO sections, "key:value\r\n" lines after their "# Title" line. */
void	metrics_info_commandstats(struct buf *);
void	metrics_info_metrics(struct buf *);
/* The q-quantile (0..1) of the journal commit latency, in seconds, by
 * linear interpolation inside its bucket (as histogram_quantile does);
 * 0 before any commit. */
double	metrics_commit_quantile(double q);
/* Connections in publish/subscribe mode (INFO and /metrics). */
size_t	metrics_subscribers(void);

#endif
