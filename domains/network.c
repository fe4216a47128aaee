/* domains/network.c: TAP devices and nftables sets that keep domains apart (see network.h). */
#include "config.h"

#include "domains/network.h"

#include <string.h>
#include <unistd.h>

#include "common/log.h"

#define NFT_TABLE "tessera_domains"

/* An isolated domain's link carries nothing between it and dom0, either way: input and output
 * drop it (dom0's kernel would otherwise send its IPv6 router solicitations, MLD reports and
 * duplicate address probes, which carry dom0's MAC-derived address, into every such link), and
 * forwarding drops it to and from any other link.
 *
 * Loaded before each domain's network is made, as one transaction: the table, sets and chains
 * are declared (nothing happens where they exist, and the sets keep their elements), then each
 * chain is flushed and given its rules. So a table left by an older broker (nft tables live
 * until reboot, packages are upgraded while the laptop runs) gets today's rules, and at no
 * moment does a chain stand empty. */
static const char ruleset[] =
	"table inet " NFT_TABLE " {\n"
	"  set isolated_ifs { type ifname; }\n"
	"  set user_uids { type uid; }\n"
	"  chain input { type filter hook input priority -10; policy accept; }\n"
	"  chain forward { type filter hook forward priority -10; policy accept; }\n"
	"  chain output { type filter hook output priority -10; policy accept; }\n"
	"}\n"
	"flush chain inet " NFT_TABLE " input\n"
	"flush chain inet " NFT_TABLE " forward\n"
	"flush chain inet " NFT_TABLE " output\n"
	"add rule inet " NFT_TABLE " input iifname @isolated_ifs drop\n"
	"add rule inet " NFT_TABLE " forward iifname @isolated_ifs drop\n"
	"add rule inet " NFT_TABLE " forward oifname @isolated_ifs drop\n"
	"add rule inet " NFT_TABLE " output oifname @isolated_ifs drop\n"
	"add rule inet " NFT_TABLE " output meta skuid @user_uids fib daddr type local reject\n";

/* prefix + the first 8 hex digits of the name's sha256: at most 12 characters, so the xen
 * device model's "-emu" suffix still fits IFNAMSIZ. */
static char *hashed_name(const char *prefix, const char *domain)
{
	char *sum = g_compute_checksum_for_string(G_CHECKSUM_SHA256, domain, -1);
	char *name = g_strdup_printf("%s%.8s", prefix, sum);
	g_free(sum);
	return name;
}

char *tsr_network_tap_name(const char *domain)
{
	return hashed_name("tsr", domain);
}

char *tsr_network_bridge_name(const char *domain)
{
	return hashed_name("tsrb", domain);
}

static bool run(char **argv, GError **error)
{
	char *err = NULL;
	int status = 0;
	if (!g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL,
			  NULL, NULL, &err, &status, error))
		return false;
	bool ok = g_spawn_check_wait_status(status, NULL);
	if (!ok) {
		char *cmd = g_strjoinv(" ", argv);
		g_set_error(error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_FAILED, "%s failed: %s",
			    cmd, err ? g_strstrip(err) : "");
		g_free(cmd);
	}
	g_free(err);
	return ok;
}

static bool load_ruleset(struct tsr_backend *b, GError **error)
{
	char *path = NULL;
	int fd = g_file_open_tmp("tsr-nft-XXXXXX", &path, error);
	if (fd < 0)
		return false;
	close(fd);
	bool ok = g_file_set_contents(path, ruleset, -1, error);
	char *load[] = { b->nft, "-f", path, NULL };
	ok = ok && run(load, error);
	unlink(path);
	g_free(path);
	if (!ok)
		g_prefix_error(error, "setting up the nftables rules that keep domains apart: ");
	return ok;
}

static bool set_element(struct tsr_backend *b, bool add, const char *set, const char *value,
			GError **error)
{
	char *elem = g_strdup_printf("{ %s }", value);
	char *argv[] = { b->nft, add ? "add" : "delete", "element", "inet", NFT_TABLE,
			 (char *)set, elem, NULL };
	bool ok = run(argv, error);
	g_free(elem);
	return ok;
}

/* Every name in ifs (NULL-terminated) into isolated_ifs, in one nft command. */
static bool fence(struct tsr_backend *b, char *const *ifs, GError **error)
{
	GString *list = g_string_new(NULL);
	for (char *const *i = ifs; *i; i++)
		g_string_append_printf(list, "%s\"%s\"", list->len ? ", " : "", *i);
	bool ok = set_element(b, true, "isolated_ifs", list->str, error);
	g_string_free(list, TRUE);
	return ok;
}

