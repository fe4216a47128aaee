/* renderer/drm/output.c: the "drm" tsr_output backend (see output.h for the contract).
 *
 * One desktop on one connector. Frames are double-buffered in dumb buffers: a frame brings the
 * back buffer up to date where it is behind (the damage of this frame and of the frame before,
 * which went to the other buffer), drawing it straight from the scene (present_scene) or
 * copying it from the shadow (present), then flips. One flip is in flight at a time;
 * its page-flip event ends the frame. Drivers without vblank interrupts (bochs-drm) send the
 * event at once, so those frames end on a timer one refresh period after the commit instead.
 * Connector hotplug re-probes the card: the output may move to another mode or connector, or to
 * 0x0 when nothing is connected, without ever exiting. Turned off (tsr_output_set_power), the
 * CRTC is disabled once no flip is in flight and frames complete on the timer without drawing;
 * turning on sets the mode again on a black buffer and makes both buffers wholly stale, so the
 * next frame draws the whole desktop.
 *
 * The output's fd is an epoll set of the card (flip events), a timerfd (pacing, and frames
 * presented with no display) and the udev monitor (hotplug). */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "common/log.h"
#include "renderer/drm/private.h"

/* Flips completing this soon after their commit count as "instant" (no real vblank wait). */
#define QUICK_FLIP_NS 500000
#define QUICK_FLIPS_MEAN_NO_VBLANK 3

static bool arm_timer(struct drm_output *out, int64_t when_ns, GError **error)
{
	if (when_ns < 1)
		when_ns = 1; /* an absolute time in the past fires at once */
	struct itimerspec its = { .it_value = { when_ns / 1000000000, when_ns % 1000000000 } };
	if (timerfd_settime(out->timer_fd, TFD_TIMER_ABSTIME, &its, NULL) < 0) {
		g_set_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_IO,
			    "drm output: timerfd_settime: %s", g_strerror(errno));
		return false;
	}
	return true;
}

/* Brings a newly probed head up: buffers, modeset showing black. */
static bool head_start(struct drm_output *out, struct drm_head *head, GError **error)
{
	for (int i = 0; i < 2; i++)
		if (!tsr_drm_buffer_create(out, &head->buf[i], head->mode.hdisplay,
					   head->mode.vdisplay, error))
			return false;
	for (int i = 0; i < 2; i++)
		memset(head->buf[i].map, 0, head->buf[i].size);
	if (!tsr_drm_modeset(out, head, 0, error))
		return false;
	head->back = 1;
	return true;
}

/* Re-reads the connectors and moves to whatever should be shown now. */
static void reprobe(struct drm_output *out)
{
	g_autoptr(GError) error = NULL;
	struct drm_head *next = tsr_drm_head_probe(out, &error);
	if (next == NULL && error != NULL)
		tsr_warn("%s", error->message);
	if (next != NULL && out->head != NULL && tsr_drm_head_same(next, out->head)) {
		tsr_info("drm: displays changed on %s; staying on %s", out->card_path,
			 out->head->name);
		tsr_drm_head_free(out, next);
		return;
	}
	/* Anything in flight belongs to the old head. */
	out->generation++;
	out->flip_in_flight = false;
	out->disable_pending = false;
	if (out->head != NULL) {
		tsr_info("drm: leaving %s", out->head->name);
		tsr_drm_disable(out, out->head);
		tsr_drm_head_free(out, out->head);
		out->head = NULL;
	}
	if (next != NULL) {
		g_clear_error(&error);
		if (head_start(out, next, &error)) {
			out->head = next;
			if (out->base.off) /* a monitor plugged in while blanked stays dark */
				tsr_drm_disable(out, next);
		} else {
			tsr_warn("%s", error->message);
			tsr_drm_head_free(out, next);
		}
	}
	if (out->head == NULL)
		tsr_info("drm: no display connected to %s%s%s; waiting for one", out->card_path,
			 out->want_connector ? " on " : "",
			 out->want_connector ? out->want_connector : "");
	out->first_frame_logged = false;
	tsr_output_backend_set_size(&out->base, out->head ? out->head->mode.hdisplay : 0,
				    out->head ? out->head->mode.vdisplay : 0);
}

/* A frame: the rectangles join both buffers' stale regions, the back buffer is brought up to
 * date (drawn from scene, or copied from shadow when scene is NULL) and flipped in. */
