#pragma once

#include <cstdint>
#include <string>

// What an SMPP 3.4 command_status (§5.1.3) means for us. Pure, thread-safe.
namespace secinfo::channels::smpp {

enum class SubmitOutcome {
  kAccepted,       // ESME_ROK: the SMSC took the part for delivery
  kRetryLater,     // throttled or queue full (ESME_RTHROTTLED, ESME_RMSGQFUL, ...): same PDU later
  kRebind,         // ESME_RINVBNDSTS: the SMSC no longer sees us bound; bind again, resubmit
  kInvalidNumber,  // the destination (ESME_RINVDSTADR, ESME_RINVDSTTON, ESME_RINVDSTNPI)
  kSmscFailure,    // the SMSC failed (ESME_RSYSERR, ESME_RSUBMITFAIL, unknown codes): retry later
  kRejected,       // the PDU itself was refused (source address, esm_class, length...): a bug or
                   // a setting (sms.sender) to fix; sending it again will not help
};

SubmitOutcome ClassifySubmitStatus(uint32_t command_status);

// "ESME_RTHROTTLED (throttling error)"; "command_status 0x00000400" for codes without a name.
std::string CommandStatusName(uint32_t command_status);

// A sentence for logs and Status messages: "the SMSC is throttling us (ESME_RTHROTTLED
// (throttling error)); retry later".
std::string DescribeSubmitFailure(uint32_t command_status);

}  // namespace secinfo::channels::smpp
