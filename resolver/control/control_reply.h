// The control protocol's reply (docs/control.md; issue #16): what the daemon answers a request
// (control_request.h) with, rendered for people or for scripts. On the socket the reply is a
// status line, "OK" or "ERROR", then the rendered body, then the daemon closes the connection:
// redoubt-control exits 0 or 1 from the status line without parsing the body.
//
// Text: the message line, then the items: a record's fields as "key: value" lines, a table's
// rows under a header with aligned columns, or bare lines (zone-file text, metric samples).
// JSON (RFC 8259): {"ok":true,"message":...,"items":[{field:value,...},...]} or
// {"ok":false,"error":...}; strings escaped per RFC 8259 section 7, any octet that is not
// valid UTF-8 replaced by U+FFFD, so the output always parses.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "resolver/control/control_request.h"

namespace redoubt::resolver {

using ControlValue = std::variant<std::string, uint64_t, double, bool>;

struct ControlField {
  std::string key;
  ControlValue value;
};

using ControlItem = std::vector<ControlField>;

enum class ControlLayout : uint8_t {
  kRecord,  // One item (or several, blank-line separated): "key: value" lines.
  kTable,   // Items as rows of aligned columns under a header of the keys.
  kLines,   // Each item's values joined by one space, one item per line.
};

struct ControlReply {
  bool ok = true;
  std::string message;  // A sentence for the operator; the reason when !ok.
  ControlLayout layout = ControlLayout::kRecord;
  std::vector<ControlItem> items;

  static ControlReply Error(std::string reason) {
    ControlReply reply;
    reply.ok = false;
    reply.message = std::move(reason);
    return reply;
  }
};

// The body in `format` (without the status line), ending with a line feed.
std::string RenderControlReply(const ControlReply& reply, ControlFormat format);

// The status line and body, as written on the socket.
std::string EncodeControlReply(const ControlReply& reply, ControlFormat format);

// `text` as a JSON string literal, quotes included (RFC 8259 section 7).
std::string JsonString(std::string_view text);

}  // namespace redoubt::resolver
