/* broker/broker.c: the broker's core: policy, backends and domains, persisted state, audit
 * (see broker.h). Sessions, the kiosk link, control commands, viewers and USB live in their
 * own files and call back in here through broker-private.h. */
#include "config.h"
#include "broker/broker-private.h"
#include "broker/owned-dir.h"
#include "common/log.h"
#include "domains/policy-spec.h"
#include "policy/state.h"

#include <errno.h>
#include <gio/gio.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct waiter {
	brk_dom_done_fn done;
	void *data;
};

void brk_audit_object(struct tsr_broker *b, const char *event, JsonObject *fields)
{
	if (!tsr_audit_event(b->audit, event, fields))
		tsr_err("could not write audit event %s", event);
}

void brk_audit(struct tsr_broker *b, const char *event, ...)
{
	JsonObject *fields;
	va_list ap;

	va_start(ap, event);
	fields = tsr_audit_fields_va(ap);
	va_end(ap);
	brk_audit_object(b, event, fields);
}

struct brk_dom *brk_dom(struct tsr_broker *b, const char *name)
{
	return name ? g_hash_table_lookup(b->domains, name) : NULL;
}

enum tsr_domain_state brk_dom_state(struct brk_dom *d)
{
	return d->backend ? tsr_backend_status(d->backend, d->name) : TSR_DOMAIN_STOPPED;
}

unsigned tsr_broker_live_domains(struct tsr_broker *b)
{
	GHashTableIter it;
	gpointer value;
	unsigned n = 0;

	g_hash_table_iter_init(&it, b->domains);
	while (g_hash_table_iter_next(&it, NULL, &value)) {
		enum tsr_domain_state st = brk_dom_state(value);
		n += st == TSR_DOMAIN_RUNNING || st == TSR_DOMAIN_STARTING || st == TSR_DOMAIN_PAUSED;
	}
	return n;
}

enum tsr_policy_lease brk_lease(struct tsr_broker *b, int64_t *days_left)
{
	int64_t now = tsr_clock_now_us(b->real) / G_USEC_PER_SEC;

	if (!b->policy) {
		if (days_left)
			*days_left = -1;
		return TSR_POLICY_LEASE_EXPIRED;
	}
	now = tsr_policy_state_effective_time(b->state_dir, now);
	return tsr_policy_lease_state(b->policy, now, days_left);
}

/* ---- persisted state: who is logged in, which domain belongs to whose session ---------- */

static char *state_path(struct tsr_broker *b)
{
	return g_build_filename(b->broker_state_dir, "session.json", NULL);
}

bool brk_save_state(struct tsr_broker *b)
{
	g_autoptr(JsonBuilder) jb = json_builder_new();
	g_autoptr(JsonGenerator) gen = json_generator_new();
	g_autoptr(JsonNode) root = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree char *path = state_path(b), *text = NULL;
	g_autofree char *dev_path = g_build_filename(b->broker_state_dir, "devices.json", NULL);
	GHashTableIter it;
	gpointer value;
	bool ok = true;

	json_builder_begin_object(jb);
	json_builder_set_member_name(jb, "user");
	if (b->user)
		json_builder_add_string_value(jb, b->user);
	else
		json_builder_add_null_value(jb);
	json_builder_set_member_name(jb, "owners");
	json_builder_begin_object(jb);
	g_hash_table_iter_init(&it, b->domains);
	while (g_hash_table_iter_next(&it, NULL, &value)) {
		struct brk_dom *d = value;
		if (d->owner) {
			json_builder_set_member_name(jb, d->name);
			json_builder_add_string_value(jb, d->owner);
		}
	}
	json_builder_end_object(jb);
	json_builder_end_object(jb);
	root = json_builder_get_root(jb);
	json_generator_set_root(gen, root);
	text = json_generator_to_data(gen, NULL);
	if (!g_file_set_contents_full(path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600,
				      &error)) {
		tsr_err("cannot save the session state: %s", error->message);
		g_clear_error(&error);
		ok = false;
	}
	if (!tsr_device_table_save(b->devices, dev_path, &error)) {
		tsr_err("cannot save the device table: %s", error->message);
		ok = false;
	}
	return ok;
}

