/* tests/system/domains-accel-test.c: the qemu backend's `accel=auto` decision, for real.
 *
 * Two domain users exist only inside this test's own mount namespace (its /etc/passwd and
 * /etc/group are bind-mounted copies): one is a member of the group owning /dev/kvm, one is not.
 * KVM may or may not run guests on the machine the test runs on, so each case asserts the
 * decision that follows from what happened, seen independently of the backend: whether the user
 * can open /dev/kvm (checked by the test in a child dropped to that user) and whether the probe
 * guest's serial output holds its userspace marker. A third case boots a probe image whose init
 * hangs: it never prints the marker, so the answer must be TCG whatever KVM does here. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "domains/backend.h"
#include "tests/system/domains-test-util.h"

#define KVM_UID 62901
#define NOKVM_UID 62902
#define MARKER "hello name=tsr-accel-probe"

static struct guest_image img;
static char *tmpdir;
static gid_t kvm_gid;

static bool cmdline_has(long pid, const char *a, const char *b)
{
	char *path = g_strdup_printf("/proc/%ld/cmdline", pid);
	char *cmd = NULL;
	gsize len = 0;
	bool found = false;
	g_assert_true(g_file_get_contents(path, &cmd, &len, NULL));
	for (gsize i = 0; i < len && !found; i += strlen(cmd + i) + 1)
		found = strcmp(cmd + i, a) == 0 && i + strlen(a) + 1 < len &&
			strcmp(cmd + i + strlen(a) + 1, b) == 0;
	g_free(cmd);
	g_free(path);
	return found;
}

/* Whether uid (with the groups given) can open /dev/kvm: the test's own look. */
static bool can_open_kvm(uid_t uid, const gid_t *groups, size_t n)
{
	pid_t pid = fork();
	g_assert_cmpint(pid, >=, 0);
	if (pid == 0) {
		if (setgroups(n, groups) != 0 || setresgid(uid, uid, uid) != 0 ||
		    setresuid(uid, uid, uid) != 0)
			_exit(2);
		_exit(open("/dev/kvm", O_RDWR) >= 0 ? 0 : 1);
	}
	int status = 0;
	g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
	g_assert_true(WIFEXITED(status) && WEXITSTATUS(status) != 2);
	return WEXITSTATUS(status) == 0;
}

/* Private copies of passwd and group with the two test users; only this process sees them. */
static void make_users(void)
{
	struct stat st;
	g_assert_cmpint(stat("/dev/kvm", &st), ==, 0);
	kvm_gid = st.st_gid;
	g_assert_cmpint(unshare(CLONE_NEWNS), ==, 0);
	g_assert_cmpint(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), ==, 0);

	char *passwd = NULL, *group = NULL;
	g_assert_true(g_file_get_contents("/etc/passwd", &passwd, NULL, NULL));
	g_assert_true(g_file_get_contents("/etc/group", &group, NULL, NULL));
	GString *p = g_string_new(passwd);
	g_string_append_printf(p, "tsr-accel-kvm:x:%d:%d::/nonexistent:/usr/sbin/nologin\n"
				  "tsr-accel-nokvm:x:%d:%d::/nonexistent:/usr/sbin/nologin\n",
			       KVM_UID, KVM_UID, NOKVM_UID, NOKVM_UID);
	GString *g = g_string_new(NULL);
	char **lines = g_strsplit(group, "\n", -1);
	for (char **l = lines; *l; l++) {
		if (!**l)
			continue;
		char **f = g_strsplit(*l, ":", 4);
		bool is_kvm = g_strv_length(f) == 4 && strtoul(f[2], NULL, 10) == kvm_gid;
		g_string_append(g, *l);
		if (is_kvm)
			g_string_append(g, *f[3] ? ",tsr-accel-kvm" : "tsr-accel-kvm");
		g_string_append_c(g, '\n');
		g_strfreev(f);
	}
	g_strfreev(lines);
	char *pp = g_build_filename(tmpdir, "passwd", NULL);
	char *gp = g_build_filename(tmpdir, "group", NULL);
	g_assert_true(g_file_set_contents(pp, p->str, -1, NULL));
	g_assert_true(g_file_set_contents(gp, g->str, -1, NULL));
	chmod(pp, 0644);
	chmod(gp, 0644);
	g_assert_cmpint(mount(pp, "/etc/passwd", NULL, MS_BIND, NULL), ==, 0);
	g_assert_cmpint(mount(gp, "/etc/group", NULL, MS_BIND, NULL), ==, 0);
	g_string_free(p, TRUE);
	g_string_free(g, TRUE);
	g_free(passwd);
	g_free(group);
	g_free(pp);
	g_free(gp);
}

