// Splits RFC 1035 section 5.1 master-file text into logical lines of tokens: parentheses join
// physical lines, ';' starts a comment, double quotes make one token of text with spaces, and
// escapes are kept raw for the field parsers. Used by the zone parser.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "net/base/result.h"
#include "net/dns/rdata/text_codec.h"

namespace redoubt::dns {

struct LogicalLine {
  std::vector<Token> tokens;
  size_t line = 0;                  // Physical line where the logical line starts (1-based).
  bool starts_with_blank = false;   // The owner field is empty: reuse the previous owner.
};

class ZoneTokenizer {
 public:
  explicit ZoneTokenizer(std::string_view text) : text_(text) {}

  // The next logical line with at least one token; false at end of input. On malformed input
  // (unbalanced parentheses, unterminated quote, a line longer than 64 KiB of tokens) returns
  // an error whose detail is the physical line number.
  Result<bool> Next(LogicalLine& out);

 private:
  Status ReadQuoted(std::string& token);
  void SkipComment();

  std::string_view text_;
  size_t pos_ = 0;
  size_t line_ = 1;
};

}  // namespace redoubt::dns
