/* domains/xen.c: the "xen" backend: HVM domains run by Xen's xl.
 *
 * Each domain gets a generated xl.cfg (xen-config.c): stdvga exported by SPICE on a unix
 * socket, the qcow2 overlay through qdisk, a USB tablet and an xHCI controller, and the device
 * model restricted (dm_restrict=1) and running as the domain's own user. Commands are `xl`
 * subprocesses run asynchronously. Xen has no process to watch: one `xenstore-watch
 * @releaseDomain` tells the backend whenever any domain dies or shuts down, and only then (and
 * as a fallback every POLL_MS) it asks `xl list` (each xl run is costly: libxl and xenstore
 * work, which would steal dom0 CPU from the device models). A domain that powered off (flag s, kept by
 * on_poweroff=preserve) is stopped, one that crashed (flag c, on_crash=preserve) is crashed,
 * and one that vanished without being asked is crashed too; the backend destroys what is left.
 * Adopting after a restart looks the name up in `xl list -l`. Physical USB devices cannot go in
 * with `xl usbdev-attach` (dm_restrict's device model, chrooted as the domain's user, cannot open
 * the node): root opens it and passes the fd over libxl's QMP socket (usb-pass.c), as the qemu
 * backend does. Debian's Xen device model has no emulated smartcard, so the virtual card is
 * refused (a real card goes in as a physical device). */
#include "config.h"

#include "domains/backend-private.h"
#include "domains/network.h"
#include "domains/qmp.h"
#include "domains/usb-pass.h"
#include "domains/xen-config.h"

#include <errno.h>
#include <gio/gio.h>
#include <pwd.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"

#define POLL_MS 30000
#define USB_PORTS 8
#define USB_QMP_MS 20000

struct xen_domain {
	GCancellable *cancel;     /* cancelled when the domain is freed: no callback after that */
	guint poll;
	bool polling;             /* an xl list is in flight */
	bool ending;              /* the remains of a stopped domain are being destroyed */
	char *cfg_path;
	char *usb_ports[USB_PORTS]; /* device id per port (1-based port = index + 1) */
	gint64 usb_fdsets[USB_PORTS]; /* the fdset QEMU holds each port's device by */
};

static struct xen_domain *priv(struct tsr_domain *d)
{
	if (!d->priv) {
		struct xen_domain *x = g_new0(struct xen_domain, 1);
		char *file = g_strdup_printf("%s.cfg", d->name);
		x->cfg_path = g_build_filename(d->backend->xen_cfg_dir, file, NULL);
		x->cancel = g_cancellable_new();
		g_free(file);
		d->priv = x;
	}
	return d->priv;
}

static void xen_domain_free(struct tsr_domain *d)
{
	struct xen_domain *x = d->priv;
	if (!x)
		return;
	g_clear_handle_id(&x->poll, g_source_remove);
	g_cancellable_cancel(x->cancel);
	g_object_unref(x->cancel);
	for (int i = 0; i < USB_PORTS; i++)
		g_free(x->usb_ports[i]);
	g_free(x->cfg_path);
	g_free(x);
}

struct xen_backend {
	GSubprocess *watch;
	GDataInputStream *watch_out;
	GCancellable *cancel;
};

static void poll_now(struct tsr_domain *d);

static void watch_line(GObject *source, GAsyncResult *res, gpointer data)
{
	struct tsr_backend *b = data;
	GError *error = NULL;
	char *line = g_data_input_stream_read_line_finish(G_DATA_INPUT_STREAM(source), res, NULL,
							  &error);
	if (error && g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
		g_error_free(error);
		return; /* the backend is gone */
	}
	struct xen_backend *xb = b->priv;
	if (!line) {
		tsr_warn("xen backend: xenstore-watch ended%s%s; falling back to polling",
			 error ? ": " : "", error ? error->message : "");
		g_clear_error(&error);
		return;
	}
	g_free(line);
	/* Some domain was released: look at ours. */
	GHashTableIter it;
	gpointer value;
	g_hash_table_iter_init(&it, b->domains);
	while (g_hash_table_iter_next(&it, NULL, &value)) {
		struct tsr_domain *d = value;
		if (d->state == TSR_DOMAIN_RUNNING || d->state == TSR_DOMAIN_PAUSED)
			poll_now(d);
	}
	g_data_input_stream_read_line_async(xb->watch_out, G_PRIORITY_DEFAULT, xb->cancel,
					    watch_line, b);
}

