/* policy/policy.h: the typed policy every Tessera component reads.
 *
 * policy/ is the one parser of policy sources (a directory of GLib key files, see
 * doc/policy.md) and of signed bundles (the canonical per-laptop-group form that reaches a
 * laptop). Everyone else takes the result as plain C structs: arrays with counts, strings
 * owned by the struct tsr_policy, so users never touch GKeyFile. A struct tsr_policy is
 * immutable once loaded; to change policy, load a new one and swap. */
#ifndef TSR_POLICY_POLICY_H
#define TSR_POLICY_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

#include "policy/hotkeys.h"

#define TSR_POLICY_ERROR (tsr_policy_error_quark())
GQuark tsr_policy_error_quark(void);

/* Error codes. Parse errors carry "file:line: [group] key: what is wrong; what to do". */
enum tsr_policy_error_code {
	TSR_POLICY_ERROR_IO,          /* a file could not be read */
	TSR_POLICY_ERROR_SYNTAX,      /* not a key file, bad escape, duplicate group... */
	TSR_POLICY_ERROR_UNKNOWN,     /* unknown group or key */
	TSR_POLICY_ERROR_MISSING,     /* a required group or key is missing */
	TSR_POLICY_ERROR_VALUE,       /* a value out of range or of the wrong form */
	TSR_POLICY_ERROR_REFERENCE,   /* a name refers to something that does not exist */
	TSR_POLICY_ERROR_DUPLICATE,   /* the same name defined twice */
};

/* Longest name (domain, user, group, template, rule, laptop group, organization). Names are
 * [A-Za-z0-9._-], not starting with '.' or '-': they end up in paths, labels and argv. */
#define TSR_POLICY_NAME_MAX 64

/* ---- domains ------------------------------------------------------------------------ */

/* The colour of a domain's border and label, drawn by dom0 only. */
enum tsr_policy_colour {
	TSR_POLICY_COLOUR_RED,
	TSR_POLICY_COLOUR_ORANGE,
	TSR_POLICY_COLOUR_YELLOW,
	TSR_POLICY_COLOUR_GREEN,
	TSR_POLICY_COLOUR_BLUE,
	TSR_POLICY_COLOUR_PURPLE,
	TSR_POLICY_COLOUR_GRAY,
	TSR_POLICY_COLOUR_BLACK,
};

enum tsr_policy_backend {
	TSR_POLICY_BACKEND_QEMU,
	TSR_POLICY_BACKEND_XEN,
	TSR_POLICY_BACKEND_SIM,
};

enum tsr_policy_network {
	TSR_POLICY_NETWORK_NONE,      /* no network device at all */
	TSR_POLICY_NETWORK_ISOLATED,  /* a device that reaches nothing outside the domain */
	TSR_POLICY_NETWORK_USER,      /* user-mode NAT (QEMU slirp) */
	TSR_POLICY_NETWORK_BRIDGE,    /* attached to the dom0 bridge named in network_bridge */
};

enum tsr_policy_display {
	TSR_POLICY_DISPLAY_SPICE,     /* shown by the kiosk through a viewer */
	TSR_POLICY_DISPLAY_NONE,      /* headless (a service domain) */
};

/* What runs first in the guest when it boots from its own disk or install media. */
enum tsr_policy_firmware {
	TSR_POLICY_FIRMWARE_BIOS,     /* SeaBIOS */
	TSR_POLICY_FIRMWARE_UEFI,     /* OVMF, with a per-domain variable store (qemu only) */
};

/* How the boot disk and the install media are attached (qemu). */
enum tsr_policy_disk_bus {
	TSR_POLICY_DISK_BUS_VIRTIO,   /* virtio-blk: fast, needs a driver (Linux has it) */
	TSR_POLICY_DISK_BUS_SATA,     /* AHCI: what an installer without virtio drivers sees */
};

/* The display device a guest draws on (qemu). */
enum tsr_policy_video {
	TSR_POLICY_VIDEO_STD,         /* QEMU's standard VGA (bochs-drm): every guest draws on it */
	TSR_POLICY_VIDEO_VIRTIO,      /* virtio-vga: QEMU takes the client's monitors config
	                               * itself and offers the guest that size as a hotplug */
};

/* A process identity: either a user name resolved on the laptop, or a numeric uid/gid. */
struct tsr_policy_identity {
	char *user;                   /* NULL when uid/gid are given */
	int64_t uid;                  /* -1 when unset */
	int64_t gid;                  /* -1 when unset */
};