static void load_state(struct tsr_broker *b)
{
	g_autofree char *path = state_path(b);
	g_autofree char *dev_path = g_build_filename(b->broker_state_dir, "devices.json", NULL);
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autoptr(GError) error = NULL;
	JsonObject *o, *owners;

	if (!tsr_device_table_load(b->devices, dev_path, &error)) {
		tsr_warn("ignoring the saved device table: %s", error->message);
		g_clear_error(&error);
	}
	if (!g_file_test(path, G_FILE_TEST_EXISTS))
		return;
	if (!json_parser_load_from_file(parser, path, &error) ||
	    !JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser))) {
		tsr_warn("ignoring the saved session state %s: %s", path,
			 error ? error->message : "not an object");
		return;
	}
	o = json_node_get_object(json_parser_get_root(parser));
	const char *user = json_object_get_string_member_with_default(o, "user", NULL);
	if (user && b->policy && tsr_policy_find_user(b->policy, user)) {
		/* A session survives a broker restart, but always locked. */
		b->user = g_strdup(user);
		b->session = SESSION_LOCKED;
	}
	owners = json_object_get_object_member(o, "owners");
	if (owners) {
		JsonObjectIter it;
		const char *name;
		JsonNode *n;
		json_object_iter_init(&it, owners);
		while (json_object_iter_next(&it, &name, &n)) {
			struct brk_dom *d = brk_dom(b, name);
			if (d && JSON_NODE_HOLDS_VALUE(n) &&
			    json_node_get_value_type(n) == G_TYPE_STRING)
				d->owner = g_strdup(json_node_get_string(n));
		}
	}
}

/* ---- backends and domains ------------------------------------------------------------ */

static void finish_waiters(struct tsr_broker *b, struct brk_dom *d, const GError *error)
{
	GSList *list = d->start_waiters;
	char *name = g_strdup(d->name);

	d->start_waiters = NULL;
	for (GSList *l = list; l; l = l->next) {
		struct waiter *w = l->data;
		if (w->done)
			w->done(b, name, error, w->data);
		g_free(w);
	}
	g_slist_free(list);
	g_free(name);
}

static void dom_free(gpointer data)
{
	struct brk_dom *d = data;

	brk_viewer_kill(d);
	for (GSList *l = d->start_waiters; l; l = l->next)
		g_free(l->data);
	g_slist_free(d->start_waiters);
	g_free(d->name);
	g_free(d->unavailable);
	g_free(d->owner);
	g_free(d);
}

static void on_backend_event(struct tsr_backend *backend, const char *name,
			     enum tsr_domain_state old_state, enum tsr_domain_state new_state,
			     const char *reason, void *user_data)
{
	struct tsr_broker *b = user_data;
	struct brk_dom *d;
	g_autoptr(GError) error = NULL;

	if (!name)
		return;
	d = brk_dom(b, name);
	brk_audit(b, "domain-state", "domain", name, "from", tsr_domain_state_name(old_state),
		     "to", tsr_domain_state_name(new_state), "reason", reason, NULL);
	tsr_debug("domain %s: %s -> %s (%s)", name, tsr_domain_state_name(old_state),
		 tsr_domain_state_name(new_state), reason ? reason : "");
	if (!d)
		return;
	if (new_state == TSR_DOMAIN_STOPPED || new_state == TSR_DOMAIN_CRASHED) {
		brk_viewer_kill(d);
		g_clear_pointer(&d->owner, g_free);
		d->preloaded = false;
		/* Waiters queued behind a stop are started after it (stop_done), not failed by it,
		 * even when the domain crashed on its way down: that instance was ending anyway. */
		if (d->start_waiters && !d->stopping) {
			/* The backend's reason for a crash says how and why in one line. */
			if (new_state == TSR_DOMAIN_CRASHED && reason && *reason)
				g_set_error(&error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_FAILED,
					    "%s", reason);
			else
				g_set_error(&error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_FAILED,
					    "domain %s %s while starting: %s", name,
					    tsr_domain_state_name(new_state),
					    reason ? reason : "");
			finish_waiters(b, d, error);
		}
	}
	if (new_state == TSR_DOMAIN_CRASHED)
		brk_session_notify(b, TSR_KIOSK_NOTE_DOMAIN_CRASHED, name, "%s stopped unexpectedly: %s",
			       d->pol && d->pol->label ? d->pol->label : name,
			       reason ? reason : "no reason given");
	brk_session_domain_changed(b, d);
	if (b->usb)
		brk_usb_host_domain_changed(b->usb, name);
	brk_save_state(b);
}

