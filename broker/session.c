/* broker/session.c: what the kiosk may ask, and the session it changes.
 *
 * Every request is judged against the current policy and session state when it arrives: who
 * is logged in, whether the session is locked, whether that user may use that domain now. The
 * kiosk only ever learns what the logged-in user may see. */
#include "config.h"
#include "broker/broker-private.h"
#include "broker/backlight.h"
#include "broker/power-supply.h"
#include "broker/secret.h"
#include "common/log.h"
#include "policy/state.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

_Static_assert(TSR_KIOSK_OUTPUTS_MAX == TSR_POLICY_OUTPUTS_MAX &&
		       TSR_KIOSK_CONNECTOR_SIZE == TSR_POLICY_CONNECTOR_SIZE &&
		       TSR_POLICY_OUTPUTS_EXTEND == 0 && TSR_POLICY_OUTPUTS_MIRROR == 1,
	       "policy's [outputs] order and mode fit the SETTINGS message");
_Static_assert(TSR_POLICY_BLANK_AFTER_MAX == TSR_KIOSK_BLANK_AFTER_MAX,
	       "policy's [power] blank-after fits the SETTINGS message");

static const char *const session_names[] = { "login", "locked", "active" };

static void reply(struct tsr_broker *b, uint32_t seq, enum tsr_kiosk_status status,
		  uint32_t retry_ms, int fd, const char *fmt, ...) G_GNUC_PRINTF(6, 7);
static void reply(struct tsr_broker *b, uint32_t seq, enum tsr_kiosk_status status,
		  uint32_t retry_ms, int fd, const char *fmt, ...)
{
	struct tsr_kiosk_reply r = { .seq = seq, .status = status, .retry_ms = retry_ms };
	g_autofree char *text = NULL;
	va_list ap;

	va_start(ap, fmt);
	text = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	tsr_kiosk_set_string(r.message, sizeof(r.message), text);
	brk_kiosk_send(b, &r, TSR_KIOSK_REPLY, fd);
}

static void refuse(struct tsr_broker *b, uint32_t seq, enum tsr_kiosk_status status,
		   const char *name, const char *reason, const char *text)
{
	brk_audit(b, "refused", "user", b->user, "domain", name, "reason", reason, NULL);
	reply(b, seq, status, 0, -1, "%s", text);
}

void brk_session_notify(struct tsr_broker *b, enum tsr_kiosk_notify_kind kind, const char *domain,
		    const char *fmt, ...)
{
	struct tsr_kiosk_notify n = { .kind = kind };
	g_autofree char *text = NULL;
	va_list ap;

	va_start(ap, fmt);
	text = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	tsr_kiosk_set_string(n.domain, sizeof(n.domain), domain);
	tsr_kiosk_set_string(n.text, sizeof(n.text), text);
	brk_kiosk_send(b, &n, TSR_KIOSK_NOTIFY, -1);
}

bool brk_session_user_may_use(struct tsr_broker *b, const struct brk_dom *d)
{
	return b->policy && b->user && d && d->pol &&
	       tsr_policy_user_may_use(b->policy, b->user, d->name);
}

static enum tsr_kiosk_domain_state kiosk_state(struct brk_dom *d)
{
	if (!d->backend)
		return TSR_KIOSK_DOMAIN_UNAVAILABLE;
	switch (brk_dom_state(d)) {
	case TSR_DOMAIN_STOPPED:
		return TSR_KIOSK_DOMAIN_STOPPED;
	case TSR_DOMAIN_STARTING:
		return TSR_KIOSK_DOMAIN_STARTING;
	case TSR_DOMAIN_RUNNING:
		return TSR_KIOSK_DOMAIN_RUNNING;
	case TSR_DOMAIN_PAUSED:
		return TSR_KIOSK_DOMAIN_PAUSED;
	case TSR_DOMAIN_CRASHED:
		return TSR_KIOSK_DOMAIN_CRASHED;
	}
	return TSR_KIOSK_DOMAIN_UNAVAILABLE;
}

static uint8_t kiosk_accel(struct brk_dom *d)
{
	const char *accel = d->backend ? tsr_backend_accel(d->backend, d->name) : NULL;

	if (g_strcmp0(accel, "kvm") == 0)
		return TSR_KIOSK_ACCEL_KVM;
	if (g_strcmp0(accel, "tcg") == 0)
		return TSR_KIOSK_ACCEL_TCG;
	return TSR_KIOSK_ACCEL_NONE;
}