struct tsr_policy_domain {
	char *name;
	char *label;                  /* text in the dom0 label; defaults to name */
	enum tsr_policy_colour colour;
	enum tsr_policy_backend backend;
	uint32_t memory_mib;
	uint32_t vcpus;
	char *template_name;          /* a struct tsr_policy_template name, or NULL for none */
	bool disposable;              /* true: the disk is thrown away when the domain stops */
	enum tsr_policy_network network;
	char *network_bridge;         /* for TSR_POLICY_NETWORK_BRIDGE, else NULL */
	enum tsr_policy_display display;
	char **users;                 /* user names allowed to use it */
	size_t n_users;
	char **groups;                /* user groups whose members may use it */
	size_t n_groups;
	struct tsr_policy_identity device_model;  /* who QEMU runs as */
	struct tsr_policy_identity viewer;        /* who the viewer runs as */
	/* Booting. Without kernel, the guest boots its disk (template) through firmware, or
	 * the install media when it has one. firmware_given: the source said `firmware =`;
	 * a domain that says neither firmware nor kernel may be direct-booted by a backend-wide
	 * default kernel (test setups: tessera-brokerd --guest-kernel). */
	enum tsr_policy_firmware firmware;
	bool firmware_given;
	enum tsr_policy_disk_bus disk_bus;
	enum tsr_policy_video video;
	char *cdrom;                  /* install media: a template name, or NULL */
	char *kernel;                 /* direct kernel boot: a template name, or NULL */
	char *initrd;                 /* with kernel: a template name, or NULL */
	char *cmdline;                /* with kernel: extra kernel command line, or NULL */
	bool console_clipboard;       /* the remote console may share this domain's clipboard */
	/* Booted when the broker starts or a user who may use it logs in, run to its first frame,
	 * then paused, so that picking it is a resume (broker/preload.c). */
	bool preload;
	/* The guest runs the SPICE agent: a preload runs until the agent connects (the OS is
	 * up), not just to the firmware's first frame. */
	bool agent;
};

/* ---- templates ---------------------------------------------------------------------- */

struct tsr_policy_template {
	char *name;
	char *file;                   /* file name on the mirror and under STATE/templates/ */
	char *format;                 /* "qcow2" or "raw" */
	uint8_t sha256[32];
	uint64_t size;                /* bytes */
};

/* ---- users and groups --------------------------------------------------------------- */

struct tsr_policy_user {
	char *name;
	char *full_name;              /* may be NULL */
	char *password_hash;          /* "$argon2id$v=19$m=...,t=...,p=...$salt$hash" */
	char **groups;
	size_t n_groups;
	char **domains;               /* domains granted directly to this user */
	size_t n_domains;
	bool console;                 /* may use the remote console (with kiosk console rights) */
};

struct tsr_policy_group {
	char *name;
	char *description;            /* may be NULL */
	char **domains;               /* domains granted to every member */
	size_t n_domains;
};

/* ---- device rules ------------------------------------------------------------------- */

enum tsr_policy_device_action {
	TSR_POLICY_DEVICE_ATTACH,     /* to the domain named in rule->domain */
	TSR_POLICY_DEVICE_FOCUSED,    /* to whichever domain has focus when it appears */
	TSR_POLICY_DEVICE_DENY,
};

/* Rules are kept in file order; the first match wins; no match means deny. */
/* What a device this rule placed does while the session is locked. DEFAULT: detach if the
 * rule is `focused` or the device is a smart card (interface class 0x0b), else keep. */
enum tsr_policy_on_lock {
	TSR_POLICY_ON_LOCK_DEFAULT,
	TSR_POLICY_ON_LOCK_DETACH,
	TSR_POLICY_ON_LOCK_KEEP,
};

struct tsr_policy_device_rule {
	char *name;
	int interface_class;          /* USB interface class 0..255, or -1 for any */
	int vendor;                   /* 0..0xffff, or -1 for any */
	int product;                  /* 0..0xffff, or -1 for any */
	char *serial;                 /* exact serial string, or NULL for any */
	enum tsr_policy_device_action action;
	char *domain;                 /* for TSR_POLICY_DEVICE_ATTACH, else NULL */
	enum tsr_policy_on_lock on_lock; /* `on-lock = detach|keep`, absent: DEFAULT */
};

/* ---- clipboard -------------------------------------------------------------------- */

