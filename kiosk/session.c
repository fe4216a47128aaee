/* kiosk/session.c: the kiosk's session state machine and its half of the broker protocol.
 *
 * Why it looks like this: every decision about what a key or click may do depends on the state
 * and on policy, and must be testable without a screen or devices, so this file only keeps
 * state, sends requests and calls hooks (kiosk/session.h has the rules). */
#include "config.h"
#include "kiosk/session.h"

#include "common/fdpass.h"
#include "common/frame.h"
#include "common/log.h"
#include "policy/policy.h"

#include <errno.h>
#include <glib.h>
#include <glib-unix.h>
#include <linux/input-event-codes.h>
#include <string.h>
#include <unistd.h>

#define USER_MAX (TSR_KIOSK_NAME_SIZE - 1)
#define MAX_PENDING 32

struct pending {
	uint32_t seq;
	uint16_t type;
	char domain[TSR_KIOSK_NAME_SIZE];
};

struct note {
	char text[TSR_KIOSK_TEXT_SIZE + TSR_KIOSK_NAME_SIZE + 4];
	int64_t until_us;
};

struct tsr_session {
	int fd;
	struct tsr_clock *clock;
	struct tsr_session_hooks hooks;
	void *data;
	bool lost;
	bool heard_broker;

	char organization[TSR_KIOSK_LABEL_SIZE];
	bool have_lease;
	int lease;
	int64_t lease_days;

	/* policy settings */
	bool requires_sas;
	uint32_t idle_lock_s;
	int console_rights;
	char sas[TSR_KIOSK_KEYS_SIZE];

	enum tsr_kiosk_screen screen;
	enum tsr_kiosk_session_state broker_state;
	char user[TSR_KIOSK_NAME_SIZE];
	char full_name[TSR_KIOSK_LABEL_SIZE];

	/* login / unlock entry */
	char typed_user[USER_MAX + 1];
	uint8_t password[TSR_KIOSK_PASSWORD_MAX];
	size_t password_len;
	size_t password_chars;
	int field;
	bool busy;
	int64_t retry_until_us;
	char message[TSR_KIOSK_TEXT_SIZE + 64];
	bool message_error;

	struct tsr_kiosk_domain_info domains[TSR_KIOSK_SESSION_MAX_DOMAINS];
	size_t n_domains;
	uint32_t list_seq;
	bool list_seen[TSR_KIOSK_SESSION_MAX_DOMAINS];
	size_t selected;
	bool confirm_logout;  /* Enter on "Log out" asked "really?"; the next Enter logs out */
	unsigned shown_counter;
	char focus[TSR_KIOSK_NAME_SIZE];
	enum tsr_layout layout;

	struct note notes[TSR_KIOSK_SESSION_MAX_NOTES];
	size_t n_notes;
	char standing[TSR_KIOSK_TEXT_SIZE];

	int64_t last_activity_us;
	uint32_t next_seq;
	struct pending pending[MAX_PENDING];
	size_t n_pending;
};

static const char *const screen_names[] = { "locked", "login", "picker", "desktop", "lock",
					    "unlock" };

const char *tsr_kiosk_screen_name(enum tsr_kiosk_screen screen)
{
	return (unsigned)screen < G_N_ELEMENTS(screen_names) ? screen_names[screen] : "?";
}

static int64_t now(const struct tsr_session *s)
{
	return tsr_clock_now_us(s->clock);
}

static void changed(struct tsr_session *s)
{
	if (s->hooks.changed)
		s->hooks.changed(s->data);
}

static void set_message(struct tsr_session *s, bool error, const char *fmt, ...)
	G_GNUC_PRINTF(3, 4);
static void set_message(struct tsr_session *s, bool error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	g_vsnprintf(s->message, sizeof(s->message), fmt, ap);
	va_end(ap);
	s->message_error = error;
}

static void clear_message(struct tsr_session *s)
{
	s->message[0] = 0;
	s->message_error = false;
}

static void wipe_password(struct tsr_session *s)
{
	explicit_bzero(s->password, sizeof(s->password));
	s->password_len = 0;
	s->password_chars = 0;
}

static void lost(struct tsr_session *s, const char *why)
{
	if (s->lost)
		return;
	s->lost = true;
	tsr_err("broker link: %s", why);
	if (s->hooks.broker_lost)
		s->hooks.broker_lost(s->data, why);
}

/* Send a request; returns its seq, or 0 when the link is gone. */
static uint32_t send_request(struct tsr_session *s, void *msg, uint16_t type,
			     const char *domain)
{
	uint32_t seq;

	if (s->lost)
		return 0;
	if (s->n_pending == MAX_PENDING) {
		lost(s, "the broker does not answer (too many requests pending)");
		return 0;
	}
	seq = s->next_seq++;
	if (s->next_seq == 0)
		s->next_seq = 1;
	/* Every request struct has seq right after the header. */
	memcpy((uint8_t *)msg + sizeof(struct tsr_frame_header), &seq, sizeof(seq));
	if (tsr_frame_send(s->fd, msg, tsr_kiosk_msg_size(type), type, TSR_KIOSK_PROTO_VERSION,
			   NULL, 0) < 0) {
		g_autofree char *why = g_strdup_printf("cannot send to the broker: %s",
						       g_strerror(errno));
		lost(s, why);
		return 0;
	}
	s->pending[s->n_pending].seq = seq;
	s->pending[s->n_pending].type = type;
	tsr_kiosk_set_string(s->pending[s->n_pending].domain, TSR_KIOSK_NAME_SIZE, domain);
	s->n_pending++;
	return seq;
}

static uint32_t send_simple(struct tsr_session *s, uint16_t type)
{
	struct tsr_kiosk_request r = { 0 };

	return send_request(s, &r, type, NULL);
}

static uint32_t send_domain_request(struct tsr_session *s, uint16_t type, const char *name)
{
	struct tsr_kiosk_domain_request r = { 0 };

	tsr_kiosk_set_string(r.domain, sizeof(r.domain), name);
	return send_request(s, &r, type, name);
}

