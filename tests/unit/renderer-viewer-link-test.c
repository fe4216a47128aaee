/* The kiosk side of the viewer protocol accepts exactly what doc/display-protocol.md allows:
 * every malformed, out-of-state, badly sealed or oversized message ends the link with a named
 * reason, leaves no fd or mapping behind, and a flood is throttled by the clock. */
#include "config.h"
#include "common/clock.h"
#include "common/fdpass.h"
#include "common/frame.h"
#include "common/sandbox.h"
#include "proto/display.h"
#include "proto/viewer-link.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#define ALL_SEALS (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL)

struct seen {
	int surfaces, damages, cursors, hides, statuses;
	uint32_t w, h, first_pixel;
	uint32_t dx, dy, dw, dh;
	const uint32_t *pixels; /* of the surface last offered */
	bool refuse;            /* play a kiosk whose scene refuses the next surface */
};

static bool on_surface(void *o, const struct tsr_viewer_surface_view *s)
{
	struct seen *seen = o;
	seen->surfaces++;
	seen->w = s->width;
	seen->h = s->height;
	seen->first_pixel = s->pixels[0];
	seen->pixels = s->pixels;
	return !seen->refuse;
}

static void on_damage(void *o, uint32_t x, uint32_t y, uint32_t w, uint32_t h)
{
	struct seen *seen = o;
	seen->damages++;
	seen->dx = x;
	seen->dy = y;
	seen->dw = w;
	seen->dh = h;
}

static void on_cursor(void *o, const struct tsr_viewer_cursor_view *c)
{
	struct seen *seen = o;
	if (c)
		seen->cursors++;
	else
		seen->hides++;
}

static void on_status(void *o, uint32_t status)
{
	(void)status;
	((struct seen *)o)->statuses++;
}

static const struct tsr_viewer_link_callbacks callbacks = {
	.surface = on_surface, .damage = on_damage, .cursor = on_cursor, .status = on_status,
};

struct fixture {
	int viewer; /* the test plays the viewer on this end */
	struct tsr_viewer_link *link;
	struct tsr_fake_clock *clock;
	struct seen seen;
};

static void setup(struct fixture *f, const struct tsr_viewer_link_limits *limits)
{
	int sv[2];

	memset(f, 0, sizeof(*f));
	g_assert_cmpint(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), ==, 0);
	f->viewer = sv[0];
	f->clock = tsr_fake_clock_create(1000000);
	f->link = tsr_viewer_link_create(sv[1], tsr_fake_clock_get(f->clock), limits, &callbacks,
					 &f->seen);
	g_assert_nonnull(f->link);
}

static void teardown(struct fixture *f)
{
	tsr_viewer_link_destroy(f->link);
	tsr_fake_clock_destroy(f->clock);
	close(f->viewer);
}

