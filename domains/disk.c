/* domains/disk.c: a domain's disk: the template checked against its pin (size, sha256) and the
 * qcow2 overlay the domain writes to, owned by the domain's user.
 *
 * The template is what policy signed for; an overlay over a template that does not match it
 * would run something nobody approved, so nothing is created before the check passes. */
#include "config.h"

#include "domains/backend-private.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"

bool tsr_template_verify(const char *path, uint64_t size, const char *sha256, GError **error)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		g_set_error(error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_TEMPLATE,
			    "template %s: %s (fetch it with tessera-provision templates)", path,
			    g_strerror(errno));
		return false;
	}
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size != size) {
		g_set_error(error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_TEMPLATE,
			    "template %s: size %lld, but policy pins %llu bytes: it is not the "
			    "template policy names; fetch it again", path, (long long)st.st_size,
			    (unsigned long long)size);
		close(fd);
		return false;
	}
	GChecksum *sum = g_checksum_new(G_CHECKSUM_SHA256);
	guchar buf[65536];
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf)) > 0)
		g_checksum_update(sum, buf, n);
	int saved = errno;
	close(fd);
	if (n < 0) {
		g_checksum_free(sum);
		g_set_error(error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_TEMPLATE,
			    "template %s: read failed: %s", path, g_strerror(saved));
		return false;
	}
	bool ok = strcmp(g_checksum_get_string(sum), sha256) == 0;
	if (!ok)
		g_set_error(error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_TEMPLATE,
			    "template %s: sha256 %s, but policy pins %s: refusing a template that "
			    "is not the pinned one; fetch it again", path,
			    g_checksum_get_string(sum), sha256);
	g_checksum_free(sum);
	return ok;
}

/* Detect the template's format ourselves from its magic: letting qemu-img probe a raw image
 * would let a guest-written header pick the format. */
static const char *template_format(const char *path)
{
	char magic[4] = { 0 };
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return "raw";
	ssize_t n = read(fd, magic, 4);
	close(fd);
	return n == 4 && memcmp(magic, "QFI\xfb", 4) == 0 ? "qcow2" : "raw";
}

bool tsr_backend_create_disk(struct tsr_backend *b, const char *name, GError **error)
{
	struct tsr_domain *d = tsr_backend_lookup(b, name, error);
	if (!d)
		return false;
	if (!tsr_make_dir_owned(d->state_dir, 0750, 0, d->gid, error) ||
	    !tsr_domain_boot_verify(&d->boot, name, error))
		return false;
	if (!d->template_path)
		return true;
	if (!tsr_template_verify(d->template_path, d->template_size, d->template_sha256, error))
		return false;
	if (!d->disposable && g_file_test(d->overlay_path, G_FILE_TEST_EXISTS))
		return true;
	unlink(d->overlay_path);
	char *argv[] = { b->qemu_img, "create", "-q", "-f", "qcow2", "-F",
			 (char *)template_format(d->template_path), "-b", d->template_path,
			 d->overlay_path, NULL };
	char *err_out = NULL;
	int status = 0;
	if (!g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL,
			  NULL, NULL, &err_out, &status, error)) {
		g_prefix_error(error, "domain %s: running %s: ", name, b->qemu_img);
		return false;
	}
	if (!g_spawn_check_wait_status(status, NULL)) {
		g_set_error(error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_FAILED,
			    "domain %s: qemu-img could not create the overlay %s: %s", name,
			    d->overlay_path, err_out ? g_strstrip(err_out) : "");
		g_free(err_out);
		return false;
	}
	g_free(err_out);
	if (chown(d->overlay_path, d->uid, d->gid) != 0 || chmod(d->overlay_path, 0600) != 0) {
		g_set_error(error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_FAILED,
			    "domain %s: giving the overlay %s to uid %u: %s", name, d->overlay_path,
			    (unsigned)d->uid, g_strerror(errno));
		unlink(d->overlay_path);
		return false;
	}
	return true;
}
