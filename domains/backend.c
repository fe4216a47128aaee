/* domains/backend.c: the backend core every backend shares: the domain table, definition
 * checks, the state machine with its events, the shutdown timeout and the operations. Disks
 * (disk.c), USB ownership (usb.c) and the synchronous wrappers (sync.c) have their own files.
 *
 * Keeping this out of the backends means qemu, xen and sim cannot disagree about what a valid
 * definition is, when a domain counts as crashed, or who holds a USB device. */
#include "config.h"

#include "domains/backend-private.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/log.h"

G_DEFINE_QUARK(tsr-backend-error-quark, tsr_backend_error)

const char *tsr_domain_state_name(enum tsr_domain_state state)
{
	switch (state) {
	case TSR_DOMAIN_STOPPED: return "stopped";
	case TSR_DOMAIN_STARTING: return "starting";
	case TSR_DOMAIN_RUNNING: return "running";
	case TSR_DOMAIN_PAUSED: return "paused";
	case TSR_DOMAIN_CRASHED: return "crashed";
	}
	return "unknown";
}

/* ---- operations and their completion ---- */

struct tsr_op *tsr_op_new(struct tsr_backend *backend, const char *name, tsr_backend_done_fn done,
			  void *user_data)
{
	struct tsr_op *op = g_new0(struct tsr_op, 1);
	op->backend = backend;
	op->name = g_strdup(name);
	op->done = done;
	op->user_data = user_data;
	return op;
}

struct op_result {
	struct tsr_op *op;
	GError *error;
};

static gboolean op_finish_idle(gpointer data)
{
	struct op_result *r = data;
	if (r->op->done)
		r->op->done(r->op->backend, r->op->name, r->error, r->op->user_data);
	g_clear_error(&r->error);
	g_free(r->op->name);
	g_free(r->op);
	g_free(r);
	return G_SOURCE_REMOVE;
}

void tsr_op_finish(struct tsr_op *op, GError *error)
{
	struct op_result *r = g_new0(struct op_result, 1);
	r->op = op;
	r->error = error;
	g_idle_add(op_finish_idle, r);
}

void tsr_op_fail(struct tsr_backend *backend, const char *name, tsr_backend_done_fn done,
		 void *user_data, GError *error)
{
	tsr_op_finish(tsr_op_new(backend, name, done, user_data), error);
}

/* ---- the factory ---- */

static char *dup_or(const char *value, const char *fallback)
{
	return g_strdup(value && *value ? value : fallback);
}

static void domain_free(gpointer data)
{
	struct tsr_domain *d = data;
	if (d->backend->ops->domain_free)
		d->backend->ops->domain_free(d);
	g_clear_handle_id(&d->shutdown_timer, g_source_remove);
	g_free(d->name);
	g_free(d->template_path);
	g_free(d->template_sha256);
	g_free(d->cmdline);
	tsr_domain_boot_clear(&d->boot);
	g_free(d->run_dir);
	g_free(d->state_dir);
	g_free(d->spice_path);
	g_free(d->log_path);
	g_free(d->overlay_path);
	g_free(d->pid_path);
	g_free(d->console_path);
	for (GSList *l = d->stop_waiters; l; l = l->next) {
		struct tsr_op *op = l->data;
		g_free(op->name);
		g_free(op);
	}
	g_slist_free(d->stop_waiters);
	g_free(d);
}

