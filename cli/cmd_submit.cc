// `submit`: build, sign and send one transaction to a node's API (POST /v1/tx).
// Supports RecordCreditEvent. The member key signs; the bearer token authorizes the
// HTTP call (role writer). Prints the node's JSON answer on stdout.
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/http_client.h"
#include "cli/tx_builder.h"
#include "common/hex.h"
#include "crypto/keys.h"
#include "proto/canonical.h"

namespace cc::cli {
namespace {

constexpr const char* kSubmitCmd = "submit";

Result<uint64_t> ParseU64(const std::string& flag, const std::string& v) {
  uint64_t n = 0;
  bool ok = !v.empty() && v.size() <= 20;
  for (char c : v) {
    if (c < '0' || c > '9') ok = false;
    if (!ok) break;
    const uint64_t next = n * 10 + static_cast<uint64_t>(c - '0');
    if (next / 10 != n) ok = false;  // overflow
    n = next;
  }
  if (!ok) return Status::Error("usage", "--" + flag + ": expected a non-negative integer, got '" + v + "'");
  return n;
}

Result<RecordEventFields> EventFields(const Args& args, uint64_t now_ms) {
  RecordEventFields f;
  auto subject = args.Require("subject-key");
  if (!subject.ok()) return subject.status();
  auto raw_subject = FromHexSized(*subject, 32);
  if (!raw_subject)
    return Status::Error("usage", "--subject-key: expected 64 hex characters (creditctl subject-key)");
  f.subject_key = *raw_subject;
  auto event = args.Require("event");
  if (!event.ok()) return event.status();
  auto type = ParseEventType(*event);
  if (!type.ok()) return type.status();
  f.event_type = *type;
  auto loan_ref = args.Require("loan-ref");
  if (!loan_ref.ok()) return loan_ref.status();
  auto loan_hash = HashOrHex(*loan_ref);
  if (!loan_hash.ok()) return loan_hash.status();
  f.loan_ref_hash = *loan_hash;
  auto amount = args.Require("amount");
  if (!amount.ok()) return amount.status();
  auto amount_minor = ParseU64("amount", *amount);
  if (!amount_minor.ok()) return amount_minor.status();
  f.amount_minor = *amount_minor;
  f.currency = args.Get("currency").value_or("CNY");
  if (f.currency.size() != 3)
    return Status::Error("usage", "--currency: expected an ISO 4217 code such as CNY");
  if (args.Has("event-day") && args.Has("date")) {
    return Status::Error("usage", "give --event-day or --date, not both");
  }
  f.event_day = static_cast<uint32_t>(now_ms / kMsPerDay);
  if (auto day = args.Get("event-day")) {
    auto d = ParseU64("event-day", *day);
    if (!d.ok()) return d.status();
    if (*d > UINT32_MAX) return Status::Error("usage", "--event-day: too large");
    f.event_day = static_cast<uint32_t>(*d);
  } else if (auto date = args.Get("date")) {
    auto d = ParseDate(*date);
    if (!d.ok()) return d.status();
    f.event_day = *d;
  }
  auto record = args.Require("record-hash");
  if (!record.ok()) return record.status();
  auto record_hash = HashOrHex(*record);
  if (!record_hash.ok()) return record_hash.status();
  f.record_hash = *record_hash;
  return f;
}

int Submit(const Args& args) {
  auto node = args.Require("node");
  if (!node.ok()) return ReportError(kSubmitCmd, node.status());
  auto url = ParseHttpUrl(*node);
  if (!url.ok()) return ReportError(kSubmitCmd, url.status());
  auto token = args.Require("token");
  if (!token.ok()) return ReportError(kSubmitCmd, token.status());
  auto key_file = args.Require("key");
  if (!key_file.ok()) return ReportError(kSubmitCmd, key_file.status());
  auto member = args.Require("member");
  if (!member.ok()) return ReportError(kSubmitCmd, member.status());
  auto chain_id = args.Require("chain-id");
  if (!chain_id.ok()) return ReportError(kSubmitCmd, chain_id.status());
  if (!args.positional().empty()) {
    return ReportError(kSubmitCmd,
                       Status::Error("usage", "unexpected argument '" + args.positional()[0] + "'"));
  }
  const uint64_t now = NowMs();
  auto fields = EventFields(args, now);
  if (!fields.ok()) return ReportError(kSubmitCmd, fields.status());
  uint64_t nonce = RandomNonce();
  if (auto n = args.Get("nonce")) {
    auto v = ParseU64("nonce", *n);
    if (!v.ok()) return ReportError(kSubmitCmd, v.status());
    nonce = *v;
  }
  auto key = crypto::LoadKeyFile(*key_file);
  if (!key.ok()) return ReportError(kSubmitCmd, key.status());

  const pb::TxBody body = RecordEventBody(*chain_id, *member, nonce, now - 60'000, now + 600'000, *fields);
  const std::string tx = SignTx(body, *key);
  std::cerr << "tx " << ToHex(proto::TxId(tx)) << " (nonce " << nonce << ")\n";

  HttpClient client(url->host, url->port, std::chrono::milliseconds(args.Has("wait") ? 70000 : 30000));
  const std::string target = args.Has("wait") ? "/v1/tx?wait=commit" : "/v1/tx";
  auto resp = client.PostJson(target, *token, nlohmann::json{{"tx", ToHex(tx)}}.dump());
  if (!resp.ok()) return ReportError(kSubmitCmd, resp.status());
  std::cout << resp->body << (resp->body.empty() || resp->body.back() != '\n' ? "\n" : "");
  if (resp->status / 100 != 2) {
    std::cerr << "creditctl submit: the node answered HTTP " << resp->status << "\n";
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace

std::vector<Command> SubmitCommands() {
  return {
      {"submit",
       "--node http://HOST:PORT --token T --key FILE --member ID --chain-id ID --subject-key HEX "
       "--event TYPE --loan-ref HEX|TEXT --amount MINOR [--currency CNY] [--event-day N | --date "
       "YYYY-MM-DD] --record-hash HEX|TEXT [--nonce N] [--wait]",
       "sign a RecordCreditEvent with the member key FILE and submit it (POST /v1/tx); TYPE is "
       "loan_opened, repaid, overdue_30, overdue_60, overdue_90, default, written_off, settled or "
       "fraud_confirmed; a TEXT reference or record is hashed with BLAKE2b-256; the date defaults to "
       "today (UTC), the nonce to a random one, the validity window to now-1min..now+10min; --wait "
       "waits for the commit (?wait=commit). Prints the node's JSON answer",
       FlagSpec{{"node", "token", "key", "member", "chain-id", "subject-key", "event", "loan-ref", "amount",
                 "currency", "event-day", "date", "record-hash", "nonce"},
                {"wait"}},
       Submit},
  };
}

}  // namespace cc::cli
