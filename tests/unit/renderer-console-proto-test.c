/* tests/unit/renderer-console-proto-test.c: the console protocol checks and the scancode
 * reassembly, without processes.
 *
 * The checks of console messages are what stands between a console compromised by a remote
 * SPICE client and the kiosk's input router, so each field has a rejection case here. */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "console/input.h"
#include "proto/console.h"

static char why[256];

/* --- kiosk -> console ----------------------------------------------------------------------- */

static const struct tsr_console_surface good_surface = {
	.format = TSR_CONSOLE_FORMAT_XRGB8888, .width = 100, .height = 50, .stride = 400,
};
#define GOOD_SIZE (400u * 50u)
#define SEALS (int)TSR_CONSOLE_REQUIRED_SEALS

static void test_surface_accepts(void)
{
	struct tsr_console_surface s = good_surface;

	g_assert_true(tsr_console_check_surface(&s, GOOD_SIZE, SEALS, why, sizeof(why)));
	/* F_SEAL_WRITE on top does no harm; a larger file and an offset inside it are fine. */
	g_assert_true(tsr_console_check_surface(&s, GOOD_SIZE, SEALS | 0x8, why, sizeof(why)));
	s.offset = 64;
	g_assert_true(tsr_console_check_surface(&s, GOOD_SIZE + 64, SEALS, why, sizeof(why)));
	s = good_surface;
	s.width = TSR_CONSOLE_MAX_WIDTH;
	s.height = 8192;
	s.stride = TSR_CONSOLE_MAX_WIDTH * 4;
	g_assert_true(tsr_console_check_surface(&s, (uint64_t)s.stride * s.height, SEALS, why,
						sizeof(why)));
}

static void refuse_surface(const struct tsr_console_surface *s, uint64_t size, int seals,
			   const char *expect)
{
	why[0] = 0;
	g_assert_false(tsr_console_check_surface(s, size, seals, why, sizeof(why)));
	g_test_message("refused: %s", why);
	g_assert_nonnull(strstr(why, expect));
}

static void test_surface_refuses(void)
{
	struct tsr_console_surface s;

	s = good_surface;
	s.format = 0;
	refuse_surface(&s, GOOD_SIZE, SEALS, "not XRGB8888");
	s = good_surface;
	s.height = 0;
	refuse_surface(&s, GOOD_SIZE, SEALS, "outside 1x1");
	s = good_surface;
	s.width = TSR_CONSOLE_MAX_WIDTH + 1;
	s.stride = s.width * 4;
	refuse_surface(&s, UINT64_MAX, SEALS, "outside 1x1");
	s = good_surface;
	s.stride = 398;
	refuse_surface(&s, GOOD_SIZE, SEALS, "stride 398");
	s = good_surface;
	s.stride = 402; /* >= width*4 but not a multiple of 4 */
	refuse_surface(&s, UINT64_MAX, SEALS, "not a multiple of 4");
	s = good_surface;
	s.offset = 2;
	refuse_surface(&s, UINT64_MAX, SEALS, "offset 2");
	s = good_surface;
	s.offset = UINT64_MAX - 7; /* offset + need would wrap */
	refuse_surface(&s, UINT64_MAX, SEALS, "more than the cap");
	s = good_surface;
	s.stride = TSR_CONSOLE_MAX_STRIDE; /* rows within the limit, 512 MiB in all */
	s.height = TSR_CONSOLE_MAX_HEIGHT;
	refuse_surface(&s, UINT64_MAX, SEALS, "more than the cap");
	refuse_surface(&good_surface, GOOD_SIZE - 1, SEALS, "holds 19999 bytes");
	refuse_surface(&good_surface, GOOD_SIZE, -1, "not a sealable memfd");
	refuse_surface(&good_surface, GOOD_SIZE, 0x3, "lack F_SEAL_SHRINK");
	refuse_surface(&good_surface, GOOD_SIZE, 0x6, "lack F_SEAL_SHRINK");
}

/* The kiosk -> console direction is bounded like the viewer -> kiosk one, by the display
 * protocol's limits (one definition): a row longer than TSR_DISPLAY_MAX_STRIDE is refused even
 * when stride * height stays far under the mapping cap. */
