/* domains/network.h: keeping domains' networks apart, for the qemu and xen backends.
 *
 * network=isolated: the domain gets its own TAP device (tsrXXXXXXXX, owned by its user, up,
 * no address, on no bridge), and nftables (table inet tessera_domains) drops anything that
 * enters dom0 or is forwarded from or to any such device: the domain reaches nothing outside
 * itself, not another domain and not a service in dom0.
 * network=user: QEMU's user-mode NAT, which would otherwise let the guest reach every service
 * on dom0's loopback through 10.0.2.2; nftables rejects every packet the domain's uid sends to
 * a local address (meta skuid + fib daddr type local).
 * The rules are created once and domains are added to and removed from two sets.
 * Under xen, network=isolated is the same fence around other devices: the domain's vif
 * (xl's vifname, the TAP name above) and its device model's emulated NIC (that name with
 * "-emu") are ports of a bridge of the domain's own (tsrbXXXXXXXX, no address, no other
 * port), and all three names are in isolated_ifs before any of them exists. */
#ifndef TSR_DOMAINS_NETWORK_H
#define TSR_DOMAINS_NETWORK_H

#include "domains/backend-private.h"

/* The TAP device name of a domain (caller frees). */
char *tsr_network_tap_name(const char *domain);
/* The xen domain's own bridge name (caller frees). */
char *tsr_network_bridge_name(const char *domain);
/* Before the device model starts: create TAP / nftables entries. */
bool tsr_network_prepare(struct tsr_domain *domain, GError **error)
	__attribute__((warn_unused_result));
/* After it stopped: remove them (errors are logged, not returned). */
void tsr_network_release(struct tsr_domain *domain);
/* xen: before xl create, the fence and the domain's bridge; after it ended, the bridge goes. */
bool tsr_network_prepare_xen(struct tsr_domain *domain, GError **error)
	__attribute__((warn_unused_result));
void tsr_network_release_xen(struct tsr_domain *domain);
/* The -netdev value for QEMU (id n0), or NULL for no network. */
char *tsr_network_qemu_args(struct tsr_domain *domain);

#endif
