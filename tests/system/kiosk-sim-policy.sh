# tests/system/kiosk-sim-policy.sh: the policy source the kiosk system tests boot with (sourced).
#
# kiosk_sim_policy DIR ORG GROUP UID_BASE FULL_NAME writes into DIR one user, alice (password
# alice-pw, group staff), and two sim domains, work (red, n = 1) and personal (green, n = 2),
# whose device models run as UID_BASE + n and viewers as UID_BASE + 100 + n. The kiosk starts
# locked, wants the SAS (Ctrl+Alt+Backspace) first and has no console.
# Needs TSR_BUILDDIR (tessera-provision hashes the password). The hash is made once per build
# (kept until tessera-provision is rebuilt): a fresh salt each run would give the initramfs
# that carries the policy a new content hash, and every run would build it again (mkinitrd).
#
# kiosk_policy_conf FILE ORG GROUP DOMAINS CONSOLE writes the policy.conf every kiosk test
# uses (also tests/integration/kiosk-e2e-lib.sh): organization ORG, laptop group GROUP with
# DOMAINS (a;b;c) for group staff, console rights CONSOLE; the SAS is Ctrl+Alt+Backspace and
# needed on the lock screen, no idle lock, lockout after 5 attempts with a 1 ms delay, and the
# outputs never blanked ([power] blank-after = 0: a test slowed down by TCG that types the SAS
# after a minute on the lock screen would otherwise spend that key waking the outputs).
kiosk_policy_conf() {
    cat >"$1" <<EOT
[policy]
organization = $2
lease-grace-days = 3
max-serial-jump = 1000
[lockout]
attempts = 5
lock-seconds = 60
delay-ms = 1
[kiosk]
sas = Ctrl+Alt+Backspace
idle-lock-seconds = 0
console = $5
locked-requires-sas = true
[power]
blank-after = 0
[laptop-group $3]
domains = $4
groups = staff
EOT
}

kiosk_sim_password_hash() {
    _prov="$TSR_BUILDDIR/provisioning/tessera-provision"
    _kept="$TSR_BUILDDIR/tests/system/kiosk-sim-alice-pw.hash"
    if [ -s "$_kept" ] && [ "$_kept" -nt "$_prov" ]; then
        cat "$_kept"
        return
    fi
    mkdir -p "${_kept%/*}"
    printf 'alice-pw\n' >"$_kept.pw.$$"
    "$_prov" passwd --password-file "$_kept.pw.$$" >"$_kept.$$" || { rm -f "$_kept.pw.$$"; return 1; }
    rm -f "$_kept.pw.$$"
    mv "$_kept.$$" "$_kept" # tests running at once each write whole files
    cat "$_kept"
}

kiosk_sim_policy() {
    _dir=$1 _org=$2 _group=$3 _uid=$4 _name=$5
    mkdir -p "$_dir/domains"
    _hash=$(kiosk_sim_password_hash) || return 1
    kiosk_policy_conf "$_dir/policy.conf" "$_org" "$_group" "work;personal" none
    _i=1
    for _d in "work red" "personal green"; do
        set -- $_d
        _dm=$((_uid + _i)) _vw=$((_uid + 100 + _i))
        printf '[domain %s]\nlabel = %s\ncolour = %s\nbackend = sim\nmemory-mib = 64\ndisk = persistent\nnetwork = none\ngroups = staff\ndevice-model-uid = %s\ndevice-model-gid = %s\nviewer-uid = %s\nviewer-gid = %s\n' \
            "$1" "$1" "$2" $_dm $_dm $_vw $_vw >"$_dir/domains/$1.conf"
        _i=$((_i + 1))
    done
    printf '[user alice]\nfull-name = %s\npassword = %s\ngroups = staff\n' "$_name" "$_hash" \
        >"$_dir/users.conf"
    printf '[group staff]\ndescription = Staff\n' >"$_dir/groups.conf"
    : >"$_dir/devices.conf"
    : >"$_dir/templates.conf"
}
