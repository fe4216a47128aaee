/* input/hotkeys.c: parsing and matching of the trusted hotkeys and the SAS.
 *
 * Key names come from libevdev's own table (KEY_<NAME>), so every key the kernel knows can be
 * named and nothing here can drift from it; only a few common aliases are added. */
#include "config.h"
#include "input/hotkeys.h"
#include "input/router.h"

#include <libevdev/libevdev.h>
#include <linux/input-event-codes.h>
#include <string.h>

G_DEFINE_QUARK(tsr-input-error-quark, tsr_input_error)

unsigned tsr_input_mod_of_code(uint16_t code)
{
	switch (code) {
	case KEY_LEFTCTRL: case KEY_RIGHTCTRL: return TSR_INPUT_MOD_CTRL;
	case KEY_LEFTALT: case KEY_RIGHTALT: return TSR_INPUT_MOD_ALT;
	case KEY_LEFTSHIFT: case KEY_RIGHTSHIFT: return TSR_INPUT_MOD_SHIFT;
	case KEY_LEFTMETA: case KEY_RIGHTMETA: return TSR_INPUT_MOD_SUPER;
	default: return 0;
	}
}

static unsigned mod_from_name(const char *name)
{
	static const struct { const char *name; unsigned mod; } mods[] = {
		{ "ctrl", TSR_INPUT_MOD_CTRL }, { "control", TSR_INPUT_MOD_CTRL },
		{ "alt", TSR_INPUT_MOD_ALT }, { "shift", TSR_INPUT_MOD_SHIFT },
		{ "super", TSR_INPUT_MOD_SUPER }, { "meta", TSR_INPUT_MOD_SUPER },
		{ "win", TSR_INPUT_MOD_SUPER }, { "logo", TSR_INPUT_MOD_SUPER },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(mods); i++)
		if (g_ascii_strcasecmp(name, mods[i].name) == 0)
			return mods[i].mod;
	return 0;
}

static int key_from_name(const char *name)
{
	static const struct { const char *alias; const char *name; } aliases[] = {
		{ "esc", "ESC" }, { "escape", "ESC" }, { "del", "DELETE" }, { "return", "ENTER" },
		{ "pgup", "PAGEUP" }, { "pgdn", "PAGEDOWN" }, { "ins", "INSERT" },
		{ "menu", "COMPOSE" }, { "print", "SYSRQ" }, { "printscreen", "SYSRQ" },
	};
	const char *canonical = NULL;
	for (size_t i = 0; i < G_N_ELEMENTS(aliases); i++)
		if (g_ascii_strcasecmp(name, aliases[i].alias) == 0)
			canonical = aliases[i].name;
	g_autofree char *upper = g_ascii_strup(canonical ? canonical : name, -1);
	g_autofree char *full = g_strconcat("KEY_", upper, NULL);
	int code = libevdev_event_code_from_name(EV_KEY, full);
	/* BTN_* and KEY_RESERVED are not keys one can type. */
	if (code <= 0 || (code >= BTN_MISC && code < KEY_OK))
		return -1;
	return code;
}

