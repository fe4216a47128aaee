/* renderer/text.h: trusted text (names, clock, messages) with FreeType and DejaVu Sans.
 *
 * Text is measured and ellipsized by the renderer itself so a long or hostile domain name can
 * never push past its label. Glyphs are rasterized once per size and cached. */
#ifndef TSR_RENDERER_TEXT_H
#define TSR_RENDERER_TEXT_H

#include <pixman.h>

#include "renderer/image.h"

struct tsr_font;

enum tsr_text_align { TSR_TEXT_LEFT, TSR_TEXT_CENTER, TSR_TEXT_RIGHT };

/* Open the TrueType font at path (TSR_FONT_PATH for the trusted UI). NULL + error if it can't. */
struct tsr_font *tsr_font_open(const char *path, GError **error) __attribute__((warn_unused_result));
void tsr_font_destroy(struct tsr_font *font);

/* Width in pixels of valid UTF-8 text at pixel size px (no ellipsis). */
int32_t tsr_text_width(struct tsr_font *font, const char *utf8, int32_t px);

/* Draw utf8 in colour rgb into dst, vertically centred in box and aligned horizontally,
 * ellipsized with "…" when wider than the box, and clipped to box ∩ clip (clip NULL: box
 * only). Returns the width drawn. */
int32_t tsr_text_draw(struct tsr_font *font, pixman_image_t *dst, pixman_region32_t *clip,
		      const struct tsr_rect *box, const char *utf8, int32_t px, uint32_t rgb,
		      enum tsr_text_align align);

#endif
