/* broker/broker-private.h: what the broker's parts (core, sessions, kiosk link, control
 * commands, viewers, USB) share. Nothing outside broker/ includes this. */
#ifndef TSR_BROKER_BROKER_PRIVATE_H
#define TSR_BROKER_BROKER_PRIVATE_H

#include "broker/audit.h"
#include "broker/auth.h"
#include "broker/broker.h"
#include "broker/control-server.h"
#include "broker/devices.h"
#include "proto/kiosk.h"
#include "policy/policy.h"

#include <json-glib/json-glib.h>
#include <sys/types.h>

enum session_state {
	SESSION_LOGIN = TSR_KIOSK_SESSION_LOGIN,
	SESSION_LOCKED = TSR_KIOSK_SESSION_LOCKED,
	SESSION_ACTIVE = TSR_KIOSK_SESSION_ACTIVE,
};

typedef void (*brk_dom_done_fn)(struct tsr_broker *b, const char *name, const GError *error,
			    void *data);

struct brk_dom {
	struct tsr_broker *b;
	char *name;
	const struct tsr_policy_domain *pol; /* into b->policy; NULL once gone from policy */
	struct tsr_backend *backend;          /* NULL: unavailable on this laptop */
	char *unavailable;                    /* why, for status and the kiosk */
	char *owner;                          /* user whose session uses it, or NULL */
	GSList *start_waiters;                /* struct waiter * */
	bool stopping;                        /* a stop is under way: a start waits for it */
	GPid viewer_pid;                      /* 0 = none */
	guint viewer_watch;
	uid_t viewer_uid;
	struct brk_preload *preload;          /* booting for preload: watching its first frame */
	bool preloaded;                       /* paused by preload, nobody picked it since */
};

struct brk_kiosk_link;
struct brk_usb_host;
struct brk_kiosk_devices;
struct brk_lid;
struct brk_sleep;
struct brk_logind;
struct brk_enrol;
struct tsr_enrol;
struct brk_install;

struct tsr_broker {
	struct tsr_broker_config cfg;
	char *state_dir, *run_dir, *broker_state_dir, *control_path, *template_dir;
	char *backend_run_dir, *backend_state_dir;
	struct tsr_clock *mono, *real;

	struct tsr_policy *policy;
	GHashTable *backends;       /* kind -> struct tsr_backend * */
	GHashTable *domains;        /* name -> struct brk_dom * */
	struct tsr_auth *auth;
	struct tsr_audit *audit;
	struct tsr_device_table *devices;
	struct tsr_ctl_server *ctl;
	struct brk_kiosk_link *kiosk;
	struct brk_kiosk_devices *kiosk_devices; /* NULL: the kiosk gets no devices */
	struct brk_lid *lid;        /* the lid switches found among them; NULL with no devices */
	struct brk_sleep *sleep;    /* suspend and resume, whoever asks */
	struct brk_logind *logind;  /* logind's inhibitors (--logind); NULL: no logind */
	GPid console_pid;           /* tessera-console, started for the kiosk; 0 = none */
	guint console_watch;
	unsigned console_kiosk;     /* which kiosk start it belongs to (brk_kiosk_link_starts) */
	guint console_retry;        /* a new console after one crashed; 0 = none due */
	unsigned console_crashes;   /* crashes in a row for this kiosk: the next restart's delay */
	gint64 console_started;     /* g_get_monotonic_time() at the last start */
	struct brk_usb_host *usb;
	struct brk_enrol *enrol;    /* enrolment from a TSR-ENROL disk while not enrolled */
	struct brk_install *install; /* the offer to install from the image's stick */

	/* Adoptions still under way after a start: device placement waits for them, so an
	 * assignment saved before a restart is not dropped while its domain is being found. */
	unsigned adopting;

	enum session_state session;
	char *user;                 /* logged-in (possibly locked) user, or NULL */
	char *focused;              /* focused domain, or NULL (the kiosk itself) */
	char power_text[TSR_KIOSK_POWER_TEXT_SIZE]; /* the battery text the kiosk was sent last */
	bool lock_shown;            /* this kiosk said (LOCK_SHOWN) it shows the session locked */
};

/* broker.c */
void brk_audit(struct tsr_broker *b, const char *event, ...) G_GNUC_NULL_TERMINATED;
void brk_audit_object(struct tsr_broker *b, const char *event, JsonObject *fields);
struct brk_dom *brk_dom(struct tsr_broker *b, const char *name);
enum tsr_domain_state brk_dom_state(struct brk_dom *d);
/* Start (if not running) and call done (may be NULL) when running or failed. */
void brk_dom_start(struct tsr_broker *b, struct brk_dom *d, const char *why, brk_dom_done_fn done,
		      void *data);
