/* domains/backend.h: one interface over the ways a domain (a VM) can run, so the broker never
 * knows which it drives.
 *
 * Three backends sit behind it: "qemu" (qemu-system-x86_64 controlled over QMP, a developer's
 * machine), "xen" (xl on a real laptop), and "sim" (one tessera-testdomain process per domain, for
 * fast tests). Every backend keeps each domain's device model unprivileged: it runs as the
 * domain's own uid/gid and owns that domain's sockets and disks, nothing more.
 *
 * Threading and events: everything runs on the thread-default GMainContext of the thread that
 * called tsr_backend_create. Operations that take time are asynchronous: they return at once and
 * call their tsr_backend_done_fn later (always from the main loop, never re-entrantly from inside
 * the call). Every state change of a domain, asked for or not, is reported to the event handler;
 * a domain that dies on its own (its device model crashed or was killed) moves to
 * TSR_DOMAIN_CRASHED with a reason. tsr_backend_run_sync() drives one operation to completion for
 * tools and tests.
 *
 * Lifecycle of one domain: tsr_backend_define (the definition, no side effects) → create
 * (provision its disk: verify the template against the pinned size and sha256, make the qcow2
 * overlay) → start → running ⇄ paused → shutdown (graceful, bounded by a timeout, then destroy)
 * or destroy → stopped. A disposable domain loses its overlay whenever it stops; a persistent one
 * keeps it. After a broker restart, define every domain again and call tsr_backend_adopt: running
 * domains are found (qemu through the QMP socket in the run directory, xen through `xl list -l`)
 * and controlled again; domains that were running and died meanwhile come back as crashed. */
#ifndef TSR_DOMAINS_BACKEND_H
#define TSR_DOMAINS_BACKEND_H

#include "common/unix-peer.h"

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define TSR_BACKEND_ERROR (tsr_backend_error_quark())
GQuark tsr_backend_error_quark(void);

enum tsr_backend_error_code {
	TSR_BACKEND_ERROR_INVALID,   /* a bad definition or argument; nothing was changed */
	TSR_BACKEND_ERROR_UNKNOWN,   /* no domain of that name is defined */
	TSR_BACKEND_ERROR_STATE,     /* not possible in the domain's current state */
	TSR_BACKEND_ERROR_TEMPLATE,  /* template missing, wrong size or wrong sha256 */
	TSR_BACKEND_ERROR_BUSY,      /* a device is attached to another domain */
	TSR_BACKEND_ERROR_FAILED,    /* the device model or a tool failed; the message says how */
	TSR_BACKEND_ERROR_TIMEOUT,
	TSR_BACKEND_ERROR_UNSUPPORTED, /* this backend cannot do that (e.g. virtual smartcard on xen) */
};

enum tsr_domain_state {
	TSR_DOMAIN_STOPPED = 0,
	TSR_DOMAIN_STARTING,  /* device model launched, not yet confirmed running */
	TSR_DOMAIN_RUNNING,
	TSR_DOMAIN_PAUSED,
	TSR_DOMAIN_CRASHED,   /* died without being asked to; stays until started or destroyed */
};

const char *tsr_domain_state_name(enum tsr_domain_state state);

enum tsr_domain_network {
	TSR_NETWORK_NONE = 0,
	TSR_NETWORK_USER,     /* user-mode networking (slirp): its own NAT, nothing reaches it */
	TSR_NETWORK_ISOLATED, /* its own TAP device, fenced by nftables from dom0 and other domains */
};

enum tsr_domain_firmware {
	TSR_FIRMWARE_BIOS = 0, /* SeaBIOS */
	TSR_FIRMWARE_UEFI,     /* OVMF with a per-domain variable store (qemu only) */
};

enum tsr_domain_disk_bus {
	TSR_DISK_BUS_VIRTIO = 0,
	TSR_DISK_BUS_SATA,     /* AHCI: for installers without virtio drivers */
};

/* A read-only file the domain boots from (install media, kernel, initramfs), pinned like a
 * template: checked against size and sha256 at every start. path NULL = none. */
