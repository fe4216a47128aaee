/* domains/policy-spec.h: from the policy's typed domain to what a backend needs.
 *
 * The broker holds a verified struct tsr_policy; this turns one of its domains into a
 * struct tsr_domain_spec: the device model's identity resolved to numbers, the template's
 * pinned sha256 and size, and the template's path on this laptop. Kept apart from backend.c so
 * the backends do not depend on the policy parser. */
#ifndef TSR_DOMAINS_POLICY_SPEC_H
#define TSR_DOMAINS_POLICY_SPEC_H

#include "domains/backend.h"
#include "policy/policy.h"

/* Strings that the spec points to; free with tsr_domain_spec_storage_clear. */
struct tsr_domain_spec_storage {
	char *template_path;
	char *template_sha256;
	char *boot_paths[3];   /* cdrom, kernel, initrd */
	char *boot_sha256[3];
};

/* template_dir: where templates live (STATE/templates): the boot disk, install media, kernel
 * and initramfs are all templates there. Fails, naming the domain and what is wrong, for an
 * unknown template, a device-model user that does not exist on this laptop or
 * is root, and a network kind the backends cannot give (a bridge). */
bool tsr_domain_spec_from_policy(const struct tsr_policy *policy,
				 const struct tsr_policy_domain *domain, const char *template_dir,
				 struct tsr_domain_spec *spec,
				 struct tsr_domain_spec_storage *storage, GError **error)
	__attribute__((warn_unused_result));
void tsr_domain_spec_storage_clear(struct tsr_domain_spec_storage *storage);

#endif
