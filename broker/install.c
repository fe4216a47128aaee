/* broker/install.c: the offer to install the laptop image from its stick onto an internal disk,
 * answered on the kiosk's trusted screen (doc/laptop-image.md, "Install").
 *
 * A laptop has no terminal, so the installer's question moves to the kiosk. The decision which
 * disks may be erased stays in one place, tessera-install: when the broker starts it asks
 * `tessera-install --list`, which answers only on a stick that is not an installed copy, with the
 * internal disks an install would accept (not the boot disk, not in use, large enough). The
 * broker offers the first one while nobody is logged in (session state INSTALL) and, on the
 * user's yes, runs `tessera-install --yes DISK` itself, as root, onto the disk it offered: the
 * kiosk only names the disk the user typed, and a name that is not the offered one changes
 * nothing. Every installer line reaches the screen as progress; the installer's reason when it
 * fails. Offer, confirmation, refusal, result: each is audited. */
#include "config.h"
#include "broker/broker-private.h"
#include "common/log.h"

#include <string.h>

#ifndef TSR_SBINDIR
#define TSR_SBINDIR "/usr/sbin"
#endif

#define PREFIX "tessera-install: "
#define REASON_MAX 4096
#define LIST_MAX 65536
#define LIST_MS 20000
/* In the run directory (gone at the next boot): the offer was answered this boot. */
#define ANSWERED "install-answered"

struct brk_install {
	struct tsr_broker *b;
	char *device;                  /* the offered disk as the installer named it (/dev/...) */
	struct tsr_kiosk_install shown; /* the last INSTALL sent; state 0: nothing on screen */
	GPid pid;                      /* the running installer; 0: none */
	guint watch, out_watch, err_watch;
	GIOChannel *out, *err;
	GString *reason;               /* the installer's first standard-error line */
};

/* The installer runs with a known environment: nothing of the broker's reaches a root tool
 * that erases disks. */
static const char *const installer_env[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C",
					     NULL };

static const char *installer(const struct brk_install *i)
{
	return i->b->cfg.installer ? i->b->cfg.installer : TSR_SBINDIR "/tessera-install";
}

bool brk_install_showing(const struct brk_install *i)
{
	return i && i->shown.state != 0 && i->b->session == SESSION_LOGIN;
}

void brk_install_resend(struct brk_install *i)
{
	if (brk_install_showing(i)) {
		struct tsr_kiosk_install m = i->shown;
		brk_kiosk_send(i->b, &m, TSR_KIOSK_INSTALL, -1);
	}
}

static void show(struct brk_install *i, enum tsr_kiosk_install_state state, const char *text)
{
	i->shown.state = state;
	tsr_kiosk_set_string(i->shown.text, sizeof(i->shown.text), text ? text : "");
	brk_install_resend(i);
}

/* Printable ASCII only (the kiosk refuses anything else), without the installer's prefix. */
static char *screen_text(const char *line)
{
	char *t = g_strdup(g_str_has_prefix(line, PREFIX) ? line + strlen(PREFIX) : line);

	g_strstrip(t);
	brk_printable(t);
	return t;
}

/* One --list line: PATH TAB BYTES TAB MODEL. False for anything else. */
bool brk_install_parse_line(const char *line, char **device, uint64_t *bytes, char **model)
{
	g_auto(GStrv) f = g_strsplit(line, "\t", 3);
	guint64 n = 0;

	if (g_strv_length(f) != 3 || !g_str_has_prefix(f[0], "/dev/") ||
	    !tsr_kiosk_disk_name_ok(f[0] + strlen("/dev/")) ||
	    !g_ascii_string_to_unsigned(f[1], 10, 1, G_MAXUINT64, &n, NULL))
		return false;
	*device = g_strdup(f[0]);
	*bytes = n;
	*model = g_strndup(f[2], TSR_KIOSK_MODEL_SIZE - 1);
	brk_printable(*model);
	return true;
}

/* Ask the installer which disks it would accept; offer the first. A hung lsblk or a dying
 * disk must not keep the broker from starting: the answer is bounded in time and size. */
