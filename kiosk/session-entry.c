/* kiosk/session-entry.c: keys on the kiosk's own screens: the login and unlock prompts' text
 * (user name, password bytes kept in one buffer and wiped once sent), the picker's keys and the
 * answers to the enrolment and install offers.
 * Kept apart because it is where a password is typed: the rules for what a key may do on a
 * trusted screen, and from which origin, are all here. */
#include "config.h"
#include "kiosk/session-private.h"

#include "common/log.h"
#include "policy/policy.h"

#include <glib.h>
#include <linux/input-event-codes.h>
#include <string.h>

bool kss_console_may_enter(const struct tsr_session *s, enum tsr_kiosk_origin origin)
{
	return origin == TSR_KIOSK_ORIGIN_LOCAL || s->console_rights == TSR_POLICY_CONSOLE_FULL;
}

bool kss_console_may_operate(const struct tsr_session *s, enum tsr_kiosk_origin origin)
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
		kss_set_message(s, true, "Type your user name first.");
		return true;
	}
	if (kss_now(s) < s->retry_until_us) {
		int64_t left = (s->retry_until_us - kss_now(s) + 999999) / 1000000;
		kss_set_message(s, true, "Wait %" G_GINT64_FORMAT " s before trying again.", left);
		return true;
	}
	memset(&m, 0, sizeof(m));
	if (!unlock)
		tsr_kiosk_set_string(m.user, sizeof(m.user), s->typed_user);
	m.password_len = (uint32_t)s->password_len;
	memcpy(m.password, s->password, s->password_len);
	kss_wipe_password(s);
	if (kss_send_request(s, &m, unlock ? TSR_KIOSK_UNLOCK : TSR_KIOSK_LOGIN, NULL))
		s->busy = true;
	explicit_bzero(&m, sizeof(m));
	kss_set_message(s, false, "Checking…");
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
			kss_to_logged_out(s);
		} else {
			kss_wipe_password(s);
			kss_clear_message(s);
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
		if (have + add > KSS_USER_MAX) {
			kss_set_message(s, true, "User names are at most %d characters.", KSS_USER_MAX);
			return true;
		}
		memcpy(s->typed_user + have, key->utf8, add + 1);
	} else {
		if (s->password_len + add > TSR_KIOSK_PASSWORD_MAX) {
			kss_set_message(s, true, "Passwords are at most %d bytes.", TSR_KIOSK_PASSWORD_MAX);
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
		kss_clear_message(s);
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
		kss_clear_message(s);
		return true;
	case KEY_DELETE:
		if (s->selected < s->n_domains) {
			struct tsr_kiosk_domain_info *d = &s->domains[s->selected];
			if (d->state == TSR_KIOSK_DOMAIN_STOPPED || d->pick_pending)
				return false;
			kss_send_domain_request(s, TSR_KIOSK_STOP, d->name);
			kss_set_message(s, false, "Stopping %s…", d->label);
			return true;
		}
		return false;
	default:
		return false;
	}
}

/* The install offer: erasing a disk takes its name typed and Enter, so no stray key (a held
 * Enter, a cat on the keyboard) can start it; Escape declines, or leaves the result. Letters
 * and digits only: a disk's name has nothing else. */
static bool install_key(struct tsr_session *s, const struct tsr_input_kiosk_key *key)
{
	char *typed = s->install_typed;
	size_t n = strlen(typed);
	const struct tsr_kiosk_install *in = &s->install;

	if (key->code == KEY_ESC)
		return kss_install_answer(s, false);
	if (in->state != TSR_KIOSK_INSTALL_OFFER || s->install_busy)
		return false;
	switch (key->code) {
	case KEY_ENTER:
	case KEY_KPENTER:
		if (strcmp(typed, in->disk) == 0)
			return kss_install_answer(s, true);
		kss_set_message(s, true, "Type %s, the disk's name, then Enter.", in->disk);
		return true;
	case KEY_BACKSPACE:
		if (n)
			typed[n - 1] = '\0';
		return true;
	default:
		break;
	}
	char c = key->utf8[0];
	if (key->utf8[1] || !(g_ascii_islower(c) || g_ascii_isdigit(c)))
		return false;
	if (n + 1 >= sizeof(s->install_typed))
		return true;
	typed[n] = c;
	typed[n + 1] = '\0';
	return true;
}

bool tsr_session_key(struct tsr_session *s, const struct tsr_input_kiosk_key *key,
			   enum tsr_kiosk_origin origin)
{
	bool done = false;

	if (s->lost || key->state == TSR_INPUT_KEY_UP || !kss_console_may_enter(s, origin))
		return false;
	switch (s->screen) {
	case TSR_KIOSK_SCREEN_LOCKED:
	case TSR_KIOSK_SCREEN_LOCK:
	case TSR_KIOSK_SCREEN_DESKTOP:
		/* No text here: a password typed before the SAS is lost, not kept. */
		return false;
	case TSR_KIOSK_SCREEN_NOT_ENROLLED:
		/* No text either; only the answer to an enrolment disk's offer, from the
		 * laptop's own keyboard (never the remote console). */
		if (origin != TSR_KIOSK_ORIGIN_LOCAL)
			return false;
		if (key->code == KEY_ENTER || key->code == KEY_KPENTER)
			done = kss_enrol_answer(s, true);
		else if (key->code == KEY_ESC)
			done = kss_enrol_answer(s, false);
		break;
	case TSR_KIOSK_SCREEN_INSTALL:
		/* Only the laptop's own keyboard: the remote console never erases its disk. */
		if (origin != TSR_KIOSK_ORIGIN_LOCAL) {
			tsr_info("install screen: a key from the console ignored");
			return false;
		}
		done = install_key(s, key);
		break;
	case TSR_KIOSK_SCREEN_LOGIN:
	case TSR_KIOSK_SCREEN_UNLOCK:
		done = entry_key(s, key);
		break;
	case TSR_KIOSK_SCREEN_PICKER:
		done = picker_key(s, key, origin);
		break;
	}
	if (done)
		kss_changed(s);
	return done;
}

bool tsr_session_login_field(struct tsr_session *s, int field,
				   enum tsr_kiosk_origin origin)
{
	if (s->screen != TSR_KIOSK_SCREEN_LOGIN || s->busy || field < 0 || field > 1 ||
	    !kss_console_may_enter(s, origin))
		return false;
	s->field = field;
	kss_changed(s);
	return true;
}
