/* tests/unit/viewer-share-test.c: the viewer's in-place share of spice-client-glib's surface.
 *
 * The surface lives in memory the viewer does not control (a heap chunk with other objects on
 * its first and last pages). Sharing it must give the kiosk exactly the surface, keep it current
 * as the client draws, and never take the neighbours' bytes into the memfd: a neighbour moved
 * there is readable by the kiosk, and a write to it by another thread between the copy and the
 * move would be lost. The "heap" here is an anonymous mapping laid out the same way. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "viewer/share.h"

#define PAGES 8

/* An 8-page region standing in for a heap; the surface starts 48 bytes into its second page
 * and ends 100 bytes into its seventh, so pages 1 and 6 are shared with neighbours. */
struct heap {
	uint8_t *region;
	size_t page;
	uint8_t *mem;
	size_t len;
};

static void heap_init(struct heap *h)
{
	h->page = (size_t)sysconf(_SC_PAGESIZE);
	h->region = mmap(NULL, PAGES * h->page, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	g_assert_true(h->region != MAP_FAILED);
	memset(h->region, 0xa5, PAGES * h->page); /* the neighbours */
	h->mem = h->region + h->page + 48;
	h->len = 5 * h->page + 100 - 48;
	for (size_t i = 0; i < h->len; i++)
		h->mem[i] = (uint8_t)(i * 7 + 1);
}

static void heap_free(struct heap *h)
{
	munmap(h->region, PAGES * h->page);
}

/* What the kiosk sees: the memfd mapped read-only, as proto/viewer-link.c maps it. */
static const uint8_t *kiosk_map(int fd, size_t *size)
{
	off_t end = lseek(fd, 0, SEEK_END);
	const uint8_t *m;

	g_assert_cmpint(end, >, 0);
	*size = (size_t)end;
	m = mmap(NULL, *size, PROT_READ, MAP_SHARED, fd, 0);
	g_assert_true(m != MAP_FAILED);
	return m;
}

/* A heap with its surface shared, and the kiosk's view of the memfd. */
struct fx {
	struct heap h;
	struct tsr_viewer_share *s;
	const uint8_t *k;
	uint32_t offset;
	size_t size;
	int fd;
};

static void fx_setup(struct fx *f, gconstpointer unused)
{
	(void)unused;
	heap_init(&f->h);
	f->s = tsr_viewer_share_create(f->h.mem, f->h.len, &f->fd, &f->offset);
	g_assert_nonnull(f->s);
	f->k = kiosk_map(f->fd, &f->size);
}

static void fx_teardown(struct fx *f, gconstpointer unused)
{
	(void)unused;
	munmap((void *)f->k, f->size);
	close(f->fd);
	tsr_viewer_share_destroy(f->s);
	heap_free(&f->h);
}

static void test_exact_surface(struct fx *f, gconstpointer unused)
{
	struct heap *h = &f->h;

	(void)unused;
	g_assert_cmpuint(f->offset, ==, 48);
	g_assert_cmpint(fcntl(f->fd, F_GET_SEALS) & (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL),
			==, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL);
	g_assert_cmpuint(f->size, >=, f->offset + h->len);
	g_assert_cmpint(memcmp(f->k + f->offset, h->mem, h->len), ==, 0);
	/* Neither the client's nor the neighbours' memory changed. */
	for (size_t i = 0; i < h->len; i++)
		g_assert_cmpuint(h->mem[i], ==, (uint8_t)(i * 7 + 1));
	for (size_t i = 0; i < h->page + 48; i++)
		g_assert_cmpuint(h->region[i], ==, 0xa5);
	for (size_t i = h->page + 48 + h->len; i < PAGES * h->page; i++)
		g_assert_cmpuint(h->region[i], ==, 0xa5);
	/* The kiosk sees nothing of the neighbours. */
	for (size_t i = 0; i < f->offset; i++)
		g_assert_cmpuint(f->k[i], !=, 0xa5);
	for (size_t i = f->offset + h->len; i < f->size; i++)
		g_assert_cmpuint(f->k[i], !=, 0xa5);
}

/* The client draws everywhere, edges included; after sync the kiosk sees all of it, and the
 * neighbours' writes never reach the memfd. */
static void test_draw_and_neighbours(struct fx *f, gconstpointer unused)
{
	struct heap *h = &f->h;
	const uint8_t *k = f->k;
	uint32_t offset = f->offset;

	(void)unused;
	/* The inner pages are the memfd's: a write shows at once, before any sync. */
	h->mem[2 * h->page] = 0x11;
	g_assert_cmpuint(k[offset + 2 * h->page], ==, 0x11);
	/* The first and last bytes sit on pages shared with neighbours: sync copies them. */
	h->mem[0] = 0x22;
	h->mem[h->len - 1] = 0x33;
	h->mem[10] = 0x44;
	tsr_viewer_share_sync(f->s, 0, 1);
	tsr_viewer_share_sync(f->s, h->len - 1, h->len);
	g_assert_cmpuint(k[offset], ==, 0x22);
	g_assert_cmpuint(k[offset + h->len - 1], ==, 0x33);
	g_assert_cmpuint(k[offset + 10], !=, 0x44); /* not synced yet */
	/* A range across everything (damage of whole rows) copies the edges and clips at len. */
	memset(h->mem, 0x55, h->len);
	tsr_viewer_share_sync(f->s, 0, h->len + 4096);
	for (size_t i = 0; i < h->len; i++)
		g_assert_cmpuint(k[offset + i], ==, 0x55);
	/* Neighbours write on the surface's first and last pages: the memfd never sees it. */
	memset(h->region + h->page, 0x66, 48);
	memset(h->mem + h->len, 0x77, PAGES * h->page - (size_t)(h->mem + h->len - h->region));
	for (size_t i = 0; i < offset; i++)
		g_assert_cmpuint(k[i], !=, 0x66);
	for (size_t i = offset + h->len; i < f->size; i++)
		g_assert_cmpuint(k[i], !=, 0x77);
	g_assert_cmpuint(h->region[h->page], ==, 0x66);
	g_assert_cmpuint(h->mem[h->len], ==, 0x77);
}

/* A thread keeps incrementing a counter next to the surface while it is shared again and again:
 * not one increment may be lost (a copy of the neighbour's page moved back over it would undo
 * the increments made in between). */
struct hammer {
	_Atomic uint64_t *counter;
	atomic_bool stop;
	uint64_t done;
};

static void *hammer_run(void *data)
{
	struct hammer *hm = data;

	while (!atomic_load(&hm->stop)) {
		atomic_fetch_add(hm->counter, 1);
		hm->done++;
	}
	return NULL;
}

static void test_neighbour_writes_kept(void)
{
	for (int round = 0; round < 20; round++) {
		struct heap h;
		struct hammer hm = { 0 };
		pthread_t t;

		heap_init(&h);
		/* The counter sits right before the surface, on its first page. */
		hm.counter = (_Atomic uint64_t *)(void *)(h.mem - 16);
		atomic_store(hm.counter, 0);
		g_assert_cmpint(pthread_create(&t, NULL, hammer_run, &hm), ==, 0);
		while (atomic_load(hm.counter) < 1000)
			; /* the thread is running */
		for (int i = 0; i < 5; i++) {
			struct tsr_viewer_share *s;
			uint32_t offset;
			int fd;

			s = tsr_viewer_share_create(h.mem, h.len, &fd, &offset);
			g_assert_nonnull(s);
			close(fd);
			tsr_viewer_share_destroy(s);
		}
		atomic_store(&hm.stop, true);
		pthread_join(t, NULL);
		g_assert_cmpuint(atomic_load(hm.counter), ==, hm.done);
		heap_free(&h);
	}
}

/* Too small to have inner pages, or wrapping around: refused, memory untouched. */
static void test_refused(void)
{
	struct heap h;
	uint32_t offset = 99;
	int fd = -7;

	heap_init(&h);
	errno = 0;
	g_assert_null(tsr_viewer_share_create(h.mem, h.page, &fd, &offset));
	g_assert_cmpint(errno, ==, EINVAL);
	g_assert_null(tsr_viewer_share_create(h.mem, 0, &fd, &offset));
	g_assert_null(tsr_viewer_share_create(h.mem, SIZE_MAX - 8, &fd, &offset));
	g_assert_cmpint(errno, ==, EINVAL);
	g_assert_cmpuint(offset, ==, 99);
	g_assert_cmpint(fd, ==, -7);
	for (size_t i = 0; i < h.len; i++)
		g_assert_cmpuint(h.mem[i], ==, (uint8_t)(i * 7 + 1));
	tsr_viewer_share_destroy(NULL);
	heap_free(&h);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/viewer-share/refused", test_refused);
	g_test_add("/viewer-share/exact-surface", struct fx, NULL, fx_setup, test_exact_surface,
		   fx_teardown);
	g_test_add_func("/viewer-share/neighbour-writes-kept", test_neighbour_writes_kept);
	g_test_add("/viewer-share/draw-and-neighbours", struct fx, NULL, fx_setup,
		   test_draw_and_neighbours, fx_teardown);
	return g_test_run();
}