static struct tsr_kiosk_domain_info *find(struct tsr_session *s, const char *name)
{
	for (size_t i = 0; i < s->n_domains; i++)
		if (strcmp(s->domains[i].name, name) == 0)
			return &s->domains[i];
	return NULL;
}

static size_t n_shown(const struct tsr_session *s)
{
	size_t n = 0;

	for (size_t i = 0; i < s->n_domains; i++)
		n += s->domains[i].shown;
	return n;
}

static void set_focus(struct tsr_session *s, const char *name)
{
	if (strcmp(s->focus, name ? name : "") == 0)
		return;
	tsr_kiosk_set_string(s->focus, sizeof(s->focus), name);
	if (s->broker_state == TSR_KIOSK_SESSION_ACTIVE)
		send_domain_request(s, TSR_KIOSK_FOCUS, s->focus);
}

static void hide(struct tsr_session *s, struct tsr_kiosk_domain_info *d)
{
	if (!d->shown && !d->waiting_frame)
		return;
	d->shown = false;
	d->waiting_frame = false;
	if (s->hooks.hide)
		s->hooks.hide(s->data, d->name);
	if (strcmp(s->focus, d->name) == 0) {
		/* Focus the next domain still shown, if any. */
		const char *next = NULL;
		for (size_t i = 0; i < s->n_domains && !next; i++)
			if (s->domains[i].shown && !s->domains[i].waiting_frame)
				next = s->domains[i].name;
		set_focus(s, next);
	}
	if (s->screen == TSR_KIOSK_SCREEN_DESKTOP && !s->focus[0])
		s->screen = TSR_KIOSK_SCREEN_PICKER;
}

static void hide_all(struct tsr_session *s)
{
	for (size_t i = 0; i < s->n_domains; i++)
		hide(s, &s->domains[i]);
	s->focus[0] = 0;
}

static void reset_entry(struct tsr_session *s)
{
	wipe_password(s);
	s->typed_user[0] = 0;
	s->field = 0;
	s->busy = false;
	clear_message(s);
}

static void show_lease_warning(struct tsr_session *s)
{
	g_autofree char *text = NULL;

	if (s->have_lease)
		text = tsr_policy_lease_message((enum tsr_policy_lease)s->lease, s->lease_days);
	if (text)
		set_message(s, false, "%s", text);
}

/* The screen for "nobody logged in". */
static void to_logged_out(struct tsr_session *s)
{
	reset_entry(s);
	s->screen = s->requires_sas ? TSR_KIOSK_SCREEN_LOCKED : TSR_KIOSK_SCREEN_LOGIN;
	if (s->screen == TSR_KIOSK_SCREEN_LOGIN)
		show_lease_warning(s);
}

static void to_locked(struct tsr_session *s)
{
	wipe_password(s);
	s->busy = false;
	clear_message(s);
	s->screen = s->requires_sas ? TSR_KIOSK_SCREEN_LOCK : TSR_KIOSK_SCREEN_UNLOCK;
	s->field = 1;
}

static void lock_now(struct tsr_session *s, const char *why)
{
	if (s->screen != TSR_KIOSK_SCREEN_PICKER && s->screen != TSR_KIOSK_SCREEN_DESKTOP)
		return;
	tsr_info("locking the session: %s", why);
	to_locked(s);
	if (s->broker_state == TSR_KIOSK_SESSION_ACTIVE)
		send_simple(s, TSR_KIOSK_LOCK);
	changed(s);
}

/* --- notifications -------------------------------------------------------------------------- */

static void add_note(struct tsr_session *s, const char *domain, const char *text)
{
	struct note *n;

	if (s->n_notes == TSR_KIOSK_SESSION_MAX_NOTES) {
		memmove(&s->notes[0], &s->notes[1], sizeof(s->notes[0]) * (s->n_notes - 1));
		s->n_notes--;
	}
	n = &s->notes[s->n_notes++];
	if (domain && domain[0] && !g_str_has_prefix(text, domain))
		g_snprintf(n->text, sizeof(n->text), "%s: %s", domain, text);
	else
		g_snprintf(n->text, sizeof(n->text), "%s", text);
	n->until_us = now(s) + TSR_KIOSK_NOTE_US;
}

void tsr_session_notify_local(struct tsr_session *s, const char *text)
{
	add_note(s, NULL, text);
	changed(s);
}

const char *tsr_session_notification(const struct tsr_session *s)
{
	int64_t t = now(s);

	for (size_t i = s->n_notes; i-- > 0;)
		if (s->notes[i].until_us > t)
			return s->notes[i].text;
	return s->standing[0] ? s->standing : NULL;
}

void tsr_session_set_standing_note(struct tsr_session *s, const char *text)
{
	if (strcmp(s->standing, text ? text : "") == 0)
		return;
	g_strlcpy(s->standing, text ? text : "", sizeof(s->standing));
	changed(s);
}

/* --- broker messages ------------------------------------------------------------------------ */

static void on_settings(struct tsr_session *s, const struct tsr_kiosk_settings *m)
{
	bool was = s->requires_sas;

	s->requires_sas = m->locked_requires_sas != 0;
	s->idle_lock_s = m->idle_lock_seconds;
	s->console_rights = (int)m->console;
	if (m->sas[0])
		g_strlcpy(s->sas, m->sas, sizeof(s->sas));
	if (s->hooks.settings)
		s->hooks.settings(s->data, m);
	/* Policy turned the SAS requirement off (or on): the waiting screens follow. */
	if (was != s->requires_sas) {
		if (s->screen == TSR_KIOSK_SCREEN_LOCKED && !s->requires_sas)
			to_logged_out(s);
		else if (s->screen == TSR_KIOSK_SCREEN_LOCK && !s->requires_sas)
			to_locked(s);
	}
	changed(s);
}

