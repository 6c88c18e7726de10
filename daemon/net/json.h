/* json.h: just enough JSON writing for attributes and pub/sub payloads. */
#ifndef HOTLINE_JSON_H
#define HOTLINE_JSON_H

#include "engine.h"
#include "resp.h"

/* Append s as a quoted JSON string, escaping as RFC 8259 requires. */
void	json_add_string(struct buf *, const char *);
/* {"k":"v",...} from parallel key/value arrays. */
void	json_add_attrs(struct buf *, const struct attr *, int);

#endif
