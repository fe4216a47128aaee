/* bench/display-latency: how long a domain's frame takes to reach the composited output.
 *
 * tessera-testdomain (counter pattern, 1920x1080, 60 fps) stamps each frame with its send time
 * in pixels. Two receivers read the same stream in turn, in this one run:
 *   bare-spice    a plain spice-client-glib client in this process that only decodes the stamp
 *                 from the client's own surface on each invalidate: the cost of SPICE itself;
 *   viewer+kiosk  the real path: sandboxed tessera-viewer -> sealed memfd -> the kiosk's
 *                 display stack (kiosk/displays.h) -> scene, drawn as the drm output draws:
 *                 straight into the buffer shown (tsr_scene_render); the stamp is read there.
 * Each case gives each receiver five turns of SECONDS / 5, alternating.
 * Cases (the names stay, so figures compare across versions):
 *   full-frame      every frame changes whole, scaled into a 1920x1080 desktop's single tile;
 *   full-frame-1:1  the same on a desktop just large enough to show the surface unscaled;
 *   damage          256x256 changes per frame, scaled as in full-frame;
 *   damage-1:1      the same unscaled: the path without the scaling the bare receiver skips.
 * Each prints p50/p99 latency and CPU time per frame (viewer process and this process), then
 * the goals beside the figures measured in this run: the compose time of the scaled frame is
 * measured here too. Memory is bench/display-memory's, where the kiosk is its own process.
 * With --guest SPICE TRIGGER (bench/guest-display boots the guest): the same two receivers read
 * a QEMU guest (std VGA) instead, guest to glass. Each byte written to TRIGGER (a serial port
 * of the guest running tsr-systest-guest fbpaint) paints the guest's whole framebuffer white or
 * black; the time from the write to the new colour in the receiver's surface (bare) or in the
 * composed output (viewer+kiosk) is one sample. QEMU only looks at the framebuffer on its
 * display refresh, so that interval is measured apart: the guest changes a block every 2 ms
 * and the bare receiver's updates come at QEMU's pace.
 * Run: `make bench` or build/bench/display-latency [SECONDS]. */
#include "config.h"
#include "common/log.h"
#include "tests/testdomain/frame-code.h"
#include "kiosk/displays.h"
#include "renderer/layout.h"
#include "renderer/scene.h"
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
#define ROUNDS 5 /* turns of each receiver per case */

struct run {
	GArray *lat_us;     /* int64 */
	uint32_t last_frame;
	bool started;
	/* bare receiver */
	const uint8_t *img;
	int stride, width, height;
	/* kiosk path */
	struct tsr_scene_domain *domain;
	double compose_ms;          /* median full-content compose of this case's scene */
	/* guest mode: the colour asked for at t0, the trigger, updates seen while spinning */
	bool guest, waiting, spin;
	uint32_t want;
	gint64 t0, last_update, last_seen;
	int trigger;
	unsigned trials;
	GArray *intervals_us; /* int64 */
	void (*drive)(struct run *r);
};

struct bench_case {
	const char *name;
	const char *damage; /* testdomain --damage, or NULL for full frames */
	bool one_to_one;
};

