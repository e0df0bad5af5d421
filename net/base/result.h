// Result<T>: a value or an Error, with the member names of C++23 std::expected so that moving to
// C++23 is a type alias away (design guide section 3). Nothing reachable from network input
// throws; functions that can fail on such input return Result.
#pragma once

#include <type_traits>
#include <utility>
#include <variant>

#include "net/base/check.h"
#include "net/base/error.h"

namespace redoubt {

// The error side of a Result, as std::unexpected.
template <class E>
class Unexpected {
 public:
  constexpr explicit Unexpected(E e) : error_(std::move(e)) {}
  constexpr const E& error() const& noexcept { return error_; }
  constexpr E& error() & noexcept { return error_; }

 private:
  E error_;
};

// Shorthand: `return Fail(Errc::kTruncated, offset);`
constexpr Unexpected<Error> Fail(Errc code, uint32_t detail = 0) noexcept {
  return Unexpected<Error>(Error{code, detail});
}

// A T or an E. Accessing value() of an error Result (or error() of a value) is a CHECK failure,
// never undefined behaviour.
template <class T, class E = Error>
class [[nodiscard]] Result {
 public:
  using value_type = T;
  using error_type = E;

  constexpr Result()
    requires std::is_default_constructible_v<T>
      : storage_(std::in_place_index<0>) {}
  constexpr Result(T value) : storage_(std::in_place_index<0>, std::move(value)) {}  // NOLINT
  template <class U>
    requires(std::is_constructible_v<T, U &&> && !std::is_same_v<std::decay_t<U>, Result> &&
             !std::is_same_v<std::decay_t<U>, Unexpected<E>> && !std::is_same_v<std::decay_t<U>, T>)
  constexpr Result(U&& value)  // NOLINT
      : storage_(std::in_place_index<0>, T(std::forward<U>(value))) {}
  constexpr Result(Unexpected<E> unexpected)  // NOLINT
      : storage_(std::in_place_index<1>, std::move(unexpected.error())) {}

  constexpr bool has_value() const noexcept { return storage_.index() == 0; }
  constexpr explicit operator bool() const noexcept { return has_value(); }

  constexpr T& value() & {
    CHECK(has_value());
    return std::get<0>(storage_);
  }
  constexpr const T& value() const& {
    CHECK(has_value());
    return std::get<0>(storage_);
  }
  constexpr T&& value() && {
    CHECK(has_value());
    return std::get<0>(std::move(storage_));
  }
  constexpr const E& error() const {
    CHECK(!has_value());
    return std::get<1>(storage_);
  }
  template <class U>
  constexpr T value_or(U&& fallback) const& {
    return has_value() ? std::get<0>(storage_) : static_cast<T>(std::forward<U>(fallback));
  }

  constexpr T& operator*() & { return value(); }
  constexpr const T& operator*() const& { return value(); }
  constexpr T&& operator*() && { return std::move(*this).value(); }
  constexpr T* operator->() { return &value(); }
  constexpr const T* operator->() const { return &value(); }

 private:
  std::variant<T, E> storage_;
};

// Result<void>: success or an error.
template <class E>
class [[nodiscard]] Result<void, E> {
 public:
  using value_type = void;
  using error_type = E;

  constexpr Result() = default;
  constexpr Result(Unexpected<E> unexpected)  // NOLINT
      : error_(std::move(unexpected.error())), ok_(false) {}

  constexpr bool has_value() const noexcept { return ok_; }
  constexpr explicit operator bool() const noexcept { return ok_; }
  constexpr void value() const { CHECK(ok_); }
  constexpr const E& error() const {
    CHECK(!ok_);
    return error_;
  }

 private:
  E error_{};
  bool ok_ = true;
};

using Status = Result<void>;

}  // namespace redoubt

#define REDOUBT_CONCAT_INNER(a, b) a##b
#define REDOUBT_CONCAT(a, b) REDOUBT_CONCAT_INNER(a, b)

// Evaluates expr (a Result); on error returns its error from the enclosing function.
#define RETURN_IF_ERROR(expr)                                                   \
  do {                                                                          \
    if (auto redoubt_status_ = (expr); !redoubt_status_.has_value())            \
      return ::redoubt::Unexpected<::redoubt::Error>(redoubt_status_.error()); \
  } while (0)

#define REDOUBT_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr)                \
  auto tmp = (expr);                                                 \
  if (!tmp.has_value()) return ::redoubt::Unexpected<::redoubt::Error>(tmp.error()); \
  lhs = std::move(tmp).value()

// Evaluates expr (a Result<T>); on error returns it, else assigns the value to lhs
// (which may be a declaration: `ASSIGN_OR_RETURN(auto name, ReadName(r));`).
#define ASSIGN_OR_RETURN(lhs, expr) \
  REDOUBT_ASSIGN_OR_RETURN_IMPL(REDOUBT_CONCAT(redoubt_result_, __LINE__), lhs, expr)