struct tsr_backend *tsr_backend_create(const char *kind, const struct tsr_backend_config *config,
				       GError **error)
{
	static const struct tsr_backend_config none;
	const struct tsr_backend_ops *ops;
	if (!kind) {
		g_set_error(error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_INVALID,
			    "no backend kind given: use qemu, xen or sim");
		return NULL;
	}
	if (strcmp(kind, "qemu") == 0)
		ops = &tsr_backend_qemu_ops;
	else if (strcmp(kind, "xen") == 0)
		ops = &tsr_backend_xen_ops;
	else if (strcmp(kind, "sim") == 0)
		ops = &tsr_backend_sim_ops;
	else {
		g_set_error(error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_INVALID,
			    "unknown backend '%s': use qemu, xen or sim", kind);
		return NULL;
	}
	if (!config)
		config = &none;
	struct tsr_backend *b = g_new0(struct tsr_backend, 1);
	b->ops = ops;
	b->kind = g_strdup(kind);
	b->run_dir = dup_or(config->run_dir, "/run/tessera/domains");
	b->state_dir = dup_or(config->state_dir, "/var/lib/tessera/domains");
	b->kernel = g_strdup(config->kernel);
	b->initrd = g_strdup(config->initrd);
	b->qemu = dup_or(config->qemu, "qemu-system-x86_64");
	b->qemu_img = dup_or(config->qemu_img, "qemu-img");
	b->accel = dup_or(config->accel, "auto");
	b->testdomain = dup_or(config->testdomain, "tessera-testdomain");
	b->xl = dup_or(config->xl, "xl");
	b->xen_cfg_dir = dup_or(config->xen_cfg_dir, b->run_dir);
	b->accel_probe_ms = config->accel_probe_ms;
	b->nft = dup_or(config->nft, "nft");
	b->ovmf_code = dup_or(config->ovmf_code, "/usr/share/OVMF/OVMF_CODE_4M.fd");
	b->ovmf_vars = dup_or(config->ovmf_vars, "/usr/share/OVMF/OVMF_VARS_4M.fd");
	b->devfs = dup_or(config->devfs, "/dev");
	b->domains = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, domain_free);
	b->usb_owner = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	if (!tsr_make_dir_owned(b->run_dir, 0755, 0, 0, error) ||
	    !tsr_make_dir_owned(b->state_dir, 0755, 0, 0, error) ||
	    (ops->init && !ops->init(b, error))) {
		g_prefix_error(error, "backend %s: ", kind);
		tsr_backend_destroy(b);
		return NULL;
	}
	return b;
}

void tsr_backend_destroy(struct tsr_backend *b)
{
	if (!b)
		return;
	g_hash_table_destroy(b->domains);
	if (b->ops->finalize)
		b->ops->finalize(b);
	g_hash_table_destroy(b->usb_owner);
	g_free(b->kind);
	g_free(b->run_dir);
	g_free(b->state_dir);
	g_free(b->kernel);
	g_free(b->initrd);
	g_free(b->qemu);
	g_free(b->qemu_img);
	g_free(b->accel);
	g_free(b->testdomain);
	g_free(b->xl);
	g_free(b->xen_cfg_dir);
	g_free(b->nft);
	g_free(b->ovmf_code);
	g_free(b->ovmf_vars);
	g_free(b->devfs);
	g_free(b);
}

const char *tsr_backend_kind(const struct tsr_backend *b)
{
	return b->kind;
}

void tsr_backend_set_event_handler(struct tsr_backend *b, tsr_backend_event_fn fn, void *data)
{
	b->event_fn = fn;
	b->event_data = data;
}

/* ---- definitions ---- */

/* The policy's name rule (policy/policy.h): [A-Za-z0-9._-], not starting with '.' or '-'. */
static bool name_valid(const char *name)
{
	size_t n = name ? strlen(name) : 0;
	if (n == 0 || n > 64 || name[0] == '.' || name[0] == '-')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (!(g_ascii_isalnum(c) || c == '-' || c == '_' || c == '.'))
			return false;
	}
	return true;
}

static bool sha256_valid(const char *hex)
{
	if (!hex || strlen(hex) != 64)
		return false;
	for (int i = 0; i < 64; i++)
		if (!((hex[i] >= '0' && hex[i] <= '9') || (hex[i] >= 'a' && hex[i] <= 'f')))
			return false;
	return true;
}

struct tsr_domain *tsr_backend_lookup(struct tsr_backend *b, const char *name, GError **error)
{
	struct tsr_domain *d = name ? g_hash_table_lookup(b->domains, name) : NULL;
	if (!d)
		g_set_error(error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_UNKNOWN,
			    "no domain '%s' is defined in the %s backend", name ? name : "(null)",
			    b->kind);
	return d;
}

