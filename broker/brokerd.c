/* broker/brokerd.c: tessera-brokerd, the session manager's main().
 *
 * Parses options, sets up logging (the journal when run as a service), builds the broker and runs
 * the GLib main loop until SIGTERM/SIGINT. SIGHUP reloads policy. Leaving never stops domains:
 * the next broker adopts them (the systemd unit uses KillMode=process for the same reason). */
#include "config.h"
#include "broker/broker.h"
#include "broker/journal.h"
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

/* Everything the command line says, as parsed. */
struct options {
	char *state_dir, *run_dir, *policy_dir, *log_level, *logout;
	char *kiosk, *kiosk_user, *kiosk_vt, *kiosk_card, *viewer, *sys_root;
	char *console, *console_socket, *console_user, *console_owner;
	char *sysfs, *devfs, *vcard, *vcard_certs;
	char *enrol_disk, *enrol_reader, *enrol_user, *enrol_pins;
	char *installer, *install_then;
	char *testdomain, *qemu, *qemu_img, *kernel, *initrd, *ovmf_code, *ovmf_vars, *accel, *xl;
	char **kiosk_args;
	gboolean kiosk_devices, logind, no_kiosk, no_usb, no_udev, use_syslog, daemonize;
	gint shutdown_ms, ready_fd;
};

static void options_clear(struct options *o)
{
	g_free(o->state_dir);
	g_free(o->run_dir);
	g_free(o->policy_dir);
	g_free(o->kiosk);
	g_free(o->kiosk_user);
	g_free(o->kiosk_vt);
	g_free(o->kiosk_card);
	g_free(o->sys_root);
	g_free(o->viewer);
	g_free(o->console);
	g_free(o->console_socket);
	g_free(o->console_user);
	g_free(o->console_owner);
	g_free(o->sysfs);
	g_free(o->devfs);
	g_free(o->enrol_disk);
	g_free(o->enrol_reader);
	g_free(o->enrol_user);
	g_free(o->enrol_pins);
	g_free(o->installer);
	g_free(o->install_then);
	g_free(o->vcard);
	g_free(o->vcard_certs);
	g_free(o->testdomain);
	g_free(o->qemu);
	g_free(o->qemu_img);
	g_free(o->kernel);
	g_free(o->initrd);
	g_free(o->ovmf_code);
	g_free(o->ovmf_vars);
	g_free(o->accel);
	g_free(o->xl);
	g_free(o->logout);
	g_free(o->log_level);
	g_strfreev(o->kiosk_args);
}

