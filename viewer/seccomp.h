/* viewer/seccomp.h: the viewer's system-call allowlist.
 *
 * One mechanism per file (as OpenSSH does): this is only the seccomp filter. After it is
 * loaded the viewer can still compute, map memory, make memfds for its pixels, run GLib
 * threads and talk over the fds it already holds; it cannot open a file, create or connect a
 * socket, fork, exec, signal another process, or use any ioctl but FIONREAD/FIONBIO (so
 * TIOCSTI is out). Denied calls
 * fail with EACCES rather than killing the process, so GLib's fallbacks keep working; clone3
 * fails with ENOSYS so glibc falls back to clone, whose flags must include CLONE_THREAD. */
#ifndef TSR_VIEWER_SECCOMP_H
#define TSR_VIEWER_SECCOMP_H

#include <stddef.h>

/* Load the filter (no_new_privs must already be set). Returns 0 or -1 with errno. */
int tsr_viewer_seccomp_load(void) __attribute__((warn_unused_result));

/* The same filter, plus the n_extra system calls in extra[] (SCMP_SYS numbers) allowed without
 * argument checks. For tessera-console, which is boxed like the viewer but also accepts its
 * clients (accept4), lets spice-server make its internal socketpairs, and checks memfds with
 * fstatfs. Applies to the calling thread and the threads it creates afterwards. */
int tsr_viewer_seccomp_load_with(const int *extra, size_t n_extra)
	__attribute__((warn_unused_result));

#endif