static void xen_finalize(struct tsr_backend *b)
{
	struct xen_backend *xb = b->priv;
	if (!xb)
		return;
	g_cancellable_cancel(xb->cancel);
	if (xb->watch) {
		g_subprocess_force_exit(xb->watch);
		g_object_unref(xb->watch_out);
		g_object_unref(xb->watch);
	}
	g_object_unref(xb->cancel);
	g_free(xb);
}

static bool xen_init(struct tsr_backend *b, GError **error)
{
	char *path = g_find_program_in_path(b->xl);
	if (!path) {
		g_set_error(error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_FAILED,
			    "%s not found: install the Debian package xen-utils-4.17 and boot Xen",
			    b->xl);
		return false;
	}
	g_free(b->xl);
	b->xl = path;
	struct xen_backend *xb = g_new0(struct xen_backend, 1);
	xb->cancel = g_cancellable_new();
	b->priv = xb;
	GError *werr = NULL;
	xb->watch = g_subprocess_new(G_SUBPROCESS_FLAGS_STDOUT_PIPE |
					     G_SUBPROCESS_FLAGS_STDERR_SILENCE,
				     &werr, "xenstore-watch", "@releaseDomain", NULL);
	if (xb->watch) {
		xb->watch_out = g_data_input_stream_new(g_subprocess_get_stdout_pipe(xb->watch));
		g_data_input_stream_read_line_async(xb->watch_out, G_PRIORITY_DEFAULT, xb->cancel,
						    watch_line, b);
	} else {
		tsr_warn("xen backend: no xenstore-watch (%s): polling xl list every %d s",
			 werr->message, POLL_MS / 1000);
		g_clear_error(&werr);
	}
	/* The backend-wide kernel is a default for test setups; domains boot their disks. */
	if ((b->kernel != NULL) != (b->initrd != NULL)) {
		g_set_error(error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_INVALID,
			    "the default guest kernel and initramfs (config kernel=, initrd=) go "
			    "together: give both or neither");
		return false;
	}
	return tsr_make_dir_owned(b->xen_cfg_dir, 0755, 0, 0, error);
}

/* ---- running xl ---- */

typedef void (*xl_done_fn)(struct tsr_domain *d, bool ok, const char *out, const char *err,
			   void *data);

struct xl_call {
	struct tsr_domain *d;
	xl_done_fn fn;
	void *data;
};

static void xl_finished(GObject *source, GAsyncResult *res, gpointer user)
{
	struct xl_call *c = user;
	char *out = NULL, *err = NULL;
	GError *error = NULL;
	GSubprocess *p = G_SUBPROCESS(source);
	bool ok = g_subprocess_communicate_utf8_finish(p, res, &out, &err, &error) &&
		  g_subprocess_get_if_exited(p) && g_subprocess_get_exit_status(p) == 0;
	if (error && g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
		/* The domain (or backend) is gone; c->d must not be touched. */
		g_error_free(error);
		g_object_unref(p);
		g_free(c);
		return;
	}
	if (error) {
		g_free(err);
		err = g_strdup(error->message);
		g_error_free(error);
	}
	c->fn(c->d, ok, out ? out : "", err ? g_strstrip(err) : "", c->data);
	g_free(out);
	g_free(err);
	g_object_unref(p);
	g_free(c);
}

/* argv without the xl path; the output also goes to the domain's log. */
static void run_xl(struct tsr_domain *d, const char *const *args, xl_done_fn fn, void *data)
{
	GPtrArray *argv = g_ptr_array_new();
	g_ptr_array_add(argv, d->backend->xl);
	for (const char *const *a = args; *a; a++)
		g_ptr_array_add(argv, (gpointer)*a);
	g_ptr_array_add(argv, NULL);
	GError *error = NULL;
	GSubprocess *p = g_subprocess_newv((const char *const *)argv->pdata,
					   G_SUBPROCESS_FLAGS_STDOUT_PIPE |
						   G_SUBPROCESS_FLAGS_STDERR_PIPE,
					   &error);
	char *line = g_strjoinv(" ", (char **)argv->pdata);
	tsr_debug("domain %s: %s", d->name, line);
	g_free(line);
	g_ptr_array_free(argv, TRUE);
	if (!p) {
		fn(d, false, "", error->message, data);
		g_error_free(error);
		return;
	}
	struct xl_call *c = g_new0(struct xl_call, 1);
	c->d = d;
	c->fn = fn;
	c->data = data;
	g_subprocess_communicate_utf8_async(p, NULL, priv(d)->cancel, xl_finished, c);
}

