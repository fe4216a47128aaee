/* renderer/output-backend.h: what an output implementation (headless, drm) provides and may
 * use. Only output-*.c / drm-*.c include this; everyone else uses renderer/output.h.
 *
 * A backend allocates a struct that starts with struct tsr_output, fills in ops, kind, size and
 * fd, and returns it from its open function. The generic code in output.c checks arguments,
 * keeps frame_pending and the statistics, and clips rectangles before calling ops->present. */
#ifndef TSR_RENDERER_OUTPUT_BACKEND_H
#define TSR_RENDERER_OUTPUT_BACKEND_H

#include "renderer/output.h"

struct tsr_output_ops {
	/* Copy the rectangles (already clipped to the output and non-empty; n may be 0) from
	 * shadow into scanout and start showing the frame. Return false + error if nothing was
	 * shown; on true the backend later calls tsr_output_backend_frame_done() exactly once. */
	bool (*present)(struct tsr_output *output, const struct tsr_image *shadow,
			const struct tsr_rect *rects, int n, GError **error);
	/* Optional: draw the rectangles (clipped as above) and whatever the buffer about to be
	 * shown missed straight into scanout with tsr_scene_render, then as present. NULL: the
	 * generic code draws them in the scene's shadow and calls present. */
	bool (*present_scene)(struct tsr_output *output, struct tsr_scene *scene,
			      const struct tsr_rect *rects, int n, GError **error);
	/* Read the fd, handle events; may call tsr_output_backend_frame_done / _set_size. */
	bool (*dispatch)(struct tsr_output *output, GError **error);
	/* Optional: light the display (on) or turn it off; while off, frames still complete but
	 * need not be shown, and the first frame after turning on brings back the whole picture.
	 * NULL: the generic code only keeps the flag. */
	bool (*set_power)(struct tsr_output *output, bool on, GError **error);
	/* Optional (NULL = unsupported). */
	bool (*screenshot)(struct tsr_output *output, const char *png_path, GError **error);
	/* Free everything, including the struct itself. */
	void (*destroy)(struct tsr_output *output);
};

struct tsr_output {
	const struct tsr_output_ops *ops;
	const char *kind; /* static string: "headless", "drm" */
	int32_t width, height;
	int fd;
	/* Kept by output.c: */
	bool frame_pending;
	bool off; /* tsr_output_set_power(false) */
	uint64_t bytes_copied, frames;
	const struct tsr_output_listener *listener;
	void *listener_data;
};

/* Backends call these from their dispatch. frame_done clears frame_pending and tells the
 * listener; set_size changes the size, drops a pending frame and tells the listener. */
void tsr_output_backend_frame_done(struct tsr_output *output);
void tsr_output_backend_set_size(struct tsr_output *output, int32_t width, int32_t height);
/* Backends add bytes they copied to scanout here (the copy loop knows best). */
void tsr_output_backend_count_bytes(struct tsr_output *output, uint64_t bytes);

/* headless:WxH[@RATE]; rate_hz 0 = no cap. */
struct tsr_output *tsr_output_headless_open(int32_t width, int32_t height, int rate_hz,
					    GError **error);

/* drm[:/dev/dri/cardN][:CONNECTOR]: card and connector are NULL when not given (pick the first
 * card with a connected connector, and the first connected connector on it). Implemented by
 * renderer/drm-*.c, built when renderer/drm/local.mk adds -DTSR_HAVE_DRM_OUTPUT to
 * renderer_libtsr_renderer_a_CPPFLAGS and its sources to renderer_libtsr_renderer_a_SOURCES. */
/* card_fd >= 0: a card someone else opened (card names it in the log; the output owns the fd
 * from the call on, also on failure). */
struct tsr_output *tsr_output_drm_open(const char *card, const char *connector, int card_fd,
				       GError **error);

#endif
