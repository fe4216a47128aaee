/* broker/enrol.c: enrolment from a removable disk labelled TSR-ENROL, while the laptop has no
 * trusted.keys (doc/laptop-image.md, "Enrolment").
 *
 * Every few seconds while not enrolled the broker looks for such a disk (udev's label, or the
 * file --enrol-disk names in tests) and reads a new one through the sandboxed reader
 * (enrol-read.c). What the disk says is then checked here as an install checks a bundle: the
 * roots it names must be those pinned into the image (--enrol-pins, when the image pins any),
 * and the bundle must pass every check of provisioning/install.h against the trust it would
 * pin, with nothing written. Only then does the kiosk show organization, group and the root
 * key's fingerprint on its trusted screen (ENROL OFFER); a refusal is shown with its reason
 * and changes nothing. Nothing is written before the user's yes; then the bundle is installed
 * and trusted.keys written atomically last, the moment the laptop is enrolled, and the broker
 * loads the policy and offers the login. Each step is audited. */
#include "config.h"
#include "broker/broker-private.h"
#include "common/log.h"
#include "policy/enrol.h"
#include "policy/state.h"
#include "provisioning/install.h"
#include "provisioning/keys.h"

#include <libudev.h>
#include <string.h>

#define SCAN_SECONDS 2

#ifndef TSR_SYSCONFDIR
#define TSR_SYSCONFDIR "/etc"
#endif

struct brk_enrol {
	struct tsr_broker *b;
	guint timer;
	char *seen;                   /* the disk last read: not read again while it stays */
	struct tsr_enrol *offer;      /* on screen for the user's answer; NULL: none */
	struct tsr_kiosk_enrol shown; /* the last ENROL sent, again to a kiosk that restarts */
};

bool brk_enrolled(const struct tsr_broker *b)
{
	g_autofree char *path = g_build_filename(b->state_dir, TSR_STATE_TRUSTED_KEYS, NULL);

	return b->cfg.policy_dir || g_file_test(path, G_FILE_TEST_EXISTS);
}

static void show(struct brk_enrol *e, enum tsr_kiosk_enrol_state state, const char *text)
{
	struct tsr_kiosk_enrol m = { .state = state };

	if (state == TSR_KIOSK_ENROL_OFFER) {
		m.n_roots = (uint32_t)e->offer->n_roots;
		tsr_kiosk_set_string(m.organization, sizeof(m.organization), e->offer->organization);
		tsr_kiosk_set_string(m.group, sizeof(m.group), e->offer->group);
		tsr_key_fingerprint(e->offer->roots[0], m.fingerprint);
	}
	if (state == TSR_KIOSK_ENROL_REFUSED)
		tsr_kiosk_set_string(m.text, sizeof(m.text), text);
	e->shown = m;
	/* Under the install offer it waits: the kiosk shows it once that offer is gone. */
	if (!brk_install_showing(e->b->install))
		brk_kiosk_send(e->b, &m, TSR_KIOSK_ENROL, -1);
}

static void drop_offer(struct brk_enrol *e)
{
	tsr_enrol_free(e->offer);
	e->offer = NULL;
}

/* The installer's checks against the trust the disk would pin; nothing is written. */
static bool check_as_install(struct brk_enrol *e, const struct tsr_enrol *d, GError **error)
{
	struct tsr_trust *trust = tsr_enrol_trust(d);
	struct tsr_install_options o = { .state_dir = e->b->state_dir, .broker_socket = "",
					 .kiosk_check = tsr_policy_kiosk_check, .trust = trust,
					 .check_only = true };
	struct tsr_install_result r;
	bool ok = tsr_install_bundle(d->bundle, d->bundle_len, &o, &r, error);

	if (ok)
		tsr_install_result_clear(&r);
	tsr_trust_free(trust);
	return ok;
}