static void log_line(struct tsr_domain *d, const char *what, const char *err)
{
	FILE *f = fopen(d->log_path, "a");
	if (f) {
		fprintf(f, "%s: %s\n", what, err);
		fclose(f);
	}
}

/* ---- polling ---- */

static gboolean poll_tick(gpointer data);

static void destroyed_after(struct tsr_domain *d, bool ok, const char *out, const char *err,
			    void *data)
{
	if (!ok)
		log_line(d, "xl destroy", err);
}

struct end_ctx {
	enum tsr_domain_state state;
	const char *why; /* a string literal */
};

static void remains_destroyed(struct tsr_domain *d, bool ok, const char *out, const char *err,
			      void *data)
{
	struct end_ctx *e = data;
	if (!ok)
		log_line(d, "xl destroy", err);
	priv(d)->ending = false;
	tsr_network_release_xen(d);
	tsr_domain_set_state(d, e->state, e->why);
	g_free(e);
}

static void end_domain(struct tsr_domain *d, enum tsr_domain_state state, const char *why,
		       bool destroy)
{
	struct xen_domain *x = priv(d);
	if (x->poll) {
		g_source_remove(x->poll);
		x->poll = 0;
	}
	for (int i = 0; i < USB_PORTS; i++)
		g_clear_pointer(&x->usb_ports[i], g_free);
	if (destroy) {
		/* The remains (kept by on_poweroff/on_crash=preserve) hold the name: report the
		 * domain stopped only once they are gone, so a start right after cannot collide. */
		struct end_ctx *e = g_new0(struct end_ctx, 1);
		e->state = state;
		e->why = why;
		x->ending = true;
		const char *args[] = { "destroy", d->name, NULL };
		run_xl(d, args, remains_destroyed, e);
		return;
	}
	tsr_network_release_xen(d);
	tsr_domain_set_state(d, state, why);
}

static void list_done(struct tsr_domain *d, bool ok, const char *out, const char *err,
		      void *data)
{
	struct xen_domain *x = priv(d);
	x->polling = false;
	if ((d->state != TSR_DOMAIN_RUNNING && d->state != TSR_DOMAIN_PAUSED) || x->ending)
		return;
	char flags[7];
	long domid = -1;
	if (!ok && !strstr(err, "not found") && !strstr(err, "invalid domain")) {
		log_line(d, "xl list", err);
		return; /* xl itself failed: try again on the next tick */
	}
	if (!ok || !tsr_xen_parse_state(out, d->name, flags, &domid)) {
		bool asked = d->stop_requested;
		end_domain(d, asked ? TSR_DOMAIN_STOPPED : TSR_DOMAIN_CRASHED,
			   asked ? "destroyed by request" : "domain vanished", false);
		return;
	}
	d->pid = domid;
	if (strchr(flags, 'c'))
		end_domain(d, TSR_DOMAIN_CRASHED, "the guest crashed", true);
	else if (strchr(flags, 's') || strchr(flags, 'd'))
		end_domain(d, TSR_DOMAIN_STOPPED, "the guest shut down", true);
	else if (strchr(flags, 'p') && d->state == TSR_DOMAIN_RUNNING)
		tsr_domain_set_state(d, TSR_DOMAIN_PAUSED, "paused");
	else if (!strchr(flags, 'p') && d->state == TSR_DOMAIN_PAUSED)
		tsr_domain_set_state(d, TSR_DOMAIN_RUNNING, "unpaused");
}

static void poll_now(struct tsr_domain *d)
{
	struct xen_domain *x = priv(d);
	if (x->polling)
		return;
	x->polling = true;
	const char *args[] = { "list", d->name, NULL };
	run_xl(d, args, list_done, NULL);
}

static gboolean poll_tick(gpointer data)
{
	poll_now(data);
	return G_SOURCE_CONTINUE;
}

