/*
 * crypto.h: personal data at rest. One master key, the key file
 * <data_dir>/hotline.key, gives three subkeys (crypto_kdf): one seals
 * values with XChaCha20-Poly1305, one makes the blind index that finds a
 * customer by phone without storing the phone, one makes the key check
 * that tells whether a database was written with this key. The crypto_*
 * names here are Hotline's; libsodium's are crypto_<primitive>_*.
 */
#ifndef HOTLINE_CRYPTO_H
#define HOTLINE_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#define CRYPTO_KEY_FILE		"hotline.key"
#define CRYPTO_KEYBYTES		32
/* A sealed value is nonce || ciphertext || tag. */
#define CRYPTO_NONCEBYTES	24
#define CRYPTO_OVERHEAD		(CRYPTO_NONCEBYTES + 16)
#define CRYPTO_BLINDBYTES	32
#define CRYPTO_CHECKBYTES	32

struct crypto;

/* sodium_init; safe to call more than once. 0 or -1. */
int	crypto_init(void);

/*
 * Read a key file: 64 hex digits (what crypto_key_write writes) or 32 raw
 * bytes. 1 loaded, 0 no such file, -1 error in err: unreadable, malformed,
 * or readable or writable by group or others.
 */
int	crypto_key_load(const char *path, uint8_t key[CRYPTO_KEYBYTES],
	    char *err, size_t errlen);
void	crypto_key_generate(uint8_t key[CRYPTO_KEYBYTES]);
/* Create path (it must not exist) with mode 0600, synced with its folder. */
int	crypto_key_write(const char *path, const uint8_t key[CRYPTO_KEYBYTES],
	    char *err, size_t errlen);

/*
 * The key of the database in dir, whose stored key check is check (NULL:
 * a new database or one not yet encrypted, which gets a new key file when
 * there is none). When <dir>/hotline.key does not match but
 * hotline.key.new does, a rotation stopped after its commit: the new key
 * is adopted (renamed). When hotline.key matches, a hotline.key.new left
 * by a rotation that stopped before its commit is removed.
 */
struct crypto	*crypto_open_dir(const char *dir, const uint8_t *check,
		    char *err, size_t errlen);
/* Key rotation: a new key in <dir>/hotline.key.new, synced; then, once
 * the database is re-encrypted and committed, renamed over hotline.key. */
struct crypto	*crypto_rotate_start(const char *dir, char *err, size_t errlen);
int		 crypto_rotate_finish(const char *dir, char *err,
		    size_t errlen);

/* Subkeys of a master key; the caller may wipe the master afterwards. */
struct crypto	*crypto_new(const uint8_t key[CRYPTO_KEYBYTES]);
void		 crypto_free(struct crypto *);

/* out (len + CRYPTO_OVERHEAD bytes) = plain sealed under a nonce never
 * used before (random per context, then counted), bound to ad: the row and
 * field it belongs to ("ticket:7:subject"). Safe from several threads. */
void	crypto_seal(struct crypto *, const char *ad, const void *plain,
	    size_t len, uint8_t *out);
/* The reverse, into out (len - CRYPTO_OVERHEAD bytes); -1 when the value
 * was tampered with, belongs to another row or field, or another key. */
int	crypto_unseal(const struct crypto *, const char *ad, const uint8_t *in,
	    size_t len, void *out, size_t *outlen);

/* A keyed hash of the phone's digits and leading '+': "+33 6 12-34" and
 * "+33612 34" match. -1 when the number has no digit. */
int	crypto_blind_phone(const struct crypto *, const char *phone,
	    uint8_t out[CRYPTO_BLINDBYTES]);
/* A value that identifies the key without revealing it. */
void	crypto_key_check(const struct crypto *, uint8_t out[CRYPTO_CHECKBYTES]);

#endif
