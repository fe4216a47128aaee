/* provisioning/install.h: installing a signed bundle on a laptop (trust boundary 6).
 *
 * The bytes come from an untrusted transport. Nothing in the state directory changes before
 * every check passed: signature and key set against the pinned root, context, organization,
 * laptop group, serial (no rollback, bounded jump, same serial only with the same content),
 * validity window against the later of the clock and the latest time this laptop has seen.
 * Then the install is atomic as a set: a new versioned directory, fsync'd, one symlink swap,
 * the previous version kept (layout in policy/state.h). A refused bundle or a failed write
 * (disk full) leaves the state directory as it was, byte for byte. */
#ifndef TSR_PROVISIONING_INSTALL_H
#define TSR_PROVISIONING_INSTALL_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>

struct tsr_trust; /* policy/bundle.h */

/* How far before valid-from a bundle is still accepted, for laptop clocks a little behind. */
#define TSR_INSTALL_CLOCK_SKEW_S 300

/* Where tessera-brokerd listens; install sends it "reload-policy" (see doc/provisioning.md). */
#define TSR_BROKER_SOCKET_DEFAULT "/run/tessera/control.sock"

struct tsr_install_options {
	const char *state_dir;     /* NULL: TSR_STATE_DIR_DEFAULT */
	int64_t now;               /* unix seconds; 0: the real clock */
	const char *broker_socket; /* NULL: default; "": do not notify */
	/* Also refuse content whose kiosk settings this check rejects (NULL: none); see
	 * tsr_policy_kiosk_check. A bundle the kiosk cannot use must not replace one it can. */
	bool (*kiosk_check)(GKeyFile *file, GError **error);
	/* Enrolment from a removable disk (broker/enrol.c): check against this trust instead of
	 * STATE/trusted.keys, which does not exist yet (NULL: read the file). */
	const struct tsr_trust *trust;
	/* Make every check, write nothing (not even the state directory's modes). */
	bool check_only;
};

enum tsr_install_outcome {
	TSR_INSTALL_INSTALLED,
	TSR_INSTALL_UNCHANGED,     /* same serial, same content: success, nothing written */
};

struct tsr_install_result {
	enum tsr_install_outcome outcome;
	uint64_t serial;
	uint64_t previous_serial;  /* 0 if none */
	bool broker_notified;      /* false also when no broker runs (not an error) */
	char *broker_message;      /* what happened when telling the broker, for the log */
};

bool tsr_install_bundle(const char *data, size_t len, const struct tsr_install_options *opts,
                        struct tsr_install_result *result, GError **error)
	__attribute__((warn_unused_result));
void tsr_install_result_clear(struct tsr_install_result *result);

/* Ask a running broker to reload its policy. Returns true when it acknowledged; false with
 * *message set when no broker listens (a no-op) or it answered with an error. */
bool tsr_install_notify_broker(const char *socket_path, char **message)
	__attribute__((warn_unused_result));

/* Test hook: when the environment variable TSR_PROVISION_CRASH_AT names a step, the process
 * kills itself with SIGKILL there, so tests can prove every intermediate state recovers. */
extern const char *const tsr_install_steps[];

#endif
