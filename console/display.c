/* console/display.c: damage of a memfd surface -> QXL drawables (see console-display.h).
 *
 * Threads: set_surface and damage run on the main thread; get_command, req_cmd_notification and
 * release_resource run on spice-server's display worker thread. The mutex guards the source
 * pixels and the pending region. spice_qxl_*_primary_surface are synchronous calls into the
 * worker, so they are never made with the mutex held. */
#include "config.h"
#include "console/display.h"
#include "common/spice-qxl.h"

#include <glib.h>
#include <pixman.h>
#include <stdbool.h>
#include <string.h>

/* A damaged region with more rectangles than this is sent as its bounding box. */
#define MAX_RECTS_PER_PASS 32

struct update {
	struct tsr_qxl_copy copy;
	uint8_t bitmap[]; /* width * 4 per row, top-down */
};

struct tsr_console_display {
	QXLInstance qxl;
	QXLInterface iface;
	SpiceServer *server;
	bool primary; /* a primary surface exists in the server */
	uint8_t *primary_mem;

	GMutex lock;
	const uint8_t *pixels; /* NULL while no surface is valid */
	uint32_t width, height, stride;
	pixman_region32_t pending;
	bool notify; /* the worker asked to be woken when commands appear */
	uint64_t unique;
};

static struct tsr_console_display *from_qxl(QXLInstance *qin)
{
	return (struct tsr_console_display *)((char *)qin - offsetof(struct tsr_console_display, qxl));
}

static void get_init_info(QXLInstance *qin, QXLDevInitInfo *info)
{
	memset(info, 0, sizeof(*info));
	info->num_memslots = 1;
	info->num_memslots_groups = 1;
	info->memslot_id_bits = 1;
	info->memslot_gen_bits = 1;
	info->n_surfaces = 1;
}

/* Worker thread, lock held: the next rectangle to send, removed from the pending region. */
static bool take_rect(struct tsr_console_display *d, pixman_box32_t *out)
{
	int n;
	pixman_box32_t *boxes;

	if (!d->pixels || !pixman_region32_not_empty(&d->pending))
		return false;
	boxes = pixman_region32_rectangles(&d->pending, &n);
	if (n > MAX_RECTS_PER_PASS)
		*out = *pixman_region32_extents(&d->pending);
	else
		*out = boxes[0];
	pixman_region32_t done;
	pixman_region32_init_rect(&done, out->x1, out->y1, (unsigned)(out->x2 - out->x1),
				  (unsigned)(out->y2 - out->y1));
	pixman_region32_subtract(&d->pending, &d->pending, &done);
	pixman_region32_fini(&done);
	return true;
}

static int get_command(QXLInstance *qin, QXLCommandExt *ext)
{
	struct tsr_console_display *d = from_qxl(qin);
	pixman_box32_t box;
	struct update *u;
	uint32_t w, h;

	g_mutex_lock(&d->lock);
	if (!take_rect(d, &box)) {
		g_mutex_unlock(&d->lock);
		return 0;
	}
	w = (uint32_t)(box.x2 - box.x1);
	h = (uint32_t)(box.y2 - box.y1);
	/* w, h <= 8192: w * 4 * h < 2^28, no overflow. */
	u = g_malloc0(sizeof(*u) + (size_t)w * 4 * h);
	for (uint32_t row = 0; row < h; row++)
		memcpy(u->bitmap + (size_t)row * w * 4,
		       d->pixels + (size_t)(box.y1 + (int)row) * d->stride + (size_t)box.x1 * 4,
		       (size_t)w * 4);
	d->unique++;
	QXL_SET_IMAGE_ID(&u->copy.image, QXL_IMAGE_GROUP_DEVICE, d->unique);
	g_mutex_unlock(&d->lock);

	tsr_qxl_copy_init(&u->copy, u->bitmap, box.x1, box.y1, w, h, (uint64_t)(uintptr_t)u,
			  TSR_QXL_SLOT_GROUP);
	*ext = u->copy.ext;
	return 1;
}

