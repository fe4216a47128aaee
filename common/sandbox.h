/* common/sandbox.h: dropping a process to the least it needs, in an order that cannot fail open.
 *
 * Used by every process that handles untrusted input (tessera-viewer first of all) before it
 * reads a single byte of that input. The order matters: supplementary groups are dropped first
 * (they need privilege), then gid, then uid (real, effective and saved each time), and
 * afterwards it is verified that none of the old ids can come back. Seccomp and namespaces
 * live in their own files (one mechanism per file, as OpenSSH does).
 *
 * Sanitizer mode: a build with -fsanitize=address cannot live under RLIMIT_AS (ASan reserves
 * terabytes of address space) and its leak checker cannot stop the world inside a sandbox.
 * Such a build (TSR_SANITIZER_BUILD, detected at compile time) skips RLIMIT_AS only; every
 * other step stays. Normal builds are never weakened. See doc/sandbox.md. */
#ifndef TSR_COMMON_SANDBOX_H
#define TSR_COMMON_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#if defined(__SANITIZE_ADDRESS__)
#define TSR_SANITIZER_BUILD 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TSR_SANITIZER_BUILD 1
#endif
#endif
#ifndef TSR_SANITIZER_BUILD
#define TSR_SANITIZER_BUILD 0
#endif

struct tsr_sandbox_limits {
	unsigned long long address_space; /* RLIMIT_AS bytes, 0 = leave as is */
	unsigned long long open_files;    /* RLIMIT_NOFILE, 0 = leave as is */
	unsigned long long processes;     /* RLIMIT_NPROC, 0 = leave as is */
	bool no_core;                     /* RLIMIT_CORE = 0 */
};

/* Drop supplementary groups, then set real/effective/saved gid, then uid, then verify.
 * Refuses uid 0 or gid 0 as a target (EINVAL): a sandbox of root is not a sandbox.
 * Returns 0 or -1 with errno; on -1 the caller must exit, the process is in an unknown state. */
int tsr_sandbox_drop_ids(uid_t uid, gid_t gid) __attribute__((warn_unused_result));

/* True only if all three uids are uid, all three gids are gid, there are no supplementary
 * groups, and setresuid(0,0,0) fails. */
bool tsr_sandbox_ids_dropped(uid_t uid, gid_t gid) __attribute__((warn_unused_result));

/* PR_SET_NO_NEW_PRIVS and PR_SET_DUMPABLE 0. Returns 0 or -1. */
int tsr_sandbox_no_new_privs(void) __attribute__((warn_unused_result));

int tsr_sandbox_set_limits(const struct tsr_sandbox_limits *limits)
	__attribute__((warn_unused_result));

/* Close every fd except those in keep[] (and except 0-2 if keep_stdio). Returns 0 or -1. */
int tsr_sandbox_close_fds(const int *keep, size_t nkeep, bool keep_stdio)
	__attribute__((warn_unused_result));

/* Count open fds of this process (tests and leak checks). -1 on error. */
int tsr_sandbox_count_fds(void);

#endif
