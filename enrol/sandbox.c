/* enrol/sandbox.c: tessera-enrol-reader's box: its steps, its limits and its system-call
 * allowlist (doc/sandbox.md explains each entry).
 *
 * The reader parses a file from a removable disk anyone may plug into a laptop that is not
 * enrolled, so it holds nothing worth taking: its own unprivileged user, no groups, the file on
 * stdin and a pipe on stdout, and calls that read, write, allocate and end. It cannot open,
 * create, connect or execute anything. */
#include "config.h"
#include "enrol/sandbox.h"
#include "common/sandbox.h"
#include "common/seccomp-base.h"


static const struct tsr_seccomp_rule allow[] = {
	/* read the file, write the answer, allocate, end (common/seccomp-base.h) */
	TSR_SECCOMP_HELD_FDS, TSR_SECCOMP_MEMORY, TSR_SC_ALLOW(exit_group), TSR_SC_ALLOW(exit),
	/* GLib's locks; abort() on a bug signals this thread only */
	TSR_SC_ALLOW(futex), TSR_SC_ALLOW(rt_sigprocmask), TSR_SC_ALLOW(rt_sigaction),
	TSR_SC_ALLOW_SELF(tgkill, 0), TSR_SC_ALLOW(getpid), TSR_SC_ALLOW(gettid),
	/* fstat in glibc's form only (cannot name a file): stdio's buffers ask it */
	TSR_SC_ALLOW_ALL_OF(newfstatat, 3, AT_EMPTY_PATH),
	/* libsodium's randombytes, asked once at initialisation (before the box) and never for
	 * verifying, but a later call must fail cleanly, not kill */
	TSR_SC_ALLOW(getrandom),
};

#if TSR_SANITIZER_BUILD
/* Sanitizer mode (doc/sandbox.md): LeakSanitizer cannot work inside the box (it needs ptrace
 * and /proc), and the broker starts the reader with an empty environment; the options it needs
 * are compiled in. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "detect_leaks=0:abort_on_error=1";
}
#endif

bool tsr_enrol_sandbox_enter(uid_t uid, gid_t gid)
{
	/* The file (4 MiB at most), its parsed copy and the bundle's, GLib; stdio alone. */
	const struct tsr_sandbox sb = {
		.ids = TSR_SANDBOX_IDS_DROP, .uid = uid, .gid = gid,
		.limits = { .address_space = 256ull << 20, .open_files = 8, .no_core = true },
		.close_fds = true,
		.allow = allow, .n_allow = sizeof(allow) / sizeof(allow[0]),
	};

	return tsr_sandbox_enter_logged(&sb, "the enrolment reader");
}
