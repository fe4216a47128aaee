/* tests/hostile/viewer-clipboard-test.c: a compromised viewer abuses the clipboard messages,
 * against the real tessera-kiosk (standalone mode, the display stack broker mode uses too).
 *
 * Two domains: "good", a test domain with an agent and copied text behind the real sandboxed
 * tessera-viewer, and the attacked one, whose viewer is tests/hostile/clipboard-viewer. One TAP
 * result per attack (unasked data, an oversized answer, text that is not UTF-8, an unsealed
 * memfd): the kiosk cuts the attacker off with the reason, nothing it sent reaches the trusted
 * clipboard, the kiosk stays up (exits 0 on SIGTERM) and the good domain's copy still works. */
#include "config.h"
#include "tests/integration/display-helpers.h"
#include "tests/integration/kiosk-process.h"

#include <fcntl.h>
#include <glib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct { const char *name, *reason; } attacks[] = {
	{ "unasked", "clipboard: 3 answers nobody asked for" },
	{ "oversized", "clipboard: length 65 outside 1..64" },
	{ "not-utf8", "clipboard: the text is not UTF-8" },
	{ "unsealed", "clipboard: the memfd lacks seals" },
};

static void say(int fd, const char *line)
{
	g_autofree char *l = g_strdup_printf("%s\n", line);
	g_assert_cmpint(write(fd, l, strlen(l)), ==, (ssize_t)strlen(l));
}

static void attack(gconstpointer data)
{
	const char *name = attacks[GPOINTER_TO_INT(data)].name;
	const char *reason = attacks[GPOINTER_TO_INT(data)].reason;
	g_autofree char *dir = g_dir_make_tmp("tsr-hostile-clip-XXXXXX", NULL);
	g_autofree char *fifo = g_build_filename(dir, "commands", NULL);
	g_autofree char *viewer_for = g_strdup_printf("--viewer-for=%s=%s", name,
						      TSR_BUILDDIR "/tests/hostile/clipboard-viewer");
	const char *const extra[] = { viewer_for, "--reattach-ms=-1", "--clipboard-max-bytes=64",
				      "--clipboard-commands", fifo, NULL };
	g_autofree char *lost = g_strdup_printf("lost %s ", name);
	g_autofree char *copy = g_strdup_printf("copy %s", name);
	int g[4];
	struct td_proc good, bad;
	struct kiosk k;

	g_assert_cmpint(mkfifo(fifo, 0600), ==, 0);
	td_start(&good, dir, "good", false, "--size", "320x240", "--agent", "--clipboard",
		 "--clipboard-copy", "good text", NULL);
	td_start(&bad, dir, name, false, "--size", "320x240", NULL);
	g_autofree char *sg = g_strdup_printf("good:green:%s", good.socket);
	g_autofree char *sb = g_strdup_printf("%s:red:%s", name, bad.socket);
	kiosk_start(&k, dir, "tiled", extra, sg, sb, NULL);
	int cmd = open(fifo, O_WRONLY | O_CLOEXEC);
	g_assert_cmpint(cmd, >=, 0);
	/* Once its surface shows, the attacker takes a request (the one copy); then it is cut off.
	 * The unasked one attacks at once, and may be cut off before its surface is reported; a
	 * copy that comes before its viewer counts as connected is refused and asked again. */
	g_autofree char *shown = g_strdup_printf("surface %s ", name);
	g_autofree char *early = g_strdup_printf("notify Cannot copy from %s:", name);
	char *line;
	for (;;) {
		line = kiosk_wait(&k, "");
		g_assert_nonnull(line);
		if (g_str_has_prefix(line, lost))
			break;
		if (g_str_has_prefix(line, early))
			g_usleep(200 * 1000);
		if ((g_str_has_prefix(line, shown) || g_str_has_prefix(line, early)) &&
		    strcmp(name, "unasked") != 0)
			say(cmd, copy);
		g_free(line);
	}
	g_test_message("%s", line);
	g_assert_nonnull(strstr(line, reason));
	g_free(line);
	/* Nothing of the attacker's reached the clipboard; the good domain's copy still works. */
	kiosk_geometry(&k, "good", g); /* good shows its surface */
	gint64 deadline = g_get_monotonic_time() + 30 * G_USEC_PER_SEC;
	for (;;) {
		say(cmd, "copy good");
		g_autofree char *next = kiosk_wait(&k, "");
		g_assert_nonnull(next);
		g_assert_false(g_str_has_prefix(next, "audit clipboard-copy source=") &&
			       !g_str_has_prefix(next, "audit clipboard-copy source=good "));
		if (g_str_has_prefix(next, "clipboard Clipboard: 9 bytes from good"))
			break;
		g_assert_cmpint(g_get_monotonic_time(), <, deadline);
	}
	close(cmd);
	kiosk_stop(&k);
	td_stop(&good);
	td_stop(&bad);
	test_dir_remove(dir);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	for (size_t i = 0; i < G_N_ELEMENTS(attacks); i++) {
		g_autofree char *path = g_strdup_printf("/hostile/clipboard/%s", attacks[i].name);
		g_test_add_data_func(path, GINT_TO_POINTER((int)i), attack);
	}
	return g_test_run();
}
