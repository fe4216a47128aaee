/* tests/integration/broker-test-kiosk.c: a kiosk for the broker's tests.
 *
 * The broker starts it exactly as it starts tessera-kiosk (its user, fd 3 = the broker link,
 * --broker-fd=3). It speaks the kiosk protocol (proto/kiosk.h) on behalf of a test,
 * which drives it over a unix stream socket given by --test-socket: the test writes one
 * command per line, the kiosk sends the request and writes one line back for every message the
 * broker sends (checked with tsr_kiosk_msg_check first, as the real kiosk must). Received fds
 * (viewer links) are kept open and described: "fd=sock:seqpacket".
 *
 *   login USER PASSWORD | unlock PASSWORD | list | pick D | stop D | logout | lock | focus D
 *   lock-shown (LOCK_SHOWN: the real kiosk sends it once its lock screen is on the outputs)
 *   restart-viewer D | bad-frame | bad-name | exit | enrol-answer 0|1
 *   install-answer 0|1 [DISK] (the disk name as typed, unchecked: a hostile kiosk's too)
 *   clip EVENT REASON SIZE SOURCE TARGET SHA256 (a CLIPBOARD_AUDIT; numbers as in
 *   proto/kiosk.h, "-" for an empty target)
 */
#include "config.h"
#include "proto/kiosk.h"
#include "common/fdpass.h"

#include <errno.h>
#include <glib.h>
#include <stdarg.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static int test_fd = -1;
static uint32_t next_seq = 1;
/* Viewer links handed over by the broker, and the seq of the reply that carried each: once a
 * viewer has sent its first message (so it has exec'd and sandboxed itself), the kiosk says
 * "viewer-ready seq=N"; later messages are read and dropped. */
static int kept[64];
static uint32_t kept_seq[64];
static bool kept_ready[64];
static size_t n_kept;

static void out(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
static void out(const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	if (write(test_fd, line, (size_t)n) != n)
		exit(5);
}

static const char *describe_fd(int fd, char *buf, size_t len)
{
	struct stat st;
	int type = 0;
	socklen_t sl = sizeof(type);

	if (fd < 0)
		return "none";
	if (fstat(fd, &st) < 0 || !S_ISSOCK(st.st_mode))
		return "not-a-socket";
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &sl) < 0)
		return "sock:?";
	snprintf(buf, len, "sock:%s", type == SOCK_SEQPACKET ? "seqpacket" : "other");
	return buf;
}

