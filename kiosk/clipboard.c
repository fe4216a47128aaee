/* kiosk/clipboard.c: dom0's trusted clipboard (see clipboard.h). */
#include "config.h"
#include "kiosk/clipboard.h"

#include <glib.h>
#include <stdarg.h>
#include <string.h>

struct tsr_kiosk_clipboard {
	struct tsr_kiosk_clipboard_ops ops;
	void *data;
	uint32_t max_bytes;
	bool locked;
	char *waiting;   /* the domain asked to copy, until it answers */
	guint waiting_timer;
	unsigned answer_ms;
	char *source;    /* where the held text came from; NULL when empty */
	char *text;
	size_t length;
	char sha256[65];
	char summary[160];
};

struct tsr_kiosk_clipboard *tsr_kiosk_clipboard_create(const struct tsr_kiosk_clipboard_ops *ops,
						       void *data, uint32_t max_bytes)
{
	struct tsr_kiosk_clipboard *c = g_new0(struct tsr_kiosk_clipboard, 1);

	c->ops = *ops;
	c->data = data;
	c->answer_ms = TSR_KIOSK_CLIPBOARD_ANSWER_MS;
	tsr_kiosk_clipboard_set_max_bytes(c, max_bytes);
	return c;
}

static void forget_text(struct tsr_kiosk_clipboard *c)
{
	if (c->text)
		explicit_bzero(c->text, c->length);
	g_clear_pointer(&c->text, g_free);
	g_clear_pointer(&c->source, g_free);
	c->length = 0;
	c->sha256[0] = '\0';
	c->summary[0] = '\0';
}

/* No copy is waiting for an answer any more. */
static void stop_waiting(struct tsr_kiosk_clipboard *c)
{
	g_clear_handle_id(&c->waiting_timer, g_source_remove);
	g_clear_pointer(&c->waiting, g_free);
}

void tsr_kiosk_clipboard_destroy(struct tsr_kiosk_clipboard *c)
{
	if (!c)
		return;
	forget_text(c);
	stop_waiting(c);
	g_free(c);
}

void tsr_kiosk_clipboard_set_answer_ms(struct tsr_kiosk_clipboard *c, unsigned ms)
{
	c->answer_ms = ms;
}

void tsr_kiosk_clipboard_set_max_bytes(struct tsr_kiosk_clipboard *c, uint32_t max_bytes)
{
	c->max_bytes = CLAMP(max_bytes, 1u, TSR_CLIPBOARD_LIMIT);
}

