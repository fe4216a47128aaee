/* domains/qemu-args.c: what one QEMU domain is made of (see qemu-args.h).
 *
 * The guest gets: SeaBIOS, or OVMF's code read-only plus its own variable store; its disk as a
 * qcow2 overlay on virtio-blk or AHCI; install media as an AHCI CD-ROM booted first; or a
 * direct kernel boot for the test images. Display: a VGA with TSR_QEMU_VGAMEM_MB exported by
 * SPICE on a unix socket, the SPICE agent channel on a virtio-serial port (harmless without an
 * agent in the guest) and a USB tablet so SPICE runs in client mouse mode. */
#include "config.h"

#include "domains/qemu-args.h"
#include "domains/network.h"

char *tsr_qemu_vars_path(const struct tsr_domain *d)
{
	return g_build_filename(d->state_dir, "uefi-vars.fd", NULL);
}

static char *append_cmdline(const struct tsr_domain *d)
{
	GString *s = g_string_new("console=ttyS0 quiet panic=-1 tsr.name=");
	g_string_append(s, d->name);
	if (d->cmdline) {
		g_string_append_c(s, ' ');
		g_string_append(s, d->cmdline);
	}
	return g_string_free(s, FALSE);
}

/* QEMU's -drive takes ',' as its separator; a path with one must double it. */
static char *drive_path(const char *path)
{
	char **parts = g_strsplit(path, ",", -1);
	char *s = g_strjoinv(",,", parts);
	g_strfreev(parts);
	return s;
}

GPtrArray *tsr_qemu_argv(const struct tsr_domain *d, const char *accel, const char *qmp_path)
{
	struct tsr_backend *b = d->backend;
	const struct tsr_domain_boot *boot = &d->boot;
	GPtrArray *a = g_ptr_array_new_with_free_func(g_free);
#define ARG(...) g_ptr_array_add(a, g_strdup_printf(__VA_ARGS__))
	ARG("%s", b->qemu);
	ARG("-name"); ARG("%s", d->name);
	ARG("-accel"); ARG("%s", accel);
	ARG("-machine"); ARG("pc");
	ARG("-m"); ARG("%u", d->memory_mb);
	ARG("-smp"); ARG("%u", d->vcpus);
	ARG("-nodefaults"); ARG("-no-user-config");
	ARG("-sandbox"); ARG("on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny");
	ARG("-display"); ARG("none");
	ARG("-vga"); ARG("none");
	/* virtio-vga keeps a VGA for the firmware and takes the SPICE client's monitors config
	 * itself (spice-server gives it to a display that can, not to the agent): the guest gets
	 * the frame's size as its display's preferred mode (doc/templates.md). */
	if (d->virtio_video) {
		ARG("-device"); ARG("virtio-vga,id=video0");
	} else {
		ARG("-device"); ARG("VGA,id=video0,vgamem_mb=%d", TSR_QEMU_VGAMEM_MB);
	}
	ARG("-spice"); ARG("unix=on,addr=%s,disable-ticketing=on", d->spice_path);
	ARG("-device"); ARG("virtio-serial-pci,id=vserial");
	ARG("-chardev"); ARG("spicevmc,id=vdagent,name=vdagent");
	ARG("-device"); ARG("virtserialport,chardev=vdagent,name=com.redhat.spice.0");
	ARG("-qmp"); ARG("unix:%s,server=on,wait=off", qmp_path);
	ARG("-serial"); ARG("file:%s", d->console_path);
	ARG("-device"); ARG("qemu-xhci,id=xhci");
	ARG("-device"); ARG("usb-tablet,bus=xhci.0");

	const char *kernel = tsr_domain_boot_kernel(boot, b->kernel);
	if (kernel) {
		const char *initrd = tsr_domain_boot_initrd(boot, b->kernel, b->initrd);
		ARG("-kernel"); ARG("%s", kernel);
		if (initrd) {
			ARG("-initrd"); ARG("%s", initrd);
		}
		ARG("-append"); g_ptr_array_add(a, append_cmdline(d));
	} else if (boot->firmware == TSR_FIRMWARE_UEFI) {
		char *code = drive_path(b->ovmf_code);
		char *vars_file = tsr_qemu_vars_path(d);
		char *vars = drive_path(vars_file);
		ARG("-drive"); ARG("if=pflash,format=raw,unit=0,readonly=on,file=%s", code);
		ARG("-drive"); ARG("if=pflash,format=raw,unit=1,file=%s", vars);
		g_free(code);
		g_free(vars);
		g_free(vars_file);
	}
	/* SeaBIOS is QEMU's default firmware: nothing to add for it. */

	bool ahci = boot->disk_bus == TSR_DISK_BUS_SATA || boot->cdrom.path;
	if (ahci) {
		ARG("-device"); ARG("ahci,id=ahci");
	}
	if (boot->cdrom.path) {
		char *iso = drive_path(boot->cdrom.path);
		ARG("-drive"); ARG("file=%s,if=none,id=cd0,media=cdrom,readonly=on,format=raw", iso);
		ARG("-device"); ARG("ide-cd,drive=cd0,bus=ahci.1,bootindex=0");
		g_free(iso);
	}
	if (d->template_path) {
		char *overlay = drive_path(d->overlay_path);
		ARG("-drive"); ARG("file=%s,if=none,id=disk0,format=qcow2,cache=writeback", overlay);
		ARG("-device");
		if (boot->disk_bus == TSR_DISK_BUS_SATA)
			ARG("ide-hd,drive=disk0,bus=ahci.0,bootindex=1");
		else
			ARG("virtio-blk-pci,drive=disk0,bootindex=1");
		g_free(overlay);
	}
	char *net = tsr_network_qemu_args((struct tsr_domain *)d);
	if (net) {
		ARG("-netdev"); g_ptr_array_add(a, net);
		ARG("-device"); ARG("virtio-net-pci,netdev=n0");
	}
	ARG("-msg"); ARG("timestamp=on");
#undef ARG
	g_ptr_array_add(a, NULL);
	return a;
}
