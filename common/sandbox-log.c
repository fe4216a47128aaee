/* common/sandbox-log.c: entering a program's box from its main, with the failure said in words.
 *
 * common/sandbox.c stays at the syscall edge (no logging: parts of it run between fork and
 * exec). A program that drops to its own user from main says the same three things when that
 * fails (root as the target, the drop refused, another step), so they are written once here. */
#include "config.h"
#include "common/log.h"
#include "common/sandbox.h"

#include <errno.h>
#include <string.h>

bool tsr_sandbox_enter_logged(const struct tsr_sandbox *sb, const char *who)
{
	const char *step = "?";
	bool drop;

	if (tsr_sandbox_enter(sb, &step) == 0)
		return true;
	drop = strcmp(step, "drop ids") == 0;
	if (drop && errno == EINVAL)
		tsr_err("refusing to run %s as root: --user must name an unprivileged user", who);
	else if (drop)
		tsr_err("cannot drop to uid %u gid %u: %s", (unsigned)sb->uid, (unsigned)sb->gid,
			strerror(errno));
	else
		tsr_err("sandbox: %s failed: %s", step, strerror(errno));
	return false;
}