static bool show(struct tsr_output *output, struct tsr_scene *scene, const struct tsr_image *shadow,
		 const struct tsr_rect *rects, int n, GError **error)
{
	struct drm_output *out = (struct drm_output *)output;
	struct drm_head *head = out->head;
	if (head != NULL && output->off) /* turned off: nothing is drawn until it is on */
		return arm_timer(out, 0, error);
	if (head == NULL) { /* no display: the frame completes at once */
		if (!out->first_frame_logged) {
			out->first_frame_logged = true;
			tsr_info("drm: no display: frames complete without being shown");
		}
		return arm_timer(out, 0, error);
	}
	for (int b = 0; b < 2; b++)
		for (int i = 0; i < n; i++)
			pixman_region32_union_rect(&head->buf[b].stale, &head->buf[b].stale,
						   rects[i].x, rects[i].y, (unsigned)rects[i].width,
						   (unsigned)rects[i].height);
	struct drm_buffer *back = &head->buf[head->back];
	tsr_output_backend_count_bytes(
		output, scene ? tsr_drm_buffer_render(back, scene, head->mode.hdisplay,
						      head->mode.vdisplay)
			      : tsr_drm_buffer_update(back, shadow));
	if (!tsr_drm_flip(out, head, head->back, error)) {
		/* Not shown: the buffer is still right for next time, nothing is lost. */
		return false;
	}
	head->back ^= 1;
	out->commit_ns = tsr_drm_now_ns();
	out->flip_in_flight = true;
	return true;
}

static bool drm_present(struct tsr_output *output, const struct tsr_image *shadow,
			const struct tsr_rect *rects, int n, GError **error)
{
	return show(output, NULL, shadow, rects, n, error);
}

static bool drm_present_scene(struct tsr_output *output, struct tsr_scene *scene,
			      const struct tsr_rect *rects, int n, GError **error)
{
	return show(output, scene, NULL, rects, n, error);
}

/* drmHandleEvent passes on only the commit's user data (the generation) and the CRTC; the
 * output being dispatched is found here. Several outputs may drive connectors of one card
 * (one per connector), each with its own descriptor of the same open file: whichever reads
 * the card gets every output's flip events, so a flip goes to the output driving its CRTC.
 * Everything runs on one thread (output.h). */
static struct drm_output *dispatching;
static GSList *open_outputs;

static struct drm_output *flipped(unsigned int crtc_id)
{
	for (GSList *l = open_outputs; l; l = l->next) {
		struct drm_output *o = l->data;
		if (o->head != NULL && o->head->crtc_id == crtc_id && o->flip_in_flight)
			return o;
	}
	return dispatching;
}

static void on_flip(int fd, unsigned int seq, unsigned int sec, unsigned int usec,
		    unsigned int crtc_id, void *data)
{
	struct drm_output *out = flipped(crtc_id);
	(void)fd, (void)seq, (void)sec, (void)usec;
	if (out == NULL || (uint32_t)(uintptr_t)data != out->generation || !out->flip_in_flight)
		return; /* a flip of a head that is gone */
	out->flip_in_flight = false;
	struct drm_head *head = out->head;
	if (out->disable_pending && head != NULL) {
		out->disable_pending = false;
		tsr_drm_disable(out, head);
		tsr_info("drm: %s off", head->name);
	}
	int64_t now = tsr_drm_now_ns();
	if (head != NULL && head->vblank) {
		out->quick_flips = now - out->commit_ns < QUICK_FLIP_NS ? out->quick_flips + 1 : 0;
		if (out->quick_flips >= QUICK_FLIPS_MEAN_NO_VBLANK) {
			tsr_info("drm: %s completes flips at once; pacing them with a timer",
				 head->name);
			head->vblank = false;
		}
	}
	if (!out->first_frame_logged && head != NULL) {
		out->first_frame_logged = true;
		tsr_info("drm: first frame shown on %s (%dx%d)", head->name, head->mode.hdisplay,
			 head->mode.vdisplay);
	}
	if (head != NULL && !head->vblank) {
		g_autoptr(GError) error = NULL;
		if (arm_timer(out, out->commit_ns + head->period_ns, &error))
			return;
		tsr_warn("%s", error->message);
	}
	tsr_output_backend_frame_done(&out->base);
}

static bool drm_dispatch(struct tsr_output *output, GError **error)
{
	struct drm_output *out = (struct drm_output *)output;
	struct epoll_event evs[4];
	int n = epoll_wait(output->fd, evs, 4, 0);
	if (n < 0) {
		if (errno == EINTR)
			return true;
		g_set_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_IO,
			    "drm output: epoll_wait: %s", g_strerror(errno));
		return false;
	}
	bool ok = true;
	for (int i = 0; i < n; i++) {
		int fd = evs[i].data.fd;
		if (fd == out->card_fd) {
			drmEventContext ctx = { .version = 3, .page_flip_handler2 = on_flip };
			dispatching = out;
			int r = drmHandleEvent(out->card_fd, &ctx);
			dispatching = NULL;
			if (r < 0 && errno != EAGAIN && ok) {
				g_set_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_IO,
					    "drm output: reading events of %s: %s", out->card_path,
					    g_strerror(errno));
				ok = false;
			}
		} else if (fd == out->timer_fd) {
			uint64_t expirations;
			if (read(out->timer_fd, &expirations, sizeof expirations) ==
				    sizeof expirations &&
			    !out->flip_in_flight)
				tsr_output_backend_frame_done(output);
		} else if (tsr_drm_monitor_read(out)) {
			reprobe(out);
		}
	}
	return ok;
}

