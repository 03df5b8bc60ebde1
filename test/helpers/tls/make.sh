#!/bin/sh
# Makes the test certificates beside this script (valid 100 years): a CA, a server certificate it signs for
# 127.0.0.1 and localhost, a client certificate it signs, and a second CA with a client certificate of its own
# (one the registry does not trust). Committed, so tests need no openssl; run again only to change them.
set -e
cd "$(dirname "$0")"
days=36500
ec() { openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1.key" -out "$1.csr" -subj "/CN=$2" 2>/dev/null; }
sign() { openssl x509 -req -in "$1.csr" -CA "$2.crt" -CAkey "$2.key" -set_serial "$4" -out "$1.crt" -days $days -extfile "$3" 2>/dev/null; rm "$1.csr"; }
for ca in ca other-ca; do
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout $ca.key -out $ca.crt -days $days -subj "/CN=Manifold test $ca" 2>/dev/null
done
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' > server.ext
printf 'basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n' > client.ext
ec server 127.0.0.1 && sign server ca server.ext 1
ec client manifold-client && sign client ca client.ext 2
ec other-client other-client && sign other-client other-ca client.ext 3
rm server.ext client.ext ca.key other-ca.key
