/* tests/unit/kiosk-screens-test.c: each kiosk screen, drawn from a real session driven by the
 * fake broker, matches its reference image on the headless output (clock fixed at 12:00, time
 * from the fake clock, so the starting progress bar stands still). Also: clicks land on the
 * tiles and fields that were drawn, and while any trusted screen is up no domain is hit.
 *
 * Regenerate with `tests/unit/kiosk-screens-test --regenerate` and look at every PNG
 * (tests/reference/kiosk-*.png; doc/user-guide.md shows them). */
#include "config.h"
#include "kiosk/screens.h"

#include "policy/policy.h"
#include "renderer/output.h"
#include "renderer/png.h"
#include "renderer/demo-pattern.h"
#include "tests/harness/image-compare.h"
#include "tests/unit/kiosk-fake-broker.h"

#include <linux/input-event-codes.h>
#include <string.h>
#include <unistd.h>

#define W 1024
#define H 640

struct rig {
	struct fx f;
	struct tsr_scene *scene;
	struct tsr_output *out;
	struct tsr_kiosk_targets targets;
	struct tsr_image *surfaces[2];
	struct tsr_scene_domain *doms[2];
};

static void rig_init(struct rig *r)
{
	GError *error = NULL;

	memset(r, 0, sizeof(*r));
	fx_init(&r->f);
	r->out = tsr_output_open("headless:1024x640", &error);
	g_assert_no_error(error);
	r->scene = tsr_scene_create(W, H, &error);
	g_assert_no_error(error);
	g_assert_true(tsr_scene_set_clock(r->scene, "12:00", &error));
}

static void rig_clear(struct rig *r)
{
	tsr_scene_destroy(r->scene);
	tsr_output_destroy(r->out);
	for (int i = 0; i < 2; i++)
		tsr_image_destroy(r->surfaces[i]);
	fx_clear(&r->f);
}

/* What broker mode does for a shown domain: put its surface in the scene. */
static void show_domain(struct rig *r, int i, const char *name, enum tsr_color c,
			enum tsr_pattern p)
{
	GError *error = NULL;
	struct tsr_rect all = { 0, 0, 800, 500 };

	r->surfaces[i] = tsr_image_create(800, 500, &error);
	g_assert_no_error(error);
	tsr_pattern_fill(r->surfaces[i], p, &all);
	r->doms[i] = tsr_scene_add_domain(r->scene, name, c, &error);
	g_assert_no_error(error);
	struct tsr_pixels px = { r->surfaces[i]->pixels, 800, 500, r->surfaces[i]->stride };
	g_assert_true(tsr_scene_domain_set_surface(r->doms[i], &px, NULL, &error));
}

static void sync_desktop(struct rig *r)
{
	const char *focus = tsr_session_focus(r->f.s);

	tsr_scene_set_layout(r->scene, tsr_session_layout(r->f.s));
	for (int i = 0; i < 2; i++)
		if (r->doms[i] && focus && strcmp(tsr_scene_domain_name(r->doms[i]), focus) == 0)
			tsr_scene_set_focus(r->scene, r->doms[i]);
}

static void check(struct rig *r, const char *name)
{
	GError *error = NULL;
	g_autofree char *message = NULL;
	int n = 0;

	sync_desktop(r);
	g_assert_true(tsr_kiosk_screens_draw(r->scene, r->f.s, &r->targets, &error));
	g_assert_no_error(error);
	const struct tsr_rect *rects = tsr_scene_compose(r->scene, &n);
	g_assert_true(tsr_output_present(r->out, tsr_scene_shadow(r->scene), rects, n, &error));
	g_assert_no_error(error);
	g_autofree char *dir = g_dir_make_tmp("tsr-kiosk-XXXXXX", &error);
	g_autofree char *path = g_build_filename(dir, "shot.png", NULL);
	g_assert_true(tsr_output_screenshot(r->out, path, &error));
	struct tsr_image *shot = tsr_png_read(path, &error);
	g_assert_no_error(error);
	unlink(path);
	rmdir(dir);
	if (!tsr_reference_check(shot, name, 3, &message))
		g_test_message("%s", message);
	g_assert_null(message);
	tsr_image_destroy(shot);
	/* Frames complete at once on an unpaced headless output. */
	g_assert_true(tsr_output_dispatch(r->out, &error));
}

