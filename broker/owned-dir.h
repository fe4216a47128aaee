/* broker/owned-dir.h: a directory of root's private files, made or taken over as it must be.
 *
 * Root keeps files other uids must not read or replace (the audit log, the broker's state) in
 * directories it creates with a private mode. A directory that already exists keeps whatever
 * mode and owner it has (left by an older version, a restored backup or an administrator), so
 * creating it is not enough: this opens it without following a link in the last component,
 * refuses one another uid owns (that uid could swap the files in it), and sets the mode. */
#ifndef TSR_BROKER_OWNED_DIR_H
#define TSR_BROKER_OWNED_DIR_H

#include <sys/types.h>

/* Create path (and its parents) with mode if missing; then refuse a link (ELOOP), a
 * non-directory (ENOTDIR) or a directory whose owner is not this process's uid (EPERM), and
 * chmod it to exactly mode. Returns an O_DIRECTORY fd on it (close-on-exec), or -1 with errno. */
int brk_owned_dir_open(const char *path, mode_t mode) __attribute__((warn_unused_result));

#endif
