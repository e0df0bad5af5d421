// Owners for MIT krb5 GSS-API objects (names, credentials, buffers, security contexts) and the
// status text of a failed call, shared by crypto/gss_context.cc and the test acceptor
// (crypto/testing/gss_acceptor.cc). No raw gss_release_* or gss_delete_sec_context anywhere
// else, as openssl_ptr.h does for OpenSSL. Only crypto/ includes these headers.
#pragma once

#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_krb5.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace redoubt::crypto {

// A gss_name_t released at scope end (RFC 2743 section 2.4.6, GSS_Release_name).
class GssNameHandle {
 public:
  GssNameHandle() = default;
  GssNameHandle(const GssNameHandle&) = delete;
  GssNameHandle& operator=(const GssNameHandle&) = delete;
  ~GssNameHandle() {
    OM_uint32 minor = 0;
    if (name_ != GSS_C_NO_NAME) gss_release_name(&minor, &name_);
  }
  gss_name_t get() const noexcept { return name_; }
  gss_name_t* out() noexcept { return &name_; }  // For a call that fills it: must be empty.

 private:
  gss_name_t name_ = GSS_C_NO_NAME;
};

// A credential handle released at scope end (RFC 2743 section 2.1.2, GSS_Release_cred).
class GssCredHandle {
 public:
  GssCredHandle() = default;
  GssCredHandle(const GssCredHandle&) = delete;
  GssCredHandle& operator=(const GssCredHandle&) = delete;
  ~GssCredHandle() {
    OM_uint32 minor = 0;
    if (cred_ != GSS_C_NO_CREDENTIAL) gss_release_cred(&minor, &cred_);
  }
  gss_cred_id_t get() const noexcept { return cred_; }
  gss_cred_id_t* out() noexcept { return &cred_; }

 private:
  gss_cred_id_t cred_ = GSS_C_NO_CREDENTIAL;
};

// A buffer the library allocated (an output token, a MIC, a status text), released at scope
// end (RFC 2743 section 2.4.4, GSS_Release_buffer). Tokens may hold keys' products: they are
// copied out with Bytes() and never logged.
class GssBufferHandle {
 public:
  GssBufferHandle() = default;
  GssBufferHandle(const GssBufferHandle&) = delete;
  GssBufferHandle& operator=(const GssBufferHandle&) = delete;
  ~GssBufferHandle() {
    OM_uint32 minor = 0;
    if (buffer_.value != nullptr) gss_release_buffer(&minor, &buffer_);
  }
  gss_buffer_t out() noexcept { return &buffer_; }
  std::vector<uint8_t> Bytes() const {
    const auto* p = static_cast<const uint8_t*>(buffer_.value);
    return p == nullptr ? std::vector<uint8_t>() : std::vector<uint8_t>(p, p + buffer_.length);
  }
  std::string_view Text() const noexcept {
    return buffer_.value == nullptr
               ? std::string_view()
               : std::string_view(static_cast<const char*>(buffer_.value), buffer_.length);
  }

 private:
  gss_buffer_desc buffer_{0, nullptr};
};

// A security context deleted at scope end without an output token (RFC 2743 section 2.2.3,
// GSS_Delete_sec_context; RFC 4121 has no context-deletion token).
class GssContextHandle {
 public:
  GssContextHandle() = default;
  GssContextHandle(const GssContextHandle&) = delete;
  GssContextHandle& operator=(const GssContextHandle&) = delete;
  ~GssContextHandle() {
    OM_uint32 minor = 0;
    if (ctx_ != GSS_C_NO_CONTEXT) gss_delete_sec_context(&minor, &ctx_, GSS_C_NO_BUFFER);
  }
  gss_ctx_id_t get() const noexcept { return ctx_; }
  gss_ctx_id_t* inout() noexcept { return &ctx_; }

 private:
  gss_ctx_id_t ctx_ = GSS_C_NO_CONTEXT;
};

// A non-owning view of caller bytes as a GSS input buffer (the library only reads it).
inline gss_buffer_desc GssInput(std::span<const uint8_t> bytes) noexcept {
  return gss_buffer_desc{bytes.size(), const_cast<uint8_t*>(bytes.data())};
}

// The SPNEGO mechanism, 1.3.6.1.5.5.2 (RFC 4178 section 3.1): MIT exports no symbol for it.
inline gss_OID GssSpnegoOid() noexcept {
  static gss_OID_desc oid{6, const_cast<char*>("\x2b\x06\x01\x05\x05\x02")};
  return &oid;
}

// Appends every message gss_display_status has for `code` of `type` (RFC 2743 section 2.4.1:
// loop while message_context is non-zero), separated by "; ".
inline void AppendGssStatus(std::string& out, OM_uint32 code, int type) {
  OM_uint32 message_context = 0;
  for (int i = 0; i < 8; ++i) {  // A bound in case a library never clears message_context.
    OM_uint32 minor = 0;
    GssBufferHandle text;
    OM_uint32 major =
        gss_display_status(&minor, code, type, GSS_C_NO_OID, &message_context, text.out());
    if (GSS_ERROR(major)) break;
    if (!text.Text().empty()) {
      if (!out.empty() && out.back() != ' ') out += "; ";
      out += text.Text();
    }
    if (message_context == 0) break;
  }
}

// The texts of a failed GSS call: the major status messages, then the mechanism's (minor)
// messages when there is a minor code ("Unspecified GSS failure...; Server not found in
// Kerberos database"). Never a token or a key.
inline std::string GssStatusText(OM_uint32 major, OM_uint32 minor) {
  std::string out;
  AppendGssStatus(out, major, GSS_C_GSS_CODE);
  if (minor != 0) {
    out += " (";
    std::string mech;
    AppendGssStatus(mech, minor, GSS_C_MECH_CODE);
    out += mech.empty() ? "minor code " + std::to_string(minor) : mech;
    out += ")";
  }
  return out;
}

}  // namespace redoubt::crypto
