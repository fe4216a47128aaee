/* tests/fuzz/provisioning-audit-verify-fuzz.c: libFuzzer target for tessera-provision
 * audit-verify's parser.
 *
 * A collected audit log comes off a laptop the admin does not trust to be intact; the checker
 * parses every line (JSON, the chain fields, the torn-line records) before it knows anything.
 * The input is one or two files (split at the first form feed). Whatever it accepts must be
 * accepted again when asked to end at the head and start from the anchor it reported. */
#include "provisioning/audit-verify.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	const char *ff = memchr(text, '\f', size);
	struct tsr_audit_file files[2] = { { "a", text, ff ? (size_t)(ff - text) : size } };
	size_t n = 1;
	struct tsr_audit_verify_result r, again;
	GError *error = NULL;

	if (ff) {
		files[1] = (struct tsr_audit_file){ "b", ff + 1, size - (size_t)(ff + 1 - text) };
		n = 2;
	}
	if (!tsr_audit_verify(files, n, NULL, NULL, &r, &error)) {
		g_clear_error(&error);
		return 0;
	}
	if (r.head[0] && !tsr_audit_verify(files, n, r.head, r.from, &again, NULL))
		__builtin_trap(); /* a verdict that depends on being asked twice */
	return 0;
}