static struct tsr_backend *backend_for(struct tsr_broker *b, const char *kind, GError **error)
{
	struct tsr_backend *be = g_hash_table_lookup(b->backends, kind);
	struct tsr_backend_config cfg = b->cfg.backend;

	if (be)
		return be;
	if (!cfg.run_dir)
		cfg.run_dir = b->backend_run_dir;
	if (!cfg.state_dir)
		cfg.state_dir = b->backend_state_dir;
	if (!cfg.devfs)
		cfg.devfs = b->cfg.devfs_root;
	be = tsr_backend_create(kind, &cfg, error);
	if (!be)
		return NULL;
	tsr_backend_set_event_handler(be, on_backend_event, b);
	g_hash_table_insert(b->backends, g_strdup(kind), be);
	return be;
}

/* Define d in its backend from its policy entry; on failure d is marked unavailable. */
static void dom_define(struct tsr_broker *b, struct brk_dom *d)
{
	struct tsr_domain_spec spec = { 0 };
	struct tsr_domain_spec_storage storage = { 0 };
	g_autoptr(GError) error = NULL;
	struct tsr_backend *be;

	g_clear_pointer(&d->unavailable, g_free);
	be = backend_for(b, tsr_policy_backend_name(d->pol->backend), &error);
	if (be && tsr_domain_spec_from_policy(b->policy, d->pol, b->template_dir, &spec, &storage,
					      &error) &&
	    tsr_backend_define(be, &spec, &error)) {
		d->backend = be;
	} else {
		d->backend = NULL;
		d->unavailable = g_strdup(error->message);
		tsr_warn("domain %s is unavailable: %s", d->name, error->message);
		brk_audit(b, "domain-unavailable", "domain", d->name, "reason", error->message,
			     NULL);
	}
	tsr_domain_spec_storage_clear(&storage);
}

static void adopt_done(struct tsr_backend *backend, const char *name, const GError *error,
		       void *data)
{
	struct tsr_broker *b = data;

	if (error)
		tsr_warn("could not adopt domain %s: %s", name, error->message);
	if (b->adopting > 0 && --b->adopting == 0) {
		if (b->usb)
			brk_usb_host_place_all(b->usb);
		brk_preload_all(b, "broker start");
	}
}

static void define_all(struct tsr_broker *b)
{
	for (size_t i = 0; b->policy && i < b->policy->n_domains; i++) {
		const struct tsr_policy_domain *pd = &b->policy->domains[i];
		struct brk_dom *d = brk_dom(b, pd->name);

		if (!d) {
			d = g_new0(struct brk_dom, 1);
			d->b = b;
			d->name = g_strdup(pd->name);
			g_hash_table_insert(b->domains, d->name, d);
		}
		d->pol = pd;
		dom_define(b, d);
	}
}

static void start_done(struct tsr_backend *backend, const char *name, const GError *error,
		       void *data)
{
	struct tsr_broker *b = data;
	struct brk_dom *d = brk_dom(b, name);

	if (error) {
		brk_audit(b, "domain-start-failed", "domain", name, "reason", error->message,
			     NULL);
		tsr_warn("domain %s did not start: %s", name, error->message);
	}
	if (d)
		finish_waiters(b, d, error);
}

static void kick_start(struct tsr_broker *b, struct brk_dom *d, const char *why)
{
	enum tsr_domain_state st = brk_dom_state(d);

	brk_audit(b, st == TSR_DOMAIN_PAUSED ? "domain-resume" : "domain-start", "domain",
		     d->name, "by", why, NULL);
	if (st == TSR_DOMAIN_PAUSED)
		tsr_backend_resume(d->backend, d->name, start_done, b);
	else
		tsr_backend_start(d->backend, d->name, start_done, b);
}

