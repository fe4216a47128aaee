# tests/system/lib.sh: the host side of the QEMU system-test harness (sourced by tests/system/*.sh).
#
# A system test boots Debian's kernel in QEMU (TCG, bochs-drm display, virtio keyboard and
# tablet) with a busybox initramfs carrying project programs, runs a guest script in it, and
# talks to QEMU over QMP: screendumps, key and pointer events, quit. See doc/testing.md for a
# worked example. Everything waits for events (tsr-systest wait/qmp/exit), never sleeps; each
# wait has a timeout as its failure bound.
#
#   sys_start NAME N            TAP plan of N checks; SKIPs the test when the machine lacks QEMU,
#                               a kernel or busybox
#   sys_initrd OPTIONS...       build (or reuse) the initramfs: --script GUEST.sh (required),
#                               --bin PROGRAM, --file SRC[=DST], --module KMOD (see mkinitrd)
#   sys_boot [QEMU ARGS...]     start QEMU, wait for the guest's TSR-BOOTED mark
#   sys_wait REGEX [SECONDS] [N]
#                               wait for the (Nth) line matching REGEX on the guest's marker
#                               port (guest: mark TEXT); prints it
#   sys_qmp JSON...             run QMP commands, print their return values
#   sys_screendump FILE.png     what the guest's display shows
#   sys_compare REF.png SHOT.png [compare options]
#                               per-channel compare (TSR_UPDATE_REFERENCE=1 rewrites REF when
#                               it is in tests/reference/)
#   sys_keys KEY...             press the QEMU qcodes in order, release them in reverse
#                               (sys_keys ctrl alt backspace)
#   sys_type TEXT               type lower-case letters, digits, space, '.', '-', '/', and \n
#   sys_pointer X Y [BUTTON]    absolute tablet position (0..32767), optional click
#   sys_finish [SECONDS]        wait for the guest to power off (its test script ended) and
#                               check its exit mark; quits QEMU if it does not
#   sys_check DESC CMD...       run CMD; print "ok N - DESC" or "not ok N - DESC"
#   sys_diag TEXT...            a TAP diagnostic line
# Files land in $SYS_OUT.* ($TSR_BUILDDIR/tests/system/NAME.out.*): console (guest ttyS0),
# marks (ttyS1), qemu (QEMU's stderr), screenshots, and why (what a test found out about its
# first failure; sys_done prints it last).

: "${TSR_BUILDDIR:?run system tests through make check (TSR_BUILDDIR unset)}"
: "${TSR_SRCDIR:?run system tests through make check (TSR_SRCDIR unset)}"

SYS_TOOL="$TSR_BUILDDIR/tests/system/tsr-systest"
SYS_HERE="$TSR_SRCDIR/tests/system"
SYS_N=0
SYS_FAILED=0
SYS_QEMU_PID=""
SYS_TMP=""
SYS_INITRD=""

sys_diag() {
    echo "# $*"
}

sys_check() {
    _desc=$1
    shift
    SYS_N=$((SYS_N + 1))
    if "$@"; then
        echo "ok $SYS_N - $_desc"
    else
        echo "not ok $SYS_N - $_desc"
        SYS_FAILED=$((SYS_FAILED + 1))
    fi
}

