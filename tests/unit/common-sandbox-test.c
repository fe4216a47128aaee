/* Sandbox sequence: after the drop, all uids and gids are the target, no supplementary group
 * is left and root cannot come back; a drop that left a group behind is detected; fds not
 * kept are closed; the drop to root is refused; tsr_sandbox_enter does every step, refuses a
 * root target without touching anything, and verifies instead of skipping when it cannot
 * change ids. The id tests need root and run in a child. */
#include "config.h"
#include "common/sandbox.h"
#include "tests/harness/in-child.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <grp.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#define NOBODY 65534

static int child_full_drop(void)
{
	gid_t extra[] = { 4, 24 };

	if (setgroups(2, extra) < 0)
		return 10;
	if (tsr_sandbox_drop_ids(NOBODY, NOBODY) < 0)
		return 11;
	if (!tsr_sandbox_ids_dropped(NOBODY, NOBODY))
		return 12;
	if (getgroups(0, NULL) != 0)
		return 13;
	if (setuid(0) == 0 || seteuid(0) == 0)
		return 14;
	return 0;
}

static int child_group_left_behind(void)
{
	gid_t extra[] = { 4 };

	/* A buggy drop: uid and gid changed, supplementary group kept. */
	if (setgroups(1, extra) < 0 || setresgid(NOBODY, NOBODY, NOBODY) < 0 ||
	    setresuid(NOBODY, NOBODY, NOBODY) < 0)
		return 20;
	return tsr_sandbox_ids_dropped(NOBODY, NOBODY) ? 21 : 0;
}

static int child_saved_uid_left(void)
{
	/* Effective uid changed but the saved uid is still root: root could come back. */
	if (setgroups(0, NULL) < 0 || setresgid(NOBODY, NOBODY, NOBODY) < 0 ||
	    setresuid(NOBODY, NOBODY, 0) < 0)
		return 30;
	return tsr_sandbox_ids_dropped(NOBODY, NOBODY) ? 31 : 0;
}

/* Changing ids needs root; CI runs as root, so these never skip there. */
#define REQUIRE_ROOT()                                                        \
	do {                                                                  \
		if (geteuid() != 0) {                                         \
			g_test_skip("needs root to change ids");              \
			return;                                               \
		}                                                             \
	} while (0)

static void test_full_drop(void)
{
	REQUIRE_ROOT();
	g_assert_cmpint(tsr_test_in_child(child_full_drop), ==, 0);
}

static void test_group_left_detected(void)
{
	REQUIRE_ROOT();
	g_assert_cmpint(tsr_test_in_child(child_group_left_behind), ==, 0);
}

static void test_saved_uid_detected(void)
{
	REQUIRE_ROOT();
	g_assert_cmpint(tsr_test_in_child(child_saved_uid_left), ==, 0);
}

static void test_refuses_root_target(void)
{
	errno = 0;
	g_assert_cmpint(tsr_sandbox_drop_ids(0, NOBODY), ==, -1);
	g_assert_cmpint(errno, ==, EINVAL);
	g_assert_cmpint(tsr_sandbox_drop_ids(NOBODY, 0), ==, -1);
	g_assert_cmpint(errno, ==, EINVAL);
}

static void test_close_fds(void)
{
	int keep = open("/dev/null", O_RDONLY);
	int gone = open("/dev/null", O_RDONLY);

	g_assert_cmpint(keep, >=, 0);
	g_assert_cmpint(gone, >=, 0);
	g_assert_cmpint(tsr_sandbox_close_fds(&keep, 1, true), ==, 0);
	g_assert_cmpint(fcntl(keep, F_GETFD), >=, 0);
	g_assert_cmpint(fcntl(gone, F_GETFD), ==, -1);
	g_assert_cmpint(errno, ==, EBADF);
	g_assert_cmpint(tsr_sandbox_count_fds(), ==, 4);
	close(keep);
}

static int child_limits(void)
{
	struct tsr_sandbox_limits l = { .open_files = 16, .no_core = true,
					.address_space = 1ULL << 40 };
	struct rlimit rl;

	if (tsr_sandbox_set_limits(&l) < 0)
		return 40;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur != 16 || rl.rlim_max != 16)
		return 41;
	if (getrlimit(RLIMIT_CORE, &rl) < 0 || rl.rlim_max != 0)
		return 42;
	if (getrlimit(RLIMIT_AS, &rl) < 0)
		return 43;
	/* Sanitizer mode leaves RLIMIT_AS alone; normal builds set it. */
	if (TSR_SANITIZER_BUILD ? rl.rlim_cur == (1ULL << 40) : rl.rlim_cur != (1ULL << 40))
		return 44;
	/* Raising a hard limit again must fail. */
	rl.rlim_cur = rl.rlim_max = 1024;
	if (setrlimit(RLIMIT_NOFILE, &rl) == 0 && geteuid() != 0)
		return 45;
	return 0;
}

