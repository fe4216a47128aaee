/* viewer/publish.c: sealed-memfd surfaces and damage messages (see .h). */
#include "config.h"
#include "viewer/publish.h"
#include "common/frame.h"
#include "proto/display.h"
#include "viewer/share.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

struct tsr_viewer_publish {
	int link;
	uint8_t *map; /* our copy of the surface; NULL when the client's own memory is shared */
	size_t map_len;
	/* the kiosk maps the client's surface itself: damage copies only bytes on its edge pages */
	struct tsr_viewer_share *share;
	uint32_t width, height, stride;
	bool pending;
	int px0, py0, px1, py1; /* pending damage, [x0,x1) x [y0,y1) */
	void (*notify)(void *data);
	void *notify_data;
};

struct tsr_viewer_publish *tsr_viewer_publish_create(int link_fd)
{
	struct tsr_viewer_publish *p = calloc(1, sizeof(*p));

	if (p)
		p->link = link_fd;
	return p;
}

void tsr_viewer_publish_destroy(struct tsr_viewer_publish *p)
{
	if (!p)
		return;
	if (p->map)
		munmap(p->map, p->map_len);
	tsr_viewer_share_destroy(p->share);
	free(p);
}

static bool send_blocking(struct tsr_viewer_publish *p, void *msg, size_t len, uint16_t type, int fd)
{
	int fds[1] = { fd };

	/* Surfaces and cursors must not be lost: wait for room (the kiosk reads or hangs up). */
	for (;;) {
		if (tsr_frame_send(p->link, msg, len, type, TSR_DISPLAY_PROTO_VERSION, fds,
				   fd >= 0 ? 1 : 0) == 0)
			return true;
		if (errno != EAGAIN && errno != EINTR)
			return false;
		struct pollfd pfd = { .fd = p->link, .events = POLLOUT };
		if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
			return false;
	}
}

/* Makes the surface in fd (owned by the caller) current and tells the kiosk. Takes over either
 * map (our own copy) or share (the client's memory shared in place). */
static bool announce_surface(struct tsr_viewer_publish *p, uint32_t width, uint32_t height,
			     uint32_t stride, uint32_t offset, int fd, uint8_t *map, size_t map_len,
			     struct tsr_viewer_share *share)
{
	struct tsr_display_surface m = { .width = width, .height = height, .stride = stride,
					 .format = TSR_DISPLAY_FORMAT_XRGB8888, .offset = offset };

	if (p->map)
		munmap(p->map, p->map_len);
	tsr_viewer_share_destroy(p->share);
	p->map = map;
	p->map_len = map_len;
	p->share = share;
	p->width = width;
	p->height = height;
	p->stride = stride;
	p->pending = false; /* the new surface is shown whole */
	return send_blocking(p, &m, sizeof(m), TSR_DISPLAY_SURFACE, fd);
}

bool tsr_viewer_publish_surface(struct tsr_viewer_publish *p, uint32_t width, uint32_t height,
				const uint8_t *src, uint32_t src_stride)
{
	uint8_t *map;
	size_t len = (size_t)width * 4 * height;
	int fd;
	bool ok;

	if (!width || !height || width > TSR_DISPLAY_MAX_SIDE || height > TSR_DISPLAY_MAX_SIDE)
		return false;
	fd = tsr_viewer_sealed_memfd("tessera-surface", len, &map);
	if (fd < 0)
		return false;
	for (uint32_t y = 0; y < height; y++)
		memcpy(map + (size_t)y * width * 4, src + (size_t)y * src_stride, (size_t)width * 4);
	ok = announce_surface(p, width, height, width * 4, 0, fd, map, len, NULL);
	close(fd);
	return ok;
}

bool tsr_viewer_publish_surface_shared(struct tsr_viewer_publish *p, uint32_t width,
				       uint32_t height, uint8_t *pixels, uint32_t stride)
{
	struct tsr_viewer_share *share;
	uint32_t offset;
	int fd;
	bool ok;

	if (!width || !height || width > TSR_DISPLAY_MAX_SIDE || height > TSR_DISPLAY_MAX_SIDE ||
	    stride < width * 4 || stride % 4 || stride > TSR_DISPLAY_MAX_STRIDE)
		return false;
	share = tsr_viewer_share_create(pixels, (size_t)stride * height, &fd, &offset);
	if (share && (offset % 4 || offset >= TSR_DISPLAY_MAX_OFFSET)) {
		tsr_viewer_share_destroy(share);
		close(fd);
		share = NULL;
	}
	if (!share)
		return tsr_viewer_publish_surface(p, width, height, pixels, stride);
	ok = announce_surface(p, width, height, stride, offset, fd, NULL, 0, share);
	close(fd);
	return ok;
}

