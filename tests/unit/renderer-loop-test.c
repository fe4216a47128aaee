/* tests/unit/renderer-loop-test.c: the render loop composes as soon as damage arrives and no
 * frame is in flight, coalesces changes made in one main-loop turn into one frame, waits for the
 * output's frame_done before the next, and adds no timer of its own (idle when nothing changed). */
#include "config.h"

#include "renderer/render-loop.h"

struct counter {
	int frames;
	int64_t area; /* of the rectangles handed to the frame callback */
	int32_t shadow_w;
};

static void on_frame(void *data, const struct tsr_image *shadow, const struct tsr_rect *rects, int n)
{
	struct counter *c = data;
	c->frames++;
	c->shadow_w = shadow->width;
	for (int i = 0; i < n; i++)
		c->area += (int64_t)rects[i].width * rects[i].height;
}

/* Run the context until cond or a generous bound of iterations (each blocks on real events). */
static void run_until_frames(GMainContext *ctx, struct counter *c, int want)
{
	gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
	while (c->frames < want) {
		g_assert_cmpint(g_get_monotonic_time(), <, deadline);
		g_main_context_iteration(ctx, TRUE);
	}
}

static void test_loop(void)
{
	GError *error = NULL;
	GMainContext *ctx = g_main_context_new();
	struct tsr_output *out = tsr_output_open("headless:320x200@200", &error);
	g_assert_no_error(error);
	/* The scene starts at another size: the loop fits it to the output. */
	struct tsr_scene *scene = tsr_scene_create(64, 64, &error);
	g_assert_no_error(error);
	struct tsr_render_loop *loop = tsr_render_loop_create(scene, out, ctx, &error);
	g_assert_no_error(error);
	g_assert_cmpint(tsr_scene_shadow(scene)->width, ==, 320);
	struct counter c = { 0 };
	tsr_render_loop_set_frame_callback(loop, on_frame, &c);

	run_until_frames(ctx, &c, 1);
	g_assert_cmpuint(tsr_output_bytes_copied(out), ==, 320 * 200 * 4);
	/* The callback saw what the output got: the shadow and the rectangles copied. */
	g_assert_cmpint(c.shadow_w, ==, 320);
	g_assert_cmpint(c.area * 4, ==, (int64_t)tsr_output_bytes_copied(out));
	/* Let the frame complete; then nothing is damaged and nothing is scheduled. */
	while (tsr_output_frame_pending(out))
		g_main_context_iteration(ctx, TRUE);
	g_assert_false(g_main_context_iteration(ctx, FALSE));
	g_assert_cmpint(c.frames, ==, 1);

	/* Three changes in one turn: one frame. */
	g_assert_true(tsr_scene_set_clock(scene, "10:00", &error));
	g_assert_true(tsr_scene_set_notification(scene, "hello", &error));
	tsr_scene_set_locked(scene, true);
	run_until_frames(ctx, &c, 2);
	g_assert_cmpint(c.frames, ==, 2);
	g_assert_true(tsr_output_frame_pending(out));

	/* A change while the frame is in flight waits for frame_done, then goes out at once. */
	tsr_scene_set_locked(scene, false);
	g_assert_true(tsr_output_frame_pending(out));
	g_assert_cmpint(c.frames, ==, 2);
	run_until_frames(ctx, &c, 3);
	g_assert_cmpuint(tsr_render_loop_frames(loop), ==, 3);
	g_assert_cmpint(c.area * 4, ==, (int64_t)tsr_output_bytes_copied(out));
	g_assert_cmpuint(tsr_output_frames(out), ==, 3);

	tsr_render_loop_destroy(loop);
	/* After destroy the scene no longer schedules anything on the context. */
	tsr_scene_set_locked(scene, true);
	while (g_main_context_iteration(ctx, FALSE))
		;
	g_assert_cmpint(c.frames, ==, 3);
	tsr_scene_destroy(scene);
	tsr_output_destroy(out);
	g_main_context_unref(ctx);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/renderer/loop/frames-on-damage-only-paced-by-output", test_loop);
	return g_test_run();
}
