/* tests/integration/display-helpers.h: shared by the display integration tests.
 *
 * Starting a tessera-testdomain and waiting for it to listen (its --ready-fd, no sleeping),
 * waiting on fds with a generous bound, and the sandbox user the viewers run as. */
#ifndef TSR_TESTS_DISPLAY_HELPERS_H
#define TSR_TESTS_DISPLAY_HELPERS_H

#include <glib.h>
#include <stdbool.h>
#include <sys/types.h>

struct td_proc {
	GPid pid;
	char *socket;
	char *record; /* --record-input file, or NULL */
};

/* Start tessera-testdomain with the extra arguments (NULL-terminated) on a socket in dir and
 * wait until it listens. Asserts on failure. */
void td_start(struct td_proc *td, const char *dir, const char *name, bool record, ...)
	G_GNUC_NULL_TERMINATED;
void td_stop(struct td_proc *td);

/* The unprivileged user viewers run as in tests: "tsr-viewer-test" (created with useradd if
 * missing), else nobody. */
void test_viewer_user(uid_t *uid, gid_t *gid);

/* Wait until fd is readable, at most timeout_ms. */
bool wait_readable(int fd, int timeout_ms);
/* Wait for a child to exit (any child pid), at most timeout_ms; returns the wait status or -1. */
int wait_exit(pid_t pid, int timeout_ms);
/* Wait until file contains needle (inotify on its directory), at most timeout_ms. */
bool wait_file_contains(const char *path, const char *needle, int timeout_ms);

/* Remove a flat temporary directory and the files in it. */
void test_dir_remove(const char *dir);

#endif
