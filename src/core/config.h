#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"

namespace secinfo {

// Everything an operator can set. Read from a TOML file, then from SECINFO_<SECTION>_<KEY>
// environment variables (e.g. SECINFO_SERVER_PORT=9090), which win. Every field shows its default.
struct Config {
  struct Server {
    std::string address = "127.0.0.1";
    int64_t port = 8080;
    std::string public_url = "";  // shown in messages; default http://localhost:<port>
    int64_t worker_threads = 8;   // threads that run handlers (they may block on SQL, Argon2id,
                                  // and a device's long-poll holds one up to 10 s)
    std::vector<std::string> trusted_proxies;  // peers allowed to set X-Forwarded-For/-Proto
  } server;

  struct Database {
    std::string backend = "sqlite3";  // or "postgresql", for several nodes on one database
    // sqlite3: a file path. postgresql: a libpq connection string, "host=... dbname=... user=..."
    // or "postgresql://user@host/dbname" (a password is better in ~/.pgpass or PGPASSWORD).
    std::string connection = "data/secinfo.db";
    int64_t pool_size = 4;  // database sessions per node, shared by all threads
  } database;

  struct Security {
    std::string key_file = "data/secinfo.key";  // 32 random bytes, created at first start (0600)
    // NIST SP 800-63B §7.2 (AAL2): re-authenticate after 30 min idle or 12 h at most.
    int64_t session_idle_minutes = 30;
    int64_t session_absolute_hours = 12;
    // Failed sign-ins allowed per account from one client network (an IPv4 address, an IPv6 /64)
    // and per client network, within the window (ASVS V2.2.1); and per account from all networks
    // together within the longer window (NIST SP 800-63B §5.2.2: no more than 100), which does
    // not stop a browser the account remembered.
    int64_t max_failed_sign_ins_per_account = 5;
    int64_t max_failed_sign_ins_per_ip = 20;
    int64_t failed_sign_in_window_minutes = 15;
    int64_t max_failed_sign_ins_per_account_all_networks = 100;
    int64_t failed_sign_in_all_networks_window_hours = 24;
    // Verification calls one person may start per hour (each one rings a phone).
    int64_t max_calls_per_user_per_hour = 10;
    // Audit entries older than this are deleted by the hourly purge (which also deletes expired
    // sessions, challenges and counters).
    int64_t audit_retention_days = 365;
  } security;

  struct Voice {
    std::string provider = "simulated";
    int64_t ring_timeout_seconds = 30;   // no answer after this → "no answer"
    int64_t input_timeout_seconds = 20;  // answered but no key after this → "no key pressed"
    std::string caller_id = "secinfo";   // what the called phone shows
    // voice.provider = "sip": calls sip:+E164@host:port through a SIP trunk or proxy.
    struct Sip {
      std::string host;  // trunk or proxy address (required for "sip")
      int64_t port = 5060;
      std::string transport = "udp";            // "udp" or "tcp"
      std::string user;                         // digest authentication user, empty: none
      std::string password;                     // digest authentication password
      std::string from_user = "secinfo";        // user part of our From URI (the caller id shown)
      std::string local_address = "127.0.0.1";  // where our SIP and RTP sockets listen
      int64_t local_port = 0;                   // our SIP port, 0: any free port
      std::string prompt_cache_dir = "data/prompts";  // spoken prompts, 8 kHz u-law, made once
    } sip;
  } voice;

  // How texts leave: "simulated" (the /sim phone pages), "smpp" (an SMSC) or "http" (a gateway).
  struct Sms {
    std::string provider = "simulated";
    std::string sender = "secinfo";  // source address: alphanumeric (≤ 11) or a number
    struct Smpp {
      std::string host;  // the SMSC (required for "smpp")
      int64_t port = 2775;
      std::string system_id;  // bind credentials (required)
      std::string password;
      std::string system_type = "";
      std::string bind = "transceiver";   // "transceiver" (receipts too) or "transmitter"
      int64_t enquire_link_seconds = 30;  // keep-alive
      int64_t max_messages_per_second = 10;
      int64_t reconnect_max_seconds = 60;  // back-off ceiling between reconnects
    } smpp;
    struct Http {
      std::string method = "POST";    // "GET" or "POST"
      std::string url;                // with {to}, {text}, {from} placeholders (required)
      std::string body = "";          // with placeholders; empty for GET
      std::string encoding = "form";  // "form" (URL-encoded values) or "json" (JSON strings)
      std::string auth = "none";      // "none", "basic", "bearer"
      std::string user;
      std::string password;                    // basic password, or the bearer token
      int64_t success_status = 200;            // 2xx accepted when 200; otherwise this exact status
      std::string success_body_contains = "";  // e.g. Kannel's "Accepted for delivery"
      int64_t timeout_seconds = 10;
      // Delivery receipts, asked for by a template that holds {receipt_url} (Kannel: dlr-url). The
      // gateway calls that URL back with the message's status in the field `status`; our URL
      // carries `status=<receipt_status>` for the gateway to fill in (Kannel substitutes %d with
      // its DLR type: 1 delivered, 2 failed, 4 buffered, 8 submitted, 16 rejected by the SMSC).
      // Empty: the gateway adds its own `status` field. Other values than those listed below are
      // ignored (not final).
      std::string receipt_status = "%d";
      std::vector<std::string> receipt_delivered = {"1"};
      std::vector<std::string> receipt_undelivered = {"2", "16"};
      int64_t max_receipts_per_minute = 600;  // callbacks taken per client network
    } http;
  } sms;