static void from_broker(int bfd)
{
	uint8_t buf[TSR_KIOSK_MSG_MAX];
	int fds[1] = { -1 };
	size_t nfds = 0;
	const char *why = NULL;
	char fdbuf[64];
	ssize_t n = tsr_frame_recv(bfd, buf, sizeof(buf), TSR_KIOSK_PROTO_VERSION, fds, 1, &nfds);

	if (n == 0) {
		out("broker-closed");
		exit(0);
	}
	if (n < 0) {
		out("recv-error %s", g_strerror(errno));
		exit(4);
	}
	if (tsr_kiosk_msg_check(buf, (size_t)n, &why) < 0) {
		out("bad-message %s", why);
		exit(4);
	}
	const struct tsr_frame_header *h = (const void *)buf;
	switch (h->type) {
	case TSR_KIOSK_REPLY: {
		const struct tsr_kiosk_reply *r = (const void *)buf;
		out("reply seq=%u status=%u retry=%u fd=%s msg=%s", r->seq, r->status, r->retry_ms,
		    describe_fd(nfds ? fds[0] : -1, fdbuf, sizeof(fdbuf)), r->message);
		break;
	}
	case TSR_KIOSK_DOMAIN: {
		const struct tsr_kiosk_domain *d = (const void *)buf;
		out("domain seq=%u name=%s state=%u disposable=%u focused=%u label=%s", d->seq,
		    d->name, d->state, d->disposable, d->focused, d->label);
		break;
	}
	case TSR_KIOSK_SESSION: {
		const struct tsr_kiosk_session *s = (const void *)buf;
		out("session state=%u user=%s", s->state, s->user);
		break;
	}
	case TSR_KIOSK_SETTINGS: {
		const struct tsr_kiosk_settings *s = (const void *)buf;
		out("settings sas=%s sas-keys=%u:%u lock-keys=%u:%u idle=%u outputs=%s,%s,%s", s->sas,
		    s->hotkeys.sas.mods, s->hotkeys.sas.code, s->hotkeys.lock.mods,
		    s->hotkeys.lock.code, s->idle_lock_seconds, s->output_order[0],
		    s->output_order[1], s->output_order[2]);
		break;
	}
	case TSR_KIOSK_NOTIFY: {
		const struct tsr_kiosk_notify *m = (const void *)buf;
		out("notify kind=%u domain=%s text=%s", m->kind, m->domain, m->text);
		break;
	}
	case TSR_KIOSK_CLIPBOARD: {
		const struct tsr_kiosk_clipboard *m = (const void *)buf;
		GString *flows = g_string_new(NULL);
		for (uint32_t i = 0; i < m->n_flows; i++)
			g_string_append_printf(flows, "%s%s>%s", i ? "," : "", m->flows[i].from,
					       m->flows[i].to);
		out("clipboard max=%u flows=%s", m->max_bytes, flows->str);
		g_string_free(flows, TRUE);
		break;
	}
	case TSR_KIOSK_CONSOLE:
		out("console fd=%s", describe_fd(nfds ? fds[0] : -1, fdbuf, sizeof(fdbuf)));
		break;
	case TSR_KIOSK_POWER:
		out("power text=%s", ((const struct tsr_kiosk_power *)(const void *)buf)->text);
		break;
	case TSR_KIOSK_ENROL: {
		const struct tsr_kiosk_enrol *m = (const void *)buf;
		out("enrol state=%u roots=%u org=%s group=%s fp=%s text=%s", m->state, m->n_roots,
		    m->organization, m->group, m->fingerprint, m->text);
		break;
	}
	case TSR_KIOSK_INSTALL: {
		const struct tsr_kiosk_install *m = (const void *)buf;
		out("install state=%u disk=%s bytes=%" G_GUINT64_FORMAT " model=%s text=%s", m->state,
		    m->disk, (guint64)m->size_bytes, m->model, m->text);
		break;
	}
	case TSR_KIOSK_DEVICE: {
		const struct tsr_kiosk_device *m = (const void *)buf;
		out("device id=%u kind=%u action=%u node=%s fd=%s", m->id, m->kind, m->action,
		    m->node, describe_fd(nfds ? fds[0] : -1, fdbuf, sizeof(fdbuf)));
		break;
	}
	default:
		out("unexpected type %u", h->type);
		exit(4);
	}
	if (nfds && n_kept < G_N_ELEMENTS(kept)) {
		kept_seq[n_kept] = ((const struct tsr_kiosk_reply *)(const void *)buf)->seq;
		kept[n_kept++] = fds[0];
	} else if (nfds) {
		close(fds[0]);
	}
}

static void from_viewer(size_t i)
{
	uint8_t buf[TSR_FRAME_MAX];
	int fds[TSR_FDPASS_MAX];
	size_t nfds = 0;
	ssize_t n = tsr_fd_recv(kept[i], buf, sizeof(buf), fds, TSR_FDPASS_MAX, &nfds);

	tsr_fd_close_all(fds, nfds);
	if (n > 0 && !kept_ready[i]) {
		kept_ready[i] = true;
		out("viewer-ready seq=%u", kept_seq[i]);
	}
	if (n <= 0) {
		/* The viewer ended (or broke its link): stop watching it. */
		if (!kept_ready[i])
			out("viewer-gone seq=%u", kept_seq[i]);
		close(kept[i]);
		kept[i] = -1;
	}
}

