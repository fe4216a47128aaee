/* viewer/sandbox.h: putting tessera-viewer in its box, and proving it is there.
 *
 * The spawner (viewer-spawn.h) has already dropped groups, gid and uid and set no_new_privs
 * before exec. Here, in the viewer itself, after GLib and spice-client-glib are initialised
 * (they need files) and before the first SPICE byte is read: verify the ids (never root, all
 * three uids and gids equal, no groups, root unreachable), rlimits, no_new_privs again, and the
 * seccomp allowlist (viewer-seccomp.h). Inherited fds were closed first thing in main. */
#ifndef TSR_VIEWER_SANDBOX_H
#define TSR_VIEWER_SANDBOX_H

#include <stddef.h>

/* Returns 0, or -1 with a reason in err. On -1 the viewer must exit at once. */
int tsr_viewer_sandbox_enter(char *err, size_t errlen) __attribute__((warn_unused_result));

/* Test-only probe, run inside the sandbox: try to open a file, create a socket, connect the
 * given fd to path, execve, fork and ioctl(TIOCSTI), and describe each result in report
 * ("open=EACCES socket=EACCES ..."). Returns the number of attempts that succeeded (0 = the
 * sandbox held). */
int tsr_viewer_sandbox_probe(const char *connect_path, char *report, size_t len);

#endif
