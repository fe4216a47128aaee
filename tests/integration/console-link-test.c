/* tests/integration/console-link-test.c: the kiosk side stops a console that misbehaves.
 *
 * The console parses a remote client's SPICE stream, so the kiosk must assume it can be taken
 * over. This test plays such a console: the link spawns this very program (which notices the
 * --fd=3 the link passes and becomes a fake console), the fake sends one bad message, and the
 * test proves that the link reports it, kills the console and never calls an input callback
 * with the bad values. One good run proves the fake is heard at all. */
#include "config.h"

#include <glib.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/fdpass.h"
#include "common/frame.h"
#include "proto/console-link.h"
#include "tests/harness/cases.h"

#define TIMEOUT_MS 10000
#define ENV_CASE "TSR_FAKE_CONSOLE_CASE"

static char *self;

/* --- the fake console ---------------------------------------------------------------------- */

static void fake_send(void *msg, size_t len, uint16_t type, uint16_t version, int fd)
{
	if (tsr_frame_send(3, msg, len, type, version, fd >= 0 ? &fd : NULL, fd >= 0) < 0)
		_exit(3);
}

static int fake_console(void)
{
	const char *c = getenv(ENV_CASE);
	struct tsr_console_ready ready = { 0 };
	struct tsr_console_key key = { .scancode = 0x1e, .down = 1 };
	struct tsr_console_pointer pointer = { .x = 63, .y = 31, .buttons = 1 };
	unsigned char buf[TSR_FRAME_MAX];
	int fds[TSR_FDPASS_MAX];
	size_t nfds;

	if (!c)
		return 2;
	if (!strcmp(c, "stuck-then-drain")) {
		/* Stop reading until SIGUSR1, then read until the whole 64x32 surface is reported
		 * damaged; say 0x1e for yes, 0x1f if it never came. */
		sigset_t set;
		int sig;
		struct pollfd p = { .fd = 3, .events = POLLIN };

		sigemptyset(&set);
		sigaddset(&set, SIGUSR1);
		sigprocmask(SIG_BLOCK, &set, NULL);
		fake_send(&ready, sizeof(ready), TSR_CONSOLE_MSG_READY, TSR_CONSOLE_PROTO_VERSION, -1);
		if (sigwait(&set, &sig) != 0)
			return 6;
		key.scancode = 0x1f;
		while (poll(&p, 1, 10000) == 1) {
			ssize_t n = tsr_fd_recv(3, buf, sizeof(buf), fds, TSR_FDPASS_MAX, &nfds);
			struct tsr_console_damage d;

			if (n <= 0)
				break;
			tsr_fd_close_all(fds, nfds);
			if ((size_t)n != sizeof(d))
				continue;
			memcpy(&d, buf, sizeof(d));
			if (d.hdr.type != TSR_CONSOLE_MSG_DAMAGE)
				continue;
			for (uint32_t i = 0; i < d.count && i < TSR_CONSOLE_DAMAGE_MAX; i++)
				if (d.rects[i].x == 0 && d.rects[i].y == 0 &&
				    d.rects[i].width == 64 && d.rects[i].height == 32)
					key.scancode = 0x1e;
			if (key.scancode == 0x1e)
				break;
		}
		fake_send(&key, sizeof(key), TSR_CONSOLE_MSG_KEY, TSR_CONSOLE_PROTO_VERSION, -1);
		return 0;
	}
	if (strcmp(c, "no-ready") != 0)
		fake_send(&ready, sizeof(ready), TSR_CONSOLE_MSG_READY, TSR_CONSOLE_PROTO_VERSION, -1);
	/* Wait for the surface so pointer bounds are known on the kiosk side. */
	if (tsr_fd_recv(3, buf, sizeof(buf), fds, TSR_FDPASS_MAX, &nfds) <= 0)
		return 4;
	tsr_fd_close_all(fds, nfds);

	if (!strcmp(c, "good")) {
		fake_send(&key, sizeof(key), TSR_CONSOLE_MSG_KEY, TSR_CONSOLE_PROTO_VERSION, -1);
		fake_send(&pointer, sizeof(pointer), TSR_CONSOLE_MSG_POINTER,
			  TSR_CONSOLE_PROTO_VERSION, -1);
		return 0; /* exiting closes the link */
	} else if (!strcmp(c, "no-ready")) {
		fake_send(&key, sizeof(key), TSR_CONSOLE_MSG_KEY, TSR_CONSOLE_PROTO_VERSION, -1);
	} else if (!strcmp(c, "ready-twice")) {
		fake_send(&ready, sizeof(ready), TSR_CONSOLE_MSG_READY, TSR_CONSOLE_PROTO_VERSION, -1);
	} else if (!strcmp(c, "break-code")) {
		key.scancode = 0x9e;
		fake_send(&key, sizeof(key), TSR_CONSOLE_MSG_KEY, TSR_CONSOLE_PROTO_VERSION, -1);
	} else if (!strcmp(c, "pointer-outside")) {
		pointer.x = 64;
		fake_send(&pointer, sizeof(pointer), TSR_CONSOLE_MSG_POINTER,
			  TSR_CONSOLE_PROTO_VERSION, -1);
	} else if (!strcmp(c, "surface-from-console")) {
		struct tsr_console_surface s = { .format = 1, .width = 1, .height = 1, .stride = 4 };

		fake_send(&s, sizeof(s), TSR_CONSOLE_MSG_SURFACE, TSR_CONSOLE_PROTO_VERSION, -1);
	} else if (!strcmp(c, "fd-attached")) {
		fake_send(&key, sizeof(key), TSR_CONSOLE_MSG_KEY, TSR_CONSOLE_PROTO_VERSION, 0);
	} else if (!strcmp(c, "wrong-version")) {
		fake_send(&key, sizeof(key), TSR_CONSOLE_MSG_KEY, TSR_CONSOLE_PROTO_VERSION + 1, -1);
	} else if (!strcmp(c, "short")) {
		fake_send(&key, sizeof(key) - 2, TSR_CONSOLE_MSG_KEY, TSR_CONSOLE_PROTO_VERSION, -1);
	} else {
		return 2;
	}
	/* Stay until the kiosk cuts us off (it must kill us). */
	struct pollfd p = { .fd = 3, .events = POLLIN };
	poll(&p, 1, 60000);
	return 5;
}

