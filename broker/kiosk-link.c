/* broker/kiosk-link.c: starting tessera-kiosk as the broker's child and talking to it.
 *
 * The socketpair is made before the fork, so the kiosk's end exists only in the kiosk: no
 * other process can speak as the kiosk (trust boundary 4). The kiosk runs as the kiosk user
 * (with --kiosk-devices it needs no device group: kiosk-devices.c lends it the card and the
 * input devices and revokes them when it ends), dies with the broker
 * (PR_SET_PDEATHSIG), and is restarted with a growing delay whenever it exits or breaks the
 * protocol; each new kiosk starts locked (brk_session_on_kiosk_start).
 *
 * Every message from the kiosk is received into sodium_malloc memory (it may hold a password)
 * and wiped as soon as it has been handled. */
#include "config.h"
#include "broker/broker-private.h"
#include "common/fdpass.h"
#include "common/log.h"
#include "common/sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define RESTART_MIN_MS 100
#define RESTART_MAX_MS 5000
/* A kiosk that ran this long before dying starts the back-off from the beginning. */
#define RESTART_RESET_US (10 * G_USEC_PER_SEC)

struct brk_kiosk_link {
	struct tsr_broker *b;
	int fd;
	GPid pid;
	guint child_watch;
	guint io_watch;
	guint restart_timer;
	unsigned starts;
	unsigned delay_ms;
	int64_t started_us;
	uint8_t *rbuf; /* sodium_malloc, TSR_KIOSK_MSG_MAX bytes */
	struct brk_kiosk_cgroup *cgroup; /* NULL: none could be made */
};

static void kiosk_start(struct brk_kiosk_link *k);

static bool resolve_user(const char *spec, uid_t *uid, gid_t *gid, gid_t **groups, int *ngroups)
{
	unsigned long u, g;
	char *end;

	*groups = NULL;
	*ngroups = 0;
	if (spec && g_ascii_isdigit(spec[0])) {
		u = strtoul(spec, &end, 10);
		if (*end != ':' || !g_ascii_isdigit(end[1]))
			return false;
		g = strtoul(end + 1, &end, 10);
		if (*end || u == 0 || g == 0)
			return false;
		*uid = (uid_t)u;
		*gid = (gid_t)g;
		return true;
	}
	struct passwd *pw = getpwnam(spec ? spec : "tessera-kiosk");
	if (!pw || pw->pw_uid == 0 || pw->pw_gid == 0)
		return false;
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	/* The kiosk keeps its user's groups: computed here, set in the child. */
	int n = 64;
	*groups = g_new(gid_t, n);
	if (getgrouplist(pw->pw_name, pw->pw_gid, *groups, &n) < 0) {
		g_free(*groups);
		*groups = g_new(gid_t, n);
		if (getgrouplist(pw->pw_name, pw->pw_gid, *groups, &n) < 0)
			n = 0;
	}
	*ngroups = n;
	return true;
}

static void link_down(struct brk_kiosk_link *k)
{
	g_clear_handle_id(&k->io_watch, g_source_remove);
	if (k->fd >= 0)
		close(k->fd);
	k->fd = -1;
}

static gboolean restart_cb(gpointer data)
{
	struct brk_kiosk_link *k = data;

	k->restart_timer = 0;
	kiosk_start(k);
	return G_SOURCE_REMOVE;
}

static void schedule_restart(struct brk_kiosk_link *k)
{
	if (tsr_clock_now_us(k->b->mono) - k->started_us > RESTART_RESET_US)
		k->delay_ms = RESTART_MIN_MS;
	tsr_info("restarting the kiosk in %u ms", k->delay_ms);
	k->restart_timer = g_timeout_add(k->delay_ms, restart_cb, k);
	k->delay_ms = MIN(k->delay_ms * 2, RESTART_MAX_MS);
}

/* Whatever the kiosk started dies with it: nothing it left behind may keep running into the
 * next user's session. */
