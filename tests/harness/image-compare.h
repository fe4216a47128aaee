/* tests/harness/image-compare.h: compare rendered images with reference PNGs, for any test
 * that checks pixels (renderer reference tests, kiosk screens, DRM screendumps).
 *
 * References live in $TSR_SRCDIR/tests/reference/NAME.png. On a mismatch the shot and a diff
 * image (mismatching pixels red over a darkened reference) are written next to the test's log
 * as NAME.shot.png and NAME.diff.png. Running a test with TSR_REGENERATE_REFERENCES=1 (or
 * TSR_UPDATE_REFERENCE=1 as the system tests say, or a test's --regenerate) writes shots as
 * the new references instead; look at them before committing. */
#ifndef TSR_TESTS_HARNESS_IMAGE_COMPARE_H
#define TSR_TESTS_HARNESS_IMAGE_COMPARE_H

#include <stdbool.h>
#include <stdint.h>

#include "renderer/image.h"

struct tsr_image_diff {
	int64_t pixels_over;  /* pixels with a channel differing by more than the tolerance */
	int max_channel_diff; /* largest per-channel difference seen */
	int32_t first_x, first_y; /* first pixel over the tolerance (-1 if none) */
};

/* Compare two images of the same size channel by channel (top byte ignored). false if sizes
 * differ (diff->pixels_over = -1) or any channel differs by more than tolerance. */
bool tsr_image_compare(const struct tsr_image *got, const struct tsr_image *want, int tolerance,
		       struct tsr_image_diff *diff);

/* A diff picture: want darkened, pixels over the tolerance in pure red. Sizes must match. */
struct tsr_image *tsr_image_diff_picture(const struct tsr_image *got, const struct tsr_image *want,
					 int tolerance);

/* Whether references are being regenerated (TSR_REGENERATE_REFERENCES=1). */
bool tsr_reference_regenerating(void);
/* Remove "--regenerate" from argv (before g_test_init) and, if present, set
 * TSR_REGENERATE_REFERENCES=1. */
void tsr_reference_parse_args(int *argc, char **argv);

/* Check shot against tests/reference/NAME.png with the tolerance. On mismatch write the shot
 * and diff next to the log, and return false with a message in *message (g_free it). When
 * regenerating, write the reference and return true. */
bool tsr_reference_check(const struct tsr_image *shot, const char *name, int tolerance,
			 char **message);

#endif