static void send_domain(struct tsr_broker *b, struct brk_dom *d, uint32_t seq)
{
	struct tsr_kiosk_domain m = { .seq = seq };

	m.state = (uint8_t)kiosk_state(d);
	m.colour = (uint8_t)d->pol->colour;
	m.disposable = d->pol->disposable;
	m.focused = g_strcmp0(b->focused, d->name) == 0;
	m.accel = kiosk_accel(d);
	tsr_kiosk_set_string(m.name, sizeof(m.name), d->name);
	tsr_kiosk_set_string(m.label, sizeof(m.label), d->pol->label ? d->pol->label : d->name);
	brk_kiosk_send(b, &m, TSR_KIOSK_DOMAIN, -1);
}

void brk_session_domain_changed(struct tsr_broker *b, struct brk_dom *d)
{
	brk_sleep_changed(b->sleep);
	if (b->session != SESSION_LOGIN && brk_session_user_may_use(b, d))
		send_domain(b, d, 0);
}

static void send_session_flags(struct tsr_broker *b, uint32_t flags)
{
	struct tsr_kiosk_session m = { .state = b->session, .flags = flags };
	const struct tsr_policy_user *u =
		b->user && b->policy ? tsr_policy_find_user(b->policy, b->user) : NULL;

	/* A laptop without pinned root keys can install no policy, so nobody could log in: the
	 * kiosk says so instead of offering a login (and offers enrolment, broker/enrol.c). */
	if (b->session == SESSION_LOGIN && !brk_enrolled(b))
		m.state = TSR_KIOSK_SESSION_NOT_ENROLLED;
	/* Booted from the image's stick: the offer to install comes first (broker/install.c). */
	if (brk_install_showing(b->install))
		m.state = TSR_KIOSK_SESSION_INSTALL;
	if (b->session != SESSION_LOGIN)
		tsr_kiosk_set_string(m.user, sizeof(m.user), b->user);
	if (b->session != SESSION_LOGIN && u && u->full_name)
		tsr_kiosk_set_string(m.full_name, sizeof(m.full_name), u->full_name);
	brk_kiosk_send(b, &m, TSR_KIOSK_SESSION, -1);
	/* What the screen of that state shows comes after it. */
	if (m.state == TSR_KIOSK_SESSION_INSTALL)
		brk_install_resend(b->install);
	else if (m.state == TSR_KIOSK_SESSION_NOT_ENROLLED)
		brk_enrol_kiosk_started(b->enrol);
}

static void send_session(struct tsr_broker *b)
{
	send_session_flags(b, 0);
}

void brk_session_resend(struct tsr_broker *b)
{
	send_session(b);
}

void brk_session_outputs_off(struct tsr_broker *b)
{
	if (b->session != SESSION_ACTIVE)
		send_session_flags(b, TSR_KIOSK_SESSION_OUTPUTS_OFF);
}

void brk_session_outputs_on(struct tsr_broker *b)
{
	if (b->session != SESSION_ACTIVE)
		send_session_flags(b, TSR_KIOSK_SESSION_OUTPUTS_ON);
}

static void send_settings(struct tsr_broker *b)
{
	struct tsr_kiosk_settings m = { 0 };
	const struct tsr_policy_kiosk *k;

	if (!b->policy)
		return;
	k = &b->policy->kiosk;
	m.idle_lock_seconds = k->idle_lock_seconds;
	m.console = k->console;
	m.locked_requires_sas = k->locked_requires_sas;
	m.blank_after_seconds = b->policy->power.blank_after_seconds;
	m.output_mode = b->policy->outputs.mode;
	tsr_kiosk_set_string(m.sas, sizeof(m.sas), k->sas);
	tsr_kiosk_set_string(m.xkb_rules, sizeof(m.xkb_rules), k->keymap.rules);
	tsr_kiosk_set_string(m.xkb_model, sizeof(m.xkb_model), k->keymap.model);
	tsr_kiosk_set_string(m.xkb_layout, sizeof(m.xkb_layout), k->keymap.layout);
	tsr_kiosk_set_string(m.xkb_variant, sizeof(m.xkb_variant), k->keymap.variant);
	tsr_kiosk_set_string(m.xkb_options, sizeof(m.xkb_options), k->keymap.options);
	tsr_kiosk_hotkeys_pack(&m.hotkeys, &k->keys);
	for (size_t i = 0; i < b->policy->outputs.n_order; i++)
		tsr_kiosk_set_string(m.output_order[i], sizeof(m.output_order[i]),
				     b->policy->outputs.order[i]);
	/* The console's link must be in the kiosk's hands before the settings that use it. */
	brk_console_offer(b, k->console);
	brk_kiosk_send(b, &m, TSR_KIOSK_SETTINGS, -1);
	brk_clipboard_send(b);
}

