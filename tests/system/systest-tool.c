/* tests/system/systest-tool.c: tsr-systest, the host-side helper of the QEMU system-test harness.
 *
 * tests/system/lib.sh drives QEMU from shell; the parts shell does badly live here so that no test
 * ever sleeps or polls a file in a loop:
 *   wait     block (inotify) until a line of a growing log file matches a regex, with a timeout
 *            as the failure bound, giving up early when a watched process (QEMU) exits
 *   qmp      speak QMP on QEMU's unix socket: greeting, qmp_capabilities, then each command,
 *            printing each "return" as JSON and failing on "error"; or wait for a run state
 *            (status:suspended), re-asked at each event
 *   compare  compare two PNG images per channel with a tolerance (and masked rectangles), writing
 *            a diff image on mismatch
 *   solid    write a PNG of one colour (a known-wrong picture for rejection checks)
 *   exit     wait (pidfd) for a process to exit, with a timeout */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <json-glib/json-glib.h>
#include <limits.h>
#include <png.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static const char usage_text[] =
	"usage: tsr-systest COMMAND ...\n"
	"  wait [--timeout S] [--pid PID] [--fail REGEX] [--nth N] FILE REGEX\n"
	"      print the first (or Nth) line of FILE matching REGEX (waiting for it to be written);\n"
	"      exit 1 on timeout, 2 when PID exits first, 3 when a line matches --fail\n"
	"  qmp [--timeout S] [--pid PID] SOCKET JSON...\n"
	"      run each QMP command (e.g. '{\"execute\":\"quit\"}') and print its return value;\n"
	"      waits for QEMU (PID) to create SOCKET, gives up when PID exits; an argument\n"
	"      status:NAME waits until query-status says NAME (e.g. status:suspended)\n"
	"  compare [--tolerance N] [--mask X,Y,W,H]... [--diff OUT.png] EXPECTED.png ACTUAL.png\n"
	"      exit 0 when every channel of every unmasked pixel differs by at most N (default 8)\n"
	"  solid W H RRGGBB OUT.png\n"
	"      write a W x H PNG of one colour\n"
	"  exit [--timeout S] PID\n"
	"      wait for process PID to exit\n";

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Milliseconds left until deadline, never negative. */
static int remaining_ms(int64_t deadline)
{
	int64_t left = deadline - now_ms();
	if (left < 0)
		return 0;
	return left > INT_MAX ? INT_MAX : (int)left;
}

static bool parse_seconds(const char *s, int64_t *ms)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || v <= 0 || v > 3600) {
		fprintf(stderr, "tsr-systest: bad timeout '%s' (seconds, 0 < S <= 3600)\n", s);
		return false;
	}
	*ms = (int64_t)(v * 1000);
	return true;
}

static int pidfd_open_compat(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

static bool parse_pid(const char *s, pid_t *pid)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v <= 0 || v > INT_MAX) {
		fprintf(stderr, "tsr-systest: bad pid '%s'\n", s);
		return false;
	}
	*pid = (pid_t)v;
	return true;
}

/* ---- wait ---------------------------------------------------------------------------------- */

struct line_scanner {
	int fd;
	GString *partial;
	GRegex *want, *fail;
	long skip; /* matching lines still to pass over */
};

/* Reads what was appended since last time; returns 0 on a match (printed), 3 on a fail match,
 * -1 when nothing matched yet. A trailing line without newline is only matched once complete,
 * except at the end (final=true) when the writer is gone. */
