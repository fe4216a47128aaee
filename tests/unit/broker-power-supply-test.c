/* The top bar's battery text from a fake power-supply sysfs: one battery discharging, charging,
 * full on AC; two batteries averaged; AC alone; nothing at all; a battery whose capacity is not
 * a number left out; and a USB supply (neither Battery nor Mains) ignored. */
#include "config.h"
#include "broker/power-supply.h"
#include "tests/harness/tree.h"

#include <glib.h>

/* Each supply: its directory name, then key=value pairs, NULL-terminated. */
static void supply(const char *root, const char *name, ...)
{
	g_autofree char *dir = g_build_filename(root, "class", "power_supply", name, NULL);
	const char *kv;
	va_list ap;

	g_assert_cmpint(g_mkdir_with_parents(dir, 0755), ==, 0);
	va_start(ap, name);
	while ((kv = va_arg(ap, const char *))) {
		g_auto(GStrv) pair = g_strsplit(kv, "=", 2);
		g_autofree char *path = g_build_filename(dir, pair[0], NULL);
		g_autofree char *text = g_strconcat(pair[1], "\n", NULL);
		g_assert_true(g_file_set_contents(path, text, -1, NULL));
	}
	va_end(ap);
}

static char *text_of(const char *root, bool expect_any)
{
	struct brk_power_status s;
	char buf[64];

	g_assert_cmpint(brk_power_supply_read(root, &s), ==, expect_any);
	brk_power_supply_text(&s, buf, sizeof(buf));
	return g_strdup(buf);
}

static void test_battery_text(void)
{
	g_autofree char *root = g_dir_make_tmp("power-XXXXXX", NULL);
	g_autofree char *t1 = NULL, *t2 = NULL, *t3 = NULL, *t4 = NULL, *t5 = NULL;

	g_assert_cmpstr((t1 = text_of(root, false)), ==, "");
	supply(root, "ucsi-source-psy-USBC000:001", "type=USB", "online=1", NULL);
	supply(root, "BAT0", "type=Battery", "capacity=73", "status=Discharging", NULL);
	supply(root, "AC", "type=Mains", "online=0", NULL);
	g_assert_cmpstr((t2 = text_of(root, true)), ==, "Battery 73%");
	supply(root, "AC", "type=Mains", "online=1", NULL);
	supply(root, "BAT0", "type=Battery", "capacity=100", "status=Full", NULL);
	g_assert_cmpstr((t3 = text_of(root, true)), ==, "Battery 100%, on AC");
	supply(root, "BAT1", "type=Battery", "capacity=40", "status=Charging", NULL);
	g_assert_cmpstr((t4 = text_of(root, true)), ==, "Battery 70%, charging");
	supply(root, "BAT0", "type=Battery", "capacity=lots", "status=Full", NULL);
	supply(root, "BAT1", "type=Battery", "capacity=101", "status=Charging", NULL);
	g_assert_cmpstr((t5 = text_of(root, true)), ==, "On AC");
	g_assert_true(tsr_test_remove_tree(root));
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/broker/battery-text-from-power-supply-sysfs", test_battery_text);
	return g_test_run();
}
