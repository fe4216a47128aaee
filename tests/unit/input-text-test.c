/* Text entry: the configured xkb layout decides what a key types in the trusted UI (us vs de:
 * y/z swapped, Shift, AltGr), and a layout that does not exist is refused with a clear error. */
#include "config.h"
#include "input/text.h"

#include <linux/input-event-codes.h>
#include <string.h>
#include <xkbcommon/xkbcommon-keysyms.h>

static GString *type_keys(struct tsr_input_text *t, const uint16_t *codes, size_t n)
{
	GString *s = g_string_new(NULL);
	for (size_t i = 0; i < n; i++) {
		uint32_t sym;
		char utf8[8];
		tsr_input_text_key(t, codes[i], TSR_INPUT_KEY_DOWN, &sym, utf8, sizeof(utf8));
		g_string_append(s, utf8);
		tsr_input_text_key(t, codes[i], TSR_INPUT_KEY_UP, &sym, utf8, sizeof(utf8));
		g_assert_cmpstr(utf8, ==, "");
	}
	return s;
}

static void test_us_and_de(void)
{
	static const uint16_t keys[] = { KEY_Y, KEY_Z, KEY_1, KEY_MINUS, KEY_SEMICOLON };
	g_autoptr(GError) error = NULL;
	struct tsr_input_text *us = tsr_input_text_create(
		&(struct tsr_input_text_config){ .layout = "us" }, &error);
	g_assert_no_error(error);
	struct tsr_input_text *de = tsr_input_text_create(
		&(struct tsr_input_text_config){ .layout = "de", .variant = "nodeadkeys" }, &error);
	g_assert_no_error(error);

	GString *a = type_keys(us, keys, G_N_ELEMENTS(keys));
	GString *b = type_keys(de, keys, G_N_ELEMENTS(keys));
	g_assert_cmpstr(a->str, ==, "yz1-;");
	g_assert_cmpstr(b->str, ==, "zy1ßö");
	g_string_free(a, true);
	g_string_free(b, true);

	/* Shift and AltGr, with keysyms */
	uint32_t sym;
	char u[8];
	tsr_input_text_key(de, KEY_LEFTSHIFT, TSR_INPUT_KEY_DOWN, &sym, u, sizeof(u));
	g_assert_cmpstr(u, ==, "");
	tsr_input_text_key(de, KEY_Y, TSR_INPUT_KEY_DOWN, &sym, u, sizeof(u));
	g_assert_cmpstr(u, ==, "Z");
	g_assert_cmpuint(sym, ==, XKB_KEY_Z);
	tsr_input_text_key(de, KEY_Y, TSR_INPUT_KEY_UP, &sym, u, sizeof(u));
	tsr_input_text_key(de, KEY_LEFTSHIFT, TSR_INPUT_KEY_UP, &sym, u, sizeof(u));
	tsr_input_text_key(de, KEY_RIGHTALT, TSR_INPUT_KEY_DOWN, &sym, u, sizeof(u));
	tsr_input_text_key(de, KEY_Q, TSR_INPUT_KEY_DOWN, &sym, u, sizeof(u));
	g_assert_cmpstr(u, ==, "@");
	/* reset forgets the held AltGr */
	tsr_input_text_reset(de);
	tsr_input_text_key(de, KEY_Q, TSR_INPUT_KEY_DOWN, &sym, u, sizeof(u));
	g_assert_cmpstr(u, ==, "q");
	/* control keys type no text but have keysyms */
	tsr_input_text_key(us, KEY_BACKSPACE, TSR_INPUT_KEY_DOWN, &sym, u, sizeof(u));
	g_assert_cmpstr(u, ==, "");
	g_assert_cmpuint(sym, ==, XKB_KEY_BackSpace);
	tsr_input_text_key(us, KEY_ENTER, TSR_INPUT_KEY_DOWN, &sym, u, sizeof(u));
	g_assert_cmpstr(u, ==, "");
	g_assert_cmpuint(sym, ==, XKB_KEY_Return);

	tsr_input_text_destroy(us);
	tsr_input_text_destroy(de);
	tsr_input_text_destroy(NULL);
}

static void test_unknown_layout(void)
{
	g_autoptr(GError) error = NULL;
	struct tsr_input_text *t = tsr_input_text_create(
		&(struct tsr_input_text_config){ .layout = "nosuchlayout" }, &error);
	g_assert_null(t);
	g_assert_nonnull(error);
	g_assert_nonnull(strstr(error->message, "nosuchlayout"));
	g_assert_nonnull(strstr(error->message, "evdev.lst"));
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/input/text/us-and-de-layouts", test_us_and_de);
	g_test_add_func("/input/text/unknown-layout-refused", test_unknown_layout);
	return g_test_run();
}
