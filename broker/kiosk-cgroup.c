/* broker/kiosk-cgroup.c: the kiosk and everything it starts live in a cgroup of their own.
 *
 * Ending the kiosk's pid is not enough: a child it forked (and that left its session and
 * process group) would outlive it. So the broker makes a cgroup v2 directory under its own
 * cgroup (under systemd, the service's, which the unit delegates to it), the kiosk joins it
 * between fork and exec (it writes 0 to cgroup.procs while still root), and whenever the kiosk
 * ends or is replaced the broker kills the whole cgroup (cgroup.kill, or SIGKILL to every pid in
 * cgroup.procs on kernels without it) and waits, bounded, until it is empty. Without a writable
 * cgroup v2 hierarchy the broker says so and kills the kiosk's process group instead. */
#include "config.h"
#include "broker/broker-private.h"
#include "common/log.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct brk_kiosk_cgroup {
	char *dir;
	int procs_fd; /* cgroup.procs, open for the child to join */
};

/* What match finds in the first line of file (a /proc table) it finds anything in, or NULL. */
static char *scan_proc(const char *file, char *(*match)(const char *line))
{
	g_autofree char *text = NULL;
	g_auto(GStrv) lines = NULL;

	if (!g_file_get_contents(file, &text, NULL, NULL))
		return NULL;
	lines = g_strsplit(text, "\n", -1);
	for (size_t i = 0; lines[i]; i++) {
		char *found = match(lines[i]);
		if (found)
			return found;
	}
	return NULL;
}

/* A mountinfo line of the cgroup v2 hierarchy's root: its mount point. */
static char *cgroup2_root_mount(const char *line)
{
	/* ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS... - FSTYPE SOURCE SUPER */
	g_auto(GStrv) f = NULL;

	if (!strstr(line, " - cgroup2 "))
		return NULL;
	f = g_strsplit(line, " ", 6);
	if (g_strv_length(f) >= 5 && strcmp(f[3], "/") == 0)
		return g_strdup(f[4]);
	return NULL;
}

/* The unified hierarchy's line of /proc/self/cgroup ("0::/path"): the path. */
static char *unified_path(const char *line)
{
	return g_str_has_prefix(line, "0::") ? g_strdup(line + 3) : NULL;
}

/* Where the cgroup v2 hierarchy is mounted (the unified one on hybrid systems). */
static char *cgroup2_mount(void)
{
	return scan_proc("/proc/self/mountinfo", cgroup2_root_mount);
}

/* Our own cgroup, relative to the hierarchy's root. */
static char *own_cgroup(void)
{
	return scan_proc("/proc/self/cgroup", unified_path);
}

/* A broker that was killed could not remove its kiosk cgroup: drop the empty ones whose broker
 * is gone (rmdir refuses a cgroup that still has processes). */
static void remove_stale(const char *parent)
{
	g_autoptr(GDir) d = g_dir_open(parent, 0, NULL);
	const char *e;

	while (d && (e = g_dir_read_name(d))) {
		char *end;
		long pid;
		if (!g_str_has_prefix(e, "tessera-kiosk."))
			continue;
		pid = strtol(e + 14, &end, 10);
		if (*end || pid <= 0 || pid == (long)getpid() || kill((pid_t)pid, 0) == 0 ||
		    errno != ESRCH)
			continue;
		g_autofree char *path = g_build_filename(parent, e, NULL);
		if (rmdir(path) == 0)
			tsr_info("kiosk cgroup: removed %s, left by a broker that is gone", path);
	}
}

struct brk_kiosk_cgroup *brk_kiosk_cgroup_create(void)
{
	g_autofree char *mount = cgroup2_mount();
	g_autofree char *own = own_cgroup();
	g_autofree char *name = g_strdup_printf("tessera-kiosk.%d", (int)getpid());
	struct brk_kiosk_cgroup *c;
	g_autofree char *procs = NULL;

