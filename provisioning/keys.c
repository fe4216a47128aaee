/* provisioning/keys.c: key generation, sealed secret keys, passphrases (see keys.h). */
#include "provisioning/keys.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

G_DEFINE_QUARK(tsr-provision-error-quark, tsr_provision_error)

#define SECRET_CONTEXT "tessera-secret-key-v1"
#define PUBLIC_CONTEXT "tessera-public-key-v1"

const char *tsr_key_role_name(enum tsr_key_role role)
{
	return role == TSR_KEY_ROLE_ROOT ? "root" : "policy";
}

bool tsr_key_role_parse(const char *name, enum tsr_key_role *role)
{
	if (strcmp(name, "root") == 0)
		*role = TSR_KEY_ROLE_ROOT;
	else if (strcmp(name, "policy") == 0)
		*role = TSR_KEY_ROLE_POLICY;
	else
		return false;
	return true;
}

struct tsr_secret_key *tsr_secret_key_generate(enum tsr_key_role role)
{
	if (sodium_init() < 0)
		return NULL;
	struct tsr_secret_key *key = sodium_malloc(sizeof *key);
	if (!key)
		return NULL;
	key->role = role;
	crypto_sign_keypair(key->pk, key->sk);
	return key;
}

void tsr_secret_key_free(struct tsr_secret_key *key)
{
	if (key)
		sodium_free(key); /* zeroes it */
}

bool tsr_write_file_atomic(const char *path, const void *data, size_t len, int mode, GError **error)
{
	char *dir = g_path_get_dirname(path);
	char *tmp = g_strdup_printf("%s.tmp.%d", path, (int)getpid());
	bool ok = false;
	int e = 0;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0) {
		e = errno;
		goto out;
	}
	const char *p = data;
	size_t left = len;
	while (left > 0) {
		ssize_t n = write(fd, p, left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			e = n < 0 ? errno : EIO;
			goto out;
		}
		p += n;
		left -= (size_t)n;
	}
	if (fchmod(fd, (mode_t)mode) != 0 || fsync(fd) != 0) {
		e = errno;
		goto out;
	}
	int r = close(fd);
	fd = -1;
	if (r != 0 || rename(tmp, path) != 0) {
		e = errno;
		goto out;
	}
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	ok = true;
out:
	if (fd >= 0)
		close(fd);
	if (!ok) {
		unlink(tmp);
		g_set_error(error, TSR_PROVISION_ERROR, TSR_PROVISION_ERROR_IO, "cannot write %s: %s",
		            path, g_strerror(e));
	}
	g_free(tmp);
	g_free(dir);
	return ok;
}

static void append_hex(GString *s, const char *name, const uint8_t *b, size_t n)
{
	char *hex = g_malloc(2 * n + 1);
	sodium_bin2hex(hex, 2 * n + 1, b, n);
	g_string_append_printf(s, "%s %s\n", name, hex);
	g_free(hex);
}

bool tsr_secret_key_save(const struct tsr_secret_key *key, const char *path, const char *passphrase,
                         GError **error)
{
	uint8_t salt[crypto_pwhash_SALTBYTES];
	uint8_t nonce[crypto_secretbox_NONCEBYTES];
	uint8_t box[crypto_secretbox_MACBYTES + crypto_sign_SECRETKEYBYTES];
	uint8_t *k = sodium_malloc(crypto_secretbox_KEYBYTES);
	unsigned long long ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
	size_t mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
	randombytes_buf(salt, sizeof salt);
	randombytes_buf(nonce, sizeof nonce);
	if (!k || crypto_pwhash(k, crypto_secretbox_KEYBYTES, passphrase, strlen(passphrase), salt,
	                        ops, mem, crypto_pwhash_ALG_ARGON2ID13) != 0) {
		sodium_free(k);
		g_set_error(error, TSR_PROVISION_ERROR, TSR_PROVISION_ERROR_IO,
		            "out of memory deriving the key from the passphrase");
		return false;
	}
	crypto_secretbox_easy(box, key->sk, sizeof key->sk, nonce, k);
	sodium_free(k);
	GString *s = g_string_new(SECRET_CONTEXT "\n");
	g_string_append_printf(s, "role %s\n", tsr_key_role_name(key->role));
	append_hex(s, "public", key->pk, sizeof key->pk);
	g_string_append_printf(s, "kdf argon2id13 %llu %zu\n", ops, mem);
	append_hex(s, "salt", salt, sizeof salt);
	append_hex(s, "nonce", nonce, sizeof nonce);
	append_hex(s, "box", box, sizeof box);
	bool ok = tsr_write_file_atomic(path, s->str, s->len, 0600, error);
	g_string_free(s, TRUE);
	return ok;
}

