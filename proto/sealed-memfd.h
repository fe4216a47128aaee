/* proto/sealed-memfd.h: accepting pixels from a less trusted process, safely.
 *
 * A viewer shares its surface and cursor pixels as memfds. Mapping a file another process
 * controls is only safe if it cannot shrink under us (the read would fault with SIGBUS and kill
 * the kiosk), cannot grow our mapping's cost, and cannot change those rules later: so the file
 * must carry F_SEAL_SHRINK, F_SEAL_GROW and F_SEAL_SEAL, must live on shmem (hugetlbfs files
 * behave differently and are refused), and must be at least as big as what we will read, with
 * that size computed without overflow. Only then is it mapped, read-only. */
#ifndef TSR_PROTO_SEALED_MEMFD_H
#define TSR_PROTO_SEALED_MEMFD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tsr_sealed_map {
	const void *data;
	size_t length;
};

/* Check fd as above for a picture of height rows of stride bytes, with at most max_bytes
 * mapped, and map it read-only. Returns 0, or -1 with a sentence naming what was wrong in
 * err (always NUL-terminated). The fd is never closed here. */
int tsr_sealed_memfd_map(int fd, uint32_t stride, uint32_t height, uint64_t max_bytes,
			 struct tsr_sealed_map *map, char *err, size_t errlen)
	__attribute__((warn_unused_result));

/* The same for a picture that starts offset bytes into the memfd: offset + stride x height
 * bytes are checked and mapped (map->data is the start of the file, not of the picture). */
int tsr_sealed_memfd_map_at(int fd, uint32_t offset, uint32_t stride, uint32_t height,
			    uint64_t max_bytes, struct tsr_sealed_map *map, char *err, size_t errlen)
	__attribute__((warn_unused_result));

void tsr_sealed_memfd_unmap(struct tsr_sealed_map *map);

/* stride * height in *out, false on overflow of 64 bits (or of size_t). */
bool tsr_mul_size(uint64_t a, uint64_t b, uint64_t *out) __attribute__((warn_unused_result));

#endif