void brk_dom_start(struct tsr_broker *b, struct brk_dom *d, const char *why, brk_dom_done_fn done,
		      void *data)
{
	enum tsr_domain_state st = brk_dom_state(d);
	struct waiter *w;

	if (!d->backend || !d->pol) {
		g_autoptr(GError) error = g_error_new(TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_INVALID,
						      "domain %s cannot run on this laptop: %s",
						      d->name,
						      d->unavailable ? d->unavailable
								     : "not in policy");
		if (done)
			done(b, d->name, error, data);
		return;
	}
	if (st == TSR_DOMAIN_RUNNING && !d->stopping) {
		if (done)
			done(b, d->name, NULL, data);
		return;
	}
	w = g_new0(struct waiter, 1);
	w->done = done;
	w->data = data;
	d->start_waiters = g_slist_append(d->start_waiters, w);
	/* Already starting, or stopping (the start follows the stop): just wait. */
	if (d->stopping || st == TSR_DOMAIN_STARTING || g_slist_length(d->start_waiters) > 1)
		return;
	kick_start(b, d, why);
}

struct stop_ctx {
	struct tsr_broker *b;
	brk_dom_done_fn done;
	void *data;
};

static void stop_done(struct tsr_backend *backend, const char *name, const GError *error,
		      void *data)
{
	struct stop_ctx *s = data;
	const char *n = name ? name : "?";
	struct brk_dom *d = brk_dom(s->b, name);

	if (error)
		tsr_warn("stopping domain %s: %s", n, error->message);
	if (d)
		d->stopping = false;
	if (s->done)
		s->done(s->b, name, error, s->data);
	/* Someone asked for it while it was stopping: start it afresh now. */
	d = brk_dom(s->b, name);
	if (d && d->start_waiters && d->backend &&
	    brk_dom_state(d) != TSR_DOMAIN_STARTING)
		kick_start(s->b, d, "start requested while stopping");
	g_free(s);
}

static void resumed_then_stop(struct tsr_backend *backend, const char *name, const GError *error,
			      void *data)
{
	struct stop_ctx *s = data;

	/* Even if resuming failed, the shutdown's timeout ends in a hard stop. */
	tsr_backend_shutdown(backend, name, s->b->cfg.shutdown_timeout_ms, stop_done, s);
}

void brk_dom_stop(struct tsr_broker *b, struct brk_dom *d, const char *why, brk_dom_done_fn done,
		     void *data)
{
	enum tsr_domain_state st = brk_dom_state(d);
	struct stop_ctx *s;

	if (!d->backend || st == TSR_DOMAIN_STOPPED) {
		if (done)
			done(b, d->name, NULL, data);
		return;
	}
	brk_audit(b, "domain-stop", "domain", d->name, "by", why, NULL);
	brk_viewer_kill(d);
	d->stopping = true;
	s = g_new0(struct stop_ctx, 1);
	s->b = b;
	s->done = done;
	s->data = data;
	if (st == TSR_DOMAIN_CRASHED)
		tsr_backend_destroy_domain(d->backend, d->name, stop_done, s);
	else if (st == TSR_DOMAIN_PAUSED)
		/* A paused guest cannot hear the power button: let it run to shut down. */
		tsr_backend_resume(d->backend, d->name, resumed_then_stop, s);
	else
		tsr_backend_shutdown(d->backend, d->name, b->cfg.shutdown_timeout_ms, stop_done, s);
}

static void pause_done(struct tsr_backend *backend, const char *name, const GError *error,
		       void *data)
{
	if (error)
		tsr_warn("pausing domain %s: %s", name, error->message);
}

void brk_dom_pause(struct tsr_broker *b, struct brk_dom *d, const char *why, bool keep_viewer)
{
	if (!d->backend || brk_dom_state(d) != TSR_DOMAIN_RUNNING)
		return;
	brk_audit(b, "domain-pause", "domain", d->name, "by", why, NULL);
	if (!keep_viewer)
		brk_viewer_kill(d);
	tsr_backend_pause(d->backend, d->name, pause_done, b);
}

/* ---- policy -------------------------------------------------------------------------- */

static struct tsr_policy *load_policy(struct tsr_broker *b, GError **error)
{
	if (b->cfg.policy_dir)
		return tsr_policy_load_dir(b->cfg.policy_dir, error);
	return tsr_policy_load_installed(b->state_dir, error);
}

