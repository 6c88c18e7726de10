#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "cmd.h"
#include "conn.h"
#include "journal.h"
#include "json.h"
#include "log.h"
#include "server.h"
#include "text.h"
#include "xmalloc.h"

/*
 * Client-supplied text as the log shows it (text_escape): the record is
 * read back by AUDIT and consoles, where a control character or an
 * escape sequence would act on the reader's terminal. Returns buf, or a
 * copy to free when s needs more room.
 */
static char *
audit_escape(const char *s, char *buf, size_t size)
{
	char	*e = buf;
	size_t	 len = strlen(s);

	if (len * 4 >= size)
		e = xmalloc(len * 4 + 1);
	text_escape(e, len * 4 + 1, s, len);
	return (e);
}

static void
audit_add_text(struct json *w, const char *key, const char *s)
{
	char	buf[1024], *e = audit_escape(s, buf, sizeof buf);

	json_str(w, key, e);
	if (e != buf)
		free(e);
}

static void
audit_emit(struct conn *c, enum event_type type, const char *actor,
    struct json *w)
{
	struct engine_event	ev;

	engine_event_init(&ev, type, server_now(), actor);
	ev.data = json_end(w);
	journal_emit(server.journal, &ev);
}

static void
audit_begin(struct json *w, struct buf *b, struct conn *c)
{
	char	host[128];

	conn_host(c, host, sizeof host);
	json_begin(w, b);
	json_str(w, "addr", host);
}

void
audit_login(struct conn *c, const char *user, int ok, const char *why)
{
	struct buf	 b;
	struct json	 w;
	char		 buf[1024], *name = audit_escape(user, buf, sizeof buf);

	buf_init(&b);
	audit_begin(&w, &b, c);
	json_str(&w, "user", name);
	if (!ok)
		audit_add_text(&w, "why", why);
	audit_emit(c, ok ? EV_AUDIT_LOGIN : EV_AUDIT_LOGIN_FAILED, name, &w);
	buf_free(&b);
	if (name != buf)
		free(name);
}

/*
 * The command and its first argument (an id or a name) only: arguments
 * further on may be passwords or personal data.
 */
void
audit_command(struct conn *c, const struct cmd_args *a, int ok)
{
	struct buf	b;
	struct json	w;
	char		words[256];
	int		i;

	words[0] = '\0';
	for (i = 0; i < a->argc && i < 3; i++) {
		/* AGENT PASSWD/ADD <name> <password>: stop before it. */
		snprintf(words + strlen(words), sizeof words - strlen(words),
		    "%s%.64s", i ? " " : "", a->argv[i]);
	}
	buf_init(&b);
	audit_begin(&w, &b, c);
	json_str(&w, "role", role_name(c->role));
	audit_add_text(&w, "command", words);
	json_bool(&w, "ok", ok);
	audit_emit(c, EV_AUDIT_COMMAND, c->user, &w);
	buf_free(&b);
}
