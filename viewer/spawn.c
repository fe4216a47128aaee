/* viewer/spawn.c: connect, fork, drop, exec (see spawn.h). */
#include "config.h"
#include "viewer/spawn.h"
#include "common/sandbox.h"
#include "viewer/spice-hold.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef TSR_VIEWER_LIBEXEC
#define TSR_VIEWER_LIBEXEC "/usr/libexec/tessera-viewer"
#endif

#define LINK_FD 3
#define FIRST_SPICE_FD 4

const char *tsr_viewer_default_path(void)
{
	return TSR_VIEWER_LIBEXEC;
}

static int connect_unix(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		int saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

/* The process serving the SPICE socket (the device model) must not run as the viewer's uid:
 * it could ptrace the viewer or signal it, and a guest that escaped into the device model
 * would be one step from the kiosk link. Asked of the kernel, so no policy can get it wrong. */
static bool peer_is_not(int fd, const struct tsr_viewer_spawn_params *p, GError **error)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno),
			    "domain %s: cannot tell who serves %s: %s", p->domain, p->spice_socket,
			    g_strerror(errno));
		return false;
	}
	/* A server that listened as root and dropped afterwards (Xen) shows uid 0 here: then
	 * the uid it was given is the one to compare. */
	if (cred.uid == p->uid || (p->server && p->server->uid == p->uid)) {
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_PERM,
			    "domain %s: its device model (pid %d) runs as uid %u, the uid its viewer "
			    "would run as; give the viewer its own user (viewer-user or viewer-uid)",
			    p->domain, (int)cred.pid, (unsigned)p->uid);
		return false;
	}
	return true;
}

/* In the child, between fork and exec: async-signal-safe calls only. Never returns. */
static void child(const struct tsr_viewer_spawn_params *p, int link, const int *spice, int devnull,
		  pid_t parent, char *const argv[], char *const envp[])
{
	int moved[1 + TSR_VIEWER_SPICE_CONNECTIONS];
	sigset_t all;
	const struct tsr_sandbox sb = {
		.ids = TSR_SANDBOX_IDS_DROP,
		.uid = p->uid,
		.gid = p->gid,
		.nondumpable_exec = true,
	};
	const char *step;

	/* Move everything out of the way first, then into place. */
	moved[0] = fcntl(link, F_DUPFD, 64);
	for (int i = 0; i < TSR_VIEWER_SPICE_CONNECTIONS; i++)
		moved[1 + i] = fcntl(spice[i], F_DUPFD, 64);
	for (int i = 0; i <= TSR_VIEWER_SPICE_CONNECTIONS; i++)
		if (moved[i] < 0 || dup2(moved[i], LINK_FD + i) < 0)
			_exit(126);
	if (dup2(devnull, 0) < 0)
		_exit(126);
	if (isatty(1) && dup2(devnull, 1) < 0)
		_exit(126);
	if (isatty(2) && dup2(devnull, 2) < 0)
		_exit(126);
	if (syscall(SYS_close_range, FIRST_SPICE_FD + TSR_VIEWER_SPICE_CONNECTIONS, ~0u, 0) < 0)
		_exit(126);
	if (setsid() < 0)
		_exit(126);
	sigfillset(&all);
	sigprocmask(SIG_UNBLOCK, &all, NULL);
	/* common's sequence without an allowlist: system calls only. As root it changes the ids
	 * and leaves the real gid apart so the viewer starts non-dumpable; without root it
	 * verifies that the ids already are the target. */
	if (tsr_sandbox_enter(&sb, &step) < 0)
		_exit(125);
	/* After the id change (which clears it): die with the kiosk or broker. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(124);
	execve(argv[0], argv, envp);
	_exit(127);
}

/* Refuse, before any fd is made, what the child could not do: run as root, take on ids the
 * caller cannot give it, shed groups it cannot drop, or run a viewer that is not there. */
static bool params_ok(const struct tsr_viewer_spawn_params *p, const char *viewer, GError **error)
{
	if (!p->domain || !p->spice_socket) {
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
			    "a viewer needs a domain name and a SPICE socket path");
		return false;
	}
	if (p->uid == 0 || p->gid == 0) {
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_PERM,
			    "domain %s: a viewer never runs as uid or gid 0; give the domain its own user",
			    p->domain);
		return false;
	}
	if (geteuid() != 0 && (p->uid != getuid() || p->gid != getgid())) {
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_PERM,
			    "domain %s: only root can start a viewer as uid %u gid %u; without root the "
			    "viewer runs as the caller (uid %u gid %u)", p->domain, (unsigned)p->uid,
			    (unsigned)p->gid, (unsigned)getuid(), (unsigned)getgid());
		return false;
	}
	if (geteuid() != 0 && getgroups(0, NULL) != 0) {
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_PERM,
			    "domain %s: without root the viewer runs as the caller, and the caller has "
			    "supplementary groups it cannot drop; start the kiosk without them (as the "
			    "broker does) or as root", p->domain);
		return false;
	}
	if (access(viewer, X_OK) < 0) {
		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno),
			    "the viewer %s cannot be run: %s", viewer, g_strerror(errno));
		return false;
	}
	return true;
}

