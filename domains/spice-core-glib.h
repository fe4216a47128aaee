/* domains/spice-core-glib.h: libspice-server's event-loop interface on the GLib main loop.
 *
 * libspice-server does not run its own loop for the main (non-display) channels: the embedding
 * program lends it timers and fd watches through SpiceCoreInterface. tessera-testdomain runs
 * on GLib, so this file maps those calls onto GSources of the default main context. All calls
 * come from the thread that runs that context (the display worker has its own loop). */
#ifndef TSR_DOMAINS_SPICE_CORE_GLIB_H
#define TSR_DOMAINS_SPICE_CORE_GLIB_H

#include <spice.h>

/* A process-wide interface for spice_server_init(). */
SpiceCoreInterface *tsr_spice_core_glib(void);

#endif
