/* tests/integration/broker-harness.c: see broker-harness.h. */
#include "config.h"
#include "tests/integration/broker-harness.h"
#include "tests/harness/tree.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *builddir(void)
{
	const char *b = g_getenv("TSR_BUILDDIR");
	return b ? b : TSR_BUILDDIR;
}

static void write_file(const char *dir, const char *name, const char *text)
{
	g_autofree char *path = g_build_filename(dir, name, NULL);
	g_autoptr(GError) error = NULL;

	g_assert_true(g_file_set_contents(path, text, -1, &error));
}

static char *hash(const char *pw)
{
	char out[crypto_pwhash_STRBYTES];

	g_assert_cmpint(crypto_pwhash_str(out, pw, strlen(pw), crypto_pwhash_OPSLIMIT_MIN,
					  crypto_pwhash_MEMLIMIT_MIN),
			==, 0);
	return g_strdup(out);
}

static void write_policy(struct bh *h, const char *device_rules)
{
	g_autofree char *domains = g_build_filename(h->policy, "domains", NULL);
	g_autofree char *ha = hash("alice-pw"), *hb = hash("bob-pw"), *hc = hash("carol-pw");
	g_autofree char *users = NULL;

	g_assert_cmpint(g_mkdir_with_parents(domains, 0755), ==, 0);
	write_file(h->policy, "policy.conf",
		   "[policy]\norganization = test-org\nlease-grace-days = 3\n"
		   "max-serial-jump = 1000\n\n"
		   "[lockout]\nattempts = 3\nlock-seconds = 60\ndelay-ms = 1\n\n"
		   "[kiosk]\nsas = Ctrl+Alt+Backspace\nidle-lock-seconds = 0\nconsole = view\n"
		   "locked-requires-sas = false\n\n"
		   "[hotkeys]\nlock = Super+Escape\n\n"
		   "[outputs]\norder = HDMI-A-1, eDP-1\n\n"
		   "[laptop-group test]\ndomains = web;work\ngroups = staff\nusers = carol\n");
	write_file(domains, "web.conf",
		   "[domain web]\nlabel = Web\ncolour = red\nbackend = sim\nmemory-mib = 256\n"
		   "disk = disposable\nnetwork = none\ngroups = staff\n"
		   "device-model-uid = 61001\ndevice-model-gid = 61001\n"
		   "viewer-uid = 61101\nviewer-gid = 61101\n");
	write_file(domains, "work.conf",
		   "[domain work]\nlabel = Work\ncolour = blue\nbackend = sim\nmemory-mib = 256\n"
		   "disk = persistent\nnetwork = none\ngroups = staff\n"
		   "device-model-uid = 61002\ndevice-model-gid = 61002\n"
		   "viewer-uid = 61102\nviewer-gid = 61102\n");
	write_file(h->policy, "groups.conf", "[group staff]\ndescription = Staff\n");
	users = g_strdup_printf("[user alice]\nfull-name = Alice Test\npassword = %s\n"
				"groups = staff\n\n"
				"[user bob]\npassword = %s\ngroups = staff\n\n"
				"[user carol]\npassword = %s\n",
				ha, hb, hc);
	write_file(h->policy, "users.conf", users);
	write_file(h->policy, "devices.conf", device_rules ? device_rules : "");
	write_file(h->policy, "templates.conf", "");
}

/* The state dir of the running fixture: if a test aborts, the domains its broker left
 * running (a broker never stops them on exit) are killed through their pid files. */
static char abort_state[4096];

