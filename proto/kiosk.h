/* proto/kiosk.h: the messages between tessera-kiosk and tessera-brokerd.
 *
 * Trust boundary 4. The broker makes a SOCK_SEQPACKET socketpair, starts the kiosk with one
 * end as fd 3 (--broker-fd 3), and keeps the other; nobody else can speak on it. Every message
 * is one fixed-size struct that starts with a struct tsr_frame_header (common/frame.h): type,
 * version TSR_KIOSK_PROTO_VERSION, and a length that must equal sizeof the struct for that
 * type. Strings are fixed-size, NUL-padded char arrays, NUL-terminated inside the field;
 * domain names follow the policy's name rule (the user name in LOGIN is any text: a name
 * nobody has is answered like a wrong password). Anything else ends the kiosk's link (the broker restarts it,
 * locked).
 *
 * The password travels as a binary field (length + bytes) in LOGIN and UNLOCK, never as a
 * string: the broker receives every kiosk message into sodium_malloc memory and wipes it after
 * handling, and the kiosk must wipe its copy once it is sent.
 *
 * Requests carry a seq chosen by the kiosk; the broker answers each with exactly one REPLY of
 * the same seq, after any DOMAIN messages that belong to it (LIST). The reply to PICK and to
 * RESTART_VIEWER carries one fd: the kiosk end of the new viewer's SOCK_SEQPACKET socket
 * (doc/display-protocol.md). A DEVICE that adds a device carries its open fd and CONSOLE the
 * console's link; no other message carries one. Events (seq 0) may come at any time. Full description:
 * doc/kiosk-protocol.md. */
#ifndef TSR_PROTO_KIOSK_H
#define TSR_PROTO_KIOSK_H

#include "common/frame.h"
#include "policy/hotkeys.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TSR_KIOSK_PROTO_VERSION 1
/* The fd number the kiosk finds its end of the link on. */
#define TSR_KIOSK_BROKER_FD 3

#define TSR_KIOSK_NAME_SIZE 65      /* policy names: 64 bytes + NUL */
#define TSR_KIOSK_LABEL_SIZE 128
#define TSR_KIOSK_TEXT_SIZE 256
#define TSR_KIOSK_PASSWORD_MAX 256
#define TSR_KIOSK_KEYS_SIZE 64

enum tsr_kiosk_msg_type {
	/* kiosk -> broker: requests */
	TSR_KIOSK_LOGIN = 1,          /* struct tsr_kiosk_login */
	TSR_KIOSK_UNLOCK = 2,         /* struct tsr_kiosk_login, user ignored (the session's) */
	TSR_KIOSK_LIST = 3,           /* struct tsr_kiosk_request */
	TSR_KIOSK_PICK = 4,           /* struct tsr_kiosk_domain_request */
	TSR_KIOSK_STOP = 5,           /* struct tsr_kiosk_domain_request */
	TSR_KIOSK_LOGOUT = 6,         /* struct tsr_kiosk_request */
	TSR_KIOSK_LOCK = 7,           /* struct tsr_kiosk_request */
	TSR_KIOSK_FOCUS = 8,          /* struct tsr_kiosk_domain_request; "" = the kiosk itself */
	TSR_KIOSK_RESTART_VIEWER = 9, /* struct tsr_kiosk_domain_request */
	TSR_KIOSK_CLIPBOARD_AUDIT = 10, /* struct tsr_kiosk_clipboard_audit */
	TSR_KIOSK_BRIGHTNESS = 11,    /* struct tsr_kiosk_brightness: a brightness key was pressed */
	TSR_KIOSK_LOCK_SHOWN = 12,    /* struct tsr_kiosk_request: the lock screen is on the outputs
				       * (the broker suspends only after it) */
	TSR_KIOSK_ENROL_ANSWER = 13,  /* struct tsr_kiosk_enrol_answer: the user's yes or no */
	TSR_KIOSK_INSTALL_ANSWER = 14, /* struct tsr_kiosk_install_answer: install or not */

