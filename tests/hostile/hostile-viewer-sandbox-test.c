/* tests/hostile/hostile-viewer-sandbox-test.c: a compromised viewer and its neighbours against
 * the viewer's real box. One TAP result per attack:
 *
 * - a viewer that uses F_SETOWN + F_SETSIG + O_ASYNC to signal another process of its uid, and
 *   one that maps or mprotects memory PROT_EXEC: the attacker (sandboxed-viewer-attacker.c) is
 *   started by the real spawner and enters the sandbox with viewer/sandbox.c, the production
 *   code and allowlist. Every attempt must fail and the target must get no signal;
 * - a process of the viewer's uid that ptraces the real tessera-viewer, opens its
 *   /proc/PID/mem or takes its fds with pidfd_getfd from the moment it is started: all refused;
 * - a device model running as the viewer's uid: the spawner refuses to start the viewer;
 * - a policy giving the viewer and the device model the same uid under two names: refused with
 *   file:line.
 *
 * Needs root (to drop to the test users), as CI runs it. */
#include "config.h"
#include "policy/policy.h"
#include "tests/integration/display-helpers.h"
#include "viewer/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define ATTACKER TSR_BUILDDIR "/tests/hostile/sandboxed-viewer-attacker"
#define VIEWER TSR_BUILDDIR "/viewer/tessera-viewer"

/* A unix socket standing in for the domain's SPICE server, listening as the caller (root) or,
 * in a child, as another uid. Nothing is ever accepted: the backlog holds the connections. */
static int listen_at(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	g_assert_cmpint(fd, >=, 0);
	g_assert_cmpuint(strlen(path), <, sizeof(sun.sun_path));
	strcpy(sun.sun_path, path);
	unlink(path);
	g_assert_cmpint(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), ==, 0);
	g_assert_cmpint(chmod(path, 0666), ==, 0);
	g_assert_cmpint(listen(fd, 16), ==, 0);
	return fd;
}

struct stand {
	char *dir, *sock;
	int listen_fd;
	uid_t uid;
	gid_t gid;
};

static void stand_up(struct stand *s)
{
	s->dir = g_dir_make_tmp("tsr-hostile-viewer-XXXXXX", NULL);
	g_assert_nonnull(s->dir);
	g_assert_cmpint(chmod(s->dir, 0755), ==, 0);
	s->sock = g_build_filename(s->dir, "spice.sock", NULL);
	s->listen_fd = listen_at(s->sock);
	test_viewer_user(&s->uid, &s->gid);
	g_assert_cmpuint(s->uid, !=, 0);
}

static void stand_down(struct stand *s)
{
	close(s->listen_fd);
	unlink(s->sock);
	g_rmdir(s->dir);
	g_free(s->sock);
	g_free(s->dir);
}

static char *recv_text(int fd)
{
	char buf[512];
	ssize_t n;

	g_assert_true(wait_readable(fd, 10000));
	n = recv(fd, buf, sizeof(buf) - 1, 0);
	g_assert_cmpint(n, >, 0);
	buf[n] = '\0';
	return g_strdup(buf);
}

/* The attacker, started by the real spawner in place of tessera-viewer, inside the sandbox. */
static struct tsr_viewer_process start_attacker(struct stand *s)
{
	struct tsr_viewer_spawn_params p = { .domain = "hostile", .spice_socket = s->sock,
					     .uid = s->uid, .gid = s->gid,
					     .viewer_path = ATTACKER };
	struct tsr_viewer_process vp;
	GError *error = NULL;
	char *ready;

	g_assert_true(tsr_viewer_spawn(&p, &vp, &error));
	g_assert_no_error(error);
	ready = recv_text(vp.link);
	g_assert_cmpstr(ready, ==, "ready");
	g_free(ready);
	return vp;
}

static void stop(struct tsr_viewer_process *vp)
{
	kill(vp->pid, SIGKILL);
	waitpid(vp->pid, NULL, 0);
	close(vp->link);
}

/* A process of the viewer's uid outside any sandbox (another viewer's neighbour, a device model
 * sharing the uid): it counts SIGUSR1 and SIGIO until told to report. */
static volatile sig_atomic_t signals_seen;

static void count_signal(int sig)
{
	(void)sig;
	signals_seen++;
}

