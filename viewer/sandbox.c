/* viewer/sandbox.c: tessera-viewer's box: its steps, its limits and its system-call allowlist
 * (see sandbox.h; doc/sandbox.md explains each entry). */
#include "config.h"
#include "viewer/sandbox.h"
#include "common/sandbox.h"
#include "common/seccomp.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static const struct tsr_seccomp_rule allow[] = {
	/* I/O on fds already held */
	TSR_SC_ALLOW(read), TSR_SC_ALLOW(write), TSR_SC_ALLOW(readv), TSR_SC_ALLOW(writev),
	TSR_SC_ALLOW(pread64), TSR_SC_ALLOW(pwrite64), TSR_SC_ALLOW(recvmsg),
	TSR_SC_ALLOW(sendmsg), TSR_SC_ALLOW(recvfrom), TSR_SC_ALLOW(sendto), TSR_SC_ALLOW(close),
	TSR_SC_ALLOW(lseek), TSR_SC_ALLOW(fstat), TSR_SC_ALLOW(dup), TSR_SC_ALLOW(shutdown),
	TSR_SC_ALLOW(getsockopt), TSR_SC_ALLOW(setsockopt), TSR_SC_ALLOW(getsockname),
	TSR_SC_ALLOW(getpeername),
	/* fcntl, command by command: fd flags, non-blocking mode (never O_ASYNC), and the seals
	 * of the pixel memfds. F_SETOWN, F_SETSIG and F_SETOWN_EX are refused: with O_ASYNC they
	 * would signal any process of the viewer's uid. */
	TSR_SC_ALLOW_EQ(fcntl, 1, F_GETFD), TSR_SC_ALLOW_EQ(fcntl, 1, F_SETFD),
	TSR_SC_ALLOW_EQ(fcntl, 1, F_GETFL),
	TSR_SC_ALLOW_EQ_NONE_OF(fcntl, 1, F_SETFL, 2, O_ASYNC),
	TSR_SC_ALLOW_EQ(fcntl, 1, F_ADD_SEALS), TSR_SC_ALLOW_EQ(fcntl, 1, F_GET_SEALS),
	/* fstat() in glibc is fstatat(fd, "", AT_EMPTY_PATH): only that form, which cannot name
	 * a file */
	TSR_SC_ALLOW_ALL_OF(newfstatat, 3, AT_EMPTY_PATH),
	TSR_SC_ALLOW_ALL_OF(statx, 2, AT_EMPTY_PATH),
	/* waiting */
	TSR_SC_ALLOW(poll), TSR_SC_ALLOW(ppoll), TSR_SC_ALLOW(select), TSR_SC_ALLOW(pselect6),
	TSR_SC_ALLOW(epoll_create1), TSR_SC_ALLOW(epoll_ctl), TSR_SC_ALLOW(epoll_wait),
	TSR_SC_ALLOW(epoll_pwait), TSR_SC_ALLOW(eventfd2), TSR_SC_ALLOW(pipe2),
	TSR_SC_ALLOW(timerfd_create), TSR_SC_ALLOW(timerfd_settime),
	TSR_SC_ALLOW(timerfd_gettime), TSR_SC_ALLOW(futex), TSR_SC_ALLOW(nanosleep),
	TSR_SC_ALLOW(clock_nanosleep), TSR_SC_ALLOW(sched_yield),
	/* memory, including the memfds that carry pixels; never executable (as OpenSSH's
	 * sandbox): no code the SPICE stream smuggled in can be made to run */
	TSR_SC_ALLOW(brk), TSR_SC_ALLOW_NONE_OF(mmap, 2, PROT_EXEC), TSR_SC_ALLOW(munmap),
	TSR_SC_ALLOW(mremap), TSR_SC_ALLOW_NONE_OF(mprotect, 2, PROT_EXEC),
	TSR_SC_ALLOW(madvise), TSR_SC_ALLOW(memfd_create), TSR_SC_ALLOW(ftruncate),
	/* threads and signals: threads only (a clone without CLONE_THREAD would be a fork),
	 * signals only to our own threads (abort, GLib) */
	TSR_SC_ALLOW_ALL_OF(clone, 0, CLONE_THREAD), TSR_SC_FAIL(clone3, ENOSYS),
	TSR_SC_ALLOW_SELF(tgkill, 0),
	TSR_SC_ALLOW(set_robust_list), TSR_SC_ALLOW(get_robust_list), TSR_SC_ALLOW(rseq),
	TSR_SC_ALLOW(set_tid_address), TSR_SC_ALLOW(rt_sigaction), TSR_SC_ALLOW(rt_sigprocmask),
	TSR_SC_ALLOW(restart_syscall), TSR_SC_ALLOW(rt_sigreturn), TSR_SC_ALLOW(sigaltstack),
	TSR_SC_ALLOW(sched_getaffinity),
	TSR_SC_ALLOW(exit), TSR_SC_ALLOW(exit_group), TSR_SC_ALLOW(getpid), TSR_SC_ALLOW(gettid),
	TSR_SC_ALLOW(getppid),
	/* thread names only (GLib names its threads); nothing that changes privileges */
	TSR_SC_ALLOW_EQ(prctl, 0, PR_SET_NAME), TSR_SC_ALLOW_EQ(prctl, 0, PR_GET_NAME),
	/* getrlimit through prlimit64(0, res, NULL, old): reading only */
	TSR_SC_ALLOW_EQ(prlimit64, 2, 0),
	/* the only ioctls: bytes waiting, non-blocking mode (TIOCSTI and the rest are out) */
	TSR_SC_ALLOW_EQ(ioctl, 1, FIONREAD), TSR_SC_ALLOW_EQ(ioctl, 1, FIONBIO),
	/* harmless queries */
	TSR_SC_ALLOW(clock_gettime), TSR_SC_ALLOW(clock_getres), TSR_SC_ALLOW(gettimeofday),
	TSR_SC_ALLOW(time), TSR_SC_ALLOW(getrandom), TSR_SC_ALLOW(uname), TSR_SC_ALLOW(getuid),
	TSR_SC_ALLOW(geteuid), TSR_SC_ALLOW(getgid), TSR_SC_ALLOW(getegid),
	TSR_SC_ALLOW(getresuid), TSR_SC_ALLOW(getresgid), TSR_SC_ALLOW(getgroups),
	TSR_SC_ALLOW(getrlimit), TSR_SC_ALLOW(sysinfo), TSR_SC_ALLOW(getcpu),
};

