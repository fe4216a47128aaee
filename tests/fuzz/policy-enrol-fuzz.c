/* tests/fuzz/policy-enrol-fuzz.c: libFuzzer target for the enrolment file (policy/enrol.h).
 *
 * The file comes from a removable disk anyone may plug into a laptop that is not enrolled, and
 * tessera-enrol-reader parses it before anything is trusted. Every input goes through the
 * parser, the writer (whose output must be the same bytes) and the verification, with and
 * without a fixed pin, so none of them may crash, leak or read out of bounds. */
#include "policy/enrol.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t pin[1][32] = {{1, 2, 3}};
	struct tsr_enrol *e = tsr_enrol_parse((const char *)data, size, NULL);
	if (!e)
		return 0;
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
	return 0;
}
