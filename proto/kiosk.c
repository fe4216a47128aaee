/* proto/kiosk.c: sizes and the complete check of kiosk <-> broker messages
 * (see kiosk.h). The broker runs every kiosk message through tsr_kiosk_msg_check before
 * it reads a field; the kiosk does the same for the broker's. */
#include "config.h"
#include "proto/kiosk.h"
#include "proto/clipboard.h"

#include <errno.h>
#include <glib.h>
#include <linux/input-event-codes.h>
#include <string.h>

/* Fixed layouts: no hidden padding, so "every byte is checked" means every byte. */
_Static_assert(sizeof(struct tsr_kiosk_request) == 16, "layout");
_Static_assert(sizeof(struct tsr_kiosk_login) == 340, "layout");
_Static_assert(sizeof(struct tsr_kiosk_domain_request) == 84, "layout");
_Static_assert(sizeof(struct tsr_kiosk_reply) == 280, "layout");
_Static_assert(sizeof(struct tsr_kiosk_domain) == 212, "layout");
_Static_assert(sizeof(struct tsr_kiosk_notify) == 340, "layout");
_Static_assert(sizeof(struct tsr_kiosk_session) == 212, "layout");
_Static_assert(sizeof(struct tsr_kiosk_settings) == 812, "layout");
_Static_assert(sizeof(struct tsr_kiosk_device) == 144, "layout");
_Static_assert(sizeof(struct tsr_kiosk_console) == 16, "layout");
_Static_assert(sizeof(struct tsr_kiosk_clipboard) == 3136, "layout");
_Static_assert(sizeof(struct tsr_kiosk_clipboard_audit) == 216, "layout");
_Static_assert(sizeof(struct tsr_kiosk_brightness) == 16, "layout");
_Static_assert(sizeof(struct tsr_kiosk_power) == 80, "layout");
_Static_assert(sizeof(struct tsr_kiosk_enrol) == 428, "layout");
_Static_assert(sizeof(struct tsr_kiosk_enrol_answer) == 16, "layout");
_Static_assert(sizeof(struct tsr_kiosk_install) == 376, "layout");
_Static_assert(sizeof(struct tsr_kiosk_install_answer) == 48, "layout");
_Static_assert(TSR_KIOSK_MSG_MAX <= TSR_FRAME_MAX, "fits a frame");

size_t tsr_kiosk_msg_size(uint16_t type)
{
	switch (type) {
	case TSR_KIOSK_LOGIN:
	case TSR_KIOSK_UNLOCK:
		return sizeof(struct tsr_kiosk_login);
	case TSR_KIOSK_LIST:
	case TSR_KIOSK_LOGOUT:
	case TSR_KIOSK_LOCK:
	case TSR_KIOSK_LOCK_SHOWN:
		return sizeof(struct tsr_kiosk_request);
	case TSR_KIOSK_PICK:
	case TSR_KIOSK_STOP:
	case TSR_KIOSK_FOCUS:
	case TSR_KIOSK_RESTART_VIEWER:
		return sizeof(struct tsr_kiosk_domain_request);
	case TSR_KIOSK_BRIGHTNESS:
		return sizeof(struct tsr_kiosk_brightness);
	case TSR_KIOSK_REPLY:
		return sizeof(struct tsr_kiosk_reply);
	case TSR_KIOSK_DOMAIN:
		return sizeof(struct tsr_kiosk_domain);
	case TSR_KIOSK_NOTIFY:
		return sizeof(struct tsr_kiosk_notify);
	case TSR_KIOSK_SESSION:
		return sizeof(struct tsr_kiosk_session);
	case TSR_KIOSK_SETTINGS:
		return sizeof(struct tsr_kiosk_settings);
	case TSR_KIOSK_DEVICE:
		return sizeof(struct tsr_kiosk_device);
	case TSR_KIOSK_CONSOLE:
		return sizeof(struct tsr_kiosk_console);
	case TSR_KIOSK_CLIPBOARD:
		return sizeof(struct tsr_kiosk_clipboard);
	case TSR_KIOSK_CLIPBOARD_AUDIT:
		return sizeof(struct tsr_kiosk_clipboard_audit);
	case TSR_KIOSK_POWER:
		return sizeof(struct tsr_kiosk_power);
	case TSR_KIOSK_ENROL:
		return sizeof(struct tsr_kiosk_enrol);
	case TSR_KIOSK_ENROL_ANSWER:
		return sizeof(struct tsr_kiosk_enrol_answer);
	case TSR_KIOSK_INSTALL:
		return sizeof(struct tsr_kiosk_install);
	case TSR_KIOSK_INSTALL_ANSWER:
		return sizeof(struct tsr_kiosk_install_answer);
	}
	return 0;
}