struct tsr_pinned_file {
	const char *path;
	const char *sha256;
	uint64_t size;
};

/* A domain as a backend needs it. The broker fills it from the policy's typed domain (see
 * policy/policy.h and tsr_domain_spec_from_policy in domains/policy-spec.h); the
 * backend copies everything, so the caller's strings may go away after define. */
struct tsr_domain_spec {
	const char *name;            /* policy's rule: [A-Za-z0-9._-]{1,64}, not starting '.' or '-' */
	uid_t uid;                   /* the domain's own unprivileged user (never 0) */
	gid_t gid;                   /* its group (never 0) */
	unsigned memory_mb;          /* 16 .. 65536 */
	unsigned vcpus;              /* 1 .. 64 */
	/* The disk template: a qcow2 (or raw) image kept read-only; the domain writes to an overlay.
	 * NULL = no disk. The template is checked against size and sha256 (64 lowercase hex) first. */
	const char *template_path;
	const char *template_sha256;
	uint64_t template_size;
	bool disposable;             /* the overlay is deleted whenever the domain stops */
	bool agent;                  /* the guest runs a SPICE agent (policy `agent`) */
	/* qemu: virtio-vga instead of the standard VGA (policy `video = virtio`): QEMU takes the
	 * client's monitors config and the guest sees a hotplug with that preferred mode. */
	bool virtio_video;
	enum tsr_domain_network network;
	/* Extra text for the guest kernel command line (direct boot); the backend always adds
	 * tsr.name=NAME so the guest knows who it is. May be NULL. */
	const char *cmdline;
	/* Booting: firmware boots the disk, or cdrom first when given; with kernel, a direct
	 * kernel boot (SeaBIOS only). boot_given: policy said firmware or kernel. Without it, the
	 * backend-wide kernel (config kernel/initrd), when one is set, direct-boots the domain. */
	enum tsr_domain_firmware firmware;
	enum tsr_domain_disk_bus disk_bus;
	struct tsr_pinned_file cdrom, kernel, initrd;
	bool boot_given;
};

/* What a backend needs from the host. Unset (NULL/0) fields get the defaults noted. */
struct tsr_backend_config {
	const char *run_dir;     /* sockets, pid and state files: default /run/tessera/domains */
	const char *state_dir;   /* overlays and per-domain logs: default /var/lib/tessera/domains */
	const char *kernel;      /* guest kernel for direct boot (tools/build-guest-image output) */
	const char *initrd;      /* guest initramfs */
	const char *qemu;        /* qemu: default qemu-system-x86_64 from PATH */
	const char *qemu_img;    /* qemu: default qemu-img from PATH */
	const char *accel;       /* qemu: "auto" (KVM when the domain's user can open /dev/kvm and a
				  * probe guest reaches its userspace under KVM as that user, else
				  * TCG; decided per user, see domains/accel.h), "tcg", "kvm" */
	unsigned accel_probe_ms; /* qemu, auto: the probe's bound (default 15000) */
	const char *testdomain;  /* sim: default tessera-testdomain from PATH */
	const char *xl;          /* xen: default xl from PATH */
	const char *xen_cfg_dir; /* xen: where the generated xl.cfg files go: default run_dir */
	const char *nft;         /* isolated networking: default nft from PATH */
	/* qemu, firmware = uefi: OVMF's code (read-only) and the variable store each domain gets
	 * a copy of: default /usr/share/OVMF/OVMF_CODE_4M.fd and OVMF_VARS_4M.fd. */
	const char *ovmf_code;
	const char *ovmf_vars;
	/* qemu: where USB host device nodes are (bus/usb/BBB/AAA): default /dev. Root opens the
	 * node and hands QEMU the fd; the node itself never changes owner. */
	const char *devfs;
};

struct tsr_backend;

/* A USB device to attach. Physical devices are named by host bus and address or by vendor and
 * product; the virtual smartcard (qemu only) is an emulated CCID reader whose card is backed by
 * the certificates in an NSS database. */