static pid_t start_target(uid_t uid, gid_t gid, int *report_fd, int *stop_fd)
{
	int up[2], down[2];
	pid_t pid;
	char c;

	g_assert_cmpint(pipe(up), ==, 0);
	g_assert_cmpint(pipe(down), ==, 0);
	pid = fork();
	g_assert_cmpint(pid, >=, 0);
	if (pid == 0) {
		int n;
		close(up[0]);
		close(down[1]);
		if (setgroups(0, NULL) < 0 || setresgid(gid, gid, gid) < 0 ||
		    setresuid(uid, uid, uid) < 0)
			_exit(1);
		signal(SIGUSR1, count_signal);
		signal(SIGIO, count_signal);
		if (write(up[1], "r", 1) != 1)
			_exit(1);
		while (read(down[0], &c, 1) < 0 && errno == EINTR)
			;
		n = signals_seen;
		if (write(up[1], &n, sizeof(n)) != sizeof(n))
			_exit(1);
		_exit(0);
	}
	close(up[1]);
	close(down[0]);
	g_assert_cmpint(read(up[0], &c, 1), ==, 1);
	*report_fd = up[0];
	*stop_fd = down[1];
	return pid;
}

static void test_fcntl_signal(void)
{
	struct stand s;
	struct tsr_viewer_process vp;
	int report, stop_fd, seen = -1;
	char cmd[64], *answer;
	pid_t target;

	stand_up(&s);
	target = start_target(s.uid, s.gid, &report, &stop_fd);
	vp = start_attacker(&s);
	snprintf(cmd, sizeof(cmd), "signal %d", (int)target);
	g_assert_cmpint(send(vp.link, cmd, strlen(cmd), 0), ==, (ssize_t)strlen(cmd));
	answer = recv_text(vp.link);
	g_test_message("attacker: %s", answer);
	/* Give a signal that was raised time to arrive before asking. */
	g_usleep(200 * 1000);
	close(stop_fd);
	g_assert_cmpint(read(report, &seen, sizeof(seen)), ==, sizeof(seen));
	g_assert_cmpint(wait_exit(target, 5000), !=, -1);
	close(report);
	stop(&vp);
	stand_down(&s);
	g_test_message("target got %d signals", seen);
	g_assert_cmpint(seen, ==, 0);
	g_assert_cmpstr(answer, ==, "setown=EACCES setown_ex=EACCES setsig=EACCES async=EACCES");
	g_free(answer);
}

static void attack_expect(const char *cmd, const char *expect)
{
	struct stand s;
	struct tsr_viewer_process vp;
	char *answer;

	stand_up(&s);
	vp = start_attacker(&s);
	g_assert_cmpint(send(vp.link, cmd, strlen(cmd), 0), ==, (ssize_t)strlen(cmd));
	answer = recv_text(vp.link);
	stop(&vp);
	stand_down(&s);
	g_assert_cmpstr(answer, ==, expect);
	g_free(answer);
}

static void test_mmap_exec(void)
{
	attack_expect("mmap-exec", "mmap-exec=EACCES");
}

static void test_mprotect_exec(void)
{
	attack_expect("mprotect-exec", "mprotect-exec=EACCES");
}

/* A process of the viewer's uid tries, from the moment the viewer is started until it has been
 * running for a while, to ptrace it, open its memory and take its SPICE fds. The counts of what
 * succeeded come back through a pipe: ptrace, /proc/PID/mem, pidfd_getfd. */
struct grab_counts {
	int ptrace, mem, getfd, tries;
};

static void grab_loop(pid_t viewer, int out)
{
	struct grab_counts c = { 0 };
	char mem[64];
	gint64 end = g_get_monotonic_time() + 1500 * 1000;
	int pidfd = -1;

	snprintf(mem, sizeof(mem), "/proc/%d/mem", (int)viewer);
	while (g_get_monotonic_time() < end) {
		int fd;

		c.tries++;
		if (ptrace(PTRACE_SEIZE, viewer, NULL, NULL) == 0) {
			c.ptrace++;
			ptrace(PTRACE_DETACH, viewer, NULL, NULL);
		}
		fd = open(mem, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			c.mem++;
			close(fd);
		}
		if (pidfd < 0)
			pidfd = (int)syscall(SYS_pidfd_open, viewer, 0);
		if (pidfd >= 0) {
			fd = (int)syscall(SYS_pidfd_getfd, pidfd, 4, 0);
			if (fd >= 0) {
				c.getfd++;
				close(fd);
			}
		}
		/* Often enough to hit a window of a millisecond, without taking a core. */
		g_usleep(100);
	}
	if (write(out, &c, sizeof(c)) != sizeof(c))
		_exit(1);
	_exit(0);
}