static void send_req(int bfd, void *msg, uint16_t type)
{
	uint32_t seq = next_seq++;

	memcpy((uint8_t *)msg + sizeof(struct tsr_frame_header), &seq, sizeof(seq));
	if (tsr_frame_send(bfd, msg, tsr_kiosk_msg_size(type), type, TSR_KIOSK_PROTO_VERSION, NULL,
			   0) < 0) {
		out("send-error %s", g_strerror(errno));
		exit(4);
	}
	out("sent seq=%u", seq);
}

static void command(int bfd, char *line)
{
	char *arg1 = strchr(line, ' '), *arg2 = NULL;

	if (arg1) {
		*arg1++ = '\0';
		arg2 = strchr(arg1, ' ');
		if (arg2)
			*arg2++ = '\0';
	}
	if (strcmp(line, "login") == 0 || strcmp(line, "unlock") == 0) {
		struct tsr_kiosk_login m = { 0 };
		bool unlock = line[0] == 'u';
		const char *pw = unlock ? arg1 : arg2;
		if (!unlock)
			tsr_kiosk_set_string(m.user, sizeof(m.user), arg1 ? arg1 : "");
		m.password_len = pw ? (uint32_t)strlen(pw) : 0;
		if (pw)
			memcpy(m.password, pw, m.password_len);
		send_req(bfd, &m, unlock ? TSR_KIOSK_UNLOCK : TSR_KIOSK_LOGIN);
		memset(&m, 0, sizeof(m));
	} else if (strcmp(line, "lock-shown") == 0) {
		struct tsr_kiosk_request m = { 0 };
		send_req(bfd, &m, TSR_KIOSK_LOCK_SHOWN);
	} else if (strcmp(line, "list") == 0 || strcmp(line, "logout") == 0 ||
		   strcmp(line, "lock") == 0) {
		struct tsr_kiosk_request m = { 0 };
		send_req(bfd, &m,
			 line[1] == 'i' ? TSR_KIOSK_LIST
					: line[3] == 'o' ? TSR_KIOSK_LOGOUT : TSR_KIOSK_LOCK);
	} else if (strcmp(line, "pick") == 0 || strcmp(line, "stop") == 0 ||
		   strcmp(line, "focus") == 0 || strcmp(line, "restart-viewer") == 0) {
		struct tsr_kiosk_domain_request m = { 0 };
		uint16_t type = line[0] == 'p'   ? TSR_KIOSK_PICK
				: line[0] == 's' ? TSR_KIOSK_STOP
				: line[0] == 'f' ? TSR_KIOSK_FOCUS
						 : TSR_KIOSK_RESTART_VIEWER;
		tsr_kiosk_set_string(m.domain, sizeof(m.domain), arg1 ? arg1 : "");
		send_req(bfd, &m, type);
	} else if (strcmp(line, "bad-frame") == 0) {
		/* A LIST that lies about its length. */
		struct tsr_kiosk_request m = { .h = { .type = TSR_KIOSK_LIST,
						      .version = TSR_KIOSK_PROTO_VERSION,
						      .length = 999 },
					       .seq = next_seq++ };
		if (send(bfd, &m, sizeof(m), MSG_NOSIGNAL) < 0)
			out("send-error %s", g_strerror(errno));
		out("sent bad-frame");
	} else if (strcmp(line, "bad-name") == 0) {
		struct tsr_kiosk_domain_request m = { 0 };
		memcpy(m.domain, "../etc", 6);
		send_req(bfd, &m, TSR_KIOSK_PICK);
	} else if (strcmp(line, "clip") == 0 && arg2) {
		struct tsr_kiosk_clipboard_audit m = { 0 };
		g_auto(GStrv) f = g_strsplit(arg2, " ", 5);
		if (g_strv_length(f) != 5) {
			out("unknown-command clip");
			return;
		}
		m.event = (uint8_t)atoi(arg1);
		m.reason = (uint8_t)atoi(f[0]);
		m.size = (uint32_t)strtoul(f[1], NULL, 10);
		tsr_kiosk_set_string(m.source, sizeof(m.source), f[2]);
		tsr_kiosk_set_string(m.target, sizeof(m.target), strcmp(f[3], "-") ? f[3] : "");
		tsr_kiosk_set_string(m.sha256, sizeof(m.sha256), f[4]);
		send_req(bfd, &m, TSR_KIOSK_CLIPBOARD_AUDIT);
	} else if (strcmp(line, "enrol-answer") == 0 && arg1) {
		struct tsr_kiosk_enrol_answer m = { .accept = (uint32_t)atoi(arg1) };
		send_req(bfd, &m, TSR_KIOSK_ENROL_ANSWER);
	} else if (strcmp(line, "install-answer") == 0 && arg1) {
		struct tsr_kiosk_install_answer m = { .accept = (uint32_t)atoi(arg1) };
		if (arg2)
			memcpy(m.disk, arg2, MIN(strlen(arg2), sizeof(m.disk))); /* no NUL if full */
		send_req(bfd, &m, TSR_KIOSK_INSTALL_ANSWER);
	} else if (strcmp(line, "exit") == 0) {
		out("exiting");
		exit(3);
	} else {
		out("unknown-command %s", line);
	}
}

