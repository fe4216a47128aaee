/* policy/hotkeys.c: parsing and checking the trusted hotkeys and the SAS (see hotkeys.h).
 *
 * Key names come from libevdev's own table (KEY_<NAME>), so every key the kernel knows can be
 * named and nothing here can drift from it; only a few common aliases are added. */
#include "config.h"
#include "policy/hotkeys.h"
#include "policy/policy.h"

#include <libevdev/libevdev.h>
#include <linux/input-event-codes.h>
#include <string.h>

#define BAD(...) g_set_error(error, TSR_POLICY_ERROR, TSR_POLICY_ERROR_VALUE, __VA_ARGS__)

unsigned tsr_policy_mod_of_code(uint16_t code)
{
	switch (code) {
	case KEY_LEFTCTRL: case KEY_RIGHTCTRL: return TSR_POLICY_MOD_CTRL;
	case KEY_LEFTALT: case KEY_RIGHTALT: return TSR_POLICY_MOD_ALT;
	case KEY_LEFTSHIFT: case KEY_RIGHTSHIFT: return TSR_POLICY_MOD_SHIFT;
	case KEY_LEFTMETA: case KEY_RIGHTMETA: return TSR_POLICY_MOD_SUPER;
	default: return 0;
	}
}

static unsigned mod_from_name(const char *name)
{
	static const struct { const char *name; unsigned mod; } mods[] = {
		{ "ctrl", TSR_POLICY_MOD_CTRL }, { "control", TSR_POLICY_MOD_CTRL },
		{ "alt", TSR_POLICY_MOD_ALT }, { "shift", TSR_POLICY_MOD_SHIFT },
		{ "super", TSR_POLICY_MOD_SUPER }, { "meta", TSR_POLICY_MOD_SUPER },
		{ "win", TSR_POLICY_MOD_SUPER }, { "logo", TSR_POLICY_MOD_SUPER },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(mods); i++)
		if (g_ascii_strcasecmp(name, mods[i].name) == 0)
			return mods[i].mod;
	return 0;
}

/* BTN_* and KEY_RESERVED are not keys one can type. */
static bool typeable(int code)
{
	return code > 0 && code <= KEY_MAX && !(code >= BTN_MISC && code < KEY_OK) &&
	       libevdev_event_code_get_name(EV_KEY, (unsigned)code) != NULL;
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
	return typeable(code) ? code : -1;
}

/* One '+'-separated part of spec into c; false with *error when it does not fit. */
static bool add_part(const char *spec, const char *p, bool mods_only, struct tsr_policy_combo *c,
		     GError **error)
{
	unsigned mod = mod_from_name(p);
	int code;

	if (!*p) {
		BAD("hotkey \"%s\" has an empty part: join names with single '+'", spec);
		return false;
	}
	if (mod) {
		if (c->mods & mod) {
			BAD("hotkey \"%s\" names modifier %s twice", spec, p);
			return false;
		}
		c->mods |= mod;
		return true;
	}
	if (mods_only) {
		BAD("\"%s\": only modifiers (Ctrl, Alt, Shift, Super) belong here, not \"%s\"", spec,
		    p);
		return false;
	}
	code = key_from_name(p);
	if (code < 0) {
		BAD("hotkey \"%s\": unknown key \"%s\" (use modifiers Ctrl, Alt, Shift, Super and one "
		    "key named as in linux/input-event-codes.h without KEY_, e.g. L, Tab, F12, "
		    "Backspace, Delete)", spec, p);
		return false;
	}
	if (tsr_policy_mod_of_code((uint16_t)code)) {
		BAD("hotkey \"%s\": \"%s\" is a modifier key; write modifiers as Ctrl, Alt, Shift or "
		    "Super and end with one ordinary key", spec, p);
		return false;
	}
	if (c->code) {
		BAD("hotkey \"%s\" has more than one non-modifier key", spec);
		return false;
	}
	c->code = (uint16_t)code;
	return true;
}

