/* tests/integration/console-test.c: tessera-console end to end.
 *
 * A feeder (the kiosk-side console link) starts the real console, sends a test pattern, and a
 * real SPICE client (spice-client-glib, no GTK) connects to the console's unix socket. Proves
 * that the pixels the client receives equal the pattern, that damage updates arrive, that the
 * client's keys and pointer reach the feeder exactly, and that the console runs sandboxed behind
 * a 0600 socket. Every wait is on an event, bounded by a timeout. */
#include "config.h"

#include <glib.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <pwd.h>
#include <spice-client.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/time.h>
#include <poll.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proto/console-link.h"
#include "tests/harness/threads.h"

#define WIDTH 320
#define HEIGHT 200
#define TIMEOUT_MS 10000

struct key_event {
	uint16_t scancode;
	bool down;
};

struct pointer_event {
	uint32_t x, y, buttons;
	int wheel;
};

struct fixture {
	char *dir;
	char *socket_path;
	int stderr_fd; /* for the console, -1 = ours */
	struct tsr_console_link *link;
	bool ready;
	bool closed;
	unsigned clients;
	GArray *keys;     /* struct key_event */
	GArray *pointers; /* struct pointer_event */
	uint32_t *pixels;
	uint32_t stride;
	uint32_t width, height;

	SpiceSession *session;
	SpiceChannel *main_channel;
	SpiceChannel *display;
	SpiceChannel *inputs;
	bool inputs_open;
	bool primary;
	unsigned invalidations;
};

static void on_ready(void *data)
{
	((struct fixture *)data)->ready = true;
}

static void on_key(void *data, uint16_t scancode, bool down)
{
	struct key_event e = { scancode, down };

	g_array_append_val(((struct fixture *)data)->keys, e);
}

static void on_pointer(void *data, uint32_t x, uint32_t y, uint32_t buttons, int wheel)
{
	struct pointer_event e = { x, y, buttons, wheel };

	g_array_append_val(((struct fixture *)data)->pointers, e);
}

static void on_clients(void *data, unsigned clients)
{
	((struct fixture *)data)->clients = clients;
}

static void on_closed(void *data, const char *why)
{
	((struct fixture *)data)->closed = true;
	g_test_message("console link closed: %s", why);
}

static const struct tsr_console_link_callbacks callbacks = {
	.ready = on_ready,
	.key = on_key,
	.pointer = on_pointer,
	.clients = on_clients,
	.closed = on_closed,
};

static gboolean timed_out(gpointer data)
{
	*(bool *)data = true;
	return G_SOURCE_REMOVE;
}

/* Run the main loop until cond(f) holds or timeout_ms pass. */
static bool wait_for(struct fixture *f, bool (*cond)(struct fixture *f), int timeout_ms)
{
	bool expired = false;
	guint timer = g_timeout_add(timeout_ms, timed_out, &expired);

	while (!cond(f) && !expired)
		g_main_context_iteration(NULL, TRUE);
	if (!expired)
		g_source_remove(timer);
	return cond(f);
}

static uint32_t pattern(uint32_t x, uint32_t y, uint32_t seed)
{
	return (((x * 7 + seed) & 0xff) << 16) | (((y * 13) & 0xff) << 8) | ((x ^ y ^ seed) & 0xff);
}

static void fill(struct fixture *f, uint32_t x0, uint32_t y0, uint32_t w, uint32_t h,
		 uint32_t seed)
{
	for (uint32_t y = y0; y < y0 + h; y++)
		for (uint32_t x = x0; x < x0 + w; x++)
			f->pixels[y * (f->stride / 4) + x] = pattern(x, y, seed);
}

static bool is_ready(struct fixture *f)
{
	return f->ready || f->closed;
}

static void start_console(struct fixture *f, const char *owner)
{
	struct tsr_console_spawn_options options = {
		.program = TSR_BUILDDIR "/console/tessera-console",
		.socket_path = f->socket_path,
		.user = "nobody",
		.socket_owner = owner,
		.stderr_fd = f->stderr_fd,
	};
	GError *error = NULL;

	f->link = tsr_console_link_spawn(&options, &callbacks, f, &error);
	g_assert_no_error(error);
	g_assert_nonnull(f->link);
	tsr_console_link_attach(f->link, NULL);
	g_assert_true(wait_for(f, is_ready, TIMEOUT_MS));
	g_assert_false(f->closed);
}

static void fixture_setup(struct fixture *f, gconstpointer data)
{
	memset(f, 0, sizeof(*f));
	f->dir = g_dir_make_tmp("tessera-console-XXXXXX", NULL);
	g_assert_nonnull(f->dir);
	f->socket_path = g_build_filename(f->dir, "console.sock", NULL);
	f->stderr_fd = -1;
	f->keys = g_array_new(FALSE, TRUE, sizeof(struct key_event));
	f->pointers = g_array_new(FALSE, TRUE, sizeof(struct pointer_event));
}

static bool inputs_settled(struct fixture *f)
{
	return f->closed || f->inputs_open;
}

