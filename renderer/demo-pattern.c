/* renderer/demo-pattern.c: the built-in test images. Each pixel is a pure function of its
 * position and the image size, so any sub-rectangle can be redrawn exactly (the demo animates
 * by restoring what a moving box uncovered). */
#include "config.h"

#include "renderer/demo-pattern.h"

static uint32_t rgb(uint32_t r, uint32_t g, uint32_t b)
{
	return (r & 0xff) << 16 | (g & 0xff) << 8 | (b & 0xff);
}

uint32_t tsr_pattern_pixel(enum tsr_pattern pattern, int32_t x, int32_t y, int32_t w, int32_t h)
{
	static const uint32_t bars[] = { 0xc0c0c0, 0xc0c000, 0x00c0c0, 0x00c000,
					 0xc000c0, 0xc00000, 0x0000c0 };
	switch (pattern) {
	case TSR_PATTERN_BARS:
		if (x == 0 || y == 0 || x == w - 1 || y == h - 1)
			return 0xffffff;
		if ((int64_t)y * 4 < (int64_t)h * 3)
			return bars[(int64_t)x * 7 / w];
		{
			uint32_t v = (uint32_t)((int64_t)x * 255 / (w > 1 ? w - 1 : 1));
			return rgb(v, v, v);
		}
	case TSR_PATTERN_CHECKER: {
		bool dark = ((x / 16) + (y / 16)) % 2;
		uint32_t r = (uint32_t)((int64_t)x * 255 / w), b = (uint32_t)((int64_t)y * 255 / h);
		return dark ? rgb(r / 3, 40, b / 3) : rgb(r, 220, b);
	}
	case TSR_PATTERN_GRADIENT:
		return rgb((uint32_t)((int64_t)x * 255 / (w > 1 ? w - 1 : 1)),
			   (uint32_t)((int64_t)y * 255 / (h > 1 ? h - 1 : 1)), 96);
	case TSR_PATTERN_GRID:
		if (x % 10 == 0 || y % 10 == 0)
			return 0x202020;
		if ((int64_t)x * h / w == y || (int64_t)(w - 1 - x) * h / w == y)
			return 0xe00000;
		return 0xf0f0e0;
	default:
		return 0;
	}
}

void tsr_pattern_fill(const struct tsr_image *image, enum tsr_pattern pattern,
		      const struct tsr_rect *rect)
{
	int32_t x1 = MAX(rect->x, 0), y1 = MAX(rect->y, 0);
	int32_t x2 = (int32_t)MIN((int64_t)rect->x + rect->width, image->width);
	int32_t y2 = (int32_t)MIN((int64_t)rect->y + rect->height, image->height);
	for (int32_t y = y1; y < y2; y++) {
		uint32_t *row = (uint32_t *)((uint8_t *)image->pixels + (size_t)y * (size_t)image->stride);
		for (int32_t x = x1; x < x2; x++)
			row[x] = tsr_pattern_pixel(pattern, x, y, image->width, image->height);
	}
}
