/* tests/testdomain/frame-code.c: the counter pattern's pixel code (see frame-code.h). */
#include "config.h"
#include "tests/testdomain/frame-code.h"

#include <time.h>

#define BITS (TSR_FRAME_CODE_COLS * TSR_FRAME_CODE_ROWS)
#define MASK48 ((UINT64_C(1) << 48) - 1)

static void to_bits(const struct tsr_frame_code *code, bool bits[BITS])
{
	uint64_t words[3] = { TSR_FRAME_CODE_MARKER, code->frame, code->sent_us & MASK48 };
	const int widths[3] = { 16, 32, 48 };
	int k = 0;

	for (int w = 0; w < 3; w++)
		for (int b = widths[w] - 1; b >= 0; b--)
			bits[k++] = (words[w] >> b) & 1;
}

void tsr_frame_code_paint(uint32_t *pixels, size_t stride_bytes, const struct tsr_frame_code *code)
{
	bool bits[BITS];

	to_bits(code, bits);
	for (int r = 0; r < TSR_FRAME_CODE_ROWS; r++) {
		for (int c = 0; c < TSR_FRAME_CODE_COLS; c++) {
			uint32_t v = bits[r * TSR_FRAME_CODE_COLS + c] ? 0xffffffu : 0x000000u;
			int x0 = TSR_FRAME_CODE_ORIGIN + c * TSR_FRAME_CODE_BLOCK;
			int y0 = TSR_FRAME_CODE_ORIGIN + r * TSR_FRAME_CODE_BLOCK;
			for (int y = y0; y < y0 + TSR_FRAME_CODE_BLOCK; y++) {
				uint32_t *row = (uint32_t *)((uint8_t *)pixels + (size_t)y * stride_bytes);
				for (int x = x0; x < x0 + TSR_FRAME_CODE_BLOCK; x++)
					row[x] = v;
			}
		}
	}
}

bool tsr_frame_code_read(const uint32_t *pixels, size_t stride_bytes, int img_w, int img_h,
			 int dx, int dy, int dw, int dh, int sw, int sh, struct tsr_frame_code *code)
{
	uint64_t words[3] = { 0, 0, 0 };
	const int widths[3] = { 16, 32, 48 };
	int k = 0;

	if (sw < TSR_FRAME_CODE_EXTENT || sh < TSR_FRAME_CODE_EXTENT || dw <= 0 || dh <= 0)
		return false;
	for (int w = 0; w < 3; w++) {
		for (int b = 0; b < widths[w]; b++, k++) {
			int r = k / TSR_FRAME_CODE_COLS, c = k % TSR_FRAME_CODE_COLS;
			/* Centre of the block in surface coordinates, mapped into the image. */
			double sx = TSR_FRAME_CODE_ORIGIN + c * TSR_FRAME_CODE_BLOCK + TSR_FRAME_CODE_BLOCK / 2.0;
			double sy = TSR_FRAME_CODE_ORIGIN + r * TSR_FRAME_CODE_BLOCK + TSR_FRAME_CODE_BLOCK / 2.0;
			int x = dx + (int)(sx * dw / sw), y = dy + (int)(sy * dh / sh);
			if (x < 0 || y < 0 || x >= img_w || y >= img_h)
				return false;
			uint32_t p = ((const uint32_t *)((const uint8_t *)pixels + (size_t)y * stride_bytes))[x];
			unsigned lum = ((p >> 16) & 0xff) + ((p >> 8) & 0xff) + (p & 0xff);
			words[w] = (words[w] << 1) | (lum > 3 * 128 ? 1u : 0u);
		}
	}
	if (words[0] != TSR_FRAME_CODE_MARKER)
		return false;
	code->frame = (uint32_t)words[1];
	code->sent_us = words[2];
	return true;
}

uint64_t tsr_frame_code_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u) & MASK48;
}

int64_t tsr_frame_code_age_us(uint64_t sent_us, uint64_t now_us)
{
	return (int64_t)((now_us - sent_us) & MASK48);
}
