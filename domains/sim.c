/* domains/sim.c: the "sim" backend: each domain is a tessera-testdomain process, a SPICE server
 * without a VM, so the broker, viewer and kiosk can be tested in seconds.
 *
 * It keeps the same rules as the real backends where they matter to callers: the process runs as
 * the domain's user, its socket is in the domain's run directory, a death that nobody asked for
 * is a crash, pause is SIGSTOP, a graceful shutdown is SIGTERM (bounded by the core's timeout,
 * then SIGKILL), and after a restart the process is found again through its pid file. USB
 * attach is bookkeeping only: the device is recorded in run_dir/NAME/usb (one id per line). */
#include "config.h"

#include "domains/backend-private.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct pause_wait;

struct sim_domain {
	guint watch;
	struct tsr_path_wait *wait;
	struct tsr_op *start_op;
	GPtrArray *usb;
	guint pause_timer;
	struct pause_wait *pause;
	guint listen_timer; /* the socket exists: waiting for it to listen */
	int listen_tries;
};

static struct sim_domain *priv(struct tsr_domain *d)
{
	if (!d->priv) {
		struct sim_domain *s = g_new0(struct sim_domain, 1);
		s->usb = g_ptr_array_new_with_free_func(g_free);
		d->priv = s;
	}
	return d->priv;
}

static void sim_domain_free(struct tsr_domain *d)
{
	struct sim_domain *s = d->priv;
	if (!s)
		return;
	g_clear_handle_id(&s->watch, g_source_remove);
	g_clear_handle_id(&s->listen_timer, g_source_remove);
	if (s->pause_timer) {
		g_source_remove(s->pause_timer);
		g_free(s->pause); /* its op is dropped: the domain is gone */
	}
	tsr_path_wait_cancel(s->wait);
	if (s->start_op)
		tsr_op_finish(s->start_op, g_error_new(TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_FAILED,
						       "domain %s was removed", d->name));
	g_ptr_array_free(s->usb, TRUE);
	g_free(s);
}

static void write_usb(struct tsr_domain *d)
{
	struct sim_domain *s = priv(d);
	GString *text = g_string_new(NULL);
	for (guint i = 0; i < s->usb->len; i++)
		g_string_append_printf(text, "%s\n", (char *)s->usb->pdata[i]);
	char *path = g_build_filename(d->run_dir, "usb", NULL);
	g_file_set_contents(path, text->str, -1, NULL);
	g_free(path);
	g_string_free(text, TRUE);
}

static void exited(GPid pid, int status, void *data)
{
	struct tsr_domain *d = data;
	struct sim_domain *s = priv(d);
	s->watch = 0;
	tsr_path_wait_cancel(s->wait);
	s->wait = NULL;
	g_clear_handle_id(&s->listen_timer, g_source_remove);
	g_ptr_array_set_size(s->usb, 0);
	char *how = tsr_exit_how("testdomain", status);
	if (s->start_op) {
		char *line = tsr_dm_log_reason(d->log_path);
		tsr_dm_log_to_broker(d->name, how, d->log_path, 10);
		char *why = line ? g_strdup_printf("%s while starting: %s", how, line)
				 : g_strdup_printf("%s while starting (empty log)", how);
		tsr_op_finish(s->start_op, g_error_new(TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_FAILED,
						       "domain %s: %s", d->name, why));
		s->start_op = NULL;
		g_free(how);
		how = why;
		g_free(line);
	}
	bool asked = d->stop_requested;
	tsr_domain_set_state(d, asked ? TSR_DOMAIN_STOPPED : TSR_DOMAIN_CRASHED,
			     asked ? "stopped by request" : how);
	g_free(how);
}

/* Whether a unix socket bound at path listens (/proc/net/unix: __SO_ACCEPTCON in Flags).
 * spice-server binds, then listens: a client that came in between would be refused. */
