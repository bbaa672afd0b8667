#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

// The JSON bodies the companion device sends to the authenticator API (authenticator_api.h), read
// into plain values without a server, so they can be tested and fuzzed on their own. Pure;
// thread-safe.
namespace secinfo::api {

// POST /api/authenticator/enrol/:token
struct EnrolBody {
  std::string public_key;  // "" when absent or not a string
};

// POST /api/authenticator/requests/:id
struct AnswerBody {
  std::string device;     // "" when absent or not a string, as every text field here
  std::string decision;   // "approve" or "deny", checked by the flow
  std::string signature;  // the device's signature over the answer, checked by the flow
  int64_t number = 0;     // the number typed by the person; 0 when absent or not an integer
  bool report = false;    // "this was not me"; false when absent or not a boolean
};

// nullopt when `body` is not a JSON object (malformed JSON included): the caller answers 400.
// Fields of the wrong type read as their defaults rather than refusing the body.
std::optional<EnrolBody> ParseEnrolBody(std::string_view body);
std::optional<AnswerBody> ParseAnswerBody(std::string_view body);

}  // namespace secinfo::api
