/* input/hotkeys.c: matching keys against the trusted hotkeys and the SAS (see hotkeys.h). */
#include "config.h"
#include "input/hotkeys.h"
#include "input/router.h"

#include <linux/input-event-codes.h>

G_DEFINE_QUARK(tsr-input-error-quark, tsr_input_error)

static const uint16_t digit_codes[9] = { KEY_1, KEY_2, KEY_3, KEY_4, KEY_5,
					 KEY_6, KEY_7, KEY_8, KEY_9 };

int tsr_input_hotkeys_match(const struct tsr_policy_hotkeys *h, unsigned mods, uint16_t code,
			    int *arg)
{
	*arg = 0;
	if (!code)
		return 0;
	/* The SAS first: it wins over anything configured on the same keys. */
	if (h->sas.code == code && (mods & h->sas.mods) == h->sas.mods)
		return TSR_INPUT_ACTION_SAS;
	if (h->lock.code == code && h->lock.mods == mods)
		return TSR_INPUT_ACTION_LOCK;
	if (h->cycle.code == code && h->cycle.mods == mods) {
		*arg = 1;
		return TSR_INPUT_ACTION_CYCLE_FOCUS;
	}
	if (h->cycle_back.code == code && h->cycle_back.mods == mods) {
		*arg = -1;
		return TSR_INPUT_ACTION_CYCLE_FOCUS;
	}
	if (h->layout.code == code && h->layout.mods == mods)
		return TSR_INPUT_ACTION_TOGGLE_LAYOUT;
	if (h->copy.code == code && h->copy.mods == mods)
		return TSR_INPUT_ACTION_CLIPBOARD_COPY;
	if (h->paste.code == code && h->paste.mods == mods)
		return TSR_INPUT_ACTION_CLIPBOARD_PASTE;
	if (h->output_left.code == code && h->output_left.mods == mods) {
		*arg = -1;
		return TSR_INPUT_ACTION_MOVE_OUTPUT;
	}
	if (h->output_right.code == code && h->output_right.mods == mods) {
		*arg = 1;
		return TSR_INPUT_ACTION_MOVE_OUTPUT;
	}
	if (h->focus_mods && h->focus_mods == mods)
		for (int i = 0; i < 9; i++)
			if (digit_codes[i] == code) {
				*arg = i + 1;
				return TSR_INPUT_ACTION_FOCUS_SLOT;
			}
	return 0;
}

static bool prefix_of(const struct tsr_policy_combo *c, unsigned mods)
{
	return c->code && (mods & ~c->mods) == 0;
}

bool tsr_input_hotkeys_is_prefix(const struct tsr_policy_hotkeys *h, unsigned mods)
{
	return prefix_of(&h->sas, mods) || prefix_of(&h->lock, mods) || prefix_of(&h->cycle, mods) ||
	       prefix_of(&h->cycle_back, mods) || prefix_of(&h->layout, mods) ||
	       prefix_of(&h->copy, mods) || prefix_of(&h->paste, mods) ||
	       prefix_of(&h->output_left, mods) || prefix_of(&h->output_right, mods) ||
	       (h->focus_mods && (mods & ~h->focus_mods) == 0);
}

int tsr_input_hardware_key(uint16_t code, int *arg)
{
	static const struct {
		uint16_t code;
		int action, arg;
	} keys[] = {
		{ KEY_BRIGHTNESSUP, TSR_INPUT_ACTION_BRIGHTNESS, 1 },
		{ KEY_BRIGHTNESSDOWN, TSR_INPUT_ACTION_BRIGHTNESS, -1 },
		{ KEY_VOLUMEUP, TSR_INPUT_ACTION_VOLUME, 1 },
		{ KEY_VOLUMEDOWN, TSR_INPUT_ACTION_VOLUME, -1 },
		{ KEY_MUTE, TSR_INPUT_ACTION_VOLUME, 0 },
	};

	*arg = 0;
	for (size_t i = 0; i < G_N_ELEMENTS(keys); i++)
		if (keys[i].code == code) {
			*arg = keys[i].arg;
			return keys[i].action;
		}
	return 0;
}
