/* Several outputs: where they sit (policy order or the card's, left to right), where the
 * pointer lands when it crosses from one to the next, which output shows each domain, the
 * hotkey that moves one, and where domains go when a monitor is unplugged and plugged back
 * (kiosk/arrangement.h, kiosk/placement.h). */
#include "config.h"
#include "kiosk/arrangement.h"
#include "kiosk/placement.h"
#include "tests/harness/cases.h"

#include <glib.h>
#include <string.h>

static const struct tsr_connector_state laptop_and_monitor[] = {
	{ "eDP-1", 1920, 1080 },
	{ "HDMI-A-1", 2560, 1440 },
	{ "DP-1", 0, 0 },
};

static void arrange(struct tsr_arrangement *a, const char *const *names, int n)
{
	struct tsr_connector_state c[8];

	g_assert_cmpint(n, <=, 8);
	for (int i = 0; i < n; i++) {
		g_strlcpy(c[i].name, names[i], sizeof c[i].name);
		c[i].width = 1920;
		c[i].height = 1080;
	}
	tsr_arrangement_compute(c, n, NULL, a);
}

static void test_default_left_to_right(void)
{
	struct tsr_arrangement a;

	tsr_arrangement_compute(laptop_and_monitor, 3, NULL, &a);
	g_assert_cmpint(a.n, ==, 2);
	g_assert_cmpstr(a.out[0].name, ==, "eDP-1");
	g_assert_cmpint(a.out[0].rect.x, ==, 0);
	g_assert_cmpint(a.out[0].rect.width, ==, 1920);
	g_assert_cmpstr(a.out[1].name, ==, "HDMI-A-1");
	g_assert_cmpint(a.out[1].rect.x, ==, 1920);
	g_assert_cmpint(a.out[1].rect.y, ==, 0);
	g_assert_cmpint(a.out[1].rect.height, ==, 1440);
	g_assert_cmpint(tsr_arrangement_width(&a), ==, 4480);
	g_assert_cmpint(tsr_arrangement_find(&a, "DP-1"), ==, -1);
	g_assert_cmpint(tsr_arrangement_find(&a, "HDMI-A-1"), ==, 1);
}

static void test_policy_order(void)
{
	const char *const order[] = { "DP-9", "HDMI-A-1", "HDMI-A-1", NULL };
	struct tsr_arrangement a;

	tsr_arrangement_compute(laptop_and_monitor, 3, order, &a);
	g_assert_cmpint(a.n, ==, 2);
	g_assert_cmpstr(a.out[0].name, ==, "HDMI-A-1");
	g_assert_cmpint(a.out[0].rect.x, ==, 0);
	g_assert_cmpstr(a.out[1].name, ==, "eDP-1");
	g_assert_cmpint(a.out[1].rect.x, ==, 2560);
}

static void test_at_most_four(void)
{
	const char *const names[] = { "A-1", "A-2", "A-1", "", "A-3", "A-4", "A-5" };
	struct tsr_arrangement a;

	arrange(&a, names, 7);
	g_assert_cmpint(a.n, ==, TSR_ARRANGEMENT_MAX);
	g_assert_cmpstr(a.out[3].name, ==, "A-4");
	g_assert_cmpint(tsr_arrangement_find(&a, "A-5"), ==, -1);
	g_assert_cmpint(a.out[3].rect.x, ==, 3 * 1920);
}

/* Pointer motions on the laptop (0, 1920x1080) and the monitor right of it (1, 2560x1440). */
static const struct {
	const char *why;
	struct tsr_output_point from;
	int32_t dx, dy;
	struct tsr_output_point want;
} crossings[] = {
	{ "right across the edge: the monitor's column 10, same row", { 0, 1910, 500 }, 20, 0,
	  { 1, 10, 500 } },
	{ "the laptop's last column to the monitor's first", { 0, 1919, 0 }, 1, 0, { 1, 0, 0 } },
	{ "and back", { 1, 0, 0 }, -1, 0, { 0, 1919, 0 } },
	{ "off the taller monitor's low rows: the laptop's bottom row", { 1, 5, 1400 }, -10, 0,
	  { 0, 1915, 1079 } },
	{ "past the row's right end and the bottom: the corner", { 1, 2550, 1430 }, 100, 100,
	  { 1, 2559, 1439 } },
	{ "past the left end and the top: the origin", { 0, 3, 2 }, -5000, -3, { 0, 0, 0 } },
};

static void test_pointer_crossing(void)
{
	struct tsr_arrangement a;
	struct tsr_output_point p, q;

	tsr_arrangement_compute(laptop_and_monitor, 3, NULL, &a);
	for (size_t i = 0; i < G_N_ELEMENTS(crossings); i++) {
		g_test_message("%s", crossings[i].why);
		g_assert_true(tsr_arrangement_move(&a, &crossings[i].from, crossings[i].dx,
						   crossings[i].dy, &q));
		g_assert_cmpint(q.out, ==, crossings[i].want.out);
		g_assert_cmpint(q.x, ==, crossings[i].want.x);
		g_assert_cmpint(q.y, ==, crossings[i].want.y);
	}
	/* A point on no output refuses and leaves the answer alone. */
	q = (struct tsr_output_point){ 7, 7, 7 };
	p = (struct tsr_output_point){ 2, 0, 0 };
	g_assert_false(tsr_arrangement_move(&a, &p, 1, 1, &q));
	g_assert_cmpint(q.out, ==, 7);
	tsr_arrangement_compute(laptop_and_monitor, 0, NULL, &a);
	g_assert_false(tsr_arrangement_locate(&a, 0, 0, &q));
	g_assert_cmpint(q.out, ==, 7);
}

