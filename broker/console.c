/* broker/console.c: tessera-console, started by the broker when policy turns it on.
 *
 * The console must drop to its own user inside its sandbox, which needs root, so the kiosk
 * (unprivileged) cannot start it: the broker does, one console per kiosk, and hands the kiosk's
 * end of the link over the kiosk link (CONSOLE, SCM_RIGHTS) just before the SETTINGS that turn
 * it on, as it does with viewer links. The console listens on --console-socket (default
 * RUN/console.sock), 0600 and owned by root unless --console-socket-owner names a user; it
 * exits by itself once its link closes (the kiosk ended or let it go), and is killed when the
 * kiosk ends or policy turns it off. One that crashes is started again (console_exited). */
#include "config.h"
#include "broker/broker-private.h"
#include "common/log.h"
#include "proto/console-spawn.h"

#include <sys/wait.h>
#include <unistd.h>

/* A console that crashed is started again for the same kiosk: a remote client can make
 * spice-server crash (doc/console.md), and the remote console must come back. The delay starts
 * at a second and doubles while it keeps crashing, up to a minute; a console that ran a minute
 * starts the count again. */
#define RESTART_FIRST_MS 1000u
#define RESTART_MAX_MS 60000u
#define RAN_LONG_US (60 * G_USEC_PER_SEC)

static gboolean console_restart(gpointer data)
{
	struct tsr_broker *b = data;

	b->console_retry = 0;
	if (b->policy)
		brk_console_offer(b, b->policy->kiosk.console);
	return G_SOURCE_REMOVE;
}

static void console_exited(GPid pid, gint status, gpointer data)
{
	struct tsr_broker *b = data;
	g_autofree char *how = WIFEXITED(status)
				       ? g_strdup_printf("exit status %d", WEXITSTATUS(status))
				       : g_strdup_printf("signal %d", WTERMSIG(status));
	char delay_text[16];
	unsigned delay;

	/* Not restarted: a console already replaced; exit status 0 (its kiosk closed the link, a
	 * new kiosk gets a new console); one policy or the kiosk no longer wants. */
	if (!brk_child_reaped(pid, &b->console_pid, &b->console_watch) ||
	    (WIFEXITED(status) && WEXITSTATUS(status) == 0) || !b->policy ||
	    b->policy->kiosk.console == TSR_POLICY_CONSOLE_NONE ||
	    !brk_kiosk_link_connected(b->kiosk) ||
	    b->console_kiosk != brk_kiosk_link_starts(b->kiosk)) {
		tsr_info("console (pid %d) ended (%s)", (int)pid, how);
		return;
	}
	if (g_get_monotonic_time() - b->console_started >= RAN_LONG_US)
		b->console_crashes = 0;
	delay = MIN(RESTART_FIRST_MS << MIN(b->console_crashes, 6u), RESTART_MAX_MS);
	b->console_crashes++;
	g_snprintf(delay_text, sizeof(delay_text), "%u", delay);
	tsr_warn("console (pid %d) crashed (%s); a new one in %.0f s", (int)pid, how,
		 delay / 1000.0);
	brk_audit(b, "console-crashed", "status", how, "restart_ms", delay_text, NULL);
	/* None is due: every start (brk_console_offer) cleared it. */
	b->console_retry = g_timeout_add(delay, console_restart, b);
}

void brk_console_stop(struct tsr_broker *b)
{
	g_clear_handle_id(&b->console_retry, g_source_remove);
	brk_child_kill(&b->console_pid, &b->console_watch);
}

void brk_console_offer(struct tsr_broker *b, enum tsr_policy_console_rights rights)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *socket_path = NULL;
	struct tsr_kiosk_console m = { 0 };
	pid_t pid;
	int fd;

	if (rights == TSR_POLICY_CONSOLE_NONE || !brk_kiosk_link_connected(b->kiosk)) {
		brk_console_stop(b);
		return;
	}
	/* One console per kiosk: a running one already has this kiosk's link. */
	if (b->console_pid > 0 && b->console_kiosk == brk_kiosk_link_starts(b->kiosk))
		return;
	brk_console_stop(b);
	socket_path = b->cfg.console_socket ? g_strdup(b->cfg.console_socket)
					    : g_build_filename(b->run_dir, "console.sock", NULL);
	const struct tsr_console_spawn_options o = {
		.program = b->cfg.console_path, .socket_path = socket_path,
		.user = b->cfg.console_user, .socket_owner = b->cfg.console_socket_owner,
		.stderr_fd = -1,
	};
	fd = tsr_console_spawn(&o, &pid, &error);
	if (fd < 0) {
		tsr_err("console: %s", error->message);
		brk_audit(b, "console-failed", "reason", error->message, NULL);
		return;
	}
	if (b->console_kiosk != brk_kiosk_link_starts(b->kiosk))
		b->console_crashes = 0;
	b->console_pid = pid;
	b->console_kiosk = brk_kiosk_link_starts(b->kiosk);
	b->console_started = g_get_monotonic_time();
	b->console_watch = g_child_watch_add(pid, console_exited, b);
	{
		g_autofree char *p = g_strdup_printf("%d", (int)pid);
		brk_audit(b, "console-start", "pid", p, "socket", socket_path, "owner",
			     b->cfg.console_socket_owner ? b->cfg.console_socket_owner : "root",
			     NULL);
	}
	tsr_info("console started (pid %d) on %s for %s", (int)pid, socket_path,
		 b->cfg.console_socket_owner ? b->cfg.console_socket_owner : "root");
	if (!brk_kiosk_send(b, &m, TSR_KIOSK_CONSOLE, fd))
		brk_console_stop(b);
	close(fd);
}
