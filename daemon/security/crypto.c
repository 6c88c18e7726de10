#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pthread.h>
#include <stdatomic.h>

#include <sodium.h>

#include "crypto.h"
#include "log.h"

/* crypto_kdf needs an 8-byte context; the subkey ids below are fixed. */
#define CRYPTO_KDF_CONTEXT	"hlstore1"
#define CRYPTO_SUBKEY_AEAD	1
#define CRYPTO_SUBKEY_BLIND	2
#define CRYPTO_SUBKEY_CHECK	3
#define CRYPTO_CHECK_TEXT	"hotline key check v1"

_Static_assert(CRYPTO_KEYBYTES == crypto_kdf_KEYBYTES, "master key size");
_Static_assert(CRYPTO_OVERHEAD == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
    + crypto_aead_xchacha20poly1305_ietf_ABYTES, "sealed value layout");
_Static_assert(CRYPTO_BLINDBYTES >= crypto_generichash_BYTES_MIN &&
    CRYPTO_BLINDBYTES <= crypto_generichash_BYTES_MAX, "blind index size");

/*
 * Nonces are a random prefix drawn once per crypto context followed by a
 * 64-bit counter: unique under the key without a getrandom(2) system call
 * for every sealed value (several per ticket event). XChaCha20's 192-bit
 * nonce leaves 128 random bits, so prefixes of separate processes or
 * restarts do not meet.
 */
#define CRYPTO_PREFIXBYTES	(CRYPTO_NONCEBYTES - 8)

struct crypto {
	uint8_t			aead[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
	uint8_t			blind[crypto_generichash_KEYBYTES];
	uint8_t			check[crypto_generichash_KEYBYTES];
	uint8_t			prefix[CRYPTO_PREFIXBYTES];
	_Atomic uint64_t	counter;
	unsigned		forks;		/* crypto_forks at the prefix */
};

/* A child of fork(2) would count on from its parent's prefix: the first
 * seal in it draws a new prefix (crypto_seal compares the generations). */
static _Atomic unsigned	crypto_forks;
static pthread_once_t	crypto_once = PTHREAD_ONCE_INIT;

static void
crypto_forked(void)
{
	atomic_fetch_add(&crypto_forks, 1);
}

static void
crypto_register_fork(void)
{
	pthread_atfork(NULL, NULL, crypto_forked);
}

int
crypto_init(void)
{
	pthread_once(&crypto_once, crypto_register_fork);
	return (sodium_init() < 0 ? -1 : 0);
}

static int
crypto_key_parse(const char *buf, size_t len, uint8_t key[CRYPTO_KEYBYTES])
{
	const char	*end;
	size_t		 n;

	if (len == CRYPTO_KEYBYTES) {
		memcpy(key, buf, CRYPTO_KEYBYTES);
		return (0);
	}
	if (sodium_hex2bin(key, CRYPTO_KEYBYTES, buf, len, " \t\r\n", &n,
	    &end) != 0 || n != CRYPTO_KEYBYTES)
		return (-1);
	for (; end < buf + len; end++)
		if (*end == '\0' || strchr(" \t\r\n", *end) == NULL)
			return (-1);
	return (0);
}

int
crypto_key_load(const char *path, uint8_t key[CRYPTO_KEYBYTES], char *err,
    size_t errlen)
{
	struct stat	sb;
	char		buf[256];
	size_t		len = 0;
	ssize_t		n;
	int		fd, rc = -1;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		if (errno == ENOENT)
			return (0);
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return (-1);
	}
	if (fstat(fd, &sb) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		goto out;
	}
	/* Whoever can read the key reads every customer's data. */
	if ((sb.st_mode & 077) != 0) {
		snprintf(err, errlen, "%s is readable or writable by group or "
		    "others (mode %04o): run chmod 600 %s", path,
		    (unsigned)(sb.st_mode & 07777), path);
		goto out;
	}
	while (len < sizeof buf && (n = read(fd, buf + len,
	    sizeof buf - len)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			goto out;
		}
		len += (size_t)n;
	}
	if (len == sizeof buf || crypto_key_parse(buf, len, key) != 0) {
		snprintf(err, errlen, "%s: not a key (64 hex digits or 32 "
		    "bytes)", path);
		goto out;
	}
	rc = 1;
out:
	sodium_memzero(buf, sizeof buf);
	close(fd);
	return (rc);
}

void
crypto_key_generate(uint8_t key[CRYPTO_KEYBYTES])
{
	crypto_kdf_keygen(key);
}

/* A new name in a folder survives a crash only once the folder is synced. */
static int
crypto_sync_dir(const char *path)
{
	char		 dir[PATH_MAX];
	const char	*slash = strrchr(path, '/');
	int		 fd, rc;

	if (slash == NULL)
		snprintf(dir, sizeof dir, ".");
	else if (slash == path)
		snprintf(dir, sizeof dir, "/");
	else
		snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return (-1);
	rc = fsync(fd);
	close(fd);
	return (rc);
}

