/* tests/testdomain/frame-code.h: a frame number and a send timestamp written as pixels.
 *
 * tessera-testdomain's `counter` pattern paints this code into every frame so that whoever
 * sees the pixels at the far end (a test reading a kiosk screenshot, the latency benchmark
 * reading the composited output) can tell which frame it is and when it was sent, without any
 * side channel. The code is a grid of big black/white blocks so that it survives the kiosk's
 * scaling: a reader samples the centre of each block through the same mapping the compositor
 * used. 96 bits: a 16-bit marker, the 32-bit frame number and the low 48 bits of the sender's
 * CLOCK_MONOTONIC in microseconds (system-wide, so sender and reader on one host agree). */
#ifndef TSR_TESTS_TESTDOMAIN_FRAME_CODE_H
#define TSR_TESTS_TESTDOMAIN_FRAME_CODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TSR_FRAME_CODE_BLOCK 16  /* block side in surface pixels */
#define TSR_FRAME_CODE_COLS 12
#define TSR_FRAME_CODE_ROWS 8
#define TSR_FRAME_CODE_ORIGIN 16 /* top-left corner of the grid in surface pixels */
/* The code needs a surface at least this big (it fits in a 256x256 damage rectangle). */
#define TSR_FRAME_CODE_EXTENT (TSR_FRAME_CODE_ORIGIN + TSR_FRAME_CODE_COLS * TSR_FRAME_CODE_BLOCK)
#define TSR_FRAME_CODE_MARKER 0xa5c3u

struct tsr_frame_code {
	uint32_t frame;
	uint64_t sent_us; /* low 48 bits of CLOCK_MONOTONIC in microseconds */
};

/* Paint the code into an XRGB8888 surface (w, h at least TSR_FRAME_CODE_EXTENT). */
void tsr_frame_code_paint(uint32_t *pixels, size_t stride_bytes, const struct tsr_frame_code *code);

/* Read a code back from an XRGB8888 image in which the surface was drawn scaled into the
 * rectangle (dx, dy, dw, dh) (surface size sw x sh). Returns false when the marker is absent
 * (no counter frame there, or the rectangle is wrong). */
bool tsr_frame_code_read(const uint32_t *pixels, size_t stride_bytes, int img_w, int img_h,
			 int dx, int dy, int dw, int dh, int sw, int sh, struct tsr_frame_code *code)
	__attribute__((warn_unused_result));

/* Microseconds of CLOCK_MONOTONIC, cut to the 48 bits the code carries. */
uint64_t tsr_frame_code_now_us(void);
/* Age of a timestamp read from a frame, in microseconds, wrapping correctly at 48 bits. */
int64_t tsr_frame_code_age_us(uint64_t sent_us, uint64_t now_us);

#endif
