/* common/spice-core.h: libspice-server's event-loop interface (SpiceCoreInterface) on a
 * GLib main context.
 *
 * spice-server does not run its own loop for the main and inputs channels: the embedding program
 * provides timers and fd watches. Both programs that embed spice-server (tessera-testdomain and
 * tessera-console) run on GLib, so these are thin wrappers around GSources, shared here. The
 * display worker thread has its own loop inside spice-server and does not use this. It lives in
 * its own library (libtsr-spice-core.a) so that nothing else links spice-server. */
#ifndef TSR_COMMON_SPICE_CORE_H
#define TSR_COMMON_SPICE_CORE_H

#include <glib.h>

#include <spice.h>

/* The interface, bound to context (NULL = the global default context). channel_event, if not
 * NULL, is called for spice-server's channel events (connect, disconnect). The returned pointer
 * is static: one core per process, which is all spice-server supports anyway. */
SpiceCoreInterface *tsr_spice_core_get(GMainContext *context,
				       void (*channel_event)(int event, SpiceChannelEventInfo *info));

#endif
