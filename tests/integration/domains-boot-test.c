/* tests/integration/domains-boot-test.c: the qemu backend's boot settings through the broker.
 *
 * Real QEMU (TCG), but no guest OS: the firmware runs and finds nothing to boot, which is all
 * it takes to show that QEMU accepts what policy asked for (SeaBIOS with an AHCI disk and
 * install media, OVMF with the domain's own variable store, the SPICE agent channel, the VGA's
 * memory), and that each refusal comes at start with a clear, audited error while the other
 * domains carry on:
 *   - a template whose sha256 does not match the pin,
 *   - install media that are pinned but not on this laptop,
 *   - the UEFI firmware file gone.
 * A disposable UEFI domain's variable store is gone once it stops. */
#include "config.h"
#include "tests/integration/broker-harness.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ZERO_SHA "0000000000000000000000000000000000000000000000000000000000000000"

static JsonObject *name_arg(const char *name)
{
	JsonObject *o = json_object_new();
	json_object_set_string_member(o, "name", name);
	return o;
}

/* A template file of n bytes of pattern under dir; returns its sha256 (hex). */
static char *make_file(const char *dir, const char *file, gsize n, char pattern)
{
	g_autofree char *path = g_build_filename(dir, file, NULL);
	g_autofree char *data = g_malloc(n);
	memset(data, pattern, n);
	g_assert_true(g_file_set_contents(path, data, (gssize)n, NULL));
	g_assert_cmpint(chmod(path, 0644), ==, 0);
	return g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)data, n);
}

static char *domain_conf(const char *name, unsigned uid, const char *extra)
{
	return g_strdup_printf("[domain %s]\ncolour = green\nbackend = qemu\nmemory-mib = 64\n"
			       "network = none\ngroups = staff\ndevice-model-uid = %u\n"
			       "device-model-gid = %u\nviewer-uid = %u\nviewer-gid = %u\n%s",
			       name, uid, uid, uid + 100, uid + 100, extra);
}

static bool has_arg(const char *pid, const char *want)
{
	g_autofree char *path = g_strdup_printf("/proc/%s/cmdline", pid);
	g_autofree char *text = NULL;
	gsize len = 0;
	g_assert_true(g_file_get_contents(path, &text, &len, NULL));
	for (gsize at = 0; at < len; at += strlen(text + at) + 1)
		if (strcmp(text + at, want) == 0)
			return true;
	return false;
}

static void start_refused(struct bh *h, const char *name, const char *why)
{
	struct tsr_ctl_response r = { 0 };
	g_assert_false(bh_ctl(h, "start", name_arg(name), &r));
	g_test_message("%s: %s", name, r.message);
	if (!strstr(r.message, why))
		g_error("start %s: '%s' does not say '%s'", name, r.message, why);
	tsr_ctl_response_clear(&r);
	g_autofree char *needle = g_strdup_printf("\"domain\":\"%s\"", name);
	g_autofree char *ev = bh_wait_audit(h, "\"event\":\"domain-start-failed\"", needle);
	g_assert_nonnull(strstr(ev, why));
	bh_assert_domain_field(h, name, "state", "stopped");
}

static void stop(struct bh *h, const char *name)
{
	struct tsr_ctl_response r = { 0 };
	g_assert_true(bh_ctl(h, "stop", name_arg(name), &r));
	tsr_ctl_response_clear(&r);
	bh_assert_domain_field(h, name, "state", "stopped");
}

