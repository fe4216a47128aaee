/* tests/unit/viewer-input-pace-test.c: the viewer's pacing of input to the guest.
 *
 * QEMU's PS/2 keyboard drops scancodes beyond its 16-byte queue, so a burst of keys must reach
 * it a few at a time, in order, with clicks kept behind the keys typed before them. The clock
 * is the test's. */
#include "config.h"

#include <glib.h>

#include "viewer/input-pace.h"

#define MS 1000

/* The pacer and what it sent, in order. */
struct fx {
	GArray *events;
	struct tsr_input_pace *p;
};

static void record(const struct tsr_input_event *event, void *data)
{
	struct fx *f = data;
	g_array_append_val(f->events, *event);
}

static void setup(struct fx *f, gconstpointer unused)
{
	f->events = g_array_new(FALSE, FALSE, sizeof(struct tsr_input_event));
	f->p = tsr_input_pace_create(record, f);
}

static void teardown(struct fx *f, gconstpointer unused)
{
	tsr_input_pace_destroy(f->p);
	g_array_free(f->events, TRUE);
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
	/* At once only as many as the guest's queue takes with room to spare. */
	g_assert_cmpuint(f->events->len, ==, TSR_INPUT_PACE_BURST);
	g_assert_cmpuint(TSR_INPUT_PACE_BURST, <=, 16 / 2);
	/* Then one per interval: never more than the interval allows, all of them in the end. */
	int64_t wait;
	unsigned steps = 0;
	while ((wait = tsr_input_pace_run(p, now)) >= 0) {
		g_assert_cmpint(wait, >, 0);
		g_assert_cmpint(wait, <=, TSR_INPUT_PACE_MS * MS);
		guint before = f->events->len;
		now += wait;
		tsr_input_pace_run(p, now);
		g_assert_cmpuint(f->events->len, ==, before + 1);
		steps++;
	}
	g_assert_cmpuint(f->events->len, ==, 80);
	g_assert_cmpuint(steps, ==, 80 - TSR_INPUT_PACE_BURST);
	for (guint i = 0; i < f->events->len; i++) {
		struct tsr_input_event *e = &g_array_index(f->events, struct tsr_input_event, i);
		g_assert_true(e->key);
		g_assert_cmpuint(e->code, ==, 0x10 + i / 2);
		g_assert_cmpint(e->down, ==, i % 2 == 0);
	}
}

/* A click after typed keys waits behind them; pointer events cost no token. */
static void test_click_keeps_its_place(struct fx *f, gconstpointer unused)
{
	struct tsr_input_pace *p = f->p;
	int64_t now = 5 * MS;
	type_burst(p, 10, now);
	struct tsr_input_event click = { .x = 7, .y = 9, .buttons = 1 };
	g_assert_true(tsr_input_pace_push(p, &click, now));
	g_assert_cmpuint(f->events->len, ==, TSR_INPUT_PACE_BURST);
	drain(p, &now);
	g_assert_cmpuint(f->events->len, ==, 21);
	struct tsr_input_event *last = &g_array_index(f->events, struct tsr_input_event, 20);
	g_assert_false(last->key);
	g_assert_cmpint(last->x, ==, 7);
	/* With nothing waiting, pointer events go at once even with the bucket empty. */
	now += 60 * 1000 * MS;
	type_burst(p, TSR_INPUT_PACE_BURST / 2, now);
	g_assert_true(tsr_input_pace_push(p, &click, now));
	g_assert_cmpuint(f->events->len, ==, 21 + TSR_INPUT_PACE_BURST + 1);
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
	ADD("/viewer/input-pace/click-keeps-its-place", test_click_keeps_its_place);
	ADD("/viewer/input-pace/typing-speed-is-not-delayed", test_typing_speed_is_not_delayed);
	ADD("/viewer/input-pace/queue-is-bounded", test_queue_is_bounded);
#undef ADD
	return g_test_run();
}