/* Text moves between domains only through the kiosk's trusted clipboard, only when the user
 * asks, and only along a flow policy allows (deny by default). */
#define TSR_POLICY_CLIPBOARD_ANY "*"
#define TSR_POLICY_CLIPBOARD_MAX_BYTES_DEFAULT 64000u
#define TSR_POLICY_CLIPBOARD_MAX_BYTES_LIMIT (1024u * 1024u)

struct tsr_policy_clipboard_flow {
	char *name;                   /* [clipboard-rule NAME], or NULL for a [clipboard] allow entry */
	char *from;                   /* a domain name or TSR_POLICY_CLIPBOARD_ANY */
	char *to;                     /* a domain name or TSR_POLICY_CLIPBOARD_ANY */
};

struct tsr_policy_clipboard {
	uint32_t max_bytes;           /* the most text one copy may carry, 1..1 MiB */
	struct tsr_policy_clipboard_flow *flows;
	size_t n_flows;
};

/* ---- settings ----------------------------------------------------------------------- */

struct tsr_policy_lockout {
	uint32_t attempts;            /* failed logins before the account is locked */
	uint32_t lock_seconds;        /* how long it stays locked */
	uint32_t delay_ms;            /* delay after each failure, doubling, capped at lock_seconds */
};

enum tsr_policy_console_rights {
	TSR_POLICY_CONSOLE_NONE,      /* no remote console */
	TSR_POLICY_CONSOLE_VIEW,      /* view only */
	TSR_POLICY_CONSOLE_OPERATE,   /* view and input to domains, never unlock */
	TSR_POLICY_CONSOLE_FULL,      /* also unlock */
};

struct tsr_policy_keymap {
	char *rules, *model, *layout, *variant, *options;  /* xkbcommon RMLVO; NULL = default */
};

/* A [hotkeys] line as the source wrote it, kept for the canonical text of a bundle: action is
 * one of "lock", "cycle", "cycle-back", "layout", "copy", "paste", "focus-modifiers"; keys like "Super+Tab" or
 * "none". What the kiosk enforces is the typed tsr_policy_kiosk.keys. */
struct tsr_policy_hotkey {
	char *action;
	char *keys;
};

struct tsr_policy_kiosk {
	char *sas;                    /* as written, default "Ctrl+Alt+Backspace" */
	struct tsr_policy_hotkey *hotkeys;
	size_t n_hotkeys;
	/* [kiosk] sas and [hotkeys], parsed and checked (policy/hotkeys.h): key codes and
	 * modifier sets, the defaults where the policy says nothing. */
	struct tsr_policy_hotkeys keys;
	struct tsr_policy_keymap keymap;
	uint32_t idle_lock_seconds;   /* 0 = never */
	enum tsr_policy_console_rights console;
	bool locked_requires_sas;     /* the lock screen takes a password only after the SAS */
	bool click_to_focus;          /* a click focuses a domain; default true */
};

/* [power]: the lid always locks the kiosk first (before anything else happens); lid says what
 * follows. Domains are paused across a suspend; resume says when they run again. */
enum tsr_policy_lid {
	TSR_POLICY_LID_LOCK,          /* lock only (default) */
	TSR_POLICY_LID_SUSPEND,       /* lock, then suspend the laptop */
	TSR_POLICY_LID_IGNORE,        /* nothing: a docked laptop with its lid closed */
};

enum tsr_policy_resume {
	TSR_POLICY_RESUME_AFTER_UNLOCK, /* paused domains run again once the user unlocked */
	TSR_POLICY_RESUME_AT_ONCE,      /* they run again on wake, behind the lock screen */
};

struct tsr_policy_power {
	enum tsr_policy_lid lid;
	enum tsr_policy_resume resume;
	uint32_t blank_after_seconds; /* outputs off once locked and idle this long; 0 = never */
};

#define TSR_POLICY_BLANK_AFTER_DEFAULT 60u
#define TSR_POLICY_BLANK_AFTER_MAX 86400u

/* [outputs]: the monitors from left to right by DRM connector name ("eDP-1", "HDMI-A-2");
 * connected ones it does not name follow in the card's order. */
#define TSR_POLICY_OUTPUTS_MAX 8
#define TSR_POLICY_CONNECTOR_SIZE 32 /* with the NUL */

enum tsr_policy_output_mode {
	TSR_POLICY_OUTPUTS_EXTEND, /* one desktop across the row of monitors (default) */
	TSR_POLICY_OUTPUTS_MIRROR, /* every monitor shows the same desktop */
};

