/* Session tokens: made, hashed and checked (session.h). */
#include <string.h>

#include <sodium.h>

#include "session.h"

static uint8_t	session_key[STORE_SESSION_KEYBYTES];

void
session_set_key(const uint8_t key[STORE_SESSION_KEYBYTES])
{
	memcpy(session_key, key, sizeof session_key);
}

void
session_clear_key(void)
{
	sodium_memzero(session_key, sizeof session_key);
}

static int
session_b64url(char ch)
{
	return ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
	    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_');
}

int
session_is_token(const char *s, size_t len)
{
	size_t	i;

	if (len != SESSION_TOKEN_LEN ||
	    memcmp(s, SESSION_PREFIX, SESSION_PREFIX_LEN) != 0)
		return (0);
	for (i = SESSION_PREFIX_LEN; i < len; i++)
		if (!session_b64url(s[i]))
			return (0);
	return (1);
}

void
session_hash(const char *token, size_t len,
    uint8_t hash[STORE_SESSION_HASHBYTES])
{
	crypto_generichash(hash, STORE_SESSION_HASHBYTES,
	    (const unsigned char *)token, len, session_key,
	    sizeof session_key);
}

void
session_new(char token[SESSION_TOKEN_LEN + 1],
    uint8_t hash[STORE_SESSION_HASHBYTES], char id[STORE_SESSION_IDLEN + 1])
{
	uint8_t	raw[SESSION_RANDOM_BYTES], rid[STORE_SESSION_IDLEN / 2];

	randombytes_buf(raw, sizeof raw);
	memcpy(token, SESSION_PREFIX, SESSION_PREFIX_LEN);
	sodium_bin2base64(token + SESSION_PREFIX_LEN,
	    SESSION_TOKEN_LEN + 1 - SESSION_PREFIX_LEN, raw, sizeof raw,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof raw);
	session_hash(token, SESSION_TOKEN_LEN, hash);
	/* The id is public (SESSION LIST, REVOKE): random too, and unrelated
	 * to the token. */
	randombytes_buf(rid, sizeof rid);
	sodium_bin2hex(id, STORE_SESSION_IDLEN + 1, rid, sizeof rid);
}

int
session_check(struct store *st, const char *user, size_t userlen,
    const char *token, size_t len, hl_ms now, struct store_session *ss)
{
	uint8_t	hash[STORE_SESSION_HASHBYTES];
	int	ok;

	memset(ss, 0, sizeof *ss);
	if (!session_is_token(token, len))
		return (0);
	session_hash(token, len, hash);
	if (!store_session_find(st, hash, ss))
		return (0);
	/* The lookup matched the hash; compare again in constant time so the
	 * answer never rests on a comparison that stops early. */
	ok = sodium_memcmp(ss->hash, hash, sizeof hash) == 0;
	ok &= userlen == strlen(ss->user) &&
	    memcmp(ss->user, user, userlen) == 0;
	ok &= ss->expires > now;
	return (ok);
}
