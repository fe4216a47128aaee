/* tests/harness/image-compare.c: reference-image comparison with a per-channel tolerance, and
 * the artefacts a failing comparison leaves behind for a human to look at. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "renderer/png.h"
#include "tests/harness/image-compare.h"

static uint32_t px_at(const struct tsr_image *im, int32_t x, int32_t y)
{
	return ((const uint32_t *)((const uint8_t *)im->pixels + (size_t)y * (size_t)im->stride))[x];
}

static int channel_diff(uint32_t a, uint32_t b)
{
	int m = 0;
	for (int s = 0; s < 24; s += 8) {
		int d = abs((int)((a >> s) & 0xff) - (int)((b >> s) & 0xff));
		m = MAX(m, d);
	}
	return m;
}

bool tsr_image_compare(const struct tsr_image *got, const struct tsr_image *want, int tolerance,
		       struct tsr_image_diff *diff)
{
	struct tsr_image_diff d = { 0, 0, -1, -1 };
	if (got->width != want->width || got->height != want->height) {
		d.pixels_over = -1;
		if (diff)
			*diff = d;
		return false;
	}
	for (int32_t y = 0; y < got->height; y++) {
		for (int32_t x = 0; x < got->width; x++) {
			int c = channel_diff(px_at(got, x, y), px_at(want, x, y));
			d.max_channel_diff = MAX(d.max_channel_diff, c);
			if (c > tolerance) {
				if (d.pixels_over == 0) {
					d.first_x = x;
					d.first_y = y;
				}
				d.pixels_over++;
			}
		}
	}
	if (diff)
		*diff = d;
	return d.pixels_over == 0;
}

struct tsr_image *tsr_image_diff_picture(const struct tsr_image *got, const struct tsr_image *want,
					 int tolerance)
{
	struct tsr_image *out = tsr_image_create(want->width, want->height, NULL);
	if (out == NULL)
		return NULL;
	for (int32_t y = 0; y < want->height; y++) {
		for (int32_t x = 0; x < want->width; x++) {
			uint32_t w = px_at(want, x, y);
			uint32_t v = (w >> 2) & 0x3f3f3f;
			if (x < got->width && y < got->height &&
			    channel_diff(px_at(got, x, y), w) > tolerance)
				v = 0xff0000;
			out->pixels[(size_t)y * (size_t)want->width + (size_t)x] = v;
		}
	}
	return out;
}

bool tsr_reference_regenerating(void)
{
	/* TSR_UPDATE_REFERENCE is the system tests' name for the same thing. */
	const char *v = g_getenv("TSR_REGENERATE_REFERENCES");
	const char *u = g_getenv("TSR_UPDATE_REFERENCE");
	return (v != NULL && strcmp(v, "1") == 0) || (u != NULL && strcmp(u, "1") == 0);
}

void tsr_reference_parse_args(int *argc, char **argv)
{
	int j = 1;
	for (int i = 1; i < *argc; i++) {
		if (strcmp(argv[i], "--regenerate") == 0)
			g_setenv("TSR_REGENERATE_REFERENCES", "1", TRUE);
		else
			argv[j++] = argv[i];
	}
	*argc = j;
	argv[j] = NULL;
}

static char *reference_path(const char *name)
{
	const char *src = g_getenv("TSR_SRCDIR");
	g_autofree char *file = g_strconcat(name, ".png", NULL);
	return g_build_filename(src ? src : TSR_SRCDIR, "tests", "reference", file, NULL);
}

bool tsr_reference_check(const struct tsr_image *shot, const char *name, int tolerance,
			 char **message)
{
	g_autofree char *ref = reference_path(name);
	GError *error = NULL;
	if (tsr_reference_regenerating()) {
		if (!tsr_png_write(shot, ref, &error)) {
			*message = g_strdup(error->message);
			g_error_free(error);
			return false;
		}
		return true;
	}
	struct tsr_image *want = tsr_png_read(ref, &error);
	struct tsr_image_diff d = { 0 };
	bool ok = want != NULL && tsr_image_compare(shot, want, tolerance, &d);
	if (ok) {
		tsr_image_destroy(want);
		return true;
	}
	/* Next to the log: the directory the test program was built in. */
	const char *dir = g_test_get_dir(G_TEST_BUILT);
	g_autofree char *shot_name = g_strconcat(name, ".shot.png", NULL);
	g_autofree char *diff_name = g_strconcat(name, ".diff.png", NULL);
	g_autofree char *shot_path = g_build_filename(dir, shot_name, NULL);
	g_autofree char *diff_path = g_build_filename(dir, diff_name, NULL);
	GError *werr = NULL;
	if (!tsr_png_write(shot, shot_path, &werr))
		g_clear_error(&werr);
	if (want == NULL) {
		*message = g_strdup_printf("%s (shot written to %s; run with --regenerate to create "
					   "the reference)", error->message, shot_path);
		g_error_free(error);
		return false;
	}
	if (d.pixels_over < 0) {
		*message = g_strdup_printf("%s: size %dx%d, reference %dx%d; shot in %s", name,
					   shot->width, shot->height, want->width, want->height,
					   shot_path);
	} else {
		struct tsr_image *diff = tsr_image_diff_picture(shot, want, tolerance);
		if (diff != NULL && !tsr_png_write(diff, diff_path, &werr))
			g_clear_error(&werr);
		tsr_image_destroy(diff);
		*message = g_strdup_printf("%s: %" G_GINT64_FORMAT " pixels differ by more than %d "
					   "(max %d, first at %d,%d); shot %s, diff %s", name,
					   d.pixels_over, tolerance, d.max_channel_diff, d.first_x,
					   d.first_y, shot_path, diff_path);
	}
	tsr_image_destroy(want);
	return false;
}
