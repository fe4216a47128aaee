/* domains/process.c: launching and watching device-model processes for the backends.
 *
 * A device model never runs as root, not even for a moment: the child drops its groups, gid and
 * uid to the domain's user before exec (QEMU 7.2's own -runas cannot be combined with
 * `-sandbox elevateprivileges=deny`: its late setuid is killed by its own seccomp filter). Each
 * one gets its own session so it outlives a broker restart. Exit is watched through
 * g_child_watch for our children and through a pidfd for adopted processes. */
#include "config.h"

#include "domains/backend-private.h"
#include "common/sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* Common's sequence without an allowlist makes system calls only, so it is safe between fork
 * and exec. QEMU loads its own seccomp filter (-sandbox on), which needs no_new_privs or a
 * capability: the sequence sets no_new_privs, so QEMU never needs one. A target of uid 0 fails
 * the sequence (the backend refuses such a policy earlier; this is the last line). The only
 * group a device model may keep is the /dev/kvm group (domains/accel.h). */
static bool drop_to(const struct tsr_dm_identity *id)
{
	const struct tsr_sandbox sb = {
		.ids = TSR_SANDBOX_IDS_DROP,
		.uid = id->uid,
		.gid = id->gid,
		.groups = id->n_groups ? id->groups : NULL,
		.n_groups = id->n_groups,
	};
	const char *step;

	return tsr_sandbox_enter(&sb, &step) == 0;
}

/* Runs between fork and exec. */
static void child_setup(gpointer data)
{
	const struct tsr_dm_identity *id = data;
	setsid();
	umask(077); /* sockets and files the device model makes are its own */
	if (!drop_to(id))
		_exit(127);
}

GPid tsr_spawn_identity(char *const *argv, int out_fd, int err_fd,
			const struct tsr_dm_identity *id, GError **error)
{
	int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (null_fd < 0) {
		g_set_error(error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_FAILED,
			    "opening /dev/null: %s", g_strerror(errno));
		return -1;
	}
	struct tsr_dm_identity copy = *id;
	GPid pid = -1;
	bool ok = g_spawn_async_with_fds(NULL, (char **)argv, NULL,
					 G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_SEARCH_PATH,
					 child_setup, &copy, &pid, null_fd, out_fd, err_fd, error);
	close(null_fd);
	if (!ok) {
		g_prefix_error(error, "starting %s: ", argv[0]);
		return -1;
	}
	return pid;
}

GPid tsr_spawn_as_identity(char *const *argv, const char *log_path,
			   const struct tsr_dm_identity *id, GError **error)
{
	int log_fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0640);
	if (log_fd < 0) {
		g_set_error(error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_FAILED,
			    "opening log %s: %s", log_path, g_strerror(errno));
		return -1;
	}
	GPid pid = tsr_spawn_identity(argv, log_fd, log_fd, id, error);
	close(log_fd);
	return pid;
}

GPid tsr_spawn_as(char *const *argv, const char *log_path, uid_t uid, gid_t gid, GError **error)
{
	struct tsr_dm_identity id = { .uid = uid, .gid = gid };
	return tsr_spawn_as_identity(argv, log_path, &id, error);
}

int tsr_identity_open_errno(const struct tsr_dm_identity *id, const char *path)
{
	pid_t pid = fork();
	if (pid < 0)
		return errno;
	if (pid == 0) {
		if (!drop_to(id))
			_exit(255);
		int fd = open(path, O_RDWR | O_CLOEXEC);
		_exit(fd >= 0 ? 0 : errno & 0x7f);
	}
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) == 255)
		return EPERM;
	return WEXITSTATUS(status);
}

struct pid_watch {
	GPid pid;
	tsr_pid_exit_fn fn;
	void *data;
	int pidfd;
};

static void child_exited(GPid pid, gint status, gpointer data)
{
	struct pid_watch *w = data;
	g_spawn_close_pid(pid);
	w->fn(pid, status, w->data);
}

static gboolean pidfd_ready(gint fd, GIOCondition cond, gpointer data)
{
	struct pid_watch *w = data;
	w->fn(w->pid, -1, w->data);
	return G_SOURCE_REMOVE;
}

static void pid_watch_free(gpointer data)
{
	struct pid_watch *w = data;
	if (w->pidfd >= 0)
		close(w->pidfd);
	g_free(w);
}

guint tsr_watch_pid(GPid pid, bool is_child, tsr_pid_exit_fn fn, void *data, GError **error)
{
	struct pid_watch *w = g_new0(struct pid_watch, 1);
	w->pid = pid;
	w->fn = fn;
	w->data = data;
	w->pidfd = -1;
	if (is_child)
		return g_child_watch_add_full(G_PRIORITY_DEFAULT, pid, child_exited, w,
					      pid_watch_free);
	w->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (w->pidfd < 0) {
		g_set_error(error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_FAILED,
			    "watching pid %d: %s", (int)pid, g_strerror(errno));
		g_free(w);
		return 0;
	}
	return g_unix_fd_add_full(G_PRIORITY_DEFAULT, w->pidfd, G_IO_IN, pidfd_ready, w,
				  pid_watch_free);
}

bool tsr_make_dir_owned(const char *path, mode_t mode, uid_t uid, gid_t gid, GError **error)
{
	if (g_mkdir_with_parents(path, mode) != 0 ||
	    chown(path, uid, gid) != 0 || chmod(path, mode) != 0) {
		g_set_error(error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_FAILED,
			    "preparing directory %s: %s", path, g_strerror(errno));
		return false;
	}
	return true;
}

