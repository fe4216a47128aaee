/* common/seccomp.c: a program's allowlist table into a TSYNC seccomp filter (see seccomp.h). */
#include "config.h"
#include "common/seccomp.h"

#include <errno.h>
#include <unistd.h>

static int add_rule(scmp_filter_ctx ctx, const struct tsr_seccomp_rule *r)
{
	struct scmp_arg_cmp cmp[2];
	unsigned n = 0;
	uint32_t action = r->fail_errno ? SCMP_ACT_ERRNO((uint32_t)r->fail_errno) : SCMP_ACT_ALLOW;

	for (unsigned i = 0; i < 2; i++) {
		const struct tsr_seccomp_arg *a = &r->args[i];

		if (a->op != TSR_SECCOMP_UNUSED && a->index > 5)
			return -EINVAL;
		switch (a->op) {
		case TSR_SECCOMP_UNUSED:
			continue;
		case TSR_SECCOMP_MASKED_EQ:
			cmp[n++] = SCMP_CMP(a->index, SCMP_CMP_MASKED_EQ, a->mask, a->value);
			break;
		case TSR_SECCOMP_SELF_PID:
			cmp[n++] = SCMP_CMP(a->index, SCMP_CMP_EQ, (scmp_datum_t)getpid());
			break;
		default:
			return -EINVAL;
		}
	}
	return seccomp_rule_add_array(ctx, action, r->nr, n, cmp);
}

int tsr_seccomp_load(const struct tsr_seccomp_rule *rules, size_t n)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(EACCES));
	int rc = 0;

	if (!ctx) {
		errno = ENOMEM;
		return -1;
	}
	/* GLib and spice start threads before the sandbox: all of them get the filter, or none
	 * does and the load fails. */
	rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = add_rule(ctx, &rules[i]);
	if (rc == 0)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	if (rc != 0) {
		errno = rc < 0 ? -rc : ESRCH;
		return -1;
	}
	return 0;
}
