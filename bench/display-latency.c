/* bench/display-latency: how long a domain's frame takes to reach the composited output.
 *
 * tessera-testdomain (counter pattern, 1920x1080, 60 fps) stamps each frame with its send time
 * in pixels. Two receivers read the same stream in turn, in this one run:
 *   bare-spice    a plain spice-client-glib client in this process that only decodes the stamp
 *                 from the client's own surface on each invalidate: the cost of SPICE itself;
 *   viewer+kiosk  the real path: sandboxed tessera-viewer -> sealed memfd -> the kiosk's
 *                 display stack (kiosk/displays.h) -> scene -> headless output; the stamp is read from the composed output
 *                 buffer in the render loop's frame callback.
 * For full-frame updates and for 256x256 damage, it prints p50/p99 latency and CPU time per
 * frame (viewer process and this process). Aim: viewer+kiosk p50 within 10% of the
 * bare receiver, p99 under 20 ms. Run: `make bench` or build/bench/display-latency [SECONDS]. */
#include "config.h"
#include "common/log.h"
#include "tests/testdomain/frame-code.h"
#include "kiosk/displays.h"
#include "renderer/render-loop.h"
#include "tests/integration/display-helpers.h"

#include <spice-client.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define W 1920
#define H 1080

struct run {
	GArray *lat_us;     /* int64 */
	uint32_t last_frame;
	bool started;
	/* bare receiver */
	const uint8_t *img;
	int stride, width, height;
	/* kiosk path */
	struct tsr_scene_domain *domain;
};

static void record(struct run *r, const struct tsr_frame_code *code)
{
	int64_t age;

	if (r->started && code->frame == r->last_frame)
		return;
	age = tsr_frame_code_age_us(code->sent_us, tsr_frame_code_now_us());
	r->last_frame = code->frame;
	/* The first frame may be an old one a new client is sent on connect. */
	if (r->started)
		g_array_append_val(r->lat_us, age);
	r->started = true;
}

static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

static double pct(GArray *a, double p)
{
	size_t i;

	if (!a->len)
		return -1;
	qsort(a->data, a->len, sizeof(int64_t), cmp64);
	i = (size_t)(p * (a->len - 1) + 0.5);
	return g_array_index(a, int64_t, i) / 1000.0;
}

static double cpu_ms_self(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec * 1e3 + ru.ru_utime.tv_usec / 1e3 + ru.ru_stime.tv_sec * 1e3 +
	       ru.ru_stime.tv_usec / 1e3;
}

