/* tests/integration/console-reject-test.c: tessera-console refuses bad messages from the kiosk.
 *
 * The kiosk is trusted, but the console checks it anyway: each case starts a real console, sends
 * one malformed message, and proves the console exits with status 1 (not a crash, not a hang)
 * after printing an error that names what was wrong. */
#include "config.h"

#include <fcntl.h>
#include <glib.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/frame.h"
#include "proto/console-link.h"
#include "tests/harness/cases.h"

#define TIMEOUT_MS 10000

struct run {
	char *dir;
	int err_pipe[2];
	struct tsr_console_link *link;
	bool ready;
};

static void on_ready(void *data)
{
	((struct run *)data)->ready = true;
}

static const struct tsr_console_link_callbacks callbacks = { .ready = on_ready };

static bool need_root(void)
{
	if (getuid() != 0) {
		g_test_skip("the console drops to 'nobody', which needs root");
		return false;
	}
	return true;
}

static void start(struct run *r)
{
	char *socket_path;
	GError *error = NULL;
	struct tsr_console_spawn_options options = {
		.program = TSR_BUILDDIR "/console/tessera-console",
		.user = "nobody",
	};

	memset(r, 0, sizeof(*r));
	r->dir = g_dir_make_tmp("tessera-console-reject-XXXXXX", NULL);
	g_assert_nonnull(r->dir);
	socket_path = g_build_filename(r->dir, "console.sock", NULL);
	g_assert_cmpint(pipe2(r->err_pipe, O_CLOEXEC), ==, 0);
	options.socket_path = socket_path;
	options.stderr_fd = r->err_pipe[1];
	r->link = tsr_console_link_spawn(&options, &callbacks, r, &error);
	g_assert_no_error(error);
	close(r->err_pipe[1]);
	g_free(socket_path);

	while (!r->ready) {
		struct pollfd p = { .fd = tsr_console_link_fd(r->link), .events = POLLIN };

		g_assert_cmpint(poll(&p, 1, TIMEOUT_MS), ==, 1);
		g_assert_cmpint(tsr_console_link_dispatch(r->link), ==, 0);
	}
}

/* The console exits 1 and its stderr contains expect. */
static void expect_refusal(struct run *r, const char *expect)
{
	GString *err = g_string_new(NULL);
	char buf[512];
	ssize_t n;
	int status = 0;

	g_assert_cmpint(tsr_console_link_wait(r->link, TIMEOUT_MS, &status), ==, 1);
	/* The console is gone, so its stderr is at EOF once drained. */
	while ((n = read(r->err_pipe[0], buf, sizeof(buf))) > 0)
		g_string_append_len(err, buf, n);
	g_test_message("console said: %s", err->str);
	g_assert_true(WIFEXITED(status));
	g_assert_cmpint(WEXITSTATUS(status), ==, 1);
	g_assert_nonnull(strstr(err->str, expect));
	g_string_free(err, TRUE);
	close(r->err_pipe[0]);
	tsr_console_link_destroy(r->link);
	g_autofree char *sock = g_build_filename(r->dir, "console.sock", NULL);
	unlink(sock);
	rmdir(r->dir);
	g_free(r->dir);
}

/* A memfd of size bytes with the given seals (0 = none). */
static int make_memfd(size_t size, unsigned seals)
{
	int fd = memfd_create("reject-test", MFD_CLOEXEC | MFD_ALLOW_SEALING);

	g_assert_cmpint(fd, >=, 0);
	g_assert_cmpint(ftruncate(fd, (off_t)size), ==, 0);
	if (seals)
		g_assert_cmpint(fcntl(fd, F_ADD_SEALS, seals), ==, 0);
	return fd;
}

static void send_surface(struct run *r, const struct tsr_console_surface *tmpl, int fd)
{
	struct tsr_console_surface msg = *tmpl;

	g_assert_cmpint(tsr_frame_send(tsr_console_link_fd(r->link), &msg, sizeof(msg),
				       TSR_CONSOLE_MSG_SURFACE, TSR_CONSOLE_PROTO_VERSION,
				       fd >= 0 ? &fd : NULL, fd >= 0 ? 1 : 0),
			==, 0);
	if (fd >= 0)
		close(fd);
}

static const struct tsr_console_surface good = {
	.format = TSR_CONSOLE_FORMAT_XRGB8888, .width = 64, .height = 32, .stride = 256,
};
#define GOOD_SIZE (256 * 32)
#define ALL_SEALS (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL)

struct surface_case {
	const char *name;
	struct tsr_console_surface msg;
	size_t size;
	unsigned seals;
	const char *expect;
};