static void on_session(struct tsr_session *s, const struct tsr_kiosk_session *m)
{
	enum tsr_kiosk_session_state old = s->broker_state;
	bool first = !s->heard_broker;

	s->heard_broker = true;
	s->broker_state = (enum tsr_kiosk_session_state)m->state;
	switch (m->state) {
	case TSR_KIOSK_SESSION_LOGIN:
		hide_all(s);
		s->n_domains = 0;
		/* The next user starts on the first tile, not on the last one's "Log out". */
		s->selected = 0;
		s->confirm_logout = false;
		s->user[0] = s->full_name[0] = 0;
		if (first || old != TSR_KIOSK_SESSION_LOGIN ||
		    (s->screen != TSR_KIOSK_SCREEN_LOCKED && s->screen != TSR_KIOSK_SCREEN_LOGIN))
			to_logged_out(s);
		break;
	case TSR_KIOSK_SESSION_LOCKED:
		g_strlcpy(s->user, m->user, sizeof(s->user));
		g_strlcpy(s->full_name, m->full_name, sizeof(s->full_name));
		if (s->screen != TSR_KIOSK_SCREEN_LOCK && s->screen != TSR_KIOSK_SCREEN_UNLOCK)
			to_locked(s);
		break;
	case TSR_KIOSK_SESSION_ACTIVE:
		g_strlcpy(s->user, m->user, sizeof(s->user));
		g_strlcpy(s->full_name, m->full_name, sizeof(s->full_name));
		wipe_password(s);
		s->typed_user[0] = 0;
		s->busy = false;
		clear_message(s);
		s->last_activity_us = now(s);
		if (s->screen != TSR_KIOSK_SCREEN_PICKER && s->screen != TSR_KIOSK_SCREEN_DESKTOP)
			s->screen = s->focus[0] ? TSR_KIOSK_SCREEN_DESKTOP : TSR_KIOSK_SCREEN_PICKER;
		if (old != TSR_KIOSK_SESSION_ACTIVE)
			s->list_seq = send_simple(s, TSR_KIOSK_LIST);
		break;
	}
	changed(s);
}

static void on_domain(struct tsr_session *s, const struct tsr_kiosk_domain *m)
{
	struct tsr_kiosk_domain_info *d = find(s, m->name);
	bool was_crashed;

	if (s->broker_state == TSR_KIOSK_SESSION_LOGIN)
		return; /* belongs to a session that is over */
	if (!d) {
		if (s->n_domains == TSR_KIOSK_SESSION_MAX_DOMAINS) {
			tsr_warn("more than %d domains: %s is not shown in the picker",
				 TSR_KIOSK_SESSION_MAX_DOMAINS, m->name);
			return;
		}
		d = &s->domains[s->n_domains++];
		memset(d, 0, sizeof(*d));
		g_strlcpy(d->name, m->name, sizeof(d->name));
		d->state = TSR_KIOSK_DOMAIN_STOPPED;
	}
	if (m->seq && m->seq == s->list_seq)
		s->list_seen[d - s->domains] = true;
	g_strlcpy(d->label, m->label[0] ? m->label : m->name, sizeof(d->label));
	d->colour = tsr_color_valid((enum tsr_color)m->colour) ? (enum tsr_color)m->colour
							       : TSR_COLOR_GRAY;
	d->disposable = m->disposable != 0;
	d->accel = m->accel <= TSR_KIOSK_ACCEL_TCG ? (enum tsr_kiosk_accel)m->accel
						   : TSR_KIOSK_ACCEL_NONE;
	was_crashed = d->state == TSR_KIOSK_DOMAIN_CRASHED;
	d->state = m->state <= TSR_KIOSK_DOMAIN_UNAVAILABLE ? (enum tsr_kiosk_domain_state)m->state
							    : TSR_KIOSK_DOMAIN_UNAVAILABLE;
	if (d->state == TSR_KIOSK_DOMAIN_STOPPED || d->state == TSR_KIOSK_DOMAIN_CRASHED ||
	    d->state == TSR_KIOSK_DOMAIN_UNAVAILABLE || d->state == TSR_KIOSK_DOMAIN_PAUSED)
		hide(s, d);
	if (d->state == TSR_KIOSK_DOMAIN_CRASHED && !was_crashed && m->seq == 0)
		add_note(s, d->label, "crashed");
	changed(s);
}

static void on_notify(struct tsr_session *s, const struct tsr_kiosk_notify *m)
{
	const struct tsr_kiosk_domain_info *d = m->domain[0] ? find(s, m->domain) : NULL;

	add_note(s, d ? d->label : m->domain, m->text);
	changed(s);
}

static const char *status_text(uint32_t status)
{
	switch (status) {
	case TSR_KIOSK_E_DENIED:
		return "Wrong user name or password.";
	case TSR_KIOSK_E_WAIT:
		return "Too many attempts: wait a moment and try again.";
	case TSR_KIOSK_E_LOCKED_OUT:
		return "Too many failed attempts: this account is locked for a while.";
	case TSR_KIOSK_E_STATE:
		return "That is not possible now.";
	case TSR_KIOSK_E_FORBIDDEN:
		return "You may not use that domain.";
	case TSR_KIOSK_E_UNKNOWN:
		return "There is no such domain.";
	case TSR_KIOSK_E_FAILED:
		return "That did not work.";
	case TSR_KIOSK_E_LEASE:
		return "This laptop's policy is out of date: connect to the network and update it.";
	default:
		return "The broker refused.";
	}
}