static double cpu_ms_pid(pid_t pid)
{
	char path[64], *text = NULL, *p;
	unsigned long ut = 0, st = 0;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (!g_file_get_contents(path, &text, NULL, NULL))
		return 0;
	p = strrchr(text, ')');
	/* fields after ")": state(3) ... utime(14) stime(15) */
	if (p && sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
		ut = st = 0;
	g_free(text);
	return (ut + st) * 1000.0 / (double)sysconf(_SC_CLK_TCK);
}

static void run_for(double seconds)
{
	gint64 end = g_get_monotonic_time() + (gint64)(seconds * G_USEC_PER_SEC);

	while (g_get_monotonic_time() < end)
		g_main_context_iteration(NULL, TRUE);
}

/* --- bare spice-client-glib receiver ------------------------------------------------------ */

static void bare_create(SpiceChannel *c, gint format, gint w, gint h, gint stride, gint shmid,
			gpointer img, gpointer data)
{
	struct run *r = data;
	(void)c; (void)format; (void)shmid;
	r->img = img;
	r->width = w;
	r->height = h;
	r->stride = stride;
}

static void bare_invalidate(SpiceChannel *c, gint x, gint y, gint w, gint h, gpointer data)
{
	struct run *r = data;
	struct tsr_frame_code code;
	(void)c; (void)x; (void)y; (void)w; (void)h;
	if (r->img && tsr_frame_code_read((const uint32_t *)r->img, (size_t)r->stride, r->width,
					  r->height, 0, 0, r->width, r->height, r->width, r->height,
					  &code))
		record(r, &code);
}

static void bare_channel_new(SpiceSession *s, SpiceChannel *c, gpointer data)
{
	(void)s;
	if (SPICE_IS_DISPLAY_CHANNEL(c)) {
		g_signal_connect(c, "display-primary-create", G_CALLBACK(bare_create), data);
		g_signal_connect(c, "display-invalidate", G_CALLBACK(bare_invalidate), data);
		spice_channel_connect(c);
	}
}

static void bare(const char *socket, double seconds, struct run *r, double *cpu_self)
{
	SpiceSession *s = spice_session_new();
	double c0;

	g_object_set(s, "unix-path", socket, "enable-audio", FALSE, "enable-usbredir", FALSE, NULL);
	g_signal_connect(s, "channel-new", G_CALLBACK(bare_channel_new), r);
	g_assert_true(spice_session_connect(s));
	while (!r->started)
		g_main_context_iteration(NULL, TRUE);
	c0 = cpu_ms_self();
	run_for(seconds);
	*cpu_self = cpu_ms_self() - c0;
	spice_session_disconnect(s);
	g_object_unref(s);
}

/* --- viewer + kiosk ------------------------------------------------------------------------- */

static void kiosk_frame(void *data, const struct tsr_image *shadow, const struct tsr_rect *rects,
			int n)
{
	struct run *r = data;
	struct tsr_rect c;
	struct tsr_frame_code code;
	(void)rects; (void)n;
	if (tsr_scene_domain_content_rect(r->domain, &c) &&
	    tsr_frame_code_read(shadow->pixels, (size_t)shadow->stride, shadow->width,
				shadow->height, c.x, c.y, c.width, c.height, W, H, &code))
		record(r, &code);
}

static void kiosk(const char *socket, double seconds, struct run *r, double *cpu_self,
		  double *cpu_viewer)
{
	GError *error = NULL;
	struct tsr_output *out = tsr_output_open("headless:1920x1080", &error);
	struct tsr_scene *scene = tsr_scene_create(1920, 1080, &error);
	struct tsr_render_loop *loop;
	struct tsr_displays *ds;
	struct tsr_viewer_spawn_params p = { .domain = "bench", .spice_socket = socket,
					     .viewer_path = TSR_BUILDDIR "/viewer/tessera-viewer",
					     .uid = getuid(), .gid = getgid() };
	double c0, v0;
	pid_t pid;

	g_assert_no_error(error);
	if (geteuid() == 0)
		test_viewer_user(&p.uid, &p.gid);
	tsr_scene_set_layout(scene, TSR_LAYOUT_SINGLE);
	ds = tsr_displays_create(scene, NULL, NULL);
	if (!tsr_displays_show(ds, "bench", TSR_COLOR_BLUE, &error))
		g_error("%s", error->message);
	r->domain = tsr_displays_scene_domain(ds, "bench");
	tsr_displays_set_focus(ds, "bench");
	loop = tsr_render_loop_create(scene, out, NULL, &error);
	g_assert_no_error(error);
	tsr_render_loop_set_frame_callback(loop, kiosk_frame, r);
	if (!tsr_displays_spawn(ds, "bench", &p, &error))
		g_error("%s", error->message);
	pid = tsr_displays_viewer_pid(ds, "bench");
	while (!r->started)
		g_main_context_iteration(NULL, TRUE);
	c0 = cpu_ms_self();
	v0 = cpu_ms_pid(pid);
	run_for(seconds);
	*cpu_self = cpu_ms_self() - c0;
	*cpu_viewer = cpu_ms_pid(pid) - v0;
	tsr_displays_destroy(ds);
	tsr_render_loop_destroy(loop);
	tsr_scene_destroy(scene);
	tsr_output_destroy(out);
}

static void one_mode(const char *label, const char *damage, double seconds)
{
	gchar *dir = g_dir_make_tmp("tsr-bench-XXXXXX", NULL);
	struct td_proc td;
	struct run b = { .lat_us = g_array_new(FALSE, FALSE, sizeof(int64_t)) };
	struct run k = { .lat_us = g_array_new(FALSE, FALSE, sizeof(int64_t)) };
	double bcpu = 0, kcpu = 0, vcpu = 0, bp50, kp50;

	if (damage)
		td_start(&td, dir, "bench", false, "--size", "1920x1080", "--pattern", "counter",
			 "--fps", "60", "--damage", damage, NULL);
	else
		td_start(&td, dir, "bench", false, "--size", "1920x1080", "--pattern", "counter",
			 "--fps", "60", NULL);
	bare(td.socket, seconds, &b, &bcpu);
	kiosk(td.socket, seconds, &k, &kcpu, &vcpu);
	bp50 = pct(b.lat_us, 0.5);
	kp50 = pct(k.lat_us, 0.5);
	printf("%-22s %-13s %6u %8.2f %8.2f %10s %10.2f\n", label, "bare-spice", b.lat_us->len, bp50,
	       pct(b.lat_us, 0.99), "-", b.lat_us->len ? bcpu / b.lat_us->len : 0);
	printf("%-22s %-13s %6u %8.2f %8.2f %10.2f %10.2f   (p50 %+.0f%% vs bare)\n", label,
	       "viewer+kiosk", k.lat_us->len, kp50, pct(k.lat_us, 0.99),
	       k.lat_us->len ? vcpu / k.lat_us->len : 0, k.lat_us->len ? kcpu / k.lat_us->len : 0,
	       bp50 > 0 ? (kp50 - bp50) * 100.0 / bp50 : 0);
	fflush(stdout);
	td_stop(&td);
	g_array_unref(b.lat_us);
	g_array_unref(k.lat_us);
	test_dir_remove(dir);
	g_free(dir);
}

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 5.0;

	tsr_log_init("display-latency", false);
	tsr_log_set_level(TSR_LOG_ERROR);
	if (seconds <= 0 || seconds > 600) {
		fprintf(stderr, "usage: display-latency [SECONDS per run, default 5]\n");
		return 2;
	}
	printf("display-latency: testdomain counter %dx%d at 60 fps, %.0f s per run\n", W, H, seconds);
	printf("%-22s %-13s %6s %8s %8s %10s %10s\n", "updates", "receiver", "frames", "p50 ms",
	       "p99 ms", "viewer ms/f", "self ms/f");
	one_mode("full-frame 1920x1080", NULL, seconds);
	one_mode("damage 256x256", "256x256", seconds);
	return 0;
}