static void run_grab(struct grab_counts *c)
{
	struct stand s;
	struct tsr_viewer_spawn_params p = { .domain = "grabbed", .viewer_path = VIEWER };
	struct tsr_viewer_process vp;
	GError *error = NULL;
	int go[2], back[2];
	pid_t grabber;

	stand_up(&s);
	p.spice_socket = s.sock;
	p.uid = s.uid;
	p.gid = s.gid;
	g_assert_cmpint(pipe(go), ==, 0);
	g_assert_cmpint(pipe(back), ==, 0);
	/* The grabber is in place, as the viewer's uid, before the viewer is started. */
	grabber = fork();
	g_assert_cmpint(grabber, >=, 0);
	if (grabber == 0) {
		pid_t viewer;
		close(go[1]);
		close(back[0]);
		if (setgroups(0, NULL) < 0 || setresgid(s.gid, s.gid, s.gid) < 0 ||
		    setresuid(s.uid, s.uid, s.uid) < 0)
			_exit(1);
		if (read(go[0], &viewer, sizeof(viewer)) != sizeof(viewer))
			_exit(1);
		grab_loop(viewer, back[1]);
	}
	close(go[0]);
	close(back[1]);
	g_assert_true(tsr_viewer_spawn(&p, &vp, &error));
	g_assert_no_error(error);
	g_assert_cmpint(write(go[1], &vp.pid, sizeof(vp.pid)), ==, sizeof(vp.pid));
	g_assert_true(wait_readable(back[0], 10000));
	g_assert_cmpint(read(back[0], c, sizeof(*c)), ==, sizeof(*c));
	g_assert_cmpint(wait_exit(grabber, 5000), !=, -1);
	/* The viewer is still the one started: nobody stopped or replaced it. */
	g_assert_cmpint(kill(vp.pid, 0), ==, 0);
	close(go[1]);
	close(back[0]);
	stop(&vp);
	stand_down(&s);
	g_test_message("%d tries: ptrace %d, /proc/PID/mem %d, pidfd_getfd %d", c->tries, c->ptrace,
		       c->mem, c->getfd);
	g_assert_cmpint(c->tries, >, 10);
}

static void test_ptrace(void)
{
	struct grab_counts c;

	run_grab(&c);
	g_assert_cmpint(c.ptrace, ==, 0);
	g_assert_cmpint(c.getfd, ==, 0);
}

static void test_proc_mem(void)
{
	struct grab_counts c;

	run_grab(&c);
	g_assert_cmpint(c.mem, ==, 0);
}

