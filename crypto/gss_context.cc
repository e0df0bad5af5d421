// The MIT krb5 GSS-API initiator of crypto/gss_context.h (specs/gss-tsig.md sections 2 and 3).
#include "crypto/gss_context.h"

#include <krb5.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <utility>

#include "crypto/gss_ptr.h"

namespace redoubt::crypto {
namespace {

// RFC 3645 section 3.1.1 with specs/gss-tsig.md section 2.6: mutual authentication, replay
// detection and integrity; never delegation (it would hand our TGT to the DNS server), no
// sequencing (UDP reorders; GAP/UNSEQ would only add noise).
constexpr OM_uint32 kRequiredFlags = GSS_C_MUTUAL_FLAG | GSS_C_REPLAY_FLAG | GSS_C_INTEG_FLAG;
// What LifetimeSeconds reports for a context that says it never expires (GSS_C_INDEFINITE; no
// Kerberos context does): one day, so a caller still re-keys now and then.
constexpr uint32_t kIndefiniteLifetime = 86400;

// A private in-memory credential cache, "MEMORY:redoubt-<n>" (MEMORY caches are per process,
// so a counter makes the name unique): the client keytab's tickets live there and nowhere on
// disk; destroyed (not merely closed: MIT keeps a MEMORY cache until it is destroyed) with the
// initiator.
class MemoryCcache {
 public:
  MemoryCcache() {
    static std::atomic<uint64_t> counter{0};
    name_ = "MEMORY:redoubt-" + std::to_string(counter.fetch_add(1));
  }
  MemoryCcache(const MemoryCcache&) = delete;
  MemoryCcache& operator=(const MemoryCcache&) = delete;
  ~MemoryCcache() {
    krb5_context context = nullptr;
    if (krb5_init_context(&context) != 0) return;
    krb5_ccache cache = nullptr;
    if (krb5_cc_resolve(context, name_.c_str(), &cache) == 0) krb5_cc_destroy(context, cache);
    krb5_free_context(context);
  }
  const std::string& name() const noexcept { return name_; }

 private:
  std::string name_;
};

// Names the flags a complete context lacks ("mutual authentication, replay detection").
std::string MissingFlags(OM_uint32 flags) {
  std::string out;
  auto add = [&](OM_uint32 flag, const char* what) {
    if ((flags & flag) != 0) return;
    if (!out.empty()) out += ", ";
    out += what;
  };
  add(GSS_C_MUTUAL_FLAG, "mutual authentication");
  add(GSS_C_REPLAY_FLAG, "replay detection");
  add(GSS_C_INTEG_FLAG, "integrity");
  return out;
}

// A client keytab that names a file ("/path" or "FILE:/path") that is not there: MIT would
// only say "No credentials cache found", so say it first. Other keytab types are left to MIT.
bool MissingKeytabFile(const std::string& keytab) {
  std::string_view path = keytab;
  if (path.starts_with("FILE:")) path.remove_prefix(5);
  if (!path.starts_with('/')) return false;
  std::error_code error;
  return !std::filesystem::exists(std::filesystem::path(path), error);
}

class KerberosInitiator final : public GssInitiator {
 public:
  KerberosInitiator(std::string target_text, gss_OID mechanism)
      : target_text_(std::move(target_text)), mechanism_(mechanism) {}
  KerberosInitiator(const KerberosInitiator&) = delete;
  KerberosInitiator& operator=(const KerberosInitiator&) = delete;

  // Imports the target and acquires the credential; the text of the failure otherwise.
  Result<void, std::string> Init(const GssCredentials& credentials);

  GssStep Step(std::span<const uint8_t> input_token) override;
  uint32_t LifetimeSeconds() override;
  Result<std::vector<uint8_t>> GetMic(std::span<const uint8_t> message) override;
  bool VerifyMic(std::span<const uint8_t> message, std::span<const uint8_t> mic) override;

 private:
  enum class State : uint8_t { kInitial, kNegotiating, kComplete, kFailed };
  Result<void, std::string> AcquireCredential(const GssCredentials& credentials);
  GssStep Fail(std::string error);

