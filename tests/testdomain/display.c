/* tests/testdomain/display.c: QXL primary surface and COPY drawables (see .h). */
#include "config.h"
#include "tests/testdomain/display.h"
#include "common/spice-qxl.h"

#include <glib.h>
#include <spice/qxl_dev.h>
#include <string.h>

/* Everything handed to spice-server starts with a kind, so release_resource knows what it got. */
enum held_kind { HELD_UPDATE, HELD_CURSOR };

struct cursor_cmd {
	enum held_kind kind;
	QXLCommandExt ext;
	QXLCursorCmd cmd;
	QXLCursor *shape; /* header + chunk + pixels, one allocation */
};

struct update {
	enum held_kind kind;
	struct tsr_qxl_copy copy;
	uint8_t *bits;
};

struct tsr_td_display {
	QXLInstance qxl;
	QXLInterface iface;
	SpiceServer *server;
	int w, h;
	uint8_t *surface_mem;
	GMutex lock;
	GQueue queue;          /* struct update *, not yet taken by the worker */
	GQueue cursor_queue;   /* struct cursor_cmd * */
	unsigned in_flight;    /* queued + taken but not yet released; under lock */
	uint64_t next_image_id;
	void (*monitors)(void *opaque, int w, int h);
	void *monitors_opaque;
};

static void update_free(struct update *u)
{
	if (u) {
		g_free(u->bits);
		g_free(u);
	}
}

static void get_init_info(QXLInstance *qin, QXLDevInitInfo *info)
{
	(void)qin;
	memset(info, 0, sizeof(*info));
	info->num_memslots_groups = 1;
	info->num_memslots = 1;
	info->memslot_gen_bits = 8;
	info->memslot_id_bits = 8;
	info->qxl_ram_size = 64u << 20;
	info->internal_groupslot_id = 0;
	info->n_surfaces = 1;
}

static int get_command(QXLInstance *qin, QXLCommandExt *ext)
{
	struct tsr_td_display *d = SPICE_CONTAINEROF(qin, struct tsr_td_display, qxl);
	struct update *u;

	g_mutex_lock(&d->lock);
	u = g_queue_pop_head(&d->queue);
	g_mutex_unlock(&d->lock);
	if (!u)
		return 0;
	*ext = u->copy.ext;
	return 1;
}

static int req_cmd_notification(QXLInstance *qin)
{
	struct tsr_td_display *d = SPICE_CONTAINEROF(qin, struct tsr_td_display, qxl);
	int empty;

	g_mutex_lock(&d->lock);
	empty = g_queue_is_empty(&d->queue);
	g_mutex_unlock(&d->lock);
	return empty; /* 1: "notify me" (we always call spice_qxl_wakeup on push) */
}

static void release_resource(QXLInstance *qin, QXLReleaseInfoExt info)
{
	struct tsr_td_display *d = SPICE_CONTAINEROF(qin, struct tsr_td_display, qxl);
	enum held_kind *kind = (enum held_kind *)(uintptr_t)info.info->id;

	if (*kind == HELD_CURSOR) {
		struct cursor_cmd *c = (struct cursor_cmd *)kind;
		g_free(c->shape);
		g_free(c);
		return;
	}
	update_free((struct update *)kind);
	g_mutex_lock(&d->lock);
	if (d->in_flight)
		d->in_flight--;
	g_mutex_unlock(&d->lock);
}

static int get_cursor_command(QXLInstance *qin, QXLCommandExt *ext)
{
	struct tsr_td_display *d = SPICE_CONTAINEROF(qin, struct tsr_td_display, qxl);
	struct cursor_cmd *c;

	g_mutex_lock(&d->lock);
	c = g_queue_pop_head(&d->cursor_queue);
	g_mutex_unlock(&d->lock);
	if (!c)
		return 0;
	*ext = c->ext;
	return 1;
}

static int req_cursor_notification(QXLInstance *qin)
{
	struct tsr_td_display *d = SPICE_CONTAINEROF(qin, struct tsr_td_display, qxl);
	int empty;

	g_mutex_lock(&d->lock);
	empty = g_queue_is_empty(&d->cursor_queue);
	g_mutex_unlock(&d->lock);
	return empty;
}

void tsr_td_display_set_cursor(struct tsr_td_display *d, const uint32_t *argb, int w, int h,
			       int hot_x, int hot_y)
{
	struct cursor_cmd *c = g_new0(struct cursor_cmd, 1);
	size_t bytes = (size_t)w * (size_t)h * 4;

	c->kind = HELD_CURSOR;
	c->shape = g_malloc0(sizeof(QXLCursor) + bytes);
	c->shape->header.unique = 0;
	c->shape->header.type = SPICE_CURSOR_TYPE_ALPHA;
	c->shape->header.width = (uint16_t)w;
	c->shape->header.height = (uint16_t)h;
	c->shape->header.hot_spot_x = (uint16_t)hot_x;
	c->shape->header.hot_spot_y = (uint16_t)hot_y;
	c->shape->data_size = (uint32_t)bytes;
	c->shape->chunk.data_size = (uint32_t)bytes;
	memcpy(c->shape->chunk.data, argb, bytes);
	c->cmd.release_info.id = (uint64_t)(uintptr_t)c;
	c->cmd.type = QXL_CURSOR_SET;
	c->cmd.u.set.visible = 1;
	c->cmd.u.set.shape = (QXLPHYSICAL)(uintptr_t)c->shape;
	c->ext.cmd.data = (QXLPHYSICAL)(uintptr_t)&c->cmd;
	c->ext.cmd.type = QXL_CMD_CURSOR;
	g_mutex_lock(&d->lock);
	g_queue_push_tail(&d->cursor_queue, c);
	g_mutex_unlock(&d->lock);
	spice_qxl_wakeup(&d->qxl);
}

