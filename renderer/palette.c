/* renderer/palette.c: the eight label colours and the text colour that reads on each. The RGB
 * values are fixed here and nowhere else, so every screen shows a domain in the same colour. */
#include "config.h"

#include <string.h>

#include "renderer/palette.h"

static const struct {
	const char *name;
	uint32_t rgb;
	uint32_t text;
} palette[TSR_COLOR_COUNT] = {
	[TSR_COLOR_RED] = { "red", 0xd32f2f, 0xffffff },
	[TSR_COLOR_ORANGE] = { "orange", 0xf57c00, 0x000000 },
	[TSR_COLOR_YELLOW] = { "yellow", 0xfbc02d, 0x000000 },
	[TSR_COLOR_GREEN] = { "green", 0x2e7d32, 0xffffff },
	[TSR_COLOR_BLUE] = { "blue", 0x1565c0, 0xffffff },
	[TSR_COLOR_PURPLE] = { "purple", 0x7b1fa2, 0xffffff },
	[TSR_COLOR_GRAY] = { "gray", 0x9e9e9e, 0x000000 },
	[TSR_COLOR_BLACK] = { "black", 0x000000, 0xffffff },
};

bool tsr_color_valid(enum tsr_color color)
{
	return (unsigned)color < TSR_COLOR_COUNT;
}

bool tsr_color_parse(const char *name, enum tsr_color *color)
{
	if (name == NULL)
		return false;
	for (unsigned i = 0; i < TSR_COLOR_COUNT; i++) {
		if (strcmp(name, palette[i].name) == 0) {
			*color = (enum tsr_color)i;
			return true;
		}
	}
	return false;
}

const char *tsr_color_name(enum tsr_color color)
{
	return tsr_color_valid(color) ? palette[color].name : NULL;
}

uint32_t tsr_color_rgb(enum tsr_color color)
{
	return tsr_color_valid(color) ? palette[color].rgb : 0;
}

uint32_t tsr_color_text_rgb(enum tsr_color color)
{
	return tsr_color_valid(color) ? palette[color].text : 0xffffff;
}