static int scan_new(struct line_scanner *sc, bool final)
{
	char buf[4096];
	for (;;) {
		ssize_t n = read(sc->fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		g_string_append_len(sc->partial, buf, n);
	}
	for (;;) {
		char *nl = memchr(sc->partial->str, '\n', sc->partial->len);
		if (!nl && !(final && sc->partial->len))
			return -1;
		gsize len = nl ? (gsize)(nl - sc->partial->str) : sc->partial->len;
		char *line = g_strndup(sc->partial->str, len);
		g_string_erase(sc->partial, 0, nl ? (gssize)len + 1 : (gssize)len);
		/* serial output ends lines with \r\n */
		g_strchomp(line);
		int r = -1;
		if (sc->fail && g_regex_match(sc->fail, line, 0, NULL)) {
			fprintf(stderr, "tsr-systest: failure line: %s\n", line);
			r = 3;
		} else if (g_regex_match(sc->want, line, 0, NULL)) {
			if (sc->skip > 0) {
				sc->skip--;
			} else {
				printf("%s\n", line);
				r = 0;
			}
		}
		g_free(line);
		if (r >= 0)
			return r;
	}
}

static int cmd_wait(int argc, char **argv)
{
	int64_t timeout = 60000;
	pid_t pid = 0;
	const char *fail = NULL;
	long skip = 0;
	int i = 0;
	for (; i < argc && argv[i][0] == '-'; i += 2) {
		if (i + 1 >= argc)
			goto usage;
		if (!strcmp(argv[i], "--nth")) {
			char *end;
			skip = strtol(argv[i + 1], &end, 10) - 1;
			if (*end || skip < 0 || skip > 100000) {
				fprintf(stderr, "tsr-systest: bad --nth '%s' (1..100000)\n", argv[i + 1]);
				return 64;
			}
		} else if (!strcmp(argv[i], "--timeout")) {
			if (!parse_seconds(argv[i + 1], &timeout))
				return 64;
		} else if (!strcmp(argv[i], "--pid")) {
			if (!parse_pid(argv[i + 1], &pid))
				return 64;
		} else if (!strcmp(argv[i], "--fail")) {
			fail = argv[i + 1];
		} else {
			goto usage;
		}
	}
	if (argc - i != 2)
		goto usage;
	const char *path = argv[i], *pattern = argv[i + 1];

	GError *err = NULL;
	struct line_scanner sc = { .fd = -1, .partial = g_string_new(NULL), .skip = skip };
	sc.want = g_regex_new(pattern, G_REGEX_OPTIMIZE, 0, &err);
	if (!sc.want) {
		fprintf(stderr, "tsr-systest: bad regex '%s': %s\n", pattern, err->message);
		return 64;
	}
	if (fail && !(sc.fail = g_regex_new(fail, G_REGEX_OPTIMIZE, 0, &err))) {
		fprintf(stderr, "tsr-systest: bad --fail regex '%s': %s\n", fail, err->message);
		return 64;
	}
	int ino = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (ino < 0 || inotify_add_watch(ino, path, IN_MODIFY | IN_CLOSE_WRITE) < 0) {
		fprintf(stderr, "tsr-systest: cannot watch %s: %s (create it before starting QEMU)\n",
			path, strerror(errno));
		return 64;
	}
	/* Watch first, open second: nothing written in between is missed. */
	sc.fd = open(path, O_RDONLY | O_CLOEXEC);
	if (sc.fd < 0) {
		fprintf(stderr, "tsr-systest: cannot open %s: %s\n", path, strerror(errno));
		return 64;
	}
	int pfd = -1;
	if (pid && (pfd = pidfd_open_compat(pid)) < 0) {
		/* Already gone (or never existed): only what is in the file counts. */
		int r = scan_new(&sc, true);
		return r >= 0 ? r : 2;
	}
	int64_t deadline = now_ms() + timeout;
	for (;;) {
		int r = scan_new(&sc, false);
		if (r >= 0)
			return r;
		struct pollfd p[2] = { { .fd = ino, .events = POLLIN }, { .fd = pfd, .events = POLLIN } };
		int left = remaining_ms(deadline);
		if (left == 0)
			break;
		int n = poll(p, pfd >= 0 ? 2 : 1, left);
		if (n < 0 && errno != EINTR) {
			perror("tsr-systest: poll");
			return 64;
		}
		if (n > 0 && (p[0].revents & POLLIN)) {
			char evbuf[4096];
			while (read(ino, evbuf, sizeof evbuf) > 0)
				;
		}
		if (n > 0 && pfd >= 0 && (p[1].revents & POLLIN)) {
			r = scan_new(&sc, true);
			if (r >= 0)
				return r;
			fprintf(stderr, "tsr-systest: process %d exited before '%s' appeared in %s\n",
				(int)pid, pattern, path);
			return 2;
		}
	}
	int r = scan_new(&sc, true);
	if (r >= 0)
		return r;
	fprintf(stderr, "tsr-systest: timed out after %.1f s waiting for '%s' in %s\n",
		(double)timeout / 1000, pattern, path);
	return 1;
usage:
	fputs(usage_text, stderr);
	return 64;
}

/* ---- exit ---------------------------------------------------------------------------------- */

static int cmd_exit(int argc, char **argv)
{
	int64_t timeout = 60000;
	int i = 0;
	if (argc >= 2 && !strcmp(argv[0], "--timeout")) {
		if (!parse_seconds(argv[1], &timeout))
			return 64;
		i = 2;
	}
	pid_t pid;
	if (argc - i != 1) {
		fputs(usage_text, stderr);
		return 64;
	}
	if (!parse_pid(argv[i], &pid))
		return 64;
	int pfd = pidfd_open_compat(pid);
	if (pfd < 0)
		return 0; /* already gone */
	struct pollfd p = { .fd = pfd, .events = POLLIN };
	int64_t deadline = now_ms() + timeout;
	for (;;) {
		int n = poll(&p, 1, remaining_ms(deadline));
		if (n > 0)
			return 0;
		if (n == 0) {
			fprintf(stderr, "tsr-systest: process %d still running after %.1f s\n", (int)pid,
				(double)timeout / 1000);
			return 1;
		}
		if (errno != EINTR) {
			perror("tsr-systest: poll");
			return 64;
		}
	}
}

/* ---- qmp ----------------------------------------------------------------------------------- */

struct qmp {
	int fd;
	int pidfd; /* QEMU's, or -1: stop waiting for the socket when it exits */
	GString *in;
	int64_t deadline;
};

/* Connects, waiting (inotify on the directory) for QEMU to create the socket. */
static bool qmp_connect(struct qmp *q, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof sa.sun_path) {
		fprintf(stderr, "tsr-systest: socket path too long (%zu bytes, max %zu): %s\n",
			strlen(path), sizeof sa.sun_path - 1, path);
		return false;
	}
	strcpy(sa.sun_path, path);
	char *dir = g_path_get_dirname(path);
	int ino = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (ino < 0 || inotify_add_watch(ino, dir, IN_CREATE | IN_ATTRIB | IN_MOVED_TO) < 0) {
		fprintf(stderr, "tsr-systest: cannot watch %s: %s\n", dir, strerror(errno));
		g_free(dir);
		return false;
	}
	g_free(dir);
	for (;;) {
		/* Non-blocking: a QEMU that stopped accepting leaves its backlog full, and a
		 * blocking connect would then wait past --timeout, for ever. */
		q->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (q->fd < 0) {
			perror("tsr-systest: socket");
			return false;
		}
		if (connect(q->fd, (struct sockaddr *)&sa, sizeof sa) == 0) {
			if (fcntl(q->fd, F_SETFL, fcntl(q->fd, F_GETFL) & ~O_NONBLOCK) < 0) {
				perror("tsr-systest: fcntl");
				return false;
			}
			break;
		}
		int e = errno;
		close(q->fd);
		q->fd = -1;
		if (e == EAGAIN) {
			/* The socket is there but its backlog is full: try again shortly. */
			struct pollfd pid = { .fd = q->pidfd, .events = POLLIN };
			int left = remaining_ms(q->deadline);
			if (left == 0) {
				fprintf(stderr,
					"tsr-systest: QMP socket %s accepts no connection (QEMU's main "
					"loop does not run?)\n",
					path);
				return false;
			}
			if (poll(&pid, q->pidfd >= 0 ? 1 : 0, left < 100 ? left : 100) > 0) {
				fprintf(stderr, "tsr-systest: QEMU has exited; no QMP on %s\n", path);
				return false;
			}
			continue;
		}
		if (e != ENOENT && e != ECONNREFUSED) {
			fprintf(stderr, "tsr-systest: connect %s: %s\n", path, strerror(e));
			return false;
		}
		struct pollfd p[2] = { { .fd = ino, .events = POLLIN },
				       { .fd = q->pidfd, .events = POLLIN } };
		int left = remaining_ms(q->deadline);
		if (left == 0 || poll(p, q->pidfd >= 0 ? 2 : 1, left) == 0) {
			fprintf(stderr, "tsr-systest: QMP socket %s did not appear (is QEMU running?)\n",
				path);
			return false;
		}
		if (p[1].revents) {
			fprintf(stderr, "tsr-systest: QEMU has exited; no QMP on %s\n", path);
			return false;
		}
		char evbuf[4096];
		while (read(ino, evbuf, sizeof evbuf) > 0)
			;
	}
	close(ino);
	return true;
}