static void set_session(struct tsr_broker *b, enum session_state s, const char *why)
{
	bool lock_changed = (b->session == SESSION_LOCKED) != (s == SESSION_LOCKED);

	if (b->session != s) {
		brk_audit(b, "session", "state", session_names[s], "user", b->user, "reason", why,
			     NULL);
		tsr_info("session %s: %s", session_names[s], why);
	}
	if (lock_changed)
		b->lock_shown = false;
	b->session = s;
	send_session(b);
	brk_save_state(b);
	if (lock_changed && b->usb)
		brk_usb_host_lock_changed(b->usb);
}

void brk_session_send_power(struct tsr_broker *b, bool force)
{
	struct tsr_kiosk_power m = { 0 };
	struct brk_power_status st;

	if (brk_power_supply_read(b->cfg.sys_root, &st))
		brk_power_supply_text(&st, m.text, sizeof(m.text));
	if (!force && strcmp(m.text, b->power_text) == 0)
		return;
	g_strlcpy(b->power_text, m.text, sizeof(b->power_text));
	brk_kiosk_send(b, &m, TSR_KIOSK_POWER, -1);
}

void brk_session_lock(struct tsr_broker *b, const char *why)
{
	if (b->session == SESSION_ACTIVE)
		set_session(b, SESSION_LOCKED, why);
}

void brk_session_on_kiosk_start(struct tsr_broker *b)
{
	/* Every kiosk that starts is locked: a kiosk that crashed or was replaced never comes
	 * back to an open desktop. */
	if (b->session == SESSION_ACTIVE)
		set_session(b, SESSION_LOCKED, "kiosk (re)started");
	b->lock_shown = false; /* this kiosk has shown nothing yet */
	send_settings(b);
	send_session(b);
	brk_session_send_power(b, true);
}

static void lease_notice(struct tsr_broker *b)
{
	int64_t days = 0;
	enum tsr_policy_lease lease = brk_lease(b, &days);
	int64_t now = tsr_policy_state_effective_time(
		b->state_dir, tsr_clock_now_us(b->real) / G_USEC_PER_SEC);

	/* Warn in the grace period, and when the validity itself ends within 3 days. */
	if (lease == TSR_POLICY_LEASE_GRACE ||
	    (lease == TSR_POLICY_LEASE_VALID && b->policy->valid_until &&
	     b->policy->valid_until - now <= 3 * 86400))
		brk_session_notify(b, TSR_KIOSK_NOTE_POLICY_EXPIRES, NULL,
			       "%sNew logins stop in %" G_GINT64_FORMAT
			       " day(s): connect to the network so this laptop's policy can be "
			       "updated.",
			       lease == TSR_POLICY_LEASE_GRACE ? "This laptop's policy has expired. "
							       : "",
			       MAX(days, 0));
}

static void stop_foreign_domains(struct tsr_broker *b)
{
	GHashTableIter it;
	gpointer value;

	/* Another user's paused session must never be shown to this one. */
	g_hash_table_iter_init(&it, b->domains);
	while (g_hash_table_iter_next(&it, NULL, &value)) {
		struct brk_dom *d = value;
		if (d->owner && g_strcmp0(d->owner, b->user) != 0)
			brk_dom_stop(b, d, "another user logged in", NULL, NULL);
	}
}

static const char lease_text[] =
	"This laptop's policy is out of date. Connect to the network and update it "
	"(tessera-provision pull), then log in.";

static bool lease_over(struct tsr_broker *b)
{
	enum tsr_policy_lease lease = brk_lease(b, NULL);
	return lease == TSR_POLICY_LEASE_EXPIRED || lease == TSR_POLICY_LEASE_NOT_YET_VALID;
}

/* The lease binds a running session as it binds a login: once it is over (past the grace
 * days), an open session is locked with the lease message, and stays locked until a newer
 * bundle is installed. The domains keep running, as for any lock. */
