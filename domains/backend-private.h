/* domains/backend-private.h: what the backend core (backend.c) shares with each backend
 * implementation (qemu, xen, sim), and nothing the broker should see.
 *
 * The core owns the domain table, name and template checks, the state machine and its events,
 * the shutdown timeout, USB ownership and the done callbacks; a backend only launches, asks,
 * kills and reports what it saw through tsr_domain_set_state. */
#ifndef TSR_DOMAINS_BACKEND_PRIVATE_H
#define TSR_DOMAINS_BACKEND_PRIVATE_H

#include "domains/accel.h"
#include "domains/backend.h"
#include "domains/boot.h"

struct tsr_domain;

/* One pending operation's completion. */
struct tsr_op {
	struct tsr_backend *backend;
	char *name;
	tsr_backend_done_fn done;
	void *user_data;
};

struct tsr_backend_ops {
	const char *kind;
	bool (*init)(struct tsr_backend *backend, GError **error);
	void (*finalize)(struct tsr_backend *backend);
	void (*domain_free)(struct tsr_domain *domain); /* frees domain->priv */
	/* Each must end by calling tsr_op_finish(op, ...) exactly once. */
	void (*start)(struct tsr_domain *domain, struct tsr_op *op);
	void (*pause)(struct tsr_domain *domain, struct tsr_op *op);
	void (*resume)(struct tsr_domain *domain, struct tsr_op *op);
	void (*adopt)(struct tsr_domain *domain, struct tsr_op *op);
	void (*attach_usb)(struct tsr_domain *domain, const struct tsr_usb_device *device,
			   const char *device_id, struct tsr_op *op);
	void (*detach_usb)(struct tsr_domain *domain, const struct tsr_usb_device *device,
			   const char *device_id, struct tsr_op *op);
	/* Fire and forget: the outcome arrives as tsr_domain_set_state(STOPPED). */
	void (*request_shutdown)(struct tsr_domain *domain);
	void (*kill)(struct tsr_domain *domain);
	/* "kvm" or "tcg" once decided for this domain; NULL where it does not apply (optional). */
	const char *(*accel)(struct tsr_domain *domain);
};

struct tsr_domain {
	struct tsr_backend *backend;
	char *name;
	uid_t uid;
	gid_t gid;
	unsigned memory_mb, vcpus;
	char *template_path, *template_sha256;
	uint64_t template_size;
	bool disposable;
	bool agent; /* the guest runs a SPICE agent (sim: the testdomain plays one) */
	bool virtio_video; /* qemu: virtio-vga, not the standard VGA */
	enum tsr_domain_network network;
	char *cmdline;
	struct tsr_domain_boot boot;

	enum tsr_domain_state state;
	char *run_dir;      /* run_dir/NAME: owned by the domain user, 0700 */
	char *state_dir;    /* state_dir/NAME */
	char *spice_path, *log_path, *overlay_path, *pid_path, *console_path;
	long pid;           /* device model pid, or xen domid; -1 when none */
	bool stop_requested; /* shutdown or destroy asked: an exit is not a crash */
	guint shutdown_timer;
	GSList *stop_waiters; /* struct tsr_op *: finished when the domain stops */
	void *priv;
};

struct tsr_backend {
	const struct tsr_backend_ops *ops;
	char *kind;
	char *run_dir, *state_dir, *kernel, *initrd, *qemu, *qemu_img, *accel, *testdomain, *xl,
		*xen_cfg_dir, *nft, *ovmf_code, *ovmf_vars, *devfs;
	unsigned accel_probe_ms;
	GHashTable *domains;   /* name → struct tsr_domain */
	GHashTable *usb_owner; /* device id → domain name */
	tsr_backend_event_fn event_fn;
	void *event_data;
	void *priv;
};

extern const struct tsr_backend_ops tsr_backend_qemu_ops;
extern const struct tsr_backend_ops tsr_backend_xen_ops;
extern const struct tsr_backend_ops tsr_backend_sim_ops;

struct tsr_op *tsr_op_new(struct tsr_backend *backend, const char *name, tsr_backend_done_fn done,
			  void *user_data);
/* Calls done from an idle source (never re-entrantly) and frees op. error may be NULL; it is
 * taken over. */
void tsr_op_finish(struct tsr_op *op, GError *error);
/* An operation refused before it began: done gets error (taken over) from an idle source. */
void tsr_op_fail(struct tsr_backend *backend, const char *name, tsr_backend_done_fn done,
		 void *user_data, GError *error);
/* The defined domain of that name, or NULL with TSR_BACKEND_ERROR_UNKNOWN. */
struct tsr_domain *tsr_backend_lookup(struct tsr_backend *backend, const char *name,
				      GError **error);