/* Reads one JSON object (QMP sends one per line). Returns NULL on timeout, EOF or bad JSON. */
static JsonObject *qmp_read(struct qmp *q, JsonParser *parser)
{
	for (;;) {
		char *nl = memchr(q->in->str, '\n', q->in->len);
		if (nl) {
			gsize len = (gsize)(nl - q->in->str);
			char *line = g_strndup(q->in->str, len);
			g_string_erase(q->in, 0, (gssize)len + 1);
			GError *err = NULL;
			if (!json_parser_load_from_data(parser, line, -1, &err)) {
				fprintf(stderr, "tsr-systest: QMP sent bad JSON (%s): %s\n", err->message,
					line);
				g_free(line);
				return NULL;
			}
			g_free(line);
			JsonNode *root = json_parser_get_root(parser);
			if (!root || !JSON_NODE_HOLDS_OBJECT(root)) {
				fprintf(stderr, "tsr-systest: QMP sent a non-object\n");
				return NULL;
			}
			return json_node_get_object(root);
		}
		struct pollfd p = { .fd = q->fd, .events = POLLIN };
		int left = remaining_ms(q->deadline);
		if (left == 0 || poll(&p, 1, left) == 0) {
			fprintf(stderr, "tsr-systest: timed out waiting for QMP\n");
			return NULL;
		}
		char buf[4096];
		ssize_t n = read(q->fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "tsr-systest: QMP connection closed\n");
			return NULL;
		}
		g_string_append_len(q->in, buf, n);
	}
}