static void start_polling(struct tsr_domain *d)
{
	struct xen_domain *x = priv(d);
	if (!x->poll)
		x->poll = g_timeout_add(POLL_MS, poll_tick, d);
}

/* ---- start ---- */

static void destroy_in_background(struct tsr_domain *d)
{
	const char *args[] = { "destroy", d->name, NULL };
	run_xl(d, args, destroyed_after, NULL);
}

static void got_domid(struct tsr_domain *d, bool ok, const char *out, const char *err,
		      void *data)
{
	struct tsr_op *op = data;
	char *end = NULL;
	long domid = ok ? strtol(out, &end, 10) : -1;
	if (!ok || end == out || domid <= 0) {
		/* Created but not findable: take it down rather than run it uncontrolled. */
		destroy_in_background(d);
		tsr_domain_set_state(d, TSR_DOMAIN_STOPPED, "xl domid failed after create");
		tsr_op_finish(op, g_error_new(TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_FAILED,
					      "domain %s: created, but xl domid failed: %s",
					      d->name, err));
		return;
	}
	d->pid = domid;
	tsr_domain_set_state(d, TSR_DOMAIN_RUNNING, "xl create done");
	start_polling(d);
	tsr_op_finish(op, NULL);
}

static void created(struct tsr_domain *d, bool ok, const char *out, const char *err, void *data)
{
	struct tsr_op *op = data;
	if (!ok) {
		log_line(d, "xl create", err);
		tsr_network_release_xen(d);
		tsr_domain_set_state(d, TSR_DOMAIN_STOPPED, "xl create failed");
		tsr_op_finish(op, g_error_new(TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_FAILED,
					      "domain %s: xl create failed: %s", d->name, err));
		return;
	}
	/* QEMU made the SPICE socket as root before dropping to the domain's user: hand it on. */
	/* The directory is the domain's user's: follow no link it may have put there. */
	if (tsr_unix_socket_give(d->spice_path, d->uid, d->gid, 0600) != 0)
		tsr_warn("domain %s: giving %s to uid %u: %s", d->name, d->spice_path,
			 (unsigned)d->uid, g_strerror(errno));
	char *marker = g_strdup_printf("%s\n", d->name);
	g_file_set_contents(d->pid_path, marker, -1, NULL);
	g_free(marker);
	const char *args[] = { "domid", d->name, NULL };
	run_xl(d, args, got_domid, op);
}

char *tsr_xen_domain_config(struct tsr_domain *d, GError **error);
char *tsr_xen_domain_config(struct tsr_domain *d, GError **error)
{
	struct tsr_backend *b = d->backend;
	struct passwd *pw = getpwuid(d->uid);
	if (!pw) {
		g_set_error(error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_INVALID,
			    "domain %s: uid %u has no user name, which xl's device_model_user "
			    "needs: create the user (useradd --system)", d->name, (unsigned)d->uid);
		return NULL;
	}
	if (d->network == TSR_NETWORK_USER) {
		g_set_error(error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_UNSUPPORTED,
			    "domain %s: user-mode networking is a QEMU feature; on xen use "
			    "network=isolated or none", d->name);
		return NULL;
	}
	char *cmdline = g_strdup_printf("console=ttyS0 quiet panic=-1 tsr.name=%s%s%s", d->name,
					d->cmdline ? " " : "", d->cmdline ? d->cmdline : "");
	char *bridge = NULL, *vif = NULL;
	if (d->network == TSR_NETWORK_ISOLATED) {
		bridge = tsr_network_bridge_name(d->name);
		vif = tsr_network_tap_name(d->name);
	}
	if (d->boot.firmware == TSR_FIRMWARE_UEFI) {
		/* Policy refuses this at build; a hand-made spec gets the same reason here. */
		g_set_error(error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_UNSUPPORTED,
			    "domain %s: firmware = uefi is not supported on xen (libxl's shared "
			    "OVMF.fd is not shown to boot HVM guests with Debian 12's packages and "
			    "keeps no per-domain variable store); use firmware = bios", d->name);
		g_free(cmdline);
		g_free(bridge);
		g_free(vif);
		return NULL;
	}
	struct tsr_xen_config_input in = {
		.name = d->name, .memory_mb = d->memory_mb, .vcpus = d->vcpus,
		.kernel = tsr_domain_boot_kernel(&d->boot, b->kernel),
		.ramdisk = tsr_domain_boot_initrd(&d->boot, b->kernel, b->initrd),
		.cmdline = cmdline, .cdrom = d->boot.cdrom.path,
		.disk = d->template_path ? d->overlay_path : NULL, .serial = d->console_path,
		.spice = d->spice_path, .dm_user = pw->pw_name, .bridge = bridge,
		.vifname = vif,
	};
	char *text = tsr_xen_config_generate(&in, error);
	g_free(cmdline);
	g_free(bridge);
	g_free(vif);
	return text;
}

