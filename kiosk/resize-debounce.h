/* kiosk/resize-debounce.h: when to ask a guest for the size of its frame.
 *
 * A guest that follows its frame (spice-vdagent) changes its mode on every request, which
 * costs it a modeset and a redraw; switching layouts, moving focus and a new output can change a
 * frame several times in a moment. So a request goes out only once the frame has kept one
 * size for a settle time, and never when the guest was already asked for that size. Pure
 * state on the caller's clock, so tests drive time by hand. */
#ifndef TSR_KIOSK_RESIZE_DEBOUNCE_H
#define TSR_KIOSK_RESIZE_DEBOUNCE_H

#include <stdbool.h>
#include <stdint.h>

/* How long a frame must keep its size before the guest is asked for it. */
#define TSR_RESIZE_SETTLE_US 400000

struct tsr_resize_debounce {
	uint32_t want_w, want_h; /* the frame's latest size */
	uint32_t sent_w, sent_h; /* what the guest was asked for (0x0: nothing yet) */
	int64_t due_us;          /* when want may be sent; -1: nothing waiting */
};

/* Nothing asked, nothing waiting (also for a new viewer: its guest was never asked). */
void tsr_resize_debounce_reset(struct tsr_resize_debounce *d);
/* The frame is width x height at now_us. A new size (re)starts the settle time; the size
 * already waiting leaves it running; the size the guest already has cancels the wait. */
void tsr_resize_debounce_frame(struct tsr_resize_debounce *d, uint32_t width, uint32_t height,
			       int64_t now_us);
/* When the caller should call take next (-1: no need). */
int64_t tsr_resize_debounce_due_us(const struct tsr_resize_debounce *d);
/* true (and the size, now counted as sent) when a request should go out at now_us. */
bool tsr_resize_debounce_take(struct tsr_resize_debounce *d, int64_t now_us, uint32_t *width,
			      uint32_t *height) __attribute__((warn_unused_result));

#endif
