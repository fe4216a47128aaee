/* proto/console.c: the checks of console messages, pure functions with no I/O, so the
 * console, the kiosk, unit tests and the fuzz target all use the same ones. */
#include "config.h"
#include "proto/console.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static bool refuse(char *why, size_t why_len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static bool refuse(char *why, size_t why_len, const char *fmt, ...)
{
	va_list ap;

	if (why && why_len) {
		va_start(ap, fmt);
		vsnprintf(why, why_len, fmt, ap);
		va_end(ap);
	}
	return false;
}

size_t tsr_console_msg_size(uint16_t type)
{
	switch (type) {
	case TSR_CONSOLE_MSG_SURFACE:
		return sizeof(struct tsr_console_surface);
	case TSR_CONSOLE_MSG_DAMAGE:
		return sizeof(struct tsr_console_damage);
	case TSR_CONSOLE_MSG_LEDS:
		return sizeof(struct tsr_console_leds);
	case TSR_CONSOLE_MSG_READY:
		return sizeof(struct tsr_console_ready);
	case TSR_CONSOLE_MSG_KEY:
		return sizeof(struct tsr_console_key);
	case TSR_CONSOLE_MSG_POINTER:
		return sizeof(struct tsr_console_pointer);
	case TSR_CONSOLE_MSG_CLIENT:
		return sizeof(struct tsr_console_client);
	default:
		return 0;
	}
}

bool tsr_console_check_surface(const struct tsr_console_surface *msg, uint64_t file_size,
			       int seals, char *why, size_t why_len)
{
	uint64_t need;

	if (msg->format != TSR_CONSOLE_FORMAT_XRGB8888)
		return refuse(why, why_len, "surface format %u is not XRGB8888 (%u)", msg->format,
			      TSR_CONSOLE_FORMAT_XRGB8888);
	if (msg->width == 0 || msg->width > TSR_CONSOLE_MAX_WIDTH || msg->height == 0 ||
	    msg->height > TSR_CONSOLE_MAX_HEIGHT)
		return refuse(why, why_len, "surface size %ux%u is outside 1x1..%ux%u", msg->width,
			      msg->height, TSR_CONSOLE_MAX_WIDTH, TSR_CONSOLE_MAX_HEIGHT);
	/* width <= 8192, so width * 4 fits easily in 32 bits. */
	if (msg->stride < msg->width * 4u || msg->stride % 4u != 0)
		return refuse(why, why_len,
			      "surface stride %u is below width*4 (%u) or not a multiple of 4",
			      msg->stride, msg->width * 4u);
	if (msg->stride > TSR_CONSOLE_MAX_STRIDE)
		return refuse(why, why_len, "surface stride %u is above the limit of %u",
			      msg->stride, TSR_CONSOLE_MAX_STRIDE);
	if (msg->offset % 4u != 0)
		return refuse(why, why_len, "surface offset %llu is not a multiple of 4",
			      (unsigned long long)msg->offset);
	/* 64-bit arithmetic: stride <= 2^16, height <= 2^13, offset is checked before adding. */
	need = (uint64_t)msg->stride * msg->height;
	if (need > TSR_CONSOLE_MAX_SURFACE_BYTES || msg->offset > TSR_CONSOLE_MAX_SURFACE_BYTES ||
	    need + msg->offset > TSR_CONSOLE_MAX_SURFACE_BYTES)
		return refuse(why, why_len, "surface needs %llu bytes, more than the cap of %u",
			      (unsigned long long)(need + msg->offset),
			      TSR_CONSOLE_MAX_SURFACE_BYTES);
	if (need + msg->offset > file_size)
		return refuse(why, why_len,
			      "surface memfd holds %llu bytes but offset + stride*height is %llu",
			      (unsigned long long)file_size,
			      (unsigned long long)(need + msg->offset));
	if (seals < 0)
		return refuse(why, why_len, "surface fd is not a sealable memfd");
	if (((unsigned)seals & TSR_CONSOLE_REQUIRED_SEALS) != TSR_CONSOLE_REQUIRED_SEALS)
		return refuse(why, why_len,
			      "surface memfd seals 0x%x lack F_SEAL_SHRINK|F_SEAL_GROW|F_SEAL_SEAL",
			      (unsigned)seals);
	return true;
}