bool brk_session_check_lease(struct tsr_broker *b)
{
	if (b->session != SESSION_ACTIVE || !b->policy || !lease_over(b))
		return false;
	brk_audit(b, "lease-ended", "user", b->user, "lease",
		  tsr_policy_lease_name(brk_lease(b, NULL)), NULL);
	set_session(b, SESSION_LOCKED, "lease expired");
	brk_session_notify(b, TSR_KIOSK_NOTE_POLICY_EXPIRES, NULL, "%s", lease_text);
	return true;
}

/* LOGIN and UNLOCK share the check; the password is copied from the (guarded) receive
 * buffer into a guarded secret, checked and wiped. */
/* A login or unlock whose password is being checked. By the time the answer comes the kiosk
 * may be another one, or the session state may have moved on: then it belongs to nobody. */
struct auth_req {
	struct tsr_broker *b;
	uint32_t seq;
	bool unlock;
	char *user;
	unsigned kiosk_gen;
};

static void auth_checked(enum tsr_auth_result r, int64_t retry, void *data)
{
	struct auth_req *a = data;
	struct tsr_broker *b = a->b;
	const char *user = a->user;
	bool unlock = a->unlock, known;

	if (a->kiosk_gen != brk_kiosk_link_starts(b->kiosk) || !b->policy ||
	    (unlock ? b->session != SESSION_LOCKED || g_strcmp0(b->user, user) != 0
		    : b->session != SESSION_LOGIN)) {
		brk_audit(b, unlock ? "unlock" : "login", "result", "dropped", "reason",
			  "the session changed while the password was being checked", NULL);
		goto out;
	}
	/* A name nobody has might be a password typed into the wrong field: never log it. */
	known = tsr_policy_find_user(b->policy, user) != NULL;
	brk_audit(b, unlock ? "unlock" : "login", "user", known ? user : "(unknown)", "result",
		     tsr_auth_result_name(r), NULL);
	switch (r) {
	case TSR_AUTH_OK:
		break;
	case TSR_AUTH_DENIED:
		reply(b, a->seq, TSR_KIOSK_E_DENIED, (uint32_t)(retry / 1000), -1,
		      "Wrong user name or password.");
		goto out;
	case TSR_AUTH_WAIT:
		reply(b, a->seq, TSR_KIOSK_E_WAIT, (uint32_t)((retry + 999) / 1000), -1,
		      "Too many attempts: wait a moment and try again.");
		goto out;
	case TSR_AUTH_LOCKED:
		reply(b, a->seq, TSR_KIOSK_E_LOCKED_OUT, (uint32_t)((retry + 999) / 1000), -1,
		      "Too many failed attempts: this account is locked for a while.");
		goto out;
	}
	/* The policy may have been reloaded meanwhile: the user must still be in it. */
	if (!known) {
		reply(b, a->seq, TSR_KIOSK_E_DENIED, 0, -1, "Wrong user name or password.");
		goto out;
	}
	if (!unlock) {
		g_free(b->user);
		b->user = g_strdup(user);
		stop_foreign_domains(b);
	}
	set_session(b, SESSION_ACTIVE, unlock ? "unlocked" : "logged in");
	reply(b, a->seq, TSR_KIOSK_OK, 0, -1, "Welcome.");
	if (unlock)
		brk_sleep_unlocked(b->sleep);
	lease_notice(b);
	if (!unlock)
		brk_preload_all(b, "login");
out:
	g_free(a->user);
	g_free(a);
	brk_kiosk_link_resume(b->kiosk);
}

static void handle_auth(struct tsr_broker *b, const struct tsr_kiosk_login *m, bool unlock)
{
	const char *user = unlock ? b->user : m->user;
	struct tsr_secret *pw;
	struct auth_req *a;

	if (unlock ? b->session != SESSION_LOCKED : b->session != SESSION_LOGIN) {
		reply(b, m->seq, TSR_KIOSK_E_STATE, 0, -1,
		      unlock ? "The session is not locked." : "Someone is logged in; log out first.");
		return;
	}
	if (lease_over(b)) {
		brk_audit(b, unlock ? "unlock" : "login", "result", "lease", "lease",
			  tsr_policy_lease_name(brk_lease(b, NULL)), NULL);
		reply(b, m->seq, TSR_KIOSK_E_LEASE, 0, -1, "%s",
		      b->policy ? lease_text
				: "This laptop has no policy yet. Connect to the network and "
				  "install one (tessera-provision pull).");
		return;
	}
	pw = tsr_secret_new(TSR_KIOSK_PASSWORD_MAX);
	if (!pw) {
		reply(b, m->seq, TSR_KIOSK_E_FAILED, 0, -1, "Cannot check passwords right now.");
		return;
	}
	pw->len = m->password_len;
	memcpy(pw->bytes, m->password, m->password_len);
	a = g_new0(struct auth_req, 1);
	a->b = b;
	a->seq = m->seq;
	a->unlock = unlock;
	a->user = g_strdup(user);
	a->kiosk_gen = brk_kiosk_link_starts(b->kiosk);
	/* The verification runs off the main loop; auth_checked finishes the request. */
	tsr_auth_check_async(b->auth, b->policy, user, pw, auth_checked, a);
	tsr_secret_free(pw);
}

