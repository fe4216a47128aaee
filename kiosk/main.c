/* kiosk/main.c: tessera-kiosk. Started by tessera-brokerd with --broker-fd it runs the session
 * (kiosk/broker-main.h); otherwise the standalone mode (kiosk/standalone.h). Kept thin. */
#include "config.h"
#include "common/log.h"
#include "kiosk/broker-main.h"
#include "kiosk/standalone.h"
#include "proto/clipboard.h"

#include <errno.h>
#include <glib.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* USER or UID:GID -> ids. */
static bool parse_user(const char *spec, uid_t *uid, gid_t *gid)
{
	struct passwd *pw;
	unsigned long u, g;
	char *end;

	errno = 0;
	u = strtoul(spec, &end, 10);
	if (!errno && end != spec && *end == ':') {
		g = strtoul(end + 1, &end, 10);
		if (!errno && !*end && u && g && u < 0xffffffffu && g < 0xffffffffu) {
			*uid = (uid_t)u;
			*gid = (gid_t)g;
			return true;
		}
		return false;
	}
	pw = getpwnam(spec);
	if (!pw)
		return false;
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	return true;
}

/* --domain NAME:COLOR:SOCKET (1..4 of them) and --viewer-for NAME=PATH (at most 4). */
static bool take_domains(char **domains, char **viewer_for, struct tsr_standalone_options *o)
{
	for (int i = 0; domains && domains[i]; i++) {
		if (i == TSR_STANDALONE_MAX_DOMAINS) {
			tsr_err("at most %d --domain options", TSR_STANDALONE_MAX_DOMAINS);
			return false;
		}
		o->domains[o->ndomains++] = domains[i];
	}
	if (!o->ndomains) {
		tsr_err("give at least one --domain NAME:COLOR:SOCKET");
		return false;
	}
	for (int i = 0; viewer_for && viewer_for[i]; i++) {
		if (i == TSR_STANDALONE_MAX_DOMAINS || !strchr(viewer_for[i], '=')) {
			tsr_err("--viewer-for '%s': give NAME=PATH, at most %d times", viewer_for[i],
				TSR_STANDALONE_MAX_DOMAINS);
			return false;
		}
		o->viewer_for[o->nviewer_for++] = viewer_for[i];
	}
	return true;
}

/* The ids viewers run as: root starts them as --viewer-user (default nobody); anyone else
 * can only start them as itself. */
static bool viewer_ids(const char *user, struct tsr_standalone_options *o)
{
	o->viewer_uid = getuid();
	o->viewer_gid = getgid();
	if (geteuid() == 0) {
		o->viewer_uid = o->viewer_gid = 65534;
		if (user && !parse_user(user, &o->viewer_uid, &o->viewer_gid)) {
			tsr_err("--viewer-user '%s' is neither a user name nor UID:GID (both non-zero)",
				user);
			return false;
		}
	} else if (user) {
		tsr_err("--viewer-user needs root; without root viewers run as the caller");
		return false;
	}
	return true;
}

