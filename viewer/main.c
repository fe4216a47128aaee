/* viewer/main.c: tessera-viewer, one domain's SPICE display turned into sealed pixels.
 *
 * Started only by the spawner (viewer-spawn.h) with its ids already dropped and its fds in
 * place: the kiosk link (SOCK_SEQPACKET) and a few sockets already connected to the domain's
 * SPICE server. It makes itself undumpable before anything else, closes every other fd,
 * initialises what needs files, enters the sandbox (viewer/sandbox.h) and only then lets
 * spice-client-glib read. Exit status (see
 * doc/display-protocol.md): 0 kiosk closed the link, 2 bad usage, 3 domain gone, 4 kiosk
 * protocol violation, 5 sandbox failure. */
#include "config.h"
#include "common/frame.h"
#include "common/log.h"
#include "proto/display.h"
#include "proto/display-resize.h"
#include "proto/clipboard.h"
#include "viewer/clipboard.h"
#include "viewer/publish.h"
#include "viewer/sandbox.h"
#include "viewer/spice.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <glib.h>
#include <malloc.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define EXIT_KIOSK_CLOSED 0
#define EXIT_USAGE 2
#define EXIT_DOMAIN_GONE 3
#define EXIT_VIOLATION 4
#define EXIT_SANDBOX 5

#define MAX_SPICE_FDS 8
/* Allocations up to this size come from (and go back to) the heap; glibc caps it at 32 MiB. */
#define TSR_VIEWER_HEAP_KEEP (32 * 1024 * 1024)

struct viewer {
	GMainLoop *loop;
	int link;
	int status;
	struct tsr_viewer_publish *pub;
	struct tsr_viewer_spice *spice;
	struct tsr_viewer_clipboard *clipboard;
	guint out_watch;
};

static void finish(struct viewer *v, int status)
{
	if (v->status < 0)
		v->status = status;
	g_main_loop_quit(v->loop);
}

static void on_gone(void *opaque, const char *why)
{
	struct viewer *v = opaque;

	if (!tsr_viewer_publish_status(v->pub, TSR_DISPLAY_STATUS_DOMAIN_GONE) &&
	    (errno == EPIPE || errno == ECONNRESET)) {
		/* What failed was the kiosk's end of the link: it closed it, the domain is fine. */
		tsr_info("the kiosk closed the link (%s)", why);
		finish(v, EXIT_KIOSK_CLOSED);
		return;
	}
	tsr_info("domain display gone: %s", why);
	finish(v, EXIT_DOMAIN_GONE);
}

static gboolean on_writable(gint fd, GIOCondition cond, gpointer data)
{
	struct viewer *v = data;

	(void)fd;
	(void)cond;
	if (tsr_viewer_publish_flush(v->pub)) {
		v->out_watch = 0;
		return G_SOURCE_REMOVE;
	}
	return G_SOURCE_CONTINUE;
}

static void on_pending(void *data)
{
	struct viewer *v = data;

	if (!v->out_watch)
		v->out_watch = g_unix_fd_add(v->link, G_IO_OUT, on_writable, v);
}

/* A size outside the limits is refused and changes nothing (the guest keeps its mode); only a
 * message of the wrong length breaks the protocol. */
static bool resize(struct viewer *v, const void *buf, size_t len)
{
	g_autoptr(GError) error = NULL;
	uint32_t w, h;

	if (tsr_display_resize_parse(buf, len, &w, &h, &error)) {
		tsr_viewer_spice_resize(v->spice, w, h);
		return true;
	}
	tsr_warn("%s", error->message);
	return !g_error_matches(error, TSR_DISPLAY_RESIZE_ERROR, TSR_DISPLAY_RESIZE_ERROR_SIZE);
}

static bool handle(struct viewer *v, const void *buf, size_t len)
{
	struct tsr_frame_header hdr;

	memcpy(&hdr, buf, sizeof(hdr));
	switch (hdr.type) {
	case TSR_DISPLAY_KEY: {
		struct tsr_display_key m;
		if (len != sizeof(m) || (memcpy(&m, buf, len), m.down > 1))
			return false;
		tsr_viewer_spice_key(v->spice, m.scancode, m.down);
		return true;
	}
	case TSR_DISPLAY_POINTER: {
		struct tsr_display_pointer m;
		if (len != sizeof(m))
			return false;
		memcpy(&m, buf, len);
		tsr_viewer_spice_pointer(v->spice, m.x, m.y, m.buttons);
		return true;
	}
	case TSR_DISPLAY_RELEASE_ALL:
		if (len != sizeof(struct tsr_display_release_all))
			return false;
		tsr_viewer_spice_release_all(v->spice);
		return true;
	case TSR_DISPLAY_RESIZE:
		return resize(v, buf, len);
	default:
		return false;
	}
}

