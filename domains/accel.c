/* domains/accel.c: deciding KVM or TCG for each domain user, by trying what QEMU will do.
 *
 * Root can open /dev/kvm when the domain's user cannot, and a /dev/kvm that opens does not mean
 * guests run: so the decision is made per uid/gid, as that identity, and KVM needs a probe guest
 * that reaches its own userspace under KVM (see domains/accel.h). The probe is asynchronous: the
 * broker's main loop goes on while it boots, and every start of the same user waits for the one
 * probe. */
#include "config.h"

#include "domains/accel.h"
#include "domains/backend-private.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/log.h"

#define PROBE_MS_DEFAULT 15000
#define MAX_USER_GROUPS 256

struct tsr_accel_wait {
	struct entry *e;
	tsr_accel_fn fn;
	void *data;
};

struct entry {
	struct tsr_accel_cache *cache;
	uid_t uid;
	gid_t gid;
	struct tsr_dm_identity kvm_id; /* what QEMU runs as under KVM */
	char *accel, *why;             /* NULL while the probe runs */
	GPid pid;
	int serial_fd, log_fd;
	guint io, timer, watch;
	GString *serial;
	int64_t started_us;
	GSList *waiters;
};

struct tsr_accel_cache {
	char *qemu, *kernel, *initrd, *kvm_path, *log_dir;
	unsigned probe_ms;
	char *fixed; /* "kvm" or "tcg" when not auto */
	GHashTable *entries; /* "uid:gid" → struct entry */
};

/* The group owning the KVM device, when the group database makes the user (by its passwd name)
 * a member: the one supplementary group a device model may get. */
static bool kvm_group(const struct tsr_accel_cache *c, uid_t uid, gid_t gid, gid_t *out)
{
	struct stat st;
	struct passwd pw, *pwp = NULL;
	char buf[4096];
	if (stat(c->kvm_path, &st) != 0 || getpwuid_r(uid, &pw, buf, sizeof buf, &pwp) != 0 ||
	    !pwp)
		return false;
	gid_t groups[MAX_USER_GROUPS];
	int n = MAX_USER_GROUPS;
	if (getgrouplist(pwp->pw_name, gid, groups, &n) < 0)
		return false;
	for (int i = 0; i < n; i++)
		if (groups[i] == st.st_gid && st.st_gid != gid && st.st_gid != 0) {
			*out = st.st_gid;
			return true;
		}
	return false;
}

struct tsr_accel_cache *tsr_accel_cache_create(const struct tsr_accel_config *config,
					       const char *accel)
{
	struct tsr_accel_cache *c = g_new0(struct tsr_accel_cache, 1);
	c->qemu = g_strdup(config->qemu);
	c->kernel = g_strdup(config->kernel);
	c->initrd = g_strdup(config->initrd);
	c->kvm_path = g_strdup(config->kvm_path ? config->kvm_path : "/dev/kvm");
	c->log_dir = g_strdup(config->log_dir);
	c->probe_ms = config->probe_ms ? config->probe_ms : PROBE_MS_DEFAULT;
	if (strcmp(accel, "auto") != 0)
		c->fixed = g_strdup(accel);
	c->entries = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	return c;
}

static void stop_probe(struct entry *e)
{
	g_clear_handle_id(&e->io, g_source_remove);
	g_clear_handle_id(&e->timer, g_source_remove);
	if (e->serial_fd >= 0)
		close(e->serial_fd);
	if (e->log_fd >= 0)
		close(e->log_fd);
	e->serial_fd = e->log_fd = -1;
	if (e->pid > 0)
		kill(e->pid, SIGKILL);
}

void tsr_accel_cache_destroy(struct tsr_accel_cache *c)
{
	if (!c)
		return;
	GHashTableIter it;
	gpointer value;
	g_hash_table_iter_init(&it, c->entries);
	while (g_hash_table_iter_next(&it, NULL, &value)) {
		struct entry *e = value;
		stop_probe(e);
		g_clear_handle_id(&e->watch, g_source_remove);
		if (e->pid > 0) {
			waitpid(e->pid, NULL, 0);
			g_spawn_close_pid(e->pid);
		}
		g_slist_free_full(e->waiters, g_free);
		if (e->serial)
			g_string_free(e->serial, TRUE);
		g_free(e->accel);
		g_free(e->why);
		g_free(e);
	}
	g_hash_table_destroy(c->entries);
	g_free(c->qemu);
	g_free(c->kernel);
	g_free(c->initrd);
	g_free(c->kvm_path);
	g_free(c->log_dir);
	g_free(c->fixed);
	g_free(c);
}

