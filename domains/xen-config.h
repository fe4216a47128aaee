/* domains/xen-config.h: the xl.cfg(5) file the xen backend writes for an HVM domain, and the
 * parser for `xl list -l`, kept apart from the backend so both are tested offline.
 *
 * Every key the generator can write is in tsr_xen_config_keys; a test checks that list against
 * the keys xl.cfg(5) documents and parses every generated file with libxlutil. */
#ifndef TSR_DOMAINS_XEN_CONFIG_H
#define TSR_DOMAINS_XEN_CONFIG_H

#include <glib.h>
#include <stdbool.h>

struct tsr_xen_config_input {
	const char *name;
	unsigned memory_mb, vcpus;
	const char *kernel, *ramdisk, *cmdline; /* direct boot; NULL kernel: SeaBIOS boots */
	const char *disk;        /* qcow2 overlay, or NULL */
	const char *cdrom;       /* install media (raw ISO), booted first by SeaBIOS, or NULL */
	const char *serial;      /* file for the guest's serial port */
	const char *spice;       /* SPICE unix socket path */
	const char *dm_user;     /* device_model_user: the domain's own user name */
	const char *bridge;      /* the domain's own bridge for its vif, or NULL for no network */
	const char *vifname;     /* the vif's name in dom0 (the emulated NIC's: NAME-emu), or NULL */
};

/* Every key tsr_xen_config_generate can write, NULL-terminated. */
extern const char *const tsr_xen_config_keys[];

/* The xl.cfg text, or NULL with an error naming the value that cannot be written safely (a
 * quote, backslash, comma in a path, or a newline). Caller frees. */
char *tsr_xen_config_generate(const struct tsr_xen_config_input *in, GError **error)
	__attribute__((warn_unused_result));

struct tsr_xen_domain_info {
	char *name;
	long domid;
	char *type;      /* "hvm", "pv", "pvh" */
	long long max_memkb;
};

/* xl's JSON is a few levels deep; anything deeper than this is refused before parsing. */
#define TSR_XEN_LIST_DEPTH_MAX 64

/* Parse `xl list -l` output: an array of {"domid": N, "config": {"c_info": {"name": ...,
 * "type": ...}, "b_info": {...}}}. Returns a GPtrArray of struct tsr_xen_domain_info (free
 * with g_ptr_array_unref), or NULL with an error saying what was malformed. */
GPtrArray *tsr_xen_parse_list(const char *json, gssize len, GError **error)
	__attribute__((warn_unused_result));

/* Parse plain `xl list` output for one domain's state flags ("r-----", "--p---", ...): the
 * state letter set into *flags (r b p s c d), the domid into *domid. false when name is not
 * listed. */
bool tsr_xen_parse_state(const char *text, const char *name, char flags[7], long *domid);

#endif