# The newest kernel in /boot that has its modules installed (TSR_SYSTEST_KERNEL=/boot/vmlinuz-V
# overrides). Prints "IMAGE VERSION".
sys_find_kernel() {
    if [ -n "${TSR_SYSTEST_KERNEL:-}" ]; then
        echo "$TSR_SYSTEST_KERNEL ${TSR_SYSTEST_KERNEL##*/vmlinuz-}"
        return 0
    fi
    for k in $(ls /boot/vmlinuz-* 2>/dev/null | sort -V -r); do
        v=${k##*/vmlinuz-}
        if [ -r "$k" ] && [ -d "/lib/modules/$v" ]; then
            echo "$k $v"
            return 0
        fi
    done
    return 1
}

sys_skip() {
    echo "1..0 # SKIP $*"
    exit 0
}

sys_cleanup() {
    if [ -n "$SYS_QEMU_PID" ] && kill -0 "$SYS_QEMU_PID" 2>/dev/null; then
        kill "$SYS_QEMU_PID" 2>/dev/null
        "$SYS_TOOL" exit --timeout 10 "$SYS_QEMU_PID" || kill -9 "$SYS_QEMU_PID" 2>/dev/null
    fi
    [ -z "$SYS_TMP" ] || rm -rf "$SYS_TMP"
}

sys_start() {
    SYS_NAME=$1
    command -v qemu-system-x86_64 >/dev/null 2>&1 ||
        sys_skip "qemu-system-x86_64 not found (Debian package qemu-system-x86)"
    _k=$(sys_find_kernel) ||
        sys_skip "no readable /boot/vmlinuz-* with modules in /lib/modules (Debian package linux-image-amd64)"
    SYS_KERNEL=${_k% *}
    SYS_KVER=${_k#* }
    [ -x /bin/busybox ] || sys_skip "busybox not found (Debian package busybox-static)"
    [ -x "$SYS_TOOL" ] || { echo "Bail out! $SYS_TOOL not built"; exit 1; }
    mkdir -p "$TSR_BUILDDIR/tests/system"
    SYS_OUT="$TSR_BUILDDIR/tests/system/$SYS_NAME.out"
    rm -f "$SYS_OUT".*
    SYS_TMP=$(mktemp -d)
    trap sys_cleanup EXIT
    trap 'exit 1' INT TERM
    echo "1..$2"
    sys_diag "kernel $SYS_KERNEL; output in $SYS_OUT.*"
}

sys_initrd() {
    SYS_INITRD=$("$SYS_HERE/mkinitrd" --kver "$SYS_KVER" --out-dir "$TSR_BUILDDIR/tests/system" \
        --name "$SYS_NAME" "$@") || { echo "Bail out! building the initramfs failed"; exit 1; }
}

# Dumps the end of the guest console into the TAP log.
sys_show_console() {
    sys_diag "last lines of the guest console ($SYS_OUT.console):"
    tail -n "${1:-40}" "$SYS_OUT.console" 2>/dev/null | sed 's/^/#   /'
    if [ -s "$SYS_OUT.qemu" ]; then
        sys_diag "QEMU said:"
        sed 's/^/#   /' "$SYS_OUT.qemu"
    fi
}

sys_boot() {
    [ -n "$SYS_INITRD" ] || { echo "Bail out! sys_boot before sys_initrd"; exit 1; }
    SYS_QMP="$SYS_TMP/qmp.sock"
    : >"$SYS_OUT.console"
    : >"$SYS_OUT.marks"
    qemu-system-x86_64 -accel tcg -m 512 -smp 1 -nodefaults -no-user-config \
        -vga none -device VGA,id=video0,vgamem_mb=64 \
        -device virtio-keyboard-pci,id=kbd0,display=video0 \
        -device virtio-tablet-pci,id=tablet0,display=video0 \
        -kernel "$SYS_KERNEL" -initrd "$SYS_INITRD" \
        -append "console=ttyS0 panic=-1 loglevel=4 no_timer_check ${SYS_APPEND:-}" \
        -display none -no-reboot -monitor none \
        -qmp "unix:$SYS_QMP,server=on,wait=off" \
        -chardev "file,id=console,path=$SYS_OUT.console" -serial chardev:console \
        -chardev "file,id=marks,path=$SYS_OUT.marks" -serial chardev:marks \
        "$@" </dev/null >"$SYS_OUT.qemu" 2>&1 &
    SYS_QEMU_PID=$!
    if ! sys_wait TSR-BOOTED "${SYS_BOOT_TIMEOUT:-90}" >/dev/null; then
        sys_show_console
        return 1
    fi
}

# After one wait failed (timeout, QEMU gone, TSR-FAIL) the guest's script is off track: later
# waits fail at once instead of each taking its full timeout.
SYS_STUCK=""
sys_wait() {
    if [ -n "$SYS_STUCK" ]; then
        echo "# skipped waiting for '$1': an earlier wait failed ($SYS_STUCK)" >&2
        return 1
    fi
    _w=0
    "$SYS_TOOL" wait --timeout "${2:-60}" --nth "${3:-1}" --pid "$SYS_QEMU_PID" \
        --fail '^TSR-EXIT [1-9]|^TSR-FAIL' "$SYS_OUT.marks" "$1" || _w=$?
    [ "$_w" = 0 ] || SYS_STUCK="'$1' not seen"
    return $_w
}

sys_qmp() {
    "$SYS_TOOL" qmp --pid "$SYS_QEMU_PID" "$SYS_QMP" "$@"
}

sys_screendump() {
    rm -f "$1"
    sys_qmp "{\"execute\":\"screendump\",\"arguments\":{\"filename\":\"$1\",\"format\":\"png\"}}" \
        >/dev/null && [ -s "$1" ]
}

sys_compare() {
    _ref=$1
    _shot=$2
    shift 2
    if [ -n "${TSR_UPDATE_REFERENCE:-}" ] && [ "${_ref#"$TSR_SRCDIR"/tests/reference/}" != "$_ref" ]; then
        cp "$_shot" "$_ref"
        sys_diag "reference $_ref rewritten from $_shot (TSR_UPDATE_REFERENCE)"
    fi
    "$SYS_TOOL" compare --diff "${_shot%.png}.diff.png" "$@" "$_ref" "$_shot" | sed 's/^/# /'
    "$SYS_TOOL" compare "$@" "$_ref" "$_shot" >/dev/null
}

# One input-send-event with the given "events" JSON array body. Events go to the input devices
# bound to the display video0 (the virtio keyboard and tablet), not to the PS/2 ones.
sys_input() {
    sys_qmp "{\"execute\":\"input-send-event\",\"arguments\":{\"device\":\"video0\",\"events\":[$1]}}" \
        >/dev/null
}

sys_keyev() {
    printf '{"type":"key","data":{"down":%s,"key":{"type":"qcode","data":"%s"}}}' "$2" "$1"
}

sys_keys() {
    _ev=""
    for _q in "$@"; do
        _ev="$_ev${_ev:+,}$(sys_keyev "$_q" true)"
    done
    _up=""
    for _q in "$@"; do
        _up="$(sys_keyev "$_q" false)${_up:+,}$_up"
    done
    sys_input "$_ev,$_up"
}

sys_type() {
    _s=$1
    while [ -n "$_s" ]; do
        _c=${_s%"${_s#?}"}
        _s=${_s#?}
        case "$_c" in
            [a-z0-9]) _q=$_c ;;
            ' ') _q=spc ;;
            .) _q=dot ;;
            -) _q=minus ;;
            /) _q=slash ;;
            "$(printf '\n')") _q=ret ;;
            *) echo "Bail out! sys_type cannot type '$_c'"; exit 1 ;;
        esac
        sys_keys "$_q" || return 1
    done
}

