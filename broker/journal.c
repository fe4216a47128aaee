/* broker/journal.c: messages and audit events to the journal's native protocol (see
 * journal.h). */
#include "config.h"
#include "broker/journal.h"

#define SD_JOURNAL_SUPPRESS_LOCATION /* the fields say where; CODE_FILE would be noise */
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <syslog.h>
#include <systemd/sd-journal.h>

#define JOURNAL_SOCKET "/run/systemd/journal/socket"

bool tsr_journal_available(void)
{
	struct stat st;

	return stat(JOURNAL_SOCKET, &st) == 0 && S_ISSOCK(st.st_mode);
}

static const int priorities[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };

bool tsr_journal_log(enum tsr_log_level level, const char *ident, const char *message)
{
	if ((unsigned)level >= G_N_ELEMENTS(priorities))
		level = TSR_LOG_DEBUG;
	return sd_journal_send("MESSAGE=%s", message, "PRIORITY=%d", priorities[level],
			       "SYSLOG_IDENTIFIER=%s", ident, NULL) >= 0;
}

/* "usb_id" -> "TESSERA_USB_ID"; journal field names are upper-case letters, digits and '_'. */
static char *field_name(const char *member)
{
	GString *s = g_string_new("TESSERA_");

	for (const char *p = member; *p && s->len < 64; p++)
		g_string_append_c(s, g_ascii_isalnum(*p) ? g_ascii_toupper(*p) : '_');
	return g_string_free(s, FALSE);
}

/* A member's value as text, NULL for arrays, objects and nulls (not fields of their own). */
static char *member_text(JsonNode *node)
{
	if (!JSON_NODE_HOLDS_VALUE(node))
		return NULL;
	switch (json_node_get_value_type(node)) {
	case G_TYPE_STRING:
		return g_strdup(json_node_get_string(node));
	case G_TYPE_INT64:
		return g_strdup_printf("%" G_GINT64_FORMAT, json_node_get_int(node));
	case G_TYPE_BOOLEAN:
		return g_strdup(json_node_get_boolean(node) ? "true" : "false");
	case G_TYPE_DOUBLE:
		return g_strdup_printf("%g", json_node_get_double(node));
	default:
		return NULL;
	}
}

/* Refusals and failures stand out at warning; everything else is a notice. */
static int event_priority(const char *event)
{
	static const char *const loud[] = { "fail", "refused", "torn", "missing", "unavailable" };

	for (size_t i = 0; i < G_N_ELEMENTS(loud); i++)
		if (strstr(event, loud[i]))
			return LOG_WARNING;
	return LOG_NOTICE;
}

GPtrArray *tsr_journal_audit_fields(const char *ident, const char *event, JsonObject *line)
{
	GPtrArray *f = g_ptr_array_new_with_free_func(g_free);
	GString *message = g_string_new("audit ");
	GList *names = json_object_get_members(line);

	g_string_append(message, event);
	g_ptr_array_add(f, g_strdup_printf("MESSAGE_ID=%s", tsr_audit_message_id(event)));
	g_ptr_array_add(f, g_strdup_printf("PRIORITY=%d", event_priority(event)));
	g_ptr_array_add(f, g_strdup_printf("SYSLOG_IDENTIFIER=%s", ident));
	for (GList *l = names; l; l = l->next) {
		const char *name = l->data;
		g_autofree char *text = member_text(json_object_get_member(line, name));
		g_autofree char *key = field_name(name);

		if (!text)
			continue;
		g_ptr_array_add(f, g_strdup_printf("%s=%s", key, text));
		/* The message repeats what a reader looks for; the chain and clock fields are in
		 * the fields and the audit file. */
		if (strcmp(name, "event") && strcmp(name, "time") && strcmp(name, "ts") &&
		    strcmp(name, "prev"))
			g_string_append_printf(message, " %s=%s", name, text);
	}
	g_list_free(names);
	g_ptr_array_add(f, g_strconcat("MESSAGE=", message->str, NULL));
	g_string_free(message, TRUE);
	return f;
}

bool tsr_journal_audit(const char *ident, const char *event, JsonObject *line)
{
	g_autoptr(GPtrArray) f = tsr_journal_audit_fields(ident, event, line);
	g_autofree struct iovec *iov = g_new(struct iovec, f->len);

	for (unsigned i = 0; i < f->len; i++) {
		iov[i].iov_base = f->pdata[i];
		iov[i].iov_len = strlen(f->pdata[i]);
	}
	return sd_journal_sendv(iov, (int)f->len) >= 0;
}
