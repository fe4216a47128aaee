/* tests/unit/viewer-input-pace-test.c: the viewer's pacing of input to the guest.
 *
 * QEMU's PS/2 keyboard drops scancodes beyond its 16-byte queue, so a burst of keys must reach
 * it a few at a time, in order, with clicks kept behind the keys typed before them; a key's
 * release must leave with its press, or a slow guest's X server repeats the key. The clock is
 * the test's. */
#include "config.h"

#include <glib.h>

#include "viewer/input-pace.h"

#define MS 1000

/* The pacer, what it sent in order, and the test's clock when it sent each. */
struct fx {
	GArray *events, *times;
	struct tsr_input_pace *p;
	int64_t now;
};

static void record(const struct tsr_input_event *event, void *data)
{
	struct fx *f = data;
	g_array_append_val(f->events, *event);
	g_array_append_val(f->times, f->now);
}

static void setup(struct fx *f, gconstpointer unused)
{
	f->events = g_array_new(FALSE, FALSE, sizeof(struct tsr_input_event));
	f->times = g_array_new(FALSE, FALSE, sizeof(int64_t));
	f->p = tsr_input_pace_create(record, f);
}

static void teardown(struct fx *f, gconstpointer unused)
{
	tsr_input_pace_destroy(f->p);
	g_array_free(f->events, TRUE);
	g_array_free(f->times, TRUE);
}

static struct tsr_input_event *sent(struct fx *f, guint i)
{
	return &g_array_index(f->events, struct tsr_input_event, i);
}

static int64_t sent_at(struct fx *f, guint i)
{
	return g_array_index(f->times, int64_t, i);
}

static struct tsr_input_event key(uint32_t code, bool down)
{
	return (struct tsr_input_event){ .key = true, .down = down, .code = code };
}

/* Pushes a typed line: each character a press and a release, all at the same instant. */
static void type_burst(struct tsr_input_pace *p, unsigned chars, int64_t now)
{
	for (unsigned i = 0; i < chars; i++) {
		struct tsr_input_event down = key(0x10 + i, true), up = key(0x10 + i, false);
		g_assert_true(tsr_input_pace_push(p, &down, now));
		g_assert_true(tsr_input_pace_push(p, &up, now));
	}
}

/* Lets the clock run until nothing waits. */
static void drain(struct tsr_input_pace *p, int64_t *now)
{
	int64_t wait;
	while ((wait = tsr_input_pace_run(p, *now)) >= 0)
		*now += wait;
}

static void test_burst_is_spread_out(struct fx *f, gconstpointer unused)
{
	struct tsr_input_pace *p = f->p;
	int64_t now = 1000 * MS;
	type_burst(p, 40, now);
	/* At once only as many as the guest's queue takes: a press and a release each. */
	g_assert_cmpuint(f->events->len, ==, 2 * TSR_INPUT_PACE_BURST);
	g_assert_cmpuint(2 * TSR_INPUT_PACE_BURST, <=, 16 / 2);
	/* Then one key per interval, its press and release together: never more than the interval
	 * allows, all of them in the end. */
	int64_t wait;
	unsigned steps = 0;
	while ((wait = tsr_input_pace_run(p, now)) >= 0) {
		g_assert_cmpint(wait, >, 0);
		g_assert_cmpint(wait, <=, TSR_INPUT_PACE_MS * MS);
		guint before = f->events->len;
		now += wait;
		tsr_input_pace_run(p, now);
		g_assert_cmpuint(f->events->len, ==, before + 2);
		steps++;
	}
	g_assert_cmpuint(f->events->len, ==, 80);
	g_assert_cmpuint(steps, ==, 40 - TSR_INPUT_PACE_BURST);
	for (guint i = 0; i < f->events->len; i++) {
		g_assert_true(sent(f, i)->key);
		g_assert_cmpuint(sent(f, i)->code, ==, 0x10 + i / 2);
		g_assert_cmpint(sent(f, i)->down, ==, i % 2 == 0);
	}
}

/* A line typed at once, capitals with Shift around them as the console sends them: every
 * release leaves at the instant of the event before it (a typed key's press, or for Shift the
 * press of the key it shifted), never a slot later, while presses stay an interval apart. */
static void test_release_leaves_with_its_press(struct fx *f, gconstpointer unused)
{
	const uint32_t shift = 0x2a;
	f->now = 3 * MS;
	for (unsigned i = 0; i < 30; i++) {
		bool caps = i % 3 == 0;
		struct tsr_input_event ev[] = { key(shift, true), key(0x10 + i, true),
						key(0x10 + i, false), key(shift, false) };
		for (size_t k = caps ? 0 : 1; k < (caps ? 4 : 3); k++)
			g_assert_true(tsr_input_pace_push(f->p, &ev[k], f->now));
	}
	drain(f->p, &f->now);
	g_assert_cmpuint(f->events->len, ==, 30 * 2 + 10 * 2);
	unsigned presses = 0;
	for (guint i = 0; i < f->events->len; i++) {
		if (!sent(f, i)->down) {
			g_assert_cmpuint(i, >, 0);
			g_assert_cmpint(sent_at(f, i), ==, sent_at(f, i - 1));
			continue;
		}
		/* Presses beyond the first burst one interval after the one before. */
		if (presses++ >= TSR_INPUT_PACE_BURST)
			g_assert_cmpint(sent_at(f, i), ==, sent_at(f, i - 1) + TSR_INPUT_PACE_MS * MS);
	}
	g_assert_cmpuint(presses, ==, 40);
}

