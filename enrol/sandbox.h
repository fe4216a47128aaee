/* enrol/sandbox.h: tessera-enrol-reader's box (sandbox.c). */
#ifndef TSR_ENROL_SANDBOX_H
#define TSR_ENROL_SANDBOX_H

#include <stdbool.h>
#include <sys/types.h>

/* Drop to uid/gid with no groups, keep fds 0-2 only, small limits, the allowlist. Logs why and
 * returns false when any step fails (the caller exits at once). */
bool tsr_enrol_sandbox_enter(uid_t uid, gid_t gid) __attribute__((warn_unused_result));

#endif
