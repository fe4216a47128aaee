/* input/router.h: the one place every keystroke and pointer event passes through in dom0.
 *
 * Sources (grabbed evdev devices, the SPICE console, test scripts) feed events in; the router
 * applies the trusted hotkeys, the secure attention sequence (SAS) and the focus rules, and
 * hands each event to exactly one sink: the focused domain (as SPICE set-1 scancodes and
 * surface-relative pointer events), the kiosk itself (trusted UI: login, lock, chrome clicks),
 * or nobody. A keystroke typed for one domain must never reach another, so the router keeps
 * track of what each target saw go down and releases exactly that when the target changes.
 *
 * The router never draws and never links the renderer: it asks a small geometry provider
 * (struct tsr_input_geometry) where each domain's content sits on the desktop, so the kiosk
 * passes its scene and tests pass a table.
 *
 * Rules (see doc/input.md for the user-facing version):
 *  - Hotkeys are matched on the set of modifier classes physically held (Ctrl, Alt, Shift,
 *    Super; left and right alike) plus one key going down. A modifier that could start a
 *    hotkey is held back until the sequence is decided; if it is not a hotkey the held-back
 *    modifiers are replayed (in press order) to the keyboard target before the deciding
 *    event. Every key of a hotkey that fired is swallowed until its own release.
 *  - The keyboard target is the kiosk while the kiosk grabs input (login, picker, lock) or no
 *    domain is focused, else the focused domain. When the target changes, the old target gets
 *    a release for every key it saw go down; the new one gets nothing it did not see go down
 *    (not the release, not the auto-repeat).
 *  - The SAS always fires, in every state: the router itself releases everything held in the
 *    domains, turns on the kiosk grab and then reports TSR_INPUT_ACTION_SAS.
 *  - The pointer has one absolute position on the desktop. Motion and buttons go to the domain
 *    whose content rectangle is under it, scaled to that domain's surface; elsewhere (chrome,
 *    empty desktop) to the kiosk. A button pressed in a domain grabs the pointer for that
 *    domain until the last button is released (drags leaving the tile keep going to it,
 *    clamped to its surface edge). A press on a domain that is not focused focuses it first
 *    (click_to_focus, on by default). A press or wheel on a domain that has not seen the pointer
 *    where it is (a layout change under a still pointer) gets that motion first.
 *
 * All calls happen on one thread (the kiosk's main loop). Sink callbacks may call back into the
 * router (tsr_input_router_set_focus from kiosk_action is the expected use). */
#ifndef TSR_INPUT_ROUTER_H
#define TSR_INPUT_ROUTER_H

#include <stdbool.h>
#include <stdint.h>

#include "input/hotkeys.h"

/* Key event values, as evdev sends them. */
enum tsr_input_key_state {
	TSR_INPUT_KEY_UP = 0,
	TSR_INPUT_KEY_DOWN = 1,
	TSR_INPUT_KEY_REPEAT = 2,
};

/* Where a source's events come from. The kiosk may treat console input differently
 * (policy: view only, never unlock), so every action names its source. */
enum tsr_input_source_kind {
	TSR_INPUT_SOURCE_EVDEV = 0,
	TSR_INPUT_SOURCE_CONSOLE = 1,
	TSR_INPUT_SOURCE_TEST = 2,
};

/* Capabilities of a source; a device may have several. */
enum tsr_input_caps {
	TSR_INPUT_CAP_KEYBOARD = 1 << 0,
	TSR_INPUT_CAP_POINTER = 1 << 1,  /* relative motion (mouse, touchpad) */
	TSR_INPUT_CAP_ABSOLUTE = 1 << 2, /* absolute position (tablet, virtual tablet, console) */
	TSR_INPUT_CAP_TOUCH = 1 << 3,    /* touchscreen: first contact is the left button */
	TSR_INPUT_CAP_TOUCHPAD = 1 << 4, /* touchpad: absolute axes read as relative motion */
};

struct tsr_input_range {
	int32_t min, max; /* inclusive, as in struct input_absinfo */
};

struct tsr_input_device {
	uint32_t source; /* caller-chosen id, unique among the devices added */
	enum tsr_input_source_kind kind;
	unsigned caps;                    /* enum tsr_input_caps */
	struct tsr_input_range abs_x, abs_y; /* for ABSOLUTE/TOUCH: the device's axis ranges */
	const char *name;                 /* for logs; copied */
	/* Its events may reach domains but never the kiosk's own screens (login, unlock, chrome):
	 * for the SPICE console when policy lets it operate domains but not unlock. Keys and
	 * pointer events that would go to the kiosk are swallowed; hotkey actions are still
	 * reported, with this source, for the kiosk to judge. */
	bool domains_only;
};