static void kill_domains_on_abort(int sig)
{
	static const char *const names[] = { "web", "work", "left", "right" };

	for (size_t i = 0; abort_state[0] && i < G_N_ELEMENTS(names); i++) {
		char path[4200], buf[32] = { 0 };
		snprintf(path, sizeof(path), "%s/domains/%s/pid", abort_state, names[i]);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0 && read(fd, buf, sizeof(buf) - 1) > 0 && atoi(buf) > 0)
			kill(atoi(buf), SIGKILL);
		if (fd >= 0)
			close(fd);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

struct bh *bh_new(const char *device_rules)
{
	struct bh *h = g_new0(struct bh, 1);
	g_autoptr(GError) error = NULL;
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	g_autofree char *usbdir = NULL;

	g_assert_cmpint(sodium_init(), >=, 0);
	h->dir = g_dir_make_tmp("tsr-broker-XXXXXX", &error);
	g_assert_no_error(error);
	/* The kiosk, the domains and the viewers run as other users: they must reach in. */
	g_assert_cmpint(chmod(h->dir, 0755), ==, 0);
	h->state = g_build_filename(h->dir, "state", NULL);
	h->run = g_build_filename(h->dir, "run", NULL);
	h->policy = g_build_filename(h->dir, "policy", NULL);
	h->sysfs = g_build_filename(h->dir, "sys", NULL);
	h->devfs = g_build_filename(h->dir, "dev", NULL);
	h->ksock = g_build_filename(h->dir, "kiosk.sock", NULL);
	h->control = g_build_filename(h->run, "control.sock", NULL);
	usbdir = g_build_filename(h->sysfs, "bus", "usb", "devices", "usb1", NULL);
	g_assert_cmpint(g_mkdir_with_parents(usbdir, 0755), ==, 0);
	write_file(usbdir, "authorized_default", "1");
	g_assert_cmpint(g_mkdir_with_parents(h->devfs, 0755), ==, 0);
	write_policy(h, device_rules);

	h->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	g_assert_cmpint(h->listen_fd, >=, 0);
	g_assert_cmpuint(strlen(h->ksock), <, sizeof(addr.sun_path));
	strcpy(addr.sun_path, h->ksock);
	g_assert_cmpint(bind(h->listen_fd, (struct sockaddr *)&addr, sizeof(addr)), ==, 0);
	g_assert_cmpint(chmod(h->ksock, 0666), ==, 0);
	g_assert_cmpint(listen(h->listen_fd, 4), ==, 0);
	h->kfd = -1;
	h->kbuf = g_string_new(NULL);
	h->lines = g_ptr_array_new_with_free_func(g_free);
	h->matched = g_array_new(FALSE, TRUE, sizeof(bool));
	h->pid = -1;
	g_strlcpy(abort_state, h->state, sizeof(abort_state));
	signal(SIGABRT, kill_domains_on_abort);
	signal(SIGTRAP, kill_domains_on_abort);
	return h;
}

void bh_policy_file(struct bh *h, const char *relpath, const char *text)
{
	g_autofree char *path = g_build_filename(h->policy, relpath, NULL);

	if (text)
		g_assert_true(g_file_set_contents(path, text, -1, NULL));
	else
		g_assert_cmpint(g_unlink(path), ==, 0);
}

void bh_policy_edit(struct bh *h, const char *relpath, const char *from, const char *to)
{
	g_autofree char *path = g_build_filename(h->policy, relpath, NULL);
	g_autofree char *text = NULL;

	g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
	GString *g = g_string_new(text);
	g_assert_cmpuint(g_string_replace(g, from, to, 0), ==, 1);
	g_assert_true(g_file_set_contents(path, g->str, -1, NULL));
	g_string_free(g, TRUE);
}

static bool wait_fd(int fd, short events, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = events };
	int r;

	do
		r = poll(&p, 1, timeout_ms);
	while (r < 0 && errno == EINTR);
	return r > 0;
}