static void on_auth_reply(struct tsr_session *s, const struct tsr_kiosk_reply *m)
{
	const char *text = m->message[0] ? m->message : status_text(m->status);
	g_autofree char *lease = NULL;

	s->busy = false;
	if (m->status == TSR_KIOSK_OK) {
		clear_message(s);
		return; /* the SESSION message that came first moved the screen */
	}
	wipe_password(s);
	s->field = 1;
	switch (m->status) {
	case TSR_KIOSK_E_WAIT:
	case TSR_KIOSK_E_LOCKED_OUT:
		s->retry_until_us = now(s) + (int64_t)m->retry_ms * 1000;
		if (m->retry_ms >= 1000)
			set_message(s, true, "%s (%u s)", text, (unsigned)((m->retry_ms + 999) / 1000));
		else
			set_message(s, true, "%s", text);
		break;
	case TSR_KIOSK_E_LEASE:
		if (s->have_lease)
			lease = tsr_policy_lease_message((enum tsr_policy_lease)s->lease, s->lease_days);
		set_message(s, true, "%s", lease ? lease : text);
		break;
	case TSR_KIOSK_E_STATE:
		/* The broker's state is not ours: it sends SESSION to put us right. */
		set_message(s, true, "%s", text);
		break;
	default:
		set_message(s, true, "%s", text);
		break;
	}
}

static void on_pick_reply(struct tsr_session *s, const struct pending *p,
			  const struct tsr_kiosk_reply *m, int fd)
{
	struct tsr_kiosk_domain_info *d = find(s, p->domain);

	if (d)
		d->pick_pending = false;
	if (m->status != TSR_KIOSK_OK || fd < 0 || !d || s->broker_state != TSR_KIOSK_SESSION_ACTIVE) {
		if (fd >= 0)
			close(fd);
		if (m->status == TSR_KIOSK_OK)
			set_message(s, true, "%s could not be shown now.", d ? d->label : p->domain);
		else
			set_message(s, true, "%s", m->message[0] ? m->message : status_text(m->status));
		return;
	}
	if (n_shown(s) >= TSR_KIOSK_SESSION_MAX_SHOWN && !d->shown) {
		close(fd);
		set_message(s, true, "At most %d domains can be shown at once.",
			    TSR_KIOSK_SESSION_MAX_SHOWN);
		return;
	}
	if (d->shown && s->hooks.hide)
		s->hooks.hide(s->data, d->name); /* a new viewer replaces the old one */
	d->shown = true;
	d->waiting_frame = true;
	d->frame_ready = d->own_frame = false;
	d->shown_us = now(s);
	d->shown_order = ++s->shown_counter;
	if (s->hooks.viewer)
		s->hooks.viewer(s->data, d->name, fd);
	else
		close(fd);
}

static void on_reply(struct tsr_session *s, const struct tsr_kiosk_reply *m, int fd)
{
	struct pending p;
	size_t i;

	for (i = 0; i < s->n_pending && s->pending[i].seq != m->seq; i++)
		;
	if (i == s->n_pending) {
		if (fd >= 0)
			close(fd);
		lost(s, "a reply to no request");
		return;
	}
	p = s->pending[i];
	memmove(&s->pending[i], &s->pending[i + 1], sizeof(p) * (s->n_pending - i - 1));
	s->n_pending--;
	if (fd >= 0 && p.type != TSR_KIOSK_PICK && p.type != TSR_KIOSK_RESTART_VIEWER) {
		close(fd);
		lost(s, "an fd on a reply that carries none");
		return;
	}
	switch (p.type) {
	case TSR_KIOSK_LOGIN:
	case TSR_KIOSK_UNLOCK:
		on_auth_reply(s, m);
		break;
	case TSR_KIOSK_PICK:
	case TSR_KIOSK_RESTART_VIEWER:
		on_pick_reply(s, &p, m, fd);
		break;
	case TSR_KIOSK_LIST:
		if (m->seq == s->list_seq && m->status == TSR_KIOSK_OK) {
			/* Forget domains the user may no longer see. */
			size_t w = 0;
			for (size_t r = 0; r < s->n_domains; r++) {
				if (!s->list_seen[r]) {
					hide(s, &s->domains[r]);
					continue;
				}
				s->domains[w++] = s->domains[r];
			}
			s->n_domains = w;
			memset(s->list_seen, 0, sizeof(s->list_seen));
			s->list_seq = 0;
			if (s->selected > s->n_domains)
				s->selected = 0;
		} else if (m->seq == s->list_seq) {
			/* Refused (e.g. locked meanwhile): keep what is known, stop "loading". */
			memset(s->list_seen, 0, sizeof(s->list_seen));
			s->list_seq = 0;
		}
		break;
	case TSR_KIOSK_STOP:
	case TSR_KIOSK_LOCK:
	case TSR_KIOSK_LOGOUT:
	case TSR_KIOSK_FOCUS:
		if (m->status != TSR_KIOSK_OK) {
			tsr_warn("broker refused request %u: %s", p.type,
				 m->message[0] ? m->message : status_text(m->status));
			if (p.type == TSR_KIOSK_STOP)
				set_message(s, true, "%s",
					    m->message[0] ? m->message : status_text(m->status));
		}
		break;
	}
	changed(s);
}

static void handle(struct tsr_session *s, const void *buf, size_t len, int fd)
{
	const struct tsr_frame_header *h = buf;
	const char *why = NULL;

	if (tsr_kiosk_msg_check(buf, len, &why) < 0 || tsr_kiosk_is_request(h->type)) {
		g_autofree char *text = g_strdup_printf("bad message from the broker: %s",
							why ? why : "a request");
		if (fd >= 0)
			close(fd);
		lost(s, text);
		return;
	}
	if (h->type == TSR_KIOSK_DEVICE) {
		const struct tsr_kiosk_device *m = buf;
		/* An added device comes with its fd, a removed one without. */
		if ((m->action == TSR_KIOSK_DEVICE_ADD) != (fd >= 0)) {
			if (fd >= 0)
				close(fd);
			lost(s, "a device message without its fd, or with one it must not carry");
			return;
		}
		if (s->hooks.device)
			s->hooks.device(s->data, m, fd);
		else if (fd >= 0)
			close(fd);
		return;
	}
	if (fd >= 0 && h->type != TSR_KIOSK_REPLY) {
		close(fd);
		lost(s, "an fd on a message that carries none");
		return;
	}
	switch (h->type) {
	case TSR_KIOSK_REPLY:
		on_reply(s, buf, fd);
		break;
	case TSR_KIOSK_DOMAIN:
		on_domain(s, buf);
		break;
	case TSR_KIOSK_NOTIFY:
		on_notify(s, buf);
		break;
	case TSR_KIOSK_SESSION:
		on_session(s, buf);
		break;
	case TSR_KIOSK_SETTINGS:
		on_settings(s, buf);
		break;
	default:
		lost(s, "a message type the kiosk does not know");
		break;
	}
}

