/* viewer/input-pace.h: the input a viewer sends its guest, paced so the guest keeps up.
 *
 * SPICE's key events reach the only keyboard a QEMU domain has, the PS/2 one, whose queue holds
 * 16 bytes of scancodes; QEMU drops the rest without a word, and a guest reads them one
 * interrupt at a time (slowly under TCG on a loaded host). Input that arrives in a burst (a
 * loaded host, the console over a network, a test driver typing a line) would lose keys. So
 * key presses pass a token bucket: TSR_INPUT_PACE_BURST at once, then one every
 * TSR_INPUT_PACE_MS (faster than anyone types). A press pays for its release, which leaves in
 * the same slot when it follows it: a key typed never has its release a slot or more behind
 * its press, which a slow guest's X server would take for a key held and repeat. So a burst is
 * twice BURST events (and the releases of keys held before it), as many scancode bytes as the
 * queue holds with E0-prefixed keys. Pointer events behind waiting keys wait their turn, so a
 * click never overtakes the keys typed before it. Pure logic on a given clock: the
 * caller sends and schedules. */
#ifndef TSR_VIEWER_INPUT_PACE_H
#define TSR_VIEWER_INPUT_PACE_H

#include <stdbool.h>
#include <stdint.h>

#define TSR_INPUT_PACE_BURST 4
#define TSR_INPUT_PACE_MS 30
/* Events waiting at most; beyond that new ones are dropped (and logged by the caller). */
#define TSR_INPUT_PACE_QUEUE 1024

struct tsr_input_event {
	bool key;         /* a key event, or the pointer's position and buttons */
	bool down;        /* key: pressed */
	uint32_t code;    /* key: the SPICE scancode */
	int32_t x, y;     /* pointer */
	uint32_t buttons; /* pointer: the buttons held after this event */
};

typedef void (*tsr_input_send_fn)(const struct tsr_input_event *event, void *data);

struct tsr_input_pace;

struct tsr_input_pace *tsr_input_pace_create(tsr_input_send_fn send, void *data);
void tsr_input_pace_destroy(struct tsr_input_pace *pace);
/* Sends event now when nothing waits and (for a key) a token is left, else queues it; now_us
 * is the monotonic clock. False when the queue is full and the event was dropped. */
bool tsr_input_pace_push(struct tsr_input_pace *pace, const struct tsr_input_event *event,
			 int64_t now_us) __attribute__((warn_unused_result));
/* Sends what is due at now_us; returns the microseconds until the next waiting event is due,
 * or -1 when nothing waits. */
int64_t tsr_input_pace_run(struct tsr_input_pace *pace, int64_t now_us);

#endif