/* Graceful shutdown bounded by the configured timeout; done may be NULL. */
void brk_dom_stop(struct tsr_broker *b, struct brk_dom *d, const char *why, brk_dom_done_fn done,
		     void *data);
/* keep_viewer: the domain is only paused across a suspend and comes back on the same desktop,
 * so its viewer (and the kiosk's picture of it) carries on; a logout or a preload ends it. */
void brk_dom_pause(struct tsr_broker *b, struct brk_dom *d, const char *why, bool keep_viewer);
bool brk_save_state(struct tsr_broker *b);
/* The lease for new logins, judged at the later of the clock and the latest time seen. */
enum tsr_policy_lease brk_lease(struct tsr_broker *b, int64_t *days_left);

/* session.c: kiosk requests and session changes */
void brk_session_handle(struct tsr_broker *b, const void *msg, size_t len);
void brk_session_on_kiosk_start(struct tsr_broker *b);
void brk_session_domain_changed(struct tsr_broker *b, struct brk_dom *d);
void brk_session_notify(struct tsr_broker *b, enum tsr_kiosk_notify_kind kind, const char *domain,
		    const char *fmt, ...) G_GNUC_PRINTF(4, 5);
void brk_session_end(struct tsr_broker *b, const char *why);
/* Lock an active session whose lease is over (with the lease message); true if it did. */
bool brk_session_check_lease(struct tsr_broker *b);
/* The top bar's battery text (broker/power-supply.h) to the kiosk when it changed, or always
 * with force (a new kiosk). */
void brk_session_send_power(struct tsr_broker *b, bool force);
/* Lock an active session at once (the lid closed); does nothing otherwise. */
void brk_session_lock(struct tsr_broker *b, const char *why);
/* The kiosk turns its outputs off now (not while the session is active): a closed lid on a
 * laptop that cannot suspend should at least not light the screen in a bag. */
void brk_session_outputs_off(struct tsr_broker *b);
/* The kiosk turns its outputs back on now, showing the lock screen (the lid opened after they
 * went dark); nothing while the session is active (they are on). */
void brk_session_outputs_on(struct tsr_broker *b);
/* The session state to the kiosk again, with what its screen shows (an offer left). */
void brk_session_resend(struct tsr_broker *b);
bool brk_session_user_may_use(struct tsr_broker *b, const struct brk_dom *d);

/* kiosk-link.c */
struct brk_kiosk_link *brk_kiosk_link_create(struct tsr_broker *b);
void brk_kiosk_link_destroy(struct brk_kiosk_link *k);
bool brk_kiosk_link_connected(struct brk_kiosk_link *k);
/* Fill in the header and send; fd (or -1) rides along. false if the link is down. */
bool brk_kiosk_send(struct tsr_broker *b, void *msg, uint16_t type, int fd);
pid_t brk_kiosk_link_pid(struct brk_kiosk_link *k);
unsigned brk_kiosk_link_starts(struct brk_kiosk_link *k);
/* Read the kiosk's requests again (it stops while a password is being checked). */
void brk_kiosk_link_resume(struct brk_kiosk_link *k);

/* kiosk-cgroup.c: the cgroup the kiosk and everything it starts run in */
struct brk_kiosk_cgroup;
/* NULL (logged) without a writable cgroup v2 hierarchy: then kills reach the process group. */
struct brk_kiosk_cgroup *brk_kiosk_cgroup_create(void);
/* Kills whatever is left, removes the directory. NULL ok. */
void brk_kiosk_cgroup_destroy(struct brk_kiosk_cgroup *c);
/* cgroup.procs, open for writing: the kiosk writes "0" to it between fork and exec; -1 none. */
int brk_kiosk_cgroup_join_fd(const struct brk_kiosk_cgroup *c);
/* SIGKILL every process in it (cgroup.kill) and wait, bounded, until only the kiosk (pid kiosk,
 * reaped by its child watch) may remain; with c NULL, kill kiosk's process group. Returns how
 * many processes other than the kiosk were in it. */
unsigned brk_kiosk_cgroup_kill(struct brk_kiosk_cgroup *c, pid_t kiosk);

/* kiosk-devices.c: the DRM card and evdev devices lent to the kiosk (opened as root) */
struct brk_kiosk_devices *brk_kiosk_devices_create(struct tsr_broker *b, const char *card,
						   GError **error);
void brk_kiosk_devices_destroy(struct brk_kiosk_devices *d);
/* A new kiosk's link is up: revoke what an earlier one had, then send it fresh fds (the card
 * first, DRM master), and keep lending what is plugged in while it runs. */
