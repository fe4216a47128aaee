/* A hostile viewer against the kiosk's display code: 10,000 bad messages (wrong sizes, unknown
 * types, rectangles outside the surface, unsealed / partly sealed / hugetlbfs / too small
 * memfds, stride x height beyond the cap, extra fds, damage before a surface, wrong versions,
 * lying headers, oversized cursors) plus a damage flood. This test process is the kiosk: it
 * runs the kiosk's own display stack (kiosk/displays.h, as both kiosk modes do), scene, headless
 * output and render loop, with a second domain shown through a real sandboxed viewer of a
 * counter testdomain. Every bad
 * message cuts the hostile viewer off ("Display lost") and a new one is attached; afterwards
 * the fd count and RSS are back at their baseline, and the other domain's frame counter kept
 * rising all along. */
#include "config.h"
#include "common/fdpass.h"
#include "common/frame.h"
#include "common/log.h"
#include "common/sandbox.h"
#include "tests/testdomain/frame-code.h"
#include "kiosk/displays.h"
#include "proto/display.h"
#include "renderer/render-loop.h"
#include "tests/integration/display-helpers.h"
#include "tests/integration/hostile-messages.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#define ALL_SEALS (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL)
#define MESSAGES 10000

struct world {
	struct tsr_scene *scene;
	struct tsr_output *output;
	struct tsr_render_loop *loop;
	struct tsr_scene_domain *da;
	struct tsr_displays *displays;
	uint32_t a_frame;  /* latest counter frame of A seen in the composed output */
	int a_reads;
	int b_lost;
	bool hugetlb;
};

static void on_frame(void *data, const struct tsr_image *shadow, const struct tsr_rect *rects, int n)
{
	struct world *w = data;
	struct tsr_rect r;
	struct tsr_frame_code code;

	(void)rects;
	(void)n;
	if (tsr_scene_domain_content_rect(w->da, &r) &&
	    tsr_frame_code_read(shadow->pixels, (size_t)shadow->stride, shadow->width,
				shadow->height, r.x, r.y, r.width, r.height, 640, 480, &code)) {
		if (code.frame > w->a_frame)
			w->a_frame = code.frame;
		w->a_reads++;
	}
}

static void on_lost(void *data, const char *domain, const char *reason)
{
	struct world *w = data;

	(void)reason;
	if (strcmp(domain, "hostile") == 0)
		w->b_lost++;
}

static const struct tsr_displays_hooks hooks = { .lost = on_lost };

static void iterate_until(bool (*cond)(struct world *), struct world *w, int timeout_ms)
{
	gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;

	while (!cond(w)) {
		g_assert_cmpint(g_get_monotonic_time(), <, deadline);
		g_main_context_iteration(NULL, TRUE);
	}
}

static int lost_target;
static bool b_lost_enough(struct world *w) { return w->b_lost >= lost_target; }
static uint32_t frame_target;
static bool a_reached(struct world *w) { return w->a_frame >= frame_target; }


static long rss_kib(void)
{
	long pages = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "re");

	g_assert_nonnull(f);
	g_assert_cmpint(fscanf(f, "%ld %ld", &pages, &resident), ==, 2);
	fclose(f);
	return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static void round_of(struct world *w, int k)
{
	int sv[2];

	g_assert_cmpint(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), ==, 0);
	g_assert_true(tsr_displays_attach(w->displays, "hostile", sv[0], 0));
	hostile_send(sv[1], k, w->hugetlb);
	lost_target = w->b_lost + 1;
	iterate_until(b_lost_enough, w, 10000);
	close(sv[1]);
}

