/* tests/unit/kiosk-heads-test.c: the kiosk's outputs and the domains on them (kiosk/heads.h).
 *
 * Two headless outputs stand in for two monitors; a hotplug is an output's size going to 0x0
 * and back, as the drm output reports it (renderer/output-backend.h). Proves: each output has
 * a scene of its own size, in one row on the router's desktop; a domain picked with the
 * pointer on an output is shown there; the move hotkey moves the focused domain to the next
 * output and stops at the row's end; unplugging an output moves its domain to the other one
 * (same display, same router id, focus kept) and plugging it back brings it home; with no
 * output at all and one back the same desktop returns; [outputs] order swaps the row; the
 * console's pointer ranges put it on the first head wherever that stands; with the first head
 * unplugged the session is still told of the frames shown; a redraw that changes no pixel leaves
 * the first head settled (no frame will come), one that does does not. Mirrored ([outputs] mode
 * = mirror): one desktop of the smaller output's size holds every domain, the larger output
 * shows exactly its pixels centred on black (also after a change), the move hotkey does
 * nothing, the console lands where the first head shows the desktop, the smaller output
 * unplugged makes the other the desktop, and extend again brings the domains home. */
#include "config.h"
#include "kiosk/heads.h"

#include "renderer/output-backend.h"
#include "renderer/png.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

struct fixture {
	struct tsr_kiosk_heads *heads;
	struct tsr_displays *displays;
	int changed;
	int first_frames;
};

static void on_changed(void *data)
{
	((struct fixture *)data)->changed++;
}

static void on_first_head_frame(void *data)
{
	((struct fixture *)data)->first_frames++;
}

static const struct tsr_kiosk_heads_hooks hooks = { .changed = on_changed,
						    .first_head_frame = on_first_head_frame };

static void setup(struct fixture *f)
{
	GError *error = NULL;

	memset(f, 0, sizeof *f);
	f->heads = tsr_kiosk_heads_open("headless:1280x800,headless:1024x768", -1, NULL, &error);
	g_assert_no_error(error);
	g_assert_nonnull(f->heads);
	g_assert_cmpint(tsr_kiosk_heads_count(f->heads), ==, 2);
	f->displays = tsr_displays_create(tsr_kiosk_heads_get(f->heads, 0)->scene, NULL, NULL);
	tsr_kiosk_heads_set_displays(f->heads, f->displays);
	tsr_kiosk_heads_set_hooks(f->heads, &hooks, f);
}

static void teardown(struct fixture *f)
{
	tsr_displays_destroy(f->displays);
	tsr_kiosk_heads_destroy(f->heads);
}

/* A domain shown as broker mode shows a pick: placed under the pointer, then displayed. */
static void show(struct fixture *f, const char *domain, int x, int y)
{
	GError *error = NULL;

	tsr_kiosk_heads_show(f->heads, domain, x, y);
	g_assert_true(tsr_displays_show(f->displays, domain, TSR_COLOR_BLUE, &error));
	g_assert_no_error(error);
}

/* work picked on the left output, home on the right one. */
static void setup_work_and_home(struct fixture *f)
{
	setup(f);
	show(f, "work", 100, 100);
	show(f, "home", 1300, 100);
}

static struct tsr_scene *scene_of_head(struct fixture *f, int i)
{
	return tsr_kiosk_heads_get(f->heads, i)->scene;
}

static void plug(struct fixture *f, int head, int32_t w, int32_t h)
{
	tsr_output_backend_set_size(tsr_kiosk_heads_get(f->heads, head)->output, w, h);
}

static void test_two_heads_in_a_row(void)
{
	struct fixture f;
	struct tsr_input_geometry g;
	const struct tsr_arrangement *a;
	int w = 0, h = 0, head = -1;
	int32_t lx, ly;

	setup(&f);
	a = tsr_kiosk_heads_arrangement(f.heads);
	g_assert_cmpint(a->n, ==, 2);
	g_assert_cmpstr(a->out[0].name, ==, "headless-1");
	g_assert_cmpint(a->out[1].rect.x, ==, 1280);
	g_assert_cmpint(tsr_scene_shadow(scene_of_head(&f, 1))->width, ==, 1024);
	tsr_displays_geometry(f.displays, &g);
	g.desktop_size(g.user_data, &w, &h);
	g_assert_cmpint(w, ==, 1280 + 1024);
	g_assert_cmpint(h, ==, 800);
	g_assert_true(tsr_kiosk_heads_locate(f.heads, 1290, 790, &head, &lx, &ly));
	g_assert_cmpint(head, ==, 1);
	g_assert_cmpint(lx, ==, 10);
	g_assert_cmpint(ly, ==, 767); /* below the shorter output: its bottom row */
	teardown(&f);
}

