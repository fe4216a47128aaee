/* policy/enrol.h: the enrolment file, what an admin puts on a removable disk labelled TSR-ENROL
 * so that a laptop that is not enrolled can pin its organization's root keys.
 *
 * The file is untrusted until the user confirms it on the kiosk's trusted screen: it comes from
 * a USB stick anyone may plug in. So it is parsed strictly (fixed field order, at most
 * TSR_ENROL_FILE_MAX bytes, nothing after the end), the bundle it carries must be signed and
 * chain to the roots it names, and where the image pins roots (tools/build-image --enrol-root)
 * every root it names must be one of those. What the laptop then writes is the trusted.keys of
 * policy/bundle.h and the bundle, installed as provisioning/install.h installs any.
 *
 *   "tessera-enrol-v1\n" "organization ORG\n" "group GROUP\n" ("root HEX\n"){1,4}
 *   "bundle LEN\n" BUNDLE (LEN bytes, a signed tessera-bundle-v2) */
#ifndef TSR_POLICY_ENROL_H
#define TSR_POLICY_ENROL_H

#include "policy/bundle.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

#define TSR_ENROL_CONTEXT "tessera-enrol-v1"
/* The FAT label of an enrolment disk (FAT labels hold at most 11 characters) and the file's
 * name in its root directory: an 8.3 name, so every FAT writer stores it as the short name
 * below and the laptop's reader needs no long-name support (enrol/fat.h). */
#define TSR_ENROL_LABEL "TSR-ENROL"
#define TSR_ENROL_FILE_NAME "tessera.enr"
#define TSR_ENROL_SHORT_NAME "TESSERA ENR"
/* A first policy is small; a stick may hold anything, so reading stops here. */
#define TSR_ENROL_FILE_MAX (4u << 20)
#define TSR_ENROL_ROOTS_MAX 4

struct tsr_enrol {
	char *organization;
	char *group;
	uint8_t (*roots)[TSR_KEY_PUBLIC_BYTES];
	size_t n_roots;
	char *bundle;                   /* the bundle's bytes as carried */
	size_t bundle_len;
};

/* Strict parser for untrusted bytes (fuzzed: tests/fuzz/policy-enrol-fuzz.c); nothing is
 * verified yet. NULL with TSR_BUNDLE_ERROR_FORMAT naming the first bad field. */
struct tsr_enrol *tsr_enrol_parse(const char *data, size_t len, GError **error)
	__attribute__((warn_unused_result));
void tsr_enrol_free(struct tsr_enrol *e);
char *tsr_enrol_serialize(const struct tsr_enrol *e, size_t *len);

/* The bundle is signed (else TSR_BUNDLE_ERROR_UNSIGNED), names the file's organization and
 * group, and verifies against the file's roots (tsr_bundle_verify); with n_pinned > 0 every
 * root the file names is among pinned (else TSR_BUNDLE_ERROR_NOT_PINNED). Serial, time and
 * the content are the installer's checks, made after this. */
bool tsr_enrol_verify(const struct tsr_enrol *e, const uint8_t (*pinned)[TSR_KEY_PUBLIC_BYTES],
                      size_t n_pinned, GError **error) __attribute__((warn_unused_result));

/* What the laptop pins: trusted.keys's text, and the same as a struct tsr_trust. */
char *tsr_enrol_trust_text(const struct tsr_enrol *e, size_t *len);
struct tsr_trust *tsr_enrol_trust(const struct tsr_enrol *e);

/* A file of root public keys pinned into an image: "root HEX" lines, '#' comments. A missing
 * file pins nothing (*n = 0, true). */
bool tsr_enrol_read_pins(const char *path, uint8_t (**roots)[TSR_KEY_PUBLIC_BYTES], size_t *n,
                         GError **error) __attribute__((warn_unused_result));

#endif
