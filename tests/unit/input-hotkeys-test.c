/* Hotkeys: parsing of specs ("Super+L", "Ctrl+Alt+Backspace"), clear errors for bad ones,
 * settings that would disable the SAS or collide are refused and change nothing, and matching
 * (exact modifiers for hotkeys, at least its modifiers for the SAS). */
#include "config.h"
#include "input/hotkeys.h"
#include "input/router.h"
#include "policy/policy.h"

#include <linux/input-event-codes.h>
#include <string.h>

static void test_parse_good(void)
{
	static const struct {
		const char *spec;
		unsigned mods;
		uint16_t code;
	} good[] = {
		{ "Super+L", TSR_POLICY_MOD_SUPER, KEY_L },
		{ "ctrl+alt+backspace", TSR_POLICY_MOD_CTRL | TSR_POLICY_MOD_ALT, KEY_BACKSPACE },
		{ "Alt + Ctrl + Del", TSR_POLICY_MOD_CTRL | TSR_POLICY_MOD_ALT, KEY_DELETE },
		{ "Win+Shift+Tab", TSR_POLICY_MOD_SUPER | TSR_POLICY_MOD_SHIFT, KEY_TAB },
		{ "Control+Meta+F12", TSR_POLICY_MOD_CTRL | TSR_POLICY_MOD_SUPER, KEY_F12 },
		{ "Logo+1", TSR_POLICY_MOD_SUPER, KEY_1 },
		{ "Pause", 0, KEY_PAUSE },
		{ "Ctrl+Esc", TSR_POLICY_MOD_CTRL, KEY_ESC },
		{ "Super+Menu", TSR_POLICY_MOD_SUPER, KEY_COMPOSE },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(good); i++) {
		struct tsr_policy_combo c;
		g_autoptr(GError) error = NULL;
		g_assert_true(tsr_policy_combo_parse(good[i].spec, &c, &error));
		g_assert_no_error(error);
		g_assert_cmpuint(c.mods, ==, good[i].mods);
		g_assert_cmpuint(c.code, ==, good[i].code);
	}
	struct tsr_policy_combo c = { 1, 1 };
	g_assert_true(tsr_policy_combo_parse("none", &c, NULL));
	g_assert_cmpuint(c.code, ==, 0);
	g_autofree char *s = tsr_policy_combo_to_string(&(struct tsr_policy_combo){
		TSR_POLICY_MOD_CTRL | TSR_POLICY_MOD_ALT, KEY_BACKSPACE });
	g_assert_cmpstr(s, ==, "Ctrl+Alt+BACKSPACE");
}

static void test_parse_bad(void)
{
	static const struct {
		const char *spec;
		const char *says;
	} bad[] = {
		{ "", "empty" },
		{ "Super+", "empty part" },
		{ "Super++L", "empty part" },
		{ "Super+Foo", "unknown key \"Foo\"" },
		{ "Ctrl+Alt", "needs one non-modifier key" },
		{ "Ctrl+L+K", "more than one" },
		{ "Ctrl+Ctrl+L", "twice" },
		{ "Super+LeftCtrl", "modifier key" },
		{ "Super+BTN_LEFT", "unknown key" },
		{ "Super+Left_Button", "unknown key" },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		struct tsr_policy_combo c = { 42, 42 };
		g_autoptr(GError) error = NULL;
		g_assert_false(tsr_policy_combo_parse(bad[i].spec, &c, &error));
		g_assert_error(error, TSR_POLICY_ERROR, TSR_POLICY_ERROR_VALUE);
		if (!strstr(error->message, bad[i].says))
			g_test_message("\"%s\": %s", bad[i].spec, error->message);
		g_assert_nonnull(strstr(error->message, bad[i].says));
		g_assert_cmpuint(c.mods, ==, 42); /* untouched */
		g_assert_cmpuint(c.code, ==, 42);
	}
}

