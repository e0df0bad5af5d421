// A GSS-API acceptor for tests only (specs/gss-tsig.md section 2.2): the server side of a
// GSS-TSIG negotiation, run in-process against GssInitiator so that tests need a KDC but no DNS
// server. Keys come from an acceptor keytab given explicitly (MIT's credential store,
// {"keytab", path}), never from KRB5_KTNAME or /etc/krb5.keytab. Any principal of the keytab
// is accepted, as BIND's tkey-gssapi-keytab does. Not for production: no limits, no logging.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "crypto/gss_context.h"
#include "net/base/result.h"

namespace redoubt::crypto::testing {

class GssAcceptor {
 public:
  virtual ~GssAcceptor() = default;
  // One call of GSS_Accept_sec_context (RFC 2743 section 2.2.2) with the initiator's token.
  // kComplete also requires the flags GSS-TSIG needs (RFC 3645 section 3.1.2: mutual, replay,
  // integrity). After kFailed or kComplete, further calls fail.
  virtual GssStep Step(std::span<const uint8_t> input_token) = 0;
  // GSS_GetMIC / GSS_VerifyMIC (RFC 2743 sections 2.3.1, 2.3.2) on the complete context,
  // VerifyMic with the same replay rule as GssInitiator's. Both fail before completion.
  virtual Result<std::vector<uint8_t>> GetMic(std::span<const uint8_t> message) = 0;
  virtual bool VerifyMic(std::span<const uint8_t> message, std::span<const uint8_t> mic) = 0;
  // The authenticated initiator ("client/host.corp.example@CORP.EXAMPLE", the src_name of
  // GSS_Accept_sec_context) and the principal the ticket was for (the acceptor's own name,
  // from GSS_Inquire_context); empty before completion.
  virtual std::string ClientPrincipal() const = 0;
  virtual std::string ServicePrincipal() const = 0;
};

// An acceptor with the keys of `keytab` ("/path" or "FILE:/path"); fails with the GSS status
// text when the credentials cannot be acquired.
Result<std::unique_ptr<GssAcceptor>, std::string> NewKerberosAcceptor(const std::string& keytab);

}  // namespace redoubt::crypto::testing
