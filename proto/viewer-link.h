/* proto/viewer-link.h: the kiosk's end of one viewer's display connection.
 *
 * Everything a viewer sends is checked here before the kiosk acts on it (trust boundary 3 in
 * DESIGN.md, rules in doc/display-protocol.md): message type, exact size and version, state
 * (no damage before a surface), rectangles inside the surface, fds only on the two messages
 * that carry one, sealed shmem memfds of sufficient size, surfaces within proto/display.h's
 * limits (the ones the scene draws), a cap on mapped bytes per viewer and cursors of at most
 * 128x128. A new surface replaces the old one only once the caller has taken it. The first violation ends the link: the caller then shows
 * "display lost" and destroys it. A viewer that floods messages is throttled by a token bucket
 * on an injectable clock: the link stops reading until tokens are back, so the flood costs the
 * kiosk bounded CPU and the viewer ends up blocked on its own full socket. */
#ifndef TSR_PROTO_VIEWER_LINK_H
#define TSR_PROTO_VIEWER_LINK_H

#include "common/clock.h"
#include "proto/clipboard.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tsr_viewer_link;

struct tsr_viewer_link_limits {
	uint64_t max_mapped_bytes; /* surface + cursor; 0 = default 128 MiB */
	uint32_t msgs_per_second;  /* token refill rate; 0 = default 5000 */
	uint32_t msg_burst;        /* bucket size; 0 = default 500 */
};

/* Valid from the callback until a later surface (or cursor) is accepted or until destroy. */
struct tsr_viewer_surface_view {
	const uint32_t *pixels; /* XRGB8888 */
	uint32_t width, height, stride;
};

struct tsr_viewer_cursor_view {
	const uint32_t *pixels; /* ARGB8888, premultiplied alpha */
	uint32_t width, height, stride, hot_x, hot_y;
};

struct tsr_viewer_link_callbacks {
	/* A new surface, already checked and mapped. Return true once the pixels are in use: only
	 * then does the link unmap the previous surface. false refuses it: the new mapping goes,
	 * the previous surface stays mapped (the caller may still be drawing it) and the link ends
	 * with a violation, after which the caller drops the pixels and destroys the link. */
	bool (*surface)(void *opaque, const struct tsr_viewer_surface_view *surface);
	void (*damage)(void *opaque, uint32_t x, uint32_t y, uint32_t w, uint32_t h);
	/* cursor NULL: the domain hid its cursor. */
	void (*cursor)(void *opaque, const struct tsr_viewer_cursor_view *cursor);
	void (*status)(void *opaque, uint32_t status);
	/* An answer to tsr_viewer_link_clipboard_request, already checked (proto/clipboard.h),
	 * or one nobody asked for (answer->unasked: refused, nothing in it to use). The callee
	 * may take answer->text (set it to NULL); the link frees what is left. */
	void (*clipboard)(void *opaque, struct tsr_clipboard_answer *answer);
};

enum tsr_viewer_link_result {
	TSR_VIEWER_LINK_OK,        /* nothing more to read now */
	TSR_VIEWER_LINK_MORE,      /* stopped after a batch for fairness: call again */
	TSR_VIEWER_LINK_THROTTLED, /* out of tokens: call again at tsr_viewer_link_resume_us */
	TSR_VIEWER_LINK_CLOSED,    /* the viewer hung up */
	TSR_VIEWER_LINK_VIOLATION, /* protocol violation: see tsr_viewer_link_error */
};

/* Takes ownership of sock (made non-blocking here). clock NULL = monotonic. */
struct tsr_viewer_link *tsr_viewer_link_create(int sock, struct tsr_clock *clock,
					       const struct tsr_viewer_link_limits *limits,
					       const struct tsr_viewer_link_callbacks *cb,
					       void *opaque);
/* Unmaps everything and closes the socket. Accepts NULL. */
void tsr_viewer_link_destroy(struct tsr_viewer_link *link);

int tsr_viewer_link_fd(const struct tsr_viewer_link *link);

/* Read and act on queued messages. Once CLOSED or VIOLATION is returned, every later call
 * returns the same and nothing more is read. */
enum tsr_viewer_link_result tsr_viewer_link_dispatch(struct tsr_viewer_link *link)
	__attribute__((warn_unused_result));
int64_t tsr_viewer_link_resume_us(const struct tsr_viewer_link *link);

/* Act on one received message (used by dispatch, by tests and by the fuzzer). Takes ownership
 * of fds[0..nfds). Returns false on a violation, which also ends the link. */
bool tsr_viewer_link_handle(struct tsr_viewer_link *link, const void *buf, size_t len, int *fds,
			    size_t nfds) __attribute__((warn_unused_result));

/* What was wrong, for the log ("" if nothing). */
const char *tsr_viewer_link_error(const struct tsr_viewer_link *link);

/* Messages counted so far: accepted, and throttle pauses. */
uint64_t tsr_viewer_link_accepted(const struct tsr_viewer_link *link);
uint64_t tsr_viewer_link_throttles(const struct tsr_viewer_link *link);

/* Kiosk -> viewer. 0, or -1 with errno (EAGAIN when the viewer is not reading). */
int tsr_viewer_link_send_key(struct tsr_viewer_link *link, uint32_t scancode, bool down)
	__attribute__((warn_unused_result));
int tsr_viewer_link_send_pointer(struct tsr_viewer_link *link, int32_t x, int32_t y,
				 uint32_t buttons) __attribute__((warn_unused_result));
int tsr_viewer_link_send_release_all(struct tsr_viewer_link *link)
	__attribute__((warn_unused_result));
/* Ask the guest for width x height (proto/display-resize.h's limits; the viewer refuses others). */
int tsr_viewer_link_send_resize(struct tsr_viewer_link *link, uint32_t width, uint32_t height)
	__attribute__((warn_unused_result));
/* Ask for the domain's clipboard text, at most max_bytes; only the answer to the latest
 * request is taken. */
int tsr_viewer_link_clipboard_request(struct tsr_viewer_link *link, uint32_t max_bytes)
	__attribute__((warn_unused_result));
/* Hand text (checked by the caller: tsr_clipboard_text_ok) to the guest to paste. */
int tsr_viewer_link_clipboard_paste(struct tsr_viewer_link *link, const char *text, size_t len)
	__attribute__((warn_unused_result));

#endif