static void test_domain_on_the_output_it_was_picked_on(void)
{
	struct fixture f;

	setup_work_and_home(&f);
	g_assert_true(tsr_displays_scene_of(f.displays, "work") == scene_of_head(&f, 0));
	g_assert_true(tsr_displays_scene_of(f.displays, "home") == scene_of_head(&f, 1));
	g_assert_cmpint(tsr_kiosk_heads_of(f.heads, "home"), ==, 1);
	/* Each output shows its own domain in a single-domain layout. */
	tsr_kiosk_heads_set_layout(f.heads, TSR_LAYOUT_SINGLE);
	tsr_kiosk_heads_focus(f.heads, "work");
	g_assert_true(tsr_scene_get_focus(scene_of_head(&f, 0)) ==
		      tsr_displays_scene_domain(f.displays, "work"));
	g_assert_true(tsr_scene_get_focus(scene_of_head(&f, 1)) ==
		      tsr_displays_scene_domain(f.displays, "home"));
	teardown(&f);
}

static void test_move_hotkey(void)
{
	struct fixture f;
	int id;

	setup(&f);
	show(&f, "work", 100, 100);
	id = tsr_displays_id(f.displays, "work");
	g_assert_false(tsr_kiosk_heads_move(f.heads, "work", -1)); /* the row's left end */
	g_assert_true(tsr_kiosk_heads_move(f.heads, "work", 1));
	g_assert_true(tsr_displays_scene_of(f.displays, "work") == scene_of_head(&f, 1));
	g_assert_cmpint(tsr_displays_id(f.displays, "work"), ==, id);
	g_assert_false(tsr_kiosk_heads_move(f.heads, "work", 1));
	g_assert_false(tsr_kiosk_heads_move(f.heads, "nobody", -1));
	g_assert_false(tsr_kiosk_heads_move(f.heads, NULL, -1));
	teardown(&f);
}

static void test_hotplug_moves_and_brings_back(void)
{
	struct fixture f;
	int id;

	setup_work_and_home(&f);
	id = tsr_displays_id(f.displays, "home");
	tsr_kiosk_heads_focus(f.heads, "home");
	plug(&f, 1, 0, 0);
	g_assert_cmpint(f.changed, ==, 1);
	g_assert_cmpint(tsr_kiosk_heads_arrangement(f.heads)->n, ==, 1);
	g_assert_true(tsr_displays_scene_of(f.displays, "home") == scene_of_head(&f, 0));
	g_assert_cmpint(tsr_displays_id(f.displays, "home"), ==, id);
	tsr_kiosk_heads_focus(f.heads, "home");
	g_assert_true(tsr_scene_get_focus(scene_of_head(&f, 0)) ==
		      tsr_displays_scene_domain(f.displays, "home"));
	g_assert_null(tsr_scene_shadow(scene_of_head(&f, 1)));
	plug(&f, 1, 1024, 768); /* a headless output has buffers of one size: back to it */
	g_assert_cmpint(f.changed, ==, 2);
	g_assert_true(tsr_displays_scene_of(f.displays, "home") == scene_of_head(&f, 1));
	g_assert_true(tsr_displays_scene_of(f.displays, "work") == scene_of_head(&f, 0));
	g_assert_cmpint(tsr_scene_shadow(scene_of_head(&f, 1))->width, ==, 1024);
	teardown(&f);
}