int
crypto_key_write(const char *path, const uint8_t key[CRYPTO_KEYBYTES],
    char *err, size_t errlen)
{
	char	hex[CRYPTO_KEYBYTES * 2 + 2];
	size_t	len;
	int	fd, ok;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) < 0) {
		snprintf(err, errlen, "cannot create %s: %s", path,
		    strerror(errno));
		return (-1);
	}
	sodium_bin2hex(hex, sizeof hex - 1, key, CRYPTO_KEYBYTES);
	len = strlen(hex);
	hex[len++] = '\n';
	/* fchmod: a umask may have taken the owner's write bit. */
	ok = fchmod(fd, 0600) == 0 && write(fd, hex, len) == (ssize_t)len &&
	    fsync(fd) == 0;
	sodium_memzero(hex, sizeof hex);
	if (close(fd) != 0)
		ok = 0;
	if (ok && crypto_sync_dir(path) != 0)
		ok = 0;
	if (!ok) {
		snprintf(err, errlen, "cannot write %s: %s", path,
		    strerror(errno));
		unlink(path);
		return (-1);
	}
	return (0);
}

struct crypto *
crypto_new(const uint8_t key[CRYPTO_KEYBYTES])
{
	struct crypto	*c;

	if (crypto_init() != 0 ||
	    (c = sodium_malloc(sizeof *c)) == NULL)
		return (NULL);
	crypto_kdf_derive_from_key(c->aead, sizeof c->aead,
	    CRYPTO_SUBKEY_AEAD, CRYPTO_KDF_CONTEXT, key);
	crypto_kdf_derive_from_key(c->blind, sizeof c->blind,
	    CRYPTO_SUBKEY_BLIND, CRYPTO_KDF_CONTEXT, key);
	crypto_kdf_derive_from_key(c->check, sizeof c->check,
	    CRYPTO_SUBKEY_CHECK, CRYPTO_KDF_CONTEXT, key);
	randombytes_buf(c->prefix, sizeof c->prefix);
	atomic_init(&c->counter, 0);
	c->forks = atomic_load(&crypto_forks);
	return (c);
}

void
crypto_free(struct crypto *c)
{
	if (c != NULL)
		sodium_free(c);		/* wipes it */
}

void
crypto_seal(struct crypto *c, const char *ad, const void *plain,
    size_t len, uint8_t *out)
{
	unsigned long long	clen;

	uint64_t		n;
	int			i;

	if (c->forks != atomic_load_explicit(&crypto_forks,
	    memory_order_relaxed)) {
		randombytes_buf(c->prefix, sizeof c->prefix);
		c->forks = atomic_load(&crypto_forks);
	}
	n = atomic_fetch_add_explicit(&c->counter, 1, memory_order_relaxed);
	memcpy(out, c->prefix, CRYPTO_PREFIXBYTES);
	for (i = 0; i < 8; i++)
		out[CRYPTO_PREFIXBYTES + i] = (uint8_t)(n >> (8 * i));
	crypto_aead_xchacha20poly1305_ietf_encrypt(out + CRYPTO_NONCEBYTES,
	    &clen, plain, len, (const unsigned char *)ad, strlen(ad), NULL,
	    out, c->aead);
}

int
crypto_unseal(const struct crypto *c, const char *ad, const uint8_t *in,
    size_t len, void *out, size_t *outlen)
{
	unsigned long long	mlen;

	if (len < CRYPTO_OVERHEAD)
		return (-1);
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(out, &mlen, NULL,
	    in + CRYPTO_NONCEBYTES, len - CRYPTO_NONCEBYTES,
	    (const unsigned char *)ad, strlen(ad), in, c->aead) != 0)
		return (-1);
	*outlen = (size_t)mlen;
	return (0);
}

int
crypto_blind_phone(const struct crypto *c, const char *phone,
    uint8_t out[CRYPTO_BLINDBYTES])
{
	crypto_generichash_state	h;
	unsigned char			buf[64];
	size_t				n = 0, kept = 0, digits = 0;
	const char			*p;

	crypto_generichash_init(&h, c->blind, sizeof c->blind,
	    CRYPTO_BLINDBYTES);
	for (p = phone; *p != '\0'; p++) {
		if (*p >= '0' && *p <= '9')
			digits++;
		else if (*p != '+' || kept > 0)	/* '+' counts only first */
			continue;
		buf[n++] = (unsigned char)*p;
		kept++;
		if (n == sizeof buf) {
			crypto_generichash_update(&h, buf, n);
			n = 0;
		}
	}
	crypto_generichash_update(&h, buf, n);
	sodium_memzero(buf, sizeof buf);
	if (digits == 0) {
		sodium_memzero(&h, sizeof h);
		return (-1);
	}
	crypto_generichash_final(&h, out, CRYPTO_BLINDBYTES);
	return (0);
}