/* A clipboard message (the only ones that may carry an fd): true when it was one, or when
 * another message came with an fd; the viewer stops on a bad one. */
static bool clipboard_message(struct viewer *v, const void *buf, size_t len, const int *fds,
			      size_t nfds)
{
	struct tsr_frame_header hdr;
	size_t want_fds;
	bool ok;

	memcpy(&hdr, buf, sizeof(hdr));
	if (!tsr_clipboard_msg_size(hdr.type, &want_fds) && !nfds)
		return false;
	ok = nfds == want_fds && tsr_clipboard_msg_size(hdr.type, &want_fds) &&
	     tsr_viewer_clipboard_message(v->clipboard, buf, len, nfds ? fds[0] : -1);
	for (size_t i = 0; i < nfds; i++)
		close(fds[i]);
	if (!ok) {
		tsr_err("protocol violation from the kiosk (bad clipboard message or fd)");
		finish(v, EXIT_VIOLATION);
	}
	return true;
}

static gboolean on_link(gint fd, GIOCondition cond, gpointer data)
{
	struct viewer *v = data;
	_Alignas(8) unsigned char buf[64];

	(void)cond;
	for (;;) {
		size_t nfds = 0;
		int fds[1];
		ssize_t n = tsr_frame_recv(fd, buf, sizeof(buf), TSR_DISPLAY_PROTO_VERSION, fds, 1,
					   &nfds);
		if (n > 0 && clipboard_message(v, buf, (size_t)n, fds, nfds)) {
			if (v->status >= 0)
				return G_SOURCE_REMOVE;
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return G_SOURCE_CONTINUE;
		if (n == 0 || (n < 0 && errno == ECONNRESET)) {
			finish(v, EXIT_KIOSK_CLOSED);
			return G_SOURCE_REMOVE;
		}
		if (n < 0 || !handle(v, buf, (size_t)n)) {
			tsr_err("protocol violation from the kiosk (%s)", n < 0 ? g_strerror(errno)
									 : "bad message");
			finish(v, EXIT_VIOLATION);
			return G_SOURCE_REMOVE;
		}
	}
}

static bool parse_fd(const char *s, int *fd)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < 3 || v > 1023)
		return false;
	*fd = (int)v;
	return true;
}

