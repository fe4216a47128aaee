/* renderer/render-demo.c: tessera-render-demo, a scene of built-in test patterns on any output,
 * so the compositor and its chrome can be seen (and screenshotted, and run on DRM in QEMU)
 * before viewers and the kiosk exist. A box moving across the first domain exercises damage. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <glib-unix.h>

#include "common/log.h"
#include "renderer/render-loop.h"
#include "renderer/demo-pattern.h"
#include "common/vt.h"

#define BOX 64

static const struct {
	const char *name;
	enum tsr_color color;
	enum tsr_pattern pattern;
	int32_t width, height;
} demo_domains[] = {
	{ "work", TSR_COLOR_BLUE, TSR_PATTERN_BARS, 1920, 1080 },
	{ "personal", TSR_COLOR_GREEN, TSR_PATTERN_CHECKER, 800, 600 },
	{ "banking", TSR_COLOR_RED, TSR_PATTERN_GRADIENT, 1024, 768 },
	{ "untrusted-web", TSR_COLOR_ORANGE, TSR_PATTERN_GRID, 320, 200 },
};

struct demo {
	GMainLoop *main;
	struct tsr_scene *scene;
	struct tsr_output *output;
	struct tsr_render_loop *loop;
	struct tsr_image *surfaces[4];
	struct tsr_scene_domain *domains[4];
	struct tsr_rect box;
	bool animate;
	guint64 frames_wanted;
	const char *screenshot;
	int status;
};

/* Move the box one step: restore what it uncovers, draw it anew, damage both. */
static void step_box(struct demo *demo)
{
	struct tsr_image *s = demo->surfaces[0];
	struct tsr_rect old = demo->box;
	tsr_pattern_fill(s, demo_domains[0].pattern, &old);
	demo->box.x = (demo->box.x + 16) % (s->width - BOX);
	demo->box.y = (int32_t)(s->height / 2 + (demo->box.x % 256) - 128);
	for (int32_t y = demo->box.y; y < demo->box.y + BOX; y++)
		for (int32_t x = demo->box.x; x < demo->box.x + BOX; x++)
			s->pixels[(size_t)y * (size_t)(s->stride / 4) + (size_t)x] = 0xffffff;
	tsr_scene_domain_damage(demo->domains[0], old.x, old.y, old.width, old.height);
	tsr_scene_domain_damage(demo->domains[0], demo->box.x, demo->box.y, BOX, BOX);
}

static void on_frame(void *data, const struct tsr_image *shadow, const struct tsr_rect *rects,
		     int n_rects)
{
	struct demo *demo = data;
	guint64 n = tsr_render_loop_frames(demo->loop);
	/* Still scenes have one frame only: --frames N then ends after it. */
	if (demo->frames_wanted != 0 && (n >= demo->frames_wanted || !demo->animate)) {
		if (demo->screenshot != NULL) {
			g_autoptr(GError) error = NULL;
			if (!tsr_output_screenshot(demo->output, demo->screenshot, &error)) {
				tsr_err("%s", error->message);
				demo->status = 1;
			}
		}
		g_main_loop_quit(demo->main);
		return;
	}
	if (demo->animate)
		step_box(demo);
}

static gboolean on_signal(gpointer data)
{
	struct demo *demo = data;
	g_main_loop_quit(demo->main);
	return G_SOURCE_CONTINUE;
}

/* --list-connectors: one line per connector of card, "NAME WxH" or "NAME disconnected". */
static int list_connectors(const char *card)
{
	struct tsr_output_connector c[TSR_OUTPUT_CONNECTORS_MAX];
	g_autoptr(GError) error = NULL;
	int fd = open(card, O_RDWR | O_CLOEXEC), n = 0;

	if (fd < 0) {
		tsr_err("--list-connectors %s: %s", card, g_strerror(errno));
		return 1;
	}
	bool ok = tsr_output_drm_connectors(fd, c, TSR_OUTPUT_CONNECTORS_MAX, &n, &error);

	close(fd);
	if (!ok) {
		tsr_err("--list-connectors %s: %s", card, error->message);
		return 1;
	}
	for (int i = 0; i < n; i++) {
		if (c[i].width > 0)
			printf("%s %dx%d\n", c[i].name, c[i].width, c[i].height);
		else
			printf("%s disconnected\n", c[i].name);
	}
	return 0;
}

