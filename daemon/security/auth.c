#include <string.h>

#include <sodium.h>

#include "auth.h"
#include "log.h"

/* A hash to verify against for unknown users, so timing tells nothing. */
static char	auth_dummy[crypto_pwhash_STRBYTES];

int
auth_init(void)
{
	static const char	dummy[] = "hotline-dummy-password";

	if (sodium_init() < 0)
		return (-1);
	return (auth_hash(dummy, sizeof dummy - 1, auth_dummy,
	    sizeof auth_dummy));
}

int
auth_hash(const char *password, size_t len, char *out, size_t outlen)
{
	char	hash[crypto_pwhash_STRBYTES];

	if (outlen < sizeof hash || len == 0 || len > AUTH_PASSWORD_MAX)
		return (-1);
	if (crypto_pwhash_str(hash, password, len,
	    crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return (-1);
	memcpy(out, hash, sizeof hash);
	return (0);
}

int
auth_verify(const char *hash, const char *password, size_t len)
{
	/* Over the cap, nothing can match (auth_hash refuses to make such a
	 * hash); the dummy check still spends the time. */
	if (hash == NULL || *hash == '\0' || len > AUTH_PASSWORD_MAX) {
		if (crypto_pwhash_str_verify(auth_dummy, password,
		    len > AUTH_PASSWORD_MAX ? AUTH_PASSWORD_MAX : len) == 0)
			return (0);	/* the dummy password: still no user */
		return (0);
	}
	return (crypto_pwhash_str_verify(hash, password, len) == 0);
}
