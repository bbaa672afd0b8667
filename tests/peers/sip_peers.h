#pragma once

#include <signal.h>
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/status.h"

// Real SIP peers for tests, on loopback: kamailio as the carrier (registrar + proxy, in memory)
// and baresip processes as phones. Everything lives in a temp dir; processes are stopped by PID
// (phones before the registrar: a phone un-registers on SIGTERM and lingers without it).
// Nothing here sleeps to synchronize: every wait polls a condition with a deadline.
namespace secinfo::peers {

using Deadline = std::chrono::steady_clock::time_point;
inline Deadline In(std::chrono::milliseconds d) { return std::chrono::steady_clock::now() + d; }

// A loopback port free for both TCP and UDP, together with the `span - 1` ports after it.
Result<uint16_t> PickFreePort(int span = 1);

// What every peer harness and its tests share. Nothing waits with a fixed sleep: waits poll a
// condition with a deadline, PollPause (20 ms) apart.
void PollPause();
// Calls `done` until it returns true (true) or `deadline` passes (false).
bool PollUntil(const std::function<bool()>& done, Deadline deadline);
// The last `n` bytes of a log file; empty when it cannot be read.
std::string Tail(const std::string& path, size_t n = 2000);
// Whether something accepts TCP connections on 127.0.0.1:`port`.
bool CanConnect(uint16_t port);

// A child process started with an argument vector, stdout and stderr into `log`.
class ChildProcess {
 public:
  static Result<std::unique_ptr<ChildProcess>> Spawn(const std::vector<std::string>& argv,
                                                     const std::string& log);
  ~ChildProcess();  // Stop()
  // SIGTERM, then SIGKILL if it is still there after `grace`. Idempotent.
  void Stop(std::chrono::milliseconds grace = std::chrono::milliseconds(5000));
  bool Running();
  pid_t pid() const { return pid_; }

 private:
  explicit ChildProcess(pid_t pid) : pid_(pid) {}
  pid_t pid_;
  bool reaped_ = false;
};

// kamailio as an in-memory registrar/proxy on 127.0.0.1:port (UDP and TCP). INVITEs must carry
// digest credentials for `user`/`password` (proxy challenge); unknown numbers get 404.
// `children`: worker processes per transport. With more than one, two replies sent back to back
// (a phone's instant 180 and 200) may be relayed out of order.
class Kamailio {
 public:
  static Result<std::unique_ptr<Kamailio>> Start(const std::string& dir, const std::string& user,
                                                 const std::string& password, int children = 2);
  uint16_t port() const { return port_; }
  void Stop() { process_->Stop(); }

 private:
  uint16_t port_ = 0;
  std::unique_ptr<ChildProcess> process_;
};

// A baresip ctrl_tcp connection: netstring-framed JSON commands; events on the same stream are
// skipped.
class CtrlTcp {
 public:
  static Result<std::unique_ptr<CtrlTcp>> Connect(uint16_t port, Deadline deadline);
  ~CtrlTcp();
  // The command's text answer ("data"). Unavailable on a broken connection or timeout.
  Result<std::string> Command(std::string_view command, std::string_view params = "",
                              std::chrono::milliseconds timeout = std::chrono::seconds(5));

 private:
  explicit CtrlTcp(int fd) : fd_(fd) {}
  Result<std::string> ReadNetstring(Deadline deadline);
  int fd_;
  int next_token_ = 1;
  std::string buffer_;
};

struct PhoneOptions {
  std::vector<std::string> numbers;  // E.164, one account (UA) each
  bool auto_answer = true;           // false: rings until told (answermode=manual)
  int max_calls = 32;                // per number; a call beyond it gets 486 Busy Here
  bool record = false;               // sndfile: WAV files of what the phone heard, in record_dir()
};

// One baresip process registered at `registrar` under one or more numbers.
class Phone {
 public:
  // Starts baresip and waits until every number is registered.
  static Result<std::unique_ptr<Phone>> Start(const std::string& dir, uint16_t registrar_port,
                                              const PhoneOptions& options, Deadline deadline);
  ~Phone();

  // Presses `keys` (RFC 4733) in the call of `number`.
  Status Press(std::string_view number, std::string_view keys);
  // Hangs up the call of `number` (BYE, or a decline while ringing).
  Status HangUp(std::string_view number);
  // Calls that `number` has right now (ringing or established).
  Result<int> Calls(std::string_view number);
  // Polls Calls(number) until it is `n`.
  Status WaitForCalls(std::string_view number, int n, Deadline deadline);

  const std::string& record_dir() const { return record_dir_; }
  void Stop() { process_->Stop(); }

 private:
  Status Select(std::string_view number);
  std::string Aor(std::string_view number) const;

  uint16_t registrar_port_ = 0;
  std::string record_dir_;
  std::unique_ptr<ChildProcess> process_;
  std::unique_ptr<CtrlTcp> ctrl_;
};

// 16-bit PCM WAV content, as far as written (a file still open has no final sizes yet).
struct WavAudio {
  int sample_rate = 0;
  int channels = 0;
  std::vector<int16_t> samples;  // interleaved
  double Rms() const;
  // Share of 20 ms windows whose RMS exceeds `threshold`: speech has many, a tone all, silence
  // none.
  double ActiveShare(double threshold) const;
};
Result<WavAudio> ReadWav(const std::string& path);

// G.711 u-law bytes (PCMU payload) as 16-bit linear samples.
std::vector<int16_t> UlawToLinear(std::string_view ulaw);

// Share of `heard` samples equal to `said` within `tolerance`, at the best alignment (a whole
// number of 20 ms frames, up to `max_shift_frames` either way). 1.0: the same audio.
double MatchShare(const std::vector<int16_t>& heard, const std::vector<int16_t>& said,
                  int tolerance, int max_shift_frames = 25);

// Replaces each @KEY@ of `text`.
std::string Substitute(std::string text,
                       const std::vector<std::pair<std::string, std::string>>& values);

// For peer programs (sip_peers, kannel_peers) that hold their peers for a test in another
// language: blocks until stdin reaches its end (or fails) or one of `signals` (blocked by the
// caller before starting any child) arrives; returns what ended it.
std::string WaitForTheEnd(const sigset_t& signals);

}  // namespace secinfo::peers
