/* policy/bundle.h: the signed containers that carry policy to a laptop, and their checks.
 *
 * Two roles of ed25519 keys, as in TUF: an offline root key signs a key set (the trusted
 * policy keys and the revoked ones, with its own serial); an online policy key signs bundles.
 * Every bundle carries the key set in force, so a laptop that pins only the root key can
 * follow key rotation, and a newer key set replaces the older one. The formats are strict
 * line-oriented text so an admin can read them; see doc/provisioning.md.
 *
 *   key set:  "tessera-keyset-v1\n" "organization ORG\n" "serial N\n" "root HEX\n"
 *             ("policy-key HEX\n")+ ("revoked HEX\n")* "signature HEX\n"
 *   bundle:   "tessera-bundle-v2\n" "organization ORG\n" "group GROUP\n" "serial N\n"
 *             "valid-from T\n" "valid-until T\n" "content LEN\n" CONTENT
 *             [ "keyset-serial N\n" "keyset-sha256 HEX\n"
 *               "signer HEX\n" "signature HEX\n" "keyset LEN\n" KEYSET ]
 *
 * What is signed is every byte before the "signature" line (key set) or before the "signer"
 * line (bundle): the context, organization, group, serial and validity come first, and a
 * bundle's signature also covers the serial and sha256 of the key set it carries, so a mirror
 * cannot carry a revocation away by swapping in another (older, or otherwise validly signed)
 * key set. A bundle without the bracketed trailer is unsigned: what `tessera-provision build`
 * writes. Version 1 bundles (whose signature did not cover the key set) are refused. */
#ifndef TSR_POLICY_BUNDLE_H
#define TSR_POLICY_BUNDLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

#define TSR_BUNDLE_CONTEXT "tessera-bundle-v2"
/* The previous format, recognised only to say why it is refused. */
#define TSR_BUNDLE_CONTEXT_V1 "tessera-bundle-v1"
#define TSR_KEYSET_CONTEXT "tessera-keyset-v1"
#define TSR_KEY_PUBLIC_BYTES 32
#define TSR_KEY_SIGNATURE_BYTES 64
#define TSR_BUNDLE_CONTENT_MAX (16u << 20)
#define TSR_KEYSET_MAX (64u << 10)
#define TSR_KEYSET_KEYS_MAX 64

#define TSR_BUNDLE_ERROR (tsr_bundle_error_quark())
GQuark tsr_bundle_error_quark(void);

/* Each refusal has its own code, so tests and tools can tell them apart. */
enum tsr_bundle_error_code {
	TSR_BUNDLE_ERROR_FORMAT,        /* not a bundle / key set, truncated, bad field */
	TSR_BUNDLE_ERROR_UNSIGNED,      /* no signature trailer */
	TSR_BUNDLE_ERROR_ROOT,          /* key set not signed by a pinned root key */
	TSR_BUNDLE_ERROR_KEYSET_SIG,    /* key set signature does not verify */
	TSR_BUNDLE_ERROR_UNKNOWN_KEY,   /* signer not in the key set */
	TSR_BUNDLE_ERROR_REVOKED_KEY,   /* signer revoked by the key set */
	TSR_BUNDLE_ERROR_SIGNATURE,     /* bundle signature does not verify */
	TSR_BUNDLE_ERROR_ORGANIZATION,  /* for another organization */
	TSR_BUNDLE_ERROR_GROUP,         /* for another laptop group */
	TSR_BUNDLE_ERROR_KEYSET_OLDER,  /* key set older than the installed one */
	TSR_BUNDLE_ERROR_KEYSET_CONFLICT, /* same key set serial, different keys */
	TSR_BUNDLE_ERROR_SERIAL_OLD,    /* serial lower than installed */
	TSR_BUNDLE_ERROR_SERIAL_JUMP,   /* serial too far above installed */
	TSR_BUNDLE_ERROR_SERIAL_CONFLICT, /* same serial, different content */
	TSR_BUNDLE_ERROR_EXPIRED,       /* valid-until has passed */
	TSR_BUNDLE_ERROR_NOT_YET_VALID, /* valid-from is in the future */
	TSR_BUNDLE_ERROR_POLICY,        /* the content does not parse as policy */
	TSR_BUNDLE_ERROR_TRUST,         /* trusted.keys missing or malformed */
	TSR_BUNDLE_ERROR_IO,            /* reading or writing the state failed (disk full...) */
	TSR_BUNDLE_ERROR_OLD_FORMAT,    /* tessera-bundle-v1: its signature leaves the key set out */
	TSR_BUNDLE_ERROR_KEYSET_SWAPPED, /* the carried key set is not the one that was signed */
	TSR_BUNDLE_ERROR_NOT_PINNED,    /* an enrolment file's root is not the one the image pins */
};

