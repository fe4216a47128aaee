/* tests/integration/display-helpers.c: see display-helpers.h. */
#include "config.h"
#include "tests/integration/display-helpers.h"

#include <errno.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* Test children die with the test, even when an assertion aborts it. */
static void die_with_parent(gpointer data)
{
	(void)data;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
}

void td_start(struct td_proc *td, const char *dir, const char *name, bool record, ...)
{
	GPtrArray *argv = g_ptr_array_new_with_free_func(g_free);
	GError *error = NULL;
	int pipefd[2];
	char buf[16];
	va_list ap;
	const char *a;

	td->socket = g_strdup_printf("%s/%s.sock", dir, name);
	td->record = record ? g_strdup_printf("%s/%s.input", dir, name) : NULL;
	g_assert_cmpint(pipe(pipefd), ==, 0);
	g_ptr_array_add(argv, g_strdup(TSR_BUILDDIR "/tests/testdomain/tessera-testdomain"));
	g_ptr_array_add(argv, g_strdup("--socket"));
	g_ptr_array_add(argv, g_strdup(td->socket));
	g_ptr_array_add(argv, g_strdup("--ready-fd"));
	g_ptr_array_add(argv, g_strdup_printf("%d", pipefd[1]));
	if (record) {
		g_ptr_array_add(argv, g_strdup("--record-input"));
		g_ptr_array_add(argv, g_strdup(td->record));
	}
	va_start(ap, record);
	while ((a = va_arg(ap, const char *)))
		g_ptr_array_add(argv, g_strdup(a));
	va_end(ap);
	g_ptr_array_add(argv, NULL);
	if (!g_spawn_async(NULL, (char **)argv->pdata, NULL,
			   G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_LEAVE_DESCRIPTORS_OPEN, die_with_parent, NULL,
			   &td->pid, &error))
		g_error("cannot start tessera-testdomain: %s", error->message);
	close(pipefd[1]);
	g_assert_true(wait_readable(pipefd[0], 20000));
	g_assert_cmpint(read(pipefd[0], buf, sizeof(buf)), ==, 6);
	close(pipefd[0]);
	g_ptr_array_unref(argv);
}

void td_stop(struct td_proc *td)
{
	if (td->pid > 0) {
		kill(td->pid, SIGTERM);
		g_assert_cmpint(wait_exit(td->pid, 20000), !=, -1);
		td->pid = 0;
	}
	g_free(td->socket);
	g_free(td->record);
	td->socket = td->record = NULL;
}

void test_viewer_user(uid_t *uid, gid_t *gid)
{
	struct passwd *pw = getpwnam("tsr-viewer-test");
	int status;

	if (!pw) {
		/* Tests run as root (and so does CI): make the dedicated user once. */
		if (g_spawn_command_line_sync("useradd --system --no-create-home --shell "
					      "/usr/sbin/nologin tsr-viewer-test", NULL, NULL,
					      &status, NULL) && status == 0)
			pw = getpwnam("tsr-viewer-test");
	}
	if (pw) {
		*uid = pw->pw_uid;
		*gid = pw->pw_gid;
	} else {
		*uid = 65534;
		*gid = 65534;
	}
}

bool wait_readable(int fd, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int r;

	do
		r = poll(&p, 1, timeout_ms);
	while (r < 0 && errno == EINTR);
	return r == 1;
}

int wait_exit(pid_t pid, int timeout_ms)
{
	int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
	int status;

	if (pfd < 0)
		return -1;
	if (!wait_readable(pfd, timeout_ms)) {
		close(pfd);
		return -1;
	}
	close(pfd);
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

static bool contains(const char *path, const char *needle)
{
	gchar *text = NULL;
	bool found = g_file_get_contents(path, &text, NULL, NULL) && strstr(text, needle);

	g_free(text);
	return found;
}

bool wait_file_contains(const char *path, const char *needle, int timeout_ms)
{
	int in = inotify_init1(IN_CLOEXEC);
	gchar *dir = g_path_get_dirname(path);
	gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;
	bool found = false;

	g_assert_cmpint(in, >=, 0);
	g_assert_cmpint(inotify_add_watch(in, dir, IN_MODIFY | IN_CREATE | IN_CLOSE_WRITE), >=, 0);
	while (!(found = contains(path, needle))) {
		char buf[4096];
		gint64 left = (deadline - g_get_monotonic_time()) / 1000;
		if (left <= 0 || !wait_readable(in, (int)left))
			break;
		if (read(in, buf, sizeof(buf)) < 0)
			break;
	}
	close(in);
	g_free(dir);
	return found;
}

void test_dir_remove(const char *dir)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *name;

	if (!d)
		return;
	while ((name = g_dir_read_name(d))) {
		gchar *path = g_build_filename(dir, name, NULL);
		unlink(path);
		g_free(path);
	}
	g_dir_close(d);
	rmdir(dir);
}
