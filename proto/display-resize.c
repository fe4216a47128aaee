/* proto/display-resize.c: the limits of what the kiosk may ask a guest's mode to be, checked
 * by the viewer and used by the kiosk to fit its frames (see .h). */
#include "config.h"
#include "proto/display-resize.h"

#include <string.h>

G_DEFINE_QUARK(tsr-display-resize-error-quark, tsr_display_resize_error)

bool tsr_display_resize_valid(uint32_t width, uint32_t height)
{
	return width >= TSR_DISPLAY_RESIZE_MIN_WIDTH && height >= TSR_DISPLAY_RESIZE_MIN_HEIGHT &&
	       width <= TSR_DISPLAY_MAX_SIDE && height <= TSR_DISPLAY_MAX_SIDE &&
	       width % TSR_DISPLAY_RESIZE_WIDTH_ALIGN == 0 &&
	       (uint64_t)width * height <= TSR_DISPLAY_RESIZE_MAX_PIXELS;
}

bool tsr_display_resize_parse(const void *buf, size_t len, uint32_t *width, uint32_t *height,
			      GError **error)
{
	struct tsr_display_resize m;

	if (len != sizeof(m)) {
		g_set_error(error, TSR_DISPLAY_RESIZE_ERROR, TSR_DISPLAY_RESIZE_ERROR_SIZE,
			    "resize message of %zu bytes, not %zu", len, sizeof(m));
		return false;
	}
	memcpy(&m, buf, sizeof(m));
	if (!tsr_display_resize_valid(m.width, m.height)) {
		g_set_error(error, TSR_DISPLAY_RESIZE_ERROR, TSR_DISPLAY_RESIZE_ERROR_RANGE,
			    "resize to %ux%u refused: width %u..%u (a multiple of %u), height "
			    "%u..%u, at most %u pixels",
			    m.width, m.height, TSR_DISPLAY_RESIZE_MIN_WIDTH, TSR_DISPLAY_MAX_SIDE,
			    TSR_DISPLAY_RESIZE_WIDTH_ALIGN, TSR_DISPLAY_RESIZE_MIN_HEIGHT,
			    TSR_DISPLAY_MAX_SIDE, TSR_DISPLAY_RESIZE_MAX_PIXELS);
		return false;
	}
	*width = m.width;
	*height = m.height;
	return true;
}

static uint64_t isqrt(uint64_t n)
{
	uint64_t x = n, y = (x + 1) / 2;

	while (y < x) {
		x = y;
		y = (x + n / x) / 2;
	}
	return x;
}

bool tsr_display_resize_fit(int32_t frame_w, int32_t frame_h, uint32_t *width, uint32_t *height)
{
	uint64_t w, h;

	if (frame_w <= 0 || frame_h <= 0)
		return false;
	w = MIN((uint64_t)frame_w, TSR_DISPLAY_MAX_SIDE);
	h = MIN((uint64_t)frame_h, TSR_DISPLAY_MAX_SIDE);
	if (w * h > TSR_DISPLAY_RESIZE_MAX_PIXELS) {
		/* The widest w' whose h' = h * w' / w keeps w' * h' within the limit. */
		uint64_t nw = isqrt((uint64_t)TSR_DISPLAY_RESIZE_MAX_PIXELS * w / h);
		h = h * nw / w;
		w = nw;
	}
	w -= w % TSR_DISPLAY_RESIZE_WIDTH_ALIGN;
	/* Rounding may leave the area a pixel row over: take rows off until it fits. */
	while (h > 0 && w * h > TSR_DISPLAY_RESIZE_MAX_PIXELS)
		h--;
	if (!tsr_display_resize_valid((uint32_t)w, (uint32_t)h))
		return false;
	*width = (uint32_t)w;
	*height = (uint32_t)h;
	return true;
}
