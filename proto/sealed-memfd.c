/* proto/sealed-memfd.c: seal, filesystem and size checks before mapping (see .h). */
#include "config.h"
#include "proto/sealed-memfd.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#define REQUIRED_SEALS (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL)

static int fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

bool tsr_mul_size(uint64_t a, uint64_t b, uint64_t *out)
{
	uint64_t r;

	if (__builtin_mul_overflow(a, b, &r) || r > SIZE_MAX)
		return false;
	*out = r;
	return true;
}

int tsr_sealed_memfd_map(int fd, uint32_t stride, uint32_t height, uint64_t max_bytes,
			 struct tsr_sealed_map *map, char *err, size_t errlen)
{
	return tsr_sealed_memfd_map_at(fd, 0, stride, height, max_bytes, map, err, errlen);
}

int tsr_sealed_memfd_map_at(int fd, uint32_t offset, uint32_t stride, uint32_t height,
			    uint64_t max_bytes, struct tsr_sealed_map *map, char *err, size_t errlen)
{
	struct statfs sfs;
	struct stat st;
	uint64_t need;
	int seals;
	void *p;

	map->data = NULL;
	map->length = 0;
	if (errlen)
		err[0] = '\0';
	if (!tsr_mul_size(stride, height, &need) || need == 0)
		return fail(err, errlen, "stride %u x height %u overflows or is empty", stride, height);
	need += offset; /* at most 2^32 * 2^32 + 2^32: no overflow */
	if (need > max_bytes)
		return fail(err, errlen,
			    "%llu bytes exceed this viewer's cap of %llu mapped bytes",
			    (unsigned long long)need, (unsigned long long)max_bytes);
	/* Seals first: once F_SEAL_SEAL is there nothing below can change any more. */
	seals = fcntl(fd, F_GET_SEALS);
	if (seals < 0)
		return fail(err, errlen, "the fd is not a sealable memfd (%s)", strerror(errno));
	if ((seals & REQUIRED_SEALS) != REQUIRED_SEALS)
		return fail(err, errlen,
			    "the memfd lacks seals (has 0x%x, needs SHRINK|GROW|SEAL 0x%x)",
			    (unsigned)seals, (unsigned)REQUIRED_SEALS);
	if (fstatfs(fd, &sfs) < 0)
		return fail(err, errlen, "fstatfs on the memfd failed: %s", strerror(errno));
	if (sfs.f_type == HUGETLBFS_MAGIC)
		return fail(err, errlen, "the memfd is on hugetlbfs, which is refused");
	if (sfs.f_type != TMPFS_MAGIC)
		return fail(err, errlen, "the fd is not on shmem (filesystem 0x%lx)",
			    (unsigned long)sfs.f_type);
	if (fstat(fd, &st) < 0)
		return fail(err, errlen, "fstat on the memfd failed: %s", strerror(errno));
	if (!S_ISREG(st.st_mode))
		return fail(err, errlen, "the fd is not a regular memfd");
	if (st.st_size < 0 || (uint64_t)st.st_size < need)
		return fail(err, errlen, "the memfd holds %lld bytes, offset + stride x height needs %llu",
			    (long long)st.st_size, (unsigned long long)need);
	p = mmap(NULL, (size_t)need, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return fail(err, errlen, "mapping the memfd failed: %s", strerror(errno));
	map->data = p;
	map->length = (size_t)need;
	return 0;
}

void tsr_sealed_memfd_unmap(struct tsr_sealed_map *map)
{
	if (map && map->data) {
		munmap((void *)map->data, map->length);
		map->data = NULL;
		map->length = 0;
	}
}