static void disconnect_client(struct fixture *f)
{
	/* The channels outlive the session by a few main-loop turns: cut their signals first. */
	SpiceChannel **channels[] = { &f->main_channel, &f->display, &f->inputs };

	/* A channel cut off in the middle of its link makes spice-client-glib log a critical,
	 * which fails the test: let a channel that is linking finish first. */
	if (f->session)
		(void)wait_for(f, inputs_settled, TIMEOUT_MS);

	for (size_t i = 0; i < G_N_ELEMENTS(channels); i++) {
		if (*channels[i]) {
			g_signal_handlers_disconnect_by_data(*channels[i], f);
			g_object_unref(*channels[i]);
			*channels[i] = NULL;
		}
	}
	if (f->session) {
		g_signal_handlers_disconnect_by_data(f->session, f);
		spice_session_disconnect(f->session);
		g_object_unref(f->session);
		f->session = NULL;
	}
	f->inputs_open = false;
	f->primary = false;
}

static void fixture_teardown(struct fixture *f, gconstpointer data)
{
	disconnect_client(f);
	/* Closing the link is how the kiosk stops the console. */
	tsr_console_link_destroy(f->link);
	g_unlink(f->socket_path);
	g_rmdir(f->dir);
	g_free(f->socket_path);
	g_free(f->dir);
	g_array_free(f->keys, TRUE);
	g_array_free(f->pointers, TRUE);
}

static bool need_root(void)
{
	if (getuid() != 0) {
		g_test_skip("the console drops to 'nobody', which needs root");
		return false;
	}
	return true;
}

/* --- the SPICE client ------------------------------------------------------------------- */

static void on_primary_create(SpiceChannel *channel, gint format, gint width, gint height,
			      gint stride, gint shmid, gpointer imgdata, gpointer data)
{
	((struct fixture *)data)->primary = true;
}

static void on_invalidate(SpiceChannel *channel, gint x, gint y, gint w, gint h, gpointer data)
{
	((struct fixture *)data)->invalidations++;
}

static void on_channel_event(SpiceChannel *channel, SpiceChannelEvent event, gpointer data)
{
	struct fixture *f = data;

	if (SPICE_IS_INPUTS_CHANNEL(channel) && event == SPICE_CHANNEL_OPENED)
		f->inputs_open = true;
}

static void on_channel_new(SpiceSession *session, SpiceChannel *channel, gpointer data)
{
	struct fixture *f = data;

	if (SPICE_IS_MAIN_CHANNEL(channel)) {
		f->main_channel = g_object_ref(channel);
	} else if (SPICE_IS_DISPLAY_CHANNEL(channel)) {
		f->display = g_object_ref(channel);
		g_signal_connect(channel, "display-primary-create", G_CALLBACK(on_primary_create),
				 f);
		g_signal_connect(channel, "display-invalidate", G_CALLBACK(on_invalidate), f);
		spice_channel_connect(channel);
	} else if (SPICE_IS_INPUTS_CHANNEL(channel)) {
		f->inputs = g_object_ref(channel);
		g_signal_connect(channel, "channel-event", G_CALLBACK(on_channel_event), f);
		spice_channel_connect(channel);
	}
}

static void connect_client(struct fixture *f)
{
	f->session = spice_session_new();
	g_object_set(f->session, "unix-path", f->socket_path, NULL);
	g_signal_connect(f->session, "channel-new", G_CALLBACK(on_channel_new), f);
	g_assert_true(spice_session_connect(f->session));
}

/* The client's copy of the primary surface equals the feeder's pixels in the rectangle. */
static bool client_matches(struct fixture *f, uint32_t x0, uint32_t y0, uint32_t w, uint32_t h)
{
	SpiceDisplayPrimary primary;

	if (!f->display || !spice_display_channel_get_primary(f->display, 0, &primary))
		return false;
	if (primary.width != (gint)f->width || primary.height != (gint)f->height || !primary.data)
		return false;
	for (uint32_t y = y0; y < y0 + h; y++) {
		const uint32_t *row = (const uint32_t *)(primary.data + (size_t)y * primary.stride);

		for (uint32_t x = x0; x < x0 + w; x++) {
			/* XRGB: the X byte carries nothing. */
			if ((row[x] & 0xffffff) != (f->pixels[y * (f->stride / 4) + x] & 0xffffff))
				return false;
		}
	}
	return true;
}

static bool whole_surface_matches(struct fixture *f)
{
	return f->closed || client_matches(f, 0, 0, f->width, f->height);
}

static bool has_client(struct fixture *f)
{
	return f->closed || f->clients == 1;
}

/* A new desktop of width x height, filled with the pattern for seed, sent with full damage. */
static void new_surface(struct fixture *f, uint32_t width, uint32_t height, uint32_t seed)
{
	f->pixels = tsr_console_link_set_surface(f->link, width, height, &f->stride);
	g_assert_nonnull(f->pixels);
	g_assert_cmpuint(f->stride, >=, width * 4);
	f->width = width;
	f->height = height;
	fill(f, 0, 0, width, height, seed);
	g_assert_cmpint(tsr_console_link_damage(f->link,
						&(struct tsr_console_rect){ 0, 0, width, height },
						1),
			==, 0);
}

static bool no_client(struct fixture *f)
{
	return f->closed || f->clients == 0;
}

static void start_with_pattern(struct fixture *f)
{
	start_console(f, NULL);
	new_surface(f, WIDTH, HEIGHT, 0);
	connect_client(f);
	g_assert_true(wait_for(f, whole_surface_matches, TIMEOUT_MS));
	g_assert_false(f->closed);
	g_assert_true(wait_for(f, has_client, TIMEOUT_MS));
	g_assert_cmpuint(f->clients, ==, 1);
}