static int memfd(size_t size, int seals, uint32_t fill)
{
	int fd = memfd_create("t", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	uint32_t *p;

	g_assert_cmpint(fd, >=, 0);
	g_assert_cmpint(ftruncate(fd, (off_t)size), ==, 0);
	if (size) {
		p = mmap(NULL, size, PROT_WRITE, MAP_SHARED, fd, 0);
		g_assert_true(p != MAP_FAILED);
		p[0] = fill;
		munmap(p, size);
	}
	if (seals)
		g_assert_cmpint(fcntl(fd, F_ADD_SEALS, seals), ==, 0);
	return fd;
}

static void send_surface(struct fixture *f, uint32_t w, uint32_t h, uint32_t stride, int fd)
{
	struct tsr_display_surface m = { .width = w, .height = h, .stride = stride,
					 .format = TSR_DISPLAY_FORMAT_XRGB8888 };
	g_assert_cmpint(tsr_frame_send(f->viewer, &m, sizeof(m), TSR_DISPLAY_SURFACE,
				       TSR_DISPLAY_PROTO_VERSION, &fd, fd >= 0 ? 1 : 0), ==, 0);
	if (fd >= 0)
		close(fd);
}

static void send_damage(struct fixture *f, uint32_t x, uint32_t y, uint32_t w, uint32_t h)
{
	struct tsr_display_damage m = { .x = x, .y = y, .width = w, .height = h };
	g_assert_cmpint(tsr_frame_send(f->viewer, &m, sizeof(m), TSR_DISPLAY_DAMAGE,
				       TSR_DISPLAY_PROTO_VERSION, NULL, 0), ==, 0);
}

static enum tsr_viewer_link_result pump(struct fixture *f)
{
	enum tsr_viewer_link_result r;

	do
		r = tsr_viewer_link_dispatch(f->link);
	while (r == TSR_VIEWER_LINK_MORE);
	return r;
}

static void expect_violation(struct fixture *f, const char *reason_part)
{
	g_assert_cmpint(pump(f), ==, TSR_VIEWER_LINK_VIOLATION);
	g_test_message("violation: %s", tsr_viewer_link_error(f->link));
	g_assert_nonnull(strstr(tsr_viewer_link_error(f->link), reason_part));
	/* Once cut off, always cut off. */
	g_assert_cmpint(tsr_viewer_link_dispatch(f->link), ==, TSR_VIEWER_LINK_VIOLATION);
}

static void test_surface_and_damage(void)
{
	struct fixture f;

	setup(&f, NULL);
	send_surface(&f, 64, 32, 256, memfd(256 * 32, ALL_SEALS, 0x00abcdef));
	send_damage(&f, 1, 2, 63, 30);
	g_assert_cmpint(pump(&f), ==, TSR_VIEWER_LINK_OK);
	g_assert_cmpint(f.seen.surfaces, ==, 1);
	g_assert_cmpuint(f.seen.w, ==, 64);
	g_assert_cmpuint(f.seen.first_pixel, ==, 0x00abcdef);
	g_assert_cmpint(f.seen.damages, ==, 1);
	g_assert_cmpuint(f.seen.dw, ==, 63);
	g_assert_cmpuint(tsr_viewer_link_accepted(f.link), ==, 2);
	teardown(&f);
}

static void send_surface_at(struct fixture *f, uint32_t offset, uint32_t w, uint32_t h,
			    uint32_t stride, int fd)
{
	struct tsr_display_surface m = { .width = w, .height = h, .stride = stride,
					 .format = TSR_DISPLAY_FORMAT_XRGB8888, .offset = offset };
	g_assert_cmpint(tsr_frame_send(f->viewer, &m, sizeof(m), TSR_DISPLAY_SURFACE,
				       TSR_DISPLAY_PROTO_VERSION, &fd, 1), ==, 0);
	close(fd);
}

/* A memfd of size bytes with fill at byte offset (a multiple of 4 inside it), sealed. */
static int memfd_at(size_t size, size_t offset, uint32_t fill)
{
	int fd = memfd(size, 0, 0);
	uint32_t *p = mmap(NULL, size, PROT_WRITE, MAP_SHARED, fd, 0);

	g_assert_true(p != MAP_FAILED);
	p[offset / 4] = fill;
	munmap(p, size);
	g_assert_cmpint(fcntl(fd, F_ADD_SEALS, ALL_SEALS), ==, 0);
	return fd;
}

/* A surface that starts offset bytes into its memfd (the viewer shares its SPICE client's own
 * memory, which starts inside a page): the pixels offered start there, the memfd must hold
 * offset + stride x height, and the offset is a multiple of 4 below one page. */
static void test_surface_offset(void)
{
	static const struct {
		uint32_t offset;
		size_t size;
		const char *violation; /* NULL: accepted */
	} cases[] = {
		{ 16, 16 + 256 * 32, NULL },
		{ 4092, 4092 + 256 * 32, NULL },
		{ 16, 256 * 32, "needs" },      /* the rows would run past the end */
		{ 2, 2 + 256 * 32 + 2, "offset" },
		{ 4096, 4096 + 256 * 32, "offset" },
		{ 0xfffffffcu, 8192, "offset" },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct fixture f;

		setup(&f, NULL);
		send_surface_at(&f, cases[i].offset, 64, 32, 256,
				memfd_at(cases[i].size, cases[i].offset & ~3u & 0xfff, 0x00123456));
		if (cases[i].violation) {
			expect_violation(&f, cases[i].violation);
			g_assert_cmpint(f.seen.surfaces, ==, 0);
		} else {
			send_damage(&f, 0, 0, 64, 32);
			g_assert_cmpint(pump(&f), ==, TSR_VIEWER_LINK_OK);
			g_assert_cmpint(f.seen.surfaces, ==, 1);
			g_assert_cmpuint(f.seen.first_pixel, ==, 0x00123456);
			g_assert_cmpint(f.seen.damages, ==, 1);
		}
		teardown(&f);
	}
}

/* The link bounds stride with the scene's limit (proto/display.h): the widest stride the scene
 * draws is accepted, one step more is a violation before anything is mapped or offered. */
static void test_stride_bound(void)
{
	struct fixture f;
	int fds;

	setup(&f, NULL);
	send_surface(&f, 64, 2, TSR_DISPLAY_MAX_STRIDE, memfd(TSR_DISPLAY_MAX_STRIDE * 2, ALL_SEALS, 7));
	g_assert_cmpint(pump(&f), ==, TSR_VIEWER_LINK_OK);
	g_assert_cmpint(f.seen.surfaces, ==, 1);
	teardown(&f);

	setup(&f, NULL);
	fds = tsr_sandbox_count_fds();
	send_surface(&f, 64, 2, TSR_DISPLAY_MAX_STRIDE + 4,
		     memfd((TSR_DISPLAY_MAX_STRIDE + 4) * 2, ALL_SEALS, 7));
	expect_violation(&f, "stride");
	g_assert_cmpint(f.seen.surfaces, ==, 0);
	g_assert_cmpint(tsr_sandbox_count_fds(), ==, fds);
	teardown(&f);
}

/* A surface the kiosk refuses ends the link, and the surface the kiosk is still drawing stays
 * mapped until the kiosk destroys the link: no pointer it holds ever dangles. */
static void test_refused_surface_keeps_the_old_one(void)
{
	struct fixture f;
	const uint32_t *old;
	int fds;

	setup(&f, NULL);
	send_surface(&f, 64, 32, 256, memfd(256 * 32, ALL_SEALS, 0x00123456));
	g_assert_cmpint(pump(&f), ==, TSR_VIEWER_LINK_OK);
	old = f.seen.pixels;
	fds = tsr_sandbox_count_fds();
	f.seen.refuse = true;
	send_surface(&f, 64, 32, 256, memfd(256 * 32, ALL_SEALS, 0x00654321));
	expect_violation(&f, "refused");
	g_assert_cmpint(f.seen.surfaces, ==, 2);
	/* Still mapped: reading it does not fault, and it still holds the old pixels. */
	g_assert_cmphex(old[0], ==, 0x00123456);
	/* The refused memfd was neither kept open nor left mapped. */
	g_assert_cmpint(tsr_sandbox_count_fds(), ==, fds);
	teardown(&f);
}

static void test_damage_before_surface(void)
{
	struct fixture f;

	setup(&f, NULL);
	send_damage(&f, 0, 0, 1, 1);
	expect_violation(&f, "before any surface");
	g_assert_cmpint(f.seen.damages, ==, 0);
	teardown(&f);
}

static void test_damage_outside(void)
{
	const uint32_t bad[][4] = {
		{ 60, 0, 5, 1 }, { 0, 32, 1, 1 }, { 0, 0, 0, 1 }, { 0, 0, 1, 0 },
		{ 1, 0, UINT32_MAX, 1 }, { UINT32_MAX, UINT32_MAX, 2, 2 },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		struct fixture f;
		setup(&f, NULL);
		send_surface(&f, 64, 32, 256, memfd(256 * 32, ALL_SEALS, 0));
		send_damage(&f, bad[i][0], bad[i][1], bad[i][2], bad[i][3]);
		expect_violation(&f, "not inside");
		g_assert_cmpint(f.seen.damages, ==, 0);
		teardown(&f);
	}
}

static void test_bad_memfds(void)
{
	struct {
		int seals;
		size_t size;
		uint32_t w, h, stride;
		const char *reason;
	} cases[] = {
		{ 0, 4096, 32, 32, 128, "lacks seals" },
		{ F_SEAL_SHRINK | F_SEAL_GROW, 4096, 32, 32, 128, "lacks seals" },
		{ F_SEAL_SHRINK | F_SEAL_SEAL, 4096, 32, 32, 128, "lacks seals" },
		{ ALL_SEALS, 4095, 32, 32, 128, "needs 4096" },
		{ ALL_SEALS, 4096, 8192, 8192, 65536, "cap" },
		{ ALL_SEALS, 4096, 8192, 8192, 0xfffffffcu, "stride" },
		{ ALL_SEALS, 4096, 32, 32, 127, "stride" },
		{ ALL_SEALS, 4096, 32, 32, 130, "stride" },
		{ ALL_SEALS, 4096, 0, 32, 128, "size" },
		{ ALL_SEALS, 4096, 8193, 1, 32772, "size" },
	};
	int before = tsr_sandbox_count_fds();

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct fixture f;
		setup(&f, NULL);
		send_surface(&f, cases[i].w, cases[i].h, cases[i].stride,
			     memfd(cases[i].size, cases[i].seals, 0));
		expect_violation(&f, cases[i].reason);
		g_assert_cmpint(f.seen.surfaces, ==, 0);
		teardown(&f);
	}
	g_assert_cmpint(tsr_sandbox_count_fds(), ==, before);
}