static void xen_start(struct tsr_domain *d, struct tsr_op *op)
{
	struct xen_domain *x = priv(d);
	GError *error = NULL;
	char *text = tsr_xen_domain_config(d, &error);
	/* The domain's own bridge, fenced like a qemu domain's TAP (network.h). */
	if (text && !tsr_network_prepare_xen(d, &error))
		g_clear_pointer(&text, g_free);
	if (text && !g_file_set_contents(x->cfg_path, text, -1, &error)) {
		g_prefix_error(&error, "domain %s: writing %s: ", d->name, x->cfg_path);
		tsr_network_release_xen(d);
	}
	g_free(text);
	if (error) {
		tsr_domain_set_state(d, TSR_DOMAIN_STOPPED, "configuration refused");
		tsr_op_finish(op, error);
		return;
	}
	unlink(d->console_path);
	const char *args[] = { "create", x->cfg_path, NULL };
	run_xl(d, args, created, op);
}

/* ---- the other operations ---- */

struct simple_ctx {
	struct tsr_op *op;
	enum tsr_domain_state then;
	const char *what;
};

static void simple_done(struct tsr_domain *d, bool ok, const char *out, const char *err,
			void *data)
{
	struct simple_ctx *c = data;
	if (ok && c->then != TSR_DOMAIN_STOPPED)
		tsr_domain_set_state(d, c->then, c->what);
	if (!ok)
		log_line(d, c->what, err);
	if (c->op)
		tsr_op_finish(c->op, ok ? NULL
					: g_error_new(TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_FAILED,
						      "domain %s: %s failed: %s", d->name,
						      c->what, err));
	g_free(c);
}

static void simple(struct tsr_domain *d, struct tsr_op *op, const char *verb,
		   enum tsr_domain_state then, const char *what)
{
	struct simple_ctx *c = g_new0(struct simple_ctx, 1);
	c->op = op;
	c->then = then;
	c->what = what;
	const char *args[] = { verb, d->name, NULL };
	run_xl(d, args, simple_done, c);
}

static void xen_pause(struct tsr_domain *d, struct tsr_op *op)
{
	simple(d, op, "pause", TSR_DOMAIN_PAUSED, "xl pause");
}

static void xen_resume(struct tsr_domain *d, struct tsr_op *op)
{
	simple(d, op, "unpause", TSR_DOMAIN_RUNNING, "xl unpause");
}

static void shutdown_sent(struct tsr_domain *d, bool ok, const char *out, const char *err,
			  void *data)
{
	if (!ok)
		log_line(d, "xl shutdown", err);
	poll_now(d);
}

static void xen_request_shutdown(struct tsr_domain *d)
{
	/* -F: without PV drivers in the guest, fall back to the ACPI power button. */
	const char *args[] = { "shutdown", "-F", d->name, NULL };
	run_xl(d, args, shutdown_sent, NULL);
}

static void destroy_sent(struct tsr_domain *d, bool ok, const char *out, const char *err,
			 void *data)
{
	if (!ok)
		log_line(d, "xl destroy", err);
	poll_now(d);
}

static void xen_kill(struct tsr_domain *d)
{
	const char *args[] = { "destroy", d->name, NULL };
	run_xl(d, args, destroy_sent, NULL);
}