static void test_hotplug_zero_outputs_and_back(void)
{
	struct fixture f;
	struct tsr_input_geometry g;
	int w = -1, h = -1;

	setup_work_and_home(&f);
	plug(&f, 1, 0, 0);
	plug(&f, 0, 0, 0);
	g_assert_cmpint(tsr_kiosk_heads_arrangement(f.heads)->n, ==, 0);
	tsr_displays_geometry(f.displays, &g);
	g.desktop_size(g.user_data, &w, &h);
	g_assert_cmpint(w, ==, 0);
	/* Still shown (the viewers carry on), on no output. */
	g_assert_nonnull(tsr_displays_scene_of(f.displays, "work"));
	g_assert_nonnull(tsr_displays_scene_of(f.displays, "home"));
	/* The other monitor comes back first: the whole desktop goes there. */
	plug(&f, 1, 1024, 768);
	g_assert_true(tsr_displays_scene_of(f.displays, "work") == scene_of_head(&f, 1));
	g_assert_true(tsr_displays_scene_of(f.displays, "home") == scene_of_head(&f, 1));
	plug(&f, 0, 1280, 800);
	g_assert_true(tsr_displays_scene_of(f.displays, "work") == scene_of_head(&f, 0));
	g_assert_true(tsr_displays_scene_of(f.displays, "home") == scene_of_head(&f, 1));
	teardown(&f);
}

/* Main-loop turns until the first-head hook ran, at most 2 s. */
static bool first_frame_within_2s(struct fixture *f)
{
	gint64 end = g_get_monotonic_time() + 2 * G_USEC_PER_SEC;

	f->first_frames = 0;
	while (f->first_frames == 0 && g_get_monotonic_time() < end)
		g_main_context_iteration(NULL, FALSE);
	return f->first_frames > 0;
}

/* The session learns what is on screen (the lock screen's acknowledgement) from the frames of
 * the leftmost output connected: with the first connector unplugged, the other one's. */
static void test_first_head_gone_frames_still_told(void)
{
	struct fixture f;

	setup(&f);
	g_assert_true(tsr_kiosk_heads_set_clock(f.heads, "12:01"));
	g_assert_true(first_frame_within_2s(&f));
	plug(&f, 0, 0, 0);
	g_assert_true(tsr_kiosk_heads_set_clock(f.heads, "12:02"));
	g_assert_true(first_frame_within_2s(&f));
	plug(&f, 0, 1280, 800);
	g_assert_true(tsr_kiosk_heads_set_clock(f.heads, "12:03"));
	g_assert_true(first_frame_within_2s(&f));
	teardown(&f);
}

/* A redraw that changes no pixel brings no frame: the heads say the first head is settled, so
 * broker mode tells the screen's new state at once (the domain list's closing answer, drawn
 * already with its domains, once waited for the next frame, seconds or never). */
static void test_first_head_settled(void)
{
	struct fixture f;

	setup(&f);
	g_assert_false(tsr_kiosk_heads_first_settled(f.heads)); /* the first frame is due */
	g_assert_true(tsr_kiosk_heads_set_clock(f.heads, "12:01"));
	g_assert_true(first_frame_within_2s(&f));
	g_assert_true(tsr_kiosk_heads_first_settled(f.heads));
	g_assert_true(tsr_kiosk_heads_set_clock(f.heads, "12:01"));
	g_assert_true(tsr_kiosk_heads_first_settled(f.heads));
	g_assert_false(first_frame_within_2s(&f));
	g_assert_true(tsr_kiosk_heads_set_clock(f.heads, "12:02"));
	g_assert_false(tsr_kiosk_heads_first_settled(f.heads));
	g_assert_true(first_frame_within_2s(&f));
	g_assert_true(tsr_kiosk_heads_first_settled(f.heads));
	teardown(&f);
}

static void test_policy_order(void)
{
	struct fixture f;
	const char *order[] = { "headless-2", NULL };
	const struct tsr_arrangement *a;

	setup(&f);
	tsr_kiosk_heads_set_order(f.heads, order);
	a = tsr_kiosk_heads_arrangement(f.heads);
	g_assert_cmpstr(a->out[0].name, ==, "headless-2");
	g_assert_cmpint(a->out[1].rect.x, ==, 1024);
	g_assert_cmpint(f.changed, ==, 1);
	tsr_kiosk_heads_set_order(f.heads, order); /* the same again: nothing to do */
	g_assert_cmpint(f.changed, ==, 1);
	teardown(&f);
}

