/* viewer/input-pace.c: a token bucket in front of the guest's keyboard (see input-pace.h). */
#include "config.h"
#include "viewer/input-pace.h"

#include <glib.h>

#define TOKEN_US ((int64_t)TSR_INPUT_PACE_MS * 1000)

struct tsr_input_pace {
	tsr_input_send_fn send;
	void *data;
	struct tsr_input_event queue[TSR_INPUT_PACE_QUEUE];
	size_t head, count;
	/* Tokens in microseconds of credit: one key costs TOKEN_US, the bucket holds BURST. */
	int64_t credit_us, last_us;
	bool started;
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

/* Sends ev if its turn has come; false when it must wait for a token. */
static bool send_if_due(struct tsr_input_pace *p, const struct tsr_input_event *ev)
{
	if (ev->key) {
		if (p->credit_us < TOKEN_US)
			return false;
		p->credit_us -= TOKEN_US;
	}
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