/* --- the kiosk side ------------------------------------------------------------------------- */

struct seen {
	unsigned ready, keys, pointers;
	uint16_t scancode;
	uint32_t x, y, buttons;
	char *closed;
};

static void on_ready(void *data)
{
	((struct seen *)data)->ready++;
}

static void on_key(void *data, uint16_t scancode, bool down)
{
	struct seen *s = data;

	s->keys++;
	s->scancode = scancode;
}

static void on_pointer(void *data, uint32_t x, uint32_t y, uint32_t buttons, int wheel)
{
	struct seen *s = data;

	s->pointers++;
	s->x = x;
	s->y = y;
	s->buttons = buttons;
}

static void on_closed(void *data, const char *why)
{
	struct seen *s = data;

	g_assert_null(s->closed);
	s->closed = g_strdup(why);
}

static const struct tsr_console_link_callbacks callbacks = {
	.ready = on_ready, .key = on_key, .pointer = on_pointer, .closed = on_closed,
};

/* Run the fake console in case c until the link closes; returns the wait status. */
static int run_case(const char *c, struct seen *seen)
{
	struct tsr_console_spawn_options options = { .program = self, .stderr_fd = -1 };
	struct tsr_console_link *link;
	GError *error = NULL;
	uint32_t stride;
	uint32_t *pixels;
	int status = -1;

	memset(seen, 0, sizeof(*seen));
	g_setenv(ENV_CASE, c, TRUE);
	link = tsr_console_link_spawn(&options, &callbacks, seen, &error);
	g_unsetenv(ENV_CASE);
	g_assert_no_error(error);
	pixels = tsr_console_link_set_surface(link, 64, 32, &stride);
	g_assert_nonnull(pixels);
	g_assert_cmpuint(stride, ==, 256);
	while (!seen->closed) {
		struct pollfd p = { .fd = tsr_console_link_fd(link), .events = POLLIN };

		g_assert_cmpint(poll(&p, 1, TIMEOUT_MS), ==, 1);
		(void)tsr_console_link_dispatch(link);
	}
	g_assert_cmpint(tsr_console_link_wait(link, TIMEOUT_MS, &status), ==, 1);
	tsr_console_link_destroy(link);
	g_test_message("%s: %s", c, seen->closed);
	return status;
}

static void test_good(void)
{
	struct seen seen;
	int status = run_case("good", &seen);

	g_assert_true(WIFEXITED(status));
	g_assert_cmpint(WEXITSTATUS(status), ==, 0);
	g_assert_cmpuint(seen.ready, ==, 1);
	g_assert_cmpuint(seen.keys, ==, 1);
	g_assert_cmphex(seen.scancode, ==, 0x1e);
	g_assert_cmpuint(seen.pointers, ==, 1);
	g_assert_cmpuint(seen.x, ==, 63);
	g_assert_cmpuint(seen.y, ==, 31);
	g_assert_cmpuint(seen.buttons, ==, TSR_CONSOLE_BUTTON_LEFT);
	g_assert_nonnull(strstr(seen.closed, "closed the link"));
	g_free(seen.closed);
}

