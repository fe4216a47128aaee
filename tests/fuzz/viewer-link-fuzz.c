/* tests/fuzz/viewer-link-fuzz.c: libFuzzer target for the kiosk's viewer-message parser.
 *
 * Input layout: byte 0 chooses whether the message carries an fd and what kind (bit 0: attach
 * a memfd; bits 1-3: which of SHRINK, GROW, SEAL it gets; bit 4: make it too small), bytes 1-4
 * give the memfd size in KiB (little endian, capped), the rest is one message as received.
 * Several messages are fed to one link in sequence when the input holds 0xff 0xff separators,
 * so state (surface then damage) is reached too. */
#include "config.h"
#include "proto/viewer-link.h"

#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int make_memfd(uint8_t flags, uint32_t kib)
{
	int fd = memfd_create("fuzz", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	int seals = 0;

	if (fd < 0)
		return -1;
	kib %= 4096; /* at most 4 MiB */
	if (ftruncate(fd, (off_t)kib * 1024) < 0) {
		close(fd);
		return -1;
	}
	if (flags & 2)
		seals |= F_SEAL_SHRINK;
	if (flags & 4)
		seals |= F_SEAL_GROW;
	if (flags & 8)
		seals |= F_SEAL_SEAL;
	if (seals && fcntl(fd, F_ADD_SEALS, seals) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tsr_viewer_link *link;
	int sv[2];

	if (size < 5)
		return 0;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return 0;
	close(sv[1]);
	link = tsr_viewer_link_create(sv[0], NULL, NULL, NULL, NULL);
	if (!link) {
		close(sv[0]);
		return 0;
	}
	while (size >= 5) {
		uint8_t flags = data[0];
		uint32_t kib;
		const uint8_t *msg = data + 5, *sep;
		size_t len, rest = size - 5;
		int fds[1];
		size_t nfds = 0;

		memcpy(&kib, data + 1, 4);
		sep = memmem(msg, rest, "\xff\xff", 2);
		len = sep ? (size_t)(sep - msg) : rest;
		if (flags & 1) {
			fds[0] = make_memfd(flags, kib);
			if (fds[0] >= 0)
				nfds = 1;
		}
		/* Every path must close the fds it was given: LeakSanitizer does not see fds, but
		 * the fuzzer would run out of them within seconds if one leaked. */
		if (!tsr_viewer_link_handle(link, msg, len, fds, nfds))
			break;
		if (!sep)
			break;
		size = rest - len - 2;
		data = sep + 2;
	}
	tsr_viewer_link_destroy(link);
	return 0;
}