	/* broker -> kiosk */
	TSR_KIOSK_REPLY = 100,        /* struct tsr_kiosk_reply (+ 1 fd for PICK/RESTART_VIEWER) */
	TSR_KIOSK_DOMAIN = 101,       /* struct tsr_kiosk_domain: LIST answer or state event */
	TSR_KIOSK_NOTIFY = 102,       /* struct tsr_kiosk_notify */
	TSR_KIOSK_SESSION = 103,      /* struct tsr_kiosk_session */
	TSR_KIOSK_SETTINGS = 104,     /* struct tsr_kiosk_settings */
	TSR_KIOSK_DEVICE = 105,       /* struct tsr_kiosk_device (+ 1 fd when it adds one) */
	TSR_KIOSK_CONSOLE = 106,      /* struct tsr_kiosk_console + 1 fd: a console's link */
	TSR_KIOSK_CLIPBOARD = 107,    /* struct tsr_kiosk_clipboard: policy's [clipboard] */
	TSR_KIOSK_POWER = 108,        /* struct tsr_kiosk_power: battery text for the top bar */
	TSR_KIOSK_ENROL = 109,        /* struct tsr_kiosk_enrol: what an enrolment disk holds */
	TSR_KIOSK_INSTALL = 110,      /* struct tsr_kiosk_install: the install offer, its progress */
};

/* Status codes in a reply. */
enum tsr_kiosk_status {
	TSR_KIOSK_OK = 0,
	TSR_KIOSK_E_DENIED = 1,       /* wrong user or password (one answer for both) */
	TSR_KIOSK_E_WAIT = 2,         /* back-off: retry_ms says how long */
	TSR_KIOSK_E_LOCKED_OUT = 3,   /* too many failures: retry_ms says how long */
	TSR_KIOSK_E_STATE = 4,        /* not possible now (not logged in, locked, ...) */
	TSR_KIOSK_E_FORBIDDEN = 5,    /* the user may not use that domain */
	TSR_KIOSK_E_UNKNOWN = 6,      /* no such domain */
	TSR_KIOSK_E_FAILED = 7,       /* the domain or its viewer could not be started */
	TSR_KIOSK_E_LEASE = 8,        /* policy too old: connect and update */
	TSR_KIOSK_E_PROTOCOL = 9,     /* malformed request (the link is then closed) */
};

/* The state a domain is in, as the kiosk shows it (mirrors enum tsr_domain_state). */
enum tsr_kiosk_domain_state {
	TSR_KIOSK_DOMAIN_STOPPED = 0,
	TSR_KIOSK_DOMAIN_STARTING = 1,
	TSR_KIOSK_DOMAIN_RUNNING = 2,
	TSR_KIOSK_DOMAIN_PAUSED = 3,
	TSR_KIOSK_DOMAIN_CRASHED = 4,
	TSR_KIOSK_DOMAIN_UNAVAILABLE = 5, /* defined in policy but cannot run on this laptop */
};

/* How a domain's device model runs, where the backend says (qemu); shown beside its state. */
enum tsr_kiosk_accel {
	TSR_KIOSK_ACCEL_NONE = 0, /* not known yet, or not a qemu domain */
	TSR_KIOSK_ACCEL_KVM = 1,
	TSR_KIOSK_ACCEL_TCG = 2,  /* emulated: slow, worth telling the user */
};

enum tsr_kiosk_session_state {
	TSR_KIOSK_SESSION_LOGIN = 0,  /* nobody logged in: show the login screen */
	TSR_KIOSK_SESSION_LOCKED = 1, /* user's session locked: show the lock screen */
	TSR_KIOSK_SESSION_ACTIVE = 2, /* unlocked: picker and desktop */
	TSR_KIOSK_SESSION_NOT_ENROLLED = 3, /* no pinned root keys: the "not enrolled" screen, no
					     * login; nobody logged in */
	TSR_KIOSK_SESSION_INSTALL = 4, /* booted from the image's stick: the offer to install it
					* onto an internal disk (INSTALL), no login; nobody logged in */
};

enum tsr_kiosk_notify_kind {
	TSR_KIOSK_NOTE_INFO = 0,
	TSR_KIOSK_NOTE_DEVICE_ATTACHED = 1,
	TSR_KIOSK_NOTE_DEVICE_DENIED = 2,
	TSR_KIOSK_NOTE_DOMAIN_CRASHED = 3,
	TSR_KIOSK_NOTE_POLICY_EXPIRES = 4,
	TSR_KIOSK_NOTE_DEVICE_DETACHED = 5,
};

