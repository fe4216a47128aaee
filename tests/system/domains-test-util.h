/* tests/system/domains-test-util.h: what the domain backend tests share: their temporary
 * directory and the processes they started (never left running), a field of a process's
 * status, the guest image (built once, cached), a bounded wait for a line on a guest's serial
 * log, and a minimal SPICE client that sees a domain's primary surface and types into it. */
#ifndef TSR_TESTS_DOMAINS_TEST_UTIL_H
#define TSR_TESTS_DOMAINS_TEST_UTIL_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* A test's start: processes given to test_track are killed (SIGKILL) if the test dies on a
 * failed assertion, a timeout or ^C, so that a failure never leaves guests running on a shared
 * machine; returns a new temporary directory (0755, so that the domains' users reach it) named
 * after tmp_template ("tsr-qemu-XXXXXX"). */
char *test_begin(const char *tmp_template);
/* Up to 16 processes are remembered; pid <= 0 is ignored. */
void test_track(pid_t pid);
/* A test's end: removes tmpdir (kept when TSR_KEEP_TMP is set); rc, or 1 if it could not. */
int test_end(int rc, const char *tmpdir);

/* The value of field ("Uid:", "Groups:") in /proc/PID/status, stripped; the test fails when
 * there is none. Free with g_free. */
char *proc_status_field(long pid, const char *field);

struct guest_image {
	char *dir, *kernel, *initrd, *template_path, *template_sha256;
	uint64_t template_size;
};

/* The NSS database of the emulated smart card in dir (tests/system/card-db). */
void card_db_make(const char *dir);

/* Builds (or reuses) the image under TSR_BUILDDIR/guest-image. false + message on failure. */
bool guest_image_get(struct guest_image *img, char **why);

/* Wait (inotify on the file, bounded by timeout_ms) until the file contains needle after
 * offset *from (updated past the match). Carriage returns are ignored. Runs the default main
 * context meanwhile. */
bool wait_for_text(const char *path, const char *needle, gsize *from, unsigned timeout_ms);

struct spice_probe;
/* socket_path: a unix socket path, or tcp:HOST:PORT. */
struct spice_probe *spice_probe_connect(const char *socket_path, char **why);
void spice_probe_free(struct spice_probe *p);
/* Wait until the primary surface holds text drawn by guest-hello's font at (x, y, scale). */
bool spice_probe_wait_text(struct spice_probe *p, int x, int y, int scale, const char *text,
			   unsigned timeout_ms);
/* Wait until the guest has drawn something: a primary surface not all black. */
bool spice_probe_wait_frame(struct spice_probe *p, unsigned timeout_ms);
/* Wait until the guest's own display driver has drawn: a frame in a graphics mode of at least
 * 800x600 (the firmware's text mode is smaller); its size in width, height. */
bool spice_probe_wait_graphics(struct spice_probe *p, int *width, int *height,
			       unsigned timeout_ms);
/* Wait until the client mouse mode is active (the USB tablet). */
bool spice_probe_wait_client_mouse(struct spice_probe *p, unsigned timeout_ms);
/* Wait until the inputs channel is open: keys sent before it are lost. */
bool spice_probe_wait_inputs(struct spice_probe *p, unsigned timeout_ms);
void spice_probe_key(struct spice_probe *p, unsigned scancode);
/* Presses and releases each of text's characters (a-z, 0-9, space: the keys guest-hello
 * draws as themselves) as the viewer does; false, with nothing sent, for any other. */
bool spice_probe_type(struct spice_probe *p, const char *text);
void spice_probe_click(struct spice_probe *p, int x, int y);
bool spice_probe_save_ppm(struct spice_probe *p, const char *path);

#endif
