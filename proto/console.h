/* proto/console.h: the messages between tessera-kiosk and tessera-console.
 *
 * The console is fed like a viewer in reverse: the kiosk sends the composited desktop (one
 * sealed XRGB8888 memfd, then damage rectangles), and the console sends back what the remote
 * SPICE client typed and pointed at. Everything travels over one SOCK_SEQPACKET socketpair made
 * by the kiosk before it starts the console; every message starts with a tsr_frame_header and has
 * exactly the size of its struct. The kiosk is trusted, but the console checks its messages
 * anyway. The console is NOT trusted by the kiosk: it parses a remote client's SPICE stream, so
 * the kiosk checks every console message (tsr_console_check_* below) as if it came from an
 * attacker. Written down for people in doc/console.md. */
#ifndef TSR_PROTO_CONSOLE_H
#define TSR_PROTO_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/frame.h"
#include "proto/display.h"

#define TSR_CONSOLE_PROTO_VERSION 1

enum tsr_console_msg_type {
	/* kiosk -> console */
	TSR_CONSOLE_MSG_SURFACE = 1, /* carries one fd: the memfd */
	TSR_CONSOLE_MSG_DAMAGE = 2,
	TSR_CONSOLE_MSG_LEDS = 3,
	/* console -> kiosk */
	TSR_CONSOLE_MSG_READY = 16, /* listening and sandboxed */
	TSR_CONSOLE_MSG_KEY = 17,
	TSR_CONSOLE_MSG_POINTER = 18,
	TSR_CONSOLE_MSG_CLIENT = 19, /* a remote client came or went */
};

/* Pixel format of the surface: XRGB8888 in native (little-endian) byte order, as pixman's
 * PIXMAN_x8r8g8b8 and SPICE's SPICE_SURFACE_FMT_32_xRGB. The only format there is. */
#define TSR_CONSOLE_FORMAT_XRGB8888 1

/* Surface limits: the display protocol's (proto/display.h), so one definition bounds every
 * surface that crosses a process boundary, in either direction. Large enough for any laptop
 * panel, small enough that width * 4 * height cannot overflow; a row is at most
 * TSR_DISPLAY_MAX_STRIDE bytes and a surface costs at most 256 MiB of mapping. */
#define TSR_CONSOLE_MAX_WIDTH TSR_DISPLAY_MAX_SIDE
#define TSR_CONSOLE_MAX_HEIGHT TSR_DISPLAY_MAX_SIDE
#define TSR_CONSOLE_MAX_STRIDE TSR_DISPLAY_MAX_STRIDE
#define TSR_CONSOLE_MAX_SURFACE_BYTES (256u * 1024u * 1024u)

/* The seals a surface memfd must carry (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL); F_SEAL_WRITE
 * must not be set, since the kiosk keeps drawing into it. */
#define TSR_CONSOLE_REQUIRED_SEALS 0x0007u

struct tsr_console_surface {
	struct tsr_frame_header hdr;
	uint32_t format;  /* TSR_CONSOLE_FORMAT_XRGB8888 */
	uint32_t width;   /* pixels, 1..TSR_CONSOLE_MAX_WIDTH */
	uint32_t height;  /* pixels, 1..TSR_CONSOLE_MAX_HEIGHT */
	uint32_t stride;  /* bytes, width * 4..TSR_CONSOLE_MAX_STRIDE, a multiple of 4 */
	uint64_t offset;  /* where row 0 starts in the memfd; offset + stride * height <= size */
};

struct tsr_console_rect {
	uint32_t x, y, width, height;
};

/* At most this many rectangles per damage message; more go in several messages. */
#define TSR_CONSOLE_DAMAGE_MAX 32

struct tsr_console_damage {
	struct tsr_frame_header hdr;
	uint32_t count; /* 1..TSR_CONSOLE_DAMAGE_MAX; rects past count must be zero */
	uint32_t reserved; /* 0 */
	struct tsr_console_rect rects[TSR_CONSOLE_DAMAGE_MAX];
};

/* Keyboard lock LEDs as SPICE's SPICE_KEYBOARD_MODIFIER_FLAGS_*: the state the remote client
 * should show (the focused domain's). Without it a client that syncs its lock keys would toggle
 * them on every focus change. */
#define TSR_CONSOLE_LED_SCROLL 0x1u
#define TSR_CONSOLE_LED_NUM 0x2u
#define TSR_CONSOLE_LED_CAPS 0x4u
#define TSR_CONSOLE_LEDS_ALL 0x7u

struct tsr_console_leds {
	struct tsr_frame_header hdr;
	uint32_t leds;
};

struct tsr_console_ready {
	struct tsr_frame_header hdr;
	uint32_t reserved; /* 0 */
};

/* Scancodes as spice_inputs_channel_key_press() takes them: PC XT (set 1) make codes 0x01..0x7f;
 * a code after an 0xE0 prefix is 0x100 | code. Pause, the one E1 key (e1 1d 45), arrives as one
 * key with Pause's E0 code 0x146. So the kiosk can hand a code to a domain's viewer as it is. */
#define TSR_CONSOLE_SCANCODE_MAX 0x17f

struct tsr_console_key {
	struct tsr_frame_header hdr;
	uint16_t scancode; /* see above; never 0 */
	uint8_t down;      /* 1 pressed, 0 released */
	uint8_t reserved;  /* 0 */
};

/* Buttons as SPICE's SPICE_MOUSE_BUTTON_MASK_*: left 1, middle 2, right 4. */
#define TSR_CONSOLE_BUTTON_LEFT 0x1u
#define TSR_CONSOLE_BUTTON_MIDDLE 0x2u
#define TSR_CONSOLE_BUTTON_RIGHT 0x4u
#define TSR_CONSOLE_BUTTONS_ALL 0x7u

struct tsr_console_pointer {
	struct tsr_frame_header hdr;
	uint32_t x, y;    /* surface coordinates, inside the current surface */
	uint32_t buttons; /* TSR_CONSOLE_BUTTON_* held down after this event */
	int32_t wheel;    /* -1 one notch up, 1 one notch down, 0 none */
};

struct tsr_console_client {
	struct tsr_frame_header hdr;
	uint32_t clients; /* remote clients connected now (0 when the last one left) */
};

/* The size a message of this type must have, or 0 for an unknown type. */
size_t tsr_console_msg_size(uint16_t type);

/* Checks of whole received messages (buf holds len bytes whose frame header has already passed
 * tsr_frame_check). Each returns true if the message is well-formed; otherwise false with a
 * human-readable reason in why (at least 128 bytes). */

/* Kiosk -> console: the surface fields against the fstat size of the memfd and its seals
 * (F_GET_SEALS result, or -1 if F_GET_SEALS failed, which means it is no memfd). */
bool tsr_console_check_surface(const struct tsr_console_surface *msg, uint64_t file_size,
			       int seals, char *why, size_t why_len)
	__attribute__((warn_unused_result));
/* Kiosk -> console: every rectangle non-empty and inside width x height, counts in range. */
bool tsr_console_check_damage(const struct tsr_console_damage *msg, uint32_t width,
			      uint32_t height, char *why, size_t why_len)
	__attribute__((warn_unused_result));
/* Console -> kiosk, for the kiosk: one message of any console type. surface_width/height are
 * what the kiosk last sent (0 if none; then a pointer message is refused). */
bool tsr_console_check_from_console(const void *buf, size_t len, uint32_t surface_width,
				    uint32_t surface_height, char *why, size_t why_len)
	__attribute__((warn_unused_result));

#endif
