// SmppSms against a real SMPP peer: tests/peers/smsc.pl (Perl Net::SMPP in the SMSC role) on a
// loopback port. The SMSC appends each submit_sm to a file; the test reads it back and decodes
// the octets itself (iconv for UCS-2, its own GSM 03.38 table), independently of sms_text.cc.
// No sleeps for synchronisation: every wait polls with a deadline.
#include <gtest/gtest.h>
#include <iconv.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <iostream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "channels/sms/smpp/smpp_sms.h"
#include "sip_peers.h"  // ChildProcess, PickFreePort, Deadline, In

namespace secinfo::channels {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using peers::Deadline;
using peers::In;
using Record = std::map<std::string, std::string>;

// ---- what the SMSC wrote ------------------------------------------------------------------

std::string Unhex(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  }
  return out;
}

// GSM 03.38 basic set as UTF-8, one entry per code (0x1B, the escape, left empty).
std::string GsmToUtf8(const std::string& octets) {
  static const char* const kTable[128] = {
      "@", "£", "$",  "¥", "è", "é", "ù", "ì", "ò", "Ç", "\n", "Ø", "ø", "\r", "Å", "å",
      "Δ", "_", "Φ",  "Γ", "Λ", "Ω", "Π", "Ψ", "Σ", "Θ", "Ξ",  "",  "Æ", "æ",  "ß", "É",
      " ", "!", "\"", "#", "¤", "%", "&", "'", "(", ")", "*",  "+", ",", "-",  ".", "/",
      "0", "1", "2",  "3", "4", "5", "6", "7", "8", "9", ":",  ";", "<", "=",  ">", "?",
      "¡", "A", "B",  "C", "D", "E", "F", "G", "H", "I", "J",  "K", "L", "M",  "N", "O",
      "P", "Q", "R",  "S", "T", "U", "V", "W", "X", "Y", "Z",  "Ä", "Ö", "Ñ",  "Ü", "§",
      "¿", "a", "b",  "c", "d", "e", "f", "g", "h", "i", "j",  "k", "l", "m",  "n", "o",
      "p", "q", "r",  "s", "t", "u", "v", "w", "x", "y", "z",  "ä", "ö", "ñ",  "ü", "à"};
  std::string out;
  for (unsigned char c : octets) out += c < 128 ? kTable[c] : "\xEF\xBF\xBD";
  return out;
}

std::string Utf16BeToUtf8(const std::string& octets) {
  iconv_t cd = iconv_open("UTF-8", "UTF-16BE");
  std::string in = octets;
  std::string out(in.size() * 2 + 16, '\0');
  char* src = in.data();
  char* dst = out.data();
  size_t src_left = in.size();
  size_t dst_left = out.size();
  const size_t rc = iconv(cd, &src, &src_left, &dst, &dst_left);
  iconv_close(cd);
  if (rc == static_cast<size_t>(-1)) return "<invalid UTF-16BE>";
  out.resize(out.size() - dst_left);
  return out;
}

std::string PayloadOf(const Record& r) {
  std::string octets = Unhex(r.at("short_message"));
  if (std::stoi(r.at("esm_class")) & 0x40)
    octets.erase(0, 1 + static_cast<unsigned char>(octets[0]));
  return octets;
}

// The text of one part, decoded per its data_coding.
std::string TextOf(const Record& r) {
  const int coding = std::stoi(r.at("data_coding"));
  if (coding == 0) return GsmToUtf8(PayloadOf(r));
  if (coding == 8) return Utf16BeToUtf8(PayloadOf(r));
  return "<data_coding " + std::to_string(coding) + ">";
}

std::vector<Record> ReadRecords(const std::string& file, std::string_view kind) {
  std::vector<Record> out;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    if (in.eof()) break;  // a line still being written
    std::istringstream fields(line);
    std::string field;
    Record r;
    std::getline(fields, r["kind"], '\t');
    while (std::getline(fields, field, '\t')) {
      const size_t eq = field.find('=');
      if (eq != std::string::npos) r[field.substr(0, eq)] = field.substr(eq + 1);
    }
    if (r["kind"] == kind) out.push_back(std::move(r));
  }
  return out;
}

std::vector<Record> WaitForRecords(const std::string& file, std::string_view kind, size_t count,
                                   Deadline deadline) {
  std::vector<Record> records;
  peers::PollUntil([&] { return (records = ReadRecords(file, kind)).size() >= count; }, deadline);
  return records;
}

// ---- the SMSC process ---------------------------------------------------------------------

