/* domains/boot.h: how a domain boots (firmware, disk bus, install media, direct kernel), kept
 * apart from the backend core so backend.c only copies and checks it, and each backend reads
 * one struct to build its command line or xl.cfg. */
#ifndef TSR_DOMAINS_BOOT_H
#define TSR_DOMAINS_BOOT_H

#include "domains/backend.h"

/* An owned copy of a struct tsr_pinned_file. */
struct tsr_boot_file {
	char *path;
	char *sha256;
	uint64_t size;
};

struct tsr_domain_boot {
	enum tsr_domain_firmware firmware;
	enum tsr_domain_disk_bus disk_bus;
	struct tsr_boot_file cdrom, kernel, initrd;
	bool given; /* policy said how to boot: the backend-wide kernel never applies */
};

/* The spec's boot part is possible: known enums, pinned absolute files, an initrd only with a
 * kernel, a kernel only with SeaBIOS, install media only with a disk. */
bool tsr_domain_boot_check(const struct tsr_domain_spec *spec, GError **error)
	__attribute__((warn_unused_result));
void tsr_domain_boot_set(struct tsr_domain_boot *boot, const struct tsr_domain_spec *spec);
void tsr_domain_boot_clear(struct tsr_domain_boot *boot);

/* Check each pinned boot file against its size and sha256 (domain names the domain in the
 * message). TSR_BACKEND_ERROR_TEMPLATE when one is missing or differs. */
bool tsr_domain_boot_verify(const struct tsr_domain_boot *boot, const char *domain,
			    GError **error) __attribute__((warn_unused_result));

/* The kernel and initramfs this domain direct-boots, or NULL for firmware boot: its own, or
 * the backend-wide default (default_kernel may be NULL). */
const char *tsr_domain_boot_kernel(const struct tsr_domain_boot *boot, const char *default_kernel);
const char *tsr_domain_boot_initrd(const struct tsr_domain_boot *boot, const char *default_kernel,
				   const char *default_initrd);

#endif