static void test_limits(void)
{
	g_assert_cmpint(tsr_test_in_child(child_limits), ==, 0);
}

static int child_nnp(void)
{
	if (tsr_sandbox_no_new_privs() < 0)
		return 50;
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	int nnp = -1;
	while (f && fgets(line, sizeof(line), f))
		sscanf(line, "NoNewPrivs: %d", &nnp);
	if (f)
		fclose(f);
	return nnp == 1 ? 0 : 51;
}

static void test_no_new_privs(void)
{
	g_assert_cmpint(tsr_test_in_child(child_nnp), ==, 0);
}

static int status_field(const char *name)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	int v = -1;
	size_t len = strlen(name);

	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, name, len) == 0 && line[len] == ':')
			v = atoi(line + len + 1);
	if (f)
		fclose(f);
	return v;
}

/* Every step, in one call. */
static int child_sequence(void)
{
	int keep = open("/dev/null", O_RDONLY);
	int gone = open("/dev/null", O_RDONLY);
	const struct tsr_sandbox sb = {
		.ids = TSR_SANDBOX_IDS_DROP, .uid = NOBODY, .gid = NOBODY,
		.limits = { .open_files = 32, .no_core = true },
		.close_fds = true, .keep_fds = &keep, .n_keep_fds = 1,
	};
	const char *step = NULL;
	struct rlimit rl;

	if (keep < 0 || gone < 0)
		return 60;
	if (tsr_sandbox_enter(&sb, &step) < 0)
		return 61;
	if (!tsr_sandbox_ids_dropped(NOBODY, NOBODY))
		return 62;
	if (status_field("NoNewPrivs") != 1)
		return 63;
	if (prctl(PR_GET_DUMPABLE) != 0)
		return 64;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_max != 32)
		return 65;
	if (fcntl(keep, F_GETFD) < 0 || fcntl(gone, F_GETFD) >= 0)
		return 66;
	return 0;
}

static void test_sequence(void)
{
	REQUIRE_ROOT();
	g_assert_cmpint(tsr_test_in_child(child_sequence), ==, 0);
}

/* A drop to root is refused before anything changes: still root, no no_new_privs, fds open. */
static int child_sequence_root_target(void)
{
	int fd = open("/dev/null", O_RDONLY);
	struct tsr_sandbox sb = { .ids = TSR_SANDBOX_IDS_DROP, .uid = 0, .gid = NOBODY,
				  .close_fds = true };
	const char *step = NULL;

	if (tsr_sandbox_enter(&sb, &step) == 0 || errno != EINVAL || !step ||
	    strcmp(step, "drop ids") != 0)
		return 70;
	sb.uid = NOBODY;
	sb.gid = 0;
	if (tsr_sandbox_enter(&sb, &step) == 0 || errno != EINVAL)
		return 71;
	if (getuid() != 0 || geteuid() != 0 || status_field("NoNewPrivs") != 0)
		return 72;
	if (fcntl(fd, F_GETFD) < 0)
		return 73;
	return 0;
}

static void test_sequence_root_target(void)
{
	REQUIRE_ROOT();
	g_assert_cmpint(tsr_test_in_child(child_sequence_root_target), ==, 0);
}

/* The kiosk keeps its device groups: exactly the ones asked for, nothing else. */
static int child_sequence_groups(void)
{
	gid_t extra[] = { 4, 24, 27 }, want[] = { 44 }, have[8];
	const struct tsr_sandbox sb = { .ids = TSR_SANDBOX_IDS_DROP, .uid = NOBODY, .gid = NOBODY,
					.groups = want, .n_groups = 1 };
	const char *step;

	if (setgroups(3, extra) < 0)
		return 80;
	if (tsr_sandbox_enter(&sb, &step) < 0)
		return 81;
	if (getgroups(8, have) != 1 || have[0] != 44)
		return 82;
	if (setresuid(0, 0, 0) == 0)
		return 83;
	return 0;
}

static void test_sequence_groups(void)
{
	REQUIRE_ROOT();
	g_assert_cmpint(tsr_test_in_child(child_sequence_groups), ==, 0);
}

/* Without root the ids cannot change: a process that is not already the target is refused,
 * never let through with the ids it has. */
