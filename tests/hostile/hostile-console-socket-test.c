/* tests/hostile/hostile-console-socket-test.c: a local user who can write the directory of
 * tessera-console's listening socket.
 *
 * The console runs as root until its sandbox: it binds the socket, then gives it to its owner
 * with mode 0600, by path. In a directory another uid can write, that uid can swap the socket
 * for a link to any file between the two steps, and root would chown and chmod the file. The
 * attacker here is uid 65534, which watches the directory with inotify and swaps the socket for
 * a link to a root file (0644) the moment it appears. One TAP result per attack:
 *   - socket-dir-owned-by-another-uid: the directory is 65534's (0755);
 *   - socket-dir-world-writable: the directory is root's but 0777 without the sticky bit.
 * Each asserts that the real console refuses to start and says why, that the root file keeps
 * its owner and mode, and that nothing is left listening in the directory.
 *
 * Needs root (the console drops to 'nobody'), as CI runs it. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proto/console-link.h"

#define TIMEOUT_MS 10000
#define ATTACKER_UID 65534

/* As uid 65534: every time console.sock appears in dir, replace it with a link to victim. */
static void swap_forever(const char *dir, const char *victim)
{
	g_autofree char *sock = g_build_filename(dir, "console.sock", NULL);
	g_autofree char *tmp = g_build_filename(dir, ".swap", NULL);
	char buf[4096];
	int in;

	if (setgid(ATTACKER_UID) < 0 || setuid(ATTACKER_UID) < 0)
		_exit(2);
	in = inotify_init1(IN_CLOEXEC);
	if (in < 0 || inotify_add_watch(in, dir, IN_CREATE) < 0)
		_exit(2);
	for (;;) {
		if (read(in, buf, sizeof(buf)) <= 0)
			_exit(2);
		struct stat st;
		if (lstat(sock, &st) == 0 && S_ISSOCK(st.st_mode)) {
			unlink(tmp);
			if (symlink(victim, tmp) == 0)
				rename(tmp, sock);
		}
	}
}

static void attack(const char *dir)
{
	g_autofree char *victim = g_build_filename(g_get_tmp_dir(), "tsr-console-victim-XXXXXX",
						   NULL);
	g_autofree char *sock = g_build_filename(dir, "console.sock", NULL);
	GError *error = NULL;
	struct stat before, after, st;
	int err_pipe[2], fd, status = 0;
	pid_t attacker;
	char buf[512];
	ssize_t n;

	if (getuid() != 0) {
		g_test_skip("the console drops to 'nobody' and the attacker to 65534: needs root");
		return;
	}
	fd = g_mkstemp(victim);
	g_assert_cmpint(fd, >=, 0);
	g_assert_cmpint(fchmod(fd, 0644), ==, 0);
	close(fd);
	g_assert_cmpint(stat(victim, &before), ==, 0);

	attacker = fork();
	g_assert_cmpint(attacker, >=, 0);
	if (attacker == 0)
		swap_forever(dir, victim);
	g_usleep(100000); /* the watch is in place (it only makes the race likelier) */

	g_assert_cmpint(pipe2(err_pipe, O_CLOEXEC), ==, 0);
	struct tsr_console_spawn_options options = {
		.program = TSR_BUILDDIR "/console/tessera-console",
		.user = "nobody",
		.socket_path = sock,
		.stderr_fd = err_pipe[1],
	};
	struct tsr_console_link *link = tsr_console_link_spawn(&options, NULL, NULL, &error);
	g_assert_no_error(error);
	close(err_pipe[1]);
	/* 1: the console exited on its own; 0 would be a console that listens there. */
	int waited = tsr_console_link_wait(link, TIMEOUT_MS, &status);
	GString *err = g_string_new(NULL);
	if (waited == 1)
		while ((n = read(err_pipe[0], buf, sizeof(buf))) > 0)
			g_string_append_len(err, buf, n);
	close(err_pipe[0]);
	tsr_console_link_destroy(link);
	kill(attacker, SIGKILL);
	g_assert_cmpint(waitpid(attacker, NULL, 0), ==, attacker);
	g_test_message("console said: %s", err->str);

	g_assert_cmpint(stat(victim, &after), ==, 0);
	g_unlink(victim);
	g_assert_cmpuint(after.st_uid, ==, before.st_uid);
	g_assert_cmpuint(after.st_gid, ==, before.st_gid);
	g_assert_cmpuint(after.st_mode, ==, before.st_mode);
	g_assert_cmpint(waited, ==, 1);
	g_assert_true(WIFEXITED(status));
	g_assert_cmpint(WEXITSTATUS(status), ==, 1);
	g_assert_nonnull(strstr(err->str, "can be written by another user"));
	g_assert_true(lstat(sock, &st) < 0 || !S_ISSOCK(st.st_mode));
	g_string_free(err, TRUE);
}

static void test_dir_of_another_uid(void)
{
	g_autofree char *dir = g_dir_make_tmp("tsr-console-sock-XXXXXX", NULL);

	g_assert_nonnull(dir);
	g_assert_cmpint(chmod(dir, 0755), ==, 0);
	if (getuid() == 0)
		g_assert_cmpint(chown(dir, ATTACKER_UID, ATTACKER_UID), ==, 0);
	attack(dir);
	g_autofree char *sock = g_build_filename(dir, "console.sock", NULL);
	g_unlink(sock);
	g_rmdir(dir);
}

static void test_world_writable_dir(void)
{
	g_autofree char *dir = g_dir_make_tmp("tsr-console-sock-XXXXXX", NULL);

	g_assert_nonnull(dir);
	g_assert_cmpint(chmod(dir, 0777), ==, 0);
	attack(dir);
	g_autofree char *sock = g_build_filename(dir, "console.sock", NULL);
	g_unlink(sock);
	g_rmdir(dir);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/hostile/console/socket-dir-owned-by-another-uid",
			test_dir_of_another_uid);
	g_test_add_func("/hostile/console/socket-dir-world-writable", test_world_writable_dir);
	return g_test_run();
}
