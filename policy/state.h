/* policy/state.h: a laptop's policy state directory, as the broker and the installer see it.
 *
 *   STATE/trusted.keys            pinned root keys, organization and group (bundle.h)
 *   STATE/current -> versions/N   the installed bundle set (one symlink, swapped atomically)
 *   STATE/previous -> versions/M  the one before, kept for recovery
 *   STATE/versions/N/bundle       the signed bundle as received
 *   STATE/latest-time             the latest wall-clock time this laptop has seen (unix s)
 *
 * The latest time only moves forward, so setting the clock back neither revives an expired
 * bundle nor extends the offline lease.
 *
 * Modes: the bundle holds every user's argon2id hash, so nothing of the policy is readable
 * by any uid but root: versions/ is 0700, every file 0600. STATE itself is 0711, not 0700,
 * because device models run as their domain's uid and must reach STATE/templates/ (0755,
 * templates 0644: pinned disk images, not secrets) and the backend's STATE/domains/. */
#ifndef TSR_POLICY_STATE_H
#define TSR_POLICY_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>

#define TSR_STATE_DIR_DEFAULT "/var/lib/tessera"
#define TSR_STATE_DIR_MODE 0711
#define TSR_STATE_PRIVATE_DIR_MODE 0700
#define TSR_STATE_FILE_MODE 0600
#define TSR_STATE_TEMPLATES_DIR_MODE 0755
#define TSR_STATE_TEMPLATE_MODE 0644

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
