/* tests/integration/kiosk-clipboard-test.c: copy and paste between two domains through the real
 * kiosk (standalone mode), its viewers and the test domains' agents.
 *
 * The hotkeys come as lines on the kiosk's command FIFO (kiosk/standalone-clipboard.h); what
 * the guests paste is what their agents record. Allowed: the text reaches the other guest
 * exactly, the top bar names it and its source, then the clipboard is empty. Refused: the user
 * is told, the audit says so, the other guest gets nothing. Lock, logout and the source domain
 * going away empty it. No audit line carries the text. */
#include "config.h"
#include "tests/integration/display-helpers.h"
#include "tests/integration/kiosk-process.h"
#include "renderer/palette.h"

#include <fcntl.h>
#include <glib.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct rig {
	char *dir, *fifo;
	struct td_proc work, web;
	struct kiosk k;
	int cmd;
};

static void rig_start(struct rig *r, const char *allow)
{
	const char *extra[] = { "--clipboard-allow", allow, "--clipboard-commands", NULL, NULL };

	r->dir = g_dir_make_tmp("tsr-clip-XXXXXX", NULL);
	r->fifo = g_build_filename(r->dir, "commands", NULL);
	g_assert_cmpint(mkfifo(r->fifo, 0600), ==, 0);
	extra[3] = r->fifo;
	td_start(&r->work, r->dir, "work", true, "--size", "320x240", "--agent", "--clipboard",
		 "--clipboard-copy", "text from work", NULL);
	td_start(&r->web, r->dir, "web", true, "--size", "320x240", "--agent", "--clipboard",
		 "--clipboard-copy", "text from web", NULL);
	g_autofree char *a = g_strdup_printf("work:blue:%s", r->work.socket);
	g_autofree char *b = g_strdup_printf("web:red:%s", r->web.socket);
	kiosk_start(&r->k, r->dir, "tiled", extra, a, b, NULL);
	/* Ready: shown and its viewer connected (a copy before that is refused as not connected). */
	for (int ready = 0; ready < 2; ready++) {
		char *line = kiosk_wait(&r->k, "ready ");
		g_assert_nonnull(line);
		g_free(line);
	}
	r->cmd = open(r->fifo, O_WRONLY | O_CLOEXEC);
	g_assert_cmpint(r->cmd, >=, 0);
}

static void rig_stop(struct rig *r)
{
	close(r->cmd);
	kiosk_stop(&r->k);
	td_stop(&r->work);
	td_stop(&r->web);
	test_dir_remove(r->dir);
	g_free(r->dir);
	g_free(r->fifo);
}

static void say(struct rig *r, const char *line)
{
	g_autofree char *l = g_strdup_printf("%s\n", line);
	g_assert_cmpint(write(r->cmd, l, strlen(l)), ==, (ssize_t)strlen(l));
}

/* The kiosk's next line starting with one of the two prefixes (others skipped). */
static char *wait_either(struct rig *r, const char *one, const char *other)
{
	for (;;) {
		char *line = kiosk_wait(&r->k, "");
		g_assert_nonnull(line);
		if (g_str_has_prefix(line, one) || g_str_has_prefix(line, other))
			return line;
		g_free(line);
	}
}

/* Copy in domain; its agent's grab may still be on its way, so each try waits for its outcome. */
static void copy_from(struct rig *r, const char *domain)
{
	g_autofree char *cmd = g_strdup_printf("copy %s", domain);
	for (int tries = 0; tries < 50; tries++) {
		say(r, cmd);
		g_autofree char *line = wait_either(r, "audit clipboard-copy", "notify Nothing copied");
		if (g_str_has_prefix(line, "audit"))
			return;
	}
	g_error("%s never had its text copied", domain);
}

static void test_allowed_flow(void)
{
	struct rig r;
	rig_start(&r, "work -> web");
	copy_from(&r, "work");
	g_autofree char *held = kiosk_wait(&r.k, "clipboard ");
	g_assert_cmpstr(held, ==, "clipboard Clipboard: 14 bytes from work");
	/* The top bar shows it on work's label colour (blue) at the right, left of the lock. */
	struct tsr_image *shot = kiosk_screenshot(&r.k);
	int blue = 0;
	for (int x = 640; x < 1280; x++)
		blue += image_px(shot, x, 4) == tsr_color_rgb(TSR_COLOR_BLUE);
	tsr_image_destroy(shot);
	g_assert_cmpint(blue, >, 40);

	say(&r, "paste web");
	g_autofree char *pasted = kiosk_wait(&r.k, "audit clipboard-paste");
	g_assert_true(g_str_has_prefix(pasted,
				       "audit clipboard-paste source=work target=web size=14 sha256="));
	g_assert_null(strstr(pasted, "text from"));
	g_assert_true(wait_file_contains(r.web.record, "clipboard text from work\n", 20000));
	g_autofree char *emptied = kiosk_wait(&r.k, "clipboard ");
	g_assert_cmpstr(emptied, ==, "clipboard ");
	/* Emptied after the paste. */
	say(&r, "paste web");
	g_autofree char *nothing = kiosk_wait(&r.k, "notify ");
	g_assert_cmpstr(nothing, ==, "notify The clipboard is empty: copy in a domain first");
	rig_stop(&r);
}

static void test_refused_and_emptied(void)
{
	struct rig r;
	rig_start(&r, "work -> web");
	copy_from(&r, "web");
	say(&r, "paste work");
	g_autofree char *refused = kiosk_wait(&r.k, "audit ");
	g_assert_true(g_str_has_prefix(refused, "audit clipboard-refused source=web target=work "
					       "size=13 sha256="));
	g_autofree char *note = kiosk_wait(&r.k, "notify ");
	g_assert_cmpstr(note, ==, "notify Policy does not allow pasting from web into work");
	/* Locking empties it. */
	say(&r, "lock");
	g_autofree char *locked = kiosk_wait(&r.k, "audit ");
	g_assert_true(g_str_has_suffix(locked, "reason=lock"));
	say(&r, "unlock");
	/* The source going away empties it; the other domain carries on. */
	copy_from(&r, "work");
	kill(r.work.pid, SIGKILL);
	g_autofree char *gone = kiosk_wait(&r.k, "audit ");
	g_assert_true(g_str_has_prefix(gone, "audit clipboard-emptied source=work"));
	g_assert_true(g_str_has_suffix(gone, "reason=source-gone"));
	say(&r, "paste web");
	g_autofree char *empty = kiosk_wait(&r.k, "notify ");
	g_assert_cmpstr(empty, ==, "notify The clipboard is empty: copy in a domain first");
	/* Work never got web's text: its guest records every text it is given. */
	g_autofree char *rec = NULL;
	g_file_get_contents(r.work.record, &rec, NULL, NULL);
	g_assert_null(rec ? strstr(rec, "clipboard ") : NULL);
	rig_stop(&r);
}

/* Each starts its own kiosk, two viewers and two guests. */
static void add_tests(void)
{
	g_test_add_func("/kiosk-clipboard/allowed-reaches-the-guest", test_allowed_flow);
	g_test_add_func("/kiosk-clipboard/refused-lock-source-gone", test_refused_and_emptied);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	add_tests();
	return g_test_run();
}
