/* kiosk/standalone-clipboard.c: the trusted clipboard driven from a FIFO (see .h). */
#include "config.h"
#include "kiosk/standalone-clipboard.h"
#include "common/log.h"
#include "kiosk/clipboard.h"
#include "policy/policy.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <string.h>
#include <unistd.h>

struct tsr_standalone_clipboard {
	struct tsr_scene *scene;
	struct tsr_displays *displays;
	struct tsr_policy *policy;
	struct tsr_kiosk_clipboard *clipboard;
	void (*event)(const char *fmt, ...);
	int fifo;
	guint watch;
	GString *line;
};

static bool op_request(void *d, const char *domain, uint32_t max_bytes)
{
	struct tsr_standalone_clipboard *c = d;
	return tsr_displays_clipboard_request(c->displays, domain, max_bytes);
}

static bool op_paste(void *d, const char *domain, const char *text, size_t len)
{
	struct tsr_standalone_clipboard *c = d;
	return tsr_displays_clipboard_paste(c->displays, domain, text, len);
}

static bool op_allows(void *d, const char *from, const char *to)
{
	struct tsr_standalone_clipboard *c = d;
	return tsr_policy_clipboard_allows(c->policy, from, to);
}

static void op_notify(void *d, const char *text)
{
	struct tsr_standalone_clipboard *c = d;
	GError *error = NULL;

	c->event("notify %s", text);
	if (!tsr_scene_set_notification(c->scene, text, &error)) {
		tsr_warn("notification: %s", error->message);
		g_error_free(error);
	}
}

static void op_audit(void *d, const char *line, const struct tsr_kiosk_clipboard_record *r)
{
	(void)r;
	struct tsr_standalone_clipboard *c = d;

	tsr_info("audit: %s", line);
	c->event("audit %s", line);
}

/* The top bar follows the clipboard: its text on the source domain's label colour. */
static void op_changed(void *d)
{
	struct tsr_standalone_clipboard *c = d;
	const char *source = NULL;
	const char *text = tsr_kiosk_clipboard_summary(c->clipboard, &source);
	const struct tsr_policy_domain *pd = tsr_policy_find_domain(c->policy, source);
	enum tsr_color colour = TSR_COLOR_GRAY;
	GError *error = NULL;

	if (pd && !tsr_color_parse(tsr_policy_colour_name(pd->colour), &colour))
		colour = TSR_COLOR_GRAY;

	c->event("clipboard %s", text ? text : "");
	if (!tsr_scene_set_clipboard(c->scene, text, colour, &error)) {
		tsr_warn("clipboard text: %s", error->message);
		g_error_free(error);
	}
}

static const struct tsr_kiosk_clipboard_ops ops = {
	op_request, op_paste, op_allows, op_notify, op_audit, op_changed,
};

static void command(struct tsr_standalone_clipboard *c, const char *line)
{
	if (g_str_has_prefix(line, "copy "))
		(void)tsr_kiosk_clipboard_copy(c->clipboard, line + 5);
	else if (g_str_has_prefix(line, "paste "))
		(void)tsr_kiosk_clipboard_paste(c->clipboard, line + 6);
	else if (strcmp(line, "lock") == 0 || strcmp(line, "unlock") == 0)
		tsr_kiosk_clipboard_set_locked(c->clipboard, line[0] == 'l');
	else if (strcmp(line, "logout") == 0)
		tsr_kiosk_clipboard_clear(c->clipboard, "logout");
	else
		tsr_warn("clipboard commands: '%s' is not copy NAME, paste NAME, lock, unlock or "
			 "logout", line);
}

static gboolean on_fifo(gint fd, GIOCondition cond, gpointer data)
{
	struct tsr_standalone_clipboard *c = data;
	char buf[256];
	ssize_t n;

	(void)cond;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] != '\n') {
				if (c->line->len < 256)
					g_string_append_c(c->line, buf[i]);
				continue;
			}
			command(c, c->line->str);
			g_string_truncate(c->line, 0);
		}
	}
	return G_SOURCE_CONTINUE;
}

/* The shown domains and the flows as a bundle's text, for the one parser to judge. */
static struct tsr_policy *load_policy(const char *const *names, const enum tsr_color *colours,
				      int n, const char *allow, uint32_t max_bytes, GError **error)
{
	GString *text = g_string_new("[policy]\norganization = standalone\n"
				     "laptop-group = standalone\n");
	for (int i = 0; i < n; i++)
		g_string_append_printf(text, "[domain %s]\ncolour = %s\nbackend = sim\n"
				       "memory-mib = 16\n", names[i], tsr_color_name(colours[i]));
	g_string_append_printf(text, "[clipboard]\nmax-bytes = %u\n",
			       max_bytes ? max_bytes : TSR_POLICY_CLIPBOARD_MAX_BYTES_DEFAULT);
	if (allow)
		g_string_append_printf(text, "allow = %s\n", allow);
	struct tsr_policy *p = tsr_policy_load_canonical(text->str, text->len, error);
	g_string_free(text, TRUE);
	return p;
}

struct tsr_standalone_clipboard *
tsr_standalone_clipboard_create(struct tsr_scene *scene, struct tsr_displays *displays,
				const char *const *names, const enum tsr_color *colours, int n,
				const char *allow, uint32_t max_bytes, const char *commands,
				void (*event)(const char *fmt, ...), GError **error)
{
	struct tsr_standalone_clipboard *c = g_new0(struct tsr_standalone_clipboard, 1);

	c->scene = scene;
	c->displays = displays;
	c->event = event;
	c->fifo = -1;
	c->line = g_string_new(NULL);
	c->policy = load_policy(names, colours, n, allow, max_bytes, error);
	if (!c->policy) {
		tsr_standalone_clipboard_destroy(c);
		return NULL;
	}
	c->clipboard = tsr_kiosk_clipboard_create(&ops, c, c->policy->clipboard.max_bytes);
	if (commands) {
		/* Read and write: the FIFO never reads as ended when a test's writer closes it. */
		c->fifo = open(commands, O_RDWR | O_NONBLOCK | O_CLOEXEC);
		if (c->fifo < 0) {
			g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno),
				    "%s: %s", commands, g_strerror(errno));
			tsr_standalone_clipboard_destroy(c);
			return NULL;
		}
		c->watch = g_unix_fd_add(c->fifo, G_IO_IN, on_fifo, c);
	}
	return c;
}

void tsr_standalone_clipboard_destroy(struct tsr_standalone_clipboard *c)
{
	if (!c)
		return;
	g_clear_handle_id(&c->watch, g_source_remove);
	if (c->fifo >= 0)
		close(c->fifo);
	tsr_kiosk_clipboard_destroy(c->clipboard);
	tsr_policy_free(c->policy);
	g_string_free(c->line, TRUE);
	g_free(c);
}

void tsr_standalone_clipboard_answer(struct tsr_standalone_clipboard *c, const char *domain,
				     struct tsr_clipboard_answer *answer)
{
	tsr_kiosk_clipboard_answer(c->clipboard, domain, answer);
}

void tsr_standalone_clipboard_gone(struct tsr_standalone_clipboard *c, const char *domain)
{
	tsr_kiosk_clipboard_domain_gone(c->clipboard, domain);
}
