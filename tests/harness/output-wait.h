/* tests/harness/output-wait.h: let an output finish the frame a test presented.
 *
 * A test that presents a frame and then looks at what the output did (bytes copied, frame
 * callbacks, the next present) must first let the frame complete: poll the output's fd and
 * dispatch until nothing is pending. A frame that never completes fails the test after 5 s
 * instead of hanging it. */
#ifndef TSR_TESTS_HARNESS_OUTPUT_WAIT_H
#define TSR_TESTS_HARNESS_OUTPUT_WAIT_H

#include "renderer/output.h"

void tsr_test_output_wait_frame(struct tsr_output *out);

#endif
