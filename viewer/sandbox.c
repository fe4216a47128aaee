/* viewer/sandbox.c: id checks, limits, no_new_privs, seccomp (see .h). */
#include "config.h"
#include "viewer/sandbox.h"
#include "common/sandbox.h"
#include "viewer/seccomp.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

int tsr_viewer_sandbox_enter(char *err, size_t errlen)
{
	const struct tsr_sandbox_limits limits = {
		.address_space = 4ull << 30, /* surfaces up to 8192x8192 twice, plus SPICE's copy */
		.open_files = 64,
		.no_core = true,
	};
	uid_t uid = getuid();
	gid_t gid = getgid();

	if (uid == 0 || gid == 0) {
		snprintf(err, errlen, "running as uid %u gid %u: the viewer must be started by its "
			 "spawner as the domain's own user, never root", (unsigned)uid, (unsigned)gid);
		return -1;
	}
	if (!tsr_sandbox_ids_dropped(uid, gid)) {
		snprintf(err, errlen, "ids are not fully dropped (saved/effective ids differ, "
			 "supplementary groups remain, or root is reachable)");
		return -1;
	}
	if (tsr_sandbox_set_limits(&limits) < 0) {
		snprintf(err, errlen, "setting rlimits failed: %s", strerror(errno));
		return -1;
	}
	if (tsr_sandbox_no_new_privs() < 0) {
		snprintf(err, errlen, "no_new_privs failed: %s", strerror(errno));
		return -1;
	}
	if (tsr_viewer_seccomp_load() < 0) {
		snprintf(err, errlen, "loading the seccomp filter failed: %s", strerror(errno));
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
	return ok;
}