void bh_start(struct bh *h, bool with_kiosk)
{
	int ready[2];
	g_autofree char *kiosk = g_build_filename(builddir(), "tests/integration/broker-test-kiosk",
						  NULL);
	g_autofree char *brokerd = g_build_filename(builddir(), "broker/tessera-brokerd", NULL);
	g_autofree char *testdomain = g_build_filename(builddir(), "tests/testdomain/tessera-testdomain",
						       NULL);
	g_autofree char *viewer = g_build_filename(builddir(), "viewer/tessera-viewer", NULL);
	g_autofree char *console = g_build_filename(builddir(), "console/tessera-console", NULL);
	g_autofree char *karg = g_strdup_printf("--kiosk-arg=--test-socket=%s", h->ksock);
	GPtrArray *argv = g_ptr_array_new_with_free_func(g_free);
	char buf[16];

	g_ptr_array_add(argv, g_strdup(brokerd));
	g_ptr_array_add(argv, g_strdup_printf("--state-dir=%s", h->state));
	g_ptr_array_add(argv, g_strdup_printf("--run-dir=%s", h->run));
	if (!h->installed)
		g_ptr_array_add(argv, g_strdup_printf("--policy-dir=%s", h->policy));
	g_ptr_array_add(argv, g_strdup_printf("--sysfs=%s", h->sysfs));
	g_ptr_array_add(argv, g_strdup_printf("--devfs=%s", h->devfs));
	g_ptr_array_add(argv, g_strdup("--no-udev"));
	g_ptr_array_add(argv, g_strdup_printf("--testdomain=%s", testdomain));
	g_ptr_array_add(argv, g_strdup_printf("--viewer=%s", viewer));
	g_ptr_array_add(argv, g_strdup_printf("--console=%s", console));
	g_ptr_array_add(argv, g_strdup("--shutdown-timeout=5000"));
	g_ptr_array_add(argv, g_strdup("--ready-fd=9"));
	g_ptr_array_add(argv, g_strdup("--log-level=debug"));
	if (with_kiosk) {
		g_ptr_array_add(argv, g_strdup_printf("--kiosk=%s", kiosk));
		g_ptr_array_add(argv, g_strdup_printf("--kiosk-user=%d:%d", BH_KIOSK_UID,
						      BH_KIOSK_UID));
		g_ptr_array_add(argv, g_strdup(karg));
	} else {
		g_ptr_array_add(argv, g_strdup("--no-kiosk"));
	}
	for (size_t i = 0; h->extra_args && h->extra_args[i]; i++)
		g_ptr_array_add(argv, g_strdup(h->extra_args[i]));
	g_ptr_array_add(argv, NULL);

	g_assert_cmpint(pipe2(ready, O_CLOEXEC), ==, 0);
	h->pid = fork();
	g_assert_cmpint(h->pid, >=, 0);
	if (h->pid == 0) {
		/* If the test dies, so does its broker. */
		if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 || dup2(ready[1], 9) < 0)
			_exit(127);
		execv(brokerd, (char **)argv->pdata);
		_exit(127);
	}
	close(ready[1]);
	g_ptr_array_free(argv, TRUE);
	if (!wait_fd(ready[0], POLLIN, BH_TIMEOUT_MS) || read(ready[0], buf, sizeof(buf)) <= 0)
		g_error("tessera-brokerd did not become ready");
	close(ready[0]);
	if (with_kiosk)
		bh_accept_kiosk(h);
}

