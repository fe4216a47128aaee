/* enrol/fat.c: one root-directory file of a FAT filesystem, read in user space (fat.h says
 * why). The layout is Microsoft's FAT specification: a boot sector with the BIOS parameter
 * block, the FATs, the root directory (a fixed region in FAT12/16, a cluster chain in FAT32),
 * then the data clusters numbered from 2. */
#include "config.h"
#include "enrol/fat.h"

#include <gio/gio.h>
#include <string.h>

#define FAIL(...) g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, __VA_ARGS__)

struct fat {
	tsr_fat_read_fn read;
	void *ctx;
	uint32_t bps, spc, cluster_bytes;
	uint64_t fat_off;      /* the first FAT */
	uint64_t root_off;     /* FAT12/16: the fixed root directory */
	uint32_t root_entries; /* FAT12/16 */
	uint32_t root_cluster; /* FAT32 */
	uint64_t data_off;     /* cluster 2 */
	uint32_t clusters;     /* data clusters: valid numbers are 2 .. clusters + 1 */
	int bits;              /* 12, 16 or 32 */
	char label[12];        /* from the boot sector, "" when it has none */
};

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static bool power_of_two(uint32_t v, uint32_t lo, uint32_t hi)
{
	return v >= lo && v <= hi && (v & (v - 1)) == 0;
}

static bool parse_boot(struct fat *f, const uint8_t *bs, GError **error)
{
	uint32_t reserved = le16(bs + 14), nfats = bs[16], total = le16(bs + 19);
	uint32_t fat_sectors = le16(bs + 22), root_sectors;
	uint64_t meta;

	f->bps = le16(bs + 11);
	f->spc = bs[13];
	f->root_entries = le16(bs + 17);
	if (bs[510] != 0x55 || bs[511] != 0xaa || !power_of_two(f->bps, 512, 4096) ||
	    !power_of_two(f->spc, 1, 128) || reserved == 0 || nfats < 1 || nfats > 2) {
		FAIL("the disk holds no FAT filesystem; write it with tessera-provision enrol-disk");
		return false;
	}
	if (!total)
		total = le32(bs + 32);
	if (!fat_sectors)
		fat_sectors = le32(bs + 36);
	root_sectors = (f->root_entries * 32 + f->bps - 1) / f->bps;
	meta = (uint64_t)reserved + (uint64_t)nfats * fat_sectors + root_sectors;
	if (fat_sectors == 0 || meta >= total) {
		FAIL("the disk's FAT filesystem is damaged (its sizes do not add up)");
		return false;
	}
	f->cluster_bytes = f->bps * f->spc;
	f->clusters = (uint32_t)((total - meta) / f->spc);
	f->bits = f->clusters < 4085 ? 12 : f->clusters < 65525 ? 16 : 32;
	f->fat_off = (uint64_t)reserved * f->bps;
	f->root_off = f->fat_off + (uint64_t)nfats * fat_sectors * f->bps;
	f->data_off = meta * f->bps;
	/* Every cluster number must have its FAT entry inside the first FAT. */
	if ((uint64_t)(f->clusters + 2) * (uint64_t)f->bits > (uint64_t)fat_sectors * f->bps * 8 ||
	    (f->bits == 32) != (f->root_entries == 0)) {
		FAIL("the disk's FAT filesystem is damaged (its FAT is too small)");
		return false;
	}
	f->root_cluster = le32(bs + 44);
	const uint8_t *ext = bs + (f->bits == 32 ? 64 : 36);
	if (ext[2] == 0x29) {
		memcpy(f->label, ext + 7, 11);
		f->label[11] = '\0';
	}
	return true;
}

/* The FAT entry of cluster c (a valid cluster number): the next one, or an end mark. */
static bool next_cluster(struct fat *f, uint32_t c, uint32_t *next)
{
	uint8_t b[4];

	switch (f->bits) {
	case 12:
		if (!f->read(f->ctx, f->fat_off + c + c / 2, b, 2))
			return false;
		*next = c & 1 ? le16(b) >> 4 : le16(b) & 0xfff;
		if (*next >= 0xff8)
			*next = UINT32_MAX;
		return true;
	case 16:
		if (!f->read(f->ctx, f->fat_off + (uint64_t)c * 2, b, 2))
			return false;
		*next = le16(b);
		if (*next >= 0xfff8)
			*next = UINT32_MAX;
		return true;
	default:
		if (!f->read(f->ctx, f->fat_off + (uint64_t)c * 4, b, 4))
			return false;
		*next = le32(b) & 0x0fffffff;
		if (*next >= 0x0ffffff8)
			*next = UINT32_MAX;
		return true;
	}
}