static int send_damage_now(struct tsr_viewer_publish *p)
{
	struct tsr_display_damage m = {
		.hdr = { .type = TSR_DISPLAY_DAMAGE, .version = TSR_DISPLAY_PROTO_VERSION,
			 .length = sizeof(m) },
		.x = (uint32_t)p->px0, .y = (uint32_t)p->py0,
		.width = (uint32_t)(p->px1 - p->px0), .height = (uint32_t)(p->py1 - p->py0),
	};
	ssize_t n = send(p->link, &m, sizeof(m), MSG_DONTWAIT | MSG_NOSIGNAL);

	if (n == (ssize_t)sizeof(m)) {
		p->pending = false;
		return 1;
	}
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	return -1;
}

bool tsr_viewer_publish_flush(struct tsr_viewer_publish *p)
{
	if (!p->pending)
		return true;
	return send_damage_now(p) == 1;
}

bool tsr_viewer_publish_pending(const struct tsr_viewer_publish *p)
{
	return p->pending;
}

bool tsr_viewer_publish_damage(struct tsr_viewer_publish *p, const uint8_t *src, uint32_t src_stride,
			       int x, int y, int w, int h)
{
	int x1 = x + w, y1 = y + h;

	if (!p->map && !p->share)
		return true;
	if (x < 0)
		x = 0;
	if (y < 0)
		y = 0;
	if (x1 > (int)p->width)
		x1 = (int)p->width;
	if (y1 > (int)p->height)
		y1 = (int)p->height;
	if (x >= x1 || y >= y1)
		return true;
	if (p->share)
		/* The kiosk reads the client's own pixels; src is the surface itself. */
		tsr_viewer_share_sync(p->share, (size_t)y * p->stride + (size_t)x * 4,
				      (size_t)(y1 - 1) * p->stride + (size_t)x1 * 4);
	else if (x == 0 && x1 == (int)p->width && src_stride == p->stride)
		/* Whole rows with the same layout: one copy. */
		memcpy(p->map + (size_t)y * p->stride, src + (size_t)y * src_stride,
		       (size_t)(y1 - y) * p->stride);
	else
		for (int r = y; r < y1; r++)
			memcpy(p->map + (size_t)r * p->stride + (size_t)x * 4,
			       src + (size_t)r * src_stride + (size_t)x * 4, (size_t)(x1 - x) * 4);
	if (p->pending) {
		p->px0 = x < p->px0 ? x : p->px0;
		p->py0 = y < p->py0 ? y : p->py0;
		p->px1 = x1 > p->px1 ? x1 : p->px1;
		p->py1 = y1 > p->py1 ? y1 : p->py1;
	} else {
		p->px0 = x;
		p->py0 = y;
		p->px1 = x1;
		p->py1 = y1;
		p->pending = true;
	}
	switch (send_damage_now(p)) {
	case 1:
		return true;
	case 0:
		if (p->notify)
			p->notify(p->notify_data);
		return true;
	default:
		return false;
	}
}

void tsr_viewer_publish_set_pending_notify(struct tsr_viewer_publish *p, void (*fn)(void *data),
					   void *data)
{
	p->notify = fn;
	p->notify_data = data;
}

bool tsr_viewer_publish_cursor(struct tsr_viewer_publish *p, const uint32_t *argb, uint32_t w,
			       uint32_t h, uint32_t hot_x, uint32_t hot_y)
{
	struct tsr_display_cursor m = { .width = w, .height = h, .hot_x = hot_x, .hot_y = hot_y,
					.stride = w * 4, .format = TSR_DISPLAY_FORMAT_ARGB8888 };
	uint8_t *map;
	size_t len = (size_t)w * 4 * h;
	int fd;
	bool ok;

	if (!w || !h || w > TSR_DISPLAY_CURSOR_MAX || h > TSR_DISPLAY_CURSOR_MAX)
		return tsr_viewer_publish_cursor_hide(p);
	if (hot_x >= w)
		m.hot_x = w - 1;
	if (hot_y >= h)
		m.hot_y = h - 1;
	fd = tsr_viewer_sealed_memfd("tessera-cursor", len, &map);
	if (fd < 0)
		return false;
	memcpy(map, argb, len);
	munmap(map, len);
	ok = send_blocking(p, &m, sizeof(m), TSR_DISPLAY_CURSOR, fd);
	close(fd);
	return ok;
}

bool tsr_viewer_publish_cursor_hide(struct tsr_viewer_publish *p)
{
	struct tsr_display_cursor_hide m;

	return send_blocking(p, &m, sizeof(m), TSR_DISPLAY_CURSOR_HIDE, -1);
}

bool tsr_viewer_publish_status(struct tsr_viewer_publish *p, uint32_t status)
{
	struct tsr_display_status m = { .status = status };

	return send_blocking(p, &m, sizeof(m), TSR_DISPLAY_STATUS, -1);
}
