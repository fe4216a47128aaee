/* kiosk/sandbox.c: tessera-kiosk's box in broker mode: its limits and its system-call allowlist
 * (see sandbox.h; doc/sandbox.md explains each entry). */
#include "config.h"
#include "kiosk/sandbox.h"
#include "common/log.h"
#include "common/sandbox.h"
#include "common/seccomp.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))
/* An open that may create, truncate or write. */
#define WRITE_FLAGS (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC | O_APPEND)

static const struct tsr_seccomp_rule base[] = {
	/* I/O on fds already held: the broker link, viewer links, the console link, lent
	 * devices, stderr */
	TSR_SC_ALLOW(read), TSR_SC_ALLOW(write), TSR_SC_ALLOW(readv), TSR_SC_ALLOW(writev),
	TSR_SC_ALLOW(pread64), TSR_SC_ALLOW(pwrite64), TSR_SC_ALLOW(recvmsg),
	TSR_SC_ALLOW(sendmsg), TSR_SC_ALLOW(recvfrom), TSR_SC_ALLOW(sendto), TSR_SC_ALLOW(close),
	TSR_SC_ALLOW(lseek), TSR_SC_ALLOW(fstat), TSR_SC_ALLOW(dup), TSR_SC_ALLOW(shutdown),
	TSR_SC_ALLOW(getsockopt), TSR_SC_ALLOW(getsockname), TSR_SC_ALLOW(getpeername),
	/* ioctls on held fds: DRM/KMS on the lent card, EVIOCGRAB and friends on lent evdev
	 * fds (no new fd can be opened for either) */
	TSR_SC_ALLOW(ioctl),
	/* fcntl, command by command: fd flags, non-blocking mode (never O_ASYNC), seals of
	 * memfds. F_SETOWN, F_SETSIG, F_SETOWN_EX are refused. */
	TSR_SC_ALLOW_EQ(fcntl, 1, F_GETFD), TSR_SC_ALLOW_EQ(fcntl, 1, F_SETFD),
	TSR_SC_ALLOW_EQ(fcntl, 1, F_GETFL),
	TSR_SC_ALLOW_EQ_NONE_OF(fcntl, 1, F_SETFL, 2, O_ASYNC),
	TSR_SC_ALLOW_EQ(fcntl, 1, F_GET_SEALS), TSR_SC_ALLOW_EQ(fcntl, 1, F_ADD_SEALS),
	TSR_SC_ALLOW_EQ(fcntl, 1, F_DUPFD_CLOEXEC),
	/* reading files: xkb keymaps compiled when policy changes the layout, fonts */
	TSR_SC_ALLOW_NONE_OF(openat, 2, WRITE_FLAGS), TSR_SC_ALLOW(newfstatat),
	TSR_SC_ALLOW(statx), TSR_SC_ALLOW(fstatfs), TSR_SC_ALLOW(access), TSR_SC_ALLOW(faccessat),
	TSR_SC_ALLOW(faccessat2), TSR_SC_ALLOW(getdents64), TSR_SC_ALLOW(readlink),
	TSR_SC_ALLOW(readlinkat),
	/* waiting */
	TSR_SC_ALLOW(poll), TSR_SC_ALLOW(ppoll), TSR_SC_ALLOW(select), TSR_SC_ALLOW(pselect6),
	TSR_SC_ALLOW(epoll_create1), TSR_SC_ALLOW(epoll_ctl), TSR_SC_ALLOW(epoll_wait),
	TSR_SC_ALLOW(epoll_pwait), TSR_SC_ALLOW(eventfd2), TSR_SC_ALLOW(pipe2),
	TSR_SC_ALLOW(timerfd_create), TSR_SC_ALLOW(timerfd_settime),
	TSR_SC_ALLOW(timerfd_gettime), TSR_SC_ALLOW(futex), TSR_SC_ALLOW(nanosleep),
	TSR_SC_ALLOW(clock_nanosleep), TSR_SC_ALLOW(sched_yield),
	/* memory, never executable: viewer surfaces, the console's surface memfd, dumb
	 * buffers */
	TSR_SC_ALLOW(brk), TSR_SC_ALLOW_NONE_OF(mmap, 2, PROT_EXEC), TSR_SC_ALLOW(munmap),
	TSR_SC_ALLOW(mremap), TSR_SC_ALLOW_NONE_OF(mprotect, 2, PROT_EXEC),
	TSR_SC_ALLOW(madvise), TSR_SC_ALLOW(memfd_create), TSR_SC_ALLOW(ftruncate),
	/* GLib's worker threads, and signals to our own threads only */
	TSR_SC_ALLOW_ALL_OF(clone, 0, CLONE_THREAD), TSR_SC_FAIL(clone3, ENOSYS),
	TSR_SC_ALLOW_SELF(tgkill, 0), TSR_SC_ALLOW_SELF(kill, 0),
	TSR_SC_ALLOW(restart_syscall), TSR_SC_ALLOW(set_robust_list), TSR_SC_ALLOW(get_robust_list),
	TSR_SC_ALLOW(rseq),
	TSR_SC_ALLOW(set_tid_address), TSR_SC_ALLOW(rt_sigaction), TSR_SC_ALLOW(rt_sigprocmask),
	TSR_SC_ALLOW(rt_sigreturn), TSR_SC_ALLOW(sigaltstack), TSR_SC_ALLOW(sched_getaffinity),
	TSR_SC_ALLOW(exit), TSR_SC_ALLOW(exit_group), TSR_SC_ALLOW(getpid), TSR_SC_ALLOW(gettid),
	TSR_SC_ALLOW(getppid),
	TSR_SC_ALLOW_EQ(prctl, 0, PR_SET_NAME), TSR_SC_ALLOW_EQ(prctl, 0, PR_GET_NAME),
	TSR_SC_ALLOW_EQ(prlimit64, 2, 0),
	/* harmless queries */
	TSR_SC_ALLOW(clock_gettime), TSR_SC_ALLOW(clock_getres), TSR_SC_ALLOW(gettimeofday),
	TSR_SC_ALLOW(time), TSR_SC_ALLOW(getrandom), TSR_SC_ALLOW(uname), TSR_SC_ALLOW(getuid),
	TSR_SC_ALLOW(geteuid), TSR_SC_ALLOW(getgid), TSR_SC_ALLOW(getegid),
	TSR_SC_ALLOW(getresuid), TSR_SC_ALLOW(getresgid), TSR_SC_ALLOW(getgroups),
	TSR_SC_ALLOW(getrlimit), TSR_SC_ALLOW(sysinfo), TSR_SC_ALLOW(getcpu),
};

/* --screenshot-dir: a PNG per screen, written under a temporary name and renamed. */
static const struct tsr_seccomp_rule writes[] = {
	TSR_SC_ALLOW(openat), TSR_SC_ALLOW(rename), TSR_SC_ALLOW(renameat),
	TSR_SC_ALLOW(renameat2), TSR_SC_ALLOW(unlink), TSR_SC_ALLOW(unlinkat),
};

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