static bool socket_listens(const char *path)
{
	g_autofree char *table = NULL;

	if (!g_file_get_contents("/proc/net/unix", &table, NULL, NULL))
		return true; /* cannot tell: the viewer's connect will say */
	g_auto(GStrv) lines = g_strsplit(table, "\n", -1);
	for (size_t i = 1; lines[i]; i++) {
		/* Num RefCount Protocol Flags Type St Inode Path (the path may hold spaces) */
		unsigned long flags = 0;
		int path_at = -1;
		if (sscanf(lines[i], "%*s %*s %*s %lx %*s %*s %*s %n", &flags, &path_at) == 1 &&
		    path_at > 0 && strcmp(lines[i] + path_at, path) == 0 && (flags & 0x10000))
			return true;
	}
	return false;
}

static void start_failed(struct tsr_domain *d, const char *what)
{
	struct sim_domain *s = priv(d);
	struct tsr_op *op = s->start_op;

	s->start_op = NULL;
	d->stop_requested = true;
	kill((pid_t)d->pid, SIGKILL);
	tsr_op_finish(op, g_error_new(TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_TIMEOUT,
				      "domain %s: testdomain %s %s (see %s)", d->name, what,
				      d->spice_path, d->log_path));
}

/* Running once its socket listens (checked every 10 ms, at most 10 s). */
static gboolean listen_check(gpointer data)
{
	struct tsr_domain *d = data;
	struct sim_domain *s = priv(d);

	if (!socket_listens(d->spice_path)) {
		if (++s->listen_tries < 1000)
			return G_SOURCE_CONTINUE;
		s->listen_timer = 0;
		start_failed(d, "did not listen on");
		return G_SOURCE_REMOVE;
	}
	s->listen_timer = 0;
	struct tsr_op *op = s->start_op;
	s->start_op = NULL;
	tsr_domain_set_state(d, TSR_DOMAIN_RUNNING, "testdomain listening");
	tsr_op_finish(op, NULL);
	return G_SOURCE_REMOVE;
}

static void socket_ready(void *data, bool appeared)
{
	struct tsr_domain *d = data;
	struct sim_domain *s = priv(d);
	s->wait = NULL;
	if (!appeared) {
		start_failed(d, "did not open");
		return;
	}
	s->listen_tries = 0;
	if (listen_check(d) == G_SOURCE_CONTINUE)
		s->listen_timer = g_timeout_add(10, listen_check, d);
}

static void sim_start(struct tsr_domain *d, struct tsr_op *op)
{
	struct tsr_backend *b = d->backend;
	struct sim_domain *s = priv(d);
	GError *error = NULL;
	char *record = g_build_filename(d->run_dir, "input.log", NULL);
	/* The echo pattern with the domain's name and a band of bars: typed keys still show,
	 * and a person sees which domain it is. */
	/* With `agent = true` it plays a guest whose agent connects with its session, a second
	 * after its first picture. */
	char *argv[] = { b->testdomain, "--socket", d->spice_path, "--pattern", "echo",
			 "--title", d->name, "--record-input", record,
			 d->agent ? "--agent" : NULL, "--agent-after", "1000", NULL };
	GPid pid = tsr_spawn_as(argv, d->log_path, d->uid, d->gid, &error);
	g_free(record);
	if (!tsr_started(d, pid, op, error))
		return;
	g_ptr_array_set_size(s->usb, 0);
	write_usb(d);
	s->start_op = op;
	s->watch = tsr_watch_pid(pid, true, exited, d, NULL);
	s->wait = tsr_wait_path(d->spice_path, 10000, socket_ready, d);
}

static bool process_stopped(long pid)
{
	char *path = g_strdup_printf("/proc/%ld/stat", pid);
	char *stat = tsr_read_trimmed(path);
	const char *close_paren = stat ? strrchr(stat, ')') : NULL;
	bool stopped = close_paren && (close_paren[2] == 'T' || close_paren[2] == 't');
	g_free(stat);
	g_free(path);
	return stopped;
}

struct pause_wait {
	struct tsr_domain *d;
	struct tsr_op *op;
	int tries;
};

