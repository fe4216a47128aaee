/* kiosk/sandbox.c: tessera-kiosk's box in broker mode: its limits and its system-call allowlist
 * (see sandbox.h; doc/sandbox.md explains each entry). */
#include "config.h"
#include "kiosk/sandbox.h"
#include "common/log.h"
#include "common/sandbox.h"
#include "common/seccomp-base.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))
/* The type byte of an ioctl request (_IOC_TYPE): one rule per subsystem, whatever the number,
 * direction and size bits. */
#define IOC_TYPE_MASK 0xff00u
/* An open that may create, truncate or write. */
#define WRITE_FLAGS (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC | O_APPEND)

static const struct tsr_seccomp_rule base[] = {
	/* a GLib program on the fds it holds (common/seccomp-base.h): the broker link, viewer
	 * links, the console link, lent devices, stderr */
	TSR_SECCOMP_BASE_GLIB,
	/* ioctls by type: DRM/KMS ('d') on the lent card, EVIOCGRAB and friends ('E') on lent
	 * evdev fds (no new fd can be opened for either); bytes waiting, non-blocking mode, and
	 * isatty (GLib's log). Everything else is out: FIOSETOWN/SIOCSPGRP + FIOASYNC would be
	 * the fcntl signal trick by another door, and the network ioctls on sockets. */
	TSR_SC_ALLOW_MASKED(ioctl, 1, IOC_TYPE_MASK, (uint64_t)'d' << 8),
	TSR_SC_ALLOW_MASKED(ioctl, 1, IOC_TYPE_MASK, (uint64_t)'E' << 8),
	TSR_SC_ALLOW_EQ(ioctl, 1, FIONREAD), TSR_SC_ALLOW_EQ(ioctl, 1, FIONBIO),
	TSR_SC_ALLOW_EQ(ioctl, 1, TCGETS),
	/* sealing memfds, and duplicating an fd it holds */
	TSR_SC_ALLOW_EQ(fcntl, 1, F_ADD_SEALS), TSR_SC_ALLOW_EQ(fcntl, 1, F_DUPFD_CLOEXEC),
	/* reading files: xkb keymaps compiled when policy changes the layout, fonts */
	TSR_SC_ALLOW_NONE_OF(openat, 2, WRITE_FLAGS), TSR_SC_ALLOW(newfstatat),
	TSR_SC_ALLOW(statx), TSR_SC_ALLOW(fstatfs), TSR_SC_ALLOW(access), TSR_SC_ALLOW(faccessat),
	TSR_SC_ALLOW(faccessat2), TSR_SC_ALLOW(getdents64), TSR_SC_ALLOW(readlink),
	TSR_SC_ALLOW(readlinkat),
	/* signals to itself (raise) */
	TSR_SC_ALLOW_SELF(kill, 0),
};

/* --screenshot-dir: a PNG per screen, written under a temporary name and renamed. */
static const struct tsr_seccomp_rule writes[] = {
	TSR_SC_ALLOW(openat), TSR_SC_ALLOW(rename), TSR_SC_ALLOW(renameat),
	TSR_SC_ALLOW(renameat2), TSR_SC_ALLOW(unlink), TSR_SC_ALLOW(unlinkat),
};

#if TSR_SANITIZER_BUILD
/* Sanitizer mode (doc/sandbox.md): the broker starts the kiosk undumpable, so
 * /proc/self/environ is root's and ASan cannot read ASAN_OPTIONS from it; the options it needs
 * are compiled in, as the viewer's are. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "detect_leaks=0:abort_on_error=1";
}
#endif

bool tsr_kiosk_sandbox_first(void)
{
	if (tsr_sandbox_after_exec() == 0)
		return true;
	tsr_err("sandbox: %s", errno == EPERM ? "a tracer attached before the kiosk became undumpable"
						: "cannot make the kiosk undumpable");
	return false;
}

bool tsr_kiosk_sandbox_enter(bool writes_files)
{
	struct tsr_seccomp_rule allow[N(base) + N(writes)];
	size_t n = N(base);
	const char *step = "?";

	memcpy(allow, base, sizeof(base));
	if (writes_files) {
		memcpy(allow + n, writes, sizeof(writes));
		n += N(writes);
	}
	const struct tsr_sandbox sb = {
		.ids = TSR_SANDBOX_IDS_KEEP,
		.limits = {
			/* viewer links, their surfaces, lent devices, the console: far fewer */
			.open_files = 512,
			.no_core = true,
		},
		.allow = allow,
		.n_allow = n,
	};
	if (tsr_sandbox_enter(&sb, &step) == 0)
		return true;
	tsr_err("sandbox: %s failed: %s", step, strerror(errno));
	return false;
}
