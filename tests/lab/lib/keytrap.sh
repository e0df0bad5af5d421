# Signs keytrap.alpha., the lab's KeyTrap zone (CVE-2023-50387), with redoubt-keytrap-sign
# (tests/lab/keytrap/, redoubt's own codec and crypto; no Debian signer makes colliding keys):
# an RSASHA256 KSK and ZSK, 60 more DNSKEYs whose key tag is the ZSK's, and 32 RRSIGs over
# every RRset, all carrying that tag and all invalid but the last. A validator without limits
# tries up to 61 keys for each of 31 bad signatures before the good one; one with KeyTrap
# limits gives up and answers SERVFAIL. The zone has a wildcard, so every new name below it is
# a fresh validation (tests/attack/keytrap.sh). Its DS (SHA-256, the KSK) goes into alpha.

keytrap_signer() {
  if [ -n "${REDOUBT_KEYTRAP_SIGNER:-}" ]; then echo "$REDOUBT_KEYTRAP_SIGNER"; else lab_binary keytrap/redoubt-keytrap-sign; fi
}

sign_keytrap_zone() {  # before alpha. is signed: it adds the DS to ds/alpha.ds
  local sign; sign=$(keytrap_signer)
  [ -x "$sign" ] || lab_die "no KeyTrap signer (see $LAB_DIR/work/build.log)"
  "$sign" --zone keytrap.alpha. --ds "$LAB_DIR/work/keytrap.alpha.ds" --colliders 60 --signatures 32 \
    "$LAB_DIR/zones/keytrap.alpha.zone" >"$LAB_DIR/signed/keytrap.alpha.zone" \
    || lab_die "signing keytrap.alpha. failed"
  cat "$LAB_DIR/work/keytrap.alpha.ds" >>"$LAB_DIR/ds/alpha.ds"
}
