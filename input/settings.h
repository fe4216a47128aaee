/* input/settings.h: the input settings the kiosk takes from policy, in one place.
 *
 * policy/ parses [kiosk] sas and click-to-focus, [hotkeys] and [keymap] into typed values
 * (struct tsr_policy_kiosk, with file:line errors); this is what the input stack keeps of them:
 * the hotkeys the router matches, click-to-focus, and the keyboard layout of the trusted UI,
 * compiled when it is set so a bad one is refused then, not when someone first types a
 * password. */
#ifndef TSR_INPUT_SETTINGS_H
#define TSR_INPUT_SETTINGS_H

#include <stdbool.h>

#include <glib.h>

#include "input/hotkeys.h"
#include "input/text.h"
#include "policy/policy.h"

struct tsr_input_settings {
	struct tsr_policy_hotkeys hotkeys;
	bool click_to_focus;
	char *rules, *model, *layout, *variant, *options; /* NULL: xkbcommon's default */
};

/* The defaults: policy's default hotkeys, click-to-focus on, xkbcommon's default layout. */
void tsr_input_settings_init(struct tsr_input_settings *settings);
void tsr_input_settings_clear(struct tsr_input_settings *settings);

/* Take kiosk's values. Fails (TSR_INPUT_ERROR, "[keymap] ...") when its layout does not
 * compile, and then leaves settings as they were. */
bool tsr_input_settings_set(struct tsr_input_settings *settings,
			    const struct tsr_policy_kiosk *kiosk, GError **error)
	__attribute__((warn_unused_result));

/* Borrowed pointers into settings, for tsr_input_text_create. */
void tsr_input_settings_text_config(const struct tsr_input_settings *settings,
				    struct tsr_input_text_config *out);

#endif
