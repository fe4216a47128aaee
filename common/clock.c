/* common/clock.c: real and fake clocks (see clock.h). */
#include "config.h"
#include "common/clock.h"

#include <stdlib.h>
#include <time.h>

static int64_t posix_now(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int64_t monotonic_now(struct tsr_clock *clock)
{
	return posix_now(CLOCK_MONOTONIC);
}

static int64_t realtime_now(struct tsr_clock *clock)
{
	return posix_now(CLOCK_REALTIME);
}

struct tsr_clock *tsr_clock_monotonic(void)
{
	static struct tsr_clock c = { .now_us = monotonic_now };
	return &c;
}

struct tsr_clock *tsr_clock_realtime(void)
{
	static struct tsr_clock c = { .now_us = realtime_now };
	return &c;
}

struct tsr_fake_clock {
	struct tsr_clock base; /* first member: the clock pointer is the fake's pointer */
	int64_t now;
};

static int64_t fake_now(struct tsr_clock *clock)
{
	return ((struct tsr_fake_clock *)clock)->now;
}

struct tsr_fake_clock *tsr_fake_clock_create(int64_t start_us)
{
	struct tsr_fake_clock *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	f->base.now_us = fake_now;
	f->now = start_us;
	return f;
}

void tsr_fake_clock_destroy(struct tsr_fake_clock *fake)
{
	free(fake);
}

struct tsr_clock *tsr_fake_clock_get(struct tsr_fake_clock *fake)
{
	return &fake->base;
}

void tsr_fake_clock_advance(struct tsr_fake_clock *fake, int64_t delta_us)
{
	fake->now += delta_us;
}

void tsr_fake_clock_set(struct tsr_fake_clock *fake, int64_t now_us)
{
	fake->now = now_us;
}