int main(int argc, char **argv)
{
	const char *sock = NULL;
	int bfd = -1;
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	char inbuf[4096];
	size_t inlen = 0;

	for (int i = 1; i < argc; i++) {
		if (g_str_has_prefix(argv[i], "--broker-fd="))
			bfd = atoi(argv[i] + 12);
		else if (g_str_has_prefix(argv[i], "--test-socket="))
			sock = argv[i] + 14;
		else if (strcmp(argv[i], "--help") == 0) {
			printf("Usage: broker-test-kiosk --broker-fd=N --test-socket=PATH\n"
			       "A kiosk stand-in for the broker's tests, driven line by line.\n");
			return 0;
		}
	}
	if (bfd < 0 || !sock || strlen(sock) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "broker-test-kiosk: needs --broker-fd=N and --test-socket=PATH\n");
		return 2;
	}
	strcpy(addr.sun_path, sock);
	test_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (test_fd < 0 || connect(test_fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		fprintf(stderr, "broker-test-kiosk: cannot reach the test at %s: %s\n", sock,
			g_strerror(errno));
		return 2;
	}
	out("hello pid=%d uid=%u", (int)getpid(), (unsigned)getuid());
	for (;;) {
		struct pollfd p[2 + G_N_ELEMENTS(kept)] = { { .fd = bfd, .events = POLLIN },
							    { .fd = test_fd, .events = POLLIN } };
		for (size_t i = 0; i < n_kept; i++)
			p[2 + i] = (struct pollfd){ .fd = kept[i], .events = POLLIN };
		if (poll(p, 2 + n_kept, -1) < 0) {
			if (errno == EINTR)
				continue;
			return 4;
		}
		for (size_t i = 0; i < n_kept; i++)
			if (kept[i] >= 0 && p[2 + i].revents)
				from_viewer(i);
		if (p[0].revents)
			from_broker(bfd);
		if (p[1].revents) {
			ssize_t n = read(test_fd, inbuf + inlen, sizeof(inbuf) - 1 - inlen);
			char *nl;
			if (n <= 0)
				return 0;
			inlen += (size_t)n;
			inbuf[inlen] = '\0';
			while ((nl = strchr(inbuf, '\n'))) {
				*nl = '\0';
				size_t used = (size_t)(nl + 1 - inbuf);
				command(bfd, inbuf);
				memmove(inbuf, inbuf + used, inlen - used + 1);
				inlen -= used;
			}
		}
	}
}