int main(int argc, char **argv)
{
	gchar *domain = NULL, *link_arg = NULL, *probe = NULL;
	gchar **spice_args = NULL;
	GOptionEntry entries[] = {
		{ "domain", 'd', 0, G_OPTION_ARG_STRING, &domain, "Domain name (for logs)", "NAME" },
		{ "link-fd", 'l', 0, G_OPTION_ARG_STRING, &link_arg,
		  "Inherited SOCK_SEQPACKET fd to the kiosk", "FD" },
		{ "spice-fd", 's', 0, G_OPTION_ARG_STRING_ARRAY, &spice_args,
		  "Inherited socket connected to the domain's SPICE server (repeat, up to 8; the "
		  "first is the main channel)", "FD" },
		{ "sandbox-probe", 0, 0, G_OPTION_ARG_FILENAME, &probe,
		  "Test only: enter the sandbox, try forbidden operations (connecting to PATH among "
		  "them), report on the link and exit", "PATH" },
		{ NULL },
	};
	GOptionContext *ctx;
	GError *error = NULL;
	struct viewer v = { .status = -1 };
	int spice_fds[MAX_SPICE_FDS], keep[MAX_SPICE_FDS + 1];
	size_t nspice = 0;
	static char ident[64];
	char err[256];

	/* Before anything else, GLib included: execve made the viewer dumpable again, and
	 * until this returns a process of its uid could take its fds. */
	if (tsr_viewer_sandbox_first(err, sizeof(err)) < 0) {
		tsr_log_init("tessera-viewer", false);
		tsr_err("sandbox: %s", err);
		return EXIT_SANDBOX;
	}

	ctx = g_option_context_new("- show one domain's SPICE display to the kiosk, sandboxed");
	g_option_context_set_summary(ctx,
		"Started by the kiosk or the broker, never by hand: see tessera-viewer(1) and\n"
		"doc/display-protocol.md.");
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
		tsr_log_init("tessera-viewer", false);
		tsr_err("%s (try --help)", error->message);
		return EXIT_USAGE;
	}
	g_option_context_free(ctx);
	snprintf(ident, sizeof(ident), "tessera-viewer[%s]", domain ? domain : "?");
	tsr_log_init(ident, false);
	if (g_getenv("TSR_VIEWER_DEBUG"))
		tsr_log_set_level(TSR_LOG_DEBUG);
	if (!link_arg || !parse_fd(link_arg, &v.link)) {
		tsr_err("--link-fd FD (an inherited fd >= 3) is required");
		return EXIT_USAGE;
	}
	for (size_t i = 0; spice_args && spice_args[i]; i++) {
		if (nspice == MAX_SPICE_FDS || !parse_fd(spice_args[i], &spice_fds[nspice])) {
			tsr_err("--spice-fd '%s' is not an inherited fd >= 3 (at most %d of them)",
				spice_args[i], MAX_SPICE_FDS);
			return EXIT_USAGE;
		}
		nspice++;
	}
	if (!nspice && !probe) {
		tsr_err("at least one --spice-fd is required");
		return EXIT_USAGE;
	}

	/* Nothing inherited stays but what we were told about. */
	keep[0] = v.link;
	memcpy(keep + 1, spice_fds, nspice * sizeof(int));
	if (tsr_viewer_sandbox_close_fds(keep, nspice + 1, err, sizeof(err)) < 0) {
		tsr_err("sandbox: %s", err);
		return EXIT_SANDBOX;
	}
	for (size_t i = 0; i <= nspice; i++)
		if (fcntl(keep[i], F_SETFD, FD_CLOEXEC) < 0) {
			tsr_err("fd %d was not inherited", keep[i]);
			return EXIT_USAGE;
		}

	/* Everything that needs files happens now, before the sandbox: GLib's main context and
	 * type system, spice-client-glib's classes. GStreamer (video streams) must not fork a
	 * registry scanner later. */
	g_setenv("GST_REGISTRY_FORK", "no", TRUE);
	g_setenv("GST_REGISTRY_UPDATE", "no", TRUE);
	signal(SIGPIPE, SIG_IGN);
	/* spice-client-glib allocates a buffer the size of the frame for every message it reads
	 * and frees it after decoding. With glibc's defaults each free hands the pages back to
	 * the kernel and each read faults them in again, zeroed: most of the viewer's time on
	 * full frames went there. Keeping freed memory for the next message costs two frames of
	 * RSS (a message and spice-client-glib's copy of its bitmap); handing them back, trimming
	 * after each frame or huge pages all double the CPU per frame (doc/display-protocol.md,
	 * "Memory"). */
	if (!mallopt(M_MMAP_THRESHOLD, TSR_VIEWER_HEAP_KEEP) ||
	    !mallopt(M_TRIM_THRESHOLD, 2 * TSR_VIEWER_HEAP_KEEP))
		tsr_warn("mallopt failed: every frame will fault in fresh memory");
	v.loop = g_main_loop_new(NULL, FALSE);
	v.pub = tsr_viewer_publish_create(v.link);
	if (!v.pub)
		return EXIT_SANDBOX;
	tsr_viewer_publish_set_pending_notify(v.pub, on_pending, &v);
	v.clipboard = tsr_viewer_clipboard_create(v.link);
	if (!probe) {
		v.spice = tsr_viewer_spice_create(spice_fds, nspice, v.pub, on_gone, &v);
		tsr_viewer_spice_set_clipboard(v.spice, v.clipboard);
	}

	if (tsr_viewer_sandbox_enter(err, sizeof(err)) < 0) {
		tsr_err("sandbox: %s; not reading any SPICE data", err);
		return EXIT_SANDBOX;
	}

	if (probe) {
		char report[512];
		int allowed = tsr_viewer_sandbox_probe(probe, report, sizeof(report));
		if (send(v.link, report, strlen(report), MSG_NOSIGNAL) < 0)
			return EXIT_SANDBOX;
		return allowed ? EXIT_SANDBOX : 0;
	}

	if (fcntl(v.link, F_SETFL, O_NONBLOCK) < 0 ||
	    !tsr_viewer_publish_status(v.pub, TSR_DISPLAY_STATUS_CONNECTING)) {
		tsr_err("the kiosk link is unusable: %s", g_strerror(errno));
		return EXIT_KIOSK_CLOSED;
	}
	g_unix_fd_add(v.link, G_IO_IN | G_IO_HUP | G_IO_ERR, on_link, &v);
	if (!tsr_viewer_spice_start(v.spice)) {
		on_gone(&v, "the SPICE socket could not be opened");
	} else {
		tsr_info("viewing domain %s", domain ? domain : "?");
		g_main_loop_run(v.loop);
	}

	tsr_viewer_spice_destroy(v.spice);
	tsr_viewer_clipboard_destroy(v.clipboard);
	tsr_viewer_publish_destroy(v.pub);
	g_main_loop_unref(v.loop);
	close(v.link);
	g_free(domain);
	g_free(link_arg);
	g_free(probe);
	g_strfreev(spice_args);
	return v.status < 0 ? EXIT_DOMAIN_GONE : v.status;
}
