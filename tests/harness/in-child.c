/* tests/harness/in-child.c: a test step in a forked child (see in-child.h). */
#include "config.h"
#include "tests/harness/in-child.h"

#include <glib.h>
#include <sys/wait.h>
#include <unistd.h>

int tsr_test_in_child(int (*fn)(void))
{
	pid_t pid = fork();
	int status;

	g_assert_cmpint(pid, >=, 0);
	if (pid == 0)
		_exit(fn());
	g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
	g_assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}
