/* Keymap: every table entry checked against an independently written list (by libevdev key
 * name and PC set-1 scancode), the table has no duplicates and only valid set-1 codes, and keys
 * without a scancode (unknown, pointer buttons, out of range) map to 0 and are never sent. */
#include "config.h"
#include "input/keymap.h"

#include <glib.h>
#include <libevdev/libevdev.h>
#include <linux/input-event-codes.h>

static const struct {
	const char *name;
	uint32_t scancode;
} expected[] = {
	{ "KEY_ESC", 0x01 }, { "KEY_1", 0x02 }, { "KEY_2", 0x03 }, { "KEY_3", 0x04 },
	{ "KEY_4", 0x05 }, { "KEY_5", 0x06 }, { "KEY_6", 0x07 }, { "KEY_7", 0x08 },
	{ "KEY_8", 0x09 }, { "KEY_9", 0x0a }, { "KEY_0", 0x0b }, { "KEY_MINUS", 0x0c },
	{ "KEY_EQUAL", 0x0d }, { "KEY_BACKSPACE", 0x0e }, { "KEY_TAB", 0x0f },
	{ "KEY_Q", 0x10 }, { "KEY_W", 0x11 }, { "KEY_E", 0x12 }, { "KEY_R", 0x13 },
	{ "KEY_T", 0x14 }, { "KEY_Y", 0x15 }, { "KEY_U", 0x16 }, { "KEY_I", 0x17 },
	{ "KEY_O", 0x18 }, { "KEY_P", 0x19 }, { "KEY_LEFTBRACE", 0x1a },
	{ "KEY_RIGHTBRACE", 0x1b }, { "KEY_ENTER", 0x1c }, { "KEY_LEFTCTRL", 0x1d },
	{ "KEY_A", 0x1e }, { "KEY_S", 0x1f }, { "KEY_D", 0x20 }, { "KEY_F", 0x21 },
	{ "KEY_G", 0x22 }, { "KEY_H", 0x23 }, { "KEY_J", 0x24 }, { "KEY_K", 0x25 },
	{ "KEY_L", 0x26 }, { "KEY_SEMICOLON", 0x27 }, { "KEY_APOSTROPHE", 0x28 },
	{ "KEY_GRAVE", 0x29 }, { "KEY_LEFTSHIFT", 0x2a }, { "KEY_BACKSLASH", 0x2b },
	{ "KEY_Z", 0x2c }, { "KEY_X", 0x2d }, { "KEY_C", 0x2e }, { "KEY_V", 0x2f },
	{ "KEY_B", 0x30 }, { "KEY_N", 0x31 }, { "KEY_M", 0x32 }, { "KEY_COMMA", 0x33 },
	{ "KEY_DOT", 0x34 }, { "KEY_SLASH", 0x35 }, { "KEY_RIGHTSHIFT", 0x36 },
	{ "KEY_KPASTERISK", 0x37 }, { "KEY_LEFTALT", 0x38 }, { "KEY_SPACE", 0x39 },
	{ "KEY_CAPSLOCK", 0x3a }, { "KEY_F1", 0x3b }, { "KEY_F2", 0x3c }, { "KEY_F3", 0x3d },
	{ "KEY_F4", 0x3e }, { "KEY_F5", 0x3f }, { "KEY_F6", 0x40 }, { "KEY_F7", 0x41 },
	{ "KEY_F8", 0x42 }, { "KEY_F9", 0x43 }, { "KEY_F10", 0x44 }, { "KEY_NUMLOCK", 0x45 },
	{ "KEY_SCROLLLOCK", 0x46 }, { "KEY_KP7", 0x47 }, { "KEY_KP8", 0x48 },
	{ "KEY_KP9", 0x49 }, { "KEY_KPMINUS", 0x4a }, { "KEY_KP4", 0x4b }, { "KEY_KP5", 0x4c },
	{ "KEY_KP6", 0x4d }, { "KEY_KPPLUS", 0x4e }, { "KEY_KP1", 0x4f }, { "KEY_KP2", 0x50 },
	{ "KEY_KP3", 0x51 }, { "KEY_KP0", 0x52 }, { "KEY_KPDOT", 0x53 },
	/* the 105th key, F11/F12, Japanese and Brazilian keys */
	{ "KEY_102ND", 0x56 }, { "KEY_F11", 0x57 }, { "KEY_F12", 0x58 },
	{ "KEY_ZENKAKUHANKAKU", 0x76 }, { "KEY_RO", 0x73 }, { "KEY_KATAKANA", 0x78 },
	{ "KEY_HIRAGANA", 0x77 }, { "KEY_HENKAN", 0x79 }, { "KEY_KATAKANAHIRAGANA", 0x70 },
	{ "KEY_MUHENKAN", 0x7b }, { "KEY_KPJPCOMMA", 0x5c }, { "KEY_KPEQUAL", 0x59 },
	{ "KEY_KPCOMMA", 0x7e }, { "KEY_YEN", 0x7d },
	/* extended: e0 xx, spice-gtk form 0x1xx */
	{ "KEY_KPENTER", 0x11c }, { "KEY_RIGHTCTRL", 0x11d }, { "KEY_KPSLASH", 0x135 },
	{ "KEY_SYSRQ", 0x137 }, { "KEY_RIGHTALT", 0x138 }, { "KEY_PAUSE", 0x146 },
	{ "KEY_HOME", 0x147 }, { "KEY_UP", 0x148 }, { "KEY_PAGEUP", 0x149 },
	{ "KEY_LEFT", 0x14b }, { "KEY_RIGHT", 0x14d }, { "KEY_END", 0x14f },
	{ "KEY_DOWN", 0x150 }, { "KEY_PAGEDOWN", 0x151 }, { "KEY_INSERT", 0x152 },
	{ "KEY_DELETE", 0x153 }, { "KEY_LEFTMETA", 0x15b }, { "KEY_RIGHTMETA", 0x15c },
	{ "KEY_COMPOSE", 0x15d }, { "KEY_POWER", 0x15e }, { "KEY_SLEEP", 0x15f },
	{ "KEY_WAKEUP", 0x163 },
	/* media and browser keys */
	{ "KEY_MUTE", 0x120 }, { "KEY_VOLUMEDOWN", 0x12e }, { "KEY_VOLUMEUP", 0x130 },
	{ "KEY_CALC", 0x121 }, { "KEY_PLAYPAUSE", 0x122 }, { "KEY_STOPCD", 0x124 },
	{ "KEY_PREVIOUSSONG", 0x110 }, { "KEY_NEXTSONG", 0x119 }, { "KEY_HOMEPAGE", 0x132 },
	{ "KEY_SEARCH", 0x165 }, { "KEY_BOOKMARKS", 0x166 }, { "KEY_REFRESH", 0x167 },
	{ "KEY_STOP", 0x168 }, { "KEY_FORWARD", 0x169 }, { "KEY_BACK", 0x16a },
	{ "KEY_COMPUTER", 0x16b }, { "KEY_MAIL", 0x16c }, { "KEY_MEDIA", 0x16d },
	{ "KEY_F13", 0x64 }, { "KEY_F14", 0x65 }, { "KEY_F15", 0x66 }, { "KEY_F16", 0x67 },
	{ "KEY_F17", 0x68 }, { "KEY_F18", 0x69 }, { "KEY_F19", 0x6a }, { "KEY_F20", 0x6b },
	{ "KEY_F21", 0x6c }, { "KEY_F22", 0x6d }, { "KEY_F23", 0x6e },
};