int main(int argc, char **argv)
{
	tsr_log_init("tessera-render-demo", false);
	g_autofree char *output_spec = NULL, *layout_name = NULL, *filter_name = NULL;
	g_autofree char *screenshot = NULL, *clock_text = NULL, *notification = NULL;
	g_autofree char *focus_name = NULL, *vt_spec = NULL, *list_card = NULL;
	int n_domains = 4, frames = -1, pointer_x = -1, pointer_y = -1;
	gboolean still = FALSE, locked = FALSE;
	GOptionEntry entries[] = {
		{ "vt", 0, 0, G_OPTION_ARG_STRING, &vt_spec,
		  "Run on a VT of its own (auto or N) in graphics mode with the keyboard off, as the kiosk does",
		  "VT" },
		{ "output", 'o', 0, G_OPTION_ARG_STRING, &output_spec,
		  "Output: headless:WxH[@RATE] or drm[:/dev/dri/cardN][:CONNECTOR] (default headless:1280x720)",
		  "SPEC" },
		{ "domains", 'n', 0, G_OPTION_ARG_INT, &n_domains, "Number of domains, 1-4 (default 4)", "N" },
		{ "layout", 'l', 0, G_OPTION_ARG_STRING, &layout_name, "single or tiled (default tiled)", "LAYOUT" },
		{ "filter", 'f', 0, G_OPTION_ARG_STRING, &filter_name, "nearest or bilinear (default bilinear)", "FILTER" },
		{ "focus", 0, 0, G_OPTION_ARG_STRING, &focus_name, "Name of the focused domain (default the first)", "NAME" },
		{ "screenshot", 's', 0, G_OPTION_ARG_FILENAME, &screenshot,
		  "After the last frame, write the output as PNG (headless only)", "FILE" },
		{ "frames", 0, 0, G_OPTION_ARG_INT, &frames,
		  "Exit after N frames (default: 1 with --screenshot, else run until SIGINT/SIGTERM)", "N" },
		{ "still", 0, 0, G_OPTION_ARG_NONE, &still, "Do not animate the moving box", NULL },
		{ "clock", 0, 0, G_OPTION_ARG_STRING, &clock_text, "Fixed clock text (default: the time, HH:MM)", "TEXT" },
		{ "notification", 0, 0, G_OPTION_ARG_STRING, &notification, "Notification text in the top bar", "TEXT" },
		{ "locked", 0, 0, G_OPTION_ARG_NONE, &locked, "Show the lock state as locked", NULL },
		{ "pointer-x", 0, 0, G_OPTION_ARG_INT, &pointer_x, "Show the pointer at this x", "X" },
		{ "pointer-y", 0, 0, G_OPTION_ARG_INT, &pointer_y, "Show the pointer at this y", "Y" },
		{ "list-connectors", 0, 0, G_OPTION_ARG_FILENAME, &list_card,
		  "Print the card's connectors (NAME WxH or NAME disconnected) and exit", "CARD" },
		{ NULL }
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new("- show the Tessera compositor with test patterns");
	g_option_context_set_summary(ctx,
		"Composes 1-4 built-in test-pattern domains with the trusted chrome (top bar, borders,\n"
		"labels, pointer) on an output. A box moving across the first domain exercises damage.");
	g_option_context_add_main_entries(ctx, entries, NULL);
	g_autoptr(GError) error = NULL;
	if (!g_option_context_parse(ctx, &argc, &argv, &error) || argc != 1) {
		tsr_err("%s (see --help)", error ? error->message : "unexpected argument");
		return 2;
	}
	if (list_card)
		return list_connectors(list_card);
	enum tsr_layout layout = TSR_LAYOUT_TILED;
	enum tsr_filter filter = TSR_FILTER_BILINEAR;
	if (layout_name != NULL && !tsr_layout_parse(layout_name, &layout)) {
		tsr_err("--layout '%s': use single or tiled", layout_name);
		return 2;
	}
	if (filter_name != NULL && !tsr_filter_parse(filter_name, &filter)) {
		tsr_err("--filter '%s': use nearest or bilinear", filter_name);
		return 2;
	}
	if (n_domains < 1 || n_domains > 4) {
		tsr_err("--domains %d: use 1 to 4", n_domains);
		return 2;
	}
	if (frames == -1)
		frames = screenshot != NULL ? 1 : 0;
	if (frames < 0) {
		tsr_err("--frames %d: use 0 (run forever) or more", frames);
		return 2;
	}

	struct demo demo = { .animate = !still, .frames_wanted = (guint64)frames, .screenshot = screenshot };
	struct tsr_vt *vt = NULL;
	if (vt_spec != NULL && (vt = tsr_vt_open(vt_spec, &error)) == NULL) {
		tsr_err("%s", error->message);
		return 1;
	}
	demo.output = tsr_output_open(output_spec ? output_spec : "headless:1280x720", &error);
	if (demo.output == NULL) {
		tsr_err("%s", error->message);
		tsr_vt_destroy(vt);
		return 1;
	}
	demo.scene = tsr_scene_create(tsr_output_width(demo.output), tsr_output_height(demo.output), &error);
	if (demo.scene == NULL) {
		tsr_err("%s", error->message);
		tsr_output_destroy(demo.output);
		tsr_vt_destroy(vt);
		return 1;
	}
	tsr_scene_set_layout(demo.scene, layout);
	tsr_scene_set_filter(demo.scene, filter);
	for (int i = 0; i < n_domains; i++) {
		demo.surfaces[i] = tsr_image_create(demo_domains[i].width, demo_domains[i].height, &error);
		g_assert(demo.surfaces[i] != NULL);
		struct tsr_rect all = { 0, 0, demo_domains[i].width, demo_domains[i].height };
		tsr_pattern_fill(demo.surfaces[i], demo_domains[i].pattern, &all);
		demo.domains[i] = tsr_scene_add_domain(demo.scene, demo_domains[i].name,
						       demo_domains[i].color, &error);
		g_assert(demo.domains[i] != NULL);
		struct tsr_pixels px = { demo.surfaces[i]->pixels, demo.surfaces[i]->width,
					 demo.surfaces[i]->height, demo.surfaces[i]->stride };
		if (!tsr_scene_domain_set_surface(demo.domains[i], &px, NULL, &error))
			g_error("%s", error->message);
		if (i == 0 || (focus_name != NULL && strcmp(focus_name, demo_domains[i].name) == 0))
			tsr_scene_set_focus(demo.scene, demo.domains[i]);
	}
	demo.box = (struct tsr_rect){ 0, demo_domains[0].height / 2 - 128, BOX, BOX };
	char now[16];
	if (clock_text == NULL) {
		time_t t = time(NULL);
		struct tm tm;
		strftime(now, sizeof now, "%H:%M", localtime_r(&t, &tm));
	}
	if (!tsr_scene_set_clock(demo.scene, clock_text ? clock_text : now, &error) ||
	    !tsr_scene_set_notification(demo.scene, notification, &error)) {
		tsr_err("%s", error->message);
		demo.status = 2;
		goto out;
	}
	tsr_scene_set_locked(demo.scene, locked);
	if (pointer_x >= 0 && pointer_y >= 0) {
		tsr_scene_set_pointer(demo.scene, pointer_x, pointer_y);
		tsr_scene_set_pointer_visible(demo.scene, true);
	}

	demo.main = g_main_loop_new(NULL, FALSE);
	demo.loop = tsr_render_loop_create(demo.scene, demo.output, NULL, &error);
	if (demo.loop == NULL) {
		tsr_err("%s", error->message);
		demo.status = 1;
		goto out;
	}
	tsr_render_loop_set_frame_callback(demo.loop, on_frame, &demo);
	guint sigint = g_unix_signal_add(SIGINT, on_signal, &demo);
	guint sigterm = g_unix_signal_add(SIGTERM, on_signal, &demo);
	g_main_loop_run(demo.main);
	g_source_remove(sigint);
	g_source_remove(sigterm);
	tsr_info("%" G_GUINT64_FORMAT " frames, %" G_GUINT64_FORMAT " bytes copied to scanout",
		 tsr_render_loop_frames(demo.loop), tsr_output_bytes_copied(demo.output));
out:
	tsr_render_loop_destroy(demo.loop);
	if (demo.main != NULL)
		g_main_loop_unref(demo.main);
	tsr_scene_destroy(demo.scene);
	tsr_output_destroy(demo.output);
	tsr_vt_destroy(vt);
	for (int i = 0; i < 4; i++)
		tsr_image_destroy(demo.surfaces[i]);
	return demo.status;
}