static void test_not_a_memfd(void)
{
	struct fixture f;
	int pipefd[2];

	setup(&f, NULL);
	g_assert_cmpint(pipe2(pipefd, O_CLOEXEC), ==, 0);
	send_surface(&f, 1, 1, 4, pipefd[0]);
	close(pipefd[1]);
	expect_violation(&f, "not a sealable memfd");
	teardown(&f);
}

static void test_hugetlbfs_refused(void)
{
	struct fixture f;
	int fd = memfd_create("huge", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_HUGETLB);

	if (fd < 0) {
		g_test_skip("memfd_create(MFD_HUGETLB) fails here (no huge pages reserved)");
		return;
	}
	setup(&f, NULL);
	if (ftruncate(fd, 2 << 20) < 0 || fcntl(fd, F_ADD_SEALS, ALL_SEALS) < 0) {
		close(fd);
		teardown(&f);
		g_test_skip("cannot size or seal a hugetlbfs memfd here");
		return;
	}
	send_surface(&f, 64, 64, 256, fd);
	expect_violation(&f, "hugetlbfs");
	teardown(&f);
}

static void test_mapped_cap(void)
{
	struct tsr_viewer_link_limits limits = { .max_mapped_bytes = 64 * 1024 };
	struct fixture f;

	setup(&f, &limits);
	send_surface(&f, 128, 128, 512, memfd(512 * 128, ALL_SEALS, 0));
	g_assert_cmpint(pump(&f), ==, TSR_VIEWER_LINK_OK);
	send_surface(&f, 128, 129, 512, memfd(512 * 129, ALL_SEALS, 0));
	expect_violation(&f, "cap");
	teardown(&f);
}