static void adopt_listed(struct tsr_domain *d, bool ok, const char *out, const char *err,
			 void *data)
{
	struct tsr_op *op = data;
	GError *error = NULL;
	GPtrArray *list = ok ? tsr_xen_parse_list(out, -1, &error) : NULL;
	if (!list) {
		tsr_op_finish(op, error ? error
					: g_error_new(TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_FAILED,
						      "xl list -l failed: %s", err));
		return;
	}
	long domid = -1;
	for (guint i = 0; i < list->len; i++) {
		struct tsr_xen_domain_info *info = list->pdata[i];
		if (strcmp(info->name, d->name) == 0)
			domid = info->domid;
	}
	g_ptr_array_unref(list);
	bool was_running = g_file_test(d->pid_path, G_FILE_TEST_EXISTS);
	if (domid < 0) {
		if (was_running)
			tsr_domain_set_state(d, TSR_DOMAIN_CRASHED,
					     "domain vanished while the broker was away");
		tsr_op_finish(op, NULL);
		return;
	}
	d->pid = domid;
	tsr_domain_set_state(d, TSR_DOMAIN_RUNNING, "adopted after restart");
	start_polling(d);
	poll_now(d);
	tsr_op_finish(op, NULL);
}

static void xen_adopt(struct tsr_domain *d, struct tsr_op *op)
{
	const char *args[] = { "list", "-l", NULL };
	run_xl(d, args, adopt_listed, op);
}

/* One QMP conversation with the domain's device model for one attach or detach, on libxl's
 * own socket: libxl connects to it only for the length of one of its operations, and QEMU takes
 * the next client once the last one has gone. */
struct usb_ctx {
	struct tsr_domain *d;
	struct tsr_op *op;
	struct tsr_qmp *qmp;
	struct tsr_usb_device dev; /* attach: bus and address */
	guint timer;
	int port;
	bool attach;
	gint64 fdset; /* detach: the fdset to drop once the device is gone */
};

static gboolean usb_ctx_free_idle(gpointer data)
{
	struct usb_ctx *c = data;
	tsr_qmp_free(c->qmp);
	g_free(c);
	return G_SOURCE_REMOVE;
}

/* Ends the conversation; the connection goes from the main loop (a reply may be running). */
static void usb_end(struct usb_ctx *c, GError *error)
{
	g_clear_handle_id(&c->timer, g_source_remove);
	struct tsr_op *op = c->op;
	c->op = NULL;
	g_idle_add(usb_ctx_free_idle, c);
	if (op)
		tsr_op_finish(op, error);
	else if (error)
		g_error_free(error);
}

static gboolean usb_timeout(gpointer data)
{
	struct usb_ctx *c = data;
	c->timer = 0;
	if (c->attach)
		g_clear_pointer(&((struct xen_domain *)priv(c->d))->usb_ports[c->port - 1], g_free);
	usb_end(c, g_error_new(TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_FAILED,
			       "domain %s: its device model did not answer on QMP", c->d->name));
	return G_SOURCE_REMOVE;
}

static void usb_passed(struct tsr_domain *d, const char *qid, gint64 fdset, void *user)
{
	struct usb_ctx *c = user;
	struct xen_domain *x = priv(d);
	if (fdset < 0)
		g_clear_pointer(&x->usb_ports[c->port - 1], g_free);
	else
		x->usb_fdsets[c->port - 1] = fdset;
	usb_end(c, NULL);
}

static void fd_removed(struct tsr_qmp *qmp, JsonNode *result, const GError *error, void *user)
{
	usb_end(user, NULL); /* the device is out; a stale fd in QEMU's set serves nothing */
}

static void usb_deleted(struct tsr_qmp *qmp, JsonNode *result, const GError *error, void *user)
{
	struct usb_ctx *c = user;
	struct xen_domain *x = priv(c->d);
	if (error) {
		usb_end(c, g_error_new(TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_FAILED,
				       "domain %s: device_del: %s", c->d->name, error->message));
		return;
	}
	/* A USB device leaves at once: no DEVICE_DELETED to wait for. */
	g_clear_pointer(&x->usb_ports[c->port - 1], g_free);
	JsonObject *args = json_object_new();
	json_object_set_int_member(args, "fdset-id", c->fdset);
	tsr_qmp_command(qmp, "remove-fd", args, fd_removed, c);
}