/* Outputs of 1920x1080, no domain shown. */
static void three_outputs(struct tsr_arrangement *a, struct tsr_placement *p)
{
	const char *const names[] = { "A-1", "A-2", "A-3" };

	arrange(a, names, 3);
	tsr_placement_init(p);
}

static void show_all(struct tsr_placement *p, const struct tsr_arrangement *a,
		     const char *const *domains, int on)
{
	for (int i = 0; domains[i]; i++)
		g_assert_true(tsr_placement_show(p, a, domains[i], on));
}

/* The domains output name shows, in order, as "a b c". */
static char *shown_on(const struct tsr_placement *p, const char *name)
{
	GString *s = g_string_new(NULL);

	for (int i = 0; i < tsr_placement_count_on(p, name); i++)
		g_string_append_printf(s, "%s%s", i ? " " : "", tsr_placement_nth_on(p, name, i));
	g_assert_null(tsr_placement_nth_on(p, name, tsr_placement_count_on(p, name)));
	return g_string_free(s, FALSE);
}

#define ASSERT_SHOWN(p, name, want)                                                                \
	do {                                                                                       \
		g_autofree char *got_ = shown_on(p, name);                                         \
		g_assert_cmpstr(got_, ==, want);                                                   \
	} while (0)

static void test_show_on_picked_or_nearest(void)
{
	const char *const five[] = { "w", "x", "y", "z", "v", NULL };
	struct tsr_arrangement a;
	struct tsr_placement p;

	three_outputs(&a, &p);
	show_all(&p, &a, five, 1);
	/* Four fit on A-2; the fifth goes to the nearest, the left one on a tie. */
	ASSERT_SHOWN(&p, "A-2", "w x y z");
	ASSERT_SHOWN(&p, "A-1", "v");
	g_assert_cmpint(tsr_placement_output_of(&p, &a, "v"), ==, 0);
	/* Shown already: stays. */
	g_assert_true(tsr_placement_show(&p, &a, "v", 2));
	g_assert_cmpint(tsr_placement_output_of(&p, &a, "v"), ==, 0);
	/* Bad names change nothing. */
	char long_name[TSR_PLACEMENT_NAME_SIZE + 1];

	memset(long_name, 'n', sizeof long_name - 1);
	long_name[sizeof long_name - 1] = '\0';
	g_assert_false(tsr_placement_show(&p, &a, long_name, 2));
	g_assert_false(tsr_placement_show(&p, &a, "", 2));
	g_assert_cmpint(p.n, ==, 5);
	tsr_placement_remove(&p, "x");
	tsr_placement_remove(&p, "nosuch");
	ASSERT_SHOWN(&p, "A-2", "w y z");
	g_assert_cmpint(tsr_placement_output_of(&p, &a, "x"), ==, -1);
}

static void test_hotkey_move(void)
{
	const char *const full[] = { "f1", "f2", "f3", "f4", NULL };
	struct tsr_arrangement a;
	struct tsr_placement p;

	three_outputs(&a, &p);
	g_assert_true(tsr_placement_show(&p, &a, "mail", 0));
	g_assert_true(tsr_placement_show(&p, &a, "web", 0));
	g_assert_true(tsr_placement_move(&p, &a, "mail", 1));
	ASSERT_SHOWN(&p, "A-1", "web");
	ASSERT_SHOWN(&p, "A-2", "mail");
	/* A full output is skipped; the row's end stops the move. */
	show_all(&p, &a, full, 2);
	g_assert_false(tsr_placement_move(&p, &a, "mail", 1));
	g_assert_true(tsr_placement_move(&p, &a, "mail", -1));
	g_assert_false(tsr_placement_move(&p, &a, "mail", -1));
	ASSERT_SHOWN(&p, "A-1", "web mail");
	g_assert_true(tsr_placement_move(&p, &a, "web", 1));
	ASSERT_SHOWN(&p, "A-2", "web");
	tsr_placement_remove(&p, "f4");
	g_assert_true(tsr_placement_move(&p, &a, "web", 1));
	ASSERT_SHOWN(&p, "A-3", "f1 f2 f3 web");
	ASSERT_SHOWN(&p, "A-2", "");
	g_assert_false(tsr_placement_move(&p, &a, "nosuch", 1));
	g_assert_false(tsr_placement_move(&p, &a, "mail", 2));
}

