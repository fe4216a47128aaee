/* common/spice-qxl.c: COPY drawables and the memory slot (see spice-qxl.h). */
#include "config.h"
#include "common/spice-qxl.h"
#include "common/spice-interface.h"

void tsr_qxl_copy_init(struct tsr_qxl_copy *c, const void *bits, int x, int y, uint32_t w,
		       uint32_t h, uint64_t release_id, uint32_t group)
{
	c->image.descriptor.type = SPICE_IMAGE_TYPE_BITMAP;
	c->image.descriptor.width = w;
	c->image.descriptor.height = h;
	c->image.bitmap.flags = QXL_BITMAP_DIRECT | QXL_BITMAP_TOP_DOWN;
	c->image.bitmap.format = SPICE_BITMAP_FMT_32BIT;
	c->image.bitmap.x = w;
	c->image.bitmap.y = h;
	c->image.bitmap.stride = w * 4;
	c->image.bitmap.palette = 0;
	c->image.bitmap.data = (QXLPHYSICAL)(uintptr_t)bits;

	c->drawable.release_info.id = release_id;
	c->drawable.surface_id = 0;
	c->drawable.bbox.left = x;
	c->drawable.bbox.top = y;
	c->drawable.bbox.right = x + (int32_t)w;
	c->drawable.bbox.bottom = y + (int32_t)h;
	c->drawable.clip.type = SPICE_CLIP_TYPE_NONE;
	c->drawable.effect = QXL_EFFECT_OPAQUE;
	c->drawable.type = QXL_DRAW_COPY;
	for (int i = 0; i < 3; i++)
		c->drawable.surfaces_dest[i] = -1;
	c->drawable.u.copy.rop_descriptor = SPICE_ROPD_OP_PUT;
	c->drawable.u.copy.src_bitmap = (QXLPHYSICAL)(uintptr_t)&c->image;
	c->drawable.u.copy.src_area.left = 0;
	c->drawable.u.copy.src_area.top = 0;
	c->drawable.u.copy.src_area.right = (int32_t)w;
	c->drawable.u.copy.src_area.bottom = (int32_t)h;

	c->ext.cmd.type = QXL_CMD_DRAW;
	c->ext.cmd.data = (QXLPHYSICAL)(uintptr_t)&c->drawable;
	c->ext.cmd.padding = 0;
	c->ext.group_id = group;
	c->ext.flags = 0;
}

void tsr_qxl_add_whole_memslot(QXLInstance *qin, uint32_t group)
{
	QXLDevMemSlot slot = {
		.slot_group_id = group,
		.slot_id = 0,
		.generation = 0,
		.virt_start = 0,
		.virt_end = ~(uintptr_t)0,
		.addr_delta = 0,
		.qxl_ram_size = ~0u,
	};

	spice_qxl_add_memslot(qin, &slot);
}

static void attached_worker(QXLInstance *qin)
{
	tsr_qxl_add_whole_memslot(qin, TSR_QXL_SLOT_GROUP);
}

static void set_compression_level(QXLInstance *qin, int level)
{
}

static void set_mm_time(QXLInstance *qin, uint32_t mm_time)
{
}

static int get_cursor_command(QXLInstance *qin, QXLCommandExt *ext)
{
	return 0;
}

static int req_cursor_notification(QXLInstance *qin)
{
	return 1;
}

static void notify_update(QXLInstance *qin, uint32_t update_id)
{
}

static int flush_resources(QXLInstance *qin)
{
	return 0;
}

static void async_complete(QXLInstance *qin, uint64_t cookie)
{
}

static void update_area_complete(QXLInstance *qin, uint32_t surface_id, QXLRect *updated_rects,
				 uint32_t num_updated_rects)
{
}

static void set_client_capabilities(QXLInstance *qin, uint8_t client_present,
				    uint8_t caps[SPICE_CAPABILITIES_SIZE])
{
}

static int client_monitors_config(QXLInstance *qin, VDAgentMonitorsConfig *monitors_config)
{
	return 0;
}

void tsr_qxl_interface_init(QXLInterface *iface, const char *description,
			    void (*get_init_info)(QXLInstance *qin, QXLDevInitInfo *info),
			    int (*get_command)(QXLInstance *qin, QXLCommandExt *cmd),
			    int (*req_cmd_notification)(QXLInstance *qin),
			    void (*release_resource)(QXLInstance *qin, QXLReleaseInfoExt release_info))
{
	*iface = (QXLInterface){
		.base = TSR_SPICE_INTERFACE_BASE(QXL, description),
		.attached_worker = attached_worker,
		.set_compression_level = set_compression_level,
		.set_mm_time = set_mm_time,
		.get_init_info = get_init_info,
		.get_command = get_command,
		.req_cmd_notification = req_cmd_notification,
		.release_resource = release_resource,
		.get_cursor_command = get_cursor_command,
		.req_cursor_notification = req_cursor_notification,
		.notify_update = notify_update,
		.flush_resources = flush_resources,
		.async_complete = async_complete,
		.update_area_complete = update_area_complete,
		.set_client_capabilities = set_client_capabilities,
		.client_monitors_config = client_monitors_config,
	};
}