/* The devices the broker opens as root and lends to the kiosk (it never opens a node itself).
 * The broker keeps its own reference to each and revokes it (EVIOCREVOKE, DRM master dropped)
 * when that kiosk ends, so nothing the kiosk left behind can keep reading. */
enum tsr_kiosk_device_kind {
	TSR_KIOSK_DEVICE_DRM = 1,     /* the DRM card, already DRM master; sent first, add only */
	TSR_KIOSK_DEVICE_EVDEV = 2,   /* one /dev/input/event* node, read-only, non-blocking */
};

enum tsr_kiosk_device_action {
	TSR_KIOSK_DEVICE_ADD = 1,     /* carries the open fd */
	TSR_KIOSK_DEVICE_REMOVE = 2,  /* unplugged: no fd; the broker has revoked its copy */
};

struct tsr_kiosk_request {
	struct tsr_frame_header h;
	uint32_t seq;
	uint32_t reserved;            /* 0 */
};

struct tsr_kiosk_login {
	struct tsr_frame_header h;
	uint32_t seq;
	uint32_t password_len;        /* <= TSR_KIOSK_PASSWORD_MAX */
	char user[TSR_KIOSK_NAME_SIZE];
	uint8_t pad[3];               /* 0 */
	uint8_t password[TSR_KIOSK_PASSWORD_MAX]; /* binary; bytes past password_len are 0 */
};

struct tsr_kiosk_domain_request {
	struct tsr_frame_header h;
	uint32_t seq;
	uint32_t reserved;            /* 0 */
	char domain[TSR_KIOSK_NAME_SIZE];
	uint8_t pad[3];               /* 0 */
};

/* The kiosk only asks: the broker owns the backlight (sysfs) and answers OK, or E_FAILED when
 * the laptop has none it can set. Allowed in every session state (the keys work on the lock
 * screen too). */
struct tsr_kiosk_brightness {
	struct tsr_frame_header h;
	uint32_t seq;
	int32_t step;                 /* +1 brighter, -1 darker; nothing else */
};

struct tsr_kiosk_reply {
	struct tsr_frame_header h;
	uint32_t seq;
	uint32_t status;              /* enum tsr_kiosk_status */
	uint32_t retry_ms;            /* E_WAIT / E_LOCKED_OUT */
	uint32_t reserved;
	char message[TSR_KIOSK_TEXT_SIZE]; /* human text for the user, may be "" */
};

struct tsr_kiosk_domain {
	struct tsr_frame_header h;
	uint32_t seq;                 /* the LIST's seq, or 0 for a state-change event */
	uint8_t state;                /* enum tsr_kiosk_domain_state */
	uint8_t colour;               /* enum tsr_policy_colour */
	uint8_t disposable;           /* 0 / 1 */
	uint8_t focused;              /* 0 / 1 */
	char name[TSR_KIOSK_NAME_SIZE];
	uint8_t accel;                /* enum tsr_kiosk_accel */
	uint8_t pad[2];
	char label[TSR_KIOSK_LABEL_SIZE];
};

struct tsr_kiosk_notify {
	struct tsr_frame_header h;
	uint32_t kind;                /* enum tsr_kiosk_notify_kind */
	uint32_t reserved;
	char domain[TSR_KIOSK_NAME_SIZE]; /* may be "" */
	uint8_t pad[3];
	char text[TSR_KIOSK_TEXT_SIZE];
};

/* SESSION flags, never with ACTIVE and never both: turn the outputs off now (the lid closed on
 * a laptop that cannot suspend); the next input wakes them, as after blank-after. Or turn them
 * on now, showing the lock screen, and count blank-after from now (the lid opened). */
#define TSR_KIOSK_SESSION_OUTPUTS_OFF 1u
#define TSR_KIOSK_SESSION_OUTPUTS_ON 2u

struct tsr_kiosk_session {
	struct tsr_frame_header h;
	uint32_t state;               /* enum tsr_kiosk_session_state */
	uint32_t flags;               /* TSR_KIOSK_SESSION_OUTPUTS_OFF or _ON; other bits 0 */
	char user[TSR_KIOSK_NAME_SIZE]; /* "" in LOGIN */
	uint8_t pad[3];
	char full_name[TSR_KIOSK_LABEL_SIZE];
};

/* A combination as policy/hotkeys.h types it: the broker sends what its policy parsed, and the
 * kiosk's router matches against it; nobody on the link parses key names. */