/* Forget every USB device the domain held (usb.c): it ended. */
void tsr_usb_release_domain(struct tsr_backend *backend, const char *name);

/* The one way a domain changes state: emits the event; on STOPPED or CRASHED also finishes
 * stop waiters, cancels the shutdown timer, releases USB devices and, for a disposable domain,
 * removes the overlay. */
void tsr_domain_set_state(struct tsr_domain *domain, enum tsr_domain_state state,
			  const char *reason);

/* Process helpers shared by the backends. */
/* Spawn argv with stdin on /dev/null, stdout+stderr appended to log_path, as uid/gid (0 = keep),
 * not reaped by GLib's default (use tsr_watch_pid). Returns pid or -1. */
GPid tsr_spawn_as(char *const *argv, const char *log_path, uid_t uid, gid_t gid, GError **error);
/* The same with supplementary groups (the device model's /dev/kvm group). */
GPid tsr_spawn_as_identity(char *const *argv, const char *log_path,
			   const struct tsr_dm_identity *identity, GError **error);
/* The same with stdout and stderr on the given fds (which stay the caller's). */
GPid tsr_spawn_identity(char *const *argv, int out_fd, int err_fd,
			const struct tsr_dm_identity *identity, GError **error);
/* 0 when identity can open path read-write (checked in a child that drops to it), else the
 * errno of the refusal. */
int tsr_identity_open_errno(const struct tsr_dm_identity *identity, const char *path);
/* Watch a pid (child or not, through a pidfd); fn(pid, wait status or -1 if unknown, data). */
typedef void (*tsr_pid_exit_fn)(GPid pid, int status, void *data);
guint tsr_watch_pid(GPid pid, bool is_child, tsr_pid_exit_fn fn, void *data, GError **error);
/* Make dir (and parents) with mode, owned by uid:gid. */
bool tsr_make_dir_owned(const char *path, mode_t mode, uid_t uid, gid_t gid, GError **error)
	__attribute__((warn_unused_result));
/* Wait for a path to exist (inotify on its directory): fn(data, true), or fn(data, false) after
 * timeout_ms. The handle is freed after fn runs; tsr_path_wait_cancel before that. */
typedef void (*tsr_path_fn)(void *data, bool appeared);
struct tsr_path_wait;
struct tsr_path_wait *tsr_wait_path(const char *path, unsigned timeout_ms, tsr_path_fn fn,
				    void *data);
void tsr_path_wait_cancel(struct tsr_path_wait *wait);
/* Read a whole small file into a trimmed string (NULL if missing). */
char *tsr_read_trimmed(const char *path);
/* The pid in a pid file, or 0 if it is missing or holds no positive number. */
long tsr_read_pid_file(const char *path);
/* Whether process pid has arg as one whole argument on its command line: adopting a domain
 * after a restart must not take a recycled pid for its process. */
bool tsr_pid_has_arg(long pid, const char *arg);
/* Adopting the device model a previous broker started, from d's pid file: returns its pid, now
 * d->pid and watched (fn with d, the source in *watch); or 0 with op finished: it was not running
 * (the domain stays stopped), the watch failed, or the pid is not the domain's process any more
 * (is_ours says, so a recycled pid is never taken): then gone runs (if not NULL) and the domain
 * is crashed with reason why. */
/* After spawning d's device model: on success (pid >= 0) it is d->pid and in d's pid file, and
 * true; on failure the domain is stopped ("start failed"), op is finished with error, and
 * false. */
bool tsr_started(struct tsr_domain *d, GPid pid, struct tsr_op *op, GError *error);
/* How a device model ended, from its wait status (-1: not known): "exited", "killed by signal
 * N" or "exited with status N", after who and a space if who is not NULL. */
char *tsr_exit_how(const char *who, int status);
long tsr_adopt_pid(struct tsr_domain *d, struct tsr_op *op,
		   bool (*is_ours)(struct tsr_domain *d, long pid),
		   void (*gone)(struct tsr_domain *d), const char *why, tsr_pid_exit_fn fn,
		   guint *watch);

/* A device model that died while starting (domains/dm-log.c): the one line to show a user (the
 * last thing it logged, without QEMU's timestamp and program name; NULL for an empty log), and
 * its last `lines` lines written to the broker's log. */
char *tsr_dm_log_reason(const char *log_path);
void tsr_dm_log_to_broker(const char *domain, const char *how, const char *log_path,
			  unsigned lines);

/* Template check and overlay provisioning (disk.c, used by qemu and xen). */
bool tsr_template_verify(const char *path, uint64_t size, const char *sha256, GError **error)
	__attribute__((warn_unused_result));

#endif
