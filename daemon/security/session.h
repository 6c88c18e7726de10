/*
 * session.h: session tokens. SESSION NEW hands a client a token that AUTH
 * takes in place of the password: 256 random bits, printed as "hlt_" and
 * 43 base64url characters. Checking one costs a keyed hash (BLAKE2b under
 * a secret of the database) and an indexed lookup of that hash, not an
 * Argon2id run: a restart's reconnecting clients log in in microseconds
 * each. The database keeps the hash, never the token (store-sessions.c).
 */
#ifndef HOTLINE_SESSION_H
#define HOTLINE_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

#define SESSION_PREFIX		"hlt_"
#define SESSION_PREFIX_LEN	4
#define SESSION_RANDOM_BYTES	32
#define SESSION_TOKEN_LEN	(SESSION_PREFIX_LEN + 43)
/* Live sessions a user may hold: a client that leaks them is stopped
 * before the table grows without bound. */
#define SESSION_MAX_PER_USER	64

/* Set the database's key (store_session_secret). */
void	session_set_key(const uint8_t key[STORE_SESSION_KEYBYTES]);
void	session_clear_key(void);
/* 1 if len bytes of s have a token's form (not whether one is live). */
int	session_is_token(const char *s, size_t len);
/* A new token (NUL-terminated, SESSION_TOKEN_LEN), its hash and its id. */
void	session_new(char token[SESSION_TOKEN_LEN + 1],
	    uint8_t hash[STORE_SESSION_HASHBYTES],
	    char id[STORE_SESSION_IDLEN + 1]);
/* The keyed hash of a token of len bytes. */
void	session_hash(const char *token, size_t len,
	    uint8_t hash[STORE_SESSION_HASHBYTES]);
/*
 * Check a token for user (bytes with a length): 1 if it is live and the
 * user's, with its row in *ss; else 0 (ss->id set if the token names a
 * row at all, expired or another user's).
 */
int	session_check(struct store *, const char *user, size_t userlen,
	    const char *token, size_t len, hl_ms now, struct store_session *ss);

#endif
