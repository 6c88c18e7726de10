/*
 * resp.h: the RESP2 request parser and reply writer shared by hotlined and
 * the tests. Nothing here touches a socket: bytes are fed in, commands come
 * out; replies are appended to a growable buffer the caller sends.
 */
#ifndef HOTLINE_RESP_H
#define HOTLINE_RESP_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* Defaults as documented in docs/PROTOCOL.md and config/hotline.conf. */
#define RESP_DEFAULT_MAX_INLINE	(64 * 1024)
#define RESP_DEFAULT_MAX_ARGS	1024
#define RESP_DEFAULT_MAX_BULK	(1024 * 1024)

struct resp_limits {
	size_t	max_inline;	/* longest inline line, without CRLF */
	size_t	max_args;	/* most arguments in one command */
	size_t	max_bulk;	/* longest bulk string argument */
};

/* Parse results from resp_parser_next(). */
enum resp_status {
	RESP_ERROR = -1,	/* protocol error: see resp_parser_error() */
	RESP_AGAIN = 0,		/* need more bytes */
	RESP_OK = 1		/* one complete command in *cmd */
};

enum resp_errcode {
	RESP_ERR_NONE = 0,
	RESP_ERR_INLINE_TOO_LONG,	/* inline line over max_inline */
	RESP_ERR_TOO_MANY_ARGS,		/* multibulk count over max_args */
	RESP_ERR_BULK_TOO_LONG,		/* bulk length over max_bulk */
	RESP_ERR_BAD_MULTIBULK,		/* '*' count not a number */
	RESP_ERR_BAD_BULK,		/* '$' length not a number, or missing '$' */
	RESP_ERR_BAD_QUOTES,		/* unbalanced quotes in an inline command */
	RESP_ERR_BAD_CRLF		/* bulk payload not followed by CRLF */
};

/*
 * A parsed command. argv[i] points into the parser's buffer and is
 * NUL-terminated (a bulk argument may also contain NULs: use argvlen).
 * Valid until the next resp_parser_feed() or resp_parser_next() call.
 */
struct resp_cmd {
	int		  argc;
	char		**argv;
	size_t		 *argvlen;
};

struct resp_parser;

struct resp_parser	*resp_parser_new(const struct resp_limits *);
void			 resp_parser_free(struct resp_parser *);
void			 resp_parser_set_limits(struct resp_parser *,
			     const struct resp_limits *);
/* Append bytes; 0 on success, -1 if out of memory. */
int			 resp_parser_feed(struct resp_parser *, const char *,
			     size_t);
/* Next complete command, RESP_AGAIN for more input, or RESP_ERROR. */
int			 resp_parser_next(struct resp_parser *,
			     struct resp_cmd *);
/* After RESP_ERROR: the code and a message such as "too big inline request". */
enum resp_errcode	 resp_parser_errcode(const struct resp_parser *);
const char		*resp_parser_error(const struct resp_parser *);
/* Bytes fed but not yet consumed by a returned command. */
size_t			 resp_parser_pending(const struct resp_parser *);

/*
 * Reply writer: RESP2 appended to a byte buffer (lib/buf.h), which the
 * caller owns, sends and empties (buf_add() appends bytes already encoded).
 */
void	resp_add_status(struct buf *, const char *);	/* +OK */
/* -CODE message; fmt is the whole text after '-', e.g. "ERR unknown". */
void	resp_add_error(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	resp_add_int(struct buf *, long long);
void	resp_add_bulk(struct buf *, const char *, size_t);
void	resp_add_cstr(struct buf *, const char *);	/* bulk; NULL -> nil */
void	resp_add_bulkf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	resp_add_nil(struct buf *);			/* $-1 */
void	resp_add_nil_array(struct buf *);			/* *-1 */
void	resp_add_array(struct buf *, size_t);		/* header only */
/* Flat map header: n field/value pairs, i.e. an array of 2n items. */
void	resp_add_map(struct buf *, size_t);
/*
 * Deferred length, for a reply whose count is known only once its elements
 * are written (rows from a query read once, text formatted piece by piece):
 * open it, add the elements, then set the count. The mark is an
 * offset, so it survives the buffer growing; marks opened inside another
 * deferred reply are set first (innermost first), as their elements end
 * first. Dropping a mark removes
 * the header and everything written after it: the reply becomes an error.
 */
size_t	resp_add_deferred_len(struct buf *);		/* the mark */
void	resp_set_deferred_array(struct buf *, size_t mark, size_t n);
/* n field/value pairs, as resp_add_map(). */
void	resp_set_deferred_map(struct buf *, size_t mark, size_t n);
/* Everything written after the mark becomes one bulk string. */
void	resp_set_deferred_bulk(struct buf *, size_t mark);
void	resp_drop_deferred(struct buf *, size_t mark);
/* Convenience for flat maps: a bulk field name followed by a value. */
void	resp_add_field_str(struct buf *, const char *, const char *);
void	resp_add_field_int(struct buf *, const char *, long long);

#endif
