/* Router: every script in tests/data/input/ replays through the router and must produce exactly
 * its "=" lines (both domains' scancode streams, pointer events and kiosk actions, in order);
 * plus the cases easier to loop over in C: a hotkey released in every order, rejections, and 300
 * random event sequences (seeded) checking the invariants: keys only ever reach the keyboard
 * target, no release without its press, a target that loses the keyboard holds nothing, the SAS
 * is reported only once the domains hold nothing, and nothing is held once the devices are gone. */
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

/* A three-key chord (keys[0], keys[1] modifiers, keys[2] last) run as a script with the
 * modifiers pressed in both orders and the keys released in every order, while domain 0 has
 * focus: each run must produce exactly `expect` (the chord's "=" line) and then, for an 'a'
 * typed afterwards, `after_a` (where that key must go now). */
static void check_chord_every_order(const char *keys[3], const char *expect,
				    const char *after_a)
{
	static const int perms[6][3] = { { 0, 1, 2 }, { 0, 2, 1 }, { 1, 0, 2 },
					 { 1, 2, 0 }, { 2, 0, 1 }, { 2, 1, 0 } };

	for (int press = 0; press < 2; press++) {
		for (int rel = 0; rel < 6; rel++) {
			GString *s = g_string_new("D: 1 keyboard\nF: 0\nG: 0\n");
			/* modifiers in either order, the last key last */
			int order[3] = { press ? 1 : 0, press ? 0 : 1, 2 };
			for (int i = 0; i < 3; i++)
				g_string_append_printf(s, "E: 0.0 0001 %s 1\nE: 0.0 0000 0000 0\n",
						       keys[order[i]]);
			g_string_append(s, expect);
			for (int i = 0; i < 3; i++)
				g_string_append_printf(s, "E: 0.0 0001 %s 0\nE: 0.0 0000 0000 0\n",
						       keys[perms[rel][i]]);
			g_string_append(s, "E: 0.0 0001 001e 1\nE: 0.0 0000 0000 0\n");
			g_string_append(s, after_a);
			check_script_text(s->str);
			g_string_free(s, true);
		}
	}
}

/* Ctrl+Alt+Backspace with the modifiers in both orders and released in every order, while
 * domain 0 has focus: only the SAS action, never a scancode. */
static void test_sas_every_order(void)
{
	static const char *keys[3] = { "001d", "0038", "000e" }; /* LEFTCTRL, LEFTALT, BACKSPACE */

	/* and typing afterwards goes to the kiosk (the SAS took input) */
	check_chord_every_order(keys, "= action sas 0\n", "= kiosk-key 30 down\n");
}

/* Super+Shift+Tab (cycle back) with the modifiers in both orders and released in every order;
 * then plain Super+Tab while Shift stays out. Nothing reaches either domain. */
static void test_cycle_back_every_order(void)
{
	static const char *keys[3] = { "007d", "002a", "000f" }; /* LEFTMETA, LEFTSHIFT, TAB */

	/* focus is now domain 1: an 'a' goes there and nowhere else */
	check_chord_every_order(keys, "= action cycle -1\n", "= key 1 0x1e down\n");
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
	tsr_input_router_scancode(r, 7, 0x54, true);  /* no key has this scancode */
	tsr_input_router_scancode(r, 7, 0x21d, true); /* e1-prefixed */
	tsr_input_router_scancode(r, 7, 0x9e, true);  /* a break code */
	g_assert_cmpint(calls, ==, 0);
	tsr_input_router_key(r, 7, KEY_A, TSR_INPUT_KEY_DOWN);
	g_assert_cmpint(calls, ==, 1);
	tsr_input_router_scancode(r, 7, 0x148, true); /* console: Up arrow */
	g_assert_cmpint(calls, ==, 2);
	tsr_input_router_destroy(r);
	tsr_input_router_destroy(NULL);
}


/* ---- random sequences: the invariants hold whatever the order of events ---- */

