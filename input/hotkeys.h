/* input/hotkeys.h: the trusted hotkeys and the secure attention sequence, as configured.
 *
 * Kept apart from the router so the kiosk can parse and check its settings (policy [kiosk]
 * section, or the standalone config file) before anything runs, with errors that name the
 * setting and the bad part. A combo is a set of modifier classes (left and right alike) plus
 * exactly one non-modifier key, written like "Super+L" or "Ctrl+Alt+Backspace". */
#ifndef TSR_INPUT_HOTKEYS_H
#define TSR_INPUT_HOTKEYS_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

enum tsr_input_mod {
	TSR_INPUT_MOD_CTRL = 1 << 0,
	TSR_INPUT_MOD_ALT = 1 << 1,
	TSR_INPUT_MOD_SHIFT = 1 << 2,
	TSR_INPUT_MOD_SUPER = 1 << 3,
};

struct tsr_input_combo {
	unsigned mods; /* enum tsr_input_mod */
	uint16_t code; /* evdev KEY_*, never a modifier; 0 = disabled */
};

/* The modifier class of an evdev key code, 0 if it is not a modifier. */
unsigned tsr_input_mod_of_code(uint16_t code);

/* Parse "Ctrl+Alt+Backspace". Names are case-insensitive: modifiers Ctrl/Control, Alt,
 * Shift, Super/Meta/Win/Logo; keys by their evdev name without KEY_ ("L", "Tab", "F12",
 * "Backspace", "Delete", "1") plus aliases Esc, Del, Return, PgUp, PgDn, Ins. "none" disables.
 * On error returns false, sets *error (may be NULL) and leaves *out untouched. */
bool tsr_input_combo_parse(const char *spec, struct tsr_input_combo *out, GError **error)
	__attribute__((warn_unused_result));
/* "Ctrl+Alt+BACKSPACE"-style text for logs and docs; returns a newly allocated string. */
char *tsr_input_combo_to_string(const struct tsr_input_combo *combo);

struct tsr_input_hotkeys {
	struct tsr_input_combo sas;          /* default Ctrl+Alt+Backspace; cannot be disabled */
	struct tsr_input_combo lock;         /* default Super+L */
	struct tsr_input_combo cycle;        /* default Super+Tab */
	struct tsr_input_combo cycle_back;   /* default Super+Shift+Tab */
	struct tsr_input_combo layout;       /* default Super+Space */
	unsigned focus_mods;                 /* default Super: focus_mods+1..9 focus slot N; 0 off */
};

void tsr_input_hotkeys_init_default(struct tsr_input_hotkeys *hotkeys);

/* Set one setting by its config name: "sas", "lock", "cycle", "cycle-back", "layout" (a combo
 * or "none"), "focus-modifiers" (modifiers only, e.g. "Super" or "Ctrl+Alt", or "none").
 * Rejects unknown names, bad specs, disabling the SAS, and a combo already used by another
 * setting; on error *hotkeys is unchanged. */
bool tsr_input_hotkeys_set(struct tsr_input_hotkeys *hotkeys, const char *name,
			   const char *value, GError **error) __attribute__((warn_unused_result));

/* Does (mods, code) fire a hotkey? Returns the action (enum tsr_input_action in router.h) or
 * 0, with its argument in *arg. Hotkeys need exactly their modifiers; the SAS fires with at
 * least its modifiers held, so a stuck or extra modifier can never keep the user out. */
int tsr_input_hotkeys_match(const struct tsr_input_hotkeys *hotkeys, unsigned mods,
			    uint16_t code, int *arg);
/* Could held modifiers `mods` still become a hotkey with one more key (or more modifiers)? */
bool tsr_input_hotkeys_is_prefix(const struct tsr_input_hotkeys *hotkeys, unsigned mods);

#define TSR_INPUT_ERROR (tsr_input_error_quark())
GQuark tsr_input_error_quark(void);
enum tsr_input_error_code {
	TSR_INPUT_ERROR_INVALID = 1,
	TSR_INPUT_ERROR_NOT_OURS = 2, /* devices: not a keyboard, pointer or touch device */
};

#endif
