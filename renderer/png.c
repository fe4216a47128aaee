/* renderer/png.c: PNG encode/decode through libpng's simplified API, which does the format
 * conversions (and error handling without setjmp in our code). */
#include "config.h"

#include <errno.h>
#include <png.h>
#include <stdlib.h>
#include <string.h>

#include "renderer/png.h"

bool tsr_png_write(const struct tsr_image *image, const char *path, GError **error)
{
	png_image png;
	memset(&png, 0, sizeof png);
	png.version = PNG_IMAGE_VERSION;
	png.width = (png_uint_32)image->width;
	png.height = (png_uint_32)image->height;
	png.format = PNG_FORMAT_RGB;
	size_t row = (size_t)image->width * 3;
	guint8 *rgb = g_malloc(row * (size_t)image->height);
	for (int32_t y = 0; y < image->height; y++) {
		const uint32_t *src = (const uint32_t *)((const guint8 *)image->pixels +
							 (size_t)y * (size_t)image->stride);
		guint8 *dst = rgb + (size_t)y * row;
		for (int32_t x = 0; x < image->width; x++) {
			dst[3 * x] = (guint8)(src[x] >> 16);
			dst[3 * x + 1] = (guint8)(src[x] >> 8);
			dst[3 * x + 2] = (guint8)src[x];
		}
	}
	int ok = png_image_write_to_file(&png, path, 0, rgb, (png_int_32)row, NULL);
	g_free(rgb);
	if (!ok) {
		g_set_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_IO,
			    "cannot write PNG %s: %s", path, png.message);
		png_image_free(&png);
		return false;
	}
	return true;
}

struct tsr_image *tsr_png_read(const char *path, GError **error)
{
	png_image png;
	memset(&png, 0, sizeof png);
	png.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_file(&png, path)) {
		g_set_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_IO,
			    "cannot read PNG %s: %s", path, png.message);
		png_image_free(&png);
		return NULL;
	}
	if (png.width < 1 || png.height < 1 || png.width > TSR_IMAGE_MAX_SIDE ||
	    png.height > TSR_IMAGE_MAX_SIDE) {
		g_set_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_INVALID,
			    "PNG %s is %ux%u; each side must be 1..%d", path, png.width,
			    png.height, TSR_IMAGE_MAX_SIDE);
		png_image_free(&png);
		return NULL;
	}
	struct tsr_image *image = tsr_image_create((int32_t)png.width, (int32_t)png.height, error);
	if (image == NULL) {
		png_image_free(&png);
		return NULL;
	}
	/* BGRA in memory is XRGB8888 as a little-endian 32-bit word; alpha lands in the ignored
	 * byte and is cleared below so comparisons see only colour. */
	png.format = PNG_FORMAT_BGRA;
	if (!png_image_finish_read(&png, NULL, image->pixels, image->stride, NULL)) {
		g_set_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_IO,
			    "cannot decode PNG %s: %s", path, png.message);
		png_image_free(&png);
		tsr_image_destroy(image);
		return NULL;
	}
	size_t n = (size_t)image->width * (size_t)image->height;
	for (size_t i = 0; i < n; i++)
		image->pixels[i] &= 0x00ffffff;
	return image;
}
