/* proto/display.h: the viewer <-> kiosk display protocol (doc/display-protocol.md).
 *
 * tessera-viewer parses a domain's untrusted SPICE stream; the kiosk must never have to. So
 * what crosses from viewer to kiosk is as small as it can be: fixed-size messages, each with a
 * common/frame.h header, and pixels in sealed memfds. Every message has exactly one size; a
 * message carries an fd only where its type says so. One SOCK_SEQPACKET socketpair per viewer. */
#ifndef TSR_PROTO_DISPLAY_H
#define TSR_PROTO_DISPLAY_H

#include "common/frame.h"

#include <stdint.h>

#define TSR_DISPLAY_PROTO_VERSION 1

enum tsr_display_msg_type {
	/* viewer -> kiosk */
	TSR_DISPLAY_SURFACE = 1,     /* + 1 fd: a new primary surface (memfd) */
	TSR_DISPLAY_DAMAGE = 2,      /* a rectangle of the current surface changed */
	TSR_DISPLAY_CURSOR = 3,      /* + 1 fd: the domain's cursor shape (memfd, ARGB8888) */
	TSR_DISPLAY_CURSOR_HIDE = 4, /* the domain hides its cursor */
	TSR_DISPLAY_STATUS = 5,      /* connection state of the domain */
	/* kiosk -> viewer */
	TSR_DISPLAY_KEY = 16,
	TSR_DISPLAY_POINTER = 17,
	TSR_DISPLAY_RELEASE_ALL = 18,
	TSR_DISPLAY_RESIZE = 19, /* the size of the domain's frame (proto/display-resize.h) */
};

/* Pixel format of surfaces: 32 bits per pixel, little-endian B, G, R, unused (pixman x8r8g8b8). */
#define TSR_DISPLAY_FORMAT_XRGB8888 1u
/* Pixel format of cursors: premultiplied alpha; B, G, R, A in memory (pixman a8r8g8b8). */
#define TSR_DISPLAY_FORMAT_ARGB8888 2u

/* Limits of what a viewer may share, defined here once: the kiosk's viewer link
 * (proto/viewer-link.c) refuses anything beyond them, and the scene (renderer/scene.c) draws
 * anything within them, so a surface the link accepted is never refused later. A surface is at
 * most 8192 pixels a side with rows of at most 64 KiB (twice a row of the widest surface), so
 * stride x height is at most 512 MiB before the per-viewer cap on mapped bytes applies. */
#define TSR_DISPLAY_MAX_SIDE 8192u
#define TSR_DISPLAY_MAX_STRIDE (TSR_DISPLAY_MAX_SIDE * 4u * 2u)
#define TSR_DISPLAY_CURSOR_MAX 128u
/* A surface may start this far into its memfd at most: the viewer shares the memory its SPICE
 * client draws into, which begins a few bytes into a page. */
#define TSR_DISPLAY_MAX_OFFSET 4096u

struct tsr_display_surface {
	struct tsr_frame_header hdr;
	uint32_t width, height;
	uint32_t stride; /* bytes per row, width * 4..TSR_DISPLAY_MAX_STRIDE, multiple of 4 */
	uint32_t format; /* TSR_DISPLAY_FORMAT_XRGB8888 */
	uint32_t offset; /* bytes before the first row, a multiple of 4 below TSR_DISPLAY_MAX_OFFSET */
};

struct tsr_display_damage {
	struct tsr_frame_header hdr;
	uint32_t x, y, width, height; /* inside the current surface, width and height > 0 */
};

struct tsr_display_cursor {
	struct tsr_frame_header hdr;
	uint32_t width, height; /* 1..TSR_DISPLAY_CURSOR_MAX */
	uint32_t hot_x, hot_y;  /* inside the shape */
	uint32_t stride;        /* >= width * 4, multiple of 4 */
	uint32_t format;        /* TSR_DISPLAY_FORMAT_ARGB8888 */
};

struct tsr_display_cursor_hide {
	struct tsr_frame_header hdr;
};

enum tsr_display_status_code {
	TSR_DISPLAY_STATUS_CONNECTING = 1,
	TSR_DISPLAY_STATUS_CONNECTED = 2,
	TSR_DISPLAY_STATUS_DOMAIN_GONE = 3, /* the SPICE connection ended; the viewer exits next */
	/* The guest's SPICE agent connected (again): its OS and session are up. A preloaded
	 * domain with `agent = true` is paused here rather than at its firmware's first frame. */
	TSR_DISPLAY_STATUS_AGENT = 4,
};

struct tsr_display_status {
	struct tsr_frame_header hdr;
	uint32_t status;
};

struct tsr_display_key {
	struct tsr_frame_header hdr;
	uint32_t scancode; /* set 1; 0xe0-prefixed keys as 0xe0NN; no break bit */
	uint32_t down;     /* 1 press, 0 release */
};

struct tsr_display_pointer {
	struct tsr_frame_header hdr;
	int32_t x, y;     /* surface coordinates */
	uint32_t buttons; /* bit 0 left, bit 1 middle, bit 2 right (SPICE button mask) */
};

struct tsr_display_release_all {
	struct tsr_frame_header hdr;
};

struct tsr_display_resize {
	struct tsr_frame_header hdr;
	uint32_t width, height; /* within proto/display-resize.h's limits */
};

#endif
