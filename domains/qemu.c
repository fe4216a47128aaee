/* domains/qemu.c: the "qemu" backend: one qemu-system-x86_64 per domain, driven over QMP.
 *
 * The device model is where a hostile guest lands first, so it gets as little as possible: it
 * is started already running as the domain's own uid/gid (never root, see process.c), under
 * QEMU's seccomp sandbox (-sandbox on,obsolete=deny,elevateprivileges=deny,spawn=deny,
 * resourcecontrol=deny), with its sockets in a directory only that user can enter and its
 * disk a qcow2 overlay over a read-only, pinned template. What the guest is made of (firmware,
 * disks, display, agent channel) is qemu-args.c; this file prepares the per-domain UEFI
 * variable store, runs the process and follows it.
 *
 * State comes from two places: QMP (STOP/RESUME/SHUTDOWN events, query-status) and the
 * process itself (child watch, or a pidfd for a QEMU adopted after a broker restart). An exit
 * after a SHUTDOWN event or a stop request is "stopped"; any other exit is "crashed".
 *
 * KVM: used when asked, or with accel=auto when the domain's own user can open /dev/kvm and a
 * probe guest started as that user reaches its userspace under KVM (domains/accel.c); the
 * decision is made once per user, before that user's first domain starts. */
#include "config.h"

#include "domains/backend-private.h"
#include "domains/network.h"
#include "domains/qemu-args.h"
#include "domains/qmp.h"
#include "domains/usb-pass.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/log.h"

#define QMP_WAIT_MS 30000
#define UNPLUG_WAIT_MS 10000

struct qemu_backend {
	struct tsr_accel_cache *accel;
};

struct qemu_domain {
	struct tsr_domain *d;
	char *qmp_path;
	struct tsr_qmp *qmp;
	guint watch;
	struct tsr_path_wait *wait;
	/* QEMU binds its QMP socket before it listens: a connect in between is refused, so the
	 * connect is retried until this deadline (monotonic us). */
	guint qmp_retry;
	int64_t qmp_deadline;
	struct tsr_op *start_op;   /* pending start or adopt */
	struct tsr_accel_wait *accel_wait; /* a start waiting for its user's KVM probe */
	bool guest_shutdown;       /* QMP SHUTDOWN seen: the exit that follows is not a crash */
	bool adopted;
	/* A pending unplug waiting for DEVICE_DELETED. */
	char *unplug_id;
	struct tsr_op *unplug_op;
	guint unplug_timer;
	/* Host devices attached through an fd root passed (add-fd): qdev id → its fdset id
	 * (gint64 *), removed again once QEMU has let go of the device. */
	GHashTable *usb_fdsets;
	/* Why the backend gave up on a start and killed QEMU: the crash that follows is
	 * reported with this reason, not as "killed by signal 9". */
	char *start_failure;
};

static struct qemu_domain *priv(struct tsr_domain *d)
{
	if (!d->priv) {
		struct qemu_domain *q = g_new0(struct qemu_domain, 1);
		q->d = d;
		q->qmp_path = g_build_filename(d->run_dir, "qmp.sock", NULL);
		q->usb_fdsets = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
		d->priv = q;
	}
	return d->priv;
}

static void fail_op(struct tsr_op **op, GError *error)
{
	if (*op)
		tsr_op_finish(*op, error);
	else if (error)
		g_error_free(error);
	*op = NULL;
}

/* The start failed for a reason of ours and QEMU is about to be killed: fail the start with
 * that reason and keep it for the state change the kill brings. */
static void fail_start(struct tsr_domain *d, GError *error)
{
	struct qemu_domain *q = priv(d);

	g_free(q->start_failure);
	q->start_failure = g_strdup(error->message);
	fail_op(&q->start_op, error);
}