/* --- tests -------------------------------------------------------------------------------- */

static struct tsr_console_rect damaged = { 40, 30, 50, 20 };

static bool damage_arrived(struct fixture *f)
{
	return f->closed || client_matches(f, 0, 0, f->width, f->height);
}

static void test_pixels_and_damage(struct fixture *f, gconstpointer data)
{
	if (!need_root())
		return;
	start_with_pattern(f);
	g_assert_true(f->primary);

	/* A changed rectangle, announced as damage, reaches the client; the rest stays. */
	fill(f, damaged.x, damaged.y, damaged.width, damaged.height, 0x55);
	g_assert_false(client_matches(f, damaged.x, damaged.y, damaged.width, damaged.height));
	g_assert_cmpint(tsr_console_link_damage(f->link, &damaged, 1), ==, 0);
	g_assert_true(wait_for(f, damage_arrived, TIMEOUT_MS));
	g_assert_false(f->closed);

	/* Many small rectangles in one go (more than fit in one message) arrive too. */
	struct tsr_console_rect rects[40];
	for (unsigned i = 0; i < G_N_ELEMENTS(rects); i++) {
		rects[i] = (struct tsr_console_rect){ 4 + i * 7, 150 + (i % 5) * 8, 5, 6 };
		fill(f, rects[i].x, rects[i].y, rects[i].width, rects[i].height, 0xa0 + i);
	}
	g_assert_cmpint(tsr_console_link_damage(f->link, rects, G_N_ELEMENTS(rects)), ==, 0);
	g_assert_true(wait_for(f, damage_arrived, TIMEOUT_MS));
	g_assert_false(f->closed);
}

static int mouse_mode(struct fixture *f)
{
	int mode = 0;

	g_object_get(f->main_channel, "mouse-mode", &mode, NULL);
	return mode;
}

static void test_damage_flood(struct fixture *f, gconstpointer data)
{
	if (!need_root())
		return;
	start_with_pattern(f);
	/* Far more damage than the client can take one by one: scattered small rectangles, each
	 * drawn and announced at once. The console merges what is pending, and the client still
	 * ends up with exactly the kiosk's pixels. */
	for (uint32_t i = 0; i < 3000; i++) {
		struct tsr_console_rect r = { (i * 37) % (WIDTH - 9), (i * 11) % (HEIGHT - 7),
					      1 + i % 9, 1 + i % 7 };

		fill(f, r.x, r.y, r.width, r.height, i);
		g_assert_cmpint(tsr_console_link_damage(f->link, &r, 1), ==, 0);
	}
	g_assert_true(wait_for(f, whole_surface_matches, TIMEOUT_MS));
	g_assert_false(f->closed);
}

/* A surface the link would not make: rows padded past width*4, row 0 at an offset, and a
 * memfd larger than needed. The console must honour all three. */
static void test_offset_and_padding(struct fixture *f, gconstpointer data)
{
	const uint32_t w = 150, h = 90, stride = 150 * 4 + 64;
	const uint64_t offset = 8192, size = offset + (uint64_t)stride * h + 65536;
	struct tsr_console_surface msg = {
		.format = TSR_CONSOLE_FORMAT_XRGB8888, .width = w, .height = h, .stride = stride,
		.offset = offset,
	};
	int fd = memfd_create("console-test", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	uint8_t *map;

	if (!need_root()) {
		close(fd);
		return;
	}
	g_assert_cmpint(fd, >=, 0);
	g_assert_cmpint(ftruncate(fd, (off_t)size), ==, 0);
	g_assert_cmpint(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL), ==, 0);
	map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	g_assert_true(map != MAP_FAILED);
	/* Garbage in the padding and around the picture, which must never show. */
	memset(map, 0xa5, size);
	start_console(f, NULL);
	f->pixels = (uint32_t *)(map + offset);
	f->stride = stride;
	f->width = w;
	f->height = h;
	fill(f, 0, 0, w, h, 11);
	g_assert_cmpint(tsr_frame_send(tsr_console_link_fd(f->link), &msg, sizeof(msg),
				       TSR_CONSOLE_MSG_SURFACE, TSR_CONSOLE_PROTO_VERSION, &fd, 1),
			==, 0);
	close(fd);
	connect_client(f);
	g_assert_true(wait_for(f, whole_surface_matches, TIMEOUT_MS));
	g_assert_false(f->closed);
	disconnect_client(f);
	tsr_console_link_destroy(f->link);
	f->link = NULL;
	munmap(map, size);
}

static uint32_t *expected;

static bool client_shows_expected(struct fixture *f)
{
	SpiceDisplayPrimary primary;

	if (f->closed)
		return true;
	if (!f->display || !spice_display_channel_get_primary(f->display, 0, &primary) ||
	    primary.width != WIDTH || primary.height != HEIGHT)
		return false;
	for (int y = 0; y < HEIGHT; y++)
		for (int x = 0; x < WIDTH; x++)
			if ((((const uint32_t *)(primary.data + (size_t)y * primary.stride))[x] ^
			     expected[y * WIDTH + x]) & 0xffffff)
				return false;
	return true;
}