/* Make device dev (del removes a leftover of a crash, add creates it) behind the fence: every
 * name in fenced goes into the set before the device exists; then dev is brought up. */
static bool make_fenced(struct tsr_domain *d, char *const *fenced, char **del, char **add,
			char *dev, GError **error)
{
	char *up[] = { "ip", "link", "set", "dev", dev, "up", NULL };
	run(del, NULL);
	bool ok = fence(d->backend, fenced, error) && run(add, error) && run(up, error);
	if (!ok)
		g_prefix_error(error, "domain %s: isolated network: ", d->name);
	return ok;
}

bool tsr_network_prepare(struct tsr_domain *d, GError **error)
{
	struct tsr_backend *b = d->backend;
	if (d->network == TSR_NETWORK_NONE)
		return true;
	if (!load_ruleset(b, error))
		return false;
	if (d->network == TSR_NETWORK_USER) {
		char *uid = g_strdup_printf("%u", (unsigned)d->uid);
		bool ok = set_element(b, true, "user_uids", uid, error);
		g_free(uid);
		return ok;
	}
	char *tap = tsr_network_tap_name(d->name);
	char *uid = g_strdup_printf("%u", (unsigned)d->uid);
	char *gid = g_strdup_printf("%u", (unsigned)d->gid);
	char *del[] = { "ip", "tuntap", "del", "dev", tap, "mode", "tap", NULL };
	char *add[] = { "ip", "tuntap", "add", "dev", tap, "mode", "tap", "user", uid, "group",
			gid, NULL };
	char *fenced[] = { tap, NULL };
	bool ok = make_fenced(d, fenced, del, add, tap, error);
	g_free(tap);
	g_free(uid);
	g_free(gid);
	return ok;
}

void tsr_network_release(struct tsr_domain *d)
{
	struct tsr_backend *b = d->backend;
	GError *error = NULL;
	if (d->network == TSR_NETWORK_USER) {
		char *uid = g_strdup_printf("%u", (unsigned)d->uid);
		if (!set_element(b, false, "user_uids", uid, &error))
			tsr_warn("domain %s: %s", d->name, error->message);
		g_free(uid);
	} else if (d->network == TSR_NETWORK_ISOLATED) {
		char *tap = tsr_network_tap_name(d->name);
		char *del[] = { "ip", "tuntap", "del", "dev", tap, "mode", "tap", NULL };
		if (!run(del, &error))
			tsr_warn("domain %s: %s", d->name, error->message);
		g_clear_error(&error);
		/* The set entry stays: a device of that name is fenced whenever it exists. */
		g_free(tap);
	}
	g_clear_error(&error);
}

bool tsr_network_prepare_xen(struct tsr_domain *d, GError **error)
{
	if (d->network != TSR_NETWORK_ISOLATED)
		return true;
	char *vif = tsr_network_tap_name(d->name);
	char *emu = g_strdup_printf("%s-emu", vif);
	char *bridge = tsr_network_bridge_name(d->name);
	char *fenced[] = { vif, emu, bridge, NULL };
	char *del[] = { "ip", "link", "del", "dev", bridge, NULL };
	char *add[] = { "ip", "link", "add", "name", bridge, "type", "bridge", NULL };
	/* The vifs appear later (xl create), already fenced. */
	bool ok = load_ruleset(d->backend, error) && make_fenced(d, fenced, del, add, bridge, error);
	g_free(vif);
	g_free(emu);
	g_free(bridge);
	return ok;
}

void tsr_network_release_xen(struct tsr_domain *d)
{
	if (d->network != TSR_NETWORK_ISOLATED)
		return;
	/* Xen took the vifs away with the domain; the set entries stay, as for a TAP. */
	char *bridge = tsr_network_bridge_name(d->name);
	char *del[] = { "ip", "link", "del", "dev", bridge, NULL };
	GError *error = NULL;
	if (!run(del, &error))
		tsr_warn("domain %s: %s", d->name, error->message);
	g_clear_error(&error);
	g_free(bridge);
}

char *tsr_network_qemu_args(struct tsr_domain *d)
{
	if (d->network == TSR_NETWORK_USER)
		return g_strdup("user,id=n0,ipv6=off");
	if (d->network == TSR_NETWORK_ISOLATED) {
		char *tap = tsr_network_tap_name(d->name);
		char *s = g_strdup_printf("tap,id=n0,ifname=%s,script=no,downscript=no", tap);
		g_free(tap);
		return s;
	}
	return NULL;
}
