/* broker/clipboard.c: the broker's side of dom0's trusted clipboard (kiosk/clipboard.h).
 *
 * The kiosk holds the text and moves it; the broker owns the policy and the audit log. So the
 * broker tells each kiosk policy's [clipboard] (CLIPBOARD, doc/kiosk-protocol.md) and writes
 * what the kiosk reports (CLIPBOARD_AUDIT) to the audit log as a "clipboard" event, after
 * checking it against that policy: a report naming a domain the policy does not have, a size
 * over max-bytes or a paste along a flow the policy refuses is refused and audited as such,
 * never written as if it happened. The text itself never reaches the broker. */
#include "config.h"
#include "broker/broker-private.h"

#include "common/log.h"
#include "proto/clipboard.h"

#include <string.h>

void brk_clipboard_send(struct tsr_broker *b)
{
	struct tsr_kiosk_clipboard m = { 0 };
	const struct tsr_policy_clipboard *c;

	if (!b->policy)
		return;
	c = &b->policy->clipboard;
	m.max_bytes = MIN(c->max_bytes ? c->max_bytes : TSR_POLICY_CLIPBOARD_MAX_BYTES_DEFAULT,
			  TSR_CLIPBOARD_LIMIT);
	for (size_t i = 0; i < c->n_flows && m.n_flows < TSR_KIOSK_CLIPBOARD_FLOWS; i++) {
		tsr_kiosk_set_string(m.flows[m.n_flows].from, TSR_KIOSK_NAME_SIZE, c->flows[i].from);
		tsr_kiosk_set_string(m.flows[m.n_flows].to, TSR_KIOSK_NAME_SIZE, c->flows[i].to);
		m.n_flows++;
	}
	if (c->n_flows > TSR_KIOSK_CLIPBOARD_FLOWS)
		tsr_warn("clipboard: policy has %zu flows, the kiosk gets the first %u (the rest "
			 "are refused)", c->n_flows, TSR_KIOSK_CLIPBOARD_FLOWS);
	brk_kiosk_send(b, &m, TSR_KIOSK_CLIPBOARD, -1);
}

/* Why the report cannot be true under the current policy, or NULL. */
static const char *implausible(struct tsr_broker *b, const struct tsr_kiosk_clipboard_audit *m)
{
	if (!b->policy)
		return "no policy";
	if (!tsr_policy_find_domain(b->policy, m->source))
		return "unknown source domain";
	if (m->target[0] && !tsr_policy_find_domain(b->policy, m->target))
		return "unknown target domain";
	/* What is emptied was taken under the policy of its copy, which a reload may have
	 * lowered since. */
	if (m->size > b->policy->clipboard.max_bytes && m->event != TSR_KIOSK_CLIPBOARD_EMPTIED)
		return "larger than max-bytes";
	if (m->event == TSR_KIOSK_CLIPBOARD_PASTE &&
	    !tsr_policy_clipboard_allows(b->policy, m->source, m->target))
		return "a flow policy refuses";
	return NULL;
}

enum tsr_kiosk_status brk_clipboard_report(struct tsr_broker *b,
					   const struct tsr_kiosk_clipboard_audit *m,
					   const char **message)
{
	const char *why = implausible(b, m);
	g_autofree char *size = g_strdup_printf("%" G_GUINT32_FORMAT, m->size);
	const char *reason = tsr_kiosk_clipboard_reason_name(m->reason);

	if (why) {
		brk_audit(b, "refused", "user", b->user ? b->user : "", "domain", m->source,
			  "reason", "clipboard report", "detail", why, NULL);
		*message = "The clipboard report does not fit the policy.";
		return TSR_KIOSK_E_FORBIDDEN;
	}
	brk_audit(b, "clipboard", "action", tsr_kiosk_clipboard_event_name(m->event), "user",
		  b->user ? b->user : "", "source", m->source, "target", m->target, "size", size,
		  "sha256", m->sha256, "reason", reason, NULL);
	*message = "";
	return TSR_KIOSK_OK;
}