/* SIGSTOP is delivered asynchronously: "paused" is reported once the kernel shows the process
 * stopped (checked every 2 ms, at most 2 s), so a caller never sees a paused domain run. */
static gboolean pause_check(gpointer data)
{
	struct pause_wait *w = data;
	if (!process_stopped(w->d->pid) && ++w->tries < 1000)
		return G_SOURCE_CONTINUE;
	priv(w->d)->pause_timer = 0;
	priv(w->d)->pause = NULL;
	if (w->tries >= 1000) {
		tsr_op_finish(w->op, g_error_new(TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_TIMEOUT,
						 "pausing %s: the process did not stop",
						 w->d->name));
	} else {
		tsr_domain_set_state(w->d, TSR_DOMAIN_PAUSED, "paused by request");
		tsr_op_finish(w->op, NULL);
	}
	g_free(w);
	return G_SOURCE_REMOVE;
}

static void sim_pause(struct tsr_domain *d, struct tsr_op *op)
{
	if (kill((pid_t)d->pid, SIGSTOP) != 0) {
		tsr_op_finish(op, g_error_new(TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_FAILED,
					      "pausing %s: %s", d->name, g_strerror(errno)));
		return;
	}
	struct pause_wait *w = g_new0(struct pause_wait, 1);
	w->d = d;
	w->op = op;
	priv(d)->pause = w;
	priv(d)->pause_timer = g_timeout_add(2, pause_check, w);
}

static void sim_resume(struct tsr_domain *d, struct tsr_op *op)
{
	if (kill((pid_t)d->pid, SIGCONT) != 0) {
		tsr_op_finish(op, g_error_new(TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_FAILED,
					      "resuming %s: %s", d->name, g_strerror(errno)));
		return;
	}
	tsr_domain_set_state(d, TSR_DOMAIN_RUNNING, "resumed by request");
	tsr_op_finish(op, NULL);
}

static void sim_request_shutdown(struct tsr_domain *d)
{
	kill((pid_t)d->pid, SIGCONT);
	kill((pid_t)d->pid, SIGTERM);
}

static void sim_kill(struct tsr_domain *d)
{
	kill((pid_t)d->pid, SIGKILL);
}

/* Is pid a testdomain serving this domain's socket? Guards against a recycled pid. */
static bool is_our_testdomain(struct tsr_domain *d, long pid)
{
	return tsr_pid_has_arg(pid, d->spice_path);
}

static void sim_adopt(struct tsr_domain *d, struct tsr_op *op)
{
	struct sim_domain *s = priv(d);
	long pid = tsr_adopt_pid(d, op, is_our_testdomain, NULL, "died while the broker was away",
				 exited, &s->watch);
	if (!pid)
		return;
	bool stopped = process_stopped(pid);
	tsr_domain_set_state(d, stopped ? TSR_DOMAIN_PAUSED : TSR_DOMAIN_RUNNING,
			     "adopted after restart");
	tsr_op_finish(op, NULL);
}

static void sim_attach(struct tsr_domain *d, const struct tsr_usb_device *device, const char *id,
		       struct tsr_op *op)
{
	g_ptr_array_add(priv(d)->usb, g_strdup(id));
	write_usb(d);
	tsr_op_finish(op, NULL);
}

static void sim_detach(struct tsr_domain *d, const struct tsr_usb_device *device, const char *id,
		       struct tsr_op *op)
{
	struct sim_domain *s = priv(d);
	for (guint i = 0; i < s->usb->len; i++)
		if (strcmp(s->usb->pdata[i], id) == 0) {
			g_ptr_array_remove_index(s->usb, i);
			break;
		}
	write_usb(d);
	tsr_op_finish(op, NULL);
}

const struct tsr_backend_ops tsr_backend_sim_ops = {
	.kind = "sim",
	.domain_free = sim_domain_free,
	.start = sim_start,
	.pause = sim_pause,
	.resume = sim_resume,
	.adopt = sim_adopt,
	.attach_usb = sim_attach,
	.detach_usb = sim_detach,
	.request_shutdown = sim_request_shutdown,
	.kill = sim_kill,
};
