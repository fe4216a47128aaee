/* viewer/input-pace.c: a token bucket in front of the guest's keyboard (see input-pace.h). */
#include "config.h"
#include "viewer/input-pace.h"

#include <glib.h>

#define TOKEN_US ((int64_t)TSR_INPUT_PACE_MS * 1000)
/* SPICE scancodes: set 1, 0x100 set for the E0-prefixed keys. */
#define CODES 0x200

struct tsr_input_pace {
	tsr_input_send_fn send;
	void *data;
	struct tsr_input_event queue[TSR_INPUT_PACE_QUEUE];
	size_t head, count;
	/* Tokens in microseconds of credit: one key costs TOKEN_US, the bucket holds BURST. */
	int64_t credit_us, last_us;
	bool started;
	/* Keys whose press went out and whose release has not: that release is already paid. */
	uint64_t held[CODES / 64];
};

struct tsr_input_pace *tsr_input_pace_create(tsr_input_send_fn send, void *data)
{
	struct tsr_input_pace *p = g_new0(struct tsr_input_pace, 1);
	p->send = send;
	p->data = data;
	p->credit_us = TSR_INPUT_PACE_BURST * TOKEN_US;
	return p;
}

void tsr_input_pace_destroy(struct tsr_input_pace *p)
{
	g_free(p);
}

static void refill(struct tsr_input_pace *p, int64_t now_us)
{
	if (p->started && now_us > p->last_us)
		p->credit_us = MIN(p->credit_us + (now_us - p->last_us),
				   TSR_INPUT_PACE_BURST * TOKEN_US);
	p->started = true;
	p->last_us = MAX(now_us, p->last_us);
}

static bool is_held(const struct tsr_input_pace *p, uint32_t code)
{
	return code < CODES && (p->held[code / 64] >> (code % 64) & 1);
}

static void set_held(struct tsr_input_pace *p, uint32_t code, bool held)
{
	if (code >= CODES)
		return;
	if (held)
		p->held[code / 64] |= UINT64_C(1) << (code % 64);
	else
		p->held[code / 64] &= ~(UINT64_C(1) << (code % 64));
}

/* Sends ev if its turn has come; false when it must wait for a token. A press costs a token
 * and pays for its own release, which therefore goes the moment its turn comes, in the same
 * slot as the press when it follows it: a release that trails its press by a slot or more
 * would let a slow guest's X server repeat the key. A release of a key not pressed pays. */
static bool send_if_due(struct tsr_input_pace *p, const struct tsr_input_event *ev)
{
	if (ev->key && (ev->down || !is_held(p, ev->code))) {
		if (p->credit_us < TOKEN_US)
			return false;
		p->credit_us -= TOKEN_US;
	}
	if (ev->key)
		set_held(p, ev->code, ev->down);
	p->send(ev, p->data);
	return true;
}

int64_t tsr_input_pace_run(struct tsr_input_pace *p, int64_t now_us)
{
	refill(p, now_us);
	while (p->count > 0) {
		if (!send_if_due(p, &p->queue[p->head]))
			return TOKEN_US - p->credit_us;
		p->head = (p->head + 1) % TSR_INPUT_PACE_QUEUE;
		p->count--;
	}
	return -1;
}

bool tsr_input_pace_push(struct tsr_input_pace *p, const struct tsr_input_event *event,
			 int64_t now_us)
{
	refill(p, now_us);
	if (p->count == 0 && send_if_due(p, event))
		return true;
	if (p->count == TSR_INPUT_PACE_QUEUE)
		return false;
	p->queue[(p->head + p->count) % TSR_INPUT_PACE_QUEUE] = *event;
	p->count++;
	return true;
}
