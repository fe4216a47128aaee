/* enrol/main.c: tessera-enrol-reader, the sandboxed parser of an enrolment file.
 *
 * A laptop that is not enrolled reads its organization's root keys from a removable disk
 * labelled TSR-ENROL (doc/laptop-image.md, "Enrolment"). That disk is untrusted until the user
 * confirms it: anyone may plug one in. So the kernel never mounts it: the broker (root) opens
 * the block device read-only and hands it over as stdin, and this program drops to its own
 * user inside its sandbox (enrol/sandbox.c) before reading a byte, checks the filesystem's
 * label and reads the file from its root directory itself (enrol/fat.c), at most
 * TSR_ENROL_FILE_MAX bytes, parses them strictly and checks the bundle's signatures against
 * the roots the file names (policy/enrol.h). It answers on stdout: the file again in its one canonical spelling and
 * exit status 0, or one line saying why it is refused and exit status 1. The broker then checks
 * the pin and makes the installer's checks on what it wrote. */
#include "config.h"
#include "common/log.h"
#include "enrol/fat.h"
#include "enrol/sandbox.h"
#include "policy/enrol.h"

#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#define DEFAULT_USER "nobody"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: tessera-enrol-reader [--user USER] [--file] < DISK\n"
		"Read the enrolment file (tessera.enr) from a FAT disk labelled TSR-ENROL, parse\n"
		"and check it inside a sandbox, as tessera-brokerd does for a laptop that is not\n"
		"enrolled.\n\n"
		"  --user USER  the unprivileged user to drop to when started as root (default "
		DEFAULT_USER ")\n"
		"  --file       stdin is the enrolment file itself, not a disk\n"
		"  --help       show this help and exit\n\n"
		"Prints the file in its canonical form and exits 0, or prints why it is refused and\n"
		"exits 1; 2 for a bad command line, 3 when the sandbox cannot be entered.\n");
}

static bool read_disk(void *ctx, uint64_t off, void *buf, size_t n)
{
	(void)ctx;
	for (size_t done = 0; done < n;) {
		ssize_t r = pread(STDIN_FILENO, (char *)buf + done, n - done, (off_t)(off + done));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return false;
		done += (size_t)r;
	}
	return true;
}

/* The whole of stdin, at most max + 1 bytes (so a larger file shows as larger). */
static char *read_all(size_t max, size_t *len)
{
	size_t cap = 64 << 10, n = 0;
	char *buf = g_malloc(cap);

	for (;;) {
		if (n == cap) {
			cap = MIN(cap * 2, max + 1);
			buf = g_realloc(buf, cap);
		}
		ssize_t r = read(STDIN_FILENO, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			g_free(buf);
			return NULL;
		}
		n += (size_t)r;
		if (r == 0 || n > max)
			break;
	}
	*len = n;
	return buf;
}

static int refuse(const char *why)
{
	printf("%s\n", why);
	return fflush(stdout) == 0 ? 1 : 4;
}

static int check(const char *data, size_t len)
{
	g_autoptr(GError) error = NULL;
	struct tsr_enrol *e;

	if (len > TSR_ENROL_FILE_MAX)
		return refuse("the enrolment file is larger than 4194304 bytes");
	e = tsr_enrol_parse(data, len, &error);
	if (!e || !tsr_enrol_verify(e, NULL, 0, &error)) {
		tsr_enrol_free(e);
		return refuse(error->message);
	}
	size_t n = 0;
	g_autofree char *out = tsr_enrol_serialize(e, &n);
	tsr_enrol_free(e);
	if (fwrite(out, 1, n, stdout) != n || fflush(stdout) != 0)
		return 4;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "user", required_argument, NULL, 'u' },
		{ "file", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *user = DEFAULT_USER;
	bool file = false;
	int c;

	prctl(PR_SET_DUMPABLE, 0);
	tsr_log_init("tessera-enrol-reader", false);
	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		if (c == 'u') {
			user = optarg;
		} else if (c == 'f') {
			file = true;
		} else if (c == 'h') {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	struct passwd *pw = getpwnam(user);
	if (!pw) {
		tsr_err("no user '%s'", user);
		return 2;
	}
	/* Everything that opens a file happens before the box: libsodium's initialisation. */
	if (sodium_init() < 0 || !tsr_enrol_sandbox_enter(pw->pw_uid, pw->pw_gid))
		return 3;
	size_t len = 0;
	g_autofree char *data = NULL;
	g_autoptr(GError) error = NULL;
	if (file && !(data = read_all(TSR_ENROL_FILE_MAX, &len)))
		return refuse("the enrolment file cannot be read");
	if (!file && !tsr_fat_read_root_file(read_disk, NULL, TSR_ENROL_LABEL, TSR_ENROL_SHORT_NAME,
					     TSR_ENROL_FILE_MAX, &data, &len, &error))
		return refuse(error->message);
	return check(data, len);
}
