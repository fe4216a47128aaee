/* renderer/drm/fb.c: the drm output's scanout buffers: XRGB8888 dumb buffers with a KMS
 * framebuffer each, mapped for writing, and bringing a buffer up to date: drawing its stale
 * region straight from the scene, or copying it from a shadow buffer. Dumb buffers are often
 * write-combined or uncached, so they are only ever written and never read back. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include <drm_fourcc.h>

#include "renderer/drm/private.h"
#include "renderer/scene.h"

bool tsr_drm_buffer_create(struct drm_output *out, struct drm_buffer *buf, uint32_t width,
			   uint32_t height, GError **error)
{
	int fd = out->card_fd;
	memset(buf, 0, sizeof *buf);
	pixman_region32_init_rect(&buf->stale, 0, 0, width, height);
	struct drm_mode_create_dumb create = { .width = width, .height = height, .bpp = 32 };
	if (drmIoctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &create) < 0) {
		g_set_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_IO,
			    "drm output: cannot create a %ux%u dumb buffer: %s", width, height,
			    g_strerror(errno));
		return false;
	}
	buf->handle = create.handle;
	buf->pitch = create.pitch;
	buf->size = create.size;
	uint32_t handles[4] = { buf->handle }, pitches[4] = { buf->pitch }, offsets[4] = { 0 };
	if (drmModeAddFB2(fd, width, height, DRM_FORMAT_XRGB8888, handles, pitches, offsets,
			  &buf->fb_id, 0) < 0) {
		g_set_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_IO,
			    "drm output: cannot make a %ux%u XRGB8888 framebuffer: %s", width, height,
			    g_strerror(errno));
		tsr_drm_buffer_destroy(out, buf);
		return false;
	}
	struct drm_mode_map_dumb map = { .handle = buf->handle };
	void *p = MAP_FAILED;
	if (drmIoctl(fd, DRM_IOCTL_MODE_MAP_DUMB, &map) == 0)
		p = mmap(NULL, buf->size, PROT_WRITE, MAP_SHARED, fd, (off_t)map.offset);
	if (p == MAP_FAILED) {
		g_set_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_IO,
			    "drm output: cannot map a dumb buffer: %s", g_strerror(errno));
		tsr_drm_buffer_destroy(out, buf);
		return false;
	}
	buf->map = p;
	return true;
}

void tsr_drm_buffer_destroy(struct drm_output *out, struct drm_buffer *buf)
{
	if (buf->map != NULL)
		munmap(buf->map, buf->size);
	if (buf->fb_id)
		drmModeRmFB(out->card_fd, buf->fb_id);
	if (buf->handle) {
		struct drm_mode_destroy_dumb d = { .handle = buf->handle };
		drmIoctl(out->card_fd, DRM_IOCTL_MODE_DESTROY_DUMB, &d);
	}
	pixman_region32_fini(&buf->stale);
	memset(buf, 0, sizeof *buf);
	pixman_region32_init(&buf->stale);
}

uint64_t tsr_drm_buffer_update(struct drm_buffer *buf, const struct tsr_image *shadow)
{
	int n = 0;
	const pixman_box32_t *boxes = pixman_region32_rectangles(&buf->stale, &n);
	uint64_t bytes = 0;
	for (int i = 0; i < n; i++) {
		const pixman_box32_t *b = &boxes[i];
		size_t len = (size_t)(b->x2 - b->x1) * 4;
		for (int32_t y = b->y1; y < b->y2; y++)
			memcpy(buf->map + (size_t)y * buf->pitch + (size_t)b->x1 * 4,
			       (const uint8_t *)shadow->pixels + (size_t)y * (size_t)shadow->stride +
				       (size_t)b->x1 * 4,
			       len);
		bytes += len * (uint64_t)(b->y2 - b->y1);
	}
	pixman_region32_clear(&buf->stale);
	return bytes;
}

uint64_t tsr_drm_buffer_render(struct drm_buffer *buf, struct tsr_scene *scene, int32_t width,
			       int32_t height)
{
	int n = 0;
	const pixman_box32_t *boxes = pixman_region32_rectangles(&buf->stale, &n);
	struct tsr_rect *rects = g_new(struct tsr_rect, n > 0 ? n : 1);
	for (int i = 0; i < n; i++)
		rects[i] = (struct tsr_rect){ boxes[i].x1, boxes[i].y1, boxes[i].x2 - boxes[i].x1,
					      boxes[i].y2 - boxes[i].y1 };
	struct tsr_image target = { (uint32_t *)buf->map, width, height, (int32_t)buf->pitch };
	uint64_t bytes = tsr_scene_render(scene, &target, rects, n);
	g_free(rects);
	pixman_region32_clear(&buf->stale);
	return bytes;
}