struct SmscOptions {
  std::string system_id = "secinfo";
  std::string password = "s3cret";
  int close_after = 0;              // close the connection after each N-th accepted submit_sm
  std::string reject_dest;          // destinations with this prefix: ESME_RINVDSTADR
  bool receipts = false;            // delivery receipts to transceivers
  std::string undeliverable;        // with receipts: destinations with this prefix get UNDELIV
  bool receipts_elsewhere = false;  // with receipts: on another bind than the submitter's
};

class Smsc {
 public:
  // Starts tests/peers/smsc.pl on 127.0.0.1:port appending to `records`; waits until it listens.
  static Result<std::unique_ptr<Smsc>> Start(const std::string& log, uint16_t port,
                                             const std::string& records, const SmscOptions& o) {
    std::vector<std::string> argv = {"/usr/bin/perl", std::string(SECINFO_PEERS_DIR) + "/smsc.pl",
                                     "--port",        std::to_string(port),
                                     "--system-id",   o.system_id,
                                     "--password",    o.password,
                                     "--out",         records};
    if (o.close_after > 0)
      argv.insert(argv.end(), {"--close-after", std::to_string(o.close_after)});
    if (!o.reject_dest.empty()) argv.insert(argv.end(), {"--reject-dest", o.reject_dest});
    if (o.receipts) argv.push_back("--receipts");
    if (!o.undeliverable.empty()) argv.insert(argv.end(), {"--undeliverable", o.undeliverable});
    if (o.receipts_elsewhere) argv.push_back("--receipts-elsewhere");
    auto process = peers::ChildProcess::Spawn(argv, log);
    if (!process.ok()) return process.status();
    std::unique_ptr<Smsc> smsc(new Smsc(std::move(*process)));
    const Deadline deadline = In(10s);
    while (std::chrono::steady_clock::now() < deadline) {
      std::ifstream in(log);
      std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      if (text.find("listening on") != std::string::npos) return smsc;
      if (!smsc->process_->Running()) return Status::Unavailable("smsc.pl exited: " + text);
      std::this_thread::sleep_for(20ms);
    }
    return Status::Unavailable("smsc.pl did not listen within 10 s");
  }
  void Stop() { process_->Stop(); }  // SIGTERM by PID: the link drops like a restart's

 private:
  explicit Smsc(std::unique_ptr<peers::ChildProcess> p) : process_(std::move(p)) {}
  std::unique_ptr<peers::ChildProcess> process_;
};

// ---- fixture ------------------------------------------------------------------------------

class SmppSmsPeerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "smpp-peer-test-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    records_ = dir_ + "/smsc.records";
    auto port = peers::PickFreePort();
    ASSERT_TRUE(port.ok());
    port_ = *port;
  }
  void TearDown() override {
    sms_.reset();
    smsc_.reset();
    if (HasFailure() || std::getenv("SECINFO_KEEP_PEERS")) {
      std::cerr << "peer files kept in " << dir_ << "\n";
    } else {
      fs::remove_all(dir_);
    }
  }

  void StartSmsc(const SmscOptions& options = {}) {
    auto smsc =
        Smsc::Start(dir_ + "/smsc-" + std::to_string(++starts_) + ".log", port_, records_, options);
    ASSERT_TRUE(smsc.ok()) << smsc.status().ToString();
    smsc_ = std::move(*smsc);
  }

  Config::Sms Settings(const std::string& password = "s3cret") const {
    Config::Sms s;
    s.provider = "smpp";
    s.sender = "Contoso";
    s.smpp.host = "127.0.0.1";
    s.smpp.port = port_;
    s.smpp.system_id = "secinfo";
    s.smpp.password = password;
    s.smpp.reconnect_max_seconds = 1;
    s.smpp.max_messages_per_second = 50;
    return s;
  }

  static SmppSmsOptions Options() {
    SmppSmsOptions o;
    o.initial_backoff = 200ms;
    o.response_timeout = 3s;
    return o;
  }

  void Connect(const Config::Sms& settings) {
    auto sms = SmppSms::Create(settings, clock_, Options());
    ASSERT_TRUE(sms.ok()) << sms.status().ToString();
    sms_ = std::move(*sms);
  }

  // Polls Health until `pred` holds for it.
  template <typename Pred>
  Status WaitHealth(Pred pred, Deadline deadline) {
    Status h;
    peers::PollUntil([&] { return pred(h = sms_->Health()); }, deadline);
    return h;
  }
  void WaitBound() {
    Status h = WaitHealth([](const Status& s) { return s.ok(); }, In(5s));
    ASSERT_TRUE(h.ok()) << h.ToString();
  }

  std::vector<Record> Submits(size_t at_least, Deadline deadline = In(5s)) {
    return WaitForRecords(records_, "submit_sm", at_least, deadline);
  }

  SystemClock clock_;
  std::string dir_;
  std::string records_;
  uint16_t port_ = 0;
  int starts_ = 0;
  std::unique_ptr<Smsc> smsc_;
  std::unique_ptr<SmppSms> sms_;
};

