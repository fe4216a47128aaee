/* common/seccomp.h: loading a program's system-call allowlist.
 *
 * One mechanism per file (as OpenSSH's sandbox-seccomp-filter.c): this file only turns a table
 * into a seccomp filter. The table belongs to the program (its sandbox.c), because only the
 * program knows what it does; what every table shares is the form and how it is loaded:
 *
 * - anything not in the table fails with EACCES (not a kill: GLib and spice have fallbacks);
 * - a rule may check up to two arguments ((arg & mask) == value, all must hold); several rules
 *   for the same call are alternatives, so `fcntl` is allowed command by command;
 * - the filter is loaded with SECCOMP_FILTER_FLAG_TSYNC, so threads started before it (GLib's
 *   workers) are filtered too, and it fails if any thread cannot be synchronised;
 * - no_new_privs must be set first (tsr_sandbox_enter does).
 *
 * The TSR_SC_* macros write rules; SCMP_SYS comes from libseccomp's header. */
#ifndef TSR_COMMON_SECCOMP_H
#define TSR_COMMON_SECCOMP_H

#include <seccomp.h>
#include <stddef.h>
#include <stdint.h>

enum tsr_seccomp_op {
	TSR_SECCOMP_UNUSED = 0,
	TSR_SECCOMP_MASKED_EQ, /* (arg & mask) == value */
	TSR_SECCOMP_SELF_PID,  /* arg == getpid() when the filter is loaded */
};

struct tsr_seccomp_arg {
	unsigned index;        /* 0..5 */
	enum tsr_seccomp_op op;
	uint64_t mask;
	uint64_t value;
};

struct tsr_seccomp_rule {
	int nr;                /* SCMP_SYS(name) */
	int fail_errno;        /* 0: allow; else the call fails with this errno */
	struct tsr_seccomp_arg args[2];
};

/* Allowed without looking at the arguments. */
#define TSR_SC_ALLOW(name) { .nr = SCMP_SYS(name) }
/* Allowed when argument i equals v. */
#define TSR_SC_ALLOW_EQ(name, i, v) \
	{ .nr = SCMP_SYS(name), .args = { { (i), TSR_SECCOMP_MASKED_EQ, ~0ull, (uint64_t)(v) } } }
/* Allowed when argument i has none of the bits in m set (PROT_EXEC out of mmap). */
#define TSR_SC_ALLOW_NONE_OF(name, i, m) \
	{ .nr = SCMP_SYS(name), .args = { { (i), TSR_SECCOMP_MASKED_EQ, (uint64_t)(m), 0 } } }
/* Allowed when argument i has value v in the bits of mask m (an ioctl request's type byte). */
#define TSR_SC_ALLOW_MASKED(name, i, m, v) \
	{ .nr = SCMP_SYS(name), \
	  .args = { { (i), TSR_SECCOMP_MASKED_EQ, (uint64_t)(m), (uint64_t)(v) } } }
/* Allowed when argument i has all of the bits in m set (clone with CLONE_THREAD). */
#define TSR_SC_ALLOW_ALL_OF(name, i, m) \
	{ .nr = SCMP_SYS(name), \
	  .args = { { (i), TSR_SECCOMP_MASKED_EQ, (uint64_t)(m), (uint64_t)(m) } } }
/* Allowed when argument i equals v and argument j has none of the bits in m set (F_SETFL
 * without O_ASYNC). */
#define TSR_SC_ALLOW_EQ_NONE_OF(name, i, v, j, m) \
	{ .nr = SCMP_SYS(name), \
	  .args = { { (i), TSR_SECCOMP_MASKED_EQ, ~0ull, (uint64_t)(v) }, \
		    { (j), TSR_SECCOMP_MASKED_EQ, (uint64_t)(m), 0 } } }
/* Allowed when argument i is this process's pid (signals to its own threads only). */
#define TSR_SC_ALLOW_SELF(name, i) \
	{ .nr = SCMP_SYS(name), .args = { { (i), TSR_SECCOMP_SELF_PID, ~0ull, 0 } } }
/* Fails with err instead of EACCES (clone3: ENOSYS makes glibc fall back to clone). */
#define TSR_SC_FAIL(name, err) { .nr = SCMP_SYS(name), .fail_errno = (err) }

/* Load rules[] into every thread of the process. Returns 0 or -1 with errno (ESRCH: a thread
 * could not be synchronised). */
int tsr_seccomp_load(const struct tsr_seccomp_rule *rules, size_t n)
	__attribute__((warn_unused_result));

#endif