/* An initramfs whose init never reaches tessera-guest-hello: it sleeps forever. */
static char *make_hanging_initrd(void)
{
	char *out = g_build_filename(tmpdir, "hang.img", NULL);
	char *cmd = g_strdup_printf(
		"set -e; r='%s/hang-root'; mkdir -p \"$r/bin\"; cp /bin/busybox \"$r/bin/busybox\"; "
		"ln -s busybox \"$r/bin/sh\"; printf '#!/bin/sh\\nexec /bin/busybox sleep 100000\\n' "
		"> \"$r/init\"; chmod 755 \"$r/init\"; (cd \"$r\" && find . | cpio -o -H newc "
		"--quiet) | gzip > '%s'",
		tmpdir, out);
	int status = 0;
	g_assert_true(g_spawn_sync(NULL, (char *[]){ "sh", "-c", cmd, NULL }, NULL,
				   G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, NULL));
	g_assert_cmpint(status, ==, 0);
	g_free(cmd);
	return out;
}

static struct tsr_backend *make_backend_qemu(const char *sub, const char *initrd,
					     unsigned probe_ms, const char *qemu)
{
	char *run = g_build_filename(tmpdir, sub, "run", NULL);
	char *state = g_build_filename(tmpdir, sub, "state", NULL);
	struct tsr_backend_config cfg = { .run_dir = run, .state_dir = state,
					  .kernel = img.kernel, .initrd = initrd,
					  .accel = "auto", .accel_probe_ms = probe_ms,
					  .qemu = qemu };
	GError *error = NULL;
	struct tsr_backend *b = tsr_backend_create("qemu", &cfg, &error);
	g_assert_no_error(error);
	g_free(run);
	g_free(state);
	return b;
}

static struct tsr_backend *make_backend(const char *sub, const char *initrd, unsigned probe_ms)
{
	return make_backend_qemu(sub, initrd, probe_ms, NULL);
}

/* A qemu that runs every "kvm" guest under TCG instead: on a machine where KVM does not run
 * guests, the probe's success path can only be seen this way. */
static char *make_tcg_wrapper(void)
{
	char *path = g_build_filename(tmpdir, "qemu-kvm-is-tcg", NULL);
	g_assert_true(g_file_set_contents(
		path,
		"#!/bin/sh\nn=$#\nfor a in \"$@\"; do [ \"$a\" = kvm ] && a=tcg; set -- \"$@\" \"$a\"; "
		"done\nshift \"$n\"\nexec qemu-system-x86_64 \"$@\"\n",
		-1, NULL));
	chmod(path, 0755);
	return path;
}

static char *probe_log(const char *sub, uid_t uid)
{
	char *name = g_strdup_printf("accel-probe-%u-%u.log", (unsigned)uid, (unsigned)uid);
	char *path = g_build_filename(tmpdir, sub, "state", name, NULL);
	g_free(name);
	return path;
}

static bool file_has(const char *path, const char *needle)
{
	char *text = NULL;
	bool has = g_file_get_contents(path, &text, NULL, NULL) && strstr(text, needle);
	g_free(text);
	return has;
}

/* Starts a domain of uid, returns the accelerator the backend chose; checks that QEMU really
 * runs with it (ran_as: what the qemu binary turned it into, NULL = the same) and with the
 * groups that go with it. */
static char *start_and_check_as(struct tsr_backend *b, const char *name, uid_t uid,
				const char *ran_as)
{
	struct tsr_domain_spec s = { .name = name, .uid = uid, .gid = uid, .memory_mb = 128,
				     .vcpus = 1 };
	GError *error = NULL;
	g_assert_true(tsr_backend_define(b, &s, &error));
	g_assert_null(tsr_backend_accel(b, name));
	g_assert_true(tsr_backend_start_sync(b, name, 60000, &error));
	g_assert_no_error(error);
	long pid = tsr_backend_domain_pid(b, name);
	g_assert_cmpint(pid, >, 0);
	test_track((pid_t)pid);
	const char *accel = tsr_backend_accel(b, name);
	g_assert_nonnull(accel);
	g_assert_true(cmdline_has(pid, "-accel", ran_as ? ran_as : accel));
	char *groups = proc_status_field(pid, "Groups:");
	char *want = strcmp(accel, "kvm") == 0 ? g_strdup_printf("%u", (unsigned)kvm_gid)
					       : g_strdup("");
	g_assert_cmpstr(groups, ==, want);
	g_free(groups);
	g_free(want);
	char *answer = g_strdup(accel);
	g_assert_true(tsr_backend_destroy_domain_sync(b, name, 30000, &error));
	g_assert_no_error(error);
	/* Decided once: the next start of the same user asks no probe again. */
	g_assert_cmpstr(tsr_backend_accel(b, name), ==, answer);
	return answer;
}

