// The BIND key-file reader: a small tokenizer (words, quoted strings, `{`, `}`, `;`, comments)
// and a parser for `key NAME { algorithm ALG; secret "BASE64"; };` clauses. Error reasons never
// quote the file's text except key names: a misplaced secret must not end up in a log.
#include "resolver/config/bind_key_file.h"

#include <optional>

namespace redoubt::resolver {
namespace {

struct Token {
  enum Kind : uint8_t { kWord, kString, kOpen, kClose, kSemicolon, kEnd } kind = kEnd;
  std::string_view text;  // A word or a string's contents.
  size_t line = 1;
};

class Tokenizer {
 public:
  explicit Tokenizer(std::string_view text) : text_(text) {}

  // The next token, or a reason (the line is line()).
  Result<Token, std::string> Next() {
    if (!SkipSpaceAndComments()) return Unexpected(std::string("a /* comment is not closed"));
    Token token{Token::kEnd, {}, line_};
    if (pos_ == text_.size()) return token;
    char c = text_[pos_];
    if (c == '{' || c == '}' || c == ';') {
      token.kind = c == '{' ? Token::kOpen : c == '}' ? Token::kClose : Token::kSemicolon;
      ++pos_;
      return token;
    }
    if (c == '"') return QuotedString(token);
    size_t start = pos_;
    while (pos_ < text_.size() && !IsDelimiter(text_[pos_])) ++pos_;
    token.kind = Token::kWord;
    token.text = text_.substr(start, pos_ - start);
    return token;
  }

  size_t line() const { return line_; }

 private:
  static bool IsDelimiter(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '{' || c == '}' || c == ';' ||
           c == '"';
  }

  bool StartsWith(std::string_view prefix) const { return text_.substr(pos_).starts_with(prefix); }

  void SkipPast(char end) {
    while (pos_ < text_.size() && text_[pos_] != end) ++pos_;
  }

  // Comments start only where a token could: inside a word, `//` is part of it (base64 has '/').
  bool SkipSpaceAndComments() {
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c == '\n') ++line_;
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        ++pos_;
      } else if (c == '#' || StartsWith("//")) {
        SkipPast('\n');
      } else if (StartsWith("/*")) {
        size_t end = text_.find("*/", pos_ + 2);
        if (end == std::string_view::npos) return false;
        for (; pos_ < end; ++pos_) line_ += text_[pos_] == '\n';
        pos_ = end + 2;
      } else {
        break;
      }
    }
    return true;
  }

  Result<Token, std::string> QuotedString(Token token) {
    size_t start = ++pos_;
    while (pos_ < text_.size() && text_[pos_] != '"' && text_[pos_] != '\n') ++pos_;
    if (pos_ == text_.size() || text_[pos_] != '"')
      return Unexpected(std::string("a quoted string is not closed on its line"));
    token.kind = Token::kString;
    token.text = text_.substr(start, pos_ - start);
    ++pos_;
    return token;
  }

  std::string_view text_;
  size_t pos_ = 0;
  size_t line_ = 1;
};

class BindKeyParser {
 public:
  BindKeyParser(std::string_view text, const std::string& file) : tokens_(text), file_(file) {}

  Result<std::vector<TsigKeyConfig>, ConfigError> Parse() {
    std::vector<TsigKeyConfig> keys;
    for (;;) {
      auto token = Next();
      if (!token) return Unexpected(*error_);
      if (token->kind == Token::kEnd) break;
      if (token->kind != Token::kWord || token->text != "key") {
        return Unexpected(
            Error(token->line,
                  "only key clauses (key NAME { algorithm ALG; secret \"BASE64\"; };) "
                  "may be in a key file"));
      }
      auto key = Clause(token->line);
      if (!key) return Unexpected(*error_);
      keys.push_back(std::move(*key));
    }
    if (keys.empty()) return Unexpected(Error(1, "the file holds no key clause"));
    return keys;
  }

 private:
  ConfigError Error(size_t line, std::string reason) const {
    return ConfigError{file_, line, std::move(reason)};
  }
  bool Failed(size_t line, std::string reason) {
    if (!error_) error_ = Error(line, std::move(reason));
    return false;
  }
  std::nullopt_t Fails(size_t line, std::string reason) {
    Failed(line, std::move(reason));
    return std::nullopt;
  }

