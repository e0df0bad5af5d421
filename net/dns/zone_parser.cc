#include "net/dns/zone_parser.h"

#include <fstream>
#include <optional>
#include <sstream>

#include "net/dns/presentation.h"
#include "net/dns/zone_tokenizer.h"

namespace redoubt::dns {
namespace {

constexpr uint32_t kMaxTtl = 0x7FFFFFFF;  // RFC 2181 section 8.

struct ParseState {
  Name origin;
  std::optional<uint32_t> dollar_ttl;
  std::optional<uint32_t> last_ttl;
  std::optional<Name> last_owner;
  RrClass last_class = RrClass::IN;
};

using ZoneStatus = Result<void, ZoneError>;

Unexpected<ZoneError> Error(const std::string& file, size_t line, Errc code, std::string reason) {
  return Unexpected<ZoneError>(ZoneError{file, line, code, std::move(reason)});
}

std::string Describe(Errc code) {
  switch (code) {
    case Errc::kBadBase64: return "bad base64";
    case Errc::kBadHex: return "bad hex";
    case Errc::kBadBase32: return "bad base32hex";
    case Errc::kBadNumber: return "bad number";
    case Errc::kBadTime: return "bad time (want YYYYMMDDHHMMSS or seconds)";
    case Errc::kBadEscape: return "bad escape";
    case Errc::kLabelTooLong: return "label longer than 63 octets";
    case Errc::kNameTooLong: return "name longer than 255 octets";
    case Errc::kUnknownType: return "unknown type";
    case Errc::kUnknownAlgorithm:
      return "unknown algorithm (want a number or a mnemonic such as RSASHA256)";
    case Errc::kRdataLength: return "RDATA length does not match";
    case Errc::kBadRdata: return "invalid RDATA";
    default: return std::string(ErrcName(code));
  }
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(Errc::kIo);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return Fail(Errc::kIo);
  return buffer.str();
}

std::string DirectoryOf(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash + 1);
}

bool LooksLikeTtl(const Token& t) { return !t.quoted && !t.text.empty() && t.text[0] >= '0' && t.text[0] <= '9'; }

class ZoneReader {
 public:
  ZoneReader(const ZoneParseOptions& options, std::vector<Record>& out)
      : options_(options), out_(out) {}

  ZoneStatus Parse(std::string_view text, const std::string& file, int depth, ParseState& state);

 private:
  ZoneStatus Directive(const LogicalLine& line, const std::string& file, int depth,
                       ParseState& state);
  ZoneStatus Include(const LogicalLine& line, const std::string& file, int depth,
                     ParseState& state);
  ZoneStatus RecordLine(const LogicalLine& line, const std::string& file, ParseState& state);
  Result<Name, ZoneError> ParseName(const Token& t, const std::string& file, size_t line,
                                    const Name& origin);

