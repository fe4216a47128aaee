/* policy/state.h: a laptop's policy state directory, as the broker and the installer see it.
 *
 *   STATE/trusted.keys            pinned root keys, organization and group (bundle.h)
 *   STATE/current -> versions/N   the installed bundle set (one symlink, swapped atomically)
 *   STATE/previous -> versions/M  the one before, kept for recovery
 *   STATE/versions/N/bundle       the signed bundle as received
 *   STATE/latest-time             the latest wall-clock time this laptop has seen (unix s)
 *
 * The latest time only moves forward, so setting the clock back neither revives an expired
 * bundle nor extends the offline lease. */
#ifndef TSR_POLICY_STATE_H
#define TSR_POLICY_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>

#define TSR_STATE_DIR_DEFAULT "/var/lib/tessera"

/* In every function below, state_dir NULL means TSR_STATE_DIR_DEFAULT. */

/* The recorded latest time, 0 if none was ever recorded or the file is unreadable. */
int64_t tsr_policy_state_latest_time(const char *state_dir);

/* max(now, recorded latest time): the time to judge validity and the lease against. */
int64_t tsr_policy_state_effective_time(const char *state_dir, int64_t now);

/* Record now if it is later than what is recorded (atomic replace, fsync'd). The broker may
 * call this periodically; install calls it after a successful install. */
bool tsr_policy_state_note_time(const char *state_dir, int64_t now, GError **error)
	__attribute__((warn_unused_result));

#endif
