/* common/audit-chain.h: the hash chain that makes the broker's audit log tamper-evident.
 *
 * Each line the broker writes (broker/audit.c) carries in its "prev" member the SHA-256, in
 * lower-case hex, of the bytes of the line before it (without the newline); the first line
 * ever carries TSR_AUDIT_CHAIN_START. Changing, removing or reordering a line then breaks the
 * link the next line holds, which `tessera-provision audit-verify` (provisioning/
 * audit-verify.c) finds. The writer and the checker are in different folders and must agree
 * on these few definitions, so they live here. */
#ifndef TSR_COMMON_AUDIT_CHAIN_H
#define TSR_COMMON_AUDIT_CHAIN_H

#include <stddef.h>

#define TSR_AUDIT_CHAIN_FIELD "prev"
#define TSR_AUDIT_CHAIN_HEX 64
#define TSR_AUDIT_CHAIN_START "0000000000000000000000000000000000000000000000000000000000000000"
/* Longest line, newline included; the writer refuses longer events. */
#define TSR_AUDIT_CHAIN_MAX_LINE 4096
/* The event the broker writes after a line a crash tore (its "torn" member: the torn line's
 * length in bytes); its "prev" skips the torn line. */
#define TSR_AUDIT_TORN_EVENT "audit-torn"
#define TSR_AUDIT_TORN_FIELD "torn"

/* The hex SHA-256 of len bytes of line into out (NUL-terminated). */
void tsr_audit_chain_hash(const char *line, size_t len, char out[TSR_AUDIT_CHAIN_HEX + 1]);

#endif
