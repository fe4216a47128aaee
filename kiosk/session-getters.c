/* kiosk/session-getters.c: what the screens and broker mode read from the session. Read-only
 * accessors, kept out of the state machine so that session.c holds only what changes state. */
#include "config.h"
#include "kiosk/session-private.h"

enum tsr_kiosk_screen tsr_session_screen(const struct tsr_session *s)
{
	return s->screen;
}

bool tsr_session_waiting_broker(const struct tsr_session *s)
{
	return !s->heard_broker;
}

const struct tsr_kiosk_enrol *tsr_session_enrol(const struct tsr_session *s)
{
	return &s->enrol;
}

const struct tsr_kiosk_install *tsr_session_install(const struct tsr_session *s)
{
	return &s->install;
}

const char *tsr_session_install_typed(const struct tsr_session *s)
{
	return s->install_typed;
}

const char *tsr_session_organization(const struct tsr_session *s)
{
	return s->organization;
}

const char *tsr_session_user(const struct tsr_session *s)
{
	return s->user;
}

bool tsr_session_ending(const struct tsr_session *s)
{
	for (size_t i = 0; i < s->n_pending; i++)
		if (s->pending[i].type == TSR_KIOSK_LOGOUT)
			return true;
	return s->broker_state != TSR_KIOSK_SESSION_ACTIVE &&
	       s->broker_state != TSR_KIOSK_SESSION_LOCKED;
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
	return kss_find((struct tsr_session *)s, name);
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
	return kss_now(s);
}

int tsr_session_fd(const struct tsr_session *s)
{
	return s->fd;
}
