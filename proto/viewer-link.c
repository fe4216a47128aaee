/* proto/viewer-link.c: validation of everything a viewer sends (see viewer-link.h). */
#include "config.h"
#include "proto/viewer-link.h"
#include "common/fdpass.h"
#include "common/frame.h"
#include "proto/display.h"
#include "proto/sealed-memfd.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_MAX_MAPPED (128ull << 20)
#define DEFAULT_RATE 5000u
#define DEFAULT_BURST 500u
/* Messages handled per dispatch call before giving other viewers a turn. */
#define BATCH 64

struct tsr_viewer_link {
	int sock;
	struct tsr_clock *clock;
	struct tsr_viewer_link_limits limits;
	struct tsr_viewer_link_callbacks cb;
	void *opaque;
	struct tsr_sealed_map surface_map, cursor_map;
	uint32_t width, height; /* current surface; 0 = none yet */
	bool dead;
	enum tsr_viewer_link_result end;
	double tokens;
	int64_t refilled_us;
	int64_t resume_us;
	uint64_t accepted, throttles;
	struct tsr_clipboard_gate clipboard;
	char error[256];
};

struct tsr_viewer_link *tsr_viewer_link_create(int sock, struct tsr_clock *clock,
					       const struct tsr_viewer_link_limits *limits,
					       const struct tsr_viewer_link_callbacks *cb,
					       void *opaque)
{
	struct tsr_viewer_link *link = calloc(1, sizeof(*link));
	int fl;

	if (!link)
		return NULL;
	fl = fcntl(sock, F_GETFL);
	if (fl < 0 || fcntl(sock, F_SETFL, fl | O_NONBLOCK) < 0) {
		free(link);
		return NULL;
	}
	link->sock = sock;
	link->clock = clock ? clock : tsr_clock_monotonic();
	if (limits)
		link->limits = *limits;
	if (!link->limits.max_mapped_bytes)
		link->limits.max_mapped_bytes = DEFAULT_MAX_MAPPED;
	if (!link->limits.msgs_per_second)
		link->limits.msgs_per_second = DEFAULT_RATE;
	if (!link->limits.msg_burst)
		link->limits.msg_burst = DEFAULT_BURST;
	if (cb)
		link->cb = *cb;
	link->opaque = opaque;
	link->tokens = link->limits.msg_burst;
	link->refilled_us = tsr_clock_now_us(link->clock);
	return link;
}

void tsr_viewer_link_destroy(struct tsr_viewer_link *link)
{
	if (!link)
		return;
	tsr_sealed_memfd_unmap(&link->surface_map);
	tsr_sealed_memfd_unmap(&link->cursor_map);
	if (link->sock >= 0)
		close(link->sock);
	free(link);
}

int tsr_viewer_link_fd(const struct tsr_viewer_link *link)
{
	return link->sock;
}

const char *tsr_viewer_link_error(const struct tsr_viewer_link *link)
{
	return link->error;
}

uint64_t tsr_viewer_link_accepted(const struct tsr_viewer_link *link)
{
	return link->accepted;
}

uint64_t tsr_viewer_link_throttles(const struct tsr_viewer_link *link)
{
	return link->throttles;
}

int64_t tsr_viewer_link_resume_us(const struct tsr_viewer_link *link)
{
	return link->resume_us;
}

