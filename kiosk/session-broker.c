/* kiosk/session-broker.c: the session's half of the kiosk <-> broker protocol (proto/kiosk.h).
 *
 * Requests go out with a sequence number and are remembered until answered; every message from
 * the broker is checked (tsr_kiosk_msg_check) before it changes any state, and anything that
 * breaks the protocol ends the link. Kept apart from the state machine so that what crosses
 * the trust boundary is in one file. */
#include "config.h"
#include "kiosk/session-private.h"

#include "common/fdpass.h"
#include "common/frame.h"
#include "common/log.h"
#include "policy/policy.h"

#include <errno.h>
#include <glib.h>
#include <string.h>
#include <unistd.h>

/* Send a request; returns its seq, or 0 when the link is gone. */
uint32_t kss_send_request(struct tsr_session *s, void *msg, uint16_t type, const char *domain)
{
	uint32_t seq;

	if (s->lost)
		return 0;
	if (s->n_pending == KSS_MAX_PENDING) {
		kss_lost(s, "the broker does not answer (too many requests pending)");
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
		kss_lost(s, why);
		return 0;
	}
	s->pending[s->n_pending].seq = seq;
	s->pending[s->n_pending].type = type;
	tsr_kiosk_set_string(s->pending[s->n_pending].domain, TSR_KIOSK_NAME_SIZE, domain);
	s->n_pending++;
	return seq;
}

uint32_t kss_send_simple(struct tsr_session *s, uint16_t type)
{
	struct tsr_kiosk_request r = { 0 };

	return kss_send_request(s, &r, type, NULL);
}

void tsr_session_clipboard_report(struct tsr_session *s,
				  const struct tsr_kiosk_clipboard_audit *report)
{
	struct tsr_kiosk_clipboard_audit m = *report;

	(void)kss_send_request(s, &m, TSR_KIOSK_CLIPBOARD_AUDIT, NULL);
}

void tsr_session_lock_shown(struct tsr_session *s)
{
	(void)kss_send_simple(s, TSR_KIOSK_LOCK_SHOWN);
}

bool kss_enrol_answer(struct tsr_session *s, bool accept)
{
	struct tsr_kiosk_enrol_answer m = { .accept = accept };

	if (s->enrol.state != TSR_KIOSK_ENROL_OFFER || s->enrol_busy)
		return false;
	s->enrol_busy = kss_send_request(s, &m, TSR_KIOSK_ENROL_ANSWER, NULL) != 0;
	if (s->enrol_busy)
		kss_set_message(s, false, "%s", accept ? "Enrolling..." : "Cancelling...");
	return s->enrol_busy;
}

bool kss_install_answer(struct tsr_session *s, bool accept)
{
	struct tsr_kiosk_install_answer m = { .accept = accept };

	if (!s->install.state || s->install.state == TSR_KIOSK_INSTALL_RUNNING || s->install_busy)
		return false;
	if (accept)
		tsr_kiosk_set_string(m.disk, sizeof(m.disk), s->install_typed);
	s->install_busy = kss_send_request(s, &m, TSR_KIOSK_INSTALL_ANSWER, NULL) != 0;
	if (s->install_busy && accept)
		kss_set_message(s, false, "Starting the install...");
	return s->install_busy;
}

uint32_t kss_send_domain_request(struct tsr_session *s, uint16_t type, const char *name)
{
	struct tsr_kiosk_domain_request r = { 0 };

	tsr_kiosk_set_string(r.domain, sizeof(r.domain), name);
	return kss_send_request(s, &r, type, name);
}

bool kss_brightness(struct tsr_session *s, int step)
{
	struct tsr_kiosk_brightness m = { .step = step > 0 ? 1 : -1 };

	return kss_send_request(s, &m, TSR_KIOSK_BRIGHTNESS, NULL) != 0;
}

