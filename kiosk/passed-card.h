/* kiosk/passed-card.h: the DRM card the broker lends a kiosk on a drm output.
 *
 * Under the broker the kiosk opens no device node: the broker opens the card as root, makes it
 * DRM master, and sends it as the very first message on the link (DEVICE, kind DRM, with the
 * fd), before SETTINGS. The kiosk takes it before anything else reads the link. */
#ifndef TSR_KIOSK_PASSED_CARD_H
#define TSR_KIOSK_PASSED_CARD_H

#include <glib.h>
#include <stddef.h>

/* Wait up to timeout_ms for the first message on broker_fd, which must be the DRM card: returns
 * its fd (node gets its /dev name for the log), or -1 with an error that says what came instead
 * (a broker that lends no devices: start tessera-brokerd with --kiosk-devices). */
int tsr_kiosk_receive_card(int broker_fd, int timeout_ms, char *node, size_t node_size,
			   GError **error) __attribute__((warn_unused_result));

#endif