static bool check_pins(struct brk_enrol *e, const struct tsr_enrol *d, GError **error)
{
	g_autofree char *path = e->b->cfg.enrol_pins
					? g_strdup(e->b->cfg.enrol_pins)
					: g_build_filename(TSR_SYSCONFDIR, "tessera", "enrol-roots", NULL);
	g_autofree uint8_t (*pins)[TSR_KEY_PUBLIC_BYTES] = NULL;
	size_t n = 0;

	return tsr_enrol_read_pins(path, &pins, &n, error) &&
	       tsr_enrol_verify(d, (const uint8_t(*)[TSR_KEY_PUBLIC_BYTES])pins, n, error);
}

static void refuse(struct brk_enrol *e, const char *device, const char *why)
{
	tsr_warn("enrolment disk %s refused: %s", device, why);
	brk_audit(e->b, "enrol-refused", "device", device, "reason", why, NULL);
	show(e, TSR_KIOSK_ENROL_REFUSED, why);
}

static void read_disk(struct brk_enrol *e, const char *device)
{
	g_autofree char *why = NULL;
	g_autoptr(GError) error = NULL;
	struct tsr_enrol *d = brk_enrol_read(e->b, device, &why);
	char fp[20];

	g_free(e->seen);
	e->seen = g_strdup(device);
	drop_offer(e);
	if (!d) {
		refuse(e, device, why);
		return;
	}
	if (!check_pins(e, d, &error) || !check_as_install(e, d, &error)) {
		refuse(e, device, error->message);
		tsr_enrol_free(d);
		return;
	}
	e->offer = d;
	tsr_key_fingerprint(d->roots[0], fp);
	brk_audit(e->b, "enrol-offered", "device", device, "organization", d->organization, "group",
		  d->group, "root", fp, NULL);
	show(e, TSR_KIOSK_ENROL_OFFER, NULL);
}

/* The first block device udev knows with the label (a partition or a whole disk). */
static char *find_labelled(void)
{
	struct udev *u = udev_new();
	struct udev_enumerate *en = u ? udev_enumerate_new(u) : NULL;
	struct udev_list_entry *l;
	char *found = NULL;

	if (en && udev_enumerate_add_match_subsystem(en, "block") >= 0 &&
	    udev_enumerate_add_match_property(en, "ID_FS_LABEL", TSR_ENROL_LABEL) >= 0 &&
	    udev_enumerate_scan_devices(en) >= 0) {
		udev_list_entry_foreach(l, udev_enumerate_get_list_entry(en)) {
			struct udev_device *dev =
				udev_device_new_from_syspath(u, udev_list_entry_get_name(l));
			const char *node = dev ? udev_device_get_devnode(dev) : NULL;
			if (node && !found)
				found = g_strdup(node);
			if (dev)
				udev_device_unref(dev);
		}
	}
	if (en)
		udev_enumerate_unref(en);
	if (u)
		udev_unref(u);
	return found;
}

static gboolean scan(gpointer data)
{
	struct brk_enrol *e = data;
	g_autofree char *device = NULL;

	if (brk_enrolled(e->b)) {
		e->timer = 0;
		return G_SOURCE_REMOVE;
	}
	if (e->b->cfg.enrol_disk)
		device = g_file_test(e->b->cfg.enrol_disk, G_FILE_TEST_EXISTS)
				 ? g_strdup(e->b->cfg.enrol_disk)
				 : NULL;
	else if (e->b->cfg.enrol_udev)
		device = find_labelled();
	if (g_strcmp0(device, e->seen) == 0)
		return G_SOURCE_CONTINUE;
	if (!device) {
		/* The disk went: what it offered goes with it. */
		brk_audit(e->b, "enrol-disk-removed", "device", e->seen, NULL);
		g_clear_pointer(&e->seen, g_free);
		drop_offer(e);
		show(e, TSR_KIOSK_ENROL_NONE, NULL);
		return G_SOURCE_CONTINUE;
	}
	read_disk(e, device);
	return G_SOURCE_CONTINUE;
}

