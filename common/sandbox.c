/* common/sandbox.c: the sandbox sequence and its steps (see sandbox.h). Everything before the
 * seccomp step makes system calls only, so that the broker's children can run it between fork
 * and exec. */
#include "config.h"
#include "common/sandbox.h"
#include "common/seccomp.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <grp.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

static bool same_groups(const gid_t *want, size_t n_want)
{
	gid_t have[TSR_SANDBOX_MAX_GROUPS + 1];
	int n = getgroups(TSR_SANDBOX_MAX_GROUPS + 1, have);

	if (n < 0 || (size_t)n != n_want)
		return false;
	for (int i = 0; i < n; i++) {
		bool found = false;
		for (size_t j = 0; j < n_want && !found; j++)
			found = have[i] == want[j];
		if (!found)
			return false;
	}
	return true;
}

/* A real gid that is not the target: only ever a real gid, never used for access (files and
 * signals use the effective and real uids), and never 0. */
static gid_t other_gid(gid_t gid)
{
	return gid == 65534 ? 65533 : 65534;
}

static bool ids_are(uid_t uid, gid_t gid, gid_t real_gid, const gid_t *groups, size_t n_groups)
{
	uid_t r, e, s;
	gid_t rg, eg, sg;

	if (getresuid(&r, &e, &s) < 0 || r != uid || e != uid || s != uid)
		return false;
	if (getresgid(&rg, &eg, &sg) < 0 || rg != real_gid || eg != gid || sg != gid)
		return false;
	if (!same_groups(groups, n_groups))
		return false;
	/* Root must be out of reach for good. */
	if (uid != 0 && setresuid(0, 0, 0) == 0)
		return false;
	if (gid != 0 && setresgid(0, 0, 0) == 0)
		return false;
	return true;
}

static int drop_ids(uid_t uid, gid_t gid, const gid_t *groups, size_t n_groups,
		    bool nondumpable_exec)
{
	gid_t real_gid = gid;

	if (uid == 0 || gid == 0 || n_groups > TSR_SANDBOX_MAX_GROUPS) {
		errno = EINVAL;
		return -1;
	}
	for (size_t i = 0; i < n_groups; i++)
		if (groups[i] == 0) {
			errno = EINVAL;
			return -1;
		}
	/* Without root nothing can be changed: the parent must have set the ids already, and
	 * that is verified below rather than assumed. */
	if (geteuid() == 0) {
		if (nondumpable_exec)
			real_gid = other_gid(gid);
		if (setgroups(n_groups, groups) < 0)
			return -1;
		if (setresgid(real_gid, gid, gid) < 0)
			return -1;
		if (setresuid(uid, uid, uid) < 0)
			return -1;
	}
	if (!ids_are(uid, gid, real_gid, groups, n_groups)) {
		errno = EPERM;
		return -1;
	}
	return 0;
}

int tsr_sandbox_drop_ids(uid_t uid, gid_t gid)
{
	return drop_ids(uid, gid, NULL, 0, false);
}

bool tsr_sandbox_ids_dropped(uid_t uid, gid_t gid)
{
	return ids_are(uid, gid, gid, NULL, 0);
}

int tsr_sandbox_no_new_privs(void)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return -1;
	return 0;
}

/* TracerPid from /proc/self/status, read with system calls only; -1 if unknown. */
static long tracer_pid(void)
{
	char buf[4096], *p;
	ssize_t n;
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	p = strstr(buf, "\nTracerPid:");
	return p ? strtol(p + strlen("\nTracerPid:"), NULL, 10) : -1;
}

int tsr_sandbox_after_exec(void)
{
	gid_t egid = getegid();

	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return -1;
	if (getgid() != egid && setresgid(egid, egid, egid) < 0)
		return -1;
	/* Undumpable from here on, so nobody can attach any more; someone who attached in the
	 * instant before is refused here, before any fd is used. */
	if (tracer_pid() != 0) {
		errno = EPERM;
		return -1;
	}
	return 0;
}

static int set_limit(int resource, unsigned long long value)
{
	struct rlimit rl = { .rlim_cur = value, .rlim_max = value };

	return setrlimit(resource, &rl);
}

int tsr_sandbox_set_limits(const struct tsr_sandbox_limits *limits)
{
	/* Sanitizer mode: ASan's shadow memory cannot fit under any useful RLIMIT_AS. */
	if (limits->address_space && !TSR_SANITIZER_BUILD &&
	    set_limit(RLIMIT_AS, limits->address_space) < 0)
		return -1;
	if (limits->open_files && set_limit(RLIMIT_NOFILE, limits->open_files) < 0)
		return -1;
	if (limits->processes && set_limit(RLIMIT_NPROC, limits->processes) < 0)
		return -1;
	if (limits->no_core && set_limit(RLIMIT_CORE, 0) < 0)
		return -1;
	return 0;
}

static int close_range_fds(unsigned first, unsigned last)
{
	return (int)syscall(SYS_close_range, first, last, 0);
}

int tsr_sandbox_close_fds(const int *keep, size_t nkeep, bool keep_stdio)
{
	int sorted[TSR_SANDBOX_MAX_KEEP_FDS + 3];
	size_t n = 0;
	unsigned next = 0;

	if (nkeep > TSR_SANDBOX_MAX_KEEP_FDS) {
		errno = EINVAL;
		return -1;
	}
	/* The kept fds in ascending order (insertion sort: no allocation, few entries); the
	 * gaps between them are closed with close_range. */
	for (size_t i = 0; i < nkeep + (keep_stdio ? 3 : 0); i++) {
		int fd = i < nkeep ? keep[i] : (int)(i - nkeep);
		size_t j = n;

		if (fd < 0)
			continue;
		while (j > 0 && sorted[j - 1] > fd) {
			sorted[j] = sorted[j - 1];
			j--;
		}
		sorted[j] = fd;
		n++;
	}
	for (size_t i = 0; i < n; i++) {
		if ((unsigned)sorted[i] < next)
			continue; /* listed twice */
		if ((unsigned)sorted[i] > next && close_range_fds(next, (unsigned)sorted[i] - 1) < 0)
			return -1;
		next = (unsigned)sorted[i] + 1;
	}
	return close_range_fds(next, ~0u);
}

int tsr_sandbox_count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1; /* the directory's own fd */
}

static int fail(const char **failed_step, const char *step)
{
	if (failed_step)
		*failed_step = step;
	return -1;
}

int tsr_sandbox_enter(const struct tsr_sandbox *sb, const char **failed_step)
{
	if (sb->ids != TSR_SANDBOX_IDS_DROP && sb->ids != TSR_SANDBOX_IDS_KEEP) {
		errno = EINVAL;
		return fail(failed_step, "drop ids");
	}
	if (sb->ids == TSR_SANDBOX_IDS_DROP &&
	    drop_ids(sb->uid, sb->gid, sb->groups, sb->n_groups, sb->nondumpable_exec) < 0)
		return fail(failed_step, "drop ids");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return fail(failed_step, "no_new_privs");
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return fail(failed_step, "not dumpable");
	if (tsr_sandbox_set_limits(&sb->limits) < 0)
		return fail(failed_step, "rlimits");
	if (sb->close_fds && tsr_sandbox_close_fds(sb->keep_fds, sb->n_keep_fds, true) < 0)
		return fail(failed_step, "close fds");
	if (sb->allow && tsr_seccomp_load(sb->allow, sb->n_allow) < 0)
		return fail(failed_step, "seccomp");
	return 0;
}
