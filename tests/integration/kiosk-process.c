/* tests/integration/kiosk-process.c: see kiosk-process.h. */
#include "config.h"
#include "tests/integration/kiosk-process.h"
#include "renderer/png.h"
#include "tests/integration/display-helpers.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static void die_with_parent(gpointer data)
{
	(void)data;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
}

void kiosk_start(struct kiosk *k, const char *dir, const char *layout, const char *const *extra,
		 ...)
{
	GPtrArray *argv = g_ptr_array_new();
	GError *error = NULL;
	uid_t uid;
	gid_t gid;
	char *user;
	va_list ap;
	const char *d;

	test_viewer_user(&uid, &gid);
	user = g_strdup_printf("%u:%u", uid, gid);
	k->shot = g_strdup_printf("%s/shot.png", dir);
	g_ptr_array_add(argv, (char *)TSR_BUILDDIR "/kiosk/tessera-kiosk");
	g_ptr_array_add(argv, (char *)"--output");
	g_ptr_array_add(argv, (char *)"headless:1280x720");
	g_ptr_array_add(argv, (char *)"--viewer");
	g_ptr_array_add(argv, (char *)TSR_BUILDDIR "/viewer/tessera-viewer");
	g_ptr_array_add(argv, (char *)"--viewer-user");
	g_ptr_array_add(argv, user);
	g_ptr_array_add(argv, (char *)"--screenshot");
	g_ptr_array_add(argv, k->shot);
	g_ptr_array_add(argv, (char *)"--reattach-ms");
	g_ptr_array_add(argv, (char *)"10");
	g_ptr_array_add(argv, (char *)"--layout");
	g_ptr_array_add(argv, (char *)layout);
	for (int i = 0; extra && extra[i]; i++)
		g_ptr_array_add(argv, (char *)extra[i]);
	va_start(ap, extra);
	while ((d = va_arg(ap, const char *))) {
		g_ptr_array_add(argv, (char *)"--domain");
		g_ptr_array_add(argv, (char *)d);
	}
	va_end(ap);
	g_ptr_array_add(argv, NULL);
	if (!g_spawn_async_with_pipes(NULL, (char **)argv->pdata, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
				      die_with_parent, NULL, &k->pid, NULL, &k->out, NULL, &error))
		g_error("cannot start tessera-kiosk: %s", error->message);
	k->pending = g_string_new(NULL);
	k->geo = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	g_ptr_array_unref(argv);
	g_free(user);
}

char *kiosk_wait(struct kiosk *k, const char *prefix)
{
	gint64 deadline = g_get_monotonic_time() + 30 * G_USEC_PER_SEC;

	for (;;) {
		char *nl;
		while ((nl = strchr(k->pending->str, '\n'))) {
			char *line = g_strndup(k->pending->str, (gsize)(nl - k->pending->str));
			g_string_erase(k->pending, 0, nl - k->pending->str + 1);
			g_test_message("kiosk: %s", line);
			if (g_str_has_prefix(line, "geometry ")) {
				char name[64];
				int *g = g_new(int, 4);
				if (sscanf(line, "geometry %63s %d %d %d %d", name, &g[0], &g[1], &g[2],
					   &g[3]) == 5)
					g_hash_table_replace(k->geo, g_strdup(name), g);
				else
					g_free(g);
			}
			if (g_str_has_prefix(line, prefix))
				return line;
			g_free(line);
		}
		gint64 left = (deadline - g_get_monotonic_time()) / 1000;
		char buf[512];
		ssize_t n;
		if (left <= 0 || !wait_readable(k->out, (int)left))
			return NULL;
		n = read(k->out, buf, sizeof(buf));
		if (n <= 0)
			return NULL;
		g_string_append_len(k->pending, buf, n);
	}
}

void kiosk_geometry(struct kiosk *k, const char *name, int g[4])
{
	int *have;

	while (!(have = g_hash_table_lookup(k->geo, name)) || have[2] <= 0 || have[3] <= 0) {
		char *line = kiosk_wait(k, "geometry ");
		g_assert_nonnull(line);
		g_free(line);
	}
	memcpy(g, have, 4 * sizeof(int));
}

struct tsr_image *kiosk_screenshot(struct kiosk *k)
{
	struct tsr_image *img;
	GError *error = NULL;
	char *line;

	unlink(k->shot);
	kill(k->pid, SIGUSR1);
	line = kiosk_wait(k, "screenshot ");
	g_assert_nonnull(line);
	g_free(line);
	img = tsr_png_read(k->shot, &error);
	g_assert_no_error(error);
	return img;
}

void kiosk_stop(struct kiosk *k)
{
	int status;

	kill(k->pid, SIGTERM);
	status = wait_exit(k->pid, 20000);
	g_assert_true(WIFEXITED(status));
	g_assert_cmpint(WEXITSTATUS(status), ==, 0);
	close(k->out);
	g_string_free(k->pending, TRUE);
	g_hash_table_unref(k->geo);
	g_free(k->shot);
}

uint32_t image_px(const struct tsr_image *img, int x, int y)
{
	return img->pixels[(size_t)y * (size_t)(img->stride / 4) + (size_t)x] & 0xffffff;
}

