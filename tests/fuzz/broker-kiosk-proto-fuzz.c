/* libFuzzer target for the kiosk <-> broker message check (proto/kiosk.c): whatever a
 * kiosk (or, on the kiosk's side, a broker) sends, the check must refuse it or accept it
 * without reading past the buffer, and an accepted message must be one whose fields are all
 * in range. */
#include "config.h"
#include "proto/kiosk.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *why = NULL;
	uint8_t *copy;

	if (size > TSR_FRAME_MAX)
		return 0;
	/* An exact-size copy, so ASan sees any read past the message. */
	copy = (uint8_t *)malloc(size ? size : 1);
	memcpy(copy, data, size);
	if (tsr_kiosk_msg_check(copy, size, &why) == 0) {
		const struct tsr_frame_header *h = (const void *)copy;
		if (h->length != size || tsr_kiosk_msg_size(h->type) != size)
			__builtin_trap();
		if (h->type == TSR_KIOSK_LOGIN || h->type == TSR_KIOSK_UNLOCK) {
			const struct tsr_kiosk_login *m = (const void *)copy;
			if (m->password_len > TSR_KIOSK_PASSWORD_MAX || !memchr(m->user, 0, sizeof(m->user)))
				__builtin_trap();
		}
		if (h->type == TSR_KIOSK_CLIPBOARD) {
			const struct tsr_kiosk_clipboard *m = (const void *)copy;
			if (m->n_flows > TSR_KIOSK_CLIPBOARD_FLOWS || m->max_bytes == 0)
				__builtin_trap();
		}
		if (h->type == TSR_KIOSK_CLIPBOARD_AUDIT) {
			const struct tsr_kiosk_clipboard_audit *m = (const void *)copy;
			if (!tsr_kiosk_clipboard_event_name(m->event) || strlen(m->sha256) != 64 ||
			    !memchr(m->source, 0, sizeof(m->source)))
				__builtin_trap();
		}
	} else if (!why) {
		__builtin_trap();
	}
	free(copy);
	return 0;
}