static void test_every_entry(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(expected); i++) {
		int code = libevdev_event_code_from_name(EV_KEY, expected[i].name);
		g_assert_cmpint(code, >, 0);
		if (tsr_input_keymap_to_scancode((uint16_t)code) != expected[i].scancode)
			g_test_message("%s", expected[i].name);
		g_assert_cmphex(tsr_input_keymap_to_scancode((uint16_t)code), ==, expected[i].scancode);
		g_assert_cmpuint(tsr_input_keymap_from_scancode(expected[i].scancode), ==, code);
	}
	/* ...and the table has nothing the list above does not check. */
	g_assert_cmpuint(tsr_input_keymap_count(), ==, G_N_ELEMENTS(expected));
}

static void test_table_shape(void)
{
	GHashTable *seen = g_hash_table_new(NULL, NULL);

	for (size_t i = 0; i < tsr_input_keymap_count(); i++) {
		uint16_t code = tsr_input_keymap_code_at(i);
		uint32_t sc = tsr_input_keymap_to_scancode(code);
		if (i > 0)
			g_assert_cmpuint(code, >, tsr_input_keymap_code_at(i - 1)); /* sorted */
		/* make codes only: bit 7 is the break bit, 0x100 the e0 prefix, nothing else */
		g_assert_cmphex(sc & 0x80, ==, 0);
		g_assert_cmphex(sc & ~0x17fu, ==, 0);
		g_assert_cmphex(sc & 0x7f, !=, 0);
		g_assert_false(g_hash_table_contains(seen, GUINT_TO_POINTER(sc)));
		g_hash_table_add(seen, GUINT_TO_POINTER(sc));
	}
	g_hash_table_destroy(seen);
}

static void test_unknown_codes_rejected(void)
{
	static const unsigned none[] = { 0, KEY_LINEFEED, KEY_MACRO, KEY_KPPLUSMINUS, BTN_LEFT,
					 BTN_TOUCH, BTN_TOOL_FINGER, KEY_F24, KEY_MAX, KEY_CNT,
					 0x7fff, 0xffff };
	for (size_t i = 0; i < G_N_ELEMENTS(none); i++)
		g_assert_cmphex(tsr_input_keymap_to_scancode((uint16_t)none[i]), ==, 0);
	g_assert_cmpuint(tsr_input_keymap_from_scancode(0), ==, 0);
	g_assert_cmpuint(tsr_input_keymap_from_scancode(0x9e), ==, 0); /* a break code */
	g_assert_cmpuint(tsr_input_keymap_from_scancode(0xe01d), ==, 0); /* wire form, not ours */
	g_assert_cmpuint(tsr_input_keymap_code_at(tsr_input_keymap_count()), ==, 0);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/input/keymap/every-entry-matches-set-1", test_every_entry);
	g_test_add_func("/input/keymap/sorted-unique-make-codes", test_table_shape);
	g_test_add_func("/input/keymap/unknown-codes-have-no-scancode", test_unknown_codes_rejected);
	return g_test_run();
}
