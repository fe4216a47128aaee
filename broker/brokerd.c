/* broker/brokerd.c: tessera-brokerd, the session manager's main().
 *
 * Parses options, sets up logging (syslog when run as a service), builds the broker and runs
 * the GLib main loop until SIGTERM/SIGINT. SIGHUP reloads policy. Leaving never stops domains:
 * the next broker adopts them (the systemd unit uses KillMode=process for the same reason). */
#include "config.h"
#include "broker/broker.h"
#include "common/log.h"
#include "common/vt.h"

#include <errno.h>
#include <glib-unix.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef TSR_BINDIR
#define TSR_BINDIR "/usr/bin"
#endif

static gboolean on_quit(gpointer data)
{
	tsr_info("leaving; domains keep running");
	g_main_loop_quit(data);
	return G_SOURCE_CONTINUE;
}

static gboolean on_hup(gpointer data)
{
	g_autoptr(GError) error = NULL;

	if (!tsr_broker_reload(data, &error))
		tsr_err("reload: %s", error->message);
	else
		tsr_info("policy reloaded");
	return G_SOURCE_CONTINUE;
}

int main(int argc, char **argv)
{
	g_autofree char *state_dir = NULL, *run_dir = NULL, *policy_dir = NULL, *kiosk = NULL;
	g_autofree char *kiosk_user = NULL, *viewer = NULL, *sysfs = NULL, *devfs = NULL;
	g_autofree char *testdomain = NULL, *qemu = NULL, *qemu_img = NULL, *kernel = NULL;
	g_autofree char *initrd = NULL, *accel = NULL, *xl = NULL, *logout = NULL;
	g_autofree char *ovmf_code = NULL, *ovmf_vars = NULL;
	g_autofree char *log_level = NULL, *vcard = NULL, *vcard_certs = NULL;
	g_auto(GStrv) kiosk_args = NULL;
	g_autofree char *kiosk_vt = NULL, *kiosk_card = NULL;
	gboolean kiosk_devices = FALSE;
	struct tsr_vt *vt = NULL;
	gboolean no_kiosk = FALSE, no_usb = FALSE, no_udev = FALSE, use_syslog = FALSE;
	gboolean daemonize = FALSE;
	gint shutdown_ms = 30000, ready_fd = -1;
	GOptionEntry entries[] = {
		{ "state-dir", 0, 0, G_OPTION_ARG_FILENAME, &state_dir,
		  "State directory (policy, audit log, sessions; default /var/lib/tessera)", "DIR" },
		{ "run-dir", 0, 0, G_OPTION_ARG_FILENAME, &run_dir,
		  "Runtime directory (control socket, domain sockets; default /run/tessera)", "DIR" },
		{ "policy-dir", 0, 0, G_OPTION_ARG_FILENAME, &policy_dir,
		  "Use a policy source directory instead of the installed bundle (development)",
		  "DIR" },
		{ "kiosk", 0, 0, G_OPTION_ARG_FILENAME, &kiosk,
		  "The kiosk program (default " TSR_BINDIR "/tessera-kiosk)", "PATH" },
		{ "kiosk-user", 0, 0, G_OPTION_ARG_STRING, &kiosk_user,
		  "User (or UID:GID) the kiosk runs as (default tessera-kiosk)", "USER" },
		{ "kiosk-arg", 0, 0, G_OPTION_ARG_STRING_ARRAY, &kiosk_args,
		  "Extra argument for the kiosk (repeatable)", "ARG" },
		{ "kiosk-vt", 0, 0, G_OPTION_ARG_STRING, &kiosk_vt,
		  "Before starting a DRM kiosk, bring this VT (auto, N or /dev/ttyN) to the front in "
		  "graphics mode with its keyboard off, and keep it so while the broker runs",
		  "VT" },
		{ "kiosk-devices", 0, 0, G_OPTION_ARG_NONE, &kiosk_devices,
		  "Open the DRM card and the evdev input devices as root and lend them to the kiosk "
		  "(revoked when it ends); the kiosk user then needs no device group", NULL },
		{ "kiosk-card", 0, 0, G_OPTION_ARG_FILENAME, &kiosk_card,
		  "With --kiosk-devices: the card to lend (default: the first KMS card)",
		  "/dev/dri/cardN" },
		{ "no-kiosk", 0, 0, G_OPTION_ARG_NONE, &no_kiosk,
		  "Run without a kiosk (control socket only)", NULL },
		{ "viewer", 0, 0, G_OPTION_ARG_FILENAME, &viewer,
		  "The tessera-viewer program (default: the installed one)", "PATH" },
		{ "sysfs", 0, 0, G_OPTION_ARG_FILENAME, &sysfs,
		  "sysfs root for USB devices (default /sys)", "DIR" },
		{ "devfs", 0, 0, G_OPTION_ARG_FILENAME, &devfs,
		  "Device node root for USB resets (default /dev)", "DIR" },
		{ "no-usb", 0, 0, G_OPTION_ARG_NONE, &no_usb, "Leave USB devices alone", NULL },
		{ "virtual-smartcard", 0, 0, G_OPTION_ARG_FILENAME, &vcard,
		  "Offer an emulated smart card reader backed by this NSS database (qemu domains; "
		  "the device rules decide where it goes)", "DIR" },
		{ "virtual-smartcard-certs", 0, 0, G_OPTION_ARG_STRING, &vcard_certs,
		  "The emulated card's certificate nicknames (default id,sign,enc)", "A,B,C" },
		{ "no-udev", 0, 0, G_OPTION_ARG_NONE, &no_udev,
		  "Do not watch udev for hotplug (tests: use 'tessera-ctl devices --rescan')", NULL },
		{ "testdomain", 0, 0, G_OPTION_ARG_FILENAME, &testdomain,
		  "sim backend: the tessera-testdomain program", "PATH" },
		{ "qemu", 0, 0, G_OPTION_ARG_FILENAME, &qemu, "qemu backend: qemu-system-x86_64",
		  "PATH" },
		{ "qemu-img", 0, 0, G_OPTION_ARG_FILENAME, &qemu_img, "qemu backend: qemu-img",
		  "PATH" },
		{ "guest-kernel", 0, 0, G_OPTION_ARG_FILENAME, &kernel,
		  "qemu backend: direct-boot domains whose policy names neither kernel nor "
		  "firmware with this kernel (test setups)", "PATH" },
		{ "guest-initrd", 0, 0, G_OPTION_ARG_FILENAME, &initrd,
		  "qemu backend: the initramfs that goes with --guest-kernel", "PATH" },
		{ "ovmf-code", 0, 0, G_OPTION_ARG_FILENAME, &ovmf_code,
		  "qemu backend: OVMF code for firmware = uefi (default "
		  "/usr/share/OVMF/OVMF_CODE_4M.fd)", "PATH" },
		{ "ovmf-vars", 0, 0, G_OPTION_ARG_FILENAME, &ovmf_vars,
		  "qemu backend: the UEFI variable store each uefi domain gets a copy of (default "
		  "/usr/share/OVMF/OVMF_VARS_4M.fd)", "PATH" },
		{ "accel", 0, 0, G_OPTION_ARG_STRING, &accel, "qemu backend: auto, kvm or tcg",
		  "ACCEL" },
		{ "xl", 0, 0, G_OPTION_ARG_FILENAME, &xl, "xen backend: the xl program", "PATH" },
		{ "logout", 0, 0, G_OPTION_ARG_STRING, &logout,
		  "At logout, persistent domains are paused (pause, default) or shut down (stop)",
		  "pause|stop" },
		{ "shutdown-timeout", 0, 0, G_OPTION_ARG_INT, &shutdown_ms,
		  "Milliseconds a guest gets to power off before it is stopped hard (default 30000)",
		  "MS" },
		{ "syslog", 0, 0, G_OPTION_ARG_NONE, &use_syslog, "Log to syslog (the journal)",
		  NULL },
		{ "daemon", 0, 0, G_OPTION_ARG_NONE, &daemonize,
		  "Detach into the background (implies --syslog)", NULL },
		{ "ready-fd", 0, 0, G_OPTION_ARG_INT, &ready_fd,
		  "Write READY and close this fd once the control socket listens", "FD" },
		{ "log-level", 0, 0, G_OPTION_ARG_STRING, &log_level,
		  "error, warn, info (default) or debug", "LEVEL" },
		{ NULL }
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new("- the Tessera session manager");
	g_autoptr(GError) error = NULL;
	struct tsr_broker_config cfg = { 0 };
	struct tsr_broker *broker;
	GMainLoop *loop;

	setlocale(LC_ALL, "");
	g_option_context_add_main_entries(ctx, entries, NULL);
	g_option_context_set_description(
		ctx, "tessera-brokerd runs as root, starts the kiosk and the domains, and listens for\n"
		     "tessera-ctl on RUN-DIR/control.sock. See tessera-brokerd(8) and doc/broker.md.\n");
	if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
		fprintf(stderr, "tessera-brokerd: %s (try --help)\n", error->message);
		return 2;
	}
	if (argc > 1) {
		fprintf(stderr, "tessera-brokerd: unexpected argument %s (try --help)\n", argv[1]);
		return 2;
	}
	if (logout && strcmp(logout, "pause") != 0 && strcmp(logout, "stop") != 0) {
		fprintf(stderr, "tessera-brokerd: --logout takes pause or stop, not %s\n", logout);
		return 2;
	}
	if (shutdown_ms < 0) {
		fprintf(stderr, "tessera-brokerd: --shutdown-timeout must not be negative\n");
		return 2;
	}
	if (daemonize) {
		use_syslog = TRUE;
		if (daemon(0, 0) < 0) {
			fprintf(stderr, "tessera-brokerd: cannot detach: %s\n", g_strerror(errno));
			return 1;
		}
	}
	tsr_log_init("tessera-brokerd", use_syslog);
	if (log_level) {
		enum tsr_log_level level;
		if (!tsr_log_level_parse(log_level, &level)) {
			tsr_err("--log-level takes error, warn, info or debug, not %s", log_level);
			return 2;
		}
		tsr_log_set_level(level);
	}
	if (geteuid() != 0)
		tsr_warn("not running as root: the kiosk, viewers and domains cannot change users");
	/* A vanished kiosk or client must not kill the broker with SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);

	cfg.state_dir = state_dir;
	cfg.run_dir = run_dir;
	cfg.policy_dir = policy_dir;
	cfg.kiosk_path = no_kiosk ? NULL : kiosk ? kiosk : TSR_BINDIR "/tessera-kiosk";
	cfg.kiosk_args = kiosk_args;
	cfg.kiosk_user = kiosk_user;
	cfg.kiosk_devices = kiosk_devices || kiosk_card;
	cfg.kiosk_card = kiosk_card;
	cfg.viewer_path = viewer;
	cfg.sysfs_root = no_usb ? NULL : sysfs ? sysfs : "/sys";
	cfg.devfs_root = devfs;
	cfg.udev = !no_udev && !no_usb;
	cfg.virtual_smartcard = vcard;
	g_auto(GStrv) certs = g_strsplit(vcard_certs ? vcard_certs : "id,sign,enc", ",", 4);
	if (g_strv_length(certs) > 3) {
		fprintf(stderr, "tessera-brokerd: --virtual-smartcard-certs takes at most 3 names\n");
		return 2;
	}
	cfg.virtual_smartcard_certs = certs;
	cfg.logout = logout && strcmp(logout, "stop") == 0 ? TSR_BROKER_LOGOUT_STOP
							   : TSR_BROKER_LOGOUT_PAUSE;
	cfg.shutdown_timeout_ms = (unsigned)shutdown_ms;
	cfg.backend.testdomain = testdomain;
	cfg.backend.qemu = qemu;
	cfg.backend.qemu_img = qemu_img;
	cfg.backend.kernel = kernel;
	cfg.backend.initrd = initrd;
	cfg.backend.ovmf_code = ovmf_code;
	cfg.backend.ovmf_vars = ovmf_vars;
	cfg.backend.accel = accel;
	cfg.backend.xl = xl;

	/* The kiosk runs unprivileged and cannot set a VT's modes itself. KD_GRAPHICS and K_OFF
	 * stay on the VT when the kiosk (or the broker) dies, so no keystroke can reach a console
	 * or getty through the kernel's keyboard handler: evdev grabs end with their process. */
	if (kiosk_vt && !no_kiosk) {
		vt = tsr_vt_open(kiosk_vt, &error);
		if (!vt) {
			tsr_err("cannot take the kiosk's VT: %s", error->message);
			return 1;
		}
		tsr_info("kiosk VT %d: graphics mode, keyboard off", tsr_vt_number(vt));
	}
	loop = g_main_loop_new(NULL, FALSE);
	broker = tsr_broker_create(&cfg, &error);
	if (!broker) {
		tsr_err("cannot start: %s", error->message);
		g_main_loop_unref(loop);
		tsr_vt_destroy(vt);
		return 1;
	}
	g_unix_signal_add(SIGTERM, on_quit, loop);
	g_unix_signal_add(SIGINT, on_quit, loop);
	g_unix_signal_add(SIGHUP, on_hup, broker);
	if (ready_fd >= 0) {
		if (write(ready_fd, "READY\n", 6) != 6)
			tsr_warn("could not signal readiness on fd %d", ready_fd);
		close(ready_fd);
	}
	tsr_info("ready");
	g_main_loop_run(loop);
	tsr_broker_destroy(broker);
	g_main_loop_unref(loop);
	tsr_vt_destroy(vt); /* a clean stop gives the console back */
	return 0;
}