/* Parse argv into o; returns 0, or the exit status after saying what was wrong. */
static int parse_options(struct options *o, int *argc, char ***argv)
{
	const GOptionEntry entries[] = {
		{ "state-dir", 0, 0, G_OPTION_ARG_FILENAME, &o->state_dir,
		  "State directory (policy, audit log, sessions; default /var/lib/tessera)", "DIR" },
		{ "run-dir", 0, 0, G_OPTION_ARG_FILENAME, &o->run_dir,
		  "Runtime directory (control socket, domain sockets; default /run/tessera)", "DIR" },
		{ "policy-dir", 0, 0, G_OPTION_ARG_FILENAME, &o->policy_dir,
		  "Use a policy source directory instead of the installed bundle (development)",
		  "DIR" },
		{ "kiosk", 0, 0, G_OPTION_ARG_FILENAME, &o->kiosk,
		  "The kiosk program (default " TSR_BINDIR "/tessera-kiosk)", "PATH" },
		{ "kiosk-user", 0, 0, G_OPTION_ARG_STRING, &o->kiosk_user,
		  "User (or UID:GID) the kiosk runs as (default tessera-kiosk)", "USER" },
		{ "kiosk-arg", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o->kiosk_args,
		  "Extra argument for the kiosk (repeatable)", "ARG" },
		{ "kiosk-vt", 0, 0, G_OPTION_ARG_STRING, &o->kiosk_vt,
		  "Before starting a DRM kiosk, bring this VT (auto, N or /dev/ttyN) to the front in "
		  "graphics mode with its keyboard off, and keep it so while the broker runs",
		  "VT" },
		{ "kiosk-devices", 0, 0, G_OPTION_ARG_NONE, &o->kiosk_devices,
		  "Open the DRM card and the evdev input devices as root and lend them to the kiosk "
		  "(revoked when it ends); the kiosk user then needs no device group", NULL },
		{ "kiosk-card", 0, 0, G_OPTION_ARG_FILENAME, &o->kiosk_card,
		  "With --kiosk-devices: the card to lend (default: the first KMS card)",
		  "/dev/dri/cardN" },
		{ "sys-root", 0, 0, G_OPTION_ARG_FILENAME, &o->sys_root,
		  "Where sysfs is, for the backlight, the battery and suspending (default /sys; "
		  "tests)", "DIR" },
		{ "logind", 0, 0, G_OPTION_ARG_NONE, &o->logind,
		  "Hold systemd-logind's handle-lid-switch and sleep inhibitors, so the kiosk is "
		  "locked before the laptop sleeps (a laptop running systemd)", NULL },
		{ "no-kiosk", 0, 0, G_OPTION_ARG_NONE, &o->no_kiosk,
		  "Run without a kiosk (control socket only)", NULL },
		{ "console", 0, 0, G_OPTION_ARG_FILENAME, &o->console,
		  "The tessera-console program, started for the kiosk when policy turns the console "
		  "on (default: the installed one)", "PATH" },
		{ "console-socket", 0, 0, G_OPTION_ARG_FILENAME, &o->console_socket,
		  "Where the console listens (default RUN-DIR/console.sock)", "PATH" },
		{ "console-user", 0, 0, G_OPTION_ARG_STRING, &o->console_user,
		  "User the console drops to (default nobody)", "USER" },
		{ "console-socket-owner", 0, 0, G_OPTION_ARG_STRING, &o->console_owner,
		  "User that owns the console's socket (mode 0600) and so may connect to it; "
		  "default root", "USER" },
		{ "enrol-disk", 0, 0, G_OPTION_ARG_FILENAME, &o->enrol_disk,
		  "While not enrolled, read this disk (a FAT image file in tests) instead of looking "
		  "for one labelled TSR-ENROL through udev", "PATH" },
		{ "enrol-reader", 0, 0, G_OPTION_ARG_FILENAME, &o->enrol_reader,
		  "The tessera-enrol-reader program (default: the installed one)", "PATH" },
		{ "enrol-user", 0, 0, G_OPTION_ARG_STRING, &o->enrol_user,
		  "User the enrolment reader drops to (default nobody)", "USER" },
		{ "enrol-pins", 0, 0, G_OPTION_ARG_FILENAME, &o->enrol_pins,
		  "Root keys an enrolment disk must name ('root HEX' lines; default "
		  "/etc/tessera/enrol-roots, written by build-image --enrol-root; missing: any)",
		  "FILE" },
		{ "installer", 0, 0, G_OPTION_ARG_FILENAME, &o->installer,
		  "The tessera-install program, asked at start which disks it would install the "
		  "image onto (default: the installed one; missing: no offer)", "PATH" },
		{ "install-then", 0, 0, G_OPTION_ARG_STRING, &o->install_then,
		  "After an install confirmed on the kiosk: poweroff (default), reboot or stay",
		  "ACTION" },
		{ "viewer", 0, 0, G_OPTION_ARG_FILENAME, &o->viewer,
		  "The tessera-viewer program (default: the installed one)", "PATH" },
		{ "sysfs", 0, 0, G_OPTION_ARG_FILENAME, &o->sysfs,
		  "sysfs root for USB devices (default /sys)", "DIR" },
		{ "devfs", 0, 0, G_OPTION_ARG_FILENAME, &o->devfs,
		  "Device node root for USB resets and hand-over (default /dev)", "DIR" },
		{ "no-usb", 0, 0, G_OPTION_ARG_NONE, &o->no_usb, "Leave USB devices alone", NULL },
		{ "virtual-smartcard", 0, 0, G_OPTION_ARG_FILENAME, &o->vcard,
		  "Offer an emulated smart card reader backed by this NSS database (qemu domains; "
		  "the device rules decide where it goes)", "DIR" },
		{ "virtual-smartcard-certs", 0, 0, G_OPTION_ARG_STRING, &o->vcard_certs,
		  "The emulated card's certificate nicknames (default id,sign,enc)", "A,B,C" },
		{ "no-udev", 0, 0, G_OPTION_ARG_NONE, &o->no_udev,
		  "Do not watch udev for hotplug (tests: use 'tessera-ctl devices --rescan')", NULL },
		{ "testdomain", 0, 0, G_OPTION_ARG_FILENAME, &o->testdomain,
		  "sim backend: the tessera-testdomain program", "PATH" },
		{ "qemu", 0, 0, G_OPTION_ARG_FILENAME, &o->qemu, "qemu backend: qemu-system-x86_64",
		  "PATH" },
		{ "qemu-img", 0, 0, G_OPTION_ARG_FILENAME, &o->qemu_img, "qemu backend: qemu-img",
		  "PATH" },
		{ "guest-kernel", 0, 0, G_OPTION_ARG_FILENAME, &o->kernel,
		  "qemu backend: direct-boot domains whose policy names neither kernel nor "
		  "firmware with this kernel (test setups)", "PATH" },
		{ "guest-initrd", 0, 0, G_OPTION_ARG_FILENAME, &o->initrd,
		  "qemu backend: the initramfs that goes with --guest-kernel", "PATH" },
		{ "ovmf-code", 0, 0, G_OPTION_ARG_FILENAME, &o->ovmf_code,
		  "qemu backend: OVMF code for firmware = uefi (default "
		  "/usr/share/OVMF/OVMF_CODE_4M.fd)", "PATH" },
		{ "ovmf-vars", 0, 0, G_OPTION_ARG_FILENAME, &o->ovmf_vars,
		  "qemu backend: the UEFI variable store each uefi domain gets a copy of (default "
		  "/usr/share/OVMF/OVMF_VARS_4M.fd)", "PATH" },
		{ "accel", 0, 0, G_OPTION_ARG_STRING, &o->accel, "qemu backend: auto, kvm or tcg",
		  "ACCEL" },
		{ "xl", 0, 0, G_OPTION_ARG_FILENAME, &o->xl, "xen backend: the xl program", "PATH" },
		{ "logout", 0, 0, G_OPTION_ARG_STRING, &o->logout,
		  "At logout, persistent domains are paused (pause, default) or shut down (stop)",
		  "pause|stop" },
		{ "shutdown-timeout", 0, 0, G_OPTION_ARG_INT, &o->shutdown_ms,
		  "Milliseconds a guest gets to power off before it is stopped hard (default 30000)",
		  "MS" },
		{ "syslog", 0, 0, G_OPTION_ARG_NONE, &o->use_syslog,
		  "Log to the journal with structured fields, audit events included (syslog when no "
		  "journal runs)", NULL },
		{ "daemon", 0, 0, G_OPTION_ARG_NONE, &o->daemonize,
		  "Detach into the background (implies --syslog)", NULL },
		{ "ready-fd", 0, 0, G_OPTION_ARG_INT, &o->ready_fd,
		  "Write READY and close this fd once the control socket listens", "FD" },
		{ "log-level", 0, 0, G_OPTION_ARG_STRING, &o->log_level,
		  "error, warn, info (default) or debug", "LEVEL" },
		{ NULL }
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new("- the Tessera session manager");
	g_autoptr(GError) error = NULL;

	g_option_context_add_main_entries(ctx, entries, NULL);
	g_option_context_set_description(
		ctx, "tessera-brokerd runs as root, starts the kiosk and the domains, and listens for\n"
		     "tessera-ctl on RUN-DIR/control.sock. See tessera-brokerd(8) and doc/broker.md.\n");
	if (!g_option_context_parse(ctx, argc, argv, &error)) {
		fprintf(stderr, "tessera-brokerd: %s (try --help)\n", error->message);
		return 2;
	}
	if (*argc > 1) {
		fprintf(stderr, "tessera-brokerd: unexpected argument %s (try --help)\n", (*argv)[1]);
		return 2;
	}
	if (o->install_then && strcmp(o->install_then, "poweroff") != 0 &&
	    strcmp(o->install_then, "reboot") != 0 && strcmp(o->install_then, "stay") != 0) {
		fprintf(stderr, "tessera-brokerd: --install-then takes poweroff, reboot or stay, "
			"not %s\n", o->install_then);
		return 2;
	}
	if (o->logout && strcmp(o->logout, "pause") != 0 && strcmp(o->logout, "stop") != 0) {
		fprintf(stderr, "tessera-brokerd: --logout takes pause or stop, not %s\n", o->logout);
		return 2;
	}
	if (o->shutdown_ms < 0) {
		fprintf(stderr, "tessera-brokerd: --shutdown-timeout must not be negative\n");
		return 2;
	}
	return 0;
}

/* Detach if asked, log to the journal or stderr at the asked level; 0 or an exit status. */
static int start_logging(struct options *o)
{
	if (o->daemonize) {
		o->use_syslog = TRUE;
		if (daemon(0, 0) < 0) {
			fprintf(stderr, "tessera-brokerd: cannot detach: %s\n", g_strerror(errno));
			return 1;
		}
	}
	tsr_log_init("tessera-brokerd", o->use_syslog);
	if (o->use_syslog && tsr_journal_available())
		tsr_log_set_sink(tsr_journal_log);
	if (o->log_level) {
		enum tsr_log_level level;
		if (!tsr_log_level_parse(o->log_level, &level)) {
			tsr_err("--log-level takes error, warn, info or debug, not %s", o->log_level);
			return 2;
		}
		tsr_log_set_level(level);
	}
	if (geteuid() != 0)
		tsr_warn("not running as root: the kiosk, viewers and domains cannot change users");
	return 0;
}

/* The broker's configuration from the options (pointing into o and *certs); 0 or an exit
 * status. */
static int broker_config(const struct options *o, struct tsr_broker_config *cfg, GStrv *certs)
{
	cfg->state_dir = o->state_dir;
	cfg->run_dir = o->run_dir;
	cfg->policy_dir = o->policy_dir;
	cfg->kiosk_path = o->no_kiosk ? NULL : o->kiosk ? o->kiosk : TSR_BINDIR "/tessera-kiosk";
	cfg->kiosk_args = o->kiosk_args;
	cfg->kiosk_user = o->kiosk_user;
	cfg->kiosk_devices = o->kiosk_devices || o->kiosk_card;
	cfg->kiosk_card = o->kiosk_card;
	cfg->sys_root = o->sys_root;
	cfg->logind = o->logind;
	cfg->viewer_path = o->viewer;
	cfg->console_path = o->console;
	cfg->console_socket = o->console_socket;
	cfg->console_user = o->console_user;
	cfg->console_socket_owner = o->console_owner;
	cfg->sysfs_root = o->no_usb ? NULL : o->sysfs ? o->sysfs : "/sys";
	cfg->devfs_root = o->devfs;
	cfg->udev = !o->no_udev && !o->no_usb;
	cfg->enrol_udev = !o->no_udev;
	cfg->enrol_disk = o->enrol_disk;
	cfg->enrol_reader = o->enrol_reader;
	cfg->enrol_user = o->enrol_user;
	cfg->enrol_pins = o->enrol_pins;
	cfg->installer = o->installer;
	cfg->install_then = o->install_then;
	cfg->journal = o->use_syslog && tsr_journal_available();
	cfg->virtual_smartcard = o->vcard;
	*certs = g_strsplit(o->vcard_certs ? o->vcard_certs : "id,sign,enc", ",", 4);
	if (g_strv_length(*certs) > 3) {
		fprintf(stderr, "tessera-brokerd: --virtual-smartcard-certs takes at most 3 names\n");
		return 2;
	}
	cfg->virtual_smartcard_certs = *certs;
	cfg->logout = o->logout && strcmp(o->logout, "stop") == 0 ? TSR_BROKER_LOGOUT_STOP
								 : TSR_BROKER_LOGOUT_PAUSE;
	cfg->shutdown_timeout_ms = (unsigned)o->shutdown_ms;
	cfg->backend.testdomain = o->testdomain;
	cfg->backend.qemu = o->qemu;
	cfg->backend.qemu_img = o->qemu_img;
	cfg->backend.kernel = o->kernel;
	cfg->backend.initrd = o->initrd;
	cfg->backend.ovmf_code = o->ovmf_code;
	cfg->backend.ovmf_vars = o->ovmf_vars;
	cfg->backend.accel = o->accel;
	cfg->backend.xl = o->xl;
	return 0;
}

/* Take the kiosk's VT, build the broker, serve until SIGTERM/SIGINT; the exit status. */
static int run(const struct options *o, const struct tsr_broker_config *cfg)
{
	g_autoptr(GError) error = NULL;
	struct tsr_vt *vt = NULL;
	struct tsr_broker *broker;
	GMainLoop *loop;

	/* The kiosk runs unprivileged and cannot set a VT's modes itself. KD_GRAPHICS and K_OFF
	 * stay on the VT when the kiosk (or the broker) dies, so no keystroke can reach a console
	 * or getty through the kernel's keyboard handler: evdev grabs end with their process. */
	if (o->kiosk_vt && !o->no_kiosk) {
		vt = tsr_vt_open(o->kiosk_vt, &error);
		if (!vt) {
			tsr_err("cannot take the kiosk's VT: %s", error->message);
			return 1;
		}
		tsr_info("kiosk VT %d: graphics mode, keyboard off", tsr_vt_number(vt));
	}
	loop = g_main_loop_new(NULL, FALSE);
	broker = tsr_broker_create(cfg, &error);
	if (!broker) {
		tsr_err("cannot start: %s", error->message);
		g_main_loop_unref(loop);
		tsr_vt_destroy(vt);
		return 1;
	}
	g_unix_signal_add(SIGTERM, on_quit, loop);
	g_unix_signal_add(SIGINT, on_quit, loop);
	g_unix_signal_add(SIGHUP, on_hup, broker);
	if (o->ready_fd >= 0) {
		if (write(o->ready_fd, "READY\n", 6) != 6)
			tsr_warn("could not signal readiness on fd %d", o->ready_fd);
		close(o->ready_fd);
	}
	tsr_info("ready");
	g_main_loop_run(loop);
	{
		unsigned live = tsr_broker_live_domains(broker);
		if (live)
			tsr_info("leaving; %u domain%s keep%s running", live, live == 1 ? "" : "s",
				 live == 1 ? "s" : "");
		else
			tsr_info("leaving");
	}
	tsr_broker_destroy(broker);
	g_main_loop_unref(loop);
	tsr_vt_destroy(vt); /* a clean stop gives the console back */
	return 0;
}

int main(int argc, char **argv)
{
	struct options o = { .shutdown_ms = 30000, .ready_fd = -1 };
	struct tsr_broker_config cfg = { 0 };
	g_auto(GStrv) certs = NULL;
	int status;

	setlocale(LC_ALL, "");
	status = parse_options(&o, &argc, &argv);
	if (status == 0)
		status = start_logging(&o);
	if (status == 0) {
		/* A vanished kiosk or client must not kill the broker with SIGPIPE. */
		signal(SIGPIPE, SIG_IGN);
		status = broker_config(&o, &cfg, &certs);
	}
	if (status == 0)
		status = run(&o, &cfg);
	options_clear(&o);
	return status;
}
