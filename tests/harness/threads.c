/* tests/harness/threads.c: every thread of a sandboxed program filtered (see threads.h). */
#include "config.h"
#include "tests/harness/threads.h"

#include <glib.h>
#include <string.h>

int tsr_test_threads_filtered(pid_t pid)
{
	char *tasks = g_strdup_printf("/proc/%d/task", (int)pid);
	GDir *dir = g_dir_open(tasks, 0, NULL);
	const char *tid;
	int threads = 0;

	g_assert_nonnull(dir);
	while ((tid = g_dir_read_name(dir)) != NULL) {
		char *path = g_strdup_printf("%s/%s/status", tasks, tid);
		char *status = NULL;

		g_assert_true(g_file_get_contents(path, &status, NULL, NULL));
		g_assert_nonnull(strstr(status, "\nSeccomp:\t2\n"));
		g_assert_nonnull(strstr(status, "\nNoNewPrivs:\t1\n"));
		threads++;
		g_free(status);
		g_free(path);
	}
	g_dir_close(dir);
	g_free(tasks);
	g_test_message("%d threads, all filtered", threads);
	return threads;
}