struct tsr_kiosk_combo {
	uint32_t mods;                /* TSR_POLICY_MOD_* bits */
	uint32_t code;                /* evdev KEY_* of a non-modifier key; 0 = off */
};

struct tsr_kiosk_hotkeys {
	struct tsr_kiosk_combo sas;   /* never off */
	struct tsr_kiosk_combo lock;
	struct tsr_kiosk_combo cycle;
	struct tsr_kiosk_combo cycle_back;
	struct tsr_kiosk_combo layout;
	struct tsr_kiosk_combo copy;
	struct tsr_kiosk_combo paste;
	struct tsr_kiosk_combo output_left;
	struct tsr_kiosk_combo output_right;
	uint32_t focus_mods;          /* TSR_POLICY_MOD_* bits; 0 = no focus keys */
	uint32_t reserved;
};

/* [outputs] order: connector names from left to right (policy/policy.h). */
#define TSR_KIOSK_OUTPUTS_MAX 8
#define TSR_KIOSK_CONNECTOR_SIZE 32
#define TSR_KIOSK_BLANK_AFTER_MAX 86400u /* policy's TSR_POLICY_BLANK_AFTER_MAX */

struct tsr_kiosk_settings {
	struct tsr_frame_header h;
	uint32_t idle_lock_seconds;   /* 0 = never */
	uint32_t console;             /* enum tsr_policy_console_rights */
	uint32_t locked_requires_sas; /* 0 / 1 */
	uint32_t blank_after_seconds; /* [power] blank-after: outputs off when locked; 0 = never */
	uint32_t output_mode;         /* [outputs] mode: 0 extend, 1 mirror (policy's enum) */
	char sas[TSR_KIOSK_KEYS_SIZE]; /* the SAS as the policy wrote it, for the screens' text */
	char xkb_rules[TSR_KIOSK_KEYS_SIZE];
	char xkb_model[TSR_KIOSK_KEYS_SIZE];
	char xkb_layout[TSR_KIOSK_KEYS_SIZE];
	char xkb_variant[TSR_KIOSK_KEYS_SIZE];
	char xkb_options[TSR_KIOSK_KEYS_SIZE * 2];
	struct tsr_kiosk_hotkeys hotkeys; /* what the router enforces */
	/* The monitors left to right by connector name; "" after the last. */
	char output_order[TSR_KIOSK_OUTPUTS_MAX][TSR_KIOSK_CONNECTOR_SIZE];
};

struct tsr_kiosk_device {
	struct tsr_frame_header h;
	uint32_t id;                  /* the broker's number for the device, never 0 */
	uint8_t kind;                 /* enum tsr_kiosk_device_kind */
	uint8_t action;               /* enum tsr_kiosk_device_action */
	uint8_t pad[2];               /* 0 */
	char node[TSR_KIOSK_LABEL_SIZE]; /* its /dev path, for the kiosk's log only */
};

/* The broker started tessera-console (policy turned it on) and hands the kiosk its link, the
 * kiosk's end of the SOCK_SEQPACKET socketpair (proto/console-link.h). Sent before the SETTINGS
 * that turns the console on; a new one replaces the one before. */
struct tsr_kiosk_console {
	struct tsr_frame_header h;
	uint32_t reserved[2];         /* 0 */
};

/* Policy's [clipboard] for dom0's trusted clipboard (kiosk/clipboard.h): sent after SETTINGS
 * to every new kiosk and after every policy reload; until the first one the kiosk leaves the
 * copy and paste keys to the guests. Flows are domain names or "*"; slots past n_flows are
 * zero. A policy with more flows than fit sends the first TSR_KIOSK_CLIPBOARD_FLOWS (what is
 * left out is refused: deny by default). */
#define TSR_KIOSK_CLIPBOARD_FLOWS 24

struct tsr_kiosk_clipboard_flow {
	char from[TSR_KIOSK_NAME_SIZE];
	char to[TSR_KIOSK_NAME_SIZE];
};

struct tsr_kiosk_clipboard {
	struct tsr_frame_header h;
	uint32_t max_bytes;           /* 1..TSR_CLIPBOARD_LIMIT */
	uint32_t n_flows;             /* <= TSR_KIOSK_CLIPBOARD_FLOWS */
	struct tsr_kiosk_clipboard_flow flows[TSR_KIOSK_CLIPBOARD_FLOWS];
};

