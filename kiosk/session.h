/* kiosk/session.h: what the person at the laptop is doing, and what the kiosk asks the broker.
 *
 * The session is the kiosk's state machine: locked (nobody logged in) -> (SAS) -> login ->
 * picker -> desktop <-> lock -> (SAS) -> unlock. It speaks proto/kiosk.h on the fd the
 * broker started the kiosk with, keeps what the screens show (typed user name, password length,
 * messages, the user's domains and their states, focus, layout, notifications), and decides
 * what each trusted key, click and hotkey does in the current state. It never draws and never
 * touches devices: kiosk/screens.h draws it, and the kiosk's main loop (kiosk/broker-mode.c)
 * feeds it input from input/router.h and viewer events, and acts on its hooks.
 *
 * Rules it enforces:
 *   - a session that starts is locked, and takes no password until the secure attention
 *     sequence (SAS) was pressed, unless policy turned that off (locked-requires-sas = false);
 *   - keys in a state that takes no text are dropped, never buffered for later;
 *   - the password is kept only until it is sent, then wiped (explicit_bzero);
 *   - the SAS while unlocked locks at once (the screen changes before the broker answers);
 *   - the idle time from policy locks the session;
 *   - input from the SPICE console counts only as far as policy's console rights allow
 *     (none / view: nothing; operate: domains and lock, never login or unlock; full: all).
 *
 * Everything runs on one thread; time comes from an injectable clock (common/clock.h). */
#ifndef TSR_KIOSK_SESSION_H
#define TSR_KIOSK_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/kiosk.h"
#include "common/clock.h"
#include "input/router.h"
#include "renderer/scene.h"

enum tsr_kiosk_screen {
	TSR_KIOSK_SCREEN_LOCKED,  /* nobody logged in: asks for the SAS */
	TSR_KIOSK_SCREEN_LOGIN,   /* organization, user name, password */
	TSR_KIOSK_SCREEN_PICKER,  /* the user's domains as tiles */
	TSR_KIOSK_SCREEN_DESKTOP, /* the picked domains, single or tiled */
	TSR_KIOSK_SCREEN_LOCK,    /* the user's session is locked: asks for the SAS */
	TSR_KIOSK_SCREEN_UNLOCK,  /* the locked session's password */
	TSR_KIOSK_SCREEN_NOT_ENROLLED, /* no organization's keys: nobody can log in */
	TSR_KIOSK_SCREEN_INSTALL, /* booted from the image's stick: install onto an internal disk? */
};

/* Where an input event came from, for the console rights. */
enum tsr_kiosk_origin {
	TSR_KIOSK_ORIGIN_LOCAL,   /* the laptop's own keyboard and pointer (or a test script) */
	TSR_KIOSK_ORIGIN_CONSOLE, /* the remote SPICE console */
};

#define TSR_KIOSK_SESSION_MAX_DOMAINS 16
#define TSR_KIOSK_SESSION_MAX_SHOWN TSR_SCENE_MAX_DOMAINS
#define TSR_KIOSK_SESSION_MAX_NOTES 8
/* A notification stays in the top bar this long. */
#define TSR_KIOSK_NOTE_US (30 * 1000000LL)

struct tsr_kiosk_domain_info {
	char name[TSR_KIOSK_NAME_SIZE];
	char label[TSR_KIOSK_LABEL_SIZE];
	enum tsr_color colour;
	enum tsr_kiosk_domain_state state;
	enum tsr_kiosk_accel accel;
	bool disposable;
	bool pick_pending;   /* PICK sent, no answer yet */
	bool shown;          /* its viewer was handed to the kiosk: it is on the desktop */
	bool waiting_frame;  /* shown, but not the guest's own frame yet: the picker shows it
			      * starting */
	bool frame_ready;    /* the display has a frame and takes input */
	bool own_frame;      /* ... and that frame is the guest's own, not its device model's */
	int64_t pick_us;     /* when it was picked (progress of "starting") */
	int64_t shown_us;    /* when its viewer was handed over */
	unsigned shown_order; /* the order domains went on the desktop = the order of its tiles */
};

