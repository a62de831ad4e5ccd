#!/bin/sh
# Regenerates qredo-v1.tsv with openssl (independent of xsign); check-python cross-checks.
# Columns: name, secret (base64url), ts, method, url, body (base64 std, empty for none), sig.
set -eu
SECRET='q-_8AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8='
HEX=$(printf '%s' "$SECRET" | tr -- '-_' '+/' | base64 -d | od -An -tx1 | tr -d ' \n')
row() { # name ts method url body
  sig=$(printf '%s%s%s%s' "$2" "$3" "$4" "$5" | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$HEX" -binary | base64 | tr '+/' '-_' | tr -d '=\n')
  b=$(printf '%s' "$5" | base64 | tr -d '\n')
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$SECRET" "$2" "$3" "$4" "$b" "$sig"
}
{
row get 1700000000 GET https://api.qredo.network/qapi/v1/balance ''
row post 1700000001 POST https://api.qredo.network/qapi/v1/transaction '{"to":"qredo1abc","amount":100,"asset":"ETH"}'
row query 1700000002 GET 'https://api.qredo.network/qapi/v1/transactions?start=0&count=10&status=pending' ''
row unicode 1700000003 POST https://sandbox-api.qredo.network/qapi/v1/transaction '{"reference":"café ☕ 日本"}'
row empty-post 1700000004 POST https://api.qredo.network/qapi/v1/funds ''
row v2-token 1700000005 GET https://api-v2.qredo.network/api/v2/workspaces/ws-1/token ''
} > qredo-v1.tsv
