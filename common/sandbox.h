/* common/sandbox.h: the one sequence that puts a Tessera process into its box.
 *
 * Every program that drops privileges (the viewer, the console, the kiosk, and the device model
 * and kiosk children of the broker between fork and exec) calls tsr_sandbox_enter() from its own
 * sandbox.c with a description of its box: which ids, which rlimits, which fds survive, and
 * which system calls it may make (a per-program allowlist, common/seccomp.h). The order is fixed
 * here so that no program can get it wrong or fail open:
 *
 *   1. supplementary groups, then real/effective/saved gid, then uid; verified (all six ids are
 *      the target, the groups are exactly the ones asked for, root cannot come back). A target
 *      of uid or gid 0 is refused: a sandbox of root is not a sandbox. A process that is not
 *      root cannot change ids, so there the ids must already be the target (verified, never
 *      skipped);
 *   2. PR_SET_NO_NEW_PRIVS;
 *   3. PR_SET_DUMPABLE 0 (comes back at execve: a program sets it again first thing in main);
 *   4. rlimits;
 *   5. every fd closed but stdio and the ones listed;
 *   6. the seccomp allowlist, loaded into every thread of the process (TSYNC).
 *
 * Steps 1-5 make system calls only (no allocation, no locks), so the sequence may run between
 * fork and exec of a multithreaded parent when no allowlist is given.
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

struct tsr_seccomp_rule; /* common/seccomp.h */

struct tsr_sandbox_limits {
	unsigned long long address_space; /* RLIMIT_AS bytes, 0 = leave as is */
	unsigned long long open_files;    /* RLIMIT_NOFILE, 0 = leave as is */
	unsigned long long processes;     /* RLIMIT_NPROC, 0 = leave as is */
	bool no_core;                     /* RLIMIT_CORE = 0 */
};

enum tsr_sandbox_ids {
	/* Leave the ids alone: a program its parent already started as its own user keeps what
	 * the parent gave it (the kiosk keeps its device groups). */
	TSR_SANDBOX_IDS_KEEP,
	/* End up as uid/gid with exactly groups[]: changed when running as root, otherwise
	 * verified to be so already. */
	TSR_SANDBOX_IDS_DROP,
};

#define TSR_SANDBOX_MAX_KEEP_FDS 32
#define TSR_SANDBOX_MAX_GROUPS 64

/* One program's box. Zero fields mean "nothing to do" for that step, except no_new_privs and
 * dumpable, which are always set. */
struct tsr_sandbox {
	enum tsr_sandbox_ids ids;
	uid_t uid;                 /* TSR_SANDBOX_IDS_DROP: never 0 */
	gid_t gid;                 /* TSR_SANDBOX_IDS_DROP: never 0 */
	const gid_t *groups;       /* supplementary groups kept, usually none */
	size_t n_groups;           /* at most TSR_SANDBOX_MAX_GROUPS */
	struct tsr_sandbox_limits limits;
	bool close_fds;            /* close all but 0-2 and keep_fds[] */
	const int *keep_fds;
	size_t n_keep_fds;         /* at most TSR_SANDBOX_MAX_KEEP_FDS */
	const struct tsr_seccomp_rule *allow; /* the program's allowlist; NULL: no filter */
	size_t n_allow;
	/* Between fork and exec only, as root: leave the real gid different from the target
	 * gid, so that the kernel starts the next program non-dumpable (execve makes a process
	 * dumpable again only when its real and effective ids agree). No process of the target
	 * uid can then ptrace it or take its fds before its main runs; main calls
	 * tsr_sandbox_after_exec() first thing, which makes the gids agree. */
	bool nondumpable_exec;
};

/* Run the whole sequence. Returns 0, or -1 with errno and *failed_step naming the step that
 * failed (a static string such as "drop ids"); on -1 the caller must exit at once (between fork
 * and exec: _exit), the process is in an unknown state. */
int tsr_sandbox_enter(const struct tsr_sandbox *sb, const char **failed_step)
	__attribute__((warn_unused_result));

/* tsr_sandbox_enter from a program's main (common/sandbox-log.c): on failure logs why (who:
 * "the console", ...) and returns false; the caller exits at once. */
bool tsr_sandbox_enter_logged(const struct tsr_sandbox *sb, const char *who)
	__attribute__((warn_unused_result));

/* First thing in main of a program started with nondumpable_exec (or any sandboxed program):
 * PR_SET_DUMPABLE 0 (execve turned it back on), the real gid set to the effective one, and a
 * refusal (EPERM) if a tracer attached before main. Returns 0 or -1 with errno. */
int tsr_sandbox_after_exec(void) __attribute__((warn_unused_result));

/* Step 1 alone, without supplementary groups: for callers that only change ids. Refuses uid 0
 * or gid 0 as a target (EINVAL). Returns 0 or -1 with errno. */
int tsr_sandbox_drop_ids(uid_t uid, gid_t gid) __attribute__((warn_unused_result));

/* True only if all three uids are uid, all three gids are gid, there are no supplementary
 * groups, and setresuid(0,0,0) fails. */
bool tsr_sandbox_ids_dropped(uid_t uid, gid_t gid) __attribute__((warn_unused_result));

/* PR_SET_NO_NEW_PRIVS and PR_SET_DUMPABLE 0. Returns 0 or -1. */
int tsr_sandbox_no_new_privs(void) __attribute__((warn_unused_result));

int tsr_sandbox_set_limits(const struct tsr_sandbox_limits *limits)
	__attribute__((warn_unused_result));

/* Close every fd except those in keep[] (and except 0-2 if keep_stdio). System calls only, so
 * safe between fork and exec. Returns 0 or -1 (EINVAL: more than TSR_SANDBOX_MAX_KEEP_FDS). */
int tsr_sandbox_close_fds(const int *keep, size_t nkeep, bool keep_stdio)
	__attribute__((warn_unused_result));

/* Count open fds of this process (tests and leak checks). -1 on error. */
int tsr_sandbox_count_fds(void);

#endif
