/* Unit tests of personal data at rest (daemon/security/crypto.c): sealing, the
 * blind index, key files and the key check. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "crypto.h"

static char	dir[] = "/tmp/hotline-crypto-XXXXXX";

static int
setup(void **state)
{
	strcpy(dir, "/tmp/hotline-crypto-XXXXXX");
	if (crypto_init() != 0 || mkdtemp(dir) == NULL)
		return (-1);
	return (0);
}

static int
teardown(void **state)
{
	char	cmd[256];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return (system(cmd) == 0 ? 0 : -1);
}

static struct crypto *
new_crypto(uint8_t key[CRYPTO_KEYBYTES])
{
	struct crypto	*c;

	crypto_key_generate(key);
	c = crypto_new(key);
	assert_non_null(c);
	return (c);
}

static void
path_in(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
}

static void
test_round_trip(void **state)
{
	uint8_t		 key[CRYPTO_KEYBYTES], sealed[64 + CRYPTO_OVERHEAD];
	uint8_t		 again[sizeof sealed];
	char		 out[64];
	const char	*plain = "refund for card 4970";
	size_t		 len = strlen(plain), n;
	struct crypto	*c = new_crypto(key);

	crypto_seal(c, "ticket:7:subject", plain, len, sealed);
	/* Not the plaintext, and a fresh nonce each time. */
	assert_null(memmem(sealed, len + CRYPTO_OVERHEAD, plain, len));
	crypto_seal(c, "ticket:7:subject", plain, len, again);
	assert_memory_not_equal(sealed, again, len + CRYPTO_OVERHEAD);
	assert_int_equal(crypto_unseal(c, "ticket:7:subject", sealed,
	    len + CRYPTO_OVERHEAD, out, &n), 0);
	assert_int_equal(n, len);
	assert_memory_equal(out, plain, len);
	/* The empty value too. */
	crypto_seal(c, "ticket:7:attrs", "", 0, sealed);
	assert_int_equal(crypto_unseal(c, "ticket:7:attrs", sealed,
	    CRYPTO_OVERHEAD, out, &n), 0);
	assert_int_equal(n, 0);
	crypto_free(c);
}

/* A value moved to another row or field does not open. */
static int
cmp_nonce(const void *a, const void *b)
{
	return (memcmp(a, b, CRYPTO_NONCEBYTES));
}

/* Nonces never repeat: not within a context (4096 seals), and not across
 * two contexts of the same key, as two processes or restarts would be. */
static void
test_nonces_unique(void **state)
{
	uint8_t		 key[CRYPTO_KEYBYTES], sealed[CRYPTO_OVERHEAD];
	static uint8_t	 seen[2 * 4096][CRYPTO_NONCEBYTES];
	struct crypto	*a = new_crypto(key), *b = crypto_new(key);
	size_t		 i, k, n = 0;
	char		 out[1];

	assert_non_null(b);
	for (i = 0; i < 4096; i++) {
		crypto_seal(a, "event:1", "", 0, sealed);
		memcpy(seen[n++], sealed, CRYPTO_NONCEBYTES);
		crypto_seal(b, "event:1", "", 0, sealed);
		memcpy(seen[n++], sealed, CRYPTO_NONCEBYTES);
		/* Either context opens the other's values: same key. */
		assert_int_equal(crypto_unseal(a, "event:1", sealed,
		    CRYPTO_OVERHEAD, out, &k), 0);
	}
	qsort(seen, n, sizeof seen[0], cmp_nonce);
	for (i = 1; i < n; i++)
		assert_memory_not_equal(seen[i - 1], seen[i], CRYPTO_NONCEBYTES);
	crypto_free(a);
	crypto_free(b);
}

/* A child of fork(2) seals under a prefix of its own: it would otherwise
 * count on from where its parent was, and repeat the parent's nonces. */
static void
test_nonces_after_fork(void **state)
{
	uint8_t		 key[CRYPTO_KEYBYTES], mine[CRYPTO_OVERHEAD];
	uint8_t		 child[CRYPTO_OVERHEAD];
	struct crypto	*c = new_crypto(key);
	int		 fd[2], status;
	pid_t		 pid;

	crypto_seal(c, "event:1", "", 0, mine);
	assert_int_equal(pipe(fd), 0);
	if ((pid = fork()) == 0) {
		crypto_seal(c, "event:1", "", 0, child);
		_exit(write(fd[1], child, sizeof child) == sizeof child ? 0 : 1);
	}
	assert_true(pid > 0);
	crypto_seal(c, "event:1", "", 0, mine);
	assert_int_equal(read(fd[0], child, sizeof child), sizeof child);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(status, 0);
	assert_memory_not_equal(mine, child, CRYPTO_NONCEBYTES);
	close(fd[0]);
	close(fd[1]);
	crypto_free(c);
}

