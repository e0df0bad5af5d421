# Signs the legacy. tree the RFC 2065 way with redoubt-legacy-sign (tests/lab/legacy/), since no
# Debian tool makes KEY/SIG/NXT any more. legacy. uses RSA/MD5 (algorithm 1, the only one
# RFC 2065 defined); child.legacy. uses RSA/SHA-1 (algorithm 5, RFC 3110). The chain of trust
# is the RFC 2065 one: a statically configured key for legacy. ($LAB_DIR/legacy.key), and the
# child's zone KEY signed by the parent (section 2.3.4): the copy in legacy. carries legacy.'s
# SIG, and so does the child's own apex KEY set, which is the copy a resolver fetches.
# unsigned.legacy. is proven unsigned by a signed no-key KEY (flags 0xC100) in legacy.
# The root delegates legacy. without a DS, so a modern validator sees all of it as insecure.

# lab_binary PATH: a lab tool under $REDOUBT_BUILD_DIR/tests/lab/ (default build, relative to the
# source tree, or an absolute path), built first when missing.
lab_binary() {
  local dir=${REDOUBT_BUILD_DIR:-build}
  [[ $dir = /* ]] || dir=$LAB_SRC/../../$dir
  local bin=$dir/tests/lab/$1
  if [ ! -x "$bin" ]; then
    lab_log "building $(basename "$1")"
    "$LAB_SRC/../../scripts/build.sh" >"$LAB_DIR/work/build.log" 2>&1 \
      || lab_die "building $1 failed; see $LAB_DIR/work/build.log"
  fi
  echo "$bin"
}

legacy_signer() {
  if [ -n "${REDOUBT_LEGACY_SIGNER:-}" ]; then echo "$REDOUBT_LEGACY_SIGNER"; else lab_binary legacy/redoubt-legacy-sign; fi
}

sign_legacy_zones() {
  local sign; sign=$(legacy_signer)
  [ -x "$sign" ] || lab_die "no legacy signer (see $LAB_DIR/work/build.log)"
  local keys="$LAB_DIR/keys/legacy" zones="$LAB_DIR/zones" work="$LAB_DIR/work"
  mkdir -p "$keys"
  openssl genrsa -out "$keys/legacy.pem" 1024 2>/dev/null || lab_die "openssl genrsa failed"
  openssl genrsa -out "$keys/child.pem" 1024 2>/dev/null || lab_die "openssl genrsa failed"
  local parent=(--signer legacy. --key "$keys/legacy.pem" --algorithm 1)
  local child=(--signer child.legacy. --key "$keys/child.pem" --algorithm 5)

  # The child's zone KEY, and its copy in the parent; the no-key KEY for unsigned.legacy.
  "$sign" key "${child[@]}" --ttl 300 >"$work/child.legacy.key" || lab_die "legacy: child KEY"
  "$sign" key --signer unsigned.legacy. --key "$keys/legacy.pem" --algorithm 1 --no-key \
    --ttl 300 >"$work/unsigned.legacy.key" || lab_die "legacy: no-key KEY"
  cat "$zones/legacy.zone" "$work/child.legacy.key" "$work/unsigned.legacy.key" >"$work/legacy.in"

  "$sign" zone "${parent[@]}" "$work/legacy.in" >"$LAB_DIR/signed/legacy.zone" \
    || lab_die "signing legacy. failed"
  # The child signs itself, and the parent's key signs the child's apex KEY set as well.
  "$sign" zone "${child[@]}" "$zones/child.legacy.zone" >"$LAB_DIR/signed/child.legacy.zone" \
    || lab_die "signing child.legacy. failed"
  "$sign" sigs "${parent[@]}" "$work/child.legacy.key" >>"$LAB_DIR/signed/child.legacy.zone" \
    || lab_die "signing child.legacy.'s KEY with legacy.'s key failed"
  # NSD refers every query at a delegation point (except DS) to the child, so the parent's
  # copies are out of reach there; each child also serves its parent-signed KEY set at its apex.
  copy_unsigned unsigned.legacy.
  { cat "$work/unsigned.legacy.key"; "$sign" sigs "${parent[@]}" "$work/unsigned.legacy.key"; } \
    >>"$LAB_DIR/signed/unsigned.legacy.zone" || lab_die "signing unsigned.legacy.'s no-key KEY"

  # badsig.legacy.: alter the signature over its A record (the last field of the SIG line).
  awk '$1 == "badsig.legacy." && $4 == "SIG" && $5 == "A" {
         c = substr($NF, 1, 1); $NF = (c == "A" ? "B" : "A") substr($NF, 2) } { print }' \
    "$LAB_DIR/signed/legacy.zone" >"$work/x" && mv "$work/x" "$LAB_DIR/signed/legacy.zone"

  "$sign" key "${parent[@]}" --ttl 300 >"$LAB_DIR/legacy.key" || lab_die "legacy: trust anchor"
}