bool tsr_kiosk_is_request(uint16_t type)
{
	return type >= TSR_KIOSK_LOGIN && type <= TSR_KIOSK_INSTALL_ANSWER;
}

const char *tsr_kiosk_clipboard_event_name(uint32_t event)
{
	static const char *const names[] = { NULL, "copy", "paste", "refused", "emptied" };

	return event < G_N_ELEMENTS(names) ? names[event] : NULL;
}

const char *tsr_kiosk_clipboard_reason_name(uint32_t reason)
{
	static const char *const names[] = { "", "policy", "lock", "logout", "source-gone",
					     "user-switch" };

	return reason < G_N_ELEMENTS(names) ? names[reason] : NULL;
}

static bool zero(const void *p, size_t n)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

/* NUL-terminated within the field, valid UTF-8, and zero after the terminator. */
static bool text_ok(const char *field, size_t size)
{
	const char *nul = memchr(field, '\0', size);

	if (!nul || !g_utf8_validate(field, nul - field, NULL))
		return false;
	return zero(nul, size - (size_t)(nul - field));
}

/* Policy name rule ([A-Za-z0-9._-], not starting with . or -), or empty when allowed. */
static bool name_ok(const char *field, bool empty_ok)
{
	size_t n;

	if (!text_ok(field, TSR_KIOSK_NAME_SIZE))
		return false;
	n = strlen(field);
	if (n == 0)
		return empty_ok;
	if (!g_ascii_isalnum(field[0]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!g_ascii_isalnum(field[i]) && field[i] != '-' && field[i] != '_' &&
		    field[i] != '.')
			return false;
	return true;
}

/* One checker per message layout: NULL when every field is valid, else what is wrong. */

static const char *check_login(const struct tsr_kiosk_login *m)
{
	if (m->seq == 0)
		return "request with seq 0";
	/* Whatever was typed as a name is just text: a name no policy user has is answered like a
	 * wrong password, never treated as a protocol error. */
	if (!text_ok(m->user, sizeof(m->user)))
		return "bad user name text";
	if (m->password_len > TSR_KIOSK_PASSWORD_MAX)
		return "password too long";
	if (!zero(m->password + m->password_len, TSR_KIOSK_PASSWORD_MAX - m->password_len) ||
	    !zero(m->pad, sizeof(m->pad)))
		return "nonzero padding";
	return NULL;
}

static const char *check_request(const struct tsr_kiosk_request *m)
{
	if (m->seq == 0)
		return "request with seq 0";
	if (m->reserved)
		return "nonzero reserved field";
	return NULL;
}

/* FOCUS may name no domain (focus the desktop); the others must name one. */
static const char *check_domain_request(const struct tsr_kiosk_domain_request *m, uint16_t type)
{
	if (m->seq == 0)
		return "request with seq 0";
	if (m->reserved || !zero(m->pad, sizeof(m->pad)))
		return "nonzero reserved field";
	if (!name_ok(m->domain, type == TSR_KIOSK_FOCUS))
		return "bad domain name";
	return NULL;
}

static const char *check_reply(const struct tsr_kiosk_reply *m)
{
	if (m->status > TSR_KIOSK_E_PROTOCOL)
		return "unknown status";
	if (!text_ok(m->message, sizeof(m->message)))
		return "bad message text";
	return NULL;
}

static const char *check_domain(const struct tsr_kiosk_domain *m)
{
	if (m->state > TSR_KIOSK_DOMAIN_UNAVAILABLE || m->colour > 7 || m->disposable > 1 ||
	    m->focused > 1 || m->accel > TSR_KIOSK_ACCEL_TCG)
		return "field out of range";
	if (!name_ok(m->name, false) || !text_ok(m->label, sizeof(m->label)) ||
	    !zero(m->pad, sizeof(m->pad)))
		return "bad domain name or label";
	return NULL;
}

static const char *check_notify(const struct tsr_kiosk_notify *m)
{
	if (m->kind > TSR_KIOSK_NOTE_DEVICE_DETACHED)
		return "unknown notification kind";
	if (!name_ok(m->domain, true) || !text_ok(m->text, sizeof(m->text)) ||
	    !zero(m->pad, sizeof(m->pad)))
		return "bad notification text";
	return NULL;
}

/* At the login screen, before enrolment and at the install offer there is no user; in every
 * other state there is one. */
static const char *check_session(const struct tsr_kiosk_session *m)
{
	bool login = m->state == TSR_KIOSK_SESSION_LOGIN ||
		     m->state == TSR_KIOSK_SESSION_NOT_ENROLLED ||
		     m->state == TSR_KIOSK_SESSION_INSTALL;

	if (m->state > TSR_KIOSK_SESSION_INSTALL)
		return "unknown session state";
	if ((m->flags != 0 && m->flags != TSR_KIOSK_SESSION_OUTPUTS_OFF &&
	     m->flags != TSR_KIOSK_SESSION_OUTPUTS_ON) ||
	    (m->flags && m->state == TSR_KIOSK_SESSION_ACTIVE))
		return "bad session flags";
	if (!name_ok(m->user, login) || (login && m->user[0]) ||
	    !text_ok(m->full_name, sizeof(m->full_name)) || !zero(m->pad, sizeof(m->pad)))
		return "bad session user";
	return NULL;
}

static bool combo_in_range(const struct tsr_kiosk_combo *c)
{
	return (c->mods & ~TSR_POLICY_MOD_ALL) == 0 && c->code <= KEY_MAX;
}

/* Ranges only: whether the keys are real and collide is tsr_policy_hotkeys_check's job. */
static const char *check_hotkeys(const struct tsr_kiosk_hotkeys *k)
{
	const struct tsr_kiosk_combo *all[] = { &k->sas, &k->lock, &k->cycle, &k->cycle_back,
						&k->layout, &k->copy, &k->paste,
						&k->output_left, &k->output_right };

	for (size_t i = 0; i < G_N_ELEMENTS(all); i++)
		if (!combo_in_range(all[i]))
			return "hotkey out of range";
	if ((k->focus_mods & ~TSR_POLICY_MOD_ALL) != 0 || k->reserved)
		return "hotkey out of range";
	if (!k->sas.code || !k->sas.mods)
		return "no secure attention sequence";
	return NULL;
}

/* Names from the first on, then only empty fields: the kiosk reads up to the first "". */
static bool output_order_ok(const struct tsr_kiosk_settings *m)
{
	bool ended = false;

	for (size_t i = 0; i < TSR_KIOSK_OUTPUTS_MAX; i++) {
		if (!text_ok(m->output_order[i], TSR_KIOSK_CONNECTOR_SIZE) ||
		    (ended && m->output_order[i][0]))
			return false;
		ended = !m->output_order[i][0];
	}
	return true;
}

static const char *check_settings(const struct tsr_kiosk_settings *m)
{
	if (m->blank_after_seconds > TSR_KIOSK_BLANK_AFTER_MAX || m->console > 3 ||
	    m->locked_requires_sas > 1 || m->output_mode > 1)
		return "field out of range";
	if (!text_ok(m->sas, sizeof(m->sas)) || !text_ok(m->xkb_rules, sizeof(m->xkb_rules)) ||
	    !text_ok(m->xkb_model, sizeof(m->xkb_model)) ||
	    !text_ok(m->xkb_layout, sizeof(m->xkb_layout)) ||
	    !text_ok(m->xkb_variant, sizeof(m->xkb_variant)) ||
	    !text_ok(m->xkb_options, sizeof(m->xkb_options)) || !output_order_ok(m))
		return "bad settings text";
	return check_hotkeys(&m->hotkeys);
}

static const char *check_device(const struct tsr_kiosk_device *m)
{
	if (m->id == 0)
		return "device id 0";
	if (m->kind != TSR_KIOSK_DEVICE_DRM && m->kind != TSR_KIOSK_DEVICE_EVDEV)
		return "unknown device kind";
	if (m->action != TSR_KIOSK_DEVICE_ADD && m->action != TSR_KIOSK_DEVICE_REMOVE)
		return "unknown device action";
	/* The card is lent for the kiosk's whole life: it is never taken back on its own. */
	if (m->kind == TSR_KIOSK_DEVICE_DRM && m->action != TSR_KIOSK_DEVICE_ADD)
		return "the DRM card is never removed";
	if (!zero(m->pad, sizeof(m->pad)))
		return "nonzero padding";
	if (!text_ok(m->node, sizeof(m->node)) || strncmp(m->node, "/dev/", 5) != 0)
		return "bad device node name";
	return NULL;
}

/* A flow's end: a domain name or "*". */
static bool flow_end_ok(const char *field)
{
	return name_ok(field, false) || (text_ok(field, TSR_KIOSK_NAME_SIZE) &&
					 strcmp(field, "*") == 0);
}

static const char *check_clipboard(const struct tsr_kiosk_clipboard *m)
{
	if (m->max_bytes == 0 || m->max_bytes > TSR_CLIPBOARD_LIMIT)
		return "clipboard max-bytes out of range";
	if (m->n_flows > TSR_KIOSK_CLIPBOARD_FLOWS)
		return "too many clipboard flows";
	for (uint32_t i = 0; i < m->n_flows; i++)
		if (!flow_end_ok(m->flows[i].from) || !flow_end_ok(m->flows[i].to))
			return "bad clipboard flow";
	if (!zero(&m->flows[m->n_flows],
		  sizeof(m->flows[0]) * (TSR_KIOSK_CLIPBOARD_FLOWS - m->n_flows)))
		return "nonzero unused clipboard flow";
	return NULL;
}

static bool sha256_hex_ok(const char *field)
{
	for (size_t i = 0; i < 64; i++)
		if (!g_ascii_isdigit(field[i]) && !(field[i] >= 'a' && field[i] <= 'f'))
			return false;
	return zero(field + 64, TSR_KIOSK_NAME_SIZE - 64);
}

/* COPY and EMPTIED name no target, PASTE and REFUSED one; only REFUSED says policy and only
 * EMPTIED has a reason of its own. */
static const char *check_clipboard_audit(const struct tsr_kiosk_clipboard_audit *m)
{
	bool targeted = m->event == TSR_KIOSK_CLIPBOARD_PASTE ||
			m->event == TSR_KIOSK_CLIPBOARD_REFUSED;
	bool reason_ok;

	if (m->seq == 0)
		return "request with seq 0";
	if (!tsr_kiosk_clipboard_event_name(m->event) || !tsr_kiosk_clipboard_reason_name(m->reason))
		return "unknown clipboard event";
	switch (m->event) {
	case TSR_KIOSK_CLIPBOARD_REFUSED:
		reason_ok = m->reason == TSR_KIOSK_CLIPBOARD_REASON_POLICY;
		break;
	case TSR_KIOSK_CLIPBOARD_EMPTIED:
		reason_ok = m->reason >= TSR_KIOSK_CLIPBOARD_REASON_LOCK;
		break;
	default:
		reason_ok = m->reason == TSR_KIOSK_CLIPBOARD_REASON_NONE;
		break;
	}
	if (!reason_ok)
		return "clipboard reason does not fit the event";
	if (m->size == 0 || m->size > TSR_CLIPBOARD_LIMIT)
		return "clipboard size out of range";
	if (!zero(m->pad, sizeof(m->pad)) || !zero(m->pad2, sizeof(m->pad2)))
		return "nonzero padding";
	if (!name_ok(m->source, false) || !name_ok(m->target, !targeted) ||
	    (!targeted && m->target[0]))
		return "bad clipboard domain";
	if (!sha256_hex_ok(m->sha256))
		return "clipboard sha256 is not 64 lowercase hex digits";
	return NULL;
}

/* "xxxx-xxxx-xxxx-xxxx" in lowercase hex (tsr_key_fingerprint), NUL-padded. */
static bool fingerprint_ok(const char *f)
{
	for (size_t i = 0; i < 19; i++)
		if (i % 5 == 4 ? f[i] != '-' : !(g_ascii_isdigit(f[i]) || (f[i] >= 'a' && f[i] <= 'f')))
			return false;
	return zero(f + 19, TSR_KIOSK_FINGERPRINT_SIZE - 19);
}

static const char *check_enrol(const struct tsr_kiosk_enrol *m)
{
	bool offer = m->state == TSR_KIOSK_ENROL_OFFER;

	if (m->state > TSR_KIOSK_ENROL_REFUSED || (offer ? m->n_roots < 1 || m->n_roots > 4
						       : m->n_roots != 0))
		return "enrolment state out of range";
	if (!zero(m->pad, sizeof(m->pad)) || !text_ok(m->text, sizeof(m->text)) ||
	    (m->state == TSR_KIOSK_ENROL_REFUSED) != (m->text[0] != '\0'))
		return "bad enrolment text";
	if (offer ? !name_ok(m->organization, false) || !name_ok(m->group, false) ||
			    !fingerprint_ok(m->fingerprint)
		  : !zero(m->organization, sizeof(m->organization)) ||
			    !zero(m->group, sizeof(m->group)) ||
			    !zero(m->fingerprint, sizeof(m->fingerprint)))
		return "bad enrolment identity";
	return NULL;
}

bool tsr_kiosk_disk_name_ok(const char *name)
{
	size_t n = strnlen(name, TSR_KIOSK_DISK_SIZE);

	if (n == 0 || n >= TSR_KIOSK_DISK_SIZE || !g_ascii_islower(name[0]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!g_ascii_islower(name[i]) && !g_ascii_isdigit(name[i]))
			return false;
	return true;
}

/* The disk field: a disk name, NUL-padded, or all zero where empty_ok. */
static bool disk_field_ok(const char *field, bool empty_ok)
{
	if (!field[0])
		return empty_ok && zero(field, TSR_KIOSK_DISK_SIZE);
	return tsr_kiosk_disk_name_ok(field) && text_ok(field, TSR_KIOSK_DISK_SIZE);
}

static const char *check_install(const struct tsr_kiosk_install *m)
{
	if (m->state < TSR_KIOSK_INSTALL_OFFER || m->state > TSR_KIOSK_INSTALL_FAILED)
		return "install state out of range";
	if (m->reserved)
		return "nonzero reserved field";
	if (!disk_field_ok(m->disk, false) || m->size_bytes == 0)
		return "bad install disk";
	if (!text_ok(m->model, sizeof(m->model)) || !text_ok(m->text, sizeof(m->text)) ||
	    (m->state == TSR_KIOSK_INSTALL_OFFER) != (m->text[0] == '\0'))
		return "bad install text";
	return NULL;
}

static const char *check_install_answer(const struct tsr_kiosk_install_answer *m)
{
	if (m->seq == 0)
		return "request with seq 0";
	if (m->accept > 1)
		return "install answer not 0 or 1";
	if (!disk_field_ok(m->disk, !m->accept) || (!m->accept && m->disk[0]))
		return "bad install answer disk";
	return NULL;
}

/* buf holds a whole message of a known type and its size. */
static const char *check_body(const void *buf, uint16_t type)
{
	switch (type) {
	case TSR_KIOSK_LOGIN:
	case TSR_KIOSK_UNLOCK:
		return check_login(buf);
	case TSR_KIOSK_LIST:
	case TSR_KIOSK_LOGOUT:
	case TSR_KIOSK_LOCK:
	case TSR_KIOSK_LOCK_SHOWN:
		return check_request(buf);
	case TSR_KIOSK_PICK:
	case TSR_KIOSK_STOP:
	case TSR_KIOSK_FOCUS:
	case TSR_KIOSK_RESTART_VIEWER:
		return check_domain_request(buf, type);
	case TSR_KIOSK_BRIGHTNESS: {
		const struct tsr_kiosk_brightness *m = buf;
		if (m->seq == 0)
			return "request with seq 0";
		return m->step == 1 || m->step == -1 ? NULL : "brightness step not +1 or -1";
	}
	case TSR_KIOSK_ENROL_ANSWER: {
		const struct tsr_kiosk_enrol_answer *m = buf;
		if (m->seq == 0)
			return "request with seq 0";
		return m->accept <= 1 ? NULL : "enrolment answer not 0 or 1";
	}
	case TSR_KIOSK_ENROL:
		return check_enrol(buf);
	case TSR_KIOSK_INSTALL:
		return check_install(buf);
	case TSR_KIOSK_INSTALL_ANSWER:
		return check_install_answer(buf);
	case TSR_KIOSK_REPLY:
		return check_reply(buf);
	case TSR_KIOSK_DOMAIN:
		return check_domain(buf);
	case TSR_KIOSK_NOTIFY:
		return check_notify(buf);
	case TSR_KIOSK_SESSION:
		return check_session(buf);
	case TSR_KIOSK_SETTINGS:
		return check_settings(buf);
	case TSR_KIOSK_DEVICE:
		return check_device(buf);
	case TSR_KIOSK_CLIPBOARD:
		return check_clipboard(buf);
	case TSR_KIOSK_CLIPBOARD_AUDIT:
		return check_clipboard_audit(buf);
	case TSR_KIOSK_CONSOLE:
		return zero((const uint8_t *)buf + sizeof(struct tsr_frame_header),
			    sizeof(struct tsr_kiosk_console) - sizeof(struct tsr_frame_header))
			       ? NULL
			       : "nonzero reserved field";
	case TSR_KIOSK_POWER: {
		const struct tsr_kiosk_power *m = buf;
		if (!zero(m->reserved, sizeof(m->reserved)))
			return "nonzero reserved field";
		return text_ok(m->text, sizeof(m->text)) ? NULL : "bad power text";
	}
	}
	return "unknown message type";
}

int tsr_kiosk_msg_check(const void *buf, size_t len, const char **why)
{
	struct tsr_frame_header h;
	const char *dummy, *problem;

	if (!why)
		why = &dummy;
	if (tsr_frame_check(buf, len, TSR_KIOSK_PROTO_VERSION, &h) < 0) {
		*why = errno == EPROTO ? "wrong protocol version" : "bad frame header";
		return -1;
	}
	if (tsr_kiosk_msg_size(h.type) == 0)
		problem = "unknown message type";
	else if (len != tsr_kiosk_msg_size(h.type))
		problem = "wrong size for its type";
	else
		problem = check_body(buf, h.type);
	if (problem) {
		errno = EBADMSG;
		*why = problem;
		return -1;
	}
	return 0;
}

void tsr_kiosk_set_string(char *field, size_t size, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	const char *end = NULL;

	memset(field, 0, size);
	if (n >= size)
		n = size - 1;
	/* Keep only whole, valid characters so the field passes text_ok. */
	if (n && !g_utf8_validate(s, (gssize)n, &end))
		n = (size_t)(end - s);
	if (n)
		memcpy(field, s, n);
}

static void pack(struct tsr_kiosk_combo *out, const struct tsr_policy_combo *in)
{
	*out = (struct tsr_kiosk_combo){ in->mods, in->code };
}

void tsr_kiosk_hotkeys_pack(struct tsr_kiosk_hotkeys *out, const struct tsr_policy_hotkeys *in)
{
	memset(out, 0, sizeof(*out));
	pack(&out->sas, &in->sas);
	pack(&out->lock, &in->lock);
	pack(&out->cycle, &in->cycle);
	pack(&out->cycle_back, &in->cycle_back);
	pack(&out->layout, &in->layout);
	pack(&out->copy, &in->copy);
	pack(&out->paste, &in->paste);
	pack(&out->output_left, &in->output_left);
	pack(&out->output_right, &in->output_right);
	out->focus_mods = in->focus_mods;
}

static void unpack(struct tsr_policy_combo *out, const struct tsr_kiosk_combo *in)
{
	*out = (struct tsr_policy_combo){ in->mods & TSR_POLICY_MOD_ALL, (uint16_t)in->code };
}

void tsr_kiosk_hotkeys_unpack(struct tsr_policy_hotkeys *out, const struct tsr_kiosk_hotkeys *in)
{
	unpack(&out->sas, &in->sas);
	unpack(&out->lock, &in->lock);
	unpack(&out->cycle, &in->cycle);
	unpack(&out->cycle_back, &in->cycle_back);
	unpack(&out->layout, &in->layout);
	unpack(&out->copy, &in->copy);
	unpack(&out->paste, &in->paste);
	unpack(&out->output_left, &in->output_left);
	unpack(&out->output_right, &in->output_right);
	out->focus_mods = in->focus_mods & TSR_POLICY_MOD_ALL;
}
