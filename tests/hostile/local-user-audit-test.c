/* tests/hostile/local-user-audit-test.c: a local user after the audit log and the broker's
 * state, against the real tessera-brokerd (sim backend, scripted test kiosk).
 *
 * The audit log names every user who logged in or failed to, and when; the broker's state
 * says who owns which domain and device. The broker creates their directories 0700, but a
 * directory that already exists (left by an older version, a restored backup, an
 * administrator's mkdir) kept whatever mode it had. The attacker is uid 65534 (the kiosk's
 * uid here; any device model, viewer or console uid would do). One TAP result per attack:
 *   - audit-log-left-open: STATE/audit 0755 holding audit.log and audit.log.1 0644,
 *     STATE/broker 0755: after the broker starts, 65534 can neither list nor read them, and
 *     the modes are 0700 and 0600;
 *   - audit-dir-owned-by-another-uid: STATE/audit is 65534's, so 65534 could swap the files
 *     root writes there: the broker refuses to start and says why, and writes nothing there. */
#include "config.h"
#include "tests/integration/broker-harness.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define ATTACKER_UID 65534

static void write_mode(const char *path, const char *text, mode_t mode)
{
	g_assert_true(g_file_set_contents(path, text, -1, NULL));
	g_assert_cmpint(chmod(path, mode), ==, 0);
}

static mode_t mode_of(const char *path)
{
	struct stat st;

	g_assert_cmpint(lstat(path, &st), ==, 0);
	return st.st_mode & 07777;
}

/* Whether uid 65534 can open path for reading (a file, or a directory to list). */
static bool attacker_reads(const char *path)
{
	int status = 0;
	pid_t pid = fork();

	g_assert_cmpint(pid, >=, 0);
	if (pid == 0) {
		if (setgroups(0, NULL) < 0 || setgid(ATTACKER_UID) < 0 ||
		    setuid(ATTACKER_UID) < 0)
			_exit(2);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		_exit(fd >= 0 ? 0 : errno == EACCES ? 1 : 3);
	}
	g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
	g_assert_true(WIFEXITED(status));
	g_assert_cmpint(WEXITSTATUS(status), !=, 2);
	g_assert_cmpint(WEXITSTATUS(status), !=, 3);
	return WEXITSTATUS(status) == 0;
}

static bool need_root(void)
{
	if (getuid() != 0) {
		g_test_skip("the attacker is uid 65534: needs root");
		return false;
	}
	return true;
}

static void test_left_open(void)
{
	if (!need_root())
		return;
	struct bh *h = bh_new("");
	g_autofree char *audit = g_build_filename(h->state, "audit", NULL);
	g_autofree char *log = g_build_filename(audit, "audit.log", NULL);
	g_autofree char *old = g_build_filename(audit, "audit.log.1", NULL);
	g_autofree char *broker = g_build_filename(h->state, "broker", NULL);

	g_assert_cmpint(g_mkdir_with_parents(audit, 0755), ==, 0);
	g_assert_cmpint(chmod(h->state, 0755), ==, 0);
	g_assert_cmpint(chmod(audit, 0755), ==, 0);
	write_mode(log, "", 0644);
	write_mode(old, "{\"event\":\"login\",\"user\":\"alice\"}\n", 0644);
	g_assert_cmpint(g_mkdir_with_parents(broker, 0755), ==, 0);
	g_assert_cmpint(chmod(broker, 0755), ==, 0);
	g_assert_true(attacker_reads(log)); /* the attack works before the broker runs */

	bh_start(h, true);
	g_autofree char *ev = bh_wait_audit(h, "\"event\":\"broker-start\"", NULL);
	g_assert_false(attacker_reads(audit));
	g_assert_false(attacker_reads(log));
	g_assert_false(attacker_reads(old));
	g_assert_false(attacker_reads(broker));
	g_assert_cmpuint(mode_of(audit), ==, 0700);
	g_assert_cmpuint(mode_of(log), ==, 0600);
	g_assert_cmpuint(mode_of(broker), ==, 0700);
	bh_free(h);
}

/* Run tessera-brokerd on h's tree without a kiosk; its exit status, or -1 if it was still
 * running after 10 s (then killed). Its stderr goes to err_path. */
static int run_broker(struct bh *h, const char *err_path)
{
	g_autofree char *brokerd = g_build_filename(TSR_BUILDDIR, "broker/tessera-brokerd", NULL);
	g_autofree char *a1 = g_strdup_printf("--state-dir=%s", h->state);
	g_autofree char *a2 = g_strdup_printf("--run-dir=%s", h->run);
	g_autofree char *a3 = g_strdup_printf("--policy-dir=%s", h->policy);
	g_autofree char *a4 = g_strdup_printf("--sysfs=%s", h->sysfs);
	g_autofree char *a5 = g_strdup_printf("--devfs=%s", h->devfs);
	char *argv[] = { brokerd, a1, a2, a3, a4, a5, "--no-udev", "--no-kiosk", NULL };
	int status = 0;
	pid_t pid = fork();

	g_assert_cmpint(pid, >=, 0);
	if (pid == 0) {
		int fd = open(err_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd < 0 || dup2(fd, 2) < 0)
			_exit(127);
		execv(brokerd, argv);
		_exit(127);
	}
	for (int i = 0; i < 200; i++) {
		pid_t r = waitpid(pid, &status, WNOHANG);
		g_assert_cmpint(r, >=, 0);
		if (r == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		g_usleep(50000);
	}
	kill(pid, SIGTERM);
	g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
	return -1;
}

static void test_dir_of_another_uid(void)
{
	if (!need_root())
		return;
	struct bh *h = bh_new("");
	g_autofree char *audit = g_build_filename(h->state, "audit", NULL);
	g_autofree char *log = g_build_filename(audit, "audit.log", NULL);
	g_autofree char *err_path = g_build_filename(h->dir, "broker.err", NULL);
	g_autofree char *err = NULL;

	g_assert_cmpint(g_mkdir_with_parents(audit, 0700), ==, 0);
	g_assert_cmpint(chown(audit, ATTACKER_UID, ATTACKER_UID), ==, 0);
	int rc = run_broker(h, err_path);
	g_assert_true(g_file_get_contents(err_path, &err, NULL, NULL));
	g_test_message("broker said: %s", err);
	g_assert_cmpint(rc, >, 0);
	g_assert_cmpint(rc, <, 128);
	g_assert_nonnull(strstr(err, "belongs to another user"));
	g_assert_false(g_file_test(log, G_FILE_TEST_EXISTS));
	g_assert_cmpint(chown(audit, 0, 0), ==, 0);
	bh_free(h);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/hostile/local-user/audit-log-left-open", test_left_open);
	g_test_add_func("/hostile/local-user/audit-dir-owned-by-another-uid",
			test_dir_of_another_uid);
	return g_test_run();
}