static bool violation(struct tsr_viewer_link *link, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static bool violation(struct tsr_viewer_link *link, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(link->error, sizeof(link->error), fmt, ap);
	va_end(ap);
	link->dead = true;
	link->end = TSR_VIEWER_LINK_VIOLATION;
	/* Nothing the viewer shared stays mapped once it has misbehaved. */
	tsr_sealed_memfd_unmap(&link->cursor_map);
	return false;
}

static size_t expected_size(uint16_t type, size_t *nfds)
{
	*nfds = 0;
	switch (type) {
	case TSR_DISPLAY_SURFACE:
		*nfds = 1;
		return sizeof(struct tsr_display_surface);
	case TSR_DISPLAY_DAMAGE:
		return sizeof(struct tsr_display_damage);
	case TSR_DISPLAY_CURSOR:
		*nfds = 1;
		return sizeof(struct tsr_display_cursor);
	case TSR_DISPLAY_CURSOR_HIDE:
		return sizeof(struct tsr_display_cursor_hide);
	case TSR_DISPLAY_STATUS:
		return sizeof(struct tsr_display_status);
	case TSR_DISPLAY_CLIPBOARD_TEXT:
	case TSR_DISPLAY_CLIPBOARD_EMPTY:
		return tsr_clipboard_msg_size(type, nfds);
	default:
		return 0;
	}
}

static bool handle_surface(struct tsr_viewer_link *link, const struct tsr_display_surface *m, int fd)
{
	struct tsr_sealed_map map;
	uint64_t row, cap;
	char err[160];

	if (m->format != TSR_DISPLAY_FORMAT_XRGB8888)
		return violation(link, "surface: unknown pixel format %u", m->format);
	if (m->width == 0 || m->height == 0 || m->width > TSR_DISPLAY_MAX_SIDE ||
	    m->height > TSR_DISPLAY_MAX_SIDE)
		return violation(link, "surface: size %ux%u outside 1..%u", m->width, m->height,
				 TSR_DISPLAY_MAX_SIDE);
	if (!tsr_mul_size(m->width, 4, &row) || m->stride < row || m->stride % 4 ||
	    m->stride > TSR_DISPLAY_MAX_STRIDE)
		return violation(link, "surface: stride %u is not a multiple of 4 in %u..%u",
				 m->stride, m->width * 4, TSR_DISPLAY_MAX_STRIDE);
	if (m->offset % 4 || m->offset >= TSR_DISPLAY_MAX_OFFSET)
		return violation(link, "surface: offset %u is not a multiple of 4 below %u", m->offset,
				 TSR_DISPLAY_MAX_OFFSET);
	/* The cap covers the new surface plus the current cursor (the old surface goes away once
	 * the new one is taken). */
	cap = link->limits.max_mapped_bytes - link->cursor_map.length;
	if (tsr_sealed_memfd_map_at(fd, m->offset, m->stride, m->height, cap, &map, err,
				    sizeof(err)) < 0)
		return violation(link, "surface: %s", err);
	if (link->cb.surface) {
		struct tsr_viewer_surface_view v = {
			.pixels = (const uint32_t *)((const uint8_t *)map.data + m->offset),
			.width = m->width,
			.height = m->height, .stride = m->stride,
		};
		/* The caller may still be drawing the old surface: it stays mapped unless the new
		 * one has replaced it. */
		if (!link->cb.surface(link->opaque, &v)) {
			tsr_sealed_memfd_unmap(&map);
			return violation(link, "surface: %ux%u (stride %u) refused by the kiosk",
					 m->width, m->height, m->stride);
		}
	}
	tsr_sealed_memfd_unmap(&link->surface_map);
	link->surface_map = map;
	link->width = m->width;
	link->height = m->height;
	return true;
}

static bool handle_cursor(struct tsr_viewer_link *link, const struct tsr_display_cursor *m, int fd)
{
	struct tsr_sealed_map map;
	uint64_t cap;
	char err[160];

	if (m->format != TSR_DISPLAY_FORMAT_ARGB8888)
		return violation(link, "cursor: unknown pixel format %u", m->format);
	if (m->width == 0 || m->height == 0 || m->width > TSR_DISPLAY_CURSOR_MAX ||
	    m->height > TSR_DISPLAY_CURSOR_MAX)
		return violation(link, "cursor: size %ux%u outside 1..%u", m->width, m->height,
				 TSR_DISPLAY_CURSOR_MAX);
	if (m->hot_x >= m->width || m->hot_y >= m->height)
		return violation(link, "cursor: hotspot %u,%u outside the %ux%u shape", m->hot_x,
				 m->hot_y, m->width, m->height);
	if (m->stride < m->width * 4 || m->stride % 4 || m->stride > TSR_DISPLAY_CURSOR_MAX * 4)
		return violation(link, "cursor: stride %u is not a multiple of 4 in %u..%u",
				 m->stride, m->width * 4, TSR_DISPLAY_CURSOR_MAX * 4);
	cap = link->limits.max_mapped_bytes - link->surface_map.length;
	if (tsr_sealed_memfd_map(fd, m->stride, m->height, cap, &map, err, sizeof(err)) < 0)
		return violation(link, "cursor: %s", err);
	tsr_sealed_memfd_unmap(&link->cursor_map);
	link->cursor_map = map;
	if (link->cb.cursor) {
		struct tsr_viewer_cursor_view v = {
			.pixels = map.data, .width = m->width, .height = m->height,
			.stride = m->stride, .hot_x = m->hot_x, .hot_y = m->hot_y,
		};
		link->cb.cursor(link->opaque, &v);
	}
	return true;
}

static bool handle_damage(struct tsr_viewer_link *link, const struct tsr_display_damage *m)
{
	if (!link->width)
		return violation(link, "damage before any surface");
	if (m->width == 0 || m->height == 0 || m->x >= link->width || m->y >= link->height ||
	    m->width > link->width - m->x || m->height > link->height - m->y)
		return violation(link, "damage %u,%u %ux%u is not inside the %ux%u surface", m->x,
				 m->y, m->width, m->height, link->width, link->height);
	if (link->cb.damage)
		link->cb.damage(link->opaque, m->x, m->y, m->width, m->height);
	return true;
}

static bool handle_clipboard(struct tsr_viewer_link *link, const void *buf, size_t len, int fd)
{
	struct tsr_clipboard_answer answer;
	char err[200];

	if (!tsr_clipboard_gate_answer(&link->clipboard, buf, len, fd, &answer, err, sizeof(err)))
		return violation(link, "%s", err);
	if (link->cb.clipboard)
		link->cb.clipboard(link->opaque, &answer);
	if (answer.text)
		explicit_bzero(answer.text, answer.length);
	g_free(answer.text);
	return true;
}

bool tsr_viewer_link_handle(struct tsr_viewer_link *link, const void *buf, size_t len, int *fds,
			    size_t nfds)
{
	struct tsr_frame_header hdr;
	size_t want_fds, want;
	bool ok;
	union {
		struct tsr_display_surface surface;
		struct tsr_display_damage damage;
		struct tsr_display_cursor cursor;
		struct tsr_display_status status;
		struct tsr_clipboard_text clipboard;
	} m;

	if (link->dead) {
		tsr_fd_close_all(fds, nfds);
		return false;
	}
	if (tsr_frame_check(buf, len, TSR_DISPLAY_PROTO_VERSION, &hdr) < 0) {
		tsr_fd_close_all(fds, nfds);
		return violation(link, "bad frame of %zu bytes: %s", len,
				 errno == EPROTO ? "wrong protocol version" : "length mismatch");
	}
	want = expected_size(hdr.type, &want_fds);
	if (!want) {
		tsr_fd_close_all(fds, nfds);
		return violation(link, "unknown message type %u", hdr.type);
	}
	if (len != want) {
		tsr_fd_close_all(fds, nfds);
		return violation(link, "message type %u has %zu bytes, expected %zu", hdr.type, len,
				 want);
	}
	if (nfds != want_fds) {
		tsr_fd_close_all(fds, nfds);
		return violation(link, "message type %u carries %zu fds, expected %zu", hdr.type,
				 nfds, want_fds);
	}
	memcpy(&m, buf, len);
	switch (hdr.type) {
	case TSR_DISPLAY_SURFACE:
		ok = handle_surface(link, &m.surface, fds[0]);
		break;
	case TSR_DISPLAY_CURSOR:
		ok = handle_cursor(link, &m.cursor, fds[0]);
		break;
	case TSR_DISPLAY_DAMAGE:
		ok = handle_damage(link, &m.damage);
		break;
	case TSR_DISPLAY_CURSOR_HIDE:
		tsr_sealed_memfd_unmap(&link->cursor_map);
		if (link->cb.cursor)
			link->cb.cursor(link->opaque, NULL);
		ok = true;
		break;
	case TSR_DISPLAY_STATUS:
		if (m.status.status < TSR_DISPLAY_STATUS_CONNECTING ||
		    m.status.status > TSR_DISPLAY_STATUS_AGENT) {
			ok = violation(link, "unknown status %u", m.status.status);
			break;
		}
		if (link->cb.status)
			link->cb.status(link->opaque, m.status.status);
		ok = true;
		break;
	case TSR_DISPLAY_CLIPBOARD_TEXT:
	case TSR_DISPLAY_CLIPBOARD_EMPTY:
		ok = handle_clipboard(link, buf, len, nfds ? fds[0] : -1);
		break;
	default:
		ok = violation(link, "unknown message type %u", hdr.type);
		break;
	}
	/* The mapping (if any) keeps the pixels; the fd itself is never kept. */
	tsr_fd_close_all(fds, nfds);
	if (ok)
		link->accepted++;
	return ok;
}

static bool take_token(struct tsr_viewer_link *link)
{
	int64_t now = tsr_clock_now_us(link->clock);

	if (now > link->refilled_us) {
		link->tokens += (double)(now - link->refilled_us) * link->limits.msgs_per_second / 1e6;
		if (link->tokens > link->limits.msg_burst)
			link->tokens = link->limits.msg_burst;
	}
	link->refilled_us = now;
	if (link->tokens < 1.0) {
		/* Resume when one whole token is back. */
		link->resume_us = now + (int64_t)((1.0 - link->tokens) * 1e6 /
						   link->limits.msgs_per_second) + 1;
		return false;
	}
	link->tokens -= 1.0;
	return true;
}

enum tsr_viewer_link_result tsr_viewer_link_dispatch(struct tsr_viewer_link *link)
{
	_Alignas(8) unsigned char buf[TSR_FRAME_MAX];
	int fds[TSR_FDPASS_MAX];

	if (link->dead)
		return link->end;
	for (int i = 0; i < BATCH; i++) {
		size_t nfds = 0;
		ssize_t n;

		if (!take_token(link)) {
			link->throttles++;
			return TSR_VIEWER_LINK_THROTTLED;
		}
		/* At most one fd per message: more is refused (and closed) by the fd layer. */
		n = tsr_fd_recv(link->sock, buf, sizeof(buf), fds, 1, &nfds);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
				link->tokens += 1.0; /* nothing was read */
				return TSR_VIEWER_LINK_OK;
			}
			if (errno == ECONNRESET) {
				link->dead = true;
				link->end = TSR_VIEWER_LINK_CLOSED;
				return link->end;
			}
			violation(link, "unreadable message: %s", errno == EBADMSG ?
				  "bad control data or fds where none belong" : strerror(errno));
			return link->end;
		}
		if (n == 0) {
			/* EOF, or an empty message (which may still have carried fds). */
			tsr_fd_close_all(fds, nfds);
			link->dead = true;
			link->end = TSR_VIEWER_LINK_CLOSED;
			snprintf(link->error, sizeof(link->error), "the viewer closed the connection");
			return link->end;
		}
		if (!tsr_viewer_link_handle(link, buf, (size_t)n, fds, nfds))
			return link->end;
	}
	return TSR_VIEWER_LINK_MORE;
}

