/* Settings: the input stack takes policy's typed kiosk settings (SAS, hotkeys, click-to-focus,
 * the trusted UI's layout) as they are; a layout that does not compile is refused naming
 * [keymap], and leaves the settings as they were. */
#include "config.h"
#include "input/settings.h"
#include "input/router.h"

#include <linux/input-event-codes.h>
#include <string.h>

/* A kiosk section as policy/ would produce it. */
static void kiosk_init(struct tsr_policy_kiosk *k)
{
	memset(k, 0, sizeof(*k));
	tsr_policy_hotkeys_init_default(&k->keys);
	k->click_to_focus = true;
}

static void test_load(void)
{
	struct tsr_input_settings s;
	struct tsr_policy_kiosk k;
	g_autoptr(GError) error = NULL;
	int arg;

	kiosk_init(&k);
	g_assert_true(tsr_policy_hotkeys_set(&k.keys, "sas", "Ctrl+Alt+Delete", NULL));
	g_assert_true(tsr_policy_hotkeys_set(&k.keys, "lock", "Super+Escape", NULL));
	g_assert_true(tsr_policy_hotkeys_set(&k.keys, "cycle", "none", NULL));
	g_assert_true(tsr_policy_hotkeys_set(&k.keys, "focus-modifiers", "Ctrl+Alt", NULL));
	k.click_to_focus = false;
	k.keymap.layout = (char *)"de";
	k.keymap.variant = (char *)"nodeadkeys";

	tsr_input_settings_init(&s);
	g_assert_true(tsr_input_settings_set(&s, &k, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(s.hotkeys.sas.code, ==, KEY_DELETE);
	g_assert_cmpuint(s.hotkeys.lock.code, ==, KEY_ESC);
	g_assert_cmpuint(s.hotkeys.cycle.code, ==, 0);
	g_assert_false(s.click_to_focus);
	g_assert_cmpint(tsr_input_hotkeys_match(&s.hotkeys, TSR_POLICY_MOD_CTRL | TSR_POLICY_MOD_ALT,
						KEY_4, &arg), ==, TSR_INPUT_ACTION_FOCUS_SLOT);
	/* A copy: the policy may be freed after. */
	g_assert_cmpstr(s.layout, ==, "de");
	g_assert_true(s.layout != k.keymap.layout);

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
}

static void test_rejects(void)
{
	static const char *const bad[] = { "klingon", "us,nowhere" };

	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		struct tsr_input_settings s, before;
		struct tsr_policy_kiosk k;
		g_autoptr(GError) error = NULL;

		kiosk_init(&k);
		k.keymap.layout = (char *)"us";
		tsr_input_settings_init(&s);
		g_assert_true(tsr_input_settings_set(&s, &k, NULL));
		before = s;
		g_assert_true(tsr_policy_hotkeys_set(&k.keys, "lock", "Super+Escape", NULL));
		k.click_to_focus = false;
		k.keymap.layout = (char *)bad[i];
		g_assert_false(tsr_input_settings_set(&s, &k, &error));
		g_assert_nonnull(error);
		g_test_message("%s -> %s", bad[i], error->message);
		g_assert_true(g_str_has_prefix(error->message, "[keymap] keyboard layout"));
		g_assert_nonnull(strstr(error->message, bad[i]));
		/* unchanged, down to the string pointers */
		g_assert_cmpmem(&before, sizeof(before), &s, sizeof(s));
		g_assert_cmpstr(s.layout, ==, "us");
		tsr_input_settings_clear(&s);
	}
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/input/settings/load-kiosk-hotkeys-keymap", test_load);
	g_test_add_func("/input/settings/bad-values-refused-unchanged", test_rejects);
	return g_test_run();
}
