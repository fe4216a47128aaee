/* broker/audit.h: the broker's audit log.
 *
 * Every decision the broker takes (logins, session changes, domain starts and stops, device
 * assignments, control requests and refusals, policy reloads) becomes one JSON object on one
 * line of STATE/audit/audit.log, written with O_APPEND and fsync'd before the call returns, so
 * a crash cannot lose an event the broker acted on. When the file would grow past its size
 * limit it is rotated (audit.log -> audit.log.1 -> ... -> audit.log.KEEP, the oldest dropped).
 * Each line carries the hash of the one before ("prev", common/audit-chain.h), across rotations
 * and restarts, so that a changed, removed or reordered line shows (tessera-provision
 * audit-verify); a last line a crash tore is finished, skipped by the chain and said in an
 * audit-torn event.
 *
 * No secrets, ever: fields are named by the caller, and names that smell of secrets
 * (password, secret, pin, hash, key, token) are refused outright, so a mistake shows up in a
 * test instead of in a log file. */
#ifndef TSR_BROKER_AUDIT_H
#define TSR_BROKER_AUDIT_H

#include "common/audit-chain.h"
#include "common/clock.h"

#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#define TSR_AUDIT_FILE "audit.log"
#define TSR_AUDIT_DEFAULT_MAX_BYTES (4 * 1024 * 1024)
#define TSR_AUDIT_DEFAULT_KEEP 4
/* Longest line; longer events are refused (callers log names and short reasons). */
#define TSR_AUDIT_MAX_LINE TSR_AUDIT_CHAIN_MAX_LINE

struct tsr_audit;

/* Open (creating) dir/audit.log, mode 0600. clock is a realtime clock (timestamps). */
struct tsr_audit *tsr_audit_open(const char *dir, uint64_t max_bytes, unsigned keep,
				 struct tsr_clock *clock, GError **error)
	__attribute__((warn_unused_result));
void tsr_audit_close(struct tsr_audit *audit);
/* Send each event to the journal as well, with SYSLOG_IDENTIFIER ident (broker/journal.h);
 * NULL: the file only. The file stays the record: a journal that refuses an event is said at
 * debug level and changes nothing. */
void tsr_audit_set_journal(struct tsr_audit *audit, const char *ident);

/* Append one event. fields (may be NULL) is taken over; its members become top-level members
 * of the line beside "time", "ts" (unix microseconds), "seq" and "event". Returns false if the
 * event was refused (secret-looking field name, too long) or could not be written and synced;
 * the broker logs that loudly but carries on. */
bool tsr_audit_event(struct tsr_audit *audit, const char *event, JsonObject *fields)
	__attribute__((warn_unused_result));
/* Convenience: string fields as name, value pairs, NULL-terminated. A NULL value is skipped. */
bool tsr_audit_log(struct tsr_audit *audit, const char *event, ...)
	G_GNUC_NULL_TERMINATED __attribute__((warn_unused_result));
/* The fields tsr_audit_log builds, for callers with their own varargs (name, value pairs up to
 * a NULL name; a NULL value is skipped). The caller owns the returned object. */
JsonObject *tsr_audit_fields_va(va_list ap) __attribute__((warn_unused_result));

/* True if name may not be used for a field. */
bool tsr_audit_field_forbidden(const char *name) __attribute__((warn_unused_result));

/* Events with ts >= since_us (0 = all), oldest first, from the rotated files and the current
 * one; at most max (the newest are kept, *truncated set). Unparsable lines are skipped. */
JsonArray *tsr_audit_read(struct tsr_audit *audit, int64_t since_us, size_t max,
			  bool *truncated);

/* Size of the current file (tests). */
uint64_t tsr_audit_current_size(const struct tsr_audit *audit);

#endif
