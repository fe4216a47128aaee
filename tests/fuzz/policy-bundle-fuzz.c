/* tests/fuzz/policy-bundle-fuzz.c: libFuzzer target for what reaches a laptop over the wire.
 *
 * A bundle arrives from an untrusted transport and is parsed before any signature is checked
 * (the container, its key set), and the policy parser reads its content. Every input goes
 * through the bundle parser, the key-set parser, the signature check against a fixed root, and
 * the policy parser (both as a whole and as the bundle's content), so none of them may crash,
 * leak or read out of bounds on any byte string. */
#include "policy/bundle.h"
#include "policy/policy.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t root[1][32] = {{1, 2, 3}};
	const char *text = (const char *)data;
	GError *error = NULL;
	struct tsr_bundle *b = tsr_bundle_parse(text, size, &error);
	if (b) {
		if (b->is_signed && tsr_bundle_verify(b, root, 1, NULL))
			__builtin_trap(); /* nobody has the secret key of this root */
		struct tsr_policy *p = tsr_policy_load_canonical(b->content, b->content_len, NULL);
		if (p) {
			size_t n = 0;
			char *again = tsr_policy_canonical(p, NULL, &n, NULL);
			g_free(again);
		}
		tsr_policy_free(p);
		tsr_bundle_free(b);
	} else {
		g_clear_error(&error);
	}
	struct tsr_keyset *ks = tsr_keyset_parse(text, size, NULL);
	if (ks && tsr_keyset_verify(ks, root, 1, NULL))
		__builtin_trap();
	tsr_keyset_free(ks);
	struct tsr_policy *p = tsr_policy_load_canonical(text, size, NULL);
	tsr_policy_free(p);
	return 0;
}