/* The console mirrors the first head: its own pixels land on that head wherever it stands. */
static void test_console_ranges(void)
{
	struct fixture f;
	const char *order[] = { "headless-2", NULL };
	struct tsr_input_range x, y;

	setup(&f);
	g_assert_true(tsr_kiosk_heads_first_ranges(f.heads, &x, &y));
	g_assert_cmpint(x.min, ==, 0);
	g_assert_cmpint(x.max, ==, 1280 + 1024 - 1);
	g_assert_cmpint(y.max, ==, 799);
	tsr_kiosk_heads_set_order(f.heads, order); /* the first head now stands right */
	g_assert_true(tsr_kiosk_heads_first_ranges(f.heads, &x, &y));
	g_assert_cmpint(x.min, ==, -1024);
	g_assert_cmpint(x.max, ==, 1279);
	/* The router's scaling, (v - min) * (width - 1) / (max - min), is then v + 1024. */
	g_assert_cmpint((0 - x.min) * (2304 - 1) / (x.max - x.min), ==, 1024);
	plug(&f, 0, 0, 0);
	g_assert_false(tsr_kiosk_heads_first_ranges(f.heads, &x, &y));
	teardown(&f);
}

/* Main-loop turns until nothing is waiting (frames complete at once on headless outputs). */
static void settle(void)
{
	gint64 end = g_get_monotonic_time() + 2 * G_USEC_PER_SEC;

	while (g_get_monotonic_time() < end)
		if (!g_main_context_iteration(NULL, FALSE) &&
		    !g_main_context_iteration(NULL, FALSE))
			break;
}

static struct tsr_image *shot(struct fixture *f, int head)
{
	GError *error = NULL;
	g_autofree char *dir = g_dir_make_tmp("heads-mirror-XXXXXX", &error);
	g_autofree char *path = g_build_filename(dir, "shot.png", NULL);
	struct tsr_image *image;

	g_assert_no_error(error);
	g_assert_true(tsr_output_screenshot(tsr_kiosk_heads_get(f->heads, head)->output, path,
					    &error));
	g_assert_no_error(error);
	image = tsr_png_read(path, &error);
	g_assert_no_error(error);
	g_unlink(path);
	g_rmdir(dir);
	return image;
}

static uint32_t px(const struct tsr_image *image, int x, int y)
{
	return image->pixels[(size_t)y * (size_t)image->stride / 4 + (size_t)x] & 0xffffff;
}

/* The 1280x800 head shows the 1024x768 head's picture exactly, at (128, 16), black around. */
static void assert_mirrored(struct fixture *f)
{
	struct tsr_image *big = shot(f, 0), *small = shot(f, 1);
	size_t lit = 0;

	g_assert_cmpint(big->width, ==, 1280);
	g_assert_cmpint(small->width, ==, 1024);
	for (int y = 0; y < 800; y++)
		for (int x = 0; x < 1280; x++) {
			bool in = x >= 128 && x < 128 + 1024 && y >= 16 && y < 16 + 768;

			if (px(big, x, y) != (in ? px(small, x - 128, y - 16) : 0))
				g_error("(%d, %d): %06x on the larger head", x, y, px(big, x, y));
			lit += in && px(big, x, y) != 0;
		}
	g_assert_cmpuint(lit, >, 1024 * 20); /* a top bar at least: not two black pictures */
	tsr_image_destroy(big);
	tsr_image_destroy(small);
}

static void test_mirror_one_desktop(void)
{
	struct fixture f;
	struct tsr_input_geometry g;
	struct tsr_input_range x, y;
	int w = 0, h = 0, head = -1;
	int32_t lx, ly;

	setup_work_and_home(&f);
	tsr_kiosk_heads_set_mirror(f.heads, true);
	g_assert_cmpint(f.changed, ==, 1);
	const struct tsr_arrangement *a = tsr_kiosk_heads_arrangement(f.heads);
	g_assert_cmpint(a->n, ==, 1);
	g_assert_cmpstr(a->out[0].name, ==, "headless-2");
	g_assert_true(tsr_displays_scene_of(f.displays, "work") == scene_of_head(&f, 1));
	g_assert_true(tsr_displays_scene_of(f.displays, "home") == scene_of_head(&f, 1));
	tsr_displays_geometry(f.displays, &g);
	g.desktop_size(g.user_data, &w, &h);
	g_assert_cmpint(w, ==, 1024);
	g_assert_cmpint(h, ==, 768);
	g_assert_true(tsr_kiosk_heads_locate(f.heads, 1290, 790, &head, &lx, &ly));
	g_assert_cmpint(head, ==, 1);
	/* Nowhere to move to. */
	g_assert_false(tsr_kiosk_heads_move(f.heads, "work", 1));
	g_assert_false(tsr_kiosk_heads_move(f.heads, "work", -1));
	g_assert_true(tsr_kiosk_heads_set_clock(f.heads, "12:01"));
	settle();
	assert_mirrored(&f);
	/* A change on the desktop reaches the mirrored head too. */
	tsr_kiosk_heads_focus(f.heads, "home");
	g_assert_true(tsr_kiosk_heads_set_clock(f.heads, "23:59"));
	settle();
	assert_mirrored(&f);
	/* The console shows the first head: the desktop's (0, 0) is its (128, 16). */
	g_assert_true(tsr_kiosk_heads_first_ranges(f.heads, &x, &y));
	g_assert_cmpint(x.min, ==, 128);
	g_assert_cmpint(x.max, ==, 128 + 1023);
	g_assert_cmpint(y.min, ==, 16);
	g_assert_cmpint(y.max, ==, 16 + 767);
	teardown(&f);
}