static void handle_list(struct tsr_broker *b, uint32_t seq)
{
	for (size_t i = 0; i < b->policy->n_domains; i++) {
		struct brk_dom *d = brk_dom(b, b->policy->domains[i].name);
		if (brk_session_user_may_use(b, d))
			send_domain(b, d, seq);
	}
	reply(b, seq, TSR_KIOSK_OK, 0, -1, "%s", "");
}

/* A pick waits for the domain to run; by then the kiosk may be another one, or the session
 * over: the generation and user say whether the answer still belongs to anyone. */
struct pick {
	uint32_t seq;
	unsigned kiosk_gen;
	char *user;
};

static void pick_started(struct tsr_broker *b, const char *name, const GError *error, void *data)
{
	struct pick *p = data;
	struct brk_dom *d = brk_dom(b, name);
	g_autoptr(GError) verr = NULL;
	int fd;

	if (p->kiosk_gen != brk_kiosk_link_starts(b->kiosk) || b->session != SESSION_ACTIVE ||
	    g_strcmp0(b->user, p->user) != 0)
		goto out; /* nobody to answer: the kiosk will list domains again */
	if (error || !d) {
		reply(b, p->seq, TSR_KIOSK_E_FAILED, 0, -1, "%s could not start: %s", name,
		      error ? error->message : "it left the policy");
		goto out;
	}
	if (d->owner && g_strcmp0(d->owner, b->user) != 0) {
		refuse(b, p->seq, TSR_KIOSK_E_FORBIDDEN, name, "another user's domain",
		       "The domain is still in use by another session.");
		goto out;
	}
	g_free(d->owner);
	d->owner = g_strdup(b->user);
	d->preloaded = false;
	brk_save_state(b);
	fd = brk_viewer_spawn(b, d, &verr);
	if (fd < 0) {
		brk_audit(b, "viewer-failed", "domain", name, "reason", verr->message, NULL);
		reply(b, p->seq, TSR_KIOSK_E_FAILED, 0, -1, "The display of %s could not start: %s",
		      name, verr->message);
		goto out;
	}
	brk_audit(b, "pick", "user", b->user, "domain", name, NULL);
	reply(b, p->seq, TSR_KIOSK_OK, 0, fd, "%s", "");
	close(fd);
out:
	g_free(p->user);
	g_free(p);
}

/* What a request may touch: a domain the policy lets this user use, that no other user's
 * session holds. A domain another user picked is being stopped (or failed to stop) after a
 * user switch; until it has stopped it still shows that user's desktop. */
static struct brk_dom *usable(struct tsr_broker *b, uint32_t seq, const char *name,
			  bool may_wait_for_stop)
{
	struct brk_dom *d = brk_dom(b, name);
	g_autofree char *text = NULL;

	if (!d || !d->pol) {
		reply(b, seq, TSR_KIOSK_E_UNKNOWN, 0, -1, "There is no domain %s.", name);
		return NULL;
	}
	if (!brk_session_user_may_use(b, d)) {
		text = g_strdup_printf("You may not use %s.", name);
		refuse(b, seq, TSR_KIOSK_E_FORBIDDEN, name, "not allowed by policy", text);
		return NULL;
	}
	/* A pick may wait for such a stop: it then starts the domain afresh. */
	if (d->owner && g_strcmp0(d->owner, b->user) != 0 && !(may_wait_for_stop && d->stopping)) {
		text = g_strdup_printf("%s is still in use by another session.", name);
		refuse(b, seq, TSR_KIOSK_E_FORBIDDEN, name, "another user's domain", text);
		return NULL;
	}
	return d;
}

/* For requests that act on what is running now (view it, send devices to it): the domain must
 * be usable, running, and not on its way down. */