static void test_cursor_limits(void)
{
	struct {
		uint32_t w, h, hx, hy, stride;
		const char *reason;
	} cases[] = {
		{ 129, 16, 0, 0, 516, "size" }, { 16, 129, 0, 0, 64, "size" },
		{ 16, 16, 16, 0, 64, "hotspot" }, { 16, 16, 0, 16, 64, "hotspot" },
		{ 16, 16, 0, 0, 60, "stride" },
	};
	struct fixture f;
	struct tsr_display_cursor ok = { .width = 128, .height = 128, .hot_x = 127, .hot_y = 0,
					 .stride = 512, .format = TSR_DISPLAY_FORMAT_ARGB8888 };
	struct tsr_display_cursor_hide hide;
	int fd;

	setup(&f, NULL);
	fd = memfd(512 * 128, ALL_SEALS, 0);
	g_assert_cmpint(tsr_frame_send(f.viewer, &ok, sizeof(ok), TSR_DISPLAY_CURSOR,
				       TSR_DISPLAY_PROTO_VERSION, &fd, 1), ==, 0);
	close(fd);
	g_assert_cmpint(tsr_frame_send(f.viewer, &hide, sizeof(hide), TSR_DISPLAY_CURSOR_HIDE,
				       TSR_DISPLAY_PROTO_VERSION, NULL, 0), ==, 0);
	g_assert_cmpint(pump(&f), ==, TSR_VIEWER_LINK_OK);
	g_assert_cmpint(f.seen.cursors, ==, 1);
	g_assert_cmpint(f.seen.hides, ==, 1);
	teardown(&f);

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct tsr_display_cursor m = { .width = cases[i].w, .height = cases[i].h,
						.hot_x = cases[i].hx, .hot_y = cases[i].hy,
						.stride = cases[i].stride,
						.format = TSR_DISPLAY_FORMAT_ARGB8888 };
		setup(&f, NULL);
		fd = memfd(1 << 20, ALL_SEALS, 0);
		g_assert_cmpint(tsr_frame_send(f.viewer, &m, sizeof(m), TSR_DISPLAY_CURSOR,
					       TSR_DISPLAY_PROTO_VERSION, &fd, 1), ==, 0);
		close(fd);
		expect_violation(&f, cases[i].reason);
		g_assert_cmpint(f.seen.cursors, ==, 0);
		teardown(&f);
	}
}

