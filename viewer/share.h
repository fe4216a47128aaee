/* viewer/share.h: the sealed memfds the viewer shares pixels in, and turning memory the viewer
 * already draws into into one, in place.
 *
 * spice-client-glib decodes a domain's frames into a primary surface it allocates itself. Copying
 * that surface into a memfd for the kiosk cost one full pass over every changed pixel; instead,
 * the pages lying wholly inside the surface are replaced by a memfd with the same contents at the
 * same address, so the client's own drawing is what the kiosk maps. The first and last pages of
 * the surface usually hold other objects too (the allocator's bookkeeping, a neighbour's bytes,
 * a sanitizer's redzones): those stay where they are, untouched, and the surface's bytes in them
 * are copied into the memfd's edge pages when they change, a few kilobytes at most. */
#ifndef TSR_VIEWER_SHARE_H
#define TSR_VIEWER_SHARE_H

#include <stddef.h>
#include <stdint.h>

/* A memfd of len bytes sealed against shrinking, growing and new seals, mapped read-write in
 * *map; returns the fd, or -1 with errno. */
int tsr_viewer_sealed_memfd(const char *name, size_t len, uint8_t **map)
	__attribute__((warn_unused_result));

struct tsr_viewer_share;

/* Share [mem, mem + len) in place: its inner whole pages become a sealed memfd's at the same
 * address, and the memfd's first and last pages mirror the surface's bytes on the pages it
 * shares with other memory. Returns the share with *fd (the caller sends and closes it) and
 * the offset of mem in the file, or NULL with errno (EINVAL when the surface spans fewer than
 * three pages), leaving the memory as it was. The inner pages stay with whoever owns mem and go
 * away when they free it; once mem is freed the share may only be destroyed. */
struct tsr_viewer_share *tsr_viewer_share_create(void *mem, size_t len, int *fd, uint32_t *offset)
	__attribute__((warn_unused_result));
/* Bytes [from, to) of the surface (offsets from mem) changed: copy those on the edge pages into
 * the memfd. The inner pages need nothing. */
void tsr_viewer_share_sync(struct tsr_viewer_share *s, size_t from, size_t to);
void tsr_viewer_share_destroy(struct tsr_viewer_share *s);

#endif