static void test_surface_stride_bound(void)
{
	struct tsr_console_surface s = good_surface;

	g_assert_cmpuint(TSR_CONSOLE_MAX_WIDTH, ==, TSR_DISPLAY_MAX_SIDE);
	g_assert_cmpuint(TSR_CONSOLE_MAX_HEIGHT, ==, TSR_DISPLAY_MAX_SIDE);
	g_assert_cmpuint(TSR_CONSOLE_MAX_STRIDE, ==, TSR_DISPLAY_MAX_STRIDE);
	s.height = 1;
	s.stride = TSR_DISPLAY_MAX_STRIDE;
	g_assert_true(tsr_console_check_surface(&s, s.stride, SEALS, why, sizeof(why)));
	s.stride = TSR_DISPLAY_MAX_STRIDE + 4;
	refuse_surface(&s, UINT64_MAX, SEALS, "above the limit");
	s.height = 50;
	s.stride = 1024u * 1024u; /* 50 MiB: under the cap, a row 16 times the limit */
	refuse_surface(&s, UINT64_MAX, SEALS, "above the limit");
}

static void test_damage(void)
{
	struct tsr_console_damage d = { .count = 2 };

	d.rects[0] = (struct tsr_console_rect){ 0, 0, 100, 50 };
	d.rects[1] = (struct tsr_console_rect){ 99, 49, 1, 1 };
	g_assert_true(tsr_console_check_damage(&d, 100, 50, why, sizeof(why)));

	g_assert_false(tsr_console_check_damage(&d, 0, 0, why, sizeof(why)));
	g_assert_nonnull(strstr(why, "before any surface"));
	g_assert_false(tsr_console_check_damage(&d, 99, 50, why, sizeof(why)));
	g_assert_nonnull(strstr(why, "rect 0"));
	d.rects[1].x = 100;
	g_assert_false(tsr_console_check_damage(&d, 100, 50, why, sizeof(why)));
	g_assert_nonnull(strstr(why, "rect 1"));
	d.rects[1] = (struct tsr_console_rect){ 1, UINT32_MAX, 1, 2 };
	g_assert_false(tsr_console_check_damage(&d, 100, 50, why, sizeof(why)));
	d.rects[1] = (struct tsr_console_rect){ 1, 1, UINT32_MAX, 1 };
	g_assert_false(tsr_console_check_damage(&d, 100, 50, why, sizeof(why)));
	d.rects[1] = (struct tsr_console_rect){ 1, 1, 1, 0 };
	g_assert_false(tsr_console_check_damage(&d, 100, 50, why, sizeof(why)));
	g_assert_nonnull(strstr(why, "empty"));
	d.rects[1] = (struct tsr_console_rect){ 1, 1, 1, 1 };
	d.reserved = 1;
	g_assert_false(tsr_console_check_damage(&d, 100, 50, why, sizeof(why)));
	d.reserved = 0;
	d.count = 1;
	g_assert_false(tsr_console_check_damage(&d, 100, 50, why, sizeof(why)));
	g_assert_nonnull(strstr(why, "past count"));
	d.count = 0;
	g_assert_false(tsr_console_check_damage(&d, 100, 50, why, sizeof(why)));
	d.count = TSR_CONSOLE_DAMAGE_MAX + 1;
	g_assert_false(tsr_console_check_damage(&d, 100, 50, why, sizeof(why)));
}

/* --- console -> kiosk ----------------------------------------------------------------------- */

static void frame(void *msg, size_t len, uint16_t type)
{
	struct tsr_frame_header h = { .type = type, .version = TSR_CONSOLE_PROTO_VERSION,
				      .length = (uint32_t)len };

	memcpy(msg, &h, sizeof(h));
}

static bool check_key(uint16_t scancode, uint8_t down, uint8_t reserved)
{
	struct tsr_console_key k = { .scancode = scancode, .down = down, .reserved = reserved };

	frame(&k, sizeof(k), TSR_CONSOLE_MSG_KEY);
	return tsr_console_check_from_console(&k, sizeof(k), 100, 50, why, sizeof(why));
}