struct inv {
	struct tsr_input_router *r;
	GHashTable *down[2];  /* scancodes each domain holds down */
	uint32_t buttons[2];  /* buttons each domain holds down */
	GHashTable *kdown;    /* evdev codes the kiosk holds down */
	GRand *rand;
	int violations;
	unsigned actions[8], keys_delivered, buttons_delivered;
};

static void inv_fail(struct inv *v, const char *what)
{
	if (v->violations++ < 5)
		g_test_message("invariant broken: %s", what);
}

static int target_now(struct inv *v)
{
	if (tsr_input_router_get_kiosk_grab(v->r) || tsr_input_router_get_focus(v->r) < 0)
		return -2;
	return tsr_input_router_get_focus(v->r);
}

/* Only the keyboard target ever holds keys. */
static void check_only_target_holds(struct inv *v)
{
	int t = target_now(v);
	for (int d = 0; d < 2; d++)
		if (d != t && g_hash_table_size(v->down[d]))
			inv_fail(v, "a domain that lost the keyboard still holds keys");
	if (t != -2 && g_hash_table_size(v->kdown))
		inv_fail(v, "the kiosk lost the keyboard but still holds keys");
}

static void inv_key(void *ud, int d, uint32_t sc, bool down)
{
	struct inv *v = ud;
	if (d < 0 || d > 1 || !sc) {
		inv_fail(v, "key for an unknown domain or without scancode");
		return;
	}
	/* releases also go to a former target when it loses the keyboard */
	if (down && d != target_now(v))
		inv_fail(v, "key press sent to a domain that is not the keyboard target");
	v->keys_delivered++;
	if (down)
		g_hash_table_add(v->down[d], GUINT_TO_POINTER(sc));
	else if (!g_hash_table_remove(v->down[d], GUINT_TO_POINTER(sc)))
		inv_fail(v, "release of a key the domain never saw go down");
}

static void inv_kkey(void *ud, const struct tsr_input_kiosk_key *k)
{
	struct inv *v = ud;
	if (k->state != TSR_INPUT_KEY_UP && target_now(v) != -2)
		inv_fail(v, "kiosk key press while a domain has the keyboard");
	if (k->source == 2)
		inv_fail(v, "kiosk key from a domains-only source");
	if (k->state == TSR_INPUT_KEY_DOWN)
		g_hash_table_add(v->kdown, GUINT_TO_POINTER(k->code));
	else if (k->state == TSR_INPUT_KEY_UP &&
		 !g_hash_table_remove(v->kdown, GUINT_TO_POINTER(k->code)))
		inv_fail(v, "kiosk got a release of a key it never saw go down");
}

static void inv_button(void *ud, int d, enum tsr_input_button b, bool down, uint32_t mask)
{
	struct inv *v = ud;
	uint32_t bit = TSR_INPUT_BUTTON_MASK(b);
	if (d < 0 || d > 1) {
		inv_fail(v, "button for an unknown domain");
		return;
	}
	v->buttons_delivered++;
	if (b == TSR_INPUT_BUTTON_UP || b == TSR_INPUT_BUTTON_DOWN)
		return; /* wheel: press and release together */
	if (down) {
		if (v->buttons[d] & bit)
			inv_fail(v, "button pressed twice");
		v->buttons[d] |= bit;
	} else {
		if (!(v->buttons[d] & bit))
			inv_fail(v, "release of a button the domain never saw go down");
		v->buttons[d] &= ~bit;
	}
	if ((mask & ~(TSR_INPUT_BUTTON_MASK(TSR_INPUT_BUTTON_UP) |
		      TSR_INPUT_BUTTON_MASK(TSR_INPUT_BUTTON_DOWN))) != v->buttons[d])
		inv_fail(v, "button mask disagrees with the presses and releases");
}

