/* kiosk/frames.h: composes the scene onto the output, and mirrors each frame to the console
 * and to the outputs that follow it.
 *
 * Like renderer/render-loop.h (frames only on damage, coalesced per main-loop turn, paced by
 * the output), but it also knows which rectangles each frame changed, so the SPICE console
 * (proto/console-link.h) gets exactly those pixels and that damage: a remote viewer costs a
 * copy of what changed, never of the whole desktop per frame. The same goes for the monitors
 * of a mirrored desktop (policy [outputs] mode = mirror): each shows another output's frames
 * centred 1:1 on black instead of its own scene, and copies only what changed. */
#ifndef TSR_KIOSK_FRAMES_H
#define TSR_KIOSK_FRAMES_H

#include <glib.h>

#include "proto/console-link.h"
#include "renderer/output.h"
#include "renderer/scene.h"

struct tsr_kiosk_frames;

/* Takes over the scene's damage notify and the output's listener (both stay the caller's). */
struct tsr_kiosk_frames *tsr_kiosk_frames_create(struct tsr_scene *scene, struct tsr_output *output,
						 GError **error) __attribute__((warn_unused_result));
void tsr_kiosk_frames_destroy(struct tsr_kiosk_frames *frames);

/* Mirror frames to this console (NULL: stop). The link stays the caller's. */
void tsr_kiosk_frames_set_console(struct tsr_kiosk_frames *frames, struct tsr_console_link *link);
/* Show source's frames instead of frames' own scene: source's picture centred on this output,
 * black around it (cropped, centred, where this output is smaller); the console, if any, gets
 * that picture too. NULL: its own scene again, redrawn whole. A source never follows another
 * (refused with a warning), and a follower is dropped when its source is destroyed. */
void tsr_kiosk_frames_follow(struct tsr_kiosk_frames *frames, struct tsr_kiosk_frames *source);
/* Where source's picture sits on this output (its top-left corner, in this output's pixels;
 * negative where it is cropped). false when not following. */
bool tsr_kiosk_frames_follow_offset(const struct tsr_kiosk_frames *frames, int32_t *x, int32_t *y)
	__attribute__((warn_unused_result));
/* Told about each frame (every hook optional). */
struct tsr_kiosk_frames_hooks {
	void (*presented)(void *data); /* a frame was presented (screenshots) */
	void (*shown)(void *data);     /* the output says the frame presented last is on screen */
	void (*resized)(void *data);   /* the output changed size and the scene followed it */
};
/* hooks is copied (NULL: none). */
void tsr_kiosk_frames_set_hooks(struct tsr_kiosk_frames *frames,
				const struct tsr_kiosk_frames_hooks *hooks, void *data);
guint64 tsr_kiosk_frames_count(const struct tsr_kiosk_frames *frames);
/* Nothing drawn waits to be presented: the output shows the scene (or the followed output's
 * picture) as it is now. A redraw that changed no pixel leaves the frames settled, and no
 * frame, so no presented hook, follows it. */
bool tsr_kiosk_frames_settled(const struct tsr_kiosk_frames *frames);

/* Frame pacing: for each time the scene went from clean to damaged (a domain's damage message,
 * the pointer, the clock), how many compose + present cycles it took to reach the output,
 * counting the one that showed it: "next" when that was the first frame presented after the
 * damage, "later" otherwise. Returns the counts since the last call and starts again. */
struct tsr_kiosk_pacing {
	guint64 next, later, most;
};
struct tsr_kiosk_pacing tsr_kiosk_frames_take_pacing(struct tsr_kiosk_frames *frames);

#endif