struct result {
	double bp50, bp99, kp50, kp99, vcpu, compose_ms;
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

/* The smallest desktop whose single tile shows a W x H surface unscaled. */
static void one_to_one_size(int32_t *width, int32_t *height)
{
	for (int32_t h = H; h < 2 * H; h++)
		for (int32_t w = W; w < W + 64; w++) {
			struct tsr_desktop_geometry g;
			tsr_layout_compute(TSR_LAYOUT_SINGLE, w, h, 1, &g);
			struct tsr_rect c = tsr_layout_fit(&g.tiles[0].inner, W, H);
			if (g.n_tiles == 1 && c.width == W && c.height == H) {
				*width = w;
				*height = h;
				return;
			}
		}
	g_error("no desktop size shows %dx%d unscaled", W, H);
}

/* Median time to draw the domain's whole content, as a full frame makes the kiosk do. */
static double compose_ms(struct tsr_scene *scene, struct tsr_scene_domain *d,
			 const struct tsr_image *target)
{
	const struct tsr_rect *rects;
	double t[21];
	int n = 0;

	for (size_t i = 0; i < G_N_ELEMENTS(t); i++) {
		gint64 t0 = g_get_monotonic_time();
		tsr_scene_domain_damage(d, 0, 0, W, H);
		rects = tsr_scene_take_damage(scene, &n);
		tsr_scene_render(scene, target, rects, n);
		t[i] = (g_get_monotonic_time() - t0) / 1000.0;
	}
	for (size_t i = 1; i < G_N_ELEMENTS(t); i++)
		for (size_t j = i; j > 0 && t[j - 1] > t[j]; j--) {
			double x = t[j];
			t[j] = t[j - 1];
			t[j - 1] = x;
		}
	return t[G_N_ELEMENTS(t) / 2];
}

static void run_for(double seconds)
{
	gint64 end = g_get_monotonic_time() + (gint64)(seconds * G_USEC_PER_SEC);

	while (g_get_monotonic_time() < end)
		g_main_context_iteration(NULL, TRUE);
}

static gboolean set_flag(gpointer data)
{
	*(bool *)data = true;
	return G_SOURCE_REMOVE;
}

/* Runs the main loop while *flag holds, at most seconds, waking up even with nothing to do. */
static void run_while(const bool *flag, double seconds)
{
	bool expired = false;
	guint t = g_timeout_add((guint)(seconds * 1000), set_flag, &expired);

	while (*flag && !expired)
		g_main_context_iteration(NULL, TRUE);
	if (!expired)
		g_source_remove(t);
}

/* Guest mode: the centre of what the receiver shows, at each update. */
static void guest_seen(struct run *r, const uint32_t *px, size_t stride, struct tsr_rect c)
{
	gint64 now = g_get_monotonic_time();
	uint32_t v = px[(size_t)(c.y + c.height / 2) * (stride / 4) + (size_t)(c.x + c.width / 2)];

	r->started = true;
	/* One refresh reaches the client as a burst of invalidates: an update starts after a
	 * quiet millisecond. */
	if (r->spin && now - r->last_seen > 1000) {
		if (r->last_update) {
			int64_t d = now - r->last_update;
			g_array_append_val(r->intervals_us, d);
		}
		r->last_update = now;
	}
	r->last_seen = now;
	if (r->waiting && (v & 0xffffff) == r->want) {
		int64_t d = now - r->t0;
		g_array_append_val(r->lat_us, d);
		r->waiting = false;
	}
}

/* Guest mode: paint, wait for the colour, pause a random 30-130 ms so the trigger falls at any
 * point of QEMU's refresh; two warm-up trials are not counted. */
static void guest_trials(struct run *r)
{
	bool always = true;

	run_while(&always, 1);
	for (unsigned i = 0; i < r->trials + 2; i++) {
		char c = i & 1 ? 'b' : 'w';
		r->want = c == 'w' ? 0xffffff : 0;
		r->waiting = true;
		r->t0 = g_get_monotonic_time();
		if (write(r->trigger, &c, 1) != 1)
			g_error("cannot write to the guest's trigger port");
		run_while(&r->waiting, 5);
		if (r->waiting)
			g_error("the guest's change never reached the receiver");
		if (i < 2)
			g_array_set_size(r->lat_us, 0);
		run_while(&always, 0.03 + g_random_double() * 0.1);
	}
}

/* Guest mode, bare receiver: the trials, then QEMU's refresh pace while the guest spins. */
static void guest_trials_and_spin(struct run *r)
{
	bool always = true;
	char c = 's';

	guest_trials(r);
	r->spin = true;
	if (write(r->trigger, &c, 1) != 1)
		g_error("cannot write to the guest's trigger port");
	run_while(&always, 3);
	r->spin = false;
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
	if (r->img && r->guest)
		guest_seen(r, (const uint32_t *)r->img, (size_t)r->stride,
			   (struct tsr_rect){ 0, 0, r->width, r->height });
	else if (r->img && tsr_frame_code_read((const uint32_t *)r->img, (size_t)r->stride, r->width,
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
	if (r->drive)
		r->drive(r);
	else
		run_for(seconds);
	*cpu_self = cpu_ms_self() - c0;
	spice_session_disconnect(s);
	g_object_unref(s);
}

/* --- viewer + kiosk ------------------------------------------------------------------------- */

static void kiosk_frame(struct run *r, const struct tsr_image *shown, const struct tsr_rect *rects,
			int n)
{
	struct tsr_rect c;
	struct tsr_frame_code code;
	(void)rects; (void)n;
	if (r->guest && tsr_scene_domain_content_rect(r->domain, &c))
		guest_seen(r, shown->pixels, (size_t)shown->stride, c);
	else if (tsr_scene_domain_content_rect(r->domain, &c) &&
	    tsr_frame_code_read(shown->pixels, (size_t)shown->stride, shown->width,
				shown->height, c.x, c.y, c.width, c.height, W, H, &code))
		record(r, &code);
}

/* The kiosk's drm output draws each frame straight into the buffer it shows
 * (tsr_output_present_scene -> tsr_scene_render) as soon as the scene is damaged and no flip is in
 * flight. The headless output would instead compose into the shadow and copy every damaged pixel
 * to a scanout of its own, a copy the drm output does not make, so the bench draws as the drm
 * output does, into a buffer of its own, from the render loop's idle priority. As before, frames
 * are not paced to a display's refresh: the figures are the path's own cost. Each case damages
 * the same rectangle every frame, so this one buffer draws what either of the drm output's two
 * would. */
struct direct {
	struct tsr_scene *scene;
	struct tsr_image *target;
	struct run *r;
	guint idle;
};

static gboolean direct_draw(gpointer data)
{
	struct direct *d = data;
	int n = 0;
	const struct tsr_rect *rects = tsr_scene_take_damage(d->scene, &n);

	d->idle = 0;
	tsr_scene_render(d->scene, d->target, rects, n);
	kiosk_frame(d->r, d->target, rects, n);
	return G_SOURCE_REMOVE;
}

static void direct_schedule(void *data)
{
	struct direct *d = data;

	if (d->idle == 0)
		d->idle = g_idle_add_full(G_PRIORITY_HIGH_IDLE, direct_draw, d, NULL);
}

static void kiosk(const char *socket, bool one_to_one, double seconds, struct run *r,
		  double *cpu_self, double *cpu_viewer)
{
	GError *error = NULL;
	int32_t ow = W, oh = H;
	if (one_to_one)
		one_to_one_size(&ow, &oh);
	struct direct out = { .scene = tsr_scene_create(ow, oh, &error), .r = r };
	struct tsr_displays *ds;
	struct tsr_viewer_spawn_params p = { .domain = "bench", .spice_socket = socket,
					     .viewer_path = TSR_BUILDDIR "/viewer/tessera-viewer",
					     .uid = getuid(), .gid = getgid() };
	double c0, v0;
	pid_t pid;

	g_assert_no_error(error);
	out.target = tsr_image_create(ow, oh, &error);
	g_assert_no_error(error);
	if (geteuid() == 0)
		test_viewer_user(&p.uid, &p.gid);
	tsr_scene_set_layout(out.scene, TSR_LAYOUT_SINGLE);
	ds = tsr_displays_create(out.scene, NULL, NULL);
	if (!tsr_displays_show(ds, "bench", TSR_COLOR_BLUE, &error))
		g_error("%s", error->message);
	r->domain = tsr_displays_scene_domain(ds, "bench");
	tsr_displays_set_focus(ds, "bench");
	tsr_scene_set_damage_notify(out.scene, direct_schedule, &out);
	tsr_scene_damage_all(out.scene);
	direct_schedule(&out);
	if (!tsr_displays_spawn(ds, "bench", &p, &error))
		g_error("%s", error->message);
	pid = tsr_displays_viewer_pid(ds, "bench");
	while (!r->started)
		g_main_context_iteration(NULL, TRUE);
	c0 = cpu_ms_self();
	v0 = cpu_ms_pid(pid);
	if (r->drive)
		r->drive(r);
	else
		run_for(seconds);
	*cpu_self = cpu_ms_self() - c0;
	*cpu_viewer = cpu_ms_pid(pid) - v0;
	r->compose_ms = compose_ms(out.scene, r->domain, out.target);
	tsr_displays_destroy(ds);
	tsr_scene_set_damage_notify(out.scene, NULL, NULL);
	if (out.idle != 0)
		g_source_remove(out.idle);
	tsr_scene_destroy(out.scene);
	tsr_image_destroy(out.target);
}

static void one_case(const struct bench_case *bc, double seconds, struct result *res)
{
	gchar *dir = g_dir_make_tmp("tsr-bench-XXXXXX", NULL);
	struct td_proc td;
	struct run b = { .lat_us = g_array_new(FALSE, FALSE, sizeof(int64_t)) };
	struct run k = { .lat_us = g_array_new(FALSE, FALSE, sizeof(int64_t)) };
	double bcpu = 0, kcpu = 0, vcpu = 0;

	if (bc->damage)
		td_start(&td, dir, "bench", false, "--size", "1920x1080", "--pattern", "counter",
			 "--fps", "60", "--damage", bc->damage, NULL);
	else
		td_start(&td, dir, "bench", false, "--size", "1920x1080", "--pattern", "counter",
			 "--fps", "60", NULL);
	/* In turns, so a change of the machine's load between them hits both receivers alike. */
	for (int round = 0; round < ROUNDS; round++) {
		double bc1, kc1, vc1;
		b.started = k.started = false;
		bare(td.socket, seconds / ROUNDS, &b, &bc1);
		kiosk(td.socket, bc->one_to_one, seconds / ROUNDS, &k, &kc1, &vc1);
		bcpu += bc1;
		kcpu += kc1;
		vcpu += vc1;
	}
	*res = (struct result){
		.bp50 = pct(b.lat_us, 0.5), .bp99 = pct(b.lat_us, 0.99),
		.kp50 = pct(k.lat_us, 0.5), .kp99 = pct(k.lat_us, 0.99),
		.vcpu = k.lat_us->len ? vcpu / k.lat_us->len : 0, .compose_ms = k.compose_ms,
	};
	printf("%-15s %-13s %6u %8.2f %8.2f %11s %10.2f\n", bc->name, "bare-spice", b.lat_us->len,
	       res->bp50, res->bp99, "-", b.lat_us->len ? bcpu / b.lat_us->len : 0);
	printf("%-15s %-13s %6u %8.2f %8.2f %11.2f %10.2f   p50 %.2fx, p99 %.2fx bare\n",
	       bc->name, "viewer+kiosk", k.lat_us->len, res->kp50, res->kp99, res->vcpu,
	       k.lat_us->len ? kcpu / k.lat_us->len : 0, res->bp50 > 0 ? res->kp50 / res->bp50 : 0,
	       res->bp99 > 0 ? res->kp99 / res->bp99 : 0);
	fflush(stdout);
	td_stop(&td);
	g_array_unref(b.lat_us);
	g_array_unref(k.lat_us);
	test_dir_remove(dir);
	g_free(dir);
}

static const char *met(bool ok)
{
	return ok ? "met" : "NOT met";
}

/* The goals, each beside the figures of this run it compares. */
static void goals(const struct result *full, const struct result *one, const struct result *dmg,
		  const struct result *dmg1)
{
	double budget = full->bp50 + full->compose_ms + 0.5;

	printf("goals (this run):\n");
	printf("  full-frame-1:1 p50 <= 1.15x bare: %.2f ms vs %.2f ms bare = %.2fx  %s\n",
	       one->kp50, one->bp50, one->kp50 / one->bp50, met(one->kp50 <= 1.15 * one->bp50));
	printf("  full-frame-1:1 p99 <= 1.3x bare:  %.2f ms vs %.2f ms bare = %.2fx  %s\n",
	       one->kp99, one->bp99, one->kp99 / one->bp99, met(one->kp99 <= 1.3 * one->bp99));
	printf("  full-frame p50 <= bare + compose + 0.5 ms: %.2f ms vs %.2f + %.2f + 0.5 = %.2f ms"
	       "  %s\n", full->kp50, full->bp50, full->compose_ms, budget, met(full->kp50 <= budget));
	printf("  viewer CPU per 1080p full frame <= 2 ms: %.2f ms (1:1 case %.2f ms)  %s\n",
	       full->vcpu, one->vcpu, met(full->vcpu <= 2 && one->vcpu <= 2));
	printf("  damage p50 <= bare + 0.15 ms: %.2f ms vs %.2f + 0.15 = %.2f ms  %s\n", dmg->kp50,
	       dmg->bp50, dmg->bp50 + 0.15, met(dmg->kp50 <= dmg->bp50 + 0.15));
	printf("  (damage-1:1, the same path without scaling: %.2f ms vs %.2f + 0.15 = %.2f ms"
	       "  %s)\n", dmg1->kp50, dmg1->bp50, dmg1->bp50 + 0.15,
	       met(dmg1->kp50 <= dmg1->bp50 + 0.15));
	printf("  memory: bench/display-memory (the kiosk and the viewer as separate processes)\n");
}

static double median_ms(GArray *us)
{
	return pct(us, 0.5);
}

/* --guest SPICE TRIGGER [TRIALS]: guest to glass through both receivers in turn. */
static int guest_main(const char *spice, const char *trigger_path, unsigned trials)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct run b = { .lat_us = g_array_new(FALSE, FALSE, sizeof(int64_t)), .guest = true,
			 .trials = trials, .drive = guest_trials_and_spin,
			 .intervals_us = g_array_new(FALSE, FALSE, sizeof(int64_t)) };
	struct run k = { .lat_us = g_array_new(FALSE, FALSE, sizeof(int64_t)), .guest = true,
			 .trials = trials, .drive = guest_trials };
	double bcpu, kcpu, vcpu, bp50, kp50;

	g_strlcpy(sa.sun_path, trigger_path, sizeof(sa.sun_path));
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "display-latency: cannot connect to %s\n", trigger_path);
		return 1;
	}
	b.trigger = k.trigger = fd;
	bare(spice, 0, &b, &bcpu);
	kiosk(spice, false, 0, &k, &kcpu, &vcpu);
	bp50 = median_ms(b.lat_us);
	kp50 = median_ms(k.lat_us);
	printf("display-latency --guest: QEMU std VGA guest, whole framebuffer painted on the "
	       "host's word, %u trials per receiver\n", trials);
	printf("%-15s %-13s %6s %8s %8s\n", "case", "receiver", "frames", "p50 ms", "p99 ms");
	printf("%-15s %-13s %6u %8.2f %8.2f\n", "guest-to-glass", "bare-spice", b.lat_us->len,
	       bp50, pct(b.lat_us, 0.99));
	printf("%-15s %-13s %6u %8.2f %8.2f   p50 %+.2f ms, %.2fx bare\n", "guest-to-glass",
	       "viewer+kiosk", k.lat_us->len, kp50, pct(k.lat_us, 0.99), kp50 - bp50,
	       bp50 > 0 ? kp50 / bp50 : 0);
	printf("QEMU display refresh interval (guest changing a 64x64 block every 2 ms, bare "
	       "receiver): p50 %.2f ms, p99 %.2f ms over %u updates; both figures above include "
	       "it\n", median_ms(b.intervals_us), pct(b.intervals_us, 0.99), b.intervals_us->len);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 5.0;