// ---- tests --------------------------------------------------------------------------------

TEST_F(SmppSmsPeerTest, BindsAndAFrenchTextArrivesExactly) {
  StartSmsc();
  Connect(Settings());
  WaitBound();

  // "ê", "ô", "œ": not in the GSM basic set, so UCS-2.
  const std::string ucs2 = "Votre code secinfo : 481 516. Fenêtre côté cœur — ne le donnez pas.";
  ASSERT_TRUE(sms_->Send({"+33612345678", "Contoso", ucs2}).ok());
  // Only é/è/à: all in the basic set, so GSM 03.38 — with "@" (code 0) and "_" (code 0x11).
  const std::string gsm_ok = "Clé: à usage unique, déjà envoyée. Valable 3 min. @_";
  ASSERT_TRUE(sms_->Send({"+33612345678", "+33100000000", gsm_ok}).ok());

  auto submits = Submits(2);
  ASSERT_EQ(submits.size(), 2u);
  const Record& a = submits[0];
  EXPECT_EQ(a.at("data_coding"), "8");
  EXPECT_EQ(a.at("esm_class"), "0");
  EXPECT_EQ(a.at("dest"), "33612345678");
  EXPECT_EQ(a.at("dest_ton"), "1");
  EXPECT_EQ(a.at("dest_npi"), "1");
  EXPECT_EQ(a.at("source"), "Contoso");
  EXPECT_EQ(a.at("source_ton"), "5");
  EXPECT_EQ(a.at("source_npi"), "0");
  EXPECT_EQ(TextOf(a), ucs2);

  const Record& b = submits[1];
  EXPECT_EQ(b.at("data_coding"), "0");
  EXPECT_EQ(b.at("source"), "33100000000");
  EXPECT_EQ(b.at("source_ton"), "1");
  EXPECT_EQ(b.at("source_npi"), "1");
  EXPECT_EQ(TextOf(b), gsm_ok);
}

TEST_F(SmppSmsPeerTest, A200CharacterTextArrivesAsTwoPartsWithOneReference) {
  StartSmsc();
  Connect(Settings());
  WaitBound();
  std::string text;
  while (text.size() < 200) text += "Votre code est 123456. ";
  text.resize(200);
  ASSERT_TRUE(sms_->Send({"+33612345678", "Contoso", text}).ok());

  auto submits = Submits(2);
  ASSERT_EQ(submits.size(), 2u);
  std::map<int, std::string> by_sequence;
  std::string reference;
  for (const Record& r : submits) {
    EXPECT_EQ(r.at("esm_class"), "64");  // UDHI
    EXPECT_EQ(r.at("data_coding"), "0");
    const std::string udh = r.at("short_message").substr(0, 12);
    EXPECT_EQ(udh.substr(0, 6), "050003");
    if (reference.empty()) reference = udh.substr(6, 2);
    EXPECT_EQ(udh.substr(6, 2), reference);  // one message
    EXPECT_EQ(udh.substr(8, 2), "02");       // of two parts
    by_sequence[std::stoi(udh.substr(10, 2), nullptr, 16)] = TextOf(r);
  }
  ASSERT_EQ(by_sequence.size(), 2u);
  EXPECT_EQ(by_sequence[1].size(), 153u);
  EXPECT_EQ(by_sequence[1] + by_sequence[2], text);
}

TEST_F(SmppSmsPeerTest, AWrongPasswordIsReportedAndSendFailsAtOnce) {
  StartSmsc();
  Connect(Settings("wrong"));
  Status h = WaitHealth(
      [](const Status& s) { return !s.ok() && s.message().find("refused") != std::string::npos; },
      In(5s));
  ASSERT_FALSE(h.ok());
  EXPECT_NE(h.message().find("refused the bind"), std::string::npos) << h.message();
  EXPECT_NE(h.message().find("ESME_RINVPASWD"), std::string::npos) << h.message();

  const auto start = std::chrono::steady_clock::now();
  Status sent = sms_->Send({"+33612345678", "Contoso", "Votre code : 123456"});
  EXPECT_EQ(sent.code(), Status::Code::kUnavailable);
  EXPECT_NE(sent.message().find("refused"), std::string::npos) << sent.message();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);  // not the 10 s send timeout
  EXPECT_TRUE(ReadRecords(records_, "submit_sm").empty());
  EXPECT_FALSE(ReadRecords(records_, "bind").empty());
}