	if (!mount || !own) {
		tsr_warn("kiosk cgroup: no cgroup v2 hierarchy; a restart kills the kiosk's process "
			 "group only");
		return NULL;
	}
	c = g_new0(struct brk_kiosk_cgroup, 1);
	{
		g_autofree char *parent = g_build_filename(mount, own, NULL);
		remove_stale(parent);
	}
	c->dir = g_build_filename(mount, own, name, NULL);
	c->procs_fd = -1;
	if (mkdir(c->dir, 0755) < 0 && errno != EEXIST) {
		tsr_warn("kiosk cgroup: cannot create %s: %s; a restart kills the kiosk's process "
			 "group only", c->dir, g_strerror(errno));
		brk_kiosk_cgroup_destroy(c);
		return NULL;
	}
	procs = g_build_filename(c->dir, "cgroup.procs", NULL);
	c->procs_fd = open(procs, O_WRONLY | O_CLOEXEC);
	if (c->procs_fd < 0) {
		tsr_warn("kiosk cgroup: cannot open %s: %s", procs, g_strerror(errno));
		brk_kiosk_cgroup_destroy(c);
		return NULL;
	}
	tsr_info("kiosk cgroup: %s", c->dir);
	return c;
}

int brk_kiosk_cgroup_join_fd(const struct brk_kiosk_cgroup *c)
{
	return c ? c->procs_fd : -1;
}

/* The pids in the cgroup now; n = 0 when it is empty or unreadable. */
static GArray *members(const struct brk_kiosk_cgroup *c)
{
	g_autofree char *path = g_build_filename(c->dir, "cgroup.procs", NULL);
	g_autofree char *text = NULL;
	GArray *pids = g_array_new(FALSE, FALSE, sizeof(pid_t));
	char *p, *end;

	if (!g_file_get_contents(path, &text, NULL, NULL))
		return pids;
	for (p = text; *p; p = end) {
		long v = strtol(p, &end, 10);
		if (end == p)
			break;
		if (v > 0) {
			pid_t pid = (pid_t)v;
			g_array_append_val(pids, pid);
		}
		while (*end == '\n')
			end++;
	}
	return pids;
}

unsigned brk_kiosk_cgroup_kill(struct brk_kiosk_cgroup *c, pid_t kiosk)
{
	g_autofree char *kill_path = NULL;
	unsigned killed = 0;
	int fd;

	if (!c) {
		/* The kiosk leads its own session and process group (setsid before exec). */
		if (kiosk > 0)
			kill(-kiosk, SIGKILL);
		return 0;
	}
	{
		GArray *before = members(c);
		for (guint i = 0; i < before->len; i++)
			killed += g_array_index(before, pid_t, i) != kiosk;
		bool any = before->len > 0;
		g_array_free(before, TRUE);
		if (!any)
			return 0;
	}
	kill_path = g_build_filename(c->dir, "cgroup.kill", NULL);
	fd = open(kill_path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "1", 1) != 1) {
		/* Before Linux 5.14: SIGKILL to each, again until nobody is left (a process may
		 * fork while we read the list). */
		for (int round = 0; round < 100; round++) {
			GArray *pids = members(c);
			guint n = pids->len;
			for (guint i = 0; i < n; i++)
				kill(g_array_index(pids, pid_t, i), SIGKILL);
			g_array_free(pids, TRUE);
			if (n == 0)
				break;
			g_usleep(10000);
		}
	}
	if (fd >= 0)
		close(fd);
	/* Bounded wait until they are gone (the kiosk itself is reaped by its child watch). */
	for (int i = 0; i < 100; i++) {
		GArray *pids = members(c);
		bool only_kiosk = pids->len == 0 ||
				  (pids->len == 1 && g_array_index(pids, pid_t, 0) == kiosk);
		g_array_free(pids, TRUE);
		if (only_kiosk)
			break;
		g_usleep(10000);
	}
	return killed;
}

void brk_kiosk_cgroup_destroy(struct brk_kiosk_cgroup *c)
{
	if (!c)
		return;
	if (c->procs_fd >= 0) {
		brk_kiosk_cgroup_kill(c, 0);
		close(c->procs_fd);
	}
	if (c->dir && rmdir(c->dir) < 0 && errno != ENOENT)
		tsr_debug("kiosk cgroup: cannot remove %s: %s", c->dir, g_strerror(errno));
	g_free(c->dir);
	g_free(c);
}