static void test_wrong_size_type_version_fds(void)
{
	struct fixture f;
	unsigned char buf[64] = { 0 };
	struct tsr_frame_header *h = (void *)buf;
	struct tsr_display_status st = { .status = TSR_DISPLAY_STATUS_CONNECTED };
	int fd;

	/* Damage one byte too long. */
	setup(&f, NULL);
	g_assert_cmpint(tsr_frame_send(f.viewer, buf, sizeof(struct tsr_display_damage) + 1,
				       TSR_DISPLAY_DAMAGE, TSR_DISPLAY_PROTO_VERSION, NULL, 0), ==, 0);
	expect_violation(&f, "expected");
	teardown(&f);

	/* A kiosk->viewer type coming the wrong way. */
	setup(&f, NULL);
	g_assert_cmpint(tsr_frame_send(f.viewer, buf, sizeof(struct tsr_display_key),
				       TSR_DISPLAY_KEY, TSR_DISPLAY_PROTO_VERSION, NULL, 0), ==, 0);
	expect_violation(&f, "unknown message type");
	teardown(&f);

	/* Wrong version. */
	setup(&f, NULL);
	g_assert_cmpint(tsr_frame_send(f.viewer, &st, sizeof(st), TSR_DISPLAY_STATUS, 2, NULL, 0), ==, 0);
	expect_violation(&f, "version");
	teardown(&f);

	/* A header lying about the length. */
	setup(&f, NULL);
	h->type = TSR_DISPLAY_STATUS;
	h->version = TSR_DISPLAY_PROTO_VERSION;
	h->length = 200;
	g_assert_cmpint(send(f.viewer, buf, sizeof(struct tsr_display_status), 0), >, 0);
	expect_violation(&f, "length");
	teardown(&f);

	/* An fd on a message that carries none. */
	setup(&f, NULL);
	fd = memfd(4096, ALL_SEALS, 0);
	g_assert_cmpint(tsr_frame_send(f.viewer, &st, sizeof(st), TSR_DISPLAY_STATUS,
				       TSR_DISPLAY_PROTO_VERSION, &fd, 1), ==, 0);
	close(fd);
	expect_violation(&f, "fds");
	teardown(&f);

	/* Two fds on a surface. */
	setup(&f, NULL);
	{
		struct tsr_display_surface m = { .width = 1, .height = 1, .stride = 4,
						 .format = TSR_DISPLAY_FORMAT_XRGB8888 };
		int two[2] = { memfd(4096, ALL_SEALS, 0), memfd(4096, ALL_SEALS, 0) };
		g_assert_cmpint(tsr_frame_send(f.viewer, &m, sizeof(m), TSR_DISPLAY_SURFACE,
					       TSR_DISPLAY_PROTO_VERSION, two, 2), ==, 0);
		close(two[0]);
		close(two[1]);
	}
	expect_violation(&f, "fds where none belong");
	teardown(&f);

	/* Unknown status. */
	setup(&f, NULL);
	st.status = 77;
	g_assert_cmpint(tsr_frame_send(f.viewer, &st, sizeof(st), TSR_DISPLAY_STATUS,
				       TSR_DISPLAY_PROTO_VERSION, NULL, 0), ==, 0);
	expect_violation(&f, "unknown status");
	teardown(&f);
}