static bool parse(const char *spec, bool mods_only, struct tsr_input_combo *out, GError **error)
{
	struct tsr_input_combo c = { 0, 0 };

	if (!spec || !*spec) {
		g_set_error(error, TSR_INPUT_ERROR, TSR_INPUT_ERROR_INVALID,
			    "empty hotkey: write it like \"Super+L\" or \"none\"");
		return false;
	}
	if (g_ascii_strcasecmp(spec, "none") == 0) {
		*out = c;
		return true;
	}
	g_auto(GStrv) parts = g_strsplit(spec, "+", -1);
	for (size_t i = 0; parts[i]; i++) {
		char *p = g_strstrip(parts[i]);
		unsigned mod;
		int code;

		if (!*p) {
			g_set_error(error, TSR_INPUT_ERROR, TSR_INPUT_ERROR_INVALID,
				    "hotkey \"%s\" has an empty part: join names with single '+'", spec);
			return false;
		}
		if ((mod = mod_from_name(p))) {
			if (c.mods & mod) {
				g_set_error(error, TSR_INPUT_ERROR, TSR_INPUT_ERROR_INVALID,
					    "hotkey \"%s\" names modifier %s twice", spec, p);
				return false;
			}
			c.mods |= mod;
			continue;
		}
		if (mods_only) {
			g_set_error(error, TSR_INPUT_ERROR, TSR_INPUT_ERROR_INVALID,
				    "\"%s\": only modifiers (Ctrl, Alt, Shift, Super) belong here, not \"%s\"",
				    spec, p);
			return false;
		}
		code = key_from_name(p);
		if (code < 0) {
			g_set_error(error, TSR_INPUT_ERROR, TSR_INPUT_ERROR_INVALID,
				    "hotkey \"%s\": unknown key \"%s\" (use modifiers Ctrl, Alt, Shift, Super "
				    "and one key named as in linux/input-event-codes.h without KEY_, "
				    "e.g. L, Tab, F12, Backspace, Delete)", spec, p);
			return false;
		}
		if (tsr_input_mod_of_code((uint16_t)code)) {
			g_set_error(error, TSR_INPUT_ERROR, TSR_INPUT_ERROR_INVALID,
				    "hotkey \"%s\": \"%s\" is a modifier key; write modifiers as Ctrl, Alt, "
				    "Shift or Super and end with one ordinary key", spec, p);
			return false;
		}
		if (c.code) {
			g_set_error(error, TSR_INPUT_ERROR, TSR_INPUT_ERROR_INVALID,
				    "hotkey \"%s\" has more than one non-modifier key", spec);
			return false;
		}
		c.code = (uint16_t)code;
	}
	if (mods_only && !c.mods) {
		g_set_error(error, TSR_INPUT_ERROR, TSR_INPUT_ERROR_INVALID,
			    "\"%s\" names no modifier", spec);
		return false;
	}
	if (!mods_only && !c.code) {
		g_set_error(error, TSR_INPUT_ERROR, TSR_INPUT_ERROR_INVALID,
			    "hotkey \"%s\" needs one non-modifier key after the modifiers, "
			    "e.g. \"Super+L\"", spec);
		return false;
	}
	*out = c;
	return true;
}

bool tsr_input_combo_parse(const char *spec, struct tsr_input_combo *out, GError **error)
{
	return parse(spec, false, out, error);
}

char *tsr_input_combo_to_string(const struct tsr_input_combo *combo)
{
	if (!combo->code)
		return g_strdup("none");
	GString *s = g_string_new(NULL);
	if (combo->mods & TSR_INPUT_MOD_CTRL) g_string_append(s, "Ctrl+");
	if (combo->mods & TSR_INPUT_MOD_ALT) g_string_append(s, "Alt+");
	if (combo->mods & TSR_INPUT_MOD_SHIFT) g_string_append(s, "Shift+");
	if (combo->mods & TSR_INPUT_MOD_SUPER) g_string_append(s, "Super+");
	const char *name = libevdev_event_code_get_name(EV_KEY, combo->code);
	g_string_append(s, name && g_str_has_prefix(name, "KEY_") ? name + 4 : "?");
	return g_string_free(s, false);
}

void tsr_input_hotkeys_init_default(struct tsr_input_hotkeys *h)
{
	h->sas = (struct tsr_input_combo){ TSR_INPUT_MOD_CTRL | TSR_INPUT_MOD_ALT, KEY_BACKSPACE };
	h->lock = (struct tsr_input_combo){ TSR_INPUT_MOD_SUPER, KEY_L };
	h->cycle = (struct tsr_input_combo){ TSR_INPUT_MOD_SUPER, KEY_TAB };
	h->cycle_back = (struct tsr_input_combo){ TSR_INPUT_MOD_SUPER | TSR_INPUT_MOD_SHIFT, KEY_TAB };
	h->layout = (struct tsr_input_combo){ TSR_INPUT_MOD_SUPER, KEY_SPACE };
	h->focus_mods = TSR_INPUT_MOD_SUPER;
}

static const uint16_t digit_codes[9] = { KEY_1, KEY_2, KEY_3, KEY_4, KEY_5,
					 KEY_6, KEY_7, KEY_8, KEY_9 };

int tsr_input_hotkeys_match(const struct tsr_input_hotkeys *h, unsigned mods, uint16_t code,
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
	if (h->focus_mods && h->focus_mods == mods)
		for (int i = 0; i < 9; i++)
			if (digit_codes[i] == code) {
				*arg = i + 1;
				return TSR_INPUT_ACTION_FOCUS_SLOT;
			}
	return 0;
}

static bool prefix_of(const struct tsr_input_combo *c, unsigned mods)
{
	return c->code && (mods & ~c->mods) == 0;
}

