#include "net/base/error.h"

namespace redoubt {

std::string_view ErrcName(Errc code) noexcept {
  switch (code) {
#define REDOUBT_ERRC(name) \
  case Errc::k##name:      \
    return #name;
    REDOUBT_ERRC(Ok)
    REDOUBT_ERRC(InvalidArgument)
    REDOUBT_ERRC(OutOfRange)
    REDOUBT_ERRC(NotFound)
    REDOUBT_ERRC(Internal)
    REDOUBT_ERRC(Unsupported)
    REDOUBT_ERRC(Truncated)
    REDOUBT_ERRC(LabelTooLong)
    REDOUBT_ERRC(NameTooLong)
    REDOUBT_ERRC(BadLabelType)
    REDOUBT_ERRC(BadPointer)
    REDOUBT_ERRC(PointerIntoHeader)
    REDOUBT_ERRC(TooManyPointers)
    REDOUBT_ERRC(RdataLength)
    REDOUBT_ERRC(BadRdata)
    REDOUBT_ERRC(CountMismatch)
    REDOUBT_ERRC(TrailingData)
    REDOUBT_ERRC(OptMisplaced)
    REDOUBT_ERRC(OptDuplicate)
    REDOUBT_ERRC(TsigMisplaced)
    REDOUBT_ERRC(BadEdnsOption)
    REDOUBT_ERRC(BufferFull)
    REDOUBT_ERRC(Syntax)
    REDOUBT_ERRC(BadEscape)
    REDOUBT_ERRC(BadNumber)
    REDOUBT_ERRC(BadBase64)
    REDOUBT_ERRC(BadHex)
    REDOUBT_ERRC(BadBase32)
    REDOUBT_ERRC(BadTime)
    REDOUBT_ERRC(UnknownType)
    REDOUBT_ERRC(UnknownClass)
    REDOUBT_ERRC(UnknownAlgorithm)
    REDOUBT_ERRC(IncludeDepth)
    REDOUBT_ERRC(Io)
    REDOUBT_ERRC(CryptoFailure)
    REDOUBT_ERRC(DigestMismatch)
    REDOUBT_ERRC(NonceMismatch)
    REDOUBT_ERRC(CorruptEntry)
    REDOUBT_ERRC(CacheFull)
#undef REDOUBT_ERRC
  }
  return "Unknown";
}

}  // namespace redoubt
