/* console/input.c: keyboard and tablet interfaces for spice-server (see
 * console-input.h). All callbacks run on the main thread (spice-server's inputs channel lives
 * there). */
#include "config.h"
#include "console/input.h"
#include "common/spice-interface.h"
#include "proto/console.h"

#include <glib.h>
#include <stdbool.h>
#include <string.h>

/* QEMU's (and spice-server's "local") button bits, as the tablet interface reports them. */
#define LOCAL_LEFT 0x1u
#define LOCAL_RIGHT 0x2u
#define LOCAL_MIDDLE 0x4u

struct tsr_console_input {
	SpiceKbdInstance kbd;
	SpiceTabletInstance tablet;
	tsr_console_input_send_fn send;
	void *data;
	uint8_t prefix; /* 0, 0xe0, 0xe1 or 0xe2 (the byte after 0xe2 is dropped) */
	bool pause_tail; /* after e1 1d (or e1 9d): the 45 (c5) that ends Pause */
	uint32_t width, height;
	uint32_t x, y;
	uint8_t leds;
};

#define CONTAINER(ptr, member) \
	((struct tsr_console_input *)((char *)(ptr) - offsetof(struct tsr_console_input, member)))

static void send_key(struct tsr_console_input *in, uint16_t scancode, bool down)
{
	struct tsr_console_key msg;

	memset(&msg, 0, sizeof(msg));
	msg.scancode = scancode;
	msg.down = down ? 1 : 0;
	in->send(in->data, &msg, sizeof(msg), TSR_CONSOLE_MSG_KEY);
}

void tsr_console_input_push_byte(struct tsr_console_input *in, uint8_t byte)
{
	uint8_t prefix = in->prefix;
	uint16_t code;

	if (byte >= 0xe0 && byte <= 0xe2) {
		in->prefix = byte;
		return;
	}
	in->prefix = 0;
	code = byte & 0x7f;
	/* Pause is the only E1 key: e1 1d 45 when pressed, e1 9d c5 when released. It goes to the
	 * kiosk as one key with the scancode the keymap gives Pause (e0 46, as Ctrl+Break sends),
	 * so the 45/c5 that ends each half is not a NumLock. */
	if (in->pause_tail) {
		in->pause_tail = false;
		if (prefix == 0 && code == 0x45)
			return;
	}
	if (prefix == 0xe1) {
		if (code == 0x1d) {
			in->pause_tail = true;
			send_key(in, 0x146, (byte & 0x80) == 0);
		}
		return; /* no other E1 sequence exists on a PC keyboard */
	}
	/* 0x00 is no key; 0xe2 sequences have no meaning on a PC keyboard. */
	if (code == 0 || prefix == 0xe2)
		return;
	if (prefix == 0xe0)
		code |= 0x100;
	send_key(in, code, (byte & 0x80) == 0);
}

static void kbd_push_scan_freg(SpiceKbdInstance *sin, uint8_t frag)
{
	tsr_console_input_push_byte(CONTAINER(sin, kbd), frag);
}

static uint8_t kbd_get_leds(SpiceKbdInstance *sin)
{
	/* What the kiosk last said: spice-server compares it with the client's lock keys and
	 * injects lock key presses only where they differ. */
	return CONTAINER(sin, kbd)->leds;
}

static uint32_t buttons_from_local(uint32_t local)
{
	uint32_t b = 0;

	if (local & LOCAL_LEFT)
		b |= TSR_CONSOLE_BUTTON_LEFT;
	if (local & LOCAL_MIDDLE)
		b |= TSR_CONSOLE_BUTTON_MIDDLE;
	if (local & LOCAL_RIGHT)
		b |= TSR_CONSOLE_BUTTON_RIGHT;
	return b;
}

static void send_pointer(struct tsr_console_input *in, uint32_t local_buttons, int wheel)
{
	struct tsr_console_pointer msg;

	if (in->width == 0 || in->height == 0)
		return;
	memset(&msg, 0, sizeof(msg));
	msg.x = in->x;
	msg.y = in->y;
	msg.buttons = buttons_from_local(local_buttons);
	msg.wheel = wheel < 0 ? -1 : wheel > 0 ? 1 : 0;
	in->send(in->data, &msg, sizeof(msg), TSR_CONSOLE_MSG_POINTER);
}

static uint32_t clamp(int v, uint32_t size)
{
	if (v < 0)
		return 0;
	if ((uint32_t)v >= size)
		return size ? size - 1 : 0;
	return (uint32_t)v;
}

static void tablet_set_logical_size(SpiceTabletInstance *tablet, int width, int height)
{
	/* The size that matters is the surface's, which the kiosk sent (set_size). */
}

static void tablet_position(SpiceTabletInstance *tablet, int x, int y, uint32_t buttons_state)
{
	struct tsr_console_input *in = CONTAINER(tablet, tablet);

	in->x = clamp(x, in->width);
	in->y = clamp(y, in->height);
	send_pointer(in, buttons_state, 0);
}

static void tablet_wheel(SpiceTabletInstance *tablet, int wheel_motion, uint32_t buttons_state)
{
	/* spice-server also reports plain button presses here, with a motion of 0. */
	send_pointer(CONTAINER(tablet, tablet), buttons_state, wheel_motion);
}

static void tablet_buttons(SpiceTabletInstance *tablet, uint32_t buttons_state)
{
	send_pointer(CONTAINER(tablet, tablet), buttons_state, 0);
}

static const SpiceKbdInterface kbd_interface = {
	.base = TSR_SPICE_INTERFACE_BASE(KEYBOARD, "tessera console keyboard"),
	.push_scan_freg = kbd_push_scan_freg,
	.get_leds = kbd_get_leds,
};

static const SpiceTabletInterface tablet_interface = {
	.base = TSR_SPICE_INTERFACE_BASE(TABLET, "tessera console tablet"),
	.set_logical_size = tablet_set_logical_size,
	.position = tablet_position,
	.wheel = tablet_wheel,
	.buttons = tablet_buttons,
};

struct tsr_console_input *tsr_console_input_create(SpiceServer *server,
						   tsr_console_input_send_fn send, void *data)
{
	struct tsr_console_input *in = g_new0(struct tsr_console_input, 1);

	in->send = send;
	in->data = data;
	in->kbd.base.sif = &kbd_interface.base;
	in->tablet.base.sif = &tablet_interface.base;
	if (server) {
		if (spice_server_add_interface(server, &in->kbd.base) != 0) {
			g_free(in);
			return NULL;
		}
		/* On failure the keyboard stays registered: the caller exits anyway. */
		if (spice_server_add_interface(server, &in->tablet.base) != 0)
			return NULL;
	}
	return in;
}

void tsr_console_input_set_size(struct tsr_console_input *in, uint32_t width, uint32_t height)
{
	in->width = width;
	in->height = height;
	in->x = clamp((int)in->x, width);
	in->y = clamp((int)in->y, height);
}

void tsr_console_input_set_leds(struct tsr_console_input *in, uint32_t leds)
{
	in->leds = (uint8_t)(leds & TSR_CONSOLE_LEDS_ALL);
	if (in->kbd.st)
		spice_server_kbd_leds(&in->kbd, in->leds);
}

void tsr_console_input_destroy(struct tsr_console_input *in)
{
	/* spice-server cannot remove keyboards and tablets; they go with the server. */
	g_free(in);
}
