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
audit_add_text(struct resp_buf *b, const char *s)
{
	char	buf[1024], *e = audit_escape(s, buf, sizeof buf);

	json_add_string(b, e);
	if (e != buf)
		free(e);
}

static void
audit_emit(struct conn *c, enum event_type type, const char *actor,
    struct resp_buf *data)
{
	struct engine_event	ev;

	engine_event_init(&ev, type, server_now(), actor);
	ev.data = data->data;
	journal_emit(server.journal, &ev);
}

static void
audit_begin(struct resp_buf *b, struct conn *c)
{
	char	host[128];

	conn_host(c, host, sizeof host);
	resp_add_raw(b, "{\"addr\":", 8);
	json_add_string(b, host);
}

void
audit_login(struct conn *c, const char *user, int ok, const char *why)
{
	struct resp_buf	 b;
	char		 buf[1024], *name = audit_escape(user, buf, sizeof buf);

	resp_buf_init(&b);
	audit_begin(&b, c);
	resp_add_raw(&b, ",\"user\":", 8);
	json_add_string(&b, name);
	if (!ok) {
		resp_add_raw(&b, ",\"why\":", 7);
		audit_add_text(&b, why);
	}
	resp_add_raw(&b, "}", 2);		/* with the NUL */
	audit_emit(c, ok ? EV_AUDIT_LOGIN : EV_AUDIT_LOGIN_FAILED, name, &b);
	resp_buf_free(&b);
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
	struct resp_buf	b;
	char		words[256];
	int		i;

	words[0] = '\0';
	for (i = 0; i < a->argc && i < 3; i++) {
		/* AGENT PASSWD/ADD <name> <password>: stop before it. */
		snprintf(words + strlen(words), sizeof words - strlen(words),
		    "%s%.64s", i ? " " : "", a->argv[i]);
	}
	resp_buf_init(&b);
	audit_begin(&b, c);
	resp_add_raw(&b, ",\"role\":", 8);
	json_add_string(&b, role_name(c->role));
	resp_add_raw(&b, ",\"command\":", 11);
	audit_add_text(&b, words);
	resp_add_raw(&b, ok ? ",\"ok\":true}" : ",\"ok\":false}",
	    ok ? 12 : 13);			/* with the NUL */
	audit_emit(c, EV_AUDIT_COMMAND, c->user, &b);
	resp_buf_free(&b);
}
