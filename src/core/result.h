#pragma once

#include <cassert>
#include <utility>
#include <variant>

#include "core/status.h"

namespace secinfo {

// Either a value of type T or a non-OK Status. Construct from a T for success, from a Status for
// failure (REQUIRES: that Status is not OK).
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT: implicit by design, like std::expected
  Result(Status status) : v_(std::move(status)) {  // NOLINT
    assert(!std::get<Status>(v_).ok());
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return ok(); }

  // REQUIRES: ok()
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  // OK when a value is held.
  Status status() const { return ok() ? Status::Ok() : std::get<Status>(v_); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace secinfo

// Returns early from the enclosing function with the Status of a failed expression.
#define SECINFO_RETURN_IF_ERROR(expr)   \
  do {                                  \
    ::secinfo::Status status_ = (expr); \
    if (!status_.ok()) return status_;  \
  } while (0)
