#include "resolver/mirror/transfer_client.h"

#include <memory>
#include <utility>

#include "crypto/random.h"
#include "net/dns/message_builder.h"
#include "net/io/tcp_stream.h"

namespace redoubt::resolver {
namespace {

using Failure = Unexpected<std::string>;

Result<std::vector<uint8_t>, std::string> BuildRequest(const TransferRequest& request, uint16_t id) {
  dns::MessageBuilder builder(65535);
  builder.header().id = id;
  if (!builder.AddQuestion(request.zone, request.type)) return Failure("the request does not fit");
  if (request.type == dns::RrType::IXFR && request.current_soa) {
    const dns::Record& soa = *request.current_soa;
    if (!builder.AddRecord(dns::Section::kAuthority, soa.owner, soa.type, soa.klass, soa.ttl, soa.rdata)) {
      return Failure("the request does not fit");
    }
  }
  auto wire = std::move(builder).Finish();
  if (!wire) return Failure("the request could not be built");
  return *std::move(wire);
}

// The state one transfer's stream consumer keeps between messages.
struct StreamReading {
  StreamReading(const TransferRequest& request, uint16_t query_id)
      : reader(request.zone, request.type,
               request.current_soa ? SerialOf(*request.current_soa) : 0, request.limits),
        id(query_id) {}

  static uint32_t SerialOf(const dns::Record& soa) {
    auto decoded = dns::Decode<dns::rdata::SOA>(soa.rdata);
    return decoded ? decoded->serial : 0;
  }

  dns::ZoneTransferReader reader;
  uint16_t id;
  size_t messages = 0;  // Messages taken so far, the one being taken included (from 1).
  std::optional<crypto::TsigStreamState> tsig;
  std::string failure;
  bool complete = false;
};

// Takes one message of the answer: TSIG first (when signed), then the ID, then the reader.
io::StreamStep TakeMessage(StreamReading& reading, const TransferRequest& request,
                           std::span<const uint8_t> message, uint64_t now) {
  ++reading.messages;
  std::vector<uint8_t> stripped;
  if (reading.tsig) {
    crypto::TsigVerification v = crypto::VerifyTsigStreamMessage(message, *request.key, now, *reading.tsig);
    if (v.verdict != crypto::TsigVerdict::kOk && v.verdict != crypto::TsigVerdict::kUnsignedInStream) {
      reading.failure = "TSIG: message " + std::to_string(reading.messages) +
                        " of the transfer refused (" + std::string(crypto::TsigVerdictName(v.verdict)) + ")";
      if (v.verdict == crypto::TsigVerdict::kServerError) {
        reading.failure += ": the primary answered TSIG error " + crypto::TsigErrorName(v.error);
      }
      return io::StreamStep::kAbort;
    }
    stripped = std::move(v.message);
    message = stripped;
  }
  auto view = dns::MessageView::Parse(message);
  if (!view) {
    reading.failure = "a transfer message that does not parse";
    return io::StreamStep::kAbort;
  }
  if (view->header().id != reading.id) {
    reading.failure = "a transfer message with another ID";
    return io::StreamStep::kAbort;
  }
  auto fed = reading.reader.Feed(*view);
  if (!fed) {
    reading.failure = fed.error();
    return io::StreamStep::kAbort;
  }
  if (!*fed) return io::StreamStep::kMore;
  if (reading.tsig && reading.tsig->unsigned_count != 0) {
    reading.failure = "TSIG: the transfer's last message (message " + std::to_string(reading.messages) +
                      ") is unsigned (RFC 8945 section 5.3.1)";
    return io::StreamStep::kAbort;
  }
  reading.complete = true;
  return io::StreamStep::kDone;
}

std::string TransportFailure(const io::StreamResult& result) {
  switch (result.status) {
    case io::ExchangeStatus::kTimeout: return "the transfer timed out";
    case io::ExchangeStatus::kCancelled: return "the transfer was cancelled";
    case io::ExchangeStatus::kRejected: return "the transfer was refused (too large or malformed framing)";
    default:
      return std::string("the connection failed (") + uv_strerror(result.uv_error) + ")";
  }
}

}  // namespace

Task<Result<dns::ZoneTransfer, std::string>> TransferZone(uv_loop_t* loop, Endpoint primary,
                                                          TransferRequest request,
                                                          const Clock& clock) {
  uint16_t id = crypto::RandomU16();
  auto wire = BuildRequest(request, id);
  if (!wire) co_return Failure(wire.error());
  auto reading = std::make_shared<StreamReading>(request, id);
  if (request.key != nullptr) {
    crypto::TsigSignOptions sign;
    sign.time_signed = static_cast<uint64_t>(clock.WallSeconds());
    auto signed_request = crypto::SignTsig(*wire, *request.key, sign);
    if (!signed_request) co_return Failure("TSIG: the request could not be signed");
    *wire = std::move(signed_request->message);
    reading->tsig.emplace();
    reading->tsig->prior_mac = std::move(signed_request->mac);
  }
  io::StreamOptions options;
  options.timeout_ms = request.timeout_ms;
  options.idle_ms = request.idle_ms;
  options.stop = request.stop;
  io::StreamConsumer consumer = [reading, &request, &clock](std::span<const uint8_t> message) {
    return TakeMessage(*reading, request, message, static_cast<uint64_t>(clock.WallSeconds()));
  };
  io::StreamResult result = co_await io::TcpStreamExchange(loop, primary, std::move(*wire),
                                                           std::move(consumer), std::move(options));
  if (reading->complete && result.status == io::ExchangeStatus::kReply) {
    co_return std::move(reading->reader).Take();
  }
  if (!reading->failure.empty()) co_return Failure(std::move(reading->failure));
  co_return Failure(TransportFailure(result));
}

}  // namespace redoubt::resolver