static char *key(uid_t uid, gid_t gid)
{
	return g_strdup_printf("%u:%u", (unsigned)uid, (unsigned)gid);
}

char *tsr_accel_probe_log(struct tsr_accel_cache *c, uid_t uid, gid_t gid)
{
	char *name = g_strdup_printf("accel-probe-%u-%u.log", (unsigned)uid, (unsigned)gid);
	char *path = g_build_filename(c->log_dir, name, NULL);
	g_free(name);
	return path;
}

static const struct tsr_dm_identity *identity_for(const struct entry *e, const char *accel,
						  struct tsr_dm_identity *tcg)
{
	if (strcmp(accel, "kvm") == 0)
		return &e->kvm_id;
	*tcg = (struct tsr_dm_identity){ .uid = e->uid, .gid = e->gid };
	return tcg;
}

static void decide(struct entry *e, const char *accel, const char *why)
{
	stop_probe(e);
	e->accel = g_strdup(accel);
	e->why = g_strdup(why);
	tsr_info("qemu backend: domains of uid %u gid %u use %s: %s", (unsigned)e->uid,
		 (unsigned)e->gid, accel, why);
	GSList *waiters = e->waiters;
	e->waiters = NULL;
	struct tsr_dm_identity tcg;
	const struct tsr_dm_identity *id = identity_for(e, accel, &tcg);
	for (GSList *l = waiters; l; l = l->next) {
		struct tsr_accel_wait *w = l->data;
		w->fn(e->accel, e->why, id, w->data);
		g_free(w);
	}
	g_slist_free(waiters);
}

static void probe_exited(GPid pid, int status, void *data)
{
	struct entry *e = data;
	e->watch = 0;
	e->pid = 0;
	if (e->accel)
		return; /* the SIGKILL after a decision */
	/* The serial pipe may still hold the marker written just before the exit. */
	char buf[4096];
	ssize_t n;
	while (e->serial_fd >= 0 && (n = read(e->serial_fd, buf, sizeof buf)) > 0)
		g_string_append_len(e->serial, buf, n);
	if (strstr(e->serial->str, TSR_ACCEL_MARKER)) {
		decide(e, "kvm", "a probe guest reached its userspace under KVM");
		return;
	}
	char *log = tsr_accel_probe_log(e->cache, e->uid, e->gid);
	char *why = g_strdup_printf("QEMU under KVM exited before the probe guest's userspace "
				    "marker (%s)", log);
	decide(e, "tcg", why);
	g_free(why);
	g_free(log);
}

static gboolean probe_output(gint fd, GIOCondition cond, gpointer data)
{
	struct entry *e = data;
	char buf[4096];
	ssize_t n = read(fd, buf, sizeof buf);
	if (n > 0) {
		if (e->log_fd >= 0 && write(e->log_fd, buf, (size_t)n) < 0)
			tsr_debug("accel probe: writing its log: %s", g_strerror(errno));
		g_string_append_len(e->serial, buf, n);
		if (strstr(e->serial->str, TSR_ACCEL_MARKER)) {
			e->io = 0;
			char *why = g_strdup_printf(
				"a probe guest reached its userspace under KVM in %.1f s",
				(double)(g_get_monotonic_time() - e->started_us) / G_USEC_PER_SEC);
			decide(e, "kvm", why);
			g_free(why);
			return G_SOURCE_REMOVE;
		}
		/* Only the tail matters for the marker. */
		if (e->serial->len > 65536)
			g_string_erase(e->serial, 0, e->serial->len - 1024);
		return G_SOURCE_CONTINUE;
	}
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return G_SOURCE_CONTINUE;
	e->io = 0; /* end of output: the exit decides */
	return G_SOURCE_REMOVE;
}

static gboolean probe_timeout(gpointer data)
{
	struct entry *e = data;
	e->timer = 0;
	char *why = g_strdup_printf("a probe guest under KVM did not reach its userspace "
				    "within %.1f s", e->cache->probe_ms / 1000.0);
	decide(e, "tcg", why);
	g_free(why);
	return G_SOURCE_REMOVE;
}

