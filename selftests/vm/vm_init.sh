#!/bin/busybox sh
# /init of the selftest VM: mounts what the selftests use, runs every entry
# of /selftests/list, and reports on the second serial port (ttyS1), away from
# kernel messages on the console (ttyS0):
#   @@SYSBPF-VM BEGIN <kernel release>@@
#   @@SYSBPF-VM TEST-BEGIN <name>@@   the binary's stdout and stderr
#   @@SYSBPF-VM STDERR <name>@@       (command entries: their stderr, apart)
#   @@SYSBPF-VM TEST-END <name> rc=<exit code>@@
#   @@SYSBPF-VM END@@
# An entry is a line "<name>": the binary /selftests/<name>, or
# "<name> <shell command>": that command, its stderr reported after its stdout.
# then powers off. /vm.conf sets TEST_TIMEOUT (seconds per binary).
/bin/busybox --install -s /bin
export PATH=/usr/sbin:/sbin:/usr/bin:/bin LD_LIBRARY_PATH=/lib/sysbpf:/lib/foreign HOME=/tmp
. /vm.conf

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
# /tmp is the initramfs's own (already writable): helper binaries of a build
# tree under /tmp are installed there at their build paths, and a tmpfs
# mounted over it would hide them.
mkdir -p /tmp /run /var/run/netns
chmod 1777 /tmp
mount -t tmpfs tmpfs /run
mount -t bpf bpffs /sys/fs/bpf
mount -t cgroup2 cgroup2 /sys/fs/cgroup
mount -t tracefs tracefs /sys/kernel/tracing
mount -t debugfs debugfs /sys/kernel/debug
ip link set lo up
for m in $(cat /modules/order 2>/dev/null); do
    insmod "/modules/$m" || echo "init: insmod $m failed"
done

stty -F /dev/ttyS1 raw -echo
exec 3>/dev/ttyS1
echo "@@SYSBPF-VM BEGIN $(uname -r)@@" >&3
cd /tmp
set -o pipefail # a binary's exit code, not cat's
while read -r name command; do
    echo "@@SYSBPF-VM TEST-BEGIN $name@@" >&3
    # Through a pipe, as under meson: no terminal, so no colour codes.
    if [ -z "$command" ]; then
        timeout "$TEST_TIMEOUT" "/selftests/$name" </dev/null 2>&1 | cat >&3
        rc=$?
    else
        timeout "$TEST_TIMEOUT" sh -c "$command" </dev/null 2>/run/stderr | cat >&3
        rc=$?
        echo "@@SYSBPF-VM STDERR $name@@" >&3
        cat /run/stderr >&3
    fi
    echo "@@SYSBPF-VM TEST-END $name rc=$rc@@" >&3
done </selftests/list
echo "@@SYSBPF-VM END@@" >&3
exec 3>&- # the last close of the tty waits until its output is sent
poweroff -f