  std::string target_text_;
  gss_OID mechanism_;
  State state_ = State::kInitial;
  // Destroyed in reverse order: the context, the target name, the credential, then the cache
  // the credential used.
  std::unique_ptr<MemoryCcache> ccache_;
  GssCredHandle cred_;
  GssNameHandle target_;
  GssContextHandle context_;
};

// RFC 2743 section 2.4.5 (GSS_Import_name) with the Kerberos principal name type of RFC 1964
// section 2.1.1: no host-name canonicalisation, no DNS lookup (specs/gss-tsig.md section 2.4).
Result<void, std::string> KerberosInitiator::Init(const GssCredentials& credentials) {
  OM_uint32 minor = 0;
  gss_buffer_desc text{target_text_.size(), target_text_.data()};
  OM_uint32 major = gss_import_name(&minor, &text, GSS_KRB5_NT_PRINCIPAL_NAME, target_.out());
  if (GSS_ERROR(major)) {
    return Unexpected<std::string>("cannot import the GSS target principal \"" + target_text_ +
                                   "\": " + GssStatusText(major, minor));
  }
  return AcquireCredential(credentials);
}

// RFC 2743 section 2.1.1 (GSS_Acquire_cred) through MIT's credential-store extension: the
// client keytab lets MIT fetch and refresh initial tickets itself; SPNEGO is then limited to
// Kerberos (RFC 3645 section 9; RFC 4178 section 3.1).
Result<void, std::string> KerberosInitiator::AcquireCredential(const GssCredentials& credentials) {
  if (!credentials.client_keytab.empty() && MissingKeytabFile(credentials.client_keytab)) {
    return Unexpected<std::string>("cannot acquire GSS initiator credentials: the client keytab " +
                                   credentials.client_keytab + " does not exist");
  }
  if (!credentials.client_keytab.empty() && credentials.ccache.empty()) {
    ccache_ = std::make_unique<MemoryCcache>();
  }
  std::vector<gss_key_value_element_desc> elements;
  if (!credentials.client_keytab.empty()) {
    elements.push_back({"client_keytab", credentials.client_keytab.c_str()});
  }
  if (!credentials.ccache.empty()) elements.push_back({"ccache", credentials.ccache.c_str()});
  if (ccache_ != nullptr) elements.push_back({"ccache", ccache_->name().c_str()});
  gss_key_value_set_desc store{static_cast<OM_uint32>(elements.size()), elements.data()};

  OM_uint32 minor = 0;
  GssNameHandle client;
  if (!credentials.client_principal.empty()) {
    gss_buffer_desc text{credentials.client_principal.size(),
                         const_cast<char*>(credentials.client_principal.data())};
    OM_uint32 major = gss_import_name(&minor, &text, GSS_KRB5_NT_PRINCIPAL_NAME, client.out());
    if (GSS_ERROR(major)) {
      return Unexpected<std::string>("cannot import the GSS client principal \"" +
                                     credentials.client_principal +
                                     "\": " + GssStatusText(major, minor));
    }
  }
  OM_uint32 major = gss_acquire_cred_from(
      &minor, client.get(), GSS_C_INDEFINITE, GSS_C_NO_OID_SET, GSS_C_INITIATE,
      elements.empty() ? GSS_C_NO_CRED_STORE : &store, cred_.out(), nullptr, nullptr);
  if (GSS_ERROR(major)) {
    std::string where = credentials.client_keytab.empty()
                            ? std::string()
                            : " (client keytab " + credentials.client_keytab + ")";
    return Unexpected<std::string>("cannot acquire GSS initiator credentials" + where + ": " +
                                   GssStatusText(major, minor));
  }
  if (mechanism_ != gss_mech_krb5) {
    gss_OID_desc krb5_oid = *gss_mech_krb5;
    gss_OID_set_desc krb5_only{1, &krb5_oid};
    major = gss_set_neg_mechs(&minor, cred_.get(), &krb5_only);
    if (GSS_ERROR(major)) {
      return Unexpected<std::string>("cannot limit SPNEGO to Kerberos: " +
                                     GssStatusText(major, minor));
    }
  }
  return {};
}

GssStep KerberosInitiator::Fail(std::string error) {
  state_ = State::kFailed;
  GssStep step;
  step.status = GssStepStatus::kFailed;
  step.error = std::move(error);
  return step;
}

// RFC 2743 section 2.2.1 (GSS_Init_sec_context) as RFC 3645 section 3.1.1 drives it: CONTINUE
// and COMPLETE go on, any error ends the context; a complete context must grant the flags of
// kRequiredFlags (RFC 3645 section 3.1.1: replay_det_state and mutual_state TRUE).
GssStep KerberosInitiator::Step(std::span<const uint8_t> input_token) {
  if (state_ == State::kComplete || state_ == State::kFailed) {
    return Fail("the GSS context for " + target_text_ + " is already " +
                (state_ == State::kComplete ? "complete" : "failed"));
  }
  gss_buffer_desc input = GssInput(input_token);
  GssBufferHandle output;
  OM_uint32 minor = 0, ret_flags = 0;
  OM_uint32 major = gss_init_sec_context(
      &minor, cred_.get(), context_.inout(), target_.get(), mechanism_, kRequiredFlags,
      0, GSS_C_NO_CHANNEL_BINDINGS, state_ == State::kInitial ? GSS_C_NO_BUFFER : &input,
      nullptr, output.out(), &ret_flags, nullptr);
  if (GSS_ERROR(major)) {
    return Fail("GSS_Init_sec_context for " + target_text_ +
                " failed: " + GssStatusText(major, minor));
  }
  GssStep step;
  step.output_token = output.Bytes();
  if ((major & GSS_S_CONTINUE_NEEDED) != 0) {
    state_ = State::kNegotiating;
    step.status = GssStepStatus::kContinue;
    return step;
  }
  if ((ret_flags & kRequiredFlags) != kRequiredFlags) {
    return Fail("the GSS context for " + target_text_ +
                " lacks " + MissingFlags(ret_flags));
  }
  state_ = State::kComplete;
  step.status = GssStepStatus::kComplete;
  return step;
}

// RFC 2743 section 2.2.6 (GSS_Inquire_context, lifetime_rec); RFC 4121 contexts end with the
// service ticket.
uint32_t KerberosInitiator::LifetimeSeconds() {
  if (state_ != State::kComplete) return 0;
  OM_uint32 minor = 0, lifetime = 0;
  OM_uint32 major = gss_inquire_context(&minor, context_.get(), nullptr, nullptr, &lifetime,
                                        nullptr, nullptr, nullptr, nullptr);
  if (GSS_ERROR(major)) return 0;
  return lifetime == GSS_C_INDEFINITE ? kIndefiniteLifetime : lifetime;
}

// RFC 2743 section 2.3.1 (GSS_GetMIC, default QOP); RFC 4121 section 4.2.6.1 MIC token; RFC
// 3645 section 5 uses it as the TSIG MAC.
Result<std::vector<uint8_t>> KerberosInitiator::GetMic(std::span<const uint8_t> message) {
  if (state_ != State::kComplete) return redoubt::Fail(Errc::kInvalidArgument);
  gss_buffer_desc input = GssInput(message);
  GssBufferHandle mic;
  OM_uint32 minor = 0;
  OM_uint32 major = gss_get_mic(&minor, context_.get(), GSS_C_QOP_DEFAULT, &input, mic.out());
  if (GSS_ERROR(major)) return redoubt::Fail(Errc::kInternal, major);
  return mic.Bytes();
}

// RFC 2743 section 2.3.2 (GSS_VerifyMIC) and section 1.2.1.1: DUPLICATE_TOKEN and OLD_TOKEN
// are replays and fail; UNSEQ_TOKEN and GAP_TOKEN are tolerated (UDP reorders and loses; RFC
// 3645 section 5 with specs/gss-tsig.md section 2.3).
bool KerberosInitiator::VerifyMic(std::span<const uint8_t> message,
                                  std::span<const uint8_t> mic) {
  if (state_ != State::kComplete) return false;
  gss_buffer_desc input = GssInput(message);
  gss_buffer_desc token = GssInput(mic);
  OM_uint32 minor = 0;
  gss_qop_t qop = 0;
  OM_uint32 major = gss_verify_mic(&minor, context_.get(), &input, &token, &qop);
  if (GSS_ERROR(major)) return false;
  return (major & (GSS_S_DUPLICATE_TOKEN | GSS_S_OLD_TOKEN)) == 0;
}

}  // namespace

Result<std::unique_ptr<GssInitiator>, std::string> NewKerberosInitiator(
    const GssCredentials& credentials, std::string_view target_principal,
    GssMechanism mechanism) {
  if (target_principal.empty()) {
    return Unexpected<std::string>(std::string("the GSS target principal is empty"));
  }
  auto initiator = std::make_unique<KerberosInitiator>(
      std::string(target_principal),
      mechanism == GssMechanism::kKerberos ? gss_mech_krb5 : GssSpnegoOid());
  if (auto status = initiator->Init(credentials); !status) {
    return Unexpected<std::string>(status.error());
  }
  return std::unique_ptr<GssInitiator>(std::move(initiator));
}

std::string KerberosDefaultRealm() {
  krb5_context context = nullptr;
  if (krb5_init_context(&context) != 0) return {};
  char* realm = nullptr;
  std::string text;
  if (krb5_get_default_realm(context, &realm) == 0 && realm != nullptr) {
    text = realm;
    krb5_free_default_realm(context, realm);
  }
  krb5_free_context(context);
  return text;
}

}  // namespace redoubt::crypto