static bool cluster_ok(const struct fat *f, uint32_t c)
{
	return c >= 2 && c - 2 < f->clusters;
}

/* The first len bytes of the chain from first (at most f->clusters steps, so no loop runs
 * forever) into buf. */
static bool read_chain(struct fat *f, uint32_t first, uint8_t *buf, size_t len)
{
	uint32_t c = first;

	for (size_t done = 0, steps = 0; done < len; steps++) {
		size_t n = MIN((size_t)f->cluster_bytes, len - done);
		if (!cluster_ok(f, c) || steps >= f->clusters ||
		    !f->read(f->ctx, f->data_off + (uint64_t)(c - 2) * f->cluster_bytes, buf + done, n))
			return false;
		done += n;
		if (done < len && !next_cluster(f, c, &c))
			return false;
	}
	return true;
}

/* The root directory, whole (FAT32: at most 64 KiB of it). */
static uint8_t *read_root(struct fat *f, size_t *len)
{
	size_t n = f->bits == 32 ? MIN((size_t)64 << 10, (size_t)f->clusters * f->cluster_bytes)
				 : (size_t)f->root_entries * 32;
	uint8_t *dir = g_malloc0(n);
	bool ok;

	if (f->bits != 32) {
		ok = f->read(f->ctx, f->root_off, dir, n);
	} else {
		/* Read cluster by cluster until the chain ends or n is full. */
		uint32_t c = f->root_cluster;
		size_t done = 0;
		ok = true;
		for (size_t steps = 0; ok && done < n && c != UINT32_MAX; steps++) {
			size_t k = MIN((size_t)f->cluster_bytes, n - done);
			ok = cluster_ok(f, c) && steps < f->clusters &&
			     f->read(f->ctx, f->data_off + (uint64_t)(c - 2) * f->cluster_bytes,
				     dir + done, k) &&
			     next_cluster(f, c, &c);
			done += k;
		}
		n = done;
	}
	if (!ok) {
		g_free(dir);
		return NULL;
	}
	*len = n;
	return dir;
}

static void printable(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			*s = '?';
}

bool tsr_fat_read_root_file(tsr_fat_read_fn read, void *ctx, const char *label,
			    const char short_name[11], size_t max, char **out, size_t *len,
			    GError **error)
{
	struct fat f = { .read = read, .ctx = ctx };
	uint8_t bs[512];
	g_autofree uint8_t *dir = NULL;
	const uint8_t *entry = NULL;
	char want[12], found[12];
	size_t dlen = 0;

	if (!read(ctx, 0, bs, sizeof(bs))) {
		FAIL("the disk cannot be read (shorter than a sector, or an I/O error)");
		return false;
	}
	if (!parse_boot(&f, bs, error))
		return false;
	if (!(dir = read_root(&f, &dlen))) {
		FAIL("the disk's root directory cannot be read (a damaged FAT filesystem)");
		return false;
	}
	memcpy(found, f.label, sizeof(found));
	for (size_t i = 0; i + 32 <= dlen && dir[i]; i += 32) {
		uint8_t attr = dir[i + 11];
		if (dir[i] == 0xe5 || attr == 0x0f)
			continue; /* deleted, or a long-name part */
		if (attr & 0x08) {
			memcpy(found, dir + i, 11);
			found[11] = '\0';
		} else if (!entry && memcmp(dir + i, short_name, 11) == 0 && !(attr & 0x10)) {
			entry = dir + i;
		}
	}
	g_snprintf(want, sizeof(want), "%-11s", label);
	if (strcmp(found, want) != 0) {
		g_strchomp(found);
		printable(found);
		FAIL("the disk is labelled '%s', not %s", found, label);
		return false;
	}
	if (!entry) {
		FAIL("the disk holds no enrolment file (%.8s.%.3s)", short_name, short_name + 8);
		return false;
	}
	uint32_t size = le32(entry + 28);
	uint32_t first = (f.bits == 32 ? (uint32_t)le16(entry + 20) << 16 : 0) | le16(entry + 26);
	if (size > max) {
		FAIL("the enrolment file is larger than %zu bytes", max);
		return false;
	}
	uint8_t *data = g_malloc(size + 1);
	if (size && !read_chain(&f, first, data, size)) {
		g_free(data);
		FAIL("the enrolment file cannot be read (a damaged FAT filesystem)");
		return false;
	}
	data[size] = '\0';
	*out = (char *)data;
	*len = size;
	return true;
}