static struct brk_dom *usable_running(struct tsr_broker *b, uint32_t seq, const char *name)
{
	struct brk_dom *d = usable(b, seq, name, false);
	g_autofree char *text = NULL;

	if (!d)
		return NULL;
	if (d->stopping || brk_dom_state(d) != TSR_DOMAIN_RUNNING) {
		text = g_strdup_printf("%s is not running.", name);
		refuse(b, seq, TSR_KIOSK_E_STATE, name, "not running", text);
		return NULL;
	}
	return d;
}

struct stop_req {
	uint32_t seq;
	unsigned kiosk_gen;
};

static void stop_finished(struct tsr_broker *b, const char *name, const GError *error, void *data)
{
	struct stop_req *s = data;

	if (s->kiosk_gen == brk_kiosk_link_starts(b->kiosk)) {
		if (error)
			reply(b, s->seq, TSR_KIOSK_E_FAILED, 0, -1, "Stopping %s: %s", name,
			      error->message);
		else
			reply(b, s->seq, TSR_KIOSK_OK, 0, -1, "%s", "");
	}
	g_free(s);
}

static void logout_stopped(struct tsr_broker *b, const char *name, const GError *error,
			   void *data)
{
}

void brk_session_end(struct tsr_broker *b, const char *why)
{
	GHashTableIter it;
	gpointer value;

	if (!b->user)
		return;
	g_hash_table_iter_init(&it, b->domains);
	while (g_hash_table_iter_next(&it, NULL, &value)) {
		struct brk_dom *d = value;
		if (g_strcmp0(d->owner, b->user) != 0)
			continue;
		if (!d->pol || d->pol->disposable || b->cfg.logout == TSR_BROKER_LOGOUT_STOP)
			brk_dom_stop(b, d, "logout", logout_stopped, NULL);
		else
			brk_dom_pause(b, d, "logout", false);
	}
	brk_audit(b, "logout", "user", b->user, "reason", why, NULL);
	g_clear_pointer(&b->user, g_free);
	g_clear_pointer(&b->focused, g_free);
	if (b->usb)
		brk_usb_host_focus_changed(b->usb);
	set_session(b, SESSION_LOGIN, why);
}