/* The console as one more output: tsr_console_link_present copies exactly the damaged
 * rectangles of the compositor's shadow buffer, nothing else. */
static void test_present(struct fixture *f, gconstpointer data)
{
	struct tsr_image shadow = { g_new(uint32_t, WIDTH * HEIGHT), WIDTH, HEIGHT, WIDTH * 4 };
	const struct tsr_rect changed[] = { { 10, 10, 30, 20 }, { 300, 190, 100, 100 } };

	if (!need_root()) {
		g_free(shadow.pixels);
		return;
	}
	expected = g_new(uint32_t, WIDTH * HEIGHT);
	for (int y = 0; y < HEIGHT; y++)
		for (int x = 0; x < WIDTH; x++)
			shadow.pixels[y * WIDTH + x] = pattern((uint32_t)x, (uint32_t)y, 21);
	start_console(f, NULL);
	connect_client(f);
	/* The first present makes the surface and sends all of it, whatever the rectangles. */
	g_assert_cmpint(tsr_console_link_present(f->link, &shadow, NULL, 0), ==, 0);
	memcpy(expected, shadow.pixels, WIDTH * HEIGHT * 4);
	g_assert_true(wait_for(f, client_shows_expected, TIMEOUT_MS));
	g_assert_false(f->closed);

	/* Change the shadow everywhere, present two rectangles (one hanging over the corner):
	 * the client gets those and keeps the old pixels elsewhere. */
	for (int y = 0; y < HEIGHT; y++)
		for (int x = 0; x < WIDTH; x++)
			shadow.pixels[y * WIDTH + x] = pattern((uint32_t)x, (uint32_t)y, 99);
	for (int y = 0; y < HEIGHT; y++)
		for (int x = 0; x < WIDTH; x++)
			if ((x >= 10 && x < 40 && y >= 10 && y < 30) || (x >= 300 && y >= 190))
				expected[y * WIDTH + x] = shadow.pixels[y * WIDTH + x];
	g_assert_cmpint(tsr_console_link_present(f->link, &shadow, changed, 2), ==, 0);
	g_assert_true(wait_for(f, client_shows_expected, TIMEOUT_MS));
	g_assert_false(f->closed);

	/* Bad shadows are refused without touching anything. */
	shadow.stride = WIDTH * 4 - 4;
	g_assert_cmpint(tsr_console_link_present(f->link, &shadow, changed, 2), ==, -1);
	g_free(shadow.pixels);
	g_free(expected);
}

static bool inputs_usable(struct fixture *f)
{
	return f->closed ||
	       (f->inputs_open && f->main_channel &&
		mouse_mode(f) == SPICE_MOUSE_MODE_CLIENT);
}

static guint want_keys, want_pointers;

static bool inputs_arrived(struct fixture *f)
{
	return f->closed || (f->keys->len >= want_keys && f->pointers->len >= want_pointers);
}

static void test_keys_and_pointer(struct fixture *f, gconstpointer data)
{
	static const struct key_event keys[] = {
		{ 0x1e, true },  { 0x1e, false },  /* a */
		{ 0x11d, true }, { 0x11d, false }, /* right ctrl: E0 1D */
		{ 0x148, true }, { 0x148, false }, /* cursor up: E0 48 */
	};
	static const struct pointer_event pointers[] = {
		{ 100, 50, 0, 0 },
		{ 100, 50, TSR_CONSOLE_BUTTON_LEFT, 0 },
		{ 100, 50, 0, 0 },
		{ 319, 199, 0, 0 },
		{ 319, 199, TSR_CONSOLE_BUTTON_RIGHT, 0 },
		{ 319, 199, 0, 0 },
		{ 319, 199, 0, -1 }, /* wheel up */
	};
	SpiceInputsChannel *in;

	if (!need_root())
		return;
	start_with_pattern(f);
	g_assert_true(wait_for(f, inputs_usable, TIMEOUT_MS));
	g_assert_false(f->closed);
	in = SPICE_INPUTS_CHANNEL(f->inputs);

	spice_inputs_channel_key_press(in, 0x1e);
	spice_inputs_channel_key_release(in, 0x1e);
	spice_inputs_channel_key_press(in, 0x11d);
	spice_inputs_channel_key_release(in, 0x11d);
	spice_inputs_channel_key_press(in, 0x148);
	spice_inputs_channel_key_release(in, 0x148);

	spice_inputs_channel_position(in, 100, 50, 0, 0);
	spice_inputs_channel_button_press(in, SPICE_MOUSE_BUTTON_LEFT, 0);
	spice_inputs_channel_button_release(in, SPICE_MOUSE_BUTTON_LEFT,
					    SPICE_MOUSE_BUTTON_MASK_LEFT);
	spice_inputs_channel_position(in, 319, 199, 0, 0);
	spice_inputs_channel_button_press(in, SPICE_MOUSE_BUTTON_RIGHT, 0);
	spice_inputs_channel_button_release(in, SPICE_MOUSE_BUTTON_RIGHT,
					    SPICE_MOUSE_BUTTON_MASK_RIGHT);
	spice_inputs_channel_button_press(in, SPICE_MOUSE_BUTTON_UP, 0);

	want_keys = G_N_ELEMENTS(keys);
	want_pointers = G_N_ELEMENTS(pointers);
	g_assert_true(wait_for(f, inputs_arrived, TIMEOUT_MS));
	g_assert_false(f->closed);

	for (guint i = 0; i < f->keys->len; i++)
		g_test_message("key %u: 0x%x %s", i, g_array_index(f->keys, struct key_event, i).scancode,
			       g_array_index(f->keys, struct key_event, i).down ? "down" : "up");
	for (guint i = 0; i < f->pointers->len; i++) {
		struct pointer_event *p = &g_array_index(f->pointers, struct pointer_event, i);

		g_test_message("pointer %u: %u,%u buttons %u wheel %d", i, p->x, p->y, p->buttons,
			       p->wheel);
	}
	g_assert_cmpuint(f->keys->len, ==, G_N_ELEMENTS(keys));
	for (guint i = 0; i < G_N_ELEMENTS(keys); i++) {
		g_assert_cmphex(g_array_index(f->keys, struct key_event, i).scancode, ==,
				keys[i].scancode);
		g_assert_cmpint(g_array_index(f->keys, struct key_event, i).down, ==,
				keys[i].down);
	}
	g_assert_cmpuint(f->pointers->len, ==, G_N_ELEMENTS(pointers));
	for (guint i = 0; i < G_N_ELEMENTS(pointers); i++) {
		struct pointer_event *p = &g_array_index(f->pointers, struct pointer_event, i);

		g_assert_cmpuint(p->x, ==, pointers[i].x);
		g_assert_cmpuint(p->y, ==, pointers[i].y);
		g_assert_cmphex(p->buttons, ==, pointers[i].buttons);
		g_assert_cmpint(p->wheel, ==, pointers[i].wheel);
	}
}

