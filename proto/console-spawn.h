/* proto/console-spawn.h: starting tessera-console with its link.
 *
 * The console drops to its own user inside its sandbox, so root starts it: the broker, which
 * then hands the other end of the link to the kiosk (TSR_KIOSK_CONSOLE), and
 * tsr_console_link_spawn for a kiosk or test running as root. Kept apart from console-link.c so
 * the broker gets the fork and exec without the kiosk's side of the link. */
#ifndef TSR_PROTO_CONSOLE_SPAWN_H
#define TSR_PROTO_CONSOLE_SPAWN_H

#include <glib.h>
#include <sys/types.h>

struct tsr_console_spawn_options {
	/* The console binary; NULL = TSR_LIBEXECDIR/tessera-console. */
	const char *program;
	/* --socket, --user, --socket-owner of tessera-console; NULL = its default. */
	const char *socket_path;
	const char *user;
	const char *socket_owner;
	/* Where the console's stderr goes: -1 = the caller's own stderr. */
	int stderr_fd;
};

/* Start the console with one end of a new SOCK_SEQPACKET socketpair as its link. Returns the
 * other end (close-on-exec) and the console's pid in *pid, or -1 with an error. */
int tsr_console_spawn(const struct tsr_console_spawn_options *options, pid_t *pid,
		      GError **error) __attribute__((warn_unused_result));

#endif
