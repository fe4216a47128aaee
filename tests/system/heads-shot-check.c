/* tests/system/heads-shot-check.c: does a screendump of one head show a test domain's pixels?
 *
 * usage: heads-shot-check SHOT.png bars|none [COLOUR]
 *        heads-shot-check SHOT.png centred SMALLER.png
 * A sim domain's tessera-testdomain draws a band of eight colour bars along its bottom
 * (tests/testdomain/pattern.h); the kiosk scales it into the domain's frame. "bars" holds when
 * some row of the shot has at least six of the bar colours each covering 2% of its width (a
 * domain is shown on this head), "none" when no row has more than one of the six saturated
 * ones (yellow .. blue) that wide (the trusted screens and an empty desktop have none). Prints
 * the best row. With COLOUR (a label colour: red, green, ...), the top bar's left end must be
 * that colour too: the name label of the domain shown there, whose domain it is. "centred"
 * holds when SHOT shows SMALLER's picture in its middle, each channel within 8, and black
 * around it: a mirrored desktop (policy [outputs] mode = mirror) on the larger head. Exit 0
 * when all of it holds. */
#include "config.h"
#include "renderer/palette.h"
#include "renderer/png.h"
#include "tests/testdomain/pattern.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool near(uint32_t a, uint32_t b)
{
	for (int s = 0; s < 24; s += 8)
		if (abs((int)((a >> s) & 0xff) - (int)((b >> s) & 0xff)) > 16)
			return false;
	return true;
}

/* How many bar colours cover 2% of row y (and how many of them are saturated ones). */
static int wide_in_row(const struct tsr_image *img, int y, int *saturated)
{
	const uint32_t *row = img->pixels + (size_t)y * (size_t)(img->stride / 4);
	int count[TSR_TD_BARS] = { 0 }, wide = 0;

	for (int x = 0; x < img->width; x++)
		for (int i = 0; i < TSR_TD_BARS; i++)
			count[i] += near(row[x] & 0xffffff, tsr_td_bar_color(i));
	*saturated = 0;
	for (int i = 0; i < TSR_TD_BARS; i++) {
		bool big = count[i] * 50 >= img->width;

		wide += big;
		*saturated += big && i >= 1 && i <= 6;
	}
	return wide;
}

static struct tsr_image *read_png(const char *path)
{
	GError *error = NULL;
	struct tsr_image *img = tsr_png_read(path, &error);

	if (!img) {
		fprintf(stderr, "heads-shot-check: %s\n", error->message);
		exit(2);
	}
	return img;
}

static uint32_t px(const struct tsr_image *img, int x, int y)
{
	return img->pixels[(size_t)y * (size_t)(img->stride / 4) + (size_t)x] & 0xffffff;
}

/* big shows small in its middle, black around it. */
static int centred(const char *big_path, const char *small_path)
{
	struct tsr_image *big = read_png(big_path), *small = read_png(small_path);
	int ox = (big->width - small->width) / 2, oy = (big->height - small->height) / 2;
	long differ = 0, lit = 0;

	for (int y = 0; ox >= 0 && oy >= 0 && y < big->height; y++)
		for (int x = 0; x < big->width; x++) {
			bool in = x >= ox && x < ox + small->width && y >= oy &&
				  y < oy + small->height;
			uint32_t want = in ? px(small, x - ox, y - oy) : 0;

			differ += !near(px(big, x, y), want);
			lit += want != 0;
		}
	printf("%dx%d shows %dx%d at (%d, %d): %ld pixels differ, %ld lit\n", big->width,
	       big->height, small->width, small->height, ox, oy, differ, lit);
	tsr_image_destroy(big);
	tsr_image_destroy(small);
	return ox >= 0 && oy >= 0 && differ == 0 && lit > 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	struct tsr_image *img;
	int best = 0, best_saturated = 0, best_y = -1;
	enum tsr_color label = TSR_COLOR_GRAY;
	bool label_ok = true;

	if (argc == 4 && strcmp(argv[2], "centred") == 0)
		return centred(argv[1], argv[3]);
	if (argc < 3 || argc > 4 || (strcmp(argv[2], "bars") != 0 && strcmp(argv[2], "none") != 0) ||
	    (argc == 4 && !tsr_color_parse(argv[3], &label))) {
		fprintf(stderr, "usage: heads-shot-check SHOT.png bars|none [COLOUR]\n"
				"       heads-shot-check SHOT.png centred SMALLER.png\n");
		return 2;
	}
	img = read_png(argv[1]);
	for (int y = 0; y < img->height; y++) {
		int saturated, wide = wide_in_row(img, y, &saturated);

		if (saturated > best_saturated || (saturated == best_saturated && wide > best)) {
			best = wide;
			best_saturated = saturated;
			best_y = y;
		}
	}
	printf("%dx%d: the row with most bar colours is %d: %d of 8 (%d saturated)\n", img->width,
	       img->height, best_y, best, best_saturated);
	if (argc == 4) {
		uint32_t corner = px(img, 2, 2);

		label_ok = near(corner, tsr_color_rgb(label));
		printf("top bar's left end %06x, %s is %06x\n", corner, argv[3],
		       tsr_color_rgb(label));
	}
	tsr_image_destroy(img);
	if (!label_ok)
		return 1;
	return strcmp(argv[2], "bars") == 0 ? !(best >= 6) : !(best_saturated <= 1);
}
