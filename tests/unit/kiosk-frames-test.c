/* tests/unit/kiosk-frames-test.c: the kiosk's frame loop (kiosk/frames.h).
 *
 * Proves: the first frame is presented without any further change (a kiosk without a console
 * once never drew at all); the console gets the whole desktop when attached and afterwards
 * exactly the composed rectangles, with the memfd's pixels equal to the shadow buffer; a
 * console that went away (peer closed) stops the mirroring without stopping frames. */
#include "config.h"
#include "kiosk/frames.h"

#include "common/frame.h"
#include "proto/console.h"

#include <glib.h>
#include <poll.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

static gboolean timed_out(gpointer data)
{
	*(bool *)data = true;
	return G_SOURCE_REMOVE;
}

/* Run the default context until frames reaches want (bounded: fails the test after 5 s). */
static void run_until_frames(struct tsr_kiosk_frames *f, guint64 want)
{
	bool late = false;
	guint t = g_timeout_add(5000, timed_out, &late);

	while (tsr_kiosk_frames_count(f) < want && !late)
		g_main_context_iteration(NULL, TRUE);
	if (!late)
		g_source_remove(t);
	g_assert_cmpuint(tsr_kiosk_frames_count(f), >=, want);
}

/* One message from the kiosk side, with at most one fd. */
static ssize_t recv_msg(int sock, void *buf, size_t cap, int *fd)
{
	struct pollfd p = { sock, POLLIN, 0 };
	size_t nfds = 0;
	int fds[1] = { -1 };
	ssize_t n;

	g_assert_cmpint(poll(&p, 1, 5000), ==, 1);
	n = tsr_frame_recv(sock, buf, cap, TSR_CONSOLE_PROTO_VERSION, fds, 1, &nfds);
	*fd = nfds ? fds[0] : -1;
	return n;
}

static void test_first_frame_alone(void)
{
	GError *error = NULL;
	struct tsr_output *out = tsr_output_open("headless:320x200", &error);
	struct tsr_scene *scene = tsr_scene_create(0, 0, &error);
	struct tsr_kiosk_frames *f;

	g_assert_no_error(error);
	f = tsr_kiosk_frames_create(scene, out, &error);
	g_assert_no_error(error);
	run_until_frames(f, 1);
	g_assert_false(tsr_scene_has_damage(scene));
	tsr_kiosk_frames_destroy(f);
	tsr_scene_destroy(scene);
	tsr_output_destroy(out);
}

static void test_console_mirror(void)
{
	GError *error = NULL;
	struct tsr_output *out = tsr_output_open("headless:320x200", &error);
	struct tsr_scene *scene = tsr_scene_create(0, 0, &error);
	struct tsr_kiosk_frames *f;
	struct tsr_console_link *link;
	uint8_t buf[TSR_FRAME_MAX];
	struct tsr_console_surface surf;
	struct tsr_console_damage dmg;
	int sv[2], fd;
	ssize_t n;
	const uint8_t *map;
	size_t size;
	const struct tsr_image *shadow;

	g_assert_no_error(error);
	f = tsr_kiosk_frames_create(scene, out, &error);
	g_assert_no_error(error);
	run_until_frames(f, 1);
	g_assert_cmpint(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), ==, 0);
	link = tsr_console_link_wrap(sv[0], NULL, NULL);
	g_assert_nonnull(link);
	tsr_kiosk_frames_set_console(f, link);

	/* The surface, then the whole desktop as damage. */
	n = recv_msg(sv[1], buf, sizeof(buf), &fd);
	g_assert_cmpint(n, ==, (ssize_t)sizeof(surf));
	memcpy(&surf, buf, sizeof(surf));
	g_assert_cmpuint(surf.hdr.type, ==, TSR_CONSOLE_MSG_SURFACE);
	g_assert_cmpuint(surf.width, ==, 320);
	g_assert_cmpuint(surf.height, ==, 200);
	g_assert_cmpint(fd, >=, 0);
	size = surf.offset + (size_t)surf.stride * surf.height;
	map = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
	g_assert_true(map != MAP_FAILED);
	n = recv_msg(sv[1], buf, sizeof(buf), &fd);
	g_assert_cmpint(n, ==, (ssize_t)sizeof(dmg));
	memcpy(&dmg, buf, sizeof(dmg));
	g_assert_cmpuint(dmg.hdr.type, ==, TSR_CONSOLE_MSG_DAMAGE);
	g_assert_cmpuint(dmg.count, ==, 1);
	g_assert_cmpuint(dmg.rects[0].width, ==, 320);
	g_assert_cmpuint(dmg.rects[0].height, ==, 200);

	/* A clock change damages the top bar only; the console copy equals the shadow. */
	g_assert_true(tsr_scene_set_clock(scene, "12:34", &error));
	run_until_frames(f, 2);
	n = recv_msg(sv[1], buf, sizeof(buf), &fd);
	g_assert_cmpint(n, ==, (ssize_t)sizeof(dmg));
	memcpy(&dmg, buf, sizeof(dmg));
	g_assert_cmpuint(dmg.count, >=, 1);
	for (uint32_t i = 0; i < dmg.count; i++)
		g_assert_cmpuint(dmg.rects[i].y + dmg.rects[i].height, <=, 24); /* the 200/27 bar */
	shadow = tsr_scene_shadow(scene);
	for (int32_t y = 0; y < shadow->height; y++)
		g_assert_cmpmem(map + surf.offset + (size_t)y * surf.stride, (size_t)shadow->width * 4,
				(const uint8_t *)shadow->pixels + (size_t)y * (size_t)shadow->stride,
				(size_t)shadow->width * 4);
	munmap((void *)map, size);

	/* The console going away does not stop the kiosk's own frames. */
	close(sv[1]);
	g_assert_true(tsr_scene_set_clock(scene, "12:35", &error));
	run_until_frames(f, 3);
	tsr_kiosk_frames_set_console(f, NULL);
	tsr_console_link_destroy(link);
	g_assert_true(tsr_scene_set_clock(scene, "12:36", &error));
	run_until_frames(f, 4);
	tsr_kiosk_frames_destroy(f);
	tsr_scene_destroy(scene);
	tsr_output_destroy(out);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/kiosk/frames/first-frame-without-any-change", test_first_frame_alone);
	g_test_add_func("/kiosk/frames/console-gets-exactly-the-changed-pixels", test_console_mirror);
	return g_test_run();
}