struct tsr_policy_outputs {
	size_t n_order;
	char order[TSR_POLICY_OUTPUTS_MAX][TSR_POLICY_CONNECTOR_SIZE];
	enum tsr_policy_output_mode mode;
};

/* "extend" or "mirror" ("?" for anything else). */
const char *tsr_policy_output_mode_name(enum tsr_policy_output_mode mode);

/* A connector name: a letter, then letters, digits and single '-', not ending in '-'. */
bool tsr_policy_connector_name_ok(const char *s);

/* A laptop group: which domains and users a laptop of that group carries. */
struct tsr_policy_laptop_group {
	char *name;
	char **domains;
	size_t n_domains;
	char **users;                 /* users named directly */
	size_t n_users;
	char **groups;                /* plus every member of these user groups */
	size_t n_groups;
};

/* ---- the whole policy --------------------------------------------------------------- */

struct tsr_policy {
	char *organization;
	/* Filled from a bundle; 0 / NULL for a source directory. */
	char *laptop_group;
	uint64_t serial;
	int64_t valid_from;           /* unix seconds */
	int64_t valid_until;          /* unix seconds */

	uint32_t lease_grace_days;    /* new logins still allowed this long after valid_until */
	uint32_t max_serial_jump;     /* install refuses a serial more than this above the installed */
	struct tsr_policy_lockout lockout;
	struct tsr_policy_kiosk kiosk;
	struct tsr_policy_clipboard clipboard;
	struct tsr_policy_power power;
	struct tsr_policy_outputs outputs;

	struct tsr_policy_domain *domains;       size_t n_domains;
	struct tsr_policy_template *templates;   size_t n_templates;
	struct tsr_policy_user *users;           size_t n_users;
	struct tsr_policy_group *groups;         size_t n_groups;
	struct tsr_policy_device_rule *rules;    size_t n_rules;
	struct tsr_policy_laptop_group *laptop_groups; size_t n_laptop_groups;  /* sources only */
};

/* A policy name (domain, template, file on the mirror...): [A-Za-z0-9._-]{1,64}, starting
 * with a letter or digit. */
bool tsr_policy_name_ok(const char *s);

/* Parse and validate a source directory (policy.conf, domains/NAME.conf, users.conf,
 * groups.conf, devices.conf, templates.conf). NULL with *error set on any problem. */
struct tsr_policy *tsr_policy_load_dir(const char *dir, GError **error)
	__attribute__((warn_unused_result));

/* tsr_policy_load_dir, and also compile policy.conf's [keymap] with xkbcommon as the kiosk will,
 * so a layout the kiosk cannot load is refused at build with file:line (policy/kiosk-check.c;
 * links xkbcommon, which tools that only read a policy do not need). */
struct tsr_policy *tsr_policy_load_dir_checked(const char *dir, GError **error)
	__attribute__((warn_unused_result));

/* Whether the kiosk can load the keymap k names: false with *error saying which names to check
 * where. */
bool tsr_policy_keymap_check(const struct tsr_policy_keymap *k, GError **error)
	__attribute__((warn_unused_result));

/* The same for a bundle's content before it is installed: a key file holding [keymap]; false
 * with *error "[keymap] ...". Fits tsr_install_options.kiosk_check. */
bool tsr_policy_kiosk_check(GKeyFile *file, GError **error) __attribute__((warn_unused_result));

/* Parse the canonical content of a bundle (what tsr_policy_canonical() wrote). The caller
 * has already verified its signature; see policy/bundle.h for the signed container. */
struct tsr_policy *tsr_policy_load_canonical(const char *data, size_t len, GError **error)
	__attribute__((warn_unused_result));

/* Read a signed bundle file, check its signature against the root keys pinned in
 * trusted_keys_path (a STATE/trusted.keys file) and parse it. This does not check serial or
 * time: install did that; use tsr_policy_lease_state() for the time. */
struct tsr_policy *tsr_policy_load_bundle(const char *bundle_path, const char *trusted_keys_path,
                                          GError **error)
	__attribute__((warn_unused_result));

/* The policy a laptop runs: STATE/current/bundle, verified with STATE/trusted.keys.
 * state_dir NULL means /var/lib/tessera. */
struct tsr_policy *tsr_policy_load_installed(const char *state_dir, GError **error)
	__attribute__((warn_unused_result));

void tsr_policy_free(struct tsr_policy *policy);

