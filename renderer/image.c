/* renderer/image.c: allocation of plain XRGB8888 images and the renderer's error domain. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "renderer/image.h"

G_DEFINE_QUARK(tsr-renderer-error-quark, tsr_renderer_error)

struct tsr_image *tsr_image_create(int32_t width, int32_t height, GError **error)
{
	if (width < 1 || height < 1 || width > TSR_IMAGE_MAX_SIDE || height > TSR_IMAGE_MAX_SIDE) {
		g_set_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_INVALID,
			    "image size %" G_GINT32_FORMAT "x%" G_GINT32_FORMAT
			    " is out of range: each side must be 1..%d", width, height,
			    TSR_IMAGE_MAX_SIDE);
		return NULL;
	}
	struct tsr_image *image = g_new0(struct tsr_image, 1);
	image->width = width;
	image->height = height;
	image->stride = width * 4;
	/* 64-byte alignment lets pixman's SIMD paths use aligned loads on whole rows. */
	size_t bytes = (size_t)image->stride * (size_t)height;
	void *mem = NULL;
	if (posix_memalign(&mem, 64, bytes) != 0) {
		g_free(image);
		g_set_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_IO,
			    "out of memory for a %dx%d image", width, height);
		return NULL;
	}
	memset(mem, 0, bytes);
	image->pixels = mem;
	return image;
}

void tsr_image_destroy(struct tsr_image *image)
{
	if (image == NULL)
		return;
	free(image->pixels);
	g_free(image);
}
