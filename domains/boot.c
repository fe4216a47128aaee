/* domains/boot.c: a domain's boot settings: checked at define, copied, verified at start (see
 * boot.h). The files are checked like the disk template, since a kernel or an ISO is just as
 * much what the guest runs. */
#include "config.h"

#include "domains/boot.h"
#include "domains/backend-private.h"

#include <string.h>

static bool sha256_ok(const char *hex)
{
	if (!hex || strlen(hex) != 64)
		return false;
	for (int i = 0; i < 64; i++)
		if (!g_ascii_isdigit(hex[i]) && !(hex[i] >= 'a' && hex[i] <= 'f'))
			return false;
	return true;
}

static bool file_ok(const struct tsr_domain_spec *s, const char *what,
		    const struct tsr_pinned_file *f, GError **error)
{
	if (!f->path)
		return true;
	if (!g_path_is_absolute(f->path) || !sha256_ok(f->sha256) || f->size == 0) {
		g_set_error(error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_INVALID,
			    "domain %s: %s %s must be an absolute path pinned by size and sha256 "
			    "(64 lowercase hex digits)", s->name, what, f->path);
		return false;
	}
	return true;
}

bool tsr_domain_boot_check(const struct tsr_domain_spec *s, GError **error)
{
	const char *bad = NULL;
	if (s->firmware != TSR_FIRMWARE_BIOS && s->firmware != TSR_FIRMWARE_UEFI)
		bad = "unknown firmware";
	else if (s->disk_bus != TSR_DISK_BUS_VIRTIO && s->disk_bus != TSR_DISK_BUS_SATA)
		bad = "unknown disk bus";
	else if (s->initrd.path && !s->kernel.path)
		bad = "an initramfs needs a kernel";
	else if (s->kernel.path && s->firmware == TSR_FIRMWARE_UEFI)
		bad = "direct kernel boot goes through SeaBIOS, not UEFI";
	else if (s->kernel.path && s->cdrom.path)
		bad = "a directly booted kernel never boots the install media";
	else if (s->cdrom.path && !s->template_path)
		bad = "install media need a disk to install onto";
	else if (!s->boot_given && (s->kernel.path || s->firmware != TSR_FIRMWARE_BIOS))
		bad = "a kernel or UEFI is a boot the policy gave: set boot_given";
	if (bad) {
		g_set_error(error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_INVALID, "domain %s: %s",
			    s->name, bad);
		return false;
	}
	return file_ok(s, "install media", &s->cdrom, error) &&
	       file_ok(s, "kernel", &s->kernel, error) && file_ok(s, "initramfs", &s->initrd, error);
}

static void copy_file(struct tsr_boot_file *to, const struct tsr_pinned_file *from)
{
	to->path = g_strdup(from->path);
	to->sha256 = g_strdup(from->sha256);
	to->size = from->size;
}

static void clear_file(struct tsr_boot_file *f)
{
	g_clear_pointer(&f->path, g_free);
	g_clear_pointer(&f->sha256, g_free);
	f->size = 0;
}

void tsr_domain_boot_set(struct tsr_domain_boot *b, const struct tsr_domain_spec *s)
{
	b->firmware = s->firmware;
	b->disk_bus = s->disk_bus;
	b->given = s->boot_given;
	copy_file(&b->cdrom, &s->cdrom);
	copy_file(&b->kernel, &s->kernel);
	copy_file(&b->initrd, &s->initrd);
}

void tsr_domain_boot_clear(struct tsr_domain_boot *b)
{
	clear_file(&b->cdrom);
	clear_file(&b->kernel);
	clear_file(&b->initrd);
}

bool tsr_domain_boot_verify(const struct tsr_domain_boot *b, const char *domain, GError **error)
{
	const struct tsr_boot_file *files[] = { &b->cdrom, &b->kernel, &b->initrd };
	static const char *const what[] = { "install media", "kernel", "initramfs" };
	for (size_t i = 0; i < G_N_ELEMENTS(files); i++)
		if (files[i]->path &&
		    !tsr_template_verify(files[i]->path, files[i]->size, files[i]->sha256, error)) {
			g_prefix_error(error, "domain %s: %s: ", domain, what[i]);
			return false;
		}
	return true;
}

const char *tsr_domain_boot_kernel(const struct tsr_domain_boot *b, const char *default_kernel)
{
	if (b->kernel.path)
		return b->kernel.path;
	return b->given ? NULL : default_kernel;
}

const char *tsr_domain_boot_initrd(const struct tsr_domain_boot *b, const char *default_kernel,
				   const char *default_initrd)
{
	if (b->kernel.path)
		return b->initrd.path;
	return !b->given && default_kernel ? default_initrd : NULL;
}
