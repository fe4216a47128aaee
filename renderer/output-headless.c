/* renderer/output-headless.c: an output in memory, for tests, the demo and the remote console.
 *
 * Its scanout buffer is ordinary memory that receives exactly the rectangles presented, so a
 * screenshot shows what a real screen would. A frame completes at once, or, with a rate cap, no
 * sooner than 1/RATE s after the previous one; completion is signalled through a timerfd so it
 * arrives from the main loop like a page flip, never from inside present. Turned off, the
 * scanout is black and frames are not copied; the first frame after turning on copies the whole
 * shadow, as a real display would be redrawn. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "renderer/output-backend.h"
#include "renderer/png.h"

struct headless {
	struct tsr_output base;
	struct tsr_image *scanout;
	int64_t period_ns; /* 0: no cap */
	int64_t last_done_ns;
	bool whole_next; /* turned back on: the next frame copies the whole shadow */
};

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static bool headless_present(struct tsr_output *output, const struct tsr_image *shadow,
			     const struct tsr_rect *rects, int n, GError **error)
{
	struct headless *h = (struct headless *)output;
	uint64_t bytes = 0;
	struct tsr_rect whole = { 0, 0, output->width, output->height };
	if (output->off) {
		n = 0;
	} else if (h->whole_next) {
		h->whole_next = false;
		rects = &whole;
		n = 1;
	}
	for (int i = 0; i < n; i++) {
		const struct tsr_rect *r = &rects[i];
		size_t len = (size_t)r->width * 4;
		bytes += len * (uint64_t)r->height;
		if (r->x == 0 && r->width == output->width && shadow->stride == h->scanout->stride) {
			/* Whole rows: one copy, which lets memcpy use streaming stores. */
			memcpy((guint8 *)h->scanout->pixels + (size_t)r->y * (size_t)shadow->stride,
			       (const guint8 *)shadow->pixels + (size_t)r->y * (size_t)shadow->stride,
			       (size_t)shadow->stride * (size_t)r->height);
			continue;
		}
		for (int32_t y = r->y; y < r->y + r->height; y++) {
			memcpy((guint8 *)h->scanout->pixels + (size_t)y * (size_t)h->scanout->stride +
				       (size_t)r->x * 4,
			       (const guint8 *)shadow->pixels + (size_t)y * (size_t)shadow->stride +
				       (size_t)r->x * 4,
			       len);
		}
	}
	tsr_output_backend_count_bytes(output, bytes);

	/* An absolute expiry in the past fires at once, which is what "no cap" wants. */
	int64_t due = h->period_ns ? h->last_done_ns + h->period_ns : 0;
	if (due < 1)
		due = 1;
	struct itimerspec its = { .it_value = { due / 1000000000, due % 1000000000 } };
	if (timerfd_settime(output->fd, TFD_TIMER_ABSTIME, &its, NULL) < 0) {
		g_set_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_IO,
			    "headless output: timerfd_settime: %s", g_strerror(errno));
		return false;
	}
	return true;
}

static bool headless_dispatch(struct tsr_output *output, GError **error)
{
	struct headless *h = (struct headless *)output;
	uint64_t expirations;
	ssize_t r = read(output->fd, &expirations, sizeof expirations);
	if (r < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return true;
		g_set_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_IO,
			    "headless output: reading the timerfd: %s", g_strerror(errno));
		return false;
	}
	h->last_done_ns = now_ns();
	tsr_output_backend_frame_done(output);
	return true;
}

static bool headless_set_power(struct tsr_output *output, bool on, GError **error)
{
	struct headless *h = (struct headless *)output;
	(void)error;
	if (!on)
		memset(h->scanout->pixels, 0, (size_t)h->scanout->stride * (size_t)h->scanout->height);
	h->whole_next = on;
	return true;
}

static bool headless_screenshot(struct tsr_output *output, const char *png_path, GError **error)
{
	struct headless *h = (struct headless *)output;
	return tsr_png_write(h->scanout, png_path, error);
}

static void headless_destroy(struct tsr_output *output)
{
	struct headless *h = (struct headless *)output;
	if (output->fd >= 0)
		close(output->fd);
	tsr_image_destroy(h->scanout);
	g_free(h);
}

static const struct tsr_output_ops headless_ops = {
	.present = headless_present,
	.dispatch = headless_dispatch,
	.set_power = headless_set_power,
	.screenshot = headless_screenshot,
	.destroy = headless_destroy,
};

struct tsr_output *tsr_output_headless_open(int32_t width, int32_t height, int rate_hz,
					    GError **error)
{
	if (rate_hz < 0 || rate_hz > 1000) {
		g_set_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_INVALID,
			    "headless output: rate %d is out of range 1..1000", rate_hz);
		return NULL;
	}
	struct tsr_image *scanout = tsr_image_create(width, height, error);
	if (scanout == NULL)
		return NULL;
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (fd < 0) {
		g_set_error(error, TSR_RENDERER_ERROR, TSR_RENDERER_ERROR_IO,
			    "headless output: timerfd_create: %s", g_strerror(errno));
		tsr_image_destroy(scanout);
		return NULL;
	}
	struct headless *h = g_new0(struct headless, 1);
	h->base.ops = &headless_ops;
	h->base.kind = "headless";
	h->base.width = width;
	h->base.height = height;
	h->base.fd = fd;
	h->scanout = scanout;
	h->period_ns = rate_hz ? 1000000000 / rate_hz : 0;
	h->last_done_ns = 0;
	return &h->base;
}