static void test_resize(struct fixture *f, gconstpointer data)
{
	if (!need_root())
		return;
	/* The client comes first and waits for a desktop. */
	start_console(f, NULL);
	connect_client(f);
	g_assert_true(wait_for(f, has_client, TIMEOUT_MS));
	g_assert_false(f->closed);
	new_surface(f, WIDTH, HEIGHT, 3);
	g_assert_true(wait_for(f, whole_surface_matches, TIMEOUT_MS));
	g_assert_false(f->closed);
	/* An output change: a new surface of another size replaces the old one. */
	new_surface(f, 200, 120, 9);
	g_assert_true(wait_for(f, whole_surface_matches, TIMEOUT_MS));
	g_assert_false(f->closed);
}

static void test_reconnect(struct fixture *f, gconstpointer data)
{
	if (!need_root())
		return;
	start_with_pattern(f);
	disconnect_client(f);
	g_assert_true(wait_for(f, no_client, TIMEOUT_MS));
	g_assert_false(f->closed);
	/* Changed while nobody watched: a new client still gets the current desktop. */
	fill(f, damaged.x, damaged.y, damaged.width, damaged.height, 0x77);
	g_assert_cmpint(tsr_console_link_damage(f->link, &damaged, 1), ==, 0);
	connect_client(f);
	g_assert_true(wait_for(f, whole_surface_matches, TIMEOUT_MS));
	g_assert_true(wait_for(f, has_client, TIMEOUT_MS));
	g_assert_false(f->closed);
}

static guint want_modifiers;

static bool modifiers_arrived(struct fixture *f)
{
	guint mods = 0;

	if (f->closed || !f->inputs)
		return f->closed;
	g_object_get(f->inputs, "key-modifiers", &mods, NULL);
	return mods == want_modifiers;
}

static void test_leds(struct fixture *f, gconstpointer data)
{
	if (!need_root())
		return;
	start_with_pattern(f);
	g_assert_true(wait_for(f, inputs_usable, TIMEOUT_MS));
	/* The client announces its lock keys when its inputs channel comes up; if that arrived
	 * after the LEDs below, spice-server would (rightly) toggle the locks to match. A key
	 * round trip behind it proves the announcement was handled. */
	spice_inputs_channel_key_press_and_release(SPICE_INPUTS_CHANNEL(f->inputs), 0x1e);
	want_keys = 2;
	want_pointers = 0;
	g_assert_true(wait_for(f, inputs_arrived, TIMEOUT_MS));
	g_assert_cmpuint(f->keys->len, ==, 2);
	g_array_set_size(f->keys, 0);
	/* The kiosk's lock LEDs reach the client as SPICE key modifiers. */
	want_modifiers = TSR_CONSOLE_LED_CAPS | TSR_CONSOLE_LED_SCROLL;
	g_assert_cmpint(tsr_console_link_set_leds(f->link, want_modifiers), ==, 0);
	g_assert_true(wait_for(f, modifiers_arrived, TIMEOUT_MS));
	want_modifiers = TSR_CONSOLE_LED_NUM;
	g_assert_cmpint(tsr_console_link_set_leds(f->link, want_modifiers), ==, 0);
	g_assert_true(wait_for(f, modifiers_arrived, TIMEOUT_MS));
	g_assert_false(f->closed);
	/* Unknown LEDs are refused before they are sent. */
	g_assert_cmpint(tsr_console_link_set_leds(f->link, 0x8), ==, -1);
	/* No key was made up along the way. */
	g_assert_cmpuint(f->keys->len, ==, 0);

	/* A client that syncs its lock keys to the same state sends nothing; one with Caps Lock
	 * on as well toggles Caps Lock (spice-server injects a press and release), and the
	 * kiosk sees exactly that. */
	spice_inputs_channel_set_key_locks(SPICE_INPUTS_CHANNEL(f->inputs), TSR_CONSOLE_LED_NUM);
	spice_inputs_channel_set_key_locks(SPICE_INPUTS_CHANNEL(f->inputs),
					   TSR_CONSOLE_LED_NUM | TSR_CONSOLE_LED_CAPS);
	want_keys = 2;
	want_pointers = 0;
	g_assert_true(wait_for(f, inputs_arrived, TIMEOUT_MS));
	g_assert_cmpuint(f->keys->len, ==, 2);
	g_assert_cmphex(g_array_index(f->keys, struct key_event, 0).scancode, ==, 0x3a);
	g_assert_true(g_array_index(f->keys, struct key_event, 0).down);
	g_assert_cmphex(g_array_index(f->keys, struct key_event, 1).scancode, ==, 0x3a);
	g_assert_false(g_array_index(f->keys, struct key_event, 1).down);
}