static bool write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		buf += n;
		len -= (size_t)n;
	}
	return true;
}

/* Sends one command and waits for its answer, skipping asynchronous events. */
static bool qmp_command(struct qmp *q, const char *json, bool print)
{
	JsonParser *check = json_parser_new();
	GError *err = NULL;
	if (!json_parser_load_from_data(check, json, -1, &err) ||
	    !JSON_NODE_HOLDS_OBJECT(json_parser_get_root(check))) {
		fprintf(stderr, "tsr-systest: not a JSON object: %s%s%s\n", json, err ? ": " : "",
			err ? err->message : "");
		g_clear_error(&err);
		g_object_unref(check);
		return false;
	}
	g_object_unref(check);
	if (!write_all(q->fd, json, strlen(json)) || !write_all(q->fd, "\n", 1)) {
		fprintf(stderr, "tsr-systest: cannot write to QMP: %s\n", strerror(errno));
		return false;
	}
	JsonParser *parser = json_parser_new();
	bool ok = false;
	for (;;) {
		JsonObject *o = qmp_read(q, parser);
		if (!o)
			break;
		if (json_object_has_member(o, "event"))
			continue;
		if (json_object_has_member(o, "error")) {
			JsonObject *e = json_object_get_object_member(o, "error");
			const char *desc = e && json_object_has_member(e, "desc")
				? json_object_get_string_member(e, "desc") : "(no description)";
			fprintf(stderr, "tsr-systest: QMP error for %s: %s\n", json, desc);
			break;
		}
		if (json_object_has_member(o, "return")) {
			if (print) {
				char *s = json_to_string(json_object_get_member(o, "return"), FALSE);
				printf("%s\n", s);
				g_free(s);
			}
			ok = true;
			break;
		}
	}
	g_object_unref(parser);
	return ok;
}

/* A "status:NAME" argument: wait until query-status says NAME (e.g. "suspended" once the guest
 * wrote mem to /sys/power/state), asking again at each event QEMU sends (SUSPEND, RESUME, ...)
 * rather than polling. */
static bool qmp_wait_status(struct qmp *q, const char *want)
{
	static const char ask[] = "{\"execute\":\"query-status\"}\n";
	JsonParser *parser = json_parser_new();
	bool ok = false, asking = true;

	while (!ok) {
		if (asking && !write_all(q->fd, ask, strlen(ask)))
			break;
		asking = false;
		JsonObject *o = qmp_read(q, parser);
		if (!o || json_object_has_member(o, "error"))
			break;
		asking = json_object_has_member(o, "event");
		JsonObject *r = json_object_has_member(o, "return")
			? json_object_get_object_member(o, "return") : NULL;
		if (r && json_object_has_member(r, "status") &&
		    strcmp(json_object_get_string_member(r, "status"), want) == 0) {
			printf("%s\n", want);
			ok = true;
		}
	}
	if (!ok)
		fprintf(stderr, "tsr-systest: QEMU's status never became %s\n", want);
	g_object_unref(parser);
	return ok;
}