/* A console that stops reading never blocks the kiosk; what it missed arrives merged. */
static void test_stuck_console(void)
{
	struct tsr_console_spawn_options options = { .program = self, .stderr_fd = -1 };
	struct tsr_console_link *link;
	GError *error = NULL;
	struct seen seen = { 0 };
	uint32_t stride;
	bool backed_up = false;
	int status = -1;

	g_setenv(ENV_CASE, "stuck-then-drain", TRUE);
	link = tsr_console_link_spawn(&options, &callbacks, &seen, &error);
	g_unsetenv(ENV_CASE);
	g_assert_no_error(error);
	while (!seen.ready) {
		struct pollfd p = { .fd = tsr_console_link_fd(link), .events = POLLIN };

		g_assert_cmpint(poll(&p, 1, TIMEOUT_MS), ==, 1);
		g_assert_cmpint(tsr_console_link_dispatch(link), ==, 0);
	}
	g_assert_nonnull(tsr_console_link_set_surface(link, 64, 32, &stride));
	/* Far more than the socket buffer holds; each call returns at once. */
	for (uint32_t i = 0; i < 20000; i++) {
		struct tsr_console_rect r = { i % 64, (i / 64) % 32, 1, 1 };

		g_assert_cmpint(tsr_console_link_damage(link, &r, 1), ==, 0);
		backed_up = backed_up || tsr_console_link_wants_write(link);
	}
	g_assert_true(backed_up);
	g_assert_cmpint(tsr_console_link_damage(link, &(struct tsr_console_rect){ 0, 0, 64, 32 }, 1),
			==, 0);
	g_assert_cmpint(tsr_console_link_set_leds(link, TSR_CONSOLE_LED_NUM), ==, 0);
	/* The console reads again: the kiosk sends what waited once there is room. */
	g_assert_cmpint(kill(tsr_console_link_pid(link), SIGUSR1), ==, 0);
	while (seen.keys == 0 && !seen.closed) {
		struct pollfd p = { .fd = tsr_console_link_fd(link),
				    .events = POLLIN | (tsr_console_link_wants_write(link) ? POLLOUT : 0) };

		g_assert_cmpint(poll(&p, 1, TIMEOUT_MS), ==, 1);
		(void)tsr_console_link_dispatch(link);
	}
	g_assert_cmphex(seen.scancode, ==, 0x1e);
	g_assert_false(tsr_console_link_wants_write(link));
	g_assert_cmpint(tsr_console_link_wait(link, TIMEOUT_MS, &status), ==, 1);
	g_assert_true(WIFEXITED(status));
	g_assert_cmpint(WEXITSTATUS(status), ==, 0);
	tsr_console_link_destroy(link);
	g_free(seen.closed);
}

struct bad_case {
	const char *name;
	const char *expect;
};

static const struct bad_case bad_cases[] = {
	{ "no-ready", "input before saying ready" },
	{ "ready-twice", "ready twice" },
	{ "break-code", "scancode 0x9e" },
	{ "pointer-outside", "pointer (64,31) is outside the 64x32 surface" },
	{ "surface-from-console", "which it may not send" },
	{ "fd-attached", "malformed frame or fds" },
	{ "wrong-version", "wrong protocol version" },
	{ "short", "has 10 bytes, not 12" },
};

static void test_bad(gconstpointer data)
{
	const struct bad_case *c = data;
	struct seen seen;
	int status = run_case(c->name, &seen);

	/* Killed by the kiosk, not exited on its own. */
	g_assert_true(WIFSIGNALED(status));
	g_assert_cmpint(WTERMSIG(status), ==, SIGKILL);
	g_assert_nonnull(strstr(seen.closed, "sent a bad message and was stopped"));
	g_assert_nonnull(strstr(seen.closed, c->expect));
	/* No input got through. */
	g_assert_cmpuint(seen.keys, ==, 0);
	g_assert_cmpuint(seen.pointers, ==, 0);
	g_free(seen.closed);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--fd=3"))
		return fake_console();
	self = g_file_read_link("/proc/self/exe", NULL);
	g_assert_nonnull(self);
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/console-link/good-console-is-heard", test_good);
	g_test_add_func("/console-link/stuck-console-never-blocks-kiosk", test_stuck_console);
	TSR_TEST_ADD_CASES("/console-link/stops-console", bad_cases, test_bad);
	return g_test_run();
}