TEST_F(SmppSmsPeerTest, SmscRefusalsAreMappedAndReceiptsReachTheHook) {
  SmscOptions options;
  options.reject_dest = "999";
  options.receipts = true;
  StartSmsc(options);
  Connect(Settings());
  std::mutex mu;
  std::vector<SmsReceipt> receipts;
  sms_->SetReceiptHook([&](const SmsReceipt& r) {
    std::lock_guard lock(mu);
    receipts.push_back(r);
  });
  WaitBound();

  Status refused = sms_->Send({"+999123456", "Contoso", "Votre code : 123456"});
  EXPECT_EQ(refused.code(), Status::Code::kUnavailable);
  EXPECT_NE(refused.message().find("invalid number"), std::string::npos) << refused.message();
  EXPECT_NE(refused.message().find("ESME_RINVDSTADR"), std::string::npos) << refused.message();

  auto ids = sms_->Submit({"+33612345678", "Contoso", "Votre code : 123456"});
  ASSERT_TRUE(ids.ok()) << ids.status().ToString();
  ASSERT_EQ(ids->size(), 1u);
  auto answered = WaitForRecords(records_, "deliver_sm_resp", 1, In(5s));
  ASSERT_EQ(answered.size(), 1u);
  EXPECT_EQ(answered[0].at("status"), "0");
  std::lock_guard lock(mu);
  ASSERT_EQ(receipts.size(), 1u);  // the hook ran before deliver_sm_resp was read by the SMSC
  EXPECT_TRUE(receipts[0].is_receipt);
  EXPECT_EQ(receipts[0].message_id, (*ids)[0]);
  EXPECT_EQ(receipts[0].state, "DELIVRD");
  EXPECT_EQ(receipts[0].from, "+33612345678");
  EXPECT_EQ(ReadRecords(records_, "submit_sm").at(0).at("registered_delivery"), "1");
}

// Receipts as the flows receive them: final ones only, delivered or not, whichever bind of the
// same system_id the SMSC sends them on (each node of a cluster holds its own bind).
class CollectingSink final : public channels::SmsReceiptSink {
 public:
  void OnSmsReceipt(const channels::SmsReceiptReport& r) override {
    std::lock_guard lock(mu);
    reports.push_back(r);
  }
  size_t size() {
    std::lock_guard lock(mu);
    return reports.size();
  }
  std::mutex mu;
  std::vector<channels::SmsReceiptReport> reports;
};

TEST_F(SmppSmsPeerTest, AFailedReceiptReachesTheSinkOfAnotherBind) {
  SmscOptions options;
  options.receipts = true;
  options.undeliverable = "3361";
  options.receipts_elsewhere = true;
  StartSmsc(options);
  Connect(Settings());
  WaitBound();
  CollectingSink here, there;  // outlive both binds' hooks
  struct Unhook {
    SmppSms& sms;
    ~Unhook() { sms.SetReceiptSink(nullptr); }
  } unhook{*sms_};
  auto other = SmppSms::Create(Settings(), clock_, Options());  // a second node's bind
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  peers::PollUntil([&] { return (*other)->Health().ok(); }, In(5s));
  ASSERT_TRUE((*other)->Health().ok());
  sms_->SetReceiptSink(&here);
  (*other)->SetReceiptSink(&there);

  channels::SendResult sent = sms_->Deliver({"+33612345678", "Contoso", "Votre code : 123456"});
  ASSERT_TRUE(sent.status.ok()) << sent.status.ToString();
  ASSERT_EQ(sent.references.size(), 1u) << "the SMSC's message_id names the text";
  peers::PollUntil([&] { return there.size() >= 1; }, In(5s));
  ASSERT_EQ(there.size(), 1u) << "the receipt came on the other bind";
  EXPECT_EQ(here.size(), 0u);
  EXPECT_EQ(there.reports[0].provider, "smpp");
  EXPECT_EQ(there.reports[0].message_id, sent.references[0]);
  EXPECT_FALSE(there.reports[0].delivered);
  EXPECT_EQ(there.reports[0].error, "UNDELIV err:001");

  sent = (*other)->Deliver({"+33712345678", "Contoso", "Votre code : 654321"});
  ASSERT_TRUE(sent.status.ok()) << sent.status.ToString();
  peers::PollUntil([&] { return here.size() >= 1; }, In(5s));
  ASSERT_EQ(here.size(), 1u);
  EXPECT_EQ(here.reports[0].message_id, sent.references.at(0));
  EXPECT_TRUE(here.reports[0].delivered);
  EXPECT_EQ(here.reports[0].error, "");
  EXPECT_EQ(ReadRecords(records_, "receipt").size(), 2u);
}

