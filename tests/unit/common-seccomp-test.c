/* common/seccomp.c: a table becomes a filter that refuses what the table does not allow, checks
 * arguments (fcntl by command, PROT_EXEC masked out of mmap/mprotect) and reaches threads that
 * were started before it was loaded (TSYNC). Each case runs in a forked child, which the filter
 * cannot leave. */
#include "config.h"
#include "common/sandbox.h"
#include "tests/harness/in-child.h"
#include "common/seccomp.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* Enough for a child that only computes, maps memory, runs a thread and exits. */
static const struct tsr_seccomp_rule rules[] = {
	TSR_SC_ALLOW(read), TSR_SC_ALLOW(write), TSR_SC_ALLOW(close), TSR_SC_ALLOW(exit),
	TSR_SC_ALLOW(exit_group), TSR_SC_ALLOW(futex), TSR_SC_ALLOW(munmap),
	TSR_SC_ALLOW(madvise), TSR_SC_ALLOW(rt_sigprocmask), TSR_SC_ALLOW(brk),
	TSR_SC_ALLOW(getpid), TSR_SC_ALLOW(gettid), TSR_SC_ALLOW(rseq),
	TSR_SC_ALLOW(set_robust_list), TSR_SC_ALLOW(sigaltstack), TSR_SC_ALLOW(rt_sigaction),
	TSR_SC_ALLOW(sched_getaffinity), TSR_SC_ALLOW_EQ(prlimit64, 2, 0),
	TSR_SC_ALLOW(set_tid_address), TSR_SC_ALLOW(mremap),
	TSR_SC_ALLOW_NONE_OF(mmap, 2, PROT_EXEC),
	TSR_SC_ALLOW_NONE_OF(mprotect, 2, PROT_EXEC),
	TSR_SC_ALLOW_ALL_OF(clone, 0, CLONE_THREAD),
	TSR_SC_FAIL(clone3, ENOSYS),
	TSR_SC_ALLOW_EQ(fcntl, 1, F_GETFL),
	TSR_SC_ALLOW_EQ_NONE_OF(fcntl, 1, F_SETFL, 2, O_ASYNC),
};

static int load(void)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	return tsr_seccomp_load(rules, G_N_ELEMENTS(rules));
}

static int refused(long rc)
{
	return rc == -1 && errno == EACCES;
}

static int child_not_listed(void)
{
	if (load() < 0)
		return 10;
	if (!refused(syscall(SYS_getppid)))
		return 11;
	if (!refused(syscall(SYS_socket, AF_UNIX, SOCK_STREAM, 0)))
		return 12;
	return syscall(SYS_getpid) > 0 ? 0 : 13;
}

static void test_not_listed(void)
{
	g_assert_cmpint(tsr_test_in_child(child_not_listed), ==, 0);
}

static int child_fcntl(void)
{
	int fds[2];

	if (pipe(fds) < 0 || load() < 0)
		return 20;
	int fl = fcntl(fds[0], F_GETFL);
	if (fl < 0)
		return 21;
	if (fcntl(fds[0], F_SETFL, fl | O_NONBLOCK) < 0)
		return 22;
	if (!refused(fcntl(fds[0], F_SETFL, fl | O_ASYNC)))
		return 23;
	if (!refused(fcntl(fds[0], F_SETOWN, getpid())))
		return 24;
	if (!refused(fcntl(fds[0], F_SETSIG, SIGUSR1)))
		return 25;
	if (fcntl(fds[0], F_GETFL) & O_ASYNC)
		return 26;
	return 0;
}

static void test_fcntl(void)
{
	g_assert_cmpint(tsr_test_in_child(child_fcntl), ==, 0);
}

static int child_prot_exec(void)
{
	void *p;

	if (load() < 0)
		return 30;
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 31;
	if (!refused(mprotect(p, 4096, PROT_READ | PROT_EXEC)))
		return 32;
	if (mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) !=
		    MAP_FAILED ||
	    errno != EACCES)
		return 33;
	if (mprotect(p, 4096, PROT_READ) < 0)
		return 34;
	return 0;
}

static void test_prot_exec(void)
{
	g_assert_cmpint(tsr_test_in_child(child_prot_exec), ==, 0);
}

/* A thread started before the filter, released after it: it is filtered too. */
static int gate[2];
static long thread_rc, thread_errno;

static void *early_thread(void *arg)
{
	char c;

	(void)arg;
	if (read(gate[0], &c, 1) != 1)
		return NULL;
	thread_rc = syscall(SYS_getppid);
	thread_errno = errno;
	return NULL;
}

static int child_tsync(void)
{
	pthread_t t;

	if (pipe(gate) < 0 || pthread_create(&t, NULL, early_thread, NULL) != 0)
		return 40;
	if (load() < 0)
		return 41;
	if (write(gate[1], "x", 1) != 1 || pthread_join(t, NULL) != 0)
		return 42;
	if (thread_rc != -1 || thread_errno != EACCES)
		return 43;
	return 0;
}

static void test_tsync(void)
{
	g_assert_cmpint(tsr_test_in_child(child_tsync), ==, 0);
}

/* The sequence runs the filter last, with everything before it. */
static int child_sequence(void)
{
	const struct tsr_sandbox sb = { .ids = TSR_SANDBOX_IDS_KEEP, .allow = rules,
					.n_allow = G_N_ELEMENTS(rules) };
	const char *step;

	if (tsr_sandbox_enter(&sb, &step) < 0)
		return 50;
	if (prctl(PR_GET_DUMPABLE) != -1 || errno != EACCES)
		return 51; /* prctl itself is not in the table */
	return refused(syscall(SYS_getppid)) ? 0 : 52;
}

static void test_sequence(void)
{
	g_assert_cmpint(tsr_test_in_child(child_sequence), ==, 0);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/seccomp/unlisted-call-refused", test_not_listed);
	g_test_add_func("/seccomp/fcntl-by-command-setown-setsig-async-refused", test_fcntl);
	g_test_add_func("/seccomp/prot-exec-refused-in-mmap-and-mprotect", test_prot_exec);
	g_test_add_func("/seccomp/tsync-filters-threads-started-before", test_tsync);
	g_test_add_func("/seccomp/sequence-loads-filter-last", test_sequence);
	return g_test_run();
}
