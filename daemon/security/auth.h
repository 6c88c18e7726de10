/*
 * auth.h: Argon2id password hashes (libsodium crypto_pwhash_str).
 * Passwords are bytes with a length, never C strings: a NUL inside one is
 * part of it, so "pw\0junk" is not "pw".
 */
#ifndef HOTLINE_AUTH_H
#define HOTLINE_AUTH_H

#include <stddef.h>

#define AUTH_HASH_MAX		128	/* crypto_pwhash_STRBYTES */
/* The longest password accepted (bytes); longer ones are refused with
 * -ERR rather than cut (docs/PROTOCOL.md, AUTH). */
#define AUTH_PASSWORD_MAX	1024

int	auth_init(void);
/* Hash len bytes of password with interactive limits; 0, or -1 if the
 * password is empty or over AUTH_PASSWORD_MAX or memory is short. */
int	auth_hash(const char *password, size_t len, char *out, size_t outlen);
/* 1 if len bytes of password match hash. With hash NULL or "", spend the
 * same time against a dummy hash and fail, so timing tells nothing. */
int	auth_verify(const char *hash, const char *password, size_t len);

#endif