static int child_sequence_unprivileged(void)
{
	const struct tsr_sandbox other = { .ids = TSR_SANDBOX_IDS_DROP, .uid = NOBODY - 1,
					   .gid = NOBODY - 1 };
	const struct tsr_sandbox same = { .ids = TSR_SANDBOX_IDS_DROP, .uid = NOBODY,
					  .gid = NOBODY };
	const char *step = NULL;

	if (tsr_sandbox_drop_ids(NOBODY, NOBODY) < 0)
		return 90;
	if (tsr_sandbox_enter(&other, &step) == 0 || errno != EPERM)
		return 91;
	if (getuid() != NOBODY)
		return 92;
	if (tsr_sandbox_enter(&same, &step) < 0)
		return 93;
	return 0;
}

static void test_sequence_unprivileged(void)
{
	REQUIRE_ROOT();
	g_assert_cmpint(tsr_test_in_child(child_sequence_unprivileged), ==, 0);
}

/* Who owns /proc/self/stat of a program exec'd after the sequence: root when it started
 * undumpable, its own uid otherwise. Returns the uid stat(1) printed, or -1. */
static long exec_owner(bool nondumpable_exec)
{
	int out[2];
	pid_t pid;
	char buf[32];
	ssize_t n;
	int status;

	if (pipe(out) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		const struct tsr_sandbox sb = { .ids = TSR_SANDBOX_IDS_DROP, .uid = NOBODY,
						.gid = NOBODY,
						.nondumpable_exec = nondumpable_exec };
		const char *step;
		char *const argv[] = { (char *)"stat", (char *)"-c", (char *)"%u",
				       (char *)"/proc/self/stat", NULL };

		if (dup2(out[1], 1) < 0 || tsr_sandbox_enter(&sb, &step) < 0)
			_exit(1);
		execv("/usr/bin/stat", argv);
		_exit(1);
	}
	close(out[1]);
	n = read(out[0], buf, sizeof(buf) - 1);
	close(out[0]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
	    n <= 0)
		return -1;
	buf[n] = '\0';
	return strtol(buf, NULL, 10);
}

static void test_nondumpable_exec(void)
{
	REQUIRE_ROOT();
	g_assert_cmpint(exec_owner(false), ==, NOBODY);
	g_assert_cmpint(exec_owner(true), ==, 0);
}

/* After such an exec: undumpable, gids settled, and a traced process refuses to go on. */
static int child_after_exec(void)
{
	const struct tsr_sandbox sb = { .ids = TSR_SANDBOX_IDS_DROP, .uid = NOBODY, .gid = NOBODY,
					.nondumpable_exec = true };
	const char *step;
	gid_t r, e, s;

	if (tsr_sandbox_enter(&sb, &step) < 0)
		return 100;
	if (getresgid(&r, &e, &s) < 0 || r == NOBODY || e != NOBODY || s != NOBODY)
		return 101;
	if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
		return 102;
	if (tsr_sandbox_after_exec() < 0)
		return 103;
	if (prctl(PR_GET_DUMPABLE) != 0 || !tsr_sandbox_ids_dropped(NOBODY, NOBODY))
		return 104;
	return 0;
}

static void test_after_exec(void)
{
	REQUIRE_ROOT();
	g_assert_cmpint(tsr_test_in_child(child_after_exec), ==, 0);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/sandbox/drop-leaves-only-target-ids", test_full_drop);
	g_test_add_func("/sandbox/group-left-after-drop-detected", test_group_left_detected);
	g_test_add_func("/sandbox/saved-root-uid-detected", test_saved_uid_detected);
	g_test_add_func("/sandbox/drop-to-root-refused", test_refuses_root_target);
	g_test_add_func("/sandbox/close-fds-keeps-only-listed", test_close_fds);
	g_test_add_func("/sandbox/rlimits-set", test_limits);
	g_test_add_func("/sandbox/no-new-privs-set", test_no_new_privs);
	g_test_add_func("/sandbox/sequence-does-every-step", test_sequence);
	g_test_add_func("/sandbox/sequence-refuses-root-target-unchanged",
			test_sequence_root_target);
	g_test_add_func("/sandbox/sequence-keeps-only-listed-groups", test_sequence_groups);
	g_test_add_func("/sandbox/sequence-without-root-verifies-not-skips",
			test_sequence_unprivileged);
	g_test_add_func("/sandbox/nondumpable-exec-starts-undumpable", test_nondumpable_exec);
	g_test_add_func("/sandbox/after-exec-undumpable-gids-settled", test_after_exec);
	return g_test_run();
}