static void test_flood_throttled(void)
{
	struct tsr_viewer_link_limits limits = { .msgs_per_second = 1000, .msg_burst = 10 };
	struct fixture f;
	enum tsr_viewer_link_result r;
	int64_t resume;

	setup(&f, &limits);
	send_surface(&f, 64, 32, 256, memfd(256 * 32, ALL_SEALS, 0));
	for (int i = 0; i < 100; i++)
		send_damage(&f, 0, 0, 1, 1);
	r = pump(&f);
	g_assert_cmpint(r, ==, TSR_VIEWER_LINK_THROTTLED);
	g_assert_cmpint(f.seen.damages, ==, 9); /* burst of 10 minus the surface */
	resume = tsr_viewer_link_resume_us(f.link);
	g_assert_cmpint(resume, >, 1000000);
	/* Nothing more is read until the clock moves. */
	g_assert_cmpint(pump(&f), ==, TSR_VIEWER_LINK_THROTTLED);
	g_assert_cmpint(f.seen.damages, ==, 9);
	/* 20 ms later, 20 more tokens. */
	tsr_fake_clock_advance(f.clock, 20000);
	g_assert_cmpint(pump(&f), ==, TSR_VIEWER_LINK_THROTTLED);
	g_assert_cmpint(f.seen.damages, ==, 19); /* capped by the burst of 10 */
	tsr_fake_clock_advance(f.clock, 1000000);
	g_assert_cmpint(pump(&f), ==, TSR_VIEWER_LINK_THROTTLED);
	tsr_fake_clock_advance(f.clock, 1000000);
	while ((r = pump(&f)) == TSR_VIEWER_LINK_THROTTLED)
		tsr_fake_clock_advance(f.clock, 1000000);
	g_assert_cmpint(r, ==, TSR_VIEWER_LINK_OK);
	g_assert_cmpint(f.seen.damages, ==, 100);
	g_assert_cmpuint(tsr_viewer_link_throttles(f.link), >=, 9);
	teardown(&f);
}

static void test_close_and_send(void)
{
	struct fixture f;
	struct tsr_display_key k;
	size_t nfds;

	setup(&f, NULL);
	g_assert_cmpint(tsr_viewer_link_send_key(f.link, 0x1e, true), ==, 0);
	g_assert_cmpint(tsr_frame_recv(f.viewer, &k, sizeof(k), TSR_DISPLAY_PROTO_VERSION, NULL, 0,
				       &nfds), ==, sizeof(k));
	g_assert_cmpuint(k.hdr.type, ==, TSR_DISPLAY_KEY);
	g_assert_cmpuint(k.scancode, ==, 0x1e);
	g_assert_cmpuint(k.down, ==, 1);
	shutdown(f.viewer, SHUT_WR);
	g_assert_cmpint(pump(&f), ==, TSR_VIEWER_LINK_CLOSED);
	teardown(&f);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/viewer-link/surface-and-damage-accepted", test_surface_and_damage);
	g_test_add_func("/viewer-link/stride-bounded-by-the-scene-limit", test_stride_bound);
	g_test_add_func("/viewer-link/surface-offset-bounded", test_surface_offset);
	g_test_add_func("/viewer-link/refused-surface-keeps-the-old-one-mapped",
			test_refused_surface_keeps_the_old_one);
	g_test_add_func("/viewer-link/damage-before-surface-rejected", test_damage_before_surface);
	g_test_add_func("/viewer-link/damage-outside-surface-rejected", test_damage_outside);
	g_test_add_func("/viewer-link/bad-memfds-rejected", test_bad_memfds);
	g_test_add_func("/viewer-link/non-memfd-rejected", test_not_a_memfd);
	g_test_add_func("/viewer-link/hugetlbfs-rejected", test_hugetlbfs_refused);
	g_test_add_func("/viewer-link/mapped-cap-enforced", test_mapped_cap);
	g_test_add_func("/viewer-link/cursor-limits", test_cursor_limits);
	g_test_add_func("/viewer-link/wrong-size-type-version-fds-rejected",
			test_wrong_size_type_version_fds);
	g_test_add_func("/viewer-link/damage-flood-throttled", test_flood_throttled);
	g_test_add_func("/viewer-link/close-and-send", test_close_and_send);
	return g_test_run();
}