static const struct surface_case surface_cases[] = {
	{ "unsealed", { .format = 1, .width = 64, .height = 32, .stride = 256 }, GOOD_SIZE, 0,
	  "lack F_SEAL_SHRINK|F_SEAL_GROW|F_SEAL_SEAL" },
	{ "not-sealed-against-sealing",
	  { .format = 1, .width = 64, .height = 32, .stride = 256 }, GOOD_SIZE,
	  F_SEAL_SHRINK | F_SEAL_GROW, "lack F_SEAL_SHRINK|F_SEAL_GROW|F_SEAL_SEAL" },
	{ "too-small", { .format = 1, .width = 64, .height = 32, .stride = 256 }, GOOD_SIZE - 4,
	  ALL_SEALS, "but offset + stride*height is 8192" },
	{ "offset-past-end",
	  { .format = 1, .width = 64, .height = 32, .stride = 256, .offset = 4 }, GOOD_SIZE,
	  ALL_SEALS, "but offset + stride*height is 8196" },
	{ "zero-width", { .format = 1, .width = 0, .height = 32, .stride = 256 }, GOOD_SIZE,
	  ALL_SEALS, "outside 1x1" },
	{ "too-tall", { .format = 1, .width = 64, .height = 9000, .stride = 256 }, GOOD_SIZE,
	  ALL_SEALS, "outside 1x1" },
	{ "stride-below-width",
	  { .format = 1, .width = 64, .height = 32, .stride = 252 }, GOOD_SIZE, ALL_SEALS,
	  "stride 252 is below width*4" },
	{ "huge-stride-overflow",
	  { .format = 1, .width = 64, .height = 8192, .stride = 0xfffffffc }, GOOD_SIZE,
	  ALL_SEALS, "above the limit of 65536" },
	/* One row longer than the display protocol allows, in a memfd large enough for it. */
	{ "stride-over-display-limit",
	  { .format = 1, .width = 64, .height = 1, .stride = 65540 }, 65540, ALL_SEALS,
	  "stride 65540 is above the limit of 65536" },
	{ "wrong-format", { .format = 7, .width = 64, .height = 32, .stride = 256 }, GOOD_SIZE,
	  ALL_SEALS, "format 7 is not XRGB8888" },
};

static void test_bad_surface(gconstpointer data)
{
	const struct surface_case *c = data;
	struct run r;

	if (!need_root())
		return;
	start(&r);
	send_surface(&r, &c->msg, make_memfd(c->size, c->seals));
	expect_refusal(&r, c->expect);
}

static void test_surface_without_fd(void)
{
	struct run r;

	if (!need_root())
		return;
	start(&r);
	send_surface(&r, &good, -1);
	expect_refusal(&r, "carries 0 fds, expected 1");
}

static void test_surface_fd_not_memfd(void)
{
	struct run r;
	char *path = g_build_filename(TSR_BUILDDIR, "console-plainfile-XXXXXX", NULL);
	int fd;

	if (!need_root())
		return;
	start(&r);
	fd = mkostemp(path, O_CLOEXEC);
	g_assert_cmpint(fd, >=, 0);
	unlink(path);
	g_free(path);
	g_assert_cmpint(ftruncate(fd, GOOD_SIZE), ==, 0);
	send_surface(&r, &good, fd);
	/* "not a sealable memfd", or on tmpfs (which seals plain files with F_SEAL_SEAL only)
	 * "seals 0x1 lack ...": either way a refusal about seals. */
	expect_refusal(&r, "seal");
}

static void test_surface_fd_pipe(void)
{
	struct run r;
	int p[2];

	if (!need_root())
		return;
	start(&r);
	g_assert_cmpint(pipe2(p, O_CLOEXEC), ==, 0);
	close(p[1]);
	send_surface(&r, &good, p[0]);
	expect_refusal(&r, "not a regular file");
}

static void send_damage(struct run *r, const struct tsr_console_damage *msg)
{
	struct tsr_console_damage m = *msg;

	g_assert_cmpint(tsr_frame_send(tsr_console_link_fd(r->link), &m, sizeof(m),
				       TSR_CONSOLE_MSG_DAMAGE, TSR_CONSOLE_PROTO_VERSION, NULL, 0),
			==, 0);
}

struct damage_case {
	const char *name;
	bool with_surface;
	struct tsr_console_damage msg;
	const char *expect;
};

static const struct damage_case damage_cases[] = {
	{ "before-surface", false, { .count = 1, .rects = { { 0, 0, 1, 1 } } },
	  "damage before any surface" },
	{ "outside", true, { .count = 1, .rects = { { 60, 0, 5, 1 } } },
	  "is outside the 64x32 surface" },
	{ "below", true, { .count = 1, .rects = { { 0, 32, 1, 1 } } },
	  "is outside the 64x32 surface" },
	{ "wrapping", true, { .count = 1, .rects = { { 0xffffff00u, 0, 0x200, 1 } } },
	  "is outside the 64x32 surface" },
	{ "empty", true, { .count = 1, .rects = { { 0, 0, 0, 4 } } }, "is empty" },
	{ "zero-count", true, { .count = 0 }, "count 0 is outside" },
	{ "too-many", true, { .count = TSR_CONSOLE_DAMAGE_MAX + 1 }, "count 33 is outside" },
	{ "junk-past-count", true, { .count = 1, .rects = { { 0, 0, 1, 1 }, { 9, 9, 9, 9 } } },
	  "past count 1 is not zero" },
};

