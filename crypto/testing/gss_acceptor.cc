// The test acceptor of crypto/testing/gss_acceptor.h over MIT krb5.
#include "crypto/testing/gss_acceptor.h"

#include <utility>

#include "crypto/gss_ptr.h"

namespace redoubt::crypto::testing {
namespace {

constexpr OM_uint32 kRequiredFlags = GSS_C_MUTUAL_FLAG | GSS_C_REPLAY_FLAG | GSS_C_INTEG_FLAG;

// GSS_Display_name (RFC 2743 section 2.4.5) of `name`; empty on failure.
std::string DisplayName(gss_name_t name) {
  OM_uint32 minor = 0;
  GssBufferHandle text;
  if (GSS_ERROR(gss_display_name(&minor, name, text.out(), nullptr))) return {};
  return std::string(text.Text());
}

class KerberosAcceptor final : public GssAcceptor {
 public:
  Result<void, std::string> Init(const std::string& keytab) {
    gss_key_value_element_desc element{"keytab", keytab.c_str()};
    gss_key_value_set_desc store{1, &element};
    OM_uint32 minor = 0;
    OM_uint32 major = gss_acquire_cred_from(&minor, GSS_C_NO_NAME, GSS_C_INDEFINITE,
                                            GSS_C_NO_OID_SET, GSS_C_ACCEPT, &store, cred_.out(),
                                            nullptr, nullptr);
    if (GSS_ERROR(major)) {
      return Unexpected<std::string>("cannot acquire acceptor credentials from " + keytab +
                                     ": " + GssStatusText(major, minor));
    }
    return {};
  }

  GssStep Step(std::span<const uint8_t> input_token) override {
    GssStep step;
    if (done_) {
      step.error = "the acceptor context is already complete or failed";
      return step;
    }
    gss_buffer_desc input = GssInput(input_token);
    GssBufferHandle output;
    GssNameHandle source;
    OM_uint32 minor = 0, ret_flags = 0;
    OM_uint32 major = gss_accept_sec_context(&minor, context_.inout(), cred_.get(), &input,
                                             GSS_C_NO_CHANNEL_BINDINGS, source.out(), nullptr,
                                             output.out(), &ret_flags, nullptr, nullptr);
    step.output_token = output.Bytes();
    if (GSS_ERROR(major)) {
      done_ = true;
      step.output_token.clear();
      step.error = "GSS_Accept_sec_context failed: " + GssStatusText(major, minor);
      return step;
    }
    if ((major & GSS_S_CONTINUE_NEEDED) != 0) {
      step.status = GssStepStatus::kContinue;
      return step;
    }
    done_ = true;
    if ((ret_flags & kRequiredFlags) != kRequiredFlags) {
      step.error = "the acceptor context lacks flags the initiator must grant";
      return step;
    }
    complete_ = true;
    client_ = DisplayName(source.get());
    GssNameHandle target;
    if (!GSS_ERROR(gss_inquire_context(&minor, context_.get(), nullptr, target.out(), nullptr,
                                       nullptr, nullptr, nullptr, nullptr))) {
      service_ = DisplayName(target.get());
    }
    step.status = GssStepStatus::kComplete;
    return step;
  }

  Result<std::vector<uint8_t>> GetMic(std::span<const uint8_t> message) override {
    if (!complete_) return Fail(Errc::kInvalidArgument);
    gss_buffer_desc input = GssInput(message);
    GssBufferHandle mic;
    OM_uint32 minor = 0;
    if (GSS_ERROR(gss_get_mic(&minor, context_.get(), GSS_C_QOP_DEFAULT, &input, mic.out()))) {
      return Fail(Errc::kInternal);
    }
    return mic.Bytes();
  }

  bool VerifyMic(std::span<const uint8_t> message, std::span<const uint8_t> mic) override {
    if (!complete_) return false;
    gss_buffer_desc input = GssInput(message);
    gss_buffer_desc token = GssInput(mic);
    OM_uint32 minor = 0;
    gss_qop_t qop = 0;
    OM_uint32 major = gss_verify_mic(&minor, context_.get(), &input, &token, &qop);
    return !GSS_ERROR(major) && (major & (GSS_S_DUPLICATE_TOKEN | GSS_S_OLD_TOKEN)) == 0;
  }

  std::string ClientPrincipal() const override { return client_; }
  std::string ServicePrincipal() const override { return service_; }

 private:
  GssCredHandle cred_;
  GssContextHandle context_;
  bool done_ = false;
  bool complete_ = false;
  std::string client_;
  std::string service_;
};

}  // namespace

Result<std::unique_ptr<GssAcceptor>, std::string> NewKerberosAcceptor(const std::string& keytab) {
  auto acceptor = std::make_unique<KerberosAcceptor>();
  if (auto status = acceptor->Init(keytab); !status) {
    return Unexpected<std::string>(status.error());
  }
  return std::unique_ptr<GssAcceptor>(std::move(acceptor));
}

}  // namespace redoubt::crypto::testing