static int send_msg(struct tsr_viewer_link *link, void *msg, size_t len, uint16_t type)
{
	if (link->dead) {
		errno = EPIPE;
		return -1;
	}
	return tsr_frame_send(link->sock, msg, len, type, TSR_DISPLAY_PROTO_VERSION, NULL, 0);
}

int tsr_viewer_link_send_key(struct tsr_viewer_link *link, uint32_t scancode, bool down)
{
	struct tsr_display_key m = { .scancode = scancode, .down = down ? 1u : 0u };

	return send_msg(link, &m, sizeof(m), TSR_DISPLAY_KEY);
}

int tsr_viewer_link_send_pointer(struct tsr_viewer_link *link, int32_t x, int32_t y,
				 uint32_t buttons)
{
	struct tsr_display_pointer m = { .x = x, .y = y, .buttons = buttons };

	return send_msg(link, &m, sizeof(m), TSR_DISPLAY_POINTER);
}

int tsr_viewer_link_send_release_all(struct tsr_viewer_link *link)
{
	struct tsr_display_release_all m;

	return send_msg(link, &m, sizeof(m), TSR_DISPLAY_RELEASE_ALL);
}

int tsr_viewer_link_send_resize(struct tsr_viewer_link *link, uint32_t width, uint32_t height)
{
	struct tsr_display_resize m = { .width = width, .height = height };

	return send_msg(link, &m, sizeof(m), TSR_DISPLAY_RESIZE);
}

int tsr_viewer_link_clipboard_request(struct tsr_viewer_link *link, uint32_t max_bytes)
{
	struct tsr_clipboard_request m;

	tsr_clipboard_gate_ask(&link->clipboard, max_bytes, &m);
	return send_msg(link, &m, sizeof(m), TSR_DISPLAY_CLIPBOARD_REQUEST);
}

int tsr_viewer_link_clipboard_paste(struct tsr_viewer_link *link, const char *text, size_t len)
{
	struct tsr_clipboard_paste m = { .format = TSR_CLIPBOARD_FORMAT_UTF8,
					 .length = (uint32_t)len };
	int fd, r, saved;

	if (link->dead) {
		errno = EPIPE;
		return -1;
	}
	fd = tsr_clipboard_memfd(text, len);
	if (fd < 0)
		return -1;
	r = tsr_frame_send(link->sock, &m, sizeof(m), TSR_DISPLAY_CLIPBOARD_PASTE,
			   TSR_DISPLAY_PROTO_VERSION, &fd, 1);
	saved = errno;
	close(fd);
	errno = saved;
	return r;
}