/* The value of "name VALUE" on line i, or NULL. */
static const char *line_value(char **lines, size_t i, const char *name)
{
	size_t n = strlen(name);
	for (size_t j = 0; j <= i; j++)
		if (!lines[j])
			return NULL;
	if (strncmp(lines[i], name, n) != 0 || lines[i][n] != ' ')
		return NULL;
	return lines[i] + n + 1;
}

static bool hex_field(char **lines, size_t i, const char *name, uint8_t *out, size_t n)
{
	const char *v = line_value(lines, i, name);
	return v && tsr_hex_decode(v, out, n);
}

struct tsr_secret_key *tsr_secret_key_load(const char *path, const char *passphrase, GError **error)
{
	char *data = NULL;
	GError *ferr = NULL;
	if (!g_file_get_contents(path, &data, NULL, &ferr)) {
		g_set_error(error, TSR_PROVISION_ERROR, TSR_PROVISION_ERROR_IO, "%s", ferr->message);
		g_error_free(ferr);
		return NULL;
	}
	char **lines = g_strsplit(data, "\n", 9);
	g_free(data);
	struct tsr_secret_key *key = sodium_malloc(sizeof *key);
	uint8_t salt[crypto_pwhash_SALTBYTES];
	uint8_t nonce[crypto_secretbox_NONCEBYTES];
	uint8_t box[crypto_secretbox_MACBYTES + crypto_sign_SECRETKEYBYTES];
	unsigned long long ops = 0;
	size_t mem = 0;
	const char *role = line_value(lines, 1, "role");
	const char *kdf = line_value(lines, 3, "kdf");
	bool ok = key && lines[0] && strcmp(lines[0], SECRET_CONTEXT) == 0 && role &&
	          tsr_key_role_parse(role, &key->role) &&
	          hex_field(lines, 2, "public", key->pk, sizeof key->pk) && kdf &&
	          sscanf(kdf, "argon2id13 %llu %zu", &ops, &mem) == 2 &&
	          ops >= crypto_pwhash_OPSLIMIT_MIN && ops <= 64 &&
	          mem >= crypto_pwhash_MEMLIMIT_MIN && mem <= ((size_t)4 << 30) &&
	          hex_field(lines, 4, "salt", salt, sizeof salt) &&
	          hex_field(lines, 5, "nonce", nonce, sizeof nonce) &&
	          hex_field(lines, 6, "box", box, sizeof box);
	g_strfreev(lines);
	if (!ok) {
		g_set_error(error, TSR_PROVISION_ERROR, TSR_PROVISION_ERROR_KEY,
		            "%s is not a Tessera secret key file (made by 'tessera-provision keygen')",
		            path);
		tsr_secret_key_free(key);
		return NULL;
	}
	uint8_t *k = sodium_malloc(crypto_secretbox_KEYBYTES);
	if (!k || crypto_pwhash(k, crypto_secretbox_KEYBYTES, passphrase, strlen(passphrase), salt,
	                        ops, mem, crypto_pwhash_ALG_ARGON2ID13) != 0 ||
	    crypto_secretbox_open_easy(key->sk, box, sizeof box, nonce, k) != 0) {
		sodium_free(k);
		tsr_secret_key_free(key);
		g_set_error(error, TSR_PROVISION_ERROR, TSR_PROVISION_ERROR_PASSPHRASE,
		            "%s: wrong passphrase, or the key file is damaged", path);
		return NULL;
	}
	sodium_free(k);
	/* The public key in the clear must be the one inside the box. */
	uint8_t pk[crypto_sign_PUBLICKEYBYTES];
	crypto_sign_ed25519_sk_to_pk(pk, key->sk);
	if (sodium_memcmp(pk, key->pk, sizeof pk) != 0) {
		tsr_secret_key_free(key);
		g_set_error(error, TSR_PROVISION_ERROR, TSR_PROVISION_ERROR_KEY,
		            "%s: the public key does not match the secret key", path);
		return NULL;
	}
	return key;
}

bool tsr_public_key_save(enum tsr_key_role role, const uint8_t pk[32], const char *path,
                         GError **error)
{
	char hex[65];
	tsr_key_hex(pk, hex);
	char *text = g_strdup_printf(PUBLIC_CONTEXT " %s %s\n", tsr_key_role_name(role), hex);
	bool ok = tsr_write_file_atomic(path, text, strlen(text), 0644, error);
	g_free(text);
	return ok;
}

