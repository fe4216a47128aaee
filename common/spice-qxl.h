/* common/spice-qxl.h: the QXL plumbing both programs that embed spice-server share.
 *
 * tessera-console and tessera-testdomain each show one primary surface and send what changed on
 * it as COPY drawables of a top-down 32-bit bitmap, with QXL "physical" addresses that are plain
 * pointers of the process. How such a drawable and the memory slot behind those addresses are
 * written is the same in both; what is drawn, and when, is each program's own. */
#ifndef TSR_COMMON_SPICE_QXL_H
#define TSR_COMMON_SPICE_QXL_H

#include <spice.h>
#include <stdint.h>

/* The one memory slot group: QXL "physical" addresses are plain pointers of the process. */
#define TSR_QXL_SLOT_GROUP 0

/* A command, its drawable and the image the drawable copies from: kept together (in the
 * program's own update record) until spice-server releases them. */
struct tsr_qxl_copy {
	QXLCommandExt ext;
	QXLDrawable drawable;
	QXLImage image;
};

/* Fill c (zeroed by the caller) to copy the w x h pixels at bits (w * 4 bytes a row, top-down)
 * to (x, y) of surface 0. release_id comes back to the program's release_resource; group is its
 * memory slot group. The image id (c->image.descriptor.id) is left to the caller. */
void tsr_qxl_copy_init(struct tsr_qxl_copy *c, const void *bits, int x, int y, uint32_t w,
		       uint32_t h, uint64_t release_id, uint32_t group);

/* attached_worker's one memory slot, in slot group group: the whole address space, so that
 * addresses are this process's pointers (slot 0, generation 0 leave the high bits zero). */
void tsr_qxl_add_whole_memslot(QXLInstance *qin, uint32_t group);

/* Fill iface for a program with one primary surface: the four callbacks every such program
 * answers are its own (get_init_info, get_command, req_cmd_notification, release_resource);
 * attached_worker adds the whole-memory slot in TSR_QXL_SLOT_GROUP; there is no cursor
 * (get_cursor_command has none, req_cursor_notification asks to be woken) until the program sets
 * its own cursor callbacks; and what neither program acts on is ignored: compression level,
 * multimedia time, update and async completions, flushes (nothing is held back), client
 * capabilities, and the client's monitor layout (the surface keeps the size the program gives
 * it). */
void tsr_qxl_interface_init(QXLInterface *iface, const char *description,
			    void (*get_init_info)(QXLInstance *qin, QXLDevInitInfo *info),
			    int (*get_command)(QXLInstance *qin, QXLCommandExt *cmd),
			    int (*req_cmd_notification)(QXLInstance *qin),
			    void (*release_resource)(QXLInstance *qin, QXLReleaseInfoExt release_info));

#endif
