/*
 * agent-complete.c: Tab completion at the desk's prompt (agent-term.c),
 * as readline does it: the whole word and a space when one thing
 * matches, what the matches share when several do, else their list. It
 * completes the desk commands and their arguments (tickets on the desk,
 * queues, agents, break reasons) and the protocol's commands.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <histedit.h>

#include "agent.h"
#include "words.h"
#include "xmalloc.h"

/* Completion: a static list walked by a generator, readline's protocol. */
static const char	**cmpl_list;
static int		  cmpl_n;
static const char	 *cmpl_prefix = "";

static char *
cmpl_generate(const char *text, int state)
{
	static int	i;
	size_t		plen = strlen(cmpl_prefix), tlen = strlen(text);
	char		*out;

	if (state == 0)
		i = 0;
	while (i < cmpl_n) {
		const char *s = cmpl_list[i++];

		if (tlen < plen || strncmp(text, cmpl_prefix, plen) != 0 ||
		    strncasecmp(s, text + plen, tlen - plen) != 0)
			continue;
		xasprintf(&out, "%s%s", cmpl_prefix, s);
		return (out);
	}
	return (NULL);
}

/*
 * The matches of text as readline returns them: [0] their longest common
 * prefix, then each match, NULL last; NULL when none. All malloc'd.
 */
static char **
cmpl_matches(const char *text)
{
	char	**m, *s;
	size_t	  n = 1, cap = 16, i, j;

	m = xcalloc(cap, sizeof *m);
	while ((s = cmpl_generate(text, (int)(n - 1))) != NULL) {
		if (n + 1 >= cap) {
			cap *= 2;
			m = xreallocarray(m, cap, sizeof *m);
		}
		m[n++] = s;
	}
	m[n] = NULL;
	if (n == 1) {
		free(m);
		return (NULL);
	}
	m[0] = xstrdup(m[1]);
	for (i = 2; i < n; i++) {
		for (j = 0; m[0][j] != '\0' && m[0][j] == m[i][j]; j++)
			continue;
		m[0][j] = '\0';
	}
	return (m);
}

static char **
cmpl_from(const char *text, const char **list, int n, const char *prefix)
{
	cmpl_list = list;
	cmpl_n = n;
	cmpl_prefix = prefix;
	return (cmpl_matches(text));
}

static char **
cmpl_words(const char *text, const char *const *words)
{
	static const char	*list[64];
	int			 n = 0;

	while (n < 64 && words[n] != NULL) {
		list[n] = words[n];
		n++;
	}
	return (cmpl_from(text, list, n, ""));
}

/* Tickets on the desk, as "#12". */
static char **
cmpl_tickets(struct desk *d, const char *text)
{
	static char	 nums[65][24];
	static const char *list[65];
	int		 i, n = 0;

	if (d->offer.id != 0) {
		snprintf(nums[n], sizeof nums[n], "%llu",
		    (unsigned long long)d->offer.id);
		list[n] = nums[n];
		n++;
	}
	for (i = 0; i < d->nmine && n < 65; i++) {
		snprintf(nums[n], sizeof nums[n], "%llu",
		    (unsigned long long)d->mine[i]);
		list[n] = nums[n];
		n++;
	}
	return (cmpl_from(text, list, n, "#"));
}

/* The distinct first words of the protocol commands, or the second
 * words of those starting with first. */
static char **
cmpl_protocol(struct desk *d, const char *text, const char *first)
{
	static const char	*list[256];
	static char		 words[256][32];
	int			 i, k, n = 0;

	for (i = 0; i < d->ncommands && n < 256; i++) {
		const char	*c = d->commands[i], *sp = strchr(c, ' ');
		size_t		 fl = sp != NULL ? (size_t)(sp - c) : strlen(c);

		if (first == NULL)
			snprintf(words[n], sizeof words[n], "%.*s", (int)fl, c);
		else if (sp != NULL && strlen(first) == fl &&
		    strncasecmp(c, first, fl) == 0)
			snprintf(words[n], sizeof words[n], "%s", sp + 1);
		else
			continue;
		for (k = 0; k < n; k++)
			if (strcmp(words[k], words[n]) == 0)
				break;
		if (k == n) {
			list[n] = words[n];
			n++;
		}
	}
	return (cmpl_from(text, list, n, ""));
}

