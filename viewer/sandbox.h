/* viewer/sandbox.h: everything tessera-viewer may do, set up in one place.
 *
 * The spawner (viewer/spawn.h) has already dropped groups, gid and uid through common's
 * sequence before exec, leaving the viewer to start non-dumpable. Here, in the viewer itself:
 *
 *   1. first thing in main: not dumpable (again), gids settled, no tracer
 *      (tsr_viewer_sandbox_first);
 *   2. before GLib initialises: every inherited fd closed but the link and the SPICE sockets
 *      (tsr_viewer_sandbox_close_fds);
 *   3. after GLib and spice-client-glib are initialised (they need files) and before the first
 *      SPICE byte is read: common's sequence with the viewer's ids (verified, never root),
 *      rlimits and the viewer's seccomp allowlist (tsr_viewer_sandbox_enter).
 *
 * The allowlist (sandbox.c) lets the viewer compute, map memory without PROT_EXEC, make the
 * memfds that carry its pixels, run GLib threads and talk over the fds it already holds. It
 * cannot open a file, create or connect a socket, fork, exec, signal another process (directly,
 * or through F_SETOWN/F_SETSIG/O_ASYNC), or use any ioctl but FIONREAD/FIONBIO (so TIOCSTI is
 * out). Denied calls fail with EACCES rather than killing the process, so GLib's fallbacks keep
 * working; clone3 fails with ENOSYS so glibc falls back to clone, whose flags must include
 * CLONE_THREAD. doc/sandbox.md says why each call is there. */
#ifndef TSR_VIEWER_SANDBOX_H
#define TSR_VIEWER_SANDBOX_H

#include <stddef.h>

/* Step 1. Returns 0, or -1 with a reason in err. On -1 the viewer must exit at once. */
int tsr_viewer_sandbox_first(char *err, size_t errlen) __attribute__((warn_unused_result));

/* Step 2: keep only stdio and keep[]. Returns 0, or -1 with a reason in err. */
int tsr_viewer_sandbox_close_fds(const int *keep, size_t n, char *err, size_t errlen)
	__attribute__((warn_unused_result));

/* Step 3. Returns 0, or -1 with a reason in err. On -1 the viewer must exit at once. */
int tsr_viewer_sandbox_enter(char *err, size_t errlen) __attribute__((warn_unused_result));

/* Test-only probe, run inside the sandbox: try to open a file, create a socket, connect the
 * given fd to path, execve, fork, ioctl(TIOCSTI), signal the parent, set an fd's owner or
 * O_ASYNC, and map memory executable, and describe each result in report
 * ("open=EACCES socket=EACCES ..."). Returns the number of attempts that succeeded (0 = the
 * sandbox held). */
int tsr_viewer_sandbox_probe(const char *connect_path, char *report, size_t len);

#endif
