/* bench/display-memory: what the kiosk and a viewer hold with a 1080p domain on screen.
 *
 * The memory goals are per process, so this runs the real tessera-kiosk (standalone mode,
 * headless:1920x1080, layout single) as its own process with one 1920x1080 counter domain at
 * 60 fps, its sandboxed tessera-viewer as the kiosk's child, and reads both from /proc while
 * full frames flow: RSS, PSS and USS (smaps_rollup), the anonymous part and the surface memfd
 * both map (RssShmem), medians of samples every 250 ms, and the peak (VmHWM). The same run's baseline is the same pair with a 640x480
 * domain, so the figure says what a 1080p domain costs beside what the programs cost anyway.
 * Run: `make bench` or build/bench/display-memory [SECONDS]. */
#include "config.h"
#include "tests/integration/display-helpers.h"
#include "tests/integration/kiosk-process.h"
#include "tests/testdomain/frame-code.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define W 1920
#define H 1080

/* kB. rss counts every page mapped, libraries shared with other processes included; pss
 * divides shared pages among their mappers; uss is the pages only this process maps. */
struct mem {
	double rss, pss, uss, anon, shmem, hwm;
};

/* "Name:  N kB" from a /proc/PID file of such lines (0 if absent). */
static double proc_kib(pid_t pid, const char *file, const char *name)
{
	g_autofree char *path = g_strdup_printf("/proc/%d/%s", (int)pid, file);
	g_autofree char *text = NULL, *key = g_strdup_printf("\n%s:", name);
	const char *p;

	if (!g_file_get_contents(path, &text, NULL, NULL) || !(p = strstr(text, key)))
		return 0;
	return g_ascii_strtod(p + strlen(key), NULL);
}

static struct mem mem_of(pid_t pid)
{
	return (struct mem){
		.rss = proc_kib(pid, "smaps_rollup", "Rss"),
		.pss = proc_kib(pid, "smaps_rollup", "Pss"),
		.uss = proc_kib(pid, "smaps_rollup", "Private_Clean") +
		       proc_kib(pid, "smaps_rollup", "Private_Dirty"),
		.anon = proc_kib(pid, "status", "RssAnon"),
		.shmem = proc_kib(pid, "status", "RssShmem"),
		.hwm = proc_kib(pid, "status", "VmHWM"),
	};
}

/* The kiosk's child running tessera-viewer, or 0. */
static pid_t viewer_of(pid_t kiosk)
{
	g_autofree char *path = g_strdup_printf("/proc/%d/task/%d/children", (int)kiosk, (int)kiosk);
	g_autofree char *text = NULL;
	char **pids;
	pid_t found = 0;

	if (!g_file_get_contents(path, &text, NULL, NULL))
		return 0;
	pids = g_strsplit(g_strstrip(text), " ", -1);
	for (int i = 0; pids[i] && !found; i++) {
		g_autofree char *cmd_path = g_strdup_printf("/proc/%s/cmdline", pids[i]);
		g_autofree char *cmd = NULL;
		if (*pids[i] && g_file_get_contents(cmd_path, &cmd, NULL, NULL) &&
		    strstr(cmd, "tessera-viewer"))
			found = (pid_t)atoi(pids[i]);
	}
	g_strfreev(pids);
	return found;
}