static void qemu_domain_free(struct tsr_domain *d)
{
	struct qemu_domain *q = d->priv;
	if (!q)
		return;
	g_clear_handle_id(&q->watch, g_source_remove);
	g_clear_handle_id(&q->unplug_timer, g_source_remove);
	g_clear_handle_id(&q->qmp_retry, g_source_remove);
	tsr_path_wait_cancel(q->wait);
	tsr_accel_wait_cancel(q->accel_wait);
	tsr_qmp_free(q->qmp);
	GError *gone = g_error_new(TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_FAILED,
				   "domain %s was removed", d->name);
	fail_op(&q->start_op, g_error_copy(gone));
	fail_op(&q->unplug_op, gone);
	g_free(q->unplug_id);
	g_free(q->qmp_path);
	g_free(q->start_failure);
	g_hash_table_destroy(q->usb_fdsets);
	g_free(q);
}

static bool qemu_init(struct tsr_backend *b, GError **error)
{
	char *path = g_find_program_in_path(b->qemu);
	if (!path) {
		g_set_error(error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_FAILED,
			    "%s not found: install the Debian package qemu-system-x86", b->qemu);
		return false;
	}
	g_free(b->qemu);
	b->qemu = path;
	/* The backend-wide kernel is optional (domains boot their own disks); when given, it
	 * must be there. */
	if ((b->kernel || b->initrd) &&
	    (!b->kernel || !b->initrd || access(b->kernel, R_OK) || access(b->initrd, R_OK))) {
		g_set_error(error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_INVALID,
			    "the default guest kernel and initramfs (config kernel=, initrd=) are "
			    "missing or unreadable: build them with tools/build-guest-image");
		return false;
	}
	if (strcmp(b->accel, "kvm") != 0 && strcmp(b->accel, "tcg") != 0 &&
	    strcmp(b->accel, "auto") != 0) {
		g_set_error(error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_INVALID,
			    "accel '%s' is not one of auto, kvm, tcg", b->accel);
		return false;
	}
	struct qemu_backend *qb = g_new0(struct qemu_backend, 1);
	struct tsr_accel_config ac = { .qemu = b->qemu, .kernel = b->kernel, .initrd = b->initrd,
				       .log_dir = b->state_dir, .probe_ms = b->accel_probe_ms };
	qb->accel = tsr_accel_cache_create(&ac, b->accel);
	tsr_info("qemu backend: accel %s%s", b->accel,
		 strcmp(b->accel, "auto") == 0 ? " (decided per domain user at its first start)"
					       : "");
	b->priv = qb;
	return true;
}

static void qemu_finalize(struct tsr_backend *b)
{
	struct qemu_backend *qb = b->priv;
	if (qb)
		tsr_accel_cache_destroy(qb->accel);
	g_free(qb);
}

static const char *qemu_accel(struct tsr_domain *d)
{
	struct qemu_backend *qb = d->backend->priv;
	return tsr_accel_decided(qb->accel, d->uid, d->gid);
}

/* ---- process and QMP events ---- */

static void set_stopped_or_crashed(struct tsr_domain *d, const char *how)
{
	struct qemu_domain *q = priv(d);
	bool clean = d->stop_requested || q->guest_shutdown;
	char *why = NULL;
	tsr_network_release(d);
	if (q->start_op && q->adopted) {
		/* Died while being adopted: the answer is "crashed", not an error. */
		tsr_domain_set_state(d, TSR_DOMAIN_CRASHED, "QEMU died while being adopted");
		fail_op(&q->start_op, NULL);
	} else if (q->start_op) {
		/* The reason goes with the state change too: the broker answers the user's pick
		 * from the CRASHED event, which comes first. */
		char *line = tsr_dm_log_reason(d->log_path);
		tsr_dm_log_to_broker(d->name, how, d->log_path, 10);
		why = line ? g_strdup_printf("QEMU %s while starting: %s", how, line)
			   : g_strdup_printf("QEMU %s while starting (empty log)", how);
		fail_op(&q->start_op, g_error_new(TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_FAILED,
						  "domain %s: %s", d->name, why));
		g_free(line);
	}
	if (q->unplug_op)
		fail_op(&q->unplug_op, g_error_new(TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_FAILED,
						   "domain %s stopped during the unplug", d->name));
	q->guest_shutdown = false;
	q->adopted = false;
	if (d->disposable && d->boot.firmware == TSR_FIRMWARE_UEFI) {
		char *vars = tsr_qemu_vars_path(d);
		unlink(vars);
		g_free(vars);
	}
	const char *reason = why ? why : q->start_failure ? q->start_failure : how;
	tsr_domain_set_state(d, clean ? TSR_DOMAIN_STOPPED : TSR_DOMAIN_CRASHED,
			     clean ? "device model exited after shutdown" : reason);
	g_free(why);
	g_clear_pointer(&q->start_failure, g_free);
}

