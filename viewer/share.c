/* viewer/share.c: a sealed memfd in place of existing memory (see share.h).
 *
 * The memfd is filled and sealed at a scratch mapping first; then its inner pages are moved over
 * the surface's inner pages with one mremap, which replaces them atomically or fails leaving them
 * untouched: the client never sees its surface missing or half-copied. Only pages that belong to
 * the surface alone move, so nothing else in the process ever lives in memory the kiosk maps,
 * and a write by another thread to an object next to the surface cannot be lost between the copy
 * and the move. What stays of the scratch mapping, its first and last page, is the mirror of the
 * surface's edges. */
#include "config.h"
#include "viewer/share.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define SEALS (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL)

struct tsr_viewer_share {
	const uint8_t *mem;
	size_t len;
	size_t page;
	uint8_t *head, *tail; /* the memfd's first and last page, mapped here */
	size_t head_end;      /* surface bytes [0, head_end) live on the first page */
	size_t tail_start;    /* and [tail_start, len) on the last */
	uint32_t offset;
};

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

struct tsr_viewer_share *tsr_viewer_share_create(void *mem, size_t len, int *fd, uint32_t *offset)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	uintptr_t start = (uintptr_t)mem & ~(uintptr_t)(page - 1);
	uintptr_t end = ((uintptr_t)mem + len + page - 1) & ~(uintptr_t)(page - 1);
	struct tsr_viewer_share *s;
	size_t span, inner;
	uint8_t *scratch;
	int saved;

	if (len == 0 || (uintptr_t)mem + len < (uintptr_t)mem || end < start ||
	    end - start < 3 * page) {
		errno = EINVAL;
		return NULL;
	}
	span = end - start;
	inner = span - 2 * page;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	*fd = tsr_viewer_sealed_memfd("tessera-surface", span, &scratch);
	if (*fd < 0) {
		free(s);
		return NULL;
	}
	s->offset = (uint32_t)((uintptr_t)mem - start);
	memcpy(scratch + s->offset, mem, len);
	if (mremap(scratch + page, inner, inner, MREMAP_MAYMOVE | MREMAP_FIXED,
		   (void *)(start + page)) == MAP_FAILED) {
		saved = errno;
		munmap(scratch, span);
		close(*fd);
		free(s);
		errno = saved;
		return NULL;
	}
	s->mem = mem;
	s->len = len;
	s->page = page;
	s->head = scratch;
	s->tail = scratch + span - page;
	s->head_end = page - s->offset;
	s->tail_start = span - page - s->offset;
	*offset = s->offset;
	return s;
}

void tsr_viewer_share_sync(struct tsr_viewer_share *s, size_t from, size_t to)
{
	size_t a, b;

	if (to > s->len)
		to = s->len;
	/* The first page: surface bytes [0, head_end) sit in it at offset + i. */
	a = from;
	b = to < s->head_end ? to : s->head_end;
	if (a < b)
		memcpy(s->head + s->offset + a, s->mem + a, b - a);
	/* The last page starts at file offset offset + tail_start. */
	a = from > s->tail_start ? from : s->tail_start;
	b = to;
	if (a < b)
		memcpy(s->tail + (a - s->tail_start), s->mem + a, b - a);
}

void tsr_viewer_share_destroy(struct tsr_viewer_share *s)
{
	if (!s)
		return;
	munmap(s->head, s->page);
	munmap(s->tail, s->page);
	free(s);
}