sys_pointer() {
    _ev="{\"type\":\"abs\",\"data\":{\"axis\":\"x\",\"value\":$1}},{\"type\":\"abs\",\"data\":{\"axis\":\"y\",\"value\":$2}}"
    if [ -n "${3:-}" ]; then
        _ev="$_ev,{\"type\":\"btn\",\"data\":{\"down\":true,\"button\":\"$3\"}},{\"type\":\"btn\",\"data\":{\"down\":false,\"button\":\"$3\"}}"
    fi
    sys_input "$_ev"
}

# Waits for the guest to power off after its test script; the script's exit status must be 0.
sys_finish() {
    _rc=0
    if ! sys_wait '^TSR-EXIT 0' "${1:-60}" >/dev/null; then
        _rc=1
    fi
    if kill -0 "$SYS_QEMU_PID" 2>/dev/null &&
        ! "$SYS_TOOL" exit --timeout 20 "$SYS_QEMU_PID"; then
        sys_qmp '{"execute":"quit"}' >/dev/null 2>&1
        "$SYS_TOOL" exit --timeout 20 "$SYS_QEMU_PID" || _rc=1
    fi
    [ "$_rc" = 0 ] || sys_show_console
    return $_rc
}

# Ends the test: QEMU is stopped if still running; the exit status says whether all passed.
sys_done() {
    if [ -n "$SYS_QEMU_PID" ] && kill -0 "$SYS_QEMU_PID" 2>/dev/null; then
        sys_qmp '{"execute":"quit"}' >/dev/null 2>&1
        "$SYS_TOOL" exit --timeout 20 "$SYS_QEMU_PID" >/dev/null 2>&1
    fi
    [ "$SYS_FAILED" = 0 ] || sys_show_console
    # What the test found out about its first failure ($SYS_OUT.why), last: a CI log shows a
    # failed test's end.
    if [ "$SYS_FAILED" != 0 ] && [ -s "$SYS_OUT.why" ]; then
        sys_diag "why the first step failed ($SYS_OUT.why):"
        sed 's/^/#   /' "$SYS_OUT.why"
    fi
    # Failures are already "not ok" lines; a non-zero status would only add an ERROR.
    exit 0
}