static bool parse(const char *spec, bool mods_only, struct tsr_policy_combo *out, GError **error)
{
	struct tsr_policy_combo c = { 0, 0 };

	if (!spec || !*spec) {
		BAD("empty hotkey: write it like \"Super+L\" or \"none\"");
		return false;
	}
	if (g_ascii_strcasecmp(spec, "none") == 0) {
		*out = c;
		return true;
	}
	g_auto(GStrv) parts = g_strsplit(spec, "+", -1);
	for (size_t i = 0; parts[i]; i++)
		if (!add_part(spec, g_strstrip(parts[i]), mods_only, &c, error))
			return false;
	if (mods_only && !c.mods) {
		BAD("\"%s\" names no modifier", spec);
		return false;
	}
	if (!mods_only && !c.code) {
		BAD("hotkey \"%s\" needs one non-modifier key after the modifiers, e.g. \"Super+L\"",
		    spec);
		return false;
	}
	*out = c;
	return true;
}

bool tsr_policy_combo_parse(const char *spec, struct tsr_policy_combo *out, GError **error)
{
	return parse(spec, false, out, error);
}

char *tsr_policy_combo_to_string(const struct tsr_policy_combo *combo)
{
	if (!combo->code)
		return g_strdup("none");
	GString *s = g_string_new(NULL);
	if (combo->mods & TSR_POLICY_MOD_CTRL) g_string_append(s, "Ctrl+");
	if (combo->mods & TSR_POLICY_MOD_ALT) g_string_append(s, "Alt+");
	if (combo->mods & TSR_POLICY_MOD_SHIFT) g_string_append(s, "Shift+");
	if (combo->mods & TSR_POLICY_MOD_SUPER) g_string_append(s, "Super+");
	const char *name = libevdev_event_code_get_name(EV_KEY, combo->code);
	g_string_append(s, name && g_str_has_prefix(name, "KEY_") ? name + 4 : "?");
	return g_string_free(s, false);
}

void tsr_policy_hotkeys_init_default(struct tsr_policy_hotkeys *h)
{
	h->sas = (struct tsr_policy_combo){ TSR_POLICY_MOD_CTRL | TSR_POLICY_MOD_ALT, KEY_BACKSPACE };
	h->lock = (struct tsr_policy_combo){ TSR_POLICY_MOD_SUPER, KEY_L };
	h->cycle = (struct tsr_policy_combo){ TSR_POLICY_MOD_SUPER, KEY_TAB };
	h->cycle_back = (struct tsr_policy_combo){ TSR_POLICY_MOD_SUPER | TSR_POLICY_MOD_SHIFT,
						   KEY_TAB };
	h->layout = (struct tsr_policy_combo){ TSR_POLICY_MOD_SUPER, KEY_SPACE };
	h->copy = (struct tsr_policy_combo){ TSR_POLICY_MOD_CTRL | TSR_POLICY_MOD_SHIFT, KEY_C };
	h->paste = (struct tsr_policy_combo){ TSR_POLICY_MOD_CTRL | TSR_POLICY_MOD_SHIFT, KEY_V };
	h->output_left = (struct tsr_policy_combo){ TSR_POLICY_MOD_SUPER | TSR_POLICY_MOD_SHIFT,
						    KEY_LEFT };
	h->output_right = (struct tsr_policy_combo){ TSR_POLICY_MOD_SUPER | TSR_POLICY_MOD_SHIFT,
						     KEY_RIGHT };
	h->focus_mods = TSR_POLICY_MOD_SUPER;
}

static bool same(const struct tsr_policy_combo *a, const struct tsr_policy_combo *b)
{
	return a->code && a->code == b->code && a->mods == b->mods;
}

/* focus_mods + 1..9 focus a slot: a combo on those keys would never reach its own action. */
static bool is_focus_key(const struct tsr_policy_hotkeys *h, const struct tsr_policy_combo *c)
{
	return c->code && h->focus_mods && h->focus_mods == c->mods && c->code >= KEY_1 &&
	       c->code <= KEY_9;
}

