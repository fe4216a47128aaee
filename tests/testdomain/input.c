/* tests/testdomain/input.c: keyboard and tablet interfaces that record (see .h). */
#include "config.h"
#include "tests/testdomain/input.h"
#include "common/spice-interface.h"

#include <glib.h>

struct tsr_td_input {
	SpiceKbdInstance kbd;
	SpiceTabletInstance tablet;
	FILE *record;
	tsr_td_key_func key;
	void *opaque;
	bool prefix;   /* an 0xe0 byte is waiting for the rest of its key */
	int x, y;
	uint32_t buttons;
};

static void record(struct tsr_td_input *in, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static void record(struct tsr_td_input *in, const char *fmt, ...)
{
	va_list ap;

	if (!in->record)
		return;
	va_start(ap, fmt);
	vfprintf(in->record, fmt, ap);
	va_end(ap);
	fputc('\n', in->record);
	fflush(in->record);
}

static void push_scan_freg(SpiceKbdInstance *sin, uint8_t frag)
{
	struct tsr_td_input *in = SPICE_CONTAINEROF(sin, struct tsr_td_input, kbd);
	uint32_t code;
	bool down;

	if (frag == 0xe0) {
		in->prefix = true;
		return;
	}
	down = !(frag & 0x80);
	code = (uint32_t)(frag & 0x7f) | (in->prefix ? 0xe000u : 0u);
	in->prefix = false;
	record(in, "key 0x%02x %s", code, down ? "down" : "up");
	if (in->key)
		in->key(in->opaque, code, down);
}

static uint8_t get_leds(SpiceKbdInstance *sin)
{
	(void)sin;
	return 0;
}

static const SpiceKbdInterface kbd_interface = {
	.base = TSR_SPICE_INTERFACE_BASE(KEYBOARD, "tessera test keyboard"),
	.push_scan_freg = push_scan_freg,
	.get_leds = get_leds,
};

static void set_logical_size(SpiceTabletInstance *t, int w, int h)
{
	(void)t;
	(void)w;
	(void)h;
}

static void position(SpiceTabletInstance *t, int x, int y, uint32_t buttons)
{
	struct tsr_td_input *in = SPICE_CONTAINEROF(t, struct tsr_td_input, tablet);

	in->x = x;
	in->y = y;
	in->buttons = buttons;
	record(in, "pointer %d %d buttons=%u", x, y, buttons);
}

static void wheel(SpiceTabletInstance *t, int motion, uint32_t buttons)
{
	struct tsr_td_input *in = SPICE_CONTAINEROF(t, struct tsr_td_input, tablet);

	/* spice-server reports button presses and releases in client mouse mode as a wheel
	 * event of 0 carrying the new button state. */
	in->buttons = buttons;
	if (motion == 0)
		record(in, "pointer %d %d buttons=%u", in->x, in->y, buttons);
	else
		record(in, "wheel %d buttons=%u", motion, buttons);
}

static void buttons(SpiceTabletInstance *t, uint32_t state)
{
	struct tsr_td_input *in = SPICE_CONTAINEROF(t, struct tsr_td_input, tablet);

	in->buttons = state;
	record(in, "pointer %d %d buttons=%u", in->x, in->y, state);
}

static const SpiceTabletInterface tablet_interface = {
	.base = TSR_SPICE_INTERFACE_BASE(TABLET, "tessera test tablet"),
	.set_logical_size = set_logical_size,
	.position = position,
	.wheel = wheel,
	.buttons = buttons,
};

struct tsr_td_input *tsr_td_input_create(SpiceServer *server, FILE *rec, tsr_td_key_func key,
					 void *opaque)
{
	struct tsr_td_input *in = g_new0(struct tsr_td_input, 1);

	in->record = rec;
	in->key = key;
	in->opaque = opaque;
	in->kbd.base.sif = &kbd_interface.base;
	in->tablet.base.sif = &tablet_interface.base;
	if (spice_server_add_interface(server, &in->kbd.base) != 0 ||
	    spice_server_add_interface(server, &in->tablet.base) != 0) {
		g_free(in);
		return NULL;
	}
	return in;
}

void tsr_td_input_destroy(struct tsr_td_input *in)
{
	g_free(in);
}