int tsr_session_dispatch(struct tsr_session *s)
{
	uint8_t buf[TSR_KIOSK_MSG_MAX];

	while (!s->lost) {
		int fds[TSR_FDPASS_MAX] = { -1 };
		size_t nfds = 0;
		ssize_t n = tsr_frame_recv(s->fd, buf, sizeof(buf), TSR_KIOSK_PROTO_VERSION, fds,
					   1, &nfds);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;
		if (n == 0) {
			lost(s, "the broker closed the link");
			break;
		}
		if (n < 0) {
			g_autofree char *why = g_strdup_printf("bad message from the broker: %s",
							       g_strerror(errno));
			lost(s, why);
			break;
		}
		handle(s, buf, (size_t)n, nfds ? fds[0] : -1);
	}
	return -1;
}

/* --- input ---------------------------------------------------------------------------------- */

static bool console_may_enter(const struct tsr_session *s, enum tsr_kiosk_origin origin)
{
	return origin == TSR_KIOSK_ORIGIN_LOCAL || s->console_rights == TSR_POLICY_CONSOLE_FULL;
}

static bool console_may_operate(const struct tsr_session *s, enum tsr_kiosk_origin origin)
{
	return origin == TSR_KIOSK_ORIGIN_LOCAL || s->console_rights == TSR_POLICY_CONSOLE_FULL ||
	       s->console_rights == TSR_POLICY_CONSOLE_OPERATE;
}

static bool submit(struct tsr_session *s)
{
	struct tsr_kiosk_login m;
	bool unlock = s->screen == TSR_KIOSK_SCREEN_UNLOCK;

	if (!unlock && !s->typed_user[0]) {
		s->field = 0;
		set_message(s, true, "Type your user name first.");
		return true;
	}
	if (now(s) < s->retry_until_us) {
		int64_t left = (s->retry_until_us - now(s) + 999999) / 1000000;
		set_message(s, true, "Wait %" G_GINT64_FORMAT " s before trying again.", left);
		return true;
	}
	memset(&m, 0, sizeof(m));
	if (!unlock)
		tsr_kiosk_set_string(m.user, sizeof(m.user), s->typed_user);
	m.password_len = (uint32_t)s->password_len;
	memcpy(m.password, s->password, s->password_len);
	wipe_password(s);
	if (send_request(s, &m, unlock ? TSR_KIOSK_UNLOCK : TSR_KIOSK_LOGIN, NULL))
		s->busy = true;
	explicit_bzero(&m, sizeof(m));
	set_message(s, false, "Checking…");
	return true;
}

static void backspace(char *text)
{
	size_t n = strlen(text);
	const char *start = text;

	if (n == 0)
		return;
	const char *prev = g_utf8_find_prev_char(start, start + n);
	n = prev ? (size_t)(prev - start) : 0;
	text[n] = 0;
}

static bool entry_key(struct tsr_session *s, const struct tsr_input_kiosk_key *key)
{
	bool login = s->screen == TSR_KIOSK_SCREEN_LOGIN;

	if (s->busy)
		return false;
	switch (key->code) {
	case KEY_ENTER:
	case KEY_KPENTER:
		if (login && s->field == 0) {
			s->field = 1;
			return true;
		}
		return submit(s);
	case KEY_TAB:
	case KEY_UP:
	case KEY_DOWN:
		if (login)
			s->field = !s->field;
		return login;
	case KEY_ESC:
		if (login) {
			to_logged_out(s);
		} else {
			wipe_password(s);
			clear_message(s);
			if (s->requires_sas)
				s->screen = TSR_KIOSK_SCREEN_LOCK;
		}
		return true;
	case KEY_BACKSPACE:
		if (login && s->field == 0) {
			backspace(s->typed_user);
		} else if (s->password_len) {
			/* Remove one whole UTF-8 character: step back over continuation bytes. */
			size_t n = s->password_len - 1;
			while (n > 0 && (s->password[n] & 0xc0) == 0x80)
				n--;
			explicit_bzero(s->password + n, s->password_len - n);
			s->password_len = n;
			s->password_chars--;
		}
		return true;
	default:
		break;
	}
	size_t add = strlen(key->utf8);
	if (!add || (unsigned char)key->utf8[0] < 0x20 || key->utf8[0] == 0x7f)
		return false;
	if (login && s->field == 0) {
		size_t have = strlen(s->typed_user);
		if (have + add > USER_MAX) {
			set_message(s, true, "User names are at most %d characters.", USER_MAX);
			return true;
		}
		memcpy(s->typed_user + have, key->utf8, add + 1);
	} else {
		if (s->password_len + add > TSR_KIOSK_PASSWORD_MAX) {
			set_message(s, true, "Passwords are at most %d bytes.", TSR_KIOSK_PASSWORD_MAX);
			return true;
		}
		memcpy(s->password + s->password_len, key->utf8, add);
		s->password_len += add;
		s->password_chars++;
	}
	return true;
}

static bool picker_key(struct tsr_session *s, const struct tsr_input_kiosk_key *key,
		       enum tsr_kiosk_origin origin)
{
	size_t n = s->n_domains + 1; /* + Log out */
	bool confirming = s->confirm_logout;

