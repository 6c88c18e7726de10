#include <string.h>

#include <sodium.h>

#include "auth.h"
#include "log.h"

/* A hash to verify against for unknown users, so timing tells nothing. */
static char	auth_dummy[crypto_pwhash_STRBYTES];

int
auth_init(void)
{
	if (sodium_init() < 0)
		return (-1);
	return (auth_hash("hotline-dummy-password", auth_dummy,
	    sizeof auth_dummy));
}

int
auth_hash(const char *password, char *out, size_t outlen)
{
	char	hash[crypto_pwhash_STRBYTES];

	if (outlen < sizeof hash)
		return (-1);
	if (crypto_pwhash_str(hash, password, strlen(password),
	    crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return (-1);
	memcpy(out, hash, sizeof hash);
	return (0);
}

int
auth_verify(const char *hash, const char *password)
{
	int	ok;

	if (hash == NULL || *hash == '\0') {
		if (crypto_pwhash_str_verify(auth_dummy, password,
		    strlen(password)) == 0)
			return (0);	/* the dummy password: still no user */
		return (0);
	}
	ok = crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
	return (ok);
}