bool tsr_backend_define(struct tsr_backend *b, const struct tsr_domain_spec *s, GError **error)
{
#define BAD(...)                                                                   \
	do {                                                                       \
		g_set_error(error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_INVALID,   \
			    __VA_ARGS__);                                          \
		return false;                                                      \
	} while (0)
	if (!name_valid(s->name))
		BAD("domain name '%s' is not allowed: use 1-64 characters A-Z, a-z, 0-9, '.', "
		    "'-' or '_', not starting with '.' or '-'", s->name ? s->name : "(null)");
	if (s->uid == 0 || s->gid == 0)
		BAD("domain %s: its device model must run as its own unprivileged user, not uid/gid 0",
		    s->name);
	if (s->memory_mb < 16 || s->memory_mb > 65536)
		BAD("domain %s: memory %u MiB is impossible: use 16 to 65536", s->name,
		    s->memory_mb);
	if (s->vcpus < 1 || s->vcpus > 64)
		BAD("domain %s: %u vcpus is impossible: use 1 to 64", s->name, s->vcpus);
	if (s->template_path) {
		if (!g_path_is_absolute(s->template_path))
			BAD("domain %s: template path '%s' must be absolute", s->name,
			    s->template_path);
		if (!sha256_valid(s->template_sha256))
			BAD("domain %s: template %s is not pinned: policy must give its sha256 "
			    "(64 lowercase hex digits)", s->name, s->template_path);
		if (s->template_size == 0)
			BAD("domain %s: template %s is not pinned: policy must give its size",
			    s->name, s->template_path);
	}
	if (s->network > TSR_NETWORK_ISOLATED)
		BAD("domain %s: unknown network mode %d", s->name, (int)s->network);
	if (s->cmdline && (strchr(s->cmdline, '\n') || strchr(s->cmdline, '"') ||
			   strchr(s->cmdline, '\'') || strchr(s->cmdline, '\\')))
		BAD("domain %s: kernel command line may not contain quotes, backslashes or "
		    "newlines", s->name);
#undef BAD
	if (!tsr_domain_boot_check(s, error))
		return false;
	struct tsr_domain *old = g_hash_table_lookup(b->domains, s->name);
	if (old && old->state != TSR_DOMAIN_STOPPED && old->state != TSR_DOMAIN_CRASHED) {
		g_set_error(error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_STATE,
			    "domain %s is %s: stop it before changing its definition", s->name,
			    tsr_domain_state_name(old->state));
		return false;
	}
	struct tsr_domain *d = g_new0(struct tsr_domain, 1);
	d->backend = b;
	d->name = g_strdup(s->name);
	d->uid = s->uid;
	d->gid = s->gid;
	d->memory_mb = s->memory_mb;
	d->vcpus = s->vcpus;
	d->template_path = g_strdup(s->template_path);
	d->template_sha256 = g_strdup(s->template_sha256);
	d->template_size = s->template_size;
	d->disposable = s->disposable;
	d->agent = s->agent;
	d->virtio_video = s->virtio_video;
	d->network = s->network;
	d->cmdline = g_strdup(s->cmdline);
	tsr_domain_boot_set(&d->boot, s);
	d->state = old ? old->state : TSR_DOMAIN_STOPPED;
	d->pid = -1;
	d->run_dir = g_build_filename(b->run_dir, s->name, NULL);
	d->state_dir = g_build_filename(b->state_dir, s->name, NULL);
	d->spice_path = g_build_filename(d->run_dir, "spice.sock", NULL);
	d->pid_path = g_build_filename(d->state_dir, "pid", NULL);
	d->console_path = g_build_filename(d->run_dir, "serial.log", NULL);
	d->log_path = g_build_filename(d->state_dir, "device-model.log", NULL);
	d->overlay_path = g_build_filename(d->state_dir, "disk.qcow2", NULL);
	g_hash_table_replace(b->domains, d->name, d);
	return true;
}

bool tsr_backend_undefine(struct tsr_backend *b, const char *name, GError **error)
{
	struct tsr_domain *d = tsr_backend_lookup(b, name, error);
	if (!d)
		return false;
	if (d->state != TSR_DOMAIN_STOPPED && d->state != TSR_DOMAIN_CRASHED) {
		g_set_error(error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_STATE,
			    "domain %s is %s: stop it before removing it", name,
			    tsr_domain_state_name(d->state));
		return false;
	}
	g_hash_table_remove(b->domains, name);
	return true;
}

/* ---- the state machine ---- */