static void test_flood(struct fixture *f, gconstpointer data)
{
	enum { FLOOD = 300 };
	struct timeval connect_bound = { .tv_sec = 0, .tv_usec = 250000 };
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fds[FLOOD], n = 0, err[2];
	GString *said = g_string_new(NULL);
	gint64 give_up = g_get_monotonic_time() + (gint64)TIMEOUT_MS * 1000;

	if (!need_root())
		return;
	/* The console's stderr, to see it notice the flood. */
	g_assert_cmpint(pipe2(err, O_CLOEXEC), ==, 0);
	f->stderr_fd = err[1];
	start_console(f, NULL);
	close(err[1]);
	f->stderr_fd = -1;
	new_surface(f, WIDTH, HEIGHT, 5);

	/* More silent connections than the console has fds (RLIMIT_NOFILE 128). Each connect
	 * waits (bounded) for the console to take earlier ones off the backlog. When one gives
	 * up, either the console is merely slow (try again) or it has run out of fds, stopped
	 * accepting and said so on stderr (the flood is complete). */
	g_strlcpy(addr.sun_path, f->socket_path, sizeof(addr.sun_path));
	while (!strstr(said->str, "pausing for a second")) {
		int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		struct pollfd p = { .fd = err[0], .events = POLLIN };

		g_assert_cmpint(fd, >=, 0);
		g_assert_cmpint(setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &connect_bound,
					   sizeof(connect_bound)),
				==, 0);
		if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0) {
			g_assert_cmpint(n, <, FLOOD);
			fds[n++] = fd;
			continue;
		}
		close(fd);
		g_assert_true(g_get_monotonic_time() < give_up);
		if (poll(&p, 1, 0) == 1) {
			char buf[512];
			ssize_t got = read(err[0], buf, sizeof(buf));

			g_assert_cmpint(got, >, 0);
			g_string_append_len(said, buf, got);
		}
	}
	g_test_message("%d connections before the console stopped accepting", n);
	g_assert_cmpint(n, >, 100);
	g_string_free(said, TRUE);
	for (int i = 0; i < n; i++)
		close(fds[i]);
	g_assert_cmpint(kill(tsr_console_link_pid(f->link), 0), ==, 0);
	/* Once they are gone, a real client is served again. Until the console's pause ends the
	 * backlog is still full of the closed connections, and a non-blocking connect (the
	 * client's) would fail; so first a blocking probe that speaks a bad link header: its EOF
	 * means the console accepted everything queued before it. */
	{
		struct timeval bound = { .tv_sec = TIMEOUT_MS / 1000 };
		char zero[16] = { 0 }, buf[256];
		struct pollfd p;
		int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

		g_assert_cmpint(setsockopt(probe, SOL_SOCKET, SO_SNDTIMEO, &bound, sizeof(bound)),
				==, 0);
		g_assert_cmpint(connect(probe, (struct sockaddr *)&addr, sizeof(addr)), ==, 0);
		g_assert_cmpint(write(probe, zero, sizeof(zero)), ==, sizeof(zero));
		p = (struct pollfd){ .fd = probe, .events = POLLIN };
		do
			g_assert_cmpint(poll(&p, 1, TIMEOUT_MS), ==, 1);
		while (read(probe, buf, sizeof(buf)) > 0);
		close(probe);
	}
	connect_client(f);
	g_assert_true(wait_for(f, whole_surface_matches, TIMEOUT_MS));
	g_assert_false(f->closed);
	close(err[0]);
}

static GString *console_said;

static gboolean console_stderr(gint fd, GIOCondition cond, gpointer data)
{
	char buf[512];
	ssize_t got = read(fd, buf, sizeof(buf));

	if (got <= 0)
		return G_SOURCE_REMOVE;
	g_string_append_len(console_said, buf, got);
	return G_SOURCE_CONTINUE;
}

static bool console_queues(struct fixture *f)
{
	return f->closed || strstr(console_said->str, "queueing them") != NULL;
}

/* The click's release, the last thing the client sent, has arrived. */
static bool released_at_end(struct fixture *f)
{
	struct pointer_event *p;

	if (f->closed)
		return true;
	if (f->pointers->len < 3)
		return false;
	p = &g_array_index(f->pointers, struct pointer_event, f->pointers->len - 1);
	return p->buttons == 0 && p->x == 599 % WIDTH &&
	       g_array_index(f->pointers, struct pointer_event, f->pointers->len - 2).buttons ==
		       TSR_CONSOLE_BUTTON_LEFT;
}

