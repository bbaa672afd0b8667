#include "core/status.h"

namespace secinfo {

std::string Status::ToString() const {
  const char* name = "OK";
  switch (code_) {
    case Code::kOk:
      return "OK";
    case Code::kNotFound:
      name = "NotFound";
      break;
    case Code::kInvalidArgument:
      name = "InvalidArgument";
      break;
    case Code::kAlreadyExists:
      name = "AlreadyExists";
      break;
    case Code::kPermissionDenied:
      name = "PermissionDenied";
      break;
    case Code::kFailedPrecondition:
      name = "FailedPrecondition";
      break;
    case Code::kResourceExhausted:
      name = "ResourceExhausted";
      break;
    case Code::kUnavailable:
      name = "Unavailable";
      break;
    case Code::kUnimplemented:
      name = "Unimplemented";
      break;
    case Code::kInternal:
      name = "Internal";
      break;
  }
  return std::string(name) + ": " + message_;
}

}  // namespace secinfo