static void test_settings(void)
{
	struct tsr_policy_hotkeys h, before;
	int arg;

	tsr_policy_hotkeys_init_default(&h);
	g_assert_true(tsr_policy_hotkeys_set(&h, "sas", "Ctrl+Alt+Delete", NULL));
	g_assert_cmpuint(h.sas.code, ==, KEY_DELETE);
	g_assert_true(tsr_policy_hotkeys_set(&h, "lock", "none", NULL));
	g_assert_cmpuint(h.lock.code, ==, 0);
	g_assert_true(tsr_policy_hotkeys_set(&h, "focus-modifiers", "Ctrl+Alt", NULL));
	g_assert_cmpint(tsr_input_hotkeys_match(&h, TSR_POLICY_MOD_CTRL | TSR_POLICY_MOD_ALT, KEY_3,
						&arg), ==, TSR_INPUT_ACTION_FOCUS_SLOT);
	g_assert_cmpint(arg, ==, 3);
	g_assert_cmpint(tsr_input_hotkeys_match(&h, TSR_POLICY_MOD_SUPER, KEY_3, &arg), ==, 0);
	g_assert_true(tsr_policy_hotkeys_set(&h, "output-right", "Ctrl+Alt+PgDn", NULL));
	g_assert_cmpint(tsr_input_hotkeys_match(&h, TSR_POLICY_MOD_CTRL | TSR_POLICY_MOD_ALT,
						KEY_PAGEDOWN, &arg), ==, TSR_INPUT_ACTION_MOVE_OUTPUT);
	g_assert_cmpint(arg, ==, 1);

	static const struct {
		const char *name, *value, *says;
	} bad[] = {
		{ "sas", "none", "cannot be disabled" },
		{ "sas", "Backspace", "no modifier" },
		{ "sas", "Super+Tab", "both" },
		{ "layout", "Ctrl+Alt+Delete", "both" },
		{ "cycle", "Ctrl+Alt+2", "focus hotkey" },
		{ "output-left", "Ctrl+Alt+PgDn", "both" },
		{ "focus-modifiers", "Super+1", "only modifiers" },
		{ "focus-modifiers", "", "empty" },
		{ "lcok", "Super+L", "unknown hotkey setting" },
		{ "lock", "Super+Nope", "lock: hotkey" },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autoptr(GError) error = NULL;
		before = h;
		g_assert_false(tsr_policy_hotkeys_set(&h, bad[i].name, bad[i].value, &error));
		g_assert_nonnull(error);
		if (!strstr(error->message, bad[i].says))
			g_test_message("%s=%s: %s", bad[i].name, bad[i].value, error->message);
		g_assert_nonnull(strstr(error->message, bad[i].says));
		g_assert_cmpmem(&before, sizeof(before), &h, sizeof(h)); /* unchanged */
	}
}

