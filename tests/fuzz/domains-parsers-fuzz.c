/* tests/fuzz/domains-parsers-fuzz.c: libFuzzer target for what the domain backends parse from
 * outside: QMP lines from a (possibly compromised) QEMU, and `xl list` / `xl list -l` output.
 * The first input byte picks the parser. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "domains/qmp.h"
#include "domains/xen-config.h"

/* The backends' error domain lives in backend.c, which pulls in every backend; this target
 * links only the parsers, so it defines the same quark itself. */
GQuark tsr_backend_error_quark(void);
G_DEFINE_QUARK(tsr-backend-error-quark, tsr_backend_error)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	char *text = g_strndup((const char *)data + 1, size - 1);
	size_t len = size - 1;
	switch (data[0] % 3) {
	case 0: {
		struct tsr_qmp_message m;
		if (tsr_qmp_parse_line((const char *)data + 1, len, &m, NULL))
			tsr_qmp_message_clear(&m);
		break;
	}
	case 1: {
		GPtrArray *list = tsr_xen_parse_list(text, -1, NULL);
		if (list)
			g_ptr_array_unref(list);
		break;
	}
	default: {
		char flags[7];
		long domid;
		(void)tsr_xen_parse_state(text, "work", flags, &domid);
		break;
	}
	}
	g_free(text);
	return 0;
}
