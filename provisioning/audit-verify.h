/* provisioning/audit-verify.h: checking a collected audit log's hash chain.
 *
 * An audit log reaches the admin from a laptop (tessera-provision report, or copied off); it
 * is untrusted input. The check re-hashes every line and follows the chain the broker wrote
 * (common/audit-chain.h): a line changed, removed or reordered breaks a link, and the error
 * names the line and which of the three it looks like. What a hash chain cannot show alone:
 * lines cut from the end, or from the start of what was collected. For those, the admin keeps
 * the heads `report` sent: --head (a head the laptop reported must be a line of the log) and
 * --from (the log must continue from the head a previous check ended at). */
#ifndef TSR_PROVISIONING_AUDIT_VERIFY_H
#define TSR_PROVISIONING_AUDIT_VERIFY_H

#include "common/audit-chain.h"

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

#define TSR_AUDIT_VERIFY_ERROR (tsr_audit_verify_error_quark())
GQuark tsr_audit_verify_error_quark(void);

enum tsr_audit_verify_error {
	TSR_AUDIT_VERIFY_MALFORMED, /* not an audit line, or no link, or too long */
	TSR_AUDIT_VERIFY_CHANGED,   /* a line does not hash to what its successor recorded */
	TSR_AUDIT_VERIFY_REMOVED,   /* the sequence skips: lines are missing */
	TSR_AUDIT_VERIFY_REORDERED, /* a line stands before the line it was written after */
	TSR_AUDIT_VERIFY_HEAD,      /* --head is no line of the log */
	TSR_AUDIT_VERIFY_FROM,      /* the first line does not continue --from */
};

/* One file of the log, oldest first (audit.log.4 ... audit.log), as read. */
struct tsr_audit_file {
	const char *name;
	const char *data;
	size_t len;
};

struct tsr_audit_verify_result {
	size_t lines;     /* lines read */
	size_t torn;      /* torn lines the broker recorded */
	bool unfinished;  /* the last file ends in a line without newline (not covered) */
	char from[TSR_AUDIT_CHAIN_HEX + 1]; /* what the first chained line continues */
	char head[TSR_AUDIT_CHAIN_HEX + 1]; /* the hash of the last line */
};

/* Check the chain through files[0..n); head and from (NULL: not asked) as above. On failure
 * the error (in TSR_AUDIT_VERIFY_ERROR) names FILE:LINE, and result is left untouched. */
bool tsr_audit_verify(const struct tsr_audit_file *files, size_t n, const char *head,
		      const char *from, struct tsr_audit_verify_result *result, GError **error)
	__attribute__((warn_unused_result));

#endif