static bool check_pointer(uint32_t x, uint32_t y, uint32_t buttons, int32_t wheel)
{
	struct tsr_console_pointer p = { .x = x, .y = y, .buttons = buttons, .wheel = wheel };

	frame(&p, sizeof(p), TSR_CONSOLE_MSG_POINTER);
	return tsr_console_check_from_console(&p, sizeof(p), 100, 50, why, sizeof(why));
}

static void test_from_console_accepts(void)
{
	struct tsr_console_ready r = { 0 };
	struct tsr_console_client c = { .clients = 1 };

	frame(&r, sizeof(r), TSR_CONSOLE_MSG_READY);
	g_assert_true(tsr_console_check_from_console(&r, sizeof(r), 0, 0, why, sizeof(why)));
	frame(&c, sizeof(c), TSR_CONSOLE_MSG_CLIENT);
	g_assert_true(tsr_console_check_from_console(&c, sizeof(c), 0, 0, why, sizeof(why)));
	g_assert_true(check_key(0x1e, 1, 0));
	g_assert_true(check_key(0x11d, 0, 0));
	g_assert_true(check_key(0x146, 1, 0));
	g_assert_true(check_pointer(0, 0, 0, 0));
	g_assert_true(check_pointer(99, 49, TSR_CONSOLE_BUTTONS_ALL, -1));
	g_assert_true(check_pointer(5, 5, TSR_CONSOLE_BUTTON_RIGHT, 1));
}

static void test_from_console_refuses(void)
{
	struct tsr_console_surface s = good_surface;
	struct tsr_console_key k = { .scancode = 0x1e, .down = 1 };
	struct tsr_console_client c = { .clients = 65 };
	struct tsr_console_ready r = { .reserved = 1 };
	unsigned char big[sizeof(k) + 4] = { 0 };

	/* Keys: no 0, no break codes (bit 7), nothing beyond the E1 range, down is 0 or 1. */
	g_assert_false(check_key(0, 1, 0));
	g_assert_false(check_key(0x9e, 1, 0));
	g_assert_false(check_key(0x19e, 1, 0));
	g_assert_false(check_key(0x21d, 1, 0)); /* E1 codes never leave the console */
	g_assert_false(check_key(0x31d, 1, 0));
	g_assert_false(check_key(0x1e, 2, 0));
	g_assert_false(check_key(0x1e, 1, 1));
	/* Pointer: inside the surface, known buttons, one wheel notch. */
	g_assert_false(check_pointer(100, 0, 0, 0));
	g_assert_nonnull(strstr(why, "outside the 100x50 surface"));
	g_assert_false(check_pointer(0, 50, 0, 0));
	g_assert_false(check_pointer(0, 0, 0x8, 0));
	g_assert_false(check_pointer(0, 0, 0, 2));
	g_assert_false(check_pointer(0, 0, 0, INT32_MIN));
	{
		struct tsr_console_pointer p = { .x = 0, .y = 0 };

		frame(&p, sizeof(p), TSR_CONSOLE_MSG_POINTER);
		/* No surface yet: no pointer. */
		g_assert_false(tsr_console_check_from_console(&p, sizeof(p), 0, 0, why,
							      sizeof(why)));
	}
	/* Others. */
	frame(&c, sizeof(c), TSR_CONSOLE_MSG_CLIENT);
	g_assert_false(tsr_console_check_from_console(&c, sizeof(c), 100, 50, why, sizeof(why)));
	frame(&r, sizeof(r), TSR_CONSOLE_MSG_READY);
	g_assert_false(tsr_console_check_from_console(&r, sizeof(r), 100, 50, why, sizeof(why)));
	/* A kiosk-only type from the console. */
	frame(&s, sizeof(s), TSR_CONSOLE_MSG_SURFACE);
	g_assert_false(tsr_console_check_from_console(&s, sizeof(s), 100, 50, why, sizeof(why)));
	g_assert_nonnull(strstr(why, "may not send"));
	/* Unknown type; wrong size; header length that lies; wrong version; too short. */
	frame(&k, sizeof(k), 99);
	g_assert_false(tsr_console_check_from_console(&k, sizeof(k), 100, 50, why, sizeof(why)));
	frame(big, sizeof(big), TSR_CONSOLE_MSG_KEY);
	g_assert_false(tsr_console_check_from_console(big, sizeof(big), 100, 50, why, sizeof(why)));
	g_assert_nonnull(strstr(why, "not 12"));
	frame(&k, sizeof(k) + 1, TSR_CONSOLE_MSG_KEY);
	g_assert_false(tsr_console_check_from_console(&k, sizeof(k), 100, 50, why, sizeof(why)));
	frame(&k, sizeof(k), TSR_CONSOLE_MSG_KEY);
	k.hdr.version = TSR_CONSOLE_PROTO_VERSION + 1;
	g_assert_false(tsr_console_check_from_console(&k, sizeof(k), 100, 50, why, sizeof(why)));
	g_assert_false(tsr_console_check_from_console(&k, 3, 100, 50, why, sizeof(why)));
}