static void exited(GPid pid, int status, void *data)
{
	struct tsr_domain *d = data;
	struct qemu_domain *q = priv(d);
	q->watch = 0;
	tsr_path_wait_cancel(q->wait);
	q->wait = NULL;
	g_clear_handle_id(&q->qmp_retry, g_source_remove);
	g_hash_table_remove_all(q->usb_fdsets); /* they died with QEMU */
	tsr_qmp_free(q->qmp);
	q->qmp = NULL;
	char *how = tsr_exit_how(NULL, status);
	set_stopped_or_crashed(d, how);
	g_free(how);
}

static gboolean unplug_timeout(gpointer data)
{
	struct qemu_domain *q = data;
	q->unplug_timer = 0;
	fail_op(&q->unplug_op, g_error_new(TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_TIMEOUT,
					   "domain %s: QEMU did not remove %s in time", q->d->name,
					   q->unplug_id));
	g_clear_pointer(&q->unplug_id, g_free);
	return G_SOURCE_REMOVE;
}

/* QEMU let go of a device it had through an fd: drop that fd from its fdset too, so nothing of
 * the device stays open in QEMU. */
static void forget_fdset(struct tsr_domain *d, const char *qid)
{
	struct qemu_domain *q = priv(d);
	gint64 *id = g_hash_table_lookup(q->usb_fdsets, qid);

	if (!id)
		return;
	if (q->qmp) {
		JsonObject *args = json_object_new();
		json_object_set_int_member(args, "fdset-id", *id);
		tsr_qmp_command(q->qmp, "remove-fd", args, NULL, NULL);
	}
	g_hash_table_remove(q->usb_fdsets, qid);
}

static void on_event(struct tsr_qmp *qmp, const char *event, JsonNode *data, void *user)
{
	struct tsr_domain *d = user;
	struct qemu_domain *q = priv(d);
	if (strcmp(event, "SHUTDOWN") == 0) {
		q->guest_shutdown = true;
	} else if (strcmp(event, "STOP") == 0) {
		if (d->state == TSR_DOMAIN_RUNNING)
			tsr_domain_set_state(d, TSR_DOMAIN_PAUSED, "paused (QMP STOP)");
	} else if (strcmp(event, "RESUME") == 0) {
		if (d->state == TSR_DOMAIN_PAUSED)
			tsr_domain_set_state(d, TSR_DOMAIN_RUNNING, "resumed (QMP RESUME)");
	} else if (strcmp(event, "DEVICE_DELETED") == 0 && q->unplug_id && data &&
		   JSON_NODE_HOLDS_OBJECT(data)) {
		JsonNode *dev = json_object_get_member(json_node_get_object(data), "device");
		if (dev && JSON_NODE_HOLDS_VALUE(dev) &&
		    json_node_get_value_type(dev) == G_TYPE_STRING &&
		    strcmp(json_node_get_string(dev), q->unplug_id) == 0) {
			g_clear_handle_id(&q->unplug_timer, g_source_remove);
			forget_fdset(d, q->unplug_id);
			g_clear_pointer(&q->unplug_id, g_free);
			fail_op(&q->unplug_op, NULL);
		}
	}
}

static void on_closed(struct tsr_qmp *qmp, const char *reason, void *user)
{
	struct tsr_domain *d = user;
	/* The process watch decides stopped or crashed; a QEMU that closes QMP but lives on is
	 * no longer controllable, so it is killed. */
	if (d->stop_requested || priv(d)->guest_shutdown)
		tsr_debug("domain %s: QMP closed (%s) while stopping", d->name, reason);
	else
		tsr_warn("domain %s: QMP closed (%s)", d->name, reason);
	/* A QEMU that broke the protocol is compromised: whatever it said before (a SHUTDOWN
	 * event) does not make its end a clean one. */
	if (tsr_qmp_misbehaved(qmp))
		priv(d)->guest_shutdown = false;
	if (d->pid > 0 && d->state != TSR_DOMAIN_STOPPED)
		kill((pid_t)d->pid, SIGKILL);
}

