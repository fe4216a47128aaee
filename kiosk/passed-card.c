/* kiosk/passed-card.c: receiving the broker's DRM card before the session starts (see
 * passed-card.h). Kept apart so broker-mode.c only wires modules together. */
#include "config.h"
#include "kiosk/passed-card.h"

#include "common/fdpass.h"
#include "common/frame.h"
#include "proto/kiosk.h"

#include <errno.h>
#include <gio/gio.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

int tsr_kiosk_receive_card(int broker_fd, int timeout_ms, char *node, size_t node_size,
			   GError **error)
{
	uint8_t buf[TSR_KIOSK_MSG_MAX];
	struct pollfd p = { .fd = broker_fd, .events = POLLIN };
	int fds[1] = { -1 };
	size_t nfds = 0;
	const char *why = NULL;
	ssize_t n;
	int r;

	do
		r = poll(&p, 1, timeout_ms);
	while (r < 0 && errno == EINTR);
	if (r == 0) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
			    "the broker sent no DRM card within %d ms (a drm output under the broker "
			    "needs tessera-brokerd --kiosk-devices)", timeout_ms);
		return -1;
	}
	do
		n = tsr_frame_recv(broker_fd, buf, sizeof(buf), TSR_KIOSK_PROTO_VERSION, fds, 1,
				   &nfds);
	while (n < 0 && errno == EINTR);
	if (n <= 0) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED,
			    "waiting for the DRM card: %s",
			    n == 0 ? "the broker closed the link" : g_strerror(errno));
		return -1;
	}
	const struct tsr_kiosk_device *m = (const void *)buf;
	if (tsr_kiosk_msg_check(buf, (size_t)n, &why) < 0 || m->h.type != TSR_KIOSK_DEVICE ||
	    m->kind != TSR_KIOSK_DEVICE_DRM || nfds != 1) {
		tsr_fd_close_all(fds, nfds);
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
			    "the broker's first message is not a DRM card (%s): a drm output under "
			    "the broker needs tessera-brokerd --kiosk-devices",
			    why ? why : "another message");
		return -1;
	}
	g_strlcpy(node, m->node, node_size);
	return fds[0];
}