static void notify(struct tsr_kiosk_clipboard *c, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static void notify(struct tsr_kiosk_clipboard *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	g_autofree char *text = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	c->ops.notify(c->data, text);
}

/* "clipboard-EVENT source=A [target=B] size=N sha256=H [reason=R]": never the text. */
static void audit(struct tsr_kiosk_clipboard *c, const char *event, const char *target,
		  const char *reason)
{
	g_autofree char *line = g_strdup_printf(
		"clipboard-%s source=%s%s%s size=%zu sha256=%s%s%s", event, c->source,
		target ? " target=" : "", target ? target : "", c->length, c->sha256,
		reason ? " reason=" : "", reason ? reason : "");
	struct tsr_kiosk_clipboard_record r = { event, c->source, target, reason, c->length,
						c->sha256 };
	c->ops.audit(c->data, line, &r);
}

/* The domain never answered: the user hears so, and a late answer is ignored (the gate in
 * proto/clipboard.c still takes it as the answer to its request, so it counts as no breach). */
static gboolean answer_overdue(gpointer data)
{
	struct tsr_kiosk_clipboard *c = data;

	c->waiting_timer = 0;
	notify(c, "Nothing copied: %s did not answer", c->waiting);
	g_clear_pointer(&c->waiting, g_free);
	return G_SOURCE_REMOVE;
}

static void changed(struct tsr_kiosk_clipboard *c)
{
	if (c->ops.changed)
		c->ops.changed(c->data);
}

bool tsr_kiosk_clipboard_copy(struct tsr_kiosk_clipboard *c, const char *domain)
{
	if (c->locked)
		return false;
	if (!domain) {
		notify(c, "Nothing to copy from: focus a domain first");
		return false;
	}
	if (!c->ops.request(c->data, domain, c->max_bytes)) {
		notify(c, "Cannot copy from %s: its display is not connected", domain);
		return false;
	}
	stop_waiting(c);
	c->waiting = g_strdup(domain);
	c->waiting_timer = g_timeout_add(c->answer_ms, answer_overdue, c);
	return true;
}

static const char *empty_reason(uint32_t reason)
{
	switch (reason) {
	case TSR_CLIPBOARD_EMPTY_NOT_TEXT: return "holds no text";
	case TSR_CLIPBOARD_EMPTY_TOO_LARGE: return "holds more text than policy allows";
	case TSR_CLIPBOARD_EMPTY_NO_AGENT: return "runs no clipboard agent";
	default: return "has nothing copied";
	}
}

/* "850 bytes", "1.2 kB", "1.0 MB": the same in every locale (the trusted top bar's text). */
static void human_size(size_t n, char *out, size_t len)
{
	if (n < 1000)
		g_snprintf(out, len, "%zu bytes", n);
	else if (n < 1000000)
		g_snprintf(out, len, "%zu.%zu kB", n / 1000, n % 1000 / 100);
	else
		g_snprintf(out, len, "%zu.%zu MB", n / 1000000, n % 1000000 / 100000);
}

void tsr_kiosk_clipboard_answer(struct tsr_kiosk_clipboard *c, const char *domain,
				struct tsr_clipboard_answer *a)
{
	if (a->unasked || !c->waiting || strcmp(c->waiting, domain) != 0 || c->locked)
		return;
	stop_waiting(c);
	if (!a->text) {
		notify(c, "Nothing copied: %s %s", domain, empty_reason(a->reason));
		return;
	}
	forget_text(c);
	c->source = g_strdup(domain);
	c->text = a->text;
	c->length = a->length;
	a->text = NULL;
	g_autofree char *hex = g_compute_checksum_for_data(G_CHECKSUM_SHA256,
							   (const guchar *)c->text, c->length);
	g_strlcpy(c->sha256, hex, sizeof(c->sha256));
	char size[32];
	human_size(c->length, size, sizeof(size));
	g_snprintf(c->summary, sizeof(c->summary), "Clipboard: %s from %s", size, domain);
	audit(c, "copy", NULL, NULL);
	changed(c);
}

bool tsr_kiosk_clipboard_paste(struct tsr_kiosk_clipboard *c, const char *domain)
{
	if (c->locked || !domain)
		return false;
	if (!c->text) {
		notify(c, "The clipboard is empty: copy in a domain first");
		return false;
	}
	if (!c->ops.allows(c->data, c->source, domain)) {
		audit(c, "refused", domain, "policy");
		notify(c, "Policy does not allow pasting from %s into %s", c->source, domain);
		return false;
	}
	if (!c->ops.paste(c->data, domain, c->text, c->length)) {
		notify(c, "Cannot paste into %s: its display is not connected", domain);
		return false;
	}
	audit(c, "paste", domain, NULL);
	forget_text(c);
	changed(c);
	return true;
}

static void empty(struct tsr_kiosk_clipboard *c, const char *why)
{
	stop_waiting(c);
	if (!c->text)
		return;
	audit(c, "emptied", NULL, why);
	forget_text(c);
	changed(c);
}

void tsr_kiosk_clipboard_set_locked(struct tsr_kiosk_clipboard *c, bool locked)
{
	c->locked = locked;
	if (locked)
		empty(c, "lock");
}

void tsr_kiosk_clipboard_clear(struct tsr_kiosk_clipboard *c, const char *why)
{
	empty(c, why);
}

void tsr_kiosk_clipboard_domain_gone(struct tsr_kiosk_clipboard *c, const char *domain)
{
	if (c->waiting && strcmp(c->waiting, domain) == 0)
		stop_waiting(c);
	if (c->source && strcmp(c->source, domain) == 0)
		empty(c, "source-gone");
}

const char *tsr_kiosk_clipboard_summary(const struct tsr_kiosk_clipboard *c, const char **source)
{
	if (source)
		*source = c->source;
	return c->text ? c->summary : NULL;
}