static int req_cmd_notification(QXLInstance *qin)
{
	struct tsr_console_display *d = from_qxl(qin);
	bool ready;

	g_mutex_lock(&d->lock);
	ready = d->pixels && pixman_region32_not_empty(&d->pending);
	d->notify = !ready;
	g_mutex_unlock(&d->lock);
	/* false = commands are already waiting, ask again at once. */
	return ready ? 0 : 1;
}

static void release_resource(QXLInstance *qin, QXLReleaseInfoExt release_info)
{
	g_free((void *)(uintptr_t)release_info.info->id);
}

struct tsr_console_display *tsr_console_display_create(SpiceServer *server)
{
	struct tsr_console_display *d = g_new0(struct tsr_console_display, 1);

	g_mutex_init(&d->lock);
	pixman_region32_init(&d->pending);
	d->server = server;
	/* The kiosk draws its own pointer into the desktop: no cursor callbacks. */
	tsr_qxl_interface_init(&d->iface, "tessera kiosk desktop", get_init_info, get_command,
			       req_cmd_notification, release_resource);
	d->qxl.base.sif = &d->iface.base;
	d->qxl.id = 0;
	if (spice_server_add_interface(server, &d->qxl.base) != 0) {
		pixman_region32_fini(&d->pending);
		g_mutex_clear(&d->lock);
		g_free(d);
		return NULL;
	}
	return d;
}

static void drop_primary(struct tsr_console_display *d)
{
	g_mutex_lock(&d->lock);
	d->pixels = NULL;
	pixman_region32_clear(&d->pending);
	g_mutex_unlock(&d->lock);
	if (d->primary) {
		spice_qxl_destroy_primary_surface(&d->qxl, 0);
		d->primary = false;
	}
	g_free(d->primary_mem);
	d->primary_mem = NULL;
}

void tsr_console_display_set_surface(struct tsr_console_display *d, const uint8_t *pixels,
				     uint32_t width, uint32_t height, uint32_t stride)
{
	QXLDevSurfaceCreate surface = { 0 };
	bool wake;

	drop_primary(d);
	/* spice-server draws into this; width*4*height was capped by the protocol check. */
	d->primary_mem = g_malloc0((size_t)width * 4 * height);
	surface.format = SPICE_SURFACE_FMT_32_xRGB;
	surface.width = width;
	surface.height = height;
	/* Negative stride, as QEMU and spice-server's tests do: mem is the start of the buffer. */
	surface.stride = -(int32_t)(width * 4);
	surface.mouse_mode = 1; /* the tablet makes client (absolute) mouse mode possible */
	surface.flags = 0;
	surface.type = 0;
	surface.position = 0;
	surface.mem = (uint64_t)(uintptr_t)d->primary_mem;
	surface.group_id = TSR_QXL_SLOT_GROUP;
	spice_qxl_create_primary_surface(&d->qxl, 0, &surface);
	d->primary = true;

	g_mutex_lock(&d->lock);
	d->pixels = pixels;
	d->width = width;
	d->height = height;
	d->stride = stride;
	pixman_region32_reset(&d->pending,
			      &(pixman_box32_t){ 0, 0, (int32_t)width, (int32_t)height });
	wake = d->notify;
	d->notify = false;
	g_mutex_unlock(&d->lock);
	if (wake)
		spice_qxl_wakeup(&d->qxl);
}

void tsr_console_display_damage(struct tsr_console_display *d,
				const struct tsr_console_rect *rects, size_t count)
{
	bool wake;

	g_mutex_lock(&d->lock);
	for (size_t i = 0; i < count; i++)
		pixman_region32_union_rect(&d->pending, &d->pending, (int)rects[i].x,
					   (int)rects[i].y, rects[i].width, rects[i].height);
	wake = d->notify && d->pixels;
	if (wake)
		d->notify = false;
	g_mutex_unlock(&d->lock);
	if (wake)
		spice_qxl_wakeup(&d->qxl);
}

void tsr_console_display_destroy(struct tsr_console_display *d)
{
	if (!d)
		return;
	drop_primary(d);
	spice_server_remove_interface(&d->qxl.base);
	pixman_region32_fini(&d->pending);
	g_mutex_clear(&d->lock);
	g_free(d);
}