void bh_accept_kiosk(struct bh *h)
{
	if (h->kfd >= 0)
		close(h->kfd);
	g_string_truncate(h->kbuf, 0);
	if (!wait_fd(h->listen_fd, POLLIN, BH_TIMEOUT_MS))
		g_error("the test kiosk did not connect");
	h->kfd = accept4(h->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	g_assert_cmpint(h->kfd, >=, 0);
	bh_expect(h, "hello ");
}

/* Read one line from the kiosk (NULL when it closed). */
static char *read_line(struct bh *h)
{
	char *nl;

	while (!(nl = strchr(h->kbuf->str, '\n'))) {
		char buf[4096];
		ssize_t n;
		if (!wait_fd(h->kfd, POLLIN, BH_TIMEOUT_MS))
			g_error("the test kiosk said nothing for %d ms (have: %s)", BH_TIMEOUT_MS,
				h->kbuf->str);
		n = read(h->kfd, buf, sizeof(buf));
		if (n <= 0)
			return NULL;
		g_string_append_len(h->kbuf, buf, n);
	}
	char *line = g_strndup(h->kbuf->str, (gsize)(nl - h->kbuf->str));
	g_string_erase(h->kbuf, 0, nl - h->kbuf->str + 1);
	g_test_message("kiosk: %s", line);
	return line;
}

static void add_line(struct bh *h, char *line)
{
	bool no = false;

	g_ptr_array_add(h->lines, line);
	g_array_append_val(h->matched, no);
}

const char *bh_expect(struct bh *h, const char *prefix)
{
	for (guint i = 0; i < h->lines->len; i++) {
		if (!g_array_index(h->matched, bool, i) &&
		    g_str_has_prefix(h->lines->pdata[i], prefix)) {
			g_array_index(h->matched, bool, i) = true;
			return h->lines->pdata[i];
		}
	}
	for (;;) {
		char *line = read_line(h);
		if (!line)
			g_error("the test kiosk went away while waiting for \"%s\"", prefix);
		add_line(h, line);
		if (g_str_has_prefix(line, prefix)) {
			g_array_index(h->matched, bool, h->lines->len - 1) = true;
			return line;
		}
	}
}

bool bh_kiosk_gone(struct bh *h)
{
	for (;;) {
		char *line = read_line(h);
		if (!line)
			return true;
		add_line(h, line);
	}
}

unsigned bh_kiosk(struct bh *h, const char *fmt, ...)
{
	g_autofree char *cmd = NULL;
	va_list ap;
	const char *sent;
	size_t len;

	va_start(ap, fmt);
	cmd = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	len = strlen(cmd);
	cmd = g_realloc(cmd, len + 2);
	cmd[len] = '\n';
	cmd[len + 1] = '\0';
	g_assert_cmpint(write(h->kfd, cmd, len + 1), ==, (ssize_t)len + 1);
	if (g_str_has_prefix(cmd, "exit") || g_str_has_prefix(cmd, "bad-frame"))
		return 0;
	sent = bh_expect(h, "sent seq=");
	return (unsigned)atoi(sent + 9);
}

const char *bh_reply(struct bh *h, unsigned seq)
{
	g_autofree char *prefix = g_strdup_printf("reply seq=%u ", seq);
	return bh_expect(h, prefix);
}

unsigned bh_status(const char *line)
{
	const char *s = strstr(line, "status=");
	g_assert_nonnull(s);
	return (unsigned)atoi(s + 7);
}

/* The reply's retry= in ms. */
static unsigned retry_ms(const char *line)
{
	const char *r = strstr(line, "retry=");

	return r ? (unsigned)strtoul(r + 6, NULL, 10) : 0;
}

unsigned bh_login(struct bh *h, const char *user, const char *password)
{
	for (int i = 0; i < 200; i++) {
		unsigned seq = bh_kiosk(h, "login %s %s", user, password);
		const char *line = bh_reply(h, seq);
		if (bh_status(line) != 2)
			return bh_status(line);
		g_usleep(1000 * (gulong)MAX(retry_ms(line), 1));
	}
	g_assert_not_reached();
}

char *bh_provision(const char *fmt, ...)
{
	g_autofree char *args = NULL, *cmd = NULL;
	char *out = NULL, *err = NULL;
	int status = 0;
	va_list ap;

	va_start(ap, fmt);
	args = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	cmd = g_strdup_printf("%s/provisioning/tessera-provision %s", builddir(), args);
	g_assert_true(g_spawn_command_line_sync(cmd, &out, &err, &status, NULL));
	if (!g_spawn_check_wait_status(status, NULL))
		g_error("%s failed: %s%s", cmd, out, err);
	g_free(err);
	return out;
}

void bh_sign_bundle(struct bh *h)
{
	g_autofree char *keys = g_build_filename(h->dir, "keys", NULL);
	g_autofree char *out = g_build_filename(h->dir, "bundles", NULL);
	g_autofree char *pass = g_build_filename(h->dir, "pass", NULL);

	g_assert_true(g_file_set_contents(pass, "test passphrase\n", -1, NULL));
	g_free(bh_provision("keygen --out %s --role root --passphrase-file %s", keys, pass));
	g_free(bh_provision("keygen --out %s --role policy --passphrase-file %s", keys, pass));
	g_free(bh_provision("keyset --root %s/root.secret --add %s/policy.pub --organization test-org "
			    "--out %s/keyset --passphrase-file %s", keys, keys, keys, pass));
	g_free(bh_provision("build %s --out %s", h->policy, out));
	g_free(bh_provision("sign %s/test.bundle --key %s/policy.secret --keyset %s/keyset "
			    "--valid-days 1 --passphrase-file %s", out, keys, keys, pass));
}

void bh_install_signed(struct bh *h)
{
	g_autofree char *keys = g_build_filename(h->dir, "keys", NULL);
	g_autofree char *out = g_build_filename(h->dir, "bundles", NULL);

	bh_sign_bundle(h);
	g_free(bh_provision("init --state-dir %s --root %s/root.pub --organization test-org "
			    "--group test", h->state, keys));
	g_free(bh_provision("install %s/test.bundle --state-dir %s --broker-socket ''", out, h->state));
	h->installed = true;
}

char *bh_install_newer(struct bh *h, int valid_days)
{
	g_autofree char *keys = g_build_filename(h->dir, "keys", NULL);
	g_autofree char *out = g_build_filename(h->dir, "bundles", NULL);
	g_autofree char *pass = g_build_filename(h->dir, "pass", NULL);

	g_free(bh_provision("sign %s/test.bundle --key %s/policy.secret --keyset %s/keyset "
			    "--valid-days %d --passphrase-file %s", out, keys, keys, valid_days,
			    pass));
	return bh_provision("install %s/test.bundle --state-dir %s --broker-socket %s", out,
			    h->state, h->control);
}

void bh_see_time_past_lease(struct bh *h)
{
	g_autofree char *latest = g_build_filename(h->state, "latest-time", NULL);
	g_autofree char *t = g_strdup_printf("%lld\n", (long long)time(NULL) + 5 * 86400);

	g_assert_true(g_file_set_contents(latest, t, -1, NULL));
}

bool bh_seen(struct bh *h, const char *prefix)
{
	for (guint i = 0; i < h->lines->len; i++)
		if (g_str_has_prefix(h->lines->pdata[i], prefix))
			return true;
	return false;
}

void bh_kiosk_clear(struct bh *h)
{
	g_ptr_array_set_size(h->lines, 0);
	g_array_set_size(h->matched, 0);
}

bool bh_ctl(struct bh *h, const char *command, JsonObject *args, struct tsr_ctl_response *r)
{
	g_autoptr(GError) error = NULL;
	int fd = tsr_ctl_connect(h->control, &error);

	g_assert_no_error(error);
	if (!tsr_ctl_call(fd, command, args, BH_TIMEOUT_MS, r, &error))
		g_error("control call %s failed: %s", command, error->message);
	close(fd);
	if (!r->ok)
		g_test_message("control %s: %s", command, r->message);
	return r->ok;
}

/* A string or number member of o as a new string; NULL if it is neither or not there. */
static char *member_text(JsonObject *o, const char *field)
{
	JsonNode *n = o ? json_object_get_member(o, field) : NULL;

	if (n && json_node_get_value_type(n) == G_TYPE_STRING)
		return g_strdup(json_node_get_string(n));
	if (n && json_node_get_value_type(n) == G_TYPE_INT64)
		return g_strdup_printf("%" G_GINT64_FORMAT, json_node_get_int(n));
	return NULL;
}

char *bh_domain_field(struct bh *h, const char *domain, const char *field)
{
	struct tsr_ctl_response r = { 0 };
	char *out = NULL;

	g_assert_true(bh_ctl(h, "domains", NULL, &r));
	JsonArray *a = json_object_get_array_member(r.result, "domains");
	for (guint i = 0; i < json_array_get_length(a); i++) {
		JsonObject *d = json_array_get_object_element(a, i);
		if (strcmp(json_object_get_string_member(d, "name"), domain) == 0) {
			g_free(out);
			out = member_text(d, field);
		}
	}
	tsr_ctl_response_clear(&r);
	return out;
}

char *bh_status_field(struct bh *h, const char *part, const char *field)
{
	struct tsr_ctl_response r = { 0 };
	char *out;

	g_assert_true(bh_ctl(h, "status", NULL, &r));
	out = json_object_has_member(r.result, part)
		      ? member_text(json_object_get_object_member(r.result, part), field)
		      : NULL;
	tsr_ctl_response_clear(&r);
	return out;
}

static void assert_field(const char *what, const char *field, const char *value, const char *want)
{
	if (g_strcmp0(value, want) != 0)
		g_error("%s %s is %s, not %s", what, field, value ? value : "absent",
			want ? want : "absent");
}

void bh_assert_domain_field(struct bh *h, const char *domain, const char *field, const char *want)
{
	g_autofree char *what = g_strdup_printf("domain %s:", domain);
	g_autofree char *value = bh_domain_field(h, domain, field);

	assert_field(what, field, value, want);
}

void bh_assert_status_field(struct bh *h, const char *part, const char *field, const char *want)
{
	g_autofree char *what = g_strdup_printf("status %s:", part);
	g_autofree char *value = bh_status_field(h, part, field);

	assert_field(what, field, value, want);
}

char *bh_audit_text(struct bh *h)
{
	g_autofree char *path = g_build_filename(h->state, "audit", "audit.log", NULL);
	char *text = NULL;

	if (!g_file_get_contents(path, &text, NULL, NULL))
		text = g_strdup("");
	return text;
}

char *bh_wait_audit(struct bh *h, const char *needle, const char *needle2)
{
	g_autofree char *dir = g_build_filename(h->state, "audit", NULL);
	int in = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	int64_t deadline = g_get_monotonic_time() + BH_TIMEOUT_MS * 1000LL;

	g_assert_cmpint(in, >=, 0);
	g_assert_cmpint(inotify_add_watch(in, dir, IN_MODIFY | IN_CREATE | IN_MOVED_TO), >=, 0);
	for (;;) {
		/* Look first: the event may already be there. */
		g_autofree char *text = bh_audit_text(h);
		g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
		for (size_t i = 0; lines[i]; i++) {
			if (strstr(lines[i], needle) && (!needle2 || strstr(lines[i], needle2))) {
				close(in);
				return g_strdup(lines[i]);
			}
		}
		int64_t left = (deadline - g_get_monotonic_time()) / 1000;
		if (left <= 0 || !wait_fd(in, POLLIN, (int)left))
			g_error("no audit event with %s %s within %d ms", needle,
				needle2 ? needle2 : "", BH_TIMEOUT_MS);
		char buf[4096];
		while (read(in, buf, sizeof(buf)) > 0)
			;
	}
}

void bh_kill(struct bh *h)
{
	if (h->pid <= 0)
		return;
	kill(h->pid, SIGKILL);
	g_assert_cmpint(waitpid(h->pid, NULL, 0), ==, h->pid);
	h->pid = -1;
	/* The kiosk dies with it (parent-death signal): its end closes. */
	if (h->kfd >= 0) {
		g_assert_true(bh_kiosk_gone(h));
		close(h->kfd);
		h->kfd = -1;
	}
}

static void stop_all(struct bh *h)
{
	struct tsr_ctl_response r = { 0 };
	g_autoptr(GError) error = NULL;
	int fd = tsr_ctl_connect(h->control, &error);

	if (fd < 0)
		return;
	close(fd);
	if (!bh_ctl(h, "domains", NULL, &r))
		return;
	JsonArray *a = json_object_get_array_member(r.result, "domains");
	for (guint i = 0; i < json_array_get_length(a); i++) {
		JsonObject *d = json_array_get_object_element(a, i);
		const char *st = json_object_get_string_member(d, "state");
		if (strcmp(st, "stopped") != 0 && strcmp(st, "unavailable") != 0) {
			struct tsr_ctl_response s = { 0 };
			JsonObject *args = json_object_new();
			json_object_set_string_member(args, "name",
						      json_object_get_string_member(d, "name"));
			if (!bh_ctl(h, "stop", args, &s))
				g_test_message("could not stop %s", json_object_get_string_member(d, "name"));
			tsr_ctl_response_clear(&s);
		}
	}
	tsr_ctl_response_clear(&r);
}

void bh_free(struct bh *h)
{
	if (h->pid > 0) {
		int status = 0;
		stop_all(h);
		kill(h->pid, SIGTERM);
		g_assert_cmpint(waitpid(h->pid, &status, 0), ==, h->pid);
		g_assert_true(WIFEXITED(status));
		g_assert_cmpint(WEXITSTATUS(status), ==, 0);
	}
	if (h->kfd >= 0)
		close(h->kfd);
	close(h->listen_fd);
	tsr_test_remove_tree(h->dir);
	abort_state[0] = '\0';
	g_string_free(h->kbuf, TRUE);
	g_ptr_array_free(h->lines, TRUE);
	g_array_free(h->matched, TRUE);
	g_free(h->dir);
	g_free(h->state);
	g_free(h->run);
	g_free(h->policy);
	g_free(h->sysfs);
	g_free(h->devfs);
	g_free(h->ksock);
	g_free(h->control);
	g_free(h);
}

void bh_usb_add(struct bh *h, const char *sysname, const uint8_t *desc, size_t len,
		unsigned bus, unsigned dev, const char *serial)
{
	g_autofree char *dir = g_build_filename(h->sysfs, "bus", "usb", "devices", sysname, NULL);
	/* Made aside and renamed into place, so the device appears whole, as the kernel's does: a
	 * broker that notices the directory at once must not decide on it and then have its
	 * authorized file overwritten by the rest of this set-up. */
	g_autofree char *tmp = g_strdup_printf("%s.new", dir);
	g_autofree char *path = g_build_filename(tmp, "descriptors", NULL);
	g_autofree char *b = g_strdup_printf("%u\n", bus), *d = g_strdup_printf("%u\n", dev);

	g_assert_cmpint(g_mkdir_with_parents(tmp, 0755), ==, 0);
	g_assert_true(g_file_set_contents(path, (const char *)desc, (gssize)len, NULL));
	write_file(tmp, "busnum", b);
	write_file(tmp, "devnum", d);
	write_file(tmp, "authorized", "");
	if (serial) {
		g_autofree char *s = g_strdup_printf("%s\n", serial);
		write_file(tmp, "serial", s);
	}
	g_assert_cmpint(rename(tmp, dir), ==, 0);
}

void bh_usb_remove(struct bh *h, const char *sysname)
{
	g_autofree char *dir = g_build_filename(h->sysfs, "bus", "usb", "devices", sysname, NULL);
	tsr_test_remove_tree(dir);
}

char *bh_usb_authorized(struct bh *h, const char *sysname)
{
	g_autofree char *path =
		g_build_filename(h->sysfs, "bus", "usb", "devices", sysname, "authorized", NULL);
	char *text = NULL;

	if (!g_file_get_contents(path, &text, NULL, NULL))
		return g_strdup("?");
	return text;
}

/* A stand-in tessera-install in h->dir: --list names /dev/vdb (and a line that is no disk);
 * --yes prints step lines and, when h->dir/fail exists, fails as the real one refuses. */
char *bh_fake_installer(struct bh *h)
{
	char *path = g_build_filename(h->dir, "tessera-install", NULL);
	g_autofree char *script = g_strdup_printf(
		"#!/bin/sh\n"
		"echo \"$*\" >>'%s/calls'\n"
		"case \"$1\" in\n"
		"--list) printf '/dev/vdb\\t3221225472\\tQEMU HARDDISK\\n../sda\\t1\\tx\\n' ;;\n"
		"--yes) echo 'tessera-install: Tessera 1 from /dev/vda onto /dev/vdb (3072 MiB)'\n"
		"  echo 'tessera-install: [1/5] clearing /dev/vdb'\"'\"'s partition table'\n"
		"  if [ -e '%s/fail' ]; then\n"
		"    echo 'tessera-install: refused: /dev/vdb is in use (mounted)' >&2; exit 2; fi\n"
		"  echo 'tessera-install: [5/5] the partition table'\n"
		"  echo 'tessera-install: done: /dev/vdb boots Tessera 1 on its own' ;;\n"
		"*) exit 2 ;;\n"
		"esac\n",
		h->dir, h->dir);

	g_assert_true(g_file_set_contents(path, script, -1, NULL));
	g_assert_cmpint(g_chmod(path, 0755), ==, 0);
	return path;
}

char *bh_installer_calls(struct bh *h)
{
	g_autofree char *path = g_build_filename(h->dir, "calls", NULL);
	char *text = NULL;

	if (!g_file_get_contents(path, &text, NULL, NULL))
		text = g_strdup("");
	return text;
}

void bh_start_installer(struct bh *h, const char *installer)
{
	g_autofree char *a1 = g_strdup_printf("--installer=%s", installer);
	char *args[] = { a1, (char *)"--install-then=stay", NULL };

	h->extra_args = args;
	bh_start(h, true);
	h->extra_args = NULL;
}
