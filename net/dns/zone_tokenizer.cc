#include "net/dns/zone_tokenizer.h"

namespace redoubt::dns {
namespace {
constexpr size_t kMaxLogicalLine = 1 << 16;
bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r'; }
}  // namespace

void ZoneTokenizer::SkipComment() {
  while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
}

// Reads from just after an opening quote to just after the closing one, keeping escapes raw.
Status ZoneTokenizer::ReadQuoted(std::string& token) {
  size_t start_line = line_;
  while (pos_ < text_.size()) {
    char c = text_[pos_++];
    if (c == '"') return {};
    if (c == '\n') ++line_;
    if (c == '\\' && pos_ < text_.size()) {
      token.push_back(c);
      c = text_[pos_++];
      if (c == '\n') ++line_;
    }
    token.push_back(c);
    if (token.size() > kMaxLogicalLine) return Fail(Errc::kSyntax, static_cast<uint32_t>(start_line));
  }
  return Fail(Errc::kSyntax, static_cast<uint32_t>(start_line));  // Unterminated quote.
}

Result<bool> ZoneTokenizer::Next(LogicalLine& out) {
  out = LogicalLine{};
  int depth = 0;
  size_t paren_line = 0, total = 0;
  bool at_line_start = true;
  while (pos_ < text_.size()) {
    char c = text_[pos_];
    if (c == '\n') {
      ++pos_;
      ++line_;
      if (depth == 0 && !out.tokens.empty()) return true;
      at_line_start = depth == 0;
      continue;
    }
    if (IsBlank(c)) {
      if (at_line_start && out.tokens.empty()) out.starts_with_blank = true;
      at_line_start = false;
      ++pos_;
      continue;
    }
    at_line_start = false;
    if (c == ';') {
      SkipComment();
      continue;
    }
    if (c == '(' || c == ')') {
      ++pos_;
      if (c == '(' && depth++ == 0) paren_line = line_;
      if (c == ')' && --depth < 0) return Fail(Errc::kSyntax, static_cast<uint32_t>(line_));
      continue;
    }
    if (out.tokens.empty()) out.line = line_;
    Token token;
    if (c == '"') {
      ++pos_;
      token.quoted = true;
      RETURN_IF_ERROR(ReadQuoted(token.text));
    } else {
      // A bare token; a quote inside it ("alpn="h2,h3"") quotes a part of the same token.
      while (pos_ < text_.size()) {
        c = text_[pos_];
        if (IsBlank(c) || c == '\n' || c == ';' || c == '(' || c == ')') break;
        ++pos_;
        if (c == '"') {
          RETURN_IF_ERROR(ReadQuoted(token.text));
          continue;
        }
        token.text.push_back(c);
        if (c == '\\' && pos_ < text_.size() && text_[pos_] != '\n') token.text.push_back(text_[pos_++]);
      }
    }
    total += token.text.size();
    if (total > kMaxLogicalLine) return Fail(Errc::kSyntax, static_cast<uint32_t>(out.line));
    out.tokens.push_back(std::move(token));
  }
  if (depth != 0) return Fail(Errc::kSyntax, static_cast<uint32_t>(paren_line));
  return !out.tokens.empty();
}

}  // namespace redoubt::dns