/* Keys typed while the kiosk is busy (not reading) wait in the console, none lost. The
 * console queues at most 8192 messages (then gives up, by design), and the kiosk here starts
 * reading only some time after the console said it queues: so everything the client sends
 * must fit under that cap, or the test races the cap instead of checking the queue. */
static void test_slow_kiosk(struct fixture *f, gconstpointer data)
{
	enum { KEYS = 3000 }; /* 6000 key messages + at most 602 pointer ones < 8192 */
	struct tsr_console_spawn_options options = {
		.program = TSR_BUILDDIR "/console/tessera-console",
		.socket_path = f->socket_path,
		.user = "nobody",
	};
	GError *error = NULL;
	guint watch;
	int err[2];

	if (!need_root())
		return;
	console_said = g_string_new(NULL);
	g_assert_cmpint(pipe2(err, O_CLOEXEC), ==, 0);
	options.stderr_fd = err[1];
	f->link = tsr_console_link_spawn(&options, &callbacks, f, &error);
	g_assert_no_error(error);
	close(err[1]);
	watch = g_unix_fd_add(err[0], G_IO_IN | G_IO_HUP, console_stderr, NULL);
	/* Not attached: the feeder reads only when the test says so. */
	while (!f->ready) {
		struct pollfd p = { .fd = tsr_console_link_fd(f->link), .events = POLLIN };

		g_assert_cmpint(poll(&p, 1, TIMEOUT_MS), ==, 1);
		g_assert_cmpint(tsr_console_link_dispatch(f->link), ==, 0);
	}
	new_surface(f, WIDTH, HEIGHT, 1);
	connect_client(f);
	g_assert_true(wait_for(f, inputs_usable, TIMEOUT_MS));
	for (int i = 0; i < KEYS; i++) {
		guint code = 0x10 + (guint)i % 0x20; /* q..., no lock keys */

		spice_inputs_channel_key_press(SPICE_INPUTS_CHANNEL(f->inputs), code);
		spice_inputs_channel_key_release(SPICE_INPUTS_CHANNEL(f->inputs), code);
	}
	/* Then the mouse: many positions, then a click at the last one. */
	for (int i = 0; i < 600; i++)
		spice_inputs_channel_position(SPICE_INPUTS_CHANNEL(f->inputs), i % WIDTH,
					      i % HEIGHT, 0, 0);
	spice_inputs_channel_button_press(SPICE_INPUTS_CHANNEL(f->inputs),
					  SPICE_MOUSE_BUTTON_LEFT, 0);
	spice_inputs_channel_button_release(SPICE_INPUTS_CHANNEL(f->inputs),
					    SPICE_MOUSE_BUTTON_LEFT, SPICE_MOUSE_BUTTON_MASK_LEFT);
	g_assert_true(wait_for(f, console_queues, TIMEOUT_MS));
	g_assert_false(f->closed);
	/* The kiosk reads again: every key, in order. */
	tsr_console_link_attach(f->link, NULL);
	want_keys = 2 * KEYS;
	want_pointers = 0;
	g_assert_true(wait_for(f, inputs_arrived, TIMEOUT_MS));
	g_assert_true(wait_for(f, released_at_end, TIMEOUT_MS));
	g_assert_false(f->closed);
	g_assert_cmpuint(f->keys->len, ==, 2 * KEYS);
	for (guint i = 0; i < 2 * KEYS; i++) {
		struct key_event *k = &g_array_index(f->keys, struct key_event, i);

		g_assert_cmphex(k->scancode, ==, 0x10 + (i / 2) % 0x20);
		g_assert_cmpint(k->down, ==, i % 2 == 0);
	}
	/* Motion may be merged (by the client while it waits for motion acks, by the console
	 * while its messages queue), clicks never: in order, positions on the diagonal the
	 * client walked with no button, then the press and the release at the last position. */
	{
		guint n = f->pointers->len;
		uint32_t last_x = 0;

		for (guint i = 0; i < n; i++) {
			struct pointer_event *p = &g_array_index(f->pointers, struct pointer_event, i);

			g_test_message("pointer %u: %u,%u buttons %u", i, p->x, p->y, p->buttons);
		}
		guint press = n - 1; /* index of the first event with the button down */

		g_assert_cmpuint(n, >=, 3);
		while (press > 0 && g_array_index(f->pointers, struct pointer_event, press - 1).buttons)
			press--;
		g_assert_cmpuint(press, <, n - 1);
		for (guint i = 0; i < press; i++) {
			struct pointer_event *p = &g_array_index(f->pointers, struct pointer_event, i);

			g_assert_cmpuint(p->buttons, ==, 0);
			g_assert_cmpuint(p->x % HEIGHT, ==, p->y);
			g_assert_cmpuint(p->x, >=, last_x);
			last_x = p->x;
		}
		for (guint i = press; i < n; i++) {
			struct pointer_event *p = &g_array_index(f->pointers, struct pointer_event, i);

			g_assert_cmpuint(p->x, ==, 599 % WIDTH);
			g_assert_cmpuint(p->y, ==, 599 % HEIGHT);
			g_assert_cmpuint(p->buttons, ==, i == n - 1 ? 0 : TSR_CONSOLE_BUTTON_LEFT);
			g_assert_cmpint(p->wheel, ==, 0);
		}
	}
	g_source_remove(watch);
	close(err[0]);
	g_string_free(console_said, TRUE);
}

