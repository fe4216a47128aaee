/* policy/state.h: a laptop's policy state directory, as the broker and the installer see it.
 *
 *   STATE/trusted.keys            pinned root keys, organization and group (bundle.h)
 *   STATE/current -> versions/N   the installed bundle set (one symlink, swapped atomically)
 *   STATE/previous -> versions/M  the one before, kept for recovery
 *   STATE/versions/N/bundle       the signed bundle as received
 *   STATE/latest-time             the latest wall-clock time this laptop has seen (unix s)
 *   STATE/time-held               "CLOCK HELD\n": the last time the clock ran past the bound
 *                                 (below) and latest-time was held at HELD instead; removed
 *                                 by the next install
 *
 * The latest time only moves forward, so setting the clock back neither revives an expired
 * bundle nor extends the offline lease. But it never moves past the installed bundle's
 * valid-until plus its lease grace days plus TSR_STATE_TIME_MARGIN_S: a clock that once read
 * 2099 (a poisoned NTP answer, a typo) ends this bundle's lease, as time passing would, and
 * nothing more; a newer bundle (valid past the held time) installs and works.
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
/* STATE's file of pinned root keys: a laptop without it is not enrolled. */
#define TSR_STATE_TRUSTED_KEYS "trusted.keys"
#define TSR_STATE_DIR_MODE 0711
#define TSR_STATE_PRIVATE_DIR_MODE 0700
#define TSR_STATE_FILE_MODE 0600
#define TSR_STATE_TEMPLATES_DIR_MODE 0755
#define TSR_STATE_TEMPLATE_MODE 0644

/* In every function below, state_dir NULL means TSR_STATE_DIR_DEFAULT. */

/* How far past a bundle's lease the latest time may still move: enough that holding the
 * clock back cannot keep a laptop in its grace days. */
#define TSR_STATE_TIME_MARGIN_S 3600

/* The recorded latest time, 0 if none was ever recorded or the file is unreadable. */
int64_t tsr_policy_state_latest_time(const char *state_dir);

/* max(now, recorded latest time): the time to judge validity and the lease against. */
int64_t tsr_policy_state_effective_time(const char *state_dir, int64_t now);

/* The furthest the latest time may move under a bundle valid until valid_until with
 * grace_days of lease grace; 0 (record nothing) when valid_until is 0 (a policy source
 * directory, not a bundle). */
int64_t tsr_policy_state_time_bound(int64_t valid_until, uint32_t grace_days);

/* Record min(now, bound) if it is later than what is recorded (atomic replace, fsync'd, mode
 * 0600). When now is past bound, also record STATE/time-held and set *held (may be NULL).
 * bound 0 records nothing. The broker calls this periodically with its policy's bound;
 * install calls it after a successful install with the new bundle's. */
bool tsr_policy_state_note_time(const char *state_dir, int64_t now, int64_t bound, bool *held,
                                GError **error) __attribute__((warn_unused_result));

/* STATE/time-held: false if absent or unreadable; else the clock it saw and where the latest
 * time was held. */
bool tsr_policy_state_time_held(const char *state_dir, int64_t *clock, int64_t *held_at);

#endif
