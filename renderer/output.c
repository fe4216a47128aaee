/* renderer/output.c: the output factory (spec parsing) and the checks every backend shares:
 * one frame in flight, shadow size, rectangle clipping, statistics. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "renderer/output-backend.h"
#include "renderer/scene.h"

/* Parse a decimal in [min, max] that fills [s, end) exactly. */
static bool parse_int(const char *s, const char *end, long min, long max, long *out)
{
	if (s == end || s[0] < '0' || s[0] > '9' || end - s > 9)
		return false;
	long v = 0;
	for (const char *p = s; p < end; p++) {
		if (*p < '0' || *p > '9')
			return false;
		v = v * 10 + (*p - '0');
	}
	if (v < min || v > max)
		return false;
	*out = v;
	return true;
}

static struct tsr_output *open_headless(const char *spec, const char *args, GError **error)
{
	/* args: WxH[@RATE] */
	const char *x = strchr(args, 'x');
	const char *at = strchr(args, '@');
	const char *end = args + strlen(args);
	long w, h, rate = 0;
	if (x == NULL || (at != NULL && at < x) ||
	    !parse_int(args, x, 1, TSR_IMAGE_MAX_SIDE, &w) ||
	    !parse_int(x + 1, at ? at : end, 1, TSR_IMAGE_MAX_SIDE, &h) ||
	    (at != NULL && !parse_int(at + 1, end, 1, 1000, &rate))) {
		g_set_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_INVALID,
			    "bad output spec '%s': expected headless:WIDTHxHEIGHT[@RATE] with "
			    "sides 1..%d and RATE 1..1000 frames per second, e.g. headless:1920x1080",
			    spec, TSR_IMAGE_MAX_SIDE);
		return NULL;
	}
	return tsr_output_headless_open((int32_t)w, (int32_t)h, (int)rate, error);
}

static struct tsr_output *open_drm(const char *spec, const char *args, int card_fd,
				   const char *node, GError **error)
{
	/* args: "" | [/dev/dri/cardN][:CONNECTOR] */
	g_autofree char *card = NULL;
	g_autofree char *connector = NULL;
	if (args[0] == '/') {
		const char *colon = strchr(args, ':');
		card = colon ? g_strndup(args, (gsize)(colon - args)) : g_strdup(args);
		if (colon != NULL)
			connector = g_strdup(colon + 1);
	} else if (args[0] != '\0') {
		connector = g_strdup(args);
	}
	if ((connector != NULL && (connector[0] == '\0' || strchr(connector, ':') != NULL ||
				   strchr(connector, '/') != NULL)) ||
	    (card != NULL && strncmp(card, "/dev/dri/", 9) != 0)) {
		g_set_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_INVALID,
			    "bad output spec '%s': expected drm, drm:/dev/dri/cardN, drm:CONNECTOR "
			    "or drm:/dev/dri/cardN:CONNECTOR (e.g. drm:/dev/dri/card0:Virtual-1)",
			    spec);
		if (card_fd >= 0)
			close(card_fd);
		return NULL;
	}
	if (card_fd >= 0 && card != NULL) {
		g_set_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_INVALID,
			    "output '%s': the card was passed already; name only the connector "
			    "(drm or drm:CONNECTOR)", spec);
		close(card_fd);
		return NULL;
	}
#ifdef TSR_HAVE_DRM_OUTPUT
	return tsr_output_drm_open(card_fd >= 0 ? node : card, connector, card_fd, error);
#else
	(void)node;
	if (card_fd >= 0)
		close(card_fd);
	g_set_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_UNSUPPORTED,
		    "output '%s': the drm output is not built into this program (renderer/drm/local.mk); "
		    "use headless:WxH", spec);
	return NULL;
#endif
}

struct tsr_output *tsr_output_open(const char *spec, GError **error)
{
	if (spec == NULL)
		spec = "";
	struct tsr_output *out = NULL;
	if (strncmp(spec, "headless:", 9) == 0)
		out = open_headless(spec, spec + 9, error);
	else if (strcmp(spec, "drm") == 0)
		out = open_drm(spec, "", -1, NULL, error);
	else if (strncmp(spec, "drm:", 4) == 0 && spec[4] != '\0')
		out = open_drm(spec, spec + 4, -1, NULL, error);
	else
		g_set_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_INVALID,
			    "unknown output '%s': use headless:WIDTHxHEIGHT[@RATE] or "
			    "drm[:/dev/dri/cardN][:CONNECTOR]", spec);
	return out;
}

struct tsr_output *tsr_output_open_drm_fd(const char *spec, int card_fd, const char *node,
					  GError **error)
{
	if (spec == NULL || strcmp(spec, "drm") == 0)
		return open_drm("drm", "", card_fd, node, error);
	if (strncmp(spec, "drm:", 4) == 0 && spec[4] != '\0')
		return open_drm(spec, spec + 4, card_fd, node, error);
	g_set_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_INVALID,
		    "output '%s': a passed DRM card needs a drm output (drm or drm:CONNECTOR)", spec);
	close(card_fd);
	return NULL;
}

void tsr_output_destroy(struct tsr_output *output)
{
	if (output != NULL)
		output->ops->destroy(output);
}

const char *tsr_output_kind(const struct tsr_output *output)
{
	return output->kind;
}

int32_t tsr_output_width(const struct tsr_output *output)
{
	return output->width;
}

