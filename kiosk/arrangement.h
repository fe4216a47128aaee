/* kiosk/arrangement.h: where the kiosk's outputs sit on one desktop, and where the pointer is.
 *
 * With several monitors the pointer must cross from one to the next where the user expects,
 * and every output must get the same answer for "which output is this point on", or input
 * would land on another output than the pixels under the pointer. The arrangement is one row,
 * tops aligned: the connectors policy names (`[outputs] order`, by connector name) from left
 * to right in that order, then every other connected one in the order the card lists them.
 * Disconnected connectors (0x0) take no room; at most TSR_ARRANGEMENT_MAX are placed, and a
 * connector beyond them stays dark. Pure geometry on values the caller passes, so unit tests
 * drive hotplug by hand. */
#ifndef TSR_KIOSK_ARRANGEMENT_H
#define TSR_KIOSK_ARRANGEMENT_H

#include <stdbool.h>
#include <stdint.h>

#include "renderer/image.h"

#define TSR_ARRANGEMENT_MAX 4
/* A DRM connector's name ("eDP-1", "HDMI-A-2", "Virtual-1") with its NUL. */
#define TSR_CONNECTOR_NAME_SIZE 32

/* One connector as the card reports it. */
struct tsr_connector_state {
	char name[TSR_CONNECTOR_NAME_SIZE];
	int32_t width, height; /* the mode in use; 0x0: nothing connected */
};

struct tsr_arrangement {
	int n; /* placed outputs, 0..TSR_ARRANGEMENT_MAX */
	struct {
		char name[TSR_CONNECTOR_NAME_SIZE];
		struct tsr_rect rect; /* in desktop coordinates; rect.x grows left to right */
	} out[TSR_ARRANGEMENT_MAX];
};

/* Arrange n connectors. order: the connector names policy lists from left to right (NULL or
 * NULL-terminated; names not connected are skipped, so a docking station's outputs may be
 * listed whether or not they are there). */
void tsr_arrangement_compute(const struct tsr_connector_state *connectors, int n,
			     const char *const *order, struct tsr_arrangement *arrangement);

/* Policy [outputs] mode = mirror: every output shows the same desktop, laid out once for the
 * smallest output (by pixels; the leftmost of equals), which every larger one shows 1:1,
 * centred on black, rather than scaled (a scaled picture would blur every domain's text). So
 * the arrangement keeps that output alone, at x = 0: one desktop, one pointer, nothing to move
 * a domain to. An output smaller in one direction only is cropped there, centred. */
void tsr_arrangement_mirror(struct tsr_arrangement *arrangement);

/* The index of the output called name, -1 if it is not placed. */
int tsr_arrangement_find(const struct tsr_arrangement *arrangement, const char *name);

/* Width of the whole row (0 with no output). */
int32_t tsr_arrangement_width(const struct tsr_arrangement *arrangement);

/* A point on one output, in that output's own pixels. */
struct tsr_output_point {
	int out; /* index into the arrangement */
	int32_t x, y;
};

/* Where the pointer ends up when it is moved to (desktop_x, desktop_y), which may be off every
 * output: x is clamped to the row, and the output under x takes it, y clamped to that output's
 * height (so moving off a taller output onto a shorter one lands on its bottom row, and moving
 * past the row's ends or a shorter output's bottom stops at the edge). false with no output. */
bool tsr_arrangement_locate(const struct tsr_arrangement *arrangement, int64_t desktop_x,
			    int64_t desktop_y, struct tsr_output_point *point)
	__attribute__((warn_unused_result));

/* The pointer at from moved by (dx, dy) pixels: tsr_arrangement_locate of from's desktop
 * position plus the motion. from.out must be placed; false otherwise (point untouched). */
bool tsr_arrangement_move(const struct tsr_arrangement *arrangement,
			  const struct tsr_output_point *from, int32_t dx, int32_t dy,
			  struct tsr_output_point *point) __attribute__((warn_unused_result));

#endif
