/* renderer/demo-pattern.h: deterministic built-in test images, so the renderer can be seen,
 * tested against reference images and benchmarked before any domain exists. */
#ifndef TSR_RENDERER_DEMO_PATTERN_H
#define TSR_RENDERER_DEMO_PATTERN_H

#include <stdint.h>

#include "renderer/image.h"

enum tsr_pattern {
	TSR_PATTERN_BARS,     /* colour bars over a grey ramp, white 1-pixel frame */
	TSR_PATTERN_CHECKER,  /* 16-pixel checkerboard tinted by position */
	TSR_PATTERN_GRADIENT, /* red across, green down */
	TSR_PATTERN_GRID,     /* grid lines every 10 pixels and both diagonals */
	TSR_PATTERN_COUNT
};

/* One pixel of a w x h pattern at (x, y), XRGB8888. */
uint32_t tsr_pattern_pixel(enum tsr_pattern pattern, int32_t x, int32_t y, int32_t w, int32_t h);

/* Fill rect (clipped to the image) of image with the pattern for an image of its size. */
void tsr_pattern_fill(const struct tsr_image *image, enum tsr_pattern pattern,
		      const struct tsr_rect *rect);

#endif
