/* domains/qemu-args.h: the qemu backend's command line for one domain, apart from the process
 * and QMP handling in qemu.c so it can be read (and tested) as the list of what a guest gets. */
#ifndef TSR_DOMAINS_QEMU_ARGS_H
#define TSR_DOMAINS_QEMU_ARGS_H

#include "domains/backend-private.h"

/* Video memory of the emulated VGA, sized for the largest output the kiosk drives: a 4K
 * framebuffer at 32 bpp is 32 MiB, and the guest wants room to flip. */
#define TSR_QEMU_VGAMEM_MB 64

/* The per-domain copy of OVMF's variable store (firmware = uefi), in the domain's state
 * directory. Caller frees. */
char *tsr_qemu_vars_path(const struct tsr_domain *d);

/* argv for qemu-system-x86_64, NULL-terminated, strings owned by the array. accel: "kvm" or
 * "tcg"; qmp_path: the domain's QMP socket. */
GPtrArray *tsr_qemu_argv(const struct tsr_domain *d, const char *accel, const char *qmp_path);

#endif