	if (key->code != KEY_ENTER && key->code != KEY_KPENTER && key->code != KEY_SPACE &&
	    confirming) {
		/* Anything but Enter withdraws the question. */
		s->confirm_logout = false;
		clear_message(s);
		if (key->code == KEY_ESC)
			return true;
	}
	switch (key->code) {
	case KEY_LEFT:
	case KEY_UP:
		/* No wrap: Left on the first tile must not land on "Log out" unseen. */
		if (s->selected > 0)
			s->selected--;
		return true;
	case KEY_RIGHT:
	case KEY_DOWN:
		if (s->selected + 1 < n)
			s->selected++;
		return true;
	case KEY_TAB:
		s->selected = (s->selected + 1) % n;
		return true;
	case KEY_ENTER:
	case KEY_KPENTER:
	case KEY_SPACE:
		return tsr_session_activate(s, s->selected, origin);
	case KEY_ESC:
		if (!s->focus[0])
			return false;
		s->screen = TSR_KIOSK_SCREEN_DESKTOP;
		clear_message(s);
		return true;
	case KEY_DELETE:
		if (s->selected < s->n_domains) {
			struct tsr_kiosk_domain_info *d = &s->domains[s->selected];
			if (d->state == TSR_KIOSK_DOMAIN_STOPPED || d->pick_pending)
				return false;
			send_domain_request(s, TSR_KIOSK_STOP, d->name);
			set_message(s, false, "Stopping %s…", d->label);
			return true;
		}
		return false;
	default:
		return false;
	}
}

bool tsr_session_key(struct tsr_session *s, const struct tsr_input_kiosk_key *key,
			   enum tsr_kiosk_origin origin)
{
	bool done = false;

	if (s->lost || key->state == TSR_INPUT_KEY_UP || !console_may_enter(s, origin))
		return false;
	switch (s->screen) {
	case TSR_KIOSK_SCREEN_LOCKED:
	case TSR_KIOSK_SCREEN_LOCK:
	case TSR_KIOSK_SCREEN_DESKTOP:
		/* No text here: a password typed before the SAS is lost, not kept. */
		return false;
	case TSR_KIOSK_SCREEN_LOGIN:
	case TSR_KIOSK_SCREEN_UNLOCK:
		done = entry_key(s, key);
		break;
	case TSR_KIOSK_SCREEN_PICKER:
		done = picker_key(s, key, origin);
		break;
	}
	if (done)
		changed(s);
	return done;
}

/* The domains on the desktop in the order of their tiles: the scene tiles them in the order
 * they were added, which is the order their viewers were handed over (shown_order). */
static size_t tiles(const struct tsr_session *s, size_t out[TSR_KIOSK_SESSION_MAX_DOMAINS])
{
	size_t n = 0;

	for (size_t i = 0; i < s->n_domains; i++) {
		if (!s->domains[i].shown || s->domains[i].waiting_frame)
			continue;
		size_t j = n++;
		while (j > 0 && s->domains[out[j - 1]].shown_order > s->domains[i].shown_order) {
			out[j] = out[j - 1];
			j--;
		}
		out[j] = i;
	}
	return n;
}

static bool cycle(struct tsr_session *s, int dir)
{
	size_t shown[TSR_KIOSK_SESSION_MAX_DOMAINS], cur = 0;
	size_t n = tiles(s, shown);

	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (strcmp(s->domains[shown[i]].name, s->focus) == 0)
			cur = i;
	set_focus(s, s->domains[shown[(cur + n + (size_t)(dir > 0 ? 1 : n - 1)) % n]].name);
	return true;
}

/* Super+N: the N-th tile from the left (top), as on screen. */
static const char *slot(const struct tsr_session *s, int n)
{
	size_t shown[TSR_KIOSK_SESSION_MAX_DOMAINS];
	size_t have = tiles(s, shown);

	return n >= 1 && (size_t)n <= have ? s->domains[shown[n - 1]].name : NULL;
}

bool tsr_session_action(struct tsr_session *s, enum tsr_input_action action, int arg,
			      enum tsr_kiosk_origin origin)
{
	bool unlocked = s->screen == TSR_KIOSK_SCREEN_PICKER || s->screen == TSR_KIOSK_SCREEN_DESKTOP;
	const char *name;

	if (s->lost || !console_may_operate(s, origin))
		return false;
	switch (action) {
	case TSR_INPUT_ACTION_SAS:
		if (unlocked) {
			lock_now(s, "secure attention sequence");
			return true;
		}
		if (!console_may_enter(s, origin))
			return false;
		if (s->screen == TSR_KIOSK_SCREEN_LOCKED) {
			reset_entry(s);
			s->screen = TSR_KIOSK_SCREEN_LOGIN;
			show_lease_warning(s);
		} else if (s->screen == TSR_KIOSK_SCREEN_LOCK) {
			wipe_password(s);
			clear_message(s);
			s->screen = TSR_KIOSK_SCREEN_UNLOCK;
		} else {
			/* Already at a trusted prompt: the SAS starts it afresh. */
			wipe_password(s);
			if (!s->busy)
				clear_message(s);
		}
		changed(s);
		return true;
	case TSR_INPUT_ACTION_LOCK:
		if (!unlocked)
			return false;
		lock_now(s, "lock hotkey");
		return true;
	case TSR_INPUT_ACTION_TOGGLE_LAYOUT:
		if (s->screen != TSR_KIOSK_SCREEN_DESKTOP)
			return false;
		s->layout = s->layout == TSR_LAYOUT_SINGLE ? TSR_LAYOUT_TILED : TSR_LAYOUT_SINGLE;
		changed(s);
		return true;
	case TSR_INPUT_ACTION_CYCLE_FOCUS:
		if (s->screen != TSR_KIOSK_SCREEN_DESKTOP || !cycle(s, arg))
			return false;
		changed(s);
		return true;
	case TSR_INPUT_ACTION_FOCUS_SLOT:
		if (s->screen != TSR_KIOSK_SCREEN_DESKTOP || !(name = slot(s, arg)))
			return false;
		set_focus(s, name);
		changed(s);
		return true;
	case TSR_INPUT_ACTION_FOCUS_DOMAIN:
		/* The kiosk resolves the router's id to a name: tsr_session_focused. */
		return false;
	}
	return false;
}

