/* Clocks: the fake clock moves only when told (forward and back); the real ones move. */
#include "config.h"
#include "common/clock.h"

#include <glib.h>

static void test_fake_moves_only_when_told(void)
{
	struct tsr_fake_clock *f = tsr_fake_clock_create(1000);
	struct tsr_clock *c = tsr_fake_clock_get(f);

	g_assert_cmpint(tsr_clock_now_us(c), ==, 1000);
	g_assert_cmpint(tsr_clock_now_us(c), ==, 1000);
	tsr_fake_clock_advance(f, 500);
	g_assert_cmpint(tsr_clock_now_us(c), ==, 1500);
	tsr_fake_clock_advance(f, -2000);
	g_assert_cmpint(tsr_clock_now_us(c), ==, -500);
	tsr_fake_clock_set(f, 7);
	g_assert_cmpint(tsr_clock_now_us(c), ==, 7);
	tsr_fake_clock_destroy(f);
	tsr_fake_clock_destroy(NULL);
}

static void test_real_clocks(void)
{
	int64_t a = tsr_clock_now_us(tsr_clock_monotonic());
	int64_t b = tsr_clock_now_us(tsr_clock_monotonic());

	g_assert_cmpint(b, >=, a);
	/* Realtime is after 2020-01-01. */
	g_assert_cmpint(tsr_clock_now_us(tsr_clock_realtime()), >, (int64_t)1577836800 * 1000000);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/clock/fake-moves-only-when-told", test_fake_moves_only_when_told);
	g_test_add_func("/clock/real-clocks-move-forward", test_real_clocks);
	return g_test_run();
}
