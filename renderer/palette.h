/* renderer/palette.h: the fixed, named palette of domain label colours.
 *
 * Users learn what each colour means, so the set is closed: policy names one of these eight and
 * nothing else, and no domain can pick an RGB value close to another domain's colour. */
#ifndef TSR_RENDERER_PALETTE_H
#define TSR_RENDERER_PALETTE_H

#include <stdbool.h>
#include <stdint.h>

enum tsr_color {
	TSR_COLOR_RED,
	TSR_COLOR_ORANGE,
	TSR_COLOR_YELLOW,
	TSR_COLOR_GREEN,
	TSR_COLOR_BLUE,
	TSR_COLOR_PURPLE,
	TSR_COLOR_GRAY,
	TSR_COLOR_BLACK,
	TSR_COLOR_COUNT
};

/* "red", "orange", ... (lower case, exact) -> colour. false for anything else, *color untouched. */
bool tsr_color_parse(const char *name, enum tsr_color *color) __attribute__((warn_unused_result));
/* The colour's name, or NULL for a value outside the enum. */
const char *tsr_color_name(enum tsr_color color);
/* True for the eight palette values. */
bool tsr_color_valid(enum tsr_color color);
/* XRGB8888 of the label colour (0 for an invalid value). */
uint32_t tsr_color_rgb(enum tsr_color color);
/* XRGB8888 of text drawn on the label colour (black or white, whichever reads better). */
uint32_t tsr_color_text_rgb(enum tsr_color color);

#endif