/* SPICE mouse buttons (the values of SpiceMouseButton in spice-protocol's enums.h). */
enum tsr_input_button {
	TSR_INPUT_BUTTON_LEFT = 1,
	TSR_INPUT_BUTTON_MIDDLE = 2,
	TSR_INPUT_BUTTON_RIGHT = 3,
	TSR_INPUT_BUTTON_UP = 4,   /* wheel up: press + release per notch */
	TSR_INPUT_BUTTON_DOWN = 5, /* wheel down */
	TSR_INPUT_BUTTON_SIDE = 6,
	TSR_INPUT_BUTTON_EXTRA = 7,
};
/* Button masks are SPICE's too: bit (button - 1). */
#define TSR_INPUT_BUTTON_MASK(b) (1u << ((b) - 1))

/* What the kiosk is asked to do. arg and source are described per action. */
enum tsr_input_action {
	TSR_INPUT_ACTION_FOCUS_SLOT = 1,   /* hotkey: focus the domain in tile slot arg (1..9) */
	/* click_to_focus: the router has already focused domain id arg (the click on it follows);
	 * the kiosk only updates its chrome. */
	TSR_INPUT_ACTION_FOCUS_DOMAIN = 2,
	TSR_INPUT_ACTION_CYCLE_FOCUS = 3,  /* hotkey: arg = +1 (next) or -1 (previous) */
	TSR_INPUT_ACTION_LOCK = 4,         /* hotkey: lock the session */
	TSR_INPUT_ACTION_SAS = 5,          /* secure attention: back to the trusted screen */
	TSR_INPUT_ACTION_TOGGLE_LAYOUT = 6, /* hotkey: next layout (tiled / maximised) */
	TSR_INPUT_ACTION_CLIPBOARD_COPY = 7,  /* hotkey: the focused domain's text to dom0 */
	TSR_INPUT_ACTION_CLIPBOARD_PASTE = 8, /* hotkey: dom0's text to the focused domain */
	/* hotkey: the focused domain to the next output, arg = -1 (left) or +1 (right) */
	TSR_INPUT_ACTION_MOVE_OUTPUT = 9,
	/* The laptop's hardware keys are dom0's, with or without modifiers, in every state, and
	 * never reach a domain (tsr_input_hardware_key). */
	TSR_INPUT_ACTION_BRIGHTNESS = 10,  /* arg +1 (brighter) or -1 (darker) */
	TSR_INPUT_ACTION_VOLUME = 11,      /* arg +1, -1, or 0 for mute */
};

/* A key for the trusted UI (kiosk grab or no focused domain). keysym and utf8 are filled in
 * only when a text translator is attached (tsr_input_router_set_text), else 0 and "". */
struct tsr_input_kiosk_key {
	uint32_t source;
	uint16_t code; /* evdev KEY_* */
	enum tsr_input_key_state state;
	uint32_t keysym;  /* xkb keysym after the configured layout, 0 if none */
	char utf8[8];     /* text this key types ("" for none, e.g. modifiers, arrows) */
};

/* Where events go. Every callback is optional (NULL drops that kind). Domain ids are the
 * kiosk's own (>= 0). */
struct tsr_input_sinks {
	void *user_data;
	/* A set-1 scancode in the form spice_inputs_channel_key_press/_release take: 0x01..0x7f,
	 * or 0x100 | code for 0xe0-prefixed keys (0x11d is right Ctrl, sent on the wire as e0 1d).
	 * Auto-repeat arrives as another down. */
	void (*domain_key)(void *user_data, int domain, uint32_t scancode, bool down);
	/* Absolute position in the domain's surface pixels, with the buttons it holds down. */
	void (*domain_motion)(void *user_data, int domain, int x, int y, uint32_t buttons);
	/* buttons is the mask after this change. */
	void (*domain_button)(void *user_data, int domain, enum tsr_input_button button, bool down,
			      uint32_t buttons);
	void (*kiosk_key)(void *user_data, const struct tsr_input_kiosk_key *key);
	/* Pointer on the kiosk's own UI (chrome, login, picker), in desktop pixels. */
	void (*kiosk_motion)(void *user_data, int x, int y, uint32_t buttons);
	void (*kiosk_button)(void *user_data, int x, int y, enum tsr_input_button button, bool down,
			     uint32_t buttons);
	void (*kiosk_action)(void *user_data, enum tsr_input_action action, int arg,
			     uint32_t source);
	/* The pointer moved on the desktop (for drawing the pointer sprite), whoever gets it. */
	void (*pointer_moved)(void *user_data, int x, int y);
};