static void end_leftovers(struct brk_kiosk_link *k, pid_t kiosk)
{
	unsigned n = brk_kiosk_cgroup_kill(k->cgroup, kiosk);

	if (n > 0) {
		g_autofree char *count = g_strdup_printf("%u", n);
		brk_audit(k->b, "kiosk-cgroup-killed", "processes", count, NULL);
		tsr_info("kiosk cgroup: killed %u processes", n);
	}
}

static void on_kiosk_exit(GPid pid, gint status, gpointer data)
{
	struct brk_kiosk_link *k = data;
	g_autofree char *how = WIFEXITED(status)
				       ? g_strdup_printf("exit status %d", WEXITSTATUS(status))
				       : g_strdup_printf("signal %d", WTERMSIG(status));

	g_spawn_close_pid(pid);
	k->child_watch = 0;
	k->pid = 0;
	link_down(k);
	brk_kiosk_devices_revoke(k->b->kiosk_devices);
	end_leftovers(k, pid);
	brk_console_stop(k->b);
	brk_audit(k->b, "kiosk-exit", "how", how, NULL);
	tsr_warn("the kiosk ended (%s)", how);
	schedule_restart(k);
}

/* The kiosk broke the protocol or closed its end: end it; on_kiosk_exit restarts it. */
static void kiosk_kill(struct brk_kiosk_link *k, const char *why)
{
	brk_audit(k->b, "kiosk-refused", "reason", why, NULL);
	tsr_warn("ending the kiosk: %s", why);
	link_down(k);
	brk_kiosk_devices_revoke(k->b->kiosk_devices);
	if (k->pid > 0)
		kill(k->pid, SIGKILL);
	end_leftovers(k, k->pid);
}

static gboolean on_readable(int fd, GIOCondition cond, gpointer data)
{
	struct brk_kiosk_link *k = data;
	size_t nfds = 0;
	const char *why = NULL;
	ssize_t n;

	n = tsr_frame_recv(fd, k->rbuf, TSR_KIOSK_MSG_MAX, TSR_KIOSK_PROTO_VERSION, NULL, 0, &nfds);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return G_SOURCE_CONTINUE;
	if (n <= 0) {
		g_autofree char *text = n == 0 ? g_strdup("the kiosk closed its end")
					       : g_strdup_printf("bad message from the kiosk: %s",
								 g_strerror(errno));
		sodium_memzero(k->rbuf, TSR_KIOSK_MSG_MAX);
		k->io_watch = 0;
		kiosk_kill(k, text);
		return G_SOURCE_REMOVE;
	}
	if (tsr_kiosk_msg_check(k->rbuf, (size_t)n, &why) < 0 ||
	    !tsr_kiosk_is_request(((struct tsr_frame_header *)k->rbuf)->type)) {
		g_autofree char *text = g_strdup_printf("protocol error from the kiosk: %s",
							why ? why : "not a request");
		sodium_memzero(k->rbuf, TSR_KIOSK_MSG_MAX);
		k->io_watch = 0;
		kiosk_kill(k, text);
		return G_SOURCE_REMOVE;
	}
	brk_session_handle(k->b, k->rbuf, (size_t)n);
	sodium_memzero(k->rbuf, (size_t)n);
	/* A password is being checked off the main loop: the kiosk's next requests wait in the
	 * socket until it is answered, so they are handled in the order they were sent. */
	if (tsr_auth_busy(k->b->auth)) {
		k->io_watch = 0;
		return G_SOURCE_REMOVE;
	}
	return G_SOURCE_CONTINUE;
}

void brk_kiosk_link_resume(struct brk_kiosk_link *k)
{
	if (k && k->fd >= 0 && !k->io_watch)
		k->io_watch = g_unix_fd_add(k->fd, G_IO_IN | G_IO_HUP | G_IO_ERR, on_readable, k);
}