struct tsr_session_hooks {
	/* Something on screen changed: redraw (kiosk/screens.h). */
	void (*changed)(void *data);
	/* PICK answered with the kiosk end of the domain's viewer link; the hook owns fd. */
	void (*viewer)(void *data, const char *domain, int fd);
	/* The domain leaves the desktop (stopped, crashed, logout): drop its viewer. */
	void (*hide)(void *data, const char *domain);
	/* New settings from policy (hotkeys, keymap, console rights, idle time). */
	void (*settings)(void *data, const struct tsr_kiosk_settings *settings);
	/* A device the broker lends (DEVICE): ADD carries its open fd, which the hook owns;
	 * REMOVE has fd -1. Optional: without it added fds are closed. */
	void (*device)(void *data, const struct tsr_kiosk_device *device, int fd);
	/* The broker started tessera-console and hands over its link (CONSOLE); the hook owns fd.
	 * Optional: without it the fd is closed. */
	void (*console)(void *data, int fd);
	/* Policy's [clipboard] from the broker (CLIPBOARD). Optional. */
	void (*clipboard)(void *data, const struct tsr_kiosk_clipboard *clipboard);
	/* Turn every output off (off) or back on: the kiosk is locked and nothing was touched
	 * for policy's blank-after, or input came while off. Optional. */
	void (*blank)(void *data, bool off);
	/* The battery text for the top bar changed (POWER; "" for none). Optional. */
	void (*power)(void *data, const char *text);
	/* The broker link broke (closed, or a message failed its checks); the kiosk should exit
	 * so the broker restarts it, locked. */
	void (*broker_lost)(void *data, const char *why);
};

struct tsr_session_config {
	int broker_fd;                 /* owned by the session from create */
	struct tsr_clock *clock;       /* NULL: monotonic */
	const char *organization;      /* shown on the login screen; NULL: "Tessera" */
	/* The installed policy's lease, when the kiosk could read it (login screen warning and
	 * the message for an expired policy, tsr_policy_lease_message). */
	bool have_lease;
	int lease;                     /* enum tsr_policy_lease */
	int64_t lease_days;
	const struct tsr_session_hooks *hooks;
	void *data;
};

struct tsr_session;

struct tsr_session *tsr_session_create(const struct tsr_session_config *config)
	__attribute__((warn_unused_result));
void tsr_session_destroy(struct tsr_session *session);

int tsr_session_fd(const struct tsr_session *session);
/* Read and act on every waiting broker message. 0, or -1 once the link is lost (broker_lost
 * has been called then; nothing more is read). */
int tsr_session_dispatch(struct tsr_session *session)
	__attribute__((warn_unused_result));

/* --- input (from the router's kiosk sinks) --------------------------------------------------- */

/* A key on the trusted UI. Editing keys by evdev code (Enter, Tab, Backspace, Escape, arrows,
 * Delete), text from key->utf8. Returns true if it did something. */
bool tsr_session_key(struct tsr_session *session, const struct tsr_input_kiosk_key *key,
			   enum tsr_kiosk_origin origin);
/* A router action (hotkeys, the SAS, click-to-focus). Returns true if it did something. */
bool tsr_session_action(struct tsr_session *session, enum tsr_input_action action,
			      int arg, enum tsr_kiosk_origin origin);
/* Any input at all (for the idle lock), whoever it went to. Returns true when it turned the
 * blanked outputs back on: that input only wakes the screen and goes nowhere else (the first
 * key is not typed into the password field). */
bool tsr_session_activity(struct tsr_session *session);
/* The outputs are off: the kiosk draws nothing until tsr_session_activity wakes them. */
bool tsr_session_blanked(const struct tsr_session *session);

/* Picker: move the selection to tile i (pointer hover or click), or pick it (click, Enter).
 * Index n_domains is the "Log out" button. false when not on the picker or i is out of range. */
bool tsr_session_select(struct tsr_session *session, size_t i,
			      enum tsr_kiosk_origin origin);
bool tsr_session_activate(struct tsr_session *session, size_t i,
				enum tsr_kiosk_origin origin);
/* Back to the picker from the desktop (a click on the top bar). */
bool tsr_session_show_picker(struct tsr_session *session, enum tsr_kiosk_origin origin);
/* Login screen: put the text cursor in the user (0) or password (1) field. */
bool tsr_session_login_field(struct tsr_session *session, int field,
				   enum tsr_kiosk_origin origin);

/* --- from the displays ------------------------------------------------------------------------ */

/* The domain's viewer showed its first frame: it goes on the desktop, focused. */
void tsr_session_first_frame(struct tsr_session *session, const char *domain);
/* The domain's surface is now width x height. A QEMU domain's first surfaces are its device
 * model's (the 640x480 "Guest has not initialized the display" placeholder, 720x400 VGA text of
 * the firmware): the trusted starting screen stays until the guest's own surface has a frame,
 * or TSR_SESSION_START_SHOW_S have passed since the viewer was handed over (then it shows what
 * it has). */
void tsr_session_surface(struct tsr_session *session, const char *domain, int width,
			 int height);
