/* broker/bounded-run.c: a helper program run to its end, its output bounded in size and time.
 *
 * The broker, root, asks small programs things it must not work out itself or wait on for
 * ever: the sandboxed enrolment reader parses a stranger's disk, tessera-install decides which
 * disks may be erased. Whatever they do, the broker's main loop waits for them at most the
 * given time and keeps at most the given bytes; a child that overruns is killed. */
#include "config.h"
#include "broker/broker-private.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

/* Everything the child writes, until it closes stdout or the deadline passes. */
static GString *collect(int fd, size_t max, int ms, bool *timed_out)
{
	GString *s = g_string_new(NULL);
	gint64 deadline = g_get_monotonic_time() + (gint64)ms * 1000;
	char buf[16384];

	*timed_out = false;
	for (;;) {
		gint64 left = (deadline - g_get_monotonic_time()) / 1000;
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (left <= 0) {
			*timed_out = true;
			break;
		}
		int r = poll(&p, 1, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			*timed_out = r == 0;
			break;
		}
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		g_string_append_len(s, buf, n);
		if (s->len > max)
			break;
	}
	return s;
}

GString *brk_run_bounded(const char *const *argv, const char *const *envp, int stdin_fd,
			 size_t max, int ms, int *status, bool *timed_out, GError **error)
{
	int fds[2];
	GPid pid = 0;

	*status = 0;
	*timed_out = false;
	if (pipe2(fds, O_CLOEXEC) != 0) {
		int e = errno;
		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e), "pipe: %s",
			    g_strerror(e));
		return NULL;
	}
	bool spawned = g_spawn_async_with_fds(NULL, (char **)argv, (char **)envp,
					      G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid, stdin_fd,
					      fds[1], -1, error);
	close(fds[1]);
	if (!spawned) {
		close(fds[0]);
		return NULL;
	}
	GString *out = collect(fds[0], max, ms, timed_out);
	close(fds[0]);
	if (*timed_out)
		kill(pid, SIGKILL);
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
	g_spawn_close_pid(pid);
	return out;
}
