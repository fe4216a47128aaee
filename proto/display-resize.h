/* proto/display-resize.h: the kiosk asks a domain for the size of the frame it is shown in.
 *
 * The kiosk sends the size of a domain's frame; the viewer passes it to the guest as the SPICE
 * main channel's monitors config, and a guest running spice-vdagent changes its mode to fit
 * the frame exactly (a guest without an agent keeps its mode and is scaled). Both sides use
 * this one definition of what may be asked: the kiosk fits its frames into it, the viewer
 * refuses anything else and leaves the guest as it was. A guest mode is at most 3840x2160
 * pixels of area (two such frames fit the 64 MiB of video memory domains/qemu-args.h gives
 * the VGA), each side at most TSR_DISPLAY_MAX_SIDE, at least 320x200, and its width a
 * multiple of 8 (X servers and the VGA's scanout want aligned rows). */
#ifndef TSR_PROTO_DISPLAY_RESIZE_H
#define TSR_PROTO_DISPLAY_RESIZE_H

#include "proto/display.h"

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TSR_DISPLAY_RESIZE_MIN_WIDTH 320u
#define TSR_DISPLAY_RESIZE_MIN_HEIGHT 200u
#define TSR_DISPLAY_RESIZE_MAX_PIXELS (3840u * 2160u)
#define TSR_DISPLAY_RESIZE_WIDTH_ALIGN 8u

#define TSR_DISPLAY_RESIZE_ERROR (tsr_display_resize_error_quark())
GQuark tsr_display_resize_error_quark(void);

enum tsr_display_resize_error_code {
	TSR_DISPLAY_RESIZE_ERROR_SIZE,  /* the message is not exactly a resize message */
	TSR_DISPLAY_RESIZE_ERROR_RANGE, /* a size the guest must not be asked for */
};

/* Whether width x height may be asked of a guest (the limits above). */
bool tsr_display_resize_valid(uint32_t width, uint32_t height);

/* Check a received TSR_DISPLAY_RESIZE message (header already checked by common/frame.h) and
 * give its size. false + error naming the field, outputs untouched, for a message of the wrong
 * length or a size outside the limits. */
bool tsr_display_resize_parse(const void *buf, size_t len, uint32_t *width, uint32_t *height,
			      GError **error) __attribute__((warn_unused_result));

/* The size to ask for a frame of frame_w x frame_h desktop pixels: the width rounded down to
 * the alignment, then, if the area is over the limit, both sides scaled down with the aspect
 * ratio kept. false (outputs untouched) for a frame smaller than the minimum: such a domain
 * keeps its mode and is scaled down. */
bool tsr_display_resize_fit(int32_t frame_w, int32_t frame_h, uint32_t *width, uint32_t *height)
	__attribute__((warn_unused_result));

#endif
