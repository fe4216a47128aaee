/* kiosk/broker-clipboard.c: the trusted clipboard on the broker's policy and audit log (see
 * broker-clipboard.h). */
#include "config.h"
#include "kiosk/broker-clipboard.h"

#include "common/log.h"
#include "kiosk/clipboard.h"
#include "policy/policy.h"

#include <string.h>

struct tsr_broker_clipboard {
	struct tsr_kiosk_heads *heads;
	struct tsr_displays *displays;
	struct tsr_session *session;
	struct tsr_kiosk_clipboard *clipboard; /* NULL until the broker's first CLIPBOARD */
	/* The flows as policy/policy.h types them, so the one matcher judges them. */
	struct tsr_kiosk_clipboard flows_msg;
	struct tsr_policy_clipboard_flow flows[TSR_KIOSK_CLIPBOARD_FLOWS];
	struct tsr_policy policy;
	char user[TSR_KIOSK_NAME_SIZE]; /* whose text it may hold; "" nobody logged in */
};

/* The viewers move the text; only policy, the notes and the audit are broker mode's own. */
static bool op_request(void *d, const char *domain, uint32_t max_bytes)
{
	return tsr_displays_clipboard_request(((struct tsr_broker_clipboard *)d)->displays, domain,
					      max_bytes);
}

static bool op_paste(void *d, const char *domain, const char *text, size_t len)
{
	return tsr_displays_clipboard_paste(((struct tsr_broker_clipboard *)d)->displays, domain,
					    text, len);
}

static bool op_allows(void *d, const char *from, const char *to)
{
	return tsr_policy_clipboard_allows(&((struct tsr_broker_clipboard *)d)->policy, from, to);
}

static void op_notify(void *d, const char *text)
{
	tsr_session_notify_local(((struct tsr_broker_clipboard *)d)->session, text);
}

static uint8_t code_of(const char *name, const char *(*name_of)(uint32_t))
{
	for (uint32_t i = 0; i < 16; i++)
		if (name_of(i) && strcmp(name_of(i), name ? name : "") == 0)
			return (uint8_t)i;
	return 0;
}

/* The broker writes the line to its audit log; the kiosk keeps none of its own. */
static void op_audit(void *d, const char *line, const struct tsr_kiosk_clipboard_record *r)
{
	struct tsr_broker_clipboard *c = d;
	struct tsr_kiosk_clipboard_audit m = { 0 };

	tsr_info("audit: %s", line);
	m.event = code_of(r->event, tsr_kiosk_clipboard_event_name);
	m.reason = code_of(r->reason, tsr_kiosk_clipboard_reason_name);
	m.size = (uint32_t)r->size;
	tsr_kiosk_set_string(m.source, sizeof(m.source), r->source);
	tsr_kiosk_set_string(m.target, sizeof(m.target), r->target);
	tsr_kiosk_set_string(m.sha256, sizeof(m.sha256), r->sha256);
	tsr_session_clipboard_report(c->session, &m);
}

/* The top bar follows the clipboard: its text on the source domain's label colour. */
static void op_changed(void *d)
{
	struct tsr_broker_clipboard *c = d;
	const char *source = NULL;
	const char *text = tsr_kiosk_clipboard_summary(c->clipboard, &source);
	const struct tsr_kiosk_domain_info *info = source ? tsr_session_find(c->session, source)
							  : NULL;
	GError *error = NULL;

	if (!tsr_kiosk_heads_set_clipboard(c->heads, text, info ? info->colour : TSR_COLOR_GRAY,
					   &error)) {
		tsr_warn("clipboard text: %s", error->message);
		g_error_free(error);
	}
}

static const struct tsr_kiosk_clipboard_ops ops = {
	op_request, op_paste, op_allows, op_notify, op_audit, op_changed,
};

struct tsr_broker_clipboard *tsr_broker_clipboard_create(struct tsr_kiosk_heads *heads,
							 struct tsr_displays *displays,
							 struct tsr_session *session)
{
	struct tsr_broker_clipboard *c = g_new0(struct tsr_broker_clipboard, 1);

	*c = (struct tsr_broker_clipboard){ .heads = heads, .displays = displays,
					    .session = session };
	c->policy.clipboard.flows = c->flows;
	return c;
}

void tsr_broker_clipboard_destroy(struct tsr_broker_clipboard *c)
{
	if (c)
		tsr_kiosk_clipboard_destroy(c->clipboard);
	g_free(c);
}

void tsr_broker_clipboard_policy(struct tsr_broker_clipboard *c,
				 const struct tsr_kiosk_clipboard *m)
{
	c->flows_msg = *m;
	for (uint32_t i = 0; i < m->n_flows; i++)
		c->flows[i] = (struct tsr_policy_clipboard_flow){ NULL, c->flows_msg.flows[i].from,
								  c->flows_msg.flows[i].to };
	c->policy.clipboard.n_flows = m->n_flows;
	c->policy.clipboard.max_bytes = m->max_bytes;
	if (c->clipboard) {
		tsr_kiosk_clipboard_set_max_bytes(c->clipboard, m->max_bytes);
		return;
	}
	c->clipboard = tsr_kiosk_clipboard_create(&ops, c, m->max_bytes);
	tsr_broker_clipboard_session_changed(c);
	tsr_info("clipboard: max-bytes %u, %u flows from the broker", m->max_bytes, m->n_flows);
}

bool tsr_broker_clipboard_enabled(const struct tsr_broker_clipboard *c)
{
	return c->clipboard != NULL;
}

void tsr_broker_clipboard_hotkey(struct tsr_broker_clipboard *c, bool copy, const char *domain)
{
	if (!c->clipboard)
		return;
	if (copy)
		(void)tsr_kiosk_clipboard_copy(c->clipboard, domain);
	else
		(void)tsr_kiosk_clipboard_paste(c->clipboard, domain);
}

void tsr_broker_clipboard_session_changed(struct tsr_broker_clipboard *c)
{
	enum tsr_kiosk_screen screen = tsr_session_screen(c->session);
	const char *user = tsr_session_user(c->session);

	if (!c->clipboard)
		return;
	if (!user)
		user = "";
	if (c->user[0] && strcmp(user, c->user) != 0)
		tsr_kiosk_clipboard_clear(c->clipboard, user[0] ? "user-switch" : "logout");
	if (user[0])
		g_strlcpy(c->user, user, sizeof(c->user));
	else
		c->user[0] = '\0';
	tsr_kiosk_clipboard_set_locked(c->clipboard, screen != TSR_KIOSK_SCREEN_PICKER &&
							     screen != TSR_KIOSK_SCREEN_DESKTOP);
}

void tsr_broker_clipboard_answer(struct tsr_broker_clipboard *c, const char *domain,
				 struct tsr_clipboard_answer *answer)
{
	if (c->clipboard)
		tsr_kiosk_clipboard_answer(c->clipboard, domain, answer);
}

void tsr_broker_clipboard_gone(struct tsr_broker_clipboard *c, const char *domain)
{
	if (!c->clipboard)
		return;
	/* A logout takes every domain off the desktop before the screens change: say so. */
	if (tsr_session_ending(c->session))
		tsr_kiosk_clipboard_clear(c->clipboard, "logout");
	tsr_kiosk_clipboard_domain_gone(c->clipboard, domain);
}