/* The matches for text, the word that starts at byte start of line. */
static char **
cmpl_complete(struct desk *d, const char *line, const char *text, int start)
{
	static const char *const transfer[] = { "queue", "agent", NULL };
	static const char *const breaks[] = { "lunch", "training", "meeting",
	    "coaching", "personal", NULL };
	static const char *const until[] = { "until", NULL };
	static const char	*names[64];
	const struct desk_cmd	*c;
	struct words		 w;
	char			 err[64], *head, **m = NULL;
	const char		*spec, *prev;
	int			 argi, n = 0;

	head = xstrndup(line, (size_t)start);
	if (words_split(head, &w, err, sizeof err) != 0) {
		free(head);
		return (NULL);
	}
	free(head);
	if (w.argc == 0) {
		for (c = desk_cmds; c->name != NULL && n < 64; c++)
			names[n++] = c->name;
		words_free(&w);
		return (cmpl_from(text, names, n, ""));
	}
	if ((c = desk_cmd_find(w.argv[0])) == NULL) {
		words_free(&w);
		return (NULL);
	}
	argi = w.argc;		/* the word being completed, 1-based */
	if ((c->flags & CMD_TICKET) && (text[0] == '#' ||
	    (argi == 1 && !(c->flags & CMD_FREE_TEXT) && text[0] >= '0' &&
	    text[0] <= '9'))) {
		words_free(&w);
		return (cmpl_tickets(d, text));
	}
	if ((c->flags & CMD_TICKET) && w.argc > 1 && (w.argv[1][0] == '#' ||
	    (w.argv[1][0] >= '0' && w.argv[1][0] <= '9')))
		argi--;
	prev = w.argv[w.argc - 1];
	spec = c->complete;
	if (argi >= 1 && (size_t)argi <= strlen(spec)) switch (spec[argi - 1]) {
	case 'Q':
		m = cmpl_from(text, (const char **)d->queues, d->nqueues, "");
		break;
	case 'X':
		if (argi == 1)
			m = cmpl_words(text, transfer);
		break;
	case 'B':
		m = cmpl_words(text, breaks);
		break;
	case 'U':
		m = cmpl_words(text, until);
		break;
	case 'C':
		for (c = desk_cmds; c->name != NULL && n < 64; c++)
			names[n++] = c->name;
		m = cmpl_from(text, names, n, "");
		break;
	case 'R':
		m = cmpl_protocol(d, text, NULL);
		break;
	}
	/* After transfer's queue/agent, names; after raw's first word, its
	 * subcommands. */
	if (m == NULL && argi == 2 && spec[0] == 'X')
		m = strcasecmp(prev, "queue") == 0 ? cmpl_from(text,
		    (const char **)d->queues, d->nqueues, "") :
		    strcasecmp(prev, "agent") == 0 ? cmpl_from(text,
		    (const char **)d->agents, d->nagents, "") : NULL;
	else if (m == NULL && argi == 2 && spec[0] == 'R')
		m = cmpl_protocol(d, text, prev);
	words_free(&w);
	return (m);
}

static void
cmpl_free(char **m)
{
	size_t	i;

	for (i = 0; m[i] != NULL; i++)
		free(m[i]);
	free(m);
}

/* Several matches and nothing more in common: list them in columns
 * under the line, which is then drawn again below them. */
static void
cmpl_list_show(char **m)
{
	size_t	i, n, w = 0, per, cols = (size_t)term_cols();

	for (n = 1; m[n] != NULL; n++)
		if (strlen(m[n]) > w)
			w = strlen(m[n]);
	w += 2;
	per = cols > w ? cols / w : 1;
	fputs("\n", stdout);
	for (i = 1; i < n; i++)
		printf("%-*s%s", (int)w, m[i], i % per == 0 || i == n - 1 ?
		    "\n" : "");
	fflush(stdout);
}

/* Tab: completes the word before the cursor, as readline would: the
 * whole word and a space when one match, else what they share, else the
 * list. */
unsigned char
cmpl_key(EditLine *el, int ch)
{
	const LineInfo	*li = el_line(el);
	struct desk	*d = NULL;
	const char	*start = li->cursor;
	char		*line, *text, **m;
	unsigned char	 rv = CC_REFRESH;

	while (start > li->buffer && start[-1] != ' ' && start[-1] != '\t')
		start--;
	line = xstrndup(li->buffer, (size_t)(li->lastchar - li->buffer));
	text = xstrndup(start, (size_t)(li->cursor - start));
	el_get(el, EL_CLIENTDATA, &d);
	m = cmpl_complete(d, line, text, (int)(start - li->buffer));
	if (m == NULL)
		rv = CC_REFRESH_BEEP;
	else if (m[2] == NULL || strlen(m[0]) > strlen(text)) {
		el_deletestr(el, (int)term_width(text, text + strlen(text)));
		if (el_insertstr(el, m[0]) == -1 ||
		    (m[2] == NULL && el_insertstr(el, " ") == -1))
			rv = CC_REFRESH_BEEP;
	} else {
		cmpl_list_show(m);
		rv = CC_REDISPLAY;
	}
	if (m != NULL)
		cmpl_free(m);
	free(text);
	free(line);
	return (rv);
}

