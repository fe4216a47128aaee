/* renderer/render-loop.h: drives a scene onto an output from a GLib main loop.
 *
 * No fixed clock: when the scene becomes damaged and no frame is in flight, a frame is composed
 * and presented from a high-priority idle (so several scene changes made in one main-loop turn
 * share a frame); when a frame completes and damage is waiting, the next one is composed at once.
 * The output's own pacing (page flips, a rate cap) is the only limit. Output size changes resize
 * the scene. */
#ifndef TSR_RENDERER_RENDER_LOOP_H
#define TSR_RENDERER_RENDER_LOOP_H

#include <glib.h>

#include "renderer/output.h"
#include "renderer/scene.h"

struct tsr_render_loop;

/* Attach scene and output (both stay owned by the caller and must outlive the loop) to context
 * (NULL = the default main context). Takes over the scene's damage notify and the output's
 * listener. The scene is resized to the output and fully damaged. */
struct tsr_render_loop *tsr_render_loop_create(struct tsr_scene *scene, struct tsr_output *output,
					       GMainContext *context, GError **error)
	__attribute__((warn_unused_result));
void tsr_render_loop_destroy(struct tsr_render_loop *loop);

/* Frames presented through this loop so far. */
guint64 tsr_render_loop_frames(const struct tsr_render_loop *loop);

/* Called after each frame is presented, with the shadow buffer and the rectangles that changed
 * (valid during the call only): the kiosk feeds the SPICE console from here
 * (tsr_console_link_present), tests and the demo count frames or take screenshots. */
typedef void (*tsr_render_loop_frame_fn)(void *data, const struct tsr_image *shadow,
					 const struct tsr_rect *rects, int n);
void tsr_render_loop_set_frame_callback(struct tsr_render_loop *loop, tsr_render_loop_frame_fn fn,
					void *data);

#endif
