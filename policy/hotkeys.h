/* policy/hotkeys.h: the trusted hotkeys and the secure attention sequence as typed values.
 *
 * The policy's [kiosk] sas and [hotkeys] are parsed here, once, into key codes and modifier
 * sets; the kiosk's input router (input/hotkeys.h) only matches keys against them. A combo is a
 * set of modifier classes (left and right alike) plus exactly one non-modifier key, written like
 * "Super+L" or "Ctrl+Alt+Backspace". Key names come from libevdev's table, so every key the
 * kernel knows can be named. Errors are TSR_POLICY_ERROR_VALUE and say what is wrong and how to
 * write it; the policy parser adds "file:line: [group] key:" in front. */
#ifndef TSR_POLICY_HOTKEYS_H
#define TSR_POLICY_HOTKEYS_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

enum tsr_policy_mod {
	TSR_POLICY_MOD_CTRL = 1 << 0,
	TSR_POLICY_MOD_ALT = 1 << 1,
	TSR_POLICY_MOD_SHIFT = 1 << 2,
	TSR_POLICY_MOD_SUPER = 1 << 3,
};
#define TSR_POLICY_MOD_ALL 0xfu

struct tsr_policy_combo {
	unsigned mods; /* enum tsr_policy_mod */
	uint16_t code; /* evdev KEY_*, never a modifier; 0 = disabled */
};

struct tsr_policy_hotkeys {
	struct tsr_policy_combo sas;        /* default Ctrl+Alt+Backspace; cannot be disabled */
	struct tsr_policy_combo lock;       /* default Super+L */
	struct tsr_policy_combo cycle;      /* default Super+Tab */
	struct tsr_policy_combo cycle_back; /* default Super+Shift+Tab */
	struct tsr_policy_combo layout;     /* default Super+Space */
	struct tsr_policy_combo copy;       /* default Ctrl+Shift+C: into the trusted clipboard */
	struct tsr_policy_combo paste;      /* default Ctrl+Shift+V: out of it, if policy allows */
	struct tsr_policy_combo output_left;  /* default Super+Shift+Left: focused domain's output */
	struct tsr_policy_combo output_right; /* default Super+Shift+Right */
	unsigned focus_mods;                /* default Super: focus_mods+1..9 focus slot N; 0 off */
};

void tsr_policy_hotkeys_init_default(struct tsr_policy_hotkeys *hotkeys);

/* The modifier class of an evdev key code, 0 if it is not a modifier. */
unsigned tsr_policy_mod_of_code(uint16_t code);

/* Parse "Ctrl+Alt+Backspace". Names are case-insensitive: modifiers Ctrl/Control, Alt,
 * Shift, Super/Meta/Win/Logo; keys by their evdev name without KEY_ ("L", "Tab", "F12",
 * "Backspace", "Delete", "1") plus aliases Esc, Del, Return, PgUp, PgDn, Ins, Menu, Print.
 * "none" disables. On error returns false, sets *error (may be NULL), leaves *out untouched. */
bool tsr_policy_combo_parse(const char *spec, struct tsr_policy_combo *out, GError **error)
	__attribute__((warn_unused_result));
/* "Ctrl+Alt+BACKSPACE"-style text for logs and docs; returns a newly allocated string. */
char *tsr_policy_combo_to_string(const struct tsr_policy_combo *combo);

/* Set one setting by its policy name: "sas", "lock", "cycle", "cycle-back", "layout", "copy",
 * "paste", "output-left", "output-right" (a combo
 * or "none"), "focus-modifiers" (modifiers only, e.g. "Super" or "Ctrl+Alt", or "none").
 * Refuses unknown names, bad specs, disabling the SAS or leaving it without a modifier, and a
 * combo another setting already uses; on error *hotkeys is unchanged. */
bool tsr_policy_hotkeys_set(struct tsr_policy_hotkeys *hotkeys, const char *name,
			    const char *value, GError **error) __attribute__((warn_unused_result));

/* Whether hotkeys is one tsr_policy_hotkeys_set could have made: every code a real
 * non-modifier key or 0, modifiers within TSR_POLICY_MOD_ALL, the SAS set with a modifier, no
 * two settings on the same keys. For values that arrive from elsewhere (the kiosk's link). */
bool tsr_policy_hotkeys_check(const struct tsr_policy_hotkeys *hotkeys, GError **error)
	__attribute__((warn_unused_result));

#endif
