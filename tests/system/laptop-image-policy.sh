# tests/system/laptop-image-policy.sh: the policy laptop-image-test.sh enrols and pushes (sourced).
# The example organization's (doc/examples/policy), with its office laptops' two domains made
# real Xen HVM domains: the small test guest of tools/build-guest-image, booted directly from
# its kernel and initramfs, both pinned like any template by size and sha256, as the image
# carries them (build-image --template). Each domain's device model runs as the user the image
# made for it (build-image --sysusers; xl needs a name), its viewer as a uid of its own. Both
# have network = isolated. The outputs never blank.
# image_policy DIR GUEST PROV: writes the policy source into DIR from the guest image in GUEST
# (vmlinuz, initrd.img, template.qcow2) with tessera-provision PROV.
image_policy() {
    _dir=$1; _guest=$2; _prov=$3
    rm -rf "$_dir" && cp -r "$TSR_SRCDIR/doc/examples/policy" "$_dir" && chmod -R u+w "$_dir" || return 1
    # The outputs stay lit: a SAS typed after a minute locked (the enrolment's push retries
    # take about that) would only wake them, and the login would go nowhere.
    sed -i '/^\[power\]$/a blank-after = 0' "$_dir/policy.conf" &&
        grep -q '^blank-after = 0$' "$_dir/policy.conf" || return 1
    # Smart card readers go to work, whichever domain has focus: web must never get one.
    sed -i '/^\[rule smartcards\]$/,/^$/s/^action = focused$/action = attach\ndomain = work/' \
        "$_dir/devices.conf" &&
        sed -n '/^\[rule smartcards\]$/,/^$/p' "$_dir/devices.conf" | grep -q '^domain = work$' ||
        return 1
    { "$_prov" template add "$_guest/vmlinuz" --name hello-kernel &&
      "$_prov" template add "$_guest/initrd.img" --name hello-initrd &&
      "$_prov" template add "$_guest/template.qcow2" --name hello-disk; } >"$_dir/templates.conf" ||
        return 1
    # Each domain has an isolated network of its own, an address on the same /24 as the other's,
    # and probes its own listener and the other's (laptop-image-login.sh): web, booted second,
    # for as long as it runs; work only three rounds, so that it sits still while web boots.
    for _d in work:Work:blue:70101:1 web:Web:red:70102:2; do
        IFS=: read -r _name _label _colour _view _host <<DOM
$_d
DOM
        _rounds=""
        [ "$_name" = work ] && _rounds=" tsr.probe-rounds=3"
        cat >"$_dir/domains/$_name.conf" <<DOM
# The test guest as a Xen HVM domain: it draws its name, the keys it gets and what its network
# probes found on its screen.
[domain $_name]
label = $_label
colour = $_colour
backend = xen
memory-mib = 128
template = hello-disk
kernel = hello-kernel
initrd = hello-initrd
disk = disposable
cmdline = tsr.ip=10.99.0.$_host/24 tsr.probe=10.99.0.1:7777,10.99.0.2:7777$_rounds
network = isolated
groups = staff
device-model-user = tsr-dm-$_name
viewer-uid = $_view
viewer-gid = $_view
DOM
    done
}
