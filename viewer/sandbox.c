/* viewer/sandbox.c: tessera-viewer's box: its steps, its limits and its system-call allowlist
 * (see sandbox.h; doc/sandbox.md explains each entry). */
#include "config.h"
#include "viewer/sandbox.h"
#include "common/sandbox.h"
#include "common/seccomp-base.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static const struct tsr_seccomp_rule allow[] = {
	/* a GLib program on the fds it holds (common/seccomp-base.h) */
	TSR_SECCOMP_BASE_GLIB,
	/* options of the SPICE sockets it holds */
	TSR_SC_ALLOW(setsockopt),
	/* sealing the pixel and clipboard memfds */
	TSR_SC_ALLOW_EQ(fcntl, 1, F_ADD_SEALS),
	/* the kiosk's clipboard memfd must be on shmem before it is mapped (proto/sealed-memfd.h) */
	TSR_SC_ALLOW(fstatfs),
	/* fstat() in glibc is fstatat(fd, "", AT_EMPTY_PATH): only that form, which cannot name
	 * a file */
	TSR_SC_ALLOW_ALL_OF(newfstatat, 3, AT_EMPTY_PATH),
	TSR_SC_ALLOW_ALL_OF(statx, 2, AT_EMPTY_PATH),
	/* the only ioctls: bytes waiting, non-blocking mode (TIOCSTI and the rest are out) */
	TSR_SC_ALLOW_EQ(ioctl, 1, FIONREAD), TSR_SC_ALLOW_EQ(ioctl, 1, FIONBIO),
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