static void status_reply(struct tsr_qmp *qmp, JsonNode *result, const GError *error, void *user)
{
	struct tsr_domain *d = user;
	struct qemu_domain *q = priv(d);
	if (error) {
		fail_op(&q->start_op, g_error_copy(error));
		return;
	}
	JsonObject *o = result && JSON_NODE_HOLDS_OBJECT(result) ? json_node_get_object(result)
								    : NULL;
	JsonNode *st = o ? json_object_get_member(o, "status") : NULL;
	const char *status = st && JSON_NODE_HOLDS_VALUE(st) &&
				     json_node_get_value_type(st) == G_TYPE_STRING
			     ? json_node_get_string(st) : "";
	bool paused = strcmp(status, "paused") == 0;
	tsr_domain_set_state(d, paused ? TSR_DOMAIN_PAUSED : TSR_DOMAIN_RUNNING,
			     q->adopted ? "adopted after restart" : "QEMU running");
	fail_op(&q->start_op, NULL);
}

static void qmp_ready(struct tsr_qmp *qmp, const GError *error, void *user)
{
	struct tsr_domain *d = user;
	if (error) {
		fail_start(d, g_error_copy(error));
		if (d->pid > 0)
			kill((pid_t)d->pid, SIGKILL);
		return;
	}
	tsr_qmp_command(qmp, "query-status", NULL, status_reply, d);
}

static bool connect_qmp(struct tsr_domain *d, GError **error)
{
	struct qemu_domain *q = priv(d);
	/* qmp.sock is in the run directory QEMU's user owns: only QEMU itself may answer. */
	struct tsr_unix_peer server = { .uid = d->uid, .pid = (pid_t)d->pid };
	q->qmp = tsr_qmp_connect(q->qmp_path, &server, qmp_ready, on_event, on_closed, d, error);
	return q->qmp != NULL;
}

static gboolean qmp_retry_cb(gpointer data);

/* Connect, or retry shortly while QEMU has bound but not yet listens (ECONNREFUSED). */
static void qmp_try_connect(struct tsr_domain *d)
{
	struct qemu_domain *q = priv(d);
	GError *error = NULL;

	if (connect_qmp(d, &error))
		return;
	if (g_get_monotonic_time() < q->qmp_deadline && strstr(error->message, g_strerror(ECONNREFUSED))) {
		g_error_free(error);
		q->qmp_retry = g_timeout_add(20, qmp_retry_cb, d);
		return;
	}
	fail_start(d, error);
	kill((pid_t)d->pid, SIGKILL);
}

static gboolean qmp_retry_cb(gpointer data)
{
	struct tsr_domain *d = data;

	priv(d)->qmp_retry = 0;
	qmp_try_connect(d);
	return G_SOURCE_REMOVE;
}

static void qmp_socket_ready(void *data, bool appeared)
{
	struct tsr_domain *d = data;
	struct qemu_domain *q = priv(d);
	q->wait = NULL;
	if (!appeared) {
		fail_start(d, g_error_new(TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_TIMEOUT,
					  "domain %s: QEMU did not open its QMP socket within %d s",
					  d->name, QMP_WAIT_MS / 1000));
		kill((pid_t)d->pid, SIGKILL);
		return;
	}
	q->qmp_deadline = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;
	qmp_try_connect(d);
}

/* ---- firmware ---- */

/* OVMF for firmware = uefi: the code must be there, and the domain gets its own variable
 * store, copied from OVMF's template: kept for a persistent domain (boot entries and settings
 * survive), fresh at every start for a disposable one. */
