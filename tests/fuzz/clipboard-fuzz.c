/* tests/fuzz/clipboard-fuzz.c: libFuzzer target for the clipboard messages (proto/clipboard.h).
 *
 * The text a guest copies and the answer its viewer builds around it are both untrusted, so
 * both are fuzzed: the kiosk's gate judges the answer (reading the text from a memfd), the
 * viewer's checks judge the kiosk's messages. Input: records separated by 0xff 0xff, each
 * 5 bytes [flags, max (u16 LE), text length (u16 LE)], that many bytes of text for the memfd,
 * then one message as received. flags bit 0: the kiosk asks first (with max); bit 1: attach
 * the memfd; bits 2-4: which of SHRINK, GROW, SEAL it gets (bit 5: also WRITE). */
#include "config.h"
#include "proto/clipboard.h"

#include <fcntl.h>
#include <glib.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int text_memfd(uint8_t flags, const uint8_t *text, size_t len)
{
	int fd = memfd_create("fuzz-clipboard", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	int seals = 0;

	if (fd < 0)
		return -1;
	if (len && write(fd, text, len) != (ssize_t)len) {
		close(fd);
		return -1;
	}
	seals |= (flags & 4) ? F_SEAL_SHRINK : 0;
	seals |= (flags & 8) ? F_SEAL_GROW : 0;
	seals |= (flags & 32) ? F_SEAL_WRITE : 0;
	seals |= (flags & 16) ? F_SEAL_SEAL : 0;
	if (seals && fcntl(fd, F_ADD_SEALS, seals) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The viewer's side: what it checks of a kiosk message of these bytes. */
static void viewer_checks(const uint8_t *msg, size_t len)
{
	struct tsr_clipboard_request req;
	struct tsr_clipboard_paste paste;
	size_t nfds;

	if (len >= sizeof(struct tsr_frame_header))
		(void)tsr_clipboard_msg_size((uint16_t)(msg[0] | msg[1] << 8), &nfds);
	if (len == sizeof(req)) {
		memcpy(&req, msg, len);
		(void)tsr_clipboard_request_ok(&req);
	}
	if (len == sizeof(paste)) {
		memcpy(&paste, msg, len);
		(void)tsr_clipboard_paste_ok(&paste);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tsr_clipboard_gate gate = { 0 };

	while (size >= 5) {
		uint8_t flags = data[0];
		uint32_t max = (uint32_t)(data[1] | data[2] << 8);
		size_t tlen = (size_t)(data[3] | data[4] << 8), rest = size - 5;
		struct tsr_clipboard_answer answer;
		struct tsr_clipboard_request req;
		char err[256];
		int fd = -1;

		if (tlen > rest)
			tlen = rest;
		const uint8_t *text = data + 5, *msg = text + tlen, *sep;
		rest -= tlen;
		sep = memmem(msg, rest, "\xff\xff", 2);
		size_t len = sep ? (size_t)(sep - msg) : rest;

		(void)tsr_clipboard_text_ok((const char *)text, tlen, max, err, sizeof(err));
		viewer_checks(msg, len);
		if (flags & 1)
			tsr_clipboard_gate_ask(&gate, max, &req);
		if (flags & 2)
			fd = text_memfd(flags, text, tlen);
		bool ok = tsr_clipboard_gate_answer(&gate, msg, len, fd, &answer, err, sizeof(err));
		g_free(answer.text);
		if (fd >= 0)
			close(fd);
		if (!ok || !sep)
			break;
		size = rest - len - 2;
		data = sep + 2;
	}
	return 0;
}