void brk_session_handle(struct tsr_broker *b, const void *msg, size_t len)
{
	const struct tsr_frame_header *h = msg;
	const struct tsr_kiosk_request *rq = msg;
	const struct tsr_kiosk_domain_request *dr = msg;
	struct brk_dom *d;

	switch (h->type) {
	case TSR_KIOSK_LOGIN:
	case TSR_KIOSK_UNLOCK:
		if (brk_install_showing(b->install)) {
			reply(b, rq->seq, TSR_KIOSK_E_STATE, 0, -1,
			      "Answer the offer to install this laptop first.");
			return;
		}
		if (!brk_enrolled(b)) {
			brk_audit(b, h->type == TSR_KIOSK_UNLOCK ? "unlock" : "login", "result",
				  "not-enrolled", NULL);
			reply(b, rq->seq, TSR_KIOSK_E_STATE, 0, -1,
			      "This laptop is not enrolled: nobody can log in until it is.");
			return;
		}
		if (!b->policy) {
			reply(b, rq->seq, TSR_KIOSK_E_LEASE, 0, -1,
			      "This laptop has no policy yet. Connect to the network and install "
			      "one (tessera-provision pull).");
			return;
		}
		handle_auth(b, msg, h->type == TSR_KIOSK_UNLOCK);
		return;
	case TSR_KIOSK_ENROL_ANSWER: {
		g_autofree char *text = NULL;
		/* The enrolment offer is not on screen while the install offer is. */
		enum tsr_kiosk_status st =
			brk_install_showing(b->install)
				? (text = g_strdup("No enrolment disk is on screen."), TSR_KIOSK_E_STATE)
				: brk_enrol_answer(b->enrol, msg, &text);
		reply(b, rq->seq, st, 0, -1, "%s", text ? text : "");
		return;
	}
	case TSR_KIOSK_INSTALL_ANSWER: {
		g_autofree char *text = NULL;
		enum tsr_kiosk_status st = brk_install_answer(b->install, msg, &text);
		reply(b, rq->seq, st, 0, -1, "%s", text ? text : "");
		return;
	}
	case TSR_KIOSK_CLIPBOARD_AUDIT: {
		/* Also while locked or logged out: locking and logging out empty the clipboard,
		 * and that is reported after the fact. */
		const char *text = "";
		enum tsr_kiosk_status st = brk_clipboard_report(b, msg, &text);
		reply(b, rq->seq, st, 0, -1, "%s", text);
		return;
	}
	case TSR_KIOSK_BRIGHTNESS: {
		/* A key on the laptop, in any session state (the lock screen too). */
		const struct tsr_kiosk_brightness *m = msg;
		g_autoptr(GError) e = NULL;
		long now = 0;
		if (!brk_backlight_step(b->cfg.sys_root, m->step, &now, &e)) {
			tsr_info("brightness key: %s", e->message);
			reply(b, m->seq, TSR_KIOSK_E_FAILED, 0, -1, "This laptop has no backlight "
			      "the brightness keys can set.");
			return;
		}
		tsr_info("brightness key: backlight now %ld", now);
		reply(b, m->seq, TSR_KIOSK_OK, 0, -1, "%s", "");
		return;
	}
	case TSR_KIOSK_LOCK_SHOWN:
		/* Only a locked session's lock screen counts: a suspend waits for it. */
		if (b->session == SESSION_LOCKED && !b->lock_shown) {
			b->lock_shown = true;
			tsr_info("kiosk: the lock screen is on the outputs");
			brk_sleep_changed(b->sleep);
		}
		reply(b, rq->seq, TSR_KIOSK_OK, 0, -1, "%s", "");
		return;
	default:
		break;
	}
	if (brk_session_check_lease(b)) {
		reply(b, rq->seq, TSR_KIOSK_E_LEASE, 0, -1, "%s", lease_text);
		return;
	}
	/* Everything else needs an unlocked session. */
	if (b->session != SESSION_ACTIVE || !b->policy) {
		reply(b, rq->seq, TSR_KIOSK_E_STATE, 0, -1, "Log in or unlock first.");
		return;
	}
	switch (h->type) {
	case TSR_KIOSK_LIST:
		handle_list(b, rq->seq);
		return;
	case TSR_KIOSK_LOGOUT:
		brk_session_end(b, "logged out");
		reply(b, rq->seq, TSR_KIOSK_OK, 0, -1, "%s", "");
		return;
	case TSR_KIOSK_LOCK:
		set_session(b, SESSION_LOCKED, "locked by the user");
		reply(b, rq->seq, TSR_KIOSK_OK, 0, -1, "%s", "");
		return;
	case TSR_KIOSK_PICK: {
		struct pick *p;
		if (!(d = usable(b, dr->seq, dr->domain, true)))
			return;
		p = g_new0(struct pick, 1);
		p->seq = dr->seq;
		p->kiosk_gen = brk_kiosk_link_starts(b->kiosk);
		p->user = g_strdup(b->user);
		brk_dom_start(b, d, b->user, pick_started, p);
		return;
	}
	case TSR_KIOSK_RESTART_VIEWER: {
		struct pick *p;
		if (!(d = usable_running(b, dr->seq, dr->domain)))
			return;
		p = g_new0(struct pick, 1);
		p->seq = dr->seq;
		p->kiosk_gen = brk_kiosk_link_starts(b->kiosk);
		p->user = g_strdup(b->user);
		pick_started(b, d->name, NULL, p);
		return;
	}
	case TSR_KIOSK_STOP: {
		struct stop_req *s;
		if (!(d = usable(b, dr->seq, dr->domain, false)))
			return;
		s = g_new0(struct stop_req, 1);
		s->seq = dr->seq;
		s->kiosk_gen = brk_kiosk_link_starts(b->kiosk);
		brk_dom_stop(b, d, b->user, stop_finished, s);
		return;
	}
	case TSR_KIOSK_FOCUS:
		if (dr->domain[0] && !usable_running(b, dr->seq, dr->domain))
			return;
		g_free(b->focused);
		b->focused = dr->domain[0] ? g_strdup(dr->domain) : NULL;
		brk_audit(b, "focus", "user", b->user, "domain", b->focused ? b->focused : "",
			     NULL);
		if (b->usb)
			brk_usb_host_focus_changed(b->usb);
		reply(b, dr->seq, TSR_KIOSK_OK, 0, -1, "%s", "");
		return;
	default:
		reply(b, rq->seq, TSR_KIOSK_E_PROTOCOL, 0, -1, "Unexpected request.");
		return;
	}
}