int32_t tsr_output_height(const struct tsr_output *output)
{
	return output->height;
}

void tsr_output_set_listener(struct tsr_output *output, const struct tsr_output_listener *listener,
			     void *data)
{
	output->listener = listener;
	output->listener_data = data;
}

int tsr_output_get_fd(const struct tsr_output *output)
{
	return output->fd;
}

bool tsr_output_dispatch(struct tsr_output *output, GError **error)
{
	return output->ops->dispatch(output, error);
}

bool tsr_output_frame_pending(const struct tsr_output *output)
{
	return output->frame_pending;
}

/* What every frame is checked for; a copy of rects clipped to the output (non-empty only) in
 * *clipped, to be freed by the caller. */
static bool check_frame(struct tsr_output *output, const struct tsr_image *shadow,
			const struct tsr_rect *rects, int n, struct tsr_rect **clipped, int *m,
			GError **error)
{
	if (output->frame_pending) {
		g_set_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_BUSY,
			    "%s output: a frame is still in flight; wait for frame_done",
			    output->kind);
		return false;
	}
	if (output->width != 0 &&
	    (shadow == NULL || shadow->width != output->width || shadow->height != output->height)) {
		g_set_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_INVALID,
			    "%s output is %dx%d but the shadow buffer is %dx%d; resize the scene",
			    output->kind, output->width, output->height, shadow ? shadow->width : 0,
			    shadow ? shadow->height : 0);
		return false;
	}
	if (n < 0 || (n > 0 && rects == NULL)) {
		g_set_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_INVALID,
			    "%s output: bad rectangle list (%d rectangles)", output->kind, n);
		return false;
	}
	*clipped = g_new(struct tsr_rect, n > 0 ? n : 1);
	*m = 0;
	for (int i = 0; i < n; i++) {
		int64_t x1 = MAX(rects[i].x, 0), y1 = MAX(rects[i].y, 0);
		int64_t x2 = MIN((int64_t)rects[i].x + rects[i].width, (int64_t)output->width);
		int64_t y2 = MIN((int64_t)rects[i].y + rects[i].height, (int64_t)output->height);
		if (rects[i].width <= 0 || rects[i].height <= 0 || x2 <= x1 || y2 <= y1)
			continue;
		(*clipped)[(*m)++] = (struct tsr_rect){ (int32_t)x1, (int32_t)y1,
							(int32_t)(x2 - x1), (int32_t)(y2 - y1) };
	}
	return true;
}

static bool presented(struct tsr_output *output, bool ok)
{
	if (ok) {
		output->frame_pending = true;
		output->frames++;
	}
	return ok;
}

bool tsr_output_present(struct tsr_output *output, const struct tsr_image *shadow,
			const struct tsr_rect *rects, int n, GError **error)
{
	struct tsr_rect *clipped;
	int m;
	if (!check_frame(output, shadow, rects, n, &clipped, &m, error))
		return false;
	bool ok = output->ops->present(output, shadow, clipped, m, error);
	g_free(clipped);
	return presented(output, ok);
}

bool tsr_output_present_scene(struct tsr_output *output, struct tsr_scene *scene,
			      const struct tsr_rect *rects, int n, GError **error)
{
	const struct tsr_image *shadow = tsr_scene_shadow(scene);
	struct tsr_rect *clipped;
	int m;
	if (!check_frame(output, shadow, rects, n, &clipped, &m, error))
		return false;
	bool ok;
	if (output->ops->present_scene != NULL) {
		ok = output->ops->present_scene(output, scene, clipped, m, error);
	} else {
		tsr_scene_draw_rects(scene, clipped, m);
		ok = output->ops->present(output, shadow, clipped, m, error);
	}
	g_free(clipped);
	return presented(output, ok);
}

bool tsr_output_set_power(struct tsr_output *output, bool on, GError **error)
{
	if (output->off == !on)
		return true;
	if (output->ops->set_power != NULL && !output->ops->set_power(output, on, error))
		return false;
	output->off = !on;
	return true;
}

bool tsr_output_powered(const struct tsr_output *output)
{
	return !output->off;
}

bool tsr_output_screenshot(struct tsr_output *output, const char *png_path, GError **error)
{
	if (output->ops->screenshot == NULL) {
		g_set_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_UNSUPPORTED,
			    "the %s output cannot take screenshots; use a headless output",
			    output->kind);
		return false;
	}
	return output->ops->screenshot(output, png_path, error);
}

uint64_t tsr_output_bytes_copied(const struct tsr_output *output)
{
	return output->bytes_copied;
}

uint64_t tsr_output_frames(const struct tsr_output *output)
{
	return output->frames;
}

void tsr_output_backend_frame_done(struct tsr_output *output)
{
	if (!output->frame_pending)
		return;
	output->frame_pending = false;
	if (output->listener != NULL && output->listener->frame_done != NULL)
		output->listener->frame_done(output->listener_data);
}

void tsr_output_backend_set_size(struct tsr_output *output, int32_t width, int32_t height)
{
	output->frame_pending = false;
	output->width = width;
	output->height = height;
	if (output->listener != NULL && output->listener->size_changed != NULL)
		output->listener->size_changed(output->listener_data, width, height);
}

void tsr_output_backend_count_bytes(struct tsr_output *output, uint64_t bytes)
{
	output->bytes_copied += bytes;
}