static void assert_no_domain_anywhere(struct rig *r)
{
	for (int y = 0; y < H; y += 7)
		for (int x = 0; x < W; x += 7) {
			enum tsr_hit hit = tsr_scene_hit_test(r->scene, x, y, NULL);
			g_assert_true(hit == TSR_HIT_OVERLAY || hit == TSR_HIT_TOP_BAR);
		}
}

static struct tsr_rect target_of(struct rig *r, enum tsr_kiosk_target_kind kind, size_t index)
{
	for (size_t i = 0; i < r->targets.n; i++)
		if (r->targets.t[i].kind == kind && r->targets.t[i].index == index)
			return r->targets.t[i].rect;
	g_assert_not_reached();
}

static void test_screens(void)
{
	struct rig r;
	struct tsr_rect t;
	const struct tsr_kiosk_target *hit;
	uint32_t seq;

	rig_init(&r);
	check(&r, "kiosk-starting");
	settings(&r.f, true, 0, TSR_POLICY_CONSOLE_FULL);
	session_msg(&r.f, TSR_KIOSK_SESSION_LOGIN, NULL);
	check(&r, "kiosk-locked");
	g_assert_cmpuint(r.targets.n, ==, 0);

	g_assert_true(sas(&r.f, TSR_KIOSK_ORIGIN_LOCAL));
	type(&r.f, "alice");
	g_assert_true(key(&r.f, KEY_TAB, NULL, TSR_KIOSK_ORIGIN_LOCAL));
	type(&r.f, "secret");
	check(&r, "kiosk-login");
	/* A click on the user name field puts the cursor there. */
	t = target_of(&r, TSR_KIOSK_TARGET_FIELD, 0);
	hit = tsr_kiosk_targets_hit(&r.targets, t.x + 3, t.y + 3);
	g_assert_nonnull(hit);
	g_assert_true(tsr_session_login_field(r.f.s, (int)hit->index, TSR_KIOSK_ORIGIN_LOCAL));
	g_assert_cmpint(tsr_session_field(r.f.s), ==, 0);
	g_assert_null(tsr_kiosk_targets_hit(&r.targets, t.x - 50, t.y - 50));
	g_assert_true(tsr_session_login_field(r.f.s, 1, TSR_KIOSK_ORIGIN_LOCAL));
	g_assert_true(key(&r.f, KEY_ENTER, NULL, TSR_KIOSK_ORIGIN_LOCAL));
	seq = brecv(&r.f, TSR_KIOSK_LOGIN, NULL);
	check(&r, "kiosk-login-checking");
	reply(&r.f, seq, TSR_KIOSK_E_DENIED, 0, "Wrong user name or password.", -1);
	type(&r.f, "se");
	check(&r, "kiosk-login-wrong");
	assert_no_domain_anywhere(&r);
	rig_clear(&r);

	/* A laptop nobody enrolled: says so, nothing to click. */
	rig_init(&r);
	settings(&r.f, true, 0, TSR_POLICY_CONSOLE_NONE);
	session_msg(&r.f, TSR_KIOSK_SESSION_NOT_ENROLLED, NULL);
	check(&r, "kiosk-not-enrolled");
	g_assert_cmpuint(r.targets.n, ==, 0);
	assert_no_domain_anywhere(&r);
	/* An enrolment disk: what it would pin, for the user to confirm; then one refused. */
	{
		struct tsr_kiosk_enrol m = { .state = TSR_KIOSK_ENROL_OFFER, .n_roots = 2 };
		tsr_kiosk_set_string(m.organization, sizeof(m.organization), "example-org");
		tsr_kiosk_set_string(m.group, sizeof(m.group), "office");
		tsr_kiosk_set_string(m.fingerprint, sizeof(m.fingerprint), "c436-8fe5-52e6-c14b");
		bsend(&r.f, &m, TSR_KIOSK_ENROL);
		check(&r, "kiosk-enrol-offer");
		g_assert_cmpuint(r.targets.n, ==, 0);
		struct tsr_kiosk_enrol no = { .state = TSR_KIOSK_ENROL_REFUSED };
		tsr_kiosk_set_string(no.text, sizeof(no.text),
				     "the enrolment file's bundle is not signed; sign it "
				     "(tessera-provision sign) and write the disk again");
		bsend(&r.f, &no, TSR_KIOSK_ENROL);
		check(&r, "kiosk-enrol-refused");
	}
	rig_clear(&r);

	/* Booted from the image's stick: the offer to install, its progress and its end. */
	rig_init(&r);
	settings(&r.f, true, 0, TSR_POLICY_CONSOLE_NONE);
	session_msg(&r.f, TSR_KIOSK_SESSION_INSTALL, NULL);
	{
		static const struct {
			enum tsr_kiosk_install_state state;
			const char *text, *ref;
		} steps[] = {
			{ TSR_KIOSK_INSTALL_OFFER, "", "kiosk-install-offer" },
			{ TSR_KIOSK_INSTALL_RUNNING,
			  "[3/5] the root: 812 MiB of files into 243968 MiB", "kiosk-install-running" },
			{ TSR_KIOSK_INSTALL_FAILED,
			  "refused: /dev/nvme0n1 is in use (mounted, swap, or held by another device): "
			  "unmount it first", "kiosk-install-failed" },
			{ TSR_KIOSK_INSTALL_DONE,
			  "Installed onto nvme0n1. Remove the USB stick: this laptop now turns off, "
			  "then starts from its own disk.", "kiosk-install-done" },
		};
		struct tsr_kiosk_install m = { .size_bytes = 256060514304ull };
		tsr_kiosk_set_string(m.disk, sizeof(m.disk), "nvme0n1");
		tsr_kiosk_set_string(m.model, sizeof(m.model), "SAMSUNG MZVLB256HBHQ-000L7");
		for (size_t i = 0; i < G_N_ELEMENTS(steps); i++) {
			m.state = steps[i].state;
			tsr_kiosk_set_string(m.text, sizeof(m.text), steps[i].text);
			bsend(&r.f, &m, TSR_KIOSK_INSTALL);
			if (i == 0)
				type(&r.f, "nvme");
			check(&r, steps[i].ref);
			g_assert_cmpuint(r.targets.n, ==, 0);
			assert_no_domain_anywhere(&r);
		}
	}
	rig_clear(&r);

	/* The picker: three domains, one starting. */
	rig_init(&r);
	log_in(&r.f);
	{
		struct tsr_kiosk_notify n = { .kind = TSR_KIOSK_NOTE_POLICY_EXPIRES };
		tsr_kiosk_set_string(n.text, sizeof(n.text),
				     "This laptop's policy expires in 3 day(s): connect to the network.");
		bsend(&r.f, &n, TSR_KIOSK_NOTIFY);
	}
	check(&r, "kiosk-picker");
	/* Each tile's centre picks that tile; the log-out button is the last target. */
	for (size_t i = 0; i < 3; i++) {
		t = target_of(&r, TSR_KIOSK_TARGET_TILE, i);
		hit = tsr_kiosk_targets_hit(&r.targets, t.x + t.width / 2, t.y + t.height / 2);
		g_assert_nonnull(hit);
		g_assert_cmpuint(hit->index, ==, i);
		g_assert_cmpint(hit->kind, ==, TSR_KIOSK_TARGET_TILE);
	}
	t = target_of(&r, TSR_KIOSK_TARGET_LOGOUT, 3);
	g_assert_cmpint(tsr_scene_hit_test(r.scene, t.x, t.y, NULL), ==, TSR_HIT_OVERLAY);
	g_assert_true(tsr_session_activate(r.f.s, 2, TSR_KIOSK_ORIGIN_LOCAL));
	brecv(&r.f, TSR_KIOSK_PICK, NULL);
	tsr_fake_clock_advance(r.f.clock, 500000);
	check(&r, "kiosk-picker-starting");

	/* The desktop: two domains tiled, a notification in the top bar. */
	rig_clear(&r);
	rig_init(&r);
	log_in(&r.f);
	show_domain(&r, 0, "work", TSR_COLOR_RED, TSR_PATTERN_BARS);
	pick(&r.f, 0);
	g_assert_true(tsr_session_show_picker(r.f.s, TSR_KIOSK_ORIGIN_LOCAL));
	show_domain(&r, 1, "personal", TSR_COLOR_GREEN, TSR_PATTERN_GRID);
	pick(&r.f, 1);
	g_assert_true(tsr_session_action(r.f.s, TSR_INPUT_ACTION_TOGGLE_LAYOUT, 0,
					       TSR_KIOSK_ORIGIN_LOCAL));
	{
		struct tsr_kiosk_notify n = { .kind = TSR_KIOSK_NOTE_DEVICE_ATTACHED };
		tsr_kiosk_set_string(n.domain, sizeof(n.domain), "work");
		tsr_kiosk_set_string(n.text, sizeof(n.text), "smartcard attached");
		bsend(&r.f, &n, TSR_KIOSK_NOTIFY);
	}
	check(&r, "kiosk-desktop");
	g_assert_cmpuint(r.targets.n, ==, 0);
	g_assert_false(tsr_scene_has_overlay(r.scene));

	/* The lock screen hides both domains completely. */
	g_assert_true(sas(&r.f, TSR_KIOSK_ORIGIN_LOCAL));
	brecv(&r.f, TSR_KIOSK_LOCK, NULL);
	session_msg(&r.f, TSR_KIOSK_SESSION_LOCKED, "alice");
	check(&r, "kiosk-lock");
	assert_no_domain_anywhere(&r);
	g_assert_true(sas(&r.f, TSR_KIOSK_ORIGIN_LOCAL));
	type(&r.f, "pass");
	check(&r, "kiosk-unlock");
	assert_no_domain_anywhere(&r);
	rig_clear(&r);
}