static bool prepare_uefi(struct tsr_domain *d, GError **error)
{
	struct tsr_backend *b = d->backend;
	if (d->boot.firmware != TSR_FIRMWARE_UEFI || tsr_domain_boot_kernel(&d->boot, b->kernel))
		return true;
	if (access(b->ovmf_code, R_OK) != 0) {
		g_set_error(error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_FAILED,
			    "domain %s: UEFI firmware %s: %s (install the Debian package ovmf)",
			    d->name, b->ovmf_code, g_strerror(errno));
		return false;
	}
	char *vars = tsr_qemu_vars_path(d);
	bool ok = true;
	if (d->disposable || !g_file_test(vars, G_FILE_TEST_EXISTS)) {
		char *data = NULL;
		gsize len = 0;
		GError *rerr = NULL;
		ok = g_file_get_contents(b->ovmf_vars, &data, &len, &rerr);
		if (!ok) {
			g_set_error(error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_FAILED,
				    "domain %s: UEFI variable store template: %s (install the "
				    "Debian package ovmf)", d->name, rerr->message);
			g_error_free(rerr);
		}
		char *tmp = g_strconcat(vars, ".new", NULL);
		int fd = ok ? open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600) : -1;
		ok = ok && fd >= 0 && write(fd, data, len) == (ssize_t)len &&
		     fchown(fd, d->uid, d->gid) == 0 && fsync(fd) == 0;
		if (fd >= 0)
			close(fd);
		ok = ok && rename(tmp, vars) == 0;
		if (!ok && !(error && *error))
			g_set_error(error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_FAILED,
				    "domain %s: writing its UEFI variable store %s: %s", d->name,
				    vars, g_strerror(errno));
		if (!ok)
			unlink(tmp);
		g_free(tmp);
		g_free(data);
	}
	g_free(vars);
	return ok;
}

static void start_with(const char *accel, const char *why, const struct tsr_dm_identity *id,
		       void *data)
{
	struct tsr_domain *d = data;
	struct qemu_domain *q = priv(d);
	struct tsr_op *op = q->start_op;
	GError *error = NULL;
	q->accel_wait = NULL;
	q->start_op = NULL;
	if (!prepare_uefi(d, &error)) {
		/* The reason carries the message: whoever waits on the state learns why. */
		tsr_domain_set_state(d, TSR_DOMAIN_STOPPED, error->message);
		tsr_op_finish(op, error);
		return;
	}
	if (!tsr_network_prepare(d, &error)) {
		tsr_domain_set_state(d, TSR_DOMAIN_STOPPED, "network setup failed");
		tsr_op_finish(op, error);
		return;
	}
	tsr_info("domain %s: starting under %s (%s)", d->name, accel, why);
	GPtrArray *argv = tsr_qemu_argv(d, accel, q->qmp_path);
	char *line = g_strjoinv(" ", (char **)argv->pdata);
	tsr_debug("domain %s: %s", d->name, line);
	g_free(line);
	GPid pid = tsr_spawn_as_identity((char *const *)argv->pdata, d->log_path, id, &error);
	g_ptr_array_free(argv, TRUE);
	if (pid < 0)
		tsr_network_release(d);
	if (!tsr_started(d, pid, op, error))
		return;
	q->start_op = op;
	q->watch = tsr_watch_pid(pid, true, exited, d, NULL);
	q->wait = tsr_wait_path(q->qmp_path, QMP_WAIT_MS, qmp_socket_ready, d);
}

static void qemu_start(struct tsr_domain *d, struct tsr_op *op)
{
	struct qemu_backend *qb = d->backend->priv;
	struct qemu_domain *q = priv(d);
	unlink(q->qmp_path);
	unlink(d->console_path);
	q->guest_shutdown = false;
	q->adopted = false;
	q->start_op = op;
	q->accel_wait = tsr_accel_decide(qb->accel, d->uid, d->gid, start_with, d);
}

/* ---- simple QMP operations ---- */

struct cmd_ctx {
	struct tsr_domain *d;
	struct tsr_op *op;
	enum tsr_domain_state then;
	const char *why;
};

static void cmd_reply(struct tsr_qmp *qmp, JsonNode *result, const GError *error, void *user)
{
	struct cmd_ctx *c = user;
	if (!error && c->d->state != TSR_DOMAIN_STOPPED && c->d->state != TSR_DOMAIN_CRASHED &&
	    c->then != TSR_DOMAIN_STOPPED)
		tsr_domain_set_state(c->d, c->then, c->why);
	GError *e = error ? g_error_new(TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_FAILED,
					"domain %s: %s", c->d->name, error->message)
			  : NULL;
	if (c->op)
		tsr_op_finish(c->op, e);
	else if (e)
		g_error_free(e);
	g_free(c);
}