static void policy_audit(struct tsr_broker *b, const char *event)
{
	JsonObject *o = json_object_new();
	int64_t days = 0;
	enum tsr_policy_lease lease = brk_lease(b, &days);

	json_object_set_string_member(o, "organization", b->policy->organization);
	json_object_set_int_member(o, "serial", (int64_t)b->policy->serial);
	json_object_set_string_member(o, "lease", tsr_policy_lease_name(lease));
	json_object_set_int_member(o, "domains", (int64_t)b->policy->n_domains);
	json_object_set_int_member(o, "users", (int64_t)b->policy->n_users);
	brk_audit_object(b, event, o);
}

static void removed_stopped(struct tsr_broker *b, const char *name, const GError *error,
			    void *data)
{
	struct brk_dom *d = brk_dom(b, name);
	g_autoptr(GError) err = NULL;

	if (d && !d->pol) {
		if (d->backend && !tsr_backend_undefine(d->backend, name, &err))
			tsr_warn("could not forget domain %s: %s", name, err->message);
		g_hash_table_remove(b->domains, name);
	}
}

bool tsr_broker_reload(struct tsr_broker *b, GError **error)
{
	g_autoptr(GError) err = NULL;
	struct tsr_policy *fresh = load_policy(b, &err), *old;
	GHashTableIter it;
	gpointer value;
	GPtrArray *gone = g_ptr_array_new_with_free_func(g_free);

	if (!fresh) {
		brk_audit(b, "policy-reload-failed", "reason", err->message, NULL);
		tsr_err("policy reload failed, keeping the current policy: %s", err->message);
		g_propagate_error(error, g_steal_pointer(&err));
		g_ptr_array_free(gone, TRUE);
		return false;
	}
	if (!tsr_auth_set_policy(b->auth, fresh)) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED,
			    "cannot prepare password checks for the new policy (out of memory?)");
		tsr_policy_free(fresh);
		g_ptr_array_free(gone, TRUE);
		return false;
	}
	old = b->policy;
	b->policy = fresh;
	/* Re-point every domain at the new policy; domains that left it are stopped and
	 * forgotten; stopped ones are redefined so changes take effect at their next start. */
	g_hash_table_iter_init(&it, b->domains);
	while (g_hash_table_iter_next(&it, NULL, &value)) {
		struct brk_dom *d = value;
		d->pol = tsr_policy_find_domain(fresh, d->name);
		if (!d->pol)
			g_ptr_array_add(gone, g_strdup(d->name));
	}
	for (size_t i = 0; i < fresh->n_domains; i++) {
		struct brk_dom *d = brk_dom(b, fresh->domains[i].name);
		if (d && d->backend && brk_dom_state(d) != TSR_DOMAIN_STOPPED)
			continue; /* running: keeps its definition until it stops */
		if (d && d->backend) {
			g_autoptr(GError) e2 = NULL;
			if (!tsr_backend_undefine(d->backend, d->name, &e2))
				tsr_warn("redefining %s: %s", d->name, e2->message);
			d->backend = NULL;
		}
		if (!d) {
			d = g_new0(struct brk_dom, 1);
			d->b = b;
			d->name = g_strdup(fresh->domains[i].name);
			g_hash_table_insert(b->domains, d->name, d);
		}
		d->pol = &fresh->domains[i];
		dom_define(b, d);
	}
	for (guint i = 0; i < gone->len; i++) {
		struct brk_dom *d = brk_dom(b, gone->pdata[i]);
		brk_audit(b, "domain-removed", "domain", d->name, NULL);
		brk_dom_stop(b, d, "removed from policy", removed_stopped, NULL);
	}
	g_ptr_array_free(gone, TRUE);
	/* Devices are decided again before the old policy goes: their decisions point into it. */
	if (b->usb)
		brk_usb_host_rescan(b->usb, true);
	tsr_policy_free(old);
	policy_audit(b, "policy-reloaded");
	if (b->user && !tsr_policy_find_user(fresh, b->user))
		brk_session_end(b, "the user is no longer in policy");
	else {
		/* What the user may do may have changed under the open desktop: it locks, and the
		 * kiosk gets the new settings and domain list. */
		brk_session_lock(b, "policy reloaded");
		brk_session_on_kiosk_start(b);
	}
	brk_preload_policy_changed(b);
	return true;
}

