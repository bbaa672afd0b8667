#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace secinfo::cli::authenticator {

// The JSON-over-HTTP contract between the companion authenticator and a secinfo server, as pure
// functions: what to sign, what to send, how to read the replies. No I/O; thread-safe.
//
//   enrol   POST <link> {"public_key","device_name"} -> {"device_id","account","issuer","api",
//           "otpauth"}
//   poll    GET  <api>/requests?device=&ts=&sig=     -> {"requests":[{"id","account","app","ip",
//           "created_at","expires_at"}]}  (a long poll: empty after ~10 s)
//   answer  POST <api>/requests/<id> {"device","decision","number","report","signature"}
//           -> {"outcome"}

// A sign-in waiting for the person's answer.
struct PushRequest {
  std::string id;  // a [A-Za-z0-9_-] token
  std::string account;
  std::string app;         // what the person is signing in to
  std::string ip;          // where the sign-in comes from
  int64_t created_at = 0;  // Unix milliseconds; signed into the answer
  int64_t expires_at = 0;  // Unix milliseconds
};

enum class Decision { kApprove, kDeny };

struct PushAnswer {
  Decision decision = Decision::kDeny;
  int number = 0;       // the number the person typed; ignored (sent as 0) for kDeny
  bool report = false;  // "report suspicious"; ignored for kApprove
};

enum class AnswerOutcome {
  kApproved,
  kDenied,
  kWrongNumber,
  kExpired,
  kBadSignature,
  kNotPending,  // answered before (e.g. by another run of `wait`) or otherwise gone
};

// True for a non-empty string of [A-Za-z0-9_-] of at most 256 characters: the shape of ids made
// by Random::Token, safe in a URL and in signed payloads.
bool IsToken(std::string_view s);

// The bytes a device signs to poll: "secinfo-poll-v1\n<device_id>\n<ts>\n", `ts` in Unix seconds.
std::string PollSigningPayload(std::string_view device_id, int64_t ts);

// "<api>/requests?device=<device_id>&ts=<ts>&sig=<signature_b64>", values percent-encoded.
std::string PollUrl(std::string_view api, std::string_view device_id, int64_t ts,
                    std::string_view signature_b64);

// "<api>/requests/<id>". REQUIRES: IsToken(id).
std::string AnswerUrl(std::string_view api, std::string_view id);

std::string EnrolBody(std::string_view public_key_b64, std::string_view device_name);

struct EnrolReply {
  std::string device_id;
  std::string account;
  std::string issuer;
  std::string api;  // trailing '/' removed
  std::string otpauth;
};

// Reads a 200 enrolment reply. Returns InvalidArgument when it is not JSON, or lacks device_id (a
// token), account or api. issuer and otpauth may be absent.
Result<EnrolReply> ParseEnrolReply(std::string_view body);

// Reads a 200 poll reply. Returns InvalidArgument when it is not JSON, has no "requests" array, or
// a request lacks an id that IsToken accepts or an integer created_at.
Result<std::vector<PushRequest>> ParseRequests(std::string_view body);

// The payload to sign for `answer`: methods/authenticator/push.h PushSigningPayload of the
// request's id and created_at, the decision, and the number (0 for a denial).
// REQUIRES: IsToken(request.id).
std::string AnswerSigningPayload(const PushRequest& request, const PushAnswer& answer);

// The JSON body of an answer; `signature_b64` signs AnswerSigningPayload(request, answer).
std::string AnswerBody(std::string_view device_id, const PushAnswer& answer,
                       std::string_view signature_b64);

// Reads a 200 answer reply. Returns InvalidArgument when it is not JSON or the outcome is unknown.
Result<AnswerOutcome> ParseOutcome(std::string_view body);

// The "error" string of an error reply ({"error":"expired"}), or "" when there is none.
std::string ErrorOf(std::string_view body);

}  // namespace secinfo::cli::authenticator
