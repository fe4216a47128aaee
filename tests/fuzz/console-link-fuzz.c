/* tests/fuzz/console-link-fuzz.c: libFuzzer target for what the kiosk takes from the console.
 *
 * The console parses a remote client's SPICE stream, so the kiosk treats it as hostile. Two
 * modes, chosen by bit 7 of byte 0:
 *   - link (bit 7 clear): bytes 1-2 and 3-4 are a surface width and height (little endian, 1..
 *     512) the kiosk sends first; the rest is console messages separated by 0xff 0xff, written
 *     into the link's socket as a console would and dispatched. Every callback checks that what
 *     it got is within the protocol (a key is a make code, the pointer inside the surface...),
 *     and aborts otherwise.
 *   - scancodes (bit 7 set): the rest is bytes as spice-server hands them to the console's
 *     keyboard; every key message the console would send must pass the kiosk's own check. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "console/input.h"
#include "proto/console-link.h"
#include "proto/console.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t width, height;
static int closed;

static void on_key(void *d, uint16_t scancode, bool down)
{
	if (scancode == 0 || scancode > TSR_CONSOLE_SCANCODE_MAX || (scancode & 0x80))
		abort();
}

static void on_pointer(void *d, uint32_t x, uint32_t y, uint32_t buttons, int wheel)
{
	if (x >= width || y >= height || (buttons & ~TSR_CONSOLE_BUTTONS_ALL) || wheel < -1 ||
	    wheel > 1)
		abort();
}

static void on_closed(void *d, const char *why)
{
	if (closed++)
		abort(); /* reported twice */
}

static const struct tsr_console_link_callbacks callbacks = {
	.key = on_key, .pointer = on_pointer, .closed = on_closed,
};

static void console_sends(void *d, void *msg, size_t len, uint16_t type)
{
	struct tsr_frame_header h = { .type = type, .version = TSR_CONSOLE_PROTO_VERSION,
				      .length = (uint32_t)len };
	char why[256];

	memcpy(msg, &h, sizeof(h));
	if (!tsr_console_check_from_console(msg, len, 1, 1, why, sizeof(why)))
		abort();
}

static void fuzz_scancodes(const uint8_t *data, size_t size)
{
	struct tsr_console_input *in = tsr_console_input_create(NULL, console_sends, NULL);

	for (size_t i = 0; i < size; i++)
		tsr_console_input_push_byte(in, data[i]);
	tsr_console_input_destroy(in);
}

static void fuzz_link(const uint8_t *data, size_t size)
{
	struct tsr_console_link *link;
	uint32_t stride;
	int sv[2];

	if (size < 4)
		return;
	width = 1 + ((uint32_t)data[0] | (uint32_t)data[1] << 8) % 512;
	height = 1 + ((uint32_t)data[2] | (uint32_t)data[3] << 8) % 512;
	data += 4;
	size -= 4;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return;
	closed = 0;
	link = tsr_console_link_wrap(sv[0], &callbacks, NULL);
	if (!link) {
		close(sv[1]);
		return;
	}
	if (!tsr_console_link_set_surface(link, width, height, &stride))
		abort();
	while (size > 0) {
		size_t len = 0;

		while (len + 1 < size && !(data[len] == 0xff && data[len + 1] == 0xff))
			len++;
		if (len + 1 >= size)
			len = size;
		if (send(sv[1], data, len, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
			break;
		(void)tsr_console_link_dispatch(link);
		if (len + 2 > size)
			break;
		data += len + 2;
		size -= len + 2;
	}
	close(sv[1]);
	(void)tsr_console_link_dispatch(link);
	if (!closed)
		abort(); /* EOF must be reported */
	tsr_console_link_destroy(link);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (data[0] & 0x80)
		fuzz_scancodes(data + 1, size - 1);
	else
		fuzz_link(data + 1, size - 1);
	return 0;
}