static void inv_action(void *ud, enum tsr_input_action a, int arg, uint32_t source)
{
	struct inv *v = ud;
	(void)source;
	v->actions[a & 7]++;
	if (a == TSR_INPUT_ACTION_SAS) {
		if (!tsr_input_router_get_kiosk_grab(v->r))
			inv_fail(v, "SAS reported before the kiosk took input");
		for (int d = 0; d < 2; d++)
			if (g_hash_table_size(v->down[d]) || v->buttons[d])
				inv_fail(v, "SAS reported while a domain still holds keys or buttons");
	}
	if (a == TSR_INPUT_ACTION_FOCUS_SLOT && arg <= 2)
		tsr_input_router_set_focus(v->r, arg - 1);
	if (a == TSR_INPUT_ACTION_CYCLE_FOCUS)
		tsr_input_router_set_focus(v->r, tsr_input_router_get_focus(v->r) == 0);
	if (a == TSR_INPUT_ACTION_LOCK)
		tsr_input_router_set_kiosk_grab(v->r, true);
	check_only_target_holds(v);
}

static void inv_size(void *ud, int *w, int *h)
{
	(void)ud;
	*w = 1000;
	*h = 500;
}

static bool inv_area(void *ud, int domain, struct tsr_input_domain_area *out)
{
	(void)ud;
	if (domain < 0 || domain > 1)
		return false;
	*out = (struct tsr_input_domain_area){ domain, { 10 + domain * 500, 30, 480, 460 }, 640, 480 };
	return true;
}

static bool inv_at(void *ud, int x, int y, struct tsr_input_domain_area *out)
{
	for (int d = 0; d < 2; d++) {
		inv_area(ud, d, out);
		if (x >= out->content.x && x < out->content.x + out->content.w &&
		    y >= out->content.y && y < out->content.y + out->content.h)
			return true;
	}
	return false;
}

