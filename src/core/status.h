#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace secinfo {

// The outcome of a fallible operation. A Status is either OK or carries a code and a message meant
// for logs (never shown to a person as is: pages translate codes, not messages). Thread-compatible:
// a const Status may be read from several threads.
class Status {
 public:
  enum class Code {
    kOk,
    kNotFound,
    kInvalidArgument,
    kAlreadyExists,
    kPermissionDenied,
    kFailedPrecondition,  // the state does not allow this now (e.g. an attempt already ended)
    kResourceExhausted,   // rate limited
    kUnavailable,         // a database or provider could not be reached
    kUnimplemented,  // this implementation cannot do that at all (a provider without a feature)
    kInternal,
  };

  Status() = default;
  static Status Ok() { return Status(); }
  static Status NotFound(std::string msg) { return Status(Code::kNotFound, std::move(msg)); }
  static Status InvalidArgument(std::string msg) {
    return Status(Code::kInvalidArgument, std::move(msg));
  }
  static Status AlreadyExists(std::string msg) {
    return Status(Code::kAlreadyExists, std::move(msg));
  }
  static Status PermissionDenied(std::string msg) {
    return Status(Code::kPermissionDenied, std::move(msg));
  }
  static Status FailedPrecondition(std::string msg) {
    return Status(Code::kFailedPrecondition, std::move(msg));
  }
  static Status ResourceExhausted(std::string msg) {
    return Status(Code::kResourceExhausted, std::move(msg));
  }
  static Status Unavailable(std::string msg) { return Status(Code::kUnavailable, std::move(msg)); }
  static Status Unimplemented(std::string msg) {
    return Status(Code::kUnimplemented, std::move(msg));
  }
  static Status Internal(std::string msg) { return Status(Code::kInternal, std::move(msg)); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  std::string ToString() const;

 private:
  Status(Code code, std::string msg) : code_(code), message_(std::move(msg)) {}

  Code code_ = Code::kOk;
  std::string message_;
};

}  // namespace secinfo