static void on_settings(struct tsr_session *s, const struct tsr_kiosk_settings *m)
{
	bool was = s->requires_sas;

	s->requires_sas = m->locked_requires_sas != 0;
	s->idle_lock_s = m->idle_lock_seconds;
	s->blank_after_s = m->blank_after_seconds;
	s->console_rights = (int)m->console;
	if (m->sas[0])
		g_strlcpy(s->sas, m->sas, sizeof(s->sas));
	if (s->hooks.settings)
		s->hooks.settings(s->data, m);
	/* Policy turned the SAS requirement off (or on): the waiting screens follow. */
	if (was != s->requires_sas) {
		if (s->screen == TSR_KIOSK_SCREEN_LOCKED && !s->requires_sas)
			kss_to_logged_out(s);
		else if (s->screen == TSR_KIOSK_SCREEN_LOCK && !s->requires_sas)
			kss_to_locked(s);
	}
	kss_changed(s);
}

static void on_session(struct tsr_session *s, const struct tsr_kiosk_session *m)
{
	enum tsr_kiosk_session_state old = s->broker_state;
	bool first = !s->heard_broker;

	s->heard_broker = true;
	s->broker_state = (enum tsr_kiosk_session_state)m->state;
	switch (m->state) {
	case TSR_KIOSK_SESSION_LOGIN:
		memset(&s->enrol, 0, sizeof(s->enrol));
		s->enrol_busy = false;
		kss_hide_all(s);
		s->n_domains = 0;
		/* The next user starts on the first tile, not on the last one's "Log out". */
		s->selected = 0;
		s->confirm_logout = false;
		s->user[0] = s->full_name[0] = 0;
		if (first || old != TSR_KIOSK_SESSION_LOGIN ||
		    (s->screen != TSR_KIOSK_SCREEN_LOCKED && s->screen != TSR_KIOSK_SCREEN_LOGIN))
			kss_to_logged_out(s);
		break;
	case TSR_KIOSK_SESSION_NOT_ENROLLED:
	case TSR_KIOSK_SESSION_INSTALL:
		if (m->state == old && old == TSR_KIOSK_SESSION_INSTALL)
			break; /* the same offer again (the lid): keep what was typed */
		memset(&s->install, 0, sizeof(s->install));
		memset(s->install_typed, 0, sizeof(s->install_typed));
		s->install_busy = false;
		kss_hide_all(s);
		s->n_domains = 0;
		s->user[0] = s->full_name[0] = 0;
		kss_wipe_password(s);
		s->typed_user[0] = 0;
		s->busy = false;
		kss_clear_message(s);
		s->screen = m->state == TSR_KIOSK_SESSION_INSTALL ? TSR_KIOSK_SCREEN_INSTALL
								   : TSR_KIOSK_SCREEN_NOT_ENROLLED;
		break;
	case TSR_KIOSK_SESSION_LOCKED:
		g_strlcpy(s->user, m->user, sizeof(s->user));
		g_strlcpy(s->full_name, m->full_name, sizeof(s->full_name));
		if (s->screen != TSR_KIOSK_SCREEN_LOCK && s->screen != TSR_KIOSK_SCREEN_UNLOCK)
			kss_to_locked(s);
		break;
	case TSR_KIOSK_SESSION_ACTIVE:
		g_strlcpy(s->user, m->user, sizeof(s->user));
		g_strlcpy(s->full_name, m->full_name, sizeof(s->full_name));
		kss_wipe_password(s);
		s->typed_user[0] = 0;
		s->busy = false;
		kss_clear_message(s);
		s->last_activity_us = kss_now(s);
		/* Unlocked while dark (a slow password check, the remote console): the desktop
		 * never stays unseen. */
		kss_unblank(s, "unlocked");
		if (s->screen != TSR_KIOSK_SCREEN_PICKER && s->screen != TSR_KIOSK_SCREEN_DESKTOP)
			s->screen = s->focus[0] ? TSR_KIOSK_SCREEN_DESKTOP : TSR_KIOSK_SCREEN_PICKER;
		if (old != TSR_KIOSK_SESSION_ACTIVE)
			s->list_seq = kss_send_simple(s, TSR_KIOSK_LIST);
		break;
	}
	kss_changed(s);
	if (m->flags & TSR_KIOSK_SESSION_OUTPUTS_OFF)
		kss_blank(s, "lid closed and no suspend");
	if (m->flags & TSR_KIOSK_SESSION_OUTPUTS_ON) {
		/* Opened to be used: the lock screen, and a whole blank-after before it goes dark. */
		s->last_activity_us = kss_now(s);
		kss_unblank(s, "lid opened");
	}
}

