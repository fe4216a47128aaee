/* The drm output and the VT refuse bad requests with errors naming what was wrong, touching
 * nothing: a card that does not exist, a path outside /dev/dri, VT specs that are not VTs.
 * (Real DRM/KMS and VT behaviour is proven in QEMU by tests/system/drm-test.sh and vt-test.sh.) */
#include "config.h"

#include <fcntl.h>
#include <glib.h>
#include <string.h>
#include <unistd.h>

#include "renderer/output.h"
#include "common/vt.h"

static void test_missing_card_is_refused(void)
{
	GError *error = NULL;
	struct tsr_output *out = tsr_output_open("drm:/dev/dri/card99", &error);
	g_assert_null(out);
	g_assert_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_IO);
	g_assert_nonnull(strstr(error->message, "/dev/dri/card99"));
	g_clear_error(&error);
}

static void test_bad_drm_specs_are_refused(void)
{
	const char *bad[] = { "drm:/dev/sda", "drm:/dev/dri/card0:", "drm:", "drm:a/b", "drmx" };
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		GError *error = NULL;
		g_assert_null(tsr_output_open(bad[i], &error));
		g_assert_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_INVALID);
		g_clear_error(&error);
	}
}

/* A card passed by the broker: the spec may name only a connector, the output owns the fd even
 * when it refuses it, and a file that is no KMS card is refused with its name. */
static void test_passed_card(void)
{
	GError *error = NULL;
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	g_assert_cmpint(fd, >=, 0);
	g_assert_null(tsr_output_open_drm_fd("drm:/dev/dri/card0", fd, "/dev/dri/card0", &error));
	g_assert_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_INVALID);
	g_assert_nonnull(strstr(error->message, "passed already"));
	g_clear_error(&error);
	g_assert_cmpint(fcntl(fd, F_GETFD), ==, -1);

	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	g_assert_null(tsr_output_open_drm_fd("headless:10x10", fd, "/dev/dri/card0", &error));
	g_assert_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_INVALID);
	g_clear_error(&error);
	g_assert_cmpint(fcntl(fd, F_GETFD), ==, -1);

	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	g_assert_null(tsr_output_open_drm_fd("drm", fd, "/dev/dri/card7", &error));
	g_assert_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_UNSUPPORTED);
	g_assert_nonnull(strstr(error->message, "/dev/dri/card7"));
	g_clear_error(&error);
	g_assert_cmpint(fcntl(fd, F_GETFD), ==, -1);
}

static void test_bad_vt_specs_are_refused(void)
{
	const char *bad[] = { "", "0", "64", "-1", "tty2", "/dev/tty", "/dev/ttyS0", "2x", "/dev/tty99" };
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		GError *error = NULL;
		g_assert_null(tsr_vt_open(bad[i], &error));
		g_assert_error(error, TSR_VT_ERROR, TSR_VT_ERROR_INVALID);
		g_assert_nonnull(strstr(error->message, "bad VT"));
		g_clear_error(&error);
	}
	tsr_vt_destroy(NULL);
}

/* Listing connectors on something that is not a KMS card says so and writes nothing. */
static void test_connectors_of_a_non_card(void)
{
	struct tsr_output_connector c[2] = { { "untouched", 7, 7 } };
	GError *error = NULL;
	int n = -1;
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	g_assert_cmpint(fd, >=, 0);
	g_assert_false(tsr_output_drm_connectors(fd, c, 2, &n, &error));
	g_assert_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_IO);
	g_assert_nonnull(strstr(error->message, "not a KMS card"));
	g_assert_cmpint(n, ==, -1);
	g_assert_cmpstr(c[0].name, ==, "untouched");
	g_clear_error(&error);
	close(fd);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/drm/missing-card-is-refused", test_missing_card_is_refused);
	g_test_add_func("/drm/bad-specs-are-refused", test_bad_drm_specs_are_refused);
	g_test_add_func("/drm/passed-card", test_passed_card);
	g_test_add_func("/drm/two-head-connectors-of-a-non-card-refused",
			test_connectors_of_a_non_card);
	g_test_add_func("/vt/bad-specs-are-refused", test_bad_vt_specs_are_refused);
	return g_test_run();
}
