/* Router: every script in tests/data/input/ replays through the router and must produce exactly
 * its "=" lines (both domains' scancode streams, pointer events and kiosk actions, in order);
 * plus the cases easier to loop over in C: a hotkey released in every order, and rejections. */
#include "config.h"
#include "tests/unit/input-script.h"

#include "input/router.h"

#include <linux/input-event-codes.h>
#include <string.h>

static void check_script_text(const char *text)
{
	g_autoptr(GError) error = NULL;
	g_auto(GStrv) produced = NULL, expected = NULL;

	g_assert_true(tsr_test_input_script_run(text, &produced, &expected, &error));
	g_assert_no_error(error);
	g_autofree char *p = g_strjoinv("\n", produced), *e = g_strjoinv("\n", expected);
	if (strcmp(p, e) != 0)
		g_test_message("produced:\n%s\nexpected:\n%s", p, e);
	g_assert_cmpstr(p, ==, e);
}

static void test_script(gconstpointer data)
{
	g_autofree char *text = NULL;
	g_autoptr(GError) error = NULL;

	g_assert_true(g_file_get_contents(data, &text, NULL, &error));
	check_script_text(text);
}

/* Ctrl+Alt+Backspace pressed in `press` order and released in `release` order, while domain 0
 * has focus: only the SAS action, never a scancode. */
static void test_sas_every_order(void)
{
	static const char *keys[3] = { "001d", "0038", "000e" }; /* LEFTCTRL, LEFTALT, BACKSPACE */
	static const int perms[6][3] = { { 0, 1, 2 }, { 0, 2, 1 }, { 1, 0, 2 },
					 { 1, 2, 0 }, { 2, 0, 1 }, { 2, 1, 0 } };

	for (int press = 0; press < 2; press++) {
		for (int rel = 0; rel < 6; rel++) {
			GString *s = g_string_new("D: 1 keyboard\nF: 0\nG: 0\n");
			/* modifiers in either order, Backspace last */
			int order[3] = { press ? 1 : 0, press ? 0 : 1, 2 };
			for (int i = 0; i < 3; i++)
				g_string_append_printf(s, "E: 0.0 0001 %s 1\nE: 0.0 0000 0000 0\n",
						       keys[order[i]]);
			g_string_append(s, "= action sas 0\n");
			for (int i = 0; i < 3; i++)
				g_string_append_printf(s, "E: 0.0 0001 %s 0\nE: 0.0 0000 0000 0\n",
						       keys[perms[rel][i]]);
			/* and typing afterwards goes to the kiosk (the SAS took input) */
			g_string_append(s, "E: 0.0 0001 001e 1\nE: 0.0 0000 0000 0\n"
					   "= kiosk-key 30 down\n");
			check_script_text(s->str);
			g_string_free(s, true);
		}
	}
}

/* Super+Shift+Tab (cycle back) with the modifiers in both orders and released in every order;
 * then plain Super+Tab while Shift stays out. Nothing reaches either domain. */
static void test_cycle_back_every_order(void)
{
	static const char *keys[3] = { "007d", "002a", "000f" }; /* LEFTMETA, LEFTSHIFT, TAB */
	static const int perms[6][3] = { { 0, 1, 2 }, { 0, 2, 1 }, { 1, 0, 2 },
					 { 1, 2, 0 }, { 2, 0, 1 }, { 2, 1, 0 } };

	for (int press = 0; press < 2; press++) {
		for (int rel = 0; rel < 6; rel++) {
			GString *s = g_string_new("D: 1 keyboard\nF: 0\nG: 0\n");
			int order[3] = { press ? 1 : 0, press ? 0 : 1, 2 };
			for (int i = 0; i < 3; i++)
				g_string_append_printf(s, "E: 0.0 0001 %s 1\nE: 0.0 0000 0000 0\n",
						       keys[order[i]]);
			g_string_append(s, "= action cycle -1\n");
			for (int i = 0; i < 3; i++)
				g_string_append_printf(s, "E: 0.0 0001 %s 0\nE: 0.0 0000 0000 0\n",
						       keys[perms[rel][i]]);
			/* focus is now domain 1: an 'a' goes there and nowhere else */
			g_string_append(s, "E: 0.0 0001 001e 1\nE: 0.0 0000 0000 0\n"
					   "= key 1 0x1e down\n");
			check_script_text(s->str);
			g_string_free(s, true);
		}
	}
}