#if TSR_SANITIZER_BUILD
/* Sanitizer mode (doc/sandbox.md): the viewer starts undumpable, so /proc/self/environ is
 * root's and ASan cannot read ASAN_OPTIONS from it; the options it needs are compiled in. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "detect_leaks=0:abort_on_error=1";
}
#endif

int tsr_viewer_sandbox_first(char *err, size_t errlen)
{
	if (tsr_sandbox_after_exec() < 0) {
		snprintf(err, errlen, "%s", errno == EPERM
			 ? "a tracer attached to the viewer before it became undumpable"
			 : "cannot make the viewer undumpable");
		return -1;
	}
	return 0;
}

int tsr_viewer_sandbox_close_fds(const int *keep, size_t n, char *err, size_t errlen)
{
	if (tsr_sandbox_close_fds(keep, n, true) < 0) {
		snprintf(err, errlen, "closing inherited fds failed: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int tsr_viewer_sandbox_enter(char *err, size_t errlen)
{
	const struct tsr_sandbox sb = {
		/* The spawner set the ids; here they are verified (never root, all equal, no
		 * groups, root unreachable). */
		.ids = TSR_SANDBOX_IDS_DROP,
		.uid = getuid(),
		.gid = getgid(),
		.limits = {
			/* surfaces up to 8192x8192 twice, plus SPICE's copy */
			.address_space = 4ull << 30,
			.open_files = 64,
			.no_core = true,
		},
		.allow = allow,
		.n_allow = sizeof(allow) / sizeof(allow[0]),
	};
	const char *step = "?";

	if (tsr_sandbox_enter(&sb, &step) < 0) {
		if (errno == EINVAL && strcmp(step, "drop ids") == 0)
			snprintf(err, errlen, "running as uid %u gid %u: the viewer must be started by "
				 "its spawner as the domain's own user, never root",
				 (unsigned)getuid(), (unsigned)getgid());
		else if (strcmp(step, "drop ids") == 0)
			snprintf(err, errlen, "ids are not fully dropped (saved/effective ids differ, "
				 "supplementary groups remain, or root is reachable)");
		else
			snprintf(err, errlen, "%s failed: %s", step, strerror(errno));
		return -1;
	}
	return 0;
}

static int note(char *report, size_t len, const char *what, int rc)
{
	size_t used = strlen(report);
	int saved = errno;

	snprintf(report + used, len - used, "%s%s=%s", used ? " " : "", what,
		 rc >= 0 ? "ALLOWED" : saved == EACCES ? "EACCES" : strerror(saved));
	return rc >= 0 ? 1 : 0;
}

int tsr_viewer_sandbox_probe(const char *connect_path, char *report, size_t len)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	char *const argv[] = { (char *)"/bin/true", NULL };
	int ok = 0, fd;
	pid_t pid;

	report[0] = '\0';
	fd = open("/etc/passwd", O_RDONLY | O_CLOEXEC);
	ok += note(report, len, "open", fd);
	if (fd >= 0)
		close(fd);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ok += note(report, len, "socket", fd);
	if (fd >= 0)
		close(fd);
	/* connect() on an fd we already hold (stdin): must be refused before the kernel looks. */
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", connect_path ? connect_path : "/");
	ok += note(report, len, "connect", connect(0, (struct sockaddr *)&sun, sizeof(sun)));
	ok += note(report, len, "execve", execve("/bin/true", argv, NULL));
	pid = fork();
	if (pid == 0)
		_exit(0);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	ok += note(report, len, "fork", pid);
	ok += note(report, len, "ioctl-TIOCSTI", ioctl(2, TIOCSTI, "x"));
	/* Signal 0 to the parent: only tests whether signalling it is allowed at all. */
	ok += note(report, len, "kill-parent", (int)syscall(SYS_tgkill, getppid(), getppid(), 0));
	ok += note(report, len, "kill", kill(getppid(), 0));
	/* The signal trick through an fd's owner, and executable memory. */
	ok += note(report, len, "fcntl-SETOWN", fcntl(0, F_SETOWN, getppid()));
	ok += note(report, len, "fcntl-ASYNC", fcntl(0, F_SETFL, O_ASYNC));
	{
		void *m = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		ok += note(report, len, "mmap-EXEC", m == MAP_FAILED ? -1 : 0);
		m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m != MAP_FAILED)
			ok += note(report, len, "mprotect-EXEC", mprotect(m, 4096, PROT_READ | PROT_EXEC));
	}
	return ok;
}