static void on_domain(struct tsr_session *s, const struct tsr_kiosk_domain *m)
{
	struct tsr_kiosk_domain_info *d = kss_find(s, m->name);
	bool was_crashed;

	if (s->broker_state == TSR_KIOSK_SESSION_LOGIN ||
	    s->broker_state == TSR_KIOSK_SESSION_NOT_ENROLLED ||
	    s->broker_state == TSR_KIOSK_SESSION_INSTALL)
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
	/* A paused domain keeps its place: the broker pauses across a suspend with the viewer kept,
	 * so it is on the desktop again after the unlock without a pick; a pause that ends the
	 * viewer (logout, preload) hides it through the lost viewer or the session's end. */
	if (d->state == TSR_KIOSK_DOMAIN_STOPPED || d->state == TSR_KIOSK_DOMAIN_CRASHED ||
	    d->state == TSR_KIOSK_DOMAIN_UNAVAILABLE)
		kss_hide(s, d);
	if (d->state == TSR_KIOSK_DOMAIN_CRASHED && !was_crashed && m->seq == 0)
		kss_add_note(s, d->label, "crashed");
	kss_changed(s);
}

static void on_notify(struct tsr_session *s, const struct tsr_kiosk_notify *m)
{
	const struct tsr_kiosk_domain_info *d = m->domain[0] ? kss_find(s, m->domain) : NULL;

	kss_add_note(s, d ? d->label : m->domain, m->text);
	kss_changed(s);
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
		kss_clear_message(s);
		return; /* the SESSION message that came first moved the screen */
	}
	kss_wipe_password(s);
	s->field = 1;
	switch (m->status) {
	case TSR_KIOSK_E_WAIT:
	case TSR_KIOSK_E_LOCKED_OUT:
		s->retry_until_us = kss_now(s) + (int64_t)m->retry_ms * 1000;
		if (m->retry_ms >= 1000)
			kss_set_message(s, true, "%s (%u s)", text, (unsigned)((m->retry_ms + 999) / 1000));
		else
			kss_set_message(s, true, "%s", text);
		break;
	case TSR_KIOSK_E_LEASE:
		if (s->have_lease)
			lease = tsr_policy_lease_message((enum tsr_policy_lease)s->lease, s->lease_days);
		kss_set_message(s, true, "%s", lease ? lease : text);
		break;
	case TSR_KIOSK_E_STATE:
		/* The broker's state is not ours: it sends SESSION to put us right. */
		kss_set_message(s, true, "%s", text);
		break;
	default:
		kss_set_message(s, true, "%s", text);
		break;
	}
}