static void usb_qmp_ready(struct tsr_qmp *qmp, const GError *error, void *user)
{
	struct usb_ctx *c = user;
	struct xen_domain *x = priv(c->d);
	if (error) {
		if (c->attach)
			g_clear_pointer(&x->usb_ports[c->port - 1], g_free);
		usb_end(c, g_error_new(TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_FAILED,
				       "domain %s: QMP: %s", c->d->name, error->message));
		return;
	}
	char *qid = tsr_usb_qdev_id(x->usb_ports[c->port - 1]);
	JsonObject *args = json_object_new();
	json_object_set_string_member(args, "id", qid);
	g_free(qid);
	if (!c->attach) {
		tsr_qmp_command(qmp, "device_del", args, usb_deleted, c);
		return;
	}
	/* libxl's usbctrl (type=devicemodel) is the xHCI xenusb-0. */
	char *port = g_strdup_printf("%d", c->port);
	json_object_set_string_member(args, "bus", "xenusb-0.0");
	json_object_set_string_member(args, "port", port);
	g_free(port);
	/* QEMU answered: from here tsr_usb_pass_host finishes the op. */
	g_clear_handle_id(&c->timer, g_source_remove);
	struct tsr_op *op = c->op;
	c->op = NULL;
	tsr_usb_pass_host(qmp, c->d, &c->dev, args, usb_passed, c, op);
}

static void usb_talk(struct tsr_domain *d, struct usb_ctx *c)
{
	struct xen_domain *x = priv(d);
	GError *error = NULL;
	/* /var/run/xen is root's: the socket is the one QEMU made before dropping to the domain's
	 * user, and nothing of the domain can replace it. */
	char *path = g_strdup_printf("/var/run/xen/qmp-libxl-%ld", d->pid);
	c->d = d;
	c->qmp = tsr_qmp_connect(path, NULL, usb_qmp_ready, NULL, NULL, c, &error);
	g_free(path);
	if (!c->qmp) {
		if (c->attach)
			g_clear_pointer(&x->usb_ports[c->port - 1], g_free);
		tsr_op_finish(c->op, error);
		g_free(c);
		return;
	}
	c->timer = g_timeout_add(USB_QMP_MS, usb_timeout, c);
}

static void xen_attach(struct tsr_domain *d, const struct tsr_usb_device *dev, const char *id,
		       struct tsr_op *op)
{
	struct xen_domain *x = priv(d);
	if (dev->kind == TSR_USB_VIRTUAL_SMARTCARD) {
		tsr_op_finish(op, g_error_new(TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_UNSUPPORTED,
					      "domain %s: the xen backend attaches physical USB "
					      "devices only (Debian's Xen device model has no "
					      "emulated smartcard: attach the reader)", d->name));
		return;
	}
	int port = 0;
	for (int i = 0; i < USB_PORTS && !port; i++)
		if (!x->usb_ports[i])
			port = i + 1;
	if (!port) {
		tsr_op_finish(op, g_error_new(TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_BUSY,
					      "domain %s: all %d USB ports are in use", d->name,
					      USB_PORTS));
		return;
	}
	x->usb_ports[port - 1] = g_strdup(id);
	struct usb_ctx *c = g_new0(struct usb_ctx, 1);
	c->op = op;
	c->dev = *dev;
	c->port = port;
	c->attach = true;
	usb_talk(d, c);
}

static void xen_detach(struct tsr_domain *d, const struct tsr_usb_device *dev, const char *id,
		       struct tsr_op *op)
{
	struct xen_domain *x = priv(d);
	int port = 0;
	for (int i = 0; i < USB_PORTS && !port; i++)
		if (x->usb_ports[i] && strcmp(x->usb_ports[i], id) == 0)
			port = i + 1;
	if (!port) {
		tsr_op_finish(op, g_error_new(TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_STATE,
					      "domain %s: %s is on no port", d->name, id));
		return;
	}
	struct usb_ctx *c = g_new0(struct usb_ctx, 1);
	c->op = op;
	c->port = port;
	c->fdset = x->usb_fdsets[port - 1];
	usb_talk(d, c);
}

const struct tsr_backend_ops tsr_backend_xen_ops = {
	.kind = "xen",
	.init = xen_init,
	.finalize = xen_finalize,
	.domain_free = xen_domain_free,
	.start = xen_start,
	.pause = xen_pause,
	.resume = xen_resume,
	.adopt = xen_adopt,
	.attach_usb = xen_attach,
	.detach_usb = xen_detach,
	.request_shutdown = xen_request_shutdown,
	.kill = xen_kill,
};