static bool drm_set_power(struct tsr_output *output, bool on, GError **error)
{
	struct drm_output *out = (struct drm_output *)output;
	struct drm_head *head = out->head;
	if (!on) {
		if (head != NULL && out->flip_in_flight) {
			out->disable_pending = true; /* turning off under a flip would lose its event */
			tsr_info("drm: %s off once its flip is done", head->name);
		} else if (head != NULL) {
			tsr_drm_disable(out, head);
			tsr_info("drm: %s off", head->name);
		}
		return true;
	}
	if (out->disable_pending) { /* the CRTC never went off */
		out->disable_pending = false;
		return true;
	}
	if (head == NULL)
		return true;
	/* The front buffer is what the mode shows until the next frame: black, not what was on
	 * screen before; both buffers are then redrawn whole. */
	int front = head->back ^ 1;
	memset(head->buf[front].map, 0, head->buf[front].size);
	for (int b = 0; b < 2; b++)
		pixman_region32_union_rect(&head->buf[b].stale, &head->buf[b].stale, 0, 0,
					   (unsigned)head->mode.hdisplay,
					   (unsigned)head->mode.vdisplay);
	if (!tsr_drm_modeset(out, head, front, error))
		return false;
	out->first_frame_logged = false; /* the redrawn picture is logged when it is up */
	tsr_info("drm: %s on", head->name);
	return true;
}

static void drm_destroy(struct tsr_output *output)
{
	struct drm_output *out = (struct drm_output *)output;
	open_outputs = g_slist_remove(open_outputs, out);
	/* The last frame stays up until the card is closed; dropping master then lets the
	 * console (fbdev emulation) or another compositor take the display back. */
	tsr_drm_head_free(out, out->head);
	tsr_drm_monitor_close(out);
	tsr_drm_device_close(out);
	if (out->timer_fd >= 0)
		close(out->timer_fd);
	if (output->fd >= 0)
		close(output->fd);
	g_free(out->card_path);
	g_free(out->want_connector);
	g_free(out);
}

static const struct tsr_output_ops drm_ops = {
	.present = drm_present,
	.present_scene = drm_present_scene,
	.dispatch = drm_dispatch,
	.set_power = drm_set_power,
	.screenshot = NULL,
	.destroy = drm_destroy,
};

static bool watch(struct drm_output *out, int fd, GError **error)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };
	if (epoll_ctl(out->base.fd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		g_set_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_IO,
			    "drm output: epoll_ctl: %s", g_strerror(errno));
		return false;
	}
	return true;
}

struct tsr_output *tsr_output_drm_open(const char *card, const char *connector, int card_fd,
				       GError **error)
{
	struct drm_output *out = g_new0(struct drm_output, 1);
	out->base.ops = &drm_ops;
	out->base.kind = "drm";
	out->base.fd = epoll_create1(EPOLL_CLOEXEC);
	out->card_fd = -1;
	out->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	out->want_connector = g_strdup(connector);
	open_outputs = g_slist_prepend(open_outputs, out);
	if (out->base.fd < 0 || out->timer_fd < 0) {
		g_set_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_IO,
			    "drm output: epoll/timerfd: %s", g_strerror(errno));
		if (card_fd >= 0)
			close(card_fd);
		goto fail;
	}
	if (!tsr_drm_device_open(out, card, card_fd, error) || !tsr_drm_monitor_open(out, error) ||
	    !watch(out, out->card_fd, error) || !watch(out, out->timer_fd, error) ||
	    !watch(out, tsr_drm_monitor_fd(out), error))
		goto fail;
	GError *probe_error = NULL;
	out->head = tsr_drm_head_probe(out, &probe_error);
	if (probe_error != NULL) {
		g_propagate_error(error, probe_error);
		goto fail;
	}
	if (out->head != NULL && !head_start(out, out->head, error))
		goto fail;
	if (out->head != NULL) {
		out->base.width = out->head->mode.hdisplay;
		out->base.height = out->head->mode.vdisplay;
	} else {
		tsr_info("drm: no display connected to %s%s%s; waiting for one", out->card_path,
			 connector ? " on " : "", connector ? connector : "");
	}
	return &out->base;
fail:
	drm_destroy(&out->base);
	return NULL;
}
