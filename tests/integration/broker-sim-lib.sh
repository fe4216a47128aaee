# tests/integration/broker-sim-lib.sh: what the shell tests that run a real tessera-brokerd on
# the sim backend share, sourced by them (b: the build directory, t: the test's scratch dir).
#
# sim_policy: $t/pol, a policy source with one sim domain "web" (device model uid $1) and one
# user "u" whose password hash tessera-provision makes.
sim_policy() {
    mkdir -p "$t/pol/domains"
    printf '[policy]\norganization = sim-org\n[laptop-group g]\ndomains = web\nusers = u\n' \
        >"$t/pol/policy.conf"
    printf '%s\n' '[domain web]' 'colour = red' 'backend = sim' 'memory-mib = 64' \
        'disk = disposable' 'network = none' "device-model-uid = $1" "device-model-gid = $1" \
        >"$t/pol/domains/web.conf"
    for f in groups devices templates; do : >"$t/pol/$f.conf"; done
    echo "some password" >"$t/pw"
    hash=$("$b/provisioning/tessera-provision" passwd --password-file "$t/pw") || hash=missing
    printf '[user u]\npassword = %s\n' "$hash" >"$t/pol/users.conf"
}

# sim_broker NAME [OPTION...]: start tessera-brokerd (no kiosk, no USB) with state and run
# directories $t/state.NAME and $t/run.NAME, wait until it is ready; its pid in $pid, false if
# it did not get ready. The control socket is $t/run.NAME/control.sock.
sim_broker() {
    name=$1; shift
    rm -f "$t/ready.$name"; mkfifo "$t/ready.$name"
    "$b/broker/tessera-brokerd" --state-dir="$t/state.$name" --run-dir="$t/run.$name" \
        --policy-dir="$t/pol" --no-kiosk --no-usb --shutdown-timeout=5000 \
        --testdomain="$b/tests/testdomain/tessera-testdomain" --ready-fd=9 "$@" \
        9>"$t/ready.$name" 2>>"$t/stderr.$name" &
    pid=$!
    read -r ready <"$t/ready.$name" || ready=
    [ "$ready" = READY ]
}