/* --- scancode reassembly -------------------------------------------------------------------- */

static GString *keys_seen;

static void record(void *data, void *msg, size_t len, uint16_t type)
{
	struct tsr_console_key k;

	g_assert_cmpuint(type, ==, TSR_CONSOLE_MSG_KEY);
	g_assert_cmpuint(len, ==, sizeof(k));
	memcpy(&k, msg, sizeof(k));
	g_string_append_printf(keys_seen, "%x%c ", k.scancode, k.down ? 'v' : '^');
}

static const char *feed(const uint8_t *bytes, size_t n)
{
	struct tsr_console_input *in = tsr_console_input_create(NULL, record, NULL);

	g_string_truncate(keys_seen, 0);
	for (size_t i = 0; i < n; i++)
		tsr_console_input_push_byte(in, bytes[i]);
	tsr_console_input_destroy(in);
	return keys_seen->str;
}

static void test_scancodes(void)
{
	static const uint8_t plain[] = { 0x1e, 0x9e };
	static const uint8_t ext[] = { 0xe0, 0x1d, 0xe0, 0x9d };
	static const uint8_t pause[] = { 0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5 };
	static const uint8_t numlock_after_pause[] = { 0xe1, 0x1d, 0x45, 0x45, 0xc5, 0xe1, 0x30 };
	/* Nothing from a 0x00 byte or an E2 sequence; a prefix applies to one byte only. */
	static const uint8_t odd[] = { 0x00, 0x80, 0xe2, 0x10, 0xe0, 0x48, 0x48 };

	keys_seen = g_string_new(NULL);
	g_assert_cmpstr(feed(plain, sizeof(plain)), ==, "1ev 1e^ ");
	g_assert_cmpstr(feed(ext, sizeof(ext)), ==, "11dv 11d^ ");
	/* Pause arrives as one key (Pause's scancode e0 46), never as a NumLock. */
	g_assert_cmpstr(feed(pause, sizeof(pause)), ==, "146v 146^ ");
	/* Only the 45 that ends the Pause half is eaten: a NumLock after it still counts, and
	 * no other E1 sequence makes a key. */
	g_assert_cmpstr(feed(numlock_after_pause, sizeof(numlock_after_pause)), ==,
			"146v 45v 45^ ");
	g_assert_cmpstr(feed(odd, sizeof(odd)), ==, "148v 48v ");
	g_string_free(keys_seen, TRUE);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/console-proto/surface-accepts-valid", test_surface_accepts);
	g_test_add_func("/console-proto/surface-refuses-each-bad-field", test_surface_refuses);
	g_test_add_func("/console-proto/surface-stride-within-display-limit",
			test_surface_stride_bound);
	g_test_add_func("/console-proto/damage-inside-surface-only", test_damage);
	g_test_add_func("/console-proto/console-messages-accepted", test_from_console_accepts);
	g_test_add_func("/console-proto/console-messages-refused", test_from_console_refuses);
	g_test_add_func("/console-input/scancodes-reassembled", test_scancodes);
	return g_test_run();
}