static void command(struct tsr_domain *d, struct tsr_op *op, const char *execute,
		    JsonObject *args, enum tsr_domain_state then, const char *why)
{
	struct qemu_domain *q = priv(d);
	if (!q->qmp) {
		if (args)
			json_object_unref(args);
		if (op)
			tsr_op_finish(op, g_error_new(TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_STATE,
						      "domain %s: no QMP connection", d->name));
		return;
	}
	struct cmd_ctx *c = g_new0(struct cmd_ctx, 1);
	c->d = d;
	c->op = op;
	c->then = then;
	c->why = why;
	tsr_qmp_command(q->qmp, execute, args, cmd_reply, c);
}

static void qemu_pause(struct tsr_domain *d, struct tsr_op *op)
{
	command(d, op, "stop", NULL, TSR_DOMAIN_PAUSED, "paused by request");
}

static void qemu_resume(struct tsr_domain *d, struct tsr_op *op)
{
	command(d, op, "cont", NULL, TSR_DOMAIN_RUNNING, "resumed by request");
}

static void qemu_request_shutdown(struct tsr_domain *d)
{
	command(d, NULL, "system_powerdown", NULL, TSR_DOMAIN_STOPPED, NULL);
}

static void qemu_kill(struct tsr_domain *d)
{
	if (d->pid > 0)
		kill((pid_t)d->pid, SIGKILL);
}

/* ---- adopt ---- */

/* Is pid a QEMU of this domain (its QMP socket on its command line, running as its uid)? */
static bool is_our_qemu(struct tsr_domain *d, long pid)
{
	struct qemu_domain *q = priv(d);
	char *want = g_strdup_printf("unix:%s,server=on,wait=off", q->qmp_path);
	char *path = g_strdup_printf("/proc/%ld", pid);
	struct stat st;
	bool ours = tsr_pid_has_arg(pid, want) && stat(path, &st) == 0 && st.st_uid == d->uid;
	g_free(path);
	g_free(want);
	return ours;
}

static void qemu_adopt(struct tsr_domain *d, struct tsr_op *op)
{
	struct qemu_domain *q = priv(d);
	GError *error = NULL;
	if (!tsr_adopt_pid(d, op, is_our_qemu, tsr_network_release,
			   "QEMU died while the broker was away", exited, &q->watch))
		return;
	q->adopted = true;
	q->start_op = op;
	if (!connect_qmp(d, &error)) {
		fail_op(&q->start_op, error);
		return;
	}
	tsr_domain_set_state(d, TSR_DOMAIN_STARTING, "adopting after restart");
}

/* ---- USB ---- */

static void usb_passed(struct tsr_domain *d, const char *qid, gint64 fdset, void *user)
{
	struct qemu_domain *q = priv(d);
	if (fdset < 0)
		return;
	gint64 *id = g_new(gint64, 1);
	*id = fdset;
	g_hash_table_replace(q->usb_fdsets, g_strdup(qid), id);
}

struct card_ctx {
	struct tsr_domain *d;
	struct tsr_op *op;
	char *reader_id;
	JsonObject *card; /* device_add arguments of the card, sent once the reader exists */
};

static void card_ctx_free(struct card_ctx *c)
{
	if (c->card)
		json_object_unref(c->card);
	g_free(c->reader_id);
	g_free(c);
}

static void card_added(struct tsr_qmp *qmp, JsonNode *result, const GError *error, void *user)
{
	struct card_ctx *c = user;
	if (error) {
		/* Leave nothing half-attached: remove the reader again. */
		JsonObject *args = json_object_new();
		json_object_set_string_member(args, "id", c->reader_id);
		tsr_qmp_command(qmp, "device_del", args, NULL, NULL);
	}
	tsr_op_finish(c->op, error ? g_error_new(TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_FAILED,
						 "domain %s: adding the emulated card: %s",
						 c->d->name, error->message)
				   : NULL);
	card_ctx_free(c);
}

