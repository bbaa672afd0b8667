#include <nlohmann/json.hpp>

#include "http/url.h"
#include "phone/number.h"
#include "web/pages.h"

namespace secinfo::web {
namespace {

http::Response Disabled(Ctx& c) {
  Data d = c.PageData("sim_title");
  d.set("message", c.T("sim_disabled"));
  d.set("back", "/");
  return c.Render("message", d, 404);
}

// The phone's number from the URL, as E.164, or "" when it is not a valid international number.
std::string NumberParam(Ctx& c) {
  std::string raw = c.req.Param("number");
  if (raw.empty() || raw[0] != '+') return "";
  phone::ParseOutcome p = phone::Parse(raw, "US");
  return p.ok() ? p.number().e164 : "";
}

std::string PhonePath(const std::string& e164) { return "/sim/phone/" + http::UrlEncode(e164); }

}  // namespace

http::Response SimHome(Ctx& c) {
  if (!c.deps.sim) return Disabled(c);
  Data d = c.PageData("sim_title");
  std::string typed = c.req.Query("number");
  bool bad = false;
  if (!typed.empty()) {
    phone::ParseOutcome p = phone::Parse(typed, "US");
    if (p.ok() && typed.find('+') != std::string::npos) {
      return c.Redirect(PhonePath(p.number().e164));
    }
    d.set("number", typed);
    d.set("number_error", c.T("sim_invalid_number"));
    bad = true;
  }
  auto numbers = c.deps.sim->Numbers();
  List list;
  if (numbers.ok()) {
    for (const std::string& n : *numbers) {
      list.push_back(Object{{"href", PhonePath(n)}, {"label", phone::FormatInternational(n)}});
    }
  }
  d.set("numbers", list);
  d.set("has_numbers", !list.empty());
  return c.Render("sim_home", d, bad ? 400 : 200);
}

http::Response SimPhone(Ctx& c) {
  if (!c.deps.sim) return Disabled(c);
  std::string number = NumberParam(c);
  if (number.empty()) {
    Data d = c.PageData("sim_title");
    d.set("message", c.T("sim_invalid_number"));
    d.set("back", "/sim");
    return c.Render("message", d, 404);
  }
  std::string shown = phone::FormatInternational(number);
  Data d = c.PageData("sim_title");
  d.set("title", c.T("sim_phone_title", {{"number", shown}}));
  d.set("heading", c.T("sim_phone_title", {{"number", shown}}));
  d.set("number", number);
  d.set("path", PhonePath(number));
  auto calls = c.deps.sim->CallsTo(number);
  List history;
  std::string current_state = "none";
  bool current_said = false;
  if (calls.ok()) {
    for (size_t i = 0; i < calls->size(); ++i) {
      const store::SimCall& call = (*calls)[i];
      if (i == 0 && call.state != "ended") {
        current_state = call.state;
        current_said = !call.said.empty();
        Object cur{{"id", call.id},
                   {"caller", call.caller},
                   {"action_base", PhonePath(number) + "/calls/" + call.id}};
        if (call.state == "ringing") {
          cur["ringing"] = true;
          cur["incoming"] = c.T("sim_incoming", {{"caller", call.caller}});
        } else {
          cur["answered"] = true;
          cur["in_call"] = c.T("sim_in_call", {{"caller", call.caller}});
          cur["prompt"] = call.prompt;
          cur["prompt_lang"] = call.locale;
          if (call.custom_greeting) cur["custom_greeting"] = c.T("sim_custom_greeting");
          if (!call.said.empty()) cur["said"] = call.said;
          if (!call.digits.empty()) {
            cur["keys"] = c.T("sim_keys_pressed", {{"keys", call.digits}});
          }
        }
        d.set("call", cur);
        continue;
      }
      std::string state = c.T("sim_state_" + call.state);
      if (!call.end_reason.empty()) state += " (" + c.T("sim_end_" + call.end_reason) + ")";
      Object h{{"caller", call.caller}, {"state", state}};
      if (!call.digits.empty()) h["keys"] = c.T("sim_keys_pressed", {{"keys", call.digits}});
      history.push_back(h);
    }
  }
  d.set("history", history);
  d.set("has_history", !history.empty());
  List texts;
  if (c.deps.sim_messages) {
    if (auto messages = c.deps.sim_messages->ListFor("sms", number, 20); messages.ok()) {
      for (const auto& m : *messages) {
        texts.push_back(
            Object{{"from", c.T("sim_from", {{"sender", m.sender}})}, {"body", m.body}});
      }
    }
  }
  d.set("texts", texts);
  d.set("has_texts", !texts.empty());
  int64_t last_text = 0;
  if (c.deps.sim_messages) {
    if (auto m = c.deps.sim_messages->ListFor("sms", number, 1); m.ok() && !m->empty()) {
      last_text = m->front().id;
    }
  }
  d.set("current_state", current_state);
  d.set("current_said", current_said ? "true" : "false");
  d.set("last_text", std::to_string(last_text));
  if (c.req.Query("error") == "1") d.set("error", c.T("sim_action_failed"));
  return c.Render("sim_phone", d);
}

http::Response SimPhoneJson(Ctx& c) {
  if (!c.deps.sim) return http::Response::Json(R"({"error":"disabled"})", 404);
  std::string number = NumberParam(c);
  if (number.empty()) return http::Response::Json(R"({"error":"invalid_number"})", 404);
  auto calls = c.deps.sim->CallsTo(number, 1);
  std::string state = "none";
  bool said = false;
  if (calls.ok() && !calls->empty() && calls->front().state != "ended") {
    state = calls->front().state;
    said = !calls->front().said.empty();
  }
  // The page reloads when this changes: a call rings, says more, or ends, or a text arrives.
  int64_t texts = 0;
  if (c.deps.sim_messages) {
    if (auto m = c.deps.sim_messages->ListFor("sms", number, 1); m.ok() && !m->empty()) {
      texts = m->front().id;
    }
  }
  nlohmann::json j = {{"state", state}, {"said", said}, {"texts", texts}};
  return http::Response::Json(j.dump());
}

http::Response SimAction(Ctx& c) {
  if (!c.deps.sim) return Disabled(c);
  std::string number = NumberParam(c);
  auto call = c.deps.sim->Get(c.req.Param("call"));
  if (number.empty() || !call.ok() || call->number_e164 != number) {
    Data d = c.PageData("sim_title");
    d.set("message", c.T("sim_action_failed"));
    d.set("back", "/sim");
    return c.Render("message", d, 404);
  }
  const std::string action = c.req.Param("action");
  Status s = Status::InvalidArgument("unknown action");
  if (action == "answer") {
    s = c.deps.sim->Answer(call->id);
  } else if (action == "decline" || action == "hangup") {
    s = c.deps.sim->HangUpPhone(call->id);
  } else if (action == "key") {
    std::string key = c.req.Form("key");
    s = key.size() == 1 ? c.deps.sim->Press(call->id, key[0])
                        : Status::InvalidArgument("one key at a time");
  }
  return c.Redirect(PhonePath(number) + (s.ok() ? "" : "?error=1"));
}

namespace {

std::string MailboxPath(const std::string& address) {
  return "/sim/inbox/" + http::UrlEncode(address);
}

}  // namespace

http::Response SimInbox(Ctx& c) {
  if (!c.deps.sim || !c.deps.sim_messages) return Disabled(c);
  Data d = c.PageData("sim_inbox_title");
  std::string typed = c.req.Query("address");
  if (!typed.empty()) return c.Redirect(MailboxPath(typed));
  List list;
  if (auto r = c.deps.sim_messages->ListRecipients("email", 100); r.ok()) {
    for (const std::string& a : *r) list.push_back(Object{{"href", MailboxPath(a)}, {"label", a}});
  }
  d.set("mailboxes", list);
  d.set("has_mailboxes", !list.empty());
  return c.Render("sim_inbox", d);
}

http::Response SimMailbox(Ctx& c) {
  if (!c.deps.sim || !c.deps.sim_messages) return Disabled(c);
  const std::string address = c.req.Param("address");
  Data d = c.PageData("sim_inbox_title");
  d.set("heading", c.T("sim_inbox_of", {{"address", address}}));
  List mails;
  if (auto r = c.deps.sim_messages->ListFor("email", address, 20); r.ok()) {
    for (const auto& m : *r) {
      mails.push_back(Object{{"from", c.T("sim_from", {{"sender", m.sender}})},
                             {"subject", m.subject},
                             {"body", m.body}});
    }
  }
  d.set("mails", mails);
  d.set("has_mails", !mails.empty());
  return c.Render("sim_mailbox", d);
}

}  // namespace secinfo::web
