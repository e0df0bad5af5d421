// GSS-API initiator security contexts for GSS-TSIG (RFC 3645 section 3.1.1), through MIT krb5
// (libgssapi_krb5; specs/gss-tsig.md sections 2 and 3). An initiator authenticates redoubt to
// one upstream server and, once established, computes and checks the TSIG MACs of the
// messages exchanged with it (TsigMicEngine, RFC 3645 section 5).
//
// Blocking: the first Step may talk to the KDC (a service ticket, maybe initial credentials
// from the client keytab), so callers run Step off the libuv loop (uv_queue_work). GetMic and
// VerifyMic compute locally. A context is not safe for concurrent use: one thread at a time.
//
// Nothing here logs, and no error text carries a token or a key: the texts are GSS status
// messages (gss_display_status), fit for an operator's log.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/tsig.h"
#include "net/base/result.h"

namespace redoubt::crypto {

enum class GssStepStatus : uint8_t {
  kContinue,  // GSS_S_CONTINUE_NEEDED: send output_token, feed the peer's answer to Step.
  kComplete,  // GSS_S_COMPLETE: established, with mutual authentication, replay detection
              // and integrity (checked: RFC 3645 section 3.1.1). Send output_token if any.
  kFailed,    // A fatal status, or a complete context without those flags: abandon it.
};

struct GssStep {
  GssStepStatus status = GssStepStatus::kFailed;
  std::vector<uint8_t> output_token;  // Empty when there is nothing to send.
  std::string error;                  // kFailed: the GSS major and minor status texts.
};

// One initiator context (RFC 2743 section 2.2.1, GSS_Init_sec_context) and, once complete,
// the MIC engine of its TSIG key.
class GssInitiator : public TsigMicEngine {
 public:
  // One call of GSS_Init_sec_context: `input_token` empty on the first call, then the token
  // the acceptor answered with (RFC 3645 section 3.1.1). After kFailed or kComplete, further
  // calls fail.
  virtual GssStep Step(std::span<const uint8_t> input_token) = 0;
  // Seconds the established context stays valid (GSS_Inquire_context lifetime_rec: the
  // Kerberos ticket's end); 0 before completion or after expiry.
  virtual uint32_t LifetimeSeconds() = 0;
};

// Where the initiator's Kerberos credentials come from (specs/gss-tsig.md section 2.4).
struct GssCredentials {
  // A client keytab: MIT gets initial tickets from it whenever needed (gss_acquire_cred_from,
  // "client_keytab"), so tickets are renewed without kinit. Empty: none.
  std::string client_keytab;
  // A credential cache ("FILE:/path", "KEYRING:..."), e.g. one kept fresh by k5start. Empty:
  // a private in-memory cache with the client keytab, else the process default.
  std::string ccache;
  // The client principal to act as ("resolver/host.corp.example@CORP.EXAMPLE"); empty: the
  // keytab's or cache's default.
  std::string client_principal;
};

// The GSS mechanism to ask for (RFC 3645 section 9): SPNEGO (RFC 4178) wrapping Kerberos, as
// the RFC recommends and Active Directory expects, or bare Kerberos v5 (RFC 4121).
enum class GssMechanism : uint8_t { kSpnego, kKerberos };

// A new initiator for the Kerberos principal `target_principal` ("DNS/ns1.corp.example@REALM"
// or the RFC 5179 form "DNS/ns1.corp.example/corp.example@REALM"; without "@REALM" the
// default realm), imported explicitly (GSS_KRB5_NT_PRINCIPAL_NAME) so that no host name is
// canonicalised or looked up in the DNS. Requests mutual authentication, replay detection and
// integrity, never delegation (specs/gss-tsig.md section 2.6). Fails with the GSS status text
// when the principal cannot be imported or the credentials cannot be acquired.
Result<std::unique_ptr<GssInitiator>, std::string> NewKerberosInitiator(
    const GssCredentials& credentials, std::string_view target_principal,
    GssMechanism mechanism = GssMechanism::kSpnego);

// The default realm of the Kerberos configuration (krb5.conf [libdefaults] default_realm, or
// KRB5_CONFIG's), used to name principals in full in logs; empty when none is configured.
std::string KerberosDefaultRealm();

}  // namespace redoubt::crypto
