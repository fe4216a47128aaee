/* input/settings.h: the input settings of the kiosk's config file, in one place.
 *
 * In standalone mode the kiosk reads a key file; with the broker the same values come from the
 * policy's [kiosk], [hotkeys] and [keymap] sections. Both spell them alike:
 *   [kiosk]   sas = Ctrl+Alt+Backspace      click-to-focus = true
 *   [hotkeys] lock / cycle / cycle-back / layout = Super+L ... | none; focus-modifiers = Super
 *   [keymap]  rules / model / layout / variant / options (xkb RMLVO)
 * Other keys of [kiosk] belong to the kiosk and are left alone here; unknown keys in [hotkeys]
 * and [keymap] are errors. Every error names the group and key and leaves the settings as they
 * were. The layout is compiled here too, so a bad one is refused at load, not at first use. */
#ifndef TSR_INPUT_SETTINGS_H
#define TSR_INPUT_SETTINGS_H

#include <stdbool.h>

#include <glib.h>

#include "input/hotkeys.h"
#include "input/text.h"

struct tsr_input_settings {
	struct tsr_input_hotkeys hotkeys;
	bool click_to_focus;
	char *rules, *model, *layout, *variant, *options; /* NULL: xkbcommon's default */
};

void tsr_input_settings_init(struct tsr_input_settings *settings);
void tsr_input_settings_clear(struct tsr_input_settings *settings);

bool tsr_input_settings_load(struct tsr_input_settings *settings, GKeyFile *file, GError **error)
	__attribute__((warn_unused_result));

/* Whether the kiosk will accept file's settings (every combination parsed, the keymap compiled),
 * loaded into a scratch struct and dropped: what tools that only check a policy pass as its
 * kiosk check (tsr_policy_kiosk_check_fn), so they refuse what the kiosk would refuse. */
bool tsr_input_settings_check(GKeyFile *file, GError **error) __attribute__((warn_unused_result));

/* Borrowed pointers into settings, for tsr_input_text_create. */
void tsr_input_settings_text_config(const struct tsr_input_settings *settings,
				    struct tsr_input_text_config *out);

#endif
