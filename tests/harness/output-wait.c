/* tests/harness/output-wait.c: let an output finish the frame a test presented (see .h). */
#include "config.h"
#include "tests/harness/output-wait.h"

#include <glib.h>
#include <poll.h>

void tsr_test_output_wait_frame(struct tsr_output *out)
{
	struct pollfd p = { .fd = tsr_output_get_fd(out), .events = POLLIN };

	while (tsr_output_frame_pending(out)) {
		GError *error = NULL;

		g_assert_cmpint(poll(&p, 1, 5000), ==, 1);
		g_assert_true(tsr_output_dispatch(out, &error));
		g_assert_no_error(error);
	}
}