TEST_F(SmppSmsPeerTest, AMessageSentWhileTheSmscIsDownIsDeliveredOnceAfterItsRestart) {
  StartSmsc();
  Connect(Settings());
  WaitBound();
  ASSERT_TRUE(sms_->Send({"+33612345678", "Contoso", "before the restart"}).ok());

  smsc_->Stop();  // by PID
  Status down = WaitHealth([](const Status& s) { return !s.ok(); }, In(5s));
  ASSERT_FALSE(down.ok());
  auto during = std::async(std::launch::async, [&] {
    return sms_->Send({"+33612345678", "Contoso", "while it was down"});
  });
  EXPECT_EQ(during.wait_for(300ms), std::future_status::timeout);  // nobody to take it yet

  StartSmsc();  // same port, same record file
  ASSERT_EQ(during.wait_for(10s), std::future_status::ready);
  Status sent = during.get();
  ASSERT_TRUE(sent.ok()) << sent.ToString();

  auto submits = Submits(2);
  std::map<std::string, int> seen;
  for (const Record& r : submits) ++seen[TextOf(r)];
  EXPECT_EQ(seen["before the restart"], 1);
  EXPECT_EQ(seen["while it was down"], 1);
  EXPECT_EQ(submits.size(), 2u);
  EXPECT_GE(ReadRecords(records_, "bind").size(), 2u);
}

TEST_F(SmppSmsPeerTest, PartsInFlightWhenTheSmscHangsUpAreSentExactlyOnce) {
  SmscOptions options;
  options.close_after = 1;  // every connection takes one part, then drops
  StartSmsc(options);
  auto settings = Settings();
  settings.smpp.max_messages_per_second = 10;  // the three parts go before the first answer
  Connect(settings);
  WaitBound();
  std::string text;
  const size_t length = 3 * 153;
  for (int i = 0; text.size() < length; ++i) text += "part text " + std::to_string(i) + ". ";
  text.resize(length);
  Status sent = sms_->Send({"+33612345678", "Contoso", text});
  ASSERT_TRUE(sent.ok()) << sent.ToString();

  auto submits = Submits(3);
  std::map<int, int> seen;  // UDH sequence → times the SMSC accepted it
  std::map<int, std::string> texts;
  for (const Record& r : submits) {
    const int part = std::stoi(r.at("short_message").substr(10, 2), nullptr, 16);
    ++seen[part];
    texts[part] = TextOf(r);
  }
  EXPECT_EQ(seen, (std::map<int, int>{{1, 1}, {2, 1}, {3, 1}}));
  EXPECT_EQ(texts[1] + texts[2] + texts[3], text);
  EXPECT_EQ(ReadRecords(records_, "bind").size(), 3u);  // one connection per part
}

TEST_F(SmppSmsPeerTest, SubmitsAreThrottledAndTheLinkKeptAlive) {
  StartSmsc();
  auto settings = Settings();
  settings.smpp.max_messages_per_second = 2;
  settings.smpp.enquire_link_seconds = 1;
  Connect(settings);
  WaitBound();
  ASSERT_TRUE(sms_->Send({"+33612345678", "Contoso", std::string(size_t{3 * 153 + 10}, 'x')}).ok());
  auto submits = Submits(4);
  ASSERT_EQ(submits.size(), 4u);
  auto at = [&](size_t i) { return std::stod(submits[i].at("at")); };
  // Two at once, then the next two a second later: never three within one second.
  EXPECT_GE(at(2) - at(0), 0.9);
  EXPECT_GE(at(3) - at(1), 0.9);
  EXPECT_LT(at(1) - at(0), 0.5);
  // Quiet for a second: enquire_link, answered, and still bound.
  auto pings = WaitForRecords(records_, "enquire_link", 2, In(5s));
  EXPECT_GE(pings.size(), 2u);
  EXPECT_TRUE(sms_->Health().ok()) << sms_->Health().ToString();
}

}  // namespace
}  // namespace secinfo::channels
