/* The brightness keys' effect on a fake sysfs: the broker picks the firmware backlight over a
 * raw one, steps a tenth of its range, stops at the top and above 0, and refuses a tree with no
 * backlight or with values that are not numbers, writing nothing. */
#include "config.h"
#include "broker/backlight.h"
#include "tests/harness/tree.h"

#include <gio/gio.h>
#include <stdlib.h>

struct fake {
	char *root;
};

static void put(const char *root, const char *dev, const char *file, const char *text)
{
	g_autofree char *dir = g_build_filename(root, "class", "backlight", dev, NULL);
	g_autofree char *path = g_build_filename(dir, file, NULL);
	g_assert_cmpint(g_mkdir_with_parents(dir, 0755), ==, 0);
	g_assert_true(g_file_set_contents(path, text, -1, NULL));
}

static long get(const char *root, const char *dev)
{
	g_autofree char *path = g_build_filename(root, "class", "backlight", dev, "brightness", NULL);
	g_autofree char *text = NULL;
	g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
	return strtol(text, NULL, 10);
}

static void fake_up(struct fake *f, gconstpointer data)
{
	(void)data;
	f->root = g_dir_make_tmp("backlight-XXXXXX", NULL);
	g_assert_nonnull(f->root);
	/* The GPU's raw backlight and the firmware's, for the same panel. */
	put(f->root, "intel_backlight", "type", "raw\n");
	put(f->root, "intel_backlight", "max_brightness", "96000\n");
	put(f->root, "intel_backlight", "brightness", "48000\n");
	put(f->root, "acpi_video0", "type", "firmware\n");
	put(f->root, "acpi_video0", "max_brightness", "15\n");
	put(f->root, "acpi_video0", "brightness", "7\n");
}

static void fake_down(struct fake *f, gconstpointer data)
{
	(void)data;
	g_assert_true(tsr_test_remove_tree(f->root));
	g_free(f->root);
}

static void test_steps_firmware_backlight(struct fake *f, gconstpointer data)
{
	long now = -1;
	(void)data;
	g_assert_true(brk_backlight_step(f->root, 1, &now, NULL));
	g_assert_cmpint(now, ==, 8);
	g_assert_cmpint(get(f->root, "acpi_video0"), ==, 8);
	g_assert_cmpint(get(f->root, "intel_backlight"), ==, 48000);
	for (int i = 0; i < 20; i++)
		g_assert_true(brk_backlight_step(f->root, 1, &now, NULL));
	g_assert_cmpint(get(f->root, "acpi_video0"), ==, 15);
	for (int i = 0; i < 20; i++)
		g_assert_true(brk_backlight_step(f->root, -1, &now, NULL));
	g_assert_cmpint(now, ==, 1);
	g_assert_cmpint(get(f->root, "acpi_video0"), ==, 1);
}

static void test_raw_alone_steps_a_tenth(struct fake *f, gconstpointer data)
{
	g_autofree char *acpi = g_build_filename(f->root, "class", "backlight", "acpi_video0", NULL);
	long now = -1;
	(void)data;
	g_assert_true(tsr_test_remove_tree(acpi));
	g_assert_true(brk_backlight_step(f->root, -1, &now, NULL));
	g_assert_cmpint(now, ==, 38400);
	g_assert_cmpint(get(f->root, "intel_backlight"), ==, 38400);
}

static void test_refuses_garbage(struct fake *f, gconstpointer data)
{
	g_autoptr(GError) error = NULL;
	long now = -1;
	(void)data;
	put(f->root, "acpi_video0", "max_brightness", "lots\n");
	g_assert_false(brk_backlight_step(f->root, 1, &now, &error));
	g_assert_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
	g_assert_cmpint(now, ==, -1);
	g_assert_cmpint(get(f->root, "acpi_video0"), ==, 7);
	g_assert_cmpint(get(f->root, "intel_backlight"), ==, 48000);
}

static void test_no_backlight(void)
{
	g_autofree char *root = g_dir_make_tmp("backlight-XXXXXX", NULL);
	g_autoptr(GError) error = NULL;
	g_assert_false(brk_backlight_step(root, 1, NULL, &error));
	g_assert_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
	g_assert_true(tsr_test_remove_tree(root));
}

int main(int argc, char **argv)
{
	static const struct {
		const char *path;
		void (*run)(struct fake *f, gconstpointer data);
	} cases[] = {
		{ "/broker/backlight-steps-the-firmware-backlight-within-range",
		  test_steps_firmware_backlight },
		{ "/broker/backlight-raw-alone-steps-a-tenth", test_raw_alone_steps_a_tenth },
		{ "/broker/backlight-not-a-number-changes-nothing", test_refuses_garbage },
	};

	g_test_init(&argc, &argv, NULL);
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++)
		g_test_add(cases[i].path, struct fake, NULL, fake_up, cases[i].run, fake_down);
	g_test_add_func("/broker/backlight-none-is-an-error", test_no_backlight);
	return g_test_run();
}