static void test_hostile_viewer(void)
{
	gchar *dir = g_dir_make_tmp("tsr-hostile-XXXXXX", NULL);
	struct world w = { 0 };
	struct td_proc td;
	struct tsr_viewer_spawn_params p = { .domain = "good",
					     .viewer_path = TSR_BUILDDIR "/viewer/tessera-viewer" };
	GError *error = NULL;
	int fds_base, sent = 0;
	long rss_base, rss_end;
	uint32_t checkpoint;
	int probe = hostile_memfd(2 << 20, ALL_SEALS, true);

	w.hugetlb = probe >= 0;
	if (probe >= 0)
		close(probe);
	else
		g_test_message("hugetlbfs memfds cannot be made here: kind 5 sends too-small memfds");

	w.output = tsr_output_open("headless:1280x720", &error);
	g_assert_no_error(error);
	w.scene = tsr_scene_create(1280, 720, &error);
	g_assert_no_error(error);
	tsr_scene_set_layout(w.scene, TSR_LAYOUT_TILED);
	w.displays = tsr_displays_create(w.scene, &hooks, &w);
	g_assert_true(tsr_displays_show(w.displays, "good", TSR_COLOR_GREEN, &error));
	g_assert_true(tsr_displays_show(w.displays, "hostile", TSR_COLOR_RED, &error));
	g_assert_no_error(error);
	w.da = tsr_displays_scene_domain(w.displays, "good");
	w.loop = tsr_render_loop_create(w.scene, w.output, NULL, &error);
	g_assert_no_error(error);
	tsr_render_loop_set_frame_callback(w.loop, on_frame, &w);

	test_viewer_user(&p.uid, &p.gid);
	td_start(&td, dir, "good", false, "--size", "640x480", "--pattern", "counter", "--fps", "60",
		 NULL);
	p.spice_socket = td.socket;
	g_assert_true(tsr_displays_spawn(w.displays, "good", &p, &error));
	g_assert_no_error(error);
	frame_target = 2;
	iterate_until(a_reached, &w, 30000);

	/* Warm up (first-use allocations), then take the baseline. */
	for (int i = 0; i < 2 * HOSTILE_KINDS; i++, sent++)
		round_of(&w, i % HOSTILE_KINDS);
	fds_base = tsr_sandbox_count_fds();
	rss_base = rss_kib();
	checkpoint = w.a_frame;

	for (int i = 0; sent < MESSAGES - 3000; i++, sent++) {
		round_of(&w, i % HOSTILE_KINDS);
		if (i % 1000 == 999) {
			/* The good domain kept going while we were being attacked. */
			frame_target = checkpoint + 1;
			iterate_until(a_reached, &w, 10000);
			g_test_message("%d hostile messages; good domain at frame %u", sent, w.a_frame);
			checkpoint = w.a_frame;
		}
	}

	/* A flood of (valid) damage: throttled, the good domain keeps its frames coming. */
	{
		int sv[2], flooded = 0;
		g_assert_cmpint(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), ==, 0);
		g_assert_cmpint(fcntl(sv[1], F_SETFL, O_NONBLOCK), ==, 0);
		g_assert_true(tsr_displays_attach(w.displays, "hostile", sv[0], 0));
		hostile_send_surface(sv[1], 64, 64, 256, hostile_memfd(65536, ALL_SEALS, false));
		frame_target = w.a_frame + 10;
		while (w.a_frame < frame_target || flooded < 3000) {
			for (int j = 0; j < 200; j++) {
				struct tsr_display_damage m = {
					.hdr = { TSR_DISPLAY_DAMAGE, TSR_DISPLAY_PROTO_VERSION, sizeof(m) },
					.x = 0, .y = 0, .width = 64, .height = 64 };
				if (send(sv[1], &m, sizeof(m), MSG_DONTWAIT) == sizeof(m))
					flooded++;
			}
			g_main_context_iteration(NULL, FALSE);
		}
		g_test_message("flood: %d damage messages; the good domain advanced 10 frames meanwhile",
			       flooded);
		sent += flooded;
		lost_target = w.b_lost + 1;
		close(sv[1]);
		iterate_until(b_lost_enough, &w, 10000);
	}

	while (g_main_context_iteration(NULL, FALSE))
		;
	rss_end = rss_kib();
	g_test_message("fds %d -> %d, RSS %ld KiB -> %ld KiB, %d cut-offs, good frame %u",
		       fds_base, tsr_sandbox_count_fds(), rss_base, rss_end, w.b_lost, w.a_frame);
	g_assert_cmpint(sent, >=, MESSAGES);
	g_assert_cmpint(tsr_sandbox_count_fds(), ==, fds_base);
	/* AddressSanitizer keeps freed memory in quarantine: RSS says nothing there. */
	if (!TSR_SANITIZER_BUILD)
		g_assert_cmpint(rss_end, <=, rss_base + 4096);
	g_assert_true(tsr_displays_attached(w.displays, "good"));

	tsr_displays_destroy(w.displays);
	tsr_render_loop_destroy(w.loop);
	tsr_scene_destroy(w.scene);
	tsr_output_destroy(w.output);
	td_stop(&td);
	test_dir_remove(dir);
	g_free(dir);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	/* 10,000 "display lost" warnings would only bury the TAP output. */
	tsr_log_set_level(TSR_LOG_ERROR);
	if (geteuid() != 0) {
		g_test_skip("needs root to start the good domain's viewer as a separate user");
		return g_test_run();
	}
	g_test_add_func("/kiosk-hostile/ten-thousand-bad-messages", test_hostile_viewer);
	return g_test_run();
}