struct tsr_path_wait {
	char *path, *base;
	int ifd;
	guint io, timer;
	tsr_path_fn fn;
	void *data;
};

void tsr_path_wait_cancel(struct tsr_path_wait *w)
{
	if (!w)
		return;
	g_clear_handle_id(&w->io, g_source_remove);
	g_clear_handle_id(&w->timer, g_source_remove);
	if (w->ifd >= 0)
		close(w->ifd);
	g_free(w->path);
	g_free(w->base);
	g_free(w);
}

static void path_wait_fire(struct tsr_path_wait *w, bool appeared)
{
	tsr_path_fn fn = w->fn;
	void *data = w->data;
	tsr_path_wait_cancel(w);
	fn(data, appeared);
}

static gboolean path_wait_io(gint fd, GIOCondition cond, gpointer data)
{
	struct tsr_path_wait *w = data;
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	while (read(fd, buf, sizeof buf) > 0)
		;
	if (access(w->path, F_OK) == 0) {
		w->io = 0;
		path_wait_fire(w, true);
		return G_SOURCE_REMOVE;
	}
	return G_SOURCE_CONTINUE;
}

static gboolean path_wait_timeout(gpointer data)
{
	struct tsr_path_wait *w = data;
	w->timer = 0;
	path_wait_fire(w, access(w->path, F_OK) == 0);
	return G_SOURCE_REMOVE;
}

static gboolean path_wait_now(gpointer data)
{
	struct tsr_path_wait *w = data;
	w->timer = 0;
	path_wait_fire(w, true);
	return G_SOURCE_REMOVE;
}

struct tsr_path_wait *tsr_wait_path(const char *path, unsigned timeout_ms, tsr_path_fn fn,
				    void *data)
{
	struct tsr_path_wait *w = g_new0(struct tsr_path_wait, 1);
	w->path = g_strdup(path);
	w->fn = fn;
	w->data = data;
	char *dir = g_path_get_dirname(path);
	w->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->ifd >= 0 && inotify_add_watch(w->ifd, dir, IN_CREATE | IN_MOVED_TO) >= 0)
		w->io = g_unix_fd_add(w->ifd, G_IO_IN, path_wait_io, w);
	g_free(dir);
	/* Checked after the watch is in place, so a path created in between is not missed. */
	if (access(path, F_OK) == 0)
		w->timer = g_idle_add(path_wait_now, w);
	else
		w->timer = g_timeout_add(timeout_ms, path_wait_timeout, w);
	return w;
}

char *tsr_read_trimmed(const char *path)
{
	char *text = NULL;
	if (!g_file_get_contents(path, &text, NULL, NULL))
		return NULL;
	return g_strstrip(text);
}

long tsr_read_pid_file(const char *path)
{
	char *text = tsr_read_trimmed(path);
	long pid = text ? strtol(text, NULL, 10) : 0;
	g_free(text);
	return pid > 0 ? pid : 0;
}

bool tsr_started(struct tsr_domain *d, GPid pid, struct tsr_op *op, GError *error)
{
	if (pid < 0) {
		tsr_domain_set_state(d, TSR_DOMAIN_STOPPED, "start failed");
		tsr_op_finish(op, error);
		return false;
	}
	d->pid = pid;
	char *text = g_strdup_printf("%d\n", (int)pid);
	g_file_set_contents(d->pid_path, text, -1, NULL);
	g_free(text);
	return true;
}

char *tsr_exit_how(const char *who, int status)
{
	const char *sp = who ? " " : "";

	who = who ? who : "";
	if (status == -1)
		return g_strdup_printf("%s%sexited", who, sp);
	if (WIFSIGNALED(status))
		return g_strdup_printf("%s%skilled by signal %d", who, sp, WTERMSIG(status));
	return g_strdup_printf("%s%sexited with status %d", who, sp, WEXITSTATUS(status));
}

long tsr_adopt_pid(struct tsr_domain *d, struct tsr_op *op,
		   bool (*is_ours)(struct tsr_domain *d, long pid),
		   void (*gone)(struct tsr_domain *d), const char *why, tsr_pid_exit_fn fn,
		   guint *watch)
{
	long pid = tsr_read_pid_file(d->pid_path);
	GError *error = NULL;
	if (pid == 0) {
		tsr_op_finish(op, NULL); /* was not running: stays stopped */
		return 0;
	}
	if (!is_ours(d, pid)) {
		if (gone)
			gone(d);
		tsr_domain_set_state(d, TSR_DOMAIN_CRASHED, why);
		tsr_op_finish(op, NULL);
		return 0;
	}
	*watch = tsr_watch_pid((GPid)pid, false, fn, d, &error);
	if (!*watch) {
		tsr_op_finish(op, error);
		return 0;
	}
	d->pid = pid;
	return pid;
}

bool tsr_pid_has_arg(long pid, const char *arg)
{
	char *path = g_strdup_printf("/proc/%ld/cmdline", pid);
	char *cmd = NULL;
	gsize len = 0;
	bool found = false;
	if (g_file_get_contents(path, &cmd, &len, NULL))
		for (gsize i = 0; i < len && !found; i += strlen(cmd + i) + 1)
			found = strcmp(cmd + i, arg) == 0;
	g_free(cmd);
	g_free(path);
	return found;
}
