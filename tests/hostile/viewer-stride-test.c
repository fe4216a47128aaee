/* tests/hostile/viewer-stride-test.c: a compromised viewer sends surfaces with a stride beyond
 * what the scene draws, against the real tessera-kiosk.
 *
 * The kiosk runs in standalone mode (the same display stack as broker mode, kiosk/displays.c)
 * with two domains: "good", a counter testdomain behind the real sandboxed tessera-viewer, and
 * the attacked one, whose viewer is tests/hostile/stride-viewer. One TAP result per attack:
 *   stride-over-scene-limit-replacing-a-shown-surface   a valid surface is on screen first;
 *   stride-over-scene-limit-as-first-surface            the bad surface comes first.
 * Each asserts that the kiosk does not crash (it answers, and exits 0 on SIGTERM), that it
 * cuts the attacker off, that the good domain's counter keeps rising, and that the attacked
 * domain's place shows neither the attacker's pixels nor the good domain's. */
#include "config.h"
#include "renderer/image.h"
#include "tests/hostile/stride-viewer.h"
#include "tests/integration/display-helpers.h"
#include "tests/integration/kiosk-process.h"
#include "tests/testdomain/frame-code.h"

#include <glib.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define SIDE_W 320
#define SIDE_H 240

/* The good domain's counter frame on screen now, or 0 if none can be read. */
static uint32_t good_frame(struct kiosk *k, const int g[4])
{
	struct tsr_image *img = kiosk_screenshot(k);
	struct tsr_frame_code code = { 0 };
	bool ok = tsr_frame_code_read(img->pixels, (size_t)img->stride, img->width, img->height,
				      g[0], g[1], g[2], g[3], SIDE_W, SIDE_H, &code);

	tsr_image_destroy(img);
	return ok ? code.frame : 0;
}

static int count_colour(const struct tsr_image *img, const int r[4], uint32_t rgb)
{
	int n = 0;

	for (int y = r[1]; y < r[1] + r[3]; y++)
		for (int x = r[0]; x < r[0] + r[2]; x++)
			n += image_px(img, x, y) == rgb;
	return n;
}

/* Where the good domain's content is, and where the attacked one's goes: two domains with
 * surfaces of one size sit side by side in the two halves of the output (checked when the
 * attacked one shows a surface). */
static void where(struct kiosk *k, int g[4], int gb[4])
{
	kiosk_geometry(k, "good", g);
	memcpy(gb, g, 4 * sizeof(int));
	gb[0] += 1280 / 2;
}

/* Why the kiosk's output ended (or that it is still running), for the log. */
static void report_end(struct kiosk *k)
{
	int status = 0;

	if (waitpid(k->pid, &status, WNOHANG) != k->pid)
		g_test_message("the kiosk is running but did not cut the attacker off");
	else if (WIFSIGNALED(status))
		g_test_message("the kiosk died of signal %d", WTERMSIG(status));
	else
		g_test_message("the kiosk exited with status %d", WEXITSTATUS(status));
}

static bool kiosk_alive(struct kiosk *k)
{
	int status;

	return waitpid(k->pid, &status, WNOHANG) == 0;
}

static void attack(gconstpointer data)
{
	const char *name = data;
	bool shown_first = strcmp(name, "replace") == 0;
	gchar *dir = g_dir_make_tmp("tsr-hostile-stride-XXXXXX", NULL);
	g_autofree char *viewer_for = g_strdup_printf("--viewer-for=%s=%s", name,
						      TSR_BUILDDIR "/tests/hostile/stride-viewer");
	g_autofree char *prefix = g_strdup_printf("attached %s ", name);
	g_autofree char *lost = g_strdup_printf("lost %s ", name);
	const char *const extra[] = { viewer_for, "--reattach-ms=-1", NULL };
	struct td_proc good, bad;
	struct kiosk k;
	struct tsr_image *img;
	struct tsr_frame_code code;
	char *sg, *sb, *line;
	int g[4], gb[4];
	uint32_t f0, f1 = 0;
	pid_t viewer;
	gint64 deadline;

	td_start(&good, dir, "good", false, "--size", "320x240", "--pattern", "counter", "--fps", "30",
		 NULL);
	td_start(&bad, dir, name, false, "--size", "320x240", NULL);
	sg = g_strdup_printf("good:green:%s", good.socket);
	sb = g_strdup_printf("%s:red:%s", name, bad.socket);
	kiosk_start(&k, dir, "tiled", extra, sg, sb, NULL);
	line = kiosk_wait(&k, prefix);
	g_assert_nonnull(line);
	viewer = (pid_t)atoi(line + strlen(prefix));
	g_free(line);
	g_assert_cmpint(viewer, >, 0);

	if (shown_first) {
		int have[4];
		where(&k, g, gb);
		while ((f0 = good_frame(&k, g)) == 0)
			;
		kiosk_geometry(&k, name, have);
		g_assert_cmpmem(have, sizeof(have), gb, sizeof(gb));
		deadline = g_get_monotonic_time() + 20 * G_USEC_PER_SEC;
		for (;;) {
			img = kiosk_screenshot(&k);
			int n = count_colour(img, gb, STRIDE_VIEWER_RGB);
			tsr_image_destroy(img);
			if (n == gb[2] * gb[3])
				break;
			g_assert_cmpint(g_get_monotonic_time(), <, deadline);
		}
		g_assert_cmpint(kill(viewer, SIGUSR1), ==, 0);
	}

	/* Cut off, and the kiosk still up (a crashed kiosk ends its output: no line comes). */
	line = kiosk_wait(&k, lost);
	if (!line)
		report_end(&k);
	g_assert_nonnull(line);
	g_test_message("%s", line);
	g_free(line);
	g_assert_true(kiosk_alive(&k));
	if (!shown_first) {
		where(&k, g, gb);
		while ((f0 = good_frame(&k, g)) == 0)
			;
	}

	/* The other domain carries on. */
	deadline = g_get_monotonic_time() + 20 * G_USEC_PER_SEC;
	while ((f1 = good_frame(&k, g)) <= f0)
		g_assert_cmpint(g_get_monotonic_time(), <, deadline);
	g_test_message("good domain's frame %u -> %u", f0, f1);

	/* Nobody's pixels where the attacked domain was: not its own, not the good domain's. */
	img = kiosk_screenshot(&k);
	g_assert_cmpint(count_colour(img, gb, STRIDE_VIEWER_RGB), ==, 0);
	g_assert_cmpint(count_colour(img, gb, STRIDE_VIEWER_BAD_RGB), ==, 0);
	g_assert_false(tsr_frame_code_read(img->pixels, (size_t)img->stride, img->width,
					   img->height, gb[0], gb[1], gb[2], gb[3], SIDE_W, SIDE_H,
					   &code));
	tsr_image_destroy(img);
	g_assert_true(kiosk_alive(&k));

	kiosk_stop(&k);
	td_stop(&good);
	td_stop(&bad);
	g_free(sg);
	g_free(sb);
	test_dir_remove(dir);
	g_free(dir);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	if (geteuid() != 0) {
		g_test_skip("needs root to start the viewers as a separate user");
		return g_test_run();
	}
	g_test_add_data_func("/hostile-viewer/stride-over-scene-limit-replacing-a-shown-surface",
			     "replace", attack);
	g_test_add_data_func("/hostile-viewer/stride-over-scene-limit-as-first-surface", "first",
			     attack);
	return g_test_run();
}
