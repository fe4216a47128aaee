/* input/hotkeys.c: matching keys against the trusted hotkeys and the SAS (see hotkeys.h). */
#include "config.h"
#include "input/hotkeys.h"
#include "input/router.h"

#include <linux/input-event-codes.h>
#include <string.h>

G_DEFINE_QUARK(tsr-input-error-quark, tsr_input_error)

static const uint16_t digit_codes[9] = { KEY_1, KEY_2, KEY_3, KEY_4, KEY_5,
					 KEY_6, KEY_7, KEY_8, KEY_9 };

/* A configured hotkey and what it does. */
struct bound {
	const struct tsr_policy_combo *combo;
	int action;
	int arg;
};

/* Every hotkey but the SAS and the focus digits, in the order they win. */
static size_t bound_keys(const struct tsr_policy_hotkeys *h, struct bound out[8])
{
	const struct bound all[] = {
		{ &h->lock, TSR_INPUT_ACTION_LOCK, 0 },
		{ &h->cycle, TSR_INPUT_ACTION_CYCLE_FOCUS, 1 },
		{ &h->cycle_back, TSR_INPUT_ACTION_CYCLE_FOCUS, -1 },
		{ &h->layout, TSR_INPUT_ACTION_TOGGLE_LAYOUT, 0 },
		{ &h->copy, TSR_INPUT_ACTION_CLIPBOARD_COPY, 0 },
		{ &h->paste, TSR_INPUT_ACTION_CLIPBOARD_PASTE, 0 },
		{ &h->output_left, TSR_INPUT_ACTION_MOVE_OUTPUT, -1 },
		{ &h->output_right, TSR_INPUT_ACTION_MOVE_OUTPUT, 1 },
	};

	G_STATIC_ASSERT(G_N_ELEMENTS(all) == 8);
	memcpy(out, all, sizeof(all));
	return G_N_ELEMENTS(all);
}

int tsr_input_hotkeys_match(const struct tsr_policy_hotkeys *h, unsigned mods, uint16_t code,
			    int *arg)
{
	struct bound keys[8];
	size_t n = bound_keys(h, keys);

	*arg = 0;
	if (!code)
		return 0;
	/* The SAS first: it wins over anything configured on the same keys. */
	if (h->sas.code == code && (mods & h->sas.mods) == h->sas.mods)
		return TSR_INPUT_ACTION_SAS;
	for (size_t i = 0; i < n; i++)
		if (keys[i].combo->code == code && keys[i].combo->mods == mods) {
			*arg = keys[i].arg;
			return keys[i].action;
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
	struct bound keys[8];
	size_t n = bound_keys(h, keys);

	if (prefix_of(&h->sas, mods))
		return true;
	for (size_t i = 0; i < n; i++)
		if (prefix_of(keys[i].combo, mods))
			return true;
	return h->focus_mods && (mods & ~h->focus_mods) == 0;
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