struct tsr_input_rect {
	int x, y, w, h; /* desktop pixels */
};

/* One domain as it is shown: its content rectangle on the desktop (inside the trusted border)
 * and the size of its surface, which is scaled into that rectangle. */
struct tsr_input_domain_area {
	int domain;
	struct tsr_input_rect content;
	int surface_w, surface_h;
};

/* Asked by the router on every pointer event; must reflect what is on screen now. */
struct tsr_input_geometry {
	void *user_data;
	void (*desktop_size)(void *user_data, int *w, int *h);
	/* The topmost domain whose content rectangle contains desktop point (x, y). */
	bool (*domain_at)(void *user_data, int x, int y, struct tsr_input_domain_area *out);
	/* The area of one domain; false if it is not shown. */
	bool (*domain_area)(void *user_data, int domain, struct tsr_input_domain_area *out);
};

struct tsr_input_router_options {
	bool click_to_focus; /* default true */
};

#define TSR_INPUT_NO_DOMAIN (-1)

struct tsr_input_router;
struct tsr_input_text;

/* sinks and geometry are copied; hotkeys is borrowed and must outlive the router (NULL:
 * defaults, see input/hotkeys.h). options may be NULL for the defaults. The router starts with
 * the kiosk grab on and no focused domain, as a (re)started kiosk is locked. */
struct tsr_input_router *tsr_input_router_create(const struct tsr_input_sinks *sinks,
						 const struct tsr_input_geometry *geometry,
						 const struct tsr_policy_hotkeys *hotkeys,
						 const struct tsr_input_router_options *options);
void tsr_input_router_destroy(struct tsr_input_router *router);

/* Sources. Adding an id that is already present fails; removing a source releases everything
 * it held down (keys, buttons, touch) in whichever target saw them, as if it had been let go. */
bool tsr_input_router_device_added(struct tsr_input_router *router,
				   const struct tsr_input_device *device)
	__attribute__((warn_unused_result));
void tsr_input_router_device_removed(struct tsr_input_router *router, uint32_t source);

/* Events from a source that was added. Events from unknown sources, keys without a scancode
 * (see input/keymap.h) and out-of-range values are dropped, never forwarded. */
void tsr_input_router_key(struct tsr_input_router *router, uint32_t source, uint16_t code,
			  enum tsr_input_key_state state);
/* A key as a set-1 scancode in input/keymap.h's form (the SPICE console's remote keys): mapped
 * back to its evdev code and routed like any key; scancodes with no entry are dropped. */
void tsr_input_router_scancode(struct tsr_input_router *router, uint32_t source,
			       uint32_t scancode, bool down);
void tsr_input_router_motion(struct tsr_input_router *router, uint32_t source, int dx, int dy);
/* Absolute position in the device's own range (struct tsr_input_device abs_x/abs_y). */
void tsr_input_router_position(struct tsr_input_router *router, uint32_t source, int32_t x,
			       int32_t y);
void tsr_input_router_button(struct tsr_input_router *router, uint32_t source,
			     enum tsr_input_button button, bool down);
/* Wheel notches: positive is up (away from the user), as evdev REL_WHEEL. */
void tsr_input_router_wheel(struct tsr_input_router *router, uint32_t source, int notches);

/* Raw evdev events (from libevdev or an evemu script): keys and buttons, REL_X/Y/WHEEL,
 * ABS_X/Y, single- and multi-touch (first contact only), framed by SYN_REPORT. Events of one
 * frame are applied at its SYN_REPORT: motion first, then keys and buttons in order. */
void tsr_input_router_evdev(struct tsr_input_router *router, uint32_t source, uint16_t type,
			    uint16_t code, int32_t value);

/* State set by the kiosk. Changing either may change the keyboard target, which releases what
 * the old target saw go down. */
void tsr_input_router_set_focus(struct tsr_input_router *router, int domain);
int tsr_input_router_get_focus(const struct tsr_input_router *router);
void tsr_input_router_set_kiosk_grab(struct tsr_input_router *router, bool grab);
bool tsr_input_router_get_kiosk_grab(const struct tsr_input_router *router);
/* A domain that went away: forget what it held without sending it anything; unfocus it. */
void tsr_input_router_domain_gone(struct tsr_input_router *router, int domain);

/* Attach an xkbcommon translator (input/text.h) for kiosk keys; borrowed, NULL detaches. */
void tsr_input_router_set_text(struct tsr_input_router *router, struct tsr_input_text *text);

/* Desktop pointer position (for tests and the initial sprite). */
void tsr_input_router_get_pointer(const struct tsr_input_router *router, int *x, int *y);

#endif
