/* renderer/png.h: XRGB8888 images to and from PNG files (libpng), for headless screenshots and
 * the reference-image tests. */
#ifndef TSR_RENDERER_PNG_H
#define TSR_RENDERER_PNG_H

#include "renderer/image.h"

/* Write image as an 8-bit RGB PNG; false + error naming the path on failure. */
bool tsr_png_write(const struct tsr_image *image, const char *path, GError **error)
	__attribute__((warn_unused_result));
/* Read any PNG libpng understands (palette, gray, 16-bit and alpha are converted; alpha is
 * dropped) into a new image; NULL + error on failure or a side above TSR_IMAGE_MAX_SIDE. */
struct tsr_image *tsr_png_read(const char *path, GError **error)
	__attribute__((warn_unused_result));

#endif