void tsr_session_activity(struct tsr_session *s)
{
	s->last_activity_us = now(s);
}

bool tsr_session_select(struct tsr_session *s, size_t i, enum tsr_kiosk_origin origin)
{
	if (s->screen != TSR_KIOSK_SCREEN_PICKER || i > s->n_domains ||
	    !console_may_enter(s, origin))
		return false;
	if (s->selected != i) {
		s->selected = i;
		changed(s);
	}
	return true;
}

bool tsr_session_activate(struct tsr_session *s, size_t i, enum tsr_kiosk_origin origin)
{
	struct tsr_kiosk_domain_info *d;

	if (s->screen != TSR_KIOSK_SCREEN_PICKER || i > s->n_domains ||
	    !console_may_enter(s, origin) || s->lost)
		return false;
	if (i != s->selected || i != s->n_domains)
		s->confirm_logout = false;
	s->selected = i;
	if (i == s->n_domains) {
		/* Logging out pauses or stops every domain: asked once more. */
		if (!s->confirm_logout) {
			s->confirm_logout = true;
			set_message(s, false, "Log out? Your domains will be paused or stopped. "
					      "Enter: log out    Esc: cancel");
		} else {
			s->confirm_logout = false;
			clear_message(s);
			send_simple(s, TSR_KIOSK_LOGOUT);
		}
		changed(s);
		return true;
	}
	d = &s->domains[i];
	if (d->state == TSR_KIOSK_DOMAIN_UNAVAILABLE) {
		set_message(s, true, "%s cannot run on this laptop.", d->label);
	} else if (d->pick_pending || d->waiting_frame) {
		set_message(s, false, "%s is starting…", d->label);
	} else if (d->shown) {
		set_focus(s, d->name);
		clear_message(s);
		s->screen = TSR_KIOSK_SCREEN_DESKTOP;
	} else if (n_shown(s) >= TSR_KIOSK_SESSION_MAX_SHOWN) {
		set_message(s, true, "At most %d domains can be shown at once.",
			    TSR_KIOSK_SESSION_MAX_SHOWN);
	} else if (send_domain_request(s, TSR_KIOSK_PICK, d->name)) {
		d->pick_pending = true;
		d->pick_us = now(s);
		clear_message(s);
	}
	changed(s);
	return true;
}

bool tsr_session_show_picker(struct tsr_session *s, enum tsr_kiosk_origin origin)
{
	if (s->screen != TSR_KIOSK_SCREEN_DESKTOP || !console_may_enter(s, origin))
		return false;
	s->screen = TSR_KIOSK_SCREEN_PICKER;
	changed(s);
	return true;
}

bool tsr_session_login_field(struct tsr_session *s, int field,
				   enum tsr_kiosk_origin origin)
{
	if (s->screen != TSR_KIOSK_SCREEN_LOGIN || s->busy || field < 0 || field > 1 ||
	    !console_may_enter(s, origin))
		return false;
	s->field = field;
	changed(s);
	return true;
}

/* Leaves the trusted starting screen for the domain's own pixels once they are there (or the
 * wait is over). */
static void maybe_show(struct tsr_session *s, struct tsr_kiosk_domain_info *d)
{
	bool waited = now(s) - d->shown_us >= (int64_t)TSR_SESSION_START_SHOW_S * 1000000;

	if (!d->shown || !d->waiting_frame || !d->frame_ready || (!d->own_frame && !waited))
		return;
	d->waiting_frame = false;
	if (s->broker_state == TSR_KIOSK_SESSION_ACTIVE) {
		set_focus(s, d->name);
		if (s->screen == TSR_KIOSK_SCREEN_PICKER)
			s->screen = TSR_KIOSK_SCREEN_DESKTOP;
	}
	changed(s);
}

void tsr_session_first_frame(struct tsr_session *s, const char *domain)
{
	struct tsr_kiosk_domain_info *d = find(s, domain);

	if (!d || !d->shown || !d->waiting_frame)
		return;
	d->frame_ready = true;
	maybe_show(s, d);
}

void tsr_session_surface(struct tsr_session *s, const char *domain, int width, int height)
{
	struct tsr_kiosk_domain_info *d = find(s, domain);
	bool device_model_screen = (width == 640 && height == 480) || (width == 720 && height == 400);

	if (!d || !d->shown || !d->waiting_frame)
		return;
	/* Only a QEMU domain (the broker reports its accelerator) has such screens before its
	 * guest's; any other domain's first surface is its own. */
	d->own_frame = d->accel == TSR_KIOSK_ACCEL_NONE || !device_model_screen;
	maybe_show(s, d);
}

void tsr_session_viewer_lost(struct tsr_session *s, const char *domain)
{
	struct tsr_kiosk_domain_info *d = find(s, domain);

	if (!d || (!d->shown && !d->waiting_frame))
		return;
	hide(s, d);
	add_note(s, d->label, "its display was lost; pick it again to reconnect");
	changed(s);
}

void tsr_session_focused(struct tsr_session *s, const char *domain)
{
	struct tsr_kiosk_domain_info *d = find(s, domain);

	if (!d || !d->shown || s->screen != TSR_KIOSK_SCREEN_DESKTOP)
		return;
	set_focus(s, d->name);
	changed(s);
}

/* --- time --------------------------------------------------------------------------------- */