bool tsr_input_hotkeys_is_prefix(const struct tsr_input_hotkeys *h, unsigned mods)
{
	return prefix_of(&h->sas, mods) || prefix_of(&h->lock, mods) || prefix_of(&h->cycle, mods) ||
	       prefix_of(&h->cycle_back, mods) || prefix_of(&h->layout, mods) ||
	       (h->focus_mods && (mods & ~h->focus_mods) == 0);
}

static bool same(const struct tsr_input_combo *a, const struct tsr_input_combo *b)
{
	return a->code && a->code == b->code && a->mods == b->mods;
}

/* Two settings on the same keys would make one of them unreachable. */
static bool check_conflicts(const struct tsr_input_hotkeys *h, GError **error)
{
	const struct { const char *name; const struct tsr_input_combo *c; } all[] = {
		{ "sas", &h->sas }, { "lock", &h->lock }, { "cycle", &h->cycle },
		{ "cycle-back", &h->cycle_back }, { "layout", &h->layout },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(all); i++) {
		for (size_t j = i + 1; j < G_N_ELEMENTS(all); j++) {
			if (same(all[i].c, all[j].c)) {
				g_autofree char *s = tsr_input_combo_to_string(all[i].c);
				g_set_error(error, TSR_INPUT_ERROR, TSR_INPUT_ERROR_INVALID,
					    "hotkeys %s and %s are both %s: give one of them other keys",
					    all[i].name, all[j].name, s);
				return false;
			}
		}
		int arg;
		if (all[i].c->code && h->focus_mods == all[i].c->mods &&
		    tsr_input_hotkeys_match(&(struct tsr_input_hotkeys){ .focus_mods = h->focus_mods },
					    all[i].c->mods, all[i].c->code, &arg)) {
			g_autofree char *s = tsr_input_combo_to_string(all[i].c);
			g_set_error(error, TSR_INPUT_ERROR, TSR_INPUT_ERROR_INVALID,
				    "hotkey %s (%s) is also a focus hotkey (focus-modifiers + 1..9): "
				    "give one of them other keys", all[i].name, s);
			return false;
		}
	}
	return true;
}

bool tsr_input_hotkeys_set(struct tsr_input_hotkeys *hotkeys, const char *name,
			   const char *value, GError **error)
{
	struct tsr_input_hotkeys h = *hotkeys;
	struct tsr_input_combo *target = NULL;

	if (!name || !value) {
		g_set_error(error, TSR_INPUT_ERROR, TSR_INPUT_ERROR_INVALID, "hotkey setting without a name or value");
		return false;
	}
	if (strcmp(name, "sas") == 0) target = &h.sas;
	else if (strcmp(name, "lock") == 0) target = &h.lock;
	else if (strcmp(name, "cycle") == 0) target = &h.cycle;
	else if (strcmp(name, "cycle-back") == 0) target = &h.cycle_back;
	else if (strcmp(name, "layout") == 0) target = &h.layout;
	else if (strcmp(name, "focus-modifiers") == 0) {
		struct tsr_input_combo c;
		if (!parse(value, true, &c, error)) {
			g_prefix_error(error, "focus-modifiers: ");
			return false;
		}
		h.focus_mods = c.mods;
	} else {
		g_set_error(error, TSR_INPUT_ERROR, TSR_INPUT_ERROR_INVALID,
			    "unknown hotkey setting \"%s\" (known: sas, lock, cycle, cycle-back, layout, "
			    "focus-modifiers)", name);
		return false;
	}
	if (target) {
		if (!tsr_input_combo_parse(value, target, error)) {
			g_prefix_error(error, "%s: ", name);
			return false;
		}
		if (target == &h.sas && !h.sas.code) {
			g_set_error(error, TSR_INPUT_ERROR, TSR_INPUT_ERROR_INVALID,
				    "sas: the secure attention sequence cannot be disabled; give it keys "
				    "such as \"Ctrl+Alt+Backspace\"");
			return false;
		}
		if (target == &h.sas && !h.sas.mods) {
			g_set_error(error, TSR_INPUT_ERROR, TSR_INPUT_ERROR_INVALID,
				    "sas: \"%s\" has no modifier; a bare key would be typed by accident, "
				    "use e.g. \"Ctrl+Alt+Backspace\"", value);
			return false;
		}
	}
	if (!check_conflicts(&h, error))
		return false;
	*hotkeys = h;
	return true;
}