void tsr_domain_set_state(struct tsr_domain *d, enum tsr_domain_state state, const char *reason)
{
	enum tsr_domain_state old = d->state;
	bool ended = state == TSR_DOMAIN_STOPPED || state == TSR_DOMAIN_CRASHED;
	d->state = state;
	if (ended) {
		d->pid = -1;
		d->stop_requested = false;
		if (d->shutdown_timer) {
			g_source_remove(d->shutdown_timer);
			d->shutdown_timer = 0;
		}
		tsr_usb_release_domain(d->backend, d->name);
		if (d->disposable && d->template_path)
			unlink(d->overlay_path);
		unlink(d->pid_path);
	}
	if (old != state) {
		tsr_info("domain %s: %s -> %s (%s)", d->name, tsr_domain_state_name(old),
			 tsr_domain_state_name(state), reason);
		if (d->backend->event_fn)
			d->backend->event_fn(d->backend, d->name, old, state, reason,
					     d->backend->event_data);
	}
	if (ended) {
		GSList *waiters = d->stop_waiters;
		d->stop_waiters = NULL;
		for (GSList *l = waiters; l; l = l->next)
			tsr_op_finish(l->data, NULL);
		g_slist_free(waiters);
	}
}

/* ---- operations ---- */

static bool is_live(enum tsr_domain_state s)
{
	return s == TSR_DOMAIN_STARTING || s == TSR_DOMAIN_RUNNING || s == TSR_DOMAIN_PAUSED;
}

void tsr_backend_start(struct tsr_backend *b, const char *name, tsr_backend_done_fn done,
		       void *user_data)
{
	GError *error = NULL;
	struct tsr_domain *d = tsr_backend_lookup(b, name, &error);
	if (d && is_live(d->state))
		g_set_error(&error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_STATE,
			    "domain %s is already %s", name, tsr_domain_state_name(d->state));
	if (!error && d && (!tsr_make_dir_owned(d->run_dir, 0700, d->uid, d->gid, &error) ||
			    !tsr_make_dir_owned(d->state_dir, 0750, 0, d->gid, &error)))
		g_prefix_error(&error, "domain %s: ", name);
	if (!error && d && !tsr_backend_create_disk(b, name, &error))
		g_assert(error != NULL);
	if (error) {
		tsr_op_fail(b, name, done, user_data, error);
		return;
	}
	unlink(d->spice_path);
	d->stop_requested = false;
	tsr_domain_set_state(d, TSR_DOMAIN_STARTING, "start requested");
	b->ops->start(d, tsr_op_new(b, name, done, user_data));
}

static void simple_op(struct tsr_backend *b, const char *name, tsr_backend_done_fn done,
		      void *user_data, enum tsr_domain_state need,
		      void (*fn)(struct tsr_domain *, struct tsr_op *), const char *what)
{
	GError *error = NULL;
	struct tsr_domain *d = tsr_backend_lookup(b, name, &error);
	if (d && d->state != need)
		g_set_error(&error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_STATE,
			    "cannot %s domain %s: it is %s, not %s", what, name,
			    tsr_domain_state_name(d->state), tsr_domain_state_name(need));
	if (error) {
		tsr_op_fail(b, name, done, user_data, error);
		return;
	}
	fn(d, tsr_op_new(b, name, done, user_data));
}

void tsr_backend_pause(struct tsr_backend *b, const char *name, tsr_backend_done_fn done,
		       void *user_data)
{
	simple_op(b, name, done, user_data, TSR_DOMAIN_RUNNING, b->ops->pause, "pause");
}

void tsr_backend_resume(struct tsr_backend *b, const char *name, tsr_backend_done_fn done,
			void *user_data)
{
	simple_op(b, name, done, user_data, TSR_DOMAIN_PAUSED, b->ops->resume, "resume");
}

static gboolean shutdown_timeout(gpointer data)
{
	struct tsr_domain *d = data;
	d->shutdown_timer = 0;
	tsr_warn("domain %s did not shut down in time: destroying it", d->name);
	d->backend->ops->kill(d);
	return G_SOURCE_REMOVE;
}