	if (argc > 1 && strcmp(argv[1], "--help") == 0) {
		printf("Usage: display-latency [SECONDS [CASE...]]\n"
		       "A 1920x1080 counter domain through a bare spice-client-glib receiver and "
		       "through\ntessera-viewer and the kiosk's display stack, in the cases "
		       "full-frame, full-frame-1:1,\ndamage and damage-1:1; prints p50/p99 "
		       "latency, CPU per frame and the goals.\nSECONDS per case and receiver, in 5 "
		       "turns each, default 5; naming CASEs runs only\nthose, without the goals (for "
		       "a profile).\n"
		       "       display-latency --guest SPICE_SOCKET TRIGGER_SOCKET [TRIALS]\n"
		       "The same receivers reading a QEMU guest that paints its framebuffer on each "
		       "byte\nwritten to TRIGGER_SOCKET (bench/guest-display sets it up); TRIALS "
		       "default 30.\n");
		return 0;
	}
	if (argc > 3 && strcmp(argv[1], "--guest") == 0) {
		tsr_log_init("display-latency", false);
		tsr_log_set_level(TSR_LOG_ERROR);
		return guest_main(argv[2], argv[3], argc > 4 ? (unsigned)atoi(argv[4]) : 30);
	}

	tsr_log_init("display-latency", false);
	tsr_log_set_level(TSR_LOG_ERROR);
	if (seconds <= 0 || seconds > 600) {
		fprintf(stderr, "usage: display-latency [SECONDS per run, default 5]\n");
		return 2;
	}
	static const struct bench_case cases[] = {
		{ "full-frame", NULL, false },
		{ "full-frame-1:1", NULL, true },
		{ "damage", "256x256", false },
		{ "damage-1:1", "256x256", true },
	};
	struct result res[G_N_ELEMENTS(cases)];
	bool all = argc <= 2;

	for (int a = 2; a < argc; a++) {
		bool known = false;
		for (size_t i = 0; i < G_N_ELEMENTS(cases); i++)
			known = known || strcmp(argv[a], cases[i].name) == 0;
		if (!known) {
			fprintf(stderr, "display-latency: no case '%s' (see --help)\n", argv[a]);
			return 2;
		}
	}

	printf("display-latency: testdomain counter %dx%d at 60 fps, %.0f s per case and receiver in "
	       "%d turns\n", W, H, seconds, ROUNDS);
	printf("%-15s %-13s %6s %8s %8s %11s %10s\n", "case", "receiver", "frames", "p50 ms",
	       "p99 ms", "viewer ms/f", "self ms/f");
	/* Cases named after SECONDS run alone (a profile of one path); the goals need all. */
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		bool named = false;
		for (int a = 2; a < argc; a++)
			named = named || strcmp(argv[a], cases[i].name) == 0;
		if (all || named)
			one_case(&cases[i], seconds, &res[i]);
	}
	if (all)
		goals(&res[0], &res[1], &res[2], &res[3]);
	return 0;
}
