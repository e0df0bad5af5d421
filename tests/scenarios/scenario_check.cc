#include "tests/scenarios/scenario_check.h"

#include <algorithm>

#include "net/dns/edns.h"
#include "net/dns/message_view.h"
#include "net/dns/presentation.h"

namespace redoubt::resolver::scenario {
namespace {

using dns::RrType;
using Kind = Expectation::Kind;

bool Compare(uint64_t actual, Comparison op, uint64_t value) {
  switch (op) {
    case Comparison::kLess: return actual < value;
    case Comparison::kLessEqual: return actual <= value;
    case Comparison::kEqual: return actual == value;
    case Comparison::kGreaterEqual: return actual >= value;
    case Comparison::kGreater: return actual > value;
  }
  return false;
}

const char* SectionName(dns::Section section) {
  switch (section) {
    case dns::Section::kAnswer: return "answer";
    case dns::Section::kAuthority: return "authority";
    case dns::Section::kAdditional: return "additional";
  }
  return "?";
}

// The records of a section as they arrived (the OPT pseudo-record left out).
std::vector<dns::Record> RecordsOf(const dns::MessageView& view, dns::Section section) {
  std::vector<dns::Record> out;
  for (const dns::RecordView& r : view.section(section)) {
    if (r.type == RrType::OPT) continue;
    auto rdata = view.UncompressedRdata(r);
    out.push_back(dns::Record{r.owner, r.type, r.klass, r.ttl, rdata ? *rdata : std::vector<uint8_t>{}});
  }
  return out;
}

std::vector<dns::ExtendedError> EdesOf(const dns::MessageView& view) {
  std::vector<dns::ExtendedError> out;
  auto edns = dns::ReadEdns(view);
  if (!edns || !edns->has_value()) return out;
  for (const dns::EdnsOption* option : (*edns)->Find(static_cast<uint16_t>(dns::EdnsOptionCode::EDE))) {
    if (auto ede = dns::ParseExtendedError(option->data)) out.push_back(*ede);
  }
  return out;
}

bool FlagOf(const dns::Header& h, const std::string& flag) {
  if (flag == "qr") return h.qr;
  if (flag == "aa") return h.aa;
  if (flag == "tc") return h.tc;
  if (flag == "rd") return h.rd;
  if (flag == "ra") return h.ra;
  if (flag == "ad") return h.ad;
  return h.cd;
}

std::optional<std::string> CheckSection(const Expectation& e, const dns::MessageView& view) {
  std::vector<dns::Record> records = RecordsOf(view, e.section);
  std::string where = std::string(" in the ") + SectionName(e.section) + " section";
  auto same = [&](const dns::Record& r) {
    return r.owner == e.record.owner && r.type == e.record.type && r.klass == e.record.klass &&
           r.rdata == e.record.rdata;
  };
  auto of_type = [&](const dns::Record& r) { return r.type == e.type; };
  switch (e.kind) {
    case Kind::kRecord:
      if (std::any_of(records.begin(), records.end(), same)) return std::nullopt;
      return "no such record" + where;
    case Kind::kNoRecord:
      if (std::none_of(records.begin(), records.end(), same)) return std::nullopt;
      return "the record is there" + where;
    case Kind::kHas:
      if (std::any_of(records.begin(), records.end(), of_type)) return std::nullopt;
      return "no " + dns::RrTypeToText(e.type) + where;
    case Kind::kLacks:
      if (std::none_of(records.begin(), records.end(), of_type)) return std::nullopt;
      return "a " + dns::RrTypeToText(e.type) + " record" + where;
    default:
      if (Compare(records.size(), e.op, e.value)) return std::nullopt;
      return std::to_string(records.size()) + " records" + where;
  }
}

std::optional<std::string> CheckTtl(const Expectation& e, const dns::MessageView& view) {
  std::vector<dns::Record> records = RecordsOf(view, dns::Section::kAnswer);
  std::erase_if(records, [](const dns::Record& r) { return r.type == RrType::RRSIG; });
  if (records.empty()) return "no answer records to check the TTL of";
  for (const dns::Record& r : records) {
    if (!Compare(r.ttl, e.op, e.value)) return "TTL " + std::to_string(r.ttl) + " on " + dns::RecordToText(r);
  }
  return std::nullopt;
}

std::optional<std::string> CheckEde(const Expectation& e, const dns::MessageView& view) {
  std::vector<dns::ExtendedError> edes = EdesOf(view);
  std::string found = edes.empty() ? "no EDE" : "EDE " + std::to_string(edes.front().info_code) +
                                                    " \"" + edes.front().extra_text + "\"";
  if (e.kind == Kind::kEdeText) {
    bool has = std::any_of(edes.begin(), edes.end(), [&](const auto& d) { return d.extra_text.find(e.text) != std::string::npos; });
    return has ? std::nullopt : std::optional<std::string>(found);
  }
  if (!e.ede) return edes.empty() ? std::nullopt : std::optional<std::string>(found);
  bool has = std::any_of(edes.begin(), edes.end(), [&](const auto& d) { return d.info_code == *e.ede; });
  return has ? std::nullopt : std::optional<std::string>(found);
}

std::optional<std::string> CheckUpstream(const Expectation& e, const Outcome& outcome) {
  if (e.kind == Kind::kUpstream) {
    if (Compare(outcome.upstream.size(), e.op, e.value)) return std::nullopt;
    return std::to_string(outcome.upstream.size()) + " upstream questions";
  }
  std::string prefix = e.text + " ";
  std::string exact = e.asked ? prefix + e.asked->qname.ToText() + " " + dns::RrTypeToText(e.asked->qtype) : "";
  bool asked = std::any_of(outcome.upstream.begin(), outcome.upstream.end(), [&](const std::string& line) {
    // The log adds " +rd" for forwarded questions; the question itself is what counts.
    return e.asked ? (line == exact || line == exact + " +rd") : line.starts_with(prefix);
  });
  if (asked == (e.kind == Kind::kAsked)) return std::nullopt;
  return asked ? "it was asked" : "it was not asked";
}

}  // namespace

std::optional<std::string> Check(const Expectation& e, const Outcome& outcome) {
  if (e.kind == Kind::kUpstream || e.kind == Kind::kAsked || e.kind == Kind::kNotAsked) {
    return CheckUpstream(e, outcome);
  }
  auto view = dns::MessageView::Parse(outcome.reply);
  if (!view) return std::string("no readable reply");
  switch (e.kind) {
    case Kind::kRcode: {
      auto edns = dns::ReadEdns(*view);
      const dns::Edns* opt = edns && edns->has_value() ? &**edns : nullptr;
      auto rcode = static_cast<dns::Rcode>(dns::FullRcode(view->header().rcode, opt));
      if (rcode == e.rcode) return std::nullopt;
      return "rcode " + dns::RcodeToText(rcode);
    }
    case Kind::kFlags:
      for (const auto& [set, flag] : e.flags) {
        if (FlagOf(view->header(), flag) != set) return flag + (set ? " is clear" : " is set");
      }
      return std::nullopt;
    case Kind::kEde:
    case Kind::kEdeText: return CheckEde(e, *view);
    case Kind::kTtl: return CheckTtl(e, *view);
    default: return CheckSection(e, *view);
  }
}

std::string Describe(const Outcome& outcome) {
  std::string out;
  auto view = dns::MessageView::Parse(outcome.reply);
  if (!view) {
    out = "  (no readable reply, " + std::to_string(outcome.reply.size()) + " octets)\n";
  } else {
    const dns::Header& h = view->header();
    out = "  ;; rcode " + dns::RcodeToText(static_cast<dns::Rcode>(h.rcode)) + ", flags:";
    for (const char* flag : {"qr", "aa", "tc", "rd", "ra", "ad", "cd"}) {
      if (FlagOf(h, flag)) out += std::string(" ") + flag;
    }
    out += "\n";
    for (const dns::ExtendedError& ede : EdesOf(*view)) {
      out += "  ;; EDE " + std::to_string(ede.info_code) + " (" + std::string(dns::EdeName(ede.info_code)) +
             "): " + ede.extra_text + "\n";
    }
    for (dns::Section s : {dns::Section::kAnswer, dns::Section::kAuthority, dns::Section::kAdditional}) {
      std::vector<dns::Record> records = RecordsOf(*view, s);
      if (records.empty()) continue;
      out += std::string("  ;; ") + SectionName(s) + "\n";
      for (const dns::Record& r : records) out += "  " + dns::RecordToText(r) + "\n";
    }
  }
  out += "  ;; upstream questions of this step: " + std::to_string(outcome.upstream.size()) + "\n";
  for (const std::string& line : outcome.upstream) out += "  ;;   " + line + "\n";
  return out;
}

}  // namespace redoubt::resolver::scenario