static char *start_and_check(struct tsr_backend *b, const char *name, uid_t uid)
{
	return start_and_check_as(b, name, uid, NULL);
}

static void test_user_without_kvm(void)
{
	g_assert_false(can_open_kvm(NOKVM_UID, NULL, 0));
	struct tsr_backend *b = make_backend("nokvm", img.initrd, 0);
	char *accel = start_and_check(b, "nokvm", NOKVM_UID);
	g_assert_cmpstr(accel, ==, "tcg");
	/* It could not open /dev/kvm, so no probe guest was started. */
	char *log = probe_log("nokvm", NOKVM_UID);
	g_assert_false(g_file_test(log, G_FILE_TEST_EXISTS));
	g_free(log);
	g_free(accel);
	tsr_backend_destroy(b);
}

static void test_user_with_kvm(void)
{
	g_assert_true(can_open_kvm(KVM_UID, &kvm_gid, 1));
	struct tsr_backend *b = make_backend("kvm", img.initrd, 10000);
	char *accel = start_and_check(b, "withkvm", KVM_UID);
	char *log = probe_log("kvm", KVM_UID);
	g_assert_true(g_file_test(log, G_FILE_TEST_EXISTS));
	bool reached = file_has(log, MARKER);
	g_test_message("the probe guest %s its userspace under KVM on this machine: %s",
		       reached ? "reached" : "did not reach", accel);
	g_assert_cmpstr(accel, ==, reached ? "kvm" : "tcg");
	g_free(log);
	g_free(accel);
	tsr_backend_destroy(b);
}

static void test_guest_that_hangs(void)
{
	char *hang = make_hanging_initrd();
	struct tsr_backend *b = make_backend("hang", hang, 4000);
	int64_t t0 = g_get_monotonic_time();
	char *accel = start_and_check(b, "hangs", KVM_UID);
	g_assert_cmpstr(accel, ==, "tcg");
	/* A probe ran (the user can open /dev/kvm) and never printed the marker. */
	char *log = probe_log("hang", KVM_UID);
	g_assert_true(g_file_test(log, G_FILE_TEST_EXISTS));
	g_assert_false(file_has(log, MARKER));
	g_test_message("decided in %.1f s", (g_get_monotonic_time() - t0) / 1e6);
	g_free(log);
	g_free(accel);
	g_free(hang);
	tsr_backend_destroy(b);
}

static void test_marker_means_kvm(void)
{
	char *wrapper = make_tcg_wrapper();
	struct tsr_backend *b = make_backend_qemu("marker", img.initrd, 120000, wrapper);
	char *accel = start_and_check_as(b, "marker", KVM_UID, "tcg");
	g_assert_cmpstr(accel, ==, "kvm");
	char *log = probe_log("marker", KVM_UID);
	g_assert_true(file_has(log, MARKER));
	g_free(log);
	g_free(accel);
	g_free(wrapper);
	tsr_backend_destroy(b);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	tmpdir = test_begin("tsr-accel-XXXXXX");
	char *why = NULL;
	if (geteuid() != 0 || !g_find_program_in_path("qemu-system-x86_64") ||
	    access("/dev/kvm", F_OK) != 0) {
		printf("1..0 # SKIP needs root, qemu-system-x86 and /dev/kvm\n");
		return 0;
	}
	if (!guest_image_get(&img, &why))
		g_error("%s", why);
	make_users();
	g_test_add_func("/domains/accel/user-without-kvm-gets-tcg", test_user_without_kvm);
	g_test_add_func("/domains/accel/user-with-kvm-gets-what-the-probe-saw", test_user_with_kvm);
	g_test_add_func("/domains/accel/guest-without-userspace-marker-gets-tcg",
			test_guest_that_hangs);
	g_test_add_func("/domains/accel/userspace-marker-means-kvm", test_marker_means_kvm);
	return test_end(g_test_run(), tmpdir);
}
