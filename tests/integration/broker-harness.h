/* tests/integration/broker-harness.h: running a real tessera-brokerd for the broker's tests.
 *
 * A fixture makes a scratch tree (state, run, policy source, a fake sysfs), writes a policy
 * with sim-backend domains and argon2id hashes of known passwords, starts tessera-brokerd with
 * the test kiosk (tests/integration/broker-test-kiosk) and waits for it: readiness on a pipe,
 * the kiosk on a listening socket, audit events through inotify. Nothing sleeps; every wait
 * has a generous bound that fails the test. */
#ifndef TSR_TESTS_BROKER_HARNESS_H
#define TSR_TESTS_BROKER_HARNESS_H

#include "broker/control-server.h"
#include "proto/control-client.h"

#include <glib.h>
#include <stdbool.h>
#include <sys/types.h>

#define BH_TIMEOUT_MS 20000
/* The uids the policy gives the test domains, and the kiosk's. */
#define BH_DM_UID 61001
#define BH_VIEWER_UID 61101
#define BH_KIOSK_UID 65534

struct bh {
	char *dir, *state, *run, *policy, *sysfs, *devfs, *ksock, *control;
	pid_t pid;          /* the broker */
	int listen_fd;      /* the test kiosk connects here */
	int kfd;            /* the current test kiosk */
	GString *kbuf;      /* unread kiosk output */
	GPtrArray *lines;   /* every line the kiosk wrote since the last bh_kiosk_clear */
	GArray *matched;    /* bool per line: already returned by bh_expect */
	size_t audit_off;   /* how far bh_wait_audit has read */
	char **extra_args;
	bool installed;     /* run the installed bundle in STATE, not the policy source */
};

/* Set up the tree and the policy (users alice "alice-pw" and bob "bob-pw" in group staff,
 * carol "carol-pw" without groups; domains web (disposable) and work (persistent), both sim;
 * device_rules is the text of devices.conf). */
struct bh *bh_new(const char *device_rules);
/* Stop the broker (stopping every running domain first), remove the tree. */
void bh_free(struct bh *h);

/* Replace (text) or remove (NULL) a file of the policy source, e.g. "domains/web.conf". */
void bh_policy_file(struct bh *h, const char *relpath, const char *text);
/* Replace from with to in policy file relpath (the test fails unless from is there once). */
void bh_policy_edit(struct bh *h, const char *relpath, const char *from, const char *to);

/* Start the broker; with_kiosk waits for the test kiosk's hello too. */
void bh_start(struct bh *h, bool with_kiosk);
/* SIGKILL the broker (and its kiosk): domains stay. */
void bh_kill(struct bh *h);

/* Wait for the next kiosk connection (after a restart) and its hello. */
void bh_accept_kiosk(struct bh *h);
/* Send a command line to the test kiosk; returns the seq it used (0 for non-requests). */
unsigned bh_kiosk(struct bh *h, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* The first kiosk line starting with prefix that no earlier bh_expect returned, whether it
 * already arrived or is still to come; returns it (owned by h). */
const char *bh_expect(struct bh *h, const char *prefix);
/* Wait for the reply to seq; returns the line. */
const char *bh_reply(struct bh *h, unsigned seq);
/* The status= of a reply line. */
unsigned bh_status(const char *reply_line);
/* True if some line since the last clear starts with prefix. */
bool bh_seen(struct bh *h, const char *prefix);
void bh_kiosk_clear(struct bh *h);
/* True if the kiosk's end closed (it exited) within the timeout. */
bool bh_kiosk_gone(struct bh *h);
/* Log in (or try), waiting out WAIT answers (back-off, the global rate limit, the reply's
 * retry=); returns the final status. */
unsigned bh_login(struct bh *h, const char *user, const char *password);

/* Run the built tessera-provision with these arguments; its output (the caller frees it). Fails
 * the test if it fails. */
char *bh_provision(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
/* A root and a policy key (passphrase file "pass", keys/ and bundles/ under h->dir) and
 * bundles/test.bundle, h->policy built and signed for one day; nothing installed. */
void bh_sign_bundle(struct bh *h);
/* Before bh_start: a root and a policy key (passphrase file, keys and bundles under h->dir), a
 * bundle of h->policy signed for one day, initialised and installed into h->state. */
void bh_install_signed(struct bh *h);
/* A newer bundle (the next serial) signed for valid_days and installed while the broker runs,
 * telling it to reload; install's output (the caller frees it). */
char *bh_install_newer(struct bh *h, int valid_days);
/* The laptop has seen a time past a one-day bundle's validity plus the 3 grace days. */
void bh_see_time_past_lease(struct bh *h);

/* A control call as root; fails the test if it cannot be made. */
bool bh_ctl(struct bh *h, const char *command, JsonObject *args, struct tsr_ctl_response *r);
/* The state of a domain from `domains`. Caller frees. */
char *bh_domain_field(struct bh *h, const char *domain, const char *field);
/* Member `field` of object `part` of the status answer ("session", "policy", "kiosk"), as a
 * string (a number is printed); NULL when it is not there. */
char *bh_status_field(struct bh *h, const char *part, const char *field);
/* Fail the test (naming the domain or part, the field, what it is and what it should be) unless
 * the field is want; want NULL: the field is not there. */
void bh_assert_domain_field(struct bh *h, const char *domain, const char *field, const char *want);
void bh_assert_status_field(struct bh *h, const char *part, const char *field, const char *want);
/* Wait until an audit line containing every needle appears (after what earlier waits saw). */
char *bh_wait_audit(struct bh *h, const char *needle, const char *needle2);
/* The whole audit log text. */
char *bh_audit_text(struct bh *h);

/* Fake USB: add device SYSNAME with the given descriptors, bus/dev numbers and serial. */
void bh_usb_add(struct bh *h, const char *sysname, const uint8_t *desc, size_t len,
		unsigned bus, unsigned dev, const char *serial);
void bh_usb_remove(struct bh *h, const char *sysname);
/* The content of the device's authorized file ("0", "1", or "" if never written). */
char *bh_usb_authorized(struct bh *h, const char *sysname);

/* A stand-in tessera-install in h->dir (the path, g_free): --list names /dev/vdb 3 GiB "QEMU
 * HARDDISK" (and a line that is no disk); --yes prints step lines and succeeds, or fails as the
 * real one refuses when h->dir/fail exists. Each call's arguments go to a file, which
 * bh_installer_calls returns ("" before any). */
char *bh_fake_installer(struct bh *h);
char *bh_installer_calls(struct bh *h);
/* bh_start with the kiosk and --installer=installer --install-then=stay. */
void bh_start_installer(struct bh *h, const char *installer);

/* tests/integration/broker-clipboard-test.c's tests, run in broker-session-test. */
void bh_clipboard_tests_add(void);

#endif
