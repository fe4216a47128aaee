/* tests/hostile/clipboard-viewer.c: a compromised viewer that abuses the clipboard messages.
 *
 * The kiosk spawns it in place of tessera-viewer (tessera-kiosk --viewer-for NAME=PATH), link on
 * fd 3. It shows a valid surface, then attacks by its domain's name:
 *   unasked    three TEXT answers to a request that never came (a domain pushing text at dom0)
 *   oversized  answers the kiosk's request with more than it asked for
 *   not-utf8   answers with bytes that are not UTF-8
 *   unsealed   answers with a memfd it can still shrink
 * then waits for the kiosk to cut it off (EOF) and exits 0; 1 if the kiosk never does. */
#include "config.h"
#include "common/frame.h"
#include "proto/clipboard.h"
#include "proto/display.h"
#include "tests/integration/hostile-messages.h"

#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int text_fd(const char *text, size_t len, int seals)
{
	int fd = memfd_create("hostile-clipboard", MFD_CLOEXEC | MFD_ALLOW_SEALING);

	if (fd < 0 || write(fd, text, len) != (ssize_t)len ||
	    (seals && fcntl(fd, F_ADD_SEALS, seals) < 0))
		return -1;
	return fd;
}

static void answer(int link, uint32_t serial, const char *text, size_t len, uint32_t length,
		   int seals)
{
	struct tsr_clipboard_text m = { .serial = serial, .format = TSR_CLIPBOARD_FORMAT_UTF8,
					.length = length };
	int fd = text_fd(text, len, seals);

	if (fd < 0 || tsr_frame_send(link, &m, sizeof(m), TSR_DISPLAY_CLIPBOARD_TEXT,
				     TSR_DISPLAY_PROTO_VERSION, &fd, 1) < 0)
		perror("clipboard-viewer: send");
	if (fd >= 0)
		close(fd);
}

/* The kiosk's next clipboard request (other messages skipped): its serial and limit. */
static bool next_request(int link, struct tsr_clipboard_request *req)
{
	_Alignas(8) unsigned char buf[TSR_FRAME_MAX];
	struct pollfd p = { .fd = link, .events = POLLIN };

	while (poll(&p, 1, 30000) == 1) {
		ssize_t n = read(link, buf, sizeof(buf));
		if (n <= 0)
			return false;
		if (n == sizeof(*req) && ((struct tsr_frame_header *)buf)->type ==
						 TSR_DISPLAY_CLIPBOARD_REQUEST) {
			memcpy(req, buf, sizeof(*req));
			return true;
		}
	}
	return false;
}

int main(int argc, char **argv)
{
	const int link = 3;
	const int sealed = F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL;
	const char *name = "";
	struct tsr_clipboard_request req;
	struct pollfd p = { .fd = link, .events = POLLIN };
	char buf[64];

	for (int i = 1; i + 1 < argc; i++)
		if (strcmp(argv[i], "--domain") == 0)
			name = argv[i + 1];
	struct tsr_display_status up = { .status = TSR_DISPLAY_STATUS_CONNECTED };

	/* Connected before the surface: once the kiosk shows it, it takes requests for it. */
	if (tsr_frame_send(link, &up, sizeof(up), TSR_DISPLAY_STATUS, TSR_DISPLAY_PROTO_VERSION,
			   NULL, 0) < 0)
		perror("clipboard-viewer: status");
	hostile_send_surface(link, 64, 64, 256, hostile_memfd(256 * 64, HOSTILE_ALL_SEALS, false));
	if (strcmp(name, "unasked") == 0) {
		for (int i = 0; i < (int)TSR_CLIPBOARD_UNASKED_MAX; i++)
			answer(link, 1, "pushed", 6, 6, sealed);
	} else if (next_request(link, &req)) {
		if (strcmp(name, "oversized") == 0)
			answer(link, req.serial, "0123456789", 10, req.max_bytes + 1, sealed);
		else if (strcmp(name, "not-utf8") == 0)
			answer(link, req.serial, "ab\xff\xfe", 4, 4, sealed);
		else
			answer(link, req.serial, "abc", 3, 3, 0);
	}
	while (poll(&p, 1, 30000) == 1)
		if (read(link, buf, sizeof(buf)) <= 0)
			return 0;
	fprintf(stderr, "clipboard-viewer: the kiosk did not cut me off\n");
	return 1;
}
