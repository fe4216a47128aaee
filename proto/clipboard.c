/* proto/clipboard.c: the clipboard messages' checks, their memfds and the kiosk's gate
 * (see clipboard.h). */
#include "config.h"
#include "proto/clipboard.h"
#include "proto/sealed-memfd.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

_Static_assert(sizeof(struct tsr_clipboard_request) == 16, "layout");
_Static_assert(sizeof(struct tsr_clipboard_text) == 24, "layout");
_Static_assert(sizeof(struct tsr_clipboard_empty) == 16, "layout");
_Static_assert(sizeof(struct tsr_clipboard_paste) == 16, "layout");

/* err gets the message; false, so a check can return it. */
#define SAY(...) (snprintf(err, errlen, __VA_ARGS__), false)

bool tsr_clipboard_text_ok(const char *text, size_t len, size_t max, char *err, size_t errlen)
{
	const char *end = NULL;

	if (len == 0)
		return SAY("empty text");
	if (len > max)
		return SAY("%zu bytes of text, more than the %zu allowed", len, max);
	if (memchr(text, '\0', len))
		return SAY("the text holds a NUL byte");
	if (!g_utf8_validate(text, (gssize)len, &end))
		return SAY("the text is not UTF-8 (from byte %zu)",
			   (size_t)(end - text));
	return true;
}

int tsr_clipboard_memfd(const char *text, size_t len)
{
	const int seals = F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL;
	int fd, saved;
	size_t done = 0;

	if (len == 0 || len > TSR_CLIPBOARD_LIMIT) {
		errno = EINVAL;
		return -1;
	}
	fd = memfd_create("tessera-clipboard", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return -1;
	while (done < len) {
		ssize_t n = write(fd, text + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto fail;
		done += (size_t)n;
	}
	if (fcntl(fd, F_ADD_SEALS, seals) == 0)
		return fd;
fail:
	saved = errno ? errno : EIO;
	close(fd);
	errno = saved;
	return -1;
}

char *tsr_clipboard_memfd_read(int fd, uint32_t length, uint32_t max, char *err, size_t errlen)
{
	struct tsr_sealed_map map;
	char *copy;

	if (length == 0 || length > max || length > TSR_CLIPBOARD_LIMIT) {
		(void)SAY("length %u outside 1..%u", length,
			  max < TSR_CLIPBOARD_LIMIT ? max : TSR_CLIPBOARD_LIMIT);
		return NULL;
	}
	if (tsr_sealed_memfd_map(fd, length, 1, length, &map, err, errlen) < 0)
		return NULL;
	/* Judged on our own copy: the sender may still write to a memfd without F_SEAL_WRITE. */
	copy = g_malloc(length + 1u);
	memcpy(copy, map.data, length);
	copy[length] = '\0';
	tsr_sealed_memfd_unmap(&map);
	if (!tsr_clipboard_text_ok(copy, length, max, err, errlen)) {
		g_free(copy);
		return NULL;
	}
	return copy;
}

static const struct { uint16_t type; uint16_t nfds; size_t size; } sizes[] = {
	{ TSR_DISPLAY_CLIPBOARD_TEXT, 1, sizeof(struct tsr_clipboard_text) },
	{ TSR_DISPLAY_CLIPBOARD_EMPTY, 0, sizeof(struct tsr_clipboard_empty) },
	{ TSR_DISPLAY_CLIPBOARD_REQUEST, 0, sizeof(struct tsr_clipboard_request) },
	{ TSR_DISPLAY_CLIPBOARD_PASTE, 1, sizeof(struct tsr_clipboard_paste) },
};

size_t tsr_clipboard_msg_size(uint16_t type, size_t *nfds)
{
	*nfds = 0;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		if (sizes[i].type == type) {
			*nfds = sizes[i].nfds;
			return sizes[i].size;
		}
	return 0;
}

bool tsr_clipboard_request_ok(const struct tsr_clipboard_request *m)
{
	return m->serial != 0 && m->max_bytes >= 1 && m->max_bytes <= TSR_CLIPBOARD_LIMIT;
}

bool tsr_clipboard_paste_ok(const struct tsr_clipboard_paste *m)
{
	return m->format == TSR_CLIPBOARD_FORMAT_UTF8 && m->length >= 1 &&
	       m->length <= TSR_CLIPBOARD_LIMIT;
}

void tsr_clipboard_gate_ask(struct tsr_clipboard_gate *gate, uint32_t max_bytes,
			    struct tsr_clipboard_request *m)
{
	if (++gate->last == 0)
		gate->last = 1;
	gate->asked = gate->last;
	gate->max_bytes = max_bytes < 1 ? 1 : max_bytes > TSR_CLIPBOARD_LIMIT ? TSR_CLIPBOARD_LIMIT
									      : max_bytes;
	memset(m, 0, sizeof(*m));
	m->serial = gate->asked;
	m->max_bytes = gate->max_bytes;
}

/* An answer to nothing: refused; the TSR_CLIPBOARD_UNASKED_MAX-th is a violation. */
static bool unasked(struct tsr_clipboard_gate *gate, uint32_t serial,
		    struct tsr_clipboard_answer *out, char *err, size_t errlen)
{
	out->unasked = true;
	if (++gate->unasked >= TSR_CLIPBOARD_UNASKED_MAX)
		return SAY("clipboard: %u answers nobody asked for (serial %u)",
			   gate->unasked, serial);
	return true;
}

bool tsr_clipboard_gate_answer(struct tsr_clipboard_gate *gate, const void *buf, size_t len,
			       int fd, struct tsr_clipboard_answer *out, char *err, size_t errlen)
{
	struct tsr_frame_header hdr;
	char why[160];

	memset(out, 0, sizeof(*out));
	if (len < sizeof(hdr))
		return SAY("clipboard: short message");
	memcpy(&hdr, buf, sizeof(hdr));
	if (hdr.type == TSR_DISPLAY_CLIPBOARD_EMPTY && len == sizeof(struct tsr_clipboard_empty)) {
		struct tsr_clipboard_empty m;
		memcpy(&m, buf, sizeof(m));
		if (m.reason < TSR_CLIPBOARD_EMPTY_NONE || m.reason > TSR_CLIPBOARD_EMPTY_NO_AGENT)
			return SAY("clipboard: unknown reason %u", m.reason);
		if (!gate->asked || m.serial != gate->asked)
			return unasked(gate, m.serial, out, err, errlen);
		gate->asked = 0;
		gate->unasked = 0;
		out->reason = m.reason;
		return true;
	}
	if (hdr.type != TSR_DISPLAY_CLIPBOARD_TEXT || len != sizeof(struct tsr_clipboard_text) ||
	    fd < 0)
		return SAY("clipboard: message type %u is not an answer", hdr.type);
	struct tsr_clipboard_text m;
	memcpy(&m, buf, sizeof(m));
	if (m.format != TSR_CLIPBOARD_FORMAT_UTF8 || m.reserved)
		return SAY("clipboard: unknown format %u", m.format);
	if (!gate->asked || m.serial != gate->asked)
		return unasked(gate, m.serial, out, err, errlen);
	out->text = tsr_clipboard_memfd_read(fd, m.length, gate->max_bytes, why, sizeof(why));
	if (!out->text)
		return SAY("clipboard: %s", why);
	out->length = m.length;
	gate->asked = 0;
	gate->unasked = 0;
	return true;
}
