/* tests/integration/broker-enrol-test.c: enrolment from a removable disk labelled TSR-ENROL,
 * against a real tessera-brokerd (no trusted.keys), its sandboxed tessera-enrol-reader and the
 * test kiosk.
 *
 * The disk is a FAT image file the broker takes as its block device (--enrol-disk), swapped
 * in and out while it runs as a stick would be plugged and pulled. Each bad disk (wrong label,
 * no FAT, oversized or malformed file, unsigned bundle, a root the image does not pin) must be
 * refused on the kiosk with its reason while nothing is written and nobody can log in; a good
 * one is offered with its organization, group and root fingerprint, changes nothing when
 * declined, and once confirmed pins the roots, installs the bundle and offers the login.
 * Every step is audited. */
#include "config.h"
#include "tests/integration/broker-harness.h"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

static const char *build(void)
{
	const char *b = g_getenv("TSR_BUILDDIR");
	return b ? b : TSR_BUILDDIR;
}

static void run(const char *const *argv)
{
	g_autofree char *err = NULL;
	int status = 0;

	g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL,
				   G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
				   NULL, &err, &status, NULL));
	if (!g_spawn_check_wait_status(status, NULL))
		g_error("%s failed: %s", argv[0], err);
}

/* A FAT image of kib KiB labelled label holding file as tessera.enr (file NULL: empty). */
static char *fat_image(struct bh *h, const char *name, const char *label, const char *file,
		       unsigned kib)
{
	char *img = g_build_filename(h->dir, name, NULL);
	g_autofree char *size = g_strdup_printf("%u", kib);
	const char *mkfs[] = { "mkfs.fat", "-C", "-n", label, img, size, NULL };
	const char *mcopy[] = { "mcopy", "-i", img, file, "::tessera.enr", NULL };

	g_unlink(img);
	run(mkfs);
	if (file)
		run(mcopy);
	return img;
}

static char *write_file(struct bh *h, const char *name, const char *data, gssize len)
{
	char *path = g_build_filename(h->dir, name, NULL);
	g_assert_true(g_file_set_contents(path, data, len, NULL));
	return path;
}

/* Nothing of the enrolment is in the state directory, and nobody can log in. */
static void nothing_written(struct bh *h)
{
	static const char *const files[] = { "trusted.keys", "current", "previous", "versions",
					     "latest-time" };
	for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
		g_autofree char *p = g_build_filename(h->state, files[i], NULL);
		if (g_file_test(p, G_FILE_TEST_EXISTS))
			g_error("%s was written", p);
	}
	unsigned seq = bh_kiosk(h, "login alice alice-pw");
	g_assert_cmpuint(bh_status(bh_reply(h, seq)), ==, 4);
}

/* Put img where the broker looks (as a stick is plugged in), wait for what the kiosk shows. */
static const char *plug(struct bh *h, const char *disk, const char *img, const char *prefix)
{
	g_assert_cmpint(rename(img, disk), ==, 0);
	return bh_expect(h, prefix);
}

static void unplug(struct bh *h, const char *disk)
{
	g_assert_cmpint(g_unlink(disk), ==, 0);
	bh_expect(h, "enrol state=0 ");
	g_free(bh_wait_audit(h, "enrol-disk-removed", NULL));
}

static void refused(struct bh *h, const char *disk, const char *img, const char *why)
{
	const char *line = plug(h, disk, img, "enrol state=2 ");
	if (!strstr(line, why))
		g_error("'%s' does not say '%s'", line, why);
	g_free(bh_wait_audit(h, "enrol-refused", why));
	nothing_written(h);
	unplug(h, disk);
}