/* "Uid:\t65534\t65534\t65534\t65534" -> all four equal want. */
static bool status_ids(const char *status, const char *field, unsigned want)
{
	const char *line = strstr(status, field);
	unsigned a, b, c, d;

	return line && sscanf(line + strlen(field), " %u %u %u %u", &a, &b, &c, &d) == 4 &&
	       a == want && b == want && c == want && d == want;
}

/* "Groups:" followed by nothing but blanks. */
static bool no_groups(const char *status)
{
	const char *p = strstr(status, "\nGroups:");

	if (!p)
		return false;
	for (p += strlen("\nGroups:"); *p == ' ' || *p == '\t'; p++)
		;
	return *p == '\n';
}

static void test_sandbox(struct fixture *f, gconstpointer data)
{
	struct passwd *nobody;
	struct stat st;
	char *path, *status = NULL;
	uid_t nobody_uid;
	gid_t nobody_gid;

	if (!need_root())
		return;
	nobody = getpwnam("nobody");
	g_assert_nonnull(nobody);
	nobody_uid = nobody->pw_uid;
	nobody_gid = nobody->pw_gid;
	start_console(f, NULL);

	/* The socket: a socket, mode 0600, owned by whoever started the console (root). */
	g_assert_cmpint(lstat(f->socket_path, &st), ==, 0);
	g_assert_true(S_ISSOCK(st.st_mode));
	g_assert_cmphex(st.st_mode & 07777, ==, 0600);
	g_assert_cmpuint(st.st_uid, ==, getuid());

	/* The process: every uid and gid is nobody's, no groups, no_new_privs. */
	path = g_strdup_printf("/proc/%d/status", (int)tsr_console_link_pid(f->link));
	g_assert_true(g_file_get_contents(path, &status, NULL, NULL));
	g_test_message("%s", status);
	g_assert_true(status_ids(status, "\nUid:", nobody_uid));
	g_assert_true(status_ids(status, "\nGid:", nobody_gid));
	g_assert_true(no_groups(status));
	g_assert_nonnull(strstr(status, "\nNoNewPrivs:\t1\n"));
	g_free(status);
	g_free(path);

	/* Every thread (spice-server's display worker included) is under the seccomp filter
	 * (mode 2) with no_new_privs: they were all created after both. */
	g_assert_cmpint(tsr_test_threads_filtered(tsr_console_link_pid(f->link)), >=, 2);

	/* And it exits 0 when the kiosk closes the link. */
	{
		int fd = tsr_console_link_fd(f->link);
		int wstatus = 0;

		g_assert_cmpint(shutdown(fd, SHUT_RDWR), ==, 0);
		g_assert_cmpint(tsr_console_link_wait(f->link, TIMEOUT_MS, &wstatus), ==, 1);
		g_assert_true(WIFEXITED(wstatus));
		g_assert_cmpint(WEXITSTATUS(wstatus), ==, 0);
	}
	tsr_console_link_destroy(f->link);
	f->link = NULL;

	/* --socket-owner hands the socket to another user, still 0600. */
	f->ready = false;
	start_console(f, "nobody");
	g_assert_cmpint(lstat(f->socket_path, &st), ==, 0);
	g_assert_cmphex(st.st_mode & 07777, ==, 0600);
	g_assert_cmpuint(st.st_uid, ==, nobody_uid);
	g_assert_cmpuint(st.st_gid, ==, nobody_gid);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add("/console/client-sees-pattern-and-damage", struct fixture, NULL, fixture_setup,
		   test_pixels_and_damage, fixture_teardown);
	g_test_add("/console/damage-flood-converges", struct fixture, NULL, fixture_setup,
		   test_damage_flood, fixture_teardown);
	g_test_add("/console/surface-with-offset-and-padding", struct fixture, NULL, fixture_setup,
		   test_offset_and_padding, fixture_teardown);
	g_test_add("/console/present-copies-only-damaged-rects", struct fixture, NULL,
		   fixture_setup, test_present, fixture_teardown);
	g_test_add("/console/client-keys-and-pointer-reach-kiosk", struct fixture, NULL,
		   fixture_setup, test_keys_and_pointer, fixture_teardown);
	g_test_add("/console/busy-kiosk-loses-no-keys", struct fixture, NULL, fixture_setup,
		   test_slow_kiosk, fixture_teardown);
	g_test_add("/console/kiosk-leds-reach-client", struct fixture, NULL, fixture_setup,
		   test_leds, fixture_teardown);
	g_test_add("/console/client-follows-resize", struct fixture, NULL, fixture_setup,
		   test_resize, fixture_teardown);
	g_test_add("/console/reconnecting-client-sees-current-desktop", struct fixture, NULL,
		   fixture_setup, test_reconnect, fixture_teardown);
	g_test_add("/console/survives-connection-flood", struct fixture, NULL, fixture_setup,
		   test_flood, fixture_teardown);
	g_test_add("/console/sandboxed-behind-0600-socket", struct fixture, NULL, fixture_setup,
		   test_sandbox, fixture_teardown);
	return g_test_run();
}