static void reader_added(struct tsr_qmp *qmp, JsonNode *result, const GError *error, void *user)
{
	struct card_ctx *c = user;
	if (error) {
		tsr_op_finish(c->op, g_error_new(TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_FAILED,
						 "domain %s: adding the CCID reader: %s",
						 c->d->name, error->message));
		card_ctx_free(c);
		return;
	}
	JsonObject *card = c->card;
	c->card = NULL;
	tsr_qmp_command(qmp, "device_add", card, card_added, c);
}

static void qemu_attach(struct tsr_domain *d, const struct tsr_usb_device *dev, const char *id,
			struct tsr_op *op)
{
	struct qemu_domain *q = priv(d);
	if (!q->qmp) {
		tsr_op_finish(op, g_error_new(TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_STATE,
					      "domain %s: no QMP connection", d->name));
		return;
	}
	char *qid = tsr_usb_qdev_id(id);
	JsonObject *args = json_object_new();
	json_object_set_string_member(args, "id", qid);
	json_object_set_string_member(args, "bus", "xhci.0");
	if (dev->kind == TSR_USB_VIRTUAL_SMARTCARD) {
		json_object_set_string_member(args, "driver", "usb-ccid");
		struct card_ctx *c = g_new0(struct card_ctx, 1);
		c->d = d;
		c->op = op;
		c->reader_id = g_strdup(qid);
		c->card = json_object_new();
		char *card_id = g_strdup_printf("%s-card", qid);
		char *db = g_strdup_printf("sql:%s", dev->nss_db);
		json_object_set_string_member(c->card, "driver", "ccid-card-emulated");
		json_object_set_string_member(c->card, "id", card_id);
		json_object_set_string_member(c->card, "backend", "certificates");
		json_object_set_string_member(c->card, "db", db);
		static const char *const keys[3] = { "cert1", "cert2", "cert3" };
		for (int i = 0; i < 3 && dev->certs[i]; i++)
			json_object_set_string_member(c->card, keys[i], dev->certs[i]);
		g_free(card_id);
		g_free(db);
		g_free(qid);
		tsr_qmp_command(q->qmp, "device_add", args, reader_added, c);
		return;
	}
	g_free(qid);
	tsr_usb_pass_host(q->qmp, d, dev, args, usb_passed, NULL, op);
}

static void unplug_reply(struct tsr_qmp *qmp, JsonNode *result, const GError *error, void *user)
{
	struct qemu_domain *q = user;
	if (!error)
		return; /* DEVICE_DELETED finishes it */
	g_clear_handle_id(&q->unplug_timer, g_source_remove);
	g_clear_pointer(&q->unplug_id, g_free);
	fail_op(&q->unplug_op, g_error_new(TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_FAILED,
					   "domain %s: device_del: %s", q->d->name,
					   error->message));
}

static void qemu_detach(struct tsr_domain *d, const struct tsr_usb_device *dev, const char *id,
			struct tsr_op *op)
{
	struct qemu_domain *q = priv(d);
	if (!q->qmp || q->unplug_op) {
		tsr_op_finish(op, g_error_new(TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_STATE,
					      "domain %s: %s", d->name,
					      q->qmp ? "another unplug is in progress"
						     : "no QMP connection"));
		return;
	}
	q->unplug_id = tsr_usb_qdev_id(id);
	q->unplug_op = op;
	q->unplug_timer = g_timeout_add(UNPLUG_WAIT_MS, unplug_timeout, q);
	JsonObject *args = json_object_new();
	json_object_set_string_member(args, "id", q->unplug_id);
	tsr_qmp_command(q->qmp, "device_del", args, unplug_reply, q);
}

const struct tsr_backend_ops tsr_backend_qemu_ops = {
	.kind = "qemu",
	.init = qemu_init,
	.finalize = qemu_finalize,
	.domain_free = qemu_domain_free,
	.start = qemu_start,
	.pause = qemu_pause,
	.resume = qemu_resume,
	.adopt = qemu_adopt,
	.attach_usb = qemu_attach,
	.detach_usb = qemu_detach,
	.request_shutdown = qemu_request_shutdown,
	.kill = qemu_kill,
	.accel = qemu_accel,
};