enum tsr_usb_kind {
	TSR_USB_HOST_BUSADDR,
	TSR_USB_HOST_VIDPID,
	TSR_USB_VIRTUAL_SMARTCARD,
};

struct tsr_usb_device {
	enum tsr_usb_kind kind;
	unsigned bus, addr;            /* TSR_USB_HOST_BUSADDR */
	unsigned vendor, product;      /* TSR_USB_HOST_VIDPID */
	const char *nss_db;            /* TSR_USB_VIRTUAL_SMARTCARD: NSS database directory */
	const char *certs[3];          /* ...: nicknames of the card's three certificates */
};

/* A stable textual id for a device ("usb-3-7", "usb-046d:c52b", "smartcard"): the key under
 * which the backend remembers where it is attached. Caller frees. */
char *tsr_usb_device_id(const struct tsr_usb_device *device);

typedef void (*tsr_backend_done_fn)(struct tsr_backend *backend, const char *domain,
				    const GError *error, void *user_data);

/* Every state change. reason is a short human text ("shut down by request", "device model
 * exited with signal 9", "adopted after restart"). */
typedef void (*tsr_backend_event_fn)(struct tsr_backend *backend, const char *domain,
				     enum tsr_domain_state old_state,
				     enum tsr_domain_state new_state, const char *reason,
				     void *user_data);

/* kind: "qemu", "xen" or "sim". Returns NULL with an error naming what is missing. */
struct tsr_backend *tsr_backend_create(const char *kind, const struct tsr_backend_config *config,
				       GError **error) __attribute__((warn_unused_result));
/* Leaves running domains running (they are adopted by the next backend); accepts NULL. */
void tsr_backend_destroy(struct tsr_backend *backend);
const char *tsr_backend_kind(const struct tsr_backend *backend);

void tsr_backend_set_event_handler(struct tsr_backend *backend, tsr_backend_event_fn fn,
				   void *user_data);

/* Check and remember a definition. Refuses bad names, ids, sizes, a template that is not
 * pinned; redefining a domain that is not stopped is refused. No side effects on the host. */
bool tsr_backend_define(struct tsr_backend *backend, const struct tsr_domain_spec *spec,
			GError **error) __attribute__((warn_unused_result));
/* Forget a stopped domain (its persistent overlay stays on disk). */
bool tsr_backend_undefine(struct tsr_backend *backend, const char *name, GError **error)
	__attribute__((warn_unused_result));

/* Provision: verify the template (size, sha256), create the overlay owned by the domain user.
 * Idempotent for a persistent domain whose overlay exists. Synchronous (hashing a template is
 * the slow part). */
bool tsr_backend_create_disk(struct tsr_backend *backend, const char *name, GError **error)
	__attribute__((warn_unused_result));

/* Start: provisions the disk if needed, launches the device model; done fires when the domain
 * runs (QMP answered / xl create returned / testdomain's socket listens), with its SPICE
 * socket in place. */
void tsr_backend_start(struct tsr_backend *backend, const char *name, tsr_backend_done_fn done,
		       void *user_data);
void tsr_backend_pause(struct tsr_backend *backend, const char *name, tsr_backend_done_fn done,
		       void *user_data);
void tsr_backend_resume(struct tsr_backend *backend, const char *name, tsr_backend_done_fn done,
			void *user_data);
/* Ask the guest to power off (ACPI); if it has not stopped after timeout_ms, destroy it. done
 * fires when stopped (error TIMEOUT is not reported: the destroy is the bound). */
void tsr_backend_shutdown(struct tsr_backend *backend, const char *name, unsigned timeout_ms,
			  tsr_backend_done_fn done, void *user_data);
/* Stop at once (SIGKILL / xl destroy). */
void tsr_backend_destroy_domain(struct tsr_backend *backend, const char *name,
				tsr_backend_done_fn done, void *user_data);
/* After a restart: find the domain's running instance and take control of it again. */
void tsr_backend_adopt(struct tsr_backend *backend, const char *name, tsr_backend_done_fn done,
		       void *user_data);