  // The next token; a tokenizer error becomes error_.
  std::optional<Token> Next() {
    auto token = tokens_.Next();
    if (token) return *token;
    return Fails(tokens_.line(), token.error());
  }

  std::optional<Token> Expect(Token::Kind kind, const std::string& what) {
    auto token = Next();
    if (!token) return std::nullopt;
    if (token->kind != kind) return Fails(token->line, "expected " + what);
    return token;
  }

  // key NAME { algorithm ALG; secret "BASE64"; };   `key` already read, on line `line`.
  std::optional<TsigKeyConfig> Clause(size_t line) {
    auto name_token = Next();
    if (!name_token) return std::nullopt;
    if (name_token->kind != Token::kWord && name_token->kind != Token::kString) {
      return Fails(name_token->line, "a key clause needs a name after 'key'");
    }
    auto name = ParseTsigKeyName(name_token->text);
    if (!name) return Fails(name_token->line, name.error());
    TsigKeyConfig key;
    key.name = *name;
    key.origin = file_ + ":" + std::to_string(line);
    if (!Expect(Token::kOpen, "'{' after the name of key " + key.name.ToText()))
      return std::nullopt;
    if (!Statements(key, line)) return std::nullopt;
    if (!Expect(Token::kSemicolon, "';' after the '}' of key " + key.name.ToText()))
      return std::nullopt;
    return key;
  }

  // The statements up to the clause's closing brace; each of algorithm and secret exactly once.
  bool Statements(TsigKeyConfig& key, size_t line) {
    const std::string prefix = "TSIG key " + key.name.ToText() + ": ";
    bool have_algorithm = false, have_secret = false;
    for (;;) {
      auto token = Next();
      if (!token) return false;
      if (token->kind == Token::kClose) break;
      bool is_algorithm = token->kind == Token::kWord && token->text == "algorithm";
      bool is_secret = token->kind == Token::kWord && token->text == "secret";
      if (token->kind == Token::kEnd)
        return Failed(line, prefix + "the clause is not closed with '};'");
      if (!is_algorithm && !is_secret) {
        return Failed(token->line,
                      prefix + "unknown statement (a key holds 'algorithm' and 'secret')");
      }
      bool& seen = is_algorithm ? have_algorithm : have_secret;
      if (seen) return Failed(token->line, prefix + std::string(token->text) + " given twice");
      seen = true;
      if (!Value(key, is_algorithm)) return false;
    }
    if (!have_algorithm) return Failed(line, prefix + "no algorithm statement");
    if (!have_secret) return Failed(line, prefix + "no secret statement");
    return true;
  }

  // The value of `algorithm` or `secret` and its `;`.
  bool Value(TsigKeyConfig& key, bool is_algorithm) {
    const char* what = is_algorithm ? "an algorithm" : "a secret";
    auto value = Next();
    if (!value) return false;
    if (value->kind != Token::kWord && value->kind != Token::kString) {
      return Failed(value->line, "TSIG key " + key.name.ToText() + ": expected " + what);
    }
    if (is_algorithm) {
      auto algorithm = ParseTsigKeyAlgorithmFor(key.name, value->text);
      if (!algorithm) return Failed(value->line, algorithm.error());
      key.algorithm = algorithm->algorithm;
      key.mac_bits = algorithm->mac_bits;
    } else {
      auto secret = DecodeTsigSecret(key.name, value->text);
      if (!secret) return Failed(value->line, secret.error());
      key.secret = std::move(*secret);
    }
    return Expect(Token::kSemicolon,
                  "';' after " + std::string(what) + " of key " + key.name.ToText())
        .has_value();
  }

  Tokenizer tokens_;
  const std::string& file_;
  std::optional<ConfigError> error_;
};

}  // namespace

Result<std::vector<TsigKeyConfig>, ConfigError> ParseBindKeyFile(std::string_view text,
                                                                 const std::string& display_name) {
  return BindKeyParser(text, display_name).Parse();
}

}  // namespace redoubt::resolver
