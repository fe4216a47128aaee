/* tests/system/guest-screen-check.c: does the kiosk show a domain's own screen, and where?
 *
 * The guest's reference is its own: tsr-screen (tests/guest/debian/) reads the root window
 * from the X server and reports the mean colour of each cell of a grid. So the comparison does
 * not trust Tessera's viewer, nor need a QMP connection beside the broker's.
 *
 *   guest-screen-check point SHOT_W SHOT_H GUEST_W GUEST_H GX GY
 *       prints "X Y": the desktop pixel of the kiosk's single layout that shows guest pixel
 *       GX,GY (renderer/layout.c's geometry, so the test and the kiosk never disagree)
 *   guest-screen-check compare SHOT.png "screen WxH COLSxROWS RRGGBB..."
 *       the guest's screen sits in the single layout's content rectangle of SHOT.png: the mean
 *       colours of the same grid over it must be those the guest reported (mean difference
 *       under 2 of 255, at most one cell in 200 off by more than OFF_BY), and the guest's
 *       grid must not be flat (one colour would match a blank frame). Prints the
 *       differences; exit 0 when it matches, 1 when not.
 * Exit 2 for bad arguments. */
#include "config.h"
#include "renderer/layout.h"
#include "renderer/png.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CELLS 4096
/* A cell is off when a channel's mean differs by more than this: a line of text in a cell
 * moves it by about 50, scaling's uneven rows and columns by less. */
#define OFF_BY 24

static struct tsr_rect content(int32_t shot_w, int32_t shot_h, int32_t guest_w, int32_t guest_h)
{
	struct tsr_desktop_geometry g;
	tsr_layout_compute(TSR_LAYOUT_SINGLE, shot_w, shot_h, 1, &g);
	return tsr_layout_fit(&g.tiles[0].inner, guest_w, guest_h);
}

static int point(char **a)
{
	int32_t v[6];
	for (int i = 0; i < 6; i++)
		v[i] = (int32_t)atoi(a[i]);
	if (v[0] <= 0 || v[1] <= 0 || v[2] <= 0 || v[3] <= 0 || v[4] < 0 || v[5] < 0 ||
	    v[4] >= v[2] || v[5] >= v[3])
		return 2;
	struct tsr_rect r = content(v[0], v[1], v[2], v[3]);
	/* The middle of the desktop pixels that show guest pixel GX,GY. */
	int64_t x = r.x + ((int64_t)v[4] * r.width * 2 + r.width) / (2 * (int64_t)v[2]);
	int64_t y = r.y + ((int64_t)v[5] * r.height * 2 + r.height) / (2 * (int64_t)v[3]);
	printf("%lld %lld\n", (long long)x, (long long)y);
	return 0;
}

/* The mean of channel shift (16 red, 8 green, 0 blue) over the cell's pixels. */
static int cell_mean(const struct tsr_image *img, struct tsr_rect c, int shift)
{
	int64_t sum = 0, n = 0;
	for (int32_t y = c.y; y < c.y + c.height; y++)
		for (int32_t x = c.x; x < c.x + c.width; x++) {
			uint32_t p = img->pixels[(size_t)y * (size_t)(img->stride / 4) + (size_t)x];
			sum += (p >> shift) & 0xff;
			n++;
		}
	return n ? (int)(sum / n) : 0;
}

static int compare(const char *shot_path, const char *report)
{
	int gw, gh, cols, rows, used = 0;
	if (sscanf(report, "screen %dx%d %dx%d %n", &gw, &gh, &cols, &rows, &used) != 4 ||
	    used == 0 || gw <= 0 || gh <= 0 || cols <= 0 || rows <= 0 || cols * rows > MAX_CELLS ||
	    strlen(report + used) < (size_t)(cols * rows * 6)) {
		fprintf(stderr, "guest-screen-check: not a screen report: %.60s\n", report);
		return 2;
	}
	GError *error = NULL;
	struct tsr_image *img = tsr_png_read(shot_path, &error);
	if (!img) {
		fprintf(stderr, "guest-screen-check: %s\n", error->message);
		g_error_free(error);
		return 2;
	}
	struct tsr_rect r = content(img->width, img->height, gw, gh);
	const char *hex = report + used;
	int64_t total = 0;
	int worst = 0, off = 0, lo = 255 * 3, hi = 0;
	for (int row = 0; row < rows; row++)
		for (int col = 0; col < cols; col++, hex += 6) {
			/* The same cell as tsr-screen's, in guest pixels, then scaled to the shot. */
			int64_t x0 = (int64_t)col * gw / cols, x1 = (int64_t)(col + 1) * gw / cols;
			int64_t y0 = (int64_t)row * gh / rows, y1 = (int64_t)(row + 1) * gh / rows;
			struct tsr_rect c = { r.x + (int32_t)(x0 * r.width / gw),
					      r.y + (int32_t)(y0 * r.height / gh),
					      (int32_t)((x1 - x0) * r.width / gw),
					      (int32_t)((y1 - y0) * r.height / gh) };
			unsigned want = (unsigned)strtoul((char[7]){ hex[0], hex[1], hex[2], hex[3],
								     hex[4], hex[5], 0 }, NULL, 16);
			int lum = 0, cell_worst = 0;
			for (int shift = 0; shift <= 16; shift += 8) {
				int d = abs(cell_mean(img, c, shift) - (int)((want >> shift) & 0xff));
				total += d;
				cell_worst = d > cell_worst ? d : cell_worst;
				lum += (int)((want >> shift) & 0xff);
			}
			worst = cell_worst > worst ? cell_worst : worst;
			off += cell_worst > OFF_BY;
			lo = lum < lo ? lum : lo;
			hi = lum > hi ? lum : hi;
		}
	double mean = (double)total / (3.0 * cols * rows);
	printf("guest %dx%d shown at %d,%d %dx%d: mean difference %.2f, worst cell %d, %d of %d "
	       "cells off by more than %d, guest's contrast %d\n", gw, gh, r.x, r.y, r.width,
	       r.height, mean, worst, off, cols * rows, OFF_BY, hi - lo);
	tsr_image_destroy(img);
	return mean < 2 && off * 200 <= cols * rows && hi - lo > 150 ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc == 8 && strcmp(argv[1], "point") == 0)
		return point(argv + 2);
	if (argc == 4 && strcmp(argv[1], "compare") == 0)
		return compare(argv[2], argv[3]);
	fprintf(stderr, "usage: guest-screen-check point SHOT_W SHOT_H GUEST_W GUEST_H GX GY\n"
			"       guest-screen-check compare SHOT.png 'screen WxH COLSxROWS RRGGBB...'\n");
	return 2;
}