/* ---- lifecycle ----------------------------------------------------------------------- */

static gboolean note_time(gpointer data)
{
	struct tsr_broker *b = data;
	g_autoptr(GError) error = NULL;
	int64_t now = tsr_clock_now_us(b->real) / G_USEC_PER_SEC;
	int64_t bound = b->policy ? tsr_policy_state_time_bound(b->policy->valid_until,
								 b->policy->lease_grace_days) : 0;
	bool held = false;

	/* The latest time moves at most to the policy's lease end: a clock that says 2099
	 * ends this lease early, not every lease to come. */
	if (!tsr_policy_state_note_time(b->state_dir, now, bound, &held, &error))
		tsr_warn("cannot record the time: %s", error->message);
	else if (held)
		tsr_warn("the clock says %" G_GINT64_FORMAT ", past the policy's validity and grace; "
			 "the latest time this laptop has seen is held at %" G_GINT64_FORMAT
			 " (tessera-provision status)", now, bound);
	return G_SOURCE_CONTINUE;
}

static guint note_time_timer;

/* A session is locked within a minute of its lease ending, even if nobody touches it. */
static gboolean check_lease(gpointer data)
{
	brk_session_check_lease(data);
	/* The battery text moves slowly: the same minute tick is enough for the top bar. */
	brk_session_send_power(data, false);
	return G_SOURCE_CONTINUE;
}

static guint lease_timer;

/* Made, or taken over, with exactly mode: a directory an older version left open is closed,
 * and one another user owns (who could swap the files root keeps in it) is refused. */
static bool make_dir(const char *path, mode_t mode, GError **error)
{
	int fd = brk_owned_dir_open(path, mode);

	if (fd < 0) {
		int saved = errno;
		g_set_error(error, G_IO_ERROR, g_io_error_from_errno(saved),
			    "cannot create %s: %s", path,
			    saved == EPERM ? "it belongs to another user" : g_strerror(saved));
		return false;
	}
	close(fd);
	return true;
}

struct tsr_broker *tsr_broker_create(const struct tsr_broker_config *config, GError **error)
{
	struct tsr_broker *b = g_new0(struct tsr_broker, 1);
	g_autoptr(GError) perr = NULL;
	g_autofree char *audit_dir = NULL;