enum tsr_kiosk_clipboard_event {
	TSR_KIOSK_CLIPBOARD_COPY = 1,    /* text taken from source; no target */
	TSR_KIOSK_CLIPBOARD_PASTE = 2,   /* handed to target, then emptied */
	TSR_KIOSK_CLIPBOARD_REFUSED = 3, /* policy refused source -> target */
	TSR_KIOSK_CLIPBOARD_EMPTIED = 4, /* emptied without a paste; no target */
};

/* Why: 0 for copy and paste, policy for refused, one of the others for emptied. */
enum tsr_kiosk_clipboard_reason {
	TSR_KIOSK_CLIPBOARD_REASON_NONE, TSR_KIOSK_CLIPBOARD_REASON_POLICY,
	TSR_KIOSK_CLIPBOARD_REASON_LOCK, TSR_KIOSK_CLIPBOARD_REASON_LOGOUT,
	TSR_KIOSK_CLIPBOARD_REASON_SOURCE_GONE, TSR_KIOSK_CLIPBOARD_REASON_USER_SWITCH,
};

/* What the trusted clipboard did, for the broker's audit log: never the text, only its size
 * and sha256 (64 lowercase hex digits). The broker also checks the domains against its policy
 * and the size against max-bytes, and answers with a REPLY. */
struct tsr_kiosk_clipboard_audit {
	struct tsr_frame_header h;
	uint32_t seq;
	uint32_t size;                /* 1..max-bytes */
	uint8_t event;                /* enum tsr_kiosk_clipboard_event */
	uint8_t reason;               /* enum tsr_kiosk_clipboard_reason */
	uint8_t pad[2];               /* 0 */
	char source[TSR_KIOSK_NAME_SIZE];
	char target[TSR_KIOSK_NAME_SIZE]; /* "" for COPY and EMPTIED */
	char sha256[TSR_KIOSK_NAME_SIZE];
	uint8_t pad2[1];              /* 0 */
};

/* Names of the enums above, as the audit lines write them; NULL when out of range. */
const char *tsr_kiosk_clipboard_event_name(uint32_t event);
const char *tsr_kiosk_clipboard_reason_name(uint32_t reason);

/* The battery and AC state as the top bar shows it ("Battery 73%, charging"), read by the
 * broker from sysfs (the kiosk opens nothing there); "" when the laptop has neither. Sent when
 * a kiosk starts and whenever the text changes. */
#define TSR_KIOSK_POWER_TEXT_SIZE 64
struct tsr_kiosk_power {
	struct tsr_frame_header h;
	uint32_t reserved[2];         /* 0 */
	char text[TSR_KIOSK_POWER_TEXT_SIZE];
};

/* Enrolment from a removable disk labelled TSR-ENROL (doc/laptop-image.md, "Enrolment"), only
 * while the session state is NOT_ENROLLED. The broker reads the disk and checks its file as an
 * install would, then sends OFFER: the kiosk shows organization, group and the root key's
 * fingerprint on its trusted screen and the user answers with the keyboard (ENROL_ANSWER); the
 * broker writes nothing before a yes. A disk it refused comes as REFUSED with the reason; NONE
 * clears the screen (the disk is gone). */
enum tsr_kiosk_enrol_state {
	TSR_KIOSK_ENROL_NONE = 0,     /* every field empty */
	TSR_KIOSK_ENROL_OFFER = 1,    /* organization, group, fingerprint, n_roots 1..4 */
	TSR_KIOSK_ENROL_REFUSED = 2,  /* text: why; the identity fields empty */
};

#define TSR_KIOSK_FINGERPRINT_SIZE 24 /* "xxxx-xxxx-xxxx-xxxx" + NUL, padded */

struct tsr_kiosk_enrol {
	struct tsr_frame_header h;
	uint32_t state;               /* enum tsr_kiosk_enrol_state */
	uint32_t n_roots;             /* root keys the disk pins; the first one's fingerprint */
	char organization[TSR_KIOSK_NAME_SIZE];
	char group[TSR_KIOSK_NAME_SIZE];
	uint8_t pad[2];               /* 0 */
	char fingerprint[TSR_KIOSK_FINGERPRINT_SIZE];
	char text[TSR_KIOSK_TEXT_SIZE];
};

