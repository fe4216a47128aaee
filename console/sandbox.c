/* console/sandbox.c: tessera-console's box: its steps, its limits and its system-call allowlist
 * (see sandbox.h; doc/sandbox.md explains each entry). */
#include "config.h"
#include "console/sandbox.h"
#include "common/log.h"
#include "common/sandbox.h"
#include "common/seccomp-base.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>

static const struct tsr_seccomp_rule allow[] = {
	/* a GLib program on the fds it holds (common/seccomp-base.h) */
	TSR_SECCOMP_BASE_GLIB,
	TSR_SC_ALLOW(setsockopt),
	/* a server's own: its clients on the listening socket, spice-server's internal
	 * dispatcher socketpairs (no address, no peer) */
	TSR_SC_ALLOW(accept4), TSR_SC_ALLOW(accept), TSR_SC_ALLOW(socketpair),
	/* fstat in glibc's form only (cannot name a file); fstatfs to refuse hugetlbfs memfds */
	TSR_SC_ALLOW_ALL_OF(newfstatat, 3, AT_EMPTY_PATH),
	TSR_SC_ALLOW_ALL_OF(statx, 2, AT_EMPTY_PATH), TSR_SC_ALLOW(fstatfs),
	/* the only ioctls: bytes waiting, non-blocking mode */
	TSR_SC_ALLOW_EQ(ioctl, 1, FIONREAD), TSR_SC_ALLOW_EQ(ioctl, 1, FIONBIO),
};

bool tsr_console_sandbox_close_fds(int link, int listen_fd)
{
	const int keep[] = { link, listen_fd };

	if (tsr_sandbox_close_fds(keep, 2, true) < 0) {
		tsr_err("cannot close inherited fds: %s", strerror(errno));
		return false;
	}
	return true;
}

bool tsr_console_sandbox_enter(uid_t uid, gid_t gid)
{
	const struct tsr_sandbox sb = {
		.ids = TSR_SANDBOX_IDS_DROP,
		.uid = uid,
		.gid = gid,
		.limits = {
			/* spice-server's threads, image encoders and one copy of the surface */
			.address_space = 4ull << 30,
			/* each SPICE client opens a handful of channels; 128 leaves room for a few */
			.open_files = 128,
			.no_core = true,
		},
		.allow = allow,
		.n_allow = sizeof(allow) / sizeof(allow[0]),
	};

	return tsr_sandbox_enter_logged(&sb, "the console");
}
