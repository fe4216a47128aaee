/* A hostile viewer against the kiosk's display code: 10,000 bad messages (wrong sizes, unknown
 * types, rectangles outside the surface, unsealed / partly sealed / hugetlbfs / too small
 * memfds, stride x height beyond the cap, extra fds, damage before a surface, wrong versions,
 * lying headers, oversized cursors) plus a damage flood. This test process is the kiosk: it
 * runs the kiosk's own kiosk/domain-display, scene, headless output and render loop, with a
 * second domain shown through a real sandboxed viewer of a counter testdomain. Every bad
 * message cuts the hostile viewer off ("Display lost") and a new one is attached; afterwards
 * the fd count and RSS are back at their baseline, and the other domain's frame counter kept
 * rising all along. */
#include "config.h"
#include "common/fdpass.h"
#include "common/frame.h"
#include "common/log.h"
#include "common/sandbox.h"
#include "domains/frame-code.h"
#include "kiosk/domain-display.h"
#include "renderer/display-proto.h"
#include "renderer/render-loop.h"
#include "tests/integration/display-helpers.h"

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
	struct tsr_scene_domain *da, *db;
	struct tsr_domain_display *a, *b;
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

static void on_lost(void *data, struct tsr_domain_display *dd, const char *reason)
{
	struct world *w = data;

	(void)reason;
	if (dd == w->b)
		w->b_lost++;
}

static const struct tsr_domain_display_events events = { .lost = on_lost };

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

static int memfd(size_t size, int seals, bool huge)
{
	int fd = memfd_create("hostile", MFD_CLOEXEC | MFD_ALLOW_SEALING | (huge ? MFD_HUGETLB : 0));

	if (fd < 0)
		return -1;
	if (ftruncate(fd, (off_t)size) < 0 || (seals && fcntl(fd, F_ADD_SEALS, seals) < 0)) {
		close(fd);
		return -1;
	}
	return fd;
}

static void send_raw(int s, const void *m, size_t len, const int *fds, size_t nfds)
{
	/* The kiosk may already have cut us off: EPIPE/ECONNRESET are fine here. */
	if (tsr_fd_send(s, m, len, fds, nfds) < 0)
		g_assert_true(errno == EPIPE || errno == ECONNRESET);
}

static void send_msg(int s, void *m, size_t len, uint16_t type, int fd)
{
	struct tsr_frame_header h = { .type = type, .version = TSR_DISPLAY_PROTO_VERSION,
				      .length = (uint32_t)len };
	memcpy(m, &h, sizeof(h));
	send_raw(s, m, len, &fd, fd >= 0 ? 1 : 0);
	if (fd >= 0)
		close(fd);
}

static void send_surface(int s, uint32_t w, uint32_t h, uint32_t stride, int fd)
{
	struct tsr_display_surface m = { .width = w, .height = h, .stride = stride,
					 .format = TSR_DISPLAY_FORMAT_XRGB8888 };
	send_msg(s, &m, sizeof(m), TSR_DISPLAY_SURFACE, fd);
}

static void send_damage(int s, uint32_t x, uint32_t y, uint32_t w, uint32_t h)
{
	struct tsr_display_damage m = { .x = x, .y = y, .width = w, .height = h };
	send_msg(s, &m, sizeof(m), TSR_DISPLAY_DAMAGE, -1);
}

