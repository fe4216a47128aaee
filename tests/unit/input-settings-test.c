/* Settings: a kiosk config file sets the SAS, hotkeys, click-to-focus and the trusted UI's
 * layout; every bad value is refused naming its group and key, and leaves the settings as they
 * were. */
#include "config.h"
#include "input/settings.h"
#include "input/router.h"

#include <linux/input-event-codes.h>
#include <string.h>

static GKeyFile *kf(const char *text)
{
	GKeyFile *k = g_key_file_new();
	g_assert_true(g_key_file_load_from_data(k, text, -1, G_KEY_FILE_NONE, NULL));
	return k;
}

static void test_load(void)
{
	struct tsr_input_settings s;
	g_autoptr(GError) error = NULL;
	GKeyFile *k = kf("[kiosk]\nsas = Ctrl+Alt+Delete\nidle-lock-seconds = 600\n"
			 "click-to-focus = false\n"
			 "[hotkeys]\nlock = Super+Escape\ncycle = none\nfocus-modifiers = Ctrl+Alt\n"
			 "[keymap]\nlayout = de\nvariant = nodeadkeys\n");
	int arg;

	tsr_input_settings_init(&s);
	g_assert_true(tsr_input_settings_load(&s, k, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(s.hotkeys.sas.code, ==, KEY_DELETE);
	g_assert_cmpuint(s.hotkeys.lock.code, ==, KEY_ESC);
	g_assert_cmpuint(s.hotkeys.cycle.code, ==, 0);
	g_assert_false(s.click_to_focus);
	g_assert_cmpint(tsr_input_hotkeys_match(&s.hotkeys, TSR_INPUT_MOD_CTRL | TSR_INPUT_MOD_ALT,
						KEY_4, &arg), ==, TSR_INPUT_ACTION_FOCUS_SLOT);
	g_assert_cmpstr(s.layout, ==, "de");

	struct tsr_input_text_config tc;
	tsr_input_settings_text_config(&s, &tc);
	struct tsr_input_text *t = tsr_input_text_create(&tc, &error);
	g_assert_no_error(error);
	uint32_t sym;
	char u[8];
	tsr_input_text_key(t, KEY_Y, TSR_INPUT_KEY_DOWN, &sym, u, sizeof(u));
	g_assert_cmpstr(u, ==, "z");
	tsr_input_text_destroy(t);
	tsr_input_settings_clear(&s);
	g_assert_null(s.layout);
	g_key_file_free(k);
}

static void test_rejects(void)
{
	static const struct {
		const char *text, *says;
	} bad[] = {
		{ "[kiosk]\nsas = none\n", "[kiosk] sas: the secure attention sequence cannot be" },
		{ "[kiosk]\nclick-to-focus = maybe\n", "[kiosk] click-to-focus" },
		{ "[hotkeys]\nlock = Super+Bogus\n", "[hotkeys] lock: hotkey \"Super+Bogus\": unknown key" },
		{ "[hotkeys]\nsas = Ctrl+Alt+Delete\n", "[kiosk] sas" },
		{ "[hotkeys]\nlaunch = Super+R\n", "unknown hotkey setting \"launch\"" },
		{ "[hotkeys]\nlayout = Super+L\n", "both" },
		{ "[keymap]\nlayout = klingon\n", "[keymap] keyboard layout" },
		{ "[keymap]\nlanguage = de\n", "[keymap] language: unknown key" },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		struct tsr_input_settings s, before;
		g_autoptr(GError) error = NULL;
		GKeyFile *k = kf(bad[i].text);

		GKeyFile *us = kf("[keymap]\nlayout = us\n");
		tsr_input_settings_init(&s);
		g_assert_true(tsr_input_settings_load(&s, us, NULL));
		g_key_file_free(us);
		before = s;
		g_assert_false(tsr_input_settings_load(&s, k, &error));
		g_assert_nonnull(error);
		if (!strstr(error->message, bad[i].says))
			g_test_message("%s -> %s", bad[i].text, error->message);
		g_assert_nonnull(strstr(error->message, bad[i].says));
		/* unchanged, down to the string pointers */
		g_assert_cmpmem(&before, sizeof(before), &s, sizeof(s));
		g_assert_cmpstr(s.layout, ==, "us");
		tsr_input_settings_clear(&s);
		g_key_file_free(k);
	}
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/input/settings/load-kiosk-hotkeys-keymap", test_load);
	g_test_add_func("/input/settings/bad-values-refused-unchanged", test_rejects);
	return g_test_run();
}
