/* reply.h: the flat-map shapes of tickets, agents and customers. */
#ifndef HOTLINE_REPLY_H
#define HOTLINE_REPLY_H

#include "engine.h"
#include "resp.h"

/* live: the ticket is in the engine (priority and step are computed). */
void	reply_ticket(struct buf *, const struct ticket *, int live);
void	reply_agent(struct buf *, const struct agent *, hl_ms now);
/* extra: field/value pairs the caller appends after the map. */
void	reply_customer(struct buf *, const struct customer *, size_t extra);

#endif
