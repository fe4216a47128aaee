/* enrol/fat.h: one file from the root directory of a FAT12/16/32 filesystem, read without the
 * kernel's FAT driver.
 *
 * An enrolment disk is a removable FAT disk anyone may plug in. Reading it here, inside the
 * reader's sandbox, means the kernel never mounts or parses it: the broker only opens the
 * block device read-only and hands the fd over. Every field is checked before it is used
 * (sector and cluster sizes, counts, the cluster chain, which may not loop or leave the
 * filesystem), the file's size is capped before a byte of it is read, and only 8.3 names are
 * looked up, so long-name entries are skipped unparsed. Fuzzed by tests/fuzz/policy-enrol-fuzz.c. */
#ifndef TSR_ENROL_FAT_H
#define TSR_ENROL_FAT_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Read n bytes at offset off of the disk into buf; false at the end or on an error. */
typedef bool (*tsr_fat_read_fn)(void *ctx, uint64_t off, void *buf, size_t n);

/* The filesystem's label (from its root directory's volume entry, else from its boot
 * sector) must be label; the root directory's file short_name ("NAME    EXT", 11 bytes, upper
 * case, as stored) is read into *out (g_free) of *len <= max bytes. false with a sentence for
 * the user in *error (G_IO_ERROR): not FAT, wrong label, no such file, too large, damaged. */
bool tsr_fat_read_root_file(tsr_fat_read_fn read, void *ctx, const char *label,
			    const char short_name[11], size_t max, char **out, size_t *len,
			    GError **error) __attribute__((warn_unused_result));

#endif
