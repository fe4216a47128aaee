/* domains/network.c: TAP devices and nftables sets that keep domains apart (see network.h). */
#include "config.h"

#include "domains/network.h"

#include <string.h>
#include <unistd.h>

#include "common/log.h"

#define NFT_TABLE "tessera_domains"

static const char ruleset[] =
	"table inet " NFT_TABLE " {\n"
	"  set isolated_ifs { type ifname; }\n"
	"  set user_uids { type uid; }\n"
	"  chain input { type filter hook input priority -10; policy accept;\n"
	"    iifname @isolated_ifs drop; }\n"
	"  chain forward { type filter hook forward priority -10; policy accept;\n"
	"    iifname @isolated_ifs drop; oifname @isolated_ifs drop; }\n"
	"  chain output { type filter hook output priority -10; policy accept;\n"
	"    meta skuid @user_uids fib daddr type local reject; }\n"
	"}\n";

char *tsr_network_tap_name(const char *domain)
{
	char *sum = g_compute_checksum_for_string(G_CHECKSUM_SHA256, domain, -1);
	char *name = g_strdup_printf("tsr%.8s", sum);
	g_free(sum);
	return name;
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

static bool ensure_table(struct tsr_backend *b, GError **error)
{
	char *list[] = { b->nft, "list", "table", "inet", NFT_TABLE, NULL };
	if (run(list, NULL))
		return true;
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

bool tsr_network_prepare(struct tsr_domain *d, GError **error)
{
	struct tsr_backend *b = d->backend;
	if (d->network == TSR_NETWORK_NONE)
		return true;
	if (!ensure_table(b, error))
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
	char *up[] = { "ip", "link", "set", "dev", tap, "up", NULL };
	char *quoted = g_strdup_printf("\"%s\"", tap);
	run(del, NULL); /* a leftover of a crash */
	/* The fence goes up before the device exists. */
	bool ok = set_element(b, true, "isolated_ifs", quoted, error) && run(add, error) &&
		  run(up, error);
	if (!ok)
		g_prefix_error(error, "domain %s: isolated network: ", d->name);
	g_free(quoted);
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