void brk_kiosk_devices_lend(struct brk_kiosk_devices *d);
/* The kiosk ended or is being ended: revoke every evdev fd (EVIOCREVOKE), drop DRM master,
 * close them all. Does nothing when nothing is lent. */
void brk_kiosk_devices_revoke(struct brk_kiosk_devices *d);

/* lid.c: the lid switch, read by the broker and never lent (doc/broker.md, "The lid"). */
struct brk_lid *brk_lid_create(struct tsr_broker *b);
void brk_lid_destroy(struct brk_lid *l);
/* Does this evdev fd report SW_LID? */
bool brk_lid_is_switch(int fd);
/* If fd (the event node node, just opened) is a lid switch, keep it and return true (fd is
 * then the lid's, closed if that node is held already); else false and fd stays the caller's. */
bool brk_lid_take(struct brk_lid *l, int fd, const char *node);
bool brk_lid_has(const struct brk_lid *l, const char *node);
/* The lid closed: lock first, then what [power] lid says. */
void brk_lid_closed(struct brk_lid *l);

/* sleep.c: lock, lock screen shown, domains paused, then sleep; and the wake (doc/broker.md,
 * "Suspend and resume"). */
typedef void (*brk_sleep_fn)(struct tsr_broker *b, void *data);
struct brk_sleep *brk_sleep_create(struct tsr_broker *b);
void brk_sleep_destroy(struct brk_sleep *s);
/* Can this laptop suspend under Xen (SYS/power/mem_sleep offers "deep", or has no such file)?
 * If not, *why (when why is not NULL) says so for the user and the audit log. */
bool brk_sleep_deep(const char *sys_root, char **why);
/* Lock, pause every running domain, and call ready once the kiosk showed the lock screen and
 * the pauses landed (at most 3 s later). */
void brk_sleep_prepare(struct brk_sleep *s, const char *why, brk_sleep_fn ready, void *data);
/* The kiosk's LOCK_SHOWN arrived or a domain changed state: maybe ready now. NULL ok. */
void brk_sleep_changed(struct brk_sleep *s);
/* The laptop woke up: domains run again at once if [power] resume says so. */
void brk_sleep_woke(struct brk_sleep *s);
/* The user unlocked: domains paused across a suspend run again (resume = after-unlock). NULL ok. */
void brk_sleep_unlocked(struct brk_sleep *s);
/* Suspend the laptop (the lid, [power] lid = suspend): through logind when the broker holds its
 * inhibitors, else by writing "mem" to SYS/power/state; refused (audited, locked) on a laptop
 * that only has s2idle. */
void brk_sleep_suspend(struct brk_sleep *s, const char *why);

/* logind.c: with --logind, the "handle-lid-switch" block and "sleep" delay inhibitors and
 * PrepareForSleep (doc/broker.md). NULL (logged) without a system bus. */
struct brk_logind *brk_logind_create(struct tsr_broker *b, const char *sys_root);
void brk_logind_destroy(struct brk_logind *l);
/* Ask logind to suspend (its PrepareForSleep then runs brk_sleep_prepare); false without it. */
bool brk_logind_suspend(struct brk_logind *l);

/* child.c */
/* End the child *pid (0 = none) at once, SIGKILL and reaped, and remove its child watch *watch;
 * both are zero afterwards. */
void brk_child_kill(GPid *pid, guint *watch);
/* From the child watch of pid: true when it is *child (then *child and *watch, the watch that
 * just fired, are zeroed), false for a child the broker has already replaced. */
bool brk_child_reaped(GPid pid, GPid *child, guint *watch);

/* console.c: tessera-console for the kiosk when policy turns it on */
/* Before SETTINGS: start a console for the current kiosk and hand it its link (CONSOLE), unless
 * it has one; with rights none, or no kiosk, stop it. */
void brk_console_offer(struct tsr_broker *b, enum tsr_policy_console_rights rights);

/* broker/clipboard.c: policy's [clipboard] to the kiosk (CLIPBOARD); what the kiosk's trusted
 * clipboard reports, checked against policy and audited ("clipboard"). Returns the reply's
 * status, with a static sentence for it in *message. */
void brk_clipboard_send(struct tsr_broker *b);
enum tsr_kiosk_status brk_clipboard_report(struct tsr_broker *b,
					   const struct tsr_kiosk_clipboard_audit *m,
					   const char **message) __attribute__((warn_unused_result));
void brk_console_stop(struct tsr_broker *b);

/* viewers.c */
/* Spawn the domain's viewer (killing an old one); returns the kiosk's end, or -1 + error. */
int brk_viewer_spawn(struct tsr_broker *b, struct brk_dom *d, GError **error);
void brk_viewer_kill(struct brk_dom *d);