/* Reads what the kiosk printed, so it never blocks on a full pipe, for at most ms. */
static void drain(struct kiosk *k, int ms)
{
	char buf[4096];
	ssize_t n;

	if (wait_readable(k->out, ms) && (n = read(k->out, buf, sizeof(buf))) > 0)
		g_string_append_len(k->pending, buf, n);
	if (k->pending->len > 65536)
		g_string_truncate(k->pending, 0);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(GArray *a)
{
	if (!a->len)
		return 0;
	g_array_sort(a, cmp_double);
	return g_array_index(a, double, a->len / 2);
}

/* Medians of each field over samples. */
static struct mem mem_median(GArray *samples)
{
	GArray *v = g_array_new(FALSE, FALSE, sizeof(double));
	struct mem m = { 0, 0, 0, 0, 0, 0 };
	double *fields[] = { &m.rss, &m.pss, &m.uss, &m.anon, &m.shmem, &m.hwm };

	for (size_t f = 0; f < G_N_ELEMENTS(fields); f++) {
		g_array_set_size(v, 0);
		for (guint i = 0; i < samples->len; i++) {
			const struct mem *s = &g_array_index(samples, struct mem, i);
			const double *all[] = { &s->rss, &s->pss, &s->uss, &s->anon, &s->shmem,
						&s->hwm };
			g_array_append_val(v, *all[f]);
		}
		*fields[f] = median(v);
	}
	g_array_unref(v);
	return m;
}

static void row(const char *who, const char *when, const struct mem *m)
{
	printf("%-7s %-10s %7.1f %7.1f %7.1f %8.1f %10.1f %8.1f\n", who, when, m->rss / 1024,
	       m->pss / 1024, m->uss / 1024, m->anon / 1024, m->shmem / 1024, m->hwm / 1024);
}

static const char *met(bool ok)
{
	return ok ? "met" : "NOT met";
}

/* One domain of w x h through the kiosk for seconds: medians of the kiosk's and the viewer's
 * samples; false if its frames never showed. */
static bool measure(int w, int h, double seconds, struct mem *kiosk_mem, struct mem *viewer_mem,
		    unsigned *samples)
{
	static const char *const extra[] = { "--output", "headless:1920x1080", NULL };
	g_autofree gchar *dir = g_dir_make_tmp("tsr-bench-XXXXXX", NULL);
	g_autofree char *size = g_strdup_printf("%dx%d", w, h);
	g_autofree char *surface = g_strdup_printf("surface bench %dx%d", w, h);
	g_autofree char *spec = NULL, *line = NULL;
	g_autoptr(GArray) ks = g_array_new(FALSE, FALSE, sizeof(struct mem));
	g_autoptr(GArray) vs = g_array_new(FALSE, FALSE, sizeof(struct mem));
	struct tsr_frame_code code;
	struct tsr_image *shot;
	struct td_proc td;
	struct kiosk k;
	pid_t viewer;
	int g[4];
	bool shown = false;

	td_start(&td, dir, "bench", false, "--size", size, "--pattern", "counter", "--fps", "60",
		 NULL);
	spec = g_strdup_printf("bench:blue:%s", td.socket);
	kiosk_start(&k, dir, "single", extra, spec, NULL);
	line = kiosk_wait(&k, surface);
	viewer = viewer_of(k.pid);
	if (line && viewer) {
		kiosk_geometry(&k, "bench", g);
		for (gint64 end = g_get_monotonic_time() + (gint64)(seconds * G_USEC_PER_SEC);
		     g_get_monotonic_time() < end;) {
			gint64 next = g_get_monotonic_time() + 250000;
			while (g_get_monotonic_time() < next)
				drain(&k, (int)MAX((next - g_get_monotonic_time()) / 1000, 1));
			struct mem km = mem_of(k.pid), vm = mem_of(viewer);
			g_array_append_val(ks, km);
			g_array_append_val(vs, vm);
		}
		shot = kiosk_screenshot(&k);
		shown = tsr_frame_code_read(shot->pixels, (size_t)shot->stride, shot->width,
					    shot->height, g[0], g[1], g[2], g[3], w, h, &code);
		tsr_image_destroy(shot);
	}
	kiosk_stop(&k);
	td_stop(&td);
	test_dir_remove(dir);
	*kiosk_mem = mem_median(ks);
	*viewer_mem = mem_median(vs);
	*samples = ks->len;
	return shown;
}

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 5.0;
	struct mem k0, v0, k1, v1;
	unsigned n0, n1;

	if (argc > 1 && strcmp(argv[1], "--help") == 0) {
		printf("Usage: display-memory [SECONDS]\n"
		       "tessera-kiosk (headless:1920x1080) and its tessera-viewer with one counter "
		       "domain at\n60 fps, 640x480 (baseline) then 1920x1080: private and shared RSS "
		       "of each process,\nmedians of samples over SECONDS (default 5) each; then the "
		       "goals.\n");
		return 0;
	}
	if (seconds <= 0 || seconds > 600) {
		fprintf(stderr, "usage: display-memory [SECONDS, default 5]\n");
		return 2;
	}
	if (!measure(640, 480, seconds, &k0, &v0, &n0) || !measure(W, H, seconds, &k1, &v1, &n1)) {
		fprintf(stderr, "display-memory: the domain's frames never showed in the kiosk\n");
		return 1;
	}
	printf("display-memory: tessera-kiosk headless:1920x1080 + tessera-viewer, testdomain "
	       "counter at 60 fps, %.0f s per run (%u and %u samples)\n", seconds, n0, n1);
	printf("%-7s %-10s %7s %7s %7s %8s %10s %8s\n", "process", "domain", "RSS MB", "PSS MB",
	       "USS MB", "anon MB", "surface MB", "peak MB");
	row("kiosk", "640x480", &k0);
	row("kiosk", "1920x1080", &k1);
	row("viewer", "640x480", &v0);
	row("viewer", "1920x1080", &v1);
	printf("goals (this run; the surface is the memfd both map, counted once as the kiosk's "
	       "\"plus surfaces\"; the kiosk's headless output buffers are in its anon):\n");
	printf("  kiosk RSS < 50 MB plus surfaces: %.1f MB RSS - %.1f MB surface = %.1f MB "
	       "(%.1f MB with 640x480; PSS %.1f MB)  %s\n", k1.rss / 1024, k1.shmem / 1024,
	       (k1.rss - k1.shmem) / 1024, (k0.rss - k0.shmem) / 1024, k1.pss / 1024,
	       met((k1.rss - k1.shmem) / 1024 < 50));
	printf("  viewer RSS < 30 MB with a 1080p domain: %.1f MB RSS, of it %.1f MB surface "
	       "(%.1f MB with 640x480; PSS %.1f MB, USS %.1f MB)  %s\n", v1.rss / 1024,
	       v1.shmem / 1024, v0.rss / 1024, v1.pss / 1024, v1.uss / 1024,
	       met(v1.rss / 1024 < 30));
	return 0;
}
