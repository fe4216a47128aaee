/* tests/system/kiosk-shot-check.c: does a kiosk screenshot show the kiosk-vm guest's text?
 *
 * usage: kiosk-shot-check SHOT.png X Y W H   (the guest's content rectangle in the shot)
 * The guest (kiosk-vm-guest.sh) writes 10 lines of 40 '#' at the top left of its console and
 * nothing else: the top-left area must hold many light pixels, the bottom-right quarter none.
 * Exit 0 when both hold; prints the fractions. */
#include "config.h"
#include "renderer/png.h"

#include <stdio.h>
#include <stdlib.h>

static double light(const struct tsr_image *img, int x0, int y0, int x1, int y1)
{
	long lit = 0, all = 0;

	for (int y = y0; y < y1; y++)
		for (int x = x0; x < x1; x++) {
			uint32_t p = img->pixels[(size_t)y * (size_t)(img->stride / 4) + (size_t)x];
			unsigned lum = ((p >> 16) & 0xff) + ((p >> 8) & 0xff) + (p & 0xff);
			lit += lum > 300;
			all++;
		}
	return all ? (double)lit / (double)all : 0;
}

int main(int argc, char **argv)
{
	GError *error = NULL;
	struct tsr_image *img;
	int x, y, w, h;
	double text, blank;

	if (argc != 6) {
		fprintf(stderr, "usage: kiosk-shot-check SHOT.png X Y W H\n");
		return 2;
	}
	x = atoi(argv[2]);
	y = atoi(argv[3]);
	w = atoi(argv[4]);
	h = atoi(argv[5]);
	img = tsr_png_read(argv[1], &error);
	if (!img) {
		fprintf(stderr, "kiosk-shot-check: %s\n", error->message);
		return 2;
	}
	if (w <= 0 || h <= 0 || x < 0 || y < 0 || x + w > img->width || y + h > img->height) {
		fprintf(stderr, "kiosk-shot-check: rectangle outside the %dx%d image\n", img->width,
			img->height);
		return 2;
	}
	text = light(img, x, y, x + w / 4, y + h * 15 / 100);
	blank = light(img, x + w / 2, y + h / 2, x + w, y + h);
	printf("light pixels: text area %.3f, blank area %.4f\n", text, blank);
	tsr_image_destroy(img);
	return text > 0.05 && blank < 0.005 ? 0 : 1;
}