static void test_unplug_to_nearest_in_order(void)
{
	const char *const two[] = { "A-1", "A-3" };
	struct tsr_arrangement before, after;
	struct tsr_placement p;

	three_outputs(&before, &p);
	g_assert_true(tsr_placement_show(&p, &before, "a", 0));
	g_assert_true(tsr_placement_show(&p, &before, "b1", 1));
	g_assert_true(tsr_placement_show(&p, &before, "c", 2));
	g_assert_true(tsr_placement_show(&p, &before, "b2", 1));
	arrange(&after, two, 2);
	g_assert_cmpint(tsr_placement_update(&p, &before, &after), ==, 2);
	/* A-2's domains went left (a tie with A-3), keeping their order behind a. */
	ASSERT_SHOWN(&p, "A-1", "a b1 b2");
	ASSERT_SHOWN(&p, "A-3", "c");
	ASSERT_SHOWN(&p, "A-2", "");
	/* The table still holds all four: none stopped. */
	g_assert_cmpint(p.n, ==, 4);
}

/* A new monitor gets an empty part of the desktop; unplugged and plugged back, its domains go
 * away to the laptop's screen and come home. */
static void test_plug_back_goes_home(void)
{
	const char *const two[] = { "eDP-1", "HDMI-A-1" };
	struct tsr_arrangement docked, laptop;
	struct tsr_placement p;

	arrange(&docked, two, 2);
	arrange(&laptop, two, 1);
	tsr_placement_init(&p);
	g_assert_true(tsr_placement_show(&p, &laptop, "work", 0));
	g_assert_cmpint(tsr_placement_update(&p, &laptop, &docked), ==, 0);
	ASSERT_SHOWN(&p, "HDMI-A-1", "");
	g_assert_true(tsr_placement_show(&p, &docked, "mail", 1));
	g_assert_true(tsr_placement_show(&p, &docked, "web", 1));
	g_assert_cmpint(tsr_placement_update(&p, &docked, &laptop), ==, 2);
	ASSERT_SHOWN(&p, "eDP-1", "work mail web");
	g_assert_cmpint(tsr_placement_update(&p, &laptop, &docked), ==, 2);
	ASSERT_SHOWN(&p, "eDP-1", "work");
	ASSERT_SHOWN(&p, "HDMI-A-1", "mail web");
	/* Nothing changed: nothing moves. */
	g_assert_cmpint(tsr_placement_update(&p, &docked, &docked), ==, 0);
}

static void test_down_to_zero_and_another_back(void)
{
	const char *const names[] = { "A-1", "A-2" };
	const char *const other[] = { "HDMI-A-3" };
	const char *const six[] = { "d1", "d2", "d3", "d4", "d5", "d6", NULL };
	struct tsr_arrangement two, none, another;
	struct tsr_placement p;

	arrange(&two, names, 2);
	arrange(&none, names, 0);
	arrange(&another, other, 1);
	tsr_placement_init(&p);
	show_all(&p, &two, six, 0);
	ASSERT_SHOWN(&p, "A-1", "d1 d2 d3 d4");
	ASSERT_SHOWN(&p, "A-2", "d5 d6");
	g_assert_cmpint(tsr_placement_update(&p, &two, &none), ==, 6);
	g_assert_cmpint(tsr_placement_output_of(&p, &none, "d1"), ==, -1);
	g_assert_cmpint(p.n, ==, 6);
	/* Another monitor shows the same desktop, as much of it as fits, in its order. */
	g_assert_cmpint(tsr_placement_update(&p, &none, &another), ==, 4);
	ASSERT_SHOWN(&p, "HDMI-A-3", "d1 d2 d3 d4");
	/* A full output leaves the rest nowhere until room appears; then they come. */
	tsr_placement_remove(&p, "d2");
	g_assert_cmpint(tsr_placement_update(&p, &another, &another), ==, 1);
	ASSERT_SHOWN(&p, "HDMI-A-3", "d1 d3 d4 d5");
	/* Their own outputs back: everyone home. */
	g_assert_cmpint(tsr_placement_update(&p, &another, &two), ==, 5);
	ASSERT_SHOWN(&p, "A-1", "d1 d3 d4");
	ASSERT_SHOWN(&p, "A-2", "d5 d6");
}

static const struct {
	const char *name;
	void (*func)(void);
} cases[] = {
	{ "two-head-default-arrangement-is-left-to-right", test_default_left_to_right },
	{ "two-head-policy-order-by-connector-name", test_policy_order },
	{ "two-head-at-most-four-outputs", test_at_most_four },
	{ "two-head-pointer-crosses-to-the-neighbour", test_pointer_crossing },
	{ "two-head-domain-on-picked-output-or-nearest", test_show_on_picked_or_nearest },
	{ "two-head-hotkey-moves-a-domain", test_hotkey_move },
	{ "hotplug-unplug-moves-domains-to-the-nearest", test_unplug_to_nearest_in_order },
	{ "hotplug-new-output-starts-empty-and-plug-back-returns-home", test_plug_back_goes_home },
	{ "hotplug-down-to-zero-and-another-back", test_down_to_zero_and_another_back },
};

static void run_case(const void *data)
{
	const typeof(cases[0]) *c = data;

	c->func();
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	TSR_TEST_ADD_CASES("/kiosk-outputs", cases, run_case);
	return g_test_run();
}
