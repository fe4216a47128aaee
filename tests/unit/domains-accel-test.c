/* tests/unit/domains-accel-test.c: the qemu backend's accel=auto decision where no probe runs.
 *
 * A /dev/kvm the domain's user can open is no proof that guests run under KVM: without a probe
 * kernel nothing can show it, so auto must give TCG. The probes themselves boot guests and are
 * checked in tests/system/domains-accel-test. */
#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "domains/accel.h"

struct decision {
	char *accel, *why;
	int calls;
};

static void decided(const char *accel, const char *why, const struct tsr_dm_identity *identity,
		    void *data)
{
	struct decision *d = data;
	d->calls++;
	g_free(d->accel);
	g_free(d->why);
	d->accel = g_strdup(accel);
	d->why = g_strdup(why);
	(void)identity;
}

/* A stand-in for /dev/kvm that the domain's user opens read-write: the one condition the old
 * decision looked at. */
static char *openable_kvm(char **dir)
{
	GError *error = NULL;
	*dir = g_dir_make_tmp("tsr-accel-XXXXXX", &error);
	g_assert_no_error(error);
	g_assert_cmpint(g_chmod(*dir, 0755), ==, 0);
	char *kvm = g_build_filename(*dir, "kvm", NULL);
	g_file_set_contents(kvm, "", 0, &error);
	g_assert_no_error(error);
	g_assert_cmpint(g_chmod(kvm, 0666), ==, 0);
	return kvm;
}

/* The decision for an unprivileged user who can open the stand-in /dev/kvm, with no probe
 * kernel configured; it must come at once (there is no probe to wait for). Root drops to
 * nobody to open the device; anyone else opens it as itself. */
static struct decision decide_unprobed(const char *accel)
{
	char *dir;
	char *kvm = openable_kvm(&dir);
	const struct tsr_accel_config config = { .qemu = "qemu-system-x86_64", .kvm_path = kvm,
						 .log_dir = dir };
	struct tsr_accel_cache *c = tsr_accel_cache_create(&config, accel);
	uid_t uid = getuid() == 0 ? 65534 : getuid();
	gid_t gid = getuid() == 0 ? 65534 : getgid();
	struct decision d = { 0 };
	g_assert_null(tsr_accel_decide(c, uid, gid, decided, &d));
	g_assert_cmpint(d.calls, ==, 1);
	g_assert_cmpstr(tsr_accel_decided(c, uid, gid), ==, d.accel);
	tsr_accel_cache_destroy(c);
	g_unlink(kvm);
	g_rmdir(dir);
	g_free(kvm);
	g_free(dir);
	return d;
}

static void test_unprobed_kvm_is_tcg(void)
{
	struct decision d = decide_unprobed("auto");
	g_assert_cmpstr(d.accel, ==, "tcg");
	g_assert_nonnull(strstr(d.why, "no probe kernel"));
	g_free(d.accel);
	g_free(d.why);
}

/* What configuration asks for is given without a probe, KVM included. */
static void test_forced_kvm_is_kvm(void)
{
	struct decision d = decide_unprobed("kvm");
	g_assert_cmpstr(d.accel, ==, "kvm");
	g_free(d.accel);
	g_free(d.why);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/accel/auto-without-a-probe-kernel-is-tcg", test_unprobed_kvm_is_tcg);
	g_test_add_func("/accel/kvm-set-by-configuration-is-kvm", test_forced_kvm_is_kvm);
	return g_test_run();
}
