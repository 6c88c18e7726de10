/*
 * erlang.c: Erlang C in closed form; Erlang A from the birth-death chain
 * of M/M/n+M (truncated where its tail is negligible), with the waiting
 * time of a caller who finds j others waiting integrated numerically.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "erlang.h"
#include "xmalloc.h"

#define TAIL_EPSILON	1e-14	/* chain truncated below this weight */
#define RESCALE_ABOVE	1e250	/* weights rescaled to stay finite */
#define RK_STEPS_MIN	400
#define RK_RATE_STEP	0.5	/* largest rate x dt of an RK4 step */

/* Erlang B by its stable recursion, then C from B. */
static double
erlang_pwait_c(int n, double a)
{
	double	b = 1.0;
	int	k;

	if (n <= 0 || a >= n)
		return (1.0);
	for (k = 1; k <= n; k++)
		b = a * b / (k + a * b);
	return (n * b / (n - a * (1.0 - b)));
}

void
erlang_c(int n, double lambda, double aht, double t, struct erlang *out)
{
	double	a = lambda * aht, c;

	memset(out, 0, sizeof *out);
	if (lambda <= 0) {
		out->sl = 1.0;
		return;
	}
	if (n <= a) {
		out->pwait = 1.0;
		out->asa = INFINITY;
		return;
	}
	c = erlang_pwait_c(n, a);
	out->pwait = c;
	out->sl = 1.0 - c * exp(-(n - a) * t / aht);
	out->asa = c * aht / (n - a);
}

/*
 * g[j] = P(answered within t | j callers ahead in the queue): from j, the
 * one ahead leaves at rate n mu + j theta (answered or gone), the caller
 * at theta: g_j' = r_j (g_{j-1} - g_j) - theta g_j, g_{-1} = 1, g(0) = 0.
 */
static void
erlang_a_within(int n, double mu, double theta, double t, double *g,
    int len)
{
	double	*k1, *k2, *k3, *k4, *tmp, dt, rmax;
	int	 steps, s, j, stage;

	rmax = n * mu + len * theta + theta;
	steps = (int)ceil(t * rmax / RK_RATE_STEP);
	if (steps < RK_STEPS_MIN)
		steps = RK_STEPS_MIN;
	dt = t / steps;
	k1 = xcalloc((size_t)len * 5, sizeof *k1);
	k2 = k1 + len;
	k3 = k2 + len;
	k4 = k3 + len;
	tmp = k4 + len;
	memset(g, 0, (size_t)len * sizeof *g);
	for (s = 0; s < steps; s++) {
		double	*kk[4] = { k1, k2, k3, k4 };
		double	 w[4] = { 0.0, 0.5, 0.5, 1.0 };

		for (stage = 0; stage < 4; stage++) {
			for (j = 0; j < len; j++)
				tmp[j] = stage == 0 ? g[j] :
				    g[j] + w[stage] * dt * kk[stage - 1][j];
			for (j = 0; j < len; j++) {
				double	prev = j == 0 ? 1.0 : tmp[j - 1];
				double	r = n * mu + j * theta;

				kk[stage][j] = r * (prev - tmp[j]) -
				    theta * tmp[j];
			}
		}
		for (j = 0; j < len; j++)
			g[j] += dt / 6.0 * (k1[j] + 2 * k2[j] + 2 * k3[j] +
			    k4[j]);
	}
	free(k1);
}

void
erlang_a(int n, double lambda, double aht, double patience, double t,
    struct erlang *out)
{
	double	 mu = 1.0 / aht, theta, *w = NULL, sum = 0, lq = 0, sl = 0;
	double	 ps, h, r, waitq = 0, served_wait = 0;
	int	 k, cap = 0, len, j;

	if (patience <= 0) {
		erlang_c(n, lambda, aht, t, out);
		return;
	}
	memset(out, 0, sizeof *out);
	if (lambda <= 0) {
		out->sl = 1.0;
		return;
	}
	theta = 1.0 / patience;
	/* stationary weights of 0, 1, ... callers in the system */
	for (k = 0;; k++) {
		double	wk;

		if (k == cap) {
			cap = cap ? cap * 2 : 256;
			w = xreallocarray(w, (size_t)cap, sizeof *w);
		}
		if (k == 0)
			wk = 1.0;
		else if (k <= n)
			wk = w[k - 1] * lambda / (k * mu);
		else
			wk = w[k - 1] * lambda / (n * mu + (k - n) * theta);
		w[k] = wk;
		sum += wk;
		if (sum > RESCALE_ABOVE) {
			for (j = 0; j <= k; j++)
				w[j] /= sum;
			sum = 1.0;
		}
		if (k > n && w[k] < TAIL_EPSILON * sum)
			break;
	}
	len = k - n;		/* waiting positions 0 .. len-1 */
	for (j = 0; j <= k; j++)
		w[j] /= sum;
	for (j = 0; j < n && j <= k; j++)
		sl += w[j];
	for (j = n; j <= k; j++)
		lq += (j - n) * w[j];
	out->pwait = 1.0 - sl;
	out->abandon = theta * lq / lambda;
	if (len > 0) {
		double	*g = xcalloc((size_t)len, sizeof *g);

		erlang_a_within(n, mu, theta, t, g, len);
		for (j = 0; j < len; j++)
			sl += w[n + j] * g[j];
		free(g);
	}
	out->sl = sl;
	/* E[wait; answered] from j ahead, exactly: each stage lasts
	 * Exp(r_j + theta), independent of how it ends */
	ps = 1.0;
	h = 0.0;
	for (j = 0; j < len; j++) {
		r = n * mu + j * theta;
		ps *= r / (r + theta);
		h = ps / (r + theta) + r / (r + theta) * h;
		waitq += w[n + j] * h;
	}
	served_wait = 1.0 - out->abandon;
	out->asa = served_wait > 0 ? waitq / served_wait : INFINITY;
	free(w);
}

int
erlang_c_agents(double lambda, double aht, double t, double target)
{
	struct erlang	e;
	int		n;

	if (lambda <= 0)
		return (0);
	for (n = (int)floor(lambda * aht) + 1; n <= ERLANG_MAX_AGENTS; n++) {
		erlang_c(n, lambda, aht, t, &e);
		if (e.sl >= target)
			return (n);
	}
	return (-1);
}

int
erlang_a_agents(double lambda, double aht, double patience, double t,
    double target)
{
	struct erlang	e;
	int		lo = 1, hi, mid;

	if (lambda <= 0)
		return (0);
	hi = erlang_c_agents(lambda, aht, t, target);
	if (patience <= 0 || hi < 0)
		return (hi);
	/* Erlang A never needs more than Erlang C (abandons relieve the
	 * queue) and its service level grows with n: bisect below it */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		erlang_a(mid, lambda, aht, patience, t, &e);
		if (e.sl >= target)
			hi = mid;
		else
			lo = mid + 1;
	}
	return (hi);
}