/* Attach or detach a USB device. Attaching a device that is attached to another domain is
 * refused with TSR_BACKEND_ERROR_BUSY naming that domain: detach it first. */
void tsr_backend_attach_usb(struct tsr_backend *backend, const char *name,
			    const struct tsr_usb_device *device, tsr_backend_done_fn done,
			    void *user_data);
void tsr_backend_detach_usb(struct tsr_backend *backend, const char *name,
			    const struct tsr_usb_device *device, tsr_backend_done_fn done,
			    void *user_data);
/* The domain a device is attached to, or NULL. */
const char *tsr_backend_usb_owner(struct tsr_backend *backend, const char *device_id);

enum tsr_domain_state tsr_backend_status(struct tsr_backend *backend, const char *name);
/* Path of the domain's SPICE unix socket (owned by the domain's uid, mode 0600), or NULL for an
 * unknown domain. Valid while the domain is defined. */
const char *tsr_backend_spice_socket(struct tsr_backend *backend, const char *name);
/* Who serves the domain's SPICE socket (its device model), for tsr_unix_connect_peer: false if
 * the domain is unknown. */
bool tsr_backend_spice_peer(struct tsr_backend *backend, const char *name,
			    struct tsr_unix_peer *peer);
/* The device model's pid (qemu, sim) or domid (xen), -1 when not running. For tests/status. */
long tsr_backend_domain_pid(struct tsr_backend *backend, const char *name);
/* The guest's serial console as a file (qemu, xen), in the domain's run directory. */
const char *tsr_backend_console_path(struct tsr_backend *backend, const char *name);
/* Per-domain log file (device model stderr, or xl output). */
const char *tsr_backend_log_path(struct tsr_backend *backend, const char *name);

/* "kvm" or "tcg" once the qemu backend decided for the domain's user (at its first start);
 * NULL before that and for other backends. */
const char *tsr_backend_accel(struct tsr_backend *backend, const char *name);

/* Names of all defined domains (NULL-terminated, caller frees with g_strfreev). */
char **tsr_backend_list(struct tsr_backend *backend);

/* Run op on the calling thread's default main context until its done callback fires or
 * timeout_ms passes. op is one of the asynchronous calls above, wrapped by the caller, e.g.
 *   tsr_backend_run_sync(b, start_op, "work", 60000, &err)
 * where the op receives (backend, name, done, done_data) and passes done/done_data on. */
typedef void (*tsr_backend_async_op)(struct tsr_backend *backend, const char *name,
				     tsr_backend_done_fn done, void *done_data, void *op_data);
bool tsr_backend_run_sync(struct tsr_backend *backend, const char *name,
			  tsr_backend_async_op op, void *op_data, unsigned timeout_ms,
			  GError **error) __attribute__((warn_unused_result));
/* Synchronous wrappers built on tsr_backend_run_sync (tools, tests). */
bool tsr_backend_start_sync(struct tsr_backend *backend, const char *name, unsigned timeout_ms,
			    GError **error) __attribute__((warn_unused_result));
bool tsr_backend_shutdown_sync(struct tsr_backend *backend, const char *name,
			       unsigned timeout_ms, GError **error)
	__attribute__((warn_unused_result));
bool tsr_backend_destroy_domain_sync(struct tsr_backend *backend, const char *name,
				     unsigned timeout_ms, GError **error)
	__attribute__((warn_unused_result));
bool tsr_backend_attach_usb_sync(struct tsr_backend *backend, const char *name,
				 const struct tsr_usb_device *device, unsigned timeout_ms,
				 GError **error) __attribute__((warn_unused_result));
bool tsr_backend_detach_usb_sync(struct tsr_backend *backend, const char *name,
				 const struct tsr_usb_device *device, unsigned timeout_ms,
				 GError **error) __attribute__((warn_unused_result));
/* Wait until the domain reaches state (or timeout_ms): for tests and tools. */
bool tsr_backend_wait_state(struct tsr_backend *backend, const char *name,
			    enum tsr_domain_state state, unsigned timeout_ms)
	__attribute__((warn_unused_result));

#endif