static bool stop_prepare(struct tsr_backend *b, const char *name, tsr_backend_done_fn done,
			 void *user_data, struct tsr_domain **out)
{
	GError *error = NULL;
	struct tsr_domain *d = tsr_backend_lookup(b, name, &error);
	if (error) {
		tsr_op_fail(b, name, done, user_data, error);
		return false;
	}
	if (!is_live(d->state)) {
		/* Already stopped: a crashed domain is cleaned up and counts as stopped now. */
		if (d->state == TSR_DOMAIN_CRASHED)
			tsr_domain_set_state(d, TSR_DOMAIN_STOPPED, "cleared after crash");
		tsr_op_fail(b, name, done, user_data, NULL);
		return false;
	}
	d->stop_waiters = g_slist_append(d->stop_waiters, tsr_op_new(b, name, done, user_data));
	d->stop_requested = true;
	*out = d;
	return true;
}

void tsr_backend_shutdown(struct tsr_backend *b, const char *name, unsigned timeout_ms,
			  tsr_backend_done_fn done, void *user_data)
{
	struct tsr_domain *d;
	if (!stop_prepare(b, name, done, user_data, &d))
		return;
	if (!d->shutdown_timer)
		d->shutdown_timer = g_timeout_add(timeout_ms ? timeout_ms : 1, shutdown_timeout, d);
	b->ops->request_shutdown(d);
}

void tsr_backend_destroy_domain(struct tsr_backend *b, const char *name, tsr_backend_done_fn done,
				void *user_data)
{
	struct tsr_domain *d;
	if (!stop_prepare(b, name, done, user_data, &d))
		return;
	b->ops->kill(d);
}

void tsr_backend_adopt(struct tsr_backend *b, const char *name, tsr_backend_done_fn done,
		       void *user_data)
{
	GError *error = NULL;
	struct tsr_domain *d = tsr_backend_lookup(b, name, &error);
	if (d && is_live(d->state))
		g_set_error(&error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_STATE,
			    "domain %s is already under control (%s)", name,
			    tsr_domain_state_name(d->state));
	if (error) {
		tsr_op_fail(b, name, done, user_data, error);
		return;
	}
	b->ops->adopt(d, tsr_op_new(b, name, done, user_data));
}

enum tsr_domain_state tsr_backend_status(struct tsr_backend *b, const char *name)
{
	struct tsr_domain *d = g_hash_table_lookup(b->domains, name);
	return d ? d->state : TSR_DOMAIN_STOPPED;
}

bool tsr_backend_spice_peer(struct tsr_backend *b, const char *name, struct tsr_unix_peer *peer)
{
	struct tsr_domain *d = g_hash_table_lookup(b->domains, name);

	if (!d)
		return false;
	peer->uid = d->uid;
	/* Xen's device model binds its socket as root before dropping to the domain's user,
	 * and the pid the xen backend keeps is a domid: only the file's owner says who. */
	peer->listened_as_root = strcmp(tsr_backend_kind(b), "xen") == 0;
	peer->pid = peer->listened_as_root ? 0 : (pid_t)d->pid;
	return true;
}

const char *tsr_backend_spice_socket(struct tsr_backend *b, const char *name)
{
	struct tsr_domain *d = g_hash_table_lookup(b->domains, name);
	return d ? d->spice_path : NULL;
}

const char *tsr_backend_accel(struct tsr_backend *b, const char *name)
{
	struct tsr_domain *d = g_hash_table_lookup(b->domains, name);
	return d && b->ops->accel ? b->ops->accel(d) : NULL;
}

long tsr_backend_domain_pid(struct tsr_backend *b, const char *name)
{
	struct tsr_domain *d = g_hash_table_lookup(b->domains, name);
	return d ? d->pid : -1;
}

const char *tsr_backend_console_path(struct tsr_backend *b, const char *name)
{
	struct tsr_domain *d = g_hash_table_lookup(b->domains, name);
	return d ? d->console_path : NULL;
}

const char *tsr_backend_log_path(struct tsr_backend *b, const char *name)
{
	struct tsr_domain *d = g_hash_table_lookup(b->domains, name);
	return d ? d->log_path : NULL;
}

char **tsr_backend_list(struct tsr_backend *b)
{
	GPtrArray *a = g_ptr_array_new();
	GHashTableIter it;
	gpointer key;
	g_hash_table_iter_init(&it, b->domains);
	while (g_hash_table_iter_next(&it, &key, NULL))
		g_ptr_array_add(a, g_strdup(key));
	g_ptr_array_sort(a, (GCompareFunc)g_strcmp0);
	g_ptr_array_add(a, NULL);
	return (char **)g_ptr_array_free(a, FALSE);
}
