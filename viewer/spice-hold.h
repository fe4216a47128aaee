/* viewer/spice-hold.h: the spawner keeps its own copies of a viewer's SPICE connections for a
 * while after the viewer starts, so that a viewer that dies early cannot crash its domain.
 *
 * Debian 12's spice-server (0.15.1, in QEMU and in tessera-testdomain alike) reads freed memory
 * when a display channel ends before its display worker has read the channel's init message:
 * display_channel_client_wait_for_init receives, sees the end of the stream, disconnects and
 * frees the channel client, then asks whether that client is still connected. The worker takes
 * its reference only after the init. A viewer killed moments after its start (a pick and then a
 * logout, a lock or a user switch) or one that crashes there would take the device model, and
 * the guest with it, down. While the spawner holds a copy of each connection, the viewer's death
 * ends no stream: the worker either reads the init the viewer sent, or waits for it at most
 * 30 s (COMMON_CLIENT_TIMEOUT) and then disconnects the channel itself, which is safe. After
 * TSR_VIEWER_SPICE_HOLD_MS the copies are closed; a viewer still running keeps its own, so the
 * hold changes nothing for it, and a viewer that died before then has its connections end. */
#ifndef TSR_VIEWER_SPICE_HOLD_H
#define TSR_VIEWER_SPICE_HOLD_H

#include <stddef.h>

/* The worker's 30 s, and room for the time between the connect and the start of its wait. */
#define TSR_VIEWER_SPICE_HOLD_MS 60000
/* At most two viewers' connections per domain: a domain whose viewers keep dying (a hostile
 * guest can make its own viewer fail) closes its own oldest hold early, so the spawner's fds
 * stay bounded and another domain's hold is never cut short. */
#define TSR_VIEWER_SPICE_HOLD_PER_DOMAIN 8

/* Takes fds[0..n) (each -1 or open), held for domain: they are closed ms (> 0) from now by a
 * timer in GLib's default main context, or earlier when the domain's newer holds need the
 * room. */
void tsr_viewer_spice_hold(const char *domain, const int *fds, size_t n, unsigned ms);

#endif