static void test_mirror_hotplug_and_extend_again(void)
{
	struct fixture f;

	setup_work_and_home(&f);
	tsr_kiosk_heads_set_mirror(f.heads, true);
	/* The smaller output goes: the other is the desktop, at its own size, alone. */
	plug(&f, 1, 0, 0);
	g_assert_cmpstr(tsr_kiosk_heads_arrangement(f.heads)->out[0].name, ==, "headless-1");
	g_assert_true(tsr_displays_scene_of(f.displays, "home") == scene_of_head(&f, 0));
	g_assert_true(tsr_displays_scene_of(f.displays, "work") == scene_of_head(&f, 0));
	plug(&f, 1, 1024, 768);
	g_assert_true(tsr_displays_scene_of(f.displays, "home") == scene_of_head(&f, 1));
	g_assert_true(tsr_displays_scene_of(f.displays, "work") == scene_of_head(&f, 1));
	g_assert_true(tsr_kiosk_heads_set_clock(f.heads, "12:02"));
	settle();
	assert_mirrored(&f);
	/* Extend again: each domain goes home, each head shows its own scene. */
	tsr_kiosk_heads_set_mirror(f.heads, false);
	g_assert_cmpint(tsr_kiosk_heads_arrangement(f.heads)->n, ==, 2);
	g_assert_true(tsr_displays_scene_of(f.displays, "work") == scene_of_head(&f, 0));
	g_assert_true(tsr_displays_scene_of(f.displays, "home") == scene_of_head(&f, 1));
	g_assert_true(tsr_kiosk_heads_move(f.heads, "work", 1));
	teardown(&f);
}

static void test_bad_specs_refused(void)
{
	GError *error = NULL;

	g_assert_null(tsr_kiosk_heads_open("headless:1280x800,headless:0x0", -1, NULL, &error));
	g_assert_nonnull(error);
	g_clear_error(&error);
	g_assert_null(tsr_kiosk_heads_open("headless:8x8,headless:8x8,headless:8x8,headless:8x8,"
					   "headless:8x8", -1, NULL, &error));
	g_assert_nonnull(error);
	g_clear_error(&error);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/heads/two-head-outputs-in-a-row", test_two_heads_in_a_row);
	g_test_add_func("/heads/two-head-domain-on-the-output-it-was-picked-on",
			test_domain_on_the_output_it_was_picked_on);
	g_test_add_func("/heads/two-head-move-hotkey", test_move_hotkey);
	g_test_add_func("/heads/hotplug-unplug-moves-replug-brings-back",
			test_hotplug_moves_and_brings_back);
	g_test_add_func("/heads/hotplug-zero-outputs-and-back", test_hotplug_zero_outputs_and_back);
	g_test_add_func("/heads/hotplug-first-head-gone-frames-still-told",
			test_first_head_gone_frames_still_told);
	g_test_add_func("/heads/first-head-settled-after-a-redraw-that-changed-nothing",
			test_first_head_settled);
	g_test_add_func("/heads/two-head-policy-order", test_policy_order);
	g_test_add_func("/heads/two-head-console-lands-on-the-first-head", test_console_ranges);
	g_test_add_func("/heads/two-head-bad-specs-refused", test_bad_specs_refused);
	g_test_add_func("/heads/two-head-mirror-one-desktop-shown-on-both", test_mirror_one_desktop);
	g_test_add_func("/heads/two-head-mirror-hotplug-and-extend-again",
			test_mirror_hotplug_and_extend_again);
	return g_test_run();
}
