/* input/hotkeys.h: matching keys against the trusted hotkeys and the secure attention sequence.
 *
 * The settings themselves are typed values from policy/ (policy/hotkeys.h parses and checks
 * them, with file:line errors); the router only asks here whether held modifiers and a key
 * fire one of them, or could still become one. */
#ifndef TSR_INPUT_HOTKEYS_H
#define TSR_INPUT_HOTKEYS_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "policy/hotkeys.h"

/* Does (mods, code) fire a hotkey? Returns the action (enum tsr_input_action in router.h) or
 * 0, with its argument in *arg. Hotkeys need exactly their modifiers; the SAS fires with at
 * least its modifiers held, so a stuck or extra modifier can never keep the user out. */
int tsr_input_hotkeys_match(const struct tsr_policy_hotkeys *hotkeys, unsigned mods,
			    uint16_t code, int *arg);
/* Is code one of the laptop's hardware keys (brightness, volume, mute)? Returns the action
 * (TSR_INPUT_ACTION_BRIGHTNESS or _VOLUME) with its argument in *arg, or 0. These are dom0's: the
 * router reports them and never forwards them. */
int tsr_input_hardware_key(uint16_t code, int *arg);
/* Could held modifiers `mods` still become a hotkey with one more key (or more modifiers)? */
bool tsr_input_hotkeys_is_prefix(const struct tsr_policy_hotkeys *hotkeys, unsigned mods);

#define TSR_INPUT_ERROR (tsr_input_error_quark())
GQuark tsr_input_error_quark(void);
enum tsr_input_error_code {
	TSR_INPUT_ERROR_INVALID = 1,
	TSR_INPUT_ERROR_NOT_OURS = 2, /* devices: not a keyboard, pointer or touch device */
};

#endif
