/* common/sandbox.c: id drop, no_new_privs, rlimits and fd closing (see sandbox.h). */
#include "config.h"
#include "common/sandbox.h"

#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

int tsr_sandbox_drop_ids(uid_t uid, gid_t gid)
{
	if (uid == 0 || gid == 0) {
		errno = EINVAL;
		return -1;
	}
	if (setgroups(0, NULL) < 0)
		return -1;
	if (setresgid(gid, gid, gid) < 0)
		return -1;
	if (setresuid(uid, uid, uid) < 0)
		return -1;
	if (!tsr_sandbox_ids_dropped(uid, gid)) {
		errno = EPERM;
		return -1;
	}
	return 0;
}

bool tsr_sandbox_ids_dropped(uid_t uid, gid_t gid)
{
	uid_t r, e, s;
	gid_t rg, eg, sg;

	if (getresuid(&r, &e, &s) < 0 || r != uid || e != uid || s != uid)
		return false;
	if (getresgid(&rg, &eg, &sg) < 0 || rg != gid || eg != gid || sg != gid)
		return false;
	if (getgroups(0, NULL) != 0)
		return false;
	/* Root must be out of reach for good. */
	if (uid != 0 && setresuid(0, 0, 0) == 0)
		return false;
	if (gid != 0 && setresgid(0, 0, 0) == 0)
		return false;
	return true;
}

int tsr_sandbox_no_new_privs(void)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return -1;
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

static bool kept(int fd, const int *keep, size_t nkeep, bool keep_stdio)
{
	if (keep_stdio && fd <= 2)
		return true;
	for (size_t i = 0; i < nkeep; i++)
		if (keep[i] == fd)
			return true;
	return false;
}

int tsr_sandbox_close_fds(const int *keep, size_t nkeep, bool keep_stdio)
{
	DIR *d = opendir("/proc/self/fd");
	int *victims = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;

	if (!d)
		return -1;
	/* Collect first, close after: closing while reading the directory would race. */
	while ((de = readdir(d))) {
		char *end;
		long fd = strtol(de->d_name, &end, 10);
		if (*end || end == de->d_name || fd == dirfd(d))
			continue;
		if (kept((int)fd, keep, nkeep, keep_stdio))
			continue;
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			int *nv = realloc(victims, ncap * sizeof(*nv));
			if (!nv) {
				free(victims);
				closedir(d);
				return -1;
			}
			victims = nv;
			cap = ncap;
		}
		victims[n++] = (int)fd;
	}
	closedir(d);
	for (size_t i = 0; i < n; i++)
		close(victims[i]);
	free(victims);
	return 0;
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
