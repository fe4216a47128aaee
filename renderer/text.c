/* renderer/text.c: FreeType glyph rasterizing, caching, measuring, ellipsizing and drawing
 * through pixman (an A8 mask per glyph, composited OVER in a solid colour). */
#include "config.h"

#include <ft2build.h>
#include FT_FREETYPE_H

#include <string.h>

#include "renderer/text.h"

struct glyph {
	pixman_image_t *mask; /* NULL for blank glyphs (space) */
	int32_t left, top, advance;
};

struct tsr_font {
	FT_Library lib;
	FT_Face face;
	GHashTable *glyphs; /* (px << 32 | codepoint) -> struct glyph */
};

static void glyph_free(gpointer p)
{
	struct glyph *g = p;
	if (g->mask != NULL)
		pixman_image_unref(g->mask);
	g_free(g);
}

struct tsr_font *tsr_font_open(const char *path, GError **error)
{
	struct tsr_font *font = g_new0(struct tsr_font, 1);
	FT_Error e = FT_Init_FreeType(&font->lib);
	if (e == 0)
		e = FT_New_Face(font->lib, path, 0, &font->face);
	if (e != 0) {
		g_set_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_IO,
			    "cannot load font %s (FreeType error %d); install fonts-dejavu-core",
			    path, e);
		if (font->lib != NULL)
			FT_Done_FreeType(font->lib);
		g_free(font);
		return NULL;
	}
	font->glyphs = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, glyph_free);
	return font;
}

void tsr_font_destroy(struct tsr_font *font)
{
	if (font == NULL)
		return;
	g_hash_table_destroy(font->glyphs);
	FT_Done_Face(font->face);
	FT_Done_FreeType(font->lib);
	g_free(font);
}

static const struct glyph *get_glyph(struct tsr_font *font, gunichar c, int32_t px)
{
	gint64 key = ((gint64)px << 32) | c;
	struct glyph *g = g_hash_table_lookup(font->glyphs, &key);
	if (g != NULL)
		return g;
	g = g_new0(struct glyph, 1);
	FT_UInt index = FT_Get_Char_Index(font->face, c);
	if (FT_Set_Pixel_Sizes(font->face, 0, (FT_UInt)px) == 0 &&
	    FT_Load_Glyph(font->face, index, FT_LOAD_DEFAULT) == 0 &&
	    FT_Render_Glyph(font->face->glyph, FT_RENDER_MODE_NORMAL) == 0) {
		FT_GlyphSlot slot = font->face->glyph;
		FT_Bitmap *bm = &slot->bitmap;
		g->left = slot->bitmap_left;
		g->top = slot->bitmap_top;
		g->advance = (int32_t)((slot->advance.x + 32) >> 6);
		if (bm->width > 0 && bm->rows > 0 && bm->pixel_mode == FT_PIXEL_MODE_GRAY) {
			g->mask = pixman_image_create_bits(PIXMAN_a8, (int)bm->width, (int)bm->rows,
							   NULL, 0);
			uint8_t *dst = (uint8_t *)pixman_image_get_data(g->mask);
			int stride = pixman_image_get_stride(g->mask);
			for (unsigned y = 0; y < bm->rows; y++)
				memcpy(dst + (size_t)y * (size_t)stride,
				       bm->buffer + (ptrdiff_t)y * bm->pitch, bm->width);
		}
	}
	gint64 *k = g_new(gint64, 1);
	*k = key;
	g_hash_table_insert(font->glyphs, k, g);
	return g;
}

int32_t tsr_text_width(struct tsr_font *font, const char *utf8, int32_t px)
{
	int32_t w = 0;
	for (const char *p = utf8; *p != '\0'; p = g_utf8_next_char(p))
		w += get_glyph(font, g_utf8_get_char(p), px)->advance;
	return w;
}

int32_t tsr_text_draw(struct tsr_font *font, pixman_image_t *dst, pixman_region32_t *clip,
		      const struct tsr_rect *box, const char *utf8, int32_t px, uint32_t rgb,
		      enum tsr_text_align align)
{
	if (box->width <= 0 || box->height <= 0 || px <= 0 || utf8 == NULL || utf8[0] == '\0')
		return 0;
	static const gunichar ellipsis = 0x2026;
	int32_t total = tsr_text_width(font, utf8, px);
	const char *end = utf8 + strlen(utf8);
	bool ellipsize = false;
	if (total > box->width) {
		/* Keep the longest prefix that leaves room for the ellipsis. */
		int32_t room = box->width - get_glyph(font, ellipsis, px)->advance;
		int32_t w = 0;
		const char *p = utf8;
		while (*p != '\0') {
			int32_t a = get_glyph(font, g_utf8_get_char(p), px)->advance;
			if (w + a > room)
				break;
			w += a;
			p = g_utf8_next_char(p);
		}
		if (room < 0)
			return 0;
		end = p;
		ellipsize = true;
		total = w + get_glyph(font, ellipsis, px)->advance;
	}

	pixman_region32_t region;
	pixman_region32_init_rect(&region, box->x, box->y, (unsigned)box->width,
				  (unsigned)box->height);
	if (clip != NULL)
		pixman_region32_intersect(&region, &region, clip);
	if (!pixman_region32_not_empty(&region)) {
		pixman_region32_fini(&region);
		return total;
	}
	pixman_image_set_clip_region32(dst, &region);
	pixman_color_t color = { (uint16_t)(((rgb >> 16) & 0xff) * 0x101),
				 (uint16_t)(((rgb >> 8) & 0xff) * 0x101),
				 (uint16_t)((rgb & 0xff) * 0x101), 0xffff };
	pixman_image_t *solid = pixman_image_create_solid_fill(&color);

	int32_t x = box->x;
	if (align == TSR_TEXT_CENTER)
		x += (box->width - total) / 2;
	else if (align == TSR_TEXT_RIGHT)
		x += box->width - total;
	/* Centre the font's ascender..descender span, not the glyphs drawn, so text does not
	 * jump as its letters change. */
	FT_Set_Pixel_Sizes(font->face, 0, (FT_UInt)px);
	int32_t ascent = (int32_t)(font->face->size->metrics.ascender >> 6);
	int32_t descent = (int32_t)(-font->face->size->metrics.descender >> 6);
	int32_t baseline = box->y + (box->height - (ascent + descent)) / 2 + ascent;

	const char *p = utf8;
	for (;;) {
		gunichar c;
		if (p < end) {
			c = g_utf8_get_char(p);
			p = g_utf8_next_char(p);
		} else if (ellipsize) {
			c = ellipsis;
			ellipsize = false;
		} else {
			break;
		}
		const struct glyph *g = get_glyph(font, c, px);
		if (g->mask != NULL)
			pixman_image_composite32(PIXMAN_OP_OVER, solid, g->mask, dst, 0, 0, 0, 0,
						 x + g->left, baseline - g->top,
						 pixman_image_get_width(g->mask),
						 pixman_image_get_height(g->mask));
		x += g->advance;
	}
	pixman_image_unref(solid);
	pixman_image_set_clip_region32(dst, NULL);
	pixman_region32_fini(&region);
	return total;
}
