#include "resolver/control/control_reply.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace redoubt::resolver {
namespace {

// The length of the valid UTF-8 sequence (RFC 3629 section 4) starting at `text[i]`, or 0.
size_t Utf8SequenceLength(std::string_view text, size_t i) {
  auto at = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char lead = at(i);
  size_t length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 0;
  if (length == 0 || i + length > text.size()) return 0;
  for (size_t k = 1; k < length; ++k) {
    if ((at(i + k) & 0xC0) != 0x80) return 0;
  }
  uint32_t code = length == 1 ? lead : lead & (0x7F >> length);
  for (size_t k = 1; k < length; ++k) code = (code << 6) | (at(i + k) & 0x3F);
  static constexpr uint32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
  bool overlong = code < kSmallest[length];
  bool surrogate = code >= 0xD800 && code <= 0xDFFF;
  return overlong || surrogate || code > 0x10FFFF ? 0 : length;
}

std::string Number(double value) {
  if (!std::isfinite(value)) return std::isnan(value) ? "NaN" : value > 0 ? "+Inf" : "-Inf";
  char text[32];
  std::snprintf(text, sizeof text, "%.17g", value);
  return text;
}

std::string TextValue(const ControlValue& value) {
  if (const auto* s = std::get_if<std::string>(&value)) return *s;
  if (const auto* n = std::get_if<uint64_t>(&value)) return std::to_string(*n);
  if (const auto* d = std::get_if<double>(&value)) return Number(*d);
  return std::get<bool>(value) ? "yes" : "no";
}

std::string JsonValue(const ControlValue& value) {
  if (const auto* s = std::get_if<std::string>(&value)) return JsonString(*s);
  if (const auto* n = std::get_if<uint64_t>(&value)) return std::to_string(*n);
  if (const auto* d = std::get_if<double>(&value)) {
    return std::isfinite(*d) ? Number(*d) : JsonString(Number(*d));  // JSON has no infinities.
  }
  return std::get<bool>(value) ? "true" : "false";
}

std::string RenderRecords(const std::vector<ControlItem>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += "\n";
    size_t width = 0;
    for (const ControlField& field : items[i]) width = std::max(width, field.key.size());
    for (const ControlField& field : items[i]) {
      out += field.key + ":" + std::string(width - field.key.size() + 1, ' ') + TextValue(field.value) + "\n";
    }
  }
  return out;
}

std::string RenderTable(const std::vector<ControlItem>& items) {
  if (items.empty()) return "";
  const ControlItem& header = items.front();
  std::vector<size_t> widths;
  for (const ControlField& field : header) widths.push_back(field.key.size());
  for (const ControlItem& item : items) {
    for (size_t c = 0; c < item.size() && c < widths.size(); ++c) {
      widths[c] = std::max(widths[c], TextValue(item[c].value).size());
    }
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string text;
    for (size_t c = 0; c < cells.size(); ++c) {
      bool last = c + 1 == cells.size();
      text += last ? cells[c] : cells[c] + std::string(widths[c] - cells[c].size() + 2, ' ');
    }
    return text + "\n";
  };
  std::vector<std::string> cells;
  for (const ControlField& field : header) cells.push_back(field.key);
  std::string out = line(cells);
  for (const ControlItem& item : items) {
    cells.clear();
    for (size_t c = 0; c < item.size() && c < widths.size(); ++c) cells.push_back(TextValue(item[c].value));
    out += line(cells);
  }
  return out;
}

std::string RenderLines(const std::vector<ControlItem>& items) {
  std::string out;
  for (const ControlItem& item : items) {
    std::string text;
    for (const ControlField& field : item) text += (text.empty() ? "" : " ") + TextValue(field.value);
    out += text + "\n";
  }
  return out;
}

std::string RenderText(const ControlReply& reply) {
  if (!reply.ok) return "error: " + reply.message + "\n";
  std::string out = reply.message.empty() ? "" : reply.message + "\n";
  switch (reply.layout) {
    case ControlLayout::kRecord: return out + RenderRecords(reply.items);
    case ControlLayout::kTable: return out + RenderTable(reply.items);
    case ControlLayout::kLines: return out + RenderLines(reply.items);
  }
  return out;
}

std::string RenderJson(const ControlReply& reply) {
  if (!reply.ok) return "{\"ok\":false,\"error\":" + JsonString(reply.message) + "}\n";
  std::string out = "{\"ok\":true,\"message\":" + JsonString(reply.message) + ",\"items\":[";
  for (size_t i = 0; i < reply.items.size(); ++i) {
    out += i == 0 ? "{" : ",{";
    for (size_t f = 0; f < reply.items[i].size(); ++f) {
      const ControlField& field = reply.items[i][f];
      out += (f == 0 ? "" : ",") + JsonString(field.key) + ":" + JsonValue(field.value);
    }
    out += "}";
  }
  return out + "]}\n";
}

}  // namespace

std::string JsonString(std::string_view text) {
  std::string out = "\"";
  for (size_t i = 0; i < text.size();) {
    auto c = static_cast<unsigned char>(text[i]);
    size_t length = Utf8SequenceLength(text, i);
    if (length == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER for an invalid octet.
      ++i;
      continue;
    }
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7F) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
      out += escaped;
    } else {
      out.append(text.substr(i, length));
    }
    i += length;
  }
  return out + "\"";
}

std::string RenderControlReply(const ControlReply& reply, ControlFormat format) {
  return format == ControlFormat::kJson ? RenderJson(reply) : RenderText(reply);
}

std::string EncodeControlReply(const ControlReply& reply, ControlFormat format) {
  return std::string(reply.ok ? "OK\n" : "ERROR\n") + RenderControlReply(reply, format);
}

}  // namespace redoubt::resolver