/* A release whose press never went out (a key pressed before the viewer started, a confused
 * console) pays like a press: a flood of them is paced too. */
static void test_stray_releases_are_paced(struct fx *f, gconstpointer unused)
{
	for (unsigned i = 0; i < 3 * TSR_INPUT_PACE_BURST; i++) {
		struct tsr_input_event up = key(0x10 + i, false);
		g_assert_true(tsr_input_pace_push(f->p, &up, 0));
	}
	g_assert_cmpuint(f->events->len, ==, TSR_INPUT_PACE_BURST);
	int64_t now = 0;
	drain(f->p, &now);
	g_assert_cmpuint(f->events->len, ==, 3 * TSR_INPUT_PACE_BURST);
	/* A key pressed and released: its release was paid with the press, once. */
	struct tsr_input_event down = key(0x50, true), up = key(0x50, false);
	now += 60 * 1000 * MS;
	g_assert_true(tsr_input_pace_push(f->p, &down, now));
	g_assert_true(tsr_input_pace_push(f->p, &up, now));
	for (unsigned i = 0; i < TSR_INPUT_PACE_BURST; i++)
		g_assert_true(tsr_input_pace_push(f->p, &up, now));
	g_assert_cmpuint(f->events->len, ==, 3 * TSR_INPUT_PACE_BURST + 2 + TSR_INPUT_PACE_BURST - 1);
}

/* A click after typed keys waits behind them; pointer events cost no token. */
static void test_click_keeps_its_place(struct fx *f, gconstpointer unused)
{
	struct tsr_input_pace *p = f->p;
	int64_t now = 5 * MS;
	type_burst(p, 10, now);
	struct tsr_input_event click = { .x = 7, .y = 9, .buttons = 1 };
	g_assert_true(tsr_input_pace_push(p, &click, now));
	g_assert_cmpuint(f->events->len, ==, 2 * TSR_INPUT_PACE_BURST);
	drain(p, &now);
	g_assert_cmpuint(f->events->len, ==, 21);
	struct tsr_input_event *last = &g_array_index(f->events, struct tsr_input_event, 20);
	g_assert_false(last->key);
	g_assert_cmpint(last->x, ==, 7);
	/* With nothing waiting, pointer events go at once even with the bucket empty. */
	now += 60 * 1000 * MS;
	type_burst(p, TSR_INPUT_PACE_BURST, now);
	g_assert_true(tsr_input_pace_push(p, &click, now));
	g_assert_cmpuint(f->events->len, ==, 21 + 2 * TSR_INPUT_PACE_BURST + 1);
}

/* A person's typing never waits: the bucket refills between keys. */
static void test_typing_speed_is_not_delayed(struct fx *f, gconstpointer unused)
{
	struct tsr_input_pace *p = f->p;
	int64_t now = 0;
	for (unsigned i = 0; i < 200; i++, now += 50 * MS) {
		struct tsr_input_event e = key(0x1e, i % 2 == 0);
		g_assert_true(tsr_input_pace_push(p, &e, now));
		g_assert_cmpuint(f->events->len, ==, i + 1);
	}
}

/* The queue is bounded: beyond it an event is refused, the ones queued still go in order. */
static void test_queue_is_bounded(struct fx *f, gconstpointer unused)
{
	struct tsr_input_pace *p = f->p;
	unsigned pushed = 0;
	struct tsr_input_event e = key(0x20, true);
	while (tsr_input_pace_push(p, &e, 0))
		pushed++;
	g_assert_cmpuint(pushed, ==, TSR_INPUT_PACE_BURST + TSR_INPUT_PACE_QUEUE);
	int64_t now = 0;
	drain(p, &now);
	g_assert_cmpuint(f->events->len, ==, pushed);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
#define ADD(path, fn) g_test_add(path, struct fx, NULL, setup, fn, teardown)
	ADD("/viewer/input-pace/burst-is-spread-out", test_burst_is_spread_out);
	ADD("/viewer/input-pace/release-leaves-with-its-press", test_release_leaves_with_its_press);
	ADD("/viewer/input-pace/stray-releases-are-paced", test_stray_releases_are_paced);
	ADD("/viewer/input-pace/click-keeps-its-place", test_click_keeps_its_place);
	ADD("/viewer/input-pace/typing-speed-is-not-delayed", test_typing_speed_is_not_delayed);
	ADD("/viewer/input-pace/queue-is-bounded", test_queue_is_bounded);
#undef ADD
	return g_test_run();
}