/* The device model (here: whatever listens on the SPICE socket) runs as the viewer's uid. */
static void test_spawn_same_uid(void)
{
	struct stand s;
	struct tsr_viewer_spawn_params p = { .domain = "shared", .viewer_path = VIEWER };
	struct tsr_viewer_process vp;
	GError *error = NULL;
	int ready[2];
	pid_t dm;
	char c;

	stand_up(&s);
	close(s.listen_fd);
	unlink(s.sock);
	/* The device model's own run directory, as the backends make it. */
	g_assert_cmpint(chown(s.dir, s.uid, s.gid), ==, 0);
	g_assert_cmpint(pipe(ready), ==, 0);
	dm = fork();
	g_assert_cmpint(dm, >=, 0);
	if (dm == 0) {
		if (setgroups(0, NULL) < 0 || setresgid(s.gid, s.gid, s.gid) < 0 ||
		    setresuid(s.uid, s.uid, s.uid) < 0)
			_exit(1);
		/* Gone with the test, even one that failed an assertion. */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
			_exit(1);
		s.listen_fd = listen_at(s.sock);
		if (write(ready[1], "r", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(ready[1]);
	g_assert_cmpint(read(ready[0], &c, 1), ==, 1);
	p.spice_socket = s.sock;
	p.uid = s.uid;
	p.gid = s.gid;
	g_assert_false(tsr_viewer_spawn(&p, &vp, &error));
	g_assert_nonnull(error);
	g_test_message("%s", error->message);
	g_assert_nonnull(strstr(error->message, "device model"));
	g_error_free(error);
	kill(dm, SIGKILL);
	waitpid(dm, NULL, 0);
	close(ready[0]);
	s.listen_fd = -1;
	unlink(s.sock);
	g_rmdir(s.dir);
	g_free(s.sock);
	g_free(s.dir);
}

/* Two user names for one uid (useradd --non-unique), made once. */
static void alias_users(const char *a, const char *b, uid_t *uid)
{
	struct passwd *pw = getpwnam(a);
	char *cmd;
	int status;

	if (!pw) {
		cmd = g_strdup_printf("useradd --system --no-create-home --shell "
				      "/usr/sbin/nologin %s", a);
		g_assert_true(g_spawn_command_line_sync(cmd, NULL, NULL, &status, NULL));
		g_free(cmd);
		pw = getpwnam(a);
	}
	g_assert_nonnull(pw);
	*uid = pw->pw_uid;
	if (!getpwnam(b)) {
		cmd = g_strdup_printf("useradd --system --no-create-home --shell /usr/sbin/nologin "
				      "--non-unique --uid %u --gid %u %s", (unsigned)pw->pw_uid,
				      (unsigned)pw->pw_gid, b);
		g_assert_true(g_spawn_command_line_sync(cmd, NULL, NULL, &status, NULL));
		g_free(cmd);
	}
	g_assert_nonnull(getpwnam(b));
	g_assert_cmpuint(getpwnam(b)->pw_uid, ==, *uid);
}

static void copy_tree(const char *from, const char *to)
{
	char *cmd = g_strdup_printf("cp -r '%s/.' '%s'", from, to);
	int status;

	g_assert_true(g_spawn_command_line_sync(cmd, NULL, NULL, &status, NULL));
	g_assert_cmpint(status, ==, 0);
	g_free(cmd);
}

/* Replace the line starting with key in text (a key file) by line. */
static char *replace_line(const char *text, const char *key, const char *line)
{
	char **lines = g_strsplit(text, "\n", -1);
	char *out;
	bool found = false;

	for (size_t i = 0; lines[i]; i++)
		if (g_str_has_prefix(lines[i], key)) {
			g_free(lines[i]);
			lines[i] = g_strdup(line);
			found = true;
		}
	g_assert_true(found);
	out = g_strjoinv("\n", lines);
	g_strfreev(lines);
	return out;
}

static void test_policy_same_uid(void)
{
	char *dir = g_dir_make_tmp("tsr-hostile-policy-XXXXXX", NULL);
	char *work = g_build_filename(dir, "domains", "work.conf", NULL);
	char *text = NULL, *changed, *cmd;
	GError *error = NULL;
	struct tsr_policy *p;
	uid_t uid;
	int status;

	alias_users("tsr-hostile-dm", "tsr-hostile-view", &uid);
	copy_tree(TSR_SRCDIR "/doc/examples/policy", dir);
	g_assert_true(g_file_get_contents(work, &text, NULL, NULL));
	/* Different names, one uid. */
	changed = replace_line(text, "device-model-user", "device-model-user = tsr-hostile-dm");
	g_free(text);
	text = replace_line(changed, "viewer-user", "viewer-user = tsr-hostile-view");
	g_free(changed);
	g_assert_true(g_file_set_contents(work, text, -1, NULL));
	p = tsr_policy_load_dir(dir, &error);
	cmd = g_strdup_printf("rm -rf '%s'", dir);
	g_assert_true(g_spawn_command_line_sync(cmd, NULL, NULL, &status, NULL));
	g_free(cmd);
	g_assert_null(p);
	g_assert_nonnull(error);
	g_test_message("%s", error->message);
	g_assert_true(g_str_has_prefix(error->message, "domains/work.conf:"));
	g_assert_nonnull(strstr(error->message, "[domain work] viewer-user:"));
	g_assert_nonnull(strstr(error->message, "uid"));
	g_error_free(error);
	g_free(text);
	g_free(work);
	g_free(dir);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	signal(SIGPIPE, SIG_IGN);
	g_test_add_func("/hostile-viewer/fcntl-setown-setsig-async-signals-same-uid-process",
			test_fcntl_signal);
	g_test_add_func("/hostile-viewer/mmap-prot-exec", test_mmap_exec);
	g_test_add_func("/hostile-viewer/mprotect-prot-exec", test_mprotect_exec);
	g_test_add_func("/hostile-same-uid/ptrace-or-pidfd-getfd-viewer-from-start", test_ptrace);
	g_test_add_func("/hostile-same-uid/proc-pid-mem-of-viewer-from-start", test_proc_mem);
	g_test_add_func("/hostile-device-model/viewer-with-device-model-uid-not-started",
			test_spawn_same_uid);
	g_test_add_func("/hostile-policy/viewer-and-device-model-one-uid-two-names-refused",
			test_policy_same_uid);
	return g_test_run();
}