/* preload.c: domains with policy preload, booted unseen and paused at their first frame */
/* Preload every such domain that is stopped (with a user logged in: those the user may use). */
void brk_preload_all(struct tsr_broker *b, const char *why);
/* After a reload: stop what is preloaded for nobody and no longer wanted, preload the rest. */
void brk_preload_policy_changed(struct tsr_broker *b);
/* Stop watching d's first frame (its viewer is being ended or replaced). */
void brk_preload_cancel(struct brk_dom *d);

/* control.c */
JsonObject *brk_control_handle(void *data, struct tsr_ctl_call *call, GError **error);
void brk_control_refused(void *data, const struct tsr_ctl_peer *peer, const char *reason);

/* enrol.c: enrolment from a removable disk while the laptop has no trusted.keys */
/* True once trusted.keys exists (or the policy comes from a source directory). */
bool brk_enrolled(const struct tsr_broker *b);
struct brk_enrol *brk_enrol_create(struct tsr_broker *b);
void brk_enrol_destroy(struct brk_enrol *e);
/* A new kiosk: what the last ENROL showed, again. */
void brk_enrol_kiosk_started(struct brk_enrol *e);
/* The user's answer to the offer on screen; *message (g_free) for the reply. */
enum tsr_kiosk_status brk_enrol_answer(struct brk_enrol *e,
				       const struct tsr_kiosk_enrol_answer *m, char **message)
	__attribute__((warn_unused_result));
/* enrol-read.c: the disk at device through tessera-enrol-reader; NULL with *refusal (g_free),
 * a sentence for the screen. */
struct tsr_enrol *brk_enrol_read(struct tsr_broker *b, const char *device, char **refusal)
	__attribute__((warn_unused_result));
/* bounded-run.c: run argv (envp its whole environment, stdin_fd its stdin or -1 for the
 * broker's) to its end and return what it wrote to stdout: at most max bytes and a read more,
 * within ms (then it is killed: *timed_out). *status is its wait status. NULL with error when
 * it could not start. */
GString *brk_run_bounded(const char *const *argv, const char *const *envp, int stdin_fd,
			 size_t max, int ms, int *status, bool *timed_out, GError **error)
	__attribute__((warn_unused_result));
/* s with every byte that is not printable ASCII replaced by '?' (the kiosk's screens take
 * nothing else from a disk or a tool). */
void brk_printable(char *s);

/* install.c: the offer to install the image from its stick onto an internal disk */
struct brk_install *brk_install_create(struct tsr_broker *b);
void brk_install_destroy(struct brk_install *i);
/* The install screen is up: the kiosk's session state is INSTALL, nobody logs in. */
bool brk_install_showing(const struct brk_install *i);
/* What the install screen shows, again (after SESSION INSTALL). */
void brk_install_resend(struct brk_install *i);
enum tsr_kiosk_status brk_install_answer(struct brk_install *i,
					 const struct tsr_kiosk_install_answer *m, char **message)
	__attribute__((warn_unused_result));
/* One line of tessera-install --list (PATH TAB BYTES TAB MODEL); false for anything else. */
bool brk_install_parse_line(const char *line, char **device, uint64_t *bytes, char **model)
	__attribute__((warn_unused_result));

/* usb-host.c */
struct brk_usb_host *brk_usb_host_create(struct tsr_broker *b, GError **error);
void brk_usb_host_destroy(struct brk_usb_host *u);
/* NULL while host USB works, else why it is unavailable (no SYSFS/bus/usb/devices; caller
 * frees). The broker runs on without it; the emulated smart card still works. */
char *brk_usb_host_unavailable(struct brk_usb_host *u);
/* The devices present, for status: array of objects. */
JsonArray *brk_usb_host_list(struct brk_usb_host *u);
/* A domain started, stopped or got focus: (re)apply the rules that follow it. */
void brk_usb_host_domain_changed(struct brk_usb_host *u, const char *domain);
void brk_usb_host_focus_changed(struct brk_usb_host *u);
/* The session was locked or unlocked: devices whose decision detaches on lock leave their
 * domain, or come back (usb-host.c). */
void brk_usb_host_lock_changed(struct brk_usb_host *u);
/* Admin commands. */
bool brk_usb_host_attach(struct brk_usb_host *u, const char *id, const char *domain, GError **error);
bool brk_usb_host_detach(struct brk_usb_host *u, const char *id, GError **error);
/* Look for added and removed devices; with redecide (policy reload) also decide every
 * present device afresh. */
void brk_usb_host_rescan(struct brk_usb_host *u, bool redecide);
/* Put every device where it belongs now (after the adoptions at start). */
void brk_usb_host_place_all(struct brk_usb_host *u);

#endif