/* Two settings on the same keys would make one of them unreachable. */
static bool check_conflicts(const struct tsr_policy_hotkeys *h, GError **error)
{
	const struct { const char *name; const struct tsr_policy_combo *c; } all[] = {
		{ "sas", &h->sas }, { "lock", &h->lock }, { "cycle", &h->cycle },
		{ "cycle-back", &h->cycle_back }, { "layout", &h->layout },
		{ "copy", &h->copy }, { "paste", &h->paste },
		{ "output-left", &h->output_left }, { "output-right", &h->output_right },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(all); i++) {
		for (size_t j = i + 1; j < G_N_ELEMENTS(all); j++) {
			if (same(all[i].c, all[j].c)) {
				g_autofree char *s = tsr_policy_combo_to_string(all[i].c);
				BAD("hotkeys %s and %s are both %s: give one of them other keys",
				    all[i].name, all[j].name, s);
				return false;
			}
		}
		if (is_focus_key(h, all[i].c)) {
			g_autofree char *s = tsr_policy_combo_to_string(all[i].c);
			BAD("hotkey %s (%s) is also a focus hotkey (focus-modifiers + 1..9): give one "
			    "of them other keys", all[i].name, s);
			return false;
		}
	}
	return true;
}

static bool sas_usable(const struct tsr_policy_combo *sas, const char *value, GError **error)
{
	if (!sas->code) {
		BAD("sas: the secure attention sequence cannot be disabled; give it keys such as "
		    "\"Ctrl+Alt+Backspace\"");
		return false;
	}
	if (!sas->mods) {
		BAD("sas: \"%s\" has no modifier; a bare key would be typed by accident, use e.g. "
		    "\"Ctrl+Alt+Backspace\"", value);
		return false;
	}
	return true;
}

static struct tsr_policy_combo *combo_named(struct tsr_policy_hotkeys *h, const char *name)
{
	if (strcmp(name, "sas") == 0) return &h->sas;
	if (strcmp(name, "lock") == 0) return &h->lock;
	if (strcmp(name, "cycle") == 0) return &h->cycle;
	if (strcmp(name, "cycle-back") == 0) return &h->cycle_back;
	if (strcmp(name, "layout") == 0) return &h->layout;
	if (strcmp(name, "copy") == 0) return &h->copy;
	if (strcmp(name, "paste") == 0) return &h->paste;
	if (strcmp(name, "output-left") == 0) return &h->output_left;
	if (strcmp(name, "output-right") == 0) return &h->output_right;
	return NULL;
}

bool tsr_policy_hotkeys_set(struct tsr_policy_hotkeys *hotkeys, const char *name,
			    const char *value, GError **error)
{
	struct tsr_policy_hotkeys h = *hotkeys;
	struct tsr_policy_combo *target;

	if (!name || !value) {
		BAD("hotkey setting without a name or value");
		return false;
	}
	target = combo_named(&h, name);
	if (strcmp(name, "focus-modifiers") == 0) {
		struct tsr_policy_combo c;
		if (!parse(value, true, &c, error)) {
			g_prefix_error(error, "focus-modifiers: ");
			return false;
		}
		h.focus_mods = c.mods;
	} else if (!target) {
		BAD("unknown hotkey setting \"%s\" (known: sas, lock, cycle, cycle-back, layout, "
		    "copy, paste, output-left, output-right, focus-modifiers)", name);
		return false;
	} else if (!tsr_policy_combo_parse(value, target, error)) {
		g_prefix_error(error, "%s: ", name);
		return false;
	} else if (target == &h.sas && !sas_usable(&h.sas, value, error)) {
		return false;
	}
	if (!check_conflicts(&h, error))
		return false;
	*hotkeys = h;
	return true;
}

static bool combo_valid(const struct tsr_policy_combo *c)
{
	return (c->mods & ~TSR_POLICY_MOD_ALL) == 0 &&
	       (c->code == 0 || (typeable(c->code) && !tsr_policy_mod_of_code(c->code)));
}

bool tsr_policy_hotkeys_check(const struct tsr_policy_hotkeys *h, GError **error)
{
	const struct tsr_policy_combo *all[] = { &h->sas, &h->lock, &h->cycle, &h->cycle_back,
						 &h->layout, &h->copy, &h->paste,
						 &h->output_left, &h->output_right };
	for (size_t i = 0; i < G_N_ELEMENTS(all); i++) {
		if (!combo_valid(all[i])) {
			BAD("a hotkey names no real key or unknown modifiers");
			return false;
		}
	}
	if ((h->focus_mods & ~TSR_POLICY_MOD_ALL) != 0) {
		BAD("focus-modifiers names unknown modifiers");
		return false;
	}
	return sas_usable(&h->sas, "?", error) && check_conflicts(h, error);
}