static int cmd_qmp(int argc, char **argv)
{
	struct qmp q = { .fd = -1, .pidfd = -1, .in = g_string_new(NULL) };
	int64_t timeout = 30000;
	int i = 0;
	for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
		if (!strcmp(argv[i], "--timeout")) {
			if (!parse_seconds(argv[i + 1], &timeout))
				return 64;
		} else if (!strcmp(argv[i], "--pid")) {
			pid_t pid;
			if (!parse_pid(argv[i + 1], &pid))
				return 64;
			q.pidfd = pidfd_open_compat(pid);
			if (q.pidfd < 0) {
				fprintf(stderr, "tsr-systest: QEMU (pid %d) is not running\n", (int)pid);
				return 1;
			}
		} else {
			fputs(usage_text, stderr);
			return 64;
		}
	}
	if (argc - i < 2) {
		fputs(usage_text, stderr);
		return 64;
	}
	q.deadline = now_ms() + timeout;
	if (!qmp_connect(&q, argv[i]))
		return 1;
	JsonParser *parser = json_parser_new();
	JsonObject *greeting = qmp_read(&q, parser);
	if (!greeting || !json_object_has_member(greeting, "QMP")) {
		fprintf(stderr, "tsr-systest: no QMP greeting on %s\n", argv[i]);
		return 1;
	}
	g_object_unref(parser);
	if (!qmp_command(&q, "{\"execute\":\"qmp_capabilities\"}", false))
		return 1;
	for (i++; i < argc; i++)
		if (g_str_has_prefix(argv[i], "status:") ? !qmp_wait_status(&q, argv[i] + 7)
							 : !qmp_command(&q, argv[i], true))
			return 1;
	close(q.fd);
	g_string_free(q.in, TRUE);
	return 0;
}

/* ---- compare ------------------------------------------------------------------------------- */

struct image {
	png_uint_32 w, h;
	uint8_t *rgb; /* w*h*3 */
};

static bool image_load(const char *path, struct image *img)
{
	png_image pi = { .version = PNG_IMAGE_VERSION };
	if (!png_image_begin_read_from_file(&pi, path)) {
		fprintf(stderr, "tsr-systest: cannot read PNG %s: %s\n", path, pi.message);
		return false;
	}
	pi.format = PNG_FORMAT_RGB;
	img->w = pi.width;
	img->h = pi.height;
	img->rgb = g_malloc(PNG_IMAGE_SIZE(pi));
	if (!png_image_finish_read(&pi, NULL, img->rgb, 0, NULL)) {
		fprintf(stderr, "tsr-systest: cannot decode PNG %s: %s\n", path, pi.message);
		g_free(img->rgb);
		return false;
	}
	return true;
}

struct mask {
	long x, y, w, h;
};

static bool masked(const GArray *masks, long x, long y)
{
	for (guint i = 0; i < masks->len; i++) {
		const struct mask *m = &g_array_index(masks, struct mask, i);
		if (x >= m->x && x < m->x + m->w && y >= m->y && y < m->y + m->h)
			return true;
	}
	return false;
}

