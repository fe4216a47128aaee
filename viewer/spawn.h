/* viewer/spawn.h: the one way a tessera-viewer is started.
 *
 * Used by the broker in production and by the kiosk's standalone mode. It connects the
 * domain's SPICE socket several times (one connection per SPICE channel: main, display,
 * inputs, cursor) as the caller, refuses a domain whose SPICE server (the device model, asked
 * by SO_PEERCRED) runs as the viewer's uid, makes the SOCK_SEQPACKET link, and starts the
 * viewer with exactly those fds (link on 3, SPICE on 4...), stdin on /dev/null, no tty (new
 * session, a tty on stdout/stderr is replaced by /dev/null), its ids set by common's sandbox
 * sequence (groups dropped, gid then uid set to the viewer's user when the caller is root;
 * otherwise the ids must be the caller's own and the caller must have no supplementary groups,
 * as when the broker starts the kiosk: so the kiosk never needs root), no_new_privs, and a
 * parent-death signal. Started by root, the viewer is non-dumpable from its first instruction
 * (see nondumpable_exec in common/sandbox.h). The viewer then finishes its own sandbox
 * (viewer/sandbox.h) before it reads a SPICE byte.
 *
 * The viewer gets sockets, not a path: it never needs to connect anywhere, so its seccomp
 * filter forbids socket() and connect() outright (doc/display-protocol.md explains the choice
 * over private mount and network namespaces). The spawner keeps its own copies of the SPICE
 * connections for a minute after the start, closed by a timer in GLib's default main context:
 * a viewer that dies early must not crash the device model (viewer/spice-hold.h). */
#ifndef TSR_VIEWER_SPAWN_H
#define TSR_VIEWER_SPAWN_H

#include "common/unix-peer.h"

#include <glib.h>
#include <stdbool.h>
#include <sys/types.h>

#define TSR_VIEWER_SPICE_CONNECTIONS 4

struct tsr_viewer_spawn_params {
	const char *domain;       /* name, for the viewer's logs */
	const char *spice_socket; /* the domain's SPICE unix socket */
	/* Who must serve it, when the caller is root and the socket's directory is the device
	 * model's: then no link is followed and the server is checked (common/unix-peer.h).
	 * NULL: a plain connect (the standalone kiosk connects as itself). */
	const struct tsr_unix_peer *server;
	uid_t uid;                /* the domain's user (never 0) */
	gid_t gid;
	const char *viewer_path;  /* NULL: the installed tessera-viewer */
	const char *probe_path;   /* test only: run the viewer's --sandbox-probe */
	/* How long the spawner keeps its copies of the SPICE connections (viewer/spice-hold.h);
	 * 0: TSR_VIEWER_SPICE_HOLD_MS. Only viewer-test sets a shorter one, to see them close. */
	unsigned spice_hold_ms;
};

struct tsr_viewer_process {
	pid_t pid;  /* the caller reaps it (e.g. g_child_watch_add) */
	int link;   /* the kiosk's end of the link, close-on-exec */
};

/* The installed viewer ($libexecdir/tessera-viewer). */
const char *tsr_viewer_default_path(void);

/* Returns true and fills *out, or false with an error naming what failed (the SPICE socket
 * cannot be reached, ids not allowed, the viewer binary missing...). Nothing is left open
 * or running on failure. */
bool tsr_viewer_spawn(const struct tsr_viewer_spawn_params *params, struct tsr_viewer_process *out,
		      GError **error) __attribute__((warn_unused_result));

#endif