struct tsr_keyset {
	char *organization;
	uint64_t serial;
	uint8_t root[TSR_KEY_PUBLIC_BYTES];
	uint8_t (*keys)[TSR_KEY_PUBLIC_BYTES];
	size_t n_keys;
	uint8_t (*revoked)[TSR_KEY_PUBLIC_BYTES];
	size_t n_revoked;
	bool is_signed;
	uint8_t signature[TSR_KEY_SIGNATURE_BYTES];
	char *raw;                      /* the whole file as parsed */
	size_t raw_len;
	size_t signed_len;              /* bytes of raw covered by the signature */
};

struct tsr_bundle {
	char *organization;
	char *group;
	uint64_t serial;
	int64_t valid_from, valid_until;
	char *content;                  /* NUL-terminated copy */
	size_t content_len;
	bool is_signed;
	uint64_t keyset_serial;         /* the key set the signature binds (signed bundles) */
	uint8_t keyset_sha256[32];
	uint8_t signer[TSR_KEY_PUBLIC_BYTES];
	uint8_t signature[TSR_KEY_SIGNATURE_BYTES];
	struct tsr_keyset *keyset;      /* NULL when unsigned */
	char *raw;
	size_t raw_len;
	size_t signed_len;
};

/* Strict parsers for untrusted bytes (fuzzed in tests/fuzz/). Nothing is verified yet. */
struct tsr_keyset *tsr_keyset_parse(const char *data, size_t len, GError **error)
	__attribute__((warn_unused_result));
void tsr_keyset_free(struct tsr_keyset *ks);
struct tsr_bundle *tsr_bundle_parse(const char *data, size_t len, GError **error)
	__attribute__((warn_unused_result));
/* A version 1 bundle, as an older install left it in a laptop's state: parsed only so the
 * installer keeps its serial and key set for the rollback checks when the first version 2
 * bundle replaces it. Never verified (its signature does not cover its key set), never
 * loaded as policy. */
struct tsr_bundle *tsr_bundle_parse_v1(const char *data, size_t len, GError **error)
	__attribute__((warn_unused_result));
struct tsr_bundle *tsr_bundle_read(const char *path, GError **error)
	__attribute__((warn_unused_result));
void tsr_bundle_free(struct tsr_bundle *b);

/* The bytes to sign (or that were signed) for a key set / bundle with these fields. A bundle
 * with a key set (b->keyset) binds it: its serial and sha256 end the signed text. */
char *tsr_keyset_signed_text(const struct tsr_keyset *ks, size_t *len);
char *tsr_bundle_signed_text(const struct tsr_bundle *b, size_t *len);
/* Whole files. The bundle's trailer is written only when b->is_signed. */
char *tsr_keyset_serialize(const struct tsr_keyset *ks, size_t *len);
char *tsr_bundle_serialize(const struct tsr_bundle *b, size_t *len);

/* The key set is signed by one of roots (n_roots pinned root public keys). */
bool tsr_keyset_verify(const struct tsr_keyset *ks, const uint8_t (*roots)[TSR_KEY_PUBLIC_BYTES],
                       size_t n_roots, GError **error) __attribute__((warn_unused_result));
/* The bundle is signed, its key set verifies against roots, is the one the signature binds,
 * belongs to the bundle's organization, and lists the signer as a policy key that is not
 * revoked. Serial, time
 * and laptop identity are the installer's checks (provisioning/install.h). */
bool tsr_bundle_verify(const struct tsr_bundle *b, const uint8_t (*roots)[TSR_KEY_PUBLIC_BYTES],
                       size_t n_roots, GError **error) __attribute__((warn_unused_result));

/* Hex of a public key and its short fingerprint "xxxx-xxxx-xxxx-xxxx" (sha256, 8 bytes). */
void tsr_key_hex(const uint8_t key[TSR_KEY_PUBLIC_BYTES], char out[2 * TSR_KEY_PUBLIC_BYTES + 1]);
void tsr_key_fingerprint(const uint8_t key[TSR_KEY_PUBLIC_BYTES], char out[20]);
bool tsr_hex_decode(const char *hex, uint8_t *out, size_t n) __attribute__((warn_unused_result));

/* STATE/trusted.keys: what a laptop pins at enrolment.
 *   organization ORG\n group GROUP\n (root HEX\n)+   ('#' comments and blank lines allowed) */
struct tsr_trust {
	char *organization;
	char *group;
	uint8_t (*roots)[TSR_KEY_PUBLIC_BYTES];
	size_t n_roots;
};
struct tsr_trust *tsr_trust_read(const char *path, GError **error)
	__attribute__((warn_unused_result));
void tsr_trust_free(struct tsr_trust *t);

#endif