#define TSR_SESSION_START_SHOW_S 45
/* Its viewer link ended: it leaves the desktop; the picker can show it again. */
void tsr_session_viewer_lost(struct tsr_session *session, const char *domain);
/* The router focused a domain (click-to-focus): follow it and tell the broker. */
void tsr_session_focused(struct tsr_session *session, const char *domain);

/* A notice from the kiosk itself (e.g. "Remote console connected"), shown like the broker's. */
void tsr_session_notify_local(struct tsr_session *session, const char *text);
/* What the trusted clipboard did, to the broker's audit log (CLIPBOARD_AUDIT; seq is set
 * here). A refusal in the reply is logged. */
void tsr_session_clipboard_report(struct tsr_session *session,
				  const struct tsr_kiosk_clipboard_audit *report);
/* The lock screen has just reached the outputs (LOCK_SHOWN): the broker suspends only after
 * it, so no domain pixel is the first thing a woken laptop shows. */
void tsr_session_lock_shown(struct tsr_session *session);

/* A notice that stays while its condition lasts (e.g. "Remote console in use"), shown when no
 * timed notification is; NULL removes it. */
void tsr_session_set_standing_note(struct tsr_session *session, const char *text);

/* --- time --------------------------------------------------------------------------------- */

/* Act on what is due now (idle lock, notification expiry, back-off end). */
void tsr_session_tick(struct tsr_session *session);
/* Microseconds until the next tick is needed (-1: nothing pending). */
int64_t tsr_session_next_tick_us(const struct tsr_session *session);

/* --- what the screens show ------------------------------------------------------------------- */

enum tsr_kiosk_screen tsr_session_screen(const struct tsr_session *session);
const char *tsr_kiosk_screen_name(enum tsr_kiosk_screen screen);
/* True while the broker has said nothing yet (no SETTINGS/SESSION): the kiosk shows locked. */
bool tsr_session_waiting_broker(const struct tsr_session *session);
const char *tsr_session_organization(const struct tsr_session *session);
/* What an enrolment disk holds while the laptop is not enrolled (state NONE: no disk). */
const struct tsr_kiosk_enrol *tsr_session_enrol(const struct tsr_session *session);
/* The install offer or its progress (state 0 until the broker's INSTALL), and the disk name
 * typed so far to confirm it. */
const struct tsr_kiosk_install *tsr_session_install(const struct tsr_session *session);
const char *tsr_session_install_typed(const struct tsr_session *session);
/* The logged-in (or locked) user and full name; "" when none. */
const char *tsr_session_user(const struct tsr_session *session);
/* Whether the session is over or on its way out: a LOGOUT waits for its reply (the broker
 * takes the domains away first), or the broker says nobody is logged in. */
bool tsr_session_ending(const struct tsr_session *session);
const char *tsr_session_full_name(const struct tsr_session *session);
/* The user name being typed on the login screen, and how many password characters are typed. */
const char *tsr_session_typed_user(const struct tsr_session *session);
size_t tsr_session_password_chars(const struct tsr_session *session);
int tsr_session_field(const struct tsr_session *session); /* 0 user, 1 password */
/* The current message of the screen ("" for none) and whether it is an error. */
const char *tsr_session_message(const struct tsr_session *session, bool *is_error);
/* A request is on its way (login, unlock): the screen shows "Checking…", input waits. */
bool tsr_session_busy(const struct tsr_session *session);
/* The SAS as text ("Ctrl+Alt+Backspace"), and whether the locked screens ask for it. */
const char *tsr_session_sas(const struct tsr_session *session);
bool tsr_session_requires_sas(const struct tsr_session *session);
/* Policy's console rights (enum tsr_policy_console_rights). */
int tsr_session_console_rights(const struct tsr_session *session);
uint32_t tsr_session_idle_lock_seconds(const struct tsr_session *session);

/* The domain list was asked for and has not been answered yet (the picker says "Loading"). */
bool tsr_session_listing(const struct tsr_session *session);
size_t tsr_session_n_domains(const struct tsr_session *session);
const struct tsr_kiosk_domain_info *tsr_session_domain(const struct tsr_session *session,
							     size_t i);
const struct tsr_kiosk_domain_info *tsr_session_find(const struct tsr_session *session,
							   const char *name);
/* The picker's selected tile (n_domains = the "Log out" button). */
size_t tsr_session_selected(const struct tsr_session *session);
/* The focused domain on the desktop (NULL for none), and the layout. */
const char *tsr_session_focus(const struct tsr_session *session);
enum tsr_layout tsr_session_layout(const struct tsr_session *session);
/* The notification to show in the top bar now (NULL for none). */
const char *tsr_session_notification(const struct tsr_session *session);
/* The session's clock (screens draw progress with it). */
int64_t tsr_session_now_us(const struct tsr_session *session);

#endif