int main(int argc, char **argv)
{
	g_autofree gchar *output = NULL, *layout = NULL, *screenshot = NULL, *viewer = NULL;
	g_autofree gchar *user = NULL;
	g_auto(GStrv) domains = NULL, viewer_for = NULL;
	g_autofree gchar *clip_allow = NULL, *clip_commands = NULL;
	gint64 frames = 0, reattach = 1000, clip_max = 0;
	GOptionEntry entries[] = {
		{ "output", 'o', 0, G_OPTION_ARG_STRING, &output,
		  "Standalone mode on this output: headless:WxH[@RATE] or drm[:DEVICE][:CONNECTOR]",
		  "SPEC" },
		{ "domain", 'd', 0, G_OPTION_ARG_STRING_ARRAY, &domains,
		  "Show a domain: name, label colour, SPICE socket (repeat, up to 4)",
		  "NAME:COLOR:SOCKET" },
		{ "layout", 'l', 0, G_OPTION_ARG_STRING, &layout, "single or tiled", "LAYOUT" },
		{ "screenshot", 's', 0, G_OPTION_ARG_FILENAME, &screenshot,
		  "Write the output as PNG at exit and on SIGUSR1 (headless only)", "FILE" },
		{ "exit-after-frames", 'n', 0, G_OPTION_ARG_INT64, &frames,
		  "Exit after N frames once every domain shows a surface", "N" },
		{ "viewer", 0, 0, G_OPTION_ARG_FILENAME, &viewer,
		  "The tessera-viewer binary (default: the installed one)", "PATH" },
		{ "viewer-for", 0, 0, G_OPTION_ARG_STRING_ARRAY, &viewer_for,
		  "Test only: run PATH as NAME's viewer (spawned and sandboxed the same way)",
		  "NAME=PATH" },
		{ "viewer-user", 'u', 0, G_OPTION_ARG_STRING, &user,
		  "When run as root: the user viewers run as (default nobody)", "USER|UID:GID" },
		{ "reattach-ms", 0, 0, G_OPTION_ARG_INT64, &reattach,
		  "Start a new viewer this long after a display is lost (-1: never; default 1000)",
		  "MS" },
		{ "clipboard-allow", 0, 0, G_OPTION_ARG_STRING, &clip_allow,
		  "Clipboard flows as policy's [clipboard] allow (default: none)", "FROM -> TO;..." },
		{ "clipboard-max-bytes", 0, 0, G_OPTION_ARG_INT64, &clip_max,
		  "As policy's [clipboard] max-bytes (default 64000)", "N" },
		{ "clipboard-commands", 0, 0, G_OPTION_ARG_FILENAME, &clip_commands,
		  "Test only: read copy NAME, paste NAME, lock, unlock, logout lines from this FIFO, "
		  "as the hotkeys would act with NAME focused", "FIFO" },
		{ NULL },
	};
	struct tsr_standalone_options opts = { 0 };
	g_autoptr(GOptionContext) ctx = NULL;
	g_autoptr(GError) error = NULL;

	tsr_log_init("tessera-kiosk", false);
	if (tsr_kiosk_broker_requested(argc, argv))
		return tsr_kiosk_broker_main(argc, argv);
	ctx = g_option_context_new("- the trusted compositor and session of a Tessera laptop");
	g_option_context_set_summary(ctx,
		"Standalone mode (for tests and benchmarks, without the broker):\n"
		"  tessera-kiosk --output headless:1280x720 --domain work:blue:/run/work.sock\n"
		"Broker mode (started by tessera-brokerd): tessera-kiosk --broker-fd 3 --help\n"
		"See tessera-kiosk(1).");
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
		tsr_err("%s (try --help)", error->message);
		return 2;
	}
	if (!output) {
		tsr_err("only the standalone mode exists yet: give --output and --domain");
		return 2;
	}
	opts.output = output;
	if (!take_domains(domains, viewer_for, &opts))
		return 2;
	if (frames < 0 || reattach < -1 || reattach > 3600000) {
		tsr_err("--exit-after-frames must be >= 0 and --reattach-ms in -1..3600000");
		return 2;
	}
	opts.layout = layout;
	opts.screenshot = screenshot;
	opts.exit_after_frames = (long)frames;
	opts.viewer = viewer;
	opts.reattach_ms = (long)reattach;
	if (clip_max < 0 || clip_max > TSR_CLIPBOARD_LIMIT) {
		tsr_err("--clipboard-max-bytes must be in 1..%u", TSR_CLIPBOARD_LIMIT);
		return 2;
	}
	opts.clipboard_allow = clip_allow;
	opts.clipboard_commands = clip_commands;
	opts.clipboard_max_bytes = (uint32_t)clip_max;
	if (!viewer_ids(user, &opts))
		return 2;
	signal(SIGPIPE, SIG_IGN);
	return tsr_kiosk_standalone_run(&opts);
}