static void test_targets_reject(void)
{
	struct tsr_kiosk_targets none = { .n = 0 };
	struct rig r;

	g_assert_null(tsr_kiosk_targets_hit(&none, 10, 10));
	g_assert_null(tsr_kiosk_targets_hit(NULL, 10, 10));
	/* On the locked screen nothing is clickable, and field clicks are refused. */
	rig_init(&r);
	settings(&r.f, true, 0, TSR_POLICY_CONSOLE_NONE);
	session_msg(&r.f, TSR_KIOSK_SESSION_LOGIN, NULL);
	g_assert_true(tsr_kiosk_screens_draw(r.scene, r.f.s, &r.targets, NULL));
	g_assert_cmpuint(r.targets.n, ==, 0);
	g_assert_false(tsr_session_login_field(r.f.s, 0, TSR_KIOSK_ORIGIN_LOCAL));
	g_assert_false(tsr_session_select(r.f.s, 0, TSR_KIOSK_ORIGIN_LOCAL));
	rig_clear(&r);
}

int main(int argc, char **argv)
{
	tsr_reference_parse_args(&argc, argv);
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/kiosk/screens/each-screen-matches-its-reference", test_screens);
	g_test_add_func("/kiosk/screens/nothing-clickable-where-nothing-is-drawn", test_targets_reject);
	return g_test_run();
}
