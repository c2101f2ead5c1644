#!/usr/bin/env python3
"""Writes a `go build -overlay` file that makes net.(*Dialer).DialContext record every dial to an
address that is not loopback (or a unix socket) in the file named by $IRSA_DIAL_AUDIT_LOG, with the
program and its stack. .ci/run sets GOFLAGS=-overlay=... for the tests and fails when the file is
not empty: the tests may reach 127.0.0.0/8 and ::1 only. Usage: dialaudit.py OUTDIR; prints the
overlay file's path."""
import json, os, subprocess, sys

out = sys.argv[1]
goroot = subprocess.check_output(["go", "env", "GOROOT"], text=True).strip()
src = os.path.join(goroot, "src", "net", "dial.go")
s = open(src).read()
sig = "func (d *Dialer) DialContext(ctx context.Context, network, address string) (Conn, error) {\n"
if sig not in s or '\t"os"\n' in s:
    sys.exit("dialaudit: net/dial.go of this Go is not the shape expected; update .ci/dialaudit.py")
s = s.replace(sig, sig + "\tirsaAuditDial(network, address)\n", 1)
s = s.replace('import (\n', 'import (\n\t"os"\n\t"runtime"\n', 1)
s += '''
// irsaAuditDial is added by irsa's .ci/dialaudit.py: it records a dial that leaves the machine.
func irsaAuditDial(network, address string) {
	path := os.Getenv("IRSA_DIAL_AUDIT_LOG")
	if path == "" || network == "unix" || network == "unixgram" || network == "unixpacket" {
		return
	}
	host, _, err := SplitHostPort(address)
	if err != nil {
		host = address
	}
	if ip := ParseIP(host); host == "localhost" || ip != nil && ip.IsLoopback() {
		return
	}
	buf := make([]byte, 16<<10)
	n := runtime.Stack(buf, false)
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o666)
	if err != nil {
		return
	}
	f.WriteString("=== " + network + " " + address + " from " + os.Args[0] + "\\n" + string(buf[:n]) + "\\n")
	f.Close()
}
'''
os.makedirs(out, exist_ok=True)
patched = os.path.join(out, "dial.go")
open(patched, "w").write(s)
overlay = os.path.join(out, "overlay.json")
json.dump({"Replace": {src: patched}}, open(overlay, "w"))
print(overlay)