	b->cfg = *config;
	if (!b->cfg.sys_root)
		b->cfg.sys_root = "/sys"; /* decided once: every sysfs reader uses it as is */
	b->state_dir = g_strdup(config->state_dir ? config->state_dir : TSR_STATE_DIR_DEFAULT);
	b->run_dir = g_strdup(config->run_dir ? config->run_dir : "/run/tessera");
	b->broker_state_dir = g_build_filename(b->state_dir, "broker", NULL);
	b->template_dir = g_build_filename(b->state_dir, "templates", NULL);
	b->backend_run_dir = g_build_filename(b->run_dir, "domains", NULL);
	b->backend_state_dir = g_build_filename(b->state_dir, "domains", NULL);
	b->control_path = g_build_filename(b->run_dir, "control.sock", NULL);
	b->mono = config->monotonic ? config->monotonic : tsr_clock_monotonic();
	b->real = config->realtime ? config->realtime : tsr_clock_realtime();
	if (!b->cfg.shutdown_timeout_ms)
		b->cfg.shutdown_timeout_ms = 30000;
	b->backends = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
					    (GDestroyNotify)tsr_backend_destroy);
	b->domains = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, dom_free);
	b->devices = tsr_device_table_create();
	b->session = SESSION_LOGIN;

	if (!make_dir(b->broker_state_dir, 0700, error) || !make_dir(b->run_dir, 0755, error))
		goto fail;
	audit_dir = g_build_filename(b->state_dir, "audit", NULL);
	b->audit = tsr_audit_open(audit_dir, TSR_AUDIT_DEFAULT_MAX_BYTES, TSR_AUDIT_DEFAULT_KEEP,
				  b->real, error);
	if (!b->audit)
		goto fail;
	if (b->cfg.journal)
		tsr_audit_set_journal(b->audit, "tessera-brokerd");
	b->auth = tsr_auth_create(b->mono);
	if (!b->auth) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED, "libsodium could not start");
		goto fail;
	}
	b->policy = load_policy(b, &perr);
	if (!b->policy) {
		/* The broker still runs: root can install a policy and reload; nobody can log in. */
		tsr_err("no usable policy: %s", perr->message);
		brk_audit(b, "policy-missing", "reason", perr->message, NULL);
	} else {
		if (!tsr_auth_set_policy(b->auth, b->policy)) {
			g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED,
				    "cannot prepare password checks (out of memory?)");
			goto fail;
		}
		define_all(b);
	}
	load_state(b);
	b->ctl = tsr_ctl_server_create(b->control_path, brk_control_handle, brk_control_refused, b, error);
	if (!b->ctl)
		goto fail;
	{
		g_autofree char *pid = g_strdup_printf("%d", (int)getpid());
		brk_audit(b, "broker-start", "pid", pid, NULL);
	}
	if (b->policy)
		policy_audit(b, "policy-loaded");
	/* Find what kept running while no broker was there: adopted, or reported crashed. */
	GHashTableIter it;
	gpointer value;
	g_hash_table_iter_init(&it, b->domains);
	while (g_hash_table_iter_next(&it, NULL, &value)) {
		struct brk_dom *d = value;
		if (d->backend)
			b->adopting++;
	}
	g_hash_table_iter_init(&it, b->domains);
	while (g_hash_table_iter_next(&it, NULL, &value)) {
		struct brk_dom *d = value;
		if (d->backend)
			tsr_backend_adopt(d->backend, d->name, adopt_done, b);
	}
	if (config->sysfs_root) {
		b->usb = brk_usb_host_create(b, error);
		if (!b->usb)
			goto fail;
	}
	b->sleep = brk_sleep_create(b);
	if (config->logind)
		b->logind = brk_logind_create(b, b->cfg.sys_root);
	if (config->kiosk_path && config->kiosk_devices) {
		b->lid = brk_lid_create(b);
		b->kiosk_devices = brk_kiosk_devices_create(b, config->kiosk_card, error);
		if (!b->kiosk_devices)
			goto fail;
	}
	b->enrol = brk_enrol_create(b);
	b->install = brk_install_create(b);
	if (config->kiosk_path)
		b->kiosk = brk_kiosk_link_create(b);
	note_time(b);
	note_time_timer = g_timeout_add_seconds(3600, note_time, b);
	lease_timer = g_timeout_add_seconds(60, check_lease, b);
	return b;
fail:
	tsr_broker_destroy(b);
	return NULL;
}

void tsr_broker_destroy(struct tsr_broker *b)
{
	if (!b)
		return;
	g_clear_handle_id(&note_time_timer, g_source_remove);
	g_clear_handle_id(&lease_timer, g_source_remove);
	if (b->audit)
		brk_audit(b, "broker-stop", NULL);
	brk_kiosk_link_destroy(b->kiosk);
	brk_console_stop(b);
	brk_kiosk_devices_destroy(b->kiosk_devices);
	brk_lid_destroy(b->lid);
	brk_logind_destroy(b->logind);
	brk_sleep_destroy(b->sleep);
	brk_usb_host_destroy(b->usb);
	brk_install_destroy(b->install);
	brk_enrol_destroy(b->enrol);
	tsr_ctl_server_destroy(b->ctl);
	if (b->domains)
		g_hash_table_destroy(b->domains); /* kills viewers, leaves domains running */
	if (b->backends)
		g_hash_table_destroy(b->backends);
	tsr_device_table_destroy(b->devices);
	tsr_auth_destroy(b->auth);
	tsr_audit_close(b->audit);
	if (b->policy)
		tsr_policy_free(b->policy);
	g_free(b->user);
	g_free(b->focused);
	g_free(b->state_dir);
	g_free(b->run_dir);
	g_free(b->broker_state_dir);
	g_free(b->template_dir);
	g_free(b->backend_run_dir);
	g_free(b->backend_state_dir);
	g_free(b->control_path);
	g_free(b);
}