/* Malformed scripts are refused with the line named, not half-run. */
static void test_script_reader_rejects(void)
{
	static const char *bad[] = {
		"D: 1 keyboard\nE: 0.0 0001 zz 1\n",
		"D: 1 joystick\n",
		"D: 1 keyboard\nD: 1 keyboard\n",
		"Q: 1\n",
		"H: sas none\n",
	};
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autoptr(GError) error = NULL;
		char **p = NULL, **e = NULL;
		g_assert_false(tsr_test_input_script_run(bad[i], &p, &e, &error));
		g_assert_nonnull(error);
		g_assert_true(strstr(error->message, "line") != NULL);
		g_assert_null(p);
	}
}

static int calls;
static void count_key(void *ud, int domain, uint32_t sc, bool down)
{
	(void)ud; (void)domain; (void)sc; (void)down;
	calls++;
}
static void count_kkey(void *ud, const struct tsr_input_kiosk_key *k)
{
	(void)ud; (void)k;
	calls++;
}

/* Events from sources never added, codes without a scancode, pointer-button codes passed as
 * keys and out-of-range values are dropped, never forwarded. */
static void test_router_drops_garbage(void)
{
	struct tsr_input_sinks sinks = { .domain_key = count_key, .kiosk_key = count_kkey };
	struct tsr_input_router *r = tsr_input_router_create(&sinks, NULL, NULL, NULL);
	struct tsr_input_device kbd = { .source = 7, .caps = TSR_INPUT_CAP_KEYBOARD, .name = "k" };

	calls = 0;
	tsr_input_router_key(r, 7, KEY_A, TSR_INPUT_KEY_DOWN); /* not added yet */
	g_assert_cmpint(calls, ==, 0);
	g_assert_true(tsr_input_router_device_added(r, &kbd));
	g_assert_false(tsr_input_router_device_added(r, &kbd));
	tsr_input_router_set_kiosk_grab(r, false);
	tsr_input_router_set_focus(r, 0);
	tsr_input_router_key(r, 7, KEY_LINEFEED, TSR_INPUT_KEY_DOWN); /* no scancode */
	tsr_input_router_key(r, 7, BTN_LEFT, TSR_INPUT_KEY_DOWN);
	tsr_input_router_key(r, 7, KEY_CNT + 5, TSR_INPUT_KEY_DOWN);
	tsr_input_router_key(r, 7, 0, TSR_INPUT_KEY_DOWN);
	tsr_input_router_key(r, 7, KEY_A, (enum tsr_input_key_state)7);
	tsr_input_router_key(r, 8, KEY_A, TSR_INPUT_KEY_DOWN);
	tsr_input_router_evdev(r, 7, EV_KEY, KEY_A, 9);
	tsr_input_router_evdev(r, 7, EV_SYN, SYN_REPORT, 0);
	tsr_input_router_key(r, 7, KEY_A, TSR_INPUT_KEY_UP); /* never went down */
	g_assert_cmpint(calls, ==, 0);
	tsr_input_router_key(r, 7, KEY_A, TSR_INPUT_KEY_DOWN);
	g_assert_cmpint(calls, ==, 1);
	tsr_input_router_destroy(r);
	tsr_input_router_destroy(NULL);
}

static int compare_names(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_autofree char *dir_path = g_build_filename(TSR_SRCDIR, "tests", "data", "input", NULL);
	g_autoptr(GDir) dir = g_dir_open(dir_path, 0, NULL);
	g_assert_nonnull(dir);
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	const char *n;
	while ((n = g_dir_read_name(dir)))
		if (g_str_has_suffix(n, ".evemu"))
			g_ptr_array_add(names, g_strdup(n));
	g_assert_cmpuint(names->len, >, 0);
	g_ptr_array_sort(names, compare_names);
	GPtrArray *paths = g_ptr_array_new_with_free_func(g_free);
	for (guint i = 0; i < names->len; i++) {
		const char *name = g_ptr_array_index(names, i);
		g_autofree char *base = g_strndup(name, strlen(name) - strlen(".evemu"));
		g_autofree char *test = g_strconcat("/input/router/script/", base, NULL);
		char *path = g_build_filename(dir_path, name, NULL);
		g_ptr_array_add(paths, path);
		g_test_add_data_func(test, path, test_script);
	}
	g_test_add_func("/input/router/sas-pressed-and-released-in-every-order", test_sas_every_order);
	g_test_add_func("/input/router/cycle-back-pressed-and-released-in-every-order",
			test_cycle_back_every_order);
	g_test_add_func("/input/router/drops-unknown-sources-and-codes", test_router_drops_garbage);
	g_test_add_func("/input/router/script-reader-rejects-malformed-lines",
			test_script_reader_rejects);
	int ret = g_test_run();
	g_ptr_array_free(names, true);
	g_ptr_array_free(paths, true);
	return ret;
}