static void on_pick_reply(struct tsr_session *s, const struct pending *p,
			  const struct tsr_kiosk_reply *m, int fd)
{
	struct tsr_kiosk_domain_info *d = kss_find(s, p->domain);

	if (d)
		d->pick_pending = false;
	if (m->status != TSR_KIOSK_OK || fd < 0 || !d || s->broker_state != TSR_KIOSK_SESSION_ACTIVE) {
		if (fd >= 0)
			close(fd);
		if (m->status == TSR_KIOSK_OK)
			kss_set_message(s, true, "%s could not be shown now.", d ? d->label : p->domain);
		else
			kss_set_message(s, true, "%s", m->message[0] ? m->message : status_text(m->status));
		return;
	}
	if (kss_n_shown(s) >= TSR_KIOSK_SESSION_MAX_SHOWN && !d->shown) {
		close(fd);
		kss_set_message(s, true, "At most %d domains can be shown at once.",
			    TSR_KIOSK_SESSION_MAX_SHOWN);
		return;
	}
	if (d->shown && s->hooks.hide)
		s->hooks.hide(s->data, d->name); /* a new viewer replaces the old one */
	d->shown = true;
	d->waiting_frame = true;
	d->frame_ready = d->own_frame = false;
	d->shown_us = kss_now(s);
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
		kss_lost(s, "a reply to no request");
		return;
	}
	p = s->pending[i];
	memmove(&s->pending[i], &s->pending[i + 1], sizeof(p) * (s->n_pending - i - 1));
	s->n_pending--;
	if (fd >= 0 && p.type != TSR_KIOSK_PICK && p.type != TSR_KIOSK_RESTART_VIEWER) {
		close(fd);
		kss_lost(s, "an fd on a reply that carries none");
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
					kss_hide(s, &s->domains[r]);
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
	case TSR_KIOSK_INSTALL_ANSWER:
	case TSR_KIOSK_ENROL_ANSWER:
		*(p.type == TSR_KIOSK_ENROL_ANSWER ? &s->enrol_busy : &s->install_busy) = false;
		if (m->status != TSR_KIOSK_OK)
			kss_set_message(s, true, "%s",
					m->message[0] ? m->message : status_text(m->status));
		break;
	case TSR_KIOSK_STOP:
	case TSR_KIOSK_LOCK:
	case TSR_KIOSK_LOGOUT:
	case TSR_KIOSK_FOCUS:
	case TSR_KIOSK_CLIPBOARD_AUDIT:
	case TSR_KIOSK_BRIGHTNESS:
	case TSR_KIOSK_LOCK_SHOWN:
		if (m->status != TSR_KIOSK_OK) {
			tsr_warn("broker refused request %u: %s", p.type,
				 m->message[0] ? m->message : status_text(m->status));
			if (p.type == TSR_KIOSK_STOP)
				kss_set_message(s, true, "%s",
					    m->message[0] ? m->message : status_text(m->status));
		}
		break;
	}
	kss_changed(s);
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
		kss_lost(s, text);
		return;
	}
	if (h->type == TSR_KIOSK_DEVICE) {
		const struct tsr_kiosk_device *m = buf;
		/* An added device comes with its fd, a removed one without. */
		if ((m->action == TSR_KIOSK_DEVICE_ADD) != (fd >= 0)) {
			if (fd >= 0)
				close(fd);
			kss_lost(s, "a device message without its fd, or with one it must not carry");
			return;
		}
		if (s->hooks.device)
			s->hooks.device(s->data, m, fd);
		else if (fd >= 0)
			close(fd);
		return;
	}
	if (h->type == TSR_KIOSK_CONSOLE) {
		if (fd < 0) {
			kss_lost(s, "a console message without the console's link");
			return;
		}
		if (s->hooks.console)
			s->hooks.console(s->data, fd);
		else
			close(fd);
		return;
	}
	if (fd >= 0 && h->type != TSR_KIOSK_REPLY) {
		close(fd);
		kss_lost(s, "an fd on a message that carries none");
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
	case TSR_KIOSK_ENROL:
		/* Only a laptop that is not enrolled reads enrolment disks. */
		if (s->broker_state != TSR_KIOSK_SESSION_NOT_ENROLLED) {
			kss_lost(s, "an enrolment offer while enrolled");
			break;
		}
		s->enrol = *(const struct tsr_kiosk_enrol *)buf;
		s->enrol_busy = false;
		kss_clear_message(s);
		kss_changed(s);
		break;
	case TSR_KIOSK_INSTALL:
		/* Only the install screen shows an install. */
		if (s->broker_state != TSR_KIOSK_SESSION_INSTALL) {
			kss_lost(s, "an install offer outside the install screen");
			break;
		}
		s->install = *(const struct tsr_kiosk_install *)buf;
		if (s->install.state != TSR_KIOSK_INSTALL_OFFER)
			kss_clear_message(s);
		kss_changed(s);
		break;
	case TSR_KIOSK_CLIPBOARD:
		if (s->hooks.clipboard)
			s->hooks.clipboard(s->data, buf);
		break;
	case TSR_KIOSK_POWER:
		if (s->hooks.power)
			s->hooks.power(s->data, ((const struct tsr_kiosk_power *)buf)->text);
		break;
	default:
		kss_lost(s, "a message type the kiosk does not know");
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
			kss_lost_how(s, "the broker closed the link", true);
			break;
		}
		if (n < 0) {
			g_autofree char *why = g_strdup_printf("bad message from the broker: %s",
							       g_strerror(errno));
			kss_lost(s, why);
			break;
		}
		handle(s, buf, (size_t)n, nfds ? fds[0] : -1);
	}
	return -1;
}