void tsr_session_tick(struct tsr_session *s)
{
	int64_t t = now(s);
	bool redraw = false;

	if (s->idle_lock_s && (s->screen == TSR_KIOSK_SCREEN_PICKER ||
			       s->screen == TSR_KIOSK_SCREEN_DESKTOP) &&
	    t - s->last_activity_us >= (int64_t)s->idle_lock_s * 1000000) {
		lock_now(s, "idle");
		return;
	}
	for (size_t i = 0; i < s->n_notes; i++)
		if (s->notes[i].until_us && s->notes[i].until_us <= t) {
			s->notes[i].until_us = 0;
			redraw = true;
		}
	/* Drop expired notes from the front. */
	while (s->n_notes && s->notes[0].until_us == 0) {
		memmove(&s->notes[0], &s->notes[1], sizeof(s->notes[0]) * (s->n_notes - 1));
		s->n_notes--;
	}
	if (s->retry_until_us && s->retry_until_us <= t) {
		s->retry_until_us = 0;
		if (s->message_error)
			clear_message(s);
		redraw = true;
	}
	for (size_t i = 0; i < s->n_domains; i++) {
		redraw |= s->domains[i].pick_pending || s->domains[i].waiting_frame;
		if (s->domains[i].waiting_frame)
			maybe_show(s, &s->domains[i]);
	}
	if (redraw)
		changed(s);
}

int64_t tsr_session_next_tick_us(const struct tsr_session *s)
{
	int64_t t = now(s), best = -1;

#define CONSIDER(at) do { int64_t d_ = (at) - t; if (d_ < 0) d_ = 0; \
		if (best < 0 || d_ < best) best = d_; } while (0)
	if (s->idle_lock_s && (s->screen == TSR_KIOSK_SCREEN_PICKER ||
			       s->screen == TSR_KIOSK_SCREEN_DESKTOP))
		CONSIDER(s->last_activity_us + (int64_t)s->idle_lock_s * 1000000);
	for (size_t i = 0; i < s->n_notes; i++)
		if (s->notes[i].until_us)
			CONSIDER(s->notes[i].until_us);
	if (s->retry_until_us)
		CONSIDER(s->retry_until_us);
	for (size_t i = 0; i < s->n_domains; i++)
		if (s->domains[i].pick_pending || s->domains[i].waiting_frame)
			CONSIDER(t + 250000); /* the starting progress moves */
#undef CONSIDER
	return best;
}

/* --- getters ------------------------------------------------------------------------------ */

enum tsr_kiosk_screen tsr_session_screen(const struct tsr_session *s)
{
	return s->screen;
}

bool tsr_session_waiting_broker(const struct tsr_session *s)
{
	return !s->heard_broker;
}

const char *tsr_session_organization(const struct tsr_session *s)
{
	return s->organization;
}

const char *tsr_session_user(const struct tsr_session *s)
{
	return s->user;
}

const char *tsr_session_full_name(const struct tsr_session *s)
{
	return s->full_name;
}

const char *tsr_session_typed_user(const struct tsr_session *s)
{
	return s->typed_user;
}

size_t tsr_session_password_chars(const struct tsr_session *s)
{
	return s->password_chars;
}

int tsr_session_field(const struct tsr_session *s)
{
	return s->field;
}

const char *tsr_session_message(const struct tsr_session *s, bool *is_error)
{
	if (is_error)
		*is_error = s->message_error;
	return s->message;
}

bool tsr_session_busy(const struct tsr_session *s)
{
	return s->busy;
}

const char *tsr_session_sas(const struct tsr_session *s)
{
	return s->sas;
}

bool tsr_session_requires_sas(const struct tsr_session *s)
{
	return s->requires_sas;
}

int tsr_session_console_rights(const struct tsr_session *s)
{
	return s->console_rights;
}

uint32_t tsr_session_idle_lock_seconds(const struct tsr_session *s)
{
	return s->idle_lock_s;
}

bool tsr_session_listing(const struct tsr_session *s)
{
	return s->list_seq != 0;
}

size_t tsr_session_n_domains(const struct tsr_session *s)
{
	return s->n_domains;
}

const struct tsr_kiosk_domain_info *tsr_session_domain(const struct tsr_session *s,
							     size_t i)
{
	return i < s->n_domains ? &s->domains[i] : NULL;
}

const struct tsr_kiosk_domain_info *tsr_session_find(const struct tsr_session *s,
							   const char *name)
{
	return find((struct tsr_session *)s, name);
}

size_t tsr_session_selected(const struct tsr_session *s)
{
	return s->selected;
}

const char *tsr_session_focus(const struct tsr_session *s)
{
	return s->focus[0] ? s->focus : NULL;
}

enum tsr_layout tsr_session_layout(const struct tsr_session *s)
{
	return s->layout;
}

int64_t tsr_session_now_us(const struct tsr_session *s)
{
	return now(s);
}

/* --- life ----------------------------------------------------------------------------------- */

struct tsr_session *tsr_session_create(const struct tsr_session_config *config)
{
	struct tsr_session *s = g_new0(struct tsr_session, 1);

	s->fd = config->broker_fd;
	s->clock = config->clock ? config->clock : tsr_clock_monotonic();
	if (config->hooks)
		s->hooks = *config->hooks;
	s->data = config->data;
	g_strlcpy(s->organization, config->organization && config->organization[0]
					   ? config->organization : "Tessera",
		  sizeof(s->organization));
	s->have_lease = config->have_lease;
	s->lease = config->lease;
	s->lease_days = config->lease_days;
	/* Safe defaults until policy says otherwise: SAS first, no console rights. */
	s->requires_sas = true;
	s->console_rights = TSR_POLICY_CONSOLE_NONE;
	g_strlcpy(s->sas, "Ctrl+Alt+Backspace", sizeof(s->sas));
	s->screen = TSR_KIOSK_SCREEN_LOCKED;
	s->broker_state = TSR_KIOSK_SESSION_LOGIN;
	s->layout = TSR_LAYOUT_SINGLE;
	s->next_seq = 1;
	s->last_activity_us = now(s);
	if (s->fd >= 0 && !g_unix_set_fd_nonblocking(s->fd, TRUE, NULL))
		lost(s, "cannot make the broker link non-blocking");
	return s;
}

void tsr_session_destroy(struct tsr_session *s)
{
	if (!s)
		return;
	wipe_password(s);
	if (s->fd >= 0)
		close(s->fd);
	g_free(s);
}

int tsr_session_fd(const struct tsr_session *s)
{
	return s->fd;
}