static void test_boot(void)
{
	struct tsr_ctl_response r = { 0 };
	const char *ovmf = "/usr/share/OVMF/OVMF_CODE_4M.fd";
	const char *ovmf_vars = "/usr/share/OVMF/OVMF_VARS_4M.fd";
	g_autofree char *qemu = g_find_program_in_path("qemu-system-x86_64");
	g_assert_nonnull(qemu);
	g_assert_true(g_file_test(ovmf, G_FILE_TEST_EXISTS)); /* tools/install-deps: ovmf */

	struct bh *h = bh_new(NULL);
	g_autofree char *tdir = g_build_filename(h->state, "templates", NULL);
	g_assert_cmpint(g_mkdir_with_parents(tdir, 0755), ==, 0);
	g_autofree char *disk_sha = make_file(tdir, "disk.img", 1 << 20, 0);
	g_autofree char *iso_sha = make_file(tdir, "install.iso", 1 << 16, 0);
	g_autofree char *bad_sha = make_file(tdir, "bad.img", 1 << 20, 'x');
	g_autofree char *templates = g_strdup_printf(
		"[template disk]\nfile = disk.img\nformat = raw\nsha256 = %s\nsize = %d\n\n"
		"[template iso]\nfile = install.iso\nformat = raw\nsha256 = %s\nsize = %d\n\n"
		"[template bad]\nfile = bad.img\nformat = raw\nsha256 = %s\nsize = %d\n\n"
		"[template gone]\nfile = gone.iso\nformat = raw\nsha256 = %s\nsize = 4096\n",
		disk_sha, 1 << 20, iso_sha, 1 << 16, disk_sha, 1 << 20, ZERO_SHA);
	bh_policy_file(h, "templates.conf", templates);
	/* Named left and right so an aborted test's QEMUs are killed by the harness. */
	g_autofree char *left = domain_conf("left", 64141,
					    "template = disk\nfirmware = bios\ndisk-bus = sata\n"
					    "cdrom = iso\n");
	g_autofree char *right = domain_conf("right", 64142,
					     "template = disk\nfirmware = uefi\ndisk = persistent\n"
					     "video = virtio\n");
	g_autofree char *badsha = domain_conf("badsha", 64143, "template = bad\n");
	g_autofree char *nocd = domain_conf("nocd", 64144, "template = disk\ncdrom = gone\n");
	bh_policy_file(h, "domains/left.conf", left);
	bh_policy_file(h, "domains/right.conf", right);
	bh_policy_file(h, "domains/badsha.conf", badsha);
	/* work becomes a disposable UEFI domain: its variable store must not outlive a run. */
	g_autofree char *work = domain_conf("work", 64145,
					    "template = disk\nfirmware = uefi\ndisk = disposable\n");
	bh_policy_file(h, "domains/work.conf", work);
	bh_policy_file(h, "domains/nocd.conf", nocd);
	bh_policy_edit(h, "policy.conf", "domains = web;work",
		       "domains = web;work;left;right;badsha;nocd");

	/* The UEFI firmware as a file of its own, so the test can take it away. */
	g_autofree char *fw = g_build_filename(h->dir, "OVMF_CODE_4M.fd", NULL);
	{
		g_autofree char *data = NULL;
		gsize len = 0;
		g_assert_true(g_file_get_contents(ovmf, &data, &len, NULL));
		g_assert_true(g_file_set_contents(fw, data, (gssize)len, NULL));
		g_assert_cmpint(chmod(fw, 0644), ==, 0);
		g_assert_cmpint(chmod(h->dir, 0755), ==, 0);
	}
	char *extra[] = { g_strdup("--accel=tcg"), g_strdup_printf("--ovmf-code=%s", fw),
			  g_strdup_printf("--ovmf-vars=%s", ovmf_vars),
			  g_strdup("--shutdown-timeout=1000"), NULL };
	h->extra_args = extra;
	bh_start(h, false);

	/* SeaBIOS, the disk on AHCI, the install media booted first, the agent channel. */
	g_assert_true(bh_ctl(h, "start", name_arg("left"), &r));
	tsr_ctl_response_clear(&r);
	g_autofree char *pid_l = bh_domain_field(h, "left", "pid");
	g_assert_nonnull(pid_l);
	g_assert_true(has_arg(pid_l, "ide-cd,drive=cd0,bus=ahci.1,bootindex=0"));
	g_assert_true(has_arg(pid_l, "ide-hd,drive=disk0,bus=ahci.0,bootindex=1"));
	g_assert_true(has_arg(pid_l, "virtserialport,chardev=vdagent,name=com.redhat.spice.0"));
	g_assert_true(has_arg(pid_l, "spicevmc,id=vdagent,name=vdagent"));
	g_assert_true(has_arg(pid_l, "VGA,id=video0,vgamem_mb=64"));
	g_assert_false(has_arg(pid_l, "-kernel"));

	/* OVMF with the domain's own variable store, owned by its user; kept across a restart
	 * of a persistent domain. */
	g_assert_true(bh_ctl(h, "start", name_arg("right"), &r));
	tsr_ctl_response_clear(&r);
	g_autofree char *pid_r = bh_domain_field(h, "right", "pid");
	g_autofree char *vars = g_build_filename(h->state, "domains", "right", "uefi-vars.fd", NULL);
	g_autofree char *pflash = g_strdup_printf("if=pflash,format=raw,unit=1,file=%s", vars);
	g_assert_true(has_arg(pid_r, pflash));
	/* video = virtio: the display that takes the client's monitors config itself. */
	g_assert_true(has_arg(pid_r, "virtio-vga,id=video0"));
	g_assert_false(has_arg(pid_r, "VGA,id=video0,vgamem_mb=64"));
	GStatBuf st1, st2;
	g_assert_cmpint(g_stat(vars, &st1), ==, 0);
	g_assert_cmpuint(st1.st_uid, ==, 64142);
	g_assert_cmpuint(st1.st_mode & 0777, ==, 0600);
	stop(h, "right");
	g_assert_cmpint(g_stat(vars, &st2), ==, 0);
	g_assert_cmpuint(st2.st_ino, ==, st1.st_ino);

	/* A disposable domain gets a fresh variable store at every start, gone when it stops. */
	g_assert_true(bh_ctl(h, "start", name_arg("work"), &r));
	tsr_ctl_response_clear(&r);
	g_autofree char *wvars = g_build_filename(h->state, "domains", "work", "uefi-vars.fd", NULL);
	g_assert_true(g_file_test(wvars, G_FILE_TEST_EXISTS));
	stop(h, "work");
	g_assert_false(g_file_test(wvars, G_FILE_TEST_EXISTS));

	/* The refusals: each at start, audited, nothing else disturbed. */
	start_refused(h, "badsha", "sha256");
	start_refused(h, "nocd", "install media");
	g_assert_cmpint(g_unlink(fw), ==, 0);
	start_refused(h, "right", "UEFI firmware");
	g_assert_cmpint(g_stat(vars, &st2), ==, 0); /* its variable store is left alone */
	g_assert_cmpuint(st2.st_ino, ==, st1.st_ino);

	bh_assert_domain_field(h, "left", "state", "running");
	bh_assert_domain_field(h, "left", "pid", pid_l);
	g_assert_true(bh_ctl(h, "start", name_arg("web"), &r));
	tsr_ctl_response_clear(&r);
	bh_assert_domain_field(h, "web", "state", "running");
	stop(h, "left");
	bh_free(h);
	for (size_t i = 0; extra[i]; i++)
		g_free(extra[i]);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/domains/boot/qemu-firmware-and-refusals", test_boot);
	return g_test_run();
}
