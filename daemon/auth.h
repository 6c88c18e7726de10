/* auth.h: Argon2id password hashes (libsodium crypto_pwhash_str). */
#ifndef HOTLINE_AUTH_H
#define HOTLINE_AUTH_H

#include <stddef.h>

#define AUTH_HASH_MAX	128	/* crypto_pwhash_STRBYTES */

int	auth_init(void);
/* Hash a password with interactive limits; 0 or -1 (out of memory). */
int	auth_hash(const char *password, char *out, size_t outlen);
/* 1 if password matches hash. With hash NULL, spend the same time and fail. */
int	auth_verify(const char *hash, const char *password);

#endif
