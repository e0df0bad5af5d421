#include "resolver/mirror/notify.h"

#include <utility>

#include "net/dns/message_builder.h"
#include "net/dns/message_view.h"

namespace redoubt::resolver {
namespace {

// The reply header and question for `request` with `rcode`, or nothing when not even that fits.
std::vector<uint8_t> ReplyTo(const dns::MessageView& request, dns::Rcode rcode, bool authoritative) {
  dns::MessageBuilder builder(512);
  builder.header().id = request.header().id;
  builder.header().qr = true;
  builder.header().opcode = dns::Opcode::NOTIFY;
  builder.header().aa = authoritative;
  builder.header().rcode = static_cast<uint8_t>(rcode);
  if (request.questions().size() == 1) {
    const dns::Question& q = request.questions().front();
    if (!builder.AddQuestion(q.qname, q.qtype, q.qclass)) return {};
  }
  return std::move(builder).Finish().value_or(std::vector<uint8_t>{});
}

// NOTAUTH with an unsigned TSIG carrying `error` (RFC 8945 section 5.3.2: MAC Size 0).
std::vector<uint8_t> TsigErrorReply(const dns::MessageView& request, const crypto::TsigKey& key,
                                    dns::Rcode error, uint64_t now) {
  std::vector<uint8_t> wire = ReplyTo(request, dns::Rcode::NOTAUTH, false);
  dns::rdata::TSIG tsig;
  tsig.algorithm = crypto::TsigAlgorithmName(key.algorithm);
  tsig.time_signed.value = now;
  tsig.fudge = crypto::kDefaultTsigFudge;
  tsig.original_id = request.header().id;
  tsig.error = static_cast<uint16_t>(error);
  return crypto::AppendTsigRecord(wire, key.name, tsig).value_or(wire);
}

dns::Rcode TsigErrorFor(crypto::TsigVerdict verdict) {
  switch (verdict) {
    case crypto::TsigVerdict::kWrongKey:
    case crypto::TsigVerdict::kWrongAlgorithm: return dns::Rcode::BADKEY;
    case crypto::TsigVerdict::kBadTime: return dns::Rcode::BADTIME;
    default: return dns::Rcode::BADSIG;
  }
}

const MirrorZoneConfig* ZoneNamed(const std::vector<MirrorZoneConfig>& zones, const dns::Name& name) {
  for (const MirrorZoneConfig& zone : zones) {
    if (zone.name == name) return &zone;
  }
  return nullptr;
}

bool FromPrimary(const MirrorZoneConfig& zone, const IpAddress& source) {
  for (const Endpoint& primary : zone.primaries) {
    if (primary.address == source) return true;
  }
  return false;
}

// Checks the request's TSIG against the zone's key and builds the signed NOERROR reply.
NotifyVerdict JudgeSigned(const dns::MessageView& view, std::span<const uint8_t> request,
                          const MirrorZoneConfig& zone, const crypto::TsigKey* key, uint64_t now) {
  NotifyVerdict verdict;
  std::string zone_text = zone.name.ToText();
  if (key == nullptr || view.tsig() == nullptr) {
    verdict.reply = ReplyTo(view, dns::Rcode::REFUSED, false);
    verdict.why = "NOTIFY for " + zone_text + " refused: " +
                  (key == nullptr ? "its TSIG key is not loaded" : "not signed with its TSIG key");
    return verdict;
  }
  crypto::TsigVerification v = crypto::VerifyTsigReply(request, *key, {}, now);
  if (v.verdict != crypto::TsigVerdict::kOk) {
    verdict.reply = TsigErrorReply(view, *key, TsigErrorFor(v.verdict), now);
    verdict.why = "NOTIFY for " + zone_text + " refused: TSIG " +
                  std::string(crypto::TsigVerdictName(v.verdict));
    return verdict;
  }
  crypto::TsigSignOptions sign;
  sign.time_signed = now;
  sign.request_mac = v.mac;
  auto signed_reply = crypto::SignTsig(ReplyTo(view, dns::Rcode::NOERROR, true), *key, sign);
  if (signed_reply) verdict.reply = std::move(signed_reply->message);
  verdict.refresh = zone.name;
  verdict.why = "NOTIFY for " + zone_text + " (signed) accepted: refreshing";
  return verdict;
}

}  // namespace

NotifyVerdict JudgeNotify(std::span<const uint8_t> request, const IpAddress& source,
                          const std::vector<MirrorZoneConfig>& zones,
                          const std::vector<crypto::TsigKey>& keys, uint64_t now) {
  NotifyVerdict verdict;
  auto view = dns::MessageView::Parse(request);
  if (!view) return verdict;
  const auto& questions = view->questions();
  if (questions.size() != 1 || questions.front().qtype != dns::RrType::SOA ||
      questions.front().qclass != dns::RrClass::IN) {
    verdict.reply = ReplyTo(*view, dns::Rcode::FORMERR, false);
    verdict.why = "NOTIFY refused: not one SOA question of class IN";
    return verdict;
  }
  const MirrorZoneConfig* zone = ZoneNamed(zones, questions.front().qname);
  if (zone == nullptr || !FromPrimary(*zone, source)) {
    verdict.reply = ReplyTo(*view, dns::Rcode::REFUSED, false);
    verdict.why = "NOTIFY for " + questions.front().qname.ToText() + " from " + source.ToString() +
                  " refused: " + (zone == nullptr ? "not a mirrored zone" : "not one of its primaries");
    return verdict;
  }
  if (zone->tsig_key) {
    const crypto::TsigKey* key = nullptr;
    for (const crypto::TsigKey& k : keys) {
      if (k.name == *zone->tsig_key) key = &k;
    }
    return JudgeSigned(*view, request, *zone, key, now);
  }
  verdict.reply = ReplyTo(*view, dns::Rcode::NOERROR, true);
  verdict.refresh = zone->name;
  verdict.why = "NOTIFY for " + zone->name.ToText() + " accepted: refreshing";
  return verdict;
}

}  // namespace redoubt::resolver
