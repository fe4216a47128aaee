/* viewer/share.h: the sealed memfds the viewer shares pixels in, and turning memory the viewer
 * already draws into into one, in place.
 *
 * spice-client-glib decodes a domain's frames into a primary surface it allocates itself. Copying
 * that surface into a memfd for the kiosk cost one full pass over every changed pixel; instead,
 * the pages holding the surface are replaced by a memfd with the same contents at the same
 * address, so the client's own drawing is what the kiosk maps, and damage needs no copy. */
#ifndef TSR_VIEWER_SHARE_H
#define TSR_VIEWER_SHARE_H

#include <stddef.h>
#include <stdint.h>

/* A memfd of len bytes sealed against shrinking, growing and new seals, mapped read-write in
 * *map; returns the fd, or -1 with errno. */
int tsr_viewer_sealed_memfd(const char *name, size_t len, uint8_t **map)
	__attribute__((warn_unused_result));

/* Replace the whole pages around [mem, mem + len) by a memfd holding what they held, sealed
 * against shrinking and growing. Returns the fd (the caller sends and closes it; the mapping
 * stays with whoever owns mem and goes away when they free it) and the offset of mem in the
 * file, or -1 with errno, leaving the memory as it was. */
int tsr_viewer_share_in_place(void *mem, size_t len, uint32_t *offset)
	__attribute__((warn_unused_result));

#endif
