/* domains/accel.h: the qemu backend's choice between KVM and TCG, made for the identity QEMU
 * really runs as.
 *
 * The broker runs as root, so what root can open says nothing about the domain's own user; and a
 * /dev/kvm that opens is no proof that guests run (on some hosts they hang, before or after the
 * kernel's first byte). So `auto` means KVM only when the domain's uid/gid, with the one
 * supplementary group QEMU is given (the group owning /dev/kvm, when the group database makes the
 * user a member of it), can open /dev/kvm AND a probe guest started as that identity under KVM
 * prints its userspace marker ("hello name=tsr-accel-probe", from tessera-guest-hello) on its
 * serial line within a bound. Otherwise TCG. Decided once per uid/gid, cached for the backend's
 * life, logged with the reason. */
#ifndef TSR_DOMAINS_ACCEL_H
#define TSR_DOMAINS_ACCEL_H

#include <glib.h>
#include <stdbool.h>
#include <sys/types.h>

/* The identity a device model is started with: groups hold at most the /dev/kvm group. */
struct tsr_dm_identity {
	uid_t uid;
	gid_t gid;
	size_t n_groups;
	gid_t groups[1];
};

struct tsr_accel_cache;
struct tsr_accel_wait;

struct tsr_accel_config {
	const char *qemu, *kernel, *initrd;
	const char *kvm_path;  /* default /dev/kvm */
	const char *log_dir;   /* where each probe's serial output and QEMU log go */
	unsigned probe_ms;     /* the bound for the marker; default 15000 */
};

/* accel: "auto", "kvm" or "tcg" (the caller checked it). */
struct tsr_accel_cache *tsr_accel_cache_create(const struct tsr_accel_config *config,
					       const char *accel);
/* Kills a probe still running; accepts NULL. Pending waiters are not called. */
void tsr_accel_cache_destroy(struct tsr_accel_cache *cache);

/* accel is "kvm" or "tcg"; why is a short human reason; identity is what to start QEMU as. */
typedef void (*tsr_accel_fn)(const char *accel, const char *why,
			     const struct tsr_dm_identity *identity, void *data);
/* Calls fn at once (and returns NULL) when the decision for uid/gid is known; otherwise starts
 * or joins the probe and returns a handle valid until fn runs or tsr_accel_wait_cancel. */
struct tsr_accel_wait *tsr_accel_decide(struct tsr_accel_cache *cache, uid_t uid, gid_t gid,
					tsr_accel_fn fn, void *data);
void tsr_accel_wait_cancel(struct tsr_accel_wait *wait);
/* The decision for uid/gid, or NULL while none was made. */
const char *tsr_accel_decided(struct tsr_accel_cache *cache, uid_t uid, gid_t gid);
/* Where the probe for uid/gid writes its serial output and QEMU's messages (caller frees). */
char *tsr_accel_probe_log(struct tsr_accel_cache *cache, uid_t uid, gid_t gid);

/* The marker a probe guest prints from its userspace. */
#define TSR_ACCEL_MARKER "hello name=tsr-accel-probe"

#endif