static void find_offer(struct brk_install *i)
{
	const char *argv[] = { installer(i), "--list", NULL };
	g_autoptr(GError) error = NULL;
	int status = 0;
	bool timed_out = false;

	g_autofree char *answered = g_build_filename(i->b->run_dir, ANSWERED, NULL);

	if (!g_file_test(argv[0], G_FILE_TEST_IS_EXECUTABLE))
		return; /* not the image: nothing to install */
	if (g_file_test(answered, G_FILE_TEST_EXISTS))
		return; /* asked once this boot: a broker restart does not ask again */
	g_autoptr(GString) out = brk_run_bounded(argv, installer_env, -1, LIST_MAX, LIST_MS,
						 &status, &timed_out, &error);
	if (out && !timed_out && !g_spawn_check_wait_status(status, &error))
		g_string_truncate(out, 0);
	if (!out || timed_out || error) {
		tsr_warn("%s --list: %s", argv[0], timed_out ? "timed out" : error->message);
		return;
	}
	g_auto(GStrv) lines = g_strsplit(out->str, "\n", -1);
	for (size_t n = 0; lines[n]; n++) {
		g_autofree char *device = NULL, *model = NULL;
		uint64_t bytes = 0;
		if (!lines[n][0])
			continue;
		if (!brk_install_parse_line(lines[n], &device, &bytes, &model)) {
			tsr_warn("%s --list: a line that is no disk: %s", argv[0], lines[n]);
			continue;
		}
		if (i->device)
			continue; /* one offer; the others are for tessera-install by hand */
		i->device = g_steal_pointer(&device);
		i->shown = (struct tsr_kiosk_install){ .state = TSR_KIOSK_INSTALL_OFFER,
						       .size_bytes = bytes };
		tsr_kiosk_set_string(i->shown.disk, sizeof(i->shown.disk),
				     i->device + strlen("/dev/"));
		tsr_kiosk_set_string(i->shown.model, sizeof(i->shown.model), model);
	}
	if (i->device) {
		g_autofree char *size = g_strdup_printf("%" G_GUINT64_FORMAT, i->shown.size_bytes);
		tsr_info("offering to install onto %s", i->device);
		brk_audit(i->b, "install-offered", "device", i->device, "bytes", size, "model",
			  i->shown.model, NULL);
	}
}

struct brk_install *brk_install_create(struct tsr_broker *b)
{
	struct brk_install *i = g_new0(struct brk_install, 1);

	i->b = b;
	i->reason = g_string_new(NULL);
	find_offer(i);
	return i;
}

static void close_channel(GIOChannel **ch, guint *watch)
{
	if (*watch)
		g_source_remove(*watch);
	*watch = 0;
	if (*ch)
		g_io_channel_unref(*ch);
	*ch = NULL;
}

void brk_install_destroy(struct brk_install *i)
{
	if (!i)
		return;
	/* A running install goes on without the broker: stopping it halfway would leave the disk
	 * without a partition table, and it needs nobody's answer. */
	if (i->watch)
		g_source_remove(i->watch);
	if (i->pid)
		g_spawn_close_pid(i->pid);
	close_channel(&i->out, &i->out_watch);
	close_channel(&i->err, &i->err_watch);
	g_string_free(i->reason, TRUE);
	g_free(i->device);
	g_free(i);
}

/* Every whole line waiting on ch; at_eof: the rest too. */
static bool read_lines(struct brk_install *i, GIOChannel *ch, bool progress)
{
	for (;;) {
		g_autofree char *line = NULL;
		gsize len = 0;
		GIOStatus st = g_io_channel_read_line(ch, &line, &len, NULL, NULL);
		if (st != G_IO_STATUS_NORMAL)
			return st == G_IO_STATUS_AGAIN;
		g_autofree char *text = screen_text(line);
		if (!text[0])
			continue;
		if (progress) {
			tsr_info("install: %s", text);
			show(i, TSR_KIOSK_INSTALL_RUNNING, text);
		} else {
			tsr_warn("install: %s", text);
			if (!i->reason->len)
				g_string_append_len(i->reason, text, MIN(strlen(text), REASON_MAX));
		}
	}
}