static void
test_wrong_ad(void **state)
{
	uint8_t		 key[CRYPTO_KEYBYTES], sealed[16 + CRYPTO_OVERHEAD];
	char		 out[16];
	size_t		 n;
	struct crypto	*c = new_crypto(key);

	crypto_seal(c, "customer:c1:phone", "+33612345678", 12, sealed);
	assert_int_equal(crypto_unseal(c, "customer:c2:phone", sealed,
	    12 + CRYPTO_OVERHEAD, out, &n), -1);
	assert_int_equal(crypto_unseal(c, "customer:c1:name", sealed,
	    12 + CRYPTO_OVERHEAD, out, &n), -1);
	assert_int_equal(crypto_unseal(c, "customer:c1:phone", sealed,
	    12 + CRYPTO_OVERHEAD, out, &n), 0);
	crypto_free(c);
}

/* Every byte counts: nonce, ciphertext and tag. */
static void
test_tampered_byte(void **state)
{
	uint8_t		 key[CRYPTO_KEYBYTES], sealed[5 + CRYPTO_OVERHEAD];
	char		 out[8];
	size_t		 i, n, len = 5 + CRYPTO_OVERHEAD;
	struct crypto	*c = new_crypto(key);

	crypto_seal(c, "event:9", "hello", 5, sealed);
	for (i = 0; i < len; i++) {
		sealed[i] ^= 0x01;
		assert_int_equal(crypto_unseal(c, "event:9", sealed, len, out,
		    &n), -1);
		sealed[i] ^= 0x01;
	}
	assert_int_equal(crypto_unseal(c, "event:9", sealed, len - 1, out,
	    &n), -1);
	assert_int_equal(crypto_unseal(c, "event:9", sealed, 3, out, &n), -1);
	assert_int_equal(crypto_unseal(c, "event:9", sealed, len, out, &n), 0);
	crypto_free(c);
}

static void
test_wrong_key(void **state)
{
	uint8_t		 k1[CRYPTO_KEYBYTES], k2[CRYPTO_KEYBYTES];
	uint8_t		 sealed[5 + CRYPTO_OVERHEAD];
	char		 out[8];
	size_t		 n;
	struct crypto	*a = new_crypto(k1), *b = new_crypto(k2);

	crypto_seal(a, "event:1", "hello", 5, sealed);
	assert_int_equal(crypto_unseal(b, "event:1", sealed,
	    sizeof sealed, out, &n), -1);
	crypto_free(a);
	crypto_free(b);
}

static void
test_blind_index(void **state)
{
	uint8_t		 k1[CRYPTO_KEYBYTES], k2[CRYPTO_KEYBYTES];
	uint8_t		 x[CRYPTO_BLINDBYTES], y[CRYPTO_BLINDBYTES];
	struct crypto	*a = new_crypto(k1), *b = new_crypto(k2), *a2;

	/* Stable, and blind to spacing and punctuation. */
	assert_int_equal(crypto_blind_phone(a, "+33 6 12-34-56-78", x), 0);
	assert_int_equal(crypto_blind_phone(a, "+33612345678", y), 0);
	assert_memory_equal(x, y, sizeof x);
	assert_int_equal(crypto_blind_phone(a, " (+33) 612.345.678 ", y), 0);
	assert_memory_equal(x, y, sizeof x);
	a2 = crypto_new(k1);
	assert_int_equal(crypto_blind_phone(a2, "+33612345678", y), 0);
	assert_memory_equal(x, y, sizeof x);
	crypto_free(a2);
	/* The leading '+' and every digit count; a later '+' does not. */
	assert_int_equal(crypto_blind_phone(a, "33612345678", y), 0);
	assert_memory_not_equal(x, y, sizeof x);
	assert_int_equal(crypto_blind_phone(a, "+33612345679", y), 0);
	assert_memory_not_equal(x, y, sizeof x);
	assert_int_equal(crypto_blind_phone(a, "+336123+45678", y), 0);
	assert_memory_equal(x, y, sizeof x);
	/* Another key, another index: it says nothing without the key. */
	assert_int_equal(crypto_blind_phone(b, "+33612345678", y), 0);
	assert_memory_not_equal(x, y, sizeof x);
	assert_int_equal(crypto_blind_phone(a, "", y), -1);
	assert_int_equal(crypto_blind_phone(a, "+ -", y), -1);
	crypto_free(a);
	crypto_free(b);
}

static void
test_key_check(void **state)
{
	uint8_t		 k1[CRYPTO_KEYBYTES], k2[CRYPTO_KEYBYTES];
	uint8_t		 x[CRYPTO_CHECKBYTES], y[CRYPTO_CHECKBYTES];
	struct crypto	*a = new_crypto(k1), *b = new_crypto(k2), *a2;

	crypto_key_check(a, x);
	a2 = crypto_new(k1);
	crypto_key_check(a2, y);
	assert_memory_equal(x, y, sizeof x);
	crypto_key_check(b, y);
	assert_memory_not_equal(x, y, sizeof x);
	/* Neither the key nor a subkey. */
	assert_memory_not_equal(x, k1, sizeof x);
	crypto_free(a);
	crypto_free(a2);
	crypto_free(b);
}

