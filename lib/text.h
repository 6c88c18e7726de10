/*
 * text.h: the rules for text that comes from outside (clients, the
 * configuration file) and the escaping of it where it is logged. Pure:
 * libc only, shared by the engine, the daemon and json.c.
 * docs/PROTOCOL.md "Names and text" is the user-visible rule.
 *
 * Text is UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing past
 * U+10FFFF) without NUL. A name is text of 1 to max - 1 bytes without
 * control characters: C0 (U+0000-U+001F), DEL, C1 (U+0080-U+009F) and the
 * line and paragraph separators U+2028 and U+2029.
 */
#ifndef HOTLINE_TEXT_H
#define HOTLINE_TEXT_H

#include <stddef.h>
#include <stdint.h>

#define TEXT_ERRMAX	128

/*
 * A word is a name that the configuration file and the list arguments
 * (SKILLS q:l,... GROUPS g,...) can also hold: no space, tab nor any of
 * , : [ ] " \ besides the name rule. Users, queues, tiers, groups,
 * calendars and follow-up rules are words.
 */
#define TEXT_WORD	0x1

/*
 * The code point of the UTF-8 sequence at s (n bytes left) and its length
 * in bytes, or -1 if it is not one (the JSON writer uses it too).
 */
int	text_decode(const unsigned char *s, size_t n, uint32_t *cp);
/* Text: 0, or -1 with why ("holds a NUL byte", "is not valid UTF-8"). */
int	text_check(const char *, size_t len, const char **why);
/*
 * A name of at most max - 1 bytes: 0, or -1 with "<what> is empty" (too
 * long, not valid UTF-8, ...) in err. The value is never quoted: it may be
 * what the reader must not see.
 */
int	text_name_check(const char *, size_t len, size_t max, int flags,
	    const char *what, char *err, size_t errlen);
/*
 * Copies len bytes of src into dst as one printable line: backslash as
 * \\, newline, return and tab as \n \r \t, other control characters
 * (C0, DEL, C1, U+2028, U+2029) and bytes that are not UTF-8 as \xHH.
 * Valid UTF-8 passes unchanged. dst is always terminated and never ends
 * inside an escape or a character; returns the length the whole escape
 * takes (4 * len at most), as snprintf does.
 */
size_t	text_escape(char *dst, size_t size, const char *src, size_t len);

#endif