static void test_random_sequences(void)
{
	static const uint16_t keys[] = { KEY_LEFTCTRL, KEY_RIGHTCTRL, KEY_LEFTALT, KEY_LEFTSHIFT,
					 KEY_LEFTMETA, KEY_RIGHTMETA, KEY_A, KEY_B, KEY_1, KEY_2,
					 KEY_TAB, KEY_L, KEY_BACKSPACE, KEY_SPACE, KEY_UP,
					 KEY_LINEFEED };
	static const uint16_t buttons[] = { BTN_LEFT, BTN_RIGHT, BTN_MIDDLE };
	struct inv v = { 0 };
	struct tsr_input_sinks sinks = { .user_data = &v, .domain_key = inv_key,
					 .domain_button = inv_button, .kiosk_key = inv_kkey,
					 .kiosk_action = inv_action };
	struct tsr_input_geometry geo = { &v, inv_size, inv_at, inv_area };

	for (guint32 seed = 1; seed <= 300; seed++) {
		v.rand = g_rand_new_with_seed(seed);
		for (int d = 0; d < 2; d++) {
			v.down[d] = g_hash_table_new(NULL, NULL);
			v.buttons[d] = 0;
		}
		v.kdown = g_hash_table_new(NULL, NULL);
		struct tsr_input_router_options o = { .click_to_focus = g_rand_boolean(v.rand) };
		v.r = tsr_input_router_create(&sinks, &geo, NULL, &o);
		bool present[4] = { false };
		for (int step = 0; step < 400; step++) {
			uint32_t src = (uint32_t)g_rand_int_range(v.rand, 0, 4);
			int what = g_rand_int_range(v.rand, 0, 100);
			if (!present[src] || what < 2) {
				if (present[src]) {
					tsr_input_router_device_removed(v.r, src);
				} else {
					struct tsr_input_device dev = {
						.source = src, .name = "random",
						.caps = src == 3 ? TSR_INPUT_CAP_ABSOLUTE
								 : TSR_INPUT_CAP_KEYBOARD | TSR_INPUT_CAP_POINTER,
						.abs_x = { 0, 32767 }, .abs_y = { 0, 32767 },
						.domains_only = src == 2 };
					g_assert_true(tsr_input_router_device_added(v.r, &dev));
				}
				present[src] = !present[src];
			} else if (what < 60) {
				uint16_t k = keys[g_rand_int_range(v.rand, 0, G_N_ELEMENTS(keys))];
				tsr_input_router_evdev(v.r, src, EV_KEY, k, g_rand_int_range(v.rand, 0, 3));
				tsr_input_router_evdev(v.r, src, EV_SYN, SYN_REPORT, 0);
			} else if (what < 75) {
				uint16_t b = buttons[g_rand_int_range(v.rand, 0, G_N_ELEMENTS(buttons))];
				tsr_input_router_evdev(v.r, src, EV_KEY, b, g_rand_int_range(v.rand, 0, 2));
				tsr_input_router_evdev(v.r, src, EV_SYN, SYN_REPORT, 0);
			} else if (what < 85) {
				if (src == 3) {
					tsr_input_router_evdev(v.r, src, EV_ABS, ABS_X,
							       g_rand_int_range(v.rand, 0, 32768));
					tsr_input_router_evdev(v.r, src, EV_ABS, ABS_Y,
							       g_rand_int_range(v.rand, 0, 32768));
				} else {
					tsr_input_router_evdev(v.r, src, EV_REL, REL_X,
							       g_rand_int_range(v.rand, -400, 400));
					tsr_input_router_evdev(v.r, src, EV_REL, REL_WHEEL,
							       g_rand_int_range(v.rand, -1, 2));
				}
				tsr_input_router_evdev(v.r, src, EV_SYN, SYN_REPORT, 0);
			} else if (what < 92) {
				tsr_input_router_set_focus(v.r, g_rand_int_range(v.rand, -1, 2));
			} else if (what < 97) {
				tsr_input_router_set_kiosk_grab(v.r, g_rand_boolean(v.rand));
			} else {
				tsr_input_router_evdev(v.r, src, EV_SYN, SYN_DROPPED, 0);
			}
			check_only_target_holds(&v);
		}
		for (uint32_t src = 0; src < 4; src++)
			if (present[src])
				tsr_input_router_device_removed(v.r, src);
		/* every device gone: nothing may be held anywhere */
		for (int d = 0; d < 2; d++)
			if (g_hash_table_size(v.down[d]) || v.buttons[d])
				inv_fail(&v, "keys or buttons still down after every device went away");
		if (g_hash_table_size(v.kdown))
			inv_fail(&v, "kiosk keys still down after every device went away");
		if (v.violations)
			g_test_message("seed %u", seed);
		g_assert_cmpint(v.violations, ==, 0);
		tsr_input_router_destroy(v.r);
		for (int d = 0; d < 2; d++)
			g_hash_table_destroy(v.down[d]);
		g_hash_table_destroy(v.kdown);
		g_rand_free(v.rand);
	}
	/* the sequences did reach the interesting paths */
	g_test_message("keys %u buttons %u sas %u focus-slot %u cycle %u lock %u click-focus %u",
		       v.keys_delivered, v.buttons_delivered, v.actions[TSR_INPUT_ACTION_SAS],
		       v.actions[TSR_INPUT_ACTION_FOCUS_SLOT], v.actions[TSR_INPUT_ACTION_CYCLE_FOCUS],
		       v.actions[TSR_INPUT_ACTION_LOCK], v.actions[TSR_INPUT_ACTION_FOCUS_DOMAIN]);
	g_assert_cmpuint(v.keys_delivered, >, 1000);
	g_assert_cmpuint(v.buttons_delivered, >, 100);
	for (int a = TSR_INPUT_ACTION_FOCUS_SLOT; a <= TSR_INPUT_ACTION_LOCK; a++)
		g_assert_cmpuint(v.actions[a], >, 0);
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
	g_test_add_func("/input/router/random-sequences-keep-invariants", test_random_sequences);
	g_test_add_func("/input/router/script-reader-rejects-malformed-lines",
			test_script_reader_rejects);
	int ret = g_test_run();
	g_ptr_array_free(names, true);
	g_ptr_array_free(paths, true);
	return ret;
}