  // How mail leaves: "simulated" (the /sim/inbox pages) or "smtp" (a relay).
  struct Email {
    std::string provider = "simulated";
    std::string from_address = "secinfo@localhost";  // envelope and From: address
    std::string from_name = "";                      // display name; default the tenant's name
    struct Smtp {
      std::string host;  // relay address (required for "smtp")
      int64_t port = 587;
      std::string tls = "starttls";  // "none", "starttls" (required) or "implicit" (SMTPS)
      std::string user;              // empty: no authentication
      std::string password;
      std::string ca_file;  // trust these CAs instead of the system's (tests, private CAs)
      std::string helo_name = "localhost";
      int64_t timeout_seconds = 20;
    } smtp;
  } email;

  // One-time codes sent by SMS and email (NIST SP 800-63B §5.1.3: short-lived, rate-limited).
  struct Codes {
    int64_t sms_validity_seconds = 180;
    int64_t email_validity_seconds = 300;
    int64_t max_wrong_tries = 5;  // per code
    int64_t resend_cooldown_seconds = 30;
    int64_t max_sends_per_hour = 5;  // per number or address
  } codes;

  // Self-service password reset. Each limit is a counter reserved in the store before the check it
  // guards, keyed by the user name as typed, so an unknown name is limited exactly like a real one
  // (ASVS V2.2.1, NIST SP 800-63B §5.2.2).
  struct PasswordReset {
    int64_t validity_minutes = 15;    // a reset must end within this, or start again
    int64_t max_resets_per_day = 5;   // resets started per user name in 24 hours
    int64_t max_checks_per_hour = 5;  // per way: phone numbers typed and texted codes, security
                                      // question tries, app codes
    int64_t max_emails = 10;          // codes mailed per user name within email_window_minutes
    int64_t email_window_minutes = 10;
    int64_t lock_hours = 24;         // a way over its limit is locked this long
    int64_t max_starts_per_ip = 20;  // resets started from one address within ip_window_minutes
    int64_t ip_window_minutes = 60;
  } password_reset;

  // The simulated phone network: the "simulated" providers and the /sim pages, which show every
  // simulated call, text and mail (codes included) to anyone who can reach the server. A
  // development feature, and the only switch for it: simulated providers need it on.
  struct Sim {
    bool enabled = true;  // in production mode off, and turning it on is refused
  } sim;

  struct Demo {
    bool enabled = true;  // create the Contoso demo tenant and users when the database is empty
  } demo;

  // The log on stderr (journald under systemd).
  struct Log {
    std::string level = "info";   // trace, debug, info (one line per request), warn, error, off
    std::string format = "text";  // "text" for people, "json" (one object a line) for collectors
  } log;

  // /metrics in the Prometheus text format. Whoever reads it learns traffic and failure rates, so
  // it is closed by default to all but this machine.
  struct Metrics {
    bool enabled = true;
    // Non-empty: a scraper must send "Authorization: Bearer <token>", from anywhere.
    std::string bearer_token = "";
    // With no token: only clients on this machine, connecting directly (no X-Forwarded-For).
    bool loopback_only = true;
  } metrics;

  // "development" (default) or "production". The simulated phone network refuses to run in
  // production.
  std::string mode = "development";

  // Reads `path` (may be empty: defaults only), then the environment.
  // InvalidArgument naming the setting on an unknown key, a wrong type or an out-of-range value.
  static Result<Config> Load(const std::string& path);
  // Same, with an explicit environment (tests). `env` holds "NAME=value" entries.
  static Result<Config> Load(const std::string& path, const std::vector<std::string>& env);

  std::string PublicUrl() const;
  // The providers left "simulated" (e.g. {"sms", "email"}), in the order voice, sms, email.
  std::vector<std::string> SimulatedChannels() const;
  // What the start-up banner says when simulated and real providers are mixed: which codes and
  // calls /sim shows to anyone. Empty when the simulator is off or every channel is simulated.
  std::string SimulatorNotice() const;
};

}  // namespace secinfo
