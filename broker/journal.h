/* broker/journal.h: the broker's structured logging to the systemd journal.
 *
 * Under systemd the broker sends its messages and every audit event through the journal's
 * native protocol (sd_journal_sendv) so that they carry fields an administrator and the
 * organisation's log shipping can select on: TESSERA_EVENT, TESSERA_DOMAIN, TESSERA_USER, the
 * event's other fields as TESSERA_NAME, and a MESSAGE_ID fixed per audit event type (the table
 * is in broker/audit-ids.c and doc/broker.md, "Journal"). Only the broker links libsystemd:
 * the sandboxed programs write to the stderr they inherit from it, which the unit hands to the
 * journal (doc/security.md, "Logging"). Without a journal socket (tests, the busybox guests)
 * none of this is used and logging stays as it was: stderr, or syslog with --syslog. */
#ifndef TSR_BROKER_JOURNAL_H
#define TSR_BROKER_JOURNAL_H

#include "common/log.h"

#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdbool.h>

/* True when a journal listens on its native socket (/run/systemd/journal/socket). */
bool tsr_journal_available(void);

/* A tsr_log_sink_fn: one message with PRIORITY and SYSLOG_IDENTIFIER; false if the journal
 * did not take it. */
bool tsr_journal_log(enum tsr_log_level level, const char *ident, const char *message);

/* The journal fields ("NAME=value" strings) of one audit line: MESSAGE, MESSAGE_ID, PRIORITY,
 * SYSLOG_IDENTIFIER (ident), TESSERA_EVENT and each string, integer or boolean member of line
 * as TESSERA_ plus its name in upper case ("domain" -> TESSERA_DOMAIN, "usb_id" ->
 * TESSERA_USB_ID). The caller frees the array. */
GPtrArray *tsr_journal_audit_fields(const char *ident, const char *event, JsonObject *line)
	__attribute__((warn_unused_result));

/* Send one audit line; false if the journal did not take it. */
bool tsr_journal_audit(const char *ident, const char *event, JsonObject *line);

/* The MESSAGE_ID (32 lower-case hex digits) of an audit event type; event types not in the
 * table share the id of "other". */
const char *tsr_audit_message_id(const char *event) __attribute__((warn_unused_result));
/* The table, for the test that keeps doc/broker.md in step: *n entries of event, id. */
const char *const (*tsr_audit_message_ids(size_t *n))[2];

#endif
