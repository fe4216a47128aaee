/* provisioning/keys.h: ed25519 key pairs for the two signing roles, secret keys at rest.
 *
 * A secret key never touches disk in the clear: it is sealed with a key derived from a
 * passphrase (argon2id, then XSalsa20-Poly1305 secretbox), so a copied key file alone signs
 * nothing. The root key is meant to live offline; the policy key on the admin workstation.
 *
 *   public:  "tessera-public-key-v1 ROLE HEX\n"
 *   secret:  "tessera-secret-key-v1\n" "role ROLE\n" "public HEX\n"
 *            "kdf argon2id13 OPSLIMIT MEMLIMIT\n" "salt HEX\n" "nonce HEX\n" "box HEX\n" */
#ifndef TSR_PROVISIONING_KEYS_H
#define TSR_PROVISIONING_KEYS_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>
#include <sodium.h>

#include "policy/bundle.h"

#define TSR_PROVISION_ERROR (tsr_provision_error_quark())
GQuark tsr_provision_error_quark(void);
enum tsr_provision_error_code {
	TSR_PROVISION_ERROR_USAGE,
	TSR_PROVISION_ERROR_IO,
	TSR_PROVISION_ERROR_KEY,        /* malformed key file, wrong role */
	TSR_PROVISION_ERROR_PASSPHRASE, /* wrong passphrase or damaged key file */
	TSR_PROVISION_ERROR_REMOTE,     /* ssh/scp/sftp failed */
	TSR_PROVISION_ERROR_TEMPLATE,   /* size or sha256 mismatch */
};

enum tsr_key_role { TSR_KEY_ROLE_ROOT, TSR_KEY_ROLE_POLICY };
const char *tsr_key_role_name(enum tsr_key_role role);
bool tsr_key_role_parse(const char *name, enum tsr_key_role *role)
	__attribute__((warn_unused_result));

struct tsr_secret_key {
	enum tsr_key_role role;
	uint8_t pk[crypto_sign_PUBLICKEYBYTES];
	uint8_t sk[crypto_sign_SECRETKEYBYTES]; /* in sodium_malloc'd memory */
};

/* A fresh key pair (sodium_malloc'd, freed with tsr_secret_key_free). */
struct tsr_secret_key *tsr_secret_key_generate(enum tsr_key_role role);
void tsr_secret_key_free(struct tsr_secret_key *key);

/* Seal with passphrase and write atomically (mode 0600). */
bool tsr_secret_key_save(const struct tsr_secret_key *key, const char *path, const char *passphrase,
                         GError **error) __attribute__((warn_unused_result));
struct tsr_secret_key *tsr_secret_key_load(const char *path, const char *passphrase, GError **error)
	__attribute__((warn_unused_result));

bool tsr_public_key_save(enum tsr_key_role role, const uint8_t pk[32], const char *path,
                         GError **error) __attribute__((warn_unused_result));
/* Reads a public key file, or a secret key file's public part. role may be NULL. */
bool tsr_public_key_load(const char *path, enum tsr_key_role *role, uint8_t pk[32], GError **error)
	__attribute__((warn_unused_result));

/* Passphrase: first line of file, or asked on /dev/tty without echo (twice when confirm). */
char *tsr_passphrase_read(const char *file, const char *prompt, bool confirm, GError **error)
	__attribute__((warn_unused_result));
void tsr_passphrase_free(char *pass);

/* Write data to path atomically: temp file in the same directory, fsync, rename, fsync dir. */
bool tsr_write_file_atomic(const char *path, const void *data, size_t len, int mode, GError **error)
	__attribute__((warn_unused_result));

#endif
