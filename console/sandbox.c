/* console/sandbox.c: tessera-console's box: its steps, its limits and its system-call allowlist
 * (see sandbox.h; doc/sandbox.md explains each entry). */
#include "config.h"
#include "console/sandbox.h"
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

static const struct tsr_seccomp_rule allow[] = {
	/* I/O on fds already held */
	TSR_SC_ALLOW(read), TSR_SC_ALLOW(write), TSR_SC_ALLOW(readv), TSR_SC_ALLOW(writev),
	TSR_SC_ALLOW(pread64), TSR_SC_ALLOW(pwrite64), TSR_SC_ALLOW(recvmsg),
	TSR_SC_ALLOW(sendmsg), TSR_SC_ALLOW(recvfrom), TSR_SC_ALLOW(sendto), TSR_SC_ALLOW(close),
	TSR_SC_ALLOW(lseek), TSR_SC_ALLOW(fstat), TSR_SC_ALLOW(dup), TSR_SC_ALLOW(shutdown),
	TSR_SC_ALLOW(getsockopt), TSR_SC_ALLOW(setsockopt), TSR_SC_ALLOW(getsockname),
	TSR_SC_ALLOW(getpeername),
	/* a server's own: its clients on the listening socket, spice-server's internal
	 * dispatcher socketpairs (no address, no peer) */
	TSR_SC_ALLOW(accept4), TSR_SC_ALLOW(accept), TSR_SC_ALLOW(socketpair),
	/* fcntl, command by command: fd flags, non-blocking mode (never O_ASYNC), reading the
	 * seals of the kiosk's surface memfd. F_SETOWN, F_SETSIG, F_SETOWN_EX are refused. */
	TSR_SC_ALLOW_EQ(fcntl, 1, F_GETFD), TSR_SC_ALLOW_EQ(fcntl, 1, F_SETFD),
	TSR_SC_ALLOW_EQ(fcntl, 1, F_GETFL),
	TSR_SC_ALLOW_EQ_NONE_OF(fcntl, 1, F_SETFL, 2, O_ASYNC),
	TSR_SC_ALLOW_EQ(fcntl, 1, F_GET_SEALS),
	/* fstat in glibc's form only (cannot name a file); fstatfs to refuse hugetlbfs memfds */
	TSR_SC_ALLOW_ALL_OF(newfstatat, 3, AT_EMPTY_PATH),
	TSR_SC_ALLOW_ALL_OF(statx, 2, AT_EMPTY_PATH), TSR_SC_ALLOW(fstatfs),
	/* waiting */
	TSR_SC_ALLOW(poll), TSR_SC_ALLOW(ppoll), TSR_SC_ALLOW(select), TSR_SC_ALLOW(pselect6),
	TSR_SC_ALLOW(epoll_create1), TSR_SC_ALLOW(epoll_ctl), TSR_SC_ALLOW(epoll_wait),
	TSR_SC_ALLOW(epoll_pwait), TSR_SC_ALLOW(eventfd2), TSR_SC_ALLOW(pipe2),
	TSR_SC_ALLOW(timerfd_create), TSR_SC_ALLOW(timerfd_settime),
	TSR_SC_ALLOW(timerfd_gettime), TSR_SC_ALLOW(futex), TSR_SC_ALLOW(nanosleep),
	TSR_SC_ALLOW(clock_nanosleep), TSR_SC_ALLOW(sched_yield),
	/* memory, never executable */
	TSR_SC_ALLOW(brk), TSR_SC_ALLOW_NONE_OF(mmap, 2, PROT_EXEC), TSR_SC_ALLOW(munmap),
	TSR_SC_ALLOW(mremap), TSR_SC_ALLOW_NONE_OF(mprotect, 2, PROT_EXEC),
	TSR_SC_ALLOW(madvise), TSR_SC_ALLOW(memfd_create), TSR_SC_ALLOW(ftruncate),
	/* threads (spice-server's worker) and signals to our own threads only */
	TSR_SC_ALLOW_ALL_OF(clone, 0, CLONE_THREAD), TSR_SC_FAIL(clone3, ENOSYS),
	TSR_SC_ALLOW_SELF(tgkill, 0),
	TSR_SC_ALLOW(set_robust_list), TSR_SC_ALLOW(get_robust_list), TSR_SC_ALLOW(rseq),
	TSR_SC_ALLOW(set_tid_address), TSR_SC_ALLOW(rt_sigaction), TSR_SC_ALLOW(rt_sigprocmask),
	TSR_SC_ALLOW(restart_syscall), TSR_SC_ALLOW(rt_sigreturn), TSR_SC_ALLOW(sigaltstack),
	TSR_SC_ALLOW(sched_getaffinity),
	TSR_SC_ALLOW(exit), TSR_SC_ALLOW(exit_group), TSR_SC_ALLOW(getpid), TSR_SC_ALLOW(gettid),
	TSR_SC_ALLOW(getppid),
	TSR_SC_ALLOW_EQ(prctl, 0, PR_SET_NAME), TSR_SC_ALLOW_EQ(prctl, 0, PR_GET_NAME),
	TSR_SC_ALLOW_EQ(prlimit64, 2, 0),
	TSR_SC_ALLOW_EQ(ioctl, 1, FIONREAD), TSR_SC_ALLOW_EQ(ioctl, 1, FIONBIO),
	/* harmless queries */
	TSR_SC_ALLOW(clock_gettime), TSR_SC_ALLOW(clock_getres), TSR_SC_ALLOW(gettimeofday),
	TSR_SC_ALLOW(time), TSR_SC_ALLOW(getrandom), TSR_SC_ALLOW(uname), TSR_SC_ALLOW(getuid),
	TSR_SC_ALLOW(geteuid), TSR_SC_ALLOW(getgid), TSR_SC_ALLOW(getegid),
	TSR_SC_ALLOW(getresuid), TSR_SC_ALLOW(getresgid), TSR_SC_ALLOW(getgroups),
	TSR_SC_ALLOW(getrlimit), TSR_SC_ALLOW(sysinfo), TSR_SC_ALLOW(getcpu),
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
	const char *step = "?";

	if (tsr_sandbox_enter(&sb, &step) == 0)
		return true;
	if (strcmp(step, "drop ids") == 0 && errno == EINVAL)
		tsr_err("refusing to run the console as root: --user must name an unprivileged "
			"user");
	else if (strcmp(step, "drop ids") == 0)
		tsr_err("cannot drop to uid %u gid %u: %s", (unsigned)uid, (unsigned)gid,
			strerror(errno));
	else
		tsr_err("sandbox: %s failed: %s", step, strerror(errno));
	return false;
}