void
crypto_key_check(const struct crypto *c, uint8_t out[CRYPTO_CHECKBYTES])
{
	crypto_generichash(out, CRYPTO_CHECKBYTES,
	    (const unsigned char *)CRYPTO_CHECK_TEXT,
	    sizeof CRYPTO_CHECK_TEXT - 1, c->check, sizeof c->check);
}

static void
crypto_path(char *buf, size_t len, const char *dir, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
}

/* The key in path if it has the key check `check`: 1, 0 not, -1 error. */
static int
crypto_try(const char *path, const uint8_t *check, struct crypto **out,
    char *err, size_t errlen)
{
	uint8_t		 key[CRYPTO_KEYBYTES], mine[CRYPTO_CHECKBYTES];
	struct crypto	*c;
	int		 rc;

	*out = NULL;
	if ((rc = crypto_key_load(path, key, err, errlen)) <= 0)
		return (rc);
	c = crypto_new(key);
	sodium_memzero(key, sizeof key);
	if (c == NULL) {
		snprintf(err, errlen, "%s: cannot set up the key", path);
		return (-1);
	}
	crypto_key_check(c, mine);
	if (check != NULL && sodium_memcmp(mine, check, sizeof mine) != 0) {
		crypto_free(c);
		return (0);
	}
	*out = c;
	return (1);
}

struct crypto *
crypto_open_dir(const char *dir, const uint8_t *check, char *err,
    size_t errlen)
{
	char		 path[PATH_MAX], next[PATH_MAX];
	uint8_t		 key[CRYPTO_KEYBYTES];
	struct crypto	*c;
	int		 rc, rc_next;

	if (crypto_init() != 0) {
		snprintf(err, errlen, "libsodium initialisation failed");
		return (NULL);
	}
	crypto_path(path, sizeof path, dir, CRYPTO_KEY_FILE);
	crypto_path(next, sizeof next, dir, CRYPTO_KEY_FILE ".new");
	if ((rc = crypto_try(path, check, &c, err, errlen)) < 0)
		return (NULL);
	if (rc == 1) {
		/* A rotation that stopped before its commit left this. */
		if (check != NULL && unlink(next) == 0)
			log_warnx("removed %s: a key rotation stopped before "
			    "its commit; %s is the valid key", next, path);
		return (c);
	}
	if (check == NULL) {
		/* A new database, or one to encrypt now: a new key. */
		crypto_key_generate(key);
		rc = crypto_key_write(path, key, err, errlen);
		c = rc == 0 ? crypto_new(key) : NULL;
		sodium_memzero(key, sizeof key);
		if (rc == 0 && c == NULL)
			snprintf(err, errlen, "%s: cannot set up the key",
			    path);
		if (c != NULL)
			log_warnx("created the key file %s: back it up apart "
			    "from the database, which cannot be read without "
			    "it", path);
		return (c);
	}
	/* A rotation that stopped after its commit: the new key is valid. */
	if ((rc_next = crypto_try(next, check, &c, err, errlen)) < 0)
		return (NULL);
	if (rc_next == 1) {
		if (rename(next, path) != 0 || crypto_sync_dir(path) != 0) {
			snprintf(err, errlen, "cannot rename %s to %s: %s",
			    next, path, strerror(errno));
			crypto_free(c);
			return (NULL);
		}
		log_warnx("adopted %s as %s: a key rotation stopped after its "
		    "commit", next, path);
		return (c);
	}
	if (rc == 0 && access(path, F_OK) != 0)
		snprintf(err, errlen, "%s is missing and the database in %s is "
		    "encrypted: restore the key file from your backup", path,
		    dir);
	else
		snprintf(err, errlen, "%s does not match the database in %s "
		    "(written with another key): restore the right key file "
		    "from your backup", path, dir);
	return (NULL);
}

struct crypto *
crypto_rotate_start(const char *dir, char *err, size_t errlen)
{
	char		 next[PATH_MAX];
	uint8_t		 key[CRYPTO_KEYBYTES];
	struct crypto	*c = NULL;

	crypto_path(next, sizeof next, dir, CRYPTO_KEY_FILE ".new");
	if (unlink(next) != 0 && errno != ENOENT) {
		snprintf(err, errlen, "cannot remove %s: %s", next,
		    strerror(errno));
		return (NULL);
	}
	crypto_key_generate(key);
	if (crypto_key_write(next, key, err, errlen) == 0 &&
	    (c = crypto_new(key)) == NULL)
		snprintf(err, errlen, "%s: cannot set up the key", next);
	sodium_memzero(key, sizeof key);
	return (c);
}

int
crypto_rotate_finish(const char *dir, char *err, size_t errlen)
{
	char	path[PATH_MAX], next[PATH_MAX];

	crypto_path(path, sizeof path, dir, CRYPTO_KEY_FILE);
	crypto_path(next, sizeof next, dir, CRYPTO_KEY_FILE ".new");
	if (rename(next, path) != 0 || crypto_sync_dir(path) != 0) {
		snprintf(err, errlen, "cannot rename %s to %s: %s", next, path,
		    strerror(errno));
		return (-1);
	}
	return (0);
}