struct brk_enrol *brk_enrol_create(struct tsr_broker *b)
{
	struct brk_enrol *e = g_new0(struct brk_enrol, 1);

	e->b = b;
	if (!brk_enrolled(b))
		e->timer = g_timeout_add_seconds(SCAN_SECONDS, scan, e);
	return e;
}

void brk_enrol_destroy(struct brk_enrol *e)
{
	if (!e)
		return;
	if (e->timer)
		g_source_remove(e->timer);
	drop_offer(e);
	g_free(e->seen);
	g_free(e);
}

void brk_enrol_kiosk_started(struct brk_enrol *e)
{
	if (e && !brk_enrolled(e->b) && e->shown.state != TSR_KIOSK_ENROL_NONE) {
		struct tsr_kiosk_enrol m = e->shown;
		brk_kiosk_send(e->b, &m, TSR_KIOSK_ENROL, -1);
	}
}

/* Install the bundle, then pin: trusted.keys is written last and atomically, so a laptop cut
 * off in between is still not enrolled and takes the same disk again (the bundle then installs
 * as "unchanged"). */
static bool commit(struct brk_enrol *e, GError **error)
{
	const struct tsr_enrol *d = e->offer;
	struct tsr_trust *trust = tsr_enrol_trust(d);
	struct tsr_install_options o = { .state_dir = e->b->state_dir, .broker_socket = "",
					 .kiosk_check = tsr_policy_kiosk_check, .trust = trust };
	struct tsr_install_result r;
	g_autofree char *path = g_build_filename(e->b->state_dir, TSR_STATE_TRUSTED_KEYS, NULL);
	size_t len = 0;
	g_autofree char *text = tsr_enrol_trust_text(d, &len);
	bool ok = tsr_install_bundle(d->bundle, d->bundle_len, &o, &r, error);

	tsr_trust_free(trust);
	if (!ok)
		return false;
	tsr_install_result_clear(&r);
	return tsr_write_file_atomic(path, text, len, TSR_STATE_FILE_MODE, error);
}

enum tsr_kiosk_status brk_enrol_answer(struct brk_enrol *e,
				       const struct tsr_kiosk_enrol_answer *m, char **message)
{
	g_autoptr(GError) error = NULL;
	char fp[20];

	*message = NULL;
	if (!e || !e->offer || brk_enrolled(e->b)) {
		*message = g_strdup("No enrolment disk is waiting for an answer.");
		return TSR_KIOSK_E_STATE;
	}
	tsr_key_fingerprint(e->offer->roots[0], fp);
	if (!m->accept) {
		brk_audit(e->b, "enrol-declined", "device", e->seen, "organization",
			  e->offer->organization, "root", fp, NULL);
		drop_offer(e);
		show(e, TSR_KIOSK_ENROL_REFUSED, "Enrolment declined: nothing was changed. Remove the disk.");
		return TSR_KIOSK_OK;
	}
	if (!commit(e, &error)) {
		brk_audit(e->b, "enrol-failed", "device", e->seen, "reason", error->message, NULL);
		*message = g_strdup_printf("Enrolment failed: %s", error->message);
		return TSR_KIOSK_E_FAILED;
	}
	brk_audit(e->b, "enrolled", "device", e->seen, "organization", e->offer->organization,
		  "group", e->offer->group, "root", fp, NULL);
	tsr_info("enrolled from %s: %s/%s, root %s", e->seen, e->offer->organization,
		 e->offer->group, fp);
	drop_offer(e);
	e->shown = (struct tsr_kiosk_enrol){ 0 };
	if (e->timer) {
		g_source_remove(e->timer);
		e->timer = 0;
	}
	if (!tsr_broker_reload(e->b, &error)) {
		tsr_err("enrolled, but the policy does not load: %s", error->message);
		brk_session_on_kiosk_start(e->b); /* the login screen, without a policy */
	}
	return TSR_KIOSK_OK;
}
