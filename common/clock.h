/* common/clock.h: an injectable clock.
 *
 * Code that measures time (back-off after failed logins, idle lock, frame pacing, policy
 * validity) reads it through a struct tsr_clock, so tests can drive time by hand instead of
 * sleeping. The real clocks are process-wide singletons; a fake clock is created per test. */
#ifndef TSR_COMMON_CLOCK_H
#define TSR_COMMON_CLOCK_H

#include <stdint.h>

struct tsr_clock {
	/* Microseconds. Monotonic clocks start at an arbitrary point; realtime ones at the epoch. */
	int64_t (*now_us)(struct tsr_clock *clock);
};

struct tsr_clock *tsr_clock_monotonic(void);
struct tsr_clock *tsr_clock_realtime(void);

static inline int64_t tsr_clock_now_us(struct tsr_clock *clock)
{
	return clock->now_us(clock);
}

/* A clock that only moves when told to. */
struct tsr_fake_clock;
struct tsr_fake_clock *tsr_fake_clock_create(int64_t start_us);
void tsr_fake_clock_destroy(struct tsr_fake_clock *fake);
struct tsr_clock *tsr_fake_clock_get(struct tsr_fake_clock *fake);
/* Move forward by delta_us (a negative delta sets the clock back, as a user could). */
void tsr_fake_clock_advance(struct tsr_fake_clock *fake, int64_t delta_us);
void tsr_fake_clock_set(struct tsr_fake_clock *fake, int64_t now_us);

#endif