  const ZoneParseOptions& options_;
  std::vector<Record>& out_;
};

ZoneStatus ZoneReader::Parse(std::string_view text, const std::string& file, int depth,
                             ParseState& state) {
  ZoneTokenizer tokenizer(text);
  LogicalLine line;
  while (true) {
    auto more = tokenizer.Next(line);
    if (!more) {
      return Error(file, more.error().detail, Errc::kSyntax,
                   "unbalanced parentheses, unterminated quoted string or overlong line");
    }
    if (!*more) return {};
    bool directive = !line.starts_with_blank && !line.tokens[0].quoted &&
                     line.tokens[0].text.size() > 1 && line.tokens[0].text[0] == '$';
    ZoneStatus status = directive ? Directive(line, file, depth, state) : RecordLine(line, file, state);
    if (!status) return status;
  }
}

Result<Name, ZoneError> ZoneReader::ParseName(const Token& t, const std::string& file, size_t line,
                                              const Name& origin) {
  if (t.text == "@" && !t.quoted) return origin;
  auto name = Name::FromText(t.text, origin);
  if (!name) {
    return Error(file, line, name.error().code, "bad name '" + t.text + "': " + Describe(name.error().code));
  }
  return *name;
}

ZoneStatus ZoneReader::Directive(const LogicalLine& line, const std::string& file, int depth,
                                 ParseState& state) {
  const std::string& word = line.tokens[0].text;
  if (word == "$ORIGIN") {
    if (line.tokens.size() != 2) return Error(file, line.line, Errc::kSyntax, "$ORIGIN takes one name");
    auto origin = ParseName(line.tokens[1], file, line.line, state.origin);
    if (!origin) return Unexpected<ZoneError>(origin.error());
    state.origin = *origin;
    return {};
  }
  if (word == "$TTL") {
    if (line.tokens.size() != 2) return Error(file, line.line, Errc::kSyntax, "$TTL takes one value");
    auto ttl = ParseNumber(line.tokens[1].text, kMaxTtl, true);
    if (!ttl) return Error(file, line.line, Errc::kBadNumber, "bad $TTL '" + line.tokens[1].text + "'");
    state.dollar_ttl = static_cast<uint32_t>(*ttl);
    return {};
  }
  if (word == "$INCLUDE") return Include(line, file, depth, state);
  return Error(file, line.line, Errc::kSyntax, "unsupported directive " + word);
}

ZoneStatus ZoneReader::Include(const LogicalLine& line, const std::string& file, int depth,
                               ParseState& state) {
  if (!options_.allow_include) return Error(file, line.line, Errc::kUnsupported, "$INCLUDE is not allowed here");
  if (line.tokens.size() < 2 || line.tokens.size() > 3) {
    return Error(file, line.line, Errc::kSyntax, "$INCLUDE takes a file name and an optional origin");
  }
  if (depth >= options_.max_include_depth) {
    return Error(file, line.line, Errc::kIncludeDepth, "$INCLUDE nested too deeply");
  }
  std::string path = line.tokens[1].text;
  if (path.empty() || path[0] != '/') path = DirectoryOf(file) + path;
  auto text = ReadFile(path);
  if (!text) return Error(file, line.line, Errc::kIo, "cannot read included file " + path);
  // RFC 1035 section 5.1: the included file may set its own origin; the parent's is unchanged.
  ParseState inner = state;
  if (line.tokens.size() == 3) {
    auto origin = ParseName(line.tokens[2], file, line.line, state.origin);
    if (!origin) return Unexpected<ZoneError>(origin.error());
    inner.origin = *origin;
  }
  ZoneStatus status = Parse(*text, path, depth + 1, inner);
  if (!status) return status;
  state.last_owner = inner.last_owner;
  state.last_ttl = inner.last_ttl;
  state.last_class = inner.last_class;
  return {};
}

ZoneStatus ZoneReader::RecordLine(const LogicalLine& line, const std::string& file,
                                  ParseState& state) {
  const auto& tokens = line.tokens;
  size_t i = 0;
  Record record;
  if (line.starts_with_blank) {
    if (!state.last_owner) return Error(file, line.line, Errc::kSyntax, "no owner name and no previous owner");
    record.owner = *state.last_owner;
  } else {
    auto owner = ParseName(tokens[i++], file, line.line, state.origin);
    if (!owner) return Unexpected<ZoneError>(owner.error());
    record.owner = *owner;
  }
  std::optional<uint32_t> ttl;
  std::optional<RrClass> klass;
  for (int k = 0; k < 2 && i < tokens.size(); ++k) {
    if (!ttl && LooksLikeTtl(tokens[i])) {
      auto v = ParseNumber(tokens[i].text, kMaxTtl, true);
      if (!v) return Error(file, line.line, Errc::kBadNumber, "bad TTL '" + tokens[i].text + "'");
      ttl = static_cast<uint32_t>(*v);
      ++i;
    } else if (auto c = tokens[i].quoted ? std::nullopt : RrClassFromText(tokens[i].text); !klass && c) {
      klass = *c;
      ++i;
    } else {
      break;
    }
  }
  if (i >= tokens.size()) return Error(file, line.line, Errc::kSyntax, "missing type");
  auto type = RrTypeFromText(tokens[i].text);
  if (!type || tokens[i].quoted) {
    return Error(file, line.line, Errc::kUnknownType, "unknown type '" + tokens[i].text + "'");
  }
  ++i;
  record.type = *type;
  record.klass = klass.value_or(state.last_class);
  auto rdata = RdataBytesFromText(record.type, std::span<const Token>(tokens).subspan(i), state.origin);
  if (!rdata) {
    return Error(file, line.line, rdata.error().code,
                 RrTypeToText(record.type) + " RDATA: " + Describe(rdata.error().code));
  }
  record.rdata = std::move(*rdata);
  if (ttl) {
    record.ttl = *ttl;
  } else if (state.dollar_ttl) {
    record.ttl = *state.dollar_ttl;
  } else if (state.last_ttl) {
    record.ttl = *state.last_ttl;
  } else if (record.type == RrType::SOA) {
    record.ttl = Decode<rdata::SOA>(record.rdata)->minimum;  // RFC 1035 section 5.2 behaviour.
  } else if (options_.default_ttl) {
    record.ttl = *options_.default_ttl;
  } else {
    return Error(file, line.line, Errc::kSyntax, "no TTL given and no $TTL in effect");
  }
  state.last_ttl = record.ttl;
  state.last_owner = record.owner;
  state.last_class = record.klass;
  out_.push_back(std::move(record));
  return {};
}

}  // namespace

Result<std::vector<Record>, ZoneError> ParseZoneText(std::string_view text,
                                                     const std::string& display_name,
                                                     const ZoneParseOptions& options) {
  std::vector<Record> records;
  ZoneReader reader(options, records);
  ParseState state;
  state.origin = options.origin;
  state.last_class = options.default_class;
  ZoneStatus status = reader.Parse(text, display_name, 0, state);
  if (!status) return Unexpected<ZoneError>(status.error());
  return records;
}

Result<std::vector<Record>, ZoneError> ParseZoneFile(const std::string& path,
                                                     const ZoneParseOptions& options) {
  auto text = ReadFile(path);
  if (!text) return Unexpected<ZoneError>(ZoneError{path, 0, Errc::kIo, "cannot read file"});
  return ParseZoneText(*text, path, options);
}

}  // namespace redoubt::dns
