#!/bin/sh
# Makes a CA of its own and a server certificate it signs for registry.invalid (valid 100 years), for tests that
# reach a registry by that name through an in-test proxy (the name never resolves: only the proxy maps it to
# 127.0.0.1). Apart from make.sh so the certificates it makes stay as they are. Committed, as those are.
set -e
cd "$(dirname "$0")"
days=36500
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout named-ca.key -out named-ca.crt -days $days -subj "/CN=Manifold test named-ca" 2>/dev/null
printf 'subjectAltName=DNS:registry.invalid\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' > named.ext
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout named-server.key -out named-server.csr -subj "/CN=registry.invalid" 2>/dev/null
openssl x509 -req -in named-server.csr -CA named-ca.crt -CAkey named-ca.key -set_serial 1 -out named-server.crt -days $days -extfile named.ext 2>/dev/null
rm named-server.csr named.ext named-ca.key
