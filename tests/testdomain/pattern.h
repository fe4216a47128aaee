/* tests/testdomain/pattern.h: what tessera-testdomain draws.
 *
 * Patterns are pure functions of their inputs (size, frame number, seed, typed text) so tests
 * can compute the expected pixels themselves:
 *   bars     eight vertical colour bars (tsr_td_bar_color), static;
 *   counter  a frame-dependent fill plus the frame code (frame-code.h), every frame;
 *   noise    pseudo-random pixels, every frame (worst case for any encoder);
 *   echo     the characters of received keys, in a 5x7 font scaled 4x, on dark blue. */
#ifndef TSR_TESTS_TESTDOMAIN_PATTERN_H
#define TSR_TESTS_TESTDOMAIN_PATTERN_H

#include <stddef.h>
#include <stdint.h>

struct tsr_td_canvas {
	uint32_t *px; /* XRGB8888 */
	int w, h;
	size_t stride; /* bytes */
};

#define TSR_TD_BARS 8
/* Colour of bar i (0..7): white, yellow, cyan, green, magenta, red, blue, black. */
uint32_t tsr_td_bar_color(int i);
/* Bar i covers x in [i*w/8, (i+1)*w/8). */
void tsr_td_draw_bars(struct tsr_td_canvas *c);

/* Fill (x, y, w, h) with the counter background of frame and paint the code into it. */
void tsr_td_draw_counter(struct tsr_td_canvas *c, int x, int y, int w, int h, uint32_t frame,
			 uint64_t sent_us);
void tsr_td_draw_noise(struct tsr_td_canvas *c, int x, int y, int w, int h, uint32_t *seed);

#define TSR_TD_ECHO_BG 0x00102040u
#define TSR_TD_ECHO_FG 0x00ffff80u
#define TSR_TD_GLYPH_SCALE 4
#define TSR_TD_CELL_W (6 * TSR_TD_GLYPH_SCALE)
#define TSR_TD_CELL_H (9 * TSR_TD_GLYPH_SCALE)
/* The character a set-1 scancode types on a US layout (a-z as upper case, 0-9, space), or 0. */
char tsr_td_scancode_char(uint32_t scancode);
/* Draw ch (A-Z, 0-9, space; anything else as '?') into the cell at column col, row row. */
void tsr_td_draw_glyph(struct tsr_td_canvas *c, int col, int row, char ch);
void tsr_td_fill(struct tsr_td_canvas *c, int x, int y, int w, int h, uint32_t color);

/* The --cursor shape: TSR_TD_CURSOR_SIZE square, ARGB8888 straight alpha. Left half opaque
 * red, right half fully transparent, except row 0 which is opaque blue. */
#define TSR_TD_CURSOR_SIZE 16
uint32_t tsr_td_cursor_pixel(int x, int y);

#endif
