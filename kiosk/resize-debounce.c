/* kiosk/resize-debounce.c: one request to the guest once its frame has settled (see .h). */
#include "config.h"
#include "kiosk/resize-debounce.h"

void tsr_resize_debounce_reset(struct tsr_resize_debounce *d)
{
	*d = (struct tsr_resize_debounce){ .due_us = -1 };
}

void tsr_resize_debounce_frame(struct tsr_resize_debounce *d, uint32_t width, uint32_t height,
			       int64_t now_us)
{
	if (d->due_us >= 0 && width == d->want_w && height == d->want_h)
		return; /* already waiting for this size */
	d->want_w = width;
	d->want_h = height;
	if (width == d->sent_w && height == d->sent_h)
		d->due_us = -1; /* back to what the guest has: nothing to ask */
	else
		d->due_us = now_us + TSR_RESIZE_SETTLE_US;
}

int64_t tsr_resize_debounce_due_us(const struct tsr_resize_debounce *d)
{
	return d->due_us;
}

bool tsr_resize_debounce_take(struct tsr_resize_debounce *d, int64_t now_us, uint32_t *width,
			      uint32_t *height)
{
	if (d->due_us < 0 || now_us < d->due_us)
		return false;
	d->due_us = -1;
	d->sent_w = *width = d->want_w;
	d->sent_h = *height = d->want_h;
	return true;
}
