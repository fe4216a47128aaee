/* broker/audit-ids.c: the journal MESSAGE_ID of each audit event type (see journal.h).
 *
 * Fixed 128-bit ids, as systemd's catalog uses, so a query or a rule in the organisation's log
 * shipping names an event type by an id that never changes with the wording of the message.
 * An id is never reused or changed once released; a new event type gets a new one
 * (`systemd-id128 new`). doc/broker.md, "Journal", lists the same table (a test compares). */
#include "config.h"
#include "broker/journal.h"

#include <string.h>

static const char *const ids[][2] = {
	{ "admin-attach", "d7d566444fab48f5be0da996fd1d7ce4" },
	{ "admin-detach", "446ee203326f470aa2aa6bf5ddef5046" },
	{ "audit-torn", "56ddbad575354de5899b819b11639881" },
	{ "broker-start", "13e029378167415c988e73fd239da232" },
	{ "broker-stop", "554e4e72b18f4dc8b6caa0f90c0fca4a" },
	{ "clipboard", "184f8cbab8cc49bd9a0711bc3e3eb351" },
	{ "console-crashed", "5a1527e3e2774b88a13a15c143bd82b9" },
	{ "console-failed", "3704bf085a004017806924b2240c9ddd" },
	{ "console-start", "def8e6c3d2a94602b3d3d6af8f5ba935" },
	{ "control", "22a710ba011340aaa57e102d5925890a" },
	{ "control-refused", "fa3b1e7aeedd40749655bba7c2813c4a" },
	{ "device-attach-failed", "3b1becffa27041c98222c9dd9a390a11" },
	{ "device-attached", "7e9cd6ed5bca4565bdab841819426b59" },
	{ "device-decision", "a9c80f44e8b543c39a23f4c21999b5e9" },
	{ "device-detached", "a938ac40a7b84f2d88590d44bac26b07" },
	{ "device-lock-detach", "0e1edea0ef8c4a30b950434f9a4fe3f2" },
	{ "device-released", "644a0135e631407fbc18d3592d26ad27" },
	{ "device-removed", "a6075351bfa14c68b2e541083850aff2" },
	{ "device-reset", "ff191b07c921455f979c1a5a67f14e29" },
	{ "domain-pause", "eee57bf4cdd04774ac2e765d942e9988" },
	{ "domain-preload", "6c5fae7ead54425dbb21531090371370" },
	{ "domain-preload-failed", "4c174e87b2df45648dce069b5e5b7ba3" },
	{ "domain-preloaded", "771fe4789c8d4062b74bf7afd0598745" },
	{ "domain-removed", "cd4e3b4a817940f997ecc62718d25c74" },
	{ "domain-resume", "1bfd29b846b7416f868f11496cde7ad1" },
	{ "domain-start", "71e17603553649fdb7884cd84fce5c01" },
	{ "domain-start-failed", "03d451a7a8f64dec9601b2ffd11dfb81" },
	{ "domain-state", "33e5407dd1d441fd99a4bafa56cefa73" },
	{ "domain-stop", "624bce601bb24477b9d9e74803369cdb" },
	{ "domain-unavailable", "85f7138696f440b3a1535f6ffd84958e" },
	{ "enrol-declined", "d822cfaa2d5a4ad9b621b8fb47fffa60" },
	{ "enrol-disk-removed", "daa83d751171424591e2e2363da63424" },
	{ "enrol-failed", "d4ebd9ce003247529f630bc37a62b388" },
	{ "enrol-offered", "666237b4cd8941bab6e3abe51ac79764" },
	{ "enrol-refused", "0ee13b3553e144658a52aadf0485b255" },
	{ "enrolled", "5ad947141da848ff8fca447c2447068a" },
	{ "focus", "d562f04bdc99464f827310ed64d66b5f" },
	{ "install-confirmed", "1c24a1c1569d4594a6ed43aa1284dc84" },
	{ "install-declined", "c4f8d13ed6574dc0b9ac893caf69887f" },
	{ "install-done", "af6ba83c7bb84efba84d01bab80a7545" },
	{ "install-failed", "fa2d8e97454f4b8ba84ec635a6945450" },
	{ "install-offered", "27d64cb9efeb41d298384a7262319ec5" },
	{ "kiosk-cgroup-killed", "a2ebca1c1edb4151869e69299c70b97f" },
	{ "kiosk-devices-revoked", "de630d5bc92644aab3c45b87daf6b237" },
	{ "kiosk-exit", "f90d87dadc3e459d9fe0cd66f46b7675" },
	{ "kiosk-failed", "f6878a2a30a549998b17cfafbf4608d7" },
	{ "kiosk-refused", "80cd8c2a2abf43609a930a129ee72d8f" },
	{ "kiosk-start", "50bb93d301ab412a9992e0d5f60b5f65" },
	{ "lease-ended", "fb1db1e367224bdb9cd14f3dd4e854d4" },
	{ "lid", "66140915e8eb42339694840b124903bf" },
	{ "login", "90cea771348049509f53de240db53220" },
	{ "logind-inhibit-failed", "cfa33dd2735f46fb84e608e69414fb2c" },
	{ "logout", "b806e6c50cbd48f28191677719ff8891" },
	{ "pick", "74d6a4c48ad14f9bb6ba5824db0009dc" },
	{ "policy-loaded", "33b224f478a443f8a01133b3d65e964c" },
	{ "policy-missing", "9990a58ab37c43489f27901a575b53bb" },
	{ "policy-reload-failed", "751e7c2ddfad426294c429d81fd0cd1c" },
	{ "policy-reloaded", "8841a84ef9964057963e6920fd93c6d0" },
	{ "refused", "8e4999161c304faf9348ec0993c1e226" },
	{ "session", "7e65a1b504f9417397ad2d1e58b8cfba" },
	{ "sleep-unprepared", "ff4e9b5adabf440abfb3330e2c68ff0c" },
	{ "suspend", "d186f0ee0462479fb62a7818b57091ed" },
	{ "suspend-unavailable", "d72ec9ddaaa8454a8314d4798103e60c" },
	{ "unlock", "a6798c1abee54c5db2ecc90257b4de0e" },
	{ "usb-ready", "1e204f9d1be74ad7973170810808b77d" },
	{ "viewer-failed", "0fd9ff8fcfa544b887ab8067a9eb0389" },
	{ "viewer-start", "531c48e6c0d04aa89058bc94472efdbf" },
	{ "wake", "478b6a08f3a844d28cfcaa006f0615df" },
	{ "other", "fd2f16c26bba48568709eab82330b75a" },
};

const char *tsr_audit_message_id(const char *event)
{
	for (size_t i = 0; i < G_N_ELEMENTS(ids); i++)
		if (strcmp(ids[i][0], event) == 0)
			return ids[i][1];
	return ids[G_N_ELEMENTS(ids) - 1][1];
}

const char *const (*tsr_audit_message_ids(size_t *n))[2]
{
	*n = G_N_ELEMENTS(ids);
	return ids;
}
