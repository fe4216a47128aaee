/* common/audit-chain.c: the audit chain's line hash (see audit-chain.h). */
#include "config.h"
#include "common/audit-chain.h"

#include <glib.h>
#include <string.h>

void tsr_audit_chain_hash(const char *line, size_t len, char out[TSR_AUDIT_CHAIN_HEX + 1])
{
	g_autoptr(GChecksum) c = g_checksum_new(G_CHECKSUM_SHA256);

	g_checksum_update(c, (const guchar *)line, (gssize)len);
	memcpy(out, g_checksum_get_string(c), TSR_AUDIT_CHAIN_HEX);
	out[TSR_AUDIT_CHAIN_HEX] = '\0';
}
