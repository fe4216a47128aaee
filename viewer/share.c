/* viewer/share.c: a sealed memfd in place of existing memory (see share.h).
 *
 * The memfd is filled and sealed at a scratch address first, then moved over the old pages
 * with one mremap, which replaces them atomically or fails leaving them untouched: the client
 * never sees its surface missing or half-copied. The pages around the surface may hold a few
 * bytes of the allocator's own bookkeeping; they move along with the same contents, stay the
 * viewer's own memory and are only readable to the kiosk, which reads the surface alone. */
#include "config.h"
#include "viewer/share.h"
#include "common/sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define SEALS (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL)

int tsr_viewer_sealed_memfd(const char *name, size_t len, uint8_t **map)
{
	int fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	void *m = MAP_FAILED;
	int saved;

	if (fd < 0)
		return -1;
	if (ftruncate(fd, (off_t)len) == 0)
		m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	/* No F_SEAL_WRITE: frames keep arriving in this memory. */
	if (m != MAP_FAILED && fcntl(fd, F_ADD_SEALS, SEALS) == 0) {
		*map = m;
		return fd;
	}
	saved = errno;
	if (m != MAP_FAILED)
		munmap(m, len);
	close(fd);
	errno = saved;
	return -1;
}

#if TSR_SANITIZER_BUILD
/* The pages around the surface hold ASan's redzones rather than plain allocator bookkeeping;
 * they are copied unchanged, so the copy must not be checked (memcpy would be intercepted). */
__attribute__((no_sanitize("address")))
static void copy_pages(uint8_t *to, const void *from, size_t len)
{
	const volatile uint8_t *f = from;

	for (size_t i = 0; i < len; i++)
		to[i] = f[i];
}
#else
static void copy_pages(uint8_t *to, const void *from, size_t len)
{
	memcpy(to, from, len);
}
#endif

int tsr_viewer_share_in_place(void *mem, size_t len, uint32_t *offset)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t start = (uintptr_t)mem & ~(page - 1);
	uintptr_t end = ((uintptr_t)mem + len + page - 1) & ~(page - 1);
	size_t span = end - start;
	uint8_t *scratch;
	int fd, saved;

	if (len == 0 || (uintptr_t)mem + len < (uintptr_t)mem) {
		errno = EINVAL;
		return -1;
	}
	fd = tsr_viewer_sealed_memfd("tessera-surface", span, &scratch);
	if (fd < 0)
		return -1;
	copy_pages(scratch, (const void *)start, span);
	if (mremap(scratch, span, span, MREMAP_MAYMOVE | MREMAP_FIXED, (void *)start) == MAP_FAILED) {
		saved = errno;
		munmap(scratch, span);
		close(fd);
		errno = saved;
		return -1;
	}
	*offset = (uint32_t)((uintptr_t)mem - start);
	return fd;
}
