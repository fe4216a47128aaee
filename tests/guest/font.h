/* tests/guest/font.h: the 1-bit glyph table tessera-guest-hello draws with (generated
 * at build time by mkfont) and the one routine that draws a string, shared by the guest program
 * and the test that checks the guest's screen. */
#ifndef TSR_TESTS_GUEST_FONT_H
#define TSR_TESTS_GUEST_FONT_H

#include <stdint.h>

#define TSR_GLYPH_W 12
#define TSR_GLYPH_H 24

/* Glyphs for ASCII 32..126; bit 15 of a row is the leftmost pixel. */
extern const uint16_t tsr_guest_font[95][TSR_GLYPH_H];

/* Draw text into a 32-bit XRGB buffer at (x, y), each font pixel scale×scale, clipped. */
static inline void tsr_guest_draw_text(uint32_t *pixels, int width, int height, int stride_px,
				       int x, int y, int scale, const char *text, uint32_t fg,
				       uint32_t bg)
{
	for (; *text; text++, x += TSR_GLYPH_W * scale) {
		unsigned c = (unsigned char)*text;
		const uint16_t *g = tsr_guest_font[(c >= 32 && c < 127 ? c : '?') - 32];
		for (int gy = 0; gy < TSR_GLYPH_H * scale; gy++) {
			int py = y + gy;
			if (py < 0 || py >= height)
				continue;
			for (int gx = 0; gx < TSR_GLYPH_W * scale; gx++) {
				int px = x + gx;
				if (px < 0 || px >= width)
					continue;
				int on = g[gy / scale] & (1u << (15 - gx / scale));
				pixels[py * stride_px + px] = on ? fg : bg;
			}
		}
	}
}

#endif