bool tsr_console_check_damage(const struct tsr_console_damage *msg, uint32_t width,
			      uint32_t height, char *why, size_t why_len)
{
	static const struct tsr_console_rect zero;

	if (width == 0 || height == 0)
		return refuse(why, why_len, "damage before any surface");
	if (msg->count == 0 || msg->count > TSR_CONSOLE_DAMAGE_MAX)
		return refuse(why, why_len, "damage count %u is outside 1..%u", msg->count,
			      TSR_CONSOLE_DAMAGE_MAX);
	if (msg->reserved != 0)
		return refuse(why, why_len, "damage reserved field is %u, not 0", msg->reserved);
	for (uint32_t i = 0; i < TSR_CONSOLE_DAMAGE_MAX; i++) {
		const struct tsr_console_rect *r = &msg->rects[i];

		if (i >= msg->count) {
			if (memcmp(r, &zero, sizeof(zero)) != 0)
				return refuse(why, why_len, "damage rect %u past count %u is not zero",
					      i, msg->count);
			continue;
		}
		if (r->width == 0 || r->height == 0)
			return refuse(why, why_len, "damage rect %u is empty (%ux%u)", i, r->width,
				      r->height);
		/* Compare without adding, so huge values cannot wrap around. */
		if (r->x >= width || r->width > width - r->x || r->y >= height ||
		    r->height > height - r->y)
			return refuse(why, why_len,
				      "damage rect %u (%u,%u %ux%u) is outside the %ux%u surface", i,
				      r->x, r->y, r->width, r->height, width, height);
	}
	return true;
}

bool tsr_console_check_from_console(const void *buf, size_t len, uint32_t surface_width,
				    uint32_t surface_height, char *why, size_t why_len)
{
	struct tsr_frame_header hdr;
	size_t want;

	if (tsr_frame_check(buf, len, TSR_CONSOLE_PROTO_VERSION, &hdr) < 0)
		return refuse(why, why_len, "console message of %zu bytes has a bad frame header",
			      len);
	want = tsr_console_msg_size(hdr.type);
	if (want == 0 || hdr.type < TSR_CONSOLE_MSG_READY)
		return refuse(why, why_len, "console sent message type %u, which it may not send",
			      hdr.type);
	if (len != want)
		return refuse(why, why_len, "console message type %u has %zu bytes, not %zu",
			      hdr.type, len, want);
	switch (hdr.type) {
	case TSR_CONSOLE_MSG_READY: {
		struct tsr_console_ready m;

		memcpy(&m, buf, sizeof(m));
		if (m.reserved != 0)
			return refuse(why, why_len, "ready message reserved field is not 0");
		return true;
	}
	case TSR_CONSOLE_MSG_KEY: {
		struct tsr_console_key m;

		memcpy(&m, buf, sizeof(m));
		if (m.scancode == 0 || m.scancode > TSR_CONSOLE_SCANCODE_MAX ||
		    (m.scancode & 0x80) != 0)
			return refuse(why, why_len, "key scancode 0x%x is not a set-1 make code",
				      m.scancode);
		if (m.down > 1 || m.reserved != 0)
			return refuse(why, why_len, "key message has down=%u reserved=%u", m.down,
				      m.reserved);
		return true;
	}
	case TSR_CONSOLE_MSG_POINTER: {
		struct tsr_console_pointer m;

		memcpy(&m, buf, sizeof(m));
		if (m.x >= surface_width || m.y >= surface_height)
			return refuse(why, why_len, "pointer (%u,%u) is outside the %ux%u surface",
				      m.x, m.y, surface_width, surface_height);
		if (m.buttons & ~TSR_CONSOLE_BUTTONS_ALL)
			return refuse(why, why_len, "pointer buttons 0x%x name unknown buttons",
				      m.buttons);
		if (m.wheel < -1 || m.wheel > 1)
			return refuse(why, why_len, "pointer wheel %d is not -1, 0 or 1", m.wheel);
		return true;
	}
	case TSR_CONSOLE_MSG_CLIENT: {
		struct tsr_console_client m;

		memcpy(&m, buf, sizeof(m));
		if (m.clients > 64)
			return refuse(why, why_len, "console reports %u clients, more than 64",
				      m.clients);
		return true;
	}
	default:
		return refuse(why, why_len, "console sent message type %u", hdr.type);
	}
}