/* The canonical text of the part of policy a laptop group gets (only its domains, users,
 * groups, rules and templates). Deterministic: the same source gives the same bytes.
 * laptop_group NULL = everything (used for round-trip tests). NULL with *error if unknown. */
char *tsr_policy_canonical(const struct tsr_policy *policy, const char *laptop_group,
                           size_t *len, GError **error) __attribute__((warn_unused_result));

/* ---- lookups (NULL / false when not found) ------------------------------------------ */

const struct tsr_policy_domain *tsr_policy_find_domain(const struct tsr_policy *p, const char *name);
const struct tsr_policy_user *tsr_policy_find_user(const struct tsr_policy *p, const char *name);
const struct tsr_policy_group *tsr_policy_find_group(const struct tsr_policy *p, const char *name);
const struct tsr_policy_template *tsr_policy_find_template(const struct tsr_policy *p,
                                                           const char *name);
const struct tsr_policy_laptop_group *tsr_policy_find_laptop_group(const struct tsr_policy *p,
                                                                   const char *name);
bool tsr_policy_user_in_group(const struct tsr_policy *p, const char *user, const char *group);

/* True when user may use domain: the domain names the user or one of the user's groups,
 * the user names the domain, or one of the user's groups names the domain. */
bool tsr_policy_user_may_use(const struct tsr_policy *p, const char *user, const char *domain)
	__attribute__((warn_unused_result));

/* The domains user may use, in policy order; returns the count, fills up to max. */
size_t tsr_policy_user_domains(const struct tsr_policy *p, const char *user,
                               const struct tsr_policy_domain **out, size_t max);

/* A USB interface as the broker sees it. serial may be NULL (device has none). */
struct tsr_policy_usb_interface {
	int vendor, product;
	const char *serial;
	int interface_class;
};

/* First rule that matches, or NULL (= deny). */
const struct tsr_policy_device_rule *tsr_policy_match_device(const struct tsr_policy *p,
                                                             const struct tsr_policy_usb_interface *usb);

/* Whether text copied in domain from may be pasted into domain to: a flow names both (or `*`).
 * A domain's own text may always go back to it. */
bool tsr_policy_clipboard_allows(const struct tsr_policy *p, const char *from, const char *to)
	__attribute__((warn_unused_result));

/* ---- the offline lease -------------------------------------------------------------- */

enum tsr_policy_lease {
	TSR_POLICY_LEASE_VALID,         /* inside [valid_from, valid_until) */
	TSR_POLICY_LEASE_GRACE,         /* past valid_until but within lease_grace_days */
	TSR_POLICY_LEASE_EXPIRED,       /* refuse new logins: "connect and update" */
	TSR_POLICY_LEASE_NOT_YET_VALID, /* before valid_from: refuse too */
};

/* now: unix seconds, the later of the clock and the latest time this laptop has seen
 * (tsr_policy_state_latest_time in provisioning/state.h). *days_left (may be NULL) gets
 * whole days until logins stop (0 in the last day, negative once expired). A policy from a
 * source directory (valid_until 0) is always VALID. */
enum tsr_policy_lease tsr_policy_lease_state(const struct tsr_policy *p, int64_t now,
                                             int64_t *days_left) __attribute__((warn_unused_result));

/* What to tell the person at the login screen, so broker, kiosk and status say the same;
 * NULL when nothing needs saying (valid with more than 7 days left). Free with g_free. */
char *tsr_policy_lease_message(enum tsr_policy_lease lease, int64_t days_left);

/* ---- names of enum values (the key-file spelling) ----------------------------------- */

const char *tsr_policy_colour_name(enum tsr_policy_colour c);
const char *tsr_policy_backend_name(enum tsr_policy_backend b);
const char *tsr_policy_network_name(enum tsr_policy_network n);
const char *tsr_policy_display_name(enum tsr_policy_display d);
const char *tsr_policy_firmware_name(enum tsr_policy_firmware f);
const char *tsr_policy_disk_bus_name(enum tsr_policy_disk_bus b);
const char *tsr_policy_video_name(enum tsr_policy_video v);
const char *tsr_policy_device_action_name(enum tsr_policy_device_action a);
const char *tsr_policy_console_rights_name(enum tsr_policy_console_rights c);
const char *tsr_policy_lid_name(enum tsr_policy_lid lid);
const char *tsr_policy_resume_name(enum tsr_policy_resume resume);
const char *tsr_policy_lease_name(enum tsr_policy_lease l);

#endif