bool tsr_public_key_load(const char *path, enum tsr_key_role *role, uint8_t pk[32], GError **error)
{
	char *data = NULL;
	GError *ferr = NULL;
	if (!g_file_get_contents(path, &data, NULL, &ferr)) {
		g_set_error(error, TSR_PROVISION_ERROR, TSR_PROVISION_ERROR_IO, "%s", ferr->message);
		g_error_free(ferr);
		return false;
	}
	enum tsr_key_role r = TSR_KEY_ROLE_POLICY;
	bool ok = false;
	char **f = g_strsplit(g_strstrip(data), " ", 4);
	if (g_strv_length(f) == 3 && strcmp(f[0], PUBLIC_CONTEXT) == 0 &&
	    tsr_key_role_parse(f[1], &r) && tsr_hex_decode(f[2], pk, 32)) {
		ok = true;
	} else if (g_str_has_prefix(data, SECRET_CONTEXT "\n")) {
		char **lines = g_strsplit(data, "\n", 4);
		const char *rv = line_value(lines, 1, "role");
		ok = rv && tsr_key_role_parse(rv, &r) && hex_field(lines, 2, "public", pk, 32);
		g_strfreev(lines);
	}
	g_strfreev(f);
	g_free(data);
	if (!ok) {
		g_set_error(error, TSR_PROVISION_ERROR, TSR_PROVISION_ERROR_KEY,
		            "%s is not a Tessera public key (made by 'tessera-provision keygen')", path);
		return false;
	}
	if (role)
		*role = r;
	return true;
}

void tsr_passphrase_free(char *pass)
{
	if (pass) {
		sodium_memzero(pass, strlen(pass));
		g_free(pass);
	}
}

static char *tty_read(int fd, const char *prompt)
{
	struct termios old, noecho;
	bool restore = tcgetattr(fd, &old) == 0;
	if (restore) {
		noecho = old;
		noecho.c_lflag &= ~(tcflag_t)ECHO;
		noecho.c_lflag |= ECHONL;
		tcsetattr(fd, TCSAFLUSH, &noecho);
	}
	if (write(fd, prompt, strlen(prompt)) < 0) {
		/* nothing to do: the read below still works */
	}
	GString *s = g_string_new(NULL);
	char c;
	while (read(fd, &c, 1) == 1 && c != '\n' && s->len < 1024)
		g_string_append_c(s, c);
	if (restore)
		tcsetattr(fd, TCSAFLUSH, &old);
	return g_string_free(s, FALSE);
}

char *tsr_passphrase_read(const char *file, const char *prompt, bool confirm, GError **error)
{
	if (file) {
		char *data = NULL;
		GError *ferr = NULL;
		if (!g_file_get_contents(file, &data, NULL, &ferr)) {
			g_set_error(error, TSR_PROVISION_ERROR, TSR_PROVISION_ERROR_IO,
			            "passphrase file: %s", ferr->message);
			g_error_free(ferr);
			return NULL;
		}
		char *nl = strchr(data, '\n');
		if (nl)
			*nl = '\0';
		if (!data[0]) {
			tsr_passphrase_free(data);
			g_set_error(error, TSR_PROVISION_ERROR, TSR_PROVISION_ERROR_USAGE,
			            "passphrase file %s: the first line is empty", file);
			return NULL;
		}
		return data;
	}
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		g_set_error(error, TSR_PROVISION_ERROR, TSR_PROVISION_ERROR_USAGE,
		            "no terminal to ask for the passphrase; use --passphrase-file FILE");
		return NULL;
	}
	char *pass = tty_read(fd, prompt);
	if (confirm && pass[0]) {
		char *again = tty_read(fd, "Again: ");
		if (strcmp(pass, again) != 0) {
			tsr_passphrase_free(pass);
			pass = NULL;
			g_set_error(error, TSR_PROVISION_ERROR, TSR_PROVISION_ERROR_USAGE,
			            "the two entries differ; nothing was written");
		}
		tsr_passphrase_free(again);
	}
	close(fd);
	if (pass && !pass[0]) {
		tsr_passphrase_free(pass);
		pass = NULL;
		g_set_error(error, TSR_PROVISION_ERROR, TSR_PROVISION_ERROR_USAGE, "empty passphrase");
	}
	return pass;
}