static void create_primary(struct tsr_td_display *d, int w, int h)
{
	QXLDevSurfaceCreate s;

	d->w = w;
	d->h = h;
	/* spice-server renders into this memory itself (for late-joining clients); we never
	 * write to it, our pixels travel in the drawables. */
	d->surface_mem = g_malloc0((size_t)w * (size_t)h * 4);
	memset(&s, 0, sizeof(s));
	s.width = (uint32_t)w;
	s.height = (uint32_t)h;
	s.stride = w * 4;
	s.format = SPICE_SURFACE_FMT_32_xRGB;
	s.mouse_mode = 1; /* client mouse mode allowed: the domain has a tablet */
	s.mem = (uint64_t)(uintptr_t)d->surface_mem;
	s.group_id = TSR_QXL_SLOT_GROUP;
	spice_qxl_create_primary_surface(&d->qxl, 0, &s);
}

struct tsr_td_display *tsr_td_display_create(SpiceServer *server, int w, int h)
{
	struct tsr_td_display *d = g_new0(struct tsr_td_display, 1);

	d->server = server;
	g_mutex_init(&d->lock);
	g_queue_init(&d->queue);
	g_queue_init(&d->cursor_queue);
	tsr_qxl_interface_init(&d->iface, "tessera test display", get_init_info, get_command,
			       req_cmd_notification, release_resource);
	d->iface.get_cursor_command = get_cursor_command;
	d->iface.req_cursor_notification = req_cursor_notification;
	d->qxl.base.sif = &d->iface.base;
	d->qxl.id = 0;
	if (spice_server_add_interface(server, &d->qxl.base) != 0) {
		g_mutex_clear(&d->lock);
		g_free(d);
		return NULL;
	}
	create_primary(d, w, h);
	return d;
}

static void drop_queued(struct tsr_td_display *d)
{
	struct update *u;

	g_mutex_lock(&d->lock);
	while ((u = g_queue_pop_head(&d->queue))) {
		update_free(u);
		d->in_flight--;
	}
	g_mutex_unlock(&d->lock);
}

void tsr_td_display_resize(struct tsr_td_display *d, int w, int h)
{
	drop_queued(d);
	/* Synchronous: the worker has let go of the old surface (and of every drawable on it)
	 * when this returns. */
	spice_qxl_destroy_primary_surface(&d->qxl, 0);
	g_free(d->surface_mem);
	create_primary(d, w, h);
}

void tsr_td_display_destroy(struct tsr_td_display *d)
{
	if (!d)
		return;
	drop_queued(d);
	/* The surface memory must outlive the server (spice_server_destroy stops the worker):
	 * the caller destroys the server first, then us. */
	g_free(d->surface_mem);
	g_mutex_clear(&d->lock);
	g_free(d);
}

bool tsr_td_display_push(struct tsr_td_display *d, const uint32_t *image, size_t stride, int x,
			 int y, int w, int h, unsigned max_in_flight)
{
	struct update *u;

	if (x < 0 || y < 0 || w <= 0 || h <= 0 || x > d->w - w || y > d->h - h)
		return false;
	g_mutex_lock(&d->lock);
	if (d->in_flight >= max_in_flight) {
		g_mutex_unlock(&d->lock);
		return false;
	}
	d->in_flight++;
	g_mutex_unlock(&d->lock);

	u = g_new0(struct update, 1);
	u->kind = HELD_UPDATE;
	u->bits = g_malloc((size_t)w * (size_t)h * 4);
	for (int r = 0; r < h; r++)
		memcpy(u->bits + (size_t)r * (size_t)w * 4,
		       (const uint8_t *)image + (size_t)(y + r) * stride + (size_t)x * 4,
		       (size_t)w * 4);

	tsr_qxl_copy_init(&u->copy, u->bits, x, y, (uint32_t)w, (uint32_t)h,
			  (uint64_t)(uintptr_t)u, TSR_QXL_SLOT_GROUP);
	u->copy.image.descriptor.id = ++d->next_image_id;

	g_mutex_lock(&d->lock);
	g_queue_push_tail(&d->queue, u);
	g_mutex_unlock(&d->lock);
	spice_qxl_wakeup(&d->qxl);
	return true;
}

/* spice-server asks with NULL whether the device follows the client at all. */
static int client_monitors_config(QXLInstance *qin, VDAgentMonitorsConfig *mc)
{
	struct tsr_td_display *d = SPICE_CONTAINEROF(qin, struct tsr_td_display, qxl);

	if (mc && mc->num_of_monitors > 0)
		d->monitors(d->monitors_opaque, (int)mc->monitors[0].width,
			    (int)mc->monitors[0].height);
	return 1;
}

void tsr_td_display_follow_monitors(struct tsr_td_display *d,
				    void (*fn)(void *opaque, int w, int h), void *opaque)
{
	d->monitors = fn;
	d->monitors_opaque = opaque;
	d->iface.client_monitors_config = client_monitors_config;
}