static char **kiosk_env(void)
{
	static const char *const pass[] = { "UBSAN_OPTIONS", "LSAN_OPTIONS", "G_DEBUG",
					    "TSR_BUILDDIR", "TSR_SRCDIR", NULL };
	GPtrArray *env = g_ptr_array_new();
	const char *asan = g_getenv("ASAN_OPTIONS");

	g_ptr_array_add(env, g_strdup("PATH=/usr/sbin:/usr/bin:/sbin:/bin"));
	for (size_t i = 0; pass[i]; i++)
		if (g_getenv(pass[i]))
			g_ptr_array_add(env, g_strdup_printf("%s=%s", pass[i], g_getenv(pass[i])));
	/* LeakSanitizer cannot stop the world inside the kiosk's seccomp box (doc/sandbox.md). */
	if (TSR_SANITIZER_BUILD)
		g_ptr_array_add(env, g_strdup_printf("ASAN_OPTIONS=%s%sdetect_leaks=0",
						     asan ? asan : "", asan && *asan ? ":" : ""));
	else if (asan)
		g_ptr_array_add(env, g_strdup_printf("ASAN_OPTIONS=%s", asan));
	g_ptr_array_add(env, NULL);
	return (char **)g_ptr_array_free(env, FALSE);
}

static void kiosk_start(struct brk_kiosk_link *k)
{
	struct tsr_broker *b = k->b;
	uid_t uid;
	gid_t gid, *groups;
	int ngroups, sv[2];
	g_auto(GStrv) env = kiosk_env();
	GPtrArray *argv;
	pid_t pid, parent;

	if (!resolve_user(b->cfg.kiosk_user, &uid, &gid, &groups, &ngroups)) {
		tsr_err("kiosk user %s does not exist or is root; set --kiosk-user",
			b->cfg.kiosk_user ? b->cfg.kiosk_user : "tessera-kiosk");
		brk_audit(b, "kiosk-failed", "reason", "no kiosk user", NULL);
		k->started_us = tsr_clock_now_us(b->mono);
		schedule_restart(k);
		return;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		tsr_err("socketpair for the kiosk: %s", g_strerror(errno));
		g_free(groups);
		k->started_us = tsr_clock_now_us(b->mono);
		schedule_restart(k);
		return;
	}
	argv = g_ptr_array_new_with_free_func(g_free);
	g_ptr_array_add(argv, g_strdup(b->cfg.kiosk_path));
	g_ptr_array_add(argv, g_strdup_printf("--broker-fd=%d", TSR_KIOSK_BROKER_FD));
	for (size_t i = 0; b->cfg.kiosk_args && b->cfg.kiosk_args[i]; i++)
		g_ptr_array_add(argv, g_strdup(b->cfg.kiosk_args[i]));
	g_ptr_array_add(argv, NULL);

	parent = getpid();
	pid = fork();
	if (pid == 0) {
		/* Child: only async-signal-safe calls from here on. The kiosk's own
		 * kiosk/sandbox.c finishes the box after exec. */
		const int keep = TSR_KIOSK_BROKER_FD;
		const int cg_fd = brk_kiosk_cgroup_join_fd(k->cgroup);
		const struct tsr_sandbox sb = {
			.ids = TSR_SANDBOX_IDS_DROP,
			.uid = uid,
			.gid = gid,
			.groups = groups,
			.n_groups = (size_t)ngroups,
			.close_fds = true,
			.keep_fds = &keep,
			.n_keep_fds = 1,
			/* Undumpable through the exec until the kiosk's main says otherwise. */
			.nondumpable_exec = true,
		};
		const char *step;

		if (sv[1] == TSR_KIOSK_BROKER_FD) {
			if (fcntl(sv[1], F_SETFD, 0) < 0)
				_exit(126);
		} else if (dup2(sv[1], TSR_KIOSK_BROKER_FD) < 0) {
			_exit(126);
		}
		setsid();
		/* Into the kiosk's cgroup while still root, before anything of the kiosk runs. */
		if (cg_fd >= 0 && write(cg_fd, "0", 1) != 1)
			_exit(126);
		if (tsr_sandbox_enter(&sb, &step) < 0)
			_exit(126);
		/* After the id change, which clears the parent-death signal. */
		if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 || getppid() != parent)
			_exit(126);
		execve(b->cfg.kiosk_path, (char **)argv->pdata, env);
		_exit(127);
	}
	g_free(groups);
	g_ptr_array_free(argv, TRUE);
	close(sv[1]);
	k->started_us = tsr_clock_now_us(b->mono);
	if (pid < 0) {
		tsr_err("cannot start the kiosk: %s", g_strerror(errno));
		close(sv[0]);
		schedule_restart(k);
		return;
	}
	k->pid = pid;
	k->fd = sv[0];
	k->starts++;
	g_unix_set_fd_nonblocking(k->fd, TRUE, NULL);
	k->child_watch = g_child_watch_add(pid, on_kiosk_exit, k);
	k->io_watch = g_unix_fd_add(k->fd, G_IO_IN | G_IO_HUP | G_IO_ERR, on_readable, k);
	{
		g_autofree char *p = g_strdup_printf("%d", (int)pid);
		g_autofree char *u = g_strdup_printf("%u", (unsigned)uid);
		brk_audit(b, "kiosk-start", "pid", p, "uid", u, NULL);
	}
	tsr_info("kiosk started (pid %d)", (int)pid);
	/* The card must be the first message: the kiosk takes it before anything else. */
	brk_kiosk_devices_lend(b->kiosk_devices);
	if (!brk_kiosk_link_connected(k))
		return;
	brk_session_on_kiosk_start(b);
}

