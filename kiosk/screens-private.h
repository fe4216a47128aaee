/* kiosk/screens-private.h: the overlay builder the screen-*.c files share.
 *
 * One builder per draw: items and their texts are collected here and handed to the scene in
 * one tsr_scene_set_overlay call (which copies them), so a screen is replaced atomically. */
#ifndef TSR_KIOSK_SCREENS_PRIVATE_H
#define TSR_KIOSK_SCREENS_PRIVATE_H

#include "kiosk/screens.h"

/* The kiosk's own colours: none of them is a label colour (renderer/palette.h). */
#define KS_BACKGROUND 0x1d2530u
#define KS_PANEL 0x2a3441u
#define KS_FIELD 0x111820u
#define KS_FIELD_ACTIVE 0x3d8bd9u
#define KS_TEXT 0xf2f2f2u
#define KS_DIM 0x9aa5b1u
#define KS_ERROR 0xff7b72u
#define KS_SELECT 0xffffffu

struct ks_builder {
	struct tsr_scene *scene;
	const struct tsr_session *session;
	struct tsr_rect area;        /* the overlay area (under the top bar) */
	int32_t unit;                /* a size step: area height / 24, at least 8 */
	struct tsr_overlay_item items[TSR_OVERLAY_MAX_ITEMS];
	char *texts[TSR_OVERLAY_MAX_ITEMS];
	int n;
	struct tsr_kiosk_targets *targets;
};

void ks_fill(struct ks_builder *b, struct tsr_rect r, uint32_t rgb);
/* A line of text; an empty text adds nothing. */
void ks_text(struct ks_builder *b, struct tsr_rect r, uint32_t rgb, int32_t px,
	     enum tsr_align align, const char *fmt, ...) G_GNUC_PRINTF(6, 7);
/* A filled box with a ring of width w in ring_rgb around it. */
void ks_box(struct ks_builder *b, struct tsr_rect r, uint32_t rgb, int32_t w, uint32_t ring_rgb);
void ks_target(struct ks_builder *b, enum tsr_kiosk_target_kind kind, size_t index,
	       struct tsr_rect r);
/* A centred column of width w starting at y. */
struct tsr_rect ks_row(const struct ks_builder *b, int32_t y, int32_t w, int32_t h);
/* The session message line (error red, else dim) at y. */
void ks_message(struct ks_builder *b, int32_t y);

void ks_screen_locked(struct ks_builder *b);
void ks_screen_lock(struct ks_builder *b);
void ks_screen_login(struct ks_builder *b);
void ks_screen_unlock(struct ks_builder *b);
void ks_screen_picker(struct ks_builder *b);
void ks_screen_not_enrolled(struct ks_builder *b);
void ks_screen_install(struct ks_builder *b);

#endif
