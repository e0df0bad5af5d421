#include "resolver/validator/denial.h"

namespace redoubt::resolver {

using dns::RrType;

std::string_view DenialResultName(DenialResult result) noexcept {
  switch (result) {
    case DenialResult::kProven:
      return "proven";
    case DenialResult::kOptOut:
      return "opt-out";
    case DenialResult::kNotProven:
      return "not-proven";
    case DenialResult::kIterationsTooHigh:
      return "iterations-too-high";
    case DenialResult::kBudgetExhausted:
      return "budget-exhausted";
  }
  return "?";
}

std::string_view DsDenialName(DsDenial result) noexcept {
  switch (result) {
    case DsDenial::kNotProven:
      return "not-proven";
    case DsDenial::kInsecureDelegation:
      return "insecure-delegation";
    case DsDenial::kNotADelegation:
      return "not-a-delegation";
    case DsDenial::kNoSuchName:
      return "no-such-name";
    case DsDenial::kIterationsTooHigh:
      return "iterations-too-high";
    case DsDenial::kBudgetExhausted:
      return "budget-exhausted";
  }
  return "?";
}

bool BlocksNamesBelow(const dns::TypeBitmap& types) noexcept {
  return (types.Contains(RrType::NS) && !types.Contains(RrType::SOA)) ||
         types.Contains(RrType::DNAME);
}

bool BitmapDeniesType(const dns::TypeBitmap& types, RrType qtype, const dns::Name& owner,
                      RrType parent_type) noexcept {
  if (types.Contains(qtype) || types.Contains(RrType::CNAME)) return false;
  if (qtype == RrType::DS && types.Contains(RrType::SOA)) return owner.IsRoot();
  if (types.Contains(RrType::NS) && !types.Contains(RrType::SOA)) return qtype == parent_type;
  return true;
}

}  // namespace redoubt::resolver