/* One bad message of kind k (a valid surface first where the kind needs one). */
static void hostile(struct world *w, int s, int k)
{
	unsigned char buf[64] = { 0 };
	struct tsr_frame_header *h = (void *)buf;

	switch (k) {
	case 0: /* damage one byte too long */
		send_msg(s, buf, sizeof(struct tsr_display_damage) + 1, TSR_DISPLAY_DAMAGE, -1);
		break;
	case 1: /* unknown type */
		send_msg(s, buf, 16, 99, -1);
		break;
	case 2: /* damage outside the surface */
		send_surface(s, 64, 64, 256, memfd(65536, ALL_SEALS, false));
		send_damage(s, 60, 60, 5, 5);
		break;
	case 3: /* unsealed */
		send_surface(s, 64, 64, 256, memfd(65536, 0, false));
		break;
	case 4: /* partly sealed */
		send_surface(s, 64, 64, 256, memfd(65536, F_SEAL_SHRINK | F_SEAL_GROW, false));
		break;
	case 5: { /* hugetlbfs (where this machine can make one), else too small */
		int fd = w->hugetlb ? memfd(2 << 20, ALL_SEALS, true) : -1;
		send_surface(s, 64, 64, 256, fd >= 0 ? fd : memfd(100, ALL_SEALS, false));
		break;
	}
	case 6: /* too small */
		send_surface(s, 64, 64, 256, memfd(64 * 256 - 1, ALL_SEALS, false));
		break;
	case 7: /* stride x height far beyond anything mappable */
		send_surface(s, 8192, 8192, 0xfffffffcu, memfd(4096, ALL_SEALS, false));
		break;
	case 8: { /* an fd on a message that carries none */
		struct tsr_display_status st = { .status = TSR_DISPLAY_STATUS_CONNECTED };
		send_msg(s, &st, sizeof(st), TSR_DISPLAY_STATUS, memfd(4096, ALL_SEALS, false));
		break;
	}
	case 9: { /* two fds on a surface */
		struct tsr_display_surface m = { .hdr = { TSR_DISPLAY_SURFACE, TSR_DISPLAY_PROTO_VERSION,
							  sizeof(m) },
						 .width = 1, .height = 1, .stride = 4,
						 .format = TSR_DISPLAY_FORMAT_XRGB8888 };
		int two[2] = { memfd(4096, ALL_SEALS, false), memfd(4096, ALL_SEALS, false) };
		send_raw(s, &m, sizeof(m), two, 2);
		close(two[0]);
		close(two[1]);
		break;
	}
	case 10: /* damage before any surface */
		send_damage(s, 0, 0, 1, 1);
		break;
	case 11: /* wrong version */
		h->type = TSR_DISPLAY_CURSOR_HIDE;
		h->version = 7;
		h->length = 8;
		send_raw(s, buf, 8, NULL, 0);
		break;
	case 12: /* header lies about the length */
		h->type = TSR_DISPLAY_STATUS;
		h->version = TSR_DISPLAY_PROTO_VERSION;
		h->length = 4000;
		send_raw(s, buf, 12, NULL, 0);
		break;
	default: { /* a 129x129 cursor */
		struct tsr_display_cursor c = { .width = 129, .height = 129, .stride = 516,
						.format = TSR_DISPLAY_FORMAT_ARGB8888 };
		send_msg(s, &c, sizeof(c), TSR_DISPLAY_CURSOR, memfd(516 * 129, ALL_SEALS, false));
		break;
	}
	}
}
#define KINDS 14

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
	tsr_domain_display_attach(w->b, sv[0], 0);
	hostile(w, sv[1], k);
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
					     .viewer_path = TSR_BUILDDIR "/renderer/tessera-viewer" };
	GError *error = NULL;
	int fds_base, sent = 0;
	long rss_base, rss_end;
	uint32_t checkpoint;
	int probe = memfd(2 << 20, ALL_SEALS, true);

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
	w.da = tsr_scene_add_domain(w.scene, "good", TSR_COLOR_GREEN, &error);
	w.db = tsr_scene_add_domain(w.scene, "hostile", TSR_COLOR_RED, &error);
	g_assert_no_error(error);
	w.loop = tsr_render_loop_create(w.scene, w.output, NULL, &error);
	g_assert_no_error(error);
	tsr_render_loop_set_frame_callback(w.loop, on_frame, &w);
	w.a = tsr_domain_display_create(w.da, NULL, &events, &w);
	w.b = tsr_domain_display_create(w.db, NULL, &events, &w);

	test_viewer_user(&p.uid, &p.gid);
	td_start(&td, dir, "good", false, "--size", "640x480", "--pattern", "counter", "--fps", "60",
		 NULL);
	p.spice_socket = td.socket;
	g_assert_true(tsr_domain_display_spawn(w.a, &p, &error));
	g_assert_no_error(error);
	frame_target = 2;
	iterate_until(a_reached, &w, 30000);

	/* Warm up (first-use allocations), then take the baseline. */
	for (int i = 0; i < 2 * KINDS; i++, sent++)
		round_of(&w, i % KINDS);
	fds_base = tsr_sandbox_count_fds();
	rss_base = rss_kib();
	checkpoint = w.a_frame;

	for (int i = 0; sent < MESSAGES - 3000; i++, sent++) {
		round_of(&w, i % KINDS);
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
		tsr_domain_display_attach(w.b, sv[0], 0);
		send_surface(sv[1], 64, 64, 256, memfd(65536, ALL_SEALS, false));
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
	g_assert_true(tsr_domain_display_attached(w.a));

	tsr_domain_display_destroy(w.a);
	tsr_domain_display_destroy(w.b);
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