static void
test_key_file(void **state)
{
	uint8_t		 key[CRYPTO_KEYBYTES], got[CRYPTO_KEYBYTES];
	char		 path[512], err[512];
	struct stat	 sb;
	FILE		*fp;

	path_in(path, sizeof path, "hotline.key");
	assert_int_equal(crypto_key_load(path, got, err, sizeof err), 0);
	crypto_key_generate(key);
	assert_int_equal(crypto_key_write(path, key, err, sizeof err), 0);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(sb.st_size, 65);	/* hex and a newline */
	assert_int_equal(crypto_key_load(path, got, err, sizeof err), 1);
	assert_memory_equal(key, got, sizeof key);
	/* Never overwritten. */
	assert_int_equal(crypto_key_write(path, key, err, sizeof err), -1);
	/* Readable or writable by anyone else: refused, saying what to do. */
	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(crypto_key_load(path, got, err, sizeof err), -1);
	assert_non_null(strstr(err, "chmod 600"));
	assert_int_equal(chmod(path, 0602), 0);
	assert_int_equal(crypto_key_load(path, got, err, sizeof err), -1);
	assert_int_equal(chmod(path, 0400), 0);
	assert_int_equal(crypto_key_load(path, got, err, sizeof err), 1);
	unlink(path);
	/* 32 raw bytes are a key too; anything else is not. */
	assert_non_null(fp = fopen(path, "w"));
	fwrite(key, 1, sizeof key, fp);
	fclose(fp);
	chmod(path, 0600);
	assert_int_equal(crypto_key_load(path, got, err, sizeof err), 1);
	assert_memory_equal(key, got, sizeof key);
	assert_non_null(fp = fopen(path, "w"));
	fputs("abcdef\n", fp);
	fclose(fp);
	assert_int_equal(crypto_key_load(path, got, err, sizeof err), -1);
	assert_non_null(strstr(err, "not a key"));
}

static void
write_key(const char *name, uint8_t key[CRYPTO_KEYBYTES])
{
	char	path[512], err[512];

	path_in(path, sizeof path, name);
	unlink(path);
	crypto_key_generate(key);
	assert_int_equal(crypto_key_write(path, key, err, sizeof err), 0);
}

static void
check_of(const uint8_t key[CRYPTO_KEYBYTES], uint8_t check[CRYPTO_CHECKBYTES])
{
	struct crypto	*c = crypto_new(key);

	crypto_key_check(c, check);
	crypto_free(c);
}

/* Which key opens a folder's database, across an interrupted rotation. */
static void
test_open_dir(void **state)
{
	uint8_t		 k1[CRYPTO_KEYBYTES], k2[CRYPTO_KEYBYTES];
	uint8_t		 got[CRYPTO_KEYBYTES];
	uint8_t		 c1[CRYPTO_CHECKBYTES], c2[CRYPTO_CHECKBYTES];
	char		 path[512], next[512], err[512];
	struct crypto	*c;

	path_in(path, sizeof path, "hotline.key");
	path_in(next, sizeof next, "hotline.key.new");
	/* A new database: a key is made. */
	assert_non_null(c = crypto_open_dir(dir, NULL, err, sizeof err));
	crypto_free(c);
	assert_int_equal(crypto_key_load(path, k1, err, sizeof err), 1);
	check_of(k1, c1);
	assert_non_null(c = crypto_open_dir(dir, c1, err, sizeof err));
	crypto_free(c);
	/* Stopped before the commit: the .new key is dropped. */
	write_key("hotline.key.new", k2);
	check_of(k2, c2);
	assert_non_null(c = crypto_open_dir(dir, c1, err, sizeof err));
	crypto_free(c);
	assert_int_equal(access(next, F_OK), -1);
	/* Stopped after the commit: the .new key is adopted. */
	write_key("hotline.key.new", k2);
	check_of(k2, c2);
	assert_non_null(c = crypto_open_dir(dir, c2, err, sizeof err));
	crypto_free(c);
	assert_int_equal(access(next, F_OK), -1);
	assert_int_equal(crypto_key_load(path, got, err, sizeof err), 1);
	assert_memory_equal(got, k2, sizeof got);
	/* The old key no longer opens it; no key is refused, not replaced. */
	assert_null(crypto_open_dir(dir, c1, err, sizeof err));
	assert_non_null(strstr(err, "does not match"));
	unlink(path);
	assert_null(crypto_open_dir(dir, c2, err, sizeof err));
	assert_non_null(strstr(err, "missing"));
	assert_int_equal(access(path, F_OK), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_nonces_unique, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_nonces_after_fork, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_wrong_ad, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tampered_byte, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_wrong_key, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_blind_index, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_key_check, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_key_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_dir, setup, teardown),
	};

	return (cmocka_run_group_tests_name("crypto", tests, NULL, NULL));
}