static gboolean on_out(GIOChannel *ch, GIOCondition cond, gpointer data)
{
	struct brk_install *i = data;
	bool more = read_lines(i, ch, ch == i->out) && !(cond & (G_IO_HUP | G_IO_ERR));

	if (!more) {
		if (ch == i->out)
			i->out_watch = 0;
		else
			i->err_watch = 0;
	}
	return more ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static void installer_exited(GPid pid, gint status, gpointer data)
{
	struct brk_install *i = data;
	g_autoptr(GError) error = NULL;

	i->watch = 0;
	g_spawn_close_pid(pid);
	i->pid = 0;
	/* What the installer wrote last is still in the pipes. */
	if (i->out)
		read_lines(i, i->out, true);
	if (i->err)
		read_lines(i, i->err, false);
	close_channel(&i->out, &i->out_watch);
	close_channel(&i->err, &i->err_watch);
	if (g_spawn_check_wait_status(status, &error)) {
		bool off = g_strcmp0(i->b->cfg.install_then, "stay") != 0;
		g_autofree char *text = g_strdup_printf(
			"Installed onto %s. Remove the USB stick%s", i->shown.disk,
			off ? ": this laptop now turns off, then starts from its own disk."
			    : ", then restart this laptop.");
		brk_audit(i->b, "install-done", "device", i->device, NULL);
		show(i, TSR_KIOSK_INSTALL_DONE, text);
		return;
	}
	if (!i->reason->len)
		g_string_assign(i->reason, error->message);
	brk_audit(i->b, "install-failed", "device", i->device, "reason", i->reason->str, NULL);
	show(i, TSR_KIOSK_INSTALL_FAILED, i->reason->str);
}

static GIOChannel *watch_fd(struct brk_install *i, int fd, guint *watch)
{
	GIOChannel *ch = g_io_channel_unix_new(fd);

	g_io_channel_set_close_on_unref(ch, TRUE);
	g_io_channel_set_encoding(ch, NULL, NULL);
	g_io_channel_set_flags(ch, G_IO_FLAG_NONBLOCK, NULL);
	*watch = g_io_add_watch(ch, G_IO_IN | G_IO_HUP | G_IO_ERR, on_out, i);
	return ch;
}

static bool run(struct brk_install *i, GError **error)
{
	const char *then = i->b->cfg.install_then ? i->b->cfg.install_then : "poweroff";
	const char *argv[] = { installer(i), "--yes", "--then", then, i->device, NULL };
	int out = -1, err = -1;

	if (!g_spawn_async_with_pipes(NULL, (char **)argv, (char **)installer_env,
				      G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &i->pid, NULL, &out,
				      &err, error))
		return false;
	g_string_truncate(i->reason, 0);
	i->out = watch_fd(i, out, &i->out_watch);
	i->err = watch_fd(i, err, &i->err_watch);
	i->watch = g_child_watch_add(i->pid, installer_exited, i);
	return true;
}

/* Back to the screen the laptop had before the offer (not enrolled, or the login), for the
 * rest of this boot. */
static void leave(struct brk_install *i)
{
	g_autofree char *answered = g_build_filename(i->b->run_dir, ANSWERED, NULL);
	g_autoptr(GError) error = NULL;

	if (!g_file_set_contents(answered, "", 0, &error))
		tsr_warn("the install offer may come again at the broker's next start: %s",
			 error->message);
	i->shown.state = 0;
	brk_session_resend(i->b);
}

enum tsr_kiosk_status brk_install_answer(struct brk_install *i,
					 const struct tsr_kiosk_install_answer *m, char **message)
{
	g_autoptr(GError) error = NULL;

	*message = NULL;
	if (!brk_install_showing(i)) {
		*message = g_strdup("Nothing is offered for installing.");
		return TSR_KIOSK_E_STATE;
	}
	switch (i->shown.state) {
	case TSR_KIOSK_INSTALL_RUNNING:
		*message = g_strdup("The install is running: wait for it to end.");
		return TSR_KIOSK_E_STATE;
	case TSR_KIOSK_INSTALL_DONE:
	case TSR_KIOSK_INSTALL_FAILED:
		if (m->accept) {
			*message = g_strdup("The install is over.");
			return TSR_KIOSK_E_STATE;
		}
		leave(i);
		return TSR_KIOSK_OK;
	}
	if (!m->accept) {
		brk_audit(i->b, "install-declined", "device", i->device, NULL);
		tsr_info("install onto %s declined", i->device);
		leave(i);
		return TSR_KIOSK_OK;
	}
	/* The broker installs onto the disk it offered; the name only shows the user typed it. */
	if (strcmp(m->disk, i->shown.disk) != 0) {
		tsr_warn("install answer names %s, the offer is %s: nothing done", m->disk,
			 i->shown.disk);
		*message = g_strdup_printf("Type %s, the disk's name, to erase it.", i->shown.disk);
		return TSR_KIOSK_E_DENIED;
	}
	brk_audit(i->b, "install-confirmed", "device", i->device, NULL);
	tsr_info("install onto %s confirmed on the kiosk", i->device);
	if (!run(i, &error)) {
		brk_audit(i->b, "install-failed", "device", i->device, "reason", error->message,
			  NULL);
		show(i, TSR_KIOSK_INSTALL_FAILED, error->message);
		return TSR_KIOSK_OK;
	}
	show(i, TSR_KIOSK_INSTALL_RUNNING, "Starting the installer...");
	return TSR_KIOSK_OK;
}