static void test_bad_damage(gconstpointer data)
{
	const struct damage_case *c = data;
	struct run r;

	if (!need_root())
		return;
	start(&r);
	if (c->with_surface)
		send_surface(&r, &good, make_memfd(GOOD_SIZE, ALL_SEALS));
	send_damage(&r, &c->msg);
	expect_refusal(&r, c->expect);
}

static void test_wrong_size(void)
{
	struct run r;
	unsigned char msg[sizeof(struct tsr_frame_header) + 8] = { 0 };

	if (!need_root())
		return;
	start(&r);
	g_assert_cmpint(tsr_frame_send(tsr_console_link_fd(r.link), msg, sizeof(msg),
				       TSR_CONSOLE_MSG_DAMAGE, TSR_CONSOLE_PROTO_VERSION, NULL, 0),
			==, 0);
	expect_refusal(&r, "type 2 has 16 bytes, expected");
}

static void test_console_only_type(void)
{
	struct run r;
	struct tsr_console_key key = { .scancode = 0x1e, .down = 1 };

	if (!need_root())
		return;
	start(&r);
	g_assert_cmpint(tsr_frame_send(tsr_console_link_fd(r.link), &key, sizeof(key),
				       TSR_CONSOLE_MSG_KEY, TSR_CONSOLE_PROTO_VERSION, NULL, 0),
			==, 0);
	expect_refusal(&r, "type 17 is not one the kiosk sends");
}

static void test_wrong_version(void)
{
	struct run r;
	struct tsr_console_damage d = { .count = 1, .rects = { { 0, 0, 1, 1 } } };

	if (!need_root())
		return;
	start(&r);
	g_assert_cmpint(tsr_frame_send(tsr_console_link_fd(r.link), &d, sizeof(d),
				       TSR_CONSOLE_MSG_DAMAGE, TSR_CONSOLE_PROTO_VERSION + 1, NULL,
				       0),
			==, 0);
	expect_refusal(&r, "wrong protocol version");
}

static void test_damage_with_fd(void)
{
	struct run r;
	struct tsr_console_damage d = { .count = 1, .rects = { { 0, 0, 1, 1 } } };
	int fd = make_memfd(16, ALL_SEALS);

	if (!need_root()) {
		close(fd);
		return;
	}
	start(&r);
	send_surface(&r, &good, make_memfd(GOOD_SIZE, ALL_SEALS));
	g_assert_cmpint(tsr_frame_send(tsr_console_link_fd(r.link), &d, sizeof(d),
				       TSR_CONSOLE_MSG_DAMAGE, TSR_CONSOLE_PROTO_VERSION, &fd, 1),
			==, 0);
	close(fd);
	expect_refusal(&r, "bad damage message from the kiosk: it carries 1 fds");
}

static void test_bad_leds(void)
{
	struct run r;
	struct tsr_console_leds leds = { .leds = 0x9 };

	if (!need_root())
		return;
	start(&r);
	g_assert_cmpint(tsr_frame_send(tsr_console_link_fd(r.link), &leds, sizeof(leds),
				       TSR_CONSOLE_MSG_LEDS, TSR_CONSOLE_PROTO_VERSION, NULL, 0),
			==, 0);
	expect_refusal(&r, "leds 0x9 name unknown LEDs");
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	TSR_TEST_ADD_CASES("/console/refuses-surface", surface_cases, test_bad_surface);
	g_test_add_func("/console/refuses-surface/without-fd", test_surface_without_fd);
	g_test_add_func("/console/refuses-surface/plain-file", test_surface_fd_not_memfd);
	g_test_add_func("/console/refuses-surface/pipe", test_surface_fd_pipe);
	TSR_TEST_ADD_CASES("/console/refuses-damage", damage_cases, test_bad_damage);
	g_test_add_func("/console/refuses-damage/with-fd", test_damage_with_fd);
	g_test_add_func("/console/refuses-message/unknown-leds", test_bad_leds);
	g_test_add_func("/console/refuses-message/wrong-size", test_wrong_size);
	g_test_add_func("/console/refuses-message/console-only-type", test_console_only_type);
	g_test_add_func("/console/refuses-message/wrong-version", test_wrong_version);
	return g_test_run();
}