static void test_match(void)
{
	struct tsr_policy_hotkeys h;
	int arg;

	tsr_policy_hotkeys_init_default(&h);
	g_assert_cmpint(tsr_input_hotkeys_match(&h, TSR_POLICY_MOD_SUPER, KEY_L, &arg), ==,
			TSR_INPUT_ACTION_LOCK);
	/* hotkeys want exactly their modifiers */
	g_assert_cmpint(tsr_input_hotkeys_match(&h, TSR_POLICY_MOD_SUPER | TSR_POLICY_MOD_CTRL, KEY_L,
						&arg), ==, 0);
	g_assert_cmpint(tsr_input_hotkeys_match(&h, 0, KEY_L, &arg), ==, 0);
	g_assert_cmpint(tsr_input_hotkeys_match(&h, TSR_POLICY_MOD_SUPER, KEY_9, &arg), ==,
			TSR_INPUT_ACTION_FOCUS_SLOT);
	g_assert_cmpint(arg, ==, 9);
	g_assert_cmpint(tsr_input_hotkeys_match(&h, TSR_POLICY_MOD_SUPER, KEY_0, &arg), ==, 0);
	g_assert_cmpint(tsr_input_hotkeys_match(&h, TSR_POLICY_MOD_SUPER | TSR_POLICY_MOD_SHIFT,
						KEY_TAB, &arg), ==, TSR_INPUT_ACTION_CYCLE_FOCUS);
	g_assert_cmpint(arg, ==, -1);
	/* the SAS fires with extra modifiers too */
	g_assert_cmpint(tsr_input_hotkeys_match(&h, TSR_POLICY_MOD_CTRL | TSR_POLICY_MOD_ALT |
						TSR_POLICY_MOD_SHIFT | TSR_POLICY_MOD_SUPER,
						KEY_BACKSPACE, &arg), ==, TSR_INPUT_ACTION_SAS);
	g_assert_cmpint(tsr_input_hotkeys_match(&h, TSR_POLICY_MOD_CTRL, KEY_BACKSPACE, &arg), ==, 0);
	/* the trusted clipboard: Ctrl+Shift+C and V by default, Ctrl+C stays the guest's */
	g_assert_cmpint(tsr_input_hotkeys_match(&h, TSR_POLICY_MOD_CTRL | TSR_POLICY_MOD_SHIFT, KEY_C,
						&arg), ==, TSR_INPUT_ACTION_CLIPBOARD_COPY);
	g_assert_cmpint(tsr_input_hotkeys_match(&h, TSR_POLICY_MOD_CTRL | TSR_POLICY_MOD_SHIFT, KEY_V,
						&arg), ==, TSR_INPUT_ACTION_CLIPBOARD_PASTE);
	g_assert_cmpint(tsr_input_hotkeys_match(&h, TSR_POLICY_MOD_CTRL, KEY_C, &arg), ==, 0);
	g_assert_cmpint(tsr_input_hotkeys_match(&h, TSR_POLICY_MOD_CTRL, KEY_V, &arg), ==, 0);
	/* two-head: Super+Shift+Left and Right move the focused domain to the next output */
	g_assert_cmpint(tsr_input_hotkeys_match(&h, TSR_POLICY_MOD_SUPER | TSR_POLICY_MOD_SHIFT,
						KEY_LEFT, &arg), ==, TSR_INPUT_ACTION_MOVE_OUTPUT);
	g_assert_cmpint(arg, ==, -1);
	g_assert_cmpint(tsr_input_hotkeys_match(&h, TSR_POLICY_MOD_SUPER | TSR_POLICY_MOD_SHIFT,
						KEY_RIGHT, &arg), ==, TSR_INPUT_ACTION_MOVE_OUTPUT);
	g_assert_cmpint(arg, ==, 1);
	g_assert_cmpint(tsr_input_hotkeys_match(&h, TSR_POLICY_MOD_SUPER, KEY_RIGHT, &arg), ==, 0);
	/* prefixes */
	g_assert_true(tsr_input_hotkeys_is_prefix(&h, TSR_POLICY_MOD_CTRL));
	g_assert_true(tsr_input_hotkeys_is_prefix(&h, TSR_POLICY_MOD_ALT | TSR_POLICY_MOD_CTRL));
	g_assert_true(tsr_input_hotkeys_is_prefix(&h, TSR_POLICY_MOD_SUPER | TSR_POLICY_MOD_SHIFT));
	/* Ctrl+Shift may still become copy or paste; with Alt it can become nothing */
	g_assert_true(tsr_input_hotkeys_is_prefix(&h, TSR_POLICY_MOD_CTRL | TSR_POLICY_MOD_SHIFT));
	g_assert_false(tsr_input_hotkeys_is_prefix(&h, TSR_POLICY_MOD_CTRL | TSR_POLICY_MOD_SHIFT |
							  TSR_POLICY_MOD_ALT));
	g_assert_false(tsr_input_hotkeys_is_prefix(&h, TSR_POLICY_MOD_SUPER | TSR_POLICY_MOD_ALT));
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/input/hotkeys/parse-good-specs", test_parse_good);
	g_test_add_func("/input/hotkeys/parse-rejects-bad-specs", test_parse_bad);
	g_test_add_func("/input/hotkeys/settings-refuse-bad-values-unchanged", test_settings);
	g_test_add_func("/input/hotkeys/match-and-prefix", test_match);
	return g_test_run();
}
