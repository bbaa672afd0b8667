#include "channels/sms/smpp/smpp_status.h"

#include <cstdio>

namespace secinfo::channels::smpp {
namespace {

struct Named {
  uint32_t code;
  const char* name;
  const char* meaning;
};

constexpr Named kNames[] = {
    {0x00, "ESME_ROK", "no error"},
    {0x01, "ESME_RINVMSGLEN", "message length is invalid"},
    {0x02, "ESME_RINVCMDLEN", "command length is invalid"},
    {0x03, "ESME_RINVCMDID", "invalid command id"},
    {0x04, "ESME_RINVBNDSTS", "incorrect bind status for the command"},
    {0x05, "ESME_RALYBND", "already bound"},
    {0x06, "ESME_RINVPRTFLG", "invalid priority flag"},
    {0x07, "ESME_RINVREGDLVFLG", "invalid registered delivery flag"},
    {0x08, "ESME_RSYSERR", "system error"},
    {0x0A, "ESME_RINVSRCADR", "invalid source address"},
    {0x0B, "ESME_RINVDSTADR", "invalid destination address"},
    {0x0C, "ESME_RINVMSGID", "invalid message id"},
    {0x0D, "ESME_RBINDFAIL", "bind failed"},
    {0x0E, "ESME_RINVPASWD", "invalid password"},
    {0x0F, "ESME_RINVSYSID", "invalid system_id"},
    {0x14, "ESME_RMSGQFUL", "message queue full"},
    {0x15, "ESME_RINVSERTYP", "invalid service type"},
    {0x43, "ESME_RINVESMCLASS", "invalid esm_class"},
    {0x45, "ESME_RSUBMITFAIL", "submit failed"},
    {0x48, "ESME_RINVSRCTON", "invalid source address TON"},
    {0x49, "ESME_RINVSRCNPI", "invalid source address NPI"},
    {0x50, "ESME_RINVDSTTON", "invalid destination address TON"},
    {0x51, "ESME_RINVDSTNPI", "invalid destination address NPI"},
    {0x53, "ESME_RINVSYSTYP", "invalid system_type"},
    {0x58, "ESME_RTHROTTLED", "throttling error"},
    {0x61, "ESME_RINVSCHED", "invalid scheduled delivery time"},
    {0x62, "ESME_RINVEXPIRY", "invalid validity period"},
    {0x64, "ESME_RX_T_APPN", "temporary application error"},
    {0x65, "ESME_RX_P_APPN", "permanent application error"},
    {0x66, "ESME_RX_R_APPN", "message rejected"},
    {0xC0, "ESME_RINVOPTPARSTREAM", "error in the optional parameters"},
    {0xC1, "ESME_ROPTPARNOTALLWD", "optional parameter not allowed"},
    {0xC2, "ESME_RINVPARLEN", "invalid parameter length"},
    {0xFE, "ESME_RDELIVERYFAILURE", "delivery failure"},
    {0xFF, "ESME_RUNKNOWNERR", "unknown error"},
};

}  // namespace

SubmitOutcome ClassifySubmitStatus(uint32_t s) {
  switch (s) {
    case 0x00:
      return SubmitOutcome::kAccepted;
    case 0x14:  // ESME_RMSGQFUL
    case 0x58:  // ESME_RTHROTTLED
    case 0x64:  // ESME_RX_T_APPN
      return SubmitOutcome::kRetryLater;
    case 0x04:  // ESME_RINVBNDSTS
      return SubmitOutcome::kRebind;
    case 0x0B:  // ESME_RINVDSTADR
    case 0x50:  // ESME_RINVDSTTON
    case 0x51:  // ESME_RINVDSTNPI
      return SubmitOutcome::kInvalidNumber;
    case 0x01:  // ESME_RINVMSGLEN
    case 0x02:  // ESME_RINVCMDLEN
    case 0x03:  // ESME_RINVCMDID
    case 0x06:  // ESME_RINVPRTFLG
    case 0x07:  // ESME_RINVREGDLVFLG
    case 0x0A:  // ESME_RINVSRCADR
    case 0x15:  // ESME_RINVSERTYP
    case 0x43:  // ESME_RINVESMCLASS
    case 0x48:  // ESME_RINVSRCTON
    case 0x49:  // ESME_RINVSRCNPI
    case 0x61:  // ESME_RINVSCHED
    case 0x62:  // ESME_RINVEXPIRY
    case 0x65:  // ESME_RX_P_APPN
    case 0x66:  // ESME_RX_R_APPN
    case 0xC0:  // ESME_RINVOPTPARSTREAM
    case 0xC1:  // ESME_ROPTPARNOTALLWD
    case 0xC2:  // ESME_RINVPARLEN
      return SubmitOutcome::kRejected;
    default:  // ESME_RSYSERR, ESME_RSUBMITFAIL, ESME_RUNKNOWNERR, vendor codes...
      return SubmitOutcome::kSmscFailure;
  }
}

std::string CommandStatusName(uint32_t s) {
  for (const Named& n : kNames) {
    if (n.code == s) return std::string(n.name) + " (" + n.meaning + ")";
  }
  char hex[32];
  std::snprintf(hex, sizeof hex, "command_status 0x%08X", s);
  return hex;
}

std::string DescribeSubmitFailure(uint32_t s) {
  std::string name = CommandStatusName(s);
  switch (ClassifySubmitStatus(s)) {
    case SubmitOutcome::kAccepted:
      return "accepted";
    case SubmitOutcome::kRetryLater:
      return "the SMSC is throttling us (" + name + "); retry later";
    case SubmitOutcome::kRebind:
      return "the SMSC does not consider us bound (" + name + "); retry later";
    case SubmitOutcome::kInvalidNumber:
      return "the SMSC refused the destination as an invalid number (" + name + ")";
    case SubmitOutcome::kSmscFailure:
      return "the SMSC failed to take the message (" + name + "); retry later";
    case SubmitOutcome::kRejected:
      return "the SMSC rejected the message (" + name + ")";
  }
  return name;
}

}  // namespace secinfo::channels::smpp