static int cmd_compare(int argc, char **argv)
{
	long tol = 8;
	const char *diff_path = NULL;
	GArray *masks = g_array_new(FALSE, FALSE, sizeof(struct mask));
	int i = 0;
	for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
		char *end;
		if (!strcmp(argv[i], "--tolerance")) {
			tol = strtol(argv[i + 1], &end, 10);
			if (*end || tol < 0 || tol > 255) {
				fprintf(stderr, "tsr-systest: bad tolerance '%s' (0..255)\n", argv[i + 1]);
				return 64;
			}
		} else if (!strcmp(argv[i], "--mask")) {
			struct mask m;
			if (sscanf(argv[i + 1], "%ld,%ld,%ld,%ld", &m.x, &m.y, &m.w, &m.h) != 4 ||
			    m.w < 0 || m.h < 0) {
				fprintf(stderr, "tsr-systest: bad mask '%s' (X,Y,W,H)\n", argv[i + 1]);
				return 64;
			}
			g_array_append_val(masks, m);
		} else if (!strcmp(argv[i], "--diff")) {
			diff_path = argv[i + 1];
		} else {
			break;
		}
	}
	if (argc - i != 2) {
		fputs(usage_text, stderr);
		return 64;
	}
	struct image a, b;
	if (!image_load(argv[i], &a) || !image_load(argv[i + 1], &b))
		return 2;
	if (a.w != b.w || a.h != b.h) {
		fprintf(stderr, "tsr-systest: size differs: %s is %ux%u, %s is %ux%u\n", argv[i],
			(unsigned)a.w, (unsigned)a.h, argv[i + 1], (unsigned)b.w, (unsigned)b.h);
		return 1;
	}
	size_t bad = 0;
	int worst = 0;
	uint8_t *diff = g_malloc0((size_t)a.w * a.h * 3);
	for (png_uint_32 y = 0; y < a.h; y++) {
		for (png_uint_32 x = 0; x < a.w; x++) {
			size_t o = ((size_t)y * a.w + x) * 3;
			if (masked(masks, (long)x, (long)y)) {
				diff[o + 2] = 64; /* masked areas show dark blue in the diff */
				continue;
			}
			int d = 0;
			for (int c = 0; c < 3; c++) {
				int dc = abs((int)a.rgb[o + c] - (int)b.rgb[o + c]);
				if (dc > d)
					d = dc;
			}
			if (d > worst)
				worst = d;
			if (d > tol) {
				bad++;
				diff[o] = 255;
			} else {
				diff[o] = diff[o + 1] = diff[o + 2] = (uint8_t)(b.rgb[o] / 4);
			}
		}
	}
	printf("compare: %zu of %zu pixels differ by more than %ld (largest difference %d)\n", bad,
	       (size_t)a.w * a.h, tol, worst);
	if (bad && diff_path) {
		png_image pi = { .version = PNG_IMAGE_VERSION, .width = a.w, .height = a.h,
				 .format = PNG_FORMAT_RGB };
		if (!png_image_write_to_file(&pi, diff_path, 0, diff, 0, NULL))
			fprintf(stderr, "tsr-systest: cannot write %s: %s\n", diff_path, pi.message);
		else
			printf("compare: differing pixels are red in %s\n", diff_path);
	}
	g_free(diff);
	g_free(a.rgb);
	g_free(b.rgb);
	g_array_free(masks, TRUE);
	return bad ? 1 : 0;
}

static int cmd_solid(int argc, char **argv)
{
	char *e1, *e2, *e3;
	if (argc != 4) {
		fputs(usage_text, stderr);
		return 64;
	}
	long w = strtol(argv[0], &e1, 10), h = strtol(argv[1], &e2, 10);
	unsigned long rgb = strtoul(argv[2], &e3, 16);
	if (*e1 || *e2 || *e3 || w <= 0 || h <= 0 || w > 16384 || h > 16384 || rgb > 0xffffff ||
	    strlen(argv[2]) != 6) {
		fprintf(stderr, "tsr-systest: bad solid arguments (W and H 1..16384, RRGGBB hex)\n");
		return 64;
	}
	uint8_t *px = g_malloc((size_t)w * h * 3);
	for (size_t i = 0; i < (size_t)w * h; i++) {
		px[i * 3] = (uint8_t)(rgb >> 16);
		px[i * 3 + 1] = (uint8_t)(rgb >> 8);
		px[i * 3 + 2] = (uint8_t)rgb;
	}
	png_image pi = { .version = PNG_IMAGE_VERSION, .width = (png_uint_32)w,
			 .height = (png_uint_32)h, .format = PNG_FORMAT_RGB };
	bool ok = png_image_write_to_file(&pi, argv[3], 0, px, 0, NULL);
	if (!ok)
		fprintf(stderr, "tsr-systest: cannot write %s: %s\n", argv[3], pi.message);
	g_free(px);
	return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(usage_text, argc < 2 ? stderr : stdout);
		return argc < 2 ? 64 : 0;
	}
	/* Output goes to test logs; keep it in order with stderr. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(argv[1], "wait"))
		return cmd_wait(argc - 2, argv + 2);
	if (!strcmp(argv[1], "qmp"))
		return cmd_qmp(argc - 2, argv + 2);
	if (!strcmp(argv[1], "compare"))
		return cmd_compare(argc - 2, argv + 2);
	if (!strcmp(argv[1], "solid"))
		return cmd_solid(argc - 2, argv + 2);
	if (!strcmp(argv[1], "exit"))
		return cmd_exit(argc - 2, argv + 2);
	fprintf(stderr, "tsr-systest: unknown command '%s'\n", argv[1]);
	fputs(usage_text, stderr);
	return 64;
}
