/* tests/fuzz/display-resize-fuzz.c: libFuzzer target for the viewer's check of the kiosk's
 * resize request (proto/display-resize.h), the one kiosk -> viewer message with values the
 * guest acts on.
 *
 * Input: the message as received. Whatever it is, a refused message leaves the outputs as they
 * were and an accepted one is within the limits; the first 8 bytes also serve as a frame size
 * for the kiosk's fitting, whose every answer the check must accept. */
#include "config.h"
#include "proto/display-resize.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t w = 7, h = 7;
	int32_t frame[2];

	if (tsr_display_resize_parse(data, size, &w, &h, NULL)) {
		if (!tsr_display_resize_valid(w, h) || (uint64_t)w * h > TSR_DISPLAY_RESIZE_MAX_PIXELS)
			abort();
	} else if (w != 7 || h != 7) {
		abort();
	}
	if (size >= sizeof(frame)) {
		memcpy(frame, data, sizeof(frame));
		w = h = 7;
		if (tsr_display_resize_fit(frame[0], frame[1], &w, &h)) {
			struct tsr_display_resize m = { .width = w, .height = h };
			if (!tsr_display_resize_parse(&m, sizeof(m), &w, &h, NULL))
				abort();
		} else if (w != 7 || h != 7) {
			abort();
		}
	}
	return 0;
}
