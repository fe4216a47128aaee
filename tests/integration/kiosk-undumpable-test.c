/* tests/integration/kiosk-undumpable-test.c: tessera-kiosk in broker mode is undumpable from the
 * start of main, not only once it enters its box.
 *
 * The broker drops the kiosk to its user before the exec, and the exec makes the process dumpable
 * again; until kiosk/sandbox.c's box is entered (after the card, scene and input are up) anything
 * else running as the kiosk user could ptrace it or read /proc/PID/mem. The kiosk is started here
 * as the broker starts it, left waiting for the card that never comes, and its /proc/PID/mem is
 * looked at: a dumpable process's belongs to its user, an undumpable one's to root. (Not
 * /proc/PID itself: that always shows the effective uid.) */
#include "config.h"

#include <errno.h>
#include <glib.h>
#include <grp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define KIOSK TSR_BUILDDIR "/kiosk/tessera-kiosk"

/* The process has exec'd the kiosk and sleeps (waiting for its card on the link). */
static bool waiting_in_kiosk(pid_t pid)
{
	g_autofree char *exe_link = g_strdup_printf("/proc/%d/exe", (int)pid);
	g_autofree char *stat_path = g_strdup_printf("/proc/%d/stat", (int)pid);
	g_autofree char *exe = g_file_read_link(exe_link, NULL);
	g_autofree char *stat = NULL;
	const char *close_paren;

	if (!exe || !g_str_has_suffix(exe, "/tessera-kiosk"))
		return false;
	if (!g_file_get_contents(stat_path, &stat, NULL, NULL))
		return false;
	close_paren = strrchr(stat, ')');
	return close_paren && close_paren[1] == ' ' && close_paren[2] == 'S';
}

static void test_undumpable_before_its_box(void)
{
	/* As root, the kiosk runs as nobody, as the broker would run it as its own user. */
	uid_t kiosk_uid = getuid() == 0 ? 65534 : getuid();
	g_autofree char *proc = NULL;
	struct stat st;
	int sv[2], status, i;
	pid_t pid;

	g_assert_cmpint(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), ==, 0);
	pid = fork();
	g_assert_cmpint(pid, >=, 0);
	if (pid == 0) {
		if (dup2(sv[1], 3) < 0)
			_exit(126);
		if (getuid() == 0 && (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 ||
				      setresuid(65534, 65534, 65534) < 0))
			_exit(126);
		execl(KIOSK, "tessera-kiosk", "--broker-fd", "3", "--output", "drm", (char *)NULL);
		_exit(127);
	}
	close(sv[1]);
	for (i = 0; i < 1000 && !waiting_in_kiosk(pid); i++)
		g_usleep(10 * 1000);
	g_assert_true(waiting_in_kiosk(pid));
	proc = g_strdup_printf("/proc/%d/mem", (int)pid);
	g_assert_cmpint(stat(proc, &st), ==, 0);
	g_test_message("kiosk uid %u, /proc/%d/mem belongs to %u", (unsigned)kiosk_uid, (int)pid,
		       (unsigned)st.st_uid);
	/* Undumpable: its mem is root's, not the kiosk user's. */
	g_assert_cmpuint(st.st_uid, ==, 0);
	g_assert_cmpuint(kiosk_uid, !=, 0);

	/* The link closes: the kiosk gives up on the card and exits. */
	close(sv[0]);
	g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
	g_assert_true(WIFEXITED(status));
	g_assert_cmpint(WEXITSTATUS(status), ==, 1);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/kiosk-undumpable/before-its-box", test_undumpable_before_its_box);
	return g_test_run();
}
