/* broker/child.c: ending a helper program the broker started and watches.
 *
 * The console and each domain's viewer are children the broker reaps through a GLib child watch
 * and sometimes has to end at once (policy turned the console off, the domain stopped or was
 * picked again). Both are kept as a pid and a watch, forgotten alike when the child ends by
 * itself, and ended alike: the watch goes first, so its callback never sees a pid the broker
 * has already forgotten, then SIGKILL and the reap. */
#include "config.h"
#include "broker/broker-private.h"

#include <signal.h>
#include <sys/wait.h>

void brk_child_kill(GPid *pid, guint *watch)
{
	if (*pid <= 0)
		return;
	g_clear_handle_id(watch, g_source_remove);
	kill(*pid, SIGKILL);
	/* Reaped here: SIGKILL cannot be ignored, so this returns at once. */
	waitpid(*pid, NULL, 0);
	*pid = 0;
}

bool brk_child_reaped(GPid pid, GPid *child, guint *watch)
{
	g_spawn_close_pid(pid);
	if (*child != pid)
		return false;
	*child = 0;
	*watch = 0;
	return true;
}
