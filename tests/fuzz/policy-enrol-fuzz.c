/* tests/fuzz/policy-enrol-fuzz.c: libFuzzer target for the enrolment disk: its FAT filesystem
 * (enrol/fat.h) and the enrolment file (policy/enrol.h).
 *
 * The disk is removable and anyone may plug one into a laptop that is not enrolled;
 * tessera-enrol-reader reads it before anything is trusted. Every input is read as a disk (the
 * file in its root directory, when there is one, is then parsed too) and as the file itself:
 * the FAT reader, the writer (whose output must be the same bytes) and the verification, with and
 * without a fixed pin, so none of them may crash, leak or read out of bounds. */
#include "enrol/fat.h"
#include "policy/enrol.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct disk {
	const uint8_t *data;
	size_t size;
};

static bool read_disk(void *ctx, uint64_t off, void *buf, size_t n)
{
	const struct disk *d = ctx;
	if (off > d->size || n > d->size - off)
		return false;
	memcpy(buf, d->data + off, n);
	return true;
}

static void parse_file(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct disk d = {data, size};
	char *file = NULL;
	size_t len = 0;
	if (tsr_fat_read_root_file(read_disk, &d, TSR_ENROL_LABEL, TSR_ENROL_SHORT_NAME,
	                           TSR_ENROL_FILE_MAX, &file, &len, NULL)) {
		parse_file((const uint8_t *)file, len);
		g_free(file);
	}
	parse_file(data, size);
	return 0;
}

static void parse_file(const uint8_t *data, size_t size)
{
	static const uint8_t pin[1][32] = {{1, 2, 3}};
	struct tsr_enrol *e = tsr_enrol_parse((const char *)data, size, NULL);
	if (!e)
		return;
	size_t n = 0;
	char *again = tsr_enrol_serialize(e, &n);
	if (n != size || memcmp(again, data, size) != 0)
		__builtin_trap(); /* strict: one spelling per file */
	if (tsr_enrol_verify(e, pin, 1, NULL))
		__builtin_trap(); /* nobody has the secret key of the pinned root */
	(void)!tsr_enrol_verify(e, NULL, 0, NULL); /* the corpus has a really signed file */
	size_t tn = 0;
	g_free(tsr_enrol_trust_text(e, &tn));
	tsr_trust_free(tsr_enrol_trust(e));
	g_free(again);
	tsr_enrol_free(e);
}
