/* renderer/image.h: the two plain types every renderer API shares, rectangles and XRGB8888
 * images in ordinary memory, so callers need neither pixman nor FreeType headers. */
#ifndef TSR_RENDERER_IMAGE_H
#define TSR_RENDERER_IMAGE_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

/* A rectangle in pixels; empty when width or height is <= 0. */
struct tsr_rect {
	int32_t x, y;
	int32_t width, height;
};

/* An XRGB8888 image (native-endian 32-bit words, the top byte ignored). stride is in bytes,
 * a multiple of 4 and >= width * 4. */
struct tsr_image {
	uint32_t *pixels;
	int32_t width, height;
	int32_t stride;
};

/* The largest surface or output side the renderer accepts. */
#define TSR_IMAGE_MAX_SIDE 8192

/* Error domain of all renderer functions that take a GError. */
#define TSR_RENDERER_ERROR (tsr_renderer_error_quark())
GQuark tsr_renderer_error_quark(void);
enum tsr_renderer_error {
	TSR_RENDERER_ERROR_INVALID,     /* a bad argument: spec, size, colour, name ... */
	TSR_RENDERER_ERROR_UNSUPPORTED, /* valid, but not built in or not possible on this output */
	TSR_RENDERER_ERROR_BUSY,        /* a frame is still in flight */
	TSR_RENDERER_ERROR_IO,          /* a file or device failed */
};

static inline bool tsr_rect_empty(const struct tsr_rect *r)
{
	return r->width <= 0 || r->height <= 0;
}

/* Allocate a zeroed image of width x height (1..TSR_IMAGE_MAX_SIDE each); NULL + error otherwise. */
struct tsr_image *tsr_image_create(int32_t width, int32_t height, GError **error)
	__attribute__((warn_unused_result));
void tsr_image_destroy(struct tsr_image *image);

#endif
