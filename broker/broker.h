/* broker/broker.h: tessera-brokerd's core, as main() and the tests see it.
 *
 * One struct tsr_broker holds everything the session manager knows: the verified policy, the
 * backends and the domains defined in them, the login state, the device assignments, the audit
 * log, the control socket and the kiosk link. It lives on the thread-default GLib main context;
 * every request from the control socket or the kiosk is checked against the current policy
 * when it arrives. */
#ifndef TSR_BROKER_BROKER_H
#define TSR_BROKER_BROKER_H

#include "common/clock.h"
#include "domains/backend.h"

#include <glib.h>
#include <stdbool.h>

enum tsr_broker_logout_action {
	TSR_BROKER_LOGOUT_PAUSE, /* persistent domains are paused, disposable ones stopped */
	TSR_BROKER_LOGOUT_STOP,  /* every domain of the session is shut down */
};

struct tsr_broker_config {
	const char *state_dir;   /* default /var/lib/tessera */
	const char *run_dir;     /* default /run/tessera */
	/* Read policy from a source directory instead of STATE/current/bundle (development and
	 * tests; the installed bundle is the only thing a laptop should run). */
	const char *policy_dir;
	const char *kiosk_path;  /* NULL: run without a kiosk (control socket only) */
	char **kiosk_args;       /* extra arguments for the kiosk (NULL-terminated, may be NULL) */
	const char *kiosk_user;  /* user name or UID:GID the kiosk runs as */
	/* Open the DRM card and the evdev devices as root and lend them to the kiosk (which then
	 * needs no device group); kiosk_card names the card, NULL: the first KMS card. */
	bool kiosk_devices;
	const char *kiosk_card;
	/* Where sysfs is ("/sys" when NULL; the broker fills the default in at create): the backlight the brightness keys set and the
	 * battery shown in the top bar; a test points it at a fake tree. */
	const char *sys_root;
	/* Hold logind's "handle-lid-switch" and "sleep" inhibitors on the system bus and sleep
	 * through it (a laptop running systemd); without a bus the broker suspends itself. */
	bool logind;
	const char *viewer_path; /* tessera-viewer; NULL = from PATH/libexec */
	/* tessera-console, started for the kiosk when policy turns it on: the program (NULL: the
	 * installed one), its socket (NULL: RUN/console.sock), the user it drops to (NULL: its
	 * default, nobody) and the user that owns its 0600 socket (NULL: root). */
	const char *console_path;
	const char *console_socket;
	const char *console_user;
	const char *console_socket_owner;
	/* Enrolment from a removable disk labelled TSR-ENROL while not enrolled: the disk (NULL:
	 * the first block device udev labels so; tests name a FAT image file), the reader program
	 * (NULL: the installed tessera-enrol-reader), the user it drops to (NULL: nobody) and the
	 * file of root keys the image pins (NULL: SYSCONFDIR/tessera/enrol-roots; missing: none). */
	const char *enrol_disk;
	bool enrol_udev;
	const char *enrol_reader;
	const char *enrol_user;
	const char *enrol_pins;
	/* Installing the image from its stick (broker/install.c): tessera-install (NULL: the
	 * installed one) and what it does once done (NULL: poweroff; reboot, stay). */
	const char *installer;
	const char *install_then;
	struct tsr_backend_config backend; /* run_dir/state_dir default under ours */
	const char *sysfs_root;  /* USB handling through this sysfs; NULL = no USB handling */
	const char *devfs_root;  /* device nodes (USB resets); default /dev */
	bool udev;               /* watch hotplug through a libudev monitor */
	bool journal;            /* audit events to the journal too, with fields (journal.h) */
	/* An emulated smart card reader (qemu domains only) backed by this NSS database, plugged
	 * in from the start and judged by the device rules like a real one; NULL = none. */
	const char *virtual_smartcard;
	char **virtual_smartcard_certs; /* the card's certificate nicknames (up to 3) */
	enum tsr_broker_logout_action logout;
	unsigned shutdown_timeout_ms; /* graceful stop before a hard one; default 30000 */
	struct tsr_clock *monotonic;  /* NULL: the real clocks */
	struct tsr_clock *realtime;
};

struct tsr_broker;

struct tsr_broker *tsr_broker_create(const struct tsr_broker_config *config, GError **error)
	__attribute__((warn_unused_result));
/* Leaves domains running (a restarted broker adopts them); stops the kiosk and viewers. */
void tsr_broker_destroy(struct tsr_broker *broker);

/* How many domains are running, starting or paused now (a broker that leaves says so). */
unsigned tsr_broker_live_domains(struct tsr_broker *broker);

/* Re-read policy (SIGHUP, `tessera-ctl reload`, tessera-provision install). A policy that
 * fails to load changes nothing. */
bool tsr_broker_reload(struct tsr_broker *broker, GError **error)
	__attribute__((warn_unused_result));

#endif