/* The user's answer to the OFFER on screen: the broker replies OK once enrolled (then sends
 * SESSION LOGIN), E_STATE when nothing is offered, E_FAILED with the reason. */
struct tsr_kiosk_enrol_answer {
	struct tsr_frame_header h;
	uint32_t seq;
	uint32_t accept;              /* 1: enrol with what was shown; 0: no */
};

/* Installing the image from its stick onto an internal disk (doc/laptop-image.md, "Install"),
 * only while the session state is INSTALL. The broker asks tessera-install which internal disks
 * it would accept and offers one (OFFER: its kernel name, size and model); the user answers on
 * the kiosk's trusted screen by typing the disk's name (INSTALL_ANSWER). The broker runs the
 * installer itself, onto the disk it offered, and sends each step line (RUNNING), then DONE or
 * FAILED with the installer's words. */
enum tsr_kiosk_install_state {
	TSR_KIOSK_INSTALL_OFFER = 1,   /* disk, size, model; text empty */
	TSR_KIOSK_INSTALL_RUNNING = 2, /* text: the installer's last step line */
	TSR_KIOSK_INSTALL_DONE = 3,    /* text: what happens now (remove the stick, powering off) */
	TSR_KIOSK_INSTALL_FAILED = 4,  /* text: the installer's reason */
};

/* A disk's kernel name ("nvme0n1", "sda"): 1..31 lowercase letters and digits, starting with a
 * letter. It is what the user types to confirm, so nothing in it needs a special key. */
#define TSR_KIOSK_DISK_SIZE 32
#define TSR_KIOSK_MODEL_SIZE 64

struct tsr_kiosk_install {
	struct tsr_frame_header h;
	uint32_t state;               /* enum tsr_kiosk_install_state */
	uint32_t reserved;            /* 0 */
	uint64_t size_bytes;          /* the disk's size; never 0 */
	char disk[TSR_KIOSK_DISK_SIZE];
	char model[TSR_KIOSK_MODEL_SIZE]; /* may be "" (the disk did not say) */
	char text[TSR_KIOSK_TEXT_SIZE];
};

/* The user's answer to the OFFER: accept 1 with disk the name the user typed, which must be
 * the offered disk's (the broker installs onto the disk it offered, never onto a name it is
 * sent); accept 0 with disk "". The broker replies OK (then RUNNING... or, after a no, the
 * SESSION the laptop was in), E_STATE when nothing is offered, E_DENIED for another name. */
struct tsr_kiosk_install_answer {
	struct tsr_frame_header h;
	uint32_t seq;
	uint32_t accept;              /* 1: erase disk and install; 0: no */
	char disk[TSR_KIOSK_DISK_SIZE];
};

/* True when name is a disk name as TSR_KIOSK_DISK_SIZE's comment says. */
bool tsr_kiosk_disk_name_ok(const char *name);

/* The largest message either side sends (receive buffers are this big). */
#define TSR_KIOSK_MSG_MAX sizeof(struct tsr_kiosk_clipboard)

/* The exact size of a message of type, or 0 for a type this version does not know. */
size_t tsr_kiosk_msg_size(uint16_t type);
/* True for the types the kiosk may send. */
bool tsr_kiosk_is_request(uint16_t type);

/* Check a received message completely: header (tsr_frame_check), size for its type, every
 * string NUL-terminated within its field, names valid, password_len in range and the bytes
 * after it zero, pads zero. Returns 0, or -1 with errno (EBADMSG, EMSGSIZE, EPROTO) and a
 * static description in *why. */
int tsr_kiosk_msg_check(const void *buf, size_t len, const char **why)
	__attribute__((warn_unused_result));

/* Copy s into a fixed field, truncating on a UTF-8 boundary and NUL-padding. */
void tsr_kiosk_set_string(char *field, size_t size, const char *s);

/* Between policy's typed hotkeys and their wire form; unpack trusts a message that passed
 * tsr_kiosk_msg_check for ranges only, so the kiosk still runs tsr_policy_hotkeys_check. */
void tsr_kiosk_hotkeys_pack(struct tsr_kiosk_hotkeys *out, const struct tsr_policy_hotkeys *in);
void tsr_kiosk_hotkeys_unpack(struct tsr_policy_hotkeys *out, const struct tsr_kiosk_hotkeys *in);

#endif
