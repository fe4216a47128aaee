/* console/sandbox.h: everything tessera-console may do, set up in one place.
 *
 * The console parses a remote client's SPICE stream, so it runs in a box like the viewer's,
 * entered in two steps around spice_server_init (which loads its SASL plugins from disk):
 *
 *   1. before spice-server exists: every fd closed but stdio, the kiosk link and the listening
 *      socket (tsr_console_sandbox_close_fds);
 *   2. after spice_server_init and before the display (and its worker thread) or any client
 *      exists: common's sequence — groups, gid, uid to --user (never root), no_new_privs, not
 *      dumpable, rlimits — and the console's own seccomp allowlist, loaded into every thread
 *      (tsr_console_sandbox_enter).
 *
 * The allowlist is the viewer's kind (no files, no new sockets to anywhere, no fork or exec, no
 * PROT_EXEC, fcntl by command) plus what a server needs: accepting its clients, the socketpairs
 * spice-server makes internally (no address, no peer), and fstatfs to refuse hugetlbfs surfaces.
 * Denied calls fail with EACCES: the files OpenSSL would read when the first client links (its
 * config, /dev/urandom) are optional to it, getrandom is allowed. */
#ifndef TSR_CONSOLE_SANDBOX_H
#define TSR_CONSOLE_SANDBOX_H

#include <stdbool.h>
#include <sys/types.h>

/* Step 1. false = failed (reported). */
bool tsr_console_sandbox_close_fds(int link, int listen_fd) __attribute__((warn_unused_result));

/* Step 2. false = failed (reported); the console must exit. */
bool tsr_console_sandbox_enter(uid_t uid, gid_t gid) __attribute__((warn_unused_result));

#endif