struct brk_kiosk_link *brk_kiosk_link_create(struct tsr_broker *b)
{
	struct brk_kiosk_link *k = g_new0(struct brk_kiosk_link, 1);

	k->b = b;
	k->fd = -1;
	k->delay_ms = RESTART_MIN_MS;
	k->rbuf = sodium_malloc(TSR_KIOSK_MSG_MAX);
	if (!k->rbuf)
		g_error("sodium_malloc failed for the kiosk receive buffer");
	b->kiosk = k;
	k->cgroup = brk_kiosk_cgroup_create();
	kiosk_start(k);
	return k;
}

void brk_kiosk_link_destroy(struct brk_kiosk_link *k)
{
	if (!k)
		return;
	g_clear_handle_id(&k->restart_timer, g_source_remove);
	g_clear_handle_id(&k->child_watch, g_source_remove);
	link_down(k);
	pid_t pid = k->pid;
	if (k->pid > 0) {
		/* SIGTERM lets a real kiosk give the VT back; it gets 2 s before SIGKILL. */
		kill(k->pid, SIGTERM);
		bool reaped = false;
		for (int i = 0; i < 200 && !reaped; i++) {
			reaped = waitpid(k->pid, NULL, WNOHANG) == k->pid;
			if (!reaped)
				g_usleep(10000);
		}
		if (!reaped) {
			kill(k->pid, SIGKILL);
			waitpid(k->pid, NULL, 0);
		}
	}
	brk_kiosk_cgroup_kill(k->cgroup, pid);
	brk_kiosk_cgroup_destroy(k->cgroup);
	sodium_free(k->rbuf);
	g_free(k);
}

bool brk_kiosk_link_connected(struct brk_kiosk_link *k)
{
	return k && k->fd >= 0;
}

pid_t brk_kiosk_link_pid(struct brk_kiosk_link *k)
{
	return k ? k->pid : 0;
}

unsigned brk_kiosk_link_starts(struct brk_kiosk_link *k)
{
	return k ? k->starts : 0;
}

bool brk_kiosk_send(struct tsr_broker *b, void *msg, uint16_t type, int fd)
{
	struct brk_kiosk_link *k = b->kiosk;
	size_t len = tsr_kiosk_msg_size(type);

	if (!brk_kiosk_link_connected(k))
		return false;
	if (tsr_frame_send(k->fd, msg, len, type, TSR_KIOSK_PROTO_VERSION, fd >= 0 ? &fd : NULL,
			   fd >= 0 ? 1 : 0) < 0) {
		/* A kiosk that does not read its messages is ended and restarted. */
		kiosk_kill(k, errno == EAGAIN ? "the kiosk does not read its messages"
					      : "cannot send to the kiosk");
		return false;
	}
	return true;
}