static void test_enrol(void)
{
	struct bh *h = bh_new(NULL);
	g_autofree char *disk = g_build_filename(h->dir, "enrol-disk", NULL);
	g_autofree char *pins = g_build_filename(h->dir, "enrol-roots", NULL);
	g_autofree char *reader = g_build_filename(build(), "enrol", "tessera-enrol-reader", NULL);
	g_autofree char *a1 = g_strdup_printf("--enrol-disk=%s", disk);
	g_autofree char *a2 = g_strdup_printf("--enrol-reader=%s", reader);
	g_autofree char *a3 = g_strdup_printf("--enrol-pins=%s", pins);
	char *args[] = { a1, a2, a3, NULL };
	g_autofree char *good = g_build_filename(h->dir, "good.enr", NULL);
	g_autofree char *unsigned_dir = g_build_filename(h->dir, "unsigned", NULL);

	bh_sign_bundle(h);
	g_free(bh_provision("enrol-disk %s/good.img --root %s/keys/root.pub --bundle "
			    "%s/bundles/test.bundle --file %s", h->dir, h->dir, h->dir, good));
	h->installed = true; /* a new laptop: no trusted.keys */
	h->extra_args = args;
	bh_start(h, true);
	bh_expect(h, "session state=3 ");

	g_autofree char *img = fat_image(h, "x.img", "OTHER", good, 1024);
	refused(h, disk, img, "labelled 'OTHER', not TSR-ENROL");
	g_clear_pointer(&img, g_free);
	{
		g_autofree char *zeros = g_malloc0(64 << 10);
		img = write_file(h, "x.img", zeros, 64 << 10);
		refused(h, disk, img, "no FAT filesystem");
	}
	g_clear_pointer(&img, g_free);
	{
		g_autofree char *big = g_malloc(5 << 20);
		memset(big, 'x', 5 << 20);
		g_autofree char *f = write_file(h, "big.enr", big, 5 << 20);
		img = fat_image(h, "x.img", "TSR-ENROL", f, 8192);
		refused(h, disk, img, "larger than 4194304 bytes");
		g_clear_pointer(&img, g_free);
	}
	{
		g_autofree char *f = write_file(h, "bad.enr", "tessera-enrol-v1\norganization x y\n", -1);
		img = fat_image(h, "x.img", "TSR-ENROL", f, 1024);
		refused(h, disk, img, "non-printable or space");
		g_clear_pointer(&img, g_free);
	}
	{
		/* What build writes, before sign: the file's other fields are right. */
		g_autofree char *text = NULL, *bundle = NULL, *ub = NULL;
		gsize blen = 0;
		g_assert_true(g_file_get_contents(good, &text, NULL, NULL));
		g_free(bh_provision("build %s --out %s", h->policy, unsigned_dir));
		ub = g_build_filename(unsigned_dir, "test.bundle", NULL);
		g_assert_true(g_file_get_contents(ub, &bundle, &blen, NULL));
		char *cut = strstr(text, "bundle ");
		g_assert_nonnull(cut);
		*cut = '\0';
		g_autofree char *file = g_strdup_printf("%sbundle %zu\n%s", text, (size_t)blen, bundle);
		g_autofree char *f = write_file(h, "unsigned.enr", file, -1);
		img = fat_image(h, "x.img", "TSR-ENROL", f, 1024);
		refused(h, disk, img, "not signed");
		g_clear_pointer(&img, g_free);
	}
	/* The image pins another root. */
	g_autofree char *other = g_strnfill(64, 'a');
	g_autofree char *other_pin = g_strdup_printf("root %s\n", other);
	g_assert_true(g_file_set_contents(pins, other_pin, -1, NULL));
	img = fat_image(h, "x.img", "TSR-ENROL", good, 1024);
	refused(h, disk, img, "not one this laptop's image pins");
	g_clear_pointer(&img, g_free);

	/* The image pins the disk's root: offered; declined, nothing changes. */
	g_autofree char *root_pub = NULL;
	g_autofree char *root_pub_path = g_build_filename(h->dir, "keys", "root.pub", NULL);
	g_assert_true(g_file_get_contents(root_pub_path, &root_pub, NULL, NULL));
	g_auto(GStrv) words = g_strsplit(g_strstrip(root_pub), " ", 3);
	g_autofree char *pin_line = g_strdup_printf("# this image's organization\nroot %s\n", words[2]);
	g_assert_true(g_file_set_contents(pins, pin_line, -1, NULL));
	img = fat_image(h, "x.img", "TSR-ENROL", good, 1024);
	const char *offer = plug(h, disk, img, "enrol state=1 ");
	g_clear_pointer(&img, g_free);
	g_assert_nonnull(strstr(offer, "roots=1 org=test-org group=test fp="));
	g_free(bh_wait_audit(h, "enrol-offered", "test-org"));
	nothing_written(h);
	unsigned seq = bh_kiosk(h, "enrol-answer 0");
	g_assert_cmpuint(bh_status(bh_reply(h, seq)), ==, 0);
	g_assert_nonnull(strstr(bh_expect(h, "enrol state=2 "), "declined"));
	g_free(bh_wait_audit(h, "enrol-declined", NULL));
	nothing_written(h);
	seq = bh_kiosk(h, "enrol-answer 1");
	g_assert_cmpuint(bh_status(bh_reply(h, seq)), ==, 4); /* nothing offered any more */
	unplug(h, disk);

	/* Plugged in again and confirmed: enrolled, the login screen, alice logs in. */
	img = fat_image(h, "x.img", "TSR-ENROL", good, 1024);
	plug(h, disk, img, "enrol state=1 ");
	g_clear_pointer(&img, g_free);
	bh_kiosk_clear(h);
	seq = bh_kiosk(h, "enrol-answer 1");
	g_assert_cmpuint(bh_status(bh_reply(h, seq)), ==, 0);
	bh_expect(h, "session state=0 ");
	g_free(bh_wait_audit(h, "\"enrolled\"", "test-org"));
	g_autofree char *trusted = NULL;
	g_autofree char *tpath = g_build_filename(h->state, "trusted.keys", NULL);
	g_assert_true(g_file_get_contents(tpath, &trusted, NULL, NULL));
	g_assert_nonnull(strstr(trusted, "organization test-org\ngroup test\n"));
	g_assert_nonnull(strstr(trusted, pin_line + strlen("# this image's organization\n")));
	g_autofree char *current = g_build_filename(h->state, "current", "bundle", NULL);
	g_assert_true(g_file_test(current, G_FILE_TEST_EXISTS));
	g_assert_cmpuint(bh_login(h, "alice", "alice-pw"), ==, 0);
	h->extra_args = NULL;
	bh_free(h);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/broker/enrol/bad-disks-refused-then-a-good-one-confirmed", test_enrol);
	return g_test_run();
}