/* One connection per channel; spice-server tells them apart by their link message. On failure
 * the ones made so far stay in spice[] for the caller to close. */
static bool connect_channels(const struct tsr_viewer_spawn_params *p, int *spice, GError **error)
{
	for (int i = 0; i < TSR_VIEWER_SPICE_CONNECTIONS; i++) {
		spice[i] = p->server ? tsr_unix_connect_peer(p->spice_socket, p->server, 0)
				     : connect_unix(p->spice_socket);
		if (spice[i] < 0) {
			g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno),
				    "domain %s: cannot connect to its SPICE socket %s: %s", p->domain,
				    p->spice_socket, g_strerror(errno));
			return false;
		}
	}
	return true;
}

/* The viewer's command line and environment, built before fork: the child may not allocate. */
struct exec_args {
	char fdargs[1 + TSR_VIEWER_SPICE_CONNECTIONS][16];
	char *argv[16];
	char *envp[6];
};

static void build_exec_args(const struct tsr_viewer_spawn_params *p, const char *viewer,
			    struct exec_args *x)
{
	int argc = 0, envc = 0;

	x->argv[argc++] = (char *)viewer;
	x->argv[argc++] = (char *)"--domain";
	x->argv[argc++] = (char *)p->domain;
	snprintf(x->fdargs[0], sizeof(x->fdargs[0]), "%d", LINK_FD);
	x->argv[argc++] = (char *)"--link-fd";
	x->argv[argc++] = x->fdargs[0];
	for (int i = 0; i < TSR_VIEWER_SPICE_CONNECTIONS; i++) {
		snprintf(x->fdargs[1 + i], sizeof(x->fdargs[1 + i]), "%d", FIRST_SPICE_FD + i);
		x->argv[argc++] = (char *)"--spice-fd";
		x->argv[argc++] = x->fdargs[1 + i];
	}
	if (p->probe_path) {
		x->argv[argc++] = (char *)"--sandbox-probe";
		x->argv[argc++] = (char *)p->probe_path;
	}
	x->argv[argc] = NULL;
	x->envp[envc++] = (char *)"PATH=/usr/bin:/bin";
	/* GLib looks the home directory up when a library asks (spice-gtk does); the viewer's
	 * user has no passwd entry, so without HOME every display would warn. It opens no file. */
	x->envp[envc++] = (char *)"HOME=/";
	/* Debug logging of the viewer follows the spawner's environment. */
	if (g_getenv("TSR_VIEWER_DEBUG"))
		x->envp[envc++] = (char *)"TSR_VIEWER_DEBUG=1";
	/* Sanitizer mode (doc/sandbox.md): LeakSanitizer cannot work inside the sandbox. */
	if (TSR_SANITIZER_BUILD)
		x->envp[envc++] = (char *)"ASAN_OPTIONS=detect_leaks=0:abort_on_error=1";
	x->envp[envc] = NULL;
}

bool tsr_viewer_spawn(const struct tsr_viewer_spawn_params *p, struct tsr_viewer_process *out,
		      GError **error)
{
	int spice[TSR_VIEWER_SPICE_CONNECTIONS], sv[2] = { -1, -1 }, devnull = -1;
	const char *viewer = p->viewer_path ? p->viewer_path : tsr_viewer_default_path();
	struct exec_args x;
	pid_t pid, parent = getpid();
	bool ok = false;

	for (int i = 0; i < TSR_VIEWER_SPICE_CONNECTIONS; i++)
		spice[i] = -1;
	if (!params_ok(p, viewer, error))
		return false;
	if (!connect_channels(p, spice, error) || !peer_is_not(spice[0], p, error))
		goto out;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0 ||
	    (devnull = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0) {
		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno),
			    "domain %s: cannot make the viewer link: %s", p->domain, g_strerror(errno));
		goto out;
	}
	build_exec_args(p, viewer, &x);
	pid = fork();
	if (pid < 0) {
		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno),
			    "domain %s: fork failed: %s", p->domain, g_strerror(errno));
		goto out;
	}
	if (pid == 0)
		child(p, sv[1], spice, devnull, parent, x.argv, x.envp);
	out->pid = pid;
	out->link = sv[0];
	sv[0] = -1;
	/* Our copies keep the domain's device model safe from a viewer that dies early. */
	tsr_viewer_spice_hold(p->domain, spice, TSR_VIEWER_SPICE_CONNECTIONS,
			      p->spice_hold_ms ? p->spice_hold_ms : TSR_VIEWER_SPICE_HOLD_MS);
	for (int i = 0; i < TSR_VIEWER_SPICE_CONNECTIONS; i++)
		spice[i] = -1;
	ok = true;
out:
	for (int i = 0; i < TSR_VIEWER_SPICE_CONNECTIONS; i++)
		if (spice[i] >= 0)
			close(spice[i]);
	if (sv[0] >= 0)
		close(sv[0]);
	if (sv[1] >= 0)
		close(sv[1]);
	if (devnull >= 0)
		close(devnull);
	return ok;
}
