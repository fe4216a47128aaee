/* broker/auth.h: checking a user's password, with back-off and lock-out.
 *
 * Passwords are verified against the argon2id hashes in policy (crypto_pwhash_str_verify).
 * A user the policy does not know takes exactly the same path: the password is verified
 * against a dummy hash made with the same cost parameters as the real ones, and the failure is
 * counted against the name just as for a real user, so neither the answer, the work done nor
 * the back-off tells anyone whether a name exists.
 *
 * After each failure the next attempt for that name must wait delay_ms, doubling per failure
 * and capped at lock_seconds; after `attempts` failures the name is locked for lock_seconds
 * (struct tsr_policy_lockout). During a wait or a lock no hash is checked, so a correct
 * password does not help. Time comes from an injectable monotonic clock. */
#ifndef TSR_BROKER_AUTH_H
#define TSR_BROKER_AUTH_H

#include "broker/secret.h"
#include "common/clock.h"
#include "policy/policy.h"

#include <stdbool.h>
#include <stdint.h>

enum tsr_auth_result {
	TSR_AUTH_OK,
	TSR_AUTH_DENIED,   /* wrong password or unknown user: the same answer */
	TSR_AUTH_WAIT,     /* too soon after a failure; *retry_us says how long */
	TSR_AUTH_LOCKED,   /* too many failures; *retry_us says how long */
};

/* Names tracked for back-off at most. A failure counts until lock_seconds after it (a lock
 * until it runs out); only records past that may make room, oldest first, and if none may,
 * a new name is answered with WAIT: nobody can flush a victim's count by trying many names. */
#define TSR_AUTH_MAX_TRACKED 256

/* Verifications for all names together: a burst, then this many per second (a token bucket on
 * the injected clock). Beyond it every attempt is answered WAIT without a hash being checked. */
#define TSR_AUTH_BURST 20
#define TSR_AUTH_RATE_PER_SECOND 5

struct tsr_auth;

struct tsr_auth *tsr_auth_create(struct tsr_clock *monotonic) __attribute__((warn_unused_result));
void tsr_auth_destroy(struct tsr_auth *auth);

/* Take the lock-out settings and hash cost of a (new) policy. Failure counts persist across
 * policy changes. Returns false if no dummy hash could be made. */
bool tsr_auth_set_policy(struct tsr_auth *auth, const struct tsr_policy *policy)
	__attribute__((warn_unused_result));

/* Check user's password. user may be any string (it comes from the login screen); the
 * password is read, never copied or logged. retry_us (may be NULL) gets the wait for
 * WAIT/LOCKED, 0 otherwise. */
enum tsr_auth_result tsr_auth_check(struct tsr_auth *auth, const struct tsr_policy *policy,
				    const char *user, const struct tsr_secret *password,
				    int64_t *retry_us) __attribute__((warn_unused_result));

/* The same check with the argon2 verification on a worker thread, so a flood of logins
 * cannot stall the caller's main loop. Everything but the verification (waits, locks, the
 * table, the rate limit, the accounting) stays on the caller's thread; done is called on it,
 * at once when no verification is needed, else from the thread-default main context once it
 * has run. One verification runs at a time: meanwhile every check is answered WAIT. The
 * password is copied into guarded memory; the caller may wipe its own at once. After
 * tsr_auth_destroy a running verification ends without calling done. */
typedef void (*tsr_auth_done_fn)(enum tsr_auth_result result, int64_t retry_us, void *data);
void tsr_auth_check_async(struct tsr_auth *auth, const struct tsr_policy *policy,
			  const char *user, const struct tsr_secret *password,
			  tsr_auth_done_fn done, void *data);
/* Whether a verification is running. */
bool tsr_auth_busy(const struct tsr_auth *auth);
/* How long a check waits for the running one (WAIT's retry). */
#define TSR_AUTH_BUSY_RETRY_US (100 * 1000)

const char *tsr_auth_result_name(enum tsr_auth_result r);

/* For tests: how many argon2 verifications have run, and the dummy hash in use. */
uint64_t tsr_auth_verify_count(const struct tsr_auth *auth);
const char *tsr_auth_dummy_hash(const struct tsr_auth *auth);

#endif
