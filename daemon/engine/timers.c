/*
 * timers.c: every engine deadline (offer timeouts, ladder steps, pending
 * until, reject cooldowns, wrap-up ends) in one min-heap keyed by deadline
 * then arming order. The owner keeps the entry's index, so a timer is
 * cancelled or re-armed in O(log n) and the next deadline is O(1).
 */
#include <stdlib.h>

#include "engine_internal.h"

#define TMR_MIN		16

void
tmr_init(struct timers *tm)
{
	tm->v = NULL;
	tm->n = tm->cap = 0;
	tm->seq = 0;
}

void
tmr_free(struct timers *tm)
{
	free(tm->v);
	tmr_init(tm);
}

static bool
tmr_before(const struct tmr_ent *a, const struct tmr_ent *b)
{
	if (a->at != b->at)
		return (a->at < b->at);
	return (a->seq < b->seq);
}

static void
tmr_set(struct timers *tm, uint32_t i, struct tmr_ent e)
{
	tm->v[i] = e;
	*e.idxp = i;
}

static void
tmr_fix(struct timers *tm, uint32_t i)
{
	struct tmr_ent	e = tm->v[i];
	uint32_t	p, c;

	while (i > 0) {
		p = (i - 1) / 2;
		if (!tmr_before(&e, &tm->v[p]))
			break;
		tmr_set(tm, i, tm->v[p]);
		i = p;
	}
	for (;;) {
		c = 2 * i + 1;
		if (c >= tm->n)
			break;
		if (c + 1 < tm->n && tmr_before(&tm->v[c + 1], &tm->v[c]))
			c++;
		if (!tmr_before(&tm->v[c], &e))
			break;
		tmr_set(tm, i, tm->v[c]);
		i = c;
	}
	tmr_set(tm, i, e);
}

/*
 * Arm (or re-arm) the timer whose index lives at *idxp. A re-arm moves the
 * entry from where it is (one sift path, not a removal and an insertion);
 * its new sequence number keeps "due together, fire in arming order".
 */
void
tmr_arm(struct timers *tm, hl_ms at, int kind, void *obj, uint32_t *idxp)
{
	struct tmr_ent	e = { at, tm->seq++, obj, idxp, kind };

	if (*idxp != IDX_NONE) {
		tm->v[*idxp] = e;
		tmr_fix(tm, *idxp);
		return;
	}
	if (tm->n == tm->cap) {
		tm->cap = tm->cap != 0 ? tm->cap * 2 : TMR_MIN;
		tm->v = xreallocarray(tm->v, (size_t)tm->cap, sizeof *tm->v);
	}
	tmr_set(tm, tm->n++, e);
	tmr_fix(tm, tm->n - 1);
}

void
tmr_cancel(struct timers *tm, uint32_t *idxp)
{
	uint32_t	i = *idxp;

	if (i == IDX_NONE)
		return;
	*idxp = IDX_NONE;
	if (i != --tm->n) {
		tmr_set(tm, i, tm->v[tm->n]);
		tmr_fix(tm, i);
	}
	if (tm->cap > TMR_MIN && tm->n < tm->cap / 4) {
		tm->cap /= 2;
		tm->v = xreallocarray(tm->v, (size_t)tm->cap, sizeof *tm->v);
	}
}

hl_ms
tmr_next(const struct timers *tm)
{
	return (tm->n > 0 ? tm->v[0].at : -1);
}

/* Take the earliest timer if it is due; its owner's index is cleared. */
int
tmr_pop_due(struct timers *tm, hl_ms now, struct tmr_ent *out)
{
	if (tm->n == 0 || tm->v[0].at > now)
		return (0);
	*out = tm->v[0];
	tmr_cancel(tm, tm->v[0].idxp);
	return (1);
}