/* Starts the probe guest as e->kvm_id; false with a reason when it cannot even start. */
static bool start_probe(struct entry *e, char **why)
{
	struct tsr_accel_cache *c = e->cache;
	char *log = tsr_accel_probe_log(c, e->uid, e->gid);
	int fds[2] = { -1, -1 };
	e->log_fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0640);
	if (e->log_fd < 0 || pipe2(fds, O_CLOEXEC) != 0) {
		*why = g_strdup_printf("cannot write the probe's log %s: %s", log,
				       g_strerror(errno));
		g_free(log);
		return false;
	}
	g_free(log);
	char *argv[] = { c->qemu, "-accel", "kvm", "-machine", "pc", "-m", "128", "-nodefaults",
			 "-no-user-config", "-sandbox",
			 "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny",
			 "-display", "none", "-vga", "std", "-kernel", c->kernel, "-initrd",
			 c->initrd, "-append",
			 "console=ttyS0 quiet panic=-1 tsr.name=tsr-accel-probe", "-serial",
			 "stdio", "-no-reboot", NULL };
	GError *error = NULL;
	e->pid = tsr_spawn_identity(argv, fds[1], e->log_fd, &e->kvm_id, &error);
	close(fds[1]);
	if (e->pid < 0) {
		e->pid = 0;
		close(fds[0]);
		*why = g_strdup(error->message);
		g_error_free(error);
		return false;
	}
	g_unix_set_fd_nonblocking(fds[0], TRUE, NULL);
	e->serial_fd = fds[0];
	e->serial = g_string_new(NULL);
	e->started_us = g_get_monotonic_time();
	e->watch = tsr_watch_pid(e->pid, true, probe_exited, e, NULL);
	e->io = g_unix_fd_add(fds[0], G_IO_IN | G_IO_HUP | G_IO_ERR, probe_output, e);
	e->timer = g_timeout_add(c->probe_ms, probe_timeout, e);
	return true;
}

/* Decides at once where no probe is needed; otherwise starts one. */
static void begin(struct entry *e)
{
	struct tsr_accel_cache *c = e->cache;
	e->kvm_id = (struct tsr_dm_identity){ .uid = e->uid, .gid = e->gid };
	gid_t g;
	if (kvm_group(c, e->uid, e->gid, &g)) {
		e->kvm_id.groups[0] = g;
		e->kvm_id.n_groups = 1;
	}
	if (c->fixed) {
		decide(e, c->fixed, "set by configuration (accel)");
		return;
	}
	int err = tsr_identity_open_errno(&e->kvm_id, c->kvm_path);
	if (err != 0) {
		char *why = g_strdup_printf("uid %u cannot open %s (%s)", (unsigned)e->uid,
					    c->kvm_path, g_strerror(err));
		decide(e, "tcg", why);
		g_free(why);
		return;
	}
	if (!c->kernel || !c->initrd) {
		/* A /dev/kvm that opens is no proof that guests run, and without a probe kernel
		 * nothing can show it: auto means TCG until a probe can (accel=kvm forces it). */
		decide(e, "tcg", "no probe kernel configured (--guest-kernel, --guest-initrd), so KVM "
				 "was not shown to work as this user; accel=kvm forces it");
		return;
	}
	char *why = NULL;
	if (!start_probe(e, &why)) {
		char *full = g_strdup_printf("the KVM probe could not start: %s", why);
		decide(e, "tcg", full);
		g_free(full);
		g_free(why);
	}
}

struct tsr_accel_wait *tsr_accel_decide(struct tsr_accel_cache *c, uid_t uid, gid_t gid,
					tsr_accel_fn fn, void *data)
{
	char *k = key(uid, gid);
	struct entry *e = g_hash_table_lookup(c->entries, k);
	if (!e) {
		e = g_new0(struct entry, 1);
		e->cache = c;
		e->uid = uid;
		e->gid = gid;
		e->serial_fd = e->log_fd = -1;
		g_hash_table_insert(c->entries, k, e);
		begin(e);
	} else {
		g_free(k);
	}
	if (e->accel) {
		struct tsr_dm_identity tcg;
		fn(e->accel, e->why, identity_for(e, e->accel, &tcg), data);
		return NULL;
	}
	struct tsr_accel_wait *w = g_new0(struct tsr_accel_wait, 1);
	w->e = e;
	w->fn = fn;
	w->data = data;
	e->waiters = g_slist_append(e->waiters, w);
	return w;
}

void tsr_accel_wait_cancel(struct tsr_accel_wait *w)
{
	if (!w)
		return;
	w->e->waiters = g_slist_remove(w->e->waiters, w);
	g_free(w);
}

const char *tsr_accel_decided(struct tsr_accel_cache *c, uid_t uid, gid_t gid)
{
	char *k = key(uid, gid);
	struct entry *e = g_hash_table_lookup(c->entries, k);
	g_free(k);
	return e ? e->accel : NULL;
}
